import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { setGpcRule } from '../../core/pipeline/gpc-rule.ts';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, PermanentError, RetryableError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import amazonAds from './index.ts';
import { amazonAccessToken, amazonTokenRequest, readAmazonTokenAnswer, TOKEN_URL } from './access-token.ts';
import { eventTimeText, toAmazonEvent } from './amazon-event.ts';
import { classifyAmazonAds, namedEvents } from './classify.ts';
import { isAmazonCountry } from './country-code.ts';
import { validateAmazonAdsConfig } from './config.ts';
import { consentOf, consentStatus } from './consent.ts';
import { matchKeysOf } from './match-keys.ts';
import { MAX_EVENTS, requestsFor } from './requests.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const CONFIG = {
  client_id: 'amzn1.application-oa2-client.0123456789abcdef', client_secret: 'amzn1.oa2-cs.v1.0123456789abcdef',
  refresh_token: 'Atzr|IwEBIRefreshToken0123456789', account_id: 'amzn1.ads-account.g.abc123', country_code: 'US',
};
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const ctx = (config: Record<string, JsonValue> = CONFIG, warnings: string[] = []): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: 'Atza|access', warn: (message) => warnings.push(message),
});
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => {
  let json: JsonValue | undefined;
  try { json = JSON.parse(body) as JsonValue; } catch { json = undefined; }
  return { status, body, headers, ...(json !== undefined ? { json } : {}) };
};
const whole = (result: Classification) => result as Extract<Classification, { status: string }> & { reason?: string; retryAfterMs?: number; throttled?: boolean };

const event = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-7', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  properties: { order_id: 'ORD-1', revenue: 74.975, currency: 'usd', products: [{ product_id: 'SKU-1', quantity: 2 }, { product_id: 'SKU-2' }] },
  context: {
    ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' },
    consent: { advertising: true, iab: { tcString: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' } },
    traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (415) 555-0123', first_name: 'Jane', address: { city: 'San Francisco', state: 'CA', postal_code: '94103 1234', country: 'United States' } },
  },
  ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/amazon_ads/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(e);
  assert.deepEqual(mapped.errors, [], `${e.event ?? e.type}`);
  const payload = mapped.vendorEvent === null ? null : toAmazonEvent(mapped.vendorEvent as JsonObject, e, ctx(config, warnings));
  return { payload, warnings };
};
const refusal = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  try {
    mapThrough(e, config);
  } catch (error) {
    assert.ok(error instanceof PermanentError, String(error));
    return error.message;
  }
  assert.fail('not refused');
};

test('the plugin loads and its conformance config validates', () => {
  assert.equal(amazonAds.id, 'amazon_ads');
  assert.equal(amazonAds.category, 'advertising');
  const config = JSON.parse(readFileSync(new URL('./conformance-config.json', import.meta.url), 'utf8')) as Record<string, JsonValue>;
  const validate = createConfigAjv().compile(amazonAds.config);
  assert.equal(validate(config), true, JSON.stringify(validate.errors));
  assert.deepEqual(validateAmazonAdsConfig(config), []);
});

test('an Order Completed is the documented OFF_AMAZON_PURCHASES event: hashed match keys, value, currency, units sold, consent', () => {
  const { payload, warnings } = mapThrough(event());
  assert.deepEqual(warnings, []);
  assert.deepEqual(payload, {
    eventDescription: { name: 'Order Completed', conversionType: 'OFF_AMAZON_PURCHASES', eventSource: 'WEBSITE', eventIngestionMethod: 'SERVER_TO_SERVER' },
    eventTime: '2026-12-01T11:00:00Z',
    eventId: 'm-1',
    countryCode: 'US',
    matchKeys: [
      { type: 'EMAIL', values: [sha('jane.doe@example.com')] },
      { type: 'PHONE', values: [sha('14155550123')] },
      { type: 'FIRST_NAME', values: [sha('jane')] },
      { type: 'CITY', values: [sha('sanfrancisco')] },
      { type: 'STATE', values: [sha('ca')] },
      { type: 'POSTAL', values: [sha('941031234')] },
    ],
    consent: { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' }, geo: { ipAddress: '203.0.113.42' }, tcf: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' },
    value: 74.98,
    currencyCode: 'USD',
    unitsSold: 3,
    deviceInfo: { userAgent: 'Mozilla/5.0' },
  });
});

test('Segment spec events and page calls get their conversion types; others only through config.conversion_types', () => {
  const typeOf = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => ((mapThrough(e, config).payload?.eventDescription as JsonObject | undefined)?.conversionType);
  for (const [name, type] of [['Product Added', 'ADD_TO_SHOPPING_CART'], ['Checkout Started', 'CHECKOUT'], ['Products Searched', 'SEARCH'], ['Signed Up', 'SIGN_UP'], ['Lead Generated', 'LEAD'], ['Subscription Started', 'SUBSCRIBE'], ['Application Submitted', 'APPLICATION'], ['Callback Started', 'CONTACT'], ['Application Installed', 'MOBILE_APP_FIRST_START']]) {
    assert.equal(typeOf(event({ event: name, properties: {} })), type, name);
  }
  const page = mapThrough(event({ type: 'page', event: undefined, name: 'Pricing', properties: {} })).payload;
  assert.deepEqual(page?.eventDescription, { name: 'Page View', conversionType: 'PAGE_VIEW', eventSource: 'WEBSITE', eventIngestionMethod: 'SERVER_TO_SERVER' });
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(event({ event: 'Demo Requested', properties: {} }));
  assert.equal(toAmazonEvent(mapped.vendorEvent as JsonObject, event({ event: 'Demo Requested' }), ctx(CONFIG, warnings)), null, 'not sent');
  assert.match(warnings[0] ?? '', /"Demo Requested" not sent to Amazon: no Amazon conversion type for it \(name one in config\.conversion_types/);
  assert.equal(typeOf(event({ event: 'Demo Requested', properties: {} }), { ...CONFIG, conversion_types: { 'Demo Requested': 'lead' } }), 'LEAD');
  assert.equal(typeOf(event({ type: 'page', event: undefined, name: 'Pricing', properties: {} }), { ...CONFIG, conversion_types: { 'page:Pricing': 'OTHER' } }), 'OTHER');
  assert.equal(blueprint.mapEvent(event({ type: 'identify', event: undefined })).vendorEvent, null, 'identify not sent');
  assert.match(refusal(event(), { ...CONFIG, conversion_types: { 'Order Completed': 'PURCHASE' } }), /^Amazon has no conversion type "PURCHASE": it takes ADD_TO_SHOPPING_CART, /);
});

test('the event source: auto by the app\'s OS, the config\'s, a mapped one checked; the dataset and Limited Data Use from the config', () => {
  const app = event({ context: { ...event().context, app: { name: 'Shop', namespace: 'com.example.shop' }, os: { name: 'iOS' } } });
  assert.equal((mapThrough(app).payload?.eventDescription as JsonObject).eventSource, 'IOS');
  const android = event({ context: { ...event().context, app: { name: 'Shop' }, os: { name: 'Android' } } });
  assert.equal((mapThrough(android).payload?.eventDescription as JsonObject).eventSource, 'ANDROID');
  const { payload } = mapThrough(event(), { ...CONFIG, event_source: 'OFFLINE', data_set_name: 'store_sales', limited_data_use: true });
  assert.deepEqual(payload?.eventDescription, { name: 'Order Completed', conversionType: 'OFF_AMAZON_PURCHASES', eventSource: 'OFFLINE', eventIngestionMethod: 'SERVER_TO_SERVER', dataSetName: 'store_sales' });
  assert.deepEqual(payload?.dataProcessingOptions, { options: 'LIMITED_DATA_USE' });
  const mapped = { ...(blueprint.mapEvent(event()).vendorEvent as JsonObject), eventDescription: { conversionType: 'LEAD', eventSource: 'kiosk' } };
  assert.throws(() => toAmazonEvent(mapped, event(), ctx()), /Amazon has no eventSource "kiosk": it takes WEBSITE, ANDROID, IOS, FIRE_TV, OFFLINE, MEASUREMENT_ATTRIBUTION_PARTNER/);
  // The API's EventSource enum also has MEASUREMENT_ATTRIBUTION_PARTNER.
  const partner = { ...mapped, eventDescription: { conversionType: 'LEAD', eventSource: 'measurement attribution partner' } };
  assert.equal((toAmazonEvent(partner, event(), ctx())?.eventDescription as JsonObject).eventSource, 'MEASUREMENT_ATTRIBUTION_PARTNER');
});

test('the country: the event\'s, its locale\'s region, the config\'s; none refused naming config.country_code', () => {
  const countryOf = (e: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => mapThrough(e, config).payload?.countryCode;
  assert.equal(countryOf(event()), 'US');
  const withoutAddress = (locale?: string) => event({ context: { ...event().context, ...(locale ? { locale } : {}), traits: { email: 'jane@example.com' } } });
  assert.equal(countryOf(withoutAddress('de-DE'), { ...CONFIG, country_code: 'fr' }), 'DE');
  assert.equal(countryOf(withoutAddress(), { ...CONFIG, country_code: 'fr' }), 'FR');
  const { country_code: _none, ...noCountry } = CONFIG;
  assert.match(refusal(withoutAddress(), noCountry), /^Amazon requires the country of every event \(countryCode, ISO 3166-1 alpha-2\), and "Order Completed" says none: set config\.country_code/);
  // A code outside Amazon's enum (which would fail the schema check of the whole request) is not sent.
  const inEurope = (country: string) => event({ context: { ...event().context, traits: { email: 'jane@example.com', address: { country } } } });
  assert.equal(countryOf(inEurope('EU'), { ...CONFIG, country_code: 'fr' }), 'FR');
  assert.equal(countryOf(inEurope('UK')), 'GB');
  assert.match(refusal(inEurope('XX'), noCountry), /says none it takes \("XX" is no ISO 3166-1 country\): set config\.country_code/);
  assert.deepEqual(validateAmazonAdsConfig({ ...CONFIG, country_code: 'eu' }).map((p) => p.field), ['country_code']);
});

test('Amazon\'s countries: the 249 codes of ISO 3166-1 and ZZ, as its OpenAPI enum lists them', () => {
  const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
  const taken = letters.flatMap((a) => letters.map((b) => a + b)).filter(isAmazonCountry);
  assert.equal(taken.length, 250);
  for (const code of ['AX', 'BQ', 'CW', 'SS', 'SX', 'UM', 'ZZ']) assert.ok(taken.includes(code), code);
  for (const code of ['EU', 'UN', 'XK', 'UK', 'AC', 'QO', 'us']) assert.equal(isAmazonCountry(code), false, code);
});

test('purchases: a value without a currency uses config.default_currency, else is refused; a negative value refused; other types\' values kept as scores', () => {
  const noCurrency = event({ properties: { revenue: 20 } });
  assert.match(refusal(noCurrency), /^Amazon requires the currency \(ISO 4217\) of a purchase's value, and "Order Completed" has none: send properties\.currency, or set config\.default_currency/);
  const { payload } = mapThrough(noCurrency, { ...CONFIG, default_currency: 'eur' });
  assert.equal(payload?.currencyCode, 'EUR');
  assert.equal(payload?.value, 20);
  assert.equal(payload?.unitsSold, undefined, 'no products, no quantity: Amazon applies 1');
  assert.match(refusal(event({ properties: { revenue: -5, currency: 'USD' } })), /from 0 up/);
  const lead = mapThrough(event({ event: 'Demo Requested', properties: { value: 12.345, currency: 'USD' } }), { ...CONFIG, conversion_types: { 'Demo Requested': 'LEAD' } }).payload;
  assert.equal(lead?.value, 12.35);
  assert.equal(lead?.currencyCode, undefined, 'a currency only with a purchase');
});

test('match keys: normalised and hashed, clear ones as given, unusable ones warned; none at all refused', () => {
  assert.deepEqual(matchKeysOf({ email: 'JANE+shop@Example.com ', phone: '(415) 555-0123', maid: '00000000-0000-0000-0000-000000000000', ramp_id: 'XY1234', match_id: 'cust_42', ip: '1.2.3.4' }, { defaultCountryCode: '1' }), {
    matchKeys: [{ type: 'EMAIL', values: [sha('jane+shop@example.com')] }, { type: 'PHONE', values: [sha('14155550123')] }, { type: 'RAMP_ID', values: ['XY1234'] }, { type: 'MATCH_ID', values: ['cust_42'] }],
    unusable: ['ip', 'maid'],
  });
  const hashed = sha('jane@example.com');
  assert.deepEqual(matchKeysOf({ email: hashed.toUpperCase() }).matchKeys, [{ type: 'EMAIL', values: [hashed] }], 'a digest is not hashed twice');
  const warned = mapThrough(event({ context: { ...event().context, traits: { email: 'jane@example.com', phone: '415 555 0123' } } })).warnings;
  assert.match(warned[0] ?? '', /^matchKeys\.phone left out: not a number in E\.164 .*config\.default_country_calling_code/);
  const maid = mapThrough(event({ context: { ...event().context, device: { advertisingId: 'EA7583CD-A667-48BC-B806-42ECB2B48606', adTrackingEnabled: true } } })).payload;
  assert.deepEqual((maid?.matchKeys as JsonObject[]).at(-1), { type: 'MAID', values: ['EA7583CD-A667-48BC-B806-42ECB2B48606'] });
  const off = mapThrough(event({ context: { ...event().context, device: { advertisingId: 'EA7583CD-A667-48BC-B806-42ECB2B48606', adTrackingEnabled: false } } })).payload;
  assert.equal((off?.matchKeys as JsonObject[]).some((key) => key.type === 'MAID'), false, 'not when the device limits ad tracking');
  assert.match(refusal(event({ context: { ip: '203.0.113.42', traits: { address: { country: 'US' } } } })), /^Amazon cannot match "Order Completed" to anyone: it needs at least one match key/);
});

test('consent: values read as GRANTED/DENIED, amznAdStorage alone no amazonConsent; an EU account\'s event without any refused', () => {
  assert.equal(consentStatus(false), 'DENIED');
  assert.equal(consentStatus('granted'), 'GRANTED');
  assert.equal(consentStatus('perhaps'), undefined);
  assert.deepEqual(consentOf({ amazonConsent: { amznAdStorage: 'granted' }, gpp: ' DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA ' }), { gpp: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' });
  const google = event({ context: { ...event().context, consent: { google: { ad_user_data: 'denied', ad_storage: 'granted' } } } });
  assert.deepEqual((mapThrough(google).payload?.consent as JsonObject).amazonConsent, { amznUserData: 'DENIED', amznAdStorage: 'GRANTED' });
  const server = event({ context: { traits: { email: 'jane@example.com', address: { country: 'DE' } } } });
  assert.equal(mapThrough(server).payload?.consent, undefined, 'none needed outside Europe');
  assert.match(refusal(server, { ...CONFIG, region: 'EU' }), /^Amazon requires a consent signal of every event an advertiser in Europe sends/);
});

test('the event time: ISO 8601 to the second, a time ahead of Signal\'s clock as now', () => {
  assert.equal(eventTimeText(Date.parse('2026-11-12T14:15:22.789Z')), '2026-11-12T14:15:22Z');
  assert.equal(mapThrough(event({ timestamp: '2027-01-01T00:00:00Z' })).payload?.eventTime, '2026-12-01T12:00:00Z');
});

test('requests: the region\'s host, the documented headers, 500 events a request in order', () => {
  const batch: MappedEvent[] = Array.from({ length: MAX_EVENTS + 1 }, (_, i) => ({ id: `m-${i}`, event: event(), payload: { eventId: `m-${i}` } }));
  const requests = requestsFor(batch, ctx({ ...CONFIG, region: 'EU' }));
  assert.equal(requests.length, 2);
  const [first, second] = requests as [RequestDescriptor, RequestDescriptor];
  assert.equal(first.method, 'POST');
  assert.equal(first.url, 'https://advertising-api-eu.amazon.com/adsApi/v1/create/events');
  assert.deepEqual(first.headers, {
    authorization: 'Bearer Atza|access', 'amazon-ads-accountid': 'amzn1.ads-account.g.abc123', 'amazon-ads-clientid': CONFIG.client_id,
    'amazon-advertising-api-clientid': CONFIG.client_id, 'content-type': 'application/json', accept: 'application/json',
  });
  assert.equal((first.body as { events: JsonObject[] }).events.length, 500);
  assert.deepEqual(second.eventIds, ['m-500']);
  assert.deepEqual(second.body, { events: [{ eventId: 'm-500' }] });
  assert.equal(requestsFor(batch.slice(0, 1), ctx())[0]?.url, 'https://advertising-api.amazon.com/adsApi/v1/create/events');
  assert.equal(requestsFor(batch.slice(0, 1), ctx({ ...CONFIG, region: 'FE' }))[0]?.url, 'https://advertising-api-fe.amazon.com/adsApi/v1/create/events');
});

test('the token exchange: Login with Amazon\'s refresh-token grant; refusals naming the fields', () => {
  const request = amazonTokenRequest(ctx());
  assert.equal(request.url, TOKEN_URL);
  assert.equal(request.body, `grant_type=refresh_token&refresh_token=${encodeURIComponent(CONFIG.refresh_token)}&client_id=${CONFIG.client_id}&client_secret=${CONFIG.client_secret}`);
  assert.equal(amazonAccessToken.enabled(CONFIG), true);
  assert.deepEqual(readAmazonTokenAnswer(answer(200, JSON.stringify({ access_token: 'Atza|new', refresh_token: CONFIG.refresh_token, token_type: 'bearer', expires_in: 3600 }))), { accessToken: 'Atza|new', expiresInSeconds: 3600, refreshToken: CONFIG.refresh_token });
  assert.throws(() => readAmazonTokenAnswer(answer(400, '{"error":"invalid_grant","error_description":"The request has an invalid grant parameter : refresh_token"}')),
    (error: Error) => error instanceof PermanentError && /^Login with Amazon refused the refresh token \(HTTP 400, invalid_grant: The request has an invalid grant parameter : refresh_token\): .*config\.refresh_token/.test(error.message));
  assert.throws(() => readAmazonTokenAnswer(answer(401, '{"error":"invalid_client","error_description":"Client authentication failed"}')), /check config\.client_id and config\.client_secret/);
  assert.throws(() => readAmazonTokenAnswer(answer(503, 'Service Unavailable')), RetryableError);
});

test('config problems name their field', () => {
  assert.deepEqual(validateAmazonAdsConfig({ ...CONFIG, refresh_token: 'Atza|IwEBIAccessToken' }), [{ field: 'refresh_token', message: 'is an access token (Atza|…), which lasts an hour: give the refresh token (Atzr|…) that Login with Amazon answered with it' }]);
  assert.deepEqual(validateAmazonAdsConfig({ ...CONFIG, client_id: 'amzn1.oa2-cs.v1.abc' }).map((p) => p.field), ['client_id']);
  assert.deepEqual(validateAmazonAdsConfig({ ...CONFIG, client_secret: 'Bearer amzn1.oa2-cs.v1.abc' }).map((p) => p.field), ['client_secret']);
  assert.deepEqual(validateAmazonAdsConfig({ ...CONFIG, conversion_types: { 'Demo Requested': 'PURCHASE', ' Trial ': 'SIGN_UP' } }).map((p) => p.field), ['conversion_types', 'conversion_types']);
  const validate = createConfigAjv().compile(amazonAds.config);
  assert.equal(validate({ ...CONFIG, data_set_name: '1st-set' }), false, 'a dataset name starts with a letter');
  assert.equal(validate({ ...CONFIG, region: 'US' }), false);
});

test('classify: per-event outcomes of a 207 by index; whole answers by status', () => {
  const request: RequestDescriptor = { method: 'POST', url: 'https://advertising-api.amazon.com/adsApi/v1/create/events', eventIds: ['a', 'b', 'c'] };
  const multi = classifyAmazonAds(answer(207, JSON.stringify({
    success: [{ index: 0 }],
    error: [{ index: 1, errors: [{ code: 'BAD_REQUEST', message: 'Invalid currencyCode', fieldLocation: 'events[1].currencyCode' }] }],
  })), request);
  assert.deepEqual(multi, { perEvent: {
    a: { status: 'delivered' },
    b: { status: 'dead_letter', reason: 'Amazon refused the event (BAD_REQUEST: Invalid currencyCode (at events[1].currencyCode))' },
    c: { status: 'retry', reason: 'Amazon\'s answer named neither a success nor an error for the event: sent again (Amazon keeps one event of an eventId)' },
  } });
  const throttled = classifyAmazonAds(answer(207, JSON.stringify({ error: [{ index: 0, errors: [{ code: 'THROTTLED', message: 'slow down' }] }], success: [{ index: 1 }, { index: 2 }] })), request);
  assert.equal((throttled as { perEvent: Record<string, { status: string }> }).perEvent.a?.status, 'retry');
  assert.deepEqual(whole(classifyAmazonAds(answer(200, '{}'), request)), { status: 'delivered' });
  assert.equal(whole(classifyAmazonAds(answer(200, '<!DOCTYPE html><html><body>Login</body></html>'), request)).status, 'retry');
  assert.deepEqual(whole(classifyAmazonAds(answer(429, '{"code":"TOO_MANY_REQUESTS","message":"Too Many Requests"}', { 'retry-after': '3' }), request)),
    { status: 'retry', reason: 'Amazon Ads rate limit reached (HTTP 429: TOO_MANY_REQUESTS: Too Many Requests)', retryAfterMs: 3000, throttled: true });
  assert.equal(whole(classifyAmazonAds(answer(502, 'Bad Gateway'), request)).status, 'retry');
  assert.match(whole(classifyAmazonAds(answer(401, '{"code":"UNAUTHORIZED","message":"Not authorized"}'), request)).reason ?? '', /^Amazon refused the access token \(HTTP 401: UNAUTHORIZED: Not authorized\), a new one too: check that config\.client_id/);
  assert.match(whole(classifyAmazonAds(answer(403, '{"code":"FORBIDDEN","message":"Access denied"}'), request)).reason ?? '', /config\.account_id and config\.region.*Events Manager edit access/);
  assert.deepEqual(whole(classifyAmazonAds(answer(400, '{"code":"BAD_REQUEST","message":"Amazon-Ads-AccountId is invalid"}'), { ...request, eventIds: ['a'] })), { status: 'dead_letter', reason: 'Amazon refused the request (HTTP 400: BAD_REQUEST: Amazon-Ads-AccountId is invalid)' });
  assert.equal(whole(classifyAmazonAds(answer(413, 'Payload Too Large'), request)).status, 'split');
  assert.match(whole(classifyAmazonAds(answer(404, '{"message":"Not Found"}'), request)).reason ?? '', /config\.region/);
});

test('classify: a 400 to several events refuses only the events it names (from 0) and sends the others again; naming none, all of them', () => {
  const request: RequestDescriptor = { method: 'POST', url: 'https://advertising-api.amazon.com/adsApi/v1/create/events', eventIds: ['a', 'b', 'c'] };
  assert.deepEqual(classifyAmazonAds(answer(400, '{"code":"BAD_REQUEST","message":"Invalid value \'UK\' at events[1].countryCode"}'), request), { perEvent: {
    a: { status: 'resend', reason: 'Amazon refused the request (HTTP 400) for another event of it: sent again without it' },
    b: { status: 'dead_letter', reason: 'Amazon refused the event (HTTP 400: BAD_REQUEST: Invalid value \'UK\' at events[1].countryCode)' },
    c: { status: 'resend', reason: 'Amazon refused the request (HTTP 400) for another event of it: sent again without it' },
  } });
  // An index outside the request names no event of it.
  assert.equal(whole(classifyAmazonAds(answer(422, '{"code":"BAD_REQUEST","message":"events[7].currencyCode is invalid"}'), request)).status, 'dead_letter');
  assert.deepEqual(whole(classifyAmazonAds(answer(400, '{"code":"BAD_REQUEST","message":"Amazon-Ads-AccountId is invalid"}'), request)), { status: 'dead_letter', reason: 'Amazon refused the request (HTTP 400: BAD_REQUEST: Amazon-Ads-AccountId is invalid)' });
  assert.equal(namedEvents(answer(400, 'events[0].eventTime; events [2].value'), ['a', 'b', 'c']).size, 2);
});

test('Global Privacy Control under SIGNAL_GPC=restrict: LIMITED_DATA_USE on that visitor\'s event only', () => {
  const gpc = event({ context: { ...event().context, consent: { ...event().context.consent, gpc: true } } });
  assert.deepEqual(mapThrough(gpc).payload?.dataProcessingOptions, { options: 'LIMITED_DATA_USE' });
  assert.equal(mapThrough(event()).payload?.dataProcessingOptions, undefined);
  try {
    setGpcRule('opt_out');
    assert.equal(mapThrough(gpc).payload?.dataProcessingOptions, undefined);
  } finally {
    setGpcRule('restrict');
  }
});
