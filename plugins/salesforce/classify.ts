// Salesforce's answers to the delivery requests (see answers.ts for their shapes):
//
// - HTTP 200 to an sObject Collections request: one result per record, in order — each record's
//   events settle by it: `success: true` delivered; its errors' statusCode otherwise:
//   UNABLE_TO_LOCK_ROW (another process held the record), ENTITY_IS_DELETED (an update of a
//   record deleted since its lookup) and an upsert's DUPLICATE_VALUE on the External ID field
//   (another request created the record at the same moment) tried again, REQUEST_LIMIT_EXCEEDED
//   throttled, any other
//   (REQUIRED_FIELD_MISSING, INVALID_EMAIL_ADDRESS, STRING_TOO_LONG, DUPLICATES_DETECTED,
//   CANNOT_UPDATE_CONVERTED_LEAD, …) dead-lettered with Salesforce's words and what to fix;
// - an upsert's REQUIRED_FIELD_MISSING for the object's required fields (a person Salesforce
//   would create without a LastName or a Company) → a follow-up upsert of those records with the
//   placeholder in the fields they lack: only creations get it, so an existing record's company is
//   never overwritten by "[not provided]";
// - HTTP 200 to an Email lookup → the follow-ups: the update of the records found (the newest
//   unconverted one a person; a person whose only leads were converted is dead-lettered: Salesforce
//   does not update converted leads), the creation of the others;
// - an error status (a JSON list of `{ message, errorCode }`): 401 INVALID_SESSION_ID reaches the
//   classifier only when the token the core renewed is refused too (dead-lettered naming the
//   credentials); 403 REQUEST_LIMIT_EXCEEDED (the org's API allocation) retried and throttled;
//   other 403s dead-lettered naming the integration user's permissions; 404 naming the object, the
//   External ID field and the API version; 400 naming the fields (a JSON_PARSER_ERROR — one
//   record's value not of its field's type — split until that record is alone); 413/414/431
//   split; 408, 429 and 5xx retried after Retry-After.
//
// A failure at any step retries or dead-letters the events as usual, and a retry starts again from
// `send` (the upsert, or the lookup): every step is safe to repeat.
import {
  isJsonObject, parseRetryAfter, responseHeader, type ClassifyResult, type EventOutcome, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { answered, errorsOf, missingFieldsOf, queryOf, resultsOf, saidErrors, type RecordResult, type SalesforceError } from './answers.ts';
import { externalIdFieldOf, objectOf, placeholderOf } from './config.ts';
import { REQUIRED_FIELDS } from './person-record.ts';
import { createRequest, memoOf, updateRequest, upsertRequest, withPlaceholders, type CarriedRecord, type Memo } from './requests.ts';

/** How long the org's used-up API allocation pauses the integration when Salesforce says no Retry-After (Signal's choice; the allocation is a rolling 24 hours). */
export const REQUEST_LIMIT_WAIT_MS = 600_000;
/** The way back after a dead letter. */
const REPLAY = 'then replay the dead letters (replayDeadLetters)';
/** Record errors worth another try: the record was locked by another process; an update's record was deleted since its lookup. */
const RETRY_CODES = new Set(['UNABLE_TO_LOCK_ROW', 'ENTITY_IS_DELETED']);

/** What to check for a record error, by its statusCode. */
function hintFor(error: SalesforceError, ctx: PluginContext): string {
  const object = objectOf(ctx.config);
  const external = externalIdFieldOf(ctx.config);
  switch (error.code) {
    case 'REQUIRED_FIELD_MISSING':
      return `Salesforce requires ${missingFieldsOf(error).join(', ') || 'these fields'} to create a ${object}: map them from the traits (config.field_map, or the blueprint), or set config.required_field_placeholder (LastName${object === 'Lead' ? ' and Company' : ''} only)`;
    case 'INVALID_EMAIL_ADDRESS':
      return 'the identify\'s email address (traits.email) is not one Salesforce takes: fix it at the source';
    case 'STRING_TOO_LONG':
      return 'a value is longer than its field holds: shorten it, or map the trait to a longer field (config.field_map)';
    case 'INVALID_FIELD':
    case 'INVALID_FIELD_FOR_INSERT_UPDATE':
    case 'INSUFFICIENT_ACCESS_OR_READONLY':
    case 'INSUFFICIENT_ACCESS_ON_CROSS_REFERENCE_ENTITY':
      return `every field of config.field_map (and the blueprint's fields.*) must exist on ${object} and be editable by the integration user (field-level security)`;
    case 'FIELD_CUSTOM_VALIDATION_EXCEPTION':
      return `a validation rule of the org refused the ${object} (Setup > Object Manager > ${object} > Validation Rules)`;
    case 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST':
      return 'a restricted picklist refused the value: add it to the picklist, or map another trait';
    case 'DUPLICATE_VALUE':
      return `a field marked Unique already holds this value on another ${object}`;
    case 'DUPLICATES_DETECTED':
      return `a duplicate rule of the org blocked the ${object} (Setup > Duplicate Rules): merge the duplicates, or let the rule allow API saves`;
    case 'DUPLICATE_EXTERNAL_ID':
      return `several ${object}s hold this value in ${external ?? 'the External ID field'}: merge them, and mark the field Unique`;
    case 'CANNOT_UPDATE_CONVERTED_LEAD':
      return 'the lead was converted (into a contact), and Salesforce does not update converted leads: send people as Contacts (config.object), or leave converted leads be';
    default:
      return '';
  }
}

/**
 * Whether `error` is an upsert's DUPLICATE_VALUE on the External ID field itself ("duplicate
 * value found: Signal_User_Id__c duplicates value on record with id: 00Q…"): another request
 * created the person's record while this one was upserting it — Salesforce's upsert is not
 * atomic between concurrent requests — so a retry finds the record and updates it. Not the
 * "Duplicate external id specified" of one key twice in a request (which a retry repeats).
 */
function concurrentCreation(error: SalesforceError, step: Memo['salesforce'] | undefined, ctx: PluginContext): boolean {
  const external = externalIdFieldOf(ctx.config);
  if (step !== 'upsert' || external === undefined || error.code !== 'DUPLICATE_VALUE') return false;
  const message = error.message.toLowerCase();
  return !message.includes('duplicate external id specified') && (message.includes(external.toLowerCase()) || error.fields.some((field) => field.toLowerCase() === external.toLowerCase()));
}

/**
 * The outcome of a record whose result carries `errors`, in a request of `step` (the plugin's
 * upsert, update or creation).
 *
 * @example
 * recordOutcome([{ code: 'UNABLE_TO_LOCK_ROW', message: 'unable to obtain exclusive access to this record', fields: [] }], ctx);
 * // { status: 'retry', reason: 'Salesforce could not write the Lead: UNABLE_TO_LOCK_ROW: … (another process held the record): tried again' }
 */
export function recordOutcome(errors: readonly SalesforceError[], ctx: PluginContext, step?: Memo['salesforce']): EventOutcome {
  const object = objectOf(ctx.config);
  const said = errors.length > 0 ? saidErrors(errors) : 'no error given';
  const codes = new Set(errors.map((error) => error.code));
  if (codes.has('REQUEST_LIMIT_EXCEEDED')) return { status: 'retry', reason: `Salesforce refused the ${object}: ${said} (the org's API request limit): tried again later`, retryAfterMs: REQUEST_LIMIT_WAIT_MS, throttled: true };
  if (errors.length > 0 && errors.every((error) => RETRY_CODES.has(error.code))) {
    return { status: 'retry', reason: `Salesforce could not write the ${object}: ${said} (${codes.has('ENTITY_IS_DELETED') ? 'the record was deleted since it was looked up' : 'another process held the record'}): tried again` };
  }
  if (errors.length > 0 && errors.every((error) => RETRY_CODES.has(error.code) || concurrentCreation(error, step, ctx))) {
    return { status: 'retry', reason: `Salesforce could not create the ${object}: ${said} (another request created the record with this External ID at the same moment): tried again, which updates it` };
  }
  const hint = errors.map((error) => hintFor(error, ctx)).find((text) => text !== '');
  return { status: 'dead_letter', reason: `Salesforce refused the ${object}: ${said}${hint ? `: ${hint}` : ''}; ${REPLAY}` };
}

/** Why the credentials fail, for a 401 to a token the core just renewed. */
function unauthorised(said: string): string {
  return `${said}: Salesforce refused the access token Signal had just obtained: check that the integration user is active and has the API Enabled permission, that the app's session policies (IP restrictions, high assurance sessions) let it in, and that config.my_domain is the org of config.client_id; ${REPLAY}`;
}

/**
 * Salesforce's refusal of a whole request (an error status).
 *
 * @example
 * refusal({ status: 403, headers: {}, body: '[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]' }, request, ctx);
 * // { status: 'retry', reason: 'HTTP 403: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded.: …', retryAfterMs: 600000, throttled: true }
 */
export function refusal(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Exclude<ClassifyResult, { next: unknown } | { perEvent: unknown }> {
  const { status } = response;
  const said = answered(response);
  const codes = new Set(errorsOf(response).map((error) => error.code));
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'), ctx.now);
  const object = objectOf(ctx.config);
  if (codes.has('REQUEST_LIMIT_EXCEEDED')) {
    return { status: 'retry', reason: `${said}: the org's API request limit is used up (its 24-hour allocation, or its concurrent long-running requests): Signal slows down and tries again`, retryAfterMs: retryAfterMs ?? REQUEST_LIMIT_WAIT_MS, throttled: true };
  }
  if (status === 429) return { status: 'retry', reason: said, throttled: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if (status === 408 || status >= 500) return { status: 'retry', reason: said, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  if ((status === 413 || status === 414 || status === 431) && request.eventIds.length > 1) return { status: 'split', reason: `${said}: the request was too large for Salesforce, so it is sent again in halves` };
  if (status === 401) return { status: 'dead_letter', reason: unauthorised(said) };
  if (status === 403) {
    return { status: 'dead_letter', reason: `${said}: the integration user lacks a permission this request needs: API Enabled, and Read, Create and Edit on ${object} with field-level access to the fields sent (and the org's edition must include API access); ${REPLAY}` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `${said}: check config.object (${object})${externalIdFieldOf(ctx.config) ? `, that config.external_id_field (${externalIdFieldOf(ctx.config)}) is a field of it marked External ID and visible to the integration user` : ''}, and config.api_version; ${REPLAY}` };
  }
  if (status === 420) return { status: 'dead_letter', reason: `${said}: Salesforce does not route this host: check config.my_domain; ${REPLAY}` };
  if (status === 400 && (codes.has('INVALID_FIELD') || codes.has('INVALID_FIELD_FOR_INSERT_UPDATE'))) {
    return { status: 'dead_letter', reason: `${said}: every field of config.field_map (and the blueprint's fields.*) must exist on ${object} and be visible to the integration user (field-level security); ${REPLAY}` };
  }
  if (status === 400 && codes.has('INVALID_TYPE')) return { status: 'dead_letter', reason: `${said}: check config.object and the integration user's access to it; ${REPLAY}` };
  if (status === 400 && codes.has('JSON_PARSER_ERROR')) {
    // A value one record holds that its field's type does not take (text into a number, date or
    // checkbox field) refuses the whole request before any record is written: halved until the
    // record is alone, so that the others go.
    const memo = memoOf(request);
    if (memo !== undefined && memo.salesforce !== 'lookup' && memo.events.length > 1) return { status: 'split', reason: `${said}: a value of one record is not of its field's type, so the request is sent again in halves to find it` };
    return { status: 'dead_letter', reason: `${said}: a value is not of its field's type (text into a number, date or checkbox field): map the trait to a field of its type (config.field_map, or the blueprint's fields.*), or fix it at the source; ${REPLAY}` };
  }
  return { status: 'dead_letter', reason: said };
}

/** The fields a request's body gave record `index` (its attributes and id left out). */
function bodyFields(request: RequestDescriptor, index: number): JsonObject {
  const records = isJsonObject(request.body as JsonObject) ? (request.body as JsonObject).records : undefined;
  const record = Array.isArray(records) ? records[index] : undefined;
  if (!isJsonObject(record)) return {};
  const { attributes: _attributes, id: _id, ...fields } = record;
  return fields;
}

/** Whether `result` is a REQUIRED_FIELD_MISSING the placeholder can fix: only the object's required fields missing, none of them given. */
function fillable(result: RecordResult, fields: JsonObject, required: readonly string[]): boolean {
  if (result.success || result.errors.length === 0 || !result.errors.every((error) => error.code === 'REQUIRED_FIELD_MISSING')) return false;
  const missing = result.errors.flatMap(missingFieldsOf);
  return missing.length > 0 && missing.every((field) => required.includes(field) && (fields[field] === undefined || fields[field] === ''));
}

/** The events of a collections answer, record by record; with the upsert of the records the placeholder fixes, as a follow-up. */
function readResults(results: readonly RecordResult[], request: RequestDescriptor, memo: Extract<Memo, { events: unknown }>, ctx: PluginContext): ClassifyResult {
  const object = objectOf(ctx.config);
  const placeholder = placeholderOf(ctx.config);
  const perEvent: Record<string, EventOutcome> = {};
  const refill: CarriedRecord[] = [];
  memo.events.forEach((eventIds, index) => {
    const result = results[index];
    let outcome: EventOutcome;
    if (result === undefined) outcome = { status: 'retry', reason: `Salesforce answered ${results.length} results for ${memo.events.length} records, none for this one: tried again` };
    else if (result.success) outcome = { status: 'delivered' };
    else if (memo.salesforce === 'upsert' && memo.filled !== true && placeholder !== undefined && fillable(result, bodyFields(request, index), REQUIRED_FIELDS[object])) {
      refill.push({ key: '', fields: withPlaceholders(bodyFields(request, index), REQUIRED_FIELDS[object], placeholder), eventIds });
      return;
    } else outcome = recordOutcome(result.errors, ctx, memo.salesforce);
    for (const id of eventIds) perEvent[id] = outcome;
  });
  if (refill.length === 0) return { perEvent };
  return { next: [upsertRequest(refill, ctx, true)], settle: perEvent };
}

/** An Email lookup's answer: the update of the people found and the creation of the others, as follow-ups. */
function readLookup(response: VendorResponse, memo: Extract<Memo, { salesforce: 'lookup' }>, ctx: PluginContext): ClassifyResult {
  const answer = queryOf(response);
  if (answer === undefined) return { status: 'retry', reason: `${answered(response)}: not Salesforce's answer to a query — a proxy? — so the events are tried again` };
  const object = objectOf(ctx.config);
  const byEmail = new Map<string, typeof answer.records>();
  for (const record of answer.records) {
    const email = record.Email?.trim().toLowerCase();
    if (email === undefined) continue;
    byEmail.set(email, [...(byEmail.get(email) ?? []), record]);
  }
  const found: Array<{ id: string; record: CarriedRecord }> = [];
  const create: CarriedRecord[] = [];
  const settle: Record<string, EventOutcome> = {};
  for (const record of memo.records) {
    const matches = byEmail.get(record.key) ?? [];
    const open = matches.filter((match) => match.IsConverted !== true);
    if (open.length > 0) found.push({ id: open[0]!.Id, record });
    else if (matches.length > 0) {
      for (const id of record.eventIds) settle[id] = { status: 'dead_letter', reason: `every Lead with this email (${matches.map((match) => match.Id).join(', ')}) was converted, and Salesforce does not update converted leads; Signal creates no second lead for the person: send people as Contacts (config.object), or leave converted leads be` };
    } else if (!answer.done) {
      for (const id of record.eventIds) settle[id] = { status: 'dead_letter', reason: `Salesforce's answer to the lookup held only part of the ${object}s with these emails (more than one page: thousands of duplicates?), and none with this one: Signal creates no record it may duplicate; merge the duplicates, ${REPLAY}` };
    } else create.push(record);
  }
  const next = [...(found.length > 0 ? [updateRequest(found, ctx)] : []), ...(create.length > 0 ? [createRequest(create, ctx)] : [])];
  return next.length > 0 ? { next, settle } : { perEvent: settle };
}

/**
 * Salesforce's answer to a delivery request: the outcomes of its records' events, or the follow-ups
 * its answer leads to (see the file's comment).
 *
 * @example
 * classifySalesforce({ status: 200, headers: {}, body: '[{"id":"00Q5e00000AbCdEAAV","success":true,"errors":[],"created":true}]' }, upsert, ctx);
 * // { perEvent: { 'm-1': { status: 'delivered' } } }
 */
export function classifySalesforce(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  if (response.status < 200 || response.status >= 300) return refusal(response, request, ctx);
  const memo = memoOf(request);
  if (memo?.salesforce === 'lookup') return readLookup(response, memo, ctx);
  const results = resultsOf(response);
  if (results === undefined) return { status: 'retry', reason: `${answered(response)}: not Salesforce's answer (a list of results, one a record) — a proxy? — so the events are tried again` };
  if (memo === undefined) {
    // A request the plugin did not build: settled as a whole by its first failure.
    const failed = results.find((result) => !result.success);
    return failed === undefined ? { status: 'delivered' } : recordOutcome(failed.errors, ctx);
  }
  return readResults(results, request, memo, ctx);
}
