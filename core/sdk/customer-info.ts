// Customer information as ad vendors match on it (Meta's user_data, TikTok's user, Pinterest's
// user_data, impact.com's CustomerEmail): each plugin declares its fields — which are hashed after
// their own normalisation, with which digest, which go as text — and this reads whatever a
// blueprint mapped, so nothing outside the declaration leaves Signal, and nothing declared hashed
// leaves it in clear.
import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../collect/canonical-event.ts';

/** A field's value before hashing or sending, or undefined when nothing usable is left. */
export type FieldNormalizer<O> = (value: string, options: O) => string | undefined;

/** How a hashed field is sent: always a list, its first usable value, or one value as itself and several as a list. */
export type HashedShape = 'list' | 'single' | 'one-or-list';

/** The digest hashed fields are sent as, in lower-case hex. */
export type CustomerInfoDigest = 'sha256' | 'sha1';

export interface CustomerInfoFields<O> {
  /** Fields sent only as the digest (hex) of their normalised value. */
  hashed: Record<string, FieldNormalizer<O>>;
  /**
   * Which digest: SHA-256 (the default, what most ad vendors match on), or SHA-1 for a vendor
   * that documents it (impact.com's CustomerEmail).
   */
  digest?: CustomerInfoDigest;
  /** How each hashed field is sent (default `list`). */
  shape?: (field: string) => HashedShape;
  /** Fields sent as text, after their normaliser (one value; a list is unusable). */
  clear: Record<string, FieldNormalizer<O>>;
}

export interface CustomerInfo<O> {
  /**
   * One value hashed: undefined when it is no string or number or its normaliser finds nothing
   * usable. A value already a digest of the declared kind (64 hex characters for SHA-256, 40 for
   * SHA-1) is taken as hashed (lower-cased, not hashed twice).
   */
  hashField(field: string, value: JsonValue, options: O): string | undefined;
  /**
   * The vendor's object from what the blueprint mapped: hashed fields hashed (duplicates once),
   * clear fields normalised, empty values skipped; `unusable` names the keys left out — a value
   * nothing usable came of, or a key the vendor does not take (it may hold contact data).
   */
  normalize(raw: JsonValue | undefined, options: O): { fields: JsonObject; unusable: string[] };
}

/** A digest of each kind, written in hex. */
const DIGEST_HEX: Record<CustomerInfoDigest, RegExp> = { sha256: /^[0-9a-f]{64}$/i, sha1: /^[0-9a-f]{40}$/i };

/** Text as it came (a number as its digits); anything else is no value. */
export const asText: FieldNormalizer<unknown> = (value) => value;

/**
 * A vendor's customer information fields, declared once: see CustomerInfoFields.
 *
 * @example
 * const userData = customerInfo<{ defaultCountryCode?: string }>({
 *   hashed: { em: (v) => (v.includes('@') ? v.trim().toLowerCase() : undefined), ph: (v, o) => normalizePhoneNumber(v, o)?.slice(1) },
 *   clear: { client_ip_address: asText },
 * });
 * userData.normalize({ em: ' Jane@Example.com ', client_ip_address: '203.0.113.42', email: 'x' }, {});
 * // { fields: { em: [sha256('jane@example.com')], client_ip_address: '203.0.113.42' }, unusable: ['email'] }
 *
 * const impactEmail = customerInfo<unknown>({ hashed: { CustomerEmail: (v) => v.trim().toLowerCase() }, clear: {}, digest: 'sha1' });
 * impactEmail.hashField('CustomerEmail', ' Jane@Example.com ', {}); // sha1('jane@example.com')
 */
export function customerInfo<O>(declared: CustomerInfoFields<O>): CustomerInfo<O> {
  const shapeOf = declared.shape ?? (() => 'list' as const);
  const digest = declared.digest ?? 'sha256';
  const hashedAlready = DIGEST_HEX[digest];
  function hashField(field: string, value: JsonValue, options: O): string | undefined {
    const normalizer = Object.hasOwn(declared.hashed, field) ? declared.hashed[field] : undefined;
    if (!normalizer || (typeof value !== 'string' && typeof value !== 'number')) return undefined;
    const text = String(value);
    if (hashedAlready.test(text.trim())) return text.trim().toLowerCase();
    const normalized = normalizer(text, options);
    return normalized === undefined ? undefined : createHash(digest).update(normalized, 'utf8').digest('hex');
  }
  return {
    hashField,
    normalize(raw, options) {
      const fields: JsonObject = {};
      const unusable: string[] = [];
      if (raw === null || raw === undefined || typeof raw !== 'object' || Array.isArray(raw)) return { fields, unusable };
      for (const [key, value] of Object.entries(raw)) {
        if (value === null || value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue;
        if (Object.hasOwn(declared.hashed, key)) {
          const values = Array.isArray(value) ? value : [value];
          const hashed = [...new Set(values.map((v) => hashField(key, v, options)).filter((v): v is string => v !== undefined))];
          const shape = shapeOf(key);
          if (hashed.length === 0) unusable.push(key);
          else fields[key] = shape === 'list' ? hashed : shape === 'single' || hashed.length === 1 ? hashed[0]! : hashed;
        } else if (Object.hasOwn(declared.clear, key)) {
          // One value: a list of IP addresses or user agents says nothing a vendor could use.
          const text = typeof value === 'string' || typeof value === 'number' ? declared.clear[key]!(String(value), options) : undefined;
          if (text === undefined || text === '') unusable.push(key);
          else fields[key] = text;
        } else {
          // Not a field the vendor takes: it may be contact information (an edited blueprint's
          // `email`), so it is not sent.
          unusable.push(key);
        }
      }
      return { fields, unusable };
    },
  };
}
