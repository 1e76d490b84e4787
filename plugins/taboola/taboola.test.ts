import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, eventMapName, PermanentError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import taboola, { bulkUrl, POSTBACK_URL } from './index.ts';
import { classifyTaboola } from './classify.ts';
import { clickIdOf, TBLCI_COOKIE } from './click-id.ts';
import { validateTaboolaConfig } from './config.ts';
import { toTaboolaConversion } from './conversion.ts';
import { postbackRequest, requestsFor } from './requests.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const CLICK = 'GiDxLZcEVjwEqkGfKQMQndUYMIeZXFHmZ0DrHIJhGS6kKiDzkGUos9GzkpqG-YHQATCwxlQ';
const NEWER = 'AbCdLZcEVjwEqkGfKQMQndUYMIeZXFHmZ0DrHIJhGS6kKiDzkGUos9GzkpqG-newer01';

const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => ({ status, body, headers });
const GET: RequestDescriptor = { method: 'GET', url: POSTBACK_URL, query: [['click-id', CLICK], ['name', 'make_purchase']], headers: {}, eventIds: ['m-1'] };
const BULK: RequestDescriptor = { method: 'POST', url: bulkUrl('1234567'), headers: { 'content-type': 'application/json' }, body: { actions: [] }, eventIds: ['m-1', 'm-2'] };
const whole = (result: ReturnType<typeof classifyTaboola>) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number; throttled?: boolean };

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.97, currency: 'eur', products: [{ product_id: 'SKU-1', quantity: 2 }, { product_id: 'SKU-2' }] },
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/thanks' }, cookies: { [TBLCI_COOKIE]: CLICK } },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/taboola/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = {}) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toTaboolaConversion(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
  return { payload, warnings };
};

test('config: no field required (no credential); account id digits; event names matched exactly, told in words naming the field', () => {
  const validate = createConfigAjv().compile(taboola.config);
  assert.equal(validate({}), true);
  assert.equal(validate({ account_id: '1234567', event_names: { 'Order Completed': 'make_purchase' } }), true);
  assert.equal(validate({ account_id: 'abc' }), false);
  assert.equal(validate({ event_names: { 'Order Completed': '' } }), false, 'an empty Taboola name');
  assert.equal(validate({ event_names: { 'Order Completed': 3 } }), false);
  assert.equal(Object.values(taboola.config.properties).some((field) => field.secret === true), false);
  for (const [key, field] of Object.entries(taboola.config.properties)) {
    assert.ok(field.title && field.description && Array.isArray(field.examples), `${key} has a title, description and examples`);
  }
  assert.deepEqual(validateTaboolaConfig({}), []);
  assert.deepEqual(validateTaboolaConfig({ account_id: 'id=1234567' }), [{ field: 'account_id', message: 'is "id=1234567": a Taboola account id is digits only, e.g. 1234567 (give 1234567 alone)' }]);
  assert.deepEqual(validateTaboolaConfig({ account_id: ' 1234567 ' }), [], 'trimmed');
  assert.deepEqual(validateTaboolaConfig({ event_names: { 'Order Completed': ' make_purchase' } }), [{ field: 'event_names', message: 'gives " make_purchase" for "Order Completed" with white space around it: Taboola matches event names exactly' }]);
  assert.deepEqual(validateTaboolaConfig({ event_names: { 'Order Completed ': 'make_purchase' } }).map((p) => p.field), ['event_names']);
  assert.deepEqual(validateTaboolaConfig({ event_names: { ' ': 'lead' } }).map((p) => p.message), ['has an empty Signal event name: name the track event (e.g. "Order Completed"), or page / page:<name> for page calls']);
});

test('event names: the config\'s for a track event, page:<name> before page; none for identify', () => {
  const names = { event_names: { page: 'page_view', 'page:Pricing': 'view_pricing', 'Demo Requested': ' lead ' } };
  assert.equal(eventMapName({ type: 'page', name: 'Pricing' } as CanonicalEvent, names.event_names), 'view_pricing');
  assert.equal(eventMapName({ type: 'page', name: 'Home' } as CanonicalEvent, names.event_names), 'page_view');
  assert.equal(eventMapName({ type: 'track', event: 'Demo Requested' } as CanonicalEvent, names.event_names), 'lead');
  assert.equal(eventMapName({ type: 'track', event: 'Order Completed' } as CanonicalEvent, names.event_names), undefined);
});

test('click ids: Taboola\'s URL-safe text; placeholders and the unexpanded macro are none', () => {
  assert.equal(clickIdOf(` ${CLICK} `), CLICK);
  for (const value of ['{click_id}', 'undefined', 'null', 'short', 'has space in it and is long enough', 42]) assert.equal(clickIdOf(value), undefined, String(value));
});

test('mapping: the documented purchase (make_purchase, revenue, currency upper-cased, order id, products\' quantities summed, event time)', () => {
  const { payload, warnings } = mapThrough(event());
  assert.deepEqual(payload, { 'click-id': CLICK, name: 'make_purchase', timestamp: Date.parse('2026-12-01T11:00:00.000Z'), revenue: 74.97, currency: 'EUR', orderid: 'ORD-1', quantity: 3 });
  assert.deepEqual(warnings, []);
});

test('mapping: Segment\'s ecommerce events under Taboola\'s standard names; the config overrides them', () => {
  const cases: Array<[string, string]> = [
    ['Product Added', 'add_to_cart'], ['Checkout Started', 'start_checkout'], ['Payment Info Entered', 'add_payment_info'], ['Product Viewed', 'view_content'],
    ['Products Searched', 'search'], ['Product Added to Wishlist', 'add_to_wishlist'], ['Signed Up', 'complete_registration'], ['Lead Generated', 'lead'],
  ];
  for (const [segment, name] of cases) assert.equal(mapThrough(event({ event: segment, properties: {} })).payload?.name, name, segment);
  const added = mapThrough(event({ event: 'Product Added', properties: { product_id: 'SKU-1', price: 24.99, quantity: 2, currency: 'GBP' } })).payload;
  assert.deepEqual(added, { 'click-id': CLICK, name: 'add_to_cart', timestamp: Date.parse('2026-12-01T11:00:00.000Z'), revenue: 24.99, currency: 'GBP', quantity: 2 });
  assert.equal(mapThrough(event(), { event_names: { 'Order Completed': 'purchase_s2s' } }).payload?.name, 'purchase_s2s');
});

test('mapping: other track events and page calls only when the config names them; else not sent, saying why', () => {
  const custom = event({ event: 'Demo Requested', properties: { value: 50, currency: 'USD', order_id: 'D-1' } });
  const skipped = mapThrough(custom);
  assert.equal(skipped.payload, null);
  assert.deepEqual(skipped.warnings, ['"Demo Requested" not sent to Taboola: no Taboola event name for it (name it in config.event_names, e.g. {"Demo Requested": "lead"})']);
  assert.deepEqual(mapThrough(custom, { event_names: { 'Demo Requested': 'lead' } }).payload, { 'click-id': CLICK, name: 'lead', timestamp: Date.parse('2026-12-01T11:00:00.000Z'), revenue: 50, currency: 'USD', orderid: 'D-1' });
  const page = event({ type: 'page', event: undefined, name: 'Pricing', properties: {} } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(page).payload, null);
  assert.equal(mapThrough(page, { event_names: { 'page:Pricing': 'view_pricing' } }).payload?.name, 'view_pricing');
  assert.equal(blueprint.mapEvent(event({ type: 'identify', event: undefined } as Partial<CanonicalEvent>)).vendorEvent, null, 'identify is no conversion');
});

test('mapping: the click id of the landing URL before the cookie; no click id, not sent, saying why', () => {
  const landing = event({ context: { page: { url: `https://shop.example.com/p?utm_source=taboola&tblci=${NEWER}#top` }, cookies: { [TBLCI_COOKIE]: CLICK } } } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(landing).payload?.['click-id'], NEWER);
  const search = event({ context: { page: { search: `?tblci=${NEWER}` } } } as Partial<CanonicalEvent>);
  assert.equal(mapThrough(search).payload?.['click-id'], NEWER);
  const none = mapThrough(event({ context: { page: { url: 'https://shop.example.com/?tblci={click_id}' } } } as Partial<CanonicalEvent>));
  assert.equal(none.payload, null);
  assert.deepEqual(none.warnings, ['"Order Completed" not sent to Taboola: no Taboola click id (the landing URL\'s tblci, kept in the _dftblci cookie); Taboola attributes S2S conversions by click id only']);
});

test('mapping: a revenue in a currency Taboola does not list is left out with it; a negative revenue, or one written only with an exponent, left out; a revenue as text refused', () => {
  const chf = mapThrough(event({ properties: { order_id: 'O', revenue: 10, currency: 'CHF' } }));
  assert.equal(chf.payload?.revenue, undefined);
  assert.equal(chf.payload?.currency, undefined);
  assert.match(chf.warnings[0]!, /^revenue 10 CHF left out: Taboola takes revenue in AUD, BRL, .* ZAR only/);
  const refund = mapThrough(event({ properties: { revenue: -5, currency: 'USD' } }));
  assert.equal(refund.payload?.revenue, undefined);
  assert.deepEqual(refund.warnings, ['revenue -5 left out: Taboola takes a revenue of 0 or more']);
  for (const odd of [1e21, 1e-7]) {
    const { payload, warnings } = mapThrough(event({ properties: { revenue: odd, currency: 'USD' } }));
    assert.equal(payload?.revenue, undefined, String(odd));
    assert.deepEqual(warnings, [`revenue ${odd} left out: Taboola takes an integer or decimal number, and this one can only be written with an exponent`]);
  }
  assert.equal(mapThrough(event({ properties: { revenue: 0.000001, currency: 'USD' } })).payload?.revenue, 0.000001, 'written 0.000001: sent');
  assert.throws(() => toTaboolaConversion({ name: 'make_purchase', click_id: CLICK, revenue: '12,50' }, event({ context: {} } as Partial<CanonicalEvent>), ctx()), PermanentError);
  assert.equal(toTaboolaConversion({ name: 'lead', click_id: CLICK }, event({ timestamp: undefined, receivedAt: undefined, context: {} } as unknown as Partial<CanonicalEvent>), ctx())?.timestamp, NOW, 'no time: now');
});

const mapped = (id: string, payload: JsonObject): MappedEvent => ({ id, event: event(), payload });
const conversion = (n: number): JsonObject => ({ 'click-id': CLICK, name: 'make_purchase', timestamp: NOW, revenue: n, currency: 'EUR', orderid: `O-${n}`, quantity: 1 });

test('requests: without an account id, one postback GET a conversion, its documented parameters in Taboola\'s order, no timestamp, no body', () => {
  const requests = taboola.send([mapped('m-1', conversion(1)), mapped('m-1#2', { 'click-id': CLICK, name: 'lead', timestamp: NOW })], ctx());
  assert.deepEqual(requests, [
    { method: 'GET', url: 'https://trc.taboola.com/actions-handler/log/3/s2s-action', query: [['click-id', CLICK], ['name', 'make_purchase'], ['revenue', '1'], ['currency', 'EUR'], ['orderid', 'O-1'], ['quantity', '1']], headers: {}, eventIds: ['m-1'] },
    { method: 'GET', url: 'https://trc.taboola.com/actions-handler/log/3/s2s-action', query: [['click-id', CLICK], ['name', 'lead']], headers: {}, eventIds: ['m-1#2'] },
  ]);
  assert.deepEqual(postbackRequest(mapped('x', { 'click-id': CLICK, name: 'lead', revenue: 9.99 })).query, [['click-id', CLICK], ['name', 'lead'], ['revenue', '9.99']]);
});

test('requests: with an account id, bulk POSTs of { actions } of at most 1,000 conversions', () => {
  const batch = Array.from({ length: 2001 }, (_, n) => mapped(`m-${n}`, conversion(n)));
  const requests = requestsFor(batch, ctx({ account_id: ' 1234567 ' }));
  assert.deepEqual(requests.map((r) => r.eventIds.length), [1000, 1000, 1]);
  assert.equal(requests[0]!.method, 'POST');
  assert.equal(requests[0]!.url, 'https://trc.taboola.com/1234567/log/3/bulk-s2s-action');
  assert.deepEqual(requests[0]!.headers, { 'content-type': 'application/json' });
  assert.deepEqual((requests[2]!.body as JsonObject).actions, [conversion(2000)]);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), batch.map((m) => m.id), 'every conversion once, in order');
  assert.ok(requests.every((r) => JSON.stringify(r.body).length <= taboola.batch.maxBytes));
});

test('classify: 204 (and any 2xx) delivered; 429 throttled after Retry-After; 5xx and 408 retried', () => {
  assert.deepEqual(classifyTaboola(answer(204), GET), { status: 'delivered' });
  assert.deepEqual(classifyTaboola(answer(200, '{}'), BULK), { status: 'delivered' });
  assert.deepEqual(classifyTaboola(answer(429, 'Too Many Requests', { 'Retry-After': '7' }), GET), { status: 'retry', reason: 'Taboola rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 7000, throttled: true });
  assert.deepEqual(classifyTaboola(answer(429), GET), { status: 'retry', reason: 'Taboola rate limit reached (HTTP 429: (no body))', throttled: true });
  assert.deepEqual(classifyTaboola(answer(503, 'Service Unavailable', { 'retry-after': '2' }), GET), { status: 'retry', reason: 'Taboola HTTP 503: Service Unavailable', retryAfterMs: 2000 });
  assert.deepEqual(classifyTaboola(answer(500, '<html>\n  oops </html>'), BULK), { status: 'retry', reason: 'Taboola HTTP 500: <html> oops </html>' });
  assert.equal(whole(classifyTaboola(answer(408), GET)).status, 'retry');
});

test('classify: a postback\'s 400 dead-lettered with what Taboola checks; a bulk 400 and 404 naming config.account_id; 413 split; other 4xx dead-lettered', () => {
  const refused = whole(classifyTaboola(answer(400, 'click-id value is not parsable'), GET));
  assert.equal(refused.status, 'dead_letter');
  assert.match(refused.reason!, /^Taboola refused the conversion \(HTTP 400: click-id value is not parsable\): Taboola answers 400 when the click-id or name is missing .*tblci.*config\.event_names/);
  const bulk400 = whole(classifyTaboola(answer(400, 'Bad Request'), BULK));
  assert.equal(bulk400.status, 'dead_letter');
  assert.match(bulk400.reason!, /does not validate bulk conversions one by one.*config\.account_id/);
  const bulk404 = whole(classifyTaboola(answer(404, 'Not Found'), BULK));
  assert.equal(bulk404.status, 'dead_letter');
  assert.match(bulk404.reason!, /^Taboola HTTP 404 for the bulk endpoint \(Not Found\): check config\.account_id/);
  assert.deepEqual(classifyTaboola(answer(413, 'Payload Too Large'), BULK), { status: 'split', reason: 'Taboola refused the bulk request as too large (HTTP 413: Payload Too Large); sending it in halves' });
  assert.equal(whole(classifyTaboola(answer(413), { ...BULK, eventIds: ['m-1'] })).status, 'dead_letter');
  for (const status of [401, 403, 404, 422]) {
    const result = whole(classifyTaboola(answer(status, 'nope'), GET));
    assert.equal(result.status, 'dead_letter', String(status));
    assert.equal(result.reason, `Taboola HTTP ${status}: nope`);
  }
});

test('definition: advertising consent, the tblci click id kept 30 days in _dftblci, no deletion API, Taboola\'s documented 204 as the success answer', () => {
  assert.deepEqual(taboola.consent, ['advertising']);
  assert.deepEqual(taboola.clickIds, [{ param: 'tblci', cookie: '_dftblci', days: 30 }]);
  assert.deepEqual(taboola.cookies, ['_dftblci']);
  assert.equal(taboola.forgetPerson, undefined);
  assert.deepEqual(taboola.successAnswer, { status: 204, body: '' });
  assert.deepEqual(taboola.batch, { maxEvents: 1000, maxBytes: 1_000_000 });
});
