// Datadog end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for http-intake.logs.datadoghq.com,
// http-intake.logs.datadoghq.eu (under /eu) and the API host api.datadoghq.com (under /api-host),
// and must receive the request Datadog's Send logs page documents: `POST /api/v2/logs`, the API
// key as DD-API-KEY, Content-Type application/json, a gzipped (Content-Encoding: gzip) JSON
// array of logs. Person deletions, when turned on, are data deletion requests (`POST
// /api/v2/deletion/data/logs` with DD-API-KEY and DD-APPLICATION-KEY).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, sendServerBatch, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
const KEY = '0123456789abcdef0123456789abcdef';
const APP_KEY = 'fedcba9876543210fedcba9876543210fedcba98';
const VISITOR = 'df_datadog0visitor1';
const CALL_TIMESTAMP = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000).toISOString();
const LOGS = '/api/v2/logs';
const EU_LOGS = `/eu${LOGS}`;
const DELETIONS = '/api-host/api/v2/deletion/data/logs';
const OK = { status: 202, body: {} };

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
    SIGNAL_DELETION_WAIT_SCALE: '0.01',
    // A hung answer times out in 1 s rather than the default's 10.
    SIGNAL_HTTP_TIMEOUT_MS: '1000',
    SIGNAL_VENDOR_REDIRECTS: `https://http-intake.logs.datadoghq.com=${sim.url},https://http-intake.logs.datadoghq.eu=${sim.url}/eu,https://api.datadoghq.com=${sim.url}/api-host`,
  }, { label: 'datadog', vendors: ['datadog'] });
  sim.setDefault('POST', LOGS, OK);
  sim.setDefault('POST', EU_LOGS, OK);
});
after(() => closeAll(signal, sim));

const visitor: Visitor = { id: VISITOR, ip: '203.0.113.42', userAgent: 'Mozilla/5.0 (Datadog e2e)' };
const installed = (name: string, config: Record<string, unknown> = {}) => installOnNewPipeline(signal, 'datadog', name, { config: { api_key: KEY, ...config }, consentCategories: ['analytics'] });
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

const batchCall = (key: string, events: Array<Record<string, unknown>>) => sendServerBatch(signal, key, events, { anonymousId: VISITOR, timestamp: CALL_TIMESTAMP, context: { consent: { analytics: true } } });

type DatadogLog = Record<string, unknown> & { messageId?: string };
function received(path = LOGS): Array<{ request: RecordedRequest; log: DatadogLog }> {
  return sim.requests({ path }).flatMap((request) => (Array.isArray(request.json) ? request.json as DatadogLog[] : []).map((log) => ({ request, log })));
}
const withMessage = (messageId: string, path = LOGS) => received(path).filter(({ log }) => log.messageId === messageId);

describe('Datadog', () => {
  test('a track event: POST /api/v2/logs with DD-API-KEY, a gzipped JSON array, one log with its reserved and standard attributes', async () => {
    const { site } = await installed('Datadog shop');
    await browser(site.key, {
      type: 'track', event: 'Order Completed', userId: 'user-1', messageId: 'dd-track-1',
      properties: { revenue: 42.5, plan: 'pro', gift: true, email: 'wren@example.com', shipping: { method: 'dhl' } },
      context: { page: { url: 'https://shop.example.com/checkout?email=wren%40example.com', path: '/checkout' } },
    });
    const { request, log } = await waitUntil(async () => withMessage('dd-track-1')[0], 'the log');
    assert.equal(request.method, 'POST');
    assert.equal(request.headers['content-type'], 'application/json');
    assert.equal(request.headers['dd-api-key'], KEY);
    assert.equal(request.headers['content-encoding'], 'gzip', 'gzipped (the simulator undoes it before reading the JSON)');
    assert.ok(Array.isArray(request.json), 'a JSON array of logs');
    assert.equal(log.message, 'track Order Completed');
    assert.equal(log.ddsource, 'signal');
    assert.equal(log.service, 'signal');
    assert.equal(log.status, 'info');
    assert.equal(log.date, CALL_TIMESTAMP);
    assert.equal(log.type, 'track');
    assert.deepEqual(log.evt, { name: 'Order Completed' });
    assert.deepEqual(log.usr, { id: 'user-1', anonymous_id: VISITOR });
    assert.deepEqual(log.properties, { revenue: 42.5, plan: 'pro', gift: true, shipping: { method: 'dhl' } });
    assert.deepEqual(log.http, { url: 'https://shop.example.com/checkout', useragent: 'Mozilla/5.0 (Datadog e2e)' });
    assert.doesNotMatch(JSON.stringify(log), /wren|203\.0\.113\.42/, 'no contact information, no IP');
  });

  test('the EU site, plain JSON, the config\'s service, source, tags and hostname; page and identify calls; the IP with send_ip', async () => {
    const { site, integrationId } = await installed('Datadog EU', { site: 'datadoghq.eu', compression: 'none', service: 'shop-web', source: 'website', tags: ['env:prod', 'team:web'], hostname: 'shop.example.com', send_ip: true });
    await browser(site.key, { type: 'page', name: 'Pricing', messageId: 'dd-page-1', properties: { path: '/pricing' } });
    await browser(site.key, { type: 'identify', userId: 'user-2', messageId: 'dd-identify-1', traits: { plan: 'team', email: 'a@b.example' } });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'both delivered');
    const [page] = withMessage('dd-page-1', EU_LOGS);
    const [identify] = withMessage('dd-identify-1', EU_LOGS);
    assert.equal(page!.request.headers['content-encoding'], undefined);
    assert.equal(page!.request.headers['dd-api-key'], KEY);
    assert.deepEqual(
      [page!.log.message, page!.log.ddsource, page!.log.ddtags, page!.log.service, page!.log.hostname],
      ['page Pricing', 'website', 'env:prod,team:web', 'shop-web', 'shop.example.com'],
    );
    assert.deepEqual(page!.log.network, { client: { ip: '203.0.113.42' } });
    assert.equal(identify!.log.message, 'identify');
    assert.deepEqual(identify!.log.traits, { plan: 'team' });
    assert.equal(withMessage('dd-page-1').length, 0, 'nothing to the US1 intake');
  });

  test('a 429 with X-RateLimit-Reset and a 503 are retried, then delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Datadog retried');
    sim.script('POST', LOGS, [
      { status: 429, headers: { 'X-RateLimit-Reset': '30' }, body: { errors: [{ status: '429', title: 'Too Many Requests' }] } },
      { status: 503, body: { errors: [{ status: '503', title: 'Service Unavailable' }] } },
    ]);
    await browser(site.key, { type: 'track', event: 'Retried Event', messageId: 'dd-retry-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered', 20_000);
    const tries = withMessage('dd-retry-1');
    assert.equal(tries.length, 3, 'the 429, the 503, then the success');
    assert.ok(tries[1]!.request.receivedAt - tries[0]!.request.receivedAt >= 250, 'the 429 paused for X-RateLimit-Reset (30 s, 300 ms scaled)');
    assert.deepEqual(tries[2]!.request.bytes, tries[0]!.request.bytes, 'the same bytes each time');
    const stats = await integrationStats(signal, integrationId);
    assert.equal(stats.deadLettered, 0);
    assert.ok(stats.retried >= 2, `retried: ${stats.retried}`);
  });

  test('a timeout is retried; a refused API key (403) dead-letters at once naming config.api_key', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Datadog bad key');
    sim.script('POST', LOGS, [{ status: 202, body: {}, delayMs: 5_000 }, { status: 403, body: { errors: [{ status: '403', title: 'Forbidden', detail: 'Invalid API key' }] } }]);
    await browser(site.key, { type: 'track', event: 'Refused Event', messageId: 'dd-403' });
    const letter = await waitForDeadLetter(signal, integrationId, 'dd-403');
    assert.equal(letter.attempts, 2, 'the timeout retried once, the 403 not: resending cannot help');
    assert.match(letter.reason, /^Datadog refused the API key \(HTTP 403: Invalid API key\): check config\.api_key/);
  });

  test('a 413 on a batch splits it until the large log is alone, dead-lettered; the others are delivered', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Datadog too large');
    const carries = (request: RecordedRequest) => Array.isArray(request.json) && (request.json as DatadogLog[]).some((log) => log.messageId === 'dd-big');
    sim.setDefault('POST', LOGS, (request) => (carries(request) ? { status: 413, body: { errors: [{ status: '413', title: 'Payload Too Large' }] } } : OK));
    try {
      await batchCall(site.key, ['dd-small-1', 'dd-big', 'dd-small-2'].map((messageId) => ({ event: 'Batch Event', messageId })));
      const letter = await waitForDeadLetter(signal, integrationId, 'dd-big');
      assert.match(letter.reason, /Datadog refused this log alone as too large \(HTTP 413: Payload Too Large\)/);
      await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 2 || undefined, 'the others delivered');
      const sizes = sim.requests({ path: LOGS }).filter(carries).map((r) => (r.json as DatadogLog[]).length);
      assert.equal(sizes[0], 3, 'the three logs went in one request');
      assert.equal(sizes.at(-1), 1, 'then in halves until the large one was alone');
    } finally {
      sim.setDefault('POST', LOGS, OK);
    }
  });

  test('a 400 is dead-lettered at once with Datadog\'s words', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Datadog bad request');
    sim.script('POST', LOGS, [{ status: 400, body: { errors: [{ status: '400', title: 'Bad Request', detail: 'Malformed payload' }] } }]);
    await browser(site.key, { type: 'track', event: 'Refused Request', messageId: 'dd-400' });
    const letter = await waitForDeadLetter(signal, integrationId, 'dd-400');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.match(letter.reason, /^Datadog refused the request as malformed \(HTTP 400: Malformed payload\)/);
  });

  test('a person deletion is not forwarded by default', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Datadog no deletions');
    const before = sim.requests().length;
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-forget-0', anonymousId: VISITOR }, ['integrationId', 'vendor', 'status']);
    assert.deepEqual(vendor, { integrationId, vendor: 'datadog', status: 'skipped' });
    assert.equal(sim.requests().length, before, 'no request to Datadog');
  });

  test('with forward_deletions: one data deletion request per id, by usr.id and usr.anonymous_id, with the application key', { timeout: 30_000 }, async () => {
    const { site, integrationId } = await installed('Datadog deletions', { forward_deletions: true, application_key: APP_KEY, service: 'shop-web' });
    sim.setDefault('POST', DELETIONS, (request) => {
      const query = ((request.json as { data: { attributes: { query: Record<string, string> } } }).data.attributes.query);
      const text = Object.entries(query).map(([key, value]) => `${key}:${value}`).join(' ');
      return { status: 200, headers: { 'content-type': 'application/vnd.api+json' }, body: { data: { id: '754', type: 'deletion_request', attributes: { product: 'logs', query: text, status: 'pending', is_created: false } }, meta: { product: 'logs' } } };
    });
    const started = Date.now();
    assert.deepEqual(await deletePerson(signal, site.id, { userId: 'u-forget-1', anonymousId: VISITOR }, ['integrationId', 'vendor', 'status', 'responseStatus', 'message']), [{
      integrationId, vendor: 'datadog', status: 'sent', responseStatus: 200,
      message: 'request 1 of 2: Datadog accepted data deletion request 754 (pending) for the logs of service:shop-web source:signal whose @usr.id is the id; '
        + 'request 2 of 2: Datadog accepted data deletion request 754 (pending) for the logs of service:shop-web source:signal whose @usr.anonymous_id is the id',
    }]);
    const asked = sim.requests({ path: DELETIONS });
    assert.equal(asked.length, 2);
    for (const request of asked) {
      assert.equal(request.headers['dd-api-key'], KEY);
      assert.equal(request.headers['dd-application-key'], APP_KEY);
    }
    const attributes = asked.map((r) => (r.json as { data: { type: string; attributes: { from: number; to: number; query: Record<string, string> } } }).data);
    assert.deepEqual(attributes.map((d) => d.type), ['create_deletion_req', 'create_deletion_req']);
    assert.deepEqual(attributes.map((d) => d.attributes.query), [
      { service: 'shop-web', source: 'signal', '@usr.id': 'u-forget-1' },
      { service: 'shop-web', source: 'signal', '@usr.anonymous_id': VISITOR },
    ]);
    for (const d of attributes) {
      assert.ok(d.attributes.to >= started - 1000 && d.attributes.to <= Date.now(), 'up to the request');
      assert.equal(d.attributes.to - d.attributes.from, 465 * 86_400_000, '15 months back');
    }
  });

  // Fail closed: any echo but exactly the terms asked for — the id left out, an OR, no echo at
  // all — cancels the deletion request at once, whatever Datadog made of the query object.
  for (const [label, id, query] of [['leaves out the person\'s id', '900', 'service:signal source:signal'], ['joins the terms with OR', '901', 'service:signal OR source:signal OR @usr.id:u-forget-2'], ['is missing', '902', undefined]] as const) {
    test(`with forward_deletions: a deletion whose echoed query ${label} is cancelled at once and reported failed`, { timeout: 30_000 }, async () => {
      const { site, integrationId } = await installed(`Datadog deletion guard ${id}`, { forward_deletions: true, application_key: APP_KEY });
      const cancelPath = `/api-host/api/v2/deletion/requests/${id}/cancel`;
      sim.setDefault('POST', DELETIONS, { status: 200, body: { data: { id, type: 'deletion_request', attributes: { ...(query !== undefined ? { query } : {}), status: 'pending' } } } });
      sim.setDefault('PUT', cancelPath, { status: 200, body: { data: { id, type: 'deletion_request', attributes: { status: 'canceled' } }, meta: { request_status: 'canceled' } } });
      const [vendor] = await deletePerson(signal, site.id, { userId: 'u-forget-2' }, ['integrationId', 'vendor', 'status', 'message']);
      assert.equal(vendor!.status, 'failed');
      assert.match(String(vendor!.message), new RegExp(`^Datadog did not echo the deletion's query as asked .*so data deletion request ${id} was cancelled before it ran`));
      const cancels = sim.requests({ path: cancelPath });
      assert.equal(cancels.length, 1);
      assert.equal(cancels[0]!.method, 'PUT');
      assert.equal(cancels[0]!.headers['dd-api-key'], KEY);
      assert.equal(cancels[0]!.headers['dd-application-key'], APP_KEY);
      assert.equal(vendor!.integrationId, integrationId);
    });
  }
});
