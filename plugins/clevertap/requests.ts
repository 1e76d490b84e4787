// The delivery requests of CleverTap's upload API: POST /1/upload with `{ "d": [record, …] }`,
// events and profile updates together in the order they came (CleverTap takes both in one
// upload; an identify before a user's events keeps its profile first). Built here, performed by
// the core.
import type { JsonObject, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, headersOf } from './config.ts';
import { RECORD_TYPES } from './fit-to-clevertap.ts';

/** CleverTap: "A maximum of 1000 event records can be sent per API call" (and 1,000 profile records). */
export const MAX_RECORDS = 1000;
/**
 * Bytes of one request body. CleverTap documents none; records are small (512-byte values), so
 * 1,000 of them fit well under this bound, which keeps a request to what a proxy takes.
 */
export const MAX_BODY_BYTES = 4_000_000;
/** The JSON around the records (`{"d":[…]}`), with room to spare. */
export const ENVELOPE_BYTES = 16;
/** The upload endpoint's path. */
export const UPLOAD_PATH = '/1/upload';

/**
 * The record of a mapped event (fitRecord's output), or undefined.
 *
 * @example
 * recordOf({ type: 'event', identity: 'u-1', evtName: 'Viewed' }); // the same object
 * recordOf({ evtName: 'Viewed' });                                 // undefined
 */
export function recordOf(payload: JsonObject): JsonObject | undefined {
  return typeof payload.type === 'string' && (RECORD_TYPES as readonly string[]).includes(payload.type) ? payload : undefined;
}

/**
 * The requests for a batch of mapped records: POST /1/upload with at most 1,000 records and
 * 4,000,000 bytes each, the batch's order kept. `eventIds` list the events in the order of the
 * records in `d`, which is how classify tells which event an unprocessed entry names.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://eu1.api.clevertap.com/1/upload', body: { d: [profile, event] }, eventIds: ['identify', 'signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = `${apiBaseOf(ctx.config)}${UPLOAD_PATH}`;
  const headers = headersOf(ctx.config);
  const requests: RequestDescriptor[] = [];
  let records: JsonObject[] = [];
  let ids: string[] = [];
  let bytes = ENVELOPE_BYTES;
  const flush = (): void => {
    if (records.length === 0) return;
    requests.push({ method: 'POST', url, headers: { ...headers }, body: { d: records }, eventIds: ids, endpoint: 'upload' });
    records = [];
    ids = [];
    bytes = ENVELOPE_BYTES;
  };
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    // The map hook gives every event one record; without one there is nothing to send, and the
    // core dead-letters the event this names (it builds halves until one event is left).
    if (!record) throw new Error(`event ${mapped.id} holds no CleverTap record (event or profile) to send`);
    const size = Buffer.byteLength(JSON.stringify(record)) + 1;
    if (records.length >= MAX_RECORDS || (records.length > 0 && bytes + size > MAX_BODY_BYTES)) flush();
    records.push(record);
    ids.push(mapped.id);
    bytes += size;
  }
  flush();
  return requests;
}
