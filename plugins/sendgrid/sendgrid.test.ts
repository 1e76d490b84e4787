import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import sendgrid from './index.ts';
import { classifySendGrid } from './classify.ts';
import { validateSendGridConfig } from './config.ts';
import { ANONYMOUS_ONLY, forgetPerson } from './forget-person.ts';
import { importReport, readImportStatus } from './processing-report.ts';
import { buildRequests } from './requests.ts';

const KEY = 'SG.abcdefghij.klmnopqrstuvwxyz';
const LIST = 'ca7a3796-e8a8-4029-9ccb-df8937940562';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const URL_ = 'https://api.sendgrid.com/v3/marketing/contacts';
const HEADERS = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json', accept: 'application/json' };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const blueprint = readFileSync(new URL('../../blueprints/sendgrid/default.yaml', import.meta.url), 'utf8');
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(sendgrid, { variant: 'default', blueprint }, ctx(config))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const contact = (id: string, subscribe = false, email = `${id}@example.com`): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'contact', subscribe, contact: { email } } });
const request = (ids: string[]): RequestDescriptor => ({ method: 'PUT', url: URL_, headers: HEADERS, body: {}, eventIds: ids });
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');

test('identify → a contact: email, the userId as external_id, names, address, custom fields by id; lists only with marketing consent', () => {
  const traits = { email: ' Jane@Example.com ', firstName: 'Jane', last_name: 'Doe', phone: '+44 7700 900123', plan: 'pro', seats: 3, vip: true, address: { street: '1 Main St', city: 'Springfield', state: 'IL', postalCode: '62701', country: 'US' } };
  const record = recordOf(identify(traits), { custom_fields: { plan: 'e1_T', seats: 'e2_N', vip: 'e3_T' }, list_ids: [LIST] });
  assert.deepEqual(record, {
    kind: 'contact', subscribe: false,
    contact: {
      email: 'Jane@Example.com', external_id: 'u-1', first_name: 'Jane', last_name: 'Doe',
      address_line_1: '1 Main St', city: 'Springfield', state_province_region: 'IL', postal_code: '62701', country: 'US',
      custom_fields: { e1_T: 'pro', e2_N: 3, e3_T: 'true' },
    },
  }, 'no consent: no lists; phone not an identifier unless configured');
  const consenting = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true } } }), { list_ids: [LIST] });
  assert.equal(consenting.subscribe, true);
  const denied = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } }), { list_ids: [LIST] });
  assert.equal(denied.subscribe, false, 'a denial anywhere wins');
  const remembered = mapped(identify({ first_name: 'Jane' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>), { list_ids: [LIST] });
  assert.equal((remembered.payload?.contact as JsonObject).email, 'jane@example.com', 'the remembered email still names the contact');
  assert.equal(remembered.payload?.subscribe, false, 'but joins no list: that comes from a call giving the email');
  assert.match(remembered.warnings?.join('\n') ?? '', /lists not joined: the identify gives no email of its own/);
  const noLists = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true } } }));
  assert.equal(noLists.subscribe, false, 'no lists configured: nothing to join');
  const withPhone = recordOf(identify({ phone: '+44 7700 900123' }, { userId: undefined }), { phone_number_id: true });
  assert.deepEqual(withPhone.contact, { phone_number_id: '+447700900123' });
});

test('what SendGrid cannot take is left out with a warning; an identify naming no one is not sent; a bad email is dead-lettered unless the userId names the contact', () => {
  const long = mapped(identify({ email: 'jane@example.com', firstName: 'J'.repeat(51), plan: { a: 1 } }), { custom_fields: { plan: 'e1_T' } });
  assert.deepEqual((long.payload as JsonObject).contact, { email: 'jane@example.com', external_id: 'u-1' });
  assert.ok(long.warnings?.includes('first_name left out: longer than SendGrid\'s 50 characters'), JSON.stringify(long.warnings));
  assert.ok(long.warnings?.some((w) => w.startsWith('custom_fields.e1_T (traits.plan) left out: an object or a list')), JSON.stringify(long.warnings));
  const phone = mapped(identify({ email: 'jane@example.com', phone: '06 12 34 56 78' }), { phone_number_id: true });
  assert.ok(phone.warnings?.some((w) => w.startsWith('phone_number_id left out: "06 12 34 56 78" is no phone number with its country code')), JSON.stringify(phone.warnings));
  assert.equal(mapped(identify({ firstName: 'Jane' }, { userId: undefined })).payload, null, 'no identifier: not sent');
  assert.match(String(mapped(identify({ email: 'jane@' }, { userId: undefined })).error), /the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address SendGrid accepts/);
  const kept = mapped(identify({ email: 'jane@', firstName: 'Jane' }));
  assert.deepEqual((kept.payload as JsonObject).contact, { external_id: 'u-1', first_name: 'Jane' });
  assert.equal(mapped(identify({ email: 'x@example.com' }, { userId: 'null' })).payload && ((mapped(identify({ email: 'x@example.com' }, { userId: 'null' })).payload as JsonObject).contact as JsonObject).external_id, undefined, 'a placeholder userId is no external_id');
});

test('track, page and screen calls are not sent, with the reason (no custom events API), not as an error', () => {
  const track = mapped(browserEvent());
  assert.equal(track.payload, null);
  assert.equal(track.error, undefined);
  assert.deepEqual(track.warnings, ['track calls are not sent: SendGrid Marketing Campaigns has no API for custom events (its contacts API takes contact fields only)']);
  const page = mapped(browserEvent({ type: 'page', event: undefined, name: 'Home' } as Partial<CanonicalEvent>));
  assert.equal(page.payload, null);
  assert.deepEqual(page.warnings, ['page calls are not sent: SendGrid Marketing Campaigns takes contacts (identify) only']);
});

test('send: one PUT for many contacts; consenting contacts with list_ids in their own request; a person twice goes in two requests, in order; EU region', () => {
  const requests = buildRequests([contact('a', true), contact('b'), contact('c', true), contact('d', false, 'A@example.com')], ctx({ list_ids: [LIST] }));
  assert.deepEqual(requests, [
    { method: 'PUT', url: URL_, headers: HEADERS, body: { list_ids: [LIST], contacts: [{ email: 'a@example.com' }, { email: 'c@example.com' }] }, eventIds: ['a', 'c'] },
    { method: 'PUT', url: URL_, headers: HEADERS, body: { contacts: [{ email: 'b@example.com' }, { email: 'A@example.com' }] }, eventIds: ['b', 'd'] },
  ]);
  const twice = buildRequests([contact('a'), contact('b'), contact('a2', false, 'a@example.com')], ctx());
  assert.deepEqual(twice.map((r) => r.eventIds), [['a', 'b'], ['a2']]);
  const eu = buildRequests([contact('a', true)], ctx({ region: 'eu' }));
  assert.equal(eu[0]!.url, 'https://api.eu.sendgrid.com/v3/marketing/contacts');
  assert.deepEqual(eu[0]!.body, { contacts: [{ email: 'a@example.com' }] }, 'no lists configured: no list_ids');
  const big = Array.from({ length: 3 }, (_, i) => ({ ...contact(`big${i}`), payload: { kind: 'contact', subscribe: false, contact: { email: `big${i}@example.com`, custom_fields: { e1_T: 'x'.repeat(2_500_000) } } } }));
  assert.deepEqual(buildRequests(big, ctx()).map((r) => r.eventIds), [['big0', 'big1'], ['big2']], '6 MB a request');
  assert.equal(sendgrid.batch.maxEvents, 30_000);
});

test('classify: 202 with job_id delivered; a 2xx without it retried; 429 waits for X-RateLimit-Reset; 5xx retried; 401/403 dead-lettered naming api_key', () => {
  const c = ctx();
  assert.deepEqual(classifySendGrid(answer(202, { job_id: 'j-1' }), request(['a']), c), { status: 'delivered' });
  assert.equal(statusOf(classifySendGrid(answer(200, '<html>login</html>'), request(['a']), c)), 'retry');
  const limited = classifySendGrid(answer(429, { errors: [{ field: null, message: 'too many requests' }] }, { 'x-ratelimit-limit': '150', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(NOW / 1000 + 30) }), request(['a']), c);
  assert.deepEqual(limited, { status: 'retry', reason: 'SendGrid\'s rate limit (HTTP 429: too many requests)', retryAfterMs: 30_000 });
  const server = classifySendGrid(answer(500, { errors: [{ message: 'internal error' }] }), request(['a']), c);
  assert.equal(statusOf(server), 'retry');
  assert.equal(reasonOf(server), 'SendGrid HTTP 500: internal error');
  for (const status of [401, 403]) {
    const refused = classifySendGrid(answer(status, { errors: [{ field: null, message: 'access forbidden' }] }), request(['a']), c);
    assert.equal(statusOf(refused), 'dead_letter');
    assert.match(reasonOf(refused), new RegExp(`^SendGrid refused the API key \\(HTTP ${status}: access forbidden\\): check config\\.api_key`));
  }
  assert.equal(statusOf(classifySendGrid(answer(413, 'too large'), request(['a', 'b']), c)), 'split');
});

test('classify 400: the contacts named are dead-lettered with the field, the others sent again; list_ids names the config; a single contact\'s unnamed 400 dead-lettered', () => {
  const c = ctx();
  const named = classifySendGrid(answer(400, { errors: [{ field: 'contacts[1].email', message: 'invalid email' }] }), request(['a', 'b', 'c']), c);
  assert.deepEqual(named, { perEvent: {
    a: { status: 'resend', reason: 'sent again: SendGrid refused the request for other contacts in it, and queued none' },
    b: { status: 'dead_letter', reason: 'SendGrid refused the contact (HTTP 400: email: invalid email): check the person\'s email (traits.email)' },
    c: { status: 'resend', reason: 'sent again: SendGrid refused the request for other contacts in it, and queued none' },
  } });
  const lists = classifySendGrid(answer(400, { errors: [{ field: 'list_ids', message: 'list not found' }] }), request(['a', 'b']), c);
  assert.deepEqual(lists, { status: 'dead_letter', reason: 'SendGrid refused the contacts (HTTP 400: list_ids: list not found): check config.list_ids (the UUIDs of existing Marketing Campaigns lists)' });
  const custom = classifySendGrid(answer(400, { errors: [{ field: 'contacts[0].custom_fields.e9_T', message: 'custom field not found' }] }), request(['a']), c);
  assert.match(reasonOf((custom as { perEvent: Record<string, Classification> }).perEvent.a!), /check config\.custom_fields/);
  assert.deepEqual(classifySendGrid(answer(400, { errors: [{ message: 'bad request' }] }), request(['a']), c), { status: 'dead_letter', reason: 'SendGrid refused the contact (HTTP 400: bad request): check the contact\'s fields (the blueprint\'s rows and config.custom_fields)' });
});

test('classify 400: the contact whose email the message quotes is the one refused, whatever index the field gives; SendGrid errors naming no contact split a request of several; an answer without them dead-letters it', () => {
  const c = ctx();
  const withContacts = (ids: string[], emails: string[]): RequestDescriptor => ({ ...request(ids), body: { contacts: emails.map((email) => ({ email })) } });
  // SendGrid words a refused address as `email '…' is not valid`; the field may say contacts[0].identifier for another contact.
  const quoted = classifySendGrid(answer(400, { errors: [{ field: 'contacts[0].identifier', message: "email 'Joe@Exmaple.c' is not valid" }] }), withContacts(['a', 'b', 'c'], ['jane@example.com', 'joe@exmaple.c', 'kim@example.com']), c);
  assert.deepEqual(quoted, { perEvent: {
    a: { status: 'resend', reason: 'sent again: SendGrid refused the request for other contacts in it, and queued none' },
    b: { status: 'dead_letter', reason: 'SendGrid refused the contact (HTTP 400: identifier: email \'Joe@Exmaple.c\' is not valid): check the person\'s email (traits.email), userId and phone: the contact\'s identifiers' },
    c: { status: 'resend', reason: 'sent again: SendGrid refused the request for other contacts in it, and queued none' },
  } });
  // A quoted email no contact of the request has: the field's index decides.
  const byIndex = classifySendGrid(answer(400, { errors: [{ field: 'contacts[2].identifier', message: "email 'nobody@x.y' is not valid" }] }), withContacts(['a', 'b', 'c'], ['a@x.y', 'b@x.y', 'c@x.y']), c);
  assert.equal(statusOf((byIndex as { perEvent: Record<string, Classification> }).perEvent.c!), 'dead_letter');
  assert.equal(statusOf((byIndex as { perEvent: Record<string, Classification> }).perEvent.a!), 'resend');
  const unnamed = classifySendGrid(answer(400, { errors: [{ message: 'invalid custom field ids supplied - e9_T' }] }), request(['a', 'b']), c);
  assert.deepEqual(unnamed, { status: 'split', reason: 'SendGrid refused the request without naming the contact (HTTP 400: invalid custom field ids supplied - e9_T): sent again in halves to find it' });
  const mixed = classifySendGrid(answer(400, { errors: [{ field: 'contacts[0].email', message: 'invalid' }, { field: 'list_ids[0]', message: 'list does not exist' }] }), request(['a', 'b']), c);
  assert.deepEqual(mixed, { status: 'dead_letter', reason: 'SendGrid refused the contacts (HTTP 400: contacts[0].email: invalid; list_ids[0]: list does not exist): check config.list_ids (the UUIDs of existing Marketing Campaigns lists)' });
  // Not SendGrid's answer (no errors array: a proxy's page, the conformance suite's body): the request's.
  assert.deepEqual(classifySendGrid(answer(400, { error: 'HTTP 400' }), request(['a', 'b']), c), { status: 'dead_letter', reason: 'SendGrid refused the contacts (HTTP 400: {"error":"HTTP 400"}): check the contact\'s fields' });
});

test('processing report: the job_id followed with GET /imports/{id}; pending, completed, errored and failed read', () => {
  assert.equal(importReport.receipt(answer(202, { job_id: 'j-1' }), request(['a']), ctx()), 'j-1');
  assert.equal(importReport.receipt(answer(202, {}), request(['a']), ctx()), undefined);
  assert.deepEqual(importReport.request('j-1', ctx({ region: 'eu' })), { method: 'GET', url: 'https://api.eu.sendgrid.com/v3/marketing/contacts/imports/j-1', headers: HEADERS, eventIds: [] });
  assert.deepEqual(readImportStatus({ id: 'j-1', status: 'pending' }), { pending: true, message: 'SendGrid has not imported the contacts yet (status pending)' });
  assert.deepEqual(readImportStatus({ status: 'completed', results: { requested_count: 2, created_count: 1, updated_count: 1, errored_count: 0 } }), { done: true, failed: 0, message: 'SendGrid imported the contacts: completed (2 requested, 1 created, 1 updated, 0 errored)' });
  assert.deepEqual(readImportStatus({ status: 'errored', results: { requested_count: 3, created_count: 1, updated_count: 1, errored_count: 1, errors_url: 'https://example.com/e' } }), { done: true, failed: 1, message: 'SendGrid imported the contacts with errors: errored (3 requested, 1 created, 1 updated, 1 errored; the errors file is at results.errors_url of the answer) — 1 contact not imported' });
  assert.deepEqual(readImportStatus({ status: 'errored', results: { requested_count: 3 } }), { done: true, message: 'SendGrid imported the contacts with errors: errored (3 requested)' }, 'errored without a count: how many failed is not said');
  assert.deepEqual(readImportStatus({ status: 'failed', results: { requested_count: 2 } }), { done: true, failed: 2, message: 'SendGrid could not import the contacts: failed (2 requested) — 2 contacts not imported' });
});

test('config: schema and checks name their field', () => {
  const validate = createConfigAjv().compile(sendgrid.config);
  assert.equal(validate({ api_key: KEY, region: 'eu', list_ids: [LIST], custom_fields: { plan: 'e1_T' } }), true);
  assert.equal(validate({ api_key: KEY, list_ids: ['not-a-uuid'] }), false);
  assert.equal(validate({ api_key: KEY, region: 'us' }), false);
  assert.deepEqual(validateSendGridConfig({ api_key: 'SG.abc def' }), [{ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone' }]);
  assert.deepEqual(validateSendGridConfig({ api_key: 'Bearer SG.abc' }), [{ field: 'api_key', message: 'starts with "Bearer ": give the API key alone, Signal adds the prefix' }]);
  const fields = validateSendGridConfig({ api_key: KEY, custom_fields: { plan: 'Plan Name', tier: 'e1_T', level: 'e1_T' } });
  assert.deepEqual(fields.map((p) => p.field), ['custom_fields', 'custom_fields']);
  assert.match(fields[0]!.message, /maps the trait "plan" to "Plan Name", which is no SendGrid custom field id/);
  assert.match(fields[1]!.message, /maps both "tier" and "level" to the custom field e1_T/);
});

test('deletions: look up by external_id (and email for an email userId), then DELETE ?ids=; 404 done; anonymousId alone skipped; a refused key fails', () => {
  const c = ctx();
  const requests = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: 'df_1' }, c);
  assert.deepEqual(requests, [
    { method: 'POST', url: `${URL_}/search/identifiers/external_id`, headers: HEADERS, body: { identifiers: ['Jane@Example.com'] }, eventIds: [] },
    { method: 'POST', url: `${URL_}/search/identifiers/email`, headers: HEADERS, body: { identifiers: ['Jane@Example.com'] }, eventIds: [] },
  ]);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1' }, c), { skipped: ANONYMOUS_ONLY });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: [] }, c), { skipped: ANONYMOUS_ONLY });
  const lookup = (requests as RequestDescriptor[])[0]!;
  const found = forgetPerson.read!(answer(200, { result: { 'Jane@Example.com': { contact: { id: 'c-42', email: 'jane@example.com' } } } }), lookup, c);
  assert.deepEqual(found, { next: { method: 'DELETE', url: URL_, query: [['ids', 'c-42']], headers: HEADERS, eventIds: [] } });
  assert.deepEqual(forgetPerson.read!(answer(404, { errors: [{ message: 'No contacts found' }] }), lookup, c), { done: true, message: 'SendGrid has no contact with this external_id: nothing to delete' });
  const byEmail = (requests as RequestDescriptor[])[1]!;
  assert.deepEqual(forgetPerson.read!(answer(400, { errors: [{ field: 'identifiers', message: 'email is invalid' }] }), byEmail, c), { done: true, message: 'SendGrid calls the address looked up no valid email (HTTP 400: identifiers: email is invalid), so no contact has it as email: nothing to delete' });
  assert.ok('failed' in forgetPerson.read!(answer(400, { errors: [{ message: 'bad request' }] }), lookup, c), 'a 400 to the external_id lookup is no answer about the contact');
  const deletion = (found as { next: RequestDescriptor }).next;
  assert.deepEqual(forgetPerson.read!(answer(202, { job_id: 'j-9' }), deletion, c), { done: true, message: 'accepted (HTTP 202): SendGrid deletes the contact in a job (job j-9), with its fields and list memberships' });
  assert.match(String((forgetPerson.read!(answer(401, { errors: [{ message: 'authorization required' }] }), lookup, c) as { failed: string }).failed), /^HTTP 401: authorization required: SendGrid refused the lookup of the contact by external_id: check config\.api_key/);
  assert.deepEqual(forgetPerson.read!(answer(429, {}, { 'x-ratelimit-reset': String(NOW / 1000 + 20) }), lookup, c), { retry: 'SendGrid HTTP 429: {}', afterSeconds: 20 });
  assert.equal(forgetPerson.enabled({ api_key: KEY, forward_deletions: false }), false);
});

test('deletions by the emails Signal found for the person: a lookup by email each, besides the external_id\'s; the userId\'s address once; an entry that is no address left out', () => {
  const c = ctx();
  const by = (type: 'external_id' | 'email', identifier: string): RequestDescriptor => ({ method: 'POST', url: `${URL_}/search/identifiers/${type}`, headers: HEADERS, body: { identifiers: [identifier] }, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com'] }, c), [by('email', 'jane@example.com')], 'a visitor whose identify gave an email');
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_1', emails: ['jane@example.com', 'j.doe@work.example'] }, c), [by('external_id', 'u-1'), by('email', 'jane@example.com'), by('email', 'j.doe@work.example')]);
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'jane@example'] }, c), [by('external_id', 'Jane@Example.com'), by('email', 'Jane@Example.com')], 'the userId\'s address looked up once, whatever its case; none without a domain dot');
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: [] }, c), [by('external_id', 'u-1')], 'no email found: the external_id alone, as before');
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: null, emails: ['jane@example.com'] }, c), [by('email', 'jane@example.com')], 'a placeholder userId is not looked up');
});
