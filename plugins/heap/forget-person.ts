// Person deletions through Heap's User Deletion API: `POST https://heapanalytics.com/api/public/v0/user_deletion`
// with the token of the app ID and API key (see access-token.ts) and `{ "users": [...] }`, each
// user named by its `identity` or its `user_id` ("Up to 10,000 users can be submitted in a
// single request"). Heap "checks all environments in your account for a matching user and
// deletes their records and data", and answers with a `deletion_request_id` and the request's
// `status` (pending until Heap has deleted). The same documents serve both data centers.
import { defaultForgetRead, type ForgetOutcome, type JsonValue, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { optionsOf } from './config.ts';
import { PRIVACY_API_BASE } from './hosts.ts';
import { heapUserIdOf, MAX_IDENTITY_CHARS, usableIdentity } from './identity.ts';

export const USER_DELETION_PATH = '/api/public/v0/user_deletion';

/** Why a deletion naming no id Heap could hold is not forwarded. */
export const NO_HEAP_ID = 'the ids named are placeholders ("null", "undefined", …) or a userId longer than Heap\'s 255-character identities, so no Heap user of theirs can exist';

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : '';
}

/**
 * The Heap users a person is: the identified user (identity: the userId) and, when the
 * integration sends anonymous visitors, the visitor's anonymous user (the user_id Signal
 * derived from the anonymousId) — which holds the visitor's events until an identify merged it.
 *
 * @example
 * heapUsersOf({ userId: 'u-1', anonymousId: 'df_1' }, ctx); // [{ identity: 'u-1' }, { user_id: '…' }]
 */
export function heapUsersOf(person: { userId: string | null; anonymousId: string | null }, ctx: PluginContext): Array<Record<string, string>> {
  const users: Array<Record<string, string>> = [];
  if (usableIdentity(person.userId)) {
    const identity = String(person.userId).trim();
    if (Array.from(identity).length <= MAX_IDENTITY_CHARS) users.push({ identity });
  }
  if (optionsOf(ctx.config).anonymousVisitors === 'heap_user_id' && usableIdentity(person.anonymousId)) users.push({ user_id: heapUserIdOf(String(person.anonymousId)) });
  return users;
}

/**
 * Reads the deletion's answer: accepted with Heap's request id and status; a refused token
 * says which fields to fix (the core renews the token once on a 401 before this reads one);
 * 429 and 5xx tried again, after Retry-After when Heap gives one.
 *
 * @example
 * readDeletion({ status: 200, headers: {}, body: '…', json: { deletion_request_id: 'c93fae81', status: 'pending' } });
 * // { done: true, message: 'Heap accepted the deletion (request c93fae81, pending): it deletes the users\' records and data in every environment of the account' }
 */
export function readDeletion(response: VendorResponse): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status >= 200 && response.status < 300) {
    const answer = (response.json !== null && typeof response.json === 'object' ? response.json : {}) as Record<string, unknown>;
    const id = typeof answer.deletion_request_id === 'string' || typeof answer.deletion_request_id === 'number' ? String(answer.deletion_request_id) : undefined;
    const state = typeof answer.status === 'string' ? answer.status : undefined;
    const what = [id === undefined ? '' : `request ${id}`, state ?? ''].filter((part) => part !== '').join(', ');
    return { done: true, message: `Heap accepted the deletion (${what || `HTTP ${response.status}`}): it deletes the users' records and data in every environment of the account` };
  }
  if (response.status === 401 || response.status === 403) {
    return { failed: `Heap refused the deletion (${answered}): config.app_id must be the Main Production environment's ID and config.api_key the account's API key (Account > Manage > Privacy & Security)` };
  }
  if (response.status === 400 || response.status === 422) return { failed: `Heap refused the deletion (${answered})` };
  const outcome = defaultForgetRead(response);
  return 'retry' in outcome ? { ...outcome, retry: `Heap's deletion failed (${answered})` } : 'failed' in outcome ? { failed: `Heap refused the deletion (${answered})` } : outcome;
}

/**
 * Forwarding of person deletions with the integration's API key: one request naming the
 * person's Heap users (by identity and by the derived user_id). Safe to repeat: Heap deletes
 * what it finds.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => text(config.api_key) !== '' && text(config.app_id) !== '',
  request(person, ctx) {
    const users = heapUsersOf(person, ctx);
    if (users.length === 0) return { skipped: NO_HEAP_ID };
    const request: RequestDescriptor = {
      method: 'POST', url: `${PRIVACY_API_BASE}${USER_DELETION_PATH}`,
      headers: { authorization: `Bearer ${ctx.accessToken ?? ''}`, 'content-type': 'application/json' },
      body: { users }, eventIds: [],
    };
    return request;
  },
  read: (response) => readDeletion(response),
};
