import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setGpcRule } from '../../core/pipeline/gpc-rule.ts';
import { parse } from 'yaml';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import pinterest, { validatePinterestConfig } from './index.ts';
import { classifyPinterest } from './classify.ts';
import { toPinterestEvent } from './server-event.ts';
import { hashUserField, normalizeUserData } from './user-data.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const ACCOUNT = '549755885175';
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ ad_account_id: ACCOUNT, conversion_token: 'pina_conversion_token_123', ...extra });
const ctx = (extra: Record<string, JsonValue> = {}, variant = 'retail'): PluginContext => ({ config: config(extra), variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const request = (n: number): RequestDescriptor => ({ method: 'POST', url: `https://api.pinterest.com/v5/ad_accounts/${ACCOUNT}/events`, eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const classify = (status: number, body: unknown, n = 2, headers: Record<string, string> = {}) => classifyPinterest(answer(status, body, headers), request(n), ACCOUNT);

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' }, locale: 'en-GB' },
  ...overrides,
} as CanonicalEvent);
const EVENT_TIME = Math.floor(Date.parse('2026-11-30T11:00:00Z') / 1000);
const payload = (overrides: JsonObject = {}): JsonObject => ({
  event_name: 'checkout', event_time: EVENT_TIME, event_id: 'm-1', event_source_url: 'https://shop.example.com/thanks',
  user_data: { external_id: 'df_abc', client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' }, ...overrides,
});

test('customer information is normalised as Pinterest documents it, then hashed; digests pass unchanged', () => {
  assert.equal(hashUserField('em', ' Jane.Doe@Example.COM '), sha256('jane.doe@example.com'));
  assert.equal(hashUserField('em', 'not an address'), undefined);
  // "only digits with country code, area code, and number": no symbols, spaces or leading zeros.
  assert.equal(hashUserField('ph', '+44 (0)7700 900123'), sha256('447700900123'));
  assert.equal(hashUserField('ph', '0044 7700 900123'), sha256('447700900123'));
  assert.equal(hashUserField('ph', '+1 (616) 954-7888 ext. 12'), sha256('16169547888'));
  assert.equal(hashUserField('ph', '07700 900123'), undefined, 'a national number whose country is unknown');
  assert.equal(hashUserField('ph', '07700 900123', { defaultCountryCode: '44' }), sha256('447700900123'));
  assert.equal(hashUserField('fn', ' Zoë '), sha256('zoë'), 'lower case, letters beyond a–z kept');
  assert.equal(hashUserField('fn', 'Zoe\u0308'), hashUserField('fn', 'Zo\u00eb'), 'either Unicode form');
  assert.equal(hashUserField('ln', "O'Neil"), sha256("o'neil"), 'Pinterest asks names in lower case only');
  assert.deepEqual(['Female', 'M', 'non-binary', 'Mrs'].map((g) => hashUserField('ge', g)), [sha256('f'), sha256('m'), sha256('n'), undefined]);
  assert.deepEqual(['1997-12-26', '19971226', '12/26/1997', '26.12.1997'].map((d) => hashUserField('db', d)), Array(4).fill(sha256('19971226')));
  assert.equal(hashUserField('db', '1997-02-30'), undefined);
  assert.equal(hashUserField('ct', 'Menlo Park'), sha256('menlopark'));
  assert.equal(hashUserField('ct', 'St. Louis'), sha256('stlouis'), 'without spaces or punctuation');
  assert.equal(hashUserField('st', 'California'), sha256('ca'));
  assert.equal(hashUserField('st', 'NY'), sha256('ny'));
  assert.equal(hashUserField('st', 'New South Wales'), undefined, 'Pinterest takes a two-letter code');
  assert.equal(hashUserField('zp', '94025-1234'), sha256('94025'), 'a ZIP+4 by its first five digits');
  assert.equal(hashUserField('zp', 'SW1A 1AA'), undefined, '"only digits": a postcode with letters cannot be written so');
  assert.equal(hashUserField('country', 'United Kingdom'), sha256('gb'));
  assert.equal(hashUserField('country', 'US'), sha256('us'));
  assert.equal(hashUserField('external_id', ' User-123 '), sha256('User-123'), 'trimmed, its case kept');
  assert.equal(hashUserField('hashed_maids', 'AEBE52E7-03EE-455A-B3C4-E57283966239'), sha256('aebe52e7-03ee-455a-b3c4-e57283966239'));
  const digest = sha256('jane@example.com');
  for (const field of ['em', 'ph', 'external_id', 'zp'] as const) assert.equal(hashUserField(field, digest.toUpperCase()), digest, `${field}: a digest is not hashed twice`);
});

test('phones: E.164 digits without the +, read by the default country\'s numbering plan (the SDK\'s normalizePhoneNumber)', () => {
  assert.equal(hashUserField('ph', '+39 (0)6 1234 5678'), sha256('390612345678'), 'Italy keeps its 0');
  assert.equal(hashUserField('ph', '(55) 99123-4567', { defaultCountryCode: '55' }), sha256('5555991234567'), 'area code 55 is not the country code');
  assert.equal(hashUserField('ph', '07700 900123', { defaultCountryCode: '44' }), sha256('447700900123'));
  assert.equal(hashUserField('ph', '447700900123'), sha256('447700900123'), 'digits without a default code are taken as international, as Meta takes them');
  assert.equal(hashUserField('ph', '07700 900123'), undefined, 'a national number without a default code');
});

test('user_data: every hashed field a list of distinct digests, clear fields as text, anything else left out and named', () => {
  const { userData, unusable } = normalizeUserData({
    em: ['a@x.com', ' A@X.com', 'b@x.com'], ph: '07700 900123', fn: 'Jane', external_id: 'u-1', client_ip_address: '203.0.113.42', click_id: 'dj0yJnU9', ge: 'unknown', email: 'jane@example.com',
  });
  assert.deepEqual(userData, { em: [sha256('a@x.com'), sha256('b@x.com')], fn: [sha256('jane')], external_id: [sha256('u-1')], client_ip_address: '203.0.113.42', click_id: 'dj0yJnU9' });
  assert.deepEqual(unusable, ['ph', 'ge', 'email'], 'a key Pinterest does not take in clear is never sent');
});

test('the event as Pinterest\'s schema takes it: action_source from the config, numbers as text, lists, num_items and value from contents, LDP', () => {
  const out = toPinterestEvent(payload({
    language: 'en-GB', opt_out: false, referrer_url: 'https://www.pinterest.com/', properties: { plan: 'pro' },
    custom_data: { currency: 'usd', order_id: 'ORD-1', content_ids: 'SKU-1', contents: { id: 'SKU-1', item_price: 24.99, quantity: 3 }, coupon: 'SPRING' },
  }), browserEvent(), ctx({ limited_data_processing: true }));
  assert.deepEqual(out, {
    event_name: 'checkout', action_source: 'web', event_time: EVENT_TIME, event_id: 'm-1', event_source_url: 'https://shop.example.com/thanks', opt_out: false, language: 'en',
    user_data: { external_id: [sha256('df_abc')], client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' },
    custom_data: { currency: 'USD', order_id: 'ORD-1', content_ids: ['SKU-1'], contents: [{ id: 'SKU-1', item_price: '24.99', quantity: 3 }], num_items: 3, value: '74.97', opt_out_type: 'LDP' },
  }, 'referrer_url, properties and coupon are not in Pinterest\'s schema: left out, or Pinterest refuses the whole request');
  const mapped = toPinterestEvent(payload({ custom_data: { value: 10, num_items: '2', contents: [{ id: 'a', item_price: 1, quantity: 1 }] } }), browserEvent(), ctx({ action_source: 'offline' }));
  assert.deepEqual([mapped.action_source, (mapped.custom_data as JsonObject).value, (mapped.custom_data as JsonObject).num_items], ['offline', '10', 2], 'a mapped value and num_items win');
  const ids = (custom: JsonObject) => (toPinterestEvent(payload({ custom_data: custom }), browserEvent(), ctx()).custom_data as JsonObject).content_ids;
  assert.deepEqual(ids({ contents: [{ id: 'a', quantity: 1 }, { item_name: 'no id' }, { id: 'b' }, { id: 'a' }] }), ['a', 'b'], 'content_ids: the contents\' ids, each once');
  assert.deepEqual(ids({ content_ids: ['x'], contents: [{ id: 'a' }] }), ['x'], 'mapped content_ids win');
  assert.equal(toPinterestEvent(payload({ action_source: 'app_ios', event_time: EVENT_TIME + 0.7 }), browserEvent(), ctx()).action_source, 'app_ios', 'the blueprint may map it');
  assert.equal(toPinterestEvent(payload({ event_time: EVENT_TIME + 0.7 }), browserEvent(), ctx()).event_time, EVENT_TIME, 'whole seconds');
  assert.equal(toPinterestEvent(payload({ event_id: undefined as never }), browserEvent({ messageId: 'msg-9' }), ctx()).event_id, 'msg-9', 'event_id is required: the messageId');
  const input = payload();
  toPinterestEvent(input, browserEvent(), ctx());
  assert.equal((input.user_data as JsonObject).external_id, 'df_abc', 'the mapped payload is not changed');
});

test('click_id: the _epik cookie, else the page URL\'s epik parameter', () => {
  const fromUrl = browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/p/1?utm_source=pinterest&epik=dj0yJnU9abc#top' } } });
  assert.equal((toPinterestEvent(payload(), fromUrl, ctx()).user_data as JsonObject).click_id, 'dj0yJnU9abc');
  const cookie = payload({ user_data: { client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', click_id: 'from-cookie' } });
  assert.equal((toPinterestEvent(cookie, fromUrl, ctx()).user_data as JsonObject).click_id, 'from-cookie', 'the cookie wins');
  assert.equal((toPinterestEvent(payload(), browserEvent(), ctx()).user_data as JsonObject).click_id, undefined);
});

test('an event Pinterest would refuse with its whole request is dead-lettered alone, saying why', () => {
  const event = browserEvent();
  assert.throws(() => toPinterestEvent(payload({ user_data: { external_id: 'u-1', client_ip_address: '203.0.113.42' } }), event, ctx()), {
    name: 'PermanentError', message: /cannot match this event to a person: user_data needs em, hashed_maids, or client_ip_address with client_user_agent, and has no em, no hashed_maids and no client_user_agent/,
  });
  assert.throws(() => toPinterestEvent(payload({ user_data: { em: 'nobody', ph: '+447700900123' } }), event, ctx()), { name: 'PermanentError', message: /no client_ip_address and client_user_agent \(left out as unusable: em\)/ });
  assert.equal((toPinterestEvent(payload({ user_data: { em: 'jane@example.com' } }), event, ctx()).user_data as JsonObject).em !== undefined, true, 'an email alone is enough');
  assert.throws(() => toPinterestEvent(payload({ event_name: '' }), event, ctx()), { name: 'PermanentError', message: /needs event_name/ });
  assert.throws(() => toPinterestEvent(payload({ event_time: '2026-11-30' }), event, ctx()), { name: 'PermanentError', message: /needs event_time \(Unix seconds\)/ });
  assert.throws(() => toPinterestEvent(payload({ action_source: 'website' }), event, ctx()), { name: 'PermanentError', message: /takes action_source web, offline, app_android, app_ios; the blueprint mapped "website"/ });
  assert.throws(() => toPinterestEvent(payload({ custom_data: { currency: '$' } }), event, ctx()), { name: 'PermanentError', message: /ISO 4217 code .*"\$"/ });
  assert.throws(() => toPinterestEvent(payload({ custom_data: { value: 'lots' } }), event, ctx()), { name: 'PermanentError', message: /custom_data\.value as a number .*"lots"/ });
  assert.throws(() => toPinterestEvent(payload({ custom_data: { contents: [{ id: 'a', item_price: 'free' }] } }), event, ctx()), { name: 'PermanentError', message: /custom_data\.contents\[0\]\.item_price/ });
});

test('send: one POST per 1,000 events to the ad account\'s events URL, bearer token, {data}, ?test=true in test mode', () => {
  const batch = Array.from({ length: 2500 }, (_, i) => ({ id: `e${i}`, event: {} as CanonicalEvent, payload: { event_name: 'page_visit', event_id: `m${i}` } }));
  const requests = pinterest.send(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [1000, 1000, 500]);
  assert.deepEqual(requests[2], {
    method: 'POST', url: 'https://api.pinterest.com/v5/ad_accounts/549755885175/events',
    headers: { authorization: 'Bearer pina_conversion_token_123', 'content-type': 'application/json' },
    body: { data: batch.slice(2000).map((e) => e.payload) }, eventIds: batch.slice(2000).map((e) => e.id),
  });
  assert.deepEqual(pinterest.send(batch.slice(0, 1), ctx({ test_mode: true }))[0]!.query, [['test', 'true']]);
  // 1 MB per request: large events split by bytes before the event count.
  const big = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, event: {} as CanonicalEvent, payload: { event_name: 'custom', event_id: 'x'.repeat(100_000) } }));
  const parts = pinterest.send(big, ctx());
  assert.ok(parts.length >= 3 && parts.every((r) => JSON.stringify(r.body).length <= pinterest.batch.maxBytes), parts.map((r) => JSON.stringify(r.body).length).join());
  assert.deepEqual(parts.flatMap((r) => r.eventIds), big.map((e) => e.id));
});

test('classify: 200 per event (failed ones dead-lettered with Pinterest\'s error_message), or an error in the body', () => {
  assert.deepEqual(classify(200, { num_events_received: 2, num_events_processed: 2, events: [{ status: 'processed', error_message: '', warning_message: 'custom_data.np is not standard' }, { status: 'processed' }] }), { status: 'delivered' });
  // Pinterest's answer with its content type, and a page that is not Pinterest's: sent again, never counted processed.
  assert.deepEqual(classify(200, { num_events_received: 2, num_events_processed: 2, events: [{ status: 'processed', error_message: '', warning_message: '' }, { status: 'processed', error_message: '', warning_message: '' }] }, 2, { 'content-type': 'application/json' }), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classify(200, page, 2, { 'content-type': 'text/html' }), { status: 'retry', reason: `HTTP 200 without Pinterest's JSON answer (num_events_received, events): ${page} — not Pinterest's answer (a proxy?), so the events are sent again (each with its event_id)` });
  assert.deepEqual(classify(200, { num_events_received: 3, num_events_processed: 2, events: [{ status: 'processed' }, { status: 'failed', error_message: 'Event timestamp is older than 7 days' }, { status: 'processed' }] }, 3), {
    perEvent: { e1: { status: 'dead_letter', reason: 'Pinterest refused the event: Event timestamp is older than 7 days' } },
  });
  const inBody = classify(200, { code: 2, message: 'Authentication failed.' }) as { status: string; reason: string };
  assert.deepEqual([inBody.status, /conversion access token/.test(inBody.reason)], ['dead_letter', true], 'a 200 whose body is an error');
  assert.equal((classify(200, { code: 4196, message: 'The request was invalid.' }) as { status: string }).status, 'split');
  assert.equal((classify(200, { num_events_received: 2, num_events_processed: 1 }) as { status: string }).status, 'split', 'counts without a list: halves find the refused one');
  assert.deepEqual(classify(200, { num_events_received: 1, num_events_processed: 0 }, 1), { status: 'dead_letter', reason: 'Pinterest did not process the event and gave no reason (its answer: {"num_events_received":1,"num_events_processed":0})' });
  assert.deepEqual(classify(200, ''), { status: 'delivered' });
});

test('classify: credentials and ad account problems say what to fix; rate limits are throttled retries', () => {
  const token = classify(401, { code: 2, message: 'Authentication failed.' }) as { status: string; reason: string };
  assert.equal(token.status, 'dead_letter');
  assert.match(token.reason, /^Pinterest refused the conversion access token \(HTTP 401, code 2: Authentication failed\.\)\. Generate a new one in Ads Manager .* for ad account 549755885175, update config\.conversion_token/);
  const access = classify(403, { code: 29, message: 'You are not permitted to access that resource.' }) as { status: string; reason: string };
  assert.match(access.reason, /may not send events to ad account 549755885175 \(HTTP 403, code 29: You are not permitted .*\)\. Check config\.ad_account_id, and that the token was generated by the ad account's Owner/);
  assert.match((classify(404, { code: 2504, message: 'Ad account not found.' }) as { reason: string }).reason, /does not know ad account 549755885175 .* check config\.ad_account_id/);
  assert.match((classify(400, { code: 1, message: 'Invalid ad_account_id' }, 5) as { status: string; reason: string }).reason, /check config\.ad_account_id/, 'not split: no event is at fault');

  assert.deepEqual(classify(429, { code: 8, message: 'This request exceeded a rate limit.' }, 2, { 'Retry-After': '7' }), {
    status: 'retry', reason: 'Pinterest rate limit reached (HTTP 429, code 8: This request exceeded a rate limit.): the ad account takes 5,000 requests a minute', retryAfterMs: 7000, throttled: true,
  });
  assert.equal((classify(429, 'Too Many Requests') as { retryAfterMs: number }).retryAfterMs, 60_000, 'no Retry-After: the next minute');
  assert.deepEqual([(classify(400, { code: 8, message: 'rate limit' }) as { throttled: boolean }).throttled], [true], 'code 8 in another status is the rate limit too');
});

test('classify: a refused batch is split down to the event at fault; 5xx retries; other 4xx dead-letter with Pinterest\'s words', () => {
  const invalid = { code: 4196, message: "Invalid request: Additional properties are not allowed ('category_name' was unexpected)" };
  assert.equal((classify(400, invalid, 8) as { status: string }).status, 'split');
  assert.deepEqual(classify(400, invalid, 1), { status: 'dead_letter', reason: `Pinterest refused the event (HTTP 400, code 4196: ${invalid.message})` });
  assert.deepEqual(classify(400, { error: 'HTTP 400' }), { status: 'dead_letter', reason: 'Pinterest HTTP 400: {"error":"HTTP 400"}' }, 'not Pinterest\'s error shape: not split');
  assert.deepEqual(classify(422, { code: 4200, message: 'Not all events were successfully processed.', details: { events: [{ status: 'failed', error_message: 'Invalid event_name' }, { status: 'processed' }] } }), {
    perEvent: { e0: { status: 'dead_letter', reason: 'Pinterest refused the event: Invalid event_name' } },
  });
  assert.equal((classify(422, { code: 4200, message: 'Not all events were successfully processed.', details: {} }) as { status: string }).status, 'split');
  assert.equal((classify(413, 'Request Entity Too Large') as { status: string }).status, 'split');
  const ramped = classify(503, { code: 4197, message: 'The endpoint has been ramped down and is currently not accepting any traffic.' }, 2, { 'retry-after': '30' });
  assert.deepEqual(ramped, { status: 'retry', reason: 'Pinterest HTTP 503: code 4197: The endpoint has been ramped down and is currently not accepting any traffic.', retryAfterMs: 30_000 });
  assert.equal((classify(500, 'upstream') as { status: string }).status, 'retry');
  assert.deepEqual(classify(409, { code: 12, message: 'Conflict' }), { status: 'dead_letter', reason: 'Pinterest HTTP 409: code 12: Conflict' });
});

test('validateConfig: a token pasted with its prefix or white space, or the account id given as the token', () => {
  assert.deepEqual(validatePinterestConfig(config()), []);
  assert.deepEqual(validatePinterestConfig(config({ conversion_token: 'Bearer pina_abcdefgh' })), [{ field: 'conversion_token', message: 'starts with "Bearer ": give the token alone, Signal adds the prefix' }]);
  assert.deepEqual(validatePinterestConfig(config({ conversion_token: 'pina_abcdefgh\n' })).map((p) => p.field), ['conversion_token']);
  assert.match(validatePinterestConfig(config({ conversion_token: ACCOUNT }))[0]!.message, /is the ad account ID again/);
  const validate = createConfigAjv().compile(pinterest.config);
  assert.equal(validate({ ad_account_id: 'act_123', conversion_token: 'pina_conversion_token_123' }), false, 'the ad account ID is digits');
  assert.equal(validate({ ad_account_id: ACCOUNT, conversion_token: 'pina_conversion_token_123', action_source: 'website' }), false);
  assert.equal(validate(config({ test_mode: true, action_source: 'offline', default_country_code: '44', limited_data_processing: true })), true);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/pinterest/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent) => {
  const mapped = blueprint(variant).mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${variant} ${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toPinterestEvent(mapped.vendorEvent as JsonObject, event, ctx({}, variant));
};

test('blueprints: Segment\'s ecommerce spec as Pinterest\'s standard events, with value, currency and contents', () => {
  const products: JsonObject[] = [{ product_id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', brand: 'Stride', price: 29.99, quantity: 2 }, { product_id: 'SKU-2', price: '5', quantity: 1 }];
  for (const variant of ['default', 'retail']) {
    const order = mapThrough(variant, browserEvent({ properties: { order_id: 'ORD-1', revenue: '64.98', total: 70, currency: 'gbp', products } }))!;
    assert.equal(order.event_name, 'checkout', variant);
    assert.deepEqual(order.custom_data, {
      value: '64.98', currency: 'GBP', order_id: 'ORD-1', content_ids: ['SKU-1', 'SKU-2'], num_items: 3,
      contents: [{ id: 'SKU-1', item_name: 'Trail Shoe', item_category: 'Shoes', item_brand: 'Stride', item_price: '29.99', quantity: 2 }, { id: 'SKU-2', item_price: '5', quantity: 1 }],
    }, `${variant}: revenue (pre-tax, pre-shipping) as Pinterest recommends`);
    assert.match(blueprint(variant).mapEvent(browserEvent({ properties: { total: 5, currency: '$' } })).errors.join(), /currency is required but currency: "\$"/, `${variant}: an unreadable currency is an error, not a value in the wrong currency`);
    assert.equal((mapThrough(variant, browserEvent({ properties: { total: 5 } }))!.custom_data as JsonObject).currency, undefined, `${variant}: no currency, the ad account's`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 3, currency: 'EUR' } }))!;
    assert.deepEqual([added.event_name, added.custom_data], ['add_to_cart', { content_ids: ['SKU-1'], content_name: 'Trail Shoe', currency: 'EUR', contents: [{ id: 'SKU-1', item_name: 'Trail Shoe', item_price: '24.99', quantity: 3 }], num_items: 3, value: '74.97' }]);
    const viewed = mapThrough(variant, browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-1', price: 24.99 } }))!;
    assert.deepEqual([viewed.event_name, (viewed.custom_data as JsonObject).content_ids, (viewed.custom_data as JsonObject).value], ['view_content', ['SKU-1'], '24.99'], `${variant}: a product view is a view_content with the product (the page call is the page_visit)`);
    const searched = mapThrough(variant, browserEvent({ event: 'Products Searched', properties: { query: 'trail shoes' } }))!;
    assert.deepEqual([searched.event_name, searched.custom_data], ['search', { search_string: 'trail shoes' }]);
    const list = mapThrough(variant, browserEvent({ event: 'Product List Viewed', properties: { category: 'Shoes', products: [{ product_id: 'SKU-1', price: 5, quantity: 2 }, { sku: 'SKU-2' }, {}] } }))!;
    assert.deepEqual([list.event_name, list.custom_data], ['view_category', { content_category: 'Shoes', content_ids: ['SKU-1', 'SKU-2'], contents: [{ id: 'SKU-1' }, { id: 'SKU-2' }] }], `${variant}: the listed products by id (a sku when there is no product_id), no value`);
    const byListId = mapThrough(variant, browserEvent({ event: 'Product List Viewed', properties: { list_id: 'hot_deals_1', products: [{ product_id: 'SKU-1' }] } }))!;
    assert.deepEqual(byListId.custom_data, { content_ids: ['SKU-1'], contents: [{ id: 'SKU-1' }] }, `${variant}: a list_id is no content_category`);
    // A product known by its sku alone: content_ids are the contents' ids.
    const skuOrder = mapThrough(variant, browserEvent({ properties: { order_id: 'ORD-3', products: [{ sku: 'SKU-9', price: 4, quantity: 1 }, { product_id: 'SKU-1', sku: 'ignored', price: 1, quantity: 1 }, { sku: 'SKU-9', price: 4, quantity: 1 }] } }))!;
    assert.deepEqual((skuOrder.custom_data as JsonObject).content_ids, ['SKU-9', 'SKU-1'], `${variant}: an order's content_ids from contents[].id, sku included, each once`);
    const skuAdded = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { sku: 'SKU-9', price: 4 } }))!;
    assert.deepEqual([(skuAdded.custom_data as JsonObject).content_ids, (skuAdded.custom_data as JsonObject).contents], [['SKU-9'], [{ id: 'SKU-9', item_price: '4', quantity: 1 }]], `${variant}: one product by its sku`);
    for (const [name, expected] of [['Checkout Started', 'initiate_checkout'], ['Payment Info Entered', 'add_payment_info'], ['Product Added to Wishlist', 'add_to_wishlist']]) {
      assert.equal(mapThrough(variant, browserEvent({ event: name, properties: {} }))!.event_name, expected, `${variant}: ${name}`);
    }
    const page = mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Home', context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/' }, cookies: { _epik: 'dj0yJnU9epik' }, consent: { advertising: false } } } as never))!;
    assert.deepEqual([page.event_name, page.custom_data, (page.user_data as JsonObject).click_id, page.opt_out], ['page_visit', { content_name: 'Home' }, 'dj0yJnU9epik', true], `${variant}: a refusal of advertising is opt_out`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as never)), null, `${variant}: no identify call at Pinterest`);
  }
  assert.equal(mapThrough('retail', browserEvent({ event: 'Newsletter Opened' })), null, 'retail sends the funnel only');
  const custom = mapThrough('default', browserEvent({ event: 'Newsletter Opened', properties: { issue: 12, email: 'jane@example.com' } }))!;
  assert.deepEqual([custom.event_name, custom.custom_data, (custom.user_data as JsonObject).em], ['custom', undefined, [sha256('jane@example.com')]], 'default: other track events as custom, no properties (Pinterest\'s schema has no place for them)');
  assert.deepEqual([mapThrough('default', browserEvent({ event: 'Signed Up' }))!.event_name, mapThrough('default', browserEvent({ event: 'Lead Generated', properties: { value: 25, currency: 'usd' } }))!.custom_data],
    ['signup', { value: '25', currency: 'USD' }]);
  const subscribed = mapThrough('default', browserEvent({ event: 'Subscription Started', properties: { revenue: 9.99, currency: 'eur', plan: 'pro' } }))!;
  assert.deepEqual([subscribed.event_name, subscribed.custom_data], ['subscribe', { value: '9.99', currency: 'EUR' }], 'Pinterest\'s subscribe event, not custom');
  assert.equal(mapThrough('retail', browserEvent({ event: 'Subscription Started', properties: { revenue: 9.99 } })), null, 'retail sends the funnel only');
  assert.deepEqual(mapThrough('default', browserEvent({ event: 'Video Playback Started', properties: { title: 'How to lace' } }))!.custom_data, { content_name: 'How to lace' });
});

/** Pinterest's event names: ConversionEvents.data.event_name in its OpenAPI (v5/openapi.yaml, pinterest/api-description). */
const PINTEREST_EVENTS = ['add_payment_info', 'add_to_cart', 'add_to_wishlist', 'app_install', 'checkout', 'custom', 'initiate_checkout', 'lead', 'page_visit', 'search', 'signup', 'subscribe', 'view_category', 'view_content', 'watch_video'];

test('blueprints: every handler\'s names reach a Pinterest event its OpenAPI lists; the default variant sends every other track event as custom', () => {
  for (const variant of ['default', 'retail']) {
    const handlers = (parse(readFileSync(new URL(`../../blueprints/pinterest/${variant}.yaml`, import.meta.url), 'utf8')) as { events: Record<string, { names: string[]; event_name?: string; filter?: string }> }).events;
    for (const [handler, { names, event_name: eventName, filter }] of Object.entries(handlers)) {
      for (const name of names) {
        const event = name === 'page' ? browserEvent({ type: 'page', event: undefined, name: 'Home' } as never)
          : ['identify', 'group', 'alias', 'screen'].includes(name) ? browserEvent({ type: name, event: undefined } as never)
          : browserEvent({ event: name, properties: {} });
        const out = mapThrough(variant, event);
        if (filter === 'false') assert.equal(out, null, `${variant} ${handler}: ${name} is not sent`);
        else assert.deepEqual([out?.event_name, PINTEREST_EVENTS.includes(eventName!)], [eventName, true], `${variant} ${handler}: ${name}`);
      }
    }
  }
  assert.deepEqual(['Newsletter Opened', 'Cart Viewed', 'Application Opened'].map((name) => mapThrough('default', browserEvent({ event: name }))?.event_name), ['custom', 'custom', 'custom']);
});

test('blueprints: customer information from traits reaches user_data hashed, and nothing else of the person leaves in clear', () => {
  const event = browserEvent({
    userId: 'user-123',
    properties: { order_id: 'ORD-2', total: 10, currency: 'USD' },
    context: {
      ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' },
      traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (616) 954-7888', firstName: 'Jane', lastName: 'Doe', gender: 'female', birthday: '1990-02-14', address: { city: 'Menlo Park', state: 'California', postalCode: '94025', country: 'United States' } },
    },
  });
  const out = mapThrough('retail', event)!;
  assert.deepEqual(out.user_data, {
    external_id: [sha256('user-123')], em: [sha256('jane.doe@example.com')], ph: [sha256('16169547888')], fn: [sha256('jane')], ln: [sha256('doe')], ge: [sha256('f')], db: [sha256('19900214')],
    ct: [sha256('menlopark')], st: [sha256('ca')], zp: [sha256('94025')], country: [sha256('us')], client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0',
  });
  const text = JSON.stringify(out).toLowerCase();
  for (const raw of ['jane.doe@example.com', '9547888', 'user-123', 'menlo']) assert.equal(text.includes(raw), false, raw);
});

test('Global Privacy Control under SIGNAL_GPC=restrict: opt_out_type LDP on that visitor\'s event only', () => {
  const gpc = browserEvent({ context: { ...browserEvent().context, consent: { advertising: true, gpc: true } } });
  const optOutType = (out: JsonObject) => (out.custom_data as JsonObject | undefined)?.opt_out_type;
  assert.equal(optOutType(toPinterestEvent(payload({ custom_data: { currency: 'usd' } }), gpc, ctx())), 'LDP');
  assert.equal(optOutType(toPinterestEvent(payload({ custom_data: { currency: 'usd' } }), browserEvent(), ctx())), undefined);
  try {
    setGpcRule('ignore');
    assert.equal(optOutType(toPinterestEvent(payload({ custom_data: { currency: 'usd' } }), gpc, ctx())), undefined);
  } finally {
    setGpcRule('restrict');
  }
});
