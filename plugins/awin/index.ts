import { definePlugin } from '../../core/sdk/index.ts';
import { classifyAwin } from './classify.ts';
import { AWC_COOKIE, CHANNEL_COOKIE, CLICK_IDS } from './click-id.ts';
import { CONFIG_SCHEMA, transactionKindOf, validateAwinConfig } from './config.ts';
import { toAwinOrder } from './order.ts';
import { MAX_BATCH_BYTES, MAX_ORDERS, requestsFor } from './requests.ts';

export { AWIN_ORIGIN, ordersUrl } from './requests.ts';

export default definePlugin({
  id: 'awin',
  name: 'Awin',
  category: 'advertising',
  description: 'Affiliate sales and leads to Awin\'s Conversion API: batches of up to 1,000 orders in one POST /s2s/advertiser/{advertiser_id}/orders (the API key in x-api-key), each with its order reference, amount (the subtotal after discounts, before tax and shipping), currency, voucher code, the Awin click (the landing URL\'s awc, kept in a first-party cookie), the channel Awin deduplicates by (aw when Awin\'s click was the last paid click Signal saw), commission groups, the basket and custom parameters. Orders without an awc are sent only with a voucher code. No deletion API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAwinConfig,
  variants: {
    default: { description: 'The track events config.order_events names (Order Completed by default) as Awin sales — order id, subtotal after discounts, currency, voucher code (coupon), products as the basket, commission group, customer acquisition — and those config.lead_events names as leads (amount 1).', blueprint: 'awin/default.yaml' },
  },
  vendorFields: {
    orderReference: { required: true, description: 'The order\'s reference (properties.order_id): Awin\'s key for the order, unique per transaction; it keeps the first 50 characters. A sale without one is not sent; a lead without one goes with its messageId.' },
    subtotal: { required: false, description: 'Awin\'s amount: the subtotal after discounts, before tax, delivery and service charges; else revenue, else total less tax and shipping, else the products\' price × quantity less the discount. A lead\'s amount is 1.' },
    revenue: { required: false, description: 'The amount when no subtotal is mapped (Segment: including discounts, excluding shipping and taxes).' },
    total: { required: false, description: 'With tax and shipping, the amount when neither subtotal nor revenue is mapped (total less tax and shipping).' },
    currency: { required: false, description: 'ISO 4217 code (config.default_currency when absent; an order or lead with neither is not sent).' },
    voucher: { required: false, description: 'The voucher (discount) code used: an attribution key of its own when Awin\'s voucher attribution assigns it to a publisher.' },
    products: { required: false, description: 'The order\'s products, sent as the basket (id, name, unit price, quantity, sku, category, commission group code): product-level tracking.' },
    commission_group: { required: false, description: 'The order\'s commission group code (else config.commission_group, DEFAULT by default); a product\'s own commission_group or its category\'s group (config.category_commission_groups) takes its share.' },
    customer_acquisition: { required: false, description: 'NEW or RETURNING (any case; "existing" is RETURNING), else new_customer true/false.' },
    awc: { required: false, description: 'The Awin click checksum: the landing URL\'s awc, else the _dfawc cookie Signal keeps, else this mapped value.' },
    channel: { required: false, description: 'The channel Awin deduplicates by, when a custom blueprint decides it; else aw when Awin\'s click was the last paid click Signal saw (config.channel_mode).' },
  },
  consent: ['advertising'],
  cookies: [AWC_COOKIE, CHANNEL_COOKIE],
  // The landing URL's awc kept in _dfawc for 365 days; the network of the last paid click (aw, or
  // other for another network's click id) in _dfawchannel, for the channel.
  clickIds: CLICK_IDS,
  // The Conversion API asks for batches "between 10 seconds (not shorter, to avoid exceeding the
  // API limit) and 60 seconds" after the client-side tag: one request every 10 seconds, the
  // orders that came meanwhile waiting to go together (up to 1,000 a request).
  rateLimit: { rps: 0.1, burst: 1 },
  batch: { maxEvents: MAX_ORDERS, maxBytes: MAX_BATCH_BYTES },
  // Only orders and leads go to Awin: the rest is not queued, so it never takes a 10-second
  // slot (a pipeline's page views would otherwise each fill fetches of their own).
  neverSends: (event, ctx) => (transactionKindOf(event, ctx.config) === undefined ? 'not an order or lead event (config.order_events, config.lead_events)' : undefined),
  map: (payload, event, ctx) => toAwinOrder(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request) => classifyAwin(response, request),
});
