// Reading ActiveCampaign's answers, as its API reference documents them: a contact sync's
// `{ contact: { id, email, … }, fieldValues: [ … ] }`; a contact's list memberships
// `{ contactLists: [{ contact, list, status, … }] }`; a contact search's `{ contacts: [{ id,
// email, … }], meta: { total } }`; Event Tracking's `{ success: 1, message: "Event spawned" }`;
// errors as `{ errors: [{ title, detail, code, source: { pointer } }] }` (422: "Email address
// already exists in the system", code `duplicate`, pointer `/data/attributes/email`), as
// `{ message }` (404: "No Result found for Subscriber with id 1"; 403: "Forbidden"), or as
// `{ errors: ["Field name is required"] }`. Shared by the classifier and the person deletions.
import { excerpt, isJsonObject, type VendorResponse } from '../../core/sdk/index.ts';

/** ActiveCampaign's ids are whole numbers written as text ("113"); anything else is never put in a URL. */
export const ID = /^[1-9][0-9]{0,19}$/;

/** One error of an answer, as ActiveCampaign words it. */
export interface ActiveCampaignError {
  title: string;
  detail: string;
  code: string;
  /** The JSON pointer of the field it is about (`/data/attributes/email`), when it names one. */
  pointer: string;
}

function textOf(value: unknown): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
}

/**
 * The errors of an answer (`errors: [{ title, detail, code, source: { pointer } }]`, or a list of
 * texts); empty for any other body.
 *
 * @example
 * errorsOf({ json: { errors: [{ title: 'Email address already exists in the system', detail: '', code: 'duplicate', source: { pointer: '/data/attributes/email' } }] } });
 * // [{ title: 'Email address already exists in the system', detail: '', code: 'duplicate', pointer: '/data/attributes/email' }]
 */
export function errorsOf(response: Pick<VendorResponse, 'json'>): ActiveCampaignError[] {
  const errors = isJsonObject(response.json) ? response.json.errors : undefined;
  if (!Array.isArray(errors)) return [];
  return errors.map((error) => {
    if (!isJsonObject(error)) return { title: textOf(error), detail: '', code: '', pointer: '' };
    const source = isJsonObject(error.source) ? error.source : {};
    return { title: textOf(error.title), detail: textOf(error.detail), code: textOf(error.code), pointer: textOf(source.pointer) };
  }).filter((error) => error.title !== '' || error.detail !== '' || error.code !== '');
}

/**
 * The field an error's pointer names (its last segment): `/data/attributes/email` → `email`.
 *
 * @example
 * pointedField('/data/attributes/email'); // 'email'
 * pointedField('');                       // undefined
 */
export function pointedField(pointer: string): string | undefined {
  const last = pointer.split('/').filter(Boolean).pop();
  return last === undefined || last === '' ? undefined : last;
}

/**
 * ActiveCampaign's own words in an answer: each error's title and detail with the field it
 * names, else the answer's `message`, else the body; '' when it says nothing more than its status.
 *
 * @example
 * wordsOf({ status: 422, headers: {}, body: '…', json: { errors: [{ title: 'Email address already exists in the system', code: 'duplicate', source: { pointer: '/data/attributes/email' } }] } });
 * // 'Email address already exists in the system (field email, duplicate)'
 */
export function wordsOf(response: VendorResponse): string {
  const errors = errorsOf(response);
  let words: string;
  if (errors.length > 0) {
    words = errors.map((error) => {
      const field = pointedField(error.pointer);
      const about = [field ? `field ${field}` : '', error.code].filter(Boolean).join(', ');
      return `${[error.title, error.detail].filter(Boolean).join(': ')}${about ? ` (${about})` : ''}`;
    }).join('; ');
  } else {
    // A JSON object without errors or a message (400's `{}`) says nothing more than its status.
    words = isJsonObject(response.json) ? textOf(response.json.message) : (response.body ?? '').replace(/\s+/g, ' ').trim();
  }
  return excerpt(words);
}

/**
 * ActiveCampaign's answer for a reason: its status and its words (`wordsOf`):
 * `HTTP 422: Email address already exists in the system (field email, duplicate)`.
 *
 * @example
 * answered({ status: 404, headers: {}, body: '…', json: { message: 'No Result found for Subscriber with id 1' } }); // 'HTTP 404: No Result found for Subscriber with id 1'
 */
export function answered(response: VendorResponse): string {
  const said = wordsOf(response);
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/**
 * Whether a 2xx is ActiveCampaign's own answer: a JSON object (its resources), or an empty
 * body. A web page or other text is a proxy's or a captive portal's, and says nothing.
 *
 * @example
 * isActiveCampaignAnswer({ status: 200, headers: {}, body: '<html>…', json: undefined }); // false
 */
export function isActiveCampaignAnswer(response: VendorResponse): boolean {
  if ((response.body ?? '').trim() === '') return true;
  return isJsonObject(response.json);
}

/**
 * The contact id a contact sync's answer gives (`contact.id`), when it is one.
 *
 * @example
 * syncedContactId({ status: 201, headers: {}, body: '…', json: { contact: { id: '113', email: 'jane@example.com' } } }); // '113'
 */
export function syncedContactId(response: VendorResponse): string | undefined {
  const contact = isJsonObject(response.json) ? response.json.contact : undefined;
  const id = isJsonObject(contact) ? textOf(contact.id) : '';
  return ID.test(id) ? id : undefined;
}

/**
 * What a contact's list memberships say about `list`: `member` with its status (ActiveCampaign's
 * text: "1" active, "2" unsubscribed, …) when the contact has a membership of it, `none` when
 * the answer lists all of them without it, `unknown` when it is no such answer or a full page
 * leaves others unsaid.
 *
 * @example
 * membershipOf({ status: 200, headers: {}, body: '…', json: { contactLists: [{ contact: '19', list: '1', status: '2' }] } }, 1); // { member: '2' }
 */
export function membershipOf(response: VendorResponse, list: number, pageSize: number): { member: string } | { none: true } | { unknown: string } {
  const json = response.json;
  const memberships = isJsonObject(json) ? json.contactLists : undefined;
  if (!Array.isArray(memberships)) return { unknown: 'the answer holds no contactLists' };
  const found = memberships.filter(isJsonObject).find((membership) => textOf(membership.list) === String(list));
  if (found) return { member: textOf(found.status) || '?' };
  const meta = isJsonObject(json) && isJsonObject(json.meta) ? Number(textOf(json.meta.total)) : Number.NaN;
  if (memberships.length >= pageSize || (Number.isFinite(meta) && meta > memberships.length)) {
    return { unknown: `the contact has more list memberships than one page holds (${memberships.length}${Number.isFinite(meta) ? ` of ${meta}` : ''})` };
  }
  return { none: true };
}

/**
 * The ids of the contacts a search by email answered (`contacts[].id`; ActiveCampaign's `email`
 * filter names one address — `email_like` is its partial match), or undefined for an answer
 * that is no contact search's. The addresses are not compared: the core hides the person's ids
 * in the answers a deletion reads.
 *
 * @example
 * contactIdsOf({ status: 200, headers: {}, body: '…', json: { contacts: [{ id: '5', email: 'jane@example.com' }] } }); // ['5']
 */
export function contactIdsOf(response: VendorResponse): string[] | undefined {
  const contacts = isJsonObject(response.json) ? response.json.contacts : undefined;
  if (!Array.isArray(contacts)) return undefined;
  return contacts.filter(isJsonObject).map((contact) => textOf(contact.id)).filter((id) => ID.test(id));
}

/**
 * Event Tracking's verdict: `recorded` for `success: 1`, `refused` with ActiveCampaign's
 * message for `success: 0`, undefined for an answer that is not Event Tracking's.
 *
 * @example
 * trackedOf({ status: 200, headers: {}, body: '…', json: { success: 1, message: 'Event spawned' } }); // { recorded: 'Event spawned' }
 */
export function trackedOf(response: VendorResponse): { recorded: string } | { refused: string } | undefined {
  const json = response.json;
  if (!isJsonObject(json) || !('success' in json)) return undefined;
  const message = textOf(json.message);
  return json.success === 1 || json.success === '1' || json.success === true ? { recorded: message } : { refused: message };
}
