// Mailchimp's answers, as its Marketing API documents them: the batch subscribe/update answers
// 200 with per-member `errors` (batch-answer.ts); a member event answers 204; errors are
// problem documents (`application/problem+json`: `type`, `title`, `status`, `detail`,
// `instance`, and `errors` of `{ field, message }` for an invalid resource) — 400 Invalid
// Resource, 401 API Key Invalid / API Key Missing, 403 Forbidden / User Disabled, 404 Resource
// Not Found, 405, 414, 429 Too Many Requests (more than 10 simultaneous connections), 5xx.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, trimmedText, type Classification, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { batchOutcomes, type BatchAnswer } from './batch-answer.ts';
import { memberRefusals } from './batch-refusal.ts';

/** The credentials advice: which fields to check. */
const CREDENTIALS = 'check config.api_key (the whole key, with its data center suffix such as -us21: the plugin calls that data center) and that the key\'s account has the audience config.audience_id';

interface Problem extends BatchAnswer {
  title?: unknown;
  detail?: unknown;
}

function answerOf(response: VendorResponse): Problem {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as Problem) : {};
}

/** Mailchimp's own words: `title: detail` of its problem document and the fields it names, else the body. */
function said(response: VendorResponse): string {
  const answer = answerOf(response);
  const title = trimmedText(answer.title);
  const detail = trimmedText(answer.detail);
  const fields = Array.isArray(answer.errors)
    ? (answer.errors as unknown[]).flatMap((e) => {
        const { field, message } = (e ?? {}) as { field?: unknown; message?: unknown };
        return typeof message === 'string' ? [`${typeof field === 'string' && field !== '' ? `${field}: ` : ''}${message}`] : [];
      })
    : [];
  const words = [title, detail].filter((w) => w !== undefined).join(': ');
  if (words !== '' || fields.length > 0) return excerpt([words, ...fields].filter((w) => w !== '').join('; '));
  return excerpt(response.body ?? '');
}

/** `HTTP 400: Invalid Resource: …`, or `HTTP 400` for an empty answer. */
function answered(response: VendorResponse): string {
  const words = said(response);
  return `HTTP ${response.status}${words ? `: ${words}` : ''}`;
}

/** Whether the request is a batch subscribe/update (its body has `members`). */
function isBatch(request: RequestDescriptor): boolean {
  const body = request.body;
  return body !== null && body !== undefined && typeof body === 'object' && !Array.isArray(body) && !(body instanceof Uint8Array) && Array.isArray(body.members);
}

/** Whether the request records a member event. */
function isMemberEvent(request: RequestDescriptor): boolean {
  return /\/members\/[^/]+\/events$/.test(request.url);
}

/**
 * Mailchimp's answers to a delivery request:
 * - 2xx: a batch answer's refused members dead-lettered each with Mailchimp's reason, the
 *   others delivered (batch-answer.ts); a member event delivered; a body that is text but no
 *   JSON (a proxy's page) sent again;
 * - 429: retried after Retry-After (Mailchimp sends none: the core's backoff), as a rate limit;
 * - 401, 403: dead-lettered saying which fields to check;
 * - 404 to a member event: the email is not a member of the audience (yet: its identify may be
 *   on its way in the same delivery), retried — after the retry policy's tries it is
 *   dead-lettered saying so; 404 to a batch: the audience does not exist, dead-lettered naming
 *   config.audience_id;
 * - 400 to a batch of several members whose problem document names members by index
 *   (`members.item:3.status`): those dead-lettered with Mailchimp's words, the others
 *   sent again at once without them (batch-refusal.ts);
 * - 413, or another 400 to a batch of several members: split to find the member; one member
 *   or an event: dead-lettered with Mailchimp's words;
 * - other 4xx: dead-lettered with Mailchimp's words; 408, 5xx: retried (defaultClassify).
 *
 * @example
 * classifyMailchimp({ status: 401, headers: {}, body: '…', json: { title: 'API Key Invalid', detail: 'Your API key may be invalid, or you\'ve attempted to access the wrong datacenter.' } }, request, ctx);
 * // { status: 'dead_letter', reason: 'Mailchimp refused the API key (HTTP 401: API Key Invalid: Your API key may be invalid, …): check config.api_key …' }
 */
export function classifyMailchimp(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const status = response.status;
  const several = request.eventIds.length > 1;
  if (status >= 200 && status < 300) {
    // Mailchimp answers a batch with its JSON and a member event with an empty 204: a body that is
    // text but no JSON object (a proxy's or captive portal's page) wrote nothing.
    const json = response.json;
    if ((json === null || typeof json !== 'object' || Array.isArray(json)) && (response.body ?? '').trim() !== '') {
      return { status: 'retry', reason: `HTTP ${status} without Mailchimp's answer (its JSON, or none): ${excerpt(response.body)} — not Mailchimp's answer (a proxy?), so the request is sent again` };
    }
    return isBatch(request) ? batchOutcomes(answerOf(response), request) : { status: 'delivered' };
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
    const reason = `Mailchimp rate-limited the account (${answered(response)}): it allows 10 simultaneous connections per account`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Mailchimp refused the API key (${answered(response)}): ${CREDENTIALS}` };
  if (status === 404 && isMemberEvent(request)) {
    return { status: 'retry', reason: `Mailchimp has no member with this email in the audience (${answered(response)}): Signal records events of members only — the person's identify with their email adds them (it may still be on its way), or config.audience_id is not an audience of this account` };
  }
  if (status === 404 && isBatch(request)) return { status: 'dead_letter', reason: `Mailchimp has no audience config.audience_id in this account (${answered(response)}): copy the Audience ID from Audience > Settings > Audience name and defaults` };
  if (status === 400 && several && isBatch(request)) {
    // The members Mailchimp names by index go alone; the rest are sent again without them.
    const refusals = memberRefusals(response, request);
    if (refusals) return refusals;
  }
  if (status === 413 || (status === 400 && several && isBatch(request))) {
    if (several) return { status: 'split', reason: `Mailchimp refused the request (${answered(response)}) without naming the member: sending it in halves to find it` };
  }
  if (status >= 400 && status < 500 && status !== 408) {
    const what = isBatch(request) ? 'member' : isMemberEvent(request) ? 'event' : 'request';
    return { status: 'dead_letter', reason: `Mailchimp refused the ${what} (${answered(response)})` };
  }
  const classified = defaultClassify(response);
  const reason = `Mailchimp ${answered(response)}`;
  return 'reason' in classified ? { ...classified, reason } : classified;
}
