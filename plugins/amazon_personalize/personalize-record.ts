// What one Signal event becomes for Personalize, after the blueprint: the item interactions it
// records (PutEvents' Event objects, with the session and user they belong to), or the user it
// adds or updates (PutUsers' User object), or nothing — an event the config does not name, a
// call without the id Personalize needs. `send` packs these records into requests.
import { eventMapName, isJsonObject, PermanentError, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { eventPropertiesOf, eventTypesOf, requiresAllUserPropertiesOf, userPropertiesOf, usersDatasetArnOf } from './config.ts';

/** Most interactions one Signal event becomes: an event list's limit, as one event's interactions go in one request. */
export const MAX_INTERACTIONS = 10;
/** Most characters of an id (userId, sessionId, itemId, eventId, eventType). */
export const MAX_ID_CHARS = 256;
/** Most characters of an interaction's `properties` JSON. */
export const MAX_EVENT_PROPERTIES_CHARS = 1024;
/** Most characters of a user's `properties` JSON. */
export const MAX_USER_PROPERTIES_CHARS = 24_000;
/** Most characters of a recommendationId. */
export const MAX_RECOMMENDATION_ID_CHARS = 40;
/** Most item ids in an impression. */
export const MAX_IMPRESSION_ITEMS = 25;
/** Most characters of an impression value (its ids joined with `|`, as the dataset keeps it): Personalize's quota. */
export const MAX_IMPRESSION_CHARS = 1000;

type Warn = (message: string) => void;

/** An id as text, trimmed; undefined when it names no one (blank, `undefined`, `null`…). */
function idText(value: JsonValue | undefined): string | undefined {
  return usableId(value) ? String(value).trim() : undefined;
}

/**
 * A Personalize metadata value: text, a number or a boolean as given; a list of texts (or
 * numbers) as one categorical value joined with `|`, as Personalize takes several categories;
 * anything else undefined.
 *
 * @example
 * metadataValue(['Deluxe', 'Premium']); // 'Deluxe|Premium'
 * metadataValue({ a: 1 });             // undefined
 */
export function metadataValue(value: JsonValue | undefined): string | number | boolean | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' || typeof v === 'number')) return value.map(String).join('|');
  return undefined;
}

/**
 * The `properties` JSON text of the fields `fields` names (Signal name → Personalize field),
 * read from `source`; fields that would make it longer than `max` characters left out from the
 * last, with a warning; undefined when none is left.
 *
 * @example
 * metadataJson({ discount: 0.1, coupon: 'X' }, { discount: 'discount' }, 1024, warn); // '{"discount":0.1}'
 */
export function metadataJson(source: JsonValue | undefined, fields: JsonObject, max: number, warn: Warn, what: string): string | undefined {
  const values = isJsonObject(source) ? source : {};
  const picked: Record<string, string | number | boolean> = {};
  for (const [name, target] of Object.entries(fields)) {
    if (typeof target !== 'string' || !Object.hasOwn(values, name)) continue;
    const value = metadataValue(values[name]);
    if (value === undefined) {
      if (values[name] !== null && values[name] !== '') warn(`${what}.${name} left out: Personalize metadata takes text, a number, a boolean or a list of texts`);
      continue;
    }
    picked[target] = value;
  }
  const keys = Object.keys(picked);
  while (keys.length > 0 && JSON.stringify(picked).length > max) {
    const last = keys.pop()!;
    delete picked[last];
    warn(`metadata field ${last} left out: the properties JSON holds at most ${max} characters`);
  }
  return keys.length === 0 ? undefined : JSON.stringify(picked);
}

/** An id Personalize takes (1 to 256 characters), else a PermanentError naming it. */
function checkedId(id: string, what: string): string {
  if (id.length > MAX_ID_CHARS) throw new PermanentError(`the ${what} is ${id.length} characters long: Amazon Personalize takes at most ${MAX_ID_CHARS}`);
  return id;
}

/** The item ids of a mapped event: its `items` list's, else its `item_id`; blank and over-long ones left out with a warning. */
function itemIdsOf(payload: JsonObject, warn: Warn): string[] {
  const given: JsonValue[] = Array.isArray(payload.items) ? payload.items.map((item) => (isJsonObject(item) ? item.item_id : undefined) ?? null) : payload.item_id === undefined ? [] : [payload.item_id];
  const ids: string[] = [];
  for (const value of given) {
    const id = idText(value ?? undefined);
    if (id === undefined) continue;
    if (id.length > MAX_ID_CHARS) warn(`item id ${JSON.stringify(id.slice(0, 40))}… left out: Amazon Personalize takes item ids of at most ${MAX_ID_CHARS} characters`);
    else ids.push(id);
  }
  return ids;
}

/** The event's time as PutEvents' sentAt: seconds since the epoch (milliseconds as the fraction); the delivery's time when it reads as none. */
export function sentAtOf(timestamp: JsonValue | undefined, now: number): number {
  const ms = typeof timestamp === 'string' ? Date.parse(timestamp) : Number.NaN;
  return (Number.isFinite(ms) ? ms : now) / 1000;
}

/** An event id of the event's n-th interaction: the messageId for the first, `<messageId>-<n>` after, within 256 characters. */
export function eventIdOf(messageId: string, index: number): string {
  const suffix = index === 0 ? '' : `-${index + 1}`;
  return `${messageId.slice(0, MAX_ID_CHARS - suffix.length)}${suffix}`;
}

/** The optional fields shared by an event's interactions: value, recommendation, impression, metadata. */
function interactionExtras(payload: JsonObject, config: Record<string, JsonValue>, warn: Warn): JsonObject {
  const extras: JsonObject = {};
  if (typeof payload.event_value === 'number' && Number.isFinite(payload.event_value)) extras.eventValue = payload.event_value;
  const recommendation = idText(payload.recommendation_id);
  if (recommendation !== undefined) {
    if (recommendation.length > MAX_RECOMMENDATION_ID_CHARS) warn(`recommendation_id left out: Amazon Personalize takes at most ${MAX_RECOMMENDATION_ID_CHARS} characters`);
    else extras.recommendationId = recommendation;
  }
  if (Array.isArray(payload.impression)) {
    const shown = payload.impression.map((id) => idText(id)).filter((id): id is string => id !== undefined && id.length <= MAX_ID_CHARS);
    const kept: string[] = [];
    for (const id of shown.slice(0, MAX_IMPRESSION_ITEMS)) {
      if ([...kept, id].join('|').length > MAX_IMPRESSION_CHARS) break;
      kept.push(id);
    }
    if (kept.length < shown.length) warn(`impression cut to its first ${kept.length} items: Amazon Personalize takes at most ${MAX_IMPRESSION_ITEMS}, of at most ${MAX_IMPRESSION_CHARS} characters joined with |`);
    if (kept.length > 0) extras.impression = kept;
  }
  const properties = metadataJson(payload.properties, eventPropertiesOf(config), MAX_EVENT_PROPERTIES_CHARS, warn, 'properties');
  if (properties !== undefined) extras.properties = properties;
  return extras;
}

/** A track or page call as item interactions, or null when the config does not name it, or it has no session or item id. */
function interactionRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext, warn: Warn): JsonObject | null {
  const eventType = eventMapName(event, eventTypesOf(ctx.config));
  if (eventType === undefined) return null;
  const userId = idText(payload.user_id);
  const sessionId = idText(payload.anonymous_id) ?? userId;
  if (sessionId === undefined) {
    warn('not sent: Amazon Personalize needs a session id, and the event has neither an anonymousId nor a userId');
    return null;
  }
  const messageId = idText(payload.message_id) ?? event.messageId;
  const items = itemIdsOf(payload, warn);
  // AWS's schema requirements (custom and domain): every interaction has a user or session, an
  // item and a time; one without an item would be refused, and would make its request refused.
  if (items.length === 0) {
    warn('not sent: Amazon Personalize needs an item id for each interaction (its Item interactions schema requires ITEM_ID), and the event has none (properties.product_id, item_id, sku, or an order\'s products)');
    return null;
  }
  if (items.length > MAX_INTERACTIONS) warn(`only the first ${MAX_INTERACTIONS} items recorded: one event's interactions go in one PutEvents request, which takes at most ${MAX_INTERACTIONS}`);
  const sentAt = sentAtOf(payload.timestamp, ctx.now);
  const extras = interactionExtras(payload, ctx.config, warn);
  const interactions = items.slice(0, MAX_INTERACTIONS).map((itemId, index): JsonObject => ({
    eventId: eventIdOf(messageId, index), eventType: checkedId(eventType, 'event type'), itemId, sentAt, ...extras,
  }));
  return {
    kind: 'interaction', session_id: checkedId(sessionId, 'session id (the anonymousId)'),
    ...(userId === undefined ? {} : { user_id: checkedId(userId, 'userId') }), events: interactions,
  };
}

/** An identify call as a user of the Users dataset, or null when no dataset is set, it has no userId, none of the traits config.user_properties names, or (config.require_all_user_properties) not all of them. */
function userRecord(payload: JsonObject, ctx: PluginContext, warn: Warn): JsonObject | null {
  if (usersDatasetArnOf(ctx.config) === undefined) return null;
  const userId = idText(payload.user_id);
  if (userId === undefined) {
    warn('not sent: a user of the Users dataset needs a userId, and this identify call has none');
    return null;
  }
  const fields = userPropertiesOf(ctx.config);
  if (requiresAllUserPropertiesOf(ctx.config)) {
    const traits = isJsonObject(payload.traits) ? payload.traits : {};
    const missing = Object.keys(fields).filter((name) => metadataValue(traits[name]) === undefined);
    if (missing.length > 0) {
      warn(`not sent: config.require_all_user_properties is on and the traits lack ${missing.map((name) => `traits.${name}`).join(', ')}; PutUsers replaces the whole user, so a partial identify would empty those fields`);
      return null;
    }
  }
  const properties = metadataJson(payload.traits, fields, MAX_USER_PROPERTIES_CHARS, warn, 'traits');
  // PutUsers replaces a user already in the dataset: a user without properties would erase
  // the metadata an earlier identify recorded, so a call carrying no named trait is not sent.
  if (properties === undefined) return null;
  return { kind: 'user', user: { userId: checkedId(userId, 'userId'), properties } };
}

/**
 * The `map` hook: a mapped event as Personalize's record of it (see the file's comment).
 *
 * @example
 * personalizeRecord({ message_id: 'm-1', type: 'track', event: 'Order Completed', anonymous_id: 'a-1', user_id: 'u-1', timestamp: '2026-11-30T11:59:58.250Z', items: [{ item_id: 'P-1' }, { item_id: 'P-2' }] }, event, ctx);
 * // { kind: 'interaction', session_id: 'a-1', user_id: 'u-1', events: [
 * //   { eventId: 'm-1', eventType: 'Purchase', itemId: 'P-1', sentAt: 1796039998.25 },
 * //   { eventId: 'm-1-2', eventType: 'Purchase', itemId: 'P-2', sentAt: 1796039998.25 }] }
 */
export function personalizeRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn: Warn = (message) => ctx.warn?.(message);
  if (event.type === 'identify') return userRecord(payload, ctx, warn);
  if (event.type === 'track' || event.type === 'page') return interactionRecord(payload, event, ctx, warn);
  return null;
}

/**
 * Why the plugin never sends an event with this config (the `neverSends` hook), or undefined
 * when it may: the rule `personalizeRecord` enforces itself.
 *
 * @example
 * personalizeNeverSends({ type: 'track', event: 'Signed Up' } as CanonicalEvent, ctx); // 'not an event config.event_types names'
 */
export function personalizeNeverSends(event: CanonicalEvent, ctx: PluginContext): string | undefined {
  if (event.type === 'identify') {
    if (usersDatasetArnOf(ctx.config) === undefined) return 'identify calls go to a Users dataset, and config.users_dataset_arn is empty';
    return Object.keys(userPropertiesOf(ctx.config)).length === 0 ? 'identify calls send the traits config.user_properties names, and it names none' : undefined;
  }
  if (event.type === 'track' || event.type === 'page') return eventMapName(event, eventTypesOf(ctx.config)) === undefined ? 'not an event config.event_types names' : undefined;
  return `${event.type} calls are not sent to Amazon Personalize`;
}
