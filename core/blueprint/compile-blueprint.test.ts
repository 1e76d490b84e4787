import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { BlueprintError, compileBlueprint } from './compile-blueprint.ts';

const order: CanonicalEvent = {
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-123', anonymousId: 'df_abc123def456',
  timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  properties: {
    order_id: 'ORD-5521', total: '89.99', currency: 'gbp',
    products: [{ product_id: 'SKU-100', price: 59.99, quantity: 1 }, { product_id: 'SKU-205', price: 15, quantity: 2 }],
  },
  context: { ip: '203.0.113.9', page: { path: '/checkout', url: 'https://shop.example.com/checkout' }, library: { name: 'datafly.js', version: '2.4.0' } },
  partner_attrs: { amperity: { Persona: 'Loyalist' } },
};

const yaml = `
version: 2
parameters:
  api_key: { config: api_key, required: true }
  platform: Web
event_name_target: event_type
global:
  - { source: userId, target: user_id }
  - { source: anonymousId, target: device_id }
  - { source: timestamp, target: time, transforms: [to_unix_ms] }
  - { source: context.ip, target: ip }
  - { source: parameters.platform, target: platform }
  - { template: "{{context.library.name}}/{{context.library.version}}", target: library }
  - { source: messageId, target: insert_id }
  - { source: partner_attrs.amperity.Persona, target: user_properties.persona }
events:
  order:
    names: [purchase, Order Completed]
    event_name: Order Completed
    mappings:
      - { source: properties.total, target: revenue, transforms: [to_number] }
      - { source: properties.currency, target: event_properties.currency, transforms: [currency] }
      - { source: 'properties.products[].product_id', target: event_properties.product_ids }
      - source: properties.products
        target: products
        each:
          - { source: product_id, target: productId }
          - { source: price, target: price }
      - { template: "{{properties.order_id}}-{{context.page.path}}", target: event_properties.ref }
    enrichments:
      - { value: purchase, target: revenueType }
  page:
    event_name: Page Viewed
    filter: 'context.page.path != "/health"'
    mappings:
      - { source: context.page.url, target: event_properties.page_url }
  identify:
    event_name: $identify
    mappings:
      - { source: traits, target: user_properties.$set, exclude: [password] }
      - { source: traits.email, target: user_properties.email_hash, transforms: [sha256], required: true }
defaults:
  action: pass_through
  properties_target: event_properties
`;

test('global rows, a handler accepting two names, arrays, each, templates and parameters', () => {
  const blueprint = compileBlueprint(yaml, { file: 'test.yaml', config: { api_key: 'k' } });
  const result = blueprint.mapEvent(order);
  assert.deepEqual(result.errors, []);
  assert.deepEqual(result.warnings, []);
  assert.equal(result.handler, 'order');
  assert.deepEqual(result.vendorEvent, {
    event_type: 'Order Completed', user_id: 'user-123', device_id: 'df_abc123def456', time: 1711296000000, ip: '203.0.113.9',
    platform: 'Web', library: 'datafly.js/2.4.0', insert_id: 'm-1', user_properties: { persona: 'Loyalist' },
    revenue: 89.99,
    event_properties: { currency: 'GBP', product_ids: ['SKU-100', 'SKU-205'], ref: 'ORD-5521-/checkout' },
    products: [{ productId: 'SKU-100', price: 59.99 }, { productId: 'SKU-205', price: 15 }],
    revenueType: 'purchase',
  });
  const ga4 = blueprint.mapEvent({ ...order, event: 'purchase' });
  assert.equal(ga4.handler, 'order', 'the GA4 name takes the same handler');
  assert.equal(ga4.vendorEvent?.event_type, 'Order Completed');
});

test('typed events, filters, pass-through defaults', () => {
  const blueprint = compileBlueprint(yaml, { config: { api_key: 'k' } });
  const page = { ...order, type: 'page' as const, event: undefined, properties: {} };
  assert.equal(blueprint.mapEvent(page).vendorEvent?.event_type, 'Page Viewed');
  const health = blueprint.mapEvent({ ...page, context: { page: { path: '/health' } } });
  assert.deepEqual([health.vendorEvent, health.dropped], [null, 'filter']);
  const custom = blueprint.mapEvent({ ...order, event: 'Feature Activated', properties: { feature_name: 'dark_mode' } });
  assert.equal(custom.handler, 'defaults');
  assert.equal(custom.vendorEvent?.event_type, 'Feature Activated');
  assert.deepEqual(custom.vendorEvent?.event_properties, { feature_name: 'dark_mode' });
});

test('a failing transform drops the field with a warning; a required field dead-letters', () => {
  const blueprint = compileBlueprint(yaml, { config: { api_key: 'k' } });
  const bad = blueprint.mapEvent({ ...order, properties: { ...order.properties, total: 'lots', currency: 'pounds' } });
  assert.equal(bad.vendorEvent?.revenue, undefined);
  assert.deepEqual(bad.warnings, [
    'revenue: to_number: "lots" is not a number; the field was left out',
    'event_properties.currency: currency: "POUNDS" is not an ISO 4217 code; the field was left out',
  ]);
  const identify = blueprint.mapEvent({ ...order, type: 'identify', event: undefined, traits: { plan: 'pro', password: 'x' } });
  assert.equal(identify.vendorEvent, null);
  assert.deepEqual(identify.errors, ['user_properties.email_hash is required but traits.email is missing']);
  const ok = blueprint.mapEvent({ ...order, type: 'identify', event: undefined, traits: { plan: 'pro', password: 'x', email: 'A@B.co' } });
  assert.deepEqual((ok.vendorEvent?.user_properties as { $set: unknown }).$set, { plan: 'pro', email: 'A@B.co' }, 'excluded keys stay out');
});

test('missing sources are left out; defaults fill them; when guards a row', () => {
  const blueprint = compileBlueprint({
    global: [
      { source: 'properties.nothing', target: 'a' },
      { source: 'properties.nothing', target: 'b', default: 'n/a' },
      { value: 'yes', target: 'c', when: 'properties.total > 50' },
      { value: 'no', target: 'd', when: 'properties.total > 500' },
    ],
    defaults: { action: 'map', mappings: [{ source: 'event', target: 'name' }] },
  });
  assert.deepEqual(blueprint.mapEvent(order).vendorEvent, { b: 'n/a', c: 'yes', name: 'Order Completed' });
});

test('drop defaults drop unknown events', () => {
  const blueprint = compileBlueprint({ events: { page: { mappings: [] } }, defaults: { action: 'drop' } });
  assert.deepEqual(blueprint.mapEvent(order), { vendorEvent: null, dropped: 'default_drop', handler: 'defaults', warnings: [], errors: [] });
});

test('errors name the file, line, column and reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['global:\n  - { source: userId, target: user_id, transforms: [shout] }\n', /^x\.yaml:2:52: global\[0\]\.transforms: unknown transform "shout"/],
    ['events:\n  page:\n    filter: "context.page.path =="\n', /^x\.yaml:3:13: events\.page\.filter: filter: the filter ends too early/],
    ['global:\n  - { target: x }\n', /^x\.yaml:2:5: global\[0\]: a row needs exactly one of source, value or template/],
    ['defaults:\n  action: forward\n', /^x\.yaml:2:11: defaults\.action: must be one of: pass_through, drop, map/],
    ['events:\n  page:\n    mapings: []\n', /^x\.yaml:3:5: events\.page\.mapings: unknown key "mapings"/],
    ['global:\n  - { source: "properties..x", target: y }\n', /^x\.yaml:2:15: global\[0\]\.source: "" in "properties\.\.x" is not a valid path segment/],
    ['global: [\n', /^x\.yaml:\d+:\d+: YAML: /],
    ['events:\n  a: { names: [page] }\n  b: { names: [page] }\n', /^x\.yaml:3:\d+: events\.b\.names: "page" is already taken by handler "a"/],
    ['parameters:\n  key: { config: api_key, required: true }\n', /^x\.yaml:2:8: parameters\.key: config field "api_key" is required/],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => compileBlueprint(source, { file: 'x.yaml', config: {} }), (e: unknown) => e instanceof BlueprintError && message.test(e.message), `${source} → ${message}`);
  }
});

test('mapping is pure: the event is not changed and the same event maps the same', () => {
  const blueprint = compileBlueprint(yaml, { config: { api_key: 'k' } });
  const copy = structuredClone(order);
  const a = blueprint.mapEvent(copy);
  const b = blueprint.mapEvent(copy);
  assert.deepEqual(a, b);
  assert.deepEqual(copy, order);
  (a.vendorEvent!.products as Array<Record<string, unknown>>)[0]!.price = 0;
  assert.equal((order.properties!.products as Array<{ price: number }>)[0]!.price, 59.99, 'outputs share nothing with the event');
});

test('a list of sources takes the first with a value', () => {
  const blueprint = compileBlueprint({ global: [{ source: ['properties.email', 'traits.email', 'context.traits.email'], target: 'email', required: true }] });
  assert.equal(blueprint.mapEvent({ ...order, context: { traits: { email: 'ctx@x.co' } } }).vendorEvent?.email, 'ctx@x.co');
  assert.equal(blueprint.mapEvent({ ...order, properties: { email: 'p@x.co' }, traits: { email: 't@x.co' } }).vendorEvent?.email, 'p@x.co');
  assert.deepEqual(blueprint.mapEvent({ ...order, context: {} }).errors, ['email is required but properties.email / traits.email / context.traits.email are missing']);
});
