import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import dotdigital from './index.ts';
import { classifyDotdigital, waitOf } from './classify.ts';
import { validateDotdigitalConfig } from './config.ts';
import { eventTypeOf } from './dotdigital-event.ts';
import { DELETED, forgetPerson, NO_EMAIL } from './forget-person.ts';

const USER = 'apiuser-0a1b2c3d@apiconnector.com';
const PASSWORD = 'pa55 word';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const NOW = Date.parse('2024-03-24T16:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { username: USER, password: PASSWORD, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const consent = { consent: { marketing: true } };
const identify = (traits: JsonObject, context: JsonObject = {}) => browserEvent({ type: 'identify', event: undefined, traits, context } as Partial<CanonicalEvent>);
const blueprint = readFileSync(new URL('../../blueprints/dotdigital/default.yaml', import.meta.url), 'utf8');
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(dotdigital, { variant: 'default', blueprint }, ctx(config))(event);
const payloadOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const asMapped = (id: string, event: CanonicalEvent, config: Record<string, JsonValue> = {}): MappedEvent => ({ id, event, payload: payloadOf(event, config) });
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const statusOf = (c: ClassifyResult): string => ('status' in c ? c.status : 'next' in c ? 'next' : 'perEvent');
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
// The plugin defines read; the SDK's type leaves it optional.
const readDeletion = (...args: Parameters<NonNullable<typeof forgetPerson.read>>) => forgetPerson.read!(...args);
const send = (events: MappedEvent[], config: Record<string, JsonValue> = {}): RequestDescriptor[] => dotdigital.send(events, ctx(config));

test('identify with marketing consent and its own email → a creation: identifiers.email, data fields in capitals, the email channel subscribed, the config\'s lists', () => {
  const event = identify({ email: ' Jane@Example.com ', firstName: 'Jane', last_name: 'Doe', company: 'Acme', plan: 'pro' }, consent);
  const [request] = send([asMapped('m-1', event, { list_ids: [345579, 7], data_fields: { company: 'COMPANY' } })], { list_ids: [345579, 7], data_fields: { company: 'COMPANY' } });
  assert.equal(request!.method, 'POST');
  assert.equal(request!.url, 'https://r1-api.dotdigital.com/contacts/v3');
  assert.equal(request!.headers!.authorization, BASIC);
  assert.deepEqual(request!.body, {
    identifiers: { email: 'Jane@Example.com' },
    dataFields: { FIRSTNAME: 'Jane', LASTNAME: 'Doe', COMPANY: 'Acme' },
    channelProperties: { email: { status: 'subscribed' } },
    lists: [345579, 7],
  });
  assert.equal(request!.endpoint, 'contacts');
});

test('identify without consent → a lookup (GET), never a creation, never a status or a list; nothing to update is not sent', () => {
  const event = identify({ email: 'jane@example.com', firstName: 'Jane' });
  const [request] = send([asMapped('m-1', event)], { region: 'r2', list_ids: [7] });
  assert.equal(request!.method, 'GET');
  assert.equal(request!.url, 'https://r2-api.dotdigital.com/contacts/v3/email/jane%40example.com');
  assert.equal(request!.body, undefined);
  assert.equal(JSON.stringify(request!.memo).includes('subscribed'), false);
  const nothing = mapped(identify({ email: 'jane@example.com' }));
  assert.equal(nothing.payload ?? null, null, 'no consent and no data field: nothing to send');
  const denied = payloadOf(identify({ email: 'jane@example.com', firstName: 'J' }, { consent: { marketing: true, categoryPreferences: { marketing: false } } }));
  assert.equal((denied.plan as JsonObject).step, 'lookup', 'a denial anywhere wins');
});

test('consent with only the email Signal remembers: no creation, a lookup, said in a warning; no email at all: not sent; a malformed one: dead-lettered naming the trait', () => {
  const remembered = mapped(identify({ firstName: 'Jane' }, { ...consent, traits: { email: 'jane@example.com' } }));
  assert.equal((remembered.payload!.plan as JsonObject).step, 'lookup');
  assert.match(remembered.warnings?.join('\n') ?? '', /no subscription or lists: the identify gives no email of its own/);
  assert.equal(mapped(identify({ firstName: 'Jane' }, consent)).payload ?? null, null);
  const bad = mapped(identify({ email: 'jane@', firstName: 'Jane' }, consent));
  assert.match(bad.error ?? '', /the email "jane@".*not an email address Dotdigital accepts/);
});

test('a creation refused as a duplicate (409) → a lookup, then the update by contactId: PATCH with data fields only; nothing to update → delivered', () => {
  const [create] = send([asMapped('m-1', identify({ email: 'jane@example.com', firstName: 'Jane' }, consent))], { list_ids: [7] });
  const result = classifyDotdigital(answer(409, { errorCode: 'contacts:idAlreadyExists', description: 'The id value … already exists' }), create!, ctx());
  assert.ok('next' in result);
  const [lookup] = result.next;
  assert.equal(lookup!.method, 'GET');
  assert.equal(lookup!.url, 'https://r1-api.dotdigital.com/contacts/v3/email/jane%40example.com');
  assert.equal(lookup!.headers?.authorization, BASIC);
  const found = classifyDotdigital(answer(200, { contactId: 35212311, status: 'unsubscribed' }), lookup!, ctx());
  assert.ok('next' in found);
  const [update] = found.next;
  assert.equal(update!.method, 'PATCH');
  assert.equal(update!.url, 'https://r1-api.dotdigital.com/contacts/v3/contactId/35212311', 'by contactId: Dotdigital\'s PATCH would create a contact it has not under an email, never under a contactId');
  assert.deepEqual(update!.body, { dataFields: { FIRSTNAME: 'Jane' } }, 'no identifiers, no status, no lists: nothing to create a contact from, nobody resubscribed or put back on a list');
  assert.deepEqual(update!.eventIds, ['m-1']);
  assert.equal(statusOf(classifyDotdigital(answer(200, { contactId: 35212311, status: 'unsubscribed' }), update!, ctx())), 'delivered');
  const binned = classifyDotdigital(answer(404, { errorCode: 'contacts:contactNotFound', description: 'The following contacts could not be found' }), lookup!, ctx());
  assert.equal(statusOf(binned), 'declined');
  assert.match(reasonOf(binned), /^Dotdigital refused the creation as a duplicate, yet its lookup finds no contact with this email \(HTTP 404: .*\): one in its recycle bin/);
  const [bare] = send([asMapped('m-2', identify({ email: 'jane@example.com' }, consent))]);
  assert.equal(statusOf(classifyDotdigital(answer(409, { errorCode: 'contacts:idAlreadyExists', description: 'exists' }), bare!, ctx())), 'delivered');
  assert.equal(statusOf(classifyDotdigital(answer(201, { contactId: 1, status: 'subscribed' }), create!, ctx())), 'delivered');
});

test('a lookup: 200 → the update by contactId; a deleted (binned) contact → declined, never restored; no contactId → retried; 404 → declined', () => {
  const [lookup] = send([asMapped('m-1', identify({ email: 'jane@example.com', firstName: 'Jane' }))]);
  const found = classifyDotdigital(answer(200, { contactId: 5, status: 'subscribed' }), lookup!, ctx());
  assert.ok('next' in found);
  assert.equal(found.next[0]!.url, 'https://r1-api.dotdigital.com/contacts/v3/contactId/5');
  assert.deepEqual(found.next[0]!.body, { dataFields: { FIRSTNAME: 'Jane' } });
  for (const status of ['binned', 'deleted', 'Deleted']) {
    const removed = classifyDotdigital(answer(200, { contactId: 5, status }), lookup!, ctx());
    assert.equal(statusOf(removed), 'declined', status);
    assert.match(reasonOf(removed), /in its recycle bin\), and an update would restore it: not updated/);
  }
  assert.equal(statusOf(classifyDotdigital(answer(200, { status: 'subscribed' }), lookup!, ctx())), 'retry', 'no contactId: no update by email (which could create the contact)');
  const none = classifyDotdigital(answer(404, { errorCode: 'contacts:contactNotFound', description: 'The following contacts could not be found' }), lookup!, ctx());
  assert.equal(statusOf(none), 'declined');
  assert.match(reasonOf(none), /^Dotdigital has no contact with this email \(HTTP 404: contacts:contactNotFound: The following contacts could not be found\), and an identify without marketing consent creates none/);
});

test('track → one import of the batch\'s events: contactIdentity by email, type, id, eventTimestamp, timeline summary, eventData without contact data', () => {
  const a = browserEvent({ messageId: 'm-a', properties: { plan: 'pro', seats: 3, email: 'x@example.com', coupon: null } } as Partial<CanonicalEvent>);
  const b = browserEvent({ messageId: 'm-b', event: 'Order Completed', traits: { email: 'bob@example.com' } } as Partial<CanonicalEvent>);
  const requests = send([asMapped('m-a', a), asMapped('m-b', b)]);
  assert.equal(requests.length, 1);
  const [request] = requests;
  assert.equal(request!.url, 'https://r1-api.dotdigital.com/events/v3/import');
  assert.deepEqual(request!.eventIds, ['m-a', 'm-b']);
  assert.deepEqual(request!.body, [
    { contactIdentity: { identifier: 'email', value: 'jane@example.com' }, type: 'Signed Up', id: 'm-a', eventTimestamp: '2024-03-24T16:00:00.000Z', timelineDetails: { summary: 'Signed Up' }, eventData: { plan: 'pro', seats: 3 } },
    { contactIdentity: { identifier: 'email', value: 'bob@example.com' }, type: 'Order Completed', id: 'm-b', eventTimestamp: '2024-03-24T16:00:00.000Z', timelineDetails: { summary: 'Order Completed' } },
  ]);
  assert.equal(mapped(browserEvent({ context: {} })).payload ?? null, null, 'no email Signal knows: not sent');
  assert.equal(mapped(browserEvent({ type: 'page', event: undefined, name: 'Home' } as Partial<CanonicalEvent>)).payload ?? null, null, 'page not sent');
});

test('an event type that would be a standard Insight collection, or empty, is refused naming it; a long one is cut to 80', () => {
  assert.throws(() => eventTypeOf('Orders'), /Dotdigital's own orders Insight data collection/);
  assert.throws(() => eventTypeOf('WEBINSIGHT'), /webInsight/);
  assert.throws(() => eventTypeOf('  '), /needs an event type/);
  assert.equal(eventTypeOf('x'.repeat(100)).length, 80);
  assert.equal(eventTypeOf('Order placed'), 'Order placed');
});

test('classify: 202 delivered; a web page retried; 401 names the API user; 403 names the region (and the package for events); 400 of several events split, of one dead-lettered with Dotdigital\'s details', () => {
  const [events] = send([asMapped('a', browserEvent({ messageId: 'a' })), asMapped('b', browserEvent({ messageId: 'b' }))]);
  const [single] = send([asMapped('a', browserEvent({ messageId: 'a' }))]);
  assert.equal(statusOf(classifyDotdigital(answer(202, ''), events!, ctx())), 'delivered');
  assert.equal(statusOf(classifyDotdigital(answer(200, '<html>Sign in</html>'), events!, ctx())), 'retry');
  const refused = classifyDotdigital(answer(401, ''), events!, ctx());
  assert.equal(statusOf(refused), 'dead_letter');
  assert.match(reasonOf(refused), /^Dotdigital refused the API user \(HTTP 401\): check config\.username and config\.password/);
  const forbidden = classifyDotdigital(answer(403, 'Forbidden: Access is denied'), events!, ctx({ region: 'r2' }));
  assert.match(reasonOf(forbidden), /check config\.region \(r2 now\): another region's host answers 403.*CXDP/);
  assert.equal(statusOf(classifyDotdigital(answer(400, { errorCode: 'events:badJson', description: 'bad' }), events!, ctx())), 'split');
  const bad = classifyDotdigital(answer(400, { errorCode: 'events:invalid', description: 'Validation failed', details: [{ item: 'type', description: 'too long' }] }), single!, ctx());
  assert.equal(statusOf(bad), 'dead_letter');
  assert.match(reasonOf(bad), /^Dotdigital refused the events \(HTTP 400: events:invalid: Validation failed \(type: too long\)\): check the events' contacts/);
  assert.equal(statusOf(classifyDotdigital(answer(503, ''), single!, ctx())), 'retry');
});

test('rate limits: a 429 waits for Retry-After, else X-RateLimit-Reset (epoch seconds or seconds); the flat limit\'s 400 is a throttled retry', () => {
  const [single] = send([asMapped('a', browserEvent({ messageId: 'a' }))]);
  const limited = classifyDotdigital(answer(429, '', { 'retry-after': '7', 'x-ratelimit-scope': 'lowCallRate' }), single!, ctx());
  assert.deepEqual(limited, { status: 'retry', reason: 'Dotdigital rate-limited the account (HTTP 429): the lowCallRate tier\'s calls of the minute are used up', retryAfterMs: 7000 });
  assert.equal(waitOf(answer(429, '', { 'x-ratelimit-reset': String(NOW / 1000 + 30) }), NOW), 30_000);
  assert.equal(waitOf(answer(429, '', { 'x-ratelimit-reset': '12' }), NOW), 12_000);
  const capped = classifyDotdigital(answer(400, { errorCode: 'rateLimit', description: 'Your account has generated excess API activity and is being temporarily capped.' }), single!, ctx());
  assert.equal(statusOf(capped), 'retry');
  assert.equal((capped as { throttled?: boolean }).throttled, true);
});

test('config checks name their field; deletion by each email, 200 and 404 done, none skipped', () => {
  assert.deepEqual(validateDotdigitalConfig({ username: USER, password: 'x', data_fields: { company: 'COMPANY' } }), []);
  const problems = validateDotdigitalConfig({ username: 'apiuser', password: 'a\nb', data_fields: { plan: 'plan' } });
  assert.deepEqual(problems.map((p) => p.field), ['username', 'password', 'data_fields']);
  const requests = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j@work.example'] }, ctx({ region: 'r3' }));
  assert.ok(Array.isArray(requests));
  assert.deepEqual(requests.map((r) => `${r.method} ${r.url}`), ['DELETE https://r3-api.dotdigital.com/contacts/v3/email/Jane%40Example.com', 'DELETE https://r3-api.dotdigital.com/contacts/v3/email/j%40work.example']);
  assert.equal(requests[0]!.headers!.authorization, BASIC);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_x', emails: [] }, ctx()), { skipped: NO_EMAIL });
  assert.deepEqual(readDeletion(answer(200, { contactId: 3 }), requests[0]!, ctx()), { done: true, message: `accepted (HTTP 200): ${DELETED}` });
  assert.equal((readDeletion(answer(404, { errorCode: 'contacts:notFound', description: 'x' }), requests[0]!, ctx()) as { done?: boolean }).done, true);
  assert.match(String((readDeletion(answer(403, ''), requests[0]!, ctx()) as { failed?: string }).failed), /config\.region/);
  assert.ok('retry' in readDeletion(answer(503, ''), requests[0]!, ctx()));
  assert.equal(forgetPerson.enabled({ username: USER, password: 'x', forward_deletions: false }), false);
});
