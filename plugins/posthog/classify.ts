// PostHog's answers to `/batch/`, as its capture service gives them: 200 `{"status":1}` when
// the request was taken (also, without a word, when the project is over its billing limit,
// and for events without a name or distinct_id, which it then drops — the plugin sends none);
// 400 for a request it cannot take, refused whole for one bad event ("failed to parse
// request: …", "maximum event size exceeded", "event submitted without a distinct_id"); 401
// for an api_key that cannot be a project key ("API key is not valid: personal_api_key"); 413
// past 20 MB; 429 when rate limited; 503 "transient error, please retry". The body is text.
import { defaultClassify, type Classification, type VendorResponse, type RequestDescriptor } from '../../core/sdk/index.ts';

/** How much of PostHog's answer a reason quotes. */
const EXCERPT_CHARS = 300;

/**
 * 400s capture gives for one event of the request, or for its size — worth sending the
 * request again in halves, to find the event or fit the limit: "maximum event size exceeded"
 * (an event or the request over capture's size limit), "event submitted without a distinct_id"
 * (or "with an empty distinct_id", "with an empty event name"), "failed to parse request: …"
 * (serde's message for one malformed event, a uuid that is not one). Any other 400 is about
 * the request as a whole ("failed to decode request", "request holds no event"): halves would
 * be refused alike.
 */
const ONE_EVENT = /maximum event size exceeded|event submitted (?:without|with an empty)|failed to parse request/i;

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
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
 * PostHog's answers, per request. 2xx delivered. 400: capture refuses a request whole for
 * one of its events, so a request of several refused for an event or its size (`ONE_EVENT`)
 * is sent again in halves, down to the event refused; any other 400 dead-letters the
 * request's events with PostHog's message.
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
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const several = request.eventIds.length > 1;
  if (status === 400) {
    if (several && ONE_EVENT.test(said)) return { status: 'split', reason: `PostHog refused the batch for one of its events or its size (${answered}): sending it in halves` };
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
