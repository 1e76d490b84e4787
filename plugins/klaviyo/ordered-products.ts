// Klaviyo's ecommerce events for an order (Integrate an ecommerce platform without a pre-built
// Klaviyo integration): a Placed Order for the order, and an Ordered Product for each product
// of it, so that per-product reports, flows and segments work. The Placed Order's `Items` are
// Klaviyo's line items (ProductID, SKU, ProductName, Quantity, ItemPrice, RowTotal, ProductURL,
// ImageURL, Categories, Brand); each becomes one Ordered Product with the order's id.
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Klaviyo's metric names: its analytics (CLV, benchmarks) look for exactly these. */
export const PLACED_ORDER = 'Placed Order';
export const ORDERED_PRODUCT = 'Ordered Product';

/**
 * A number from a number or decimal text; undefined otherwise.
 *
 * @example
 * numberOf(' 9.99 '); // 9.99
 * numberOf('1e3'); // undefined
 */
export function numberOf(value: JsonValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return undefined;
}

/** An amount without floating-point noise (29.970000000000002 → 29.97), to a millionth. */
function amount(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * A line item's total: its `RowTotal`, else `ItemPrice` × `Quantity` (1 when absent);
 * undefined without a price.
 *
 * @example
 * rowTotalOf({ ItemPrice: 9.99, Quantity: 3 }); // 29.97
 */
export function rowTotalOf(item: JsonObject): number | undefined {
  const total = numberOf(item.RowTotal);
  if (total !== undefined) return total;
  const price = numberOf(item.ItemPrice);
  if (price === undefined) return undefined;
  return amount(price * (numberOf(item.Quantity) ?? 1));
}

/**
 * A Placed Order's `Items` with each line's `RowTotal` filled in from its price and quantity
 * when the blueprint could not give one (a blueprint does not multiply).
 *
 * @example
 * withRowTotals([{ ProductID: 'A', ItemPrice: 5, Quantity: 2 }]); // [{ ProductID: 'A', ItemPrice: 5, Quantity: 2, RowTotal: 10 }]
 */
export function withRowTotals(items: JsonValue[]): JsonValue[] {
  return items.map((item) => {
    if (!isJsonObject(item) || item.RowTotal !== undefined) return item;
    const total = rowTotalOf(item);
    return total === undefined ? item : { ...item, RowTotal: total };
  });
}

/**
 * The Ordered Product events of a Placed Order, one per object of its `Items`: the line's
 * fields with the order's `OrderId` (`Brand` as `ProductBrand`, as Klaviyo's Ordered Product
 * names it), `value` and `$value` the line's total, the order's time, currency and backfill
 * flag, and a `unique_id` of the order's and the line's position (`<order unique_id>:1`, …), the
 * same on every try, so Klaviyo records each line once.
 *
 * @example
 * orderedProducts({ properties: { OrderId: 'O-1', Items: [{ ProductID: 'A', ItemPrice: 5 }] }, time: '2024-03-24T16:00:00.000Z', unique_id: 'm-1', metric: … });
 * // [{ properties: { OrderId: 'O-1', ProductID: 'A', ItemPrice: 5, $value: 5 }, time: '2024-03-24T16:00:00.000Z', value: 5, unique_id: 'm-1:1', metric: { data: { type: 'metric', attributes: { name: 'Ordered Product' } } } }]
 */
export function orderedProducts(order: JsonObject): JsonObject[] {
  const properties = isJsonObject(order.properties) ? order.properties : {};
  const items = Array.isArray(properties.Items) ? properties.Items : [];
  const events: JsonObject[] = [];
  items.forEach((item, index) => {
    if (!isJsonObject(item)) return;
    const line: JsonObject = {};
    if (properties.OrderId !== undefined) line.OrderId = properties.OrderId;
    for (const [key, value] of Object.entries(item)) line[key === 'Brand' ? 'ProductBrand' : key] = value;
    const total = rowTotalOf(item);
    if (total !== undefined) line.$value = total;
    const event: JsonObject = { properties: line };
    if (order.time !== undefined) event.time = order.time;
    if (total !== undefined) event.value = total;
    if (total !== undefined && order.value_currency !== undefined) event.value_currency = order.value_currency;
    event.unique_id = `${String(order.unique_id)}:${index + 1}`;
    event.metric = { data: { type: 'metric', attributes: { name: ORDERED_PRODUCT } } };
    if (order.backfill !== undefined) event.backfill = order.backfill;
    events.push(event);
  });
  return events;
}
