// Reading Pipedrive's answers, as its API v2 reference documents them: a person search's
// `{ success: true, data: { items: [{ result_score, item: { id, name, emails: ["…"], phones:
// ["…"], … } }] } }`; a person's `{ success: true, data: { id, name, emails: [{ value, primary,
// label }], phones: [{ value, primary, label }], custom_fields, … } }`; errors as `{ success:
// false, error: "…", error_info: "…" }`. Shared by the classifier and the person deletions.
import { excerpt, isJsonObject, responseHeader, type JsonValue, type VendorResponse } from '../../core/sdk/index.ts';

/** One phone of a person as Pipedrive holds it. */
export interface HeldPhone {
  value: string;
  primary: boolean;
  label: string;
}

/** A person a search found: its id and the phones it holds (as the search lists them). */
export interface FoundPerson {
  id: number;
  phones: string[];
}

/** Whether a value is a Pipedrive id: a whole number above 0. */
export const isPipedriveId = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value > 0;

/**
 * The persons a search answered, lowest id (the oldest) first; undefined for an answer that is
 * no person search's. The addresses are not compared: the search asked for exact matches of the
 * email, and the core hides the person's ids in the answers a deletion reads.
 *
 * @example
 * foundPersonsOf({ json: { success: true, data: { items: [{ item: { id: 9, phones: ['+1 555'] } }, { item: { id: 4, phones: [] } }] } } });
 * // [{ id: 4, phones: [] }, { id: 9, phones: ['+1 555'] }]
 */
export function foundPersonsOf(response: Pick<VendorResponse, 'json'>): FoundPerson[] | undefined {
  const data = isJsonObject(response.json) ? response.json.data : undefined;
  // An empty search answers `data: { items: [] }` (or, on some endpoints, `data: null`).
  if (data === null && isJsonObject(response.json) && response.json.success === true) return [];
  const items = isJsonObject(data) ? data.items : undefined;
  if (!Array.isArray(items)) return undefined;
  return items.filter(isJsonObject).map((entry) => (isJsonObject(entry.item) ? entry.item : entry))
    .filter((item) => isPipedriveId(item.id))
    .map((item) => ({ id: item.id as number, phones: Array.isArray(item.phones) ? item.phones.filter((p: JsonValue): p is string => typeof p === 'string') : [] }))
    .sort((a, b) => a.id - b.id);
}

/**
 * The phones a person's answer holds (`data.phones`), or undefined for an answer that is no person's.
 *
 * @example
 * heldPhonesOf({ json: { success: true, data: { id: 4, phones: [{ value: '+1 555 0100', primary: true, label: 'work' }] } } });
 * // [{ value: '+1 555 0100', primary: true, label: 'work' }]
 */
export function heldPhonesOf(response: Pick<VendorResponse, 'json'>): HeldPhone[] | undefined {
  const data = isJsonObject(response.json) ? response.json.data : undefined;
  if (!isJsonObject(data) || !isPipedriveId(data.id)) return undefined;
  if (!Array.isArray(data.phones)) return [];
  return data.phones.filter(isJsonObject).filter((phone) => typeof phone.value === 'string' && phone.value.trim() !== '')
    .map((phone) => ({ value: String(phone.value), primary: phone.primary === true, label: typeof phone.label === 'string' && phone.label !== '' ? phone.label : 'work' }));
}

/**
 * A phone number compared as people read it: its digits (and a leading +) alone.
 *
 * @example
 * samePhone('+1 (555) 010-0100', '+15550100100'); // true
 */
export function samePhone(a: string, b: string): boolean {
  const digits = (text: string) => text.replace(/[^\d+]/g, '');
  return digits(a) !== '' && digits(a) === digits(b);
}

/**
 * Pipedrive's own words in an answer: `error` with `error_info`, else the body's start; '' when
 * it says nothing more than its status.
 *
 * @example
 * wordsOf({ status: 400, headers: {}, body: '…', json: { success: false, error: 'Validation failed: name: Name must be given', error_info: 'Please check developers.pipedrive.com' } });
 * // 'Validation failed: name: Name must be given (Please check developers.pipedrive.com)'
 */
export function wordsOf(response: VendorResponse): string {
  const json = response.json;
  if (isJsonObject(json)) {
    const error = typeof json.error === 'string' ? json.error.trim() : '';
    const info = typeof json.error_info === 'string' ? json.error_info.trim() : '';
    return excerpt([error, info ? `(${info})` : ''].filter(Boolean).join(' '));
  }
  return excerpt((response.body ?? '').replace(/\s+/g, ' ').trim());
}

/**
 * Pipedrive's answer for a reason: `HTTP 400: Validation failed: …`.
 *
 * @example
 * answered({ status: 404, headers: {}, body: '…', json: { success: false, error: 'Person not found' } }); // 'HTTP 404: Person not found'
 */
export function answered(response: VendorResponse): string {
  const said = wordsOf(response);
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/**
 * Whether a 2xx is Pipedrive's own answer: a JSON object saying `success: true`. A web page or
 * other text is a proxy's, and says nothing.
 *
 * @example
 * isPipedriveSuccess({ status: 200, headers: {}, body: '<html>…' }); // false
 */
export function isPipedriveSuccess(response: VendorResponse): boolean {
  return isJsonObject(response.json) && response.json.success === true;
}

/** How long a token Pipedrive's edge blocks (see isEdgeBlock) is left alone before the next try. */
export const EDGE_BLOCK_PAUSE_MS = 15 * 60_000;

/**
 * Whether a 403 is the block Pipedrive's edge puts on an API token that kept sending after its
 * 429s ("users ... keeping up the high volume of traffic despite getting the 429 response code,
 * will also get the 403 response code", an HTML page of Cloudflare's, Rate limiting) rather
 * than Pipedrive refusing the user: no JSON answer of Pipedrive's (`{ success: false, error }`).
 *
 * @example
 * isEdgeBlock({ status: 403, headers: {}, body: '<html>… Cloudflare …</html>' });                                 // true
 * isEdgeBlock({ status: 403, headers: {}, body: '…', json: { success: false, error: 'You do not have permission' } }); // false
 */
export function isEdgeBlock(response: VendorResponse): boolean {
  return response.status === 403 && !isJsonObject(response.json);
}

/**
 * The ms until the next midnight UTC after `now`: the earliest guess of when Pipedrive's daily
 * budget resets ("at midnight at server's timezone which may not be aligned" with the
 * customer's; the core asks again at least every hour whatever this says).
 */
export function msUntilUtcMidnight(now: number): number {
  const next = new Date(now);
  next.setUTCHours(24, 0, 0, 0);
  return next.getTime() - now;
}

/**
 * Whether a 429 says the company's daily token budget is spent, not the 2-second burst window:
 * `x-daily-requests-left: 0`, or words naming the daily limit or budget. (Pipedrive documents
 * no header of its own for the token budget; see the README's Unconfirmed section.)
 *
 * @example
 * isDailyBudgetSpent({ status: 429, headers: { 'x-daily-requests-left': '0' }, body: '' }); // true
 * isDailyBudgetSpent({ status: 429, headers: { 'x-ratelimit-reset': '2' }, body: '' });     // false
 */
export function isDailyBudgetSpent(response: VendorResponse): boolean {
  if (responseHeader(response.headers ?? {}, 'x-daily-requests-left')?.trim() === '0') return true;
  return /\b(daily|budget|per day)\b/i.test(wordsOf(response));
}
