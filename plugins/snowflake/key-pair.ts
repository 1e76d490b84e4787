// Authentication to the SQL API. Key-pair authentication: a JWT signed RS256 with the user's
// private key, `iss` = `ACCOUNT.USER.SHA256:<fingerprint>` (the fingerprint: SHA-256 of the
// public key's DER SubjectPublicKeyInfo, base64), `sub` = `ACCOUNT.USER`, `iat`, and `exp` at
// most an hour later, sent as `Authorization: Bearer <jwt>` with
// `X-Snowflake-Authorization-Token-Type: KEYPAIR_JWT`. Or a programmatic access token, sent as
// the bearer with the type `PROGRAMMATIC_ACCESS_TOKEN`. node:crypto is used purely: reading a
// key and signing are functions of the key, the claims and `now`.
import { createHash, createPrivateKey, createPublicKey, sign, type KeyObject } from 'node:crypto';
import { PermanentError } from '../../core/sdk/index.ts';

/**
 * How long a JWT lasts: Snowflake takes at most an hour. Each request gets its own, signed as it
 * is sent; half an hour leaves room for a server clock a little behind Snowflake's.
 */
export const JWT_LIFETIME_SECONDS = 30 * 60;

/** The smallest RSA key Snowflake's key-pair authentication takes. */
const MIN_BITS = 2048;

/** A problem with the configured key, naming the field to fix. */
export interface KeyProblem {
  field: 'private_key' | 'private_key_passphrase';
  message: string;
}

/** A memo of keys read (same text and passphrase, same key): a key is otherwise parsed again for every request. */
const readKeys = new Map<string, KeyObject | KeyProblem>();

function readKey(pem: string, passphrase: string | undefined): KeyObject | KeyProblem {
  // Pasted keys arrive with \n written out (a JSON string) or with CRLF; PEM wants real line breaks.
  const normalized = pem.replace(/\\n/g, '\n').replace(/\r\n?/g, '\n').trim();
  const label = /^-----BEGIN ([A-Z ]+)-----/.exec(normalized)?.[1];
  if (label === undefined) {
    return { field: 'private_key', message: 'is not a PEM private key: paste the whole file, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----' };
  }
  if (label === 'PUBLIC KEY' || label === 'RSA PUBLIC KEY') {
    return { field: 'private_key', message: 'holds a public key: paste the private key (rsa_key.p8); the public key is the one set on the user with ALTER USER … SET RSA_PUBLIC_KEY' };
  }
  if (!['PRIVATE KEY', 'ENCRYPTED PRIVATE KEY', 'RSA PRIVATE KEY'].includes(label)) {
    return { field: 'private_key', message: `is a PEM "${label}", not a private key: paste the PKCS#8 private key (BEGIN PRIVATE KEY)` };
  }
  if (label === 'ENCRYPTED PRIVATE KEY' && passphrase === undefined) {
    return { field: 'private_key_passphrase', message: 'is required: the private key is encrypted (BEGIN ENCRYPTED PRIVATE KEY). Give its passphrase here, or store an unencrypted copy of the key instead (openssl pkcs8 -in rsa_key.p8 -out rsa_key_plain.p8)' };
  }
  let key: KeyObject;
  try {
    key = createPrivateKey(passphrase === undefined ? { key: normalized, format: 'pem' } : { key: normalized, format: 'pem', passphrase });
  } catch (error) {
    const said = error instanceof Error ? error.message : String(error);
    if (label === 'ENCRYPTED PRIVATE KEY' || /decrypt|passphrase|bad decrypt/i.test(said)) {
      return { field: 'private_key_passphrase', message: 'does not decrypt the private key: check the passphrase the key was encrypted with' };
    }
    return { field: 'private_key', message: `cannot be read as a PEM private key (${said}): paste the whole rsa_key.p8 file, line breaks included` };
  }
  if (key.asymmetricKeyType !== 'rsa') {
    return { field: 'private_key', message: `is a ${key.asymmetricKeyType ?? 'non-RSA'} key: Snowflake's key-pair authentication takes RSA keys (openssl genrsa 2048)` };
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_BITS) return { field: 'private_key', message: `is a ${bits}-bit RSA key: Snowflake takes RSA keys of 2048 bits or more` };
  return key;
}

function keyOf(pem: string, passphrase: string | undefined): KeyObject | KeyProblem {
  const cacheKey = `${passphrase ?? ''}\u0000${pem}`;
  let found = readKeys.get(cacheKey);
  if (found === undefined) {
    found = readKey(pem, passphrase);
    if (readKeys.size >= 100) readKeys.clear();
    readKeys.set(cacheKey, found);
  }
  return found;
}

const isProblem = (value: KeyObject | KeyProblem): value is KeyProblem => !(value instanceof Object && 'asymmetricKeyType' in value);

/**
 * What is wrong with a configured private key (and passphrase), or undefined when Snowflake's
 * key-pair authentication can use it.
 *
 * @example
 * privateKeyProblem('ssh-rsa AAAA…', undefined);
 * // { field: 'private_key', message: 'is not a PEM private key: paste the whole file, …' }
 */
export function privateKeyProblem(pem: string, passphrase: string | undefined): KeyProblem | undefined {
  const key = keyOf(pem, passphrase);
  return isProblem(key) ? key : undefined;
}

/**
 * The public key fingerprint Snowflake shows in DESC USER's RSA_PUBLIC_KEY_FP: `SHA256:` and the
 * base64 SHA-256 of the public key's DER SubjectPublicKeyInfo.
 *
 * @example
 * publicKeyFingerprint(pem); // 'SHA256:jH3…='
 */
export function publicKeyFingerprint(pem: string, passphrase?: string): string {
  const key = keyOf(pem, passphrase);
  if (isProblem(key)) throw new PermanentError(`config.${key.field} ${key.message}`);
  const der = createPublicKey(key).export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

/**
 * The key-pair JWT for a request at `nowMs`: RS256 over `{ iss, sub, iat, exp }`, account and
 * user in upper case as Snowflake compares them.
 *
 * @example
 * keyPairJwt({ account: 'MYORG-SHOP', user: 'SIGNAL_WRITER', privateKey: pem }, 1_764_000_000_000);
 * // 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJNWU9SRy1TSE9QLlNJR05BTF9XUklURVIuU0hBMjU2Oi4uLiIsInN1YiI6Ik1ZT1JHLVNIT1AuU0lHTkFMX1dSSVRFUiIsImlhdCI6MTc2NDAwMDAwMCwiZXhwIjoxNzY0MDAzNTQwfQ.…'
 */
export function keyPairJwt(identity: { account: string; user: string; privateKey: string; passphrase?: string }, nowMs: number): string {
  const key = keyOf(identity.privateKey, identity.passphrase);
  if (isProblem(key)) throw new PermanentError(`config.${key.field} ${key.message}`);
  const subject = `${identity.account.toUpperCase()}.${identity.user.toUpperCase()}`;
  const iat = Math.floor(nowMs / 1000);
  const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'JWT' })).toString('base64url');
  const claims = Buffer.from(JSON.stringify({ iss: `${subject}.${publicKeyFingerprint(identity.privateKey, identity.passphrase)}`, sub: subject, iat, exp: iat + JWT_LIFETIME_SECONDS })).toString('base64url');
  const signature = sign('RSA-SHA256', Buffer.from(`${header}.${claims}`), key).toString('base64url');
  return `${header}.${claims}.${signature}`;
}
