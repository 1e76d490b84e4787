import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import airship from './index.ts';
import { classifyAirship } from './classify.ts';
import { apiBaseOf, validateAirshipConfig } from './config.ts';
import { dateAttributeValue, fitProperties, fitRecord, isoSeconds } from './fit-to-airship.ts';
import { ANONYMOUS_ONLY, UNINSTALLED, forgetPerson } from './forget-person.ts';
import { ACCEPT } from './requests.ts';

const TOKEN = 'MTp4WmF0b2tlbjAxMjM0NTY3ODlhYmNkZWY';
const APP_KEY = 'ISex_TTJRuarzs9-o_Gkhg';
const NOW = Date.parse('2024-03-24T16:00:05Z');
const VISITOR = 'df_abc123def456';
// Every request carries X-UA-Appkey, as Airship's official libraries send it with a bearer token.
const HEADERS = { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${TOKEN}`, 'x-ua-appkey': APP_KEY };
const ctx = (config: Record<string, JsonValue> = {}, warnings?: string[]): PluginContext => ({ config: { access_token: TOKEN, app_key: APP_KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, ...(warnings ? { warn: (m: string) => { warnings.push(m); } } : {}) });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: VISITOR, userId: 'user-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/signup?x=1', title: 'Sign up', path: '/signup' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/airship/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does (the shipped blueprint, then the map hook); the hook's warnings pushed to `warnings`. */
const mapped = (event: CanonicalEvent, warnings?: string[]) => {
  const result = createEventMapper(airship, { variant: 'default', blueprint }, ctx())(event);
  warnings?.push(...(result.warnings ?? []));
  return result;
};
const recordOf = (event: CanonicalEvent, warnings?: string[]): JsonObject => {
  const result = mapped(event, warnings);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body as JsonValue }) });
const ev = (id: string, user = `u-${id}`, extra: JsonObject = {}): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'event', named_user_id: user, item: { occurred: '2024-03-24T16:00:00Z', user: { named_user_id: user }, body: { name: 'viewed', ...extra } } } });
const attrs = (id: string, user = `u-${id}`): MappedEvent => ({ id, event: browserEvent({ type: 'identify', messageId: id }), payload: { kind: 'attributes', named_user_id: user, item: { attributes: [{ action: 'set', key: 'first_name', value: 'Jane', timestamp: '2024-03-24T16:00:00Z' }] } } });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const eventsRequest = (n = 2): RequestDescriptor => airship.send(Array.from({ length: n }, (_, i) => ev(`e${i}`)), ctx())[0]!;
const attrsRequest = (): RequestDescriptor => airship.send([attrs('i1')], ctx())[0]!;

test('map: a track call becomes a Custom Event object — name lower-cased, occurred to the second, the named user by userId, value, transaction, the page path as interaction_id (type url), the messageId as unique_id', () => {
  const record = recordOf(browserEvent({ event: 'Order Completed', properties: { order_id: 'SO-1', revenue: 42.5, currency: 'EUR', note: null } }));
  assert.deepEqual(record, {
    kind: 'event', named_user_id: 'user-1',
    item: {
      occurred: '2024-03-24T16:00:00Z', user: { named_user_id: 'user-1' },
      body: { name: 'order completed', value: 42.5, transaction: 'SO-1', interaction_id: '/signup', interaction_type: 'url', unique_id: 'm-1', properties: { order_id: 'SO-1', revenue: 42.5, currency: 'EUR' } },
    },
  });
});

test('map: an event without a userId is skipped with a warning; an event over 90 days old is an error; a future time is left out with a warning; long strings cut to 255', () => {
  const warnings: string[] = [];
  assert.equal(mapped(browserEvent({ userId: undefined }), warnings).payload, null);
  assert.match(warnings[0]!, /^not sent: Airship names users by named user id \(the userId\)/);
  const old = mapped(browserEvent({ timestamp: '2023-12-01T00:00:00.000Z' }));
  assert.equal(old.payload, null);
  assert.match(old.error ?? '', /more than 90 days before it is sent, and Airship refuses custom events older than that/);
  const future: string[] = [];
  const item = recordOf(browserEvent({ timestamp: '2024-03-25T00:00:00.000Z' }), future).item as JsonObject;
  assert.equal(item.occurred, undefined);
  assert.match(future.join('\n'), /occurred left out: 2024-03-25T00:00:00Z is in the future/);
  const cut: string[] = [];
  assert.deepEqual(fitProperties({ a: 'x'.repeat(300), b: { c: ['y'.repeat(256)] } }, (m) => cut.push(m)), { a: 'x'.repeat(255), b: { c: ['y'.repeat(255)] } });
  assert.deepEqual(cut, ['properties.a cut to 255 characters, Airship\'s limit for strings', 'properties.b.c[0] cut to 255 characters, Airship\'s limit for strings']);
  const long = mapped(browserEvent({ userId: 'u'.repeat(129) }));
  assert.match(long.error ?? '', /the userId has 129 characters and Airship's named user ids have at most 128/);
  assert.equal(isoSeconds(Date.parse('2024-03-24T16:00:00.999Z')), '2024-03-24T16:00:00Z');
});

test('map: an identify becomes set actions with the event\'s timestamp — Airship\'s predefined keys for names, email, gender, birthdate, company and address; other traits under their own names; null removes; objects left out with a warning', () => {
  const warnings: string[] = [];
  const record = recordOf(browserEvent({ type: 'identify', event: undefined, traits: { firstName: 'Jane', lastName: 'Doe', name: 'Jane Doe', email: 'jane@example.com', gender: 'female', birthday: '1990-05-01', company: { name: 'Acme' }, address: { city: 'Paris', state: 'IDF', country: 'FR' }, plan: 'pro', seats: 3, nickname: null, prefs: { a: 1 }, flag: true } } as Partial<CanonicalEvent>), warnings);
  const ts = '2024-03-24T16:00:00Z';
  assert.deepEqual(record, {
    kind: 'attributes', named_user_id: 'user-1',
    item: {
      attributes: [
        { action: 'set', key: 'plan', value: 'pro', timestamp: ts },
        { action: 'set', key: 'seats', value: 3, timestamp: ts },
        { action: 'remove', key: 'nickname', timestamp: ts },
        { action: 'set', key: 'first_name', value: 'Jane', timestamp: ts },
        { action: 'set', key: 'last_name', value: 'Doe', timestamp: ts },
        { action: 'set', key: 'full_name', value: 'Jane Doe', timestamp: ts },
        { action: 'set', key: 'email', value: 'jane@example.com', timestamp: ts },
        { action: 'set', key: 'gender', value: 'female', timestamp: ts },
        { action: 'set', key: 'birthdate', value: '1990-05-01T00:00:00', timestamp: ts },
        { action: 'set', key: 'company', value: 'Acme', timestamp: ts },
        { action: 'set', key: 'city', value: 'Paris', timestamp: ts },
        { action: 'set', key: 'region', value: 'IDF', timestamp: ts },
        { action: 'set', key: 'country', value: 'FR', timestamp: ts },
      ],
    },
  });
  assert.deepEqual(warnings, [
    'attributes.prefs left out: Airship\'s attributes take text, numbers and dates (an object: JSON attributes need a schema defined in Airship given)',
    'attributes.flag left out: Airship\'s attributes take text, numbers and dates (boolean given)',
  ]);
  const none: string[] = [];
  assert.equal(mapped(browserEvent({ type: 'identify', event: undefined, traits: {} } as Partial<CanonicalEvent>), none).payload, null);
  assert.match(none.join('\n'), /not sent: the identify has no trait Airship can keep as an attribute/);
});

test('map: page, screen, alias and group are not sent', () => {
  for (const type of ['page', 'screen', 'alias', 'group'] as const) assert.equal(mapped(browserEvent({ type, event: undefined } as Partial<CanonicalEvent>)).payload, null, type);
});

test('send: attributes to /api/named_users/{id}/attributes one a request, custom events to /api/custom-events in arrays of at most 100 with X-UA-Appkey; EU base; every event once', () => {
  const requests = airship.send([ev('e1'), attrs('i1', 'user/ä'), ev('e2', 'u-9')], ctx());
  assert.deepEqual(requests, [
    { method: 'POST', url: 'https://go.urbanairship.com/api/named_users/user%2F%C3%A4/attributes', headers: HEADERS, body: (attrs('i1').payload as { item: JsonObject }).item, eventIds: ['i1'] },
    { method: 'POST', url: 'https://go.urbanairship.com/api/custom-events', headers: HEADERS, body: [(ev('e1').payload as { item: JsonObject }).item, (ev('e2', 'u-9').payload as { item: JsonObject }).item], eventIds: ['e1', 'e2'] },
  ]);
  const many = airship.send(Array.from({ length: 250 }, (_, i) => ev(`e${i}`)), ctx({ region: 'eu' }));
  assert.deepEqual(many.map((r) => r.eventIds.length), [100, 100, 50]);
  assert.equal(many[0]!.url, 'https://go.airship.eu/api/custom-events');
  assert.equal(apiBaseOf({}), 'https://go.urbanairship.com');
  assert.equal(airship.send([ev('e1')], ctx({ access_token: ` ${TOKEN}\n` }))[0]!.headers!.authorization, `Bearer ${TOKEN}`);
  const big = airship.send(Array.from({ length: 10 }, (_, i) => ev(`b${i}`, `u-${i}`, { properties: { blob: 'x'.repeat(200_000) } })), ctx());
  assert.ok(big.length >= 3 && big.every((r) => Buffer.byteLength(JSON.stringify(r.body)) <= 1_000_000), 'within the bytes per request');
  assert.throws(() => airship.send([{ id: 'x', event: browserEvent(), payload: { name: 'raw' } }], ctx()), /event x holds no Airship record/);
});

test('classify: 200 ok delivered (custom events, attributes with a warning); 200 ok:false split or dead-lettered; 429 with Retry-After; 5xx retried', () => {
  assert.deepEqual(classifyAirship(answer(200, { ok: true, operation_id: 'op-1' }), eventsRequest(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyAirship(answer(202, { ok: true }), eventsRequest(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyAirship(answer(200, { ok: true, warning: 'attributes not set: favourite_colour' }), attrsRequest(), ctx()), { status: 'delivered' });
  assert.equal(statusOf(classifyAirship(answer(200, { ok: false, error: 'nope' }), eventsRequest(), ctx())), 'split');
  assert.deepEqual(classifyAirship(answer(200, { ok: false, error: 'nope' }), attrsRequest(), ctx()), { status: 'dead_letter', reason: 'Airship did not record the attribute update (HTTP 200: nope)' });
  assert.deepEqual(classifyAirship(answer(429, { ok: false, error: 'Too many requests' }, { 'retry-after': '30' }), eventsRequest(), ctx()), { status: 'retry', reason: 'Airship rate-limited the project (HTTP 429: Too many requests)', retryAfterMs: 30_000 });
  const busy = classifyAirship(answer(503, 'upstream busy'), eventsRequest(), ctx());
  assert.equal(statusOf(busy), 'retry');
  assert.equal(reasonOf(busy), 'Airship HTTP 503: upstream busy');
});

test('classify: 400 in Airship\'s shape splits several events and dead-letters one with Airship\'s words; 401/403 name the token; 406 names the version header; a proxy\'s 400 dead-letters', () => {
  const bad = { ok: false, error: 'Could not parse request body.', error_code: 40001, details: { error: 'Event name contains uppercase characters', path: '[0].body.name' } };
  assert.equal(statusOf(classifyAirship(answer(400, bad), eventsRequest(2), ctx())), 'split');
  assert.deepEqual(classifyAirship(answer(400, bad), eventsRequest(1), ctx()), { status: 'dead_letter', reason: 'Airship refused the custom event (HTTP 400 (error_code 40001): Could not parse request body. — Event name contains uppercase characters (at [0].body.name))' });
  assert.equal(statusOf(classifyAirship(answer(400, '<html>Bad Request</html>'), eventsRequest(2), ctx())), 'dead_letter');
  for (const status of [401, 403]) {
    const refused = classifyAirship(answer(status, { ok: false, error: 'Unauthorized', error_code: 40101 }), eventsRequest(), ctx());
    assert.equal(statusOf(refused), 'dead_letter');
    assert.match(reasonOf(refused), new RegExp(`^Airship refused the token \\(HTTP ${status} \\(error_code 40101\\): Unauthorized\\): check config\\.access_token .*config\\.app_key.*config\\.region`));
  }
  assert.match(reasonOf(classifyAirship(answer(406, { ok: false, error: 'Not acceptable' }), eventsRequest(), ctx())), /API version .*version=3/);
  assert.match(reasonOf(classifyAirship(answer(404, { ok: false, error: 'Not found' }), attrsRequest(), ctx())), /^Airship answered HTTP 404: Not found for https:\/\/go\.urbanairship\.com\/api\/named_users\/u-i1\/attributes/);
});

test('config: the schema requires the token and app key; validateConfig names a Bearer prefix, white space, and the app key given as the token', () => {
  const ajv = createConfigAjv();
  const validate = ajv.compile(airship.config);
  assert.equal(validate({ access_token: TOKEN, app_key: APP_KEY }), true);
  assert.equal(validate({ access_token: TOKEN }), false);
  assert.equal(validate({ access_token: TOKEN, app_key: APP_KEY, region: 'asia' }), false);
  assert.deepEqual(validateAirshipConfig({ access_token: TOKEN, app_key: APP_KEY }), []);
  assert.deepEqual(validateAirshipConfig({ access_token: `Bearer ${TOKEN}`, app_key: 'a b' }).map((p) => p.field), ['access_token', 'app_key']);
  assert.match(validateAirshipConfig({ access_token: `Bearer ${TOKEN}`, app_key: APP_KEY })[0]!.message, /^starts with "Bearer "/);
  assert.match(validateAirshipConfig({ access_token: 'abc def ghi', app_key: APP_KEY })[0]!.message, /white space/);
  assert.match(validateAirshipConfig({ access_token: APP_KEY, app_key: APP_KEY })[0]!.message, /^is the App Key again/);
  for (const [field, schema] of Object.entries(airship.config.properties ?? {})) {
    const s = schema as unknown as Record<string, unknown>;
    assert.ok(s.title && s.description, `${field} has a title and a description`);
    if (!s.secret && s.type === 'string' && !s.enum) assert.ok(Array.isArray(s.examples), `${field} has examples`);
  }
});

test('forgetPerson: Named Users uninstall by userId; an anonymousId alone skipped; answers read', () => {
  const c = ctx();
  assert.equal(forgetPerson.enabled(c.config), true);
  assert.equal(forgetPerson.enabled({ ...c.config, forward_deletions: false }), false);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: VISITOR }, c), { method: 'POST', url: 'https://go.urbanairship.com/api/named_users/uninstall', headers: HEADERS, body: { named_user_id: ['u-1'] }, eventIds: [] });
  assert.equal((forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx({ region: 'eu' })) as RequestDescriptor).url, 'https://go.airship.eu/api/named_users/uninstall');
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: VISITOR }, c), { skipped: ANONYMOUS_ONLY });
  const read = forgetPerson.read!;
  assert.deepEqual(read(answer(200, { ok: true }), undefined as unknown as RequestDescriptor, c), { done: true, message: `accepted (HTTP 200): ${UNINSTALLED}` });
  assert.deepEqual(read(answer(200, { ok: false, error: 'bad' }), undefined as unknown as RequestDescriptor, c), { failed: 'HTTP 200 (Airship: bad)' });
  assert.match(String((read(answer(401, { ok: false, error: 'Unauthorized' }), undefined as unknown as RequestDescriptor, c) as { failed: string }).failed), /^HTTP 401: Airship refused the token for the uninstall: check config\.access_token/);
  assert.ok('retry' in read(answer(503, 'busy'), undefined as unknown as RequestDescriptor, c));
  assert.deepEqual(read(answer(400, { ok: false, error: 'Invalid named user' }), undefined as unknown as RequestDescriptor, c), { failed: 'HTTP 400 (Airship: Invalid named user)' });
  // Airship holds no such named user: nothing to delete. A 404 not in Airship's shape still fails.
  assert.deepEqual(read(answer(404, { ok: false, error: 'Named user not found' }), undefined as unknown as RequestDescriptor, c), { done: true, message: 'HTTP 404: Airship holds no such named user, so nothing to delete (Airship: Named user not found)' });
  assert.deepEqual(read(answer(404, '<html>Not Found</html>'), undefined as unknown as RequestDescriptor, c), { failed: 'HTTP 404 (Airship: <html>Not Found</html>)' });
});

test('map: Date attributes (birthdate, account_creation) sent as YYYY-MM-DDTHH:MM:SS in UTC; a value that is no date left out with a warning', () => {
  assert.equal(dateAttributeValue('1990-05-01'), '1990-05-01T00:00:00');
  assert.equal(dateAttributeValue('1990-05-01T10:00:00+02:00'), '1990-05-01T08:00:00');
  assert.equal(dateAttributeValue('1'), undefined);
  assert.equal(dateAttributeValue('1990-13-45'), undefined);
  const warnings: string[] = [];
  const c = ctx({}, warnings);
  const identify = browserEvent({ type: 'identify', event: undefined });
  const record = fitRecord({ kind: 'attributes', named_user_id: 'u-1', attributes: { birthdate: 'next spring', account_creation: '2024-01-02T03:04:05.678Z', plan: '1990-05-01' } }, identify, c);
  assert.deepEqual(record, { kind: 'attributes', named_user_id: 'u-1', item: { attributes: [
    { action: 'set', key: 'account_creation', value: '2024-01-02T03:04:05', timestamp: '2024-03-24T16:00:00Z' },
    // A Text attribute keeps its text, date-like or not.
    { action: 'set', key: 'plan', value: '1990-05-01', timestamp: '2024-03-24T16:00:00Z' },
  ] } });
  assert.deepEqual(warnings, ['attributes.birthdate left out: "next spring" is not a date, and Airship\'s birthdate is a Date attribute (YYYY-MM-DDTHH:MM:SS)']);
});

test('map: a custom event keeps its first 100 properties, saying which were left out (Airship limits events to 100 properties)', () => {
  const warnings: string[] = [];
  const properties = Object.fromEntries(Array.from({ length: 103 }, (_, i) => [`p${i}`, i]));
  const record = fitRecord({ kind: 'event', named_user_id: 'u-1', name: 'Viewed', properties }, browserEvent(), ctx({}, warnings));
  const kept = ((record!.item as JsonObject).body as JsonObject).properties as JsonObject;
  assert.equal(Object.keys(kept).length, 100);
  assert.equal(kept.p99, 99);
  assert.equal(kept.p100, undefined);
  assert.deepEqual(warnings, ['properties: 3 left out (p100, p101, p102): Airship keeps at most 100 properties on a custom event']);
});

test('classify: a 413 splits several custom events whoever answered it (a proxy\'s page too); one event too large is dead-lettered', () => {
  assert.deepEqual(classifyAirship(answer(413, '<html>Request Entity Too Large</html>'), eventsRequest(4), ctx()), { status: 'split', reason: 'Airship refused the request as too large (HTTP 413: <html>Request Entity Too Large</html>): sending it in halves' });
  assert.equal(statusOf(classifyAirship(answer(413, '<html>Request Entity Too Large</html>'), eventsRequest(1), ctx())), 'dead_letter');
});
