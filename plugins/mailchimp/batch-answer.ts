// The answer of Mailchimp's batch subscribe/update (POST /lists/{list_id}), read per member:
// it answers 200 when some members were refused, listing them in `errors` — each with the
// `email_address`, the `error` in words, an `error_code` (ERROR_CONTACT_EXISTS,
// ERROR_GENERIC) and, for a merge field, the `field` and a `field_message` — besides
// `new_members`, `updated_members` and the totals.
import { trimmedText } from '../../core/sdk/index.ts';
import type { Classification, EventOutcome, JsonValue, RequestDescriptor } from '../../core/sdk/index.ts';

/** One refused member of a batch answer. */
export interface BatchError {
  email_address?: unknown;
  error?: unknown;
  error_code?: unknown;
  field?: unknown;
  field_message?: unknown;
}

/** The part of a batch answer the plugin reads. */
export interface BatchAnswer {
  errors?: unknown;
  error_count?: unknown;
}

function text(value: unknown): string | undefined {
  return trimmedText(value)?.replace(/\s+/g, ' ');
}

/**
 * Why Mailchimp refused one member, in its words: `error (error_code)`, and the merge field at
 * issue with its message when it names one.
 *
 * @example
 * refusalOf({ email_address: 'x@example.com', error: 'x@example.com looks fake or invalid, please enter a real email address.', error_code: 'ERROR_GENERIC' });
 * // 'Mailchimp did not add or update the member: x@example.com looks fake or invalid, please enter a real email address. (ERROR_GENERIC)'
 */
export function refusalOf(error: BatchError): string {
  const words = text(error.error) ?? 'no reason given';
  const code = text(error.error_code);
  const field = text(error.field);
  const fieldMessage = text(error.field_message);
  const where = field ? `; merge field ${field}${fieldMessage ? `: ${fieldMessage}` : ''}` : '';
  return `Mailchimp did not add or update the member: ${words}${code ? ` (${code})` : ''}${where}`;
}

/** The email of each member of a batch request's body, lower-cased, in order. */
function requestEmails(request: RequestDescriptor): string[] {
  const body = request.body;
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body) || body instanceof Uint8Array) return [];
  const members: JsonValue | undefined = body.members;
  if (!Array.isArray(members)) return [];
  return members.map((member) => (member !== null && typeof member === 'object' && !Array.isArray(member) && typeof member.email_address === 'string' ? member.email_address.trim().toLowerCase() : ''));
}

/**
 * The outcomes of a 2xx batch answer: each member named in `errors` dead-lettered with
 * Mailchimp's reason (matched by email: a request holds each email once), the others
 * delivered. A refusal naming no member of the request (no email, or another one) leaves the
 * request's unnamed members in doubt: one is dead-lettered with that reason, several are split
 * to find it (a batch upsert is safe to repeat).
 *
 * @example
 * batchOutcomes({ errors: [{ email_address: 'b@example.com', error: 'b@example.com is already a list member.', error_code: 'ERROR_CONTACT_EXISTS' }] }, request);
 * // { perEvent: { 'msg-b': { status: 'dead_letter', reason: 'Mailchimp did not add or update the member: … (ERROR_CONTACT_EXISTS)' } } }
 */
export function batchOutcomes(answer: BatchAnswer, request: RequestDescriptor): Classification {
  const errors = Array.isArray(answer.errors) ? (answer.errors as unknown[]).filter((e): e is BatchError => e !== null && typeof e === 'object') : [];
  if (errors.length === 0) return { status: 'delivered' };
  const emails = requestEmails(request);
  const perEvent: Record<string, EventOutcome> = {};
  const unnamed: BatchError[] = [];
  for (const error of errors) {
    const email = typeof error.email_address === 'string' ? error.email_address.trim().toLowerCase() : '';
    const index = email === '' ? -1 : emails.indexOf(email);
    const id = index >= 0 ? request.eventIds[index] : undefined;
    if (id === undefined) unnamed.push(error);
    else perEvent[id] = { status: 'dead_letter', reason: refusalOf(error) };
  }
  if (unnamed.length > 0) {
    const rest = request.eventIds.filter((id) => perEvent[id] === undefined);
    if (rest.length > 1) return { status: 'split', reason: `${refusalOf(unnamed[0]!)}, naming no member of the request: sending it in halves to find the member` };
    if (rest.length === 1) perEvent[rest[0]!] = { status: 'dead_letter', reason: refusalOf(unnamed[0]!) };
  }
  return { perEvent };
}
