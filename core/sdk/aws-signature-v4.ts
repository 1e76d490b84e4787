// AWS Signature Version 4 for the Authorization header, as AWS's signing documentation and the
// S3 API reference describe it ("Create a signed AWS API request", "Signature Calculations for
// the Authorization Header: Transferring Payload in a Single Chunk"), shared by the plugins of
// AWS services (Amazon S3, Amazon Kinesis) from their `sign` hook. Pure: the time is given,
// nothing is read from the environment, so a preview shows the exact request. Checked against
// AWS's published test vectors (aws-sig-v4-test-suite and the S3 examples) in
// aws-signature-v4.test.ts.
import { createHash, createHmac } from 'node:crypto';
import type { RequestDescriptor } from './types.ts';

/** The scheme AWS takes in the Authorization header. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** SHA-256 (hex) of an empty payload. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  /**
   * The session token of temporary credentials (AWS STS, an access key starting with ASIA):
   * sent and signed as `x-amz-security-token` by `signAwsRequest`.
   */
  sessionToken?: string;
}

export interface SigningInput {
  method: string;
  /** The Host header as sent: host name, and `:port` when not the scheme's default. */
  host: string;
  /** The path as sent, already URI-encoded (S3 encodes each key segment once: `uriEncodePath`). */
  canonicalPath: string;
  /** Query parameters, decoded; sorted and encoded here. */
  query?: ReadonlyArray<readonly [string, string]>;
  /** Headers to sign besides `host` and `x-amz-date` (any case; values are trimmed). */
  headers: Record<string, string>;
  /** SHA-256 (hex) of the payload, as in `x-amz-content-sha256`. */
  payloadHash: string;
  /** Signing time, ms since epoch: becomes `x-amz-date`. */
  now: number;
  region: string;
  service: string;
  credentials: Credentials;
}

export interface SignedRequest {
  /** `x-amz-date`: ISO 8601 basic format, UTC (`20130524T000000Z`). */
  amzDate: string;
  /** The value of the Authorization header. */
  authorization: string;
  /** Every header signed, names in lower case (host and x-amz-date included). */
  signedHeaders: Record<string, string>;
  canonicalRequest: string;
  stringToSign: string;
  signature: string;
}

export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
const hmac = (key: string | Uint8Array, data: string): Buffer => createHmac('sha256', key).update(data, 'utf8').digest();

/**
 * RFC 3986 encoding as SigV4 wants it: every byte of the UTF-8 form percent-encoded in upper
 * case hex except the unreserved characters `A–Z a–z 0–9 - . _ ~` (and `/` when
 * `keepSlash`). `encodeURIComponent` leaves `! ' ( ) *` as they are, which SigV4 encodes.
 *
 * @example
 * uriEncode('test$file.text'); // 'test%24file.text'
 * uriEncode('dt=2024-03-24/hour=16', true); // 'dt%3D2024-03-24/hour%3D16'
 */
export function uriEncode(text: string, keepSlash = false): string {
  const encoded = encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return keepSlash ? encoded.replace(/%2F/g, '/') : encoded;
}

/** `YYYYMMDDTHHMMSSZ` of a time in ms. */
export function amzDateOf(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

/** Header values as SigV4 canonicalises them: trimmed, runs of spaces collapsed to one. */
function canonicalValue(value: string): string {
  return value.trim().replace(/ +/g, ' ');
}

/**
 * The signing key for a day, region and service: HMAC chain from `AWS4` + the secret key.
 *
 * @example
 * signingKey('wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', '20150830', 'us-east-1', 'iam').toString('hex');
 * // 'c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9' (AWS's example)
 */
export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), 'aws4_request');
}

/**
 * Signs a request with AWS Signature Version 4 (Authorization header): the canonical request
 * (method, path, sorted query, sorted lower-case headers, signed header names, payload hash),
 * the string to sign (algorithm, time, scope `day/region/service/aws4_request`, the canonical
 * request's hash) and its HMAC-SHA256 with the day's signing key.
 *
 * @example
 * const signed = signRequest({
 *   method: 'PUT', host: 'examplebucket.s3.amazonaws.com', canonicalPath: '/test%24file.text',
 *   headers: { date: 'Fri, 24 May 2013 00:00:00 GMT', 'x-amz-storage-class': 'REDUCED_REDUNDANCY', 'x-amz-content-sha256': payloadHash },
 *   payloadHash, now: Date.UTC(2013, 4, 24), region: 'us-east-1', service: 's3',
 *   credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' },
 * });
 * signed.signature; // '98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd' (S3's PUT Object example)
 */
export function signRequest(input: SigningInput): SignedRequest {
  const amzDate = amzDateOf(input.now);
  const day = amzDate.slice(0, 8);
  const headers = new Map<string, string>();
  for (const [name, value] of Object.entries(input.headers)) headers.set(name.toLowerCase(), canonicalValue(value));
  headers.set('host', canonicalValue(input.host));
  headers.set('x-amz-date', amzDate);
  const names = [...headers.keys()].sort();
  const signedHeaderNames = names.join(';');
  const query = [...(input.query ?? [])]
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalRequest = [
    input.method,
    input.canonicalPath,
    query,
    names.map((name) => `${name}:${headers.get(name)!}\n`).join(''),
    signedHeaderNames,
    input.payloadHash,
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const signature = createHmac('sha256', signingKey(input.credentials.secretAccessKey, day, input.region, input.service)).update(stringToSign, 'utf8').digest('hex');
  return {
    amzDate,
    authorization: `${ALGORITHM} Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaderNames}, Signature=${signature}`,
    signedHeaders: Object.fromEntries(names.map((name) => [name, headers.get(name)!])),
    canonicalRequest,
    stringToSign,
    signature,
  };
}

/** What `signAwsRequest` needs besides the request: where it goes, as whom, and when. */
export interface AwsSigningOptions {
  /** The AWS Region of the scope (`eu-west-1`). */
  region: string;
  /** The service's signing name (`s3`, `kinesis`, `firehose`). */
  service: string;
  credentials: Credentials;
  /** Signing time, ms since epoch: `ctx.now` in a plugin's `sign` hook. */
  now: number;
}

/** The bytes a request body is sent as: text as UTF-8, bytes as they are, JSON as the core serialises it. */
function payloadOf(body: RequestDescriptor['body']): string | Uint8Array {
  if (body === undefined) return '';
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  return JSON.stringify(body);
}

/**
 * The path as SigV4 signs it: S3's exactly as sent (its keys are encoded once), every other
 * service's with each segment URI-encoded once more (AWS's rule: a `*` in a segment is signed
 * as `%2A`, and a `%2F` sent as `%252F`).
 *
 * @example
 * canonicalPathOf('/a%2Fb/c', 'es'); // '/a%252Fb/c'
 */
export function canonicalPathOf(path: string, service: string): string {
  return service === 's3' ? path : path.split('/').map((segment) => uriEncode(segment)).join('/');
}

/**
 * A request descriptor signed with AWS Signature Version 4: the same request with `x-amz-date`,
 * `x-amz-security-token` (temporary credentials only) and `authorization` added. Signs the
 * URL's host (with its port when not the scheme's default), its path as sent (URI-encoded: S3
 * encodes each key segment once, `uriEncode`; for other services each segment is encoded once
 * more, as AWS signs it, `canonicalPathOf`),
 * the request's `query`, every header it carries, and the SHA-256 of the body as sent; a
 * `x-amz-content-sha256` header the request carries (S3 requires one) is taken as that hash.
 * Meant for a plugin's `sign` hook, which the core calls at the moment of sending.
 *
 * @example
 * sign: (request, ctx) => signAwsRequest(request, { region: 'eu-west-1', service: 'kinesis', now: ctx.now, credentials: { accessKeyId: 'AKIA…', secretAccessKey: '…' } }),
 * // { ...request, headers: { ...request.headers, 'x-amz-date': '20240324T160509Z', authorization: 'AWS4-HMAC-SHA256 Credential=AKIA…/20240324/eu-west-1/kinesis/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=…' } }
 */
export function signAwsRequest(request: RequestDescriptor, options: AwsSigningOptions): RequestDescriptor {
  const url = new URL(request.url);
  const given: Record<string, string> = {};
  // Signed again (a re-send): the previous signature's own headers are not signed.
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    if (!/^(authorization|x-amz-date)$/i.test(name)) given[name] = value;
  }
  const token = options.credentials.sessionToken;
  if (token !== undefined && token !== '') given['x-amz-security-token'] = token;
  const contentHash = Object.entries(given).find(([name]) => name.toLowerCase() === 'x-amz-content-sha256')?.[1];
  const signed = signRequest({
    method: request.method,
    host: url.host,
    canonicalPath: canonicalPathOf(url.pathname === '' ? '/' : url.pathname, options.service),
    // The core sends the URL's own query pairs, then `query`'s (see buildUrl).
    query: [...url.searchParams.entries(), ...(request.query ?? [])],
    headers: given,
    payloadHash: contentHash ?? sha256Hex(payloadOf(request.body)),
    now: options.now,
    region: options.region,
    service: options.service,
    credentials: options.credentials,
  });
  return { ...request, headers: { ...given, 'x-amz-date': signed.amzDate, authorization: signed.authorization } };
}
