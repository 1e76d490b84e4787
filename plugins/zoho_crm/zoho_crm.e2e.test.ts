// Zoho CRM end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for the EU data center's accounts server
// (https://accounts.zoho.eu) and API domain (https://www.zohoapis.eu) and must receive the
// requests Zoho documents — the refresh token grant at /oauth/v2/token, Upsert Records by Email
// with the Zoho-oauthtoken header, the search by email then Delete Records of a person deletion —
// and its answers (a record refused among others, a new record without Last_Name, an expired
// token, a 429, an outage, a timeout, a scope mismatch) must end as Zoho's documentation says.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const TOKEN = '/oauth/v2/token';
const UPSERT = '/crm/v8/Leads/upsert';
const SEARCH = '/crm/v8/Leads/search';
const LEADS = '/crm/v8/Leads';
const CALL_TIMESTAMP = '2026-11-30T16:00:00.000Z';
const visitor: Visitor = { id: 'df_zoho0visitor01', ip: '203.0.113.42' };

// any: the vendor's JSON, read field by field in assertions.
type Fields = Record<string, any>;
let sim: VendorSim;
let signal: TestSignal;
let tokens = 0;
let nextId = 1;
/** The simulated account's Leads: id → fields. */
const leads = new Map<string, Fields>();

const dataOf = (request: RecordedRequest): Fields[] => ((request.json as { data?: Fields[] } | undefined)?.data ?? []);
const leadByEmail = (email: string) => [...leads.entries()].find(([, fields]) => String(fields.Email).toLowerCase() === email.toLowerCase());
const upsertsOf = (email: string) => sim.requests({ method: 'POST', path: UPSERT }).filter((r) => dataOf(r).some((record) => String(record.Email).toLowerCase() === email));

/** Upsert Records as Zoho answers it: one entry a record, in order; 400 when none was written. */
function upsert(request: RecordedRequest): ScriptedResponse {
  const entries = dataOf(request).map((record) => {
    if (String(record.Email).endsWith('.invalid')) return { code: 'INVALID_DATA', details: { expected_data_type: 'email', api_name: 'Email' }, message: 'invalid data', status: 'error' };
    const existing = leadByEmail(String(record.Email));
    if (existing) {
      Object.assign(existing[1], record);
      return { code: 'SUCCESS', duplicate_field: 'Email', action: 'update', details: { id: existing[0] }, message: 'record updated', status: 'success' };
    }
    if (!record.Last_Name) return { code: 'MANDATORY_NOT_FOUND', details: { api_name: 'Last_Name' }, message: 'required field not found', status: 'error' };
    const id = `41508680000${String(nextId++).padStart(8, '0')}`;
    leads.set(id, { ...record });
    return { code: 'SUCCESS', duplicate_field: null, action: 'insert', details: { id }, message: 'record added', status: 'success' };
  });
  return { status: entries.some((entry) => entry.status === 'success') ? 200 : 400, body: { data: entries } };
}

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    SIGNAL_VENDOR_REDIRECTS: `https://accounts.zoho.eu=${sim.url},https://www.zohoapis.eu=${sim.url}`,
  }, { label: 'zoho_crm', vendors: ['zoho_crm'] });
  // The refresh token grant's answer, as Zoho documents it.
  sim.setDefault('POST', TOKEN, () => {
    tokens++;
    return { status: 200, body: { access_token: `1000.token-${tokens}`, scope: 'ZohoCRM.modules.leads.ALL ZohoSearch.securesearch.READ', api_domain: 'https://www.zohoapis.eu', token_type: 'Bearer', expires_in: 3600 } };
  });
  sim.setDefault('POST', UPSERT, upsert);
  // Search by email: every email field of the module; 204 when none matches.
  sim.setDefault('GET', SEARCH, (request) => {
    const email = (request.query.email ?? '').toLowerCase();
    const found = [...leads.entries()].filter(([, fields]) => [fields.Email, fields.Secondary_Email].some((value) => String(value).toLowerCase() === email));
    if (found.length === 0) return { status: 204 };
    return { status: 200, body: { data: found.map(([id, fields]) => ({ id, ...fields })), info: { per_page: 200, count: found.length, page: 1, more_records: false } } };
  });
  sim.setDefault('DELETE', LEADS, (request) => ({ status: 200, body: { data: (request.query.ids ?? '').split(',').map((id) => (leads.delete(id)
    ? { code: 'SUCCESS', details: { id }, message: 'record deleted', status: 'success' }
    : { code: 'INVALID_DATA', details: { id }, message: 'the related id given seems to be invalid', status: 'error' })) } }));
});
after(() => closeAll(signal, sim));

const CONFIG = { data_center: 'eu', client_id: '1000.ZOHOCLIENT', client_secret: 'zoho-client-secret', refresh_token: '1000.zoho.refresh', field_map: { plan: 'Plan' } };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'zoho_crm', name, { config: { ...CONFIG, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const delivered = (integrationId: string, count: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered >= count || undefined, `${count} delivered`, 30_000);
const batch = (key: string, calls: Array<Record<string, unknown>>) => fetch(`${signal.collectUrl}/v1/batch`, {
  method: 'POST',
  headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': visitor.ip, cookie: `_dfdid=${visitor.id}` },
  body: JSON.stringify({ writeKey: key, batch: calls.map((call) => ({ timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } }, ...call })) }),
});

describe('Zoho CRM', () => {
  test('identify: an access token for the refresh token at the EU accounts server, then Upsert Records by Email on the EU API domain with it', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Main');
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'zc-identify-1', traits: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe', company: 'Acme', title: 'CTO', plan: 'premium', address: { city: 'Paris', country: 'FR' } } });
    const [request] = await sim.waitFor((requests) => requests.some((r) => r.path === UPSERT), 20_000, { method: 'POST', path: UPSERT });
    const [exchange] = sim.requests({ path: TOKEN });
    assert.equal(exchange!.method, 'POST');
    assert.deepEqual([...new URLSearchParams(exchange!.body)], [['grant_type', 'refresh_token'], ['refresh_token', '1000.zoho.refresh'], ['client_id', '1000.ZOHOCLIENT'], ['client_secret', 'zoho-client-secret']]);
    assert.equal(request!.headers.authorization, `Zoho-oauthtoken 1000.token-${tokens}`);
    assert.deepEqual(request!.json, { data: [{ First_Name: 'Jane', Last_Name: 'Doe', Company: 'Acme', Designation: 'CTO', City: 'Paris', Country: 'FR', Plan: 'premium', Email: 'jane.doe@example.com' }], duplicate_check_fields: ['Email'] });
    await delivered(integrationId, 1);
    assert.equal(leadByEmail('jane.doe@example.com')![1].Company, 'Acme');
  });

  test('a new person without a last name: Zoho\'s MANDATORY_NOT_FOUND, then the upsert again with the email\'s local part; an existing lead\'s last name is never overwritten', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Last name');
    await browser(site.key, { type: 'identify', userId: 'user-200', messageId: 'zc-lastname-1', traits: { email: 'newsletter.fan@example.com' } });
    await delivered(integrationId, 1);
    const [first, second] = upsertsOf('newsletter.fan@example.com');
    assert.deepEqual(dataOf(first!), [{ Email: 'newsletter.fan@example.com' }]);
    assert.deepEqual(dataOf(second!), [{ Email: 'newsletter.fan@example.com', Last_Name: 'newsletter.fan' }]);
    // Sales enters the real name; a later identify without one leaves it.
    leadByEmail('newsletter.fan@example.com')![1].Last_Name = 'Fanning';
    await browser(site.key, { type: 'identify', userId: 'user-200', messageId: 'zc-lastname-2', traits: { email: 'newsletter.fan@example.com', title: 'Buyer' } });
    await delivered(integrationId, 2);
    assert.equal(upsertsOf('newsletter.fan@example.com').length, 3, 'one upsert: the record existed');
    assert.deepEqual(leadByEmail('newsletter.fan@example.com')![1], { Email: 'newsletter.fan@example.com', Last_Name: 'Fanning', Designation: 'Buyer' });
  });

  test('a batch: one record a person, each its own outcome — an invalid email dead-lettered with Zoho\'s words, the others delivered; a track call not sent', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Batch');
    const res = await batch(site.key, [
      { type: 'identify', userId: 'user-301', messageId: 'zc-batch-1', traits: { lastName: 'One', email: 'one@example.com' } },
      { type: 'identify', userId: 'user-302', messageId: 'zc-batch-2', traits: { lastName: 'Two', email: 'two@example.invalid' } },
      { type: 'identify', userId: 'user-301', messageId: 'zc-batch-3', traits: { title: 'Founder', email: 'one@example.com' } },
      { type: 'track', userId: 'user-301', event: 'Order Completed', messageId: 'zc-batch-4', properties: { total: 10 } },
    ]);
    assert.equal(res.status, 200, await res.text());
    const letter = await waitForDeadLetter(signal, integrationId, 'zc-batch-2');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^Zoho CRM refused the record: INVALID_DATA: invalid data \(Email\): a value is not one Email takes/);
    await delivered(integrationId, 2);
    assert.deepEqual(leadByEmail('one@example.com')![1], { Last_Name: 'One', Email: 'one@example.com', Designation: 'Founder' });
    assert.ok(upsertsOf('one@example.com').every((request) => dataOf(request).filter((record) => record.Email === 'one@example.com').length === 1), 'one record a person a request');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 1);
  });

  test('an expired token (401 INVALID_TOKEN) is renewed and the upsert sent again; a 429, a 503 and a timeout retried; a scope mismatch dead-lettered naming the scope', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Failures');
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'zc-warmup', traits: { lastName: 'Warm', email: 'warm@example.com' } });
    await delivered(integrationId, 1);
    const before = tokens;
    sim.script('POST', UPSERT, [{ status: 401, body: { code: 'INVALID_TOKEN', details: {}, message: 'invalid oauth token', status: 'error' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'zc-renewed', traits: { lastName: 'Renewed', email: 'renewed@example.com' } });
    await delivered(integrationId, 2);
    const [refused, resent] = upsertsOf('renewed@example.com');
    assert.notEqual(resent!.headers.authorization, refused!.headers.authorization, 'sent again with a new token');
    assert.equal(tokens, before + 1, 'one renewal');

    sim.script('POST', UPSERT, [
      { status: 429, body: { code: 'TOO_MANY_REQUESTS', details: {}, message: 'You have reached the concurrency limit', status: 'error' }, headers: { 'retry-after': '1' } },
      { status: 503, body: 'Service Unavailable' },
      { hang: true },
    ]);
    await browser(site.key, { type: 'identify', userId: 'user-402', messageId: 'zc-limited', traits: { lastName: 'Limited', email: 'limited@example.com' } });
    await delivered(integrationId, 3);
    assert.equal(upsertsOf('limited@example.com').length, 4, 'the 429, the 503, the timeout, then the success');
    assert.equal(leadByEmail('limited@example.com')![1].Last_Name, 'Limited');

    sim.script('POST', UPSERT, [
      { status: 401, body: { code: 'OAUTH_SCOPE_MISMATCH', details: {}, message: 'invalid oauth scope to access this URL', status: 'error' } },
      { status: 401, body: { code: 'OAUTH_SCOPE_MISMATCH', details: {}, message: 'invalid oauth scope to access this URL', status: 'error' } },
    ]);
    await browser(site.key, { type: 'identify', userId: 'user-403', messageId: 'zc-scope', traits: { lastName: 'Scope', email: 'scope@example.com' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'zc-scope');
    assert.match(letter.reason, /^HTTP 401: OAUTH_SCOPE_MISMATCH: invalid oauth scope to access this URL: the refresh token lacks the scope ZohoCRM\.modules\.leads\.ALL/);
  });

  test('a person deletion: each email searched, the records whose Email it is deleted, one holding it as Secondary_Email kept; a person with no known email skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Deletions', { forward_deletions: true });
    await browser(site.key, { type: 'identify', userId: 'forget-me', messageId: 'zc-forget-1', traits: { lastName: 'Gone', email: 'gone@example.com' } });
    await delivered(integrationId, 1);
    const [id] = leadByEmail('gone@example.com')!;
    leads.set('4150868099999999', { Last_Name: 'Colleague', Email: 'colleague@example.com', Secondary_Email: 'gone@example.com' });
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'forget-me' }), [{
      integrationId, vendor: 'zoho_crm', status: 'sent', responseStatus: 200, message: `Zoho CRM deleted 1 record (${id}), to its Recycle Bin (1 record holding it in another email field kept)`,
    }]);
    const [search] = sim.requests({ method: 'GET', path: SEARCH }).filter((r) => r.query.email === 'gone@example.com');
    assert.ok(search, 'searched by the email Signal remembered, though the deletion named the userId only');
    assert.match(search!.headers.authorization ?? '', /^Zoho-oauthtoken 1000\.token-\d+$/);
    const [deletion] = sim.requests({ method: 'DELETE', path: LEADS });
    assert.deepEqual(deletion!.queryPairs, [['ids', id]]);
    assert.equal(leads.has(id), false);
    assert.equal(leads.has('4150868099999999'), true);

    const [anonymous] = await deletePerson(signal, site.id, { anonymousId: 'df_someone_else' });
    assert.equal(anonymous!.status, 'skipped');
    assert.match(String(anonymous!.message), /by email only/);
  });
});
