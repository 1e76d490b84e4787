// Person deletions as Optimizely subject access requests: `POST
// https://api.optimizely.com/v2/subject-access-requests` with { data_type: 'visitor',
// identifier, identifier_type: 'fullstack_id', request_type: 'delete' } and a personal access
// token as Authorization: Bearer (Optimizely's REST API reference, "Create a Subject Access
// Request"). fullstack_id is "the unique identifier used for Full Stack experiments": the user
// id Feature Experimentation's SDKs (and this plugin) send as visitor_id. One request per id
// named — the userId and the anonymousId — since either may have been sent as the visitor id.
// Optimizely deletes "all data within an account that is associated to the identifier".
import { defaultForgetRead, namesNoOne, type ForgetOutcome, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { optionsOf } from './config.ts';

export const SAR_URL = 'https://api.optimizely.com/v2/subject-access-requests';
/** The API reference: identifier "length ≤ 355". */
const MAX_IDENTIFIER = 355;

function deletion(identifier: string, token: string): RequestDescriptor {
  return {
    method: 'POST', url: SAR_URL,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: { data_type: 'visitor', identifier, identifier_type: 'fullstack_id', request_type: 'delete' },
    eventIds: [],
  };
}

/**
 * The deletion requests of a person's ids: one subject access request per id (userId, then
 * anonymousId), as fullstack_id.
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: 'a-1' }, ctx);
 * // [{ method: 'POST', url: 'https://api.optimizely.com/v2/subject-access-requests', body: { data_type: 'visitor', identifier: 'u-1', identifier_type: 'fullstack_id', request_type: 'delete' }, … }, { …identifier: 'a-1'… }]
 */
function request(person: { userId: string | null; anonymousId: string | null }, ctx: PluginContext): RequestDescriptor[] | { skipped: string } {
  const token = optionsOf(ctx.config).apiToken;
  const ids = [person.userId, person.anonymousId]
    .map((id) => id?.trim() ?? '')
    .filter((id, index, all) => id !== '' && !namesNoOne(id) && all.indexOf(id) === index);
  if (ids.length === 0) return { skipped: 'no userId nor anonymousId that names someone: Optimizely deletes a visitor by the id sent as visitor_id' };
  const tooLong = ids.filter((id) => id.length > MAX_IDENTIFIER);
  if (tooLong.length === ids.length) return { skipped: `Optimizely takes identifiers of up to ${MAX_IDENTIFIER} characters, and the ids named are longer (so never sent as visitor_id either)` };
  return ids.filter((id) => id.length <= MAX_IDENTIFIER).map((id) => deletion(id, token));
}

/**
 * Optimizely's answer: 2xx accepted (with the request's id and status when given); 401/403
 * failed naming the token; 408, 429 and 5xx tried again; other statuses failed with its words.
 *
 * @example
 * read({ status: 200, headers: {}, body: '{"id":7,"status":"pending"}', json: { id: 7, status: 'pending' } });
 * // { done: true, message: 'Optimizely accepted the subject access request 7 (pending, HTTP 200)' }
 */
function read(response: VendorResponse): ForgetOutcome {
  if (response.status >= 200 && response.status < 300) {
    const json = response.json;
    const record = json !== null && typeof json === 'object' && !Array.isArray(json) ? json as Record<string, unknown> : {};
    const id = typeof record.id === 'number' || typeof record.id === 'string' ? ` ${String(record.id)}` : '';
    const state = typeof record.status === 'string' ? `${record.status}, ` : '';
    return { done: true, message: `Optimizely accepted the subject access request${id} (${state}HTTP ${response.status})` };
  }
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status === 401 || response.status === 403) {
    return { failed: `Optimizely refused the deletion (${answered}): check config.api_token, a personal access token of a collaborator allowed to make subject access requests on the account` };
  }
  const outcome = defaultForgetRead(response);
  return 'failed' in outcome ? { failed: `Optimizely refused the deletion (${answered})` } : outcome;
}

/**
 * Person deletions, for integrations with config.forward_deletions on and a token.
 *
 * @example
 * forgetPerson.enabled({ account_id: '1', forward_deletions: true, api_token: 't' }); // true
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => optionsOf(config).forwardDeletions && optionsOf(config).apiToken !== '',
  request,
  read,
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { id: 1, status: 'pending', request_type: 'delete', data_type: 'visitor', identifier_type: 'fullstack_id' } },
};
