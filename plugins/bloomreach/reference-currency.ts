// Bloomreach takes each amount twice: in the project's reference currency (total_price, price)
// and in the one the customer paid in (total_price_local_currency, price_local_currency, with
// local_currency). Its Custom events page: total_price is the "Total price paid by the customer
// in the reference currency including tax and shipping", total_price_local_currency the "Total
// price paid by the customer in the currency they used for the payment"; its Magento connector
// sends base_grand_total and grand_total, item prices likewise. A site's amounts are in the
// order's currency and Signal converts none, so the reference amount is its twin only when the
// event's currency is the reference one (config.reference_currency; unset, every currency is).
import { trimmedText } from '../../core/sdk/index.ts';
import type { JsonObject, JsonValue } from '../../core/sdk/index.ts';

/** Each reference-currency amount with its local-currency twin. */
export const AMOUNT_PAIRS = [['total_price', 'total_price_local_currency'], ['price', 'price_local_currency']] as const;

const given = (value: JsonValue | undefined): boolean => value !== undefined && value !== null;

/** What fillAmounts made of an event's (or a purchase_item's) properties. */
export interface FilledAmounts {
  properties: JsonObject;
  /** Reference amounts left out: the event's currency is not the reference one. */
  leftOut: string[];
}

/**
 * Properties with each amount's missing twin filled in when the event's currency
 * (`local_currency`) is the reference currency — or either is unknown: `total_price` from
 * `total_price_local_currency`, `price` from `price_local_currency`, and back. In another
 * currency a reference amount is left out (named in `leftOut`) rather than sent in the wrong
 * currency; the site's own reference amounts are kept.
 *
 * @example
 * fillAmounts({ local_currency: 'EUR', total_price_local_currency: 25 }, 'EUR');
 * // { properties: { local_currency: 'EUR', total_price_local_currency: 25, total_price: 25 }, leftOut: [] }
 * fillAmounts({ local_currency: 'USD', price_local_currency: 9 }, 'EUR');
 * // { properties: { local_currency: 'USD', price_local_currency: 9 }, leftOut: ['price'] }
 */
export function fillAmounts(properties: JsonObject, referenceCurrency: string | undefined): FilledAmounts {
  const filled: JsonObject = { ...properties };
  const currency = trimmedText(properties.local_currency)?.toUpperCase();
  const same = referenceCurrency === undefined || currency === undefined || currency === referenceCurrency;
  const leftOut: string[] = [];
  for (const [reference, local] of AMOUNT_PAIRS) {
    if (given(filled[local]) && !given(filled[reference])) {
      if (same) filled[reference] = filled[local]!;
      else leftOut.push(reference);
    } else if (given(filled[reference]) && !given(filled[local]) && same) {
      filled[local] = filled[reference]!;
    }
  }
  return { properties: filled, leftOut };
}
