import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import piwikPro, { validatePiwikProConfig } from './index.ts';
import { classifyPiwikPro } from './classify.ts';
import { eventFieldsOf, piwikBaseOf } from './config.ts';
import { queryStringOf } from './requests.ts';
import { piwikProParams } from './tracking-params.ts';
import { piwikVisitorId } from './visitor-id.ts';

const APP = '892d04bd-6e2b-4914-bfb4-bac721b37235';
const NOW = Date.parse('2024-03-24T16:00:05Z');
const VISITOR = 'df_pp0visitor01';
const VISITOR_ID = createHash('sha256').update(VISITOR).digest('hex').slice(0, 16);
const BASE = { url: 'https://acme.piwik.pro', app_id: APP };
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { ...BASE, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (m) => warnings.push(m),
});
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Video Played', messageId: 'm-1', anonymousId: VISITOR, timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/watch', title: 'Watch', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const params = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []): JsonObject => {
  const payload = piwikProParams(event, ctx(config, warnings));
  assert.ok(payload, `mapped, warnings: ${warnings.join('; ')}`);
  return payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const mappedOf = (id: string, payload: JsonObject, event = browserEvent({ messageId: id })): MappedEvent => ({ id, event, payload });
const bulk = (ids: string[]): RequestDescriptor => piwikPro.send(ids.map((id) => mappedOf(id, { idsite: APP, rec: '1', e_c: 'All', e_a: id })), ctx())[0]!;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');

test('a page call: a page view with the title as action_name, URL, referrer, visitor ID, User ID, time, user agent, language, IP and send_image=0', () => {
  const page = params(browserEvent({ type: 'page', event: undefined, name: 'Pricing', userId: 'user-1', properties: { title: 'Pricing — Shop', url: 'https://shop.example.com/pricing', referrer: 'https://news.example.com/' } }));
  assert.deepEqual(page, {
    idsite: APP, rec: '1', _id: VISITOR_ID, uid: 'user-1', cdt: String(Date.parse('2024-03-24T16:00:00Z') / 1000),
    ua: 'Mozilla/5.0 (Test)', lang: 'en-GB', cip: '203.0.113.42', url: 'https://shop.example.com/pricing', urlref: 'https://news.example.com/', action_name: 'Pricing — Shop', send_image: '0',
  });
  const screen = params(browserEvent({ type: 'screen', event: undefined, name: 'Settings', context: { screen: { width: 390, height: 844 } } as CanonicalEvent['context'] }));
  assert.equal(screen.action_name, 'Settings');
  assert.equal(screen.res, '390x844');
});

test('the visitor ID: the first 16 hex digits of the anonymousId\'s SHA-256, the same every time; a 16-hex-digit id kept; the userId\'s without an anonymousId', () => {
  assert.equal(piwikVisitorId(VISITOR), VISITOR_ID);
  assert.match(VISITOR_ID, /^[0-9a-f]{16}$/);
  assert.equal(piwikVisitorId('257CC22DF0EC483A'), '257cc22df0ec483a');
  assert.equal(params(browserEvent({ anonymousId: undefined, userId: 'user-9' }))._id, piwikVisitorId('user-9'));
  assert.equal(params(browserEvent({ anonymousId: undefined, userId: undefined }))._id, undefined);
});

test('IP, User ID and anonymous tracking: cip and uid unless turned off; anonymous_tracking sends uia=1, the IP for Piwik PRO to mask, no uid and no lasting visitor ID', () => {
  assert.equal(params(browserEvent(), { send_ip: false }).cip, undefined);
  assert.equal(params(browserEvent({ userId: 'u-1' }), { send_user_id: false }).uid, undefined);
  const anonymous = params(browserEvent({ userId: 'u-1' }), { anonymous_tracking: true });
  // uia=1: "all IP bytes will be masked (0.0.0.0)" once the country is read; without cip Piwik PRO
  // would place every visitor where Signal runs. A visitor ID that never changes would let it
  // recognize a returning visitor, which its anonymous tracking does not.
  assert.deepEqual([anonymous.uia, anonymous.cip, anonymous.uid, anonymous._id], ['1', '203.0.113.42', undefined, undefined]);
  assert.equal(params(browserEvent({ userId: 'u-1', anonymousId: undefined }), { anonymous_tracking: true })._id, undefined);
  assert.equal(params(browserEvent({ userId: 'u-1' }), { anonymous_tracking: true, send_ip: false }).cip, undefined);
  assert.equal(params(browserEvent()).uia, undefined);
});

test('url and urlref only as Piwik PRO takes them ("URL/URI has to have authority or mailto scheme"): a path or an app screen name left out, warned', () => {
  const warnings: string[] = [];
  const page = params(browserEvent({ type: 'page', event: undefined, name: 'Home', properties: { url: '/pricing', referrer: 'android-app:Home' }, context: { page: { url: 'https://shop.example.com/pricing', referrer: 'news' } } }), {}, warnings);
  assert.equal(page.url, 'https://shop.example.com/pricing', 'context.page.url kept when properties.url is a path');
  assert.equal(page.urlref, undefined);
  assert.ok(warnings.some((w) => /^properties\.url left out of url: Piwik PRO takes an absolute URL with a host \(or mailto:\), not "\/pricing"/.test(w)), warnings.join('; '));
  assert.ok(warnings.some((w) => w.startsWith('context.page.referrer left out of urlref')), warnings.join('; '));
  assert.ok(warnings.some((w) => w.startsWith('properties.referrer left out of urlref')), warnings.join('; '));
  assert.equal(params(browserEvent({ context: { page: { url: 'mailto:sales@example.com' } } })).url, 'mailto:sales@example.com');
  assert.equal(params(browserEvent({ context: { page: { url: 'app://acme/screens/home' } } })).url, 'app://acme/screens/home');
});

test('custom event texts within the reference\'s 16,384 characters (cut, warned); a search count above 4,294,967,295 left out', () => {
  const warnings: string[] = [];
  const long = params(browserEvent({ properties: { category: 'c'.repeat(20_000), label: 'n'.repeat(16_384) } }), {}, warnings);
  assert.equal(long.e_c!.toString().length, 16_384);
  assert.equal(long.e_n!.toString().length, 16_384);
  assert.deepEqual(warnings, ['properties.category cut to 16,384 characters: Piwik PRO\'s e_c takes no more']);
  const search = params(browserEvent({ event: 'Products Searched', properties: { query: 'tee', count: 5_000_000_000 } }));
  assert.equal(search.search_count, undefined);
});

test('an event whose tracking request a bulk cannot carry is refused alone when mapped, naming the limit and its largest values; send refuses it too', () => {
  const huge = browserEvent({ type: 'page', event: undefined, name: 'Big', properties: { title: 'x'.repeat(1_000_000) } });
  assert.throws(() => piwikProParams(huge, ctx()), (error: unknown) => error instanceof PermanentError
    && /tracking request is [\d,]+ bytes, more than the 999,985 a request may take in a bulk; its largest values: action_name \(1,000,000 characters\)/.test(error.message));
  const oversized = mappedOf('big', { idsite: APP, rec: '1', action_name: 'y'.repeat(1_000_000) });
  assert.throws(() => piwikPro.send([mappedOf('ok', { idsite: APP, rec: '1', e_a: 'ok' }), oversized], ctx()), (error: unknown) => error instanceof PermanentError && /999,985 a request may take in a bulk/.test(error.message));
  // Just within the limit: one bulk of it alone.
  const fits = mappedOf('fits', { idsite: APP, rec: '1', action_name: 'z'.repeat(999_900) });
  assert.deepEqual(piwikPro.send([fits, mappedOf('next', { idsite: APP, rec: '1', e_a: 'n' })], ctx()).map((r) => r.eventIds), [['fits'], ['next']]);
});

test('the event\'s time as cdt (UNIX seconds), never in the future, the same on every try; an old event still sent (the API takes no token)', () => {
  assert.equal(params(browserEvent({ timestamp: '2030-01-01T00:00:00.000Z' })).cdt, String(Math.floor(NOW / 1000)));
  assert.equal(params(browserEvent({ timestamp: '2024-03-20T16:00:00.000Z' })).cdt, String(Date.parse('2024-03-20T16:00:00Z') / 1000));
});

test('a track event: a custom event — e_c from properties.category (else All), e_a the name, e_n from properties.label, e_v a number; paths from config.event_fields', () => {
  const event = params(browserEvent({ properties: { category: 'Videos', label: 'Intro', value: '3.5' } }));
  assert.deepEqual([event.e_c, event.e_a, event.e_n, event.e_v], ['Videos', 'Video Played', 'Intro', '3.5']);
  assert.equal(params(browserEvent()).e_c, 'All');
  const warnings: string[] = [];
  const odd = params(browserEvent({ properties: { value: 'lots' } }), {}, warnings);
  assert.equal(odd.e_v, undefined);
  assert.match(warnings.join(), /properties\.value left out: Piwik PRO's custom event value \(e_v\) is a number/);
  const negative: string[] = [];
  assert.equal(params(browserEvent({ properties: { value: -2 } }), {}, negative).e_v, undefined);
  assert.match(negative.join(), /from 0 to 100,000,000,000/);
  const configured = params(browserEvent({ properties: { section: 'Media', title: 'Intro film', seconds: 42, kind: 'play' } }), {
    event_fields: { category: 'properties.section', action: 'properties.kind', name: 'properties.title', value: 'properties.seconds', default_category: 'Other' },
  });
  assert.deepEqual([configured.e_c, configured.e_a, configured.e_n, configured.e_v], ['Media', 'play', 'Intro film', '42']);
  assert.deepEqual(eventFieldsOf({ event_fields: { name: ' properties.title ' } }), { category: 'properties.category', default_category: 'All', action: 'event', name: 'properties.title', value: 'properties.value' });
  const missing: string[] = [];
  assert.equal(piwikProParams(browserEvent({ properties: {} }), ctx({ event_fields: { action: 'properties.kind' } }, missing)), null);
  assert.match(missing.join(), /not sent: properties\.kind is empty, and it is the custom event's action \(e_a\)/);
});

test('Order Completed: e_t=order with ec_id, revenue (the grand total), ec_st/ec_tx/ec_sh/ec_dt and ec_products [sku, name, category, price, quantity, brand, variant]', () => {
  const order = params(browserEvent({ event: 'Order Completed', properties: {
    order_id: 'ORD-9', total: 54, subtotal: 50, tax: 4, shipping: '2.5', discount: 2.5,
    products: [{ sku: 'SKU-1', name: 'Tee', category: 'Apparel', price: 25, quantity: 2, brand: 'Acme', variant: 'red' }, { product_id: 'P-2', price: 0 }, { name: 'no sku' }],
  } }));
  assert.deepEqual(
    [order.e_t, order.ec_id, order.revenue, order.ec_st, order.ec_tx, order.ec_sh, order.ec_dt, order.ec_products],
    ['order', 'ORD-9', '54', '50', '4', '2.5', '2.5', '[["SKU-1","Tee","Apparel",25,2,"Acme","red"],["P-2",null,null,0]]'],
  );
  assert.equal(order.e_c, undefined);
  assert.equal(order.idgoal, undefined);
  const warnings: string[] = [];
  const bare = params(browserEvent({ event: 'Order Completed', messageId: 'm-77', properties: { products: [{ sku: 'S', price: 24.99, quantity: 3 }] } }), {}, warnings);
  assert.deepEqual([bare.ec_id, bare.revenue], ['m-77', '74.97']);
  assert.match(warnings.join(), /order_id is missing/);
  assert.throws(() => piwikProParams(browserEvent({ event: 'Order Completed', properties: { order_id: 'o' } }), ctx()), /requires an order's grand total \(revenue\)/);
  assert.throws(() => piwikProParams(browserEvent({ event: 'Order Completed', properties: { order_id: 'o', total: '$5' } }), ctx()), { name: 'PermanentError', message: /Piwik PRO takes properties\.total as a number/ });
});

test('cart updates, product detail views, add-to-cart and remove-from-cart: e_t with ec_products; a product without a SKU not sent, warned', () => {
  const cart = params(browserEvent({ event: 'Cart Viewed', properties: { products: [{ sku: 'A', price: 5, quantity: 2 }, { sku: 'B', price: 1, categories: ['x', 'y'] }] } }));
  assert.deepEqual([cart.e_t, cart.revenue, cart.ec_products], ['cart-update', '11', '[["A",null,null,5,2],["B",null,["x","y"],1]]']);
  const view = params(browserEvent({ event: 'Product Viewed', properties: { product_id: 'P-1', name: 'Lamp', category: 'Lamps', price: 13.25 } }));
  assert.deepEqual([view.e_t, view.ec_products], ['product-detail-view', '[["P-1","Lamp","Lamps",13.25]]']);
  assert.equal(params(browserEvent({ event: 'Product Added', properties: { sku: 'S', quantity: 1 } })).e_t, 'add-to-cart');
  assert.equal(params(browserEvent({ event: 'Product Removed', properties: { sku: 'S' } })).e_t, 'remove-from-cart');
  const warnings: string[] = [];
  assert.equal(piwikProParams(browserEvent({ event: 'Product Added', properties: { name: 'nameless' } }), ctx({}, warnings)), null);
  assert.match(warnings.join(), /not sent: Product Added names no product SKU/);
  const many = params(browserEvent({ event: 'Cart Viewed', properties: { products: Array.from({ length: 105 }, (_, i) => ({ sku: `S${i}`, price: 1 })) } }), {}, warnings);
  assert.equal((JSON.parse(String(many.ec_products)) as unknown[]).length, 100);
  assert.match(warnings.join(), /at most 100 a cart/);
  // Lists configured: an emptied list sends those as custom events.
  assert.equal(params(browserEvent({ event: 'Product Viewed', properties: { sku: 'S' } }), { product_view_events: [] }).e_a, 'Product Viewed');
});

test('Products Searched: a site search (search, search_cats, search_count); without a query a custom event, warned', () => {
  const search = params(browserEvent({ event: 'Products Searched', properties: { query: 'blue shoes', category: 'Shoes', count: 12 } }));
  assert.deepEqual([search.search, search.search_cats, search.search_count, search.e_a], ['blue shoes', '["Shoes"]', '12', undefined]);
  const warnings: string[] = [];
  assert.equal(params(browserEvent({ event: 'Products Searched', properties: {} }), {}, warnings).e_a, 'Products Searched');
  assert.match(warnings.join(), /properties\.query is missing/);
});

test('custom dimensions: dimension<ID> from event paths, in ID order; identify, group and alias not sent, warned', () => {
  const event = params(browserEvent({ properties: { plan: 'pro' }, context: { campaign: { name: 'spring' } } as CanonicalEvent['context'] }), { custom_dimensions: { '3': 'properties.plan', '1': 'context.campaign.name', '2': 'properties.none' } });
  assert.deepEqual([event.dimension1, event.dimension2, event.dimension3], ['spring', undefined, 'pro']);
  for (const type of ['identify', 'group', 'alias'] as const) {
    const warnings: string[] = [];
    assert.equal(piwikProParams(browserEvent({ type, userId: 'u-1' }), ctx({}, warnings)), null);
    assert.match(warnings.join(), /^not sent: Piwik PRO has no/);
  }
});

test('the bulk: POST {url}/ppms.php with {"requests": […]} only (no token: the API takes none), oldest first, URL-encoded, at most 100 a bulk', () => {
  assert.equal(queryStringOf({ idsite: APP, action_name: '#1 Coffee & Cookies' }), `?idsite=${APP}&action_name=%231%20Coffee%20%26%20Cookies`);
  const events = [
    mappedOf('late', { idsite: APP, rec: '1', cdt: '200', e_a: 'late' }),
    mappedOf('early', { idsite: APP, rec: '1', cdt: '100', e_a: 'early' }),
  ];
  const [request] = piwikPro.send(events, ctx({ url: 'https://acme.piwik.pro/ppms.php' }));
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, 'https://acme.piwik.pro/ppms.php');
  assert.deepEqual(request!.body, { requests: [`?idsite=${APP}&rec=1&cdt=100&e_a=early`, `?idsite=${APP}&rec=1&cdt=200&e_a=late`] });
  assert.deepEqual(request!.eventIds, ['early', 'late']);
  const many = piwikPro.send(Array.from({ length: 150 }, (_, i) => mappedOf(`m${i}`, { idsite: APP, rec: '1', e_a: `e${i}` })), ctx());
  assert.deepEqual(many.map((r) => r.eventIds.length), [100, 50]);
  assert.equal(piwikBaseOf({ url: 'https://analytics.example.com/piwik/piwik.php/' }), 'https://analytics.example.com/piwik');
});

test('outcomes: 202 and other 2xx delivered; a web page dead-lettered naming config.url; 400 dead-lettered with Piwik PRO\'s words; 429/5xx retried; 401/403/404 dead-lettered; 413 split', () => {
  const request = bulk(['a', 'b']);
  assert.deepEqual(classifyPiwikPro(answer(202, ''), request), { status: 'delivered' });
  assert.deepEqual(classifyPiwikPro(answer(204, ''), request), { status: 'delivered' });
  const page = classifyPiwikPro(answer(200, '<!DOCTYPE html><html><body>Log in</body></html>'), request);
  assert.equal('status' in page && page.status, 'dead_letter');
  assert.match(reasonOf(page), /check config\.url/);
  const bad = classifyPiwikPro(answer(400, { message: 'idsite: invalid UUID' }), request);
  assert.equal('status' in bad && bad.status, 'dead_letter');
  assert.match(reasonOf(bad), /HTTP 400 Bad Request: idsite: invalid UUID\): check config\.app_id/);
  const throttled = classifyPiwikPro(answer(429, '', { 'retry-after': '7' }), request);
  assert.deepEqual(throttled, { status: 'retry', reason: 'Piwik PRO rate limit reached (HTTP 429: (no body))', retryAfterMs: 7000, throttled: true });
  assert.equal((classifyPiwikPro(answer(503, 'down'), request) as { status: string }).status, 'retry');
  assert.match(reasonOf(classifyPiwikPro(answer(403, 'Forbidden'), request)), /takes no authentication/);
  assert.match(reasonOf(classifyPiwikPro(answer(404, 'Not Found'), request)), /no Piwik PRO tracker at https:\/\/acme\.piwik\.pro\/ppms\.php/);
  assert.equal((classifyPiwikPro(answer(413, ''), request) as { status: string }).status, 'split');
  assert.equal((classifyPiwikPro(answer(413, ''), bulk(['a'])) as { status: string }).status, 'dead_letter');
});

test('config checks name their field: address, app ID (a UUID, not a Matomo number), event fields, dimensions, lists, switches', () => {
  assert.deepEqual(validatePiwikProConfig(BASE), []);
  const fields = (config: Record<string, JsonValue>): string[] => validatePiwikProConfig({ ...BASE, ...config }).map((p) => p.field);
  assert.deepEqual(fields({ app_id: '3' }), ['app_id']);
  assert.match(validatePiwikProConfig({ ...BASE, app_id: '3' })[0]!.message, /UUIDs \(a number is a Matomo website ID\)/);
  assert.deepEqual(fields({ app_id: 'acme.piwik.pro' }), ['app_id']);
  assert.deepEqual(fields({ url: 'ftp://acme.piwik.pro' }), ['url']);
  assert.deepEqual(fields({ url: 'https://acme.containers.piwik.pro' }), ['url']);
  assert.deepEqual(fields({ url: 'https://acme.piwik.pro/ppms.js' }), ['url']);
  assert.deepEqual(fields({ url: 'https://u:p@acme.piwik.pro' }), ['url']);
  assert.deepEqual(fields({ url: 'http://10.0.3.7' }), ['url']);
  assert.deepEqual(fields({ url: 'http://10.0.3.7', allow_private_targets: ['10.0.3.7'] }), []);
  assert.deepEqual(fields({ event_fields: { category: 'properties..x', colour: 'properties.c' } }), ['event_fields.category', 'event_fields.colour']);
  assert.deepEqual(fields({ custom_dimensions: { abc: 'properties.plan', '2': '' } }), ['custom_dimensions.2', 'custom_dimensions']);
  assert.deepEqual(fields({ order_events: 'Order Completed' }), ['order_events']);
  assert.deepEqual(fields({ cart_events: ['Order Completed'] }), ['cart_events']);
  assert.deepEqual(fields({ send_ip: 'yes' }), ['send_ip']);
});
