import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import drip from './index.ts';
import { BATCH_RATE_LIMIT_WAIT_MS, classifyDrip, CONCURRENT_SUBSCRIBER_WAIT_MS, dripSaid, SINGLE_RATE_LIMIT_WAIT_MS } from './classify.ts';
import { validateDripConfig } from './config.ts';
import { forgetPerson, NO_EMAIL, USER_ID_NOT_ASKED } from './forget-person.ts';
import { BATCH_ENDPOINT, BATCH_FROM_RECORDS, MAX_RECORDS, SAME_SUBSCRIBER_SPACING_MS } from './requests.ts';

const TOKEN = '7b2c9d0e4f5a6b7c8d9e0f1a2b3c4d5e';
const ACCOUNT = '9999999';
const BASE = `https://api.getdrip.com/v2/${ACCOUNT}`;
const NOW = Date.parse('2024-03-24T16:00:00Z');
const HEADERS = { authorization: `Basic ${Buffer.from(`${TOKEN}:`).toString('base64')}`, 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Signal (drip plugin)' };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_token: TOKEN, account_id: ACCOUNT, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T17:00:00+01:00', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const consenting = { context: { consent: { marketing: true } } };
const blueprint = readFileSync(new URL('../../blueprints/drip/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []) => {
  const result = createEventMapper(drip, { variant: 'default', blueprint }, ctx(config))(event);
  warnings.push(...(result.warnings ?? []));
  return result;
};
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const subscriber = (id: string): MappedEvent => ({ id, event: identify({}, { messageId: id }), payload: { kind: 'subscriber', record: { email: `${id}@example.com`, initial_status: 'unsubscribed' } } });
const ev = (id: string): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'event', record: { email: 'jane@example.com', action: 'Viewed' } } });
const many = (n: number, make: (id: string) => MappedEvent, prefix: string) => Array.from({ length: n }, (_, i) => make(`${prefix}${i}`));
const single = (): RequestDescriptor => drip.send([subscriber('s1')], ctx())[0]!;
const batchRequest = (): RequestDescriptor => drip.send(many(BATCH_FROM_RECORDS, subscriber, 's'), ctx())[0]!;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const waitOf = (c: Classification): number | undefined => ('retryAfterMs' in c ? c.retryAfterMs : undefined);
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

test('identify → a subscriber by email: user_id, standard fields, the traits config.custom_fields names (as text), the config\'s tags and traits.tags; created unsubscribed without marketing consent, status never sent', () => {
  const record = recordOf(identify({
    email: ' Jane@Example.com ', first_name: 'Jane', lastName: 'Doe', phone: '+1 612 555 1212', timezone: 'America/New_York',
    address: { street: '1 Main St', city: 'Minneapolis', state: 'MN', postalCode: '55401', country: 'US' },
    plan: 'pro', seats: 3, secret: 'not mapped', tags: 'Customer, VIP',
  }), { custom_fields: { plan: 'plan_name', seats: 'seats' }, tags: ['Signal'] });
  assert.deepEqual(record, {
    kind: 'subscriber',
    record: {
      email: 'Jane@Example.com', user_id: 'u-1', first_name: 'Jane', last_name: 'Doe', phone: '+1 612 555 1212',
      address1: '1 Main St', city: 'Minneapolis', state: 'MN', zip: '55401', country: 'US', time_zone: 'America/New_York',
      custom_fields: { plan_name: 'pro', seats: '3' }, tags: ['Signal', 'Customer', 'VIP'], initial_status: 'unsubscribed',
    },
  });
  assert.equal(JSON.stringify(record).includes('"status"'), false, 'never status without consent: it would unsubscribe someone');
  assert.equal(JSON.stringify(record).includes('not mapped'), false, 'a trait the config does not name is not sent');
});

test('marketing consent: initial_status active (an existing subscriber keeps theirs); status active only with config.resubscribe_with_consent; a denial anywhere wins; prospect from the config', () => {
  assert.deepEqual(recordOf(identify({ email: 'jane@example.com' }, consenting)).record, { email: 'jane@example.com', user_id: 'u-1', initial_status: 'active' });
  assert.deepEqual(recordOf(identify({ email: 'jane@example.com' }, consenting), { resubscribe_with_consent: true, prospect: false }).record, { email: 'jane@example.com', user_id: 'u-1', prospect: false, status: 'active' });
  const remembered = { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>;
  assert.deepEqual(recordOf(identify({ first_name: 'Jane' }, remembered), { resubscribe_with_consent: true }).record, { email: 'jane@example.com', user_id: 'u-1', first_name: 'Jane', initial_status: 'unsubscribed' },
    'named only by the email Signal remembers (context.traits): never re-subscribed, whatever the config; a person new to Drip not made active');
  const denied = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } }), { resubscribe_with_consent: true });
  assert.deepEqual(denied.record, { email: 'jane@example.com', user_id: 'u-1', initial_status: 'unsubscribed' });
});

test('an identify without an email nor a Drip id is not sent; with traits.drip_id it goes by the id; a malformed email with no id is dead-lettered; a bad time zone is left out, warned', () => {
  const warnings: string[] = [];
  const dropped = mapped(identify({ firstName: 'Jane' }), {}, warnings);
  assert.equal(dropped.payload, null);
  assert.match(warnings.join('\n'), /not sent to Drip: the identify names no subscriber/);
  assert.deepEqual(recordOf(identify({ drip_id: 'z1togz2hcjrkpp5treip' })).record, { id: 'z1togz2hcjrkpp5treip', user_id: 'u-1', initial_status: 'unsubscribed' });
  assert.deepEqual(recordOf(identify({ drip_id: 'z1togz2h', email: 'jane@example.com' })).record, { email: 'jane@example.com', user_id: 'u-1', initial_status: 'unsubscribed' }, 'the email wins: the id is not sent with it');
  assert.match(String(mapped(identify({ email: 'jane@' })).error), /the email "jane@" .* is not an email address Drip accepts/);
  const zoned: string[] = [];
  assert.deepEqual(mapped(identify({ email: 'jane@example.com', timezone: 'Mars/Olympus' }), {}, zoned).payload, { kind: 'subscriber', record: { email: 'jane@example.com', user_id: 'u-1', initial_status: 'unsubscribed' } });
  assert.match(zoned.join('\n'), /time_zone left out: "Mars\/Olympus" is no IANA time zone/);
});

test('track → an event: the remembered email, action as written, flat properties without contact data, occurred_at in UTC', () => {
  const record = recordOf(browserEvent({ properties: { plan: 'pro', cart: { total: 42, items: ['a'] }, email: 'someone@example.com', seats: 3 } }), { prospect: true });
  assert.deepEqual(record, {
    kind: 'event',
    record: { email: 'jane@example.com', action: 'Signed Up', properties: { plan: 'pro', cart_total: 42, seats: 3 }, occurred_at: '2024-03-24T16:00:00.000Z', prospect: true },
  });
});

test('an anonymous visitor\'s track, and page, screen, group and alias calls, are not sent', () => {
  const warnings: string[] = [];
  assert.equal(mapped(browserEvent({ userId: undefined, context: {} }), {}, warnings).payload, null);
  assert.match(warnings.join('\n'), /the event names no subscriber/);
  for (const type of ['page', 'screen', 'group', 'alias'] as const) {
    assert.equal(mapped(browserEvent({ type, event: undefined })).payload, null, type);
    assert.match(String(drip.neverSends?.(browserEvent({ type }), ctx())), /^not sent to Drip/);
  }
  assert.equal(drip.neverSends?.(browserEvent(), ctx()), undefined);
});

test('requests: below 100 records of a kind, one a request to the single endpoints (subscribers first); from 100, batch requests of up to 1,000 to /batches, naming the batches rate-limit endpoint', () => {
  const few = drip.send([ev('e1'), subscriber('s1'), ev('e2')], ctx());
  assert.deepEqual(few.map((r) => [r.method, r.url, r.eventIds, r.endpoint]), [
    ['POST', `${BASE}/subscribers`, ['s1'], undefined],
    ['POST', `${BASE}/events`, ['e1'], undefined],
    ['POST', `${BASE}/events`, ['e2'], undefined],
  ]);
  assert.deepEqual(few[0]!.headers, HEADERS);
  assert.deepEqual(few[0]!.body, { subscribers: [{ email: 's1@example.com', initial_status: 'unsubscribed' }] });
  assert.deepEqual(few[1]!.body, { events: [{ email: 'jane@example.com', action: 'Viewed' }] });

  const lots = drip.send([...many(MAX_RECORDS + BATCH_FROM_RECORDS, subscriber, 's'), ...many(BATCH_FROM_RECORDS - 1, ev, 'e')], ctx());
  const batches = lots.filter((r) => r.endpoint === BATCH_ENDPOINT);
  assert.deepEqual(batches.map((r) => [r.url, r.eventIds.length]), [[`${BASE}/subscribers/batches`, MAX_RECORDS], [`${BASE}/subscribers/batches`, BATCH_FROM_RECORDS]]);
  const body = batches[0]!.body as { batches: Array<{ subscribers: JsonObject[] }> };
  assert.equal(body.batches.length, 1);
  assert.equal(body.batches[0]!.subscribers.length, MAX_RECORDS);
  assert.deepEqual(body.batches[0]!.subscribers[0], { email: 's0@example.com', initial_status: 'unsubscribed' });
  assert.equal(lots.filter((r) => r.url === `${BASE}/events`).length, BATCH_FROM_RECORDS - 1, '99 events go one a request');
  const eventBatch = drip.send(many(BATCH_FROM_RECORDS, ev, 'e'), ctx());
  assert.deepEqual(eventBatch.map((r) => [r.url, r.eventIds.length, r.endpoint]), [[`${BASE}/events/batches`, BATCH_FROM_RECORDS, BATCH_ENDPOINT]]);
  assert.deepEqual(Object.keys((eventBatch[0]!.body as { batches: JsonObject[] }).batches[0]!), ['events']);
});

test('rate limits as declared: 1 a second for the API (3,600 an hour), 50 an hour for the batch endpoints', () => {
  assert.equal(drip.rateLimit.rps, 1);
  assert.equal(Math.round(drip.rateLimit.endpoints![BATCH_ENDPOINT]!.rps * 3600), 50);
  assert.deepEqual(drip.batch, { maxEvents: 1000, maxBytes: 5_000_000 });
});

test('classify: 2xx delivered (a web page retried); 429 a throttled retry (a minute, five for a batch, Retry-After wins); 401/403/404 name the config; a batch\'s 422 split; a single record\'s 422 dead-lettered with Drip\'s words; 5xx retried', () => {
  assert.deepEqual(classifyDrip(answer(200, { subscribers: [{ id: 'z1' }] }), single(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyDrip(answer(204, ''), single(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyDrip(answer(201, {}), batchRequest(), ctx()), { status: 'delivered' });
  assert.equal(statusOf(classifyDrip(answer(200, '<!DOCTYPE html><html><body>Login</body></html>'), single(), ctx())), 'retry');

  const limited = answer(429, { message: 'API rate limit exceeded. Please try again in an hour.', documentation: 'https://www.getdrip.com/docs/rest-api#rate-limting' }, { 'x-ratelimit-limit': '3600', 'x-ratelimit-remaining': '0' });
  assert.deepEqual(classifyDrip(limited, single(), ctx()), { status: 'retry', reason: 'Drip rate limit reached (HTTP 429: API rate limit exceeded. Please try again in an hour.): 3600 requests an hour', retryAfterMs: SINGLE_RATE_LIMIT_WAIT_MS, throttled: true });
  const batchLimited = classifyDrip(answer(429, { message: 'API rate limit exceeded.' }), batchRequest(), ctx());
  assert.equal(waitOf(batchLimited), BATCH_RATE_LIMIT_WAIT_MS);
  const told = classifyDrip(answer(429, { errors: [{ code: 'rate_limit_exceeded', message: 'Rate limit exceeded' }] }, { 'retry-after': '30' }), batchRequest(), ctx());
  assert.equal(waitOf(told), 30_000);

  assert.match(reasonOf(classifyDrip(answer(401, { errors: [{ code: 'authentication_error', message: 'You must be authenticated' }] }), single(), ctx())), /^Drip refused the API token \(HTTP 401: You must be authenticated \(authentication_error\)\): check config\.api_token/);
  assert.match(reasonOf(classifyDrip(answer(403, { errors: [{ code: 'authorization_error', message: 'You are not authorized' }] }), single(), ctx())), /check config\.account_id/);
  assert.match(reasonOf(classifyDrip(answer(404, { errors: [{ code: 'not_found_error', message: 'The resource you requested was not found' }] }), single(), ctx())), /^Drip found no such account .*check config\.account_id/);
  const byId = drip.send([{ ...subscriber('s1'), payload: { kind: 'event', record: { id: 'z1togz2h', action: 'Viewed' } } }], ctx())[0]!;
  assert.match(reasonOf(classifyDrip(answer(404, { errors: [{ code: 'not_found_error', message: 'Not found' }] }), byId, ctx())), /^Drip has no subscriber with this id/);

  const invalid = answer(422, { errors: [{ code: 'email_error', attribute: 'email', message: 'Email is invalid' }] });
  assert.deepEqual(classifyDrip(invalid, single(), ctx()), { status: 'dead_letter', reason: 'Drip refused the subscriber (HTTP 422: Email is invalid (email_error, email))' });
  assert.equal(statusOf(classifyDrip(invalid, batchRequest(), ctx())), 'split');
  assert.equal(statusOf(classifyDrip(answer(413, 'Request Entity Too Large'), batchRequest(), ctx())), 'split');
  assert.equal(statusOf(classifyDrip(answer(503, 'Service Unavailable'), single(), ctx())), 'retry');
  assert.equal(dripSaid(answer(500, '')), '(no body)');
});

test('Drip\'s 429 for concurrent requests to one subscriber is no hourly limit: sent again after a few seconds (a deletion too), Retry-After still wins', () => {
  const concurrent = answer(429, { errors: [{ code: 'too_many_requests', message: 'Too many concurrent requests for the same subscriber' }] });
  const classified = classifyDrip(concurrent, single(), ctx());
  assert.equal(statusOf(classified), 'retry');
  assert.equal(waitOf(classified), CONCURRENT_SUBSCRIBER_WAIT_MS);
  // No rate limit: the core neither slows the integration down nor spares the try.
  assert.equal((classified as { throttled?: boolean }).throttled, false);
  assert.match(reasonOf(classified), /^Drip was still processing another request for this subscriber \(HTTP 429: Too many concurrent requests for the same subscriber \(too_many_requests\)\)/);
  assert.equal(waitOf(classifyDrip(answer(429, { message: 'Too many concurrent requests for the same subscriber' }, { 'retry-after': '10' }), single(), ctx())), 10_000);
  const deletion = forgetPerson.read!(concurrent, { method: 'DELETE', url: `${BASE}/subscribers/jane%40example.com`, headers: HEADERS, eventIds: [] }, ctx());
  assert.deepEqual(deletion, { retry: 'HTTP 429: Too many concurrent requests for the same subscriber (too_many_requests)', afterSeconds: CONCURRENT_SUBSCRIBER_WAIT_MS / 1000 });
});

test('single requests naming a subscriber an earlier request of the send names wait a second more each (Drip refuses concurrent requests for one subscriber); others go at once', () => {
  const identifyJane: MappedEvent = { id: 'i1', event: identify({}, { messageId: 'i1' }), payload: { kind: 'subscriber', record: { email: 'Jane@Example.com', initial_status: 'active' } } };
  const requests = drip.send([identifyJane, ev('e1'), ev('e2'), subscriber('other'), { ...ev('e3'), payload: { kind: 'event', record: { id: 'z1togz2h', action: 'Viewed' } } }], ctx());
  assert.deepEqual(requests.map((r) => [r.eventIds[0], r.delayMs]), [['i1', undefined], ['other', undefined], ['e1', SAME_SUBSCRIBER_SPACING_MS], ['e2', 2 * SAME_SUBSCRIBER_SPACING_MS], ['e3', undefined]]);
  const crowded = drip.send(many(9, ev, 'c'), ctx());
  assert.equal(crowded.at(-1)!.delayMs, 5_000, 'at most the core\'s longest request delay');
  assert.ok(drip.send(many(BATCH_FROM_RECORDS, ev, 'b'), ctx()).every((r) => r.delayMs === undefined), 'a batch request is processed by Drip in the background');
});

test('deletions: DELETE /subscribers/<email> for each email, noting the userId that is no email; none without an email; 204 and 404 done; 429 after five minutes for none said; 401 failed', () => {
  const requests = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com', 'j+work@example.com'] }, ctx());
  assert.ok(!Array.isArray(requests) && 'requests' in requests);
  assert.equal(requests.note, USER_ID_NOT_ASKED);
  assert.deepEqual((requests.requests as RequestDescriptor[]).map((r) => [r.method, r.url]), [
    ['DELETE', `${BASE}/subscribers/jane%40example.com`], ['DELETE', `${BASE}/subscribers/j%2Bwork%40example.com`],
  ]);
  assert.deepEqual((requests.requests as RequestDescriptor[])[0]!.headers, HEADERS);
  const byEmailUserId = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com'] }, ctx());
  assert.ok(Array.isArray(byEmailUserId));
  assert.deepEqual(byEmailUserId.map((r) => r.url), [`${BASE}/subscribers/Jane%40Example.com`], 'the same address once');
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: [] }, ctx()), { skipped: NO_EMAIL });
  const read = forgetPerson.read!;
  assert.deepEqual(read(answer(204, ''), undefined, ctx()), { done: true, message: 'accepted (HTTP 204): Drip deleted the subscriber, with their custom fields, tags and event history' });
  assert.equal('done' in read(answer(404, { errors: [{ code: 'not_found_error', message: 'Not found' }] }), undefined, ctx()), true);
  assert.deepEqual(read(answer(429, { message: 'API rate limit exceeded.' }), undefined, ctx()), { retry: 'HTTP 429: API rate limit exceeded.', afterSeconds: 60 });
  assert.match(String((read(answer(401, { errors: [{ code: 'authentication_error', message: 'Bad token' }] }), undefined, ctx()) as { failed: string }).failed), /check config\.api_token/);
  assert.equal(forgetPerson.enabled({ api_token: TOKEN, account_id: ACCOUNT, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ api_token: TOKEN, account_id: ACCOUNT }), true);
});

test('config: required token and account; a token pasted with "Basic ", an account URL, a bad custom field identifier and a blank tag are refused naming their field', () => {
  const ajv = createConfigAjv();
  const validate = ajv.compile(drip.config);
  assert.equal(validate({ api_token: TOKEN, account_id: ACCOUNT }), true);
  assert.equal(validate({ api_token: TOKEN }), false);
  assert.deepEqual(validateDripConfig({ api_token: TOKEN, account_id: ACCOUNT, custom_fields: { plan: 'plan_name' }, tags: ['Signal'] }), []);
  assert.deepEqual(validateDripConfig({ api_token: `Basic ${TOKEN}`, account_id: 'https://www.getdrip.com/9999999/', custom_fields: { plan: 'plan name' }, tags: [' '] }).map((p) => p.field), ['api_token', 'account_id', 'custom_fields', 'tags']);
  assert.deepEqual(validateDripConfig({ api_token: TOKEN, account_id: 'https://www.getdrip.com/9999999/' }), [
    { field: 'account_id', message: '"https://www.getdrip.com/9999999/" is no Drip account id: give the digits alone (Settings > General > Account ID), e.g. 9999999' },
  ]);
  const problems = validateDripConfig({ api_token: `Basic ${TOKEN}`, account_id: ACCOUNT });
  assert.equal(problems[0]!.message.includes(TOKEN), false, 'never repeats the token');
});

test('a custom field identifier starting with drip_ (Drip reserves them) is refused naming custom_fields, and never sent', () => {
  assert.deepEqual(validateDripConfig({ api_token: TOKEN, account_id: ACCOUNT, custom_fields: { plan: 'drip_plan' } }), [
    { field: 'custom_fields', message: 'maps "plan" to "drip_plan": Drip reserves identifiers starting with "drip_" for itself; pick another (e.g. "plan")' },
  ]);
  const record = recordOf(identify({ email: 'jane@example.com', plan: 'pro', seats: 3 }, consenting), { custom_fields: { plan: 'Drip_Plan', seats: 'seats' } });
  assert.deepEqual((record.record as JsonObject).custom_fields, { seats: '3' });
});
