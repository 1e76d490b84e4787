// The delivery requests, on the org's REST API (`https://<my domain>/services/data/vXX.X`), with
// the access token as `Authorization: Bearer`:
//
// - with an External ID field: one sObject Collections upsert a chunk of people,
//   `PATCH /composite/sobjects/{object}/{externalIdField}` `{ allOrNone: false, records: [...] }`
//   (up to 200 records, each with its `attributes.type`; one UpsertResult each, in order);
// - matching by Email: the lookup of a chunk's emails (`GET /query?q=SELECT Id, Email … WHERE
//   Email IN (…)`), whose answer classify.ts turns into the follow-ups: an sObject Collections
//   update (`PATCH /composite/sobjects`, records with their `id`) of the people found and a
//   creation (`POST /composite/sobjects`) of the others.
//
// The identifies of one person in a batch become one record (the later identify's fields over the
// earlier's), which Salesforce's result settles for all of them: the collections refuse one
// external id twice in a request, and two requests writing one record at once can fail to lock it.
// A person's events are never split over two requests of a delivery (they go at once).
// What a follow-up needs that the answer does not say rides along as the request's `memo`.
import { isJsonObject, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, assignmentRuleIdOf, externalIdFieldOf, objectOf, placeholderOf } from './config.ts';
import { recordOf, REQUIRED_FIELDS, type PersonRecord } from './person-record.ts';
import { emailLookupFrame, emailLookupQuery, formEncodedLength, MAX_LOOKUP_URL_BYTES, soqlString } from './soql.ts';

/** Records a request: the sObject Collections take up to 200. */
export const MAX_RECORDS = 200;
/**
 * Bytes of the records of one request. Salesforce documents no body limit for sObject
 * Collections that the plugin found; 200 people's fields are far below this (Signal's bound).
 */
export const MAX_BODY_BYTES = 2_000_000;

/** One person's record in a request, with the events it settles. */
export interface CarriedRecord extends PersonRecord {
  eventIds: string[];
}

/** The plugin's note on a request: which step it is, and what its answer settles. */
export type Memo =
  /** An upsert: the events each record (in the body's order) settles; `filled`: required fields given the placeholder. */
  | { salesforce: 'upsert'; events: string[][]; filled?: true }
  /** An Email lookup: the people it looks for, with their fields (for the update or creation its answer leads to). */
  | { salesforce: 'lookup'; records: CarriedRecord[] }
  /** An update or a creation after a lookup: the events each record settles. */
  | { salesforce: 'update' | 'create'; events: string[][] };

/**
 * The plugin's note on a request it built, or undefined for another (the conformance suite's).
 *
 * @example
 * memoOf({ method: 'PATCH', url: '…', eventIds: ['m-1'], memo: { salesforce: 'upsert', events: [['m-1']] } }); // { salesforce: 'upsert', events: [['m-1']] }
 */
export function memoOf(request: RequestDescriptor): Memo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo)) return undefined;
  if ((memo.salesforce === 'upsert' || memo.salesforce === 'update' || memo.salesforce === 'create') && Array.isArray(memo.events)) return memo as unknown as Memo;
  if (memo.salesforce === 'lookup' && Array.isArray(memo.records)) return memo as unknown as Memo;
  return undefined;
}

/** The headers of every REST request: the access token (`[access token]` in previews, where the core shows none). */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { authorization: `Bearer ${ctx.accessToken ?? '[access token]'}`, accept: 'application/json' };
}

/**
 * The headers of a write of Leads, with the Assignment Rule header (`Sforce-Auto-Assign`).
 * Without it the REST API runs the org's active assignment rule on every lead created *or
 * updated*, so an identify would hand a lead sales already owns to whomever the rule picks. So:
 * an update after a lookup `FALSE`; an upsert or a creation the config's rule id (Salesforce
 * applies a rule id to created leads only), else — an upsert updating leads too — `FALSE`, and
 * a creation (creations only) `TRUE`, the active rule. A Contact has no assignment rules.
 *
 * @example
 * writeHeadersOf(ctx, 'update'); // { authorization: 'Bearer …', accept: 'application/json', 'sforce-auto-assign': 'FALSE' }
 */
export function writeHeadersOf(ctx: PluginContext, step: 'upsert' | 'update' | 'create'): Record<string, string> {
  const headers = headersOf(ctx);
  if (objectOf(ctx.config) !== 'Lead') return headers;
  const rule = assignmentRuleIdOf(ctx.config);
  const assign = step === 'update' ? 'FALSE' : rule ?? (step === 'create' ? 'TRUE' : 'FALSE');
  return { ...headers, 'sforce-auto-assign': assign };
}

/** A record as the sObject Collections take it: its attributes map naming the object, then its fields (and its id, for an update). */
function bodyRecord(object: string, fields: JsonObject, id?: string): JsonObject {
  return { attributes: { type: object }, ...(id === undefined ? {} : { id }), ...fields };
}

/**
 * The fields of `record` with the placeholder in each required field it lacks (a creation's),
 * or the fields as they are when the config turns the placeholder off.
 *
 * @example
 * withPlaceholders({ Email: 'jane@example.com' }, ['LastName', 'Company'], '[not provided]');
 * // { Email: 'jane@example.com', LastName: '[not provided]', Company: '[not provided]' }
 */
export function withPlaceholders(fields: JsonObject, required: readonly string[], placeholder: string | undefined): JsonObject {
  if (placeholder === undefined) return fields;
  const filled: JsonObject = { ...fields };
  for (const field of required) if (filled[field] === undefined || filled[field] === null || filled[field] === '') filled[field] = placeholder;
  return filled;
}

/**
 * The sObject Collections upsert of `records` by the External ID field.
 *
 * @example
 * upsertRequest([{ key: 'u-1', fields: { LastName: 'Doe', Signal_User_Id__c: 'u-1' }, eventIds: ['m-1'] }], ctx);
 * // { method: 'PATCH', url: 'https://acme.my.salesforce.com/services/data/v68.0/composite/sobjects/Lead/Signal_User_Id__c',
 * //   body: { allOrNone: false, records: [{ attributes: { type: 'Lead' }, LastName: 'Doe', Signal_User_Id__c: 'u-1' }] }, eventIds: ['m-1'], … }
 */
export function upsertRequest(records: readonly CarriedRecord[], ctx: PluginContext, filled = false): RequestDescriptor {
  const object = objectOf(ctx.config);
  const field = externalIdFieldOf(ctx.config)!;
  const memo: Memo = { salesforce: 'upsert', events: records.map((record) => record.eventIds), ...(filled ? { filled: true as const } : {}) };
  return {
    method: 'PATCH',
    url: `${apiBaseOf(ctx.config)}/composite/sobjects/${object}/${field}`,
    headers: writeHeadersOf(ctx, 'upsert'),
    body: { allOrNone: false, records: records.map((record) => bodyRecord(object, record.fields)) },
    eventIds: records.flatMap((record) => record.eventIds),
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The Email lookup of `records` (their keys are lower-cased emails).
 *
 * @example
 * lookupRequest([{ key: 'jane@example.com', fields: { Email: 'Jane@example.com' }, eventIds: ['m-1'] }], ctx);
 * // { method: 'GET', url: 'https://acme.my.salesforce.com/services/data/v68.0/query',
 * //   query: [['q', "SELECT Id, Email, IsConverted FROM Lead WHERE Email IN ('jane@example.com') ORDER BY LastModifiedDate DESC"]], … }
 */
export function lookupRequest(records: readonly CarriedRecord[], ctx: PluginContext): RequestDescriptor {
  const memo: Memo = { salesforce: 'lookup', records: [...records] };
  return {
    method: 'GET',
    url: `${apiBaseOf(ctx.config)}/query`,
    query: [['q', emailLookupQuery(objectOf(ctx.config), records.map((record) => soqlString(record.key)!))]],
    headers: headersOf(ctx),
    eventIds: records.flatMap((record) => record.eventIds),
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The sObject Collections update of the records found by a lookup, each by its id.
 *
 * @example
 * updateRequest([{ id: '00Q5e00000AbCdEAAV', record }], ctx);
 * // { method: 'PATCH', url: '…/composite/sobjects', body: { allOrNone: false, records: [{ attributes: { type: 'Lead' }, id: '00Q5e00000AbCdEAAV', … }] }, … }
 */
export function updateRequest(found: ReadonlyArray<{ id: string; record: CarriedRecord }>, ctx: PluginContext): RequestDescriptor {
  const object = objectOf(ctx.config);
  const memo: Memo = { salesforce: 'update', events: found.map(({ record }) => record.eventIds) };
  return {
    method: 'PATCH',
    url: `${apiBaseOf(ctx.config)}/composite/sobjects`,
    headers: writeHeadersOf(ctx, 'update'),
    body: { allOrNone: false, records: found.map(({ id, record }) => bodyRecord(object, record.fields, id)) },
    eventIds: found.flatMap(({ record }) => record.eventIds),
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The sObject Collections creation of the people a lookup did not find, the required fields they
 * lack given the placeholder.
 *
 * @example
 * createRequest([record], ctx); // { method: 'POST', url: '…/composite/sobjects', body: { allOrNone: false, records: [{ attributes: { type: 'Lead' }, Email: '…', LastName: '[not provided]', Company: '[not provided]' }] }, … }
 */
export function createRequest(records: readonly CarriedRecord[], ctx: PluginContext): RequestDescriptor {
  const object = objectOf(ctx.config);
  const placeholder = placeholderOf(ctx.config);
  const memo: Memo = { salesforce: 'create', events: records.map((record) => record.eventIds) };
  return {
    method: 'POST',
    url: `${apiBaseOf(ctx.config)}/composite/sobjects`,
    headers: writeHeadersOf(ctx, 'create'),
    body: { allOrNone: false, records: records.map((record) => bodyRecord(object, withPlaceholders(record.fields, REQUIRED_FIELDS[object], placeholder))) },
    eventIds: records.flatMap((record) => record.eventIds),
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The records of a batch, one a person (by key, in the order of each person's first event), the
 * later event's fields over the earlier's; each carries the ids of its events.
 *
 * @example
 * recordsOf([{ id: 'm-1', payload: { key: 'u-1', fields: { City: 'Paris' } } }, { id: 'm-2', payload: { key: 'u-1', fields: { City: 'Lyon', Title: 'CTO' } } }]);
 * // [{ key: 'u-1', fields: { City: 'Lyon', Title: 'CTO' }, eventIds: ['m-1', 'm-2'] }]
 */
export function recordsOf(batch: readonly MappedEvent[]): CarriedRecord[] {
  const byKey = new Map<string, CarriedRecord>();
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    // The map hook gives every identify it keeps a record; anything else has nothing to send.
    if (record === undefined) throw new Error(`event ${mapped.id} holds no Salesforce record (key and fields) to send`);
    const seen = byKey.get(record.key);
    if (seen === undefined) byKey.set(record.key, { key: record.key, fields: { ...record.fields }, eventIds: [mapped.id] });
    else {
      Object.assign(seen.fields, record.fields);
      seen.eventIds.push(mapped.id);
    }
  }
  return [...byKey.values()];
}

function sizeOf(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value)) + 1;
}

/**
 * Records packed into chunks of at most 200 events (so at most 200 records) and
 * MAX_BODY_BYTES of fields; a person with more events than a chunk holds (200 identifies in one
 * batch) is cut into records of 200 events, in chunks of their own. Two keys that differ only in
 * case never share a chunk: an External ID field compares without case unless it is marked
 * case-sensitive, and the collections refuse one external id twice in a request
 * (DUPLICATE_VALUE "Duplicate external id specified") for both records.
 */
export function chunksOf(records: readonly CarriedRecord[], fits: (chunk: readonly CarriedRecord[], record: CarriedRecord) => boolean = () => true): CarriedRecord[][] {
  const chunks: CarriedRecord[][] = [];
  let chunk: CarriedRecord[] = [];
  let events = 0;
  let bytes = 0;
  const pieces = records.flatMap((record) => {
    if (record.eventIds.length <= MAX_RECORDS) return [record];
    const cut: CarriedRecord[] = [];
    for (let i = 0; i < record.eventIds.length; i += MAX_RECORDS) cut.push({ ...record, eventIds: record.eventIds.slice(i, i + MAX_RECORDS) });
    return cut;
  });
  for (const record of pieces) {
    const size = sizeOf(record.fields) + 40;
    const key = record.key.toLowerCase();
    if (chunk.length > 0 && (events + record.eventIds.length > MAX_RECORDS || bytes + size > MAX_BODY_BYTES || chunk.some((r) => r.key.toLowerCase() === key) || !fits(chunk, record))) {
      chunks.push(chunk);
      chunk = [];
      events = 0;
      bytes = 0;
    }
    chunk.push(record);
    events += record.eventIds.length;
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/**
 * Whether one more email fits a lookup: the form-encoded URL stays within MAX_LOOKUP_URL_BYTES.
 */
function lookupFits(ctx: PluginContext): (chunk: readonly CarriedRecord[], record: CarriedRecord) => boolean {
  const { before, after } = emailLookupFrame(objectOf(ctx.config));
  const fixed = `${apiBaseOf(ctx.config)}/query?q=`.length + formEncodedLength(before) + formEncodedLength(after);
  return (chunk, record) => {
    const literals = [...chunk, record].map((r) => soqlString(r.key) ?? '');
    return fixed + formEncodedLength(literals.join(', ')) <= MAX_LOOKUP_URL_BYTES;
  };
}

/**
 * The requests of a batch: the upserts of its people (External ID field), or their lookups (Email).
 *
 * @example
 * buildRequests(batch, ctx); // [{ method: 'PATCH', url: '…/composite/sobjects/Lead/Signal_User_Id__c', … }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const records = recordsOf(batch);
  if (externalIdFieldOf(ctx.config) !== undefined) return chunksOf(records).map((chunk) => upsertRequest(chunk, ctx));
  for (const record of records) {
    if (soqlString(record.key) === undefined) throw new Error(`the email of event ${record.eventIds[0]} holds a control character a SOQL lookup cannot carry`);
  }
  return chunksOf(records, lookupFits(ctx)).map((chunk) => lookupRequest(chunk, ctx));
}
