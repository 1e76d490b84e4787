import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { PermanentError, RetryableError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import yahooCapi, { ASSERTION_AUDIENCE, classifyYahooCapi, clickIdOf, clientAssertion, eventsUrlOf, readYahooTokenAnswer, requestsFor, toYahooEvent, TOKEN_URL, validateYahooCapiConfig, VMCID_COOKIE, yahooEventData, yahooPrivacy, yahooTokenRequest, yahooUserData } from './index.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const CONFIG = { client_id: '197031e8-1546-410f-84e3-cd6c38dbcec0', client_secret: 'yahoo-secret-0123456789', pixel_id: '10012345' };
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const ctx = (config: Record<string, JsonValue> = CONFIG, warnings: string[] = [], accessToken?: string): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message), ...(accessToken === undefined ? {} : { accessToken }),
});
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => {
  let json: JsonValue | undefined;
  try { json = JSON.parse(body) as JsonValue; } catch { json = undefined; }
  return { status, body, headers, ...(json !== undefined ? { json } : {}) };
};
const whole = (result: Classification) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number };
const two: RequestDescriptor = { method: 'POST', url: 'https://batch.datax.yahoo.com/v1/events/10012345', eventIds: ['a', 'b'] };
const one: RequestDescriptor = { ...two, eventIds: ['a'] };

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-7', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'usd', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 3, category: 'Shoes' }] },
  context: {
    ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11)', page: { url: 'https://shop.example.com/thanks?email=jane%40example.com' }, cookies: { [VMCID_COOKIE]: 'vm-click-1' },
    traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (415) 555-0123' }, consent: { advertising: true },
  },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/yahoo_capi/default.yaml', import.meta.url), 'utf8'));
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toYahooEvent(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
  return { payload, warnings };
};
const refusal = (run: () => unknown) => {
  try { run(); } catch (error) {
    assert.ok(error instanceof PermanentError, String(error));
    return error.message;
  }
  assert.fail('not refused');
};

test('an order through the blueprint: the documented event, email and phone hashed, the click id, value and currency', () => {
  const { payload, warnings } = mapThrough(event());
  assert.deepEqual(warnings, []);
  assert.deepEqual(payload, {
    eventName: 'purchase', eventId: 'm-1', eventTs: Date.parse('2026-12-01T11:00:00.000Z'), actionSource: 'web', actionSourceUrl: 'https://shop.example.com/thanks',
    userData: { email: [sha('jane.doe@example.com')], phone: [sha('+14155550123')], ip_address: '203.0.113.42', userAgent: 'Mozilla/5.0 (X11)' },
    eventData: { price: 74.97, products: [{ category: 'Shoes' }], customKeyValues: { order_id: 'ORD-1', currency: 'USD' } },
    clickData: { vmcid: 'vm-click-1' },
  });
});

test('page calls as page_view; other track events only when the config names them; identify never sent', () => {
  assert.equal(mapThrough(event({ type: 'page', event: undefined, name: 'Pricing', properties: {} }))?.payload?.eventName, 'page_view');
  const unnamed = mapThrough(event({ event: 'Demo Requested', properties: { value: 50, currency: 'EUR' } }));
  assert.equal(unnamed.payload, null);
  assert.match(unnamed.warnings[0] ?? '', /"Demo Requested" not sent to Yahoo: no Yahoo event name for it \(name one in config\.event_names/);
  const named = mapThrough(event({ event: 'Demo Requested', properties: { value: 50, currency: 'EUR' } }), { ...CONFIG, event_names: { 'Demo Requested': 'lead' } });
  assert.deepEqual([named.payload?.eventName, named.payload?.eventData], ['lead', { price: 50, customKeyValues: { currency: 'EUR' } }]);
  assert.equal(blueprint.mapEvent(event({ type: 'identify', event: undefined, traits: { email: 'a@b.co' } })).vendorEvent, null);
});

test('GA4-style events the blueprint lists (purchase, add_to_cart, sign_up) and a track event named by a blueprint Yahoo name are sent under that name', () => {
  const purchase = mapThrough(event({ event: 'purchase' }));
  assert.deepEqual([purchase.payload?.eventName, purchase.warnings], ['purchase', []]);
  assert.deepEqual(purchase.payload?.eventData, { price: 74.97, products: [{ category: 'Shoes' }], customKeyValues: { order_id: 'ORD-1', currency: 'USD' } });
  for (const [name, yahoo] of [['add_to_cart', 'add_to_cart'], ['sign_up', 'sign_up'], ['view_item', 'view_content'], ['lead', 'lead']] as const) {
    assert.equal(mapThrough(event({ event: name, properties: { value: 5, currency: 'USD' } })).payload?.eventName, yahoo, name);
  }
  // Another event's own name is still not sent unasked.
  assert.equal(mapThrough(event({ event: 'Feature Used', properties: {} })).payload, null);
});

test('an app event: actionSource app, the advertising id as idfa on iOS and gpsaid on Android, never all zeros', () => {
  const app = (os: string, id: string) => mapThrough(event({ context: { ip: '203.0.113.42', app: { name: 'Shop' }, os: { name: os }, device: { advertisingId: id } } as CanonicalEvent['context'] })).payload;
  const ios = app('iOS', 'AEBE52E7-03EE-455A-B3C4-E57283966239');
  assert.deepEqual([ios?.actionSource, ios?.userData], ['app', { idfa: ['AEBE52E7-03EE-455A-B3C4-E57283966239'], ip_address: '203.0.113.42' }]);
  assert.deepEqual(app('Android', '38400000-8cf0-11bd-b23e-10b96e40000d')?.userData, { gpsaid: ['38400000-8cf0-11bd-b23e-10b96e40000d'], ip_address: '203.0.113.42' });
  assert.deepEqual(app('iOS', '00000000-0000-0000-0000-000000000000')?.userData, { ip_address: '203.0.113.42' });
});

test('what Yahoo would refuse is dead-lettered alone, naming the fix', () => {
  assert.match(refusal(() => mapThrough(event({ context: { consent: { advertising: true } } as CanonicalEvent['context'] }))), /^Yahoo needs an identifier of the person \(userData: email, phone, gpsaid, idfa, pxid, IP address or user agent\) or the click id/);
  assert.match(refusal(() => toYahooEvent({ eventName: 'purchase', actionSource: 'shop', userData: { ip_address: '203.0.113.1' } }, event(), ctx())), /^Yahoo takes actionSource web, app, phone, email, physical_store; the blueprint mapped "shop"/);
  assert.match(refusal(() => yahooEventData({ price: 'ten' })), /^Yahoo takes eventData\.price as a number/);
  assert.match(refusal(() => yahooEventData({ price: 5, currency: '$' })), /ISO 4217 code; "\$" is none/);
  assert.match(refusal(() => yahooEventData({ price: -1 })), /at least 0/);
});

test('the event time: epoch milliseconds; a time ahead is sent as now', () => {
  const ahead = toYahooEvent({ eventName: 'lead', eventTs: '2027-01-01T00:00:00Z', userData: { ip_address: '203.0.113.1' } }, event(), ctx());
  assert.equal(ahead?.eventTs, NOW);
});

test('userData: hashed as Yahoo says, an unusable key left out with a warning', () => {
  assert.deepEqual(yahooUserData({ email: ['A@B.co', 'a@b.co'], phone: '(415) 555-0123', pxid: 'px-1', name: 'Jane' }, { defaultCountryCode: '1' }), {
    user: { email: [sha('a@b.co')], phone: [sha('+14155550123')], pxid: ['px-1'] }, unusable: ['name'],
  });
  const warnings: string[] = [];
  toYahooEvent({ eventName: 'lead', userData: { phone: '415 555 0123', ip_address: '203.0.113.1' } }, event(), ctx(CONFIG, warnings));
  assert.match(warnings[0] ?? '', /^userData\.phone left out: not a number in E\.164/);
  const digest = sha('a@b.co');
  assert.deepEqual(yahooUserData({ email: digest.toUpperCase() }).user, { email: [digest] }, 'a digest is sent as it is, lower-cased');
});

test('privacy: GPC as OPTOUT first, then GPP with its sections, then TCF', () => {
  const gpc = event({ context: { consent: { advertising: true, gpc: true } } as CanonicalEvent['context'] });
  assert.deepEqual(yahooPrivacy({ gpp: 'DBABMA~x' }, gpc), { privacy_type: 'OPTOUT' });
  assert.deepEqual(yahooPrivacy({ gpp: 'DBABMA~x', gpp_sid: [2, 7], tcf: 'CP1' }, event()), { privacy_type: 'GPP', consent_string: 'DBABMA~x', gpp_sid: [2, 7] });
  assert.deepEqual(yahooPrivacy({ tcf: 'CPXxRfAPXxRfAAfKABENB' }, event()), { privacy_type: 'GDPR', consent_string: 'CPXxRfAPXxRfAAfKABENB' });
  assert.equal(yahooPrivacy(undefined, event()), undefined);
  const mapped = mapThrough(event({ context: { ip: '203.0.113.42', consent: { advertising: true, iab: { gppString: 'DBABMA~x', gppSid: [7] } } } as CanonicalEvent['context'] })).payload;
  assert.deepEqual(mapped?.privacy, { privacy_type: 'GPP', consent_string: 'DBABMA~x', gpp_sid: [7] });
});

test('click ids: URL-safe text, no unexpanded macro or placeholder', () => {
  assert.equal(clickIdOf(' a1b2c3 '), 'a1b2c3');
  assert.equal(clickIdOf('${CC}'), undefined);
  assert.equal(clickIdOf('undefined'), undefined);
  assert.equal(clickIdOf('vmcid'), undefined);
});

test('the token request: client credentials with an HS256 assertion signed with the secret, the DSP scope and realm', () => {
  const request = yahooTokenRequest(ctx());
  assert.equal(request.url, TOKEN_URL);
  assert.equal(request.url, 'https://id.b2b.yahooinc.com/identity/oauth2/access_token');
  assert.deepEqual(request.headers, { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' });
  const form = Object.fromEntries(new URLSearchParams(String(request.body)));
  assert.deepEqual({ ...form, client_assertion: undefined }, { grant_type: 'client_credentials', scope: 'dsp-api-access', realm: 'dsp', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: undefined });
  const [header, claims, signature] = String(form.client_assertion).split('.');
  assert.deepEqual(JSON.parse(Buffer.from(header!, 'base64url').toString()), { alg: 'HS256', typ: 'JWT' });
  assert.deepEqual(JSON.parse(Buffer.from(claims!, 'base64url').toString()), { aud: `${TOKEN_URL}?realm=dsp`, iss: CONFIG.client_id, sub: CONFIG.client_id, iat: NOW / 1000, exp: NOW / 1000 + 600 });
  assert.equal(signature, createHmac('sha256', CONFIG.client_secret).update(`${header}.${claims}`).digest('base64url'));
  assert.equal(ASSERTION_AUDIENCE, 'https://id.b2b.yahooinc.com/identity/oauth2/access_token?realm=dsp');
  assert.equal(clientAssertion('c', 's', NOW), clientAssertion('c', 's', NOW), 'pure: the same moment signs the same assertion');
});

test('the token answer: the token and its lifetime; a refused credential names the fields; a failing server is retried', () => {
  assert.deepEqual(readYahooTokenAnswer(answer(200, JSON.stringify({ access_token: 'eyJtok', token_type: 'Bearer', expires_in: 599 }))), { accessToken: 'eyJtok', expiresInSeconds: 599 });
  assert.throws(() => readYahooTokenAnswer(answer(400, JSON.stringify({ error: 'invalid_client', error_description: 'Client authentication failed' }))),
    (error: unknown) => error instanceof PermanentError && /^Yahoo's identity server refused the DSP API credentials \(HTTP 400, invalid_client: Client authentication failed\): check config\.client_id and config\.client_secret/.test(error.message));
  assert.throws(() => readYahooTokenAnswer(answer(503, 'unavailable')), RetryableError);
});

test('requests: the pixel\'s URL on the batch host by default, the streaming host by config, the events as an array, the bearer token', () => {
  const mapped: MappedEvent[] = ['m-1', 'm-2'].map((id) => ({ id, event: event({ messageId: id }), payload: { eventName: 'lead', eventId: id } }));
  const [request, ...rest] = requestsFor(mapped, ctx(CONFIG, [], 'eyJtok'));
  assert.equal(rest.length, 0);
  assert.deepEqual(request, {
    method: 'POST', url: 'https://batch.datax.yahoo.com/v1/events/10012345',
    headers: { authorization: 'Bearer eyJtok', 'content-type': 'application/json', accept: 'application/json' },
    body: [{ eventName: 'lead', eventId: 'm-1' }, { eventName: 'lead', eventId: 'm-2' }], eventIds: ['m-1', 'm-2'],
  });
  assert.equal(eventsUrlOf({ ...CONFIG, endpoint: 'streaming' }), 'https://streaming.datax.yahoo.com/v1/events/10012345');
  const many: MappedEvent[] = Array.from({ length: 250 }, (_, i) => ({ id: `m-${i}`, event: event(), payload: { eventName: 'lead' } }));
  assert.deepEqual(requestsFor(many, ctx(CONFIG, [], 't')).map((r) => r.eventIds.length), [100, 100, 50]);
  assert.throws(() => requestsFor(mapped, ctx()), PermanentError, 'no token: said, not sent unauthenticated');
});

test('classify: COMPLETE delivered, PARTIAL halved, 429 and 5xx retried, 401/403/404 dead-lettered naming the fix, 400 halved', () => {
  assert.deepEqual(classifyYahooCapi(answer(200, '{"success":"COMPLETE","message":"OK"}'), two, '10012345'), { status: 'delivered' });
  assert.equal(whole(classifyYahooCapi(answer(200, '{"success":"PARTIAL","message":"1 of 2 events rejected"}'), two, '1')).status, 'split');
  assert.deepEqual(classifyYahooCapi(answer(200, '{"success":"PARTIAL","message":"eventTs out of range"}'), one, '1'), { status: 'dead_letter', reason: 'Yahoo refused the event (HTTP 200, PARTIAL: eventTs out of range)' });
  assert.equal(whole(classifyYahooCapi(answer(200, '<html><body>Portal</body></html>'), two, '1')).status, 'retry');
  // A 2xx saying nothing was taken is no delivery: halved, then the event dead-lettered with Yahoo's words.
  assert.equal(whole(classifyYahooCapi(answer(200, '{"success":"FAILED","message":"invalid pixel event"}'), two, '1')).status, 'split');
  assert.deepEqual(classifyYahooCapi(answer(200, '{"success":"FAILED","message":"invalid pixel event"}'), one, '1'), { status: 'dead_letter', reason: 'Yahoo refused the event (HTTP 200, FAILED: invalid pixel event)' });
  assert.deepEqual(classifyYahooCapi(answer(200, '{"success":false,"message":"eventName missing"}'), one, '1'), { status: 'dead_letter', reason: 'Yahoo refused the event (HTTP 200, success false: eventName missing)' });
  assert.deepEqual(classifyYahooCapi(answer(200, '{"success":true}'), two, '1'), { status: 'delivered' });
  const limited = whole(classifyYahooCapi(answer(429, '{"message":"Too many requests"}', { 'retry-after': '7' }), two, '1'));
  assert.deepEqual([limited.status, limited.retryAfterMs], ['retry', 7000]);
  assert.equal(whole(classifyYahooCapi(answer(503, 'upstream'), two, '1')).status, 'retry');
  assert.match(whole(classifyYahooCapi(answer(401, '{"message":"Invalid token"}'), two, '1')).reason ?? '', /^Yahoo refused the access token \(HTTP 401, Invalid token\), a new one too: check that config\.client_id and config\.client_secret/);
  assert.match(whole(classifyYahooCapi(answer(403, '{"message":"Forbidden"}'), two, '10012345')).reason ?? '', /may not send events to pixel 10012345 \(HTTP 403, Forbidden\)\. Yahoo allow-lists/);
  assert.match(whole(classifyYahooCapi(answer(404, ''), two, '10012345')).reason ?? '', /^Yahoo does not know pixel 10012345 \(HTTP 404, \(no body\)\): check config\.pixel_id/);
  assert.equal(whole(classifyYahooCapi(answer(400, '{"message":"eventName is required"}'), two, '1')).status, 'split');
  assert.deepEqual(classifyYahooCapi(answer(400, '{"message":"eventName is required"}'), one, '1'), { status: 'dead_letter', reason: 'Yahoo refused the event (HTTP 400, eventName is required)' });
  assert.equal(whole(classifyYahooCapi(answer(400, '{"error":"bad gateway config"}'), two, '1')).status, 'dead_letter', 'another service\'s answer is not halved');
  assert.equal(whole(classifyYahooCapi(answer(413, 'too large'), two, '1')).status, 'split');
});

test('config problems name their field', () => {
  assert.deepEqual(validateYahooCapiConfig(CONFIG), []);
  assert.deepEqual(validateYahooCapiConfig({ ...CONFIG, client_secret: CONFIG.client_id }), [{ field: 'client_secret', message: 'is the client id again: give the secret issued with it' }]);
  assert.equal(validateYahooCapiConfig({ ...CONFIG, client_secret: 'Bearer abcdefgh' })[0]?.field, 'client_secret');
  assert.equal(validateYahooCapiConfig({ ...CONFIG, event_names: { ' Demo': 'lead' } })[0]?.field, 'event_names');
});

test('the plugin: advertising consent, the vmcid click id cookie, the token exchange on with the credentials', () => {
  assert.deepEqual(yahooCapi.consent, ['advertising']);
  assert.deepEqual(yahooCapi.clickIds, [{ param: 'vmcid', cookie: VMCID_COOKIE, days: 30 }]);
  assert.equal(yahooCapi.accessToken?.enabled(CONFIG), true);
  assert.equal(yahooCapi.accessToken?.enabled({ pixel_id: '1' }), false);
  assert.equal(yahooCapi.forgetPerson, undefined, 'Yahoo documents no deletion API for CAPI');
});
