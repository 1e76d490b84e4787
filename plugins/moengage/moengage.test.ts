import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createConfigAjv, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import moengage, { validateMoengageConfig } from './index.ts';
import { CONFIG_SCHEMA } from './config.ts';
import { NO_MOENGAGE_USER } from './forget-person.ts';
import { DATA_CENTER_ORIGINS, DATA_CENTERS } from './hosts.ts';
import { customerIdOf, MAX_REQUEST_BYTES, timezoneOffsetOf } from './moengage-element.ts';

const WORKSPACE = 'VJ0GSMESHMQA3L7WV1EEK3UR';
const KEY = 'data-key-1234567';
const AUTH = `Basic ${Buffer.from(`${WORKSPACE}:${KEY}`).toString('base64')}`;
const TIME = '2024-03-24T16:00:00.250Z';
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { workspace_id: WORKSPACE, data_api_key: KEY, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: Date.parse(TIME) + 5000 });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'anon-1', timestamp: TIME, receivedAt: '2024-03-24T16:00:00.300Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Test)', timezone: 'Asia/Kolkata', page: { url: 'https://shop.example.com/signup', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/' }, campaign: { source: 'news' } },
  ...overrides,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/moengage/default.yaml', import.meta.url), 'utf8');
function mapped(event: CanonicalEvent): { payload: JsonObject | null; error?: string; warnings: string[] } {
  const warnings: string[] = [];
  const result = createEventMapper(moengage, { variant: 'default', blueprint }, { ...ctx(), warn: (m) => warnings.push(m) })(event);
  return { payload: result.payload ?? null, ...(result.error ? { error: result.error } : {}), warnings: [...warnings, ...(result.warnings ?? [])] };
}
const payloadOf = (event: CanonicalEvent): JsonObject => {
  const result = mapped(event);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'} ${result.warnings.join('; ')}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body as JsonValue }) });
const element = (id: string, customerId = `u-${id}`): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { type: 'event', customer_id: customerId, actions: [{ action: 'Viewed', attributes: {}, current_time: '2024-03-24T16:00:00Z' }] } });
const classify = (response: VendorResponse, request: RequestDescriptor): ClassifyResult => moengage.classify!(response, request, ctx());
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const statusOf = (c: ClassifyResult): string => ('status' in c ? c.status : 'perEvent' in c ? 'perEvent' : 'next');
const one = moengage.send([element('e1')], ctx())[0]!;
const two = moengage.send([element('e1'), element('e2')], ctx())[0]!;

test('track: an event element — the userId as customer_id, action, attributes, platform web, UTC time to the second, the time zone\'s offset', () => {
  const payload = payloadOf(browserEvent({ userId: 'user-1', properties: { plan: 'pro', price: 9.5, customer_id: 'someone-else' } }));
  assert.deepEqual(payload, {
    type: 'event', customer_id: 'user-1',
    actions: [{ action: 'Signed Up', attributes: { utm_source: 'news', plan: 'pro', price: 9.5, customer_id: 'someone-else' }, platform: 'web', current_time: '2024-03-24T16:00:00Z', user_timezone_offset: 19800 }],
  });
});

test('page → Page Viewed with url, path, title, referrer, page_name; screen → Screen Viewed, platform from the app\'s OS', () => {
  const page = payloadOf(browserEvent({ type: 'page', event: undefined, name: 'Pricing', userId: 'user-1', properties: {} } as Partial<CanonicalEvent>));
  const [action] = page.actions as JsonObject[];
  assert.equal(action!.action, 'Page Viewed');
  assert.deepEqual(action!.attributes, { utm_source: 'news', url: 'https://shop.example.com/signup', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/', page_name: 'Pricing' });
  const screen = payloadOf(browserEvent({ type: 'screen', event: undefined, name: 'Home', userId: 'user-1', properties: { tab: 'feed' }, context: { app: { version: '4.2.0' }, os: { name: 'iOS' }, device: { type: 'ios' } } } as Partial<CanonicalEvent>));
  assert.deepEqual(screen.actions, [{ action: 'Screen Viewed', attributes: { tab: 'feed', screen_name: 'Home' }, platform: 'iOS', app_version: '4.2.0', current_time: '2024-03-24T16:00:00Z' }]);
  const android = payloadOf(browserEvent({ userId: 'u', context: { app: { version: '1' }, os: { name: 'Android' } } } as Partial<CanonicalEvent>));
  assert.equal((android.actions as JsonObject[])[0]!.platform, 'ANDROID');
});

test('identify: a customer element with MoEngage\'s standard attribute names; ids and Segment\'s address left out', () => {
  const payload = payloadOf(browserEvent({ type: 'identify', event: undefined, userId: 'user-2', traits: { name: 'Jane Doe', firstName: 'Jane', lastName: 'Doe', email: 'jane@example.com', phone: '+447700900123', gender: 'female', birthday: '1990-04-01', plan: 'premium', id: 'internal-7', moe_flag: true } } as Partial<CanonicalEvent>));
  assert.deepEqual(payload, {
    type: 'customer', customer_id: 'user-2',
    attributes: { name: 'Jane Doe', email: 'jane@example.com', gender: 'female', plan: 'premium', first_name: 'Jane', last_name: 'Doe', mobile: '+447700900123', birthday: '1990-04-01' },
  });
  assert.match(mapped(browserEvent({ type: 'identify', event: undefined, userId: 'user-2', traits: { moe_flag: true, plan: 'x' } } as Partial<CanonicalEvent>)).warnings.join('\n'), /moe_ prefix.*moe_flag/);
  // MoEngage blocks "id", "_id" and "" as user attribute names.
  const blocked = mapped(browserEvent({ type: 'identify', event: undefined, userId: 'user-2', traits: { _id: 'mongo-1', '': 'empty', plan: 'x' } } as Partial<CanonicalEvent>));
  assert.deepEqual(blocked.payload, { type: 'customer', customer_id: 'user-2', attributes: { plan: 'x' } });
  assert.match(blocked.warnings.join('\n'), /blocks these as user attribute names: "_id", ""/);
});

test('no userId, or one MoEngage refuses: not sent, with a warning; a moe_ event name is dead-lettered', () => {
  const anonymous = mapped(browserEvent());
  assert.equal(anonymous.payload, null);
  assert.match(anonymous.warnings.join('\n'), /not sent: MoEngage needs the user's ID \(customer_id, the userId\)/);
  const guest = mapped(browserEvent({ userId: 'guest' }));
  assert.equal(guest.payload, null);
  assert.match(guest.warnings.join('\n'), /refuses "guest"/);
  assert.equal(customerIdOf('user_attribute_unique_id'), undefined);
  assert.equal(customerIdOf(' u-9 '), 'u-9');
  assert.match(mapped(browserEvent({ userId: 'u', event: 'moe_internal' })).error ?? '', /moe_ prefix/);
  const empty = mapped(browserEvent({ type: 'identify', event: undefined, userId: 'u', traits: {} } as Partial<CanonicalEvent>));
  assert.equal(empty.payload, null);
});

test('time zone offsets: IANA names at the event\'s time (daylight saving included); unknown zones left out with a warning', () => {
  assert.equal(timezoneOffsetOf('Asia/Kolkata', Date.parse(TIME)), 19800);
  assert.equal(timezoneOffsetOf('America/New_York', Date.parse('2024-01-15T12:00:00Z')), -18000);
  assert.equal(timezoneOffsetOf('America/New_York', Date.parse('2024-07-15T12:00:00Z')), -14400);
  assert.equal(timezoneOffsetOf('UTC', 0), 0);
  assert.equal(timezoneOffsetOf('Mars/Olympus', 0), undefined);
  const result = mapped(browserEvent({ userId: 'u', context: { timezone: 'Mars/Olympus' } } as Partial<CanonicalEvent>));
  assert.equal('user_timezone_offset' in ((result.payload!.actions as JsonObject[])[0]!), false);
  assert.match(result.warnings.join('\n'), /Mars\/Olympus/);
});

test('an element larger than 100 KB alone is dead-lettered when mapped', () => {
  const result = mapped(browserEvent({ userId: 'u', properties: { blob: 'x'.repeat(MAX_REQUEST_BYTES) } }));
  assert.match(result.error ?? '', /at most 100 KB a request/);
});

test('send: one Bulk Import request — Basic auth, MOE-APPKEY, {type transition, elements}; the data center\'s host', () => {
  assert.equal(one.method, 'POST');
  assert.equal(one.url, `https://api-01.moengage.com/v1/transition/${WORKSPACE}`);
  assert.deepEqual(one.headers, { 'content-type': 'application/json', authorization: AUTH, 'moe-appkey': WORKSPACE });
  assert.deepEqual(one.body, { type: 'transition', elements: [element('e1').payload] });
  assert.deepEqual(one.eventIds, ['e1']);
  for (const dc of DATA_CENTERS) {
    assert.equal(moengage.send([element('e1')], ctx({ data_center: dc }))[0]!.url, `${DATA_CENTER_ORIGINS[dc]}/v1/transition/${WORKSPACE}`);
    assert.equal(DATA_CENTER_ORIGINS[dc], `https://api-${dc}.moengage.com`);
  }
  // MoEngage's API reference: "Your MoEngage Data Center (DC) can be 01, 02, 03, 04, 05, 06, or 101".
  assert.deepEqual([...DATA_CENTERS], ['01', '02', '03', '04', '05', '06', '101']);
  assert.equal(moengage.send([element('e1')], ctx({ data_center: '101' }))[0]!.url, `https://api-101.moengage.com/v1/transition/${WORKSPACE}`);
});

test('send: at most 100 elements and 100 KB a request, each element once, in order', () => {
  const many = Array.from({ length: 250 }, (_, i) => element(`e${i}`));
  const requests = moengage.send(many, ctx());
  assert.deepEqual(requests.map((r) => r.eventIds.length), [100, 100, 50]);
  assert.deepEqual(requests.flatMap((r) => r.eventIds), many.map((e) => e.id));
  const big = Array.from({ length: 30 }, (_, i) => ({ ...element(`b${i}`), payload: { type: 'customer', customer_id: `u${i}`, attributes: { note: 'y'.repeat(10_000) } } }));
  const sized = moengage.send(big, ctx());
  for (const request of sized) assert.ok(Buffer.byteLength(JSON.stringify(request.body)) <= MAX_REQUEST_BYTES);
  assert.deepEqual(sized.flatMap((r) => r.eventIds), big.map((e) => e.id));
});

test('classify: 200 success delivered; a 2xx saying fail split or dead-lettered; a web page names the data center', () => {
  assert.deepEqual(classify(answer(200, { status: 'success', message: 'Your request has been accepted and will be processed soon.' }), two), { status: 'delivered' });
  assert.deepEqual(classify(answer(200, ''), one), { status: 'delivered' });
  assert.equal(statusOf(classify(answer(200, { status: 'fail', error: { type: 'Bad Request', message: 'invalid element' } }), two)), 'split');
  assert.deepEqual(classify(answer(200, { status: 'fail', error: { type: 'Bad Request', message: 'invalid element' } }), one), { status: 'dead_letter', reason: 'MoEngage refused the element (HTTP 200: Bad Request: invalid element)' });
  assert.match(reasonOf(classify(answer(200, '<!doctype html><html></html>', { 'content-type': 'text/html' }), one)), /web page.*config\.data_center \(01: https:\/\/api-01\.moengage\.com\)/);
});

test('classify: 400 dead-lettered with MoEngage\'s words; 401 names the credentials and data center; 404; 413', () => {
  const refusal = { status: 'fail', error: { message: 'customer_id is mandatory', type: 'Bad Request', request_id: 'r-1' } };
  assert.deepEqual(classify(answer(400, refusal), two), { status: 'dead_letter', reason: 'MoEngage refused the bulk import (HTTP 400: Bad Request: customer_id is mandatory)' });
  assert.deepEqual(classify(answer(400, refusal), one), { status: 'dead_letter', reason: 'MoEngage refused the element (HTTP 400: Bad Request: customer_id is mandatory)' });
  const denied = classify(answer(401, { status: 'fail', error: { message: 'Invalid credentials', type: 'Authentication required' } }), two);
  assert.equal(statusOf(denied), 'dead_letter');
  assert.equal(reasonOf(denied), 'MoEngage refused the credentials (HTTP 401: Authentication required: Invalid credentials): config.workspace_id must be the Workspace ID and config.data_api_key its Data API key (Settings > Account > APIs; a key generated since replaces the old one), and config.data_center (01: https://api-01.moengage.com) must be the workspace\'s data center, the number in its dashboard\'s address (dashboard-NN.moengage.com)');
  assert.equal(statusOf(classify(answer(403, 'Forbidden'), one)), 'dead_letter');
  assert.match(reasonOf(classify(answer(404, 'Not Found'), one)), /config\.workspace_id must be the Workspace ID/);
  assert.equal(statusOf(classify(answer(413, 'Request Entity Too Large'), two)), 'split');
  assert.match(reasonOf(classify(answer(413, 'Request Entity Too Large'), one)), /too large/);
  assert.equal(statusOf(classify(answer(422, { message: 'nope' }), one)), 'dead_letter');
});

test('classify: MoEngage\'s documented Bulk Import 400s — an element\'s field refused is split out, the request\'s own dead-lettered; 403 a blocked account; 409 the credentials', () => {
  // MoEngage's API reference, Bulk Import's 400 examples (the leading apostrophe is theirs).
  const missingCustomer = { status: 'fail', error: { attribute: 'customer_id', message: "'customer_id not found in the payload", type: 'MissingAttributeError', request_id: 'oWvxnUuo' } };
  assert.deepEqual(classify(answer(400, missingCustomer), two), { status: 'split', reason: 'MoEngage refused an element of the bulk import (HTTP 400: MissingAttributeError: customer_id not found in the payload (attribute customer_id)): sending it in halves to find it' });
  assert.deepEqual(classify(answer(400, missingCustomer), one), { status: 'dead_letter', reason: 'MoEngage refused the element (HTTP 400: MissingAttributeError: customer_id not found in the payload (attribute customer_id))' });
  const emptyElements = { status: 'fail', error: { attribute: 'elements', message: "'elements cannot be empty array", type: 'MissingAttributeError', request_id: 'oWvxnUuo' } };
  assert.equal(statusOf(classify(answer(400, emptyElements), two)), 'dead_letter');
  const malformed = { status: 'fail', error: { message: "'Could not decode the request body. The JSON was incorrect or not encoded as UTF-8.", type: 'Malformed JSON', request_id: 'oWvxnUuo' } };
  assert.deepEqual(classify(answer(400, malformed), two), { status: 'dead_letter', reason: 'MoEngage refused the bulk import (HTTP 400: Malformed JSON: Could not decode the request body. The JSON was incorrect or not encoded as UTF-8.)' });
  // 403: the account blocked or suspended — not the key.
  const suspended = classify(answer(403, { status: 'fail', error: { message: 'Your account is suspended. Please contact MoEngage team.', type: 'Account Suspended', request_id: 'Susp123' } }), two);
  assert.equal(statusOf(suspended), 'dead_letter');
  assert.match(reasonOf(suspended), /^MoEngage refused the workspace \(HTTP 403: Account Suspended: Your account is suspended\. Please contact MoEngage team\.\): MoEngage answers 403 when the account is blocked or suspended/);
  // 409: no Data API key generated, or the Workspace ID differing between URL and auth.
  const unset = classify(answer(409, { status: 'fail', error: { message: 'App Secret key is not set. Please login to the dashboard to set a key.', type: 'Authentication required.' } }), one);
  assert.equal(statusOf(unset), 'dead_letter');
  assert.match(reasonOf(unset), /^MoEngage refused the credentials \(HTTP 409: .*App Secret key is not set.*\): config\.workspace_id must be the Workspace ID and config\.data_api_key/);
});

test('classify: 429 and 5xx retried, Retry-After honoured', () => {
  assert.deepEqual(classify(answer(429, { status: 'fail', error: { message: 'Rate limit exceeded', type: 'Too Many Requests' } }, { 'retry-after': '30' }), two), { status: 'retry', reason: 'MoEngage rate-limited the request (HTTP 429: Too Many Requests: Rate limit exceeded)', retryAfterMs: 30_000 });
  assert.deepEqual(classify(answer(503, 'Service Unavailable'), one), { status: 'retry', reason: 'MoEngage failed (HTTP 503: Service Unavailable)' });
  assert.equal(statusOf(classify(answer(500, ''), one)), 'retry');
  assert.equal(statusOf(classify(answer(408, ''), one)), 'retry');
});

test('config: schema and checks name the field; messages never repeat the key', () => {
  const ajv = createConfigAjv();
  const valid = ajv.compile(CONFIG_SCHEMA);
  assert.equal(valid({ workspace_id: WORKSPACE, data_api_key: KEY, data_center: '03' }), true);
  assert.equal(valid({ workspace_id: WORKSPACE, data_api_key: KEY, data_center: '07' }), false);
  assert.equal(valid({ workspace_id: WORKSPACE }), false);
  assert.equal(valid({ workspace_id: 'has/slash', data_api_key: KEY }), false);
  for (const [name, field] of Object.entries((CONFIG_SCHEMA.properties ?? {}) as unknown as Record<string, Record<string, unknown>>)) {
    assert.ok(field.title && field.description, name);
    if (field.secret !== true) assert.ok(Array.isArray(field.examples) && field.examples.length > 0, `${name} has examples`);
  }
  assert.equal((CONFIG_SCHEMA.properties as unknown as Record<string, Record<string, unknown>>).data_api_key!.secret, true);
  assert.deepEqual(validateMoengageConfig({ workspace_id: WORKSPACE, data_api_key: KEY }), []);
  assert.deepEqual(validateMoengageConfig({ workspace_id: WORKSPACE, data_api_key: `${WORKSPACE}` }), [{ field: 'data_api_key', message: 'is the Workspace ID again: give the Data API key (Settings > Account > APIs > API Keys, the Data tile)' }]);
  const spaced = validateMoengageConfig({ workspace_id: WORKSPACE, data_api_key: 'abcd efgh ijkl' });
  assert.deepEqual(spaced.map((p) => p.field), ['data_api_key']);
  assert.equal(JSON.stringify(spaced).includes('abcd efgh'), false);
});

test('deletions: one Delete User request for the userId (customer_id), app_id in the query; skipped without a userId or when turned off', () => {
  const forget = moengage.forgetPerson!;
  assert.equal(forget.enabled({ workspace_id: WORKSPACE, data_api_key: KEY }), true);
  assert.equal(forget.enabled({ workspace_id: WORKSPACE, data_api_key: KEY, forward_deletions: false }), false);
  const request = forget.request({ userId: 'user-9', anonymousId: 'anon-9' }, ctx({ data_center: '02' })) as RequestDescriptor;
  assert.deepEqual(request, {
    method: 'POST', url: 'https://api-02.moengage.com/v1/customer/delete', query: [['app_id', WORKSPACE]],
    headers: { 'content-type': 'application/json', authorization: AUTH, 'moe-appkey': WORKSPACE },
    body: { identity_type: 'customer_id', identity_value: 'user-9' }, eventIds: [],
  });
  assert.deepEqual(forget.request({ userId: null, anonymousId: 'anon-9' }, ctx()), { skipped: NO_MOENGAGE_USER });
  assert.deepEqual(forget.request({ userId: 'guest', anonymousId: null }, ctx()), { skipped: NO_MOENGAGE_USER });
});

test('deletions: MoEngage\'s answers read', () => {
  const read = (response: VendorResponse) => moengage.forgetPerson!.read!(response, undefined, ctx());
  assert.deepEqual(read(answer(200, { status: 'success', message: 'Your request has been accepted and will be processed soon.' })), { done: true, message: 'MoEngage accepted the deletion (Your request has been accepted and will be processed soon.): the user is hard-deleted after its 24-hour buffer, and created again if events with the same ID reach MoEngage later' });
  assert.ok('done' in read(answer(404, { status: 'fail', error: { message: 'User not found' } })));
  assert.match((read(answer(401, { status: 'fail', error: { type: 'Authentication required', message: 'bad key' } })) as { failed: string }).failed, /config\.data_api_key/);
  assert.ok('retry' in read(answer(429, 'slow down')));
  assert.ok('retry' in read(answer(502, 'Bad Gateway')));
  assert.ok('failed' in read(answer(400, { status: 'fail', error: { type: 'Bad Request', message: 'identity_type invalid' } })));
  assert.ok('failed' in read(answer(200, { status: 'fail', error: { message: 'boom' } })));
  // MoEngage's API reference: an unknown user is a 400 "Not Found"; 403 an invalid or blocked
  // app_id; 429 and 5xx bodies carry title and description.
  assert.deepEqual(read(answer(400, { status: 'fail', error: { message: "User doesn't exists with customer id u-9", type: 'Not Found', request_id: 'bYvNTyWb' } })), { done: true, message: "MoEngage has no such user (HTTP 400: Not Found: User doesn't exists with customer id u-9): nothing to delete" });
  assert.ok('done' in read(answer(400, { status: 'fail', error: { message: "User doesn't exists with customer id u-9" } })));
  assert.match((read(answer(403, { status: 'fail', error: { message: 'given app_id is invalid/blocked', type: 'InvalidParams' } })) as { failed: string }).failed, /InvalidParams: given app_id is invalid\/blocked.*blocked or suspended/);
  assert.match((read(answer(409, { status: 'fail', error: { message: 'App key mismatch in params and authentication.', type: 'Authentication required.' } })) as { failed: string }).failed, /config\.data_api_key/);
  assert.deepEqual(read(answer(429, { status: 'fail', title: 'Rate limit exceeded', description: 'Exceeded rate limit for this url' })), { retry: "MoEngage's deletion failed (HTTP 429: Rate limit exceeded: Exceeded rate limit for this url)" });
});
