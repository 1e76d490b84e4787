import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import xAds, { conversionsUrl, sendConversions, signConversionsRequest, validateXAdsConfig } from './index.ts';
import { classifyX } from './classify.ts';
import { credentialsOf, eventIdFor } from './config.ts';
import { decimalText, toXConversion } from './conversion.ts';
import { hashIdentifier, twclidOf, xIdentifiers } from './identifiers.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-12-01T12:00:00.250Z');
const PIXEL = 'o8z6j';
const URL_12 = `https://ads-api.x.com/12/measurement/conversions/${PIXEL}`;
const TOKEN = '1234567890-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789ab';
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({
  pixel_id: PIXEL,
  conversion_events: { 'Order Completed': 'tw-o8z6j-o87ne', 'Signed Up': 'o87nf', page: 'tw-o8z6j-o87ng', 'page:Pricing': 'tw-o8z6j-o87nh', 'Product Added': 'tw-o8z6j-o87ni' },
  consumer_key: 'ck-xvz1evFS4wEEPTGEFPHBog', consumer_secret: 'cs-kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', access_token: TOKEN, access_token_secret: 'ats-LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE',
  ...extra,
});
const ctx = (extra: Record<string, JsonValue> = {}, now = NOW): PluginContext => ({ config: config(extra), variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now });
const TWCLID = '23opevjt88psuo13lu8d020qkn';
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' }, cookies: { _dftwclid: TWCLID } },
  ...overrides,
} as CanonicalEvent);
const payload = (overrides: JsonObject = {}): JsonObject => ({
  conversion_time: '2026-12-01T11:00:00.000Z', conversion_id: 'm-1',
  user: { email: ' Jane.Doe@Example.com ', twclid: TWCLID, ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }, ...overrides,
});
const map = (p: JsonObject, event = browserEvent(), extra: Record<string, JsonValue> = {}) => toXConversion(p, event, ctx(extra));
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const request = (n: number, eventId = 'tw-o8z6j-o87ne'): RequestDescriptor => ({ method: 'POST', url: URL_12, body: { conversions: Array.from({ length: n }, () => ({ event_id: eventId })) }, eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const classify = (status: number, body: unknown, n = 2, headers: Record<string, string> = {}): Classification => classifyX(answer(status, body, headers), request(n), { config: config(), now: NOW });
const whole = (classification: Classification) => {
  assert.ok(!('perEvent' in classification), JSON.stringify(classification));
  return classification as { status: string; reason: string; retryAfterMs?: number; throttled?: boolean };
};
const xError = (message: string, code: string | number = 'INVALID_PARAMETER', parameter?: string) => ({ errors: [{ code, message, ...(parameter ? { parameter } : {}) }], request: { params: { pixel_id: PIXEL } } });

test('identifiers: email trimmed and lower-cased, phone in E.164, both SHA-256; twclid, IP and user agent in clear', () => {
  assert.equal(hashIdentifier('hashed_email', ' Jane.Doe@Example.com '), sha256('jane.doe@example.com'), 'X: remove leading and trailing spaces (and lower-case)');
  assert.equal(hashIdentifier('hashed_email', 'jane.doe+news@example.com'), sha256('jane.doe+news@example.com'), 'no other canonicalisation: X documents none');
  for (const bad of ['not an address', 'a@b', 'a@b@c.com', 'undefined']) assert.equal(hashIdentifier('hashed_email', bad), undefined, bad);
  assert.equal(hashIdentifier('hashed_phone_number', '+1 (555) 444-1234'), sha256('+15554441234'), 'E.164 with its +');
  assert.equal(hashIdentifier('hashed_phone_number', '0044 7700 900123'), sha256('+447700900123'));
  assert.equal(hashIdentifier('hashed_phone_number', '07700 900123'), undefined, 'no country code and no default: its country is unknown');
  assert.equal(hashIdentifier('hashed_phone_number', '07700 900123', { defaultCountryCode: '44' }), sha256('+447700900123'));
  const digest = sha256('jane@example.com');
  assert.equal(hashIdentifier('hashed_email', digest.toUpperCase()), digest, 'a digest is not hashed twice');

  assert.deepEqual(xIdentifiers({ email: 'Jane@Example.com', phone: '+44 7700 900123', twclid: TWCLID, ip_address: '203.0.113.42', user_agent: ' Mozilla/5.0 ' }, undefined, {}), {
    identifiers: [{ twclid: TWCLID }, { hashed_email: sha256('jane@example.com') }, { hashed_phone_number: sha256('+447700900123') }, { ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }],
    unusable: [],
  });
  assert.deepEqual(xIdentifiers({ twclid: 'older-click', email: 'a@x.com' }, 'newclick42', {}).identifiers[0], { twclid: 'newclick42' }, 'the page URL\'s click id is the newest');
  assert.deepEqual(xIdentifiers({ ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }, undefined, {}).identifiers, [], 'IP and user agent alone match no one at X: the conversion is not sent');
  assert.deepEqual(xIdentifiers({ email: 'a@x.com', ip_address: '203.0.113.42' }, undefined, {}).identifiers, [{ hashed_email: sha256('a@x.com') }], 'the IP goes with the user agent only');
  assert.deepEqual(xIdentifiers({ email: 'a@x.com', ip_address: '10.0.0.7', user_agent: 'Mozilla/5.0' }, undefined, {}).identifiers, [{ hashed_email: sha256('a@x.com') }], 'a private address is a proxy\'s, not the visitor\'s');
  assert.deepEqual(xIdentifiers({ email: 'a@x.com', ip_address: '2001:DB8::1', user_agent: 'Mozilla/5.0' }, undefined, {}).identifiers[1], { ip_address: '2001:db8::1', user_agent: 'Mozilla/5.0' });
  const { identifiers, unusable } = xIdentifiers({ email: 'nobody', phone: '07700 900123', first_name: 'Jane', twclid: 'undefined' }, undefined, {});
  assert.deepEqual([identifiers, unusable], [[], ['hashed_email', 'hashed_phone_number', 'first_name', 'twclid']], 'a key X does not take is never sent, and is named');
});

test('twclid: the click id as X appends it, or inside a JSON cookie value; placeholders and garbage are none', () => {
  assert.equal(twclidOf(` ${TWCLID} `), TWCLID);
  assert.equal(twclidOf(`{"twclid":"${TWCLID}","timestamp":1796032800000}`), TWCLID);
  assert.equal(twclidOf(encodeURIComponent(`{"twclid":"${TWCLID}"}`)), TWCLID);
  for (const bad of ['undefined', 'null', '', 'a b', '{"twclid":5}', '{broken', '%7Bbroken%', 'x'.repeat(513)]) assert.equal(twclidOf(bad), undefined, bad);
});

test('the conversion as X takes it: ISO time, event id from the config, identifiers, value with currency, conversion_id, contents', () => {
  const products: JsonObject[] = [{ content_id: 'SKU-1', content_name: 'Trail Shoe', content_type: 'Shoes', content_price: 24.99, num_items: 3 }, { content_id: 'SKU-2', content_price: '5', num_items: 1 }];
  assert.deepEqual(map(payload({ price_currency: 'eur', contents: products, description: ' Order ORD-1 ' })), {
    conversion_time: '2026-12-01T11:00:00.000Z', event_id: 'tw-o8z6j-o87ne',
    identifiers: [{ twclid: TWCLID }, { hashed_email: sha256('jane.doe@example.com') }, { ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }],
    number_items: 4, price_currency: 'EUR', value: '79.97', conversion_id: 'm-1', description: 'Order ORD-1',
    contents: [{ content_id: 'SKU-1', content_name: 'Trail Shoe', content_type: 'Shoes', content_price: '24.99', num_items: 3 }, { content_id: 'SKU-2', content_price: '5.00', num_items: 1 }],
  }, 'number_items and value from the contents when none is mapped; amounts as decimal text, as X\'s example writes them');
  assert.deepEqual(Object.keys(map(payload({ value: 10, price_currency: 'USD', number_items: 2, contents: products, description: 'x' }))!), ['conversion_time', 'event_id', 'identifiers', 'number_items', 'price_currency', 'value', 'conversion_id', 'description', 'contents'], 'X\'s reference order');
  assert.deepEqual([map(payload({ value: '10.50', price_currency: 'USD', number_items: '2' }))!.value, map(payload({ value: 10, price_currency: 'USD', number_items: 2 }))!.number_items], ['10.50', 2]);
  // The page URL's twclid (a new ad click) beats the cookie's.
  const landing = map(payload(), browserEvent({ context: { page: { url: `https://shop.example.com/?utm_source=x&twclid=newclick42` } } } as never))!;
  assert.deepEqual((landing.identifiers as JsonObject[])[0], { twclid: 'newclick42' });
  // A page call: page:<name> before page.
  assert.equal(map(payload(), browserEvent({ type: 'page', event: undefined, name: 'Pricing' } as never))!.event_id, 'tw-o8z6j-o87nh');
  assert.equal(map(payload(), browserEvent({ type: 'page', event: undefined, name: 'Home' } as never))!.event_id, 'tw-o8z6j-o87ng');
  assert.equal(map(payload(), browserEvent({ event: 'Signed Up' }))!.event_id, 'o87nf', 'the bare event id, as configured: X takes both forms');
  assert.equal(map(payload({ event_id: 'tw-o8z6j-zzzzz' }), browserEvent({ event: 'Newsletter Opened' }))!.event_id, 'tw-o8z6j-zzzzz', 'a mapped event id wins');
});

test('no X conversion: an event no X event is configured for, or with nothing X matches on, is not sent (not an error)', () => {
  assert.equal(map(payload(), browserEvent({ event: 'Newsletter Opened' })), null);
  assert.equal(map(payload(), browserEvent({ type: 'identify', event: undefined } as never)), null);
  assert.equal(map(payload({ user: { ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' } })), null, 'X refuses a conversion without a click id, email or phone');
  assert.deepEqual(map(payload({ user: { phone: '+1 555 444 1234' } }))!.identifiers, [{ hashed_phone_number: sha256('+15554441234') }]);
  assert.equal(eventIdFor(browserEvent({ event: 'Order Completed ' }), config()), undefined, 'names match exactly');
});

test('value and currency: both or neither; the default currency; an unreadable one refused naming the field', () => {
  assert.deepEqual(Object.keys(map(payload({ value: 10 }))!).filter((k) => k === 'value' || k === 'price_currency'), [], 'a value without a currency is left out with it');
  assert.deepEqual([map(payload({ value: 10 }), browserEvent(), { default_currency: 'gbp' })!.price_currency, map(payload({ value: 10 }), browserEvent(), { default_currency: 'gbp' })!.value], ['GBP', '10.00']);
  assert.equal(map(payload({ price_currency: 'USD' }))!.price_currency, undefined, 'a currency without a value is not sent');
  assert.throws(() => map(payload({ value: 10, price_currency: '$' })), (e: Error) => e instanceof PermanentError && /X takes price_currency as an ISO 4217 code \(USD, EUR\); the blueprint mapped "\$"/.test(e.message));
  assert.throws(() => map(payload({ value: 'ten', price_currency: 'USD' })), (e: Error) => e instanceof PermanentError && e.message === 'X takes value as a number; the blueprint mapped "ten": map a number (to_number)');
  assert.throws(() => map(payload({ contents: [{ content_id: 'a', content_price: '1,50' }] })), /contents\[0\]\.content_price as a number/);
  // Counts: positive whole numbers up to a 32-bit integer; anything else left out.
  assert.equal(map(payload({ number_items: 0 }))!.number_items, undefined, 'X: a positive number greater than zero');
  assert.equal(map(payload({ number_items: 3e9 }))!.number_items, undefined);
  assert.deepEqual(map(payload({ contents: [{ content_id: 'a', num_items: -1 }, { nothing: true }, 'SKU-9'] }))!.contents, [{ content_id: 'a' }], 'entries with nothing usable are left out');
});

test('amounts: decimal text with a point, as X\'s example ("value": "20.00"): a whole number is never sent bare', () => {
  assert.deepEqual([20, 24.99, 0.125, 1e-7, -0, 1234567.891, 0.1 + 0.2].map((n) => decimalText(n, 'value')), ['20.00', '24.99', '0.125', '0.00', '0.00', '1234567.891', '0.30']);
  assert.throws(() => decimalText(1e21, 'value'), (e: Error) => e instanceof PermanentError && /X takes value as an amount; 1e\+21 is none/.test(e.message));
  assert.throws(() => map(payload({ value: '1e16', price_currency: 'USD' })), /X takes value as an amount/, 'an id mapped as the value dead-letters the conversion alone');
  const sent = map(payload({ value: 100, price_currency: 'USD', contents: [{ content_id: 'a', content_price: 100, num_items: 1 }] }))!;
  assert.deepEqual([sent.value, (sent.contents as JsonObject[])[0]!.content_price], ['100.00', '100.00']);
  assert.equal(JSON.stringify(sent).includes(':100,'), false, 'no bare whole number for an amount on the wire');
});

test('time and ids: clock skew sent as now, a time far ahead or none refused; placeholders never reach X', () => {
  assert.equal(map(payload({ conversion_time: '2026-12-01T12:30:00Z' }))!.conversion_time, '2026-12-01T12:00:00.250Z', 'up to an hour ahead: the delivery\'s time');
  assert.equal(map(payload({ conversion_time: 1796036400 }))!.conversion_time, new Date(1796036400 * 1000).toISOString(), 'epoch seconds read');
  assert.equal(map((({ conversion_time: _time, ...rest }) => rest)(payload()))!.conversion_time, '2026-12-01T11:00:00.000Z', 'the event\'s timestamp unless mapped');
  assert.throws(() => map(payload({ conversion_time: '2026-12-01T14:00:00Z' })), (e: Error) => e instanceof PermanentError && /more than an hour after this delivery/.test(e.message));
  assert.throws(() => map(payload({ conversion_time: 'next tuesday' }), browserEvent({ timestamp: 'never' } as never)), /X needs conversion_time \(ISO 8601\): the blueprint mapped "next tuesday", which is no time/);
  assert.throws(() => map(payload({ conversion_time: -8.6e15 })), /the blueprint mapped -8600000000000000, which is no time/, 'a year before 0000 X\'s yyyy-MM-dd cannot carry');
  assert.throws(() => map(payload({ conversion_time: '+010000-01-01T00:00:00Z' })), /which is no time/);
  assert.throws(() => map(payload({ event_id: 'Order Completed' })), (e: Error) => e instanceof PermanentError && /the blueprint mapped event_id "Order Completed"/.test(e.message));
  assert.equal(map(payload({ conversion_id: 'undefined' }))!.conversion_id, 'm-1', 'a placeholder would make X drop unrelated conversions as duplicates');
  assert.equal(map(payload({ conversion_id: 'ORD-1' }))!.conversion_id, 'ORD-1');
  assert.deepEqual(map(payload({ user: { email: 'a@x.com', twclid: 'null' } }))!.identifiers, [{ hashed_email: sha256('a@x.com') }]);
});

/** The Authorization header's parameters, decoded. */
function oauthParams(headerValue: string): Record<string, string> {
  assert.match(headerValue, /^OAuth /);
  return Object.fromEntries(headerValue.slice(6).split(', ').map((pair) => {
    const match = /^([a-z_]+)="([^"]*)"$/.exec(pair);
    assert.ok(match, pair);
    return [match[1]!, decodeURIComponent(match[2]!)];
  }));
}

/** The signature X computes for a request (an independent reading of RFC 5849 §3.4, for a JSON POST without query). */
function expectedSignature(url: string, params: Record<string, string>, consumerSecret: string, tokenSecret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  const normalized = Object.entries(params).filter(([k]) => k !== 'oauth_signature').sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
  return createHmac('sha1', `${enc(consumerSecret)}&${enc(tokenSecret)}`).update(`POST&${enc(url)}&${enc(normalized)}`).digest('base64');
}

const mapped = (n: number, eventId = 'tw-o8z6j-o87ne', offset = 0): MappedEvent[] => Array.from({ length: n }, (_, i) => ({
  id: `m-${i + offset}`, event: browserEvent({ messageId: `m-${i + offset}` }),
  payload: { conversion_time: '2026-12-01T11:00:00.000Z', event_id: eventId, identifiers: [{ twclid: TWCLID }], conversion_id: `m-${i + offset}` },
}));

test('send: one POST per X event and per 500 conversions to the pixel\'s URL, { conversions }, signed with OAuth 1.0a as each goes (sign, at the sending second)', () => {
  assert.equal(xAds.sign, signConversionsRequest, 'signed by the core\'s sign hook, at the moment of sending');
  const batch = [...mapped(1001), ...mapped(2, 'o87nf', 5000)];
  const built = sendConversions(batch, ctx());
  assert.equal(built[0]!.headers!.authorization, undefined, 'built unsigned: the delivery\'s start time may be minutes old when it goes');
  const sign = (requests: RequestDescriptor[], at = ctx()) => requests.map((r) => signConversionsRequest(r, at));
  const requests = sign(built);
  assert.deepEqual(requests.map((r) => [r.url, r.eventIds.length]), [[URL_12, 500], [URL_12, 500], [URL_12, 1], [URL_12, 2]]);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), batch.map((m) => m.id), 'every event once, in order within its X event');
  const [first] = requests;
  assert.deepEqual(first!.body, { conversions: batch.slice(0, 500).map((m) => m.payload) });
  assert.equal(first!.method, 'POST');
  assert.equal(first!.headers!['content-type'], 'application/json');
  const params = oauthParams(first!.headers!.authorization!);
  assert.deepEqual(Object.keys(params), ['oauth_consumer_key', 'oauth_nonce', 'oauth_signature', 'oauth_signature_method', 'oauth_timestamp', 'oauth_token', 'oauth_version']);
  assert.deepEqual([params.oauth_consumer_key, params.oauth_token, params.oauth_signature_method, params.oauth_timestamp, params.oauth_version], ['ck-xvz1evFS4wEEPTGEFPHBog', TOKEN, 'HMAC-SHA1', String(Math.floor(NOW / 1000)), '1.0']);
  assert.match(params.oauth_nonce!, /^[0-9a-f]{32}$/);
  assert.equal(params.oauth_signature, expectedSignature(URL_12, params, 'cs-kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', 'ats-LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE'), 'X recomputes the same signature');
  const nonces = new Set(requests.map((r) => oauthParams(r.headers!.authorization!).oauth_nonce));
  assert.equal(nonces.size, requests.length, 'a nonce per request');
  // Pure: the same batch at the same time signs the same; a retry (a later delivery) signs afresh.
  assert.deepEqual(sign(sendConversions(batch, ctx())), requests);
  const retried = oauthParams(sign(built, ctx({}, NOW + 64_000))[0]!.headers!.authorization!);
  assert.deepEqual([retried.oauth_timestamp, retried.oauth_nonce === params.oauth_nonce], [String(Math.floor(NOW / 1000) + 64), false]);
  // No secret is sent: only the consumer key and the access token travel, in the header.
  const wire = JSON.stringify(requests);
  for (const secret of ['cs-kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', 'ats-LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE']) assert.equal(wire.includes(secret), false);
  // The version and pixel of the config.
  assert.equal(conversionsUrl(config({ api_version: ' 13 ', pixel_id: ' abc12 ' })), 'https://ads-api.x.com/13/measurement/conversions/abc12');
  assert.deepEqual(sendConversions([], ctx()), []);
  assert.throws(() => sendConversions(mapped(1), ctx({ access_token_secret: ' ' })), (e: Error) => e instanceof PermanentError && /config\.access_token_secret/.test(e.message));
  assert.deepEqual(credentialsOf(config()), { consumerKey: 'ck-xvz1evFS4wEEPTGEFPHBog', consumerSecret: 'cs-kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw', token: TOKEN, tokenSecret: 'ats-LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE' });
});

test('classify: 2xx delivered; 429 a throttled retry until X\'s reset; 5xx and 408 retried after Retry-After', () => {
  assert.deepEqual(classify(200, { data: { conversions_processed: 2, debug_id: 'd-1' }, request: { params: { pixel_id: PIXEL } } }), { status: 'delivered' });
  // X's answer with its content type, and a page that is not X's: sent again, never counted processed.
  assert.deepEqual(classify(200, { request: { params: { pixel_id: PIXEL } }, data: { conversions_processed: 2, debug_id: 'f2c6b8c9' } }, 2, { 'content-type': 'application/json;charset=utf-8' }), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classify(200, page, 2, { 'content-type': 'text/html' }), { status: 'retry', reason: `HTTP 200 without X's JSON answer (conversions_processed): ${page} — not X's answer (a proxy?), so the conversions are sent again (each with its conversion_id)` });
  const reset = whole(classify(429, xError('Rate limit exceeded', 'TOO_MANY_REQUESTS'), 2, { 'x-account-rate-limit-reset': String(Math.floor(NOW / 1000) + 120) }));
  assert.deepEqual([reset.status, reset.throttled, reset.retryAfterMs], ['retry', true, 120_000 - 250], 'until the epoch second X names, from the delivery\'s clock');
  assert.match(reset.reason, /^X rate limit reached \(HTTP 429, TOO_MANY_REQUESTS: Rate limit exceeded\)/);
  assert.equal(whole(classify(429, '', 2, { 'retry-after': '7' })).retryAfterMs, 7000, 'Retry-After first');
  assert.equal(whole(classify(429, '', 2, { 'x-rate-limit-reset': '12' })).retryAfterMs, 60_000, 'a reset in the past: a minute');
  assert.equal(whole(classify(429, '')).retryAfterMs, 60_000);
  assert.deepEqual(whole(classify(503, xError('Service Unavailable', 'SERVICE_UNAVAILABLE'), 2, { 'retry-after': '30' })), { status: 'retry', reason: 'X HTTP 503: SERVICE_UNAVAILABLE: Service Unavailable', retryAfterMs: 30_000 });
  assert.deepEqual(whole(classify(500, '<html>oops</html>')), { status: 'retry', reason: 'X HTTP 500: <html>oops</html>' });
  assert.equal(whole(classify(408, '')).status, 'retry');
});

test('classify: refused credentials, access or pixel dead-letter at once saying what to fix; a stale OAuth timestamp is retried', () => {
  const stale = whole(classify(401, { errors: [{ code: 135, message: 'Timestamp out of bounds.' }] }));
  assert.equal(stale.status, 'retry', 'the next try is a new delivery, signed with a new time');
  assert.match(stale.reason, /OAuth timestamp \(HTTP 401, 135: Timestamp out of bounds\.\)/);
  const refused = whole(classify(401, { errors: [{ code: 32, message: 'Could not authenticate you.' }] }));
  assert.equal(refused.status, 'dead_letter');
  assert.match(refused.reason, /^X refused the OAuth 1\.0a credentials \(HTTP 401, 32: Could not authenticate you\.\)\. Check config\.consumer_key and config\.consumer_secret .* config\.access_token and config\.access_token_secret/);
  assert.equal(whole(classify(401, xError('This request is not properly authenticated', 'UNAUTHORIZED_ACCESS'))).status, 'dead_letter');
  const forbidden = whole(classify(403, xError('The client application making this request does not have access to X Ads API', 'UNAUTHORIZED_CLIENT_APPLICATION')));
  assert.equal(forbidden.status, 'dead_letter');
  assert.match(forbidden.reason, /pixel o8z6j .*Ads API access.*AD_MANAGER or ACCOUNT_ADMIN/);
  const missing = whole(classify(404, xError('The requested resource could not be found', 'NOT_FOUND')));
  assert.match(missing.reason, /pixel o8z6j in Ads API version 12 \(HTTP 404, NOT_FOUND: .*check config\.pixel_id .* config\.api_version/);
  assert.equal(whole(classify(410, '')).status, 'dead_letter');
  // X's documented 404s name what to fix: an event id of another account, a user without access.
  const foreign = whole(classify(404, { errors: [{ code: 'NOT_FOUND', message: 'event_id (abc) does not belong to provided account', parameter: 'event_id' }, { code: 'INVALID_PARAMETER', message: 'event_id (abc) is not a single event tag (SET)', parameter: 'event_id' }] }));
  assert.equal(foreign.status, 'dead_letter');
  assert.match(foreign.reason, /^X refused event id tw-o8z6j-o87ne \(HTTP 404, NOT_FOUND: event_id \(abc\) does not belong to provided account \(event_id\); .*config\.conversion_events must name events of pixel o8z6j/);
  const noAccess = whole(classify(404, xError('User 12 does not have access to account 18ce55gze09.', 'NOT_FOUND')));
  assert.match(noAccess.reason, /cannot reach the ad account of pixel o8z6j .*AD_MANAGER or ACCOUNT_ADMIN/);
  assert.equal(whole(classify(423, xError('Lock acquisition timeout', 'LOCK_ACQUISITION_TIMEOUT'))).status, 'retry', 'a lock X could not take in time passes');
});

test('classify: X\'s 400s — an event id that is no single event tag dead-letters naming the config; named conversions alone; otherwise halves', () => {
  const set = whole(classify(400, xError('Event_id (o87ne) is not a single event tag (SET)')));
  assert.equal(set.status, 'dead_letter');
  assert.match(set.reason, /^X refused event id tw-o8z6j-o87ne \(HTTP 400, INVALID_PARAMETER: Event_id \(o87ne\) is not a single event tag \(SET\)\): config\.conversion_events must name events of pixel o8z6j/);
  assert.deepEqual(whole(classify(400, xError('Conversion count limit is 500'))).status, 'split', 'too many: halves');
  // Errors naming conversions by their place: those dead-lettered, the others sent again.
  const named = classify(400, { errors: [{ code: 'INVALID_PARAMETER', message: 'Hashed_email is not a valid SHA-256 hash', parameter: 'conversions[1].identifiers' }] }, 3);
  assert.ok('perEvent' in named);
  assert.deepEqual(Object.fromEntries(Object.entries(named.perEvent).map(([id, o]) => [id, o.status])), { e0: 'resend', e1: 'dead_letter', e2: 'resend' });
  assert.equal((named.perEvent.e1 as { reason: string }).reason, 'X refused the conversion (HTTP 400): INVALID_PARAMETER: Hashed_email is not a valid SHA-256 hash (conversions[1].identifiers)');
  // Without a place: halves until the refused conversion is alone, which is dead-lettered with X's words.
  assert.equal(whole(classify(400, xError('At least one user identifier must be provided'))).status, 'split');
  assert.deepEqual(whole(classify(400, xError('At least one user identifier must be provided'), 1)), { status: 'dead_letter', reason: 'X refused the conversion (HTTP 400, INVALID_PARAMETER: At least one user identifier must be provided)' });
  assert.equal(whole(classify(400, xError('bad', 'INVALID_PARAMETER', 'conversions[7]'), 2)).status, 'split', 'a place the request does not have: halves');
  assert.equal(whole(classify(413, 'Request Entity Too Large')).status, 'split');
  assert.deepEqual(whole(classify(400, '<html>Bad Request</html>')), { status: 'dead_letter', reason: 'X HTTP 400: <html>Bad Request</html>' }, 'a proxy\'s page: halving would change nothing');
  assert.deepEqual(whole(classify(409, xError('conflict', 'CONFLICT'))), { status: 'dead_letter', reason: 'X HTTP 409: CONFLICT: conflict' });
});

test('validateConfig and the schema: each problem names its field', () => {
  assert.deepEqual(validateXAdsConfig(config()), []);
  const fields = (extra: Record<string, JsonValue>) => validateXAdsConfig(config(extra)).map((p) => p.field);
  const first = (extra: Record<string, JsonValue>) => validateXAdsConfig(config(extra))[0]!;
  assert.deepEqual(first({ consumer_secret: 'OAuth abc' }), { field: 'consumer_secret', message: 'starts with "OAuth ": give the API Key Secret (consumer secret) alone, Signal signs each request itself' });
  assert.deepEqual(fields({ access_token_secret: 'abc\n' }), ['access_token_secret']);
  assert.match(first({ access_token: `AAAAAAAAAAAAAAAAAAAAA${'x'.repeat(60)}` }).message, /app-only Bearer Token/);
  assert.match(first({ access_token: 'not-a-user-token' }).message, /starts with the user's numeric id and a dash/);
  assert.deepEqual(first({ access_token_secret: config().consumer_secret! }), { field: 'access_token_secret', message: 'is the same value as consumer_secret: the Access Token Secret and the API Key Secret (consumer secret) are two different values in the X Developer Console' });
  assert.match(first({ pixel_id: 'tw-o8z6j-o87ne' }).message, /is an event id \(tw-o8z6j-o87ne\): the pixel id is the part after "tw-"/);
  assert.deepEqual(fields({ conversion_events: {} }), ['conversion_events']);
  assert.match(first({ conversion_events: { 'Order Completed': 'tw-abc12-o87ne' } }).message, /that event belongs to pixel abc12, not to config\.pixel_id \(o8z6j\)/);
  assert.match(first({ conversion_events: { 'Order Completed': 'Purchase' } }).message, /gives "Purchase" for "Order Completed": an X event id is the event's ID in Events Manager/);
  assert.match(first({ conversion_events: { ' Order Completed': 'o87ne' } }).message, /white space around it/);
  assert.match(first({ conversion_events: { 'Page: Pricing': 'o87ne' } }).message, /page:<its name>/);
  assert.deepEqual(fields({ api_version: 'v12' }), ['api_version']);
  const validate = createConfigAjv().compile(xAds.config);
  assert.equal(validate(config({ default_currency: 'usd', default_country_code: '44', api_version: '12' })), true);
  assert.equal(validate(config({ pixel_id: 'https://ads.x.com/o8z6j' })), false, 'a URL is no pixel id');
  const { access_token: _token, ...noToken } = config();
  assert.equal(validate(noToken), true, 'the schema leaves the credential to validateConfig: the pixel token or the four of OAuth 1.0a');
  assert.deepEqual(validateXAdsConfig(noToken), [{ field: 'access_token', message: 'is needed with consumer_key, consumer_secret, access_token_secret: OAuth 1.0a signs with all four (the Access Token, X Developer Console > Projects & Apps > the app > Keys and tokens); or give pixel_access_token instead' }]);
  assert.equal(xAds.config.properties.pixel_access_token!.secret, true);
  assert.equal(validate(config({ conversion_events: { 'Order Completed': 5 } })), false);
  for (const field of ['consumer_key', 'consumer_secret', 'access_token', 'access_token_secret']) assert.equal(xAds.config.properties[field]!.secret, true, `${field} is a secret`);
});

test('the pixel\'s Conversion API access token: sent in X-Pixel-Token instead of an OAuth signature; either credential required, each problem named', () => {
  const PIXEL_TOKEN = 'pxt-0123456789abcdefABCDEF';
  const tokenOnly = { pixel_id: PIXEL, conversion_events: { 'Order Completed': 'tw-o8z6j-o87ne' }, pixel_access_token: PIXEL_TOKEN };
  assert.deepEqual(validateXAdsConfig(tokenOnly), []);
  assert.equal(createConfigAjv().compile(xAds.config)(tokenOnly), true);
  const tokenCtx: PluginContext = { config: tokenOnly, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW };
  const [only] = sendConversions(mapped(2), tokenCtx);
  assert.deepEqual(only!.headers, { 'x-pixel-token': PIXEL_TOKEN, 'content-type': 'application/json' }, 'X\'s header, no Authorization');
  assert.equal(signConversionsRequest(only!, tokenCtx), only, 'the token needs no signature');
  assert.deepEqual([only!.url, only!.body], [URL_12, { conversions: mapped(2).map((m) => m.payload) }]);
  // Both given: the token is used (a config moving from OAuth to the token keeps working).
  assert.deepEqual(Object.keys(sendConversions(mapped(1), ctx({ pixel_access_token: PIXEL_TOKEN }))[0]!.headers!), ['x-pixel-token', 'content-type']);
  // Neither: named at install, and a request is never built.
  const neither = { pixel_id: PIXEL, conversion_events: { 'Order Completed': 'o87ne' } };
  assert.deepEqual(validateXAdsConfig(neither).map((p) => p.field), ['pixel_access_token']);
  assert.match(validateXAdsConfig(neither)[0]!.message, /Events Manager > Install Pixel > Manual > Conversions API > Generate access token\), or the four OAuth 1\.0a credentials/);
  assert.throws(() => sendConversions(mapped(1), { ...tokenCtx, config: neither }), (e: Error) => e instanceof PermanentError && /config\.pixel_access_token/.test(e.message));
  assert.deepEqual(validateXAdsConfig({ ...tokenOnly, pixel_access_token: 'Bearer abc' }), [{ field: 'pixel_access_token', message: 'starts with "Bearer ": give the Conversion API access token of Events Manager alone, Signal puts it in X\'s X-Pixel-Token header itself' }]);
  assert.deepEqual(validateXAdsConfig({ ...tokenOnly, pixel_access_token: `${PIXEL_TOKEN}\n` }).map((p) => p.field), ['pixel_access_token']);
  assert.deepEqual(validateXAdsConfig({ ...config(), pixel_access_token: config().consumer_key! }).at(-1), { field: 'consumer_key', message: 'is the same value as pixel_access_token: the API Key (consumer key) and the Conversion API access token of Events Manager are two different values' });
  // X's refusals of the token say to check the token, not OAuth.
  const refused = classifyX(answer(401, xError('Unauthorized', 'UNAUTHORIZED_ACCESS')), request(2), { config: tokenOnly, now: NOW });
  assert.deepEqual([whole(refused).status, /config\.pixel_access_token: a token Events Manager generated for pixel o8z6j/.test(whole(refused).reason), /OAuth/.test(whole(refused).reason)], ['dead_letter', true, false]);
  assert.match(whole(classifyX(answer(403, xError('Forbidden', 'UNAUTHORIZED_CLIENT_APPLICATION')), request(2), { config: tokenOnly, now: NOW })).reason, /config\.pixel_access_token was generated in Events Manager/);
});

test('the plugin\'s declaration: 500 conversions a request, advertising consent, the twclid kept 90 days in Signal\'s cookie; no deletion API at X', () => {
  assert.deepEqual([xAds.batch.maxEvents, xAds.consent, xAds.rateLimit], [500, ['advertising'], { rps: 5, burst: 10 }], 'under the Ads API\'s 450 writes a minute');
  assert.deepEqual(xAds.clickIds?.map(({ param, cookie, days }) => ({ param, cookie, days })), [{ param: 'twclid', cookie: '_dftwclid', days: 90 }], 'X\'s longest post-engagement window');
  assert.deepEqual(xAds.cookies, ['_dftwclid', '_twclid'], 'the X Pixel\'s cookie is read, never written');
  assert.equal(xAds.forgetPerson, undefined, 'X has no deletion endpoint for conversions');
  assert.equal(xAds.accessToken, undefined, 'OAuth 1.0a user tokens do not expire: no exchange');
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/x_ads/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent) => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, [], `${variant} ${event.event ?? event.type}`);
  return result.vendorEvent === null ? null : toXConversion(result.vendorEvent as JsonObject, event, ctx());
};

test('blueprints: an order, a cart add and a page through each variant, as X takes them; identify calls and unnamed events not sent', () => {
  const products: JsonObject[] = [{ product_id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', price: 29.99, quantity: 2 }, { sku: 'SKU-2', price: '5' }];
  const withTraits = (overrides: Partial<CanonicalEvent>) => browserEvent({ ...overrides, context: { ...browserEvent().context, traits: { email: 'Jane@Example.com', phone: '+1 (555) 444-1234' } } } as never);
  for (const variant of ['default', 'retail']) {
    const order = mapThrough(variant, withTraits({ properties: { order_id: 'ORD-1', revenue: '64.98', total: 70, currency: 'gbp', products } }));
    assert.deepEqual(order, {
      conversion_time: '2026-12-01T11:00:00.000Z', event_id: 'tw-o8z6j-o87ne',
      identifiers: [{ twclid: TWCLID }, { hashed_email: sha256('jane@example.com') }, { hashed_phone_number: sha256('+15554441234') }, { ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }],
      number_items: 3, price_currency: 'GBP', value: '64.98', conversion_id: 'm-1',
      contents: [{ content_id: 'SKU-1', content_name: 'Trail Shoe', content_type: 'Shoes', content_price: '29.99', num_items: 2 }, { content_id: 'SKU-2', content_price: '5.00', num_items: 1 }],
    }, variant);
    const text = JSON.stringify(order).toLowerCase();
    for (const raw of ['jane', '4441234']) assert.equal(text.includes(raw), false, `${variant}: ${raw} never leaves Signal`);
    assert.match(blueprint(variant).mapEvent(browserEvent({ properties: { total: 5, currency: '$' } })).errors.join(), /currency is required but currency: "\$"/, `${variant}: an unreadable currency is an error`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 3, currency: 'EUR' } }))!;
    assert.deepEqual([added.event_id, added.number_items, added.price_currency, added.value, added.contents], ['tw-o8z6j-o87ni', 3, 'EUR', '74.97', [{ content_id: 'SKU-1', content_name: 'Trail Shoe', content_price: '24.99', num_items: 3 }]], variant);
    const page = mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Home', context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/?twclid=landing1' }, cookies: { _twclid: `{"twclid":"pixelclick"}` } } } as never))!;
    assert.deepEqual([page.event_id, page.identifiers], ['tw-o8z6j-o87ng', [{ twclid: 'landing1' }, { ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }]], `${variant}: the landing page's click id`);
    const later = mapThrough(variant, browserEvent({ type: 'page', event: undefined, context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/' }, cookies: { _twclid: `{"twclid":"pixelclick"}` } } } as never))!;
    assert.deepEqual(later.identifiers, [{ twclid: 'pixelclick' }, { ip_address: '203.0.113.42', user_agent: 'Mozilla/5.0' }], `${variant}: the X Pixel's cookie when Signal's is not there`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as never)), null, `${variant}: no identify call at X`);
  }
  assert.deepEqual(mapThrough('default', withTraits({ event: 'Signed Up', properties: { value: 25, currency: 'usd' } }))!.value, '25.00', 'default: any named track event, with its value');
  assert.equal(mapThrough('retail', withTraits({ event: 'Signed Up' })), null, 'retail sends the funnel only');
  assert.equal(mapThrough('default', withTraits({ event: 'Newsletter Opened' })), null, 'no X event configured for it');
});
