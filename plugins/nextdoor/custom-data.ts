// Nextdoor's `custom` object, fitted from what the blueprint mapped: `order_value` as Nextdoor
// writes it — the ISO 4217 currency code followed by the amount, no space (`USD123.45`) —,
// `order_id`, `delivery_category` and `product_context` (the products: id, content_name,
// quantity, item_price). Nextdoor refuses a request as a whole, so what it could not read is
// refused here, saying why, rather than sent.
import { isJsonObject, PermanentError, productsValue, readDecimal, readText, readWholeNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Nextdoor's delivery categories (`custom.delivery_category`). */
export const DELIVERY_CATEGORIES = ['in_store', 'curbside', 'home_delivery'] as const;
/**
 * The largest order value sent: Nextdoor documents no limit, and an amount from a trillion up is
 * no order but a mapping mistake (a price in micro-units, an id mapped as the value); nor could
 * JavaScript write it without an exponent past 1e21 (`USD1e+21`, which Nextdoor cannot read).
 */
export const MAX_ORDER_VALUE = 1e12;
/** Decimals an amount is written with: six, more than any currency has (0.1 + 0.2 is 0.3). */
const DECIMALS = 6;
/** An ISO 4217 code. */
const CURRENCY = /^[A-Za-z]{3}$/;
/** The largest product quantity sent: a 32-bit integer's (past it, a price or an id mapped by mistake). */
const MAX_QUANTITY = 2_147_483_647;

export interface CustomDataOptions {
  /** Nextdoor's event name: a purchase's order value is required. */
  eventName: string;
  /** The currency of a value mapped without one (config.default_currency), upper case. */
  defaultCurrency?: string | undefined;
  /** Says what was left out (ctx.warn). */
  warn: (message: string) => void;
}

/** The amount as Nextdoor reads it after the currency code: digits, a point, up to six decimals. */
function amountText(value: number): string {
  return String(Number(value.toFixed(DECIMALS)));
}

/** The products as Nextdoor takes them: those with an id, with the fields it documents. */
function productContext(raw: JsonValue | undefined): JsonObject[] {
  const list = raw === undefined || raw === null ? [] : Array.isArray(raw) ? raw : [raw];
  const products: JsonObject[] = [];
  list.forEach((entry, index) => {
    if (!isJsonObject(entry)) return;
    const id = readText(entry.id);
    if (id === undefined) return;
    const product: JsonObject = { id };
    const name = readText(entry.content_name);
    if (name !== undefined) product.content_name = name;
    const quantity = readWholeNumber(entry.quantity, { min: 0, max: MAX_QUANTITY });
    if (quantity !== undefined) product.quantity = quantity;
    const price = readDecimal(entry.item_price, { vendor: 'Nextdoor', field: `custom.product_context[${index}].item_price` });
    if (price !== undefined && price >= 0 && price < MAX_ORDER_VALUE) product.item_price = Number(price.toFixed(DECIMALS));
    products.push(product);
  });
  return products;
}

/**
 * `custom` as Nextdoor takes it, or undefined when nothing is left. The order value is the
 * mapped `value` (else the products' item_price × quantity summed) in the mapped currency (else
 * the configured default), written `USD123.45`. Throws a PermanentError (the event is
 * dead-lettered, not sent) for a value Nextdoor could not take: not a number, negative, from
 * MAX_ORDER_VALUE up, or a purchase's without any currency (another event's is left out, saying
 * so); or a currency that is no ISO 4217 code. An unknown delivery_category is left out, saying so.
 *
 * @example
 * fitCustomData({ value: 74.97, currency: 'usd', order_id: 'ORD-1', product_context: [{ id: 'SKU-1', quantity: 3, item_price: 24.99 }] }, { eventName: 'purchase', warn });
 * // { order_value: 'USD74.97', order_id: 'ORD-1', product_context: [{ id: 'SKU-1', quantity: 3, item_price: 24.99 }] }
 */
export function fitCustomData(raw: JsonValue | undefined, options: CustomDataOptions): JsonObject | undefined {
  const input = isJsonObject(raw) ? raw : {};
  const out: JsonObject = {};
  const products = productContext(input.product_context);
  let value = readDecimal(input.value, { vendor: 'Nextdoor', field: 'custom.value' });
  if (value === undefined && products.length > 0) {
    value = productsValue(products.map((p) => ({ price: p.item_price ?? null, quantity: p.quantity ?? 1 })), { vendor: 'Nextdoor', valueField: 'custom.value' });
  }
  const mappedCurrency = readText(input.currency);
  if (mappedCurrency !== undefined && !CURRENCY.test(mappedCurrency)) {
    throw new PermanentError(`Nextdoor takes the order value's currency as an ISO 4217 code (USD, EUR); the blueprint mapped ${JSON.stringify(input.currency)}`);
  }
  if (value !== undefined) {
    if (value < 0) throw new PermanentError(`Nextdoor takes an order value of 0 or more; the event has ${value}: not sent`);
    if (value >= MAX_ORDER_VALUE) {
      throw new PermanentError(`the order value ${value} is beyond what Nextdoor takes (under ${MAX_ORDER_VALUE.toExponential()}): not sent — a price in cents or micro-units, or an id mapped as the value? Check the blueprint's custom.value`);
    }
    const currency = mappedCurrency?.toUpperCase() ?? options.defaultCurrency;
    const noCurrency = `the order value ${value} has no currency, and Nextdoor takes it only with one (USD123.45): send properties.currency, or set config.default_currency`;
    // A purchase is sent for its value: without a currency it is refused, rather than counted in
    // a currency guessed. Another event is worth sending without its value.
    if (currency === undefined && options.eventName === 'purchase') throw new PermanentError(noCurrency);
    if (currency === undefined) options.warn(`custom.order_value left out: ${noCurrency}`);
    else out.order_value = `${currency}${amountText(value)}`;
  }
  const orderId = readText(input.order_id);
  if (orderId !== undefined) out.order_id = orderId;
  const delivery = readText(input.delivery_category)?.toLowerCase();
  if (delivery !== undefined) {
    if ((DELIVERY_CATEGORIES as readonly string[]).includes(delivery)) out.delivery_category = delivery;
    else options.warn(`custom.delivery_category ${JSON.stringify(input.delivery_category)} left out: Nextdoor takes ${DELIVERY_CATEGORIES.join(', ')}`);
  }
  if (products.length > 0) out.product_context = products;
  if (options.eventName === 'purchase' && out.order_value === undefined) {
    options.warn('purchase sent without an order value: Nextdoor asks one of every purchase (map properties.revenue, total or value with a currency)');
  }
  return Object.keys(out).length > 0 ? out : undefined;
}
