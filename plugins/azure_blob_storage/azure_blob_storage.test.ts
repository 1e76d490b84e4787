import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import { redactRequest, secretValuesOf } from '../../core/delivery/redact.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import azure, { azureBlobConfigWarnings, BLOB_SERVICE_VERSION, blobNameOf, blobUrl, canonicalizedHeaders, canonicalizedResource, classifyPutBlob, MAX_BYTES, MAX_EVENTS, sasProblem, signBlobRequest, storageError, stringToSign, validateAzureBlobConfig } from './index.ts';

const NOW = Date.parse('2024-03-24T16:05:09.000Z');
// Azurite's documented development key (public, not a secret): a base64 account key.
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const SAS = 'sv=2022-11-02&sr=c&sp=cw&se=2030-01-01T00%3A00%3A00Z&spr=https&sig=Qk3bUr%2FX1a9Zb4%2BlP0o8f2yQb0vXyF9l5l0GJzZJk9E%3D';
const CONFIG = { account: 'acmeevents', container: 'signal-events', account_key: KEY };
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default', base: Record<string, JsonValue> = CONFIG): PluginContext => ({
  config: { ...base, ...config }, variant, integrationId: 'pi-7f3c', revisionId: 'r', options: {}, now: NOW,
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
const xmlError = (status: number, code: string, message: string, detail?: string): VendorResponse => ({
  status,
  headers: { 'x-ms-error-code': code, 'content-type': 'application/xml' },
  body: `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${message}\nRequestId:5f2a6c1e-801e-0047-1a2b-9b1c3d000000\nTime:2024-03-24T16:05:09.1234567Z</Message>${detail ? `<AuthenticationErrorDetail>${detail}</AuthenticationErrorDetail>` : ''}</Error>`,
});
const request = (events: number): RequestDescriptor => ({ method: 'PUT', url: blobUrl('https://acmeevents.blob.core.windows.net', 'signal-events', 'signal/dt=2024-03-24/hour=16/a.ndjson.gz'), eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
const classify = (response: VendorResponse, events = 2, config: Record<string, JsonValue> = {}, base: Record<string, JsonValue> = CONFIG) => classifyPutBlob(response, request(events), ctx(config, 'default', base));
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

test('the definition: id, category, limits, the sign hook, no deletion forwarding', () => {
  assert.equal(azure.id, 'azure_blob_storage');
  assert.equal(azure.name, 'Azure Blob Storage');
  assert.equal(azure.category, 'cloud_storage');
  assert.deepEqual(azure.batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES });
  assert.ok(MAX_BYTES < 5000 * 1024 * 1024, 'within Put Blob\'s 5,000 MiB');
  assert.deepEqual(azure.rateLimit, { rps: 10, burst: 20 });
  assert.deepEqual(Object.keys(azure.variants), ['default', 'retail', 'raw']);
  assert.equal(typeof azure.sign, 'function');
  assert.equal(azure.forgetPerson, undefined, 'person deletions are not forwarded to the container');
  assert.equal(azure.accessToken, undefined);
  assert.deepEqual(azure.consent, []);
});

test('send: one Put Blob per blob — the container and the encoded name in the path, BlockBlob, the version, a gzipped NDJSON body', () => {
  const batch = [mapped('m-1', {}, { message_id: 'm-1', type: 'track' }), mapped('m-2', { receivedAt: '2024-03-24T16:59:59.999Z' }, { message_id: 'm-2', type: 'page' })];
  const [put, ...more] = azure.send(batch, ctx());
  assert.equal(more.length, 0);
  const digest = sha256(JSON.stringify([['m-1', '2024-03-24T16:00:00.100Z'], ['m-2', '2024-03-24T16:59:59.999Z']])).slice(0, 16);
  assert.equal(put!.method, 'PUT');
  assert.equal(put!.url, `https://acmeevents.blob.core.windows.net/signal-events/signal/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-2-${digest}.ndjson.gz`);
  assert.equal(blobNameOf(put!, CONFIG), `signal/dt=2024-03-24/hour=16/pi-7f3c-m-1-2-${digest}.ndjson.gz`);
  assert.deepEqual(put!.headers, { 'content-type': 'application/gzip', 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2025-01-05' });
  assert.equal(BLOB_SERVICE_VERSION, '2025-01-05');
  assert.ok(put!.body instanceof Uint8Array);
  assert.equal(gunzipSync(put!.body).toString('utf8'), '{"message_id":"m-1","type":"track"}\n{"message_id":"m-2","type":"page"}\n');
  assert.deepEqual(put!.eventIds, ['m-1', 'm-2']);
  const headers: Record<string, string> = { ...put!.headers };
  assert.equal(headers['if-none-match'], undefined, 'no condition: a retry replaces its blob');
  assert.equal(headers.authorization, undefined, 'signed when sent, not here');
  assert.deepEqual(azure.send(batch, ctx()), [put], 'the same events, the same request (a retry overwrites the same blob)');
});

test('send: compression none, a prefix, the root, event timestamps, hours, size limits, endpoints', () => {
  const [plain] = azure.send([mapped('m-1')], ctx({ compression: 'none', prefix: '/archive/web/' }));
  assert.equal(plain!.headers!['content-type'], 'application/x-ndjson');
  assert.equal(plain!.body, '{"message_id":"m-1","type":"track"}\n');
  assert.match(blobNameOf(plain!, CONFIG)!, /^archive\/web\/dt=2024-03-24\/hour=16\/pi-7f3c-m-1-1-[0-9a-f]{16}\.ndjson$/);
  assert.match(blobNameOf(azure.send([mapped('m-1')], ctx({ prefix: '' }))[0]!, CONFIG)!, /^dt=2024-03-24\/hour=16\//);
  const late = mapped('m-late', { timestamp: '2024-03-23T23:30:00.000Z' });
  assert.match(azure.send([late], ctx({ partition_by: 'timestamp' }))[0]!.url, /\/dt%3D2024-03-23\/hour%3D23\//);
  assert.match(azure.send([late], ctx())[0]!.url, /\/dt%3D2024-03-24\/hour%3D16\//);
  const hours = azure.send([mapped('a'), mapped('b', { receivedAt: '2024-03-24T17:00:00.000Z' }), mapped('c')], ctx());
  assert.deepEqual(hours.map((r) => [blobNameOf(r, CONFIG)!.split('/')[2], r.eventIds]), [['hour=16', ['a', 'c']], ['hour=17', ['b']]]);
  assert.deepEqual(azure.send([mapped('a'), mapped('b'), mapped('c')], ctx({ max_events_per_object: 2 })).map((r) => r.eventIds), [['a', 'b'], ['c']]);
  const big = 'x'.repeat(40 * 1024);
  assert.deepEqual(azure.send(['a', 'b', 'c'].map((id) => mapped(id, {}, { message_id: id, blob: big })), ctx({ max_object_bytes: 64 * 1024 })).map((r) => r.eventIds.length), [1, 1, 1]);
  const china = azure.send([mapped('m-1')], ctx({ endpoint: 'https://acmeevents.blob.core.chinacloudapi.cn/' }))[0]!;
  assert.match(china.url, /^https:\/\/acmeevents\.blob\.core\.chinacloudapi\.cn\/signal-events\/signal\/dt%3D/);
  assert.equal(china.allowPrivateTargets, undefined);
  const azurite = azure.send([mapped('m-1')], ctx({ account: 'devstoreaccount1', endpoint: 'http://azurite:10000/devstoreaccount1', allow_private_targets: ['azurite'] }))[0]!;
  assert.match(azurite.url, /^http:\/\/azurite:10000\/devstoreaccount1\/signal-events\/signal\/dt%3D/);
  assert.deepEqual(azurite.allowPrivateTargets, ['azurite']);
});

test('send: odd messageIds and prefix characters give a name of safe characters, encoded in the path and read back the same', () => {
  const odd = mapped('e-1', { messageId: 'Zoë/€ ?&#+=%2F\u0000' }, { message_id: 'Zoë/€ ?&#+=%2F', type: 'track' });
  const [put] = azure.send([odd], ctx({ prefix: "web/(eu)/bob's!" }));
  const name = blobNameOf(put!, CONFIG)!;
  assert.match(name, /^web\/\(eu\)\/bob's!\/dt=2024-03-24\/hour=16\/pi-7f3c-Zo__________2F_-1-[0-9a-f]{16}\.ndjson\.gz$/);
  assert.equal(new URL(put!.url).pathname, `/signal-events/${name.split('/').map(encodeURIComponent).join('/')}`, 'the URL parser keeps the path as built (what Shared Key signs)');
  assert.ok(!put!.url.includes('?'));
});

test('Shared Key: the signature of the official @azure/storage-blob 12.32 client, recorded from its Put Blob to a local server (Azurite-style path)', () => {
  // Recorded: BlockBlobClient(…, new StorageSharedKeyCredential('devstoreaccount1', KEY)).upload(body)
  // to http://127.0.0.1:41089, the headers it sent and the Authorization it computed.
  const recorded: RequestDescriptor = {
    method: 'PUT',
    url: 'http://127.0.0.1:41089/devstoreaccount1/signal-events/signal/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-1-0123456789abcdef.ndjson.gz',
    headers: {
      'content-type': 'application/octet-stream', 'x-ms-version': '2026-04-06', 'x-ms-blob-content-type': 'application/gzip', accept: 'application/xml',
      'x-ms-blob-type': 'BlockBlob', 'x-ms-client-request-id': '3ae875e0-ecf8-476d-868e-fb412311b552',
    },
    body: Buffer.from('{"message_id":"m-1","type":"track"}\n'),
    eventIds: [],
  };
  const signed = signBlobRequest(recorded, { config: { account: 'devstoreaccount1', container: 'signal-events', account_key: KEY }, now: Date.parse('Wed, 02 Dec 2026 04:35:57 GMT') });
  assert.equal(signed.headers!['x-ms-date'], 'Wed, 02 Dec 2026 04:35:57 GMT');
  assert.equal(signed.headers!.authorization, 'SharedKey devstoreaccount1:anHDJ0u1HeZ1Et+tCmRrO5GluVLiMv+1zO4Rh5QlJeQ=');
});

test('Shared Key: the StringToSign of a Put Blob as the documentation lays it out, and an HMAC computed apart', () => {
  const [put] = azure.send([mapped('m-1')], ctx({ compression: 'none' }));
  const signed = signBlobRequest(put!, ctx());
  const path = new URL(put!.url).pathname;
  const expected = [
    'PUT', '', '', '36', '', 'application/x-ndjson', '', '', '', '', '', '',
    'x-ms-blob-type:BlockBlob', 'x-ms-date:Sun, 24 Mar 2024 16:05:09 GMT', `x-ms-version:2025-01-05`,
    `/acmeevents${path}`,
  ].join('\n');
  assert.equal(stringToSign(signed, 'acmeevents'), expected);
  const hmac = createHmac('sha256', Buffer.from(KEY, 'base64')).update(expected, 'utf8').digest('base64');
  assert.equal(signed.headers!.authorization, `SharedKey acmeevents:${hmac}`);
  assert.equal(signed.url, put!.url, 'no query with Shared Key');
  // An empty body signs an empty Content-Length (versions 2015-02-21 on).
  assert.match(stringToSign({ method: 'PUT', url: 'https://a.blob.core.windows.net/c/b', body: '', eventIds: [] }, 'a'), /^PUT\n\n\n\n/);
  assert.equal(canonicalizedHeaders({ 'X-Ms-Meta-B': '  two   words ', 'x-ms-a': '1', 'Content-Type': 'x' }), 'x-ms-a:1\nx-ms-meta-b:two words\n');
  assert.equal(canonicalizedResource('acme', 'https://acme.blob.core.windows.net/c?restype=container&comp=list&Include=b&include=a'), '/acme/c\ncomp:list\ninclude:a,b\nrestype:container');
});

test('SAS: the token appended as the query when sent, with x-ms-date; no Authorization header', () => {
  const base = { account: 'acmeevents', container: 'signal-events', sas_token: `?${SAS}` };
  const [put] = azure.send([mapped('m-1')], ctx({}, 'default', base));
  const signed = signBlobRequest(put!, ctx({}, 'default', base));
  assert.equal(signed.url, `${put!.url}?${SAS}`);
  assert.equal(signed.headers!.authorization, undefined);
  assert.equal(signed.headers!['x-ms-date'], 'Sun, 24 Mar 2024 16:05:09 GMT');
  assert.equal(new URL(signed.url).searchParams.get('sig'), 'Qk3bUr/X1a9Zb4+lP0o8f2yQb0vXyF9l5l0GJzZJk9E=', 'the signature kept as encoded');
});

test('the map hook: blueprint variants get the archive record (hashed email, no contact information, URLs without queries); raw keeps the event', () => {
  const event = browserEvent({ type: 'identify', event: undefined, userId: 'u-1', traits: { email: 'Jane@Example.com', name: 'Jane Doe', plan: 'pro' } } as never);
  const blueprint = readFileSync(new URL('../../blueprints/azure_blob_storage/default.yaml', import.meta.url), 'utf8');
  const flat = createEventMapper(azure, { variant: 'default', blueprint }, ctx())(event);
  assert.deepEqual(flat.payload, {
    message_id: 'm-1', type: 'identify', user_id: 'u-1', anonymous_id: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:00.100Z',
    page_url: 'https://shop.example.com/signup', page_path: '/signup', page_title: 'Sign up', page_referrer: 'https://www.google.com/', ip: '203.0.113.42', user_agent: 'Mozilla/5.0',
    customer: { email_sha256: sha256('jane@example.com') }, traits: { plan: 'pro' },
  });
  assert.deepEqual(createEventMapper(azure, { variant: 'raw', blueprint: null }, ctx({}, 'raw'))(event), { payload: event as unknown as JsonObject });
  const retail = readFileSync(new URL('../../blueprints/azure_blob_storage/retail.yaml', import.meta.url), 'utf8');
  const order = createEventMapper(azure, { variant: 'retail', blueprint: retail }, ctx({ default_country_code: '44' }, 'retail'))(browserEvent({
    event: 'Order Completed', properties: { order_id: 'ORD-1', revenue: '74.97', currency: 'eur', phone: '07700 900123' },
  }));
  assert.equal(order.error, undefined);
  assert.equal(order.payload!.order_id, 'ORD-1');
  assert.equal(order.payload!.revenue, 74.97);
  assert.equal(order.payload!.currency, 'EUR');
  assert.deepEqual(order.payload!.customer, { phone_sha256: sha256('+447700900123') });
});

test('classify: 201 Created is delivered; another 2xx is retried', () => {
  assert.deepEqual(classify({ status: 201, headers: { etag: '"0x8DC"' }, body: '' }), { status: 'delivered' });
  const portal = classify({ status: 200, headers: {}, body: '<html>Welcome to the hotel wifi</html>' });
  assert.equal(statusOf(portal), 'retry');
  assert.match(reasonOf(portal), /HTTP 200 instead of Put Blob's 201 Created \(<html>Welcome/);
});

test('classify: 503 ServerBusy, 500 OperationTimedOut and 429 retried as a rate limit (Retry-After honoured); 500 InternalError and 5xx retried', () => {
  const busy = classify({ ...xmlError(503, 'ServerBusy', 'The server is currently unable to receive requests. Please retry your request.'), headers: { 'x-ms-error-code': 'ServerBusy', 'retry-after': '2' } });
  assert.deepEqual(busy, { status: 'retry', reason: 'Azure Storage is busy (HTTP 503 ServerBusy: The server is currently unable to receive requests. Please retry your request.): retrying later at a lower rate', throttled: true, retryAfterMs: 2000 });
  const timedOut = classify(xmlError(500, 'OperationTimedOut', 'Operation could not be completed within the specified time.'));
  assert.deepEqual([statusOf(timedOut), 'throttled' in timedOut && timedOut.throttled], ['retry', true]);
  assert.equal(statusOf(classify({ status: 429, headers: {}, body: '' })), 'retry');
  const internal = classify(xmlError(500, 'InternalError', 'The server encountered an internal error. Please retry the request.'));
  assert.equal(reasonOf(internal), 'Azure Storage failed (HTTP 500 InternalError: The server encountered an internal error. Please retry the request.)');
  for (const status of [408, 502, 504]) assert.equal(statusOf(classify({ status, headers: {}, body: 'Bad Gateway' })), 'retry', `HTTP ${status}`);
});

test('classify: 403 AuthenticationFailed and AuthorizationPermissionMismatch dead-lettered naming the credential field', () => {
  const key = classify(xmlError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.', "The MAC signature found in the HTTP request 'abc=' is not the same as any computed signature. Server used following string to sign: 'PUT…'."));
  assert.equal(statusOf(key), 'dead_letter');
  assert.match(reasonOf(key), /^Azure Storage refused the credential \(HTTP 403 AuthenticationFailed: Server failed to authenticate the request\. .* The MAC signature found .*\): check config\.account_key: it must be a current access key of the storage account acmeevents/);
  assert.ok(!reasonOf(key).includes('RequestId'), 'no RequestId/Time lines');
  const sasBase = { account: 'acmeevents', container: 'signal-events', sas_token: SAS };
  const expired = classify(xmlError(403, 'AuthenticationFailed', 'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.', 'Signed expiry time [Mon, 01 Jan 2024 00:00:00 GMT] must be after signed start time [Sun, 24 Mar 2024 16:05:09 GMT]'), 2, {}, sasBase);
  assert.match(reasonOf(expired), /: check config\.sas_token: it must be a current SAS of the storage account acmeevents \(not expired/);
  const permission = classify(xmlError(403, 'AuthorizationPermissionMismatch', 'This request is not authorized to perform this operation using this permission.'), 2, {}, sasBase);
  assert.equal(reasonOf(permission), 'Azure Storage refused the credential (HTTP 403 AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission.): check config.sas_token: it does not allow this write; generate a container SAS with Create and Write permissions (sp=cw) for signal-events; then replay the dead letters');
  assert.match(reasonOf(classify(xmlError(403, 'AuthorizationFailure', 'This request is not authorized to perform this operation.'))), /firewall/);
  assert.match(reasonOf(classify(xmlError(403, 'KeyBasedAuthenticationNotPermitted', 'Key based authentication is not permitted on this storage account.'))), /does not allow Shared Key authorization/);
  assert.match(reasonOf(classify(xmlError(403, 'AuthorizationResourceTypeMismatch', 'This request is not authorized to perform this operation using this resource type.'), 2, {}, sasBase)), /srt=o/);
  assert.equal(statusOf(classify({ status: 403, headers: {}, body: '' })), 'dead_letter');
});

test('classify: 404 ContainerNotFound names config.container; 409/412 say why the blob cannot be replaced; 413 split', () => {
  const missing = classify(xmlError(404, 'ContainerNotFound', 'The specified container does not exist.'));
  assert.deepEqual(missing, { status: 'dead_letter', reason: 'Azure Storage has no container "signal-events" in the account acmeevents (HTTP 404 ContainerNotFound: The specified container does not exist.): check config.container (and config.endpoint, if set) and create the container; then replay the dead letters' });
  assert.match(reasonOf(classify(xmlError(409, 'BlobImmutableDueToPolicy', 'This operation is not permitted as the blob is immutable due to a policy.'))), /immutability policy or legal hold/);
  assert.match(reasonOf(classify(xmlError(409, 'BlobImmutableDueToLegalHold', 'This operation is not permitted as the blob is immutable due to one or more legal holds.'))), /immutability policy or legal hold/);
  assert.match(reasonOf(classify(xmlError(409, 'ContainerBeingDeleted', 'The specified container is being deleted.'))), /config\.container/);
  assert.match(reasonOf(classify(xmlError(412, 'LeaseIdMissing', 'There is currently a lease on the blob and no lease ID was specified in the request.'))), /holds a lease/);
  assert.equal(statusOf(classify(xmlError(412, 'ConditionNotMet', 'The condition specified using HTTP conditional header(s) is not met.'))), 'dead_letter');
  assert.equal(statusOf(classify(xmlError(413, 'RequestBodyTooLarge', 'The request body is too large and exceeds the maximum permissible limit.'), 4)), 'split');
  assert.equal(statusOf(classify(xmlError(413, 'RequestBodyTooLarge', 'The request body is too large and exceeds the maximum permissible limit.'), 1)), 'dead_letter');
  assert.match(reasonOf(classify(xmlError(400, 'InvalidHeaderValue', 'The value for one of the HTTP headers is not in the correct format.\n<HeaderName>x-ms-version</HeaderName>'))), /API version/);
  // Azurite's own words for a version newer than its release (its StorageErrorFactory.getInvalidAPIVersion).
  const azurite = xmlError(400, 'InvalidHeaderValue', 'The API version 2025-01-05 is not supported by Azurite. Please upgrade Azurite to latest version and retry.');
  assert.match(reasonOf(classify(azurite)), /does not know the API version Signal sends .*config\.endpoint.*--skipApiVersionCheck/);
  assert.deepEqual(classify(xmlError(400, 'InvalidResourceName', 'The specifed resource name contains invalid characters.')), { status: 'dead_letter', reason: 'Azure Storage refused the blob (HTTP 400 InvalidResourceName: The specifed resource name contains invalid characters.): check config.container and config.prefix, then replay the dead letters' });
});

test('storageError reads the XML error and the x-ms-error-code header, and falls back to the body', () => {
  assert.deepEqual(storageError(xmlError(404, 'ContainerNotFound', 'The specified container does not exist.')), { azure: true, code: 'ContainerNotFound', message: 'The specified container does not exist.' });
  assert.deepEqual(storageError({ status: 404, headers: {}, body: '<?xml version="1.0"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.</Message></Error>' }), { azure: true, code: 'BlobNotFound', message: 'The specified blob does not exist.' });
  assert.deepEqual(storageError({ status: 502, headers: {}, body: 'Bad Gateway' }), { azure: false, code: '', message: 'Bad Gateway' });
  assert.equal(storageError({ status: 400, headers: {}, body: '<Error><Code>X</Code><Message>a &lt;b&gt; &amp; c</Message></Error>' }).message, 'a <b> & c');
});

test('validateConfig: account and container names by Azure\'s rules, one credential, the SAS\'s permissions, the endpoint — each naming its field', () => {
  assert.deepEqual(validateAzureBlobConfig(CONFIG, NOW), []);
  assert.deepEqual(validateAzureBlobConfig({ account: 'acmeevents', container: 'signal-events', sas_token: `?${SAS}` }, NOW), []);
  const problems = (config: Record<string, JsonValue>) => validateAzureBlobConfig({ ...CONFIG, ...config }, NOW).map((p) => `${p.field} ${p.message}`);
  assert.deepEqual(problems({ account: 'Acme_Events' }), ['account is "Acme_Events": a storage account name has 3 to 24 lower-case letters and digits (the name alone, not its URL)']);
  assert.deepEqual(problems({ container: 'signal--events' }), ['container is "signal--events": a container name has 3 to 63 lower-case letters, digits and hyphens, starts and ends with a letter or digit, and has no two hyphens in a row (a path goes in prefix)']);
  assert.deepEqual(problems({ container: 'ab' })[0]?.startsWith('container is "ab"'), true);
  assert.deepEqual(problems({ container: 'signal/events' })[0]?.startsWith('container is "signal/events"'), true);
  assert.deepEqual(problems({ account_key: undefined as unknown as JsonValue }), ['sas_token or account_key is required: a container SAS token with Create and Write permissions (sp=cw), or the storage account\'s access key (see the plugin README)']);
  assert.deepEqual(problems({ sas_token: SAS }), ['account_key must be empty when sas_token is given: give one credential (the SAS token is the narrower)']);
  assert.deepEqual(problems({ account_key: 'DefaultEndpointsProtocol=https;AccountName=acmeevents;AccountKey=abc==' }), ['account_key is not an access key: give the key alone as the portal shows it (base64, e.g. 88 characters ending in ==), not the connection string']);
  const sas = (token: string) => problems({ account_key: undefined as unknown as JsonValue, sas_token: token });
  assert.match(sas(SAS.replace('sp=cw', 'sp=c'))[0]!, /^sas_token allows sp=c: it needs Write \(w\), best with Create \(sp=cw\) — Create alone writes only new blobs/);
  assert.deepEqual(sas(SAS.replace('sp=cw', 'sp=w')), [], 'Write creates blobs too');
  assert.deepEqual(sas('sv=2022-11-02&sr=c&si=signal-writes&sig=x'), [], 'a stored access policy (si) holds the permissions and the expiry');
  assert.match(sas('sv=2022-11-02&sr=c&si=signal-writes&sp=r&sig=x')[0]!, /needs Write/, 'permissions the token names are checked');
  assert.match(sas(SAS.replace('2030', '2023'))[0]!, /^sas_token expired at 2023-01-01T00:00:00\.000Z/);
  assert.match(sas(SAS.replace('sr=c', 'sr=b'))[0]!, /for one blob/);
  assert.match(sas('sv=2022-11-02&ss=q&srt=o&sp=cw&sig=x')[0]!, /account SAS without the Blob service/);
  assert.equal(sasProblem('sv=2022-11-02&ss=bf&srt=sco&sp=rwdlacup&se=2030-01-01T00:00:00Z&sig=x', NOW), undefined, 'an account SAS for blobs');
  assert.match(sas(`https://acmeevents.blob.core.windows.net/signal-events?${SAS}`)[0]!, /is a URL/);
  assert.match(sas('not a token')[0]!, /white space/);
  assert.ok(!sas(SAS.replace('sp=cw', 'sp=r')).join('').includes('Qk3bUr'), 'the message never quotes the signature');
  assert.deepEqual(problems({ endpoint: 'https://acmeevents.blob.core.chinacloudapi.cn' }), []);
  assert.match(problems({ endpoint: 'http://127.0.0.1:10000/devstoreaccount1' })[0]!, /^endpoint .*allow_private_targets/);
  assert.deepEqual(problems({ endpoint: 'http://127.0.0.1:10000/devstoreaccount1', allow_private_targets: ['127.0.0.1'] }), []);
  assert.match(problems({ endpoint: 'http://acmeevents.blob.core.windows.net' })[0]!, /^endpoint uses plain http/);
  assert.match(problems({ endpoint: `https://acmeevents.blob.core.windows.net/?${SAS}` })[0]!, /^endpoint must be the blob service's URL without a query/);
  assert.match(problems({ prefix: 'signal//events' })[0]!, /^prefix must not have empty/);
  assert.match(problems({ prefix: 'signal./events' })[0]!, /^prefix must not have a segment ending with a dot/);
  assert.match(problems({ prefix: Array.from({ length: 252 }, () => 'a').join('/') })[0]!, /^prefix has more than 251 segments/);
  assert.deepEqual(problems({ prefix: Array.from({ length: 251 }, () => 'a').join('/') }), []);
});

test('SAS: the signature never reaches the delivery log or a preview, also when the portal\'s token has raw colons', () => {
  const portal = 'sp=cw&st=2024-03-24T08:00:00Z&se=2030-03-24T16:00:00Z&spr=https&sv=2022-11-02&sr=c&sig=Qk3bUr%2FX1a9Zb4%2BlP0o8f2yQb0vXyF9l5l0GJzZJk9E%3D';
  for (const token of [SAS, portal, `?${portal}`]) {
    const base = { account: 'acmeevents', container: 'signal-events', sas_token: token };
    const signed = signBlobRequest(azure.send([mapped('m-1')], ctx({}, 'default', base))[0]!, ctx({}, 'default', base));
    const logged = JSON.stringify(redactRequest(signed, secretValuesOf([token])));
    assert.ok(!logged.includes('Qk3bUr'), logged);
    assert.ok(!logged.includes('X1a9Zb4'), logged);
  }
});

test('configWarnings: a SAS token expiring within 30 days, purely by now', () => {
  const base = { account: 'acmeevents', container: 'signal-events', sas_token: SAS };
  const before = Date.parse('2029-12-25T00:00:00Z');
  assert.deepEqual(azureBlobConfigWarnings(base, before), [{ field: 'sas_token', message: 'expires at 2030-01-01T00:00:00.000Z (in 7 days): from then on every write is refused (403 AuthenticationFailed) and dead-lettered; generate a new token and store it in a new revision before' }]);
  assert.deepEqual(azureBlobConfigWarnings(base, NOW), []);
  assert.deepEqual(azureBlobConfigWarnings(CONFIG, before), [], 'no expiry with Shared Key');
  assert.deepEqual(azure.configWarnings?.(base, before), azureBlobConfigWarnings(base, before));
});
