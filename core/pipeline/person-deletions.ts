import { randomUUID } from 'node:crypto';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { withTransaction, type Pool } from '../db/pool.ts';
import { hasUnstorableCharacters } from '../db/storable-strings.ts';
import { SignalError } from '../errors.ts';
import { WORK_POLLING, ensureQueue, jobTable, transactionDb, type Boss } from '../queue/boss.ts';
import { assertUuid } from '../services/pipelines.ts';
import { firstIdReceivedFrom } from './event-replays.ts';
import { BROWSER_ATTRIBUTES_DAYS, forgetVisitorStatement, visitorDigest } from './partner-enrichment.ts';
import { forgetTraitsStatement, identityDigest, isPlaceholderId } from './remembered-traits.ts';
import { addStatsStatement } from '../delivery/integration-stats.ts';
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
/** The delivery log gathers exchanges for up to 1 s before writing them: its step waits this long after the deliveries settled. */
const LOG_FLUSH_WAIT_MS = 2000;
/** Entries of deletions without suppression are kept this long: retries and late fan-outs of older events are over by then. */
export const HELD_ENTRY_DAYS = 30;

/** The ids a privacy request names: a userId, an anonymousId (the `_dfdid` visitor id, or the one a client sent) or both. */
export interface Person {
  userId?: string | null;
  anonymousId?: string | null;
}

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
   * Copies of their events taken out of delivery jobs (transformed events and retries travel in
   * their jobs): waiting ones, and those pg-boss keeps after they ran.
   */
  queuedEvents: number;
  /** Entries of remembered identify traits erased. */
  traits: number;
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
  first_received_at: Date | null;
  latecomers_walked: boolean;
  scrubbed_at: Date | null;
  reason: string | null;
  created_at: Date;
  finished_at: Date | null;
}

const DELETION_COLUMNS = 'id, pipeline_id, user_id, anonymous_id, by_user_id, by_anonymous_id, suppress, status, step, cursor, to_id, events, dead_letters, delivery_log, queued_events, traits, first_received_at, latecomers_walked, scrubbed_at, reason, created_at, finished_at';

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
    vendors,
    reason: row.reason,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  };
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
function personDigests(person: Person): Buffer[] {
  return [
    ...(person.userId ? [identityDigest('user', person.userId)] : []),
    ...(person.anonymousId ? [identityDigest('anonymous', person.anonymousId)] : []),
  ];
}

/**
 * Whose events the pipeline stage and the delivery worker hold back: read whole into memory,
 * and again when it changed (checked at most every `maxAgeMs`, so another node's request
 * takes effect within that time). A pipeline without entries costs no hashing.
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
 * What a deletion's statements need: the request, the ids it names, whether later events go too
 * (`suppress`; else only those received before the request), and the oldest receive time of the
 * events it deleted (jobs older than that cannot carry their copies).
 */
export interface DeletionScope {
  id: string;
  pipelineId: string;
  userId: string | null;
  anonymousId: string | null;
  suppress: boolean;
  createdAt: Date;
  firstReceivedAt: Date | null;
}

/**
 * The SQL condition that an event (a `json` or `jsonb` value) is the person's and within the
 * request: one of its ids is a named one ($u, $a; `previousId` of an alias calls either), and
 * unless `$suppress` it was received before the request ($created).
 */
function personEventCondition(event: string, p: { u: string; a: string; suppress: string; created: string }): string {
  return `((${event}->>'userId' = ${p.u} OR ${event}->>'anonymousId' = ${p.a} OR ${event}->'context'->>'clientAnonymousId' = ${p.a}
            OR ${event}->>'previousId' IN (${p.u}, ${p.a}))
           AND (${p.suppress}::boolean OR (${event}->>'receivedAt')::timestamptz < ${p.created}::timestamptz))`;
}

/**
 * One slice of a deletion's walk over stored events: of the pipeline's events after `cursor`
 * up to `toId` (at most `limit`), deletes the person's, remembering their messageIds (and
 * visitor ids, under which traits were remembered) for the later steps. Returns the slice's
 * last id (null: nothing left), how many went, and the oldest receive time among them.
 *
 * @example
 * const { text, values } = deleteEventsSliceStatement(scope, { cursor: 0, toId: 9000 }, 5000);
 */
export function deleteEventsSliceStatement(d: DeletionScope, range: { cursor: number; toId: number }, limit: number) {
  return {
    text: `WITH slice AS (
             SELECT id FROM signal.events WHERE pipeline_id = $1 AND id > $2 AND id <= $3 ORDER BY id LIMIT $6
           ), gone AS (
             DELETE FROM signal.events e USING slice
              WHERE e.id = slice.id
                AND (e.payload->>'userId' = $4 OR e.payload->>'anonymousId' = $5 OR e.payload->'context'->>'clientAnonymousId' = $5
                     OR e.payload->>'previousId' IN ($4, $5))
                AND ($8::boolean OR e.received_at < $9::timestamptz)
             RETURNING e.message_id, e.payload->>'anonymousId' AS visitor_id, e.received_at
           ), remembered AS (
             INSERT INTO signal.person_deletion_messages (deletion_id, message_id, visitor_id) SELECT $7, message_id, visitor_id FROM gone
           )
           SELECT (SELECT max(id) FROM slice)::text AS last, (SELECT count(*) FROM gone)::int AS deleted, (SELECT min(received_at) FROM gone) AS first_received_at`,
    values: [d.pipelineId, range.cursor, range.toId, d.userId, d.anonymousId, limit, d.id, d.suppress, d.createdAt],
  };
}

/**
 * One slice of the dead-letter step: of the pipeline's dead letters after `afterId` (at most
 * `limit`), deletes the person's (by the ids in the event as it was queued, or by the
 * messageId of an event the request deleted: a transformation may have renamed or hashed the
 * ids), and clears the last request and answer of the others' that carried one of those
 * events (a batch request, its body kept as JSON or as a text preview; looked for in dead
 * letters made since the oldest of them was received) or quote the person's distinctive ids
 * (`needles`). Returns the slice's last id (null: none left) and the counts.
 *
 * @example
 * const { text, values } = deleteDeadLettersStatement(scope, exchangeNeedles('user-0001'), { afterId: 0, limit: 2000 });
 */
export function deleteDeadLettersStatement(d: DeletionScope, needles: string[], range: { afterId: number; limit: number }) {
  const theirs = `(${personEventCondition('l.event', { u: '$2', a: '$3', suppress: '$5', created: '$6' })}
                   OR l.message_id IN (SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = $4))`;
  const carries = (column: string) => `strpos(COALESCE(l.${column}::text, ''), m.quoted) > 0 OR strpos(COALESCE(l.${column}::text, ''), m.escaped) > 0`;
  return {
    text: `WITH slice AS (
             SELECT id FROM signal.dead_letters WHERE pipeline_id = $1 AND id > $9 ORDER BY id LIMIT $10
           ), gone AS (
             DELETE FROM signal.dead_letters l USING slice WHERE l.id = slice.id AND ${theirs} RETURNING l.id
           ), deleted AS (
             SELECT to_json(message_id)::text AS quoted, replace(to_json(message_id)::text, '"', '\\"') AS escaped
               FROM signal.person_deletion_messages WHERE deletion_id = $4
           ), cleared AS (
             UPDATE signal.dead_letters l SET last_request = NULL, last_response = NULL
              WHERE l.id IN (SELECT id FROM slice) AND l.id NOT IN (SELECT id FROM gone) AND (l.last_request IS NOT NULL OR l.last_response IS NOT NULL)
                AND (EXISTS (SELECT 1 FROM unnest($7::text[]) AS n
                              WHERE strpos(COALESCE(l.last_request::text, ''), n) > 0 OR strpos(COALESCE(l.last_response::text, ''), n) > 0)
                     OR (l.created_at >= $8::timestamptz AND EXISTS (SELECT 1 FROM deleted m WHERE ${carries('last_request')})))
             RETURNING l.id
           )
           SELECT (SELECT max(id) FROM slice)::text AS last, (SELECT count(*) FROM gone)::int AS deleted, (SELECT count(*) FROM cleared)::int AS cleared`,
    values: [d.pipelineId, d.userId, d.anonymousId, d.id, d.suppress, d.createdAt, needles, d.firstReceivedAt, range.afterId, range.limit],
  };
}

/**
 * The forms an id takes in a logged vendor exchange: a JSON string, a string inside a JSON
 * string (a body kept as text), a URL parameter value.
 *
 * @example
 * exchangeNeedles('u 1'); // ['"u 1"', '\\"u 1\\"', '=u%201&', '=u%201"']
 */
export function exchangeNeedles(id: string): string[] {
  const quoted = JSON.stringify(id);
  const encoded = encodeURIComponent(id);
  return [quoted, JSON.stringify(quoted).slice(1, -1), `=${encoded}&`, `=${encoded}"`];
}

/**
 * Whether an id is distinctive enough to look for as text in others' logged exchanges: "1" or
 * "12345" is also a quantity or a product id. Shorter ones are found through the messageIds
 * of the events deleted.
 */
export function isDistinctiveId(id: string): boolean {
  return id.length >= 8;
}

/** The text forms of the person's distinctive ids (see isDistinctiveId). */
function distinctiveNeedles(d: DeletionScope): string[] {
  return [d.userId, d.anonymousId].flatMap((id) => (id !== null && isDistinctiveId(id) ? exchangeNeedles(id) : []));
}

/**
 * Deletes the delivery-log entries of the pipeline's integrations (and of deleted integrations,
 * which no longer say their pipeline) that carried the person's events: by messageId of an event
 * the request deleted, or by the person's distinctive ids in the request, the answer or the
 * error. A batch carrying others' events too goes whole (the log is for debugging; a redacted
 * half would mislead).
 *
 * @example
 * const { text, values } = deleteDeliveryLogStatement(scope, exchangeNeedles('user-0001'));
 */
export function deleteDeliveryLogStatement(d: DeletionScope, needles: string[]) {
  return {
    text: `DELETE FROM signal.delivery_log l
            WHERE (l.pipeline_integration_id IN (SELECT id FROM signal.pipeline_integrations WHERE pipeline_id = $1)
                   OR NOT EXISTS (SELECT 1 FROM signal.pipeline_integrations a WHERE a.id = l.pipeline_integration_id))
              AND (l.event_ids && ARRAY(SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = $2)
                   OR EXISTS (SELECT 1 FROM unnest($3::text[]) AS n
                               WHERE strpos(l.request::text, n) > 0 OR strpos(COALESCE(l.response_body, ''), n) > 0 OR strpos(COALESCE(l.error, ''), n) > 0))`,
    values: [d.pipelineId, d.id, needles],
  };
}

/** What replaces an integration's last error that quoted a deleted person. */
export const ERASED_ERROR = '(erased by a person deletion: it quoted the person)';

/**
 * Replaces the last delivery and enrichment errors of the pipeline's integrations that quote
 * the person (a vendor's answer echoing the request) with ERASED_ERROR. Any id counts: erasing
 * another person's last error by mistake loses only a hint.
 *
 * @example
 * const { text, values } = eraseLastErrorsStatement(pipelineId, exchangeNeedles('u-1'));
 */
export function eraseLastErrorsStatement(pipelineId: string, needles: string[]) {
  const quotes = (column: string) => `EXISTS (SELECT 1 FROM unnest($2::text[]) AS n WHERE strpos(COALESCE(s.${column}, ''), n) > 0)`;
  return {
    text: `UPDATE signal.integration_stats s
              SET last_error = CASE WHEN ${quotes('last_error')} THEN $3 ELSE s.last_error END,
                  last_enrichment_error = CASE WHEN ${quotes('last_enrichment_error')} THEN $3 ELSE s.last_enrichment_error END
            WHERE s.pipeline_integration_id IN (SELECT id FROM signal.pipeline_integrations WHERE pipeline_id = $1)
              AND (${quotes('last_error')} OR ${quotes('last_enrichment_error')})`,
    values: [pipelineId, needles, ERASED_ERROR],
  };
}

/** A jsonb containment probe per id, as the events of a job may carry it. */
function containmentProbes(person: { userId: string | null; anonymousId: string | null }): string[] {
  const ids = [person.userId, person.anonymousId].filter((id): id is string => id !== null);
  return [
    ...(person.userId !== null ? [JSON.stringify([{ userId: person.userId }])] : []),
    ...(person.anonymousId !== null ? [JSON.stringify([{ anonymousId: person.anonymousId }]), JSON.stringify([{ context: { clientAnonymousId: person.anonymousId } }])] : []),
    ...ids.map((id) => JSON.stringify([{ previousId: id }])),
  ];
}

/**
 * The delivery jobs of the pipeline's integrations whose events may be the person's: one of
 * them carries a named id, or (in jobs made since the oldest event the request deleted) the
 * messageId of one it deleted — a transformation may have hashed or removed the ids.
 */
function jobsCarrying(job: string, p: { pipeline: string; probes: string; deletion: string; since: string }): string {
  return `${job}.name IN (SELECT 'delivery.' || id FROM signal.pipeline_integrations WHERE pipeline_id = ${p.pipeline})
          AND jsonb_typeof(${job}.data->'events') = 'array'
          AND (EXISTS (SELECT 1 FROM unnest(${p.probes}::jsonb[]) AS p WHERE ${job}.data->'events' @> p)
               OR (${job}.created_on >= ${p.since}
                   AND EXISTS (SELECT 1 FROM jsonb_array_elements(${job}.data->'events') AS e
                                WHERE e->>'messageId' IN (SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = ${p.deletion}))))`;
}

/**
 * Takes the person's events (received before the request, or all with `suppress`) out of the
 * delivery jobs of the pipeline's integrations that are not being worked on (waiting,
 * scheduled for a retry, or kept after completion or failure), with their warnings index for
 * index. Returns one row per job changed: its queue, how many went, whether it was waiting
 * (its events were still to be delivered: counted as held back) and whether it is a retry
 * (its events count in the integration's `retrying` gauge). Jobs carrying stored events' ids
 * need nothing: those rows are gone. With `createdSince`, only jobs made since then (a look
 * while running deliveries are waited for: what they put back).
 *
 * @example
 * const { text, values } = scrubQueuedStatement('pgboss', scope);
 */
export function scrubQueuedStatement(bossSchema: string, d: DeletionScope, createdSince: Date | null = null) {
  const job = jobTable(bossSchema);
  const theirs = `(${personEventCondition('x.value', { u: '$2', a: '$3', suppress: '$6', created: '$7' })}
                   OR x.value->>'messageId' IN (SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = $5))`;
  return {
    text: `WITH found AS (
             -- Locked, and read again once locked: another deletion scrubbing the same job at the
             -- same moment would otherwise have its removals undone by this one's write.
             SELECT j.name, j.id, j.data FROM ${job} j
              WHERE j.state <> 'active' AND ($9::timestamptz IS NULL OR j.created_on >= $9::timestamptz)
                AND ${jobsCarrying('j', { pipeline: '$1', probes: '$4', deletion: '$5', since: 'COALESCE($8::timestamptz, $7::timestamptz)' })}
              FOR UPDATE OF j
           ), kept AS (
             SELECT f.name, f.id,
                    COALESCE(jsonb_agg(e.value ORDER BY e.n) FILTER (WHERE NOT e.gone), '[]'::jsonb) AS events,
                    COALESCE(jsonb_agg(COALESCE(f.data->'warnings'->((e.n - 1)::int), 'null'::jsonb) ORDER BY e.n) FILTER (WHERE NOT e.gone), '[]'::jsonb) AS warnings,
                    count(*) FILTER (WHERE e.gone) AS removed
               FROM found f
               CROSS JOIN LATERAL (
                 SELECT x.value, x.n, COALESCE(${theirs}, false) AS gone
                   FROM jsonb_array_elements(f.data->'events') WITH ORDINALITY AS x(value, n)
               ) e
              GROUP BY f.name, f.id
           )
           UPDATE ${job} j
              SET data = j.data || jsonb_build_object('events', kept.events)
                         || CASE WHEN j.data ? 'warnings' THEN jsonb_build_object('warnings', kept.warnings) ELSE '{}'::jsonb END
             FROM kept
            WHERE j.name = kept.name AND j.id = kept.id AND j.state <> 'active' AND kept.removed > 0
           RETURNING j.name, kept.removed::int AS removed, j.state IN ('created', 'retry') AS waiting,
                     (COALESCE((j.data->>'attempt')::int, 1) > 1 OR j.data ? 'throttledSince') AS retrying`,
    values: [d.pipelineId, d.userId, d.anonymousId, containmentProbes(d), d.id, d.suppress, d.createdAt, d.firstReceivedAt, createdSince],
  };
}

/**
 * How many jobs run that may still put the person's events on their way, or send them and
 * write dead letters, log entries and retries for them: the pipeline's delivery jobs that
 * started before `startedBefore` (the request plus a margin: they may have read the events
 * from the store before they were deleted, or an older suppression list) or that carry an
 * event of theirs within the request (a retry put back and fetched again), and the fan-outs
 * (`ingest` jobs) that started before it (they may queue copies). `past`: whether
 * `startedBefore` has passed (before, another such job may yet start).
 *
 * @example
 * const { text, values } = runningDeliveriesStatement('pgboss', scope, startedBefore);
 */
export function runningDeliveriesStatement(bossSchema: string, d: DeletionScope, startedBefore: Date) {
  const theirs = `(${personEventCondition('x.value', { u: '$3', a: '$4', suppress: '$5', created: '$6' })}
                   OR x.value->>'messageId' IN (SELECT message_id FROM signal.person_deletion_messages WHERE deletion_id = $7))`;
  return {
    text: `SELECT count(*)::int AS running, now() >= $2::timestamptz AS past FROM ${jobTable(bossSchema)} j
            WHERE j.state = 'active'
              AND ((j.name = 'ingest' AND j.started_on < $2)
                   OR (j.name IN (SELECT 'delivery.' || id FROM signal.pipeline_integrations WHERE pipeline_id = $1)
                       AND (j.started_on < $2
                            OR (jsonb_typeof(j.data->'events') = 'array'
                                AND EXISTS (SELECT 1 FROM jsonb_array_elements(j.data->'events') AS x WHERE COALESCE(${theirs}, false))))))`,
    values: [d.pipelineId, startedBefore, d.userId, d.anonymousId, d.suppress, d.createdAt, d.id],
  };
}

/**
 * Records or widens suppression entries: events received before now are held back, and with
 * `suppress` every later one too. A second request never lifts the first's suppression.
 */
function holdStatement(pipelineId: string, digests: Buffer[], suppress: boolean) {
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

/** Collect's limit for userId and anonymousId. */
const MAX_ID_LENGTH = 255;

function checkedId(value: string | null | undefined, field: 'userId' | 'anonymousId'): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || value.trim() === '') {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be a non-blank text (omit it to name the person by the other id)`, [{ field, message: 'must not be blank' }]);
  }
  if (value.length > MAX_ID_LENGTH || hasUnstorableCharacters(JSON.stringify(value))) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} cannot be an id Signal stored: it is longer than ${MAX_ID_LENGTH} characters or holds a NUL (collect refuses such ids)`, [{ field, message: 'no stored event can have it' }]);
  }
  if (isPlaceholderId(value)) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} "${value}" is what SDKs send when they have no id: it names no one, and the events of many unrelated visitors may carry it`, [{ field, message: 'names no one' }]);
  }
  return value;
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
    const { rows: [found] } = await pool.query<{ live: boolean; stored: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM signal.pipelines WHERE id = $1) AS live,
              EXISTS (SELECT 1 FROM signal.events WHERE pipeline_id = $1)
              OR EXISTS (SELECT 1 FROM signal.dead_letters WHERE pipeline_id = $1)
              OR EXISTS (SELECT 1 FROM signal.person_deletions WHERE pipeline_id = $1) AS stored`,
      [pipelineId],
    );
    if (found?.live) return 'live';
    if (found?.stored) return 'deleted';
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
        const forget = forgetTraitsStatement(pipelineId, personDigests(ids));
        const { rows: [erased] } = await client.query<{ erased: number }>(forget.text, forget.values);
        if (ids.anonymousId !== null) {
          const visitor = forgetVisitorStatement(pipelineId, visitorDigest(ids.anonymousId), BROWSER_ATTRIBUTES_DAYS);
          await client.query(visitor.text, visitor.values);
        }
        const { rows } = await client.query<DeletionRow>(
          `INSERT INTO signal.person_deletions (id, pipeline_id, user_id, anonymous_id, by_user_id, by_anonymous_id, suppress, traits, to_id)
           VALUES ($1, $2, $3::text, $4::text, $3::text IS NOT NULL, $4::text IS NOT NULL, $5, $6, (SELECT COALESCE(max(id), 0) FROM signal.events))
           RETURNING ${DELETION_COLUMNS}`,
          [id, pipelineId, ids.userId, ids.anonymousId, suppress, erased?.erased ?? 0],
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
 * Consumes the `person-deletion` queue: each job walks a deletion for up to 10 s (slices of
 * stored events, each in one transaction with the progress, then the dead letters, the
 * delivery log and the waiting delivery jobs) and queues the next. While a delivery job
 * carrying the person's events is being worked on, it looks again 30 s later. A job that fails
 * every try moves to `person-deletion-failed`, whose worker marks the deletion failed.
 *
 * @example
 * await startPersonDeletionWorker({ boss, pool, bossSchema: 'pgboss' });
 */
export async function startPersonDeletionWorker(deps: {
  boss: Boss;
  pool: Pool;
  bossSchema: string;
  /** How long after a request an event received before it may still be committed (the group commit's timeout): the walk looks again for such latecomers then. */
  latecomersMs: number;
  /** Forwards the deletion to vendors whose plugin can (without: none is asked). */
  forwarding?: DeletionForwarding;
  sliceSize?: number;
}): Promise<void> {
  const { boss, pool, bossSchema } = deps;
  const sliceSize = deps.sliceSize ?? DELETION_SLICE;
  const options = { batchSize: 1, ...WORK_POLLING, localConcurrency: 1 } as const;
  const again = (deletionId: string, afterSeconds?: number) =>
    boss.send(PERSON_DELETION_QUEUE, { deletionId } satisfies PersonDeletionJob, afterSeconds === undefined ? {} : { startAfter: afterSeconds });
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
        suppress: entry?.suppressed === true, createdAt: row.created_at, firstReceivedAt: row.first_received_at,
      };
      if (row.step === 'events') {
        const slice = deleteEventsSliceStatement(d, { cursor: Number(row.cursor), toId: Number(row.to_id) }, sliceSize);
        const walked = await withTransaction(pool, async (client) => {
          const { rows: [result] } = await client.query<{ last: string | null; deleted: number; first_received_at: Date | null }>(slice.text, slice.values);
          await client.query(
            `UPDATE signal.person_deletions SET cursor = COALESCE($2::bigint, cursor), events = events + $3::bigint, updated_at = now(),
                    first_received_at = LEAST(first_received_at, $4::timestamptz)
              WHERE id = $1`,
            [deletionId, result?.last ?? null, result?.deleted ?? 0, result?.first_received_at ?? null],
          );
          return result;
        });
        if (walked?.last == null) {
          // Walked up to the last id stored at the request. An event received before it may have
          // been committed later, with a higher id (a group commit in flight): once that can no
          // longer happen, walk once more up to the last id stored then.
          const { rows: [late] } = await pool.query<{ wait_ms: number }>(
            'SELECT GREATEST(0, $2::int - EXTRACT(EPOCH FROM (now() - created_at)) * 1000)::int AS wait_ms FROM signal.person_deletions WHERE id = $1',
            [deletionId, deps.latecomersMs],
          );
          if (row.latecomers_walked) {
            await pool.query("UPDATE signal.person_deletions SET step = 'queued', updated_at = now() WHERE id = $1", [deletionId]);
          } else if ((late?.wait_ms ?? 0) > 0) {
            await again(deletionId, Math.ceil(late!.wait_ms / 1000));
            return;
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
        const running = runningDeliveriesStatement(bossSchema, d, new Date(row.created_at.getTime() + STALE_LIST_MARGIN_SECONDS * 1000));
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
            [deletionId, scrubbed.reduce((sum, r) => sum + r.removed, 0), settled, clock!.now],
          );
        });
        if (!settled) {
          // Their events may still go out (they were on their way before the request).
          await again(deletionId, busy?.past ? RUNNING_RECHECK_SECONDS : STALE_LIST_MARGIN_SECONDS);
          return;
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
          [deletionId, LOG_FLUSH_WAIT_MS],
        );
        if ((wait?.ms ?? 0) > 0) await new Promise((resolve) => setTimeout(resolve, wait!.ms));
        const statement = deleteDeliveryLogStatement(d, distinctiveNeedles(d));
        const errors = eraseLastErrorsStatement(d.pipelineId, [d.userId, d.anonymousId].flatMap((id) => (id === null ? [] : exchangeNeedles(id))));
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
        const wait = deps.forwarding ? await forwardDeletion(pool, deps.forwarding, d, d) : null;
        if (wait !== null) {
          await again(deletionId, wait);
          return;
        }
        // Done with it: the ids it was given go, and so do the messageIds it collected.
        await withTransaction(pool, async (client) => {
          await client.query('DELETE FROM signal.person_deletion_messages WHERE deletion_id = $1', [deletionId]);
          await client.query(
            `UPDATE signal.person_deletions SET status = 'done', step = 'done', user_id = NULL, anonymous_id = NULL, finished_at = now(), updated_at = now()
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
  const failedOptions = { includeMetadata: true, batchSize: 1, ...WORK_POLLING } as const;
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
