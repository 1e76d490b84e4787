// Twilio SendGrid Marketing Campaigns end to end: browser calls through the real collect API,
// the pipeline stage, the queue and the delivery engine; the vendor simulator stands in for
// https://api.sendgrid.com and must receive the requests SendGrid's v3 reference documents:
// PUT /v3/marketing/contacts, GET /v3/marketing/contacts/imports/{job_id} (the import job's
// report), POST /v3/marketing/contacts/search/identifiers/{type} then DELETE
// /v3/marketing/contacts?ids=… for a person deletion.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = 'SG.0123456789abcdefABCDEF.0123456789abcdefghijABCDEFGHIJ0123456789abcde';
const LIST = 'ca7a3796-e8a8-4029-9ccb-df8937940562';
const CONTACTS = '/v3/marketing/contacts';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.sendgrid.com=${sim.url}`,
  }, { label: 'sendgrid', vendors: ['sendgrid'] });
  sim.setDefault('PUT', CONTACTS, { status: 202, body: { job_id: 'job-default' } });
  sim.setDefault('GET', `${CONTACTS}/imports/job-default`, { status: 200, body: { id: 'job-default', status: 'completed', job_type: 'upsert', results: { requested_count: 1, created_count: 1 } } });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_sendgrid0visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'sendgrid', name, { config: { api_key: KEY, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
type Body = { list_ids?: string[]; contacts: Array<Record<string, unknown>> };
const bodyOf = (request: RecordedRequest) => request.json as Body;
/** The upserts carrying a contact with this external_id. */
const upsertsOf = (externalId: string) => sim.requests({ method: 'PUT', path: CONTACTS }).filter((r) => bodyOf(r).contacts?.some((c) => c.external_id === externalId));

describe('SendGrid', () => {
  test('an identify to PUT /v3/marketing/contacts exactly as documented (Bearer key, list_ids with consent, custom fields by id); a track is not sent; the import job\'s report is asked for and logged', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('SendGrid', { list_ids: [LIST], custom_fields: { plan: 'e1_T' } });
    sim.script('PUT', CONTACTS, [{ status: 202, body: { job_id: 'job-1' } }]);
    sim.script('GET', `${CONTACTS}/imports/job-1`, [
      { status: 200, body: { id: 'job-1', status: 'pending', job_type: 'upsert' } },
      { status: 200, body: { id: 'job-1', status: 'errored', job_type: 'upsert', results: { requested_count: 1, updated_count: 0, created_count: 0, errored_count: 1, errors_url: 'https://example.com/errors.csv' } } },
    ]);
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'sg-track-1' });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'sg-identify-1', traits: { email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', plan: 'pro', address: { city: 'Lyon', country: 'FR' } } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).contacts?.some((c) => c.external_id === 'user-123')), 15_000, { method: 'PUT', path: CONTACTS });
    const [upsert] = upsertsOf('user-123');
    assert.equal(upsert!.headers.authorization, `Bearer ${KEY}`);
    assert.match(upsert!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(upsert!.json, {
      list_ids: [LIST],
      contacts: [{ email: 'Jane@Example.com', external_id: 'user-123', first_name: 'Jane', last_name: 'Doe', city: 'Lyon', country: 'FR', custom_fields: { e1_T: 'pro' } }],
    }, 'marketing consent: the config\'s lists');
    assert.equal(sim.requests({ method: 'PUT', path: CONTACTS }).filter((r) => JSON.stringify(r.json).includes('Signed')).length, 0, 'the track is not sent');

    type Exchange = { eventIds: string[]; outcome: string; error: string | null; responseStatus: number | null; request: { url: string } };
    const report = await waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Exchange[] }>('query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds outcome error responseStatus request } }', { id: integrationId });
      return body.data!.deliveryLog.find((e) => e.outcome === 'report');
    }, 'the import job\'s report', 20_000);
    assert.deepEqual(report.eventIds, ['sg-identify-1']);
    assert.equal(report.request.url, 'https://api.sendgrid.com/v3/marketing/contacts/imports/job-1');
    assert.equal(report.error, 'SendGrid imported the contacts with errors: errored (1 requested, 0 created, 0 updated, 1 errored; the errors file is at results.errors_url of the answer) — 1 contact not imported');
    assert.equal(sim.requests({ method: 'GET', path: `${CONTACTS}/imports/job-1` }).length, 2, 'pending, asked again, then errored');
    const stats = await integrationStats(signal, integrationId, ['delivered', 'processingFailed']);
    assert.deepEqual(stats, { delivered: 1, processingFailed: 1 });
  });

  test('without marketing consent the contact joins no list', async () => {
    const { site } = await installOnNewPipeline(signal, 'sendgrid', 'SendGrid no consent', { config: { api_key: KEY, list_ids: [LIST] } });
    await sendBrowserCall(signal, site.key, { type: 'identify', userId: 'user-nc', messageId: 'sg-nc-1', traits: { email: 'nc@example.com' } }, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).contacts?.some((c) => c.external_id === 'user-nc')), 15_000, { method: 'PUT', path: CONTACTS });
    assert.deepEqual(upsertsOf('user-nc')[0]!.json, { contacts: [{ email: 'nc@example.com', external_id: 'user-nc' }] });
  });

  test('a 429 (X-RateLimit-Reset) and a 503 are retried, then the contact is delivered once', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('SendGrid retried');
    sim.script('PUT', CONTACTS, [
      { status: 429, body: { errors: [{ field: null, message: 'too many requests' }] }, headers: { 'x-ratelimit-limit': '150', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(Math.ceil(Date.now() / 1000) + 1) } },
      { status: 503, body: { errors: [{ message: 'service unavailable' }] } },
      { status: 202, body: { job_id: 'job-default' } },
    ]);
    await browser(site.key, { type: 'identify', userId: 'user-retry', messageId: 'sg-retry-1', traits: { email: 'retry@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 25_000);
    assert.equal(upsertsOf('user-retry').length, 3, 'the 429, the 503, then the success');
    const stats = await integrationStats(signal, integrationId, ['delivered', 'deadLettered', 'retried']);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 1, `retried: ${stats.retried}`);
  });

  test('a 400 naming the contact\'s field is dead-lettered at once with SendGrid\'s words; a refused key (401) names config.api_key', async () => {
    const { site, integrationId } = await installed('SendGrid refused');
    sim.script('PUT', CONTACTS, [reply.badRequest({ errors: [{ field: 'contacts[0].custom_fields.e9_T', message: 'custom field e9_T does not exist' }] })]);
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'sg-400', traits: { email: 'bad@example.com' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'sg-400');
    assert.equal(letter.attempts, 1, 'not retried: SendGrid refused it for good');
    assert.equal(letter.reason, 'SendGrid refused the contact (HTTP 400: custom_fields.e9_T: custom field e9_T does not exist): check config.custom_fields (ids of custom fields that exist, e.g. e1_T, taking the trait\'s type of value)');

    sim.script('PUT', CONTACTS, [{ status: 401, body: { errors: [{ field: null, message: 'authorization required' }] } }]);
    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'sg-401', traits: { email: 'key@example.com' } });
    const refused = await waitForDeadLetter(signal, integrationId, 'sg-401');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /^SendGrid refused the API key \(HTTP 401: authorization required\): check config\.api_key/);
  });

  test('person deletions: the contact looked up by external_id (and by email for an email userId), then DELETE ?ids=; an anonymousId alone skipped', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('SendGrid deletions');
    sim.script('POST', `${CONTACTS}/search/identifiers/external_id`, [{ status: 200, body: { result: { 'Forget.Me@example.com': { contact: { id: 'contact-42', external_id: 'Forget.Me@example.com' } } } } }]);
    sim.script('POST', `${CONTACTS}/search/identifiers/email`, [{ status: 404, body: { errors: [{ message: 'No contacts found' }] } }]);
    sim.script('DELETE', CONTACTS, [{ status: 202, body: { job_id: 'job-delete' } }]);
    const [sent] = await deletePerson(signal, site.id, { userId: 'Forget.Me@example.com', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'sendgrid');
    assert.equal(sent!.status, 'sent');
    const lookups = sim.requests({ method: 'POST' }).filter((r) => r.path.startsWith(`${CONTACTS}/search/identifiers/`));
    assert.deepEqual(lookups.map((r) => [r.path, r.json]), [
      [`${CONTACTS}/search/identifiers/external_id`, { identifiers: ['Forget.Me@example.com'] }],
      [`${CONTACTS}/search/identifiers/email`, { identifiers: ['Forget.Me@example.com'] }],
    ]);
    const [deletion] = sim.requests({ method: 'DELETE', path: CONTACTS });
    assert.deepEqual(deletion!.queryPairs, [['ids', 'contact-42']]);
    assert.equal(deletion!.headers.authorization, `Bearer ${KEY}`);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: visitor.id });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends SendGrid contacts by userId \(external_id\) and email only/);
  });

  test('person deletions: a userId that is no email, whose identify gave traits.email — the contact also looked up by that email and deleted', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('SendGrid deletions by traits');
    const email = 'gus.gone@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'sg-del-traits', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } });
    await waitUntil(async () => upsertsOf('u-gus-0042').length >= 1 || undefined, 'the contact upserted with the traits\' email');
    sim.script('POST', `${CONTACTS}/search/identifiers/external_id`, [{ status: 404, body: { errors: [{ message: 'No contacts found' }] } }]);
    sim.script('POST', `${CONTACTS}/search/identifiers/email`, [{ status: 200, body: { result: { [email]: { contact: { id: 'contact-77', email } } } } }]);
    sim.script('DELETE', CONTACTS, [{ status: 202, body: { job_id: 'job-delete-77' } }]);
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042' });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.status, 'sent');
    const lookups = sim.requests({ method: 'POST' }).filter((r) => r.path.startsWith(`${CONTACTS}/search/identifiers/`) && JSON.stringify(r.json).includes('gus'));
    assert.deepEqual(lookups.map((r) => [r.path, r.json]), [
      [`${CONTACTS}/search/identifiers/external_id`, { identifiers: ['u-gus-0042'] }],
      [`${CONTACTS}/search/identifiers/email`, { identifiers: [email] }],
    ], 'looked up by the email Signal remembered (lower-cased), though the deletion named the userId only');
    assert.equal(sim.requests({ method: 'DELETE', path: CONTACTS }).filter((r) => r.queryPairs.some(([name, value]) => name === 'ids' && value === 'contact-77')).length, 1);
  });
});
