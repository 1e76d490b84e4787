import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { identityDigest } from './remembered-traits.ts';

/** Entries of deletions without suppression are kept this long: retries and late fan-outs of older events are over by then. */
export const HELD_ENTRY_DAYS = 30;

/** The ids a privacy request names: a userId, an anonymousId (the `_dfdid` visitor id, or the one a client sent) or both. */
export interface Person {
  userId?: string | null;
  anonymousId?: string | null;
}

/**
 * The digests of the identities an event carries, as the suppression list keys them: its
 * userId, its anonymousId, the anonymousId its client sent beside the visitor cookie, and an
 * alias call's previousId (as either kind).
 *
 * @example
 * eventIdentityDigests({ type: 'track', event: 'x', userId: 'u-1' }); // [identityDigest('user', 'u-1')]
 */
export function eventIdentityDigests(event: CanonicalEvent): Buffer[] {
  const digests: Buffer[] = [];
  if (typeof event.userId === 'string') digests.push(identityDigest('user', event.userId));
  if (typeof event.anonymousId === 'string') digests.push(identityDigest('anonymous', event.anonymousId));
  const client = (event.context as { clientAnonymousId?: unknown } | undefined)?.clientAnonymousId;
  if (typeof client === 'string') digests.push(identityDigest('anonymous', client));
  // An alias call names the id the person had before, a userId or an anonymousId.
  if (typeof event.previousId === 'string') digests.push(identityDigest('user', event.previousId), identityDigest('anonymous', event.previousId));
  return digests;
}

/** The digests a request's ids are listed under. */
export function personDigests(person: Person): Buffer[] {
  return [
    ...(person.userId ? [identityDigest('user', person.userId)] : []),
    ...(person.anonymousId ? [identityDigest('anonymous', person.anonymousId)] : []),
  ];
}

/**
 * Whose events the pipeline stage and the delivery worker hold back: kept in memory, and what
 * changed read again (checked at most every `maxAgeMs`, so another node's request takes
 * effect within that time). A pipeline without entries costs no hashing.
 */
export interface SuppressionList {
  /** Reads the list again if it may be older than `maxAgeMs`; throws when it cannot be read (an event must not slip through). */
  fresh(): Promise<void>;
  /** Whether an event of the pipeline received at `receivedAtMs` is held back. */
  holds(pipelineId: string, event: CanonicalEvent, receivedAtMs: number): boolean;
  /** Marks the list stale, so the next `fresh` reads it (a request made in this process). */
  stale(): void;
}

/**
 * The suppression list of one process: the first `fresh` reads every entry, later ones what
 * was written since (a count and a sum of versions tell when rows went, and then all is read
 * again).
 *
 * @example
 * const suppressions = createSuppressionList(pool);
 * await suppressions.fresh();
 * suppressions.holds(pipelineId, event, Date.parse(event.receivedAt)); // false
 */
export function createSuppressionList(pool: Pool, maxAgeMs = 2000): SuppressionList {
  type Entry = { heldUntil: number; suppressed: boolean; version: bigint };
  type Row = { pipeline_id: string; digest: string; held_until: Date; suppressed: boolean; version: string };
  /** The list as read: per pipeline, per digest (base64); with the row count and the sum and maximum of the versions. */
  let list = { entries: new Map<string, Map<string, Entry>>(), size: 0, sum: 0n, max: 0n };
  let checkedAt = -Infinity;
  let reading: Promise<void> | undefined;

  function put(into: typeof list, row: Row): void {
    let pipeline = into.entries.get(row.pipeline_id);
    if (!pipeline) into.entries.set(row.pipeline_id, (pipeline = new Map()));
    const version = BigInt(row.version);
    const before = pipeline.get(row.digest);
    if (before) into.sum -= before.version;
    else into.size++;
    into.sum += version;
    if (version > into.max) into.max = version;
    pipeline.set(row.digest, { heldUntil: row.held_until.getTime(), suppressed: row.suppressed, version });
  }

  /** Rows written after version `after` (every write takes a new version). */
  async function rowsAfter(after: bigint): Promise<Row[]> {
    const { rows } = await pool.query<Row>(
      "SELECT pipeline_id, encode(identity_digest, 'base64') AS digest, held_until, suppressed, version::text FROM signal.person_suppressions WHERE version > $1::bigint",
      [after.toString()],
    );
    return rows;
  }

  async function read(): Promise<void> {
    const startedAt = Date.now();
    const { rows: [summary] } = await pool.query<{ n: number; sum: string; max: string }>(
      'SELECT count(*)::int AS n, COALESCE(sum(version), 0)::text AS sum, COALESCE(max(version), 0)::text AS max FROM signal.person_suppressions',
    );
    const seen = { size: summary?.n ?? 0, sum: BigInt(summary?.sum ?? '0'), max: BigInt(summary?.max ?? '0') };
    // Usually only what was written since the last read: a long list is not read again whole.
    if (seen.max > list.max) for (const row of await rowsAfter(list.max)) put(list, row);
    if (seen.size !== list.size || seen.sum !== list.sum) {
      // Rows went (the prune, a deleted pipeline), or a write with an older version committed
      // after a newer one was read: read it all again.
      const next = { entries: new Map<string, Map<string, Entry>>(), size: 0, sum: 0n, max: 0n };
      for (const row of await rowsAfter(0n)) put(next, row);
      list = next;
    }
    checkedAt = startedAt;
  }

  return {
    async fresh() {
      if (Date.now() - checkedAt < maxAgeMs) return;
      reading ??= read().finally(() => {
        reading = undefined;
      });
      await reading;
    },
    holds(pipelineId, event, receivedAtMs) {
      const pipeline = list.entries.get(pipelineId);
      if (!pipeline) return false;
      for (const digest of eventIdentityDigests(event)) {
        const entry = pipeline.get(digest.toString('base64'));
        if (entry && (entry.suppressed || receivedAtMs < entry.heldUntil)) return true;
      }
      return false;
    },
    stale() {
      checkedAt = -Infinity;
    },
  };
}

/**
 * Records or widens suppression entries: events received before now are held back, and with
 * `suppress` every later one too. A second request never lifts the first's suppression.
 */
export function holdStatement(pipelineId: string, digests: Buffer[], suppress: boolean) {
  return {
    text: `INSERT INTO signal.person_suppressions AS s (pipeline_id, identity_digest, held_until, suppressed)
           SELECT $1, d, now(), $3 FROM unnest($2::bytea[]) AS d
           ON CONFLICT (pipeline_id, identity_digest) DO UPDATE
             SET held_until = GREATEST(s.held_until, EXCLUDED.held_until), suppressed = s.suppressed OR EXCLUDED.suppressed,
                 version = nextval('signal.person_suppressions_version'), updated_at = now()`,
    values: [pipelineId, digests, suppress],
  };
}

/**
 * Deletes up to `$2` entries of deletions without suppression older than `$1` days.
 *
 * @example
 * const { rowCount } = await pool.query(pruneHeldStatement(), [HELD_ENTRY_DAYS, 10_000]);
 */
export function pruneHeldStatement(): string {
  return `DELETE FROM signal.person_suppressions
           WHERE ctid = ANY (ARRAY(SELECT ctid FROM signal.person_suppressions
                                    WHERE NOT suppressed AND held_until < now() - make_interval(days => $1) LIMIT $2))`;
}
