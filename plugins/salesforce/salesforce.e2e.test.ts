// Salesforce Sales Cloud end to end: browser calls through the real collect API, the queue and the
// delivery engine; the vendor simulator stands in for the org's My Domain
// (https://acme.my.salesforce.com) and must receive the requests Salesforce documents — the OAuth
// refresh token flow at /services/oauth2/token, the sObject Collections upsert by the External ID
// field with the Bearer token, the SOQL lookup then the collections update or creation when people
// are matched by Email, the lookup and collections delete of a person deletion — and its answers
// (a record refused among others, a creation missing its required fields, an expired session, the
// org's API limit, an outage, an unknown field) must end as Salesforce's documentation says.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const ORG = 'https://acme.my.salesforce.com';
const TOKEN = '/services/oauth2/token';
const DATA = '/services/data/v68.0';
const UPSERT = `${DATA}/composite/sobjects/Lead/Signal_User_Id__c`;
const COLLECTIONS = `${DATA}/composite/sobjects`;
const QUERY = `${DATA}/query`;
const CALL_TIMESTAMP = '2026-11-30T16:00:00.000Z';
const visitor: Visitor = { id: 'df_sfdc0visitor01', ip: '203.0.113.42' };

// any: the vendor's JSON, read field by field in assertions.
type Fields = Record<string, any>;
let sim: VendorSim;
let signal: TestSignal;
let tokens = 0;
let nextId = 1;
/** The simulated org's records: id → { type, fields }. */
const records = new Map<string, { type: string; fields: Fields }>();

const newId = (type: string) => `${type === 'Lead' ? '00Q' : '003'}5e0000${String(nextId++).padStart(8, '0')}`;
const recordsIn = (request: RecordedRequest): Fields[] => ((request.json as { records?: Fields[] } | undefined)?.records ?? []);
const withoutAttributes = ({ attributes: _attributes, id: _id, ...fields }: Fields) => fields;
const missingRequired = (type: string, fields: Fields) => (type === 'Lead' ? ['LastName', 'Company'] : ['LastName']).filter((field) => !fields[field]);

/** The sObject Collections upsert as Salesforce answers it: one UpsertResult a record, in order. */
function upsert(request: RecordedRequest): ScriptedResponse {
  // A value its field's type does not take refuses the whole request, before any record is written.
  const unparsable = recordsIn(request).find((record) => record.NumberOfEmployees !== undefined && typeof record.NumberOfEmployees !== 'number' && !/^\d+$/.test(String(record.NumberOfEmployees)));
  if (unparsable) return { status: 400, body: [{ message: `Cannot deserialize instance of int from VALUE_STRING value ${unparsable.NumberOfEmployees} or request may be missing a required field at [line:1, column:42]`, errorCode: 'JSON_PARSER_ERROR' }] };
  const results = recordsIn(request).map((record) => {
    const fields = withoutAttributes(record);
    if (fields.Email === 'rejected@example.invalid') return { success: false, errors: [{ statusCode: 'INVALID_EMAIL_ADDRESS', message: 'Email: invalid email address: rejected@example.invalid', fields: ['Email'] }] };
    const existing = [...records.entries()].find(([, r]) => r.type === 'Lead' && r.fields.Signal_User_Id__c === fields.Signal_User_Id__c);
    if (existing) {
      Object.assign(existing[1].fields, fields);
      return { id: existing[0], success: true, errors: [], created: false };
    }
    const missing = missingRequired('Lead', fields);
    if (missing.length > 0) return { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing }] };
    const id = newId('Lead');
    records.set(id, { type: 'Lead', fields });
    return { id, success: true, errors: [], created: true };
  });
  return { status: 200, body: results };
}

/** SOQL string literals of a query, unescaped. */
const literalsOf = (text: string) => [...text.matchAll(/'((?:\\.|[^'\\])*)'/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));

/** The Query resource for the plugin's two queries: the Email lookup and a deletion's lookup (SOQL compares text without case). */
function query(request: RecordedRequest): ScriptedResponse {
  const q = request.query.q ?? '';
  const type = /FROM (\w+)/.exec(q)![1]!;
  const byEmail = /WHERE Email IN \((.*)\)/.exec(q);
  const byField = /WHERE (\w+) = ('.*') LIMIT/.exec(q);
  let found: Array<[string, { type: string; fields: Fields }]>;
  if (byEmail) {
    const emails = literalsOf(byEmail[1]!).map((email) => email.toLowerCase());
    found = [...records.entries()].filter(([, r]) => r.type === type && emails.includes(String(r.fields.Email).toLowerCase()));
  } else {
    const [field, value] = [byField![1]!, literalsOf(byField![2]!)[0]];
    found = [...records.entries()].filter(([, r]) => r.type === type && String(r.fields[field]).toLowerCase() === value?.toLowerCase());
  }
  const rows = found.map(([id, r]) => ({ attributes: { type, url: `${DATA}/sobjects/${type}/${id}` }, Id: id, ...(byEmail ? { Email: r.fields.Email, ...(type === 'Lead' ? { IsConverted: false } : {}) } : {}) }));
  return { status: 200, body: { totalSize: rows.length, done: true, records: rows } };
}

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    SIGNAL_VENDOR_REDIRECTS: `${ORG}=${sim.url}`,
  }, { label: 'salesforce', vendors: ['salesforce'] });
  // The refresh token flow's answer, as Salesforce documents it: no expires_in.
  sim.setDefault('POST', TOKEN, () => {
    tokens++;
    return { status: 200, body: { access_token: `00Dxx0000001gPL!token-${tokens}`, signature: 'SSSbLO/gBhmmyNUvN18ODBDFYHzakxOMgqYtu+hDPsc=', scope: 'refresh_token api', instance_url: ORG, id: `${ORG}/id/00Dx0000000BV7z/005x00000012Q9P`, token_type: 'Bearer', issued_at: '1796054400000' } };
  });
  sim.setDefault('PATCH', UPSERT, upsert);
  sim.setDefault('GET', QUERY, query);
  sim.setDefault('PATCH', COLLECTIONS, (request) => ({ status: 200, body: recordsIn(request).map((record) => {
    const existing = records.get(record.id);
    if (!existing) return { success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] };
    Object.assign(existing.fields, withoutAttributes(record));
    return { id: record.id, success: true, errors: [] };
  }) }));
  sim.setDefault('POST', COLLECTIONS, (request) => ({ status: 200, body: recordsIn(request).map((record) => {
    const missing = missingRequired(record.attributes.type, record);
    if (missing.length > 0) return { success: false, errors: [{ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing }] };
    const id = newId(record.attributes.type);
    records.set(id, { type: record.attributes.type, fields: withoutAttributes(record) });
    return { id, success: true, errors: [] };
  }) }));
  sim.setDefault('DELETE', COLLECTIONS, (request) => ({ status: 200, body: (request.query.ids ?? '').split(',').map((id) => (records.delete(id) ? { id, success: true, errors: [] } : { id, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] })) }));
});
after(() => closeAll(signal, sim));

const CONFIG = { my_domain: 'acme.my.salesforce.com', client_id: 'sfdc-consumer-key', client_secret: 'sfdc-consumer-secret', refresh_token: 'sfdc-refresh-token', external_id_field: 'Signal_User_Id__c', field_map: { plan: 'Plan__c' } };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'salesforce', name, { config: { ...CONFIG, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const upsertsOf = (userId: string) => sim.requests({ method: 'PATCH', path: UPSERT }).filter((r) => recordsIn(r).some((record) => record.Signal_User_Id__c === userId));
const recordOf = (field: string, value: string) => [...records.entries()].find(([, r]) => r.fields[field] === value);
const delivered = (integrationId: string, count: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered >= count || undefined, `${count} delivered`, 30_000);

describe('Salesforce Sales Cloud', () => {
  test('identify: an access token for the refresh token at the My Domain, then the sObject Collections upsert by the External ID field with it', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Main');
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'sf-identify-1', traits: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', company: 'Acme', title: 'CTO', plan: 'premium', address: { city: 'Paris', country: 'FR' } } });
    const [request] = await sim.waitFor((requests) => requests.some((r) => r.path === UPSERT), 20_000, { method: 'PATCH', path: UPSERT });
    const [exchange] = sim.requests({ path: TOKEN });
    assert.equal(exchange!.method, 'POST');
    assert.equal(exchange!.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.deepEqual([...new URLSearchParams(exchange!.body)], [['grant_type', 'refresh_token'], ['refresh_token', 'sfdc-refresh-token'], ['client_id', 'sfdc-consumer-key'], ['client_secret', 'sfdc-consumer-secret']]);
    assert.equal(request!.headers.authorization, `Bearer 00Dxx0000001gPL!token-${tokens}`);
    assert.match(request!.headers['content-type'] ?? '', /^application\/json/);
    assert.equal(request!.headers['sforce-auto-assign'], 'FALSE', 'no assignment rule hands on a lead the upsert updates');
    assert.deepEqual(request!.json, { allOrNone: false, records: [{ attributes: { type: 'Lead' }, FirstName: 'Jane', LastName: 'Doe', Company: 'Acme', Title: 'CTO', City: 'Paris', Country: 'FR', Email: 'jane.doe@example.com', Plan__c: 'premium', Signal_User_Id__c: 'user-123' }] });
    await delivered(integrationId, 1);
    assert.equal(recordOf('Signal_User_Id__c', 'user-123')![1].fields.Company, 'Acme');
  });

  test('a new person without LastName or Company: Salesforce\'s REQUIRED_FIELD_MISSING, then the upsert again with the placeholder; an existing lead\'s company is never overwritten', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Required');
    await browser(site.key, { type: 'identify', userId: 'user-200', messageId: 'sf-required-1', traits: { email: 'newsletter@example.com' } });
    await delivered(integrationId, 1);
    const [first, second] = upsertsOf('user-200');
    assert.deepEqual(recordsIn(first!), [{ attributes: { type: 'Lead' }, Email: 'newsletter@example.com', Signal_User_Id__c: 'user-200' }]);
    assert.deepEqual(recordsIn(second!), [{ attributes: { type: 'Lead' }, Email: 'newsletter@example.com', Signal_User_Id__c: 'user-200', LastName: '[not provided]', Company: '[not provided]' }]);
    // Sales fills the company in; a later identify without one leaves it.
    recordOf('Signal_User_Id__c', 'user-200')![1].fields.Company = 'Initech';
    await browser(site.key, { type: 'identify', userId: 'user-200', messageId: 'sf-required-2', traits: { email: 'newsletter@example.com', title: 'Buyer' } });
    await delivered(integrationId, 2);
    assert.equal(upsertsOf('user-200').length, 3, 'one upsert: the record existed');
    assert.deepEqual(recordOf('Signal_User_Id__c', 'user-200')![1].fields, { Email: 'newsletter@example.com', Signal_User_Id__c: 'user-200', LastName: '[not provided]', Company: 'Initech', Title: 'Buyer' });
  });

  test('a batch: one record each person, each its own outcome — an invalid email dead-lettered with Salesforce\'s words, the others delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Batch');
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': visitor.ip, cookie: `_dfdid=${visitor.id}` },
      body: JSON.stringify({
        writeKey: site.key,
        batch: [
          { type: 'identify', userId: 'user-301', messageId: 'sf-batch-1', timestamp: CALL_TIMESTAMP, traits: { lastName: 'One', company: 'A', email: 'one@example.com' }, context: { consent: { marketing: true } } },
          { type: 'identify', userId: 'user-302', messageId: 'sf-batch-2', timestamp: CALL_TIMESTAMP, traits: { lastName: 'Two', company: 'B', email: 'rejected@example.invalid' }, context: { consent: { marketing: true } } },
          { type: 'identify', userId: 'user-301', messageId: 'sf-batch-3', timestamp: CALL_TIMESTAMP, traits: { title: 'Founder' }, context: { consent: { marketing: true } } },
          { type: 'track', userId: 'user-301', event: 'Order Completed', messageId: 'sf-batch-4', timestamp: CALL_TIMESTAMP, properties: { total: 10 }, context: { consent: { marketing: true } } },
        ],
      }),
    });
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'sf-batch-2');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^Salesforce refused the Lead: INVALID_EMAIL_ADDRESS: Email: invalid email address: rejected@example.invalid: the identify's email address/);
    await delivered(integrationId, 2);
    const fields = recordOf('Signal_User_Id__c', 'user-301')![1].fields;
    assert.equal(fields.Title, 'Founder');
    assert.equal(fields.LastName, 'One');
    const sent = upsertsOf('user-301');
    assert.ok(sent.every((request) => recordsIn(request).filter((record) => record.Signal_User_Id__c === 'user-301').length === 1), 'never one key twice in a request');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 1);
  });

  test('one record\'s value not of its field\'s type (JSON_PARSER_ERROR for the whole request): halved until it is alone and dead-lettered; the others delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Types', { field_map: { employees: 'NumberOfEmployees' } });
    const call = (n: number, employees: unknown) => ({ type: 'identify', userId: `user-60${n}`, messageId: `sf-types-${n}`, timestamp: CALL_TIMESTAMP, traits: { lastName: `T${n}`, company: 'Acme', employees }, context: { consent: { marketing: true } } });
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': visitor.ip, cookie: `_dfdid=${visitor.id}` },
      body: JSON.stringify({ writeKey: site.key, batch: [call(1, 10), call(2, '50-100'), call(3, 20), call(4, 30)] }),
    });
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'sf-types-2');
    assert.match(letter.reason, /^HTTP 400: JSON_PARSER_ERROR: Cannot deserialize instance of int from VALUE_STRING value 50-100 .*: a value is not of its field's type .*config\.field_map/);
    await delivered(integrationId, 3);
    for (const n of [1, 3, 4]) assert.equal(recordOf('Signal_User_Id__c', `user-60${n}`)?.[1].fields.LastName, `T${n}`);
    assert.equal(recordOf('Signal_User_Id__c', 'user-602'), undefined);
    const carrying = upsertsOf('user-602').map((request) => recordsIn(request).length);
    assert.ok(carrying.length > 1 && carrying[0]! > 1 && carrying[carrying.length - 1] === 1, `sent with others, then halved down to itself (${carrying.join(', ')} records)`);
  });

  test('an expired session (401 INVALID_SESSION_ID) renews the token and sends the request again; REQUEST_LIMIT_EXCEEDED, a 503 and a concurrent creation\'s DUPLICATE_VALUE retried; an unknown field dead-lettered naming field_map', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Failures');
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'sf-warmup', traits: { lastName: 'Warm', company: 'Up' } });
    await delivered(integrationId, 1);
    const before = tokens;
    sim.script('PATCH', UPSERT, [{ status: 401, body: [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }] }]);
    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'sf-renewed', traits: { lastName: 'Renewed', company: 'Acme' } });
    await delivered(integrationId, 2);
    const [refused, resent] = upsertsOf('user-401');
    assert.notEqual(resent!.headers.authorization, refused!.headers.authorization, 'sent again with a new token');
    assert.equal(tokens, before + 1, 'one renewal');
    assert.equal((await integrationStats(signal, integrationId)).retried, 0, 'no retry used');

    sim.script('PATCH', UPSERT, [
      { status: 403, body: [{ message: 'TotalRequests Limit exceeded.', errorCode: 'REQUEST_LIMIT_EXCEEDED' }], headers: { 'retry-after': '1' } },
      { status: 503, body: 'Service Unavailable' },
    ]);
    await browser(site.key, { type: 'identify', userId: 'user-402', messageId: 'sf-limited', traits: { lastName: 'Limited', company: 'Acme' } });
    await delivered(integrationId, 3);
    assert.equal(upsertsOf('user-402').length, 3, 'the 403, the 503, then the success');

    // Another request created the person at the same moment: the upsert's DUPLICATE_VALUE on the External ID field, retried as an update.
    sim.script('PATCH', UPSERT, [{ status: 200, body: [{ success: false, errors: [{ statusCode: 'DUPLICATE_VALUE', message: 'duplicate value found: Signal_User_Id__c duplicates value on record with id: 00Q5e000000000XYZ', fields: [] }] }] }]);
    await browser(site.key, { type: 'identify', userId: 'user-404', messageId: 'sf-raced', traits: { lastName: 'Raced', company: 'Acme' } });
    await delivered(integrationId, 4);
    assert.equal(upsertsOf('user-404').length, 2, 'the refused upsert, then the one that wrote the record');
    assert.equal(recordOf('Signal_User_Id__c', 'user-404')![1].fields.LastName, 'Raced');

    sim.script('PATCH', UPSERT, [{ status: 400, body: [{ message: "No such column 'Plan__c' on sobject of type Lead", errorCode: 'INVALID_FIELD' }] }]);
    await browser(site.key, { type: 'identify', userId: 'user-403', messageId: 'sf-unknown-field', traits: { lastName: 'Field', company: 'Acme', plan: 'gold' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'sf-unknown-field');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, /^HTTP 400: INVALID_FIELD: No such column 'Plan__c' on sobject of type Lead: every field of config\.field_map/);
  });

  test('matching by Email (Contacts): a SOQL lookup, then the update of the contact found by its id and the creation of a new one', { timeout: 60_000 }, async () => {
    const existing = newId('Contact');
    records.set(existing, { type: 'Contact', fields: { LastName: 'Known', Email: 'Known@Example.com' } });
    const { site, integrationId } = await installed('ByEmail', { object: 'Contact', external_id_field: undefined, field_map: {} });
    await browser(site.key, { type: 'identify', userId: 'user-500', messageId: 'sf-email-1', traits: { email: 'known@example.com', title: 'VP', address: { city: 'Lyon' } } });
    await browser(site.key, { type: 'identify', userId: 'user-501', messageId: 'sf-email-2', traits: { email: 'fresh@example.com', firstName: 'Fresh' } });
    await delivered(integrationId, 2);
    const lookups = sim.requests({ method: 'GET', path: QUERY }).filter((r) => (r.query.q ?? '').includes('FROM Contact'));
    const known = lookups.find((r) => (r.query.q ?? '').includes("'known@example.com'"));
    assert.match(known?.query.q ?? '', /^SELECT Id, Email FROM Contact WHERE Email IN \((?:'[a-z@.]+'(?:, )?)+\) ORDER BY LastModifiedDate DESC$/);
    assert.match(lookups[0]!.headers.authorization ?? '', /^Bearer 00Dxx0000001gPL!token-\d+$/);
    const update = sim.requests({ method: 'PATCH', path: COLLECTIONS }).find((r) => recordsIn(r).some((record) => record.id === existing))!;
    assert.deepEqual(update.json, { allOrNone: false, records: [{ attributes: { type: 'Contact' }, id: existing, Title: 'VP', MailingCity: 'Lyon', Email: 'known@example.com' }] });
    const create = sim.requests({ method: 'POST', path: COLLECTIONS }).find((r) => recordsIn(r).some((record) => record.Email === 'fresh@example.com'))!;
    assert.deepEqual(create.json, { allOrNone: false, records: [{ attributes: { type: 'Contact' }, FirstName: 'Fresh', Email: 'fresh@example.com', LastName: '[not provided]' }] });
    assert.equal(records.get(existing)!.fields.Title, 'VP');
  });

  test('a person deletion: the records holding the userId looked up, then the sObject Collections delete; an anonymousId alone skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Deletions', { forward_deletions: true });
    await browser(site.key, { type: 'identify', userId: 'forget-me', messageId: 'sf-forget-1', traits: { lastName: 'Gone', company: 'Soon' } });
    await delivered(integrationId, 1);
    const [id] = recordOf('Signal_User_Id__c', 'forget-me')!;
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'forget-me', anonymousId: visitor.id }), [{
      integrationId, vendor: 'salesforce', status: 'sent', responseStatus: 200, message: `Salesforce deleted 1 record (${id}), to its Recycle Bin`,
    }]);
    const lookup = sim.requests({ method: 'GET', path: QUERY }).find((r) => r.query.q === "SELECT Id FROM Lead WHERE Signal_User_Id__c = 'forget-me' LIMIT 200");
    assert.ok(lookup, 'the documented query');
    assert.match(lookup!.headers.authorization ?? '', /^Bearer 00Dxx0000001gPL!token-\d+$/);
    const [deletion] = sim.requests({ method: 'DELETE', path: COLLECTIONS });
    assert.deepEqual(deletion!.queryPairs, [['ids', id], ['allOrNone', 'false']]);
    assert.equal(records.has(id), false);

    const [anonymous] = await deletePerson(signal, site.id, { anonymousId: visitor.id });
    assert.equal(anonymous!.status, 'skipped');
    assert.match(String(anonymous!.message), /never an anonymous visitor/);
  });

  test('a person deletion, people matched by Email: a userId that is no email, whose identify gave traits.email — the records found by that email and deleted', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Deletions by traits', { object: 'Contact', external_id_field: undefined, field_map: {}, forward_deletions: true });
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'sf-forget-2', traits: { email: 'Gus.Gone@Example.com', lastName: 'Gone' } });
    await delivered(integrationId, 1);
    const [id] = recordOf('Email', 'Gus.Gone@Example.com')!;
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-gus-0042' }), [{
      integrationId, vendor: 'salesforce', status: 'sent', responseStatus: 200, message: `Salesforce deleted 1 record (${id}), to its Recycle Bin`,
    }]);
    const lookups = sim.requests({ method: 'GET', path: QUERY }).filter((r) => r.query.q === "SELECT Id FROM Contact WHERE Email = 'gus.gone@example.com' LIMIT 200");
    assert.equal(lookups.length, 1, 'looked up by the email Signal remembered (lower-cased), though the deletion named the userId only');
    assert.ok(sim.requests({ method: 'DELETE', path: COLLECTIONS }).some((r) => r.query.ids === id));
    assert.equal(records.has(id), false);
  });
});
