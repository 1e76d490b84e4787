// Person deletions forwarded to the cluster: `POST {endpoint}/{indices}/_delete_by_query` on
// every index the configured name gives (its date part as `*`: `signal-events-*`), the person's
// ids in the JSON body as `term` queries — never in the URL, which proxies and access logs keep.
// Each id is looked for in the field and in its `.keyword` sub-field: an index template maps
// ids as keyword (exact), while dynamic mapping makes them text (split into words, which a term
// never matches) with a `.keyword` sub-field beside; a term on a field an index lacks matches
// nothing, so both are safe. `conflicts=proceed` (a document changed meanwhile does not stop the
// deletion), `ignore_unavailable=true` (an index that does not exist or is closed does not fail
// it); no `refresh`, which may need the maintenance privilege as the bulk API's does (searches stop finding the documents at the
// indices' next refresh, within a second by default). The answer counts what was deleted
// and lists `failures`; a deletion with failures is tried again, and a retry deletes what the
// last one left.
import { allowedPrivateTargets, defaultForgetRead, isJsonObject, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type JsonObject, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { authHeaders, baseUrlOf, credentialFields, forwardsDeletions, indexPatternOf } from './config.ts';
import { answerError, isWebPage, said } from './elastic-error.ts';
import { indexWildcard } from './index-name.ts';

/** The fields an id of each kind is looked for in (an alias call's previous_id holds either kind). */
const USER_FIELDS = ['user_id', 'previous_id'];
const ANONYMOUS_FIELDS = ['anonymous_id', 'previous_id'];

/** Term queries for one id in the fields named and their `.keyword` sub-fields. */
const termsFor = (id: string, fields: string[]): JsonObject[] => fields.flatMap((field) => [{ term: { [field]: id } }, { term: { [`${field}.keyword`]: id } }]);

/**
 * The query matching the person's documents (placeholder ids left out), or null when no usable
 * id is named.
 *
 * @example
 * deletionQuery({ userId: 'u-1', anonymousId: null });
 * // { query: { bool: { should: [{ term: { user_id: 'u-1' } }, { term: { 'user_id.keyword': 'u-1' } }, { term: { previous_id: 'u-1' } }, { term: { 'previous_id.keyword': 'u-1' } }], minimum_should_match: 1 } } }
 */
export function deletionQuery(person: NamedPerson): JsonObject | null {
  const should = [
    ...(usableId(person.userId) ? termsFor(String(person.userId), USER_FIELDS) : []),
    ...(usableId(person.anonymousId) ? termsFor(String(person.anonymousId), ANONYMOUS_FIELDS) : []),
  ];
  return should.length === 0 ? null : { query: { bool: { should, minimum_should_match: 1 } } };
}

/**
 * The request deleting the person's documents, or why none can be made.
 *
 * @example
 * deletionRequest({ userId: 'u-1', anonymousId: 'df_1' }, ctx);
 * // { method: 'POST', url: 'https://my-deployment.es.us-central1.gcp.cloud.es.io/signal-events-*\/_delete_by_query',
 * //   query: [['conflicts', 'proceed'], ['ignore_unavailable', 'true']],
 * //   headers: { authorization: 'ApiKey …', 'content-type': 'application/json' }, body: { query: { bool: { should: […], minimum_should_match: 1 } } }, eventIds: [] }
 */
export function deletionRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  const body = deletionQuery(person);
  if (body === null) return { skipped: 'the ids named are placeholders SDKs send for "no id": the plugin stores no document under them' };
  const allow = allowedPrivateTargets(ctx.config);
  return {
    method: 'POST',
    url: `${baseUrlOf(ctx.config)}/${encodeURIComponent(indexWildcard(indexPatternOf(ctx.config)))}/_delete_by_query`,
    query: [['conflicts', 'proceed'], ['ignore_unavailable', 'true']],
    headers: { ...authHeaders(ctx.config), 'content-type': 'application/json' },
    body,
    eventIds: [],
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  };
}


/**
 * Reads the cluster's answer to the _delete_by_query:
 * - 2xx with `deleted` and no `failures`, not timed out: done, saying how many documents went;
 * - 2xx with `failures` (a shard's search or bulk failed) or `timed_out`: tried again (what was
 *   deleted stays deleted; the retry deletes the rest);
 * - a 2xx web page (a proxy's, a login portal's): tried again, naming config.url; another 2xx
 *   without the count: done, saying the answer did not count;
 * - 404 index_not_found_exception: done — no index holds the person's documents;
 * - 401: failed naming the credential's fields; 403: failed naming the read and delete privileges;
 * - 408, 429, 5xx: tried again (after Retry-After); another 4xx: failed with Elasticsearch's words.
 *
 * @example
 * readDeletionAnswer({ status: 200, headers: {}, body: '…', json: { took: 147, timed_out: false, total: 3, deleted: 3, failures: [] } });
 * // { done: true, message: 'Elasticsearch deleted 3 documents of the person' }
 */
export function readDeletionAnswer(response: VendorResponse, _request?: RequestDescriptor, ctx?: Pick<PluginContext, 'config'>): ForgetOutcome {
  const config: Record<string, JsonValue> = ctx?.config ?? {};
  const json = response.json;
  const answered = said(response);
  if (response.status >= 200 && response.status < 300) {
    if (isWebPage(response)) return { retry: `the answer to the deletion is a web page, not Elasticsearch's (${answered}): check that config.url is the cluster's Elasticsearch endpoint` };
    // A JSON 2xx without the count (a gateway's own acceptance): taken as the core takes a bare 2xx.
    if (!isJsonObject(json) || typeof json.deleted !== 'number') return { done: true, message: `the cluster accepted the deletion without saying how many documents went (${answered})` };
    const failures = Array.isArray(json.failures) ? json.failures.length : 0;
    if (failures > 0 || json.timed_out === true) {
      return { retry: `Elasticsearch deleted ${json.deleted} documents of the person but ${failures > 0 ? `${failures} failed` : 'timed out'}: tried again for the rest` };
    }
    return { done: true, message: `Elasticsearch deleted ${json.deleted} document${json.deleted === 1 ? '' : 's'} of the person` };
  }
  const error = answerError(response);
  if (response.status === 404 && error?.type === 'index_not_found_exception') return { done: true, message: 'no index holds documents of the person' };
  if (response.status === 401) return { failed: `${answered} — check ${credentialFields(config)}` };
  if (response.status === 403) return { failed: `${answered} — give the key or user of ${credentialFields(config)} the read and delete privileges on ${indexWildcard(indexPatternOf(config))}, or turn config.forward_deletions off` };
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) {
    const afterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'));
    return afterMs === undefined ? { retry: answered } : { retry: answered, afterSeconds: Math.ceil(afterMs / 1000) };
  }
  if ('failed' in outcome) return { failed: `${answered} — check config.url and config.index` };
  return outcome;
}

/** The plugin's forwarding of person deletions: on unless config.forward_deletions is false. */
export const elasticsearchForgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config),
  request: deletionRequest,
  read: readDeletionAnswer,
};
