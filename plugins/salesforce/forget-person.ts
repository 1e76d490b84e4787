// Person deletions (config.forward_deletions, off by default): the records of the object that
// hold the person are looked up by the key the plugin writes them by, then deleted by id — a
// `{ next }` chain of two requests:
//
// 1. `GET /query?q=SELECT Id FROM Lead WHERE Signal_User_Id__c = 'u-1' LIMIT 200` — the External ID
//    field holding the userId (or, when it holds the email, the userId when it is an email); when
//    people are matched by Email, `WHERE Email = '…'` for a userId that is an email address;
// 2. `DELETE /composite/sobjects?ids=…&allOrNone=false` (sObject Collections delete, up to 200):
//    Salesforce moves the records to the Recycle Bin.
//
// No record found is done. A deletion naming only an anonymousId is skipped: the plugin never sends
// an anonymous visitor. Each step is safe to repeat (records already gone are not found).
import { usableId, type ForgetOutcome, type JsonValue, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { answered, errorsOf, queryOf, resultsOf, saidErrors } from './answers.ts';
import { REQUEST_LIMIT_WAIT_MS } from './classify.ts';
import { apiBaseOf, externalIdFieldOf, externalIdSourceOf, hasCredentials, objectOf } from './config.ts';
import { EMAIL } from './person-record.ts';
import { headersOf } from './requests.ts';
import { deletionLookupQuery, soqlString } from './soql.ts';

/** Why a person named by an anonymousId alone is not forwarded. */
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

/**
 * The field and value a person's records are found by, or why none.
 *
 * @example
 * lookupKeyOf('u-1', { external_id_field: 'Signal_User_Id__c' }); // { field: 'Signal_User_Id__c', value: 'u-1' }
 */
export function lookupKeyOf(userId: string, config: Record<string, JsonValue>): { field: string; value: string } | { skipped: string } {
  const external = externalIdFieldOf(config);
  const isEmail = EMAIL.test(userId);
  if (external !== undefined && externalIdSourceOf(config) === 'userId') return { field: external, value: userId };
  if (!isEmail) {
    return { skipped: external !== undefined
      ? `records are keyed by email (config.external_id_field ${external} holds it) and the userId is no email address, so Salesforce cannot find this person's records by it: delete them in Salesforce`
      : 'people are matched by email (config.external_id_field is empty) and the userId is no email address, so Salesforce cannot find this person\'s records by it: delete them in Salesforce' };
  }
  return external !== undefined ? { field: external, value: userId.toLowerCase() } : { field: 'Email', value: userId };
}

/** Forwarding of person deletions: a lookup, then the sObject Collections delete. */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => hasCredentials(config) && config.forward_deletions === true,
  request(person, ctx) {
    if (!usableId(person.userId)) {
      return { skipped: usableId(person.anonymousId) ? ANONYMOUS_ONLY : 'the ids named are placeholders the plugin never sends to Salesforce, so no record of theirs can exist there' };
    }
    const key = lookupKeyOf(String(person.userId).trim(), ctx.config);
    if ('skipped' in key) return key;
    const literal = soqlString(key.value);
    if (literal === undefined) return { skipped: 'the userId holds a control character a SOQL lookup cannot carry: delete the person in Salesforce' };
    return {
      method: 'GET', url: `${apiBaseOf(ctx.config)}/query`, query: [['q', deletionLookupQuery(objectOf(ctx.config), key.field, literal)]],
      headers: headersOf(ctx), eventIds: [],
    };
  },
  read(response, request) {
    // The deletion's answer, else the lookup's (the conformance suite reads answers alone).
    if (request?.method === 'DELETE') return readDeletion(response, request);
    return readLookup(response, request ?? { method: 'GET', url: 'https://salesforce.invalid/services/data/v68.0/query', eventIds: [] });
  },
  // A lookup that finds no record (the Query resource's answer).
  successAnswer: { status: 200, body: { totalSize: 0, done: true, records: [] } },
};
