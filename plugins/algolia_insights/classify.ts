// The Insights API's answers to `POST /1/events`, as its API reference documents them: 200
// `{"status":200,"message":"OK"}` when every event was taken ("Success doesn't imply that the
// event can be used by any Algolia feature": the index and object ids are not checked); 400 with
// an HTML page for a malformed request; 401 `{"status":401,"message":"Invalid credentials"}`;
// 404 for a path it does not serve; 413 for a body over 2 MB; 422 `{"status":422,"message":…}`
// for an invalid event ("All events must be valid, otherwise the API returns an error"), whose
// message says what is wrong but not which event; 429 when rate-limited; 5xx its own failures.
import { defaultClassify, excerpt, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { EVENT_KINDS, nameField } from './config.ts';

/** 422s about the request rather than one of its events: halves would be refused alike. */
const WHOLE_REQUEST = /no events to process|PublicEventsBatch/i;

/**
 * Algolia's own words: a JSON answer's `message` (or `error`), else the body's text.
 *
 * @example
 * saidBy({ status: 401, headers: {}, body: '{"status":401,"message":"Invalid credentials"}', json: { status: 401, message: 'Invalid credentials' } }); // 'Invalid credentials'
 */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    for (const key of ['message', 'error']) {
      const value = (json as Record<string, unknown>)[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '');
}

function isWebPage(response: VendorResponse): boolean {
  const type = Object.entries(response.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return /text\/html/i.test(type) || /^\s*<(?:!doctype|html)/i.test(response.body ?? '');
}

/** The status a 2xx's JSON says, when it says a failure (`{"status":422,…}` in a 200). */
function statusInBody(response: VendorResponse): number | undefined {
  const json = response.json;
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const status = (json as Record<string, unknown>).status;
  return typeof status === 'number' && status >= 400 ? status : undefined;
}

/** What to change for an event Algolia refused, by its message. */
function hintFor(said: string): string {
  if (/eventname/i.test(said)) return `an event name is 1 to 64 visible ASCII characters: check config.${EVENT_KINDS.map(nameField).join(', config.')}`;
  if (/timestamp/i.test(said)) return 'Algolia takes events of the last 30 days only: replaying older dead letters cannot succeed';
  if (/usertoken/i.test(said)) return 'user tokens are 1 to 128 characters of [a-zA-Z0-9_=/+-] (the plugin sends other ids as their SHA-256): check the blueprint\'s userToken and authenticatedUserToken';
  if (/query ?id/i.test(said)) return 'a queryID is the 32 hexadecimal digits of a search made with clickAnalytics: true (properties.query_id)';
  if (/index/i.test(said)) return 'the event needs its Algolia index: properties.search_index or config.default_index';
  return 'see Algolia\'s Events > Debugger for the event, and the plugin README for what each Segment event becomes';
}

/**
 * Algolia's answers, per request. 2xx delivered — unless it is a web page or its JSON says a
 * failure status, dead-lettered naming config.region. 422 (an invalid event; Algolia refuses
 * the whole batch and does not say which event): a request of several is sent again in halves,
 * down to the event refused, which alone is dead-lettered with Algolia's words (a 422 about the
 * request itself is dead-lettered at once). 400 (a malformed request, answered with an HTML
 * page): dead-lettered. 401/403: config.app_id and config.api_key (a key with the search ACL).
 * 404: no such API at the region's host. 413: halves, or one event dead-lettered as too large.
 * 408, 429 and 5xx: retried, after Retry-After when Algolia gives one.
 *
 * @example
 * classifyAlgolia({ status: 401, headers: {}, body: '{"status":401,"message":"Invalid credentials"}' }, request, ctx);
 * // { status: 'dead_letter', reason: 'Algolia refused the credentials (HTTP 401: Invalid credentials): check config.app_id and config.api_key …' }
 */
export function classifyAlgolia(response: VendorResponse, request: RequestDescriptor, _ctx?: PluginContext): ClassifyResult {
  const failedInBody = response.status >= 200 && response.status < 300 ? statusInBody(response) : undefined;
  const status = failedInBody ?? response.status;
  if (status >= 200 && status < 300) {
    if (isWebPage(response)) {
      return { status: 'dead_letter', reason: `Algolia's Insights API did not answer (HTTP ${status} with a web page): ${request.url} is not Algolia's — check config.region and any proxy between Signal and Algolia; replay the dead letters once fixed` };
    }
    return { status: 'delivered' };
  }
  const said = saidBy(response);
  const answered = `HTTP ${failedInBody === undefined ? status : `${response.status} saying ${status}`}${said ? `: ${said}` : ''}`;
  const several = request.eventIds.length > 1;
  if (status === 422) {
    if (WHOLE_REQUEST.test(said)) return { status: 'dead_letter', reason: `Algolia refused the request (${answered}): the body is not the events list it takes — report this as a bug of the plugin` };
    if (several) return { status: 'split', reason: `Algolia refused the batch, which it does whole for one invalid event (${answered}): sending it in halves to find that event` };
    return { status: 'dead_letter', reason: `Algolia refused the event (${answered}): ${hintFor(said)}` };
  }
  if (status === 400) return { status: 'dead_letter', reason: `Algolia refused the request as malformed (${answered}): not a problem of one event; report it as a bug of the plugin with the delivery log's request` };
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Algolia refused the credentials (${answered}): check config.app_id (Settings > API Keys > Application ID) and config.api_key, a key of that application with the search ACL and no referer or IP restriction excluding Signal` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Algolia has no such API at ${request.url} (${answered}): check config.region` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `Algolia: the request is over its 2 MB limit (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `Algolia refused this event alone as too large (${answered})` };
  }
  const classified = defaultClassify({ ...response, status });
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `Algolia ${what} (${answered})` };
}
