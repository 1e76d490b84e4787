import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { clickIdsOf } from '../../core/collect/click-id-cookies.ts';
import { createConfigAjv, PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import awin from './index.ts';
import { saleAmountOf, toCents } from './amounts.ts';
import { basketOf, groupCodeOf } from './basket.ts';
import { channelOf } from './channel.ts';
import { classifyAwin, namesOneOrder, said } from './classify.ts';
import { AWC_COOKIE, AWC_DAYS, awcOf, CHANNEL_COOKIE, CLICK_IDS, eventAwc, lastPaidClick, sourceChannelValue } from './click-id.ts';
import { commissionGroupsOf } from './commission-groups.ts';
import { customParametersOf, orderEventsOf, transactionKindOf, validateAwinConfig } from './config.ts';
import { customParametersFor, isContactInfoAt } from './custom-parameters.ts';
import { customerAcquisitionOf, toAwinOrder } from './order.ts';
import { ordersUrl, requestsFor } from './requests.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const KEY = '1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d';
const AWC = '1001_1796122800_3c0a8eb6c2b73b1cea9e1e6d4c5dd5a4';
const NEWER = '1001_1796126400_0f1e2d3c4b5a69788796a5b4c3d2e1f0';
const CONFIG: Record<string, JsonValue> = { advertiser_id: 1001, api_key: KEY };

const ctx = (config: Record<string, JsonValue> = CONFIG, warnings: string[] = []): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, json?: unknown, headers: Record<string, string> = {}, body = json === undefined ? '' : JSON.stringify(json)): VendorResponse => ({ status, body, headers, ...(json === undefined ? {} : { json }) });
const whole = (result: Classification) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number; throttled?: boolean };

const order = (overrides: Partial<CanonicalEvent> = {}, properties: Record<string, JsonValue> = {}, cookies: Record<string, string> = { [AWC_COOKIE]: AWC, [CHANNEL_COOKIE]: 'aw' }): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-123', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.123Z', receivedAt: '2026-12-01T11:00:00.456Z',
  properties: {
    order_id: 'ORD-1', subtotal: 74.97, revenue: 74.97, total: 89.96, tax: 10, shipping: 4.99, discount: 5, coupon: 'SPRING10', currency: 'gbp',
    products: [
      { product_id: 'SKU-100', sku: 'RS-42-BLU', name: 'Running Shoes', category: 'Footwear', price: 59.99, quantity: 1 },
      { product_id: 'SKU-205', sku: 'SS-M-WHT', name: 'Sport | Socks', category: 'Accessories', price: 10, quantity: 2 },
    ],
    ...properties,
  },
  traits: {},
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/thanks' }, cookies, campaign: { name: 'spring' } },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/awin/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toAwinOrder(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
  return { payload, warnings };
};

test('config: advertiser and API key required; the key secret; every field titled, described, with a valid example', () => {
  const validate = createConfigAjv().compile(awin.config);
  assert.equal(validate(CONFIG), true);
  for (const field of ['advertiser_id', 'api_key']) {
    const { [field]: _missing, ...rest } = CONFIG;
    assert.equal(validate(rest), false, `${field} is required`);
  }
  assert.equal(validate({ ...CONFIG, advertiser_id: '1001' }), false, 'a number, not text');
  assert.equal(validate({ ...CONFIG, channel_mode: 'first_click' }), false);
  assert.equal(validate({ ...CONFIG, default_currency: 'pounds' }), false);
  assert.deepEqual(Object.entries(awin.config.properties).filter(([, f]) => f.secret === true).map(([k]) => k), ['api_key']);
  for (const [key, field] of Object.entries(awin.config.properties)) {
    assert.ok(field.title && field.description && Array.isArray(field.examples) && field.examples.length > 0, `${key} has a title, description and examples`);
    assert.equal(validate({ ...CONFIG, [key]: field.examples![0] }), true, `${key}'s example is valid`);
  }
});

test('config: problems the schema cannot see, each naming its field', () => {
  assert.deepEqual(validateAwinConfig(CONFIG), []);
  const problems = (config: Record<string, JsonValue>) => validateAwinConfig({ ...CONFIG, ...config });
  assert.deepEqual(problems({ api_key: `Bearer ${KEY}` }), [{ field: 'api_key', message: 'starts with "Bearer ": give the API key (Awin sends it alone in x-api-key) alone' }]);
  assert.deepEqual(problems({ api_key: `${KEY}\n x` }), [{ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key (Awin sends it alone in x-api-key) alone' }]);
  assert.deepEqual(problems({ order_events: [] }), [{ field: 'order_events', message: 'name at least one order event (e.g. "Order Completed"), or a lead event in lead_events: no other event is sent to Awin' }]);
  assert.deepEqual(problems({ order_events: [], lead_events: ['Signed Up'] }), []);
  assert.deepEqual(problems({ order_events: [' Order Completed'] }), [{ field: 'order_events', message: 'has " Order Completed" with white space around it: Signal event names are matched exactly' }]);
  assert.deepEqual(problems({ lead_events: ['Order Completed'] }), [{ field: 'lead_events', message: 'has "Order Completed", an order event too: an event is reported as a sale or as a lead, not both' }]);
  assert.deepEqual(problems({ other_channel: 'AW' }), [{ field: 'other_channel', message: 'is "aw", Awin\'s own channel: the other channel names the clicks of other networks (e.g. "other")' }]);
  assert.deepEqual(problems({ other_channel: 'paid search' }), [{ field: 'other_channel', message: 'is "paid search": a channel is one word of letters, digits, _ . - (e.g. "other", "ppc", "display")' }]);
  assert.deepEqual(problems({ commission_group: 'CD:11.10' }), [{ field: 'commission_group', message: 'is "CD:11.10": a commission group code is letters, digits, _ . - as Awin\'s Commission Management shows it (e.g. DEFAULT)' }]);
  assert.deepEqual(problems({ category_commission_groups: { Books: 'BOOKS|X' } }), [{ field: 'category_commission_groups', message: 'gives "BOOKS|X" for "Books": a commission group code is letters, digits, _ . - (e.g. BOOKS)' }]);
  assert.deepEqual(new Set(problems({ custom_parameters: { 0: 'properties.a', 256: 'properties.b', 3: 'properties..c' } }).map((p) => p.message)), new Set([
    'has "0": Awin\'s custom parameters are numbered 1 to 255',
    'has "256": Awin\'s custom parameters are numbered 1 to 255',
    'gives "properties..c" for 3: not an event field path ("" in "properties..c" is not a valid path segment (letters, digits, _ $ @ -, optionally ending in [])); write one such as properties.delivery_method',
  ]));
});

test('config readers: Order Completed by default, sales before leads, custom parameters in number order', () => {
  assert.deepEqual(orderEventsOf({}), ['Order Completed']);
  assert.deepEqual(orderEventsOf({ order_events: [] }), []);
  assert.equal(transactionKindOf(order(), {}), 'sale');
  assert.equal(transactionKindOf(order({ event: 'Signed Up' }), { lead_events: ['Signed Up'] }), 'lead');
  assert.equal(transactionKindOf(order({ event: 'Product Viewed' }), {}), undefined);
  assert.equal(transactionKindOf({ type: 'page', messageId: 'p' } as CanonicalEvent, {}), undefined);
  assert.deepEqual(customParametersOf({ custom_parameters: { 12: 'context.campaign.name', 2: 'properties.coupon', x: 'properties.y' } }), [['2', 'properties.coupon'], ['12', 'context.campaign.name']]);
  assert.equal(ordersUrl({ advertiser_id: 1001 }), 'https://api.awin.com/s2s/advertiser/1001/orders');
});

test('click ids: the awc kept in _dfawc for 365 days; the last paid click\'s network in _dfawchannel', () => {
  assert.equal(AWC_DAYS, 365);
  assert.deepEqual(awin.cookies, [AWC_COOKIE, CHANNEL_COOKIE]);
  assert.equal(awcOf(` ${AWC} `), AWC);
  for (const junk of ['undefined', 'awc', '{awc}', '', 'a b']) assert.equal(awcOf(junk), undefined, junk);
  assert.equal(sourceChannelValue('AW'), 'aw');
  assert.equal(sourceChannelValue('google'), '');
  const declared = CLICK_IDS.map((entry) => ({ ...entry, vendor: 'awin' }));
  const landing = (query: string) => clickIdsOf({ type: 'page', messageId: 'p', context: { page: { url: `https://shop.example.com/?${query}` } } } as unknown as CanonicalEvent, declared)
    .map(({ declared: entry, clickId }) => [entry.cookie, entry.value ? entry.value(clickId, NOW) : clickId]);
  assert.deepEqual(landing(`awc=${AWC}`), [[AWC_COOKIE, AWC], [CHANNEL_COOKIE, 'aw']]);
  assert.deepEqual(landing('gclid=EAIaIQobChMI'), [[CHANNEL_COOKIE, 'other']]);
  assert.deepEqual(landing('sccid=abc123'), [[CHANNEL_COOKIE, 'other']], 'Snapchat\'s ScCid in any case');
  assert.deepEqual(landing('ndclid=0f8d2c1e-7b4a-4c3e-9d2f-1a2b3c4d5e6f'), [[CHANNEL_COOKIE, 'other']], 'Nextdoor\'s click id');
  assert.deepEqual(landing('oppref=gAAAAABn3kZ1x0_Q-abc'), [[CHANNEL_COOKIE, 'other']], 'OpenAI\'s (ChatGPT ads) click reference');
  assert.deepEqual(landing('oppref=gAAAAABn3kZ1x0_Q-abc%3D%3D'), [[CHANNEL_COOKIE, 'other']], 'an oppref ending in base64 padding too');
  for (const param of ['vmcid', 'aleid', 'alart', 'qclid']) {
    assert.deepEqual(landing(`${param}=a1B2c3D4e5`), [[CHANNEL_COOKIE, 'other']], `${param} (Yahoo DSP's, AppLovin's, Quora's click ids)`);
  }
  assert.deepEqual(landing('source=aw'), [[CHANNEL_COOKIE, 'aw']], 'Awin\'s source click append');
  assert.deepEqual(landing('source=newsletter'), [[CHANNEL_COOKIE, '']], 'another source names no paid click: no cookie');
  assert.deepEqual(landing(`gclid=EAIaIQobChMI&awc=${AWC}`).slice(0, 2), [[AWC_COOKIE, AWC], [CHANNEL_COOKIE, 'aw']], 'an Awin link through a search ad: the awc first, so its cookie is the one set');
  assert.deepEqual(landing('gclid=EAIaIQobChMI&awaid=1001')[0], [CHANNEL_COOKIE, 'aw'], 'an Awin publisher\'s search ad (awaid beside the gclid) is Awin\'s click, declared before the gclid');
  assert.deepEqual(landing('fbclid=IwAR1x'), [], 'Meta adds fbclid to organic links too: no paid click');
});

test('the awc of an order: the landing URL\'s, else the cookie\'s, else the mapped one', () => {
  assert.equal(eventAwc(order(), undefined), AWC);
  assert.equal(eventAwc(order({ context: { page: { url: `https://shop.example.com/thanks?awc=${NEWER}` }, cookies: { [AWC_COOKIE]: AWC } } as CanonicalEvent['context'] }), undefined), NEWER);
  assert.equal(eventAwc(order({}, {}, {}), AWC), AWC);
  assert.equal(eventAwc(order({}, {}, {}), 'undefined'), undefined);
});

test('the channel: aw when Awin\'s click is the last paid click Signal saw (or it saw none), the other channel after another network\'s, always aw in mode aw', () => {
  const withCookies = (cookies: Record<string, string>, url = 'https://shop.example.com/thanks') => order({ context: { page: { url }, cookies } as CanonicalEvent['context'] });
  assert.equal(lastPaidClick(withCookies({ [CHANNEL_COOKIE]: 'aw' })), 'aw');
  assert.equal(lastPaidClick(withCookies({ [CHANNEL_COOKIE]: 'other' })), 'other');
  assert.equal(lastPaidClick(withCookies({})), undefined);
  assert.equal(lastPaidClick(withCookies({ [CHANNEL_COOKIE]: 'other' }, `https://shop.example.com/?awc=${AWC}`)), 'aw', 'the order\'s own URL is the newest click');
  assert.equal(lastPaidClick(withCookies({ [CHANNEL_COOKIE]: 'aw' }, 'https://shop.example.com/?msclkid=b1240587f865')), 'other');
  assert.equal(lastPaidClick(withCookies({ [CHANNEL_COOKIE]: 'aw' }, 'https://shop.example.com/?fbclid=IwAR1x')), 'aw', 'fbclid names no paid click');
  assert.equal(lastPaidClick(withCookies({ [CHANNEL_COOKIE]: 'other' }, 'https://shop.example.com/?awaid=1001&gclid=EAIaIQobChMI')), 'aw', 'an Awin publisher\'s search ad');
  assert.equal(lastPaidClick(withCookies({ [CHANNEL_COOKIE]: 'other' }, 'https://shop.example.com/?source=aw')), 'aw');
  assert.equal(lastPaidClick(withCookies({ [CHANNEL_COOKIE]: 'junk' })), undefined);
  assert.equal(channelOf(withCookies({ [CHANNEL_COOKIE]: 'other' }), undefined, {}), 'other');
  assert.equal(channelOf(withCookies({ [CHANNEL_COOKIE]: 'other' }), undefined, { other_channel: 'ppc' }), 'ppc');
  assert.equal(channelOf(withCookies({ [CHANNEL_COOKIE]: 'other' }), undefined, { channel_mode: 'aw' }), 'aw');
  assert.equal(channelOf(withCookies({}), undefined, {}), 'aw', 'Awin\'s fallback when Signal saw no paid click');
  assert.equal(channelOf(withCookies({ [CHANNEL_COOKIE]: 'aw' }), 'display', {}), 'display', 'a channel a custom blueprint decided');
  assert.equal(channelOf(withCookies({ [CHANNEL_COOKIE]: 'aw' }), 'not one word', {}), 'aw');
});

test('amounts: subtotal, else revenue, else total less tax and shipping, else products less discount; in cents; never below 0', () => {
  assert.equal(toCents(74.969), 74.97);
  assert.equal(toCents(1.005), 1.01);
  assert.deepEqual(saleAmountOf({ subtotal: 74.97, revenue: 80, total: 89.96 }, 0), { amount: 74.97, from: 'subtotal' });
  assert.deepEqual(saleAmountOf({ revenue: 80, total: 89.96 }, 0), { amount: 80, from: 'revenue' });
  assert.deepEqual(saleAmountOf({ total: 89.96, tax: 10, shipping: 4.99 }, 0), { amount: 74.97, from: 'total less tax and shipping' });
  assert.deepEqual(saleAmountOf({ total: 89.96 }, 0), { amount: 89.96, from: 'total' });
  assert.deepEqual(saleAmountOf({ discount: 5 }, 79.99), { amount: 74.99, from: 'products' });
  assert.deepEqual(saleAmountOf({}, 0), { missing: 'no subtotal, revenue, total or products to take the amount from' });
  assert.deepEqual(saleAmountOf({ subtotal: -10 }, 0), { missing: 'its amount (subtotal) is -10, below 0: Awin takes sales, not refunds' });
  assert.throws(() => saleAmountOf({ subtotal: '12,50' }, 0), (error: unknown) => error instanceof PermanentError && /Awin takes subtotal as a number/.test(error.message));
});

test('basket: id, name, unit price and quantity needed; pipes removed; each product\'s commission group', () => {
  const groups = new Map([['footwear', 'SHOES']]);
  const basket = basketOf([
    { id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1, sku: 'RS-42', category: 'Footwear' },
    { id: 'SKU-205', name: 'Sport | Socks', price: 10, category: 'Accessories' },
    { id: 'SKU-300', name: 'Gift Card', price: 25, quantity: 1, commission_group: 'GIFT' },
    { id: 'SKU-400', price: 5 },
    { id: 'SKU-500', name: 'Free Sample', price: 1, quantity: 0 },
    'not a product',
  ], 'DEFAULT', groups);
  assert.deepEqual(basket.items, [
    { id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1, sku: 'RS-42', category: 'Footwear', commissionGroupCode: 'SHOES' },
    { id: 'SKU-205', name: 'Sport Socks', price: 10, quantity: 1, category: 'Accessories', commissionGroupCode: 'DEFAULT' },
    { id: 'SKU-300', name: 'Gift Card', price: 25, quantity: 1, commissionGroupCode: 'GIFT' },
  ]);
  assert.deepEqual(basket.lines, [{ code: 'SHOES', total: 59.99 }, { code: 'DEFAULT', total: 10 }, { code: 'GIFT', total: 25 }]);
  assert.deepEqual(basket.warnings, [
    'SKU-400 left out of the basket: no a name (Awin\'s product-level tracking needs id, name, price and quantity)',
    'SKU-500 left out of the basket: quantity 0 is not a whole number of 1 or more',
    'products[5] left out of the basket: not a product object',
  ]);
  assert.equal(groupCodeOf('A|B'), undefined);
});

test('commission groups: one group takes the amount; several share it in proportion, adding up to it exactly', () => {
  assert.deepEqual(commissionGroupsOf(74.97, [], 'DEFAULT'), [{ code: 'DEFAULT', amount: 74.97 }]);
  assert.deepEqual(commissionGroupsOf(74.97, [{ code: 'SHOES', total: 59.99 }], 'DEFAULT'), [{ code: 'SHOES', amount: 74.97 }]);
  assert.deepEqual(commissionGroupsOf(90, [{ code: 'ELEC', total: 80 }, { code: 'DEFAULT', total: 20 }], 'DEFAULT'), [{ code: 'ELEC', amount: 72 }, { code: 'DEFAULT', amount: 18 }]);
  const parts = commissionGroupsOf(10, [{ code: 'A', total: 1 }, { code: 'B', total: 1 }, { code: 'C', total: 1 }], 'DEFAULT');
  assert.deepEqual(parts, [{ code: 'A', amount: 3.34 }, { code: 'B', amount: 3.33 }, { code: 'C', amount: 3.33 }]);
  assert.equal(toCents(parts.reduce((a, p) => a + (p.amount as number), 0)), 10);
});

test('custom parameters: the configured fields\' values by number; lists, objects and contact information left out', () => {
  const config = { custom_parameters: { 1: 'properties.coupon', 2: 'context.campaign.name', 3: 'properties.products', 4: 'properties.email', 5: 'properties.missing', 6: 'properties.gift' } };
  assert.deepEqual(customParametersFor(order({}, { email: 'jane@example.com', gift: true }), config), {
    custom: { 1: 'SPRING10', 2: 'spring', 6: true },
    warnings: ['custom parameter 3 (properties.products) left out: a list or object, not text, a number or a boolean', 'custom parameter 4 (properties.email) left out: it holds contact information, which Signal does not send to Awin'],
  });
});

test('custom parameters: contact information read where the value stands', () => {
  assert.equal(isContactInfoAt('properties.customer.name', 'Jane Doe'), true);
  assert.equal(isContactInfoAt('context.campaign.name', 'spring'), false);
  assert.equal(isContactInfoAt('properties.note', 'jane@example.com'), true);
  assert.equal(isContactInfoAt('properties.delivery_method', 'Next Day Delivery'), false);
});

test('customer acquisition: NEW or RETURNING from text or a new_customer flag', () => {
  assert.equal(customerAcquisitionOf('New', undefined), 'NEW');
  assert.equal(customerAcquisitionOf('existing', undefined), 'RETURNING');
  assert.equal(customerAcquisitionOf(undefined, true), 'NEW');
  assert.equal(customerAcquisitionOf(undefined, 'false'), 'RETURNING');
  assert.equal(customerAcquisitionOf('vip', undefined), undefined);
});

test('an Order Completed through the blueprint: the order Awin documents, amount the subtotal, the basket and its groups', () => {
  const { payload, warnings } = mapThrough(order({}, { customer_acquisition: 'new' }), { ...CONFIG, category_commission_groups: { Footwear: 'SHOES' }, custom_parameters: { 1: 'context.campaign.name' } });
  assert.deepEqual(payload, {
    orderReference: 'ORD-1', amount: 74.97, channel: 'aw', currency: 'GBP', voucher: 'SPRING10', isTest: false, awc: AWC, customerAcquisition: 'NEW',
    commissionGroups: [{ code: 'SHOES', amount: 56.23 }, { code: 'DEFAULT', amount: 18.74 }],
    basket: [
      { id: 'SKU-100', name: 'Running Shoes', price: 59.99, quantity: 1, sku: 'RS-42-BLU', category: 'Footwear', commissionGroupCode: 'SHOES' },
      { id: 'SKU-205', name: 'Sport Socks', price: 10, quantity: 2, sku: 'SS-M-WHT', category: 'Accessories', commissionGroupCode: 'DEFAULT' },
    ],
    custom: { 1: 'spring' },
  });
  assert.deepEqual(warnings, []);
});

test('the order\'s own commission group, test mode, transaction time, the other channel', () => {
  const { payload } = mapThrough(order({}, { commission_group: 'SALE', products: [] }, { [AWC_COOKIE]: AWC, [CHANNEL_COOKIE]: 'other' }), { ...CONFIG, test_mode: true, send_transaction_time: true });
  assert.deepEqual(payload, {
    orderReference: 'ORD-1', amount: 74.97, channel: 'other', currency: 'GBP', voucher: 'SPRING10', isTest: true, awc: AWC,
    transactionTime: Math.floor(Date.parse('2026-12-01T11:00:00.123Z') / 1000), commissionGroups: [{ code: 'SALE', amount: 74.97 }],
  });
});

test('orders without an awc: sent with a voucher code (unless config says not), else not sent, saying why', () => {
  const noClick = order({}, {}, {});
  assert.equal(mapThrough(noClick).payload?.voucher, 'SPRING10');
  assert.equal(mapThrough(noClick).payload?.awc, undefined);
  const off = mapThrough(noClick, { ...CONFIG, send_voucher_orders: false });
  assert.equal(off.payload, null);
  assert.deepEqual(off.warnings, ['"Order Completed" not sent to Awin: no Awin click (no awc on the landing URL or in Signal\'s _dfawc cookie), and orders with a voucher code only are not sent (config.send_voucher_orders)']);
  const none = mapThrough(order({}, { coupon: null }, {}));
  assert.equal(none.payload, null);
  assert.deepEqual(none.warnings, ['"Order Completed" not sent to Awin: no Awin click (no awc on the landing URL or in Signal\'s _dfawc cookie) and no voucher code: Awin attributes an order by one of them']);
});

test('sales without an order id, an amount or a currency are not sent; a lead goes with amount 1 and its messageId, not without a currency', () => {
  assert.deepEqual(mapThrough(order({}, { order_id: null })).warnings, ['"Order Completed" not sent to Awin: no order id (properties.order_id): Awin deduplicates and validates orders by their reference']);
  assert.deepEqual(mapThrough(order({}, { subtotal: null, revenue: null, total: null, products: [] })).warnings, ['"Order Completed" not sent to Awin: no subtotal, revenue, total or products to take the amount from']);
  assert.deepEqual(mapThrough(order({}, { currency: null })).warnings, ['"Order Completed" not sent to Awin: no currency (properties.currency, or config.default_currency)']);
  assert.equal(mapThrough(order({}, { currency: null }), { ...CONFIG, default_currency: 'eur' }).payload?.currency, 'EUR');
  const signUp = order({ event: 'Signed Up', messageId: 'lead-1', properties: {} } as Partial<CanonicalEvent>);
  const lead = mapThrough(signUp, { ...CONFIG, lead_events: ['Signed Up'], default_currency: 'GBP' });
  assert.deepEqual(lead.payload, { orderReference: 'lead-1', amount: 1, channel: 'aw', currency: 'GBP', isTest: false, awc: AWC, commissionGroups: [{ code: 'DEFAULT', amount: 1 }] });
  assert.deepEqual(lead.warnings, ['orderReference: the lead has no id of its own (properties.order_id, lead_id): its messageId is sent']);
  const noCurrency = mapThrough(signUp, { ...CONFIG, lead_events: ['Signed Up'] });
  assert.equal(noCurrency.payload, null, 'a lead too: no order goes without a currency');
  assert.deepEqual(noCurrency.warnings, ['"Signed Up" not sent to Awin: no currency (properties.currency, or config.default_currency)']);
  const other = mapThrough(order({ event: 'Product Viewed' }));
  assert.equal(other.payload, null);
  assert.deepEqual(other.warnings, ['"Product Viewed" not sent to Awin: not an order or lead event (config.order_events, config.lead_events)']);
  assert.equal(blueprint.mapEvent({ type: 'page', messageId: 'p', context: {} } as unknown as CanonicalEvent).vendorEvent, null, 'page calls are no orders');
});

test('an amount worked out from the total, a long order reference: sent with warnings', () => {
  const { payload, warnings } = mapThrough(order({}, { subtotal: null, revenue: null, order_id: 'X'.repeat(60) }));
  assert.equal(payload?.amount, 74.97);
  assert.deepEqual(warnings, [
    'orderReference has 60 characters: Awin keeps the first 50',
    'amount taken from the total less tax and shipping: Awin\'s amount is the subtotal after discounts, before tax and shipping (map properties.subtotal)',
  ]);
});

test('requests: one POST of up to 1,000 orders, the API key in x-api-key', () => {
  const mapped = (i: number): MappedEvent => ({ id: `m-${i}`, event: order(), payload: { orderReference: `ORD-${i}`, amount: 1, channel: 'aw' } });
  const [request, ...more] = requestsFor([mapped(1), mapped(2)], ctx());
  assert.deepEqual(more, []);
  assert.deepEqual(request, {
    method: 'POST', url: 'https://api.awin.com/s2s/advertiser/1001/orders',
    headers: { 'x-api-key': KEY, 'content-type': 'application/json', accept: 'application/json' },
    body: { orders: [{ orderReference: 'ORD-1', amount: 1, channel: 'aw' }, { orderReference: 'ORD-2', amount: 1, channel: 'aw' }] },
    eventIds: ['m-1', 'm-2'],
  });
  const requests = requestsFor(Array.from({ length: 2001 }, (_, i) => mapped(i)), ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [1000, 1000, 1]);
  assert.equal(awin.batch.maxEvents, 1000);
  assert.deepEqual(awin.rateLimit, { rps: 0.1, burst: 1 }, 'one request every 10 seconds, as the Conversion API asks');
});

test('answers: 2xx delivered; 400 naming one order of several split, else dead-lettered; 401/403/404 naming the config; 429 and 5xx retried', () => {
  const request: RequestDescriptor = { method: 'POST', url: 'https://api.awin.com/s2s/advertiser/1001/orders', body: { orders: [{ orderReference: 'ORD-1' }, { orderReference: 'ORD-2' }] }, eventIds: ['m-1', 'm-2'] };
  const one: RequestDescriptor = { ...request, body: { orders: [{ orderReference: 'ORD-1' }] }, eventIds: ['m-1'] };
  assert.deepEqual(classifyAwin(answer(200, {}), request), { status: 'delivered' });
  assert.deepEqual(classifyAwin(answer(202, {}), request), { status: 'delivered' });
  assert.equal(whole(classifyAwin(answer(200, undefined, {}, '<!DOCTYPE html><html>login</html>'), request)).status, 'retry');
  const perOrder = answer(400, { message: 'Invalid order', errors: [{ field: 'orders[1].amount', message: 'must be a number' }] });
  assert.equal(said(perOrder), 'Invalid order — orders[1].amount: must be a number');
  assert.equal(namesOneOrder(perOrder, request), true);
  assert.equal(namesOneOrder(answer(400, { message: 'Duplicate orderReference ORD-2' }), request), true);
  assert.equal(namesOneOrder(answer(400, { message: 'Malformed JSON' }), request), false);
  const numbered: RequestDescriptor = { ...request, body: { orders: [{ orderReference: '100' }, { orderReference: '2002' }] } };
  assert.equal(namesOneOrder(answer(400, { message: 'Advertiser 1001 is not enabled for server-to-server tracking' }), numbered), false, 'a reference inside a longer number names no order');
  assert.equal(namesOneOrder(answer(400, { message: 'Duplicate orderReference: 2002' }), numbered), true);
  assert.equal(namesOneOrder(answer(400, { message: 'Duplicate orderReference ORD-20' }), request), false, 'ORD-2 is not ORD-20');
  assert.equal(whole(classifyAwin(perOrder, request)).status, 'split');
  assert.deepEqual(classifyAwin(answer(400, { message: 'Malformed JSON' }), request), { status: 'dead_letter', reason: 'Awin refused the batch of orders (HTTP 400: Malformed JSON): check the mapped orderReference, amount, currency, voucher and basket (the blueprint), and config.commission_group and config.custom_parameters' });
  assert.deepEqual(classifyAwin(perOrder, one), { status: 'dead_letter', reason: 'Awin refused the order (HTTP 400: Invalid order — orders[1].amount: must be a number): check the mapped orderReference, amount, currency, voucher and basket (the blueprint), and config.commission_group and config.custom_parameters' });
  assert.equal(whole(classifyAwin(answer(413, undefined, {}, 'Payload Too Large'), request)).status, 'split');
  assert.match(whole(classifyAwin(answer(401, { error: 'Unauthorized' }), request)).reason!, /^Awin refused the API key \(HTTP 401: Unauthorized\): check config\.api_key/);
  assert.match(whole(classifyAwin(answer(403, { error: 'Forbidden' }), request)).reason!, /config\.advertiser_id/);
  assert.match(whole(classifyAwin(answer(404, undefined, {}, 'Not Found'), request)).reason!, /^Awin HTTP 404 \(Not Found\): no such advertiser — check config\.advertiser_id/);
  assert.deepEqual(classifyAwin(answer(429, undefined, { 'retry-after': '30' }, 'Too Many Requests'), request), { status: 'retry', reason: 'Awin rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 30_000, throttled: true });
  assert.deepEqual(classifyAwin(answer(503, undefined, {}, ''), request), { status: 'retry', reason: 'Awin HTTP 503: (no body)' });
  assert.deepEqual(classifyAwin(answer(409, { message: 'Conflict' }), request), { status: 'dead_letter', reason: 'Awin HTTP 409: Conflict' });
});

test('no deletion API: the plugin forwards no person deletion', () => {
  assert.equal(awin.forgetPerson, undefined);
});
