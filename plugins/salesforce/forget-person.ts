// Person deletions (config.forward_deletions, off by default): the records of the object that
// hold the person are looked up by the key the plugin writes them by, then deleted by id — a
// `{ next }` chain of two requests:
//
// 1. `GET /query?q=SELECT Id FROM Lead WHERE Signal_User_Id__c = 'u-1' LIMIT 200` — the External ID
//    field holding the userId; when it holds the email (lower-cased), or people are matched by
//    Email (`WHERE Email = '…'`: SOQL compares text without case), one lookup per email address
//    of the person: the userId when it is one, and the emails Signal found for them (their
//    remembered identify traits, the traits of their deleted events: `person.emails`, at most 20);
// 2. `DELETE /composite/sobjects?ids=…&allOrNone=false` (sObject Collections delete, up to 200):
//    Salesforce moves the records to the Recycle Bin.
//
// No record found is done. Keyed by the userId, a deletion naming only an anonymousId is skipped:
// the plugin never sends an anonymous visitor. Keyed by email, a person with no email known is
// skipped. The emails are not looked up when records are keyed by the userId: a record holding
// the email under another key (or none) is not one the plugin wrote for this person. Each step is
// safe to repeat (records already gone are not found).
import { deletionEmails, isEmailAddress, usableId, type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, errorsOf, queryOf, resultsOf, saidErrors } from './answers.ts';
import { REQUEST_LIMIT_WAIT_MS } from './classify.ts';
import { apiBaseOf, externalIdFieldOf, externalIdSourceOf, hasCredentials, objectOf } from './config.ts';
import { headersOf } from './requests.ts';
import { deletionLookupQuery, soqlString } from './soql.ts';

/** Why a person named by an anonymousId alone is not forwarded when records are keyed by the userId. */
export const ANONYMOUS_ONLY = 'the plugin sends Salesforce identified people only (by userId or email), never an anonymous visitor, so no record of theirs holds an anonymousId';
/** The most records one lookup answers and one sObject Collections delete takes. */
const MAX_IDS = 200;

/** An answer that is no success: tried again or failed, saying what to check. */
function unsuccessful(response: VendorResponse, what: string): ForgetOutcome {
  const said = answered(response);
  const codes = new Set(errorsOf(response).map((error) => error.code));
  if (codes.has('REQUEST_LIMIT_EXCEEDED')) return { retry: `${said}: the org's API request limit is used up`, afterSeconds: REQUEST_LIMIT_WAIT_MS / 1000 };
  if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: said };
  if (response.status === 401) return { failed: `${said}: Salesforce refused the access token Signal had just obtained: check the integration user (active, API Enabled) and config.my_domain` };
  if (response.status === 403) return { failed: `${said}: the integration user may not ${what}: it needs API Enabled, and Read and Delete on the object` };
  if (response.status === 404 || codes.has('INVALID_FIELD')) return { failed: `${said}: check config.object and config.external_id_field (a field of the object, visible to the integration user)` };
  return { failed: said };
}

/** The lookup's answer: the deletion of the records found, or nothing to delete. */
function readLookup(response: VendorResponse, request: RequestDescriptor): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'look the records up');
  const answer = queryOf(response);
  if (answer === undefined) return { retry: `${answered(response)}: not Salesforce's answer to a query` };
  const ids = [...new Set(answer.records.map((record) => record.Id))].slice(0, MAX_IDS);
  if (ids.length === 0) return { done: true, message: 'no Salesforce record holds this person\'s key: nothing to delete' };
  // As many as one lookup answers: these are deleted, and the deletion asked again for any others.
  const more = ids.length >= MAX_IDS || !answer.done;
  const base = request.url.slice(0, request.url.lastIndexOf('/query'));
  return {
    next: {
      method: 'DELETE', url: `${base}/composite/sobjects`, query: [['ids', ids.join(',')], ['allOrNone', 'false']],
      headers: { ...(request.headers ?? {}) }, eventIds: [], ...(more ? { memo: { salesforce: 'more records' } } : {}),
    },
  };
}

/** The deletion's answer: each record deleted (or already gone: ENTITY_IS_DELETED) is done. */
function readDeletion(response: VendorResponse, request: RequestDescriptor | undefined): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'delete the records');
  const results = resultsOf(response);
  if (results === undefined) return { retry: `${answered(response)}: not Salesforce's answer to a deletion` };
  const refused = results.filter((result) => !result.success && !result.errors.every((error) => error.code === 'ENTITY_IS_DELETED'));
  if (refused.length > 0) {
    const locked = refused.every((result) => result.errors.some((error) => error.code === 'UNABLE_TO_LOCK_ROW'));
    const said = `Salesforce did not delete ${refused.length} of ${results.length} records: ${refused.map((result) => `${result.id ?? '?'}: ${saidErrors(result.errors)}`).join('; ')}`;
    return locked ? { retry: said } : { failed: `${said}: delete them in Salesforce (a record related to others, e.g. a contact with cases, may need those first)` };
  }
  const deleted = `Salesforce deleted ${results.length} record${results.length === 1 ? '' : 's'} (${results.map((result) => result.id ?? '?').join(', ')}), to its Recycle Bin`;
  const memo = request?.memo;
  if (memo !== null && typeof memo === 'object' && !Array.isArray(memo) && memo.salesforce === 'more records') return { retry: `${deleted}; more records may hold this person than one request deletes (200): looked up and deleted again` };
  return { done: true, message: deleted };
}

/** Why a deletion can find none of the person's records: placeholders only. */
const PLACEHOLDERS = 'the ids named are placeholders the plugin never sends to Salesforce, so no record of theirs can exist there';
/** Why a person keyed by email has no key: no email address is known of them. */
const NO_EMAIL_KNOWN = 'Signal knew no email of the person (no traits.email on an identify call it remembered or still stored)';

/**
 * The field a person's records are found by and the values looked up, or why none: the userId
 * when the External ID field holds it; else each email address of the person (SDK
 * `deletionEmails`: an email userId, then the emails Signal found for them), lower-cased when the
 * External ID field holds it (as the plugin writes it).
 *
 * @example
 * lookupKeysOf({ userId: 'u-1', anonymousId: null }, { external_id_field: 'Signal_User_Id__c' }); // { field: 'Signal_User_Id__c', values: ['u-1'], byEmail: false }
 * lookupKeysOf({ userId: 'u-1', anonymousId: null, emails: ['jane@example.com'] }, {});           // { field: 'Email', values: ['jane@example.com'], byEmail: true }
 */
export function lookupKeysOf(person: NamedPerson, config: Record<string, JsonValue>): { field: string; values: string[]; byEmail: boolean } | { skipped: string } {
  const external = externalIdFieldOf(config);
  if (external !== undefined && externalIdSourceOf(config) === 'userId') {
    if (!usableId(person.userId)) return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : PLACEHOLDERS };
    return { field: external, values: [String(person.userId).trim()], byEmail: false };
  }
  const emails = deletionEmails(person, isEmailAddress);
  if (emails.length > 0) return external !== undefined ? { field: external, values: emails.map((email) => email.toLowerCase()), byEmail: true } : { field: 'Email', values: emails, byEmail: true };
  const keyedBy = external !== undefined ? `records are keyed by email (config.external_id_field ${external} holds it)` : 'people are matched by email (config.external_id_field is empty)';
  if (usableId(person.userId)) return { skipped: `${keyedBy}, the userId is no email address and ${NO_EMAIL_KNOWN}, so Salesforce cannot find this person's records: delete them in Salesforce` };
  if (usableId(person.anonymousId)) return { skipped: `${keyedBy}, never by an anonymous visitor's id, and ${NO_EMAIL_KNOWN}: delete the records in Salesforce, or run deletePerson with the person's email as userId` };
  return { skipped: PLACEHOLDERS };
}

/** Forwarding of person deletions: a lookup per key, each then the sObject Collections delete of what it found. */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => hasCredentials(config) && config.forward_deletions === true,
  request(person, ctx) {
    const keys = lookupKeysOf(person, ctx.config);
    if ('skipped' in keys) return keys;
    const literals = keys.values.map(soqlString).filter((literal) => literal !== undefined);
    if (literals.length === 0) return { skipped: `the ${keys.byEmail ? 'email address holds' : 'userId holds'} a control character a SOQL lookup cannot carry: delete the person in Salesforce` };
    return literals.map((literal): RequestDescriptor => ({
      method: 'GET', url: `${apiBaseOf(ctx.config)}/query`, query: [['q', deletionLookupQuery(objectOf(ctx.config), keys.field, literal)]],
      headers: headersOf(ctx), eventIds: [],
    }));
  },
  read(response, request) {
    // The deletion's answer, else the lookup's (the conformance suite reads answers alone).
    if (request?.method === 'DELETE') return readDeletion(response, request);
    return readLookup(response, request ?? { method: 'GET', url: 'https://salesforce.invalid/services/data/v68.0/query', eventIds: [] });
  },
  // A lookup that finds no record (the Query resource's answer).
  successAnswer: { status: 200, body: { totalSize: 0, done: true, records: [] } },
};
