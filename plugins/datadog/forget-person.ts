// Person deletions as Datadog data deletion requests, when config.forward_deletions is on with an
// application key. Datadog's API reference ("Data Deletion", a Preview API, `x-unstable` in its
// OpenAPI spec): `POST https://api.<site>/api/v2/deletion/data/logs` with `{ data: { type:
// 'create_deletion_req', attributes: { from, to, query } } }` — a time window in ms and a query
// object, typed `map[string]string` in datadog-api-client-go — the API key as DD-API-KEY and an
// application key whose user has logs_delete_data as DD-APPLICATION-KEY; answered `200 {"data":
// {"id", "type": "deletion_request", "attributes": {"query", "status": "pending", …}}}`. The only
// example, in the spec and in the Go client's recorded exchange with Datadog, is the query
// `{"host": "abc", "service": "xyz"}`, echoed back as the query text "host:abc service:xyz": each
// key and value as a `key:value` term of the log search syntax, joined by spaces (AND). Datadog's
// "Delete Data" page: a deletion covers indexes, Flex Indexes and Online Archives, never metrics
// generated from the logs, and a request can be cancelled (`PUT
// /api/v2/deletion/requests/{id}/cancel`) for up to 10 days after it was made (earlier versions of
// the page: the deletion begins 2 hours after the request).
//
// One request per id named: the userId as the log attribute usr.id, the anonymousId as
// usr.anonymous_id (the attributes this plugin sends them as; `@` is how the log search syntax
// names an attribute rather than a tag), scoped to this integration's service and source, over
// the last 15 months. That an `@` key is read as an attribute search is not documented. So the
// answer is checked, failing closed: unless the query Datadog echoes is exactly the terms asked
// for (`service:<service> source:<source> @usr.id:<id>`, in any order, nothing else — no OR, no
// term without its key), the request is cancelled at once (a follow-up), never left to delete
// every log of the service, or logs merely mentioning the id.
import { escapeRegExp, isContactInfo, isJsonObject, namesNoOne, type ForgetOutcome, type JsonObject, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy, waitAskedMs } from './classify.ts';
import { deletionUrlOf, optionsOf } from './config.ts';

/** The window a deletion covers: 15 months (465 days), the longest log retention Datadog offers (Flex Logs). */
export const DELETION_LOOKBACK_MS = 465 * 86_400_000;
/** The log attribute each kind of id is sent as (log-entry.ts), as a log query names it. */
export const ID_ATTRIBUTES = { userId: '@usr.id', anonymousId: '@usr.anonymous_id' } as const;
/**
 * Values a query can name without quoting or escaping: letters, digits, `_`, `.` and `-` (not
 * first). Datadog's search syntax reads other characters (spaces, `:`, `/`, `*`, `"`, `\`…) as
 * operators.
 */
const QUERY_SAFE = /^[\p{L}\p{N}_][\p{L}\p{N}_.-]*$/u;
/** How the core shows an id it hid in a vendor's answer (the person's ids never stay in it). */
const HIDDEN = '[…]';

/** Why an id cannot be deleted by a query, or undefined when it can. */
function idProblem(id: string): string | undefined {
  if (namesNoOne(id)) return 'a placeholder that names no one (never sent)';
  if (isContactInfo('value', id)) return 'an email address or a phone number (never sent: the plugin leaves contact information out)';
  if (!QUERY_SAFE.test(id)) return 'holds characters Datadog\'s query syntax reads as operators (delete it from Datadog\'s Data Deletion page)';
  return undefined;
}

function deletion(attribute: string, id: string, ctx: PluginContext): RequestDescriptor {
  const options = optionsOf(ctx.config);
  return {
    method: 'POST',
    url: deletionUrlOf(ctx.config),
    headers: { 'content-type': 'application/json', 'dd-api-key': options.apiKey, 'dd-application-key': options.applicationKey },
    body: {
      data: {
        type: 'create_deletion_req',
        attributes: { from: ctx.now - DELETION_LOOKBACK_MS, to: ctx.now, query: { service: options.service, source: options.source, [attribute]: id } },
      },
    },
    eventIds: [],
  };
}

/**
 * The deletion requests of a person's ids: one per id (userId as @usr.id, then anonymousId as
 * @usr.anonymous_id), or why none can be made.
 *
 * @example
 * request({ userId: 'u-1', anonymousId: 'df_a1' }, ctx);
 * // [{ method: 'POST', url: 'https://api.datadoghq.com/api/v2/deletion/data/logs', body: { data: { type: 'create_deletion_req', attributes: { from, to, query: { service: 'signal', source: 'signal', '@usr.id': 'u-1' } } } }, … },
 * //  { …query: { service: 'signal', source: 'signal', '@usr.anonymous_id': 'df_a1' }… }]
 */
function request(person: { userId: string | null; anonymousId: string | null }, ctx: PluginContext): RequestDescriptor[] | { skipped: string } {
  const options = optionsOf(ctx.config);
  if (!options.sendIds) return { skipped: 'config.send_ids is off: no log sent to Datadog names the person' };
  for (const field of ['service', 'source'] as const) {
    if (!QUERY_SAFE.test(options[field])) return { skipped: `config.${field} "${options[field]}" holds characters Datadog's query syntax reads as operators (":" or "/"), so no deletion query can be scoped to it: delete the person's logs from Datadog's Data Deletion page` };
  }
  const requests: RequestDescriptor[] = [];
  const reasons: string[] = [];
  for (const kind of ['userId', 'anonymousId'] as const) {
    const id = person[kind]?.trim() ?? '';
    if (id === '') continue;
    const problem = idProblem(id);
    if (problem) reasons.push(`the ${kind} is ${problem}`);
    else requests.push(deletion(ID_ATTRIBUTES[kind], id, ctx));
  }
  if (requests.length === 0) return { skipped: reasons.length > 0 ? `no request can name the person: ${reasons.join('; ')}` : 'no id named' };
  return requests;
}

/** The query a deletion request asked for (its `data.attributes.query`). */
function queryOf(request: RequestDescriptor | undefined): Record<string, string> | undefined {
  const body = request?.body;
  if (!isJsonObject(body) || !isJsonObject(body.data) || !isJsonObject(body.data.attributes) || !isJsonObject(body.data.attributes.query)) return undefined;
  const query = body.data.attributes.query;
  return Object.values(query).every((value) => typeof value === 'string') ? query as Record<string, string> : undefined;
}

/**
 * Whether one echoed term is `key:value` — the key as written (an id hidden inside the key
 * fails), the value as asked, quoted or not, where the core may have hidden the person's ids
 * ("[…]"). Service and source values compare without case (Datadog lower-cases tags).
 */
function termEchoes(term: string, key: string, value: string): boolean {
  if (!term.startsWith(`${key}:`)) return false;
  let echoed = term.slice(key.length + 1);
  if (echoed.length >= 2 && echoed.startsWith('"') && echoed.endsWith('"')) echoed = echoed.slice(1, -1);
  const fold = key.startsWith('@') ? (text: string) => text : (text: string) => text.toLowerCase();
  if (fold(echoed) === fold(value)) return true;
  if (!echoed.includes(HIDDEN)) return false;
  return new RegExp(`^${echoed.split(HIDDEN).map((part) => escapeRegExp(fold(part))).join('.+')}$`, 'u').test(fold(value));
}

/**
 * Whether the query text Datadog echoes is exactly the terms asked for, in any order (an
 * explicit AND allowed): every term once, nothing else — an OR, a NOT, a bare word or a
 * missing term makes it another deletion than the one asked for.
 *
 * @example
 * echoesQuery('service:shop source:signal @usr.id:[…]', { service: 'shop', source: 'signal', '@usr.id': 'u-1' }); // true
 * echoesQuery('service:shop source:signal', { service: 'shop', source: 'signal', '@usr.id': 'u-1' }); // false
 */
export function echoesQuery(echoed: string, query: Record<string, string>): boolean {
  const terms = echoed.trim().split(/\s+/).filter((term) => term !== '' && term !== 'AND');
  const asked = Object.entries(query);
  if (asked.length === 0 || terms.length !== asked.length) return false;
  const matched = new Set<number>();
  for (const [key, value] of asked) {
    const index = terms.findIndex((term, i) => !matched.has(i) && termEchoes(term, key, value));
    if (index < 0) return false;
    matched.add(index);
  }
  return true;
}

function cancelRequest(id: string, request: RequestDescriptor): RequestDescriptor {
  const url = new URL(request.url);
  return {
    method: 'PUT',
    url: `${url.origin}/api/v2/deletion/requests/${encodeURIComponent(id)}/cancel`,
    headers: Object.fromEntries(Object.entries(request.headers ?? {}).filter(([name]) => name !== 'content-type')),
    eventIds: [],
  };
}

/** A refusal, in Datadog's words, with what to check for the statuses that name a config field. */
function refused(response: VendorResponse, what: string): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status === 401 || response.status === 403) {
    return { failed: `Datadog refused ${what} (${answered}): check config.application_key — an application key of a user whose role has the Logs Delete Data permission — with config.api_key of the same organization on config.site, and that an admin enabled Logs Data Deletion (Organization Settings > Preferences)` };
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const wait = waitAskedMs(response);
    return { retry: `Datadog could not take ${what} now (${answered})`, ...(wait !== undefined ? { afterSeconds: Math.ceil(wait / 1000) } : {}) };
  }
  return { failed: `Datadog refused ${what} (${answered})` };
}

/** Until when Datadog's Delete Data page says a request can still be cancelled. */
const CANCEL_WINDOW = 'within 10 days of the request (Datadog\'s Delete Data page; earlier versions of it say a deletion begins 2 hours after the request, so do it now)';

/**
 * Datadog's answers: to a deletion request, 2xx done (the request's id and status) only when the
 * query Datadog echoes is exactly the terms asked for (`echoesQuery`); otherwise a follow-up
 * cancels it — or, with no request id to cancel, failed naming what to check. To that
 * cancellation: failed either way (the deletion is not forwarded), saying whether cancelling
 * worked. 401/403 failed naming the keys; 408, 429 and 5xx tried again; others failed with
 * Datadog's words.
 *
 * @example
 * read({ status: 200, headers: {}, body: '…', json: { data: { id: '754', type: 'deletion_request', attributes: { query: 'service:signal source:signal @usr.id:[…]', status: 'pending' } } } }, request);
 * // { done: true, message: 'Datadog accepted data deletion request 754 (pending) for the logs of service:signal source:signal whose @usr.id is the id' }
 */
function read(response: VendorResponse, built?: RequestDescriptor): ForgetOutcome {
  if (built?.method === 'PUT') {
    const id = decodeURIComponent(built.url.split('/').at(-2) ?? '');
    if (response.status >= 200 && response.status < 300) {
      return { failed: `Datadog did not echo the deletion's query as asked (its answer must read service, source and the person's id as log search terms), so data deletion request ${id} was cancelled before it ran: delete the person's logs from Datadog's Data Deletion page (Organization Settings > Data Deletion)` };
    }
    const said = saidBy(response);
    return { failed: `Datadog did not echo the deletion's query as asked, and cancelling data deletion request ${id} failed (HTTP ${response.status}${said ? `: ${said}` : ''}): its query may not name the person — check it on Datadog's Data Deletion page and cancel it there ${CANCEL_WINDOW}` };
  }
  if (response.status < 200 || response.status >= 300) return refused(response, 'the data deletion request');
  const json = response.json;
  const data = isJsonObject(json) && isJsonObject(json.data) ? json.data : {};
  const attributes = isJsonObject(data.attributes) ? data.attributes : {};
  const id = typeof data.id === 'string' || typeof data.id === 'number' ? String(data.id) : undefined;
  const query = queryOf(built);
  const echoed = typeof attributes.query === 'string' ? attributes.query : undefined;
  if (query === undefined || echoed === undefined || !echoesQuery(echoed, query)) {
    // Fail closed: a deletion whose query cannot be confirmed is not left to run.
    if (id !== undefined && built !== undefined) return { next: cancelRequest(id, built) };
    return { failed: `Datadog answered HTTP ${response.status} to the data deletion request without ${echoed === undefined ? 'echoing its query' : 'echoing its query as asked'} or naming the request, so it could not be checked or cancelled: look for it on Datadog's Data Deletion page (Deletion History) and cancel it ${CANCEL_WINDOW} unless its query names the person` };
  }
  const state = typeof attributes.status === 'string' ? ` (${attributes.status})` : '';
  const scope = Object.entries(query).filter(([key]) => !key.startsWith('@')).map(([key, value]) => `${key}:${value}`).join(' ');
  const attribute = Object.keys(query).find((key) => key.startsWith('@'));
  return { done: true, message: `Datadog accepted data deletion request${id !== undefined ? ` ${id}` : ''}${state} for the logs of ${scope} whose ${attribute ?? 'id attribute'} is the id` };
}

/**
 * Person deletions, for integrations with config.forward_deletions on and an application key.
 *
 * @example
 * forgetPerson.enabled({ api_key: 'k', forward_deletions: true, application_key: 'a' }); // true
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => {
    const options = optionsOf(config);
    return options.forwardDeletions && options.applicationKey !== '' && options.apiKey !== '';
  },
  request,
  read,
  successAnswer: {
    status: 200,
    headers: { 'content-type': 'application/vnd.api+json' },
    body: { data: { id: '754', type: 'deletion_request', attributes: { product: 'logs', query: 'service:signal source:signal @usr.id:[…]', status: 'pending', is_created: false } }, meta: { product: 'logs' } } as JsonObject,
  },
};
