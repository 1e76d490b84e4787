// Reading Intercom's answers, as its API reference documents them: errors as
// `{ type: "error.list", request_id, errors: [{ code, message }] }`; a contact as
// `{ type: "contact", id, role, … }`; a search as `{ type: "list", data: [contacts] }`; a merged
// contact's lookup as 410 with `Link: </contacts/{id}>; rel="canonical"`; a creation meeting an
// existing person as 409 "A contact matching those details already exists with id=…" (or "An
// archived contact matching …"). Shared by the classifier (and its follow-ups) and the person
// deletions.
import { excerpt, isJsonObject, responseHeader, type VendorResponse } from '../../core/sdk/index.ts';

/** The canonical `Link: </contacts/{id}>; rel="canonical"` of a merged contact's 410. */
const CANONICAL_LINK = /<[^>]*\/contacts\/([A-Za-z0-9_-]+)>\s*;\s*rel="?canonical"?/i;

/** The existing contact's id in a 409's message: "A contact matching those details already exists with id=…" (also "An archived contact …"). */
const CONFLICT_ID = /already exists with id=([A-Za-z0-9_-]+)/i;

/** Intercom's contact ids are hexadecimal object ids; anything else is never put in a URL. */
export const CONTACT_ID = /^[A-Za-z0-9_-]{1,64}$/;

interface IntercomError {
  code?: unknown;
  message?: unknown;
}

/**
 * The errors of Intercom's `error.list` answer (empty for any other body).
 *
 * @example
 * errorsOf({ json: { type: 'error.list', errors: [{ code: 'not_found', message: 'User Not Found' }] } }); // [{ code: 'not_found', message: 'User Not Found' }]
 */
export function errorsOf(response: Pick<VendorResponse, 'json'>): Array<{ code: string; message: string }> {
  const json = response.json;
  const errors = isJsonObject(json) ? json.errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e): e is IntercomError => e !== null && typeof e === 'object').map((e) => ({
    code: typeof e.code === 'string' ? e.code : '',
    message: typeof e.message === 'string' ? e.message : '',
  }));
}

/**
 * Intercom's own words (`code: message; …`), else the body, for a reason: `HTTP 400: parameter_invalid: …`.
 *
 * @example
 * answered({ status: 401, body: '…', json: { errors: [{ code: 'unauthorized', message: 'Access Token Invalid' }] } }); // 'HTTP 401: unauthorized: Access Token Invalid'
 */
export function answered(response: VendorResponse): string {
  const errors = errorsOf(response);
  const words = errors.length > 0 ? errors.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ') : response.body ?? '';
  const said = excerpt(words);
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/** Intercom's answer to a data event for a user it does not have: 404 `not_found` "User Not Found". */
export function userNotFound(response: VendorResponse): boolean {
  return response.status === 404 && errorsOf(response).some((e) => e.code === 'not_found' || /user not found/i.test(e.message));
}

/**
 * What a 409 to `POST /contacts` says: the id of the contact Intercom already has (when its
 * message names it) and whether that contact is archived.
 *
 * @example
 * conflictOf({ status: 409, json: { errors: [{ code: 'conflict', message: 'A contact matching those details already exists with id=5da6f18e3d7cf967e4582d05' }] }, … });
 * // { id: '5da6f18e3d7cf967e4582d05', archived: false }
 */
export function conflictOf(response: VendorResponse): { id?: string; archived: boolean } {
  const message = errorsOf(response).map((e) => e.message).join(' ') || (response.body ?? '');
  const id = CONFLICT_ID.exec(message)?.[1];
  return { ...(id ? { id } : {}), archived: /archived/i.test(message) };
}

/** A contact's id, when it is one the plugin may put in a URL. */
function idOf(contact: Record<string, unknown>): string | undefined {
  return typeof contact.id === 'string' && CONTACT_ID.test(contact.id) ? contact.id : undefined;
}

/**
 * The contact a lookup's answer names: a 200 with the contact (`find_by_external_id`), a
 * search's first user, else its first contact (a lead), or a merged contact's 410 naming the
 * merged-into contact in its `Link`. Undefined when it names none: a 404, an empty search, a 410
 * without a link, any other answer. With `externalId` (an identify's userId), a search hit
 * holding another external_id is not taken: it is another user of the site who shares the
 * email, whose external_id the update would overwrite.
 *
 * @example
 * foundContact({ status: 200, headers: {}, body: '…', json: { type: 'contact', id: '6762f0df1bb69f9f2193bb84', role: 'user' } }); // '6762f0df1bb69f9f2193bb84'
 * foundContact({ status: 410, headers: { link: '</contacts/c9>; rel="canonical"' }, body: '' }); // 'c9'
 * foundContact({ status: 200, headers: {}, body: '…', json: { type: 'list', data: [{ id: 'c1', role: 'user', external_id: 'u-2' }] } }, 'u-1'); // undefined
 */
export function foundContact(response: VendorResponse, externalId?: string): string | undefined {
  const { status } = response;
  if (status === 410) {
    const link = CANONICAL_LINK.exec(responseHeader(response.headers, 'link') ?? '');
    return link?.[1];
  }
  if (status < 200 || status >= 300) return undefined;
  const json = response.json;
  if (!isJsonObject(json)) return undefined;
  if (json.type === 'list' || Array.isArray(json.data)) {
    const contacts = (Array.isArray(json.data) ? json.data : []).filter(isJsonObject).filter((c) => idOf(c) !== undefined)
      .filter((c) => externalId === undefined || typeof c.external_id !== 'string' || c.external_id === '' || c.external_id === externalId);
    const contact = contacts.find((c) => c.role === 'user') ?? contacts[0];
    return contact ? idOf(contact) : undefined;
  }
  return idOf(json);
}

/**
 * The ids of a search's hits that hold another external_id than `externalId`: other users of
 * the site sharing the email, which an identify's update must not take over.
 *
 * @example
 * otherUsers({ status: 200, headers: {}, body: '…', json: { type: 'list', data: [{ id: 'c1', external_id: 'u-2' }, { id: 'c2' }] } }, 'u-1'); // ['c1']
 */
export function otherUsers(response: VendorResponse, externalId: string | undefined): string[] {
  const json = response.json;
  if (externalId === undefined || !isJsonObject(json) || !Array.isArray(json.data)) return [];
  return json.data.filter(isJsonObject)
    .filter((c) => typeof c.external_id === 'string' && c.external_id !== '' && c.external_id !== externalId)
    .map((c) => idOf(c)).filter((id): id is string => id !== undefined);
}
