// The email addresses a person deletion can name a person by at a vendor that keeps people by
// email (SendGrid, Mailchimp, Brevo, Attentive, Zendesk …): the userId when it is one, and the
// emails Signal found for the person (`NamedPerson.emails`). Each plugin passes its own email
// check: vendors differ in what they take for an address.
import type { NamedPerson } from './types.ts';
import { usableId } from './placeholder-ids.ts';

/**
 * The emails a deletion can name the person by: the userId when it is an email address, then
 * those Signal found for the person (at most 20, the core's bound), each trimmed, once (compared
 * without case: vendors compare addresses so), and each one `isEmail` accepts. Empty when none.
 *
 * @example
 * deletionEmails({ userId: 'Jane@Example.com', anonymousId: null, emails: ['jane@example.com', 'j@work.example', 'j@'] }, isEmail);
 * // ['Jane@Example.com', 'j@work.example']
 */
export function deletionEmails(person: NamedPerson, isEmail: (value: string) => boolean): string[] {
  const candidates = [...(usableId(person.userId) ? [String(person.userId)] : []), ...(person.emails ?? [])];
  const seen = new Set<string>();
  const emails: string[] = [];
  for (const candidate of candidates) {
    const email = candidate.trim();
    if (!isEmail(email) || seen.has(email.toLowerCase())) continue;
    seen.add(email.toLowerCase());
    emails.push(email);
  }
  return emails;
}
