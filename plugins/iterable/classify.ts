// Iterable's answers, as its API reference documents them: 200 with the bulk counts and
// failure lists (bulk-answers.ts) for bulkUpdate and trackBulk, 200 `{ msg, code: "Success",
// params }` for trackPurchase; 400 "Invalid parameters", 401 "Invalid API key", 409
// "Email/userId conflict" (trackPurchase), each with `{ msg, code, params }` (its
// IterableApiResponse: codes such as BadParams, BadApiKey, RequestFieldsTypesMismatched,
// RateLimitExceeded, BatchTooLarge); 429 for its rate limits; 5xx.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, trimmedText, type Classification, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { bulkOutcomes, type BulkAnswer } from './bulk-answers.ts';

/** Codes of a refused request that no event of it caused: splitting cannot help. */
const REQUEST_CODES: ReadonlySet<string> = new Set(['BadApiKey', 'BadAuthorizationHeader', 'Forbidden', 'ForbiddenParamsError', 'InvalidJwtPayload', 'JwtUserIdentifiersMismatched', 'Unauthorized']);

/** The credentials advice: which fields to check. */
const CREDENTIALS = 'check config.api_key (a Server-side API key of the project: JavaScript and Mobile keys cannot call this endpoint) and that config.region is the project\'s data center (a key works only in its own: api.iterable.com or api.eu.iterable.com)';

interface IterableAnswer extends BulkAnswer {
  msg?: unknown;
  code?: unknown;
}

function answerOf(response: VendorResponse): IterableAnswer {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as IterableAnswer) : {};
}

/** Iterable's code, when its answer has one. */
function codeOf(response: VendorResponse): string | undefined {
  const code = answerOf(response).code;
  return trimmedText(code);
}

/** Iterable's own words: `code: msg` of its answer, else the body. */
function said(response: VendorResponse): string {
  const answer = answerOf(response);
  const msg = trimmedText(answer.msg);
  const code = codeOf(response);
  if (code !== undefined || msg !== undefined) return excerpt([code, msg].filter((part) => part !== undefined).join(': '));
  return excerpt(response.body ?? '');
}

/** `HTTP 400: BadParams: …`, or `HTTP 400` for an empty answer. */
function answered(response: VendorResponse): string {
  const words = said(response);
  return `HTTP ${response.status}${words ? `: ${words}` : ''}`;
}

/** The records of a bulk request's body (`users` or `events`), with the word for one of them; undefined for other requests. */
function bulkRecords(request: RequestDescriptor): { records: JsonValue[]; word: 'event' | 'user update' } | undefined {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body instanceof Uint8Array) return undefined;
  if (Array.isArray(body.users)) return { records: body.users, word: 'user update' };
  if (Array.isArray(body.events)) return { records: body.events, word: 'event' };
  return undefined;
}

/** What a request carries, for reasons. */
function wordOf(request: RequestDescriptor): string {
  const bulk = bulkRecords(request);
  if (bulk) return request.eventIds.length === 1 ? bulk.word : `${bulk.word}s`;
  return request.url.endsWith('/trackPurchase') ? 'purchase' : 'request';
}

/**
 * Iterable's answers to a delivery request:
 * - 2xx: a bulk answer's failures per event (bulk-answers.ts), its lists read with or without
 *   a failCount; a 2xx whose `code` is not `Success` and that counts nothing: a bulk request of
 *   several records split, one record (a purchase) dead-lettered with Iterable's words;
 *   a 2xx whose body is text but no JSON object (a proxy's page) sent again; anything else
 *   delivered;
 * - 429, or `RateLimitExceeded` in any answer: retried after Retry-After, as a rate limit;
 * - 401, 403, or a code refusing the key: dead-lettered saying which fields to check;
 * - 404: dead-lettered naming the URL; 409 (trackPurchase's email/userId conflict): one record
 *   dead-lettered, a bulk request of several split;
 * - 413 or `BatchTooLarge`: split (one event alone dead-lettered);
 * - 400 and other 4xx: a bulk request of several events answered in Iterable's shape is split,
 *   to find the record it refused; anything else dead-lettered with Iterable's code and message;
 * - 408, 5xx: retried (defaultClassify).
 *
 * @example
 * classifyIterable({ status: 401, headers: {}, body: '{"msg":"Invalid API key","code":"BadApiKey"}', json: { msg: 'Invalid API key', code: 'BadApiKey' } }, request, ctx);
 * // { status: 'dead_letter', reason: 'Iterable refused the API key (HTTP 401: BadApiKey: Invalid API key): check config.api_key …' }
 */
export function classifyIterable(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const status = response.status;
  const code = codeOf(response);
  const several = request.eventIds.length > 1;
  const word = wordOf(request);
  if (status >= 200 && status < 300 && code !== 'RateLimitExceeded') {
    // Iterable answers every request it reads with its JSON (`code`, a bulk answer's counts): a
    // body that is text but no JSON object (a proxy's or captive portal's page) recorded nothing.
    const json = response.json;
    if ((json === null || typeof json !== 'object' || Array.isArray(json)) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `HTTP ${status} without Iterable's JSON answer: ${excerpt(response.body)} — not Iterable's answer (a proxy?), so the ${several ? 'records are' : `${word} is`} sent again` };
    }
    const answer = answerOf(response);
    const bulk = bulkRecords(request);
    const refused = code !== undefined && code !== 'Success';
    // A bulk answer is read for its failure lists even without a failCount: a record a list
    // names is never counted delivered. A 2xx carrying a failure code and no counts names no
    // record: several are split to find it, one is dead-lettered with Iterable's words.
    if (bulk && (typeof answer.failCount === 'number' || !refused)) return bulkOutcomes(answer, request, bulk.records, bulk.word);
    if (bulk && several) return { status: 'split', reason: `Iterable did not record the request (${answered(response)}) without naming the record: sending it in halves to find it` };
    if (refused) return { status: 'dead_letter', reason: `Iterable did not record the ${word} (${answered(response)})` };
    return { status: 'delivered' };
  }
  if (status === 429 || code === 'RateLimitExceeded') {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
    const reason = `Iterable rate-limited the project (${answered(response)})`;
    const throttled = status !== 429 ? { throttled: true } : {};
    return retryAfterMs === undefined ? { status: 'retry', reason, ...throttled } : { status: 'retry', reason, retryAfterMs, ...throttled };
  }
  if (status === 401 || status === 403 || (status >= 400 && status < 500 && code !== undefined && REQUEST_CODES.has(code))) {
    return { status: 'dead_letter', reason: `Iterable refused the API key (${answered(response)}): ${CREDENTIALS}` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Iterable answered ${answered(response)}: the URL is not an endpoint of its API (${request.url})` };
  if (status === 413 || code === 'BatchTooLarge') {
    if (several) return { status: 'split', reason: `Iterable: the request is too large (${answered(response)}); sending it in halves` };
    return { status: 'dead_letter', reason: `Iterable refused this ${word} alone as too large (${answered(response)}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  if (status === 409) {
    // Documented for trackPurchase (one record); a bulk request's conflict is one record's, not every record's.
    if (several && bulkRecords(request)) return { status: 'split', reason: `Iterable refused the request for an email/userId conflict (${answered(response)}) without naming the record: sending it in halves to find it` };
    return { status: 'dead_letter', reason: `Iterable refused the ${word} for an email/userId conflict (${answered(response)}): the user's email and userId belong to different Iterable users` };
  }
  if (status >= 400 && status < 500 && status !== 408) {
    if (several && bulkRecords(request) && code !== undefined) {
      return { status: 'split', reason: `Iterable refused the request (${answered(response)}) without naming the record: sending it in halves to find it` };
    }
    return { status: 'dead_letter', reason: `Iterable refused the ${word} (${answered(response)})` };
  }
  const classified = defaultClassify(response);
  const reason = `Iterable ${answered(response)}`;
  return 'reason' in classified ? { ...classified, reason } : classified;
}
