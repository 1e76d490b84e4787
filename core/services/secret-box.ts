import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 'v1';

/** The stored form of an encrypted value inside a JSON config. */
export interface SealedValue {
  $sealed: string;
}

export function isSealed(value: unknown): value is SealedValue {
  return typeof value === 'object' && value !== null && typeof (value as SealedValue).$sealed === 'string';
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

/**
 * AES-256-GCM encryption of integration secrets at rest. Each value gets a fresh 12-byte IV;
 * the auth tag makes tampering detectable.
 *
 * @example
 * const box = createSecretBox(randomBytes(32));
 * const sealed = box.seal('my-api-key');   // { $sealed: 'v1.…' }
 * box.open(sealed);                         // 'my-api-key'
 */
export function createSecretBox(key: Buffer) {
  if (key.length !== 32) throw new Error('The secret key must be 32 bytes');
  return {
    seal(plain: string): SealedValue {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const encrypted = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      const tag = cipher.getAuthTag();
      return { $sealed: [VERSION, iv.toString('base64url'), tag.toString('base64url'), encrypted.toString('base64url')].join('.') };
    },
    open(sealed: SealedValue): string {
      const [version, iv, tag, data] = sealed.$sealed.split('.');
      if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('Unrecognised sealed value');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}

export type SecretBox = ReturnType<typeof createSecretBox>;
