import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import type { CanonicalEvent, Classification, ForgetOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import matomo, { matomoConfigWarnings, validateMatomoConfig } from './index.ts';
import { classifyMatomo } from './classify.ts';
import { matomoBaseOf } from './config.ts';
import { forgetPerson, personSegment } from './forget-person.ts';
import { queryStringOf } from './requests.ts';
import { matomoParams } from './tracking-params.ts';
import { matomoVisitorId } from './visitor-id.ts';

const TOKEN = '0123456789abcdef0123456789abcdef';
const NOW = Date.parse('2024-03-24T16:00:05Z');
const VISITOR = 'df_abc123def456';
const VISITOR_ID = createHash('sha1').update(VISITOR).digest('hex').slice(0, 16);
const BASE = { url: 'https://analytics.example.com', site_id: 3 };
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { ...BASE, token_auth: TOKEN, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (m) => warnings.push(m),
});
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Video Played', messageId: 'm-1', anonymousId: VISITOR, timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', locale: 'en-GB', page: { url: 'https://shop.example.com/watch?utm_source=news', title: 'Watch', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const params = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []): JsonObject => {
  const payload = matomoParams(event, ctx(config, warnings));
  assert.ok(payload, `mapped, warnings: ${warnings.join('; ')}`);
  return payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const mappedOf = (id: string, payload: JsonObject, event = browserEvent({ messageId: id })): MappedEvent => ({ id, event, payload });
const bulk = (ids: string[]): RequestDescriptor => matomo.send(ids.map((id) => mappedOf(id, { idsite: '3', rec: '1', e_c: 'All', e_a: id })), ctx())[0]!;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');

test('a page call: a page view with the title as action_name, the URL and referrer, the visitor id, User ID, time, user agent, language, IP (with a token) and send_image=0', () => {
  const page = params(browserEvent({ type: 'page', event: undefined, name: 'Pricing', userId: 'user-1', properties: { title: 'Pricing — Shop', url: 'https://shop.example.com/pricing', referrer: 'https://news.example.com/' } }));
  assert.deepEqual(page, {
    idsite: '3', rec: '1', apiv: '1', _id: VISITOR_ID, uid: 'user-1', cdt: String(Date.parse('2024-03-24T16:00:00Z') / 1000),
    ua: 'Mozilla/5.0 (Test)', lang: 'en-GB', cip: '203.0.113.42', url: 'https://shop.example.com/pricing', urlref: 'https://news.example.com/', action_name: 'Pricing — Shop', send_image: '0',
  });
  const screen = params(browserEvent({ type: 'screen', event: undefined, name: 'Settings', context: { screen: { width: 390, height: 844 } } as CanonicalEvent['context'] }));
  assert.equal(screen.action_name, 'Settings');
  assert.equal(screen.res, '390x844');
});

test('the visitor id: the first 16 hex digits of the anonymousId\'s SHA-1, the same every time; a 16-hex-digit id kept; the userId\'s when there is no anonymousId (Matomo\'s own for that User ID)', () => {
  assert.equal(matomoVisitorId(VISITOR), VISITOR_ID);
  assert.match(VISITOR_ID, /^[0-9a-f]{16}$/);
  assert.equal(matomoVisitorId('AF344A398DF83874'), 'af344a398df83874');
  assert.equal(params(browserEvent({ anonymousId: undefined, userId: 'user-9' }))._id, createHash('sha1').update('user-9').digest('hex').slice(0, 16));
});

test('token_auth: cip only with one (Matomo refuses cip without it) and unless send_ip is off; without one an event more than 23 hours old is not sent, warned', () => {
  assert.equal(params(browserEvent(), { token_auth: '' }).cip, undefined);
  assert.equal(params(browserEvent(), { send_ip: false }).cip, undefined);
  assert.equal(params(browserEvent(), { send_user_id: false, token_auth: '' }).uid, undefined);
  const old = browserEvent({ timestamp: '2024-03-23T16:00:00.000Z' });
  const warnings: string[] = [];
  assert.equal(matomoParams(old, ctx({ token_auth: '' }, warnings)), null);
  assert.match(warnings[0]!, /^not sent: the event is 24 hours old, and Matomo records events more than 24 hours old only with a token_auth/);
  assert.equal(params(old).cdt, String(Date.parse('2024-03-23T16:00:00Z') / 1000), 'with a token: sent with its time');
  assert.equal(params(browserEvent({ timestamp: '2024-03-24T17:00:00.000Z' })).cdt, String(Math.floor(NOW / 1000)), 'a time in the future: now');
});

test('a track event: e_c from properties.category (else All), e_a the event\'s name, e_n from properties.label, e_v from properties.value, ca=1; the paths configurable; a value that is no number left out, warned', () => {
  const event = params(browserEvent({ properties: { category: 'Videos', label: 'Intro', value: '42.5' } }));
  assert.deepEqual([event.e_c, event.e_a, event.e_n, event.e_v, event.ca], ['Videos', 'Video Played', 'Intro', '42.5', '1']);
  assert.equal(params(browserEvent({ properties: {} })).e_c, 'All');
  const configured = params(browserEvent({ properties: { section: 'Media', title: 'Intro', seconds: 12 } }), { event_category_path: 'properties.section', event_name_path: 'properties.title', event_value_path: 'properties.seconds', event_category_default: 'Signal' });
  assert.deepEqual([configured.e_c, configured.e_n, configured.e_v], ['Media', 'Intro', '12']);
  const warnings: string[] = [];
  assert.equal(params(browserEvent({ properties: { value: 'lots' } }), {}, warnings).e_v, undefined);
  assert.deepEqual(warnings, ['properties.value left out: Matomo\'s event value (e_v) is a number, not "lots"']);
  warnings.length = 0;
  assert.equal(params(browserEvent({ properties: { value: {} } }), {}, warnings).e_v, undefined);
  assert.deepEqual(warnings, ['properties.value left out: Matomo\'s event value (e_v) is a number, not {}'], 'an empty object is warned about too');
});

test('custom dimensions: dimension<ID> from the configured event paths, in ID order, values cut to 255 characters', () => {
  const event = params(browserEvent({ properties: { plan: 'pro', long: 'x'.repeat(300) }, context: { ...browserEvent().context, campaign: { name: 'spring' } } }), { custom_dimensions: { 4: 'properties.long', 2: 'context.campaign.name', 1: 'properties.plan', 9: 'properties.missing' } });
  assert.deepEqual(Object.keys(event).filter((k) => k.startsWith('dimension')), ['dimension1', 'dimension2', 'dimension4']);
  assert.deepEqual([event.dimension1, event.dimension2, (event.dimension4 as string).length], ['pro', 'spring', 255]);
});

test('Order Completed: an ecommerce order — idgoal=0, ec_id, the grand total as revenue, ec_st, ec_tx, ec_sh, ec_dt and ec_items as [sku, name, category, price, quantity]', () => {
  const warnings: string[] = [];
  const order = params(browserEvent({ event: 'Order Completed', properties: {
    order_id: 'ORD-1', total: 57.5, subtotal: 50, tax: 5, shipping: 4.5, discount: 2, currency: 'USD',
    products: [{ sku: 'SKU-1', name: 'Tee', category: 'Apparel', price: 25, quantity: 2 }, { product_id: 'P-2', price: '0' }, { name: 'no id' }],
  } }), { currency: 'eur' }, warnings);
  assert.deepEqual([order.idgoal, order.ec_id, order.revenue, order.ec_st, order.ec_tx, order.ec_sh, order.ec_dt], ['0', 'ORD-1', '57.5', '50', '5', '4.5', '2']);
  assert.deepEqual(JSON.parse(order.ec_items as string), [['SKU-1', 'Tee', 'Apparel', 25, 2], ['P-2', '', '', 0, 1]]);
  assert.equal(order.e_c, undefined, 'an order, not an event');
  assert.deepEqual(warnings, [
    'properties.products[2] left out of ec_items: Matomo requires each item\'s SKU (sku, product_id or id)',
    'properties.currency is USD, the website\'s currency is EUR (config.currency): Matomo converts no amounts, so they are recorded as EUR',
  ]);
  const noAmount: string[] = [];
  assert.equal(matomoParams(browserEvent({ event: 'Order Completed', properties: { order_id: 'O' } }), ctx({}, noAmount)), null);
  assert.match(noAmount[0]!, /^not sent: an ecommerce order needs its grand total/);
  const noId = params(browserEvent({ event: 'Order Completed', messageId: 'm-77', properties: { revenue: 10 } }));
  assert.equal(noId.ec_id, 'm-77');
});

test('cart updates, product views and site searches: Cart Viewed as idgoal=0 without ec_id; Product Viewed as a page view with _pks/_pkn/_pkc/_pkp; Products Searched as search; Product Added as an event', () => {
  const cart = params(browserEvent({ event: 'Cart Viewed', properties: { products: [{ sku: 'S1', price: 10, quantity: 3 }] } }));
  assert.deepEqual([cart.idgoal, cart.ec_id, cart.revenue, cart.ec_items], ['0', undefined, '30', '[["S1","","",10,3]]']);
  const view = params(browserEvent({ event: 'Product Viewed', properties: { product_id: 'P-1', name: 'Tee', category: 'Apparel', price: 19.9 } }));
  assert.deepEqual([view.action_name, view._pks, view._pkn, view._pkc, view._pkp, view.e_a, view.url], ['Watch', 'P-1', 'Tee', 'Apparel', '19.9', undefined, 'https://shop.example.com/watch?utm_source=news']);
  const search = params(browserEvent({ event: 'Products Searched', properties: { query: 'blue tee', count: 12 } }));
  assert.deepEqual([search.search, search.search_count, search.e_a], ['blue tee', '12', undefined]);
  assert.equal(params(browserEvent({ event: 'Product Added', properties: { sku: 'S1' } })).e_a, 'Product Added');
  assert.equal(params(browserEvent({ event: 'Product Viewed', properties: { name: 'Tee' } }), { product_view_events: [] }).e_a, 'Product Viewed', 'an empty list: an event');
});

test('identify, group and alias: not sent, warned; identify as an event (User / Identify) with its uid when config.identify_as_event is on', () => {
  const warnings: string[] = [];
  assert.equal(matomoParams(browserEvent({ type: 'identify', event: undefined, userId: 'u-1' }), ctx({}, warnings)), null);
  assert.equal(matomoParams(browserEvent({ type: 'group', event: undefined, groupId: 'g' }), ctx({}, warnings)), null);
  assert.deepEqual(warnings, [
    'not sent: Matomo has no request that only names a user; the userId goes as its User ID (uid) with this person\'s next events (turn on config.identify_as_event to send identify calls as events)',
    'not sent: Matomo has no group calls (it knows visits, page views, events, ecommerce and site searches)',
  ]);
  const identify = params(browserEvent({ type: 'identify', event: undefined, userId: 'u-1' }), { identify_as_event: true });
  assert.deepEqual([identify.uid, identify.e_c, identify.e_a, identify.ca], ['u-1', 'User', 'Identify', '1']);
});

test('send: POST {matomo}/matomo.php with {"requests": [query strings…], "token_auth"}, oldest first, at most 100 a bulk; no token_auth without one; allowPrivateTargets when configured', () => {
  const at = (id: string, cdt: string) => mappedOf(id, { idsite: '3', rec: '1', cdt, action_name: `Page ${id}` });
  const [request] = matomo.send([at('b', '200'), at('a', '100')], ctx({ url: 'https://analytics.example.com/matomo/matomo.php' }));
  assert.deepEqual(request, {
    method: 'POST', url: 'https://analytics.example.com/matomo/matomo.php', headers: { 'content-type': 'application/json' },
    body: { requests: ['?idsite=3&rec=1&cdt=100&action_name=Page%20a', '?idsite=3&rec=1&cdt=200&action_name=Page%20b'], token_auth: TOKEN },
    eventIds: ['a', 'b'],
  });
  assert.deepEqual(matomo.send([at('a', '1')], ctx({ token_auth: '' }))[0]!.body, { requests: ['?idsite=3&rec=1&cdt=1&action_name=Page%20a'] });
  const many = Array.from({ length: 250 }, (_, i) => at(`e${i}`, String(1000 + i)));
  assert.deepEqual(matomo.send(many, ctx()).map((r) => r.eventIds.length), [100, 100, 50]);
  const local = matomo.send([at('a', '1')], ctx({ url: 'http://10.0.0.5:8080', allow_private_targets: ['10.0.0.0/16'] }))[0]!;
  assert.equal(local.url, 'http://10.0.0.5:8080/matomo.php');
  assert.deepEqual(local.allowPrivateTargets, ['10.0.0.0/16']);
  assert.equal(queryStringOf({ e_n: 'a&b=c', ec_items: '[["S",""]]' }), '?e_n=a%26b%3Dc&ec_items=%5B%5B%22S%22%2C%22%22%5D%5D');
});

test('classify: Matomo\'s bulk answer — all tracked delivered; invalid_indices dead-letter those events only; all invalid without indices dead-lettered; some without indices delivered', () => {
  const request = bulk(['m-0', 'm-1', 'm-2']);
  assert.deepEqual(classifyMatomo(answer(200, { status: 'success', tracked: 3, invalid: 0 }), request), { status: 'delivered' });
  const some = classifyMatomo(answer(200, { status: 'success', tracked: 2, invalid: 1, invalid_indices: [1] }), request);
  assert.deepEqual(Object.keys((some as { perEvent: Record<string, unknown> }).perEvent), ['m-1']);
  assert.match(reasonOf((some as { perEvent: Record<string, Classification> }).perEvent['m-1']!), /^Matomo refused this tracking request as invalid .*\(HTTP 200: tracked 2, invalid 1\)$/);
  assert.equal((classifyMatomo(answer(200, { status: 'success', tracked: 0, invalid: 3 }), request) as { status: string }).status, 'dead_letter');
  assert.deepEqual(classifyMatomo(answer(200, { status: 'success', tracked: 2, invalid: 1 }), request), { status: 'delivered' });
  assert.deepEqual(classifyMatomo(answer(204, ''), request), { status: 'delivered' });
});

test('classify: a web page is no tracker (dead-lettered naming config.url); 500 retried saying Matomo rolled back; 429 throttled; 400 dead-lettered with the counts; 404 names config.url', () => {
  const request = bulk(['m-0']);
  const page = classifyMatomo(answer(200, '<!DOCTYPE html><html><body>Matomo is a free/libre web analytics</body></html>', { 'content-type': 'text/html' }), request);
  assert.equal((page as { status: string }).status, 'dead_letter');
  assert.match(reasonOf(page), /check config\.url .* BulkTracking plugin is activated/);
  const failed = classifyMatomo(answer(500, { status: 'error', tracked: 0, invalid: 0 }), request);
  assert.equal((failed as { status: string }).status, 'retry');
  assert.match(reasonOf(failed), /^Matomo HTTP 500: .*rolled it back/);
  assert.deepEqual(classifyMatomo(answer(429, 'slow down', { 'retry-after': '30' }), request), { status: 'retry', reason: 'Matomo rate limit reached (HTTP 429: slow down)', retryAfterMs: 30_000, throttled: true });
  assert.equal(reasonOf(classifyMatomo(answer(400, { status: 'error', tracked: 0, invalid: 1 }), request)), 'Matomo refused the bulk (HTTP 400: tracked 0, invalid 1): check config.site_id (a website of this Matomo) and config.token_auth');
  assert.match(reasonOf(classifyMatomo(answer(404, 'Not Found'), request)), /^no Matomo tracker at https:\/\/analytics\.example\.com\/matomo\.php \(HTTP 404/);
});

test('config: the URL (https, path prefix kept, matomo.php/index.php stripped, private hosts only when allowed), the site id, the token, paths, dimensions, deletions needing a token', () => {
  assert.deepEqual(validateMatomoConfig({ ...BASE }), []);
  assert.deepEqual(validateMatomoConfig({ url: 'https://acme.matomo.cloud', site_id: 1, token_auth: TOKEN, forward_deletions: true, custom_dimensions: { 1: 'properties.plan' } }), []);
  assert.equal(matomoBaseOf({ url: 'https://www.example.com/matomo/index.php' }), 'https://www.example.com/matomo');
  const fields = (config: Record<string, JsonValue>) => validateMatomoConfig(config).map((p) => p.field);
  assert.deepEqual(fields({ url: 'http://analytics.example.com', site_id: 1 }), ['url']);
  assert.deepEqual(fields({ url: 'https://10.0.0.5', site_id: 1 }), ['url']);
  assert.deepEqual(fields({ url: 'https://10.0.0.5', site_id: 1, allow_private_targets: ['10.0.0.0/8'] }), []);
  assert.deepEqual(fields({ ...BASE, site_id: 0 }), ['site_id']);
  assert.deepEqual(validateMatomoConfig({ ...BASE, token_auth: 'token_auth=abc' }), [{ field: 'token_auth', message: 'starts with "token_auth=": give the token alone, as Matomo showed it when it was created' }]);
  assert.deepEqual(fields({ ...BASE, custom_dimensions: { abc: 'properties.plan', 2: 'not a path!' } }), ['custom_dimensions.2', 'custom_dimensions']);
  // Paths the SDK's reader refuses (they would read nothing on every event) are refused here, naming the field.
  assert.deepEqual(validateMatomoConfig({ ...BASE, event_category_path: 'properties.constructor' }), [{ field: 'event_category_path', message: '"constructor" in "properties.constructor" is not allowed in a path: give a path into the event\'s data, e.g. properties.category' }]);
  assert.deepEqual(fields({ ...BASE, event_name_path: '__proto__.x', event_value_path: ' properties.prototype ' }), ['event_name_path', 'event_value_path']);
  assert.deepEqual(fields({ ...BASE, custom_dimensions: { 1: 'context.constructor', 2: 'properties.plan' } }), ['custom_dimensions.1']);
  assert.deepEqual(validateMatomoConfig({ ...BASE, forward_deletions: true }), [{ field: 'forward_deletions', message: 'needs a token_auth: Matomo\'s GDPR tools API takes the token of a user with Admin access to the website' }]);
  assert.deepEqual(fields({ ...BASE, currency: 'euro' }), ['currency']);
  assert.deepEqual(matomoConfigWarnings({ ...BASE }).map((w) => w.field), ['token_auth']);
  assert.deepEqual(matomoConfigWarnings({ ...BASE, token_auth: TOKEN }), []);
});

test('deletions: findDataSubjects by User ID or visitor id (segment values URL-encoded), then deleteDataSubjects of the visits found, then a search again; only with forward_deletions and a token', () => {
  const c = ctx({ forward_deletions: true });
  assert.equal(forgetPerson.enabled(c.config), true);
  assert.equal(forgetPerson.enabled(ctx().config), false);
  assert.equal(personSegment({ userId: 'jane@example.com', anonymousId: VISITOR }), `userId==jane%40example.com,visitorId==${VISITOR_ID}`);
  const find = forgetPerson.request({ userId: 'jane@example.com', anonymousId: VISITOR }, c) as RequestDescriptor;
  assert.equal(find.url, 'https://analytics.example.com/index.php');
  assert.deepEqual(find.query, [['module', 'API'], ['method', 'PrivacyManager.findDataSubjects'], ['format', 'json']]);
  assert.equal(find.body, `idSite=3&segment=userId%3D%3Djane%2540example.com%2CvisitorId%3D%3D${VISITOR_ID}&token_auth=${TOKEN}`);
  assert.deepEqual(forgetPerson.request({ userId: 'undefined', anonymousId: null }, c), { skipped: 'the ids named are placeholders the plugin never sends to Matomo, so no visit of theirs can be there' });

  const found = forgetPerson.read!(answer(200, [{ idVisit: 11, idSite: 3, userId: '[hidden]' }, { idVisit: '12', idSite: '3' }]), find, c) as { next: RequestDescriptor };
  assert.deepEqual(found.next.query, [['module', 'API'], ['method', 'PrivacyManager.deleteDataSubjects'], ['format', 'json']]);
  assert.equal(decodeURIComponent(found.next.body as string), `visits[0][idsite]=3&visits[0][idvisit]=11&visits[1][idsite]=3&visits[1][idvisit]=12&token_auth=${TOKEN}`);
  const again = forgetPerson.read!(answer(200, { log_visit: 2, log_link_visit_action: 7 }), found.next, c) as { next: RequestDescriptor };
  assert.equal(again.next.body, find.body, 'the same search again');
  assert.deepEqual(forgetPerson.read!(answer(200, []), again.next, c), { done: true, message: 'Matomo deleted 2 visits of the person, with their actions and conversions; none is left' });
  assert.match((forgetPerson.read!(answer(200, [{ idVisit: 13, idSite: 3 }]), again.next, c) as { retry: string }).retry, /^Matomo still has 1 visit of the person/);
  assert.deepEqual(forgetPerson.read!(answer(200, []), find, c), { done: true, message: 'Matomo has no visit of the person (by User ID or visitor id): nothing to delete' });
  const refused: ForgetOutcome = forgetPerson.read!(answer(200, { result: 'error', message: 'You can\'t access this resource as it requires an \'admin\' access for the website id = 3.' }), find, c);
  assert.match((refused as { failed: string }).failed, /config\.token_auth must be a token of a user with Admin access/);
  assert.ok('retry' in forgetPerson.read!(answer(503, 'down'), find, c));
  const local = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ forward_deletions: true, url: 'http://matomo.internal', allow_private_targets: ['matomo.internal'] })) as RequestDescriptor;
  assert.deepEqual([local.url, local.allowPrivateTargets], ['http://matomo.internal/index.php', ['matomo.internal']], 'a self-hosted Matomo on the own network, as for tracking');
});
