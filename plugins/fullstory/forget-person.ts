// Person deletions through Fullstory's Delete User (`DELETE {origin}/v2/users?uid=<uid>`, an
// Architect or Admin API key): it "permanently deletes all user data related to this user", sessions, events
// and properties. Answers: 200 `{}`; 400/401/403 `{ message, code }`; 404 `resource_not_found`
// (no such user: nothing to delete); 429 with Retry-After; 5xx. Fullstory knows a user by the
// uid Signal sends (the userId); an anonymous visitor has no uid, so a deletion naming only an
// anonymousId is skipped.
import { configApiKey, defaultForgetRead, usableId, type ForgetOutcome, type PersonForgetting, type VendorResponse } from '../../core/sdk/index.ts';
import { saidBy } from './classify.ts';
import { optionsOf } from './config.ts';
import { USERS_PATH } from './hosts.ts';
import { MAX_UID_CHARS } from './fit-to-fullstory.ts';

/** Why a deletion naming no uid is not forwarded. */
export const NO_UID = 'Fullstory deletes users by uid, Signal\'s userId, and none usable is named (an anonymous visitor has no Fullstory uid Signal could name)';

/**
 * Reads Delete User's answer: done on 2xx or 404 (no such user); the key's problems name
 * config.api_key; 429 and 5xx tried again.
 *
 * @example
 * readDeletion({ status: 200, headers: {}, body: '{}', json: {} });
 * // { done: true, message: 'Fullstory deleted the user (HTTP 200): its sessions, events and properties' }
 */
export function readDeletion(response: VendorResponse): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  if (response.status >= 200 && response.status < 300) return { done: true, message: `Fullstory deleted the user (HTTP ${response.status}): its sessions, events and properties` };
  if (response.status === 404) return { done: true, message: `Fullstory has no user with this uid (${answered}): nothing to delete` };
  if (response.status === 401) return { failed: `Fullstory refused the API key (${answered}): check config.api_key` };
  if (response.status === 403) return { failed: `Fullstory refused the deletion (${answered}): deleting users needs an Architect or Admin API key in config.api_key (a Standard key only sends data), or turn config.forward_deletions off` };
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) return { ...outcome, retry: `Fullstory's deletion failed (${answered})` };
  if ('failed' in outcome) return { failed: `Fullstory refused the deletion (${answered})` };
  return outcome;
}

/**
 * Forwarding of person deletions: one Delete User by the userId as uid. Safe to repeat: a
 * second finds no user (404, done).
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configApiKey(config) !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    if (!usableId(person.userId)) return { skipped: NO_UID };
    const uid = String(person.userId).trim();
    if (Array.from(uid).length > MAX_UID_CHARS) return { skipped: `the userId is longer than ${MAX_UID_CHARS} characters, so no Fullstory uid of it can exist` };
    const { apiKey, origin } = optionsOf(ctx.config);
    return { method: 'DELETE', url: `${origin}${USERS_PATH}`, query: [['uid', uid]], headers: { authorization: `Basic ${apiKey}`, accept: 'application/json' }, eventIds: [] };
  },
  read: (response) => readDeletion(response),
  // Delete User's documented success: 200 with an empty object.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: {} },
};
