// Google Cloud Storage end to end: browser calls through the real collect API, the queue and the
// delivery engine, through the core's access tokens (the service account's signed assertion
// exchanged at oauth2.googleapis.com), to the vendor simulator standing in for
// storage.googleapis.com, which must receive the documented simple upload (objects.insert,
// uploadType=media, the object's name in the query, the gzipped NDJSON as the body). Cloud
// Storage's answers injected: a 503 retried and written again under the same name (an
// overwrite, not a copy), a 429 retried as a rate limit using up no try, a 403 and a 404
// dead-lettered with Google's message; a person deletion not forwarded (skipped).
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, verify } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { startVendorSim, type RecordedRequest, type ScriptedResponse, type VendorSim } from '../../test/vendor-sim/vendor-sim.ts';
import { googleTokenEndpoint } from '../../test/helpers/google-token-endpoint.ts';
import { startTestSignal, type TestSignal } from '../../test/helpers/signal.ts';
import { deletePerson, installOnNewPipeline, integrationStats, sendBrowserCall, waitForDeadLetter, type Visitor } from '../../test/helpers/vendor-e2e.ts';
import { waitUntil } from '../../test/helpers/wait.ts';
import { closeAll } from '../../test/helpers/close-all.ts';

const SA_EMAIL = 'signal-archive@shop-analytics.iam.gserviceaccount.com';
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_FILE = JSON.stringify({
  type: 'service_account', project_id: 'shop-analytics', client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const TOKEN_PATH = '/token';
const UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0';
const CALL_TIMESTAMP = '2026-11-30T11:59:58.250Z';

let sim: VendorSim;
let signal: TestSignal;
/** Access tokens the token endpoint issued: uploads refuse any other. */
const issued: string[] = [];
let generation = 1711296309123456;

const uploadPath = (bucket: string) => `/upload/storage/v1/b/${bucket}/o`;
const uploads = (bucket: string) => sim.requests({ method: 'POST', path: uploadPath(bucket) });
const ndjsonOf = (request: RecordedRequest) => (request.headers['content-type'] === 'application/gzip' ? gunzipSync(request.bytes) : request.bytes).toString('utf8');
const lines = (request: RecordedRequest) => ndjsonOf(request).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line) as Record<string, unknown>);
const uploadsOf = (bucket: string, messageId: string) => uploads(bucket).filter((r) => ndjsonOf(r).includes(`"${messageId}"`));
const bearer = (request: RecordedRequest) => (request.headers.authorization ?? '').replace(/^Bearer /, '');
const storageError = (status: number, reason: string, message: string): ScriptedResponse => ({ status, body: { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } } });

/** objects.insert as Cloud Storage answers it: 200 with the object's resource, for the issued tokens only. */
const insert = (bucket: string) => (request: RecordedRequest): ScriptedResponse => {
  if (!issued.includes(bearer(request))) return storageError(401, 'authError', 'Invalid Credentials');
  if (request.query.uploadType !== 'media' || !request.query.name) return storageError(400, 'invalid', 'Upload requests must include an uploadType URL parameter and a URL.');
  generation += 1;
  return {
    status: 200,
    body: { kind: 'storage#object', id: `${bucket}/${request.query.name}/${generation}`, name: request.query.name, bucket, generation: String(generation), metageneration: '1', contentType: request.headers['content-type'], size: String(request.bytes.length) },
  };
};

const visitor: Visitor = { id: 'df_gcs0visitor01', ip: '203.0.113.42', userAgent: UA };
const browser = (key: string, call: Record<string, unknown>) => sendBrowserCall(signal, key, call, visitor, { timestamp: CALL_TIMESTAMP, context: { page: { url: 'https://shop.example.com/thanks?email=jane%40example.com', path: '/thanks', title: 'Thanks' } } });
const install = (name: string, bucket: string, config: Record<string, unknown> = {}, variant = 'default') => installOnNewPipeline(signal, 'google_cloud_storage', name, {
  config: { bucket, service_account_key: KEY_FILE, ...config }, variant,
});

const BUCKETS = ['acme-events', 'acme-outage', 'acme-quota', 'acme-denied', 'acme-missing', 'acme-forget'];
before(async () => {
  sim = await startVendorSim();
  sim.setDefault('POST', TOKEN_PATH, googleTokenEndpoint(SA_EMAIL, 'gcs-token', issued));
  for (const bucket of BUCKETS) sim.setDefault('POST', uploadPath(bucket), insert(bucket));
  signal = await startTestSignal({
    SIGNAL_VENDOR_REDIRECTS: `https://oauth2.googleapis.com=${sim.url},https://storage.googleapis.com=${sim.url}`,
    SIGNAL_RETRY_TIME_SCALE: '0.01', SIGNAL_TRUST_PROXY: '127.0.0.1', SIGNAL_HTTP_TIMEOUT_MS: '2000',
    SIGNAL_COMMIT_TIMEOUT_MS: '1000',
  }, { label: 'google_cloud_storage', vendors: ['google_cloud_storage'] });
});
after(() => closeAll(signal, sim));

describe('Google Cloud Storage', () => {
  test('a browser\'s order: the service account\'s token, then the documented simple upload — a gzipped NDJSON object under its hourly partition, without contact information', async () => {
    const { site, integrationId } = await install('GCS archive', 'acme-events', { prefix: 'signal/web' });
    await browser(site.key, { type: 'track', event: 'Order Completed', userId: 'u-gcs-1', messageId: 'gcs-order-1', properties: { order_id: 'ORD-G-1', revenue: 74.97, currency: 'EUR', email: 'jane@example.com' } });
    const upload = await waitUntil(async () => uploadsOf('acme-events', 'gcs-order-1')[0], 'the upload');

    const [tokenRequest] = sim.requests({ path: TOKEN_PATH });
    const form = new URLSearchParams(tokenRequest!.body);
    assert.equal(form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:jwt-bearer');
    const [header, claims, signature] = form.get('assertion')!.split('.');
    assert.ok(verify('RSA-SHA256', Buffer.from(`${header}.${claims}`), publicKey, Buffer.from(signature!, 'base64url')), 'signed with the service account\'s key');
    assert.equal((JSON.parse(Buffer.from(claims!, 'base64url').toString()) as { scope: string }).scope, 'https://www.googleapis.com/auth/devstorage.read_write');

    assert.equal(upload.method, 'POST');
    assert.equal(upload.path, '/upload/storage/v1/b/acme-events/o');
    assert.deepEqual(upload.queryPairs.map(([k]) => k), ['uploadType', 'name']);
    assert.equal(upload.query.uploadType, 'media');
    const [line] = lines(upload);
    const receivedAt = String(line!.received_at);
    assert.match(upload.query.name!, new RegExp(`^signal/web/dt=${receivedAt.slice(0, 10)}/hour=${receivedAt.slice(11, 13)}/${integrationId.replace(/[^A-Za-z0-9._-]/g, '_')}-gcs-order-1-1-[0-9a-f]{16}\\.ndjson\\.gz$`));
    assert.equal(upload.headers.authorization, `Bearer ${issued[0]}`);
    assert.equal(upload.headers['content-type'], 'application/gzip');
    assert.equal(upload.headers['content-encoding'], undefined, 'stored as the .gz file it is named');
    assert.equal(upload.bytes[0], 0x1f, 'gzip bytes');
    assert.ok(ndjsonOf(upload).endsWith('}\n'));
    const { received_at: _received, library_name: _library, library_version: _version, ...record } = line!;
    assert.deepEqual(record, {
      message_id: 'gcs-order-1', type: 'track', event: 'Order Completed', user_id: 'u-gcs-1', anonymous_id: visitor.id, timestamp: CALL_TIMESTAMP, original_timestamp: CALL_TIMESTAMP,
      page_url: 'https://shop.example.com/thanks', page_path: '/thanks', page_title: 'Thanks', ip: visitor.ip, user_agent: UA,
      customer: { email_sha256: createHash('sha256').update('jane@example.com').digest('hex') },
      properties: { order_id: 'ORD-G-1', revenue: 74.97, currency: 'EUR' },
    });
    assert.ok(Math.abs(Date.parse(receivedAt) - Date.now()) < 60_000, 'received_at is the server\'s stamp');
    assert.ok(!ndjsonOf(upload).includes('jane'), 'no email in clear, no query string');
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
  });

  test('a 503 is retried, and the object written again under the same name: an overwrite, not a second copy', async () => {
    const { site, integrationId } = await install('GCS outage', 'acme-outage');
    sim.script('POST', uploadPath('acme-outage'), [storageError(503, 'backendError', 'Backend Error')]);
    await browser(site.key, { type: 'track', event: 'Outage', userId: 'u-gcs-2', messageId: 'gcs-503-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'delivered');
    assert.deepEqual(await integrationStats(signal, integrationId), { delivered: 1, retried: 1, deadLettered: 0 });
    const tries = uploadsOf('acme-outage', 'gcs-503-1');
    assert.equal(tries.length, 2, 'the 503, then the upload; nothing after the success');
    assert.equal(tries[0]!.query.name, tries[1]!.query.name, 'the same object name both times');
    assert.deepEqual(tries[0]!.bytes, tries[1]!.bytes, 'the same bytes');
  });

  test('a 429 is retried as a rate limit, using up no try, then written', { timeout: 60_000 }, async () => {
    const { site, integrationId } = await install('GCS quota', 'acme-quota');
    const limited: ScriptedResponse = { ...storageError(429, 'rateLimitExceeded', 'The object exceeded the rate limit for object mutation operations (create, update, and delete). Please reduce your request rate.'), headers: { 'retry-after': '1' } } as ScriptedResponse;
    // Six refusals: as many as the tries an event has, so a throttle counted as a try would dead-letter it.
    sim.script('POST', uploadPath('acme-quota'), Array.from({ length: 6 }, () => limited));
    await browser(site.key, { type: 'track', event: 'Busy', userId: 'u-gcs-3', messageId: 'gcs-429-1' });
    await waitUntil(async () => (await integrationStats(signal, integrationId)).delivered === 1 || undefined, 'written after the rate limit', 45_000);
    assert.equal(uploadsOf('acme-quota', 'gcs-429-1').length, 7, 'six refusals, then the upload');
    assert.equal((await integrationStats(signal, integrationId)).deadLettered, 0);
  });

  test('a 403 is dead-lettered at once with Google\'s message, naming the service account and the role', async () => {
    const { site, integrationId } = await install('GCS denied', 'acme-denied');
    const message = `${SA_EMAIL} does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).`;
    sim.script('POST', uploadPath('acme-denied'), [storageError(403, 'forbidden', message)]);
    await browser(site.key, { type: 'track', event: 'Denied', userId: 'u-gcs-4', messageId: 'gcs-403-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'gcs-403-1');
    assert.equal(letter.attempts, 1);
    assert.equal(letter.reason, `Cloud Storage refused the upload (HTTP 403 forbidden: ${message}): grant ${SA_EMAIL} the Storage Object User role (roles/storage.objectUser, or a role with storage.objects.create and storage.objects.delete) on the bucket acme-denied (objects under gs://acme-denied/signal/), and check config.bucket; then replay the dead letters`);
  });

  test('a 404 (no such bucket) is dead-lettered with Google\'s message', async () => {
    const { site, integrationId } = await install('GCS missing', 'acme-missing');
    sim.script('POST', uploadPath('acme-missing'), [storageError(404, 'notFound', 'The specified bucket does not exist.')]);
    await browser(site.key, { type: 'track', event: 'Lost', userId: 'u-gcs-5', messageId: 'gcs-404-1' });
    const letter = await waitForDeadLetter(signal, integrationId, 'gcs-404-1');
    assert.equal(letter.reason, 'Cloud Storage has no bucket "acme-missing" (HTTP 404 notFound: The specified bucket does not exist.): check config.bucket (the name alone, without gs://) and create the bucket; then replay the dead letters');
    assert.deepEqual(await integrationStats(signal, integrationId, ['delivered', 'deadLettered']), { delivered: 0, deadLettered: 1 });
  });

  test('a person deletion is not forwarded to the bucket: skipped, no request', { timeout: 60_000 }, async () => {
    const { site } = await install('GCS forget', 'acme-forget');
    await browser(site.key, { type: 'track', event: 'Viewed', userId: 'u-gcs-forget', messageId: 'gcs-forget-1' });
    await waitUntil(async () => uploadsOf('acme-forget', 'gcs-forget-1')[0], 'the event');
    const requests = sim.requests({}).length;
    const [vendor] = await deletePerson(signal, site.id, { userId: 'u-gcs-forget', anonymousId: visitor.id }, ['vendor', 'status']);
    assert.deepEqual(vendor, { vendor: 'google_cloud_storage', status: 'skipped' });
    assert.equal(sim.requests({}).length, requests, 'nothing sent to Google');
  });
});
