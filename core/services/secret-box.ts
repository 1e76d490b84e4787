import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { JsonValue } from '../sdk/types.ts';

/** Sealed before values were bound to their field: still opened, never written any more. */
const LEGACY_VERSION = 'v1';
/** Bound to its context by AES-GCM additional authenticated data; the plaintext is JSON text. */
const VERSION = 'v2';

/** The stored form of an encrypted value inside a JSON config. */
export interface SealedValue {
  $sealed: string;
}

/**
 * Where a sealed value belongs: the vendor, the integration (template) and the config field.
 * A value opens only under the context it was sealed with, so whoever can write the database
 * but lacks the key cannot move it to another field or integration and have Signal use it there.
 */
export interface SealContext {
  vendor: string;
  templateId: string;
  field: string;
}

/** A sealed value that cannot be opened: altered, moved from its context, or another key's. */
export class SealedValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedValueError';
  }
}

export function isSealed(value: unknown): value is SealedValue {
  return typeof value === 'object' && value !== null && typeof (value as SealedValue).$sealed === 'string';
}

/**
 * True for a value sealed in the old `v1` form (not bound to its context); such values are
 * rewritten as `v2` with the next revision of their integration.
 *
 * @example
 * isLegacySealed({ $sealed: 'v1.…' }); // true
 * isLegacySealed(box.seal('k', context)); // false
 */
export function isLegacySealed(value: unknown): boolean {
  return isSealed(value) && value.$sealed.startsWith(`${LEGACY_VERSION}.`);
}

/** Parses `SIGNAL_SECRET_KEY`: 32 bytes as 64 hex characters or base64. */
export function parseSecretKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== 32) {
    throw new Error('SIGNAL_SECRET_KEY must be 32 bytes: 64 hex characters or 44 base64 characters');
  }
  return key;
}

function associatedData(context: SealContext): Buffer {
  for (const part of ['vendor', 'templateId', 'field'] as const) {
    // An empty part would bind the value to less than it claims: a caller's bug, not data.
    if (typeof context?.[part] !== 'string' || context[part] === '') throw new TypeError(`A seal context needs a non-empty ${part}`);
  }
  // A JSON array: unambiguous whatever characters the parts hold (no separator to forge).
  return Buffer.from(JSON.stringify(['signal.secret', VERSION, context.vendor, context.templateId, context.field]), 'utf8');
}

function describe(context: SealContext): string {
  return `field ${context.field} of ${context.vendor} integration ${context.templateId}`;
}

/**
 * AES-256-GCM encryption of integration secrets at rest. Each value gets a fresh 12-byte IV;
 * the auth tag makes tampering detectable, and the context (vendor, integration, field) is
 * authenticated with it, so a value opens only where it was sealed. Values are any JSON (a
 * string, or an object such as a webhook's secret headers).
 *
 * @example
 * const box = createSecretBox(randomBytes(32));
 * const context = { vendor: 'webhook', templateId: '7c1e…', field: 'signing_secret' };
 * const sealed = box.seal('my-api-key', context);           // { $sealed: 'v2.…' }
 * box.open(sealed, context);                                // 'my-api-key'
 * box.open(sealed, { ...context, field: 'url' });           // throws SealedValueError
 */
export function createSecretBox(key: Buffer) {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes');
  return {
    seal(value: JsonValue, context: SealContext): SealedValue {
      const aad = associatedData(context);
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(aad);
      const encrypted = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return { $sealed: [VERSION, iv.toString('base64url'), tag.toString('base64url'), encrypted.toString('base64url')].join('.') };
    },

    /** The value sealed under `context`; a `v1` value (sealed without one) opens anywhere. */
    open(sealed: SealedValue, context: SealContext): JsonValue {
      const aad = associatedData(context);
      const [version, iv, tag, data, extra] = sealed.$sealed.split('.');
      if ((version !== VERSION && version !== LEGACY_VERSION) || !iv || !tag || data === undefined || extra !== undefined) {
        throw new SealedValueError(`The sealed value of ${describe(context)} is not in a form Signal writes (v1 or v2)`);
      }
      let plain: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        if (version === VERSION) decipher.setAAD(aad);
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        plain = Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        // GCM cannot tell these apart: the tag fails for each.
        throw new SealedValueError(
          `The sealed value of ${describe(context)} cannot be opened: it was sealed for another field or integration (copied in the database), altered, or sealed under another SIGNAL_SECRET_KEY`,
        );
      }
      // A v1 value is the bare string; authenticated v2 text is JSON Signal wrote itself.
      return version === LEGACY_VERSION ? plain : (JSON.parse(plain) as JsonValue);
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
