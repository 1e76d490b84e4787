import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, eventMapName, PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import outbrain, { UNIFIED_PIXEL_URL } from './index.ts';
import { classifyOutbrain } from './classify.ts';
import { clickIdOf, keptClickId, landingClickId, OB_CLICK_ID_COOKIE, OUTBRAIN_CLICK_ID_COOKIE } from './click-id.ts';
import { validateOutbrainConfig } from './config.ts';
import { queryText, toOutbrainConversion } from './conversion.ts';
import { conversionRequest, requestsFor } from './requests.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const CLICK = '00f1e2d3c4b5a6978812345678abcdef0a1b2c3d4e';
const NEWER = '0099887766554433221100aabbccddeeff-newer01';

const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => ({ status, body, headers });
const GET: RequestDescriptor = { method: 'GET', url: UNIFIED_PIXEL_URL, query: [['ob_click_id', CLICK], ['name', 'Purchase']], headers: {}, eventIds: ['m-1'] };
const whole = (result: ReturnType<typeof classifyOutbrain>) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number; throttled?: boolean };

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'eur', products: [{ product_id: 'SKU-1', quantity: 2 }, { product_id: 'SKU-2' }] },
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/thanks' }, cookies: { [OB_CLICK_ID_COOKIE]: CLICK } },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/outbrain/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toOutbrainConversion(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
  return { payload, warnings };
};

test('config: no field required (no credential); conversion names matched exactly, told in words naming the field', () => {
  const validate = createConfigAjv().compile(outbrain.config);
  assert.equal(validate({}), true);
  assert.equal(validate({ event_names: { 'Order Completed': 'Purchase' } }), true);
  assert.equal(validate({ event_names: { 'Order Completed': '' } }), false, 'an empty Outbrain name');
  assert.equal(validate({ event_names: { 'Order Completed': 3 } }), false);
  assert.equal(validate({ event_names: { 'Order Completed': 'x'.repeat(101) } }), false, 'too long');
  assert.equal(Object.values(outbrain.config.properties).some((field) => field.secret === true), false);
  for (const [key, field] of Object.entries(outbrain.config.properties)) {
    assert.ok(field.title && field.description && Array.isArray(field.examples), `${key} has a title, description and examples`);
  }
  assert.deepEqual(validateOutbrainConfig({}), []);
  assert.deepEqual(validateOutbrainConfig({ event_names: { 'Order Completed': ' Purchase' } }), [{ field: 'event_names', message: 'gives " Purchase" for "Order Completed" with white space around it: Outbrain matches conversion names exactly' }]);
  assert.deepEqual(validateOutbrainConfig({ event_names: { 'Order Completed ': 'Purchase' } }), [{ field: 'event_names', message: 'has "Order Completed " with white space around it: Signal event names are matched exactly' }]);
  assert.deepEqual(validateOutbrainConfig({ event_names: { ' ': 'Lead' } }).map((p) => p.message), ['has an empty Signal event name: name the track event (e.g. "Order Completed"), or page / page:<name> for page calls']);
  assert.deepEqual(validateOutbrainConfig({ event_names: 'Purchase' }), [], 'not an object: the schema says so');
});

test('event names: the config\'s for a track event, page:<name> before page; none for identify', () => {
  const names = { event_names: { page: 'Page View', 'page:Pricing': 'Pricing Viewed', 'Demo Requested': ' Lead ' } };
  assert.equal(eventMapName({ type: 'page', name: 'Pricing' } as CanonicalEvent, names.event_names), 'Pricing Viewed');
  assert.equal(eventMapName({ type: 'page', name: 'Home' } as CanonicalEvent, names.event_names), 'Page View');
  assert.equal(eventMapName({ type: 'track', event: 'Demo Requested' } as CanonicalEvent, names.event_names), 'Lead');
  assert.equal(eventMapName({ type: 'track', event: 'Order Completed' } as CanonicalEvent, names.event_names), undefined);
  assert.equal(eventMapName({ type: 'track', event: 'toString' } as CanonicalEvent, names.event_names), undefined, 'own keys only');
});

test('click ids: URL-safe text; placeholders and unexpanded macros are none', () => {
  assert.equal(clickIdOf(` ${CLICK} `), CLICK);
  const macros = ['{{ob_click_id}}', '{ob_click_id}', '$ob_click_id$', '[ob_click_id]', 'ob_click_id', 'OB_CLICK_ID', '%7B%7Bob_click_id%7D%7D'];
  for (const value of [...macros, 'undefined', 'null', 'short', 'has space in it and is long enough', 42, null]) assert.equal(clickIdOf(value), undefined, String(value));
});

test('click ids: the landing URL\'s OutbrainClickId (any case), else its ob_click_id; the kept cookies in the same order', () => {
  const landing = (url: string) => landingClickId({ type: 'track', event: 'x', context: { page: { url } } } as unknown as CanonicalEvent);
  assert.equal(landing(`https://shop.example.com/?OutbrainClickId=${NEWER}`), NEWER);
  assert.equal(landing(`https://shop.example.com/?outbrainclickid=${NEWER}`), NEWER, 'any letter case');
  assert.equal(landing(`https://shop.example.com/?ob_click_id=${NEWER}`), NEWER);
  assert.equal(landing(`https://shop.example.com/?ob_click_id=${CLICK}&OutbrainClickId=${NEWER}`), NEWER, 'Outbrain\'s name first');
  assert.equal(landing(`https://shop.example.com/?OutbrainClickId={{ob_click_id}}&ob_click_id=${CLICK}`), CLICK, 'an unexpanded macro is passed over');
  assert.equal(landing('https://shop.example.com/?utm_source=outbrain'), undefined);
  assert.equal(keptClickId({ [OUTBRAIN_CLICK_ID_COOKIE]: NEWER, [OB_CLICK_ID_COOKIE]: CLICK }), NEWER);
  assert.equal(keptClickId({ [OB_CLICK_ID_COOKIE]: CLICK }), CLICK);
  assert.equal(keptClickId({ [OUTBRAIN_CLICK_ID_COOKIE]: '{{ob_click_id}}', [OB_CLICK_ID_COOKIE]: CLICK }), CLICK);
  assert.equal(keptClickId(undefined), undefined);
});

test('mapping: the purchase (Purchase, order value, currency upper-cased, order id)', () => {
  const { payload, warnings } = mapThrough(event());
  assert.deepEqual(payload, { ob_click_id: CLICK, name: 'Purchase', orderValue: 74.97, currency: 'EUR', orderId: 'ORD-1' });
  assert.deepEqual(warnings, []);
});

test('mapping: Segment\'s ecommerce events under Outbrain conversion names; the config overrides them', () => {
  const cases: Array<[string, string]> = [
    ['Product Added', 'Add to cart'], ['Checkout Started', 'Checkout'], ['Signed Up', 'Registration'], ['Lead Generated', 'Lead'],
    ['Newsletter Subscribed', 'Email sign up'], ['Product Added to Wishlist', 'Add to wish list'], ['Products Searched', 'Search'],
  ];
  for (const [segment, name] of cases) assert.equal(mapThrough(event({ event: segment, properties: {} })).payload?.name, name, segment);
  const added = mapThrough(event({ event: 'Product Added', properties: { product_id: 'SKU-1', price: 24.99, quantity: 2, currency: 'GBP' } })).payload;
  assert.deepEqual(added, { ob_click_id: CLICK, name: 'Add to cart', orderValue: 24.99, currency: 'GBP' });
  assert.equal(mapThrough(event(), { event_names: { 'Order Completed': 'Sale' } }).payload?.name, 'Sale');
});

test('mapping: other track events and page calls only when the config names them; else not sent, saying why', () => {
  const custom = event({ event: 'Demo Requested', properties: { value: 50, currency: 'USD', order_id: 'D-1' } });
  const skipped = mapThrough(custom);
  assert.equal(skipped.payload, null);
  assert.deepEqual(skipped.warnings, ['"Demo Requested" not sent to Outbrain: no Outbrain conversion name for it (name it in config.event_names, e.g. {"Demo Requested": "Lead"})']);
  assert.deepEqual(mapThrough(custom, { event_names: { 'Demo Requested': 'Lead' } }).payload, { ob_click_id: CLICK, name: 'Lead', orderValue: 50, currency: 'USD', orderId: 'D-1' });
  const page = event({ type: 'page', event: undefined, name: 'Pricing', properties: {} } as Partial<CanonicalEvent>);
  const pageSkipped = mapThrough(page);
  assert.equal(pageSkipped.payload, null);
  assert.deepEqual(pageSkipped.warnings, ['the page call not sent to Outbrain: no Outbrain conversion name for it (name it in config.event_names, e.g. {"page": "Lead"})']);
  assert.equal(mapThrough(page, { event_names: { 'page:Pricing': 'Pricing Viewed' } }).payload?.name, 'Pricing Viewed');
  for (const type of ['identify', 'group', 'alias', 'screen']) {
    assert.equal(blueprint.mapEvent(event({ type, event: undefined } as Partial<CanonicalEvent>)).vendorEvent, null, `${type} is no conversion`);
  }
});

test('mapping: the click id of the landing URL before the cookie; no click id, not sent, saying why', () => {
  const landing = event({ context: { page: { url: `https://shop.example.com/p?utm_source=outbrain&ob_click_id=${NEWER}#top` }, cookies: { [OB_CLICK_ID_COOKIE]: CLICK } } } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(landing).payload?.ob_click_id, NEWER);
  const search = event({ context: { page: { search: `?ob_click_id=${NEWER}` } } } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(search).payload?.ob_click_id, NEWER);
  const landingPage = event({ type: 'page', event: undefined, properties: { url: `https://shop.example.com/?ob_click_id=${NEWER}` }, context: {} } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(landingPage, { event_names: { page: 'Landing' } }).payload?.ob_click_id, NEWER, 'a page call\'s url');
  const none = mapThrough(event({ context: { page: { url: 'https://shop.example.com/?ob_click_id={{ob_click_id}}' } } } as Partial<CanonicalEvent>));
  assert.equal(none.payload, null);
  assert.deepEqual(none.warnings, ['"Order Completed" not sent to Outbrain: no Outbrain click id (the landing URL\'s OutbrainClickId or ob_click_id, kept in the _dfobclickid or _dfobclid cookie); Outbrain attributes S2S conversions by click id only']);
  const outbrainNamed = event({ context: { page: { url: `https://shop.example.com/p?OutbrainClickId=${NEWER}` }, cookies: { [OB_CLICK_ID_COOKIE]: CLICK } } } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(outbrainNamed).payload?.ob_click_id, NEWER, 'the parameter Outbrain\'s S2S guide names');
  assert.equal(mapThrough(event({ context: { cookies: { [OUTBRAIN_CLICK_ID_COOKIE]: NEWER } } } as Partial<CanonicalEvent>)).payload?.ob_click_id, NEWER, 'its cookie');
  assert.equal(toOutbrainConversion({ name: 'Lead', ob_click_id: CLICK }, event({ context: {} } as Partial<CanonicalEvent>), ctx())?.ob_click_id, CLICK, 'the mapped one last');
});

test('mapping: a negative order value, or one written only with an exponent, left out with its currency; a bad currency code left out; a value as text refused', () => {
  const refund = mapThrough(event({ properties: { revenue: -5, currency: 'USD' } }));
  assert.deepEqual(refund.payload, { ob_click_id: CLICK, name: 'Purchase' });
  assert.deepEqual(refund.warnings, ['orderValue -5 left out: a conversion\'s value is 0 or more']);
  for (const odd of [1e21, 1e-7]) {
    const { payload, warnings } = mapThrough(event({ properties: { revenue: odd, currency: 'USD' } }));
    assert.equal(payload?.orderValue, undefined, String(odd));
    assert.equal(payload?.currency, undefined, String(odd));
    assert.deepEqual(warnings, [`orderValue ${odd} left out: it can only be written with an exponent, not as the decimal number Outbrain takes`]);
  }
  assert.equal(mapThrough(event({ properties: { revenue: 0, currency: 'USD' } })).payload?.orderValue, 0, 'zero is a value');
  const badCurrency = toOutbrainConversion({ name: 'Purchase', ob_click_id: CLICK, orderValue: 10, currency: 'EURO' }, event({ context: {} } as Partial<CanonicalEvent>), ctx({}, []));
  assert.deepEqual(badCurrency, { ob_click_id: CLICK, name: 'Purchase', orderValue: 10 });
  assert.throws(() => toOutbrainConversion({ name: 'Purchase', ob_click_id: CLICK, orderValue: '12,50' }, event({ context: {} } as Partial<CanonicalEvent>), ctx()), PermanentError);
  const warnings: string[] = [];
  assert.deepEqual(toOutbrainConversion({ name: 'Purchase', ob_click_id: CLICK, orderId: 'x'.repeat(300) }, event({ context: {} } as Partial<CanonicalEvent>), ctx({}, warnings)), { ob_click_id: CLICK, name: 'Purchase' });
  assert.deepEqual(warnings, ['orderId left out: 300 characters, more than 256 (a mapping mistake?)']);
  assert.equal(queryText(74.97), '74.97');
  assert.equal(queryText(null), undefined);
});

const mapped = (id: string, payload: JsonObject): MappedEvent => ({ id, event: event(), payload });

test('requests: one GET a conversion to tr.outbrain.com/unifiedPixel, the parameters in Outbrain\'s order, no credential, no body', () => {
  const requests = outbrain.send([mapped('m-1', { ob_click_id: CLICK, name: 'Purchase', orderValue: 74.97, currency: 'EUR', orderId: 'ORD-1' }), mapped('m-1#2', { ob_click_id: CLICK, name: 'Lead' })], ctx());
  assert.deepEqual(requests, [
    { method: 'GET', url: 'https://tr.outbrain.com/unifiedPixel', query: [['ob_click_id', CLICK], ['name', 'Purchase'], ['orderId', 'ORD-1'], ['orderValue', '74.97'], ['currency', 'EUR']], headers: {}, eventIds: ['m-1'] },
    { method: 'GET', url: 'https://tr.outbrain.com/unifiedPixel', query: [['ob_click_id', CLICK], ['name', 'Lead']], headers: {}, eventIds: ['m-1#2'] },
  ]);
  assert.deepEqual(conversionRequest(mapped('x', { ob_click_id: CLICK, name: 'Lead', orderValue: 0 })).query, [['ob_click_id', CLICK], ['name', 'Lead'], ['orderValue', '0']]);
  const many = Array.from({ length: 100 }, (_, n) => mapped(`m-${n}`, { ob_click_id: CLICK, name: 'Lead' }));
  assert.deepEqual(requestsFor(many).map((r) => r.eventIds), many.map((m) => [m.id]), 'every conversion once, in order');
});

test('classify: any 2xx delivered; 429 throttled after Retry-After; 5xx and 408 retried', () => {
  assert.deepEqual(classifyOutbrain(answer(200), GET), { status: 'delivered' });
  assert.deepEqual(classifyOutbrain(answer(204), GET), { status: 'delivered' });
  assert.deepEqual(classifyOutbrain(answer(429, 'Too Many Requests', { 'Retry-After': '7' }), GET), { status: 'retry', reason: 'Outbrain rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 7000, throttled: true });
  assert.deepEqual(classifyOutbrain(answer(429), GET), { status: 'retry', reason: 'Outbrain rate limit reached (HTTP 429: (no body))', throttled: true });
  assert.deepEqual(classifyOutbrain(answer(503, 'Service Unavailable', { 'retry-after': '2' }), GET), { status: 'retry', reason: 'Outbrain HTTP 503: Service Unavailable', retryAfterMs: 2000 });
  assert.deepEqual(classifyOutbrain(answer(500, '<html>\n  oops </html>'), GET), { status: 'retry', reason: 'Outbrain HTTP 500: <html> oops </html>' });
  assert.equal(whole(classifyOutbrain(answer(408), GET)).status, 'retry');
});

test('classify: a 400 dead-lettered with what to check; other 4xx dead-lettered with Outbrain\'s words', () => {
  const refused = whole(classifyOutbrain(answer(400, 'invalid click id'), GET));
  assert.equal(refused.status, 'dead_letter');
  assert.match(refused.reason!, /^Outbrain refused the conversion \(HTTP 400: invalid click id\): check .*ob_click_id.*config\.event_names/);
  for (const status of [401, 403, 404, 422]) {
    const result = whole(classifyOutbrain(answer(status, 'nope'), GET));
    assert.equal(result.status, 'dead_letter', String(status));
    assert.equal(result.reason, `Outbrain HTTP ${status}: nope`);
  }
});

test('definition: advertising consent, the OutbrainClickId and ob_click_id click ids kept 30 days in _dfobclickid and _dfobclid, no deletion API', () => {
  assert.equal(outbrain.id, 'outbrain');
  assert.equal(outbrain.category, 'advertising');
  assert.deepEqual(outbrain.consent, ['advertising']);
  assert.deepEqual(outbrain.clickIds?.map(({ value: _value, ...declared }) => declared), [{ param: 'OutbrainClickId', anyCase: true, cookie: '_dfobclickid', days: 30 }, { param: 'ob_click_id', cookie: '_dfobclid', days: 30 }]);
  for (const declared of outbrain.clickIds ?? []) {
    assert.equal(declared.value?.(CLICK, NOW), CLICK, 'a click id is kept as it came');
    for (const junk of ['undefined', 'ob_click_id', 'null']) assert.equal(declared.value?.(junk, NOW), '', `${junk} is not kept (the keeper skips '')`);
  }
  assert.deepEqual(outbrain.cookies, ['_dfobclickid', '_dfobclid']);
  assert.equal(outbrain.forgetPerson, undefined);
  assert.deepEqual(outbrain.successAnswer, { status: 200, body: '' });
  assert.deepEqual(outbrain.batch, { maxEvents: 100, maxBytes: 100_000 });
});
