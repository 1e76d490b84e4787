// Airtable end to end: browser and server calls through the real collect API, the queue and the
// delivery engine, to the vendor simulator standing in for https://api.airtable.com, which must
// receive the Web API's documented requests: Create records (POST /v0/{baseId}/{table}, 10
// records a request) or, with merge_on, an upsert (PATCH with performUpsert.fieldsToMergeOn),
// the personal access token as the Bearer token. Airtable's answers injected: a 503 and a
// timeout retried, a 429 retried as a rate limit using up no try, a 403 dead-lettered naming the
// token, a 422 naming a field's value split down to the record and dead-lettered naming it, the
// others written once; a person deletion as List records by filterByFormula then DELETE of the
// records found, 10 a request.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const TOKEN = 'patAbC123dEf456gH.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const TABLE = 'Web events';

let sim: VendorSim;
let signal: TestSignal;

/** A base id per test: app and 14 letters or digits. */
const baseOf = (name: string) => `app${name}`.padEnd(17, '0');
const tablePath = (base: string) => `/v0/${base}/Web%20events`;
type Fields = Record<string, unknown>;
const recordsOf = (request: RecordedRequest) => (request.json as { records: Array<{ fields: Fields }> }).records.map((record) => record.fields);
const writes = (base: string) => sim.requests({ path: tablePath(base) }).filter((r) => r.method === 'POST' || r.method === 'PATCH');
const airtableError = (status: number, type: string, message: string): ScriptedResponse => ({ status, body: { error: { type, message } } });

/** A table as the simulator keeps it: Create records and upserts answer its records, in order, for the token only. */
function table(base: string) {
  const rows = new Map<string, Fields>();
  let next = 0;
  const id = () => `rec${String(++next).padStart(14, '0')}`;
  sim.setDefault('POST', tablePath(base), (request) => {
    if (request.headers.authorization !== `Bearer ${TOKEN}`) return airtableError(401, 'AUTHENTICATION_REQUIRED', 'Authentication required');
    const created = recordsOf(request).map((fields) => {
      const recordId = id();
      rows.set(recordId, fields);
      return { id: recordId, createdTime: '2026-11-30T12:00:00.000Z', fields };
    });
    return { status: 200, body: { records: created } };
  });
  sim.setDefault('PATCH', tablePath(base), (request) => {
    const body = request.json as { performUpsert?: { fieldsToMergeOn: string[] }; records: Array<{ fields: Fields }> };
    const on = body.performUpsert?.fieldsToMergeOn ?? [];
    const createdRecords: string[] = [];
    const updatedRecords: string[] = [];
    const records = body.records.map(({ fields }) => {
      const found = [...rows.entries()].find(([, held]) => on.every((name) => held[name] === fields[name]));
      const recordId = found?.[0] ?? id();
      (found ? updatedRecords : createdRecords).push(recordId);
      rows.set(recordId, { ...(found?.[1] ?? {}), ...fields });
      return { id: recordId, createdTime: '2026-11-30T12:00:00.000Z', fields: rows.get(recordId) };
    });
    return { status: 200, body: { records, createdRecords, updatedRecords } };
  });
  // List records by filterByFormula `{User ID}="<value>"`, 10 a page (an offset when more follow).
  sim.setDefault('GET', tablePath(base), (request) => {
    const formula = /^\{User ID\}="((?:[^"\\]|\\.)*)"$/.exec(request.query.filterByFormula ?? '');
    if (!formula) return airtableError(422, 'INVALID_FILTER_BY_FORMULA', 'The formula for filtering records is invalid');
    const value = formula[1]!.replace(/\\(.)/g, '$1');
    const matching = [...rows.entries()].filter(([, fields]) => fields['User ID'] === value);
    const page = matching.slice(0, Number(request.query.pageSize ?? 100));
    return { status: 200, body: { records: page.map(([recordId, fields]) => ({ id: recordId, createdTime: '2026-11-30T12:00:00.000Z', fields: { 'User ID': fields['User ID'] } })), ...(matching.length > page.length ? { offset: `itr/${page.at(-1)![0]}` } : {}) } };
  });
  sim.setDefault('DELETE', tablePath(base), (request) => {
    const ids = request.queryPairs.filter(([name]) => name === 'records[]').map(([, value]) => value);
    if (ids.length > 10) return airtableError(422, 'INVALID_REQUEST_UNKNOWN', 'Invalid request: too many records');
    if (ids.some((recordId) => !rows.has(recordId))) return { status: 404, body: { error: 'NOT_FOUND' } };
    ids.forEach((recordId) => rows.delete(recordId));
    return { status: 200, body: { records: ids.map((recordId) => ({ id: recordId, deleted: true })) } };
  });
  return rows;
}

const visitor: Visitor = { id: 'df_airtable0visitor', ip: '203.0.113.42' };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, {
  timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks', referrer: 'https://www.google.com/' } },
});
const install = (name: string, base: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'airtable', name, {
  config: { access_token: TOKEN, base_id: base, table: TABLE, ...config },
});

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://api.airtable.com=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'airtable', vendors: ['airtable'] });
});
after(() => closeAll(signal, sim));

describe('Airtable', () => {
  test('a browser\'s order: Create records to the table\'s URL, the Bearer token, the default fields without contact information', async () => {
    const base = baseOf('Orders');
    const rows = table(base);
    const { site, integrationId } = await install('Airtable orders', base);
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-air-1', messageId: 'air-order-1', properties: { order_id: 'ORD-A-1', revenue: 74.97, email: 'jane@example.com' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    const [request] = writes(base);
    assert.equal(request!.method, 'POST');
    assert.equal(request!.headers.authorization, `Bearer ${TOKEN}`);
    assert.match(request!.headers['content-type'] ?? '', /^application\/json/);
    assert.equal((request!.json as { typecast: boolean }).typecast, false);
    const [fields] = recordsOf(request!);
    assert.deepEqual({ ...fields, 'Received At': 'x' }, {
      Timestamp: CALL_TIMESTAMP, Type: 'track', Event: 'Order Completed', 'User ID': 'u-air-1', 'Anonymous ID': visitor.id, 'Page URL': 'https://shop.example.com/thanks',
      Referrer: 'https://www.google.com/', Properties: '{"order_id":"ORD-A-1","revenue":74.97}', 'Message ID': 'air-order-1', 'Received At': 'x',
    });
    assert.ok(!request!.body.includes('jane'), 'no email, no URL query');
    assert.equal(rows.size, 1);
  });

  test('a server\'s batch with merge_on: upserts of 10 records at most, each event once; a repeated key updates its record', async () => {
    const base = baseOf('Upsert');
    const rows = table(base);
    const fields = [{ field: 'Order', path: 'properties.order_id' }, { field: 'Status', path: 'event' }, { field: 'Message ID', path: 'messageId' }];
    const { site, integrationId } = await install('Airtable upsert', base, { fields, merge_on: ['Order'], typecast: true });
    const events = Array.from({ length: 12 }, (_, n) => ({ event: `Step ${n}`, messageId: `air-up-${n}`, properties: { order_id: `O-${n % 11}` } }));
    await sendServerBatch(signal, site.key, events, { userId: 'u-air-batch' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 12 || undefined, 'twelve delivered');
    const requests = writes(base);
    assert.ok(requests.every((r) => r.method === 'PATCH' && recordsOf(r).length <= 10));
    assert.deepEqual((requests[0]!.json as { performUpsert: unknown }).performUpsert, { fieldsToMergeOn: ['Order'] });
    assert.equal((requests[0]!.json as { typecast: boolean }).typecast, true);
    assert.deepEqual(requests.flatMap(recordsOf).map((f) => f['Message ID']).sort(), events.map((e) => e.messageId).sort(), 'each event once');
    assert.equal(rows.size, 11, 'O-0 written twice, one record');
    assert.equal([...rows.values()].find((f) => f.Order === 'O-0')!.Status, 'Step 11', 'the later event updated it');
  });

  test('a 503 and a timeout are retried, then written once', async () => {
    const base = baseOf('Outage');
    const rows = table(base);
    const { site, integrationId } = await install('Airtable outage', base);
    sim.script('POST', tablePath(base), [airtableError(503, 'SERVICE_UNAVAILABLE', 'Service Unavailable'), { hang: true }]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-air-2', messageId: 'air-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 30_000);
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 2, deadLettered: 0 });
    assert.equal(writes(base).length, 3, 'the 503, the timeout, then the write');
    assert.equal(rows.size, 1);
  });

  test('a 429 is retried as Airtable\'s rate limit, using up no try, then written', { timeout: 60_000 }, async () => {
    const base = baseOf('Limited');
    table(base);
    const { site, integrationId } = await install('Airtable limited', base);
    const limited: ScriptedResponse = { status: 429, body: { errors: [{ error: 'RATE_LIMIT_REACHED', message: 'Rate limit exceeded. Please try again later' }] } };
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    sim.script('POST', tablePath(base), Array.from({ length: 6 }, () => limited));
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-air-3', messageId: 'air-429-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'written after the rate limit', 50_000);
    assert.equal(writes(base).length, 7, 'six refusals, then the write');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a 403 is dead-lettered at once naming the token, the base and the table', async () => {
    const base = baseOf('Denied');
    table(base);
    const { site, integrationId } = await install('Airtable denied', base);
    sim.script('POST', tablePath(base), [airtableError(403, 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND', 'Invalid permissions, or the requested model was not found.')]);
    await browser(site.key, { type: 'track', event: 'Denied', userId: 'u-air-4', messageId: 'air-403-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'air-403-1');
    assert.equal(letter.attempts, 1);
    assert.match(letter.reason, new RegExp(`^Airtable refused to write to the table "${TABLE}" of the base ${base} \\(HTTP 403 INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND: Invalid permissions, or the requested model was not found\\.\\): check config\\.access_token`));
  });

  test('a 422 refusing one record\'s value: split down to it, dead-lettered naming the field; the others written once', async () => {
    const base = baseOf('BadValue');
    const rows = table(base);
    const fields = [{ field: 'Event', path: 'event' }, { field: 'Revenue', path: 'properties.revenue' }, { field: 'Message ID', path: 'messageId' }];
    const { site, integrationId } = await install('Airtable bad value', base, { fields });
    const write = (request: RecordedRequest): ScriptedResponse => {
      if (recordsOf(request).some((f) => typeof f.Revenue === 'string')) return airtableError(422, 'INVALID_VALUE_FOR_COLUMN', 'Field "Revenue" cannot accept the provided value');
      const created = recordsOf(request).map((f, i) => {
        const recordId = `rec${String(i + 1).padStart(14, 'x')}`;
        rows.set(`${f['Message ID'] as string}`, f);
        return { id: recordId, fields: f };
      });
      return { status: 200, body: { records: created } };
    };
    sim.setDefault('POST', tablePath(base), write);
    await sendServerBatch(signal, site.key, [1, 2, 3, 4].map((n) => ({ event: `Row ${n}`, messageId: `air-row-${n}`, properties: { revenue: n === 3 ? 'lots' : n * 10 } })), { userId: 'u-air-rows' });
    const letter = await waitForDeadLetter(signal, integrationId, 'air-row-3');
    assert.equal(letter.reason, 'Airtable refused the field "Revenue" (config.fields[1]) (HTTP 422 INVALID_VALUE_FOR_COLUMN: Field "Revenue" cannot accept the provided value): check the event\'s value there and the field\'s type in Airtable (a number field takes numbers, a select an existing option), or turn config.typecast on; then replay the dead letters');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 3 || undefined, 'the other three written');
    assert.deepEqual([...rows.keys()].sort(), ['air-row-1', 'air-row-2', 'air-row-4'], 'each written once, the refused one never');
  });

  test('a person deletion: the records holding the userId looked up by filterByFormula and deleted, 10 a request; others kept', { timeout: 60_000 }, async () => {
    const base = baseOf('Forget');
    const rows = table(base);
    const { site, integrationId } = await install('Airtable forget', base, { forward_deletions: true, user_id_field: 'User ID' });
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-air-forget', messageId: 'air-forget-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'the record');
    // Eleven more of theirs, two of someone else's.
    for (let n = 0; n < 11; n++) rows.set(`recForget${String(n).padStart(8, '0')}`, { 'User ID': 'u-air-forget', Event: `Old ${n}` });
    rows.set('recOther000000001', { 'User ID': 'u-air-other' });
    rows.set('recOther000000002', { 'User ID': 'U-AIR-FORGET' });
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-air-forget', anonymousId: visitor.id }, ['vendor', 'status', 'message']);
    assert.equal(vendor!.vendor, 'airtable');
    assert.equal(vendor!.status, 'sent', String(vendor!.message));
    assert.equal(String(vendor!.message), 'request 1 of 5: Airtable deleted 10 records; request 2 of 5: Airtable deleted 2 records; requests 3–5 of 5: not needed');
    assert.deepEqual([...rows.values()].map((f) => f['User ID']).sort(), ['U-AIR-FORGET', 'u-air-other']);
    const lookups = sim.requests({ method: 'GET', path: tablePath(base) });
    assert.equal(lookups.length, 2, 'the second round deleted the last of them: no third lookup');
    assert.deepEqual(lookups[0]!.queryPairs, [['filterByFormula', '{User ID}="u-air-forget"'], ['pageSize', '10'], ['fields[]', 'User ID']]);
    const deletions = sim.requests({ method: 'DELETE', path: tablePath(base) });
    assert.deepEqual(deletions.map((r) => r.queryPairs.length), [10, 2]);
    assert.ok(deletions.every((r) => r.headers.authorization === `Bearer ${TOKEN}`));
  });

  test('a person deletion where Airtable\'s = also matches another letter case: their records deleted, the other kept, the deletion sent', { timeout: 60_000 }, async () => {
    const base = baseOf('ForgetCase');
    const rows = table(base);
    // Airtable's `=` read case-insensitively (not confirmed either way): the lookup also answers U-AIR-CASE.
    sim.setDefault('GET', tablePath(base), (request) => {
      const value = /^\{User ID\}="((?:[^"\\]|\\.)*)"$/.exec(request.query.filterByFormula ?? '')![1]!.replace(/\\(.)/g, '$1');
      const matching = [...rows.entries()].filter(([, fields]) => String(fields['User ID']).toLowerCase() === value.toLowerCase()).slice(0, 10);
      return { status: 200, body: { records: matching.map(([recordId, fields]) => ({ id: recordId, fields: { 'User ID': fields['User ID'] } })) } };
    });
    const { site } = await install('Airtable forget case', base, { forward_deletions: true, user_id_field: 'User ID' });
    rows.set('recCaseA000000001', { 'User ID': 'u-air-case' });
    rows.set('recCaseA000000002', { 'User ID': 'u-air-case' });
    rows.set('recCaseB000000001', { 'User ID': 'U-AIR-CASE' });
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-air-case', anonymousId: visitor.id }, ['vendor', 'status', 'message']);
    assert.equal(vendor!.status, 'sent', String(vendor!.message));
    assert.equal(String(vendor!.message), 'request 1 of 5: Airtable deleted 2 records; 1 record Airtable\'s formula matched, whose User ID is not exactly the userId (another letter case?), kept; requests 2–5 of 5: not needed');
    assert.deepEqual([...rows.keys()], ['recCaseB000000001']);
    assert.deepEqual(sim.requests({ method: 'DELETE', path: tablePath(base) }).map((r) => r.queryPairs.map(([, id]) => id)), [['recCaseA000000001', 'recCaseA000000002']]);
  });

  test('a person deletion of someone the table does not hold: one lookup, not five, and nothing deleted', { timeout: 60_000 }, async () => {
    const base = baseOf('ForgetNobody');
    const rows = table(base);
    rows.set('recNobody00000001', { 'User ID': 'u-air-someone-else' });
    const { site } = await install('Airtable forget nobody', base, { forward_deletions: true, user_id_field: 'User ID' });
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-air-nobody', anonymousId: visitor.id }, ['vendor', 'status', 'message']);
    assert.equal(vendor!.status, 'sent', String(vendor!.message));
    assert.equal(vendor!.message, 'request 1 of 5: Airtable has no record whose User ID is the userId: nothing to delete; requests 2–5 of 5: not needed');
    assert.deepEqual(sim.requests({ method: 'GET', path: tablePath(base) }).map((r) => r.query.filterByFormula), ['{User ID}="u-air-nobody"']);
    assert.equal(sim.count({ method: 'DELETE', path: tablePath(base) }), 0);
    assert.deepEqual([...rows.keys()], ['recNobody00000001']);
  });
});
