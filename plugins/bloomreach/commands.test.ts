import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent, JsonObject, JsonValue, PluginContext } from '../../core/sdk/index.ts';
import bloomreach from './index.ts';
import { commandsOf, fitCommands } from './commands.ts';

const TIME = '2024-03-24T16:00:00.250Z';
const SECONDS = 1711296000.25;
const CONFIG = { project_token: 'c178a8c8-5cea-11e8-aa8c-ac1f6b000000', api_key_id: 'key-id', api_secret: 'secret-1' };
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({ config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: Date.parse(TIME) + 1000, warn: (m) => warnings.push(m) });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', timestamp: TIME, receivedAt: TIME,
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/signup?utm_source=x', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const fit = (payload: JsonObject, event = browserEvent(), config: Record<string, JsonValue> = {}, warnings: string[] = []) => fitCommands(payload, event, ctx(config, warnings));

test('fit: a track call is one customers/events command — customer_ids by the config\'s names, event_type, timestamp in seconds, properties', () => {
  assert.deepEqual(fit({ event_type: 'Signed Up', properties: { plan: 'pro' } }, browserEvent({ userId: 'u-1' })), {
    commands: [{ name: 'customers/events', data: { customer_ids: { registered: 'u-1', cookie: 'df_abc' }, event_type: 'Signed Up', timestamp: SECONDS, properties: { plan: 'pro' } } }],
  });
  const data = (payload: JsonObject, event?: CanonicalEvent, config?: Record<string, JsonValue>) => commandsOf(fit(payload, event, config)!)[0]!.data as JsonObject;
  assert.equal(data({ event_type: 'X', timestamp: '2024-03-24T16:00:00Z' }).timestamp, 1711296000, 'the mapped timestamp');
  assert.deepEqual(data({ event_type: ' X ' }).properties, {}, 'properties always; the name trimmed');
  assert.equal(data({ event_type: 7 }).event_type, '7');
  assert.deepEqual(data({ event_type: 'X', properties: { email: 'jane@example.com', plan: 'pro', shipping: { name: 'Jane', city: 'Leeds' }, phone: '+44 7700 900123' } }).properties, { plan: 'pro', shipping_city: 'Leeds' }, 'contact information left out at any depth, objects flattened');
  assert.deepEqual(data({ event_type: 'X' }, browserEvent({ userId: 'u-1' }), { hard_id: 'customer_id', soft_id: '' }).customer_ids, { customer_id: 'u-1' });
});

test('fit: an identify is one customers command with update_timestamp; properties flattened and fitted; none left: not sent, said', () => {
  assert.deepEqual(fit({ properties: { email: 'Jane@Example.com', first_name: 'Jane', address: { city: 'Leeds' } }, ids: { email: 'jane@example.com' } }, browserEvent({ type: 'identify', userId: 'u-1' }), { email_id: 'email_id' }), {
    commands: [{ name: 'customers', data: { customer_ids: { registered: 'u-1', email_id: 'jane@example.com', cookie: 'df_abc' }, properties: { email: 'Jane@Example.com', first_name: 'Jane', address_city: 'Leeds' }, update_timestamp: SECONDS } }],
  });
  const warnings: string[] = [];
  assert.equal(fit({ properties: { gone: null } }, browserEvent({ type: 'identify' }), {}, warnings), null);
  assert.deepEqual(warnings, ['not sent: no customer property to update (Bloomreach\'s customer update requires at least one); later events carrying the same ids still merge the visitor into the customer']);
});

test('fit: what Bloomreach would refuse is dead-lettered alone, saying why', () => {
  assert.throws(() => fit({ event_type: 'X' }, browserEvent({ anonymousId: 'undefined' })), /^PermanentError: Bloomreach needs a customer ID and this event has none usable: no userId for the hard ID "registered" nor an anonymousId for the soft ID "cookie"; placeholders/);
  assert.throws(() => fit({ event_type: 'X' }, browserEvent(), { soft_id: '' }), /config\.soft_id is blank, so the anonymousId is not sent/);
  assert.throws(() => fit({ event_type: '  ' }), /needs an event_type/);
  assert.throws(() => fit({ event_type: 'X', properties: 'plan' }), /takes properties as an object/);
  assert.throws(() => fit({ event_type: 'X', timestamp: 'next tuesday' }), /the blueprint mapped "next tuesday" to timestamp, which is no date/);
  assert.throws(() => fit({}), /mapped nothing Bloomreach records/);
  assert.throws(() => fit({ properties: Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`notes_${i}`, 'x'.repeat(15_000)])) }, browserEvent({ type: 'identify' })), /this customer update is \d+ bytes and Bloomreach takes updates under 800 KB/);
});

test('fit: a purchase is followed by a purchase_item per product, with total_quantity; config.purchase_item_events off sends the purchase alone', () => {
  const order: JsonObject = { event_type: 'purchase', properties: { purchase_id: 'O-1', purchase_status: 'success', local_currency: 'EUR', total_price: 25, product_list: [{ product_id: 'A', quantity: 2 }, { product_id: 'B' }] }, purchase_items: [{ product_id: 'A', price: 10, quantity: 2, title: 'Mug' }, { product_id: 'B', price: 5 }] };
  const commands = commandsOf(fit(order)!);
  assert.deepEqual(commands.map((c) => (c.data as JsonObject).event_type), ['purchase', 'purchase_item', 'purchase_item']);
  assert.equal(((commands[0]!.data as JsonObject).properties as JsonObject).total_quantity, 3);
  assert.deepEqual((commands[1]!.data as JsonObject).properties, { purchase_id: 'O-1', purchase_status: 'success', local_currency: 'EUR', product_id: 'A', price: 10, price_local_currency: 10, quantity: 2, title: 'Mug', total_price: 20, total_price_local_currency: 20 });
  assert.equal(((commands[0]!.data as JsonObject).properties as JsonObject).total_price_local_currency, 25, 'no reference currency configured: the amounts are taken to be in it');
  assert.equal((commands[2]!.data as JsonObject).timestamp, SECONDS, 'each item at the order\'s time');
  assert.deepEqual(commandsOf(fit(order, browserEvent(), { purchase_item_events: false })!).map((c) => (c.data as JsonObject).event_type), ['purchase']);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/bloomreach/${variant}.yaml`, import.meta.url), 'utf8'), { config: ctx().config });
/** The commands the plugin makes of an event through a variant's blueprint (null: not sent). */
const mapped = (variant: string, event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject[] | null => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, []);
  if (result.vendorEvent === null) return null;
  const fitted = bloomreach.map!(result.vendorEvent, event, ctx(config));
  return fitted === null ? null : commandsOf(fitted).map((c) => ({ name: c.name!, ...(c.data as JsonObject) }));
};

test('default blueprint: identify traits as customer properties under Bloomreach\'s names; page_visit; screen_visit; group; alias not sent', () => {
  const identify = browserEvent({ type: 'identify', userId: 'u-1', traits: { email: ' Jane@Example.com ', firstName: 'Jane', lastName: 'Doe', phone: '+447700900123', company: { name: 'Acme' }, birthday: '1990-05-01', plan: 'pro', address: { city: 'Leeds', country: 'GB' } } });
  assert.deepEqual(mapped('default', identify, { email_id: 'email_id' }), [{
    name: 'customers', customer_ids: { registered: 'u-1', email_id: 'jane@example.com', cookie: 'df_abc' },
    properties: { email: 'Jane@Example.com', phone: '+447700900123', plan: 'pro', address_city: 'Leeds', address_country: 'GB', first_name: 'Jane', last_name: 'Doe', company: 'Acme', birth_date: '1990-05-01' },
    update_timestamp: SECONDS,
  }]);
  assert.equal(mapped('default', browserEvent({ type: 'identify', userId: 'u-1' })), null, 'an identify without traits: not sent');
  assert.deepEqual(mapped('default', browserEvent({ type: 'page', name: 'Pricing', properties: { url: 'https://shop.example.com/pricing', category: 'Docs' } })), [{
    name: 'customers/events', customer_ids: { cookie: 'df_abc' }, event_type: 'page_visit', timestamp: SECONDS,
    properties: { category: 'Docs', location: 'https://shop.example.com/pricing', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/', page_name: 'Pricing' },
  }]);
  assert.deepEqual(mapped('default', browserEvent({ type: 'screen', name: 'Home', properties: { feed: 'private' }, context: {} })), [{ name: 'customers/events', customer_ids: { cookie: 'df_abc' }, event_type: 'screen_visit', timestamp: SECONDS, properties: { feed: 'private', screen_name: 'Home' } }]);
  assert.deepEqual(mapped('default', browserEvent({ type: 'group', userId: 'u-1', groupId: 'g-1', traits: { name: 'Acme', industry: 'Retail' } })), [{ name: 'customers', customer_ids: { registered: 'u-1', cookie: 'df_abc' }, properties: { group_name: 'Acme', group_industry: 'Retail', group_id: 'g-1' }, update_timestamp: SECONDS }]);
  assert.equal(mapped('default', browserEvent({ type: 'alias', userId: 'u-1', previousId: 'df_abc' })), null);
  assert.deepEqual(mapped('default', browserEvent({ properties: { plan: 'pro' } })), [{ name: 'customers/events', customer_ids: { cookie: 'df_abc' }, event_type: 'Signed Up', timestamp: SECONDS, properties: { plan: 'pro', location: 'https://shop.example.com/signup?utm_source=x' } }], 'a track event: its page as location');
});

test('default blueprint: Order Completed as purchase with purchase_item per product; Order Refunded as a refund; Product Viewed and Added as view_item and cart_update', () => {
  const products: JsonObject[] = [{ product_id: 'SKU-1', sku: 'S1', name: 'Shoe', brand: 'Stride', category: 'Footwear', price: 59.99, quantity: 1 }, { product_id: 'SKU-2', name: 'Sock', price: '15', quantity: 2 }];
  const order = browserEvent({ userId: 'u-1', event: 'Order Completed', properties: { order_id: 'O-1', total: 89.99, revenue: 84, shipping: 4.99, currency: 'gbp', coupon: 'SPRING', discount: 5, affiliation: 'Web shop', products } });
  const [purchase, ...items] = mapped('default', order)!;
  assert.deepEqual(purchase, {
    name: 'customers/events', customer_ids: { registered: 'u-1', cookie: 'df_abc' }, event_type: 'purchase', timestamp: SECONDS,
    properties: {
      location: 'https://shop.example.com/signup?utm_source=x', shipping: 4.99, purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', purchase_source_name: 'Web shop',
      total_price: 89.99, total_price_local_currency: 89.99, local_currency: 'GBP', voucher_code: 'SPRING', voucher_value: 5,
      product_list: [{ product_id: 'SKU-1', sku: 'S1', quantity: 1 }, { product_id: 'SKU-2', quantity: 2 }], product_ids: ['SKU-1', 'SKU-2'], total_quantity: 3,
    },
  });
  assert.deepEqual(items.map((i) => i.properties), [
    { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', purchase_source_name: 'Web shop', local_currency: 'GBP', product_id: 'SKU-1', sku: 'S1', title: 'Shoe', brand: 'Stride', category_level_1: 'Footwear', price_local_currency: 59.99, price: 59.99, quantity: 1, total_price: 59.99, total_price_local_currency: 59.99 },
    { purchase_id: 'O-1', purchase_status: 'success', purchase_source_type: 'online', purchase_source_name: 'Web shop', local_currency: 'GBP', product_id: 'SKU-2', title: 'Sock', price_local_currency: 15, price: 15, quantity: 2, total_price: 30, total_price_local_currency: 30 },
  ]);
  assert.deepEqual(items.map((i) => i.event_type), ['purchase_item', 'purchase_item']);
  const refund = mapped('default', browserEvent({ userId: 'u-1', event: 'Order Refunded', properties: { order_id: 'O-1', total: 15, currency: 'GBP', products: [products[1]!] } }))!;
  assert.deepEqual(refund.map((c) => [c.event_type, (c.properties as JsonObject).purchase_status]), [['purchase', 'refund'], ['purchase_item', 'refund']]);
  assert.throws(() => mapped('default', browserEvent({ event: 'Order Completed', properties: { order_id: 'O-2', total: 1, currency: '$' } })), /local_currency is required but currency/, 'an unreadable currency is an error, not revenue in the wrong currency');
  const native = mapped('default', browserEvent({ event: 'purchase', properties: { purchase_id: 'P-9', purchase_status: 'success', total_price: 12, local_currency: 'EUR', product_list: [{ product_id: 'A', quantity: 1 }] } }))!;
  assert.deepEqual(native[0]!.properties, { purchase_id: 'P-9', purchase_status: 'success', total_price: 12, local_currency: 'EUR', product_list: [{ product_id: 'A', quantity: 1 }], location: 'https://shop.example.com/signup?utm_source=x', purchase_source_type: 'online', total_price_local_currency: 12, total_quantity: 1 }, 'a site\'s own purchase attributes kept');
  const viewed = mapped('default', browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-1', name: 'Shoe', price: 59.99, currency: 'GBP', category: 'Footwear', url: 'https://shop.example.com/p/shoe' } }))!;
  assert.deepEqual(viewed[0]!.event_type, 'view_item');
  assert.deepEqual(viewed[0]!.properties, { location: 'https://shop.example.com/p/shoe', product_id: 'SKU-1', title: 'Shoe', category_level_1: 'Footwear', price: 59.99, price_local_currency: 59.99, local_currency: 'GBP' });
  const added = mapped('default', browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', name: 'Shoe', price: 59.99, quantity: 2, cart_id: 'c-1' } }))!;
  assert.deepEqual([added[0]!.event_type, added[0]!.properties], ['cart_update', { location: 'https://shop.example.com/signup?utm_source=x', cart_id: 'c-1', product_id: 'SKU-1', title: 'Shoe', price: 59.99, price_local_currency: 59.99, action: 'add', quantity: 2 }]);
  const removed = mapped('default', browserEvent({ event: 'Product Removed', properties: { product_id: 'SKU-1' } }))!;
  assert.deepEqual([(removed[0]!.properties as JsonObject).action, (removed[0]!.properties as JsonObject).quantity], ['remove', 1]);
  const clicked = mapped('default', browserEvent({ event: 'Product Clicked', properties: { product_id: 'SKU-1', name: 'Shoe' } }))!;
  assert.deepEqual(clicked[0]!.properties, { location: 'https://shop.example.com/signup?utm_source=x', product_id: 'SKU-1', title: 'Shoe' }, 'a product\'s name as title (a top-level name would be left out as a person\'s)');
});

test('default blueprint with config.reference_currency: an order in another currency carries its amounts as *_local_currency only, said once', () => {
  const order = (currency: string) => browserEvent({ userId: 'u-1', event: 'Order Completed', properties: { order_id: 'O-1', total: 30, currency, products: [{ product_id: 'A', price: 15, quantity: 2 }] } });
  const warnings: string[] = [];
  const result = blueprint('default').mapEvent(order('USD'));
  const fitted = commandsOf(bloomreach.map!(result.vendorEvent!, order('USD'), ctx({ reference_currency: 'eur' }, warnings))!).map((c) => (c.data as JsonObject).properties as JsonObject);
  assert.deepEqual([fitted[0]!.total_price, fitted[0]!.total_price_local_currency, fitted[0]!.local_currency], [undefined, 30, 'USD']);
  assert.deepEqual([fitted[1]!.price, fitted[1]!.total_price, fitted[1]!.price_local_currency, fitted[1]!.total_price_local_currency], [undefined, undefined, 15, 30]);
  assert.deepEqual(warnings, ['total_price and price left out: the event\'s currency (USD) is not config.reference_currency (EUR), the one Bloomreach takes them in, and Signal does not convert; the amounts went as total_price_local_currency and price_local_currency']);
  const same = mapped('default', order('EUR'), { reference_currency: 'EUR' })!;
  assert.deepEqual([(same[0]!.properties as JsonObject).total_price, (same[1]!.properties as JsonObject).total_price], [30, 30], 'in the reference currency: filled in');
  const own = mapped('default', browserEvent({ userId: 'u-1', event: 'Order Completed', properties: { order_id: 'O-2', total: 30, total_price: 27.5, currency: 'USD' } }), { reference_currency: 'EUR' })!;
  assert.deepEqual([(own[0]!.properties as JsonObject).total_price, (own[0]!.properties as JsonObject).total_price_local_currency], [27.5, 30], 'a site\'s own reference-currency total kept');
});

test('segment_compatible blueprint: as Bloomreach\'s Segment destination — traits as they are, events under their names with the context, page_name, screen_name', () => {
  assert.deepEqual(mapped('segment_compatible', browserEvent({ type: 'identify', userId: 'u-1', traits: { firstName: 'Jane', address: { city: 'New York' } } })), [{ name: 'customers', customer_ids: { registered: 'u-1', cookie: 'df_abc' }, properties: { firstName: 'Jane', address_city: 'New York' }, update_timestamp: SECONDS }]);
  const campaign = { name: 'spring', source: 'google' };
  assert.deepEqual(mapped('segment_compatible', browserEvent({ event: 'Registered', properties: { plan: 'Pro Annual', accountType: 'Facebook' }, context: { campaign, userAgent: 'UA/1', device: { id: 'd-1', advertisingId: 'IDFA' } } })), [{
    name: 'customers/events', customer_ids: { cookie: 'df_abc' }, event_type: 'Registered', timestamp: SECONDS,
    properties: { plan: 'Pro Annual', accountType: 'Facebook', device_id: 'd-1', campaign_name: 'spring', campaign_source: 'google', user_agent: 'UA/1' },
  }], 'the device without its advertising id');
  assert.deepEqual(mapped('segment_compatible', browserEvent({ type: 'page', name: 'Home', properties: { url: 'https://example.com', referrer: 'http://google.com' }, context: {} })), [{ name: 'customers/events', customer_ids: { cookie: 'df_abc' }, event_type: 'page_visit', timestamp: SECONDS, properties: { url: 'https://example.com', referrer: 'http://google.com', page_name: 'Home' } }]);
  assert.deepEqual(mapped('segment_compatible', browserEvent({ type: 'screen', name: 'Home', properties: { 'Feed Type': 'private' }, context: {} }))![0]!.properties, { 'Feed Type': 'private', screen_name: 'Home' });
  assert.deepEqual(mapped('segment_compatible', browserEvent({ type: 'group', userId: 'u-1', groupId: '123', traits: { name: 'Bloomreach', industry: 'Technology' } }))![0]!.properties, { group_name: 'Bloomreach', group_industry: 'Technology', group_id: '123' });
  assert.equal(mapped('segment_compatible', browserEvent({ event: 'Order Completed', properties: { order_id: 'O-1' } }))!.length, 1, 'an order under its own name, without purchase_item events');
});
