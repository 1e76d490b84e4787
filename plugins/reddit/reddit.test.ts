import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setGpcRule } from '../../core/pipeline/gpc-rule.ts';
import { parse } from 'yaml';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import reddit, { USER_AGENT, validateRedditConfig } from './index.ts';
import { classifyReddit } from './classify.ts';
import { fitMetadata } from './event-metadata.ts';
import { toRedditEvent, TRACKING_TYPES } from './server-event.ts';
import { hashUserField, normalizeUser } from './user-data.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const PIXEL = 'a2_abc123xyz0';
const URL_V3 = `https://ads-api.reddit.com/api/v3/pixels/${PIXEL}/conversion_events`;
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ pixel_id: PIXEL, conversion_token: 'reddit_conversion_token_123', ...extra });
const ctx = (extra: Record<string, JsonValue> = {}, variant = 'retail'): PluginContext => ({ config: config(extra), variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const request = (n: number): RequestDescriptor => ({ method: 'POST', url: URL_V3, eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const classify = (status: number, body: unknown, n = 2, headers: Record<string, string> = {}): Classification => classifyReddit(answer(status, body, headers), request(n), PIXEL);
/** The status and reason of a whole-request outcome. */
const whole = (classification: Classification) => {
  assert.ok(!('perEvent' in classification), JSON.stringify(classification));
  return classification as { status: string; reason: string; retryAfterMs?: number; throttled?: boolean };
};

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
const EVENT_AT = Date.parse('2026-11-30T11:00:00Z');
const payload = (overrides: JsonObject = {}): JsonObject => ({
  event_at: EVENT_AT, type: { tracking_type: 'PURCHASE' }, event_source_url: 'https://shop.example.com/thanks', metadata: { conversion_id: 'm-1' },
  user: { external_id: 'df_abc', ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }, ...overrides,
});
const record = (value: JsonValue | undefined): JsonObject => value as JsonObject;

test('match keys are normalised as Reddit documents them, then hashed; Reddit\'s own examples hash as it says', () => {
  // Reddit's Manual Advanced Matching: "alice@example.com and Al.ice$+Apple@Example.Com should both hash to ff8d98…".
  assert.equal(hashUserField('email', 'Al.ice$+Apple@Example.Com'), 'ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976');
  assert.equal(hashUserField('email', ' alice@example.com '), sha256('alice@example.com'));
  assert.equal(hashUserField('email', 'jane.doe+news@Example.co.uk'), sha256('janedoe@example.co.uk'), 'dots and the alias out of the username, the domain kept');
  for (const bad of ['not an address', 'a@b@c', '+alias@example.com', '\'Jane\' <jane@example.com>']) assert.equal(hashUserField('email', bad), undefined, bad);
  // Reddit's example: +15554441234 → e5b124….
  assert.equal(hashUserField('phone_number', '+1 (555) 444-1234'), 'e5b124c58580eb16bd959b8d0cac12b12c952e2ceae0203d416cff94f10b994a');
  assert.equal(hashUserField('phone_number', '+1 (616) 954-7888 ext. 12'), sha256('+16169547888'), 'the extension removed');
  assert.equal(hashUserField('phone_number', '0044 7700 900123'), sha256('+447700900123'));
  assert.equal(hashUserField('phone_number', '07700 900123'), undefined, 'no country code and no default: its country is unknown');
  assert.equal(hashUserField('phone_number', '07700 900123', { defaultCountryCode: '44' }), sha256('+447700900123'));
  assert.equal(hashUserField('external_id', ' User-123 '), sha256('User-123'), 'trimmed, its case kept');
  assert.equal(hashUserField('ip_address', ' 203.0.113.42 '), sha256('203.0.113.42'));
  assert.equal(hashUserField('ip_address', '2001:DB8::1'), sha256('2001:db8::1'));
  assert.equal(hashUserField('ip_address', 'localhost'), undefined);
  // "IDFA uppercase hex, AAID lowercase hex, keep dashes."
  assert.equal(hashUserField('idfa', '8a2e4f6d-0852-4b2a-b9d5-79334de14b16'), sha256('8A2E4F6D-0852-4B2A-B9D5-79334DE14B16'));
  assert.equal(hashUserField('aaid', '38400000-8CF0-11BD-B23E-10B96E40000D'), sha256('38400000-8cf0-11bd-b23e-10b96e40000d'));
  assert.equal(hashUserField('idfa', '00000000-0000-0000-0000-000000000000'), undefined, 'a zeroed advertising id names no one');
  assert.equal(hashUserField('aaid', 'not-a-uuid'), undefined);
  // Reddit's published advertising id vectors (Manual Advanced Matching for Developers, as public Reddit integrations pin them).
  assert.equal(hashUserField('idfa', 'ea7583cd-a667-48bc-b806-42ecb2b48606'), '70574fa9c8f498a7b2e5c8712b1126de7b1406fd02fdc591821c5bd33092fd1c');
  assert.equal(hashUserField('aaid', 'CDDA802E-FB9C-47AD-9866-0794D394C912'), 'f23b554b2a8fb732a8b973733832e70f018da7bc294dfea289735a07d5dd2c9f');
  const digest = sha256('alice@example.com');
  for (const field of ['email', 'phone_number', 'external_id', 'ip_address'] as const) assert.equal(hashUserField(field, digest.toUpperCase()), digest, `${field}: a digest is not hashed twice`);
});

test('user: one string per key, the _rdt_uuid as the Pixel writes it, screen dimensions, LDU; anything else left out and named', () => {
  const uuid = '1677712978045.b8f7eb7d-b357-437b-8bd3-e1c8166c7132';
  const { user, unusable } = normalizeUser({
    email: ['a@x.com', 'b@x.com'], phone_number: '07700 900123', external_id: 'u-1', user_agent: ' Mozilla/5.0 ', uuid,
    screen_dimensions: { width: '1920', height: 1080 }, ge: 'f', first_name: 'Jane',
  }, {}, false);
  assert.deepEqual(user, { email: sha256('a@x.com'), external_id: sha256('u-1'), user_agent: 'Mozilla/5.0', uuid, screen_dimensions: { width: 1920, height: 1080 } });
  assert.deepEqual(unusable, ['phone_number', 'ge', 'first_name'], 'a key Reddit does not take is never sent');
  // Reddit refuses a whole request for a uuid that is no RFC 4122 UUID ("1700000000.abcd-uuid").
  for (const bad of ['1700000000.abcd-uuid', 'abc', '1677712978045']) assert.deepEqual(normalizeUser({ uuid: bad }, {}, false), { user: {}, unusable: ['uuid'] }, bad);
  assert.equal(normalizeUser({ uuid: 'B8F7EB7D-B357-437B-8BD3-E1C8166C7132' }, {}, false).user.uuid, 'B8F7EB7D-B357-437B-8BD3-E1C8166C7132', 'a bare UUID');
  assert.deepEqual(normalizeUser({ screen_dimensions: { width: 1920 } }, {}, false), { user: {}, unusable: ['screen_dimensions'] }, 'both sides or none');
  // v3 replaced opt_out with data_processing_options: an opted-out visitor, or every event with limited_data_use.
  assert.deepEqual(normalizeUser({ opt_out: true }, {}, false).user, { data_processing_options: { modes: ['LDU'] } });
  assert.deepEqual(normalizeUser({ opt_out: false }, {}, false).user, {});
  assert.deepEqual(normalizeUser({}, {}, true).user, { data_processing_options: { modes: ['LDU'] } });
  assert.deepEqual(normalizeUser({ data_processing_options: { modes: 'ldu', country: 'us', region: 'ca' } }, {}, false).user, { data_processing_options: { modes: ['LDU'], country: 'US', region: 'US-CA' } });
  assert.deepEqual(normalizeUser({ data_processing_options: { modes: ['LDU'], region: 'US-CA', country: 'United States' } }, {}, true).user, { data_processing_options: { modes: ['LDU'], region: 'US-CA' } });
});

test('the event as Reddit\'s v3 takes it: epoch ms, action_source, type in v3\'s spelling, metadata fitted, user hashed', () => {
  const out = toRedditEvent(payload({
    type: { tracking_type: 'Purchase', custom_event_name: 'ignored' }, click_id: 'cookie-click', properties: { plan: 'pro' },
    metadata: { conversion_id: 'm-1', currency: 'usd', products: { id: 'SKU-1', name: 'Trail Shoe', item_price: 24.99, quantity: 3, brand: 'Stride' }, coupon: 'SPRING' },
  }), browserEvent(), ctx());
  assert.deepEqual(out, {
    event_at: EVENT_AT, action_source: 'WEBSITE', type: { tracking_type: 'PURCHASE' }, event_source_url: 'https://shop.example.com/thanks', click_id: 'cookie-click',
    metadata: { conversion_id: 'm-1', currency: 'USD', products: [{ id: 'SKU-1', name: 'Trail Shoe', quantity: 3, item_price: 24.99 }], item_count: 3, value: 74.97 },
    user: { external_id: sha256('df_abc'), ip_address: sha256('203.0.113.42'), user_agent: 'Mozilla/5.0' },
  }, 'v2\'s Purchase read as PURCHASE; properties, coupon and brand are not Reddit\'s: left out');
  assert.deepEqual(toRedditEvent(payload({ type: { tracking_type: 'AddToCart' } }), browserEvent(), ctx()).type, { tracking_type: 'ADD_TO_CART' });
  const custom = toRedditEvent(payload({ type: { tracking_type: 'CUSTOM', custom_event_name: `Promo ${'é'.repeat(70)}` } }), browserEvent(), ctx());
  assert.equal([...String(record(custom.type).custom_event_name)].length, 64, 'Reddit keeps 64 characters of a custom name');
  assert.equal(toRedditEvent(payload({ metadata: {} }), browserEvent({ messageId: 'msg-9' }), ctx()).metadata !== undefined, true);
  assert.equal(record(toRedditEvent(payload({ metadata: {} }), browserEvent({ messageId: 'msg-9' }), ctx()).metadata).conversion_id, 'msg-9', 'conversion_id: the messageId unless mapped');
  assert.equal(toRedditEvent(payload({ event_at: '2026-11-30T11:00:00Z' }), browserEvent(), ctx()).event_at, EVENT_AT, 'ISO text read too');
  assert.equal(toRedditEvent(payload({ event_at: EVENT_AT / 1000 }), browserEvent(), ctx()).event_at, EVENT_AT, 'seconds read as seconds');
  assert.equal(toRedditEvent(payload({ event_at: NOW + 120_000 }), browserEvent(), ctx()).event_at, NOW, 'a clock 2 minutes fast: sent as now');
  assert.equal(toRedditEvent(payload({ action_source: 'website' }), browserEvent(), ctx()).action_source, 'WEBSITE');
  assert.equal(toRedditEvent(payload(), browserEvent(), ctx({ action_source: 'OTHER' })).action_source, 'OTHER', 'the configured source');
  assert.deepEqual(toRedditEvent(payload({ user: {} }), browserEvent(), ctx()).user, undefined, 'no match key: no user object');
  assert.deepEqual(record(toRedditEvent(payload(), browserEvent(), ctx({ limited_data_use: true })).user).data_processing_options, { modes: ['LDU'] });
  const input = payload();
  toRedditEvent(input, browserEvent(), ctx());
  assert.equal(record(input.user).external_id, 'df_abc', 'the mapped payload is not changed');
});

test('offline events carry no device ids, click id or page URL; the page URL\'s rdt_cid beats the _rdt_cid cookie', () => {
  const uuid = '1677712978045.b8f7eb7d-b357-437b-8bd3-e1c8166c7132';
  const store = toRedditEvent(payload({ action_source: 'offline', click_id: 'c', user: { email: 'a@x.com', uuid, idfa: '8a2e4f6d-0852-4b2a-b9d5-79334de14b16' } }), browserEvent(), ctx());
  assert.deepEqual([store.action_source, store.click_id, store.event_source_url, store.user], ['PHYSICAL_STORE', undefined, undefined, { email: sha256('a@x.com') }]);
  const landing = browserEvent({ context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/p/1?utm_source=reddit&rdt_cid=3184742045291813272#top' } } });
  assert.equal(toRedditEvent(payload({ click_id: 'older-cookie' }), landing, ctx()).click_id, '3184742045291813272', 'a new ad click wins');
  assert.equal(toRedditEvent(payload({ click_id: 'from-cookie' }), browserEvent(), ctx()).click_id, 'from-cookie');
  assert.equal(toRedditEvent(payload(), browserEvent({ context: { page: { search: '?rdt_cid=abc' } } }), ctx()).click_id, 'abc');
});

test('metadata: value and currency only for the types that carry them; item_count and value from the products; unreadable values refused', () => {
  const products: JsonObject[] = [{ id: 'a', item_price: 10, quantity: 2 }, { name: 'no id', item_price: 1 }, { id: 'b', item_price: '5.5', quantity: '1' }];
  assert.deepEqual(fitMetadata({ currency: 'eur', products }, 'ADD_TO_CART', 'm'), {
    conversion_id: 'm', currency: 'EUR', products: [{ id: 'a', quantity: 2, item_price: 10 }, { id: 'b', quantity: 1, item_price: 5.5 }], item_count: 3, value: 25.5,
  }, 'a product without an id is left out: Reddit requires one');
  assert.deepEqual(fitMetadata({ currency: 'EUR', value: 9, item_count: 2, products: [{ id: 'a' }] }, 'VIEW_CONTENT', 'm'), { conversion_id: 'm', products: [{ id: 'a' }] }, 'a view carries neither value nor item count');
  // Not sent with those types, so not read: an edited blueprint's unreadable currency or value costs no page visit.
  assert.deepEqual(fitMetadata({ currency: '$', value: 'n/a' }, 'PAGE_VISIT', 'm'), { conversion_id: 'm' });
  assert.equal(fitMetadata({ products: [{ id: 'a', quantity: 2_000_000_000 }, { id: 'b', quantity: 2_000_000_000 }] }, 'PURCHASE', 'm').item_count, undefined, 'a sum past 32 bits is no count');
  assert.deepEqual(fitMetadata({ value: 25, currency: 'usd', item_count: 1 }, 'LEAD', 'm'), { conversion_id: 'm', currency: 'USD', value: 25 }, 'a lead: value, no item count');
  assert.deepEqual(fitMetadata({ value: 7, item_count: 4, products: [{ id: 'a', item_price: 1, quantity: 1 }] }, 'PURCHASE', 'm').value, 7, 'a mapped value wins');
  assert.deepEqual(fitMetadata({ products: [{ id: 'a', item_price: 24.99, quantity: 3 }] }, 'PURCHASE', 'm').value, 74.97, 'micro-units: no 74.97000000000001');
  assert.deepEqual(fitMetadata({ conversion_id: 'jane@example.com' }, 'PURCHASE', 'm').conversion_id, 'm', 'contact information never leaves in metadata');
  assert.throws(() => fitMetadata({ currency: '$' }, 'PURCHASE', 'm'), { name: 'PermanentError', message: /ISO 4217 code .*"\$"/ });
  assert.throws(() => fitMetadata({ value: 'lots' }, 'PURCHASE', 'm'), { name: 'PermanentError', message: /metadata\.value as a number; the blueprint mapped "lots"/ });
  assert.throws(() => fitMetadata({ products: [{ id: 'a', item_price: 'free' }] }, 'PURCHASE', 'm'), { name: 'PermanentError', message: /metadata\.products\[0\]\.item_price/ });
});

test('an event Reddit would refuse with its whole request is dead-lettered alone, saying why', () => {
  const event = browserEvent();
  assert.throws(() => toRedditEvent(payload({ type: {} }), event, ctx()), { name: 'PermanentError', message: /needs type\.tracking_type/ });
  assert.throws(() => toRedditEvent(payload({ type: { tracking_type: 'Checkout' } }), event, ctx()), { name: 'PermanentError', message: /takes type\.tracking_type PAGE_VISIT, .*CUSTOM; the blueprint mapped "Checkout"/ });
  assert.throws(() => toRedditEvent(payload({ type: { tracking_type: 'CUSTOM' } }), event, ctx()), { name: 'PermanentError', message: /needs type\.custom_event_name for a CUSTOM event/ });
  assert.throws(() => toRedditEvent(payload({ event_at: 'yesterday' }), event, ctx()), { name: 'PermanentError', message: /needs event_at \(epoch milliseconds\)/ });
  assert.throws(() => toRedditEvent(payload({ event_at: NOW - 8 * 86_400_000 }), event, ctx()), { name: 'PermanentError', message: /up to 7 days old \(this one is from 2026-11-22T12:00:00\.000Z\)/ });
  assert.equal(toRedditEvent(payload({ event_at: NOW - 6 * 86_400_000 }), event, ctx()).event_at, NOW - 6 * 86_400_000, '6 days old is sent');
  assert.throws(() => toRedditEvent(payload({ event_at: NOW + 3_600_000 }), event, ctx()), { name: 'PermanentError', message: /more than 5 minutes in the future/ });
  assert.throws(() => toRedditEvent(payload({ action_source: 'email' }), event, ctx()), { name: 'PermanentError', message: /takes action_source WEBSITE, APP, PHYSICAL_STORE, OTHER; the blueprint mapped "email"/ });
});

test('odd values an edited blueprint maps: each refused naming the field and what was mapped, or read as Reddit takes it; nothing crashes', () => {
  const event = browserEvent();
  // A time no Date holds threw a RangeError ("Invalid time value") instead of saying which field.
  for (const bad of [1e20, -1e20, true]) {
    assert.throws(() => toRedditEvent(payload({ event_at: bad }), event, ctx()), { name: 'PermanentError', message: new RegExp(`needs event_at \\(epoch milliseconds\\): the blueprint mapped ${String(bad).replace('+', '\\+')}, which is no time`) }, String(bad));
  }
  assert.throws(() => toRedditEvent(payload({ event_at: null }), event, ctx()), { name: 'PermanentError', message: /the blueprint mapped none; map timestamp with to_unix_ms/ });
  assert.equal(toRedditEvent(payload({ event_at: String(EVENT_AT) }), event, ctx()).event_at, EVENT_AT, 'epoch ms as digits');
  assert.equal(toRedditEvent(payload({ event_at: ` ${EVENT_AT / 1000} ` }), event, ctx()).event_at, EVENT_AT, 'epoch seconds as digits');
  assert.throws(() => toRedditEvent(payload({ type: 'PURCHASE' }), event, ctx()), { name: 'PermanentError', message: /the blueprint mapped type as "PURCHASE", not type\.tracking_type$/ });
  assert.throws(() => toRedditEvent(payload({ type: { tracking_type: ['PURCHASE'] } }), event, ctx()), { name: 'PermanentError', message: /the blueprint mapped \["PURCHASE"\]$/ });
  // Counts no integer field holds and sums no double holds are left out rather than sent as 1e+300 or null.
  assert.deepEqual(fitMetadata({ item_count: 1e300, products: [{ id: 'a', quantity: 3e9, item_price: 1 }] }, 'PURCHASE', 'm'), { conversion_id: 'm', products: [{ id: 'a', item_price: 1 }] });
  assert.deepEqual(fitMetadata({ products: [{ id: 'a', quantity: 10, item_price: 1e303 }] }, 'PURCHASE', 'm'), { conversion_id: 'm', products: [{ id: 'a', quantity: 10, item_price: 1e303 }], item_count: 10 }, 'no value: the sum is past a double');
  assert.deepEqual(normalizeUser({ screen_dimensions: { width: 1e300, height: 800 } }, {}, false), { user: {}, unusable: ['screen_dimensions'] });
  // Only the mode Reddit documents: another would refuse the whole request.
  assert.deepEqual(normalizeUser({ data_processing_options: { modes: ['ldu', 'GDPR', 7] } }, {}, false).user, { data_processing_options: { modes: ['LDU'] } });
  assert.deepEqual(normalizeUser({ data_processing_options: { modes: ['GDPR'] } }, {}, false).user, {}, 'no documented mode: no data_processing_options');
  const text = toRedditEvent(payload({ type: { tracking_type: 'CUSTOM', custom_event_name: 'Café ☕ 注文' }, metadata: { products: { id: 'SKU-é', name: 'Crème brûlée 🍮' } } }), event, ctx());
  assert.deepEqual([text.type, record(text.metadata).products], [{ tracking_type: 'CUSTOM', custom_event_name: 'Café ☕ 注文' }, [{ id: 'SKU-é', name: 'Crème brûlée 🍮' }]], 'non-ASCII text kept as it is');
});

test('placeholders an empty variable left, and values that name no visitor, never reach Reddit', () => {
  // Shared by unrelated visitors: as external_id they would be one person, as conversion_id one conversion.
  for (const placeholder of ['undefined', 'null', ' NULL ', '0']) {
    assert.deepEqual(normalizeUser({ external_id: placeholder, user_agent: 'Mozilla/5.0' }, {}, false), { user: { user_agent: 'Mozilla/5.0' }, unusable: ['external_id'] }, placeholder);
    assert.equal(fitMetadata({ conversion_id: placeholder }, 'PURCHASE', 'msg-1').conversion_id, 'msg-1', placeholder);
  }
  assert.deepEqual(normalizeUser({ user_agent: 'undefined' }, {}, false), { user: {}, unusable: ['user_agent'] });
  // A loopback, private or unspecified address is a proxy's or a server's, not the visitor's.
  for (const ip of ['127.0.0.1', '10.1.2.3', '192.168.0.1', '0.0.0.0', '::1', 'fd00::1']) assert.deepEqual(normalizeUser({ ip_address: ip }, {}, false), { user: {}, unusable: ['ip_address'] }, ip);
  assert.equal(normalizeUser({ ip_address: '198.51.100.7' }, {}, false).user.ip_address, sha256('198.51.100.7'));
  // Click ids: a placeholder cookie, or broken percent-encoding in the landing URL, attributes nothing.
  assert.equal(toRedditEvent(payload({ click_id: 'undefined' }), browserEvent(), ctx()).click_id, undefined);
  const broken = browserEvent({ context: { page: { url: 'https://shop.example.com/?rdt_cid=%E0%A4%A' } } });
  assert.equal(toRedditEvent(payload({ click_id: 'from-cookie' }), broken, ctx()).click_id, 'from-cookie', 'the cookie, not a garbled URL parameter');
  // event_source_url: Reddit parses its domain; text that is no http(s) URL is left out.
  for (const url of ['not a url', '/checkout/thanks', 'javascript:alert(1)']) assert.equal(toRedditEvent(payload({ event_source_url: url }), browserEvent(), ctx()).event_source_url, undefined, url);
});

test('send: one POST per 1,000 events to the pixel\'s v3 URL, bearer token, its own user agent, { data: { events } }', () => {
  const batch = Array.from({ length: 2500 }, (_, i) => ({ id: `e${i}`, event: {} as CanonicalEvent, payload: { type: { tracking_type: 'PAGE_VISIT' }, metadata: { conversion_id: `m${i}` } } }));
  const requests = reddit.send(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [1000, 1000, 500]);
  assert.deepEqual(requests[2], {
    method: 'POST', url: URL_V3,
    headers: { authorization: 'Bearer reddit_conversion_token_123', 'content-type': 'application/json', 'user-agent': USER_AGENT },
    body: { data: { events: batch.slice(2000).map((e) => e.payload) } }, eventIds: batch.slice(2000).map((e) => e.id),
  });
  // Event Testing shows one event per request: with a test ID, each event goes alone, with it.
  const testing = reddit.send(batch.slice(0, 3), ctx({ test_id: 't2_test_abc' }));
  assert.deepEqual(testing.map((r) => [r.eventIds, r.body]), batch.slice(0, 3).map((e) => [[e.id], { data: { test_id: 't2_test_abc', events: [e.payload] } }]));
  // 1 MB per request: large events split by bytes before the event count.
  const big = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, event: {} as CanonicalEvent, payload: { type: { tracking_type: 'PAGE_VISIT' }, click_id: 'x'.repeat(100_000) } }));
  const parts = reddit.send(big, ctx());
  assert.ok(parts.length >= 3 && parts.every((r) => JSON.stringify(r.body).length <= reddit.batch.maxBytes), parts.map((r) => JSON.stringify(r.body).length).join());
  assert.deepEqual(parts.flatMap((r) => r.eventIds), big.map((e) => e.id));
});

test('classify: a 2xx that is not Reddit\'s JSON answer (a captive portal\'s page, other text) is sent again, quoting it; the declared answer is delivered', () => {
  const declared = reddit.successAnswer!;
  assert.deepEqual(classifyReddit({ status: declared.status!, headers: declared.headers ?? {}, body: JSON.stringify(declared.body), json: declared.body }, request(2), PIXEL), { status: 'delivered' });
  assert.deepEqual(classify(200, '<!doctype html>\n<html><title>Wi-Fi login</title><body>Please sign in</body></html>'), {
    status: 'retry',
    reason: 'HTTP 200 with <!doctype html> <html><title>Wi-Fi login</title><body>Please sign in</body></html>: not Reddit\'s answer (its JSON, data.message) — a proxy? — so the events are sent again (Reddit deduplicates on conversion_id)',
  });
  assert.equal((classify(200, 'OK') as { status: string }).status, 'retry');
  assert.equal((classify(200, [{ ok: true }]) as { status: string }).status, 'retry', 'a JSON list');
});

test('classify: 2xx delivered; 429 a throttled retry; 5xx and 408 retried after Retry-After', () => {
  assert.deepEqual(classify(200, { data: { message: 'Successfully processed 2 conversion events.' } }), { status: 'delivered' });
  assert.deepEqual(classify(204, ''), { status: 'delivered' });
  assert.deepEqual(classify(429, { error: { code: 429, message: 'Too many requests/events within timeframe.' } }, 2, { 'Retry-After': '7' }), {
    status: 'retry', reason: 'Reddit rate limit reached (HTTP 429: Too many requests/events within timeframe.)', retryAfterMs: 7000, throttled: true,
  });
  assert.deepEqual(classify(429, 'Your user agent was automatically ratelimited.'), { status: 'retry', reason: 'Reddit rate limit reached (HTTP 429: Your user agent was automatically ratelimited.)', throttled: true }, 'no Retry-After: the core\'s own wait');
  assert.deepEqual(classify(500, { error: { code: 500, message: 'The service is currently unavailable. No conversion events were processed.' } }, 2, { 'retry-after': '30' }), {
    status: 'retry', reason: 'Reddit HTTP 500: The service is currently unavailable. No conversion events were processed.', retryAfterMs: 30_000,
  });
  assert.deepEqual(classify(503, '<html>upstream</html>'), { status: 'retry', reason: 'Reddit HTTP 503: <html>upstream</html>' });
  assert.equal(whole(classify(408, '')).status, 'retry');
});

test('classify: a refused token, pixel or scope dead-letters at once, saying what to fix', () => {
  const token = whole(classify(401, { error: { code: 401, message: 'UNAUTHORIZED' } }));
  assert.equal(token.status, 'dead_letter');
  assert.match(token.reason, /^Reddit refused the conversion access token \(HTTP 401, UNAUTHORIZED\)\. Generate one in Reddit Ads Manager \(Events Manager > Conversions API > Generate Access Token\), update config\.conversion_token/);
  assert.match(whole(classify(401, 'No bearer token provided')).reason, /HTTP 401, No bearer token provided/);
  // Reddit's other error shape (as RudderStack's Reddit destination reads a 401): the explanation, not the JSON.
  assert.match(whole(classify(401, { error: { reason: 'UNAUTHORIZED', explanation: 'Invalid access token' } })).reason, /\(HTTP 401, Invalid access token\)\. Generate one/);
  const pixel = whole(classify(403, { error: { code: 403, message: `You're not authorized to post conversions to Pixel ID ${PIXEL}.` } }));
  assert.match(pixel.reason, /^Reddit: the access token may not post conversions to pixel a2_abc123xyz0 \(HTTP 403, You're not authorized .*\)\. Check config\.pixel_id .* conversion access token generated in the business that owns the pixel$/);
  assert.match(whole(classify(403, { error: { message: 'Missing adsconversions scope to post conversions to Pixel.' } })).reason, /Missing adsconversions scope/);
  assert.match(whole(classify(404, { error: { code: 404, message: 'Not Found' } })).reason, /does not know pixel a2_abc123xyz0 \(HTTP 404, Not Found\): check config\.pixel_id/);
});

test('classify: a 400 naming refused events dead-letters those and sends the others again; without names the batch is split', () => {
  const invalid = (fields: Array<{ field: string; message: string }>) => ({ error: { code: 400, message: 'There were 1 invalid conversion events. None were processed.', fields } });
  // Reddit's answer as seen live (Segment's v3 test scenarios): the refused field named by the event's place.
  assert.deepEqual(classify(400, invalid([{ field: '$.data.events[1].user.UUID', message: 'user.UUID: invalid UUID: UUID must be RFC-4122 compliant' }]), 3), {
    perEvent: {
      e0: { status: 'resend', reason: 'Reddit refused the request for its event 2 of 3 (HTTP 400) and recorded none of its events: sent again without the refused one' },
      e1: { status: 'dead_letter', reason: 'Reddit refused the event (HTTP 400): user.UUID: invalid UUID: UUID must be RFC-4122 compliant' },
      e2: { status: 'resend', reason: 'Reddit refused the request for its event 2 of 3 (HTTP 400) and recorded none of its events: sent again without the refused one' },
    },
  });
  const two = classify(400, invalid([{ field: '$.data.events[0].action_source', message: 'action_source: invalid action_source: website' }, { field: '$.data.events[0].type', message: '' }, { field: '$.data.events[2].event_at', message: 'event_at timestamp must be less than 168h0m0s old' }]), 4);
  assert.deepEqual(two, { perEvent: {
    e0: { status: 'dead_letter', reason: 'Reddit refused the event (HTTP 400): action_source: invalid action_source: website; $.data.events[0].type is invalid' },
    e1: { status: 'resend', reason: 'Reddit refused the request for its events 1, 3 of 4 (HTTP 400) and recorded none of its events: sent again without the refused ones' },
    e2: { status: 'dead_letter', reason: 'Reddit refused the event (HTTP 400): event_at timestamp must be less than 168h0m0s old' },
    e3: { status: 'resend', reason: 'Reddit refused the request for its events 1, 3 of 4 (HTTP 400) and recorded none of its events: sent again without the refused ones' },
  } }, 'several refused events, one with two fields');
  assert.match(whole(classify(400, invalid([{ field: '$.data.test_id', message: 'invalid test_id' }]))).reason, /refused the test_id .* config\.test_id/);
  assert.equal(whole(classify(400, invalid([{ field: '$.data.events[5].user', message: 'x' }]), 2)).status, 'split', 'a place out of range: no event can be named');
  assert.equal(whole(classify(400, { error: { code: 400, message: 'There were 2 invalid conversion events. None were processed.' } }, 4)).status, 'split');
  assert.deepEqual(classify(400, { error: { code: 400, message: 'There were 1 invalid conversion events. None were processed.' } }, 1), { status: 'dead_letter', reason: 'Reddit refused the event (HTTP 400, There were 1 invalid conversion events. None were processed.)' });
  assert.equal(whole(classify(413, 'Request Entity Too Large', 6)).status, 'split');
  // Reddit's answer to too many events is a bare "Bad Request" ("split into multiple calls"):
  // halves find the refused event instead of losing the batch.
  assert.deepEqual(classify(400, 'Bad Request', 1000), { status: 'split', reason: 'Reddit refused the batch (HTTP 400, Bad Request); sending it in halves to find the event' });
  assert.equal(whole(classify(400, { invalid_events: [{ event_index: 1, error_message: 'x' }] }, 3)).status, 'split', 'v2.0\'s invalid_events: Reddit\'s too');
  assert.deepEqual(classify(400, 'Bad Request', 1), { status: 'dead_letter', reason: 'Reddit refused the event (HTTP 400, Bad Request)' }, 'alone: dead-lettered with Reddit\'s words');
  // A proxy's answer is not Reddit's: halving it would change nothing.
  assert.deepEqual(classify(400, '<html><body>400 Bad Request</body><p>nginx</p></html>'), { status: 'dead_letter', reason: 'Reddit HTTP 400: <html><body>400 Bad Request</body><p>nginx</p></html>' });
  assert.equal(whole(classify(400, { error: 'HTTP 400' })).status, 'dead_letter');
  assert.deepEqual(classify(409, { error: { code: 409, message: 'Conflict' } }), { status: 'dead_letter', reason: 'Reddit HTTP 409: Conflict' });
});

test('validateConfig and the schema: a token pasted with its prefix or white space, the Pixel ID as the token, a test ID with spaces', () => {
  assert.deepEqual(validateRedditConfig(config()), []);
  assert.deepEqual(validateRedditConfig(config({ conversion_token: 'Bearer eyJhbGciOiJSUzI1NiJ9' })), [{ field: 'conversion_token', message: 'starts with "Bearer ": give the token alone, Signal adds the prefix' }]);
  assert.deepEqual(validateRedditConfig(config({ conversion_token: 'eyJhbGciOiJSUzI1NiJ9\n' })).map((p) => p.field), ['conversion_token']);
  assert.match(validateRedditConfig(config({ conversion_token: PIXEL }))[0]!.message, /is the Pixel ID again/);
  assert.deepEqual(validateRedditConfig(config({ test_id: 'abc def' })).map((p) => p.field), ['test_id']);
  const validate = createConfigAjv().compile(reddit.config);
  assert.equal(validate(config({ pixel_id: 'https://ads.reddit.com/pixel/a2_abc' })), false, 'a URL is no Pixel ID');
  assert.equal(validate(config({ action_source: 'web' })), false, 'Reddit\'s spelling: WEBSITE');
  assert.equal(validate(config({ test_id: 't2_test', action_source: 'PHYSICAL_STORE', default_country_code: '44', limited_data_use: true })), true);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/reddit/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent) => {
  const mapped = blueprint(variant).mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${variant} ${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toRedditEvent(mapped.vendorEvent as JsonObject, event, ctx({}, variant));
};

test('blueprints: Segment\'s ecommerce spec as Reddit\'s standard events, with value, currency, item count and products', () => {
  const products: JsonObject[] = [{ product_id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', price: 29.99, quantity: 2 }, { sku: 'SKU-2', price: '5' }];
  for (const variant of ['default', 'retail']) {
    const order = mapThrough(variant, browserEvent({ properties: { order_id: 'ORD-1', revenue: '64.98', total: 70, currency: 'gbp', products } }))!;
    assert.deepEqual([order.type, order.metadata], [{ tracking_type: 'PURCHASE' }, {
      conversion_id: 'm-1', currency: 'GBP', products: [{ id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', quantity: 2, item_price: 29.99 }, { id: 'SKU-2', quantity: 1, item_price: 5 }], item_count: 3, value: 64.98,
    }], variant);
    assert.match(blueprint(variant).mapEvent(browserEvent({ properties: { total: 5, currency: '$' } })).errors.join(), /currency is required but currency: "\$"/, `${variant}: an unreadable currency is an error`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 3, currency: 'EUR' } }))!;
    assert.deepEqual([added.type, added.metadata], [{ tracking_type: 'ADD_TO_CART' }, { conversion_id: 'm-1', currency: 'EUR', products: [{ id: 'SKU-1', name: 'Trail Shoe', quantity: 3, item_price: 24.99 }], item_count: 3, value: 74.97 }]);
    const viewed = mapThrough(variant, browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-1', price: 24.99, currency: 'EUR' } }))!;
    assert.deepEqual([viewed.type, viewed.metadata], [{ tracking_type: 'VIEW_CONTENT' }, { conversion_id: 'm-1', products: [{ id: 'SKU-1', quantity: 1, item_price: 24.99 }] }], `${variant}: a product view is VIEW_CONTENT, without value`);
    assert.deepEqual(mapThrough(variant, browserEvent({ event: 'Products Searched', properties: { query: 'shoes' } }))!.type, { tracking_type: 'SEARCH' });
    assert.deepEqual(mapThrough(variant, browserEvent({ event: 'Product Added to Wishlist', properties: { product_id: 'SKU-3' } }))!.type, { tracking_type: 'ADD_TO_WISHLIST' });
    const page = mapThrough(variant, browserEvent({
      type: 'page', event: undefined, name: 'Home',
      context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/?rdt_cid=318474' }, screen: { width: 390, height: 844 }, cookies: { _rdt_uuid: '1677712978045.b8f7eb7d-b357-437b-8bd3-e1c8166c7132', _rdt_cid: 'older' }, consent: { advertising: false } },
    } as never))!;
    assert.deepEqual([page.type, page.click_id, page.event_source_url, record(page.user).uuid, record(page.user).screen_dimensions, record(page.user).data_processing_options],
      [{ tracking_type: 'PAGE_VISIT' }, '318474', 'https://shop.example.com/?rdt_cid=318474', '1677712978045.b8f7eb7d-b357-437b-8bd3-e1c8166c7132', { width: 390, height: 844 }, { modes: ['LDU'] }], `${variant}: a refusal of advertising is LDU`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as never)), null, `${variant}: no identify call at Reddit`);
  }
  assert.equal(mapThrough('retail', browserEvent({ event: 'Newsletter Opened' })), null, 'retail sends the funnel only');
  for (const variant of ['default', 'retail']) {
    // Reddit has no checkout event: a CUSTOM one, with the cart (it was dropped by retail, and sent without products by default).
    const checkout = mapThrough(variant, browserEvent({ event: 'Checkout Started', properties: { revenue: 64.98, currency: 'eur', products } }))!;
    assert.deepEqual([checkout.type, checkout.metadata], [{ tracking_type: 'CUSTOM', custom_event_name: 'Checkout Started' }, {
      conversion_id: 'm-1', currency: 'EUR', products: [{ id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', quantity: 2, item_price: 29.99 }, { id: 'SKU-2', quantity: 1, item_price: 5 }], item_count: 3, value: 64.98,
    }], variant);
    assert.deepEqual(mapThrough(variant, browserEvent({ event: 'begin_checkout', properties: { products: [{ product_id: 'a', price: 2, quantity: 2 }] } }))!.metadata, { conversion_id: 'm-1', products: [{ id: 'a', quantity: 2, item_price: 2 }], item_count: 2, value: 4 }, `${variant}: the value from the products`);
    // Reddit takes no currency with VIEW_CONTENT: an unreadable one must not cost the event.
    assert.deepEqual(mapThrough(variant, browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-1', currency: '$' } }))!.metadata, { conversion_id: 'm-1', products: [{ id: 'SKU-1', quantity: 1 }] }, variant);
    assert.match(blueprint(variant).mapEvent(browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', price: 2, currency: '$' } })).errors.join(), /currency is required but currency: "\$"/, `${variant}: a cart add's currency still counts`);
  }
  assert.equal(mapThrough('retail', browserEvent({ event: 'Signed Up' })), null);
  const custom = mapThrough('default', browserEvent({ event: 'Newsletter Opened', properties: { issue: 12, email: 'jane@example.com', value: 2, currency: 'usd' } }))!;
  assert.deepEqual([custom.type, custom.metadata, record(custom.user).email], [{ tracking_type: 'CUSTOM', custom_event_name: 'Newsletter Opened' }, { conversion_id: 'm-1', currency: 'USD', value: 2 }, sha256('jane@example.com')]);
  assert.deepEqual([mapThrough('default', browserEvent({ event: 'Signed Up' }))!.type, mapThrough('default', browserEvent({ event: 'Lead Generated', properties: { value: 25, currency: 'usd' } }))!.metadata],
    [{ tracking_type: 'SIGN_UP' }, { conversion_id: 'm-1', currency: 'USD', value: 25 }]);
});

test('blueprints: every handler\'s names reach a tracking type Reddit lists; the default variant sends every other track event as CUSTOM', () => {
  for (const variant of ['default', 'retail']) {
    const handlers = (parse(readFileSync(new URL(`../../blueprints/reddit/${variant}.yaml`, import.meta.url), 'utf8')) as { events: Record<string, { names: string[]; event_name?: string; filter?: string }> }).events;
    for (const [handler, { names, event_name: eventName, filter }] of Object.entries(handlers)) {
      for (const name of names) {
        const event = name === 'page' ? browserEvent({ type: 'page', event: undefined, name: 'Home' } as never)
          : ['identify', 'group', 'alias', 'screen'].includes(name) ? browserEvent({ type: name, event: undefined } as never)
          : browserEvent({ event: name, properties: {} });
        const out = mapThrough(variant, event);
        if (filter === 'false') assert.equal(out, null, `${variant} ${handler}: ${name} is not sent`);
        else assert.deepEqual([record(out?.type).tracking_type, (TRACKING_TYPES as readonly string[]).includes(eventName!)], [eventName, true], `${variant} ${handler}: ${name}`);
      }
    }
  }
  assert.deepEqual(['Checkout Started', 'Product List Viewed'].map((name) => mapThrough('default', browserEvent({ event: name }))?.type), [
    { tracking_type: 'CUSTOM', custom_event_name: 'Checkout Started' }, { tracking_type: 'CUSTOM', custom_event_name: 'Product List Viewed' },
  ], 'Reddit has no standard event for them');
});

test('blueprints: match keys from traits reach user hashed, and nothing of the person leaves in clear', () => {
  const event = browserEvent({
    userId: 'user-123', properties: { order_id: 'ORD-2', total: 10, currency: 'USD' },
    context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' }, traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (616) 954-7888', firstName: 'Jane' } },
  });
  const out = mapThrough('retail', event)!;
  assert.deepEqual(out.user, { external_id: sha256('user-123'), email: sha256('janedoe@example.com'), phone_number: sha256('+16169547888'), ip_address: sha256('203.0.113.42'), user_agent: 'Mozilla/5.0' });
  const text = JSON.stringify(out).toLowerCase();
  for (const raw of ['jane', '9547888', 'user-123', '203.0.113']) assert.equal(text.includes(raw), false, raw);
});

test('Global Privacy Control under SIGNAL_GPC=restrict: Limited Data Use on that visitor\'s event only', () => {
  const gpc = browserEvent({ context: { ...browserEvent().context, consent: { advertising: true, gpc: true } } });
  assert.deepEqual(record(toRedditEvent(payload(), gpc, ctx()).user).data_processing_options, { modes: ['LDU'] });
  assert.equal(record(toRedditEvent(payload(), browserEvent(), ctx()).user).data_processing_options, undefined);
  try {
    setGpcRule('ignore');
    assert.equal(record(toRedditEvent(payload(), gpc, ctx()).user).data_processing_options, undefined);
  } finally {
    setGpcRule('restrict');
  }
});
