// The requests: Event Hubs' REST "Send batch events", `POST https://<namespace>/<event hub>/
// messages?api-version=2014-01` with content type application/vnd.microsoft.servicebus.json and
// a JSON array of messages `{ Body, BrokerProperties: { PartitionKey }, UserProperties }`, each
// Body an event's JSON as text. One request carries the events of one partition key only: Event
// Hubs writes a batch to one partition (its SDKs refuse mixed keys, and a REST batch's per-message
// keys are not documented to be honoured apart), so grouping by key keeps each person's events on
// their partition, in order. Within the tier's request size — 256 KB on Basic, 1 MB otherwise,
// counted on the whole JSON body, which is larger than the events Azure counts (each Body's
// quotes escaped) — and 500 events. Signed by the `sign` hook when sent.
import { splitBatch, usableId, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { hubTarget, includesContactInfo, partitionKeyChoiceOf, tierOf, type HubTarget, type PartitionKeyChoice, type Tier } from './config.ts';
import { hashedId, isContactInfo } from './event-body.ts';

/** Most events in one request: Signal's choice (Event Hubs limits a request's bytes, not its events). */
export const MAX_EVENTS = 500;
/** Most bytes of one request body per tier: within Azure's 256 KB (Basic) and 1 MB publications, with room for its framing. */
export const MAX_BODY_BYTES: Record<Tier, number> = { basic: 250_000, standard: 1_000_000, premium: 1_000_000, dedicated: 1_000_000 };
/** Most characters of a partition key (see the README's Unconfirmed): a longer id goes as its SHA-256. */
export const MAX_PARTITION_KEY_CHARS = 128;
/** The batch content type of the REST API. */
export const BATCH_CONTENT_TYPE = 'application/vnd.microsoft.servicebus.json';
/** The REST API's version, as Microsoft's reference gives it. */
export const API_VERSION = '2014-01';
/** The `kind` user property of an event (deletion notices carry `person_deletion`). */
export const EVENT_KIND = 'event';

/**
 * The send URL of an event hub.
 *
 * @example
 * messagesUrl({ host: 'shop-events.servicebus.windows.net', eventHub: 'signal-events' }); // 'https://shop-events.servicebus.windows.net/signal-events/messages'
 */
export const messagesUrl = (target: Pick<HubTarget, 'host' | 'eventHub'>): string => `https://${target.host}/${encodeURIComponent(target.eventHub)}/messages`;

/** The ids a partition key is chosen from, in order of preference. */
function candidates(person: { userId?: JsonValue; anonymousId?: JsonValue }, choice: PartitionKeyChoice): JsonValue[] {
  return choice === 'anonymous_id' ? [person.anonymousId ?? null, person.userId ?? null] : [person.userId ?? null, person.anonymousId ?? null];
}

/**
 * An event's partition key: per person by default (the userId, else the anonymousId), per
 * browser, or none (undefined: Event Hubs spreads the events). Placeholder ids ("undefined") are
 * passed over; an id longer than 128 characters, with a lone surrogate, or (contact information
 * left out) an email or phone number, goes as `sha256:<hex>` of it, the same for every event.
 *
 * @example
 * partitionKey({ userId: 'u-42', anonymousId: 'df_abc' }, { partition_key: 'person' });       // 'u-42'
 * partitionKey({ userId: 'u-42', anonymousId: 'df_abc' }, { partition_key: 'anonymous_id' }); // 'df_abc'
 * partitionKey({ userId: 'u-42' }, { partition_key: 'none' });                               // undefined
 */
export function partitionKey(person: { userId?: JsonValue; anonymousId?: JsonValue }, config: Record<string, JsonValue>): string | undefined {
  const choice = partitionKeyChoiceOf(config);
  if (choice === 'none') return undefined;
  const id = candidates(person, choice).find((value) => usableId(value));
  if (id === undefined) return undefined;
  const key = String(id);
  if (key.length > MAX_PARTITION_KEY_CHARS || !key.isWellFormed() || (!includesContactInfo(config) && isContactInfo(key))) return hashedId(key);
  return key;
}

/**
 * One message of the batch: the body's JSON as text, the partition key when there is one, and
 * user properties consumers can route on without parsing the body.
 *
 * @example
 * batchMessage({ message_id: 'm-1', type: 'track' }, 'u-42', { kind: 'event', type: 'track', message_id: 'm-1' });
 * // { Body: '{"message_id":"m-1","type":"track"}', BrokerProperties: { PartitionKey: 'u-42' }, UserProperties: { kind: 'event', type: 'track', message_id: 'm-1' } }
 */
export function batchMessage(body: JsonObject, key: string | undefined, properties: Record<string, string>): JsonObject {
  return { Body: JSON.stringify(body), ...(key === undefined ? {} : { BrokerProperties: { PartitionKey: key } }), UserProperties: properties };
}

/** The user properties of an event: its kind, and its type and message id when the body has them. */
function eventProperties(mapped: MappedEvent): Record<string, string> {
  const properties: Record<string, string> = { kind: EVENT_KIND, type: String(mapped.event.type) };
  if (typeof mapped.event.messageId === 'string' && mapped.event.messageId !== '') properties.message_id = mapped.event.messageId;
  return properties;
}

/**
 * The request sending these messages (unsigned: the `sign` hook signs it when it is sent).
 *
 * @example
 * sendRequest([{ Body: '{"type":"track"}' }], ['m-1'], config);
 * // { method: 'POST', url: 'https://shop-events.servicebus.windows.net/signal-events/messages', query: [['api-version', '2014-01']],
 * //   headers: { 'content-type': 'application/vnd.microsoft.servicebus.json' }, body: [{ Body: '{"type":"track"}' }], eventIds: ['m-1'] }
 */
export function sendRequest(messages: JsonObject[], eventIds: string[], config: Record<string, JsonValue>): RequestDescriptor {
  return {
    method: 'POST',
    url: messagesUrl(hubTarget(config)),
    query: [['api-version', API_VERSION]],
    headers: { 'content-type': BATCH_CONTENT_TYPE },
    body: messages,
    eventIds,
  };
}

/**
 * The requests of a batch: the events grouped by partition key (in the order each key first
 * comes; the batch's order within a key), each group packed into requests of at most 500 events
 * and the tier's bytes. An event too large on its own goes alone, and Azure's refusal decides
 * its fate (a dead letter saying so).
 */
export function sendRequests(batch: readonly MappedEvent[], ctx: Pick<PluginContext, 'config'>): RequestDescriptor[] {
  const { config } = ctx;
  // Each event wrapped as its message: the size packed is the message's, its Body's quotes escaped.
  const groups = new Map<string, MappedEvent[]>();
  for (const mapped of batch) {
    const key = partitionKey(mapped.event as { userId?: JsonValue; anonymousId?: JsonValue }, config);
    // '' for no key cannot clash with a key: a usable id is never empty.
    const group = groups.get(key ?? '') ?? [];
    group.push({ ...mapped, payload: batchMessage(mapped.payload, key, eventProperties(mapped)) });
    groups.set(key ?? '', group);
  }
  const limits = { maxEvents: MAX_EVENTS, maxBytes: MAX_BODY_BYTES[tierOf(config)], overheadBytes: 2 }; // 2: the array's brackets
  return [...groups.values()].flatMap((group) => splitBatch(group, limits).map((part) => sendRequest(part.map((m) => m.payload), part.map((m) => m.id), config)));
}
