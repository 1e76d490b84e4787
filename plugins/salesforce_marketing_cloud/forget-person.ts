// Person deletions through Marketing Cloud's Contacts API, delete by contact key:
// `POST /contacts/v1/contacts/actions/delete?type=keys` with `{ values: [contact keys],
// DeleteOperationType: 'ContactAndAttributes' }`. Salesforce: the call is queued ("each process
// can take several hours"; "the queue processes only one deletion call at a time"), the contact
// is suppressed at once — no sends, no activities — and after the account's restorable days
// deleted "from all lists and sendable data extensions", across Email, MobileConnect,
// MobilePush, journeys and audiences, at the enterprise level. The answer names the operation
// (`operationInitiated`, `operationID`); its status is then read once (`GET
// /contacts/v1/contacts/actions/delete/status?operationID=`) so the deletion's outcome shows what
// Marketing Cloud made of it. The plugin keys contacts by the userId, or with
// `contact_key_source: email` by the email address: then the deletion names every email the
// person is known by — an email userId, and the emails Signal found for them (`person.emails`,
// at most 20) — in its one request (`values` is an "array of contact key values"). An
// anonymousId alone names no contact the plugin wrote by the userId.
import { deletionEmails, isStrictEmailAddress, parseRetryAfter, responseHeader, usableId, type ForgetOutcome, type JsonValue, type NamedPerson, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { saidOf } from './classify.ts';
import { keyedByEmail, restBaseOf, subdomainOf } from './config.ts';
import { MAX_CONTACT_KEY_CHARS } from './records.ts';
import { headersOf } from './requests.ts';

const STATUS_PATH = '/contacts/v1/contacts/actions/delete/status';

interface DeleteAnswer {
  operationInitiated?: unknown;
  operationID?: unknown;
  hasErrors?: unknown;
  resultMessages?: unknown;
}

function objectOf(response: VendorResponse): Record<string, unknown> | undefined {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? json as Record<string, unknown> : undefined;
}

/** The result messages of a Contacts API answer, in words. */
function resultMessagesOf(answer: DeleteAnswer): string {
  if (!Array.isArray(answer.resultMessages)) return '';
  return answer.resultMessages
    .map((m) => (typeof m === 'string' ? m : m !== null && typeof m === 'object' ? String((m as { message?: unknown; resultMessage?: unknown }).message ?? (m as { resultMessage?: unknown }).resultMessage ?? JSON.stringify(m)) : ''))
    .filter(Boolean).join('; ').slice(0, 300);
}

/**
 * The status request of an accepted deletion operation; `keys`, how many contact keys the
 * deletion named (noted for its outcome when more than one).
 *
 * @example
 * statusRequest('2', ctx); // { method: 'GET', url: 'https://mc….rest.marketingcloudapis.com/contacts/v1/contacts/actions/delete/status', query: [['operationID', '2']], … }
 */
export function statusRequest(operationId: string, ctx: PluginContext, keys = 1): RequestDescriptor {
  return { method: 'GET', url: `${restBaseOf(ctx.config)}${STATUS_PATH}`, query: [['operationID', operationId]], headers: headersOf(ctx), eventIds: [], ...(keys > 1 ? { memo: { keys } } : {}) };
}

/** How many contact keys a request (the deletion, or its status request's memo) names. */
function keysNamed(request: RequestDescriptor | undefined): number {
  const body = request?.body;
  if (body !== null && typeof body === 'object' && !Array.isArray(body) && Array.isArray(body.values)) return body.values.length;
  const memo = request?.memo;
  return memo !== null && typeof memo === 'object' && !Array.isArray(memo) && typeof memo.keys === 'number' ? memo.keys : 1;
}

function retryOf(response: VendorResponse, ctx: PluginContext | undefined): ForgetOutcome {
  const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx?.now ?? 0);
  const message = `HTTP ${response.status}: ${saidOf(response)}`;
  return retryAfterMs === undefined ? { retry: message } : { retry: message, afterSeconds: Math.ceil(retryAfterMs / 1000) };
}

/** Reads the status answer: the operation's status, or why it could not be read (the deletion stands either way). */
function readStatus(response: VendorResponse, operationId: string, keys: number): ForgetOutcome {
  const accepted = keys > 1
    ? `Marketing Cloud accepted the deletion of ${keys} contact keys as operation ${operationId}: the contacts are suppressed at once and deleted with their attributes after the account's restorable period`
    : `Marketing Cloud accepted the deletion as operation ${operationId}: the contact is suppressed at once and deleted with its attributes after the account's restorable period`;
  const operation = objectOf(response)?.operation as Record<string, unknown> | undefined;
  if (response.status >= 200 && response.status < 300 && operation !== null && typeof operation === 'object') {
    const days = objectOf(response)?.numberofRestorableDays;
    const state = typeof operation.status === 'string' ? operation.status : 'unknown';
    return { done: true, message: `${accepted}${typeof days === 'number' ? ` (${days} days)` : ''}; its status now: ${state}` };
  }
  return { done: true, message: `${accepted}; its status could not be read (HTTP ${response.status}: ${saidOf(response)}) — see Contact Builder > Contacts Configuration > Contact Delete` };
}

/** Why a deletion keyed by email names no contact: no email address is known of the person. */
const NO_EMAIL_KNOWN = 'Signal knew no email of the person (no traits.email on an identify call it remembered or still stored)';
/** Why a deletion names no contact the plugin could have written: placeholders only. */
const PLACEHOLDERS = 'the ids named are placeholders the plugin never sends to Marketing Cloud, so no contact of theirs can exist there';

/**
 * The Contact Keys a deletion names, or why none: the userId; with `contact_key_source: email`,
 * each email address of the person (SDK `deletionEmails`: an email userId, then the emails
 * Signal found for them) that could be a key.
 *
 * @example
 * deletionKeysOf({ userId: 'user-123', anonymousId: null }, {}); // ['user-123']
 * deletionKeysOf({ userId: 'user-123', anonymousId: null, emails: ['jane@example.com'] }, { contact_key_source: 'email' }); // ['jane@example.com']
 */
export function deletionKeysOf(person: NamedPerson, config: Record<string, JsonValue>): string[] | { skipped: string } {
  if (keyedByEmail(config)) {
    const keys = deletionEmails(person, (value) => isStrictEmailAddress(value) && value.length <= MAX_CONTACT_KEY_CHARS);
    if (keys.length > 0) return keys;
    if (usableId(person.userId)) return { skipped: `the plugin keys Marketing Cloud contacts by email address (config.contact_key_source), the userId named is no email address and ${NO_EMAIL_KNOWN}: delete the contact in Contact Builder, or name the person by their email` };
    return { skipped: usableId(person.anonymousId) ? `the plugin keys Marketing Cloud contacts by email address (config.contact_key_source), never by an anonymous visitor's id, and ${NO_EMAIL_KNOWN}: delete the contact in Contact Builder, or name the person by their email` : PLACEHOLDERS };
  }
  if (!usableId(person.userId)) {
    return { skipped: usableId(person.anonymousId) ? 'the plugin writes Marketing Cloud contacts by their userId (or email) only, never an anonymous visitor\'s id, so Marketing Cloud holds nothing under an anonymousId' : PLACEHOLDERS };
  }
  const key = String(person.userId).trim();
  if (key.length > MAX_CONTACT_KEY_CHARS) return { skipped: `the userId is longer than a Contact Key may be (${MAX_CONTACT_KEY_CHARS} characters), so the plugin never sent it` };
  return [key];
}

/**
 * Forwarding of person deletions (config.forward_deletions, on by default): the contacts whose
 * Contact Keys the plugin used (`deletionKeysOf`), in one request.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => subdomainOf(config) !== undefined && typeof config.client_secret === 'string' && config.client_secret !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const keys = deletionKeysOf(person, ctx.config);
    if (!Array.isArray(keys)) return keys;
    return {
      method: 'POST', url: `${restBaseOf(ctx.config)}/contacts/v1/contacts/actions/delete`, query: [['type', 'keys']], headers: headersOf(ctx),
      body: { values: keys, DeleteOperationType: 'ContactAndAttributes' }, eventIds: [],
    };
  },
  read(response, request, ctx): ForgetOutcome {
    const status = response.status;
    const operationId = request?.url.endsWith(STATUS_PATH) ? request.query?.find(([name]) => name === 'operationID')?.[1] : undefined;
    if (operationId !== undefined) return readStatus(response, operationId, keysNamed(request));
    if (status >= 200 && status < 300) {
      const answer = objectOf(response) as DeleteAnswer | undefined;
      const id = typeof answer?.operationID === 'number' || typeof answer?.operationID === 'string' ? String(answer.operationID) : undefined;
      if (answer === undefined || (answer.operationInitiated === undefined && id === undefined)) return { retry: `HTTP ${status} without Marketing Cloud's answer (operationInitiated, operationID): ${saidOf(response)} — a proxy in between?` };
      if (answer.operationInitiated === false || answer.hasErrors === true || id === undefined) {
        return { failed: `Marketing Cloud did not start the deletion (HTTP ${status}${resultMessagesOf(answer) ? `: ${resultMessagesOf(answer)}` : ''}): delete the contact in Contact Builder (All Contacts > the contact > Delete)` };
      }
      if (ctx === undefined) return { done: true, message: `Marketing Cloud accepted the deletion as operation ${id}` };
      return { next: statusRequest(id, ctx, keysNamed(request)) };
    }
    if (status === 401 || status === 403) {
      return { failed: `HTTP ${status}: Marketing Cloud refused the deletion (${saidOf(response)}): the installed package's API integration needs the List and Subscribers: Write permission (Contacts), with config.client_id and config.client_secret of that integration` };
    }
    if (status === 408 || status === 429 || status >= 500) return retryOf(response, ctx);
    return { failed: `HTTP ${status}: ${saidOf(response)} — delete the contact in Contact Builder (All Contacts > the contact > Delete)` };
  },
  // Salesforce's example answer to a delete by contact keys.
  successAnswer: { status: 200, body: { operationInitiated: true, operationID: 2, requestServiceMessageID: '21d0d10d-a15a-413c-bc3e-8b43b185e551', resultMessages: [], serviceMessageID: 'acb87f67-ec49-42af-a0bb-987ac6451560' } },
};
