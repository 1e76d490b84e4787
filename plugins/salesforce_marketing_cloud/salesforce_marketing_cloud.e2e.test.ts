// Salesforce Marketing Cloud end to end: browser calls through the real collect API, the queue and
// the delivery engine; the vendor simulator stands in for the tenant's authentication and REST
// hosts and must receive the requests Salesforce documents — the client credentials token
// request, the rowset upsert of data extension rows, the journey entry event, the contact
// deletion by key — and its failures (a refused row in a rowset, a rate limit, a server error,
// a hang, a token no longer taken) must end as Marketing Cloud's answers say.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { reply, startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const SUBDOMAIN = 'mc563885gzs27c5t9-63k636ttgm';
const TOKEN_PATH = '/v2/token';
const JOURNEY = '/interaction/v1/events';
const DELETE = '/contacts/v1/contacts/actions/delete';
const DELETE_STATUS = '/contacts/v1/contacts/actions/delete/status';
const JOURNEY_KEY = 'APIEvent-2b2e7f1c-5a2d-4a6e-9d7b-0c1e2f3a4b5c';
const CALL_TIMESTAMP = '2026-11-30T16:00:00.000Z';
const rowset = (key: string) => `/hub/v1/dataevents/key:${key}/rowset`;
const visitor: Visitor = { id: 'df_sfmc0visitor01', ip: '203.0.113.42' };
let tokens = 0;

// any: the vendor's JSON, read field by field in assertions.
type Row = { keys: Record<string, any>; values: Record<string, any> };
const rowsOf = (request: RecordedRequest): Row[] => (Array.isArray(request.json) ? request.json as Row[] : []);
/** Every row the simulator received at a data extension, with its request. */
const rows = (key: string) => sim.requests({ path: rowset(key) }).flatMap((request) => rowsOf(request).map((row) => ({ request, row })));

/** Marketing Cloud's rowset answer: the rows written; a 400 naming the Plan column when a row's Plan is "invalid" (the rows before it written, as integrators report). */
function rowsetAnswer(request: RecordedRequest): ScriptedResponse {
  const sent = rowsOf(request);
  if (sent.some((row) => row.values.Plan === 'invalid')) {
    return { status: 400, body: { message: 'Unable to save rows for data extension ID 1f0a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8', errorcode: 10006, documentation: '', additionalErrors: [{ message: 'Plan: The value for column [Plan] is not one of the allowed values.', errorcode: 10000, documentation: '' }] } };
  }
  return { status: 200, body: sent };
}

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // A vendor request that hangs is given up after this long, then retried.
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: [`https://${SUBDOMAIN}.auth.marketingcloudapis.com`, `https://${SUBDOMAIN}.rest.marketingcloudapis.com`].map((origin) => `${origin}=${sim.url}`).join(','),
  }, { label: 'sfmc', vendors: ['salesforce_marketing_cloud'] });
  sim.setDefault('POST', TOKEN_PATH, () => {
    tokens++;
    return { status: 200, body: { access_token: `sfmc-access-${tokens}`, token_type: 'Bearer', expires_in: 1079, scope: 'data_extensions_read data_extensions_write journeys_execute list_and_subscribers_write', soap_instance_url: `https://${SUBDOMAIN}.soap.marketingcloudapis.com/`, rest_instance_url: `https://${SUBDOMAIN}.rest.marketingcloudapis.com/` } };
  });
  sim.setDefault('POST', '*', rowsetAnswer);
  sim.setDefault('POST', JOURNEY, { status: 201, body: { eventInstanceId: 'f6f2c2a3-8c3c-4e0c-9a1b-7d3c2f1e0a9b' } });
});
after(() => closeAll(signal, sim));

/** A pipeline with the integration installed through the catalog, writing to data extensions named after `name`. */
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'salesforce_marketing_cloud', name, {
  config: {
    subdomain: SUBDOMAIN, client_id: 'sfmc-client-id', client_secret: 'sfmc-client-secret', account_id: '514009876',
    traits_data_extension: `${name}_Profiles`, trait_columns: { email: 'EmailAddress', firstName: 'FirstName', plan: 'Plan' },
    event_data_extensions: { 'Order Completed': `${name}_Orders` }, journey_events: { 'Signed Up': JOURNEY_KEY },
    property_columns: { order_id: 'OrderId', total: 'Revenue', plan: 'Plan' },
    ...config,
  },
  consentCategories: ['marketing'],
});
/** A browser call as datafly.js sends it, with marketing consent. */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });

/** Several events in one collect request (so one delivery request carries them). */
const batch = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });

describe('Salesforce Marketing Cloud', () => {
  test('identify: the token obtained with the client credentials, then POST /hub/v1/dataevents/key:…/rowset with the row keyed by the userId', { timeout: 60_000 }, async () => {
    const { site } = await installed('Main');
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'sfmc-identify-1', traits: { email: 'jane.doe@example.com', firstName: 'Jane', plan: 'premium', company: 'Acme' } });
    const [request] = await sim.waitFor(1, 20_000, { path: rowset('Main_Profiles') });
    const [exchange] = sim.requests({ path: TOKEN_PATH });
    assert.equal(exchange!.method, 'POST');
    assert.match(exchange!.headers['content-type'] ?? '', /^application\/json/);
    assert.deepEqual(exchange!.json, { grant_type: 'client_credentials', client_id: 'sfmc-client-id', client_secret: 'sfmc-client-secret', account_id: 514009876 });
    assert.equal(request!.method, 'POST');
    assert.equal(request!.headers.authorization, 'Bearer sfmc-access-1', 'the token of the first (and only) exchange');
    assert.equal(request!.headers['content-type'], 'application/json; charset=UTF-8');
    assert.deepEqual(request!.json, [{ keys: { ContactKey: 'user-123' }, values: { EmailAddress: 'jane.doe@example.com', FirstName: 'Jane', Plan: 'premium' } }]);
  });

  test('track events: a row of the event data extension keyed by userId and messageId; an entry event to POST /interaction/v1/events; an anonymous visitor not sent', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Track');
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-123', messageId: 'sfmc-order-1', properties: { order_id: 'O-1', total: 27.5, currency: 'EUR', email: 'x@example.com' } });
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'user-123', messageId: 'sfmc-signup-1', properties: { plan: 'pro' } });
    await browser(site.key, { type: 'track', event: 'Order Completed', messageId: 'sfmc-anonymous-1', properties: { order_id: 'O-2' } });
    const { request, row } = await waitUntil(async () => rows('Track_Orders').find(({ row: r }) => r.keys.EventId === 'sfmc-order-1'), 'the order row');
    assert.match(request.headers.authorization ?? '', /^Bearer sfmc-access-\d+$/);
    assert.deepEqual(row, { keys: { ContactKey: 'user-123', EventId: 'sfmc-order-1' }, values: { OrderId: 'O-1', Revenue: 27.5, EventDate: CALL_TIMESTAMP } });
    const entry = await waitUntil(async () => sim.requests({ path: JOURNEY }).find((r) => (r.json as { Data?: { Plan?: string } }).Data?.Plan === 'pro'), 'the entry event');
    assert.equal(entry.method, 'POST');
    assert.deepEqual(entry.json, { ContactKey: 'user-123', EventDefinitionKey: JOURNEY_KEY, Data: { Plan: 'pro', EventDate: CALL_TIMESTAMP } });
    await waitUntil(async () => (await integrationStats(signal, integrationId, ['delivered', 'dropped'])).dropped >= 1 || undefined, 'the anonymous event dropped');
    assert.equal(rows('Track_Orders').some(({ row: r }) => r.keys.EventId === 'sfmc-anonymous-1'), false, 'not sent');
  });

  test('a rowset refused for one row: halves find it, it alone is dead-lettered with Marketing Cloud\'s words, the others delivered', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Refused');
    await batch(site.key, ['a', 'b', 'c'].map((x) => ({ type: 'identify', userId: `user-${x}`, messageId: `sfmc-batch-${x}`, traits: { firstName: x, plan: x === 'b' ? 'invalid' : 'gold' } })));
    const letter = await waitForDeadLetter(signal, integrationId, 'sfmc-batch-b');
    assert.equal(letter.reason, 'Marketing Cloud refused the row (HTTP 400): Unable to save rows for data extension ID 1f0a2b3c-4d5e-6f70-8192-a3b4c5d6e7f8 (errorcode 10006); Plan: The value for column [Plan] is not one of the allowed values. (errorcode 10000) — check that every column sent exists in the data extension with that name and type (config.contact_key_column, config.event_id_column, config.event_time_column, config.trait_columns, config.property_columns), that its primary key is the key columns, and that the values fit the columns (lengths, email and phone formats); then replay');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the other two delivered');
    const sizes = sim.requests({ path: rowset('Refused_Profiles') }).map((r) => rowsOf(r).length);
    assert.equal(sizes[0], 3, 'first the whole rowset');
    assert.ok(sizes.includes(1), 'the refused row alone at last');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
  });

  test('a 429, a 500 and a timeout are retried, then the row is delivered once', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Retried');
    sim.script('POST', rowset('Retried_Orders'), [
      { status: 429, headers: { 'Retry-After': '1' }, body: { message: 'Too Many Requests', errorcode: 429, documentation: '' } },
      { status: 500, body: { message: 'An unexpected error occurred.', errorcode: 0, documentation: '' } },
      reply.hang(),
    ]);
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-7', messageId: 'sfmc-retried-1', properties: { order_id: 'O-7' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(rows('Retried_Orders').length, 4, 'the 429, the 500, the hang, then the success; nothing after it');
    const stats = await integrationStats(signal, integrationId, ['delivered', 'deadLettered', 'retried']);
    assert.equal(stats.delivered, 1);
    assert.equal(stats.deadLettered, 0);
  });

  test('a 401 renews the token and sends the row again; a 403 dead-letters naming the package permission', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Renewed');
    sim.script('POST', rowset('Renewed_Profiles'), [{ status: 401, body: { message: 'Not Authorized', errorcode: 0, documentation: '' } }]);
    await browser(site.key, { type: 'identify', userId: 'user-8', messageId: 'sfmc-renewed-1', traits: { firstName: 'Ed' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the renewal');
    const [first, second] = sim.requests({ path: rowset('Renewed_Profiles') });
    assert.notEqual(second!.headers.authorization, first!.headers.authorization, 'a new token');

    sim.script('POST', rowset('Renewed_Orders'), [{ status: 403, body: { message: 'Insufficient privileges to complete this action.', errorcode: 20002, documentation: '' } }]);
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-8', messageId: 'sfmc-forbidden-1', properties: { order_id: 'O-8' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'sfmc-forbidden-1');
    assert.match(letter.reason, /^Marketing Cloud refused the row \(HTTP 403: Insufficient privileges to complete this action\. \(errorcode 20002\)\): the installed package's API integration lacks the Data Extensions: Write \(and Read\) permission/);
  });

  test('a person deletion: the contact deleted by key (ContactAndAttributes), the operation\'s status read; an anonymousId alone skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Deletions');
    sim.setDefault('POST', DELETE, { status: 200, body: { operationInitiated: true, operationID: 7, requestServiceMessageID: '21d0d10d-a15a-413c-bc3e-8b43b185e551', resultMessages: [], serviceMessageID: 'acb87f67-ec49-42af-a0bb-987ac6451560' } });
    sim.setDefault('GET', DELETE_STATUS, { status: 200, body: { operation: { operationID: 7, deleteType: 'ContactAndAttributes', status: 'Pending' }, numberofRestorableDays: 14, resultMessages: [] } });
    await browser(site.key, { type: 'identify', userId: 'forget-me', messageId: 'sfmc-forget-1', traits: { firstName: 'Forget' } });
    await waitUntil(async () => rows('Deletions_Profiles')[0], 'the row');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'forget-me', anonymousId: visitor.id }), [{
      integrationId, vendor: 'salesforce_marketing_cloud', status: 'sent', responseStatus: 200,
      message: 'Marketing Cloud accepted the deletion as operation 7: the contact is suppressed at once and deleted with its attributes after the account\'s restorable period (14 days); its status now: Pending',
    }]);
    const [deleted] = sim.requests({ path: DELETE });
    assert.equal(deleted!.method, 'POST');
    assert.deepEqual(deleted!.query, { type: 'keys' });
    assert.match(deleted!.headers.authorization ?? '', /^Bearer sfmc-access-\d+$/);
    assert.deepEqual(deleted!.json, { values: ['forget-me'], DeleteOperationType: 'ContactAndAttributes' });
    const [status] = sim.requests({ path: DELETE_STATUS });
    assert.deepEqual(status!.query, { operationID: '7' });
    assert.match(status!.headers.authorization ?? '', /^Bearer sfmc-access-\d+$/);

    const [anonymous] = await deletePerson(signal, site.id, { anonymousId: visitor.id });
    assert.equal(anonymous!.status, 'skipped');
    assert.match(String(anonymous!.message), /never an anonymous visitor's id/);
  });

  test('a person deletion, contacts keyed by email: a userId that is no email, whose identify gave traits.email — the contact deleted by that email as its key', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('DeletionsByTraits', { contact_key_source: 'email' });
    sim.setDefault('POST', DELETE, { status: 200, body: { operationInitiated: true, operationID: 8, requestServiceMessageID: '5c1d0e2f-a15a-413c-bc3e-8b43b185e551', resultMessages: [], serviceMessageID: '9e0f67aa-ec49-42af-a0bb-987ac6451560' } });
    sim.setDefault('GET', DELETE_STATUS, { status: 200, body: { operation: { operationID: 8, deleteType: 'ContactAndAttributes', status: 'Pending' }, numberofRestorableDays: 14, resultMessages: [] } });
    await browser(site.key, { type: 'identify', userId: 'u-ivy-0042', messageId: 'sfmc-forget-2', traits: { email: 'Ivy.Gone@Example.com', firstName: 'Ivy' } });
    const { row } = await waitUntil(async () => rows('DeletionsByTraits_Profiles')[0], 'the row');
    assert.deepEqual(row.keys, { ContactKey: 'Ivy.Gone@Example.com' }, 'the Contact Key is the email as the identify gave it');
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-ivy-0042' }), [{
      integrationId, vendor: 'salesforce_marketing_cloud', status: 'sent', responseStatus: 200,
      message: 'Marketing Cloud accepted the deletion as operation 8: the contact is suppressed at once and deleted with its attributes after the account\'s restorable period (14 days); its status now: Pending',
    }]);
    const deletions = sim.requests({ method: 'POST', path: DELETE }).filter((r) => JSON.stringify(r.json).includes('ivy.gone@example.com'));
    assert.equal(deletions.length, 1);
    assert.deepEqual(deletions[0]!.json, { values: ['ivy.gone@example.com'], DeleteOperationType: 'ContactAndAttributes' }, 'the email Signal remembered (lower-cased), though the deletion named the userId only');
  });
});
