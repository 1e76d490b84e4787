import assert from 'node:assert/strict';
import { createHash, createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createEventMapper } from '../../core/delivery/mapper.ts';
import type { CanonicalEvent, Classification, JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { allowListMatcher, guardedLookup } from '../../core/delivery/egress-guard.ts';
import s3, { archiveRecord, classifyS3, hashCustomerField, MAX_BYTES, MAX_EVENTS, objectKey, objectUrl, parseS3Error, PRIVATE_NETWORKS, validateS3Config } from './index.ts';
import { withoutQueries } from './archive-record.ts';

const NOW = Date.parse('2024-03-24T16:05:09.000Z');
const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const CONFIG = { bucket: 'acme-signal-events', region: 'eu-west-1', access_key_id: ACCESS_KEY, secret_access_key: SECRET };
const ctx = (config: Record<string, JsonValue> = {}, variant = 'default'): PluginContext => ({
  config: { ...CONFIG, ...config }, variant, integrationId: 'pi-7f3c', revisionId: 'r', options: {}, now: NOW,
});
const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();

const browserEvent = (overrides: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  type: 'track', event: 'Signed Up', messageId: 'm-1', anonymousId: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', receivedAt: '2024-03-24T16:00:00.100Z',
  context: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0', page: { url: 'https://shop.example.com/signup', path: '/signup', title: 'Sign up', referrer: 'https://www.google.com/' } },
  ...overrides,
} as CanonicalEvent);
const mapped = (id: string, overrides: Partial<CanonicalEvent> = {}, payload: JsonObject = { message_id: id, type: 'track' }): MappedEvent => ({
  id, event: browserEvent({ messageId: id.replace(/#\d+$/, ''), ...overrides }), payload,
});
const answer = (status: number, body = '', headers: Record<string, string> = {}): VendorResponse => ({ status, headers, body });
const xmlError = (code: string, message: string, extra = '') => `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${extra}<RequestId>4442587FB7D0A2F9</RequestId><HostId>host-id</HostId></Error>`;
const request = (events: number): RequestDescriptor => ({ method: 'PUT', url: 'https://acme-signal-events.s3.eu-west-1.amazonaws.com/x', eventIds: Array.from({ length: events }, (_, i) => `e${i}`) });
/**
 * What leaves Signal for a batch: `send`'s requests, each signed by the `sign` hook as the core
 * signs it when sending (with `ctx.now`, the sending time).
 */
const sent = (batch: MappedEvent[], c: PluginContext): RequestDescriptor[] => s3.send(batch, c).map((built) => ({ ...s3.sign!(built, c), eventIds: built.eventIds }));
const reasonOf = (c: Classification): string => ('reason' in c ? c.reason : '');
const statusOf = (c: Classification): string => ('status' in c ? c.status : 'perEvent');

/** The receivedAt of the test events (browserEvent's). */
const RECEIVED_AT = '2024-03-24T16:00:00.100Z';
/** The digest part of an object name: the first 16 hex characters of the SHA-256 of the JSON of [messageId, receivedAt] per event. */
const digestOf = (ids: string[], receivedAt = RECEIVED_AT) => sha256(JSON.stringify(ids.map((id) => [id, receivedAt]))).slice(0, 16);
/** A request's body as bytes (a gzipped object) or text, and the NDJSON it carries. */
const bytesOf = (req: RequestDescriptor): Buffer => (req.body instanceof Uint8Array ? Buffer.from(req.body) : Buffer.from(String(req.body), 'utf8'));
const ndjsonOf = (req: RequestDescriptor): string => (req.body instanceof Uint8Array ? gunzipSync(req.body).toString('utf8') : String(req.body));

/** SigV4 recomputed here from the documented steps, over what the request carries: it must equal the Authorization sent. */
function expectedAuthorization(req: RequestDescriptor, host: string, secret = SECRET, region = 'eu-west-1'): string {
  const url = new URL(req.url);
  const headers = Object.fromEntries(Object.entries(req.headers!).filter(([name]) => name !== 'authorization'));
  const names = [...Object.keys(headers), 'host'].sort();
  const all: Record<string, string> = { ...headers, host };
  const canonical = ['PUT', url.pathname, '', names.map((n) => `${n}:${all[n]!.trim()}\n`).join(''), names.join(';'), sha256(bytesOf(req))].join('\n');
  const day = headers['x-amz-date']!.slice(0, 8);
  const scope = `${day}/${region}/s3/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${secret}`, day), region), 's3'), 'aws4_request');
  const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', headers['x-amz-date'], scope, sha256(canonical)].join('\n')).digest('hex');
  return `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`;
}

test('send builds unsigned PUTs; sign adds x-amz-date and the Authorization at the sending time (a signature minutes old after a rate-limit wait is refused by S3)', () => {
  const [built] = s3.send([mapped('m-1')], ctx());
  assert.equal(built!.headers!.authorization, undefined);
  assert.equal(built!.headers!['x-amz-date'], undefined);
  const later = { ...ctx(), now: NOW + 5 * 60_000 };
  const signed = s3.sign!(built!, later);
  assert.equal(signed.headers!['x-amz-date'], '20240324T161009Z', 'the time of signing, not of building');
  assert.deepEqual(signed.eventIds, built!.eventIds);
  assert.equal(signed.body, built!.body);
  assert.equal(signed.headers!.authorization, expectedAuthorization(signed, 'acme-signal-events.s3.eu-west-1.amazonaws.com'));
});

test('send (compression none): one PUT of the batch as NDJSON to the virtual-hosted URL, key prefix/dt=/hour=/<integration>-<first id>-<count>-<digest>.ndjson, signed with SigV4', () => {
  const batch = [mapped('m-1', {}, { message_id: 'm-1', type: 'track', event: 'Signed Up' }), mapped('m-2', {}, { message_id: 'm-2', type: 'page', note: 'é ☀️' })];
  const [put, ...more] = sent(batch, ctx({ compression: 'none' }));
  assert.equal(more.length, 0);
  const body = '{"message_id":"m-1","type":"track","event":"Signed Up"}\n{"message_id":"m-2","type":"page","note":"é ☀️"}\n';
  const path = `/signal/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-2-${digestOf(['m-1', 'm-2'])}.ndjson`;
  assert.deepEqual(put, {
    method: 'PUT',
    url: `https://acme-signal-events.s3.eu-west-1.amazonaws.com${path}`,
    headers: {
      'content-type': 'application/x-ndjson',
      'content-md5': createHash('md5').update(body, 'utf8').digest('base64'),
      'x-amz-content-sha256': sha256(body),
      'x-amz-date': '20240324T160509Z',
      authorization: put!.headers!.authorization,
    },
    body,
    eventIds: ['m-1', 'm-2'],
  });
  assert.match(put!.headers!.authorization!, /^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/20240324\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=[0-9a-f]{64}$/);
  assert.equal(put!.headers!.authorization, expectedAuthorization(put!, 'acme-signal-events.s3.eu-west-1.amazonaws.com'), 'the signature covers the URL, headers and body bytes sent');
  assert.deepEqual(body.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown), batch.map((m) => m.payload), 'one JSON event a line, newline-terminated');
  assert.equal(JSON.stringify(put).includes(SECRET), false, 'the secret key is in no part of the request');
});

test('send (gzip, the default): the body is bytes whose gunzip is the NDJSON, a .ndjson.gz key, application/gzip without Content-Encoding; hashes and signature over the compressed bytes', () => {
  const batch = [mapped('m-1', {}, { message_id: 'm-1', type: 'track', note: 'Zoë ☀️ 日本' }), mapped('m-2', {}, { message_id: 'm-2', type: 'page' })];
  const [put, ...more] = sent(batch, ctx());
  assert.equal(more.length, 0);
  const text = '{"message_id":"m-1","type":"track","note":"Zoë ☀️ 日本"}\n{"message_id":"m-2","type":"page"}\n';
  assert.ok(put!.body instanceof Uint8Array, 'bytes, sent as they are');
  const body = put!.body;
  assert.equal(gunzipSync(body).toString('utf8'), text, 'the NDJSON, multi-byte UTF-8 intact');
  assert.deepEqual(Buffer.from(body), gzipSync(Buffer.from(text, 'utf8')), 'node:zlib gzip of the UTF-8 NDJSON');
  assert.deepEqual([...body.subarray(0, 4)], [0x1f, 0x8b, 8, 0], 'gzip, deflate, no flags: no file name or comment in the header');
  assert.deepEqual([...body.subarray(4, 8)], [0, 0, 0, 0], 'modification time 0: the same NDJSON gives the same bytes');
  assert.deepEqual(Buffer.from(sent(batch, { ...ctx(), now: NOW + 60_000 })[0]!.body as Uint8Array), Buffer.from(body), 'deterministic');
  assert.equal(put!.url, `https://acme-signal-events.s3.eu-west-1.amazonaws.com/signal/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-2-${digestOf(['m-1', 'm-2'])}.ndjson.gz`);
  assert.equal(put!.headers!['content-type'], 'application/gzip');
  assert.equal('content-encoding' in put!.headers!, false, 'a .gz file, not a transfer encoding a client would undo');
  assert.equal(put!.headers!['x-amz-content-sha256'], sha256(body), 'the SHA-256 of the compressed bytes');
  assert.notEqual(put!.headers!['x-amz-content-sha256'], sha256(text));
  assert.equal(put!.headers!['content-md5'], createHash('md5').update(body).digest('base64'), 'the MD5 of the compressed bytes');
  assert.equal(put!.headers!.authorization, expectedAuthorization(put!, 'acme-signal-events.s3.eu-west-1.amazonaws.com'), 'the signature covers the compressed bytes');
  assert.equal(s3.config.properties.compression?.default, 'gzip');
});

// SigV4 vectors computed outside the project with AWS's own signer, @smithy/signature-v4 5.x,
// configured as the AWS SDK for JavaScript v3's S3 client does (service s3, uriEscapePath false,
// each key segment encoded by @smithy/smithy-client's extendedEncodeURIComponent), for a PUT of
// the documented body and headers (content-type, content-md5, x-amz-content-sha256, host, and
// the x-amz- headers below) at 2024-03-24T16:05:09Z, with the documented key
// (<prefix>/dt=2024-03-24/hour=16/pi-7f3c-<first id>-<count>-<sha256 of [[id, receivedAt], …]>).
// The URL, payload hash and Authorization are smithy's, pinned here: none is derived from the
// plugin's own output, so an encoding or canonicalisation bug cannot agree with itself.
const VECTORS: Array<{ name: string; config: Record<string, JsonValue>; payloads: JsonObject[]; url: string; sha256: string; authorization: string }> = [
  {
    name: "a prefix with ! * ' ( ) (encoded %21 %2A %27 %28 %29), multi-byte UTF-8 in the body",
    config: { prefix: "arch!ve/(raw)*'x'", compression: 'none' },
    payloads: [{ message_id: 'm-1', note: 'Zoë ☀️ 日本' }, { message_id: 'm-2' }],
    url: 'https://acme-signal-events.s3.eu-west-1.amazonaws.com/arch%21ve/%28raw%29%2A%27x%27/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-2-e8d6f563b5d6774d.ndjson',
    sha256: 'e12e4e7ddfe1fa7cbc6c664087dbab89b472905c0797549302e3b18b0db2decd',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240324/eu-west-1/s3/aws4_request, SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=a4f03891a7808ddda533100bf30831cbb09cf939078f14298c53b8714c8fcb4e',
  },
  {
    name: 'an IPv6 endpoint with a port (Host [fd12:3456::5]:9000), path style',
    config: { endpoint: 'http://[fd12:3456::5]:9000', allow_private_endpoint: true, region: 'us-east-1', compression: 'none' },
    payloads: [{ message_id: 'm-1' }],
    url: 'http://[fd12:3456::5]:9000/acme-signal-events/signal/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-1-c5c61885c5c9131a.ndjson',
    sha256: '6815b977459b342d4df8801d3be0b7924e0fcc5aea78f8f1f1c065d6d962e770',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240324/us-east-1/s3/aws4_request, SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=71efb9167975e9099fe914ec755f38c4dfe99e94fddb0e3d4f1e308d5ebe30b1',
  },
  {
    name: 'a custom endpoint with a port (Host minio.example.com:9443), path style',
    config: { endpoint: 'https://minio.example.com:9443', region: 'us-east-1', compression: 'none' },
    payloads: [{ message_id: 'm-1' }],
    url: 'https://minio.example.com:9443/acme-signal-events/signal/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-1-c5c61885c5c9131a.ndjson',
    sha256: '6815b977459b342d4df8801d3be0b7924e0fcc5aea78f8f1f1c065d6d962e770',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240324/us-east-1/s3/aws4_request, SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=154f9e7deaabcf3fc4cddefbb2ea47f5c4b4b3771f27acababb63ee0850cb771',
  },
  {
    name: 'a session token (x-amz-security-token), SSE-KMS and a storage class; a dotted bucket, path style',
    config: {
      bucket: 'acme.signal.events', region: 'ap-southeast-2', url_style: 'path', compression: 'none', session_token: 'FwoGZXIvYXdzEXAMPLE//token+=',
      storage_class: 'STANDARD_IA', server_side_encryption: 'aws:kms', kms_key_id: 'arn:aws:kms:ap-southeast-2:111122223333:key/1234abcd',
    },
    payloads: [{ message_id: 'm-1' }],
    url: 'https://s3.ap-southeast-2.amazonaws.com/acme.signal.events/signal/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-1-c5c61885c5c9131a.ndjson',
    sha256: '6815b977459b342d4df8801d3be0b7924e0fcc5aea78f8f1f1c065d6d962e770',
    authorization: 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240324/ap-southeast-2/s3/aws4_request, SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id;x-amz-storage-class, Signature=a0f4e6bf439cb3972e8c235a501889a1428ad1212451d7ee5b4628c31f131448',
  },
];

test('send: independent SigV4 vectors (AWS\'s @smithy/signature-v4) — special prefix characters, an IPv6 endpoint, a port, a session token', () => {
  for (const vector of VECTORS) {
    const batch = vector.payloads.map((payload) => mapped(String(payload.message_id), {}, payload));
    const [put, ...more] = sent(batch, ctx(vector.config));
    assert.equal(more.length, 0, vector.name);
    assert.equal(put!.url, vector.url, vector.name);
    assert.equal(sha256(bytesOf(put!)), vector.sha256, vector.name);
    assert.equal(put!.headers!['x-amz-content-sha256'], vector.sha256, vector.name);
    assert.equal(put!.headers!.authorization, vector.authorization, vector.name);
  }
});

test('send: an independent SigV4 vector for a gzipped object (the signature over the compressed bytes), in the China Regions', (t) => {
  const batch = [mapped('m-1', {}, { message_id: 'm-1', note: 'Zoë ☀️ 日本' }), mapped('m-2', {}, { message_id: 'm-2' })];
  const put = sent(batch, ctx({ region: 'cn-north-1' }))[0]!;
  assert.equal(put.url, 'https://acme-signal-events.s3.cn-north-1.amazonaws.com.cn/signal/dt%3D2024-03-24/hour%3D16/pi-7f3c-m-1-2-e8d6f563b5d6774d.ndjson.gz');
  // smithy signed node:zlib's gzipSync of the NDJSON: the pinned signature holds for those exact
  // bytes. Another zlib build may compress the same text into other (equally valid) bytes.
  if (sha256(bytesOf(put)) !== '1682564cdac78ffb95b4440ba86209db7f15962afb3da338deba72d42ee475d8') {
    t.skip('this zlib compresses the NDJSON into other bytes than the vector\'s: the signature over them is checked by the test above');
    return;
  }
  assert.equal(put.headers!.authorization, 'AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20240324/cn-north-1/s3/aws4_request, SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date, Signature=0acfc0315fbac74260ebebc814bbc108c2ffef68f1974f2f551a0aa2c4237376');
});

test('send: path style, a custom endpoint (R2, a MinIO with a port over http), the China Regions; the Host signed is the one sent', () => {
  const one = [mapped('m-1')];
  const name = `pi-7f3c-m-1-1-${digestOf(['m-1'])}.ndjson.gz`;
  const path = sent(one, ctx({ url_style: 'path' }))[0]!;
  assert.equal(path.url, `https://s3.eu-west-1.amazonaws.com/acme-signal-events/signal/dt%3D2024-03-24/hour%3D16/${name}`);
  assert.equal(path.headers!.authorization, expectedAuthorization(path, 's3.eu-west-1.amazonaws.com'));
  const r2 = sent(one, ctx({ endpoint: 'https://0123456789abcdef.r2.cloudflarestorage.com', region: 'auto', prefix: '', url_style: 'virtual_hosted' }))[0]!;
  assert.equal(r2.url, `https://acme-signal-events.0123456789abcdef.r2.cloudflarestorage.com/dt%3D2024-03-24/hour%3D16/${name}`, 'an empty prefix: the bucket\'s root');
  assert.equal(r2.headers!.authorization, expectedAuthorization(r2, 'acme-signal-events.0123456789abcdef.r2.cloudflarestorage.com', SECRET, 'auto'));
  const minio = sent(one, ctx({ endpoint: 'http://minio.internal:9000', region: 'us-east-1', allow_private_endpoint: true, prefix: '/events/raw/' }))[0]!;
  assert.equal(minio.url, `http://minio.internal:9000/acme-signal-events/events/raw/dt%3D2024-03-24/hour%3D16/${name}`, 'path style by default with an endpoint');
  assert.equal(minio.headers!.authorization, expectedAuthorization(minio, 'minio.internal:9000', SECRET, 'us-east-1'), 'the port is part of the Host signed');
  assert.deepEqual(minio.allowPrivateTargets, [...PRIVATE_NETWORKS], 'private ranges, not the host name: the guard checks what the name resolves to');
  assert.equal('allowPrivateTargets' in sent(one, ctx({ endpoint: 'https://minio.internal:9000' }))[0]!, false, 'not without allow_private_endpoint');
  const hosted = sent(one, ctx({ endpoint: 'http://store.lan:9000', allow_private_endpoint: true, url_style: 'virtual_hosted' }))[0]!;
  assert.equal(new URL(hosted.url).host, 'acme-signal-events.store.lan:9000');
  assert.deepEqual(hosted.allowPrivateTargets, [...PRIVATE_NETWORKS]);
  assert.equal(sent(one, ctx({ region: 'cn-north-1' }))[0]!.url.startsWith('https://acme-signal-events.s3.cn-north-1.amazonaws.com.cn/'), true);
  assert.equal(sent(one, ctx({ region: 'us-east-1' }))[0]!.url.startsWith('https://acme-signal-events.s3.us-east-1.amazonaws.com/'), true);
});

test('send: a session token, a storage class and KMS encryption go as signed x-amz- headers', () => {
  const put = sent([mapped('m-1')], ctx({ session_token: 'FwoGZXIvYXdzEXAMPLE//token+=', storage_class: 'STANDARD_IA', server_side_encryption: 'aws:kms', kms_key_id: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd' }))[0]!;
  assert.equal(put.headers!['x-amz-security-token'], 'FwoGZXIvYXdzEXAMPLE//token+=');
  assert.equal(put.headers!['x-amz-storage-class'], 'STANDARD_IA');
  assert.equal(put.headers!['x-amz-server-side-encryption'], 'aws:kms');
  assert.equal(put.headers!['x-amz-server-side-encryption-aws-kms-key-id'], 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd');
  assert.match(put.headers!.authorization!, /SignedHeaders=content-md5;content-type;host;x-amz-content-sha256;x-amz-date;x-amz-security-token;x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id;x-amz-storage-class,/);
  assert.equal(put.headers!.authorization, expectedAuthorization(put, 'acme-signal-events.s3.eu-west-1.amazonaws.com'));
  const sse = sent([mapped('m-1')], ctx({ server_side_encryption: 'AES256', kms_key_id: 'ignored-without-kms' }))[0]!;
  assert.equal(sse.headers!['x-amz-server-side-encryption'], 'AES256');
  assert.equal('x-amz-server-side-encryption-aws-kms-key-id' in sse.headers!, false);
});

test('send: the key depends on the events alone — the same events give the same key at any time; other groupings, and other events with the same messageId, never share one', () => {
  const batch = [mapped('m-1'), mapped('m-2')];
  const first = sent(batch, ctx())[0]!;
  const later = sent(batch, { ...ctx(), now: NOW + 3_600_000 })[0]!;
  assert.equal(later.url, first.url, 'a retry an hour later overwrites the same object');
  assert.notEqual(later.headers!.authorization, first.headers!.authorization, 'signed anew at its own time');
  assert.notEqual(sent([mapped('m-1'), mapped('m-3')], ctx())[0]!.url, first.url, 'same first event and count, other events: another object');
  assert.notEqual(sent([mapped('m-2'), mapped('m-1')], ctx())[0]!.url, first.url);
  assert.equal(objectKey('p', 'dt=2024-03-24/hour=16', 'pi', [browserEvent({ messageId: '../../etc/passwd?x=1#2 ☀' })]), `p/dt=2024-03-24/hour=16/pi-.._.._etc_passwd_x_1_2__-1-${digestOf(['../../etc/passwd?x=1#2 ☀'])}.ndjson`, 'a client\'s messageId cannot shape the key');
  assert.throws(() => objectUrl({ bucket: 'b', region: 'eu-west-1', urlStyle: 'virtual_hosted', endpoint: undefined }, 'p/../x.ndjson'), /must not have "\." or "\.\." segments/, 'the URL parser would drop the segment from the path signed');
  assert.throws(() => objectUrl({ bucket: 'b', region: 'eu-west-1', urlStyle: 'path', endpoint: undefined }, './x.ndjson'));
  const completed = sent([mapped('order-1', { event: 'Order Completed', receivedAt: '2024-03-24T16:01:00.000Z' })], ctx({ partition_by: 'timestamp' }))[0]!;
  const refunded = sent([mapped('order-1', { event: 'Order Refunded', receivedAt: '2024-03-24T16:40:00.000Z' })], ctx({ partition_by: 'timestamp' }))[0]!;
  assert.notEqual(refunded.url, completed.url, 'two events with one messageId (the client sets it) never replace each other\'s object');
  assert.equal(sent([mapped('order-1', { event: 'Order Completed', receivedAt: '2024-03-24T16:01:00.000Z' })], { ...ctx({ partition_by: 'timestamp' }), now: NOW + 600_000 })[0]!.url, completed.url, 'a retry keeps receivedAt: the same key');
  const a = [browserEvent({ messageId: 'x' }), browserEvent({ messageId: 'a\nb' }), browserEvent({ messageId: 'c' })];
  const b = [browserEvent({ messageId: 'x' }), browserEvent({ messageId: 'a' }), browserEvent({ messageId: 'b\nc' })];
  assert.notEqual(objectKey('p', 'dt=2024-03-24/hour=16', 'pi', a), objectKey('p', 'dt=2024-03-24/hour=16', 'pi', b), 'no separator to forge: the digest is over JSON');
  const repeated = sent([mapped('m-1'), mapped('m-1#2')], ctx())[0]!;
  assert.deepEqual(repeated.eventIds, ['m-1', 'm-1#2'], 'events named by their MappedEvent id');
});

test('send: events go to the object of their own hour (received_at by default, or timestamp); the batch order is kept within each', () => {
  const batch = [
    mapped('a', { receivedAt: '2024-03-24T16:59:59.999Z', timestamp: '2024-03-20T08:00:00.000Z' }),
    mapped('b', { receivedAt: '2024-03-24T17:00:00.000Z', timestamp: '2024-03-24T17:00:00.000Z' }),
    mapped('c', { receivedAt: '2024-03-24T16:30:00.000Z', timestamp: '2024-03-20T08:10:00.000Z' }),
  ];
  const received = sent(batch, ctx());
  assert.deepEqual(received.map((r) => [new URL(r.url).pathname.split('/').slice(2, 4).join('/'), r.eventIds]), [
    ['dt%3D2024-03-24/hour%3D16', ['a', 'c']],
    ['dt%3D2024-03-24/hour%3D17', ['b']],
  ]);
  const timed = sent(batch, ctx({ partition_by: 'timestamp' }));
  assert.deepEqual(timed.map((r) => [new URL(r.url).pathname.split('/').slice(2, 4).join('/'), r.eventIds]), [
    ['dt%3D2024-03-20/hour%3D08', ['a', 'c']],
    ['dt%3D2024-03-24/hour%3D17', ['b']],
  ]);
  const unreadable = sent([mapped('d', { receivedAt: '2024-03-24T18:00:00.000Z', timestamp: 'soon' })], ctx({ partition_by: 'timestamp' }))[0]!;
  assert.match(unreadable.url, /dt%3D2024-03-24\/hour%3D18\//, 'an unreadable timestamp falls back to receivedAt');
});

test('send: objects hold at most max_events_per_object events and max_object_bytes bytes; the plugin\'s own limits are 10,000 and 16 MiB', () => {
  assert.deepEqual(s3.batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES });
  assert.deepEqual([MAX_EVENTS, MAX_BYTES], [10_000, 16_777_216]);
  const batch = Array.from({ length: 25 }, (_, i) => mapped(`e${String(i).padStart(2, '0')}`, {}, { message_id: `e${i}`, pad: 'x'.repeat(10_000) }));
  assert.deepEqual(sent(batch, ctx({ max_events_per_object: 10 })).map((r) => r.eventIds.length), [10, 10, 5]);
  // Each line is 10,032 or 10,033 bytes with its newline: 6 fit in 64 KiB.
  const small = sent(batch, ctx({ max_object_bytes: 65_536 }));
  assert.deepEqual(small.map((r) => r.eventIds.length), [6, 6, 6, 6, 1]);
  for (const r of small) assert.ok(Buffer.byteLength(ndjsonOf(r)) <= 65_536, 'the limit is on the NDJSON before compression');
  for (const r of small) assert.ok(bytesOf(r).length < 65_536 / 10, 'the gzipped object is much smaller');
  assert.deepEqual(small.flatMap((r) => r.eventIds), batch.map((m) => m.id), 'every event once, in order');
  assert.deepEqual(sent(batch, ctx({ max_object_bytes: 1 })).map((r) => r.eventIds.length), [25], 'a value outside the schema falls back to the default 5 MiB');
});

test('classify: S3\'s documented answers — success, throttling, clock skew, passing failures, and what to fix for credentials, bucket and Region', () => {
  const config = { ...CONFIG, prefix: 'signal' };
  assert.deepEqual(classifyS3(answer(200, '', { etag: '"abc"' }), request(3), config), { status: 'delivered' });
  // A page that is not S3's (a proxy's): written again, never counted written.
  const page = '<!DOCTYPE html><html><body>Sign in to the proxy</body></html>';
  assert.deepEqual(classifyS3(answer(200, page, { 'content-type': 'text/html' }), request(3), config), { status: 'retry', reason: `HTTP 200 with a body (${page}): not S3's answer to a PutObject, which is empty — a proxy? — so the object is written again` });
  assert.deepEqual(classifyS3(answer(503, xmlError('SlowDown', 'Please reduce your request rate.')), request(3), config), {
    status: 'retry', reason: 'S3 HTTP 503 SlowDown: Please reduce your request rate. (request 4442587FB7D0A2F9) — S3 asks to slow down: retrying later at a lower rate', throttled: true,
  });
  assert.equal(statusOf(classifyS3(answer(503, xmlError('SlowDown', 'Please reduce your request rate.'), { 'retry-after': '7' }), request(3), config)), 'retry');
  assert.equal((classifyS3(answer(503, xmlError('SlowDown', 'x'), { 'retry-after': '7' }), request(3), config) as { retryAfterMs: number }).retryAfterMs, 7000);
  assert.deepEqual(classifyS3(answer(429, 'Too Many Requests', { 'retry-after': '2' }), request(3), config), {
    status: 'retry', reason: 'S3 HTTP 429: Too Many Requests — S3 asks to slow down: retrying later at a lower rate', throttled: true, retryAfterMs: 2000,
  }, 'an S3-compatible store\'s 429');
  assert.deepEqual(classifyS3(answer(403, xmlError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', '<RequestTime>20240324T160509Z</RequestTime><ServerTime>2024-03-24T16:35:10Z</ServerTime><MaxAllowedSkewMilliseconds>900000</MaxAllowedSkewMilliseconds>')), request(3), config), {
    status: 'retry',
    reason: 'S3 HTTP 403 RequestTimeTooSkewed: The difference between the request time and the current time is too large. (request 4442587FB7D0A2F9) — the clock of the Signal host that signed the request is off by more than 15 minutes (S3\'s time 2024-03-24T16:35:10Z, the request\'s 20240324T160509Z): synchronise it (NTP); retrying',
  });
  for (const [status, code] of [[500, 'InternalError'], [503, 'ServiceUnavailable'], [400, 'RequestTimeout'], [409, 'OperationAborted'], [307, 'TemporaryRedirect'], [400, 'IncompleteBody']] as const) {
    assert.deepEqual(classifyS3(answer(status, xmlError(code, 'Try again.')), request(3), config), { status: 'retry', reason: `S3 HTTP ${status} ${code}: Try again. (request 4442587FB7D0A2F9)` }, code);
  }
  for (const status of [502, 504]) assert.deepEqual(classifyS3(answer(status, '<html>Bad Gateway</html>'), request(3), config), { status: 'retry', reason: `S3 HTTP ${status}: <html>Bad Gateway</html>` });
  assert.equal(statusOf(classifyS3(answer(200, xmlError('InternalError', 'We encountered an internal error. Please try again.')), request(3), config)), 'retry', 'a 200 carrying an error is that error');
});

test('classify: credential, permission, bucket and Region errors dead-letter the whole request at once, naming the config field to fix', () => {
  const config = { ...CONFIG, prefix: 'signal' };
  const cases: Array<[number, string, string, RegExp, Record<string, string>?]> = [
    [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', /— S3 does not know config\.access_key_id: copy it again from IAM \(Users > Security credentials > Access keys\)/],
    [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', /— S3 computed another signature for this request\. Most often config\.secret_access_key is not the secret of config\.access_key_id: .* a proxy or a SIGNAL_VENDOR_REDIRECTS entry that rewrites the Host or the path .* a store that normalises paths; or the Signal host's clock is off/],
    [403, 'AccessDenied', 'Access Denied', /— the credentials may not write here: allow s3:PutObject on arn:aws:s3:::acme-signal-events\/signal\/\* in the IAM policy of the access key's user or role \(and kms:GenerateDataKey on its key if the bucket's default encryption is SSE-KMS\)/],
    [403, 'AccountProblem', 'There is a problem with your AWS account.', /contact AWS Support/],
    [400, 'ExpiredToken', 'The provided token has expired.', /— the temporary credentials have expired: config\.session_token/],
    [400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.', /config\.session_token is not a valid session token/],
    [404, 'NoSuchBucket', 'The specified bucket does not exist', /— the bucket "acme-signal-events" does not exist at this endpoint: check config\.bucket, config\.region/],
    [301, 'PermanentRedirect', 'The bucket you are attempting to access must be addressed using the specified endpoint.', /— the bucket is in another Region: set config\.region to "us-west-2" \(S3 says: use acme-signal-events\.s3\.us-west-2\.amazonaws\.com\)$/, { 'x-amz-bucket-region': 'us-west-2' }],
    [400, 'AuthorizationHeaderMalformed', "The authorization header is malformed; the region 'eu-west-1' is wrong; expecting 'eu-central-1'", /— set config\.region to "eu-central-1", the bucket's Region$/],
    [400, 'InvalidStorageClass', 'The storage class you specified is not valid', /config\.storage_class/],
    [501, 'NotImplemented', 'A header you provided implies functionality that is not implemented', /config\.storage_class and config\.server_side_encryption/],
  ];
  for (const [status, code, message, fix, headers] of cases) {
    const extra = code === 'PermanentRedirect' ? '<Endpoint>acme-signal-events.s3.us-west-2.amazonaws.com</Endpoint><Bucket>acme-signal-events</Bucket>' : code === 'AuthorizationHeaderMalformed' ? '<Region>eu-central-1</Region>' : '';
    const outcome = classifyS3(answer(status, xmlError(code, message, extra), headers), request(500), config);
    assert.equal(statusOf(outcome), 'dead_letter', code);
    assert.ok(reasonOf(outcome).startsWith(`S3 HTTP ${status} ${code}: ${message} (request 4442587FB7D0A2F9) — `), reasonOf(outcome));
    assert.match(reasonOf(outcome), fix, code);
  }
  const kms = classifyS3(answer(400, xmlError('KMS.NotFoundException', 'Invalid keyId arn:aws:kms:eu-west-1:1:key/x')), request(2), { ...config, server_side_encryption: 'aws:kms' });
  assert.deepEqual(kms, { status: 'dead_letter', reason: 'S3 HTTP 400 KMS.NotFoundException: Invalid keyId arn:aws:kms:eu-west-1:1:key/x (request 4442587FB7D0A2F9) — check config.kms_key_id (the key\'s ARN or id, in the bucket\'s Region, enabled) and that the credentials may use it (kms:GenerateDataKey)' });
  assert.match(reasonOf(classifyS3(answer(400, xmlError('KMS.DisabledException', 'arn:aws:kms:eu-west-1:1:key/x is disabled.')), request(2), config)), /— check the KMS key of the bucket's default encryption .* \(kms:GenerateDataKey\)$/, 'KMS as the bucket\'s default encryption, not in the config');
  const kmsDenied = classifyS3(answer(403, xmlError('AccessDenied', 'User: arn:aws:iam::111122223333:user/signal is not authorized to perform: kms:GenerateDataKey on resource: arn:aws:kms:eu-west-1:111122223333:key/x')), request(2), config);
  assert.match(reasonOf(kmsDenied), /allow s3:PutObject on .*, and kms:GenerateDataKey on the KMS key of the bucket's default encryption \(S3 console > bucket > Properties > Default encryption\), and check/, 'a KMS-looking AccessDenied names KMS although the config sets no SSE-KMS');
  assert.match(reasonOf(classifyS3(answer(403, xmlError('AccessDenied', 'Access Denied')), request(2), { ...config, server_side_encryption: 'aws:kms' })), /, and kms:GenerateDataKey on config\.kms_key_id \(or the bucket's default KMS key\)/);
  assert.deepEqual(classifyS3(answer(400, xmlError('InvalidArgument', 'Invalid argument.')), request(2), config), { status: 'dead_letter', reason: 'S3 HTTP 400 InvalidArgument: Invalid argument. (request 4442587FB7D0A2F9)' }, 'any other 4xx: S3\'s code and message');
  assert.deepEqual(classifyS3(answer(403, ''), request(2), config), { status: 'dead_letter', reason: 'S3 HTTP 403' });
});

test('classify: an object over the store\'s limit is written in halves, down to one event', () => {
  assert.deepEqual(classifyS3(answer(400, xmlError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')), request(8), CONFIG), {
    status: 'split', reason: 'S3 HTTP 400 EntityTooLarge: Your proposed upload exceeds the maximum allowed size (request 4442587FB7D0A2F9) — the object is over the store\'s size limit: writing the events in two objects',
  });
  assert.deepEqual(classifyS3(answer(413, ''), request(1), CONFIG), { status: 'dead_letter', reason: 'S3 HTTP 413 — this one event is over the store\'s object size limit' });
});

test('parseS3Error reads the documented error body, XML entities decoded; a body that is no S3 error gives nothing', () => {
  assert.deepEqual(parseS3Error('<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>NoSuchKey</Code>\n  <Message>The resource you requested does not exist</Message>\n  <Resource>/mybucket/myfoto.jpg</Resource>\n  <RequestId>4442587FB7D0A2F9</RequestId>\n</Error>'), {
    code: 'NoSuchKey', message: 'The resource you requested does not exist', requestId: '4442587FB7D0A2F9',
  });
  assert.equal(parseS3Error('<Error><Code>X</Code><Message>a &amp; b &lt;c&gt; &#39;d&#x27;</Message></Error>')?.message, "a & b <c> 'd'");
  assert.equal(parseS3Error('<html><body>502 Bad Gateway</body></html>'), undefined);
  assert.equal(parseS3Error(''), undefined);
});

test('validateConfig: bucket and Region rules, endpoint, URL style, prefix, credentials and KMS, each naming its field', () => {
  assert.deepEqual(validateS3Config(CONFIG), []);
  const problems = (config: Record<string, JsonValue>) => validateS3Config({ ...CONFIG, ...config }).map((p) => `${p.field}: ${p.message}`);
  assert.deepEqual(problems({ bucket: 'Acme_Events' }), ["bucket: must be 3 to 63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit (S3's bucket naming rules)"]);
  assert.deepEqual(problems({ bucket: 'acme..events', url_style: 'path' }), ['bucket: must not have two dots in a row']);
  assert.deepEqual(problems({ bucket: '192.168.5.4', url_style: 'path' }), ['bucket: must not be formatted as an IP address']);
  assert.deepEqual(problems({ bucket: 'xn--acme' }), ['bucket: must not start with "xn--" (reserved by S3)']);
  assert.deepEqual(problems({ bucket: 'acme-s3alias' }), ['bucket: must not end with "-s3alias" (reserved by S3)']);
  assert.deepEqual(problems({ bucket: 'acme.events' }), ['url_style: must be path for a bucket whose name has dots: over HTTPS a virtual-hosted URL (<bucket>.s3.<region>.amazonaws.com) does not match the certificate']);
  assert.deepEqual(problems({ bucket: 'acme.events', url_style: 'path' }), []);
  assert.deepEqual(problems({ region: 'Europe' }), ['region: must be a region name such as eu-west-1 (lower-case letters, digits and hyphens)']);
  assert.deepEqual(problems({ region: 'auto' }), ['region: must be an AWS Region code such as us-east-1 or eu-west-1, the Region of the bucket (got "auto"); a store other than AWS needs endpoint too']);
  assert.deepEqual(problems({ region: 'auto', endpoint: 'https://0123.r2.cloudflarestorage.com' }), [], 'R2\'s region with its endpoint');
  for (const region of ['us-east-1', 'eu-central-2', 'us-gov-west-1', 'cn-northwest-1', 'ap-southeast-5', 'il-central-1']) assert.deepEqual(problems({ region }), [], region);
  for (const region of ['us-iso-east-1', 'us-isob-east-1']) assert.deepEqual(problems({ region }), [`region: "${region}" is an AWS ISO Region, whose S3 endpoints are not under amazonaws.com: not supported`], region);
  assert.deepEqual(problems({ endpoint: 'ftp://store.example.com' }), ['endpoint: must use http or https (got ftp)']);
  assert.deepEqual(problems({ endpoint: 'not a url' }), ['endpoint: must be an absolute http or https URL, e.g. https://<account_id>.r2.cloudflarestorage.com']);
  assert.deepEqual(problems({ endpoint: 'https://store.example.com/s3?x=1' }), ['endpoint: must be the store\'s origin only (scheme, host and port), without a path or query: https://store.example.com']);
  assert.deepEqual(problems({ endpoint: 'https://key:secret@store.example.com' }), ['endpoint: must not carry credentials: they go in access_key_id and secret_access_key']);
  assert.deepEqual(problems({ endpoint: 'http://10.0.0.5:9000', url_style: 'path' }), ['endpoint: "10.0.0.5" is a loopback, private or link-local address; set allow_private_endpoint to reach a store on your own network']);
  assert.deepEqual(problems({ endpoint: 'http://10.0.0.5:9000', url_style: 'path', allow_private_endpoint: true }), []);
  assert.deepEqual(problems({ endpoint: 'http://10.0.0.5:9000', allow_private_endpoint: true, url_style: 'virtual_hosted' }), ['url_style: must be path when the endpoint is an IP address (a virtual-hosted URL puts the bucket in the host name)']);
  assert.deepEqual(problems({ endpoint: 'http://10.0.0.5:9000', allow_private_endpoint: true }), [], 'path style by default with an endpoint');
  assert.deepEqual(problems({ prefix: 'events//raw' }), ['prefix: must not have empty, "." or ".." segments (//, /./, /../): S3 keeps them as they are, and tools that read keys as paths do not']);
  assert.deepEqual(problems({ prefix: 'events/../x' }).map((p) => p.split(':')[0]), ['prefix']);
  assert.deepEqual(problems({ prefix: '/events/raw/' }), [], 'surrounding slashes are trimmed');
  assert.deepEqual(problems({ secret_access_key: `${SECRET}\n` }), ['secret_access_key: holds white space or a line break (copied with the text around it?): give the value alone']);
  assert.equal(problems({ secret_access_key: `${SECRET}\n` }).join().includes(SECRET), false, 'a secret is never quoted');
  assert.deepEqual(problems({ access_key_id: 'AKIA/EXAMPLE' }), ['access_key_id: holds "/", "," or "=", which the Authorization header\'s Credential cannot carry: give the access key ID alone (AKIA…)']);
  assert.deepEqual(problems({ session_token: 'tok en' }), ['session_token: holds white space or a line break (copied with the text around it?): give the value alone']);
  assert.deepEqual(problems({ kms_key_id: 'arn:aws:kms:eu-west-1:1:key/x' }), ['kms_key_id: is only used with server_side_encryption aws:kms or aws:kms:dsse: set one of them, or leave kms_key_id out']);
  assert.deepEqual(problems({ kms_key_id: 'arn:aws:kms:eu-west-1:1:key/x', server_side_encryption: 'aws:kms:dsse' }), []);
  assert.deepEqual(problems({ kms_key_id: 'arn:aws:kms:eu-west-1:1:key/x\n', server_side_encryption: 'aws:kms' }), ['kms_key_id: holds white space or a line break (copied with the text around it?): give the value alone']);
});

test('validateConfig: cloud metadata and link-local endpoints are refused even with allow_private_endpoint; http only on your own network', () => {
  const problems = (config: Record<string, JsonValue>) => validateS3Config({ ...CONFIG, ...config }).map((p) => `${p.field}: ${p.message}`);
  for (const allow of [false, true]) {
    for (const endpoint of ['http://169.254.169.254', 'https://169.254.170.2', 'http://[fe80::1]:9000', 'http://[fd00:ec2::254]', 'http://100.100.100.200', 'http://[::ffff:169.254.169.254]', 'http://192.0.0.192']) {
      const host = new URL(endpoint).hostname;
      assert.deepEqual(problems({ endpoint, allow_private_endpoint: allow }), [`endpoint: "${host}" is a link-local, cloud metadata or special-purpose address, never a store (even with allow_private_endpoint)`], `${endpoint}, allow ${allow}`);
    }
    for (const endpoint of ['http://metadata.google.internal', 'https://metadata.google.internal.', 'http://instance-data.ec2.internal', 'http://METADATA']) {
      assert.deepEqual(problems({ endpoint, allow_private_endpoint: allow }), [`endpoint: "${new URL(endpoint).hostname}" is a cloud metadata host, never a store (even with allow_private_endpoint)`], endpoint);
    }
  }
  for (const endpoint of ['http://10.0.0.5:9000', 'http://[fd12:3456::5]:9000', 'http://127.0.0.1:9000', 'http://localhost:9000', 'http://100.100.100.100:9000', 'http://minio.internal:9000', 'https://minio.internal']) {
    assert.deepEqual(problems({ endpoint, allow_private_endpoint: true }), [], endpoint);
  }
  assert.deepEqual(problems({ endpoint: 'http://store.example.com' }), ['endpoint: must use https: over http the objects and the signed request would cross the internet in clear (http only for a store on your own network, with allow_private_endpoint)']);
  assert.deepEqual(problems({ endpoint: 'http://0123.r2.cloudflarestorage.com', region: 'auto' }).map((p) => p.split(':')[0]), ['endpoint']);
  assert.deepEqual(problems({ endpoint: 'http://203.0.113.9:9000', allow_private_endpoint: true }), ['endpoint: must use https for the public address "203.0.113.9": over http the objects would cross the internet in clear']);
  assert.deepEqual(problems({ endpoint: 'https://203.0.113.9:9000' }), []);
  assert.deepEqual(problems({ endpoint: 'http://10.0.0.5:9000' }), ['endpoint: "10.0.0.5" is a loopback, private or link-local address; set allow_private_endpoint to reach a store on your own network']);
});

test('allow_private_endpoint opens private ranges to the egress guard, not the host name: a name resolving to cloud metadata is still refused', async () => {
  const allowed = allowListMatcher(PRIVATE_NETWORKS);
  for (const address of ['10.1.2.3', '172.20.0.9', '192.168.1.10', '127.0.0.1', '100.64.0.1', '100.100.100.100', '100.127.255.255', '::1', 'fd12:3456::5', 'fc00::1', 'fd00:ec2::253', 'fd00:ec2::255']) {
    assert.equal(allowed('minio.internal', address), true, address);
  }
  for (const address of ['169.254.169.254', '169.254.170.2', 'fe80::1', 'fd00:ec2::254', '100.100.100.200', '192.0.0.192', '0.0.0.0', '198.18.0.1']) {
    assert.equal(allowed('minio.internal', address), false, address);
  }
  const [put] = sent([mapped('m-1')], ctx({ endpoint: 'http://minio.internal:9000', allow_private_endpoint: true, region: 'us-east-1' }));
  const lookup = (address: string) => new Promise<string>((resolve) => {
    const resolver = (_host: string, _options: object, callback: (error: null, list: Array<{ address: string; family: number }>) => void) => callback(null, [{ address, family: address.includes(':') ? 6 : 4 }]);
    guardedLookup(put!.allowPrivateTargets, resolver)('minio.internal', {}, (error) => resolve(error ? String((error as { code?: string }).code) : 'connected'));
  });
  assert.equal(await lookup('10.0.0.5'), 'connected');
  assert.equal(await lookup('169.254.169.254'), 'EGRESS_REFUSED', 'the configured name resolving to the metadata address');
  assert.equal(await lookup('fd00:ec2::254'), 'EGRESS_REFUSED');
});

test('the archive record: email and phone hashed after normalisation (hashes kept as they are), no other contact information at any depth', () => {
  const hashed = 'A'.repeat(64);
  assert.equal(hashCustomerField('email_sha256', ' Jane.Doe@Example.COM '), sha256('jane.doe@example.com'));
  assert.equal(hashCustomerField('phone_sha256', '07700 900123', { defaultCountryCode: '44' }), sha256('+447700900123'));
  assert.equal(hashCustomerField('phone_sha256', '+44 (0)7700 900123'), sha256('+447700900123'));
  assert.equal(hashCustomerField('phone_sha256', '07700 900123'), undefined, 'a national number without a default country code is unusable');
  assert.equal(hashCustomerField('email_sha256', hashed), 'a'.repeat(64), 'already hashed: lower-cased, not hashed twice');
  assert.equal(hashCustomerField('email_sha256', 'not an address'), undefined);
  const record = archiveRecord({
    message_id: 'm-1', user_id: 'jane@example.com', name: 'Jane Doe', page_name: 'Checkout',
    properties: { plan: 'pro', name: 'Jane Doe', email: 'jane@example.com', contact: '+44 7700 900123', order_id: '123-456-7890', customer: { id: 'c-1', email: 'jane@example.com', name: 'Jane Doe' }, products: [{ sku: 'SKU-1', name: 'Trail Shoe', buyer_email: 'jane@example.com' }] },
    traits: { plan: 'premium', name: 'Jane Doe', firstName: 'Jane', address: { city: 'Leeds' }, company: 'Acme Inc' },
    group_traits: { name: 'Acme Inc', email: 'billing@acme.example', employees: 40 },
    products: [{ product_id: 'SKU-1', name: 'Trail Shoe' }],
    customer: { email_sha256: ' Jane@Example.com ', phone_sha256: '07700 900123', email: 'jane@example.com' },
  }, { defaultCountryCode: '44' });
  assert.deepEqual(record, {
    message_id: 'm-1', page_name: 'Checkout',
    properties: { plan: 'pro', order_id: '123-456-7890', customer: { id: 'c-1' }, products: [{ sku: 'SKU-1', name: 'Trail Shoe' }] },
    traits: { plan: 'premium', company: 'Acme Inc' },
    group_traits: { name: 'Acme Inc', employees: 40 },
    products: [{ product_id: 'SKU-1', name: 'Trail Shoe' }],
    customer: { email_sha256: sha256('jane@example.com'), phone_sha256: sha256('+447700900123') },
  }, 'a user_id that is an email goes; a person\'s name goes at the top, in properties and traits; a product\'s and a company\'s name stays; only the two hashes stay under customer');
  assert.deepEqual(archiveRecord({ message_id: 'm-2', customer: { email_sha256: 'nobody' } }), { message_id: 'm-2' }, 'nothing usable: no customer');
});

test('default and retail: URLs lose their query string and fragment (percent-encoded emails, tokens), a query string alone is left out; raw keeps them', () => {
  const reset = 'https://shop.example.com/reset?email=jane.doe%40example.com&token=abc123#access_token=xyz';
  const event = browserEvent({
    type: 'page', event: undefined, name: 'Reset', messageId: 'm-reset',
    context: { ...browserEvent().context, page: { url: reset, path: '/reset', referrer: 'https://mail.example.com/?to=jane.doe%40example.com', search: '?email=jane.doe%40example.com&token=abc123' }, campaign: { source: 'newsletter', medium: 'email' } },
    properties: { url: reset, search: '?email=jane.doe%40example.com&token=abc123', referrer: 'https://mail.example.com/?to=jane', product_url: '/p/1?ref=jane%40example.com', note: 'see https://cdn.example.com/a.png?sig=secret' },
  } as never);
  for (const variant of ['default', 'retail'] as const) {
    const { payload } = mapWith(variant, event);
    assert.equal(payload!.page_url, 'https://shop.example.com/reset', variant);
    assert.equal(payload!.page_referrer, 'https://mail.example.com/', variant);
    assert.equal('page_search' in payload!, false, variant);
    assert.deepEqual(payload!.properties, { url: 'https://shop.example.com/reset', referrer: 'https://mail.example.com/', product_url: '/p/1', note: 'see https://cdn.example.com/a.png?sig=secret' }, `${variant}: by key, or any absolute URL value (free text is left as it is)`);
    assert.deepEqual([payload!.utm_source, payload!.utm_medium], ['newsletter', 'email'], 'the campaign stays in its columns');
    assert.equal(JSON.stringify(payload).includes('%40'), false);
  }
  assert.deepEqual(withoutQueries({ a: ['https://x.example/p?q=1', 'android-app://com.x/p?u=2#f'], imageURL: 'img.png?v=3', search: 'trail shoes' }), { a: ['https://x.example/p', 'android-app://com.x/p'], imageURL: 'img.png', search: 'trail shoes' }, 'a search term is not a query string');
  const raw = createEventMapper(s3, { variant: 'raw', blueprint: null }, ctx({}, 'raw'))(event);
  assert.equal((raw.payload!.context as { page: { url: string } }).page.url, reset, 'raw: the stored event as it is');
});

test('the map hook: blueprint variants get the archive record, raw keeps the stored event as it is', () => {
  const event = browserEvent({ type: 'identify', event: undefined, userId: 'u-1', traits: { email: 'jane@example.com', name: 'Jane Doe', plan: 'pro' } } as never);
  const raw = createEventMapper(s3, { variant: 'raw', blueprint: null }, ctx({}, 'raw'))(event);
  assert.deepEqual(raw, { payload: event as unknown as JsonObject }, 'the whole canonical event, personal data included');
  const blueprint = readFileSync(new URL('../../blueprints/amazon_s3/default.yaml', import.meta.url), 'utf8');
  const flat = createEventMapper(s3, { variant: 'default', blueprint }, ctx())(event);
  assert.deepEqual(flat.payload, {
    message_id: 'm-1', type: 'identify', user_id: 'u-1', anonymous_id: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:00.100Z',
    page_url: 'https://shop.example.com/signup', page_path: '/signup', page_title: 'Sign up', page_referrer: 'https://www.google.com/', ip: '203.0.113.42', user_agent: 'Mozilla/5.0',
    customer: { email_sha256: sha256('jane@example.com') }, traits: { plan: 'pro' },
  });
});

function mapWith(variant: 'default' | 'retail', event: CanonicalEvent): { payload: JsonObject | null; warnings?: string[] } {
  const blueprint = readFileSync(new URL(`../../blueprints/amazon_s3/${variant}.yaml`, import.meta.url), 'utf8');
  const result = createEventMapper(s3, { variant, blueprint }, ctx({ default_country_code: '44' }, variant))(event);
  assert.equal(result.error, undefined);
  return { payload: result.payload, ...(result.warnings && result.warnings.length > 0 ? { warnings: result.warnings } : {}) };
}

const COLUMNS = {
  anonymous_id: 'df_abc123def456', timestamp: '2024-03-24T16:00:00.000Z', received_at: '2024-03-24T16:00:00.100Z',
  page_url: 'https://shop.example.com/signup', page_path: '/signup', page_title: 'Sign up', page_referrer: 'https://www.google.com/', ip: '203.0.113.42', user_agent: 'Mozilla/5.0',
};

test('default: a track event is one flat record, its properties nested; the site\'s properties cannot set the record\'s ids or times', () => {
  const event = browserEvent({
    messageId: 'm-track', userId: 'u-1', sentAt: '2024-03-24T16:00:00.050Z',
    properties: { plan: 'premium', message_id: 'forged', received_at: '1999-01-01T00:00:00Z', user_id: 'someone-else', email: 'Jane@Example.com', phone: '07700 900123' },
    context: { ...browserEvent().context, campaign: { source: 'google', medium: 'cpc', name: 'spring' }, locale: 'en-GB', library: { name: 'datafly.js', version: '2.4.0' }, consent: { analytics: true } },
  });
  assert.deepEqual(mapWith('default', event), { payload: {
    message_id: 'm-track', type: 'track', event: 'Signed Up', user_id: 'u-1', ...COLUMNS, sent_at: '2024-03-24T16:00:00.050Z',
    utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'spring', locale: 'en-GB', library_name: 'datafly.js', library_version: '2.4.0', consent: { analytics: true },
    customer: { email_sha256: sha256('jane@example.com'), phone_sha256: sha256('+447700900123') },
    properties: { plan: 'premium', message_id: 'forged', received_at: '1999-01-01T00:00:00Z', user_id: 'someone-else' },
  } });
});

test('default: an ecommerce event keeps its properties as the site sent them, contact information removed', () => {
  const order = mapWith('default', browserEvent({ event: 'Order Completed', properties: { order_id: 'ORD-1', revenue: 59.98, currency: 'GBP', products: [{ sku: 'SKU-9', price: 29.99, quantity: 2 }], shipping_address: { city: 'Leeds' } } }));
  assert.deepEqual(order.payload!.properties, { order_id: 'ORD-1', revenue: 59.98, currency: 'GBP', products: [{ sku: 'SKU-9', price: 29.99, quantity: 2 }] });
  assert.equal(order.payload!.event, 'Order Completed');
});

test('retail: Segment\'s Order Completed with typed columns and products (a sku-only product gets its sku as product_id); unreadable values left out, not copied as text', () => {
  const { payload, warnings } = mapWith('retail', browserEvent({
    messageId: 'm-order', event: 'Order Completed',
    properties: {
      order_id: 1001, checkout_id: 'co-9', affiliation: 'Web', revenue: '59.98', total: 64.97, tax: 'n/a', shipping: 4.99, discount: 0, coupon: 'SPRING', currency: ' gbp ', note: 'gift',
      products: [{ sku: 'SKU-9', name: 'Trail Shoe', price: '29.99', quantity: '2', category: 'Shoes' }, { product_id: 'P-2', price: 'lots' }],
    },
  }));
  assert.deepEqual(payload, {
    message_id: 'm-order', type: 'track', event: 'Order Completed', ...COLUMNS,
    properties: { note: 'gift' },
    order_id: '1001', checkout_id: 'co-9', affiliation: 'Web', revenue: 59.98, total: 64.97, shipping: 4.99, discount: 0, coupon: 'SPRING', currency: 'GBP',
    products: [{ product_id: 'SKU-9', sku: 'SKU-9', name: 'Trail Shoe', category: 'Shoes', price: 29.99, quantity: 2 }, { product_id: 'P-2', quantity: 1 }],
  });
  assert.deepEqual(warnings, ['tax: to_number: "n/a" is not a number; the field was left out', 'products[1].price: to_number: "lots" is not a number; the field was left out']);
});

test('retail: GA4\'s ecommerce events under the spec\'s names — purchase, view_item (its first item), search', () => {
  const purchase = mapWith('retail', browserEvent({ event: 'purchase', properties: { transaction_id: 'T-1', value: 25.5, currency: 'EUR', items: [{ item_id: 'I-1', item_name: 'Mug', item_brand: 'Acme', price: 12.75, quantity: 2, index: 0 }] } })).payload!;
  assert.deepEqual([purchase.event, purchase.order_id, purchase.value, purchase.currency, purchase.products, purchase.properties], ['Order Completed', 'T-1', 25.5, 'EUR', [{ product_id: 'I-1', name: 'Mug', brand: 'Acme', price: 12.75, quantity: 2, position: 0 }], {}]);
  const viewed = mapWith('retail', browserEvent({ event: 'view_item', properties: { currency: 'EUR', value: 12.75, items: [{ item_id: 'I-1', item_name: 'Mug', item_category: 'Kitchen', price: 12.75 }] } })).payload!;
  assert.deepEqual([viewed.event, viewed.product, viewed.value, viewed.currency], ['Product Viewed', { product_id: 'I-1', name: 'Mug', category: 'Kitchen', price: 12.75 }, 12.75, 'EUR']);
  const added = mapWith('retail', browserEvent({ event: 'Product Added', properties: { sku: 'SKU-9', name: 'Trail Shoe', price: 89.99, cart_id: 'cart-1', currency: 'USD', size: '42' } })).payload!;
  assert.deepEqual([added.event, added.cart_id, added.product, added.currency, added.properties], ['Product Added', 'cart-1', { product_id: 'SKU-9', sku: 'SKU-9', name: 'Trail Shoe', price: 89.99, quantity: 1 }, 'USD', { size: '42' }], 'a product with a sku only');
  const searched = mapWith('retail', browserEvent({ event: 'search', properties: { search_term: 'trail shoes' } })).payload!;
  assert.deepEqual([searched.event, searched.query, searched.properties], ['Products Searched', 'trail shoes', {}]);
  const other = mapWith('retail', browserEvent({ event: 'Newsletter Opened', properties: { issue: 42 } })).payload!;
  assert.deepEqual([other.event, other.properties], ['Newsletter Opened', { issue: 42 }], 'other events are archived as in the default');
});
