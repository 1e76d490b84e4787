// Person deletions forwarded as a regulation of Segment's Public API (the successor of the
// Config API, whose tokens Segment no longer issues), with a Public API token of the workspace:
// `POST https://api.segmentapis.com/regulations` (Create Workspace Regulation) or, with
// config.source_id, `POST …/regulations/sources/{sourceId}` (Create Source Regulation); EU
// workspaces at eu1.api.segmentapis.com. Body `{ regulationType, subjectType: 'USER_ID',
// subjectIds: [userId] }`; the answer `{ data: { regulateId } }`. Segment then works through the
// regulation on its own schedule: DELETE_ONLY and SUPPRESS_WITH_DELETE delete the person's data
// in Segment and send deletion requests to the destinations that support them; the _INTERNAL
// kinds delete from Segment only. Regulations name users by userId: an anonymousId is a subject
// only of DELETE_ARCHIVE_ONLY, "only supported for limited Workspaces", so a deletion naming
// only an anonymousId is not forwarded, saying so. Creating the same regulation twice is safe:
// the second finds nothing left to delete.
import { usableId, type ForgetOutcome, type JsonValue, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy, retryAfterMs } from './classify.ts';
import { deletionTypeOf, PUBLIC_API_URLS, publicApiTokenOf, regionOf, sourceIdOf } from './config.ts';

/** Why a deletion naming only an anonymousId is not forwarded. */
export const NO_USER_ID = 'Segment\'s regulations delete a person by userId; an anonymousId is a subject only of archive-only deletions of some workspaces. Delete the visitor\'s anonymous data with Segment\'s own tools (Privacy > Deletion requests), or name their userId';
/** Why a deletion naming a placeholder userId is not forwarded. */
export const PLACEHOLDER_USER_ID = 'the userId named is a placeholder ("null", "undefined", …) that names no one: a regulation for it would delete the data of every visitor whose events carried it';

/** The regulation URL: the source's when config.source_id is set, else the workspace's. */
export function regulationUrl(config: Record<string, JsonValue>): string {
  const base = PUBLIC_API_URLS[regionOf(config)];
  const sourceId = sourceIdOf(config);
  return sourceId === undefined ? `${base}/regulations` : `${base}/regulations/sources/${encodeURIComponent(sourceId)}`;
}

/**
 * The regulation deleting a user: `{ regulationType, subjectType: 'USER_ID', subjectIds }`.
 *
 * @example
 * regulationRequest('u-123', ctx);
 * // { method: 'POST', url: 'https://api.segmentapis.com/regulations', headers: { authorization: 'Bearer sgp_…', … },
 * //   body: { regulationType: 'DELETE_ONLY', subjectType: 'USER_ID', subjectIds: ['u-123'] }, eventIds: [] }
 */
export function regulationRequest(userId: string, ctx: Pick<PluginContext, 'config'>): RequestDescriptor {
  return {
    method: 'POST',
    url: regulationUrl(ctx.config),
    headers: { authorization: `Bearer ${publicApiTokenOf(ctx.config)}`, 'content-type': 'application/json', accept: 'application/json' },
    body: { regulationType: deletionTypeOf(ctx.config), subjectType: 'USER_ID', subjectIds: [userId] },
    eventIds: [],
  };
}

/** The regulate id in a Create Regulation answer (`{ data: { regulateId } }`), if any. */
function regulateIdOf(response: VendorResponse): string | undefined {
  const json = response.json as { data?: { regulateId?: unknown } } | undefined;
  const id = json?.data?.regulateId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/**
 * Reads Segment's answer to a regulation: 2xx done, naming the regulation; 401 and 403 failed,
 * saying what the token needs; 404 failed, naming source_id and region; 408, 429 and 5xx tried
 * again (after Retry-After, whole seconds when the token is rate-limited, or X-RateLimit-Reset,
 * the RFC 5322 date the regulation quota resets);
 * any other status failed with Segment's message.
 *
 * @example
 * readRegulationAnswer({ status: 200, headers: {}, body: '…', json: { data: { regulateId: '2Z3Ym…' } } }, request, ctx);
 * // { done: true, message: 'Segment created regulation 2Z3Ym… (DELETE_ONLY, workspace-wide) …' }
 */
export function readRegulationAnswer(response: VendorResponse, request: RequestDescriptor | undefined, ctx: PluginContext | undefined): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  const config = ctx?.config ?? {};
  if (response.status >= 200 && response.status < 300) {
    const type = deletionTypeOf(config);
    const scope = sourceIdOf(config) === undefined ? 'workspace-wide' : `source ${sourceIdOf(config)}`;
    const id = regulateIdOf(response);
    const where = type.endsWith('_INTERNAL') ? 'in Segment' : 'in Segment and in its destinations that support deletion';
    return { done: true, message: `Segment created regulation ${id ?? '(no regulateId in the answer)'} (${type}, ${scope}; HTTP ${response.status}): it deletes the person's data ${where} on its own schedule — follow it under Privacy > Deletion requests` };
  }
  if (response.status === 401) return { failed: `Segment refused the Public API token (${answered}): check config.public_api_token (Settings > Workspace settings > Access Management > Tokens), which may have been revoked, and that config.region is the workspace's` };
  if (response.status === 403) return { failed: `Segment refused the regulation (${answered}): the Public API token's role may not create regulations in this workspace — give a token of a role that can (a Workspace Owner's)` };
  if (response.status === 404) return { failed: `Segment found nothing at ${request?.url ?? regulationUrl(config)} (${answered}): check config.source_id (the source's ID, not its write key or name) and config.region` };
  if (response.status === 408 || response.status === 429 || response.status >= 500) {
    const wait = retryAfterMs(response, ctx?.now ?? Date.now());
    return wait === undefined ? { retry: answered } : { retry: answered, afterSeconds: Math.ceil(wait / 1000) };
  }
  return { failed: `Segment refused the regulation (${answered})` };
}

/**
 * Forwarding of person deletions with the integration's Public API token: one regulation for
 * the userId (see the file's comment); skipped without a usable userId.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => publicApiTokenOf(config) !== '',
  request(person, ctx) {
    if (person.userId === null) return { skipped: NO_USER_ID };
    if (!usableId(person.userId)) return { skipped: PLACEHOLDER_USER_ID };
    return regulationRequest(person.userId, ctx);
  },
  read: (response, request, ctx) => readRegulationAnswer(response, request, ctx),
};
