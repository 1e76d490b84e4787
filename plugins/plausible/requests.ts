// The requests carrying events to Plausible's Events API: "POST /api/event — Records a pageview
// or custom event", one event a request (there is no batch endpoint), with the visitor's
// User-Agent and X-Forwarded-For ("used for unique visitor counting") and Content-Type
// application/json; no credential (the body's domain names the site).
import { allowedPrivateTargets, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { eventUrlOf } from './config.ts';

/** One event a request: the Events API records one event a call. */
export const MAX_EVENTS = 1;
/**
 * A body holds a name (120 characters), a URL and a referrer (2,000 bytes each), 30 props
 * (300 + 2,000 bytes each) and revenue: under 80 KB. Plausible reads up to 1 MB.
 */
export const MAX_BYTES = 100_000;

/** The mapped event's body: everything but the visitor's `ip` and `user_agent`, which go as headers. */
function bodyOf(payload: JsonObject): JsonObject {
  const { ip: _ip, user_agent: _userAgent, ...body } = payload;
  return body;
}

/**
 * The headers of one event's request: JSON, and the visitor's User-Agent and X-Forwarded-For
 * as the mapping checked them (left out only when absent).
 *
 * @example
 * headersOf({ name: 'pageview', ip: '203.0.113.42', user_agent: 'Mozilla/5.0 …' });
 * // { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 …', 'x-forwarded-for': '203.0.113.42' }
 */
export function headersOf(payload: JsonObject): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (typeof payload.user_agent === 'string') headers['user-agent'] = payload.user_agent;
  if (typeof payload.ip === 'string') headers['x-forwarded-for'] = payload.ip;
  return headers;
}

/**
 * One POST to `<base URL>/api/event` per event, with its visitor's headers (and the private
 * hosts the config allows, for a self-hosted Plausible on the customer's network).
 *
 * @example
 * requestsFor([mapped], ctx);
 * // [{ method: 'POST', url: 'https://plausible.io/api/event',
 * //    headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 …', 'x-forwarded-for': '203.0.113.42' },
 * //    body: { name: 'pageview', url: 'https://shop.example.com/', domain: 'shop.example.com' }, eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = eventUrlOf(ctx.config);
  const allow = allowedPrivateTargets(ctx.config);
  return batch.map((mapped) => ({
    method: 'POST',
    url,
    headers: headersOf(mapped.payload),
    body: bodyOf(mapped.payload),
    eventIds: [mapped.id],
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  }));
}
