// The delivery requests Signal sends Ortto, built here and performed by the core:
//
// - people: `POST {region}/v1/person/merge` with `{ people: [{ fields, location? }], async,
//   merge_by, merge_strategy, find_strategy, suppression_list_field_id }` ("Between 1 to 100
//   people … in a single request"); `suppression_list_field_id: "str::email"` has Ortto create
//   no person whose email is on its email suppression list, answering that person
//   `{ status: "suppressed", error: "Email is suppressed" }` — without it Ortto says nothing;
// - activities: `POST {region}/v1/activities/create` with `{ activities: [{ activity_id,
//   attributes, fields, location? }], merge_by }` (100 activities a request), `async: true` only
//   when the config asks for it.
//
// Both carry the `X-Api-Key` header and JSON, and at most 2 MB ("Limit per payload: 2MB", Rate
// limits): a batch is cut into requests within both limits, people first (a track right after
// an identify then lands on the person the identify named), each kind in the order received.
import { configApiKey, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiOriginOf, choiceOf, mergeKeysOf } from './config.ts';
import { recordOf } from './fit-to-ortto.ts';

/** People or activities a request: Ortto takes 1 to 100 of either. */
export const MAX_RECORDS = 100;
/** Bytes of one body: Ortto's 2 MB a payload, with room for the request's own members. */
export const MAX_BODY_BYTES = 2_000_000;
/** The paths of the two delivery endpoints. */
export const PERSON_MERGE_PATH = '/v1/person/merge';
export const ACTIVITIES_CREATE_PATH = '/v1/activities/create';

/**
 * The headers of every request: the API key as `X-Api-Key`, JSON both ways.
 *
 * @example
 * headersOf({ api_key: 'a1b2…' }); // { 'X-Api-Key': 'a1b2…', 'content-type': 'application/json', accept: 'application/json' }
 */
export function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  return { 'X-Api-Key': configApiKey(config), 'content-type': 'application/json', accept: 'application/json' };
}

/** The members every merge body shares, from the config. */
function mergeOptions(ctx: PluginContext): JsonObject {
  return {
    async: ctx.config.async === true,
    merge_by: [...mergeKeysOf(ctx.config)],
    merge_strategy: choiceOf(ctx.config, 'merge_strategy', [1, 2, 3], 2),
    find_strategy: choiceOf(ctx.config, 'find_strategy', [0, 1, 2], 0),
    // Ortto: "skip creating new contacts who have an email address that already exists on your
    // Email suppression list, so you don't create a contact you won't be able to send emails to".
    suppression_list_field_id: 'str::email',
  };
}

/** The members every activities body shares, from the config. */
function activityOptions(ctx: PluginContext): JsonObject {
  return { merge_by: [...mergeKeysOf(ctx.config)], ...(ctx.config.async === true ? { async: true } : {}) };
}

interface Item { id: string; item: JsonObject; bytes: number }

/** Items in requests of at most MAX_RECORDS and MAX_BODY_BYTES (with the body's own members). */
function chunks(items: Item[], overhead: number): Item[][] {
  const parts: Item[][] = [];
  let part: Item[] = [];
  let bytes = overhead;
  for (const item of items) {
    if (part.length > 0 && (part.length >= MAX_RECORDS || bytes + item.bytes > MAX_BODY_BYTES)) {
      parts.push(part);
      part = [];
      bytes = overhead;
    }
    part.push(item);
    bytes += item.bytes;
  }
  if (part.length > 0) parts.push(part);
  return parts;
}

/**
 * The requests for a batch of mapped records (see fitRecord): the people in merges, then the
 * activities in creations, each of at most 100 records and 2 MB; every event in exactly one
 * request, named by its id, in the order of the body's array (classify reads Ortto's answer by
 * that order).
 *
 * @example
 * buildRequests([identify, orderCompleted], ctx);
 * // [{ method: 'POST', url: 'https://api.ap3api.com/v1/person/merge', body: { people: [{ fields: { … } }], async: false, merge_by: ['str::email'], merge_strategy: 2, find_strategy: 0, suppression_list_field_id: 'str::email' }, eventIds: ['m-1'] },
 * //  { method: 'POST', url: 'https://api.ap3api.com/v1/activities/create', body: { activities: [{ activity_id: 'act:cm:order-completed', … }], merge_by: ['str::email'] }, eventIds: ['m-2'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const people: Item[] = [];
  const activities: Item[] = [];
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the events this names.
    if (record === undefined) throw new Error(`event ${mapped.id} holds no Ortto record (a person or an activity) to send`);
    const item = (record.kind === 'person' ? record.person : record.activity) as unknown as JsonObject;
    (record.kind === 'person' ? people : activities).push({ id: mapped.id, item, bytes: Buffer.byteLength(JSON.stringify(item)) + 1 });
  }
  const origin = apiOriginOf(ctx.config);
  const requests: RequestDescriptor[] = [];
  const merge = mergeOptions(ctx);
  for (const part of chunks(people, Buffer.byteLength(JSON.stringify({ people: [], ...merge })))) {
    requests.push({ method: 'POST', url: `${origin}${PERSON_MERGE_PATH}`, headers: headersOf(ctx.config), body: { people: part.map((p) => p.item), ...merge }, eventIds: part.map((p) => p.id) });
  }
  const create = activityOptions(ctx);
  for (const part of chunks(activities, Buffer.byteLength(JSON.stringify({ activities: [], ...create })))) {
    requests.push({ method: 'POST', url: `${origin}${ACTIVITIES_CREATE_PATH}`, headers: headersOf(ctx.config), body: { activities: part.map((a) => a.item), ...create }, eventIds: part.map((a) => a.id) });
  }
  return requests;
}
