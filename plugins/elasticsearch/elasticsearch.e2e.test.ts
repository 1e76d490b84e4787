// Elasticsearch end to end: browser calls through the real collect API, the queue and the
// delivery engine, to the vendor simulator standing in for an Elastic Cloud deployment's
// endpoint (redirected from its https origin). The simulator answers as Elasticsearch does —
// the bulk API's `took`/`errors`/`items` with a status per item, `create` refused with 409 for
// an `_id` already there, a mapping refusal for a field of the wrong type, a rejected item (429)
// when the write queue is full — and keeps the documents it indexed per index, so the tests see
// what the cluster holds: the documented request (create actions, NDJSON, the API key); a 503
// retried; a timeout after the cluster indexed the documents, whose retry the cluster answers
// 409 (one document); a 429 and rejected items as rate limits; one refused document
// dead-lettered naming its field while the others are indexed; a 413 split; a wrong API key and
// a missing index dead-lettered at once, naming the config fields; a person deletion as a
// _delete_by_query with the ids in the body.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const ORIGIN = 'https://my-deployment.es.us-central1.gcp.cloud.es.io';
const AWS_ORIGIN = 'https://search-shop-abc123xyz.eu-west-1.es.amazonaws.com';
const AWS_KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const API_KEY = 'ZXMtZTJlLWlkOmVzLWUyZS1zZWNyZXQ=';
const VISITOR_IP = '203.0.113.42';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';
const DAY = '2026.11.30';

let sim: VendorSim;
let signal: TestSignal;

type Doc = Record<string, unknown>;
/** What the simulated cluster holds: documents by index and _id; answers queued per index family (the name before its date). */
const indices = new Map<string, Map<string, Doc>>();
const queued = new Map<string, Array<ScriptedResponse | 'index-then-hang' | 'reject-items'>>();

const esError = (status: number, type: string, reason: string): ScriptedResponse => ({
  status, body: { error: { root_cause: [{ type, reason }], type, reason }, status }, headers: { 'x-elastic-product': 'Elasticsearch' },
});
/** The request's action and document pairs. */
function pairsOf(request: RecordedRequest): Array<{ action: { _index: string; _id: string }; doc: Doc }> {
  const lines = request.body.split('\n');
  assert.equal(lines.at(-1), '', 'the body ends with a newline');
  const pairs: Array<{ action: { _index: string; _id: string }; doc: Doc }> = [];
  for (let i = 0; i + 1 < lines.length; i += 2) {
    const action = JSON.parse(lines[i]!) as { create: { _index: string; _id: string } };
    pairs.push({ action: action.create, doc: JSON.parse(lines[i + 1]!) as Doc });
  }
  return pairs;
}
const familyOf = (index: string) => index.replace(/-\d{4}\.\d{2}\.\d{2}$/, '');
const bulks = (family: string) => sim.requests({ method: 'POST', path: '/_bulk' }).filter((request) => pairsOf(request).some(({ action }) => familyOf(action._index) === family));
const stored = (family: string, messageId: string) => [...(indices.get(`${family}-${DAY}`)?.values() ?? [])].filter((doc) => doc.message_id === messageId);

/** Whether a request is signed with the test's IAM access key for Amazon OpenSearch Service in eu-west-1, over the body as received. */
function awsSigned(request: RecordedRequest): boolean {
  return /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/.test(request.headers.authorization ?? '')
    && request.headers['x-amz-content-sha256'] === createHash('sha256').update(request.bytes).digest('hex');
}

/** The cluster's answer to a bulk request, as Elasticsearch gives it. */
function bulk(request: RecordedRequest): ScriptedResponse {
  if (request.headers.authorization !== `ApiKey ${API_KEY}` && !awsSigned(request)) return esError(401, 'security_exception', 'unable to authenticate with provided credentials and anonymous access is not allowed for this request');
  const pairs = pairsOf(request);
  const family = familyOf(pairs[0]!.action._index);
  const next = queued.get(family)?.shift();
  if (next !== undefined && next !== 'index-then-hang' && next !== 'reject-items') return next;
  // A cluster whose http.max_content_length lets one document through at a time.
  if (family === 'es-small' && pairs.length > 1) return { status: 413, body: '' };
  const items = pairs.map(({ action, doc }) => {
    const base = { _index: action._index, _id: action._id };
    if (next === 'reject-items') return { create: { ...base, status: 429, error: { type: 'es_rejected_execution_exception', reason: 'rejected execution of coordinating operation [coordinating_and_primary_bytes=0, replica_bytes=0, all_bytes=0, coordinating_operation_bytes=2048, max_coordinating_and_primary_bytes=0]' } } };
    if (familyOf(action._index) === 'es-missing') return { create: { ...base, status: 404, error: { type: 'index_not_found_exception', reason: `no such index [${action._index}]`, index: action._index } } };
    const price = (doc.properties as Doc | undefined)?.price;
    if (typeof price === 'string' && Number.isNaN(Number(price))) {
      return { create: { ...base, status: 400, error: { type: 'document_parsing_exception', reason: `[1:240] failed to parse field [properties.price] of type [float] in document with id '${action._id}'. Preview of field's value: '${price}'`, caused_by: { type: 'number_format_exception', reason: `For input string: "${price}"` } } } };
    }
    const index = indices.get(action._index) ?? new Map<string, Doc>();
    indices.set(action._index, index);
    if (index.has(action._id)) return { create: { ...base, status: 409, error: { type: 'version_conflict_engine_exception', reason: `[${action._id}]: version conflict, document already exists (current version [1])`, index: action._index } } };
    index.set(action._id, doc);
    return { create: { ...base, _version: 1, result: 'created', _shards: { total: 2, successful: 1, failed: 0 }, status: 201, _seq_no: index.size - 1, _primary_term: 1 } };
  });
  if (next === 'index-then-hang') return { hang: true };
  const errors = items.some(({ create }) => create.status >= 300);
  return { status: 200, body: { took: 7, errors, items }, headers: { 'x-elastic-product': 'Elasticsearch' } };
}

const visitor: Visitor = { id: 'df_es0visitor01', ip: VISITOR_IP, userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, family: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'elasticsearch', name, {
  config: { url: ORIGIN, index: `${family}-{yyyy.MM.dd}`, api_key: API_KEY, ...config },
});
const batch = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { timestamp: CALL_TIMESTAMP });
const delivered = (integrationId: string, count: number, timeoutMs?: number) => waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === count || undefined, `${count} delivered`, timeoutMs);

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', '/_bulk', bulk);
  sim.setDefault('POST', '/es-forget-*/_delete_by_query', (request) => {
    const should = ((request.json as { query: { bool: { should: Array<{ term: Record<string, string> }> } } }).query.bool.should);
    let deleted = 0;
    for (const [name, index] of indices) {
      if (!name.startsWith('es-forget-')) continue;
      for (const [id, doc] of index) {
        if (should.some(({ term }) => Object.entries(term).some(([field, value]) => doc[field] === value))) {
          index.delete(id);
          deleted += 1;
        }
      }
    }
    return { status: 200, body: { took: 31, timed_out: false, total: deleted, deleted, batches: 1, version_conflicts: 0, noops: 0, retries: { bulk: 0, search: 0 }, throttled_millis: 0, requests_per_second: -1, throttled_until_millis: 0, failures: [] } };
  });
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `${ORIGIN}=${sim.url},${AWS_ORIGIN}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1',
    // A hung bulk request is given up after this long (then retried).
    SIGNAL_HTTP_TIMEOUT_MS: '1500',
    // A person deletion waits this long (+2 s) for events still being committed.
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'elasticsearch', vendors: ['elasticsearch'] });
});
after(() => closeAll(signal, sim));

describe('Elasticsearch', () => {
  test('a browser\'s order: the documented bulk request — a create action into the day\'s index with a messageId-derived _id, then the document, without contact information', async () => {
    const { site, integrationId } = await install('Elasticsearch shop', 'es-order');
    const properties = { order_id: 'ORD-ES-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] };
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-es-1', messageId: 'es-order-1', properties });
    const [doc] = await waitUntil(async () => { const found = stored('es-order', 'es-order-1'); return found.length > 0 && found; }, 'the document');
    const [request] = bulks('es-order');

    assert.equal(request!.method, 'POST');
    assert.equal(request!.path, '/_bulk');
    assert.deepEqual(request!.queryPairs, []);
    assert.equal(request!.headers.authorization, `ApiKey ${API_KEY}`);
    assert.equal(request!.headers['content-type'], 'application/x-ndjson');
    const [pair] = pairsOf(request!);
    assert.deepEqual(pair!.action, { _index: `es-order-${DAY}`, _id: createHash('sha256').update(`${integrationId}\nes-order-1`).digest('base64url') });
    const { received_at: receivedAt, context, ...fields } = doc!;
    assert.deepEqual(fields, {
      '@timestamp': CALL_TIMESTAMP, message_id: 'es-order-1', type: 'track', event: 'Order Completed', user_id: 'u-es-1', anonymous_id: visitor.id,
      properties: { order_id: 'ORD-ES-1', revenue: 74.97, currency: 'EUR', products: [{ product_id: 'SKU-1', price: 74.97, quantity: 1 }] },
    });
    assert.match(String(receivedAt), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    const { page, userAgent, ip } = context as { page: { url: string }; userAgent: string; ip?: string };
    assert.deepEqual([page.url, userAgent, ip], ['https://shop.example.com/thanks', UA, undefined], 'no IP, no query string: contact_info is off');
    await delivered(integrationId, 1);
  });

  test('a 503 from a cluster without a master is retried, then indexed once', async () => {
    const { site, integrationId } = await install('Elasticsearch 503', 'es-503');
    queued.set('es-503', [esError(503, 'master_not_discovered_exception', '')]);
    await browser(site.key, { type: 'track', event: 'Woke', userId: 'u-es-2', messageId: 'es-503-1' });
    await delivered(integrationId, 1);
    assert.equal(bulks('es-503').length, 2, 'the 503, then the bulk request');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    assert.equal(stored('es-503', 'es-503-1').length, 1);
  });

  test('a timeout after the cluster indexed the document: the retry\'s create finds the _id there (409), delivered, the index holds it once', async () => {
    const { site, integrationId } = await install('Elasticsearch timeout', 'es-timeout');
    queued.set('es-timeout', ['index-then-hang']);
    await browser(site.key, { type: 'track', event: 'Slow', userId: 'u-es-3', messageId: 'es-timeout-1' });
    await delivered(integrationId, 1, 30_000);
    const [first, second] = bulks('es-timeout');
    assert.ok(second, 'sent again after the timeout');
    assert.deepEqual(pairsOf(second).map(({ action }) => action), pairsOf(first!).map(({ action }) => action), 'the same index and _id');
    assert.equal(stored('es-timeout', 'es-timeout-1').length, 1, 'indexed once');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
  });

  test('a 429 and rejected items (es_rejected_execution_exception) are rate limits: retried using up no try, then indexed', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Elasticsearch busy', 'es-busy');
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    queued.set('es-busy', ['reject-items', 'reject-items', { status: 429, body: { error: { type: 'circuit_breaking_exception', reason: '[parent] Data too large' }, status: 429 }, headers: { 'retry-after': '1' } }, 'reject-items', 'reject-items', 'reject-items']);
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-es-4', messageId: 'es-busy-1' });
    await delivered(integrationId, 1, 45_000);
    assert.equal(bulks('es-busy').length, 7, 'six refusals, then the bulk request');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
    assert.equal(stored('es-busy', 'es-busy-1').length, 1);
  });

  test('one document the mapping refuses: dead-lettered naming the field, sent once; the others of its request indexed', async () => {
    const { site, integrationId } = await install('Elasticsearch mapping', 'es-mapping');
    await batch(site.key, [
      { type: 'track', event: 'Product Viewed', userId: 'u-es-5', messageId: 'es-map-0', properties: { price: 12.5 } },
      { type: 'track', event: 'Product Viewed', userId: 'u-es-5', messageId: 'es-map-1', properties: { price: 'abc' } },
      { type: 'track', event: 'Product Viewed', userId: 'u-es-5', messageId: 'es-map-2', properties: { price: 19 } },
    ]);
    const letter = await waitForDeadLetter(signal, integrationId, 'es-map-1');
    assert.equal(letter.attempts, 1, 'not retried: the mapping refuses it every time');
    const id = createHash('sha256').update(`${integrationId}\nes-map-1`).digest('base64url');
    assert.equal(letter.reason, `Elasticsearch refused the document (item status 400, document_parsing_exception: [1:240] failed to parse field [properties.price] of type [float] in document with id '${id}'. Preview of field's value: 'abc'; caused by number_format_exception: For input string: "abc"): the value of properties.price does not fit the index's mapping of it — fix what the blueprint maps there, or the mapping in the index template (see the plugin README), then replay the dead letter`);
    await delivered(integrationId, 2);
    const carrying = bulks('es-mapping').filter((request) => pairsOf(request).some(({ doc }) => doc.message_id === 'es-map-1'));
    assert.equal(carrying.length, 1, 'the refused document sent once');
    assert.deepEqual(['es-map-0', 'es-map-1', 'es-map-2'].map((messageId) => stored('es-mapping', messageId).length), [1, 0, 1]);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 2, deadLettered: 1 });
  });

  test('a 413 for a request over http.max_content_length: split in halves until the cluster takes it, every document indexed once', async () => {
    const { site, integrationId } = await install('Elasticsearch small', 'es-small');
    await batch(site.key, ['a', 'b', 'c', 'd'].map((letter) => ({ type: 'track', event: 'Viewed', userId: 'u-es-6', messageId: `es-small-${letter}` })));
    await delivered(integrationId, 4);
    const sizes = bulks('es-small').map((request) => pairsOf(request).length);
    assert.ok(sizes.some((size) => size > 1), `a request of several documents refused first: ${JSON.stringify(sizes)}`);
    assert.equal(sizes.filter((size) => size === 1).length, 4, 'then each document alone');
    assert.deepEqual(['a', 'b', 'c', 'd'].map((letter) => stored('es-small', `es-small-${letter}`).length), [1, 1, 1, 1]);
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 4, deadLettered: 0 });
  });

  test('a wrong API key and a missing index are dead-lettered at once, naming the config fields', async () => {
    const wrong = await install('Elasticsearch wrong key', 'es-order', { api_key: 'bm90LXRoZS1rZXk6bm9wZQ==' });
    await browser(wrong.site.key, { type: 'track', event: 'Locked Out', userId: 'u-es-7', messageId: 'es-auth-1' });
    const denied = await waitForDeadLetter(signal, wrong.integrationId, 'es-auth-1');
    assert.equal(denied.attempts, 1);
    assert.equal(denied.reason, 'the cluster refused the credential (HTTP 401, security_exception: unable to authenticate with provided credentials and anonymous access is not allowed for this request): check config.api_key (an API key revoked or expired needs a new one in a new revision), then replay the dead letters');
    assert.ok(!denied.reason.includes('bm90LXRoZS1rZXk6bm9wZQ=='));

    const missing = await install('Elasticsearch missing index', 'es-missing');
    await browser(missing.site.key, { type: 'page', name: 'Home', messageId: 'es-404-1' });
    const letter = await waitForDeadLetter(signal, missing.integrationId, 'es-404-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, `the index does not exist and the cluster did not create it (item status 404, index_not_found_exception: no such index [es-missing-${DAY}]): check config.index (es-missing-{yyyy.MM.dd}), or create the index, data stream or index template — or let action.auto_create_index create names like it; then replay the dead letters`);
  });

  test('Amazon OpenSearch Service with IAM: the bulk request signed with SigV4 when sent (the body\'s hash, the Region and signing name from the endpoint), no other credential', async () => {
    const { site, integrationId } = await installOnNewPipeline(signal, 'elasticsearch', 'OpenSearch IAM', {
      config: { url: AWS_ORIGIN, index: 'es-aws-{yyyy.MM.dd}', aws_access_key_id: AWS_KEY_ID, aws_secret_access_key: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
    });
    await browser(site.key, { type: 'track', event: 'Signed', userId: 'u-es-aws', messageId: 'es-aws-1' });
    await delivered(integrationId, 1);
    const [request] = bulks('es-aws');
    assert.ok(awsSigned(request!), `signed: ${request!.headers.authorization}`);
    assert.match(request!.headers['x-amz-date'] ?? '', /^\d{8}T\d{6}Z$/);
    assert.equal(stored('es-aws', 'es-aws-1').length, 1);
  });

  test('a person deletion: a _delete_by_query on every day\'s index, the ids in the body only; none sent with forwarding off', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('Elasticsearch deletions', 'es-forget');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-es-forget', messageId: 'es-forget-1' });
    await waitUntil(async () => stored('es-forget', 'es-forget-1')[0], 'the document');

    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-es-forget', anonymousId: visitor.id }), [{
      integrationId, vendor: 'elasticsearch', status: 'sent', responseStatus: 200, message: 'Elasticsearch deleted 1 document of the person',
    }]);
    const [deletion, ...more] = sim.requests({ method: 'POST', path: '/es-forget-*/_delete_by_query' });
    assert.equal(more.length, 0);
    assert.deepEqual(deletion!.queryPairs, [['conflicts', 'proceed'], ['ignore_unavailable', 'true']]);
    assert.equal(deletion!.headers.authorization, `ApiKey ${API_KEY}`);
    const terms = (id: string, fields: string[]) => fields.flatMap((field) => [{ term: { [field]: id } }, { term: { [`${field}.keyword`]: id } }]);
    assert.deepEqual(deletion!.json, { query: { bool: { should: [...terms('u-es-forget', ['user_id', 'previous_id']), ...terms(visitor.id, ['anonymous_id', 'previous_id'])], minimum_should_match: 1 } } });
    assert.equal(stored('es-forget', 'es-forget-1').length, 0, 'gone from the index');

    const quiet = await install('Elasticsearch no deletions', 'es-forget', { forward_deletions: false });
    const [skipped] = await deletePerson(signal, quiet.site.id, { userId: 'u-es-forget' }, ['vendor', 'status']);
    assert.deepEqual(skipped, { vendor: 'elasticsearch', status: 'skipped' });
    assert.equal(sim.requests({ method: 'POST', path: '/es-forget-*/_delete_by_query' }).length, 1);
  });
});
