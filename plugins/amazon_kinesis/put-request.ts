// The requests: PutRecords (Kinesis Data Streams, JSON 1.1 protocol, target
// Kinesis_20131202.PutRecords) or PutRecordBatch (Amazon Data Firehose, target
// Firehose_20150804.PutRecordBatch), POSTed to the Region's endpoint, each record's data the
// base64 of its JSON (a newline after it for Firehose, whose destinations read records a line
// each), within AWS's limits: 500 records a request, and a body of at most 5 MiB (PutRecords)
// or 4 MiB (PutRecordBatch) — AWS counts the data before base64 against those, so a body within
// them is within AWS's limits with room to spare. Signed by `signPutRequest` when sent.
import { signAwsRequest, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { credentialsOf, includesContactInfo, partitionKeyChoiceOf, regionOf, serviceOf, streamOf, type PartitionKeyChoice, type Service } from './config.ts';
import { hashedId, isContactInfo } from './stream-record.ts';

/** Most records in one PutRecords or PutRecordBatch request (both APIs). */
export const MAX_RECORDS = 500;
/** Most bytes of one request body: PutRecords takes 5 MiB of data and partition keys, PutRecordBatch 4 MiB. */
export const MAX_BODY_BYTES: Record<Service, number> = { data_streams: 5 * 1024 * 1024, firehose: 4 * 1024 * 1024 };
/** Most characters (UTF-16 units) of a partition key (at least 1). */
export const MAX_PARTITION_KEY_CHARS = 256;
/** The JSON 1.1 content type of both APIs. */
export const CONTENT_TYPE = 'application/x-amz-json-1.1';
/** X-Amz-Target of each service's batch write, and the signing name of its endpoint. */
export const TARGETS: Record<Service, { target: string; signingName: string }> = {
  data_streams: { target: 'Kinesis_20131202.PutRecords', signingName: 'kinesis' },
  firehose: { target: 'Firehose_20150804.PutRecordBatch', signingName: 'firehose' },
};

/**
 * The service's regional endpoint: `https://kinesis.<region>.amazonaws.com/` or
 * `https://firehose.<region>.amazonaws.com/` (`.amazonaws.com.cn` in the China Regions).
 *
 * @example
 * endpointOf('data_streams', 'eu-west-1'); // 'https://kinesis.eu-west-1.amazonaws.com/'
 * endpointOf('firehose', 'cn-north-1');    // 'https://firehose.cn-north-1.amazonaws.com.cn/'
 */
export function endpointOf(service: Service, region: string): string {
  const domain = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  return `https://${TARGETS[service].signingName}.${region}.${domain}/`;
}

/**
 * A partition key of the chosen id: kept as it is, unless Kinesis could refuse it or the config
 * keeps it out of records — then `sha256:` and its SHA-256 in hex, the same for every record of
 * that id. Kinesis takes 256 characters, counted here in UTF-16 units as AWS's Java services
 * count a string's length (an emoji is two: counting code points would let a key of 200 emoji
 * through to a refusal that dead-letters its event); an id with a lone surrogate is no valid
 * Unicode text; an email or phone as userId is contact information.
 */
function keyOf(id: string, includeContactInfo: boolean): string {
  if (id.length > MAX_PARTITION_KEY_CHARS || !id.isWellFormed() || (!includeContactInfo && isContactInfo(id))) return hashedId(id);
  return id;
}

/** The ids a partition key is chosen from, in order of preference. */
function candidates(person: { userId?: JsonValue; anonymousId?: JsonValue }, messageId: string, choice: PartitionKeyChoice): JsonValue[] {
  if (choice === 'message_id') return [messageId];
  return choice === 'anonymous_id' ? [person.anonymousId ?? null, person.userId ?? null, messageId] : [person.userId ?? null, person.anonymousId ?? null, messageId];
}

/**
 * An event's partition key (data streams): per person by default (the userId, else the
 * anonymousId: one person's records on one shard, in order), per browser, or per event.
 * Placeholder ids ("undefined") are passed over; the messageId is the last resort.
 *
 * @example
 * partitionKey({ userId: 'u-42', anonymousId: 'df_abc', messageId: 'm-1' } as CanonicalEvent, { partition_key: 'person' }); // 'u-42'
 * partitionKey({ anonymousId: 'df_abc', messageId: 'm-1' } as CanonicalEvent, { partition_key: 'message_id' });             // 'm-1'
 */
export function partitionKey(event: Pick<CanonicalEvent, 'userId' | 'anonymousId' | 'messageId'>, config: Record<string, JsonValue>): string {
  const id = candidates(event as { userId?: JsonValue; anonymousId?: JsonValue }, event.messageId, partitionKeyChoiceOf(config)).find((value) => usableId(value));
  return keyOf(String(id ?? event.messageId), includesContactInfo(config));
}

/** A record's data: its JSON, and for Firehose a newline after it, as base64. */
export function recordData(record: JsonObject, service: Service): string {
  const json = JSON.stringify(record);
  return Buffer.from(service === 'firehose' ? `${json}\n` : json, 'utf8').toString('base64');
}

/** One entry of the request's `Records`: `{ Data, PartitionKey }` (data streams) or `{ Data }` (Firehose). */
export function recordEntry(record: JsonObject, key: string, service: Service): JsonObject {
  return service === 'firehose' ? { Data: recordData(record, service) } : { Data: recordData(record, service), PartitionKey: key };
}

/** The body's fields naming the stream: `StreamARN` or `StreamName`, or `DeliveryStreamName`. */
function streamFields(config: Record<string, JsonValue>): JsonObject {
  const stream = streamOf(config);
  if (serviceOf(config) === 'firehose') return { DeliveryStreamName: stream.name };
  return stream.arn === undefined ? { StreamName: stream.name } : { StreamARN: stream.arn };
}

/**
 * The request writing these entries (unsigned: `signPutRequest` signs it when it is sent).
 *
 * @example
 * putRequest([{ Data: 'eyJ0eXBlIjoidHJhY2sifQ==', PartitionKey: 'u-42' }], ['m-1'], config);
 * // { method: 'POST', url: 'https://kinesis.eu-west-1.amazonaws.com/', headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'Kinesis_20131202.PutRecords' },
 * //   body: { StreamName: 'signal-events', Records: [{ Data: 'eyJ0eXBlIjoidHJhY2sifQ==', PartitionKey: 'u-42' }] }, eventIds: ['m-1'] }
 */
export function putRequest(entries: JsonObject[], eventIds: string[], config: Record<string, JsonValue>): RequestDescriptor {
  const service = serviceOf(config);
  return {
    method: 'POST',
    url: endpointOf(service, regionOf(config)),
    headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': TARGETS[service].target },
    body: { ...streamFields(config), Records: entries },
    eventIds,
  };
}

/**
 * The requests of a batch: each event one record, in the batch's order, packed into requests of
 * at most 500 records and a body of at most 5 MiB (4 MiB for Firehose). A record too large on
 * its own goes alone, and AWS's answer decides its fate (a dead letter saying so).
 */
export function putRequests(batch: readonly MappedEvent[], ctx: Pick<PluginContext, 'config'>): RequestDescriptor[] {
  const { config } = ctx;
  const service = serviceOf(config);
  const budget = MAX_BODY_BYTES[service] - Buffer.byteLength(JSON.stringify({ ...streamFields(config), Records: [] }));
  const requests: RequestDescriptor[] = [];
  let entries: JsonObject[] = [];
  let ids: string[] = [];
  let bytes = 0;
  for (const mapped of batch) {
    const entry = recordEntry(mapped.payload, partitionKey(mapped.event, config), service);
    const size = Buffer.byteLength(JSON.stringify(entry)) + 1; // + the comma between entries
    if (entries.length > 0 && (entries.length >= MAX_RECORDS || bytes + size > budget)) {
      requests.push(putRequest(entries, ids, config));
      entries = [];
      ids = [];
      bytes = 0;
    }
    entries.push(entry);
    ids.push(mapped.id);
    bytes += size;
  }
  if (entries.length > 0) requests.push(putRequest(entries, ids, config));
  return requests;
}

/**
 * A request signed with AWS Signature Version 4 for the configured service and Region, at
 * `ctx.now`: the `sign` hook, so the signature's time is the sending time (after any rate-limit
 * wait; AWS refuses a signature more than 5 minutes off its clock). The session token of
 * temporary credentials is sent and signed as `x-amz-security-token`.
 */
export function signPutRequest(request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  return signAwsRequest(request, { region: regionOf(config), service: TARGETS[serviceOf(config)].signingName, credentials: credentialsOf(config), now: ctx.now });
}
