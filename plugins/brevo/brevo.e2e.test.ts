// Brevo end to end: browser calls through the real collect API, the pipeline stage, the queue
// and the delivery engine; the vendor simulator stands in for https://api.brevo.com and must
// receive the requests Brevo's API v3 reference documents: POST /v3/contacts, POST /v3/events,
// DELETE /v3/contacts/{identifier}?identifierType=….
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = 'xkeysib-0123456789abcdef0123456789abcdef-AbCdEfGhIjKl';
const CONTACTS = '/v3/contacts';
const EVENTS = '/v3/events';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A vendor request that hangs is given up after this long, then retried.
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://api.brevo.com=${sim.url}`,
  }, { label: 'brevo', vendors: ['brevo'] });
  // As Brevo does: a creation (no updateEnabled) of a contact it has is refused as a
  // duplicate; an upsert updates it (204) or creates it (201 { id }).
  const known = new Set<string>();
  sim.setDefault('POST', CONTACTS, (request) => {
    const body = bodyOf(request);
    const key = String(body.email ?? body.ext_id ?? '').toLowerCase();
    if (known.has(key)) return body.updateEnabled === true ? { status: 204, body: '' } : { status: 400, body: { code: 'duplicate_parameter', message: 'Contact already exist' } };
    known.add(key);
    return { status: 201, body: { id: 42 } };
  });
  sim.setDefault('POST', EVENTS, { status: 204, body: '' });
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: 'df_brevo00visitor', ip: '203.0.113.42' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'brevo', name, { config: { api_key: KEY, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const bodyOf = (request: RecordedRequest) => request.json as Record<string, unknown>;
/** The event requests Brevo received for an event name. */
const eventsNamed = (name: string) => sim.requests({ path: EVENTS }).filter((request) => bodyOf(request).event_name === name);

describe('Brevo', () => {
  test('an identify to POST /v3/contacts and a track to POST /v3/events, exactly as Brevo documents them, with the api-key header', async () => {
    const { site, integrationId } = await installed('Brevo', { list_ids: [2, 7], attributes: { company: 'COMPANY' }, default_country_code: '33' });
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'bv-identify-1', traits: { email: 'Jane@Example.com', firstName: 'Jane', lastName: 'Doe', phone: '06 12 34 56 78', company: 'Acme', plan: 'premium' } });
    const [request] = await sim.waitFor((requests) => requests.some((r) => bodyOf(r).ext_id === 'user-123'), 15_000, { path: CONTACTS });
    const contact = sim.requests({ path: CONTACTS }).find((r) => bodyOf(r).ext_id === 'user-123')!;
    assert.ok(request);
    assert.equal(contact.method, 'POST');
    assert.equal(contact.headers['api-key'], KEY);
    assert.match(contact.headers['content-type']!, /^application\/json/);
    assert.deepEqual(contact.json, {
      email: 'Jane@Example.com', ext_id: 'user-123',
      attributes: { FIRSTNAME: 'Jane', LASTNAME: 'Doe', SMS: '+33612345678', COMPANY: 'Acme' },
      listIds: [2, 7],
    }, 'marketing consent: the config\'s lists, in a creation; never emailBlacklisted');

    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'bv-track-1', properties: { plan: 'pro', seats: 3, email: 'someone@example.com' } });
    const [event] = await sim.waitFor((requests) => requests.some((r) => bodyOf(r).event_name === 'Signed_Up'), 15_000, { path: EVENTS }).then(() => eventsNamed('Signed_Up'));
    assert.equal(event!.method, 'POST');
    assert.equal(event!.headers['api-key'], KEY);
    assert.deepEqual(event!.json, {
      event_name: 'Signed_Up', event_date: CALL_TIMESTAMP,
      identifiers: { ext_id: 'user-123', email_id: 'Jane@Example.com' },
      event_properties: { plan: 'pro', seats: 3 },
    }, 'the email Signal remembers from the identify; no contact data in the properties');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered');
  });

  test('without marketing consent the contact joins no list (an install that does not gate on consent)', async () => {
    const { site } = await installOnNewPipeline(signal, 'brevo', 'Brevo no consent', { config: { api_key: KEY, list_ids: [2] } });
    await sendBrowserCall(signal, site.key, { type: 'identify', userId: 'user-nc', messageId: 'bv-nc-1', traits: { email: 'nc@example.com' } }, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).ext_id === 'user-nc'), 15_000, { path: CONTACTS });
    const contact = sim.requests({ path: CONTACTS }).find((r) => bodyOf(r).ext_id === 'user-nc')!;
    assert.deepEqual(contact.json, { email: 'nc@example.com', ext_id: 'user-nc', updateEnabled: true });
  });

  test('someone Brevo has is updated without listIds: a consenting identify never puts a contact back on a list they left', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Brevo rejoin', { list_ids: [2] });
    const email = 'left.the.list@example.com';
    const sentFor = () => sim.requests({ path: CONTACTS }).filter((r) => bodyOf(r).email === email).map((r) => r.json);
    await browser(site.key, { type: 'identify', userId: 'user-left', messageId: 'bv-left-1', traits: { email, firstName: 'Lou' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the creation delivered');
    assert.deepEqual(sentFor(), [{ email, ext_id: 'user-left', attributes: { FIRSTNAME: 'Lou' }, listIds: [2] }], 'new to Brevo: created in the list');
    // Meanwhile Lou leaves list 2 in Brevo; the next identify carries consent again.
    await browser(site.key, { type: 'identify', userId: 'user-left', messageId: 'bv-left-2', traits: { email, firstName: 'Louise' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the second identify delivered');
    assert.deepEqual(sentFor().slice(1), [
      { email, ext_id: 'user-left', attributes: { FIRSTNAME: 'Louise' }, listIds: [2] },
      { email, ext_id: 'user-left', attributes: { FIRSTNAME: 'Louise' }, updateEnabled: true },
    ], 'the creation refused as a duplicate, then the update follows without listIds');
    assert.equal((await integrationStats(signal, integrationId, ['deadLettered'])).deadLettered, 0);
  });

  test('a 429 (with x-sib-ratelimit-reset), a 503 and a timeout are retried, then the event is delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Brevo retried');
    sim.script('POST', EVENTS, [
      { status: 429, body: { code: 'too_many_requests', message: 'The expected rate limit is exceeded.' }, headers: { 'x-sib-ratelimit-limit': '10', 'x-sib-ratelimit-remaining': '0', 'x-sib-ratelimit-reset': '1' } },
      { status: 503, body: { code: 'internal_error', message: 'Service unavailable' } },
      reply.hang(),
      { status: 204, body: '' },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried', userId: 'user-retry', messageId: 'bv-retried-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 40_000);
    assert.equal(eventsNamed('Retried').length, 4, 'the 429, the 503, the hang, then the success; nothing after it');
    const stats = await integrationStats(signal, integrationId, ['delivered', 'deadLettered', 'retried']);
    assert.equal(stats.delivered, 1);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('an identify naming the person by userId alone is a contact by ext_id; Brevo\'s 425 Too Early is retried, then delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Brevo too early');
    sim.script('POST', CONTACTS, [{ status: 425, body: { code: 'account_in_process', message: 'Your account is being processed' } }, { status: 201, body: { id: 43 } }]);
    await browser(site.key, { type: 'identify', userId: 'user-early', messageId: 'bv-early', traits: { firstName: 'Ada' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the 425', 40_000);
    const sent = sim.requests({ path: CONTACTS }).filter((r) => bodyOf(r).ext_id === 'user-early');
    assert.equal(sent.length, 2, 'the 425, then the success');
    assert.deepEqual(sent.map((r) => r.json), [1, 2].map(() => ({ ext_id: 'user-early', attributes: { FIRSTNAME: 'Ada' }, updateEnabled: true })), 'no email: Brevo creates the contact from its ext_id');
    assert.equal((await integrationStats(signal, integrationId, ['deadLettered'])).deadLettered, 0);
  });

  test('a 400 is dead-lettered at once with Brevo\'s code and message and what to fix; a duplicate contact names the clash', async () => {
    const { site, integrationId } = await installed('Brevo refused');
    sim.script('POST', EVENTS, [reply.badRequest({ code: 'invalid_parameter', message: 'identifiers.ext_id is not valid' })]);
    await browser(site.key, { type: 'track', event: 'Refused', userId: 'user-400', messageId: 'bv-400' });
    const letter = await waitForDeadLetter(signal, integrationId, 'bv-400');
    assert.equal(letter.attempts, 1, 'not retried: Brevo refused it for good');
    assert.equal(letter.reason, 'Brevo refused the event (HTTP 400: invalid_parameter: identifiers.ext_id is not valid): check the event\'s name, identifiers (the userId as ext_id, the email as email_id) and properties (the blueprint\'s event_name, ext_id, email and event_properties rows)');

    sim.script('POST', CONTACTS, [reply.badRequest({ code: 'duplicate_parameter', message: 'Unable to update contact, email is already associated with another Contact' })]);
    await browser(site.key, { type: 'identify', userId: 'user-dup', messageId: 'bv-dup', traits: { email: 'dup@example.com' } });
    const duplicate = await waitForDeadLetter(signal, integrationId, 'bv-dup');
    assert.equal(duplicate.attempts, 1);
    assert.match(duplicate.reason, /^Brevo refused the contact \(HTTP 400: duplicate_parameter: Unable to update contact, email is already associated with another Contact\): another Brevo contact already has this email, SMS number or ext_id/);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 2 });
  });

  test('a refused key (401) dead-letters at once naming config.api_key; a proxy\'s web page in a 200 is not taken for delivery', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Brevo key');
    sim.script('POST', EVENTS, [{ status: 401, body: { code: 'unauthorized', message: 'Key not found' } }]);
    await browser(site.key, { type: 'track', event: 'Unauthorised', userId: 'user-401', messageId: 'bv-401' });
    const refused = await waitForDeadLetter(signal, integrationId, 'bv-401');
    assert.equal(refused.attempts, 1, 'not retried: resending cannot help');
    assert.match(refused.reason, /^Brevo refused the API key \(HTTP 401: unauthorized: Key not found\): check config\.api_key \(an API v3 key, xkeysib-…, not an SMTP key\)/);

    sim.script('POST', EVENTS, [{ status: 200, body: '<html><body>Please sign in to continue</body></html>', headers: { 'content-type': 'text/html' } }]);
    await browser(site.key, { type: 'track', event: 'Behind_Proxy', userId: 'user-proxy', messageId: 'bv-proxy' });
    await waitUntil(async () => (eventsNamed('Behind_Proxy').length >= 2 && (await integrationStats(signal, integrationId)).delivered === 1) || undefined, 'sent again, then delivered', 30_000);
  });

  test('an anonymous visitor\'s track and page views are not sent', async () => {
    const { site, integrationId } = await installed('Brevo anonymous');
    await sendBrowserCall(signal, site.key, { type: 'track', event: 'Anonymous Thing', messageId: 'bv-anon-1' }, { id: 'df_brevo_anonymous1', ip: '203.0.113.9' }, { timestamp: CALL_TIMESTAMP });
    await sendBrowserCall(signal, site.key, { type: 'page', name: 'Home', userId: 'user-page', messageId: 'bv-page-1' }, visitor, { timestamp: CALL_TIMESTAMP });
    await browser(site.key, { type: 'track', event: 'After_Anonymous', userId: 'user-anon', messageId: 'bv-anon-2' });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).event_name === 'After_Anonymous'), 15_000, { path: EVENTS });
    assert.equal(eventsNamed('Anonymous_Thing').length, 0);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'only the identified event delivered');
  });

  test('person deletions: DELETE by ext_id, and by email for an email userId; a 404 is done; an anonymousId alone skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Brevo deletions');
    const path = `/v3/contacts/${encodeURIComponent('Forget.Me@example.com')}`;
    sim.script('DELETE', path, [{ status: 204, body: '' }, { status: 404, body: { code: 'document_not_found', message: 'Contact does not exist' } }]);
    const [sent] = await deletePerson(signal, site.id, { userId: 'Forget.Me@example.com', anonymousId: visitor.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.vendor, 'brevo');
    assert.equal(sent!.status, 'sent');
    const requests = sim.requests({ method: 'DELETE', path });
    assert.deepEqual(requests.map((r) => r.queryPairs), [[['identifierType', 'ext_id']], [['identifierType', 'email_id']]]);
    assert.equal(requests[0]!.headers['api-key'], KEY);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: visitor.id });
    assert.equal(skipped!.status, 'skipped');
    assert.match(String(skipped!.message), /^the plugin sends Brevo contacts and events by userId \(ext_id\) and email only/);

    sim.script('DELETE', '/v3/contacts/u-forget-2', [{ status: 401, body: { code: 'unauthorized', message: 'Key not found' } }]);
    const [failed] = await deletePerson(signal, site.id, { userId: 'u-forget-2' });
    assert.equal(failed!.status, 'failed');
    assert.match(String(failed!.message), /^HTTP 401: Brevo refused the API key for the deletion: check config\.api_key/);
  });

  test('person deletions: a userId that is no email, whose identify gave traits.email — the contact of that email deleted too', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Brevo deletions by traits');
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'br-del-traits', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } });
    await sim.waitFor((requests) => requests.some((r) => bodyOf(r).ext_id === 'u-gus-0042'), 15_000, { path: CONTACTS });
    const byEmail = `/v3/contacts/${encodeURIComponent('gus.gone@example.com')}`;
    sim.script('DELETE', '/v3/contacts/u-gus-0042', [{ status: 404, body: { code: 'document_not_found', message: 'Contact does not exist' } }]);
    sim.script('DELETE', byEmail, [{ status: 204, body: '' }]);
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042' });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.status, 'sent');
    assert.deepEqual(sim.requests({ method: 'DELETE', path: '/v3/contacts/u-gus-0042' }).map((r) => r.queryPairs), [[['identifierType', 'ext_id']]]);
    assert.deepEqual(sim.requests({ method: 'DELETE', path: byEmail }).map((r) => r.queryPairs), [[['identifierType', 'email_id']]], 'deleted by the email Signal remembered (lower-cased), though the deletion named the userId only');
  });
  test("an install whose attribute name only the schema's pattern refuses says so in Brevo's words, not as a regular expression", async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/brevo/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Brevo lower-case attribute', variant: 'default', config: { api_key: KEY, attributes: { company: 'company' }, default_country_code: '+33' } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields?.map((f) => f.field), ['config.attributes', 'config.default_country_code']);
    assert.equal(error.fields![0]!.message, 'maps the trait "company" to "company", which is no Brevo attribute name (capital letters, digits and underscores, starting with a letter)');
    // Brevo's check says nothing of the country code: the schema's words stand there.
    assert.match(error.fields![1]!.message, /pattern/);
  });
});
