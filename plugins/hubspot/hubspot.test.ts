import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import hubspot, { validateHubSpotConfig } from './index.ts';
import { hubSpotTokenRequest, readHubSpotTokenAnswer } from './access-token.ts';
import { errorText, saidOf } from './answers.ts';
import { accessTokenOf, apiVersionOf, endpointOf, urlOf, versionOfUrl } from './api.ts';
import { classifyHubSpot, refusesEventItself } from './classify.ts';
import { customEventFor, mappedTraits, userIdPropertyOf } from './config.ts';
import { contactInput, normalizeEmail } from './contact.ts';
import { eventProperties, occurrenceOf } from './event-occurrence.ts';
import { eventUuid } from './event-uuid.ts';
import { fitRecord } from './fit-to-hubspot.ts';
import { ANONYMOUS_ONLY, forgetPerson, NO_LOOKUP, USER_ID_NOT_SEARCHED } from './forget-person.ts';
import { propertyText } from './property-values.ts';
import { buildRequests } from './requests.ts';

const TOKEN = 'pat-na1-01234567-89ab-cdef-0123-456789abcdef';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const TIME = '2026-11-30T16:00:00.000Z';
const UTK = '0123456789abcdef0123456789abcdef';
const EVENTS = { 'Order Completed': 'pe1234567_order_completed', 'Signed Up': 'pe1234567_signed_up' };
const ctx = (config: Record<string, JsonValue> = {}, accessToken?: string): PluginContext => ({
  config: { access_token: TOKEN, event_names: EVENTS, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW,
  ...(accessToken === undefined ? {} : { accessToken }),
});
const track = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', anonymousId: 'df_abc123', timestamp: TIME, receivedAt: '2026-11-30T16:00:00.100Z',
  context: { ip: '203.0.113.42', cookies: { hubspotutk: UTK } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => track({ type: 'identify', event: undefined, userId: 'u-1', traits, ...overrides } as Partial<CanonicalEvent>);
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const UPSERT = 'https://api.hubapi.com/crm/objects/2026-09/contacts/batch/upsert';
const EVENTS_BATCH = 'https://api.hubapi.com/events/2026-09/send/batch';
const contactRequest = (ids: string[]): RequestDescriptor => ({ method: 'POST', url: UPSERT, eventIds: ids, body: { inputs: ids.map((id) => ({ idProperty: 'email', id: `${id}@example.com`, properties: {}, objectWriteTraceId: id })) } });
const eventsRequest = (ids: string[], name = 'pe1234567_order_completed'): RequestDescriptor => ({ method: 'POST', url: EVENTS_BATCH, eventIds: ids, body: { inputs: ids.map(() => ({ eventName: name, email: 'jane@example.com', properties: {} })) } });
const mappedOccurrence = (id: string, name = 'Order Completed', email = 'jane@example.com'): MappedEvent => {
  const event = track({ messageId: id, event: name });
  return { id, event, payload: fitRecord({ event: name, email }, event, ctx())! };
};
const mappedContact = (id: string, email: string, properties: JsonObject = {}): MappedEvent => {
  const event = identify({ email }, { messageId: id });
  return { id, event, payload: fitRecord({ email, properties }, event, ctx())! };
};

test('config: a credential is required, pasted tokens are checked, the refresh token needs the app\'s client id and secret', () => {
  const fields = (config: Record<string, JsonValue>) => validateHubSpotConfig(config, NOW).map((p) => p.field);
  assert.deepEqual(validateHubSpotConfig({ access_token: TOKEN }, NOW), []);
  assert.deepEqual(validateHubSpotConfig({ refresh_token: 'na1-refresh', client_id: 'id-1', client_secret: 's' }, NOW), []);
  assert.match(validateHubSpotConfig({}, NOW)[0]!.message, /give a service key or a private app's access token here, or an OAuth refresh_token/);
  assert.deepEqual(fields({}), ['access_token']);
  assert.deepEqual(validateHubSpotConfig({ access_token: `Bearer ${TOKEN}` }, NOW), [{ field: 'access_token', message: 'starts with "Bearer ": give the service key or access token alone, Signal adds the prefix' }]);
  assert.match(validateHubSpotConfig({ access_token: 'hapikey=abc' }, NOW)[0]!.message, /HubSpot retired API keys in November 2022/);
  assert.match(validateHubSpotConfig({ access_token: `${TOKEN}\n` }, NOW)[0]!.message, /holds white space or a line break/);
  assert.deepEqual(fields({ refresh_token: 'na1-refresh' }), ['client_id', 'client_secret']);
  assert.match(validateHubSpotConfig({ refresh_token: 'na1-r', client_id: 'i', client_secret: 's', access_token: 'na1-r' }, NOW)[0]!.message, /is the access token again/);
  assert.deepEqual(fields({ access_token: TOKEN, client_id: 'my id' }), ['client_id']);
  for (const problem of validateHubSpotConfig({ access_token: `Bearer ${TOKEN}` }, NOW)) assert.ok(!problem.message.includes(TOKEN), 'the token is never repeated');
});

test('config: the API version is a date-based version HubSpot has released', () => {
  const message = (api_version: string) => validateHubSpotConfig({ access_token: TOKEN, api_version }, NOW)[0]?.message;
  assert.equal(message('2026-09'), undefined);
  assert.equal(message('2026-03'), undefined);
  assert.match(message('2026-06')!, /is "2026-06": a HubSpot API version is YYYY-03 or YYYY-09/);
  assert.match(message('v3')!, /a HubSpot API version is YYYY-03 or YYYY-09/);
  assert.match(message('2025-09')!, /date-based versions start with 2026-03/);
  assert.match(message('2027-03')!, /is 2027-03, a version HubSpot has not released yet; 2026-09 is current/);
  assert.equal(validateHubSpotConfig({ access_token: TOKEN, api_version: '2027-03' }, Date.parse('2027-03-31T00:00:00Z')).length, 0, 'released by then');
  assert.equal(apiVersionOf({}), '2026-09');
  assert.equal(apiVersionOf({ api_version: ' 2026-03 ' }), '2026-03');
});

test('config: custom event names are fully qualified names of one account; traits map to internal property names', () => {
  const messages = (config: Record<string, JsonValue>) => validateHubSpotConfig({ access_token: TOKEN, ...config }, NOW).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(messages({ event_names: EVENTS, property_map: { plan: 'plan_tier', 'company.size': 'company_size' }, user_id_property: 'signal_user_id' }), []);
  assert.deepEqual(messages({ event_names: { 'Order Completed': 'order_completed' } }), ['event_names: gives "order_completed" for "Order Completed": a custom event is named by its fully qualified name, pe<HubID>_<name> (e.g. pe1234567_order_completed; Data Management > Custom Events > the event)']);
  assert.match(messages({ event_names: { ' Signed Up': 'pe1_signed_up' } })[0]!, /with white space around it: event names are matched exactly/);
  assert.match(messages({ event_names: { '': 'pe1_signed_up' } })[0]!, /has an empty event name/);
  assert.deepEqual(messages({ event_names: { a: 'pe1_a', b: 'pe2_b' } }), ['event_names: names custom events of 2 HubSpot accounts (HubIDs 1, 2): one integration sends to one account; each name\'s pe<HubID> is the account\'s HubID']);
  assert.match(messages({ property_map: { plan: 'Plan Tier' } })[0]!, /^property_map: gives "Plan Tier" for "plan": a contact property is named by its internal name/);
  assert.match(messages({ property_map: { work_email: 'email' } })[0]!, /maps "work_email" to email, the contact's identifier/);
  assert.match(messages({ property_map: { '__proto__.x': 'x' } })[0]!, /has the trait "__proto__.x": name a trait/);
  assert.match(messages({ user_id_property: 'email' })[0]!, /^user_id_property: is email, which HubSpot keeps itself/);
  assert.match(messages({ user_id_property: 'User ID' })[0]!, /give a contact property's internal name/);
  assert.equal(customEventFor('Order Completed', { event_names: EVENTS }), 'pe1234567_order_completed');
  assert.equal(customEventFor('order completed', { event_names: EVENTS }), undefined, 'names match exactly');
  assert.equal(customEventFor('constructor', { event_names: EVENTS }), undefined, 'own keys only');
  assert.deepEqual(mappedTraits({ traits: { plan: 'pro', company: { size: 12 }, x: 1 } }, { property_map: { plan: 'plan_tier', 'company.size': 'company_size', missing: 'm' } }), { plan_tier: 'pro', company_size: 12 });
  assert.equal(userIdPropertyOf({ user_id_property: ' signal_user_id ' }), 'signal_user_id');
  assert.equal(userIdPropertyOf({ user_id_property: 'hs_object_id' }), undefined);
});

test('contact: an identify is an upsert input by its email, lower-cased, with its properties as text', () => {
  const event = identify({ email: ' Jane.Doe@Example.COM ', plan: 'pro' });
  assert.deepEqual(contactInput({ email: ' Jane.Doe@Example.COM ', properties: { firstname: 'Jane', zip: 10115, newsletter: true, tags: ['a', 'b'], address: { street: 'x' }, blank: '  ', gone: null, email: 'other@example.com' } }, event, ctx({ property_map: { plan: 'plan_tier' }, user_id_property: 'signal_user_id' })), {
    contact: { idProperty: 'email', id: 'jane.doe@example.com', properties: { firstname: 'Jane', zip: '10115', newsletter: 'true', tags: 'a;b', plan_tier: 'pro', signal_user_id: 'u-1' } },
  });
  assert.deepEqual(contactInput({}, identify({ email: 'jane@example.com' }), ctx()), { contact: { idProperty: 'email', id: 'jane@example.com', properties: {} } }, 'the email of the traits when the blueprint mapped none');
  assert.deepEqual(contactInput({ email: 'a@example.com' }, identify({}, { userId: 'undefined' }), ctx({ user_id_property: 'signal_user_id' })), { contact: { idProperty: 'email', id: 'a@example.com', properties: {} } }, 'a placeholder userId is not written');
  assert.throws(() => contactInput({}, identify({ name: 'Jane' }), ctx()), { name: 'PermanentError', message: /^HubSpot creates or updates a contact by its email, and this identify has none \(no traits\.email\): it cannot be upserted/ });
  assert.throws(() => contactInput({ email: 'jane@example.com, joe@example.com' }, identify({}), ctx()), { name: 'PermanentError', message: /this identify's email is not one email address: fix traits\.email at the source/ });
  assert.throws(() => contactInput({ email: ['jane@example.com'] }, identify({}), ctx()), { name: 'PermanentError', message: /is a list, not an email address/ });
  assert.equal(normalizeEmail('Jane@Example.com'), 'jane@example.com');
  assert.equal(normalizeEmail('jane'), undefined);
  assert.equal(propertyText(1e400), undefined);
  assert.equal(propertyText([['nested']]), undefined);
  assert.equal(propertyText([]), undefined);
});

test('event properties: contact information out, names lower-cased as HubSpot reads them, values as text within HubSpot\'s limits', () => {
  assert.deepEqual(eventProperties({ orderId: 'O-1', OrderID: 'dup', revenue: 27.5, 'plan type': 'pro', '2fa': true, email: 'jane@example.com', tags: ['a', 'b'], products: [{ id: 1 }], shipping: { city: 'Leeds' }, free: false }), {
    free: 'false', orderid: 'O-1', revenue: '27.5', tags: 'a;b',
  });
  const long = 'x'.repeat(2000);
  assert.deepEqual(eventProperties({ note: long, page_url: long, referrer: long, emoji: '🇬🇧'.repeat(200) }), {
    emoji: Array.from('🇬🇧'.repeat(200)).slice(0, 256).join(''), note: 'x'.repeat(256), page_url: 'x'.repeat(1024), referrer: 'x'.repeat(1024),
  });
  const many = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`p${String(i).padStart(2, '0')}`, i]));
  const kept = eventProperties(many);
  assert.equal(Object.keys(kept).length, 50);
  assert.deepEqual(Object.keys(kept).slice(-1), ['p49'], 'the first 50 in name order');
  assert.throws(() => eventProperties('x'), { name: 'PermanentError', message: /properties as an object/ });
  // What is left out is said (ctx.warn: the delivery log and previews show it).
  const said: string[] = [];
  eventProperties({ 'plan type': 'pro', OrderID: 'a', orderid: 'b', shipping: { city: 'Leeds' } }, (message) => said.push(message));
  assert.deepEqual(said, [
    'properties.plan type left out: a HubSpot event property name is a lower-case letter, then letters, digits or _ (50 at most)',
    'properties.orderid left out: HubSpot reads it as orderid, which an earlier property already is',
    'properties.shipping left out: HubSpot event properties are text, numbers or booleans (an object has no text form)',
  ]);
});

test('occurrence: the custom event config.event_names names, linked by email, utk or record id; unnamed events are not sent', () => {
  const event = track({ properties: { order_id: 'O-1', revenue: 27.5 } });
  assert.deepEqual(occurrenceOf({ event: 'Order Completed', email: 'Jane@Example.com', occurredAt: TIME, uuid: 'm-1', properties: { order_id: 'O-1', revenue: 27.5 } }, event, ctx()), {
    occurrence: { eventName: 'pe1234567_order_completed', email: 'jane@example.com', utk: UTK, occurredAt: TIME, uuid: eventUuid('m-1'), properties: { order_id: 'O-1', revenue: '27.5' } },
  });
  assert.equal(occurrenceOf({ event: 'Feature Activated', email: 'jane@example.com' }, track({ event: 'Feature Activated' }), ctx()), null, 'not named in config.event_names: dropped');
  assert.equal(occurrenceOf({ event: 'Order Completed', email: 'jane@example.com' }, event, ctx({ event_names: {} })), null);
  assert.equal((occurrenceOf({ eventName: 'pe1234567_custom', utk: UTK }, track({ event: 'Feature Activated' }), ctx())!.occurrence as JsonObject).eventName, 'pe1234567_custom', 'a fully qualified name the blueprint mapped');
  const only = (payload: JsonObject, e = event) => occurrenceOf({ event: 'Order Completed', ...payload }, e, ctx())!.occurrence as JsonObject;
  assert.deepEqual([only({ objectId: '608051' }).objectId, only({ objectId: 608051 }).objectId, only({ objectId: 'abc' }).objectId], ['608051', '608051', undefined]);
  assert.equal(only({ utk: 'not-a-token', email: 'jane@example.com' }).utk, undefined, 'a utk that is no HubSpot token is left out');
  assert.equal(only({}, track({ context: { cookies: { hubspotutk: UTK.toUpperCase() } } })).utk, UTK, 'the cookie, lower-cased');
  assert.equal(only({ occurredAt: 1_732_982_400 }).occurredAt, '2024-11-30T16:00:00.000Z', 'epoch seconds');
  assert.equal(only({}, track({ timestamp: TIME })).occurredAt, TIME, 'the event\'s timestamp when none is mapped');
  assert.equal(only({ uuid: 'null' }).uuid, eventUuid('m-1'), 'a placeholder uuid gives way to the messageId');
  assert.throws(() => only({ occurredAt: 'yesterday' }), { name: 'PermanentError', message: /occurredAt as an ISO 8601 date-time; the blueprint mapped "yesterday"/ });
  assert.throws(() => occurrenceOf({ event: 'Order Completed', email: 'not an email' }, track({ context: {} }), ctx()), { name: 'PermanentError', message: /^HubSpot links a custom event to a contact by its record id, email or the hubspotutk cookie, and this event has none usable/ });
});

test('event uuid: a UUID messageId as it is; any other, a stable version 5 UUID of it', () => {
  assert.equal(eventUuid('3F2504E0-4F89-11D3-9A0C-0305E82C3301'), '3f2504e0-4f89-11d3-9a0c-0305e82c3301');
  const uuid = eventUuid('hs-track-1');
  assert.match(uuid, /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(eventUuid('hs-track-1'), uuid);
  assert.notEqual(eventUuid('hs-track-2'), uuid);
});

test('requests: contacts in upserts of 100 without an email twice, then events by custom event in batches of 500, with the Bearer token', () => {
  const contacts = Array.from({ length: 150 }, (_, i) => mappedContact(`c-${i}`, `p${i}@example.com`));
  const repeat = mappedContact('c-again', 'p0@example.com', { firstname: 'Later' });
  const events = [...Array.from({ length: 501 }, (_, i) => mappedOccurrence(`o-${i}`)), mappedOccurrence('s-1', 'Signed Up')];
  const requests = buildRequests([...contacts, repeat, ...events], ctx());
  assert.deepEqual(requests.map((r) => [r.url, r.eventIds.length]), [[UPSERT, 100], [UPSERT, 51], [EVENTS_BATCH, 500], [EVENTS_BATCH, 1], [EVENTS_BATCH, 1]]);
  assert.deepEqual(requests[0]!.headers, { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json' });
  assert.deepEqual((requests[0]!.body as { inputs: JsonObject[] }).inputs[0], { idProperty: 'email', id: 'p0@example.com', properties: {}, objectWriteTraceId: 'c-0' });
  assert.ok(requests[1]!.eventIds.includes('c-again'), 'the second identify of an email goes to a later request');
  assert.deepEqual(requests.slice(2).map((r) => [...new Set((r.body as { inputs: Array<{ eventName: string }> }).inputs.map((i) => i.eventName))]), [['pe1234567_order_completed'], ['pe1234567_order_completed'], ['pe1234567_signed_up']]);
  assert.equal(buildRequests([mappedOccurrence('x')], ctx({}, 'oauth-access-token'))[0]!.headers!.authorization, 'Bearer oauth-access-token', 'the core\'s access token wins');
  assert.equal(buildRequests([mappedOccurrence('x')], ctx({ api_version: '2026-03' }))[0]!.url, 'https://api.hubapi.com/events/2026-03/send/batch');
  assert.throws(() => buildRequests([{ id: 'x', event: track(), payload: {} }], ctx()), /holds no HubSpot record/);
  assert.throws(() => accessTokenOf({ ...ctx(), config: {} }), { name: 'PermanentError', message: /set config\.access_token/ });
  // A large batch is cut by bytes too.
  const big = Array.from({ length: 20 }, (_, i) => {
    const event = track({ messageId: `b-${i}` });
    return { id: `b-${i}`, event, payload: { occurrence: { eventName: 'pe1_x', email: 'j@example.com', properties: Object.fromEntries(Array.from({ length: 50 }, (_, k) => [`p${k}`, 'x'.repeat(1024)])) } } } as MappedEvent;
  });
  const cut = buildRequests(big, ctx());
  assert.ok(cut.length > 1 && cut.every((r) => Buffer.byteLength(JSON.stringify(r.body)) <= 1_000_000), 'within 1,000,000 bytes a request');
  assert.deepEqual(cut.flatMap((r) => r.eventIds), big.map((m) => m.id), 'every event once, in order');
});

test('endpoints: URLs of the configured version, the GDPR delete too (no v3 path left); requests recognised by their path', () => {
  assert.equal(urlOf('contactsSearch', '2026-09'), 'https://api.hubapi.com/crm/objects/2026-09/contacts/search');
  assert.equal(urlOf('gdprDelete', '2026-09'), 'https://api.hubapi.com/crm/objects/2026-09/contacts/gdpr-delete');
  assert.equal(urlOf('gdprDelete', '2026-03'), 'https://api.hubapi.com/crm/objects/2026-03/contacts/gdpr-delete');
  assert.equal(urlOf('token', '2026-03'), 'https://api.hubapi.com/oauth/2026-03/token');
  assert.deepEqual([UPSERT, EVENTS_BATCH, 'https://api.hubapi.com/crm/objects/2026-09/contacts/gdpr-delete', 'https://api.hubapi.com/crm/v3/objects/contacts/gdpr-delete', 'https://vendor.example/api'].map(endpointOf), ['contactsUpsert', 'eventsBatch', 'gdprDelete', undefined, undefined]);
  assert.deepEqual(['https://api.hubapi.com/crm/objects/2026-03/contacts/search', EVENTS_BATCH, 'https://api.hubapi.com/oauth/2026-03/token', 'not a url'].map(versionOfUrl), ['2026-03', '2026-09', '2026-03', undefined]);
});

test('classify: 2xx delivered; a multi-status answer dead-letters the contacts it names by objectWriteTraceId alone', () => {
  assert.deepEqual(classifyHubSpot(answer(204, ''), eventsRequest(['a', 'b']), ctx()), { status: 'delivered' });
  // A page that is not HubSpot's (a proxy's): sent again, never counted written.
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyHubSpot(answer(200, page, { 'content-type': 'text/html' }), eventsRequest(['a', 'b']), ctx()), { status: 'retry', reason: `HTTP 200 without HubSpot's answer (its JSON, or none): ${page} — not HubSpot's answer (a proxy?), so the event batch is sent again` });
  assert.deepEqual(classifyHubSpot(answer(200, { status: 'COMPLETE', results: [{ id: '1', objectWriteTraceId: 'a' }] }), contactRequest(['a']), ctx()), { status: 'delivered' });
  const multi = answer(207, {
    status: 'COMPLETE', results: [{ id: '1', objectWriteTraceId: 'a' }],
    errors: [{ status: 'error', category: 'VALIDATION_ERROR', message: 'Property values were not valid', errors: [{ message: 'Property "plan_tier" does not exist', code: 'PROPERTY_DOESNT_EXIST', context: { propertyName: ['plan_tier'] } }], context: { objectWriteTraceId: ['b'] } }],
    numErrors: 1,
  });
  assert.deepEqual(classifyHubSpot(multi, contactRequest(['a', 'b']), ctx()), { perEvent: {
    a: { status: 'delivered' },
    b: { status: 'dead_letter', reason: 'HubSpot refused the contact (HTTP 207): Property values were not valid: Property "plan_tier" does not exist (PROPERTY_DOESNT_EXIST; propertyName: plan_tier) [VALIDATION_ERROR]' },
  } });
  const unnamed = classifyHubSpot(answer(207, { results: [{ objectWriteTraceId: 'a' }], errors: [{ message: 'Something failed' }] }), contactRequest(['a', 'b']), ctx());
  assert.deepEqual(Object.fromEntries(Object.entries((unnamed as { perEvent: Record<string, { status: string }> }).perEvent).map(([k, v]) => [k, v.status])), { a: 'delivered', b: 'retry' }, 'an error naming no input: the contact without a result is sent again');
});

test('classify: a refused batch — named contacts dead-lettered and the rest sent again; events found by halves; a refused custom event name dead-letters its events', () => {
  const named = classifyHubSpot(answer(400, { status: 'error', message: 'Invalid input', category: 'VALIDATION_ERROR', errors: [{ message: 'Email address bad@ is invalid', code: 'INVALID_EMAIL', context: { objectWriteTraceId: ['b'] } }] }), contactRequest(['a', 'b']), ctx());
  assert.deepEqual(named, { perEvent: {
    a: { status: 'resend', reason: 'HubSpot refused the whole contact batch (HTTP 400) for other contacts of it, and wrote none: sent again without them' },
    b: { status: 'dead_letter', reason: 'HubSpot refused the contact (HTTP 400): Email address bad@ is invalid (INVALID_EMAIL)' },
  } });
  const refused = answer(400, { status: 'error', message: 'Property value "x".repeat is too long', correlationId: 'c-1', category: 'VALIDATION_ERROR' });
  assert.equal(statusOf(classifyHubSpot(refused, eventsRequest(['a', 'b']), ctx())), 'split');
  assert.equal(statusOf(classifyHubSpot(refused, contactRequest(['a', 'b']), ctx())), 'split');
  assert.deepEqual(classifyHubSpot(refused, eventsRequest(['a']), ctx()), { status: 'dead_letter', reason: 'HubSpot refused the event (HTTP 400): Property value "x".repeat is too long [VALIDATION_ERROR] (correlationId c-1): check that the custom event defines every property sent (Data Management > Custom Events > the event > Properties) or leave properties out with the blueprint\'s exclude, then replay' });
  const unknownEvent = answer(400, { status: 'error', message: 'Event definition pe1234567_order_completed does not exist', category: 'VALIDATION_ERROR' });
  assert.match(reasonOf(classifyHubSpot(unknownEvent, eventsRequest(['a', 'b']), ctx())), /^HubSpot refused the custom event pe1234567_order_completed \(HTTP 400: Event definition pe1234567_order_completed does not exist \[VALIDATION_ERROR\]\): check that it exists/);
  assert.equal(statusOf(classifyHubSpot(answer(400, '<html>Bad Request</html>'), eventsRequest(['a', 'b']), ctx())), 'dead_letter', 'a page that is not HubSpot\'s names no input: not split');
  // A refusal naming the event and a property may be one occurrence's: halves find it, the
  // occurrences without that property are not dead-lettered with it.
  const oneProperty = answer(400, { status: 'error', message: 'Property "coupon" does not exist on event pe1234567_order_completed', category: 'VALIDATION_ERROR' });
  assert.equal(statusOf(classifyHubSpot(oneProperty, eventsRequest(['a', 'b']), ctx())), 'split');
  assert.equal(refusesEventItself('Event definition pe1_x does not exist', 'pe1_x'), true);
  assert.equal(refusesEventItself('Invalid property values for pe1_x', 'pe1_x'), false);
  assert.equal(refusesEventItself('Event definition pe1_y does not exist', 'pe1_x'), false);
  assert.match(reasonOf(classifyHubSpot(answer(409, { message: 'Contact already exists. Existing ID: 123', category: 'CONFLICT' }), contactRequest(['a']), ctx())), /^HubSpot refused the contact \(HTTP 409\): Contact already exists\. Existing ID: 123 \[CONFLICT\]: the contact's email or a unique property belongs to another contact/);
});

test('classify: credentials, scopes, versions and sizes dead-letter saying what to fix', () => {
  assert.match(reasonOf(classifyHubSpot(answer(401, { status: 'error', message: 'Authentication credentials not found.', category: 'INVALID_AUTHENTICATION' }), eventsRequest(['a']), ctx())), /^HubSpot refused config\.access_token: check that it is the whole service key .* \(HTTP 401: Authentication credentials not found\. \[INVALID_AUTHENTICATION\]\)$/);
  assert.match(reasonOf(classifyHubSpot(answer(401, { message: 'expired' }), eventsRequest(['a']), ctx({ refresh_token: 'na1-r', client_id: 'i', client_secret: 's' }))), /obtained with config\.refresh_token, also after renewing it: the app was uninstalled/);
  const scopes = answer(403, { status: 'error', message: 'This app hasn\'t been granted all required scopes to make this call.', category: 'MISSING_SCOPES', errors: [{ message: 'One or more of the following scopes are required.', context: { requiredGranularScopes: ['crm.objects.contacts.write'] } }] });
  assert.match(reasonOf(classifyHubSpot(scopes, contactRequest(['a']), ctx())), /^HubSpot refused the contact \(HTTP 403: .*\): the credential lacks the crm\.objects\.contacts\.write scope — add it/);
  assert.match(reasonOf(classifyHubSpot(answer(403, { message: 'Forbidden' }), eventsRequest(['a', 'b']), ctx())), /refused the event batch .* lacks the analytics\.behavioral_events\.send scope .*; custom events also need an Enterprise subscription/);
  assert.match(reasonOf(classifyHubSpot(answer(404, { message: 'Not found' }), eventsRequest(['a']), ctx())), /check config\.api_version \(2026-09: a date-based version HubSpot serves\); check that the custom event pe1234567_order_completed exists in this account/);
  assert.equal(statusOf(classifyHubSpot(answer(413, 'too large'), eventsRequest(['a', 'b']), ctx())), 'split');
  assert.match(reasonOf(classifyHubSpot(answer(413, 'too large'), eventsRequest(['a']), ctx())), /refused this event alone as too large/);
});

test('classify: 429 waits for Retry-After or the policy\'s window, 423 is a rate limit of 2 s, 5xx retried', () => {
  const limited = (policyName: string, headers: Record<string, string> = {}) => classifyHubSpot(answer(429, { status: 'error', message: `You have reached your ${policyName.toLowerCase()} limit.`, errorType: 'RATE_LIMIT', correlationId: 'c-2', policyName }, headers), eventsRequest(['a']), ctx());
  assert.deepEqual(limited('TEN_SECONDLY_ROLLING', { 'X-HubSpot-RateLimit-Interval-Milliseconds': '10000', 'X-HubSpot-RateLimit-Max': '100', 'X-HubSpot-RateLimit-Remaining': '0' }), {
    status: 'retry', reason: 'HubSpot rate-limited the account (HTTP 429, TEN_SECONDLY_ROLLING: You have reached your ten_secondly_rolling limit. (correlationId c-2))', retryAfterMs: 10_000,
  });
  assert.equal((limited('TEN_SECONDLY_ROLLING') as { retryAfterMs?: number }).retryAfterMs, 10_000);
  assert.equal((limited('SECONDLY') as { retryAfterMs?: number }).retryAfterMs, 1_000);
  assert.equal((limited('DAILY') as { retryAfterMs?: number }).retryAfterMs, 3_600_000, 'a daily limit: tried hourly until the day resets');
  assert.equal((limited('DAILY', { 'retry-after': '30' }) as { retryAfterMs?: number }).retryAfterMs, 30_000, 'Retry-After wins');
  assert.deepEqual(classifyHubSpot(answer(423, { message: 'Locked' }), contactRequest(['a']), ctx()), { status: 'retry', reason: 'HubSpot locked the records for a moment (HTTP 423: Locked): sent again after 2 s', retryAfterMs: 2_000, throttled: true });
  assert.deepEqual(classifyHubSpot(answer(502, '<html>Bad gateway</html>', { 'retry-after': '5' }), eventsRequest(['a']), ctx()), { status: 'retry', reason: 'HubSpot HTTP 502: <html>Bad gateway</html>', retryAfterMs: 5_000 });
  assert.equal(statusOf(classifyHubSpot(answer(408, ''), eventsRequest(['a']), ctx())), 'retry');
});

test('answers: HubSpot\'s words with their codes, contexts, category and correlation id', () => {
  assert.equal(errorText({ message: 'Invalid', context: { propertyName: ['email', 'phone'], objectWriteTraceId: ['m-1'] } }), 'Invalid (propertyName: email, phone)');
  assert.equal(saidOf(answer(500, '')), '(no body)');
  assert.equal(saidOf(answer(500, 'x'.repeat(500))).length, 401);
});

test('deletions: the contact found by email or the user ID property, then deleted by its record id; an anonymousId alone skipped', () => {
  const config = { user_id_property: 'signal_user_id' };
  assert.equal(forgetPerson.enabled({ access_token: TOKEN }), true);
  assert.equal(forgetPerson.enabled({ refresh_token: 'na1-r' }), true);
  assert.equal(forgetPerson.enabled({ access_token: TOKEN, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({}), false);
  const requests = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: 'df_1' }, ctx(config)) as RequestDescriptor[];
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.body]), [
    ['POST', 'https://api.hubapi.com/crm/objects/2026-09/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: 'jane@example.com' }] }], properties: ['email'], limit: 10 }],
    ['POST', 'https://api.hubapi.com/crm/objects/2026-09/contacts/search', { filterGroups: [{ filters: [{ propertyName: 'signal_user_id', operator: 'EQ', value: 'Jane@Example.com' }] }], properties: ['email'], limit: 10 }],
  ]);
  assert.equal(requests[0]!.headers!.authorization, `Bearer ${TOKEN}`);
  assert.deepEqual((forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx(config)) as RequestDescriptor[]).map((r) => (r.body as { filterGroups: Array<{ filters: Array<{ propertyName: string }> }> }).filterGroups[0]!.filters[0]!.propertyName), ['signal_user_id']);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null }, ctx()), { skipped: NO_LOOKUP });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1' }, ctx(config)), { skipped: ANONYMOUS_ONLY });
  assert.deepEqual(forgetPerson.request({ userId: 'undefined', anonymousId: 'df_1' }, ctx(config)), { skipped: ANONYMOUS_ONLY });

  const search = requests[0]!;
  const read = forgetPerson.read!;
  const found = read(answer(200, { total: 1, results: [{ id: '608051', properties: { email: '[…]' } }] }), search);
  assert.deepEqual(found, { next: { method: 'POST', url: 'https://api.hubapi.com/crm/objects/2026-09/contacts/gdpr-delete', headers: search.headers, body: { objectId: '608051' }, eventIds: [] } });
  // The deletion goes to the version of the search (the integration's api_version).
  const search03 = (forgetPerson.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ api_version: '2026-03' })) as RequestDescriptor[])[0]!;
  assert.equal((read(answer(200, { total: 1, results: [{ id: 7 }] }), search03) as { next: RequestDescriptor }).next.url, 'https://api.hubapi.com/crm/objects/2026-03/contacts/gdpr-delete');
  assert.deepEqual(read(answer(200, { total: 0, results: [] }), search), { done: true, message: 'no HubSpot contact has this email: nothing to delete' });
  assert.deepEqual(read(answer(200, { total: 0, results: [] }), requests[1]), { done: true, message: 'no HubSpot contact has this userId in signal_user_id: nothing to delete' });
  assert.deepEqual(read(answer(200, { total: 2, results: [{ id: '1' }, { id: 2 }] }), requests[1]), { failed: '2 HubSpot contacts have this userId in signal_user_id: none was deleted — delete them in HubSpot' });
  assert.match((read(answer(403, { message: 'missing scopes', category: 'MISSING_SCOPES' }), search) as { failed: string }).failed, /^HTTP 403: HubSpot refused the contact search: the credential needs the crm\.objects\.contacts\.read scope/);
  assert.deepEqual(read(answer(429, { message: 'limit', policyName: 'SECONDLY' }), search), { retry: 'HTTP 429: limit' });
  const deletion = (found as { next: RequestDescriptor }).next;
  assert.match((read(answer(204, ''), deletion) as { message: string }).message, /^deleted \(HTTP 204\): HubSpot permanently deleted the contact/);
  assert.deepEqual(read(answer(404, { message: 'Not found' }), deletion), { done: true, message: 'HubSpot has no such contact any more (HTTP 404): it was deleted already' });
  assert.match((read(answer(403, { message: 'no' }), deletion) as { failed: string }).failed, /needs the crm\.objects\.contacts\.write scope/);
  assert.match((read(answer(401, { message: 'bad token' }), deletion) as { failed: string }).failed, /^HTTP 401: HubSpot refused the credential/);
  assert.ok('retry' in read(answer(503, 'busy'), deletion));
});

test('deletions: a search by each email Signal found for the person, after the userId\'s; an email userId among them searched once; malformed entries left out', () => {
  const config = { user_id_property: 'signal_user_id' };
  const searched = (built: ReturnType<typeof forgetPerson.request>): string[] => (built as RequestDescriptor[]).map((r) => {
    const filter = (r.body as { filterGroups: Array<{ filters: Array<{ propertyName: string; value: string }> }> }).filterGroups[0]!.filters[0]!;
    return `${filter.propertyName}=${filter.value}`;
  });
  // Emails only: a visitor whose identify gave an email (it used to be skipped), with or without user_id_property.
  assert.deepEqual(searched(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com', 'j.doe@work.example'] }, ctx())), ['email=jane@example.com', 'email=j.doe@work.example']);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: [] }, ctx(config)), { skipped: ANONYMOUS_ONLY });
  // A userId that is no email, without user_id_property: forwarded by the emails, saying the userId was not searched for and why.
  const noted = forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx()) as { requests: RequestDescriptor[]; note: string };
  assert.deepEqual(searched(noted.requests), ['email=jane@example.com']);
  assert.equal(noted.note, USER_ID_NOT_SEARCHED);
  assert.match(USER_ID_NOT_SEARCHED, /^the userId was not searched for: .*config\.user_id_property is not set/);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: [] }, ctx()), { skipped: NO_LOOKUP });
  // The userId's searches first, then the emails'.
  assert.deepEqual(searched(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, ctx(config))), ['signal_user_id=u-1', 'email=jane@example.com']);
  // An email userId that is also among the emails: one search by it.
  assert.deepEqual(searched(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example'] }, ctx(config))), ['email=jane@example.com', 'signal_user_id=Jane@Example.com', 'email=j.doe@work.example']);
  // Not one address, or repeated: left out.
  assert.deepEqual(searched(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: ['jane@example', 'a@example.com, b@example.com', 'j.doe@work.example', 'J.Doe@Work.example'] }, ctx())), ['email=j.doe@work.example']);
  const [search] = forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com'] }, ctx()) as RequestDescriptor[];
  assert.deepEqual(forgetPerson.read!(answer(200, { total: 0, results: [] }), search), { done: true, message: 'no HubSpot contact has this email: nothing to delete' });
  assert.ok('next' in forgetPerson.read!(answer(200, { total: 1, results: [{ id: '608051' }] }), search));
});

test('access token: the refresh token exchanged at the version\'s OAuth endpoint; the answer read in either case; a refused token said in HubSpot\'s terms', () => {
  const request = hubSpotTokenRequest(ctx({ refresh_token: 'na1-r', client_id: 'id-1', client_secret: 'sec' }));
  assert.equal(request.url, 'https://api.hubapi.com/oauth/2026-09/token');
  assert.equal(request.body, 'grant_type=refresh_token&refresh_token=na1-r&client_id=id-1&client_secret=sec');
  assert.equal(request.headers!['content-type'], 'application/x-www-form-urlencoded');
  assert.deepEqual(readHubSpotTokenAnswer(answer(200, { token_type: 'bearer', access_token: 'CKDZ', expires_in: 1800, refresh_token: 'na1-r' })), { accessToken: 'CKDZ', expiresInSeconds: 1800, refreshToken: 'na1-r' });
  assert.deepEqual(readHubSpotTokenAnswer(answer(200, { accessToken: 'CKDZ', expiresIn: 1800, hubId: 1 })), { accessToken: 'CKDZ', expiresInSeconds: 1800 });
  assert.throws(() => readHubSpotTokenAnswer(answer(400, { status: 'BAD_REFRESH_TOKEN', message: 'missing or invalid refresh token' })), { name: 'PermanentError', message: /^HubSpot refused the refresh token \(HTTP 400, .*missing or invalid refresh token.*\)\. HubSpot refresh tokens last until the app is uninstalled/ });
  assert.throws(() => readHubSpotTokenAnswer(answer(503, 'down')), { name: 'RetryableError' });
});

test('blueprints: an identify to a contact, a track event to its custom event, other calls not sent; retail flattens an order', () => {
  const config: Record<string, JsonValue> = { access_token: TOKEN, event_names: EVENTS, property_map: { plan: 'plan_tier' } };
  const mapper = (variant: string) => createEventMapper(hubspot, { variant, blueprint: readFileSync(new URL(`../../blueprints/hubspot/${variant}.yaml`, import.meta.url), 'utf8') }, { ...ctx(), config, variant });
  const person = identify({ email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', phone: '+44 7700 900123', company: { name: 'Acme' }, title: 'CTO', plan: 'pro', address: { city: 'London', postalCode: 12345, country: 'GB' } });
  assert.deepEqual(mapper('default')(person).payload, { contact: { idProperty: 'email', id: 'jane@example.com', properties: {
    firstname: 'Jane', lastname: 'Doe', phone: '+44 7700 900123', company: 'Acme', jobtitle: 'CTO', city: 'London', country: 'GB', zip: '12345', plan_tier: 'pro',
  } } });
  const order = track({ userId: 'u-1', messageId: 'm-9', context: { cookies: { hubspotutk: UTK }, traits: { email: 'jane@example.com' } }, properties: { order_id: 'O-1', revenue: 27.5, currency: 'gbp', email: 'x@example.com', products: [{ product_id: 'SKU-1', name: 'Shoe' }, { product_id: 2, name: 'Sock' }] } });
  assert.deepEqual(mapper('default')(order).payload, { occurrence: {
    eventName: 'pe1234567_order_completed', email: 'jane@example.com', utk: UTK, occurredAt: TIME, uuid: eventUuid('m-9'), properties: { currency: 'gbp', order_id: 'O-1', revenue: '27.5' },
  } });
  assert.deepEqual((mapper('retail')(order).payload!.occurrence as JsonObject).properties, { currency: 'GBP', order_id: 'O-1', product_ids: 'SKU-1;2', product_names: 'Shoe;Sock', revenue: '27.5' });
  assert.equal(mapper('default')(track({ type: 'page', event: undefined } as Partial<CanonicalEvent>)).payload, null, 'page views are not sent');
  assert.equal(mapper('default')(track({ event: 'Feature Activated' })).payload, null, 'a track event config.event_names does not name is not sent');
  assert.match(mapper('default')(identify({ name: 'Jane' })).error!, /this identify has none \(no traits\.email\)/);
});
