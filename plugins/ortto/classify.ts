// Ortto's answers to the delivery requests. A merge answers 200 with one entry a person, in the
// request's order: `{ people: [{ person_id, status: "created" | "merged" }] }`, and for an email
// on the suppression list `{ status: "suppressed", error: "Email is suppressed" }` (the merge
// asks for that check: suppression_list_field_id); a creation of
// activities `{ activities: [{ person_id, status, person_status, activity_id }] }` — here too an
// entry with an `error` is a record Ortto did not take. An asynchronous request (config.async)
// is queued, and its answer says nothing of each record. A refused request: 400 for a bad one
// (`{ error, status }`), 401 for a refused key, 429 over the rate limit with
// `{ error: { code: "rate-limit", message, "try-in-seconds" } }` (Rate limits), 5xx.
import {
  excerpt, isJsonObject, isWebPage, transientRetry, trimmedText, type ClassifyResult, type EventOutcome, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { ACTIVITIES_CREATE_PATH } from './requests.ts';

/** What to check when Ortto refuses the key. */
export const CREDENTIALS = 'check config.api_key (the private key of a Custom API data source that is still connected) and config.region (the instance\'s region: a key works on its own region\'s host only)';
/** The way back after a dead letter. */
const REPLAY = 'then replay the dead letter (replayDeadLetters)';

/**
 * Ortto's own words in an answer: `error` as text, or `error.message` (its rate-limit answer),
 * then `message`, else the body's first characters.
 *
 * @example
 * orttoWords({ status: 400, headers: {}, body: '{"error":"invalid field id"}', json: { error: 'invalid field id' } }); // 'invalid field id'
 */
export function orttoWords(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json as JsonValue | undefined)) {
    const answer = json as JsonObject;
    const error = answer.error;
    if (typeof error === 'string' && error.trim() !== '') return excerpt(error.trim());
    if (isJsonObject(error) && typeof error.message === 'string' && error.message.trim() !== '') return excerpt(`${error.message.trim()}${typeof error.code === 'string' ? ` (${error.code})` : ''}`);
    if (typeof answer.message === 'string' && answer.message.trim() !== '') return excerpt(answer.message.trim());
  }
  return excerpt(response.body ?? '');
}

/** "HTTP <status>: <Ortto's words>". */
export function answered(response: VendorResponse): string {
  const words = orttoWords(response);
  return `HTTP ${response.status}${words ? `: ${words}` : ''}`;
}

/** The wait Ortto's rate-limit answer asks for (`try-in-seconds`), in ms. */
function tryInMs(response: VendorResponse): number | undefined {
  const error = isJsonObject(response.json as JsonValue | undefined) ? (response.json as JsonObject).error : undefined;
  const seconds = isJsonObject(error) ? error['try-in-seconds'] : undefined;
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.ceil(seconds * 1000) : undefined;
}

function isActivities(request: RequestDescriptor): boolean {
  return request.url.endsWith(ACTIVITIES_CREATE_PATH);
}

/**
 * Each record's outcome in a 2xx answer: the answer's array (`people`, `activities`) read in
 * the request's order — an entry `suppressed` or with an `error` dead-lettered with Ortto's
 * words, any other delivered. An answer without the array (a queued request) delivers all.
 */
function perRecord(response: VendorResponse, request: RequestDescriptor): ClassifyResult {
  const activities = isActivities(request);
  const json = response.json;
  const list = isJsonObject(json as JsonValue | undefined) ? (json as JsonObject)[activities ? 'activities' : 'people'] : undefined;
  if (!Array.isArray(list)) return { status: 'delivered' };
  const failed: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, index) => {
    const entry = list[index];
    if (!isJsonObject(entry)) return;
    const status = typeof entry.status === 'string' ? entry.status : undefined;
    const error = trimmedText(entry.error);
    if (status === 'suppressed') {
      failed[id] = { status: 'dead_letter', reason: `Ortto did not take the person: ${error ?? 'Email is suppressed'} (the email is on the account's email suppression list, so Ortto creates no person for it)` };
    } else if (error !== undefined) {
      failed[id] = { status: 'dead_letter', reason: `Ortto did not take the ${activities ? 'activity' : 'person'}${status ? ` (status ${status})` : ''}: ${excerpt(error)}` };
    }
  });
  return Object.keys(failed).length > 0 ? { perEvent: failed } : { status: 'delivered' };
}

/**
 * Ortto's answer to a merge or an activities creation:
 *
 * - 2xx: per record, in the request's order (see perRecord); an HTML page (a proxy's, a login
 *   page) retried: it is not Ortto's answer;
 * - 429: Ortto's rate limit, retried after its `try-in-seconds` (else `Retry-After`);
 * - 408, 5xx: retried;
 * - 401, 403: dead-lettered naming config.api_key and config.region;
 * - 404: dead-lettered naming config.region (no such endpoint on that host);
 * - 413 with several records: sent again in halves;
 * - 400 and other 4xx: dead-lettered with Ortto's words and what to check.
 *
 * @example
 * classifyOrtto({ status: 200, headers: {}, body: '…', json: { people: [{ person_id: '006…', status: 'created' }, { status: 'suppressed', error: 'Email is suppressed' }] } }, merge, ctx);
 * // { perEvent: { 'm-2': { status: 'dead_letter', reason: 'Ortto did not take the person: Email is suppressed (…)' } } }
 */
export function classifyOrtto(response: VendorResponse, request: RequestDescriptor, _ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const what = isActivities(request) ? (request.eventIds.length === 1 ? 'the activity' : 'the activities') : (request.eventIds.length === 1 ? 'the person' : 'the people');
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `${answered(response)}: an HTML page, not Ortto's answer (a proxy or firewall in between?), so it is sent again` };
    return perRecord(response, request);
  }
  const transient = transientRetry(response, 'Ortto', orttoWords(response) || '(no message)');
  if (transient !== undefined) {
    // Ortto's rate-limit answer says how long to wait in its body; that wait goes first.
    const wait = status === 429 ? tryInMs(response) : undefined;
    return wait === undefined || transient.status !== 'retry' ? transient : { ...transient, retryAfterMs: wait };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Ortto refused ${what} (${answered(response)}): ${CREDENTIALS}; ${REPLAY}` };
  if (status === 404) return { status: 'dead_letter', reason: `Ortto answered ${answered(response)} for ${request.url}: check config.region (the instance's region), ${REPLAY}` };
  if (status === 413 && request.eventIds.length > 1) return { status: 'split', reason: `Ortto refused the request as too large (${answered(response)}): sending it in halves` };
  const check = isActivities(request)
    ? 'check config.activities (custom activities that exist in Ortto) and config.attribute_fields (attributes those activities define, of the types the values have)'
    : 'check config.trait_fields (custom person fields that exist in Ortto, of the types the traits have) and config.merge_by';
  return { status: 'dead_letter', reason: `Ortto refused ${what} (${answered(response)}): ${check}; ${REPLAY}` };
}
