// Attio end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for https://api.attio.com and must
// receive the requests Attio's API reference documents: PUT /v2/objects/people/records and
// PUT /v2/objects/companies/records with their matching_attribute (a person's phone then added
// by PATCH /v2/objects/people/records/{record_id}), POST
// /v2/objects/people/records/query then DELETE /v2/objects/people/records/{record_id} for a deletion.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const TOKEN = '7f3b9c2e5d1a4e8f9b6c0d2e4f6a8b1c';
const PEOPLE = '/v2/objects/people/records';
const COMPANIES = '/v2/objects/companies/records';
const QUERY = '/v2/objects/people/records/query';
const RECORD_ID = 'bf071e1f-6035-429d-b874-d83ea64ea13b';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const PARTIAL_NAME_EMAIL = 'jane.partial@example.com';
const NAMED_RECORD_ID = 'c5a10b2e-7f3d-4e8a-9b1c-2d3e4f5a6b7c';
const asserted = (recordId = RECORD_ID) => ({ status: 200, body: { data: { id: { workspace_id: '14beef7a-99f7-4534-a87e-70b564330a4c', object_id: '97052eb9-e65e-443f-a297-f2d9a4a7f795', record_id: recordId }, values: {} } } });

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.attio.com=${sim.url}`,
  }, { label: 'attio', vendors: ['attio'] });
  // Attio answers an assert with the person's values: Jane Doe (PARTIAL_NAME_EMAIL) holds a name already.
  sim.setDefault('PUT', PEOPLE, (request) => (JSON.stringify((request.json as { data: { values: Values } }).data.values.email_addresses) === JSON.stringify([PARTIAL_NAME_EMAIL])
    ? { status: 200, body: { data: { id: { record_id: NAMED_RECORD_ID }, values: { name: [{ active_from: '2024-03-01T09:00:00.000000000Z', active_until: null, attribute_type: 'personal-name', first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe' }] } } } }
    : asserted()));
  sim.setDefault('PATCH', `${PEOPLE}/${NAMED_RECORD_ID}`, asserted(NAMED_RECORD_ID));
  sim.setDefault('PUT', COMPANIES, asserted('99a03ff3-0435-47da-95cc-76b2caeb4dab'));
  // The query answers the person holding the email asked for, as Attio's shorthand filter does.
  sim.setDefault('POST', QUERY, (request) => {
    const filter = (request.json as { filter?: { email_addresses?: string } }).filter ?? {};
    const email = filter.email_addresses;
    return { status: 200, body: { data: email === 'gus.gone@example.com' ? [{ id: { record_id: RECORD_ID }, values: { email_addresses: [{ email_address: 'Gus.Gone@Example.com', original_email_address: 'Gus.Gone@Example.com' }] } }] : [] } };
  });
  sim.setDefault('DELETE', `${PEOPLE}/${RECORD_ID}`, { status: 200, body: {} });
  sim.setDefault('PATCH', `${PEOPLE}/${RECORD_ID}`, asserted());
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_attio0visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'attio', name, { config: { access_token: TOKEN, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
type Values = Record<string, unknown>;
const valuesOf = (request: RecordedRequest): Values => (request.json as { data: { values: Values } }).data.values;
const peopleWith = (email: string) => sim.requests({ method: 'PUT', path: PEOPLE }).filter((request) => JSON.stringify(valuesOf(request).email_addresses) === JSON.stringify([email]));

describe('Attio', () => {
  test('an identify to PUT /people/records by email_addresses and a group call to PUT /companies/records by domains, exactly as Attio documents them; a track call is not sent', async () => {
    const { site, integrationId } = await installed('Attio', { person_attributes: { plan: 'plan_tier' }, company_attributes: { industry: 'categories' }, user_id_attribute: 'app_user_id' });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'at-identify-1', traits: { email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', phone: '+44 7700 900123', title: 'CTO', plan: 'pro', favourite: 'blue' } });
    await browser(site.key, { type: 'group', userId: 'user-123', groupId: 'g-acme', messageId: 'at-group-1', traits: { name: 'Acme', website: 'https://www.acme.com', industry: 'Software' } });
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'at-track-1' });
    await sim.waitFor((requests) => requests.some((r) => JSON.stringify(valuesOf(r).email_addresses) === '["jane@example.com"]'), 15_000, { method: 'PUT', path: PEOPLE });
    await sim.waitFor(1, 15_000, { method: 'PUT', path: COMPANIES });
    const [person] = peopleWith('jane@example.com');
    assert.equal(person!.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(person!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(person!.queryPairs, [['matching_attribute', 'email_addresses']]);
    assert.deepEqual(person!.json, { data: { values: {
      email_addresses: ['jane@example.com'], name: [{ first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe' }], job_title: 'CTO', app_user_id: 'user-123', plan_tier: 'pro',
    } } }, 'only the traits the config maps; favourite not sent; the phone not in the assert, which would delete the person\'s other numbers');
    const [phone] = await sim.waitFor(1, 15_000, { method: 'PATCH', path: `${PEOPLE}/${RECORD_ID}` });
    assert.deepEqual(phone!.json, { data: { values: { phone_numbers: [{ original_phone_number: '+447700900123' }] } } }, 'the phone added to the asserted person by PATCH');
    assert.equal(phone!.headers.authorization, `Bearer ${TOKEN}`);
    const [company] = sim.requests({ method: 'PUT', path: COMPANIES });
    assert.deepEqual(company!.queryPairs, [['matching_attribute', 'domains']]);
    assert.deepEqual(company!.json, { data: { values: { domains: ['acme.com'], name: 'Acme', categories: 'Software' } } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the identify and the group delivered');
    assert.equal(sim.requests().some((r) => r.body.includes('Signed Up')), false, 'no track call reaches Attio');
  });

  test('an identify giving only a first name keeps the last name Attio holds: the assert leaves the name out, a PATCH writes it merged', async () => {
    const { site, integrationId } = await installed('Attio partial name');
    await browser(site.key, { type: 'identify', userId: 'user-456', messageId: 'at-partial-name-1', traits: { email: PARTIAL_NAME_EMAIL, firstName: 'Janet' } });
    const [patch] = await sim.waitFor(1, 15_000, { method: 'PATCH', path: `${PEOPLE}/${NAMED_RECORD_ID}` });
    const [assert_] = peopleWith(PARTIAL_NAME_EMAIL);
    assert.deepEqual(assert_!.json, { data: { values: { email_addresses: [PARTIAL_NAME_EMAIL] } } }, 'no name in the assert: it would replace the whole name');
    assert.deepEqual(patch!.json, { data: { values: { name: [{ first_name: 'Janet', last_name: 'Doe', full_name: 'Janet Doe' }] } } }, 'the last name Attio holds kept');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the identify delivered');
  });

  test('an identify giving only a first name reaches the person by the email an earlier identify gave: Signal remembers it (context.traits)', async () => {
    const { site, integrationId } = await installed('Attio remembered email');
    await browser(site.key, { type: 'identify', userId: 'user-remy', messageId: 'at-remembered-1', traits: { email: 'remy@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the first identify delivered');
    await browser(site.key, { type: 'identify', userId: 'user-remy', messageId: 'at-remembered-2', traits: { firstName: 'Remy' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the second identify delivered, not skipped for want of an email');
    const asserts = peopleWith('remy@example.com');
    assert.equal(asserts.length, 2, 'both asserts matched by the email the first gave');
    assert.deepEqual(asserts.map((r) => r.queryPairs), [[['matching_attribute', 'email_addresses']], [['matching_attribute', 'email_addresses']]]);
    assert.deepEqual(asserts[1]!.json, { data: { values: { email_addresses: ['remy@example.com'] } } }, 'the remembered email, once');
    const named = sim.requests({ method: 'PATCH', path: `${PEOPLE}/${RECORD_ID}` }).filter((r) => r.body.includes('Remy'));
    assert.deepEqual(named.map((r) => r.json), [{ data: { values: { name: [{ first_name: 'Remy', last_name: '', full_name: 'Remy' }] } } }], 'the first name written to the person found by email');
  });

  test('a 429 (Retry-After as a date), a 409 concurrent_write_conflict, a 503 and a timeout are retried, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Attio retried');
    sim.script('PUT', PEOPLE, [
      { status: 429, body: { status_code: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit exceeded, please try again later' }, headers: { 'retry-after': new Date(Date.now() + 1000).toUTCString() } },
      { status: 409, body: { status_code: 409, type: 'invalid_request_error', code: 'concurrent_write_conflict', message: 'A concurrent write is in progress for this record.' } },
      { status: 503, body: 'Service Unavailable' },
      { hang: true },
      asserted(),
    ]);
    await browser(site.key, { type: 'identify', userId: 'user-retry', messageId: 'at-retried-1', traits: { email: 'retry@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 50_000);
    assert.equal(peopleWith('retry@example.com').length, 5, 'the 429, the 409, the 503, the timeout, then the success; nothing after it');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a 400 naming an attribute is dead-lettered at once with Attio\'s message and what to check; a refused token (401) names config.access_token', async () => {
    const { site, integrationId } = await installed('Attio refused', { person_attributes: { plan: 'plan_tier' } });
    sim.script('PUT', PEOPLE, [{ status: 400, body: { status_code: 400, type: 'invalid_request_error', code: 'value_not_found', message: 'Cannot find attribute with slug/ID "plan_tier".' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'at-400', traits: { email: 'bad@example.com', plan: 'pro' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'at-400');
    assert.equal(letter.attempts, 1, 'not retried: Attio refused it for good');
    assert.equal(letter.reason, 'Attio refused the person (HTTP 400: value_not_found: Cannot find attribute with slug/ID "plan_tier".): check config.person_attributes (or config.user_id_attribute) — each attribute must exist on People in Attio and take the trait\'s type (a select attribute an existing option\'s title) — then replay');

    sim.script('PUT', PEOPLE, [{ status: 401, body: { status_code: 401, type: 'auth_error', code: 'unauthorized', message: 'Invalid access token.' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'at-401', traits: { email: 'unauthorised@example.com' } });
    const refused = await waitForDeadLetter(signal, integrationId, 'at-401');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /^Attio refused the access token \(HTTP 401: unauthorized: Invalid access token\.\): check config\.access_token/);
  });

  test('person deletions: the People query by each email Signal knew, then DELETE of the record found; nobody found is done; an anonymousId alone skipped; a refused token fails', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Attio deletions');
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'at-del-traits', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } });
    await sim.waitFor((requests) => requests.some((r) => JSON.stringify(valuesOf(r).email_addresses) === '["Gus.Gone@Example.com"]'), 15_000, { method: 'PUT', path: PEOPLE });
    const queriesBefore = sim.count({ path: QUERY });
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'attio');
    assert.equal(sent!.status, 'sent', String(sent!.message));
    const queries = sim.requests({ path: QUERY }).slice(queriesBefore);
    assert.deepEqual(queries.map((r) => [r.method, r.json]), [['POST', { filter: { email_addresses: 'gus.gone@example.com' }, limit: 10 }]]);
    assert.equal(queries[0]!.headers.authorization, `Bearer ${TOKEN}`);
    assert.equal(sim.count({ method: 'DELETE', path: `${PEOPLE}/${RECORD_ID}` }), 1);
    assert.match(String(sent!.message), /Attio deleted the person \(by email\)/);

    const [nobody] = await deletePerson(signal, site.id, { userId: 'nobody@example.com' });
    assert.equal(nobody!.status, 'sent');
    assert.match(String(nobody!.message), /Attio has no person with this email: nothing to delete/);
    assert.equal(sim.count({ method: 'DELETE', path: `${PEOPLE}/${RECORD_ID}` }), 1, 'nothing more deleted');

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_attio_never_identified' });
    assert.equal(skipped!.status, 'skipped');

    sim.script('POST', QUERY, [{ status: 401, body: { status_code: 401, type: 'auth_error', code: 'unauthorized', message: 'Invalid access token.' } }]);
    const [failed] = await deletePerson(signal, site.id, { userId: 'someone@example.com' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /HTTP 401: Attio refused the access token for the lookup of the person \(by email\)/);
  });

  test('an install mapping a trait to an attribute\'s title instead of its slug is refused, naming the field and what it expects', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/attio/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Attio title', variant: 'default', config: { access_token: TOKEN, person_attributes: { plan: 'Plan Tier' } } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields, [{ field: 'config.person_attributes', message: 'maps "plan" to "Plan Tier", which is no Attio attribute slug: give the slug (lower-case letters, digits and _, e.g. "plan_tier", shown in the attribute\'s settings), not its title' }]);
  });
});
