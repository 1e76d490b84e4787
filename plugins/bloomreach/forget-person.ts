// Person deletions through Bloomreach's GDPR API, "Anonymize a customer"
// (documentation.bloomreach.com/engagement/reference/anonymize-a-customer-2):
// `POST {API base}/data/v2/projects/{projectToken}/customers/anonymize` with `{ "customer_ids":
// { … } }` ("One or more hard and/or soft customer IDs"), private access with the GDPR >
// Anonymize customer permission. "The anonymization process removes all Private information
// and all external identifiers and assigns a new cookie ID … the anonymize call only removes
// properties that have been marked as Private (PII)" in the project's Data manager: the
// customer's events stay, tied to no one. Bloomreach keys customers by any of their IDs, so a
// deletion anonymizes the customer found by each id the plugin sends Bloomreach the person
// under — the userId (hard ID), each email (email ID, when configured: the emails Signal found
// for the person, and an email userId) and the anonymousId (soft ID) — one request each, since
// they may name different customers (a visitor never merged into the logged-in customer). Once
// one request has anonymized a customer its other IDs are gone, and Bloomreach answers the next
// that no such customer exists: nothing left to do.
import { deletionEmails, transientRetry, usableId, type ForgetOutcome, type NamedPerson, type PersonForgetting, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { CREDENTIAL_WORDS, CREDENTIALS, PERMISSION_WORDS, saidBy } from './classify.ts';
import { headersOf, optionsOf, type BloomreachOptions } from './config.ts';
import { emailIdOf } from './customer-ids.ts';

/** Words of an answer saying no customer has the ID (Bloomreach's Python SDK: "Customer does not exist"). */
const NO_SUCH_CUSTOMER = /customer (?:does not|doesn't) exist|customer not found|no such customer/i;
/** What an accepted anonymization does, said with it. */
export const ANONYMIZED = 'Bloomreach anonymized the customer: its external IDs and the properties marked Private (PII) in Data manager are removed and it gets a new cookie ID; its events stay, tied to no one (properties not marked Private stay too)';
/** Why a deletion naming no ID the plugin sends Bloomreach is not forwarded. */
export const NO_BLOOMREACH_ID = 'the person has no id the plugin sends Bloomreach: no usable userId, no email with config.email_id, and no anonymousId with config.soft_id (placeholders such as "null" are never sent)';

/**
 * The customer IDs a deletion anonymizes by, one per request: the userId under the hard ID,
 * each email (the userId's when it is one, then those Signal found) under the email ID when the
 * config names one, and the anonymousId under the soft ID when the config names one.
 *
 * @example
 * anonymizedIds({ userId: 'u-1', anonymousId: 'df_1', emails: ['jane@example.com'] }, { hardId: 'registered', softId: 'cookie', emailId: 'email_id' });
 * // [{ registered: 'u-1' }, { email_id: 'jane@example.com' }, { cookie: 'df_1' }]
 */
export function anonymizedIds(person: NamedPerson, options: Pick<BloomreachOptions, 'hardId' | 'softId' | 'emailId'>): Array<Record<string, string>> {
  const ids: Array<Record<string, string>> = [];
  if (usableId(person.userId)) ids.push({ [options.hardId]: String(person.userId).trim() });
  if (options.emailId !== undefined) {
    // The SDK's reading (the userId when it is an email, then those Signal found, each once), lower-cased as sent.
    const emails = deletionEmails(person, (value) => emailIdOf(value) !== undefined).flatMap((email) => emailIdOf(email) ?? []);
    for (const email of emails) ids.push({ [options.emailId]: email });
  }
  if (options.softId !== undefined && usableId(person.anonymousId)) ids.push({ [options.softId]: String(person.anonymousId).trim() });
  return ids;
}

/**
 * Reads an answer to an anonymization: 2xx (unless its body says `success: false`) done; an
 * answer saying no customer has the ID done too (nothing left to anonymize: an earlier request
 * of the deletion may have anonymized them); 429, 408 and 5xx tried again (after Retry-After);
 * refused credentials and a missing GDPR permission failed, saying what to fix; anything else
 * failed with Bloomreach's words.
 *
 * @example
 * readAnonymization({ status: 200, headers: {}, body: '{"success":true}', json: { success: true } }); // { done: true, message: 'anonymized (HTTP 200): Bloomreach anonymized the customer: …' }
 */
export function readAnonymization(response: VendorResponse): ForgetOutcome {
  const said = saidBy(response);
  const answered = `HTTP ${response.status}${said ? `: ${said}` : ''}`;
  const json = response.json;
  const refused = json !== null && typeof json === 'object' && !Array.isArray(json) && (json as { success?: unknown }).success === false;
  if (NO_SUCH_CUSTOMER.test(said) && (refused || (response.status >= 200 && response.status < 300))) {
    return { done: true, message: `no Bloomreach customer has this ID (${answered}): nothing to anonymize` };
  }
  if (response.status >= 200 && response.status < 300 && !refused) return { done: true, message: `anonymized (HTTP ${response.status}): ${ANONYMIZED}` };
  const transient = transientRetry(response, 'Bloomreach', said || '(no body)');
  if (transient?.status === 'retry') {
    return transient.retryAfterMs === undefined ? { retry: transient.reason } : { retry: transient.reason, afterSeconds: Math.ceil(transient.retryAfterMs / 1000) };
  }
  // A 403 names a wrong secret as well as a missing permission (Bloomreach support: 403 "invalid secret").
  if (response.status === 401 || (CREDENTIAL_WORDS.test(said) && !PERMISSION_WORDS.test(said))) {
    return { failed: `Bloomreach refused the credentials (${answered}): ${CREDENTIALS}` };
  }
  if (response.status === 403 || PERMISSION_WORDS.test(said)) {
    return { failed: `Bloomreach refused the anonymization (${answered}): the API key's group needs GDPR > Anonymize customer (Private access; Project settings > Access management > API > API groups), or set config.forward_deletions to false` };
  }
  if (response.status === 404) return { failed: `Bloomreach answered ${answered}: check config.api_base (the project's API Base URL) and config.project_token` };
  return { failed: `Bloomreach refused the anonymization (${answered})` };
}

/**
 * Forwarding of person deletions with the integration's key (unless config.forward_deletions
 * is off): one Anonymize a customer request per id (see anonymizedIds). Safe to repeat: a
 * customer anonymized already is found by none of its old IDs.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => {
    const options = optionsOf(config);
    return options.forwardDeletions && options.apiBase !== undefined && options.projectToken !== '' && options.apiKeyId !== '' && options.apiSecret !== '';
  },
  request(person, ctx) {
    const options = optionsOf(ctx.config);
    const ids = anonymizedIds(person, options);
    if (ids.length === 0) return { skipped: NO_BLOOMREACH_ID };
    const url = `${options.apiBase ?? ''}/data/v2/projects/${encodeURIComponent(options.projectToken)}/customers/anonymize`;
    return ids.map((customerIds): RequestDescriptor => ({ method: 'POST', url, headers: headersOf(ctx.config), body: { customer_ids: customerIds }, eventIds: [] }));
  },
  read: (response) => readAnonymization(response),
  // The GDPR API's answer to an accepted anonymization (Bloomreach's Python SDK reads `success`).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { success: true } },
};
