// PostHog's answers to `/batch/`, as its capture service gives them: 200 `{"status":"Ok"}` (as
// JSON; PostHog's API page shows the older capture's `{"status": 1}`) when
// the request was taken (also, without a word, when the project is over its billing limit —
// capture's `quota_limited` field is only ever set for session recordings — and for a key no
// project has); 400 for a request it cannot take, refused whole for one bad event ("failed to
// parse request: …", "event submitted without a distinct_id", "event submitted with invalid
// timestamp", "maximum event size exceeded"); 401 for an api_key that cannot be a project key
// ("API key is not valid: personal_api_key"); 413 past 20 MB or for an event over its message
// size; 429 when rate limited; 503 "transient error, please retry". The body is text.
import { excerpt, defaultClassify, type Classification, type VendorResponse, type RequestDescriptor } from '../../core/sdk/index.ts';

/**
 * 400s capture gives for one event of a request, refusing the whole request for it: a field
 * serde cannot read ("failed to parse request: …", "failed to hydrate events from request: …"),
 * "event submitted with an empty event name", "… without a distinct_id", "… with an empty
 * distinct_id", "… with invalid timestamp", "… with invalid cookieless mode", "maximum event
 * size exceeded" (older captures' 400 for one event too large), "invalid event could not be
 * processed" (one event its Kafka producer refuses). A request of several refused so is sent
 * again in halves: the events PostHog takes are delivered, only the one it refuses is
 * dead-lettered. Any other 400 ("failed to decode request", "request holds no event", "batch
 * submitted with inconsistent api_key values", the older capture's "Malformed request data")
 * refuses the request itself: halves would be refused alike, so its events are dead-lettered
 * with PostHog's message.
 */
const ONE_EVENT = /failed to (?:parse request|hydrate events)|event submitted (?:with |without a distinct_id)|maximum event size exceeded|invalid event could not be processed/i;

/**
 * A 2xx that is a web page rather than capture's JSON (`{"status": "Ok"}`): the address answering
 * is no PostHog capture — typically a reverse proxy path (`https://www.example.com/ingest`)
 * that does not forward `/batch/`, so the site's own page answers 200. Counted delivered, every
 * event would be lost without a word.
 */
function isWebPage(response: VendorResponse): boolean {
  const type = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return /text\/html/i.test(type) || /^\s*<(?:!doctype|html)/i.test(response.body ?? '');
}

/** PostHog's own words: a JSON error's `detail` (or `error`, `message`), else the body's text. */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const answer = json as Record<string, unknown>;
    for (const key of ['detail', 'error', 'message']) {
      const value = answer[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '');
}

/**
 * PostHog's answers, per request. 2xx delivered, unless it is a web page (`isWebPage`: the
 * host is no capture endpoint), which is dead-lettered naming config.host. 400: capture
 * refuses a request whole for one of its events, so a request of several refused for an event
 * (`ONE_EVENT`) is sent again in halves, down to the event refused; any other 400, and a single
 * event's, dead-letters the request's events with PostHog's message.
 * 401: the request's events dead-lettered saying which key to give. 413: halves, or a single
 * event dead-lettered as too large. 408, 429 and 5xx: retried, honouring Retry-After (a 429
 * uses up no try). Any other 4xx: dead-lettered with PostHog's message.
 *
 * @example
 * classifyPostHog({ status: 401, headers: {}, body: 'API key is not valid: personal_api_key' }, request);
 * // { status: 'dead_letter', reason: 'PostHog refused the project API key (HTTP 401: API key is not valid: personal_api_key): …' }
 */
export function classifyPostHog(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    if (!isWebPage(response)) return { status: 'delivered' };
    return {
      status: 'dead_letter',
      reason: `PostHog's capture did not answer (HTTP ${status} with a web page, not capture's {"status": "Ok"}): ${request.url} is not a PostHog ingestion endpoint — check config.host (https://us.i.posthog.com, https://eu.i.posthog.com, or a reverse proxy that forwards /batch/ to one); replay the dead letters once fixed`,
    };
  }
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const several = request.eventIds.length > 1;
  if (status === 400) {
    if (several && ONE_EVENT.test(said)) return { status: 'split', reason: `PostHog refused the batch, which it does for one bad event (${answered}): sending it in halves to find that event` };
    return { status: 'dead_letter', reason: `PostHog refused the ${several ? 'request' : 'event'} (${answered})` };
  }
  if (status === 401 || status === 403) {
    return {
      status: 'dead_letter',
      reason: `PostHog refused the project API key (${answered}): config.api_key must be the project API key, phc_… (Project settings > General > Project API key), not a personal (phx_) or secret (phs_) key`,
    };
  }
  if (status === 413) {
    if (several) return { status: 'split', reason: `PostHog: the request is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `PostHog refused this event alone as too large (${answered}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `PostHog has no batch endpoint at ${request.url} (${answered}): check config.host (https://us.i.posthog.com, https://eu.i.posthog.com, or your instance's or proxy's address)` };
  }
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `PostHog ${what} (${answered})` };
}
