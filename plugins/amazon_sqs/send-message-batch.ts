// The requests: SendMessageBatch over the AWS JSON 1.0 protocol (target
// AmazonSQS.SendMessageBatch) POSTed to the Region's endpoint, `{ QueueUrl, Entries }`, each
// event one entry `{ Id, MessageBody, MessageAttributes?, MessageGroupId?,
// MessageDeduplicationId?, DelaySeconds? }` whose body is the mapped event's JSON. Within SQS's
// limits: 10 entries a request, and messages adding up to at most 256 KiB (262,144 bytes) as SQS
// counts them (the body and each attribute's name, type and value) — although AWS raised the
// limit to 1 MiB in 2025, many queues still have a 256 KiB maximum message size (their
// MaximumMessageSize attribute), and the China Regions' reference still says 256 KiB (see the README). A
// message larger on its own goes alone, and SQS's answer decides (accepted up to the queue's
// maximum, else a dead letter saying so). Signed by `signSendMessageBatch` when sent.
import { idAsRecorded, isContactValue, sha256Hex, signAwsRequest, usableId, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import {
  credentialsOf, delaySecondsOf, fixedGroupOf, GROUP_OR_DEDUP_ID, includesContactInfo, isFifo, messageGroupChoiceOf, queueUrlOf, regionOf, sendsMessageAttributes,
} from './config.ts';

/** Most entries in one SendMessageBatch request. */
export const MAX_ENTRIES = 10;
/** Most bytes of a request's messages as SQS counts them (see the file's comment). */
export const MAX_MESSAGES_BYTES = 256 * 1024;
/** Most bytes of a serialised request body (a body's JSON escaped inside the request's may outgrow its count). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** The JSON 1.0 content type of the API. */
export const CONTENT_TYPE = 'application/x-amz-json-1.0';
/** X-Amz-Target of SendMessageBatch. */
export const TARGET = 'AmazonSQS.SendMessageBatch';
/** The signing name of SQS's endpoints. */
export const SIGNING_NAME = 'sqs';
/** The message attributes' names. */
export const ATTRIBUTE_NAMES = { type: 'event_type', name: 'event_name' } as const;

/** What of an event a message's envelope reads (a deletion notice gives its own). */
export interface MessageSource {
  type: string;
  event?: string;
  userId?: string;
  anonymousId?: string;
  messageId: string;
}

/**
 * SQS's regional endpoint: `https://sqs.<region>.amazonaws.com/` (`.amazonaws.com.cn` in the
 * China Regions). The queue is named by the body's QueueUrl.
 *
 * @example
 * endpointOf('eu-west-1');  // 'https://sqs.eu-west-1.amazonaws.com/'
 * endpointOf('cn-north-1'); // 'https://sqs.cn-north-1.amazonaws.com.cn/'
 */
export function endpointOf(region: string): string {
  return `https://sqs.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}/`;
}

/**
 * Text SQS takes in a message: only the XML characters it documents (#x9, #xA, #xD, #x20–#xD7FF,
 * #xE000–#xFFFD, #x10000–#x10FFFF). A body is JSON, whose own escapes cover control characters
 * and lone surrogates; U+FFFE and U+FFFF are the two it leaves raw, escaped here the JSON way.
 */
function sqsSafeJson(json: string): string {
  return json.replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

/** An attribute value made of allowed characters only (others dropped), or undefined when nothing is left. */
function attributeText(value: string): string | undefined {
  // The characters SQS refuses (control characters but tab, line feed and carriage return; U+FFFE, U+FFFF).
  const kept = value.toWellFormed().replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '').trim();
  return kept === '' ? undefined : kept;
}

/**
 * An id SQS takes as MessageGroupId or MessageDeduplicationId: as it is when 1–128 letters,
 * digits and punctuation, else `sha256:<hex>` of it (the same for every message of that id).
 *
 * @example
 * groupSafeId('u-42');        // 'u-42'
 * groupSafeId('Jane Doe #1'); // 'sha256:…' (a space)
 */
export function groupSafeId(id: string): string {
  return GROUP_OR_DEDUP_ID.test(id) ? id : `sha256:${sha256Hex(id)}`;
}

/**
 * A FIFO message's MessageGroupId: per person (the userId, else the anonymousId, else the
 * messageId; an id that is contact information the config leaves out as its SHA-256, as the
 * body gives it), per call type, or the config's fixed group.
 *
 * @example
 * messageGroupOf({ type: 'track', userId: 'u-42', anonymousId: 'df_1', messageId: 'm-1' }, { message_group: 'person' });     // 'u-42'
 * messageGroupOf({ type: 'track', userId: 'u-42', anonymousId: 'df_1', messageId: 'm-1' }, { message_group: 'event_type' }); // 'track'
 */
export function messageGroupOf(event: Omit<MessageSource, 'event'>, config: Record<string, JsonValue>): string {
  const choice = messageGroupChoiceOf(config);
  if (choice === 'fixed' && fixedGroupOf(config) !== '') return fixedGroupOf(config);
  if (choice === 'event_type') return groupSafeId(String(event.type));
  const id = [event.userId, event.anonymousId].find((value) => usableId(value)) as string | undefined;
  const person = idAsRecorded(id ?? event.messageId, { includeContactInfo: includesContactInfo(config) })!;
  return groupSafeId(person);
}

/**
 * A message's String attributes: event_type (the call type) and event_name (a track event's
 * name, unless blank, or contact information the config leaves out). Undefined when the config
 * turns them off.
 *
 * @example
 * messageAttributesOf({ type: 'track', event: 'Order Completed' }, {});
 * // { event_type: { DataType: 'String', StringValue: 'track' }, event_name: { DataType: 'String', StringValue: 'Order Completed' } }
 */
export function messageAttributesOf(event: Pick<MessageSource, 'type' | 'event'>, config: Record<string, JsonValue>): JsonObject | undefined {
  if (!sendsMessageAttributes(config)) return undefined;
  const attributes: JsonObject = {};
  const type = attributeText(String(event.type));
  if (type !== undefined) attributes[ATTRIBUTE_NAMES.type] = { DataType: 'String', StringValue: type };
  const name = typeof event.event === 'string' ? attributeText(event.event) : undefined;
  if (name !== undefined && (includesContactInfo(config) || !isContactValue(name))) attributes[ATTRIBUTE_NAMES.name] = { DataType: 'String', StringValue: name };
  return Object.keys(attributes).length === 0 ? undefined : attributes;
}

/**
 * One message's entry, `Id` its place in the request (SQS answers per Id): the body, the
 * attributes, and on a FIFO queue the group and the deduplication id (the event's messageId, so
 * a retried send within SQS's 5-minute window is not queued twice); on a standard queue the
 * config's delay.
 *
 * @example
 * messageEntry(0, '{"message_id":"m-1"}', event, { queue_url: 'https://sqs.eu-west-1.amazonaws.com/111122223333/signal.fifo' });
 * // { Id: '0', MessageBody: '{"message_id":"m-1"}', MessageAttributes: {…}, MessageGroupId: 'u-42', MessageDeduplicationId: 'm-1' }
 */
export function messageEntry(index: number, body: string, event: MessageSource, config: Record<string, JsonValue>, dedupId = event.messageId): JsonObject {
  const attributes = messageAttributesOf(event, config);
  const delay = delaySecondsOf(config);
  const fifo = isFifo(config);
  return {
    Id: String(index),
    MessageBody: body,
    ...(attributes === undefined ? {} : { MessageAttributes: attributes }),
    ...(fifo ? { MessageGroupId: messageGroupOf(event, config), MessageDeduplicationId: groupSafeId(dedupId) } : {}),
    ...(!fifo && delay !== undefined ? { DelaySeconds: delay } : {}),
  };
}

/** A mapped event's message body: its JSON, as SQS takes it. */
export const messageBody = (payload: JsonObject): string => sqsSafeJson(JSON.stringify(payload));

/**
 * A message's size as SQS counts it against the request's limit: the UTF-8 bytes of its body
 * and of each attribute's name, data type and value.
 *
 * @example
 * messageSize({ Id: '0', MessageBody: '{"a":1}', MessageAttributes: { event_type: { DataType: 'String', StringValue: 'track' } } }); // 7 + 10 + 6 + 5 = 28
 */
export function messageSize(entry: JsonObject): number {
  const bytes = (value: JsonValue | undefined) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  let size = bytes(entry.MessageBody);
  const attributes = entry.MessageAttributes;
  if (attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes)) {
    for (const [name, value] of Object.entries(attributes)) {
      const attribute = value as JsonObject;
      size += bytes(name) + bytes(attribute.DataType) + bytes(attribute.StringValue);
    }
  }
  return size;
}

/**
 * The request sending these entries to the queue (unsigned: `signSendMessageBatch` signs it
 * when it is sent).
 *
 * @example
 * sendMessageBatchRequest([entry], ['m-1'], config);
 * // { method: 'POST', url: 'https://sqs.eu-west-1.amazonaws.com/', headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessageBatch' },
 * //   body: { QueueUrl: 'https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events', Entries: [entry] }, eventIds: ['m-1'] }
 */
export function sendMessageBatchRequest(entries: JsonObject[], eventIds: string[], config: Record<string, JsonValue>): RequestDescriptor {
  return {
    method: 'POST',
    url: endpointOf(regionOf(config)),
    headers: { 'content-type': CONTENT_TYPE, 'x-amz-target': TARGET },
    body: { QueueUrl: queueUrlOf(config), Entries: entries },
    eventIds,
  };
}

/**
 * The requests of a batch: each event one message, in the batch's order, packed into requests
 * of at most 10 entries, 256 KiB of messages as SQS counts them and 1 MiB of body. A message too
 * large on its own goes alone, and SQS's answer decides its fate.
 */
export function sendMessageBatchRequests(batch: readonly MappedEvent[], ctx: Pick<PluginContext, 'config'>): RequestDescriptor[] {
  const { config } = ctx;
  const envelope = Buffer.byteLength(JSON.stringify({ QueueUrl: queueUrlOf(config), Entries: [] }));
  const requests: RequestDescriptor[] = [];
  let events: MappedEvent[] = [];
  let counted = 0;
  let bodyBytes = envelope;
  const flush = () => {
    requests.push(sendMessageBatchRequest(events.map((mapped, index) => messageEntry(index, messageBody(mapped.payload), mapped.event, config)), events.map((mapped) => mapped.id), config));
    events = [];
    counted = 0;
    bodyBytes = envelope;
  };
  for (const mapped of batch) {
    // Sized at the last place an entry can take (Id "9"): its place decides only the Id's one digit.
    const entry = messageEntry(MAX_ENTRIES - 1, messageBody(mapped.payload), mapped.event, config);
    const size = messageSize(entry);
    const serialised = Buffer.byteLength(JSON.stringify(entry)) + 1; // + the comma between entries
    if (events.length > 0 && (events.length >= MAX_ENTRIES || counted + size > MAX_MESSAGES_BYTES || bodyBytes + serialised > MAX_BODY_BYTES)) flush();
    events.push(mapped);
    counted += size;
    bodyBytes += serialised;
  }
  if (events.length > 0) flush();
  return requests;
}

/**
 * A request signed with AWS Signature Version 4 for SQS in the configured Region, at `ctx.now`:
 * the `sign` hook, so the signature's time is the sending time (after any rate-limit wait; AWS
 * refuses a signature more than 5 minutes off its clock). The session token of temporary
 * credentials is sent and signed as `x-amz-security-token`.
 */
export function signSendMessageBatch(request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  return signAwsRequest(request, { region: regionOf(config), service: SIGNING_NAME, credentials: credentialsOf(config), now: ctx.now });
}
