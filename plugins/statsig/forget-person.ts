// Person deletions through Statsig's User Data Deletion Requests API: `POST
// https://api.statsig.com/v1/delete_user_data` with `{"unit_type": "user_id", "ids": "…"}` and
// the server secret as STATSIG-API-KEY, answered `{"request_id": "…"}`. Statsig: for
// Enterprise contracts only; unit type user_id only ("Currently only user_id is supported");
// deletions are batched and done "within 30 days". So only the userId is deleted — the
// anonymousId sent as a customID cannot be. No request_id is sent: Statsig refuses a repeated
// one with a 400, and a deletion tried again must be safe to repeat.
import { namesNoOne, type ForgetOutcome, type JsonObject, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { defaultForgetRead } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { authHeaders, optionsOf } from './config.ts';
import { DELETION_ORIGIN } from './hosts.ts';

export const DELETE_PATH = '/v1/delete_user_data';
/** Delimiters tried, in order, when the id holds a comma (Statsig's default delimiter). */
const DELIMITERS = [',', '|', ';', '\t', '\n'];

/**
 * The deletion request of a person's userId (Statsig deletes by user_id only).
 *
 * @example
 * forgetPerson.request({ userId: 'user-1', anonymousId: 'anon-1' }, ctx);
 * // { method: 'POST', url: 'https://api.statsig.com/v1/delete_user_data', body: { unit_type: 'user_id', ids: 'user-1' }, … }
 */
function request(person: { userId: string | null; anonymousId: string | null }, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  const userId = person.userId?.trim();
  if (!userId || namesNoOne(userId)) return { skipped: 'Statsig deletes data by user_id only, and no userId was named: the visitor\'s anonymousId (sent as a customID) cannot be deleted through its API' };
  const delimiter = DELIMITERS.find((d) => !userId.includes(d));
  // An id holding every delimiter would be split into other ids: other people's data.
  if (delimiter === undefined) return { skipped: `Statsig splits ids on a delimiter, and this userId holds each of ${DELIMITERS.map((d) => JSON.stringify(d)).join(', ')}: not sent, so that no other user's data is deleted` };
  const body: JsonObject = { unit_type: 'user_id', ids: userId };
  if (delimiter !== ',') body.delimiter = delimiter;
  return { method: 'POST', url: `${DELETION_ORIGIN}${DELETE_PATH}`, headers: { 'content-type': 'application/json', ...authHeaders(ctx.config) }, body, eventIds: [] };
}

/**
 * Statsig's answer: 2xx accepted (with its request_id); 401/403 failed naming the key and the
 * Enterprise requirement; 408, 429 and 5xx tried again; any other status failed with its words.
 *
 * @example
 * read({ status: 200, headers: {}, body: '{"request_id":"r-1"}', json: { request_id: 'r-1' } });
 * // { done: true, message: 'Statsig accepted the deletion request r-1 (HTTP 200); it deletes within 30 days' }
 */
function read(response: VendorResponse): ForgetOutcome {
  if (response.status >= 200 && response.status < 300) {
    const json = response.json;
    const id = json !== null && typeof json === 'object' && !Array.isArray(json) && typeof (json as Record<string, unknown>).request_id === 'string' ? ` ${String((json as Record<string, unknown>).request_id)}` : '';
    return { done: true, message: `Statsig accepted the deletion request${id} (HTTP ${response.status}); it deletes within 30 days` };
  }
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status === 401 || response.status === 403) {
    return { failed: `Statsig refused the deletion (${answered}): check config.server_secret, and that the project has Statsig's Enterprise user data deletions enabled (else turn config.forward_deletions off)` };
  }
  const outcome = defaultForgetRead(response);
  return 'failed' in outcome ? { failed: `Statsig refused the deletion (${answered})` } : outcome;
}

/**
 * Person deletions, for integrations with config.forward_deletions on.
 *
 * @example
 * forgetPerson.enabled({ server_secret: 'secret-1', forward_deletions: true }); // true
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => optionsOf(config).forwardDeletions && optionsOf(config).serverSecret !== '',
  request,
  read,
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { request_id: 'signal_test_request' } },
};
