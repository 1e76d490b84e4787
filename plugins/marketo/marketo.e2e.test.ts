// Adobe Marketo Engage end to end: browser calls through the real collect API, the queue and the
// delivery engine; the vendor simulator stands in for the instance (https://123-ABC-456.mktorest.com)
// and must receive the requests Marketo documents — the Identity call with the client credentials (as its query parameters),
// Sync Leads, the lead lookup and Add Custom Activities with the lead's id, the lookup and Delete
// Leads of a person deletion — and its answers (a token refused inside an HTTP 200, the rate
// limit, a server error, a skipped lead) must end as Marketo's documentation says.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const INSTANCE = 'https://123-ABC-456.mktorest.com';
const TOKEN_PATH = '/identity/oauth/token';
const LEADS = '/rest/v1/leads.json';
const ACTIVITIES = '/rest/v1/activities/external.json';
const DELETE = '/rest/v1/leads/delete.json';
const CALL_TIMESTAMP = '2026-11-30T16:00:00.000Z';
const visitor: Visitor = { id: 'df_mkto0visitor01', ip: '203.0.113.42' };
let tokens = 0;
/** The simulated instance's leads: id → fields. */
const leads = new Map<number, Record<string, unknown>>();
let nextLeadId = 1000;

// any: the vendor's JSON, read field by field in assertions.
type Input = Record<string, any>;
const inputOf = (request: RecordedRequest): Input[] => ((request.json as { input?: Input[] } | undefined)?.input ?? []);

/** Sync Leads as Marketo answers it: createOrUpdate by the lookup field; a field the instance lacks (badField) skips the lead with 1006. */
function syncLeads(request: RecordedRequest): ScriptedResponse {
  const { lookupField, input } = request.json as { lookupField: string; input: Input[] };
  const result = input.map((lead) => {
    if ('badField' in lead) return { status: 'skipped', reasons: [{ code: '1006', message: "Field 'badField' not found" }] };
    const existing = [...leads.entries()].find(([, fields]) => String(fields[lookupField]).toLowerCase() === String(lead[lookupField]).toLowerCase());
    if (existing) {
      Object.assign(existing[1], lead);
      return { id: existing[0], status: 'updated' };
    }
    const id = nextLeadId++;
    leads.set(id, { ...lead });
    return { id, status: 'created' };
  });
  return { status: 200, body: { requestId: `e42b#${request.receivedAt}`, success: true, result } };
}

/** Get Leads by Filter Type: the leads whose filterType field is one of filterValues, with the fields asked for. */
function leadsByFilter(request: RecordedRequest): ScriptedResponse {
  const field = request.query.filterType!;
  const values = (request.query.filterValues ?? '').split(',').map((v) => v.toLowerCase());
  const fields = (request.query.fields ?? 'id,email').split(',');
  const result = [...leads.entries()].filter(([, lead]) => values.includes(String(lead[field]).toLowerCase())).map(([id, lead]) => Object.fromEntries(fields.map((f) => [f, f === 'id' ? id : lead[f]])));
  return { status: 200, body: { requestId: '12951#15699db5c97', result, success: true } };
}

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `${INSTANCE}=${sim.url}`,
  }, { label: 'marketo', vendors: ['marketo'] });
  sim.setDefault('POST', TOKEN_PATH, () => {
    tokens++;
    return { status: 200, body: { access_token: `mkto-access-${tokens}:int`, token_type: 'bearer', expires_in: 3599, scope: 'apis@acmeinc.com' } };
  });
  sim.setDefault('POST', LEADS, syncLeads);
  sim.setDefault('GET', LEADS, leadsByFilter);
  sim.setDefault('POST', ACTIVITIES, (request) => ({ status: 200, body: { requestId: 'e42b#2', success: true, result: inputOf(request).map((_, i) => ({ id: 50 + i, marketoGUID: String(50 + i), status: 'added' })) } }));
  sim.setDefault('POST', DELETE, (request) => ({ status: 200, body: { requestId: '3608#16664333670', success: true, result: inputOf(request).map((entry) => (leads.delete(entry.id as number) ? { id: entry.id, status: 'deleted' } : { id: entry.id, status: 'skipped', reasons: [{ code: '1004', message: 'Lead not found' }] })) } }));
});
after(() => closeAll(signal, sim));

const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'marketo', name, {
  config: {
    munchkin_id: '123-ABC-456', client_id: 'mkto-client-id', client_secret: 'mkto-client-secret',
    user_id_field: 'signalUserId', field_map: { plan: 'signalPlan', tier: 'badField' },
    activity_types: { 'Order Completed': { id: 100001, primary_attribute: 'order_id', attributes: { total: 'orderTotal' } } },
    ...config,
  },
  consentCategories: ['marketing'],
});
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { marketing: true } } });
const syncsOf = (email: string) => sim.requests({ method: 'POST', path: LEADS }).filter((r) => inputOf(r).some((lead) => lead.email === email));

describe('Adobe Marketo Engage', () => {
  test('identify: the token obtained with the client credentials (POST /identity/oauth/token), then Sync Leads (createOrUpdate by email) with the Bearer token', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Main');
    await browser(site.key, { type: 'identify', userId: 'user-123', messageId: 'mkto-identify-1', traits: { email: 'jane.doe@example.com', firstName: 'Jane', plan: 'premium', address: { city: 'Paris' } } });
    await waitUntil(async () => syncsOf('jane.doe@example.com')[0], 'the Sync Leads request', 20_000);
    const [request] = syncsOf('jane.doe@example.com');
    const [exchange] = sim.requests({ path: TOKEN_PATH });
    assert.equal(exchange!.method, 'POST');
    assert.deepEqual(exchange!.queryPairs, [['grant_type', 'client_credentials'], ['client_id', 'mkto-client-id'], ['client_secret', 'mkto-client-secret']]);
    assert.equal(exchange!.body, '');
    assert.equal(request!.headers.authorization, 'Bearer mkto-access-1:int');
    assert.deepEqual(request!.query, {}, 'no access_token query parameter');
    assert.deepEqual(request!.json, { action: 'createOrUpdate', lookupField: 'email', input: [{ email: 'jane.doe@example.com', firstName: 'Jane', city: 'Paris', signalPlan: 'premium', signalUserId: 'user-123' }] });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
  });

  test('track: the lead looked up by email, then Add Custom Activities with its leadId; a person without a lead retried, then delivered once identified', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Track');
    await browser(site.key, { type: 'identify', userId: 'user-200', messageId: 'mkto-track-identify', traits: { email: 'buyer@example.com' } });
    await waitUntil(async () => syncsOf('buyer@example.com')[0], 'the lead');
    const leadId = [...leads.entries()].find(([, lead]) => lead.email === 'buyer@example.com')![0];
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-200', messageId: 'mkto-order-1', properties: { order_id: 'O-1', total: 27.5, currency: 'EUR' } });
    const activity = await waitUntil(async () => sim.requests({ path: ACTIVITIES }).find((r) => inputOf(r).some((a) => a.primaryAttributeValue === 'O-1')), 'the custom activity', 20_000);
    const lookup = sim.requests({ method: 'GET', path: LEADS }).find((r) => r.query.filterValues === 'buyer@example.com')!;
    assert.deepEqual(lookup.queryPairs, [['filterType', 'email'], ['filterValues', 'buyer@example.com'], ['fields', 'id,email']]);
    assert.match(lookup.headers.authorization ?? '', /^Bearer mkto-access-\d+:int$/);
    assert.equal(activity.method, 'POST');
    assert.match(activity.headers.authorization ?? '', /^Bearer mkto-access-\d+:int$/);
    assert.deepEqual(activity.json, { input: [{ leadId, activityTypeId: 100001, activityDate: CALL_TIMESTAMP.replace(/\.\d{3}Z$/, 'Z'), primaryAttributeValue: 'O-1', attributes: [{ apiName: 'orderTotal', value: 27.5 }] }] });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'identify and activity delivered');

    // A track event of someone Marketo has no lead for yet: looked up again on the retry schedule.
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'user-201', messageId: 'mkto-order-2', context: { traits: { email: 'late@example.com' } }, properties: { order_id: 'O-2' } });
    await sim.waitFor((requests) => requests.filter((r) => r.method === 'GET' && r.query.filterValues === 'late@example.com').length >= 2, 20_000);
    await browser(site.key, { type: 'identify', userId: 'user-201', messageId: 'mkto-late-identify', traits: { email: 'late@example.com' } });
    await waitUntil(async () => sim.requests({ path: ACTIVITIES }).find((r) => inputOf(r).some((a) => a.primaryAttributeValue === 'O-2')), 'the late activity', 30_000);
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 4 || undefined, 'all delivered');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a token Marketo refuses inside an HTTP 200 (601) is renewed once and the request sent again with the new one', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Renewed');
    sim.script('POST', LEADS, [{ status: 200, body: { requestId: 'e42b#601', success: false, errors: [{ code: '601', message: 'Access token invalid' }] } }]);
    const before = tokens;
    await browser(site.key, { type: 'identify', userId: 'user-300', messageId: 'mkto-renewed-1', traits: { email: 'renewed@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered after the renewal', 20_000);
    const [first, second] = syncsOf('renewed@example.com');
    assert.ok(second, 'sent again');
    assert.notEqual(second!.headers.authorization, first!.headers.authorization, 'with a new token');
    assert.equal(tokens, before + 2, 'this revision\'s first token, then one renewal');
    assert.equal((await integrationStats(signal, integrationId)).retried, 0, 'no retry used: sent again in the same delivery');
  });

  test('606 (rate limit) and a 502 are retried, then the lead is delivered once; a lead skipped with 1006 is dead-lettered with Marketo\'s words', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Retried');
    sim.script('POST', LEADS, [
      { status: 200, body: { requestId: 'e42b#606', success: false, errors: [{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }] } },
      { status: 502, body: '<html>Bad Gateway</html>' },
    ]);
    await browser(site.key, { type: 'identify', userId: 'user-400', messageId: 'mkto-retried-1', traits: { email: 'retried@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 45_000);
    assert.equal(syncsOf('retried@example.com').length, 3, 'the 606, the 502, then the success');

    await browser(site.key, { type: 'identify', userId: 'user-401', messageId: 'mkto-skipped-1', traits: { email: 'skipped@example.com', tier: 'gold' } });
    const letter = await waitForDeadLetter(signal, integrationId, 'mkto-skipped-1');
    assert.match(letter.reason, /^Marketo skipped the lead: 1006 Field 'badField' not found \(requestId e42b#\d+\): every field in config\.field_map/);
  });

  test('a person deletion: the leads holding the userId looked up, then Delete Leads by id; an anonymousId alone skipped', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Deletions');
    await browser(site.key, { type: 'identify', userId: 'forget-me', messageId: 'mkto-forget-1', traits: { email: 'forget@example.com' } });
    await waitUntil(async () => syncsOf('forget@example.com')[0], 'the lead');
    const leadId = [...leads.entries()].find(([, lead]) => lead.signalUserId === 'forget-me')![0];
    // The userId's lookup deletes the lead; the lookup by the identify's email (Signal found it) then finds none.
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'forget-me', anonymousId: visitor.id }), [{
      integrationId, vendor: 'marketo', status: 'sent', responseStatus: 200,
      message: `request 1 of 2: Marketo deleted 1 lead (${leadId}); request 2 of 2: no Marketo lead has the person's email addresses: nothing to delete`,
    }]);
    const lookup = sim.requests({ method: 'GET', path: LEADS }).find((r) => r.query.filterType === 'signalUserId')!;
    assert.deepEqual(lookup.queryPairs, [['filterType', 'signalUserId'], ['filterValues', 'forget-me'], ['fields', 'id']]);
    assert.match(lookup.headers.authorization ?? '', /^Bearer mkto-access-\d+:int$/);
    const [deleted] = sim.requests({ path: DELETE });
    assert.equal(deleted!.method, 'POST');
    assert.match(deleted!.headers.authorization ?? '', /^Bearer mkto-access-\d+:int$/);
    assert.deepEqual(deleted!.json, { input: [{ id: leadId }] });
    assert.equal(leads.has(leadId), false);

    const [anonymous] = await deletePerson(signal, site.id, { anonymousId: visitor.id });
    assert.equal(anonymous!.status, 'skipped');
    assert.match(String(anonymous!.message), /never an anonymous visitor/);
  });

  test('a person deletion naming a userId no lead field holds, whose identify gave traits.email: the leads looked up by that email, then deleted', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await installed('Deletions by traits', { user_id_field: undefined });
    const email = 'gus.gone@example.com';
    await browser(site.key, { type: 'identify', userId: 'u-gus-0042', messageId: 'mkto-forget-traits', traits: { email: 'Gus.Gone@Example.com' } });
    await waitUntil(async () => syncsOf('Gus.Gone@Example.com')[0] ?? syncsOf(email)[0], 'the lead');
    const leadId = [...leads.entries()].find(([, lead]) => String(lead.email).toLowerCase() === email)![0];
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-gus-0042' }), [{
      integrationId, vendor: 'marketo', status: 'sent', responseStatus: 200,
      message: `the userId was not looked up: leads are keyed by email and no lead field holds the userId, so Marketo cannot find this person's leads by userId (set config.user_id_field, a custom field the identifies fill with it); the leads were looked up by the person's emails only; Marketo deleted 1 lead (${leadId})`,
    }], 'sent, saying the userId part was not asked for and why');
    const lookups = sim.requests({ method: 'GET', path: LEADS }).filter((r) => r.query.fields === 'id' && r.query.filterValues === email);
    assert.deepEqual(lookups.map((r) => r.queryPairs), [[['filterType', 'email'], ['filterValues', email], ['fields', 'id']]], 'looked up by the email Signal remembered (lower-cased), though the deletion named the userId only');
    assert.deepEqual(sim.requests({ path: DELETE }).at(-1)!.json, { input: [{ id: leadId }] });
    assert.equal(leads.has(leadId), false);
  });
});
