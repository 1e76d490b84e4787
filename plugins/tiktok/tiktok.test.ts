import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setGpcRule } from '../../core/pipeline/gpc-rule.ts';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { validatePluginDefinition, type CanonicalEvent, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import tiktok, { TRACK_URL, validateTikTokConfig } from './index.ts';
import { classifyTikTok } from './classify-answer.ts';
import { clickIdFromPage, toServerEvent } from './server-event.ts';
import { hashUserField, normalizeUser } from './user-data.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-11-30T12:00:00Z');
const PIXEL = 'C5ABCDEF1234GHIJ5678';
const ctx = (config: Record<string, string | boolean> = {}, variant = 'retail'): PluginContext => ({
  config: { pixel_code: PIXEL, access_token: 'tt_access_token_123', ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW,
});
const request = (n: number): RequestDescriptor => ({ method: 'POST', url: TRACK_URL, eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const answer = (body: unknown, status = 200, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body });
const envelope = (code: number, message: string) => ({ code, message, request_id: '202611301200000A1B2C', data: {} });
const blueprint = (variant: string) => readFileSync(new URL(`../../blueprints/tiktok/${variant}.yaml`, import.meta.url), 'utf8');

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-11-30T11:00:00.000Z', receivedAt: '2026-11-30T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', locale: 'en-GB', page: { url: 'https://shop.example.com/thanks', referrer: 'https://www.tiktok.com/' }, cookies: { _ttp: '2F7h37YkS1j57AYSKTI7IHhJPYH' } },
  ...overrides,
} as CanonicalEvent);

test('customer information is normalised as TikTok documents it before hashing: email lower-cased, phone in E.164 with +', () => {
  assert.equal(hashUserField('email', ' Jane.Doe@Example.COM '), sha256('jane.doe@example.com'));
  assert.equal(hashUserField('email', 'not an address'), undefined, 'an email without @ matches nobody');
  assert.equal(hashUserField('phone', '+1 (213) 373-4253'), sha256('+12133734253'), 'TikTok\'s own example: +12133734253');
  assert.equal(hashUserField('phone', '+44 (0)7700 900123'), sha256('+447700900123'), 'the bracketed trunk 0 left out');
  assert.equal(hashUserField('phone', '0044 7700 900123'), sha256('+447700900123'));
  assert.equal(hashUserField('phone', '+1 650-555-1212 ext. 42'), sha256('+16505551212'), 'the extension left out');
  assert.equal(hashUserField('phone', '07700 900123'), undefined, 'a national number without a default country code');
  assert.equal(hashUserField('phone', '07700 900123', { defaultCountryCode: '44' }), sha256('+447700900123'));
  assert.equal(hashUserField('phone', '447700900123', { defaultCountryCode: '44' }), sha256('+447700900123'), 'the code is not added twice');
  assert.equal(hashUserField('phone', '123'), undefined, 'too short for a phone number');
  // Italy (and San Marino, Vatican City) keep the leading 0 after the country code.
  assert.equal(hashUserField('phone', '06 1234 5678', { defaultCountryCode: '39' }), sha256('+390612345678'), 'an Italian landline keeps its 0');
  assert.equal(hashUserField('phone', '+39 (0)6 1234 5678'), sha256('+390612345678'));
  assert.equal(hashUserField('phone', '+39 06 1234 5678'), sha256('+390612345678'));
  assert.equal(hashUserField('phone', '393 123 4567', { defaultCountryCode: '39' }), sha256('+393931234567'), 'an Italian mobile starting 393 is national');
  assert.equal(hashUserField('phone', '39 333 123 4567', { defaultCountryCode: '39' }), sha256('+393331234567'), 'longer than a national number: it has its code');
  // Brazil's national numbers run to 11 digits, and 55 is an area code there too.
  assert.equal(hashUserField('phone', '(55) 99123-4567', { defaultCountryCode: '55' }), sha256('+5555991234567'), 'area code 55 is not the country code');
  assert.equal(hashUserField('phone', '55 11 99123-4567', { defaultCountryCode: '55' }), sha256('+5511991234567'));
  assert.equal(hashUserField('phone', '(11) 99123-4567', { defaultCountryCode: '55' }), sha256('+5511991234567'));
  assert.equal(hashUserField('external_id', ' User-123 '), sha256('User-123'), 'trimmed, its case kept, as TikTok\'s own GTM template hashes it');
  assert.equal(hashUserField('external_id', 42), sha256('42'));
  const digest = sha256('jane@example.com');
  assert.equal(hashUserField('email', digest.toUpperCase()), digest, 'a digest is not hashed twice');
  assert.equal(hashUserField('email', { address: 'a@x.com' } as never), undefined);
});

test('user: hashed fields one value as text and several as a list, clear fields kept, anything else left out', () => {
  const { user, unusable } = normalizeUser({
    email: ['a@x.com', ' A@X.com', 'b@x.com'], phone: '07700 900123', external_id: 'df_abc', ip: '203.0.113.42', user_agent: 'Mozilla/5.0',
    ttp: 'ttp-cookie', ttclid: 'E.C.P.abc', locale: 'en-GB', birthday: '1990-01-01', ttp_extra: '', email_blank: null,
  });
  assert.deepEqual(user, {
    email: [sha256('a@x.com'), sha256('b@x.com')], external_id: sha256('df_abc'), ip: '203.0.113.42', user_agent: 'Mozilla/5.0', ttp: 'ttp-cookie', ttclid: 'E.C.P.abc', locale: 'en-GB',
  });
  assert.deepEqual(unusable, ['phone', 'birthday'], 'a national phone number and a key TikTok does not take');
  // Names and postcode hashed, places normalised, as Segment's TikTok Conversions destination sends them.
  const person = normalizeUser({ first_name: [' Mary-Ann ', 'Mary'], last_name: "O'Brien Smith", zip_code: 'SW1A 1AA', city: 'New York', state: 'N.Y.', country: 'GB', first_name_extra: 'x' });
  assert.deepEqual(person.user, {
    first_name: sha256('maryann'), last_name: sha256('obriensmith'), zip_code: sha256('sw1a1aa'), city: 'newyork', state: 'ny', country: 'gb',
  }, 'one value each, the first usable one');
  assert.deepEqual(normalizeUser({ city: 'Zürich', last_name: 'Müller' }).user, { city: 'zürich', last_name: sha256('müller') }, 'accented letters kept');
  assert.deepEqual(normalizeUser({ city: '  ', country: { code: 'GB' } }).unusable, ['city', 'country']);
  assert.deepEqual(normalizeUser('jane@example.com').user, {}, 'not an object: nothing');
});

test('the click id comes from the page URL\'s ttclid parameter', () => {
  assert.equal(clickIdFromPage('https://shop.example.com/?utm_source=tiktok&ttclid=E.C.P.CqgBabc#top'), 'E.C.P.CqgBabc');
  assert.equal(clickIdFromPage(undefined, '', '?ttclid=from-search'), 'from-search');
  assert.equal(clickIdFromPage('https://shop.example.com/p?q=1'), undefined);
});

const payload = (overrides: JsonObject = {}): JsonObject => ({
  event: 'Purchase', event_time: 1796032800, event_id: 'm-1', page: { url: 'https://shop.example.com/thanks', referrer: '' },
  user: { external_id: 'df_abc', email: 'Jane@Example.com', ip: '203.0.113.42', user_agent: 'Mozilla/5.0' }, ...overrides,
});

test('server event: user hashed, ttclid from the landing page, a blank referrer left out, Limited Data Use from the config', () => {
  const event = browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/p?ttclid=E.C.P.click1' } } });
  const input = payload({ page: { url: 'https://shop.example.com/p?ttclid=E.C.P.click1', referrer: '' } });
  const out = toServerEvent(input, event, ctx({ limited_data_use: true }));
  assert.deepEqual(out, {
    event: 'Purchase', event_time: 1796032800, event_id: 'm-1', page: { url: 'https://shop.example.com/p?ttclid=E.C.P.click1' },
    user: { external_id: sha256('df_abc'), email: sha256('jane@example.com'), ip: '203.0.113.42', user_agent: 'Mozilla/5.0', ttclid: 'E.C.P.click1' },
    limited_data_use: true,
  });
  assert.equal((input.user as JsonObject).email, 'Jane@Example.com', 'the mapped payload is not changed');
  const withCookie = (page: JsonObject) => browserEvent({ context: { page, cookies: { _ttp: 'ttp-1', ttclid: 'E.C.P.from-cookie' } } });
  assert.equal((toServerEvent(payload(), withCookie({ url: 'https://shop.example.com/thanks' }), ctx()).user as JsonObject).ttclid, 'E.C.P.from-cookie', 'a later page: the first-party ttclid cookie');
  assert.equal((toServerEvent(payload({ page: { url: 'https://shop.example.com/p?ttclid=E.C.P.fresh' } }), withCookie({ url: 'https://shop.example.com/p?ttclid=E.C.P.fresh' }), ctx()).user as JsonObject).ttclid, 'E.C.P.fresh', 'a fresh click in the URL wins over the cookie');
  assert.deepEqual(tiktok.cookies, ['_ttp', 'ttclid']);
  const mapped = toServerEvent(payload({ user: { ttclid: 'E.C.P.kept' } }), event, ctx());
  assert.deepEqual(mapped.user, { ttclid: 'E.C.P.kept' }, 'a mapped click id wins over the URL');
  assert.equal('limited_data_use' in mapped, false, 'not sent unless configured');
  assert.equal(toServerEvent(payload({ limited_data_use: false }), event, ctx({ limited_data_use: true })).limited_data_use, false, 'a mapped flag wins');
  const bare = toServerEvent({ event: 'Pageview', event_time: 1796032800.7, page: { url: '' }, user: { email: 'nobody' } }, browserEvent({ context: {} }), ctx());
  assert.deepEqual(bare, { event: 'Pageview', event_time: 1796032800 }, 'nothing usable: no page, no user; whole seconds');
});

test('properties: contents as a list of products, value from price × quantity, no contact information in clear', () => {
  const one = toServerEvent(payload({ properties: { currency: 'EUR', contents: { content_id: 'SKU-1', price: 24.99, quantity: 2 } } }), browserEvent(), ctx());
  assert.deepEqual(one.properties, { currency: 'EUR', contents: [{ content_id: 'SKU-1', price: 24.99, quantity: 2 }], value: 49.98 });
  const many = toServerEvent(payload({ properties: { contents: [{ content_id: 'a', price: 0.1, quantity: 3 }, { content_name: 'Gift card', price: 5 }, { quantity: 1 }, 'SKU-9'] } }), browserEvent(), ctx());
  assert.deepEqual(many.properties, { contents: [{ content_id: 'a', price: 0.1, quantity: 3 }, { content_name: 'Gift card', price: 5 }], value: 5.3 }, 'entries naming no product left out; 0.1 × 3 + 5');
  const kept = toServerEvent(payload({ properties: { value: 10, contents: [{ content_id: 'a', price: 3 }] } }), browserEvent(), ctx());
  assert.equal((kept.properties as JsonObject).value, 10, 'a mapped value is kept');
  const partial = toServerEvent(payload({ properties: { contents: [{ content_id: 'a', price: 3 }, { content_id: 'b' }] } }), browserEvent(), ctx());
  assert.equal('value' in (partial.properties as JsonObject), false, 'no value when a price is missing');
  const custom = toServerEvent(payload({ properties: { plan: 'pro', email: 'jane@example.com', billing_phone: '+447700900123', referrer: 'a@b.co', zip: 'SW1A 1AA' } }), browserEvent(), ctx());
  assert.deepEqual(custom.properties, { plan: 'pro' });
  assert.equal('properties' in toServerEvent(payload({ properties: { email: 'x@y.z' } }), browserEvent(), ctx()), false, 'none left: no properties');
  // The reviewer's event: contact information in nested objects and lists, a person's name, a phone number as a value.
  const nested = toServerEvent(payload({ properties: {
    plan: 'pro', customer: { email: 'jane@example.com', name: 'Jane Doe' }, contact: '+44 7700 900123', name: 'Jane Doe',
    items: [{ buyer_email: 'jane@example.com', item_id: 'SKU-1', name: 'Trail Shoe' }],
    contents: [{ content_id: 'SKU-1', content_name: 'Trail Shoe', price: 5, customer: { phone: '07700 900123' } }],
  } }), browserEvent(), ctx());
  assert.deepEqual(nested.properties, {
    plan: 'pro', items: [{ item_id: 'SKU-1', name: 'Trail Shoe' }], contents: [{ content_id: 'SKU-1', content_name: 'Trail Shoe', price: 5 }], value: 5,
  }, 'nothing of the person at any depth; the products\' names stay');
});

test('events TikTok cannot take are dead-lettered alone, saying why', () => {
  assert.throws(() => toServerEvent(payload({ event: '' }), browserEvent(), ctx()), { name: 'PermanentError', message: /TikTok needs an event name/ });
  assert.throws(() => toServerEvent(payload({ event_time: 'soon' }), browserEvent(), ctx()), { name: 'PermanentError', message: /TikTok needs event_time in Unix seconds/ });
});

test('send: POST /open_api/v1.3/event/track/ with Access-Token, event_source web, the pixel code, the test event code', () => {
  const batch = Array.from({ length: 2500 }, (_, i) => ({ id: `e${i}`, event: {} as CanonicalEvent, payload: { event: 'Pageview', event_time: 1796032800, event_id: `m${i}` } }));
  const requests = tiktok.send(batch, ctx({ test_event_code: 'TEST12345' }));
  assert.deepEqual(requests.map((r) => r.eventIds.length), [1000, 1000, 500], 'TikTok takes up to 1,000 events a request');
  assert.deepEqual(requests[2], {
    method: 'POST', url: 'https://business-api.tiktok.com/open_api/v1.3/event/track/',
    headers: { 'Content-Type': 'application/json', 'Access-Token': 'tt_access_token_123' },
    body: { event_source: 'web', event_source_id: PIXEL, test_event_code: 'TEST12345', data: batch.slice(2000).map((e) => e.payload) },
    eventIds: batch.slice(2000).map((e) => e.id),
  });
  assert.deepEqual(Object.keys(tiktok.send(batch.slice(0, 1), ctx())[0]!.body as object), ['event_source', 'event_source_id', 'data'], 'no test_event_code unless configured');
  // A request stays within 1 MB: events of 300 kB go three to a request at most.
  const big = Array.from({ length: 7 }, (_, i) => ({ id: `b${i}`, event: {} as CanonicalEvent, payload: { event: 'Pageview', event_time: 1, properties: { blob: 'x'.repeat(300_000) } } }));
  const parts = tiktok.send(big, ctx());
  assert.deepEqual(parts.map((r) => r.eventIds.length), [3, 3, 1]);
  for (const part of parts) assert.ok(Buffer.byteLength(JSON.stringify(part.body)) <= tiktok.batch.maxBytes);
});

test('classify: code 0 delivered; rate limits in a 200 are handled as a 429 for as long as TikTok says', () => {
  assert.deepEqual(classifyTikTok(answer(envelope(0, 'OK')), request(3), NOW), { status: 'delivered' });
  assert.deepEqual(classifyTikTok(answer(envelope(20001, 'Partial success')), request(3), NOW), { status: 'delivered' });
  for (const body of ['', '<html>Welcome to the hotel Wi-Fi</html>']) {
    const page = classifyTikTok(answer(body), request(1), NOW) as { status: string; reason: string };
    assert.deepEqual([page.status, /HTTP 200 without TikTok's JSON \{ code, message \} envelope/.test(page.reason)], ['retry', true], `a 2xx that is not TikTok's JSON is not taken as delivered: ${JSON.stringify(body)}`);
  }
  assert.deepEqual(classifyTikTok(answer({}), request(1), NOW), { status: 'delivered' }, 'JSON without a code: the core\'s default for a 2xx (the conformance suite\'s contract)');
  assert.deepEqual(classifyTikTok(answer(envelope(40100, 'Too many requests. Please retry in some time.')), request(2), NOW), {
    status: 'retry', reason: 'TikTok throttled the request (code 40100): Too many requests. Please retry in some time.', retryAfterMs: 1000, throttled: true,
  });
  const perMinute = classifyTikTok(answer(envelope(40100, 'App reaches the QPM limit 600')), request(2), NOW) as { retryAfterMs: number; throttled: boolean };
  assert.deepEqual([perMinute.retryAfterMs, perMinute.throttled], [300_000, true], 'QPM: five minutes');
  const perDay = classifyTikTok(answer(envelope(40100, 'App reaches the QPD limit')), request(2), NOW) as { retryAfterMs: number };
  assert.equal(perDay.retryAfterMs, Date.parse('2026-12-01T00:00:00Z') - NOW, 'QPD: the next UTC midnight');
  const pixel = classifyTikTok(answer(envelope(40132, "The request QPS is limited by pixel_code's value.")), request(2), NOW) as { retryAfterMs: number; throttled: boolean };
  assert.deepEqual([pixel.retryAfterMs, pixel.throttled], [60_000, true]);
  const blocked = classifyTikTok(answer(envelope(61000, 'Too many requests')), request(2), NOW) as { status: string; retryAfterMs: number; throttled: boolean };
  assert.deepEqual([blocked.status, blocked.retryAfterMs, blocked.throttled], ['retry', 60_000, true], '61000 (TOO_MANY_REQUESTS_BL in TikTok\'s SDK): throttled, not dead-lettered');
  assert.equal((classifyTikTok(answer(envelope(40133, "Advertiser (1)'s QPS (30) reaches QPS limit 20 for current path")), request(2), NOW) as { throttled: boolean }).throttled, true);
});

test('classify: token, account and permission problems dead-letter saying what to fix; the envelope dead-letters at once; an invalid event is found by halves', () => {
  for (const code of [40102, 40104, 40105]) {
    const token = classifyTikTok(answer(envelope(code, 'Invalid access token.')), request(4), NOW) as { status: string; reason: string };
    assert.equal(token.status, 'dead_letter', String(code));
    assert.match(token.reason, new RegExp(`TikTok refused the access token \\(code ${code}\\): Invalid access token\\. Generate a new token in TikTok Events Manager .* update config\\.access_token \\(request_id 202611301200000A1B2C\\)`));
  }
  for (const code of [40101, 40106, 40113, 40119]) {
    const account = classifyTikTok(answer(envelope(code, 'App is forbidden.')), request(4), NOW) as { status: string; reason: string };
    assert.equal(account.status, 'dead_letter', String(code));
    assert.match(account.reason, new RegExp(`app or account \\(code ${code}, [A-Z_]+\\): App is forbidden\\. Not a problem with the events`), String(code));
    assert.doesNotMatch(account.reason, /Generate a new token/, `${code} is not the token's fault`);
  }
  const permission = classifyTikTok(answer(envelope(40001, `No permission to operate pixel code: ${PIXEL}. You must be an admin or operator of this advertiser account.`)), request(4), NOW) as { status: string; reason: string };
  assert.deepEqual([permission.status, /no permission \(code 40001\): No permission to operate pixel code.*config\.pixel_code is the pixel the access token was generated for/.test(permission.reason)], ['dead_letter', true]);
  assert.match((classifyTikTok(answer(envelope(40007, 'Pixel does not exist')), request(4), NOW) as { reason: string }).reason, /the pixel does not exist \(code 40007\).*Check config\.pixel_code/);
  assert.deepEqual(classifyTikTok(answer(envelope(40002, 'data.0.properties.contents.0.content_id: Not a valid string')), request(8), NOW), {
    status: 'split', reason: 'TikTok refused the batch (code 40002): data.0.properties.contents.0.content_id: Not a valid string; sending it in halves to find the event',
  });
  assert.deepEqual(classifyTikTok(answer(envelope(40002, 'data.0.event_time: Not a valid integer')), request(1), NOW), {
    status: 'dead_letter', reason: 'TikTok refused the event (code 40002): data.0.event_time: Not a valid integer (request_id 202611301200000A1B2C)',
  });
  // Not one event's fault: dead-lettered at once rather than after 2n - 1 halving requests.
  const version = classifyTikTok(answer(envelope(40006, 'Version error.')), request(1000), NOW) as { status: string; reason: string };
  assert.deepEqual([version.status, /API version \(code 40006\): Version error\. Not a problem with the events/.test(version.reason)], ['dead_letter', true]);
  for (const message of ['event_source_id: Pixel code is invalid', 'Invalid pixel_code', 'Invalid access token for this event_source']) {
    const envelopeError = classifyTikTok(answer(envelope(40002, message)), request(1000), NOW) as { status: string; reason: string };
    assert.deepEqual([envelopeError.status, /not an event: check config\.pixel_code/.test(envelopeError.reason)], ['dead_letter', true], message);
  }
  assert.equal((classifyTikTok(answer(envelope(40002, 'data.3.user.ttp: pixel cookie too long')), request(8), NOW) as { status: string }).status, 'split', 'a data.<n> path: an event');
  assert.deepEqual(classifyTikTok(answer(envelope(41000, 'The client IP is on the banned country list.')), request(2), NOW), {
    status: 'dead_letter', reason: 'TikTok refused the request (code 41000): The client IP is on the banned country list. (request_id 202611301200000A1B2C)',
  });
});

test('classify: TikTok\'s service errors and maintenance retry; answers without the envelope go by their status', () => {
  assert.equal((classifyTikTok(answer(envelope(50002, 'Error processing request on TikTok side.')), request(2), NOW) as { status: string }).status, 'retry');
  assert.equal((classifyTikTok(answer(envelope(40202, 'Write or update entity conflict')), request(2), NOW) as { status: string }).status, 'retry');
  assert.deepEqual(classifyTikTok(answer(envelope(60001, 'The system is in maintenance.')), request(2), NOW), { status: 'retry', reason: 'TikTok is in maintenance (code 60001): The system is in maintenance.', retryAfterMs: 300_000 });
  assert.deepEqual(classifyTikTok(answer('<html>502 Bad Gateway</html>', 502), request(2), NOW), { status: 'retry', reason: 'TikTok HTTP 502: <html>502 Bad Gateway</html>' });
  assert.deepEqual(classifyTikTok(answer({ error: 'slow down' }, 429, { 'retry-after': '7' }), request(2), NOW), { status: 'retry', reason: 'TikTok HTTP 429: {"error":"slow down"}', retryAfterMs: 7000 });
  assert.match((classifyTikTok(answer('Unauthorized', 401), request(2), NOW) as { reason: string }).reason, /HTTP 401\): check config\.access_token/);
  assert.equal((classifyTikTok(answer('404 page not found', 404), request(2), NOW) as { status: string }).status, 'dead_letter');
  assert.equal((classifyTikTok(answer('too large', 413), request(2), NOW) as { status: string }).status, 'split');
  assert.equal((classifyTikTok(answer(envelope(50000, 'System error'), 503), request(2), NOW) as { status: string }).status, 'retry', 'the code wins over the status');
});

test('validateConfig: the pixel\'s numeric ID, a pasted token or test code, the pixel code as the token', () => {
  assert.deepEqual(validateTikTokConfig({ pixel_code: PIXEL, access_token: 'tt_access_token_123', test_event_code: 'TEST12345' }), []);
  assert.deepEqual(validateTikTokConfig({ pixel_code: '7301234567890123456', access_token: 'tt_access_token_123' }), [
    { field: 'pixel_code', message: 'is all digits (7301234567890123456): that is the pixel\'s numeric ID; give its Pixel Code, the capital letters and digits Events Manager shows under the pixel\'s name (e.g. C5ABCDEF1234GHIJ5678)' },
  ]);
  assert.match(validateTikTokConfig({ pixel_code: 'c5abcdef1234ghij5678', access_token: 'tt_access_token_123' })[0]!.message, /must be the Pixel Code as Events Manager shows it: 10 to 40 capital letters and digits/);
  assert.deepEqual(validateTikTokConfig({ pixel_code: ` ${PIXEL}`, access_token: 'tt_access_token_123\n' }).map((p) => p.field), ['pixel_code', 'access_token']);
  assert.match(validateTikTokConfig({ pixel_code: PIXEL, access_token: 'Bearer tt_access_token_123' })[0]!.message, /without "Bearer"/);
  assert.deepEqual(validateTikTokConfig({ pixel_code: PIXEL, access_token: PIXEL }).map((p) => p.field), ['access_token']);
  assert.deepEqual(validateTikTokConfig({ pixel_code: PIXEL, access_token: 'tt_access_token_123', test_event_code: 'TEST1 ' }).map((p) => p.field), ['test_event_code']);
  assert.deepEqual(validatePluginDefinition(tiktok), []);
});

test('the shipped blueprints: an order as the configured purchase event with contents; retail maps the funnel only', () => {
  const order = browserEvent({
    userId: 'user-123',
    properties: { order_id: 'ORD-1', total: '59.98', currency: 'gbp', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', price: 29.99, quantity: 2 }, { sku: 'SKU-2', price: 5 }] },
    context: {
      ip: '203.0.113.42', userAgent: 'Mozilla/5.0', locale: 'en-GB', page: { url: 'https://shop.example.com/thanks?ttclid=E.C.P.abc' }, cookies: { _ttp: 'ttp-1' },
      traits: { email: ' Jane@Example.com ', phone: '+44 7700 900123', firstName: 'Jane', lastName: 'Doe', address: { city: 'Leeds', state: 'West Yorkshire', postalCode: 'LS1 4AP', country: 'GB' } },
    },
  });
  for (const variant of ['default', 'retail']) {
    const map = createEventMapper(tiktok, { variant, blueprint: blueprint(variant) }, ctx({}, variant));
    const mapped = map(order);
    assert.deepEqual(mapped.payload, {
      event: 'Purchase', event_time: Math.floor(Date.parse('2026-11-30T11:00:00Z') / 1000), event_id: 'm-1',
      page: { url: 'https://shop.example.com/thanks?ttclid=E.C.P.abc' },
      user: {
        external_id: sha256('user-123'), email: sha256('jane@example.com'), phone: sha256('+447700900123'),
        first_name: sha256('jane'), last_name: sha256('doe'), city: 'leeds', state: 'westyorkshire', zip_code: sha256('ls14ap'), country: 'gb',
        ip: '203.0.113.42', user_agent: 'Mozilla/5.0', ttp: 'ttp-1', locale: 'en-GB', ttclid: 'E.C.P.abc',
      },
      properties: {
        value: 59.98, currency: 'GBP', order_id: 'ORD-1', content_type: 'product',
        contents: [
          { content_id: 'SKU-1', content_type: 'product', content_name: 'Trail Shoe', content_category: 'Shoes', price: 29.99, quantity: 2 },
          { content_id: 'SKU-2', content_type: 'product', price: 5, quantity: 1 },
        ],
      },
    }, variant);
    const older = createEventMapper(tiktok, { variant, blueprint: blueprint(variant) }, ctx({ purchase_event: 'CompletePayment' }, variant));
    assert.equal(older(order).payload?.event, 'CompletePayment', `${variant}: the name the site's Pixel uses`);
    assert.match(map(browserEvent({ properties: { total: 5, currency: '$' } })).error ?? '', /currency is required/, `${variant}: an unreadable currency is an error`);
    assert.equal(map(browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as never)).payload, null, `${variant}: no identify call at TikTok`);
    assert.equal(map(browserEvent({ type: 'page', event: undefined })).payload?.event, 'Pageview');
  }
  // The ecommerce funnel: the same standard events, value, checked currency and contents in both variants.
  for (const variant of ['default', 'retail']) {
    const map = createEventMapper(tiktok, { variant, blueprint: blueprint(variant) }, ctx({}, variant));
    const added = map(browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', name: 'Trail Shoe', price: '24.99', quantity: 2, currency: 'eur' } }));
    assert.deepEqual([added.payload?.event, added.payload?.properties], ['AddToCart', {
      content_type: 'product', currency: 'EUR', contents: [{ content_id: 'SKU-1', content_type: 'product', content_name: 'Trail Shoe', price: 24.99, quantity: 2 }], value: 49.98,
    }], `${variant}: a number for the price, the currency checked, contents, the value added up`);
    assert.match(map(browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', price: '24.99', currency: '$' } })).error ?? '', /currency is required/, `${variant}: "$" is an error, not a batch TikTok refuses`);
    const viewed = map(browserEvent({ event: 'Product Viewed', properties: { sku: 'SKU-2', name: 'Sock', price: 5, currency: 'GBP' } }));
    assert.deepEqual([viewed.payload?.event, (viewed.payload?.properties as JsonObject).contents], ['ViewContent', [{ content_id: 'SKU-2', content_type: 'product', content_name: 'Sock', price: 5, quantity: 1 }]], variant);
    assert.deepEqual(map(browserEvent({ event: 'Products Searched', properties: { query: 'trail shoes' } })).payload?.properties, { query: 'trail shoes' });
    const checkout = map(browserEvent({ event: 'Checkout Started', properties: { total: 10, currency: 'USD', products: [{ product_id: 'SKU-1', price: 10 }] } })).payload!;
    assert.deepEqual([checkout.event, checkout.properties], ['InitiateCheckout', { value: 10, currency: 'USD', content_type: 'product', contents: [{ content_id: 'SKU-1', content_type: 'product', price: 10, quantity: 1 }] }], variant);
    assert.equal(map(browserEvent({ event: 'Payment Info Entered' })).payload?.event, 'AddPaymentInfo');
    assert.equal(map(browserEvent({ event: 'Product Added to Wishlist', properties: { product_id: 'SKU-1' } })).payload?.event, 'AddToWishlist');
    assert.equal(map(browserEvent({ event: 'view_item', properties: { product_id: 'SKU-1' } })).payload?.event, 'ViewContent', `${variant}: GA4's names too`);
  }
  const retail = createEventMapper(tiktok, { variant: 'retail', blueprint: blueprint('retail') }, ctx());
  assert.equal(retail(browserEvent({ event: 'Newsletter Opened' })).payload, null, 'retail sends the funnel only');

  const standard = createEventMapper(tiktok, { variant: 'default', blueprint: blueprint('default') }, ctx({}, 'default'));
  const names = ['Signed Up', 'Lead Generated', 'Form Submitted', 'Contact Requested', 'Subscription Started', 'File Downloaded', 'Button Clicked', 'Products Searched'].map((event) => standard(browserEvent({ event })).payload?.event);
  assert.deepEqual(names, ['CompleteRegistration', 'Lead', 'SubmitForm', 'Contact', 'Subscribe', 'Download', 'ClickButton', 'Search']);
  const custom = standard(browserEvent({ event: 'Video Shared', properties: { video_id: 'v-1', shared_to: 'friend@example.com' } })).payload!;
  assert.deepEqual([custom.event, custom.properties], ['Video Shared', { video_id: 'v-1' }], 'a custom event with its properties, no email in clear');
});

test('Global Privacy Control under SIGNAL_GPC=restrict: limited_data_use on that visitor\'s event, even over a mapped false', () => {
  const gpc = browserEvent({ context: { ...browserEvent().context, consent: { advertising: true, gpc: true } } });
  assert.equal(toServerEvent(payload(), gpc, ctx()).limited_data_use, true);
  assert.equal(toServerEvent(payload({ limited_data_use: false }), gpc, ctx()).limited_data_use, true);
  assert.equal('limited_data_use' in toServerEvent(payload(), browserEvent(), ctx()), false);
  try {
    setGpcRule('ignore');
    assert.equal('limited_data_use' in toServerEvent(payload(), gpc, ctx()), false);
  } finally {
    setGpcRule('restrict');
  }
});
