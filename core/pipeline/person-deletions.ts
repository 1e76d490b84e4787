import { randomUUID } from 'node:crypto';
import { withTransaction, type Pool } from '../db/pool.ts';
import { storableText } from '../db/storable-strings.ts';
import { SignalError } from '../errors.ts';
import { NOTIFIED_POLLING, ensureQueue, transactionDb, type Boss } from '../queue/boss.ts';
import { assertUuid } from '../services/pipelines.ts';
import { firstIdReceivedFrom } from './event-replays.ts';
import { BROWSER_ATTRIBUTES_DAYS, forgetVisitorStatement, visitorDigest } from './partner-enrichment.ts';
import { forgetTraitsStatement, identityDigest } from './remembered-traits.ts';
import { namesNoOne } from '../sdk/placeholder-ids.ts';
import { addStatsStatement } from '../delivery/integration-stats.ts';
import { holdStatement, personDigests, type Person } from './suppression-list.ts';
import {
  deleteDeadLettersStatement, deleteDeliveryLogStatement, deleteEventsSliceStatement, distinctiveNeedles, eraseLastErrorsStatement, errorNeedles,
  MAX_DELETION_EMAILS, rememberedEmailsStatement, runningDeliveriesStatement, scrubQueuedStatement, type DeletionScope,
} from './person-deletion-statements.ts';
import { forwardDeletion, vendorDeletionsOf, type DeletionForwarding, type VendorDeletion } from './person-deletion-vendors.ts';
import { checkPageSize } from '../services/page-size.ts';

/** The queue whose jobs walk person deletions, a few slices each. */
export const PERSON_DELETION_QUEUE = 'person-deletion';
/** Where pg-boss moves a deletion's job that failed every try: the deletion is then marked failed. */
export const PERSON_DELETION_FAILED_QUEUE = 'person-deletion-failed';

/** Stored events a deletion walks per transaction. */
export const DELETION_SLICE = 5000;
/** Dead letters a deletion looks at per transaction. */
const DEAD_LETTER_SLICE = 2000;
/** How long one job walks before it queues the next (other jobs of the queue get a turn). */
const JOB_BUDGET_MS = 10_000;
/** While deliveries that may carry the person's events run, the deletion looks again this much later (a delivery job runs 15 minutes at most). */
const RUNNING_RECHECK_SECONDS = 5;
/**
 * Deliveries started up to this long after the request may still have read an older
 * suppression list (each worker reads it at most every 2 s), so they are waited for too.
 */
const STALE_LIST_MARGIN_SECONDS = 3;
/**
 * Deletions are rare and their next steps scheduled seconds ahead: a new request wakes the
 * worker at once (NOTIFY), and the backstop poll every 2 s, not 0.5 s like delivery, keeps
 * every worker's two pollers light.
 */
const DELETION_POLLING = NOTIFIED_POLLING;
/** The delivery log gathers exchanges for up to 1 s before writing them: its step waits this long after the deliveries settled. */
const LOG_FLUSH_WAIT_MS = 2000;

export type { Person } from './suppression-list.ts';
export type DeletionStatus = 'running' | 'done' | 'failed';
export type DeletionStep = 'events' | 'queued' | 'dead_letters' | 'delivery_log' | 'vendors' | 'done';

/** A person deletion with its progress. The ids it was given are not kept once it is done. */
export interface PersonDeletion {
  id: string;
  pipelineId: string;
  /** The ids as given, while it runs; null once done. */
  userId: string | null;
  anonymousId: string | null;
  byUserId: boolean;
  byAnonymousId: boolean;
  /** Whether the person's later events are held back too (until `unsuppressPerson`). */
  suppress: boolean;
  status: DeletionStatus;
  step: DeletionStep;
  /** Stored events deleted. */
  events: number;
  deadLetters: number;
  deliveryLogEntries: number;
  /**
   * Their events taken out of delivery jobs still waiting (transformed events and retries
   * travel in their jobs). Copies pg-boss keeps of jobs that ran are erased too, uncounted.
   */
  queuedEvents: number;
  /** Entries of remembered identify traits erased. */
  traits: number;
  /**
   * Email addresses found for the person (in their remembered identify traits and the traits
   * of the events deleted), passed to vendors that know people by email: how many, not which.
   */
  emailsFound: number;
  /** The vendors asked to delete the person too (plugins that forward deletions). */
  vendors: VendorDeletion[];
  reason: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface DeletionRow {
  id: string;
  pipeline_id: string;
  user_id: string | null;
  anonymous_id: string | null;
  by_user_id: boolean;
  by_anonymous_id: boolean;
  suppress: boolean;
  status: DeletionStatus;
  step: DeletionStep;
  cursor: string;
  to_id: string;
  events: string;
  dead_letters: string;
  delivery_log: string;
  queued_events: string;
  traits: number;
  emails: string[];
  emails_found: number;
  first_received_at: Date | null;
  latecomers_walked: boolean;
  scrubbed_at: Date | null;
  reason: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const DELETION_COLUMNS = 'id, pipeline_id, user_id, anonymous_id, by_user_id, by_anonymous_id, suppress, status, step, cursor, to_id, events, dead_letters, delivery_log, queued_events, traits, emails, emails_found, first_received_at, latecomers_walked, scrubbed_at, reason, created_at, finished_at';

function toDeletion(row: DeletionRow, vendors: VendorDeletion[] = []): PersonDeletion {
  return {
    id: row.id,
    pipelineId: row.pipeline_id,
    userId: row.user_id,
    anonymousId: row.anonymous_id,
    byUserId: row.by_user_id,
    byAnonymousId: row.by_anonymous_id,
    suppress: row.suppress,
    status: row.status,
    step: row.step,
    events: Number(row.events),
    deadLetters: Number(row.dead_letters),
    deliveryLogEntries: Number(row.delivery_log),
    queuedEvents: Number(row.queued_events),
    traits: row.traits,
    emailsFound: row.emails_found,
    vendors,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
}

/** Collect's limit for userId and anonymousId. */
const MAX_ID_LENGTH = 255;

function checkedId(value: string | null | undefined, field: 'userId' | 'anonymousId'): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be a non-blank text (omit it to name the person by the other id)`, [{ field, message: 'must not be blank' }]);
  }
  if (value.length > MAX_ID_LENGTH) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} cannot be an id Signal stored: it is longer than ${MAX_ID_LENGTH} characters (collect refuses such ids)`, [{ field, message: `must be at most ${MAX_ID_LENGTH} characters: no stored event can have it` }]);
  }
  if (namesNoOne(value)) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} "${value}" is what SDKs send when they have no id: it names no one, and the events of many unrelated visitors may carry it`, [{ field, message: 'names no one' }]);
  }
  // Collect stores a NUL or a lone surrogate as U+FFFD (storable-strings.ts): the id as the
  // client sent it names the person by what Signal stored.
  return storableText(value);
}

/**
 * Person deletions (privacy requests): `request` erases at once what Signal remembers of the
 * person (identify traits, what pages can read of partner profiles) and records entries that
 * hold back their events still on their way (and with `suppress` all their later ones); the
 * `person-deletion` queue's worker (worker role) then deletes their stored events, dead
 * letters and delivery-log entries and takes their events out of waiting delivery jobs.
 *
 * @example
 * const deletions = createPersonDeletions({ pool, boss });
 * const deletion = await deletions.request(pipelineId, { userId: 'u-1' }, { suppress: true });
 * await deletions.get(deletion.id); // { status: 'done', events: 12, deadLetters: 1, … }
 */
export function createPersonDeletions(deps: { pool: Pool; boss: Boss; onChange?: () => void }) {
  const { pool, boss } = deps;

  /**
   * 'live', or 'deleted' for a pipeline deleted whose events, dead letters or person deletions
   * are still stored (a deleted pipeline's data stays until its retention, and must be
   * erasable); else a 404.
   */
  async function pipelineState(pipelineId: string): Promise<'live' | 'deleted'> {
    assertUuid(pipelineId, 'pipelineId');
    // CASE stops at the first answer: a live pipeline costs no look at the dead letters (which
    // have no index by pipeline).
    const { rows: [found] } = await pool.query<{ state: 'live' | 'deleted' | null }>(
      `SELECT CASE WHEN EXISTS (SELECT 1 FROM signal.pipelines WHERE id = $1) THEN 'live'
                   WHEN EXISTS (SELECT 1 FROM signal.events WHERE pipeline_id = $1)
                     OR EXISTS (SELECT 1 FROM signal.person_deletions WHERE pipeline_id = $1)
                     OR EXISTS (SELECT 1 FROM signal.dead_letters WHERE pipeline_id = $1) THEN 'deleted' END AS state`,
      [pipelineId],
    );
    if (found?.state) return found.state;
    throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline with id ${pipelineId}, and no stored data of a deleted one`, [{ field: 'pipelineId', message: 'no such pipeline' }]);
  }

  function named(person: Person): { userId: string | null; anonymousId: string | null } {
    const userId = checkedId(person.userId, 'userId');
    const anonymousId = checkedId(person.anonymousId, 'anonymousId');
    if (userId === null && anonymousId === null) {
      throw new SignalError('SIGNAL_VALIDATION_FAILED', 'Name the person: userId, anonymousId or both', [{ field: 'userId', message: 'is required when there is no anonymousId' }]);
    }
    return { userId, anonymousId };
  }

  async function get(id: string): Promise<PersonDeletion> {
    assertUuid(id, 'id');
    const { rows } = await pool.query<DeletionRow>(`SELECT ${DELETION_COLUMNS} FROM signal.person_deletions WHERE id = $1`, [id]);
    if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `No person deletion with id ${id}`, [{ field: 'id', message: 'no such person deletion' }]);
    return toDeletion(rows[0], (await vendorDeletionsOf(pool, [id])).get(id));
  }

  return {
    /**
     * Starts deleting a person's data in a pipeline. The remembered traits and what pages can
     * read go at once; the events the person sent are held back from delivery from then on
     * (within 2 s on other worker nodes) and their stored copies are deleted by the worker.
     */
    async request(pipelineId: string, person: Person, options: { suppress?: boolean } = {}): Promise<PersonDeletion> {
      const state = await pipelineState(pipelineId);
      const ids = named(person);
      const suppress = options.suppress === true;
      const id = randomUUID();
      const row = await withTransaction(pool, async (client) => {
        // A deleted pipeline receives no event any more: nothing to hold back.
        if (state === 'live') {
          const hold = holdStatement(pipelineId, personDigests(ids), suppress);
          await client.query(hold.text, hold.values);
        }
        // Read before they are erased: vendors that know people by email only are asked by it.
        const remembered = rememberedEmailsStatement(pipelineId, personDigests(ids));
        const emails = ((await client.query<{ emails: string[] }>(remembered.text, remembered.values)).rows[0]?.emails ?? []).slice(0, MAX_DELETION_EMAILS);
        const forget = forgetTraitsStatement(pipelineId, personDigests(ids));
        const { rows: [erased] } = await client.query<{ erased: number }>(forget.text, forget.values);
        if (ids.anonymousId !== null) {
          const visitor = forgetVisitorStatement(pipelineId, visitorDigest(ids.anonymousId), BROWSER_ATTRIBUTES_DAYS);
          await client.query(visitor.text, visitor.values);
        }
        const { rows } = await client.query<DeletionRow>(
          `INSERT INTO signal.person_deletions (id, pipeline_id, user_id, anonymous_id, by_user_id, by_anonymous_id, suppress, traits, emails, emails_found, to_id)
           VALUES ($1, $2, $3::text, $4::text, $3::text IS NOT NULL, $4::text IS NOT NULL, $5, $6, $7::text[], cardinality($7::text[]), (SELECT COALESCE(max(id), 0) FROM signal.events))
           RETURNING ${DELETION_COLUMNS}`,
          [id, pipelineId, ids.userId, ids.anonymousId, suppress, erased?.erased ?? 0, emails],
        );
        // The request and its first job commit together: a request is never left without one.
        await boss.send(PERSON_DELETION_QUEUE, { deletionId: id } satisfies PersonDeletionJob, { db: transactionDb(client) });
        return rows[0]!;
      });
      deps.onChange?.();
      return toDeletion(row);
    },

    get,

    /** The pipeline's person deletions, newest first. */
    async list(pipelineId: string, limit = 20): Promise<PersonDeletion[]> {
      await pipelineState(pipelineId);
      checkPageSize(limit);
      const { rows } = await pool.query<DeletionRow>(
        `SELECT ${DELETION_COLUMNS} FROM signal.person_deletions WHERE pipeline_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
        [pipelineId, limit],
      );
      const vendors = await vendorDeletionsOf(pool, rows.map((r) => r.id));
      return rows.map((row) => toDeletion(row, vendors.get(row.id)));
    },

    /**
     * Lets a suppressed person's later events through again; returns how many of the ids named
     * were suppressed. What a deletion deleted stays deleted.
     */
    async unsuppress(pipelineId: string, person: Person): Promise<number> {
      if ((await pipelineState(pipelineId)) === 'deleted') {
        throw new SignalError('SIGNAL_NOT_FOUND', `Pipeline ${pipelineId} was deleted: it receives no events, so no one is suppressed in it`, [{ field: 'pipelineId', message: 'the pipeline was deleted' }]);
      }
      const { rowCount } = await pool.query(
        `UPDATE signal.person_suppressions SET suppressed = false, version = nextval('signal.person_suppressions_version'), updated_at = now()
          WHERE pipeline_id = $1 AND identity_digest = ANY($2::bytea[]) AND suppressed`,
        [pipelineId, personDigests(named(person))],
      );
      deps.onChange?.();
      return rowCount ?? 0;
    },

    /** Runs a failed deletion again from where it stopped. A running or done one is returned as it is. */
    async retry(id: string): Promise<PersonDeletion> {
      await get(id);
      await withTransaction(pool, async (client) => {
        const { rowCount } = await client.query(
          "UPDATE signal.person_deletions SET status = 'running', reason = NULL, finished_at = NULL, updated_at = now() WHERE id = $1 AND status = 'failed'",
          [id],
        );
        if (rowCount) await boss.send(PERSON_DELETION_QUEUE, { deletionId: id } satisfies PersonDeletionJob, { db: transactionDb(client) });
      });
      return get(id);
    },
  };
}

export type PersonDeletions = ReturnType<typeof createPersonDeletions>;

export interface PersonDeletionJob {
  deletionId: string;
}

/**
 * Consumes the `person-deletion` queue: each job walks a deletion for up to 10 s through its
 * steps — stored events in slices (each in one transaction with the progress; once more for
 * latecomers), the waiting delivery jobs (once the deliveries that may carry the person's
 * events are over: it looks again every 5 s), dead letters in slices, the delivery log, then
 * the vendors — and queues the next job where it stopped. A job that fails every try moves to
 * `person-deletion-failed`, whose worker marks the deletion failed.
 *
 * @example
 * await startPersonDeletionWorker({ boss, pool, bossSchema: 'pgboss', latecomersMs: 12_000, forwarding });
 */
export async function startPersonDeletionWorker(deps: {
  boss: Boss;
  pool: Pool;
  bossSchema: string;
  /** How long after a request an event received before it may still be committed (the group commit's timeout): the walk looks again for such latecomers then. */
  latecomersMs: number;
  /** Multiplies the waits for what is still on its way (`SIGNAL_DELETION_WAIT_SCALE`: tests shorten them); 1 unless told. */
  waitScale?: number;
  /** Forwards the deletion to vendors whose plugin can (without: none is asked). */
  forwarding?: DeletionForwarding;
  sliceSize?: number;
}): Promise<void> {
  const { boss, pool, bossSchema } = deps;
  const sliceSize = deps.sliceSize ?? DELETION_SLICE;
  const options = { batchSize: 1, ...DELETION_POLLING, localConcurrency: 1 } as const;
  const scale = deps.waitScale ?? 1;
  const latecomersMs = Math.round(deps.latecomersMs * scale);
  const staleListMarginMs = STALE_LIST_MARGIN_SECONDS * 1000 * scale;
  const again = (deletionId: string, afterSeconds?: number) =>
    boss.send(PERSON_DELETION_QUEUE, { deletionId } satisfies PersonDeletionJob, afterSeconds === undefined ? {} : { startAfter: afterSeconds });
  /**
   * Waits `ms` before the walk goes on: in this job when that is shorter than the queue's
   * polling (a job scheduled later is only found by a poll, so it would wait for one anyway),
   * else by queueing the next job then. True when the walk goes on here.
   */
  const later = async (deletionId: string, ms: number): Promise<boolean> => {
    if (ms < DELETION_POLLING.pollingIntervalSeconds * 1000) {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return true;
    }
    await again(deletionId, Math.ceil(ms / 1000));
    return false;
  };
  await boss.work<PersonDeletionJob, void, typeof options>(PERSON_DELETION_QUEUE, options, async ([job]) => {
    const deletionId = job!.data.deletionId;
    const startedAt = Date.now();
    for (;;) {
      const { rows: [row] } = await pool.query<DeletionRow>(`SELECT ${DELETION_COLUMNS} FROM signal.person_deletions WHERE id = $1`, [deletionId]);
      // Gone, failed meanwhile, or done already (a job run twice).
      if (!row || row.status !== 'running') return;
      // Suppression as it stands now: lifted (unsuppressPerson) meanwhile, later events stay.
      const { rows: [entry] } = row.suppress
        ? await pool.query<{ suppressed: boolean | null }>(
          'SELECT bool_or(suppressed) AS suppressed FROM signal.person_suppressions WHERE pipeline_id = $1 AND identity_digest = ANY($2::bytea[])',
          [row.pipeline_id, personDigests({ userId: row.user_id, anonymousId: row.anonymous_id })],
        )
        : { rows: [{ suppressed: false }] };
      const d: DeletionScope = {
        id: row.id, pipelineId: row.pipeline_id, userId: row.user_id, anonymousId: row.anonymous_id,
        suppress: entry?.suppressed === true, createdAt: row.created_at, firstReceivedAt: row.first_received_at, emails: row.emails,
      };
      if (row.step === 'events') {
        const slice = deleteEventsSliceStatement(d, { cursor: Number(row.cursor), toId: Number(row.to_id) }, sliceSize);
        const walked = await withTransaction(pool, async (client) => {
          const { rows: [result] } = await client.query<{ last: string | null; deleted: number; first_received_at: Date | null; emails: string[] }>(slice.text, slice.values);
          // Emails new to the deletion are added after those it had, up to MAX_DELETION_EMAILS.
          await client.query(
            `UPDATE signal.person_deletions SET cursor = COALESCE($2::bigint, cursor), events = events + $3::bigint, updated_at = now(),
                    first_received_at = LEAST(first_received_at, $4::timestamptz),
                    emails = ARRAY(SELECT x FROM unnest(emails || $5::text[]) WITH ORDINALITY AS u(x, n) GROUP BY x ORDER BY min(n) LIMIT $6),
                    emails_found = cardinality(ARRAY(SELECT x FROM unnest(emails || $5::text[]) WITH ORDINALITY AS u(x, n) GROUP BY x ORDER BY min(n) LIMIT $6))
              WHERE id = $1`,
            [deletionId, result?.last ?? null, result?.deleted ?? 0, result?.first_received_at ?? null, result?.emails ?? [], MAX_DELETION_EMAILS],
          );
          return result;
        });
        if (walked?.last == null) {
          // Walked up to the last id stored at the request. An event received before it may have
          // been committed later, with a higher id (a group commit in flight): once that can no
          // longer happen, walk once more up to the last id stored then.
          const { rows: [late] } = await pool.query<{ wait_ms: number }>(
            'SELECT GREATEST(0, $2::int - EXTRACT(EPOCH FROM (now() - created_at)) * 1000)::int AS wait_ms FROM signal.person_deletions WHERE id = $1',
            [deletionId, latecomersMs],
          );
          if (row.latecomers_walked) {
            await pool.query("UPDATE signal.person_deletions SET step = 'queued', updated_at = now() WHERE id = $1", [deletionId]);
          } else if ((late?.wait_ms ?? 0) > 0) {
            if (!await later(deletionId, late!.wait_ms)) return;
          } else {
            // A latecomer's id was taken when its statement began, up to the commit timeout
            // before the request: below ids committed earlier, so below the cursor. Walked again
            // from the first event received a while before that.
            const from = await firstIdReceivedFrom(pool, new Date(row.created_at.getTime() - 2 * deps.latecomersMs - 60_000));
            await pool.query(
              `UPDATE signal.person_deletions SET cursor = LEAST(cursor, $2::bigint), to_id = GREATEST(to_id, (SELECT COALESCE(max(id), 0) FROM signal.events)),
                      latecomers_walked = true, updated_at = now() WHERE id = $1`,
              [deletionId, from - 1],
            );
          }
        }
      } else if (row.step === 'queued') {
        // Running deliveries first: what they put back for a retry is scrubbed after them.
        const running = runningDeliveriesStatement(bossSchema, d, new Date(row.created_at.getTime() + staleListMarginMs));
        const { rows: [busy] } = await pool.query<{ running: number; past: boolean }>(running.text, running.values);
        const settled = busy?.running === 0 && busy.past;
        // Every job at the first look and once settled; in between, the jobs made since the
        // last look (what the running deliveries put back: a copy a transformation changed is
        // recognised only here, by its messageId, not when it is sent).
        const { rows: [clock] } = await pool.query<{ now: Date }>('SELECT now() AS now');
        const scrub = scrubQueuedStatement(bossSchema, d, settled || row.scrubbed_at === null ? null : new Date(row.scrubbed_at.getTime() - 5000));
        await withTransaction(pool, async (client) => {
          const scrubbed = (await client.query<{ name: string; removed: number; waiting: boolean; retrying: boolean }>(scrub.text, scrub.values)).rows;
          // Events still to be delivered were held back: counted so, and out of the retry gauge.
          // Per integration, in id order: the fan-out locks counters in that order too.
          const counts = new Map<string, { held: number; retrying: number }>();
          for (const changed of scrubbed.filter((r) => r.waiting)) {
            const integrationId = changed.name.slice('delivery.'.length);
            const count = counts.get(integrationId) ?? { held: 0, retrying: 0 };
            count.held += changed.removed;
            if (changed.retrying) count.retrying += changed.removed;
            counts.set(integrationId, count);
          }
          for (const [integrationId, count] of [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
            const statement = addStatsStatement(integrationId, { skippedSuppressed: count.held, retrying: -count.retrying });
            await client.query(statement.text, statement.values);
          }
          await client.query(
            `UPDATE signal.person_deletions SET queued_events = queued_events + $2::bigint, updated_at = now(), scrubbed_at = $4::timestamptz,
                    step = CASE WHEN $3::boolean THEN 'dead_letters' ELSE step END, settled_at = CASE WHEN $3::boolean THEN now() ELSE settled_at END,
                    cursor = CASE WHEN $3::boolean THEN 0 ELSE cursor END
              WHERE id = $1`,
            // Waiting copies only: those in jobs that ran (kept by pg-boss) are erased too, uncounted.
            [deletionId, scrubbed.filter((r) => r.waiting).reduce((sum, r) => sum + r.removed, 0), settled, clock!.now],
          );
        });
        if (!settled) {
          // Their events may still go out (they were on their way before the request).
          if (!await later(deletionId, (busy?.past ? RUNNING_RECHECK_SECONDS : STALE_LIST_MARGIN_SECONDS) * 1000 * scale)) return;
        }
      } else if (row.step === 'dead_letters') {
        // In slices by id (the cursor starts again at 0 for this step): each matches every
        // slice's dead letter against the messageIds deleted, which may be many.
        const statement = deleteDeadLettersStatement(d, distinctiveNeedles(d), { afterId: Number(row.cursor), limit: DEAD_LETTER_SLICE });
        await withTransaction(pool, async (client) => {
          const { rows: [result] } = await client.query<{ last: string | null; deleted: number; cleared: number }>(statement.text, statement.values);
          await client.query(
            `UPDATE signal.person_deletions SET dead_letters = dead_letters + $2::bigint, cursor = COALESCE($3::bigint, cursor), updated_at = now(),
                    step = CASE WHEN $3::bigint IS NULL THEN 'delivery_log' ELSE step END WHERE id = $1`,
            [deletionId, result?.deleted ?? 0, result?.last ?? null],
          );
        });
      } else if (row.step === 'delivery_log') {
        // What the settled deliveries logged is written within the log's gathering time.
        const { rows: [wait] } = await pool.query<{ ms: number }>(
          'SELECT GREATEST(0, $2::int - EXTRACT(EPOCH FROM (now() - settled_at)) * 1000)::int AS ms FROM signal.person_deletions WHERE id = $1',
          [deletionId, Math.round(LOG_FLUSH_WAIT_MS * scale)],
        );
        if ((wait?.ms ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, wait!.ms));
        const statement = deleteDeliveryLogStatement(d, distinctiveNeedles(d));
        const errors = eraseLastErrorsStatement(d.pipelineId, errorNeedles(d));
        await withTransaction(pool, async (client) => {
          const { rowCount } = await client.query(statement.text, statement.values);
          await client.query(errors.text, errors.values);
          // Traits remembered under the visitor cookie of events matched by the id their SDK sent.
          const { rows: visitors } = await client.query<{ visitor_id: string }>(
            'SELECT DISTINCT visitor_id FROM signal.person_deletion_messages WHERE deletion_id = $1 AND visitor_id IS NOT NULL AND visitor_id IS DISTINCT FROM $2',
            [deletionId, d.anonymousId],
          );
          let traits = 0;
          if (visitors.length > 0) {
            const forget = forgetTraitsStatement(d.pipelineId, visitors.map((v) => identityDigest('anonymous', v.visitor_id)));
            traits = (await client.query<{ erased: number }>(forget.text, forget.values)).rows[0]?.erased ?? 0;
            for (const { visitor_id: visitor } of visitors) {
              const browser = forgetVisitorStatement(d.pipelineId, visitorDigest(visitor), BROWSER_ATTRIBUTES_DAYS);
              await client.query(browser.text, browser.values);
            }
          }
          await client.query(
            "UPDATE signal.person_deletions SET delivery_log = delivery_log + $2::bigint, traits = traits + $3::int, step = 'vendors', updated_at = now() WHERE id = $1",
            [deletionId, rowCount ?? 0, traits],
          );
        });
      } else if (row.step === 'vendors') {
        // Last, once nothing of theirs is on its way to a vendor any more.
        const wait = deps.forwarding ? await forwardDeletion(pool, deps.forwarding, d, { userId: d.userId, anonymousId: d.anonymousId, emails: d.emails }) : null;
        if (wait !== null) {
          await again(deletionId, wait);
          return;
        }
        // Done with it: the ids it was given and the emails it found go, and so do the messageIds it collected.
        await withTransaction(pool, async (client) => {
          await client.query('DELETE FROM signal.person_deletion_messages WHERE deletion_id = $1', [deletionId]);
          await client.query(
            `UPDATE signal.person_deletions SET status = 'done', step = 'done', user_id = NULL, anonymous_id = NULL, emails = '{}', finished_at = now(), updated_at = now()
              WHERE id = $1 AND status = 'running'`,
            [deletionId],
          );
        });
        return;
      } else {
        return;
      }
      if (Date.now() - startedAt > JOB_BUDGET_MS) {
        await again(deletionId);
        return;
      }
    }
  });
  // Polled like the others: pg-boss sends no notification when it moves a job here.
  const failedOptions = { includeMetadata: true, batchSize: 1, ...DELETION_POLLING } as const;
  await boss.work<PersonDeletionJob, void, typeof failedOptions>(PERSON_DELETION_FAILED_QUEUE, failedOptions, async ([job]) => {
    const output = job!.sourceOutput as { message?: unknown } | null;
    const error = typeof output?.message === 'string' ? output.message : 'no error recorded';
    await pool.query(
      `UPDATE signal.person_deletions SET status = 'failed', finished_at = now(), updated_at = now(),
              reason = 'its ' || replace(step, '_', ' ') || ' step ' || $2
        WHERE id = $1 AND status = 'running'`,
      [job!.data.deletionId, `failed ${(job!.sourceRetryCount ?? 0) + 1} times (${error.slice(0, 500)}): run it again (retryPersonDeletion) once the cause is mended`],
    );
  });
}

/** Creates the `person-deletion` queue and its failure queue unless they exist (every role may request a deletion). */
export async function ensurePersonDeletionQueues(boss: Boss): Promise<void> {
  await ensureQueue(boss, PERSON_DELETION_FAILED_QUEUE, { retryLimit: 10, retryDelay: 5, retryBackoff: true, notify: true });
  await ensureQueue(boss, PERSON_DELETION_QUEUE, { retryLimit: 10, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 15 * 60, notify: true, deadLetter: PERSON_DELETION_FAILED_QUEUE });
}
