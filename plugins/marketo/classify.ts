// Marketo's answers to the delivery requests, as its REST documentation gives them. Marketo
// answers nearly everything with HTTP 200 (Error Codes: "For Response-Level and Record-Level
// error types, an HTTP status code of 200 is returned"), so a 200 is read, never taken as
// delivered by itself:
// - `success: false` with `errors[].code` (response-level, the request not executed): 601/602 a
//   refused token (renewed once by the core through `accessToken.refused`; here only when the
//   renewed token is refused too), 606 the rate limit (100 calls in 20 s) and 615 the concurrency
//   limit (10 at once) and 607 the daily quota, tried again and slowing the integration; 500, 502,
//   604, 608, 611, 614, 713, 719 transient, tried again; 603 access denied and the others (a
//   request Marketo could not take) dead-lettered with Marketo's words;
// - `success: true` with `result[]` in the order of the request's input: each record `created`,
//   `updated` (Sync Leads) or `added` (custom activities) is delivered; `skipped` with
//   `reasons`/`errors` (1xxx codes) is dead-lettered with them, except 1004 "Lead not found" for
//   an activity (the lead went away since its lookup: tried again);
// - the lead lookup (Get Leads by Filter Type): the custom activities of the leads found go next
//   (a follow-up); an event whose lead is not found is tried again on the retry schedule (the
//   identify creating the lead may still be on its way), one whose key matches several leads is
//   dead-lettered (Marketo cannot tell which);
// - HTTP-level: 413 (body over 1 MB) and 414 (URI over 8 KB) split the batch, 429 and 5xx are
//   retried, any other status dead-lettered.
import type { ClassifyResult, EventOutcome, PluginContext, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { answered, bodyOf, errorsOf, leadsOf, requestIdOf, resultsOf, saidErrors, type MarketoError } from './answers.ts';
import { keyedByEmail } from './config.ts';
import { activitiesRequest, ADD_ACTIVITIES, lookupMemoOf, sameKey, syncMemoOf, type LookupMemo } from './requests.ts';

/** Marketo's rate limit window: 100 calls in 20 seconds (606). */
const RATE_WINDOW_MS = 20_000;
/** A short wait for the concurrency limit (615: ten calls at once). */
const CONCURRENCY_WAIT_MS = 2_000;
/** Response-level codes of a transient failure: the same request may succeed later. */
const TRANSIENT = new Set(['500', '502', '604', '608', '611', '614', '713', '719']);
/** Response-level codes of a request Marketo could not read: a plugin or config matter, not a passing one. */
const MALFORMED = new Set(['605', '609', '610', '612', '613']);

const REPLAY = 'then replay the dead letters (replayDeadLetters)';

/**
 * How long until Marketo's daily quota resets (12:00 AM CST, 06:00 UTC) from `now`.
 *
 * @example
 * untilQuotaReset(Date.UTC(2026, 11, 2, 5, 0)); // 3600000
 */
export function untilQuotaReset(now: number): number {
  const date = new Date(now);
  let reset = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), 6);
  if (reset <= now) reset += 86_400_000;
  return reset - now;
}

/**
 * The outcome of a response-level error answer (`success: false`) for every event of the request.
 *
 * @example
 * responseLevelOutcome([{ code: '606', message: "Max rate limit '100' exceeded with in '20' secs" }], 'HTTP 200: 606 …', ctx);
 * // { status: 'retry', reason: 'HTTP 200: 606 …: Marketo\'s rate limit …', retryAfterMs: 20000, throttled: true }
 */
export function responseLevelOutcome(errors: MarketoError[], said: string, ctx: PluginContext, what = 'request'): EventOutcome {
  const codes = new Set(errors.map((e) => e.code));
  if (codes.has('606')) return { status: 'retry', reason: `${said}: Marketo's rate limit (100 calls in 20 seconds per instance, shared by every integration): tried again after the window`, retryAfterMs: RATE_WINDOW_MS, throttled: true };
  if (codes.has('615')) return { status: 'retry', reason: `${said}: Marketo's concurrency limit (10 calls at once per instance, shared by every integration): tried again`, retryAfterMs: CONCURRENCY_WAIT_MS, throttled: true };
  if (codes.has('607')) return { status: 'retry', reason: `${said}: the instance's daily API quota is used up (it resets at 12:00 AM CST; Admin > Integration > Web Services shows it, the account manager raises it): tried again after the reset`, retryAfterMs: untilQuotaReset(ctx.now), throttled: true };
  if (codes.has('601') || codes.has('602')) return { status: 'retry', reason: `${said}: Marketo refused the access token Signal had just renewed: tried again (if it stays so, check that the custom service in config.client_id belongs to the instance config.munchkin_id names)` };
  if ([...codes].some((code) => TRANSIENT.has(code))) return { status: 'retry', reason: `${said}: a passing failure at Marketo: tried again` };
  if (codes.has('603')) return { status: 'dead_letter', reason: `${said}: Marketo denied the ${what}: the custom service's API-only user lacks a permission its role needs (Read-Write Lead, and Read-Write Activity for custom activities), or the instance allows API calls from listed IP addresses only (Admin > Web Services > IP Restrictions); fix it, ${REPLAY}` };
  if (codes.has('1003') || codes.has('1006') || codes.has('1011')) return { status: 'dead_letter', reason: `${said}: check config.lookup_field (a lead field Marketo can search by: email, or a custom string field), config.field_map and config.activity_types, ${REPLAY}` };
  if ([...codes].some((code) => MALFORMED.has(code))) return { status: 'dead_letter', reason: `${said}: Marketo could not read the ${what} Signal built (a plugin fault: report it with this requestId)` };
  return { status: 'dead_letter', reason: errors.length > 0 ? said : `${said}: Marketo refused the ${what} without saying why` };
}

/** The outcome of one skipped record of a Sync Leads or Add Custom Activities answer. */
function skippedOutcome(errors: MarketoError[], activity: boolean, requestId: string | undefined): EventOutcome {
  const said = `Marketo skipped the ${activity ? 'custom activity' : 'lead'}: ${errors.length > 0 ? saidErrors(errors, requestId) : 'no reason given'}`;
  const codes = new Set(errors.map((e) => e.code));
  if (activity && codes.has('1004')) return { status: 'retry', reason: `${said} (the lead found a moment ago is gone: deleted or merged meanwhile): tried again from the lookup` };
  if (codes.has('1006')) {
    return { status: 'dead_letter', reason: `${said}: ${activity ? 'every attribute in config.activity_types must be an attribute of its custom activity type' : 'every field in config.field_map (and config.user_id_field) must be a lead field of the instance, by its REST API name (Admin > Field Management, or Describe Lead)'}; fix the config, ${REPLAY}` };
  }
  if (codes.has('1007')) return { status: 'dead_letter', reason: `${said}: several leads have this ${activity ? 'lead' : 'lookup value'}, and Marketo updates a lead only when its key matches one; merge the duplicates in Marketo, ${REPLAY}` };
  if (codes.has('1008') || codes.has('1010') || codes.has('1009')) return { status: 'dead_letter', reason: `${said}: the lead is in a partition the custom service's API-only user cannot reach, or config.partition_name is not one it may use; give its role access to the workspace, ${REPLAY}` };
  if (codes.has('1011')) return { status: 'dead_letter', reason: `${said}: config.lookup_field is not a field Marketo can look leads up by (email, or a custom string field)` };
  return { status: 'dead_letter', reason: said };
}

/** The outcomes of a successful write (Sync Leads, Add Custom Activities) for each of the request's events, read from `result[]` in order. */
function writeOutcomes(response: VendorResponse, request: RequestDescriptor): ClassifyResult {
  const results = resultsOf(response);
  const activity = request.url.endsWith(ADD_ACTIVITIES);
  if (results === undefined) return { status: 'retry', reason: `${answered(response)}: Marketo said success but gave no result per record: tried again` };
  const requestId = requestIdOf(response);
  const perEvent: Record<string, EventOutcome> = {};
  // One record per event, or (Sync Leads) the events each record stands for.
  const records = syncMemoOf(request)?.records ?? request.eventIds.map((id) => [id]);
  records.forEach((ids, index) => {
    const result = results[index];
    let settled: EventOutcome;
    if (result === undefined) {
      settled = { status: 'retry', reason: `${answered(response)}: Marketo's answer has no result for record ${index + 1} of ${records.length}: tried again` };
    } else if (['created', 'updated', 'added'].includes(result.status)) {
      settled = { status: 'delivered' };
    } else if (result.status === 'skipped' || result.errors.length > 0) {
      settled = skippedOutcome(result.errors, activity, requestId);
    } else {
      settled = { status: 'retry', reason: `${answered(response)}: record ${index + 1} has status ${JSON.stringify(result.status)}, which is not one of Marketo's (created, updated, added, skipped): tried again` };
    }
    for (const id of ids) if (request.eventIds.includes(id)) perEvent[id] = settled;
  });
  return { perEvent };
}

/** The lookup's answer: the custom activities of the leads found go next; the others settle. */
function lookupStep(response: VendorResponse, request: RequestDescriptor, memo: LookupMemo, ctx: PluginContext): ClassifyResult {
  const leads = leadsOf(response, memo.field);
  if (leads === undefined) return { status: 'retry', reason: `${answered(response)}: not Marketo's answer to a lead lookup: tried again` };
  const body = bodyOf(response);
  if (body?.moreResult === true || (typeof body?.nextPageToken === 'string' && body.nextPageToken !== '')) {
    // Get Leads by Filter Type gives 300 leads a page: more leads than that match these keys (some
    // have duplicates), so a key not on this page may still have a lead, and one on it may have
    // more. Fewer keys a lookup, until one key alone matches more than a page.
    if (request.eventIds.length > 1) return { status: 'split', reason: `${answered(response)}: more leads match these ${memo.field} values than one page of Marketo's answer holds (300)` };
    return { status: 'dead_letter', reason: `more than 300 Marketo leads have this ${memo.field}, so the custom activity has no one lead to go to: merge the duplicates in Marketo, ${REPLAY}` };
  }
  const byEmail = keyedByEmail(ctx.config) && memo.field === 'email';
  const found: Array<{ id: string; leadId: number; activity: (typeof memo.activities)[number]['activity'] }> = [];
  const settle: Record<string, EventOutcome> = {};
  for (const pending of memo.activities) {
    if (!request.eventIds.includes(pending.id)) continue;
    const matches = [...new Set(leads.filter((lead) => lead.value !== undefined && sameKey(lead.value, pending.key, byEmail)).map((lead) => lead.id))];
    if (matches.length === 1) {
      found.push({ id: pending.id, leadId: matches[0]!, activity: pending.activity });
    } else if (matches.length === 0) {
      settle[pending.id] = { status: 'retry', reason: `Marketo has no lead with this ${memo.field} (yet: the identify creating it may still be on its way), and a custom activity needs one: tried again on the retry schedule; Signal creates no lead from a track event, so after the last try send an identify for the person (or create the lead in Marketo), ${REPLAY}` };
    } else {
      settle[pending.id] = { status: 'dead_letter', reason: `${matches.length} Marketo leads (ids ${matches.join(', ')}) have this ${memo.field}, so the custom activity has no one lead to go to: merge the duplicates in Marketo, ${REPLAY}` };
    }
  }
  if (found.length === 0) return { perEvent: settle };
  return { next: [activitiesRequest(found, ctx)], settle };
}

/**
 * Marketo's answer to a delivery request: the next request (a lookup's custom activities), or
 * the outcome of each event.
 *
 * @example
 * classifyMarketo({ status: 200, headers: {}, body: '{"requestId":"e42b#14272d07d78","success":true,"result":[{"id":50,"status":"created"}]}' }, syncLeads, ctx);
 * // { perEvent: { 'm-1': { status: 'delivered' } } }
 */
export function classifyMarketo(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const said = answered(response);
  if (status === 413 || status === 414) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `${said}: Marketo takes bodies of 1 MB and URIs of 8 KB at most` };
    return { status: 'dead_letter', reason: `${said}: this one event is more than Marketo takes in a request (1 MB body, 8 KB URI)` };
  }
  if (status === 429) return { status: 'retry', reason: `${said}: Marketo's rate limit`, throttled: true };
  if (status === 408 || status >= 500) return { status: 'retry', reason: said };
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `${said}: Marketo refused the call: check config.client_id and config.client_secret (the LaunchPoint custom service) and config.munchkin_id, ${REPLAY}` };
  if (status < 200 || status >= 300) return { status: 'dead_letter', reason: said };
  const body = bodyOf(response);
  if (!body || typeof body.success !== 'boolean') return { status: 'retry', reason: `${said}: not Marketo's answer (its JSON with success) — a proxy? — so the events are tried again` };
  if (body.success === false) {
    const errors = errorsOf(response);
    // 702 "No data found": a lookup that found nobody, said as an error by some instances.
    const memo = lookupMemoOf(request);
    if (memo && errors.length > 0 && errors.every((e) => e.code === '702')) return lookupStep({ ...response, body: '{"success":true,"result":[]}', json: { success: true, result: [] } }, request, memo, ctx);
    // 1003 to a lookup: more than 1,000 leads match its values (Leads page: "Too many results match the filter").
    if (memo && errors.some((e) => e.code === '1003')) {
      if (request.eventIds.length > 1) return { status: 'split', reason: `${said}: more than 1,000 leads match these ${memo.field} values: looked up in smaller lookups` };
      return { status: 'dead_letter', reason: `${said}: more than 1,000 Marketo leads have this ${memo.field}, so the custom activity has no one lead to go to: merge the duplicates in Marketo, ${REPLAY}` };
    }
    return responseLevelOutcome(errors, said, ctx, memo ? 'lead lookup' : request.url.endsWith(ADD_ACTIVITIES) ? 'custom activities' : 'lead sync');
  }
  const memo = lookupMemoOf(request);
  if (memo) return lookupStep(response, request, memo, ctx);
  return writeOutcomes(response, request);
}
