// Person deletions through LaunchDarkly's Contexts API (REST API reference, "Contexts"): the
// person's context instances — each combination of contexts LaunchDarkly recorded, the
// person's context alone or with others — found by "Search for context instances" (`POST
// /api/v2/projects/{projectKey}/environments/{environmentKey}/context-instances/search`, a
// `kindKeys` filter: the kind and key joined by ":"), then each deleted by "Delete context
// instances" (`DELETE …/context-instances/{id}`, 204), with an API access token as
// Authorization (no Bearer) and `LD-API-Version: 20240415` (LaunchDarkly asks integrations to set
// the version). There is no deletion by context key: the search gives the instance ids.
//
// The core sends at most three requests in a row from one request, so a deletion is up to
// ROUNDS rounds of three: a search asking for two instances, then their deletions. Each round's
// search finds what the rounds before left; a search that finds none, or a round that deleted
// all its search answered when that was fewer than two, ends the deletion (`last`: the rounds
// left are not sent), so a person with no instance costs one search. When the last round still
// deleted two, more may be left: the deletion is tried again after the core's wait (going on
// from that round). A 404 on a delete is an instance gone already. The events LaunchDarkly
// counted in experiments are not deleted by this API (see README).
import { defaultForgetRead, isJsonObject, namesNoOne, responseHeader, type ForgetOutcome, type JsonObject, type JsonValue, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { deletionsEnabled, optionsOf, type LaunchDarklyOptions } from './config.ts';

/** The REST API version the requests ask for (the version LaunchDarkly's reference shows). */
export const API_VERSION = '20240415';
/** Instances a search asks for: as many as the chain has room to delete after it. */
export const SEARCH_LIMIT = 2;
/** Search-and-delete rounds one try of a deletion makes. */
export const ROUNDS = 5;
/** The most instances one try deletes: ROUNDS rounds of SEARCH_LIMIT. */
export const MAX_DELETED_A_TRY = ROUNDS * SEARCH_LIMIT;

function headersOf(options: LaunchDarklyOptions): Record<string, string> {
  return { authorization: options.apiToken, 'content-type': 'application/json', 'ld-api-version': API_VERSION };
}

function environmentPath(options: LaunchDarklyOptions): string {
  return `${options.apiOrigin}/api/v2/projects/${encodeURIComponent(options.projectKey)}/environments/${encodeURIComponent(options.environmentKey)}`;
}

/**
 * The kind:key pairs a person's ids may have had as contexts sent by this integration: the
 * userId and the anonymousId under config.context_kind (as config.context_key may pick either),
 * and the anonymousId under config.anonymous_context_kind when set. Placeholder ids are none.
 *
 * @example
 * kindKeysOf({ userId: 'u-1', anonymousId: 'a-1' }, { contextKind: 'user', contextKey: 'userId_then_anonymousId', anonymousKind: 'device' });
 * // ['user:u-1', 'user:a-1', 'device:a-1']
 */
export function kindKeysOf(person: { userId: string | null; anonymousId: string | null }, options: Pick<LaunchDarklyOptions, 'contextKind' | 'contextKey' | 'anonymousKind'>): string[] {
  const idOf = (id: string | null) => (id === null || id.trim() === '' || namesNoOne(id.trim()) ? undefined : id.trim());
  const userId = idOf(person.userId);
  const anonymousId = idOf(person.anonymousId);
  const pairs: string[] = [];
  // The ids config.context_key can make the key of config.context_kind, whichever the events had.
  if (userId !== undefined && options.contextKey !== 'anonymousId') pairs.push(`${options.contextKind}:${userId}`);
  if (anonymousId !== undefined && options.contextKey !== 'userId') pairs.push(`${options.contextKind}:${anonymousId}`);
  if (options.anonymousKind !== undefined && anonymousId !== undefined) pairs.push(`${options.anonymousKind}:${anonymousId}`);
  return [...new Set(pairs)];
}

/**
 * The search of round `round` for the person's context instances: `kindKeys anyOf [...]` (the
 * filter syntax of the Contexts API), two at most.
 *
 * @example
 * searchRequest(['user:u-1'], options, 1);
 * // { method: 'POST', url: 'https://app.launchdarkly.com/api/v2/projects/default/environments/production/context-instances/search',
 * //   body: { filter: 'kindKeys anyOf ["user:u-1"]', limit: 2 }, memo: { round: 1 }, … }
 */
export function searchRequest(kindKeys: string[], options: LaunchDarklyOptions, round: number): RequestDescriptor {
  return {
    method: 'POST',
    url: `${environmentPath(options)}/context-instances/search`,
    headers: headersOf(options),
    body: { filter: `kindKeys anyOf ${JSON.stringify(kindKeys)}`, limit: SEARCH_LIMIT },
    eventIds: [],
    memo: { round },
  };
}

/**
 * The plugin's note on a request: its round; on a deletion, the instances still to delete
 * after it (`rest`), how many the round's search found (`found`) and whether it may have left
 * more (`more`).
 */
interface Memo {
  round: number;
  rest: string[];
  found: number;
  more: boolean;
}

/** The note on `sent`; a request without one (a plugin test's) is of round 1. */
function memoOf(sent: RequestDescriptor | undefined): Memo {
  const memo: JsonObject = isJsonObject(sent?.memo) ? sent.memo as JsonObject : {};
  const rest = Array.isArray(memo.rest) ? memo.rest.filter((id): id is string => typeof id === 'string') : [];
  return {
    round: typeof memo.round === 'number' && Number.isInteger(memo.round) && memo.round >= 1 ? memo.round : 1,
    rest,
    found: typeof memo.found === 'number' ? memo.found : rest.length + 1,
    more: memo.more === true,
  };
}

/** The deletion of one context instance, with the round's note (`Memo`). */
function deleteRequest(id: string, memo: Memo, options: LaunchDarklyOptions): RequestDescriptor {
  const { 'content-type': _json, ...headers } = headersOf(options);
  return {
    method: 'DELETE',
    url: `${environmentPath(options)}/context-instances/${encodeURIComponent(id)}`,
    headers,
    eventIds: [],
    memo: { round: memo.round, rest: memo.rest, found: memo.found, more: memo.more },
  };
}

function request(person: { userId: string | null; anonymousId: string | null }, ctx: PluginContext): RequestDescriptor[] | { skipped: string } {
  const options = optionsOf(ctx.config);
  const kindKeys = kindKeysOf(person, options);
  if (kindKeys.length === 0) {
    return { skipped: `no id named can be a context key here (config.context_key ${options.contextKey}): the integration sent LaunchDarkly no context of theirs` };
  }
  return Array.from({ length: ROUNDS }, (_, index) => searchRequest(kindKeys, options, index + 1));
}

/** The instance ids of a search's answer, or why there are none to read. */
function instanceIdsOf(response: VendorResponse): { ids: string[] } | { problem: string } {
  const json = response.json;
  if (!isJsonObject(json) || !Array.isArray(json.items)) return { problem: 'LaunchDarkly\'s search answer has no items list' };
  const ids: string[] = [];
  for (const item of json.items) {
    if (!isJsonObject(item) || typeof item.id !== 'string' || item.id.trim() === '') return { problem: 'an item of LaunchDarkly\'s search answer has no context instance id' };
    // Signal hides the person's ids in answers: an instance id holding one cannot be read back.
    if (item.id.includes('[…]')) return { problem: 'a context instance id holds the person\'s id, which Signal hides in answers; delete the context in LaunchDarkly\'s Contexts list' };
    ids.push(item.id);
  }
  return { ids };
}

/** An answer refused: the token (401/403), the project or environment (404 of a search), or LaunchDarkly's words. */
function refusal(response: VendorResponse, what: string): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status === 401) return { failed: `LaunchDarkly refused the access token for the ${what} (${answered}): check config.api_access_token, a personal or service access token ("api-…") not revoked` };
  if (response.status === 403) return { failed: `LaunchDarkly forbade the ${what} (${answered}): config.api_access_token's role must allow viewing and deleting contexts in the environment config.environment_key of config.project_key` };
  if (response.status === 404) return { failed: `LaunchDarkly knows no such project or environment (${answered}): check config.project_key and config.environment_key (keys, not names) and config.instance` };
  return { failed: `LaunchDarkly refused the ${what} (${answered})` };
}

/** A 429's wait: Retry-After, else the rate limit window's end (X-Ratelimit-Reset, epoch ms). */
function rateLimited(response: VendorResponse, now: number): ForgetOutcome {
  const outcome = defaultForgetRead(response);
  if (!('retry' in outcome) || outcome.afterSeconds !== undefined) return outcome;
  const reset = Number(responseHeader(response.headers ?? {}, 'x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > now) return { ...outcome, afterSeconds: Math.ceil((reset - now) / 1000) };
  return outcome;
}

/** "2 context instances of theirs". */
const instances = (count: number): string => `${count} context instance${count === 1 ? '' : 's'} of theirs`;

/**
 * LaunchDarkly's answer to a search or to a deletion: the next deletion of the round, done
 * (`last` when nothing of theirs is left; without it when the search found two and the next
 * round searches again), tried again (the last round found two: more may be left), failed (the
 * token, the project or environment, LaunchDarkly's words), or retried (408, 429, 5xx).
 *
 * @example
 * read({ status: 200, headers: {}, body: '{"items":[]}', json: { items: [] } }, search, ctx);
 * // { done: true, last: true, message: 'LaunchDarkly holds no context instance of theirs in the environment' }
 */
function read(response: VendorResponse, sent?: RequestDescriptor, ctx?: PluginContext): ForgetOutcome {
  const now = ctx?.now ?? Date.now();
  const options = optionsOf(ctx?.config ?? {});
  const memo = memoOf(sent);
  if (response.status === 408 || response.status === 429 || response.status >= 500) return rateLimited(response, now);

  if (sent?.method === 'DELETE') {
    // 404: deleted already (a try before, or someone in LaunchDarkly).
    if (response.status !== 404 && (response.status < 200 || response.status >= 300)) return refusal(response, 'deletion of a context instance');
    const [next, ...after] = memo.rest;
    if (next !== undefined) return { next: deleteRequest(next, { ...memo, rest: after }, options) };
    const said = `LaunchDarkly deleted ${instances(memo.found)} (HTTP ${response.status})`;
    // Fewer than the search asked for: it found all there were, and all are gone.
    if (!memo.more) return { done: true, last: true, message: said };
    if (memo.round < ROUNDS) return { done: true, message: `${said}; more may be left: searched again` };
    return { retry: `${said}; more may be left after ${ROUNDS} rounds (${MAX_DELETED_A_TRY} instances): searching again on the next try` };
  }

  if (response.status < 200 || response.status >= 300) return refusal(response, 'search for context instances');
  const found = instanceIdsOf(response);
  if ('problem' in found) return { failed: found.problem };
  const [first, ...rest] = found.ids;
  // None of theirs left: the rounds after this one would find none either.
  if (first === undefined) return { done: true, last: true, message: memo.round === 1 ? 'LaunchDarkly holds no context instance of theirs in the environment' : 'no more context instances' };
  return { next: deleteRequest(first, { round: memo.round, rest, found: found.ids.length, more: found.ids.length >= SEARCH_LIMIT }, options) };
}

/**
 * Person deletions, for integrations with an API access token, a project key and an environment
 * key.
 *
 * @example
 * forgetPerson.enabled({ sdk_key: 'sdk-1', api_access_token: 'api-1', project_key: 'default', environment_key: 'production' }); // true
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config: Record<string, JsonValue>) => deletionsEnabled(config),
  request,
  read,
  // The Contexts API's answer to a search that finds nothing: nothing left to delete.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { items: [], totalCount: 0, _environmentId: '57be1db38b75bf0772d11384' } },
};
