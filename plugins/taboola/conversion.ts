// One conversion as Taboola's S2S endpoints take it, fitted from what the blueprint mapped:
// `click-id` and `name` (required), `timestamp` (the bulk endpoint's, required there), and the
// dynamic values `revenue`, `currency`, `orderid`, `quantity`. An event without a click id or
// without a Taboola event name is not sent (ctx.warn says why): Taboola attributes an S2S
// conversion by its click id only.
import { eventMapName, isJsonObject, pageUrlParamOf, readDecimal, readInstantMs, readText, readWholeNumber, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { clickIdOf, TBLCI_COOKIE, TBLCI_PARAM } from './click-id.ts';

/** The currencies Taboola's postback URL documents ("Supported currencies"). */
export const SUPPORTED_CURRENCIES: ReadonlySet<string> = new Set([
  'AUD', 'BRL', 'CAD', 'CNY', 'EUR', 'GBP', 'HKD', 'ILS', 'INR', 'JPY', 'KRW', 'MXN', 'NZD', 'RUB', 'SGD', 'THB', 'TRY', 'USD', 'ZAR',
]);
/** The longest order id sent: Taboola documents none; past this it is a mapping mistake. */
const MAX_ORDER_ID = 256;
/** The largest quantity sent: a 32-bit integer's (past it, a price or an id mapped by mistake). */
const MAX_QUANTITY = 2_147_483_647;

/** The order's item count: the mapped quantity, else the products' quantities summed. */
function quantityOf(payload: JsonObject): number | undefined {
  const given = readWholeNumber(payload.quantity, { min: 1, max: MAX_QUANTITY });
  if (given !== undefined) return given;
  if (!Array.isArray(payload.products)) return undefined;
  let total = 0;
  for (const product of payload.products) {
    total += (isJsonObject(product) ? readWholeNumber(product.quantity, { min: 1, max: MAX_QUANTITY }) : undefined) ?? 1;
  }
  return total > 0 && total <= MAX_QUANTITY ? total : undefined;
}

/**
 * The Taboola conversion of an event (the map hook), or null when it cannot be one: no click
 * id (the landing URL's tblci, else the `_dftblci` cookie or the one the blueprint mapped), or
 * no Taboola event name (config.event_names, else the blueprint's). A revenue in a currency
 * Taboola does not list is left out with its currency (Taboola would count it in the account's
 * default currency), saying so.
 *
 * @example
 * toTaboolaConversion({ name: 'make_purchase', click_id: 'GiDxLZcEVjwEqkGfKQMQndUYMIeZXFHmZ0DrHIJhGS6kKiDzkGUos9GzkpqG-YHQATCwxlQ',
 *   timestamp: '2026-12-01T11:00:00.000Z', revenue: 74.97, currency: 'EUR', orderid: 'ORD-1', products: [{ quantity: 3 }] }, orderCompleted, ctx);
 * // { 'click-id': 'GiDx…', name: 'make_purchase', timestamp: 1796122800000, revenue: 74.97, currency: 'EUR', orderid: 'ORD-1', quantity: 3 }
 */
export function toTaboolaConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const name = eventMapName(event, ctx.config.event_names) ?? readText(payload.name);
  if (name === undefined) {
    ctx.warn?.(`${what} not sent to Taboola: no Taboola event name for it (name it in config.event_names, e.g. {"${event.type === 'track' ? event.event ?? 'Order Completed' : 'page'}": "lead"})`);
    return null;
  }
  const cookies = event.context?.cookies;
  // The landing URL's tblci (the page URL, its search, a page call's url): the newest click there is.
  const clickId = pageUrlParamOf(event, TBLCI_PARAM, { accept: clickIdOf }) ?? clickIdOf(cookies?.[TBLCI_COOKIE]) ?? clickIdOf(payload.click_id);
  if (clickId === undefined) {
    ctx.warn?.(`${what} not sent to Taboola: no Taboola click id (the landing URL's ${TBLCI_PARAM}, kept in the ${TBLCI_COOKIE} cookie); Taboola attributes S2S conversions by click id only`);
    return null;
  }
  const timestamp = readInstantMs(payload.timestamp) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;
  const conversion: JsonObject = { 'click-id': clickId, name, timestamp };

  const revenue = readDecimal(payload.revenue, { vendor: 'Taboola', field: 'revenue' });
  const currency = readText(payload.currency)?.toUpperCase();
  if (currency !== undefined && !SUPPORTED_CURRENCIES.has(currency)) {
    if (revenue !== undefined) ctx.warn?.(`revenue ${revenue} ${currency} left out: Taboola takes revenue in ${[...SUPPORTED_CURRENCIES].join(', ')} only (else it would count it in the account's currency)`);
  } else if (revenue !== undefined && /e/i.test(String(revenue))) {
    // JavaScript writes 1e21 and more, and under 1e-6, in exponent form ("1e+21"), which is not
    // the "integer or decimal number" Taboola's postback URL takes.
    ctx.warn?.(`revenue ${revenue} left out: Taboola takes an integer or decimal number, and this one can only be written with an exponent`);
  } else if (revenue !== undefined && revenue >= 0) {
    conversion.revenue = revenue;
    if (currency !== undefined) conversion.currency = currency;
  } else if (revenue !== undefined) {
    ctx.warn?.(`revenue ${revenue} left out: Taboola takes a revenue of 0 or more`);
  }
  const orderId = readText(payload.orderid);
  if (orderId !== undefined && orderId.length <= MAX_ORDER_ID) conversion.orderid = orderId;
  const quantity = quantityOf(payload);
  if (quantity !== undefined) conversion.quantity = quantity;
  return conversion;
}
