// Quora's `user` and `device` objects from what the blueprint mapped. Quora documents one match
// key to hash, the email — normalised (trimmed, lower case, a `+tag` removed, a gmail.com
// address without its dots) then SHA-256 — and takes it hashed or in clear: Signal always sends
// the digest, so no address leaves Signal in clear whatever an edited blueprint maps. The
// visitor's IP address, coarse location, company and job title go in clear as Quora takes them;
// the other contact fields of Quora's schema (phone_number, name, date_of_birth) have no
// documented hashing, so they are left out rather than sent in clear. Done here, not in the
// blueprint, so an edited blueprint cannot send what should not leave.
import { isIP } from 'node:net';
import { createHash } from 'node:crypto';
import { countryCodeOf, cutText, isEmailAddress, isJsonObject, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** A SHA-256 digest as lower-case hex: an email the sender hashed already. */
const SHA256_HEX = /^[0-9a-f]{64}$/;
/** Quora's contact fields with no documented hashing: never sent (see above). */
const WITHHELD = new Set(['phone_number', 'phone', 'name', 'first_name', 'last_name', 'date_of_birth']);
/** Longest text Signal sends in a field: Quora publishes no limit; a page-long value is no match key. */
const MAX_TEXT = 500;
/** An advertising id of zeros: the device limits ad tracking, so it names no one. */
const ZERO_AD_ID = /^[0-]+$/;

/**
 * The email as Quora normalises it before hashing: trimmed, lower case, the local part without a
 * `+tag`, and without dots for gmail.com; undefined for text that is no email address.
 *
 * @example
 * normalizeQuoraEmail(' John.Doe+checkout@Gmail.com '); // 'johndoe@gmail.com'
 * normalizeQuoraEmail('jane.doe+news@example.com');      // 'jane.doe@example.com'
 * normalizeQuoraEmail('not an email');                   // undefined
 */
export function normalizeQuoraEmail(value: string): string | undefined {
  const email = value.trim().toLowerCase();
  if (!isEmailAddress(email, { requireDomainDot: false })) return undefined;
  const at = email.lastIndexOf('@');
  let local = email.slice(0, at);
  const domain = email.slice(at + 1);
  const plus = local.indexOf('+');
  if (plus >= 0) local = local.slice(0, plus);
  if (domain === 'gmail.com') local = local.replace(/\./g, '');
  return local === '' ? undefined : `${local}@${domain}`;
}

/**
 * The email's digest as Quora takes it: SHA-256 (lower-case hex) of the normalised address; a
 * digest given already passes as it is; undefined for text that is no email address.
 *
 * @example
 * hashedQuoraEmail('John.Doe@gmail.com'); // sha256('johndoe@gmail.com')
 */
export function hashedQuoraEmail(value: string): string | undefined {
  const text = value.trim().toLowerCase();
  if (SHA256_HEX.test(text)) return text;
  const email = normalizeQuoraEmail(text);
  return email === undefined ? undefined : createHash('sha256').update(email).digest('hex');
}

/** Clear text of at most MAX_TEXT characters, or undefined. */
const clear = (value: JsonValue | undefined): string | undefined => {
  const text = readText(value);
  return text === undefined ? undefined : cutText(text, MAX_TEXT);
};

/** The clear `user` fields, each with its reader. */
const USER_CLEAR: Record<string, (value: JsonValue | undefined) => string | undefined> = {
  ip: (v) => {
    const ip = readText(v);
    return ip !== undefined && isIP(ip) !== 0 ? ip : undefined;
  },
  // Two-letter ISO 3166-1 codes, names of countries too (United States → US).
  country: (v) => {
    const text = readText(v);
    return text === undefined ? undefined : countryCodeOf(text)?.toUpperCase();
  },
  region: clear,
  city: clear,
  postal_code: clear,
  company_name: clear,
  job_title: clear,
};

/** The `device` fields, each with its reader. */
const DEVICE: Record<string, (value: JsonValue | undefined) => string | undefined> = {
  user_agent: clear,
  referer: (v) => {
    const url = readText(v);
    return url !== undefined && URL.canParse(url) && /^https?:$/.test(new URL(url).protocol) ? cutText(url, 2000) : undefined;
  },
  language: clear,
  mobile_device_id: (v) => {
    const id = readText(v);
    return id !== undefined && !ZERO_AD_ID.test(id) ? cutText(id, 100) : undefined;
  },
};

/**
 * `user` as Quora takes it from what the blueprint mapped: the email hashed, the clear fields as
 * text; `left` names what was left out (a withheld contact field, an unusable value, a key Quora
 * does not take), for the caller to warn.
 *
 * @example
 * quoraUser({ email: ' Jane@Example.com ', ip: '203.0.113.42', phone_number: '+14155550123' });
 * // { user: { email: sha256('jane@example.com'), ip: '203.0.113.42' }, left: ['phone_number'] }
 */
export function quoraUser(raw: JsonValue | undefined): { user: JsonObject; left: string[] } {
  const user: JsonObject = {};
  const left: string[] = [];
  if (!isJsonObject(raw)) return { user, left };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null || value === '') continue;
    if (key === 'email') {
      const email = typeof value === 'string' ? hashedQuoraEmail(value) : undefined;
      if (email === undefined) left.push(key);
      else user.email = email;
      continue;
    }
    const read = USER_CLEAR[key];
    const text = read === undefined || WITHHELD.has(key) ? undefined : read(value);
    if (text === undefined) left.push(key);
    else user[key] = text;
  }
  return { user, left };
}

/**
 * `device` as Quora takes it from what the blueprint mapped; keys Quora does not take, and
 * unusable values, named in `left`.
 *
 * @example
 * quoraDevice({ user_agent: 'Mozilla/5.0', referer: 'https://www.quora.com/' });
 * // { device: { user_agent: 'Mozilla/5.0', referer: 'https://www.quora.com/' }, left: [] }
 */
export function quoraDevice(raw: JsonValue | undefined): { device: JsonObject; left: string[] } {
  const device: JsonObject = {};
  const left: string[] = [];
  if (!isJsonObject(raw)) return { device, left };
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null || value === '') continue;
    const text = DEVICE[key]?.(value);
    if (text === undefined) left.push(key);
    else device[key] = text;
  }
  return { device, left };
}
