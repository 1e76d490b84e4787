// Reading Zendesk's answer to a delivery request (Zendesk API reference: "Requests", "Rate
// limits", "Users", "Events API"). A 2xx is delivered: for users it is the job's receipt (the
// per-user outcome is the job status report, job-status.ts), for an event its 202. A 429 is
// retried after its Retry-After (Zendesk sends one with every 429), a 408 or 5xx on the retry
// schedule; a 413 is split in halves. Other 4xx are dead-lettered with Zendesk's words and, when a
// config field is the cause, its name: 401 the credential, 403 the account's bulk user imports
// (off until Zendesk enables them) or the agent's role (for events: the Events API not being
// available to the account), 422 the fields Zendesk found invalid.
import { isJsonObject, parseRetryAfter, responseHeader, type Classification, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, invalidFields, jobStatusOf } from './answers.ts';
import { credentialFields } from './config.ts';
import { isBulkUsersRequest, isEventRequest, USER_PATH } from './requests.ts';

/** What to do once the cause is fixed. */
const REPLAY = 'fix it, then replay the dead letters';

const EVENTS_UNAVAILABLE = 'the Events API is not available to this Zendesk account (Zendesk offers it on Suite Team and above, activated by an admin in the Admin Center): activate it, or turn off config.send_events';

/**
 * The outcome of Zendesk's answer to a Create Or Update Many Users or Events API request.
 *
 * @example
 * classifyZendesk({ status: 401, headers: {}, body: '{"error":"Couldn\'t authenticate you"}', json: { error: "Couldn't authenticate you" } }, request, ctx);
 * // { status: 'dead_letter', reason: "HTTP 401: Couldn't authenticate you: Zendesk refused the credential: check config.email and config.api_token …" }
 */
export function classifyZendesk(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const { status } = response;
  if (status >= 200 && status < 300) {
    // Create Or Update Many Users answers with its job's status; a 2xx without one (a proxy's
    // or captive portal's page) is no answer of Zendesk's, so the users were not queued.
    if (isBulkUsersRequest(request) && jobStatusOf(response) === undefined) {
      return { status: 'retry', reason: `${answered(response)}: not Zendesk's answer (no job_status) — a proxy? — so the users are sent again` };
    }
    // Create Or Update User answers with the user (API reference, Users).
    if (request.url.endsWith(USER_PATH) && !(isJsonObject(response.json) && isJsonObject(response.json.user))) {
      return { status: 'retry', reason: `${answered(response)}: not Zendesk's answer (no user) — a proxy? — so the user is sent again` };
    }
    return { status: 'delivered' };
  }
  const said = answered(response);
  const retryAfter = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
  const wait = retryAfter !== undefined ? { retryAfterMs: retryAfter } : {};
  if (status === 429) return { status: 'retry', reason: `${said}: Zendesk's rate limit (per minute, by plan) or its limit of jobs queued at once`, ...wait };
  if (status === 408 || status >= 500) return { status: 'retry', reason: said, ...wait };
  if (status === 413) return { status: 'split', reason: `${said}: the request was too large for Zendesk` };
  if (status === 401) return { status: 'dead_letter', reason: `${said}: Zendesk refused the credential: check ${credentialFields(ctx.config)} (a token not revoked, token access turned on in the Admin Center) and config.subdomain; ${REPLAY}` };
  if (isEventRequest(request) && (status === 403 || status === 404)) return { status: 'dead_letter', reason: `${said}: ${EVENTS_UNAVAILABLE}` };
  // Zendesk answers 403 to Create Or Update Many Users until the account's bulk user imports are
  // enabled, which only Zendesk Customer Support does, on the account owner's request (API
  // reference, Users: "bulk user imports are not enabled by default").
  if (status === 403 && !isBulkUsersRequest(request)) return { status: 'dead_letter', reason: `${said}: the agent of ${credentialFields(ctx.config)} may not manage end users (an admin is needed, or an OAuth token with the users:write scope); ${REPLAY}` };
  if (status === 403) return { status: 'dead_letter', reason: `${said}: Zendesk refused to create or update users in bulk: bulk user imports are off by default — the account owner asks Zendesk Customer Support to enable them, or turn off config.bulk_users; else the agent of ${credentialFields(ctx.config)} may not manage end users (an admin is needed, or an OAuth token with the users:write scope); ${REPLAY}` };
  if (status === 422) {
    const fields = invalidFields(response);
    if (fields.length > 0) {
      const named = fields.map((f) => f.field).filter((f, i, all) => all.indexOf(f) === i).join(', ');
      const custom = fields.some((f) => /user_field|custom/i.test(`${f.field} ${f.description}`));
      return { status: 'dead_letter', reason: `${said}: Zendesk found ${named} invalid${custom ? ' (every key in config.user_fields must be a user field of the account, with values of its type)' : ''}` };
    }
  }
  return { status: 'dead_letter', reason: said };
}
