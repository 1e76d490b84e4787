import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import vero from './index.ts';
import { classifyVero } from './classify.ts';
import { validateVeroConfig } from './config.ts';
import { ANONYMOUS_ONLY, DELETED, forgetPerson } from './forget-person.ts';
import { phoneNumberOf } from './user.ts';

const TOKEN = 'ZmQwMzM2ZDc4NjI5NTFkODZjMDljNTY5YzNlMTlkZjQ6';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const API = 'https://api.getvero.com/api/v2';
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { auth_token: TOKEN, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => { warnings.push(message); },
});
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const granting = { context: { consent: { marketing: true } } };
const denying = { context: { consent: { categoryPreferences: { marketing: false } } } };
const blueprint = readFileSync(new URL('../../blueprints/vero/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []) => {
  const result = createEventMapper(vero, { variant: 'default', blueprint }, ctx(config))(event);
  warnings.push(...(result.warnings ?? []));
  return result;
};
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []): JsonObject => {
  const result = mapped(event, config, warnings);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const requestOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): RequestDescriptor => {
  const one: MappedEvent = { id: event.messageId, event, payload: recordOf(event, config) };
  const requests = vero.send([one], ctx(config));
  assert.equal(requests.length, 1);
  return requests[0]!;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const OK = answer(200, { status: 200, message: 'Success.' });
const statusOf = (c: ClassifyResult): string => ('next' in c ? 'next' : 'status' in c ? c.status : 'perEvent');
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');

test('identify → POST /users/track: id from the userId, email, phone_number in E.164, the other traits as data; the token in the body', () => {
  const request = requestOf(identify({ email: 'Jane@Example.com', phone: '+61 412 345 678', firstName: 'Jane', plan: 'pro', company: { name: 'Acme' }, password: 'x' }));
  assert.equal(request.method, 'POST');
  assert.equal(request.url, `${API}/users/track`);
  assert.deepEqual(request.headers, HEADERS);
  assert.deepEqual(request.body, { auth_token: TOKEN, id: 'u-1', email: 'Jane@Example.com', phone_number: '+61412345678', data: { firstName: 'Jane', plan: 'pro', company: { name: 'Acme' } } });
  assert.equal(request.memo, undefined, 'no consent given: no subscription change');
  assert.equal(request.query, undefined, 'the token never goes in the URL');
});

test('an identify or track without a userId is not sent (Vero keys users by id); a bad email is left out, warned', () => {
  const warnings: string[] = [];
  assert.equal(mapped(identify({ email: 'jane@example.com' }, { userId: undefined }), {}, warnings).payload ?? null, null);
  assert.match(warnings.join('\n'), /no userId/);
  assert.equal(mapped(browserEvent({ userId: null as unknown as undefined })).payload ?? null, null);
  const left: string[] = [];
  assert.deepEqual(recordOf(identify({ email: 'jane@' }), {}, left).body, { id: 'u-1' });
  assert.match(left.join('\n'), /email/);
});

test('subscription changes come from the identify\'s own consent only, each opt-in; remembered traits never re-subscribe', () => {
  const both = { unsubscribe_on_denial: true, resubscribe_with_consent: true };
  assert.equal(recordOf(identify({ email: 'jane@example.com' }, denying), both).subscription, 'unsubscribe');
  assert.equal(recordOf(identify({ email: 'jane@example.com' }, denying)).subscription, undefined, 'off by default');
  assert.equal(recordOf(identify({ email: 'jane@example.com' }, granting), both).subscription, 'resubscribe');
  assert.equal(recordOf(identify({ email: 'jane@example.com' }, granting)).subscription, undefined, 'off by default');
  const warnings: string[] = [];
  const remembered = identify({ firstName: 'Jane' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } });
  const record = recordOf(remembered, both, warnings);
  assert.equal(record.subscription, undefined);
  assert.deepEqual(record.body, { id: 'u-1', email: 'jane@example.com', data: { firstName: 'Jane' } }, 'the remembered email still names the user');
  assert.match(warnings.join('\n'), /remembers/);
  assert.equal(recordOf(identify({ email: 'jane@example.com' }, { context: {} }), both).subscription, undefined, 'no consent stated: no change');
  assert.deepEqual(requestOf(identify({ email: 'jane@example.com' }, denying), both).memo, { subscription: 'unsubscribe', id: 'u-1' });
});

test('track → POST /events/track: identity, event_name, data without contact info plus the messageId, extras.created_at and source', () => {
  const request = requestOf(browserEvent({ properties: { plan: 'pro', total: 42, email: 'other@example.com' } }), { source: 'Signal' });
  assert.equal(request.url, `${API}/events/track`);
  assert.deepEqual(request.body, {
    auth_token: TOKEN, identity: { id: 'u-1', email: 'jane@example.com' }, event_name: 'Signed Up',
    data: { plan: 'pro', total: 42, message_id: 'm-1' }, extras: { created_at: '2024-03-24T16:00:00.000Z', source: 'Signal' },
  });
});

test('deduplication: without properties the messageId goes as check_id; a configured name, or none (Vero\'s own deduplication)', () => {
  assert.deepEqual(recordOf(browserEvent({ properties: {} })).body, { identity: { id: 'u-1', email: 'jane@example.com' }, event_name: 'Signed Up', check_id: 'm-1', extras: { check_id: 'm-1', created_at: '2024-03-24T16:00:00.000Z' } });
  assert.deepEqual((recordOf(browserEvent({ properties: { a: 1 } }), { message_id_property: 'signal_id' }).body as JsonObject).data, { a: 1, signal_id: 'm-1' });
  const off = recordOf(browserEvent({ properties: { a: 1 } }), { message_id_property: '' }).body as JsonObject;
  assert.deepEqual(off.data, { a: 1 });
  assert.equal(off.check_id, undefined);
  const bare = recordOf(browserEvent({ properties: {} }), { message_id_property: '' }).body as JsonObject;
  assert.equal(bare.check_id, undefined, 'turned off: no check_id either');
  assert.deepEqual(bare.extras, { created_at: '2024-03-24T16:00:00.000Z' });
});

test('an event name Vero refuses is dead-lettered naming it', () => {
  const long = mapped(browserEvent({ event: 'x'.repeat(300) }));
  assert.match(long.error ?? '', /less than 255/);
});

test('page calls only under config.page_event_name; screen and group never; alias only with reidentify_on_alias', () => {
  const page = browserEvent({ type: 'page', event: undefined, name: 'Pricing', properties: { url: 'https://example.com/pricing', title: 'Pricing' } });
  assert.match(vero.neverSends!(page, ctx()) ?? '', /page_event_name/);
  assert.equal(mapped(page).payload ?? null, null);
  assert.deepEqual((recordOf(page, { page_event_name: 'Viewed Page' }).body as JsonObject).event_name, 'Viewed Page');
  assert.match(vero.neverSends!(browserEvent({ type: 'screen' }), ctx()) ?? '', /screen/);
  assert.match(vero.neverSends!(browserEvent({ type: 'group' }), ctx()) ?? '', /groups/);

  const alias = browserEvent({ type: 'alias', event: undefined, userId: 'u-new', previousId: 'u-old' });
  assert.match(vero.neverSends!(alias, ctx()) ?? '', /reidentify_on_alias/);
  const request = requestOf(alias, { reidentify_on_alias: true });
  assert.equal(request.method, 'PUT');
  assert.equal(request.url, `${API}/users/reidentify`);
  assert.deepEqual(request.body, { auth_token: TOKEN, id: 'u-old', new_id: 'u-new' });
  const warnings: string[] = [];
  assert.equal(mapped(browserEvent({ type: 'alias', event: undefined, userId: 'u-new', previousId: 'df_abc' }), { reidentify_on_alias: true }, warnings).payload ?? null, null);
  assert.match(warnings.join('\n'), /anonymousId/);
});

test('classify: 2xx delivered, or the subscription follow-up; 401 names config.auth_token; 404 to an alias declined; 429/5xx retried; 400 dead-lettered with Vero\'s message', () => {
  const track = requestOf(browserEvent());
  const c = ctx();
  assert.deepEqual(classifyVero(OK, track, c), { status: 'delivered' });
  assert.equal(statusOf(classifyVero(answer(200, '<html><body>Login</body></html>'), track, c)), 'retry');
  const user = requestOf(identify({ email: 'jane@example.com' }, denying), { unsubscribe_on_denial: true });
  assert.deepEqual(classifyVero(OK, user, ctx({ unsubscribe_on_denial: true })), {
    next: [{ method: 'POST', url: `${API}/users/unsubscribe`, headers: HEADERS, body: { auth_token: TOKEN, id: 'u-1' }, eventIds: [user.eventIds[0]!] }],
  });
  const follow = classifyVero(OK, user, c);
  assert.ok('next' in follow);
  assert.deepEqual(classifyVero(OK, follow.next[0]!, c), { status: 'delivered' }, 'the follow-up itself settles the event');

  const refused = classifyVero(answer(401, { status: 401, message: 'Unauthorized' }), track, c);
  assert.equal(statusOf(refused), 'dead_letter');
  assert.match(reasonOf(refused), /config\.auth_token/);
  const alias = requestOf(browserEvent({ type: 'alias', event: undefined, userId: 'u-new', previousId: 'u-old' }), { reidentify_on_alias: true });
  assert.equal(statusOf(classifyVero(answer(404, { status: 404, message: 'Not Found' }), alias, c)), 'declined');
  const limited = classifyVero(answer(429, 'Too Many Requests', { 'retry-after': '7' }), track, c);
  assert.deepEqual(limited, { status: 'retry', reason: 'Vero rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 7000, throttled: true });
  assert.equal(statusOf(classifyVero(answer(503, ''), track, c)), 'retry');
  assert.deepEqual(classifyVero(answer(400, { status: 400, message: 'Invalid email' }), track, c), { status: 'dead_letter', reason: 'Vero refused the event (HTTP 400: Invalid email)' });
});

test('deletions: POST /users/delete by the userId; an anonymousId alone skipped saying why; 404 done; 429 retried; 401 failed naming the token', () => {
  const c = ctx();
  assert.equal(forgetPerson.enabled(c.config), true);
  assert.equal(forgetPerson.enabled({ ...c.config, forward_deletions: false }), false);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com'] }, c), {
    method: 'POST', url: `${API}/users/delete`, headers: HEADERS, body: { auth_token: TOKEN, id: 'u-1' }, eventIds: [],
  });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc', emails: [] }, c), { skipped: ANONYMOUS_ONLY });
  const del: RequestDescriptor = { method: 'POST', url: `${API}/users/delete`, eventIds: [] };
  assert.deepEqual(forgetPerson.read!(OK, del, c), { done: true, message: `accepted (HTTP 200): ${DELETED}` });
  assert.equal(Object.hasOwn(forgetPerson.read!(answer(404, { status: 404, message: 'Not Found' }), del, c), 'done'), true);
  assert.deepEqual(forgetPerson.read!(answer(429, '', { 'retry-after': '5' }), del, c), { retry: 'HTTP 429: (no body)', afterSeconds: 5 });
  assert.match((forgetPerson.read!(answer(401, { message: 'Unauthorized' }), del, c) as { failed: string }).failed, /config\.auth_token/);
  assert.equal(Object.hasOwn(forgetPerson.read!(answer(200, '<html></html>'), del, c), 'retry'), true);
  assert.deepEqual(forgetPerson.read!(answer(200, ''), del, c), { done: true, message: `accepted (HTTP 200): ${DELETED}` }, 'a 2xx without a body is Vero\'s acceptance, not retried until the deletion fails');
  assert.equal(Object.hasOwn(forgetPerson.read!(answer(404, '<html>Not Found</html>'), del, c), 'retry'), true, 'a 404 that is not Vero\'s says nothing of the user');
});

test('config: the schema takes a full config; validateVeroConfig names a pasted token and a bad property name', () => {
  const validate = createConfigAjv().compile(vero.config);
  assert.equal(validate(JSON.parse(readFileSync(new URL('./conformance-config.json', import.meta.url), 'utf8'))), true, JSON.stringify(validate.errors));
  assert.equal(validate({}), false, 'auth_token required');
  assert.deepEqual(validateVeroConfig({ auth_token: TOKEN }), []);
  assert.deepEqual(validateVeroConfig({ auth_token: `Bearer ${TOKEN}` }).map((p) => p.field), ['auth_token']);
  const problems = validateVeroConfig({ auth_token: TOKEN, message_id_property: 'message id' });
  assert.deepEqual(problems.map((p) => p.field), ['message_id_property']);
  assert.doesNotMatch(JSON.stringify(validateVeroConfig({ auth_token: `Bearer ${TOKEN}` })), new RegExp(TOKEN));
});

test('phone numbers: E.164 once separators are removed, else left out with a warning', () => {
  const warnings: string[] = [];
  assert.equal(phoneNumberOf('+1 (415) 555-0100', ctx({}, warnings)), '+14155550100');
  assert.equal(phoneNumberOf('0412 345 678', ctx({}, warnings)), undefined);
  assert.equal(warnings.length, 1);
});
