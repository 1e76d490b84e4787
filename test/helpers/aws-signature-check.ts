// What an AWS endpoint checks of a request the vendor simulator recorded: its Signature Version 4
// signature, recomputed here on its own (not with the SDK's signer) over the real host — the
// simulator stands in for it — and the bytes received, for the expected key, Region and
// service, with AWS's five-minute allowance for the signing time. The AWS plugins' end-to-end
// tests answer a request that fails it as AWS would (InvalidSignatureException); their unit
// tests check what `sign` returns with it (`asReceived`).
import { createHash, createHmac } from 'node:crypto';
import type { RequestDescriptor } from '../../core/sdk/types.ts';
import type { RecordedRequest } from '../vendor-sim/vendor-sim.ts';

/** Who must have signed a request, and for what. */
export interface AwsSignatureExpected {
  /** The endpoint's real host (`sqs.eu-west-1.amazonaws.com`), signed as `host`. */
  host: string;
  region: string;
  /** The signing name: `sqs`, `events`, `kinesis`, `firehose`, `redshift-data`… */
  service: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** The path signed (`/` unless told: the AWS JSON APIs'; REST JSON APIs such as Personalize Events' `/events` have their own). */
  path?: string;
}

const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/;
const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Buffer, text: string) => createHmac('sha256', key).update(text, 'utf8').digest();
/** `20261130T120005Z` as milliseconds. */
const amzDateMs = (date: string) => Date.parse(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));

/**
 * Whether a POST to `/` (the AWS JSON APIs' one path; `expected.path` otherwise) carries the SigV4 signature AWS would
 * compute for it, signed by `expected`'s key for its Region and service, within five minutes of
 * now.
 *
 * @example
 * const expected = { host: 'sqs.eu-west-1.amazonaws.com', region: 'eu-west-1', service: 'sqs', accessKeyId: ACCESS_KEY, secretAccessKey: SECRET };
 * if (!awsSignatureHolds(request, expected)) return { status: 403, body: { __type: 'InvalidSignatureException', message: '…' } };
 */
export function awsSignatureHolds(request: RecordedRequest, expected: AwsSignatureExpected, now = Date.now()): boolean {
  const match = AUTHORIZATION.exec(request.headers.authorization ?? '');
  if (!match || match[1] !== expected.accessKeyId || match[3] !== expected.region || match[4] !== expected.service) return false;
  const names = match[5]!.split(';');
  const value = (name: string) => (name === 'host' ? expected.host : (request.headers[name] ?? '').trim());
  const canonical = ['POST', expected.path ?? '/', '', names.map((n) => `${n}:${value(n)}\n`).join(''), names.join(';'), sha256(request.bytes)].join('\n');
  const date = request.headers['x-amz-date'] ?? '';
  const scope = `${match[2]}/${expected.region}/${expected.service}/aws4_request`;
  const key = hmac(hmac(hmac(hmac(`AWS4${expected.secretAccessKey}`, match[2]!), expected.region), expected.service), 'aws4_request');
  const signature = createHmac('sha256', key).update(['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n')).digest('hex');
  return signature === match[6] && Math.abs(amzDateMs(date) - now) < 5 * 60_000;
}

/**
 * A signed request as the endpoint would receive it: its headers lower-cased, its body's bytes
 * (an object body as its JSON, as the core sends it), for `awsSignatureHolds` in a unit test.
 *
 * @example
 * assert.ok(awsSignatureHolds(asReceived(plugin.sign!(request, ctx)), expected, ctx.now));
 */
export function asReceived(request: RequestDescriptor): RecordedRequest {
  const body = request.body === undefined ? '' : typeof request.body === 'string' ? request.body : JSON.stringify(request.body);
  const url = new URL(request.url);
  const headers = Object.fromEntries(Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]));
  return { method: request.method, path: url.pathname, queryPairs: [...url.searchParams], query: Object.fromEntries(url.searchParams), headers, body, bytes: Buffer.from(body), receivedAt: Date.now() };
}
