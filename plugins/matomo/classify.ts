// Matomo's answers to a bulk tracking request (plugins/BulkTracking/Tracker/Response.php):
// 200 `{"status":"success","tracked":N,"invalid":M}` once the bulk is processed, with
// `"invalid_indices":[…]` — the places in `requests` of those Matomo refused (an unknown
// website, a `cdt` too old for the token, `cip` without a valid token…) — only when the bulk's
// token_auth is a Super User's; an error Matomo did not expect answers 500 (400 for an invalid
// website or parameter escaping the bulk's own handling) with `"status":"error"` and the same
// counts, the bulk's transaction rolled back; 204 without a body when `send_image=0` is set beside
// `requests` (never sent so). `matomo.php` without a bulk it recognizes (the BulkTracking plugin
// deactivated, or a URL that is no Matomo) answers a web page.
import { excerpt, isWebPage, transientRetry, type Classification, type EventOutcome, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What Matomo refuses a tracking request for, said with each event it refused. */
const INVALID = 'Matomo refused this tracking request as invalid (an unknown or deleted website in config.site_id, an event older than the token_auth allows or older than Matomo keeps raw data, or a parameter it rejects)';

/** Matomo's bulk answer, when the body is one. */
interface BulkAnswer { status: string; tracked: number; invalid: number; invalid_indices?: unknown }

function bulkAnswerOf(response: VendorResponse): BulkAnswer | undefined {
  let json = response.json;
  if (json === undefined) {
    try {
      json = JSON.parse(response.body);
    } catch {
      return undefined;
    }
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const answer = json as Record<string, unknown>;
  if (typeof answer.status !== 'string' || typeof answer.tracked !== 'number') return undefined;
  return { status: answer.status, tracked: answer.tracked, invalid: typeof answer.invalid === 'number' ? answer.invalid : 0, invalid_indices: answer.invalid_indices };
}

/** What Matomo said: its debug message when it gave one, else the body's start. */
function saidBy(response: VendorResponse): string {
  const json = response.json as { message?: unknown } | undefined;
  if (json && typeof json === 'object' && typeof json.message === 'string' && json.message.trim() !== '') return excerpt(json.message);
  return excerpt(response.body ?? '') || '(no body)';
}

/** The events at Matomo's invalid indices (places in the bulk's `requests`, which `eventIds` follow). */
function refusedIds(indices: unknown, request: RequestDescriptor): string[] | undefined {
  if (!Array.isArray(indices)) return undefined;
  const ids: string[] = [];
  for (const index of indices) {
    const id = typeof index === 'number' && Number.isInteger(index) ? request.eventIds[index] : undefined;
    if (id === undefined) return undefined;
    ids.push(id);
  }
  return ids;
}

/** The outcome of a processed bulk: delivered, but the requests Matomo names invalid dead-lettered. */
function processed(answer: BulkAnswer, response: VendorResponse, request: RequestDescriptor): Classification {
  if (answer.invalid <= 0) return { status: 'delivered' };
  const counts = `HTTP ${response.status}: tracked ${answer.tracked}, invalid ${answer.invalid}`;
  const refused = refusedIds(answer.invalid_indices, request);
  if (refused !== undefined) {
    const perEvent: Record<string, EventOutcome> = {};
    for (const id of refused) perEvent[id] = { status: 'dead_letter', reason: `${INVALID} (${counts})` };
    return { perEvent };
  }
  if (answer.invalid >= request.eventIds.length) return { status: 'dead_letter', reason: `${INVALID}: every request of the bulk (${counts})` };
  // Without a Super User's token Matomo counts the refused requests but names none: the others are
  // recorded, and sending the bulk again would record them twice. Its counts stay in the delivery log.
  return { status: 'delivered' };
}

/**
 * Matomo's answers, per bulk. 200 with its bulk answer: delivered, save the events at
 * `invalid_indices` (dead-lettered) or, naming none, every event when all were refused; 204:
 * delivered. A 2xx web page or other body: dead-lettered naming config.url (no Matomo tracker, or
 * BulkTracking deactivated). 400: the bulk refused (dead-lettered with Matomo's counts). 401/403:
 * the address refuses Signal (a proxy's login). 404: no matomo.php at config.url. 408, 429 and
 * 5xx: retried, after Retry-After when given (Matomo rolled the bulk back).
 *
 * @example
 * classifyMatomo({ status: 200, headers: {}, body: '{"status":"success","tracked":1,"invalid":1,"invalid_indices":[1]}' }, { …, eventIds: ['m-1', 'm-2'] });
 * // { perEvent: { 'm-2': { status: 'dead_letter', reason: 'Matomo refused this tracking request as invalid (…) (HTTP 200: tracked 1, invalid 1)' } } }
 */
export function classifyMatomo(response: VendorResponse, request: RequestDescriptor): Classification {
  const { status } = response;
  const answer = bulkAnswerOf(response);
  if (status >= 200 && status < 300) {
    if (answer !== undefined && answer.status === 'success') return processed(answer, response, request);
    if (status === 204 && (response.body ?? '').trim() === '') return { status: 'delivered' };
    if (answer !== undefined) return { status: 'retry', reason: `Matomo could not process the bulk (HTTP ${status}: ${saidBy(response)})` };
    const page = isWebPage(response.body);
    return {
      status: 'dead_letter',
      reason: `Matomo's tracker did not answer the bulk (HTTP ${status} with ${page ? 'a web page' : excerpt(response.body ?? '') || 'no body'}, not its {"status":"success","tracked":…}): check config.url (Matomo's address, which serves matomo.php) and that the BulkTracking plugin is activated in Matomo (Administration > System > Plugins); replay the dead letters once fixed`,
    };
  }
  const transient = transientRetry(response, 'Matomo', saidBy(response));
  if (transient !== undefined) {
    if (transient.status !== 'retry' || status === 429) return transient;
    return { ...transient, reason: `${transient.reason} — Matomo failed to process the bulk and rolled it back; if it lasts, check Matomo's logs (with bulk_requests_require_authentication on, config.token_auth must have Admin access)` };
  }
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Matomo's address refused the request (HTTP ${status}: ${saidBy(response)}): matomo.php must be reachable without a login (a proxy's or web server's authentication in front of Matomo refuses Signal); check config.url` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `no Matomo tracker at ${request.url} (HTTP 404: ${saidBy(response)}): check config.url, Matomo's address with its path when installed under one` };
  if (status === 413) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `Matomo's server refused the bulk as too large (HTTP 413): sending it in halves` };
    return { status: 'dead_letter', reason: `Matomo's server refused this event alone as too large (HTTP 413: ${saidBy(response)})` };
  }
  const counts = answer === undefined ? saidBy(response) : `tracked ${answer.tracked}, invalid ${answer.invalid}${answer.invalid_indices === undefined ? '' : `, invalid_indices ${JSON.stringify(answer.invalid_indices)}`}`;
  return { status: 'dead_letter', reason: `Matomo refused the bulk (HTTP ${status}: ${counts}): check config.site_id (a website of this Matomo) and config.token_auth` };
}
