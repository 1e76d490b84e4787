// One event's share of an mParticle batch, from what the blueprint mapped: the person's user
// identities (customer_id, email, the visitor id as the configured `other` identity), user
// attributes, device info, IP and consent state — which the batch of that person carries — and
// the event itself (`{ event_type, data }`): a custom_event (event_name, custom_event_type,
// custom_attributes), a screen_view (screen_name) or a commerce_event (product_action with its
// products, currency_code). An identify call is no event: its traits become user attributes of a
// batch without events, which the Events API takes ("events" is optional in its JSON reference).
// Values mParticle would refuse are errors naming the field; an event naming nobody mParticle
// can resolve is not sent, saying why.
import {
  isJsonObject, PermanentError, readDecimal, readInstantMs, readText, readWholeNumber, usableId,
  type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { anonymousIdIdentityOf, customEventTypeOf, CUSTOM_EVENT_TYPES, gdprPurposesOf, sendsCcpa } from './config.ts';

/** The vendor's name in messages. */
const VENDOR = 'mParticle';
/** mParticle's limit on one batch ("Each batch should not exceed 128kb in size"). */
export const MAX_BATCH_BYTES = 128 * 1024;
/** The product actions mParticle's JSON reference allows. */
export const PRODUCT_ACTIONS = ['add_to_cart', 'remove_from_cart', 'checkout', 'checkout_option', 'click', 'view_detail', 'purchase', 'refund', 'add_to_wishlist', 'remove_from_wish_list'] as const;
/** The event types this plugin sends (and `identify`: a batch without an event). */
const EVENT_TYPES = new Set(['custom_event', 'screen_view', 'commerce_event', 'identify']);
/** The user identities the blueprint may map (the Events API's user_identities keys, as its JSON reference names them). */
const USER_IDENTITIES = ['customer_id', 'email', 'other', 'other_id_2', 'other_id_3', 'other_id_4', 'mobile_number'];
/**
 * The Events API's user_identities key of each configured `other` identity: the JSON reference
 * names them other, other_id_2 … (the Data Subject Request API's extension names the same
 * identities other, other2 …, the config's spelling).
 */
export const EVENTS_API_IDENTITY = { other: 'other', other2: 'other_id_2', other3: 'other_id_3', other4: 'other_id_4' } as const;
/** The device_info fields the blueprint may map. */
const DEVICE_FIELDS = new Set(['http_header_user_agent', 'ios_advertising_id', 'ios_idfv', 'android_advertising_id', 'android_uuid', 'limit_ad_tracking', 'platform', 'os_version', 'device_model', 'locale_language', 'locale_country']);
/** Device ids mParticle resolves a person by when no user identity is known. */
const DEVICE_IDS = ['ios_advertising_id', 'ios_idfv', 'android_advertising_id', 'android_uuid'];
/** An advertising id of all zeros names no device (limited ad tracking). */
const ZERO_ID = /^[0-]+$/;

/** The part of a batch one event brings: the person's fields and the event, if any. */
export interface BatchPart extends JsonObject {
  user_identities: JsonObject;
  /** `{ event_type, data }`, or null for an identify (user attributes only). */
  event: JsonObject | null;
}

/** A value shown in a message. */
function shown(value: JsonValue | undefined): string {
  return value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 80);
}

/**
 * Attributes as mParticle keeps them: text, numbers and booleans as they are, lists of those
 * (user attributes only), anything else as its JSON text; null and empty names left out.
 */
export function attributeValues(value: JsonValue | undefined, lists: boolean): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const out: JsonObject = {};
  for (const [name, item] of Object.entries(value)) {
    if (name.trim() === '' || item === null || item === undefined) continue;
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') out[name] = item;
    else if (lists && Array.isArray(item) && item.every((element) => ['string', 'number', 'boolean'].includes(typeof element))) out[name] = item;
    else out[name] = JSON.stringify(item);
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The person's user identities: the mapped ones that name someone, and the visitor id as configured. */
function userIdentities(payload: JsonObject, config: Record<string, JsonValue>): JsonObject {
  const mapped = isJsonObject(payload.user_identities) ? payload.user_identities : {};
  const identities: JsonObject = {};
  for (const name of USER_IDENTITIES) {
    const value = readText(mapped[name]);
    if (value !== undefined && usableId(value)) identities[name] = value;
  }
  const configured = anonymousIdIdentityOf(config);
  const identity = configured === undefined ? undefined : EVENTS_API_IDENTITY[configured];
  const visitor = readText(payload.anonymous_id);
  if (identity !== undefined && visitor !== undefined && usableId(visitor) && identities[identity] === undefined) identities[identity] = visitor;
  return identities;
}

/** The device info mapped, without ids that name no device. */
function deviceInfo(payload: JsonObject): JsonObject | undefined {
  if (!isJsonObject(payload.device_info)) return undefined;
  const out: JsonObject = {};
  for (const [name, value] of Object.entries(payload.device_info)) {
    if (!DEVICE_FIELDS.has(name) || value === null) continue;
    if (name === 'limit_ad_tracking') {
      if (typeof value === 'boolean') out[name] = value;
      continue;
    }
    const text = readText(value);
    if (text === undefined) continue;
    if (DEVICE_IDS.includes(name) && (!usableId(text) || ZERO_ID.test(text))) continue;
    out[name] = text;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/**
 * A consent category's answer as the consent gate reads it (the category itself, a CMP code
 * under `categories`, Segment's `categoryPreferences`): false when any says false, true when
 * one says true, else undefined (not said).
 */
function categoryAnswer(consent: NonNullable<CanonicalEvent['context']>['consent'], category: string): boolean | undefined {
  if (consent === undefined || consent === null) return undefined;
  const answers = [consent[category], consent.categories?.[category], consent.categoryPreferences?.[category]];
  if (answers.includes(false)) return false;
  return answers.includes(true) ? true : undefined;
}

/**
 * mParticle's consent state from the event's consent (context.consent): a GDPR purpose for each
 * configured category the consent says (true or false), and the CCPA data-sale opt-out —
 * consented (opted out) on GPC or an advertising refusal, not consented on an advertising grant
 * without GPC. Undefined when the consent says none of them.
 *
 * @example
 * consentState({ context: { consent: { analytics: true, gpc: true } } }, { gdpr_purposes: { analytics: 'analytics' } }, 1700000000000);
 * // { gdpr: { analytics: { consented: true, timestamp_unixtime_ms: 1700000000000 } }, ccpa: { data_sale_opt_out: { consented: true, timestamp_unixtime_ms: 1700000000000 } } }
 */
export function consentState(event: Pick<CanonicalEvent, 'context'>, config: Record<string, JsonValue>, at: number | undefined): JsonObject | undefined {
  const consent = event.context?.consent;
  const when: JsonObject = at === undefined ? {} : { timestamp_unixtime_ms: at };
  const state: JsonObject = {};
  const gdpr: JsonObject = {};
  for (const [category, purpose] of gdprPurposesOf(config)) {
    const given = categoryAnswer(consent, category);
    if (given !== undefined) gdpr[purpose] = { consented: given, ...when };
  }
  if (Object.keys(gdpr).length > 0) state.gdpr = gdpr;
  if (sendsCcpa(config)) {
    const advertising = categoryAnswer(consent, 'advertising');
    const optedOut = consent?.gpc === true || advertising === false;
    const optedIn = advertising === true && consent?.gpc !== true;
    if (optedOut || optedIn) state.ccpa = { data_sale_opt_out: { consented: optedOut, ...when } };
  }
  return Object.keys(state).length === 0 ? undefined : state;
}

/** A money or amount field of the product action or a product: a number, or an error naming it. */
function amount(value: JsonValue | undefined, field: string): number | undefined {
  return readDecimal(value, { vendor: VENDOR, field });
}

/** One product as mParticle's Product object, from a mapped product. */
function product(mapped: JsonValue, index: number): JsonObject | undefined {
  if (!isJsonObject(mapped)) return undefined;
  const out: JsonObject = {};
  for (const name of ['id', 'name', 'brand', 'category', 'variant', 'coupon_code']) {
    const text = readText(mapped[name]);
    if (text !== undefined) out[name] = text;
  }
  const price = amount(mapped.price, `product_action.products[${index}].price`);
  if (price !== undefined) out.price = price;
  const quantity = amount(mapped.quantity, `product_action.products[${index}].quantity`);
  if (quantity !== undefined) out.quantity = quantity;
  const position = readWholeNumber(mapped.position, { min: 0, max: 2_147_483_647 });
  if (position !== undefined) out.position = position;
  if (price !== undefined) out.total_product_amount = Math.round(price * (quantity ?? 1) * 1e6) / 1e6;
  const attributes = attributeValues(mapped.custom_attributes, false);
  if (attributes !== undefined) out.custom_attributes = attributes;
  return Object.keys(out).length === 0 ? undefined : out;
}

/** The commerce event's product_action, or an error naming what is wrong. */
function productAction(mapped: JsonValue | undefined): JsonObject {
  if (!isJsonObject(mapped)) throw new PermanentError('a commerce_event needs a product_action with its action (purchase, add_to_cart …): the blueprint mapped none');
  const action = readText(mapped.action);
  if (action === undefined || !(PRODUCT_ACTIONS as readonly string[]).includes(action)) {
    throw new PermanentError(`product_action.action must be one of ${PRODUCT_ACTIONS.join(', ')}: the blueprint mapped ${shown(mapped.action)}`);
  }
  const out: JsonObject = { action };
  for (const name of ['transaction_id', 'affiliation', 'coupon_code', 'checkout_options', 'product_action_list']) {
    const text = readText(mapped[name]);
    if (text !== undefined) out[name] = text;
  }
  for (const name of ['total_amount', 'tax_amount', 'shipping_amount']) {
    const value = amount(mapped[name], `product_action.${name}`);
    if (value !== undefined) out[name] = value;
  }
  const step = readWholeNumber(mapped.checkout_step, { min: 0, max: 2_147_483_647 });
  if (step !== undefined) out.checkout_step = step;
  // A list of products, or one product (a single-product event such as Product Added maps `product`).
  const listed = Array.isArray(mapped.products) ? mapped.products : isJsonObject(mapped.product) ? [mapped.product] : [];
  const products = listed.flatMap((item, index) => product(item, index) ?? []);
  if (products.length > 0) out.products = products;
  return out;
}

/** The event_type: as mapped, else from the call (page and screen → screen_view, identify, product_action → commerce_event, else custom_event). */
function eventTypeOf(payload: JsonObject, event: CanonicalEvent): string {
  const mapped = readText(payload.event_type);
  if (mapped !== undefined) {
    if (!EVENT_TYPES.has(mapped)) throw new PermanentError(`event_type must be custom_event, screen_view, commerce_event or identify: the blueprint mapped ${shown(payload.event_type)}`);
    return mapped;
  }
  if (event.type === 'page' || event.type === 'screen') return 'screen_view';
  if (event.type === 'identify') return 'identify';
  return isJsonObject(payload.product_action) ? 'commerce_event' : 'custom_event';
}

/** The event's `data`: the common fields and those of its type. */
function eventData(type: string, payload: JsonObject, event: CanonicalEvent, config: Record<string, JsonValue>, at: number | undefined): JsonObject {
  const data: JsonObject = at === undefined ? {} : { timestamp_unixtime_ms: at };
  const messageId = readText(payload.source_message_id) ?? readText(event.messageId);
  if (messageId !== undefined) data.source_message_id = messageId;
  const attributes = attributeValues(payload.custom_attributes, false);
  if (type === 'custom_event') {
    const name = readText(payload.event_name) ?? readText(event.event);
    if (name === undefined) throw new PermanentError('a custom_event needs an event_name: the blueprint mapped none');
    data.event_name = name;
    const custom = readText(payload.custom_event_type);
    if (custom !== undefined && !(CUSTOM_EVENT_TYPES as readonly string[]).includes(custom)) {
      throw new PermanentError(`custom_event_type must be one of ${CUSTOM_EVENT_TYPES.join(', ')}: the blueprint mapped ${shown(payload.custom_event_type)}`);
    }
    data.custom_event_type = custom ?? customEventTypeOf(config);
  } else if (type === 'screen_view') {
    const name = readText(payload.screen_name) ?? readText(payload.event_name) ?? readText(event.name) ?? (event.type === 'page' ? readText(event.context?.page?.path) : undefined);
    if (name === undefined) throw new PermanentError('a screen_view needs a screen_name (the page or screen name, or the page path): the blueprint mapped none');
    data.screen_name = name;
  } else {
    data.product_action = productAction(payload.product_action);
    const currency = readText(payload.currency_code);
    if (currency !== undefined) {
      if (!/^[A-Z]{3}$/.test(currency)) throw new PermanentError(`currency_code must be an ISO 4217 code (USD): the blueprint mapped ${shown(payload.currency_code)}`);
      data.currency_code = currency;
    }
    const name = readText(payload.event_name);
    if (name !== undefined) data.event_name = name;
  }
  if (attributes !== undefined) data.custom_attributes = attributes;
  return data;
}

/**
 * The batch part of one mapped event (see the file's comment), or null — said with ctx.warn —
 * for an event naming no one mParticle can resolve (no user identity, no device id). Throws a
 * PermanentError naming the field for a value mParticle would refuse, and for an event whose
 * batch alone would pass mParticle's 128 KB.
 *
 * @example
 * toBatchPart({ event_name: 'Signed Up', custom_attributes: { plan: 'pro' }, user_identities: { customer_id: 'u-1' }, anonymous_id: 'df_1' }, event, ctx);
 * // { user_identities: { customer_id: 'u-1', other: 'df_1' },
 * //   event: { event_type: 'custom_event', data: { timestamp_unixtime_ms: 1700000000000, source_message_id: 'm-1', event_name: 'Signed Up', custom_event_type: 'other', custom_attributes: { plan: 'pro' } } } }
 */
export function toBatchPart(payload: JsonObject, event: CanonicalEvent, ctx: Pick<PluginContext, 'config' | 'warn'>): BatchPart | null {
  const config = ctx.config;
  const type = eventTypeOf(payload, event);
  const identities = userIdentities(payload, config);
  const device = deviceInfo(payload);
  if (Object.keys(identities).length === 0 && !DEVICE_IDS.some((name) => device?.[name] !== undefined)) {
    ctx.warn?.('not sent to mParticle: the event names no user identity (customer_id, email, the visitor id as the configured identity) and no device id, which mParticle needs to resolve a profile');
    return null;
  }
  const at = readInstantMs(payload.timestamp_unixtime_ms) ?? readInstantMs(event.timestamp);
  const part: BatchPart = { user_identities: identities, event: type === 'identify' ? null : { event_type: type, data: eventData(type, payload, event, config, at) } };
  const attributes = attributeValues(payload.user_attributes, true);
  if (attributes !== undefined) part.user_attributes = attributes;
  if (device !== undefined) part.device_info = device;
  const ip = readText(payload.ip);
  if (ip !== undefined) part.ip = ip;
  const consent = consentState(event, config, at);
  if (consent !== undefined) part.consent_state = consent;
  const size = Buffer.byteLength(JSON.stringify(part));
  if (size > MAX_BATCH_BYTES - 1024) {
    throw new PermanentError(`the event is ${size} bytes as mParticle JSON, past the 128 KB mParticle takes in one batch: map fewer custom_attributes or user_attributes`);
  }
  return part;
}
