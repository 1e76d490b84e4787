// A batch subscribe/update refused as a whole (HTTP 400 Invalid Resource) because of some
// members' values: Mailchimp's problem document names each in `errors[].field` by its index in
// the request, `members.item:<index>.<field>` (e.g. `{"field": "members.item:0.status",
// "message": "Data presented is not one of the enum values"}`, an answer quoted in
// brandonseydel/MailChimp.Net#567). Those members are dead-lettered with Mailchimp's words and
// the others, refused only for being in the same request, sent again without them — instead of
// halving a batch of 500 down to single members to find them.
import { trimmedText } from '../../core/sdk/index.ts';
import type { Classification, EventOutcome, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';

/** A member named in a problem document's field: `members.item:3.merge_fields.FNAME`. */
const MEMBER_FIELD = /^members\.item:(\d+)(?:\.(.+))?$/;
/** How much of Mailchimp's message a reason quotes. */
const MESSAGE_CHARS = 300;

/**
 * The per-member outcomes of a whole batch refused for the members its `errors` name by index,
 * or undefined when it names none of the request's members (the caller then splits the batch).
 *
 * @example
 * memberRefusals({ status: 400, json: { title: 'Invalid Resource', errors: [{ field: 'members.item:1.status', message: 'Data presented is not one of the enum values' }] }, … }, requestOfAAndB);
 * // { perEvent: { a: { status: 'resend', reason: '…sent again without it' }, b: { status: 'dead_letter', reason: 'Mailchimp refused the member (HTTP 400: Invalid Resource; status: Data presented is not one of the enum values)' } } }
 */
export function memberRefusals(response: VendorResponse, request: RequestDescriptor): Classification | undefined {
  const json = response.json;
  const problem = json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as { title?: unknown; errors?: unknown }) : {};
  if (!Array.isArray(problem.errors)) return undefined;
  const title = typeof problem.title === 'string' && problem.title.trim() !== '' ? `: ${problem.title.trim()}` : '';
  const named = new Map<string, string[]>();
  for (const error of problem.errors as unknown[]) {
    const { field, message } = (error ?? {}) as { field?: unknown; message?: unknown };
    const match = typeof field === 'string' ? MEMBER_FIELD.exec(field) : null;
    const id = match ? request.eventIds[Number(match[1])] : undefined;
    if (match === null || id === undefined) continue;
    const words = trimmedText(message)?.replace(/\s+/g, ' ').slice(0, MESSAGE_CHARS) ?? 'refused';
    named.set(id, [...(named.get(id) ?? []), `${match[2] ?? 'member'}: ${words}`]);
  }
  if (named.size === 0) return undefined;
  const perEvent: Record<string, EventOutcome> = {};
  for (const id of request.eventIds) {
    const problems = named.get(id);
    perEvent[id] = problems
      ? { status: 'dead_letter', reason: `Mailchimp refused the member (HTTP ${response.status}${title}; ${problems.join('; ')})` }
      : { status: 'resend', reason: `Mailchimp refused the whole batch for another member's value (HTTP ${response.status}${title}): sent again without it` };
  }
  return { perEvent };
}
