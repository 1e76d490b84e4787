// An identify as the values of Attio's Assert a person record, PUT /v2/objects/people/records
// with `matching_attribute=email_addresses`: Attio updates the person holding the email, or
// creates one. The values: `email_addresses` (the email, which the match needs), `name` (Attio's
// object syntax, where "all three properties must be set": first_name, last_name, full_name),
// `phone_numbers` (E.164, as `original_phone_number`), `job_title`, the userId in the config's
// user_id_attribute, and the traits the config maps to attributes (person_attributes).
import { mappedEmail, mappedUserId, normalizePhoneNumber, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { mappedAttributes } from './attribute-values.ts';
import { personAttributesOf, userIdAttributeOf } from './config.ts';

/** Longest userId sent (Attio's text attributes document no limit). */
const MAX_USER_ID_CHARS = 1_000;

/** A mapped text field, trimmed, or undefined when absent, blank or not text (a number is taken as text). */
function textOf(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return text === '' ? undefined : text;
}

/**
 * The person's name in Attio's object syntax, or undefined when the identify names nobody:
 * first and last names as given (empty when not), the full name as given or else joined from them.
 *
 * @example
 * nameValue({ firstName: 'Jane', lastName: 'Doe' });  // { first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe' }
 * nameValue({ name: 'Jane Doe' });                    // { first_name: '', last_name: '', full_name: 'Jane Doe' }
 */
export function nameValue(payload: JsonObject): JsonObject | undefined {
  const first = textOf(payload.firstName) ?? '';
  const last = textOf(payload.lastName) ?? '';
  const full = textOf(payload.name) ?? [first, last].filter((part) => part !== '').join(' ');
  if (full === '' && first === '' && last === '') return undefined;
  return { first_name: first, last_name: last, full_name: full };
}

/**
 * The phone number in E.164 as Attio's `phone_numbers` takes it, or undefined (said with
 * ctx.warn when one was given that is no international number).
 *
 * @example
 * phoneValue('+44 7700 900123', ctx); // { original_phone_number: '+447700900123' }
 */
export function phoneValue(value: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  const text = textOf(value);
  if (text === undefined) return undefined;
  const phone = normalizePhoneNumber(text);
  if (phone === undefined) {
    ctx.warn?.('phone left out: it is no international phone number (write it with + and its country code, e.g. +44 7700 900123)');
    return undefined;
  }
  return { original_phone_number: phone };
}

/**
 * The values of an Assert a person record for an identify, or null when it carries no email
 * (Attio matches people by their email address here; an identify without one is not sent, said
 * with ctx.warn). A malformed email is a PermanentError naming the trait.
 *
 * @example
 * personValues({ email: 'jane@example.com', userId: 'u-1', firstName: 'Jane', traits: { plan: 'pro' } }, ctx({ user_id_attribute: 'app_user_id', person_attributes: { plan: 'plan_tier' } }));
 * // { email_addresses: ['jane@example.com'], name: [{ first_name: 'Jane', last_name: '', full_name: 'Jane' }], app_user_id: 'u-1', plan_tier: 'pro' }
 */
export function personValues(payload: JsonObject, ctx: PluginContext): JsonObject | null {
  const email = mappedEmail(payload.email, 'Attio', { strict: true });
  if (email === undefined) {
    ctx.warn?.('not sent to Attio: the identify carries no email (traits.email, or one Signal remembers), and Attio matches people by their email address');
    return null;
  }
  const values: JsonObject = { email_addresses: [email] };
  const name = nameValue(payload);
  if (name) values.name = [name];
  const phone = phoneValue(payload.phone, ctx);
  if (phone) values.phone_numbers = [phone];
  const jobTitle = textOf(payload.jobTitle);
  if (jobTitle !== undefined) values.job_title = jobTitle;
  const userIdSlug = userIdAttributeOf(ctx.config);
  const userId = mappedUserId(payload.userId, { maxChars: MAX_USER_ID_CHARS, limit: `Signal sends Attio a userId of at most ${MAX_USER_ID_CHARS}` });
  if (userIdSlug !== undefined && userId !== undefined) values[userIdSlug] = userId;
  return { ...values, ...mappedAttributes(payload.traits, personAttributesOf(ctx.config), ctx) };
}
