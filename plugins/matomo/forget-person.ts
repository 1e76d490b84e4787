// Person deletions through Matomo's GDPR tools API (Reporting API, `{matomo}/index.php`):
// `PrivacyManager.findDataSubjects(idSite, segment)` lists the visits a segment matches (up to 401
// at a time, through the visits log: none when the Live plugin or the website's visits log is
// off), then `PrivacyManager.deleteDataSubjects(visits)` deletes those visits — their actions,
// conversions and ecommerce items with them — by `idsite` and `idvisit`. Both require a token of
// a user with Admin access to the website ("checkUserHasSomeAdminAccess",
// "checkUserHasAdminAccess"). The person is found by their User ID (`userId==…`, the uid the
// plugin sends) or their visitor id (`visitorId==…`, the plugin's `_id` of their anonymousId),
// either matching (`,` is OR). A chain of three requests: find, delete, find again — nothing left
// is done; more left (over 401 visits) is deleted by the next try.
import { allowedPrivateTargets, transientRetry, usableId, type ForgetOutcome, type JsonObject, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { apiUrlOf, forwardsDeletions, siteIdOf, tokenOf } from './config.ts';
import { matomoVisitorId } from './visitor-id.ts';

const FIND = 'PrivacyManager.findDataSubjects';
const DELETE = 'PrivacyManager.deleteDataSubjects';
/** What Matomo's answers say of a token that cannot do this. */
const REFUSED_TOKEN = /token_auth|authenticat|logged in|access|permission|privilege/i;

/**
 * The segment matching the person's visits: their User ID, or their visitor id, each value
 * URL-encoded as segment values must be ("The segment value … must be URL encoded"); undefined
 * when neither id is usable.
 *
 * @example
 * personSegment({ userId: 'jane@example.com', anonymousId: 'df_v1' }); // 'userId==jane%40example.com,visitorId==<16 hex digits>'
 */
export function personSegment(person: { userId: string | null; anonymousId: string | null }): string | undefined {
  const parts: string[] = [];
  if (usableId(person.userId)) parts.push(`userId==${encodeURIComponent(person.userId)}`);
  if (usableId(person.anonymousId)) parts.push(`visitorId==${matomoVisitorId(person.anonymousId)}`);
  return parts.length === 0 ? undefined : parts.join(',');
}

/** A Reporting API call: the method in the query, its parameters and the token in the form body (Matomo's "secure only" tokens are refused in a URL). */
function apiRequest(ctx: PluginContext, method: string, params: Array<[string, string]>, memo?: JsonObject): RequestDescriptor {
  const body = new URLSearchParams([...params, ['token_auth', tokenOf(ctx.config) ?? '']]).toString();
  const allow = allowedPrivateTargets(ctx.config);
  return {
    method: 'POST', url: apiUrlOf(ctx.config), query: [['module', 'API'], ['method', method], ['format', 'json']],
    headers: { 'content-type': 'application/x-www-form-urlencoded' }, body, eventIds: [], ...(memo === undefined ? {} : { memo }),
    // A self-hosted Matomo on the customer's own network, as its tracking requests reach it.
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  };
}

/** The find request of a segment; `memo.deleted`: the visits a deletion before it removed. */
function findRequest(ctx: PluginContext, segment: string, memo?: JsonObject): RequestDescriptor {
  return apiRequest(ctx, FIND, [['idSite', siteIdOf(ctx.config)], ['segment', segment]], memo);
}

const methodOf = (request: RequestDescriptor | undefined): string | undefined => request?.query?.find(([name]) => name === 'method')?.[1];
const formOf = (request: RequestDescriptor | undefined): URLSearchParams => new URLSearchParams(typeof request?.body === 'string' ? request.body : '');

/** The visits of a find answer, as `[idsite, idvisit]`; undefined when the answer is no list of visits. */
function visitsOf(json: unknown): Array<[string, string]> | undefined {
  if (!Array.isArray(json)) return undefined;
  const visits: Array<[string, string]> = [];
  for (const row of json) {
    if (row === null || typeof row !== 'object') return undefined;
    const { idSite, idVisit } = row as Record<string, unknown>;
    const site = typeof idSite === 'number' || typeof idSite === 'string' ? String(idSite) : '';
    const visit = typeof idVisit === 'number' || typeof idVisit === 'string' ? String(idVisit) : '';
    if (!/^\d+$/.test(site) || !/^\d+$/.test(visit)) return undefined;
    visits.push([site, visit]);
  }
  return visits;
}

function parsed(response: VendorResponse): unknown {
  if (response.json !== undefined) return response.json;
  try {
    return JSON.parse(response.body);
  } catch {
    return undefined;
  }
}

/** An answer that is no success: worth another try, a refused token, or a failure in Matomo's words. */
function unsuccessful(response: VendorResponse, json: unknown, what: string): ForgetOutcome {
  const message = json !== null && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : response.body.slice(0, 300);
  const transient = transientRetry(response, 'Matomo', message || '(no body)');
  if (transient?.status === 'retry') return transient.retryAfterMs === undefined ? { retry: transient.reason } : { retry: transient.reason, afterSeconds: Math.ceil(transient.retryAfterMs / 1000) };
  if (response.status === 401 || response.status === 403 || REFUSED_TOKEN.test(message)) {
    return { failed: `Matomo refused the ${what} (HTTP ${response.status}: ${message}): config.token_auth must be a token of a user with Admin access to the website (config.site_id)` };
  }
  return { failed: `Matomo refused the ${what} (HTTP ${response.status}: ${message || '(no body)'})` };
}

const isError = (json: unknown): boolean => json !== null && typeof json === 'object' && !Array.isArray(json) && (json as { result?: unknown }).result === 'error';

/** The visits a deletion answer counts (`log_visit`: the visits deleted). */
function deletedVisits(json: unknown): number {
  const count = json !== null && typeof json === 'object' ? (json as Record<string, unknown>).log_visit : undefined;
  return typeof count === 'number' ? count : Number(count) || 0;
}

/**
 * Forwarding of person deletions (config.forward_deletions, with a token_auth): the person's
 * visits found by User ID or visitor id, then deleted by `idsite` and `idvisit`, then looked for
 * again. Each step is safe to repeat: visits already deleted are found by no search.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => forwardsDeletions(config),
  request(person, ctx) {
    const segment = personSegment(person);
    if (segment === undefined) return { skipped: 'the ids named are placeholders the plugin never sends to Matomo, so no visit of theirs can be there' };
    return findRequest(ctx, segment);
  },
  read(response, request, ctx) {
    const json = parsed(response);
    const method = methodOf(request) ?? FIND;
    if (response.status < 200 || response.status >= 300 || isError(json)) return unsuccessful(response, json, method === DELETE ? 'deletion of the visits' : 'search for the person\'s visits');
    if (method === DELETE) {
      const memo = request?.memo;
      const segment = memo !== null && typeof memo === 'object' && !Array.isArray(memo) && typeof memo.segment === 'string' ? memo.segment : null;
      const deleted = deletedVisits(json);
      if (segment === null || ctx === undefined) return { done: true, message: `Matomo deleted ${deleted} visit${deleted === 1 ? '' : 's'} of the person, with their actions and conversions` };
      return { next: findRequest(ctx, segment, { deleted }) };
    }
    const visits = visitsOf(json);
    if (visits === undefined) return { retry: `not Matomo's answer to ${FIND} (a list of visits): HTTP ${response.status}: ${response.body.slice(0, 200)}` };
    const memo = request?.memo;
    const deletedBefore = memo !== null && typeof memo === 'object' && !Array.isArray(memo) && typeof memo.deleted === 'number' ? memo.deleted : undefined;
    if (visits.length === 0) {
      return { done: true, message: deletedBefore === undefined ? 'Matomo has no visit of the person (by User ID or visitor id): nothing to delete' : `Matomo deleted ${deletedBefore} visit${deletedBefore === 1 ? '' : 's'} of the person, with their actions and conversions; none is left` };
    }
    if (deletedBefore !== undefined || ctx === undefined) return { retry: `Matomo still has ${visits.length} visit${visits.length === 1 ? '' : 's'} of the person (a search finds 401 at most): the next try deletes them` };
    const params: Array<[string, string]> = visits.flatMap(([site, visit], i): Array<[string, string]> => [[`visits[${i}][idsite]`, site], [`visits[${i}][idvisit]`, visit]]);
    // The segment, kept in the memo (never sent), for the search after the deletion.
    return { next: apiRequest(ctx, DELETE, params, { segment: formOf(request).get('segment') ?? '' }) };
  },
  // findDataSubjects' answer for a person Matomo has no visit of: done, nothing to delete.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: [] },
};
