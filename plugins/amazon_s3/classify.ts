// S3's answers to PutObject, read as the S3 API reference documents them ("Error responses":
// an XML <Error> with Code, Message and RequestId, and the HTTP status of each code), with the
// retry classes of AWS's own SDK (@smithy/service-error-classification: throttling codes such as
// SlowDown, transient codes such as RequestTimeout, transient statuses 500, 502, 503, 504).
import { prefixOf } from './object-key.ts';
import { defaultClassify, excerpt, parseRetryAfter, type Classification, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What an S3 error body says. */
export interface S3Error {
  code?: string;
  message?: string;
  requestId?: string;
  /** AuthorizationHeaderMalformed: the Region the bucket expects. */
  region?: string;
  /** PermanentRedirect: the endpoint the bucket must be addressed at. */
  endpoint?: string;
  /** RequestTimeTooSkewed: S3's clock and the request's time. */
  serverTime?: string;
  requestTime?: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeXml(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) return String.fromCodePoint(Number.parseInt(name.slice(2), 16));
    if (name.startsWith('#')) return String.fromCodePoint(Number.parseInt(name.slice(1), 10));
    return ENTITIES[name.toLowerCase()] ?? '';
  });
}

/**
 * The elements of an S3 error body (`<Error><Code>…</Code><Message>…</Message>…</Error>`), or
 * undefined when the body is none (an empty body, a proxy's HTML page). S3's error bodies are
 * flat: the elements are read by name, without an XML parser.
 *
 * @example
 * parseS3Error('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><RequestId>4442587FB7D0A2F9</RequestId></Error>');
 * // { code: 'NoSuchBucket', message: 'The specified bucket does not exist', requestId: '4442587FB7D0A2F9' }
 */
export function parseS3Error(body: string): S3Error | undefined {
  const error = /<Error>([\s\S]*?)<\/Error>/.exec(body)?.[1];
  if (error === undefined) return undefined;
  const element = (name: string): string | undefined => {
    const found = new RegExp(`<${name}>([\\s\\S]*?)</${name}>`).exec(error)?.[1];
    return found === undefined ? undefined : decodeXml(found).trim();
  };
  const parsed: S3Error = {};
  const fields: Array<[keyof S3Error, string]> = [
    ['code', 'Code'], ['message', 'Message'], ['requestId', 'RequestId'], ['region', 'Region'],
    ['endpoint', 'Endpoint'], ['serverTime', 'ServerTime'], ['requestTime', 'RequestTime'],
  ];
  for (const [key, name] of fields) {
    const value = element(name);
    if (value !== undefined && value !== '') parsed[key] = value;
  }
  return parsed;
}

/** Codes of throttling (AWS's SDKs back off on them): SlowDown is S3's, 503. */
const THROTTLING = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'RequestThrottled', 'RequestLimitExceeded', 'TooManyRequestsException', 'BandwidthLimitExceeded']);
/** Codes of passing failures: worth another try whatever their status. */
const TRANSIENT = new Set([
  'InternalError', 'ServiceUnavailable', 'RequestTimeout',
  // 409: "A conflicting conditional operation is currently in progress against this resource. Try again."
  'OperationAborted',
  // 307: the bucket's DNS entry is being updated (a new bucket, up to a day): the request is good.
  'TemporaryRedirect',
  // 400: the body ended before its Content-Length (a connection cut mid-upload): the object is whole on the next try.
  'IncompleteBody',
]);

interface Context {
  bucket: string;
  prefix: string;
  sse?: string | undefined;
}

function contextOf(config: Record<string, JsonValue>): Context {
  return { bucket: String(config.bucket ?? ''), prefix: prefixOf(config), sse: typeof config.server_side_encryption === 'string' ? config.server_side_encryption : undefined };
}

/**
 * The KMS part of an AccessDenied's fix: named when the config asks for SSE-KMS or S3's message
 * speaks of KMS (the bucket's default encryption may be SSE-KMS without the config saying so).
 */
function kmsHint(error: S3Error, context: Context): string {
  if (context.sse?.startsWith('aws:kms')) return ', and kms:GenerateDataKey on config.kms_key_id (or the bucket\'s default KMS key)';
  if (error.message && /kms/i.test(error.message)) return ', and kms:GenerateDataKey on the KMS key of the bucket\'s default encryption (S3 console > bucket > Properties > Default encryption)';
  return ' (and kms:GenerateDataKey on its key if the bucket\'s default encryption is SSE-KMS)';
}

/** What to fix, per code that no retry can cure: the config field and where to find its value. */
function fixFor(error: S3Error, response: VendorResponse, context: Context): string | undefined {
  const resource = `arn:aws:s3:::${context.bucket}/${context.prefix === '' ? '' : `${context.prefix}/`}*`;
  switch (error.code) {
    case 'InvalidAccessKeyId':
      return 'S3 does not know config.access_key_id: copy it again from IAM (Users > Security credentials > Access keys), check it is active, and that the config\'s endpoint and region belong to the account that issued it';
    case 'SignatureDoesNotMatch':
      return 'S3 computed another signature for this request. Most often config.secret_access_key is not the secret of config.access_key_id: paste the secret shown when the access key was created (create a new key if it is lost). '
        + 'Otherwise something changed the request on its way: a proxy or a SIGNAL_VENDOR_REDIRECTS entry that rewrites the Host or the path (the signature covers both), or a store that normalises paths; '
        + 'or the Signal host\'s clock is off (check NTP: AWS\'s SDKs count this code among clock-skew errors)';
    case 'AccessDenied':
    case 'AllAccessDisabled':
      return `the credentials may not write here: allow s3:PutObject on ${resource} in the IAM policy of the access key's user or role${kmsHint(error, context)}, and check that no bucket policy, SCP or Block Public Access setting denies it`;
    case 'AccountProblem':
      return 'AWS reports a problem with the account that blocks the request: contact AWS Support';
    case 'ExpiredToken':
    case 'TokenRefreshRequired':
      return 'the temporary credentials have expired: config.session_token (and its access key) last hours at most; give the integration a long-lived IAM user access key without a session token, or update all three';
    case 'InvalidToken':
      return 'config.session_token is not a valid session token for config.access_key_id: update both from the same STS answer, or leave session_token out for an IAM user\'s key';
    case 'NoSuchBucket':
      return `the bucket "${context.bucket}" does not exist at this endpoint: check config.bucket, config.region (and config.endpoint for another store)`;
    case 'InvalidBucketName':
      return 'config.bucket is not a valid bucket name';
    case 'PermanentRedirect': {
      const region = response.headers['x-amz-bucket-region'];
      return `the bucket is in another Region: set config.region to ${region ? `"${region}"` : 'the bucket\'s Region (S3 console > bucket > Properties)'}${error.endpoint ? ` (S3 says: use ${error.endpoint})` : ''}`;
    }
    case 'AuthorizationHeaderMalformed':
    case 'IllegalLocationConstraintException':
      return error.region ? `set config.region to "${error.region}", the bucket's Region` : 'check config.region: it must be the bucket\'s Region';
    case 'InvalidStorageClass':
      return 'config.storage_class is not available for this bucket or store: choose another, or leave it out';
    case 'NotImplemented':
      return 'the store does not implement a header Signal sent: leave config.storage_class and config.server_side_encryption out for a store other than AWS';
    default:
      return undefined;
  }
}

/** `S3 403 AccessDenied: Access Denied (request 4442587FB7D0A2F9)`. */
function said(status: number, error: S3Error | undefined, body: string): string {
  if (!error) {
    const text = body.replace(/\s+/g, ' ').trim();
    return `S3 HTTP ${status}${text ? `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}` : ''}`;
  }
  return `S3 HTTP ${status}${error.code ? ` ${error.code}` : ''}${error.message ? `: ${error.message}` : ''}${error.requestId ? ` (request ${error.requestId})` : ''}`;
}

/**
 * S3's answer to a PutObject, as the S3 API reference documents it:
 * - 2xx: the object is written, whole (S3 never keeps a partial object) — delivered. A 2xx
 *   carrying an `<Error>` (S3 answers some operations that way) is read as that error; a 2xx
 *   with another body (a proxy's page: PutObject's answer is empty) is sent again;
 * - SlowDown (503) and other throttling codes, 429 of S3-compatible stores: retried as a rate
 *   limit (`throttled`: no try used up, the integration slowed), honouring Retry-After;
 * - RequestTimeTooSkewed (403): retried, saying the Signal host's clock is off — each try is
 *   signed anew with the host's time, so once the clock is fixed the next one goes through;
 * - InternalError, ServiceUnavailable, RequestTimeout, OperationAborted, TemporaryRedirect,
 *   IncompleteBody and 500/502/503/504: retried;
 * - EntityTooLarge / 413: sent again in halves (the object was over the store's limit);
 * - credentials, permissions, bucket and Region problems (InvalidAccessKeyId,
 *   SignatureDoesNotMatch, AccessDenied, ExpiredToken, NoSuchBucket, PermanentRedirect,
 *   AuthorizationHeaderMalformed…): dead-lettered at once with the config field to fix —
 *   they fail every event alike, so a batch is never split on them;
 * - any other 4xx: dead-lettered with S3's code and message.
 *
 * @example
 * classifyS3({ status: 403, headers: {}, body: '<Error><Code>InvalidAccessKeyId</Code><Message>The AWS Access Key Id you provided does not exist in our records.</Message></Error>' }, request, config);
 * // { status: 'dead_letter', reason: 'S3 HTTP 403 InvalidAccessKeyId: The AWS Access Key Id you provided does not exist in our records. — S3 does not know config.access_key_id: …' }
 */
export function classifyS3(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const { status } = response;
  const error = parseS3Error(response.body);
  if (status >= 200 && status < 300 && error?.code === undefined) {
    // PutObject answers an empty 200 (the ETag in its headers): a 2xx with another body (a proxy's
    // or captive portal's page) wrote nothing.
    if ((response.body ?? '').trim() === '') return { status: 'delivered' };
    return { status: 'retry', reason: `HTTP ${status} with a body (${excerpt(response.body)}): not S3's answer to a PutObject, which is empty — a proxy? — so the object is written again` };
  }
  const context = contextOf(config);
  const what = said(status, error, response.body);
  const code = error?.code;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  const after = retryAfterMs === undefined ? {} : { retryAfterMs };
  if ((code !== undefined && THROTTLING.has(code)) || status === 429) {
    return { status: 'retry', reason: `${what} — S3 asks to slow down: retrying later at a lower rate`, throttled: true, ...after };
  }
  if (code === 'RequestTimeTooSkewed') {
    const times = error?.serverTime ? ` (S3's time ${error.serverTime}${error.requestTime ? `, the request's ${error.requestTime}` : ''})` : '';
    return { status: 'retry', reason: `${what} — the clock of the Signal host that signed the request is off by more than 15 minutes${times}: synchronise it (NTP); retrying`, ...after };
  }
  if (code === 'EntityTooLarge' || status === 413) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `${what} — the object is over the store's size limit: writing the events in two objects` };
    return { status: 'dead_letter', reason: `${what} — this one event is over the store's object size limit` };
  }
  if ((code !== undefined && TRANSIENT.has(code)) || [500, 502, 503, 504].includes(status)) return { status: 'retry', reason: what, ...after };
  const fix = error ? fixFor(error, response, context) : undefined;
  if (fix) return { status: 'dead_letter', reason: `${what} — ${fix}` };
  if (error?.message && /kms/i.test(error.message)) {
    const key = context.sse?.startsWith('aws:kms') ? 'config.kms_key_id (the key\'s ARN or id, in the bucket\'s Region, enabled)' : 'the KMS key of the bucket\'s default encryption (in the bucket\'s Region, enabled)';
    return { status: 'dead_letter', reason: `${what} — check ${key} and that the credentials may use it (kms:GenerateDataKey)` };
  }
  // Anything else: the core's reading of the status (5xx retried, 408 retried, other 4xx and
  // 3xx dead-lettered), with S3's code and message as the reason.
  const fallback = defaultClassify(response);
  return 'reason' in fallback ? { ...fallback, reason: what } : status >= 200 && status < 300 ? { status: 'retry', reason: what } : fallback;
}
