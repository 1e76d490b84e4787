import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent, Classification } from '../../core/sdk/index.ts';
import amperity, { classifyAmperity, flatten, GLOBAL_ATTRIBUTES, streamUrl, validateAmperityConfig } from './index.ts';

const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const config = { tenant_subdomain: 'acme', tenant_id: 'acme-prod', api_key: 'eyJhbGciOi.jwt', event_stream_id: 'esm-2VP6va3Zn', source_value: 'DATAFLY' };
const ctx = { config, variant: 'retail', integrationId: 'i', revisionId: 'r', options: {}, now: 0 };

test('one POST per event to the tenant\'s realtime stream, with the tenant header and the bearer JWT', () => {
  const requests = amperity.send([{ id: 'a', event: {} as never, payload: { type: 'pageview' } }, { id: 'b', event: {} as never, payload: { type: 'purchase' } }], ctx);
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.headers, r.body, r.eventIds]), [
    ['POST', 'https://acme.amperity.com/prof/events/esm-2VP6va3Zn', { 'amperity-tenant': 'acme-prod', authorization: 'Bearer eyJhbGciOi.jwt', 'content-type': 'application/json' }, { type: 'pageview' }, ['a']],
    ['POST', 'https://acme.amperity.com/prof/events/esm-2VP6va3Zn', { 'amperity-tenant': 'acme-prod', authorization: 'Bearer eyJhbGciOi.jwt', 'content-type': 'application/json' }, { type: 'purchase' }, ['b']],
  ]);
  assert.equal(streamUrl({ ...config, event_stream_id: 'esm-a/b' }), 'https://acme.amperity.com/prof/events/esm-a%2Fb');
});

test('flatten lifts properties and traits to the top level; keys the blueprint set win; nothing else moves', () => {
  assert.deepEqual(flatten({ type: 'Signed Up', source: 'DATAFLY', properties: { plan: 'pro', type: 'x', items: [{ id: 1 }] }, traits: { plan: 'free', age: 3 } }),
    { type: 'Signed Up', source: 'DATAFLY', plan: 'pro', items: [{ id: 1 }], age: 3 });
  const untouched = { type: 'pageview', consent: { analytics: true } };
  assert.equal(flatten(untouched), untouched, 'no copy when nothing is lifted');
  assert.deepEqual(flatten({ type: 't', properties: 'text' }), { type: 't', properties: 'text' }, 'only objects are lifted');
  const polluted = flatten({ type: 't', properties: JSON.parse('{"__proto__": {"x": 1}, "b": 2}') });
  assert.deepEqual(polluted, { type: 't', b: 2 });
  assert.equal(Object.getPrototypeOf(polluted), Object.prototype, 'a __proto__ key is not lifted');
  const input = { type: 't', properties: { a: 1 } };
  flatten(input);
  assert.deepEqual(input, { type: 't', properties: { a: 1 } }, 'the argument is not changed');
});

test('nested objects are flattened at any depth with _ joins; consent stays nested verbatim; lists stay as they are', () => {
  const consent = { analytics: true, categories: { C0001: true }, google: { ad_storage: 'denied' } };
  assert.deepEqual(flatten({
    type: 'identify', consent, items: [{ item_id: 'SKU-1', price: { amount: 20 } }],
    traits: { name: 'Jane', address: { city: 'London', geo: { lat: 51.5, lng: -0.1 } }, tags: ['vip'], empty: {} },
  }), {
    type: 'identify', consent, items: [{ item_id: 'SKU-1', price: { amount: 20 } }],
    name: 'Jane', address_city: 'London', address_geo_lat: 51.5, address_geo_lng: -0.1, tags: ['vip'],
  });
  assert.deepEqual(flatten({ type: 'group', group_id: 'acme-corp', group_traits: { name: 'Acme', plan: 'enterprise', address: { city: 'Leeds' } } }),
    { type: 'group', group_id: 'acme-corp', group_traits_name: 'Acme', group_traits_plan: 'enterprise', group_traits_address_city: 'Leeds' }, 'the blueprint\'s own nested objects too');
  assert.deepEqual(flatten({ type: 't', address_city: 'Paris', group_traits: { plan: 'pro' }, properties: { address: { city: 'London' }, group_traits: 'x', group_traits_plan: 'free' } }),
    { type: 't', address_city: 'Paris', group_traits_plan: 'pro' }, 'the blueprint\'s keys win, its nested objects\' too');
  assert.deepEqual(flatten({ type: 't', properties: { a: { b: 1 } }, traits: { a_b: 3 } }), { type: 't', a_b: 1 }, 'properties before traits');
});

test('when two values flatten to one name, the more explicit one wins whatever the key order', () => {
  // The report's case: the site's explicit attribute must not lose to a nested object.
  for (const properties of [{ shipping_method: 'express', shipping: { method: 'standard' } }, { shipping: { method: 'standard' }, shipping_method: 'express' }]) {
    assert.deepEqual(flatten({ type: 'x', properties }), { type: 'x', shipping_method: 'express' }, `keys ${Object.keys(properties).join(', ')}`);
  }
  // Fewer joins win at any depth; on equal joins, the longer name written higher up.
  assert.deepEqual(flatten({ type: 't', properties: { a: { b_c: 1, b: { c: 3 } }, a_b_c: 2 } }), { type: 't', a_b_c: 2 });
  assert.deepEqual(flatten({ type: 't', properties: { a: { b: { c: 3 }, b_c: 1 } } }), { type: 't', a_b_c: 1 });
  assert.deepEqual(flatten({ type: 't', properties: { a: { b_c: 2 }, a_b: { c: 1 } } }), { type: 't', a_b_c: 1 });
  assert.deepEqual(flatten({ type: 't', properties: { a_b: { c: 1 }, a: { b_c: 2 } } }), { type: 't', a_b_c: 1 });
  // The source order still comes first: properties before traits, even an explicit trait.
  assert.deepEqual(flatten({ type: 't', traits: { a_b: 2 }, properties: { a: { b: 1 } } }), { type: 't', a_b: 1 });
  assert.deepEqual(flatten({ type: 't', properties: { a_b: 1 }, traits: { a: { b: 2 }, a_b: 3 } }), { type: 't', a_b: 1 });
});

test('through the retail preset, a pass-through event sends the explicit property, not the nested one', () => {
  const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/amperity/retail.yaml', import.meta.url), 'utf8'), { file: 'amperity/retail.yaml', config });
  const event = {
    type: 'track', event: 'Delivery Chosen', messageId: 'm1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.000Z', anonymousId: 'df_abc',
    context: { ip: '203.0.113.9', userAgent: 'Mozilla/5.0' }, properties: { shipping: { method: 'standard', cost: 4 }, shipping_method: 'express' },
  } as CanonicalEvent;
  const payload = amperity.map!(blueprint.mapEvent(event).vendorEvent!, event, ctx)!;
  assert.deepEqual([payload.shipping_method, payload.shipping_cost], ['express', 4]);
});

test('no property or trait supplies an attribute the global rows own (consent, ids, …), even one the event lacks', () => {
  assert.deepEqual(flatten({ type: 'Signed Up', source: 'DATAFLY', properties: { consent: { marketing: true }, cookieid: 'made-up', plan: 'pro' }, traits: { user_id: 'u', phone: { n: 1 } } }),
    { type: 'Signed Up', source: 'DATAFLY', plan: 'pro' });
  assert.deepEqual(flatten({ type: 't', properties: { page: { url: 'https://made.up/', section: 'shoes' }, geo: { city: 'X' }, utm: { source: 'y' }, consent: { marketing: true } } }),
    { type: 't', page_section: 'shoes' }, 'nor does a joined key (page_url, geo_city, utm_source)');
  for (const variant of Object.keys(amperity.variants)) {
    const blueprint = parse(readFileSync(new URL(`../../blueprints/amperity/${variant}.yaml`, import.meta.url), 'utf8')) as { global: Array<{ target: string }> };
    assert.deepEqual(new Set(['type', ...blueprint.global.map((row) => row.target)]), GLOBAL_ATTRIBUTES, `${variant}: GLOBAL_ATTRIBUTES lists the global rows' targets`);
  }
});

test("the visitor's consent is forwarded whatever the blueprint maps: the spec allows no way to strip it", () => {
  const consent = { analytics: true, marketing: false, categories: { C0001: true }, google: { ad_storage: 'denied' } };
  const event = { type: 'track', event: 'view_item', messageId: 'm', context: { consent } } as unknown as CanonicalEvent;
  // An edited blueprint without the consent row, and one mapping a property there.
  assert.deepEqual(amperity.map!({ type: 'view_item', source: 'DATAFLY' }, event, ctx), { type: 'view_item', source: 'DATAFLY', consent });
  assert.deepEqual(amperity.map!({ type: 'view_item', consent: { marketing: true } }, event, ctx), { type: 'view_item', consent });
  const noCmp = { type: 'track', event: 'view_item', messageId: 'm', context: {} } as unknown as CanonicalEvent;
  assert.deepEqual(amperity.map!({ type: 'view_item', consent: { marketing: true } }, noCmp, ctx), { type: 'view_item' }, 'no CMP interaction: no consent field');
});

test('the seven presets share one global section and the handlers of the calls; only their vertical handlers differ', () => {
  type Preset = { parameters: unknown; event_name_target: string; global: unknown; events: Record<string, unknown>; defaults: unknown };
  const load = (variant: string) => parse(readFileSync(new URL(`../../blueprints/amperity/${variant}.yaml`, import.meta.url), 'utf8')) as Preset;
  const retail = load('retail');
  const shared = (p: Preset) => ({ parameters: p.parameters, event_name_target: p.event_name_target, global: p.global, defaults: p.defaults, calls: ['identify', 'screen', 'group', 'alias', 'pageview'].map((name) => p.events[name]) });
  for (const variant of Object.keys(amperity.variants)) assert.deepEqual(shared(load(variant)), shared(retail), `${variant} repeats retail's shared parts`);
});

test('config problems the troubleshooting table lists are named with the fix', () => {
  assert.deepEqual(validateAmperityConfig(config), []);
  assert.deepEqual(validateAmperityConfig({ ...config, tenant_subdomain: 'https://acme.amperity.com' }), [
    { field: 'tenant_subdomain', message: 'must be only the subdomain: "acme", not "https://acme.amperity.com"' },
  ]);
  for (const bad of ['acme.example.com', 'ACME', 'evil.com/x?', '-acme', 'a'.repeat(64)]) {
    assert.equal(validateAmperityConfig({ ...config, tenant_subdomain: bad })[0]?.field, 'tenant_subdomain', bad);
  }
  assert.deepEqual(validateAmperityConfig({ ...config, api_key: 'eyJhbGciOi.jwt\n', tenant_id: 'acme prod' }).map((p) => p.field), ['tenant_id', 'api_key'], 'header values');
  assert.match(validateAmperityConfig({ ...config, api_key: ' eyJhbGciOi.jwt' })[0]!.message, /pasted with the key/);
  assert.match(validateAmperityConfig({ ...config, api_key: 'eyJ€€€€€€€€' })[0]!.message, /printable ASCII/);
  assert.match(validateAmperityConfig({ ...config, api_key: 'eyJhbGciOi\u200b.jwt' })[0]!.message, /printable ASCII/, 'a zero-width space');
  assert.match(validateAmperityConfig({ ...config, tenant_subdomain: 'acme.amperity.com.evil.com' })[0]!.message, /must be the host part/, 'no "acme" suggested for another host');
  assert.match(validateAmperityConfig({ ...config, tenant_subdomain: 'acme.amperity.com/' })[0]!.message, /only the subdomain: "acme"/);
  assert.match(validateAmperityConfig({ ...config, event_stream_id: 'is-9XkqP2' })[0]!.message, /batch ingest id.*esm-/);
  assert.match(validateAmperityConfig({ ...config, event_stream_id: 'stream-1' })[0]!.message, /prefixed esm-/);
});

test('401 and 403 explain the JWT, 404 the stream; 429 and 5xx retry; other 4xx dead-letter', () => {
  for (const status of [401, 403]) {
    const outcome = classifyAmperity({ status, body: '{"message":"forbidden"}', headers: {} });
    assert.equal(statusOf(outcome), 'dead_letter');
    assert.match((outcome as { reason: string }).reason, /Streaming Ingest Write Access/);
  }
  assert.match((classifyAmperity({ status: 404, body: '', headers: {} }) as { reason: string }).reason, /event_stream_id/);
  assert.equal(statusOf(classifyAmperity({ status: 202, body: '', headers: {} })), 'delivered');
  const declared = amperity.successAnswer!;
  assert.equal(statusOf(classifyAmperity({ status: declared.status!, body: String(declared.body), headers: declared.headers ?? {} })), 'delivered', 'the declared answer');
  assert.equal(statusOf(classifyAmperity({ status: 202, body: '{"status":"accepted"}', headers: { 'content-type': 'application/json' } })), 'delivered', 'a body Amperity does not document, but no web page');
  assert.equal(statusOf(classifyAmperity({ status: 202, body: 'Accepted', headers: { 'content-type': 'text/plain' } })), 'delivered');
  assert.deepEqual(classifyAmperity({ status: 200, body: '<!DOCTYPE html>\n<html><body>Sign in to the guest network</body></html>', headers: { 'Content-Type': 'text/html; charset=utf-8' } }), {
    status: 'retry', reason: 'HTTP 200 with a web page (<!DOCTYPE html> <html><body>Sign in to the guest network</body></html>): not Amperity\'s answer (202 Accepted) — a proxy? — so the event is sent again',
  }, 'a captive portal\'s page is no delivery');
  assert.equal(statusOf(classifyAmperity({ status: 200, body: '<html><body>proxy</body></html>', headers: {} })), 'retry', 'HTML without its content type');
  assert.equal(statusOf(classifyAmperity({ status: 429, body: '', headers: {} })), 'retry');
  assert.equal(statusOf(classifyAmperity({ status: 503, body: '', headers: {} })), 'retry');
  assert.equal(statusOf(classifyAmperity({ status: 400, body: '{"message":"bad"}', headers: {} })), 'dead_letter');
  assert.equal(statusOf(classifyAmperity({ status: 413, body: '', headers: {} })), 'dead_letter');
});
