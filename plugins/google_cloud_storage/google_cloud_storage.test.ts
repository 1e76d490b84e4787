import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import gcs, { bucketProblem, classifyUpload, gcsTokenRequest, MAX_BYTES, MAX_EVENTS, objectNameOf, readGcsTokenAnswer, storageError, uploadUrl, validateGcsConfig } from './index.ts';

const NOW = Date.parse('2024-03-24T16:05:09.000Z');
const SA_EMAIL = 'signal-archive@shop-analytics.iam.gserviceaccount.com';
const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const KEY_FILE = JSON.stringify({
  type: 'service_account', project_id: 'shop-analytics', client_email: SA_EMAIL, token_uri: 'https://oauth2.googleapis.com/token',
  private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
});
const CONFIG = { bucket: 'acme-signal-events', service_account_key: KEY_FILE };
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({
  config: { ...CONFIG, ...config }, variant, integrationId: 'pi-7f3c', revisionId: 'r', options: {}, now: NOW, accessToken: 'ya29.test-token',
});
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/signup?email=jane%40example.com', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const mapped = (id: string, overrides: Partial<CanonicalEvent> = {}, payload: JsonObject = { message_id: id, type: 'track' }): MappedEvent => ({
  id, event: browserEvent({ messageId: id, ...overrides }), payload,
});
const answer = (status: number, json?: JsonValue, headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body: json === undefined ? '' : JSON.stringify(json), ...(json === undefined ? {} : { json }) });
const gcsError = (status: number, reason: string, message: string) => answer(status, { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } });
const NAME = 'signal/dt=2024-03-24/hour=16/pi-7f3c-m-1-1-0123456789abcdef.ndjson.gz';
const request = (events: number, name = NAME): RequestDescriptor => ({ method: 'POST', url: uploadUrl('acme-signal-events', name), eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const classify = (response: VendorResponse, events = 2, config: Record<string, JsonValue> = {}) => classifyUpload(response, request(events), ctx(config));
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');
const objectResource = (name = NAME) => ({ kind: 'storage#object', id: `acme-signal-events/${name}/1711296309123456`, name, bucket: 'acme-signal-events', generation: '1711296309123456', metageneration: '1', contentType: 'application/gzip', size: '214' });

test('the definition: id, category, limits, the token exchange, no deletion forwarding', () => {
  assert.equal(gcs.id, 'google_cloud_storage');
  assert.equal(gcs.name, 'Google Cloud Storage');
  assert.equal(gcs.category, 'cloud_storage');
  assert.deepEqual(gcs.batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES });
  assert.deepEqual(gcs.rateLimit, { rps: 10, burst: 20 });
  assert.deepEqual(Object.keys(gcs.variants), ['default', 'retail', 'raw']);
  assert.deepEqual(gcs.accessToken?.usedBy, ['delivery']);
  assert.equal(gcs.forgetPerson, undefined, 'person deletions are not forwarded to the bucket');
  assert.deepEqual(gcs.consent, []);
});

test('send: one simple upload per object — the bucket in the path, uploadType=media and the encoded name, the token, a gzipped NDJSON body', () => {
  const batch = [mapped('m-1', {}, { message_id: 'm-1', type: 'track' }), mapped('m-2', { receivedAt: '2024-03-24T16:59:59.999Z' }, { message_id: 'm-2', type: 'page' })];
  const [upload, ...more] = gcs.send(batch, ctx());
  assert.equal(more.length, 0);
  const digest = sha256(JSON.stringify([['m-1', '2024-03-24T16:00:00.100Z'], ['m-2', '2024-03-24T16:59:59.999Z']])).slice(0, 16);
  const name = `signal/dt=2024-03-24/hour=16/pi-7f3c-m-1-2-${digest}.ndjson.gz`;
  assert.equal(upload!.method, 'POST');
  assert.equal(upload!.url, `https://storage.googleapis.com/upload/storage/v1/b/acme-signal-events/o?uploadType=media&name=signal%2Fdt%3D2024-03-24%2Fhour%3D16%2Fpi-7f3c-m-1-2-${digest}.ndjson.gz`);
  assert.equal(objectNameOf(upload!), name);
  assert.deepEqual(upload!.headers, { authorization: 'Bearer ya29.test-token', 'content-type': 'application/gzip' });
  assert.ok(upload!.body instanceof Uint8Array);
  assert.equal(gunzipSync(upload!.body).toString('utf8'), '{"message_id":"m-1","type":"track"}\n{"message_id":"m-2","type":"page"}\n');
  assert.deepEqual(upload!.eventIds, ['m-1', 'm-2']);
  assert.ok(!upload!.url.includes('ifGenerationMatch'), 'no precondition: a retry overwrites its object');
  assert.deepEqual(gcs.send(batch, ctx()), [upload], 'the same events, the same request (a retry overwrites the same object)');
});

test('send: compression none, a prefix, the root, event timestamps, hours and size limits', () => {
  const [plain] = gcs.send([mapped('m-1')], ctx({ compression: 'none', prefix: '/archive/web/' }));
  assert.equal(plain!.headers!['content-type'], 'application/x-ndjson');
  assert.equal(plain!.body, '{"message_id":"m-1","type":"track"}\n');
  assert.match(objectNameOf(plain!)!, /^archive\/web\/dt=2024-03-24\/hour=16\/pi-7f3c-m-1-1-[0-9a-f]{16}\.ndjson$/);
  const [root] = gcs.send([mapped('m-1')], ctx({ prefix: '' }));
  assert.match(objectNameOf(root!)!, /^dt=2024-03-24\/hour=16\//);
  const late = mapped('m-late', { timestamp: '2024-03-23T23:30:00.000Z' });
  assert.match(objectNameOf(gcs.send([late], ctx({ partition_by: 'timestamp' }))[0]!)!, /\/dt=2024-03-23\/hour=23\//);
  assert.match(objectNameOf(gcs.send([late], ctx())[0]!)!, /\/dt=2024-03-24\/hour=16\//);
  const hours = gcs.send([mapped('a'), mapped('b', { receivedAt: '2024-03-24T17:00:00.000Z' }), mapped('c')], ctx());
  assert.deepEqual(hours.map((r) => [objectNameOf(r)!.split('/')[2], r.eventIds]), [['hour=16', ['a', 'c']], ['hour=17', ['b']]]);
  const capped = gcs.send([mapped('a'), mapped('b'), mapped('c')], ctx({ max_events_per_object: 2 }));
  assert.deepEqual(capped.map((r) => r.eventIds), [['a', 'b'], ['c']]);
  assert.notEqual(objectNameOf(capped[0]!), objectNameOf(capped[1]!), 'distinct names: no two writes to one name');
  const big = 'x'.repeat(40 * 1024);
  const sized = gcs.send(['a', 'b', 'c'].map((id) => mapped(id, {}, { message_id: id, blob: big })), ctx({ max_object_bytes: 64 * 1024 }));
  assert.deepEqual(sized.map((r) => r.eventIds.length), [1, 1, 1]);
});

test('send: odd messageIds and prefix characters give a name of safe characters, percent-encoded whole and read back the same', () => {
  const odd = mapped('e-1', { messageId: 'Zoë/€ ?&#+=%2F\u0000' }, { message_id: 'Zoë/€ ?&#+=%2F', type: 'track' });
  const [upload] = gcs.send([odd], ctx({ prefix: "web/(eu)/bob's!" }));
  const name = objectNameOf(upload!)!;
  assert.match(name, /^web\/\(eu\)\/bob's!\/dt=2024-03-24\/hour=16\/pi-7f3c-Zo__________2F_-1-[0-9a-f]{16}\.ndjson\.gz$/);
  const query = upload!.url.split('?')[1]!;
  assert.equal(query, `uploadType=media&name=${encodeURIComponent(name)}`);
  assert.ok(!/[/=&#?+ ]/.test(query.slice('uploadType=media&name='.length)), 'no separator left raw in the name parameter');
  assert.equal(decodeURIComponent(query.slice('uploadType=media&name='.length)), name);
  assert.equal(gunzipSync(upload!.body as Uint8Array).toString('utf8'), '{"message_id":"Zoë/€ ?&#+=%2F","type":"track"}\n', 'the record keeps the id as it was');
});

test('the map hook: blueprint variants get the archive record (hashed email, no contact information, URLs without queries); raw keeps the event', () => {
  const event = browserEvent({ type: 'identify', event: undefined, userId: 'u-1', traits: { email: 'Jane@Example.com', name: 'Jane Doe', plan: 'pro' } } as never);
  const blueprint = readFileSync(new URL('../../blueprints/google_cloud_storage/default.yaml', import.meta.url), 'utf8');
  const flat = createEventMapper(gcs, { variant: 'default', blueprint }, ctx())(event);
  assert.deepEqual(flat.payload, {
    message_id: 'm-1', type: 'identify', user_id: 'u-1', anonymous_id: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:00.100Z',
    page_url: 'https://shop.example.com/signup', page_path: '/signup', page_title: 'Sign up', page_referrer: 'https://www.google.com/', ip: '203.0.113.42', user_agent: 'Mozilla/5.0',
    customer: { email_sha256: sha256('jane@example.com') }, traits: { plan: 'pro' },
  });
  const raw = createEventMapper(gcs, { variant: 'raw', blueprint: null }, ctx({}, 'raw'))(event);
  assert.deepEqual(raw, { payload: event as unknown as JsonObject });
  const retail = readFileSync(new URL('../../blueprints/google_cloud_storage/retail.yaml', import.meta.url), 'utf8');
  const order = createEventMapper(gcs, { variant: 'retail', blueprint: retail }, ctx({ default_country_code: '44' }, 'retail'))(browserEvent({
    event: 'Order Completed', properties: { order_id: 'ORD-1', revenue: '74.97', currency: 'eur', phone: '07700 900123' },
  }));
  assert.equal(order.error, undefined);
  assert.equal(order.payload!.order_id, 'ORD-1');
  assert.equal(order.payload!.revenue, 74.97);
  assert.equal(order.payload!.currency, 'EUR');
  assert.deepEqual(order.payload!.customer, { phone_sha256: sha256('+447700900123') });
});

test('classify: 200 with the object resource of the object sent is delivered; another body or another object is retried', () => {
  assert.deepEqual(classify(answer(200, objectResource())), { status: 'delivered' });
  const other = classify(answer(200, objectResource('signal/other.ndjson.gz')));
  assert.equal(statusOf(other), 'retry');
  assert.match(reasonOf(other), /naming another object \(gs:\/\/acme-signal-events\/signal\/other\.ndjson\.gz\)/);
  assert.equal(statusOf(classify(answer(200, { ...objectResource(), bucket: 'someone-else' }))), 'retry');
  const portal = classify({ status: 200, headers: {}, body: '<html>Welcome to the hotel wifi</html>' });
  assert.equal(statusOf(portal), 'retry');
  assert.match(reasonOf(portal), /without Cloud Storage's object resource \(<html>Welcome/);
});

test('classify: 429 is a rate limit (Retry-After honoured), 408 and 5xx retried', () => {
  const limited = classify({ ...gcsError(429, 'rateLimitExceeded', 'The object exceeded the rate limit for object mutation operations (create, update, and delete).'), headers: { 'retry-after': '2' } });
  assert.deepEqual(limited, { status: 'retry', reason: 'Cloud Storage asks to slow down (HTTP 429 rateLimitExceeded: The object exceeded the rate limit for object mutation operations (create, update, and delete).): retrying later at a lower rate', throttled: true, retryAfterMs: 2000 });
  for (const status of [408, 500, 502, 503, 504]) {
    const c = classify(gcsError(status, 'backendError', 'Backend Error'));
    assert.equal(statusOf(c), 'retry', `HTTP ${status}`);
    assert.equal(reasonOf(c), `Cloud Storage failed (HTTP ${status} backendError: Backend Error)`);
  }
  assert.equal(statusOf(classify({ status: 503, headers: {}, body: '<html>bad gateway</html>' })), 'retry');
});

test('classify: 401 (after renewal), 403 and 404 dead-lettered with Google\'s message and the fix', () => {
  const denied = classify(gcsError(403, 'forbidden', `${SA_EMAIL} does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).`));
  assert.equal(statusOf(denied), 'dead_letter');
  assert.match(reasonOf(denied), /^Cloud Storage refused the upload \(HTTP 403 forbidden: signal-archive@shop-analytics\.iam\.gserviceaccount\.com does not have storage\.objects\.create access/);
  assert.match(reasonOf(denied), /grant signal-archive@shop-analytics\.iam\.gserviceaccount\.com the Storage Object User role \(roles\/storage\.objectUser/);
  const overwrite = classify(gcsError(403, 'forbidden', `${SA_EMAIL} does not have storage.objects.delete access to the Google Cloud Storage object.`));
  assert.match(reasonOf(overwrite), /may create objects but not replace them \(storage\.objects\.delete\)/);
  assert.match(reasonOf(classify(gcsError(403, 'accountDisabled', 'The account for the specified project has been disabled.'))), /billing is disabled/);
  assert.match(reasonOf(classify(gcsError(400, 'required', 'Bucket is a requester pays bucket but no user project provided.'))), /has Requester Pays on, which Signal's uploads do not support/);
  assert.match(reasonOf(classify(gcsError(403, 'retentionPolicyNotMet', 'Object \'x\' is subject to bucket\'s retention policy and cannot be deleted, overwritten or archived until 2025-01-01'))), /retention policy or hold/);
  const missing = classify(gcsError(404, 'notFound', 'The specified bucket does not exist.'));
  assert.deepEqual(missing, { status: 'dead_letter', reason: 'Cloud Storage has no bucket "acme-signal-events" (HTTP 404 notFound: The specified bucket does not exist.): check config.bucket (the name alone, without gs://) and create the bucket; then replay the dead letters' });
  const token = classify(gcsError(401, 'authError', 'Invalid Credentials'));
  assert.equal(statusOf(token), 'dead_letter');
  assert.match(reasonOf(token), /also once renewed \(HTTP 401 authError: Invalid Credentials\): check that the key in config\.service_account_key/);
});

test('classify: a 403 read by Google\'s phrases, not by names the customer chose (a project billing-prod, a prefix household/)', () => {
  const billingSa = 'archive@billing-prod.iam.gserviceaccount.com';
  const denied = classify(gcsError(403, 'forbidden', `${billingSa} does not have storage.objects.create access to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource (or it may not exist).`));
  assert.doesNotMatch(reasonOf(denied), /billing is disabled/);
  assert.match(reasonOf(denied), /grant signal-archive@shop-analytics\.iam\.gserviceaccount\.com the Storage Object User role/);
  const holder = classify(gcsError(403, 'forbidden', 'shareholder-archive@threshold-data.iam.gserviceaccount.com does not have storage.objects.create access to the Google Cloud Storage object.'));
  assert.doesNotMatch(reasonOf(holder), /retention policy or hold/);
  assert.match(reasonOf(holder), /the Storage Object User role/);
  // Cloud Storage's own words (reason forbidden for holds, retentionPolicyNotMet for the policy).
  const held = classify(gcsError(403, 'forbidden', "Object 'acme-signal-events/household/dt=2024-03-24/hour=16/x.ndjson.gz' is under active Temporary hold and cannot be deleted, overwritten or archived until hold is removed."));
  assert.match(reasonOf(held), /under a retention policy or hold and cannot be replaced/);
  const eventHeld = classify(gcsError(403, 'forbidden', "Object 'acme-signal-events/x' is under active Event-Based hold and cannot be deleted, overwritten or archived until hold is removed."));
  assert.match(reasonOf(eventHeld), /under a retention policy or hold/);
  const retained = classify(gcsError(403, 'forbidden', "Object 'acme-signal-events/x' is subject to bucket's retention policy or object retention and cannot be deleted or overwritten until 2026-09-30T15:58:01.185839-07:00"));
  assert.match(reasonOf(retained), /under a retention policy or hold/);
  assert.match(reasonOf(classify(gcsError(403, 'forbidden', 'The billing account for the owning project is disabled in state absent'))), /billing is disabled or missing/);
});

test('classify: a 400 whose message says "exceeds" about something else than the size is dead-lettered, not split into halves', () => {
  const long = classify(gcsError(400, 'invalid', 'The object name exceeds the maximum length.'), 500);
  assert.equal(statusOf(long), 'dead_letter');
  assert.equal(statusOf(classify(gcsError(400, 'invalid', 'Upload too large'), 500)), 'split');
  assert.equal(statusOf(classify(gcsError(400, 'invalid', 'Payload size exceeds the limit'), 500)), 'split');
});

test('classify: the rate reasons retried as a rate limit whatever the status; uploadTooLarge split', () => {
  const user = classify(gcsError(403, 'userRateLimitExceeded', 'User Rate Limit Exceeded'));
  assert.deepEqual([statusOf(user), 'throttled' in user && user.throttled], ['retry', true]);
  assert.equal(statusOf(classify(gcsError(400, 'uploadTooLarge', 'Upload request is too big'), 4)), 'split');
});

test('the prefix: at most 480 characters, so that <prefix>/dt=…/hour=…/ stays a folder name of 512 bytes (hierarchical namespace buckets)', () => {
  const schema = gcs.config.properties.prefix!;
  assert.equal(schema.maxLength, 480);
  const folder = `${'p'.repeat(480)}/dt=2024-03-24/hour=16/`;
  assert.ok(Buffer.byteLength(folder) <= 512, `${Buffer.byteLength(folder)} bytes`);
});

test('classify: an object too large is split, down to one event; other 4xx dead-lettered', () => {
  assert.equal(statusOf(classify(answer(413))), 'split');
  assert.equal(statusOf(classify(gcsError(400, 'invalid', 'Upload too large: maximum object size exceeded'), 1)), 'dead_letter');
  const invalid = classify(gcsError(400, 'invalid', 'The specified object name is not valid.'));
  assert.deepEqual(invalid, { status: 'dead_letter', reason: 'Cloud Storage refused the upload (HTTP 400 invalid: The specified object name is not valid.): check config.bucket and config.prefix, then replay the dead letters' });
  assert.equal(statusOf(classify(gcsError(412, 'conditionNotMet', 'At least one of the pre-conditions you specified did not hold.'))), 'dead_letter');
});

test('storageError reads Google\'s JSON error, and falls back to the body', () => {
  assert.deepEqual(storageError(gcsError(404, 'notFound', 'The specified bucket does not exist.')), { google: true, reasons: ['notFound'], message: 'The specified bucket does not exist.' });
  assert.deepEqual(storageError({ status: 502, headers: {}, body: 'Bad Gateway' }), { google: false, reasons: [], message: 'Bad Gateway' });
});

test('the token request: the service account\'s assertion for devstorage.read_write; refusals in Google\'s terms', () => {
  const token = gcsTokenRequest(ctx());
  assert.equal(token.url, 'https://oauth2.googleapis.com/token');
  const assertion = new URLSearchParams(String(token.body)).get('assertion')!;
  const claims = JSON.parse(Buffer.from(assertion.split('.')[1]!, 'base64url').toString()) as { iss: string; scope: string; aud: string };
  assert.deepEqual([claims.iss, claims.scope, claims.aud], [SA_EMAIL, 'https://www.googleapis.com/auth/devstorage.read_write', 'https://oauth2.googleapis.com/token']);
  assert.deepEqual(readGcsTokenAnswer(answer(200, { access_token: 'ya29.x', expires_in: 3599 })), { accessToken: 'ya29.x', expiresInSeconds: 3599 });
  assert.throws(() => readGcsTokenAnswer(answer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' })), /Google refused the service account's assertion .*Create a new JSON key/);
});

test('validateConfig: bucket names by Cloud Storage\'s rules, the prefix, the key — each naming its field', () => {
  assert.deepEqual(validateGcsConfig(CONFIG), []);
  assert.deepEqual(validateGcsConfig({ ...CONFIG, bucket: 'gs://acme-signal-events/' }), [], 'gs:// and a trailing slash taken off');
  assert.equal(bucketProblem('events.example.com'), undefined);
  assert.equal(bucketProblem('acme_signal_events'), undefined);
  const problems = (config: Record<string, JsonValue>) => validateGcsConfig({ ...CONFIG, ...config }).map((p) => `${p.field} ${p.message}`);
  assert.deepEqual(problems({ bucket: 'Acme-Events' }), ['bucket is "Acme-Events": a bucket name has lower-case letters, digits, dashes, underscores and dots only, and starts and ends with a letter or digit']);
  assert.deepEqual(problems({ bucket: 'ab' }), ['bucket is "ab": a bucket name has 3 to 63 characters (up to 222 with dots)']);
  assert.deepEqual(problems({ bucket: 'a'.repeat(64) }), [`bucket is "${'a'.repeat(64)}": a bucket name has 3 to 63 characters (up to 222 with dots)`]);
  assert.deepEqual(problems({ bucket: `${'a'.repeat(64)}.example.com` }), [`bucket is "${'a'.repeat(64)}.example.com": each dot-separated part of a bucket name has 1 to 63 characters`]);
  assert.deepEqual(problems({ bucket: '192.168.5.4' }), ['bucket is "192.168.5.4": a bucket name cannot be an IP address']);
  assert.deepEqual(problems({ bucket: 'goog-events' }), ['bucket is "goog-events": bucket names cannot begin with "goog"']);
  assert.deepEqual(problems({ bucket: 'my-g00gle-events' }), ['bucket is "my-g00gle-events": bucket names cannot contain "google" or close misspellings']);
  assert.deepEqual(problems({ bucket: 'acme/events' }), ['bucket is "acme/events": give the bucket\'s name alone, without a path (the path goes in prefix)']);
  assert.deepEqual(problems({ prefix: 'signal//events' }), ['prefix must not have empty, "." or ".." segments (//, /./, /../): tools that read object names as paths do not keep them']);
  assert.deepEqual(problems({ prefix: 'events#1' }), ["prefix may hold letters, digits, / and ! _ . ' ( ) - only (Google advises against # [ ] * ? in object names: gcloud reads them as versions and wildcards)"]);
  assert.deepEqual(problems({ prefix: '.well-known/acme-challenge' }), ['prefix must not be under .well-known/acme-challenge/: Cloud Storage refuses those object names']);
  assert.deepEqual(problems({ service_account_key: '' }), ['service_account_key is required: the JSON key file of a service account with the Storage Object User role on the bucket (see the plugin README)']);
  const bad = problems({ service_account_key: '{"type":"service_account"}' });
  assert.equal(bad.length, 1);
  assert.match(bad[0]!, /^service_account_key /);
  assert.ok(!bad[0]!.includes('BEGIN PRIVATE KEY'));
});
