// OneSignal's answers, as its API reference documents them. Errors carry an `errors` list:
// texts (`{"errors":["API rate limit exceeded."]}`, OneSignal: Rate limits) or objects
// (`{ code, title, meta }`, Create user's 409; the custom events' per-event
// `{ event_user_id, event_id, error: { code, title } }`). Update user answers 202 (404: no user
// with that External ID), Create user 200/201/202 (409: an identity conflict), Create
// subscription 200/201/202 (404: no such user; 409: the user has its 20 subscriptions), Create
// custom events 202 — with `errors` naming the events it could not process, the others recorded;
// "if a 5xx HTTP response is returned, you must retry the entire batch". A 429 carries
// Retry-After (seconds).
import {
  defaultClassify, excerpt, isJsonObject, isWebPage, transientRetry, type ClassifyResult, type EventOutcome, type JsonObject, type JsonValue, type PluginContext, type RequestDescriptor,
  type VendorResponse,
} from '../../core/sdk/index.ts';
import { createUserRequest, subscriptionRequest, updateUserRequest, userMemoOf, type UserMemo } from './requests.ts';

/** What to check when OneSignal refuses the key. */
export const CREDENTIALS = 'check config.api_key (an App API key of this app, Settings > Keys & IDs, sent as Authorization: Key <key>; not the Organization API key; an IP allowlist on the key must allow Signal) and config.app_id';

function errorsOf(response: VendorResponse): JsonValue[] | undefined {
  const json = response.json;
  return isJsonObject(json) && Array.isArray(json.errors) ? json.errors : undefined;
}

/** One entry of an `errors` list in words: a text as it is; `code: title` of an object (or of its `error`). */
function errorText(entry: JsonValue): string {
  if (typeof entry === 'string') return entry.trim();
  if (!isJsonObject(entry)) return '';
  const inner = isJsonObject(entry.error) ? entry.error : entry;
  const code = typeof inner.code === 'string' || typeof inner.code === 'number' ? String(inner.code).trim() : '';
  const title = typeof inner.title === 'string' ? inner.title.trim() : '';
  if (code !== '' && title !== '') return `${code}: ${title}`;
  return code || title || (Object.keys(inner).length > 0 ? JSON.stringify(inner) : '');
}

/**
 * OneSignal's own words: its `errors` (texts, or codes and titles), else the body's start.
 *
 * @example
 * saidBy({ status: 429, headers: {}, body: '…', json: { errors: ['API rate limit exceeded.'] } }); // 'API rate limit exceeded.'
 * saidBy({ status: 409, headers: {}, body: '…', json: { errors: [{ code: 'user-2', title: 'One or more Aliases claimed by another User' }] } });
 * // 'user-2: One or more Aliases claimed by another User'
 */
export function saidBy(response: VendorResponse): string {
  const errors = errorsOf(response);
  const json = response.json;
  const words = errors ? errors.map(errorText).filter((text) => text !== '') : isJsonObject(json) && isJsonObject(json.errors) ? [JSON.stringify(json.errors)] : [];
  return excerpt(words.length > 0 ? words.join('; ') : (response.body ?? '').replace(/\s+/g, ' ').trim(), 300);
}

function answered(response: VendorResponse): string {
  const words = saidBy(response);
  return `HTTP ${response.status}${words ? `: ${words}` : ''}`;
}

/** The answers every request reads alike: 429 (the app's rate limit), 5xx and 408 (passing trouble), 401/403 (the key). */
function commonOutcome(response: VendorResponse): EventOutcome | undefined {
  const transient = transientRetry(response, 'OneSignal', saidBy(response) || '(no body)');
  if (transient) return transient;
  const { status } = response;
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `OneSignal refused the key (${answered(response)}): ${CREDENTIALS}` };
  return undefined;
}

/** A hint for a refused user update: OneSignal's words about tags point at the plan's tag limit. */
function userHint(response: VendorResponse): string {
  return /tag/i.test(saidBy(response)) ? ': check config.max_tags against your plan\'s tag limit per user (tags set by OneSignal\'s SDKs count too)' : '';
}

/**
 * A user request's answer: the chain Update user → (404) Create user → (409: it exists after
 * all) Update user again, then each subscription the identify adds, one a request; a
 * subscription for a user OneSignal does not know (404) creates the user first.
 */
function classifyUser(response: VendorResponse, request: RequestDescriptor, memo: UserMemo, ctx: PluginContext): ClassifyResult {
  const result = userStep(response, request, memo, ctx);
  // Each step after the first goes to the same user, whom OneSignal lets take one request a
  // second (Rate limits: "1 request per second per user"): it waits that second before going.
  return 'next' in result ? { ...result, next: result.next.map((r) => ({ ...r, delayMs: USER_REQUEST_SPACING_MS })) } : result;
}

/** The wait between two requests of one user's chain: OneSignal's per-user limit, one a second. */
export const USER_REQUEST_SPACING_MS = 1_000;

function userStep(response: VendorResponse, request: RequestDescriptor, memo: UserMemo, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const ids = request.eventIds;
  /** The subscriptions still to add after this request, or delivered. */
  const subscriptionsAfter = (rest: JsonObject[] | undefined): ClassifyResult => (rest && rest.length > 0 ? { next: [subscriptionRequest({ ...memo, subscriptions: rest }, ids, ctx)] } : { status: 'delivered' });
  if (status >= 200 && status < 300) return subscriptionsAfter(memo.step === 'subscribe' ? memo.subscriptions?.slice(1) : memo.subscriptions);
  const common = commonOutcome(response);
  if (common) return common;
  if (status === 404 && (memo.step === 'update' || (memo.step === 'subscribe' && memo.created !== true))) return { next: [createUserRequest(memo, ids, ctx)] };
  if (status === 409 && memo.step === 'create') {
    // The External ID belongs to a user after all (the app's SDK created it meanwhile): update it, then its subscriptions.
    return memo.properties && Object.keys(memo.properties).length > 0 ? { next: [updateUserRequest({ ...memo, step: 'update_again' }, ids, ctx)] } : subscriptionsAfter(memo.subscriptions);
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `OneSignal answered ${answered(response)} for ${memo.created === true ? 'the user its Create user had just answered for' : request.url}: check config.app_id` };
  }
  if (status === 409 && memo.step === 'subscribe') {
    return { status: 'dead_letter', reason: `OneSignal refused the ${String(memo.subscriptions?.[0]?.type ?? '')} subscription (${answered(response)}): a user has at most 20 subscriptions` };
  }
  const what = memo.step === 'subscribe' ? `the ${String(memo.subscriptions?.[0]?.type ?? '')} subscription` : memo.step === 'create' ? 'the new user' : 'the user update';
  return { status: 'dead_letter', reason: `OneSignal refused ${what} (${answered(response)})${userHint(response)}` };
}

/** The events a custom events request carried, by idempotency key and by External ID. */
function carriedEvents(request: RequestDescriptor): { byKey: Map<string, string>; byUser: Map<string, string[]> } {
  const byKey = new Map<string, string>();
  const byUser = new Map<string, string[]>();
  const events = isJsonObject(request.body) && Array.isArray(request.body.events) ? request.body.events : [];
  for (const [index, event] of events.entries()) {
    const id = request.eventIds[index];
    if (id === undefined || !isJsonObject(event)) continue;
    if (typeof event.idempotency_key === 'string') byKey.set(event.idempotency_key.toLowerCase(), id);
    if (typeof event.external_id === 'string') byUser.set(event.external_id, [...(byUser.get(event.external_id) ?? []), id]);
  }
  return { byKey, byUser };
}

/**
 * A 2xx whose `errors` name the custom events OneSignal could not process: each named by its
 * `event_id` (the idempotency key sent) or, failing that, its `event_user_id` (every event of
 * that External ID). "not found" (no user with that External ID yet: an identify or OneSignal's
 * SDK may create it shortly) is retried, anything else dead-lettered with OneSignal's words;
 * errors naming no event carried send every other event again (their idempotency keys keep
 * those OneSignal recorded from counting twice).
 */
function perEventOutcomes(errors: JsonValue[], request: RequestDescriptor): ClassifyResult {
  const { byKey, byUser } = carriedEvents(request);
  const outcomes: Record<string, EventOutcome> = {};
  let unmatched = 0;
  for (const entry of errors) {
    const key = isJsonObject(entry) && typeof entry.event_id === 'string' ? entry.event_id.toLowerCase() : undefined;
    const user = isJsonObject(entry) && typeof entry.event_user_id === 'string' ? entry.event_user_id : undefined;
    const ids = key !== undefined && byKey.has(key) ? [byKey.get(key)!] : user !== undefined ? byUser.get(user) ?? [] : [];
    if (ids.length === 0) {
      unmatched++;
      continue;
    }
    const inner = isJsonObject(entry) && isJsonObject(entry.error) ? entry.error : {};
    const words = excerpt(errorText(entry), 300);
    const outcome: EventOutcome = /not.?found/i.test(String(inner.code ?? ''))
      ? { status: 'retry', reason: `OneSignal has no user with this event's External ID yet (${words}): sent again later, in case an identify or OneSignal's SDK creates the user` }
      : { status: 'dead_letter', reason: `OneSignal refused the custom event (${words})` };
    for (const id of ids) outcomes[id] ??= outcome;
  }
  if (unmatched > 0) {
    const reason = `OneSignal reported ${unmatched} custom event${unmatched === 1 ? '' : 's'} it could not process without naming ${unmatched === 1 ? 'it' : 'them'} by idempotency key or External ID (${excerpt(errors.map(errorText).join('; '), 200)}): sent again, the idempotency keys keeping those it recorded from counting twice`;
    for (const id of request.eventIds) outcomes[id] ??= { status: 'retry', reason };
  }
  return { perEvent: outcomes };
}

/** A custom events request's answer. */
function classifyCustomEvents(response: VendorResponse, request: RequestDescriptor): ClassifyResult {
  const { status } = response;
  const several = request.eventIds.length > 1;
  if (status >= 200 && status < 300) {
    const errors = errorsOf(response);
    return errors && errors.length > 0 ? perEventOutcomes(errors, request) : { status: 'delivered' };
  }
  const common = commonOutcome(response);
  if (common) return common;
  // A 413 says the body was too large, whoever answers it: halves are smaller.
  if (several && status === 413) return { status: 'split', reason: `OneSignal refused the request as too large (${answered(response)}): sending it in halves` };
  // A 400 naming no event refuses them all for one of them, it may be: halves find it (OneSignal's own shape only: a proxy's 400 names nothing).
  if (several && (status === 400 || status === 422) && errorsOf(response) !== undefined) {
    return { status: 'split', reason: `OneSignal refused the custom events (${answered(response)}): sending them in halves to find the one it refuses` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `OneSignal answered ${answered(response)} for ${request.url}: check config.app_id (no such app, or custom events not available to it)` };
  return { status: 'dead_letter', reason: `OneSignal refused the custom event${several ? 's' : ''} (${answered(response)})` };
}

/**
 * OneSignal's answer to a delivery request: a user's (its memo says which step), or a custom
 * events request's (per-event outcomes from `errors`), else read as HTTP means it.
 *
 * @example
 * classifyOneSignal({ status: 404, headers: {}, body: '{"errors":[{"title":"User not found"}]}', json: { errors: [{ title: 'User not found' }] } }, update, ctx);
 * // { next: [{ method: 'POST', url: 'https://api.onesignal.com/apps/<app_id>/users', body: { identity: { external_id: 'u-1' }, properties: … }, … }] }
 */
export function classifyOneSignal(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  // A 2xx web page is a proxy's or a wrong redirect's, not OneSignal's JSON: nothing was taken.
  if (response.status >= 200 && response.status < 300 && isWebPage(response.body)) {
    return { status: 'retry', reason: `HTTP ${response.status} with a web page, not OneSignal's answer (a proxy, or a SIGNAL_VENDOR_REDIRECTS entry pointing elsewhere?): ${excerpt(response.body, 120)}` };
  }
  const memo = userMemoOf(request);
  if (memo) return classifyUser(response, request, memo, ctx);
  if (new URL(request.url).pathname.endsWith('/custom_events')) return classifyCustomEvents(response, request);
  const common = commonOutcome(response);
  if (common) return common;
  const fallback = defaultClassify(response);
  return fallback.status === 'delivered' ? fallback : { ...fallback, reason: `OneSignal ${answered(response)}` };
}
