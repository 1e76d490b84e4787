// One event as the Insights API takes it (`POST /1/events`, one item of `events`), fitted from
// what the blueprint mapped: only the fields Algolia documents, each in the form it takes.
// Algolia refuses a whole batch for one invalid event (422), so what it would refuse is fixed or
// left out here, with a warning, instead of costing the other events of the batch their turn:
// - the event's kind picks its configured eventName;
// - userToken: the visitor's id, else the user's; authenticatedUserToken: the user's (see
//   user-token.ts); no token, no event;
// - index: the event's, else config.default_index; none, no event;
// - objectIDs (1 to 20) or filters (1 to 20, `attribute:value` with the value URL-encoded, as
//   Algolia asks), never both; neither, no event;
// - queryID only when it is 32 hexadecimal digits (or an agentic `message_…` one); positions (1 and up, one per object) only on
//   a click with a queryID, which Algolia requires of them;
// - objectData (price, quantity, discount, a product's own queryID), value and currency only on
//   conversions, and prices only with a currency;
// - timestamp in ms; an event more than 30 days old is not sent (Algolia refuses it).
import { isJsonObject, readText, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { EVENT_KINDS, type AlgoliaOptions, type EventKind } from './config.ts';
import { userTokenOf } from './user-token.ts';

/** Algolia's limit on objectIDs, filters and positions of one event. */
export const MAX_OBJECTS = 20;
/**
 * The oldest event Algolia takes: its API reference's timestamp is "no older than 30 days" (since
 * February 2026; it said 4 days before, and its 422 now says "too far in the past").
 */
export const MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;
const QUERY_ID = /^[0-9a-f]{32}$/;
/** An agentic analytics query ID, which Algolia's reference takes as an event's queryID (not a product's). */
const MESSAGE_QUERY_ID = /^message_[!-~]{1,120}$/;
const CURRENCY = /^[A-Z]{3}$/;

type Warn = ((message: string) => void) | undefined;

function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function finite(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function kindOf(payload: JsonObject): EventKind | undefined {
  const kind = payload.kind;
  return typeof kind === 'string' && (EVENT_KINDS as readonly string[]).includes(kind) ? (kind as EventKind) : undefined;
}

/**
 * A query id Algolia takes (32 lower-case hex digits; for the event itself also `message_` and
 * printable ASCII, up to 128 characters, as its reference's queryID pattern), else undefined
 * with a warning.
 */
function queryIdOf(value: JsonValue | undefined, where: string, warn: Warn, { agentic = false } = {}): string | undefined {
  const text = readText(value)?.trim();
  if (text === undefined || text === '') return undefined;
  if (QUERY_ID.test(text.toLowerCase())) return text.toLowerCase();
  if (agentic && MESSAGE_QUERY_ID.test(text)) return text;
  warn?.(`${where} left out: "${text.slice(0, 40)}" is not an Algolia query ID (32 hexadecimal digits, from a search with clickAnalytics: true)`);
  return undefined;
}

interface Product {
  objectID: string;
  price?: number;
  quantity?: number;
  discount?: number;
  queryID?: string;
}

/** The products the blueprint mapped (`product`, or the order's `products`), each with an id. */
function productsOf(payload: JsonObject, warn: Warn): Product[] {
  const products: Product[] = [];
  const raw = [...asList(payload.product), ...asList(payload.products)];
  raw.forEach((item, i) => {
    if (!isJsonObject(item)) return;
    const objectID = readText(item.objectID)?.trim();
    if (objectID === undefined || objectID === '') {
      warn?.(`products[${i}] left out: no product_id (Algolia's objectID)`);
      return;
    }
    const product: Product = { objectID };
    const price = finite(item.price);
    const quantity = finite(item.quantity);
    const discount = finite(item.discount);
    if (price !== undefined) product.price = price;
    if (quantity !== undefined && Number.isInteger(quantity) && quantity > 0) product.quantity = quantity;
    if (discount !== undefined) product.discount = Math.abs(discount);
    const queryID = queryIdOf(item.queryID, `products[${i}].query_id`, warn);
    if (queryID !== undefined) product.queryID = queryID;
    products.push(product);
  });
  if (products.length > MAX_OBJECTS) {
    warn?.(`${products.length - MAX_OBJECTS} product(s) left out: Algolia takes at most ${MAX_OBJECTS} objectIDs an event`);
    return products.slice(0, MAX_OBJECTS);
  }
  return products;
}

/** Facet filters as Algolia takes them: `attribute:value`, the value URL-encoded. */
function filtersOf(payload: JsonObject, warn: Warn): string[] {
  const filters: string[] = [];
  asList(payload.filters).forEach((item, i) => {
    const attribute = isJsonObject(item) ? readText(item.attribute)?.trim() : undefined;
    const value = isJsonObject(item) ? readText(item.value) : undefined;
    if (!attribute || value === undefined || value === '') {
      warn?.(`filters[${i}] left out: a filter needs an attribute (or type) and a value`);
      return;
    }
    // toWellFormed: encodeURIComponent throws on a lone surrogate (text cut inside an emoji).
    filters.push(`${attribute}:${encodeURIComponent(value.toWellFormed())}`);
  });
  if (filters.length > MAX_OBJECTS) {
    warn?.(`${filters.length - MAX_OBJECTS} filter(s) left out: Algolia takes at most ${MAX_OBJECTS} filters an event`);
    return filters.slice(0, MAX_OBJECTS);
  }
  return filters;
}

/**
 * The blueprint's record fitted to the Insights API, or null (not sent, with a warning) when
 * Algolia could not use it or would refuse it.
 *
 * @example
 * fitEvent({ kind: 'product_viewed', eventType: 'view', eventName: 'Product Viewed', userToken: 'anon-1', index: 'products', product: { objectID: 'sku-1' }, timestamp: 1700000000000 }, event, options, now);
 * // { eventType: 'view', eventName: 'Product Viewed', index: 'products', userToken: 'anon-1', objectIDs: ['sku-1'], timestamp: 1700000000000 }
 */
export function fitEvent(payload: JsonObject, event: CanonicalEvent, options: AlgoliaOptions, now: number, warn: Warn): JsonObject | null {
  const kind = kindOf(payload);
  const eventType = readText(payload.eventType);
  if (eventType !== 'click' && eventType !== 'view' && eventType !== 'conversion') {
    warn?.(`not sent: eventType must be click, view or conversion (the blueprint gave ${JSON.stringify(payload.eventType) ?? 'none'})`);
    return null;
  }
  const eventName = kind !== undefined ? options.eventNames[kind] : readText(payload.eventName);
  if (eventName === undefined || !/^[\x20-\x7E]{1,64}$/.test(eventName)) {
    warn?.(`not sent: the event name must be 1 to 64 visible ASCII characters (${JSON.stringify(eventName ?? null)})`);
    return null;
  }
  const index = readText(payload.index)?.trim() || options.defaultIndex;
  if (!index) {
    warn?.('not sent: no Algolia index (properties.search_index, properties.index, or config.default_index)');
    return null;
  }
  const visitorToken = userTokenOf(payload.userToken ?? event.anonymousId);
  const userToken = userTokenOf(payload.authenticatedUserToken ?? event.userId);
  const token = visitorToken ?? userToken;
  if (token === undefined) {
    warn?.('not sent: no user token (neither an anonymousId nor a userId)');
    return null;
  }
  const timestamp = finite(payload.timestamp);
  if (timestamp !== undefined && now - timestamp > MAX_AGE_MS) {
    warn?.(`not sent: the event happened ${new Date(timestamp).toISOString()}, more than 30 days before its delivery, and Algolia refuses older events`);
    return null;
  }

  const out: JsonObject = { eventType };
  const subtype = readText(payload.eventSubtype);
  if (eventType === 'conversion' && (subtype === 'addToCart' || subtype === 'purchase')) out.eventSubtype = subtype;
  out.eventName = eventName;
  out.index = index;
  out.userToken = token;
  if (userToken !== undefined) out.authenticatedUserToken = userToken;
  if (timestamp !== undefined) out.timestamp = Math.trunc(timestamp);
  const queryID = queryIdOf(payload.queryID, 'query_id', warn, { agentic: true });
  if (queryID !== undefined) out.queryID = queryID;

  const filters = filtersOf(payload, warn);
  const products = filters.length > 0 ? [] : productsOf(payload, warn);
  if (filters.length > 0) {
    out.filters = filters;
  } else if (products.length > 0) {
    out.objectIDs = products.map((p) => p.objectID);
  } else {
    warn?.('not sent: no product_id (objectIDs) and no filters: Algolia needs one or the other');
    return null;
  }

  if (eventType === 'click' && out.objectIDs !== undefined) {
    const position = finite(payload.position);
    if (position !== undefined && queryID !== undefined) {
      if (Number.isInteger(position) && position >= 1) out.positions = [position];
      else warn?.(`position left out: ${position} is not a position Algolia takes (1 for the first result)`);
    } else if (queryID !== undefined) {
      // Algolia: "Event of type click with positions should specify a queryID", and the reverse
      // for objectIDs after a search: a click after a search without a position is refused.
      warn?.('query_id left out: a click after a search needs the product\'s position (properties.position, 1 for the first result)');
      delete out.queryID;
    }
  }

  if (eventType === 'conversion' && out.objectIDs !== undefined) {
    const currency = readText(payload.currency);
    const hasCurrency = currency !== undefined && CURRENCY.test(currency);
    const value = finite(payload.value);
    const priced = products.some((p) => p.price !== undefined || p.discount !== undefined);
    if (!hasCurrency && (value !== undefined || priced)) warn?.('value and prices left out: Algolia needs the currency with them (properties.currency)');
    const withData = products.some((p) => p.quantity !== undefined || p.queryID !== undefined || (hasCurrency && p.price !== undefined));
    if (withData) {
      out.objectData = products.map((p) => {
        const data: JsonObject = {};
        if (hasCurrency && p.price !== undefined) data.price = p.price;
        if (p.quantity !== undefined) data.quantity = p.quantity;
        if (hasCurrency && p.discount !== undefined) data.discount = p.discount;
        if (p.queryID !== undefined) data.queryID = p.queryID;
        return data;
      });
    }
    if (hasCurrency && value !== undefined) out.value = value;
    if (hasCurrency && (value !== undefined || priced)) out.currency = currency;
  }
  return out;
}
