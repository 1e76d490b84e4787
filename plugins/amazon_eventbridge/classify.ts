// AWS's answers to PutEvents. A 200 may still refuse entries: `{ FailedEntryCount, Entries:
// [{ EventId } | { ErrorCode, ErrorMessage }] }`, one result per entry in the request's order;
// each failed entry's event is retried alone (throttled: as a rate limit) or dead-lettered
// (AWS's non-retryable codes), never the whole request. A refused request carries the JSON 1.1
// protocol's error, `{ "__type": "<code>", "message" }` (the code also in the x-amzn-ErrorType
// header), see `awsError`.
import { AWS_CLOCK_SKEW_CODES, AWS_CREDENTIAL_CODES, AWS_EXPIRED_TOKEN_CODES, AWS_THROTTLING_CODES, AWS_TRANSIENT_CODES, awsJsonError, type AwsError, excerpt, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { eventBusNameOf, eventBusOf, regionOf, sourceOf } from './config.ts';

/**
 * PutEvents's documented answer to a request of two entries both put (the API reference's and
 * the CLI's example): the plugin's `successAnswer`, and a deletion notice's (one entry) shape.
 */
export const PUT_EVENTS_ANSWER = {
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.1' },
  body: { FailedEntryCount: 0, Entries: [{ EventId: '11710aed-b79e-4468-a20b-bb3c0c3b4860' }, { EventId: 'd804d26a-88db-4b66-9eaf-9a11c708ae82' }] },
};

/** Error codes that mean "too fast, slow down": retried as a rate limit (the AWS SDKs' throttling codes). */
const THROTTLING = new Set(AWS_THROTTLING_CODES);
/** Passing failures on AWS's side: retried with the core's backoff. */
const TRANSIENT = new Set([...AWS_TRANSIENT_CODES, 'ServiceUnavailableException']);
/** The signature's time was refused: the Signal host's clock is off (the AWS SDKs' clock-skew codes). */
const CLOCK_SKEW = new Set(AWS_CLOCK_SKEW_CODES);
/** AWS's words for a signature refused for its time: "Signature expired: … is now earlier than …" (a slow clock), "Signature not yet current: … is still later than …" (a fast one). */
const CLOCK_SKEW_WORDS = /expired|not yet current|in the future/i;
/** The access key or its signature was refused. */
const CREDENTIALS = new Set(AWS_CREDENTIAL_CODES);
/** Temporary credentials that expired. */
const EXPIRED = new Set(AWS_EXPIRED_TOKEN_CODES);
/** Access refused to the bus (the identity's policy, or another account's bus policy). */
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied', 'NotAuthorized']);
/** A request the API refused as malformed, which may be one entry's doing (its size). */
const VALIDATION = new Set(['ValidationException', 'ValidationError', 'InvalidParameterValue', 'InvalidParameterException', 'SerializationException']);
/** A validation message about the event bus, not an entry. */
const BUS_FIELD = /eventBusName|event bus/i;
/** A KMS key that the bus's encryption cannot use. */
const KMS = /^(?:KMS|InvalidKMSResource)/;

/** AWS's words cut to a length that reads well in a message, white space collapsed. */
const shortText = (value: string, max = 300) => excerpt(value, max);

/** An AWS JSON-protocol error answer's code and message (the SDK's awsJsonError). */
export const awsError = awsJsonError;
export type { AwsError };

/** `HTTP 400 ResourceNotFoundException: Event bus … does not exist.` — what an answer said, for reasons. */
function said(status: number, error: AwsError): string {
  const words = [error.code, error.message].filter((part) => part !== '').join(': ');
  return words === '' ? `HTTP ${status}` : `HTTP ${status} ${words}`;
}

/** The retry of a rate-limited answer, after its Retry-After when it gives one. */
function throttledRetry(reason: string, response?: VendorResponse): EventOutcome {
  const retryAfterMs = response === undefined ? undefined : parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, throttled: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** The bus as messages name it: `event bus signal-events in eu-west-1`. */
const busWords = (config: Record<string, JsonValue>) => `event bus ${eventBusNameOf(config)} in ${regionOf(config)}`;
/** The bus's ARN, or its pattern, for an IAM policy. */
function busResource(config: Record<string, JsonValue>): string {
  const bus = eventBusOf(config);
  return bus.startsWith('arn:') ? bus : `arn:aws:events:${regionOf(config)}:<account id>:event-bus/${bus}`;
}

const FIX = 'then replay the dead letters';

/** Outcomes shared by a failed entry and a refused request: access, source and detail type refused, a KMS key. */
function refusalOutcome(code: string, words: string, config: Record<string, JsonValue>): EventOutcome | undefined {
  if (ACCESS_DENIED.has(code)) {
    // A policy scoped to the bus also refuses any other bus name: the one sign of a typo in
    // event_bus_name or region, as PutEvents to a bus that does not exist is answered as put.
    return { status: 'dead_letter', reason: `EventBridge denied access (${words}): allow the IAM identity of config.access_key_id events:PutEvents on ${busResource(config)} (and, for another account's bus, that bus's resource policy); if the policy already allows your bus, check config.event_bus_name and config.region for a typo; ${FIX}` };
  }
  if (code === 'NotAuthorizedForSourceException') {
    return { status: 'dead_letter', reason: `EventBridge refused the source ${JSON.stringify(sourceOf(config))} (${words}): sources starting with "aws." are AWS's own, and an IAM policy may limit events:source; change config.source or allow it in the policy of config.access_key_id, ${FIX}` };
  }
  if (code === 'NotAuthorizedForDetailTypeException') {
    return { status: 'dead_letter', reason: `EventBridge refused the event's detail type (${words}): the IAM policy of config.access_key_id limits events:detail-type; allow this detail type there, or set config.detail_type to call_type and allow track, page, screen, identify, group and alias; ${FIX}` };
  }
  if (KMS.test(code)) {
    if (/^KMSThrottling/.test(code)) return throttledRetry(`KMS throttled the event bus's key (${words}); sent again later`);
    return { status: 'dead_letter', reason: `the ${busWords(config)} is encrypted with a KMS key that cannot be used (${words}): check that the key is enabled and that its key policy lets EventBridge use it; ${FIX}` };
  }
  return undefined;
}

/**
 * What one failed entry's `ErrorCode` means for its event: AWS's retryable codes
 * (ThrottlingException as a rate limit, InternalFailure) retried, its non-retryable ones
 * dead-lettered naming what to fix; a code AWS does not document retried.
 */
export function entryOutcome(code: string, message: string, config: Record<string, JsonValue>): EventOutcome {
  const words = `${code || 'no error code'}${message === '' ? '' : `: ${shortText(message, 200)}`}`;
  if (THROTTLING.has(code)) return throttledRetry(`EventBridge refused the event for its PutEvents quota (${words}); sent again later. If this lasts, ask AWS for a higher PutEvents quota in ${regionOf(config)}, or lower this integration's rate limit`);
  if (TRANSIENT.has(code)) return { status: 'retry', reason: `EventBridge did not put the event (${words}); sent again` };
  const refused = refusalOutcome(code, words, config);
  if (refused !== undefined) return refused;
  if (code === 'MalformedDetail') {
    return { status: 'dead_letter', reason: `EventBridge refused the event's detail (${words}): it takes a JSON object nested at most 1,000 levels, integers within ±9,223,372,036,854,775,807; fix the values the blueprint maps (or leave them out with a pipeline transformation), ${FIX}` };
  }
  if (code === 'InvalidAccountIdException') {
    return { status: 'dead_letter', reason: `EventBridge refused the event bus's account (${words}): check the account id in config.event_bus_name's ARN, ${FIX}` };
  }
  if (code === 'InvalidArgument' || code === 'RedactionFailure') {
    return { status: 'dead_letter', reason: `EventBridge refused the event (${words}): check config.source, config.event_bus_name and the event's detail type (at most 128 characters), ${FIX}` };
  }
  return { status: 'retry', reason: `EventBridge did not put the event (${words}); sent again` };
}

/** A 2xx: each entry's result, by index; events whose entry failed retried or dead-lettered, alone. */
function classifyPut(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const json = response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? (response.json as Record<string, unknown>) : undefined;
  const failed = json?.FailedEntryCount;
  const results = json?.Entries;
  if (json === undefined || typeof failed !== 'number' || !Array.isArray(results)) {
    // Not the API's answer (a proxy's page, a captive portal, a wrong route): nothing says the
    // events were put, so they are sent again (a target sees a copy at worst).
    const what = response.body.trim() === '' ? 'an empty body' : json === undefined ? `a body that is no JSON object (${shortText(response.body, 80)})` : 'a JSON body without FailedEntryCount and Entries';
    return { status: 'retry', reason: `HTTP ${response.status} with ${what}: not EventBridge's answer to PutEvents (a proxy in the way?), so the events are sent again` };
  }
  if (results.length !== request.eventIds.length) {
    return { status: 'retry', reason: `HTTP ${response.status} with ${results.length} results for a request of ${request.eventIds.length} entries: which were put is unknown, so the request is sent again` };
  }
  const perEvent: Record<string, EventOutcome> = {};
  results.forEach((result: unknown, index) => {
    const entry = result !== null && typeof result === 'object' ? (result as Record<string, unknown>) : {};
    const code = typeof entry.ErrorCode === 'string' ? entry.ErrorCode : '';
    // An entry with an EventId and no error code was put; one with neither is not known to be.
    if (code === '' && typeof entry.EventId === 'string' && entry.EventId !== '') return;
    perEvent[request.eventIds[index]!] = entryOutcome(code, typeof entry.ErrorMessage === 'string' ? entry.ErrorMessage : '', config);
  });
  return Object.keys(perEvent).length === 0 ? { status: 'delivered' } : { perEvent };
}

/**
 * AWS's answer to a PutEvents request:
 * - 2xx: per entry — put (an EventId), or (ErrorCode) ThrottlingException retried as a rate
 *   limit, InternalFailure retried, AccessDenied, NotAuthorizedForSource/DetailType,
 *   MalformedDetail, InvalidArgument, InvalidAccountId dead-lettered naming what to fix. A 2xx
 *   that is not the API's answer (no FailedEntryCount and Entries) is retried;
 * - 429 and the throttling codes (ThrottlingException…): retried as a rate limit, after
 *   Retry-After when given;
 * - 5xx, InternalException, InternalFailure, ServiceUnavailable: retried;
 * - RequestExpired and other clock-skew codes: retried, the reason naming the host's clock;
 * - 413, and a ValidationException of several entries (the entries' total size): sent again
 *   in halves; of one entry: dead-lettered saying so;
 * - ResourceNotFound, AccessDenied, a refused key or signature, expired temporary
 *   credentials: dead-lettered, naming the config field to fix.
 *
 * @example
 * classifyPutEvents({ status: 200, headers: {}, body: '…', json: { FailedEntryCount: 1, Entries: [{ EventId: '11710aed-…' }, { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' }] } }, request, config);
 * // { perEvent: { 'm-2': { status: 'retry', throttled: true, reason: 'EventBridge refused the event for its PutEvents quota (ThrottlingException: Rate exceeded); sent again later. …' } } }
 */
export function classifyPutEvents(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return classifyPut(response, request, config);
  const error = awsError(response);
  const answered = said(status, error);
  const several = request.eventIds.length > 1;
  if (status === 429 || THROTTLING.has(error.code)) {
    return throttledRetry(`EventBridge's PutEvents quota was reached (${answered}); sent again later. If this lasts, ask AWS for a higher PutEvents quota in ${regionOf(config)}, or lower this integration's rate limit`, response);
  }
  if (CLOCK_SKEW.has(error.code) || (error.code === 'InvalidSignatureException' && CLOCK_SKEW_WORDS.test(error.message))) {
    return { status: 'retry', reason: `EventBridge refused the request's time (${answered}): the Signal host's clock is more than 5 minutes off AWS's; fix it with NTP (each try is signed anew)` };
  }
  if (status >= 500 || TRANSIENT.has(error.code) || status === 408) return { status: 'retry', reason: `EventBridge failed (${answered})` };
  const tooLarge = `an event's entry holds at most 256 KB (1 MB in the Regions AWS raised it in), counting its source, detail type and detail; leave its largest properties out with a pipeline transformation or the blueprint, ${FIX}`;
  if (status === 413) {
    if (several) return { status: 'split', reason: `EventBridge refused the request as too large (${answered}): sending it in halves` };
    return { status: 'dead_letter', reason: `EventBridge refused this event alone as too large (${answered}): ${tooLarge}` };
  }
  if (error.code === 'ResourceNotFoundException') {
    return { status: 'dead_letter', reason: `EventBridge has no ${busWords(config)} for these credentials (${answered}): check config.event_bus_name and config.region, ${FIX}` };
  }
  if (EXPIRED.has(error.code)) {
    return { status: 'dead_letter', reason: `EventBridge refused the temporary credentials as expired (${answered}): store new ones (config.access_key_id, config.secret_access_key, config.session_token) in a new revision, or a long-lived IAM user key without a session token; ${FIX}` };
  }
  if (CREDENTIALS.has(error.code) || status === 401) {
    return { status: 'dead_letter', reason: `EventBridge refused the credentials (${answered}): check config.access_key_id and config.secret_access_key (the key active, the secret the one shown when the key was created, config.session_token set only for ASIA… keys), and config.region; ${FIX}` };
  }
  const refused = refusalOutcome(error.code, answered, config);
  if (refused !== undefined) return refused;
  if (VALIDATION.has(error.code)) {
    if (BUS_FIELD.test(error.message)) return { status: 'dead_letter', reason: `EventBridge refused the event bus (${answered}): check config.event_bus_name, ${FIX}` };
    if (several) return { status: 'split', reason: `EventBridge refused the request (${answered}); one entry may be the cause (the entries' total size): sending it in halves` };
    if (/size|too large|limit/i.test(error.message)) return { status: 'dead_letter', reason: `EventBridge refused this event alone as too large (${answered}): ${tooLarge}` };
    return { status: 'dead_letter', reason: `EventBridge refused this event (${answered}): check config.source and the event's detail (a JSON object) and detail type (at most 128 characters), ${FIX}` };
  }
  return { status: 'dead_letter', reason: `EventBridge refused the request (${answered}): check the config (event_bus_name, region, source, credentials), ${FIX}` };
}
