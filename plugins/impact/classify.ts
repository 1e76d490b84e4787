// impact.com's answers to a conversion. An accepted conversion is queued: `200 {"Status":
// "QUEUED","QueuedUri":"/Advertisers/<AccountSID>/APISubmissions/A-…"}` ("Resources that require
// more intensive processing will queue the request and return a QueuedURI"). Errors are
// conventional HTTP statuses with `{"Status":"ERROR","Message":…,"Errors":[{"Field","Message"}]}`
// (the Brand API v14 OpenAPI writes its 400 as `"errors":[{"field","level","message"}]`):
// 400 "often missing a required parameter", 401 "no valid API key provided", 402 "parameters were
// valid but request failed", 403 "API key used doesn't have permissions", 404, 405, 429 "too many
// requests" (with X-RateLimit-* headers), 500/502/503/504 "something went wrong on impact.com's
// end" — "any call that results in a 5XX response code should be retried".
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, trimmedText, type Classification, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** impact.com's answer body, as far as it is read. */
interface ImpactAnswer {
  Status?: unknown;
  Message?: unknown;
  Errors?: unknown;
  errors?: unknown;
}

/** The config field that decides a refused field's value, by impact.com's field name. */
const CONFIG_FIELD_OF: Record<string, string> = {
  campaignid: 'config.campaign_id',
  eventtypeid: 'config.event_types',
  eventtypecode: 'config.event_types',
  actiontrackerid: 'config.event_types',
  accountid: 'config.account_sid',
};

const answerOf = (response: VendorResponse): ImpactAnswer => (response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json as ImpactAnswer : {});

/**
 * The fields impact.com names in its errors, with their messages: the reference's `Errors` of
 * `{ Field, Message }` ("Errors" page, "Detailed Error Response"), or the Brand API v14 OpenAPI's
 * 400 answer, `errors` of `{ field, level, message }` — the two are written differently, so both
 * are read.
 */
function fieldErrors(answer: ImpactAnswer): Array<{ field?: string; message?: string }> {
  const errors = Array.isArray(answer.Errors) ? answer.Errors : Array.isArray(answer.errors) ? answer.errors : [];
  return errors
    .filter((error): error is Record<string, unknown> => error !== null && typeof error === 'object' && !Array.isArray(error))
    .map((error) => ({ field: trimmedText(error.Field ?? error.field), message: trimmedText(error.Message ?? error.message) }));
}

/**
 * What impact.com said: its `Message` and each `Errors` entry as `Field: Message`, else the
 * body's start (an XML or HTML answer), else "(no body)".
 *
 * @example
 * said({ status: 400, headers: {}, body: '…', json: { Status: 'ERROR', Message: 'Validation Failed', Errors: [{ Field: 'CampaignId', Message: 'Not a numeric value' }] } });
 * // 'Validation Failed — CampaignId: Not a numeric value'
 */
export function said(response: VendorResponse): string {
  const answer = answerOf(response);
  const message = trimmedText(answer.Message);
  const errors = fieldErrors(answer).map(({ field, message: text }) => [field, text].filter(Boolean).join(': ')).filter((line) => line !== '');
  if (message !== undefined || errors.length > 0) return excerpt([message, errors.join('; ')].filter(Boolean).join(' — '), 500);
  const flat = (response.body ?? '').replace(/\s+/g, ' ').trim();
  return flat === '' ? '(no body)' : excerpt(flat, 300);
}

/** What to check for the fields impact.com refused: the config fields that set them, else the blueprint. */
function toCheck(response: VendorResponse): string {
  const fields = fieldErrors(answerOf(response)).map(({ field }) => field).filter((field): field is string => field !== undefined);
  const config = [...new Set(fields.map((field) => CONFIG_FIELD_OF[field.toLowerCase()]).filter((name): name is string => name !== undefined))];
  const mapped = fields.filter((field) => CONFIG_FIELD_OF[field.toLowerCase()] === undefined);
  const parts = [...config, ...(mapped.length > 0 ? [`the mapping of ${[...new Set(mapped)].join(', ')} (the blueprint)`] : [])];
  return parts.length > 0 ? parts.join(' and ') : 'config.campaign_id, config.event_types and the mapped fields (OrderId, EventDate, the attribution keys)';
}

/**
 * How long impact.com asks to wait after a 429: its Retry-After, else its X-RateLimit-Reset
 * ("number of seconds until the limit is reset"; read as epoch seconds when it is one, as the
 * reference's example header is).
 */
function rateLimitWaitMs(response: VendorResponse, now: number): number | undefined {
  const headers = response.headers ?? {};
  const retryAfter = parseRetryAfter(responseHeader(headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = responseHeader(headers, 'x-ratelimit-reset') ?? responseHeader(headers, 'ratelimit-reset');
  if (reset === undefined || !/^\s*\d+(\.\d+)?\s*$/.test(reset)) return undefined;
  const seconds = Number(reset);
  return parseRetryAfter(String(seconds > 1e9 ? Math.max(0, Math.ceil(seconds - now / 1000)) : seconds), now);
}

/**
 * impact.com's answer as the outcome of the conversion of `request` (one a request):
 *
 * - 2xx: delivered (`QUEUED` or `OK`); a 2xx saying `"Status":"ERROR"` is dead-lettered with its words;
 * - 400, 402, 405, 422: dead-lettered with impact.com's Message and Errors, naming what to check;
 * - 401, 403, 404: dead-lettered naming the credential or the Account SID;
 * - 429: the rate limit (no try used up, the integration slowed), after Retry-After or X-RateLimit-Reset;
 * - 5xx and 408: retried, honouring Retry-After;
 * - other 4xx: dead-lettered with what was said.
 *
 * @example
 * classifyImpact({ status: 200, headers: {}, body: '…', json: { Status: 'QUEUED', QueuedUri: '/Advertisers/IR…/APISubmissions/A-…' } }, request, ctx); // { status: 'delivered' }
 */
export function classifyImpact(response: VendorResponse, _request: RequestDescriptor, ctx: PluginContext): Classification {
  const { status } = response;
  const what = said(response);
  if (status >= 200 && status < 300) {
    const state = trimmedText(answerOf(response).Status)?.toUpperCase();
    if (state === 'ERROR') return { status: 'dead_letter', reason: `impact.com refused the conversion (HTTP ${status}, Status ERROR: ${what}): check ${toCheck(response)}` };
    return { status: 'delivered' };
  }
  if (status === 429) {
    const wait = rateLimitWaitMs(response, ctx.now);
    const reason = `impact.com rate limit reached (HTTP 429: ${what})`;
    return wait === undefined ? { status: 'retry', reason, throttled: true } : { status: 'retry', reason, retryAfterMs: wait, throttled: true };
  }
  if (status >= 500 || status === 408) {
    const wait = parseRetryAfter(responseHeader(response.headers ?? {}, 'retry-after'), ctx.now);
    const reason = `impact.com HTTP ${status}: ${what}`;
    return wait === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs: wait };
  }
  if (status === 401) {
    return { status: 'dead_letter', reason: `impact.com refused the credentials (HTTP 401: ${what}): check config.account_sid and config.auth_token (the Account SID and Auth Token of Settings > API, not the Read-Only pair)` };
  }
  if (status === 403) {
    return { status: 'dead_letter', reason: `impact.com refused the request (HTTP 403: ${what}): the credentials may not submit conversions — use the Account SID and Auth Token with write access (not the Read-Only pair; a scoped token needs the Conversions endpoint enabled), and check that API access is enabled (Settings > API)` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `impact.com HTTP 404 (${what}): no such resource — check config.account_sid (the brand account's Account SID, part of the path /Advertisers/{AccountSID}/Conversions)` };
  }
  if (status === 400 || status === 402 || status === 405 || status === 422) {
    return { status: 'dead_letter', reason: `impact.com refused the conversion (HTTP ${status}: ${what}): check ${toCheck(response)}` };
  }
  const fallback = defaultClassify(response);
  if (fallback.status === 'delivered') return fallback;
  return { ...fallback, reason: `impact.com HTTP ${status}: ${what}` };
}
