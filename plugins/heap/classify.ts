// Heap's answers to its server-side APIs. Heap documents the requests, not their failures: a
// taken request is answered 200 (with an empty body, or `{}`); a request it refuses, 400 with
// its words; a rate limit, 429 ("All requests that are made after rate limits have been
// exceeded are throttled and an HTTP 429 Too Many Requests error is returned"); its own
// failures, 5xx. Heap reports no result per event, and refuses a bulk request whole.
import { defaultClassify, excerpt, type ClassifyResult, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { IDENTIFY_PATH, identifyRequest, USER_PROPERTIES_PATH, type PendingMerge } from './requests.ts';

/**
 * A 400 naming something of one event or user — its name, identity, user_id, properties, time
 * or key — may be one item's in a bulk request, which Heap refuses whole: such a request of
 * several is sent again in halves, down to the item refused. A 400 naming none of them (the
 * app_id, the body) refuses the request itself, and halves would be refused alike.
 */
const ONE_ITEM = /\b(?:event|identity|user_?id|propert(?:y|ies)|timestamp|idempotency|session)/i;
/** A 400 about the app_id: the config's, not an event's. */
const APP_ID = /app_?id|environment/i;

/** Heap's own words: a JSON error's `error` (or `err`, `message`), else the body's text. */
export function saidBy(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const answer = json as Record<string, unknown>;
    for (const key of ['error', 'err', 'message', 'detail']) {
      const value = answer[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '');
}

/**
 * A 2xx that is a web page rather than Heap's answer: a proxy or a captive portal answering
 * for the host. Counted delivered, every event would be lost without a word.
 */
function isWebPage(response: VendorResponse): boolean {
  const type = Object.entries(response.headers).find(([name]) => name.toLowerCase() === 'content-type')?.[1] ?? '';
  return /text\/html/i.test(type) || /^\s*<(?:!doctype|html)/i.test(response.body ?? '');
}

/** Which API a request went to, in words. */
function apiOf(request: RequestDescriptor): string {
  if (request.url.endsWith(USER_PROPERTIES_PATH)) return 'add user properties';
  if (request.url.endsWith(IDENTIFY_PATH)) return 'identify';
  return 'track';
}

function mergesOf(request: RequestDescriptor): PendingMerge[] {
  const memo = request.memo;
  if (memo === null || typeof memo !== 'object' || Array.isArray(memo)) return [];
  const merges = (memo as JsonObject).merges;
  return Array.isArray(merges) ? (merges as unknown as PendingMerge[]) : [];
}

/**
 * Heap's answers, per request. 2xx delivered — unless it is a web page, dead-lettered naming
 * config.data_center — and for user properties with visitors to merge, the identify requests
 * follow (`next`), one per identify. 400: a request of several refused for something of one
 * item is sent again in halves (`split`); one about the app_id dead-letters naming config.app_id;
 * any other, Heap's words. 401/403: config.app_id. 404: no such API at the data center's host.
 * 413: halves, or one item dead-lettered as too large. 408, 429 and 5xx: retried, after
 * Retry-After when Heap gives one (a 429 uses up no try). Any other 4xx: dead-lettered.
 *
 * @example
 * classifyHeap({ status: 400, headers: {}, body: 'Invalid app_id' }, request, ctx);
 * // { status: 'dead_letter', reason: 'Heap refused the app ID (HTTP 400: Invalid app_id): config.app_id must be …' }
 */
export function classifyHeap(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const { status } = response;
  const api = apiOf(request);
  if (status >= 200 && status < 300) {
    if (isWebPage(response)) {
      return {
        status: 'dead_letter',
        reason: `Heap's ${api} API did not answer (HTTP ${status} with a web page): ${request.url} is not Heap's — check config.data_center (us: heapanalytics.com, eu: c.eu.heap-api.com) and any proxy between Signal and Heap; replay the dead letters once fixed`,
      };
    }
    const merges = mergesOf(request);
    if (merges.length === 0) return { status: 'delivered' };
    const origin = new URL(request.url).origin;
    // The user properties are set; each visitor's anonymous Heap user is merged next.
    return { next: merges.map((merge) => identifyRequest(origin, merge.body, merge.id)) };
  }
  const said = saidBy(response);
  const answered = `HTTP ${status}${said ? `: ${said}` : ''}`;
  const several = request.eventIds.length > 1;
  const item = api === 'add user properties' ? 'user' : api === 'identify' ? 'identify' : 'event';
  if (status === 400) {
    if (APP_ID.test(said)) {
      return { status: 'dead_letter', reason: `Heap refused the app ID (${answered}): config.app_id must be the ID of a Heap environment of the account, digits only (Account > Manage > Projects)` };
    }
    if (several && ONE_ITEM.test(said)) return { status: 'split', reason: `Heap refused the ${api} request, which it does whole for one bad ${item} (${answered}): sending it in halves to find that ${item}` };
    const hint = api === 'identify'
      ? 'user_id must be a number below 2^53 and identity text of up to 255 characters'
      : 'Heap takes event names of up to 1024 characters, identities of up to 255, and properties of numbers and text of fewer than 1024 characters';
    return { status: 'dead_letter', reason: `Heap refused the ${several ? `${api} request` : item} (${answered}): ${hint}` };
  }
  if (status === 401 || status === 403) {
    return { status: 'dead_letter', reason: `Heap refused the request (${answered}): check config.app_id, the environment ID of your Heap account (Account > Manage > Projects)` };
  }
  if (status === 404) {
    return { status: 'dead_letter', reason: `Heap has no ${api} API at ${request.url} (${answered}): check config.data_center (${ctx.config.data_center === 'eu' ? 'eu: c.eu.heap-api.com' : 'us: heapanalytics.com'})` };
  }
  if (status === 413) {
    if (several) return { status: 'split', reason: `Heap: the ${api} request is too large (${answered}); sending it in halves` };
    return { status: 'dead_letter', reason: `Heap refused this ${item} alone as too large (${answered}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  const classified = defaultClassify(response);
  if (!('reason' in classified)) return classified;
  const what = status === 429 ? 'rate-limited the request' : classified.status === 'retry' ? 'failed' : 'refused the request';
  return { ...classified, reason: `Heap ${what} (${api}, ${answered})` };
}
