// AWS's answers to PutRecords and PutRecordBatch. A 200 may still refuse records: PutRecords
// answers `{ FailedRecordCount, Records: [{ SequenceNumber, ShardId } | { ErrorCode,
// ErrorMessage }] }` and PutRecordBatch `{ FailedPutCount, RequestResponses: [{ RecordId } |
// { ErrorCode, ErrorMessage }] }`, one result per record in the request's order: each failed
// record is sent again alone (throughput exceeded: as a rate limit), never the whole request.
// A refused request carries the JSON 1.1 protocol's error, `{ "__type": "<code>", "message" }`
// (the code also in the x-amzn-ErrorType header), see `awsError`.
import { excerpt, AWS_CLOCK_SKEW_CODES, AWS_CREDENTIAL_CODES, AWS_EXPIRED_TOKEN_CODES, AWS_THROTTLING_CODES, AWS_TRANSIENT_CODES, awsJsonError, type AwsError, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { regionOf, serviceOf, streamOf, type Service } from './config.ts';
import { readCutAnswer, type CutAnswer } from './cut-answer.ts';

/**
 * Error codes that mean "too fast, slow down": retried as a rate limit (the AWS SDKs' throttling
 * codes, and the stream's own write limit).
 */
const THROTTLING = new Set([...AWS_THROTTLING_CODES, 'ServiceUnavailableException']);
/** Passing failures on AWS's side: retried with the core's backoff. */
const TRANSIENT = new Set([...AWS_TRANSIENT_CODES, 'ResourceInUseException']);
/** The signature's time was refused: the Signal host's clock is off (the AWS SDKs' clock-skew codes). */
const CLOCK_SKEW = new Set(AWS_CLOCK_SKEW_CODES);
/** The access key or its signature was refused. */
const CREDENTIALS = new Set(AWS_CREDENTIAL_CODES);
/** Temporary credentials that expired. */
const EXPIRED = new Set(AWS_EXPIRED_TOKEN_CODES);
/** The stream's KMS key refused (or cannot be used). */
const KMS = /^(?:KMS|InvalidKMSResource)/;
/** A request the API refused as malformed, which may be one record's doing (its size). */
const VALIDATION = new Set(['ValidationException', 'InvalidArgumentException', 'SerializationException']);
/** A validation message about the stream's name, not a record. */
const STREAM_FIELD = /streamName|streamARN|deliveryStreamName/i;

/** The service's name in messages. */
const serviceName = (service: Service) => (service === 'firehose' ? 'Firehose' : 'Kinesis');
/** The permission a request needs. */
const permissionOf = (service: Service) => (service === 'firehose' ? 'firehose:PutRecordBatch' : 'kinesis:PutRecords');

/** Text cut to a length that reads well in a message, white space collapsed. */
const shortText = (value: string, max = 300) => excerpt(value, max);

/** An AWS JSON-protocol error answer's code and message (the SDK's awsJsonError). */
export const awsError = awsJsonError;
export type { AwsError };

/** `HTTP 400 ResourceNotFoundException: Stream … not found.` — what an answer said, for reasons. */
function said(status: number, error: AwsError): string {
  const words = [error.code, error.message].filter((part) => part !== '').join(': ');
  return words === '' ? `HTTP ${status}` : `HTTP ${status} ${words}`;
}

/** The retry of a rate-limited answer, after its Retry-After when it gives one. */
function throttledRetry(reason: string, response?: VendorResponse): EventOutcome {
  const retryAfterMs = response === undefined ? undefined : parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, throttled: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** The stream as messages name it: `data stream signal-events in eu-west-1`. */
function streamWords(config: Record<string, JsonValue>): string {
  const service = serviceOf(config);
  return `${service === 'firehose' ? 'Firehose stream' : 'data stream'} ${streamOf(config).name} in ${regionOf(config)}`;
}

/** What one failed record's `ErrorCode` means for its event. */
export function recordOutcome(code: string, message: string, config: Record<string, JsonValue>): EventOutcome {
  const service = serviceOf(config);
  const words = `${code}${message === '' ? '' : `: ${shortText(message, 200)}`}`;
  if (code === 'ProvisionedThroughputExceededException') {
    return throttledRetry(`${serviceName(service)} refused the record: the shard's write limit was exceeded (${words}); sent again later. If this lasts, add shards to the ${streamWords(config)} or switch it to on-demand capacity`);
  }
  if (THROTTLING.has(code)) return throttledRetry(`${serviceName(service)} refused the record for its rate limit (${words}); sent again later`);
  if (KMS.test(code)) return kmsOutcome(words, config);
  return { status: 'retry', reason: `${serviceName(service)} did not write the record (${words || 'no error code'}); sent again` };
}

/** A KMS refusal: throttling retried as a rate limit, anything else dead-lettered saying what to grant. */
function kmsOutcome(words: string, config: Record<string, JsonValue>): EventOutcome {
  if (/^KMSThrottling/.test(words)) return throttledRetry(`KMS throttled the stream's key (${words}); sent again later`);
  return {
    status: 'dead_letter',
    reason: `the ${streamWords(config)} is encrypted with a KMS key that cannot be used (${words}): check that the key is enabled, and grant the IAM identity of config.access_key_id kms:GenerateDataKey on it; then replay the dead letters`,
  };
}

/** A 2xx: each record's result, by index; events whose record failed retried (or dead-lettered for a KMS key). */
function classifyWritten(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const service = serviceOf(config);
  const json = response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? (response.json as Record<string, unknown>) : undefined;
  const listName = service === 'firehose' ? 'RequestResponses' : 'Records';
  const countName = service === 'firehose' ? 'FailedPutCount' : 'FailedRecordCount';
  const results = json?.[listName];
  if (json === undefined) {
    // AWS's answer cut short by the core's 64 KB (a full request's results are often longer).
    const cut = readCutAnswer(response.body, countName, listName);
    if (cut !== undefined) return classifyCut(cut, request, config);
    // Not the API's answer (a proxy's page, a captive portal): nothing says the records were
    // written, so they are sent again (a consumer sees a copy at worst).
    return { status: 'retry', reason: `HTTP ${response.status} with ${response.body.trim() === '' ? 'an empty body' : 'a body that is no JSON object'}: not ${serviceName(service)}'s answer (a proxy in the way?), so the records are sent again` };
  }
  if (results === undefined) {
    // A JSON answer without per-record results: written, unless it counts failures it cannot name.
    const failed = json[countName];
    if (typeof failed === 'number' && failed > 0) return { status: 'retry', reason: `${serviceName(service)} counted ${failed} failed record(s) without naming them: the request is sent again` };
    return { status: 'delivered' };
  }
  if (!Array.isArray(results) || results.length !== request.eventIds.length) {
    return { status: 'retry', reason: `HTTP ${response.status} with ${Array.isArray(results) ? `${results.length} results` : `a ${listName} that is no list`} for a request of ${request.eventIds.length} records: which were written is unknown, so the request is sent again` };
  }
  const perEvent: Record<string, EventOutcome> = {};
  results.forEach((result: unknown, index) => {
    const outcome = resultOutcome(result, config);
    if (outcome !== undefined) perEvent[request.eventIds[index]!] = outcome;
  });
  return Object.keys(perEvent).length === 0 ? { status: 'delivered' } : { perEvent };
}

/** The outcome of one result: undefined when its record was written. */
function resultOutcome(result: unknown, config: Record<string, JsonValue>): EventOutcome | undefined {
  const entry = result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : {};
  const code = typeof entry.ErrorCode === 'string' ? entry.ErrorCode : '';
  return code === '' ? undefined : recordOutcome(code, typeof entry.ErrorMessage === 'string' ? entry.ErrorMessage : '', config);
}

/**
 * A 2xx answer cut short (see cut-answer.ts): the results that came decide their records; the
 * records after them were written when the failures that came are all the answer counts (or it
 * counts none), and are otherwise sent again, their results unknown.
 */
function classifyCut(cut: CutAnswer, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const name = serviceName(serviceOf(config));
  if (cut.results.length > request.eventIds.length) {
    return { status: 'retry', reason: `${name}'s answer holds more results (${cut.results.length}) than the request's ${request.eventIds.length} records: which were written is unknown, so the request is sent again` };
  }
  const perEvent: Record<string, EventOutcome> = {};
  cut.results.forEach((result, index) => {
    const outcome = resultOutcome(result, config);
    if (outcome !== undefined) perEvent[request.eventIds[index]!] = outcome;
  });
  const failedSeen = Object.keys(perEvent).length;
  if (cut.failedCount === undefined || failedSeen < cut.failedCount) {
    for (const id of request.eventIds.slice(cut.results.length)) {
      perEvent[id] = { status: 'retry', reason: `${name}'s answer was cut short before this record's result (it counts ${cut.failedCount ?? 'an unknown number of'} failed records, ${failedSeen} named): sent again, so a consumer may read it twice` };
    }
  }
  return Object.keys(perEvent).length === 0 ? { status: 'delivered' } : { perEvent };
}

/**
 * AWS's answer to a PutRecords or PutRecordBatch request:
 * - 2xx: per record — written, or (ErrorCode) sent again alone: ProvisionedThroughputExceeded
 *   and ServiceUnavailable as a rate limit, InternalFailure with the core's backoff; a KMS key
 *   that cannot be used dead-letters its records. A 2xx that is not the API's answer is retried;
 * - 429 and the throttling codes (ThrottlingException, LimitExceeded, ProvisionedThroughputExceeded,
 *   KMSThrottling, ServiceUnavailable…): retried as a rate limit, after Retry-After when given;
 * - 5xx, InternalFailure, ResourceInUse (a stream being updated): retried;
 * - RequestExpired and other clock-skew codes: retried, the reason naming the host's clock;
 * - 413, and a ValidationException or InvalidArgumentException of several records: sent again
 *   in halves (one record's size may be the cause); of one record: dead-lettered saying so;
 * - ResourceNotFound, AccessDenied, a refused key or signature, expired temporary
 *   credentials, a KMS key, InvalidSource: dead-lettered, naming the config field to fix.
 *
 * @example
 * classifyPut({ status: 200, headers: {}, body: '…', json: { FailedRecordCount: 1, Records: [{ SequenceNumber: '4962…', ShardId: 'shardId-000000000000' }, { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure.' }] } }, request, config);
 * // { perEvent: { 'm-2': { status: 'retry', reason: 'Kinesis did not write the record (InternalFailure: Internal service failure.); sent again' } } }
 */
export function classifyPut(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return classifyWritten(response, request, config);
  const service = serviceOf(config);
  const name = serviceName(service);
  const error = awsError(response);
  const answered = said(status, error);
  const several = request.eventIds.length > 1;
  const stream = streamWords(config);
  const fix = 'then replay the dead letters';
  if (status === 429 || THROTTLING.has(error.code)) {
    return throttledRetry(error.code === 'ProvisionedThroughputExceededException'
      ? `${name} refused the request: the stream's write limit was exceeded (${answered}); sent again later. If this lasts, add shards to the ${stream} or switch it to on-demand capacity`
      : `${name}'s rate limit was reached (${answered}); sent again later`, response);
  }
  if (CLOCK_SKEW.has(error.code) || (error.code === 'InvalidSignatureException' && /expired|in the future/i.test(error.message))) {
    return { status: 'retry', reason: `${name} refused the request's time (${answered}): the Signal host's clock is more than 5 minutes off AWS's; fix it with NTP (each try is signed anew)` };
  }
  if (status >= 500 || TRANSIENT.has(error.code) || status === 408) return { status: 'retry', reason: `${name} failed (${answered})` };
  if (status === 413) {
    if (several) return { status: 'split', reason: `${name} refused the request as too large (${answered}): sending it in halves` };
    return { status: 'dead_letter', reason: `${name} refused this record alone as too large (${answered}): a record holds at most ${service === 'firehose' ? '1,000 KiB' : '1 MiB'}; leave its largest properties out with a pipeline transformation or the blueprint, ${fix}` };
  }
  if (error.code === 'ResourceNotFoundException') {
    return { status: 'dead_letter', reason: `${name} has no ${stream} for these credentials (${answered}): check config.stream_name and config.region (and that the key's account owns the stream), ${fix}` };
  }
  if (error.code === 'AccessDeniedException' || error.code === 'AccessDenied' || error.code === 'NotAuthorized') {
    return { status: 'dead_letter', reason: `${name} denied access (${answered}): allow the IAM identity of config.access_key_id ${permissionOf(service)} on the ${stream} (and kms:GenerateDataKey on its key when encrypted with a customer managed key), ${fix}` };
  }
  if (EXPIRED.has(error.code)) {
    return { status: 'dead_letter', reason: `${name} refused the temporary credentials as expired (${answered}): store new ones (config.access_key_id, config.secret_access_key, config.session_token) in a new revision, or a long-lived IAM user key without a session token; ${fix}` };
  }
  if (CREDENTIALS.has(error.code) || status === 401) {
    return { status: 'dead_letter', reason: `${name} refused the credentials (${answered}): check config.access_key_id and config.secret_access_key (the key active, the secret the one shown when the key was created, config.session_token set only for ASIA… keys), and config.region; ${fix}` };
  }
  if (KMS.test(error.code)) return kmsOutcome(`${answered}`, config);
  if (error.code === 'InvalidSourceException') {
    return { status: 'dead_letter', reason: `the Firehose stream takes its records from a Kinesis data stream, not from PutRecordBatch (${answered}): set config.service to data_streams and config.stream_name to that data stream, or point config.stream_name at a Direct PUT Firehose stream; ${fix}` };
  }
  if (VALIDATION.has(error.code)) {
    if (STREAM_FIELD.test(error.message)) return { status: 'dead_letter', reason: `${name} refused the stream's name (${answered}): check config.stream_name, ${fix}` };
    if (several) return { status: 'split', reason: `${name} refused the request (${answered}); one record may be the cause: sending it in halves` };
    return { status: 'dead_letter', reason: `${name} refused this record (${answered}): a record holds at most ${service === 'firehose' ? '1,000 KiB' : '1 MiB'} of data; leave its largest properties out with a pipeline transformation or the blueprint, ${fix}` };
  }
  return { status: 'dead_letter', reason: `${name} refused the request (${answered}): check the config (stream_name, region, credentials), ${fix}` };
}
