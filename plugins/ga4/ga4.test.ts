import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JsonObject, MappedEvent, PluginContext, VendorResponse } from '../../core/sdk/index.ts';
import ga4, { buildRequests, classifyGa4, collectUrl } from './index.ts';
import { clientIdFromCookie, clientIdFromId, fitEvent, fitParams, ga4Name, userProperties } from './fit-to-ga4.ts';

const ctx = (config: JsonObject = {}): PluginContext => ({ config: { measurement_id: 'G-ABC123XYZ9', api_secret: 'secret-0123456789', ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: 0 });

test('names GA4 accepts: letters, digits, underscores, a letter first, 40 characters', () => {
  assert.equal(ga4Name('Order Completed'), 'Order_Completed');
  assert.equal(ga4Name('Video Played (HD)'), 'Video_Played_HD');
  assert.equal(ga4Name('404 page'), 'e_404_page');
  assert.equal(ga4Name('  '), 'event');
  assert.equal(ga4Name('a'.repeat(60)).length, 40);
});

test('params: at most 25, text cut to 100 (page parameters to theirs), no contact data, no reserved names, items fitted', () => {
  const params = fitParams({
    'Plan Name': 'Pro', email: 'jane@example.com', ga_session: 1, google_x: 2, _private: 3, note: 'x'.repeat(150),
    page_location: `https://shop.example.com/${'p'.repeat(1200)}`, nested: { a: 1 }, list: [1, 2], flag: true, price: 9.5,
    items: [{ item_id: 'SKU-1', price: 10, quantity: 2, color: 'red', ga_secret: 1 }, { price: 3 }, 'SKU-9'],
  });
  assert.deepEqual(Object.keys(params), ['Plan_Name', 'note', 'page_location', 'flag', 'price', 'items']);
  assert.equal((params.note as string).length, 100);
  assert.equal((params.page_location as string).length, 1000);
  assert.equal(params.flag, 'true');
  assert.deepEqual(params.items, [{ item_id: 'SKU-1', price: 10, quantity: 2, color: 'red' }], 'an item needs an id or a name');
  const many = fitParams(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`p${i}`, i])));
  assert.equal(Object.keys(many).length, 25);
});

test('user properties: only the names the config lists, within GA4 limits, never contact data', () => {
  assert.deepEqual(userProperties({ plan: 'premium', tier: 'x'.repeat(50), email: 'a@b.co', user_id: 'u' }, ['plan', 'tier', 'email', 'user_id', 'missing']), {
    plan: { value: 'premium' }, tier: { value: 'x'.repeat(36) },
  });
});

test('client id: the _ga cookie\'s, else one derived from the anonymousId, stable and in GA\'s two-number form', () => {
  assert.equal(clientIdFromCookie('GA1.1.1234567890.1711296000'), '1234567890.1711296000');
  assert.equal(clientIdFromCookie('garbage'), undefined);
  assert.match(clientIdFromId('df_abc123def456'), /^\d+\.\d+$/);
  assert.equal(clientIdFromId('df_abc123def456'), clientIdFromId('df_abc123def456'));
  assert.notEqual(clientIdFromId('df_abc123def456'), clientIdFromId('df_other'));
});

test('the map hook: GA4-safe event, microseconds, consent upper-cased, one product as items, an email user id left out', () => {
  const fitted = fitEvent({
    name: 'add_to_cart', ga_cookie: 'GA1.1.1234567890.1711296000', client_id: 'df_abc', user_id: 'jane@example.com', timestamp_micros: 1711296000000,
    consent: { ad_user_data: 'granted', ad_personalization: 'Denied', other: 'x' }, ip_override: '203.0.113.9', user_agent: 'Mozilla/5.0',
    params: { currency: 'GBP', value: 20 }, item: { item_id: 'SKU-1', price: 20 },
  }, ['plan'], { plan: 'pro', email: 'jane@example.com' });
  assert.deepEqual(fitted, {
    name: 'add_to_cart', client_id: '1234567890.1711296000', timestamp_micros: 1711296000000000,
    consent: { ad_user_data: 'GRANTED', ad_personalization: 'DENIED' }, ip_override: '203.0.113.9', user_agent: 'Mozilla/5.0',
    user_properties: { plan: { value: 'pro' } },
    params: { currency: 'GBP', value: 20, items: [{ item_id: 'SKU-1', price: 20 }] },
  });
  assert.equal((fitEvent({ name: 'x', client_id: 'df_abc', user_id: 'u-1' }, [], {}) as JsonObject).user_id, 'u-1');
  assert.throws(() => fitEvent({ name: 'session_start', client_id: 'df_abc' }, [], {}), /GA4 reserves the event name "session_start"/);
  assert.throws(() => fitEvent({ name: 'x' }, [], {}), /needs a client_id/);
});

test('requests: one visitor per request (client id, user id, consent, user properties), 25 events at most, to the chosen endpoint', () => {
  const mapped = (id: string, client: string, n = 0): MappedEvent => ({ id, event: {} as never, payload: { name: `e${n}`, client_id: client, params: { n }, timestamp_micros: 1 } });
  const batch = [...Array.from({ length: 30 }, (_, i) => mapped(`a${i}`, '1.1', i)), mapped('b0', '2.2')];
  const requests = buildRequests(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [25, 5, 1]);
  assert.deepEqual(requests[2]!.body, { client_id: '2.2', events: [{ name: 'e0', params: { n: 0 }, timestamp_micros: 1 }] });
  assert.equal(requests[0]!.url, 'https://www.google-analytics.com/mp/collect');
  assert.deepEqual(requests[0]!.query, [['measurement_id', 'G-ABC123XYZ9'], ['api_secret', 'secret-0123456789']]);
  assert.equal(collectUrl({ data_region: 'eu' }), 'https://region1.google-analytics.com/mp/collect');
  assert.equal(collectUrl({ data_region: 'eu', validate_only: true }), 'https://region1.google-analytics.com/debug/mp/collect');
});

test('answers: 2xx delivered; the validation endpoint\'s messages dead-letter with them; a refused secret says what to check', () => {
  const answer = (status: number, json?: unknown): VendorResponse => ({ status, headers: {}, body: json === undefined ? '' : JSON.stringify(json), ...(json !== undefined ? { json } : {}) });
  assert.deepEqual(classifyGa4(answer(204)), { status: 'delivered' });
  assert.deepEqual(classifyGa4(answer(200, { validationMessages: [] })), { status: 'delivered' });
  const refused = classifyGa4(answer(200, { validationMessages: [{ fieldPath: 'events', description: 'Event at index: [0] has invalid name [_bad].', validationCode: 'NAME_INVALID' }] }));
  assert.deepEqual(refused, { status: 'dead_letter', reason: 'GA4 validation: events: Event at index: [0] has invalid name [_bad].' });
  assert.match((classifyGa4(answer(403)) as { reason: string }).reason, /check measurement_id and api_secret/);
  assert.equal((classifyGa4(answer(503)) as { status: string }).status, 'retry');
});

test('answers: a 2xx that is not GA4\'s (a captive portal\'s page, other text, a validation answer without validationMessages) is sent again, quoting it', () => {
  const [collect] = buildRequests([{ id: 'a', event: {} as never, payload: { name: 'x', client_id: '1.1', params: {} } }], ctx());
  const [validation] = buildRequests([{ id: 'a', event: {} as never, payload: { name: 'x', client_id: '1.1', params: {} } }], ctx({ validate_only: true }));
  // The declared answer (GA4's 204, empty) is delivered, and the validation server's own.
  assert.deepEqual(classifyGa4({ status: ga4.successAnswer!.status!, headers: {}, body: String(ga4.successAnswer!.body) }, collect), { status: 'delivered' });
  assert.deepEqual(classifyGa4({ status: 200, headers: { 'content-type': 'application/json' }, body: '{"validationMessages":[]}', json: { validationMessages: [] } }, validation), { status: 'delivered' });
  const portal: VendorResponse = { status: 200, headers: { 'content-type': 'text/html; charset=utf-8' }, body: '<!DOCTYPE html>\n<html><head><title>Guest Wi-Fi</title></head><body>Accept the terms to continue</body></html>' };
  assert.deepEqual(classifyGa4(portal, collect), {
    status: 'retry',
    reason: 'HTTP 200 with <!DOCTYPE html> <html><head><title>Guest Wi-Fi</title></head><body>Accept the terms to continue</body></html>: not GA4\'s answer (none from /mp/collect) — a proxy? — so the events are sent again',
  });
  assert.equal((classifyGa4({ status: 200, headers: {}, body: 'OK' }, collect) as { status: string }).status, 'retry', 'text that is not GA4\'s empty answer');
  assert.equal((classifyGa4(portal, validation) as { status: string }).status, 'retry');
  assert.deepEqual(classifyGa4({ status: 200, headers: {}, body: '{"ok":true}', json: { ok: true } }, validation), {
    status: 'retry', reason: 'HTTP 200 with {"ok":true}: not GA4\'s answer (the validation server\'s validationMessages) — a proxy? — so the events are sent again',
  });
  assert.deepEqual(classifyGa4({ status: 204, headers: {}, body: '' }, validation), {
    status: 'retry', reason: 'HTTP 204 with no body: not GA4\'s answer (the validation server\'s validationMessages) — a proxy? — so the events are sent again',
  }, 'the validation server always answers its messages');
});

test('config: the measurement id\'s form, and no contact data as user properties', () => {
  assert.deepEqual(ga4.validateConfig!({ measurement_id: 'G-ABC123XYZ9', api_secret: 'secret-0123456789', user_properties: 'plan, email,phone_number' }), [
    { field: 'user_properties', message: 'names contact data (email, phone_number): Google\'s policy forbids sending personal information to GA4' },
  ]);
  assert.match(String(ga4.config.properties.measurement_id?.pattern), /\^G-/);
});

test('from a review: letters of any script, reserved prefixes after fitting, emails inside values, numeric session ids only', () => {
  assert.equal(ga4Name('購入完了'), '購入完了');
  assert.equal(ga4Name('Покупка сделана'), 'Покупка_сделана');
  assert.deepEqual(fitParams({ 'google ads': 1, note: 'mail me at jane@example.com', page_location: 'https://shop.example.com/?email=jane%40example.com', ok: 'fine' }), { ok: 'fine' });
  const fitted = fitEvent({ name: 'x', client_id: 'df_1', params: { session_id: '6f1c-uuid' } }, ['name', 'Full Name', 'plan'], { name: 'Jane Doe', 'Full Name': 'Jane Doe', plan: 'pro' });
  assert.deepEqual(fitted.params, {}, 'a session id that is not the tag\'s would start a session of its own');
  assert.deepEqual(fitted.user_properties, { plan: { value: 'pro' } }, 'names are contact data');
  assert.equal((fitEvent({ name: 'x', client_id: 'df_1', params: { session_id: '1711296000' } }, [], {}).params as JsonObject).session_id, '1711296000');
  assert.throws(() => fitEvent({ name: 'google_thing', client_id: 'df_1' }, [], {}), /reserves the event name "google_thing"/);
  assert.throws(() => fitEvent({ name: 'screen_view', client_id: 'df_1' }, [], {}), /takes "screen_view" from app streams only/);
});

test('from a review: value is price × quantity when not given; revenue without a currency is refused, another value dropped', () => {
  const added = fitEvent({ name: 'add_to_cart', client_id: 'df_1', params: { currency: 'GBP' }, item: { item_id: 'SKU-1', price: 10, quantity: 3 } }, [], {});
  assert.equal((added.params as JsonObject).value, 30);
  const viewed = fitEvent({ name: 'view_item', client_id: 'df_1', params: { value: 10 }, item: { item_id: 'SKU-1', price: 10 } }, [], {});
  assert.equal((viewed.params as JsonObject).value, undefined, 'GA4 would ignore a value without currency');
  assert.throws(() => fitEvent({ name: 'purchase', client_id: 'df_1', params: { transaction_id: 'T-1', value: 50 } }, [], {}), /counts revenue only with its currency.*send properties\.currency/);
  assert.throws(() => fitEvent({ name: 'purchase', client_id: 'df_1', params: { transaction_id: 'T-1', currency: 'GBP', items: [{ item_id: 'A', price: 5 }, { item_name: 'no price' }] } }, [], {}), /has no value, so GA4 would count no revenue/);
  const huge = { name: 'purchase', client_id: 'df_1', params: { currency: 'GBP', value: 1, items: Array.from({ length: 200 }, (_, i) => ({ item_id: `SKU-${i}`, item_name: 'n'.repeat(100), item_brand: 'b'.repeat(100), item_category: 'c'.repeat(100), item_variant: 'v'.repeat(100), affiliation: 'a'.repeat(100), coupon: 'x'.repeat(100), location_id: 'l'.repeat(100) })) } };
  assert.throws(() => fitEvent(huge, [], {}), /over the 120000 a GA4 request \(130 kB\) can carry/);
});

test('from a review: Consent Mode analytics_storage denied drops the event; page views can be left to the site\'s tag; validation is strict', () => {
  const map = ga4.map!;
  const event = (type: string, google?: JsonObject) => ({ type, messageId: 'm', timestamp: '', receivedAt: '', context: google ? { consent: { google } } : {} }) as never;
  assert.equal(map({ name: 'x', client_id: 'df_1' }, event('track', { analytics_storage: 'denied' }), ctx()), null);
  assert.ok(map({ name: 'x', client_id: 'df_1' }, event('track', { analytics_storage: 'granted' }), ctx()));
  assert.equal(map({ name: 'page_view', client_id: 'df_1' }, event('page'), ctx({ send_page_views: false })), null);
  assert.ok(map({ name: 'page_view', client_id: 'df_1' }, event('page'), ctx()));
  const [request] = buildRequests([{ id: 'a', event: {} as never, payload: { name: 'x', client_id: '1.1', params: {} } }], ctx({ validate_only: true }));
  assert.equal((request!.body as JsonObject).validation_behavior, 'ENFORCE_RECOMMENDATIONS');
});
