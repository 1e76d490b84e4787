// The object key of a batch: the configured prefix, Hive-style date partitions
// (`dt=YYYY-MM-DD/hour=HH`, which Athena, Glue and Spark read as columns) and a file name
// derived only from the events of the object (their messageIds and the times Signal received
// them), so a retry of the same request writes the same key and overwrites its object (S3
// replaces an object whole; it never keeps a partial one) instead of adding a second copy.
// The partitions and names themselves are the SDK's (core/sdk/archive-objects.ts), shared with
// the other object storage plugins; the prefix's checks are S3's.
import { ARCHIVE_PARTITION_TIMES, archivePrefixOf, type ArchivePartitionTime, type JsonValue } from '../../core/sdk/index.ts';

export const PARTITION_TIMES = ARCHIVE_PARTITION_TIMES;
export type PartitionTime = ArchivePartitionTime;

/** Characters of a prefix: S3's "safe characters" for keys and `/`, no `..` segment. */
export const PREFIX_PATTERN = "^[A-Za-z0-9!_.*'()/-]*$";
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
  return archivePrefixOf(config, DEFAULT_PREFIX);
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

export { archiveObjectKey as objectKey, archivePartitionInstant as partitionInstant, archivePartitionOf as partitionOf } from '../../core/sdk/index.ts';
