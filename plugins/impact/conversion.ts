// One conversion as impact.com's Conversions API takes it, fitted from what the blueprint mapped:
// the program (CampaignId), the Event Type, EventDate and OrderId (always), the attribution keys
// (ClickId, CustomerId, and the promo code), the SHA-1 of the customer's email, the currency, and
// either the order's item fields or its Amount. The fields are text, in the order impact.com's
// own submission example writes them, ready to be form-encoded.
import { createHash } from 'node:crypto';
import { PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { moneyOf } from './amounts.ts';
import { eventClickId } from './click-id.ts';
import { eventTypeFor, eventTypeOf } from './config.ts';
import { customerEmailOf, customerIdOf, type Read } from './customer.ts';
import { lineItemsOf } from './line-items.ts';

/** The longest OrderId impact.com takes: "OrderId string (64)". */
export const MAX_ORDER_ID = 64;
/** Text fields without a documented length: "string: 255 UTF-8 characters" unless stated. */
const MAX_TEXT = 255;
/** An ISO 4217 code as sent: three letters, upper case. */
const CURRENCY = /^[A-Z]{3}$/;
/** The fields a blueprint may map for this plugin; anything else is left out, warned. */
const MAPPED_FIELDS = new Set([
  'EventTypeId', 'EventTypeCode', 'EventDate', 'OrderId', 'ClickId', 'CustomProfileId', 'CustomerId', 'CustomerEmail', 'CustomerStatus',
  'OrderPromoCode', 'CurrencyCode', 'Amount', 'OrderDiscount', 'OrderShipping', 'OrderTax', 'items',
]);

/**
 * An instant as impact.com's EventDate: ISO 8601 in UTC to the second, as its own example writes
 * it (`2038-01-19T03:14:08Z`).
 *
 * @example
 * eventDateText(Date.parse('2026-12-01T11:00:00.123Z')); // '2026-12-01T11:00:00Z'
 */
export function eventDateText(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The OrderId of a conversion: the mapped order id, else the event's messageId (a lead, a
 * sign-up: impact.com requires an OrderId on every conversion, unique within its Event Type),
 * whose SHA-1 is sent instead when it is longer than 64 characters. A mapped order id over 64
 * characters dead-letters the event (cutting it could merge two orders).
 *
 * @example
 * orderIdOf('ORD-1', event);    // 'ORD-1'
 * orderIdOf(undefined, event);  // event.messageId
 */
export function orderIdOf(mapped: JsonValue | undefined, event: CanonicalEvent): string {
  const orderId = readText(mapped);
  if (orderId !== undefined) {
    if (orderId.length > MAX_ORDER_ID) throw new PermanentError(`impact.com takes an OrderId of up to ${MAX_ORDER_ID} characters; the blueprint mapped one of ${orderId.length}: map the order's own id (properties.order_id)`);
    return orderId;
  }
  const messageId = event.messageId;
  return messageId.length <= MAX_ORDER_ID ? messageId : createHash('sha1').update(messageId, 'utf8').digest('hex');
}

/** Text up to 255 characters, or left out saying why. */
function shortText(value: JsonValue | undefined, field: string): Read {
  const written = readText(value);
  if (written === undefined) return undefined;
  return written.length <= MAX_TEXT ? { value: written } : { leftOut: `${field} left out: ${written.length} characters, more than impact.com's ${MAX_TEXT}` };
}

/**
 * The impact.com conversion of an event (the map hook), or null when it cannot be one: no Event
 * Type named for it (config.event_types), or no attribution key — neither a click id (the
 * landing URL's irclickid, the `_dfirclickid` cookie, a mapped ClickId), nor a CustomerId (the
 * userId), nor a promo code, nor a mapped CustomProfileId. ctx.warn says what was left out.
 *
 * @example
 * toImpactConversion({ OrderId: 'ORD-1', EventDate: '2026-12-01T11:00:00Z', Amount: 74.97, CurrencyCode: 'EUR' }, orderCompleted, ctx);
 * // { CampaignId: '1000', EventTypeId: '12345', EventDate: '2026-12-01T11:00:00Z', OrderId: 'ORD-1', ClickId: '…', CustomerId: 'user-1', CurrencyCode: 'EUR', Amount: '74.97' }
 */
export function toImpactConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string) => ctx.warn?.(message);
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const eventType = eventTypeFor(event, ctx.config) ?? eventTypeOf(payload.EventTypeId) ?? eventTypeOf(payload.EventTypeCode);
  if (eventType === undefined) {
    warn(`${what} not sent to impact.com: no Event Type for it (name it in config.event_types, e.g. {"${event.type === 'track' ? event.event ?? 'Order Completed' : 'page'}": "12345"})`);
    return null;
  }
  const leftOut = (read: Read): string | undefined => {
    if (read !== undefined && 'leftOut' in read) warn(read.leftOut);
    return read !== undefined && 'value' in read ? read.value : undefined;
  };

  const clickId = eventClickId(event, payload.ClickId);
  const customerId = leftOut(customerIdOf(payload.CustomerId));
  const profileId = leftOut(shortText(payload.CustomProfileId, 'CustomProfileId'));
  const promoCode = leftOut(shortText(payload.OrderPromoCode, 'OrderPromoCode'));
  if (clickId === undefined && customerId === undefined && promoCode === undefined && profileId === undefined) {
    warn(`${what} not sent to impact.com: no attribution key — no click id (the landing URL's irclickid, kept in the _dfirclickid cookie), no CustomerId (a userId that is no email or phone) and no promo code; impact.com needs at least one`);
    return null;
  }
  for (const key of Object.keys(payload)) {
    if (!MAPPED_FIELDS.has(key) && payload[key] !== null && payload[key] !== undefined) warn(`${key} left out: not a field this plugin sends to impact.com`);
  }

  const campaignId = ctx.config.campaign_id;
  const conversion: JsonObject = { CampaignId: typeof campaignId === 'number' ? String(campaignId) : readText(campaignId) ?? '' };
  Object.assign(conversion, eventType);
  conversion.EventDate = eventDateText(readInstantMs(payload.EventDate) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now);
  conversion.OrderId = orderIdOf(payload.OrderId, event);
  if (clickId !== undefined) conversion.ClickId = clickId;
  if (profileId !== undefined) conversion.CustomProfileId = profileId;
  if (customerId !== undefined) conversion.CustomerId = customerId;
  const email = leftOut(customerEmailOf(payload.CustomerEmail));
  if (email !== undefined) conversion.CustomerEmail = email;
  if (promoCode !== undefined) conversion.OrderPromoCode = promoCode;
  const status = leftOut(shortText(payload.CustomerStatus, 'CustomerStatus'));
  if (status !== undefined) conversion.CustomerStatus = status;

  const currency = readText(payload.CurrencyCode)?.toUpperCase();
  if (currency !== undefined && CURRENCY.test(currency)) conversion.CurrencyCode = currency;
  else if (currency !== undefined) warn(`CurrencyCode ${JSON.stringify(currency)} left out: not a three-letter ISO 4217 code (impact.com then uses the account's default currency)`);

  const items = lineItemsOf(payload.items);
  items.warnings.forEach(warn);
  if (items.count === 0) {
    const amount = leftOut(moneyOf(payload.Amount, 'Amount'));
    if (amount !== undefined) conversion.Amount = amount;
    const discount = moneyOf(payload.OrderDiscount, 'OrderDiscount');
    if (discount !== undefined && 'value' in discount && discount.value !== '0') warn('OrderDiscount left out: the conversion has no items, and its Amount is after discounts already (impact.com would subtract the discount again)');
  } else {
    const discount = leftOut(moneyOf(payload.OrderDiscount, 'OrderDiscount'));
    if (discount !== undefined) conversion.OrderDiscount = discount;
  }
  const shipping = leftOut(moneyOf(payload.OrderShipping, 'OrderShipping'));
  if (shipping !== undefined) conversion.OrderShipping = shipping;
  const tax = leftOut(moneyOf(payload.OrderTax, 'OrderTax'));
  if (tax !== undefined) conversion.OrderTax = tax;
  Object.assign(conversion, items.fields);
  return conversion;
}
