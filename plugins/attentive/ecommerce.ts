// Segment's and GA4's ecommerce events as Attentive's eCommerce events (Attentive: "eCommerce"):
// POST /v1/events/ecommerce/product-view, /add-to-cart and /purchase, each `{ items, occurredAt,
// user }` (a purchase also `orderId`), an item `{ productId, productVariantId, price: [{ value,
// currency }], name?, productImage?, productUrl?, quantity? }` with the first three required.
// Attentive's product journeys (browse and cart abandonment, post-purchase) start from these.
import { isJsonObject, readText, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { occurredAtOf } from './custom-event.ts';

/** The eCommerce events and their paths under /v1/events/ecommerce. */
export const ECOMMERCE_PATHS = { product_view: 'product-view', add_to_cart: 'add-to-cart', purchase: 'purchase' } as const;
export type EcommerceKind = keyof typeof ECOMMERCE_PATHS;
/** The longest URL the plugin sends for an item (Attentive's product catalog takes links of 2,048 characters). */
export const MAX_URL_CHARS = 2_048;
/** The most items the plugin sends in one event (Attentive documents no limit; an order of more is rare). */
export const MAX_ITEMS = 200;
/** The most bytes of items the plugin sends in one event, within the request's limit (MAX_BODY_BYTES). */
export const MAX_ITEMS_BYTES = 100_000;

function numberOf(value: JsonValue | undefined): number | undefined {
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  return Number.isFinite(number) ? number : undefined;
}

/** An ISO 4217 code (three letters, upper case), or undefined. */
export function currencyOf(value: JsonValue | undefined): string | undefined {
  const code = readText(value)?.toUpperCase();
  return code !== undefined && /^[A-Z]{3}$/.test(code) ? code : undefined;
}

function urlOf(value: JsonValue | undefined): string | undefined {
  const url = readText(value);
  return url !== undefined && /^https?:\/\/\S+$/i.test(url) && url.length <= MAX_URL_CHARS ? url : undefined;
}

/**
 * One item as Attentive takes it, or why it cannot go: a product id and a price are needed; the
 * variant id is the product's own id when the site names no variant (a product without
 * variants); the currency is the item's, else the event's.
 */
function itemOf(item: JsonObject, currency: string | undefined): { item: JsonObject } | { leftOut: string } {
  const productId = readText(item.product_id);
  if (productId === undefined) return { leftOut: 'it has no product id (product_id, item_id or sku)' };
  const value = numberOf(item.price);
  if (value === undefined || value < 0) return { leftOut: `product ${productId} has no price Attentive can read (${JSON.stringify(item.price ?? null)})` };
  const price: JsonObject = { value };
  const itemCurrency = currencyOf(item.currency) ?? currency;
  if (itemCurrency !== undefined) price.currency = itemCurrency;
  const fitted: JsonObject = { productId, productVariantId: readText(item.variant_id) ?? productId };
  const name = readText(item.name);
  if (name !== undefined) fitted.name = name;
  const image = urlOf(item.image_url);
  if (image !== undefined) fitted.productImage = image;
  const url = urlOf(item.url);
  if (url !== undefined) fitted.productUrl = url;
  fitted.price = [price];
  const quantity = numberOf(item.quantity);
  if (quantity !== undefined && Number.isInteger(quantity) && quantity > 0) fitted.quantity = quantity;
  return { item: fitted };
}

/**
 * The items of an eCommerce event: each of the blueprint's `items` Attentive can take (the others
 * left out with ctx.warn), at most 200 and 100 KB of them; without a list, its one `product` (Segment's Product
 * Viewed and Product Added carry the product as the event's properties).
 *
 * @example
 * itemsOf({ currency: 'usd', items: [{ product_id: 'p-1', variant_id: 'v-1', price: 19.99, quantity: 2 }] }, ctx);
 * // [{ productId: 'p-1', productVariantId: 'v-1', price: [{ value: 19.99, currency: 'USD' }], quantity: 2 }]
 */
export function itemsOf(payload: JsonObject, ctx: PluginContext): JsonObject[] {
  const currency = currencyOf(payload.currency);
  const given = Array.isArray(payload.items) && payload.items.length > 0 ? payload.items : isJsonObject(payload.product) ? [payload.product] : [];
  const items: JsonObject[] = [];
  let bytes = 0;
  let full = false;
  given.forEach((item, i) => {
    if (!isJsonObject(item)) return;
    const fitted = itemOf(item, currency);
    if ('leftOut' in fitted) {
      ctx.warn?.(`items.${i} left out: ${fitted.leftOut}`);
      return;
    }
    const size = Buffer.byteLength(JSON.stringify(fitted.item)) + 1;
    if (!full && items.length < MAX_ITEMS && bytes + size <= MAX_ITEMS_BYTES) {
      items.push(fitted.item);
      bytes += size;
      return;
    }
    if (!full) ctx.warn?.(`items from items.${i} on left out: the plugin sends at most ${MAX_ITEMS} items and ${MAX_ITEMS_BYTES} bytes of them in one event`);
    full = true;
  });
  return items;
}

/**
 * The body of an eCommerce event (the `user` already built), or null when none of its items
 * can go — the caller then sends it as a custom event, so nothing of it is lost.
 *
 * @example
 * ecommerceBody('purchase', { order_id: 'o-1', currency: 'USD', items: [{ product_id: 'p-1', price: 10 }], occurred_at: '2024-03-24T16:00:00Z' }, user, ctx);
 * // { items: [{ productId: 'p-1', productVariantId: 'p-1', price: [{ value: 10, currency: 'USD' }] }], orderId: 'o-1', occurredAt: '2024-03-24T16:00:00.000Z', user }
 */
export function ecommerceBody(kind: EcommerceKind, payload: JsonObject, user: JsonObject, ctx: PluginContext): JsonObject | null {
  const items = itemsOf(payload, ctx);
  if (items.length === 0) return null;
  const body: JsonObject = { items };
  const orderId = kind === 'purchase' ? readText(payload.order_id) : undefined;
  if (orderId !== undefined) body.orderId = orderId;
  const occurredAt = occurredAtOf(payload.occurred_at, ctx);
  if (occurredAt !== undefined) body.occurredAt = occurredAt;
  body.user = user;
  return body;
}
