// Person deletions (config.forward_deletions, off by default): for each email address of the
// person (SDK `deletionEmails`: an email userId, then the emails Signal found for them) the
// module's records are searched, then those whose Email is that address deleted — a `{ next }`
// chain of two requests:
//
// 1. `GET /crm/v8/{module}/search?email=<email>` — Zoho searches every email field of the module
//    (Email, Secondary_Email, …) and answers 204 when none matches; only the records whose Email
//    is the address (case aside) are the ones the plugin wrote, and only they are deleted (the
//    others are counted in the outcome's message);
// 2. `DELETE /crm/v8/{module}?ids=<id>,<id>` (up to 100): Zoho moves them to its Recycle Bin.
//
// No record found is done. A person with no email known is skipped: the plugin upserts by email
// only. Each step is safe to repeat (records already gone are not found).
import { deletionEmails, isEmailAddress, usableId, type ForgetOutcome, type NamedPerson, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, entriesOf, errorCodeOf, saidEntry, searchOf } from './answers.ts';
import { CREDIT_LIMIT_WAIT_MS } from './classify.ts';
import { apiBaseOf, hasCredentials, moduleOf } from './config.ts';
import { headersOf } from './requests.ts';

/**
 * How Signal shows the person's ids in the answers it hands a deletion's `read` (it takes them out
 * before anything is stored): an Email that reads so is one of the person's own addresses.
 */
const HIDDEN = '[…]';
/** A Zoho record id: digits (19 of them today). */
const RECORD_ID = /^[0-9]+$/;
/** The most ids one Delete Records request takes. */
export const MAX_DELETE_IDS = 100;
/** Why a person without a known email cannot be found. */
export const NO_EMAIL = 'the plugin upserts Zoho CRM records by email only, and the deletion names no email address and Signal knew none of the person (no traits.email on an identify call it remembered or still stored): delete the records in Zoho CRM, or run deletePerson with the person\'s email as userId';

/** An answer that is no success: tried again or failed, saying what to check. */
function unsuccessful(response: VendorResponse, what: string): ForgetOutcome {
  const said = answered(response);
  const code = errorCodeOf(response);
  if (code === 'LIMIT_EXCEEDED') return { retry: `${said}: the account's API credits are spent`, afterSeconds: CREDIT_LIMIT_WAIT_MS / 1000 };
  if (response.status === 408 || response.status === 429 || response.status >= 500 || code === 'TOO_MANY_REQUESTS' || code === 'INTERNAL_ERROR') return { retry: said };
  if (response.status === 401 && code === 'OAUTH_SCOPE_MISMATCH') return { failed: `${said}: to ${what}, the refresh token needs the scopes ZohoCRM.modules.<module>.ALL and ZohoSearch.securesearch.READ: generate a new one with them and store it in config.refresh_token` };
  if (response.status === 401) return { failed: `${said}: Zoho CRM refused the access token Signal had just obtained: check config.data_center and that the token's user is active` };
  if (response.status === 403) return { failed: `${said}: the Zoho user the refresh token belongs to may not ${what}: their profile needs Read and Delete on the module` };
  return { failed: said };
}

/** The email a search asked for: from its query pairs, or from its URL once the core has put them there. */
function searchedEmail(request: RequestDescriptor): string {
  const fromPairs = request.query?.find(([name]) => name === 'email')?.[1];
  if (fromPairs !== undefined) return fromPairs.trim().toLowerCase();
  try {
    return (new URL(request.url).searchParams.get('email') ?? '').trim().toLowerCase();
  } catch {
    return '';
  }
}

/** The search's answer: the deletion of the records whose Email is the address, or nothing to delete. */
function readSearch(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'search the records');
  const found = searchOf(response);
  if (found === undefined) return { retry: `${answered(response)}: not Zoho CRM's answer to a search` };
  const email = searchedEmail(request);
  // No address to compare (a request without one): only an Email Signal hid as the person's counts.
  const holding = found.records.filter((record) => record.email === HIDDEN || (email !== '' && record.email?.trim().toLowerCase() === email));
  const others = found.records.length - holding.length;
  const elsewhere = others > 0 ? ` (${others} record${others === 1 ? '' : 's'} holding it in another email field kept)` : '';
  if (holding.length === 0) return { done: true, message: `no Zoho CRM record holds this email as its Email: nothing to delete${elsewhere}` };
  // A record id Signal hid part of (one of the person's ids of 8 characters or more, digits
  // within Zoho's 19) names no record: left out of the deletion, which then fails saying so.
  const unreadable = holding.filter((record) => !RECORD_ID.test(record.id)).length;
  const readable = holding.filter((record) => RECORD_ID.test(record.id));
  const unread = unreadable > 0 ? `${unreadable} record${unreadable === 1 ? '' : 's'} whose Email is this address but whose id Zoho's answer showed with one of the person's ids in it (hidden by Signal) not deleted: delete ${unreadable === 1 ? 'it' : 'them'} in Zoho CRM` : '';
  if (readable.length === 0) return { failed: unread };
  const ids = [...new Set(readable.map((record) => record.id))].slice(0, MAX_DELETE_IDS);
  const more = found.more || readable.length > MAX_DELETE_IDS;
  const base = request.url.slice(0, request.url.lastIndexOf('/search'));
  return {
    next: {
      method: 'DELETE', url: base, query: [['ids', ids.join(',')]], headers: { ...(request.headers ?? {}) }, eventIds: [],
      memo: { zoho: 'delete', more, elsewhere, unread },
    },
  };
}

/** The deletion's answer: each record deleted is done; any other entry fails the deletion, naming it. */
function readDeletion(response: VendorResponse, request: RequestDescriptor | undefined): ForgetOutcome {
  const entries = entriesOf(response);
  if (entries === undefined || (response.status >= 300 && response.status !== 400)) {
    if (response.status >= 200 && response.status < 300) return { retry: `${answered(response)}: not Zoho CRM's answer to a deletion` };
    return unsuccessful(response, 'delete the records');
  }
  const refused = entries.filter((entry) => !entry.success);
  if (refused.length > 0) {
    const said = `Zoho CRM did not delete ${refused.length} of ${entries.length} records: ${refused.map((entry) => `${entry.id ?? '?'}: ${saidEntry(entry)}`).join('; ')}`;
    return { failed: `${said}: delete them in Zoho CRM` };
  }
  const memo = request?.memo;
  const noted = memo !== null && typeof memo === 'object' && !Array.isArray(memo) ? memo : {};
  const deleted = `Zoho CRM deleted ${entries.length} record${entries.length === 1 ? '' : 's'} (${entries.map((entry) => entry.id ?? '?').join(', ')}), to its Recycle Bin${typeof noted.elsewhere === 'string' ? noted.elsewhere : ''}`;
  if (noted.more === true) return { retry: `${deleted}; more records may hold this email than one request deletes: searched and deleted again` };
  if (typeof noted.unread === 'string' && noted.unread !== '') return { failed: `${deleted}; ${noted.unread}` };
  return { done: true, message: deleted };
}

/**
 * The email addresses a person's records are searched by, or why none.
 *
 * @example
 * searchEmailsOf({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }); // ['jane@example.com']
 * searchEmailsOf({ userId: 'u-1', anonymousId: null });                               // { skipped: 'the plugin upserts … by email only …' }
 */
export function searchEmailsOf(person: NamedPerson): string[] | { skipped: string } {
  const emails = deletionEmails(person, isEmailAddress);
  if (emails.length > 0) return emails;
  if (usableId(person.userId) || usableId(person.anonymousId)) return { skipped: NO_EMAIL };
  return { skipped: 'the ids named are placeholders the plugin never sends, and no email of the person is known' };
}

/** Forwarding of person deletions: a search per email, each then the Delete Records of what it found. */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => hasCredentials(config) && config.forward_deletions === true,
  request(person, ctx) {
    const emails = searchEmailsOf(person);
    if (!Array.isArray(emails)) return emails;
    return emails.map((email): RequestDescriptor => ({
      method: 'GET', url: `${apiBaseOf(ctx.config)}/${moduleOf(ctx.config)}/search`, query: [['email', email]], headers: headersOf(ctx), eventIds: [],
    }));
  },
  read(response, request) {
    // The deletion's answer, else the search's (the conformance suite reads answers alone).
    if (request?.method === 'DELETE') return readDeletion(response, request);
    return readSearch(response, request ?? { method: 'GET', url: 'https://www.zohoapis.com/crm/v8/Leads/search', query: [['email', '']], eventIds: [] });
  },
  // A search that finds no record: HTTP 204, no content.
  successAnswer: { status: 204, body: '' },
};
