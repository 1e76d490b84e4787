// Person deletions through Klaviyo's Data Privacy API (Request Profile Deletion, POST
// /api/data-privacy-deletion-jobs), which deletes "the profiles corresponding to one of the
// following identifiers: email, phone_number, or id" — not by external_id, the id Signal sends
// the userId as. So a deletion first looks the profile up by external_id (Get Profiles,
// filter=equals(external_id,"…"), which Klaviyo allows), then deletes it by Klaviyo's profile
// id. A userId that is itself an email address or an E.164 number no profile has as its
// external_id is deleted by that email or phone number. Each other email Signal found for the
// person (their remembered identify traits, the traits of their deleted events:
// `person.emails`) is deleted by email too. Klaviyo can neither look up nor delete by
// anonymous_id: a person named by an anonymousId alone, for whom Signal knew no email, is
// skipped, saying so.
import { deletionEmails, usableId, type ForgetOutcome, type JsonObject, type NamedPerson, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { API_HOST, headersOf, PATHS } from './api.ts';
import { normalizeEmail } from './profile.ts';

/** A phone number in E.164 exactly as a userId would hold one: `+`, then 7 to 15 digits. */
const E164 = /^\+[1-9]\d{6,14}$/;
/** Get Profiles' endpoint (scope profiles:read). */
const PROFILES_PATH = '/api/profiles';
/** Profiles a lookup asks for: one is expected (an external_id names one profile); more are reported. */
const LOOKUP_PAGE_SIZE = '10';

/** Why a person named by an anonymousId alone, for whom Signal knew no email, is not forwarded. */
export const ANONYMOUS_ONLY = 'Klaviyo can neither look up nor delete a profile by anonymous_id (its deletion takes an email, a phone number or its profile id), and Signal knew no email of this visitor (no traits.email on an identify call it remembered or still stored): a visitor\'s anonymous-only profile stays in Klaviyo — delete it there, or run deletePerson with the userId the visitor later had';
/** Why a userId cannot be looked up by external_id. */
const UNQUOTABLE_REASON = 'the userId holds a double quote or a backslash, which Klaviyo\'s filter syntax gives no documented way to escape';
/** Why a userId a Klaviyo filter cannot quote, for a person of whom Signal knew no email, is not forwarded. */
export const UNQUOTABLE = `${UNQUOTABLE_REASON}, and Signal knew no email of the person: delete the profile in Klaviyo`;
/** What the admin is told when such a userId's profile was not looked up, while the person's emails were deleted. */
export const UNQUOTABLE_NOTE = `the userId was not looked up by external_id: ${UNQUOTABLE_REASON}; the profiles were deleted by the person's emails only (a profile with the userId as external_id and none of those emails is left: delete it in Klaviyo)`;

/**
 * The identifier a Klaviyo deletion can name for a userId itself: `email` when it is one
 * address (lower-cased, as the plugin sends emails), `phone_number` when it is an E.164
 * number; undefined otherwise.
 *
 * @example
 * deletionIdentifierOf('Jane@Example.com'); // { email: 'jane@example.com' }
 * deletionIdentifierOf('u-123'); // undefined
 */
export function deletionIdentifierOf(userId: string | null | undefined): { email: string } | { phone_number: string } | undefined {
  if (!usableId(userId)) return undefined;
  const email = normalizeEmail(userId);
  if (email !== undefined) return { email };
  const phone = userId.trim();
  return E164.test(phone) ? { phone_number: phone } : undefined;
}

/** The deletion job of one profile: by its Klaviyo `id`, else by `email` or `phone_number`. */
function deletion(attributes: JsonObject, headers: Record<string, string> | undefined): RequestDescriptor {
  const profile: JsonObject = typeof attributes.id === 'string' ? { type: 'profile', id: attributes.id, attributes: {} } : { type: 'profile', attributes };
  return {
    method: 'POST',
    url: `${API_HOST}${PATHS.deletion}`,
    headers: { ...headers },
    body: { data: { type: 'data-privacy-deletion-job', attributes: { profile: { data: profile } } } },
    eventIds: [],
  };
}

/** The userId a lookup asked for, from its filter (`equals(external_id,"…")`). */
function lookedUp(request: RequestDescriptor): string | undefined {
  const filter = request.query?.find(([name]) => name === 'filter')?.[1];
  const match = filter === undefined ? null : /^equals\(external_id,"(.*)"\)$/.exec(filter);
  return match ? match[1] : undefined;
}

function quoted(response: VendorResponse): string {
  const said = response.body.trim().slice(0, 300);
  return said ? ` (Klaviyo: ${said})` : '';
}

/** An answer that is no success: a refused key or scope, one worth another try, or a failure. */
function unsuccessful(response: VendorResponse, scope: string, what: string): ForgetOutcome {
  if (response.status === 401) return { failed: `HTTP 401: Klaviyo refused the API key: check config.api_key (a private key, pk_…)${quoted(response)}` };
  if (response.status === 403) {
    return { failed: `HTTP 403: Klaviyo refused the ${what}. The private API key needs the ${scope} scope: add it (Settings > Account > API keys) or set config.forward_deletions to false${quoted(response)}` };
  }
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: `HTTP ${response.status}${quoted(response)}` };
  return { failed: `HTTP ${response.status}${quoted(response)}` };
}

/** Reads a lookup's answer: the deletion of the profile found, by its id; or by the userId's email or phone number when none has it as external_id. */
function readLookup(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'profiles:read', 'profile lookup');
  const data = (response.json as { data?: unknown } | undefined)?.data;
  const ids = (Array.isArray(data) ? data : []).map((profile) => (profile as { id?: unknown } | null)?.id).filter((id): id is string => typeof id === 'string' && id !== '');
  if (ids.length === 1) return { next: deletion({ id: ids[0]! }, request.headers) };
  if (ids.length > 1) return { failed: `${ids.length} Klaviyo profiles have this userId as their external_id: none was deleted — delete them in Klaviyo` };
  const identifier = deletionIdentifierOf(lookedUp(request));
  if (identifier) return { next: deletion(identifier, request.headers) };
  return { done: true, message: 'no Klaviyo profile has this userId as its external_id: nothing to delete' };
}

/** The userId's request: the lookup by external_id, the deletion by the email or phone number it is, or why none can be made. */
function userIdRequest(person: NamedPerson, headers: Record<string, string>): RequestDescriptor | { skipped: string } {
  if (!usableId(person.userId)) return { skipped: ANONYMOUS_ONLY };
  const userId = String(person.userId).trim();
  if (/["\\]/.test(userId)) {
    const identifier = deletionIdentifierOf(userId);
    return identifier ? deletion(identifier, headers) : { skipped: UNQUOTABLE };
  }
  return {
    method: 'GET',
    url: `${API_HOST}${PROFILES_PATH}`,
    query: [['filter', `equals(external_id,"${userId}")`], ['fields[profile]', 'id'], ['page[size]', LOOKUP_PAGE_SIZE]],
    headers,
    eventIds: [],
  };
}

/**
 * Forwarding of person deletions with the integration's private key (scopes profiles:read for
 * the lookup, data-privacy:write for the deletion): the profile whose external_id is the
 * userId, looked up and deleted by its Klaviyo id; else, for a userId that is an email address
 * or an E.164 number, every profile with it; and every profile with another email of the
 * person (the SDK's `deletionEmails`). Klaviyo answers 202 and deletes asynchronously. A userId
 * no filter can quote while the person's emails can be deleted: the emails' deletions go with a
 * note saying the userId was not looked up, and why.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => typeof config.api_key === 'string' && config.api_key !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const headers = headersOf(ctx);
    const byUserId = userIdRequest(person, headers);
    // The emails of the person (the SDK's deletionEmails), as the plugin sends emails, once; not an email userId,
    // which its own lookup deletes by when no profile has it as external_id. String(): a userId that came as a number.
    const userIdEmail = usableId(person.userId) ? normalizeEmail(String(person.userId)) : undefined;
    const emails = new Set(deletionEmails(person, (value) => normalizeEmail(value) !== undefined).flatMap((email) => normalizeEmail(email) ?? []));
    const byEmails = [...emails].filter((email) => email !== userIdEmail).map((email) => deletion({ email }, headers));
    if (byEmails.length === 0) return byUserId;
    if (!('skipped' in byUserId)) return [byUserId, ...byEmails];
    // The emails alone while a userId was named that no filter can carry: said, with why (the outcome shows it).
    return byUserId.skipped === UNQUOTABLE ? { requests: byEmails, note: UNQUOTABLE_NOTE } : byEmails;
  },
  read(response, request) {
    // The lookup's answer, else the deletion's (the conformance suite reads answers alone).
    if (request?.method === 'GET') return readLookup(response, request);
    if (response.status >= 200 && response.status < 300) {
      return { done: true, message: `accepted (HTTP ${response.status}): Klaviyo deletes the profile asynchronously; deleted profiles appear on its Deleted Profiles page. Deleting cannot be undone.` };
    }
    return unsuccessful(response, 'data-privacy:write', 'deletion');
  },
};
