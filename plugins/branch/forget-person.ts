// Person deletions through Branch's Data Subject Request API: `POST
// https://api2.branch.io/v1/gdpr?app_id=<app id>` with a user's Access Token in the
// `Access-Token` header, an erasure request naming the person's identities:
// {"subject_request_type": "erasure", "subject_identities": [{"identity_type": "DEVELOPER_ID",
// "identity_value": <userId>, "identity_format": "raw"}]}. Branch answers 200 with a request_id
// and a request_status (SUCCESS, PENDING, IN_PROGRESS); 400 "Authentication failed !"; 404 for
// a wrong URL; 429 "Rate limit reached.". Signal sends Branch the userId as developer_identity,
// so that is the identity erased; an anonymousId is Signal's (or the site SDK's) id, which
// Signal never sends Branch: a deletion naming only one is skipped.
import {
  configText, defaultForgetRead, usableId, type ForgetOutcome, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { branchSaid, refusedCredential } from './classify.ts';
import { BRANCH_ORIGIN } from './requests.ts';

/** Branch's Data Subject Request API: access and erasure requests. */
export const GDPR_URL = `${BRANCH_ORIGIN}/v1/gdpr`;
/** Why a deletion naming only an anonymousId is not forwarded. */
export const NO_DEVELOPER_IDENTITY = 'Branch\'s erasure is asked by the identities Branch holds: Signal sends Branch the userId as developer_identity, and the deletion names no userId (an anonymousId is never sent to Branch)';

/**
 * The erasure request for a person, or why none is made.
 *
 * @example
 * erasureRequest({ userId: 'u-1', anonymousId: null }, ctx);
 * // { method: 'POST', url: 'https://api2.branch.io/v1/gdpr', query: [['app_id', '736583253452335134']],
 * //   headers: { 'access-token': '<token>', 'content-type': 'application/json', accept: 'application/json' },
 * //   body: { subject_request_type: 'erasure', subject_identities: [{ identity_type: 'DEVELOPER_ID', identity_value: 'u-1', identity_format: 'raw' }] }, eventIds: [] }
 */
export function erasureRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  const userId = person.userId?.trim();
  if (userId === undefined || !usableId(userId)) return { skipped: NO_DEVELOPER_IDENTITY };
  return {
    method: 'POST',
    url: GDPR_URL,
    query: [['app_id', configText(ctx.config, 'app_id') ?? '']],
    headers: { 'access-token': configText(ctx.config, 'access_token') ?? '', 'content-type': 'application/json', accept: 'application/json' },
    body: {
      subject_request_type: 'erasure',
      subject_identities: [{ identity_type: 'DEVELOPER_ID', identity_value: userId, identity_format: 'raw' }],
    },
    eventIds: [],
  };
}

/**
 * Reads Branch's answer: 2xx accepted (with Branch's request id and status); a refused
 * credential (400 "Authentication failed !", 401, 403) names the config fields and the access
 * Branch requires; 404 is not the API's URL; 429 and 5xx tried again; other 4xx failed with
 * Branch's message.
 *
 * @example
 * readErasure({ status: 200, headers: {}, body: '…', json: { request_id: 'a1b2-0000-c3d4', request_status: 'PENDING' } });
 * // { done: true, message: 'Branch accepted the erasure request a1b2-0000-c3d4 (PENDING)' }
 */
export function readErasure(response: VendorResponse): ForgetOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const json = (response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json : {}) as Record<string, unknown>;
    const id = typeof json.request_id === 'string' ? ` ${json.request_id}` : '';
    const state = typeof json.request_status === 'string' ? ` (${json.request_status})` : '';
    return { done: true, message: `Branch accepted the erasure request${id}${state}` };
  }
  const said = `HTTP ${status}: ${branchSaid(response)}`;
  if (status === 429 || status >= 500 || status === 408) {
    const outcome = defaultForgetRead(response);
    return 'retry' in outcome ? { ...outcome, retry: `Branch's Data Subject Request API did not take the request now (${said})` } : outcome;
  }
  if (refusedCredential(status, branchSaid(response))) {
    return { failed: `Branch refused the credentials (${said}): config.access_token must be the Access Token of a Branch user with Sensitive Data access and app-level read/edit, config.app_id the app's ID, and the Data Subject Request API enabled for the account (by request to Branch support; not in test environments)` };
  }
  if (status === 404) return { failed: `Branch answered 404 (${said}): not the Data Subject Request API's URL (https://api2.branch.io/v1/gdpr); check SIGNAL_VENDOR_REDIRECTS` };
  return { failed: `Branch refused the erasure request (${said})` };
}

/** Forwarding of person deletions, with the optional app ID and Access Token. */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configText(config, 'app_id') !== undefined && configText(config, 'access_token') !== undefined,
  request: (person, ctx) => erasureRequest(person, ctx),
  read: (response) => readErasure(response),
  successAnswer: { status: 200, body: { request_id: '7a1c2e9f-0000-4b1d-9c3e-12ab34cd56ef', request_status: 'PENDING' } },
};
