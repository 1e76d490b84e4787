// The amount of an order as Awin defines it: "The order subtotal amount after discounts are
// added but before additional fees such as taxes, delivery charges, or service charges are
// added. The value must be a float … If the transaction type is a lead, then instead declare the
// number of leads" (Conversion API). Segment's Order Completed gives it as `subtotal` ("Order
// total after discounts but before taxes and shipping") or `revenue` ("including discounts, but
// excluding shipping and taxes"); its `total` includes them.
import { readDecimal, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/**
 * A number rounded to cents (half away from zero), as Awin's floats are written (`1083.29`).
 *
 * @example
 * toCents(74.969); // 74.97
 * toCents(0.005);  // 0.01
 */
export function toCents(value: number): number {
  const rounded = Math.sign(value) * Math.round(Number(`${Math.abs(value)}e2`));
  return Number(`${rounded}e-2`) || 0;
}

/**
 * A mapped money value as a number, or undefined for none; a value that is not a number
 * dead-letters the event naming the field (readDecimal's PermanentError).
 *
 * @example
 * moneyOf('12.5', 'subtotal'); // 12.5
 * moneyOf(undefined, 'tax');   // undefined
 */
export function moneyOf(value: JsonValue | undefined, field: string): number | undefined {
  return readDecimal(value, { vendor: 'Awin', field });
}

/** The amount of an order and where it came from, or why there is none. */
export type SaleAmount = { amount: number; from: string } | { missing: string };

/**
 * A sale's amount, by Awin's definition, from what the blueprint mapped: `subtotal`, else
 * `revenue`, else `total` less the `tax` and `shipping` given, else the products' price ×
 * quantity less the `discount`; rounded to cents. A negative amount (a refund) is none.
 *
 * @example
 * saleAmountOf({ subtotal: 74.97, total: 89.99 }, 0);         // { amount: 74.97, from: 'subtotal' }
 * saleAmountOf({ total: 89.99, tax: 15, shipping: 4.99 }, 0); // { amount: 70, from: 'total less tax and shipping' }
 * saleAmountOf({}, 0);                                        // { missing: 'no subtotal, revenue, total or products to take the amount from' }
 */
export function saleAmountOf(payload: JsonObject, productsTotal: number): SaleAmount {
  const found = ((): { amount: number; from: string } | undefined => {
    const subtotal = moneyOf(payload.subtotal, 'subtotal');
    if (subtotal !== undefined) return { amount: subtotal, from: 'subtotal' };
    const revenue = moneyOf(payload.revenue, 'revenue');
    if (revenue !== undefined) return { amount: revenue, from: 'revenue' };
    const total = moneyOf(payload.total, 'total');
    if (total !== undefined) {
      const tax = moneyOf(payload.tax, 'tax') ?? 0;
      const shipping = moneyOf(payload.shipping, 'shipping') ?? 0;
      return { amount: total - tax - shipping, from: tax === 0 && shipping === 0 ? 'total' : 'total less tax and shipping' };
    }
    if (productsTotal > 0) return { amount: productsTotal - (moneyOf(payload.discount, 'discount') ?? 0), from: 'products' };
    return undefined;
  })();
  if (found === undefined) return { missing: 'no subtotal, revenue, total or products to take the amount from' };
  const amount = toCents(found.amount);
  if (amount < 0) return { missing: `its amount (${found.from}) is ${amount}, below 0: Awin takes sales, not refunds` };
  return { amount, from: found.from };
}
