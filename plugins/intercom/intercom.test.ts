import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, MAX_FOLLOW_UPS, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import intercom from './index.ts';
import { conflictOf, foundContact } from './answers.ts';
import { classifyIntercom, rateLimitWaitMs } from './classify.ts';
import { apiVersionOf, validateIntercomConfig } from './config.ts';
import { emailQuery, memoOf } from './requests.ts';
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
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const statusOf = (c: ClassifyResult): string => ('status' in c ? c.status : 'perEvent');
const EVENTS_REQUEST: RequestDescriptor = { method: 'POST', url: 'https://api.intercom.io/events', eventIds: ['m-1'] };
const CREATE_REQUEST: RequestDescriptor = { method: 'POST', url: 'https://api.intercom.io/contacts', eventIds: ['m-1'] };
const UPDATE_REQUEST: RequestDescriptor = { method: 'PUT', url: 'https://api.intercom.io/contacts/6762f0df1bb69f9f2193bb84', eventIds: ['m-1'] };

const CONTACT = { external_id: 'u-1', email: 'ann@example.com', name: 'Ann Lee', phone: '+447700900123', avatar: 'https://cdn.example.com/ann.png', signed_up_at: 1704164645, last_seen_at: TS, custom_attributes: { plan: 'pro', seats: 3 } };
/** The follow-up a classification asks for (it must ask for exactly one, carrying the answered request's event). */
const nextOf = (c: ClassifyResult): RequestDescriptor => {
  assert.ok('next' in c, `a follow-up, not ${JSON.stringify(c)}`);
  assert.equal(c.next.length, 1);
  assert.deepEqual(c.next[0]!.eventIds, ['m-1']);
  return c.next[0]!;
};
const stepOf = (request: RequestDescriptor) => `${request.method} ${request.url.replace('https://api.intercom.io', '')}`;
const memoStep = (request: RequestDescriptor) => (request.memo as { step: string; depth: number; again?: boolean });
/** The identify's first request (its lookup), for the default identify with the config's custom attributes and country code. */
const identifyLookup = (overrides: Partial<CanonicalEvent> = {}, config: Record<string, JsonValue> = { custom_attributes: ['plan', 'seats', 'missing'], default_country_code: '44' }) => requestOf(identify(overrides), config);
const follows = (request: RequestDescriptor, response: VendorResponse, config: Record<string, JsonValue> = {}) => nextOf(classifyIntercom(response, request, ctx(config)));
const FOUND = (id: string, role = 'user') => answer(200, { type: 'contact', id, role, external_id: 'u-1' });
const NOT_FOUND = answer(404, errors('not_found', 'User Not Found'));
const EMPTY_SEARCH = answer(200, { type: 'list', data: [], total_count: 0 });
const CONFLICT = (id: string) => answer(409, errors('conflict', `A contact matching those details already exists with id=${id}`));
const ARCHIVED = (id: string) => answer(409, errors('conflict', `An archived contact matching those details already exists with id=${id}`));

test('identify: send builds the lookup by external_id (GET /contacts/find_by_external_id/{userId}), the contact\'s fields in its memo: external_id, email, name, phone in E.164, avatar, signed_up_at and last_seen_at in Unix seconds, only the custom attributes the config lists, no role', () => {
  const request = identifyLookup();
  assert.deepEqual(request, {
    method: 'GET', url: 'https://api.intercom.io/contacts/find_by_external_id/u-1', headers: HEADERS, eventIds: ['m-1'],
    memo: { intercom: 'contact', step: 'find', contact: CONTACT, depth: 0 },
  });
  assert.equal(requestOf(identify({ userId: 'u 1/2' })).url, 'https://api.intercom.io/contacts/find_by_external_id/u%201%2F2', 'the userId is one path segment');
  // Without a list, no trait is sent as a custom attribute (Intercom refuses one it lacks).
  assert.equal((requestOf(identify()).memo as { contact: JsonObject }).contact.custom_attributes, undefined);
  assert.deepEqual(memoOf(requestOf(identify())), requestOf(identify()).memo, 'the memo reads back');
  assert.equal(memoOf({ method: 'PUT', url: 'https://api.intercom.io/contacts/c1', eventIds: ['m-1'], memo: { step: 'update' } }), undefined, 'not the plugin\'s note');
  // Without a default country code, a national number is sent as written.
  assert.equal((requestOf(identify()).memo as { contact: JsonObject }).contact.phone, '07700 900123');
});

test('identify chain: a contact found → PUT /contacts/{id} with its fields and no role (a lead stays a lead); a merged contact\'s 410 → the contact its Link names; an id that could change the URL is not taken', () => {
  const lookup = identifyLookup();
  const update = follows(lookup, FOUND('6762f0df1bb69f9f2193bb84'));
  assert.deepEqual(update, {
    method: 'PUT', url: 'https://api.intercom.io/contacts/6762f0df1bb69f9f2193bb84', headers: HEADERS, eventIds: ['m-1'], body: CONTACT,
    memo: { intercom: 'contact', step: 'update', contact: CONTACT, depth: 1 },
  });
  assert.deepEqual(classifyIntercom(answer(200, { type: 'contact', id: '6762f0df1bb69f9f2193bb84' }), update, ctx()), { status: 'delivered' });
  const merged = follows(lookup, answer(410, errors('contact_merged', 'merged'), { Link: '</contacts/c9>; rel="canonical"' }));
  assert.equal(stepOf(merged), 'PUT /contacts/c9');
  // An id Intercom would never give (a path) is no contact: the search goes on.
  assert.equal(stepOf(follows(lookup, FOUND('../admins'))), 'POST /contacts/search');
  // The region chosen is every step's host.
  assert.equal(follows(requestOf(identify(), { region: 'eu' }), FOUND('c1'), { region: 'eu' }).url, 'https://api.eu.intercom.io/contacts/c1');
});

test('identify chain: nobody by external_id → the search by email (a user preferred to a lead) → PUT; nobody there either → POST /contacts with role user and the fields; without an email the creation comes at once; an email alone starts with the search', () => {
  const lookup = identifyLookup();
  const search = follows(lookup, NOT_FOUND);
  assert.deepEqual([search.method, search.url, search.body, memoStep(search)], ['POST', 'https://api.intercom.io/contacts/search', { query: { field: 'email', operator: '=', value: 'ann@example.com' }, pagination: { per_page: 5 } }, { intercom: 'contact', step: 'search', contact: CONTACT, depth: 1 }]);
  assert.equal(stepOf(follows(search, answer(200, { type: 'list', data: [{ id: 'l1', role: 'lead' }, { id: 'u1', role: 'user' }] }))), 'PUT /contacts/u1');
  assert.equal(stepOf(follows(search, answer(200, { type: 'list', data: [{ id: 'l1', role: 'lead' }] }))), 'PUT /contacts/l1', 'a lead is updated (and stays one)');
  // A hit holding another external_id is another user of the site sharing the email: never overwritten.
  const hits = (...data: JsonObject[]) => answer(200, { type: 'list', data, total_count: data.length });
  const besideOther = follows(search, hits({ id: 'u2', role: 'user', external_id: 'u-2' }));
  assert.deepEqual([stepOf(besideOther), memoStep(besideOther)], ['POST /contacts', { intercom: 'contact', step: 'create', contact: CONTACT, depth: 2, others: ['u2'] }], 'another user: the creation instead');
  // Should Intercom refuse a second user with the email, naming that other user: dead-lettered, not taken over.
  const refusedSecond = classifyIntercom(CONFLICT('u2'), besideOther, ctx());
  assert.equal(statusOf(refusedSecond), 'dead_letter');
  assert.match(reasonOf(refusedSecond), /contact u2 has this email under another external_id.*does not overwrite another contact's external_id.*replay the dead letter/);
  assert.equal(stepOf(follows(besideOther, CONFLICT('u9'))), 'PUT /contacts/u9', 'a contact created meanwhile (not the other user) gets the update');
  assert.equal(stepOf(follows(search, hits({ id: 'u2', role: 'user', external_id: 'u-2' }, { id: 'u0', role: 'user' }))), 'PUT /contacts/u0', 'one without an external_id is taken');
  assert.equal(stepOf(follows(search, hits({ id: 'u1', role: 'user', external_id: 'u-1' }))), 'PUT /contacts/u1');
  const create = follows(search, EMPTY_SEARCH);
  assert.deepEqual([create.method, create.url, create.body, memoStep(create).depth], ['POST', 'https://api.intercom.io/contacts', { role: 'user', ...CONTACT }, 2]);
  assert.deepEqual(classifyIntercom(answer(200, { type: 'contact', id: 'new' }), create, ctx()), { status: 'delivered' });
  // No email: no search.
  const noEmail = requestOf(identify({ traits: { name: 'Ann' } }));
  assert.deepEqual(follows(noEmail, NOT_FOUND).body, { role: 'user', external_id: 'u-1', name: 'Ann', last_seen_at: TS });
  // An email alone (a placeholder userId names no one): the search first.
  const byEmail = requestOf(identify({ userId: 'undefined' }));
  assert.equal(stepOf(byEmail), 'POST /contacts/search');
  assert.equal((byEmail.memo as { contact: JsonObject }).contact.external_id, undefined);
  assert.equal(stepOf(follows(byEmail, hits({ id: 'u2', role: 'user', external_id: 'u-2' }))), 'PUT /contacts/u2', 'without a userId, no external_id is sent to be overwritten');
  assert.deepEqual(follows(byEmail, EMPTY_SEARCH).body, { role: 'user', email: 'ann@example.com', name: 'Ann Lee', phone: '07700 900123', avatar: 'https://cdn.example.com/ann.png', signed_up_at: 1704164645, last_seen_at: TS });
});

test('identify chain: a creation that lost a race (409 naming the contact) → PUT of that contact; an archived contact → dead-lettered, not unarchived, with the way back; a 409 naming nobody → tried again from the lookup', () => {
  const create = follows(follows(identifyLookup(), NOT_FOUND), EMPTY_SEARCH);
  const raced = follows(create, CONFLICT('5da6f18e3d7cf967e4582d05'));
  assert.deepEqual([stepOf(raced), raced.body, memoStep(raced).depth], ['PUT /contacts/5da6f18e3d7cf967e4582d05', CONTACT, 3]);
  const archived = classifyIntercom(ARCHIVED('6762f0dd1bb69f9f2193bb83'), create, ctx());
  assert.equal(statusOf(archived), 'dead_letter');
  assert.match(reasonOf(archived), /^HTTP 409: conflict: An archived contact .*: contact 6762f0dd1bb69f9f2193bb83 is archived in Intercom.*Signal does not unarchive.*POST \/contacts\/6762f0dd1bb69f9f2193bb83\/unarchive\), then replay the dead letter \(replayDeadLetters; the delivery starts again with the lookup\)$/);
  const nameless = classifyIntercom(answer(409, errors('conflict', 'conflict')), create, ctx());
  assert.deepEqual([statusOf(nameless), /tried again from the lookup/.test(reasonOf(nameless))], ['retry', true]);
  const attribute = classifyIntercom(answer(400, errors('parameter_not_found', "Custom attribute 'plan' does not exist")), create, ctx());
  assert.match(reasonOf(attribute), /^HTTP 400: parameter_not_found: Custom attribute 'plan' does not exist: .*config\.custom_attributes/);
});

test('identify chain: a 404 to the update (the contact deleted or merged meanwhile) → the lookup again, once; a second → tried again; more than MAX_FOLLOW_UPS follow-ups → tried again from the start, never the core\'s loop dead letter', () => {
  const update = follows(identifyLookup(), FOUND('6762f0df1bb69f9f2193bb84'));
  const again = follows(update, answer(404, errors('not_found', 'User Not Found')));
  assert.deepEqual([stepOf(again), memoStep(again)], ['GET /contacts/find_by_external_id/u-1', { intercom: 'contact', step: 'find', contact: CONTACT, depth: 2, again: true }]);
  const second = follows(again, FOUND('6762f0df1bb69f9f2193bb99'));
  assert.equal(stepOf(second), 'PUT /contacts/6762f0df1bb69f9f2193bb99');
  const twice = classifyIntercom(answer(404, errors('not_found', 'User Not Found')), second, ctx());
  assert.equal(statusOf(twice), 'retry');
  assert.match(reasonOf(twice), /twice.*replay the dead letter/);
  // The longest chain: lookup, search, creation, the raced contact's update (gone), the lookup again, …
  let request = identifyLookup();
  for (const response of [NOT_FOUND, EMPTY_SEARCH, CONFLICT('c5'), NOT_FOUND]) request = follows(request, response);
  assert.deepEqual([stepOf(request), memoStep(request).depth], ['GET /contacts/find_by_external_id/u-1', MAX_FOLLOW_UPS]);
  const budget = classifyIntercom(NOT_FOUND, request, ctx());
  assert.equal(statusOf(budget), 'retry');
  assert.match(reasonOf(budget), /more than 4 follow-up requests in a row.*tried again from the start/);
  // An update's conflict is no loop either.
  const conflict = classifyIntercom(answer(409, errors('conflict', 'conflict')), update, ctx());
  assert.equal(statusOf(conflict), 'dead_letter');
  assert.match(reasonOf(conflict), /merge them in Intercom, then replay the dead letter/);
});

test('identify chain: failures at any step settle the event as usual — 429 until X-RateLimit-Reset, 5xx retried (a retry starts again from the lookup), 401 naming the config, other refusals with Intercom\'s words', () => {
  const lookup = identifyLookup();
  const search = follows(lookup, NOT_FOUND);
  const update = follows(lookup, FOUND('c1'));
  for (const request of [lookup, search, update]) {
    const limited = classifyIntercom(answer(429, errors('rate_limit_exceeded', 'Exceeded rate limit'), { 'X-RateLimit-Reset': String(NOW / 1000 + 7) }), request, ctx());
    assert.deepEqual([statusOf(limited), 'retryAfterMs' in limited ? limited.retryAfterMs : undefined], ['retry', 7000], stepOf(request));
    assert.equal(statusOf(classifyIntercom(answer(503, errors('server_error', 'Server Error')), request, ctx())), 'retry', stepOf(request));
    assert.match(reasonOf(classifyIntercom(answer(401, errors('unauthorized', 'Access Token Invalid')), request, ctx())), /config\.access_token.*config\.region/);
  }
  assert.deepEqual(classifyIntercom(answer(400, errors('parameter_invalid', 'bad query')), search, ctx()), { status: 'dead_letter', reason: 'HTTP 400: parameter_invalid: bad query' });
});

test('identity: placeholder userIds and anonymous visitors are never sent (dropped, not errors); a track by a visitor Signal remembers the email of goes by email', () => {
  assert.equal(mapped(identify({ userId: undefined, traits: { name: 'Ann' } })).payload, null);
  assert.equal(mapped(browserEvent({ userId: 'null' })).payload, null, 'a placeholder userId names no one');
  assert.equal(mapped(browserEvent({ userId: undefined })).payload, null, 'an anonymous track');
  const remembered = requestOf(browserEvent({ userId: undefined, context: { traits: { email: 'ann@example.com' } } as CanonicalEvent['context'] }));
  assert.deepEqual(remembered.body, { event_name: 'Signed Up', created_at: TS, email: 'ann@example.com' });
  assert.equal(remembered.memo, undefined, 'a data event needs no memo: its answer settles it');
});

test('track: POST /events with event_name, created_at in Unix seconds, user_id and metadata (contact data left out), no memo; the region and version chosen', () => {
  const request = requestOf(browserEvent({ properties: { plan: 'pro', seats: 3, trial: true, email: 'ann@example.com', signup_date: '2024-03-20T00:00:00Z', docs: { url: 'https://example.com/d', value: 'Docs' }, nested: { a: 1 } } }), { region: 'eu', api_version: '2.14' });
  const body = { event_name: 'Signed Up', created_at: TS, user_id: 'u-1', metadata: { plan: 'pro', seats: 3, trial: 'true', signup_date: 1710892800, docs: { url: 'https://example.com/d', value: 'Docs' } } };
  assert.deepEqual(request, {
    method: 'POST', url: 'https://api.eu.intercom.io/events', headers: { ...HEADERS, 'Intercom-Version': '2.14' }, eventIds: ['m-1'], body,
  });
  assert.equal(requestOf(browserEvent(), { region: 'au' }).url, 'https://api.au.intercom.io/events');
  assert.equal(apiVersionOf({ api_version: '2.9' }), '2.16', 'a version the plugin does not speak falls back to the default');
  // With a userId, the email Signal remembers for the user is not sent with the event.
  const known = requestOf(browserEvent({ context: { traits: { email: 'ann@example.com' } } as CanonicalEvent['context'] }));
  assert.deepEqual([(known.body as JsonObject).email, known.memo], [undefined, undefined]);
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
  assert.equal(intercom.enrich, undefined, 'no partner enrichment: the lookups are delivery follow-ups');
  assert.throws(() => intercom.send([{ id: 'x', event: browserEvent(), payload: { event_name: 'raw' } }], ctx()), /event x holds no Intercom record/);
});

test('data event: Intercom\'s 404 for a user it does not have → tried again on the retry schedule, no contact created (no follow-up); the reason says to send an identify; a 404 that is not Intercom\'s user not found → dead-lettered', () => {
  for (const event of [requestOf(browserEvent()), requestOf(browserEvent({ userId: undefined, context: { traits: { email: 'ann@example.com' } } as CanonicalEvent['context'] }))]) {
    const missing = classifyIntercom(NOT_FOUND, event, ctx());
    assert.ok(!('next' in missing), 'no POST /contacts from a data event');
    assert.equal(statusOf(missing), 'retry');
    assert.match(reasonOf(missing), /^HTTP 404: not_found: User Not Found: Intercom has no contact for this user \(yet: the identify creating it may still be on its way\).*Signal creates no contact from a data event: after the last try, send an identify for the user/);
  }
  assert.deepEqual(classifyIntercom(answer(202, ''), requestOf(browserEvent()), ctx()), { status: 'delivered' });
  assert.equal(statusOf(classifyIntercom(answer(404, { error: 'HTTP 404' }), requestOf(browserEvent()), ctx())), 'dead_letter');
});

test('classify without the plugin\'s memo (a request it did not build): 2xx delivered; 429 until X-RateLimit-Reset; 5xx retried; 401/403 naming the config; a user not found retried; 409 and 404 explained; other 4xx with Intercom\'s words', () => {
  assert.deepEqual(classifyIntercom(answer(202, ''), EVENTS_REQUEST, ctx()), { status: 'delivered' });
  // A page that is not Intercom's (a proxy's): tried again, never counted recorded, nor read as a lookup that found no one.
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  for (const request of [EVENTS_REQUEST, requestOf(browserEvent({ type: 'identify', userId: 'u-1', traits: { email: 'a@example.com' } } as never))]) {
    const outcome = classifyIntercom(answer(200, page, { 'content-type': 'text/html' }), request, ctx());
    assert.equal((outcome as { status?: string }).status, 'retry', request.url);
    assert.match((outcome as { reason: string }).reason, /: not Intercom's answer \(its JSON, or none\) — a proxy\? — so the event is tried again from the start$/);
  }
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
  assert.match(reasonOf(notYet), /no contact for this user \(yet: .*after the last try, send an identify/);
  const conflict = classifyIntercom(CONFLICT('5da6f18e3d7cf967e4582d05'), CREATE_REQUEST, ctx());
  assert.equal(statusOf(conflict), 'dead_letter');
  assert.match(reasonOf(conflict), /Intercom already has this contact \(id 5da6f18e3d7cf967e4582d05\): replay the dead letter/);
  assert.match(reasonOf(classifyIntercom(ARCHIVED('c1'), CREATE_REQUEST, ctx())), /contact c1 is archived/);
  assert.match(reasonOf(classifyIntercom(answer(404, errors('not_found', 'User Not Found')), UPDATE_REQUEST, ctx())), /no longer in Intercom.*replay the dead letter/);
  assert.equal(reasonOf(classifyIntercom(answer(422, 'bad'), EVENTS_REQUEST, ctx())), 'HTTP 422: bad');
});

test('answers read: a contact, a merged contact\'s Link, search hits (a user first), nothing found; a 409\'s contact and whether it is archived', () => {
  assert.equal(foundContact(answer(200, { type: 'contact', id: 'c1', role: 'user' })), 'c1');
  assert.equal(foundContact(answer(410, errors('contact_merged', 'merged'), { Link: '</contacts/c9>; rel="canonical"' })), 'c9');
  assert.equal(foundContact(answer(410, errors('contact_merged', 'merged'))), undefined);
  assert.equal(foundContact(answer(200, { type: 'list', data: [{ id: 'l1', role: 'lead' }, { id: 'u1', role: 'user' }] })), 'u1');
  assert.equal(foundContact(EMPTY_SEARCH), undefined);
  assert.equal(foundContact(NOT_FOUND), undefined);
  assert.equal(foundContact(answer(401, errors('unauthorized', 'Access Token Invalid'))), undefined);
  assert.deepEqual(conflictOf(CONFLICT('5da6f18e3d7cf967e4582d05')), { id: '5da6f18e3d7cf967e4582d05', archived: false });
  assert.deepEqual(conflictOf(ARCHIVED('c2')), { id: 'c2', archived: true });
  assert.deepEqual(conflictOf(answer(409, '')), { archived: false });
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

test('an email with capitals is searched as given and lower-cased (Intercom compares exactly; a contact may hold either form), on identify and on deletion', () => {
  assert.deepEqual(emailQuery('ann@example.com'), { field: 'email', operator: '=', value: 'ann@example.com' });
  const either = { operator: 'OR', value: [{ field: 'email', operator: '=', value: 'Ann@Example.com' }, { field: 'email', operator: '=', value: 'ann@example.com' }] };
  assert.deepEqual(emailQuery('Ann@Example.com'), either);
  const deletion = forgetPerson.request({ userId: 'Ann@Example.com', anonymousId: null }, ctx()) as RequestDescriptor[];
  assert.deepEqual(deletion[1]!.body, { query: either, pagination: { per_page: 5 } }, 'an email userId searched both ways');
});

test('person deletions by the emails Signal found for the person: a search by each, after the userId\'s lookup; a contact of the person\'s deleted, another user sharing the email left alone', () => {
  const searchOf = (email: string): RequestDescriptor => ({ method: 'POST', url: 'https://api.intercom.io/contacts/search', headers: HEADERS, body: { query: { field: 'email', operator: '=', value: email }, pagination: { per_page: 5 } }, eventIds: [] });
  const lookup = forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx()) as RequestDescriptor;
  // Emails only: a visitor whose identify gave an email (it used to be skipped).
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc123', emails: ['ann@example.com', 'a.lee@work.example'] }, ctx()), [searchOf('ann@example.com'), searchOf('a.lee@work.example')]);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc123', emails: [] }, ctx()), { skipped: ANONYMOUS_ONLY });
  // The userId's lookup, then the emails' searches; repeats and what is no address left out.
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['ann@example.com', 'Ann@Example.com', 'not an email', 'ann'] }, ctx()), [lookup, searchOf('ann@example.com')]);
  // An email userId is an external_id to Intercom: looked up as one, and its email searched too (once).
  assert.deepEqual(forgetPerson.request({ userId: 'ann@example.com', anonymousId: null }, ctx()), [
    { method: 'GET', url: 'https://api.intercom.io/contacts/find_by_external_id/ann%40example.com', headers: HEADERS, eventIds: [] }, searchOf('ann@example.com'),
  ]);
  assert.deepEqual(forgetPerson.request({ userId: 'ann@example.com', anonymousId: null, emails: ['ann@example.com'] }, ctx()), [
    { method: 'GET', url: 'https://api.intercom.io/contacts/find_by_external_id/ann%40example.com', headers: HEADERS, eventIds: [] }, searchOf('ann@example.com'),
  ]);
  const search = searchOf('ann@example.com');
  const read = (body: unknown) => forgetPerson.read!(answer(200, body), search, ctx());
  const deletion = (id: string, more?: number): RequestDescriptor => ({ method: 'DELETE', url: `https://api.intercom.io/contacts/${id}`, headers: HEADERS, eventIds: [], ...(more === undefined ? {} : { memo: { intercom: 'forget', more } }) });
  // The answer as the core hands it over: the person's ids and emails hidden ([…]).
  assert.deepEqual(read({ type: 'list', data: [{ type: 'contact', id: 'c1', role: 'lead', email: '[…]' }] }), { next: deletion('c1') });
  assert.deepEqual(read({ type: 'list', data: [{ type: 'contact', id: 'c2', role: 'user', external_id: 'u-2', email: '[…]' }] }), { done: true, message: 'no Intercom contact of the person has this email (1 under another userId left alone: delete it in Intercom if it is the person\'s): nothing to delete' });
  assert.deepEqual(read({ type: 'list', data: [] }), { done: true, message: 'no Intercom contact of the person has this email: nothing to delete' });
  // A user of the person's (their external_id hidden) first, and the deletion asked again for the lead.
  const first = read({ type: 'list', data: [{ id: 'c1', role: 'lead', external_id: null }, { id: 'c3', role: 'user', external_id: '[…]' }, { id: 'c2', role: 'user', external_id: 'u-2' }] });
  assert.deepEqual(first, { next: deletion('c3', 1) });
  const again = forgetPerson.read!(answer(200, { id: 'c3', type: 'contact', deleted: true }), deletion('c3', 1), ctx());
  assert.deepEqual(again, { retry: 'deleted (HTTP 200): Intercom deleted the contact (its data is destroyed after Intercom\'s 7-day grace period); 1 more contact of the person has this email: searched and deleted again' });
  assert.ok('retry' in forgetPerson.read!(answer(404, errors('not_found', 'Contact Not Found')), deletion('c3', 1), ctx()), 'gone already, and one more');
  assert.match((forgetPerson.read!(answer(401, errors('unauthorized', 'Access Token Invalid')), search, ctx()) as { failed: string }).failed, /Intercom refused the search of contacts by email: check config\.access_token/);
  assert.ok('retry' in forgetPerson.read!(answer(429, ''), search, ctx()));
});
