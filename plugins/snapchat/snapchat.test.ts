import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import snapchat, { validateSnapConfig } from './index.ts';
import { classifySnap } from './classify.ts';
import { toSnapEvent } from './server-event.ts';
import { hashUserField, normalizeUserData } from './user-data.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const PIXEL = '1ec32188-754e-4be2-8e55-c949a984a39f';
const TOKEN = 'snap_capi_token_0123456789';
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ pixel_id: PIXEL, access_token: TOKEN, ...extra });
const ctx = (extra: Record<string, JsonValue> = {}, variant = 'retail'): PluginContext => ({ config: config(extra), variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const request = (n: number): RequestDescriptor => ({ method: 'POST', url: `https://tr.snapchat.com/v3/${PIXEL}/events`, eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const classify = (status: number, body: unknown, n = 2, headers: Record<string, string> = {}) => classifySnap(answer(status, body, headers), request(n), PIXEL);

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
const EVENT_TIME = Math.floor(Date.parse('2026-11-30T11:00:00Z') / 1000);
const payload = (overrides: JsonObject = {}): JsonObject => ({
  event_name: 'PURCHASE', event_time: EVENT_TIME, event_id: 'm-1', event_source_url: 'https://shop.example.com/thanks',
  user_data: { external_id: 'df_abc', client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' },
  custom_data: { value: 10, currency: 'USD' }, ...overrides,
});

test('customer information is normalised as Snap documents it, then hashed (Snap\'s own examples); digests pass unchanged', () => {
  // The Parameters page's examples, input → hashed output.
  assert.equal(hashUserField('em', 'Person@Example.com'), '542d240129883c019e106e3b1b2d3f3cb3537c43c425364de8e951d5a3083345');
  assert.equal(hashUserField('ph', '+44 844 412 4653'), 'dc008fda46e2e64002cf2f82a4906236282d431c4f75e5b60bfe79fc48546383');
  assert.equal(hashUserField('fn', 'John'), '96d9632f363564cc3032521409cf22a852f2032eec099ed5967c0d000cec607a');
  assert.equal(hashUserField('fn', 'Raphaël'), 'e74bb89e718fe1e19c422a48382870399f8bf7ca8dfa008739e75b0be76627b7');
  assert.equal(hashUserField('em', ' Jane.Doe@Example.COM '), sha256('jane.doe@example.com'));
  assert.equal(hashUserField('em', 'not an address'), undefined);
  assert.equal(hashUserField('ph', '0044 844 412 4653'), sha256('448444124653'), 'the double 0 in front of the country code removed');
  assert.equal(hashUserField('ph', '+1 (616) 954-7888 ext. 12'), sha256('16169547888'));
  assert.equal(hashUserField('ln', "O'Neil-Smith"), sha256('oneilsmith'), 'lower case, punctuation removed');
  assert.equal(hashUserField('fn', 'Zoe\u0308'), hashUserField('fn', 'Zo\u00eb'), 'either Unicode form');
  assert.deepEqual(['Female', 'M', 'Mrs', 'non-binary'].map((g) => hashUserField('ge', g)), [sha256('f'), sha256('m'), undefined, undefined]);
  assert.deepEqual(['1997-12-26', '19971226', '12/26/1997', '26.12.1997'].map((d) => hashUserField('db', d)), Array(4).fill(sha256('19971226')));
  assert.equal(hashUserField('db', '1997-02-30'), undefined);
  assert.equal(hashUserField('ct', 'St. Louis'), sha256('stlouis'));
  assert.equal(hashUserField('st', 'California'), sha256('ca'));
  assert.equal(hashUserField('st', 'New South Wales'), undefined, 'a two-letter code');
  assert.equal(hashUserField('zp', '94025-1234'), sha256('94025'), 'a ZIP+4 by its first five digits');
  assert.equal(hashUserField('zp', 'SW1A 1AA'), sha256('sw1a1aa'));
  assert.equal(hashUserField('country', 'United Kingdom'), sha256('gb'));
  assert.equal(hashUserField('country', 'US'), sha256('us'));
  assert.equal(hashUserField('external_id', ' User 123 '), sha256('user123'), 'white space removed and lower-cased, as Snap\'s own Segment destination does');
  const digest = sha256('jane@example.com');
  for (const field of ['em', 'ph', 'external_id', 'zp'] as const) assert.equal(hashUserField(field, digest.toUpperCase()), digest, `${field}: a digest is not hashed twice`);
});

test('phones: E.164 digits without the +, read by the default country\'s numbering plan (the SDK\'s normalizePhoneNumber)', () => {
  assert.equal(hashUserField('ph', '07700 900123', { defaultCountryCode: '44' }), sha256('447700900123'), 'the trunk 0 removed');
  assert.equal(hashUserField('ph', '06 1234 5678', { defaultCountryCode: '39' }), sha256('390612345678'), 'Italy keeps its 0');
  assert.equal(hashUserField('ph', '(55) 99123-4567', { defaultCountryCode: '55' }), sha256('5555991234567'), 'area code 55 is not the country code');
  assert.equal(hashUserField('ph', '07700 900123'), undefined, 'a national number whose country is unknown');
  assert.equal(hashUserField('ph', '(616) 954-7888'), undefined, 'a US number without its country code: not read as +61 (Australia)');
  assert.equal(hashUserField('ph', '6169547888'), undefined);
  assert.equal(hashUserField('ph', '447700900123'), undefined, 'digits without + or 00 and no default country code: the country is unknown');
  assert.equal(hashUserField('ph', '(616) 954-7888', { defaultCountryCode: '1' }), sha256('16169547888'), 'with default_country_code 1');
  assert.equal(hashUserField('ph', '00 1 616 954 7888'), sha256('16169547888'), '00 in front of the country code');
  const us = payload({ user_data: { ph: '(616) 954-7888', client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' } });
  assert.deepEqual(toSnapEvent(us, browserEvent(), ctx()).user_data, { client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' }, 'without config.default_country_code the number is left out');
  assert.deepEqual((toSnapEvent(us, browserEvent(), ctx({ default_country_code: '1' })).user_data as JsonObject).ph, [sha256('16169547888')], 'config.default_country_code reaches the normalisation');
});

test('user_data: every hashed field a list of distinct digests, clear fields as text, anything else left out and named', () => {
  const { userData, unusable } = normalizeUserData({
    em: ['a@x.com', ' A@X.com', 'b@x.com'], ph: '07700 900123', fn: 'Jane', external_id: 'u-1', client_ip_address: ' 203.0.113.42 ', sc_click_id: 'click-1', sc_cookie1: 'cookie-1', ge: 'unknown', email: 'jane@example.com', madid: 'x',
  });
  assert.deepEqual(userData, {
    em: [sha256('a@x.com'), sha256('b@x.com')], fn: [sha256('jane')], external_id: sha256('u-1'), client_ip_address: '203.0.113.42', sc_click_id: 'click-1', sc_cookie1: 'cookie-1',
  });
  assert.deepEqual(unusable, ['ph', 'ge', 'email', 'madid'], 'a key Snap does not take in clear is never sent');
  assert.deepEqual(normalizeUserData({ external_id: [' ', 'User-1', 'user-2'] }).userData, { external_id: sha256('user-1') }, 'external_id: one string, the first usable value, as Snap\'s SDK and server-side tag send it');
});

test('the event as Snap takes it: known keys only, value a number, contents quantity and price as text, ids and num_items from contents', () => {
  const out = toSnapEvent(payload({
    referrer_url: 'https://www.snapchat.com/', properties: { plan: 'pro' },
    custom_data: { currency: 'usd', order_id: 'ORD-1', contents: { id: 'SKU-1', item_price: 24.99, quantity: 3, brand: 'Stride', color: 'red' }, coupon: 'SPRING' },
  }), browserEvent(), ctx());
  assert.deepEqual(out, {
    event_name: 'PURCHASE', event_time: EVENT_TIME, event_id: 'm-1', action_source: 'WEB', event_source_url: 'https://shop.example.com/thanks',
    user_data: { external_id: sha256('df_abc'), client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' },
    custom_data: { order_id: 'ORD-1', currency: 'USD', contents: [{ id: 'SKU-1', quantity: '3', item_price: '24.99', brand: 'Stride' }], content_ids: ['SKU-1'], num_items: 3, value: 74.97 },
  }, 'referrer_url, properties, coupon and color are not Snap fields: left out');
  const mapped = toSnapEvent(payload({ custom_data: { value: '10.5', currency: 'EUR', num_items: '2', contents: [{ id: 'a', item_price: 1, quantity: 1 }] } }), browserEvent(), ctx());
  assert.deepEqual([(mapped.custom_data as JsonObject).value, (mapped.custom_data as JsonObject).num_items], [10.5, 2], 'a mapped value and num_items win');
  const ids = (custom: JsonObject) => (toSnapEvent(payload({ event_name: 'ADD_CART', custom_data: custom }), browserEvent(), ctx()).custom_data as JsonObject).content_ids;
  assert.deepEqual(ids({ contents: [{ id: 'a', quantity: 1 }, { item_price: 3 }, { id: 'b' }, { id: 'a' }] }), ['a', 'b'], 'content_ids: the contents\' ids, each once; an entry without id left out');
  assert.deepEqual(ids({ content_ids: ['x', 'x'], contents: [{ id: 'a' }] }), ['x'], 'mapped content_ids win');
  assert.equal(toSnapEvent(payload({ event_time: EVENT_TIME + 0.7 }), browserEvent(), ctx()).event_time, EVENT_TIME, 'whole seconds');
  assert.equal(toSnapEvent(payload({ event_id: undefined as never }), browserEvent({ messageId: 'msg-9' }), ctx()).event_id, 'msg-9', 'event_id: the messageId');
  const input = payload();
  toSnapEvent(input, browserEvent(), ctx());
  assert.equal((input.user_data as JsonObject).external_id, 'df_abc', 'the mapped payload is not changed');
});

test('custom_data carries no contact information at any depth: an email or phone typed as a value, or under a key naming it', () => {
  const out = toSnapEvent(payload({
    event_name: 'SEARCH',
    custom_data: { search_string: 'jane.doe@example.com', sign_up_method: '+44 7700 900123', order_id: '2024 1234 5678', contents: [{ id: 'SKU-1', brand: 'jane@example.com' }], content_category: 'Shoes' },
  }), browserEvent(), ctx());
  assert.deepEqual(out.custom_data, { order_id: '2024 1234 5678', content_category: 'Shoes', content_ids: ['SKU-1'], contents: [{ id: 'SKU-1' }] }, 'digits in groups under an id key are an id, not a phone');
});

test('default_currency for a value without currency; action_source from the config; sc_click_id from the page URL\'s ScCid', () => {
  const out = toSnapEvent(payload({ custom_data: { value: 5 } }), browserEvent(), ctx({ default_currency: 'gbp' }));
  assert.deepEqual(out.custom_data, { value: 5, currency: 'GBP' });
  assert.deepEqual(toSnapEvent(payload({ event_name: 'SIGN_UP', custom_data: {} }), browserEvent(), ctx({ default_currency: 'GBP' })).custom_data, undefined, 'no value, no currency');
  const offline = toSnapEvent(payload({ event_source_url: undefined as never }), browserEvent(), ctx({ action_source: 'OFFLINE' }));
  assert.deepEqual([offline.action_source, offline.event_source_url], ['OFFLINE', undefined], 'offline events need no page URL');
  assert.equal(toSnapEvent(payload({ action_source: 'offline' }), browserEvent(), ctx()).action_source, 'OFFLINE', 'the blueprint may map it');
  assert.deepEqual(['website', 'Web', 'WEB', 'physical_store', 'PHONE_CALL'].map((source) => toSnapEvent(payload({ action_source: source }), browserEvent(), ctx({ action_source: 'OFFLINE' })).action_source), ['WEB', 'WEB', 'WEB', 'OFFLINE', 'OFFLINE'], 'Segment\'s website and Snap\'s Meta-compatible aliases, as Snap\'s own values');
  const fromUrl = browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/p/1?utm_source=snapchat&ScCid=a1b2c3d4-e5f6#top' } } });
  assert.equal((toSnapEvent(payload(), fromUrl, ctx()).user_data as JsonObject).sc_click_id, 'a1b2c3d4-e5f6');
  assert.equal((toSnapEvent(payload(), browserEvent(), ctx()).user_data as JsonObject).sc_click_id, undefined);
});

test('sc_click_id: a new ad click beats an old cookie, as Snap\'s own server-side tag reads it (URL, then referrer, then the _scclid cookie)', () => {
  const withCookie = payload({ user_data: { client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', sc_click_id: 'OLD-CLICK' } });
  const page = (page: JsonObject) => browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page } });
  const clickId = (p: JsonObject, event: CanonicalEvent) => (toSnapEvent(p, event, ctx()).user_data as JsonObject).sc_click_id;
  assert.equal(clickId(withCookie, page({ url: 'https://shop.example.com/p/1?ScCid=NEW-CLICK' })), 'NEW-CLICK', 'the landing page\'s ScCid, not the old cookie');
  assert.equal(clickId(payload(), page({ url: 'https://shop.example.com/p/1?SCCID=abc' })), 'abc', 'the parameter\'s name in any letter case');
  assert.equal(clickId(payload(), page({ url: 'https://shop.example.com/p/1?sccid=def&x=1' })), 'def');
  assert.equal(clickId(payload(), page({ url: 'https://shop.example.com/p/1', search: '?ScCid=from-search' })), 'from-search');
  assert.equal(clickId(withCookie, page({ url: 'https://shop.example.com/cart', referrer: 'https://shop.example.com/p/1?ScCid=FROM-REFERRER' })), 'FROM-REFERRER', 'the page after the landing page: the referrer\'s');
  assert.equal(clickId(payload(), page({ url: 'https://shop.example.com/p/1?ScCid=URL', referrer: 'https://shop.example.com/?ScCid=REFERRER' })), 'URL', 'the URL before the referrer');
  assert.equal(clickId(withCookie, page({ url: 'https://shop.example.com/cart', referrer: 'https://www.google.com/' })), 'OLD-CLICK', 'no ScCid anywhere: the cookie');
  assert.equal(clickId(withCookie, page({ url: 'https://shop.example.com/p/1?ScCid=' })), 'OLD-CLICK', 'an empty ScCid is none');
});

test('purchase_event_id order_id: a PURCHASE\'s event_id is its order id (the Pixel\'s transaction_id); other events, and orders without one, keep the messageId', () => {
  const order = payload({ custom_data: { value: 10, currency: 'USD', order_id: 'ORD-42' } });
  assert.equal(toSnapEvent(order, browserEvent(), ctx()).event_id, 'm-1', 'default: the messageId');
  assert.equal(toSnapEvent(order, browserEvent(), ctx({ purchase_event_id: 'message_id' })).event_id, 'm-1');
  assert.equal(toSnapEvent(order, browserEvent(), ctx({ purchase_event_id: 'order_id' })).event_id, 'ORD-42');
  assert.equal(toSnapEvent(payload({ custom_data: { value: 10, currency: 'USD', order_id: 7001 } }), browserEvent(), ctx({ purchase_event_id: 'order_id' })).event_id, '7001', 'a numeric order id as text');
  assert.equal(toSnapEvent(payload(), browserEvent(), ctx({ purchase_event_id: 'order_id' })).event_id, 'm-1', 'an order without order id');
  assert.equal(toSnapEvent(payload({ event_name: 'START_CHECKOUT', custom_data: { order_id: 'ORD-42' } }), browserEvent(), ctx({ purchase_event_id: 'order_id' })).event_id, 'm-1', 'PURCHASE only');
  const mapped = mapThrough('retail', browserEvent({ messageId: 'msg-order', properties: { order_id: 'ORD-77', total: 5, currency: 'USD' } }), { purchase_event_id: 'order_id' })!;
  assert.deepEqual([mapped.event_id, (mapped.custom_data as JsonObject).order_id], ['ORD-77', 'ORD-77'], 'through the blueprint');
  const validate = createConfigAjv().compile(snapchat.config);
  assert.equal(validate(config({ purchase_event_id: 'transaction_id' })), false);
});

test('an event Snap would refuse with its whole request is dead-lettered alone, saying why', () => {
  const event = browserEvent();
  const refuse = (p: JsonObject, message: RegExp, extra: Record<string, JsonValue> = {}) => assert.throws(() => toSnapEvent(p, event, ctx(extra)), { name: 'PermanentError', message });
  refuse(payload({ user_data: { external_id: 'u-1', client_ip_address: '203.0.113.42' } }), /^Snap cannot match this event to a Snapchatter: user_data needs em, ph, or client_ip_address with client_user_agent, and has none of them\. Send events from the browser/);
  refuse(payload({ user_data: { em: 'nobody', client_user_agent: 'Mozilla/5.0' } }), /has none of them \(left out as unusable: em\)/);
  assert.deepEqual((toSnapEvent(payload({ user_data: { em: 'jane@example.com' } }), event, ctx()).user_data as JsonObject).em, [sha256('jane@example.com')], 'an email alone is enough');
  refuse(payload({ event_name: ' ' }), /^Snap needs event_name/);
  refuse(payload({ event_time: '2026-11-30' }), /^Snap needs event_time \(Unix seconds\)/);
  refuse(payload({ event_time: EVENT_TIME - 38 * 86_400 }), /^Snap takes events up to 37 days old \(this one is from 2026-10-23T11:00:00\.000Z\)/);
  assert.doesNotThrow(() => toSnapEvent(payload({ event_time: EVENT_TIME - 36 * 86_400 }), event, ctx()), '36 days is fine');
  const nowSeconds = NOW / 1000;
  refuse(payload({ event_time: nowSeconds + 301 }), /^This event's time, 2026-11-30T12:05:01\.000Z, is more than 5 minutes in the future \(the sender's clock or timestamp is wrong\), and Snap would refuse every event sent with it/);
  refuse(payload({ event_time: nowSeconds + 86_400 * 365 }), /more than 5 minutes in the future/);
  assert.equal(toSnapEvent(payload({ event_time: nowSeconds + 300 }), event, ctx()).event_time, nowSeconds, 'a clock up to 5 minutes fast: sent as of now');
  assert.equal(toSnapEvent(payload({ event_time: nowSeconds + 20 }), event, ctx()).event_time, nowSeconds);
  assert.equal(toSnapEvent(payload({ event_time: nowSeconds }), event, ctx()).event_time, nowSeconds, 'now is now');
  refuse(payload({ action_source: 'MOBILE_APP' }), /^This plugin sends action_source WEB or OFFLINE \(also written web, website, offline, physical_store, phone_call\); the blueprint mapped "MOBILE_APP" \(app events need app_data and a Snap App ID/);
  refuse(payload({ action_source: 'app' }), /the blueprint mapped "app" \(app events need app_data/);
  refuse(payload({ action_source: 'email' }), /the blueprint mapped "email"$/);
  refuse(payload({ custom_data: { value: 10 } }), /^Snap requires custom_data\.value and custom_data\.currency for PURCHASE events; this one has no currency: .*config\.default_currency/);
  refuse(payload({ custom_data: {} }), /has no value and no currency/);
  refuse(payload({ custom_data: { currency: '$', value: 1 } }), /^Snap takes currency as an ISO 4217 code \(USD, EUR\); the blueprint mapped "\$"/);
  refuse(payload({ custom_data: { value: 'lots' } }), /^Snap takes custom_data\.value as a number; the blueprint mapped "lots"/);
  refuse(payload({ custom_data: { currency: 'USD', contents: [{ id: 'a', item_price: 'free' }] } }), /custom_data\.contents\[0\]\.item_price/);
});

test('send: one POST per 2,000 events to the pixel\'s events URL, the token as access_token, {data}; the validate endpoint in test mode', () => {
  const batch = Array.from({ length: 4500 }, (_, i) => ({ id: `e${i}`, event: {} as CanonicalEvent, payload: { event_name: 'PAGE_VIEW', event_id: `m${i}` } }));
  const requests = snapchat.send(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [2000, 2000, 500]);
  assert.deepEqual(requests[2], {
    method: 'POST', url: `https://tr.snapchat.com/v3/${PIXEL}/events`, query: [['access_token', TOKEN]],
    headers: { 'content-type': 'application/json' }, body: { data: batch.slice(4000).map((e) => e.payload) }, eventIds: batch.slice(4000).map((e) => e.id),
  });
  assert.equal(snapchat.send(batch.slice(0, 1), ctx({ test_mode: true }))[0]!.url, `https://tr.snapchat.com/v3/${PIXEL}/events/validate`);
  // 1 MB per request: large events split by bytes before the event count.
  const big = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, event: {} as CanonicalEvent, payload: { event_name: 'PAGE_VIEW', event_id: 'x'.repeat(100_000) } }));
  const parts = snapchat.send(big, ctx());
  assert.ok(parts.length >= 3 && parts.every((r) => JSON.stringify(r.body).length <= snapchat.batch.maxBytes), parts.map((r) => JSON.stringify(r.body).length).join());
  assert.deepEqual(parts.flatMap((r) => r.eventIds), big.map((e) => e.id));
});

test('classify: 2xx VALID delivered; INVALID read from the body, a 200 too; the validate endpoint\'s event_logs per event', () => {
  assert.deepEqual(classify(200, { status: 'VALID', reason: 'All events processed' }), { status: 'delivered' });
  assert.deepEqual(classify(200, ''), { status: 'delivered' }, 'no body');
  // Snap's answer with its content type, and a page that is not Snap's: sent again, never counted recorded.
  assert.deepEqual(classify(200, { status: 'VALID' }, 2, { 'content-type': 'application/json' }), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classify(200, page, 2, { 'content-type': 'text/html' }), { status: 'retry', reason: `HTTP 200 without Snap's JSON answer (status VALID): ${page} — not Snap's answer (a proxy?), so the events are sent again (each with its event_id)` });
  assert.deepEqual(classify(200, { status: 'INVALID', reason: 'Insufficient PII', event: 1 }), { status: 'split', reason: 'Snap refused the batch (event 1 of the request) (HTTP 200, Insufficient PII); sending it in halves to find the event' });
  assert.deepEqual(classify(200, { status: 'INVALID', reason: 'Insufficient PII' }, 1), { status: 'dead_letter', reason: 'Snap refused the event (HTTP 200, Insufficient PII)' });
  assert.deepEqual(classify(200, { status: 'VALID', test_event: true, event_logs: [{ status: 'VALID', event: 0 }, { status: 'INVALID', event: 1, errors: { codes: ['E100'], error_msgs: ['Timestamp invalid or out of range'] } }, { status: 'VALID' }] }, 3), {
    perEvent: { e1: { status: 'dead_letter', reason: 'Snap refused the event: Timestamp invalid or out of range — codes E100' } },
  });
  assert.deepEqual(classify(400, { status: 'INVALID', event_logs: [{ status: 'INVALID', errors: { error_msgs: ['Unhashed PII'] } }, { status: 'VALID' }] }), {
    perEvent: { e0: { status: 'dead_letter', reason: 'Snap refused the event: Unhashed PII' } },
  });
  assert.deepEqual(classify(200, { status: 'VALID', event_logs: [{ status: 'VALID' }, { status: 'VALID' }] }), { status: 'delivered' });
});

test('classify: the validate endpoint\'s event_logs name their event by index, in any order; an entry with errors is a refusal, warnings are not', () => {
  const reordered = { status: 'VALID', test_event: true, event_logs: [
    { status: 'VALID', event: 2, warnings: ['sc_cookie1 missing'] },
    { status: 'INVALID', event: 0, errors: { codes: ['E1'], error_msgs: ['Unhashed PII'] } },
    { status: 'VALID', event: 1 },
  ] };
  assert.deepEqual(classify(200, reordered, 3), { perEvent: { e0: { status: 'dead_letter', reason: 'Snap refused the event: Unhashed PII — codes E1' } } }, 'by event, not by position');
  assert.deepEqual(classify(200, { status: 'VALID', event_logs: [{ event: 1, status: 'VALID', errors: { error_msgs: ['Timestamp invalid or out of range'] } }, { event: 0, status: 'VALID', errors: { codes: [], error_msgs: [] } }] }, 2), {
    perEvent: { e1: { status: 'dead_letter', reason: 'Snap refused the event: Timestamp invalid or out of range' } },
  }, 'errors refuse an event whatever its status; empty errors do not');
  assert.deepEqual(classify(400, { status: 'INVALID', event_logs: [{ event: 3, status: 'INVALID', errors: { error_msgs: ['Missing event_name'] } }] }, 4), {
    perEvent: { e3: { status: 'dead_letter', reason: 'Snap refused the event: Missing event_name' } },
  }, 'only the refused event listed: the others pass');
  assert.deepEqual(classify(200, { status: 'VALID', event_logs: [{ status: 'VALID', event: 0 }, { status: 'VALID', event: 1 }] }), { status: 'delivered' });
  assert.deepEqual(classify(200, { status: 'VALID', event_logs: [{ status: 'INVALID', event: 5 }, { status: 'VALID', event: 1 }] }), { status: 'delivered' }, 'an index out of range: no event can be told, a 2xx VALID is delivered');
  assert.equal((classify(400, { status: 'INVALID', reason: 'Invalid events', event_logs: [{ status: 'INVALID', event: 0 }, { status: 'INVALID', event: 0 }] }) as { status: string }).status, 'split', 'an index given twice: the batch is split instead');
  assert.equal((classify(400, { status: 'INVALID', reason: 'Invalid events', event_logs: [{ status: 'INVALID' }] }, 3) as { status: string }).status, 'split', 'fewer entries than events, without index: split');
});

test('classify: a refused token or pixel dead-letters the batch at once saying what to fix (never split); a rate limit waits without using a try', () => {
  const token = classify(401, { status: 'INVALID', reason: 'Unauthorized' }, 5) as { status: string; reason: string };
  assert.equal(token.status, 'dead_letter');
  assert.equal(token.reason, `Snap refused the access token for pixel ${PIXEL} (HTTP 401, Unauthorized). Generate a Conversions API token in Snapchat Business Manager (Business Details > Conversions API Tokens > Generate Token) in the organization that owns the pixel, update config.access_token in a new revision, then replay the dead letters`);
  assert.equal((classify(403, 'Forbidden', 5) as { status: string }).status, 'dead_letter');
  const inBadRequest = classify(400, { status: 'INVALID', reason: 'Invalid access token' }, 5) as { status: string; reason: string };
  assert.deepEqual([inBadRequest.status, inBadRequest.reason.startsWith('Snap refused the access token')], ['dead_letter', true], 'Snap has answered 400 for a bad token: not split');
  const inOk = classify(200, { status: 'INVALID', reason: 'Unauthenticated request' }, 5) as { status: string; reason: string };
  assert.deepEqual([inOk.status, inOk.reason.startsWith('Snap refused the access token')], ['dead_letter', true]);
  assert.deepEqual(classify(404, { status: 'INVALID', reason: 'Not found' }, 5), { status: 'dead_letter', reason: `Snap refused pixel ${PIXEL} (HTTP 404, Not found): check config.pixel_id (Events Manager shows the Snap Pixel ID), and that the access token belongs to the organization that owns it` });
  assert.equal((classify(400, { status: 'INVALID', reason: 'Invalid pixel_id' }, 5) as { reason: string }).reason.startsWith(`Snap refused pixel ${PIXEL} (HTTP 400, Invalid pixel_id)`), true);

  assert.deepEqual(classify(429, { status: 'INVALID', reason: 'Too Many Requests' }, 2, { 'Retry-After': '7' }), { status: 'retry', reason: 'Snap rate limit reached (HTTP 429, Too Many Requests)', retryAfterMs: 7000, throttled: true });
  assert.deepEqual(classify(429, ''), { status: 'retry', reason: 'Snap rate limit reached (HTTP 429, (no body))', throttled: true }, 'no Retry-After: the core\'s backoff');
  assert.deepEqual(classify(400, { status: 'INVALID', reason: 'Rate limit exceeded' }), { status: 'retry', reason: 'Snap rate limit reached (HTTP 400, Rate limit exceeded)', throttled: true }, 'a rate limit in another status is one too');
});

test('classify: a 5xx is retried whatever its body says; words about a token or the pixel in one event\'s errors split the batch, not dead-letter it', () => {
  assert.deepEqual(classify(503, { status: 'INVALID', reason: 'Pixel service temporarily unavailable' }, 4, { 'Retry-After': '20' }), { status: 'retry', reason: 'Snap HTTP 503: Pixel service temporarily unavailable', retryAfterMs: 20_000 }, 'not a refused pixel');
  assert.deepEqual(classify(500, { status: 'INVALID', reason: 'Could not verify access token: backend timeout' }, 4), { status: 'retry', reason: 'Snap HTTP 500: Could not verify access token: backend timeout' }, 'not a refused token');
  assert.deepEqual(classify(502, { status: 'INVALID', errors: { error_msgs: ['Unauthorized'] } }, 1), { status: 'retry', reason: 'Snap HTTP 502: Unauthorized' });
  const cookie = { status: 'INVALID', reason: 'Invalid parameter', event: 2, errors: { codes: ['INVALID_PARAM'], error_msgs: ['sc_cookie1 is not a valid Snap Pixel cookie'] } };
  assert.deepEqual(classify(400, cookie, 4), { status: 'split', reason: 'Snap refused the batch (event 2 of the request) (HTTP 400, Invalid parameter: sc_cookie1 is not a valid Snap Pixel cookie — codes INVALID_PARAM); sending it in halves to find the event' });
  assert.deepEqual(classify(400, cookie, 1), { status: 'dead_letter', reason: 'Snap refused the event (HTTP 400, Invalid parameter: sc_cookie1 is not a valid Snap Pixel cookie — codes INVALID_PARAM)' }, 'alone, only that event is dead-lettered');
  assert.deepEqual(classify(400, { status: 'INVALID', reason: 'Unhashed access_token field in user_data', event: 0 }, 3), { status: 'split', reason: 'Snap refused the batch (event 0 of the request) (HTTP 400, Unhashed access_token field in user_data); sending it in halves to find the event' }, 'a reason naming an event is about that event');
  assert.deepEqual(classify(400, { status: 'INVALID', errors: { error_msgs: ['Pixel helper: too many requests for this event'] }, event: 1 }, 2), { status: 'split', reason: 'Snap refused the batch (event 1 of the request) (HTTP 400, Pixel helper: too many requests for this event); sending it in halves to find the event' }, 'nor is a rate limit read from an event\'s errors');
});

test('classify: a refused batch is split down to the event at fault; 5xx retries; other 4xx dead-letter with Snap\'s words', () => {
  const invalid = { status: 'INVALID', reason: 'Missing price and/or currency in Purchase events', event: 3, errors: { codes: ['INVALID_PARAM'], error_msgs: ['custom_data.currency is required'] } };
  assert.deepEqual(classify(400, invalid, 8), { status: 'split', reason: 'Snap refused the batch (event 3 of the request) (HTTP 400, Missing price and/or currency in Purchase events: custom_data.currency is required — codes INVALID_PARAM); sending it in halves to find the event' });
  assert.deepEqual(classify(400, invalid, 1), { status: 'dead_letter', reason: 'Snap refused the event (HTTP 400, Missing price and/or currency in Purchase events: custom_data.currency is required — codes INVALID_PARAM)' });
  assert.deepEqual(classify(400, '<html>Bad Request</html>'), { status: 'dead_letter', reason: 'Snap HTTP 400: <html>Bad Request</html>' }, 'not Snap\'s answer: not split');
  assert.equal((classify(413, 'Request Entity Too Large') as { status: string }).status, 'split');
  assert.deepEqual(classify(413, 'Request Entity Too Large', 1), { status: 'dead_letter', reason: 'Snap refused the event (HTTP 413, Request Entity Too Large)' });
  assert.deepEqual(classify(503, { status: 'INVALID', reason: 'Service Unavailable' }, 2, { 'retry-after': '30' }), { status: 'retry', reason: 'Snap HTTP 503: Service Unavailable', retryAfterMs: 30_000 });
  assert.deepEqual(classify(500, 'upstream'), { status: 'retry', reason: 'Snap HTTP 500: upstream' });
  assert.deepEqual(classify(408, ''), { status: 'retry', reason: 'Snap HTTP 408: (no body)' });
  assert.deepEqual(classify(409, { status: 'INVALID', reason: 'Conflict' }), { status: 'dead_letter', reason: 'Snap HTTP 409: Conflict' });
});

test('validateConfig: a token pasted with its prefix or white space, or the Pixel ID given as the token; the schema checks the pixel and currency', () => {
  assert.deepEqual(validateSnapConfig(config()), []);
  assert.deepEqual(validateSnapConfig(config({ access_token: 'Bearer abcdefgh123' })), [{ field: 'access_token', message: 'starts with "Bearer ": give the token alone, as Business Manager shows it' }]);
  assert.deepEqual(validateSnapConfig(config({ access_token: 'abcdefgh123\n' })), [{ field: 'access_token', message: 'holds white space or a line break (copied with the text around it?): give the token alone, as Business Manager shows it' }]);
  assert.deepEqual(validateSnapConfig(config({ access_token: PIXEL.toUpperCase() })), [{ field: 'access_token', message: 'is the Pixel ID again: generate a Conversions API token in Snapchat Business Manager (Business Details > Conversions API Tokens > Generate Token)' }]);
  const validate = createConfigAjv().compile(snapchat.config);
  assert.equal(validate(config({ pixel_id: '123456789' })), false, 'a Snap Pixel ID is a UUID');
  assert.equal(validate(config({ action_source: 'MOBILE_APP' })), false);
  assert.equal(validate(config({ default_currency: 'dollars' })), false);
  assert.equal(validate({ pixel_id: PIXEL }), false, 'the token is required');
  assert.equal(validate(config({ test_mode: true, action_source: 'OFFLINE', default_country_code: '44', default_currency: 'usd' })), true);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/snapchat/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent, extra: Record<string, JsonValue> = {}) => {
  const mapped = blueprint(variant).mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${variant} ${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toSnapEvent(mapped.vendorEvent as JsonObject, event, ctx(extra, variant));
};

test('blueprints: Segment\'s ecommerce spec as Snap\'s standard events, with value, currency and contents, in both variants', () => {
  const products: JsonObject[] = [{ product_id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', brand: 'Stride', price: 29.99, quantity: 2 }, { product_id: 'SKU-2', price: '5', quantity: 1 }];
  for (const variant of ['default', 'retail']) {
    const order = mapThrough(variant, browserEvent({ properties: { order_id: 'ORD-1', revenue: '64.98', total: 70, currency: 'gbp', products } }))!;
    assert.equal(order.event_name, 'PURCHASE', variant);
    assert.deepEqual(order.custom_data, {
      order_id: 'ORD-1', value: 64.98, currency: 'GBP', content_ids: ['SKU-1', 'SKU-2'], num_items: 3,
      contents: [{ id: 'SKU-1', quantity: '2', item_price: '29.99', brand: 'Stride' }, { id: 'SKU-2', quantity: '1', item_price: '5' }],
    }, `${variant}: revenue first, then total`);
    assert.match(blueprint(variant).mapEvent(browserEvent({ properties: { total: 5, currency: '$' } })).errors.join(), /currency is required but currency: "\$"/, `${variant}: an unreadable currency is an error, not a value in the wrong currency`);
    assert.throws(() => mapThrough(variant, browserEvent({ properties: { total: 5 } })), { name: 'PermanentError', message: /has no currency/ }, `${variant}: a PURCHASE without currency is dead-lettered alone`);
    assert.deepEqual(mapThrough(variant, browserEvent({ properties: { total: 5 } }), { default_currency: 'EUR' })!.custom_data, { value: 5, currency: 'EUR' }, `${variant}: or takes config.default_currency`);
    assert.deepEqual(mapThrough(variant, browserEvent({ properties: { total: 'lots', currency: 'USD', products: [{ sku: 'S', price: 2, quantity: 2 }] } }))!.custom_data, {
      currency: 'USD', contents: [{ id: 'S', quantity: '2', item_price: '2' }], content_ids: ['S'], num_items: 2, value: 4,
    }, `${variant}: a total that failed to_number is never sent; the value comes from the products`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 3, currency: 'EUR', brand: 'Stride' } }))!;
    assert.deepEqual([added.event_name, added.custom_data], ['ADD_CART', { content_name: 'Trail Shoe', currency: 'EUR', content_ids: ['SKU-1'], contents: [{ id: 'SKU-1', quantity: '3', item_price: '24.99', brand: 'Stride' }], num_items: 3, value: 74.97 }], `${variant}: the product's name as content_name`);
    const viewed = mapThrough(variant, browserEvent({ event: 'Product Viewed', properties: { sku: 'SKU-9', price: 24.99, category: 'Shoes' } }))!;
    assert.deepEqual([viewed.event_name, viewed.custom_data], ['VIEW_CONTENT', { content_category: 'Shoes', content_ids: ['SKU-9'], contents: [{ id: 'SKU-9', quantity: '1', item_price: '24.99' }], num_items: 1, value: 24.99 }], `${variant}: a product known by its sku alone`);
    const searched = mapThrough(variant, browserEvent({ event: 'Products Searched', properties: { query: 'trail shoes' } }))!;
    assert.deepEqual([searched.event_name, searched.custom_data], ['SEARCH', { search_string: 'trail shoes' }]);
    const list = mapThrough(variant, browserEvent({ event: 'Product List Viewed', properties: { category: 'Shoes', list_id: 'hot_deals', products: [{ product_id: 'SKU-1', price: 5, quantity: 2 }, { sku: 'SKU-2' }, {}] } }))!;
    assert.deepEqual([list.event_name, list.custom_data], ['LIST_VIEW', { content_category: 'Shoes', content_ids: ['SKU-1', 'SKU-2'], contents: [{ id: 'SKU-1' }, { id: 'SKU-2' }] }], `${variant}: the listed products by id (a sku when there is no product_id), no value`);
    const skuOrder = mapThrough(variant, browserEvent({ properties: { order_id: 'ORD-3', currency: 'USD', products: [{ sku: 'SKU-9', price: 4, quantity: 1 }, { product_id: 'SKU-1', sku: 'ignored', price: 1, quantity: 1 }, { sku: 'SKU-9', price: 4, quantity: 1 }] } }))!;
    assert.deepEqual([(skuOrder.custom_data as JsonObject).content_ids, (skuOrder.custom_data as JsonObject).value], [['SKU-9', 'SKU-1'], 9], `${variant}: an order's content_ids from contents[].id, sku included, each once`);
    // Each handler's custom_data, exactly: a cart event carries its products, a product event its one product.
    const cart = { checkout_id: 'CHK-1', value: 35, currency: 'usd', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 15, quantity: 2, brand: 'Stride' }, { sku: 'SKU-3', price: 5 }] };
    const cartData = { value: 35, currency: 'USD', order_id: 'CHK-1', content_ids: ['SKU-1', 'SKU-3'], num_items: 3, contents: [{ id: 'SKU-1', quantity: '2', item_price: '15', brand: 'Stride' }, { id: 'SKU-3', quantity: '1', item_price: '5' }] };
    const oneProduct = { product_id: 'SKU-7', name: 'Rain Jacket', category: 'Outerwear', price: 80, currency: 'eur', brand: 'Nimbus' };
    const productData = { content_name: 'Rain Jacket', content_category: 'Outerwear', currency: 'EUR', content_ids: ['SKU-7'], contents: [{ id: 'SKU-7', quantity: '1', item_price: '80', brand: 'Nimbus' }], num_items: 1, value: 80 };
    for (const [name, properties, eventName, customData] of [
      ['Checkout Started', cart, 'START_CHECKOUT', cartData],
      ['begin_checkout', cart, 'START_CHECKOUT', cartData],
      ['Payment Info Entered', cart, 'ADD_BILLING', cartData],
      ['add_payment_info', cart, 'ADD_BILLING', cartData],
      ['purchase', { ...cart, order_id: 'ORD-5' }, 'PURCHASE', { ...cartData, order_id: 'ORD-5' }],
      ['Product Added to Wishlist', oneProduct, 'ADD_TO_WISHLIST', productData],
      ['add_to_wishlist', oneProduct, 'ADD_TO_WISHLIST', productData],
      ['view_item', oneProduct, 'VIEW_CONTENT', productData],
      ['add_to_cart', { ...oneProduct, quantity: 2 }, 'ADD_CART', { ...productData, contents: [{ id: 'SKU-7', quantity: '2', item_price: '80', brand: 'Nimbus' }], num_items: 2, value: 160 }],
    ] as Array<[string, JsonObject, string, JsonObject]>) {
      const out = mapThrough(variant, browserEvent({ event: name, properties }))!;
      assert.deepEqual([out.event_name, out.custom_data], [eventName, customData], `${variant}: ${name}`);
    }
    const page = mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Home', context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/' }, cookies: { _scid: 'scid-cookie', _scclid: 'click-cookie' } } } as never))!;
    assert.deepEqual([page.event_name, page.custom_data, page.user_data], ['PAGE_VIEW', undefined, {
      external_id: sha256('df_abc'), client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', sc_cookie1: 'scid-cookie', sc_click_id: 'click-cookie',
    }], `${variant}: the Snap Pixel's cookies`);
    for (const type of ['identify', 'group', 'alias', 'screen']) assert.equal(mapThrough(variant, browserEvent({ type, event: undefined, traits: { email: 'a@x.com' } } as never)), null, `${variant}: no ${type} call at Snap`);
    assert.equal(mapThrough(variant, browserEvent({ event: 'Newsletter Opened', properties: { email: 'jane@example.com' } })), null, `${variant}: other track events are not sent (Snap's custom events are numbered slots)`);
  }
  assert.equal(mapThrough('retail', browserEvent({ event: 'Signed Up' })), null, 'retail sends the funnel only');
  assert.deepEqual(mapThrough('default', browserEvent({ event: 'Signed Up', properties: { method: 'google' } }))!.custom_data, { sign_up_method: 'google' });
  assert.equal(mapThrough('default', browserEvent({ event: 'Signed In' }))!.event_name, 'LOGIN');
  const subscribed = mapThrough('default', browserEvent({ event: 'Subscription Started', properties: { revenue: 9.99, currency: 'eur', plan: 'pro' } }))!;
  assert.deepEqual([subscribed.event_name, subscribed.custom_data], ['SUBSCRIBE', { value: 9.99, currency: 'EUR' }]);
  assert.deepEqual([mapThrough('default', browserEvent({ event: 'Trial Started', properties: { value: 0, currency: 'USD' } }))!.event_name], ['START_TRIAL']);
  const shared = mapThrough('default', browserEvent({ event: 'Product Shared', properties: { sku: 'SKU-4', share_via: 'email', recipient: 'friend@example.com' } }))!;
  assert.deepEqual([shared.event_name, shared.custom_data], ['SHARE', { content_ids: ['SKU-4'] }], 'the recipient\'s address is not sent');
  assert.deepEqual(mapThrough('default', browserEvent({ event: 'Product Reviewed', properties: { product_id: 'SKU-5', rating: 4 } }))!.event_name, 'RATE');
});

/** Snap's standard event names (Snap Pixel and Conversions API event types, v3). */
const SNAP_EVENTS = [
  'PAGE_VIEW', 'VIEW_CONTENT', 'ADD_CART', 'SIGN_UP', 'SAVE', 'START_CHECKOUT', 'APP_OPEN', 'ADD_BILLING', 'SEARCH', 'SUBSCRIBE', 'AD_CLICK', 'AD_VIEW',
  'COMPLETE_TUTORIAL', 'LEVEL_COMPLETE', 'INVITE', 'LOGIN', 'SHARE', 'RESERVE', 'ACHIEVEMENT_UNLOCKED', 'ADD_TO_WISHLIST', 'SPENT_CREDITS', 'RATE',
  'START_TRIAL', 'LIST_VIEW', 'PURCHASE', 'CUSTOM_EVENT_1', 'CUSTOM_EVENT_2', 'CUSTOM_EVENT_3', 'CUSTOM_EVENT_4', 'CUSTOM_EVENT_5',
];

test('blueprints: event_source_url is the page, else the referrer; a server-side order without either is sent without one, not dead-lettered', () => {
  for (const variant of ['default', 'retail']) {
    const serverOrder = browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0' }, properties: { order_id: 'ORD-9', total: 20, currency: 'USD' } });
    const order = mapThrough(variant, serverOrder)!;
    assert.deepEqual([order.event_name, order.action_source, order.event_source_url, order.custom_data], ['PURCHASE', 'WEB', undefined, { order_id: 'ORD-9', value: 20, currency: 'USD' }], `${variant}: a backend Order Completed`);
    const referred = mapThrough(variant, browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { referrer: 'https://shop.example.com/checkout' } }, properties: { total: 20, currency: 'USD' } }))!;
    assert.equal(referred.event_source_url, 'https://shop.example.com/checkout', `${variant}: the referrer when the page is unknown`);
    const both = mapThrough(variant, browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks', referrer: 'https://shop.example.com/checkout' } }, properties: { total: 20, currency: 'USD' } }))!;
    assert.equal(both.event_source_url, 'https://shop.example.com/thanks', `${variant}: the page first`);
  }
});

test('blueprints: every handler\'s names reach a Snap standard event', () => {
  for (const variant of ['default', 'retail']) {
    const handlers = (parse(readFileSync(new URL(`../../blueprints/snapchat/${variant}.yaml`, import.meta.url), 'utf8')) as { events: Record<string, { names: string[]; event_name: string }> }).events;
    for (const [handler, { names, event_name: eventName }] of Object.entries(handlers)) {
      assert.ok(SNAP_EVENTS.includes(eventName), `${variant} ${handler}: ${eventName}`);
      for (const name of names) {
        const event = name === 'page' ? browserEvent({ type: 'page', event: undefined, name: 'Home' } as never) : browserEvent({ event: name, properties: { revenue: 1, currency: 'USD' } });
        assert.equal(mapThrough(variant, event)?.event_name, eventName, `${variant} ${handler}: ${name}`);
      }
    }
  }
});

test('blueprints: customer information from traits reaches user_data hashed, and nothing else of the person leaves in clear', () => {
  const event = browserEvent({
    userId: 'user-123',
    properties: { order_id: 'ORD-2', total: 10, currency: 'USD', customer: { email: 'other@example.com', name: 'Jane Doe' } },
    context: {
      ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' },
      traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (616) 954-7888', firstName: 'Jane', lastName: 'Doe', gender: 'female', birthday: '1990-02-14', address: { city: 'Menlo Park', state: 'California', postalCode: '94025', country: 'United States' } },
    },
  });
  const out = mapThrough('retail', event)!;
  assert.deepEqual(out.user_data, {
    external_id: sha256('user-123'), em: [sha256('jane.doe@example.com')], ph: [sha256('16169547888')], fn: [sha256('jane')], ln: [sha256('doe')], ge: [sha256('f')], db: [sha256('19900214')],
    ct: [sha256('menlopark')], st: [sha256('ca')], zp: [sha256('94025')], country: [sha256('us')], client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0',
  });
  const text = JSON.stringify(out).toLowerCase();
  for (const raw of ['jane.doe@example.com', 'other@example.com', '9547888', 'user-123', 'menlo', 'jane doe']) assert.equal(text.includes(raw), false, raw);
});

test('an event time no Date can hold is refused naming it, not with a RangeError', () => {
  assert.throws(() => toSnapEvent({ event_name: 'PURCHASE', event_time: 1e17 }, browserEvent(), ctx()), {
    name: 'PermanentError', message: /^This event's time, 100000000000000000000 ms since 1970 \(out of range\), is more than \d+ minutes in the future/,
  });
});
