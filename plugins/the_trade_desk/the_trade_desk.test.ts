import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type VendorResponse } from '../../core/sdk/index.ts';
import ttd, { REAL_TIME_CONVERSIONS_URL } from './index.ts';
import { classifyTradeDesk, eventErrors, failedLines } from './classify.ts';
import { accountFields, usesUrlMapping, validateTradeDeskConfig } from './config.ts';
import { toTradeDeskEvent } from './conversion-event.ts';
import { adidOf, guidOf, impOf } from './identity.ts';
import { decimalText, orderFields } from './order-data.ts';
import { dataProcessingOption, privacySettings } from './privacy.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const ADV = '4w1ba8e';
const TRACKER = 'hc7ihke';
const TDID = 'b8f7eb7d-b357-437b-8bd3-e1c8166c7132';
const IMP = '2b9c1e4a-1f2d-4e3b-9a8c-7d6e5f4a3b2c';
const TC_STRING = 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA';
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ advertiser_id: ADV, tag_id: TRACKER, ...extra });
const PIXEL_CONFIG: Record<string, JsonValue> = { advertiser_id: ADV, tag_type: 'universal_pixel', tag_id: 'p0x1abc' };
const ctx = (cfg: Record<string, JsonValue> = config(), variant = 'default'): PluginContext => ({ config: cfg, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
/** The status and reason of a classification (each request carries one event: never per event). */
const whole = (classification: Classification) => {
  assert.ok(!('perEvent' in classification), JSON.stringify(classification));
  return classification as { status: string; reason?: string; retryAfterMs?: number; throttled?: boolean };
};

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' }, cookies: { ttd_TDID: TDID } },
  ...overrides,
} as CanonicalEvent);

test('config: an advertiser (a merchant sending for it), an Event Tracker or a Universal Pixel; ids told in words when wrong', () => {
  const validate = createConfigAjv().compile(ttd.config);
  assert.equal(validate(config()), true);
  assert.equal(validate(config({ merchant_id: '12345', tag_type: 'event_tracker' })), true);
  assert.equal(validate(PIXEL_CONFIG), true);
  assert.equal(validate({ advertiser_id: ADV }), false, 'a tag is required');
  assert.equal(validate({ tag_id: TRACKER }), false, 'an advertiser is required');
  assert.equal(validate(config({ tag_type: 'pixel' })), false);
  assert.equal(validate(config({ advertiser_id: 'x'.repeat(65) })), false);
  assert.equal(Object.values(ttd.config.properties).some((field) => field.secret === true), false, 'no secret: the endpoint takes no credential');
  assert.deepEqual(validateTradeDeskConfig(config()), []);
  assert.deepEqual(validateTradeDeskConfig(config({ merchant_id: '12345' })), []);
  assert.deepEqual(validateTradeDeskConfig(PIXEL_CONFIG), []);
  assert.deepEqual(validateTradeDeskConfig({ ...PIXEL_CONFIG, merchant_id: '12345' }).map((p) => p.field), ['merchant_id'], 'a Universal Pixel is an advertiser\'s');
  assert.match(validateTradeDeskConfig({ ...PIXEL_CONFIG, merchant_id: '12345' })[0]!.message, /^is set with a Universal Pixel: .*remove merchant_id, or use the merchant's Event Tracker/);
  assert.deepEqual(validateTradeDeskConfig(config({ advertiser_id: ' ' })), [{ field: 'advertiser_id', message: 'is blank: give an Advertiser ID, as The Trade Desk shows it' }]);
  assert.deepEqual(validateTradeDeskConfig(config({ advertiser_id: '4w1 ba8e' })).map((p) => p.field), ['advertiser_id'], 'white space inside');
  const pasted = validateTradeDeskConfig(config({ tag_id: 'https://insight.adsrvr.org/track/evnt/?ct=0:hc7ihke' }));
  assert.deepEqual(pasted.map((p) => p.field), ['tag_id']);
  assert.match(pasted[0]!.message, /^is "https:\/\/insight.adsrvr.org.*": an Event Tracker ID is letters and digits .* without spaces or a URL$/);
  assert.match(validateTradeDeskConfig({ ...PIXEL_CONFIG, tag_id: 'p0x 1abc' })[0]!.message, /a Universal Pixel ID is letters and digits/);
});

test('the request: one event, the config\'s ids first, no credential; every event once, by its MappedEvent id', () => {
  assert.deepEqual(accountFields({ advertiser_id: ` ${ADV} `, tag_id: TRACKER }), { adv: ADV, tracker_id: TRACKER });
  assert.deepEqual(accountFields(config({ merchant_id: '12345', tag_type: 'event_tracker' })), { merchant_id: '12345', tracker_id: TRACKER }, 'the merchant instead of the advertiser, not both');
  assert.deepEqual(accountFields(PIXEL_CONFIG), { adv: ADV, upixel_id: 'p0x1abc' });
  assert.equal(usesUrlMapping(PIXEL_CONFIG), true);
  assert.equal(usesUrlMapping(config()), false, 'an Event Tracker by default');
  const batch: MappedEvent[] = ['m-1', 'm-1#2', 'm-2'].map((id) => ({ id, event: browserEvent(), payload: { event_name: 'purchase', value: '5' } }));
  const requests = ttd.send(batch, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['m-1'], ['m-1#2'], ['m-2']]);
  assert.deepEqual(requests[0], {
    method: 'POST', url: REAL_TIME_CONVERSIONS_URL, headers: { 'content-type': 'application/json' },
    body: { data: [{ adv: ADV, tracker_id: TRACKER, event_name: 'purchase', value: '5' }] }, eventIds: ['m-1'],
  });
  assert.equal(REAL_TIME_CONVERSIONS_URL, 'https://insight.adsrvr.org/track/realtimeconversion');
  assert.deepEqual(ttd.batch, { maxEvents: 1, maxBytes: 100_000 });
});

test('the conversion: TTD\'s fields only, value as decimal text, the page URL, a public IP, the TDID as adid', () => {
  const out = toTradeDeskEvent({
    event_name: 'purchase', value: 74.97, currency: 'usd', order_id: 'ORD-1', referrer_url: 'https://shop.example.com/thanks', client_ip: '203.0.113.42',
    items: [{ item_code: 'SKU-1', name: 'Trail Shoe', qty: 3, price: 24.99, cat: 'Shoes', brand: 'Stride' }], ids: { tdid: TDID }, td1: 'spring', td11: 'x',
    email: 'jane@example.com', properties: { plan: 'pro' },
  }, browserEvent(), ctx());
  assert.deepEqual(out, {
    event_name: 'purchase', value: '74.97', currency: 'USD', order_id: 'ORD-1', items: [{ item_code: 'SKU-1', name: 'Trail Shoe', qty: '3', price: '24.99', cat: 'Shoes' }],
    referrer_url: 'https://shop.example.com/thanks', client_ip: '203.0.113.42', adid: TDID, adid_type: 'TDID', td1: 'spring',
  }, 'email, properties, brand and td11 are no fields of The Trade Desk\'s: left out');
  const bare = toTradeDeskEvent({ event_name: 'sitevisit', referrer_url: 'javascript:alert(1)', client_ip: '10.0.0.8', order_id: 'undefined' }, browserEvent(), ctx());
  assert.deepEqual(bare, { event_name: 'sitevisit' }, 'no page, a private address and a placeholder order id are not sent');
  assert.equal(toTradeDeskEvent({ event_name: 'x'.repeat(150) }, browserEvent(), ctx()).event_name, 'x'.repeat(100));
  assert.equal(toTradeDeskEvent({ event_name: 'sitevisit', client_ip: '2001:DB8::1' }, browserEvent(), ctx()).client_ip, '2001:db8::1');
  const input: JsonObject = { event_name: 'purchase', ids: { tdid: TDID } };
  toTradeDeskEvent(input, browserEvent(), ctx());
  assert.deepEqual(input, { event_name: 'purchase', ids: { tdid: TDID } }, 'the mapped payload is not changed');
});

test('an event The Trade Desk could not count is dead-lettered alone, saying why', () => {
  assert.throws(() => toTradeDeskEvent({ value: 5 }, browserEvent(), ctx()), { name: 'PermanentError', message: 'The Trade Desk needs event_name with an Event Tracker (purchase, addtocart, sitevisit, …): the blueprint mapped none' });
  assert.throws(() => toTradeDeskEvent({ event_name: 'null' }, browserEvent(), ctx()), { name: 'PermanentError', message: /needs event_name .*mapped "null"/ });
  // URL mapping: the Universal Pixel's rules read the page URL; an event name is optional.
  const pixel = ctx(PIXEL_CONFIG);
  assert.deepEqual(toTradeDeskEvent({ referrer_url: 'https://shop.example.com/thanks' }, browserEvent(), pixel), { referrer_url: 'https://shop.example.com/thanks' });
  assert.throws(() => toTradeDeskEvent({ event_name: 'purchase' }, browserEvent(), pixel), { name: 'PermanentError', message: /needs the page URL \(referrer_url, an http\(s\) URL\) with a Universal Pixel.*mapped none/ });
  assert.throws(() => toTradeDeskEvent({ event_name: 'purchase', value: '12,50' }, browserEvent(), ctx()), { name: 'PermanentError', message: 'The Trade Desk takes value as a number (sent as text); the blueprint mapped "12,50": map a number (to_number)' });
  assert.throws(() => toTradeDeskEvent({ event_name: 'purchase', currency: '$' }, browserEvent(), ctx()), { name: 'PermanentError', message: /ISO 4217 code \(USD, EUR\); the blueprint mapped "\$"/ });
  assert.throws(() => toTradeDeskEvent({ event_name: 'purchase', items: [{ item_code: 'a', price: 'free' }] }, browserEvent(), ctx()), { name: 'PermanentError', message: 'The Trade Desk takes items[0].price as a number (sent as text); the blueprint mapped "free": map a number (to_number)' });
});

test('order fields: value from the items when none is mapped, in micro-units; items need an item code; qty and price as text, as TTD\'s schema types them', () => {
  assert.deepEqual(orderFields({ currency: 'eur', items: [{ item_code: 'a', price: 24.99, qty: 3 }, { name: 'no code', price: 1, qty: 1 }, { item_code: 'b', price: '5.5', qty: '1' }] }), {
    value: '80.47', currency: 'EUR', items: [{ item_code: 'a', qty: '3', price: '24.99' }, { item_code: 'b', qty: '1', price: '5.5' }],
  });
  assert.deepEqual(orderFields({ value: 7, items: [{ item_code: 'a', price: 1, qty: 1 }] }).value, '7', 'a mapped value wins');
  assert.equal(orderFields({ items: [{ item_code: 'a', price: 1 }] }).value, undefined, 'no quantity: no value guessed');
  assert.equal(orderFields({ items: [{ item_code: 'a', qty: 3_000_000_000 }] }).items !== undefined, true);
  assert.deepEqual(orderFields({ items: [{ item_code: 'a', qty: 3_000_000_000 }] }).items, [{ item_code: 'a' }], 'a quantity past 32 bits is no quantity');
  assert.deepEqual(orderFields({ items: { item_code: 'one' } }).items, [{ item_code: 'one' }], 'one item mapped as an object');
  // RealTimeConversionEventLineItem (The Trade Desk's Data API schema): item_code, name, qty, price and cat are strings.
  const [typed] = orderFields({ items: [{ item_code: 'a', name: 'A', qty: 2.0, price: 0.1 + 0.2, cat: 'c' }] }).items as JsonObject[];
  assert.deepEqual(typed, { item_code: 'a', name: 'A', qty: '2', price: '0.3', cat: 'c' });
  assert.equal(Object.values(typed!).every((field) => typeof field === 'string'), true);
  for (const [number, text] of [[74.97000000000001, '74.97'], [5, '5'], [0.000001, '0.000001'], [-12.5, '-12.5'], [19.98, '19.98']] as const) assert.equal(decimalText(number), text);
});

test('identity: one advertising id — as mapped, else the device\'s, the TDID, a UID2/EUID/RampID; placeholders and zeros are no one', () => {
  const device = '8A2E4F6D-0852-4B2A-B9D5-79334DE14B16';
  assert.deepEqual(adidOf({ ids: { tdid: TDID } }), { adid: TDID, adid_type: 'TDID' });
  assert.deepEqual(adidOf({ ids: { device_id: device, os: 'iOS', tdid: TDID } }), { adid: device, adid_type: 'IDFA' }, 'an app\'s device id first');
  assert.deepEqual(adidOf({ ids: { device_id: device, os: 'Android' } }), { adid: device, adid_type: 'AAID' });
  assert.deepEqual(adidOf({ ids: { device_id: device, os: 'Windows' } }), { adid: device, adid_type: 'NAID' });
  assert.deepEqual(adidOf({ ids: { device_id: device } }), { adid: device, adid_type: 'DAID' });
  assert.deepEqual(adidOf({ ids: { device_id: device, os: 'iOS', ad_tracking: false, tdid: TDID } }), { adid: TDID, adid_type: 'TDID' }, 'a device limiting ad tracking: its id is not sent');
  assert.deepEqual(adidOf({ ids: { device_id: '00000000-0000-0000-0000-000000000000', tdid: 'undefined', uid2: 'null', euid: 'EUID+raw/value==' } }), { adid: 'EUID+raw/value==', adid_type: 'EUID' });
  assert.deepEqual(adidOf({ adid: 'A4mF4Xz1jV2Kq8pWd3oL5nR7tY9uE0iS6hG2bC1vX8M=', adid_type: 'uid2', ids: { tdid: TDID } }), { adid: 'A4mF4Xz1jV2Kq8pWd3oL5nR7tY9uE0iS6hG2bC1vX8M=', adid_type: 'UID2' }, 'a mapped adid wins');
  assert.deepEqual(adidOf({ adid: 'not-a-guid', adid_type: 'TDID', ids: { tdid: TDID } }), { adid: TDID, adid_type: 'TDID' }, 'a TDID must be a GUID');
  assert.deepEqual(adidOf({ adid: TDID, adid_type: 'COOKIE' }), undefined, 'an adid_type TTD does not take');
  assert.equal(adidOf({ ids: { uid2: 'has space' } }), undefined);
  assert.equal(adidOf({}), undefined);
  assert.equal(guidOf(` ${TDID.toUpperCase()} `), TDID.toUpperCase(), 'trimmed, its case kept');
});

test('the impression id: the landing URL\'s ttd_imp beats the cookie; an unfilled macro is none', () => {
  const landing = browserEvent({ context: { page: { url: `https://shop.example.com/?utm_source=ttd&ttd_imp=${IMP}#top` } } });
  assert.equal(impOf({ imp: '11111111-2222-3333-4444-555555555555' }, landing), IMP);
  assert.equal(impOf({ imp: '11111111-2222-3333-4444-555555555555' }, browserEvent()), '11111111-2222-3333-4444-555555555555');
  assert.equal(impOf({}, browserEvent({ context: { page: { search: `?ttd_imp=${IMP}` } } })), IMP);
  assert.equal(impOf({}, browserEvent({ type: 'page', properties: { url: `https://shop.example.com/?ttd_imp=${IMP}` }, context: {} } as never)), IMP);
  assert.equal(impOf({ imp: 'undefined' }, browserEvent({ context: { page: { url: 'https://shop.example.com/?ttd_imp=%%TTD_IMPRESSIONID%%' } } })), undefined);
  assert.deepEqual(ttd.clickIds, [{ param: 'ttd_imp', cookie: '_dfttdimp', days: 30 }]);
  assert.deepEqual(ttd.cookies, ['ttd_TDID', '_dfttdimp']);
});

test('privacy: TCF, GPP and US Privacy strings as privacy_settings; Limited Data Use for US states only', () => {
  assert.deepEqual(privacySettings({ gdpr_applies: true, gdpr_consent: TC_STRING }), [{ privacy_type: 'GDPR', is_applicable: '1', consent_string: TC_STRING }]);
  assert.deepEqual(privacySettings({ gdpr_consent: TC_STRING }), [{ privacy_type: 'GDPR', is_applicable: '1', consent_string: TC_STRING }], 'a TC string is written where the GDPR applies');
  assert.deepEqual(privacySettings({ gdpr_applies: false, gdpr_consent: TC_STRING }), [{ privacy_type: 'GDPR', is_applicable: '0', consent_string: TC_STRING }]);
  assert.equal(privacySettings({ gdpr_applies: true }), undefined, 'no string, no entry');
  assert.deepEqual(privacySettings({ gpp: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA', us_privacy: '1ynn' }), [
    { privacy_type: 'GPP', is_applicable: '1', consent_string: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' },
    { privacy_type: 'CCPA', is_applicable: '1', consent_string: '1YNN' },
  ]);
  assert.equal(privacySettings({ us_privacy: 'yes', gdpr_consent: 'not a <string>' }), undefined);
  // RudderStack's ready-made entries (integrations.THE_TRADE_DESK.privacy_settings): checked, as text, after the CMP's own strings.
  assert.deepEqual(privacySettings({ gpp: 'DBABMA~1YNN', settings: [
    { privacy_type: 'gdpr', is_applicable: 0, consent_string: TC_STRING }, { privacy_type: 'GPP', is_applicable: 1, consent_string: 'DBABMA~other' },
    { privacy_type: 'CCPA', consent_string: '1ynn' }, { privacy_type: 'CCPA', consent_string: '1NNN' }, { privacy_type: 'COPPA', consent_string: 'x' }, { privacy_type: 'GDPR', consent_string: '<script>' }, 'junk',
  ] }), [
    { privacy_type: 'GPP', is_applicable: '1', consent_string: 'DBABMA~1YNN' },
    { privacy_type: 'GDPR', is_applicable: '0', consent_string: TC_STRING },
    { privacy_type: 'CCPA', is_applicable: '1', consent_string: '1YNN' },
  ], 'the CMP\'s GPP string wins over an entry; one entry of each kind; unknown kinds and unreadable strings left out');
  assert.equal(privacySettings({ settings: [{ privacy_type: 'CCPA', consent_string: 'opt-out' }] }), undefined, 'a CCPA entry needs a US Privacy string');
  assert.deepEqual(dataProcessingOption({ policies: 'ldu', region: 'ca', country: 'US' }), { policies: ['LDU'], region: 'US-CA' });
  assert.deepEqual(dataProcessingOption({ policies: ['LDU', 'OTHER'], region: 'us-ny' }), { policies: ['LDU'], region: 'US-NY' });
  assert.deepEqual(dataProcessingOption({ policies: ['LDU'], region: 'CA', country: 'United States' }), { policies: ['LDU'], region: 'US-CA' });
  assert.equal(dataProcessingOption({ policies: ['LDU'], region: 'BY', country: 'DE' }), undefined, 'Limited Data Use is for US states');
  assert.equal(dataProcessingOption({ policies: ['LDU'] }), undefined, 'no state to apply it in');
  assert.equal(dataProcessingOption({ policies: ['GDPR'], region: 'US-CA' }), undefined);
});

test('classify: 2xx delivered (FailedLines refused), 429 throttled with Retry-After, 5xx retried, 4xx dead-lettered with TTD\'s words', () => {
  assert.deepEqual(classifyTradeDesk(answer(200, '')), { status: 'delivered' });
  // The Trade Desk's answer to an accepted conversion, as RudderStack recorded it.
  assert.deepEqual(classifyTradeDesk(answer(200, { Message: null, EventResponses: [] })), { status: 'delivered' });
  assert.deepEqual(classifyTradeDesk(answer(200, { FailedLines: [] })), { status: 'delivered' });
  assert.deepEqual(whole(classifyTradeDesk(answer(200, { FailedLines: [{ ErrorCode: 'MissingUserId', Message: 'Invalid TDID, item #1' }] }))), { status: 'dead_letter', reason: 'The Trade Desk refused the event (HTTP 200): Invalid TDID, item #1 (MissingUserId)' });
  assert.deepEqual(failedLines({ FailedLines: [{ ErrorCode: 'X' }, 'junk'] }), ['X']);
  const limited = whole(classifyTradeDesk(answer(429, 'Too Many Requests', { 'Retry-After': '30' })));
  assert.deepEqual(limited, { status: 'retry', reason: 'The Trade Desk rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 30_000, throttled: true });
  assert.deepEqual(whole(classifyTradeDesk(answer(429, ''))), { status: 'retry', reason: 'The Trade Desk rate limit reached (HTTP 429: (no body))', throttled: true });
  assert.deepEqual(whole(classifyTradeDesk(answer(503, '<html>Service Unavailable</html>', { 'retry-after': '5' }))), { status: 'retry', reason: 'The Trade Desk HTTP 503: <html>Service Unavailable</html>', retryAfterMs: 5000 });
  assert.equal(whole(classifyTradeDesk(answer(408, ''))).status, 'retry');
  assert.deepEqual(whole(classifyTradeDesk(answer(400, { Message: 'The request is invalid.', ErrorDetails: [{ Property: 'data[0].currency', Reasons: ['Currency must be a valid ISO 4217 code'] }] }))), {
    status: 'dead_letter', reason: 'The Trade Desk refused the event (HTTP 400): The request is invalid.; Currency must be a valid ISO 4217 code',
  });
  assert.equal(whole(classifyTradeDesk(answer(400, 'Bad Request'))).reason, 'The Trade Desk refused the event (HTTP 400): Bad Request');
  // A refused conversion, as RudderStack recorded it: the event's errors, not the raw JSON.
  const refused = { Message: null, EventResponses: [{ EventIndex: 0, EventErrors: [{ Error: 'InvalidPrivacySetting', ErrorMessage: 'The request has an invalid privacy setting.' }], EventWarnings: [], Successful: false }] };
  assert.deepEqual(whole(classifyTradeDesk(answer(400, refused))), { status: 'dead_letter', reason: 'The Trade Desk refused the event (HTTP 400): The request has an invalid privacy setting. (InvalidPrivacySetting)' });
  assert.deepEqual(eventErrors({ EventResponses: [{ EventErrors: [{ Error: 'X' }, 'junk'] }, 'junk'] }), ['X']);
  assert.equal(whole(classifyTradeDesk(answer(402, { message: 'Tracking tag not found' }))).reason, 'The Trade Desk refused the event (HTTP 402): Tracking tag not found');
  const forbidden = whole(classifyTradeDesk(answer(403, 'Forbidden')));
  assert.equal(forbidden.status, 'dead_letter');
  assert.match(forbidden.reason!, /^The Trade Desk refused the conversion for its account or tag \(HTTP 403, Forbidden\): check config\.advertiser_id \(or merchant_id\), config\.tag_type and config\.tag_id — the tag must belong/);
  assert.match(whole(classifyTradeDesk(answer(404, 'Not Found'))).reason!, /endpoint was not found \(HTTP 404, Not Found\).*SIGNAL_VENDOR_REDIRECTS/);
  assert.match(whole(classifyTradeDesk(answer(413, ''))).reason!, /too large \(HTTP 413, \(no body\)\): map fewer items/);
  const long = whole(classifyTradeDesk(answer(400, 'x'.repeat(500)))).reason!;
  assert.equal(long.length < 400 && long.endsWith('…'), true, 'a long body is cut');
});

test('definition: advertising consent, no deletion forwarding (TTD deletes by its own ids), one event a request', () => {
  assert.deepEqual(ttd.consent, ['advertising']);
  assert.equal(ttd.forgetPerson, undefined);
  assert.equal(ttd.accessToken, undefined);
  assert.deepEqual(Object.keys(ttd.variants), ['default', 'retail']);
  assert.deepEqual(ttd.rateLimit, { rps: 50 });
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/the_trade_desk/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent, cfg: Record<string, JsonValue> = config()) => {
  const mapped = blueprint(variant).mapEvent(event);
  assert.deepEqual(mapped.errors, [], `${variant} ${event.event ?? event.type}`);
  return mapped.vendorEvent === null ? null : toTradeDeskEvent(mapped.vendorEvent as JsonObject, event, ctx(cfg, variant));
};

test('blueprints: Segment\'s ecommerce spec as The Trade Desk\'s standard events, with value, currency, order id and items', () => {
  const products: JsonObject[] = [{ product_id: 'SKU-1', name: 'Trail Shoe', category: 'Shoes', price: 29.99, quantity: 2 }, { sku: 'SKU-2', price: '5' }];
  for (const variant of ['default', 'retail']) {
    assert.deepEqual(mapThrough(variant, browserEvent({ properties: { order_id: 'ORD-1', revenue: '64.98', total: 70, currency: 'gbp', products } })), {
      event_name: 'purchase', value: '64.98', currency: 'GBP', order_id: 'ORD-1',
      items: [{ item_code: 'SKU-1', name: 'Trail Shoe', qty: '2', price: '29.99', cat: 'Shoes' }, { item_code: 'SKU-2', qty: '1', price: '5' }],
      referrer_url: 'https://shop.example.com/thanks', client_ip: '203.0.113.42', adid: TDID, adid_type: 'TDID',
    }, `${variant}: purchase`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', name: 'Trail Shoe', price: 24.99, quantity: 3, currency: 'EUR' } }))!;
    assert.deepEqual([added.event_name, added.value, added.currency, added.items], ['addtocart', '74.97', 'EUR', [{ item_code: 'SKU-1', name: 'Trail Shoe', qty: '3', price: '24.99' }]]);
    const names: Array<[string, string]> = [['Product Viewed', 'viewitem'], ['Products Searched', 'searchitem'], ['Product Added to Wishlist', 'wishlistitem'], ['Cart Viewed', 'viewcart'], ['Checkout Started', 'startcheckout'], ['view_item', 'viewitem'], ['begin_checkout', 'startcheckout']];
    for (const [event, name] of names) assert.equal(mapThrough(variant, browserEvent({ event, properties: { product_id: 'SKU-1' } }))!.event_name, name, `${variant}: ${event}`);
    assert.equal(mapThrough(variant, browserEvent({ type: 'page', event: undefined, name: 'Home' } as never))!.event_name, 'sitevisit');
    for (const call of ['identify', 'group', 'alias', 'screen']) assert.equal(mapThrough(variant, browserEvent({ type: call, event: undefined, traits: { email: 'a@x.com' } } as never)), null, `${variant}: no ${call} at The Trade Desk`);
    assert.equal(blueprint(variant).mapEvent(browserEvent({ properties: { revenue: 5, currency: '€€' } })).errors.length, 1, `${variant}: an unreadable currency is an error naming it`);
  }
  assert.deepEqual(mapThrough('default', browserEvent({ event: 'Signed In' }))!.event_name, 'login');
  assert.deepEqual(mapThrough('default', browserEvent({ event: 'Lead Generated', properties: { value: 20, currency: 'USD' } })), {
    event_name: 'messagebusiness', value: '20', currency: 'USD', referrer_url: 'https://shop.example.com/thanks', client_ip: '203.0.113.42', adid: TDID, adid_type: 'TDID',
  });
  assert.deepEqual(mapThrough('default', browserEvent({ event: 'Newsletter Opened', properties: { value: 2, currency: 'usd' } }))!.event_name, 'Newsletter Opened', 'default: any other event under its own name');
  assert.equal(mapThrough('retail', browserEvent({ event: 'Newsletter Opened' })), null, 'retail: the funnel only');
  assert.equal(mapThrough('retail', browserEvent({ event: 'Signed In' })), null);
});

test('blueprints: the visitor\'s ids, the landing page\'s impression, the CMP\'s strings, RudderStack\'s privacy_settings and LDU; no contact data', () => {
  const device = '8A2E4F6D-0852-4B2A-B9D5-79334DE14B16';
  const app = mapThrough('default', browserEvent({ context: { ip: '203.0.113.42', device: { advertisingId: device, adTrackingEnabled: true }, os: { name: 'iOS' }, traits: { email: 'jane@example.com', phone: '+16169547888' } } }))!;
  assert.deepEqual([app.adid, app.adid_type], [device, 'IDFA']);
  assert.equal(JSON.stringify(app).includes('jane'), false, 'no email, in any form');
  assert.equal(mapThrough('default', browserEvent({ context: { device: { advertisingId: device, adTrackingEnabled: false }, os: { name: 'Android' }, cookies: { ttd_TDID: TDID } } }))!.adid_type, 'TDID');
  const landing = mapThrough('default', browserEvent({ type: 'page', event: undefined, context: { page: { url: `https://shop.example.com/?ttd_imp=${IMP}` }, cookies: { _dfttdimp: '11111111-2222-3333-4444-555555555555' } } } as never))!;
  assert.equal(landing.imp, IMP, 'a new click beats the cookie');
  assert.equal(mapThrough('default', browserEvent({ context: { cookies: { _dfttdimp: IMP } } }))!.imp, IMP);
  const consented = mapThrough('default', browserEvent({ context: { cookies: { ttd_TDID: TDID }, tcf: { gdprApplies: true, tcString: TC_STRING }, usPrivacy: '1YNN', consent: { advertising: true } } } as never))!;
  assert.deepEqual(consented.privacy_settings, [{ privacy_type: 'GDPR', is_applicable: '1', consent_string: TC_STRING }, { privacy_type: 'CCPA', is_applicable: '1', consent_string: '1YNN' }]);
  assert.equal(consented.data_processing_option, undefined);
  // The canonical place, context.consent.iab, read first (the older places after it).
  const canonical = mapThrough('default', browserEvent({ context: { cookies: { ttd_TDID: TDID }, tcf: { tcString: 'older-place' }, consent: { advertising: true, iab: { gdprApplies: true, tcString: TC_STRING, gppString: 'DBABMA~1YNN', usPrivacy: '1YNN' } } } } as never))!;
  assert.deepEqual(canonical.privacy_settings, [{ privacy_type: 'GDPR', is_applicable: '1', consent_string: TC_STRING }, { privacy_type: 'GPP', is_applicable: '1', consent_string: 'DBABMA~1YNN' }, { privacy_type: 'CCPA', is_applicable: '1', consent_string: '1YNN' }]);
  const optedOut = mapThrough('default', browserEvent({ context: { consent: { advertising: false, gdprApplies: false }, location: { country: 'US', region: 'CA' }, gpp: { gppString: 'DBABMA~1YNN' } } } as never))!;
  assert.deepEqual([optedOut.data_processing_option, optedOut.privacy_settings], [{ policies: ['LDU'], region: 'US-CA' }, [{ privacy_type: 'GPP', is_applicable: '1', consent_string: 'DBABMA~1YNN' }]]);
  // A RudderStack SDK's integrations object, as its The Trade Desk destination reads it (the key in its spellings).
  for (const variant of ['default', 'retail']) {
    const rudder = mapThrough(variant, browserEvent({ integrations: { THE_TRADE_DESK: { privacy_settings: [{ privacy_type: 'GDPR', is_applicable: 1, consent_string: TC_STRING }], region: 'US-CA' } } }))!;
    assert.deepEqual([rudder.privacy_settings, rudder.data_processing_option], [[{ privacy_type: 'GDPR', is_applicable: '1', consent_string: TC_STRING }], { policies: ['LDU'], region: 'US-CA' }], `${variant}: RudderStack's form`);
    assert.deepEqual(mapThrough(variant, browserEvent({ integrations: { the_trade_desk: { policies: ['LDU'], region: 'us-ny' } } }))!.data_processing_option, { policies: ['LDU'], region: 'US-NY' });
    assert.equal(mapThrough(variant, browserEvent({ integrations: { THE_TRADE_DESK: { region: 'DE-BY' } } }))!.data_processing_option, undefined, 'LDU is for US states');
    assert.equal(mapThrough(variant, browserEvent({ integrations: { THE_TRADE_DESK: true } }))!.privacy_settings, undefined);
  }
});
