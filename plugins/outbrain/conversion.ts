// One conversion as Outbrain's S2S endpoint takes it, fitted from what the blueprint mapped:
// `ob_click_id` and `name` (required), and the optional `orderValue`, `currency` and `orderId`.
// An event without a click id or without an Outbrain conversion name is not sent (ctx.warn says
// why): Outbrain attributes an S2S conversion by its click id only.
import { eventMapName, readDecimal, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { clickIdOf, keptClickId, landingClickId } from './click-id.ts';

/** An ISO 4217 code as sent: three letters, upper case (Outbrain lists no supported currencies). */
const CURRENCY = /^[A-Z]{3}$/;
/** The longest order id sent: Outbrain documents none; past this it is a mapping mistake. */
const MAX_ORDER_ID = 256;

/**
 * The Outbrain conversion of an event (the map hook), or null when it cannot be one: no click
 * id (the landing URL's OutbrainClickId or ob_click_id, else the `_dfobclickid` or `_dfobclid`
 * cookie, else the one the blueprint mapped),
 * or no Outbrain conversion name (config.event_names, else the blueprint's). A negative order
 * value, or one only writable with an exponent, is left out with its currency, saying so.
 *
 * @example
 * toOutbrainConversion({ name: 'Purchase', ob_click_id: '00f1e2d3c4b5a6978812345678abcdef0a', orderValue: 74.97, currency: 'EUR', orderId: 'ORD-1' }, orderCompleted, ctx);
 * // { ob_click_id: '00f1e2d3c4b5a6978812345678abcdef0a', name: 'Purchase', orderValue: 74.97, currency: 'EUR', orderId: 'ORD-1' }
 */
export function toOutbrainConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const name = eventMapName(event, ctx.config.event_names) ?? readText(payload.name);
  if (name === undefined) {
    ctx.warn?.(`${what} not sent to Outbrain: no Outbrain conversion name for it (name it in config.event_names, e.g. {"${event.type === 'track' ? event.event ?? 'Order Completed' : 'page'}": "Lead"})`);
    return null;
  }
  // The landing URL's (the page URL, its search, a page call's url): the newest click there is.
  const clickId = landingClickId(event) ?? keptClickId(event.context?.cookies) ?? clickIdOf(payload.ob_click_id);
  if (clickId === undefined) {
    ctx.warn?.(`${what} not sent to Outbrain: no Outbrain click id (the landing URL's OutbrainClickId or ob_click_id, kept in the _dfobclickid or _dfobclid cookie); Outbrain attributes S2S conversions by click id only`);
    return null;
  }
  const conversion: JsonObject = { ob_click_id: clickId, name };

  const value = readDecimal(payload.orderValue, { vendor: 'Outbrain', field: 'orderValue' });
  const currency = readText(payload.currency)?.toUpperCase();
  if (value !== undefined && value < 0) {
    ctx.warn?.(`orderValue ${value} left out: a conversion's value is 0 or more`);
  } else if (value !== undefined && /e/i.test(String(value))) {
    // JavaScript writes 1e21 and more, and under 1e-6, in exponent form ("1e+21"): no order value.
    ctx.warn?.(`orderValue ${value} left out: it can only be written with an exponent, not as the decimal number Outbrain takes`);
  } else if (value !== undefined) {
    conversion.orderValue = value;
    if (currency !== undefined && CURRENCY.test(currency)) conversion.currency = currency;
    else if (currency !== undefined) ctx.warn?.(`currency ${JSON.stringify(currency)} left out: not a three-letter ISO 4217 code (Outbrain then counts the value in the conversion's currency)`);
  }
  const orderId = readText(payload.orderId);
  if (orderId !== undefined && orderId.length <= MAX_ORDER_ID) conversion.orderId = orderId;
  else if (orderId !== undefined) ctx.warn?.(`orderId left out: ${orderId.length} characters, more than ${MAX_ORDER_ID} (a mapping mistake?)`);
  return conversion;
}

/**
 * The value of a conversion field as a query parameter's text, or undefined when it is absent.
 *
 * @example
 * queryText(74.97); // '74.97'
 * queryText(null);  // undefined
 */
export function queryText(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}
