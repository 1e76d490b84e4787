// SendGrid's answers to PUT /v3/marketing/contacts, as its v3 API reference documents them: 202
// `{ job_id }` (the contacts are queued; the import job's report comes later, see
// processing-report.ts), 400 `{ errors: [{ field, message }] }` (validation errors: nothing of
// the request was queued), 401/403 (the key, or its permissions), 404, 500 `{ errors: [{ message }] }`;
// a 429 (any v3 endpoint, "Rate Limits") carries X-RateLimit-Limit, -Remaining and -Reset, the
// last as the epoch second the refresh period ends.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, trimmedText, type Classification, type EventOutcome, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What to check when SendGrid refuses the key. */
export const CREDENTIALS = 'check config.api_key (a SendGrid API key, SG.…, with Marketing access: Settings > API Keys > Restricted Access > Marketing) and config.region (an EU regional subuser\'s key works on https://api.eu.sendgrid.com only)';

interface SendGridError { field?: unknown; message?: unknown }

/**
 * The `errors` of an answer, those that are objects.
 *
 * @example
 * errorsOf({ status: 400, headers: {}, body: '…', json: { errors: [{ field: 'list_ids', message: 'list not found' }, 'x'] } });
 * // [{ field: 'list_ids', message: 'list not found' }]
 */
export function errorsOf(response: VendorResponse): SendGridError[] {
  const json = response.json as { errors?: unknown } | undefined;
  const errors = json !== null && typeof json === 'object' && Array.isArray(json.errors) ? json.errors : [];
  return errors.filter((e): e is SendGridError => e !== null && typeof e === 'object' && !Array.isArray(e));
}

function errorText(error: SendGridError): string {
  const field = trimmedText(error.field);
  const message = trimmedText(error.message) ?? 'refused';
  return field ? `${field}: ${message}` : message;
}

/**
 * `HTTP 400: contacts[0].email: invalid email` in SendGrid's words (its errors joined), else the
 * body, or `HTTP 400` for an empty answer.
 *
 * @example
 * answered({ status: 400, body: '…', json: { errors: [{ field: 'list_ids', message: 'list not found' }] }, headers: {} }); // 'HTTP 400: list_ids: list not found'
 */
export function answered(response: VendorResponse): string {
  const errors = errorsOf(response);
  const said = excerpt(errors.length > 0 ? errors.map(errorText).join('; ') : (response.body ?? ''));
  return `HTTP ${response.status}${said ? `: ${said}` : ''}`;
}

/**
 * How long SendGrid asks to wait after a 429, in ms: Retry-After, else X-RateLimit-Reset (the
 * epoch second the refresh period ends; at least a second).
 *
 * @example
 * waitOf({ status: 429, headers: { 'x-ratelimit-reset': '1711296030' }, body: '' }, 1711296000_000); // 30000
 */
export function waitOf(response: VendorResponse, now: number): number | undefined {
  const retryAfter = parseRetryAfter(responseHeader(response.headers, 'retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const reset = Number(responseHeader(response.headers, 'x-ratelimit-reset'));
  if (!Number.isFinite(reset) || reset <= 0) return undefined;
  return Math.max(1000, reset * 1000 - now);
}

/**
 * The email a per-contact error names in its message. SendGrid words an address it refuses as
 * `email 'jane@exmaple' is not valid` (Segment's SendGrid Lists destination matches the same
 * words to find the contact), with a `field` that may not be that contact's index.
 */
const NAMED_EMAIL = /email '([^']+)'/i;

/** The request's contacts (its body's `contacts`), as sent. */
function contactsOf(request: RequestDescriptor): unknown[] {
  const body = request.body as { contacts?: unknown } | undefined;
  return body !== null && typeof body === 'object' && Array.isArray(body.contacts) ? body.contacts : [];
}

/**
 * The index of the contact an error names: the one whose email the message quotes (when exactly
 * one contact of the request has it), else the index of its field (`contacts[3].email` → 3).
 */
function contactIndexOf(error: SendGridError, contacts: unknown[]): number | undefined {
  const quoted = typeof error.message === 'string' ? NAMED_EMAIL.exec(error.message)?.[1]?.trim().toLowerCase() : undefined;
  if (quoted) {
    const matching = contacts.flatMap((c, i) => (c !== null && typeof c === 'object' && typeof (c as { email?: unknown }).email === 'string' && (c as { email: string }).email.trim().toLowerCase() === quoted ? [i] : []));
    if (matching.length === 1) return matching[0];
  }
  const match = typeof error.field === 'string' ? /^contacts\[(\d+)\]/.exec(error.field.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

/** An error about the request as a whole, the same for every contact in it: the config's lists. */
function isRequestError(error: SendGridError): boolean {
  return typeof error.field === 'string' && /^list_ids/.test(error.field.trim());
}

/** What to fix for an error, by the field it names. */
function advice(error: SendGridError): string {
  const field = typeof error.field === 'string' ? error.field : '';
  if (/^list_ids/.test(field)) return 'check config.list_ids (the UUIDs of existing Marketing Campaigns lists)';
  if (/custom_fields/.test(field)) return 'check config.custom_fields (ids of custom fields that exist, e.g. e1_T, taking the trait\'s type of value)';
  if (/\.email$/.test(field)) return 'check the person\'s email (traits.email)';
  if (/\.external_id$/.test(field)) return 'check the userId sent as external_id';
  if (/\.phone_number_id$/.test(field)) return 'check traits.phone, or turn off config.phone_number_id';
  if (/\.identifier$/.test(field) || (typeof error.message === 'string' && NAMED_EMAIL.test(error.message))) return 'check the person\'s email (traits.email), userId and phone: the contact\'s identifiers';
  return 'check the contact\'s fields (the blueprint\'s rows and config.custom_fields)';
}

/**
 * Reads SendGrid's answer to a contacts upsert: delivered (202 with a job_id), retried (429 after
 * X-RateLimit-Reset, 408, 5xx, a 2xx that is not SendGrid's), split in halves (413), the contacts a
 * 400 names (by the email its message quotes, else `contacts[i]…`) dead-lettered with SendGrid's
 * words and the others sent again; a 400 whose SendGrid errors name no contact split in halves
 * (several contacts) or dead-lettered (one); a 400 about list_ids, or without SendGrid's errors,
 * dead-letters the request's contacts; 401/403 dead-lettered naming config.api_key.
 *
 * @example
 * classifySendGrid({ status: 202, headers: {}, body: '{"job_id":"2387e363-…"}', json: { job_id: '2387e363-…' } }, request, ctx); // { status: 'delivered' }
 */
export function classifySendGrid(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const status = response.status;
  if (status >= 200 && status < 300) {
    const jobId = (response.json as { job_id?: unknown } | undefined)?.job_id;
    if (typeof jobId === 'string' && jobId !== '') return { status: 'delivered' };
    // SendGrid answers an accepted upsert 202 { job_id }; anything else (a web page, an empty
    // body) is a proxy's or a wrong route's, and says nothing of the contacts.
    return { status: 'retry', reason: `HTTP ${status} without SendGrid's job_id (a proxy or firewall in between?): ${excerpt(response.body ?? '') || 'empty answer'}` };
  }
  if (status === 429) {
    const retryAfterMs = waitOf(response, ctx.now);
    const reason = `SendGrid's rate limit (${answered(response)})`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `SendGrid refused the API key (${answered(response)}): ${CREDENTIALS}` };
  if (status === 413) return { status: 'split', reason: `SendGrid refused the request's size (${answered(response)})` };
  if (status === 400) {
    const errors = errorsOf(response);
    const contacts = contactsOf(request);
    const byContact = new Map<string, SendGridError[]>();
    const unnamed: SendGridError[] = [];
    for (const error of errors) {
      const index = contactIndexOf(error, contacts);
      const id = index === undefined ? undefined : request.eventIds[index];
      if (id === undefined) unnamed.push(error);
      else byContact.set(id, [...(byContact.get(id) ?? []), error]);
    }
    if (unnamed.length === 0 && byContact.size > 0) {
      // SendGrid queued nothing of the request: the contacts it named are refused for good, the
      // others were fine and go again.
      const perEvent: Record<string, EventOutcome> = {};
      for (const id of request.eventIds) {
        const own = byContact.get(id);
        perEvent[id] = own
          ? { status: 'dead_letter', reason: `SendGrid refused the contact (HTTP 400: ${excerpt(own.map((e) => errorText(e).replace(/^contacts\[\d+\]\./, '')).join('; '))}): ${advice(own[0]!)}` }
          : { status: 'resend', reason: 'sent again: SendGrid refused the request for other contacts in it, and queued none' };
      }
      return { perEvent };
    }
    // SendGrid's own validation errors, none about the request as a whole (list_ids), naming no
    // contact it can be matched to: the refused contact is among several, and SendGrid queued none
    // of them (a 400 is "validation errors"), so halves are sent to find it rather than losing the
    // others. An answer without SendGrid's errors (a proxy's), or one about list_ids, is the
    // request's: every contact in it is dead-lettered, to replay once the cause is fixed.
    if (request.eventIds.length > 1 && unnamed.length > 0 && !unnamed.some(isRequestError)) {
      return { status: 'split', reason: `SendGrid refused the request without naming the contact (${answered(response)}): sent again in halves to find it` };
    }
    const first = unnamed[0] ?? errors[0];
    return { status: 'dead_letter', reason: `SendGrid refused the contact${request.eventIds.length > 1 ? 's' : ''} (${answered(response)}): ${first ? advice(first) : 'check the contact\'s fields'}` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `SendGrid has no Marketing Campaigns contacts API here (${answered(response)}): check config.region and that the account has Marketing Campaigns` };
  const classified = defaultClassify(response);
  const reason = `SendGrid ${answered(response)}`;
  return 'reason' in classified ? { ...classified, reason } : classified;
}
