import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { BlueprintError, compileBlueprint, handlerKey, loadBlueprintFile } from './compile-blueprint.ts';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

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
const page: CanonicalEvent = { ...order, type: 'page', event: undefined, name: 'Checkout', properties: { title: 'Checkout' } };
const identify: CanonicalEvent = { ...order, type: 'identify', event: undefined, properties: undefined, traits: { plan: 'pro', password: 'x', email: ' A@B.co ' } };

const yaml = `
version: 2
parameters:
  api_key: { config: api_key, required: true }
  region: { config: region, default: eu }
  platform: Web
event_name_target: event_type
global:
  - { source: userId, target: user_id }
  - { source: anonymousId, target: device_id }
  - { source: timestamp, target: time, transforms: [to_unix_ms] }
  - { source: context.ip, target: ip }
  - { source: parameters.platform, target: platform }
  - { template: "{{context.library.name}}/{{context.library.version}}", target: library }
  - { template: "{{parameters.region}}:{{parameters.api_key}}", target: auth }
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
      - source: 'properties.products[]'
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

test('handlers match a track event by its name and other calls by their type', () => {
  assert.equal(handlerKey(order), 'Order Completed');
  assert.equal(handlerKey(page), 'page');
  assert.equal(handlerKey({ ...order, type: 'screen', event: undefined }), 'screen');
});

test('a track event named like a call type ("identify", "page") is not that call: the defaults take it', () => {
  const blueprint = compileBlueprint(`
version: 2
event_name_target: type
events:
  identify: { names: [identify], mappings: [{ source: traits, target: traits }] }
  pageview: { names: [page], event_name: pageview, mappings: [{ source: name, target: page_name }] }
defaults: { action: pass_through, properties_target: properties }
`);
  const tracked = blueprint.mapEvent({ ...order, event: 'identify', properties: { plan: 'pro' } });
  assert.equal(tracked.handler, 'defaults');
  assert.deepEqual(tracked.vendorEvent, { type: 'identify', properties: { plan: 'pro' } });
  assert.equal(blueprint.mapEvent({ ...order, event: 'page', properties: { a: 1 } }).handler, 'defaults');
  assert.equal(blueprint.mapEvent(identify).handler, 'identify', 'the identify call still is');
  assert.equal(blueprint.mapEvent(page).handler, 'pageview');
});

test('golden: global rows, a handler taking two names, arrays, each, templates and parameters', () => {
  const blueprint = compileBlueprint(yaml, { file: 'test.yaml', config: { api_key: 'k' } });
  const result = blueprint.mapEvent(order);
  assert.deepEqual(result, {
    vendorEvent: {
      event_type: 'Order Completed', user_id: 'user-123', device_id: 'df_abc123def456', time: 1711296000000, ip: '203.0.113.9',
      platform: 'Web', library: 'datafly.js/2.4.0', auth: 'eu:k', insert_id: 'm-1', user_properties: { persona: 'Loyalist' },
      revenue: 89.99,
      event_properties: { currency: 'GBP', product_ids: ['SKU-100', 'SKU-205'], ref: 'ORD-5521-/checkout' },
      products: [{ productId: 'SKU-100', price: 59.99 }, { productId: 'SKU-205', price: 15 }],
      revenueType: 'purchase',
    },
    eventName: 'Order Completed', handler: 'order', warnings: [], errors: [],
  });
  const ga4 = blueprint.mapEvent({ ...order, event: 'purchase' });
  assert.equal(ga4.handler, 'order', 'the GA4 name takes the same handler');
  assert.equal(ga4.vendorEvent?.event_type, 'Order Completed');
  assert.deepEqual(blueprint.handlers, [
    { name: 'order', names: ['purchase', 'Order Completed'], eventName: 'Order Completed' },
    { name: 'page', names: ['page'], eventName: 'Page Viewed' },
    { name: 'identify', names: ['identify'], eventName: '$identify' },
  ]);
  assert.deepEqual(blueprint.parameterNames, ['api_key', 'region', 'platform']);
});

test('golden: typed events, handler filters, whole-object copies, pass-through defaults', () => {
  const blueprint = compileBlueprint(yaml, { config: { api_key: 'k', region: 'us' } });
  const viewed = blueprint.mapEvent(page);
  assert.equal(viewed.handler, 'page');
  assert.equal(viewed.vendorEvent?.event_type, 'Page Viewed');
  assert.equal(viewed.vendorEvent?.auth, 'us:k', 'config wins over a parameter default');
  assert.deepEqual(viewed.vendorEvent?.event_properties, { page_url: 'https://shop.example.com/checkout' });
  const health = blueprint.mapEvent({ ...page, context: { page: { path: '/health' } } });
  assert.deepEqual(health, { vendorEvent: null, dropped: 'filter', dropReason: 'the "page" handler\'s filter did not match: context.page.path != "/health"', handler: 'page', warnings: [], errors: [] });

  const who = blueprint.mapEvent(identify);
  assert.equal(who.vendorEvent?.event_type, '$identify');
  assert.deepEqual(who.vendorEvent?.user_properties, { persona: 'Loyalist', $set: { plan: 'pro', email: ' A@B.co ' }, email_hash: sha('a@b.co') }, 'traits copied without the excluded keys');

  const custom = blueprint.mapEvent({ ...order, event: 'Feature Activated', properties: { feature_name: 'dark_mode', flags: { beta: true } } });
  assert.equal(custom.handler, 'defaults');
  assert.equal(custom.eventName, 'Feature Activated');
  assert.equal(custom.vendorEvent?.event_type, 'Feature Activated', 'pass-through keeps the canonical name');
  assert.deepEqual(custom.vendorEvent?.event_properties, { feature_name: 'dark_mode', flags: { beta: true } });
  assert.equal(custom.vendorEvent?.user_id, 'user-123', 'global rows apply to pass-through events');
});

test('a failing transform drops the field with a warning; on a required field the event is an error', () => {
  const blueprint = compileBlueprint(yaml, { config: { api_key: 'k' } });
  const bad = blueprint.mapEvent({ ...order, properties: { ...order.properties, total: 'lots', currency: 'pounds' } });
  assert.equal(bad.vendorEvent?.revenue, undefined);
  assert.equal((bad.vendorEvent?.event_properties as Record<string, unknown>).currency, undefined);
  assert.deepEqual(bad.errors, []);
  assert.deepEqual(bad.warnings, [
    'revenue: to_number: "lots" is not a number; the field was left out',
    'event_properties.currency: currency: "pounds" is not an ISO 4217 code; the field was left out',
  ]);
  const noEmail = blueprint.mapEvent({ ...identify, traits: { plan: 'pro' } });
  assert.equal(noEmail.vendorEvent, null);
  assert.deepEqual(noEmail.errors, ['user_properties.email_hash is required but traits.email is missing']);
  const badEmail = blueprint.mapEvent({ ...identify, traits: { email: '   ' } });
  assert.equal(badEmail.vendorEvent, null);
  assert.deepEqual(badEmail.errors, ['user_properties.email_hash is required but sha256: the value is empty']);
});

test('missing sources are left out; default fills them; when guards a row; value rows', () => {
  const blueprint = compileBlueprint({
    global: [
      { source: 'properties.nothing', target: 'a' },
      { source: 'properties.nothing', target: 'b', default: 'n/a' },
      { source: 'properties.total', target: 'c', transforms: ['to_number'], default: 0 },
      { value: 'yes', target: 'd', when: 'properties.total > 50' },
      { value: 'no', target: 'e', when: 'properties.total > 500' },
      { value: { nested: [1, 2] }, target: 'f' },
      { source: 'context.page.nothing.deeper.still', target: 'g' },
      { source: 'properties.order_id.length', target: 'h' },
    ],
    defaults: { action: 'map', mappings: [{ source: 'event', target: 'name' }] },
  });
  const result = blueprint.mapEvent(order);
  assert.deepEqual(result.vendorEvent, { b: 'n/a', c: 89.99, d: 'yes', f: { nested: [1, 2] }, name: 'Order Completed' });
  assert.deepEqual(result.warnings, []);
  const unparsable = blueprint.mapEvent({ ...order, properties: { total: 'lots' } });
  assert.equal(unparsable.vendorEvent?.c, 0);
  assert.deepEqual(unparsable.warnings, ['c: to_number: "lots" is not a number; the default was used']);
  (result.vendorEvent!.f as { nested: number[] }).nested.push(3);
  assert.deepEqual(blueprint.mapEvent(order).vendorEvent?.f, { nested: [1, 2] }, 'a static object is never shared between events');
});

test('an object merges into an object already at its target, whatever the order', () => {
  const blueprint = compileBlueprint(`
global:
  - { source: context.page.url, target: event_properties.page_url }
  - { value: signal, target: event_properties.source }
events:
  order:
    names: [Order Completed]
    mappings:
      - { source: properties, target: event_properties, exclude: [products] }
      - { source: properties.order_id, target: event_properties.ref }
defaults: { action: pass_through, properties_target: event_properties }
`);
  assert.deepEqual(blueprint.mapEvent(order).vendorEvent?.event_properties, {
    page_url: 'https://shop.example.com/checkout', source: 'signal', order_id: 'ORD-5521', total: '89.99', currency: 'gbp', ref: 'ORD-5521',
  }, 'handler rows add to the global ones; a later row wins on the same key');
  assert.deepEqual(blueprint.mapEvent({ ...order, event: 'Custom', properties: { source: 'settings', a: 1 } }).vendorEvent?.event_properties, {
    source: 'signal', a: 1, page_url: 'https://shop.example.com/checkout',
  }, 'pass-through properties first, global rows over them');
});

test('global may be a list or {mappings: [...]} (the spec form)', () => {
  const blueprint = compileBlueprint('global:\n  mappings:\n    - source: partner_attrs.amperity.Persona\n      target: user_persona\n');
  assert.deepEqual(blueprint.mapEvent(order).vendorEvent, { user_persona: 'Loyalist' });
  assert.deepEqual(blueprint.mappedTargets, ['user_persona']);
});

test('arrays: [] paths give lists, nested [] give nested lists, each maps lists of objects', () => {
  const event: CanonicalEvent = {
    ...order,
    properties: {
      products: [
        { id: 'a', price: '10', tags: ['x', 'y'] },
        { id: 'b', tags: ['z'] },
        { id: 'c', price: 'free' },
      ],
    },
  };
  const blueprint = compileBlueprint(`
global:
  - { source: 'properties.products[].price', target: prices }
  - { source: 'properties.products[].tags', target: tags }
  - { source: 'properties.products.0.id', target: first }
  - { source: 'properties.products[].tags[]', target: flat }
  - source: properties.products
    target: items
    each:
      - { source: id, target: item_id, transforms: [uppercase] }
      - { source: price, target: price, transforms: [to_number] }
      - { source: price, target: price_required, required: true }
  - source: properties.nothing
    target: none
    each: [{ source: id, target: id }]
`);
  const result = blueprint.mapEvent(event);
  assert.deepEqual(result.vendorEvent, {
    prices: ['10', 'free'],
    tags: [['x', 'y'], ['z']],
    first: 'a',
    flat: [['x', 'y'], ['z']],
    items: [{ item_id: 'A', price: 10, price_required: '10' }, { item_id: 'C', price_required: 'free' }],
  });
  assert.deepEqual(result.warnings, [
    'items[1].price_required is required but price is missing; the element was left out',
    'items[2].price: to_number: "free" is not a number; the field was left out',
  ]);
  assert.deepEqual(result.errors, []);
});

test('mapping is pure: the event is not changed and the vendor event shares nothing with it', () => {
  const blueprint = compileBlueprint(`
global:
  - { source: properties, target: event_properties }
  - { source: traits, target: user_properties.$set }
  - { source: 'properties.products[]', target: raw_products }
`);
  const event: CanonicalEvent = { ...structuredClone(order), traits: { address: { city: 'Leeds' } } };
  const copy = structuredClone(event);
  const a = blueprint.mapEvent(event);
  assert.deepEqual(a, blueprint.mapEvent(event));
  const out = a.vendorEvent as { event_properties: { products: Array<{ price: number }> }; user_properties: { $set: { address: { city: string } } }; raw_products: Array<{ price: number }> };
  out.event_properties.products[0]!.price = 0;
  out.user_properties.$set.address.city = 'York';
  out.raw_products[1]!.price = 0;
  assert.deepEqual(event, copy, 'the input is untouched');
});

test('parameters: bound from config or by name, overridden per call, declared before use', () => {
  const source = 'parameters:\n  key: { config: api_key, required: true }\n  mode: { config: mode, default: live }\nglobal:\n  - { source: parameters.key, target: key }\n  - { source: parameters.mode, target: mode }\n';
  const fromConfig = compileBlueprint(source, { config: { api_key: 'a' } });
  assert.deepEqual(fromConfig.mapEvent(order).vendorEvent, { key: 'a', mode: 'live' });
  assert.deepEqual(fromConfig.mapEvent(order, { key: 'b' }).vendorEvent, { key: 'b', mode: 'live' }, 'per call');
  assert.deepEqual(fromConfig.mapEvent(order).vendorEvent, { key: 'a', mode: 'live' }, 'the override lasts one call');
  const byName = compileBlueprint(source, { parameters: { key: 'c', mode: 'test' } });
  assert.deepEqual(byName.mapEvent(order).vendorEvent, { key: 'c', mode: 'test' });
  assert.deepEqual(byName.parametersFromConfig({ api_key: 'z' }), { key: 'z', mode: 'live' });
  const unbound = compileBlueprint(source);
  assert.deepEqual(unbound.mapEvent(order).vendorEvent, { mode: 'live' }, 'compiling without a config (coverage, catalog) is allowed');
  assert.deepEqual(unbound.mapEvent(order, { mode: 'x' }).errors, ['parameter "key" is required but has no value']);
});

test('handler transforms run on the vendor event after the rows; a drop there drops the event', () => {
  const blueprint = compileBlueprint(`
events:
  order:
    names: [Order Completed]
    mappings:
      - { source: properties, target: props }
    transforms:
      - rename: { from: props.order_id, to: transaction_id }
      - remove: props.products
      - set: { target: props.count, value: 2 }
      - hash: { path: props.email, kind: email }
      - drop: 'props.currency == "xxx"'
`);
  const result = blueprint.mapEvent({ ...order, properties: { ...order.properties, email: 'A@B.co' } });
  assert.deepEqual(result.vendorEvent, { props: { total: '89.99', currency: 'gbp', count: 2, email: sha('a@b.co') }, transaction_id: 'ORD-5521' });
  assert.deepEqual(blueprint.mapEvent({ ...order, properties: { currency: 'xxx' } }), { vendorEvent: null, eventName: 'Order Completed', dropped: 'filter', dropReason: 'a drop rule of the "order" handler matched: props.currency == "xxx"', handler: 'order', warnings: [], errors: [] });
  assert.ok(blueprint.mappedTargets.includes('transaction_id'));
});

test('neverMaps: only the calls no handler takes, and only when the defaults drop them', () => {
  const drop = compileBlueprint({ events: { order: { names: ['Order Completed'], filter: 'userId exists', mappings: [] }, page: { mappings: [] } }, defaults: { action: 'drop' } });
  assert.equal(drop.neverMaps({ ...order, event: 'Product Viewed' }), 'no handler takes track events named "Product Viewed", and the blueprint\'s defaults drop such events');
  assert.equal(drop.neverMaps({ ...page, type: 'identify' } as CanonicalEvent), drop.mapEvent({ ...page, type: 'identify' } as CanonicalEvent).dropReason, 'the reason mapEvent gives');
  assert.equal(drop.neverMaps({ ...order, userId: undefined } as unknown as CanonicalEvent), undefined, 'a handler with a filter may still map such a call: the filter runs at delivery');
  assert.equal(drop.neverMaps(page), undefined);
  // A track event named like a call type is not taken by that call's handler.
  assert.match(drop.neverMaps({ ...order, event: 'page' }) ?? '', /^no handler takes track events named "page"/);
  for (const defaults of [{ action: 'pass_through' as const }, { action: 'map' as const, mappings: [{ source: 'event', target: 'name' }] }, { action: 'pass_through' as const, filter: 'userId exists' }]) {
    assert.equal(compileBlueprint({ events: { page: { mappings: [] } }, defaults }).neverMaps({ ...order, event: 'Product Viewed' }), undefined, `${defaults.action}: the defaults may map it`);
  }
});

test('defaults: drop, map, and pass_through without a properties target', () => {
  const drop = compileBlueprint({ events: { page: { mappings: [] } }, defaults: { action: 'drop' } });
  assert.deepEqual(drop.mapEvent(order), { vendorEvent: null, dropped: 'default_drop', dropReason: 'no handler takes track events named "Order Completed", and the blueprint\'s defaults drop such events', handler: 'defaults', warnings: [], errors: [] });
  assert.equal(drop.mapEvent({ ...page, type: 'identify' } as CanonicalEvent).dropReason, 'no handler takes identify calls, and the blueprint\'s defaults drop such events');
  assert.equal(drop.mapEvent(page).handler, 'page');
  const map = compileBlueprint({ event_name_target: 'name', defaults: { action: 'map', mappings: [{ source: 'properties.order_id', target: 'ref' }] } });
  assert.deepEqual(map.mapEvent(order).vendorEvent, { name: 'Order Completed', ref: 'ORD-5521' });
  // A filter on the defaults: events no handler takes go only when they match (known users here).
  const known = compileBlueprint({ events: { page: { mappings: [] } }, defaults: { action: 'pass_through', filter: 'userId exists', properties_target: 'props' } });
  assert.deepEqual(known.mapEvent({ ...order, userId: undefined } as unknown as CanonicalEvent), { vendorEvent: null, dropped: 'filter', dropReason: "the defaults' filter did not match: userId exists", handler: 'defaults', warnings: [], errors: [] });
  assert.equal(known.mapEvent(order).vendorEvent?.props !== undefined, true);
  assert.equal(known.mapEvent({ ...page, userId: undefined } as unknown as CanonicalEvent).handler, 'page', 'handlers are not filtered by the defaults');
  const bare = compileBlueprint({ global: [{ source: 'userId', target: 'uid' }] });
  assert.equal(bare.defaultAction, 'pass_through');
  assert.deepEqual(bare.mapEvent(order).vendorEvent, { uid: 'user-123' });
});

test('never throws for what an event holds', () => {
  const blueprint = compileBlueprint(yaml, { config: { api_key: 'k' } });
  const odd = [
    { ...order, properties: null },
    { ...order, context: null },
    { ...order, properties: { total: { nested: true }, currency: ['gbp'], products: 'none' } },
    { ...order, properties: { products: [null, 1, 'x', { product_id: null }] } },
    { ...order, partner_attrs: { amperity: null } },
    JSON.parse('{"type":"track","event":"Order Completed","messageId":"m","properties":{"__proto__":{"polluted":1},"total":"1"},"context":{}}'),
  ] as unknown as CanonicalEvent[];
  for (const event of odd) {
    const result = blueprint.mapEvent(event);
    assert.equal(typeof result.handler, 'string');
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('errors name the file, line, column and reason', () => {
  const cases: Array<[string, RegExp]> = [
    ['global:\n  - { source: userId, target: user_id, transforms: [shout] }\n', /^x\.yaml:2:52: global\[0\]\.transforms: unknown transform "shout"/],
    ['global:\n  - { source: userId, target: user_id, transforms: [{ truncate: -1 }] }\n', /^x\.yaml:2:52: global\[0\]\.transforms: truncate needs a whole number ≥ 0/],
    ['events:\n  page:\n    filter: "context.page.path =="\n', /^x\.yaml:3:13: events\.page\.filter: filter: the filter ends too early \(column 21\)/],
    ['global:\n  - { target: x }\n', /^x\.yaml:2:5: global\[0\]: a row needs exactly one of source, value or template/],
    ['global:\n  - { source: a, value: 1, target: x }\n', /^x\.yaml:2:5: global\[0\]: a row needs exactly one of source, value or template/],
    ['global:\n  - { source: a }\n', /^x\.yaml:2:5: global\[0\]: "target" is required/],
    ['global:\n  - { source: a, target: x, sorce: b }\n', /^x\.yaml:2:29: global\[0\]\.sorce: unknown key "sorce"/],
    ['global:\n  - { source: 5, target: x }\n', /^x\.yaml:2:15: global\[0\]\.source: must be string or array/],
    ['defaults:\n  action: forward\n', /^x\.yaml:2:11: defaults\.action: must be one of: pass_through, drop, map/],
    ['defaults:\n  action: map\n', /^x\.yaml:2:3: defaults: action "map" needs mappings/],
    ['defaults:\n  action: drop\n  filter: userId exists\n', /^x\.yaml:2:3: defaults: action "drop" takes no mappings, properties_target or filter/],
    ['defaults:\n  action: pass_through\n  filter: "userId ==="\n', /^x\.yaml:3:11: defaults\.filter: /],
    ['events:\n  page:\n    mapings: []\n', /^x\.yaml:3:5: events\.page\.mapings: unknown key "mapings"/],
    ['evnets: {}\n', /^x\.yaml:1:1: evnets: unknown key "evnets"/],
    ['global:\n  mapings: []\n', /^x\.yaml:2:3: global\.mapings: unknown key "mapings"/],
    ['global:\n  - { source: "properties..x", target: y }\n', /^x\.yaml:2:15: global\[0\]\.source: "" in "properties\.\.x" is not a valid path segment/],
    ['global:\n  - { source: a, target: "x[].y" }\n', /^x\.yaml:2:26: global\[0\]\.target: a target cannot contain \[\]/],
    ['global:\n  - { source: a, target: __proto__.polluted }\n', /^x\.yaml:2:26: global\[0\]\.target: "__proto__" in "__proto__\.polluted" is not allowed/],
    ['global:\n  - { source: parameters.key, target: k }\n', /^x\.yaml:2:15: global\[0\]\.source: no parameter "key" is declared in the parameters section/],
    ['global:\n  - { template: "{{userId", target: k }\n', /^x\.yaml:2:17: global\[0\]\.template: a "\{\{" has no closing "\}\}"/],
    ['global:\n  - { source: a, target: b, when: "a ==" }\n', /^x\.yaml:2:35: global\[0\]\.when: filter: the filter ends too early/],
    ['global:\n  - { source: a, target: b, each: [{ source: c, target: d, transforms: [nope] }] }\n', /^x\.yaml:2:72: global\[0\]\.each\[0\]\.transforms: unknown transform "nope"/],
    ['global: [\n', /^x\.yaml:\d+:\d+: YAML: /],
    ['a: 1\na: 2\n', /^x\.yaml:2:1: YAML: Map keys must be unique/],
    ['- just\n- a list\n', /^x\.yaml:1:1: a blueprint is a mapping/],
    ['', /^x\.yaml:1:1: the blueprint is empty/],
    ['   \n# only a comment\n', /the blueprint is empty/],
    ['---\n', /the blueprint is empty/],
    ['null', /the blueprint is empty/],
    [`global: ${'['.repeat(5000)}${']'.repeat(5000)}`, /YAML: nested too deeply to read \(thousands of levels\)/],
    ['events:\n  a: { names: [page] }\n  b: { names: [page] }\n', /^x\.yaml:3:16: events\.b\.names\[0\]: "page" is already taken by handler "a"/],
    ['events:\n  a: { names: [page, page] }\n', /^x\.yaml:2:22: events\.a\.names\[1\]: "page" is listed twice/],
    ['events:\n  a: { names: [] }\n', /^x\.yaml:2:15: events\.a\.names: must NOT have fewer than 1 items/],
    ['parameters:\n  key: { config: api_key, required: true }\n', /^x\.yaml:2:8: parameters\.key: config field "api_key" is required/],
    ['events:\n  a:\n    transforms:\n      - { move: x }\n', /^x\.yaml:4:11: events\.a\.transforms\[0\]\.move: unknown key "move"/],
  ];
  for (const [source, message] of cases) {
    assert.throws(() => compileBlueprint(source, { file: 'x.yaml', config: {} }), (e: unknown) => e instanceof BlueprintError && message.test(e.message), `${source} → ${message}`);
  }
});

test('BlueprintError carries the parts; an object source has no positions', () => {
  try {
    compileBlueprint({ global: [{ source: 'a', target: 'b', transforms: ['nope'] }] }, { file: 'inline' });
    assert.fail('compiled');
  } catch (error) {
    assert.ok(error instanceof BlueprintError);
    assert.deepEqual([error.file, error.line, error.column, error.path], ['inline', 1, 1, 'global[0].transforms']);
    assert.match(error.reason, /^unknown transform "nope"/);
  }
});

test('loadBlueprintFile reads, compiles and names the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'blueprint-'));
  const good = path.join(dir, 'good.yaml');
  writeFileSync(good, 'parameters:\n  key: { config: api_key }\nglobal:\n  - { source: parameters.key, target: k }\n');
  assert.deepEqual(loadBlueprintFile(good, { config: { api_key: 'x' } }).mapEvent(order).vendorEvent, { k: 'x' });
  const bad = path.join(dir, 'bad.yaml');
  writeFileSync(bad, 'global:\n  - { source: a }\n');
  assert.throws(() => loadBlueprintFile(bad), (e: unknown) => e instanceof BlueprintError && e.file === bad && e.line === 2);
  assert.throws(() => loadBlueprintFile(path.join(dir, 'none.yaml')), /cannot read the file: ENOENT/);
});

test('a list of sources takes the first with a value', () => {
  const blueprint = compileBlueprint({ global: [{ source: ['properties.email', 'traits.email', 'context.traits.email'], target: 'email', required: true }] });
  assert.equal(blueprint.mapEvent({ ...order, context: { traits: { email: 'ctx@x.co' } } }).vendorEvent?.email, 'ctx@x.co');
  assert.equal(blueprint.mapEvent({ ...order, properties: { email: 'p@x.co' }, traits: { email: 't@x.co' } }).vendorEvent?.email, 'p@x.co');
  assert.equal(blueprint.mapEvent({ ...order, properties: { email: '' }, traits: { email: 't@x.co' } }).vendorEvent?.email, 't@x.co', 'empty text counts as missing');
  assert.deepEqual(blueprint.mapEvent({ ...order, context: {} }).errors, ['email is required but properties.email / traits.email / context.traits.email are missing']);
});

test('secretConfigFields: a parameter bound to a secret may be declared (and required) but no row may read it', () => {
  const options = { file: 'x.yaml', config: { api_key: 'sk_live_0123456789', mode: 'live' }, secretConfigFields: ['api_key'] };
  // Declared for its required check only, next to a readable parameter: compiles and maps.
  const declared = 'parameters:\n  key: { config: api_key, required: true }\n  mode: { config: mode }\nglobal:\n  - { source: parameters.mode, target: mode }\n';
  assert.deepEqual(compileBlueprint(declared, options).mapEvent(order).vendorEvent, { mode: 'live' });
  // Every way a row reads a parameter is refused, at the row, before any event is mapped.
  const reads: Array<[string, RegExp]> = [
    ['global:\n  - { source: parameters.key, target: k }\n', /^x\.yaml:4:15: global\[0\]\.source: parameters\.key is bound to the secret config field "api_key"/],
    ['global:\n  - { source: parameters.key, target: k, transforms: [uppercase] }\n', /^x\.yaml:4:15: global\[0\]\.source: parameters\.key is bound/],
    ['global:\n  - { source: [userId, parameters.key], target: k }\n', /^x\.yaml:4:\d+: global\[0\]\.source\[1\]: parameters\.key is bound/],
    ['global:\n  - { template: "Bearer {{parameters.key}}", target: auth }\n', /^x\.yaml:4:\d+: global\[0\]\.template: parameters\.key is bound/],
    ['events:\n  page:\n    transforms:\n      - { set: { source: parameters.key, target: k } }\n', /^x\.yaml:\d+:\d+: events\.page\.transforms\[0\]\.set\.source: parameters\.key is bound/],
    ['defaults:\n  action: map\n  mappings:\n    - { source: parameters.key.length, target: n }\n', /^x\.yaml:\d+:\d+: defaults\.mappings\[0\]\.source: parameters\.key is bound/],
  ];
  for (const [rows, message] of reads) {
    const source = `parameters:\n  key: { config: api_key }\n${rows}`;
    assert.throws(() => compileBlueprint(source, options), (e: unknown) => e instanceof BlueprintError && message.test(e.message) && !e.message.includes('sk_live'), `${rows} → ${message}`);
    // Without the option (the engine alone, coverage), the same blueprint compiles.
    compileBlueprint(source, { file: 'x.yaml', config: options.config });
  }
});

test('each never writes a non-list unmapped: it fails like a transform', () => {
  const blueprint = compileBlueprint(`
global:
  - source: traits.members
    target: members
    each:
      - { source: email, target: email_sha256, transforms: [sha256], required: true }
  - source: properties.products
    target: products
    default: []
    each: [{ source: product_id, target: productId }]
  - source: properties.items
    target: items
    required: true
    each: [{ source: id, target: id }]
`);
  const single = blueprint.mapEvent({ ...identify, traits: { members: { email: 'Jane@Example.com' } }, properties: { products: { product_id: 'SKU-1' }, items: [{ id: 1 }] } });
  assert.deepEqual(single.vendorEvent, { products: [], items: [{ id: 1 }] }, 'no raw email, no unmapped object');
  assert.deepEqual(single.warnings, [
    'members: each needs a list, got an object; the field was left out',
    'products: each needs a list, got an object; the default was used',
  ]);
  const text = blueprint.mapEvent({ ...identify, traits: { members: 'jane@example.com' }, properties: { items: 'abc' } });
  assert.equal(text.vendorEvent, null);
  assert.deepEqual(text.errors, ['items is required but each needs a list, got text']);
  assert.doesNotMatch(JSON.stringify(text), /jane@example\.com/);
});

test('each leaves out holes, bare values and elements no row gave a value, with a warning', () => {
  const blueprint = compileBlueprint(`
global:
  - source: properties.products
    target: products
    each:
      - { source: product_id, target: productId }
      - { source: price, target: price, transforms: [to_number] }
`);
  const result = blueprint.mapEvent({ ...order, properties: { products: [null, 'SKU-9', [1], { name: 'no id' }, { product_id: 'SKU-1', price: '10' }] } });
  assert.deepEqual(result.vendorEvent, { products: [{ productId: 'SKU-1', price: 10 }] });
  assert.deepEqual(result.warnings, [
    'products[0]: null, not an object; the element was left out',
    'products[1]: text, not an object; the element was left out',
    'products[2]: a list, not an object; the element was left out',
    'products[3]: no row gave it a value; the element was left out',
  ]);
});

test('required fails on the same "no value" a default fills: missing, null, blank text, []', () => {
  const blueprint = compileBlueprint(`
global:
  - { source: properties.order_id, target: transaction_id, required: true }
  - { source: 'properties.products[].product_id', target: product_ids, required: true }
`);
  const empty = blueprint.mapEvent({ ...order, properties: { order_id: '  ', products: [{ name: 'no id' }] } });
  assert.equal(empty.vendorEvent, null);
  assert.deepEqual(empty.errors, ['transaction_id is required but properties.order_id is empty', 'product_ids is required but properties.products[].product_id is empty']);
  const listed = compileBlueprint('global:\n  - { source: [properties.order_id], target: t, required: true }\n').mapEvent({ ...order, properties: { order_id: '' } });
  assert.deepEqual(listed.errors, ['t is required but properties.order_id are missing'], 'the list form agrees');
  const optional = compileBlueprint('global:\n  - { source: properties.note, target: note }\n  - { source: properties.tags, target: tags, default: [none] }\n').mapEvent({ ...order, properties: { note: '', tags: '   ' } });
  assert.deepEqual(optional.vendorEvent, { note: '', tags: ['none'] }, 'not required: blank text is written as it is; a default replaces it');
});

test('a list of sources skips blank text: " " does not hide the next source', () => {
  const blueprint = compileBlueprint('global:\n  - { source: [properties.email, context.traits.email], target: email }\n');
  const result = blueprint.mapEvent({ ...order, properties: { email: ' \t' }, context: { traits: { email: 'jane@example.com' } } });
  assert.deepEqual(result.vendorEvent, { email: 'jane@example.com' });
});

test('a row target with an index writes into the list element; no element there is a warning', () => {
  const blueprint = compileBlueprint(`
global:
  - { source: properties.products, target: items }
  - { source: properties.products.0.price, target: items.0.price, transforms: [to_number] }
  - { value: 1, target: items.4.price }
`);
  const result = blueprint.mapEvent({ ...order, properties: { products: [{ sku: 'A', price: '10' }, { sku: 'B', price: '20' }] } });
  assert.deepEqual(result.vendorEvent, { items: [{ sku: 'A', price: 10 }, { sku: 'B', price: '20' }] });
  assert.deepEqual(result.warnings, ['items.4.price: there is no list element at that index; the field was left out']);
});

test('a target index with no list below it is an object key, as it always was (stored blueprints keep their output)', () => {
  const blueprint = compileBlueprint('global:\n  - { source: properties.code, target: custom_data.0 }\n');
  assert.deepEqual(blueprint.mapEvent({ ...order, properties: { code: 'A1' } }).vendorEvent, { custom_data: { 0: 'A1' } });
});

test('round never sends NaN: tiny rates round to 0 and the default is not needed', () => {
  const blueprint = compileBlueprint('global:\n  - { source: properties.rate, target: rate, transforms: [to_number, {round: 2}], default: -1 }\n');
  const result = blueprint.mapEvent({ ...order, properties: { rate: '0.0000004' } });
  assert.equal(JSON.stringify(result.vendorEvent), '{"rate":0}');
  assert.deepEqual(result.warnings, []);
});
