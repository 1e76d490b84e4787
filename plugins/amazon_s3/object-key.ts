// The object key of a batch: the configured prefix, Hive-style date partitions
// (`dt=YYYY-MM-DD/hour=HH`, which Athena, Glue and Spark read as columns) and a file name
// derived only from the events of the object (their messageIds and the times Signal received
// them), so a retry of the same request writes the same key and overwrites its object (S3
// replaces an object whole; it never keeps a partial one) instead of adding a second copy.
import { createHash } from 'node:crypto';
import type { CanonicalEvent, JsonValue } from '../../core/sdk/index.ts';

export const PARTITION_TIMES = ['received_at', 'timestamp'] as const;
export type PartitionTime = (typeof PARTITION_TIMES)[number];

/** Characters of a prefix: S3's "safe characters" for keys and `/`, no `..` segment. */
export const PREFIX_PATTERN = "^[A-Za-z0-9!_.*'()/-]*$";
/** How much of the first event's messageId the file name keeps (the digest covers all of it). */
const MAX_ID_IN_NAME = 64;

/** The prefix when the config gives none. */
export const DEFAULT_PREFIX = 'signal';

/**
 * The prefix as keys use it: surrounding slashes trimmed (`/events/` → `events`), `signal`
 * when the config has none, empty when it is empty (the bucket's root).
 *
 * @example
 * prefixOf({ prefix: '/signal/events/' }); // 'signal/events'
 */
export function prefixOf(config: Record<string, JsonValue>): string {
  return (typeof config.prefix === 'string' ? config.prefix : DEFAULT_PREFIX).replace(/^\/+|\/+$/g, '');
}

/** Why a prefix is refused, or null. */
export function prefixProblem(prefix: string): string | null {
  if (!new RegExp(PREFIX_PATTERN).test(prefix)) return "may hold letters, digits, / and ! _ . * ' ( ) - only (S3's safe key characters)";
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  if (trimmed !== '' && trimmed.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'must not have empty, "." or ".." segments (//, /./, /../): S3 keeps them as they are, and tools that read keys as paths do not';
  }
  return null;
}

/**
 * The instant an event's partition is taken from: when Signal received it (the default; set by
 * the server, so a client cannot move it), or its timestamp (the event's own time, corrected
 * for the client's clock skew). A timestamp that cannot be read falls back to receivedAt.
 */
export function partitionInstant(event: CanonicalEvent, by: PartitionTime): number {
  const at = by === 'timestamp' ? Date.parse(event.timestamp) : Number.NaN;
  return Number.isFinite(at) ? at : Date.parse(event.receivedAt);
}

/**
 * The partition of an instant, UTC: `dt=2024-03-24/hour=16`.
 *
 * @example
 * partitionOf(Date.parse('2024-03-24T16:05:00Z')); // 'dt=2024-03-24/hour=16'
 */
export function partitionOf(instant: number): string {
  const iso = new Date(Number.isFinite(instant) ? instant : 0).toISOString();
  return `dt=${iso.slice(0, 10)}/hour=${iso.slice(11, 13)}`;
}

/** A messageId made safe for a key (any other character becomes `_`), cut to 64 characters. */
function safeId(messageId: string): string {
  return messageId.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, MAX_ID_IN_NAME) || '_';
}

/**
 * The key of the object holding `events`, in order:
 * `<prefix>/<partition>/<integration>-<first messageId>-<count>-<digest>.<extension>`, where
 * the digest is the first 16 hex characters of the SHA-256 of the JSON array of every event's
 * `[messageId, receivedAt]`, in order. Only the events decide it: a retry of the same request
 * (the stored events keep their receivedAt) gives the same key and overwrites the object. Two
 * different groupings never share one — nor two events that share a messageId (the client sets
 * it; collect does not deduplicate) but were received at different times, which would
 * otherwise replace one event's object with the other's. JSON, not a separator, so no id can
 * make two different lists hash alike (`["a\nb","c"]` and `["a","b\nc"]`).
 *
 * @example
 * objectKey('signal', 'dt=2024-03-24/hour=16', 'a1b2', [e1, e2]);
 * // 'signal/dt=2024-03-24/hour=16/a1b2-<e1.messageId>-2-<digest>.ndjson'
 * objectKey('signal', 'dt=2024-03-24/hour=16', 'a1b2', [e1, e2], 'ndjson.gz');
 * // 'signal/dt=2024-03-24/hour=16/a1b2-<e1.messageId>-2-<digest>.ndjson.gz'
 */
export function objectKey(prefix: string, partition: string, integrationId: string, events: readonly CanonicalEvent[], extension = 'ndjson'): string {
  const identity = JSON.stringify(events.map((e) => [e.messageId, e.receivedAt]));
  const digest = createHash('sha256').update(identity, 'utf8').digest('hex').slice(0, 16);
  const name = `${safeId(integrationId)}-${safeId(events[0]?.messageId ?? '')}-${events.length}-${digest}.${extension}`;
  return [prefix, partition, name].filter((part) => part !== '').join('/');
}
