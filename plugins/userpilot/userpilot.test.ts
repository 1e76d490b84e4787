import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, ForgetOutcome, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import userpilot, { flatMetadata, NO_USERPILOT_USER, readDeletion, validateUserpilotConfig } from './index.ts';
import { optionsOf } from './config.ts';

const KEY = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const TIME = '2024-03-24T16:00:00.000Z';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: Date.parse(TIME) });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Plan Upgraded', messageId: 'm-1', anonymousId: 'anon-1', timestamp: TIME, receivedAt: TIME,
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', page: { url: 'https://app.example.com/billing?x=1', path: '/billing', title: 'Billing', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/userpilot/default.yaml', import.meta.url), 'utf8');
function mapped(event: CanonicalEvent, config: Record<string, JsonValue> = {}): { payload: JsonObject | null; warnings: string[] } {
  const warnings: string[] = [];
  const result = createEventMapper(userpilot, { variant: 'default', blueprint }, { ...ctx(config), warn: (m) => warnings.push(m) })(event);
  assert.equal(result.error, undefined);
  return { payload: result.payload ?? null, warnings: [...warnings, ...(result.warnings ?? [])] };
}
const payloadOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `dropped: ${result.warnings.join('; ')}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const mappedEvent = (id: string, payload: JsonObject): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload });
const [trackRequest] = userpilot.send([mappedEvent('t1', { user_id: 'u-1', event_name: 'Viewed', metadata: {} })], ctx());
const classify = (response: VendorResponse, request: RequestDescriptor = trackRequest!): Classification => userpilot.classify!(response, request, ctx()) as Classification;
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');

test('track → {user_id, event_name, metadata}: properties flattened to primitives, contact information left out; a site\'s properties cannot choose the user', () => {
  const payload = payloadOf(browserEvent({
    userId: 'user-1',
    properties: { plan: 'pro', seats: 3, trial: false, coupon: null, billing: { cycle: 'yearly', card: { brand: 'visa' } }, tags: ['a', 'b'], items: [{ sku: 'X' }], email: 'jane@example.com', user_id: 'someone-else' },
  }));
  assert.deepEqual(payload, {
    user_id: 'user-1', event_name: 'Plan Upgraded',
    metadata: { plan: 'pro', seats: 3, trial: false, coupon: null, billing_cycle: 'yearly', billing_card_brand: 'visa', tags: 'a, b', user_id: 'someone-else' },
  });
  const { warnings } = mapped(browserEvent({ userId: 'user-1', properties: { items: [{ sku: 'X' }] } }));
  assert.ok(warnings.some((w) => /metadata\.items left out: Userpilot takes text, numbers, booleans and null only/.test(w)), warnings.join(' | '));
});

test('page → Page Viewed with url, path, title, referrer and page_name; screen → Screen Viewed with screen_name', () => {
  const page = payloadOf(browserEvent({ type: 'page', event: undefined, name: 'Billing', userId: 'user-1', properties: { section: 'plans' } } as Partial<CanonicalEvent>));
  assert.deepEqual(page, { user_id: 'user-1', event_name: 'Page Viewed', metadata: { section: 'plans', page_name: 'Billing', url: 'https://app.example.com/billing?x=1', path: '/billing', title: 'Billing', referrer: 'https://www.google.com/' } });
  const screen = payloadOf(browserEvent({ type: 'screen', event: undefined, name: 'Home', userId: 'user-1', properties: { tab: 'feed' } } as Partial<CanonicalEvent>));
  assert.deepEqual(screen, { user_id: 'user-1', event_name: 'Screen Viewed', metadata: { tab: 'feed', screen_name: 'Home' } });
});

test('identify → {user_id, metadata, company: {id}}; email only with config.send_email, phone and address never', () => {
  const event = browserEvent({
    type: 'identify', event: undefined, userId: 'user-1',
    traits: { email: 'jane@example.com', phone: '+44 7700 900123', plan: 'pro', created_at: '2024-01-02T03:04:05Z', address: { city: 'Leeds' }, company: { id: 'c-9' } },
    context: { groupId: 'acct-9' },
  } as Partial<CanonicalEvent>);
  const without = mapped(event);
  assert.deepEqual(without.payload, { user_id: 'user-1', metadata: { plan: 'pro', created_at: '2024-01-02T03:04:05.000Z' }, company: { id: 'acct-9' } });
  assert.ok(without.warnings.some((w) => w.includes('traits.email left out: contact information is sent only when config.send_email is on')));
  assert.deepEqual(payloadOf(event, { send_email: true }), { user_id: 'user-1', metadata: { plan: 'pro', created_at: '2024-01-02T03:04:05.000Z', email: 'jane@example.com' }, company: { id: 'acct-9' } });
  assert.deepEqual(payloadOf(browserEvent({ type: 'identify', event: undefined, userId: 'user-2', traits: { plan: 'free' } } as Partial<CanonicalEvent>)), { user_id: 'user-2', metadata: { plan: 'free' } });
});

test('createdAt → Userpilot\'s reserved created_at (ISO 8601) on users and companies; an identify\'s company from traits.company.id when the context names none', () => {
  const user = payloadOf(browserEvent({ type: 'identify', event: undefined, userId: 'user-1', traits: { createdAt: 1704164645, plan: 'pro', company: { id: 'c-7', name: 'Acme' } } } as Partial<CanonicalEvent>));
  assert.deepEqual(user, { user_id: 'user-1', metadata: { plan: 'pro', created_at: '2024-01-02T03:04:05.000Z' }, company: { id: 'c-7' } });
  const company = payloadOf(browserEvent({ type: 'group', event: undefined, userId: 'user-1', groupId: 'acct-9', traits: { name: 'Acme', createdAt: '2020-05-01' } } as Partial<CanonicalEvent>));
  assert.deepEqual(company, { company_id: 'acct-9', metadata: { name: 'Acme', created_at: '2020-05-01T00:00:00.000Z' } });
  const notADate = mapped(browserEvent({ type: 'identify', event: undefined, userId: 'user-1', traits: { created_at: 'last spring', plan: 'pro' } } as Partial<CanonicalEvent>));
  assert.deepEqual(notADate.payload, { user_id: 'user-1', metadata: { plan: 'pro' } });
  assert.ok(notADate.warnings.some((w) => w.includes('metadata.created_at') && w.includes('"last spring" is not a date')), notADate.warnings.join(' | '));
});

test('group → {company_id, metadata} with the company\'s name kept; alias and visitors without a userId are not sent, saying why', () => {
  const group = payloadOf(browserEvent({ type: 'group', event: undefined, userId: 'user-1', groupId: 'acct-9', traits: { name: 'Acme Ltd', industry: 'SaaS', employees: 120, email: 'billing@acme.example' } } as Partial<CanonicalEvent>));
  assert.deepEqual(group, { company_id: 'acct-9', metadata: { name: 'Acme Ltd', industry: 'SaaS', employees: 120 } });
  assert.equal(mapped(browserEvent({ type: 'alias', event: undefined, userId: 'u-1', previousId: 'anon-1' } as Partial<CanonicalEvent>)).payload, null);
  const anonymous = mapped(browserEvent({ properties: { plan: 'pro' } }));
  assert.equal(anonymous.payload, null);
  assert.ok(anonymous.warnings.some((w) => w.includes('not sent: Userpilot knows users by their user_id, and this track call has no userId')), anonymous.warnings.join(' | '));
  assert.equal(mapped(browserEvent({ type: 'identify', event: undefined, traits: { plan: 'pro' } } as Partial<CanonicalEvent>)).payload, null);
});

test('flatMetadata: non-finite numbers and blank names left out; deep nesting stops at three levels, said', () => {
  const warnings: string[] = [];
  assert.deepEqual(flatMetadata({ a: { b: { c: { d: 1 } } }, '': 'x', n: Number.NaN, ok: 1 }, (m) => warnings.push(m)), { ok: 1 });
  assert.deepEqual(warnings, ['metadata.a_b_c left out: nested deeper than 3 levels']);
  const clash: string[] = [];
  assert.deepEqual(flatMetadata({ billing: { cycle: 'monthly' }, billing_cycle: 'yearly', plan: 'pro' }, (m) => clash.push(m)), { billing_cycle: 'yearly', plan: 'pro' }, 'the value named billing_cycle wins, whatever the order');
  assert.deepEqual(flatMetadata({ billing_cycle: 'yearly', billing: { cycle: 'monthly' } }, () => {}), { billing_cycle: 'yearly' });
  assert.deepEqual(clash, ['metadata.billing_cycle from a nested object left out: the metadata already has a value named billing_cycle']);
});

test('requests: one POST a record to its endpoint, with Token auth and X-API-Version; the EU endpoint when configured', () => {
  const batch = [
    mappedEvent('t1', { user_id: 'u-1', event_name: 'Viewed', metadata: { a: 1 } }),
    mappedEvent('i1', { user_id: 'u-1', metadata: { plan: 'pro' }, company: { id: 'c-1' } }),
    mappedEvent('c1', { company_id: 'c-1', metadata: { name: 'Acme' } }),
  ];
  const requests = userpilot.send(batch, ctx({ endpoint: 'https://analytex-eu.userpilot.io/' }));
  const headers = { 'content-type': 'application/json', accept: 'application/json', authorization: `Token ${KEY}`, 'x-api-version': '2020-09-22' };
  assert.deepEqual(requests, [
    { method: 'POST', url: 'https://analytex-eu.userpilot.io/v1/track', headers, body: batch[0]!.payload, eventIds: ['t1'], endpoint: 'track' },
    { method: 'POST', url: 'https://analytex-eu.userpilot.io/v1/identify', headers, body: batch[1]!.payload, eventIds: ['i1'], endpoint: 'identify' },
    { method: 'POST', url: 'https://analytex-eu.userpilot.io/v1/companies/identify', headers, body: batch[2]!.payload, eventIds: ['c1'], endpoint: 'identify' },
  ]);
  assert.equal(userpilot.send(batch.slice(0, 1), ctx())[0]!.url, 'https://analytex.userpilot.io/v1/track', 'US by default');
});

test('pace: 600 requests a minute to the track API and 600 to the identify API, each in full (the integration\'s bucket is their sum, not one shared 10 a second)', () => {
  assert.deepEqual(userpilot.rateLimit, { rps: 20, burst: 20, endpoints: { track: { rps: 10, burst: 10 }, identify: { rps: 10, burst: 10 } } });
});

test('classify: 2xx delivered; 400 dead-lettered with Userpilot\'s errors; 401/403 name config.api_key; 404 names config.endpoint; 429 and 5xx retried', () => {
  assert.deepEqual(classify(answer(202, '')), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, {})), { status: 'delivered' });
  assert.deepEqual(classify(answer(400, { errors: [{ error: 'Bad Request', error_code: 'invalid_payload', message: 'event_name is required', details: 'event_name is required' }] })),
    { status: 'dead_letter', reason: 'Userpilot refused the event (HTTP 400: invalid_payload: event_name is required)' });
  assert.match(reasonOf(classify(answer(401, { errors: [{ message: 'Invalid API key' }] }))), /^Userpilot refused the API key \(HTTP 401: Invalid API key\): config\.api_key must be the API key of Settings > Environment > API keys \(not the App Token\)/);
  assert.match(reasonOf(classify(answer(403, 'Forbidden'))), /config\.api_key/);
  assert.match(reasonOf(classify(answer(404, 'Not Found'))), /check config\.endpoint/);
  assert.deepEqual(classify(answer(429, 'Too Many Requests', { 'retry-after': '3' })), { status: 'retry', reason: 'Userpilot rate limit reached (HTTP 429: Too Many Requests)', retryAfterMs: 3000, throttled: true });
  assert.equal(reasonOf(classify(answer(503, ''))), 'Userpilot HTTP 503: (no body)');
  assert.match(reasonOf(classify(answer(200, '<!DOCTYPE html><html><body>Sign in</body></html>'))), /^Userpilot's API did not answer \(HTTP 200 with a web page\): check config\.endpoint/);
  const [companyRequest] = userpilot.send([mappedEvent('c1', { company_id: 'c-1', metadata: {} })], ctx());
  assert.equal(reasonOf(classify(answer(400, { message: 'company_id is required' }), companyRequest)), 'Userpilot refused the company (HTTP 400: company_id is required)');
});

test('config: the key pasted with "Token " or white space, and an endpoint that is not a userpilot.io origin, are refused naming the field', () => {
  assert.deepEqual(validateUserpilotConfig({ api_key: KEY }), []);
  assert.deepEqual(validateUserpilotConfig({ api_key: `Token ${KEY}` }), [{ field: 'api_key', message: 'starts with "Token ": give the API key alone, Signal adds the "Token " prefix' }]);
  assert.equal(validateUserpilotConfig({ api_key: `${KEY}\nx` })[0]?.field, 'api_key');
  for (const endpoint of ['http://analytex.userpilot.io', 'https://analytex.userpilot.io/v1/track', 'https://example.com', 'analytex.userpilot.io']) {
    const [problem] = validateUserpilotConfig({ api_key: KEY, endpoint });
    assert.equal(problem?.field, 'endpoint', endpoint);
    assert.match(problem!.message, /must be the https:\/\/….userpilot.io endpoint your Environment page shows, without a path/);
  }
  assert.deepEqual(validateUserpilotConfig({ api_key: KEY, endpoint: 'https://analytex-eu.userpilot.io/' }), []);
  assert.deepEqual(optionsOf({ api_key: ` ${KEY} ` }), { apiKey: KEY, endpoint: 'https://analytex.userpilot.io', sendEmail: false });
});

test('deletions: DELETE /v1/users naming the userId; no userId skipped; answers read', () => {
  const forget = userpilot.forgetPerson!;
  assert.equal(forget.enabled({ api_key: KEY }), true);
  assert.deepEqual(forget.request({ userId: 'u-1', anonymousId: 'anon-1' }, ctx()), {
    method: 'DELETE', url: 'https://analytex.userpilot.io/v1/users',
    headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Token ${KEY}`, 'x-api-version': '2020-09-22' },
    body: { users: ['u-1'] }, eventIds: [],
  });
  assert.deepEqual(forget.request({ userId: null, anonymousId: 'anon-1' }, ctx()), { skipped: NO_USERPILOT_USER });
  const done: ForgetOutcome = readDeletion(answer(202, { message: '1 users scheduled for deletion' }));
  assert.deepEqual(done, { done: true, message: 'Userpilot scheduled the deletion (1 users scheduled for deletion): it deletes users daily at 2:00 UTC' });
  assert.match(('failed' in readDeletion(answer(401, 'Unauthorized')) ? (readDeletion(answer(401, 'Unauthorized')) as { failed: string }).failed : ''), /config\.api_key/);
  assert.ok('retry' in readDeletion(answer(429, 'Too Many Requests')));
  assert.ok('retry' in readDeletion(answer(502, '')));
  assert.deepEqual(readDeletion(answer(400, { message: 'users must be a list' })), { failed: 'Userpilot refused the deletion (HTTP 400: users must be a list)' });
});
