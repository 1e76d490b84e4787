// The requests: Kafka REST v3's Produce Records, POSTed to
// `<api base>/clusters/<cluster id>/topics/<topic>/records`, each event one record
// `{ "key": { "type": "STRING", "data": <key> }, "value": { "type": "JSON", "data": <record> } }`.
// Several records go in one request as a stream of JSON objects (Concatenated JSON, one a line),
// which Kafka REST reads one by one and answers with one delivery report each, in order: the
// request is within the 1 MiB of an answer the core reads (at most 100 reports), and a record
// whose report says it failed is sent again alone. No partition and no timestamp are given: the
// key picks the partition, and the broker stamps the record when it is appended (a topic's
// time-based retention then runs from the delivery, not from an event sent days late).
import { allowedPrivateTargets, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { authorizationOf, includesContactInfo, recordKeyChoiceOf, recordsPerRequestOf, recordsUrlOf, type RecordKeyChoice } from './config.ts';
import { hashedId, isContactInfo } from './topic-record.ts';

/** Most bytes of one request body (a record larger on its own goes alone: the topic's limit decides). */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Most characters of a key kept as it is: a longer id is keyed by its SHA-256. */
export const MAX_KEY_CHARS = 1024;

/**
 * A record key of the chosen id: kept as it is, unless the config keeps it out of records (an
 * email or phone as userId) or it is no valid text (a lone surrogate) or very long — then
 * `sha256:` and its SHA-256 in hex, the same for every record of that id.
 */
export function keyOf(id: string, includeContactInfo: boolean): string {
  if (id.length > MAX_KEY_CHARS || !id.isWellFormed() || (!includeContactInfo && isContactInfo(id))) return hashedId(id);
  return id;
}

/** The ids a key is chosen from, in order of preference. */
function candidates(person: { userId?: JsonValue; anonymousId?: JsonValue }, messageId: string, choice: RecordKeyChoice): JsonValue[] {
  if (choice === 'message_id') return [messageId];
  return choice === 'anonymous_id' ? [person.anonymousId ?? null, person.userId ?? null, messageId] : [person.userId ?? null, person.anonymousId ?? null, messageId];
}

/**
 * An event's record key, or undefined when records are not keyed: per person by default (the
 * userId, else the anonymousId: one person's records in one partition, in order), per browser,
 * or per event. Placeholder ids ("undefined") are passed over; the messageId is the last resort.
 *
 * @example
 * recordKey({ userId: 'u-42', anonymousId: 'df_abc', messageId: 'm-1' }, { record_key: 'person' });     // 'u-42'
 * recordKey({ anonymousId: 'df_abc', messageId: 'm-1' }, { record_key: 'message_id' });                // 'm-1'
 * recordKey({ userId: 'u-42', messageId: 'm-1' }, { record_key: 'none' });                             // undefined
 */
export function recordKey(event: Pick<CanonicalEvent, 'messageId'> & { userId?: JsonValue; anonymousId?: JsonValue }, config: Record<string, JsonValue>): string | undefined {
  const choice = recordKeyChoiceOf(config);
  if (choice === 'none') return undefined;
  const id = candidates(event, event.messageId, choice).find((value) => usableId(value));
  return keyOf(String(id ?? event.messageId), includesContactInfo(config));
}

/**
 * One record as Produce Records takes it: a STRING key (when keyed) and a JSON value; no value
 * (null) for a tombstone.
 *
 * @example
 * produceRecord('u-42', { type: 'track' }); // { key: { type: 'STRING', data: 'u-42' }, value: { type: 'JSON', data: { type: 'track' } } }
 * produceRecord('u-42', null);              // { key: { type: 'STRING', data: 'u-42' } }
 */
export function produceRecord(key: string | undefined, value: JsonObject | null): JsonObject {
  return {
    ...(key === undefined ? {} : { key: { type: 'STRING', data: key } }),
    ...(value === null ? {} : { value: { type: 'JSON', data: value } }),
  };
}

/** The body of a request: its records as Concatenated JSON, one a line. */
export const streamBody = (records: readonly JsonObject[]): string => records.map((record) => JSON.stringify(record)).join('\n');

/**
 * The request producing these records: JSON, HTTP Basic authentication when a key is set, the
 * private targets the config allows.
 *
 * @example
 * produceRequest([{ key: { type: 'STRING', data: 'u-42' }, value: { type: 'JSON', data: { type: 'track' } } }], ['m-1'], config);
 * // { method: 'POST', url: 'https://pkc-abc12.eu-west-1.aws.confluent.cloud/kafka/v3/clusters/lkc-abc123/topics/signal-events/records',
 * //   headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Basic …' }, body: '{"key":…}', eventIds: ['m-1'] }
 */
export function produceRequest(records: readonly JsonObject[], eventIds: string[], config: Record<string, JsonValue>): RequestDescriptor {
  const authorization = authorizationOf(config);
  const allow = allowedPrivateTargets(config);
  return {
    method: 'POST',
    url: recordsUrlOf(config),
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(authorization === undefined ? {} : { authorization }) },
    body: streamBody(records),
    eventIds,
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  };
}

/**
 * The requests of a batch: each event one record, in the batch's order, packed into requests of
 * `records_per_request` records (default 25) and a body of at most 4 MiB. A record too large on
 * its own goes alone, and the topic's answer decides its fate (a dead letter saying so).
 */
export function produceRequests(batch: readonly MappedEvent[], ctx: Pick<PluginContext, 'config'>): RequestDescriptor[] {
  const { config } = ctx;
  const perRequest = recordsPerRequestOf(config);
  const requests: RequestDescriptor[] = [];
  let records: JsonObject[] = [];
  let ids: string[] = [];
  let bytes = 0;
  for (const mapped of batch) {
    const record = produceRecord(recordKey(mapped.event, config), mapped.payload);
    const size = Buffer.byteLength(JSON.stringify(record)) + 1; // + the line break between records
    if (records.length > 0 && (records.length >= perRequest || bytes + size > MAX_BODY_BYTES)) {
      requests.push(produceRequest(records, ids, config));
      records = [];
      ids = [];
      bytes = 0;
    }
    records.push(record);
    ids.push(mapped.id);
    bytes += size;
  }
  if (records.length > 0) requests.push(produceRequest(records, ids, config));
  return requests;
}
