// Who a record names in ActiveCampaign: a contact is keyed by its email ("The Contact record to
// be updated is identified by the email you provide", Sync a contact's data), and an event
// names its contact by email too (`visit` = {"email": …}, Track event). The email comes from
// the person's traits (traits.email, else context.traits.email — what Signal remembers from
// their identify), else from the userId when the userId is itself an email address; never from
// event properties, so a site's event cannot choose whose contact it lands on.
import { isSendableEmail, mappedEmail, usableId, type JsonValue, type SendableEmailOptions } from '../../core/sdk/index.ts';

/** ActiveCampaign keys contacts by the address: a list of addresses or a bracketed name is none (the SDK's strict check). */
const EMAIL_CHECK: SendableEmailOptions = { strict: true };

/**
 * Whether a value is an email address as far as the plugin checks one: the SDK's strict check.
 *
 * @example
 * isEmail(' jane@example.com '); // true
 * isEmail('user-123');           // false
 */
export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && isSendableEmail(value, EMAIL_CHECK);
}

/**
 * The email a record names its contact by: the mapped email (trimmed) when there is one, else
 * the userId when it is an email address; undefined when neither gives one. A mapped email that
 * is no address is a PermanentError (ActiveCampaign would refuse the contact for good), saying
 * where it came from.
 *
 * @example
 * contactEmailOf(' Jane@Example.com ', 'u-1'); // 'Jane@Example.com'
 * contactEmailOf(undefined, 'jane@example.com'); // 'jane@example.com'
 * contactEmailOf(undefined, 'u-1');              // undefined
 * contactEmailOf('jane@', 'u-1');                // throws PermanentError('the email "jane@" (traits.email, …) is not an email address …')
 */
export function contactEmailOf(email: JsonValue | undefined, userId: JsonValue | undefined): string | undefined {
  const mapped = mappedEmail(email, 'ActiveCampaign', EMAIL_CHECK);
  if (mapped !== undefined) return mapped;
  return usableId(userId) && isEmail(String(userId)) ? String(userId).trim() : undefined;
}
