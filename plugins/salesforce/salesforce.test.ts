import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { compileBlueprint } from '../../core/blueprint/index.ts';
import {
  createConfigAjv, type CanonicalEvent, type ClassifyResult, type EventOutcome, type FollowUp, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import salesforce from './index.ts';
import { readSalesforceTokenAnswer, salesforceTokenRequest } from './access-token.ts';
import { answered, errorsOf, missingFieldsOf, queryOf, resultsOf } from './answers.ts';
import { classifySalesforce, recordOutcome, REQUEST_LIMIT_WAIT_MS } from './classify.ts';
import { apiBaseOf, myDomainHostOf, placeholderOf, validateSalesforceConfig } from './config.ts';
import { ANONYMOUS_ONLY, forgetPerson, lookupKeysOf } from './forget-person.ts';
import { fieldValue, splitName, toSalesforceRecord } from './person-record.ts';
import { buildRequests, chunksOf, recordsOf, withPlaceholders, type CarriedRecord } from './requests.ts';
import { deletionLookupQuery, emailLookupQuery, MAX_LOOKUP_URL_BYTES, soqlString } from './soql.ts';

const NOW = Date.parse('2026-12-01T12:00:00Z');
const BASE = 'https://acme.my.salesforce.com/services/data/v68.0';
const UPSERT_URL = `${BASE}/composite/sobjects/Lead/Signal_User_Id__c`;
const CONFIG: Record<string, JsonValue> = { my_domain: 'acme.my.salesforce.com', client_id: 'consumer-key', client_secret: 'consumer-secret', refresh_token: 'refresh-1', external_id_field: 'Signal_User_Id__c' };
const BY_EMAIL: Record<string, JsonValue> = { my_domain: 'acme.my.salesforce.com', client_id: 'consumer-key', client_secret: 'consumer-secret', refresh_token: 'refresh-1' };

const ctx = (config: Record<string, JsonValue> = CONFIG, warnings: string[] = []): PluginContext => ({
  config, variant: 'default', integrationId: 'i', revisionId: 'r', options: {}, now: NOW, accessToken: 'token-1', warn: (message) => warnings.push(message),
});
const answer = (status: number, body: unknown, headers: Record<string, string> = {}): VendorResponse => {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status, headers, body: text, ...(json === undefined ? {} : { json }) };
};

const identify = (traits: JsonObject, overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'identify', messageId: 'm-1', userId: 'u-1', anonymousId: 'df_visitor1', timestamp: '2026-12-01T11:00:00.000Z', receivedAt: '2026-12-01T11:00:00.100Z',
  traits, context: { ip: '203.0.113.42' }, ...overrides,
} as CanonicalEvent);

const blueprint = compileBlueprint(readFileSync(new URL('../../blueprints/salesforce/default.yaml', import.meta.url), 'utf8'));
/** The event through the blueprint and the map hook, as the core maps it; with the warnings given. */
const mapThrough = (event: CanonicalEvent, config: Record<string, JsonValue> = CONFIG) => {
  const warnings: string[] = [];
  const mapped = blueprint.mapEvent(event);
  assert.deepEqual(mapped.errors, []);
  const payload = mapped.vendorEvent === null ? null : toSalesforceRecord(mapped.vendorEvent as JsonObject, event, ctx(config, warnings));
  return { payload, warnings };
};
const mappedOf = (id: string, key: string, fields: JsonObject): MappedEvent => ({ id, event: identify({}), payload: { key, fields } });
const perEventOf = (result: ClassifyResult): Record<string, EventOutcome> => (result as { perEvent: Record<string, EventOutcome> }).perEvent;

test('config: the schema takes a My Domain and the connected app\'s credentials, every field titled and described', () => {
  const validate = createConfigAjv().compile(salesforce.config);
  assert.equal(validate(CONFIG), true);
  assert.equal(validate({ ...CONFIG, object: 'Account' }), false, 'Lead or Contact only');
  assert.equal(validate({ ...CONFIG, api_version: 'v68' }), false, 'written 68.0');
  assert.equal(validate({ ...CONFIG, external_id_field: 'has space' }), false);
  assert.equal(validate({ ...CONFIG, field_map: { plan: 'Plan c' } }), false);
  assert.equal(validate({ client_id: 'k' }), false, 'my_domain required');
  for (const [key, field] of Object.entries(salesforce.config.properties)) {
    assert.ok(field.title && field.description && (field.examples !== undefined || field.enum !== undefined), `${key} has a title, a description and examples or choices`);
  }
  for (const secret of ['client_secret', 'refresh_token']) assert.equal(salesforce.config.properties[secret]!.secret, true, secret);
});

test('config: the My Domain read from a host or a URL; what is wrong said, naming the field', () => {
  assert.equal(myDomainHostOf({ my_domain: 'https://Acme.my.salesforce.com/' }), 'acme.my.salesforce.com');
  assert.equal(myDomainHostOf({ my_domain: 'acme--uat.sandbox.my.salesforce.com' }), 'acme--uat.sandbox.my.salesforce.com');
  assert.equal(myDomainHostOf({ my_domain: 'acme.my.salesforce.com.attacker.example' }), undefined);
  assert.equal(apiBaseOf({ my_domain: 'acme.my.salesforce.com', api_version: '66.0' }), 'https://acme.my.salesforce.com/services/data/v66.0');
  assert.deepEqual(validateSalesforceConfig(CONFIG), []);
  const problem = (config: Record<string, JsonValue>) => validateSalesforceConfig({ ...CONFIG, ...config });
  assert.deepEqual(problem({ my_domain: 'acme.lightning.force.com' }), [{ field: 'my_domain', message: 'is the Lightning Experience host: give the My Domain login URL, acme.my.salesforce.com (Setup > My Domain)' }]);
  assert.deepEqual(problem({ my_domain: 'https://login.salesforce.com' }).map((p) => p.field), ['my_domain']);
  assert.match(problem({ my_domain: 'login.salesforce.com' })[0]!.message, /generic login host/);
  assert.match(problem({ my_domain: 'http://acme.my.salesforce.com' })[0]!.message, /must be https/);
  assert.match(problem({ my_domain: 'example.com' })[0]!.message, /under my\.salesforce\.com/);
  assert.deepEqual(problem({ refresh_token: '' }).map((p) => p.field), ['refresh_token']);
  assert.deepEqual(validateSalesforceConfig({ my_domain: 'acme.my.salesforce.com', client_id: 'k', auth_flow: 'client_credentials' }), [{ field: 'client_secret', message: 'is required with auth_flow client_credentials: the app\'s consumer secret' }]);
  assert.deepEqual(problem({ api_version: '45.0' }), [{ field: 'api_version', message: 'is 45.0: the sObject Collections upsert needs 46.0 or later (68.0 is the latest)' }]);
  assert.match(problem({ external_id_field: 'Email' })[0]!.message, /^cannot be Email: the standard Email field is no External ID field/);
  assert.match(problem({ external_id_field: 'Id' })[0]!.message, /^cannot be Id/);
  assert.deepEqual(validateSalesforceConfig({ ...BY_EMAIL, external_id_source: 'email' }).map((p) => p.field), ['external_id_source']);
  assert.deepEqual(problem({ field_map: { plan: 'Plan__c', tier: 'plan__c' } }), [{ field: 'field_map', message: 'traits plan and tier both map to the field plan__c' }]);
  assert.deepEqual(problem({ field_map: { uid: 'Signal_User_Id__c' } }), [{ field: 'field_map', message: 'trait uid maps to Signal_User_Id__c, the External ID field: the plugin sets it from the userId' }]);
  assert.deepEqual(problem({ field_map: { 'a..b': 'X__c' } }), [{ field: 'field_map', message: 'trait path "a..b" is not a path (trait names joined by dots, no white space around)' }]);
  assert.equal(placeholderOf({}), '[not provided]');
  assert.equal(placeholderOf({ required_field_placeholder: '' }), undefined, 'empty turns it off');
});

test('mapping: an identify to a Lead\'s standard fields and the mapped traits; the userId into the External ID field', () => {
  const traits = { email: 'Jane.Doe@example.com', firstName: 'Jane', lastName: 'Doe', company: 'Acme', phone: '+1 415 555 0100', title: 'CTO', website: 'https://acme.example', plan: 'premium', address: { street: '1 Market St', city: 'San Francisco', state: 'CA', postalCode: '94105', country: 'US', region: 'West' } };
  const { payload, warnings } = mapThrough(identify(traits), { ...CONFIG, field_map: { plan: 'Plan__c', 'address.region': 'Region__c' } });
  assert.deepEqual(payload, {
    key: 'u-1',
    fields: {
      FirstName: 'Jane', LastName: 'Doe', Company: 'Acme', Phone: '+1 415 555 0100', Title: 'CTO', Website: 'https://acme.example',
      Street: '1 Market St', City: 'San Francisco', State: 'CA', PostalCode: '94105', Country: 'US', Email: 'Jane.Doe@example.com',
      Plan__c: 'premium', Region__c: 'West', Signal_User_Id__c: 'u-1',
    },
  });
  assert.deepEqual(warnings, []);
});

test('mapping: a Contact\'s Mailing address, no Company (said); snake_case traits; a full name split', () => {
  const { payload, warnings } = mapThrough(identify({ email: 'ann@example.com', name: 'Mary Ann Lee', company: { name: 'Initech' }, address: { city: 'Paris', postal_code: '75001' }, mobile_phone: '+33 6 12 34 56 78' }), { ...CONFIG, object: 'Contact' });
  assert.deepEqual(payload, { key: 'u-1', fields: { MobilePhone: '+33 6 12 34 56 78', MailingCity: 'Paris', MailingPostalCode: '75001', FirstName: 'Mary Ann', LastName: 'Lee', Email: 'ann@example.com', Signal_User_Id__c: 'u-1' } });
  assert.deepEqual(warnings, ['company left out: a Contact has no Company field (map it to a custom field in config.field_map)']);
  assert.deepEqual(splitName('Cher'), { lastName: 'Cher' });
  assert.deepEqual(splitName('  '), {});
});

test('mapping: values fitted — cut to the field\'s length, lists as picklist text, objects left out — each said', () => {
  const { payload, warnings } = mapThrough(identify({ email: 'not an email', firstName: 'A'.repeat(45), tags: ['a', 'b'], prefs: { x: 1 }, score: 7, vip: true, empty: '  ', gone: null }), { ...CONFIG, field_map: { tags: 'Tags__c', prefs: 'Prefs__c', score: 'Score__c', vip: 'Vip__c', empty: 'Empty__c', gone: 'Gone__c' } });
  assert.deepEqual(payload?.fields, { FirstName: 'A'.repeat(40), Tags__c: 'a;b', Score__c: 7, Vip__c: true, Signal_User_Id__c: 'u-1' });
  assert.deepEqual(warnings, ['firstName cut to 40 characters: Lead.FirstName holds 40', 'email left out: not an email address', 'traits.prefs left out: an object, which a Salesforce field does not take']);
  assert.deepEqual(fieldValue(['a', { b: 1 }]), { why: 'a list holding more than text and numbers' });
  assert.deepEqual(fieldValue(NaN), { why: 'not a finite number' });
});

test('mapping: the blueprint\'s fields.* rows go as they are, the record id never', () => {
  const payload = toSalesforceRecord({ userId: 'u-1', fields: { LeadSource: 'Web', Id: '00Q…', Signal_User_Id__c: 'other' } }, identify({}), ctx(CONFIG, []));
  assert.deepEqual(payload, { key: 'u-1', fields: { LeadSource: 'Web', Signal_User_Id__c: 'u-1' } }, 'the key last');
});

test('mapping: without its key an identify is not sent, saying why; matching by Email the key is the lower-cased email; other calls are dropped', () => {
  const anonymous = mapThrough(identify({ email: 'jane@example.com' }, { userId: undefined } as Partial<CanonicalEvent>));
  assert.equal(anonymous.payload, null);
  assert.deepEqual(anonymous.warnings, ['identify not sent: it has no userId, which records are upserted by (config.external_id_field Signal_User_Id__c, config.external_id_source userId)']);
  assert.equal(mapThrough(identify({ email: 'jane@example.com' }, { userId: 'null' } as Partial<CanonicalEvent>)).payload, null, 'a placeholder names no one');
  assert.deepEqual(mapThrough(identify({ email: 'Jane@Example.com', lastName: 'Doe' }), BY_EMAIL).payload, { key: 'jane@example.com', fields: { LastName: 'Doe', Email: 'Jane@Example.com' } });
  const noEmail = mapThrough(identify({ lastName: 'Doe' }), BY_EMAIL);
  assert.equal(noEmail.payload, null);
  assert.deepEqual(noEmail.warnings, ['identify not sent: it has no email address (traits.email), which people are matched by (config.external_id_field is empty)']);
  assert.deepEqual(mapThrough(identify({ email: 'Jane@Example.com' }), { ...CONFIG, external_id_source: 'email' }).payload, { key: 'jane@example.com', fields: { Email: 'Jane@Example.com', Signal_User_Id__c: 'jane@example.com' } });
  const remembered = mapThrough(identify({}, { context: { traits: { email: 'kept@example.com' } } } as Partial<CanonicalEvent>), BY_EMAIL);
  assert.equal(remembered.payload?.key, 'kept@example.com', 'the email Signal remembers');
  for (const type of ['track', 'page', 'screen', 'group', 'alias']) assert.equal(blueprint.mapEvent(identify({}, { type, event: 'Order Completed' } as Partial<CanonicalEvent>)).vendorEvent, null, type);
});

test('requests: an upsert by the External ID field, the sObject Collections\' documented request, one record a person', () => {
  const batch = [
    mappedOf('m-1', 'u-1', { City: 'Paris', LastName: 'Doe', Signal_User_Id__c: 'u-1' }),
    mappedOf('m-2', 'u-2', { LastName: 'Roe', Signal_User_Id__c: 'u-2' }),
    mappedOf('m-3', 'u-1', { City: 'Lyon', Title: 'CTO', Signal_User_Id__c: 'u-1' }),
  ];
  const [request, ...rest] = buildRequests(batch, ctx());
  assert.deepEqual(rest, []);
  assert.deepEqual(request, {
    method: 'PATCH', url: UPSERT_URL, headers: { authorization: 'Bearer token-1', accept: 'application/json', 'sforce-auto-assign': 'FALSE' },
    body: { allOrNone: false, records: [
      { attributes: { type: 'Lead' }, City: 'Lyon', LastName: 'Doe', Signal_User_Id__c: 'u-1', Title: 'CTO' },
      { attributes: { type: 'Lead' }, LastName: 'Roe', Signal_User_Id__c: 'u-2' },
    ] },
    eventIds: ['m-1', 'm-3', 'm-2'],
    memo: { salesforce: 'upsert', events: [['m-1', 'm-3'], ['m-2']] },
  });
  const preview = buildRequests(batch, { ...ctx(), accessToken: undefined })[0]!;
  assert.equal(preview.headers?.authorization, 'Bearer [access token]');
  assert.throws(() => buildRequests([{ id: 'x', event: identify({}), payload: {} }], ctx()), /holds no Salesforce record/);
});

test('requests: the Assignment Rule header — a lead sales owns is never handed on by an update; new leads routed by the configured rule', () => {
  const batch = [mappedOf('m-1', 'u-1', { LastName: 'Doe', Signal_User_Id__c: 'u-1' })];
  const assign = (config: Record<string, JsonValue>) => buildRequests(batch, ctx(config))[0]!.headers?.['sforce-auto-assign'];
  assert.equal(assign(CONFIG), 'FALSE', 'an upsert updates leads too: no rule without an id');
  assert.equal(assign({ ...CONFIG, assignment_rule_id: '01Q5e000000XyZ1EAK' }), '01Q5e000000XyZ1EAK', 'a rule id Salesforce applies to created leads only');
  assert.equal(assign({ ...CONFIG, object: 'Contact', assignment_rule_id: '01Q5e000000XyZ1EAK' }), undefined, 'contacts have no assignment rules');
  const lookup = buildRequests([mappedOf('m-1', 'jane@example.com', { Email: 'jane@example.com' }), mappedOf('m-2', 'new@example.com', { Email: 'new@example.com' })], ctx(BY_EMAIL))[0]!;
  assert.equal(lookup.headers?.['sforce-auto-assign'], undefined, 'a lookup writes nothing');
  const found = answer(200, { totalSize: 1, done: true, records: [{ Id: '00Q000000000001', Email: 'jane@example.com', IsConverted: false }] });
  const steps = (config: Record<string, JsonValue>) => (classifySalesforce(found, lookup, ctx(config)) as FollowUp).next.map((r) => [r.method, r.headers?.['sforce-auto-assign']]);
  assert.deepEqual(steps(BY_EMAIL), [['PATCH', 'FALSE'], ['POST', 'TRUE']], 'updates none, creations the active rule');
  assert.deepEqual(steps({ ...BY_EMAIL, assignment_rule_id: '01Q5e000000XyZ1' }), [['PATCH', 'FALSE'], ['POST', '01Q5e000000XyZ1']]);
  assert.deepEqual(validateSalesforceConfig({ ...CONFIG, object: 'Contact', assignment_rule_id: '01Q5e000000XyZ1EAK' }).map((p) => p.field), ['assignment_rule_id']);
  assert.equal(createConfigAjv().compile(salesforce.config)({ ...CONFIG, assignment_rule_id: '00Q5e000000XyZ1EAK' }), false, 'a lead\'s id is no rule\'s');
});

test('requests: at most 200 records and events a request; a person\'s events never in two requests', () => {
  const batch = Array.from({ length: 401 }, (_, i) => mappedOf(`m-${i}`, `u-${i % 300}`, { LastName: 'X', Signal_User_Id__c: `u-${i % 300}` }));
  const requests = buildRequests(batch, ctx());
  assert.ok(requests.every((r) => r.eventIds.length <= 200 && ((r.body as JsonObject).records as JsonValue[]).length <= 200));
  assert.deepEqual(requests.flatMap((r) => r.eventIds).sort(), batch.map((m) => m.id).sort(), 'every event once');
  for (const request of requests) {
    const keys = ((request.body as JsonObject).records as JsonObject[]).map((record) => record.Signal_User_Id__c);
    assert.equal(new Set(keys).size, keys.length, 'one record a key in a request');
  }
  const owners = new Map<string, number>();
  requests.forEach((r, index) => ((r.body as JsonObject).records as JsonObject[]).forEach((record) => {
    const key = String(record.Signal_User_Id__c);
    assert.ok(!owners.has(key) || owners.get(key) === index, `${key} in one request`);
    owners.set(key, index);
  }));
  // An External ID field compares without case (unless marked case-sensitive): U-1 and u-1 never share a request.
  const cased = buildRequests([mappedOf('a', 'U-1', { Signal_User_Id__c: 'U-1' }), mappedOf('b', 'u-1', { Signal_User_Id__c: 'u-1' }), mappedOf('c', 'u-2', { Signal_User_Id__c: 'u-2' })], ctx());
  assert.deepEqual(cased.map((r) => r.eventIds), [['a'], ['b', 'c']]);
  const big: CarriedRecord = { key: 'u-1', fields: {}, eventIds: Array.from({ length: 250 }, (_, i) => `e-${i}`) };
  assert.deepEqual(chunksOf([big]).map((chunk) => chunk.map((r) => r.eventIds.length)), [[200], [50]], 'one person\'s 250 identifies: two records of their own');
});

test('requests: matching by Email, a SOQL lookup of the emails (escaped), kept under the URI limit', () => {
  const batch = [mappedOf('m-1', 'jane@example.com', { Email: 'Jane@example.com' }), mappedOf('m-2', "o'neil@example.com", { Email: "O'Neil@example.com" })];
  const [request] = buildRequests(batch, ctx(BY_EMAIL));
  assert.equal(request!.method, 'GET');
  assert.equal(request!.url, `${BASE}/query`);
  assert.deepEqual(request!.query, [['q', "SELECT Id, Email, IsConverted FROM Lead WHERE Email IN ('jane@example.com', 'o\\'neil@example.com') ORDER BY LastModifiedDate DESC"]]);
  assert.equal(request!.body, undefined);
  assert.deepEqual(request!.memo, { salesforce: 'lookup', records: [{ key: 'jane@example.com', fields: { Email: 'Jane@example.com' }, eventIds: ['m-1'] }, { key: "o'neil@example.com", fields: { Email: "O'Neil@example.com" }, eventIds: ['m-2'] }] });
  assert.equal(emailLookupQuery('Contact', ["'a@b.co'"]), "SELECT Id, Email FROM Contact WHERE Email IN ('a@b.co') ORDER BY LastModifiedDate DESC");
  const long = Array.from({ length: 200 }, (_, i) => mappedOf(`m-${i}`, `${'x'.repeat(60)}.${i}@example.com`, { Email: `${i}` }));
  const lookups = buildRequests(long, ctx(BY_EMAIL));
  assert.ok(lookups.length > 1, 'split by URL length');
  for (const lookup of lookups) assert.ok(`${lookup.url}?${new URLSearchParams(lookup.query).toString()}`.length <= MAX_LOOKUP_URL_BYTES);
  assert.deepEqual(lookups.flatMap((r) => r.eventIds), long.map((m) => m.id));
  assert.equal(soqlString('a\\b\n"c'), "'a\\\\b\\n\\\"c'");
  assert.equal(soqlString('bell\u0007'), undefined);
  assert.equal(deletionLookupQuery('Contact', 'Email', "'a@b.co'"), "SELECT Id FROM Contact WHERE Email = 'a@b.co' LIMIT 200");
});

test('requests: records of a batch merged per person, the later fields over the earlier', () => {
  assert.deepEqual(recordsOf([mappedOf('a', 'k', { A: 1, B: 1 }), mappedOf('b', 'k', { B: 2 })]), [{ key: 'k', fields: { A: 1, B: 2 }, eventIds: ['a', 'b'] }]);
  assert.deepEqual(withPlaceholders({ LastName: 'Doe', Company: '' }, ['LastName', 'Company'], '[not provided]'), { LastName: 'Doe', Company: '[not provided]' });
  assert.deepEqual(withPlaceholders({}, ['LastName'], undefined), {});
});

/** Salesforce's upsert answer: one UpsertResult a record, in order. */
const upserted = (...results: unknown[]) => answer(200, results);
const ok = (id = '00Q5e00000AbCdEAAV', created = true) => ({ id, success: true, errors: [], created });
const failed = (statusCode: string, message: string, fields: string[] = []) => ({ success: false, errors: [{ statusCode, message, fields }] });

test('classify: each record\'s result settles its events — delivered, a lock retried, an invalid email dead-lettered', () => {
  const request = buildRequests([
    mappedOf('m-1', 'u-1', { LastName: 'Doe', Signal_User_Id__c: 'u-1' }), mappedOf('m-2', 'u-2', { LastName: 'Roe', Email: 'bad@', Signal_User_Id__c: 'u-2' }),
    mappedOf('m-3', 'u-3', { LastName: 'Poe', Signal_User_Id__c: 'u-3' }), mappedOf('m-4', 'u-1', { Title: 'CTO', Signal_User_Id__c: 'u-1' }),
  ], ctx())[0]!;
  const result = perEventOf(classifySalesforce(upserted(ok(), failed('INVALID_EMAIL_ADDRESS', 'Email: invalid email address: bad@', ['Email']), failed('UNABLE_TO_LOCK_ROW', 'unable to obtain exclusive access to this record')), request, ctx()));
  assert.deepEqual(result['m-1'], { status: 'delivered' });
  assert.deepEqual(result['m-4'], { status: 'delivered' }, 'the same person\'s second identify');
  assert.deepEqual(result['m-2'], { status: 'dead_letter', reason: 'Salesforce refused the Lead: INVALID_EMAIL_ADDRESS: Email: invalid email address: bad@: the identify\'s email address (traits.email) is not one Salesforce takes: fix it at the source; then replay the dead letters (replayDeadLetters)' });
  assert.equal(result['m-3']!.status, 'retry');
  assert.match((result['m-3'] as { reason: string }).reason, /another process held the record/);
  const short = perEventOf(classifySalesforce(upserted(ok()), request, ctx()));
  assert.equal(short['m-2']!.status, 'retry', 'a record without a result is tried again');
});

test('classify: a creation missing LastName or Company is sent again with the placeholder in those fields only', () => {
  const request = buildRequests([mappedOf('m-1', 'u-1', { Email: 'jane@example.com', Company: 'Acme', Signal_User_Id__c: 'u-1' }), mappedOf('m-2', 'u-2', { Email: 'roe@example.com', Signal_User_Id__c: 'u-2' })], ctx())[0]!;
  const result = classifySalesforce(upserted(failed('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName']), ok('00Q5e00000AbCdFAAV', false)), request, ctx()) as FollowUp;
  assert.deepEqual(result.settle, { 'm-2': { status: 'delivered' } });
  assert.deepEqual(result.next, [{
    method: 'PATCH', url: UPSERT_URL, headers: { authorization: 'Bearer token-1', accept: 'application/json', 'sforce-auto-assign': 'FALSE' },
    body: { allOrNone: false, records: [{ attributes: { type: 'Lead' }, Email: 'jane@example.com', Company: 'Acme', Signal_User_Id__c: 'u-1', LastName: '[not provided]' }] },
    eventIds: ['m-1'], memo: { salesforce: 'upsert', events: [['m-1']], filled: true },
  }]);
  // The filled upsert refused again, a required custom field, or the placeholder turned off: dead-lettered saying what to do.
  const again = perEventOf(classifySalesforce(upserted(failed('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName'])), result.next[0]!, ctx()));
  assert.match((again['m-1'] as { reason: string }).reason, /^Salesforce refused the Lead: REQUIRED_FIELD_MISSING: .*config\.required_field_placeholder/);
  const custom = perEventOf(classifySalesforce(upserted(failed('REQUIRED_FIELD_MISSING', 'Required fields are missing: [Region__c]', ['Region__c']), ok()), request, ctx()));
  assert.equal(custom['m-1']!.status, 'dead_letter');
  const off = perEventOf(classifySalesforce(upserted(failed('REQUIRED_FIELD_MISSING', 'Required fields are missing: [LastName]', ['LastName']), ok()), request, ctx({ ...CONFIG, required_field_placeholder: '' })));
  assert.equal(off['m-1']!.status, 'dead_letter');
  assert.deepEqual(missingFieldsOf({ code: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName, Company]', fields: [] }), ['LastName', 'Company']);
});

test('classify: record errors said with what to fix; REQUEST_LIMIT_EXCEEDED throttled', () => {
  const reason = (code: string, message: string, config = CONFIG) => (recordOutcome([{ code, message, fields: [] }], ctx(config)) as { reason: string }).reason;
  assert.match(reason('CANNOT_UPDATE_CONVERTED_LEAD', 'cannot reference converted lead'), /converted .*config\.object/);
  assert.match(reason('DUPLICATES_DETECTED', 'Use one of these records?'), /duplicate rule/);
  assert.match(reason('DUPLICATE_EXTERNAL_ID', 'Signal_User_Id__c: more than one record found for external id field: [00Q000000000001, 00Q000000000002]'), /Signal_User_Id__c: merge them, and mark the field Unique/);
  // Two requests creating one new person at once: the one that lost finds the record on a retry.
  const race = [{ code: 'DUPLICATE_VALUE', message: 'duplicate value found: Signal_User_Id__c duplicates value on record with id: 00Q000000000001', fields: [] }];
  assert.equal(recordOutcome(race, ctx(), 'upsert').status, 'retry');
  assert.match((recordOutcome(race, ctx(), 'upsert') as { reason: string }).reason, /another request created the record with this External ID at the same moment/);
  const upsert = buildRequests([mappedOf('m-1', 'u-1', { LastName: 'Doe', Signal_User_Id__c: 'u-1' })], ctx())[0]!;
  assert.equal(perEventOf(classifySalesforce(upserted(failed('DUPLICATE_VALUE', race[0]!.message)), upsert, ctx()))['m-1']!.status, 'retry', 'read as the upsert\'s');
  assert.equal(recordOutcome(race, ctx(), 'create').status, 'dead_letter', 'a creation after a lookup has no External ID to race on');
  assert.equal(recordOutcome([{ code: 'DUPLICATE_VALUE', message: 'duplicate value found: Tax_Id__c duplicates value on record with id: 00Q000000000001', fields: [] }], ctx(), 'upsert').status, 'dead_letter', 'another Unique field');
  assert.equal(recordOutcome([{ code: 'DUPLICATE_VALUE', message: 'Duplicate external id specified: u-1', fields: ['Signal_User_Id__c'] }], ctx(), 'upsert').status, 'dead_letter', 'one key twice in a request: a retry would repeat it');
  assert.match(reason('STRING_TOO_LONG', 'Plan: data value too large'), /longer than its field holds/);
  assert.match(reason('INVALID_FIELD_FOR_INSERT_UPDATE', 'Unable to create/update fields: Plan__c'), /config\.field_map/);
  assert.match(reason('FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Phone required'), /validation rule/);
  assert.match(reason('SOMETHING_NEW', 'who knows'), /^Salesforce refused the Lead: SOMETHING_NEW: who knows; then replay/);
  assert.deepEqual(recordOutcome([{ code: 'REQUEST_LIMIT_EXCEEDED', message: 'TotalRequests Limit exceeded.', fields: [] }], ctx()), { status: 'retry', reason: 'Salesforce refused the Lead: REQUEST_LIMIT_EXCEEDED: TotalRequests Limit exceeded. (the org\'s API request limit): tried again later', retryAfterMs: REQUEST_LIMIT_WAIT_MS, throttled: true });
});

test('classify: a whole request refused — 401, 403 REQUEST_LIMIT_EXCEEDED, 403, 404, 400 INVALID_FIELD, 400 JSON_PARSER_ERROR, 414, 503 — as Salesforce documents its status codes', () => {
  const request = buildRequests([mappedOf('m-1', 'u-1', { LastName: 'Doe', Signal_User_Id__c: 'u-1' }), mappedOf('m-2', 'u-2', { LastName: 'Roe', Signal_User_Id__c: 'u-2' })], ctx())[0]!;
  const whole = (response: VendorResponse) => classifySalesforce(response, request, ctx()) as { status: string; reason: string; retryAfterMs?: number; throttled?: boolean };
  const unauthorised = whole(answer(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]));
  assert.equal(unauthorised.status, 'dead_letter');
  assert.match(unauthorised.reason, /^HTTP 401: INVALID_SESSION_ID: Session expired or invalid: Salesforce refused the access token Signal had just obtained: .*API Enabled.*config\.my_domain/);
  const limited = whole(answer(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]));
  assert.deepEqual([limited.status, limited.retryAfterMs, limited.throttled], ['retry', REQUEST_LIMIT_WAIT_MS, true]);
  assert.equal(whole(answer(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], { 'retry-after': '120' })).retryAfterMs, 120_000);
  assert.match(whole(answer(403, [{ message: 'The REST API is not enabled for this Organization.', errorCode: 'API_DISABLED_FOR_ORG' }])).reason, /API Enabled, and Read, Create and Edit on Lead/);
  assert.match(whole(answer(404, [{ errorCode: 'NOT_FOUND', message: 'Provided external ID field does not exist or is not accessible: Signal_User_Id__c' }])).reason, /config\.external_id_field \(Signal_User_Id__c\)/);
  assert.match(whole(answer(400, [{ message: "No such column 'Plan__c' on sobject of type Lead", errorCode: 'INVALID_FIELD' }])).reason, /^HTTP 400: INVALID_FIELD: No such column 'Plan__c' on sobject of type Lead: every field of config\.field_map/);
  // One record's value not of its field's type refuses the request as a whole: halved until that record is alone.
  const parse = answer(400, [{ message: 'Cannot deserialize instance of double from VALUE_STRING value 50-100 or request may be missing a required field at [line:1, column:71]', errorCode: 'JSON_PARSER_ERROR' }]);
  assert.equal(whole(parse).status, 'split');
  const alone = classifySalesforce(parse, buildRequests([mappedOf('m-9', 'u-9', { NumberOfEmployees: '50-100', Signal_User_Id__c: 'u-9' })], ctx())[0]!, ctx()) as { status: string; reason: string };
  assert.equal(alone.status, 'dead_letter');
  assert.match(alone.reason, /^HTTP 400: JSON_PARSER_ERROR: Cannot deserialize .*: a value is not of its field's type .*config\.field_map/);
  assert.equal(whole(answer(414, 'URI Too Long')).status, 'split');
  assert.deepEqual(whole(answer(503, 'Service Unavailable', { 'retry-after': '30' })), { status: 'retry', reason: 'HTTP 503: Service Unavailable', retryAfterMs: 30_000 });
  assert.equal(whole(answer(429, 'slow down')).throttled, true);
  assert.equal(whole(answer(200, '<html>captive portal</html>')).status, 'retry', 'a 2xx that is no Salesforce answer');
  assert.equal(answered(answer(500, '')), 'HTTP 500');
  assert.deepEqual(errorsOf(answer(400, { message: 'one', errorCode: 'X' })), [{ code: 'X', message: 'one', fields: [] }]);
});

test('classify: an Email lookup\'s answer → the update of the newest unconverted record found, the creation (with placeholders) of the others', () => {
  const records = [
    mappedOf('m-1', 'jane@example.com', { Email: 'Jane@example.com', City: 'Paris' }), mappedOf('m-2', 'new@example.com', { Email: 'new@example.com', FirstName: 'Neo' }),
    mappedOf('m-3', 'converted@example.com', { Email: 'converted@example.com' }),
  ];
  const lookup = buildRequests(records, ctx(BY_EMAIL))[0]!;
  const found = answer(200, { totalSize: 4, done: true, records: [
    { attributes: { type: 'Lead', url: '/services/data/v68.0/sobjects/Lead/00Q000000000002' }, Id: '00Q000000000002', Email: 'jane@example.com', IsConverted: false },
    { attributes: { type: 'Lead', url: '/services/data/v68.0/sobjects/Lead/00Q000000000001' }, Id: '00Q000000000001', Email: 'JANE@example.com', IsConverted: false },
    { attributes: { type: 'Lead' }, Id: '00Q000000000003', Email: 'converted@example.com', IsConverted: true },
  ] });
  const result = classifySalesforce(found, lookup, ctx(BY_EMAIL)) as FollowUp;
  assert.deepEqual(result.next, [
    { method: 'PATCH', url: `${BASE}/composite/sobjects`, headers: { authorization: 'Bearer token-1', accept: 'application/json', 'sforce-auto-assign': 'FALSE' },
      body: { allOrNone: false, records: [{ attributes: { type: 'Lead' }, id: '00Q000000000002', Email: 'Jane@example.com', City: 'Paris' }] }, eventIds: ['m-1'], memo: { salesforce: 'update', events: [['m-1']] } },
    { method: 'POST', url: `${BASE}/composite/sobjects`, headers: { authorization: 'Bearer token-1', accept: 'application/json', 'sforce-auto-assign': 'TRUE' },
      body: { allOrNone: false, records: [{ attributes: { type: 'Lead' }, Email: 'new@example.com', FirstName: 'Neo', LastName: '[not provided]', Company: '[not provided]' }] }, eventIds: ['m-2'], memo: { salesforce: 'create', events: [['m-2']] } },
  ]);
  assert.equal(result.settle?.['m-3']?.status, 'dead_letter');
  assert.match((result.settle?.['m-3'] as { reason: string }).reason, /^every Lead with this email \(00Q000000000003\) was converted/);
  // The follow-ups' answers (SaveResults, no `created`).
  const [update, create] = result.next;
  assert.deepEqual(perEventOf(classifySalesforce(answer(200, [{ id: '00Q000000000002', success: true, errors: [] }]), update!, ctx(BY_EMAIL))), { 'm-1': { status: 'delivered' } });
  assert.equal(perEventOf(classifySalesforce(answer(200, [failed('ENTITY_IS_DELETED', 'entity is deleted')]), update!, ctx(BY_EMAIL)))['m-1']!.status, 'retry', 'deleted since the lookup: looked up again');
  assert.match((perEventOf(classifySalesforce(answer(200, [failed('DUPLICATES_DETECTED', 'Use one of these records?')]), create!, ctx(BY_EMAIL)))['m-2'] as { reason: string }).reason, /duplicate rule/);
  // Nothing found: only the creation. A Contact has no conversion.
  const none = classifySalesforce(answer(200, { totalSize: 0, done: true, records: [] }), buildRequests(records.slice(0, 1), ctx({ ...BY_EMAIL, object: 'Contact' }))[0]!, ctx({ ...BY_EMAIL, object: 'Contact' })) as FollowUp;
  assert.deepEqual(none.next.map((r) => [r.method, (r.body as JsonObject).records]), [['POST', [{ attributes: { type: 'Contact' }, Email: 'Jane@example.com', City: 'Paris', LastName: '[not provided]' }]]]);
  assert.equal(classifySalesforce(answer(200, '{"oops":1}'), lookup, ctx(BY_EMAIL)).hasOwnProperty('status'), true);
  assert.deepEqual(queryOf(answer(200, { done: false, records: [{ Id: 'x' }, { nope: 1 }] })), { done: false, records: [{ Id: 'x' }] });
  const partial = classifySalesforce(answer(200, { totalSize: 3000, done: false, nextRecordsUrl: '/services/data/v68.0/query/01g-2000', records: [] }), lookup, ctx(BY_EMAIL));
  assert.deepEqual(Object.values(perEventOf(partial)).map((o) => o.status), ['dead_letter', 'dead_letter', 'dead_letter'], 'a partial answer creates nothing it may duplicate');
});

test('classify: a request the plugin did not build is settled by its first failure; the documented success answer delivers', () => {
  const plain: RequestDescriptor = { method: 'POST', url: 'https://vendor.example/api', eventIds: ['a', 'b'] };
  assert.deepEqual(classifySalesforce(answer(200, salesforce.successAnswer!.body), plain, ctx()), { status: 'delivered' });
  assert.equal((classifySalesforce(upserted(failed('INVALID_EMAIL_ADDRESS', 'bad')), plain, ctx()) as EventOutcome).status, 'dead_letter');
  assert.deepEqual(resultsOf(answer(200, [{ nope: true }])), undefined);
});

test('access token: the refresh token flow\'s request on the My Domain; the client credentials flow\'s', () => {
  assert.deepEqual(salesforceTokenRequest(ctx()), {
    method: 'POST', url: 'https://acme.my.salesforce.com/services/oauth2/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: 'grant_type=refresh_token&refresh_token=refresh-1&client_id=consumer-key&client_secret=consumer-secret', eventIds: [],
  });
  assert.equal(salesforceTokenRequest(ctx({ ...CONFIG, client_secret: '' })).body, 'grant_type=refresh_token&refresh_token=refresh-1&client_id=consumer-key', 'no secret when the app requires none');
  assert.equal(salesforceTokenRequest(ctx({ ...CONFIG, auth_flow: 'client_credentials' })).body, 'grant_type=client_credentials&client_id=consumer-key&client_secret=consumer-secret');
  assert.equal(salesforce.accessToken!.enabled(CONFIG), true);
  assert.equal(salesforce.accessToken!.enabled({ ...CONFIG, refresh_token: '' }), false);
  assert.equal(salesforce.accessToken!.enabled({ ...CONFIG, refresh_token: '', auth_flow: 'client_credentials' }), true);
  assert.equal(salesforce.accessToken!.rotates, 'refresh_token');
});

test('access token: Salesforce\'s answer (no expires_in: an hour assumed; a rotated refresh token kept); a refused credential said in its terms; its rate limit retried', () => {
  const documented = { access_token: '00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog', signature: 'SSSbLO/gBhmmyNUvN18ODBDFYHzakxOMgqYtu+hDPsc=', scope: 'refresh_token api', instance_url: 'https://acme.my.salesforce.com', id: 'https://login.salesforce.com/id/00Dx0000000BV7z/005x00000012Q9P', token_type: 'Bearer', issued_at: '1278448832702' };
  assert.deepEqual(readSalesforceTokenAnswer(answer(200, documented)), { accessToken: documented.access_token, expiresInSeconds: 3600 });
  assert.equal(readSalesforceTokenAnswer(answer(200, { ...documented, refresh_token: 'refresh-2' })).refreshToken, 'refresh-2');
  assert.throws(() => readSalesforceTokenAnswer(answer(400, { error: 'invalid_grant', error_description: 'expired access/refresh token' })), {
    name: 'PermanentError', message: /^Salesforce refused the app's credentials \(HTTP 400, invalid_grant: expired access\/refresh token\): with auth_flow refresh_token, .*config\.refresh_token/,
  });
  assert.throws(() => readSalesforceTokenAnswer(answer(400, { error: 'rate_limit_exceeded', error_description: 'too many requests' })), { name: 'RetryableError' });
  assert.throws(() => readSalesforceTokenAnswer(answer(503, 'down')), { name: 'RetryableError' });
});

test('deletions: the records holding the userId looked up, then deleted by id; anonymous or unkeyable people skipped', () => {
  const config = { ...CONFIG, forward_deletions: true };
  assert.equal(forgetPerson.enabled(config), true);
  assert.equal(forgetPerson.enabled(CONFIG), false, 'off by default');
  const [lookup] = forgetPerson.request({ userId: "u-1'x", anonymousId: 'df_1' }, ctx(config)) as RequestDescriptor[];
  assert.deepEqual(lookup, { method: 'GET', url: `${BASE}/query`, query: [['q', "SELECT Id FROM Lead WHERE Signal_User_Id__c = 'u-1\\'x' LIMIT 200"]], headers: { authorization: 'Bearer token-1', accept: 'application/json' }, eventIds: [] });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1' }, ctx(config)), { skipped: ANONYMOUS_ONLY });
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com'] }, ctx(config)), { skipped: ANONYMOUS_ONLY }, 'keyed by the userId, the emails are not looked up');
  assert.deepEqual(lookupKeysOf({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, CONFIG), { field: 'Signal_User_Id__c', values: ['u-1'], byEmail: false });
  assert.deepEqual(lookupKeysOf({ userId: 'Jane@Example.com', anonymousId: null }, BY_EMAIL), { field: 'Email', values: ['Jane@Example.com'], byEmail: true });
  assert.deepEqual(lookupKeysOf({ userId: 'Jane@Example.com', anonymousId: null }, { ...CONFIG, external_id_source: 'email' }), { field: 'Signal_User_Id__c', values: ['jane@example.com'], byEmail: true });
  assert.match(String((lookupKeysOf({ userId: 'u-1', anonymousId: null }, BY_EMAIL) as { skipped: string }).skipped), /^people are matched by email .* Signal knew no email of the person .* delete them in Salesforce$/);
  assert.match(String((lookupKeysOf({ userId: 'u-1', anonymousId: 'df_1', emails: [] }, { ...CONFIG, external_id_source: 'email' }) as { skipped: string }).skipped), /^records are keyed by email \(config\.external_id_field Signal_User_Id__c holds it\), the userId is no email address and Signal knew no email/);
  assert.match(String((lookupKeysOf({ userId: null, anonymousId: 'df_1', emails: [] }, BY_EMAIL) as { skipped: string }).skipped), /never by an anonymous visitor's id, and Signal knew no email of the person/);

  const next = forgetPerson.read!(answer(200, { totalSize: 2, done: true, records: [{ attributes: { type: 'Lead' }, Id: '00Q000000000001' }, { attributes: { type: 'Lead' }, Id: '00Q000000000002' }] }), lookup, ctx(config));
  assert.deepEqual(next, { next: { method: 'DELETE', url: `${BASE}/composite/sobjects`, query: [['ids', '00Q000000000001,00Q000000000002'], ['allOrNone', 'false']], headers: lookup.headers, eventIds: [] } });
  const deletion = (next as { next: RequestDescriptor }).next;
  assert.deepEqual(forgetPerson.read!(answer(200, [{ id: '00Q000000000001', success: true, errors: [] }, { id: '00Q000000000002', success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] }]), deletion, ctx(config)), { done: true, message: 'Salesforce deleted 2 records (00Q000000000001, 00Q000000000002), to its Recycle Bin' });
  assert.match(String((forgetPerson.read!(answer(200, [{ id: '003', success: false, errors: [{ statusCode: 'DELETE_FAILED', message: 'related cases', fields: [] }] }]), deletion, ctx(config)) as { failed: string }).failed), /DELETE_FAILED/);
  assert.deepEqual(forgetPerson.read!(answer(200, { totalSize: 0, done: true, records: [] }), lookup, ctx(config)), { done: true, message: 'no Salesforce record holds this person\'s key: nothing to delete' });
  assert.ok('retry' in forgetPerson.read!(answer(403, [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }]), lookup, ctx(config)));
  assert.match(String((forgetPerson.read!(answer(403, [{ message: 'insufficient access rights on object id', errorCode: 'INSUFFICIENT_ACCESS_OR_READONLY' }]), deletion, ctx(config)) as { failed: string }).failed), /Read and Delete/);
  const many = forgetPerson.read!(answer(200, { totalSize: 200, done: true, records: Array.from({ length: 200 }, (_, i) => ({ Id: `00Q${i}` })) }), lookup, ctx(config)) as { next: RequestDescriptor };
  assert.deepEqual(forgetPerson.read!(answer(200, [{ id: '00Q0', success: true, errors: [] }]), many.next, ctx(config)), { retry: 'Salesforce deleted 1 record (00Q0), to its Recycle Bin; more records may hold this person than one request deletes (200): looked up and deleted again' });
});

test('deletions keyed by email: one lookup per email address of the person — an email userId, the emails Signal found — each once', () => {
  const byEmail = { ...BY_EMAIL, forward_deletions: true };
  const byEmailField = { ...CONFIG, external_id_source: 'email', forward_deletions: true };
  const lookup = (where: string): RequestDescriptor => ({ method: 'GET', url: `${BASE}/query`, query: [['q', `SELECT Id FROM Lead WHERE ${where} LIMIT 200`]], headers: { authorization: 'Bearer token-1', accept: 'application/json' }, eventIds: [] });
  // Emails only: a userId that is no email, an anonymousId alone.
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: 'df_1', emails: ['jane@example.com', 'j.doe@work.example'] }, ctx(byEmail)), [lookup("Email = 'jane@example.com'"), lookup("Email = 'j.doe@work.example'")]);
  assert.deepEqual(forgetPerson.request({ userId: null, anonymousId: 'df_1', emails: ['jane@example.com'] }, ctx(byEmailField)), [lookup("Signal_User_Id__c = 'jane@example.com'")], 'a visitor whose identify gave an email');
  // An email userId and the emails found; the userId's address found again (another case) looked up once.
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j.doe@work.example'] }, ctx(byEmail)), [lookup("Email = 'Jane@Example.com'"), lookup("Email = 'j.doe@work.example'")]);
  assert.deepEqual(forgetPerson.request({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com'] }, ctx(byEmailField)), [lookup("Signal_User_Id__c = 'jane@example.com'")], 'lower-cased, as the External ID field holds it');
  // An entry the plugin takes for no address is ignored.
  assert.deepEqual(forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example', 'o\'neil@example.com'] }, ctx(byEmail)), [lookup("Email = 'o\\'neil@example.com'")]);
  assert.ok('skipped' in (forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: ['jane@example'] }, ctx(byEmail)) as object));
  assert.deepEqual(forgetPerson.request({ userId: 'null', anonymousId: 'undefined', emails: [] }, ctx(byEmail)), { skipped: 'the ids named are placeholders the plugin never sends to Salesforce, so no record of theirs can exist there' });
});
