// The visitor's email as Criteo's Events API takes it: never in clear, but as the hashes
// Criteo matches on, in `id.email` — `md5` (MD5 of the normalised address), `sha256` (its
// SHA-256) and `sha256_md5` (the SHA-256 of the MD5's hex text), each as lower-case hex. The
// address is normalised first as Criteo's OneTag documentation asks for setEmail (trimmed,
// lower-cased). A site that hashes already may give a digest: 64 hex characters is taken as
// the SHA-256, 32 as the MD5 (its sha256_md5 derived from it), never hashed again.
import { createHash } from 'node:crypto';
import { isStrictEmailAddress, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

const HEX64 = /^[0-9a-f]{64}$/;
const HEX32 = /^[0-9a-f]{32}$/;

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * `id.email` for a mapped email: the three hashes of an address (trimmed, lower-cased), the
 * hashes a digest allows, or undefined when the value is neither one address nor a digest (a
 * phone number, a name, two addresses): nothing is sent rather than a hash of the wrong thing.
 *
 * @example
 * emailHashes(' Jane.Doe@Example.com ');
 * // { md5: md5('jane.doe@example.com'), sha256: sha256('jane.doe@example.com'), sha256_md5: sha256(md5('jane.doe@example.com')) }
 * emailHashes('not an email'); // undefined
 */
export function emailHashes(value: JsonValue | undefined): JsonObject | undefined {
  const text = readText(Array.isArray(value) && value.length === 1 ? value[0] : value)?.toLowerCase();
  if (text === undefined) return undefined;
  if (HEX64.test(text)) return { sha256: text };
  if (HEX32.test(text)) return { md5: text, sha256_md5: sha256(text) };
  if (!isStrictEmailAddress(text, { requireDomainDot: false })) return undefined;
  const digest = md5(text);
  return { md5: digest, sha256: sha256(text), sha256_md5: sha256(digest) };
}
