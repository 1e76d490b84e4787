// SendGrid's answers to PUT /v3/marketing/contacts, as its v3 API reference documents them: 202
// `{ job_id }` (the contacts are queued; the import job's report comes later, see
// processing-report.ts), 400 `{ errors: [{ field, message }] }` (validation errors: nothing of
// the request was queued), 401/403 (the key, or its permissions), 404, 500 `{ errors: [{ message }] }`;
// a 429 (any v3 endpoint, "Rate Limits") carries X-RateLimit-Limit, -Remaining and -Reset, the
// last as the epoch second the refresh period ends.
import { excerpt, defaultClassify, parseRetryAfter, responseHeader, type Classification, type EventOutcome, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

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
  const field = typeof error.field === 'string' && error.field.trim() !== '' ? error.field.trim() : undefined;
  const message = typeof error.message === 'string' && error.message.trim() !== '' ? error.message.trim() : 'refused';
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

/** The index of the contact an error's field names (`contacts[3].email` → 3). */
function contactIndexOf(error: SendGridError): number | undefined {
  const match = typeof error.field === 'string' ? /^contacts\[(\d+)\]/.exec(error.field.trim()) : null;
  return match ? Number(match[1]) : undefined;
}

/** What to fix for an error, by the field it names. */
function advice(error: SendGridError): string {
  const field = typeof error.field === 'string' ? error.field : '';
  if (/^list_ids/.test(field)) return 'check config.list_ids (the UUIDs of existing Marketing Campaigns lists)';
  if (/custom_fields/.test(field)) return 'check config.custom_fields (ids of custom fields that exist, e.g. e1_T, taking the trait\'s type of value)';
  if (/\.email$/.test(field)) return 'check the person\'s email (traits.email)';
  if (/\.external_id$/.test(field)) return 'check the userId sent as external_id';
  if (/\.phone_number_id$/.test(field)) return 'check traits.phone, or turn off config.phone_number_id';
  return 'check the contact\'s fields (the blueprint\'s rows and config.custom_fields)';
}

/**
 * Reads SendGrid's answer to a contacts upsert: delivered (202 with a job_id), retried (429 after
 * X-RateLimit-Reset, 408, 5xx, a 2xx that is not SendGrid's), split in halves (413), the contacts a
 * 400 names (`contacts[i]…`) dead-lettered with SendGrid's words and the others sent again (a
 * 400 naming none dead-letters the request's contacts), 401/403 dead-lettered naming config.api_key.
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
    const byContact = new Map<string, SendGridError[]>();
    let allNamed = errors.length > 0;
    for (const error of errors) {
      const index = contactIndexOf(error);
      const id = index === undefined ? undefined : request.eventIds[index];
      if (id === undefined) {
        allNamed = false;
        continue;
      }
      byContact.set(id, [...(byContact.get(id) ?? []), error]);
    }
    if (allNamed && byContact.size > 0) {
      // SendGrid queued nothing of the request: the contacts it named are refused for good, the
      // others were fine and go again.
      const perEvent: Record<string, EventOutcome> = {};
      for (const id of request.eventIds) {
        const own = byContact.get(id);
        perEvent[id] = own
          ? { status: 'dead_letter', reason: `SendGrid refused the contact (HTTP 400: ${excerpt(own.map((e) => errorText(e).replace(/^contacts\[\d+\]\./, '')).join('; '))}): ${advice(own[0]!)}` }
          : { status: 'retry', reason: 'sent again: SendGrid refused the request for other contacts in it, and queued none' };
      }
      return { perEvent };
    }
    // Naming no contact (list_ids, or the request as a whole), the refusal is the request's:
    // every contact in it is dead-lettered, to replay once the cause is fixed.
    return { status: 'dead_letter', reason: `SendGrid refused the contact${request.eventIds.length > 1 ? 's' : ''} (${answered(response)}): ${errors[0] ? advice(errors[0]) : 'check the contact\'s fields'}` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `SendGrid has no Marketing Campaigns contacts API here (${answered(response)}): check config.region and that the account has Marketing Campaigns` };
  const classified = defaultClassify(response);
  const reason = `SendGrid ${answered(response)}`;
  return 'reason' in classified ? { ...classified, reason } : classified;
}
