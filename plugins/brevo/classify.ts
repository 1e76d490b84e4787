// Brevo's answers, as its API v3 reference documents them: POST /v3/contacts answers 201
// `{ id }` for a contact created and 204 for one updated; POST /v3/events answers 204; errors
// are `{ code, message }` (`invalid_parameter`, `missing_parameter`, `out_of_range`,
// `duplicate_parameter`, `document_not_found`, `unauthorized`, `permission_denied`,
// `not_enough_credits`, `account_under_validation`, …); POST /v3/contacts may answer 425 Too
// Early (`account_in_process`: the account is still being set up); a 429 carries
// `x-sib-ratelimit-limit`, `-remaining` and `-reset` (seconds until the window resets).
//
// A contact joining lists is a creation (contact.ts): Brevo answers 400 duplicate_parameter
// when it has the contact, and the update without the lists follows as a delivery follow-up. A
// retry starts again from the creation, which is safe: Brevo refuses it again for the contact
// an earlier try created.
import { defaultClassify, excerpt, isJsonObject, parseRetryAfter, responseHeader, trimmedText, type ClassifyResult, type JsonObject, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { isListCreation, updateOf } from './contact.ts';
import { headersOf } from './requests.ts';

/** What to check when Brevo refuses the key. */
const CREDENTIALS = 'check config.api_key (an API v3 key, xkeysib-…, not an SMTP key) and, when the account accepts API calls from authorised IP addresses only (Security > Authorised IPs), that Signal\'s egress addresses are among them';

interface BrevoError {
  code?: unknown;
  message?: unknown;
}

function errorOf(response: VendorResponse): BrevoError {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as BrevoError) : {};
}

/** Brevo's error code, when it gave one. */
function codeOf(response: VendorResponse): string | undefined {
  const code = errorOf(response).code;
  return trimmedText(code);
}

/** `HTTP 400: invalid_parameter: …` in Brevo's words, else the body, or `HTTP 400` for an empty answer. */
export function answered(response: VendorResponse): string {
  const { message } = errorOf(response);
  const code = codeOf(response);
  const words = [code, trimmedText(message)].filter((w) => w !== undefined).join(': ');
  const said = excerpt(words !== '' ? words : (response.body ?? ''));
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/** Whether a request creates or updates a contact (else it records an event). */
function isContact(request: RequestDescriptor): boolean {
  return /\/contacts$/.test(request.url);
}

/**
 * Whether a 2xx is Brevo's own answer: empty (204), or a JSON object (201 `{ id }`). A web page
 * or other text is a proxy's or a captive portal's, and says nothing about the record.
 */
function isBrevoSuccess(response: VendorResponse): boolean {
  if ((response.body ?? '').trim() === '') return true;
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json);
}

/** How long Brevo asks to wait after a 429: Retry-After, else x-sib-ratelimit-reset (seconds). */
function waitOf(response: VendorResponse, now: number): number | undefined {
  const retryAfter = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(responseHeader(response.headers, 'x-sib-ratelimit-reset'));
  return Number.isFinite(reset) && reset > 0 ? Math.ceil(reset) * 1000 : undefined;
}

/** Codes saying the account is not ready yet (being validated, being set up): the same request succeeds later. */
const ACCOUNT_NOT_READY = new Set(['account_under_validation', 'account_in_process']);

/** What to fix for a record Brevo refused as invalid, by its kind. */
function advice(request: RequestDescriptor, code: string | undefined): string {
  if (isContact(request)) {
    if (code === 'duplicate_parameter') return 'another Brevo contact already has this email, SMS number or ext_id, and one contact cannot take the identifiers of two: merge the contacts in Brevo, or check which userId the site sends with this email';
    if (code === 'document_not_found') return 'a list of config.list_ids does not exist in the account (Contacts > Lists)';
    return 'check the contact\'s attributes: each must exist in the account with a matching type (Contacts > Settings > Contact attributes; config.attributes and the blueprint\'s attributes rows), the SMS number must be a valid mobile number, and config.list_ids must be lists of the account';
  }
  return 'check the event\'s name, identifiers (the userId as ext_id, the email as email_id) and properties (the blueprint\'s event_name, ext_id, email and event_properties rows)';
}

/** The body of a contact's list creation (contact.ts) a request sent, or undefined for any other request. */
function listCreationOf(request: RequestDescriptor): JsonObject | undefined {
  const body = request.body;
  // A string or bytes body is none of this plugin's contacts (it sends JSON objects).
  if (!isContact(request) || typeof body === 'string' || body instanceof Uint8Array || !isJsonObject(body)) return undefined;
  return isListCreation(body) ? body : undefined;
}

/**
 * Brevo's answers to a delivery request (one record a request):
 * - 2xx: delivered when it is Brevo's answer; a web page or other text (a proxy's) retried;
 * - 400 duplicate_parameter to a contact's list creation (Brevo has the contact): `next`, the
 *   update of the contact without the lists (`updateEnabled: true`, no `listIds`);
 * - 429: retried after Retry-After or x-sib-ratelimit-reset, as a rate limit;
 * - 401, and 403 other than account_under_validation: dead-lettered saying which field to check;
 * - 425 Too Early, and account_under_validation or account_in_process in any 4xx: retried (Brevo
 *   is validating or setting up the account; the same request succeeds after);
 * - 400 and 404: dead-lettered with Brevo's code and message and what to fix;
 * - other 4xx: dead-lettered with Brevo's words; 408, 5xx: retried (defaultClassify).
 *
 * @example
 * classifyBrevo({ status: 401, headers: {}, body: '…', json: { code: 'unauthorized', message: 'Key not found' } }, request, ctx);
 * // { status: 'dead_letter', reason: 'Brevo refused the API key (HTTP 401: unauthorized: Key not found): check config.api_key …' }
 */
export function classifyBrevo(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): ClassifyResult {
  const status = response.status;
  const code = codeOf(response);
  const creation = status === 400 && code === 'duplicate_parameter' ? listCreationOf(request) : undefined;
  if (creation !== undefined) {
    // Brevo has the contact: its attributes are updated, its lists left as they are.
    return { next: [{ method: 'POST', url: request.url, headers: headersOf(ctx), body: updateOf(creation), eventIds: request.eventIds, endpoint: 'contacts' }] };
  }
  if (status >= 200 && status < 300) {
    if (isBrevoSuccess(response)) return { status: 'delivered' };
    return { status: 'retry', reason: `the answer (HTTP ${status}: ${excerpt(response.body)}) is not Brevo's (a proxy or firewall in between?): sent again` };
  }
  if (status === 429) {
    const retryAfterMs = waitOf(response, ctx.now);
    const limit = responseHeader(response.headers, 'x-sib-ratelimit-limit');
    const reason = `Brevo rate-limited the account (${answered(response)})${limit ? `: ${limit} requests a window for this endpoint` : ''}`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  // Brevo's code list has these without their status: read from the code whatever the 4xx.
  // 425 Too Early: Brevo's SDK declares it for POST /v3/contacts, with the contact error codes
  // (account_in_process among them); "too early" is retried whatever its code.
  if (status === 425 || (status >= 400 && status < 500 && code !== undefined && ACCOUNT_NOT_READY.has(code))) {
    return { status: 'retry', reason: `Brevo is not ready for the account yet, still validating or setting it up (${answered(response)}): sent again later; the events wait in dead letters, to replay, if it takes longer than the retries` };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `Brevo refused the API key (${answered(response)}): ${CREDENTIALS}` };
  const what = isContact(request) ? 'contact' : 'event';
  if (status === 400 || status === 404) return { status: 'dead_letter', reason: `Brevo refused the ${what} (${answered(response)}): ${advice(request, code)}` };
  if (status >= 400 && status < 500 && status !== 408) return { status: 'dead_letter', reason: `Brevo refused the ${what} (${answered(response)})` };
  const classified = defaultClassify(response);
  const reason = `Brevo ${answered(response)}`;
  return 'reason' in classified ? { ...classified, reason } : classified;
}
