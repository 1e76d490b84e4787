// One order as Awin's Conversion API takes it, fitted from what the blueprint mapped: its
// reference, amount, channel, currency, voucher code and test flag, the click (awc), the
// customer acquisition, commission groups, basket and custom parameters. Orders need an
// attribution key ("awc … Conditional (any of)": the awc, a voucher code, or a publisher id with
// the click time): an order with none is not sent, and says why.
import { readInstantMs, readText, readWholeNumber, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { saleAmountOf } from './amounts.ts';
import { basketOf, groupCodeOf } from './basket.ts';
import { channelOf } from './channel.ts';
import { AWC_COOKIE, eventAwc } from './click-id.ts';
import { commissionGroupsOf } from './commission-groups.ts';
import { categoryGroupsOf, commissionGroupOf, defaultCurrencyOf, isTestMode, sendsTransactionTime, sendsVoucherOrders, transactionKindOf } from './config.ts';
import { customParametersFor } from './custom-parameters.ts';

/** Awin keeps the first 50 characters of an order reference ("It truncates at 50 characters"). */
export const MAX_ORDER_REFERENCE = 50;
/** The longest voucher code sent (Awin documents none). */
const MAX_VOUCHER = 255;
/** An ISO 4217 code as sent: three letters, upper case. */
const CURRENCY = /^[A-Z]{3}$/;
/** The fields a blueprint may map for this plugin; anything else is left out, warned. */
const MAPPED_FIELDS = new Set([
  'orderReference', 'subtotal', 'revenue', 'total', 'tax', 'shipping', 'discount', 'currency', 'voucher', 'products', 'commission_group',
  'customer_acquisition', 'new_customer', 'awc', 'channel', 'publisherId', 'clickTime', 'timestamp',
]);

/**
 * Awin's customer acquisition of a mapped value: `NEW` or `RETURNING` ("customerAcquisition
 * should be replaced with either NEW or RETURNING"), from that text in any case (`existing` is
 * `RETURNING`), or from a `new_customer` flag (true: `NEW`, false: `RETURNING`).
 *
 * @example
 * customerAcquisitionOf('new', undefined);      // 'NEW'
 * customerAcquisitionOf(undefined, false);      // 'RETURNING'
 * customerAcquisitionOf('vip', undefined);      // undefined
 */
export function customerAcquisitionOf(acquisition: JsonValue | undefined, newCustomer: JsonValue | undefined): 'NEW' | 'RETURNING' | undefined {
  const text = readText(acquisition)?.toLowerCase();
  if (text === 'new') return 'NEW';
  if (text === 'returning' || text === 'existing') return 'RETURNING';
  if (newCustomer === true || newCustomer === 'true') return 'NEW';
  if (newCustomer === false || newCustomer === 'false') return 'RETURNING';
  return undefined;
}

/**
 * The Awin order of an event (the map hook), or null when it is none: not an order or lead
 * event of the config, a sale without an order id or an amount, an order without a currency, or one without
 * an attribution key — no awc (the landing URL's, the `_dfawc` cookie's), no voucher code (or
 * `send_voucher_orders` off), no publisher id and click time. `ctx.warn` says why, and what was
 * left out.
 *
 * @example
 * toAwinOrder({ orderReference: 'ORD-5521', subtotal: 74.97, currency: 'gbp', voucher: 'SPRING10' }, order, ctx);
 * // { orderReference: 'ORD-5521', amount: 74.97, channel: 'aw', currency: 'GBP', voucher: 'SPRING10', isTest: false, awc: '1001_…',
 * //   commissionGroups: [{ code: 'DEFAULT', amount: 74.97 }] }
 */
export function toAwinOrder(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string) => ctx.warn?.(message);
  const config = ctx.config;
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const kind = transactionKindOf(event, config);
  if (kind === undefined) {
    warn(`${what} not sent to Awin: not an order or lead event (config.order_events, config.lead_events)`);
    return null;
  }
  const notSent = (why: string): null => {
    warn(`${what} not sent to Awin: ${why}`);
    return null;
  };

  const awc = eventAwc(event, payload.awc);
  const voucher = readText(payload.voucher)?.slice(0, MAX_VOUCHER);
  const publisherId = readWholeNumber(payload.publisherId, { min: 1 });
  const clickTime = readWholeNumber(payload.clickTime, { min: 1 });
  const byPublisher = publisherId !== undefined && clickTime !== undefined;
  if (awc === undefined && !byPublisher && (voucher === undefined || !sendsVoucherOrders(config))) {
    const why = voucher === undefined
      ? `no Awin click (no awc on the landing URL or in Signal's ${AWC_COOKIE} cookie) and no voucher code: Awin attributes an order by one of them`
      : `no Awin click (no awc on the landing URL or in Signal's ${AWC_COOKIE} cookie), and orders with a voucher code only are not sent (config.send_voucher_orders)`;
    return notSent(why);
  }

  const mappedCurrency = readText(payload.currency)?.toUpperCase();
  if (mappedCurrency !== undefined && !CURRENCY.test(mappedCurrency)) warn(`currency ${JSON.stringify(mappedCurrency)} left out: not a three-letter ISO 4217 code`);
  const currency = (mappedCurrency !== undefined && CURRENCY.test(mappedCurrency) ? mappedCurrency : undefined) ?? defaultCurrencyOf(config);
  // Every Conversion API integration we read sends a currency with each order, a lead's too,
  // and refuses to send one without (Awin's field table could not be read that far): an order
  // without one would risk a 400 refusing the whole batch it travels in.
  if (currency === undefined) return notSent('no currency (properties.currency, or config.default_currency)');

  const mappedReference = readText(payload.orderReference);
  if (mappedReference === undefined && kind === 'sale') return notSent('no order id (properties.order_id): Awin deduplicates and validates orders by their reference');
  const orderReference = mappedReference ?? event.messageId;
  if (mappedReference === undefined) warn(`orderReference: the lead has no id of its own (properties.order_id, lead_id): its messageId is sent`);
  if (orderReference.length > MAX_ORDER_REFERENCE) warn(`orderReference has ${orderReference.length} characters: Awin keeps the first ${MAX_ORDER_REFERENCE}`);

  const mappedGroup = payload.commission_group;
  const orderGroup = groupCodeOf(mappedGroup) ?? commissionGroupOf(config);
  if (readText(mappedGroup) !== undefined && groupCodeOf(mappedGroup) === undefined) warn(`commission_group ${JSON.stringify(mappedGroup)} left out: a commission group code is letters, digits, _ . - (${orderGroup} sent)`);
  const basket = kind === 'sale' ? basketOf(payload.products, orderGroup, categoryGroupsOf(config)) : { items: [], lines: [], warnings: [] };
  basket.warnings.forEach(warn);
  let amount = 1;
  if (kind === 'sale') {
    const sale = saleAmountOf(payload, basket.lines.reduce((sum, line) => sum + line.total, 0));
    if ('missing' in sale) return notSent(sale.missing);
    amount = sale.amount;
    if (sale.from !== 'subtotal' && sale.from !== 'revenue') warn(`amount taken from the ${sale.from}: Awin's amount is the subtotal after discounts, before tax and shipping (map properties.subtotal)`);
  }

  for (const key of Object.keys(payload)) {
    if (!MAPPED_FIELDS.has(key) && payload[key] !== null && payload[key] !== undefined) warn(`${key} left out: not a field this plugin sends to Awin`);
  }

  const order: JsonObject = { orderReference, amount, channel: channelOf(event, payload.channel, config) };
  if (currency !== undefined) order.currency = currency;
  if (voucher !== undefined) order.voucher = voucher;
  order.isTest = isTestMode(config);
  if (awc !== undefined) order.awc = awc;
  if (byPublisher) {
    order.publisherId = publisherId;
    order.clickTime = clickTime;
  }
  const acquisition = customerAcquisitionOf(payload.customer_acquisition, payload.new_customer);
  if (acquisition !== undefined) order.customerAcquisition = acquisition;
  if (sendsTransactionTime(config)) {
    const ms = readInstantMs(payload.timestamp) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;
    order.transactionTime = Math.floor(ms / 1000);
  }
  order.commissionGroups = commissionGroupsOf(amount, basket.lines, orderGroup);
  if (basket.items.length > 0) order.basket = basket.items;
  const custom = customParametersFor(event, config);
  custom.warnings.forEach(warn);
  if (Object.keys(custom.custom).length > 0) order.custom = custom.custom;
  return order;
}
