// Dotdigital end to end: browser calls through the real collect API, the pipeline stage, the
// queue and the delivery engine; the vendor simulator stands in for the regional hosts
// (https://r1-api.dotdigital.com, https://r2-api.dotdigital.com) and answers as Dotdigital's v3
// API references document: POST /contacts/v3 (201, or 409 for an email it has), GET / PATCH
// /contacts/v3/email/{email}, POST /events/v3/import (202), DELETE /contacts/v3/email/{email}.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const USER = 'apiuser-0a1b2c3d4e5f@apiconnector.com';
const PASSWORD = 'correct horse';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
const CREATE = '/contacts/v3';
const IMPORT = '/events/v3/import';
const contactPath = (email: string) => `/contacts/v3/email/${encodeURIComponent(email)}`;
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://r1-api.dotdigital.com=${sim.url},https://r2-api.dotdigital.com=${sim.url}/r2`,
  }, { label: 'dotdigital', vendors: ['dotdigital'] });
  // As Dotdigital does: a creation of an email it has is refused (409); the import answers 202.
  const known = new Set<string>();
  sim.setDefault('POST', CREATE, (request) => {
    const email = String(((request.json as { identifiers?: { email?: string } }).identifiers?.email) ?? '').toLowerCase();
    if (known.has(email)) return { status: 409, body: { errorCode: 'contacts:idAlreadyExists', description: `The id value '${email}' for the identifier 'email' already exists. All identifiers must be unique!` } };
    known.add(email);
    return { status: 201, body: { contactId: 35212311, status: 'subscribed', identifiers: { email } } };
  });
  sim.setDefault('POST', IMPORT, { status: 202, body: '' });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_dotdigital0visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'dotdigital', name, { config: { username: USER, password: PASSWORD, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>, consent: Record<string, unknown> = { marketing: true }) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent } });
const jsonOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
const importsOf = (type: string) => sim.requests({ path: IMPORT }).filter((r) => (r.json as Array<{ type?: string }>).some((e) => e.type === type));

describe('Dotdigital', () => {
  test('a consenting identify creates the contact subscribed, in the lists; the next updates data fields only; a track goes to the events import; HTTP Basic with the API user', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Dotdigital', { list_ids: [345579], data_fields: { company: 'COMPANY' } });
    const email = 'jane@example.com';
    await browser(site.key, { type: 'identify', userId: 'user-1', messageId: 'dd-identify-1', traits: { email, firstName: 'Jane', company: 'Acme' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the creation delivered');
    const [created] = sim.requests({ method: 'POST', path: CREATE }).filter((r) => JSON.stringify(r.json).includes(email));
    assert.equal(created!.headers.authorization, BASIC);
    assert.deepEqual(created!.json, { identifiers: { email }, dataFields: { FIRSTNAME: 'Jane', COMPANY: 'Acme' }, channelProperties: { email: { status: 'subscribed' } }, lists: [345579] });

    // Meanwhile Jane unsubscribes and leaves the list in Dotdigital; her next identify carries consent again.
    sim.script('GET', contactPath(email), [{ status: 200, body: { contactId: 35212311, status: 'unsubscribed', identifiers: { email } } }]);
    await browser(site.key, { type: 'identify', userId: 'user-1', messageId: 'dd-identify-2', traits: { email, firstName: 'Janet' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the update delivered');
    assert.equal(sim.requests({ method: 'GET', path: contactPath(email) }).length, 1, 'the duplicate looked up for its contactId');
    const patched = sim.requests({ method: 'PATCH', path: '/contacts/v3/contactId/35212311' });
    assert.deepEqual(patched.map((r) => r.json), [{ dataFields: { FIRSTNAME: 'Janet' } }], 'refused as a duplicate, then updated by contactId without status or lists: nobody resubscribed or put back on a list');
    assert.equal(sim.requests({ method: 'PATCH', path: contactPath(email) }).length, 0, 'never a PATCH by email, which would create a contact Dotdigital has not');

    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-1', messageId: 'dd-track-1', properties: { plan: 'pro', email: 'someone@example.com' } });
    await sim.waitFor(() => importsOf('Signed Up').length > 0, 15_000, { path: IMPORT });
    const [imported] = importsOf('Signed Up');
    assert.equal(imported!.headers.authorization, BASIC);
    assert.deepEqual(imported!.json, [{ contactIdentity: { identifier: 'email', value: email }, type: 'Signed Up', id: 'dd-track-1', eventTimestamp: CALL_TIMESTAMP, timelineDetails: { summary: 'Signed Up' }, eventData: { plan: 'pro' } }], 'the email Signal remembers from the identify; no contact data in eventData');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 3 || undefined, 'all delivered');
  });

  test('without marketing consent: no creation — a contact Dotdigital has is updated (GET, then PATCH by contactId), one it has not or has deleted is dropped (declined)', { timeout: 60_000 }, async () => {
    // An install that does not gate on consent (one that does never receives these identify calls).
    const { site, integrationId } = await installOnNewPipeline(signal, 'dotdigital', 'Dotdigital no consent', { config: { username: USER, password: PASSWORD, list_ids: [7] } });
    sim.script('GET', contactPath('known@example.com'), [{ status: 200, body: { contactId: 9, status: 'unsubscribed', identifiers: { email: 'known@example.com' } } }]);
    sim.script('GET', contactPath('stranger@example.com'), [{ status: 404, body: { errorCode: 'contacts:contactNotFound', description: 'The following contacts could not be found' } }]);
    sim.script('GET', contactPath('binned@example.com'), [{ status: 200, body: { contactId: 11, status: 'binned', identifiers: { email: 'binned@example.com' } } }]);
    await browser(site.key, { type: 'identify', userId: 'u-known', messageId: 'dd-nc-1', traits: { email: 'known@example.com', firstName: 'Kim' } }, { analytics: true });
    await browser(site.key, { type: 'identify', userId: 'u-stranger', messageId: 'dd-nc-2', traits: { email: 'stranger@example.com', firstName: 'Sam' } }, { analytics: true });
    await browser(site.key, { type: 'identify', userId: 'u-binned', messageId: 'dd-nc-3', traits: { email: 'binned@example.com', firstName: 'Bo' } }, { analytics: true });
    await waitUntil(async () => {
      const stats = await integrationStats(signal, integrationId, ['delivered', 'dropped']);
      return (stats.delivered === 1 && stats.dropped === 2) || undefined;
    }, 'one updated, two dropped', 30_000);
    assert.deepEqual(sim.requests({ method: 'PATCH', path: '/contacts/v3/contactId/9' }).map((r) => r.json), [{ dataFields: { FIRSTNAME: 'Kim' } }], 'by contactId, no status: an unsubscribed contact stays so');
    assert.equal(sim.requests({ method: 'PATCH', path: '/contacts/v3/contactId/11' }).length, 0, 'a contact in the recycle bin is never restored');
    assert.equal(sim.requests({ method: 'PATCH', path: contactPath('stranger@example.com') }).length, 0);
    assert.equal(sim.requests({ method: 'POST', path: CREATE }).filter((r) => /known|stranger/.test(JSON.stringify(r.json))).length, 0, 'never a creation without consent');
  });

  test('a 429 (Retry-After), a 503 and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Dotdigital retried');
    sim.script('POST', IMPORT, [reply.tooMany(1, { errorCode: 'rateLimit', description: 'Too many requests' }), { status: 503, body: '' }, reply.hang(), { status: 202, body: '' }]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'u-r', messageId: 'dd-retried', traits: { email: 'retry@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    assert.equal(importsOf('Retried').length, 4, 'the 429, the 503, the hang, then the success');
    const stats = await integrationStats(signal, integrationId, ['delivered', 'deadLettered', 'retried']);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('the wrong region\'s 403 dead-letters at once naming config.region; a 400 names Dotdigital\'s words; the configured region\'s host is called', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Dotdigital region', { region: 'r2' });
    sim.script('POST', `/r2${IMPORT}`, [{ status: 403, body: 'Forbidden: Access is denied' }, reply.badRequest({ errorCode: 'events:invalid', description: 'The event is invalid', details: [{ item: 'eventData', description: 'too large' }] })]);
    await browser(site.key, { type: 'track', event: 'Forbidden', userId: 'u-f', messageId: 'dd-403', traits: { email: 'f@example.com' } });
    const forbidden = await waitForDeadLetter(signal, integrationId, 'dd-403');
    assert.equal(forbidden.attempts, 1);
    assert.match(forbidden.reason, /^Dotdigital refused the call \(HTTP 403: Forbidden: Access is denied\): check config\.region \(r2 now\): another region's host answers 403/);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'u-f', messageId: 'dd-400', traits: { email: 'f@example.com' } });
    const refused = await waitForDeadLetter(signal, integrationId, 'dd-400');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /^Dotdigital refused the events \(HTTP 400: events:invalid: The event is invalid \(eventData: too large\)\)/);
  });

  test('person deletions: DELETE each email; 200 and 404 done; no email skipped; a 401 failed naming the API user', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Dotdigital deletions');
    const path = contactPath('Forget.Me@example.com');
    sim.script('DELETE', path, [{ status: 200, body: { contactId: 35212311 } }]);
    const [sent] = await deletePerson(signal, site.id, { userId: 'Forget.Me@example.com', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.status, 'sent');
    assert.equal(sim.requests({ method: 'DELETE', path })[0]!.headers.authorization, BASIC);
    sim.script('DELETE', path, [{ status: 404, body: { errorCode: 'contacts:notFound', description: 'Contact not found' } }]);
    const [again] = await deletePerson(signal, site.id, { userId: 'Forget.Me@example.com' });
    assert.equal(again!.status, 'sent');
    const [skipped] = await deletePerson(signal, site.id, { userId: 'u-no-email' });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Dotdigital contacts and events by email only/);
    sim.script('DELETE', contactPath('locked@example.com'), [{ status: 401, body: '' }]);
    const [failed] = await deletePerson(signal, site.id, { userId: 'locked@example.com' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /^HTTP 401: Dotdigital refused the API user for the deletion/);
  });
});
