// Zoho CRM's answers to an upsert (see answers.ts for their shapes):
//
// - a `data` list, one entry a record in order (HTTP 200, or 400 when records were refused) —
//   each record's events settle by its entry: SUCCESS delivered; MANDATORY_NOT_FOUND for
//   Last_Name (or a Lead's Company, when the org's layout makes it mandatory) → a follow-up upsert
//   of those records with the field's fallback (config.last_name_fallback, config.placeholder):
//   only a creation reports a missing mandatory field, so an existing record's last name is never
//   overwritten; LIMIT_EXCEEDED / TOO_MANY_REQUESTS throttled; any other code (INVALID_DATA,
//   DUPLICATE_DATA, MANDATORY_NOT_FOUND for another field, …) dead-lettered with Zoho's words,
//   the field its `details.api_name` names and what to fix; an entry missing retried;
// - a refusal of the whole request: 401 (INVALID_TOKEN reaches the classifier only when the token
//   the core renewed is refused too; OAUTH_SCOPE_MISMATCH) dead-lettered naming the credentials or
//   the scopes; 403 NO_PERMISSION naming the user's profile; 429 and the API credit limit retried
//   and throttled; 400 INVALID_MODULE naming config.module; 413 split; 408 and 5xx retried after
//   Retry-After; a 2xx that is no Zoho JSON retried.
import { parseRetryAfter, responseHeader, type ClassifyResult, type EventOutcome, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, entriesOf, errorCodeOf, saidEntry, type EntryResult } from './answers.ts';
import { lastNameFallbackOf, moduleOf, placeholderOf } from './config.ts';
import { memoOf, upsertRequest, type CarriedRecord, type Memo } from './requests.ts';

/** How long a spent API credit allowance pauses the integration when Zoho says no Retry-After (Signal's choice; the allowance is a rolling 24 hours). */
export const CREDIT_LIMIT_WAIT_MS = 600_000;
/** Codes that say the account's limits were reached: its API credits, or its concurrent requests. */
const LIMIT_CODES = new Set(['LIMIT_EXCEEDED', 'TOO_MANY_REQUESTS']);
/** The way back after a dead letter. */
const REPLAY = 'then replay the dead letters (replayDeadLetters)';

/** What to check for a refused record, by its code. */
function hintFor(entry: EntryResult, ctx: PluginContext): string {
  const module = moduleOf(ctx.config);
  switch (entry.code) {
    case 'MANDATORY_NOT_FOUND':
      return `Zoho CRM requires ${entry.field ?? 'this field'} to create a record in ${module}: map it from the traits (config.field_map, or the blueprint)${entry.field === 'Last_Name' ? ', or set config.last_name_fallback' : entry.field === 'Company' ? ', or set config.placeholder' : ''}`;
    case 'INVALID_DATA':
      return `a value is not one ${entry.field ?? 'its field'} takes (its type, its length, a picklist's options): map the trait to a field of its type (config.field_map), or fix it at the source`;
    case 'DUPLICATE_DATA':
      return `another record of ${module} holds this value in ${entry.field ?? 'a field'} marked "Do not allow duplicate values": merge the records, or map the trait elsewhere`;
    case 'RECORD_LOCKED':
      return 'the record is locked (in an approval process, or by record locking): unlock it in Zoho CRM';
    default:
      return '';
  }
}

/**
 * The outcome of a record Zoho refused.
 *
 * @example
 * recordOutcome({ success: false, code: 'INVALID_DATA', message: 'invalid data', field: 'Phone' }, ctx);
 * // { status: 'dead_letter', reason: 'Zoho CRM refused the record: INVALID_DATA: invalid data (Phone): a value is not one Phone takes …' }
 */
export function recordOutcome(entry: EntryResult, ctx: PluginContext): EventOutcome {
  const said = saidEntry(entry);
  if (LIMIT_CODES.has(entry.code)) return { status: 'retry', reason: `Zoho CRM refused the record: ${said} (the account's API limits): tried again later`, throttled: true };
  // Zoho's own failure (a code its API spec lists), not the record's: tried again.
  if (entry.code === 'INTERNAL_ERROR') return { status: 'retry', reason: `Zoho CRM failed to write the record: ${said}: tried again` };
  const hint = hintFor(entry, ctx);
  return { status: 'dead_letter', reason: `Zoho CRM refused the record: ${said}${hint ? `: ${hint}` : ''}; ${REPLAY}` };
}

/**
 * Zoho's refusal of the whole request.
 *
 * @example
 * refusal({ status: 401, headers: {}, body: '{"code":"OAUTH_SCOPE_MISMATCH","details":{},"message":"invalid oauth scope to access this URL","status":"error"}' }, request, ctx);
 * // { status: 'dead_letter', reason: 'HTTP 401: OAUTH_SCOPE_MISMATCH: … the refresh token lacks the scope ZohoCRM.modules.leads.ALL …' }
 */
export function refusal(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Exclude<ClassifyResult, { next: unknown } | { perEvent: unknown }> {
  const { status } = response;
  const said = answered(response);
  const code = errorCodeOf(response);
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'), ctx.now);
  const module = moduleOf(ctx.config);
  const after = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (code === 'LIMIT_EXCEEDED') return { status: 'retry', reason: `${said}: the account's API credits for the rolling 24 hours are spent: Signal slows down and tries again`, retryAfterMs: retryAfterMs ?? CREDIT_LIMIT_WAIT_MS, throttled: true };
  if (status === 429 || code === 'TOO_MANY_REQUESTS') return { status: 'retry', reason: `${said}: more requests at once than the account's edition allows (Zoho's concurrency limit), or too many in a minute: tried again`, throttled: true, ...after };
  if (status === 408 || status >= 500 || code === 'INTERNAL_ERROR') return { status: 'retry', reason: said, ...after };
  if (status === 413 && request.eventIds.length > 1) return { status: 'split', reason: `${said}: the request was too large for Zoho CRM, so it is sent again in halves` };
  if (status === 401 && code === 'OAUTH_SCOPE_MISMATCH') {
    return { status: 'dead_letter', reason: `${said}: the refresh token lacks the scope ZohoCRM.modules.${module.toLowerCase()}.ALL (or ZohoCRM.modules.ALL): generate a new one with it (API Console > Self Client) and store it in config.refresh_token in a new revision; ${REPLAY}` };
  }
  if (status === 401) {
    return { status: 'dead_letter', reason: `${said}: Zoho CRM refused the access token Signal had just obtained: check that config.data_center is the account's data center and that the user who generated the refresh token is active in Zoho CRM; ${REPLAY}` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `${said}: the Zoho user the refresh token belongs to lacks a permission: their profile needs API access and Create and Edit on ${module}; ${REPLAY}` };
  }
  if (code === 'INVALID_MODULE') return { status: 'dead_letter', reason: `${said}: check config.module (${module}) and the user's access to it; ${REPLAY}` };
  if (status === 404) return { status: 'dead_letter', reason: `${said}: check config.module (${module}) and config.data_center; ${REPLAY}` };
  return { status: 'dead_letter', reason: `${said}; ${REPLAY}` };
}

/** The fields the request's body gave record `index`. */
function bodyFields(request: RequestDescriptor, index: number): JsonObject {
  const body = request.body as JsonObject | undefined;
  const data = body !== undefined && body !== null && typeof body === 'object' && !Array.isArray(body) ? body.data : undefined;
  const record = Array.isArray(data) ? data[index] : undefined;
  return record !== null && typeof record === 'object' && !Array.isArray(record) ? { ...record } : {};
}

/**
 * The value a mandatory field a creation lacks gets, or undefined when the config gives none:
 * Last_Name by config.last_name_fallback (the email's local part, or the placeholder), a Lead's
 * Company by config.placeholder.
 *
 * @example
 * fallbackFor('Last_Name', { Email: 'jane.doe@example.com' }, ctx); // 'jane.doe'
 */
export function fallbackFor(field: string | undefined, fields: JsonObject, ctx: PluginContext): string | undefined {
  const placeholder = placeholderOf(ctx.config);
  if (field === 'Last_Name') {
    const fallback = lastNameFallbackOf(ctx.config);
    if (fallback === 'none') return undefined;
    if (fallback === 'placeholder') return placeholder;
    const email = typeof fields.Email === 'string' ? fields.Email : '';
    const local = email.slice(0, email.lastIndexOf('@')).trim();
    return local === '' ? placeholder : local;
  }
  if (field === 'Company' && moduleOf(ctx.config) === 'Leads') return placeholder;
  return undefined;
}

/** Whether a record's value for `field` is missing. */
function missing(fields: JsonObject, field: string): boolean {
  return fields[field] === undefined || fields[field] === null || fields[field] === '';
}

/** The upsert's entries, record by record; with the records a fallback fixes upserted again as a follow-up. */
function readEntries(entries: readonly EntryResult[], request: RequestDescriptor, memo: Memo, ctx: PluginContext): ClassifyResult {
  const perEvent: Record<string, EventOutcome> = {};
  const refill: CarriedRecord[] = [];
  memo.events.forEach((eventIds, index) => {
    const entry = entries[index];
    let outcome: EventOutcome;
    if (entry === undefined) outcome = { status: 'retry', reason: `Zoho CRM answered ${entries.length} entries for ${memo.events.length} records, none for this one: tried again` };
    else if (entry.success) outcome = { status: 'delivered' };
    else {
      const fields = bodyFields(request, index);
      const value = entry.code === 'MANDATORY_NOT_FOUND' && entry.field !== undefined && missing(fields, entry.field) ? fallbackFor(entry.field, fields, ctx) : undefined;
      if (value !== undefined) {
        refill.push({ key: '', fields: { ...fields, [entry.field!]: value }, eventIds });
        return;
      }
      outcome = recordOutcome(entry, ctx);
    }
    for (const id of eventIds) perEvent[id] = outcome;
  });
  if (refill.length === 0) return { perEvent };
  return { next: [upsertRequest(refill, ctx)], settle: perEvent };
}

/**
 * Zoho CRM's answer to an upsert: the outcomes of its records' events, or the follow-up upsert of
 * the creations a fallback completes (see the file's comment).
 *
 * @example
 * classifyZohoCrm({ status: 200, headers: {}, body: '{"data":[{"code":"SUCCESS","action":"insert","details":{"id":"1"},"message":"record added","status":"success"}]}' }, upsert, ctx);
 * // { perEvent: { 'm-1': { status: 'delivered' } } }
 */
export function classifyZohoCrm(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const entries = entriesOf(response);
  // Per-record answers come with 200, or with 400 when records were refused; any other status is the whole request's.
  const perRecord = entries !== undefined && ((response.status >= 200 && response.status < 300) || response.status === 400);
  if (!perRecord) {
    if (response.status >= 200 && response.status < 300) return { status: 'retry', reason: `${answered(response)}: not Zoho CRM's answer to an upsert (a list of entries, one a record) — a proxy? — so the events are tried again` };
    return refusal(response, request, ctx);
  }
  const memo = memoOf(request);
  if (memo === undefined) {
    // A request the plugin did not build: settled as a whole by its first refused entry.
    const refused = entries.find((entry) => !entry.success);
    return refused === undefined ? { status: 'delivered' } : recordOutcome(refused, ctx);
  }
  return readEntries(entries, request, memo, ctx);
}
