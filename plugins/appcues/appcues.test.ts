import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import appcues from './index.ts';
import { NO_USER_ID, PAGE_VIEWS_OFF } from './appcues-record.ts';
import { classifyAppcues } from './classify.ts';
import { validateAppcuesConfig } from './config.ts';
import { forgetPerson, NO_APPCUES_USER, UNSENDABLE_USER_ID } from './forget-person.ts';

const KEY = 'ecf7f10a-3ece-4658-9bc9-d592306697ed-02';
const SECRET = 'f7c6d033-0221-4c7d-bf01-5e28a5c85d27';
const BASIC = `Basic ${Buffer.from(`${KEY}:${SECRET}`).toString('base64')}`;
const HEADERS = { authorization: BASIC, 'content-type': 'application/json', accept: 'application/json' };
const NOW = Date.parse('2024-03-24T16:00:00Z');
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { account_id: '12345', api_key: KEY, api_secret: SECRET, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T15:59:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const page = (overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'page', event: undefined, name: 'Pricing', properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example/pricing?x=1', path: '/pricing', title: 'Pricing', referrer: 'https://google.com/' } }, ...overrides });
const blueprint = readFileSync(new URL('../../blueprints/appcues/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(appcues, { variant: 'default', blueprint }, ctx(config))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const profileRecord = (id: string, userId = 'u-1'): MappedEvent => ({ id, event: identify({}, { messageId: id }), payload: { kind: 'profile', userId, body: { plan: 'pro' } } });
const eventRecord = (id: string, userId = 'u-1'): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'event', userId, body: { name: 'Viewed', timestamp: '2024-03-24T16:00:00.000Z', attributes: {} } } });
const profileRequest = (): RequestDescriptor => appcues.send([profileRecord('p1')], ctx())[0]!;
const eventRequest = (): RequestDescriptor => appcues.send([eventRecord('e1')], ctx())[0]!;

test('identify → the user\'s profile: traits flattened (parent_child), lists, nulls and empty text left out, contact information and the person\'s name left out by default', () => {
  const result = mapped(identify({ plan: 'pro', seats: 3, trial: true, signedUpAt: '2024-03-01T10:00:00Z', company: { name: 'Acme', size: 12 }, tags: ['a'], nothing: null, blank: '', email: 'jane@example.com', phone: '+33 6 12 34 56 78', firstName: 'Jane', name: 'Jane Doe', id: 'u-1' }));
  assert.deepEqual(result.payload, { kind: 'profile', userId: 'u-1', body: { plan: 'pro', seats: 3, trial: true, signedUpAt: '2024-03-01T10:00:00Z', company_name: 'Acme', company_size: 12 } });
  assert.ok(result.warnings?.some((w) => /traits\.tags left out: Appcues ignores lists/.test(w)), JSON.stringify(result.warnings));
});

test('config.send_contact_info keeps email, phone and names in the profile and in event attributes', () => {
  assert.deepEqual(recordOf(identify({ email: 'jane@example.com', name: 'Jane Doe', firstName: 'Jane', plan: 'pro' }), { send_contact_info: true }).body, { email: 'jane@example.com', name: 'Jane Doe', firstName: 'Jane', plan: 'pro' });
  assert.deepEqual(recordOf(browserEvent({ properties: { email: 'jane@example.com', plan: 'pro' } }), { send_contact_info: true }).body, { name: 'Signed Up', timestamp: '2024-03-24T15:59:00.000Z', attributes: { email: 'jane@example.com', plan: 'pro' } });
});

test('an identify with no trait left to update is not sent, with a warning', () => {
  const result = mapped(identify({ email: 'jane@example.com' }));
  assert.equal(result.payload, null);
  assert.equal(result.error, undefined);
  assert.ok(result.warnings?.some((w) => /no trait left to update the profile/.test(w)));
});

test('track → the user\'s event: name as written, the event\'s time as ISO 8601, flat attributes without contact data', () => {
  assert.deepEqual(recordOf(browserEvent({ event: ' Plan Upgraded ', properties: { plan: 'pro', cart: { total: 42, items: [1] }, email: 'x@example.com' } })), {
    kind: 'event', userId: 'u-1', body: { name: 'Plan Upgraded', timestamp: '2024-03-24T15:59:00.000Z', attributes: { plan: 'pro', cart_total: 42 } },
  });
  assert.deepEqual(recordOf(browserEvent({ properties: undefined })).body, { name: 'Signed Up', timestamp: '2024-03-24T15:59:00.000Z', attributes: {} });
});

test('an event name over Appcues\' 127 characters is dead-lettered saying so; 127 is sent', () => {
  assert.match(String(mapped(browserEvent({ event: 'x'.repeat(128) })).error), /the event name is 128 characters long; Appcues takes event names of at most 127/);
  assert.equal(mapped(browserEvent({ event: 'x'.repeat(127) })).error, undefined);
});

test('a record over the 100,000 bytes of one request (flattening repeats parent names in every leaf) is dead-lettered saying its size; one within is sent', () => {
  // ~16 kB as the site sent it; ~111 kB once every leaf carries its parent's 100-character name.
  const children = Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i]));
  const wide = { ['p'.repeat(20)]: children };
  const nested = { ['n'.repeat(100)]: children };
  assert.ok(mapped(browserEvent({ properties: wide })).payload);
  assert.match(String(mapped(browserEvent({ properties: nested })).error), /^this event is 1\d{5} bytes as Appcues would receive it, over the 100000 bytes the plugin sends in one request: leave its largest properties out/);
  assert.match(String(mapped(identify(nested)).error), /^this profile update is 1\d{5} bytes as Appcues would receive it, over the 100000 bytes .* leave its largest traits out/);
});

test('no userId (or a placeholder one): not sent, and neverSends says so before queueing; page calls only with config.send_page_views', () => {
  const anonymous = browserEvent({ userId: undefined });
  assert.equal(appcues.neverSends!(anonymous, ctx()), NO_USER_ID);
  assert.equal(appcues.neverSends!(browserEvent({ userId: 'undefined' }), ctx()), NO_USER_ID);
  assert.equal(mapped(anonymous).payload, null);
  assert.equal(appcues.neverSends!(browserEvent(), ctx()), undefined);
  assert.equal(appcues.neverSends!(identify({ plan: 'pro' }), ctx()), undefined);
  assert.equal(appcues.neverSends!(page(), ctx()), PAGE_VIEWS_OFF);
  assert.equal(mapped(page()).payload, null);
  assert.equal(appcues.neverSends!(page(), ctx({ send_page_views: true })), undefined);
  assert.deepEqual(recordOf(page(), { send_page_views: true }), {
    kind: 'event', userId: 'u-1',
    body: { name: 'Page Viewed', timestamp: '2024-03-24T15:59:00.000Z', attributes: { plan: 'pro', url: 'https://shop.example/pricing?x=1', path: '/pricing', title: 'Pricing', referrer: 'https://google.com/', page_name: 'Pricing' } },
  });
  for (const type of ['screen', 'group', 'alias'] as const) assert.equal(mapped(browserEvent({ type, event: undefined })).payload, null, `${type} not sent by the blueprint`);
});

test('a userId of "." or ".." (which URL parsers drop from a path, sending the request to another endpoint) or over 512 characters is not sent, saying why; its deletion is skipped', () => {
  for (const userId of ['.', ' .. ']) {
    const event = browserEvent({ userId });
    assert.match(String(appcues.neverSends!(event, ctx())), /^not sent to Appcues: the userId "\.{1,2}" cannot be a segment of a URL path/);
    assert.equal(mapped(event).payload, null);
    assert.equal(mapped(identify({ plan: 'pro' }, { userId })).payload, null);
    assert.deepEqual(forgetPerson.request({ userId, anonymousId: null }, ctx()), { skipped: UNSENDABLE_USER_ID });
  }
  assert.match(String(appcues.neverSends!(browserEvent({ userId: 'x'.repeat(513) }), ctx())), /^not sent to Appcues: the userId is 513 characters long; the plugin puts user ids of at most 512 characters in the URL path$/);
  assert.equal(appcues.neverSends!(browserEvent({ userId: 'x'.repeat(512) }), ctx()), undefined);
  assert.deepEqual(forgetPerson.request({ userId: 'x'.repeat(513), anonymousId: null }, ctx()), { skipped: UNSENDABLE_USER_ID });
  // Ids that merely hold dots are ids like any other.
  assert.equal(recordOf(browserEvent({ userId: '...' })).userId, '...');
  assert.equal(appcues.send([eventRecord('e1', 'a..b')], ctx())[0]!.url, 'https://api.appcues.com/v2/accounts/12345/users/a..b/events');
});

test('requests: PATCH …/users/{userId}/profile and POST …/users/{userId}/events, one record each, HTTP Basic with the key and secret, the user id encoded, the region\'s host', () => {
  assert.deepEqual(appcues.send([profileRecord('p1'), eventRecord('e1', 'user 1/ü')], ctx()), [
    { method: 'PATCH', url: 'https://api.appcues.com/v2/accounts/12345/users/u-1/profile', headers: HEADERS, body: { plan: 'pro' }, eventIds: ['p1'] },
    { method: 'POST', url: 'https://api.appcues.com/v2/accounts/12345/users/user%201%2F%C3%BC/events', headers: HEADERS, body: { name: 'Viewed', timestamp: '2024-03-24T16:00:00.000Z', attributes: {} }, eventIds: ['e1'] },
  ]);
  assert.equal(appcues.send([eventRecord('e1')], ctx({ region: 'eu' }))[0]!.url, 'https://api.eu.appcues.com/v2/accounts/12345/users/u-1/events');
  assert.throws(() => appcues.send([{ ...eventRecord('e1'), payload: { name: 'x' } }], ctx()), /holds no Appcues record/);
});

test('classify: 2xx delivered; 400 and 422 dead-lettered with Appcues\' words; 401/403 name the credential fields; 404 names the account and region; 429 throttled after Retry-After; 5xx retried; a proxy\'s page retried', () => {
  assert.deepEqual(classifyAppcues(answer(200, { user_id: 'u-1' }), profileRequest()), { status: 'delivered' });
  assert.deepEqual(classifyAppcues(answer(202, ''), eventRequest()), { status: 'delivered' });
  assert.deepEqual(classifyAppcues(answer(400, { error: true, status: 400, title: 'Bad Request', detail: 'name is required' }), eventRequest()), { status: 'dead_letter', reason: 'Appcues refused the event (HTTP 400: Bad Request — name is required)' });
  assert.deepEqual(classifyAppcues(answer(422, { error: true, status: 422, title: 'Unprocessable Entity' }), profileRequest()), { status: 'dead_letter', reason: 'Appcues refused the profile update (HTTP 422: Unprocessable Entity)' });
  for (const status of [401, 403]) {
    const outcome = classifyAppcues(answer(status, { error: true, status, title: 'Unauthorized' }), eventRequest());
    assert.equal('status' in outcome ? outcome.status : 'perEvent', 'dead_letter');
    assert.match('reason' in outcome ? outcome.reason : '', new RegExp(`^Appcues refused the credentials \\(HTTP ${status}: Unauthorized\\): check config\\.api_key and config\\.api_secret .* config\\.account_id .* config\\.region$`));
  }
  assert.deepEqual(classifyAppcues(answer(404, { error: true, status: 404, title: 'Not Found' }), eventRequest()), { status: 'dead_letter', reason: 'Appcues found nothing at https://api.appcues.com/v2/accounts/12345/users/… (HTTP 404: Not Found): check config.account_id (the number on the Studio account page) and config.region' });
  assert.deepEqual(classifyAppcues(answer(429, { error: true, status: 429, title: 'Too Many Requests' }, { 'Retry-After': '3' }), eventRequest()), { status: 'retry', reason: 'Appcues rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 3000, throttled: true });
  assert.deepEqual(classifyAppcues(answer(503, 'Service Unavailable'), eventRequest()), { status: 'retry', reason: 'Appcues HTTP 503: Service Unavailable' });
  assert.match(JSON.stringify(classifyAppcues(answer(200, '<!DOCTYPE html><html><body>Sign in</body></html>'), eventRequest())), /"status":"retry","reason":"the answer \(HTTP 200 with a web page\) is not Appcues'/);
});

test('config: the schema requires the account, key and secret; validateAppcuesConfig names an account id that is no number, a key pasted with Basic or white space, a secret that is the key again — never repeating a secret', () => {
  const validate = createConfigAjv().compile(appcues.config);
  assert.equal(validate({ account_id: '12345', api_key: KEY, api_secret: SECRET, region: 'eu', send_page_views: true, send_contact_info: false, forward_deletions: true }), true, JSON.stringify(validate.errors));
  assert.equal(validate({ account_id: '12345', api_key: KEY }), false, 'the secret is required');
  assert.equal(validate({ account_id: '12345', api_key: KEY, api_secret: SECRET, region: 'apac' }), false, 'us or eu');
  assert.deepEqual(validateAppcuesConfig({ account_id: '12345', api_key: KEY, api_secret: SECRET }), []);
  assert.deepEqual(validateAppcuesConfig({ account_id: 'acme-inc', api_key: KEY, api_secret: SECRET }), [{ field: 'account_id', message: 'is "acme-inc": give the Appcues account id, the number on the Studio account page (e.g. 12345)' }]);
  assert.deepEqual(validateAppcuesConfig({ account_id: '12345', api_key: `Basic ${KEY}`, api_secret: SECRET }), [{ field: 'api_key', message: 'starts with "Basic ": give the Appcues API key alone, Signal sends the key and secret as HTTP Basic itself' }]);
  const spaced = validateAppcuesConfig({ account_id: '12345', api_key: KEY, api_secret: `${SECRET} extra` });
  assert.deepEqual(spaced.map((p) => p.field), ['api_secret']);
  assert.equal(JSON.stringify(spaced).includes(SECRET), false, 'never repeats the secret');
  assert.deepEqual(validateAppcuesConfig({ account_id: '12345', api_key: KEY, api_secret: KEY }), [{ field: 'api_secret', message: 'is the API key again: give the secret Studio showed with the key when it was created' }]);
});

test('config: a blank (white space only) key or secret, and a key pasted together with its secret as API_KEY:API_SECRET, are refused naming the field, never repeating the secret', () => {
  assert.deepEqual(validateAppcuesConfig({ account_id: '12345', api_key: '        ', api_secret: SECRET }), [{ field: 'api_key', message: 'is blank: give the Appcues API key as Studio showed it (Settings > API Keys)' }]);
  assert.deepEqual(validateAppcuesConfig({ account_id: '12345', api_key: KEY, api_secret: ' \t      ' }), [{ field: 'api_secret', message: 'is blank: give the Appcues API secret as Studio showed it (Settings > API Keys)' }]);
  const pastedTogether = validateAppcuesConfig({ account_id: '12345', api_key: `${KEY}:${SECRET}`, api_secret: SECRET });
  assert.deepEqual(pastedTogether, [{ field: 'api_key', message: 'holds a colon (the key and secret pasted together as API_KEY:API_SECRET?): give the API key alone here and its secret in api_secret' }]);
  assert.equal(JSON.stringify(pastedTogether).includes(SECRET), false, 'never repeats the secret');
  // A colon in the secret is no mistake: HTTP Basic ends only the user name at the first colon.
  assert.deepEqual(validateAppcuesConfig({ account_id: '12345', api_key: KEY, api_secret: `${SECRET}:x` }), []);
});

test('deletions: DELETE …/users/{userId}/profile with HTTP Basic; 204 and 404 done; 401 failed naming the credentials; 429 retried after the wait; no userId skipped; off with forward_deletions false', () => {
  const request = forgetPerson.request({ userId: ' u-1 ', anonymousId: 'df_abc', emails: ['jane@example.com'] }, ctx({ region: 'eu' }));
  assert.deepEqual(request, { method: 'DELETE', url: 'https://api.eu.appcues.com/v2/accounts/12345/users/u-1/profile', headers: { authorization: BASIC, accept: 'application/json' }, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_abc' }, ctx()), { skipped: NO_APPCUES_USER });
  assert.equal(forgetPerson.enabled(ctx().config), true);
  assert.equal(forgetPerson.enabled({ ...ctx().config, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ account_id: '12345', api_key: KEY }), false, 'no secret, no deletion');
  const read = forgetPerson.read!;
  assert.deepEqual(read(answer(204, ''), request as RequestDescriptor, ctx()), { done: true, message: 'accepted (HTTP 204): Appcues deleted the user profile: its properties, experience history and tracked events (activity already in Appcues\' analytics and reports stays)' });
  assert.deepEqual(read(answer(404, { error: true, status: 404, title: 'Not Found' }), request as RequestDescriptor, ctx()), { done: true, message: 'Appcues has no profile for this user (HTTP 404: Not Found): nothing to delete' });
  assert.match(String((read(answer(401, { error: true, status: 401, title: 'Unauthorized' }), request as RequestDescriptor, ctx()) as { failed?: string }).failed), /^HTTP 401: Appcues refused the credentials for the deletion \(Unauthorized\): check config\.api_key and config\.api_secret/);
  assert.deepEqual(read(answer(429, '', { 'retry-after': '5' }), request as RequestDescriptor, ctx()), { retry: 'HTTP 429: Appcues\' deletion failed ((no body))', afterSeconds: 5 });
  assert.deepEqual(read(answer(400, { title: 'Bad Request', detail: 'bad user id' }), request as RequestDescriptor, ctx()), { failed: 'HTTP 400: Appcues refused the deletion (Bad Request — bad user id); delete the user in Studio (Users > the user > Delete) or through the Public API' });
});
