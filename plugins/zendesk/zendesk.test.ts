import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import zendesk from './index.ts';
import { answered } from './answers.ts';
import { classifyZendesk } from './classify.ts';
import { apiBaseOf, authorizationOf, subdomainOf, validateZendeskConfig } from './config.ts';
import { ANONYMOUS_ONLY, forgetPerson } from './forget-person.ts';
import { jobReceipt, jobRequest, readJob } from './job-status.ts';
import { MAX_USERS } from './requests.ts';

const NOW = Date.parse('2024-03-24T16:00:00Z');
const CONFIG = { subdomain: 'acme', email: 'admin@acme.example', api_token: 'tok123' };
const BASIC = `Basic ${Buffer.from('admin@acme.example/token:tok123').toString('base64')}`;
const HEADERS = { authorization: BASIC, accept: 'application/json', 'content-type': 'application/json' };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const track = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Plan Upgraded', messageId: 'm-1', anonymousId: 'df_abc123', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  properties: { plan: 'pro', seats: 3, email: 'x@example.com' }, context: { ip: '203.0.113.42', traits: { email: 'ann@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => track({ type: 'identify', event: undefined, properties: undefined, traits: { email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee', phone: '+44 7700 900123', plan: 'pro', password: 'x' }, ...overrides });
const blueprint = readFileSync(new URL('../../blueprints/zendesk/default.yaml', import.meta.url), 'utf8');
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(zendesk, { variant: 'default', blueprint }, ctx(config))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const send = (events: CanonicalEvent[], config: Record<string, JsonValue> = {}): RequestDescriptor[] => zendesk.send(events.map((e) => ({ id: e.messageId, event: e, payload: recordOf(e, config) })), ctx(config));
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body as JsonValue }) });
const USERS: RequestDescriptor = { method: 'POST', url: 'https://acme.zendesk.com/api/v2/users/create_or_update_many', eventIds: ['m-1'] };
const EVENTS: RequestDescriptor = { method: 'POST', url: 'https://acme.zendesk.com/api/v2/user_profiles/events', eventIds: ['m-1'] };
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const statusOf = (c: ClassifyResult): string => ('status' in c ? c.status : 'other');

test('identify → one end user for Create Or Update Many Users: external_id, email, name from first and last, phone, the listed user fields only; HTTP Basic {email}/token', () => {
  const [request] = send([identify()], { user_fields: ['plan'] });
  assert.deepEqual(request, {
    method: 'POST', url: 'https://acme.zendesk.com/api/v2/users/create_or_update_many', headers: HEADERS,
    body: { users: [{ external_id: 'u-1', email: 'ann@example.com', name: 'Ann Lee', phone: '+44 7700 900123', user_fields: { plan: 'pro' } }] }, eventIds: ['m-1'],
  });
});

test('track → the Events API: profile by external_id and email in the config\'s source and type, event with type, properties without contact info, created_at', () => {
  const [request] = send([track()], { event_source: 'shop', profile_type: 'buyer' });
  assert.deepEqual(request, {
    method: 'POST', url: 'https://acme.zendesk.com/api/v2/user_profiles/events', headers: HEADERS,
    body: {
      profile: { source: 'shop', type: 'buyer', identifiers: [{ type: 'external_id', value: 'u-1' }, { type: 'email', value: 'ann@example.com' }] },
      event: { source: 'shop', type: 'Plan Upgraded', properties: { plan: 'pro', seats: 3 }, created_at: '2024-03-24T16:00:00.000Z' },
    },
    eventIds: ['m-1'],
  });
});

test('not sent: page, anonymous events, tracks when config.send_events is off; the name missing is warned about', () => {
  assert.equal(mapped(track({ type: 'page', event: undefined })).payload ?? null, null);
  assert.equal(mapped(track({ userId: undefined, context: {} })).payload ?? null, null);
  assert.equal(mapped(track(), { send_events: false }).payload ?? null, null);
  const result = mapped(identify({ traits: { email: 'ann@example.com' } }));
  assert.ok(result.payload);
  assert.ok((result.warnings ?? []).some((w) => /no name/.test(w)), JSON.stringify(result.warnings));
});

test('batching: 100 users a request, two identifies of one person merged, events one a request, every event once', () => {
  const people = Array.from({ length: 150 }, (_, i) => identify({ messageId: `m-${i}`, userId: `u-${i}` }));
  const again = identify({ messageId: 'm-again', userId: 'u-0', traits: { name: 'Ann B' } });
  const requests = send([...people, again, track({ messageId: 't-1' })]);
  assert.equal(requests.length, 3);
  assert.equal(MAX_USERS, 100);
  assert.equal(((requests[0]!.body as JsonObject).users as JsonValue[]).length, 100);
  assert.equal(((requests[1]!.body as JsonObject).users as JsonValue[]).length, 50);
  assert.deepEqual(((requests[0]!.body as JsonObject).users as JsonObject[])[0], { external_id: 'u-0', email: 'ann@example.com', name: 'Ann B', phone: '+44 7700 900123' });
  assert.deepEqual(requests[0]!.eventIds.slice(0, 2), ['m-0', 'm-again']);
  assert.deepEqual(requests[2]!.eventIds, ['t-1']);
  assert.equal(requests.flatMap((r) => r.eventIds).length, 152);
});

test('config.bulk_users off (bulk user imports not enabled): one Create Or Update User request a user, answered with the user, no job', () => {
  const requests = send([identify(), identify({ messageId: 'm-2', userId: 'u-2' }), track({ messageId: 'm-3' })], { bulk_users: false, user_fields: ['plan'] });
  assert.deepEqual(requests.map((r) => [r.url, r.eventIds]), [
    ['https://acme.zendesk.com/api/v2/users/create_or_update', ['m-1']],
    ['https://acme.zendesk.com/api/v2/users/create_or_update', ['m-2']],
    ['https://acme.zendesk.com/api/v2/user_profiles/events', ['m-3']],
  ]);
  assert.deepEqual(requests[0]!.body, { user: { external_id: 'u-1', email: 'ann@example.com', name: 'Ann Lee', phone: '+44 7700 900123', user_fields: { plan: 'pro' } } });
  const single = requests[0]!;
  // 201 created / 200 updated with the user: delivered, and no job to follow.
  const created = answer(201, { user: { id: 9, external_id: 'u-1', role: 'end-user' } });
  assert.deepEqual(classifyZendesk(created, single, ctx()), { status: 'delivered' });
  assert.equal(jobReceipt(created, single), undefined);
  // A 2xx without the user is no answer of Zendesk's.
  assert.equal(statusOf(classifyZendesk(answer(200, '<html>portal</html>'), single, ctx())), 'retry');
  // A 403 to one user is the agent's role, not bulk imports.
  const refused = reasonOf(classifyZendesk(answer(403, { error: 'Forbidden' }), single, ctx()));
  assert.match(refused, /may not manage end users/);
  assert.doesNotMatch(refused, /bulk/);
});

test('classify: 2xx delivered, 429 retried after Retry-After, 5xx retried, 413 split', () => {
  assert.deepEqual(classifyZendesk(answer(200, { job_status: { id: 'j1', status: 'queued' } }), USERS, ctx()), { status: 'delivered' });
  assert.deepEqual(classifyZendesk(answer(202, ''), EVENTS, ctx()), { status: 'delivered' });
  assert.equal(statusOf(classifyZendesk(answer(200, '<html>Login</html>'), USERS, ctx())), 'retry', 'a 2xx without a job_status is no answer of Zendesk\'s');
  const limited = classifyZendesk(answer(429, 'Rate limited', { 'retry-after': '30' }), USERS, ctx());
  assert.equal(statusOf(limited), 'retry');
  assert.equal((limited as { retryAfterMs?: number }).retryAfterMs, 30_000);
  assert.equal(statusOf(classifyZendesk(answer(503, 'Service Unavailable'), USERS, ctx())), 'retry');
  assert.equal(statusOf(classifyZendesk(answer(413, 'too large'), USERS, ctx())), 'split');
});

test('classify: 401 names the credential fields, 403 the agent\'s role or the Events API, 422 RecordInvalid the fields', () => {
  const unauthorized = classifyZendesk(answer(401, { error: "Couldn't authenticate you" }), USERS, ctx());
  assert.equal(statusOf(unauthorized), 'dead_letter');
  assert.match(reasonOf(unauthorized), /^HTTP 401: Couldn't authenticate you: Zendesk refused the credential: check config\.email and config\.api_token/);
  assert.match(reasonOf(classifyZendesk(answer(401, { error: 'invalid_token' }), USERS, ctx({ oauth_access_token: 'o' }))), /config\.oauth_access_token/);
  assert.match(reasonOf(classifyZendesk(answer(403, { error: 'Forbidden', description: 'You do not have access to this page.' }), USERS, ctx())), /bulk user imports are off by default .*Zendesk Customer Support.*config\.bulk_users.*may not manage end users/);
  assert.match(reasonOf(classifyZendesk(answer(403, { error: 'Forbidden' }), EVENTS, ctx())), /Events API is not available.*config\.send_events/);
  const invalid = classifyZendesk(answer(422, { error: 'RecordInvalid', description: 'Record validation errors', details: { email: [{ description: 'Email: ann@ is not properly formatted', error: 'InvalidFormat' }] } }), USERS, ctx());
  assert.equal(statusOf(invalid), 'dead_letter');
  assert.equal(reasonOf(invalid), 'HTTP 422: RecordInvalid: Record validation errors — email: Email: ann@ is not properly formatted: Zendesk found email invalid');
  assert.match(reasonOf(classifyZendesk(answer(422, { error: 'RecordInvalid', details: { user_fields: [{ description: 'plan is not a valid user field' }] } }), USERS, ctx())), /config\.user_fields/);
  assert.equal(answered(answer(400, 'plain words')), 'HTTP 400: plain words');
  // The Events API's errors (its documented 400): dead-lettered with their codes and titles.
  const badEvent = classifyZendesk(answer(400, { errors: [{ code: 'StartTimestampNotValid', id: 'c21d8981', title: 'Start Timestamp not valid' }] }), EVENTS, ctx());
  assert.deepEqual(badEvent, { status: 'dead_letter', reason: 'HTTP 400: StartTimestampNotValid: Start Timestamp not valid' });
  // Its documented 202: delivered.
  assert.deepEqual(classifyZendesk(answer(202, { profile_id: '01E1DPYAA7HW7645KMJEY9CXRJ', status: 'received', user_id: '123456' }), EVENTS, ctx()), { status: 'delivered' });
});

test('job status report: the receipt from Create Or Update Many Users only; queued/working pending; completed counts failed users by reason', () => {
  assert.equal(jobReceipt(answer(200, { job_status: { id: '82de0b04', status: 'queued' } }), USERS), '82de0b04');
  assert.equal(jobReceipt(answer(202, ''), EVENTS), undefined);
  assert.equal(jobReceipt(answer(200, { job_status: { id: '../x' } }), USERS), undefined);
  assert.deepEqual(jobRequest('82de0b04', ctx()), { method: 'GET', url: 'https://acme.zendesk.com/api/v2/job_statuses/82de0b04', headers: { authorization: BASIC, accept: 'application/json' }, eventIds: [] });
  assert.deepEqual(readJob(answer(200, { job_status: { id: 'j', status: 'working' } }), 'j'), { pending: true, message: 'job j working' });
  assert.deepEqual(readJob(answer(200, { job_status: { id: 'j', status: 'completed', total: 3, results: [
    { id: 1, status: 'Created' }, { id: 2, status: 'Updated' }, { id: 3, status: 'Failed', error: 'UserUpdateError', details: 'Email: x is not properly formatted' },
  ] } }), 'j'), { done: true, failed: 1, message: 'Zendesk completed job j: 1 created, 1 updated, 1 failed (1 × UserUpdateError — Email: x is not properly formatted)' });
  assert.deepEqual(readJob(answer(200, { job_status: { id: 'j', status: 'failed', total: 2, message: 'boom' } }), 'j'), { done: true, failed: 2, message: 'Zendesk failed job j: boom' });
  assert.deepEqual(readJob(answer(200, { job_status: { id: 'j', status: 'killed', total: 3, results: null } }), 'j'), { done: true, failed: 3, message: 'Zendesk killed job j' });
});

test('config: schema and checks name their fields', () => {
  const ajv = createConfigAjv();
  assert.ok(ajv.validate(zendesk.config, { ...CONFIG, user_fields: ['plan'] }), JSON.stringify(ajv.errors));
  assert.deepEqual(validateZendeskConfig(CONFIG), []);
  assert.equal(subdomainOf({ subdomain: 'https://Acme.zendesk.com/' }), 'acme');
  assert.deepEqual(validateZendeskConfig({ subdomain: 'acme' }), [{ field: 'api_token', message: 'a credential is required: config.email with config.api_token, or config.oauth_access_token' }]);
  assert.deepEqual(validateZendeskConfig({ subdomain: 'acme', email: 'a@b.co' }), [{ field: 'api_token', message: 'is required with config.email (or give config.oauth_access_token instead)' }]);
  assert.deepEqual(validateZendeskConfig({ subdomain: 'ac me', oauth_access_token: 'Bearer x', event_source: 'Zendesk' }).map((p) => p.field), ['subdomain', 'oauth_access_token', 'event_source']);
  assert.deepEqual(validateZendeskConfig({ ...CONFIG, api_token: 'a b', email: 'admin/token' }).map((p) => p.field), ['email', 'api_token']);
  assert.equal(authorizationOf({ oauth_access_token: 'o1' }), 'Bearer o1');
  // Only *.zendesk.com is ever asked, even for a config that skipped validateConfig.
  assert.equal(apiBaseOf({ subdomain: 'Acme.zendesk.com' }), 'https://acme.zendesk.com');
  for (const subdomain of ['evil.example#', 'evil.example?', 'a@evil.example', 'acme.zendesk.com.evil.example', '']) assert.throws(() => apiBaseOf({ subdomain }), /config\.subdomain/);
});

test('deletions: search by external_id → DELETE /users/{id} → DELETE /deleted_users/{id}; an email userId searched by email too; agents never deleted', () => {
  const [search, ...more] = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc123' }, ctx()) as RequestDescriptor[];
  assert.deepEqual(search, { method: 'GET', url: 'https://acme.zendesk.com/api/v2/users/search', query: [['external_id', 'u-1']], headers: { authorization: BASIC, accept: 'application/json' }, eventIds: [] });
  assert.deepEqual(more, []);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc123' }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc123', emails: [] }, ctx()), { skipped: ANONYMOUS_ONLY });
  const del = forgetPerson.read!(answer(200, { users: [{ id: 35436, role: 'end-user', external_id: 'u-1' }], count: 1 }), search!, ctx());
  assert.ok('next' in del);
  assert.equal(del.next.method, 'DELETE');
  assert.equal(del.next.url, 'https://acme.zendesk.com/api/v2/users/35436');
  assert.deepEqual(del.next.headers, { authorization: BASIC, accept: 'application/json', 'content-type': 'application/json' });
  const permanent = forgetPerson.read!(answer(200, { user: { id: 35436, active: false } }), del.next, ctx());
  assert.ok('next' in permanent);
  assert.equal(permanent.next.url, 'https://acme.zendesk.com/api/v2/deleted_users/35436');
  assert.deepEqual(permanent.next.headers, HEADERS);
  assert.deepEqual(forgetPerson.read!(answer(200, { deleted_user: { id: 35436 } }), permanent.next, ctx()), { done: true, message: 'deleted (HTTP 200): Zendesk permanently deleted the user' });
  assert.ok('done' in forgetPerson.read!(answer(200, { users: [], count: 0 }), search!, ctx()));
  assert.ok('failed' in forgetPerson.read!(answer(200, { users: [{ id: 7, role: 'admin' }] }), search!, ctx()));
  // A user without a role is never taken for an end user.
  assert.ok('failed' in forgetPerson.read!(answer(200, { users: [{ id: 8 }] }), search!, ctx()));
  // An email userId: two chains of three requests each (the core follows at most three in a row).
  const chains = forgetPerson.request({ userId: 'ann@example.com', anonymousId: null }, ctx());
  assert.ok(Array.isArray(chains) && chains.length === 2);
  const [byExternalId, byEmail] = chains as RequestDescriptor[];
  assert.deepEqual(byExternalId!.query, [['external_id', 'ann@example.com']]);
  assert.deepEqual(byEmail!.query, [['query', 'email:ann@example.com']]);
  assert.deepEqual(byEmail!.headers, { authorization: BASIC, accept: 'application/json' });
  assert.deepEqual(forgetPerson.read!(answer(200, { users: [] }), byExternalId, ctx()), { done: true, message: 'no Zendesk user has this userId as external_id: nothing to delete' });
  const found = forgetPerson.read!(answer(200, { users: [{ id: 9, role: 'end-user', email: 'other@example.com' }, { id: 10, role: 'end-user', email: 'Ann@Example.com' }] }), byEmail, ctx());
  assert.ok('next' in found && found.next.url.endsWith('/api/v2/users/10'));
  // The core hands read the answer with the person's ids hidden ("[…]"): that email is the userId's.
  const hidden = forgetPerson.read!(answer(200, { users: [{ id: 12, role: 'end-user', email: '[…]', external_id: '[…]' }] }), byEmail, ctx());
  assert.ok('next' in hidden && hidden.next.url.endsWith('/api/v2/users/12'));
  // The user of that email with the same external_id (any case) is deleted; one with another external_id is another person.
  assert.ok('next' in forgetPerson.read!(answer(200, { users: [{ id: 10, role: 'end-user', email: 'ann@example.com', external_id: 'ANN@example.com' }] }), byEmail, ctx()));
  assert.deepEqual(forgetPerson.read!(answer(200, { users: [{ id: 11, role: 'end-user', email: 'ann@example.com', external_id: 'u-77' }] }), byEmail, ctx()), { done: true, message: 'the Zendesk user with this email (id 11) has another external_id, so is another person of yours: not deleted' });
  // A 429 waits for Zendesk's Retry-After.
  assert.deepEqual(forgetPerson.read!(answer(429, 'Too Many Requests', { 'retry-after': '93' }), permanent.next, ctx()), { retry: 'HTTP 429: Too Many Requests', afterSeconds: 93 });
  assert.ok('retry' in forgetPerson.read!(answer(429, 'slow down'), search!, ctx()));
  assert.match(('failed' in (forgetPerson.read!(answer(401, { error: "Couldn't authenticate you" }), search!, ctx()))) ? (forgetPerson.read!(answer(401, { error: "Couldn't authenticate you" }), search!, ctx()) as { failed: string }).failed : '', /config\.email and config\.api_token/);
  assert.equal(forgetPerson.enabled(ctx({ forward_deletions: false }).config), false);
});

test('deletions by the emails Signal found for the person: a search by email each (a chain each), after the external_id\'s; the userId\'s address once; an entry that is no address left out; a user of the userId\'s external_id deleted', () => {
  const by = (query: [string, string]): RequestDescriptor => ({ method: 'GET', url: 'https://acme.zendesk.com/api/v2/users/search', query: [query], headers: { authorization: BASIC, accept: 'application/json' }, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc123', emails: ['ann@example.com'] }, ctx()), [by(['query', 'email:ann@example.com'])], 'a visitor whose identify gave an email');
  const chains = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc123', emails: ['ann@example.com', 'a.smith@work.example'] }, ctx()) as RequestDescriptor[];
  assert.deepEqual(chains, [by(['external_id', 'u-1']), by(['query', 'email:ann@example.com']), by(['query', 'email:a.smith@work.example'])]);
  assert.deepEqual(forgetPerson.request({ userId: 'Ann@Example.com', anonymousId: null, emails: ['ann@example.com', 'ann@example'] }, ctx()), [by(['external_id', 'Ann@Example.com']), by(['query', 'email:Ann@Example.com'])], 'the userId\'s address once, whatever its case; none without a domain dot');
  // The core hides the person's ids and emails in the answer: the user of that email whose
  // external_id is the userId reads "[…]" for both, and is the person.
  const hidden = forgetPerson.read!(answer(200, { users: [{ id: 21, role: 'end-user', email: '[…]', external_id: '[…]' }] }), chains[1], ctx());
  assert.ok('next' in hidden && hidden.next.url.endsWith('/api/v2/users/21'));
  assert.deepEqual(forgetPerson.read!(answer(200, { users: [{ id: 22, role: 'end-user', email: '[…]', external_id: 'u-77' }] }), chains[1], ctx()), { done: true, message: 'the Zendesk user with this email (id 22) has another external_id, so is another person of yours: not deleted' });
  assert.deepEqual(forgetPerson.read!(answer(200, { users: [] }), chains[2], ctx()), { done: true, message: 'no Zendesk user has this email: nothing to delete' });
});
