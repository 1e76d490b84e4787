import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import clevertap from './index.ts';
import { classifyCleverTap } from './classify.ts';
import { apiBaseOf, validateCleverTapConfig } from './config.ts';
import { dobOf, genderOf } from './fit-to-clevertap.ts';
import { ANONYMOUS_ONLY, forgetPerson } from './forget-person.ts';
import { MAX_RECORDS } from './requests.ts';

const ACCOUNT = 'W9R-486-4W5Z';
const PASSCODE = 'WVE-SAD-OAAL';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = 1711296000;
const HEADERS = { 'X-CleverTap-Account-Id': ACCOUNT, 'X-CleverTap-Passcode': PASSCODE, 'content-type': 'application/json; charset=utf-8' };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { account_id: ACCOUNT, passcode: PASSCODE, region: 'eu1', ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', userId: 'u-1', anonymousId: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/signup', title: 'Sign up', path: '/signup' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/clevertap/default.yaml', import.meta.url), 'utf8');
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => {
  const warnings: string[] = [];
  const c = { ...ctx(config), warn: (m: string) => warnings.push(m) };
  const result = createEventMapper(clevertap, { variant: 'default', blueprint }, c)(event);
  return { ...result, warnings: [...warnings, ...((result as { warnings?: string[] }).warnings ?? [])] };
};
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const errorOf = (event: CanonicalEvent): string => {
  const result = mapped(event);
  assert.equal(result.payload, null, 'not mapped');
  return result.error ?? '';
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const ev = (id: string, identity = `u-${id}`, extra: JsonObject = {}): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { type: 'event', identity, ts: TS, evtName: 'Viewed', evtData: {}, ...extra } });
const profile = (id: string, identity = `u-${id}`): MappedEvent => ({ id, event: browserEvent({ messageId: id, type: 'identify' }), payload: { type: 'profile', identity, ts: TS, profileData: { plan: 'pro' } } });
const requestOf = (records: MappedEvent[]): RequestDescriptor => clevertap.send(records, ctx())[0]!;
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const perEventOf = (c: Classification) => ('perEvent' in c ? c.perEvent : {});

test('mapping: a track to an event record (identity from the userId, ts in Unix seconds, properties without contact information)', () => {
  assert.deepEqual(recordOf(browserEvent({ properties: { plan: 'pro', email: 'jane@example.com', seats: 3 } })), { type: 'event', identity: 'u-1', ts: TS, evtName: 'Signed Up', evtData: { plan: 'pro', seats: 3 } });
});

test('mapping: an identify to a profile record with CleverTap\'s reserved keys in its formats; MSG-… preferences never from the site', () => {
  const result = mapped(browserEvent({ type: 'identify', event: undefined, traits: { name: 'Jane Doe', email: ' Jane@Example.com ', phone: '07700 900123', gender: 'female', birthday: '1990-05-17', plan: 'premium', 'MSG-email': true, firstName: 'Jane' } } as Partial<CanonicalEvent>), { default_country_code: '44' });
  assert.ok(result.payload, result.error);
  assert.deepEqual(result.payload, { type: 'profile', identity: 'u-1', ts: TS, profileData: { plan: 'premium', Name: 'Jane Doe', Email: 'jane@example.com', Phone: '+447700900123', Gender: 'F', DOB: '$D_642902400' } });
  assert.ok(result.warnings.some((w) => /MSG-email left out/.test(w)), result.warnings.join('; '));
});

test('mapping: a phone without a country code and no default, an unknown gender and an unreadable birthday are left out with warnings; the rest is sent', () => {
  const result = mapped(browserEvent({ type: 'identify', event: undefined, traits: { phone: '07700 900123', gender: 'other', birthday: 'soon', plan: 'pro' } } as Partial<CanonicalEvent>));
  assert.deepEqual(result.payload, { type: 'profile', identity: 'u-1', ts: TS, profileData: { plan: 'pro' } });
  assert.ok(result.warnings.some((w) => /Phone left out: .*default_country_code/.test(w)));
  assert.ok(result.warnings.some((w) => /Gender left out/.test(w)));
  assert.ok(result.warnings.some((w) => /DOB left out/.test(w)));
});

test('mapping: Order Completed to Charged with Amount, Currency, Charged ID and Items', () => {
  const record = recordOf(browserEvent({ event: 'Order Completed', properties: { order_id: 'SO-1', total: 131, currency: 'EUR', coupon: 'SPRING', products: [{ product_id: 'P-1', sku: 'MUG-BLK', name: 'Mug', price: 12.5, quantity: 2, category: 'Kitchen' }, { product_id: 'P-2', name: 'T-shirt', price: 106 }] } }));
  assert.deepEqual(record, {
    type: 'event', identity: 'u-1', ts: TS, evtName: 'Charged',
    evtData: { coupon: 'SPRING', Amount: 131, Currency: 'EUR', 'Charged ID': 'SO-1', Items: [{ 'Product ID': 'P-1', SKU: 'MUG-BLK', 'Product name': 'Mug', Category: 'Kitchen', Price: 12.5, Quantity: 2 }, { 'Product ID': 'P-2', 'Product name': 'T-shirt', Price: 106, Quantity: 1 }] },
  });
});

test('mapping: an anonymous visitor\'s event is dead-lettered saying why; page views are not sent; long values are left out with a warning', () => {
  assert.match(errorOf(browserEvent({ userId: null } as unknown as Partial<CanonicalEvent>)), /CleverTap needs the user's identity for every event, and this event has none/);
  const page = mapped(browserEvent({ type: 'page', event: undefined } as Partial<CanonicalEvent>));
  assert.equal(page.payload, null);
  const long = mapped(browserEvent({ properties: { note: 'x'.repeat(600), ok: 1 } }));
  assert.deepEqual((long.payload as JsonObject).evtData, { ok: 1 });
  assert.ok(long.warnings.some((w) => /evtData\.note left out: .*512-byte/.test(w)));
});

test('mapping: a userId of 120 characters or more is dead-lettered (CleverTap takes an identity "under 120 chars", code 523); 119 is sent', () => {
  assert.match(errorOf(browserEvent({ userId: 'u'.repeat(120) })), /the userId has 120 characters and CleverTap takes an identity only under 120 \(code 523\)/);
  assert.equal(recordOf(browserEvent({ userId: 'é'.repeat(119) })).identity, 'é'.repeat(119));
});

test('genderOf and dobOf', () => {
  assert.equal(genderOf('M'), 'M');
  assert.equal(genderOf(' Male '), 'M');
  assert.equal(genderOf('f'), 'F');
  assert.equal(genderOf('x'), undefined);
  assert.equal(dobOf('1990-05-17'), '$D_642902400');
  assert.equal(dobOf('17.05.1990'), '$D_642902400');
  assert.equal(dobOf('nope'), undefined);
});

test('send: POST /1/upload of the region, records in order in d, the credentials headers; 1,000 records a request', () => {
  const requests = clevertap.send([profile('i1'), ev('e1'), ev('e2')], ctx());
  assert.deepEqual(requests, [{ method: 'POST', url: 'https://eu1.api.clevertap.com/1/upload', headers: HEADERS, body: { d: [profile('i1').payload, ev('e1').payload, ev('e2').payload] }, eventIds: ['i1', 'e1', 'e2'], endpoint: 'upload' }]);
  assert.equal(clevertap.send([ev('e1')], ctx({ region: 'in1' }))[0]!.url, 'https://in1.api.clevertap.com/1/upload');
  assert.equal(apiBaseOf({ region: 'mec1' }), 'https://mec1.api.clevertap.com');
  assert.equal(apiBaseOf({}), 'https://eu1.api.clevertap.com');
  // Europe at the host CleverTap's Region table gives it.
  assert.equal(clevertap.send([ev('e1')], ctx({ region: 'eu' }))[0]!.url, 'https://api.clevertap.com/1/upload');
  const euDeletion = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ region: 'eu' }));
  assert.ok('url' in euDeletion);
  assert.equal(euDeletion.url, 'https://api.clevertap.com/1/delete/profiles.json');
  assert.equal(clevertap.send([ev('e1')], ctx({ passcode: ` ${PASSCODE}\n` }))[0]!.headers!['X-CleverTap-Passcode'], PASSCODE);
  const many = Array.from({ length: MAX_RECORDS + 5 }, (_, i) => ev(`e${i}`));
  const split = clevertap.send(many, ctx());
  assert.deepEqual(split.map((r) => r.eventIds.length), [1000, 5]);
  assert.deepEqual(split.flatMap((r) => r.eventIds), many.map((m) => m.id));
  const big = Array.from({ length: 10 }, (_, i) => ev(`b${i}`, `u-${i}`, { evtData: { blob: 'x'.repeat(500_000) } }));
  for (const request of clevertap.send(big, ctx())) assert.ok(Buffer.byteLength(JSON.stringify(request.body)) <= clevertap.batch.maxBytes);
  assert.throws(() => clevertap.send([{ id: 'x', event: browserEvent(), payload: { evtName: 'raw' } }], ctx()), /event x holds no CleverTap record/);
});

test('classify: 200 success delivered; unprocessed entries per event by index or by the record echoed; 555 retried', () => {
  const request = requestOf([ev('a'), ev('b'), ev('c')]);
  assert.deepEqual(classifyCleverTap(answer(200, { status: 'success', processed: 3, unprocessed: [] }), request, ctx()), { status: 'delivered' });
  const byRecord = classifyCleverTap(answer(200, { status: 'partial', processed: 2, unprocessed: [{ status: 'fail', code: 523, error: 'Missing identity', record: ev('b').payload }] }), request, ctx());
  assert.deepEqual(perEventOf(byRecord), { b: { status: 'dead_letter', reason: 'CleverTap did not process the record (code 523: Missing identity)' } });
  const byIndex = classifyCleverTap(answer(200, { status: 'partial', processed: 1, unprocessed: [{ index: 2, code: 555, error: 'Miscellaneous server error' }, { index: 0, code: 513, error: 'Raised a restricted system event' }] }), request, ctx());
  assert.equal(perEventOf(byIndex).c!.status, 'retry');
  assert.equal(perEventOf(byIndex).a!.status, 'dead_letter');
  assert.match(reasonOf(perEventOf(byIndex).a as Classification), /^CleverTap did not process the record \(code 513: Raised a restricted system event\)$/);
  assert.equal(perEventOf(byIndex).b, undefined, 'b delivered');
});

test('classify: CleverTap\'s recorded answer — status success, records refused named by "Skipped record number : N" and echoed as JSON strings', () => {
  const request = requestOf([profile('p1'), profile('p2'), ev('e3')]);
  const recorded = {
    status: 'success', processed: 1,
    unprocessed: [
      { status: 'fail', code: 516, error: 'Profile data is incorrect. Phone number is not valid.Skipped record number : 1', record: '{ "identity" : "u-p1" , "ts" : 1711296000 , "type" : "profile" , "profileData" : { "plan" : "pro"}}' },
      { status: 'fail', code: 523, error: "'identity' or 'fbId' or 'gpId' or 'objectId' is necessary under 120 chars to identify the user. Skipped record number : 3", record: '{ "identity" : "" }' },
    ],
  };
  assert.deepEqual(perEventOf(classifyCleverTap(answer(200, recorded), request, ctx())), {
    p1: { status: 'dead_letter', reason: 'CleverTap did not process the record (code 516: Profile data is incorrect. Phone number is not valid) — Phone number invalid (E.164 required)' },
    e3: { status: 'dead_letter', reason: "CleverTap did not process the record (code 523: 'identity' or 'fbId' or 'gpId' or 'objectId' is necessary under 120 chars to identify the user) — missing identity" },
  });
  // Without a record number, the echoed JSON string names the record, whatever its spacing and key order.
  const echoed = { status: 'success', processed: 2, unprocessed: [{ status: 'fail', code: 555, error: 'Miscellaneous server error', record: '{ "type" : "profile" , "ts" : 1711296000 , "identity" : "u-p2" , "profileData" : { "plan" : "pro"}}' }] };
  assert.deepEqual(perEventOf(classifyCleverTap(answer(200, echoed), request, ctx())), { p2: { status: 'retry', reason: 'CleverTap did not process the record (code 555: Miscellaneous server error)' } });
  assert.deepEqual(classifyCleverTap(answer(200, clevertap.successAnswer!.body), requestOf([profile('p1'), ev('e2')]), ctx()), { status: 'delivered' });
});

test('classify: an answer as CleverTap gave it in 2024 — status fail, the record echoed as an object, "ErrorCode: 513 - … Skipped record number : 2"', () => {
  const request = requestOf([ev('a'), ev('b', 'u-b', { evtName: 'Web Page Viewed' }), ev('c')]);
  const answered = { status: 'fail', processed: 2, unprocessed: [{ status: 'fail', code: 513, error: 'Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event. Skipped record number : 2', record: { evtData: {}, evtName: 'Web Page Viewed', identity: 'u-b', type: 'event' } }] };
  assert.deepEqual(perEventOf(classifyCleverTap(answer(200, answered), request, ctx())), {
    b: { status: 'dead_letter', reason: 'CleverTap did not process the record (code 513: Event Name is incorrect. ErrorCode: 513 - Trying to raise a restricted system event) — raised a restricted system event (CleverTap reserves this event name)' },
  });
});

test('classify: records CleverTap neither processed (by its count) nor named are never counted delivered', () => {
  const request = requestOf([ev('a'), ev('b'), ev('c')]);
  // processed 1 and one named: one record is unaccounted for, so the request is split to find it.
  const short = classifyCleverTap(answer(200, { status: 'success', processed: 1, unprocessed: [{ status: 'fail', code: 509, error: 'Event name is mandatory. Skipped record number : 1' }] }), request, ctx());
  assert.equal(statusOf(short), 'split');
  assert.match(reasonOf(short), /processed 1 of 3 records and named 1/);
  assert.equal(statusOf(classifyCleverTap(answer(200, { status: 'success', processed: 0, unprocessed: [] }), request, ctx())), 'split');
  const one = classifyCleverTap(answer(200, { status: 'success', processed: 0, unprocessed: [] }), requestOf([ev('a')]), ctx());
  assert.equal(statusOf(one), 'dead_letter');
  assert.match(reasonOf(one), /did not process the record and gave no reason/);
  // The counts adding up: the named record dead-lettered, the others delivered (not sent again).
  assert.deepEqual(Object.keys(perEventOf(classifyCleverTap(answer(200, { status: 'success', processed: 2, unprocessed: [{ status: 'fail', code: 509, error: 'Event name is mandatory. Skipped record number : 3' }] }), request, ctx()))), ['c']);
});

test('classify: unprocessed entries Signal cannot match split several records, dead-letter one; a fail naming none the same; a 2xx not JSON retried', () => {
  const several = requestOf([ev('a'), ev('b')]);
  const unmatched = classifyCleverTap(answer(200, { status: 'fail', processed: 1, unprocessed: [{ code: 512, error: 'Invalid event structure' }] }), several, ctx());
  assert.equal(statusOf(unmatched), 'split');
  const one = requestOf([ev('a')]);
  assert.deepEqual(perEventOf(classifyCleverTap(answer(200, { status: 'fail', unprocessed: [{ code: 512, error: 'Invalid event structure' }] }), one, ctx())), { a: { status: 'dead_letter', reason: 'CleverTap did not process the record (code 512: Invalid event structure)' } });
  assert.equal(statusOf(classifyCleverTap(answer(200, { status: 'fail', error: 'Invalid payload' }), several, ctx())), 'split');
  assert.deepEqual(classifyCleverTap(answer(200, { status: 'fail', error: 'Invalid payload' }), one, ctx()), { status: 'dead_letter', reason: 'CleverTap refused the upload (HTTP 200: Invalid payload)' });
  assert.equal(statusOf(classifyCleverTap(answer(200, '<html>proxy</html>'), one, ctx())), 'retry');
});

test('classify: 429 retried after Retry-After; 401/403 dead-lettered naming the config fields; 400 dead-lettered, 413 split; 5xx retried; 404 names the region', () => {
  const one = requestOf([ev('a')]);
  const several = requestOf([ev('a'), ev('b')]);
  const limited = classifyCleverTap(answer(429, { status: 'fail', error: 'Too many concurrent requests' }, { 'Retry-After': '2' }), one, ctx());
  assert.deepEqual(limited, { status: 'retry', reason: 'CleverTap refused the request for its limit of concurrent requests (HTTP 429: Too many concurrent requests)', retryAfterMs: 2000 });
  const refused = classifyCleverTap(answer(401, { status: 'fail', error: 'Account ID is not valid', code: 401 }), several, ctx());
  assert.equal(statusOf(refused), 'dead_letter');
  assert.match(reasonOf(refused), /^CleverTap refused the credentials \(HTTP 401: Account ID is not valid \(code 401\)\): check config\.account_id and config\.passcode .* config\.region/);
  assert.equal(statusOf(classifyCleverTap(answer(403, {}), one, ctx())), 'dead_letter');
  assert.deepEqual(classifyCleverTap(answer(400, { status: 'fail', error: 'Bad request' }), several, ctx()), { status: 'dead_letter', reason: 'CleverTap refused the records (HTTP 400: Bad request)' });
  assert.deepEqual(classifyCleverTap(answer(400, { status: 'fail', error: 'Bad request' }), one, ctx()), { status: 'dead_letter', reason: 'CleverTap refused the record (HTTP 400: Bad request)' });
  assert.equal(statusOf(classifyCleverTap(answer(503, 'unavailable'), one, ctx())), 'retry');
  assert.equal(statusOf(classifyCleverTap(answer(500, {}), one, ctx())), 'retry');
  assert.match(reasonOf(classifyCleverTap(answer(404, 'not found'), one, ctx())), /check config\.region/);
  assert.equal(statusOf(classifyCleverTap(answer(413, ''), several, ctx())), 'split');
  assert.match(reasonOf(classifyCleverTap(answer(413, ''), one, ctx())), /^CleverTap refused this record alone as too large/);
  const unknownCode = classifyCleverTap(answer(200, { status: 'partial', unprocessed: [{ index: 0, code: 516, error: 'Phone number invalid' }] }), one, ctx());
  assert.deepEqual(perEventOf(unknownCode), { a: { status: 'dead_letter', reason: 'CleverTap did not process the record (code 516: Phone number invalid)' } });
});

test('config: the schema requires the credentials and a known region; white space inside the passcode named', () => {
  const ajv = createConfigAjv();
  const validate = ajv.compile(clevertap.config);
  assert.equal(validate({ account_id: ACCOUNT, passcode: PASSCODE, region: 'sg1' }), true);
  assert.equal(validate({ account_id: ACCOUNT, passcode: PASSCODE, region: 'eu2' }), false);
  assert.equal(validate({ account_id: ACCOUNT, region: 'eu1' }), false);
  assert.deepEqual(validateCleverTapConfig({ account_id: ACCOUNT, passcode: 'abc def', region: 'eu1' }), [{ field: 'passcode', message: 'holds white space or a line break (copied with the text around it?): give the Passcode alone' }]);
  assert.deepEqual(validateCleverTapConfig({ account_id: ACCOUNT, passcode: ` ${PASSCODE}\n`, region: 'eu1' }), []);
});

test('forgetPerson: the profile by identity; anonymous only skipped; answers read', () => {
  assert.equal(forgetPerson.enabled({ account_id: ACCOUNT, passcode: PASSCODE }), true);
  assert.equal(forgetPerson.enabled({ account_id: ACCOUNT, passcode: PASSCODE, forward_deletions: false }), false);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_x' }, ctx({ region: 'us1' })), { method: 'POST', url: 'https://us1.api.clevertap.com/1/delete/profiles.json', headers: HEADERS, body: { identity: 'u-1' }, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_x' }, ctx()), { skipped: ANONYMOUS_ONLY });
  const read = forgetPerson.read!;
  assert.equal('done' in read(answer(200, { status: 'success' })), true);
  assert.match(String((read(answer(200, { status: 'fail', error: 'identity not found' })) as { failed: string }).failed), /status fail .*identity not found/);
  assert.match(String((read(answer(401, { status: 'fail' })) as { failed: string }).failed), /check config\.account_id, config\.passcode and config\.region/);
  assert.equal('retry' in read(answer(429, {})), true);
  assert.equal('retry' in read(answer(503, '')), true);
  assert.equal('failed' in read(answer(400, { status: 'fail', error: 'Bad' })), true);
});
