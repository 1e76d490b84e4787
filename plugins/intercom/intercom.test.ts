import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, PermanentError, RetryableError, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import intercom from './index.ts';
import { classifyIntercom, rateLimitWaitMs } from './classify.ts';
import { apiVersionOf, validateIntercomConfig } from './config.ts';
import { creationBody, identitiesOf, readCreation, readLookup } from './contact-lookup.ts';
import { ANONYMOUS_ONLY, forgetPerson } from './forget-person.ts';
import { fitMetadata, MAX_METADATA_KEYS, metadataValue, monetaryAmount } from './metadata.ts';

const TOKEN = 'dG9rOjAxMjM0NTY3X2FiY2Q=';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const TS = 1711296000;
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'Intercom-Version': '2.16', accept: 'application/json', 'content-type': 'application/json' };
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { access_token: TOKEN, ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc123', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', page: { url: 'https://shop.example.com/signup', title: 'Sign up', path: '/signup', referrer: 'https://search.example/' } },
  ...overrides,
} as CanonicalEvent);
const identify = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => browserEvent({ type: 'identify', event: undefined, traits: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', phone: '07700 900123', plan: 'pro', seats: 3, password: 'x', avatar: 'https://cdn.example.com/ann.png', createdAt: '2024-01-02T03:04:05Z' }, ...overrides });
const blueprints = { default: readFileSync(new URL('../../blueprints/intercom/default.yaml', import.meta.url), 'utf8'), with_page_views: readFileSync(new URL('../../blueprints/intercom/with_page_views.yaml', import.meta.url), 'utf8') };
type Variant = keyof typeof blueprints;
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default') => createEventMapper(intercom, { variant, blueprint: blueprints[variant] }, ctx(config, variant))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default'): JsonObject => {
  const result = mapped(event, config, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const requestOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default'): RequestDescriptor => intercom.send([{ id: event.messageId, event, payload: recordOf(event, config, variant) }], ctx(config, variant))[0]!;
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const errors = (code: string, message: string) => ({ type: 'error.list', request_id: 'req-1', errors: [{ code, message }] });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const EVENTS_REQUEST: RequestDescriptor = { method: 'POST', url: 'https://api.intercom.io/events', eventIds: ['m-1'] };
const CREATE_REQUEST: RequestDescriptor = { method: 'POST', url: 'https://api.intercom.io/contacts', eventIds: ['m-1'] };
const UPDATE_REQUEST: RequestDescriptor = { method: 'PUT', url: 'https://api.intercom.io/contacts/6762f0df1bb69f9f2193bb84', eventIds: ['m-1'] };

test('identify without a lookup hit: POST /contacts with role user, external_id, email, name, phone in E.164, avatar, signed_up_at and last_seen_at in Unix seconds, only the custom attributes the config lists', () => {
  const request = requestOf(identify(), { custom_attributes: ['plan', 'seats', 'missing'], default_country_code: '44' });
  assert.deepEqual(request, {
    method: 'POST', url: 'https://api.intercom.io/contacts', headers: HEADERS, eventIds: ['m-1'],
    body: { role: 'user', external_id: 'u-1', email: 'ann@example.com', name: 'Ann Lee', phone: '+447700900123', avatar: 'https://cdn.example.com/ann.png', signed_up_at: 1704164645, last_seen_at: TS, custom_attributes: { plan: 'pro', seats: 3 } },
  });
  // Without a list, no trait is sent as a custom attribute (Intercom refuses one it lacks).
  assert.equal((requestOf(identify()).body as JsonObject).custom_attributes, undefined);
  // Without a default country code, a national number is sent as written.
  assert.equal((requestOf(identify()).body as JsonObject).phone, '07700 900123');
});

test('identify whose contact the lookup found: PUT /contacts/{id} without role (a lead stays a lead), with the external_id and traits', () => {
  const request = requestOf(identify({ partner_attrs: { intercom: { contact_id: '6762f0df1bb69f9f2193bb84', role: 'user' } } }));
  assert.equal(request.method, 'PUT');
  assert.equal(request.url, 'https://api.intercom.io/contacts/6762f0df1bb69f9f2193bb84');
  const body = request.body as JsonObject;
  assert.equal(body.role, undefined);
  assert.equal(body.external_id, 'u-1');
  assert.equal(body.email, 'ann@example.com');
  // An id that could change the URL's path is not taken: the contact is created instead.
  assert.equal(requestOf(identify({ partner_attrs: { intercom: { contact_id: '../admins' } } })).method, 'POST');
});

test('identity: email alone names the contact; placeholder userIds and anonymous visitors are never sent (dropped, not errors)', () => {
  const byEmail = requestOf(identify({ userId: 'undefined' }));
  assert.deepEqual([(byEmail.body as JsonObject).external_id, (byEmail.body as JsonObject).email], [undefined, 'ann@example.com']);
  assert.equal(mapped(identify({ userId: undefined, traits: { name: 'Ann' } })).payload, null);
  assert.equal(mapped(browserEvent({ userId: 'null' })).payload, null, 'a placeholder userId names no one');
  assert.equal(mapped(browserEvent({ userId: undefined })).payload, null, 'an anonymous track');
  // A track by a visitor Signal remembers the email of goes by email.
  const remembered = requestOf(browserEvent({ userId: undefined, context: { traits: { email: 'ann@example.com' } } as CanonicalEvent['context'] }));
  assert.deepEqual(remembered.body, { event_name: 'Signed Up', created_at: TS, email: 'ann@example.com' });
});

test('track: POST /events with event_name, created_at in Unix seconds, user_id and metadata (contact data left out); the region and version chosen', () => {
  const request = requestOf(browserEvent({ properties: { plan: 'pro', seats: 3, trial: true, email: 'ann@example.com', signup_date: '2024-03-20T00:00:00Z', docs: { url: 'https://example.com/d', value: 'Docs' }, nested: { a: 1 } } }), { region: 'eu', api_version: '2.14' });
  assert.deepEqual(request, {
    method: 'POST', url: 'https://api.eu.intercom.io/events', headers: { ...HEADERS, 'Intercom-Version': '2.14' }, eventIds: ['m-1'],
    body: { event_name: 'Signed Up', created_at: TS, user_id: 'u-1', metadata: { plan: 'pro', seats: 3, trial: 'true', signup_date: 1710892800, docs: { url: 'https://example.com/d', value: 'Docs' } } },
  });
  assert.equal(requestOf(browserEvent(), { region: 'au' }).url, 'https://api.au.intercom.io/events');
  assert.equal(apiVersionOf({ api_version: '2.9' }), '2.16', 'a version the plugin does not speak falls back to the default');
});

test('orders: the revenue as Intercom\'s monetary amount in cents, first among the metadata; no currency, no price', () => {
  const order = browserEvent({ event: 'Order Completed', properties: { order_id: 'o-1', revenue: 349.99, currency: 'EUR', products: [{ sku: 'A' }] } });
  assert.deepEqual((requestOf(order).body as JsonObject).metadata, { price: { amount: 34999, currency: 'eur' }, order_id: 'o-1' });
  const noCurrency = browserEvent({ event: 'Order Completed', properties: { order_id: 'o-1', revenue: 10 } });
  assert.deepEqual((requestOf(noCurrency).body as JsonObject).metadata, { order_id: 'o-1' });
  assert.deepEqual(monetaryAmount('12.345', 'usd'), { amount: 1235, currency: 'usd' });
  assert.equal(monetaryAmount(-1, 'usd'), undefined);
});

test('metadata fitted to Intercom: 10 keys at most in order, refused key characters replaced, strings cut to 255, no nested JSON', () => {
  const source: JsonObject = {};
  for (let i = 0; i < 14; i++) source[`k${i}`] = i;
  const { metadata, left } = fitMetadata(source);
  assert.equal(Object.keys(metadata).length, MAX_METADATA_KEYS);
  assert.deepEqual(Object.keys(metadata), ['k0', 'k1', 'k2', 'k3', 'k4', 'k5', 'k6', 'k7', 'k8', 'k9']);
  assert.deepEqual(left, ['k10', 'k11', 'k12', 'k13']);
  assert.deepEqual(fitMetadata({ 'a.b': 1, 'c$d': 2, list: [1], empty: ' ', none: null }).metadata, { a_b: 1, c_d: 2 });
  assert.equal((metadataValue('note', 'x'.repeat(300)) as string).length, 255);
  assert.equal(metadataValue('amount', { amount: 1.5, currency: 'usd' }), undefined, 'a monetary amount is whole cents');
  assert.equal(metadataValue('link', { url: 'javascript:alert(1)', value: 'x' }), undefined);
  assert.equal(metadataValue('when_date', 'not a date'), undefined);
});

test('with_page_views: page calls as viewed-page with URL, path, title and referrer; the default variant sends none', () => {
  const page = browserEvent({ type: 'page', event: undefined, name: 'Pricing' });
  assert.deepEqual(requestOf(page, {}, 'with_page_views').body, {
    event_name: 'viewed-page', created_at: TS, user_id: 'u-1',
    metadata: { url: 'https://shop.example.com/signup', path: '/signup', title: 'Sign up', referrer: 'https://search.example/' },
  });
  assert.equal(mapped(page).payload, null);
});

test('send: one request per event, every event once, in order; a payload without a record is refused naming the event', () => {
  const records: MappedEvent[] = ['a', 'b', 'c'].map((id) => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'event', body: { event_name: 'x', created_at: TS, user_id: id } } }));
  const requests = intercom.send(records, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds), [['a'], ['b'], ['c']]);
  assert.equal(intercom.batch.maxEvents, 1);
  assert.throws(() => intercom.send([{ id: 'x', event: browserEvent(), payload: { event_name: 'raw' } }], ctx()), /event x holds no Intercom record/);
});

test('classify: 2xx delivered; 429 until X-RateLimit-Reset; 5xx retried; 401/403 naming the config; a user not found retried; 409 and 404 on an update explained; other 4xx with Intercom\'s words', () => {
  assert.deepEqual(classifyIntercom(answer(202, ''), EVENTS_REQUEST, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyIntercom(answer(200, { type: 'contact', id: 'c' }), CREATE_REQUEST, ctx()), { status: 'delivered' });
  const limited = classifyIntercom(answer(429, errors('rate_limit_exceeded', 'Exceeded rate limit of 1666 in 10_seconds'), { 'X-RateLimit-Reset': String(NOW / 1000 + 7) }), EVENTS_REQUEST, ctx());
  assert.deepEqual([statusOf(limited), 'retryAfterMs' in limited ? limited.retryAfterMs : undefined], ['retry', 7000]);
  assert.equal(rateLimitWaitMs({ 'retry-after': '3' }, NOW), 3000);
  assert.equal(rateLimitWaitMs({ 'x-ratelimit-reset': String(NOW / 1000 - 5) }, NOW), undefined, 'a reset time already past gives the core\'s schedule');
  assert.equal(statusOf(classifyIntercom(answer(500, errors('server_error', 'Server Error')), EVENTS_REQUEST, ctx())), 'retry');
  assert.equal(statusOf(classifyIntercom(answer(408, ''), EVENTS_REQUEST, ctx())), 'retry');
  const refused = classifyIntercom(answer(401, errors('unauthorized', 'Access Token Invalid')), EVENTS_REQUEST, ctx());
  assert.equal(statusOf(refused), 'dead_letter');
  assert.match(reasonOf(refused), /^HTTP 401: unauthorized: Access Token Invalid: .*config\.access_token.*config\.region/);
  assert.match(reasonOf(classifyIntercom(answer(403, errors('forbidden', 'Forbidden')), EVENTS_REQUEST, ctx())), /permission/);
  const notYet = classifyIntercom(answer(404, errors('not_found', 'User Not Found')), EVENTS_REQUEST, ctx());
  assert.equal(statusOf(notYet), 'retry');
  assert.match(reasonOf(notYet), /no contact for this user \(yet.*after the last try, send an identify/);
  assert.equal(statusOf(classifyIntercom(answer(404, { error: 'HTTP 404' }), EVENTS_REQUEST, ctx())), 'dead_letter', 'a 404 that is not Intercom\'s user not found');
  const conflict = classifyIntercom(answer(409, errors('conflict', 'A contact matching those details already exists with id=5da6f18e3d7cf967e4582d05')), CREATE_REQUEST, ctx());
  assert.equal(statusOf(conflict), 'dead_letter');
  assert.match(reasonOf(conflict), /id=5da6f18e3d7cf967e4582d05: Intercom already has this contact \(id 5da6f18e3d7cf967e4582d05\): .*lookup before fan-out could not resolve it.*replayEvents .*since and until.*PUT \/contacts\/\{id\} \(replayDeadLetters would send the same creation again\)$/);
  const archived = classifyIntercom(answer(409, errors('conflict', 'An archived contact matching those details already exists with id=6762f0dd1bb69f9f2193bb83')), CREATE_REQUEST, ctx());
  assert.equal(statusOf(archived), 'dead_letter');
  assert.match(reasonOf(archived), /contact 6762f0dd1bb69f9f2193bb83 is archived .*unarchive it \(in Intercom, or POST \/contacts\/6762f0dd1bb69f9f2193bb83\/unarchive\), then replay the identify with replayEvents/);
  const updateConflict = classifyIntercom(answer(409, errors('conflict', 'conflict')), UPDATE_REQUEST, ctx());
  assert.equal(statusOf(updateConflict), 'dead_letter', 'a conflict on an update is no loop either');
  assert.match(reasonOf(updateConflict), /merge them in Intercom/);
  assert.match(reasonOf(classifyIntercom(answer(404, errors('not_found', 'User Not Found')), UPDATE_REQUEST, ctx())), /no longer in Intercom.*replayEvents/);
  const attribute = classifyIntercom(answer(400, errors('parameter_not_found', "Custom attribute 'plan' does not exist")), CREATE_REQUEST, ctx());
  assert.match(reasonOf(attribute), /^HTTP 400: parameter_not_found: Custom attribute 'plan' does not exist: .*config\.custom_attributes/);
  assert.equal(reasonOf(classifyIntercom(answer(422, 'bad'), EVENTS_REQUEST, ctx())), 'HTTP 422: bad');
});

test('contact lookup: identify calls only, by external_id, then email, then the creation; answers read (found, merged, search hits, not found, refusals)', () => {
  const lookup = intercom.enrich!;
  assert.deepEqual(identitiesOf(identify()), [{ key: 'external_id', value: 'u-1' }, { key: 'email', value: 'ann@example.com' }, { key: 'new_contact', value: '{"external_id":"u-1","email":"ann@example.com"}' }]);
  assert.deepEqual(identitiesOf(identify({ userId: undefined })), [{ key: 'email', value: 'ann@example.com' }, { key: 'new_contact', value: '{"email":"ann@example.com"}' }]);
  assert.deepEqual(identitiesOf(browserEvent()), [], 'a track names its user itself');
  assert.deepEqual(identitiesOf(identify({ userId: 'anonymous', traits: {} })), []);
  assert.deepEqual(lookup.lookup({ key: 'external_id', value: 'u 1/2' }, ctx()), { method: 'GET', url: 'https://api.intercom.io/contacts/find_by_external_id/u%201%2F2', headers: HEADERS, eventIds: [] });
  assert.deepEqual(lookup.lookup({ key: 'email', value: 'ann@example.com' }, ctx({ region: 'eu' })), {
    method: 'POST', url: 'https://api.eu.intercom.io/contacts/search', headers: HEADERS, eventIds: [],
    body: { query: { field: 'email', operator: '=', value: 'ann@example.com' }, pagination: { per_page: 5 } },
  });
  assert.deepEqual(readLookup(answer(200, { type: 'contact', id: 'c1', role: 'user' })), { found: { attributes: { contact_id: 'c1', role: 'user' }, profileId: 'c1' } });
  assert.deepEqual(readLookup(answer(410, errors('contact_merged', 'merged'), { Link: '</contacts/c9>; rel="canonical"' })), { found: { attributes: { contact_id: 'c9' }, profileId: 'c9' } });
  assert.deepEqual(readLookup(answer(200, { type: 'list', data: [{ id: 'l1', role: 'lead' }, { id: 'u1', role: 'user' }] })), { found: { attributes: { contact_id: 'u1', role: 'user' }, profileId: 'u1' } });
  assert.deepEqual(readLookup(answer(200, { type: 'list', data: [{ id: 'l1', role: 'lead' }] })), { found: { attributes: { contact_id: 'l1', role: 'lead' }, profileId: 'l1' } });
  assert.deepEqual(readLookup(answer(200, { type: 'list', data: [], total_count: 0 })), { notFound: true });
  assert.deepEqual(readLookup(answer(404, errors('not_found', 'User Not Found'))), { notFound: true });
  assert.throws(() => readLookup(answer(401, errors('unauthorized', 'Access Token Invalid'))), (e: Error) => e instanceof PermanentError && /config\.access_token/.test(e.message));
  assert.throws(() => readLookup(answer(429, '')), RetryableError);
  assert.throws(() => readLookup(answer(503, '')), RetryableError);
  assert.deepEqual(lookup.browserAttributes!({ contact_id: 'c1' }, ctx()), {}, 'nothing shown to browsers');
});

test('contact creation before fan-out: POST /contacts with the identity alone; the new contact, or the one a 409 names, is found, so the delivery updates it; archived or refused: not found with a warning', () => {
  const lookup = intercom.enrich!;
  const create = lookup.lookup({ key: 'new_contact', value: '{"external_id":"u 1","email":"ann@example.com"}' }, ctx({ region: 'au' }));
  assert.deepEqual(create, { method: 'POST', url: 'https://api.au.intercom.io/contacts', headers: HEADERS, body: { role: 'user', external_id: 'u 1', email: 'ann@example.com' }, eventIds: [] });
  assert.deepEqual(creationBody('{"email":"ann@example.com"}'), { role: 'user', email: 'ann@example.com' });
  // The core reads the creation's answers through enrich.read with the request it sent.
  assert.deepEqual(lookup.read(answer(200, { type: 'contact', id: '6762f0dd1bb69f9f2193bb83', role: 'user' }), create, ctx()), { found: { attributes: { contact_id: '6762f0dd1bb69f9f2193bb83', role: 'user' }, profileId: '6762f0dd1bb69f9f2193bb83' } });
  const raced = answer(409, errors('conflict', 'A contact matching those details already exists with id=5da6f18e3d7cf967e4582d05'));
  assert.deepEqual(lookup.read(raced, create, ctx()), { found: { attributes: { contact_id: '5da6f18e3d7cf967e4582d05' }, profileId: '5da6f18e3d7cf967e4582d05' } }, 'a creation that lost the race names the contact: the identify updates it');
  const archived = readCreation(answer(409, errors('conflict', 'An archived contact matching those details already exists with id=5da6f18e3d7cf967e4582d05')));
  assert.ok('notFound' in archived && /archived/.test(archived.warning ?? ''), 'an archived contact is not updated');
  const refused = readCreation(answer(400, errors('parameter_invalid', 'Email is invalid')));
  assert.ok('notFound' in refused && /Email is invalid/.test(refused.warning ?? ''), 'a refusal does not pause the lookups: the delivery dead-letters with Intercom\'s words');
  assert.deepEqual(readCreation(answer(409, '')), { notFound: true, warning: 'Intercom contact creation before fan-out: HTTP 409: the identify goes on as POST /contacts and is dead-lettered naming what to do' });
  assert.throws(() => readCreation(answer(503, '')), RetryableError);
  assert.throws(() => readCreation(answer(401, errors('unauthorized', 'Access Token Invalid'))), PermanentError);
  // The lookup by external_id is still read as a lookup (its 404 is no creation's).
  assert.deepEqual(lookup.read(answer(404, errors('not_found', 'User Not Found')), lookup.lookup({ key: 'external_id', value: 'u-1' }, ctx()), ctx()), { notFound: true });
});

test('config: the schema takes a valid config and refuses a bad region; validateConfig names the field of a pasted Bearer prefix, white space and impossible attribute names', () => {
  const validate = createConfigAjv().compile(intercom.config);
  assert.equal(validate({ access_token: TOKEN, region: 'eu', api_version: '2.15', custom_attributes: ['plan'] }), true);
  assert.equal(validate({ access_token: TOKEN, region: 'jp' }), false);
  assert.equal(validate({ access_token: TOKEN, api_version: '2.11' }), false, 'before 2.13 there is no lookup by external_id');
  assert.equal(validate({ region: 'us' }), false, 'the token is required');
  assert.deepEqual(validateIntercomConfig({ access_token: TOKEN }), []);
  assert.deepEqual(validateIntercomConfig({ access_token: `Bearer ${TOKEN}` }).map((p) => p.field), ['access_token']);
  const spaced = validateIntercomConfig({ access_token: 'abc def' });
  assert.equal(spaced[0]!.field, 'access_token');
  assert.ok(!spaced[0]!.message.includes('abc'), 'the message never repeats the token');
  assert.deepEqual(validateIntercomConfig({ access_token: TOKEN, custom_attributes: ['plan.name', 'email', 'ok'] }).map((p) => [p.field, p.message.slice(0, 11)]), [['custom_attributes', '"plan.name"'], ['custom_attributes', '"email" is ']]);
});

test('person deletions: lookup by external_id, then DELETE /contacts/{id}; nothing to delete is done; anonymous ids skipped; refusals failed, limits retried', () => {
  const request = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc123' }, ctx()) as RequestDescriptor;
  assert.deepEqual(request, { method: 'GET', url: 'https://api.intercom.io/contacts/find_by_external_id/u-1', headers: HEADERS, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc123' }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.ok('skipped' in forgetPerson.request({ userId: 'undefined', anonymousId: null }, ctx()));
  const next = forgetPerson.read!(answer(200, { type: 'contact', id: '6762f0df1bb69f9f2193bb84' }), request, ctx());
  assert.deepEqual(next, { next: { method: 'DELETE', url: 'https://api.intercom.io/contacts/6762f0df1bb69f9f2193bb84', headers: HEADERS, eventIds: [] } });
  const del = (next as { next: RequestDescriptor }).next;
  assert.deepEqual(forgetPerson.read!(answer(200, { id: '6762f0df1bb69f9f2193bb84', external_id: 'u-1', type: 'contact', deleted: true }), del, ctx()), { done: true, message: 'deleted (HTTP 200): Intercom deleted the contact (its data is destroyed after Intercom\'s 7-day grace period)' });
  assert.ok('done' in forgetPerson.read!(answer(404, errors('not_found', 'User Not Found')), request, ctx()), 'no contact: nothing to delete');
  assert.ok('done' in forgetPerson.read!(answer(404, errors('not_found', 'Contact Not Found')), del, ctx()), 'already gone');
  assert.deepEqual(forgetPerson.read!(answer(410, errors('contact_merged', 'merged'), { link: '</contacts/c9>; rel="canonical"' }), request, ctx()), { next: { method: 'DELETE', url: 'https://api.intercom.io/contacts/c9', headers: HEADERS, eventIds: [] } });
  assert.ok('retry' in forgetPerson.read!(answer(429, ''), request, ctx()));
  assert.ok('retry' in forgetPerson.read!(answer(502, ''), del, ctx()));
  const refused = forgetPerson.read!(answer(401, errors('unauthorized', 'Access Token Invalid')), del, ctx());
  assert.ok('failed' in refused && /config\.access_token/.test(refused.failed));
  assert.equal(forgetPerson.enabled({ access_token: TOKEN, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ access_token: TOKEN }), true);
});
