// A user attributes object as Braze's /users/track documents it (User attributes object):
// its profile fields in the formats Braze reads — email trimmed and lower-cased, phone in E.164,
// dob as YYYY-MM-DD, gender as one of its letters, the subscription states it names — and
// custom attributes as given, nested ones (objects, arrays) cleaned so that Braze takes them.
// Done in the plugin, so whatever a blueprint maps into `attributes` is normalised, and nothing
// in it can choose the profile it updates or the subscription groups it belongs to.
import { isJsonObject, isStrictEmailAddress, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export interface AttributeOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/**
 * Keys that identify or route the profile (`external_id`, `user_alias`, `braze_id`, the alias'
 * parts, the update modes, push token imports): set by the plugin from the event's ids, never
 * from what the site sent, so a browser cannot write into another person's profile.
 */
export const IDENTITY_KEYS: ReadonlySet<string> = new Set([
  'external_id', 'user_alias', 'braze_id', 'alias_name', 'alias_label', '_update_existing_only', '_merge_objects', 'push_token_import', 'push_tokens', 'app_id',
]);

/**
 * Keys a browser must not set, left out as the identity keys are: `subscription_groups`
 * subscribes or unsubscribes the person to email, SMS and WhatsApp subscription groups — an
 * opt-in a page cannot vouch for — and Braze applies it to every profile sharing the email
 * address too (Track users: Set subscription groups). A site changes them through Braze's
 * subscription group endpoints or its preference center.
 */
export const BLOCKED_KEYS: ReadonlySet<string> = new Set(['subscription_groups']);

/**
 * Custom attribute operations that add to what the profile holds, so that applied twice (a
 * request retried after a timeout or a 5xx, when Braze may have processed it) they count
 * twice: `{"inc": n}` on a number, `{"$add": [...]}` on an array of objects.
 */
const ADDING_OPERATIONS = ['inc', '$add'] as const;

/** Braze: nested custom attribute key names and string values are at most 255 characters. */
const MAX_NESTED_CHARS = 255;
/** A date as the `$time` of a nested custom attribute takes it: ISO 8601, a date or a date-time. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

const HEX64 = /^[0-9a-f]{64}$/i;
const SUBSCRIPTION_STATES = new Set(['opted_in', 'subscribed', 'unsubscribed']);
/** Braze's genders: M, F, O (other), N (not applicable), P (prefer not to say); common spellings read as them. */
const GENDERS: Record<string, string> = {
  m: 'M', male: 'M', man: 'M',
  f: 'F', female: 'F', woman: 'F', w: 'F',
  o: 'O', other: 'O', 'non-binary': 'O', nonbinary: 'O', 'non binary': 'O',
  n: 'N', 'not applicable': 'N', 'n/a': 'N',
  p: 'P', 'prefer not to say': 'P',
};

/** A profile field the plugin could not use, and why (without its value: it is personal data). */
export interface LeftOut {
  key: string;
  reason: string;
}

/**
 * An email address as Braze should keep it: trimmed and lower-cased; undefined when the value
 * is not one address.
 *
 * @example
 * normalizeEmail(' Jane.Doe@Example.com '); // 'jane.doe@example.com'
 * normalizeEmail('Jane Doe');                // undefined
 */
export function normalizeEmail(value: JsonValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().normalize('NFC').toLowerCase();
  return isStrictEmailAddress(email) ? email : undefined;
}

/**
 * A date of birth as Braze's `dob` takes it, `YYYY-MM-DD`: from a date or an ISO 8601
 * date-time (its calendar date as written); undefined for anything else or an impossible date.
 *
 * @example
 * normalizeDob('1988-02-14T00:00:00Z'); // '1988-02-14'
 * normalizeDob('14/02/1988');           // undefined
 */
export function normalizeDob(value: JsonValue): string | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/.exec(value.trim());
  if (!match) return undefined;
  const [, year, month, day] = match as unknown as [string, string, string, string];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  return date.getUTCMonth() === Number(month) - 1 && date.getUTCDate() === Number(day) ? `${year}-${month}-${day}` : undefined;
}

/**
 * Braze's gender letter for a value (`male` → `M`, `Prefer not to say` → `P`); undefined for
 * a value Braze would not take.
 *
 * @example
 * normalizeGender(' Female '); // 'F'
 */
export function normalizeGender(value: JsonValue): string | undefined {
  return typeof value === 'string' ? GENDERS[value.trim().toLowerCase()] : undefined;
}

/** Whether a custom attribute value is an operation Braze would apply once more on a retry. */
function addingOperation(value: JsonValue): string | undefined {
  return isJsonObject(value) ? ADDING_OPERATIONS.find((operation) => Object.hasOwn(value, operation)) : undefined;
}

/** A nested value as Braze takes it, or where it is not and why; `undefined` when nothing is left of it. */
type Nested = { value: JsonValue | undefined } | { at: string; reason: string };

/**
 * A custom attribute's object or array as Braze's nested custom attributes take it. Braze drops
 * every nested custom attribute update of a request when one holds a null or an unreadable
 * time (Track users: invalid nested custom attributes) — the updates of the other events in it
 * too — so nulls inside are left out (the object sent replaces the stored one: a key left out
 * is gone as a null would have it), and an object or array left empty goes too. What cannot be
 * left out without changing the value — a `$time` that is no ISO 8601 date, a key with a space
 * or a period or over 255 characters, a string over 255 characters — is named with why.
 */
function cleanNested(value: JsonValue, at: string): Nested {
  if (value === null) return { value: undefined };
  if (typeof value === 'string') return value.length > MAX_NESTED_CHARS ? { at, reason: `has ${value.length} characters; Braze takes nested string values of at most 255` } : { value };
  if (Array.isArray(value)) {
    const kept: JsonValue[] = [];
    for (const [index, item] of value.entries()) {
      const cleaned = cleanNested(item, `${at}[${index}]`);
      if ('reason' in cleaned) return cleaned;
      if (cleaned.value !== undefined) kept.push(cleaned.value);
    }
    return { value: kept.length === 0 && value.length > 0 ? undefined : kept };
  }
  if (typeof value !== 'object') return { value };
  if (Object.hasOwn(value, '$time')) {
    const time = value.$time;
    if (time === null || time === undefined) return { value: undefined };
    return typeof time === 'string' && ISO_DATE.test(time.trim()) && Number.isFinite(Date.parse(time.trim().replace(' ', 'T')))
      ? { value }
      : { at, reason: `is a $time Braze cannot read (${JSON.stringify(time)}): give an ISO 8601 date (1980-01-01) or date-time` };
  }
  const kept: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const path = `${at}.${key}`;
    // `$`-keys are Braze's operators ($add, $remove, $update, $identifier_key, …): Braze reads them.
    if (!key.startsWith('$')) {
      if (/[\s.]/.test(key) || key === '') return { at: path, reason: 'is a key Braze does not take in a nested custom attribute (no spaces or periods)' };
      if (key.length > MAX_NESTED_CHARS) return { at: path, reason: `is a key of ${key.length} characters; Braze takes at most 255` };
    }
    const cleaned = cleanNested(item, path);
    if ('reason' in cleaned) return cleaned;
    if (cleaned.value !== undefined) kept[key] = cleaned.value;
  }
  return { value: Object.keys(kept).length === 0 && Object.keys(value).length > 0 ? undefined : kept };
}

/** One profile field normalised: the value to send (`undefined`: nothing to send), or why it cannot be used (`at`: the nested key it is about). */
function normalizeField(key: string, value: JsonValue, options: AttributeOptions): { value: JsonValue | undefined } | { reason: string; at?: string } {
  // null removes the attribute from the profile, as Braze documents.
  if (value === null) return { value };
  switch (key) {
    case 'email': {
      const email = normalizeEmail(value);
      return email === undefined ? { reason: 'is not one email address' } : { value: email };
    }
    case 'phone': {
      const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
      if (HEX64.test(text)) return { reason: 'is a SHA-256 digest: Braze needs the phone number itself to message it' };
      const phone = text === '' ? undefined : normalizePhoneNumber(text, { defaultCountryCode: options.defaultCountryCode });
      if (phone !== undefined) return { value: phone };
      if (!/^(\+|00)/.test(text) && !options.defaultCountryCode && /^[\d\s().-]+$/.test(text)) return { reason: 'has no country code (written without + or 00) and config.default_country_code is not set' };
      return { reason: 'is not a phone number in E.164 (7 to 15 digits with the country code)' };
    }
    case 'dob': {
      const dob = normalizeDob(value);
      return dob === undefined ? { reason: 'is not a date (YYYY-MM-DD)' } : { value: dob };
    }
    case 'gender': {
      const gender = normalizeGender(value);
      return gender === undefined ? { reason: 'is not one of Braze\'s genders (M, F, O, N, P: male, female, other, not applicable, prefer not to say)' } : { value: gender };
    }
    case 'country':
      // ISO 3166-1 alpha-2; Braze maps other spellings ("Australia") itself.
      return typeof value === 'string' && /^[a-z]{2}$/i.test(value.trim()) ? { value: value.trim().toUpperCase() } : { value };
    case 'email_subscribe':
    case 'push_subscribe':
      return typeof value === 'string' && SUBSCRIPTION_STATES.has(value.trim().toLowerCase())
        ? { value: value.trim().toLowerCase() }
        : { reason: 'is not a subscription state Braze takes (opted_in, subscribed, unsubscribed)' };
    default: {
      const operation = addingOperation(value);
      if (operation !== undefined) return { reason: `is a "${operation}" operation, which would count twice when a request is retried: send the resulting value instead` };
      return typeof value === 'object' ? cleanNested(value, key) : { value };
    }
  }
}

/**
 * What the blueprint mapped to `attributes`, as Braze's user attributes object takes it: the
 * identity keys (see `IDENTITY_KEYS`) and `subscription_groups` (see `BLOCKED_KEYS`) left out,
 * blank text skipped, profile fields normalised, nested custom attributes without nulls (an
 * object or array holding nothing else left out). A field that cannot be used is named in
 * `leftOut` (by its nested key when it is one) with why.
 *
 * @example
 * normalizeAttributes({ email: ' A@X.com ', gender: 'female', external_id: 'someone-else', plan: 'pro', company: { name: 'Acme', size: null } });
 * // { attributes: { email: 'a@x.com', gender: 'F', plan: 'pro', company: { name: 'Acme' } }, leftOut: [] }
 */
export function normalizeAttributes(input: JsonObject, options: AttributeOptions = {}): { attributes: JsonObject; leftOut: LeftOut[] } {
  const attributes: JsonObject = {};
  const leftOut: LeftOut[] = [];
  for (const [key, value] of Object.entries(input)) {
    if (IDENTITY_KEYS.has(key) || BLOCKED_KEYS.has(key) || key === '') continue;
    if (typeof value === 'string' && value.trim() === '') continue;
    const field = normalizeField(key, value, options);
    if ('reason' in field) leftOut.push({ key: field.at ?? key, reason: field.reason });
    else if (field.value !== undefined) attributes[key] = field.value;
  }
  return { attributes, leftOut };
}
