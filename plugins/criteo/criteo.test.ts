import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, PermanentError, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import criteo, { API_VERSION, EVENTS_URL } from './index.ts';
import { classifyCriteo } from './classify.ts';
import { criteoConfigWarnings, siteTypeSetting, validateCriteoConfig } from './config.ts';
import { INTEGRATION_VERSION, itemsOf, toCriteoBody } from './criteo-event.ts';
import { emailHashes } from './email-hashes.ts';
import { siteTypeOf } from './site-type.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const PARTNER = '12345';
const CALLER = '678';
const GUM = 'Z3VtLWlkLWZvci10ZXN0';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const IPAD = 'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/604.1';
const MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const JANE = 'jane.doe@example.com';
const JANE_HASHES = { md5: md5(JANE), sha256: sha256(JANE), sha256_md5: sha256(md5(JANE)) };

const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ partner_id: PARTNER, caller_id: CALLER, ...extra });
const ctx = (cfg: Record<string, JsonValue> = config(), variant = 'default'): PluginContext => ({ config: cfg, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const answer = (status: number, body: unknown = '', headers: Record<string, string> = {}): VendorResponse => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const REQUEST: RequestDescriptor = { method: 'POST', url: EVENTS_URL, query: [['version', API_VERSION]], headers: { 'content-type': 'application/json' }, body: { account: PARTNER }, eventIds: ['m-1'] };
const whole = (result: ClassifyResult) => {
  assert.ok(!('perEvent' in result) && !('next' in result), JSON.stringify(result));
  return result as { status: string; reason?: string; retryAfterMs?: number; throttled?: boolean };
};

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: IPHONE, page: { url: 'https://shop.example.com/thanks', referrer: 'https://shop.example.com/checkout' }, cookies: { crto_mapped_user_id: GUM } },
  ...overrides,
} as CanonicalEvent);

test('config: a partner id, a caller id and a site type; ids told in words when wrong, naming the field', () => {
  const validate = createConfigAjv().compile(criteo.config);
  assert.equal(validate(config()), true);
  assert.equal(validate({ partner_id: PARTNER }), true, 'the caller id is optional');
  assert.equal(validate(config({ site_type: 't' })), true);
  assert.equal(validate({ caller_id: CALLER }), false, 'a partner id is required');
  assert.equal(validate(config({ site_type: 'x' })), false);
  assert.equal(Object.values(criteo.config.properties).some((field) => field.secret === true), false, 'no secret: the endpoint takes no credential');
  assert.deepEqual(validateCriteoConfig(config()), []);
  assert.deepEqual(validateCriteoConfig({ partner_id: ' 12345 ' }), [], 'trimmed');
  assert.deepEqual(validateCriteoConfig(config({ partner_id: ' ' })), [{ field: 'partner_id', message: 'is blank: give a partner id, digits only, as Criteo gave it' }]);
  const pasted = validateCriteoConfig(config({ partner_id: 'https://static.criteo.net/js/ld/ld.js?a=12345' }));
  assert.deepEqual(pasted.map((p) => p.field), ['partner_id']);
  assert.match(pasted[0]!.message, /^is "https:\/\/static.criteo.net.*": a partner id is digits only \(e.g. 12345\), as Criteo gives it; give the id alone/);
  assert.deepEqual(validateCriteoConfig(config({ caller_id: 'abc' })).map((p) => p.field), ['caller_id']);
  assert.match(validateCriteoConfig(config({ caller_id: 12 })).at(0)!.message, /^is 12: give a caller id as text of digits/);
  assert.deepEqual(criteo.configWarnings?.(config(), Date.now()), [], 'a caller id: nothing to warn about');
  const warned = criteoConfigWarnings({ partner_id: PARTNER });
  assert.deepEqual(warned.map((p) => p.field), ['caller_id']);
  assert.match(warned[0]!.message, /^is not set: the visitor's crto_mapped_user_id \(Criteo's GUM id\) goes without its mapping_key/);
  assert.equal(siteTypeSetting(config()), 'auto');
  assert.equal(siteTypeSetting(config({ site_type: 'm' })), 'm');
});

test('the request: POST /m/event?version=s2s_v0, JSON, one event, no credential; every event once, by its MappedEvent id', () => {
  const batch: MappedEvent[] = ['m-1', 'm-1#2', 'm-2'].map((id) => ({ id, event: browserEvent(), payload: { version: INTEGRATION_VERSION, account: PARTNER, events: [{ event: 'viewHome' }] } }));
  const requests = criteo.send(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['m-1'], ['m-1#2'], ['m-2']]);
  assert.deepEqual(requests[0], {
    method: 'POST', url: 'https://widget.criteo.com/m/event', query: [['version', 's2s_v0']], headers: { 'content-type': 'application/json' },
    body: { version: INTEGRATION_VERSION, account: PARTNER, events: [{ event: 'viewHome' }] }, eventIds: ['m-1'],
  });
  assert.deepEqual(criteo.batch, { maxEvents: 1, maxBytes: 100_000 });
});

test('site type: the config\'s, else the user agent read as Criteo\'s OneTag snippet reads it', () => {
  assert.equal(siteTypeOf('auto', IPHONE), 'm');
  assert.equal(siteTypeOf('auto', IPAD), 't');
  assert.equal(siteTypeOf('auto', MAC), 'd');
  assert.equal(siteTypeOf('auto', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Mobile Safari/537.36'), 'm');
  assert.equal(siteTypeOf('auto', undefined), 'd', 'no user agent: desktop');
  assert.equal(siteTypeOf('d', IPHONE), 'd', 'one version of the site for every device');
  assert.equal(siteTypeOf('t', MAC), 't');
});

test('email: md5, sha256 and sha256_md5 of the trimmed, lower-cased address; digests passed on; anything else not sent', () => {
  assert.deepEqual(emailHashes('  Jane.Doe@Example.COM '), JANE_HASHES);
  assert.deepEqual(emailHashes([JANE]), JANE_HASHES, 'a one-element list');
  assert.deepEqual(emailHashes(sha256(JANE).toUpperCase()), { sha256: sha256(JANE) }, 'a SHA-256 digest is not hashed again');
  assert.deepEqual(emailHashes(md5(JANE)), { md5: md5(JANE), sha256_md5: sha256(md5(JANE)) }, 'an MD5 digest: its sha256_md5 derived');
  for (const wrong of ['+16169547888', 'Jane Doe', 'a@x.com, b@x.com', '', null, 42, [JANE, 'b@x.com']]) assert.equal(emailHashes(wrong as JsonValue), undefined, JSON.stringify(wrong));
});

test('items: product ids as text, prices as numbers, quantities whole; entries without an id left out; a price that is no number refused', () => {
  assert.deepEqual(itemsOf([{ id: 123, price: '24.99', quantity: 3 }, { id: 'undefined', price: 1 }, { price: 2 }, 'SKU-9', { id: 'SKU-8', quantity: 0 }]), [
    { id: '123', price: 24.99, quantity: 3 }, { id: 'SKU-9' }, { id: 'SKU-8' },
  ]);
  assert.deepEqual(itemsOf({ id: 'SKU-1', price: 0.1 + 0.2 }), [{ id: 'SKU-1', price: 0.3 }], 'one product mapped as an object; float noise rounded');
  assert.throws(() => itemsOf([{ id: 'SKU-1', price: '12,50' }]), (error: unknown) => error instanceof PermanentError && /Criteo takes item\[0\]\.price as a number; the blueprint mapped "12,50"/.test(error.message));
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/criteo/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent, cfg: Record<string, JsonValue> = config()) => {
  const mapped = blueprint(variant).mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${variant} ${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toCriteoBody(mapped.vendorEvent as JsonObject, event, ctx(cfg, variant));
};
const eventOf = (body: JsonObject | null) => (body!.events as JsonObject[])[0]!;

test('the documented sale: trackTransaction with the transaction id, products, currency; the visitor\'s GUM id, hashed email, IP, user agent, pages', () => {
  const body = mapThrough('retail', browserEvent({
    properties: { order_id: 'ORD-1', revenue: 64.98, currency: 'eur', products: [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 29.99, quantity: 2 }, { sku: 'SKU-2', price: '5' }] },
    context: { ip: '203.0.113.42', userAgent: IPHONE, page: { url: 'https://shop.example.com/thanks', referrer: 'https://shop.example.com/checkout' }, cookies: { crto_mapped_user_id: GUM }, traits: { email: ' Jane.Doe@Example.com ', phone: '+16169547888' } },
  }));
  assert.deepEqual(body, {
    version: INTEGRATION_VERSION, account: PARTNER, site_type: 'm',
    id: { mapping_key: CALLER, mapped_user_id: GUM, email: JANE_HASHES },
    ip: '203.0.113.42', useragent: IPHONE, full_url: 'https://shop.example.com/thanks', previous_url: 'https://shop.example.com/checkout', retailer_visitor_id: 'df_visitor1',
    events: [{ event: 'trackTransaction', timestamp: '2026-12-01T11:00:00.000Z', id: 'ORD-1', item: [{ id: 'SKU-1', price: 29.99, quantity: 2 }, { id: 'SKU-2', price: 5, quantity: 1 }], currency: 'EUR' }],
  });
  const text = JSON.stringify(body);
  for (const clear of ['jane', 'Jane', '9547888', 'Trail Shoe', '64.98']) assert.equal(text.includes(clear), false, `${clear} not sent`);
});

test('blueprints: Segment\'s ecommerce spec as Criteo\'s standard events; pages as viewHome or viewPage; other events not sent', () => {
  const products: JsonObject[] = [{ product_id: 'SKU-1', price: 10, quantity: 2 }, { product_id: 'SKU-2', price: 5 }];
  for (const variant of ['default', 'retail']) {
    assert.deepEqual(eventOf(mapThrough(variant, browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-1', price: 10, name: 'Shoe' } }))), { event: 'viewItem', timestamp: '2026-12-01T11:00:00.000Z', item: [{ id: 'SKU-1' }] }, `${variant}: viewItem`);
    assert.deepEqual(eventOf(mapThrough(variant, browserEvent({ event: 'Product List Viewed', properties: { list_id: 'shoes', products } }))).item, [{ id: 'SKU-1' }, { id: 'SKU-2' }], `${variant}: viewList ids`);
    assert.equal(eventOf(mapThrough(variant, browserEvent({ event: 'Product List Viewed', properties: { products } }))).event, 'viewList');
    assert.equal(mapThrough(variant, browserEvent({ event: 'Products Searched', properties: { query: 'shoes' } })), null, `${variant}: a search without products is not sent`);
    assert.deepEqual(eventOf(mapThrough(variant, browserEvent({ event: 'Cart Viewed', properties: { cart_id: 'c1', products, currency: 'usd' } }))), {
      event: 'viewBasket', timestamp: '2026-12-01T11:00:00.000Z', item: [{ id: 'SKU-1', price: 10, quantity: 2 }, { id: 'SKU-2', price: 5, quantity: 1 }], currency: 'USD',
    }, `${variant}: viewBasket`);
    const home = mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Home', properties: { path: '/' }, context: { userAgent: MAC, page: { url: 'https://shop.example.com/', path: '/' } } } as never))!;
    assert.deepEqual([home.site_type, eventOf(home).event, home.full_url], ['d', 'viewHome', 'https://shop.example.com/'], `${variant}: the home page`);
    for (const call of ['identify', 'group', 'alias', 'screen']) assert.equal(mapThrough(variant, browserEvent({ type: call, event: undefined, traits: { email: JANE } } as never)), null, `${variant}: no ${call} at Criteo`);
    assert.equal(mapThrough(variant, browserEvent({ event: 'Newsletter Opened' })), null, `${variant}: only Criteo's standard events are mapped`);
    assert.equal(blueprint(variant).mapEvent(browserEvent({ properties: { order_id: 'O', currency: '€€', products } })).errors.length, 1, `${variant}: an unreadable currency is an error naming it`);
  }
  const page = mapThrough('default', browserEvent({ type: 'page', event: undefined, name: 'Shoes', context: { page: { url: 'https://shop.example.com/shoes', path: '/shoes' } } } as never))!;
  assert.deepEqual(eventOf(page), { event: 'viewPage', timestamp: '2026-12-01T11:00:00.000Z' });
  assert.equal(mapThrough('retail', browserEvent({ type: 'page', event: undefined, name: 'Shoes', context: { page: { path: '/shoes' } } } as never)), null, 'retail: the home page only');
  for (const variant of ['default', 'retail']) {
    assert.equal(eventOf(mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Home', context: { page: { url: 'https://shop.example.com/?utm_source=x', path: '/index.html' } } } as never))).event, 'viewHome', `${variant}: a page named Home`);
  }
  const added = eventOf(mapThrough('default', browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', price: '24.99', quantity: 3, currency: 'GBP' } })));
  assert.deepEqual(added, { event: 'addToCart', timestamp: '2026-12-01T11:00:00.000Z', item: [{ id: 'SKU-1', price: 24.99, quantity: 3 }], currency: 'GBP' });
  const names: Array<[string, string]> = [['Checkout Started', 'beginCheckout'], ['begin_checkout', 'beginCheckout'], ['Payment Info Entered', 'addPaymentInfo'], ['Signed In', 'login'], ['view_item', 'viewItem'], ['purchase', 'trackTransaction']];
  for (const [event, name] of names) assert.equal(eventOf(mapThrough('default', browserEvent({ event, properties: { order_id: 'O-1', product_id: 'SKU-1', products } })))!.event, name, event);
  for (const event of ['Product Added', 'Checkout Started', 'Payment Info Entered', 'Signed In']) assert.equal(mapThrough('retail', browserEvent({ event, properties: { product_id: 'SKU-1', products } })), null, `retail: ${event} not in the funnel`);
});

test('the events Criteo cannot use are dead-lettered alone, saying why', () => {
  const refused = (event: CanonicalEvent, pattern: RegExp) => assert.throws(() => mapThrough('default', event), (error: unknown) => error instanceof PermanentError && pattern.test(error.message), String(pattern));
  refused(browserEvent({ properties: { products: [{ product_id: 'SKU-1' }] } }), /^Criteo's trackTransaction needs the transaction id \(events\[0\]\.id, from properties\.order_id\): the blueprint mapped nothing$/);
  refused(browserEvent({ properties: { order_id: 'undefined', products: [{ product_id: 'SKU-1' }] } }), /trackTransaction needs the transaction id .* mapped "undefined"/);
  refused(browserEvent({ properties: { order_id: 'O-1' } }), /^Criteo's trackTransaction needs at least one product id \(events\[0\]\.item\[\]\.id, from properties\.product_id or properties\.products\[\]\.product_id\)/);
  refused(browserEvent({ event: 'Product Viewed', properties: { name: 'Shoe' } }), /^Criteo's viewItem needs at least one product id/);
  assert.throws(() => toCriteoBody({ event: 'Newsletter Opened' }, browserEvent(), ctx()), /Criteo takes its OneTag's event names \(viewHome, viewPage, .*, or another Criteo gave you, in letters and digits\): the blueprint mapped event "Newsletter Opened"/);
  assert.throws(() => toCriteoBody({ event: 42 }, browserEvent(), ctx()), /the blueprint mapped event 42/);
  assert.deepEqual(eventOf(toCriteoBody({ event: 'viewSearch' }, browserEvent(), ctx())), { event: 'viewSearch', timestamp: '2026-12-01T11:00:00.000Z' }, 'another Criteo event a custom blueprint sends (a travel event): sent as named');
  assert.throws(() => toCriteoBody({ event: 'viewBasket', items: [{ id: 'S' }], currency: 'euro' }, browserEvent(), ctx()), /ISO 4217 code .* mapped "euro"/);
});

test('identity: the GUM id and caller id, no placeholder or email as the visitor id, private IPs left out; an opted-out visitor sent without identifiers', () => {
  assert.equal(mapThrough('default', browserEvent({ event: 'Signed In', userId: 'user-1', anonymousId: 'df_visitor1' } as never))!.retailer_visitor_id, 'df_visitor1', 'the anonymous id, the site\'s visitor id');
  const known = mapThrough('default', browserEvent({ event: 'Signed In', userId: 'user-1', anonymousId: 'undefined' } as never))!;
  assert.equal(known.retailer_visitor_id, undefined, 'a placeholder anonymous id is no one, and the user id (a customer id) is never sent in clear');
  assert.equal(JSON.stringify(known).includes('user-1'), false);
  assert.equal(mapThrough('default', browserEvent({ event: 'Signed In', anonymousId: 'jane@example.com' } as never))!.retailer_visitor_id, undefined, 'an email is not an id');
  const behindProxy = mapThrough('default', browserEvent({ event: 'Signed In', context: { ip: '10.0.0.7', userAgent: MAC, cookies: { crto_mapped_user_id: 'null' } } }))!;
  assert.deepEqual([behindProxy.ip, behindProxy.id], [undefined, { mapping_key: CALLER }], 'a private IP and a placeholder GUM id are nobody\'s');
  assert.deepEqual(mapThrough('default', browserEvent({ event: 'Signed In' }), { partner_id: PARTNER })!.id, { mapped_user_id: GUM }, 'no caller id configured: no mapping_key');
  assert.equal(mapThrough('default', browserEvent({ event: 'Signed In' }), config({ site_type: 't' }))!.site_type, 't');
  const optedOut = mapThrough('default', browserEvent({ event: 'Signed In', context: { ip: '203.0.113.42', userAgent: MAC, page: { url: 'https://shop.example.com/account' }, cookies: { crto_mapped_user_id: GUM, crto_is_user_optout: 'true' }, traits: { email: JANE } } }))!;
  assert.deepEqual(optedOut, {
    version: INTEGRATION_VERSION, account: PARTNER, site_type: 'd', id: {}, useragent: MAC, full_url: 'https://shop.example.com/account',
    events: [{ event: 'login', timestamp: '2026-12-01T11:00:00.000Z' }],
  }, 'as Criteo\'s own server-side tag sends an opted-out visitor: no GUM id, caller id, email, IP or visitor id');
  assert.deepEqual((mapThrough('default', browserEvent({ event: 'Signed In', context: { cookies: { crto_mapped_user_id: GUM, crto_is_user_optout: 'false' } } }))!.id as JsonObject).mapped_user_id, GUM, 'not opted out: identified');
  const notUrls = mapThrough('default', browserEvent({ event: 'Signed In', context: { page: { url: 'javascript:alert(1)', referrer: 'android-app://com.google' } } }))!;
  assert.deepEqual([notUrls.full_url, notUrls.previous_url], [undefined, undefined]);
});

test('classify: 2xx delivered, a web page in a 2xx retried; redirects to Criteo followed; 429 throttled; 5xx, 408 retried; 4xx dead-lettered naming what to fix', () => {
  assert.deepEqual(classifyCriteo(answer(200, ''), REQUEST), { status: 'delivered' });
  assert.deepEqual(classifyCriteo(answer(204, ''), REQUEST), { status: 'delivered' });
  assert.deepEqual(classifyCriteo(answer(200, { status: 'OK' }), REQUEST), { status: 'delivered' });
  const page = whole(classifyCriteo(answer(200, '<!DOCTYPE html><html><body>Sign in to the Wi-Fi</body></html>', { 'content-type': 'text/html' }), REQUEST));
  assert.equal(page.status, 'retry');
  assert.match(page.reason!, /^HTTP 200 with a web page, not Criteo's answer \(a proxy or captive portal in the way\?\)/);
  // Criteo's data centres redirect (its endpoint documentation); the same POST goes there.
  const followed = classifyCriteo(answer(307, '', { location: 'https://widget.eu.criteo.com/m/event?version=s2s_v0' }), REQUEST);
  assert.deepEqual(followed, { next: [{ method: 'POST', url: 'https://widget.eu.criteo.com/m/event?version=s2s_v0', headers: { 'content-type': 'application/json' }, body: { account: PARTNER }, eventIds: ['m-1'] }] });
  const relative = classifyCriteo(answer(302, '', { Location: '/m/event?version=s2s_v0&dc=eu' }), REQUEST) as { next: RequestDescriptor[] };
  assert.equal(relative.next[0]!.url, 'https://widget.criteo.com/m/event?version=s2s_v0&dc=eu', 'a relative Location read against the request\'s URL');
  for (const location of ['https://evil.example.com/m/event', 'http://widget.eu.criteo.com/m/event', 'https://criteo.com.evil.example/x']) {
    const elsewhere = whole(classifyCriteo(answer(307, '', { location }), REQUEST));
    assert.equal(elsewhere.status, 'retry', location);
    assert.match(elsewhere.reason!, /which is not a Criteo https address: not followed$/);
  }
  assert.equal(whole(classifyCriteo(answer(301, ''), REQUEST)).reason, 'Criteo answered HTTP 301 without a Location');
  assert.deepEqual(classifyCriteo(answer(429, 'Too Many Requests', { 'Retry-After': '7' }), REQUEST), { status: 'retry', reason: 'Criteo rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 7000, throttled: true });
  assert.deepEqual(classifyCriteo(answer(429, ''), REQUEST), { status: 'retry', reason: 'Criteo rate limit reached (HTTP 429: (no body))', throttled: true });
  assert.deepEqual(classifyCriteo(answer(503, 'Service Unavailable', { 'retry-after': '2' }), REQUEST), { status: 'retry', reason: 'Criteo HTTP 503: Service Unavailable', retryAfterMs: 2000 });
  assert.deepEqual(classifyCriteo(answer(500, { message: 'internal' }), REQUEST), { status: 'retry', reason: 'Criteo HTTP 500: internal' });
  assert.equal(whole(classifyCriteo(answer(408, ''), REQUEST)).status, 'retry');
  assert.deepEqual(classifyCriteo(answer(400, { error: 'invalid account' }), REQUEST), { status: 'dead_letter', reason: 'Criteo refused the event (HTTP 400): invalid account' });
  assert.deepEqual(classifyCriteo(answer(422, 'bad\n  event'), REQUEST), { status: 'dead_letter', reason: 'Criteo refused the event (HTTP 422): bad event' });
  for (const status of [401, 403]) assert.match(whole(classifyCriteo(answer(status, 'Forbidden'), REQUEST)).reason!, new RegExp(`^Criteo refused the event for its account \\(HTTP ${status}, Forbidden\\): check config.partner_id .* and config.caller_id`));
  assert.match(whole(classifyCriteo(answer(404, 'Not Found'), REQUEST)).reason!, /endpoint was not found \(HTTP 404, Not Found\): a proxy, or a SIGNAL_VENDOR_REDIRECTS entry for https:\/\/widget.criteo.com/);
  assert.equal(whole(classifyCriteo(answer(413, ''), REQUEST)).reason, 'Criteo refused the event as too large (HTTP 413, (no body)): map fewer products');
  assert.equal(whole(classifyCriteo(answer(400, 'x'.repeat(1000)), REQUEST)).reason!.length < 360, true, 'a long answer is cut');
});

test('the definition: advertising consent, Criteo\'s identification cookies, no deletion API, two variants', () => {
  assert.deepEqual(criteo.consent, ['advertising']);
  assert.deepEqual(criteo.cookies, ['crto_mapped_user_id', 'crto_is_user_optout']);
  assert.equal(criteo.forgetPerson, undefined, 'Criteo has no public deletion API for events');
  assert.equal(criteo.accessToken, undefined);
  assert.deepEqual(Object.keys(criteo.variants), ['default', 'retail']);
  assert.deepEqual(criteo.rateLimit, { rps: 50 });
  assert.equal(EVENTS_URL, 'https://widget.criteo.com/m/event');
});
