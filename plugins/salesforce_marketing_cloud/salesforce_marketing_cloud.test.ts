import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import plugin, { validateMarketingCloudConfig } from './index.ts';
import { marketingCloudTokenRequest, readMarketingCloudTokenAnswer } from './access-token.ts';
import { classifyMarketingCloud, saidOf } from './classify.ts';
import { marketingCloudConfigWarnings, restBaseOf, subdomainOf, tokenUrlOf } from './config.ts';
import { deletionKeysOf, forgetPerson, statusRequest } from './forget-person.ts';
import { columnsOf, contactKeyOf, fitRecord } from './records.ts';
import { buildRequests, endpointOf, MAX_ROWS_PER_REQUEST } from './requests.ts';

const SUBDOMAIN = 'mc563885gzs27c5t9-63k636ttgm';
const REST = `https://${SUBDOMAIN}.rest.marketingcloudapis.com`;
const TOKEN = 'eyJhbGciOiJIUzI1NiIsImtpZCI6IjQiLCJ2ZXIiOiIxIiwidHlwIjoiSldUIn0.access';
const NOW = Date.parse('2026-12-01T12:00:00Z');
const TIME = '2026-11-30T16:00:00.000Z';
const JOURNEY_KEY = 'APIEvent-2b2e7f1c-5a2d-4a6e-9d7b-0c1e2f3a4b5c';
const BASE: Record<string, JsonValue> = {
  subdomain: SUBDOMAIN, client_id: 'client-id-1', client_secret: 'client-secret-1',
  traits_data_extension: 'Signal_Profiles', trait_columns: { email: 'EmailAddress', firstName: 'FirstName', 'address.city': 'City', plan: 'Plan' },
  event_data_extensions: { 'Order Completed': 'Signal_Orders' }, journey_events: { 'Signed Up': JOURNEY_KEY },
  property_columns: { order_id: 'OrderId', total: 'Revenue', plan: 'Plan' },
};
const ctx = (config: Record<string, JsonValue> = {}): PluginContext => ({ config: { ...BASE, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: TOKEN });
const track = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Order Completed', messageId: 'm-1', userId: 'user-123', anonymousId: 'df_abc123', timestamp: TIME, receivedAt: '2026-11-30T16:00:00.100Z',
  context: { ip: '203.0.113.42' }, ...overrides,
} as CanonicalEvent);
const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => track({ type: 'identify', event: undefined, traits, ...overrides } as Partial<CanonicalEvent>);
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), json: typeof body === 'string' ? undefined : body });
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const mapper = (config: Record<string, JsonValue> = {}) => createEventMapper(plugin, { variant: 'default', blueprint: readFileSync(new URL('../../blueprints/salesforce_marketing_cloud/default.yaml', import.meta.url), 'utf8') }, ctx(config));
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}): MappedEvent => ({ id: event.messageId, event, payload: mapper(config)(event).payload! });
const rowsetRequest = (ids: string[], key = 'Signal_Orders'): RequestDescriptor => ({ method: 'POST', url: `${REST}/hub/v1/dataevents/key:${key}/rowset`, eventIds: ids, body: ids.map((id) => ({ keys: { ContactKey: id }, values: { Plan: 'x' } })) });
const journeyRequest = (id = 'm-1'): RequestDescriptor => ({ method: 'POST', url: `${REST}/interaction/v1/events`, eventIds: [id], body: { ContactKey: 'user-123', EventDefinitionKey: JOURNEY_KEY, Data: {} } });

test('config: the subdomain is one host label; a pasted Authentication Base URI is read; anything else names the field', () => {
  assert.equal(subdomainOf({ subdomain: SUBDOMAIN }), SUBDOMAIN);
  assert.equal(subdomainOf({ subdomain: `https://${SUBDOMAIN}.auth.marketingcloudapis.com/` }), SUBDOMAIN);
  assert.equal(subdomainOf({ subdomain: `https://${SUBDOMAIN.toUpperCase()}.rest.marketingcloudapis.com` }), SUBDOMAIN);
  for (const bad of ['mc123.attacker.com', 'attacker.com/', 'mc123@attacker.com', 'mc123:8080', 'mc 123', 'mc123/../../evil', 'https://example.com/', 'https://mc1.attacker.com/.auth.marketingcloudapis.com']) {
    assert.equal(subdomainOf({ subdomain: bad }), undefined, bad);
    const problems = validateMarketingCloudConfig({ ...BASE, subdomain: bad });
    assert.equal(problems[0]?.field, 'subdomain', bad);
    assert.match(problems[0]!.message, /give the tenant-specific subdomain \(28 characters starting with "mc"/);
  }
  assert.equal(tokenUrlOf(BASE), `https://${SUBDOMAIN}.auth.marketingcloudapis.com/v2/token`);
  assert.equal(restBaseOf(BASE), REST);
  assert.deepEqual(marketingCloudConfigWarnings(BASE), []);
  assert.match(marketingCloudConfigWarnings({ subdomain: 'test123' })[0]!.message, /not of the tenant-specific form/);
});

test('config: every mistake is named by its field, and the secret is never repeated', () => {
  assert.deepEqual(validateMarketingCloudConfig(BASE), []);
  const fields = (config: Record<string, JsonValue>) => validateMarketingCloudConfig({ ...BASE, ...config }).map((p) => p.field);
  assert.deepEqual(fields({ client_secret: 'abc def' }), ['client_secret']);
  assert.deepEqual(fields({ client_id: 'abc\ndef' }), ['client_id']);
  assert.deepEqual(fields({ account_id: 'MID-12' }), ['account_id']);
  assert.deepEqual(fields({ traits_data_extension: 'a/b' }), ['traits_data_extension']);
  assert.deepEqual(fields({ event_data_extensions: { 'Order Completed': '' } }), ['event_data_extensions']);
  assert.deepEqual(fields({ journey_events: { 'Signed Up': 'APIEvent.1' } }), ['journey_events']);
  assert.deepEqual(fields({ journey_events: { 'Order Completed': JOURNEY_KEY } }), ['journey_events'], 'an event both written and fired');
  assert.deepEqual(fields({ trait_columns: { firstName: 'First/Name' } }), ['trait_columns']);
  assert.deepEqual(fields({ trait_columns: { userId: 'ContactKey' } }), ['trait_columns'], 'the key column is the plugin\'s');
  assert.deepEqual(fields({ property_columns: { id: 'EventId' } }), ['property_columns']);
  assert.deepEqual(fields({ property_columns: { a: 'Plan', b: 'plan' } }), ['property_columns'], 'one property a column');
  assert.deepEqual(fields({ trait_columns: { '': 'X' } }), ['trait_columns']);
  assert.deepEqual(fields({ contact_key_column: 'Contact/Key' }), ['contact_key_column']);
  assert.deepEqual(fields({ trait_columns: null }), ['trait_columns'], 'a row needs values');
  assert.deepEqual(fields({ trait_columns: {} }), ['trait_columns'], 'an empty mapping would write no identify at all');
  assert.deepEqual(validateMarketingCloudConfig({ subdomain: SUBDOMAIN, client_id: 'i', client_secret: 's' }).map((p) => p.field), ['traits_data_extension'], 'nothing would be sent');
  for (const problem of validateMarketingCloudConfig({ ...BASE, client_secret: 'secret with space' })) assert.ok(!problem.message.includes('secret with space'));
});

test('the token request: JSON client credentials at the tenant\'s v2/token, the MID as a number; refusals name the fields', () => {
  const request = marketingCloudTokenRequest(ctx({ account_id: '514009876' }));
  assert.deepEqual(request, {
    method: 'POST', url: `https://${SUBDOMAIN}.auth.marketingcloudapis.com/v2/token`, headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: { grant_type: 'client_credentials', client_id: 'client-id-1', client_secret: 'client-secret-1', account_id: 514009876 }, eventIds: [],
  });
  assert.equal((marketingCloudTokenRequest(ctx()).body as JsonObject).account_id, undefined);
  assert.deepEqual(readMarketingCloudTokenAnswer(answer(200, { access_token: TOKEN, token_type: 'Bearer', expires_in: 1079, scope: 'data_extensions_write', rest_instance_url: `${REST}/` })), { accessToken: TOKEN, expiresInSeconds: 1079 });
  assert.throws(() => readMarketingCloudTokenAnswer(answer(401, { error: 'invalid_client', error_description: 'Invalid client ID. Use the client ID in Marketing Cloud Installed Packages.' })), {
    name: 'PermanentError', message: /^Marketing Cloud refused the API integration's credentials \(HTTP 401, invalid_client: Invalid client ID\..*check config\.client_id and config\.client_secret/,
  });
  assert.throws(() => readMarketingCloudTokenAnswer(answer(503, 'down')), { name: 'RetryableError' });
});

test('mapping: an identify becomes a row keyed by the userId with the mapped traits; anonymous visitors and placeholders are not sent', () => {
  const person = identify({ email: 'jane.doe@example.com', firstName: 'Jane', address: { city: 'London' }, plan: 'premium', tags: ['a'], phone: '+44 7700 900123' });
  assert.deepEqual(mapper()(person).payload, { row: { dataExtension: 'Signal_Profiles', keys: { ContactKey: 'user-123' }, values: { EmailAddress: 'jane.doe@example.com', FirstName: 'Jane', City: 'London', Plan: 'premium' } } });
  assert.equal(mapper()(identify({ firstName: 'Jane' }, { userId: undefined })).payload, null, 'an anonymous visitor');
  assert.equal(mapper()(identify({ firstName: 'Jane' }, { userId: 'undefined' })).payload, null, 'a placeholder id');
  assert.equal(mapper()(identify({ company: 'Acme' })).payload, null, 'no mapped trait: nothing to write');
  assert.equal(mapper({ traits_data_extension: '' })(person).payload, null, 'no identify data extension');
  assert.deepEqual((mapper({ contact_key_source: 'email', contact_key_column: 'SubscriberKey' })(person).payload!.row as JsonObject).keys, { SubscriberKey: 'jane.doe@example.com' });
  assert.deepEqual((mapper({ contact_key_source: 'email' })(track({ context: { traits: { email: 'jane@example.com' } } } as Partial<CanonicalEvent>)).payload!.row as JsonObject).keys, { ContactKey: 'jane@example.com', EventId: 'm-1' }, 'the remembered email');
  assert.equal(mapper({ contact_key_source: 'email' })(identify({ firstName: 'J' })).payload, null, 'no email');
  assert.equal(contactKeyOf({ userId: 'x'.repeat(255) }, ctx()), undefined, 'longer than a Contact Key');
});

test('mapping: track events become rows of their data extension or journey entry events; others and page views are not sent', () => {
  const order = track({ messageId: 'm-9', properties: { order_id: 'O-1', total: 27.5, plan: null, products: [{ id: 1 }], email: 'x@example.com' } });
  assert.deepEqual(mapper()(order).payload, { row: { dataExtension: 'Signal_Orders', keys: { ContactKey: 'user-123', EventId: 'm-9' }, values: { OrderId: 'O-1', Revenue: 27.5, EventDate: TIME } } });
  assert.deepEqual(mapper()(track({ event: 'Signed Up', properties: { plan: 'pro' } })).payload, { journey: { ContactKey: 'user-123', EventDefinitionKey: JOURNEY_KEY, Data: { Plan: 'pro', EventDate: TIME } } });
  assert.equal(mapper()(track({ event: 'Feature Activated' })).payload, null);
  assert.equal(mapper()(track({ type: 'page', event: undefined } as Partial<CanonicalEvent>)).payload, null);
  assert.equal(mapper()(track({ userId: undefined })).payload, null, 'anonymous');
  const warnings: string[] = [];
  assert.deepEqual(columnsOf({ a: { b: 1 }, c: true }, [['a', 'A'], ['c', 'C']], 'properties', (w) => warnings.push(w)), { C: true });
  assert.match(warnings[0]!, /properties\.a left out: the column A takes text, a number or a boolean, not an object/);
  assert.equal(fitRecord({ userId: 'u' }, track({ type: 'alias' } as Partial<CanonicalEvent>), ctx()), null);
});

test('requests: rowsets per data extension of 50 rows at most with the Bearer token, then one entry event a request', () => {
  const events = [
    mapped(identify({ firstName: 'Jane' }, { messageId: 'i-1' })),
    ...Array.from({ length: 51 }, (_, i) => mapped(track({ messageId: `o-${i}`, properties: { order_id: `O-${i}` } }))),
    mapped(track({ event: 'Signed Up', messageId: 's-1' })),
  ];
  const requests = buildRequests(events, ctx());
  assert.deepEqual(requests.map((r) => [r.url.replace(REST, ''), r.eventIds.length]), [
    ['/hub/v1/dataevents/key:Signal_Profiles/rowset', 1], ['/hub/v1/dataevents/key:Signal_Orders/rowset', MAX_ROWS_PER_REQUEST], ['/hub/v1/dataevents/key:Signal_Orders/rowset', 1], ['/interaction/v1/events', 1],
  ]);
  assert.deepEqual(requests[0], {
    method: 'POST', url: `${REST}/hub/v1/dataevents/key:Signal_Profiles/rowset`, eventIds: ['i-1'],
    headers: { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json', authorization: `Bearer ${TOKEN}` },
    body: [{ keys: { ContactKey: 'user-123' }, values: { FirstName: 'Jane' } }],
  });
  assert.deepEqual(requests[3]!.body, { ContactKey: 'user-123', EventDefinitionKey: JOURNEY_KEY, Data: { EventDate: TIME } });
  assert.equal(buildRequests([mapped(identify({ firstName: 'J' }), { traits_data_extension: 'Profiles Ü' })], ctx())[0]!.url, `${REST}/hub/v1/dataevents/key:Profiles%20%C3%9C/rowset`);
  assert.deepEqual(endpointOf(`${REST}/hub/v1/dataevents/key:Profiles%20%C3%9C/rowset`), { endpoint: 'rowset', dataExtension: 'Profiles Ü' });
  assert.throws(() => buildRequests([{ id: 'x', event: track(), payload: {} }], ctx()), /holds no Marketing Cloud record/);
});

test('classify: documented successes delivered; a 2xx that is not Marketing Cloud\'s answer sent again', () => {
  assert.equal(statusOf(classifyMarketingCloud(answer(200, [{ keys: { ContactKey: 'a' }, values: { Plan: 'x' } }]), rowsetRequest(['a']), ctx())), 'delivered');
  assert.equal(statusOf(classifyMarketingCloud(answer(201, { eventInstanceId: 'f6f2c2a3-8c3c-4e0c-9a1b-7d3c2f1e0a9b' }), journeyRequest(), ctx())), 'delivered');
  const proxy = classifyMarketingCloud(answer(200, '<html>Sign in to the proxy</html>'), rowsetRequest(['a', 'b']), ctx());
  assert.equal(statusOf(proxy), 'retry');
  assert.match(reasonOf(proxy), /not Marketing Cloud's answer \(a proxy\?\), so the rows are sent again/);
  assert.equal(statusOf(classifyMarketingCloud(answer(201, {}), journeyRequest(), ctx())), 'retry', 'an entry event answer without eventInstanceId');
  const empty = classifyMarketingCloud(answer(200, ''), rowsetRequest(['a']), ctx());
  assert.equal(statusOf(empty), 'retry', 'a rowset answered 200 without a body: not the documented answer, so not taken as written');
  assert.match(reasonOf(empty), /^HTTP 200 without Marketing Cloud's answer \(the rows written\): \(no body\) — not Marketing Cloud's answer/);
  assert.equal(statusOf(classifyMarketingCloud(answer(200, { ok: true }), rowsetRequest(['a']), ctx())), 'retry', 'an object is no rowset answer');
});

test('classify: refusals name what to fix; several rows refused in Marketing Cloud\'s words are split; rate limits and failures retried', () => {
  const refusal = { message: 'Unable to save rows for data extension ID 1f0a…', errorcode: 10006, documentation: '', additionalErrors: [{ message: 'Plan: The value for column [Plan] exceeds the maximum length.', errorcode: 10000, documentation: '' }] };
  assert.equal(saidOf(answer(400, refusal)), 'Unable to save rows for data extension ID 1f0a… (errorcode 10006); Plan: The value for column [Plan] exceeds the maximum length. (errorcode 10000)');
  assert.equal(statusOf(classifyMarketingCloud(answer(400, refusal), rowsetRequest(['a', 'b']), ctx())), 'split');
  const one = classifyMarketingCloud(answer(400, refusal), rowsetRequest(['a']), ctx());
  assert.equal(statusOf(one), 'dead_letter');
  assert.match(reasonOf(one), /^Marketing Cloud refused the row \(HTTP 400\): Unable to save rows .* — check that every column sent exists in the data extension/);
  const bare = classifyMarketingCloud(answer(400, { message: 'Unable to save rows for data extension ID 1f0a…', errorcode: 10006, documentation: '' }), rowsetRequest(['a']), ctx());
  assert.equal(statusOf(bare), 'retry', 'no detail: passing');
  const journey = classifyMarketingCloud(answer(400, { message: 'Event definition key not found', errorcode: 30000, documentation: '' }), journeyRequest(), ctx());
  assert.match(reasonOf(journey), /^Marketing Cloud refused the entry event \(HTTP 400\): Event definition key not found \(errorcode 30000\) — check that config\.journey_events names an existing, activated entry event/);
  const forbidden = classifyMarketingCloud(answer(403, { message: 'Insufficient privileges to complete this action.', errorcode: 20002, documentation: '' }), rowsetRequest(['a', 'b']), ctx());
  assert.equal(statusOf(forbidden), 'dead_letter');
  assert.match(reasonOf(forbidden), /lacks the Data Extensions: Write \(and Read\) permission/);
  assert.match(reasonOf(classifyMarketingCloud(answer(403, { message: 'Insufficient privileges', errorcode: 20002 }), journeyRequest(), ctx())), /lacks the Journeys: Execute \(and Read\) permission/);
  assert.match(reasonOf(classifyMarketingCloud(answer(404, { message: 'Not Found', errorcode: 404 }), rowsetRequest(['a'], 'Signal_Missing'), ctx())), /^Marketing Cloud answered HTTP 404 for the data extension with External Key "Signal_Missing" \(config\.traits_data_extension or config\.event_data_extensions\) \(Not Found \(errorcode 404\)\): check the key/);
  assert.match(reasonOf(classifyMarketingCloud(answer(401, { message: 'Not Authorized', errorcode: 0 }), rowsetRequest(['a']), ctx())), /refused the access token, also after renewing it/);
  assert.equal(statusOf(classifyMarketingCloud(answer(400, '<html>Bad Request</html>'), rowsetRequest(['a', 'b']), ctx())), 'dead_letter', 'not Marketing Cloud\'s words: no halves');
  assert.deepEqual(classifyMarketingCloud(answer(429, { message: 'Too Many Requests' }, { 'Retry-After': '30' }), rowsetRequest(['a']), ctx()), { status: 'retry', reason: 'Marketing Cloud rate-limited the API integration (HTTP 429: Too Many Requests)', retryAfterMs: 30_000 });
  assert.equal(statusOf(classifyMarketingCloud(answer(503, 'Service Unavailable'), rowsetRequest(['a']), ctx())), 'retry');
  assert.equal(statusOf(classifyMarketingCloud(answer(413, 'too large'), rowsetRequest(['a', 'b']), ctx())), 'split');
  assert.equal(statusOf(classifyMarketingCloud(answer(413, 'too large'), rowsetRequest(['a']), ctx())), 'dead_letter');
});

test('person deletions: delete by contact key (ContactAndAttributes), then the operation\'s status read once', () => {
  const request = forgetPerson.request({ userId: 'user-123', anonymousId: 'df_1' }, ctx()) as RequestDescriptor;
  assert.deepEqual(request, {
    method: 'POST', url: `${REST}/contacts/v1/contacts/actions/delete`, query: [['type', 'keys']],
    headers: { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json', authorization: `Bearer ${TOKEN}` },
    body: { values: ['user-123'], DeleteOperationType: 'ContactAndAttributes' }, eventIds: [],
  });
  assert.match((forgetPerson.request({ userId: null, anonymousId: 'df_1' }, ctx()) as { skipped: string }).skipped, /never an anonymous visitor's id/);
  assert.match((forgetPerson.request({ userId: 'user-123', anonymousId: null }, ctx({ contact_key_source: 'email' })) as { skipped: string }).skipped, /keys Marketing Cloud contacts by email address/);
  assert.deepEqual((forgetPerson.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ contact_key_source: 'email' })) as RequestDescriptor).body, { values: ['jane@example.com'], DeleteOperationType: 'ContactAndAttributes' });
  const accepted = forgetPerson.read!(answer(200, { operationInitiated: true, operationID: 2, requestServiceMessageID: 'r', resultMessages: [], serviceMessageID: 's' }), request, ctx());
  assert.deepEqual(accepted, { next: statusRequest('2', ctx()) });
  assert.equal(statusRequest('2', ctx()).url, `${REST}/contacts/v1/contacts/actions/delete/status`);
  const status = statusRequest('2', ctx());
  assert.deepEqual(forgetPerson.read!(answer(200, { operation: { operationID: 2, status: 'Pending' }, numberofRestorableDays: 14, resultMessages: [] }), status, ctx()), {
    done: true, message: 'Marketing Cloud accepted the deletion as operation 2: the contact is suppressed at once and deleted with its attributes after the account\'s restorable period (14 days); its status now: Pending',
  });
  assert.ok('done' in forgetPerson.read!(answer(404, { message: 'Not Found' }), status, ctx()), 'an unreadable status leaves the deletion accepted');
  assert.match((forgetPerson.read!(answer(200, { operationInitiated: false, hasErrors: true, resultMessages: ['Invalid key'] }), request, ctx()) as { failed: string }).failed, /did not start the deletion \(HTTP 200: Invalid key\)/);
  assert.ok('retry' in forgetPerson.read!(answer(200, '<html>proxy</html>'), request, ctx()));
  assert.match((forgetPerson.read!(answer(403, { message: 'Insufficient privileges', errorcode: 20002 }), request, ctx()) as { failed: string }).failed, /List and Subscribers: Write/);
  assert.deepEqual(forgetPerson.read!(answer(429, { message: 'slow down' }, { 'retry-after': '60' }), request, ctx()), { retry: 'HTTP 429: slow down', afterSeconds: 60 });
  assert.equal(forgetPerson.enabled({ ...BASE, forward_deletions: false }), false);
  assert.equal(forgetPerson.enabled(BASE), true);
});

test('person deletions keyed by email: every email address of the person — an email userId, the emails Signal found — each once, in one request', () => {
  const byEmail = ctx({ contact_key_source: 'email' });
  const valuesOf = (person: Parameters<typeof forgetPerson.request>[0]) => ((forgetPerson.request(person, byEmail) as RequestDescriptor).body as { values: string[] }).values;
  // Emails only: a userId that is no email, an anonymousId alone.
  assert.deepEqual(valuesOf({ userId: 'user-123', anonymousId: 'df_1', emails: ['jane@example.com', 'j.doe@work.example'] }), ['jane@example.com', 'j.doe@work.example']);
  assert.deepEqual(valuesOf({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com'] }), ['jane@example.com'], 'a visitor whose identify gave an email');
  // An email userId and the emails found: the userId's address, found again in another case, named once.
  assert.deepEqual(valuesOf({ userId: ' Jane@Example.com ', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example'] }), ['Jane@Example.com', 'j.doe@work.example']);
  // An entry the plugin takes for no address, or too long for a Contact Key, is ignored.
  assert.deepEqual(valuesOf({ userId: 'user-123', anonymousId: null, emails: ['jane@example', `${'j'.repeat(250)}@example.com`, 'jane@example.com'] }), ['jane@example.com']);
  assert.match((forgetPerson.request({ userId: 'user-123', anonymousId: null, emails: ['jane@example'] }, byEmail) as { skipped: string }).skipped, /^the plugin keys Marketing Cloud contacts by email address \(config\.contact_key_source\), the userId named is no email address and Signal knew no email of the person/);
  assert.match((forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: [] }, byEmail) as { skipped: string }).skipped, /never by an anonymous visitor's id, and Signal knew no email of the person/);
  assert.deepEqual(deletionKeysOf({ userId: 'undefined', anonymousId: 'null', emails: [] }, { contact_key_source: 'email' }), { skipped: 'the ids named are placeholders the plugin never sends to Marketing Cloud, so no contact of theirs can exist there' });
  // Keyed by the userId, the emails name no contact the plugin wrote.
  assert.deepEqual(deletionKeysOf({ userId: 'user-123', anonymousId: null, emails: ['jane@example.com'] }, {}), ['user-123']);
  assert.match(String((deletionKeysOf({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com'] }, {}) as { skipped: string }).skipped), /never an anonymous visitor's id/);
  // Several keys: the outcome says so.
  const request = forgetPerson.request({ userId: 'user-123', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example'] }, byEmail) as RequestDescriptor;
  const accepted = forgetPerson.read!(answer(200, { operationInitiated: true, operationID: 3, resultMessages: [] }), request, byEmail) as { next: RequestDescriptor };
  assert.deepEqual(accepted, { next: statusRequest('3', byEmail, 2) });
  assert.deepEqual(forgetPerson.read!(answer(200, { operation: { operationID: 3, status: 'Pending' }, numberofRestorableDays: 14, resultMessages: [] }), accepted.next, byEmail), {
    done: true, message: 'Marketing Cloud accepted the deletion of 2 contact keys as operation 3: the contacts are suppressed at once and deleted with their attributes after the account\'s restorable period (14 days); its status now: Pending',
  });
});
