// AWS Signature Version 4 for the Authorization header, as the S3 API reference describes it
// ("Authenticating Requests: Using the Authorization Header", "Signature Calculations for the
// Authorization Header: Transferring Payload in a Single Chunk"). Pure: the time is given, the
// payload's hash is given, nothing is read from the environment — so `send` stays pure and a
// preview shows the exact request. Checked against AWS's published test vectors
// (aws-sig-v4-test-suite and the S3 examples) in sigv4.test.ts.
import { createHash, createHmac } from 'node:crypto';

/** The scheme S3 takes in the Authorization header. */
export const ALGORITHM = 'AWS4-HMAC-SHA256';
/** SHA-256 (hex) of an empty payload. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
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
