// The Shared Access Signature that authorises each request, as Microsoft documents it for the
// Event Hubs REST API: `SharedAccessSignature sr=<URL-encoded resource URI>&sig=<URL-encoded
// base64 of HMAC-SHA256(key, URL-encoded resource URI + "\n" + expiry)>&se=<expiry, Unix
// seconds>&skn=<policy name>`. The HMAC's key is the policy's key as text (its UTF-8 bytes, not
// the bytes its base64 decodes to), as Microsoft's samples compute it. The resource is the event
// hub's URI, so a policy on the namespace and a policy on the event hub alike cover it. Made by
// the `sign` hook at the moment a request goes (after any rate-limit wait, anew for each retry),
// valid 10 minutes: short, so a token seen in a log or a proxy is soon worthless.
import { createHmac } from 'node:crypto';
import type { PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { hubTarget, type HubTarget } from './config.ts';

/** How long a token is valid from the moment its request is signed, in seconds. */
export const TOKEN_LIFETIME_SECONDS = 600;

/**
 * The event hub's resource URI, the token's `sr`: `https://<namespace host>/<event hub>`.
 *
 * @example
 * resourceUri({ host: 'shop-events.servicebus.windows.net', eventHub: 'signal-events', keyName: 'k', key: 'x' });
 * // 'https://shop-events.servicebus.windows.net/signal-events'
 */
export const resourceUri = (target: Pick<HubTarget, 'host' | 'eventHub'>): string => `https://${target.host}/${encodeURIComponent(target.eventHub)}`;

/**
 * A Shared Access Signature token for a resource, valid until `expirySeconds` (Unix time).
 *
 * @example
 * sharedAccessSignature('https://shop-events.servicebus.windows.net/signal-events', 'signal-send', 'key', 1796040600);
 * // 'SharedAccessSignature sr=https%3A%2F%2Fshop-events.servicebus.windows.net%2Fsignal-events&sig=…&se=1796040600&skn=signal-send'
 */
export function sharedAccessSignature(uri: string, keyName: string, key: string, expirySeconds: number): string {
  const encodedUri = encodeURIComponent(uri);
  const signature = createHmac('sha256', key).update(`${encodedUri}\n${expirySeconds}`, 'utf8').digest('base64');
  return `SharedAccessSignature sr=${encodedUri}&sig=${encodeURIComponent(signature)}&se=${expirySeconds}&skn=${encodeURIComponent(keyName)}`;
}

/**
 * The `sign` hook: the request with its `Authorization` token, made at `ctx.now` (the sending
 * time) and valid 10 minutes from it. Deletion notices are signed the same way.
 */
export function signRequest(request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const target = hubTarget(ctx.config);
  const expiry = Math.floor(ctx.now / 1000) + TOKEN_LIFETIME_SECONDS;
  return { ...request, headers: { ...request.headers, authorization: sharedAccessSignature(resourceUri(target), target.keyName, target.key, expiry) } };
}
