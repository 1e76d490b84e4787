import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { createConfigAjv, type CanonicalEvent, type Classification, type ForgetOutcome, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import mailchimp from './index.ts';
import { classifyMailchimp } from './classify.ts';
import { apiBaseOf, validateMailchimpConfig } from './config.ts';
import { ANONYMOUS_ONLY, DELETED, forgetPerson } from './forget-person.ts';
import { eventNameOf, eventPropertiesOf, occurredAtOf } from './member-event.ts';
import { birthdayOf } from './merge-fields.ts';
import { MAX_MEMBERS } from './requests.ts';
import { subscriberHash } from './subscriber-hash.ts';

const KEY = '0123456789abcdef0123456789abcdef-us21';
const AUDIENCE = 'a1b2c3d4e5';
const BASE = `https://us21.api.mailchimp.com/3.0/lists/${AUDIENCE}`;
const NOW = Date.parse('2024-03-24T16:00:00Z');
const AUTH = `Basic ${Buffer.from(`signal:${KEY}`).toString('base64')}`;
const HEADERS = { 'content-type': 'application/json', authorization: AUTH };
const JANE_HASH = subscriberHash('jane@example.com');
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({ config: { api_key: KEY, audience_id: AUDIENCE, ...config }, variant, integrationId: 'i', revisionId: 'r', options: {}, now: NOW });
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, userId: 'u-1', traits, context: {}, ...overrides });
const blueprints = { default: readFileSync(new URL('../../blueprints/mailchimp/default.yaml', import.meta.url), 'utf8'), members_only: readFileSync(new URL('../../blueprints/mailchimp/members_only.yaml', import.meta.url), 'utf8') };
type Variant = keyof typeof blueprints;
/** Maps an event as delivery does: the variant's shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default') => createEventMapper(mailchimp, { variant, blueprint: blueprints[variant] }, ctx(config, variant))(event);
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, variant: Variant = 'default'): JsonObject => {
  const result = mapped(event, config, variant);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const member = (id: string, email = `${id}@example.com`): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'member', email, body: { email_address: email, status_if_new: 'transactional' } } });
const ev = (id: string, email = 'jane@example.com'): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'event', email, body: { name: 'Viewed', occurred_at: '2024-03-24T16:00:00Z', is_syncing: false } } });
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const batchRequest = (ids: string[]): RequestDescriptor => mailchimp.send(ids.map((id) => member(id)), ctx())[0]!;
const eventRequest = (): RequestDescriptor => mailchimp.send([ev('e1')], ctx())[0]!;

test('identify → a batch member: email as given, status_if_new transactional by default, FNAME/LNAME/PHONE/ADDRESS from the traits, config merge fields and tags', () => {
  const record = recordOf(identify({ email: ' Jane@Example.com ', firstName: 'Jane', last_name: 'Doe', phone: '+1 404 555 0100', company: 'Acme', birthday: '1990-05-17', plan: 'pro',
    address: { street: '675 Ponce de Leon Ave NE', city: 'Atlanta', state: 'GA', postalCode: '30308', country: 'US' } }), { merge_fields: { company: 'COMPANY', birthday: 'BIRTHDAY' }, tags: ['website'] });
  assert.deepEqual(record, {
    kind: 'member', email: 'Jane@Example.com',
    body: {
      email_address: 'Jane@Example.com', status_if_new: 'transactional',
      merge_fields: { FNAME: 'Jane', LNAME: 'Doe', PHONE: '+1 404 555 0100', ADDRESS: { addr1: '675 Ponce de Leon Ave NE', city: 'Atlanta', state: 'GA', zip: '30308', country: 'US' }, COMPANY: 'Acme', BIRTHDAY: '05/17' },
      tags: ['website'],
    },
  });
  const incomplete = recordOf(identify({ email: 'jane@example.com', address: { city: 'Atlanta', state: 'GA' } }));
  assert.deepEqual(incomplete.body, { email_address: 'jane@example.com', status_if_new: 'transactional' }, 'an address without addr1 and zip is left out: Mailchimp refuses it');
});

test('identify → merge fields from the identify\'s own traits only: config merge fields are not sent again from the traits Signal remembers (context.traits)', () => {
  const remembered = { context: { traits: { email: 'jane@example.com', company: 'Acme', firstName: 'Jane' } } } as Partial<CanonicalEvent>;
  const later = recordOf(identify({ plan: 'pro' }, remembered), { merge_fields: { company: 'COMPANY' } });
  assert.deepEqual(later.body, { email_address: 'jane@example.com', status_if_new: 'transactional' }, 'the remembered email names the member; nothing of its merge fields is overwritten');
  const own = recordOf(identify({ company: 'Initech' }, remembered), { merge_fields: { company: 'COMPANY' } });
  assert.deepEqual((own.body as JsonObject).merge_fields, { COMPANY: 'Initech' }, 'what the identify itself says is sent');
});

test('new members are subscribed only with marketing consent and the config\'s choice; double opt-in (default) adds them as pending; a denial anywhere wins', () => {
  const consented = (consent: JsonObject) => identify({ email: 'jane@example.com' }, { context: { consent } as CanonicalEvent['context'] });
  const status = (event: CanonicalEvent, config: Record<string, JsonValue>) => (recordOf(event, config).body as JsonObject).status_if_new;
  assert.equal(status(consented({ marketing: true }), {}), 'transactional', 'the default never subscribes');
  assert.equal(status(consented({ marketing: true }), { new_member_status: 'subscribed' }), 'pending');
  assert.equal(status(consented({ marketing: true }), { new_member_status: 'subscribed', double_opt_in: false }), 'subscribed');
  assert.equal(status(consented({ categoryPreferences: { marketing: true } }), { new_member_status: 'subscribed', double_opt_in: false }), 'subscribed');
  assert.equal(status(consented({ analytics: true }), { new_member_status: 'subscribed', double_opt_in: false }), 'transactional', 'no marketing consent');
  assert.equal(status(consented({ marketing: true, categories: { marketing: false } }), { new_member_status: 'subscribed', double_opt_in: false }), 'transactional', 'a denial anywhere wins');
  const remembered = identify({ firstName: 'Jane' }, { context: { consent: { marketing: true }, traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>);
  assert.equal(status(remembered, { new_member_status: 'subscribed', double_opt_in: false }), 'transactional', 'named only by the email Signal remembers (context.traits): nobody subscribed by it');
  assert.ok(!('status' in (recordOf(consented({ marketing: true }), { new_member_status: 'subscribed' }).body as JsonObject)), 'never `status`: an existing member\'s is not changed');
});

test('track → a member event: the email Signal remembers, the name fitted, properties as text without contact data, occurred_at in ISO 8601, is_syncing from the config', () => {
  const record = recordOf(browserEvent({ event: 'Order Completed', properties: { total: 30, coupon: null, gift: false, items: [{ sku: 'A' }], email: 'other@example.com', plan: 'pro' } }));
  assert.deepEqual(record, { kind: 'event', email: 'jane@example.com', body: { name: 'Order_Completed', properties: { total: '30', gift: 'false', items: '[{"sku":"A"}]', plan: 'pro' }, occurred_at: '2024-03-24T16:00:00Z', is_syncing: false } });
  assert.equal((recordOf(browserEvent(), { trigger_automations: false }).body as JsonObject).is_syncing, true);
  assert.equal(mapped(browserEvent({ context: {} })).payload, null, 'no email: not sent (Mailchimp has members by email only)');
  assert.equal(mapped(browserEvent(), {}, 'members_only').payload, null, 'members_only sends no events');
  assert.equal(mapped(browserEvent({ type: 'page', event: undefined, name: 'Home' })).payload, null, 'page views are not sent');
  const bad = mapped(browserEvent({ context: { traits: { email: 'jane@' } } }));
  assert.equal(bad.payload, null);
  assert.match(bad.error ?? '', /the email "jane@" .* is not an email address Mailchimp accepts/);
  // The SDK's check (isSendableEmail, not strict): 254 characters at most, trimmed.
  const long = `${'j'.repeat(254 - '@example.com'.length)}@example.com`;
  assert.equal(recordOf(browserEvent({ context: { traits: { email: ` ${long} ` } } })).email, long, '254 characters, trimmed');
  assert.match(mapped(browserEvent({ context: { traits: { email: `j${long}` } } })).error ?? '', /is not an email address Mailchimp accepts: fix it at the source, or leave it out with a pipeline transformation$/, '255 characters');
  assert.match(mapped(browserEvent({ context: { traits: { email: 42 } } })).error ?? '', /^the email 42 \(traits\.email, or context\.traits\.email\) is not an email address Mailchimp accepts/);
});

test('event names fit Mailchimp\'s 2–30 letters, digits, underscores and dashes; properties and times as Mailchimp takes them', () => {
  assert.equal(eventNameOf('Order Completed'), 'Order_Completed');
  assert.equal(eventNameOf('  Produkt angesehen (€) '), 'Produkt_angesehen');
  assert.equal(eventNameOf('checkout-step_2'), 'checkout-step_2');
  assert.equal(eventNameOf('A very long event name that goes past thirty'), 'A_very_long_event_name_that_go');
  assert.equal(eventNameOf('A very long event name that goes past thirty').length, 30);
  assert.throws(() => eventNameOf('€'), /Mailchimp needs an event name of 2–30 letters/);
  assert.throws(() => eventNameOf('x'), /leaves "x"/);
  assert.deepEqual(eventPropertiesOf({ a: 1, b: null, c: { d: 2 } }), { a: '1', c: '{"d":2}' });
  assert.equal(eventPropertiesOf({ email: 'jane@example.com' }), undefined);
  assert.equal(occurredAtOf('2024-03-24T17:00:00.250+01:00'), '2024-03-24T16:00:00Z');
  assert.equal(occurredAtOf(1711296000), '2024-03-24T16:00:00Z');
  assert.throws(() => occurredAtOf('soon'), /occurred_at/);
  assert.equal(birthdayOf('5/7'), '05/07');
  assert.equal(birthdayOf('17.05.1990'), '05/17');
  assert.equal(birthdayOf('13/45'), undefined);
});

test('send: members in batches of 500 to POST /lists/{id} with update_existing, one update of an email a request; each event to its member\'s events URL by subscriber hash', () => {
  assert.equal(subscriberHash('Urist.McVankab@freddiesjokes.com'), '62eeb292278cc15f5817cb78f7790b08', 'Mailchimp\'s documented example');
  const requests = mailchimp.send([ev('e1'), member('a'), member('b'), member('a2', 'A@example.com')], ctx());
  assert.deepEqual(requests, [
    { method: 'POST', url: BASE, headers: HEADERS, body: { members: [{ email_address: 'a@example.com', status_if_new: 'transactional' }, { email_address: 'b@example.com', status_if_new: 'transactional' }], update_existing: true, sync_tags: false }, eventIds: ['a', 'b'] },
    { method: 'POST', url: BASE, headers: HEADERS, body: { members: [{ email_address: 'A@example.com', status_if_new: 'transactional' }], update_existing: true, sync_tags: false }, eventIds: ['a2'] },
    { method: 'POST', url: `${BASE}/members/${JANE_HASH}/events`, headers: HEADERS, body: { name: 'Viewed', occurred_at: '2024-03-24T16:00:00Z', is_syncing: false }, eventIds: ['e1'] },
  ]);
  const many = mailchimp.send(Array.from({ length: 1001 }, (_, i) => member(`m${i}`)), ctx());
  assert.deepEqual(many.map((r) => r.eventIds.length), [MAX_MEMBERS, MAX_MEMBERS, 1]);
  assert.deepEqual(mailchimp.send([member('a')], ctx({ skip_merge_validation: true }))[0]!.query, [['skip_merge_validation', 'true']]);
  assert.equal(mailchimp.send([member('a')], ctx({ api_key: ' 0123-us6\n' }))[0]!.url, 'https://us6.api.mailchimp.com/3.0/lists/a1b2c3d4e5', 'the data center of the key');
  assert.equal(apiBaseOf({ api_key: 'abc-us21' }), 'https://us21.api.mailchimp.com/3.0');
  assert.throws(() => mailchimp.send([{ id: 'x', event: browserEvent(), payload: { name: 'raw' } }], ctx()), /event x holds no Mailchimp record/);
});

test('classify: a batch answer\'s errors dead-letter exactly the members they name, with Mailchimp\'s reason; the others are delivered', () => {
  const request = batchRequest(['a', 'b', 'c']);
  const result = classifyMailchimp(answer(200, { new_members: [{}], updated_members: [{}], errors: [{ email_address: 'B@example.com', error: 'B@example.com looks fake or invalid, please enter a real email address.', error_code: 'ERROR_GENERIC' }], total_created: 1, total_updated: 1, error_count: 1 }), request, ctx());
  assert.deepEqual(result, { perEvent: { b: { status: 'dead_letter', reason: 'Mailchimp did not add or update the member: B@example.com looks fake or invalid, please enter a real email address. (ERROR_GENERIC)' } } });
  const field = classifyMailchimp(answer(200, { errors: [{ email_address: 'c@example.com', error: 'Your merge fields were invalid.', error_code: 'ERROR_GENERIC', field: 'FNAME', field_message: 'Please enter a value' }] }), request, ctx());
  assert.match(JSON.stringify(field), /merge field FNAME: Please enter a value/);
  assert.deepEqual(classifyMailchimp(answer(200, { errors: [], error_count: 0 }), request, ctx()), { status: 'delivered' });
  assert.equal(statusOf(classifyMailchimp(answer(200, { errors: [{ error: 'something went wrong' }] }), request, ctx())), 'split', 'an error naming no member: several are split to find it');
  assert.deepEqual(classifyMailchimp(answer(200, { errors: [{ error: 'something went wrong' }] }), batchRequest(['a']), ctx()), { perEvent: { a: { status: 'dead_letter', reason: 'Mailchimp did not add or update the member: something went wrong' } } });
  assert.deepEqual(classifyMailchimp(answer(204, ''), eventRequest(), ctx()), { status: 'delivered' });
  // A page that is not Mailchimp's (a proxy's): sent again, never counted written.
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyMailchimp(answer(200, page, { 'content-type': 'text/html' }), eventRequest(), ctx()), { status: 'retry', reason: `HTTP 200 without Mailchimp's answer (its JSON, or none): ${page} — not Mailchimp's answer (a proxy?), so the request is sent again` });
});

test('classify: 429 retried (Retry-After honoured), 401/403 dead-lettered naming the fields, a member event\'s 404 retried, a batch\'s 404 names the audience, 400 split or dead-lettered with Mailchimp\'s words, 5xx retried', () => {
  const problem = (status: number, title: string, detail: string, extra: JsonObject = {}) => answer(status, { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title, status, detail, instance: 'x', ...extra });
  const limited = classifyMailchimp(problem(429, 'Too Many Requests', 'You have exceeded the limit of 10 simultaneous connections.'), eventRequest(), ctx());
  assert.equal(statusOf(limited), 'retry');
  assert.ok(!('retryAfterMs' in limited), 'no Retry-After: the core\'s backoff');
  assert.deepEqual(classifyMailchimp(answer(429, '', { 'Retry-After': '30' }), eventRequest(), ctx()), { status: 'retry', reason: 'Mailchimp rate-limited the account (HTTP 429): it allows 10 simultaneous connections per account', retryAfterMs: 30_000 });
  const key = classifyMailchimp(problem(401, 'API Key Invalid', 'Your API key may be invalid, or you\'ve attempted to access the wrong datacenter.'), batchRequest(['a', 'b']), ctx());
  assert.equal(statusOf(key), 'dead_letter');
  assert.match(reasonOf(key), /^Mailchimp refused the API key \(HTTP 401: API Key Invalid: Your API key may be invalid.*\): check config\.api_key .*-us21/);
  assert.equal(statusOf(classifyMailchimp(problem(403, 'Forbidden', 'You don\'t have permission to access this resource.'), eventRequest(), ctx())), 'dead_letter');
  const notMember = classifyMailchimp(problem(404, 'Resource Not Found', 'The requested resource could not be found.'), eventRequest(), ctx());
  assert.equal(statusOf(notMember), 'retry');
  assert.match(reasonOf(notMember), /^Mailchimp has no member with this email in the audience \(HTTP 404: Resource Not Found: .*\): Signal records events of members only/);
  assert.match(reasonOf(classifyMailchimp(problem(404, 'Resource Not Found', 'The requested resource could not be found.'), batchRequest(['a']), ctx())), /no audience config\.audience_id/);
  const invalid = problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', { errors: [{ field: 'name', message: 'Must be 2-30 characters' }] });
  assert.equal(statusOf(classifyMailchimp(invalid, batchRequest(['a', 'b']), ctx())), 'split');
  assert.deepEqual(classifyMailchimp(invalid, eventRequest(), ctx()), { status: 'dead_letter', reason: 'Mailchimp refused the event (HTTP 400: Invalid Resource: The resource submitted could not be validated.; name: Must be 2-30 characters)' });
  assert.equal(statusOf(classifyMailchimp(answer(413, 'too large'), batchRequest(['a', 'b']), ctx())), 'split');
  assert.deepEqual(classifyMailchimp(answer(503, '<html>unavailable</html>'), eventRequest(), ctx()), { status: 'retry', reason: 'Mailchimp HTTP 503: <html>unavailable</html>' });
  assert.equal(statusOf(classifyMailchimp(answer(408, ''), eventRequest(), ctx())), 'retry');
});

test('config: the schema compiles and takes the examples; validateConfig names the field of a key without its data center, white space, or a bad merge tag', () => {
  const validate = createConfigAjv().compile(mailchimp.config);
  assert.ok(validate({ api_key: KEY, audience_id: AUDIENCE, new_member_status: 'subscribed', merge_fields: { company: 'COMPANY' }, tags: ['website'] }), JSON.stringify(validate.errors));
  assert.ok(!validate({ api_key: KEY, audience_id: AUDIENCE, new_member_status: 'pending' }), 'only transactional or subscribed');
  assert.ok(!validate({ api_key: KEY }), 'audience_id is required');
  assert.deepEqual(validateMailchimpConfig({ api_key: KEY, audience_id: AUDIENCE }), []);
  assert.deepEqual(validateMailchimpConfig({ api_key: '0123456789abcdef0123456789abcdef', audience_id: AUDIENCE }).map((p) => p.field), ['api_key']);
  assert.match(validateMailchimpConfig({ api_key: '0123456789abcdef', audience_id: AUDIENCE })[0]!.message, /does not end with the account's data center/);
  assert.match(validateMailchimpConfig({ api_key: '0123 4567-us21', audience_id: AUDIENCE })[0]!.message, /white space/);
  const tags = validateMailchimpConfig({ api_key: KEY, merge_fields: { company: 'company', mail: 'EMAIL' } });
  assert.deepEqual(tags.map((p) => p.field), ['merge_fields', 'merge_fields']);
  assert.match(tags[0]!.message, /^maps the trait "company" to "company", which is no merge tag/);
  assert.match(tags[1]!.message, /^maps the trait "mail" to EMAIL: the member's email is its identity/);
  assert.ok(validateMailchimpConfig({ api_key: 'secretpart-us21x' }).every((p) => !p.message.includes('secretpart')), 'messages never repeat the key');
});

test('forgetPerson: an email userId to delete-permanent by subscriber hash, another userId as contact_id (a 404 then fails), an anonymousId alone skipped; answers read', () => {
  assert.equal(forgetPerson.enabled({ api_key: KEY, audience_id: AUDIENCE }), true);
  assert.equal(forgetPerson.enabled({ api_key: KEY, audience_id: AUDIENCE, forward_deletions: false }), false);
  const [byEmail, ...more] = forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: 'df_1' }, ctx()) as RequestDescriptor[];
  assert.deepEqual(byEmail, { method: 'POST', url: `${BASE}/members/${JANE_HASH}/actions/delete-permanent`, headers: HEADERS, eventIds: [] });
  assert.deepEqual(more, []);
  const [byContactId, ...others] = forgetPerson.request({ userId: 'user 1', anonymousId: null }, ctx()) as RequestDescriptor[];
  assert.equal(byContactId!.url, `${BASE}/members/user%201/actions/delete-permanent`);
  assert.deepEqual(others, []);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1' }, ctx()), { skipped: ANONYMOUS_ONLY });
  const fromEmails = forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: [' Ann@Example.com ', 'ann@example.com', 'ann@', `${'a'.repeat(250)}@example.com`] }, ctx()) as RequestDescriptor[];
  assert.equal(fromEmails.length, 1, 'each address once (case aside), none that is no address or longer than 254 characters');
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: [] }, ctx()), { skipped: ANONYMOUS_ONLY });
  assert.ok('skipped' in (forgetPerson.request({ userId: 'null', anonymousId: null }, ctx()) as object));
  const read = (status: number, request: RequestDescriptor, body: unknown = ''): ForgetOutcome => forgetPerson.read!(answer(status, body), request, ctx());
  assert.deepEqual(read(204, byEmail!), { done: true, message: `accepted (HTTP 204): ${DELETED}` });
  assert.deepEqual(read(404, byEmail!), { done: true, message: 'the audience has no member with this email: nothing to delete' });
  assert.match((read(404, byContactId!) as { failed: string }).failed, /no member whose contact_id is this userId/);
  assert.deepEqual(read(429, byEmail!), { retry: 'HTTP 429' });
  assert.ok('retry' in read(503, byEmail!));
  assert.match((read(401, byEmail!, { title: 'API Key Invalid', detail: 'Your API key may be invalid.' }) as { failed: string }).failed, /refused the API key for the deletion: check config\.api_key .*\(Mailchimp: API Key Invalid: Your API key may be invalid\.\)/);
  assert.deepEqual(read(405, byEmail!, { title: 'Method Not Allowed', detail: 'This list member cannot be removed.' }), { failed: 'HTTP 405 (Mailchimp: Method Not Allowed: This list member cannot be removed.)' });
});

test('forgetPerson by the emails Signal found for the person: a permanent delete by subscriber hash each, before a userId\'s contact_id (whose 404 is then nothing to delete); the userId\'s address once; an entry that is no address left out', () => {
  const deleting = (member: string): RequestDescriptor => ({ method: 'POST', url: `${BASE}/members/${member}/actions/delete-permanent`, headers: HEADERS, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com'] }, ctx()), [deleting(JANE_HASH)], 'a visitor whose identify gave an email');
  const afterEmails = { ...deleting('user%201'), memo: { mailchimp: 'after emails' } };
  assert.deepEqual(forgetPerson.request({ userId: 'user 1', anonymousId: 'df_1', emails: ['jane@example.com', 'j.doe@work.example'] }, ctx()), [deleting(JANE_HASH), deleting(subscriberHash('j.doe@work.example')), afterEmails], 'the contact_id last, saying the emails went before it');
  // Its 404 then means nothing to delete there: the member deleted by email (or never there) has no other contact_id.
  assert.deepEqual(forgetPerson.read!(answer(404, { title: 'Resource Not Found', status: 404 }), afterEmails, ctx()), { done: true, message: 'no member has this userId as its contact_id (Mailchimp keys members by email; the person\'s emails were asked for before it): nothing more to delete' });
  // Alone (no email known), its 404 fails: the person may be there under an email Signal did not know.
  const [alone] = forgetPerson.request({ userId: 'user 1', anonymousId: 'df_1', emails: [] }, ctx()) as RequestDescriptor[];
  assert.deepEqual(alone, { ...deleting('user%201'), memo: { mailchimp: 'contact id alone' } });
  assert.match((forgetPerson.read!(answer(404, { title: 'Resource Not Found', status: 404 }), alone!, ctx()) as { failed: string }).failed, /^HTTP 404: Mailchimp has no member whose contact_id is this userId \(.*Signal knew no email of the person\): delete the contact in Mailchimp by their email/);
  assert.ok('retry' in forgetPerson.read!(answer(503, ''), afterEmails, ctx()), 'other answers read as before');
  // A userId shaped like a subscriber hash (a UUID without hyphens; Mailchimp's contact_ids are such too) is still a contact_id: alone, its 404 fails.
  const [hexAlone] = forgetPerson.request({ userId: '3f2a9c4e8b1d4f6a9e2c7b5d1a3e8f40', anonymousId: null }, ctx()) as RequestDescriptor[];
  assert.match((forgetPerson.read!(answer(404, { title: 'Resource Not Found', status: 404 }), hexAlone!, ctx()) as { failed: string }).failed, /^HTTP 404: Mailchimp has no member whose contact_id is this userId/);
  assert.deepEqual(forgetPerson.read!(answer(404, { title: 'Resource Not Found', status: 404 }), deleting(JANE_HASH), ctx()), { done: true, message: 'the audience has no member with this email: nothing to delete' }, 'an email\'s 404: nothing to delete');
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'jane@example'] }, ctx()), [deleting(JANE_HASH)], 'the userId\'s address once, whatever its case; none without a domain dot');
});

test('classify: a batch refused as a whole (400) for members its errors name by index dead-letters just those, the others are sent again without them; no index named: split', () => {
  const problem = (errors: JsonValue[]) => answer(400, { type: 'https://mailchimp.com/developer/marketing/docs/errors/', title: 'Invalid Resource', status: 400, detail: 'The resource submitted could not be validated. For field-specific details, see the \'errors\' array.', errors });
  const request = batchRequest(['a', 'b', 'c']);
  // The shape of a real answer (brandonseydel/MailChimp.Net#567): the member named by its index in `members`.
  assert.deepEqual(classifyMailchimp(problem([
    { field: 'members.item:1.status', message: 'Data presented is not one of the enum values' },
    { field: 'members.item:1.merge_fields.FNAME', message: 'Please enter a value' },
  ]), request, ctx()), {
    perEvent: {
      a: { status: 'resend', reason: 'Mailchimp refused the whole batch for another member\'s value (HTTP 400: Invalid Resource): sent again without it' },
      b: { status: 'dead_letter', reason: 'Mailchimp refused the member (HTTP 400: Invalid Resource; status: Data presented is not one of the enum values; merge_fields.FNAME: Please enter a value)' },
      c: { status: 'resend', reason: 'Mailchimp refused the whole batch for another member\'s value (HTTP 400: Invalid Resource): sent again without it' },
    },
  });
  const everyone = classifyMailchimp(problem([0, 1, 2].map((i) => ({ field: `members.item:${i}.status`, message: 'required' }))), request, ctx());
  assert.deepEqual(Object.values('perEvent' in everyone ? everyone.perEvent : {}).map((o) => o.status), ['dead_letter', 'dead_letter', 'dead_letter'], 'all named: all dead-lettered in one answer, not halved down to single members');
  assert.equal(statusOf(classifyMailchimp(problem([{ field: 'members.item:7.status', message: 'required' }]), request, ctx())), 'split', 'an index outside the request names no member of it: split');
  assert.equal(statusOf(classifyMailchimp(problem([{ field: 'update_existing', message: 'not a boolean' }]), request, ctx())), 'split', 'no member named: split');
});
