// One event as Criteo's Events API takes it: the request body itself (`account`, `site_type`,
// `id`, the visitor's `ip`, `useragent`, `full_url`, `previous_url`, `retailer_visitor_id`, and
// `events`, the one event), fitted from whatever the blueprint mapped: only the fields Criteo
// documents, in the order its integrations write them, each in the form it takes. An event
// Criteo cannot use (a product view without a product id, a sale without a transaction id) is
// dead-lettered alone, saying why.
import { isIP } from 'node:net';
import {
  configText, isJsonObject, isPrivateAddress, namesNoOne, PermanentError, readDecimal, readInstantMs, readText, readWholeNumber, usableId,
  type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { siteTypeSetting } from './config.ts';
import { emailHashes } from './email-hashes.ts';
import { siteTypeOf } from './site-type.ts';

/** Criteo's standard events (its OneTag's event names, which the Events API takes): the ones the blueprints send. */
export const CRITEO_EVENTS = ['viewHome', 'viewPage', 'viewList', 'viewItem', 'addToCart', 'viewBasket', 'beginCheckout', 'addPaymentInfo', 'trackTransaction', 'login'] as const;
/**
 * The form of any other event name a custom blueprint may send (Criteo's travel and store events,
 * or one Criteo set up for the account: the integrations of this API take other names as given):
 * a name in the OneTag's style, letters and digits; a Segment event name with spaces is a mapping
 * mistake.
 */
const EVENT_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The events that are about products, and so need at least one product id (`item[].id`). */
const NEEDS_ITEMS: ReadonlySet<string> = new Set(['viewList', 'viewItem', 'addToCart', 'viewBasket', 'trackTransaction']);
/** The identifier of the integration sent as `version`, as Criteo's own server-side tag sends its own. */
export const INTEGRATION_VERSION = 'signal_criteo_1.0.0';
/** The Criteo user-identification cookie's opt-out flag (`crto_is_user_optout`): "true" for a visitor who opted out of Criteo. */
export const OPTOUT_COOKIE = 'crto_is_user_optout';
/** The cookie Criteo's User Identification tag keeps the visitor's mapped user id (GUM id) in. */
export const MAPPED_USER_ID_COOKIE = 'crto_mapped_user_id';
/** The longest id sent (a GUM id is a few dozen characters): more is no id. */
const MAX_ID_LENGTH = 256;
/** The most products sent with one event: a basket past it is a mapping mistake. */
const MAX_ITEMS = 500;
/** The largest quantity sent: a 32-bit integer's (past it, a price or an id mapped by mistake). */
const MAX_QUANTITY = 2_147_483_647;
const CURRENCY = /^[A-Z]{3}$/;

/** A list of the value (a single-product blueprint maps one item). */
function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** An id that names something: text, no placeholder, no white space inside, not too long. */
function idText(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  return text !== undefined && usableId(text) && !/\s/.test(text) && text.length <= MAX_ID_LENGTH ? text : undefined;
}

/** An absolute http(s) URL; anything else is no page. */
function pageUrl(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  if (text === undefined || !URL.canParse(text)) return undefined;
  return /^https?:$/.test(new URL(text).protocol) ? text : undefined;
}

/**
 * The visitor's public IP address (IPv6 in lower case): a loopback, private or unspecified one
 * is a proxy's or a server's, shared by every visitor behind it, so it is no one's.
 */
function publicIp(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  return text !== undefined && isIP(text) !== 0 && !isPrivateAddress(text) ? text.toLowerCase() : undefined;
}

/** What a blueprint mapped, for a message: JSON, cut short. */
function shown(value: JsonValue | undefined): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/** Whether the visitor opted out of Criteo (its user-identification cookie says "true"). */
function optedOut(value: JsonValue | undefined): boolean {
  return value === true || readText(value)?.toLowerCase() === 'true';
}

/**
 * The products of the event as Criteo's `item` takes them: `{ id, price?, quantity? }`, the
 * product id as text (the id of the product in the catalog feed), the unit price as a number,
 * the quantity as a whole number of at least 1; an entry without a usable id is left out.
 * Throws a PermanentError for a price that is no number.
 *
 * @example
 * itemsOf([{ id: 123, price: '24.99', quantity: 3 }, { id: 'undefined' }]); // [{ id: '123', price: 24.99, quantity: 3 }]
 */
export function itemsOf(value: JsonValue | undefined): JsonObject[] {
  const items: JsonObject[] = [];
  asList(value).forEach((raw, index) => {
    const entry = isJsonObject(raw) ? raw : { id: raw };
    const id = idText(entry.id);
    if (id === undefined || items.length >= MAX_ITEMS) return;
    const item: JsonObject = { id };
    const price = readDecimal(entry.price, { vendor: 'Criteo', field: `item[${index}].price` });
    if (price !== undefined) item.price = Math.round(price * 1_000_000) / 1_000_000;
    const quantity = readWholeNumber(entry.quantity, { min: 1, max: MAX_QUANTITY });
    if (quantity !== undefined) item.quantity = quantity;
    items.push(item);
  });
  return items;
}

/** The event's name: the Criteo event the blueprint mapped, viewPage on the home page as viewHome. */
function eventName(payload: JsonObject): string {
  const name = readText(payload.event);
  if (name === undefined || !EVENT_NAME.test(name)) {
    throw new PermanentError(`Criteo takes its OneTag's event names (${CRITEO_EVENTS.join(', ')}, or another Criteo gave you, in letters and digits): the blueprint mapped event ${shown(payload.event)}`);
  }
  if (name === 'viewPage' && readText(payload.page_type)?.toLowerCase() === 'home') return 'viewHome';
  return name;
}

/**
 * The one event of the request's `events`: `event`, `timestamp` (ISO 8601 in UTC, from the
 * mapped timestamp, else the event's), `id` (the transaction id of a trackTransaction),
 * `item`, `currency` (ISO 4217, when mapped). Throws a PermanentError for a product event
 * without a product id, a sale without a transaction id, or a currency that is no code.
 */
function criteoEvent(payload: JsonObject, event: CanonicalEvent): JsonObject {
  const name = eventName(payload);
  const out: JsonObject = { event: name };
  const ms = readInstantMs(payload.timestamp) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt);
  if (ms !== undefined) out.timestamp = new Date(ms).toISOString();
  if (name === 'trackTransaction') {
    const id = readText(payload.transaction_id);
    if (id === undefined || namesNoOne(id)) {
      throw new PermanentError(`Criteo's trackTransaction needs the transaction id (events[0].id, from properties.order_id): the blueprint mapped ${shown(payload.transaction_id)}`);
    }
    out.id = id;
  }
  const items = itemsOf(payload.items);
  if (NEEDS_ITEMS.has(name) && items.length === 0) {
    throw new PermanentError(`Criteo's ${name} needs at least one product id (events[0].item[].id, from properties.product_id or properties.products[].product_id): the blueprint mapped ${shown(payload.items)}`);
  }
  if (items.length > 0) out.item = items;
  if (payload.currency !== undefined && payload.currency !== null && payload.currency !== '') {
    const currency = readText(payload.currency)?.toUpperCase();
    if (currency === undefined || !CURRENCY.test(currency)) throw new PermanentError(`Criteo takes currency as an ISO 4217 code (EUR, USD); the blueprint mapped ${shown(payload.currency)}`);
    out.currency = currency;
  }
  return out;
}

/**
 * The request body for one mapped event, as Criteo's Events API takes it: `version` (this
 * integration's), `account` (the partner id), `site_type` (the config's, else from the user
 * agent), `id` (`mapping_key`, the caller id; `mapped_user_id`, the crto_mapped_user_id
 * cookie; `email`, its md5, sha256 and sha256_md5 hashes — never the address), `ip` (public
 * addresses only), `useragent`, `full_url`, `previous_url` (http(s) URLs), `retailer_visitor_id`
 * (the site's own visitor id, the anonymous id; no placeholder, no email, never the user id) and `events`, this one event. A
 * visitor whose crto_is_user_optout cookie says "true" is sent without any identifier (no id
 * fields, IP or visitor id), as Criteo's own server-side tag does. Anything else the blueprint
 * mapped is left out.
 *
 * @example
 * toCriteoBody({ event: 'viewItem', items: [{ id: 'SKU-1', price: 24.99 }], ids: { mapped_user_id: 'gum-1' }, email: 'Jane@Example.com',
 *   useragent: 'Mozilla/5.0 (iPhone; …) Mobile', full_url: 'https://shop.example/p/1' }, event, { ...ctx, config: { partner_id: '12345', caller_id: '123' } });
 * // { version: 'signal_criteo_1.0.0', account: '12345', site_type: 'm', id: { mapping_key: '123', mapped_user_id: 'gum-1', email: { md5, sha256, sha256_md5 } },
 * //   useragent: 'Mozilla/5.0 (iPhone; …) Mobile', full_url: 'https://shop.example/p/1', events: [{ event: 'viewItem', timestamp: '…', item: [{ id: 'SKU-1', price: 24.99 }] }] }
 */
export function toCriteoBody(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const one = criteoEvent(payload, event);
  const ids = isJsonObject(payload.ids) ? payload.ids : {};
  const anonymous = optedOut(ids.optout);
  const useragent = readText(payload.useragent);
  const body: JsonObject = { version: INTEGRATION_VERSION, account: configText(ctx.config, 'partner_id') ?? '', site_type: siteTypeOf(siteTypeSetting(ctx.config), useragent) };
  const id: JsonObject = {};
  if (!anonymous) {
    const callerId = configText(ctx.config, 'caller_id');
    if (callerId !== undefined) id.mapping_key = callerId;
    const mapped = idText(ids.mapped_user_id);
    if (mapped !== undefined) id.mapped_user_id = mapped;
    const email = emailHashes(payload.email);
    if (email !== undefined) id.email = email;
  }
  body.id = id;
  const ip = anonymous ? undefined : publicIp(payload.ip);
  if (ip !== undefined) body.ip = ip;
  if (useragent !== undefined) body.useragent = useragent;
  const fullUrl = pageUrl(payload.full_url);
  if (fullUrl !== undefined) body.full_url = fullUrl;
  const previousUrl = pageUrl(payload.previous_url);
  if (previousUrl !== undefined) body.previous_url = previousUrl;
  // The site's unauthenticated visitor id only, as Criteo defines retailer_visitor_id: a user id
  // is a customer id, which Criteo takes hashed only (never in clear); an email is contact data.
  const visitor = anonymous ? undefined : idText(ids.retailer_visitor_id);
  if (visitor !== undefined && !visitor.includes('@')) body.retailer_visitor_id = visitor;
  body.events = [one];
  return body;
}
