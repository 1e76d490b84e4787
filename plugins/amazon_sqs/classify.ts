// SQS's answers to SendMessageBatch. A 200 may still refuse messages: `{ Successful: [{ Id,
// MessageId, MD5OfMessageBody, … }], Failed: [{ Id, SenderFault, Code, Message }] }`, one result
// per entry by its Id (here the entry's place in the request). A failed message whose
// `SenderFault` is true is the sender's doing and is dead-lettered with SQS's code and message;
// one that is SQS's (false) is sent again alone, never the whole request. A refused request
// carries the JSON 1.0 protocol's error: `{ "__type": "com.amazonaws.sqs#QueueDoesNotExist",
// "message" }`, and SQS's query-protocol code in the `x-amzn-query-error` header
// (`AWS.SimpleQueueService.NonExistentQueue;Sender`), both read by `sqsError`.
import {
  AWS_CLOCK_SKEW_CODES, AWS_CREDENTIAL_CODES, AWS_EXPIRED_TOKEN_CODES, AWS_THROTTLING_CODES, AWS_TRANSIENT_CODES, awsJsonError, excerpt, parseRetryAfter, responseHeader,
  type Classification, type EventOutcome, type JsonValue, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { queueNameOf, queueOf, queueUrlOf, regionOf } from './config.ts';

/** SendMessageBatch's documented answer to two messages both sent: the plugin's `successAnswer`. */
export const SEND_MESSAGE_BATCH_ANSWER = {
  status: 200,
  headers: { 'content-type': 'application/x-amz-json-1.0' },
  body: {
    Successful: [
      { Id: '0', MessageId: '0a5231c7-8bff-4955-be2e-8dc7c50a25fa', MD5OfMessageBody: '51b0a325ac1ea0a7b2c3d5f1a4a1d0f5' },
      { Id: '1', MessageId: '15ee1ed3-87e7-40c1-bdaa-2e49968ea7e9', MD5OfMessageBody: '0e024d309850c78cba5eabbeff7cae71' },
    ],
    Failed: [],
  },
};

/** An SQS error: its code as `__type` gives it, its query-protocol code, its message, and whose fault it is. */
export interface SqsError {
  /** `QueueDoesNotExist` of `com.amazonaws.sqs#QueueDoesNotExist`. */
  code: string;
  /** `NonExistentQueue` of the `x-amzn-query-error` header's `AWS.SimpleQueueService.NonExistentQueue;Sender`. */
  queryCode: string;
  message: string;
  /** The header's `Sender` (true) or `Receiver` (false); undefined without it. */
  senderFault?: boolean;
}

/**
 * The code, query-protocol code and message of an SQS error answer.
 *
 * @example
 * sqsError({ status: 400, headers: { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' }, body: '…', json: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' } });
 * // { code: 'QueueDoesNotExist', queryCode: 'NonExistentQueue', message: 'The specified queue does not exist.', senderFault: true }
 */
export function sqsError(response: VendorResponse): SqsError {
  const { code, message } = awsJsonError(response);
  const header = responseHeader(response.headers, 'x-amzn-query-error') ?? '';
  const [query = '', fault = ''] = header.split(';').map((part) => part.trim());
  return {
    code,
    queryCode: query.replace(/^AWS\.SimpleQueueService\./, ''),
    message,
    ...(fault === 'Sender' ? { senderFault: true } : fault === 'Receiver' ? { senderFault: false } : {}),
  };
}

/** The names an error goes by: its code, its query code, each without an `Exception` ending and a `KMS.` prefix spelt out. */
function namesOf(error: Pick<SqsError, 'code' | 'queryCode'>): Set<string> {
  const names = new Set<string>();
  for (const name of [error.code, error.queryCode]) {
    if (name === '') continue;
    names.add(name);
    names.add(name.replace(/Exception$/, ''));
  }
  return names;
}
const isOneOf = (names: Set<string>, codes: Iterable<string>) => [...codes].some((code) => names.has(code) || names.has(code.replace(/Exception$/, '')));

/** "Too fast, slow down": retried as a rate limit (SQS's RequestThrottled, a KMS key's throttling, the AWS SDKs' codes). */
const THROTTLING = [...AWS_THROTTLING_CODES, 'RequestThrottled', 'KmsThrottled', 'KMS.ThrottlingException', 'OverLimit'];
/** Passing failures on AWS's side: retried with the core's backoff. */
const TRANSIENT = [...AWS_TRANSIENT_CODES, 'ServiceUnavailable', 'InternalError', 'InternalFailure'];
/** The queue's KMS key cannot be used (KmsThrottled aside): the query codes are `KMS.<Name>Exception`. */
const KMS = /^(?:Kms|KMS\.)/;
/** The queue named is not there for these credentials. */
const NO_QUEUE = ['QueueDoesNotExist', 'NonExistentQueue', 'QueueDeletedRecently'];
/** Access refused to the queue (the key's IAM policy, or the queue's access policy). */
const ACCESS_DENIED = ['AccessDenied', 'AccessDeniedException', 'NotAuthorized'];
/** A request or message the API refused as malformed or too large, which may be one message's doing. */
const INVALID = ['InvalidParameterValue', 'InvalidParameterValueException', 'InvalidParameterCombination', 'ValidationError', 'ValidationException', 'MissingParameter', 'InvalidMessageContents', 'SerializationException'];
/** The request's messages together are over SQS's limit. */
const TOO_LONG = ['BatchRequestTooLong', 'MessageTooLong', 'TooManyEntriesInBatchRequest'];
/** Malformed on Signal's side (entry ids, an empty batch): never a config's or a message's doing. */
const MALFORMED_BATCH = ['BatchEntryIdsNotDistinct', 'EmptyBatchRequest', 'InvalidBatchEntryId'];
/** An InvalidParameterValue's words about a message's size. */
const SIZE_WORDS = /shorter than|too long|size|length|exceed/i;
/** An InvalidParameterValue's words about what the queue's type takes (group, deduplication, delay). */
const QUEUE_TYPE_WORDS = /MessageGroupId|MessageDeduplicationId|DelaySeconds|FIFO|queue type|ContentBasedDeduplication/i;
const FIX = 'then replay the dead letters';
/**
 * What caps one message: the queue's MaximumMessageSize attribute, 1 KiB to 1 MiB. AWS raised
 * its ceiling to 1 MiB in 2025, but many queues still have 256 KiB (the long-time default, still the one Pulumi's AWS
 * provider documents), and whether older queues were raised is not plainly documented — so the
 * reason names the setting to check rather than guessing its value from the queue's age.
 */
const QUEUE_MAXIMUM = "the queue's maximum message size (its Maximum message size setting, MaximumMessageSize: 256 KiB on many queues, at most 1 MiB)";

/** AWS's words cut to a length that reads well in a message, white space collapsed. */
const shortText = (value: string, max = 300) => excerpt(value, max);

/** `HTTP 400 QueueDoesNotExist: The specified queue does not exist.` — what an answer said, for reasons. */
function said(status: number, error: SqsError): string {
  const words = [error.code || error.queryCode, error.message].filter((part) => part !== '').join(': ');
  return words === '' ? `HTTP ${status}` : `HTTP ${status} ${words}`;
}

/** The retry of a rate-limited answer, after its Retry-After when it gives one. */
function throttledRetry(reason: string, response?: VendorResponse): EventOutcome {
  const retryAfterMs = response === undefined ? undefined : parseRetryAfter(responseHeader(response.headers, 'retry-after'));
  return { status: 'retry', reason, throttled: true, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
}

/** The queue as messages name it: `queue signal-events in eu-west-1`. */
const queueWords = (config: Record<string, JsonValue>) => `queue ${queueNameOf(config)} in ${regionOf(config)}`;
/** The queue's ARN, for an IAM policy. */
function queueArn(config: Record<string, JsonValue>): string {
  const queue = queueOf(queueUrlOf(config));
  const partition = regionOf(config).startsWith('cn-') ? 'aws-cn' : regionOf(config).startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:sqs:${queue?.region ?? regionOf(config)}:${queue?.account ?? '<account id>'}:${queue?.name ?? queueNameOf(config)}`;
}

/** A KMS refusal: dead-lettered saying what to grant (throttling is retried before this). */
function kmsOutcome(words: string, config: Record<string, JsonValue>): EventOutcome {
  return {
    status: 'dead_letter',
    reason: `the ${queueWords(config)} is encrypted with a KMS key that cannot be used (${words}): check that the key is enabled, and grant the IAM identity of config.access_key_id kms:GenerateDataKey and kms:Decrypt on it; ${FIX}`,
  };
}

/**
 * What one failed message's result means for its event: throttling (RequestThrottled,
 * KmsThrottled…) retried as a rate limit whoever's fault SQS says it is; otherwise SQS's own
 * failure (`SenderFault: false`) sent again, the sender's (`true`) dead-lettered with SQS's
 * code and message, a KMS key's naming what to grant.
 *
 * @example
 * entryOutcome({ Id: '1', SenderFault: true, Code: 'InvalidParameterValue', Message: 'Message must be shorter than 262144 bytes.' }, config);
 * // { status: 'dead_letter', reason: 'SQS refused the message (InvalidParameterValue: Message must be shorter than 262144 bytes.): …' }
 */
export function entryOutcome(result: Record<string, unknown>, config: Record<string, JsonValue>): EventOutcome {
  const code = typeof result.Code === 'string' ? result.Code : '';
  const message = typeof result.Message === 'string' ? result.Message : '';
  const words = `${code || 'no error code'}${message === '' ? '' : `: ${shortText(message, 200)}`}`;
  const names = namesOf({ code, queryCode: code.replace(/^AWS\.SimpleQueueService\./, '') });
  if (isOneOf(names, THROTTLING)) return throttledRetry(`SQS throttled the message (${words}); sent again later`);
  if (result.SenderFault !== true) return { status: 'retry', reason: `SQS did not send the message (${words}), not the sender's fault; sent again` };
  if (KMS.test(code)) return kmsOutcome(words, config);
  if (SIZE_WORDS.test(message) || isOneOf(names, TOO_LONG)) {
    return { status: 'dead_letter', reason: `SQS refused the message (${words}): it is larger than ${QUEUE_MAXIMUM}; raise the queue's Maximum message size, or leave the event's largest properties out with a pipeline transformation or the blueprint, ${FIX}` };
  }
  return { status: 'dead_letter', reason: `SQS refused the message (${words}): the sender's fault, so it is not sent again as it is; ${FIX} once the cause is fixed` };
}

/** A 2xx: each message's result by its Id; a message SQS names in neither list is sent again. */
function classifySent(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const json = response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? (response.json as Record<string, unknown>) : undefined;
  const successful = json?.Successful;
  const failed = json?.Failed;
  if (json === undefined || (!Array.isArray(successful) && !Array.isArray(failed))) {
    // Not the API's answer (a proxy's page, a captive portal): nothing says the messages were
    // queued, so they are sent again (FIFO deduplication drops a copy within 5 minutes).
    const what = response.body.trim() === '' ? 'an empty body' : json === undefined ? `a body that is no JSON object (${shortText(response.body, 80)})` : 'a JSON body without Successful and Failed';
    return { status: 'retry', reason: `HTTP ${response.status} with ${what}: not SQS's answer to SendMessageBatch (a proxy in the way?), so the messages are sent again` };
  }
  const byId = new Map<string, EventOutcome>();
  for (const result of Array.isArray(successful) ? successful : []) {
    if (result !== null && typeof result === 'object' && typeof (result as Record<string, unknown>).Id === 'string') byId.set((result as Record<string, string>).Id!, { status: 'delivered' });
  }
  for (const result of Array.isArray(failed) ? failed : []) {
    if (result !== null && typeof result === 'object' && typeof (result as Record<string, unknown>).Id === 'string') byId.set((result as Record<string, string>).Id!, entryOutcome(result as Record<string, unknown>, config));
  }
  const perEvent: Record<string, EventOutcome> = {};
  request.eventIds.forEach((eventId, index) => {
    const outcome = byId.get(String(index)) ?? { status: 'retry', reason: `SQS's answer names this message (Id ${index}) neither sent nor failed: sent again` };
    if (outcome.status !== 'delivered') perEvent[eventId] = outcome;
  });
  return Object.keys(perEvent).length === 0 ? { status: 'delivered' } : { perEvent };
}

/**
 * SQS's answer to a SendMessageBatch request:
 * - 2xx: per message by Id — sent (Successful), or (Failed) throttled and SQS's own failures
 *   (SenderFault false) sent again alone, the sender's (SenderFault true) dead-lettered with
 *   SQS's code and message; a message named in neither list is sent again. A 2xx that is not
 *   the API's answer is retried;
 * - 429 and the throttling codes (RequestThrottled, ThrottlingException, KmsThrottled…): retried
 *   as a rate limit, after Retry-After when given;
 * - 5xx, InternalError, ServiceUnavailable: retried;
 * - RequestExpired and other clock-skew codes: retried, the reason naming the host's clock;
 * - 413, BatchRequestTooLong, and an InvalidParameterValue about a size, of several messages:
 *   sent again in halves; of one: dead-lettered saying so;
 * - QueueDoesNotExist (NonExistentQueue), AccessDenied, InvalidParameterValue, a KMS key, a
 *   refused key or signature, expired temporary credentials, InvalidAddress, InvalidSecurity,
 *   UnsupportedOperation, any other 4xx: dead-lettered, naming the config field to fix.
 *
 * @example
 * classifySendMessageBatch({ status: 400, headers: { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' }, body: '…', json: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' } }, request, config);
 * // { status: 'dead_letter', reason: 'SQS has no queue signal-events in eu-west-1 for these credentials (HTTP 400 QueueDoesNotExist: The specified queue does not exist.): check config.queue_url …' }
 */
export function classifySendMessageBatch(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return classifySent(response, request, config);
  const error = sqsError(response);
  const names = namesOf(error);
  const answered = said(status, error);
  const several = request.eventIds.length > 1;
  if (status === 429 || isOneOf(names, THROTTLING)) {
    return throttledRetry(`SQS throttled the request (${answered}); sent again later. If this lasts on a FIFO queue, turn on its high throughput mode, or lower this integration's rate limit`, response);
  }
  if (isOneOf(names, AWS_CLOCK_SKEW_CODES) || (names.has('InvalidSignatureException') && /expired|not yet current|in the future/i.test(error.message))) {
    return { status: 'retry', reason: `SQS refused the request's time (${answered}): the Signal host's clock is more than 5 minutes off AWS's; fix it with NTP (each try is signed anew)` };
  }
  if (status >= 500 || status === 408 || isOneOf(names, TRANSIENT)) return { status: 'retry', reason: `SQS failed (${answered})` };
  const tooLarge = `a message holds at most ${QUEUE_MAXIMUM}, counting its body and attributes; raise the queue's Maximum message size, or leave the event's largest properties out with a pipeline transformation or the blueprint, ${FIX}`;
  if (status === 413 || isOneOf(names, TOO_LONG)) {
    if (several) return { status: 'split', reason: `SQS refused the request as too large (${answered}): sending it in halves` };
    return { status: 'dead_letter', reason: `SQS refused this message alone as too large (${answered}): ${tooLarge}` };
  }
  if (isOneOf(names, NO_QUEUE)) {
    return { status: 'dead_letter', reason: `SQS has no ${queueWords(config)} for these credentials (${answered}): check config.queue_url (copy it from the queue's Details) and config.region, and that the key's account owns the queue or its access policy lets the key send; ${FIX}` };
  }
  if (isOneOf(names, ACCESS_DENIED)) {
    return { status: 'dead_letter', reason: `SQS denied access (${answered}): allow the IAM identity of config.access_key_id sqs:SendMessage on ${queueArn(config)} (and, for another account's queue, in that queue's access policy), ${FIX}` };
  }
  if (isOneOf(names, AWS_EXPIRED_TOKEN_CODES)) {
    return { status: 'dead_letter', reason: `SQS refused the temporary credentials as expired (${answered}): store new ones (config.access_key_id, config.secret_access_key, config.session_token) in a new revision, or a long-lived IAM user key without a session token; ${FIX}` };
  }
  if (isOneOf(names, AWS_CREDENTIAL_CODES) || status === 401) {
    return { status: 'dead_letter', reason: `SQS refused the credentials (${answered}): check config.access_key_id and config.secret_access_key (the key active, the secret the one shown when the key was created, config.session_token set only for ASIA… keys), and config.region; ${FIX}` };
  }
  if ([error.code, error.queryCode].some((code) => KMS.test(code))) return kmsOutcome(answered, config);
  if (names.has('InvalidAddress')) return { status: 'dead_letter', reason: `SQS refused the queue's account (${answered}): check the 12-digit account id in config.queue_url, ${FIX}` };
  if (names.has('InvalidSecurity')) return { status: 'dead_letter', reason: `SQS refused the request's security (${answered}): the queue's policy requires what this request lacks (HTTPS and Signature Version 4 are always used; check the queue's access policy conditions, e.g. aws:SecureTransport or a VPC endpoint), ${FIX}` };
  if (names.has('UnsupportedOperation')) return { status: 'dead_letter', reason: `SQS does not support this for the queue (${answered}): check config.queue_url, ${FIX}` };
  if (isOneOf(names, MALFORMED_BATCH)) return { status: 'dead_letter', reason: `SQS refused the request's entries (${answered}): a Signal bug, please report it; ${FIX} once fixed` };
  if (isOneOf(names, INVALID)) {
    if (QUEUE_TYPE_WORDS.test(error.message)) {
      return { status: 'dead_letter', reason: `SQS refused a parameter for this queue's type (${answered}): a queue URL ending in .fifo must name a FIFO queue and any other a standard one; check config.queue_url, config.message_group_id and config.delay_seconds (standard queues only), ${FIX}` };
    }
    if (SIZE_WORDS.test(error.message)) {
      if (several) return { status: 'split', reason: `SQS refused the request (${answered}); one message may be the cause: sending it in halves` };
      return { status: 'dead_letter', reason: `SQS refused this message alone as too large (${answered}): ${tooLarge}` };
    }
    return { status: 'dead_letter', reason: `SQS refused the request as invalid (${answered}): check config.queue_url, config.message_group_id and the events' values (SQS takes only XML characters in a message), ${FIX}` };
  }
  return { status: 'dead_letter', reason: `SQS refused the request (${answered}): check the config (queue_url, region, credentials), ${FIX}` };
}
