// Amazon S3 end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for the bucket's S3 endpoint and must receive the
// PUT Object requests S3 documents — the NDJSON object (gzipped by default) at its partitioned
// key, signed with AWS Signature Version 4 over exactly the bytes that arrive.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

let sim: VendorSim;
let signal: TestSignal;
let flaky: Bucket;
const BUCKET = 'acme-signal-events';
const HOST = `${BUCKET}.s3.eu-west-1.amazonaws.com`;
/** A second bucket, served by `flaky`: its answers are queued per test, whatever the key. */
const FLAKY_BUCKET = 'acme-signal-flaky';
const FLAKY_HOST = `${FLAKY_BUCKET}.s3.eu-west-1.amazonaws.com`;
const VISITOR_IP = '203.0.113.42';
const VISITOR = 'df_s3visitor01';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CONFIG = { bucket: BUCKET, region: 'eu-west-1', access_key_id: ACCESS_KEY, secret_access_key: SECRET };
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
/** The digest in an object's name: SHA-256 of the JSON of [messageId, receivedAt] per event. */
const digestOf = (events: Array<[string, string]>) => sha256(JSON.stringify(events)).slice(0, 16);

/** What `flaky` received: the path's first segment (the key prefix), the path, the headers, the body's bytes. */
interface Put { route: string; path: string; headers: IncomingHttpHeaders; bytes: Buffer }
interface Bucket { url: string; puts: Put[]; answer(route: string, answers: Array<{ status: number; body: string }>): void; close(): Promise<void> }

/**
 * A bucket endpoint whose answers are queued per route (the first path segment: each test's
 * key prefix), for any key: an object's key holds the receivedAt Signal stamps, so it is not
 * known before the event is sent (the simulator scripts exact paths). 200 once a queue is empty.
 */
async function startBucket(): Promise<Bucket> {
  const puts: Put[] = [];
  const queues = new Map<string, Array<{ status: number; body: string }>>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const path = req.url ?? '/';
      const route = path.split('/')[1] ?? '';
      puts.push({ route, path, headers: req.headers, bytes: Buffer.concat(chunks) });
      const next = queues.get(route)?.shift() ?? { status: 200, body: '' };
      res.writeHead(next.status, { 'content-type': 'application/xml' }).end(next.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    puts,
    answer: (route, answers) => queues.set(route, [...(queues.get(route) ?? []), ...answers]),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

before(async () => {
  sim = await startVendorSim();
  // As S3 answers a PutObject: 200, an empty body, the object's ETag and request ids in the headers.
  sim.setDefault('PUT', '*', { status: 200, headers: { etag: '"6805f2cfc46c0f04559748bb039d69ae"', 'x-amz-request-id': '0A49CE4060975EAC', 'x-amz-id-2': 'MzRISOwyjmnupCzjI1WC06l5TTAzm7/JypPGXLh0OVFGcJaaO3KW/hRAqKOpIEEp', 'x-amz-server-side-encryption': 'AES256' }, body: '' });
  flaky = await startBucket();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // Virtual-hosted (the bucket's own origin) and path-style requests; the second bucket.
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url},https://s3.eu-west-1.amazonaws.com=${sim.url}/path-style,https://${FLAKY_HOST}=${flaky.url}`,
  }, { label: 'amazon_s3', vendors: ['amazon_s3'] });
});
after(() => closeAll(signal, sim, flaky));

const visitor: Visitor = { id: VISITOR, ip: VISITOR_IP, userAgent: VISITOR_UA };
/** A pipeline with the integration installed through the catalog; its pipeline integration id. */
const installed = (name: string, config: Record<string, unknown>, variant = 'default') => installOnNewPipeline(signal, 'amazon_s3', name, { config: { ...CONFIG, ...config }, variant });
/** A browser call as datafly.js sends it (see sendBrowserCall). */
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP });

/** The NDJSON text of a PUT: its bytes gunzipped for an application/gzip object, else as UTF-8. */
function ndjsonOf(headers: Record<string, string | string[] | undefined>, bytes: Buffer): string {
  return (headers['content-type'] === 'application/gzip' ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The NDJSON lines of a PUT, parsed. */
function lines(request: RecordedRequest): Array<Record<string, unknown>> {
  const text = ndjsonOf(request.headers, request.bytes);
  assert.ok(text.endsWith('\n'), 'every line ends with a newline');
  return text.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The PUTs whose object holds the event `messageId`. */
function putsOf(messageId: string, prefix = ''): RecordedRequest[] {
  return sim.requests({ method: 'PUT' }).filter((r) => r.path.startsWith(`${prefix}/`) && ndjsonOf(r.headers, r.bytes).includes(`"${messageId}"`));
}

async function putOf(messageId: string, prefix = ''): Promise<RecordedRequest> {
  return waitUntil(async () => putsOf(messageId, prefix)[0], `the object holding ${messageId}`);
}

/** `dt=YYYY-MM-DD/hour=HH` of an ISO time, as the key's partition is written in the URL. */
function partitionPath(iso: string): string {
  return `dt%3D${iso.slice(0, 10)}/hour%3D${iso.slice(11, 13)}`;
}

/** The SigV4 Authorization S3 would compute for what arrived (the bytes received), with the bucket's real host. */
function expectedAuthorization(request: { headers: Record<string, string | string[] | undefined>; bytes: Buffer }, host: string, path: string): string {
  const header = (name: string) => String(request.headers[name]);
  const signed = header('authorization').match(/SignedHeaders=([^,]+),/)![1]!.split(';');
  const value = (name: string) => (name === 'host' ? host : header(name));
  const canonical = ['PUT', path, '', signed.map((name) => `${name}:${value(name).trim()}\n`).join(''), signed.join(';'), sha256(request.bytes)].join('\n');
  const date = header('x-amz-date');
  const scope = `${date.slice(0, 8)}/eu-west-1/s3/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, date.slice(0, 8)), 'eu-west-1'), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n')).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
}

describe('Amazon S3', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('S3 archive', { prefix: 'events/web' });
  });

  test('a track event: PUT https://<bucket>.s3.<region>.amazonaws.com/<prefix>/dt=…/hour=…/<integration>-<messageId>-1-<digest>.ndjson.gz, gzipped NDJSON, signed over the bytes received', async () => {
    const messageId = 's3-track-1';
    await browser(main.site.key, {
      type: 'track', event: 'Signed Up', userId: 'user-123', messageId,
      properties: { method: 'email', plan: 'premium', email: 'Jane.Doe@Example.com', message_id: 'forged', note: 'Zoë ☀️ 日本' },
      context: { page: { url: 'https://shop.example.com/signup?email=jane.doe%40example.com', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/', search: '?email=jane.doe%40example.com' }, campaign: { source: 'google', medium: 'cpc', name: 'spring_sale' } },
    });
    const put = await putOf(messageId);
    const [record, ...others] = lines(put);
    assert.equal(others.length, 0);
    const receivedAt = String(record!.received_at);
    assert.ok(Math.abs(Date.parse(receivedAt) - Date.now()) < 60_000, 'stamped by Signal');
    assert.equal(put.path, `/events/web/${partitionPath(receivedAt)}/${main.integrationId}-${messageId}-1-${digestOf([[messageId, receivedAt]])}.ndjson.gz`);
    assert.deepEqual(put.queryPairs, []);
    assert.deepEqual(record, {
      message_id: messageId, type: 'track', event: 'Signed Up', user_id: 'user-123', anonymous_id: VISITOR, timestamp: CALL_TIMESTAMP, received_at: receivedAt,
      original_timestamp: CALL_TIMESTAMP,
      page_url: 'https://shop.example.com/signup', page_path: '/signup', page_title: 'Sign up', page_referrer: 'https://www.google.com/',
      utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring_sale', ip: VISITOR_IP, user_agent: VISITOR_UA,
      customer: { email_sha256: sha256('jane.doe@example.com') },
      properties: { method: 'email', plan: 'premium', message_id: 'forged', note: 'Zoë ☀️ 日本' },
    }, 'the URL without its query; the multi-byte text intact');
    assert.equal(gunzipSync(put.bytes).toString('utf8'), `${JSON.stringify(record)}\n`, 'the bytes received gunzip to the NDJSON, byte for byte');
    assert.equal(put.headers['content-type'], 'application/gzip');
    assert.equal(put.headers['content-encoding'], undefined, 'a .gz file, no transfer encoding');
    assert.equal(put.headers['content-md5'], createHash('md5').update(put.bytes).digest('base64'), 'the MD5 of the compressed bytes that arrived');
    assert.equal(put.headers['x-amz-content-sha256'], sha256(put.bytes), 'the payload hash of the compressed bytes that arrived');
    assert.match(put.headers['x-amz-date']!, /^\d{8}T\d{6}Z$/);
    assert.equal(put.headers.authorization, expectedAuthorization(put, HOST, put.path), 'the signature S3 recomputes over the received bytes matches');
    assert.match(put.headers.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    await waitUntil(async () => (await integrationStats(signal, main.integrationId)).delivered >= 1 || undefined, 'delivered');
  });

  test('a batch from a server SDK is one object, one line per event in order; the delivery log keeps the request without the signature, the body as its size and SHA-256', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${main.site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x) => ({ type: 'track', event: 'Batch Test', userId: 'user-9', messageId: `s3-batch-${x}`, timestamp: CALL_TIMESTAMP, properties: { n: x } })) }),
    });
    assert.equal(res.status, 200);
    const put = await putOf('s3-batch-a');
    const records = lines(put);
    assert.deepEqual(records.map((l) => [l.message_id, l.properties]), [['s3-batch-a', { n: 'a' }], ['s3-batch-b', { n: 'b' }], ['s3-batch-c', { n: 'c' }]]);
    const digest = digestOf(records.map((l) => [String(l.message_id), String(l.received_at)]));
    assert.match(put.path, new RegExp(`/${main.integrationId}-s3-batch-a-3-${digest}\\.ndjson\\.gz$`));
    assert.equal(put.headers.authorization, expectedAuthorization(put, HOST, put.path));
    const log = await waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; request: { url: string; headers: Record<string, string>; body: unknown } }> }>(
        'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds request } }', { id: main.integrationId });
      return body.data?.deliveryLog.find((entry) => entry.eventIds.includes('s3-batch-a'));
    }, 'the exchange in the delivery log');
    assert.equal(log.request.headers.authorization, '[REDACTED]');
    assert.equal(log.request.url, `https://${HOST}${put.path}`, 'the real URL is logged');
    assert.deepEqual(log.request.body, { $binary: true, bytes: put.bytes.length, sha256: sha256(put.bytes) }, 'the compressed body described, not kept');
    assert.equal(JSON.stringify(log).includes(SECRET), false);
  });

  test('raw, compression none: the stored event itself as plain NDJSON, multi-byte UTF-8 byte for byte; path style with a session token', async () => {
    const { site } = await installed('S3 raw', { url_style: 'path', prefix: 'raw', session_token: 'FwoGZXIvYXdzEXAMPLEtoken', compression: 'none' }, 'raw');
    await browser(site.key, { type: 'identify', userId: 'user-77', messageId: 's3-raw-1', traits: { email: 'jane@example.com', name: 'Zoë Łukasz 山田', plan: 'pro ☀️' } });
    const put = await putOf('s3-raw-1', '/path-style');
    assert.match(put.path, new RegExp(`^/path-style/${BUCKET}/raw/dt%3D\\d{4}-\\d{2}-\\d{2}/hour%3D\\d{2}/.*\\.ndjson$`));
    const [event] = lines(put);
    assert.deepEqual([event!.type, event!.messageId, event!.userId, event!.anonymousId, event!.traits], ['identify', 's3-raw-1', 'user-77', VISITOR, { email: 'jane@example.com', name: 'Zoë Łukasz 山田', plan: 'pro ☀️' }]);
    assert.equal((event!.context as Record<string, unknown>).ip, VISITOR_IP);
    assert.equal(put.headers['content-type'], 'application/x-ndjson');
    assert.deepEqual(put.bytes, Buffer.from(`${JSON.stringify(event)}\n`, 'utf8'), 'the bytes received are the UTF-8 NDJSON');
    assert.equal(put.headers['x-amz-content-sha256'], sha256(put.bytes), 'hashed by the plugin over the bytes that arrived');
    assert.equal(put.headers['content-md5'], createHash('md5').update(put.bytes).digest('base64'));
    assert.equal(put.headers['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLEtoken');
    // Signed for https://s3.eu-west-1.amazonaws.com/<bucket>/<key>: the redirect's /path-style prefix is the simulator's.
    assert.equal(put.headers.authorization, expectedAuthorization(put, 's3.eu-west-1.amazonaws.com', put.path.slice('/path-style'.length)));
  });

  const slowDown = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>';
  const internalError = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>';

  test('SlowDown (503), then InternalError (500), then success: delivered once, every try the same bytes to the same key', async () => {
    const { site, integrationId } = await installed('S3 throttled', { bucket: FLAKY_BUCKET, prefix: 'retry' });
    flaky.answer('retry', [{ status: 503, body: slowDown }, { status: 500, body: internalError }]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-5', messageId: 's3-retry-1' });
    const tries = await waitUntil(async () => {
      const list = flaky.puts.filter((put) => put.route === 'retry');
      return list.length >= 3 && list;
    }, 'three tries');
    const [record] = JSON.parse(`[${ndjsonOf(tries[0]!.headers, tries[0]!.bytes).trim()}]`) as Array<{ received_at: string }>;
    assert.equal(tries[0]!.path, `/retry/${partitionPath(record!.received_at)}/${integrationId}-s3-retry-1-1-${digestOf([['s3-retry-1', record!.received_at]])}.ndjson.gz`);
    assert.deepEqual(new Set(tries.map((put) => put.path)).size, 1, 'the same key each time: the object is overwritten, never a second copy');
    assert.equal(new Set(tries.map((put) => put.bytes.toString('base64'))).size, 1, 'the same gzip bytes each time');
    for (const put of tries) assert.equal(put.headers.authorization, expectedAuthorization(put, FLAKY_HOST, put.path), 'each try signed anew, over the bytes received');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(flaky.puts.filter((put) => put.route === 'retry').length, 3, 'not sent after the success, nor under another key');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 1, deadLettered: 0 });
  });

  test('a refused access key (403 InvalidAccessKeyId) dead-letters at once, saying which field to fix', async () => {
    const { site, integrationId } = await installed('S3 bad key', { bucket: FLAKY_BUCKET, prefix: 'badkey', access_key_id: 'AKIAI44QH8DHBEXAMPLE' });
    flaky.answer('badkey', [{
      status: 403,
      body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message><AWSAccessKeyId>AKIAI44QH8DHBEXAMPLE</AWSAccessKeyId><RequestId>4442587FB7D0A2F9</RequestId></Error>',
    }]);
    await browser(site.key, { type: 'track', event: 'Bad Key', messageId: 's3-403' });
    const letter = await waitForDeadLetter(signal, integrationId, 's3-403');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.equal(letter.reason, 'S3 HTTP 403 InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records. (request 4442587FB7D0A2F9) — S3 does not know config.access_key_id: copy it again from IAM (Users > Security credentials > Access keys), check it is active, and that the config\'s endpoint and region belong to the account that issued it');
    assert.deepEqual(flaky.puts.filter((put) => put.route === 'badkey').map((put) => String(put.headers.authorization).slice(0, 49)), ['AWS4-HMAC-SHA256 Credential=AKIAI44QH8DHBEXAMPLE/'], 'one try, with the configured key');
  });
});
