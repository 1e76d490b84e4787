// Name-based UUIDs (RFC 9562): the same name always gives the same UUID, so a plugin can give a
// vendor a stable event id or deduplication key derived from the messageId (or from a request's
// events), the same on every retry, split and replay. Versions 3 (MD5) and 5 (SHA-1) hash a
// namespace UUID's 16 bytes and the name's UTF-8 (sections 5.3 and 5.5); version 8 here is the
// SHA-256 name-based layout of Appendix B.2, the namespace optional. The first 16 bytes of the
// hash are kept, with the version and the variant bits set.
//
// A plugin picks its namespace once and never changes it (nor the version): another namespace
// gives other UUIDs, and a vendor would count an event already sent again as a new one.
import { createHash } from 'node:crypto';

/** A UUID in its text form, any version. */
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The hash each version takes (RFC 9562: 3 → MD5, 5 → SHA-1; 8 → SHA-256, Appendix B.2). */
const HASH = { 3: 'md5', 5: 'sha1', 8: 'sha256' } as const;

/** Which name-based UUID: versions 3 and 5 need a namespace; version 8 (SHA-256) may go without. */
export type NameBasedUuidOptions = { version: 3 | 5; namespace: string } | { version: 8; namespace?: string };

/**
 * The name-based UUID of `name`: the hash of the namespace's 16 bytes (when given) and the
 * name's UTF-8, its first 16 bytes with the version and variant bits set, in lower-case text.
 * A namespace that is no UUID throws (a plugin fault: its namespace is a constant).
 *
 * @example
 * nameBasedUuid('www.example.com', { version: 3, namespace: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }); // '5df41881-3aed-3515-88a7-2f4a814cf09e' (RFC 9562, A.2)
 * nameBasedUuid('www.example.com', { version: 5, namespace: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }); // '2ed6657d-e927-568b-95e1-2665a8aea6a2' (RFC 9562, A.4)
 * nameBasedUuid('www.example.com', { version: 8, namespace: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }); // '5c146b14-3c52-8afd-938a-375d0df1fbf6' (RFC 9562, B.2)
 * nameBasedUuid(`signal:${event.messageId}`, { version: 8 }); // the same UUID for every try of the event
 */
export function nameBasedUuid(name: string, options: NameBasedUuidOptions): string {
  const hash = createHash(HASH[options.version]);
  if (options.namespace !== undefined) {
    if (!UUID_TEXT.test(options.namespace)) throw new Error(`the namespace of a name-based UUID must be a UUID, not ${JSON.stringify(options.namespace)}`);
    hash.update(Buffer.from(options.namespace.replace(/-/g, ''), 'hex'));
  }
  const bytes = hash.update(name, 'utf8').digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | (options.version << 4);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
