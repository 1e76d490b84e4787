// Azure Blob Storage end to end: browser calls through the real collect API, the queue and the
// delivery engine, signed when sent (Shared Key or a SAS token), to the vendor simulator standing
// in for <account>.blob.core.windows.net, which must receive the documented Put Blob (PUT
// /<container>/<blob name>, x-ms-blob-type BlockBlob, x-ms-version, x-ms-date, the gzipped NDJSON
// as the body) and checks the Shared Key signature with its own HMAC. Azure's answers injected:
// a 503 ServerBusy retried and written again under the same name (an overwrite, not a copy), a
// 403 AuthenticationFailed and a 404 ContainerNotFound dead-lettered naming the config field; a
// person deletion not forwarded (skipped).
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const ACCOUNT = 'acmeevents';
const HOST = `${ACCOUNT}.blob.core.windows.net`;
// Azurite's documented development key (public, not a secret).
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const SAS = 'sv=2022-11-02&sr=c&sp=cw&se=2099-01-01T00%3A00%3A00Z&spr=https&sig=Qk3bUr%2FX1a9Zb4%2BlP0o8f2yQb0vXyF9l5l0GJzZJk9E%3D';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';

let sim: VendorSim;
let signal: TestSignal;
/** Answers queued per container, served before the default 201. */
const failures = new Map<string, ScriptedResponse[]>();

const containerOf = (request: RecordedRequest) => request.path.split('/')[1] ?? '';
const ndjsonOf = (request: RecordedRequest) => (request.headers['content-type'] === 'application/gzip' ? gunzipSync(request.bytes) : request.bytes).toString('utf8');
const lines = (request: RecordedRequest) => ndjsonOf(request).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
const putsOf = (container: string, messageId: string) => sim.requests({ method: 'PUT' }).filter((r) => containerOf(r) === container && ndjsonOf(r).includes(`"${messageId}"`));
const azureError = (status: number, code: string, message: string, detail = ''): ScriptedResponse => ({
  status,
  headers: { 'x-ms-error-code': code, 'content-type': 'application/xml' },
  body: `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:5f2a6c1e-801e-0047-1a2b-9b1c3d000000\nTime:2026-11-30T11:59:59.1234567Z</Message>${detail ? `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>` : ''}</Error>`,
});

/**
 * The Shared Key signature of a received request, computed here from the documentation alone:
 * the verb, the 11 standard headers (Content-Length as received), the x-ms- headers sorted, and
 * `/<account><path>`.
 */
function expectedSharedKey(request: RecordedRequest): string {
  const h = request.headers;
  const standard = ['content-encoding', 'content-language', 'content-length', 'content-md5', 'content-type', 'date', 'if-modified-since', 'if-match', 'if-none-match', 'if-unmodified-since', 'range'].map((name) => (name === 'content-length' && h[name] === '0' ? '' : h[name] ?? ''));
  const msHeaders = Object.keys(h).filter((name) => name.startsWith('x-ms-')).sort().map((name) => `${name}:${h[name]}\n`).join('');
  const toSign = `${request.method}\n${standard.join('\n')}\n${msHeaders}/${ACCOUNT}${request.path}`;
  return `SharedKey ${ACCOUNT}:${createHmac('sha256', Buffer.from(KEY, 'base64')).update(toSign, 'utf8').digest('base64')}`;
}

/** Put Blob as Azure answers it: 201 Created for a request signed with the key or carrying the SAS; 403 AuthenticationFailed otherwise. */
function putBlob(request: RecordedRequest): ScriptedResponse {
  const queued = failures.get(containerOf(request))?.shift();
  if (queued) return queued;
  const signed = request.query.sig !== undefined ? request.query.sig === new URLSearchParams(SAS).get('sig') : request.headers.authorization === expectedSharedKey(request);
  if (!signed) return azureError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.');
  return { status: 201, headers: { etag: '"0x8DC4C1A2B3C4D5E"', 'x-ms-request-id': '5f2a6c1e-801e-0047-1a2b-9b1c3d000000', 'x-ms-version': '2025-01-05', 'x-ms-request-server-encrypted': 'true' }, body: '' };
}

const visitor: Visitor = { id: 'df_abs0visitor01', ip: '203.0.113.42', userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, container: string, config: Record<string, unknown> = { account_key: KEY }) => installOnNewPipeline(signal, 'azure_blob_storage', name, {
  config: { account: ACCOUNT, container, ...config }, variant: 'default',
});

before(async () => {
  sim = await startVendorSim();
  sim.setDefault('PUT', '*', putBlob);
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '2000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'azure_blob_storage', vendors: ['azure_blob_storage'] });
});
after(() => closeAll(signal, sim));

describe('Azure Blob Storage', () => {
  test('a browser\'s order with Shared Key: the documented Put Blob — a gzipped NDJSON block blob under its hourly partition, signed, without contact information', async () => {
    const { site, integrationId } = await install('Blob archive', 'signal-events', { account_key: KEY, prefix: 'signal/web' });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-abs-1', messageId: 'abs-order-1', properties: { order_id: 'ORD-A-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' } });
    const put = await waitUntil(async () => putsOf('signal-events', 'abs-order-1')[0], 'the Put Blob');

    assert.equal(put.method, 'PUT');
    const [line] = lines(put);
    const receivedAt = String(line!.received_at);
    const blobId = `${integrationId.replace(/[^A-Za-z0-9._-]/g, '_')}-abs-order-1-1-[0-9a-f]{16}`;
    assert.match(put.path, new RegExp(`^/signal-events/signal/web/dt%3D${receivedAt.slice(0, 10)}/hour%3D${receivedAt.slice(11, 13)}/${blobId}\\.ndjson\\.gz$`));
    assert.deepEqual(put.queryPairs, [], 'no query with Shared Key');
    assert.equal(put.headers['x-ms-blob-type'], 'BlockBlob');
    assert.equal(put.headers['x-ms-version'], '2025-01-05');
    assert.ok(Math.abs(Date.parse(put.headers['x-ms-date']!) - Date.now()) < 60_000, 'x-ms-date: the sending time');
    assert.match(put.headers['x-ms-date']!, /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.equal(put.headers.authorization, expectedSharedKey(put), 'the Shared Key signature the service computes');
    assert.equal(put.headers['content-type'], 'application/gzip');
    assert.equal(put.headers['content-length'], String(put.bytes.length));
    assert.equal(put.headers['content-encoding'], undefined, 'stored as the .gz file it is named');
    assert.equal(put.bytes[0], 0x1f, 'gzip bytes');
    const { received_at: _received, library_name: _library, library_version: _version, ...record } = line!;
    assert.deepEqual(record, {
      message_id: 'abs-order-1', type: 'track', event: 'Order Completed', user_id: 'u-abs-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP, original_timestamp: CALL_TIMESTAMP,
      page_url: 'https://shop.example.com/thanks', page_path: '/thanks', page_title: 'Thanks', ip: visitor.ip, user_agent: UA,
      customer: { email_sha256: createHash('sha256').update('jane@example.com').digest('hex') },
      properties: { order_id: 'ORD-A-1', revenue: 74.97, currency: 'EUR' },
    });
    assert.ok(!ndjsonOf(put).includes('jane'), 'no email in clear, no query string');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
  });

  test('with a SAS token: the token is the query, no Authorization header', async () => {
    const { site, integrationId } = await install('Blob SAS', 'signal-sas', { sas_token: `?${SAS}` });
    await browser(site.key, { type: 'track', event: 'Signed Up', userId: 'u-abs-2', messageId: 'abs-sas-1' });
    const put = await waitUntil(async () => putsOf('signal-sas', 'abs-sas-1')[0], 'the Put Blob');
    assert.deepEqual(put.queryPairs.map(([name]) => name), ['sv', 'sr', 'sp', 'se', 'spr', 'sig']);
    assert.equal(put.query.sp, 'cw');
    assert.equal(put.headers.authorization, undefined);
    assert.equal(put.headers['x-ms-blob-type'], 'BlockBlob');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
  });

  test('a 503 ServerBusy is retried, and the blob written again under the same name: an overwrite, not a second copy', async () => {
    failures.set('signal-busy', [{ ...azureError(503, 'ServerBusy', 'The server is currently unable to receive requests. Please retry your request.') }]);
    const { site, integrationId } = await install('Blob busy', 'signal-busy');
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-abs-3', messageId: 'abs-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    const tries = putsOf('signal-busy', 'abs-503-1');
    assert.equal(tries.length, 2, 'the 503, then the write; nothing after the success');
    assert.equal(tries[0]!.path, tries[1]!.path, 'the same blob name both times');
    assert.deepEqual(tries[0]!.bytes, tries[1]!.bytes, 'the same bytes');
    assert.equal(tries[1]!.headers.authorization, expectedSharedKey(tries[1]!), 'signed anew for the retry');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a 403 AuthenticationFailed is dead-lettered at once with Azure\'s message, naming config.account_key', async () => {
    const detail = "The MAC signature found in the HTTP request 'abc=' is not the same as any computed signature.";
    failures.set('signal-denied', [azureError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.', detail)]);
    const { site, integrationId } = await install('Blob denied', 'signal-denied');
    await browser(site.key, { type: 'track', event: 'Denied', userId: 'u-abs-4', messageId: 'abs-403-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'abs-403-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, `Azure Storage refused the credential (HTTP 403 AuthenticationFailed: Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. ${detail}): check config.account_key: it must be a current access key of the storage account acmeevents (not rotated since) and config.account the account it belongs to; also that this host's clock is right (x-ms-date more than 15 minutes off is refused); then replay the dead letters`);
  });

  test('a 404 ContainerNotFound is dead-lettered naming config.container', async () => {
    failures.set('signal-missing', [azureError(404, 'ContainerNotFound', 'The specified container does not exist.')]);
    const { site, integrationId } = await install('Blob missing', 'signal-missing');
    await browser(site.key, { type: 'track', event: 'Lost', userId: 'u-abs-5', messageId: 'abs-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'abs-404-1');
    assert.equal(letter.reason, 'Azure Storage has no container "signal-missing" in the account acmeevents (HTTP 404 ContainerNotFound: The specified container does not exist.): check config.container (and config.endpoint, if set) and create the container; then replay the dead letters');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 1 });
  });

  test('a person deletion is not forwarded to the container: skipped, no request', { timeout: 60_000 }, async () => {
    const { site } = await install('Blob forget', 'signal-forget');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-abs-forget', messageId: 'abs-forget-1' });
    await waitUntil(async () => putsOf('signal-forget', 'abs-forget-1')[0], 'the event');
    const requests = sim.requests({}).length;
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-abs-forget', anonymousId: visitor.id }, ['vendor', 'status']);
    assert.deepEqual(vendor, { vendor: 'azure_blob_storage', status: 'skipped' });
    assert.equal(sim.requests({}).length, requests, 'nothing sent to Azure');
  });
});
