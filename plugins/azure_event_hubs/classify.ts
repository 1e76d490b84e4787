// Event Hubs' answers to "Send batch events". Accepted: 201 Created with an empty body. A batch is
// written whole or not at all (Event Hubs reports no per-event results), so an answer decides
// every event of its request — except a refusal that one event's size may cause, which sends the
// request again in halves until that event is alone. A refusal carries the Service Bus REST
// error, `<Error><Code>401</Code><Detail>ExpiredToken: The token is expired. TrackingId:…,
// SystemTracker:…, Timestamp:…</Detail></Error>`, read by `azureError` (also a JSON `error` or
// `message`, or plain text, as a proxy may answer).
import { excerpt, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { hubTarget, tierOf } from './config.ts';

/** How long Azure's SDKs wait after a "server busy" answer before trying again (ServerBusyBaseSleepTime). */
export const SERVER_BUSY_WAIT_MS = 10_000;

/** A web page, not Event Hubs' answer (a proxy's, a captive portal's, a wrong route's). */
export const WEB_PAGE = /^\s*(?:<!doctype html|<html|<head|<body)/i;
/** Words of a throttling answer: Event Hubs is busy, or the namespace's throughput units are used up. */
const BUSY = /server ?busy|throttl|too many requests|throughput units|ingress.*exceeded|exceeded.*ingress/i;
/** Words of a refusal for size: one event (or the batch) over the tier's publication limit. */
const TOO_LARGE = /too large|size ?exceeded|exceeds the (?:maximum|limit)|maximum (?:message |event |batch )?size|payload size|request entity/i;
/** Words of a refusal that one event's content may cause (its JSON, a property, its partition key). */
const ONE_EVENTS = /serializ|json|brokerproperties|userproperties|partition ?key|property/i;
/** Words of a refusal by the namespace's networking (IP firewall, private endpoints only). */
const NETWORK = /\bip\b|ip address|firewall|virtual network|network rule|public network access|private endpoint/i;
/** Words of an event hub (or namespace) that does not take sends now. */
const DISABLED = /disabled|senddisabled|suspended/i;
/** Words of a token that is no longer (or not yet) valid: the Signal host's clock is off. */
const EXPIRED = /expiredtoken|token is expired|expired token|token has expired|not yet valid/i;
/** Words of a policy without the Send claim ("'Send' claim(s) are required"). */
const NO_SEND_CLAIM = /claim/i;
/** Words of a namespace that refuses shared access keys (its local authentication disabled for Entra ID only). */
const LOCAL_AUTH_DISABLED = /local ?auth|disablelocalauth|(?:sas|shared access)[^.]*disabled/i;

/**
 * What a refusal says: the Detail of Service Bus's XML error (else its Code), a JSON error's
 * `message` / `error`, or the start of a text body; white space folded, cut to fit a reason.
 *
 * @example
 * azureError('<Error><Code>401</Code><Detail>ExpiredToken: The token is expired. TrackingId:1f…, SystemTracker:shop-events.servicebus.windows.net:signal-events, Timestamp:2026-11-30T12:00:05</Detail></Error>');
 * // 'ExpiredToken: The token is expired. TrackingId:1f…, SystemTracker:shop-events.servicebus.windows.net:signal-events, Timestamp:2026-11-30T12:00:05'
 */
export function azureError(body: string, json?: unknown): string {
  const detail = /<Detail>([\s\S]*?)<\/Detail>/i.exec(body)?.[1] ?? /<Code>([\s\S]*?)<\/Code>/i.exec(body)?.[1];
  if (detail !== undefined) return excerpt(detail.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, '\'').replace(/&amp;/g, '&'));
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const fields = json as Record<string, unknown>;
    const nested = fields.error !== null && typeof fields.error === 'object' ? (fields.error as Record<string, unknown>) : {};
    const said = [fields.message, nested.message, fields.error, fields.Message].find((value): value is string => typeof value === 'string' && value.trim() !== '');
    if (said !== undefined) return excerpt(said);
  }
  return WEB_PAGE.test(body) ? 'a web page' : excerpt(body);
}

/** `HTTP 401 ExpiredToken: The token is expired. …` — what an answer said, for reasons. */
const said = (status: number, words: string): string => (words === '' ? `HTTP ${status}` : `HTTP ${status} ${words}`);

/** The retry of a throttled answer: after its Retry-After, else the wait Azure's SDKs keep after "server busy". */
function throttledRetry(reason: string, response: VendorResponse, now: number): EventOutcome {
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now) ?? SERVER_BUSY_WAIT_MS;
  return { status: 'retry', reason, throttled: true, retryAfterMs };
}

/** The event hub as messages name it: `event hub signal-events in shop-events.servicebus.windows.net`. */
function hubWords(config: Record<string, JsonValue>): string {
  const target = hubTarget(config);
  return `event hub ${target.eventHub} in ${target.host}`;
}

/** The largest publication of the configured tier, in words. */
const tierLimit = (config: Record<string, JsonValue>): string => ({ basic: '256 KB (Basic tier)', standard: '1 MB', premium: '1 MB', dedicated: '20 MB (Dedicated tier)' })[tierOf(config)];

const REPLAY = 'then replay the dead letters';
const CREDENTIALS = 'config.shared_access_key_name and config.shared_access_key (or config.connection_string)';

/** A refusal for size: in halves when several events went, else that event dead-lettered saying so. */
function tooLarge(answered: string, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  if (request.eventIds.length > 1) return { status: 'split', reason: `Event Hubs refused the request as too large (${answered}): sending it in halves` };
  return {
    status: 'dead_letter',
    reason: `Event Hubs refused this event alone as too large (${answered}): an event holds at most ${tierLimit(config)} with its properties; leave its largest properties out with a pipeline transformation or the blueprint${tierOf(config) === 'basic' ? ', or move the namespace to the Standard tier (and set config.tier)' : ''}, ${REPLAY}`,
  };
}

/**
 * Event Hubs' answer to a Send batch events request:
 * - 201 Created (not a web page): delivered. Any other 2xx is not Event Hubs' answer (a proxy's
 *   page, a wrong route): retried, since nothing says the events were written;
 * - 429, and 503 or 403 "server busy" / throttled: retried as a rate limit, after Retry-After,
 *   else after 10 seconds (Azure's SDKs' wait after "server busy");
 * - 5xx, 408 (after their Retry-After when given), a 403 quota: retried;
 * - 401 ExpiredToken: retried, the reason naming the Signal host's clock (each try is signed anew);
 * - 413, a 400 or 403 about size, a 400 about one event's content: in halves when several went,
 *   else that event dead-lettered saying so (a bare 400 is dead-lettered, as the conformance
 *   suite expects of every plugin);
 * - 404, 410: dead-lettered naming config.event_hub and config.namespace;
 * - 401, 403: dead-lettered naming the credentials, the Send claim, the namespace's networking
 *   (before a disabled hub: "public network access is disabled" is networking), or its local
 *   authentication turned off;
 * - a disabled event hub, any other 4xx: dead-lettered with Azure's words.
 *
 * @example
 * classifySend({ status: 201, headers: {}, body: '' }, request, config, now); // { status: 'delivered' }
 */
export function classifySend(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>, now: number): Classification {
  const { status, body } = response;
  if (status >= 200 && status < 300) {
    if (status === 201 && !WEB_PAGE.test(body)) return { status: 'delivered' };
    const what = WEB_PAGE.test(body) ? 'a web page' : body.trim() === '' ? 'an empty body' : `"${excerpt(body, 100)}"`;
    return { status: 'retry', reason: `HTTP ${status} with ${what}: not Event Hubs' answer (201 Created, an empty body), a proxy or a wrong route in the way? The events are sent again` };
  }
  const words = azureError(body, response.json);
  const answered = said(status, words);
  const hub = hubWords(config);
  if (status === 429 || ((status === 503 || status === 403) && BUSY.test(words))) {
    return throttledRetry(`Event Hubs is busy or the namespace's throughput is used up (${answered}); sent again later. If this lasts, raise the namespace's throughput units (or turn on auto-inflate) or processing units`, response, now);
  }
  if (status === 401 && EXPIRED.test(words)) {
    return { status: 'retry', reason: `Event Hubs refused the token as expired (${answered}): each token is valid 10 minutes from its signing, so the Signal host's clock is more than that behind Azure's; fix it with NTP (each try is signed anew)` };
  }
  if (status >= 500 || status === 408) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
    return { status: 'retry', reason: `Event Hubs failed (${answered})`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status === 413 || ((status === 400 || status === 403) && TOO_LARGE.test(words))) return tooLarge(answered, request, config);
  if (status === 403 && /quota/i.test(words)) {
    // A quota may free up (or be raised): tried again with the core's backoff, each try counted,
    // so a lasting refusal ends in a dead letter saying so.
    return { status: 'retry', reason: `Event Hubs refused the request for a quota of the namespace (${answered}): sent again; if this lasts, check the namespace's quotas and tier in the Azure portal` };
  }
  if (status === 404 || status === 410) {
    return { status: 'dead_letter', reason: `Event Hubs has no ${hub} (${answered}): check config.event_hub (or the connection string's EntityPath) and config.namespace, ${REPLAY}` };
  }
  if ((status === 401 || status === 403) && LOCAL_AUTH_DISABLED.test(words)) {
    return { status: 'dead_letter', reason: `the namespace refuses shared access keys (${answered}): its local authentication is disabled (Microsoft Entra ID only), which this plugin does not use; enable local authentication on the namespace, ${REPLAY}` };
  }
  // Before DISABLED: "Public network access is disabled …" is the namespace's networking, not a disabled hub.
  if ((status === 401 || status === 403) && NETWORK.test(words)) {
    return { status: 'dead_letter', reason: `the namespace's networking refused Signal's address (${answered}): allow Signal's outbound IP address in the namespace's Networking settings (or public access), ${REPLAY}` };
  }
  if (DISABLED.test(words)) return { status: 'dead_letter', reason: `the ${hub} does not take events now (${answered}): set its status to Active in the Azure portal, ${REPLAY}` };
  if ((status === 401 || status === 403) && NO_SEND_CLAIM.test(words)) {
    return { status: 'dead_letter', reason: `the shared access policy may not send (${answered}): give config.shared_access_key_name a policy with the Send claim on the ${hub} or its namespace, ${REPLAY}` };
  }
  if (status === 401) {
    return { status: 'dead_letter', reason: `Event Hubs refused the signature (${answered}): check ${CREDENTIALS} — a policy of the ${hub} or of its namespace, its current primary or secondary key (a regenerated key stops the old one) — ${REPLAY}` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `Event Hubs refused the request (${answered}): check that the policy of ${CREDENTIALS} has the Send claim, and the namespace's quotas and networking, ${REPLAY}` };
  }
  if (status === 400 && ONE_EVENTS.test(words)) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Event Hubs refused the request (${answered}); one event may be the cause: sending it in halves` };
    return { status: 'dead_letter', reason: `Event Hubs refused this event (${answered}): leave the field it names out with a pipeline transformation or the blueprint, ${REPLAY}` };
  }
  return { status: 'dead_letter', reason: `Event Hubs refused the request (${answered}): check the config (namespace, event_hub, the policy), ${REPLAY}` };
}
