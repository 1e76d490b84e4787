import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import spotifyAds, { classifySpotifyAds, eventDetails, pageUrl, requestsFor, said, spotifyEventName, spotifyUserData, toSpotifyEvent, validateSpotifyAdsConfig } from './index.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-12-01T12:00:00Z');
const AT = '2026-12-01T11:00:00.000Z';
const CONNECTION = '2fd920ed-a111-43d4-bee2-74d078c479a5';
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJ0b2tlbl9pZCI6InVuaXQifQ.c2lnbmF0dXJl';
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ connection_id: CONNECTION, access_token: TOKEN, ...extra });
const warnings: string[] = [];
const ctx = (extra: Record<string, JsonValue> = {}): PluginContext => ({ config: config(extra), variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (m) => void warnings.push(m) });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: AT, receivedAt: '2026-12-01T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
/** A mapped event; an override of undefined leaves that field out. */
const payload = (overrides: Record<string, JsonValue | undefined> = {}): JsonObject => Object.fromEntries(
  Object.entries({ event_name: 'PURCHASE', event_id: 'm-1', event_time: AT, event_source_url: 'https://shop.example.com/thanks', user_data: { ip_address: '203.0.113.42' }, event_details: { amount: 74.97, currency: 'USD' }, ...overrides })
    .filter(([, value]) => value !== undefined),
) as JsonObject;
const request = (n: number): RequestDescriptor => ({ method: 'POST', url: 'https://capi.spotify.com/capi-direct/events/', eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const classify = (status: number, body: unknown, n = 2, headers: Record<string, string> = {}): Classification => classifySpotifyAds(answer(status, body, headers), request(n), CONNECTION);

test('config: the schema takes the documented fields; a token pasted with Bearer, the connection id or a UUID as token, an unknown event name are named', () => {
  const validate = createConfigAjv().compile(spotifyAds.config);
  assert.equal(validate(config({ action_source: 'OFFLINE', event_names: { 'Demo Requested': 'CUSTOM_EVENT_1' }, opt_out_targeting: true, default_currency: 'EUR', default_country_calling_code: '44' })), true, JSON.stringify(validate.errors));
  assert.equal(validate({ connection_id: CONNECTION }), false, 'the token is required');
  assert.equal(validate(config({ connection_id: 'my-connection' })), false, 'the connection id is a UUID');
  assert.equal(validate(config({ action_source: 'website' })), false, 'Spotify\'s action sources only');
  assert.deepEqual(validateSpotifyAdsConfig(config()), []);
  assert.deepEqual(validateSpotifyAdsConfig(config({ access_token: `Bearer ${TOKEN}` })).map((p) => p.field), ['access_token']);
  assert.deepEqual(validateSpotifyAdsConfig(config({ access_token: CONNECTION.toUpperCase() })), [{ field: 'access_token', message: 'is the connection ID again: generate a token for the connection in Spotify Ads Manager (Events → the Conversions API data source → Generate token)' }]);
  assert.deepEqual(validateSpotifyAdsConfig(config({ access_token: 'bb7a8ba9-f77a-11ee-ae13-42010a8e0056' })).map((p) => p.field), ['access_token'], 'a token\'s id is no token');
  assert.deepEqual(validateSpotifyAdsConfig(config({ event_names: { 'Demo Requested': 'Start Checkout', 'Searched': 'SEARCH', ' Quiz': 'LEAD' } })), [
    { field: 'event_names', message: 'has " Quiz" with white space around it: Signal event names are matched exactly' },
    { field: 'event_names', message: 'gives "SEARCH" for "Searched": Spotify\'s Conversions API takes VIEW, PRODUCT, ADD_TO_CART, CHECK_OUT, PURCHASE, LEAD, SIGN_UP, ALIAS, CUSTOM_EVENT_1, CUSTOM_EVENT_2, CUSTOM_EVENT_3, CUSTOM_EVENT_4, CUSTOM_EVENT_5' },
  ]);
  assert.equal(spotifyAds.config.properties.access_token?.secret, true);
});

test('event names: Spotify\'s CAPI spelling from Ads Manager\'s labels, Stape\'s and the diagnostics\'', () => {
  const cases: Array<[string, string | undefined]> = [
    ['purchase', 'PURCHASE'], ['Add to Cart', 'ADD_TO_CART'], ['Add_Cart', 'ADD_TO_CART'], ['ADDTOCART', 'ADD_TO_CART'], ['Start Checkout', 'CHECK_OUT'], ['checkout', 'CHECK_OUT'],
    ['View Product', 'PRODUCT'], ['Page_View', 'VIEW'], ['sign-up', 'SIGN_UP'], ['SIGNUP', 'SIGN_UP'], ['custom event 5', 'CUSTOM_EVENT_5'], ['Custom_Event_3', 'CUSTOM_EVENT_3'],
    ['SEARCH', undefined], ['CUSTOM_EVENT_6', undefined], ['', undefined],
  ];
  for (const [written, expected] of cases) assert.equal(spotifyEventName(written), expected, written);
});

test('user_data: emails a hashed list, the phone in E.164 hashed, IP and raw device id in clear; anything else left out and named', () => {
  const { user, unusable } = spotifyUserData({
    hashed_emails: [' Jane@Example.com ', 'jane@example.com', 'not an address'], hashed_phone_number: '+1 (415) 555-0123', ip_address: ' 2001:db8::1 ', device_id: ' 6D92078A-8246-4BA4-AE5B-76104861E7DC ', email: 'jane@example.com',
  });
  assert.deepEqual(user, { hashed_emails: [sha256('jane@example.com')], hashed_phone_number: sha256('+14155550123'), ip_address: '2001:db8::1', device_id: '6D92078A-8246-4BA4-AE5B-76104861E7DC' });
  assert.deepEqual(unusable, ['email'], 'a key Spotify does not take is never sent: it may be contact data');
  assert.deepEqual(spotifyUserData({ hashed_emails: sha256('jane@example.com').toUpperCase() }).user, { hashed_emails: [sha256('jane@example.com')] }, 'a digest is not hashed twice');
  assert.deepEqual(spotifyUserData({ hashed_phone_number: '(415) 555-0123' }, { defaultCountryCode: '1' }).user, { hashed_phone_number: sha256('+14155550123') });
  const bad = spotifyUserData({ hashed_emails: 'nobody', hashed_phone_number: '555-0123', ip_address: 'localhost', device_id: 'two words' });
  assert.deepEqual([bad.user, bad.unusable], [{}, ['hashed_emails', 'hashed_phone_number', 'ip_address', 'device_id']]);
});

test('event_details: amount and currency, the products\' worth, a name, a taxonomy id; a purchase without value or currency refused', () => {
  const left: string[] = [];
  assert.deepEqual(eventDetails('PURCHASE', { currency: 'usd', products: [{ price: 24.99, quantity: 3 }, { price: '0.1', quantity: 2 }], content_category: 187 }, undefined), { amount: 75.17, currency: 'USD', content_category: '187' });
  assert.deepEqual(eventDetails('ADD_TO_CART', { amount: '12.5', content_name: ' Trail Shoe ' }, 'EUR'), { amount: 12.5, currency: 'EUR', content_name: 'Trail Shoe' }, 'the default currency');
  assert.deepEqual(eventDetails('PRODUCT', { products: { price: 10 }, content_category: 'Apparel & Accessories > Shoes' }, undefined, (m) => void left.push(m)), undefined, 'no currency, no taxonomy id: nothing left');
  assert.deepEqual(left, [
    'event_details.amount left out: no currency (map properties.currency, or set config.default_currency)',
    'event_details.content_category left out: Spotify takes a Google Product Taxonomy id (e.g. 187 for Shoes) and refuses other text; "Apparel & Accessories > Shoes" is none',
  ]);
  assert.equal(eventDetails('VIEW', { content_name: 'x'.repeat(600) }, undefined)!.content_name, 'x'.repeat(500));
  assert.deepEqual(eventDetails('PURCHASE', { amount: 0.1 + 0.2, currency: 'USD' }, undefined), { amount: 0.3, currency: 'USD' });
  assert.throws(() => eventDetails('PURCHASE', { currency: 'USD' }, undefined), { name: 'PermanentError', message: /^Spotify requires event_details\.amount for a PURCHASE/ });
  assert.throws(() => eventDetails('PURCHASE', { amount: 5 }, undefined), { name: 'PermanentError', message: 'Spotify requires event_details.currency for a PURCHASE: map properties.currency, or set config.default_currency' });
  assert.throws(() => eventDetails('LEAD', { amount: 'ten', currency: 'USD' }, undefined), { name: 'PermanentError', message: /Spotify takes event_details\.amount as a number/ });
  assert.throws(() => eventDetails('LEAD', { amount: -1, currency: 'USD' }, undefined), { name: 'PermanentError', message: /at least 0/ });
  assert.throws(() => eventDetails('LEAD', { amount: 1, currency: 'dollars' }, undefined), { name: 'PermanentError', message: 'Spotify takes event_details.currency as an ISO 4217 code; "dollars" is none' });
});

test('the event: documented fields, the page URL\'s origin and path, the action source, opt_out_targeting', () => {
  warnings.length = 0;
  const out = toSpotifyEvent(payload({ event_source_url: 'https://shop.example.com/thanks?email=jane%40example.com#top', user_data: { hashed_emails: 'Jane@Example.com', ip_address: '203.0.113.42', device_id: 'dev-1' } }), browserEvent(), ctx());
  assert.deepEqual(out, {
    event_name: 'PURCHASE', event_id: 'm-1', event_time: AT, event_source_url: 'https://shop.example.com/thanks', action_source: 'WEB', opt_out_targeting: false,
    user_data: { hashed_emails: [sha256('jane@example.com')], ip_address: '203.0.113.42', device_id: 'dev-1' }, event_details: { amount: 74.97, currency: 'USD' },
  });
  assert.deepEqual(warnings, []);
  const app = toSpotifyEvent(payload({ event_source_url: 'android-app://com.example', event_id: 'undefined' }), browserEvent({ messageId: 'm-9', context: { app: { name: 'Shop' } } } as never), ctx());
  assert.deepEqual([app!.action_source, app!.event_source_url, app!.event_id], ['APP', undefined, 'm-9'], 'an app\'s event; a placeholder id gives way to the messageId');
  assert.equal(toSpotifyEvent(payload({ action_source: 'website' }), browserEvent(), ctx({ action_source: 'OFFLINE' }))!.action_source, 'WEB', 'the mapped source first');
  assert.equal(toSpotifyEvent(payload(), browserEvent(), ctx({ action_source: 'OFFLINE' }))!.action_source, 'OFFLINE');
  assert.equal(toSpotifyEvent(payload(), browserEvent(), ctx({ opt_out_targeting: true }))!.opt_out_targeting, true, 'attribution only, by the config');
  assert.equal(toSpotifyEvent(payload({ opt_out_targeting: true }), browserEvent(), ctx())!.opt_out_targeting, true, 'by the event');
  const gpc = browserEvent({ context: { ...browserEvent().context, consent: { gpc: true } } } as Partial<CanonicalEvent>);
  assert.equal(toSpotifyEvent(payload(), gpc, ctx())!.opt_out_targeting, true, 'a Global Privacy Control visitor (SIGNAL_GPC=restrict, the default)');
  assert.equal(toSpotifyEvent(payload({ event_time: '2026-12-01T13:00:00Z' }), browserEvent(), ctx())!.event_time, '2026-12-01T12:00:00.000Z', '"must be in the past": a clock ahead is sent as now');
  assert.equal(toSpotifyEvent(payload({ event_time: undefined }), browserEvent(), ctx())!.event_time, AT, 'the event\'s own time when none is mapped');
  warnings.length = 0;
  toSpotifyEvent(payload({ user_data: { ip_address: '203.0.113.42', hashed_phone_number: '555 0100' } }), browserEvent(), ctx());
  assert.deepEqual(warnings, ['user_data.hashed_phone_number left out: not a number in E.164 (+14155550123), and without config.default_country_calling_code a number written without its country code is not guessed']);
  assert.equal(pageUrl('javascript:alert(1)'), undefined);
});

test('event names: the config\'s first, the blueprint\'s next, the catch-all\'s own name only when it is Spotify\'s; the rest not sent, saying how', () => {
  const demo = browserEvent({ event: 'Demo Requested' });
  assert.equal(toSpotifyEvent(payload({ event_name: 'Demo Requested', event_details: undefined }), demo, ctx({ event_names: { 'Demo Requested': 'custom event 1' } }))!.event_name, 'CUSTOM_EVENT_1');
  warnings.length = 0;
  assert.equal(toSpotifyEvent(payload({ event_name: 'Demo Requested' }), demo, ctx()), null);
  assert.deepEqual(warnings, ['"Demo Requested" not sent to Spotify: no Spotify event for it (name one in config.event_names, e.g. {"Demo Requested": "CUSTOM_EVENT_1"})']);
  assert.equal(toSpotifyEvent(payload({ event_name: 'Lead', event_details: undefined }), browserEvent({ event: 'Lead' }), ctx())!.event_name, 'LEAD', 'an event named as Spotify names one');
  const page = browserEvent({ type: 'page', event: undefined, name: 'Pricing' } as never);
  assert.equal(toSpotifyEvent(payload({ event_name: 'VIEW', event_details: undefined }), page, ctx({ event_names: { 'page:Pricing': 'CUSTOM_EVENT_2' } }))!.event_name, 'CUSTOM_EVENT_2');
  assert.throws(() => toSpotifyEvent(payload({ event_name: 'SEARCH' }), browserEvent({ event: 'Products Searched' }), ctx()), { name: 'PermanentError', message: /^Spotify's Conversions API has no event "SEARCH": it takes VIEW, PRODUCT/ });
  assert.throws(() => toSpotifyEvent(payload({ action_source: 'carrier pigeon' }), browserEvent(), ctx()), { name: 'PermanentError', message: 'Spotify takes action_source WEB, APP, OFFLINE; the blueprint mapped "carrier pigeon"' });
  assert.throws(() => toSpotifyEvent(payload({ user_data: { hashed_emails: 'nobody' } }), browserEvent(), ctx()), {
    name: 'PermanentError', message: 'Spotify needs at least one identifier of the person (user_data: IP address, device id, email or phone) and "Order Completed" has none it takes (left out: hashed_emails): send it from the browser or app (Signal adds the IP address), or with context.ip, traits.email or traits.phone',
  });
});

test('requests: the documented endpoint, bearer token, the conversion_events envelope, at most 100 events each, every event once', () => {
  const batch: MappedEvent[] = Array.from({ length: 201 }, (_, i) => ({ id: `e${i}`, event: {} as CanonicalEvent, payload: { event_name: 'VIEW', event_id: `e${i}` } }));
  const requests = requestsFor(batch, ctx({ connection_id: ` ${CONNECTION} ` }));
  assert.deepEqual(requests.map((r) => r.eventIds.length), [100, 100, 1]);
  const [first] = requests;
  assert.equal(first!.method, 'POST');
  assert.equal(first!.url, 'https://capi.spotify.com/capi-direct/events/');
  assert.deepEqual(first!.headers, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' });
  assert.deepEqual(Object.keys(first!.body as JsonObject), ['conversion_events']);
  const envelope = (first!.body as { conversion_events: { capi_connection_id: string; events: JsonObject[] } }).conversion_events;
  assert.equal(envelope.capi_connection_id, CONNECTION);
  assert.deepEqual(envelope.events[0], { event_name: 'VIEW', event_id: 'e0' });
  assert.deepEqual(requests.flatMap((r) => r.eventIds), batch.map((e) => e.id));
  const big = Array.from({ length: 30 }, (_, i) => ({ id: `b${i}`, event: {} as CanonicalEvent, payload: { event_id: `b${i}`, event_details: { content_name: 'x'.repeat(100_000) } } }));
  assert.ok(requestsFor(big, ctx()).every((r) => Buffer.byteLength(JSON.stringify(r.body)) <= 1_000_000), 'each request within 1 MB');
});

test('classify: 2xx delivered, a web page retried; 429 throttled; 401/403/404 named; a refused request halved, a refused event dead-lettered', () => {
  assert.deepEqual(classify(200, { message: 'SUCCESS' }), { status: 'delivered' });
  assert.deepEqual(classify(200, ''), { status: 'delivered' });
  assert.equal((classify(200, '<!DOCTYPE html><html>Sign in</html>') as { status: string }).status, 'retry');
  assert.deepEqual(classify(429, { message: 'Too many requests' }, 2, { 'retry-after': '3' }), { status: 'retry', reason: 'Spotify rate limit reached (HTTP 429: Too many requests)', retryAfterMs: 3000, throttled: true });
  assert.deepEqual(classify(503, 'upstream connect error'), { status: 'retry', reason: 'Spotify HTTP 503: upstream connect error' });
  assert.deepEqual(classify(401, { message: 'Invalid token', sp_trace_id: 'tr-1' }), { status: 'dead_letter', reason: 'Spotify refused the Conversions API token (HTTP 401, Invalid token (trace id tr-1)). Generate one in Spotify Ads Manager (Events → the Conversions API data source → Generate token), update config.access_token in a new revision, then replay the dead letters' });
  assert.match((classify(403, { error: { message: 'Forbidden' } }) as { reason: string }).reason, /^Spotify: the token may not send events to connection 2fd920ed-a111-43d4-bee2-74d078c479a5 \(HTTP 403, Forbidden\)/);
  assert.match((classify(404, '') as { reason: string }).reason, /^Spotify does not know connection 2fd920ed-a111-43d4-bee2-74d078c479a5 \(HTTP 404, \(no body\)\): check config.connection_id/);
  const refusal = { message: 'Invalid content_category', sp_trace_id: 'tr-2' };
  assert.deepEqual(classify(400, refusal), { status: 'split', reason: 'Spotify refused the request (HTTP 400, Invalid content_category (trace id tr-2)); sending it in halves to find the event' });
  assert.deepEqual(classify(400, refusal, 1), { status: 'dead_letter', reason: 'Spotify refused the event (HTTP 400, Invalid content_category (trace id tr-2))' });
  assert.equal((classify(422, { errors: [{ field: 'events[0].event_time', message: 'must be in the past' }] }) as { status: string }).status, 'split');
  assert.equal((classify(413, 'Payload Too Large') as { status: string }).status, 'split');
  assert.deepEqual(classify(400, '<html>Bad Request</html>'), { status: 'dead_letter', reason: 'Spotify HTTP 400: <html>Bad Request</html>' }, 'a proxy\'s 400: halving would change nothing');
  assert.equal(said(answer(400, { errors: ['a', { message: 'b', field: 'c' }, 7] })), 'a; b (c)');
  assert.equal(said(answer(400, { error: 'invalid_request', error_description: 'bad' })), 'invalid_request');
});

test('classify: Spotify\'s documented error shape (messages, error codes, trace id) is quoted, and a refusal in it without a trace id is still halved', () => {
  const documented = { sp_trace_id: '800c5a14-b8fd-4dc0-a4fa-38184111f67a', messages: ['Invalid event_name'], error_codes: [{ code: 'INVALID_EVENT', definition: 'Use one of the documented event names' }] };
  assert.equal(said(answer(400, documented)), 'Invalid event_name; Use one of the documented event names (INVALID_EVENT) (trace id 800c5a14-b8fd-4dc0-a4fa-38184111f67a)');
  assert.deepEqual(classify(400, { messages: ['Invalid event_name'] }), { status: 'split', reason: 'Spotify refused the request (HTTP 400, Invalid event_name); sending it in halves to find the event' });
  assert.deepEqual(classify(400, { errorCodes: [{ code: 'INVALID_EVENT', definition: 'Bad event' }] }, 1), { status: 'dead_letter', reason: 'Spotify refused the event (HTTP 400, Bad event (INVALID_EVENT))' }, 'live answers spell the key errorCodes too');
});

test('user_data: an all-zero advertising id (tracking limited) or a placeholder is no device id', () => {
  for (const id of ['00000000-0000-0000-0000-000000000000', '0000000000000000', 'undefined', ' null ']) {
    const { user, unusable } = spotifyUserData({ device_id: id, ip_address: '203.0.113.42' });
    assert.deepEqual([user, unusable], [{ ip_address: '203.0.113.42' }, ['device_id']], id);
  }
  assert.deepEqual(spotifyUserData({ device_id: '0a1b2c3d-0000-4000-8000-000000000000' }).user, { device_id: '0a1b2c3d-0000-4000-8000-000000000000' });
});

const yaml = readFileSync(new URL('../../blueprints/spotify_ads/default.yaml', import.meta.url), 'utf8');
const blueprint = compileBlueprint(yaml, { config: config() });
const mapThrough = (event: CanonicalEvent, extra: Record<string, JsonValue> = {}) => {
  const mapped = blueprint.mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toSpotifyEvent(mapped.vendorEvent as JsonObject, event, ctx(extra));
};

test('the blueprint: Segment\'s spec events as Spotify\'s, with value, currency and identifiers; identify as ALIAS; other events only as the config names them', () => {
  const order = mapThrough(browserEvent({
    userId: 'user-123',
    properties: { order_id: 'O-1', currency: 'eur', products: [{ product_id: 'SKU-100', name: 'Trail Shoe', price: 24.99, quantity: 3 }], google_product_category: 187 },
    context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks?x=1' }, cookies: { __spdt: 'pixel-device-1' }, traits: { email: 'Jane@Example.com', phone: '+44 7700 900123' }, consent: { advertising: true } },
  } as never));
  assert.deepEqual(order, {
    event_name: 'PURCHASE', event_id: 'm-1', event_time: AT, event_source_url: 'https://shop.example.com/thanks', action_source: 'WEB', opt_out_targeting: false,
    user_data: { hashed_emails: [sha256('jane@example.com')], hashed_phone_number: sha256('+447700900123'), ip_address: '203.0.113.42', device_id: 'pixel-device-1' },
    event_details: { amount: 74.97, currency: 'EUR', content_category: '187' },
  });
  const added = mapThrough(browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', name: 'Sock', price: 10, quantity: 2, currency: 'USD' }, context: { ip: '203.0.113.9', device: { advertisingId: 'IDFA-1', adTrackingEnabled: true }, app: { name: 'Shop' } } } as never));
  assert.deepEqual([added!.event_name, added!.action_source, added!.event_details, added!.user_data], ['ADD_TO_CART', 'APP', { amount: 20, currency: 'USD', content_name: 'Sock' }, { ip_address: '203.0.113.9', device_id: 'IDFA-1' }]);
  const limited = mapThrough(browserEvent({ event: 'Product Viewed', properties: { name: 'Sock' }, context: { ip: '203.0.113.9', device: { advertisingId: '00000000-0000-0000-0000-000000000000', adTrackingEnabled: false } } } as never));
  assert.deepEqual([limited!.event_name, limited!.opt_out_targeting, limited!.user_data], ['PRODUCT', true, { ip_address: '203.0.113.9' }], 'a device limiting ad tracking: no ad id, attribution only');
  const page = mapThrough(browserEvent({ type: 'page', event: undefined, name: 'Pricing' } as never));
  assert.deepEqual([page!.event_name, page!.event_details], ['VIEW', { content_name: 'Pricing' }]);
  const alias = mapThrough(browserEvent({ type: 'identify', event: undefined, traits: { email: 'jane@example.com' } } as never));
  assert.deepEqual([alias!.event_name, alias!.user_data], ['ALIAS', { hashed_emails: [sha256('jane@example.com')], ip_address: '203.0.113.42' }]);
  assert.equal(mapThrough(browserEvent({ type: 'identify', event: undefined, traits: { plan: 'pro' } } as never)), null, 'an identify without email or phone: nothing to alias');
  warnings.length = 0;
  assert.equal(mapThrough(browserEvent({ event: 'Products Searched', properties: { query: 'socks' } } as never)), null, 'Spotify has no search event');
  assert.deepEqual(warnings, ['"Products Searched" not sent to Spotify: no Spotify event for it (name one in config.event_names, e.g. {"Products Searched": "CUSTOM_EVENT_1"})']);
  const demo = mapThrough(browserEvent({ event: 'Demo Requested', properties: { value: 50, currency: 'USD' } } as never), { event_names: { 'Demo Requested': 'CUSTOM_EVENT_1' } });
  assert.deepEqual([demo!.event_name, demo!.event_details], ['CUSTOM_EVENT_1', { amount: 50, currency: 'USD' }]);
  // Every name the blueprint lists maps to its Spotify event (or is not sent).
  const handlers = (parse(yaml) as { events: Record<string, { names: string[]; event_name?: string }> }).events;
  for (const { names, event_name: eventName } of Object.values(handlers)) {
    for (const name of names) {
      const event = name === 'page' ? browserEvent({ type: 'page', event: undefined, name: 'Home' } as never)
        : ['identify', 'group', 'alias', 'screen'].includes(name) ? browserEvent({ type: name, event: undefined, traits: { email: 'jane@example.com' } } as never)
          : browserEvent({ event: name, properties: { revenue: 5, currency: 'USD' } } as never);
      assert.equal(mapThrough(event)?.event_name ?? null, eventName ?? null, name);
    }
  }
});
