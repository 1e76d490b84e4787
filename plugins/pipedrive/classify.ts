// Pipedrive's answers to the delivery requests (one identify a request), as its API v2
// reference and its Rate limiting page document them: 200 `{ success: true, data }` for a
// search, a person and a PATCH, 201 for a new person; errors as `{ success: false, error,
// error_info }` — 400 for a refused value, 401 for a token it does not take, 402 for a
// company's payment, 403 for a user not allowed, 404 for a person gone, 429 over a rate limit
// (the 2-second burst window, with `x-ratelimit-reset`, or the company's daily token budget),
// 5xx. An identify is a chain of follow-ups (requests.ts); a failure at any step retries or
// dead-letters it as usual, and a retry starts again from the search: every step is safe to
// repeat (a search is a read, a PATCH writes the same values, a create follows a search that
// found no person).
import { parseRetryAfter, responseHeader, transientRetry, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, EDGE_BLOCK_PAUSE_MS, foundPersonsOf, heldPhonesOf, isDailyBudgetSpent, isEdgeBlock, isPipedriveSuccess, msUntilUtcMidnight, samePhone, wordsOf } from './answers.ts';
import { createRequest, getRequest, memoOf, updateBody, updateRequest, type Memo } from './requests.ts';

/** What to check when Pipedrive refuses the token. */
const CREDENTIALS = 'check config.api_token (the API token of Personal preferences > API of a user who is still active: a token changed there stops the old one) and config.company_domain (the company the token belongs to)';
/** The way back after a dead letter. */
const REPLAY = 'then replay the dead letter (replayDeadLetters)';

/** What a request is, in words: the step of its memo. */
function whatOf(memo: Memo | undefined): string {
  switch (memo?.pipedrive) {
    case 'search': return 'the search of the person by email';
    case 'get': return 'the reading of the person\'s phones';
    case 'create': return 'the new person';
    case 'update': return 'the update of the person';
    default: return 'the request';
  }
}

/** The next step after a 2xx, or the identify's outcome. */
function answeredStep(response: VendorResponse, request: RequestDescriptor, memo: Memo | undefined, ctx: PluginContext): ClassifyResult {
  const said = answered(response);
  // A 2xx that is no Pipedrive answer (a proxy's page) says nothing of the person.
  if (!isPipedriveSuccess(response)) return { status: 'retry', reason: `${said}: not Pipedrive's answer (its { success: true, data })` };
  if (memo === undefined) return { status: 'delivered' };
  const ids = request.eventIds;
  const { person } = memo;
  switch (memo.pipedrive) {
    case 'search': {
      const found = foundPersonsOf(response);
      if (found === undefined) return { status: 'retry', reason: `${said}: not Pipedrive's answer to a person search (its data.items)` };
      const oldest = found[0];
      if (oldest === undefined) return person.create ? { next: [createRequest(person, ids, ctx.config)] } : { status: 'delivered' };
      if (person.phone !== undefined && !oldest.phones.some((held) => samePhone(held, person.phone!))) return { next: [getRequest(oldest.id, person, ids, ctx.config)] };
      const body = updateBody(person);
      return body === undefined ? { status: 'delivered' } : { next: [updateRequest(oldest.id, body, person, ids, ctx.config)] };
    }
    case 'get': {
      const held = heldPhonesOf(response);
      if (held === undefined || memo.id === undefined) return { status: 'retry', reason: `${said}: not Pipedrive's answer for a person (its data.id and data.phones)` };
      const known = person.phone !== undefined && held.some((phone) => samePhone(phone.value, person.phone!));
      const body = updateBody(person, known ? undefined : held);
      return body === undefined ? { status: 'delivered' } : { next: [updateRequest(memo.id, body, person, ids, ctx.config)] };
    }
    default:
      return { status: 'delivered' };
  }
}

/**
 * Pipedrive's 429: the daily token budget spent waits (throttled: no try used up, the
 * integration paused) until midnight UTC, a guess — it resets at midnight of
 * Pipedrive's server time zone — and the core pauses at most an hour at a time, so the first
 * request after each hour asks again, and nothing hammers; the 2-second burst
 * window after `Retry-After`, else `x-ratelimit-reset`, else the core's own backoff.
 */
function rateLimited(response: VendorResponse, ctx: PluginContext): ClassifyResult {
  const said = wordsOf(response) || '(no message)';
  if (isDailyBudgetSpent(response)) {
    return { status: 'retry', reason: `Pipedrive's daily API budget of the company is spent (HTTP 429: ${said}): sent again once it resets at midnight of Pipedrive's server time zone (asked again each hour; Company settings > API usage shows what spends it)`, retryAfterMs: msUntilUtcMidnight(ctx.now), throttled: true };
  }
  const transient = transientRetry(response, 'Pipedrive', said);
  if (transient?.status === 'retry' && transient.retryAfterMs === undefined) {
    const reset = parseRetryAfter(responseHeader(response.headers ?? {}, 'x-ratelimit-reset'));
    if (reset !== undefined) return { ...transient, retryAfterMs: reset };
  }
  return transient ?? { status: 'retry', reason: `Pipedrive rate limit reached (HTTP 429: ${said})`, throttled: true };
}

/**
 * Pipedrive's answer to a delivery request:
 *
 * - 2xx: the chain's next request, else delivered (an answer that is no Pipedrive answer retried);
 * - 429: the daily budget waited out (its reset, asked again each hour), the burst window after
 *   Retry-After or x-ratelimit-reset;
 * - 408, 5xx: retried, after `Retry-After` when there is one;
 * - 401: dead-lettered naming config.api_token; 403: the user's permissions; 402: the company's billing;
 * - 403 that is no answer of Pipedrive's (its edge's HTML page blocking a token that kept sending
 *   after 429s): retried, throttled, after 15 minutes;
 * - 404 to the reading or the update of a found person (deleted or merged since the search):
 *   retried from the search; other 404: dead-lettered naming config.company_domain;
 * - 400, 422 and other 4xx: dead-lettered with Pipedrive's words (naming config.custom_fields
 *   when they speak of a custom field).
 *
 * @example
 * classifyPipedrive({ status: 200, headers: {}, body: '…', json: { success: true, data: { items: [] } } }, search, ctx);
 * // { next: [{ method: 'POST', url: 'https://api.pipedrive.com/api/v2/persons', … }] }
 */
export function classifyPipedrive(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const memo = memoOf(request);
  if (status >= 200 && status < 300) return answeredStep(response, request, memo, ctx);
  if (status === 429) return rateLimited(response, ctx);
  const said = answered(response);
  const transient = transientRetry(response, 'Pipedrive', wordsOf(response) || '(no message)');
  if (transient !== undefined) return transient;
  const what = whatOf(memo);
  if (isEdgeBlock(response)) {
    return { status: 'retry', reason: `${said}: Pipedrive's edge blocked the API token for sending on after 429s (its HTML page, no answer of Pipedrive's), so the integration waits ${EDGE_BLOCK_PAUSE_MS / 60_000} minutes before it asks again`, retryAfterMs: EDGE_BLOCK_PAUSE_MS, throttled: true };
  }
  if (status === 401) return { status: 'dead_letter', reason: `Pipedrive refused ${what} (${said}): ${CREDENTIALS}; ${REPLAY}` };
  if (status === 402) return { status: 'dead_letter', reason: `Pipedrive refused ${what} for the company's payment (${said}): settle the company's billing in Pipedrive, ${REPLAY}` };
  if (status === 403) return { status: 'dead_letter', reason: `Pipedrive refused ${what} (${said}): the user of config.api_token may not do this — give them permission to add, edit and see persons (Company settings > Permission sets), or use another user's token; ${REPLAY}` };
  if (status === 404 && (memo?.pipedrive === 'get' || memo?.pipedrive === 'update')) {
    return { status: 'retry', reason: `${said}: the person found by email is gone from Pipedrive since the search (deleted or merged meanwhile?), so the identify is sent again from the search` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `Pipedrive refused ${what} (${said}): check config.company_domain (the acme of https://acme.pipedrive.com), ${REPLAY}` };
  const aboutField = /custom|field|[0-9a-f]{40}/i.test(wordsOf(response)) ? ': check config.custom_fields (each field\'s API key, and a value of the field\'s type: a number for a numeric field, an option\'s id for an option field)' : '';
  return { status: 'dead_letter', reason: `Pipedrive refused ${what} (${said})${aboutField}${aboutField ? `, ${REPLAY}` : ''}` };
}
