// Person deletions: Marketo deletes leads by their own ids (Delete Leads,
// `POST /rest/v1/leads/delete.json`, `{ input: [{ id }] }`, up to 300), so the person's leads are
// first looked up by the userId (Get Leads by Filter Type on the field holding it: the lookup
// field when leads are keyed by userId, else config.user_id_field; or on email when the userId is
// an email address), then deleted by the ids the answer gives: a `{ next }` chain of two
// requests. The leads are also looked up by the emails of the person (the userId when it is one,
// and those Signal found for them — their remembered identify traits, the traits of their deleted
// events: `person.emails`), all in one
// lookup on email (filterValues takes up to 300), whatever field the leads are keyed by: every
// lead the plugin syncs carries the email. The plugin never sends an anonymous visitor to
// Marketo, so an anonymousId without an email is skipped.
import { deletionEmails, isStrictEmailAddress, usableId, type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, bodyOf, errorsOf, leadsOf, resultsOf, saidErrors, requestIdOf } from './answers.ts';
import { hasCredentials, instanceOrigin, userIdFieldOf } from './config.ts';
import { DELETE_LEADS, headersOf, MAX_RECORDS, SYNC_LEADS } from './requests.ts';

/** Why a person named by an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'the plugin sends Marketo identified people only (by email or userId), never an anonymous visitor, so Marketo holds no lead under an anonymousId, and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored)';
/** The memo of the lookup by the person's emails (its answers speak of emails, not the userId). */
const BY_EMAILS = 'emails';
/** Response-level codes worth another try (rate, concurrency, quota, passing failures, a token refused twice). */
const RETRY = new Set(['500', '502', '601', '602', '604', '606', '607', '608', '611', '614', '615', '713', '719']);

/** An answer that is no success: one worth another try, or a failure saying what to check. */
function unsuccessful(response: VendorResponse, what: string): ForgetOutcome {
  const errors = errorsOf(response);
  if (errors.length > 0) {
    if (errors.some((e) => RETRY.has(e.code))) return { retry: answered(response) };
    if (errors.some((e) => e.code === '603')) return { failed: `${answered(response)}: Marketo denied the ${what}: the custom service's API-only user needs Read-Write Lead (and access to the lead's workspace)` };
    return { failed: `${answered(response)}: Marketo refused the ${what}` };
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: answered(response) };
  if (response.status === 401 || response.status === 403) return { failed: `${answered(response)}: Marketo refused the ${what}: check config.client_id, config.client_secret and config.munchkin_id` };
  return { failed: answered(response) };
}

/** Whether a request (the lookup, or the deletion it led to) is of the lookup by the person's emails. */
function byEmails(request: RequestDescriptor | undefined): boolean {
  const memo = request?.memo;
  return memo !== null && typeof memo === 'object' && !Array.isArray(memo) && memo.by === BY_EMAILS;
}

/** What the leads a request looked up hold, for its messages: the userId, or the person's emails. */
function heldBy(request: RequestDescriptor | undefined): string {
  return byEmails(request) ? 'the person\'s email addresses' : 'this userId';
}

/** The lookup's answer: the deletion of the leads found, or nothing to delete. */
function readLookup(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  const nothing: ForgetOutcome = { done: true, message: `no Marketo lead has ${heldBy(request)}: nothing to delete` };
  if (response.status < 200 || response.status >= 300 || errorsOf(response).length > 0) {
    if (errorsOf(response).every((e) => e.code === '702') && errorsOf(response).length > 0) return nothing;
    return unsuccessful(response, 'lead lookup');
  }
  const leads = leadsOf(response, 'id');
  if (leads === undefined) return { retry: `${answered(response)}: not Marketo's answer to a lead lookup` };
  const all = [...new Set(leads.map((lead) => lead.id))];
  const ids = all.slice(0, MAX_RECORDS);
  if (ids.length === 0) return nothing;
  // More leads than one page (300) or one Delete Leads request (300) hold the userId: these are
  // deleted, and the deletion is asked again for the others (never done while some remain).
  const body = bodyOf(response);
  const more = all.length > ids.length || body?.moreResult === true || (typeof body?.nextPageToken === 'string' && body.nextPageToken !== '');
  const origin = request.url.slice(0, request.url.indexOf(SYNC_LEADS));
  const memo: Record<string, JsonValue> = { ...(more ? { marketo: 'more leads' } : {}), ...(byEmails(request) ? { by: BY_EMAILS } : {}) };
  return { next: { method: 'POST', url: `${origin}${DELETE_LEADS}`, headers: { ...(request.headers ?? {}), 'content-type': 'application/json' }, body: { input: ids.map((id) => ({ id })) }, eventIds: [], ...(Object.keys(memo).length > 0 ? { memo } : {}) } };
}

/** The deletion's answer: each lead `deleted` (or already gone: 1004) is done; with more leads to delete, asked again. */
function readDeletion(response: VendorResponse, request: RequestDescriptor | undefined): ForgetOutcome {
  if (response.status < 200 || response.status >= 300 || errorsOf(response).length > 0) return unsuccessful(response, 'lead deletion');
  const results = resultsOf(response);
  if (results === undefined) return { retry: `${answered(response)}: not Marketo's answer to a lead deletion` };
  const refused = results.filter((r) => r.status !== 'deleted' && !r.errors.some((e) => e.code === '1004'));
  if (refused.length > 0) return { failed: `Marketo did not delete ${refused.length} of ${results.length} leads: ${refused.map((r) => `${r.id ?? '?'}: ${r.status} ${saidErrors(r.errors)}`.trim()).join('; ')}${requestIdOf(response) ? ` (requestId ${requestIdOf(response)})` : ''}` };
  const deleted = `Marketo deleted ${results.length} lead${results.length === 1 ? '' : 's'} (${results.map((r) => r.id ?? '?').join(', ')})`;
  const memo = request?.memo;
  if (memo !== null && typeof memo === 'object' && !Array.isArray(memo) && memo.marketo === 'more leads') return { retry: `${deleted}; more leads hold ${heldBy(request)} than one request deletes (300): looked up and deleted again` };
  return { done: true, message: deleted };
}

/** Get Leads by Filter Type: the leads whose `field` holds one of `values`, their ids only. */
function lookup(field: string, values: string[], ctx: PluginContext, memo?: JsonValue): RequestDescriptor {
  return {
    method: 'GET',
    url: `${instanceOrigin(ctx.config)}${SYNC_LEADS}`,
    headers: headersOf(ctx, false),
    query: [['filterType', field], ['filterValues', values.join(',')], ['fields', 'id']],
    eventIds: [],
    ...(memo === undefined ? {} : { memo }),
  };
}

/** Why no lead field holds the userId (no lookup by it can be made). */
const NO_USER_ID_FIELD = 'leads are keyed by email and no lead field holds the userId, so Marketo cannot find this person\'s leads by userId';
/** Why the userId cannot be looked up although a field holds it. */
const COMMA = 'the userId holds a comma, which Marketo\'s lead lookup (filterValues) cannot carry';

/**
 * The userId's lookup (the field holding it, and the value), or why none can be made; with
 * `note`, what to tell the admin when the person's emails are looked up without it.
 */
function userIdLookup(person: NamedPerson, ctx: PluginContext): { field: string; userId: string } | { skipped: string; note?: string } {
  if (!usableId(person.userId)) {
    return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Marketo, so no lead of theirs can exist there' };
  }
  const userId = String(person.userId).trim();
  const field = userIdFieldOf(ctx.config) ?? (isStrictEmailAddress(userId) ? 'email' : undefined);
  if (field === undefined) {
    return {
      skipped: `${NO_USER_ID_FIELD}, and Signal knew no email of the person (no traits.email on an identify call it remembered or still stored): set config.user_id_field (a custom field the identifies fill with the userId), or delete the person in Marketo by email`,
      note: `the userId was not looked up: ${NO_USER_ID_FIELD} (set config.user_id_field, a custom field the identifies fill with it); the leads were looked up by the person's emails only`,
    };
  }
  if (userId.includes(',')) {
    return {
      skipped: `${COMMA}, and Signal knew no email of the person: delete the person in Marketo`,
      note: `the userId was not looked up: ${COMMA}; the leads were looked up by the person's emails only (a lead holding the userId under another email is left: delete it in Marketo)`,
    };
  }
  return { field, userId };
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): the leads holding
 * the person's userId are looked up, then deleted; and the leads holding one of the person's
 * emails (the SDK's `deletionEmails`), in one lookup on email, then deleted. Each step is
 * safe to repeat: leads already gone are not found (done). A userId that cannot be looked up
 * (no lead field holds it, or it holds a comma) while emails can: the emails' lookup goes with
 * a note saying so (the outcome shows it).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => hasCredentials(config) && config.forward_deletions !== false,
  request(person, ctx) {
    const byUserId = userIdLookup(person, ctx);
    const requests: RequestDescriptor[] = [];
    if ('field' in byUserId) requests.push(lookup(byUserId.field, [byUserId.userId], ctx));
    // The userId when it is an email, then those Signal found (the SDK's deletionEmails, by the plugin's own check, which
    // also keeps out the commas filterValues cannot carry); not one the userId's own lookup on email asks for already.
    const onEmail = 'field' in byUserId && byUserId.field === 'email' ? byUserId.userId.toLowerCase() : undefined;
    const emails = deletionEmails(person, isStrictEmailAddress).filter((email) => email.toLowerCase() !== onEmail);
    if (emails.length > 0) requests.push(lookup('email', emails, ctx, { by: BY_EMAILS }));
    if ('skipped' in byUserId && requests.length === 0) return { skipped: byUserId.skipped };
    // One request as before when the emails add none (its outcome is then said without "request 1 of 2").
    const built = requests.length === 1 ? requests[0]! : requests;
    // The emails' lookup alone, while a userId was named: the admin is told it was not asked for, and why.
    return 'note' in byUserId && byUserId.note !== undefined ? { requests: built, note: byUserId.note } : built;
  },
  read(response, request) {
    // The lookup's answer, else the deletion's (the conformance suite reads answers alone).
    if (request?.method === 'GET' || request === undefined) return readLookup(response, request ?? { method: 'GET', url: `https://marketo.invalid${SYNC_LEADS}`, eventIds: [] });
    return readDeletion(response, request);
  },
  // Get Leads by Filter Type when no lead matches (Marketo's Leads page: "If no records match, the response indicates success and contains an empty result array").
  successAnswer: { status: 200, body: { requestId: '177a1#1578b643357', result: [], success: true } },
};
