// Intercom's answers to the delivery requests, as its API reference documents them: 200 with the
// contact (GET /contacts/find_by_external_id/{id}, POST and PUT /contacts), 200 with a list
// (POST /contacts/search), 202 with an empty body (POST /events); errors as
// `{ type: "error.list", request_id, errors: [{ code, message }] }` — 400 (parameter_invalid,
// parameter_not_found for a custom attribute the workspace lacks, …), 401 unauthorized ("Access
// Token Invalid"), 403, 404 (a data event "about users that cannot be found", a contact id or
// external_id unknown), 410 for a merged contact (its `Link` naming the merged-into contact), 409
// conflict on POST /contacts ("A contact matching those details already exists with id=…"), 429
// with X-RateLimit-Reset (Unix seconds), 5xx.
//
// Intercom has no upsert, so an answer may lead to the next request of an identify's chain (the
// core's follow-ups: rate-limited, logged and classified like any request, at most
// MAX_FOLLOW_UPS in a row), each built by requests.ts from the request's memo:
// - an identify: the lookup's answer → `PUT /contacts/{id}` of the contact found (a merged
//   contact's 410: the merged-into contact), or the next lookup (the search by email), or
//   `POST /contacts` with the fields and `role: "user"`; the creation's 409 naming the contact
//   that won a race → its `PUT`; a 404 (or 410) to the update, the contact deleted or merged
//   meanwhile → the lookup again, once.
// A data event is no chain: Intercom's 404 for a user it does not have is tried again on the
// retry schedule (the identify creating the contact may still be on its way), then
// dead-lettered. The plugin does not create a contact from a data event: the identify is where
// a site says who a user is (a track creating a `user` could duplicate a lead Intercom has for
// that email, and put people in Intercom whom no identify ever named).
// A failure at any step retries or dead-letters the event as usual, and a retry starts again
// from the first lookup (or the event): every step is safe to repeat.
import { MAX_FOLLOW_UPS, parseRetryAfter, responseHeader, type Classification, type ClassifyResult, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, conflictOf, errorsOf, foundContact, otherUsers, userNotFound } from './answers.ts';
import { createRequest, lookupRequest, memoOf, searchRequest, updateRequest, type ContactMemo, type Memo } from './requests.ts';

/** The longest wait a 429's reset time is taken for; the core caps waits at an hour too. */
const MAX_RESET_WAIT_MS = 3_600_000;

/** The way back after a dead letter: a replay starts again from the lookup. */
const REPLAY = 'replay the dead letter (replayDeadLetters; the delivery starts again with the lookup)';

/**
 * How long to wait after a 429: until Intercom's `X-RateLimit-Reset` (Unix seconds; its rate
 * limit windows are 10 seconds long), else a `Retry-After`, else the core's own schedule.
 *
 * @example
 * rateLimitWaitMs({ 'x-ratelimit-reset': '1711296010' }, 1711296000000); // 10000
 */
export function rateLimitWaitMs(headers: Record<string, string>, now: number): number | undefined {
  const reset = responseHeader(headers, 'x-ratelimit-reset');
  if (reset !== undefined && /^\d+$/.test(reset.trim())) {
    const wait = Number(reset.trim()) * 1000 - now;
    if (wait > 0 && wait <= MAX_RESET_WAIT_MS) return wait;
  }
  return parseRetryAfter(responseHeader(headers, 'retry-after'), now);
}

function isEventRequest(request: RequestDescriptor): boolean {
  return request.method === 'POST' && /\/events$/.test(request.url);
}

function isContactCreation(request: RequestDescriptor): boolean {
  return request.method === 'POST' && /\/contacts$/.test(request.url);
}

function isSuccess(response: VendorResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

/**
 * Why an archived contact is not written to: Intercom's creation answers 409 "An archived
 * contact matching those details already exists with id=…", and the plugin does not unarchive
 * it (an archive is an admin's decision in Intercom: an archived person is off its people
 * lists and out of its messages, and a site's next event would undo that), so the event is
 * dead-lettered with the way back.
 *
 * @example
 * archivedReason('HTTP 409: conflict: An archived contact …', '6762f0dd1bb69f9f2193bb83', 'the identify\'s fields were');
 * // 'HTTP 409: …: contact 6762f0dd1bb69f9f2193bb83 is archived in Intercom … unarchive it (…), then replay the dead letter …'
 */
export function archivedReason(said: string, id: string | undefined, what: string): string {
  return `${said}: ${id ? `contact ${id}` : 'the contact'} is archived in Intercom, which neither finds nor updates an archived contact, so ${what} not applied; Signal does not unarchive a contact an admin archived: if this person should be in Intercom again, unarchive it (in Intercom, or POST /contacts/${id ?? '{id}'}/unarchive), then ${REPLAY}`;
}

/**
 * The follow-up sending `build`'s request (the chain's next step, its depth one more), or —
 * when Intercom's contact kept changing past the core's MAX_FOLLOW_UPS follow-ups in a row (found,
 * then gone, then created by someone else…) — a retry, which starts again from the lookup.
 */
function follow<M extends Memo>(memo: M, build: (memo: M) => RequestDescriptor, response: VendorResponse): ClassifyResult {
  const depth = memo.depth + 1;
  if (depth > MAX_FOLLOW_UPS) {
    return { status: 'retry', reason: `${answered(response)}: Intercom's contact changed while Signal was writing to it (more than ${MAX_FOLLOW_UPS} follow-up requests in a row: found, gone, created meanwhile), so the event is tried again from the start` };
  }
  return { next: [build({ ...memo, depth })] };
}

/** An identify's next step after `response`, or undefined when the answer settles it (classifyAnswer). */
function contactStep(response: VendorResponse, request: RequestDescriptor, memo: ContactMemo, ctx: PluginContext): ClassifyResult | undefined {
  const { status } = response;
  const ids = request.eventIds;
  const hasEmail = typeof memo.contact.email === 'string';
  switch (memo.step) {
    case 'find': {
      // 404: no contact has this external_id; 410: merged (the Link names the contact kept).
      if (!isSuccess(response) && status !== 404 && status !== 410) return undefined;
      const id = foundContact(response);
      if (id) return follow(memo, (m) => updateRequest(id, m, ids, ctx), response);
      return follow(memo, (m) => (hasEmail ? searchRequest(m, ids, ctx) : createRequest(m, ids, ctx)), response);
    }
    case 'search': {
      if (!isSuccess(response)) return undefined;
      // A hit holding another external_id is another user sharing the email: not updated.
      const externalId = typeof memo.contact.external_id === 'string' ? memo.contact.external_id : undefined;
      const id = foundContact(response, externalId);
      if (id) return follow(memo, (m) => updateRequest(id, m, ids, ctx), response);
      const others = otherUsers(response, externalId);
      return follow(others.length > 0 ? { ...memo, others } : memo, (m) => createRequest(m, ids, ctx), response);
    }
    case 'create': {
      if (status !== 409) return undefined;
      // Someone created the person since the lookups (the Messenger, another identify of them):
      // Intercom names the contact, which gets the update instead. Nothing is lost.
      const { id, archived } = conflictOf(response);
      const said = answered(response);
      if (archived) return { status: 'dead_letter', reason: archivedReason(said, id, 'the identify\'s fields were') };
      if (id && memo.others?.includes(id)) {
        // Intercom will not have a second user with this email, and the one it names is another
        // user of the site (another external_id): its update would take that user over.
        return { status: 'dead_letter', reason: `${said}: contact ${id} has this email under another external_id (another user of the site, or this person's former userId), and Intercom refused a second contact with it; Signal does not overwrite another contact's external_id: fix the email or the external_id in Intercom (or merge the two), then ${REPLAY}` };
      }
      if (id) return follow(memo, (m) => updateRequest(id, m, ids, ctx), response);
      return { status: 'retry', reason: `${said}: Intercom has a contact matching this person but did not name it: tried again from the lookup (Intercom's search can take a few minutes to show a contact created meanwhile)` };
    }
    case 'update': {
      if (status !== 404 && status !== 410) return undefined;
      const said = answered(response);
      // The contact found a moment ago is gone (deleted or merged meanwhile): look again, once.
      if (!memo.again) return follow({ ...memo, again: true }, (m) => lookupRequest(m, ids, ctx), response);
      return { status: 'retry', reason: `${said}: Intercom found this contact but refused its update as unknown, twice (deleted or merged meanwhile, or a contact Intercom finds but cannot update): tried again from the lookup on the retry schedule; if it stays so, check the contact in Intercom, then ${REPLAY}` };
    }
  }
}

/**
 * Intercom's answers to a request, the chain's steps aside:
 * - 2xx: delivered;
 * - 429: tried again after X-RateLimit-Reset, using up no try;
 * - 408, 5xx: tried again (at any step: a retry starts again from the lookup, or the event);
 * - 404 to a data event with Intercom's `not_found` (a user it does not have): tried again on
 *   the retry schedule (the identify creating the contact may still be on its way), then
 *   dead-lettered saying to send an identify for the user;
 * - 404 to an update (without the memo: the lookup again is the chain's): dead-lettered;
 * - 409 to a contact creation (without the memo): dead-lettered naming the contact; 409 to an
 *   update: dead-lettered (two contacts for one person: merge them);
 * - 401, 403: dead-lettered, naming the config fields to check;
 * - any other 4xx: dead-lettered with Intercom's words (a custom attribute it lacks names
 *   config.custom_attributes).
 *
 * @example
 * classifyAnswer({ status: 202, headers: {}, body: '' }, request, ctx); // { status: 'delivered' }
 */
export function classifyAnswer(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Exclude<Classification, { perEvent: unknown }> {
  const { status } = response;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const said = answered(response);
  if (status === 429) {
    const wait = rateLimitWaitMs(response.headers, ctx.now);
    return { status: 'retry', reason: `${said}: Intercom's rate limit (10,000 calls a minute per app, in 10-second windows)`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  if (status === 408 || status >= 500) {
    const wait = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
    return { status: 'retry', reason: said, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  if (status === 401) return { status: 'dead_letter', reason: `${said}: Intercom refused the access token: check config.access_token (the app's token, not revoked) and config.region (the workspace's region: a token works on its own region's host only)` };
  if (status === 403) return { status: 'dead_letter', reason: `${said}: the app lacks a permission this request needs (Read and write users, or Write users for events): grant it in the Developer Hub, or check config.region` };
  if (isEventRequest(request) && userNotFound(response)) {
    return { status: 'retry', reason: `${said}: Intercom has no contact for this user (yet: the identify creating it may still be on its way), so it was tried again on the retry schedule; Signal creates no contact from a data event: after the last try, send an identify for the user (or create the contact in Intercom) and replay the dead letter` };
  }
  if (status === 404 && request.method === 'PUT') {
    return { status: 'dead_letter', reason: `${said}: the contact is no longer in Intercom (deleted or merged): ${REPLAY}` };
  }
  if (status === 409 && isContactCreation(request)) {
    const { id, archived } = conflictOf(response);
    if (archived) return { status: 'dead_letter', reason: archivedReason(said, id, 'the request was') };
    return { status: 'dead_letter', reason: `${said}: Intercom already has this contact${id ? ` (id ${id})` : ''}: ${REPLAY}` };
  }
  if (status === 409 && request.method === 'PUT') {
    return { status: 'dead_letter', reason: `${said}: Intercom refused the update as a conflict (most likely another contact already holds this external_id or email: two contacts for one person): merge them in Intercom, then ${REPLAY}` };
  }
  if (errorsOf(response).some((e) => /custom.?attribute|attribute .* does not exist/i.test(e.message)) || /custom.?attribute/i.test(response.body ?? '')) {
    return { status: 'dead_letter', reason: `${said}: every name in config.custom_attributes must exist in Intercom as a People data attribute of a matching type (Settings > Data > People)` };
  }
  return { status: 'dead_letter', reason: said };
}

/**
 * Intercom's answer to a request of an identify's chain: the next request (a follow-up: see the
 * file's comment), else the outcome (`classifyAnswer`).
 *
 * @example
 * classifyIntercom({ status: 200, headers: {}, body: '…', json: { type: 'contact', id: '6762f0df1bb69f9f2193bb84' } }, lookup, ctx);
 * // { next: [{ method: 'PUT', url: 'https://api.intercom.io/contacts/6762f0df1bb69f9f2193bb84', body: { external_id: 'u-1', … }, eventIds: ['m-1'], memo: … }] }
 */
export function classifyIntercom(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  // Intercom answers with its JSON (a contact, a search's list) or nothing (202 to an event): a 2xx
  // whose body is text but no JSON object (a proxy's or captive portal's page) is no answer of its —
  // not an event recorded, nor a lookup that found no contact (which would create one).
  const json = response.json;
  if (isSuccess(response) && (json === null || typeof json !== 'object' || Array.isArray(json)) && (response.body ?? '').trim() !== '') {
    return { status: 'retry', reason: `${answered(response)}: not Intercom's answer (its JSON, or none) — a proxy? — so the event is tried again from the start` };
  }
  const memo = memoOf(request);
  const step = memo ? contactStep(response, request, memo, ctx) : undefined;
  return step ?? classifyAnswer(response, request, ctx);
}
