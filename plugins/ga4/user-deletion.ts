/**
 * Person deletions forwarded to GA4: the Admin API's `properties.submitUserDeletion`, one
 * request per GA4 identifier (its user_id, the client_id Signal derived from the anonymousId),
 * authorised by a Google service account's access token.
 */
import {
  configText, googleServiceAccountTokenRequest, parseGoogleServiceAccountKey, readGoogleErrorAnswer, usableId,
  type AccessTokenExchange, type ConfigProblem, type ForgetOutcome, type JsonValue, type PersonForgetting, type RequestDescriptor, type VendorResponse,
} from '../../core/sdk/index.ts';
import { clientIdFromId } from './fit-to-ga4.ts';

/** submitUserDeletion needs this scope (the legacy User Deletion API's narrower one is going away). */
export const DELETION_SCOPE = 'https://www.googleapis.com/auth/analytics.edit';
const ADMIN_API = 'https://analyticsadmin.googleapis.com/v1alpha';

/**
 * Checks of the deletion fields: a numeric property ID, a readable service account key, and
 * both or neither (one alone forwards nothing, which would go unnoticed).
 *
 * @example
 * deletionConfigProblems({ property_id: 'G-1' }); // [{ field: 'property_id', … }, { field: 'service_account_key', … }]
 */
export function deletionConfigProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const propertyId = configText(config, 'property_id');
  const serviceAccountKey = configText(config, 'service_account_key');
  // Compared untrimmed too: an ID with white space around it is refused, not trimmed.
  if (propertyId !== undefined && (propertyId !== config.property_id || !/^\d{1,20}$/.test(propertyId))) {
    problems.push({ field: 'property_id', message: 'must be the property\'s numeric ID (Admin > Property details, e.g. 123456789), not the Measurement ID (G-…) or the stream ID' });
  }
  if (serviceAccountKey !== undefined) {
    const key = parseGoogleServiceAccountKey(config.service_account_key);
    if (typeof key === 'string') problems.push({ field: 'service_account_key', message: key });
  }
  if ((propertyId === undefined) !== (serviceAccountKey === undefined)) {
    const missing = propertyId !== undefined ? 'service_account_key' : 'property_id';
    problems.push({ field: missing, message: 'is required with the other of property_id and service_account_key: forwarding person deletions to GA4 needs both' });
  }
  return problems;
}

/**
 * The token of the service account, for deletions only: the Measurement Protocol takes the
 * API secret. A key that cannot be read (refused at install) fails the token request.
 */
export const serviceAccountToken: AccessTokenExchange = {
  usedBy: ['forgetPerson'],
  enabled: (config) => configText(config, 'service_account_key') !== undefined,
  request: (ctx) => {
    const key = parseGoogleServiceAccountKey(ctx.config.service_account_key);
    if (typeof key === 'string') throw new Error(`service_account_key ${key}`);
    return googleServiceAccountTokenRequest(key, [DELETION_SCOPE], ctx.now);
  },
};

/** Google's error answer: `{ error: { code, message, status } }`. */
function googleError(response: VendorResponse): { status: string; message: string } {
  const error = readGoogleErrorAnswer(response.json);
  return {
    status: error?.status ?? `HTTP ${response.status}`,
    message: error?.message !== undefined ? error.message.slice(0, 300) : response.body.trim().slice(0, 300),
  };
}

/**
 * Reads submitUserDeletion's answer: accepted with the time before which GA4 deletes the
 * user's data; refused for a permission, property or argument problem with what to fix;
 * throttled or failing tried again.
 *
 * @example
 * readDeletionAnswer({ status: 200, headers: {}, body: '…', json: { deletionRequestTime: '2026-11-30T12:00:00Z' } });
 * // { done: true, message: 'GA4 deletes the data received before 2026-11-30T12:00:00Z' }
 */
export function readDeletionAnswer(response: VendorResponse): ForgetOutcome {
  if (response.status >= 200 && response.status < 300) {
    const time = (response.json as { deletionRequestTime?: unknown } | undefined)?.deletionRequestTime;
    return { done: true, message: typeof time === 'string' ? `GA4 deletes the data received before ${time}` : `HTTP ${response.status}` };
  }
  const { status, message } = googleError(response);
  const said = `${status}: ${message}`;
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: said };
  if (response.status === 403) return { failed: `${said} — add the service account's email to the property (Admin > Property access management) with the Editor role, and enable the Google Analytics Admin API in its Cloud project` };
  if (response.status === 404) return { failed: `${said} — check property_id: no property with that ID is visible to the service account` };
  if (response.status === 401) return { failed: `${said} — the service account's token was refused: check that its key is current (not deleted in the Cloud console)` };
  return { failed: said };
}

/**
 * The deletion requests for a person: one by user_id, one by the client_id Signal sent for the
 * anonymousId (`clientIdFromId`; a client_id taken from a `_ga` cookie cannot be known from
 * the ids named).
 *
 * @example
 * ga4ForgetPerson.request({ userId: 'u1', anonymousId: null }, ctx);
 * // [{ method: 'POST', url: 'https://analyticsadmin.googleapis.com/v1alpha/properties/123:submitUserDeletion', body: { userId: 'u1' }, … }]
 */
export const ga4ForgetPerson: PersonForgetting = {
  enabled: (config) => configText(config, 'property_id') !== undefined && configText(config, 'service_account_key') !== undefined,
  request: (person, ctx) => {
    const url = `${ADMIN_API}/properties/${encodeURIComponent(String(ctx.config.property_id))}:submitUserDeletion`;
    const headers = { authorization: `Bearer ${ctx.accessToken ?? ''}`, 'content-type': 'application/json' };
    const requests: RequestDescriptor[] = [];
    if (usableId(person.userId)) requests.push({ method: 'POST', url, headers, body: { userId: String(person.userId) }, eventIds: [] });
    if (usableId(person.anonymousId)) {
      const id = String(person.anonymousId);
      requests.push({ method: 'POST', url, headers, body: { clientId: /^\d+\.\d+$/.test(id) ? id : clientIdFromId(id) }, eventIds: [] });
    }
    return requests.length > 0 ? requests : { skipped: 'GA4 deletes by user_id or client_id, and the ids named are placeholders' };
  },
  read: readDeletionAnswer,
};
