import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, ClassifyResult, JsonObject, JsonValue, MappedEvent, NamedPerson, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import attio from './index.ts';
import { classifyAttio, rateLimitWaitMs } from './classify.ts';
import { domainOf } from './company.ts';
import { validateAttioConfig } from './config.ts';
import { ANONYMOUS_ONLY, forgetPerson, QUERY_URL } from './forget-person.ts';

const TOKEN = '7f3b9c2e5d1a4e8f9b6c0d2e4f6a8b1c';
const NOW = Date.parse('2024-03-24T16:00:00Z');
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', accept: 'application/json' };
const RECORD_ID = 'bf071e1f-6035-429d-b874-d83ea64ea13b';
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { access_token: TOKEN, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, warn: (message) => warnings.push(message),
});
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc', userId: 'u-1', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', traits: { email: 'jane@example.com' } },
  ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}) => browserEvent({ type: 'identify', event: undefined, traits, context: {}, ...overrides });
const group = (traits: JsonObject) => browserEvent({ type: 'group', event: undefined, groupId: 'g-1', traits } as Partial<CanonicalEvent>);
const blueprint = readFileSync(new URL('../../blueprints/attio/default.yaml', import.meta.url), 'utf8');
/** Maps an event as delivery does: the shipped blueprint, then the plugin's map hook. */
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []) => {
  const result = createEventMapper(attio, { variant: 'default', blueprint }, ctx(config))(event);
  warnings.push(...(result.warnings ?? []));
  return result;
};
const recordOf = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []): JsonObject => {
  const result = mapped(event, config, warnings);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return result.payload;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body }) });
const personEvent = (id: string): MappedEvent => ({ id, event: browserEvent({ messageId: id }), payload: { kind: 'person', values: { email_addresses: [`${id}@example.com`] } } });
const personRequest = (): RequestDescriptor => attio.send([personEvent('p1')], ctx())[0]!;
const companyRequest = (): RequestDescriptor => attio.send([{ id: 'c1', event: browserEvent(), payload: { kind: 'company', values: { domains: ['acme.com'] } } }], ctx())[0]!;
const error = (status: number, code: string, message: string) => answer(status, { status_code: status, type: 'invalid_request_error', code, message });
const reasonOf = (c: ClassifyResult): string => ('reason' in c ? c.reason : '');
const statusOf = (c: ClassifyResult): string => ('status' in c ? c.status : 'next' in c ? 'next' : 'perEvent');

test('identify → a person: email_addresses, the name in its three parts, phone in E.164, job_title, the userId in config.user_id_attribute, mapped traits under their slugs; unmapped traits not sent', () => {
  const record = recordOf(identify({ email: ' Jane@Example.com ', first_name: 'Jane', lastName: 'Doe', phone: '+44 7700 900123', title: 'CTO', plan: 'pro', seats: 3, tags: ['a', 'b'], secret_thing: 'x' }), {
    user_id_attribute: 'app_user_id', person_attributes: { plan: 'plan_tier', seats: 'seat_count', tags: 'tags' },
  });
  assert.deepEqual(record, {
    kind: 'person',
    values: {
      email_addresses: ['Jane@Example.com'], name: [{ first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe' }], phone_numbers: [{ original_phone_number: '+447700900123' }], job_title: 'CTO',
      app_user_id: 'u-1', plan_tier: 'pro', seat_count: 3, tags: ['a', 'b'],
    },
  });
});

test('a person: a full name alone is kept to merge after the assert; no userId attribute configured, no userId sent; an object trait and a local phone number left out with a warning', () => {
  const warnings: string[] = [];
  const record = recordOf(identify({ email: 'jane@example.com', name: 'Jane Doe', phone: '07700 900123', address: { city: 'Paris' } }), { person_attributes: { address: 'primary_location' } }, warnings);
  assert.deepEqual(record.values, { email_addresses: ['jane@example.com'] });
  assert.deepEqual(record.partial_name, { full_name: 'Jane Doe' });
  assert.deepEqual(warnings, [
    'phone left out: it is no international phone number (write it with + and its country code, e.g. +44 7700 900123)',
    'traits.address left out: Attio attributes take text, numbers, booleans or a list of them, not an object (map a field of it instead)',
  ]);
});

test('an identify without an email is not sent (said why); a malformed email is dead-lettered naming the trait; the email Signal remembers is used', () => {
  const warnings: string[] = [];
  assert.equal(mapped(identify({ firstName: 'Anon' }), {}, warnings).payload ?? undefined, undefined);
  assert.match(warnings.join('\n'), /not sent to Attio: the identify carries no email/);
  assert.match(String(mapped(identify({ email: 'jane@' })).error), /the email "jane@" \(traits\.email, or context\.traits\.email\) is not an email address Attio accepts/);
  const remembered = recordOf(identify({ plan: 'pro' }, { context: { traits: { email: 'kept@example.com' } } }));
  assert.deepEqual(remembered.values, { email_addresses: ['kept@example.com'] });
});

test('group → a company: domains (traits.domain, else the host of traits.website), name, mapped traits; no domain, not sent', () => {
  assert.deepEqual(recordOf(group({ name: 'Acme', website: 'https://www.Acme.com/pricing', industry: 'Software', employees: 50 }), { company_attributes: { industry: 'categories' } }), {
    kind: 'company', values: { domains: ['acme.com'], name: 'Acme', categories: 'Software' },
  });
  const warnings: string[] = [];
  assert.equal(mapped(group({ name: 'Nameless' }), {}, warnings).payload ?? undefined, undefined);
  assert.match(warnings.join('\n'), /not sent to Attio: the group call gives no company domain/);
  assert.equal(domainOf('acme'), undefined);
  assert.equal(domainOf('Sub.Acme.co.uk:8443'), 'sub.acme.co.uk');
});

test('track, page, screen and alias calls are never sent', () => {
  for (const type of ['track', 'page', 'screen', 'alias'] as const) {
    assert.equal(mapped(browserEvent({ type })).payload ?? undefined, undefined, type);
    assert.match(String(attio.neverSends?.(browserEvent({ type }), ctx())), /^not sent to Attio: /, type);
  }
  assert.equal(attio.neverSends?.(identify({ email: 'jane@example.com' }), ctx()), undefined);
});

test('requests: one record a request, PUT to its object\'s Assert endpoint with the matching attribute, the values under data, the Bearer token', () => {
  const [person, company] = attio.send([personEvent('p1'), { id: 'c1', event: browserEvent(), payload: { kind: 'company', values: { domains: ['acme.com'] } } }], ctx());
  assert.deepEqual(person, {
    method: 'PUT', url: 'https://api.attio.com/v2/objects/people/records', query: [['matching_attribute', 'email_addresses']], headers: HEADERS,
    body: { data: { values: { email_addresses: ['p1@example.com'] } } }, eventIds: ['p1'],
  });
  assert.equal(company!.url, 'https://api.attio.com/v2/objects/companies/records');
  assert.deepEqual(company!.query, [['matching_attribute', 'domains']]);
});

test('a partial name never wipes the part Attio holds: left out of the assert, then written merged with the held name by a PATCH, only when it changes anything', () => {
  const [request] = attio.send([{ id: 'p1', event: browserEvent({ messageId: 'p1' }), payload: recordOf(identify({ email: 'p1@example.com', firstName: 'Janet' })) }], ctx());
  assert.deepEqual(request!.body, { data: { values: { email_addresses: ['p1@example.com'] } } }, 'no name in the assert');
  const holding = (name: JsonObject) => answer(200, { data: { id: { record_id: RECORD_ID }, values: { name: [{ active_from: '2024-03-01T00:00:00Z', active_until: null, attribute_type: 'personal-name', ...name }] } } });
  const patchOf = (result: ClassifyResult) => ('next' in result ? (result.next as RequestDescriptor[])[0]!.body : result);
  const doe = { first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe' };
  assert.deepEqual(patchOf(classifyAttio(holding(doe), request!, ctx())), { data: { values: { name: [{ first_name: 'Janet', last_name: 'Doe', full_name: 'Janet Doe' }] } } }, 'the last name Attio holds kept');
  assert.deepEqual(patchOf(classifyAttio(answer(200, { data: { id: { record_id: RECORD_ID }, values: { name: [] } } }), request!, ctx())), { data: { values: { name: [{ first_name: 'Janet', last_name: '', full_name: 'Janet' }] } } }, 'a new person: the part given');
  assert.deepEqual(classifyAttio(holding({ first_name: 'Janet', last_name: 'Doe', full_name: 'Janet Doe' }), request!, ctx()), { status: 'delivered' }, 'nothing to change: no PATCH');

  const [full] = attio.send([{ id: 'p2', event: browserEvent({ messageId: 'p2' }), payload: recordOf(identify({ email: 'p2@example.com', name: 'jane  doe' })) }], ctx());
  assert.deepEqual(classifyAttio(holding(doe), full!, ctx()), { status: 'delivered' }, 'the full name Attio holds (case and spaces aside): the parts kept, no PATCH');
  assert.deepEqual(patchOf(classifyAttio(holding(doe), { ...full!, memo: { name: { full_name: 'Jane Smith' } } }, ctx())), { data: { values: { name: [{ first_name: '', last_name: '', full_name: 'Jane Smith' }] } } }, 'another full name: the former parts cleared');

  const both = recordOf(identify({ email: 'p3@example.com', firstName: 'Jane', lastName: 'Doe' }));
  assert.deepEqual([(both.values as JsonObject).name, both.partial_name], [[doe], undefined], 'both parts: asserted whole, as before');
});

test('a phone is added, never overwritten: the assert leaves phone_numbers out (Attio\'s assert replaces a multiselect attribute other than the matching one), and a PATCH of the asserted person adds the number when they do not hold it yet', () => {
  const phone = [{ original_phone_number: '+447700900123' }];
  const [request] = attio.send([{ id: 'p1', event: browserEvent({ messageId: 'p1' }), payload: { kind: 'person', values: { email_addresses: ['p1@example.com'], phone_numbers: phone } } }], ctx());
  assert.deepEqual(request!.body, { data: { values: { email_addresses: ['p1@example.com'] } } }, 'no phone_numbers in the assert');

  const created = classifyAttio(answer(200, { data: { id: { record_id: RECORD_ID }, values: { phone_numbers: [] } } }), request!, ctx());
  assert.deepEqual(created, { next: [{ method: 'PATCH', url: `https://api.attio.com/v2/objects/people/records/${RECORD_ID}`, headers: HEADERS, body: { data: { values: { phone_numbers: phone } } }, eventIds: ['p1'] }] });
  const [patch] = (created as { next: RequestDescriptor[] }).next;
  assert.deepEqual(classifyAttio(answer(200, { data: { id: { record_id: RECORD_ID }, values: {} } }), patch!, ctx()), { status: 'delivered' }, 'the PATCH answered: delivered');
  assert.equal(statusOf(classifyAttio(error(404, 'not_found', `Record with ID "${RECORD_ID}" not found.`), patch!, ctx())), 'retry', 'the person deleted between the two requests: tried again from the assert');

  const holding = answer(200, { data: { id: { record_id: RECORD_ID }, values: { phone_numbers: [{ original_phone_number: '07700 900123', country_code: 'GB', phone_number: '+447700900123', attribute_type: 'phone-number' }] } } });
  assert.deepEqual(classifyAttio(holding, request!, ctx()), { status: 'delivered' }, 'the person holds the number already: no PATCH');
  assert.equal(statusOf(classifyAttio(answer(200, { data: { values: {} } }), request!, ctx())), 'retry', 'no record id in the answer: not Attio\'s documented answer');
});

test('answers: 200 delivered; a web page retried; 429 throttled after Retry-After (a date, at least a second); a 409 write race retried, another 409 dead-lettered; 400 dead-lettered with Attio\'s code, message and what to check; 401 names the token; 5xx retried', () => {
  const ok = answer(200, { data: { id: { record_id: RECORD_ID }, values: {} } });
  assert.deepEqual(classifyAttio(ok, personRequest(), ctx()), { status: 'delivered' });
  assert.equal(statusOf(classifyAttio(answer(200, '<html><body>Sign in</body></html>'), personRequest(), ctx())), 'retry');

  const limited = classifyAttio(answer(429, { status_code: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit exceeded, please try again later' }, { 'Retry-After': 'Sun, 24 Mar 2024 16:00:03 GMT' }), personRequest(), ctx());
  assert.deepEqual(limited, { status: 'retry', reason: 'Attio rate limit reached (HTTP 429: rate_limit_exceeded: Rate limit exceeded, please try again later): 25 writes a second for the workspace', retryAfterMs: 3000, throttled: true });
  assert.equal(rateLimitWaitMs(answer(429, {}, { 'retry-after': 'Sun, 24 Mar 2024 15:59:59 GMT' }), NOW), 1000, 'a date passed already: the next second');

  assert.equal(statusOf(classifyAttio(error(409, 'concurrent_write_conflict', 'Another request is writing this record.'), personRequest(), ctx())), 'retry');
  const unique = classifyAttio(error(409, 'uniqueness_conflict', 'Value for attribute "app_user_id" must be unique.'), personRequest(), ctx());
  assert.deepEqual(unique, { status: 'dead_letter', reason: 'Attio refused the person (HTTP 409: uniqueness_conflict: Value for attribute "app_user_id" must be unique.)' });

  const invalid = classifyAttio(error(400, 'value_not_found', 'Cannot find attribute with slug/ID "plan_tier".'), personRequest(), ctx());
  assert.equal(reasonOf(invalid), 'Attio refused the person (HTTP 400: value_not_found: Cannot find attribute with slug/ID "plan_tier".): check config.person_attributes (or config.user_id_attribute) — each attribute must exist on People in Attio and take the trait\'s type (a select attribute an existing option\'s title) — then replay');
  assert.equal(statusOf(invalid), 'dead_letter');
  assert.match(reasonOf(classifyAttio(error(400, 'validation_type', 'Invalid value for attribute "categories".'), companyRequest(), ctx())), /^Attio refused the company .*check config\.company_attributes/);

  const refused = classifyAttio(answer(401, { status_code: 401, type: 'auth_error', code: 'unauthorized', message: 'Invalid access token.' }), personRequest(), ctx());
  assert.deepEqual(refused, { status: 'dead_letter', reason: 'Attio refused the access token (HTTP 401: unauthorized: Invalid access token.): check config.access_token (an access token of Workspace settings > Developers in Attio, not revoked, with the scopes record_permission:read-write and object_configuration:read)' });
  assert.equal(statusOf(classifyAttio(answer(503, 'Service Unavailable'), personRequest(), ctx())), 'retry');
});

test('config: a token pasted with Bearer, a title instead of a slug, and an attribute the plugin sets itself are refused naming the field', () => {
  assert.deepEqual(validateAttioConfig({ access_token: `Bearer ${TOKEN}`, person_attributes: { plan: 'Plan Tier', mail: 'email_addresses', seats: 'seat_count' }, company_attributes: { site: 'domains' }, user_id_attribute: 'User ID' }), [
    { field: 'access_token', message: 'starts with "Bearer ": give the Attio access token alone, Signal sends it as the Bearer token itself' },
    { field: 'person_attributes', message: 'maps "plan" to "Plan Tier", which is no Attio attribute slug: give the slug (lower-case letters, digits and _, e.g. "plan_tier", shown in the attribute\'s settings), not its title' },
    { field: 'person_attributes', message: 'maps "mail" to "email_addresses", which the plugin sets itself on people: map the trait to another attribute' },
    { field: 'company_attributes', message: 'maps "site" to "domains", which the plugin sets itself on companies: map the trait to another attribute' },
    { field: 'user_id_attribute', message: '"User ID" is no Attio attribute slug: give the slug of a People text attribute (lower-case letters, digits and _, e.g. "app_user_id")' },
  ]);
  assert.deepEqual(validateAttioConfig({ access_token: TOKEN, person_attributes: { plan: 'plan_tier' }, user_id_attribute: 'app_user_id' }), []);
});

const person = (overrides: Partial<NamedPerson> = {}): NamedPerson => ({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'], ...overrides } as NamedPerson);

test('deletions: a query by each email (and by the userId in config.user_id_attribute); the person found holding it is deleted; none found is done; one not holding it is never deleted', () => {
  const requests = forgetPerson.request(person(), ctx({ user_id_attribute: 'app_user_id' })) as RequestDescriptor[];
  assert.deepEqual(requests.map((r) => [r.method, r.url, r.body]), [
    ['POST', QUERY_URL, { filter: { email_addresses: 'jane@example.com' }, limit: 10 }],
    ['POST', QUERY_URL, { filter: { app_user_id: 'u-1' }, limit: 10 }],
  ]);
  assert.deepEqual(requests[0]!.headers, HEADERS);

  const found = forgetPerson.read!(answer(200, { data: [{ id: { record_id: RECORD_ID }, values: { email_addresses: [{ email_address: '[…]', original_email_address: '[…]' }] } }] }), requests[0], ctx());
  assert.ok('next' in found);
  assert.equal(found.next.method, 'DELETE');
  assert.equal(found.next.url, `https://api.attio.com/v2/objects/people/records/${RECORD_ID}`);
  assert.deepEqual(found.next.headers, HEADERS);
  assert.deepEqual(forgetPerson.read!(answer(200, {}), found.next, ctx()), { done: true, message: 'accepted (HTTP 200): Attio deleted the person (by email), with their attribute values' });
  assert.deepEqual(forgetPerson.read!(error(404, 'not_found', 'Record not found.'), found.next, ctx()), { done: true, message: 'Attio has no such person any more (HTTP 404, by email): deleted already' });

  const byUserId = forgetPerson.read!(answer(200, { data: [{ id: { record_id: RECORD_ID }, values: { app_user_id: [{ value: 'u-1' }] } }] }), requests[1], ctx());
  assert.ok('next' in byUserId);

  assert.deepEqual(forgetPerson.read!(answer(200, { data: [] }), requests[0], ctx()), { done: true, message: 'Attio has no person with this email: nothing to delete' });
  const other = forgetPerson.read!(answer(200, { data: [{ id: { record_id: RECORD_ID }, values: { email_addresses: [{ email_address: 'someone@else.com' }] } }] }), requests[0], ctx());
  assert.ok('failed' in other && /none holding the person's email: nothing was deleted/.test(other.failed));
  assert.ok('retry' in forgetPerson.read!(answer(200, '<html></html>'), requests[0], ctx()), 'not Attio\'s answer: tried again');
});

test('deletions: 429 and 5xx tried again, 401 fails naming the token; an anonymousId alone, or a userId without config.user_id_attribute, is skipped; forward_deletions off disables it', () => {
  const [lookup] = forgetPerson.request(person(), ctx()) as RequestDescriptor[];
  assert.deepEqual(forgetPerson.read!(answer(429, { code: 'rate_limit_exceeded' }, { 'retry-after': 'Sun, 24 Mar 2024 16:00:02 GMT' }), lookup, ctx()), { retry: 'Attio rate limit reached (HTTP 429: rate_limit_exceeded)', afterSeconds: 2 });
  assert.ok('retry' in forgetPerson.read!(answer(502, 'Bad Gateway'), lookup, ctx()));
  const refused = forgetPerson.read!(answer(403, { code: 'unauthorized', message: 'Missing scope record_permission:read-write' }), lookup, ctx());
  assert.ok('failed' in refused && refused.failed.startsWith('HTTP 403: Attio refused the access token for the lookup of the person (by email) (unauthorized: Missing scope record_permission:read-write): check config.access_token'));
  assert.deepEqual(forgetPerson.request(person({ userId: null, emails: [], anonymousId: 'df_abc' }), ctx()), { skipped: ANONYMOUS_ONLY });
  assert.match(String((forgetPerson.request(person({ emails: [] }), ctx()) as { skipped: string }).skipped), /config\.user_id_attribute is not set/);
  assert.equal(forgetPerson.enabled({ access_token: TOKEN, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled({ access_token: TOKEN }), true);
});
