// Who a record names in Brevo: its email (Brevo's EMAIL, and an event's `email_id`), the
// site's userId as the contact's `ext_id` (Brevo's EXT_ID attribute: "Pass your own Id"), and
// a phone number as the SMS attribute, which Brevo takes with its country code only. Taken from
// the blueprint's rows (the person's traits and userId), never from event properties.
import { normalizePhoneNumber, type JsonValue, type MappedUserIdOptions } from '../../core/sdk/index.ts';

/** The longest ext_id the plugin sends (Brevo documents none; a text attribute holds far more). */
export const MAX_EXT_ID_CHARS = 255;

/**
 * The userId as the contact's ext_id, for the SDK's mappedUserId: text, placeholders (`"null"`,
 * `"anonymous"`: many visitors share it, and Brevo would merge them into one contact) left out,
 * at most MAX_EXT_ID_CHARS. The email is the SDK's mappedEmail, naming Brevo.
 */
export const EXT_IDS: MappedUserIdOptions = { maxChars: MAX_EXT_ID_CHARS, limit: `the plugin sends Brevo an ext_id of at most ${MAX_EXT_ID_CHARS}` };

/**
 * A phone number for Brevo's SMS attribute: E.164 (`+33612345678`, Brevo: "Mobile Number in
 * SMS field should be passed with proper country code"), read with the config's default
 * country code when written without one; undefined when it cannot be read.
 *
 * @example
 * smsOf('06 12 34 56 78', '33');     // '+33612345678'
 * smsOf('+44 (0)7700 900123', undefined); // '+447700900123'
 * smsOf('06 12 34 56 78', undefined); // undefined
 */
export function smsOf(value: JsonValue | undefined, defaultCountryCode: string | undefined): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  return normalizePhoneNumber(String(value), { defaultCountryCode });
}
