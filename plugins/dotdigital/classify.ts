// Dotdigital's answers, as its v3 API references document them: POST /contacts/v3 answers 201
// with the contact, and 409 `contacts:idAlreadyExists` for an email it has; GET and PATCH
// /contacts/v3/{identifier}/{value} answer 200 (PATCH 201 when it created the contact) and GET
// 404 for none; POST /events/v3/import answers 202 (imported in the background). Errors are
// `{ errorCode, description, details: [{ item, description }] }`. 401 is a refused API user;
// 403 is what another region's host answers ("403 - Forbidden: Access is denied"), or an API
// the account's package lacks (the Events API needs CXDP). A tiered rate limit answers 429 (a
// minute's calls of the call's tier); the deprecated flat (hourly) limit answers 400 "excess
// API activity".
import { defaultClassify, excerpt, isJsonObject, parseRetryAfter, responseHeader, trimmedText, type ClassifyResult, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { regionOf } from './config.ts';
import { lookupRequest, updateRequest } from './requests.ts';

interface DotdigitalError {
  errorCode?: unknown;
  description?: unknown;
  details?: unknown;
}

function errorOf(response: VendorResponse): DotdigitalError {
  return isJsonObject(response.json ?? null) ? (response.json as DotdigitalError) : {};
}

/** `HTTP 400: contacts:invalidId: The id value … (dataFields.PLAN: …)` in Dotdigital's words, else the body. */
export function answered(response: VendorResponse): string {
  const { errorCode, description, details } = errorOf(response);
  const items = Array.isArray(details)
    ? details.filter(isJsonObject).map((d) => [trimmedText(d.item), trimmedText(d.description)].filter((w) => w !== undefined).join(': ')).filter((w) => w !== '')
    : [];
  const words = [trimmedText(errorCode), trimmedText(description)].filter((w) => w !== undefined).join(': ') + (items.length > 0 ? ` (${items.join('; ')})` : '');
  const said = excerpt(words.trim() !== '' ? words : (response.body ?? ''));
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/** What the plugin noted on a request (requests.ts): its step, the contact's email and update. */
interface Memo {
  step?: string;
  email?: string;
  update?: JsonObject;
  /** The lookup follows a creation Dotdigital refused as a duplicate (409). */
  afterDuplicate?: boolean;
}

function memoOf(request: RequestDescriptor): Memo {
  const memo = request.memo;
  if (!isJsonObject(memo ?? null)) return {};
  const { step, email, update, afterDuplicate } = memo as JsonObject;
  return { step: typeof step === 'string' ? step : undefined, email: typeof email === 'string' ? email : undefined, update: isJsonObject(update ?? null) ? (update as JsonObject) : undefined, afterDuplicate: afterDuplicate === true };
}

/** Contact statuses of a contact Dotdigital deleted (its recycle bin keeps them 30 days): never restored by an update. */
export const REMOVED_STATUSES = ['deleted', 'binned'];

/**
 * The contact a lookup found: its contactId, and its status when it is a deleted one; undefined
 * when the answer names no contactId.
 *
 * @example
 * foundContact({ status: 200, json: { contactId: 9, status: 'unsubscribed' }, … }); // { contactId: 9 }
 * foundContact({ status: 200, json: { contactId: 9, status: 'binned' }, … });       // { contactId: 9, removed: 'binned' }
 */
export function foundContact(response: VendorResponse): { contactId: number; removed?: string } | undefined {
  if (!isJsonObject(response.json ?? null)) return undefined;
  const { contactId, status } = response.json as JsonObject;
  if (typeof contactId !== 'number' || !Number.isSafeInteger(contactId) || contactId < 0) return undefined;
  const removed = typeof status === 'string' ? REMOVED_STATUSES.find((name) => name.toLowerCase() === status.toLowerCase()) : undefined;
  return removed === undefined ? { contactId } : { contactId, removed };
}

/** Whether a 2xx is Dotdigital's answer: empty (202), or JSON. A web page is a proxy's. */
function isDotdigitalSuccess(response: VendorResponse): boolean {
  if ((response.body ?? '').trim() === '') return true;
  return response.json !== null && response.json !== undefined && typeof response.json === 'object';
}

/**
 * How long Dotdigital asks to wait after a 429: Retry-After, else X-RateLimit-Reset (a UTC epoch
 * in seconds, or seconds from now when small).
 */
export function waitOf(response: VendorResponse, now: number): number | undefined {
  const retryAfter = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(responseHeader(response.headers, 'x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  if (reset > 1e9) return Math.max(0, reset * 1000 - now);
  return Math.ceil(reset) * 1000;
}

/** The deprecated hourly (flat) rate limit's refusal: a 400 whose words say so. */
function isFlatRateCap(response: VendorResponse): boolean {
  return response.status === 400 && /excess API activity|temporarily capped/i.test(answered(response));
}

function credentials(): string {
  return 'check config.username and config.password (an API user of Settings > Access > API users, active, not a login of the app)';
}

function forbidden(ctx: PluginContext, request: RequestDescriptor): string {
  const region = regionOf(ctx.config);
  const events = /\/events\/v3\//.test(request.url) ? '; or the account\'s package lacks the Events API (Dotdigital: "You must have a CXDP account")' : '';
  return `check config.region (${region} now): another region's host answers 403 to every call — the account's API endpoint is shown at the top of Settings > Access > API users (r1 Europe, r2 North America, r3 Asia Pacific)${events}`;
}

/** What to fix for a record Dotdigital refused, by its kind. */
function advice(request: RequestDescriptor): string {
  if (/\/events\/v3\//.test(request.url)) return 'check the events\' contacts (each must be a contact Dotdigital has, by email: an identify with marketing consent creates it), types (1 to 80 characters) and data (the blueprint\'s email, event_type and event_data rows)';
  return 'check the contact\'s data fields (each must exist in the account, Audience > Data fields, with a matching type: config.data_fields and the blueprint\'s dataFields rows) and config.list_ids (lists of the account)';
}

/**
 * Dotdigital's answers to a delivery request:
 * - a creation's 409 (Dotdigital has the contact): `next`, its lookup (then the update), or
 *   delivered when there is nothing to update;
 * - a lookup's 200: `next`, the update by the contactId it answered (PATCH, data fields only: no
 *   status, no lists; by contactId it cannot create a contact); declined for a contact whose
 *   status is deleted or binned (the PATCH would restore it); its 404: declined (no contact, and
 *   an identify without marketing consent creates none);
 * - 2xx: delivered when it is Dotdigital's answer; a web page or other text retried;
 * - 429, and the flat limit's 400 "excess API activity": retried after Retry-After or
 *   X-RateLimit-Reset, as a rate limit;
 * - 401: dead-lettered naming config.username/password; 403: naming config.region (the wrong
 *   region's answer) and, for events, the package;
 * - 400 of an import of several events: split (the halves sent again, so one bad event is
 *   dead-lettered alone); other 400 and 404: dead-lettered with Dotdigital's words and what to fix;
 * - other 4xx: dead-lettered; 408, 5xx: retried (defaultClassify).
 *
 * @example
 * classifyDotdigital({ status: 403, headers: {}, body: '', json: undefined }, request, ctx);
 * // { status: 'dead_letter', reason: 'Dotdigital refused the call (HTTP 403): check config.region (r1 now): …' }
 */
export function classifyDotdigital(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const status = response.status;
  const memo = memoOf(request);
  if (memo.step === 'create' && status === 409 && memo.email !== undefined) {
    // Dotdigital has the contact: its data fields are updated (through a lookup, which gives the
    // contactId and says whether the contact is deleted); its status and lists stay.
    if (memo.update === undefined || Object.keys(memo.update).length === 0) return { status: 'delivered' };
    return { next: [lookupRequest(ctx, memo.email, memo.update, request.eventIds, true)] };
  }
  if (memo.step === 'lookup' && memo.email !== undefined && (status === 200 || status === 404) && isDotdigitalSuccess(response)) {
    if (status === 404 && memo.afterDuplicate) return { status: 'declined', reason: `Dotdigital refused the creation as a duplicate, yet its lookup finds no contact with this email (${answered(response)}): one in its recycle bin (Settings > Recycle bin), which the plugin never restores — not updated` };
    if (status === 404) return { status: 'declined', reason: `Dotdigital has no contact with this email (${answered(response)}), and an identify without marketing consent creates none (Dotdigital would make a new contact a subscriber): an identify with consent creates it` };
    const found = foundContact(response);
    if (found === undefined) return { status: 'retry', reason: `Dotdigital's answer to the contact lookup (${answered(response)}) names no contactId: sent again` };
    if (found.removed !== undefined) return { status: 'declined', reason: `Dotdigital's contact with this email is ${found.removed} (in its recycle bin), and an update would restore it: not updated (restore it in Dotdigital, Settings > Recycle bin, to have it updated again)` };
    return { next: [updateRequest(ctx, found.contactId, memo.update ?? {}, request.eventIds)] };
  }
  if (status >= 200 && status < 300) {
    if (isDotdigitalSuccess(response)) return { status: 'delivered' };
    return { status: 'retry', reason: `the answer (HTTP ${status}: ${excerpt(response.body)}) is not Dotdigital's (a proxy or firewall in between?): sent again` };
  }
  if (status === 429 || isFlatRateCap(response)) {
    const retryAfterMs = waitOf(response, ctx.now);
    const scope = responseHeader(response.headers, 'x-ratelimit-scope');
    const reason = `Dotdigital rate-limited the account (${answered(response)})${scope ? `: the ${scope} tier's calls of the minute are used up` : ''}`;
    const throttled = status !== 429 ? { throttled: true } : {};
    return retryAfterMs === undefined ? { status: 'retry', reason, ...throttled } : { status: 'retry', reason, retryAfterMs, ...throttled };
  }
  if (status === 401) return { status: 'dead_letter', reason: `Dotdigital refused the API user (${answered(response)}): ${credentials()}` };
  if (status === 403) return { status: 'dead_letter', reason: `Dotdigital refused the call (${answered(response)}): ${forbidden(ctx, request)}` };
  const what = /\/events\/v3\//.test(request.url) ? 'events' : 'contact';
  if (status === 400 && Array.isArray(request.body) && request.body.length > 1) return { status: 'split', reason: `Dotdigital refused the import (${answered(response)}): sent again in halves, so only the event it refuses is dead-lettered` };
  if (status === 400 || status === 404 || status === 409) return { status: 'dead_letter', reason: `Dotdigital refused the ${what} (${answered(response)}): ${advice(request)}` };
  if (status >= 400 && status < 500 && status !== 408) return { status: 'dead_letter', reason: `Dotdigital refused the ${what} (${answered(response)})` };
  const classified = defaultClassify(response);
  const reason = `Dotdigital ${answered(response)}`;
  return 'reason' in classified ? { ...classified, reason } : classified;
}
