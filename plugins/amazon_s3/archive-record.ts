// The archive record of the blueprint variants (default, retail): whatever the blueprint maps,
// no contact information is written in clear. Email and phone go under `customer` as SHA-256
// of their normalised form (so a warehouse can still join on them), and every other field —
// properties, traits, nested objects, top-level columns — loses what names or looks like
// contact information (`removeContactInfo`). URLs lose their query string and fragment, where
// sites put addresses and tokens percent-encoded (`/reset?email=jane.doe%40example.com&token=…`)
// that no value check can see; the campaign parameters are in the utm_ columns already. The
// `raw` variant is the stored event itself and is left as it is: it is the complete copy, in
// the customer's own bucket.
import { customerInfo, normalizePhoneNumber, removeContactInfo, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** The variant that archives the canonical event unchanged. */
export const RAW_VARIANT = 'raw';
/** The key of the hashed customer information in a record. */
export const CUSTOMER_KEY = 'customer';

export interface NormalizeOptions {
  /** Digits of the country calling code for phone numbers written without one (e.g. `44`). */
  defaultCountryCode?: string | undefined;
}

/** Lower case in Unicode's composed form: `Zoë` typed either way hashes the same. */
const lower = (text: string) => text.normalize('NFC').toLowerCase();

const customer = customerInfo<NormalizeOptions>({
  hashed: {
    // Trimmed and lower-cased; one address (no white space, one @).
    email_sha256: (value) => {
      const email = lower(value.trim());
      return /^[^\s@]+@[^\s@]+$/.test(email) ? email : undefined;
    },
    // E.164 with its + (`+447700900123`), by the default country's numbering plan; a national
    // number with no default country code is unusable (its country would be a guess).
    phone_sha256: (value, { defaultCountryCode }) => normalizePhoneNumber(value, { defaultCountryCode }),
  },
  shape: () => 'single',
  clear: {},
});

/**
 * One email or phone hashed as the archive writes it, or undefined when nothing usable is
 * left. A value of 64 hex characters is taken as hashed already (lower-cased, not hashed twice).
 *
 * @example
 * hashCustomerField('email_sha256', ' Jane.Doe@Example.com '); // sha256('jane.doe@example.com')
 * hashCustomerField('phone_sha256', '07700 900123', { defaultCountryCode: '44' }); // sha256('+447700900123')
 */
export function hashCustomerField(field: 'email_sha256' | 'phone_sha256', value: JsonValue, options: NormalizeOptions = {}): string | undefined {
  return customer.hashField(field, value, options);
}

function isRecord(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}

/** Keys that hold a URL: `page_url`, `page_referrer`, `url`, `image_url`, `imageURL`, `href`… */
const URL_KEY = /(?:url|uri|href|referr?er)$/i;
/** Keys that hold a query string on its own: `page_search`, a page call's `search`. */
const SEARCH_KEY = /(?:^|_)search$/i;
/** An absolute URL, whatever its key: `https://…`, `android-app://…`. */
const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * A value without what URLs carry after their path, at any depth: a URL (by its key, or any
 * absolute URL) loses its query string and fragment (`https://shop.example.com/reset?email=…#t`
 * → `https://shop.example.com/reset`), a query string on its own (`search: '?email=…'`) is
 * left out. Undefined when nothing is left.
 *
 * @example
 * withoutQueries({ page_url: 'https://shop.example.com/reset?email=jane.doe%40example.com&token=abc123', page_search: '?email=…' });
 * // { page_url: 'https://shop.example.com/reset' }
 */
export function withoutQueries(value: JsonValue, key = ''): JsonValue | undefined {
  if (typeof value === 'string') {
    if (SEARCH_KEY.test(key) && /^\?|=/.test(value)) return undefined;
    return URL_KEY.test(key) || ABSOLUTE_URL.test(value) ? value.replace(/[?#][\s\S]*$/, '') : value;
  }
  if (Array.isArray(value)) return value.map((item) => withoutQueries(item, key)).filter((item): item is JsonValue => item !== undefined);
  if (isRecord(value)) {
    const out: JsonObject = {};
    for (const [name, item] of Object.entries(value)) {
      const kept = withoutQueries(item, name);
      if (kept !== undefined) out[name] = kept;
    }
    return out;
  }
  return value;
}

/**
 * The record a blueprint variant archives, its keys in the blueprint's order:
 * - `customer` reduced to `email_sha256` and `phone_sha256`, hashed (the first usable value of
 *   each; any other key under it is left out, as it may hold contact information in clear);
 * - `properties` cleaned as an event's properties (`removeContactInfo`: its top-level `name`
 *   is taken for a person's, as everywhere in Signal);
 * - `traits` (an identify's) cleaned as a person's object: the person's `name` goes too;
 * - every other field without contact information at any depth (a `user_id` that is an email
 *   address is left out; a product's `name` stays);
 * - everywhere, URLs without their query string and fragment, and no query string on its own
 *   (`withoutQueries`): `page_url`, `page_referrer`, a page call's `properties.url`, a product's
 *   `url`…
 *
 * The record's columns are mapped from the canonical event, never from the site's properties
 * (which sit under `properties`), so a browser cannot set the record's ids or times.
 *
 * @example
 * archiveRecord({ message_id: 'm-1', properties: { plan: 'pro', email: 'jane@example.com' }, customer: { email_sha256: 'Jane@Example.com' } });
 * // { message_id: 'm-1', properties: { plan: 'pro' }, customer: { email_sha256: sha256('jane@example.com') } }
 */
export function archiveRecord(payload: JsonObject, options: NormalizeOptions = {}): JsonObject {
  const { [CUSTOMER_KEY]: mapped, properties, traits, ...rest } = withoutQueries(payload) as JsonObject;
  const cleaned = removeContactInfo(rest);
  const record: JsonObject = {};
  for (const key of Object.keys(payload)) {
    if (key === CUSTOMER_KEY) {
      const { fields } = customer.normalize(isRecord(mapped) ? mapped : undefined, options);
      if (Object.keys(fields).length > 0) record[key] = fields;
    } else if (key === 'properties') {
      if (isRecord(properties)) record[key] = removeContactInfo(properties);
    } else if (key === 'traits') {
      // Under a word naming a person, the SDK takes the object for one: its `name` is theirs.
      const person = isRecord(traits) ? removeContactInfo({ person: traits }).person : undefined;
      if (isRecord(person)) record[key] = person;
    } else if (Object.hasOwn(cleaned, key)) {
      record[key] = cleaned[key]!;
    }
  }
  return record;
}
