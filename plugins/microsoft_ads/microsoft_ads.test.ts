import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import microsoftAds, { eventsUrl } from './index.ts';
import { adStorageConsentOf } from './ad-storage-consent.ts';
import { classifyMicrosoftAds } from './classify.ts';
import { msclkidFromPage, msclkidOf } from './click-id.ts';
import { validateMicrosoftAdsConfig } from './config.ts';
import { fitCustomData } from './custom-data.ts';
import { toUetEvent } from './uet-event.ts';
import { hashUserField, normalizeUserData } from './user-data.ts';

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
const NOW = Date.parse('2026-12-01T12:00:00Z');
const TAG = '187012345';
const TOKEN = '3f2a9c1e-7b4d-4e8a-9f10-2b6c5d7e8a90';
const URL_EVENTS = `https://capi.uet.microsoft.com/v1/${TAG}/events`;
const config = (extra: Record<string, JsonValue> = {}): Record<string, JsonValue> => ({ tag_id: TAG, api_token: TOKEN, ...extra });
const ctx = (extra: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: config(extra), variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const request = (n: number): RequestDescriptor => ({ method: 'POST', url: URL_EVENTS, eventIds: Array.from({ length: n }, (_, i) => `e${i}`) });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}) => ({ status, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body, headers });
const classify = (status: number, body: unknown, n = 2, headers: Record<string, string> = {}): Classification => classifyMicrosoftAds(answer(status, body, headers), request(n), TAG);
/** The status and reason of a whole-request outcome. */
const whole = (classification: Classification) => {
  assert.ok(!('perEvent' in classification), JSON.stringify(classification));
  return classification as { status: string; reason: string; retryAfterMs?: number; throttled?: boolean };
};
const record = (value: JsonValue | undefined): JsonObject => value as JsonObject;

const MSCLKID = 'b1240587f865192a03586c5b000314f5';
const MSCLKID_UUID = 'b1240587-f865-192a-0358-6c5b000314f5';
const EVENT_TIME = Date.parse('2026-12-01T11:00:00Z') / 1000;
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/thanks' } },
  ...overrides,
} as CanonicalEvent);
/** A mapped payload; an override of `undefined` leaves that key out. */
const payload = (overrides: Record<string, JsonValue | undefined> = {}): JsonObject => Object.fromEntries(Object.entries<JsonValue | undefined>({
  eventType: 'custom', eventName: 'purchase', eventTime: EVENT_TIME, eventId: 'm-1', eventSourceUrl: 'https://shop.example.com/thanks',
  userData: { anonymousId: 'df_abc', clientIpAddress: '203.0.113.42', clientUserAgent: 'Mozilla/5.0' }, ...overrides,
}).filter((entry): entry is [string, JsonValue] => entry[1] !== undefined));

test('em and ph hash as Microsoft documents them: its own example digests, dots and alias out of the user part', () => {
  // Microsoft's "Example using the email john@contoso.com and phone number +14255551234".
  assert.equal(hashUserField('em', 'john@contoso.com'), 'ec81f3ac7b2b19675bab9d54cf416f9f18cff87c97da5cca82c0f0891bc40602');
  assert.equal(hashUserField('ph', '+14255551234'), 'c59475d96e9f01d7d18d06cfad84dd02333207f02c0c2c5663ef2782cda0390e');
  assert.equal(hashUserField('em', ' John.Doe+ads@Contoso.com '), sha256('johndoe@contoso.com'), 'trimmed, dots and the alias removed, lower-cased');
  assert.equal(hashUserField('em', 'j.o.h.n@mail.contoso.co.uk'), sha256('john@mail.contoso.co.uk'), 'the domain keeps its dots');
  for (const bad of ['not an address', 'a@b@c', '+alias@contoso.com', 'jo hn@contoso.com']) assert.equal(hashUserField('em', bad), undefined, bad);
  assert.equal(hashUserField('ph', '+1 (425) 555-1234'), sha256('+14255551234'));
  assert.equal(hashUserField('ph', '0044 7700 900123'), sha256('+447700900123'));
  assert.equal(hashUserField('ph', '07700 900123'), undefined, 'no country code and no default: its country is unknown');
  assert.equal(hashUserField('ph', '07700 900123', { defaultCountryCode: '44' }), sha256('+447700900123'));
  // "Never send real user IDs. We recommend generating new UUIDs or applying a hash."
  assert.equal(hashUserField('externalId', ' User-123 '), sha256('User-123'), 'trimmed, its case kept');
  assert.equal(hashUserField('externalId', 'undefined'), undefined, 'a placeholder names no one');
  const digest = sha256('john@contoso.com');
  for (const field of ['em', 'ph', 'externalId'] as const) assert.equal(hashUserField(field, digest.toUpperCase()), digest, `${field}: a digest is not hashed twice`);
});

test('msclkid: the URL parameter, Signal\'s cookie, the UET tag\'s _uet cookie and a beacon\'s -1 all give Microsoft\'s hyphenated UUID', () => {
  for (const written of [MSCLKID, `_uet${MSCLKID}`, `${MSCLKID}-1`, `${MSCLKID.toUpperCase()}-0`, MSCLKID_UUID, ` ${MSCLKID_UUID.toUpperCase()} `]) assert.equal(msclkidOf(written), MSCLKID_UUID, written);
  for (const bad of ['undefined', 'dd4afcccb1c9a4cad9544dd7e5006', '00000000000000000000000000000000', `${MSCLKID}x`, 'gclid-like-EAIaIQobChMI']) assert.equal(msclkidOf(bad), undefined, bad);
  const landing = (url: string) => msclkidFromPage(browserEvent({ context: { page: { url } } }));
  assert.equal(landing(`https://shop.example.com/?utm_source=bing&msclkid=${MSCLKID}#top`), MSCLKID_UUID);
  assert.equal(landing('https://shop.example.com/?msclkid=undefined'), undefined);
  assert.equal(msclkidFromPage(browserEvent({ context: { page: { search: `?msclkid=${MSCLKID}` } } })), MSCLKID_UUID);
  assert.equal(msclkidFromPage(browserEvent({ type: 'page', properties: { url: `https://shop.example.com/?msclkid=${MSCLKID}` }, context: {} })), MSCLKID_UUID, 'a page call\'s properties.url');
});

test('userData: hashed and clear fields, the UET tag\'s visitor id, private IPs and unknown keys left out; a denial of ad storage sends no contact data or ad ids', () => {
  const { userData, unusable } = normalizeUserData({
    em: ['Jane@Example.com', 'other@example.com'], ph: '07700 900123', externalId: 'u-1', anonymousId: 'fe910b70374111f185174b19733c8403|1x|2',
    clientIpAddress: '10.1.2.3', clientUserAgent: ' Mozilla/5.0 ', msclkid: `_uet${MSCLKID}`, idfa: '00000000-0000-0000-0000-000000000000', gaid: '38400000-8cf0-11bd-b23e-10b96e40000d', email: 'jane@example.com',
  }, {}, false);
  assert.deepEqual(userData, {
    em: sha256('jane@example.com'), externalId: sha256('u-1'), anonymousId: 'fe910b70374111f185174b19733c8403',
    clientUserAgent: 'Mozilla/5.0', msclkid: MSCLKID_UUID, gaid: '38400000-8cf0-11bd-b23e-10b96e40000d',
  }, 'one string per key: the first usable value');
  assert.deepEqual(unusable, ['ph', 'clientIpAddress', 'idfa', 'email'], 'a key Microsoft does not take is never sent');
  assert.equal(normalizeUserData({ anonymousId: 'df_abc' }, {}, false).userData.anonymousId, 'df_abc', 'Signal\'s visitor id as it is');
  assert.equal(normalizeUserData({ clientIpAddress: '2001:DB8::1' }, {}, false).userData.clientIpAddress, '2001:db8::1');
  const denied = normalizeUserData({ em: 'a@x.com', ph: '+14255551234', msclkid: MSCLKID, idfa: '8a2e4f6d-0852-4b2a-b9d5-79334de14b16', anonymousId: 'df_abc', externalId: 'u-1', clientIpAddress: '203.0.113.42' }, {}, true).userData;
  assert.deepEqual(denied, { anonymousId: 'df_abc', externalId: sha256('u-1'), clientIpAddress: '203.0.113.42' });
});

test('adStorageConsent follows ad_storage, advertising and marketing wherever the event says them; a denial wins; nothing said: not sent', () => {
  assert.equal(adStorageConsentOf(undefined, undefined), undefined);
  assert.equal(adStorageConsentOf(undefined, { analytics: true }), undefined, 'analytics says nothing of ad storage');
  assert.equal(adStorageConsentOf(undefined, { advertising: true }), 'G');
  assert.equal(adStorageConsentOf(undefined, { marketing: true }), 'G');
  assert.equal(adStorageConsentOf(undefined, { google: { ad_storage: 'granted' } }), 'G');
  assert.equal(adStorageConsentOf(undefined, { advertising: true, google: { ad_storage: 'denied' } }), 'D');
  assert.equal(adStorageConsentOf(undefined, { advertising: true, marketing: false }), 'D');
  assert.equal(adStorageConsentOf(undefined, { advertising: true, categories: { marketing: false } }), 'D');
  assert.equal(adStorageConsentOf(undefined, { categoryPreferences: { advertising: false } }), 'D');
  assert.equal(adStorageConsentOf('G', { advertising: false }), 'D', 'a mapped grant cannot override a denial');
  assert.equal(adStorageConsentOf('denied', { advertising: true }), 'D');
  assert.equal(adStorageConsentOf('granted', undefined), 'G');
});

test('customData: known keys only, numbers and currency read or refused, items with ids, itemIds from them, Microsoft\'s page types', () => {
  assert.deepEqual(fitCustomData({
    value: '50.2', currency: ' usd ', transactionId: 'txn-1', pageType: 'Purchase', ecommTotalValue: 50.2, eventCategory: 'shop', eventLabel: 7, eventValue: '3',
    items: [{ id: 'prod1', price: '25.1', quantity: '2', name: 'T-Shirt', brand: 'x' }, { name: 'no id' }], coupon: 'SPRING', email: 'jane@example.com',
  }), {
    eventCategory: 'shop', eventLabel: '7', eventValue: 3, value: 50.2, ecommTotalValue: 50.2, currency: 'USD', transactionId: 'txn-1',
    items: [{ id: 'prod1', quantity: 2, price: 25.1, name: 'T-Shirt' }], itemIds: ['prod1'], pageType: 'purchase',
  });
  assert.deepEqual(fitCustomData({ items: { id: 'a' }, itemIds: 'b' }), { items: [{ id: 'a' }], itemIds: ['b'] }, 'a mapped itemIds wins; one item is a list');
  assert.deepEqual(fitCustomData({ pageType: 'search_results' }), { pageType: 'searchresults' });
  assert.equal(fitCustomData({ pageType: 'checkout' }), undefined, 'not one of Microsoft\'s page types: left out');
  assert.equal(fitCustomData({ transactionId: 'undefined' }), undefined, 'a placeholder order id would make unrelated orders one');
  assert.deepEqual(fitCustomData({ hotelData: { totalPrice: '188.23', checkinDate: '2026-12-24', checkoutDate: '24/12/2026', lengthOfStay: 4, partnerHotelId: 'h-1' } }),
    { hotelData: { totalPrice: 188.23, checkinDate: '2026-12-24', lengthOfStay: 4, partnerHotelId: 'h-1' } });
  assert.deepEqual(fitCustomData({ items: [{ id: 'a', quantity: 5_000_000_000 }] }), { items: [{ id: 'a' }], itemIds: ['a'] }, 'a count past 32 bits is no quantity');
  assert.throws(() => fitCustomData({ value: 5, currency: '$' }), { name: 'PermanentError', message: /ISO 4217 code .*"\$"/ });
  assert.throws(() => fitCustomData({ value: 'lots' }), { name: 'PermanentError', message: /customData\.value as a number; the blueprint mapped "lots"/ });
  assert.throws(() => fitCustomData({ items: [{ id: 'a', price: 'free' }] }), { name: 'PermanentError', message: /customData\.items\[0\]\.price/ });
});

test('the event as Microsoft takes it: UNIX seconds, eventId, eventName for custom events, URLs checked, userData hashed, customData fitted', () => {
  const out = toUetEvent(payload({
    eventType: 'Custom', eventTime: EVENT_TIME * 1000, referrerUrl: 'not a url', pageTitle: ' Thanks ', keywords: ['clocks', 'homedecor'], pageLoadId: 'BCF3000B-65FA-4CD2-808A-8A6CF2B1D0A5',
    userData: { em: 'Jane.Doe@Example.com', anonymousId: 'df_abc', msclkid: `_uet${MSCLKID}` }, customData: { value: 10, currency: 'eur', note: 'x' }, properties: { plan: 'pro' },
  }), browserEvent(), ctx());
  assert.deepEqual(out, {
    eventType: 'custom', eventId: 'm-1', eventName: 'purchase', eventTime: EVENT_TIME, eventSourceUrl: 'https://shop.example.com/thanks',
    pageLoadId: 'bcf3000b-65fa-4cd2-808a-8a6cf2b1d0a5', pageTitle: 'Thanks', keywords: 'clocks,homedecor',
    userData: { em: sha256('janedoe@example.com'), anonymousId: 'df_abc', msclkid: MSCLKID_UUID }, customData: { value: 10, currency: 'EUR' },
  }, 'ms read as ms; an invalid referrer and keys Microsoft does not take left out');
  assert.equal(toUetEvent(payload({ eventTime: '2026-12-01T11:00:00Z' }), browserEvent(), ctx()).eventTime, EVENT_TIME, 'ISO text read too');
  assert.equal(toUetEvent(payload({ eventTime: NOW / 1000 + 120 }), browserEvent(), ctx()).eventTime, NOW / 1000, 'a clock 2 minutes fast: sent as now');
  assert.equal(toUetEvent(payload({ eventId: 'undefined' }), browserEvent({ messageId: 'msg-9' }), ctx()).eventId, 'msg-9', 'a placeholder eventId: the messageId');
  assert.equal(toUetEvent(payload({ eventId: undefined }), browserEvent({ messageId: 'msg-9' }), ctx()).eventId, 'msg-9');
  const input = payload({ userData: { em: 'a@x.com' } });
  toUetEvent(input, browserEvent(), ctx());
  assert.equal(record(input.userData).em, 'a@x.com', 'the mapped payload is not changed');
});

test('a page load: its URL required, no event action, no customData (page loads carry no revenue)', () => {
  const page = toUetEvent(payload({ eventType: 'pageLoad', eventName: 'page', customData: { value: 3, pageType: 'home' } }), browserEvent({ type: 'page' }), ctx());
  assert.deepEqual([page.eventType, page.eventName, page.customData, page.eventSourceUrl], ['pageLoad', undefined, undefined, 'https://shop.example.com/thanks']);
  assert.throws(() => toUetEvent(payload({ eventType: 'page_load', eventSourceUrl: '/thanks' }), browserEvent({ type: 'page' }), ctx()), { name: 'PermanentError', message: /needs eventSourceUrl, the page's URL, for a pageLoad event: the blueprint mapped "\/thanks", which is no http\(s\) URL/ });
  assert.equal(toUetEvent(payload({ eventSourceUrl: undefined }), browserEvent(), ctx()).eventSourceUrl, undefined, 'a custom event goes without one');
});

test('the landing URL\'s msclkid beats the cookies\'; a denial of ad storage is sent as D, without contact data or click id', () => {
  const landing = browserEvent({ context: { page: { url: 'https://shop.example.com/p/1?msclkid=cdd4afcccb1c9a4cad9544dd7e5006d5' } } });
  assert.equal(record(toUetEvent(payload({ userData: { anonymousId: 'df_abc', msclkid: MSCLKID } }), landing, ctx()).userData).msclkid, 'cdd4afcc-cb1c-9a4c-ad95-44dd7e5006d5', 'a new ad click wins');
  assert.equal(record(toUetEvent(payload({ userData: { anonymousId: 'df_abc', msclkid: MSCLKID } }), browserEvent(), ctx()).userData).msclkid, MSCLKID_UUID, 'the cookie\'s otherwise');
  const denied = toUetEvent(payload({ userData: { anonymousId: 'df_abc', em: 'a@x.com', msclkid: MSCLKID } }), browserEvent({ context: { consent: { advertising: true, google: { ad_storage: 'denied' } } } }), ctx());
  assert.deepEqual([denied.adStorageConsent, denied.userData], ['D', { anonymousId: 'df_abc' }]);
  // UET reads none of its first-party cookies when ad storage is denied: not its _uetvid either.
  const uetVid = 'fe910b70374111f185174b19733c8403';
  const deniedWithTag = (consent: JsonObject, anonymousId?: string) => toUetEvent(payload({ userData: { anonymousId: `${uetVid}|1x`, externalId: 'u-1' } }),
    browserEvent({ anonymousId, context: { consent, cookies: { _uetvid: `${uetVid}|1x` } } } as never), ctx()).userData;
  assert.deepEqual(deniedWithTag({ advertising: true, google: { ad_storage: 'denied' } }, 'df_abc'), { anonymousId: 'df_abc', externalId: sha256('u-1') }, 'Signal\'s visitor id instead');
  assert.deepEqual(deniedWithTag({ advertising: true, marketing: false }), { externalId: sha256('u-1') }, 'none when the event has no visitor id of its own');
  assert.equal(record(deniedWithTag({ advertising: true }, 'df_abc')).anonymousId, uetVid, 'granted: the tag\'s visitor id, the vid it syncs');
  assert.equal(toUetEvent(payload(), browserEvent({ context: { consent: { advertising: true } } }), ctx()).adStorageConsent, 'G');
  assert.equal('adStorageConsent' in toUetEvent(payload(), browserEvent(), ctx()), false, 'nothing said: Microsoft\'s default (granted) applies');
  assert.equal(record(toUetEvent(payload({ userData: { anonymousId: 'df_abc', ph: '07700 900123' } }), browserEvent(), ctx({ default_country_code: '44' })).userData).ph, sha256('+447700900123'), 'config.default_country_code');
});

test('an event Microsoft would refuse is dead-lettered alone, saying why', () => {
  const event = browserEvent();
  assert.throws(() => toUetEvent(payload({ eventType: undefined }), event, ctx()), { name: 'PermanentError', message: /needs eventType pageLoad or custom: the blueprint mapped none/ });
  assert.throws(() => toUetEvent(payload({ eventType: 'conversion' }), event, ctx()), { name: 'PermanentError', message: /the blueprint mapped "conversion"/ });
  assert.throws(() => toUetEvent(payload({ eventTime: undefined }), event, ctx()), { name: 'PermanentError', message: /needs eventTime \(UNIX seconds\): the blueprint mapped none; map timestamp with to_unix_seconds/ });
  assert.throws(() => toUetEvent(payload({ eventTime: 'yesterday' }), event, ctx()), { name: 'PermanentError', message: /"yesterday", which is no time/ });
  assert.throws(() => toUetEvent(payload({ eventTime: NOW / 1000 - 8 * 86_400 }), event, ctx()), { name: 'PermanentError', message: /up to 7 days old .*2026-11-23/ });
  assert.throws(() => toUetEvent(payload({ eventTime: NOW / 1000 + 3600 }), event, ctx()), { name: 'PermanentError', message: /more than 5 minutes in the future/ });
  assert.throws(() => toUetEvent(payload({ userData: { clientIpAddress: '203.0.113.42', clientUserAgent: 'Mozilla/5.0', anonymousId: 'null' } }), event, ctx()), { name: 'PermanentError', message: /at least one identifier in userData \(anonymousId, externalId, em, ph, msclkid, idfa, gaid\)/ });
  assert.throws(() => toUetEvent(payload({ customData: { currency: 'dollars' } }), event, ctx()), { name: 'PermanentError', message: /ISO 4217/ });
});

const mapped = (n: number, size = 10): MappedEvent[] => Array.from({ length: n }, (_, i) => ({ id: `m-${i}`, event: browserEvent({ messageId: `m-${i}` }), payload: { eventType: 'custom', eventId: `m-${i}`, eventTime: EVENT_TIME, userData: { anonymousId: 'x'.repeat(size) } } }));

test('send: the documented request — POST to the tag\'s endpoint, Bearer token, data with continueOnValidationError and dataProvider; 1,000 events and 1 MB a request', () => {
  assert.equal(eventsUrl(config()), URL_EVENTS);
  const [one] = microsoftAds.send(mapped(2), ctx());
  assert.deepEqual(one, {
    method: 'POST', url: URL_EVENTS, headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: { data: mapped(2).map((m) => m.payload), continueOnValidationError: true, dataProvider: 'signal' }, eventIds: ['m-0', 'm-1'],
  });
  assert.deepEqual(Object.keys(one!.body as JsonObject), ['data', 'continueOnValidationError', 'dataProvider']);
  assert.deepEqual(microsoftAds.send(mapped(2501), ctx()).map((r) => r.eventIds.length), [1000, 1000, 501], 'Microsoft\'s maximum of 1,000 events a batch');
  const big = microsoftAds.send(mapped(300, 10_000), ctx());
  assert.ok(big.length > 2 && big.every((r) => JSON.stringify(r.body).length <= 1_000_000), 'each request within 1 MB');
  assert.equal(big.reduce((n, r) => n + r.eventIds.length, 0), 300);
});

test('classify: 200 delivered; warnings removed a field but the event counts; skipped events named in a 200 are dead-lettered alone', () => {
  assert.deepEqual(classify(200, { eventsReceived: 2 }), { status: 'delivered' });
  // Microsoft's answer with a JSON content type, and a page that is not Microsoft's: sent again, never counted received.
  assert.deepEqual(classify(200, { eventsReceived: 2 }, 2, { 'content-type': 'application/json; charset=utf-8' }), { status: 'delivered' });
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classify(200, page, 2, { 'content-type': 'text/html' }), { status: 'retry', reason: `HTTP 200 without Microsoft's JSON answer (eventsReceived): ${page} — not Microsoft's answer (a proxy?), so the events are sent again (Microsoft counts an eventId once)` });
  const warning = { eventsReceived: 2, error: { code: 'ValidationError', message: 'One or multiple parameters did not pass validation checks, see details.', details: [{ index: 0, propertyName: 'data[0].referrerUrl', errorMessage: '\'referrerUrl\' must be a valid URL.', errorCode: 'InvalidUrl', isWarning: true }] } };
  assert.deepEqual(classify(200, warning), { status: 'delivered' }, 'a warning: the field removed, the event processed');
  const skipped = {
    eventsReceived: 2,
    error: { code: 'ValidationError', message: 'One or multiple parameters did not pass validation checks, see details. Note that only the first 10 errors and warnings are shown.', details: [
      { index: 1, propertyName: 'data[1].eventTime', attemptedValue: 1767793837, errorMessage: '\'eventTime\' must be a valid UNIX UTC timestamp in seconds within last 7 days.', errorCode: 'InvalidEventTime', isWarning: false },
      { index: 1, propertyName: 'data[1].userData.em', errorMessage: '\'em\' must be a valid SHA256 string.', errorCode: 'InvalidSha256', isWarning: true },
    ] },
  };
  assert.deepEqual(classify(200, skipped, 3), { perEvent: {
    e1: { status: 'dead_letter', reason: 'Microsoft refused the event (HTTP 200): eventTime: \'eventTime\' must be a valid UNIX UTC timestamp in seconds within last 7 days. (InvalidEventTime)' },
  } }, 'the others delivered');
  // Microsoft names at most 10: 12 refused of 14, 2 recorded — the 2 unnamed refused ones are among the 4 unnamed.
  const details = Array.from({ length: 10 }, (_, i) => ({ index: i, propertyName: `data[${i}].eventType`, errorMessage: '\'eventType\' must be one of the following: pageLoad, custom.', errorCode: 'InvalidEnumValue', isWarning: false }));
  const partly = classify(200, { eventsReceived: 2, error: { code: 'ValidationError', message: 'see details', details } }, 14) as { perEvent: Record<string, { status: string; reason: string }> };
  assert.deepEqual(Object.values(partly.perEvent).map((o) => o.status), [...Array(10).fill('dead_letter'), ...Array(4).fill('retry')]);
  assert.equal(partly.perEvent.e13!.reason, 'Microsoft recorded 2 of the request\'s 14 events and named 10 it refused (it shows at most 10 errors and warnings): sent again, as it counts an eventId once');
  // Warnings fill the 10 details shown: the skipped events are not named, yet not recorded either.
  const warnings = Array.from({ length: 10 }, (_, i) => ({ index: i, propertyName: `data[${i}].referrerUrl`, errorMessage: '\'referrerUrl\' must be a valid URL.', errorCode: 'InvalidUrl', isWarning: true }));
  const hidden = classify(200, { eventsReceived: 11, error: { code: 'ValidationError', message: 'see details', details: warnings } }, 12) as { perEvent: Record<string, { status: string; reason: string }> };
  assert.deepEqual(Object.values(hidden.perEvent).map((o) => o.status), Array(12).fill('retry'), 'none counted delivered while Microsoft skipped one it did not name');
  assert.equal(hidden.perEvent.e0!.reason, 'Microsoft recorded 11 of the request\'s 12 events and named none of those it skipped (it shows at most 10 errors and warnings): sent again, as it counts an eventId once');
  // A refusal that names no event does not hide the one that does.
  const mixed = classify(200, { eventsReceived: 2, error: { code: 'ValidationError', details: [
    { propertyName: 'dataProvider', errorMessage: 'x', isWarning: false },
    { index: 0, propertyName: 'data[0].eventTime', errorMessage: '\'eventTime\' must not be empty.', errorCode: 'Empty', isWarning: false },
  ] } }, 3);
  assert.deepEqual(mixed, { perEvent: { e0: { status: 'dead_letter', reason: 'Microsoft refused the event (HTTP 200): eventTime: \'eventTime\' must not be empty. (Empty)' } } }, 'the named one dead-lettered, the 2 recorded delivered');
});

test('classify: a 400 naming events dead-letters those and sends the others again; without names the batch is split', () => {
  const invalid = (detailsList: unknown[]) => ({ error: { code: 'ValidationError', message: 'One or multiple parameters did not pass validation checks, see details.', details: detailsList } });
  assert.deepEqual(classify(400, invalid([
    { index: 0, propertyName: 'data[0].eventType', errorMessage: '\'eventType\' must be one of the following: pageLoad, custom.', errorCode: 'InvalidEnumValue', isWarning: false },
    { propertyName: 'data[2].eventTime', errorMessage: '\'eventTime\' must not be empty.' },
  ]), 3), { perEvent: {
    e0: { status: 'dead_letter', reason: 'Microsoft refused the event (HTTP 400): eventType: \'eventType\' must be one of the following: pageLoad, custom. (InvalidEnumValue)' },
    e1: { status: 'resend', reason: 'Microsoft refused the request for its events 1, 3 of 3 (HTTP 400) and recorded none of its events: sent again without the refused ones' },
    e2: { status: 'dead_letter', reason: 'Microsoft refused the event (HTTP 400): eventTime: \'eventTime\' must not be empty.' },
  } }, 'the 2024 answer without index or isWarning: the place read from propertyName');
  assert.deepEqual(classify(400, invalid([{ propertyName: 'data', errorMessage: '\'data\' must not be empty.' }]), 4), { status: 'split', reason: 'Microsoft refused the batch (HTTP 400, One or multiple parameters did not pass validation checks, see details. data: \'data\' must not be empty.); sending it in halves to find the event' });
  assert.equal(whole(classify(400, invalid([{ index: 7, propertyName: 'data[7].eventType', errorMessage: 'x' }]), 2)).status, 'split', 'a place out of range names no event');
  assert.deepEqual(classify(400, invalid([]), 1), { status: 'dead_letter', reason: 'Microsoft refused the event (HTTP 400, One or multiple parameters did not pass validation checks, see details.)' });
  assert.equal(whole(classify(413, 'Request Entity Too Large', 6)).status, 'split');
  // A proxy's 400 is not Microsoft's: halving it would change nothing.
  assert.deepEqual(classify(400, '<html><body>400 Bad Request</body></html>'), { status: 'dead_letter', reason: 'Microsoft HTTP 400: <html><body>400 Bad Request</body></html>' });
  assert.equal(whole(classify(400, { error: 'HTTP 400' })).status, 'dead_letter');
});

test('classify: 401, 403 and 404 dead-lettered saying what to fix; 429 throttles after Retry-After; 5xx and 408 retried; other 4xx dead-lettered', () => {
  const unauthorized = whole(classify(401, { error: { code: 'Unauthorized', message: 'You are not authorized to access this resource.' } }));
  assert.equal(unauthorized.status, 'dead_letter');
  assert.equal(unauthorized.reason, `Microsoft refused the Conversions API token (HTTP 401, You are not authorized to access this resource.). Copy the token of UET tag ${TAG} (Microsoft Advertising > UET tag > Set up tagging > Use Conversions API > Copy Token) into config.api_token in a new revision, then replay the dead letters`);
  assert.match(whole(classify(403, { error: { code: 'Forbidden', message: 'Forbidden' } })).reason, /^Microsoft HTTP 403 for UET tag 187012345 \(Forbidden\): check config\.tag_id/);
  assert.match(whole(classify(404, '')).reason, /HTTP 404 for UET tag 187012345 \(\(no body\)\)/);
  assert.deepEqual(classify(429, { error: { code: 'TooManyRequests', message: 'Rate limit exceeded' } }, 2, { 'Retry-After': '30' }), { status: 'retry', reason: 'Microsoft rate limit reached (HTTP 429: Rate limit exceeded)', retryAfterMs: 30_000, throttled: true });
  assert.deepEqual(classify(429, ''), { status: 'retry', reason: 'Microsoft rate limit reached (HTTP 429: (no body))', throttled: true });
  assert.deepEqual(classify(503, 'Service Unavailable', 2, { 'retry-after': '5' }), { status: 'retry', reason: 'Microsoft HTTP 503: Service Unavailable', retryAfterMs: 5000 });
  assert.equal(whole(classify(408, '')).status, 'retry');
  assert.deepEqual(classify(409, { error: { code: 'Conflict', message: 'Conflict' } }), { status: 'dead_letter', reason: 'Microsoft HTTP 409: Conflict' });
});

test('validateConfig and the schema: a token pasted with its prefix or white space, the tag ID as the token, a tag ID that is no number', () => {
  assert.deepEqual(validateMicrosoftAdsConfig(config()), []);
  assert.deepEqual(validateMicrosoftAdsConfig(config({ api_token: `Bearer ${TOKEN}` })), [{ field: 'api_token', message: 'starts with "Bearer ": give the token alone, Signal adds the prefix' }]);
  assert.deepEqual(validateMicrosoftAdsConfig(config({ api_token: `${TOKEN}\n` })).map((p) => p.field), ['api_token']);
  assert.match(validateMicrosoftAdsConfig(config({ api_token: TAG }))[0]!.message, /is the UET tag ID again/);
  assert.equal(microsoftAds.validateConfig, validateMicrosoftAdsConfig);
  const validate = createConfigAjv().compile(microsoftAds.config);
  assert.deepEqual(validateMicrosoftAdsConfig(config({ tag_id: 'ti=187012345' })), [{ field: 'tag_id', message: 'is "ti=187012345": a UET tag ID is digits only, e.g. 187012345 (give 187012345 alone) — Microsoft Advertising > Tools > UET tag, or the ti of the tag\'s code' }], 'digits only, told in words');
  assert.deepEqual(validateMicrosoftAdsConfig(config({ tag_id: 'my shop tag' })).map((p) => [p.field, p.message.includes('give')]), [['tag_id', false]]);
  assert.equal(validate(config({ tag_id: 187012345 })), false, 'a string, as the tag\'s code writes it');
  assert.equal(validate(config({ default_country_code: '+44' })), false);
  assert.equal(validate({ tag_id: TAG }), false, 'the token is required');
  assert.equal(validate(config({ default_country_code: '44' })), true);
  assert.equal(microsoftAds.config.properties.api_token!.secret, true, 'the token is encrypted at rest and masked');
});

test('the definition: msclkid kept 90 days in _dfmsclkid, the UET tag\'s cookies captured, advertising consent; no deletion API, no OAuth', () => {
  assert.deepEqual(microsoftAds.clickIds, [{ param: 'msclkid', cookie: '_dfmsclkid', days: 90 }]);
  assert.deepEqual(microsoftAds.cookies, ['_dfmsclkid', '_uetmsclkid', '_uetvid']);
  assert.deepEqual(microsoftAds.consent, ['advertising']);
  assert.deepEqual(microsoftAds.batch, { maxEvents: 1000, maxBytes: 1_000_000 });
  // Microsoft documents no deletion endpoint for UET CAPI; the token is static (no exchange).
  assert.equal(microsoftAds.forgetPerson, undefined);
  assert.equal(microsoftAds.accessToken, undefined);
});

const blueprint = (variant: string) => compileBlueprint(readFileSync(new URL(`../../blueprints/microsoft_ads/${variant}.yaml`, import.meta.url), 'utf8'), { config: config() });
const mapThrough = (variant: string, event: CanonicalEvent) => {
  const result = blueprint(variant).mapEvent(event);
  assert.deepEqual(result.errors, [], `${variant} ${event.event ?? event.type}`);
  return result.vendorEvent === null ? null : toUetEvent(result.vendorEvent as JsonObject, event, ctx({}, variant));
};

test('blueprints: Segment\'s ecommerce spec as UET custom events with the recommended actions and retail data', () => {
  const products: JsonObject[] = [{ product_id: 'SKU-1', name: 'Trail Shoe', price: 29.99, quantity: 2 }, { sku: 'SKU-2', price: '5' }];
  for (const variant of ['default', 'with_uet_tag']) {
    const order = mapThrough(variant, browserEvent({ properties: { order_id: 'ORD-1', revenue: '64.98', total: 70, currency: 'gbp', products } }))!;
    assert.deepEqual([order.eventType, order.eventName, order.eventId, order.customData], ['custom', 'purchase', 'm-1', {
      value: 64.98, ecommTotalValue: 64.98, currency: 'GBP', transactionId: 'ORD-1', pageType: 'purchase',
      items: [{ id: 'SKU-1', quantity: 2, price: 29.99, name: 'Trail Shoe' }, { id: 'SKU-2', quantity: 1, price: 5 }], itemIds: ['SKU-1', 'SKU-2'],
    }], variant);
    assert.match(blueprint(variant).mapEvent(browserEvent({ properties: { total: 5, currency: '$' } })).errors.join(), /currency is required but currency: "\$"/, `${variant}: an unreadable currency is an error`);
    const viewed = mapThrough(variant, browserEvent({ event: 'Product Viewed', properties: { product_id: 'SKU-1', name: 'Trail Shoe', price: 24.99, currency: 'EUR' } }))!;
    assert.deepEqual([viewed.eventName, viewed.customData], ['view_item', { pageType: 'product', items: [{ id: 'SKU-1', quantity: 1, price: 24.99, name: 'Trail Shoe' }], itemIds: ['SKU-1'] }], `${variant}: a product view carries no revenue`);
    const added = mapThrough(variant, browserEvent({ event: 'Product Added', properties: { product_id: 'SKU-1', price: 24.99, quantity: 3, currency: 'eur' } }))!;
    assert.deepEqual([added.eventName, added.customData], ['add_to_cart', { currency: 'EUR', pageType: 'cart', items: [{ id: 'SKU-1', quantity: 3, price: 24.99 }], itemIds: ['SKU-1'] }]);
    const list = mapThrough(variant, browserEvent({ event: 'Product List Viewed', properties: { category: 'Shoes', products } }))!;
    assert.deepEqual([list.eventName, record(list.customData).pageType, record(list.customData).ecommCategory, record(list.customData).itemIds], ['view_item_list', 'category', 'Shoes', ['SKU-1', 'SKU-2']]);
    const search = mapThrough(variant, browserEvent({ event: 'Products Searched', properties: { query: 'trail shoes' } }))!;
    assert.deepEqual([search.eventName, search.customData], ['search', { searchTerm: 'trail shoes', pageType: 'searchresults' }]);
    const checkout = mapThrough(variant, browserEvent({ event: 'Checkout Started', properties: { revenue: 64.98, currency: 'usd', products } }))!;
    assert.deepEqual([checkout.eventName, record(checkout.customData).pageType, record(checkout.customData).value, record(checkout.customData).ecommTotalValue], ['begin_checkout', 'cart', 64.98, 64.98]);
    assert.equal(mapThrough(variant, browserEvent({ event: 'Cart Viewed', properties: { products } }))!.eventName, 'view_cart');
    assert.equal(mapThrough(variant, browserEvent({ event: 'Product Added to Wishlist', properties: { product_id: 'SKU-3' } }))!.eventName, 'add_to_wishlist');
    assert.deepEqual([mapThrough(variant, browserEvent({ event: 'Signed Up' }))!.eventName, mapThrough(variant, browserEvent({ event: 'Lead Generated', properties: { value: 25, currency: 'usd' } }))!.customData], ['sign_up', { value: 25, currency: 'USD' }]);
    assert.equal(mapThrough(variant, browserEvent({ type: 'identify', event: undefined, traits: { email: 'a@x.com' } } as never)), null, `${variant}: no identify at Microsoft`);
    const custom = mapThrough(variant, browserEvent({ event: 'Newsletter Opened', properties: { category: 'email', label: 'december', value: 2, revenue: 1.5, currency: 'usd', email: 'jane@example.com' } }))!;
    assert.deepEqual([custom.eventName, custom.customData], ['Newsletter Opened', { eventCategory: 'email', eventLabel: 'december', eventValue: 2, value: 1.5, currency: 'USD' }], `${variant}: any other track event under its own name`);
  }
});

test('blueprints: page calls are page loads by default, not sent with the UET tag; identifiers reach userData hashed, nothing of the person in clear', () => {
  const page = browserEvent({
    type: 'page', event: undefined, name: 'Home', userId: 'user-123',
    context: {
      ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: `https://shop.example.com/?msclkid=${MSCLKID}`, referrer: 'https://www.bing.com/', title: 'Shop' },
      cookies: { _uetvid: 'fe910b70374111f185174b19733c8403', _uetmsclkid: '_uetcdd4afcccb1c9a4cad9544dd7e5006d5' }, consent: { advertising: true },
      traits: { email: ' Jane.Doe@Example.com ', phone: '+1 (425) 555-1234' },
    },
  } as never);
  assert.deepEqual(mapThrough('default', page), {
    eventType: 'pageLoad', eventId: 'm-1', eventTime: EVENT_TIME, eventSourceUrl: `https://shop.example.com/?msclkid=${MSCLKID}`, referrerUrl: 'https://www.bing.com/', pageTitle: 'Shop', adStorageConsent: 'G',
    userData: {
      anonymousId: 'fe910b70374111f185174b19733c8403', externalId: sha256('user-123'), em: sha256('janedoe@example.com'), ph: sha256('+14255551234'),
      clientIpAddress: '203.0.113.42', clientUserAgent: 'Mozilla/5.0', msclkid: MSCLKID_UUID,
    },
  }, 'the UET tag\'s visitor id; the landing URL\'s msclkid over the tag\'s older one');
  assert.equal(mapThrough('with_uet_tag', page), null, 'the UET tag sends page loads');
  const text = JSON.stringify(mapThrough('default', page)).toLowerCase();
  for (const raw of ['jane', '5551234', 'user-123']) assert.equal(text.includes(raw), false, raw);
  const app = mapThrough('default', browserEvent({ context: { device: { type: 'ios', advertisingId: '8A2E4F6D-0852-4B2A-B9D5-79334DE14B16' } } as never }))!;
  assert.deepEqual(record(app.userData), { anonymousId: 'df_abc', idfa: '8A2E4F6D-0852-4B2A-B9D5-79334DE14B16' });
  assert.equal(record(mapThrough('default', browserEvent({ context: { device: { type: 'android', advertisingId: '38400000-8cf0-11bd-b23e-10b96e40000d' } } as never }))!.userData).gaid, '38400000-8cf0-11bd-b23e-10b96e40000d');
  assert.equal(record(mapThrough('default', browserEvent({ context: { cookies: { _dfmsclkid: MSCLKID, _uetmsclkid: '_uetcdd4afcccb1c9a4cad9544dd7e5006d5' } } }))!.userData).msclkid, MSCLKID_UUID, 'Signal\'s cookie before the tag\'s');
});

test('blueprints: every handler\'s names reach its event action, or are not sent', () => {
  for (const variant of ['default', 'with_uet_tag']) {
    const handlers = (parse(readFileSync(new URL(`../../blueprints/microsoft_ads/${variant}.yaml`, import.meta.url), 'utf8')) as { events: Record<string, { names: string[]; event_name?: string; filter?: string }> }).events;
    for (const [handler, { names, event_name: eventName, filter }] of Object.entries(handlers)) {
      for (const name of names) {
        const event = ['page', 'identify', 'group', 'alias', 'screen'].includes(name) ? browserEvent({ type: name, event: undefined } as never) : browserEvent({ event: name, properties: {} });
        const out = mapThrough(variant, event);
        if (filter === 'false') assert.equal(out, null, `${variant} ${handler}: ${name} is not sent`);
        else if (name === 'page') assert.deepEqual([out?.eventType, out?.eventName], ['pageLoad', undefined], `${variant} ${handler}`);
        else assert.deepEqual([out?.eventType, out?.eventName], ['custom', eventName], `${variant} ${handler}: ${name}`);
      }
    }
  }
});
