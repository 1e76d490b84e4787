// The requests of a delivery batch: records created (`POST https://api.airtable.com/v0/{baseId}/{table}`)
// or, with merge_on, upserted (`PATCH` with `performUpsert.fieldsToMergeOn`), 10 records a
// request (Airtable's limit), with typecast as configured and the personal access token as the
// Bearer token. Built here, performed by the core.
import { isJsonObject, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { accessTokenOf, baseIdOf, mergeOnOf, tableOf, typecastOf } from './config.ts';

/** Airtable's Web API, version 0. */
export const API_BASE = 'https://api.airtable.com/v0';
/** Records a create or update request takes at most ("up to 10 records"). */
export const MAX_RECORDS = 10;
/**
 * Signal's bound on a request's body: Airtable documents a 413 for a payload over its maximum
 * without saying the size; 10 records of long text stay under it, and a 413 splits the request.
 */
export const MAX_BODY_BYTES = 1_000_000;

/**
 * The headers of every request: JSON, and the personal access token as the Bearer token.
 *
 * @example
 * headersOf({ access_token: 'patAbC…' }); // { authorization: 'Bearer patAbC…', 'content-type': 'application/json' }
 */
export function headersOf(config: PluginContext['config']): Record<string, string> {
  return { authorization: `Bearer ${accessTokenOf(config)}`, 'content-type': 'application/json' };
}

/**
 * The URL of the config's table: the base id, then the table's id or name as one path segment
 * (a space as %20, a `/` as %2F).
 *
 * @example
 * tableUrl({ base_id: 'appA1b2C3d4E5f6G7', table: 'Web events' }); // 'https://api.airtable.com/v0/appA1b2C3d4E5f6G7/Web%20events'
 */
export function tableUrl(config: PluginContext['config']): string {
  const base = baseIdOf(config);
  const table = tableOf(config);
  // A config refused at install cannot get here; a hand-edited one is said, not sent to a wrong URL.
  if (base === undefined || table === undefined) throw new Error('config.base_id (and config.table) name no Airtable base and table: fix them in a new revision, then replay the dead letters');
  return `${API_BASE}/${base}/${encodeURIComponent(table)}`;
}

/** The mapped record's fields (none when the payload has none). */
export function fieldsOfPayload(payload: JsonObject): JsonObject {
  return isJsonObject(payload.fields as JsonValue | undefined) ? (payload.fields as JsonObject) : {};
}

/** The values of the merge fields, as one key (two records with the same key cannot share an upsert). */
function mergeKey(payload: JsonObject, mergeOn: string[]): string {
  const fields = fieldsOfPayload(payload);
  return JSON.stringify(mergeOn.map((name) => fields[name] ?? null));
}

/**
 * Groups of at most 10 records and MAX_BODY_BYTES, in the batch's order; with merge_on, a record
 * whose merge values another record of the group has starts a new group, so each upsert names
 * each record once (the later event then updates the record the earlier one wrote).
 */
function groupsOf(batch: MappedEvent[], mergeOn: string[]): MappedEvent[][] {
  const groups: MappedEvent[][] = [];
  let current: MappedEvent[] = [];
  let keys = new Set<string>();
  let bytes = 0;
  for (const event of batch) {
    const size = Buffer.byteLength(JSON.stringify(event.payload)) + 1;
    const key = mergeOn.length > 0 ? mergeKey(event.payload, mergeOn) : undefined;
    const full = current.length >= MAX_RECORDS || bytes + size > MAX_BODY_BYTES - 200 || (key !== undefined && keys.has(key));
    if (current.length > 0 && full) {
      groups.push(current);
      current = [];
      keys = new Set();
      bytes = 0;
    }
    current.push(event);
    if (key !== undefined) keys.add(key);
    bytes += size;
  }
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * A batch as Airtable's requests: without merge_on, Create records (`POST`, `{ records:
 * [{ fields }], typecast }`); with it, Update multiple records as an upsert (`PATCH`, `{
 * performUpsert: { fieldsToMergeOn }, records: [{ fields }], typecast }`); 10 records a request.
 *
 * @example
 * buildRequests(batch, ctx);
 * // [{ method: 'POST', url: 'https://api.airtable.com/v0/appA1b2C3d4E5f6G7/Web%20events',
 * //    headers: { authorization: 'Bearer patAbC…', 'content-type': 'application/json' },
 * //    body: { records: [{ fields: { Event: 'Order Completed', Revenue: 74.97 } }], typecast: false }, eventIds: ['m-1'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = tableUrl(ctx.config);
  const mergeOn = mergeOnOf(ctx.config);
  const typecast = typecastOf(ctx.config);
  return groupsOf(batch, mergeOn).map((group) => {
    const records = group.map((event) => ({ fields: fieldsOfPayload(event.payload) }));
    const body: JsonObject = mergeOn.length > 0 ? { performUpsert: { fieldsToMergeOn: mergeOn }, records, typecast } : { records, typecast };
    return {
      method: mergeOn.length > 0 ? 'PATCH' : 'POST',
      url,
      headers: headersOf(ctx.config),
      body,
      eventIds: group.map((event) => event.id),
    };
  });
}
