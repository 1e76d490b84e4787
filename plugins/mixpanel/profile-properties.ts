// Mixpanel's reserved profile properties, normalised as Mixpanel uses them (Reserved
// Properties): $email in clear for cohort syncs to email tools, $phone with its `+` and country
// code (without the `+`, Mixpanel prefixes the profile's country code, so a number that already
// carries one would get two), $created as an ISO date-time in UTC. Done in the plugin, not the
// blueprint, so whatever an edited blueprint maps into a profile update is normalised.
import { isStrictEmailAddress, normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

const HEX64 = /^[0-9a-f]{64}$/i;

export interface ProfileOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/**
 * An email address as Mixpanel should keep it: trimmed and lower-cased; undefined when the
 * value is not one address. A SHA-256 digest (64 hex characters) is passed on unchanged.
 *
 * @example
 * normalizeEmail(' Jane.Doe@Example.com '); // 'jane.doe@example.com'
 * normalizeEmail('Jane Doe');                // undefined
 */
export function normalizeEmail(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  if (HEX64.test(text)) return text;
  const email = text.normalize('NFC').toLowerCase();
  return isStrictEmailAddress(email) ? email : undefined;
}

/**
 * A phone number in E.164 (`+` and digits), by the plugin SDK's normalizePhoneNumber (the
 * default country's numbering plan). A number written without `+` or `00` and no
 * `defaultCountryCode` is undefined, since Mixpanel would prefix the profile's country code to
 * it. A SHA-256 digest passes unchanged.
 *
 * @example
 * normalizePhone('+44 (0)7700 900123');                       // '+447700900123'
 * normalizePhone('07700 900123', { defaultCountryCode: '44' }); // '+447700900123'
 * normalizePhone('07700 900123');                             // undefined
 */
export function normalizePhone(value: JsonValue | undefined, { defaultCountryCode }: ProfileOptions = {}): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  if (HEX64.test(text)) return text;
  return normalizePhoneNumber(text, { defaultCountryCode });
}

/**
 * A date as Mixpanel reads date properties: `YYYY-MM-DDTHH:MM:SS` in UTC, from an ISO 8601
 * text or epoch seconds or milliseconds. Anything else is returned as it is.
 *
 * @example
 * normalizeDate('2024-03-24T17:00:00+01:00'); // '2024-03-24T16:00:00'
 * normalizeDate(1711296000);                  // '2024-03-24T16:00:00'
 */
export function normalizeDate(value: JsonValue): JsonValue {
  let ms: number;
  if (typeof value === 'number' && Number.isFinite(value)) ms = Math.abs(value) >= 1e11 ? value : value * 1000;
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) ms = Date.parse(value.trim());
  else return value;
  if (!Number.isFinite(ms)) return value;
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? value : date.toISOString().slice(0, 19);
}

/** A reserved contact property the plugin could not use, and why (without its value: it is personal data). */
export interface LeftOut {
  key: string;
  reason: string;
}

/** Why a phone number cannot be used in E.164. */
function phoneProblem(value: JsonValue, options: ProfileOptions): string {
  const text = String(value).trim();
  if (/[^\d\s().+-]/.test(text.replace(/\s*(?:ext\.?|extension|x|#)\s*\d+$/i, ''))) return 'is not a phone number';
  if (!/^(\+|00)/.test(text) && !options.defaultCountryCode) return 'has no country code (written without + or 00) and config.default_country_code is not set';
  return 'is not a phone number in E.164 (7 to 15 digits with the country code)';
}

/**
 * A profile operation's properties (`$set`, `$set_once`) with Mixpanel's reserved contact
 * properties normalised: `$email` lower-cased, `$phone` in E.164, `$created` as an ISO UTC
 * date-time. A value that is no email address or a phone number without a country code is
 * left out, and named in `leftOut` with why, rather than kept in a form Mixpanel cannot use;
 * blank text is no value (left out, not named).
 *
 * @example
 * normalizeProfileProperties({ $email: ' A@X.com ', $phone: '0770', plan: 'pro' });
 * // { properties: { $email: 'a@x.com', plan: 'pro' }, leftOut: [{ key: '$phone', reason: 'has no country code …' }] }
 */
export function normalizeProfileProperties(input: JsonObject, options: ProfileOptions = {}): { properties: JsonObject; leftOut: LeftOut[] } {
  const properties: JsonObject = {};
  const leftOut: LeftOut[] = [];
  for (const [key, value] of Object.entries(input)) {
    if ((key === '$email' || key === '$phone') && typeof value === 'string' && value.trim() === '') continue;
    if (key === '$email' && value !== null) {
      const email = normalizeEmail(value);
      if (email === undefined) leftOut.push({ key, reason: 'is not one email address' });
      else properties[key] = email;
    } else if (key === '$phone' && value !== null) {
      const phone = normalizePhone(value, options);
      if (phone === undefined) leftOut.push({ key, reason: phoneProblem(value, options) });
      else properties[key] = phone;
    } else if (key === '$created' && value !== null) {
      properties[key] = normalizeDate(value);
    } else {
      properties[key] = value;
    }
  }
  return { properties, leftOut };
}
