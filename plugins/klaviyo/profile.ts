// A Klaviyo profile's attributes as its API documents them (Create or Update Profile; the
// profile object of Create Event and Bulk Create Events): the identifiers — email,
// phone_number in E.164, external_id, and on events anonymous_id — the standard fields, a
// location and custom properties. Done in the plugin, so whatever a blueprint maps into
// `profile` reaches Klaviyo in the form it reads, and a value it cannot read is named.
import { isJsonObject, isStrictEmailAddress, normalizePhoneNumber, usableId, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** The identifiers an event's or a profile import's profile may carry. */
export const IDENTIFIERS = ['email', 'phone_number', 'external_id', 'anonymous_id'] as const;
/** Standard profile fields, text (Create or Update Profile). */
const TEXT_FIELDS: ReadonlySet<string> = new Set(['first_name', 'last_name', 'organization', 'title', 'image', 'locale']);
/** The fields of `location` (latitude and longitude as a number or text; the rest text). */
const LOCATION_FIELDS: ReadonlySet<string> = new Set(['address1', 'address2', 'city', 'country', 'region', 'zip', 'timezone', 'ip', 'latitude', 'longitude']);
const HEX64 = /^[0-9a-f]{64}$/i;

/** A profile field the plugin could not use, and why (without its value: it is personal data). */
export interface LeftOut {
  key: string;
  reason: string;
}

export interface ProfileOptions {
  /** Country calling code for phone numbers written without one. */
  defaultCountryCode?: string | undefined;
  /** For Create or Update Profile, which documents no anonymous_id: the anonymousId is not sent. */
  forImport: boolean;
}

/**
 * Custom properties without Klaviyo's own: those starting with `$` (`$source`, `$consent_method`,
 * `$consent_form_id`, the legacy `$email`, `$consent`…) are the records Klaviyo keeps of how a
 * person was added and consented, which a page's traits must not write.
 *
 * @example
 * customProperties({ plan: 'pro', $consent_method: 'checkout', ' $source': 'x' }); // { plan: 'pro' }
 */
export function customProperties(properties: JsonObject): JsonObject {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !key.trim().startsWith('$')));
}

/**
 * An email address as Klaviyo should keep it: trimmed and lower-cased; undefined when the
 * value is not one address.
 *
 * @example
 * normalizeEmail(' Jane.Doe@Example.com '); // 'jane.doe@example.com'
 * normalizeEmail('jane@example.com, joe@example.com'); // undefined
 */
export function normalizeEmail(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().normalize('NFC').toLowerCase();
  return isStrictEmailAddress(email) ? email : undefined;
}

/** Why a phone number could not be put in E.164. */
function phoneReason(value: JsonValue, options: ProfileOptions): string {
  if (typeof value === 'string' && HEX64.test(value.trim())) return 'is a SHA-256 digest: Klaviyo messages people by their phone number, in E.164, never hashed';
  if (typeof value !== 'string' && typeof value !== 'number') return 'is not a phone number';
  return options.defaultCountryCode === undefined
    ? 'cannot be put in E.164 as Klaviyo requires (no country code in it: set config.default_country_code, e.g. 44)'
    : 'is not a phone number that can be put in E.164 as Klaviyo requires';
}

/** An id as the profile takes it: the mapped value, else the canonical event's, when it names someone. */
function idOf(mapped: JsonValue | undefined, fallback: string | undefined): string | undefined {
  const value = mapped !== undefined ? mapped : fallback;
  return usableId(value) ? String(value).trim() : undefined;
}

function location(raw: JsonValue, leftOut: LeftOut[], forImport: boolean): JsonObject | undefined {
  if (!isJsonObject(raw)) {
    leftOut.push({ key: 'location', reason: 'is not an object of location fields' });
    return undefined;
  }
  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(raw)) {
    const at = `location.${key}`;
    if (!LOCATION_FIELDS.has(key)) leftOut.push({ key: at, reason: `is not a location field Klaviyo takes (${[...LOCATION_FIELDS].join(', ')})` });
    else if (value === null) {
      if (forImport) kept[key] = null;
    } else if (typeof value === 'string') {
      if (value.trim() !== '') kept[key] = value.trim();
    } else if (typeof value === 'number' && Number.isFinite(value) && (key === 'latitude' || key === 'longitude' || key === 'zip')) {
      kept[key] = key === 'zip' ? String(value) : value;
    } else {
      leftOut.push({ key: at, reason: 'is not text' });
    }
  }
  return Object.keys(kept).length > 0 ? kept : undefined;
}

/**
 * A profile's attributes from what a blueprint mapped under `profile`: `external_id` (else
 * the userId) and, on events, `anonymous_id` (else the anonymousId) when they name someone
 * (no placeholder such as "null"); `email` trimmed and lower-cased; `phone_number` in E.164
 * (config.default_country_code for numbers without one); the standard text fields; `location`;
 * `properties` (custom properties) as given, but for Klaviyo's own `$` properties
 * (customProperties). A value left out is named in `leftOut`, never shown. A `null` clears the
 * field in a profile import (Klaviyo: "setting a field to null will clear out the field").
 *
 * @example
 * normalizeProfile({ email: ' Jane@Example.com ', phone_number: '07700 900123', first_name: 'Jane' }, event, { defaultCountryCode: '44', forImport: true });
 * // { attributes: { external_id: 'u-1', email: 'jane@example.com', phone_number: '+447700900123', first_name: 'Jane' }, leftOut: [] }
 */
export function normalizeProfile(raw: JsonValue | undefined, event: CanonicalEvent, options: ProfileOptions): { attributes: JsonObject; leftOut: LeftOut[] } {
  const mapped: JsonObject = isJsonObject(raw) ? raw : {};
  const leftOut: LeftOut[] = [];
  if (raw !== undefined && raw !== null && !isJsonObject(raw)) leftOut.push({ key: 'profile', reason: 'is not an object of profile attributes' });
  const attributes: JsonObject = {};
  const externalId = idOf(mapped.external_id, event.userId);
  if (externalId !== undefined) attributes.external_id = externalId;
  if (!options.forImport) {
    const anonymousId = idOf(mapped.anonymous_id, event.anonymousId);
    if (anonymousId !== undefined) attributes.anonymous_id = anonymousId;
  }
  for (const [key, value] of Object.entries(mapped)) {
    if (key === 'external_id' || key === 'anonymous_id') continue;
    // Blank text is no value (a form's empty field): sent, it would blank the profile's field.
    if (value === undefined || (typeof value === 'string' && value.trim() === '') || (value === null && !options.forImport)) continue;
    if (key === 'email') {
      const email = normalizeEmail(value);
      if (email !== undefined) attributes.email = email;
      else leftOut.push({ key, reason: 'is not one email address' });
    } else if (key === 'phone_number') {
      const phone = typeof value === 'string' || typeof value === 'number' ? normalizePhoneNumber(String(value), { defaultCountryCode: options.defaultCountryCode }) : undefined;
      if (phone !== undefined && !HEX64.test(String(value).trim())) attributes.phone_number = phone;
      else leftOut.push({ key, reason: phoneReason(value, options) });
    } else if (TEXT_FIELDS.has(key)) {
      if (value === null || typeof value === 'string') attributes[key] = typeof value === 'string' ? value.trim() : null;
      else if (typeof value === 'number' && Number.isFinite(value)) attributes[key] = String(value);
      else leftOut.push({ key, reason: 'is not text' });
    } else if (key === 'location') {
      const kept = value === null ? undefined : location(value, leftOut, options.forImport);
      if (kept !== undefined) attributes.location = kept;
    } else if (key === 'properties') {
      if (isJsonObject(value)) {
        const custom = customProperties(value);
        if (Object.keys(custom).length > 0) attributes.properties = custom;
      } else if (value !== null) leftOut.push({ key, reason: 'is not an object of custom properties' });
    } else {
      leftOut.push({ key, reason: 'is not a Klaviyo profile attribute: map it under profile.properties (a custom property)' });
    }
  }
  return { attributes, leftOut };
}

/**
 * Whether a profile's attributes identify someone. A profile import needs an email, a phone
 * number or an external_id; an event's profile may also be identified by an anonymous_id.
 *
 * @example
 * identifies({ anonymous_id: 'df_1' }, false); // true
 * identifies({ anonymous_id: 'df_1', first_name: 'Jane' }, true); // false
 */
export function identifies(attributes: JsonObject, forImport: boolean): boolean {
  return IDENTIFIERS.some((key) => (forImport && key === 'anonymous_id' ? false : typeof attributes[key] === 'string'));
}
