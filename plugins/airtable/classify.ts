// Airtable's answers, as its Web API documents them: 200 with `{ records: [{ id, createdTime,
// fields }, …] }` in the order sent (an upsert adds `createdRecords` and `updatedRecords`);
// errors as `{ error: { type, message } }` (or `{ error: "NOT_FOUND" }`) — 401 for a token
// missing or invalid, 403 for a token without the scope or the base, or a base or table it
// cannot see, 404 for a route or resource not found, 413 for a payload over the maximum, 422 for
// data the base refuses ("a detailed error message and code pointing to the exact issue"), 429
// past 5 requests a second per base ("will need to wait 30 seconds before subsequent requests
// will succeed"), 5xx for Airtable's own trouble. A request is all or nothing: Airtable writes
// none of its records when it refuses one.
import { excerpt, isJsonObject, isWebPage, parseRetryAfter, responseHeader, transientRetry, type Classification, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { baseIdOf, mergeOnOf, tableOf } from './config.ts';
import { fieldsOf } from './fields.ts';

/** Airtable's wait after a 429: "wait 30 seconds before subsequent requests will succeed". */
export const RATE_LIMIT_WAIT_MS = 30_000;
/** What to check when Airtable refuses the token. */
export const TOKEN_ADVICE = 'check config.access_token (a personal access token of the Builder hub, not revoked, with the scope data.records:write and this base in its access list)';
/** 422 types about one record's value of a field (a later record of the request may be fine). */
const VALUE_TYPES = new Set(['INVALID_VALUE_FOR_COLUMN', 'INVALID_MULTIPLE_CHOICE_OPTIONS', 'INVALID_CELL_VALUE', 'CANNOT_ACCEPT_VALUE']);
/** A field's name quoted in Airtable's message: `Field "Revenue" cannot accept…`, `Unknown field name: "Plan"`. */
const QUOTED_FIELD = /\bfield(?:\s+name)?:?\s*"((?:[^"\\]|\\.)+)"/i;
/** A field's name unquoted: `…for field Revenue`. */
const BARE_FIELD = /\bfor field\s+([^\s"].*?)(?:[.:;,]|\s*$)/i;

/** Airtable's error answer, read defensively. */
export interface AirtableError {
  type?: string;
  message?: string;
}

/**
 * The `type` and `message` of Airtable's error answer: `{ error: { type, message } }`, `{ error:
 * "NOT_FOUND" }`, or `{ errors: [{ error, message }] }`.
 *
 * @example
 * airtableError({ status: 422, headers: {}, body: '…', json: { error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Plan"' } } });
 * // { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Plan"' }
 */
export function airtableError(response: VendorResponse): AirtableError {
  const json = response.json as JsonValue | undefined;
  if (!isJsonObject(json)) return {};
  const first = Array.isArray(json.errors) ? json.errors[0] : undefined;
  const error = json.error ?? (isJsonObject(first) ? first : undefined);
  if (typeof error === 'string') return error.trim() === '' ? {} : { type: error.trim(), ...(typeof json.message === 'string' ? { message: json.message.trim() } : {}) };
  if (!isJsonObject(error)) return {};
  const type = typeof error.type === 'string' ? error.type : typeof error.error === 'string' ? error.error : undefined;
  const message = typeof error.message === 'string' ? error.message : undefined;
  return { ...(type && type.trim() !== '' ? { type: type.trim() } : {}), ...(message && message.trim() !== '' ? { message: message.trim() } : {}) };
}

/**
 * Airtable's answer in words: `HTTP 422 UNKNOWN_FIELD_NAME: Unknown field name: "Plan"`, or the
 * body's start when it is not Airtable's error.
 *
 * @example
 * airtableSaid({ status: 503, headers: {}, body: '' }); // 'HTTP 503'
 */
export function airtableSaid(response: VendorResponse): string {
  const { type, message } = airtableError(response);
  if (type === undefined && message === undefined) {
    const body = excerpt((response.body ?? '').replace(/\s+/g, ' ').trim());
    return `HTTP ${response.status}${body === '' ? '' : `: ${body}`}`;
  }
  return `HTTP ${response.status}${type === undefined ? '' : ` ${type}`}${message === undefined ? '' : `: ${excerpt(message)}`}`;
}

/**
 * The field an Airtable message names, or undefined.
 *
 * @example
 * namedField('Field "Revenue" cannot accept the provided value'); // 'Revenue'
 * namedField('Unknown field name: "Plan"');                       // 'Plan'
 */
export function namedField(message: string | undefined): string | undefined {
  if (message === undefined) return undefined;
  const quoted = QUOTED_FIELD.exec(message)?.[1];
  if (quoted !== undefined) return quoted.replace(/\\(.)/g, '$1');
  return BARE_FIELD.exec(message)?.[1]?.trim() || undefined;
}

/** The config entry that fills a field, as reasons name it: `fields[2] ("Revenue")`, or the field alone. */
export function fieldEntry(field: string, config: Record<string, JsonValue>): string {
  const index = fieldsOf(config).findIndex((entry) => entry.field === field);
  if (index < 0) return `the field "${field}"`;
  return Array.isArray(config.fields) && config.fields.length > 0 ? `the field "${field}" (config.fields[${index}])` : `the field "${field}" (a default field: config.fields is empty)`;
}

/** The base and table as the reasons name them. */
function whereOf(config: Record<string, JsonValue>): string {
  return `the table ${JSON.stringify(tableOf(config) ?? '')} of the base ${baseIdOf(config) ?? '(config.base_id)'}`;
}

/** How long Airtable asks to wait after a 429: 30 seconds, or its Retry-After when longer. */
export function rateLimitWaitMs(response: VendorResponse): number {
  const wait = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'));
  return Math.max(wait ?? 0, RATE_LIMIT_WAIT_MS);
}

/** A 2xx: delivered when it is Airtable's `{ records }`; each event whose record is missing dead-lettered; not Airtable's answer retried. */
function classifyWritten(response: VendorResponse, request: RequestDescriptor): Classification {
  const json = response.json as JsonValue | undefined;
  if (!isJsonObject(json) || !Array.isArray(json.records) || isWebPage(response.body)) {
    return { status: 'retry', reason: `the answer (${airtableSaid(response)}) is not Airtable's { records: […] } (a proxy or firewall in between?): sent again` };
  }
  const records = json.records;
  const written = (index: number): boolean => {
    const record = records[index];
    return isJsonObject(record) && typeof record.id === 'string' && record.id !== '';
  };
  if (request.eventIds.every((_, index) => written(index))) return { status: 'delivered' };
  const perEvent: Record<string, EventOutcome> = {};
  request.eventIds.forEach((id, index) => {
    perEvent[id] = written(index)
      ? { status: 'delivered' }
      : { status: 'dead_letter', reason: `Airtable answered ${records.length} record${records.length === 1 ? '' : 's'} for the ${request.eventIds.length} sent, none for this event (${airtableSaid(response)}): check the table before replaying the dead letter, which may write the record twice` };
  });
  return { perEvent };
}

/** A 422: a field's value split down to the record, an unknown field or a bad merge dead-lettered at once, each naming the field. */
function classifyRefused(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const { type, message } = airtableError(response);
  const said = airtableSaid(response);
  const field = namedField(message);
  const many = request.eventIds.length > 1;
  const then = 'then replay the dead letters';
  if (type === 'UNKNOWN_FIELD_NAME' && field !== undefined) {
    return { status: 'dead_letter', reason: `Airtable has no field "${field}" in ${whereOf(config)} (${said}): create it, or fix ${fieldEntry(field, config)} to the field's name as the table's header shows it; ${then}` };
  }
  // A value refused in a computed field (formula, lookup, rollup, created time…): every record
  // names it alike, so no split.
  if (field !== undefined && /\bcomputed\b/i.test(message ?? '')) {
    return { status: 'dead_letter', reason: `Airtable refused ${fieldEntry(field, config)}, a computed field no record can fill (${said}): take it out of config.fields; ${then}` };
  }
  // About the upsert only when it is one, and read without the field's name (a field "Emergency
  // contact" refusing a value is no merge problem).
  const unnamed = field === undefined ? message ?? '' : (message ?? '').split(field).join('');
  if (mergeOnOf(config).length > 0 && /fieldsToMergeOn|(?<![a-z])merge|upsert/i.test(`${type ?? ''} ${unnamed}`)) {
    return { status: 'dead_letter', reason: `Airtable refused the upsert (${said}): check config.merge_on (${mergeOnOf(config).join(', ') || 'empty'}) — fields of the table, of a type Airtable merges on (text, number, email, …), with one value a record; ${then}` };
  }
  const aboutValue = (type !== undefined && VALUE_TYPES.has(type)) || /\bvalue|\boption/i.test(message ?? '');
  if (aboutValue && many) return { status: 'split', reason: `Airtable refused a value of the request (${said}) and wrote none of its records: sending them in two requests, down to the record it refuses` };
  if (field !== undefined) {
    const hint = aboutValue ? 'check the event\'s value there and the field\'s type in Airtable (a number field takes numbers, a select an existing option), or turn config.typecast on' : 'check the field in Airtable and config.fields';
    return { status: 'dead_letter', reason: `Airtable refused ${fieldEntry(field, config)} (${said}): ${hint}; ${then}` };
  }
  return { status: 'dead_letter', reason: `Airtable refused the record${many ? 's' : ''} (${said}): check config.fields and the table's fields; ${then}` };
}

/**
 * Airtable's answer to a create or upsert (see the file's comment):
 * - 2xx with `{ records }`: each event whose record came back delivered, any other dead-lettered;
 *   not Airtable's answer (a proxy's page): retried;
 * - 429: retried as Airtable's rate limit (throttled: no try used up, the integration slowed
 *   down), after the 30 seconds Airtable asks for (or its Retry-After when longer);
 * - 408 and 5xx: retried with the core's backoff;
 * - 401: dead-lettered, config.access_token to check; 403: the token's scope and base access,
 *   config.base_id and config.table; 404: config.base_id and config.table;
 * - 413: split in two, one record alone dead-lettered;
 * - 422: an unknown field, or a computed one, dead-lettered naming it and its config entry; a
 *   refused value (a type, a select option) split down to the record, which is dead-lettered
 *   naming the field; with merge_on, a bad merge dead-lettered naming config.merge_on; any other
 *   dead-lettered with Airtable's words;
 * - any other 4xx: dead-lettered with Airtable's words.
 *
 * @example
 * classifyAirtable({ status: 422, headers: {}, body: '…', json: { error: { type: 'UNKNOWN_FIELD_NAME', message: 'Unknown field name: "Plan"' } } }, request, ctx);
 * // { status: 'dead_letter', reason: 'Airtable has no field "Plan" in the table "Web events" of the base appA1b2C3d4E5f6G7 (HTTP 422 UNKNOWN_FIELD_NAME: Unknown field name: "Plan"): create it, or fix …' }
 */
export function classifyAirtable(response: VendorResponse, request: RequestDescriptor, ctx: Pick<PluginContext, 'config'>): Classification {
  const { status } = response;
  const { config } = ctx;
  if (status >= 200 && status < 300) return classifyWritten(response, request);
  const said = airtableSaid(response);
  if (status === 429) return { status: 'retry', throttled: true, retryAfterMs: rateLimitWaitMs(response), reason: `Airtable rate limit reached (${said}): 5 requests a second per base, then 30 seconds' wait` };
  const transient = transientRetry(response, 'Airtable', said.replace(/^HTTP \d+:? ?/, '') || '(no body)');
  if (transient) return transient;
  const then = 'then replay the dead letters';
  if (status === 401) return { status: 'dead_letter', reason: `Airtable refused the access token (${said}): ${TOKEN_ADVICE}; ${then}` };
  if (status === 403) {
    return { status: 'dead_letter', reason: `Airtable refused to write to ${whereOf(config)} (${said}): ${TOKEN_ADVICE}, and check config.base_id and config.table (a table the token's user may edit); ${then}` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Airtable has no table ${JSON.stringify(tableOf(config) ?? '')} in the base ${baseIdOf(config) ?? '(config.base_id)'}, or the token may not see it (${said}): check config.base_id and config.table (the table's id, tbl…, or its name exactly as its tab reads); ${then}` };
  if (status === 413) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Airtable refused the request's size (${said}): sending the records in two requests` };
    return { status: 'dead_letter', reason: `Airtable refused this one record as too large (${said}): map fewer or shorter fields in config.fields` };
  }
  if (status === 422) return classifyRefused(response, request, config);
  return { status: 'dead_letter', reason: `Airtable refused the record${request.eventIds.length > 1 ? 's' : ''} (${said}): check config.base_id, config.table and config.fields; ${then}` };
}
