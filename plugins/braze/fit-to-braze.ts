// What the blueprint mapped, fitted to Braze's /users/track objects (User attributes object,
// Event object, Purchase object). A mapped event becomes exactly one kind of record — a user
// attributes object, one custom event, or the purchases of one order — carrying the person's
// identity as Braze documents it: `external_id` for a known user, else a `user_alias` with
// `_update_existing_only: false` (an alias-only profile is not created without it). Identity
// and time come from the canonical event's ids and the blueprint's top-level fields, never from
// the site's properties or traits. What Braze would refuse for good is dead-lettered here, each
// event on its own and saying why.
import { isJsonObject, PermanentError, removeContactInfo, usableId, trimmedText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext, readInstantMs } from '../../core/sdk/index.ts';
import { ECOMMERCE_SCHEMAS, fitEcommerce } from './ecommerce.ts';
import { normalizeAttributes } from './user-attributes.ts';

/** The three arrays of a /users/track request; a mapped record fills exactly one. */
export const RECORD_KINDS = ['attributes', 'events', 'purchases'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

/** The alias label of anonymous visitors when the config names none. */
export const DEFAULT_ALIAS_LABEL = 'signal_anonymous_id';
/** Braze: `quantity` must be at most 100 (it records a quantity X as X purchases of 1). */
export const MAX_QUANTITY = 100;
/**
 * Braze: event names, purchase product ids and property names are at most 255 characters — a
 * longer property name is left out, a longer event name or product id dead-letters the event.
 * String values are sent as they are: Braze documents 255 characters for them too, and its
 * answer decides (an object it refuses comes back in `errors` and is dead-lettered with its
 * reason); the plugin does not cut a value short without saying so.
 */
const MAX_NAME_CHARS = 255;
/** Event property keys Braze reserves (Event object: reserved keys). */
const RESERVED_PROPERTY_KEYS: ReadonlySet<string> = new Set(['time', 'event_name']);
/** Purchase property keys Braze reserves: one of them makes it refuse the purchase ("Invalid 'properties' field"). */
const RESERVED_PURCHASE_KEYS: ReadonlySet<string> = new Set(['time', 'event_name', 'product_id', 'quantity', 'price', 'currency']);

/**
 * An id a person can be told by: the SDK's usableId (no placeholder SDKs send when they have
 * none, which Braze also blocks as dummy users: "provided external_id is blacklisted").
 */
export { usableId };

export interface FitOptions {
  aliasLabel: string;
  appId?: string | undefined;
  defaultCurrency: string;
  defaultCountryCode?: string | undefined;
  /** Most purchase objects one request can carry (an order with more cannot be sent). */
  maxPurchases: number;
}

/**
 * The options of an integration's config.
 *
 * @example
 * fitOptionsOf({ alias_label: 'anon', default_currency: 'EUR' }); // { aliasLabel: 'anon', defaultCurrency: 'EUR', maxPurchases: 75, … }
 */
export function fitOptionsOf(config: PluginContext['config']): FitOptions {
  return {
    aliasLabel: trimmedText(config.alias_label) ?? DEFAULT_ALIAS_LABEL,
    appId: trimmedText(config.app_id),
    defaultCurrency: (trimmedText(config.default_currency) ?? 'USD').toUpperCase(),
    defaultCountryCode: trimmedText(config.default_country_code),
    // Objects a request's array takes: 75, or 50 (see trackLimitsOf).
    maxPurchases: config.request_limits === 'combined_50' ? 50 : 75,
  };
}

/**
 * The identity fields of every object of an event: `external_id` ← the blueprint's
 * `external_id` (else the userId) when usable; else `user_alias` ← `alias_name` (else the
 * anonymousId) with the configured label, and `_update_existing_only: false`.
 *
 * @example
 * identityOf({ alias_name: 'df_abc' }, event, options); // { user_alias: { alias_name: 'df_abc', alias_label: 'signal_anonymous_id' }, _update_existing_only: false }
 */
export function identityOf(payload: JsonObject, event: CanonicalEvent, options: FitOptions): JsonObject {
  const externalId = payload.external_id !== undefined ? payload.external_id : event.userId;
  if (usableId(externalId)) return { external_id: String(externalId).trim() };
  const aliasName = payload.alias_name !== undefined ? payload.alias_name : event.anonymousId;
  if (usableId(aliasName)) return { user_alias: { alias_name: String(aliasName).trim(), alias_label: options.aliasLabel }, _update_existing_only: false };
  throw new PermanentError(`Braze needs an external_id or a user alias and this event has no usable id (userId ${JSON.stringify(event.userId ?? null)}, anonymousId ${JSON.stringify(event.anonymousId ?? null)}): placeholders such as "null" or "anonymous" identify nobody`);
}

/** The time as Braze takes it, an ISO 8601 date-time in UTC: the blueprint's `time`, else the event's timestamp. */
function timeOf(mapped: JsonValue | undefined, event: CanonicalEvent): string {
  const source = mapped === undefined || mapped === null ? event.timestamp : mapped;
  const ms = readInstantMs(source) ?? Number.NaN;
  if (!Number.isFinite(ms)) throw new PermanentError(`Braze needs the time as an ISO 8601 date-time; ${mapped === undefined || mapped === null ? 'this event has no timestamp' : `the blueprint mapped ${JSON.stringify(mapped)} to time`}`);
  return new Date(ms).toISOString();
}

/**
 * Event or purchase properties as Braze takes them: contact information removed at any depth
 * (see removeContactInfo: a pass-through event's properties reach Braze's event store, not the
 * profile), Braze's reserved keys (`time`, `event_name`; for a purchase also `product_id`,
 * `quantity`, `price`, `currency`), keys starting with `$` and keys that are blank or longer
 * than 255 characters left out.
 *
 * @example
 * cleanProperties({ plan: 'pro', email: 'jane@example.com', time: 'noon', $ref: 'x' }); // { plan: 'pro' }
 */
export function cleanProperties(properties: JsonValue | undefined, reserved: ReadonlySet<string> = RESERVED_PROPERTY_KEYS): JsonObject | undefined {
  if (properties === undefined || properties === null) return undefined;
  if (!isJsonObject(properties)) throw new PermanentError('Braze takes properties as an object; the blueprint mapped another value to properties');
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(removeContactInfo(properties))) {
    if (reserved.has(key) || key.startsWith('$') || key.trim() === '' || key.length > MAX_NAME_CHARS) continue;
    kept[key] = value;
  }
  return kept;
}

/** An event object: identity, app_id, name, time, properties (when any). */
function fitEvent(payload: JsonObject, identity: JsonObject, event: CanonicalEvent, options: FitOptions): JsonObject {
  const name = typeof payload.name === 'number' ? String(payload.name) : payload.name;
  if (typeof name !== 'string' || name.trim() === '') throw new PermanentError('Braze needs an event name and the blueprint mapped none (event_name_target: name)');
  if (name.length > MAX_NAME_CHARS) throw new PermanentError(`Braze takes event names of at most 255 characters; this one has ${name.length}`);
  let properties = cleanProperties(payload.properties);
  if (Object.hasOwn(ECOMMERCE_SCHEMAS, name)) {
    // Braze's eCommerce recommended events require a currency: the configured one when none was
    // sent; and Braze drops one its schema refuses, so it is fitted to it here (ecommerce.ts).
    properties ??= {};
    if (properties.currency === undefined) properties.currency = options.defaultCurrency;
    properties = fitEcommerce(name, properties);
  }
  const record: JsonObject = { ...identity };
  if (options.appId) record.app_id = options.appId;
  record.name = name;
  record.time = timeOf(payload.time, event);
  if (properties && Object.keys(properties).length > 0) record.properties = properties;
  return record;
}

/** A number from a number or decimal text; undefined otherwise. */
function numberOf(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/**
 * The purchase objects of one order: one per product (a quantity over Braze's 100 as several
 * objects of at most 100 each, which Braze records the same way), with the order's identity,
 * time and currency (the product's, else the order's, else config.default_currency), and the
 * order's properties under each product's own.
 */
function fitPurchases(payload: JsonObject, identity: JsonObject, event: CanonicalEvent, options: FitOptions): JsonObject[] {
  const time = timeOf(payload.time, event);
  const orderProperties = cleanProperties(payload.properties, RESERVED_PURCHASE_KEYS) ?? {};
  const orderCurrency = typeof payload.currency === 'string' && payload.currency.trim() !== '' ? payload.currency : undefined;
  const purchases: JsonObject[] = [];
  (payload.purchases as JsonValue[]).forEach((item, index) => {
    const where = `purchases[${index}]`;
    if (!isJsonObject(item)) throw new PermanentError(`${where} is not an object: each purchase is a product of the order`);
    const productId = typeof item.product_id === 'number' ? String(item.product_id) : typeof item.product_id === 'string' ? item.product_id.trim() : '';
    if (productId === '') throw new PermanentError(`${where} has no product_id: Braze needs one (the blueprint maps the product's product_id, else its sku)`);
    if (productId.length > MAX_NAME_CHARS) throw new PermanentError(`${where}.product_id has ${productId.length} characters; Braze takes at most 255`);
    const price = numberOf(item.price);
    if (price === undefined) throw new PermanentError(`${where}.price ${item.price === undefined ? 'is missing' : `is not a number (${JSON.stringify(item.price)})`}: Braze needs each purchase's price`);
    const currency = String((typeof item.currency === 'string' && item.currency.trim() !== '' ? item.currency : orderCurrency) ?? options.defaultCurrency).trim().toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency)) throw new PermanentError(`${where}.currency ${JSON.stringify(currency)} is not an ISO 4217 code: Braze needs one (e.g. USD)`);
    let quantity: number | undefined;
    if (item.quantity !== undefined && item.quantity !== null) {
      quantity = numberOf(item.quantity);
      if (quantity === undefined || !Number.isInteger(quantity) || quantity < 1) throw new PermanentError(`${where}.quantity ${JSON.stringify(item.quantity)} is not a whole number of at least 1`);
    }
    const own = cleanProperties(item.properties, RESERVED_PURCHASE_KEYS) ?? {};
    const properties = { ...orderProperties, ...own };
    let left = quantity ?? 1;
    do {
      const part = Math.min(left, MAX_QUANTITY);
      const purchase: JsonObject = { ...identity };
      if (options.appId) purchase.app_id = options.appId;
      purchase.product_id = productId;
      purchase.currency = currency;
      purchase.price = price;
      if (quantity !== undefined) purchase.quantity = part;
      purchase.time = time;
      if (Object.keys(properties).length > 0) purchase.properties = properties;
      purchases.push(purchase);
      left -= part;
    } while (left > 0);
  });
  if (purchases.length > options.maxPurchases) {
    throw new PermanentError(`this order has ${purchases.length} purchase objects and one Braze request takes at most ${options.maxPurchases}: log it at the order level (one purchase whose product_id names the order) by editing the blueprint's purchases rows`);
  }
  return purchases;
}

/**
 * The plugin's `map` hook: the blueprint's vendor event as one /users/track record —
 * `{ purchases: [...] }` when it mapped a non-empty `purchases` list (an order), else
 * `{ events: [event] }` when it mapped a `name`, else `{ attributes: [object] }` when it mapped
 * `attributes` (an identify). A mapping holding both `attributes` and an event is refused, as is
 * one holding none, or a profile field Braze cannot use (sent without it, the field would be
 * lost without a trace).
 *
 * @example
 * fitRecord({ external_id: 'u-1', name: 'Signed Up', time: '2024-03-24T16:00:00.000Z', properties: { plan: 'pro' } }, event, options);
 * // { events: [{ external_id: 'u-1', name: 'Signed Up', time: '2024-03-24T16:00:00.000Z', properties: { plan: 'pro' } }] }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, options: FitOptions): JsonObject {
  const hasPurchases = Array.isArray(payload.purchases) && payload.purchases.length > 0;
  const hasEvent = payload.name !== undefined && payload.name !== null;
  const hasAttributes = payload.attributes !== undefined && payload.attributes !== null;
  if (hasAttributes && (hasEvent || hasPurchases)) {
    throw new PermanentError('the blueprint mapped both attributes and an event (name or purchases): a mapped event is one Braze record, either a profile update (attributes) or an event; map them in separate handlers');
  }
  const identity = identityOf(payload, event, options);
  if (hasPurchases) return { purchases: fitPurchases(payload, identity, event, options) };
  if (hasEvent) return { events: [fitEvent(payload, identity, event, options)] };
  if (hasAttributes) {
    if (!isJsonObject(payload.attributes)) throw new PermanentError('Braze takes attributes as an object of profile fields; the blueprint mapped another value to attributes');
    const { attributes, leftOut } = normalizeAttributes(payload.attributes, { defaultCountryCode: options.defaultCountryCode });
    if (leftOut.length > 0) {
      const problems = leftOut.map((p) => `attributes.${p.key} ${p.reason}`).join('; ');
      throw new PermanentError(`the profile update was not sent: ${problems}. Fix the value at the source${leftOut.some((p) => p.reason.includes('default_country_code')) ? ' (or set config.default_country_code)' : ''}, or leave it out with a pipeline transformation, then replay`);
    }
    return { attributes: [{ ...identity, ...attributes }] };
  }
  throw new PermanentError('the blueprint mapped nothing Braze records: map attributes (a profile update), name (an event) or purchases (an order)');
}

/** The kind of record a mapped payload is, and its objects. */
export function recordOf(payload: JsonObject): { kind: RecordKind; objects: JsonObject[] } | undefined {
  for (const kind of RECORD_KINDS) {
    const objects = payload[kind];
    if (Array.isArray(objects) && objects.length > 0) return { kind, objects: objects.filter(isJsonObject) };
  }
  return undefined;
}
