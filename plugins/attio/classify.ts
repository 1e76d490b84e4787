// Attio's answers, as its API reference documents them: 200 `{ "data": { "id": { …, "record_id" },
// "values": { … } } }` from an Assert; errors `{ "status_code", "type", "code", "message" }` —
// 400 `invalid_request_error` for a value Attio refuses (`validation_type`, `value_not_found`,
// `missing_value`, …: the message names the attribute), 401/403 `auth_error` for a token
// refused or lacking a scope, 404 `not_found` for an object or attribute it has not, 429
// `rate_limit_error` (100 reads and 25 writes a second) "always" with a Retry-After that "is a
// date at which the limit resets (usually the following second)". A 409 whose code says two
// writes raced (`concurrent_write_conflict`) is retried; any other 409 (a unique attribute
// another record holds) is refused for good. An asserted person whose identify gave a phone
// they do not hold yet is followed by a PATCH adding it (see ADDED_BY_PATCH in requests.ts), and
// one whose identify gave part of a name by a PATCH writing it merged with the name they hold.
import { excerpt, isJsonObject, isWebPage, parseRetryAfter, responseHeader, transientRetry, trimmedText, type ClassifyResult, type ForgetOutcome, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { mergedName, type NameParts } from './person.ts';
import { API_BASE, headersOf } from './requests.ts';

/** What to check when Attio refuses the token. */
export const CREDENTIALS = 'check config.access_token (an access token of Workspace settings > Developers in Attio, not revoked, with the scopes record_permission:read-write and object_configuration:read)';
/** Attio's limit is per second: without a usable Retry-After, the next second is soon enough. */
export const RATE_LIMIT_WAIT_MS = 1_000;
/** The codes of a 409 that a later try can pass: two writes to the same record raced. */
const RACE_CODES = new Set(['concurrent_write_conflict']);
/** Codes of a 400 or 404 caused by the config's attribute maps (an attribute missing, or of another type). */
const ATTRIBUTE_CODES = new Set(['validation_type', 'value_not_found', 'missing_value', 'immutable_value', 'system_edit_unauthorized', 'not_found']);

/** Attio's error answer, read defensively. */
export interface AttioError {
  code?: string;
  message?: string;
}

/**
 * The `code` and `message` of Attio's error answer, when it is one.
 *
 * @example
 * attioError({ status: 400, headers: {}, body: '…', json: { status_code: 400, type: 'invalid_request_error', code: 'value_not_found', message: 'Cannot find attribute with slug/ID "plan_tier".' } });
 * // { code: 'value_not_found', message: 'Cannot find attribute with slug/ID "plan_tier".' }
 */
export function attioError(response: VendorResponse): AttioError {
  const json = response.json;
  if (!isJsonObject(json)) return {};
  const code = trimmedText(json.code);
  const message = trimmedText(json.message);
  return { ...(code !== undefined ? { code } : {}), ...(message !== undefined ? { message } : {}) };
}

/**
 * What Attio said in an answer: `code: message` (either alone when the other is missing), else
 * the body's start, or `(no body)`.
 *
 * @example
 * attioSaid({ status: 429, headers: {}, body: '…', json: { code: 'rate_limit_exceeded', message: 'Rate limit exceeded, please try again later' } });
 * // 'rate_limit_exceeded: Rate limit exceeded, please try again later'
 */
export function attioSaid(response: VendorResponse): string {
  const { code, message } = attioError(response);
  if (code !== undefined || message !== undefined) return excerpt([code, message].filter((part) => part !== undefined).join(': '));
  const body = excerpt(response.body ?? '');
  return body === '' ? '(no body)' : body;
}

/**
 * How long Attio asks to wait after a 429: its Retry-After (a date, or seconds), at least a
 * second (the date has a second's precision and is "usually the following second").
 *
 * @example
 * rateLimitWaitMs({ status: 429, headers: { 'retry-after': 'Sun, 24 Mar 2024 16:00:02 GMT' }, body: '' }, Date.parse('2024-03-24T16:00:00Z')); // 2000
 */
export function rateLimitWaitMs(response: VendorResponse, now: number): number {
  const wait = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'), now);
  return Math.max(wait ?? RATE_LIMIT_WAIT_MS, RATE_LIMIT_WAIT_MS);
}

/** Whether a 409 says two writes raced (a later try passes), by its code or, without one, its words. */
export function isWriteRace(response: VendorResponse): boolean {
  const { code, message } = attioError(response);
  if (code !== undefined) return RACE_CODES.has(code.toLowerCase());
  return message !== undefined && /concurrent/i.test(message);
}

/** A record id as Attio gives one (a UUID): the only text put in the PATCH's path. */
const RECORD_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A phone number's digits and leading `+`, to compare what Attio holds with what is added. */
function phoneKey(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' ? value.replace(/[^\d+]/g, '') : undefined;
}

/** The keys of the values a record holds for an attribute (a phone by its number, else the value's JSON). */
function heldKeys(slug: string, held: JsonValue | undefined): Set<string> {
  const keys = new Set<string>();
  if (!Array.isArray(held)) return keys;
  for (const item of held) {
    if (slug === 'phone_numbers' && isJsonObject(item)) {
      for (const key of [phoneKey(item.phone_number), phoneKey(item.original_phone_number)]) if (key) keys.add(key);
    } else keys.add(JSON.stringify(item));
  }
  return keys;
}

function keyOf(slug: string, value: JsonValue): string {
  return slug === 'phone_numbers' && isJsonObject(value) ? phoneKey(value.original_phone_number) ?? '' : JSON.stringify(value);
}

/** The name an asserted person holds, from the assert's answer (its first active value), each part empty when not shown. */
function heldName(held: JsonValue | undefined): NameParts {
  const value = Array.isArray(held) ? held.find((item) => isJsonObject(item) && (item.active_until === undefined || item.active_until === null)) : undefined;
  if (!isJsonObject(value)) return {};
  const part = (key: string): string => (typeof value[key] === 'string' ? value[key] : '');
  return { first_name: part('first_name'), last_name: part('last_name'), full_name: part('full_name') };
}

/**
 * After an assert answered 2xx: the PATCH adding the values its memo kept (the person's phone)
 * that the asserted record does not hold yet, and writing the partial name its memo kept merged
 * with the name the record holds (mergedName), or undefined when there is nothing to change (so
 * a try repeated after a failure adds nothing twice); `retry` when the answer names no record id.
 *
 * @example
 * addedValuesFollowUp({ status: 200, headers: {}, body: '…', json: { data: { id: { record_id: 'bf07…' }, values: {} } } }, assertWithPhone);
 * // { next: [{ method: 'PATCH', url: 'https://api.attio.com/v2/objects/people/records/bf07…', body: { data: { values: { phone_numbers: [{ original_phone_number: '+447700900123' }] } } }, … }] }
 */
export function addedValuesFollowUp(response: VendorResponse, request: RequestDescriptor): ClassifyResult | undefined {
  const memo = isJsonObject(request.memo as JsonValue | undefined) ? (request.memo as JsonObject) : {};
  const added = isJsonObject(memo.added) ? memo.added : undefined;
  const partialName = isJsonObject(memo.name) ? (memo.name as NameParts) : undefined;
  if ((added === undefined && partialName === undefined) || request.method !== 'PUT') return undefined;
  const data = isJsonObject(response.json as JsonValue | undefined) ? (response.json as JsonObject).data : undefined;
  const recordId = isJsonObject(data) && isJsonObject(data.id) ? data.id.record_id : undefined;
  if (typeof recordId !== 'string' || !RECORD_ID.test(recordId)) {
    return { status: 'retry', reason: `Attio's answer to the assert (HTTP ${response.status}) names no record id, which the ${added === undefined ? 'name is written' : 'phone number is added'} to: sent again` };
  }
  const heldValues = isJsonObject(data) && isJsonObject(data.values) ? data.values : {};
  const values: JsonObject = {};
  for (const [slug, wanted] of Object.entries(added ?? {})) {
    if (!Array.isArray(wanted)) continue;
    const held = heldKeys(slug, heldValues[slug]);
    const missing = wanted.filter((value) => !held.has(keyOf(slug, value)));
    if (missing.length > 0) values[slug] = missing;
  }
  const name = partialName === undefined ? undefined : mergedName(partialName, heldName(heldValues.name));
  if (name !== undefined) values.name = [name];
  if (Object.keys(values).length === 0) return undefined;
  return { next: [{ method: 'PATCH', url: `${API_BASE}/objects/people/records/${recordId}`, headers: { ...(request.headers ?? {}) }, body: { data: { values } }, eventIds: request.eventIds }] };
}

/** Which record a delivery request asserts, from its URL. */
function whatOf(request: RequestDescriptor): 'person' | 'company' {
  return /\/objects\/companies\/records$/.test(request.url) ? 'company' : 'person';
}

/** What to check for a record Attio refused, by its code. */
function adviceOf(response: VendorResponse, what: 'person' | 'company'): string {
  const { code } = attioError(response);
  if (code === undefined || !ATTRIBUTE_CODES.has(code)) return '';
  const field = what === 'person' ? 'config.person_attributes (or config.user_id_attribute)' : 'config.company_attributes';
  return `: check ${field} — each attribute must exist on ${what === 'person' ? 'People' : 'Companies'} in Attio and take the trait's type (a select attribute an existing option's title) — then replay`;
}

/**
 * Attio's answers to a delivery request (one record a request):
 * - 2xx with Attio's JSON (`{ data: … }`): delivered, or first the PATCH adding the person's
 *   phone (addedValuesFollowUp); a web page or other text (a proxy's) retried; a 404 to that PATCH retried;
 * - 429: retried as Attio's rate limit (throttled), after its Retry-After date, at least a second;
 * - 409 saying two writes raced (`concurrent_write_conflict`): retried; any other 409 dead-lettered;
 * - 401 and 403: dead-lettered saying the token is refused or lacks a scope;
 * - 408 and 5xx: retried; 400, 404 and any other 4xx: dead-lettered with Attio's code and
 *   message, which names the attribute (and, for an attribute error, what to check in the config).
 *
 * @example
 * classifyAttio({ status: 400, headers: {}, body: '…', json: { code: 'value_not_found', message: 'Cannot find attribute with slug/ID "plan_tier".' } }, personRequest, ctx);
 * // { status: 'dead_letter', reason: 'Attio refused the person (HTTP 400: value_not_found: Cannot find attribute with slug/ID "plan_tier".): check config.person_attributes …' }
 */
export function classifyAttio(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const what = whatOf(request);
  const said = attioSaid(response);
  if (status >= 200 && status < 300) {
    if (!isJsonObject(response.json) || isWebPage(response.body)) return { status: 'retry', reason: `the answer (HTTP ${status}: ${said}) is not Attio's (a proxy or firewall in between?): sent again` };
    return addedValuesFollowUp(response, request) ?? { status: 'delivered' };
  }
  // The person asserted a moment ago is gone (deleted in between): the try again starts from the assert.
  if (status === 404 && request.method === 'PATCH') return { status: 'retry', reason: `Attio no longer has the person just asserted (HTTP 404: ${said}): sent again from the assert` };
  if (status === 429) return { status: 'retry', reason: `Attio rate limit reached (HTTP 429: ${said}): 25 writes a second for the workspace`, retryAfterMs: rateLimitWaitMs(response, ctx.now), throttled: true };
  if (status === 409 && isWriteRace(response)) return { status: 'retry', reason: `Attio was writing the same ${what} for another request (HTTP 409: ${said}): sent again` };
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Attio refused the access token (HTTP ${status}: ${said}): ${CREDENTIALS}` };
  const transient = transientRetry(response, 'Attio', said);
  if (transient) return transient;
  return { status: 'dead_letter', reason: `Attio refused the ${what} (HTTP ${status}: ${said})${adviceOf(response, what)}` };
}

/**
 * An answer to a deletion request that is no success, as the deletion's outcome: retried for a
 * 408, 429, 5xx or a write race (after Retry-After), failed naming the token for 401/403, else
 * failed with Attio's words and `what`.
 *
 * @example
 * unsuccessfulDeletion({ status: 503, headers: {}, body: '' }, 'deletion of the person', 0); // { retry: 'Attio HTTP 503: (no body)' }
 */
export function unsuccessfulDeletion(response: VendorResponse, what: string, now: number): ForgetOutcome {
  const said = attioSaid(response);
  if (response.status === 429) return { retry: `Attio rate limit reached (HTTP 429: ${said})`, afterSeconds: Math.ceil(rateLimitWaitMs(response, now) / 1000) };
  if (response.status === 409 && isWriteRace(response)) return { retry: `HTTP 409: ${said}` };
  if (response.status === 401 || response.status === 403) return { failed: `HTTP ${response.status}: Attio refused the access token for the ${what} (${said}): ${CREDENTIALS}` };
  const transient = transientRetry(response, 'Attio', said);
  if (transient?.status === 'retry') return transient.retryAfterMs === undefined ? { retry: transient.reason } : { retry: transient.reason, afterSeconds: Math.ceil(transient.retryAfterMs / 1000) };
  return { failed: `HTTP ${response.status}: Attio refused the ${what} (${said}); delete the person in Attio (People > the person > Delete record)` };
}
