// The customer a command is about, as Bloomreach identifies customers: `customer_ids`, "one or
// more hard and/or soft customer IDs" by the names the project defines (Customer
// identification: usually one hard ID, `registered`, and soft IDs such as `cookie`). The plugin
// sets them from the config's names, never from a site's properties: the userId under the hard
// ID, the anonymousId under the soft ID, the email (lower-cased: "Hard IDs are case-sensitive …
// automatically convert IDs to lowercase") under the optional email ID. A command carrying ids
// that belong to two customers merges them (Bloomreach's Segment destination: "users are also
// merged when any call specifies both a userId and an anonymousId").
import { isJsonObject, isStrictEmailAddress, usableId, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import type { BloomreachOptions } from './config.ts';

/**
 * An email address as a hard ID holds it: trimmed and lower-cased; undefined when the value is
 * not one address.
 *
 * @example
 * emailIdOf(' Jane@Example.com '); // 'jane@example.com'
 * emailIdOf('jane@example.com, joe@example.com'); // undefined
 */
export function emailIdOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().normalize('NFC').toLowerCase();
  return isStrictEmailAddress(email) ? email : undefined;
}

/** An id as sent: the mapped value, else the canonical event's, when it names someone; trimmed. */
function idOf(mapped: JsonValue | undefined, fallback: string | null | undefined): string | undefined {
  const value = mapped !== undefined && mapped !== null ? mapped : fallback;
  return usableId(value) ? String(value).trim() : undefined;
}

/**
 * The `customer_ids` of a command: `{ <hard ID>: userId, <email ID>: email, <soft ID>: anonymousId }`
 * from what the blueprint mapped under `ids` (`hard`, `email`, `soft`), else the canonical
 * event's userId and anonymousId (and, for the email ID, a userId that is an email address).
 * Placeholders ("null", "anonymous") name no one and are left out; so are the soft ID and the
 * email ID when the config names none. Empty when nothing names the customer.
 *
 * @example
 * customerIdsOf({ email: ' Jane@Example.com ' }, event, { hardId: 'registered', softId: 'cookie', emailId: 'email_id' });
 * // { registered: 'u-1', email_id: 'jane@example.com', cookie: 'df_abc' }
 */
export function customerIdsOf(mapped: JsonValue | undefined, event: CanonicalEvent, options: Pick<BloomreachOptions, 'hardId' | 'softId' | 'emailId'>): JsonObject {
  const ids: JsonObject = isJsonObject(mapped) ? mapped : {};
  const customerIds: JsonObject = {};
  const hard = idOf(ids.hard, event.userId);
  if (hard !== undefined) customerIds[options.hardId] = hard;
  if (options.emailId !== undefined) {
    const email = emailIdOf(ids.email) ?? emailIdOf(event.userId ?? undefined);
    if (email !== undefined) customerIds[options.emailId] = email;
  }
  if (options.softId !== undefined) {
    const soft = idOf(ids.soft, event.anonymousId);
    if (soft !== undefined) customerIds[options.softId] = soft;
  }
  return customerIds;
}
