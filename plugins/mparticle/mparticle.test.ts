import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import mparticle from './index.ts';
import { classifyMParticle, mparticleSaid } from './classify.ts';
import { basicAuthorization, validateMParticleConfig } from './config.ts';
import { DSR_REQUESTS_URL, forgetPerson, NO_IDENTITY, readErasureAnswer } from './forget-person.ts';
import { consentState } from './mparticle-event.ts';

const KEY = 'us1-0123456789abcdef';
const SECRET = 'secret-0123456789';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const AT = Date.parse('2026-12-01T11:59:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, api_secret: SECRET, ...config }, variant: 'default', integrationId: 'int-1', revisionId: 'r', options: {}, now: NOW });
const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: new Date(AT).toISOString(), receivedAt: new Date(AT).toISOString(),
  properties: { plan: 'pro', seats: 3, tags: ['a', 'b'] },
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', traits: { email: 'Jane@Example.com' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/mparticle/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (input: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(mparticle, { variant: 'default', blueprint }, ctx(config))(input);
const partOf = (input: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(input, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'} ${(result.warnings ?? []).join('; ')}`);
  return result.payload;
};
const asMapped = (id: string, input: CanonicalEvent, config: Record<string, JsonValue> = {}): MappedEvent => ({ id, event: input, payload: partOf(input, config) });
const answer = (status: number, body: unknown = '', headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const request = (ids: string[]): RequestDescriptor => ({ method: 'POST', url: 'https://s2s.mparticle.com/v2/bulkevents', eventIds: ids });
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');

test('track → a custom event: event_name, custom_event_type from the config, properties as custom attributes (lists as JSON text), identities with the visitor id as "other", device info, IP', () => {
  assert.deepEqual(partOf(event(), { custom_event_type: 'transaction' }), {
    user_identities: { customer_id: 'u-1', email: 'jane@example.com', other: 'df_abc' },
    event: {
      event_type: 'custom_event',
      data: { timestamp_unixtime_ms: AT, source_message_id: 'm-1', event_name: 'Signed Up', custom_event_type: 'transaction', custom_attributes: { plan: 'pro', seats: 3, tags: '["a","b"]' } },
    },
    device_info: { http_header_user_agent: 'Mozilla/5.0' },
    ip: '203.0.113.42',
  });
});

test('the visitor id goes in the configured identity, or nowhere with none; an event naming no one is not sent, saying why', () => {
  // The Events API names the third "other" identity other_id_3 (its JSON reference), not other3
  // (the Data Subject Request API's spelling of the same identity, which forgetPerson uses).
  assert.deepEqual((partOf(event({ userId: undefined }), { anonymous_id_identity: 'other3' }) as { user_identities: JsonObject }).user_identities, { email: 'jane@example.com', other_id_3: 'df_abc' });
  assert.deepEqual((partOf(event({ userId: undefined }), { anonymous_id_identity: 'other2' }) as { user_identities: JsonObject }).user_identities, { email: 'jane@example.com', other_id_2: 'df_abc' });
  const erasures = forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx({ anonymous_id_identity: 'other3', dsr_api_key: 'ws-key', dsr_api_secret: 'ws-secret' })) as RequestDescriptor[];
  assert.deepEqual((erasures[0]!.body as JsonObject).extensions, { 'opendsr.mparticle.com': { subject_identities: { other3: { value: 'df_abc', encoding: 'raw' } } } });
  const result = mapped(event({ userId: undefined, context: {} }), { anonymous_id_identity: 'none' });
  assert.equal(result.payload, null);
  assert.match((result.warnings ?? []).join(' '), /not sent to mParticle: the event names no user identity/);
  // A placeholder userId names no one.
  assert.deepEqual((partOf(event({ userId: 'undefined' })) as { user_identities: JsonObject }).user_identities, { email: 'jane@example.com', other: 'df_abc' });
});

test('page → a screen view named by the page name (else its title or path) with the URL; screen → a screen view', () => {
  const page = partOf(event({ type: 'page', event: undefined, name: 'Pricing', properties: { path: '/pricing' }, context: { page: { url: 'https://shop.example.com/pricing?x=1', path: '/pricing', title: 'Pricing — Shop' } } }));
  assert.deepEqual(page.event, { event_type: 'screen_view', data: { timestamp_unixtime_ms: AT, source_message_id: 'm-1', screen_name: 'Pricing', custom_attributes: { path: '/pricing', url: 'https://shop.example.com/pricing?x=1' } } });
  const untitled = partOf(event({ type: 'page', event: undefined, properties: {}, context: { page: { path: '/about' } } }));
  assert.equal((untitled.event as { data: JsonObject }).data.screen_name, '/about');
  const screen = partOf(event({ type: 'screen', event: undefined, name: 'Cart', properties: { items: 2 } }));
  assert.deepEqual(screen.event, { event_type: 'screen_view', data: { timestamp_unixtime_ms: AT, source_message_id: 'm-1', screen_name: 'Cart', custom_attributes: { items: 2 } } });
});

test('Order Completed → a purchase commerce event: transaction id, totals, coupon, currency, products (id, name, price, quantity, total) and the other properties as attributes', () => {
  const part = partOf(event({
    event: 'Order Completed', messageId: 'm-order',
    properties: { order_id: 'ORD-1', total: 39.98, tax: 3.2, shipping: 4, coupon: 'SPRING', currency: 'usd', store: 'web', products: [{ product_id: 'P-1', name: 'Mug', brand: 'Acme', category: 'Kitchen', price: 19.99, quantity: 2, position: 1 }] },
  }));
  assert.deepEqual(part.event, {
    event_type: 'commerce_event',
    data: {
      timestamp_unixtime_ms: AT, source_message_id: 'm-order',
      product_action: {
        action: 'purchase', transaction_id: 'ORD-1', coupon_code: 'SPRING', total_amount: 39.98, tax_amount: 3.2, shipping_amount: 4,
        products: [{ id: 'P-1', name: 'Mug', brand: 'Acme', category: 'Kitchen', price: 19.99, quantity: 2, position: 1, total_product_amount: 39.98 }],
      },
      currency_code: 'USD', event_name: 'Order Completed', custom_attributes: { store: 'web' },
    },
  });
});

test('Product Added → add_to_cart with the one product from the properties; Product Viewed → view_detail; Order Refunded → refund; a currency that is no code is an error naming it', () => {
  const added = partOf(event({ event: 'Product Added', properties: { product_id: 'P-2', name: 'Cup', price: '5.50', quantity: 1, currency: 'EUR', cart_id: 'c-1' } }));
  assert.deepEqual((added.event as { data: JsonObject }).data.product_action, { action: 'add_to_cart', products: [{ id: 'P-2', name: 'Cup', price: 5.5, quantity: 1, total_product_amount: 5.5 }] });
  assert.deepEqual((added.event as { data: JsonObject }).data.custom_attributes, { cart_id: 'c-1' });
  const viewed = partOf(event({ event: 'Product Viewed', properties: { product_id: 'P-3' } }));
  assert.equal(((viewed.event as { data: JsonObject }).data.product_action as JsonObject).action, 'view_detail');
  const refunded = partOf(event({ event: 'Order Refunded', properties: { order_id: 'ORD-1', total: 10 } }));
  assert.deepEqual((refunded.event as { data: JsonObject }).data.product_action, { action: 'refund', transaction_id: 'ORD-1', total_amount: 10 });
  const bad = mapped(event({ event: 'Order Completed', properties: { order_id: 'O', currency: 'dollars' } }));
  assert.equal(bad.payload, null);
  assert.match(bad.error ?? '', /currency/);
});

test('identify → user attributes (mParticle\'s reserved names for the common traits) in a batch part without an event', () => {
  const part = partOf(event({ type: 'identify', event: undefined, properties: undefined, traits: { email: 'jane@example.com', firstName: 'Jane', last_name: 'Doe', phone: '+1 612 555 1212', plan: 'pro', interests: ['tea', 'mugs'], address: { city: 'Leeds', country: 'GB' } }, context: {} }));
  assert.deepEqual(part, {
    user_identities: { customer_id: 'u-1', email: 'jane@example.com', other: 'df_abc' },
    event: null,
    user_attributes: { plan: 'pro', interests: ['tea', 'mugs'], $FirstName: 'Jane', $LastName: 'Doe', $Mobile: '+1 612 555 1212', $City: 'Leeds', $Country: 'GB' },
  });
});

test('group and alias calls are not sent, saying why', () => {
  for (const type of ['group', 'alias'] as const) {
    const result = mapped(event({ type, event: undefined, groupId: 'g-1', previousId: 'p-1' } as Partial<CanonicalEvent>));
    assert.equal(result.payload, null, type);
    assert.match((result.warnings ?? []).join(' '), /not sent to mParticle/);
  }
});

test('consent state: GDPR purposes from the configured categories, CCPA opt-out from GPC or an advertising refusal, not opted out on an advertising grant', () => {
  const config = { gdpr_purposes: { analytics: 'Analytics', advertising: 'marketing' } };
  assert.deepEqual(consentState({ context: { consent: { analytics: true, advertising: false } } }, config, AT), {
    gdpr: { analytics: { consented: true, timestamp_unixtime_ms: AT }, marketing: { consented: false, timestamp_unixtime_ms: AT } },
    ccpa: { data_sale_opt_out: { consented: true, timestamp_unixtime_ms: AT } },
  });
  assert.deepEqual(consentState({ context: { consent: { advertising: true, gpc: true } } }, {}, AT), { ccpa: { data_sale_opt_out: { consented: true, timestamp_unixtime_ms: AT } } });
  assert.deepEqual(consentState({ context: { consent: { advertising: true } } }, {}, AT), { ccpa: { data_sale_opt_out: { consented: false, timestamp_unixtime_ms: AT } } });
  assert.deepEqual(consentState({ context: { consent: { categoryPreferences: { analytics: true } } } }, config, AT), { gdpr: { analytics: { consented: true, timestamp_unixtime_ms: AT } } });
  assert.equal(consentState({ context: { consent: { gpc: true } } }, { ccpa_data_sale_opt_out: false }, AT), undefined);
  assert.equal(consentState({ context: {} }, config, AT), undefined);
  const part = partOf(event({ context: { consent: { analytics: false } } }), config);
  assert.deepEqual(part.consent_state, { gdpr: { analytics: { consented: false, timestamp_unixtime_ms: AT } } });
});

test('send: one batch per person in one /v2/bulkevents request on the pod, Basic auth, environment, identities merged, a later event\'s attributes winning, a stable source_request_id', () => {
  const config = { pod: 'eu1', environment: 'development' };
  const batch = [
    asMapped('a1', event({ messageId: 'a1' }), config),
    asMapped('b1', event({ messageId: 'b1', userId: 'u-2', anonymousId: 'df_b', context: { ip: '198.51.100.7' } }), config),
    asMapped('a2', event({ type: 'identify', event: undefined, messageId: 'a2', traits: { plan: 'team' }, context: { ip: '203.0.113.43', traits: { email: 'Jane@Example.com' } } }), config),
    asMapped('a3', event({ messageId: 'a3', event: 'Upgraded' }), config),
  ];
  const requests = mparticle.send(batch, ctx(config));
  assert.equal(requests.length, 1);
  const [sent] = requests;
  assert.equal(sent!.method, 'POST');
  assert.equal(sent!.url, 'https://s2s.eu1.mparticle.com/v2/bulkevents');
  assert.equal(sent!.headers?.authorization, `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`);
  assert.deepEqual(sent!.eventIds, ['a1', 'a2', 'a3', 'b1']);
  const body = sent!.body as JsonObject[];
  assert.equal(body.length, 2);
  const jane = body[0]!;
  assert.equal(jane.environment, 'development');
  assert.deepEqual(jane.user_identities, { customer_id: 'u-1', email: 'jane@example.com', other: 'df_abc' });
  assert.deepEqual(jane.user_attributes, { plan: 'team' });
  assert.equal(jane.ip, '203.0.113.42', 'the last event\'s IP');
  assert.deepEqual((jane.events as JsonObject[]).map((item) => (item.data as JsonObject).event_name), ['Signed Up', 'Upgraded']);
  assert.match(String(jane.source_request_id), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.deepEqual(mparticle.send(batch, ctx(config)), requests, 'the same requests for the same events (a resend keeps its source_request_ids)');
  assert.deepEqual(body[1]!.user_identities, { customer_id: 'u-2', other: 'df_b' });
  // An identify alone: a batch without events.
  const alone = mparticle.send([batch[2]!], ctx(config))[0]!.body as JsonObject[];
  assert.equal(alone[0]!.events, undefined);
});

test('send: events older than 30 days go to /v2/bulkevents/historical in a batch of their own (mParticle asks for them there); user attributes alone and recent events stay on /v2/bulkevents', () => {
  const config = { pod: 'us2' };
  const old = new Date(NOW - 31 * 24 * 3600 * 1000).toISOString();
  const edge = new Date(NOW - 29 * 24 * 3600 * 1000).toISOString();
  const batch = [
    asMapped('old-1', event({ messageId: 'old-1', timestamp: old, receivedAt: old }), config),
    asMapped('new-1', event({ messageId: 'new-1' }), config),
    asMapped('old-id', event({ type: 'identify', event: undefined, messageId: 'old-id', timestamp: old, receivedAt: old, traits: { plan: 'team' } }), config),
    asMapped('edge-1', event({ messageId: 'edge-1', timestamp: edge, receivedAt: edge }), config),
  ];
  const requests = mparticle.send(batch, ctx(config));
  assert.deepEqual(requests.map((item) => [item.url, item.eventIds]), [
    ['https://s2s.us2.mparticle.com/v2/bulkevents', ['new-1', 'old-id', 'edge-1']],
    ['https://s2s.us2.mparticle.com/v2/bulkevents/historical', ['old-1']],
  ]);
  const [historical] = requests[1]!.body as JsonObject[];
  assert.deepEqual((historical!.events as JsonObject[]).map((item) => (item.data as JsonObject).timestamp_unixtime_ms), [Date.parse(old)], 'each event with its timestamp, as the historical endpoint requires');
  assert.deepEqual(mparticle.send([batch[0]!], ctx(config)).map((item) => item.url), ['https://s2s.us2.mparticle.com/v2/bulkevents/historical']);
});

test('send: more than 100 events go in requests of at most 100 events (so at most 100 batches)', () => {
  const batch = Array.from({ length: 150 }, (_, i) => asMapped(`e${i}`, event({ messageId: `e${i}`, userId: `u-${i}` })));
  const requests = mparticle.send(batch, ctx());
  assert.deepEqual(requests.map((item) => (item.body as JsonObject[]).length), [100, 50]);
  assert.deepEqual(requests.flatMap((item) => item.eventIds), batch.map((item) => item.id));
});

test('classify: 202 delivered; 400 with mParticle\'s errors split a request of several events, dead-letter one; 401/403 name the credentials; 404 the pod; 429 after Retry-After; 503 retried', () => {
  const errors = { errors: [{ code: 'BAD_REQUEST', message: 'Required event field "event_type" is missing or empty.' }] };
  assert.deepEqual(classifyMParticle(answer(202), request(['a', 'b'])), { status: 'delivered' });
  assert.equal(statusOf(classifyMParticle(answer(400, errors), request(['a', 'b']))), 'split');
  const one = classifyMParticle(answer(400, errors), request(['a']));
  assert.equal(statusOf(one), 'dead_letter');
  assert.match(reasonOf(one), /Required event field "event_type" is missing or empty\. \(BAD_REQUEST\)/);
  assert.equal(statusOf(classifyMParticle(answer(400, 'Bad Request'), request(['a', 'b']))), 'dead_letter');
  assert.equal(statusOf(classifyMParticle(answer(413, ''), request(['a', 'b']))), 'split');
  for (const status of [401, 403]) {
    const refused = classifyMParticle(answer(status), request(['a']));
    assert.equal(statusOf(refused), 'dead_letter');
    assert.match(reasonOf(refused), /config\.api_key and config\.api_secret/);
  }
  assert.match(reasonOf(classifyMParticle(answer(404), request(['a']))), /config\.pod/);
  assert.deepEqual(classifyMParticle(answer(429, '', { 'retry-after': '7' }), request(['a'])), { status: 'retry', reason: 'mParticle rate limit reached (HTTP 429: (no body))', retryAfterMs: 7000, throttled: true });
  assert.equal(statusOf(classifyMParticle(answer(503), request(['a']))), 'retry');
  assert.equal(mparticleSaid(answer(502, '<!DOCTYPE html><html><body>Bad gateway</body></html>')), 'a web page, not mParticle\'s answer');
});

test('config: pasted credentials, a pod other than the key\'s, half of the workspace credentials and bad purposes are named', () => {
  assert.deepEqual(validateMParticleConfig({ api_key: KEY, api_secret: SECRET }), []);
  const fields = (config: Record<string, JsonValue>) => validateMParticleConfig(config).map((problem) => `${problem.field}: ${problem.message}`);
  assert.match(fields({ api_key: 'Basic abc', api_secret: SECRET }).join('\n'), /^api_key: api_key starts with "Basic "/);
  assert.match(fields({ api_key: 'abc:def', api_secret: SECRET }).join('\n'), /api_key holds a colon/);
  assert.match(fields({ api_key: 'us2-abc', api_secret: SECRET }).join('\n'), /^pod: pod is us1, but api_key starts with "us2-"/);
  assert.deepEqual(fields({ api_key: 'us2-abc', api_secret: SECRET, pod: 'us2' }), []);
  assert.match(fields({ api_key: KEY, api_secret: SECRET, dsr_api_key: 'w' }).join('\n'), /^dsr_api_secret: dsr_api_secret is missing/);
  assert.match(fields({ api_key: KEY, api_secret: SECRET, dsr_api_key: KEY, dsr_api_secret: 's' }).join('\n'), /dsr_api_key is the input's api_key/);
  assert.match(fields({ api_key: KEY, api_secret: SECRET, gdpr_purposes: { analytics: 'two words' } }).join('\n'), /gdpr_purposes\.analytics must be the name of an mParticle consent purpose/);
  assert.equal(basicAuthorization('example-api-key', 'example-api-secret'), 'Basic ZXhhbXBsZS1hcGkta2V5OmV4YW1wbGUtYXBpLXNlY3JldA==', 'mParticle\'s documented example');
});

test('forgetPerson: enabled with the workspace key and secret; one OpenDSR v3 erasure a identity — customer id, the visitor id in the mParticle extension, each email — with stable request ids', () => {
  const config = { dsr_api_key: 'wk', dsr_api_secret: 'ws', regulation: 'ccpa' };
  assert.equal(forgetPerson.enabled(ctx().config), false);
  assert.equal(forgetPerson.enabled(ctx(config).config), true);
  const deletion = { ...ctx(config), deletionId: 'del-1' };
  const built = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com'] }, deletion);
  assert.ok(Array.isArray(built));
  assert.deepEqual(built.map((item) => item.url), [DSR_REQUESTS_URL, DSR_REQUESTS_URL, DSR_REQUESTS_URL]);
  assert.equal(built[0]!.headers?.authorization, basicAuthorization('wk', 'ws'));
  const bodies = built.map((item) => item.body as JsonObject);
  assert.deepEqual({ ...bodies[0]!, subject_request_id: 'id' }, {
    regulation: 'ccpa', subject_request_id: 'id', subject_request_type: 'erasure', submitted_time: '2026-12-01T12:00:00Z',
    subject_identities: { controller_customer_id: { value: 'u-1', encoding: 'raw' } }, api_version: '3.0',
  });
  assert.deepEqual(bodies[1]!.extensions, { 'opendsr.mparticle.com': { subject_identities: { other: { value: 'df_abc', encoding: 'raw' } } } });
  assert.deepEqual(bodies[2]!.subject_identities, { email: { value: 'jane@example.com', encoding: 'raw' } });
  for (const body of bodies) assert.match(String(body.subject_request_id), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(new Set(bodies.map((body) => body.subject_request_id)).size, 3);
  const again = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com'] }, deletion) as RequestDescriptor[];
  assert.deepEqual(again.map((item) => (item.body as JsonObject).subject_request_id), bodies.map((body) => body.subject_request_id), 'a retry sends the same requests');
  const later = forgetPerson.request({ userId: 'u-1', anonymousId: null }, { ...deletion, deletionId: 'del-2' }) as RequestDescriptor[];
  assert.notEqual((later[0]!.body as JsonObject).subject_request_id, bodies[0]!.subject_request_id, 'a later deletion is a new request');
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, { ...ctx({ ...config, anonymous_id_identity: 'none' }), deletionId: 'd' }), { skipped: NO_IDENTITY });
});

test('forgetPerson read: 201 done with the completion time; already exists and 409 done; 401 names the workspace credentials; 429 after Retry-After; other 400 failed', () => {
  assert.deepEqual(readErasureAnswer(answer(201, { subject_request_id: 'a7', expected_completion_time: '2026-12-09T00:00:00Z' })), { done: true, message: 'mParticle accepted the erasure request a7 (expected completion 2026-12-09T00:00:00Z)' });
  const exists = { code: 400, message: 'Subject request already exists.', errors: [{ domain: 'Validation', reason: 'InvalidOperationException', message: 'Subject request already exists.' }] };
  assert.equal('done' in readErasureAnswer(answer(400, exists)), true);
  assert.equal('done' in readErasureAnswer(answer(409, { code: 409, message: 'There is an in progress request with the same identities, extensions and type.' })), true);
  assert.match(String((readErasureAnswer(answer(401, { code: 401, message: 'The credentials provided in the request are not valid.' })) as { failed: string }).failed), /config\.dsr_api_key and config\.dsr_api_secret/);
  assert.deepEqual(readErasureAnswer(answer(429, '', { 'retry-after': '30' })), { retry: 'mParticle\'s Data Subject Request API failed (HTTP 429: (no body))', afterSeconds: 30 });
  assert.match(String((readErasureAnswer(answer(400, { code: 400, message: 'Invalid data was detected' })) as { failed: string }).failed), /Invalid data was detected/);
});
