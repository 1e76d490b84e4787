// Amazon S3 end to end: browser calls through the real collect API, the queue and the delivery
// engine; the vendor simulator stands in for the bucket's S3 endpoint and must receive the
// PUT Object requests S3 documents — the NDJSON object at its partitioned key, signed with
// AWS Signature Version 4 over exactly the bytes that arrive.
import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startVendorSim, type RecordedRequest, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { waitUntil } from '../../test/helpers/wait.ts';

let sim: VendorSim;
let signal: TestSignal;
const BUCKET = 'acme-signal-events';
const HOST = `${BUCKET}.s3.eu-west-1.amazonaws.com`;
const VISITOR_IP = '203.0.113.42';
const VISITOR = 'df_s3visitor01';
const VISITOR_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15';
const CALL_TIMESTAMP = '2024-03-24T16:00:00.000Z';
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CONFIG = { bucket: BUCKET, region: 'eu-west-1', access_key_id: ACCESS_KEY, secret_access_key: SECRET };
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

before(async () => {
  sim = await startVendorSim();
  signal = await startTestSignal({
    SIGNAL_TRUST_PROXY: '127.0.0.1',
    SIGNAL_RETRY_TIME_SCALE: '0.01',
    // Virtual-hosted (the bucket's own origin) and path-style requests.
    SIGNAL_VENDOR_REDIRECTS: `https://${HOST}=${sim.url},https://s3.eu-west-1.amazonaws.com=${sim.url}/path-style`,
  }, { label: 'amazon_s3' });
});
after(async () => {
  await signal.close();
  await sim.close();
});

async function admin<T>(method: string, path: string, body: unknown): Promise<T> {
  const res = await fetch(`${signal.adminUrl}${path}`, { method, headers: { authorization: `Bearer ${signal.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json: unknown = await res.json();
  assert.ok(res.status < 300, JSON.stringify(json));
  return json as T;
}

/** A pipeline with an S3 integration installed through the catalog; its pipeline integration id. */
async function installed(name: string, config: Record<string, unknown>, variant = 'default'): Promise<{ site: { id: string; key: string }; integrationId: string }> {
  const site = await signal.pipeline(name);
  const result = await admin<{ assignment: { id: string } }>('POST', '/v1/admin/integration-catalog/amazon_s3/install', {
    name, variant, config: { ...CONFIG, ...config }, delivery_mode: 'server_side', pipeline_id: site.id,
  });
  return { site, integrationId: result.assignment.id };
}

/** A browser call as datafly.js sends it: the visitor cookie, the visitor's IP via the proxy. */
async function browser(key: string, call: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${signal.collectUrl}/v1/${String(call.type)}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain;charset=UTF-8', origin: 'https://shop.example.com', 'x-forwarded-for': VISITOR_IP, 'user-agent': VISITOR_UA, cookie: `_dfdid=${VISITOR}` },
    body: JSON.stringify({ writeKey: key, timestamp: CALL_TIMESTAMP, ...call }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** The NDJSON lines of a PUT, parsed. */
function lines(request: RecordedRequest): Array<Record<string, unknown>> {
  assert.ok(request.body.endsWith('\n'), 'every line ends with a newline');
  return request.body.slice(0, -1).split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The PUTs whose object holds the event `messageId`. */
function putsOf(messageId: string, prefix = ''): RecordedRequest[] {
  return sim.requests({ method: 'PUT' }).filter((r) => r.path.startsWith(`${prefix}/`) && r.body.includes(`"${messageId}"`));
}

async function putOf(messageId: string, prefix = ''): Promise<RecordedRequest> {
  return waitUntil(async () => putsOf(messageId, prefix)[0], `the object holding ${messageId}`);
}

/** `dt=YYYY-MM-DD/hour=HH` of an ISO time, as the key's partition is written in the URL. */
function partitionPath(iso: string): string {
  return `dt%3D${iso.slice(0, 10)}/hour%3D${iso.slice(11, 13)}`;
}

/** The SigV4 Authorization S3 would compute for what arrived, with the bucket's real host. */
function expectedAuthorization(request: RecordedRequest, host: string, path = request.path): string {
  const signed = request.headers.authorization!.match(/SignedHeaders=([^,]+),/)![1]!.split(';');
  const value = (name: string) => (name === 'host' ? host : request.headers[name]!);
  const canonical = ['PUT', path, '', signed.map((name) => `${name}:${value(name).trim()}\n`).join(''), signed.join(';'), sha256(request.body)].join('\n');
  const date = request.headers['x-amz-date']!;
  const scope = `${date.slice(0, 8)}/eu-west-1/s3/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${SECRET}`, date.slice(0, 8)), 'eu-west-1'), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n')).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/${scope}, SignedHeaders=${signed.join(';')}, Signature=${signature}`;
}

async function deadLetter(integrationId: string, messageId: string) {
  return waitUntil(async () => {
    const page = await signal.delivery.list(integrationId, { messageId }, 5);
    return page.total === 1 && page.items[0]!;
  }, `${messageId} dead-lettered`);
}

async function stats(integrationId: string): Promise<{ delivered: number; deadLettered: number }> {
  const { body } = await signal.graphql<{ integrationStats: { delivered: number; deadLettered: number } }>(
    'query($id: ID!) { integrationStats(integrationId: $id) { delivered deadLettered } }', { id: integrationId });
  return body.data!.integrationStats;
}

describe('Amazon S3', () => {
  let main: { site: { id: string; key: string }; integrationId: string };

  before(async () => {
    main = await installed('S3 archive', { prefix: 'events/web' });
  });

  test('a track event: PUT https://<bucket>.s3.<region>.amazonaws.com/<prefix>/dt=…/hour=…/<integration>-<messageId>-1-<digest>.ndjson, NDJSON, signed', async () => {
    const messageId = 's3-track-1';
    await browser(main.site.key, {
      type: 'track', event: 'Signed Up', userId: 'user-123', messageId,
      properties: { method: 'email', plan: 'premium', email: 'Jane.Doe@Example.com', message_id: 'forged' },
      context: { page: { url: 'https://shop.example.com/signup', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/' }, campaign: { source: 'google', medium: 'cpc', name: 'spring_sale' } },
    });
    const put = await putOf(messageId);
    const [record, ...others] = lines(put);
    assert.equal(others.length, 0);
    const receivedAt = String(record!.received_at);
    assert.ok(Math.abs(Date.parse(receivedAt) - Date.now()) < 60_000, 'stamped by Signal');
    assert.equal(put.path, `/events/web/${partitionPath(receivedAt)}/${main.integrationId}-${messageId}-1-${sha256(messageId).slice(0, 16)}.ndjson`);
    assert.deepEqual(put.queryPairs, []);
    assert.deepEqual(record, {
      message_id: messageId, type: 'track', event: 'Signed Up', user_id: 'user-123', anonymous_id: VISITOR, timestamp: CALL_TIMESTAMP, received_at: receivedAt,
      original_timestamp: CALL_TIMESTAMP,
      page_url: 'https://shop.example.com/signup', page_path: '/signup', page_title: 'Sign up', page_referrer: 'https://www.google.com/',
      utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring_sale', ip: VISITOR_IP, user_agent: VISITOR_UA,
      customer: { email_sha256: sha256('jane.doe@example.com') },
      properties: { method: 'email', plan: 'premium', message_id: 'forged' },
    });
    assert.equal(put.headers['content-type'], 'application/x-ndjson');
    assert.equal(put.headers['content-md5'], createHash('md5').update(put.body, 'utf8').digest('base64'));
    assert.equal(put.headers['x-amz-content-sha256'], sha256(put.body), 'the payload hash of the bytes that arrived');
    assert.match(put.headers['x-amz-date']!, /^\d{8}T\d{6}Z$/);
    assert.equal(put.headers.authorization, expectedAuthorization(put, HOST), 'the signature S3 recomputes matches');
    assert.match(put.headers.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
    await waitUntil(async () => (await stats(main.integrationId)).delivered >= 1 || undefined, 'delivered');
  });

  test('a batch from a server SDK is one object, one line per event in order; the delivery log keeps the request without the signature', async () => {
    const res = await fetch(`${signal.collectUrl}/v1/batch`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${main.site.key}:`).toString('base64')}` },
      body: JSON.stringify({ batch: ['a', 'b', 'c'].map((x) => ({ type: 'track', event: 'Batch Test', userId: 'user-9', messageId: `s3-batch-${x}`, timestamp: CALL_TIMESTAMP, properties: { n: x } })) }),
    });
    assert.equal(res.status, 200);
    const put = await putOf('s3-batch-a');
    assert.deepEqual(lines(put).map((l) => [l.message_id, l.properties]), [['s3-batch-a', { n: 'a' }], ['s3-batch-b', { n: 'b' }], ['s3-batch-c', { n: 'c' }]]);
    assert.match(put.path, new RegExp(`/${main.integrationId}-s3-batch-a-3-${sha256('s3-batch-a\ns3-batch-b\ns3-batch-c').slice(0, 16)}\\.ndjson$`));
    assert.equal(put.headers.authorization, expectedAuthorization(put, HOST));
    const log = await waitUntil(async () => {
      const { body } = await signal.graphql<{ deliveryLog: Array<{ eventIds: string[]; request: { url: string; headers: Record<string, string> } }> }>(
        'query($id: ID!) { deliveryLog(integrationId: $id, limit: 20) { eventIds request } }', { id: main.integrationId });
      return body.data?.deliveryLog.find((entry) => entry.eventIds.includes('s3-batch-a'));
    }, 'the exchange in the delivery log');
    assert.equal(log.request.headers.authorization, '[REDACTED]');
    assert.equal(log.request.url, `https://${HOST}${put.path}`, 'the real URL is logged');
    assert.equal(JSON.stringify(log).includes(SECRET), false);
  });

  test('raw: the stored event itself, one a line, contact information included; path style with a session token', async () => {
    const { site } = await installed('S3 raw', { url_style: 'path', prefix: 'raw', session_token: 'FwoGZXIvYXdzEXAMPLEtoken' }, 'raw');
    await browser(site.key, { type: 'identify', userId: 'user-77', messageId: 's3-raw-1', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' } });
    const put = await putOf('s3-raw-1', '/path-style');
    assert.match(put.path, new RegExp(`^/path-style/${BUCKET}/raw/dt%3D\\d{4}-\\d{2}-\\d{2}/hour%3D\\d{2}/`));
    const [event] = lines(put);
    assert.deepEqual([event!.type, event!.messageId, event!.userId, event!.anonymousId, event!.traits], ['identify', 's3-raw-1', 'user-77', VISITOR, { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' }]);
    assert.equal((event!.context as Record<string, unknown>).ip, VISITOR_IP);
    assert.equal(put.headers['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLEtoken');
    // Signed for https://s3.eu-west-1.amazonaws.com/<bucket>/<key>: the redirect's /path-style prefix is the simulator's.
    assert.equal(put.headers.authorization, expectedAuthorization(put, 's3.eu-west-1.amazonaws.com', put.path.slice('/path-style'.length)));
  });

  test('SlowDown (503), then InternalError (500), then success: delivered once, every try to the same key', async () => {
    // Partitioned by the event's timestamp, so the key is known before the event is sent.
    const { site, integrationId } = await installed('S3 throttled', { prefix: 'retry', partition_by: 'timestamp' });
    const key = `/retry/dt%3D2024-03-24/hour%3D16/${integrationId}-s3-retry-1-1-${sha256('s3-retry-1').slice(0, 16)}.ndjson`;
    const xml = { 'content-type': 'application/xml' };
    sim.script('PUT', key, [
      { status: 503, headers: xml, body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>' },
      { status: 500, headers: xml, body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error. Please try again.</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>' },
    ]);
    await browser(site.key, { type: 'track', event: 'Throttled', userId: 'user-5', messageId: 's3-retry-1' });
    const tries = await waitUntil(async () => {
      const list = sim.requests({ method: 'PUT', path: key });
      return list.length >= 3 && list;
    }, 'three tries');
    assert.equal(new Set(tries.map((r) => r.body)).size, 1, 'the same object each time, overwritten, never a second key');
    for (const put of tries) assert.equal(put.headers.authorization, expectedAuthorization(put, HOST), 'each try signed anew');
    await waitUntil(async () => (await stats(integrationId)).delivered === 1 || undefined, 'delivered');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(putsOf('s3-retry-1').length, 3, 'not sent after the success, nor under another key');
    assert.deepEqual(await stats(integrationId), { delivered: 1, deadLettered: 0 });
  });

  test('a refused access key (403 InvalidAccessKeyId) dead-letters at once, saying which field to fix', async () => {
    const { site, integrationId } = await installed('S3 bad key', { prefix: 'badkey', partition_by: 'timestamp', access_key_id: 'AKIAI44QH8DHBEXAMPLE' });
    const key = `/badkey/dt%3D2024-03-24/hour%3D16/${integrationId}-s3-403-1-${sha256('s3-403').slice(0, 16)}.ndjson`;
    sim.script('PUT', key, [{
      status: 403, headers: { 'content-type': 'application/xml' },
      body: '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message><AWSAccessKeyId>AKIAI44QH8DHBEXAMPLE</AWSAccessKeyId><RequestId>4442587FB7D0A2F9</RequestId></Error>',
    }]);
    await browser(site.key, { type: 'track', event: 'Bad Key', messageId: 's3-403' });
    const letter = await deadLetter(integrationId, 's3-403');
    assert.equal(letter.attempts, 1, 'not retried: resending cannot help');
    assert.equal(letter.reason, 'S3 HTTP 403 InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records. (request 4442587FB7D0A2F9) — S3 does not know config.access_key_id: copy it again from IAM (Users > Security credentials > Access keys), check it is active, and that the config\'s endpoint and region belong to the account that issued it');
    assert.deepEqual(sim.requests({ method: 'PUT', path: key }).map((r) => r.headers.authorization!.slice(0, 49)), ['AWS4-HMAC-SHA256 Credential=AKIAI44QH8DHBEXAMPLE/'], 'one try, with the configured key');
  });
});
