// Intercom's answers to the delivery requests, as its API reference documents them: 200 with the
// contact (POST /contacts, PUT /contacts/{id}), 202 with an empty body (POST /events); errors as
// `{ type: "error.list", request_id, errors: [{ code, message }] }` — 400 (parameter_invalid,
// parameter_not_found for a custom attribute the workspace lacks, …), 401 unauthorized ("Access
// Token Invalid"), 403, 404 (a data event "about users that cannot be found", a contact id
// unknown), 409 conflict on POST /contacts ("A contact matching those details already exists
// with id=…"), 429 with X-RateLimit-Reset (Unix seconds), 5xx.
import { parseRetryAfter, type Classification, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** How much of Intercom's answer a reason quotes. */
const EXCERPT_CHARS = 300;
/** The longest wait a 429's reset time is taken for; the core caps waits at an hour too. */
const MAX_RESET_WAIT_MS = 3_600_000;

interface IntercomError {
  code?: unknown;
  message?: unknown;
}

function excerpt(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS)}…` : flat;
}

function header(headers: Record<string, string> | undefined, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers ?? {})) if (key.toLowerCase() === name) return value;
  return undefined;
}

/**
 * The errors of Intercom's `error.list` answer (empty for any other body).
 *
 * @example
 * errorsOf({ json: { type: 'error.list', errors: [{ code: 'not_found', message: 'User Not Found' }] } }); // [{ code: 'not_found', message: 'User Not Found' }]
 */
export function errorsOf(response: Pick<VendorResponse, 'json'>): Array<{ code: string; message: string }> {
  const json = response.json;
  const errors = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e): e is IntercomError => e !== null && typeof e === 'object').map((e) => ({
    code: typeof e.code === 'string' ? e.code : '',
    message: typeof e.message === 'string' ? e.message : '',
  }));
}

/**
 * Intercom's own words (`code: message; …`), else the body, for a reason: `HTTP 400: parameter_invalid: …`.
 *
 * @example
 * answered({ status: 401, body: '…', json: { errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] } }); // 'HTTP 401: unauthorized: Access Token Invalid'
 */
export function answered(response: VendorResponse): string {
  const errors = errorsOf(response);
  const words = errors.length > 0 ? errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ') : response.body ?? '';
  const said = excerpt(words);
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/**
 * How long to wait after a 429: until Intercom's `X-RateLimit-Reset` (Unix seconds; its rate
 * limit windows are 10 seconds long), else a `Retry-After`, else the core's own schedule.
 *
 * @example
 * rateLimitWaitMs({ 'x-ratelimit-reset': '1711296010' }, 1711296000000); // 10000
 */
export function rateLimitWaitMs(headers: Record<string, string>, now: number): number | undefined {
  const reset = header(headers, 'x-ratelimit-reset');
  if (reset !== undefined && /^\d+$/.test(reset.trim())) {
    const wait = Number(reset.trim()) * 1000 - now;
    if (wait > 0 && wait <= MAX_RESET_WAIT_MS) return wait;
  }
  return parseRetryAfter(header(headers, 'retry-after'), now);
}

function isEventRequest(request: RequestDescriptor): boolean {
  return request.method === 'POST' && /\/events$/.test(request.url);
}

function isContactCreation(request: RequestDescriptor): boolean {
  return request.method === 'POST' && /\/contacts$/.test(request.url);
}

/** Intercom's answer to a data event for a user it does not have (yet): 404 `not_found` "User Not Found". */
function userNotFound(response: VendorResponse): boolean {
  return errorsOf(response).some((e) => e.code === 'not_found' || /user not found/i.test(e.message));
}

/**
 * What to do about a 409 to `POST /contacts`, which the delivery sends only when the lookup
 * before fan-out could not resolve the contact (it failed, timed out or was paused; see
 * contact-lookup.ts). Retrying would send the same creation and get the same 409, so the
 * identify is dead-lettered with the way back: an archived contact must be unarchived first;
 * either way `replayEvents` (not `replayDeadLetters`, which sends the same creation again)
 * looks the contact up again and sends the update.
 *
 * @example
 * conflictReason(response, 'HTTP 409: conflict: A contact matching those details already exists with id=5da6…');
 * // 'HTTP 409: …: Intercom already has this contact (id 5da6…) …'
 */
export function conflictReason(response: VendorResponse, said: string): string {
  const message = errorsOf(response).map((e) => e.message).join(' ') || (response.body ?? '');
  const id = /already exists with id=([A-Za-z0-9_-]+)/i.exec(message)?.[1];
  const which = id ? `contact ${id}` : 'the contact';
  const replay = 'replay the identify with replayEvents for this integration over its receive time (since and until a second either side), which looks the contact up again and updates it with PUT /contacts/{id} (replayDeadLetters would send the same creation again)';
  if (/archived/i.test(message)) {
    return `${said}: ${which} is archived in Intercom, which neither finds nor updates an archived contact, so the identify's traits were not applied: unarchive it (in Intercom, or POST /contacts/${id ?? '{id}'}/unarchive), then ${replay}`;
  }
  return `${said}: Intercom already has this contact${id ? ` (id ${id})` : ''}: Signal's lookup before fan-out could not resolve it (failed, timed out or paused: see the integration's last enrichment error), so the identify was sent as a creation and its traits were not applied: ${replay}`;
}

/**
 * Intercom's answers to a delivery request (one event each):
 * - 2xx: delivered;
 * - 429: tried again after X-RateLimit-Reset, using up no try;
 * - 408, 5xx: tried again;
 * - 404 to a data event with Intercom's `not_found`: tried again (on the retry schedule, so a
 *   bounded number of tries) — the identify creating the contact may still be on its way;
 * - 404 to an update: dead-lettered (the contact was deleted or merged since the lookup);
 * - 409 to a contact creation: dead-lettered naming the contact Intercom has and how to replay
 *   it (`conflictReason`; the core cannot send the update from here, and a retry would get the
 *   same 409); 409 to an update: dead-lettered (two contacts for one person: merge them);
 * - 401, 403: dead-lettered, naming the config fields to check;
 * - any other 4xx: dead-lettered with Intercom's words (a custom attribute it lacks names
 *   config.custom_attributes).
 *
 * @example
 * classifyIntercom({ status: 202, headers: {}, body: '' }, request, ctx); // { status: 'delivered' }
 */
export function classifyIntercom(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) return { status: 'delivered' };
  const said = answered(response);
  if (status === 429) {
    const wait = rateLimitWaitMs(response.headers, ctx.now);
    return { status: 'retry', reason: `${said}: Intercom's rate limit (10,000 calls a minute per app, in 10-second windows)`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  if (status === 408 || status >= 500) {
    const wait = parseRetryAfter(header(response.headers, 'retry-after'), ctx.now);
    return { status: 'retry', reason: said, ...(wait !== undefined ? { retryAfterMs: wait } : {}) };
  }
  if (status === 401) return { status: 'dead_letter', reason: `${said}: Intercom refused the access token: check config.access_token (the app's token, not revoked) and config.region (the workspace's region: a token works on its own region's host only)` };
  if (status === 403) return { status: 'dead_letter', reason: `${said}: the app lacks a permission this request needs (Read and write users, or Write users for events): grant it in the Developer Hub, or check config.region` };
  if (status === 404 && isEventRequest(request) && userNotFound(response)) {
    return { status: 'retry', reason: `${said}: Intercom has no contact for this user (yet: the identify creating it may still be on its way), so it was tried again on the retry schedule; after the last try, send an identify for the user (or create the contact in Intercom) and replay the dead letter` };
  }
  if (status === 404 && request.method === 'PUT') {
    return { status: 'dead_letter', reason: `${said}: the contact the lookup found is no longer in Intercom (deleted or merged since): replay the identify with replayEvents over its receive time (a second either side), which looks the person up again (replayDeadLetters would send the same update again)` };
  }
  if (status === 409 && isContactCreation(request)) return { status: 'dead_letter', reason: conflictReason(response, said) };
  if (status === 409 && request.method === 'PUT') {
    return { status: 'dead_letter', reason: `${said}: Intercom refused the update as a conflict (most likely another contact already holds this external_id or email: two contacts for one person): merge them in Intercom, then replay the identify with replayEvents over its receive time` };
  }
  if (errorsOf(response).some((e) => /custom.?attribute|attribute .* does not exist/i.test(e.message)) || /custom.?attribute/i.test(response.body ?? '')) {
    return { status: 'dead_letter', reason: `${said}: every name in config.custom_attributes must exist in Intercom as a People data attribute of a matching type (Settings > Data > People)` };
  }
  return { status: 'dead_letter', reason: said };
}
