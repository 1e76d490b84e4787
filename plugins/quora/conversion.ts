// One conversion as Quora's Conversion API takes it (POST /ads/v0/conversion), from whatever the
// blueprint mapped: `conversion` (event_name — config.event_names first —, timestamp in
// microseconds, event_id, click_id, value), `user` (the email hashed) and `device`. Quora takes
// one event a request here; one it would refuse is dead-lettered here, saying why, and one with
// no Quora event name is not sent.
import { configText, eventMapName, namesNoOne, pageUrlParamOf, PermanentError, productsValue, readDecimal, readInstantMs, readText, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { clickIdOf, PIXEL_QCLID_COOKIE, QCLID_COOKIE, QCLID_PARAM, STAPE_QCLID_COOKIE } from './click-id.ts';
import { EVENT_NAMES, EVENT_NAME_SET } from './config.ts';
import { quoraDevice, quoraUser } from './user-data.ts';

/** Quora's event names by their letters in lower case: `add to cart`, `add_to_cart` → AddToCart. */
const BY_LETTERS = new Map(EVENT_NAMES.map((name) => [name.toLowerCase(), name]));
/** The largest value Signal sends: a conversion worth a trillion is a mapping mistake, not an order. */
export const MAX_VALUE = 1e12;

/** An event name in Quora's spelling (`add to cart` → AddToCart), or the text as it came. */
function quoraName(value: string): string {
  return BY_LETTERS.get(value.trim().toLowerCase().replace(/[\s_-]+/g, '')) ?? value.trim();
}

/**
 * The Quora conversion of an event (the map hook), or null when it has no Quora event name
 * (config.event_names, else the blueprint's): `ctx.warn` says so. The click id is the landing
 * URL's qclid, else Signal's `_dfqclid` cookie, else the Quora Pixel's `quora_qclid`, else
 * Stape's `qclid`, else a mapped `click_id`; the time in epoch microseconds (a time ahead of
 * Signal's clock as now). The value is the mapped one, else the mapped `products`' price ×
 * quantity; it is left out (warned) when it is negative, or in a currency
 * other than config.account_currency: Quora takes no currency. Throws a PermanentError (the
 * event is dead-lettered alone) for one Quora would refuse or could not attribute: an event name
 * it does not take, no click id, email, IP address or device id, a value that is no number.
 *
 * @example
 * toQuoraConversion({ event_name: 'Purchase', event_time: '2026-12-01T11:00:00Z', user: { email: 'Jane@Example.com' }, value: 74.97, currency: 'USD' }, orderCompleted, ctx);
 * // { conversion: { event_name: 'Purchase', timestamp: 1796122800000000, event_id: orderCompleted.messageId, value: 74.97 },
 * //   user: { email: '<sha256>' }, device: {} }
 */
export function toQuoraConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const warn = (message: string) => ctx.warn?.(message);
  const configured = eventMapName(event, ctx.config.event_names);
  const mapped = readText(payload.event_name);
  // The blueprint's catch-all handler names an event by its own name (Demo Requested, page): no
  // Quora event unless that is one, or the config names it.
  const ownName = event.type === 'track' ? event.event?.trim() : event.type;
  const named = configured ?? (mapped !== undefined && (mapped !== ownName || EVENT_NAME_SET.has(quoraName(mapped))) ? mapped : undefined);
  if (named === undefined) {
    warn(`${what} not sent to Quora: no Quora event for it (name one in config.event_names, e.g. {"${event.type === 'track' ? event.event ?? 'Demo Requested' : 'page'}": "${event.type === 'track' ? 'GenerateLead' : 'Generic'}"})`);
    return null;
  }
  const eventName = quoraName(named);
  if (!EVENT_NAME_SET.has(eventName)) {
    throw new PermanentError(`Quora has no event ${JSON.stringify(named)}: it takes ${EVENT_NAMES.join(', ')} (config.event_names, or the blueprint's event_name)`);
  }

  const mappedId = readText(payload.event_id);
  const eventId = mappedId !== undefined && !namesNoOne(mappedId) ? mappedId : event.messageId;
  const ms = readInstantMs(payload.event_time) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;
  const conversion: JsonObject = { event_name: eventName, timestamp: Math.floor(Math.min(ms, ctx.now)) * 1000, event_id: eventId };

  const cookies = event.context?.cookies;
  const clickId = pageUrlParamOf(event, QCLID_PARAM, { accept: clickIdOf }) ?? clickIdOf(cookies?.[QCLID_COOKIE]) ?? clickIdOf(cookies?.[PIXEL_QCLID_COOKIE]) ?? clickIdOf(cookies?.[STAPE_QCLID_COOKIE]) ?? clickIdOf(payload.click_id);
  if (clickId !== undefined) conversion.click_id = clickId;

  // The mapped value, else the mapped products' price × quantity (never sent themselves).
  const value = readDecimal(payload.value, { vendor: 'Quora', field: 'conversion.value' })
    ?? productsValue(payload.products, { vendor: 'Quora', valueField: 'conversion.value' });
  if (value !== undefined) {
    const currency = readText(payload.currency)?.toUpperCase();
    const accountCurrency = configText(ctx.config, 'account_currency')?.toUpperCase();
    if (value < 0 || value >= MAX_VALUE) {
      warn(`conversion.value ${value} left out: Quora counts a value from 0 to below ${MAX_VALUE}`);
    } else if (accountCurrency !== undefined && currency !== undefined && currency !== accountCurrency) {
      warn(`conversion.value ${value} ${currency} left out: Quora takes no currency and the account counts in ${accountCurrency} (config.account_currency)`);
    } else {
      conversion.value = value;
    }
  }

  const { user, left: userLeft } = quoraUser(payload.user);
  const { device, left: deviceLeft } = quoraDevice(payload.device);
  for (const key of userLeft) {
    warn(['phone_number', 'phone', 'name', 'first_name', 'last_name', 'date_of_birth'].includes(key)
      ? `user.${key} left out: Quora documents no hashing for it, and Signal sends no contact information in clear`
      : `user.${key} left out: not a value Quora could match on (or not a field it takes)`);
  }
  for (const key of deviceLeft) warn(`device.${key} left out: not a value Quora takes`);
  if (clickId === undefined && user.email === undefined && user.ip === undefined && device.mobile_device_id === undefined) {
    throw new PermanentError(`Quora cannot attribute ${what} to anyone: it needs the click id (the landing URL's qclid), an email, the visitor's IP address or a mobile device id — it has none${userLeft.length > 0 ? ` (left out: ${userLeft.map((key) => `user.${key}`).join(', ')})` : ''}. Send events from the browser (Signal reads the visitor's IP and the qclid), or an email in traits`);
  }
  return { conversion, user, device };
}
