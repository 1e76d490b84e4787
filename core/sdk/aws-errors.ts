// What an AWS JSON-protocol answer says (Kinesis, Firehose, EventBridge…), and the AWS SDKs'
// own classes of error codes (`@smithy/service-error-classification`), shared by the plugins
// that speak to AWS so each reads an answer the same way. A plugin adds its service's extras.
import { excerpt } from './excerpt.ts';
import { responseHeader } from './response-header.ts';
import type { VendorResponse } from './types.ts';

/** An AWS error: its code (`ResourceNotFoundException`) and message, as far as the answer says. */
export interface AwsError {
  code: string;
  message: string;
}

/** "Too fast, slow down": retried as a rate limit (the AWS SDKs' throttling codes). */
export const AWS_THROTTLING_CODES: readonly string[] = [
  'ThrottlingException', 'Throttling', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException', 'TooManyRequestsException',
  'RequestLimitExceeded', 'LimitExceededException', 'ProvisionedThroughputExceededException', 'KMSThrottlingException', 'SlowDown',
  'BandwidthLimitExceeded', 'PriorRequestNotComplete',
];
/** Passing failures on AWS's side: retried with the core's backoff. */
export const AWS_TRANSIENT_CODES: readonly string[] = ['InternalException', 'InternalFailure', 'InternalFailureException', 'InternalServerError', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException'];
/** The signature's time was refused: the sending host's clock is off (the AWS SDKs' clock-skew codes). */
export const AWS_CLOCK_SKEW_CODES: readonly string[] = ['RequestTimeTooSkewed', 'RequestExpired', 'RequestInTheFuture'];
/** The access key or its signature was refused. */
export const AWS_CREDENTIAL_CODES: readonly string[] = ['UnrecognizedClientException', 'InvalidClientTokenId', 'MissingAuthenticationToken', 'IncompleteSignature', 'InvalidSignatureException', 'SignatureDoesNotMatch', 'AuthFailure', 'MissingAuthenticationTokenException'];
/** Temporary credentials that expired. */
export const AWS_EXPIRED_TOKEN_CODES: readonly string[] = ['ExpiredTokenException', 'ExpiredToken', 'TokenRefreshRequired'];

/**
 * The code and message of an AWS JSON-protocol error answer: `__type` (`…#Code` or `Code:…`), else
 * the `x-amzn-errortype` header; `message` or `Message`, else the body when it is no JSON (cut to
 * 300 characters).
 *
 * @example
 * awsJsonError({ status: 400, headers: {}, body: '…', json: { __type: 'ResourceNotFoundException', message: 'Stream signal-events not found.' } });
 * // { code: 'ResourceNotFoundException', message: 'Stream signal-events not found.' }
 */
export function awsJsonError(response: VendorResponse): AwsError {
  const json = response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? (response.json as Record<string, unknown>) : {};
  const type = typeof json.__type === 'string' ? json.__type : responseHeader(response.headers, 'x-amzn-errortype') ?? '';
  const code = type.split('#').pop()!.split(':')[0]!.trim();
  const said = typeof json.message === 'string' ? json.message : typeof json.Message === 'string' ? json.Message : '';
  return { code, message: excerpt(said !== '' ? said : code === '' && response.json === undefined ? response.body : '') };
}
