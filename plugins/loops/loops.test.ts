import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import loops from './index.ts';
import { classifyLoops } from './classify.ts';
import { validateLoopsConfig } from './config.ts';
import { ANONYMOUS_ONLY, forgetPerson } from './forget-person.ts';
import { idempotencyKeyOf } from './requests.ts';

const KEY = 'd2d561f5ff80136f69b4b5a31b9fb3c9';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', accept: 'application/json' };
const LIST = 'cm06f5v0e45nf0ml5754o9cix';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const consenting = { context: { consent: { marketing: true } } };
const blueprint = readFileSync(new URL('../../blueprints/loops/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(loops, { variant: 'default', blueprint }, ctx(config))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const contact = (id: string): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'contact', body: { email: `${id}@example.com` } } });
const ev = (id: string, messageId = id): MappedEvent => ({ id, event: browserEvent({ messageId }), payload: { kind: 'event', body: { userId: 'u-1', eventName: 'Viewed' } } });
const contactRequest = (): RequestDescriptor => loops.send([contact('c1')], ctx())[0]!;
const eventRequest = (): RequestDescriptor => loops.send([ev('e1')], ctx())[0]!;
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const statusOf = (c: ClassifyResult): string => ('status' in c ? c.status : 'next' in c ? 'next' : 'perEvent');

test('identify → a contact: email, userId, firstName, lastName, userGroup, the config\'s source, the other traits as custom properties; no list, no subscribed without marketing consent', () => {
  const record = recordOf(identify({ email: ' Jane@Example.com ', first_name: 'Jane', lastName: 'Doe', userGroup: 'Founders', plan: 'pro', seats: 3, trial: true, signedUpAt: '2024-03-01T10:00:00Z' }), { mailing_list_ids: [LIST], subscribe_with_consent: true, source: 'Signal' });
  assert.deepEqual(record, {
    kind: 'contact',
    body: { email: 'Jane@Example.com', userId: 'u-1', firstName: 'Jane', lastName: 'Doe', userGroup: 'Founders', source: 'Signal', plan: 'pro', seats: 3, trial: true, signedUpAt: '2024-03-01T10:00:00Z' },
  });
  assert.equal(JSON.stringify(record).includes('subscribed'), false, 'never subscribed: false, never unsubscribed');
});

test('marketing consent: the config\'s mailing lists set true; subscribed true only when config.subscribe_with_consent is on; a denial anywhere wins', () => {
  const withLists = recordOf(identify({ email: 'jane@example.com' }, consenting), { mailing_list_ids: [LIST, 'cm16k73gq014h0mmj5b6jdi9r'] });
  assert.deepEqual(withLists.body, { email: 'jane@example.com', userId: 'u-1', mailingLists: { [LIST]: true, cm16k73gq014h0mmj5b6jdi9r: true } }, 'subscribed left to Loops by default: sending true re-subscribes who unsubscribed');
  const subscribing = recordOf(identify({ email: 'jane@example.com' }, consenting), { mailing_list_ids: [LIST], subscribe_with_consent: true });
  assert.deepEqual(subscribing.body, { email: 'jane@example.com', userId: 'u-1', subscribed: true, mailingLists: { [LIST]: true } });
  const remembered = mapped(identify({ plan: 'pro' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>), { mailing_list_ids: [LIST], subscribe_with_consent: true });
  assert.deepEqual(remembered.payload?.body, { email: 'jane@example.com', userId: 'u-1', plan: 'pro' }, 'the email Signal remembers (context.traits) names the contact, but joins no list and re-subscribes nobody');
  assert.match(remembered.warnings?.join('\n') ?? '', /mailing lists and subscribed not sent: the identify gives no email of its own/);
  const denied = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } }), { mailing_list_ids: [LIST], subscribe_with_consent: true });
  assert.deepEqual(denied.body, { email: 'jane@example.com', userId: 'u-1' });
  const byUserId = mapped(identify({ plan: 'pro' }, consenting), { mailing_list_ids: [LIST], subscribe_with_consent: true });
  assert.deepEqual(byUserId.payload?.body, { userId: 'u-1', subscribed: true, plan: 'pro' }, 'named by its userId alone: a contact Loops has, so no list (subscribed as config.subscribe_with_consent asks)');
  assert.match(byUserId.warnings?.join('\n') ?? '', /mailing lists not sent: the identify names the contact by its userId alone, and lists are joined only by a contact Loops creates/);
});

test('mailing lists join only a contact Loops creates: Create contact with the lists, and its 409 (Loops has the contact) leads to Update contact without them', () => {
  const config = { mailing_list_ids: [LIST], subscribe_with_consent: true };
  const joining: MappedEvent = { id: 'j1', event: identify({ email: 'jane@example.com' }, consenting), payload: recordOf(identify({ email: 'jane@example.com', firstName: 'Jane', plan: 'pro' }, consenting), config) };
  const [creation] = loops.send([joining], ctx(config));
  assert.deepEqual(creation, { method: 'POST', url: 'https://app.loops.so/api/v1/contacts/create', headers: HEADERS, body: { email: 'jane@example.com', userId: 'u-1', firstName: 'Jane', subscribed: true, mailingLists: { [LIST]: true }, plan: 'pro' }, eventIds: ['j1'] });
  assert.deepEqual(classifyLoops(answer(200, { success: true, id: 'cll42' }), creation!, ctx()), { status: 'delivered' }, 'created: in the list');
  const exists = classifyLoops(answer(409, { success: false, message: 'Email or userId already exists' }), creation!, ctx());
  const update: RequestDescriptor = 'next' in exists ? exists.next[0]! : creation!;
  assert.deepEqual(exists, { next: [{ method: 'PUT', url: 'https://app.loops.so/api/v1/contacts/update', headers: HEADERS, body: { email: 'jane@example.com', userId: 'u-1', firstName: 'Jane', subscribed: true, plan: 'pro' }, eventIds: ['j1'] }] },
    'Loops has the contact: updated without mailingLists, so nobody who left a list is put back on it (subscribed as the config asks)');
  assert.deepEqual(classifyLoops(answer(200, { success: true, id: 'cll42' }), update, ctx()), { status: 'delivered' });
  assert.equal(statusOf(classifyLoops(answer(409, { success: false, message: 'Email already in use by another contact.' }), update, ctx())), 'dead_letter', 'a 409 to the update: dead-lettered as before');
  assert.match(reasonOf(classifyLoops(answer(400, { success: false, message: 'Invalid email' }), creation!, ctx())), /^Loops refused the contact \(HTTP 400: Invalid email\)$/, 'other refusals of a creation: as before');
});

test('custom properties: nested objects flattened to camelCase, lists and over-long text left out with a warning, reserved names and the plugin\'s own fields never taken from traits, nulls never sent', () => {
  const result = mapped(identify({ email: 'jane@example.com', address: { city: 'Paris', geo: { lat: 48.8 } }, tags: ['a', 'b'], bio: 'x'.repeat(501), teamId: 't-9', updatedAt: '2024-01-01', subscribed: true, mailingLists: { x: true }, company: null, 'favorite color': 'blue' }));
  assert.deepEqual(result.payload, { kind: 'contact', body: { email: 'jane@example.com', userId: 'u-1', addressCity: 'Paris', addressGeoLat: 48.8, 'favorite color': 'blue' } });
  const warnings = result.warnings ?? [];
  for (const expected of [/traits\.tags left out: Loops property values are text, numbers, booleans or dates, not lists/, /traits\.bio left out: 501 characters, and Loops takes text of at most 500/, /traits\.teamId left out: Loops reserves the contact property name teamId/, /traits\.updatedAt left out: Loops reserves/]) {
    assert.ok(warnings.some((w) => expected.test(w)), `${expected} in ${JSON.stringify(warnings)}`);
  }
  assert.equal(JSON.stringify(result.payload).includes('mailingLists'), false, 'subscription state never taken from the site (excluded by the blueprint)');
});

test('a contact by its userId alone or its email alone is sent; one with neither is not; an invalid email is dead-lettered naming the trait, or left out when the userId names the contact', () => {
  assert.deepEqual(recordOf(identify({ firstName: 'Jane' })).body, { userId: 'u-1', firstName: 'Jane' });
  assert.deepEqual(recordOf(identify({ email: 'jane@example.com' }, { userId: undefined })).body, { email: 'jane@example.com' });
  const nobody = mapped(identify({ firstName: 'Jane' }, { userId: undefined }));
  assert.equal(nobody.payload, null);
  assert.equal(nobody.error, undefined, 'not sent, not an error');
  const placeholder = mapped(identify({ firstName: 'Jane' }, { userId: 'undefined' }));
  assert.equal(placeholder.payload, null, 'a placeholder userId names no one');
  const bad = mapped(identify({ email: 'jane@' }, { userId: undefined }));
  assert.match(String(bad.error), /the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address Loops accepts/);
  const badWithUser = mapped(identify({ email: 'jane@', firstName: 'Jane' }));
  assert.deepEqual(badWithUser.payload, { kind: 'contact', body: { userId: 'u-1', firstName: 'Jane' } });
  assert.ok(badWithUser.warnings?.some((w) => /^email left out: "jane@"/.test(w)));
  const long = mapped(identify({ email: 'jane@example.com' }, { userId: 'u'.repeat(501) }));
  assert.match(String(long.error), /the userId is 501 characters long; Loops takes text of at most 500/);
});

test('track → an event: eventName as written, the email Signal remembers, flat properties without contact data', () => {
  const record = recordOf(browserEvent({ properties: { plan: 'pro', price: 29, lifetime: false, renewsAt: '2024-04-24', email: 'other@example.com', phone: '+44 7700 900123', cart: { items: 2 }, skus: ['A'], coupon: null } }));
  assert.deepEqual(record, { kind: 'event', body: { email: 'jane@example.com', userId: 'u-1', eventName: 'Signed Up', eventProperties: { plan: 'pro', price: 29, lifetime: false, renewsAt: '2024-04-24', cartItems: 2 } } });
  const anonymous = mapped(browserEvent({ userId: undefined, context: {} }));
  assert.equal(anonymous.payload, null, 'no email, no userId: not sent');
  assert.ok(anonymous.warnings?.some((w) => /not sent to Loops: the event names no contact/.test(w)), JSON.stringify(anonymous.warnings));
  const unnamed = mapped(browserEvent({ event: '  ' }));
  assert.equal(unnamed.error, 'Loops needs an event name, and "  " is none: name the event, or map another eventName in the blueprint');
});

test('page, screen, group and alias calls are never sent, whatever the blueprint; neverSends says so, and lets identify and track through', () => {
  for (const type of ['page', 'screen', 'group', 'alias'] as const) {
    const event = browserEvent({ type, event: undefined, name: 'Home' } as Partial<CanonicalEvent>);
    assert.equal(mapped(event).payload, null, type);
    assert.match(String(loops.neverSends!(event, ctx())), /^not sent to Loops: Loops has no/);
    // A blueprint mapping page calls as events still sends none: the map hook drops them.
    assert.equal(loops.map!({ kind: 'event', eventName: 'Home', userId: 'u-1' }, event, ctx()), null);
  }
  assert.equal(loops.neverSends!(browserEvent(), ctx()), undefined);
  assert.equal(loops.neverSends!(identify({}), ctx()), undefined);
});

test('requests: a contact to PUT /contacts/update, an event to POST /events/send with the messageId as Idempotency-Key, one record each, the API key as Bearer', () => {
  const requests = loops.send([contact('c1'), ev('e1'), ev('e1#2', 'e1')], ctx());
  assert.deepEqual(requests, [
    { method: 'PUT', url: 'https://app.loops.so/api/v1/contacts/update', headers: HEADERS, body: { email: 'c1@example.com' }, eventIds: ['c1'] },
    { method: 'POST', url: 'https://app.loops.so/api/v1/events/send', headers: { ...HEADERS, 'idempotency-key': 'e1' }, body: { userId: 'u-1', eventName: 'Viewed' }, eventIds: ['e1'] },
    { method: 'POST', url: 'https://app.loops.so/api/v1/events/send', headers: { ...HEADERS, 'idempotency-key': 'e1' }, body: { userId: 'u-1', eventName: 'Viewed' }, eventIds: ['e1#2'] },
  ], 'a messageId sent twice keeps its key: Loops answers the second 409');
  const long = 'm'.repeat(101);
  assert.match(idempotencyKeyOf(long), /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/, 'over Loops\' 100 characters: a UUID of it');
  assert.equal(idempotencyKeyOf(long), idempotencyKeyOf(long), 'the same on every try');
  assert.notEqual(idempotencyKeyOf('caf\u00e9'), 'caf\u00e9', 'a header value must be plain ASCII');
  assert.throws(() => loops.send([{ id: 'x', event: browserEvent(), payload: { eventName: 'Viewed' } }], ctx()), /holds no Loops record/);
});

test('a body over the bytes of one request is dead-lettered saying what to leave out', () => {
  const traits: JsonObject = { email: 'jane@example.com' };
  for (let i = 0; i < 200; i += 1) traits[`p${i}`] = 'x'.repeat(400);
  assert.match(String(mapped(identify(traits)).error), /the contact takes \d+ bytes of JSON, more than the 64000 Signal sends Loops in one request/);
});

test('classify: 200 delivered; success:false, 400 and 404 dead-lettered with Loops\' message; 409 to an event delivered; 401 names the key; 429 throttled after Retry-After, else a second; 5xx retried; a proxy\'s page retried', () => {
  assert.deepEqual(classifyLoops(answer(200, { success: true }), eventRequest(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyLoops(answer(200, { success: true, id: 'cll42' }), contactRequest(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyLoops(answer(200, { success: false, message: 'Invalid email' }), contactRequest(), ctx()), { status: 'dead_letter', reason: 'Loops refused the contact (HTTP 200: Invalid email)' });
  assert.deepEqual(classifyLoops(answer(400, { success: false, message: 'eventName is missing' }), contactRequest(), ctx()), { status: 'dead_letter', reason: 'Loops refused the contact (HTTP 400: eventName is missing)' });
  assert.deepEqual(classifyLoops(answer(400, { success: false, message: 'Contact not found.' }), eventRequest(), ctx()), {
    status: 'dead_letter',
    reason: 'Loops refused the event (HTTP 400: Contact not found.): if Loops has no contact with this userId yet, it needs the person\'s email to create one — send an identify with traits.email first (Signal then remembers it for later events), then replay',
  }, 'an event naming its contact by userId alone');
  assert.deepEqual(classifyLoops(answer(409, { success: false, message: 'Idempotency key has been used.' }), eventRequest(), ctx()), { status: 'delivered' });
  assert.equal(statusOf(classifyLoops(answer(409, { success: false, message: 'Email already in use by another contact.' }), contactRequest(), ctx())), 'dead_letter', 'a 409 to a contact is no idempotent repeat');
  assert.deepEqual(classifyLoops(answer(401, { error: 'Invalid API key' }), eventRequest(), ctx()), { status: 'dead_letter', reason: 'Loops refused the API key (HTTP 401: Invalid API key): check config.api_key (a key of Settings > API in Loops, not revoked, given without "Bearer ")' });
  assert.equal(statusOf(classifyLoops(answer(403, ''), eventRequest(), ctx())), 'dead_letter');
  assert.deepEqual(classifyLoops(answer(429, { success: false, message: 'Rate limit exceeded' }, { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '0', 'retry-after': '3' }), eventRequest(), ctx()), { status: 'retry', reason: 'Loops rate limit reached (HTTP 429: Rate limit exceeded): 10 requests a second for the team', retryAfterMs: 3000, throttled: true });
  const noWait = classifyLoops(answer(429, ''), eventRequest(), ctx());
  assert.deepEqual(noWait, { status: 'retry', reason: 'Loops rate limit reached (HTTP 429: (no body))', retryAfterMs: 1000, throttled: true });
  const reset = classifyLoops(answer(429, '', { 'x-ratelimit-reset': String(NOW / 1000 + 2) }), eventRequest(), ctx());
  assert.equal('retryAfterMs' in reset ? reset.retryAfterMs : undefined, 2000, 'an x-ratelimit-reset unix time, when Loops sends one');
  assert.deepEqual(classifyLoops(answer(503, 'upstream down'), eventRequest(), ctx()), { status: 'retry', reason: 'Loops HTTP 503: upstream down' });
  assert.equal(statusOf(classifyLoops(answer(200, '<html>Sign in</html>'), eventRequest(), ctx())), 'retry');
  assert.match(reasonOf(classifyLoops(answer(405, ''), eventRequest(), ctx())), /^Loops refused the event \(HTTP 405: \(no body\)\)$/);
});

test('config: the schema takes a key and lists; validateLoopsConfig names a key pasted with Bearer or white space and a list name given for an id', () => {
  const validate = createConfigAjv().compile(loops.config);
  assert.equal(validate({ api_key: KEY, mailing_list_ids: [LIST], subscribe_with_consent: false, source: 'Signal' }), true, JSON.stringify(validate.errors));
  assert.equal(validate({}), false, 'the API key is required');
  assert.equal(validate({ api_key: KEY, mailing_list_ids: ['Newsletter list'] }), true, 'no pattern in the schema: validateLoopsConfig names a list name given for an id in words');
  assert.equal(validate({ api_key: KEY, mailing_list_ids: [7] }), false, 'ids are text');
  assert.deepEqual(validateLoopsConfig({ api_key: KEY, mailing_list_ids: [LIST] }), []);
  assert.deepEqual(validateLoopsConfig({ api_key: `Bearer ${KEY}` }), [{ field: 'api_key', message: 'starts with "Bearer ": give the Loops API key alone, Signal sends it as the Bearer token itself' }]);
  assert.deepEqual(validateLoopsConfig({ api_key: `${KEY} extra` }).map((p) => p.field), ['api_key']);
  assert.equal(JSON.stringify(validateLoopsConfig({ api_key: `${KEY} extra` })).includes(KEY), false, 'never repeats the key');
  assert.deepEqual(validateLoopsConfig({ api_key: KEY, mailing_list_ids: ['Newsletter list', 7] }), [
    { field: 'mailing_list_ids', message: '"Newsletter list" is no Loops mailing list id: give the list\'s id (letters and digits, e.g. "cm06f5v0e45nf0ml5754o9cix", shown in Audience > Lists), not its name' },
    { field: 'mailing_list_ids', message: '7 is no Loops mailing list id: give the list\'s id (letters and digits, e.g. "cm06f5v0e45nf0ml5754o9cix", shown in Audience > Lists), not its name' },
  ]);
});

test('deletions: one POST /contacts/delete per identifier — the userId, then each email; 200 and 404 done; 401 failed naming the key; 429 retried after the wait; an anonymousId alone skipped', () => {
  const requests = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com', 'JANE@example.com', 'not-an-email'] }, ctx());
  assert.deepEqual(requests, [
    { method: 'POST', url: 'https://app.loops.so/api/v1/contacts/delete', headers: HEADERS, body: { userId: 'u-1' }, eventIds: [] },
    { method: 'POST', url: 'https://app.loops.so/api/v1/contacts/delete', headers: HEADERS, body: { email: 'jane@example.com' }, eventIds: [] },
  ]);
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null }, ctx()), [
    { method: 'POST', url: 'https://app.loops.so/api/v1/contacts/delete', headers: HEADERS, body: { userId: 'Jane@Example.com' }, eventIds: [] },
    { method: 'POST', url: 'https://app.loops.so/api/v1/contacts/delete', headers: HEADERS, body: { email: 'Jane@Example.com' }, eventIds: [] },
  ], 'an email userId: the contact of that email too');
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: [] }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.equal(forgetPerson.enabled({ api_key: KEY }), true);
  assert.equal(forgetPerson.enabled({ api_key: KEY, forward_deletions: false }), false);
  const byEmail = (requests as RequestDescriptor[])[1]!;
  assert.deepEqual(forgetPerson.read!(answer(200, { success: true, message: 'Contact deleted.' }), byEmail, ctx()), { done: true, message: 'accepted (HTTP 200): Loops deleted the contact, with its properties, list memberships and event history (by email)' });
  assert.deepEqual(forgetPerson.read!(answer(404, { success: false, message: 'Contact not found.' }), byEmail, ctx()), { done: true, message: 'Loops has no contact with this email: nothing to delete' });
  assert.deepEqual(forgetPerson.read!(answer(401, { error: 'Invalid API key' }), byEmail, ctx()), { failed: 'HTTP 401: Loops refused the API key for the deletion (Invalid API key): check config.api_key' });
  assert.deepEqual(forgetPerson.read!(answer(429, '', { 'retry-after': '5' }), byEmail, ctx()), { retry: 'HTTP 429: (no body)', afterSeconds: 5 });
  assert.deepEqual(forgetPerson.read!(answer(502, 'bad gateway'), byEmail, ctx()), { retry: 'HTTP 502: bad gateway' });
  assert.match(String((forgetPerson.read!(answer(200, '<html></html>'), byEmail, ctx()) as { retry?: string }).retry), /not Loops'/);
  assert.deepEqual(forgetPerson.read!(answer(400, { success: false, message: 'Provide only one of email or userId.' }), byEmail, ctx()), { failed: 'HTTP 400: Loops refused the deletion (by email): Provide only one of email or userId.; delete the contact in Loops (Audience > the contact > Delete)' });
});
