import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import appLovin, { appLovinUserData, axonEventName, axonIdOf, axonIds, classifyAppLovin, eventData, requestsFor, said, sourceUrl, toAxonEvent, validateAppLovinConfig } from './index.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-12-01T12:00:00Z');
const AT = '2026-12-01T11:00:00.000Z';
const PIXEL = 'evk-unit-1234';
const KEY = 'capi-unit-key-0123456789';
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ pixel_id: PIXEL, api_key: KEY, ...extra });
const warnings: string[] = [];
const ctx = (extra: Record<string, JsonValue> = {}): PluginContext => ({ config: config(extra), variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (m) => void warnings.push(m) });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: AT, receivedAt: '2026-12-01T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
const ORDER_DATA = { currency: 'usd', transaction_id: 'O-1', items: [{ item_id: 'SKU-1', price: 24.99, quantity: 3 }] };
/** A mapped event; an override of undefined leaves that field out. */
const payload = (overrides: Record<string, JsonValue | undefined> = {}): JsonObject => Object.fromEntries(
  Object.entries({ name: 'purchase', dedupe_id: 'm-1', event_time: AT, event_source_url: 'https://shop.example.com/thanks', user_data: { client_id: 'df_abc', client_ip_address: '203.0.113.42' }, data: ORDER_DATA, ...overrides })
    .filter(([, value]) => value !== undefined),
) as JsonObject;
const request = (n: number): RequestDescriptor => ({
  method: 'POST', url: `https://b.applovin.com/v1/event?pixel_id=${PIXEL}`, eventIds: Array.from({ length: n }, (_, i) => `e${i}`),
  body: { events: Array.from({ length: n }, (_, i) => ({ name: 'purchase', dedupe_id: `dedupe-${i}` })) },
});
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const classify = (status: number, body: unknown, n = 2, headers: Record<string, string> = {}): Classification => classifyAppLovin(answer(status, body, headers), request(n));
/** The single outcome's status of a classification, or 'per event'. */
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'per event');

test('config: the schema takes the documented fields; a key pasted with Bearer or white space, the Event Key as key, an unknown event name are named', () => {
  const validate = createConfigAjv().compile(appLovin.config);
  assert.equal(validate(config({ event_source: 'app', event_names: { 'Demo Requested': 'generate_lead' }, default_currency: 'EUR', default_country_calling_code: '44' })), true, JSON.stringify(validate.errors));
  assert.equal(validate({ pixel_id: PIXEL }), false, 'the key is required');
  assert.equal(validate(config({ pixel_id: 'evk 1234' })), false, 'an Event Key has no white space');
  assert.equal(validate(config({ event_source: 'offline' })), false, 'web or app only');
  assert.deepEqual(validateAppLovinConfig(config()), []);
  assert.deepEqual(validateAppLovinConfig(config({ api_key: `Bearer ${KEY}` })).map((p) => p.field), ['api_key']);
  assert.deepEqual(validateAppLovinConfig(config({ api_key: PIXEL })), [{ field: 'api_key', message: 'is the Event Key again: the Conversion API key is a different key (the Keys section of the Axon dashboard, or your Axon representative)' }]);
  assert.deepEqual(validateAppLovinConfig(config({ event_names: { 'Demo Requested': 'Lead', Quiz: 'quiz_done' } })), [
    { field: 'event_names', message: 'gives "quiz_done" for "Quiz": AppLovin\'s Conversion API takes page_view, view_item, view_cart, add_to_cart, remove_from_cart, begin_checkout, add_payment_info, purchase, generate_lead, sign_up, login, search, subscribe, app_open' },
  ]);
  assert.equal(appLovin.config.properties.api_key?.secret, true);
});

test('event names: Axon\'s spelling from Segment\'s and other spellings, in any case', () => {
  const cases: Array<[string, string | undefined]> = [
    ['purchase', 'purchase'], ['Order Completed', 'purchase'], ['View Item', 'view_item'], ['AddToCart', 'add_to_cart'], ['Checkout Started', 'begin_checkout'],
    ['sign-up', 'sign_up'], ['Lead', 'generate_lead'], ['PAGE_VIEW', 'page_view'], ['Demo Requested', undefined], ['', undefined],
  ];
  for (const [written, expected] of cases) assert.equal(axonEventName(written), expected, written);
});

test('user_data: email and phone hashed (phone digits without +), ids, IP, agent, country and os in clear; a short user id and unknown keys left out and named', () => {
  const { user, unusable } = appLovinUserData({
    email: ' Jane@Example.com ', phone: '+1 (415) 555-0123', client_ip_address: ' 2001:db8::1 ', client_user_agent: 'Mozilla/5.0', client_id: 'df_abc', user_id: 'u-1',
    country_code: 'United States', zip: '94103', os: 'iOS', ifa: '00000000-0000-0000-0000-000000000000', idfv: '6D92078A-8246-4BA4-AE5B-76104861E7DC', first_name: 'Jane',
  });
  assert.deepEqual(user, {
    email: sha256('jane@example.com'), phone: sha256('14155550123'), client_ip_address: '2001:db8::1', client_user_agent: 'Mozilla/5.0', client_id: 'df_abc',
    country_code: 'US', zip: '94103', os: 'ios', idfv: '6D92078A-8246-4BA4-AE5B-76104861E7DC',
  });
  assert.deepEqual(unusable.sort(), ['first_name', 'ifa', 'user_id']);
  assert.deepEqual(appLovinUserData({ phone: '(415) 555-0123' }, { defaultCountryCode: '1' }).user, { phone: sha256('14155550123') });
  assert.deepEqual(appLovinUserData({ phone: '(415) 555-0123' }).unusable, ['phone'], 'no country code is guessed');
  assert.deepEqual(appLovinUserData({ email: sha256('jane@example.com').toUpperCase(), os: 'Mac OS X' }).user, { email: sha256('jane@example.com'), os: 'desktop_os' }, 'a digest is sent as it is');
  assert.deepEqual(appLovinUserData({ zip: '94103-1234' }).user, { zip: '94103' }, 'a US ZIP+4 as its first five digits');
  assert.deepEqual(appLovinUserData({ zip: 'SW1A 1AA' }).user, { zip: 'SW1A 1AA' }, 'another country\'s code as written');
});

test('click ids: the page URL\'s aleid and alart first, then Signal\'s cookies, then the Axon Pixel\'s; axwrt from the Pixel\'s cookie', () => {
  const at = (url: string, cookies: Record<string, string> = {}) => ({ context: { page: { url }, cookies } }) as unknown as CanonicalEvent;
  assert.deepEqual(axonIds(at('https://shop.example/?aleid=fresh-1&alart=art-1', { _dfaleid: 'old-1', _axwrt: 'w-1' }), {}), { aleid: 'fresh-1', alart: 'art-1', axwrt: 'w-1' });
  assert.deepEqual(axonIds(at('https://shop.example/', { _dfaleid: 'old-1', _axeid: 'pixel-1', _axart: 'pixel-art' }), {}), { aleid: 'old-1', alart: 'pixel-art' });
  assert.deepEqual(axonIds(at('https://shop.example/?aleid=undefined'), { aleid: 'mapped-1' }), { aleid: 'mapped-1' }, 'a placeholder is no click id');
  assert.deepEqual(axonIds(at('https://shop.example/', { axwrt: 'w-http' }), {}), { axwrt: 'w-http' }, 'the site\'s server-set axwrt when the Pixel\'s _axwrt is gone');
  assert.deepEqual(axonIds(at('https://shop.example/', { _axwrt: 'w-js', axwrt: 'w-http' }), {}), { axwrt: 'w-js' });
  assert.ok(appLovin.cookies?.includes('axwrt'), 'collect copies the axwrt cookie into context.cookies');
  for (const none of ['undefined', '{aleid}', 'aleid', 'a b', '']) assert.equal(axonIdOf(none), undefined, none);
});

test('event_source_url: the complete URL with its query, without the fragment or a parameter holding an email or phone', () => {
  assert.equal(sourceUrl('https://shop.example.com/p?aleid=a1&utm_source=axon&email=jane%40example.com#top'), 'https://shop.example.com/p?aleid=a1&utm_source=axon');
  assert.equal(sourceUrl('ftp://shop.example.com/'), undefined);
  assert.equal(sourceUrl('/relative'), undefined);
});

test('data: value from the items, currency upper-cased or the default; what Axon requires refused for that event alone, naming the fix', () => {
  assert.deepEqual(eventData('purchase', ORDER_DATA, undefined), { currency: 'USD', value: 74.97, transaction_id: 'O-1', items: [{ item_id: 'SKU-1', price: 24.99, quantity: 3 }] });
  assert.equal(eventData('page_view', { currency: 'USD' }, undefined), null, 'page_view data is null');
  assert.deepEqual(eventData('sign_up', undefined, undefined), {}, 'data is required: an empty object');
  assert.deepEqual(eventData('generate_lead', { value: '50' }, 'eur'), { currency: 'EUR', value: 50 });
  assert.deepEqual(eventData('view_item', { items: { item_id: 'SKU-2', item_name: 'Sock', item_category_id: '187', price: 3 } }, undefined), { items: [{ item_id: 'SKU-2', item_name: 'Sock', item_category_id: 187, price: 3, quantity: 1 }] });
  const left: string[] = [];
  assert.deepEqual(eventData('login', { value: 5 }, undefined, (m) => void left.push(m)), {});
  assert.deepEqual(left, ['data.value left out: no currency (map properties.currency, or set config.default_currency)']);
  assert.throws(() => eventData('purchase', { currency: 'usd', items: ORDER_DATA.items }, undefined), /^PermanentError: AppLovin requires data\.transaction_id for purchase .*map properties\.order_id/);
  assert.throws(() => eventData('purchase', { transaction_id: 'O-1', value: 5 }, 'USD'), /requires data\.items for purchase/);
  assert.throws(() => eventData('begin_checkout', { items: [{ item_id: 'A', price: 1 }] }, undefined), /requires data\.currency for begin_checkout/);
  assert.throws(() => eventData('generate_lead', { currency: 'USD' }, undefined), /requires data\.value for generate_lead/);
  assert.throws(() => eventData('add_to_cart', { items: [{ item_name: 'no id' }] }, undefined), /requires data\.items for add_to_cart/);
  assert.throws(() => eventData('purchase', { ...ORDER_DATA, currency: '$' }, undefined), /ISO 4217/);
});

test('toAxonEvent: the documented server event; the config\'s names first; an event Axon has no name for not sent; no identifier or page URL refused', () => {
  const event = browserEvent({ context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks?aleid=click-9' }, cookies: { _axwrt: 'w-9' } } });
  assert.deepEqual(toAxonEvent(payload({ event_source_url: 'https://shop.example.com/thanks?aleid=click-9', user_data: { email: 'Jane@Example.com', client_id: 'df_abc', client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' } }), event, ctx()), {
    name: 'purchase', event_time: Date.parse(AT), event_source_url: 'https://shop.example.com/thanks?aleid=click-9', dedupe_id: 'm-1',
    data: { currency: 'USD', value: 74.97, transaction_id: 'O-1', items: [{ item_id: 'SKU-1', price: 24.99, quantity: 3 }] },
    user_data: { email: sha256('jane@example.com'), client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', client_id: 'df_abc', aleid: 'click-9', axwrt: 'w-9', esi: 'web' },
  });
  const later = toAxonEvent(payload({ event_time: '2030-01-01T00:00:00Z' }), browserEvent(), ctx());
  assert.equal(later?.event_time, NOW, 'a time ahead is sent as now');
  const demo = browserEvent({ event: 'Demo Requested' });
  assert.equal(toAxonEvent(payload({ name: 'Demo Requested', data: undefined }), demo, ctx())?.name === undefined, true, 'the catch-all\'s own name is no Axon event');
  assert.match(warnings.at(-1) ?? '', /^"Demo Requested" not sent to AppLovin: no Axon event for it/);
  assert.deepEqual(toAxonEvent(payload({ name: 'Demo Requested', data: { value: 10, currency: 'USD' } }), demo, ctx({ event_names: { 'Demo Requested': 'generate_lead' } }))?.data, { currency: 'USD', value: 10 });
  const fromApp = toAxonEvent(payload(), browserEvent({ context: { app: { name: 'Shop' } } } as Partial<CanonicalEvent>), ctx());
  assert.equal((fromApp?.user_data as JsonObject).esi, 'app', 'an app\'s event: esi app');
  assert.throws(() => toAxonEvent(payload({ name: 'checkout_done' }), browserEvent(), ctx()), /AppLovin's Conversion API has no event "checkout_done"/);
  assert.throws(() => toAxonEvent(payload({ user_data: { client_ip_address: '203.0.113.42', user_id: 'ab' } }), browserEvent(), ctx()), /AppLovin needs at least one identifier of the person .* \(left out: user_id\)/);
  assert.throws(() => toAxonEvent(payload({ event_source_url: undefined }), browserEvent(), ctx()), /AppLovin requires event_source_url/);
});

test('requests: POST with pixel_id and the key as it is, { events }, at most 100 a request, every event once', () => {
  const batch: MappedEvent[] = Array.from({ length: 150 }, (_, i) => ({ id: `e${i}`, payload: { name: 'page_view', dedupe_id: `m-${i}` }, event: browserEvent() }) as MappedEvent);
  const requests = requestsFor(batch, ctx({ pixel_id: 'evk/12 34' }));
  assert.deepEqual(requests.map((r) => r.eventIds.length), [100, 50]);
  assert.equal(requests[0]!.url, 'https://b.applovin.com/v1/event?pixel_id=evk%2F12%2034');
  assert.deepEqual(requests[0]!.headers, { authorization: KEY, 'content-type': 'application/json' });
  assert.deepEqual((requests[1]!.body as { events: JsonObject[] }).events[0], { name: 'page_view', dedupe_id: 'm-100' });
});

test('classify: 200 delivered; 401 and 403 dead-lettered saying what to fix; 429 and 5xx retried; AppLovin\'s 400 split, or per event when it names events', () => {
  assert.deepEqual(classify(200, ''), { status: 'delivered' });
  assert.equal(statusOf(classify(200, '<html><body>portal</body></html>')), 'retry');
  const unauthorized = classify(401, '') as { status: string; reason: string };
  assert.equal(unauthorized.status, 'dead_letter');
  assert.match(unauthorized.reason, /^AppLovin refused the Conversion API key \(HTTP 401, \(no body\)\)\. Check config\.api_key/);
  assert.equal(statusOf(classify(403, '')), 'dead_letter');
  assert.deepEqual(classify(429, '', 2, { 'retry-after': '3' }), { status: 'retry', reason: 'AppLovin rate limit reached (HTTP 429: (no body))', retryAfterMs: 3000, throttled: true });
  assert.equal(statusOf(classify(503, 'upstream')), 'retry');
  assert.deepEqual(classify(400, '', 3, { 'x-al-error-message': 'invalid currency' }), { status: 'split', reason: 'AppLovin refused the batch (HTTP 400, invalid currency); sending it in halves to find the event' });
  assert.deepEqual(classify(400, '', 1, { 'x-al-error-code': '17' }), { status: 'dead_letter', reason: 'AppLovin refused the event (HTTP 400, error code 17)' });
  assert.deepEqual(classify(400, '', 3, { 'x-al-error-message': 'events[1]: items is required', 'x-al-error-code': 'INVALID_EVENT' }), { perEvent: {
    e0: { status: 'resend', reason: 'AppLovin refused the batch (HTTP 400) for another event of it: sent again without it' },
    e1: { status: 'dead_letter', reason: 'AppLovin refused the event (HTTP 400, events[1]: items is required (code INVALID_EVENT))' },
    e2: { status: 'resend', reason: 'AppLovin refused the batch (HTTP 400) for another event of it: sent again without it' },
  } });
  const byDedupe = classify(400, '', 3, { 'x-al-error-message': 'event dedupe-2 has an invalid event_time' }) as { perEvent: Record<string, { status: string }> };
  assert.deepEqual(Object.values(byDedupe.perEvent).map((o) => o.status), ['resend', 'resend', 'dead_letter']);
  assert.deepEqual(classify(400, '<html><body>400 Bad Request</body></html>', 3), { status: 'dead_letter', reason: 'AppLovin HTTP 400: <html><body>400 Bad Request</body></html>' }, 'a proxy\'s page: about the request, not halved');
});

test('classify: a 400 with bare text and no x-al headers is AppLovin\'s (it documents no error body), so the batch is halved, never dead-lettered whole', () => {
  assert.deepEqual(classify(400, 'Invalid event', 3), { status: 'split', reason: 'AppLovin refused the batch (HTTP 400, Invalid event); sending it in halves to find the event' });
  assert.deepEqual(classify(400, 'Invalid event', 1), { status: 'dead_letter', reason: 'AppLovin refused the event (HTTP 400, Invalid event)' });
  assert.deepEqual(classify(400, { error: 'bad gateway config' }, 3), { status: 'dead_letter', reason: 'AppLovin HTTP 400: bad gateway config' }, 'JSON without AppLovin\'s headers: another service\'s answer, about the request, not halved');
  assert.deepEqual(classify(400, 'events[2].data.currency is invalid', 3), { perEvent: {
    e0: { status: 'resend', reason: 'AppLovin refused the batch (HTTP 400) for another event of it: sent again without it' },
    e1: { status: 'resend', reason: 'AppLovin refused the batch (HTTP 400) for another event of it: sent again without it' },
    e2: { status: 'dead_letter', reason: 'AppLovin refused the event (HTTP 400, events[2].data.currency is invalid)' },
  } });
});

test('classify: words that may count from 1 (event 1, index 1) name no event: the batch is halved rather than a valid event dead-lettered', () => {
  assert.equal(statusOf(classify(400, '', 3, { 'x-al-error-message': 'event 1: missing currency' })), 'split');
  assert.equal(statusOf(classify(400, '', 3, { 'x-al-error-message': 'invalid value at index 1' })), 'split');
  assert.equal(statusOf(classify(400, '', 3, { 'x-al-error-message': 'events 1 and 2 are invalid' })), 'split');
  assert.equal(statusOf(classify(413, '', 4)), 'split');
  assert.equal(said(answer(400, { message: 'Bad event' })), 'Bad event');
});

const yaml = parse(readFileSync(new URL('../../blueprints/applovin/default.yaml', import.meta.url), 'utf8'));
const blueprint = compileBlueprint(yaml, { config: config() });
const mapThrough = (event: CanonicalEvent, extra: Record<string, JsonValue> = {}) => {
  const mapped = blueprint.mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toAxonEvent(mapped.vendorEvent as JsonObject, event, ctx(extra));
};

test('the blueprint: Segment\'s spec events as Axon\'s, with value, currency, order id, items and identifiers; other events only as the config names them', () => {
  const order = mapThrough(browserEvent({
    userId: 'user-123',
    properties: { order_id: 'O-1', currency: 'eur', tax: 2, products: [{ product_id: 'SKU-100', name: 'Trail Shoe', brand: 'Acme', price: 24.99, quantity: 3 }] },
    context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks?aleid=ck-1' }, cookies: { _axwrt: 'w-1' }, traits: { email: 'Jane@Example.com', phone: '+44 7700 900123' }, os: { name: 'Mac OS X' } },
  } as never));
  assert.deepEqual(order, {
    name: 'purchase', event_time: Date.parse(AT), event_source_url: 'https://shop.example.com/thanks?aleid=ck-1', dedupe_id: 'm-1',
    data: { currency: 'EUR', value: 74.97, transaction_id: 'O-1', items: [{ item_id: 'SKU-100', item_name: 'Trail Shoe', item_brand: 'Acme', price: 24.99, quantity: 3 }], tax: 2 },
    user_data: {
      email: sha256('jane@example.com'), phone: sha256('447700900123'), client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', client_id: 'df_abc', user_id: 'user-123', os: 'desktop_os',
      aleid: 'ck-1', axwrt: 'w-1', esi: 'web',
    },
  });
  const viewed = mapThrough(browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-7', name: 'Sock', price: 3, currency: 'USD' } } as never));
  assert.deepEqual([viewed?.name, viewed?.data], ['view_item', { currency: 'USD', value: 3, items: [{ item_id: 'SKU-7', item_name: 'Sock', price: 3, quantity: 1 }] }]);
  const page = mapThrough(browserEvent({ type: 'page', event: undefined, name: 'Home' } as never));
  assert.deepEqual([page?.name, page?.data], ['page_view', null]);
  const search = mapThrough(browserEvent({ event: 'Products Searched', properties: { query: 'socks' } } as never));
  assert.deepEqual([search?.name, search?.data], ['search', { search_term: 'socks' }]);
  assert.equal(mapThrough(browserEvent({ event: 'Demo Requested', properties: { value: 5, currency: 'USD' } } as never)), null);
  assert.deepEqual(mapThrough(browserEvent({ event: 'Demo Requested', properties: { value: 5, currency: 'USD' } } as never), { event_names: { 'Demo Requested': 'generate_lead' } })?.data, { currency: 'USD', value: 5 });
  assert.equal(blueprint.mapEvent(browserEvent({ type: 'identify', event: undefined } as never)).vendorEvent, null, 'identify calls are not sent');
});
