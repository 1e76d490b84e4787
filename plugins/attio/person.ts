// An identify as the values of Attio's Assert a person record, PUT /v2/objects/people/records
// with `matching_attribute=email_addresses`: Attio updates the person holding the email, or
// creates one. The values: `email_addresses` (the email, which the match needs), `name` (Attio's
// object syntax, where "all three properties must be set": first_name, last_name, full_name —
// asserted when the identify gives both first and last names; a partial name is merged with the
// one Attio holds and written by the PATCH after the assert, so a part not given is not wiped),
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

/** The parts of a person's name an identify gives (each absent when not given). */
export interface NameParts {
  first_name?: string;
  last_name?: string;
  full_name?: string;
}

/**
 * The parts of the person's name the identify gives, or undefined when it names nobody.
 *
 * @example
 * nameParts({ firstName: 'Jane', name: 'Jane Doe' }); // { first_name: 'Jane', full_name: 'Jane Doe' }
 */
export function nameParts(payload: JsonObject): NameParts | undefined {
  const first = textOf(payload.firstName);
  const last = textOf(payload.lastName);
  const full = textOf(payload.name);
  if (first === undefined && last === undefined && full === undefined) return undefined;
  return { ...(first === undefined ? {} : { first_name: first }), ...(last === undefined ? {} : { last_name: last }), ...(full === undefined ? {} : { full_name: full }) };
}

/**
 * The person's name in Attio's object syntax when the identify gives both first and last names
 * (the full name as given, else joined from them), or undefined when it gives less: Attio's name
 * is one value, replaced whole, so a partial name is merged with the one Attio holds instead
 * (mergedName, after the assert).
 *
 * @example
 * nameValue({ firstName: 'Jane', lastName: 'Doe' }); // { first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe' }
 * nameValue({ firstName: 'Jane' });                  // undefined
 */
export function nameValue(payload: JsonObject): JsonObject | undefined {
  const parts = nameParts(payload);
  if (parts?.first_name === undefined || parts.last_name === undefined) return undefined;
  return { first_name: parts.first_name, last_name: parts.last_name, full_name: parts.full_name ?? `${parts.first_name} ${parts.last_name}` };
}

/** A full name compared as people read it: case and runs of white space aside. */
const sameFullName = (a: string, b: string): boolean => a.replace(/\s+/g, ' ').toLowerCase() === b.replace(/\s+/g, ' ').toLowerCase();

/**
 * A partial name (some of first, last and full) merged with the name Attio holds, in Attio's
 * object syntax, or undefined when Attio holds it already. A part not given is kept as Attio
 * holds it, and the full name not given is joined from the merged parts; a full name given
 * alone is the person's whole name: the parts Attio holds are kept when it is the full name
 * Attio holds, and cleared when it differs (they belonged to the former name).
 *
 * @example
 * mergedName({ first_name: 'Janet' }, { first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe' }); // { first_name: 'Janet', last_name: 'Doe', full_name: 'Janet Doe' }
 * mergedName({ full_name: 'jane doe' }, { first_name: 'Jane', last_name: 'Doe', full_name: 'Jane Doe' }); // undefined
 */
export function mergedName(given: NameParts, held: NameParts): JsonObject | undefined {
  const heldName = { first_name: held.first_name ?? '', last_name: held.last_name ?? '', full_name: held.full_name ?? '' };
  let merged: { first_name: string; last_name: string; full_name: string };
  if (given.first_name === undefined && given.last_name === undefined && given.full_name !== undefined) {
    merged = sameFullName(given.full_name, heldName.full_name) ? heldName : { first_name: '', last_name: '', full_name: given.full_name };
  } else {
    const first = given.first_name ?? heldName.first_name;
    const last = given.last_name ?? heldName.last_name;
    merged = { first_name: first, last_name: last, full_name: given.full_name ?? [first, last].filter((part) => part !== '').join(' ') };
  }
  const unchanged = merged.first_name === heldName.first_name && merged.last_name === heldName.last_name && merged.full_name === heldName.full_name;
  return unchanged ? undefined : { ...merged };
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
 * // { email_addresses: ['jane@example.com'], app_user_id: 'u-1', plan_tier: 'pro' } (the partial name goes after the assert)
 */
export function personValues(payload: JsonObject, ctx: PluginContext): JsonObject | null {
  const email = mappedEmail(payload.email, 'Attio', { strict: true });
  if (email === undefined) {
    ctx.warn?.('not sent to Attio: the identify carries no email (traits.email, or one Signal remembers), and Attio matches people by their email address');
    return null;
  }
  const values: JsonObject = { email_addresses: [email] };
  // A name of both parts is asserted; a partial one is merged after the assert (nameParts, in fitRecord).
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
