import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { PermanentError, RetryableError, type CanonicalEvent, type ClassifyResult, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import zoho from './index.ts';
import { readZohoTokenAnswer, zohoTokenRequest } from './access-token.ts';
import { classifyZohoCrm, fallbackFor } from './classify.ts';
import { apiBaseOf, tokenUrlOf, validateZohoCrmConfig } from './config.ts';
import { forgetPerson, NO_EMAIL } from './forget-person.ts';
import { buildRequests } from './requests.ts';

const NOW = Date.parse('2026-11-30T16:00:00Z');
const CONFIG: Record<string, JsonValue> = { client_id: '1000.CLIENT', client_secret: 'secret', refresh_token: '1000.refresh.token' };
const ctx = (config: Record<string, JsonValue> = {}, warnings: string[] = []): PluginContext => ({
  config: { ...CONFIG, ...config }, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: '1000.access', warn: (message) => warnings.push(message),
});
const identify = (traits: JsonObject, context: JsonObject = {}, messageId = 'm-1'): CanonicalEvent => ({
  type: 'identify', messageId, anonymousId: 'df_abc', userId: 'u-1', timestamp: '2026-11-30T16:00:00.000Z', receivedAt: '2026-11-30T16:00:00.100Z', traits, context,
} as CanonicalEvent);
const blueprint = readFileSync(new URL('../../blueprints/zoho_crm/default.yaml', import.meta.url), 'utf8');
const mapped = (event: CanonicalEvent, config: Record<string, JsonValue> = {}, warnings: string[] = []) => {
  const result = createEventMapper(zoho, { variant: 'default', blueprint }, ctx(config))(event);
  warnings.push(...(result.warnings ?? []));
  return result;
};
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: typeof body === 'string' ? body : JSON.stringify(body), ...(typeof body === 'string' ? {} : { json: body as JsonValue }) });
const batchOf = (events: CanonicalEvent[], config: Record<string, JsonValue> = {}): MappedEvent[] => events.map((event) => {
  const result = mapped(event, config);
  assert.ok(result.payload, `mapped: ${result.error ?? 'dropped'}`);
  return { id: event.messageId, event, payload: result.payload };
});
const upsertOf = (traits: JsonObject, config: Record<string, JsonValue> = {}): RequestDescriptor => buildRequests(batchOf([identify(traits)], config), ctx(config))[0]!;
const success = (action = 'insert') => ({ code: 'SUCCESS', duplicate_field: action === 'update' ? 'Email' : null, action, details: { id: '4150868000003194003' }, message: action === 'update' ? 'record updated' : 'record added', status: 'success' });
const nextOf = (result: ClassifyResult): RequestDescriptor => {
  assert.ok('next' in result, `a follow-up, not ${JSON.stringify(result)}`);
  assert.equal(result.next.length, 1);
  return result.next[0]!;
};

test('each data center has its accounts server and API domain', () => {
  assert.equal(tokenUrlOf({}), 'https://accounts.zoho.com/oauth/v2/token');
  assert.equal(apiBaseOf({}), 'https://www.zohoapis.com/crm/v8');
  assert.equal(tokenUrlOf({ data_center: 'eu' }), 'https://accounts.zoho.eu/oauth/v2/token');
  assert.equal(tokenUrlOf({ data_center: 'ca' }), 'https://accounts.zohocloud.ca/oauth/v2/token');
  assert.equal(apiBaseOf({ data_center: 'ca' }), 'https://www.zohoapis.ca/crm/v8');
  assert.equal(apiBaseOf({ data_center: 'cn' }), 'https://www.zohoapis.com.cn/crm/v8');
  assert.equal(apiBaseOf({ data_center: 'sa' }), 'https://www.zohoapis.sa/crm/v8');
  assert.equal(tokenUrlOf({ data_center: 'uk' }), 'https://accounts.zoho.uk/oauth/v2/token');
  assert.equal(apiBaseOf({ data_center: 'uk' }), 'https://www.zohoapis.uk/crm/v8');
});

test('the config check names its field: pasted secrets, bad trait paths, two traits on one field, a trait on Email or id', () => {
  assert.deepEqual(validateZohoCrmConfig({ ...CONFIG, field_map: { plan: 'Plan' } }), []);
  const problems = validateZohoCrmConfig({ ...CONFIG, refresh_token: '1000.a b', field_map: { a: 'Plan', b: 'plan', ' c': 'Other', mail: 'Email', key: 'id' } });
  assert.deepEqual(problems.map((problem) => problem.field), ['refresh_token', 'field_map', 'field_map', 'field_map', 'field_map']);
  assert.match(problems[1]!.message, /traits a and b both map to the field plan/);
  assert.match(problems[3]!.message, /Email, which Signal fills/);
});

test('the token request is the refresh token grant at the accounts server; the answer\'s hour is kept', () => {
  const request = zohoTokenRequest(ctx({ data_center: 'in' }));
  assert.equal(request.method, 'POST');
  assert.equal(request.url, 'https://accounts.zoho.in/oauth/v2/token');
  assert.deepEqual([...new URLSearchParams(String(request.body))], [['grant_type', 'refresh_token'], ['refresh_token', '1000.refresh.token'], ['client_id', '1000.CLIENT'], ['client_secret', 'secret']]);
  assert.deepEqual(readZohoTokenAnswer(answer(200, { access_token: '1000.abc', expires_in: 3600, api_domain: 'https://www.zohoapis.in', token_type: 'Bearer' })), { accessToken: '1000.abc', expiresInSeconds: 3600 });
});

test('a refused refresh token answered with HTTP 200 ({"error":"invalid_code"}) is permanent, naming the fields; "Access Denied" for too many token requests is tried again', () => {
  assert.throws(() => readZohoTokenAnswer(answer(200, { error: 'invalid_code' })), (error: unknown) => error instanceof PermanentError && /invalid_code.*config\.data_center.*config\.refresh_token/.test(error.message));
  assert.throws(() => readZohoTokenAnswer(answer(400, { error_description: 'You have made too many requests continuously. Please try again after some time.', error: 'Access Denied', status: 'failure' })), (error: unknown) => error instanceof RetryableError);
  assert.throws(() => readZohoTokenAnswer(answer(503, 'down')), (error: unknown) => error instanceof RetryableError);
});

test('an identify is one upsert by Email with the Zoho-oauthtoken header: the standard Lead fields, the mapped traits, a split name', () => {
  const upsert = upsertOf({ email: 'Jane.Doe@Example.com', name: 'Mary Jane Doe', company: { name: 'Acme' }, title: 'CTO', phone: '+1 555 0100', plan: 'pro', address: { city: 'Paris', postalCode: '75001' } }, { field_map: { plan: 'Plan' } });
  assert.equal(upsert.method, 'POST');
  assert.equal(upsert.url, 'https://www.zohoapis.com/crm/v8/Leads/upsert');
  assert.equal(upsert.headers!.authorization, 'Zoho-oauthtoken 1000.access');
  assert.deepEqual(upsert.body, {
    data: [{ First_Name: 'Mary Jane', Last_Name: 'Doe', Company: 'Acme', Phone: '+1 555 0100', Designation: 'CTO', City: 'Paris', Zip_Code: '75001', Plan: 'pro', Email: 'Jane.Doe@Example.com' }],
    duplicate_check_fields: ['Email'],
  });
  assert.deepEqual(upsert.eventIds, ['m-1']);
});

test('Contacts: the Mailing address and Title; a company is left out with a warning; workflows off sends trigger []', () => {
  const warnings: string[] = [];
  const result = mapped(identify({ email: 'jane@example.com', lastName: 'Doe', company: 'Acme', title: 'CTO', address: { country: 'FR' } }), { module: 'Contacts' }, warnings);
  const upsert = buildRequests([{ id: 'm-1', event: identify({}), payload: result.payload! }], ctx({ module: 'Contacts', trigger_workflows: false }))[0]!;
  assert.equal(upsert.url, 'https://www.zohoapis.com/crm/v8/Contacts/upsert');
  assert.deepEqual(upsert.body, { data: [{ Last_Name: 'Doe', Title: 'CTO', Mailing_Country: 'FR', Email: 'jane@example.com' }], duplicate_check_fields: ['Email'], trigger: [] });
  assert.ok(warnings.some((warning) => /company left out: Contacts have no Company/.test(warning)), warnings.join(' | '));
});

test('one person\'s identifies in a batch are one record, the later fields over the earlier; other people their own', () => {
  const batch = batchOf([identify({ email: 'a@example.com', title: 'Dev' }, {}, 'm-1'), identify({ email: 'b@example.com', lastName: 'B' }, {}, 'm-2'), identify({ email: 'A@example.com', title: 'CTO', lastName: 'A' }, {}, 'm-3')]);
  const [upsert, ...rest] = buildRequests(batch, ctx());
  assert.equal(rest.length, 0);
  assert.deepEqual((upsert!.body as JsonObject).data, [{ Designation: 'CTO', Email: 'A@example.com', Last_Name: 'A' }, { Last_Name: 'B', Email: 'b@example.com' }]);
  assert.deepEqual(upsert!.memo, { zoho: 'upsert', events: [['m-1', 'm-3'], ['m-2']] });
});

test('not sent: an email Signal only remembers (Zoho\'s upsert would create), no email, track and the other call types; a malformed email dead-lettered', () => {
  const warnings: string[] = [];
  assert.equal(mapped(identify({ firstName: 'Remy' }, { traits: { email: 'remy@example.com' } }), {}, warnings).payload ?? null, null);
  assert.match(warnings.join(' | '), /only remembers one/);
  assert.equal(mapped(identify({ firstName: 'No Mail' })).payload ?? null, null);
  for (const type of ['track', 'page', 'screen', 'alias', 'group'] as const) {
    assert.equal(zoho.neverSends!({ type } as CanonicalEvent, ctx()) !== undefined, true, type);
  }
  assert.match(String(mapped(identify({ email: 'jane@' })).error), /not an email address Zoho CRM accepts/);
});

test('SUCCESS entries deliver their events; an entry missing is retried; INVALID_DATA and DUPLICATE_DATA dead-lettered with Zoho\'s words and the field', () => {
  const upsert = buildRequests(batchOf([identify({ email: 'a@example.com', lastName: 'A' }, {}, 'm-1'), identify({ email: 'b@example.com', lastName: 'B', phone: 'x' }, {}, 'm-2'), identify({ email: 'c@example.com', lastName: 'C' }, {}, 'm-3')]), ctx())[0]!;
  const result = classifyZohoCrm(answer(400, { data: [success(), { code: 'INVALID_DATA', details: { expected_data_type: 'phone', api_name: 'Phone' }, message: 'invalid data', status: 'error' }] }), upsert, ctx());
  assert.ok('perEvent' in result);
  assert.deepEqual(result.perEvent['m-1'], { status: 'delivered' });
  assert.equal(result.perEvent['m-2']!.status, 'dead_letter');
  assert.match((result.perEvent['m-2'] as { reason: string }).reason, /^Zoho CRM refused the record: INVALID_DATA: invalid data \(Phone\): a value is not one Phone takes/);
  assert.equal(result.perEvent['m-3']!.status, 'retry');
  const duplicate = classifyZohoCrm(answer(200, { data: [{ code: 'DUPLICATE_DATA', details: { api_name: 'Signal_Id' }, message: 'duplicate data', status: 'error' }] }), upsertOf({ email: 'a@example.com' }), ctx());
  assert.ok('perEvent' in duplicate);
  assert.match((duplicate.perEvent['m-1'] as { reason: string }).reason, /DUPLICATE_DATA: duplicate data \(Signal_Id\): another record of Leads holds this value/);
});

test('MANDATORY_NOT_FOUND for Last_Name: that record alone upserted again with the email\'s local part; then a Lead\'s Company with the placeholder', () => {
  const upsert = buildRequests(batchOf([identify({ email: 'jane.doe@example.com' }, {}, 'm-1'), identify({ email: 'known@example.com', title: 'VP' }, {}, 'm-2')]), ctx())[0]!;
  const result = classifyZohoCrm(answer(400, { data: [{ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name' }, message: 'required field not found', status: 'error' }, success('update')] }), upsert, ctx());
  const again = nextOf(result);
  assert.deepEqual((result as { settle?: unknown }).settle, { 'm-2': { status: 'delivered' } });
  assert.deepEqual(again.body, { data: [{ Email: 'jane.doe@example.com', Last_Name: 'jane.doe' }], duplicate_check_fields: ['Email'] });
  assert.deepEqual(again.eventIds, ['m-1']);
  const company = nextOf(classifyZohoCrm(answer(400, { data: [{ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Company' }, message: 'required field not found', status: 'error' }] }), again, ctx()));
  assert.deepEqual((company.body as JsonObject).data, [{ Email: 'jane.doe@example.com', Last_Name: 'jane.doe', Company: '[not provided]' }]);
  // A field the plugin has no fallback for, or one it gave already: dead-lettered.
  const still = classifyZohoCrm(answer(400, { data: [{ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Company' }, message: 'required field not found', status: 'error' }] }), company, ctx());
  assert.ok('perEvent' in still);
  assert.match((still.perEvent['m-1'] as { reason: string }).reason, /MANDATORY_NOT_FOUND: required field not found \(Company\): Zoho CRM requires Company/);
});

test('the Last_Name fallback follows the config: the placeholder, or none (then dead-lettered)', () => {
  assert.equal(fallbackFor('Last_Name', { Email: 'jane@example.com' }, ctx({ last_name_fallback: 'placeholder', placeholder: 'Unknown' })), 'Unknown');
  assert.equal(fallbackFor('Last_Name', { Email: 'jane@example.com' }, ctx({ last_name_fallback: 'none' })), undefined);
  assert.equal(fallbackFor('Company', {}, ctx({ module: 'Contacts' })), undefined);
  const result = classifyZohoCrm(answer(400, { data: [{ code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name' }, message: 'required field not found', status: 'error' }] }), upsertOf({ email: 'x@example.com' }), ctx({ last_name_fallback: 'none' }));
  assert.ok('perEvent' in result);
  assert.match((result.perEvent['m-1'] as { reason: string }).reason, /config\.last_name_fallback/);
});

test('refusals of the whole request: 401 scope mismatch and token, 403, 429 and the credit limit throttled, 5xx retried, 413 split, INVALID_MODULE, a 2xx that is no Zoho JSON', () => {
  const upsert = upsertOf({ email: 'a@example.com' });
  const classify = (status: number, body: unknown, headers: Record<string, string> = {}) => classifyZohoCrm(answer(status, body, headers), upsert, ctx());
  const scope = classify(401, { code: 'OAUTH_SCOPE_MISMATCH', details: {}, message: 'invalid oauth scope to access this URL', status: 'error' });
  assert.equal((scope as { status: string }).status, 'dead_letter');
  assert.match((scope as { reason: string }).reason, /ZohoCRM\.modules\.leads\.ALL/);
  assert.match((classify(401, { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' }) as { reason: string }).reason, /^HTTP 401: INVALID_TOKEN: invalid oauth token: .*config\.data_center/);
  assert.match((classify(403, { code: 'NO_PERMISSION', details: {}, message: 'permission denied', status: 'error' }) as { reason: string }).reason, /profile needs API access/);
  assert.deepEqual(classify(429, { code: 'TOO_MANY_REQUESTS', details: {}, message: 'too many requests', status: 'error' }, { 'retry-after': '30' }), { status: 'retry', reason: 'HTTP 429: TOO_MANY_REQUESTS: too many requests: more requests at once than the account\'s edition allows (Zoho\'s concurrency limit), or too many in a minute: tried again', throttled: true, retryAfterMs: 30_000 });
  assert.deepEqual(classify(400, { code: 'LIMIT_EXCEEDED', details: {}, message: 'API limit exceeded', status: 'error' }), { status: 'retry', reason: 'HTTP 400: LIMIT_EXCEEDED: API limit exceeded: the account\'s API credits for the rolling 24 hours are spent: Signal slows down and tries again', retryAfterMs: 600_000, throttled: true });
  assert.equal((classify(503, 'unavailable') as { status: string }).status, 'retry');
  assert.match((classify(400, { code: 'INVALID_MODULE', details: {}, message: 'the module name given seems to be invalid', status: 'error' }) as { reason: string }).reason, /check config\.module \(Leads\)/);
  assert.equal((classify(200, '<html>proxy</html>') as { status: string }).status, 'retry');
  const two = buildRequests(batchOf([identify({ email: 'a@example.com' }, {}, 'm-1'), identify({ email: 'b@example.com' }, {}, 'm-2')]), ctx())[0]!;
  assert.equal((classifyZohoCrm(answer(413, 'too large'), two, ctx()) as { status: string }).status, 'split');
});

test('a deletion searches each email of the person, deletes the records whose Email it is, and keeps those holding it elsewhere', () => {
  const requests = forgetPerson.request({ userId: 'jane@example.com', anonymousId: null, emails: ['jane@example.com', 'j.doe@example.com'] }, ctx({ forward_deletions: true }));
  assert.ok(Array.isArray(requests));
  assert.deepEqual(requests.map((request) => [request.method, request.url, request.query]), [
    ['GET', 'https://www.zohoapis.com/crm/v8/Leads/search', [['email', 'jane@example.com']]],
    ['GET', 'https://www.zohoapis.com/crm/v8/Leads/search', [['email', 'j.doe@example.com']]],
  ]);
  assert.equal(requests[0]!.headers!.authorization, 'Zoho-oauthtoken 1000.access');
  assert.deepEqual(forgetPerson.read!(answer(204, ''), requests[0]), { done: true, message: 'no Zoho CRM record holds this email as its Email: nothing to delete' });
  const found = forgetPerson.read!(answer(200, { data: [{ id: '11', Email: 'Jane@Example.com' }, { id: '12', Email: 'other@example.com', Secondary_Email: 'jane@example.com' }], info: { more_records: false } }), requests[0]);
  assert.ok('next' in found);
  assert.equal(found.next.method, 'DELETE');
  assert.equal(found.next.url, 'https://www.zohoapis.com/crm/v8/Leads');
  assert.deepEqual(found.next.query, [['ids', '11']]);
  assert.deepEqual(forgetPerson.read!(answer(200, { data: [{ code: 'SUCCESS', details: { id: '11' }, message: 'record deleted', status: 'success' }] }), found.next), { done: true, message: 'Zoho CRM deleted 1 record (11), to its Recycle Bin (1 record holding it in another email field kept)' });
  assert.equal('failed' in forgetPerson.read!(answer(400, { data: [{ code: 'INVALID_DATA', details: { id: '11' }, message: 'the related id given seems to be invalid', status: 'error' }] }), found.next), true);
  // Signal hands read() the answer with the person's ids taken out: an Email shown as […] is theirs.
  const hidden = forgetPerson.read!(answer(200, { data: [{ id: '13', Email: '[…]' }], info: { more_records: true } }), requests[1]);
  assert.ok('next' in hidden);
  assert.deepEqual(hidden.next.query, [['ids', '13']]);
  assert.match(String((forgetPerson.read!(answer(200, { data: [{ code: 'SUCCESS', details: { id: '13' }, message: 'record deleted', status: 'success' }] }), hidden.next) as { retry?: string }).retry), /searched and deleted again/);
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_abc' }, ctx()), { skipped: NO_EMAIL });
  assert.equal(forgetPerson.enabled({ ...CONFIG }), false, 'off by default');
  assert.equal(forgetPerson.enabled({ ...CONFIG, forward_deletions: true }), true);
});

test('a deletion deletes a record only for its own Email: an address Signal hid inside another (mary.[…]) or in another field is kept; an id Signal hid part of is never sent', () => {
  const [search] = forgetPerson.request({ userId: 'jane@example.com', anonymousId: null, emails: ['jane@example.com'] }, ctx({ forward_deletions: true })) as RequestDescriptor[];
  // Signal hands read() the answer with the person's ids hidden wherever they appear.
  const found = forgetPerson.read!(answer(200, { data: [
    { id: '4150868000003194003', Email: '[…]' },
    { id: '4150868000003194004', Email: 'mary.[…]', Secondary_Email: '[…]' },
    { id: '4150868000003194005', Email: '[…].au' },
    { id: '4150868000003194006', Email: 'other@example.com', Secondary_Email: '[…]' },
  ], info: { more_records: false } }), search);
  assert.ok('next' in found);
  assert.deepEqual(found.next.query, [['ids', '4150868000003194003']]);
  // Without the address searched (no request), a record with a blank Email is no match.
  assert.deepEqual(forgetPerson.read!(answer(200, { data: [{ id: '4150868000003194007', Email: ' ' }], info: { more_records: false } })), { done: true, message: 'no Zoho CRM record holds this email as its Email: nothing to delete (1 record holding it in another email field kept)' });
  // A person's id of 8 characters or more inside a record id (userId 68000003): the record is not deleted by a mangled id.
  const mangled = forgetPerson.read!(answer(200, { data: [{ id: '41508[…]194003', Email: '[…]' }, { id: '4150868000003194008', Email: '[…]' }], info: { more_records: false } }), search);
  assert.ok('next' in mangled);
  assert.deepEqual(mangled.next.query, [['ids', '4150868000003194008']]);
  const ended = forgetPerson.read!(answer(200, { data: [{ code: 'SUCCESS', details: { id: '4150868000003194008' }, message: 'record deleted', status: 'success' }] }), mangled.next);
  assert.ok('failed' in ended, JSON.stringify(ended));
  assert.match(ended.failed, /^Zoho CRM deleted 1 record \(4150868000003194008\), to its Recycle Bin; 1 record whose Email is this address but whose id .* not deleted: delete it in Zoho CRM$/);
  const only = forgetPerson.read!(answer(200, { data: [{ id: '41508[…]194003', Email: '[…]' }], info: { more_records: false } }), search);
  assert.ok('failed' in only);
  assert.match(only.failed, /^1 record whose Email is this address/);
});

test('Zoho\'s INTERNAL_ERROR (a code of its v8 API spec) is tried again, for a record, a whole request or a deletion, not dead-lettered', () => {
  const upsert = buildRequests(batchOf([identify({ email: 'a@example.com', lastName: 'A' }, {}, 'm-1'), identify({ email: 'b@example.com', lastName: 'B' }, {}, 'm-2')]), ctx())[0]!;
  const result = classifyZohoCrm(answer(200, { data: [success(), { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' }] }), upsert, ctx());
  assert.ok('perEvent' in result);
  assert.deepEqual(result.perEvent['m-1'], { status: 'delivered' });
  assert.equal(result.perEvent['m-2']!.status, 'retry');
  assert.equal((classifyZohoCrm(answer(400, { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' }), upsert, ctx()) as { status: string }).status, 'retry');
  const [search] = forgetPerson.request({ userId: 'jane@example.com', anonymousId: null }, ctx({ forward_deletions: true })) as RequestDescriptor[];
  assert.ok('retry' in forgetPerson.read!(answer(400, { code: 'INTERNAL_ERROR', details: {}, message: 'Internal Server Error', status: 'error' }), search));
});

test('Zoho\'s older token answer (expires_in_sec in seconds, expires_in in milliseconds) is kept an hour, not 1000 hours', () => {
  assert.deepEqual(readZohoTokenAnswer(answer(200, { access_token: '1000.abc', expires_in_sec: 3600, expires_in: 3600000, api_domain: 'https://www.zohoapis.com', token_type: 'Bearer' })), { accessToken: '1000.abc', expiresInSeconds: 3600 });
});
