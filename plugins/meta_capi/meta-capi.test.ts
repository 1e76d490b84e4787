import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setGpcRule } from '../../core/pipeline/gpc-rule.ts';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import type { CanonicalEvent, JsonObject, PluginContext } from '../../core/sdk/index.ts';
import meta, { classifyMeta, regainAccessMs, toServerEvent } from './index.ts';
import { hashUserField, normalizeUserData } from './user-data.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ctx = (config: Record<string, string | boolean> = {}): PluginContext => ({ config: { pixel_id: '1234567890', access_token: 'your_access_token', ...config }, variant: 'retail', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const request = (n: number) => ({ method: 'POST' as const, url: 'https://graph.facebook.com/v25.0/1234567890/events', eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const answer = (status: number, body: unknown) => ({ status, body: JSON.stringify(body), json: body, headers: {} });
const graphError = (code: number, extra: Record<string, unknown> = {}) => ({ error: { message: 'Invalid parameter', type: 'OAuthException', code, fbtrace_id: 'AbC123', ...extra } });

test('customer information is normalised as Meta documents it before hashing', () => {
  assert.equal(hashUserField('em', ' Jane.Doe@Example.COM '), sha256('jane.doe@example.com'));
  assert.equal(hashUserField('em', 'not an address'), undefined, 'an email without @ matches nobody');
  // Phones: digits with the country code, no + and no leading zeros.
  assert.equal(hashUserField('ph', '+44 (0)7700 900123'), sha256('447700900123'));
  assert.equal(hashUserField('ph', '0044 7700 900123'), sha256('447700900123'));
  assert.equal(hashUserField('ph', '+1 (616) 954-7888'), sha256('16169547888'));
  assert.equal(hashUserField('ph', '07700 900123'), undefined, 'a national number without a default country code');
  assert.equal(hashUserField('ph', '07700 900123', { defaultCountryCode: '44' }), sha256('447700900123'));
  assert.equal(hashUserField('fn', " Mary-Ann O'Neil "), sha256('maryannoneil'));
  assert.equal(hashUserField('fn', 'Zoë'), sha256('zoë'), 'letters beyond a–z are kept (UTF-8)');
  assert.equal(hashUserField('ct', 'New York'), sha256('newyork'));
  assert.equal(hashUserField('st', 'California'), sha256('ca'));
  assert.equal(hashUserField('st', 'NY'), sha256('ny'));
  assert.equal(hashUserField('zp', '94025-1234'), sha256('94025'), 'a ZIP+4 by its first five digits');
  assert.equal(hashUserField('zp', 'SW1A 1AA'), sha256('sw1a1aa'));
  assert.equal(hashUserField('country', 'United Kingdom'), sha256('gb'));
  assert.equal(hashUserField('country', 'US'), sha256('us'));
  assert.equal(hashUserField('country', 'Myanmar'), sha256('mm'));
  assert.equal(hashUserField('country', 'Atlantis'), undefined);
  assert.equal(hashUserField('ge', 'Female'), sha256('f'));
  assert.equal(hashUserField('ge', 'x'), undefined);
  assert.equal(hashUserField('db', '1990-02-14'), sha256('19900214'));
  assert.equal(hashUserField('db', '1990-02-31'), undefined, 'an impossible date');
  assert.equal(hashUserField('external_id', ' ABC 123 '), sha256('abc123'));
  const digest = sha256('jane@example.com');
  assert.equal(hashUserField('em', digest.toUpperCase()), digest, 'a digest is not hashed twice');
});

test('harder inputs: extensions, national numbers, retired codes, words for gender, dates as people write them, either Unicode form', () => {
  assert.equal(hashUserField('ph', '+1 650-555-1212 ext. 42'), sha256('16505551212'), 'the extension is left out');
  assert.equal(hashUserField('ph', '(650) 555-1212', { defaultCountryCode: '1' }), sha256('16505551212'), 'a national number without a trunk 0 takes the default code');
  assert.equal(hashUserField('ph', '1 (650) 555-1212', { defaultCountryCode: '1' }), sha256('16505551212'), 'not twice');
  assert.equal(hashUserField('ph', '6505551212'), sha256('6505551212'), 'no default code: taken as written, as Meta does');
  assert.equal(hashUserField('country', 'UK'), sha256('gb'));
  assert.equal(hashUserField('st', 'New South Wales'), sha256('newsouthwales'), 'outside the US and Canada: the name, letters only');
  assert.deepEqual(['Female', 'woman', 'M', 'Mrs', 'mujer'].map((g) => hashUserField('ge', g)), [sha256('f'), sha256('f'), sha256('m'), undefined, undefined]);
  assert.deepEqual(['2/16/1997', '16/2/1997', '16.02.1997', '1997-02-16T00:00:00Z'].map((d) => hashUserField('db', d)), Array(4).fill(sha256('19970216')));
  assert.equal(hashUserField('fn', 'Zoe\u0308'), hashUserField('fn', 'Zo\u00eb'), 'NFD and NFC spellings hash the same');
});

test('user_data: lists for em, ph and external_id, clear fields as text, unusable fields named', () => {
  const { userData, unusable } = normalizeUserData({ em: ['a@x.com', ' A@X.com', 'b@x.com'], ph: '07700 900123', fn: 'Jane', client_ip_address: '203.0.113.42', fbp: 'fb.1.1.2', ge: 'unknown' });
  assert.deepEqual(userData, { em: [sha256('a@x.com'), sha256('b@x.com')], fn: sha256('jane'), client_ip_address: '203.0.113.42', fbp: 'fb.1.1.2' });
  assert.deepEqual(unusable, ['ph', 'ge']);
  const edited = normalizeUserData({ email: 'jane@example.com', phone: '+447700900123', em: 'jane@example.com', madid: 'ad-id-1' });
  assert.deepEqual(edited.userData, { em: [sha256('jane@example.com')], madid: 'ad-id-1' }, 'a key Meta does not take in clear is never sent');
  assert.deepEqual(edited.unusable, ['email', 'phone']);
});

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
const payload = (overrides: JsonObject = {}): JsonObject => ({
  event_name: 'Purchase', event_time: Math.floor(Date.parse('2026-11-30T11:00:00Z') / 1000), event_id: 'm-1', event_source_url: 'https://shop.example.com/thanks',
  user_data: { external_id: 'df_abc', client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' }, ...overrides,
});

test('server event: action_source from the config, fbc from fbclid, contents as lists, Limited Data Use', () => {
  const event = browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/p?utm_source=fb&fbclid=IwAR0abc#top' } } });
  const out = toServerEvent(payload({ custom_data: { content_ids: 'SKU-1', contents: { id: 'SKU-1', quantity: 1 } } }), event, ctx({ limited_data_use: true }));
  assert.equal(out.action_source, 'website');
  assert.equal((out.user_data as JsonObject).fbc, `fb.1.${Date.parse('2026-11-30T11:00:00Z')}.IwAR0abc`, 'the click id with the event time in ms');
  assert.deepEqual(out.custom_data, { content_ids: ['SKU-1'], contents: [{ id: 'SKU-1', quantity: 1 }] });
  assert.deepEqual([out.data_processing_options, out.data_processing_options_country, out.data_processing_options_state], [['LDU'], 0, 0]);
  const cookie = toServerEvent(payload({ user_data: { client_user_agent: 'Mozilla/5.0', fbc: 'fb.1.5.cookie' } }), event, ctx());
  assert.equal((cookie.user_data as JsonObject).fbc, 'fb.1.5.cookie', 'the _fbc cookie wins over the URL');
  assert.equal(toServerEvent(payload({ action_source: 'physical_store', event_source_url: null as never, user_data: { em: 'a@x.com' } }), event, ctx()).action_source, 'physical_store');
  const input = payload();
  toServerEvent(input, event, ctx());
  assert.equal((input.user_data as JsonObject).external_id, 'df_abc', 'the mapped payload is not changed');
});

test('events Meta would refuse with their whole request are dead-lettered alone, saying why', () => {
  const event = browserEvent();
  assert.throws(() => toServerEvent(payload({ event_time: Math.floor((NOW - 8 * 86_400_000) / 1000) }), event, ctx()), { name: 'PermanentError', message: /older than 7 days/ });
  assert.throws(() => toServerEvent(payload({ user_data: { external_id: 'df_abc' } }), event, ctx()), { name: 'PermanentError', message: /user_data\.client_user_agent for website events/ });
  assert.throws(() => toServerEvent(payload({ event_source_url: undefined as never }), event, ctx()), { name: 'PermanentError', message: /requires event_source_url/ });
  assert.throws(() => toServerEvent(payload({ user_data: { client_user_agent: 'Mozilla/5.0', em: 'nobody' } }), event, ctx()), { name: 'PermanentError', message: /cannot match this event to a person: .* \(unusable: em\)/ });
  assert.throws(() => toServerEvent(payload({ event_time: 'soon' }), event, ctx()), { name: 'PermanentError', message: /needs event_time/ });
  // A server-side source says so in its config, and needs neither.
  const server = toServerEvent(payload({ event_source_url: undefined as never, user_data: { external_id: 'crm-1' } }), event, ctx({ action_source: 'system_generated' }));
  assert.equal(server.action_source, 'system_generated');
});

test('custom_data carries no contact information in clear, and no contents entry without an id', () => {
  const out = toServerEvent(payload({ custom_data: { plan: 'pro', email: 'jane@example.com', billing_phone: '+447700900123', referrer: 'a@b.co', contents: [{ quantity: 1 }, { id: 'SKU-2', quantity: 2 }] } }), browserEvent(), ctx());
  assert.deepEqual(out.custom_data, { plan: 'pro', contents: [{ id: 'SKU-2', quantity: 2 }] });
  assert.deepEqual(toServerEvent(payload({ custom_data: { contents: { quantity: 1 } } }), browserEvent(), ctx()).custom_data, {}, 'none left: no contents');
  const nested = toServerEvent(payload({ custom_data: {
    plan: 'pro', name: 'Jane Doe', contact: '+44 7700 900123', customer: { id: 'c-1', email: 'jane@example.com', name: 'Jane Doe' },
    contents: [{ id: 'SKU-1', quantity: 1, name: 'Trail Shoe', buyer_email: 'jane@example.com' }],
  } }), browserEvent(), ctx());
  assert.deepEqual(nested.custom_data, { plan: 'pro', customer: { id: 'c-1' }, contents: [{ id: 'SKU-1', quantity: 1, name: 'Trail Shoe' }] }, 'nested objects and lists, a person\'s name and a phone number too; a product\'s name stays');
});

test('what Meta refuses whatever the rest of the batch: a weak match, an unknown or app action_source, a blank page URL', () => {
  const event = browserEvent();
  assert.throws(() => toServerEvent(payload({ user_data: { client_user_agent: 'Mozilla/5.0', fn: 'Jane', ge: 'f', ct: 'Leeds' } }), event, ctx()), { name: 'PermanentError', message: /cannot match this event to a person/ }, 'names and places alone');
  assert.throws(() => toServerEvent(payload({ user_data: { client_ip_address: '203.0.113.42' } }), event, ctx({ action_source: 'physical_store' })), { name: 'PermanentError', message: /nor client_ip_address with client_user_agent/ });
  assert.equal(toServerEvent(payload({ user_data: { client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' } }), event, ctx()).action_source, 'website', 'IP with the user agent is enough');
  assert.throws(() => toServerEvent(payload({ action_source: 'web' }), event, ctx()), { name: 'PermanentError', message: /Meta takes action_source website, app, .*; the blueprint mapped "web"/ });
  assert.throws(() => toServerEvent(payload({ action_source: 'app' }), event, ctx()), { name: 'PermanentError', message: /requires app_data/ });
  assert.throws(() => toServerEvent(payload({ event_source_url: '' }), event, ctx()), { name: 'PermanentError', message: /requires event_source_url/ });
});

test('classify: throttling waits a minute, token problems say what to fix, code 100 splits down to the one event', () => {
  assert.deepEqual(classifyMeta(answer(200, { events_received: 2, messages: [], fbtrace_id: 'x' }), request(2)), { status: 'delivered' });
  // Meta's documented answer with its real content type, and a page that is not Meta's: sent again, never counted as received.
  assert.deepEqual(classifyMeta({ ...answer(200, { events_received: 2, messages: [], fbtrace_id: 'AbCdEfGh' }), headers: { 'content-type': 'application/json; charset=UTF-8' } }, request(2)), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyMeta({ status: 200, body: page, headers: { 'content-type': 'text/html' } }, request(2)), { status: 'retry', reason: `HTTP 200 without Meta's JSON answer (events_received): ${page} — not Meta's answer (a proxy?), so not counted as received` });
  const throttled = classifyMeta(answer(400, graphError(17, { message: 'User request limit reached' })), request(2));
  assert.deepEqual(throttled, { status: 'retry', reason: 'Meta throttled the request (code 17): User request limit reached', retryAfterMs: 60_000, throttled: true }, 'a 400 the core treats as a 429');
  const usage = { 'x-business-use-case-usage': JSON.stringify({ 123: [{ type: 'ads_management', call_count: 100, estimated_time_to_regain_access: 12 }] }) };
  assert.equal(regainAccessMs(usage), 720_000);
  assert.equal((classifyMeta({ ...answer(400, graphError(4)), headers: usage }, request(2)) as { retryAfterMs: number }).retryAfterMs, 720_000, 'as long as Meta says');
  assert.deepEqual(classifyMeta(answer(400, graphError(368, { message: 'Temporarily blocked for policies violations' })), request(2)), { status: 'retry', reason: 'Meta blocked the app for a while (code 368): Temporarily blocked for policies violations (fbtrace_id AbC123)', retryAfterMs: 3_600_000, throttled: true });
  assert.equal((classifyMeta(answer(400, graphError(100, { is_transient: true })), request(4)) as { status: string }).status, 'retry', 'a transient error is not split event by event');
  assert.equal((classifyMeta(answer(500, graphError(2, { message: 'Service temporarily unavailable' })), request(2)) as { status: string }).status, 'retry');
  const token = classifyMeta(answer(400, graphError(190, { message: 'Error validating access token: Session has expired', error_subcode: 463 })), request(2)) as { status: string; reason: string };
  assert.equal(token.status, 'dead_letter');
  assert.match(token.reason, /code 190, subcode 463\): Error validating access token: Session has expired\. Generate a new token .* config\.access_token \(fbtrace_id AbC123\)/);
  const pixel = classifyMeta(answer(400, graphError(100, { error_subcode: 33, message: 'Unsupported post request. Object with ID \'123\' does not exist' })), request(5)) as { status: string; reason: string };
  assert.deepEqual([pixel.status, /config\.pixel_id/.test(pixel.reason)], ['dead_letter', true], 'an unknown pixel is not split event by event');
  assert.equal((classifyMeta(answer(400, graphError(100, { error_user_title: 'Missing currency', error_user_msg: 'Purchase events need a currency' })), request(8)) as { status: string }).status, 'split');
  assert.deepEqual(classifyMeta(answer(400, graphError(100, { error_user_title: 'Missing currency', error_user_msg: 'Purchase events need a currency' })), request(1)), {
    status: 'dead_letter', reason: 'Meta refused the event (code 100): Missing currency: Purchase events need a currency (fbtrace_id AbC123)',
  });
  assert.equal((classifyMeta(answer(503, 'upstream'), request(1)) as { status: string }).status, 'retry');
});

test('send: one request per 1,000 events to /{version}/{pixel_id}/events, with the token and the test event code', () => {
  const batch = Array.from({ length: 2500 }, (_, i) => ({ id: `e${i}`, event: {} as CanonicalEvent, payload: { event_name: 'PageView', event_id: `m${i}` } }));
  const requests = meta.send(batch, ctx({ test_event_code: 'TEST12345', api_version: 'v24.0' }));
  assert.deepEqual(requests.map((r) => r.eventIds.length), [1000, 1000, 500]);
  assert.equal(requests[0]!.url, 'https://graph.facebook.com/v24.0/1234567890/events');
  const body = requests[2]!.body as { data: unknown[]; access_token: string; test_event_code: string };
  assert.deepEqual([body.data.length, body.access_token, body.test_event_code], [500, 'your_access_token', 'TEST12345']);
  assert.equal(meta.send(batch.slice(0, 1), ctx())[0]!.url, 'https://graph.facebook.com/v25.0/1234567890/events', 'the default version');
  assert.equal('test_event_code' in (meta.send(batch.slice(0, 1), ctx())[0]!.body as object), false);
});

test('the shipped blueprints compile and map a purchase with its contents; retail maps the funnel', () => {
  for (const variant of ['default', 'retail']) {
    const compiled = compileBlueprint(readFileSync(new URL(`../../blueprints/meta_capi/${variant}.yaml`, import.meta.url), 'utf8'), { config: ctx().config });
    const order = compiled.mapEvent(browserEvent({ properties: { order_id: 'ORD-1', total: '59.98', currency: 'gbp', products: [{ product_id: 'SKU-1', price: 29.99, quantity: 2 }] } }));
    assert.deepEqual(order.errors, [], variant);
    assert.deepEqual((order.vendorEvent as JsonObject).custom_data, { value: 59.98, currency: 'GBP', order_id: 'ORD-1', content_type: 'product', content_ids: ['SKU-1'], contents: [{ id: 'SKU-1', quantity: 2, item_price: 29.99 }] }, variant);
    const noCurrency = compiled.mapEvent(browserEvent({ properties: { order_id: 'ORD-2', total: 10 } }));
    assert.match(noCurrency.errors.join(), /currency is required/, `${variant}: Meta requires a currency on a Purchase`);
    assert.equal(compiled.mapEvent(browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as never)).vendorEvent, null, `${variant}: no identify call at Meta`);
  }
  const retail = compileBlueprint(readFileSync(new URL('../../blueprints/meta_capi/retail.yaml', import.meta.url), 'utf8'), { config: ctx().config });
  const viewed = retail.mapEvent(browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', price: 89.99, currency: 'EUR' } }));
  const server = toServerEvent(viewed.vendorEvent as JsonObject, browserEvent(), ctx());
  assert.equal(server.event_name, 'ViewContent');
  assert.deepEqual(server.custom_data, { content_type: 'product', content_ids: ['SKU-1'], content_name: 'Trail Shoe', content_category: 'Shoes', value: 89.99, currency: 'EUR', contents: [{ id: 'SKU-1', quantity: 1, item_price: 89.99 }] });
  assert.equal(retail.mapEvent(browserEvent({ event: 'Newsletter Opened' })).vendorEvent, null, 'retail sends the funnel only');
});

test('Global Privacy Control under SIGNAL_GPC=restrict: Limited Data Use on that visitor\'s event, whatever the blueprint mapped; not under opt_out or ignore', () => {
  const gpc = browserEvent({ context: { ...browserEvent().context, consent: { advertising: true, gpc: true } } });
  const ldu = (out: JsonObject) => [out.data_processing_options, out.data_processing_options_country, out.data_processing_options_state];
  assert.deepEqual(ldu(toServerEvent(payload(), gpc, ctx())), [['LDU'], 0, 0]);
  assert.deepEqual(ldu(toServerEvent(payload({ data_processing_options: [] }), gpc, ctx())), [['LDU'], 0, 0], 'a mapped "no options" does not outweigh the visitor');
  assert.deepEqual(ldu(toServerEvent(payload({ data_processing_options: ['LDU'], data_processing_options_country: 1, data_processing_options_state: 1000 }), gpc, ctx())), [['LDU'], 1, 1000], 'a mapped LDU with its place kept');
  assert.deepEqual(ldu(toServerEvent(payload(), browserEvent(), ctx())), [undefined, undefined, undefined], 'no GPC: no LDU');
  try {
    for (const rule of ['opt_out', 'ignore'] as const) {
      setGpcRule(rule);
      assert.deepEqual(ldu(toServerEvent(payload(), gpc, ctx())), [undefined, undefined, undefined], rule);
    }
  } finally {
    setGpcRule('restrict');
  }
});
