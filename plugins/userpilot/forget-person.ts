// Person deletions through Userpilot's Delete API: `DELETE {endpoint}/v1/users` with
// `{ "users": [user_id] }` and the same API key and version headers. Userpilot answers 202
// Accepted with a message saying how many users it scheduled; it runs deletions once a day (2:00
// UTC). Its limit is one delete request every 2 seconds (429 beyond). Userpilot knows users by
// user_id only, so a person named by an anonymousId alone is not asked for.
import { defaultForgetRead, excerpt, isJsonObject, isWebPage, usableId, type ForgetOutcome, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { said } from './classify.ts';
import { optionsOf } from './config.ts';
import { headersOf } from './requests.ts';

export const DELETE_USERS_PATH = '/v1/users';

/** Why a deletion naming no userId is not forwarded. */
export const NO_USERPILOT_USER = 'the person has no userId: Userpilot knows users by their user_id only, and anonymous visitors are never sent to it';

/**
 * Reads the Delete API's answer: 2xx scheduled, with Userpilot's message; 401/403 naming
 * config.api_key; 429 and 5xx tried again (after Retry-After when given); any other refusal
 * failed with Userpilot's words.
 *
 * @example
 * readDeletion({ status: 202, headers: {}, body: '{"message":"1 users scheduled for deletion"}', json: { message: '1 users scheduled for deletion' } });
 * // { done: true, message: 'Userpilot scheduled the deletion (1 users scheduled for deletion): it deletes users daily at 2:00 UTC' }
 */
export function readDeletion(response: VendorResponse): ForgetOutcome {
  const words = said(response);
  if (response.status >= 200 && response.status < 300) {
    if (isWebPage(response.body)) return { failed: `Userpilot's Delete API did not answer (HTTP ${response.status} with a web page): check config.endpoint, the endpoint your Environment page shows` };
    const message = isJsonObject(response.json ?? null) && typeof (response.json as Record<string, unknown>).message === 'string'
      ? excerpt(String((response.json as Record<string, unknown>).message), 200) : `HTTP ${response.status}`;
    return { done: true, message: `Userpilot scheduled the deletion (${message}): it deletes users daily at 2:00 UTC` };
  }
  if (response.status === 401 || response.status === 403) {
    return { failed: `Userpilot refused the deletion's API key (HTTP ${response.status}: ${words}): config.api_key must be the API key of Settings > Environment > API keys` };
  }
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) return { ...outcome, retry: `Userpilot's Delete API failed (HTTP ${response.status}: ${words})` };
  if ('failed' in outcome) return { failed: `Userpilot refused the deletion (HTTP ${response.status}: ${words})` };
  return outcome;
}

/**
 * Forwarding of person deletions: one Delete API request naming the person's userId. Safe to
 * repeat: Userpilot deletes what it holds.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => optionsOf(config).apiKey !== '',
  request(person, ctx): RequestDescriptor | { skipped: string } {
    if (!usableId(person.userId)) return { skipped: NO_USERPILOT_USER };
    const { apiKey, endpoint } = optionsOf(ctx.config);
    return {
      method: 'DELETE', url: `${endpoint}${DELETE_USERS_PATH}`,
      headers: headersOf(apiKey), body: { users: [String(person.userId).trim()] }, eventIds: [],
    };
  },
  read: (response) => readDeletion(response),
  successAnswer: { status: 202, headers: { 'content-type': 'application/json' }, body: { message: '1 users scheduled for deletion' } },
};
