// Person deletions as Datadog data deletion requests, when config.forward_deletions is on with an
// application key. Datadog's API reference ("Data Deletion", a Preview API): `POST
// https://api.<site>/api/v2/deletion/data/logs` with `{ data: { type: 'create_deletion_req',
// attributes: { from, to, query } } }` — a time window in ms and a query object (the reference's
// example `{"host": "abc", "service": "xyz"}`, echoed back as the query "host:abc service:xyz") —
// the API key as DD-API-KEY and an application key whose user has logs_delete_data as
// DD-APPLICATION-KEY; answered `200 {"data": {"id", "type": "deletion_request", "attributes":
// {"query", "status": "pending", …}}}`. Datadog's "Delete Data" page: the deletion starts 2 hours
// after the request, across indexes, Flex Indexes and Online Archives, never metrics generated
// from the logs; a request may be cancelled (`PUT /api/v2/deletion/requests/{id}/cancel`).
//
// One request per id named: the userId as the log attribute usr.id, the anonymousId as
// usr.anonymous_id (the attributes this plugin sends them as), scoped to this integration's
// service and source, over the last 15 months. Datadog documents the query object by that one
// example only; attribute keys (`@usr.id`) are the log search syntax for attributes. So the
// answer is checked: if the query Datadog echoes does not name the id's attribute, the request
// is cancelled at once (a follow-up), never left to delete every log of the service.
import { isContactInfo, namesNoOne, type ForgetOutcome, type JsonObject, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy, waitAskedMs } from './classify.ts';
import { deletionUrlOf, optionsOf } from './config.ts';

/** The window a deletion covers: 15 months (465 days), the longest log retention Datadog offers (Flex Logs). */
export const DELETION_LOOKBACK_MS = 465 * 86_400_000;
/** The log attribute each kind of id is sent as (log-entry.ts), as a log query names it. */
export const ID_ATTRIBUTES = { userId: '@usr.id', anonymousId: '@usr.anonymous_id' } as const;
/**
 * Ids a query can name without quoting or escaping: letters, digits, `_`, `.` and `-` (not
 * first). Datadog's search syntax reads other characters (spaces, `:`, `*`, `"`, `\`…) as
 * operators.
 */
const QUERY_SAFE_ID = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Why an id cannot be deleted by a query, or undefined when it can. */
function idProblem(id: string): string | undefined {
  if (namesNoOne(id)) return 'a placeholder that names no one (never sent)';
  if (isContactInfo('value', id)) return 'an email address or a phone number (never sent: the plugin leaves contact information out)';
  if (!QUERY_SAFE_ID.test(id)) return 'holds characters Datadog\'s query syntax reads as operators (delete it from Datadog\'s Data Deletion page)';
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
  if (!optionsOf(ctx.config).sendIds) return { skipped: 'config.send_ids is off: no log sent to Datadog names the person' };
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

/** The attribute a deletion request asked by (its query's @ key). */
function askedAttribute(request: RequestDescriptor | undefined): string | undefined {
  const body = request?.body;
  if (!isRecord(body) || !isRecord(body.data) || !isRecord(body.data.attributes) || !isRecord(body.data.attributes.query)) return undefined;
  return Object.keys(body.data.attributes.query).find((key) => key.startsWith('@'));
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

/**
 * Datadog's answers: to a deletion request, 2xx done (the request's id and status), unless the
 * query it echoes does not name the id's attribute — then a follow-up cancels it; to that
 * cancellation, failed (the deletion is not forwarded) naming the request to check if
 * cancelling failed. 401/403 failed naming the keys; 408, 429 and 5xx tried again; others failed
 * with Datadog's words.
 *
 * @example
 * read({ status: 200, headers: {}, body: '…', json: { data: { id: '754', type: 'deletion_request', attributes: { query: 'service:signal source:signal @usr.id:[…]', status: 'pending' } } } }, request);
 * // { done: true, message: 'Datadog accepted data deletion request 754 (pending) for the logs whose @usr.id is the id; it starts 2 hours after the request' }
 */
function read(response: VendorResponse, built?: RequestDescriptor): ForgetOutcome {
  if (built?.method === 'PUT') {
    const id = decodeURIComponent(built.url.split('/').at(-2) ?? '');
    if (response.status >= 200 && response.status < 300) {
      return { failed: `Datadog did not read the person's id as part of the deletion's query, so data deletion request ${id} was cancelled before it started: delete the person's logs from Datadog's Data Deletion page (Organization Settings > Data Deletion)` };
    }
    const said = saidBy(response);
    return { failed: `Datadog did not read the person's id as part of the deletion's query, and cancelling data deletion request ${id} failed (HTTP ${response.status}${said ? `: ${said}` : ''}): cancel it from Datadog's Data Deletion page before it starts (2 hours after it was made): its query may not name the person` };
  }
  if (response.status < 200 || response.status >= 300) return refused(response, 'the data deletion request');
  const json = response.json;
  const data = isRecord(json) && isRecord(json.data) ? json.data : {};
  const attributes = isRecord(data.attributes) ? data.attributes : {};
  const id = typeof data.id === 'string' || typeof data.id === 'number' ? String(data.id) : undefined;
  const attribute = askedAttribute(built);
  const echoed = typeof attributes.query === 'string' ? attributes.query : undefined;
  if (id !== undefined && built !== undefined && attribute !== undefined && echoed !== undefined && !echoed.includes(`${attribute.slice(1)}:`)) {
    return { next: cancelRequest(id, built) };
  }
  const state = typeof attributes.status === 'string' ? ` (${attributes.status})` : '';
  return { done: true, message: `Datadog accepted data deletion request${id !== undefined ? ` ${id}` : ''}${state}${attribute !== undefined ? ` for the logs whose ${attribute} is the id` : ''}; it starts 2 hours after the request` };
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
