// projects.topics.publish: `POST https://pubsub.googleapis.com/v1/projects/{project}/topics/
// {topic}:publish` (or a locational endpoint, `https://{region}-pubsub.googleapis.com`),
// authorised by the service account's access token. Body: `{ messages: [ { data, attributes,
// orderingKey? } ] }`, `data` the event's JSON as base64 ("For JSON requests, the value of this
// field must be base64-encoded"). Pub/Sub's limits: 1,000 messages and 10 MB a request, 10 MB a
// message; and "all PubsubMessages published in a given PublishRequest must specify the same
// orderingKey value", so with ordering keys each request carries one person's messages, in the
// order of the batch. A publish is all or nothing: the answer's `messageIds` name every message,
// or the error names none.
import { isJsonObject, PermanentError, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { locationOf, type TopicRef } from './config.ts';

/** Messages a request carries at most: Pub/Sub's 1,000. */
export const MAX_MESSAGES = 1000;
/**
 * Bytes of a request's JSON body at most: Pub/Sub's 10 MB a request (Google's client libraries:
 * 1e7 bytes of protobuf). The JSON, base64 data included, is larger than the protobuf it stands
 * for, so a body within it is within Pub/Sub's limit however Google counts.
 */
export const MAX_BYTES = 10_000_000;

/** A path segment: percent-encoded, the colon of a domain-scoped project (`example.com:shop`) kept. */
const segment = (id: string): string => encodeURIComponent(id).replace(/%3A/gi, ':');

/**
 * The origin publishing goes to: the global endpoint, or the location's.
 *
 * @example
 * pubSubOrigin({ endpoint_location: 'europe-west1' }); // 'https://europe-west1-pubsub.googleapis.com'
 */
export function pubSubOrigin(config: Record<string, JsonValue>): string {
  const location = locationOf(config);
  return location === undefined ? 'https://pubsub.googleapis.com' : `https://${location}-pubsub.googleapis.com`;
}

/**
 * A topic's publish URL.
 *
 * @example
 * publishUrl({ project_id: 'shop-analytics', topic_id: 'signal-events' }, { projectId: 'shop-analytics', topicId: 'signal-events' });
 * // 'https://pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-events:publish'
 */
export function publishUrl(config: Record<string, JsonValue>, topic: TopicRef): string {
  return `${pubSubOrigin(config)}/v1/projects/${segment(topic.projectId)}/topics/${segment(topic.topicId)}:publish`;
}

/**
 * A message as the API takes it: its data as base64 of its JSON, its attributes, and its
 * ordering key when it has one.
 *
 * @example
 * wireMessage({ data: { type: 'track' }, attributes: { kind: 'event' } });
 * // { data: 'eyJ0eXBlIjoidHJhY2sifQ==', attributes: { kind: 'event' } }
 */
export function wireMessage(message: JsonObject): JsonObject {
  const wire: JsonObject = { data: Buffer.from(JSON.stringify(message.data ?? {}), 'utf8').toString('base64') };
  if (isJsonObject(message.attributes) && Object.keys(message.attributes).length > 0) wire.attributes = message.attributes;
  if (typeof message.orderingKey === 'string' && message.orderingKey !== '') wire.orderingKey = message.orderingKey;
  return wire;
}

/** The request's headers. */
export const publishHeaders = (ctx: Pick<PluginContext, 'accessToken'>): Record<string, string> => ({ authorization: `Bearer ${ctx.accessToken ?? ''}`, 'content-type': 'application/json' });

const EMPTY_BYTES = Buffer.byteLength(JSON.stringify({ messages: [] }));

/**
 * The publish requests for a batch: its messages grouped by ordering key (one group without),
 * in the batch's order within each group, at most `MAX_MESSAGES` and `MAX_BYTES` of body each,
 * every event once. A message too large for any request is refused (a PermanentError: the core
 * then sends the batch again in halves, down to that event alone, dead-lettered with it).
 *
 * @example
 * publishRequests(mapped, ctx, topic);
 * // [{ method: 'POST', url: 'https://pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-events:publish',
 * //    headers: { authorization: 'Bearer ya29…', 'content-type': 'application/json' },
 * //    body: { messages: [{ data: 'eyJ0eXBl…', attributes: { kind: 'event', type: 'track', … } }] }, eventIds: ['m-1'] }]
 */
export function publishRequests(batch: MappedEvent[], ctx: PluginContext, topic: TopicRef): RequestDescriptor[] {
  const url = publishUrl(ctx.config, topic);
  const headers = publishHeaders(ctx);
  const groups = new Map<string, MappedEvent[]>();
  for (const event of batch) {
    const key = typeof event.payload.orderingKey === 'string' ? event.payload.orderingKey : '';
    const group = groups.get(key);
    if (group) group.push(event);
    else groups.set(key, [event]);
  }
  const requests: RequestDescriptor[] = [];
  for (const events of groups.values()) {
    let messages: JsonObject[] = [];
    let ids: string[] = [];
    let size = EMPTY_BYTES;
    const flush = () => {
      if (messages.length === 0) return;
      requests.push({ method: 'POST', url, headers, body: { messages }, eventIds: ids });
      messages = [];
      ids = [];
      size = EMPTY_BYTES;
    };
    for (const event of events) {
      const wire = wireMessage(event.payload);
      const wireBytes = Buffer.byteLength(JSON.stringify(wire)) + 1; // + the comma between messages
      if (EMPTY_BYTES + wireBytes > MAX_BYTES) {
        throw new PermanentError(`the message is ${wireBytes.toLocaleString('en')} bytes of JSON (its data as base64), more than a publish request takes (10 MB): leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
      }
      if (messages.length >= MAX_MESSAGES || size + wireBytes > MAX_BYTES) flush();
      messages.push(wire);
      ids.push(event.id);
      size += wireBytes;
    }
    flush();
  }
  return requests;
}
