// Pipedrive end to end: browser calls through the real collect API, the pipeline stage, the
// queue and the delivery engine; the vendor simulator stands in for the company's host
// (https://acme.pipedrive.com), holding persons by id as Pipedrive does, and must receive the
// requests Pipedrive's API v2 reference documents, in the order of each identify's chain: GET
// /api/v2/persons/search (exact match on email), then POST /api/v2/persons for a new person, or
// GET /api/v2/persons/{id} and PATCH /api/v2/persons/{id} for a known one; person deletions as
// the search then DELETE /api/v2/persons/{id}. Failures: a 429, a 503 and a timeout retried, a
// 400 and a 401 dead-lettered at once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const TOKEN = '659c9fddb16335e48cc67114694b52074e812e03';
const FIELD = 'd4de1c1518b4531717c676029a45911c340390a6';
const CONFIG = { api_token: TOKEN, company_domain: 'acme', custom_fields: { plan: FIELD } };
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const SEARCH = '/api/v2/persons/search';
const PERSONS = '/api/v2/persons';

interface HeldPerson { id: number; name: string; emails: Array<{ value: string; primary: boolean; label: string }>; phones: Array<{ value: string; primary: boolean; label: string }>; custom_fields: Record<string, unknown> }
/** The persons Pipedrive holds, by id. */
const persons = new Map<number, HeldPerson>();
let nextId = 100;
const holding = (email: string) => [...persons.values()].filter((p) => p.emails.some((e) => e.value.toLowerCase() === email.toLowerCase()));
const hold = (person: Omit<HeldPerson, 'id'>): HeldPerson => {
  const held = { id: nextId++, ...person };
  persons.set(held.id, held);
  return held;
};

let sim: VendorSim;
let signal: TestSignal;
const visitor: Visitor = { id: 'df_pipedrive0visitor', ip: '203.0.113.42' };

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('GET', '*', (request) => {
    if (request.path === SEARCH) {
      const items = holding(request.query.term ?? '').map((p) => ({ result_score: 1, item: { id: p.id, type: 'person', name: p.name, phones: p.phones.map((x) => x.value), emails: p.emails.map((x) => x.value), visible_to: 3 } }));
      return { status: 200, body: { success: true, data: { items }, additional_data: { next_cursor: null } } };
    }
    const match = /^\/api\/v2\/persons\/(\d+)$/.exec(request.path);
    const person = match ? persons.get(Number(match[1])) : undefined;
    return person ? { status: 200, body: { success: true, data: person } } : { status: 404, body: { success: false, error: 'Person not found' } };
  });
  sim.setDefault('POST', PERSONS, (request) => {
    const body = request.json as Omit<HeldPerson, 'id'>;
    return { status: 200, body: { success: true, data: hold({ name: body.name, emails: body.emails ?? [], phones: body.phones ?? [], custom_fields: body.custom_fields ?? {} }) } };
  });
  sim.setDefault('PATCH', '*', (request) => {
    const person = persons.get(Number(request.path.split('/').pop()));
    if (!person) return { status: 404, body: { success: false, error: 'Person not found' } };
    Object.assign(person, request.json as object);
    return { status: 200, body: { success: true, data: person } };
  });
  sim.setDefault('DELETE', '*', (request) => {
    const id = Number(request.path.split('/').pop());
    return persons.delete(id) ? { status: 200, body: { success: true, data: { id } } } : { status: 404, body: { success: false, error: 'Person not found' } };
  });
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_HTTP_TIMEOUT_MS: '1000', SIGNAL_COMMIT_TIMEOUT_MS: '1000', SIGNAL_DELETION_WAIT_SCALE: '0.01',
    SIGNAL_VENDOR_REDIRECTS: `https://acme.pipedrive.com=${sim.url}`,
  }, { label: 'pipedrive', vendors: ['pipedrive'] });
});
after(() => closeAll(signal, sim));

const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'pipedrive', name, { config: { ...CONFIG, ...config }, consentCategories: ['marketing'] });
const browser = (key: string, call: Record<string, unknown>, who: Visitor = visitor) => sendBrowserCall(signal, key, call, who, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
/** The requests about one email's person, in order, as `METHOD /path`. */
const chainOf = (email: string, id?: number): string[] => sim.requests()
  .filter((r) => (r.path === SEARCH && r.query.term === email) || (r.path === PERSONS && r.method === 'POST' && JSON.stringify(r.json).includes(`"${email}"`)) || (id !== undefined && r.path === `${PERSONS}/${id}`))
  .sort((a, b) => a.receivedAt - b.receivedAt).map((r) => `${r.method} ${r.path}`);
const bodyOf = (r: RecordedRequest) => r.json as Record<string, unknown>;

describe('Pipedrive', () => {
  test('a new email: the search, then POST /api/v2/persons; the same person again with a new phone: the search, its phones read, a PATCH keeping them and its emails; a track call is not sent', async () => {
    const { site, integrationId } = await installed('Pipedrive');
    await browser(site.key, { type: 'identify', userId: 'user-1', messageId: 'pd-identify-1', traits: { email: 'jane@example.com', firstName: 'Jane', lastName: 'Doe', phone: '+44 7700 900123', plan: 'pro', favourite: 'blue' } });
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-1', messageId: 'pd-track-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the identify delivered');
    const [search] = sim.requests({ method: 'GET', path: SEARCH });
    assert.equal(search!.headers['x-api-token'], TOKEN);
    assert.deepEqual(search!.queryPairs, [['term', 'jane@example.com'], ['fields', 'email'], ['exact_match', 'true'], ['limit', '10']]);
    const [create] = sim.requests({ method: 'POST', path: PERSONS });
    assert.match(create!.headers['content-type']!, /^application\/json/);
    assert.deepEqual(bodyOf(create!), {
      name: 'Jane Doe', emails: [{ value: 'jane@example.com', primary: true, label: 'work' }], phones: [{ value: '+44 7700 900123', primary: true, label: 'work' }], custom_fields: { [FIELD]: 'pro' },
    }, 'only the traits the config maps: favourite not sent');
    const [jane] = holding('jane@example.com');
    // A salesperson adds a work email in Pipedrive; the site's next identify gives a new phone.
    jane!.emails.push({ value: 'jane@work.example', primary: false, label: 'work' });
    await browser(site.key, { type: 'identify', userId: 'user-1', messageId: 'pd-identify-2', traits: { email: 'jane@example.com', phone: '+44 7700 900999' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the second identify delivered');
    assert.deepEqual(chainOf('jane@example.com', jane!.id), ['GET /api/v2/persons/search', 'POST /api/v2/persons', 'GET /api/v2/persons/search', `GET /api/v2/persons/${jane!.id}`, `PATCH /api/v2/persons/${jane!.id}`]);
    const [patch] = sim.requests({ method: 'PATCH', path: `${PERSONS}/${jane!.id}` });
    assert.deepEqual(bodyOf(patch!), { phones: [{ value: '+44 7700 900123', primary: true, label: 'work' }, { value: '+44 7700 900999', primary: false, label: 'work' }] }, 'no emails sent: the one a salesperson added stays');
    assert.equal(persons.get(jane!.id)!.emails.length, 2);
    assert.equal(sim.requests().some((r) => r.body.includes('Signed Up')), false, 'no track call reaches Pipedrive');
    assert.equal(holding('jane@example.com').length, 1, 'one person');
  });

  test('an email only remembered finds the person and updates it, and never creates one a salesperson deleted', async () => {
    const { site, integrationId } = await installed('Pipedrive remembered');
    const remy: Visitor = { id: 'df_pipedrive0remy', ip: '203.0.113.43' };
    await browser(site.key, { type: 'identify', userId: 'user-remy', messageId: 'pd-remembered-1', traits: { email: 'remy@example.com' } }, remy);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the first identify delivered');
    const [held] = holding('remy@example.com');
    assert.equal(held!.name, 'remy@example.com', 'named by the email: the identify gave no name');
    await browser(site.key, { type: 'identify', userId: 'user-remy', messageId: 'pd-remembered-2', traits: { firstName: 'Remy' } }, remy);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the second identify delivered');
    assert.equal(persons.get(held!.id)!.name, 'Remy');
    persons.delete(held!.id);
    await browser(site.key, { type: 'identify', userId: 'user-remy', messageId: 'pd-remembered-3', traits: { firstName: 'Rémy' } }, remy);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 3 || undefined, 'the third identify settled');
    assert.equal(holding('remy@example.com').length, 0, 'not created again from a remembered email');
    assert.equal(sim.requests({ method: 'GET', path: SEARCH }).filter((r) => r.query.term === 'remy@example.com').length, 3);
  });

  test('a 429 (x-ratelimit-reset), a 503 and a timeout are retried, then delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Pipedrive retried');
    sim.script('GET', SEARCH, [
      { status: 429, body: { success: false, error: 'Request over limit', errorCode: 429 }, headers: { 'x-ratelimit-limit': '20', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '1' } },
      { status: 503, body: 'Service Unavailable' },
      { hang: true },
    ]);
    await browser(site.key, { type: 'identify', userId: 'user-retry', messageId: 'pd-retried-1', traits: { email: 'retry@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 50_000);
    assert.equal(sim.requests({ method: 'GET', path: SEARCH }).filter((r) => r.query.term === 'retry@example.com').length, 4, 'the 429, the 503, the timeout, then the search answered');
    assert.equal(holding('retry@example.com').length, 1);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a 400 is dead-lettered at once with Pipedrive\'s words; a refused token (401) names config.api_token', async () => {
    const { site, integrationId } = await installed('Pipedrive refused');
    sim.script('POST', PERSONS, [{ status: 400, body: { success: false, error: `Validation failed: custom_fields.${FIELD}: Expected number`, error_info: 'Please check developers.pipedrive.com' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'pd-400', traits: { email: 'bad@example.com', plan: 'pro' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'pd-400');
    assert.equal(letter.attempts, 1, 'not retried: Pipedrive refused it for good');
    assert.match(letter.reason, /^Pipedrive refused the new person \(HTTP 400: Validation failed: .* \(Please check developers\.pipedrive\.com\)\): check config\.custom_fields/);

    sim.script('GET', SEARCH, [{ status: 401, body: { success: false, error: 'unauthorized access', errorCode: 401, error_info: 'Please check developers.pipedrive.com' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'pd-401', traits: { email: 'unauthorised@example.com' } });
    const refused = await waitForDeadLetter(signal, integrationId, 'pd-401');
    assert.equal(refused.attempts, 1);
    assert.match(refused.reason, /^Pipedrive refused the search of the person by email \(HTTP 401: unauthorized access .*\): check config\.api_token/);
  });

  test('person deletions: the search by each email Signal knew, then DELETE of each person holding it; nobody found is done; an anonymousId alone skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Pipedrive deletions');
    const gus: Visitor = { id: 'df_pipedrive0gus', ip: '203.0.113.44' };
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'pd-del-1', traits: { email: 'Gus.Gone@Example.com', firstName: 'Gus' } }, gus);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the identify delivered');
    // A duplicate a salesperson made by hand: both are deleted.
    hold({ name: 'Gus (imported)', emails: [{ value: 'gus.gone@example.com', primary: true, label: 'home' }], phones: [], custom_fields: {} });
    assert.equal(holding('gus.gone@example.com').length, 2);
    const [sent] = await deletePerson(signal, site.id, { userId: 'u-gus-0042', anonymousId: gus.id });
    assert.equal(sent!.integrationId, integrationId);
    assert.equal(sent!.status, 'sent', String(sent!.message));
    assert.equal(holding('gus.gone@example.com').length, 0, 'both persons deleted');
    assert.equal(sim.count({ method: 'DELETE' }), 2);
    assert.match(String(sent!.message), /Pipedrive marked the person deleted/);

    const [nobody] = await deletePerson(signal, site.id, { userId: 'nobody@example.com' });
    assert.equal(nobody!.status, 'sent');
    assert.match(String(nobody!.message), /Pipedrive has no person with this email: nothing to delete/);

    const [skipped] = await deletePerson(signal, site.id, { anonymousId: 'df_pipedrive_never_identified' });
    assert.equal(skipped!.status, 'skipped');
  });

  test('an install mapping a trait to a custom field\'s name instead of its key is refused, naming the field', async () => {
    const res = await fetch(`${signal.adminUrl}/v1/admin/integration-catalog/pipedrive/install`, {
      method: 'POST', headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Pipedrive title', variant: 'default', config: { api_token: TOKEN, custom_fields: { plan: 'Plan' } } }),
    });
    assert.equal(res.status, 400);
    const { error } = (await res.json()) as { error: { code: string; fields?: Array<{ field: string; message: string }> } };
    assert.equal(error.code, 'SIGNAL_INVALID_CONFIG');
    assert.deepEqual(error.fields?.map((f) => f.field), ['config.custom_fields']);
  });
});
