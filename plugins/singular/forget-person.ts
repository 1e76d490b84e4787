// Person deletions through Singular's GDPR API (OpenGDPR): `POST
// https://gdpr.singular.net/api/gdpr/requests` with the API key in the Authorization header, one
// erasure request naming the person's subject identities. Singular's discovery endpoint lists
// the identity types it erases by: the device ids (ios_advertising_id, ios_vendor_id,
// android_advertising_id, android_id) and `user_id` — the custom user id the blueprint sends as
// custom_user_id (the userId). Signal names a person by userId and anonymousId, and keeps no
// device ids of a person to look up (a deletion request is built from the ids named, purely):
// the userId is sent as user_id; a deletion naming no userId is skipped, saying why.
import {
  configText, defaultForgetRead, excerpt, nameBasedUuid, readText, usableId,
  type ForgetOutcome, type PersonForgetting, type PluginContext, type RequestDescriptor, type NamedPerson, type VendorResponse,
} from '../../core/sdk/index.ts';

/** Singular's GDPR (OpenGDPR) requests endpoint. */
export const GDPR_REQUESTS_URL = 'https://gdpr.singular.net/api/gdpr/requests';
/** Why a deletion naming no userId is not forwarded. */
export const NO_USER_ID = 'Singular\'s GDPR API erases by user id (the userId, sent with events as custom_user_id) or by device ids, and this deletion names no userId; Signal keeps no device ids of a person: erase the device in Singular (or from the app) instead';
/** The namespace of the subject request ids (never changed: a resend must be the same request). */
const REQUEST_ID_NAMESPACE = 'b3f1c6e2-5d4a-4f7b-9c8e-1a2b3c4d5e6f';

/**
 * A subject_request_id for this deletion of this person at this integration: a name-based UUID
 * written as the UUID v4 OpenGDPR asks for (its version digit 4). The same on every try of one
 * deletion, so a resend is the same request; a later deletion of the same person — they came
 * back — has the core's new deletion id (`ctx.deletionId`), so it is a new request, which
 * Singular does not take for a resend of the first ("already exists"), and so erases what came
 * since. Without a deletion id (a plugin test outside the core) the id is the person's at this
 * integration.
 *
 * @example
 * subjectRequestId('int-1', 'u-1', '9b2d…'); // 'xxxxxxxx-xxxx-4xxx-8xxx-xxxxxxxxxxxx', the same on every try of that deletion
 */
export function subjectRequestId(integrationId: string, userId: string, deletionId?: string): string {
  const deletion = deletionId === undefined ? '' : `\ndeletion:${deletionId}`;
  const uuid = nameBasedUuid(`${integrationId}\n${userId}${deletion}`, { version: 5, namespace: REQUEST_ID_NAMESPACE });
  return `${uuid.slice(0, 14)}4${uuid.slice(15)}`;
}

/**
 * The erasure request for a person, or why none is made.
 *
 * @example
 * erasureRequest({ userId: 'u-1', anonymousId: null }, ctx);
 * // { method: 'POST', url: GDPR_REQUESTS_URL, headers: { authorization: '<api key>', 'content-type': 'application/json', … },
 * //   body: { subject_request_id: '…', subject_request_type: 'erasure', submitted_time: '2026-12-01T12:00:00Z', subject_identities: [{ identity_type: 'user_id', identity_value: 'u-1', identity_format: 'raw' }] } }
 */
export function erasureRequest(person: NamedPerson, ctx: PluginContext): RequestDescriptor | { skipped: string } {
  const userId = readText(person.userId);
  if (userId === undefined || !usableId(userId)) return { skipped: NO_USER_ID };
  return {
    method: 'POST',
    url: GDPR_REQUESTS_URL,
    headers: { authorization: configText(ctx.config, 'api_key') ?? '', 'content-type': 'application/json', accept: 'application/json' },
    body: {
      subject_request_id: subjectRequestId(ctx.integrationId, userId, ctx.deletionId),
      subject_request_type: 'erasure',
      submitted_time: new Date(Math.floor(ctx.now / 1000) * 1000).toISOString().replace('.000Z', 'Z'),
      subject_identities: [{ identity_type: 'user_id', identity_value: userId, identity_format: 'raw' }],
    },
    eventIds: [],
  };
}

/** What Singular said about a deletion: its JSON's message, error or reason, else the start of the body. */
function said(response: VendorResponse): string {
  const json = response.json;
  if (json !== null && typeof json === 'object' && !Array.isArray(json)) {
    const record = json as Record<string, unknown>;
    const error = record.error !== null && typeof record.error === 'object' ? (record.error as Record<string, unknown>) : record;
    for (const key of ['message', 'reason', 'error', 'status']) {
      const value = error[key];
      if (typeof value === 'string' && value.trim() !== '') return excerpt(value);
    }
  }
  return excerpt(response.body ?? '') || '(no body)';
}

/**
 * Reads the GDPR API's answer: a 2xx accepted (OpenGDPR answers 201 with the request's id and
 * expected completion time); a request Singular says it has already (a resend) done too; 401/403
 * failed naming config.api_key; 429, 408 and 5xx tried again; other 4xx failed with its words.
 *
 * @example
 * readErasureAnswer({ status: 201, headers: {}, body: '…', json: { subject_request_id: 'a7…', expected_completion_time: '2026-12-31T00:00:00Z' } });
 * // { done: true, message: 'Singular accepted the erasure request a7… (expected completion 2026-12-31T00:00:00Z)' }
 */
export function readErasureAnswer(response: VendorResponse): ForgetOutcome {
  const { status } = response;
  if (status >= 200 && status < 300) {
    const json = (response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json : {}) as Record<string, unknown>;
    const id = typeof json.subject_request_id === 'string' ? ` ${json.subject_request_id}` : '';
    const when = typeof json.expected_completion_time === 'string' ? ` (expected completion ${json.expected_completion_time})` : '';
    return { done: true, message: `Singular accepted the erasure request${id}${when}` };
  }
  const words = `HTTP ${status}: ${said(response)}`;
  if (status === 401 || status === 403) return { failed: `Singular refused the API key (${words}): config.api_key must be your Singular API key (Developer Tools > API Keys)` };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429 && /already exists|duplicate/i.test(words)) {
    return { done: true, message: `Singular has this erasure request already (${words})` };
  }
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) return { ...outcome, retry: `Singular's GDPR API failed (${words})` };
  if ('failed' in outcome) return { failed: `Singular refused the erasure request (${words})` };
  return outcome;
}

/** Forwarding of person deletions, with the optional API key. */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => configText(config, 'api_key') !== undefined,
  request: (person, ctx) => erasureRequest(person, ctx),
  read: (response) => readErasureAnswer(response),
  successAnswer: { status: 201, body: { subject_request_id: 'a7551968-d5d6-44b2-9831-815ac9017798', received_time: '2026-12-01T12:00:00Z', expected_completion_time: '2026-12-31T12:00:00Z' } },
};
