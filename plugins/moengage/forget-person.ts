// Person deletions through MoEngage's Delete User API: `POST {origin}/v1/customer/delete?app_id=
// {Workspace ID}` with the Data API's HTTP Basic auth and `{ "identity_type": "customer_id",
// "identity_value": <ID> }` — one user a request (MoEngage: "1 user per payload per request",
// 5,000 requests a minute). MoEngage answers `{ "status": "success", "message": "Your request has
// been accepted and will be processed soon." }` and hard-deletes the user after a buffer of 24
// hours, during which the user stays visible and can still be updated. A user created again
// with the same ID later (by a new event) is a new user. Signal sends MoEngage the userId as
// the ID (customer_id) and nothing for visitors without one, so the userId is what is deleted.
import { defaultForgetRead, isJsonObject, trimmedText, type ForgetOutcome, type PersonForgetting, type PluginContext, type VendorResponse } from '../../core/sdk/index.ts';
import { credentialHint, saidBy } from './classify.ts';
import { basicAuthOf, optionsOf } from './config.ts';
import { originOf } from './hosts.ts';
import { customerIdOf } from './moengage-element.ts';

export const DELETE_PATH = '/v1/customer/delete';

/** Why a deletion naming no ID MoEngage could hold is not forwarded. */
export const NO_MOENGAGE_USER = 'the person has no userId that MoEngage takes as a user\'s ID (customer_id): Signal sends MoEngage nothing of visitors without one';

/**
 * Reads the Delete User answer: 2xx accepted (unless its body says it failed); a user MoEngage
 * does not know (its documented 400 `Not Found`, "User doesn't exists with customer id …", or a
 * 404) has nothing to delete; a refused key (401, 409) names the config fields, a blocked or
 * suspended account (403) says so; 429 and 5xx tried again, after Retry-After when MoEngage
 * gives one.
 *
 * @example
 * readDeletion({ status: 200, headers: {}, body: '…', json: { status: 'success', message: 'Your request has been accepted and will be processed soon.' } });
 * // { done: true, message: 'MoEngage accepted the deletion (…): the user is hard-deleted after its 24-hour buffer' }
 */
export function readDeletion(response: VendorResponse, ctx?: PluginContext): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  const json = isJsonObject(response.json) ? response.json : {};
  const failing = typeof json.status === 'string' && /^(?:fail|failure|failed|error)$/i.test(json.status.trim());
  if (response.status >= 200 && response.status < 300 && !failing) {
    const message = trimmedText(json.message) ?? `HTTP ${response.status}`;
    return { done: true, message: `MoEngage accepted the deletion (${message}): the user is hard-deleted after its 24-hour buffer, and created again if events with the same ID reach MoEngage later` };
  }
  // MoEngage's documented answer for an unknown user is a 400 `{ "error": { "type": "Not
  // Found", "message": "User doesn't exists with customer id …" } }`.
  if (response.status === 404 || /\b(?:not found|does not exists?|doesn't exists?|no such user)\b/i.test(said)) {
    return { done: true, message: `MoEngage has no such user (${answered}): nothing to delete` };
  }
  if (response.status === 401 || response.status === 409) {
    return { failed: `MoEngage refused the deletion (${answered}): ${ctx ? credentialHint(ctx) : 'check config.workspace_id, config.data_api_key and config.data_center'}` };
  }
  if (response.status === 403) {
    return { failed: `MoEngage refused the deletion (${answered}): the account is blocked or suspended, or config.workspace_id is not a workspace MoEngage serves at config.data_center` };
  }
  if (response.status >= 200 && response.status < 300) return { failed: `MoEngage refused the deletion (${answered})` };
  const outcome = defaultForgetRead(response);
  return 'retry' in outcome ? { ...outcome, retry: `MoEngage's deletion failed (${answered})` } : 'failed' in outcome ? { failed: `MoEngage refused the deletion (${answered})` } : outcome;
}

/**
 * Forwarding of person deletions with the Data API key (unless config.forward_deletions is
 * off): one Delete User request for the userId as MoEngage's ID. Safe to repeat: a second
 * request for a user already queued for deletion deletes nothing more.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => {
    const options = optionsOf(config);
    return options.forwardDeletions && options.workspaceId !== '' && options.dataApiKey !== '';
  },
  request(person, ctx) {
    const customerId = customerIdOf(person.userId ?? undefined);
    if (customerId === undefined) return { skipped: NO_MOENGAGE_USER };
    const { workspaceId } = optionsOf(ctx.config);
    return {
      method: 'POST', url: `${originOf(ctx.config)}${DELETE_PATH}`,
      query: [['app_id', workspaceId]],
      headers: { 'content-type': 'application/json', authorization: basicAuthOf(ctx.config), 'moe-appkey': workspaceId },
      body: { identity_type: 'customer_id', identity_value: customerId },
      eventIds: [],
    };
  },
  read: (response, _request, ctx) => readDeletion(response, ctx),
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'success', message: 'Your request has been accepted and will be processed soon.' } },
};
