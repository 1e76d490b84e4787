// AWS's answers to PutEvents and PutUsers. Both answer an accepted request with a bare 200 (no
// body) and refuse the whole request otherwise, with the REST JSON protocol's error: the code
// in the x-amzn-ErrorType header (and `__type` in some answers), `{ "message" }` in the body.
// The API documents InvalidInputException (400), ResourceNotFoundException (404) and, for
// PutUsers, ResourceInUseException (409); AWS's common errors (throttling, signatures, access)
// come from any service.
import {
  AWS_CLOCK_SKEW_CODES, AWS_CREDENTIAL_CODES, AWS_EXPIRED_TOKEN_CODES, AWS_THROTTLING_CODES, AWS_TRANSIENT_CODES, awsJsonError, isWebPage, parseRetryAfter, responseHeader,
  type AwsError, type Classification, type JsonValue, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { regionOf, trackingIdOf, usersDatasetArnOf } from './config.ts';
import { USERS_PATH } from './requests.ts';

const THROTTLING = new Set(AWS_THROTTLING_CODES);
const TRANSIENT = new Set([...AWS_TRANSIENT_CODES, 'ServiceUnavailableException', 'InternalServerException']);
const CLOCK_SKEW = new Set(AWS_CLOCK_SKEW_CODES);
const CLOCK_SKEW_WORDS = /expired|not yet current|in the future/i;
const CREDENTIALS = new Set(AWS_CREDENTIAL_CODES);
const EXPIRED = new Set(AWS_EXPIRED_TOKEN_CODES);
const ACCESS_DENIED = new Set(['AccessDeniedException', 'AccessDenied']);
/** A request refused as malformed: one record in it may be the cause. */
const INVALID = new Set(['InvalidInputException', 'ValidationException', 'SerializationException']);
const FIX = 'then replay the dead letters';

/** `HTTP 404 ResourceNotFoundException: …` — what an answer said, for reasons. */
function said(status: number, error: AwsError): string {
  const words = [error.code, error.message].filter((part) => part !== '').join(': ');
  return words === '' ? `HTTP ${status}` : `HTTP ${status} ${words}`;
}

/** Whether a request is a PutUsers (else a PutEvents). */
const isPutUsers = (request: RequestDescriptor): boolean => new URL(request.url).pathname === USERS_PATH;

/**
 * AWS's answer to a PutEvents or PutUsers request:
 * - 2xx: delivered (a proxy's HTML page in a 200 retried: nothing says the records arrived);
 * - 429 and the throttling codes: retried as a rate limit, after Retry-After when given;
 * - 5xx, 408, InternalFailure…: retried; ResourceInUseException (the dataset being created or
 *   updated): retried; a refused signing time: retried, the reason naming the host's clock;
 * - InvalidInputException and other validation codes: a request of several events sent again
 *   in halves, to find the one Personalize refuses; one event dead-lettered with AWS's words;
 * - ResourceNotFoundException: dead-lettered naming config.tracking_id (PutEvents) or
 *   config.users_dataset_arn (PutUsers) and config.region;
 * - refused or expired credentials, access denied: dead-lettered naming the config fields.
 *
 * @example
 * classifyPersonalize({ status: 404, headers: { 'x-amzn-errortype': 'ResourceNotFoundException' }, body: '{"message":"…"}', json: { message: '…' } }, request, config);
 * // { status: 'dead_letter', reason: 'Amazon Personalize has no event tracker with config.tracking_id … in eu-west-1 (HTTP 404 ResourceNotFoundException: …): …' }
 */
export function classifyPersonalize(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const { status } = response;
  const users = isPutUsers(request);
  const operation = users ? 'PutUsers' : 'PutEvents';
  if (status >= 200 && status < 300) {
    if (isWebPage(response.body)) return { status: 'retry', reason: `HTTP ${status} with a web page: not Amazon Personalize's answer to ${operation} (a proxy in the way?), so the request is sent again` };
    return { status: 'delivered' };
  }
  const error = awsJsonError(response);
  const answered = said(status, error);
  const several = request.eventIds.length > 1;
  if (status === 429 || THROTTLING.has(error.code)) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
    return { status: 'retry', throttled: true, reason: `Amazon Personalize throttled ${operation} (${answered}); sent again later. If this lasts, lower this integration's rate limit or ask AWS for a higher quota`, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (CLOCK_SKEW.has(error.code) || (error.code === 'InvalidSignatureException' && CLOCK_SKEW_WORDS.test(error.message))) {
    return { status: 'retry', reason: `Amazon Personalize refused the request's time (${answered}): the Signal host's clock is more than 5 minutes off AWS's; fix it with NTP (each try is signed anew)` };
  }
  if (status >= 500 || status === 408 || TRANSIENT.has(error.code)) return { status: 'retry', reason: `Amazon Personalize failed (${answered})` };
  if (error.code === 'ResourceInUseException') return { status: 'retry', reason: `Amazon Personalize's dataset is in use (${answered}): it is being created or updated; sent again later` };
  if (error.code === 'ResourceNotFoundException' || (status === 404 && error.code === '')) {
    if (users) return { status: 'dead_letter', reason: `Amazon Personalize has no Users dataset ${usersDatasetArnOf(config) ?? ''} (${answered}): check config.users_dataset_arn (the dataset group's Users dataset, which must exist) and config.region, ${FIX}` };
    return { status: 'dead_letter', reason: `Amazon Personalize has no event tracker with config.tracking_id ${trackingIdOf(config)} in ${regionOf(config)} (${answered}): check config.tracking_id (the dataset group's event tracker, Event trackers in the console) and config.region, ${FIX}` };
  }
  if (EXPIRED.has(error.code)) {
    return { status: 'dead_letter', reason: `Amazon Personalize refused the temporary credentials as expired (${answered}): store new ones (config.access_key_id, config.secret_access_key, config.session_token) in a new revision, or a long-lived IAM user key without a session token; ${FIX}` };
  }
  if (CREDENTIALS.has(error.code) || status === 401) {
    return { status: 'dead_letter', reason: `Amazon Personalize refused the credentials (${answered}): check config.access_key_id and config.secret_access_key (the key active, the secret the one shown when the key was created, config.session_token set only for ASIA… keys), and config.region; ${FIX}` };
  }
  if (ACCESS_DENIED.has(error.code) || status === 403) {
    return { status: 'dead_letter', reason: `Amazon Personalize denied access (${answered}): allow the IAM identity of config.access_key_id personalize:${operation}${users ? ' on the Users dataset' : ''}; ${FIX}` };
  }
  // A 400 without an AWS code is no answer of Personalize's (a proxy's): not split, dead-lettered below.
  if (INVALID.has(error.code) || status === 413) {
    if (several) return { status: 'split', reason: `Amazon Personalize refused the ${operation} request (${answered}); one of its ${users ? 'users' : 'events'} may be the cause: sending it in halves` };
    const fix = users
      ? 'check the traits config.user_properties sends (fields of the Users schema, in camelCase, values of the schema\'s types)'
      : 'check the event type (config.event_types), the item ids, and the fields config.event_properties sends (fields of the Item interactions schema, in camelCase, values of its types)';
    return { status: 'dead_letter', reason: `Amazon Personalize refused this ${users ? 'user' : 'event'} (${answered}): ${fix}; ${FIX}` };
  }
  return { status: 'dead_letter', reason: `Amazon Personalize refused the ${operation} request (${answered}): check the config (region, tracking_id, users_dataset_arn, credentials), ${FIX}` };
}
