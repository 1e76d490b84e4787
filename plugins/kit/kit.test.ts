import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import kit from './index.ts';
import { classifyKit } from './classify.ts';
import { tagIdOf, validateKitConfig } from './config.ts';
import { forgetPerson, NO_EMAIL, NOT_DELETED } from './forget-person.ts';

const KEY = 'kit_0d5f3f526b7e4a539c335a3c1f7e2b41';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const HEADERS = { 'x-kit-api-key': KEY, 'content-type': 'application/json', accept: 'application/json' };
const TAGS = { 'Signed Up': 4120, 'Order Completed': '4121' };
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { api_key: KEY, event_tags: TAGS, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const consenting = { context: { consent: { marketing: true } } };
const blueprint = readFileSync(new URL('../../blueprints/kit/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}) => createEventMapper(kit, { variant: 'default', blueprint }, ctx(config))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): JsonObject => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const subscriber = (id: string): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'subscriber', body: { email_address: `${id}@example.com`, state: 'active' } } });
const tagging = (id: string): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'tagging', tagId: 4120, body: { email_address: 'jane@example.com' } } });
const subscriberRequest = (): RequestDescriptor => kit.send([subscriber('s1')], ctx())[0]!;
const taggingRequest = (): RequestDescriptor => kit.send([tagging('t1')], ctx())[0]!;
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const SUBSCRIBER = { id: 288, first_name: 'Jane', email_address: 'jane@example.com', state: 'active', created_at: '2023-02-17T11:43:55Z', fields: {} };

test('identify → a subscriber: email_address, first_name, the custom fields the config maps (as text, dot paths into nested traits), inactive without marketing consent', () => {
  const record = recordOf(identify({ email: ' Jane@Example.com ', first_name: 'Jane', last_name: 'Doe', seats: 3, trial: true, company: { name: 'Acme' }, plan: 'pro' }), { custom_fields: { last_name: 'last_name', seats: 'seats', trial: 'trial', 'company.name': 'company' } });
  assert.deepEqual(record, {
    kind: 'subscriber',
    body: { email_address: 'Jane@Example.com', first_name: 'Jane', state: 'inactive', fields: { last_name: 'Doe', seats: '3', trial: 'true', company: 'Acme' } },
  }, 'plan is not mapped: not sent');
});

test('marketing consent: a new subscriber active; a denial anywhere wins (inactive); the state is Kit\'s only for a subscriber it creates', () => {
  assert.deepEqual(recordOf(identify({ email: 'jane@example.com' }, consenting)).body, { email_address: 'jane@example.com', state: 'active' });
  const denied = recordOf(identify({ email: 'jane@example.com' }, { context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } }));
  assert.equal((denied.body as JsonObject).state, 'inactive');
  const remembered = recordOf(identify({ firstName: 'Jane' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>));
  assert.deepEqual(remembered.body, { email_address: 'jane@example.com', first_name: 'Jane', state: 'inactive' }, 'named only by the email Signal remembers (context.traits): a subscriber Kit creates is not mailed');
});

test('custom fields: objects and lists left out with a warning naming the trait, nulls and blanks never sent (they would erase), a Kit key taken once', () => {
  const result = mapped(identify({ email: 'jane@example.com', address: { city: 'Paris' }, tags: ['a'], company: null, nickname: '  ', lastName: 'Doe', last_name: 'Roe' }), { custom_fields: { address: 'address', tags: 'tags', company: 'company', nickname: 'nickname', lastName: 'last_name', last_name: 'last_name' } });
  assert.deepEqual(result.payload, { kind: 'subscriber', body: { email_address: 'jane@example.com', state: 'inactive', fields: { last_name: 'Doe' } } });
  const warnings = result.warnings ?? [];
  for (const expected of [/traits\.address left out: Kit custom fields hold text, not an object/, /traits\.tags left out: Kit custom fields hold text, not a list/, /traits\.last_name left out: the Kit field last_name takes an earlier trait's value/]) {
    assert.ok(warnings.some((w) => expected.test(w)), `${expected} in ${JSON.stringify(warnings)}`);
  }
});

test('an identify without an email is not sent (Kit knows subscribers by email only); a malformed one is dead-lettered naming the trait', () => {
  const nobody = mapped(identify({ first_name: 'Jane' }));
  assert.equal(nobody.payload, null);
  assert.equal(nobody.error, undefined, 'not sent, not an error');
  assert.ok(nobody.warnings?.some((w) => /not sent to Kit: the identify has no email/.test(w)), JSON.stringify(nobody.warnings));
  assert.match(String(mapped(identify({ email: 'jane@' })).error), /the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address Kit accepts/);
  assert.match(String(mapped(identify({ email: 'a@example.com, b@example.com' })).error), /is not an email address Kit accepts/, 'a list is no address');
});

test('track → a tagging by the config\'s tag for its name, by the email Signal remembers; other track calls never sent, said before queueing', () => {
  assert.deepEqual(recordOf(browserEvent({ properties: { plan: 'pro' } })), { kind: 'tagging', tagId: 4120, body: { email_address: 'jane@example.com' } });
  assert.deepEqual(recordOf(browserEvent({ event: 'Order Completed' })), { kind: 'tagging', tagId: 4121, body: { email_address: 'jane@example.com' } }, 'a tag id given as text');
  const other = browserEvent({ event: 'Logged In' });
  assert.equal(mapped(other).payload, null);
  assert.equal(kit.neverSends!(other, ctx()), 'not sent to Kit: no tag is configured for the event "Logged In" (config.event_tags), and Kit has no custom events for an API key');
  assert.equal(kit.neverSends!(browserEvent(), ctx()), undefined);
  const anonymous = mapped(browserEvent({ userId: undefined, context: {} }));
  assert.equal(anonymous.payload, null, 'no email: not sent');
  assert.ok(anonymous.warnings?.some((w) => /not sent to Kit: the event names no subscriber/.test(w)), JSON.stringify(anonymous.warnings));
  assert.equal(tagIdOf({ event_tags: { 'Signed Up': 'Customers' } }, 'Signed Up'), undefined, 'a tag name is no id');
});

test('page, screen, group and alias calls are never sent, whatever the blueprint; neverSends says so, and lets identify through', () => {
  for (const type of ['page', 'screen', 'group', 'alias'] as const) {
    const event = browserEvent({ type, event: undefined, name: 'Home' } as Partial<CanonicalEvent>);
    assert.equal(mapped(event).payload, null, type);
    assert.match(String(kit.neverSends!(event, ctx())), /^not sent to Kit: Kit has no|^not sent to Kit: Kit knows subscribers/);
    assert.equal(kit.map!({ kind: 'tagging', eventName: 'Signed Up', email: 'jane@example.com' }, event, ctx()), null);
  }
  assert.equal(kit.neverSends!(identify({}), ctx()), undefined);
});

test('requests: a subscriber to POST /v4/subscribers, a tagging to POST /v4/tags/{tag_id}/subscribers, one record each, the key as X-Kit-Api-Key', () => {
  assert.deepEqual(kit.send([subscriber('s1'), tagging('t1')], ctx()), [
    { method: 'POST', url: 'https://api.kit.com/v4/subscribers', headers: HEADERS, body: { email_address: 's1@example.com', state: 'active' }, eventIds: ['s1'] },
    { method: 'POST', url: 'https://api.kit.com/v4/tags/4120/subscribers', headers: HEADERS, body: { email_address: 'jane@example.com' }, eventIds: ['t1'] },
  ]);
  assert.throws(() => kit.send([{ id: 'x', event: browserEvent(), payload: { eventName: 'Viewed' } }], ctx()), /holds no Kit record/);
  assert.throws(() => kit.send([{ id: 'x', event: browserEvent(), payload: { kind: 'tagging', body: {} } }], ctx()), /holds no Kit record/, 'a tagging needs its tag');
});

test('classify: 200 and 201 delivered; 422 dead-lettered with Kit\'s errors; a refused tagging says the subscriber and tag must exist; 401 names the key; 429 throttled; 5xx retried; a proxy\'s page retried', () => {
  assert.deepEqual(classifyKit(answer(201, { subscriber: SUBSCRIBER }), subscriberRequest(), ctx()), { status: 'delivered' });
  assert.deepEqual(classifyKit(answer(200, { subscriber: SUBSCRIBER, warnings: ['Custom field "plan" does not exist'] }), subscriberRequest(), ctx()), { status: 'delivered' }, 'unknown custom fields are ignored by Kit');
  assert.deepEqual(classifyKit(answer(200, { subscriber: { ...SUBSCRIBER, tagged_at: '2023-02-17T11:43:55Z' } }), taggingRequest(), ctx()), { status: 'delivered' }, 'already tagged');
  assert.deepEqual(classifyKit(answer(422, { errors: ['Email address is invalid'] }), subscriberRequest(), ctx()), { status: 'dead_letter', reason: 'Kit refused the subscriber (HTTP 422: Email address is invalid)' });
  assert.deepEqual(classifyKit(answer(404, { errors: ['Not Found'] }), taggingRequest(), ctx()), {
    status: 'retry',
    reason: 'Kit refused the tagging (tag 4120) (HTTP 404: Not Found): Kit tags existing subscribers only — the person\'s identify with traits.email creates the subscriber (it may still have been on its way: tried again on the retry schedule; after the last try, send the identify, then replay) — and tag 4120 must exist in Kit (config.event_tags gives tag ids: Subscribers > Tags, or GET /v4/tags)',
  }, 'the identify creating the subscriber may still be on its way');
  assert.equal(statusOf(classifyKit(answer(422, { errors: ['Subscriber does not exist'] }), taggingRequest(), ctx())), 'retry', 'Kit documents no status for a missing subscriber: 422 too');
  assert.deepEqual(classifyKit(answer(422, { errors: ['Email address is invalid'] }), taggingRequest(), ctx()), { status: 'dead_letter', reason: 'Kit refused the tagging (tag 4120) (HTTP 422: Email address is invalid)' }, 'no retry changes a refused email');
  assert.deepEqual(classifyKit(answer(401, { errors: ['The access token is invalid'] }), taggingRequest(), ctx()), {
    status: 'dead_letter',
    reason: 'Kit refused the API key (HTTP 401: The access token is invalid): check config.api_key (a v4 key of Settings > Developer in Kit, not revoked, not a v3 key) and that the Kit account still has API access (a paid plan, its payment up to date)',
  });
  assert.equal(statusOf(classifyKit(answer(403, ''), subscriberRequest(), ctx())), 'dead_letter');
  assert.deepEqual(classifyKit(answer(429, { errors: ['Too many requests'] }), subscriberRequest(), ctx()), { status: 'retry', reason: 'Kit rate limit reached (HTTP 429: Too many requests)', throttled: true }, 'no Retry-After: the core\'s growing wait');
  assert.deepEqual(classifyKit(answer(429, '', { 'retry-after': '7' }), subscriberRequest(), ctx()), { status: 'retry', reason: 'Kit rate limit reached (HTTP 429: (no body))', retryAfterMs: 7000, throttled: true });
  assert.deepEqual(classifyKit(answer(500, { errors: ['Internal server error'] }), subscriberRequest(), ctx()), { status: 'retry', reason: 'Kit HTTP 500: Internal server error' });
  assert.equal(statusOf(classifyKit(answer(200, '<html>Sign in</html>'), subscriberRequest(), ctx())), 'retry');
  assert.equal(statusOf(classifyKit(answer(400, { errors: ['bad'] }), subscriberRequest(), ctx())), 'dead_letter');
  const withFields = { ...subscriberRequest(), body: { email_address: 'jane@example.com', state: 'active', fields: { plan: 'pro' } } };
  assert.deepEqual(classifyKit(answer(422, { errors: ['Custom field plan does not exist'] }), withFields, ctx()), {
    status: 'dead_letter',
    reason: 'Kit refused the subscriber (HTTP 422: Custom field plan does not exist): if Kit names a custom field, each key in config.custom_fields must be the key of a custom field that exists in Kit (GET /v4/custom_fields lists them; a version of Kit\'s reference says an unknown key is refused with a 422)',
  }, 'a 422 to custom fields names the config field');
});

test('config: the schema takes a key, field map and tag map; validateKitConfig names a pasted key, a field label for a key, a tag name for an id, a page key', () => {
  const validate = createConfigAjv().compile(kit.config);
  assert.equal(validate({ api_key: KEY, custom_fields: { last_name: 'last_name' }, event_tags: TAGS, unsubscribe_on_deletion: false }), true, JSON.stringify(validate.errors));
  assert.equal(validate({}), false, 'the API key is required');
  assert.deepEqual(validateKitConfig({ api_key: KEY, custom_fields: { last_name: 'last_name' }, event_tags: TAGS }), []);
  assert.deepEqual(validateKitConfig({ api_key: `Bearer ${KEY}` }).map((p) => p.field), ['api_key']);
  assert.equal(JSON.stringify(validateKitConfig({ api_key: `${KEY} extra` })).includes(KEY), false, 'never repeats the key');
  assert.deepEqual(validateKitConfig({ api_key: KEY, custom_fields: { last_name: 'Last name', '': 'x' } }), [
    { field: 'custom_fields', message: 'maps the trait "last_name" to "Last name", which is no Kit custom field key: give the field\'s key (e.g. "last_name", no spaces; GET /v4/custom_fields lists them), not its label' },
    { field: 'custom_fields', message: 'has an empty trait name: name the identify trait (e.g. "last_name")' },
  ]);
  assert.deepEqual(validateKitConfig({ api_key: KEY, event_tags: { 'Signed Up': 'Customers', ' Trial ': 5, page: 6, 'Paid': 0 } }), [
    { field: 'event_tags', message: 'has " Trial " with white space around it: Signal event names are matched exactly' },
    { field: 'event_tags', message: 'tags "Signed Up" with "Customers", which is no Kit tag id: give the tag\'s id (a whole number such as 4120: Subscribers > Tags, the id in the tag\'s URL, or GET /v4/tags), not its name' },
    { field: 'event_tags', message: 'has "page": page calls are never sent to Kit; name track events only (e.g. "Signed Up")' },
    { field: 'event_tags', message: 'tags "Paid" with 0, which is no Kit tag id: give the tag\'s id (a whole number such as 4120: Subscribers > Tags, the id in the tag\'s URL, or GET /v4/tags), not its name' },
  ]);
  const many = Object.fromEntries(Array.from({ length: 141 }, (_, i) => [`t${i}`, `f${i}`]));
  assert.deepEqual(validateKitConfig({ api_key: KEY, custom_fields: many }), [{ field: 'custom_fields', message: 'maps 141 traits: Kit takes at most 140 custom fields in one request' }]);
});

test('deletions (opt-in): a lookup by each email (status=all), then an unsubscription of the subscriber found; never said to be a deletion', () => {
  const on = ctx({ unsubscribe_on_deletion: true });
  assert.equal(forgetPerson.enabled({ api_key: KEY }), false, 'off by default: Kit cannot delete');
  assert.equal(forgetPerson.enabled(on.config), true);
  const requests = forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: ['jane@example.com', 'JANE@example.com', 'not-an-email'] }, on) as RequestDescriptor[];
  assert.deepEqual(requests, [{ method: 'GET', url: 'https://api.kit.com/v4/subscribers?email_address=jane%40example.com&status=all', headers: HEADERS, eventIds: [] }]);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc', emails: [] }, on), { skipped: NO_EMAIL });
  const lookup = requests[0]!;
  assert.deepEqual(forgetPerson.read!(answer(200, { subscribers: [{ ...SUBSCRIBER, email_address: 'other@example.com' }, SUBSCRIBER] }), lookup, on), {
    next: { method: 'POST', url: 'https://api.kit.com/v4/subscribers/288/unsubscribe', headers: HEADERS, body: {}, eventIds: [] },
  }, 'only the subscriber holding the email asked for');
  assert.deepEqual(forgetPerson.read!(answer(200, { subscribers: [{ ...SUBSCRIBER, email_address: '[…]' }] }), lookup, on), {
    next: { method: 'POST', url: 'https://api.kit.com/v4/subscribers/288/unsubscribe', headers: HEADERS, body: {}, eventIds: [] },
  }, 'the core hides the email in the answer it hands over');
  assert.deepEqual(forgetPerson.read!(answer(200, { subscribers: [] }), lookup, on), { done: true, message: 'Kit has no subscriber with this email: nothing to unsubscribe' });
  assert.deepEqual(forgetPerson.read!(answer(200, { subscribers: [{ ...SUBSCRIBER, state: 'cancelled' }] }), lookup, on), { done: true, message: `the subscriber with this email is unsubscribed in Kit already; ${NOT_DELETED}` });
  assert.match(String((forgetPerson.read!(answer(200, '<html></html>'), lookup, on) as { retry?: string }).retry), /not Kit's answer/);
  const unsubscribe: RequestDescriptor = { method: 'POST', url: 'https://api.kit.com/v4/subscribers/288/unsubscribe', headers: HEADERS, body: {}, eventIds: [] };
  const done = forgetPerson.read!({ status: 204, headers: {}, body: '' }, unsubscribe, on);
  assert.deepEqual(done, { done: true, message: `accepted (HTTP 204): Kit unsubscribed the subscriber with this email, who receives no more email from the account; ${NOT_DELETED}` });
  assert.match(NOT_DELETED, /^not deleted: Kit's API cannot delete a subscriber/);
  assert.equal(Object.hasOwn(forgetPerson.read!(answer(404, { errors: ['Not Found'] }), unsubscribe, on), 'done'), true, 'gone already');
  assert.deepEqual(forgetPerson.read!(answer(401, { errors: ['The access token is invalid'] }), lookup, on), { failed: 'HTTP 401: Kit refused the API key for the lookup of the subscriber by email (The access token is invalid): check config.api_key and that the account still has API access' });
  assert.deepEqual(forgetPerson.read!(answer(429, '', { 'retry-after': '5' }), unsubscribe, on), { retry: 'HTTP 429: (no body)', afterSeconds: 5 });
  assert.deepEqual(forgetPerson.read!(answer(502, 'bad gateway'), lookup, on), { retry: 'HTTP 502: bad gateway' });
  assert.deepEqual(forgetPerson.read!(answer(422, { errors: ['bad'] }), unsubscribe, on), { failed: 'HTTP 422: Kit refused the unsubscription of the subscriber (bad); unsubscribe or delete the subscriber in Kit' });
});
