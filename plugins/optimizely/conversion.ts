// Fits a mapped event to the visitor entry of Optimizely's Event API (`visitors[]` of
// POST /v1/events): { visitor_id, attributes, snapshots: [{ decisions: [], events: [{ entity_id,
// key, timestamp, uuid, revenue?, value?, tags? }] }] } — one visitor entry per event, as
// Optimizely's SDKs build their batches. What the blueprint cannot say is done here:
// - the event key (config.event_keys, else the event's name) and its entity id (config.event_ids
//   or the datafile): an event whose key has no id is not sent, with a warning, since Optimizely
//   counts a conversion by its entity id;
// - the visitor id, by config.visitor_id: an event without that id is not sent, with a warning;
// - revenue in cents, an integer (Optimizely: "revenue has an integer value and represents the
//   revenue in cents"), from the event's revenue in currency units;
// - the uuid, from the messageId (a UUID kept as it is, else one derived from it), so that an
//   event sent again is the same event: Optimizely keeps one of events with the same entity_id,
//   uuid and timestamp;
// - tags: the properties without contact information, as strings, numbers and booleans (the
//   types Optimizely's event tags take), revenue and value left to their own fields;
// - attributes: the person's remembered traits that have an attribute id, and the user agent as
//   the reserved $opt_user_agent (Optimizely's bot filtering; reserved attributes are sent with
//   their key as entity_id, as Optimizely's SDKs do).
import { isContactInfo, isJsonObject, nameBasedUuid, PermanentError, readDecimal, removeContactInfo, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { optionsOf, type OptimizelyOptions } from './config.ts';

type Warn = ((message: string) => void) | undefined;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Tags the payload carries in fields of their own (Optimizely's reserved tag keys). */
const RESERVED_TAGS = new Set(['revenue', 'value']);
/** Why a call other than track is not sent, by its type. */
const NOT_A_CONVERSION: Record<string, string> = {
  identify: 'not sent: an identify call sets no conversion, and Optimizely\'s Event API takes no visitor without an event; the traits go as attributes (those with an attribute id) with the person\'s later conversions',
  page: 'not sent: a page call is no Feature Experimentation event; send a track event with a key of the project\'s events to count a page as a conversion',
  screen: 'not sent: a screen call is no Feature Experimentation event; send a track event with a key of the project\'s events to count a screen as a conversion',
  alias: 'not sent: an alias call sets no conversion, and Optimizely\'s Event API has no alias (the visitor id is fixed by config.visitor_id)',
  group: 'not sent: a group call sets no conversion, and Optimizely\'s Event API has no groups',
};
/** Optimizely's reserved attribute for bot filtering. */
export const USER_AGENT_ATTRIBUTE = '$opt_user_agent';

function idOf(value: JsonValue | undefined): string | undefined {
  return usableId(value) ? String(value).trim() : undefined;
}

/**
 * The event's uuid: the messageId when it is a UUID, else a UUID derived from it (SHA-256, laid
 * out as a version 8 UUID), the same for every try.
 *
 * @example
 * eventUuid('145a44a2-6320-48d6-80d6-bff20b32cd65'); // '145a44a2-6320-48d6-80d6-bff20b32cd65'
 * eventUuid('msg-1'); // e.g. '6f1c…-…-8…-…' (always the same for 'msg-1')
 */
export function eventUuid(messageId: string): string {
  if (UUID.test(messageId)) return messageId.toLowerCase();
  return nameBasedUuid(`signal:${messageId}`, { version: 8 });
}

/**
 * The visitor id by config.visitor_id, or undefined when the event has none of the ids allowed.
 *
 * @example
 * visitorIdOf('u-1', 'a-1', 'anonymousId_then_userId'); // 'a-1'
 * visitorIdOf(undefined, 'a-1', 'userId'); // undefined
 */
export function visitorIdOf(userId: string | undefined, anonymousId: string | undefined, choice: OptimizelyOptions['visitorId']): string | undefined {
  switch (choice) {
    case 'userId': return userId;
    case 'anonymousId': return anonymousId;
    case 'anonymousId_then_userId': return anonymousId ?? userId;
    default: return userId ?? anonymousId;
  }
}

/**
 * Revenue in currency units as Optimizely takes it: an integer of cents (29.98 → 2998); an
 * amount whose cents are no exact integer in JSON (beyond 2^53, which JSON would write as 1e+21
 * or round) is a PermanentError naming the field, not a wrong revenue.
 *
 * @example
 * revenueCents(29.98); // 2998
 * revenueCents(0.125); // 13
 * revenueCents(1e19); // throws PermanentError('Optimizely takes revenue as an integer of cents (int64); 10000000000000000000 currency units is 1e+21 cents, …')
 */
export function revenueCents(amount: number): number {
  // Rounded after cutting the binary noise of the product (1.005 * 100 is 100.4999…), so that
  // 1.005 is 101 as written.
  const cents = Math.round(Number((amount * 100).toFixed(6)));
  if (!Number.isSafeInteger(cents)) {
    throw new PermanentError(`Optimizely takes revenue as an integer of cents (int64); ${amount} currency units is ${cents} cents, beyond what can be sent exactly: check the event's revenue (or total)`);
  }
  return cents;
}

/**
 * Event tags: the properties without contact information, their values as strings, numbers and
 * booleans (objects and arrays as their JSON); nulls, revenue and value left out.
 *
 * @example
 * eventTags({ order_id: 'o-1', revenue: 10, email: 'a@b.c', products: [{ id: 1 }] }); // { order_id: 'o-1', products: '[{"id":1}]' }
 */
export function eventTags(properties: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(properties)) return undefined;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(removeContactInfo(properties))) {
    if (RESERVED_TAGS.has(key) || value === null || value === undefined) continue;
    if (typeof value === 'number') {
      if (Number.isFinite(value)) out[key] = value;
    } else if (typeof value === 'string' || typeof value === 'boolean') out[key] = value;
    else out[key] = JSON.stringify(value);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The visitor attributes of the person's traits that have an attribute id: strings, numbers and
 * booleans (the values Optimizely's attributes take), never contact information (an email or
 * phone trait, or a value that is one), as with the tags: a datafile's attribute named `email`
 * must not send the person's address to Optimizely unasked.
 */
function attributesOf(traits: JsonValue | undefined, ids: Record<string, string>): JsonObject[] {
  if (!isJsonObject(traits)) return [];
  const out: JsonObject[] = [];
  for (const [key, id] of Object.entries(ids)) {
    const value = traits[key];
    const sendable = typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));
    if (sendable && !isContactInfo(key, value)) out.push({ entity_id: id, key, type: 'custom', value });
  }
  return out;
}

/**
 * The Event API's visitor entry of a mapped track event, or null (with a warning saying why)
 * when it cannot count as a conversion: not a track event, no event name, no entity id for its
 * key, no visitor id.
 *
 * @example
 * fitConversion({ event_name: 'Order Completed', user_id: 'u-1', timestamp: 1711296000000, revenue: 29.98 }, event, ctx, ctx.warn);
 * // { visitor_id: 'u-1', attributes: [], snapshots: [{ decisions: [], events: [{ entity_id: '20286250031', key: 'purchase', timestamp: 1711296000000, uuid: '…', revenue: 2998 }] }] }
 */
export function fitConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext, warn: Warn): JsonObject | null {
  const options = optionsOf(ctx.config);
  if (event.type !== 'track') {
    warn?.(NOT_A_CONVERSION[event.type] ?? `not sent: a ${event.type} call sets no conversion; only track events are sent to Optimizely`);
    return null;
  }
  const name = typeof payload.event_name === 'string' ? payload.event_name.trim() : '';
  if (name === '') {
    warn?.('not sent: the event has no name, so no Optimizely event key');
    return null;
  }
  const key = options.eventKeys[name] ?? name;
  const entityId = options.eventIds[key];
  if (entityId === undefined) {
    const via = key === name ? '' : ` (config.event_keys maps "${name}" to it)`;
    warn?.(`not sent: the Optimizely event key "${key}"${via} has no entity id in config.event_ids nor in the datafile; add the event's id (the datafile's events[].id), or map "${name}" to a key that has one in config.event_keys`);
    return null;
  }
  const visitorId = visitorIdOf(idOf(payload.user_id), idOf(payload.anonymous_id), options.visitorId);
  if (visitorId === undefined) {
    const which = options.visitorId === 'userId' ? 'no userId' : options.visitorId === 'anonymousId' ? 'no anonymousId' : 'neither a userId nor an anonymousId';
    warn?.(`not sent: the event has ${which} (config.visitor_id ${options.visitorId}), and Optimizely counts conversions per visitor_id`);
    return null;
  }

  const timestamp = typeof payload.timestamp === 'number' && Number.isFinite(payload.timestamp) ? Math.trunc(payload.timestamp) : ctx.now;
  const conversion: JsonObject = { entity_id: entityId, key, timestamp, uuid: eventUuid(event.messageId) };
  const revenue = readDecimal(payload.revenue, { vendor: 'Optimizely', field: 'revenue' });
  if (revenue !== undefined) conversion.revenue = revenueCents(revenue);
  const value = readDecimal(payload.value, { vendor: 'Optimizely', field: 'value' });
  if (value !== undefined) conversion.value = value;
  const tags = eventTags(payload.tags);
  if (tags) conversion.tags = tags;

  const attributes = attributesOf(payload.traits, options.attributeIds);
  const userAgent = typeof payload.user_agent === 'string' ? payload.user_agent.trim() : '';
  if (options.sendUserAgent && userAgent !== '') attributes.push({ entity_id: USER_AGENT_ATTRIBUTE, key: USER_AGENT_ATTRIBUTE, type: 'custom', value: userAgent });
  return {
    visitor_id: visitorId,
    attributes,
    snapshots: [{ decisions: [], events: [conversion] }],
  };
}
