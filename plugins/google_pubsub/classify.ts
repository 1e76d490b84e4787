// Pub/Sub's answers to a publish, by the google.rpc.Status code its error carries, as its
// error-codes page and Google's client libraries read them. A publish is all or nothing, so an
// answer is about every message of the request. Google's client libraries retry a publish on
// CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, ABORTED, INTERNAL and UNAVAILABLE
// (googleapis/nodejs-pubsub, publisher_client_config.json); so does this classifier, and on
// NOT_FOUND too, for a while: "the propagation of an object creation may take a few seconds".
// INVALID_ARGUMENT "will fail again if the client retries it", and may be one message's (a value
// a topic's schema refuses, an attribute too long): a request of several messages is sent again
// in halves, down to the one it is. PERMISSION_DENIED, UNAUTHENTICATED and FAILED_PRECONDITION
// (a disabled encryption key, a region the topic's storage policy refuses) need a fix on the
// customer's side: dead-lettered saying which, to be replayed.
import { defaultClassify, parseRetryAfter, responseHeader, type Classification, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { locationOf, serviceAccountEmail, type TopicRef } from './config.ts';
import { googleError, said, type GoogleError } from './google-error.ts';

/** The gRPC codes Google's Pub/Sub clients publish again. */
const RETRIED_CODES = new Set(['CANCELLED', 'UNKNOWN', 'DEADLINE_EXCEEDED', 'RESOURCE_EXHAUSTED', 'ABORTED', 'INTERNAL', 'UNAVAILABLE']);
/**
 * An INVALID_ARGUMENT about the topic's name, not one message: Pub/Sub's `Invalid [topics] name:
 * (name=…)` (Google's APIs' `Invalid resource name given`). Only these words: a message's refusal
 * may name the topic too, and must not dead-letter the request's other messages.
 */
const ABOUT_THE_TOPIC = /invalid \[topics\] name|invalid resource name/i;
const TOO_LARGE = /too large|exceed|request size|payload size|limit/i;

/** The topic as Pub/Sub names it, for messages: `projects/p/topics/t`. */
const topicName = (topic: TopicRef): string => `projects/${topic.projectId}/topics/${topic.topicId}`;

/** What to do about a permission refusal: enable the API, or grant the role. */
function permissionAdvice(error: GoogleError, config: Record<string, JsonValue>, topic: TopicRef): string {
  if (error.reasons.includes('SERVICE_DISABLED') || /has not been used|is disabled|enable it/i.test(error.message)) {
    return 'enable the Cloud Pub/Sub API in the service account\'s project (APIs & Services > Library > Cloud Pub/Sub API)';
  }
  const account = serviceAccountEmail(config) ?? 'the service account of config.service_account_key';
  return `grant ${account} the Pub/Sub Publisher role (roles/pubsub.publisher) on the topic ${topicName(topic)}, and check config.project_id and the topic id`;
}

/**
 * A 2xx: delivered when it is Pub/Sub's answer (`{ messageIds: [...] }`); any other body (a
 * proxy's or captive portal's page, a JSON without messageIds) is no publish, so the request is
 * sent again.
 */
function classifyAccepted(response: VendorResponse): Classification {
  const json = response.json;
  // Pub/Sub names every message it published; a JSON object without messageIds is someone else's.
  if (json !== null && typeof json === 'object' && Array.isArray((json as { messageIds?: unknown }).messageIds)) return { status: 'delivered' };
  const body = (response.body ?? '').replace(/\s+/g, ' ').trim().slice(0, 120);
  return { status: 'retry', reason: `HTTP ${response.status} without Pub/Sub's JSON answer (messageIds)${body ? `: ${body}` : ''} — not Pub/Sub's answer (a proxy?), so not counted as published` };
}

/**
 * Pub/Sub's answer to a publish request (see the file's comment):
 * - 2xx with `messageIds`: delivered; any other 2xx: retried;
 * - RESOURCE_EXHAUSTED (429, or any status): retried as a rate limit (no try used up, the
 *   integration slowed down), after Retry-After when given;
 * - CANCELLED, UNKNOWN, DEADLINE_EXCEEDED, ABORTED, INTERNAL, UNAVAILABLE, and 408 and 5xx
 *   without Google's error: retried with the core's backoff;
 * - NOT_FOUND from Pub/Sub: retried (a topic created seconds ago), then dead-lettered naming the
 *   config fields when the tries run out; a 404 that is not Pub/Sub's: dead-lettered at once;
 * - INVALID_ARGUMENT (or 413): a request of several messages sent again in halves; one message
 *   alone dead-lettered with Google's words (about the topic's name: the whole request, at once);
 * - PERMISSION_DENIED, UNAUTHENTICATED, FAILED_PRECONDITION and any other 4xx: dead-lettered
 *   saying what to fix.
 *
 * @example
 * classifyPublish({ status: 403, headers: {}, body: '…', json: { error: { code: 403, message: 'User not authorized to perform this action.', status: 'PERMISSION_DENIED' } } }, request, ctx, topic);
 * // { status: 'dead_letter', reason: 'Pub/Sub denied the publish (HTTP 403 PERMISSION_DENIED: User not authorized to perform this action.): grant signal@….iam.gserviceaccount.com the Pub/Sub Publisher role (…) …' }
 */
export function classifyPublish(response: VendorResponse, request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>, topic: TopicRef): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return classifyAccepted(response);
  const error = googleError(response);
  const answered = said(response, error);
  const several = request.eventIds.length > 1;
  const code = error.status;
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
  const after = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (code === 'RESOURCE_EXHAUSTED' || status === 429) {
    return { status: 'retry', reason: `Pub/Sub's publish quota or a rate limit was reached (${answered})`, throttled: true, ...after };
  }
  if (RETRIED_CODES.has(code)) return { status: 'retry', reason: `Pub/Sub failed (${answered})`, ...after };
  if (status === 404 || code === 'NOT_FOUND') {
    const reason = `Pub/Sub has no topic ${topicName(topic)} (${answered}): check config.project_id and the topic id, and create the topic (a topic created seconds ago may not be found yet); then replay the dead letters`;
    return { status: error.google && code === 'NOT_FOUND' ? 'retry' : 'dead_letter', reason };
  }
  if (code === 'UNAUTHENTICATED' || status === 401) {
    return { status: 'dead_letter', reason: `Pub/Sub refused the access token, also once renewed (${answered}): check that the key in config.service_account_key is current (not deleted or disabled in the Cloud console), and store a new one in a new revision if not; then replay the dead letters` };
  }
  if (code === 'PERMISSION_DENIED' || status === 403) {
    return { status: 'dead_letter', reason: `Pub/Sub denied the publish (${answered}): ${permissionAdvice(error, ctx.config, topic)}; then replay the dead letters` };
  }
  if (code === 'FAILED_PRECONDITION') {
    const location = locationOf(ctx.config);
    const where = /storage policy|region|location/i.test(error.message)
      ? `the topic's message storage policy must allow the region config.endpoint_location publishes through (${location ?? 'the global endpoint\'s nearest region'}): change one or the other`
      : 'fix what Google names (a disabled or destroyed Cloud KMS key of the topic, billing of the project)';
    return { status: 'dead_letter', reason: `Pub/Sub cannot publish to ${topicName(topic)} for now (${answered}): ${where}; then replay the dead letters` };
  }
  if (status === 413 || (error.google && (code === 'INVALID_ARGUMENT' || code === 'OUT_OF_RANGE'))) {
    if (code === 'INVALID_ARGUMENT' && ABOUT_THE_TOPIC.test(error.message) && !TOO_LARGE.test(error.message)) {
      return { status: 'dead_letter', reason: `Pub/Sub refused the topic's name ${topicName(topic)} (${answered}): check config.project_id and the topic id` };
    }
    if (several) return { status: 'split', reason: `Pub/Sub refused the request (${answered}), which may be one message's: sending it in halves to find it` };
    const schema = error.schemaDetail === '' ? '' : `; the topic's schema says: ${error.schemaDetail}`;
    return { status: 'dead_letter', reason: `Pub/Sub refused this message (${answered}${schema}): when the topic has a schema, the blueprint's JSON must match it; else leave out what Google names with a pipeline transformation or the blueprint's exclude, then replay` };
  }
  const classified = defaultClassify(response);
  if (classified.status === 'delivered') return classified;
  if (classified.status === 'retry') return { ...classified, reason: `Pub/Sub failed (${answered})` };
  return { status: 'dead_letter', reason: `Pub/Sub refused the ${several ? 'request' : 'message'} (${answered}): check the topic ${topicName(topic)} and the config, then replay the dead letters` };
}
