// The delivery requests, on the data center's API domain (`https://www.zohoapis.<dc>/crm/v8`),
// with the access token as `Authorization: Zoho-oauthtoken <token>`: one Upsert Records request
// a batch, `POST /{module}/upsert` with `{ data: [...], duplicate_check_fields: ["Email"] }` —
// up to 100 records, one answer entry a record, in order.
//
// The identifies of one person in a batch become one record (the later identify's fields over the
// earlier's), which Zoho's answer settles for all of them: two records with one email in one
// upsert would both be matched against the records existing before it, so both could be created.
// What the answer does not say (which events each record settles) rides along as the `memo`.
import { isJsonObject, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, moduleOf } from './config.ts';
import { recordOf, type ZohoRecord } from './zoho-record.ts';

/** Records an upsert takes: "A maximum of 100 records can be inserted/updated per API call". */
export const MAX_RECORDS = 100;
/** Bytes of one request's records: Zoho documents no body limit the plugin found; 100 people's fields are far below it (Signal's bound). */
export const MAX_BODY_BYTES = 2_000_000;

/** One person's record in a request, with the events it settles. */
export interface CarriedRecord extends ZohoRecord {
  eventIds: string[];
}

/** The plugin's note on an upsert: the events each record (in the body's order) settles. */
export interface Memo {
  zoho: 'upsert';
  events: string[][];
}

/**
 * The plugin's note on a request it built, or undefined for another (the conformance suite's).
 *
 * @example
 * memoOf({ method: 'POST', url: '…', eventIds: ['m-1'], memo: { zoho: 'upsert', events: [['m-1']] } }); // { zoho: 'upsert', events: [['m-1']] }
 */
export function memoOf(request: RequestDescriptor): Memo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo) || memo.zoho !== 'upsert' || !Array.isArray(memo.events)) return undefined;
  if (!memo.events.every((ids) => Array.isArray(ids) && ids.every((id) => typeof id === 'string'))) return undefined;
  return { zoho: 'upsert', events: memo.events as string[][] };
}

/**
 * The headers of every request: the access token as Zoho's `Zoho-oauthtoken` scheme
 * (`[access token]` in previews, where the core shows none).
 *
 * @example
 * headersOf(ctx); // { authorization: 'Zoho-oauthtoken 1000.abc…', accept: 'application/json' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { authorization: `Zoho-oauthtoken ${ctx.accessToken ?? '[access token]'}`, accept: 'application/json' };
}

/**
 * The upsert of `records` by Email.
 *
 * @example
 * upsertRequest([{ key: 'jane@example.com', fields: { Last_Name: 'Doe', Email: 'jane@example.com' }, eventIds: ['m-1'] }], ctx);
 * // { method: 'POST', url: 'https://www.zohoapis.com/crm/v8/Leads/upsert',
 * //   body: { data: [{ Last_Name: 'Doe', Email: 'jane@example.com' }], duplicate_check_fields: ['Email'] }, eventIds: ['m-1'], … }
 */
export function upsertRequest(records: readonly CarriedRecord[], ctx: PluginContext): RequestDescriptor {
  const memo: Memo = { zoho: 'upsert', events: records.map((record) => record.eventIds) };
  const body: JsonObject = { data: records.map((record) => ({ ...record.fields })), duplicate_check_fields: ['Email'] };
  // An empty trigger list asks Zoho to run no workflow, approval or blueprint.
  if (ctx.config.trigger_workflows === false) body.trigger = [];
  return {
    method: 'POST',
    url: `${apiBaseOf(ctx.config)}/${moduleOf(ctx.config)}/upsert`,
    headers: headersOf(ctx),
    body,
    eventIds: records.flatMap((record) => record.eventIds),
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The records of a batch, one a person (by lower-cased email, in the order of each person's first
 * event), the later event's fields over the earlier's; each carries the ids of its events.
 *
 * @example
 * recordsOf([{ id: 'm-1', payload: { key: 'a@x.io', fields: { City: 'Paris' } } }, { id: 'm-2', payload: { key: 'a@x.io', fields: { City: 'Lyon' } } }]);
 * // [{ key: 'a@x.io', fields: { City: 'Lyon' }, eventIds: ['m-1', 'm-2'] }]
 */
export function recordsOf(batch: readonly Pick<MappedEvent, 'id' | 'payload'>[]): CarriedRecord[] {
  const byKey = new Map<string, CarriedRecord>();
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    // The map hook gives every identify it keeps a record; anything else has nothing to send.
    if (record === undefined) throw new Error(`event ${mapped.id} holds no Zoho CRM record (key and fields) to send`);
    const seen = byKey.get(record.key);
    if (seen === undefined) byKey.set(record.key, { key: record.key, fields: { ...record.fields }, eventIds: [mapped.id] });
    else {
      Object.assign(seen.fields, record.fields);
      seen.eventIds.push(mapped.id);
    }
  }
  return [...byKey.values()];
}

/**
 * The upserts of a batch: its records, 100 a request (a batch holds at most 100 events, so one).
 *
 * @example
 * buildRequests(batch, ctx); // [{ method: 'POST', url: 'https://www.zohoapis.com/crm/v8/Leads/upsert', … }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const records = recordsOf(batch);
  const requests: RequestDescriptor[] = [];
  for (let i = 0; i < records.length; i += MAX_RECORDS) requests.push(upsertRequest(records.slice(i, i + MAX_RECORDS), ctx));
  return requests;
}
