import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool } from '../db/pool.ts';
import { storableText } from '../db/storable-strings.ts';
import { INGEST_QUEUE, jobTable } from '../queue/boss.ts';
import { isConsentGranted } from '../pipeline/consent-gate.ts';
import { isRoutedTo } from '../pipeline/destination-routing.ts';
import { delivery } from '../pipeline/ingest-worker.ts';
import type { PluginCatalog } from '../services/integrations.ts';
import { assertUuid } from '../services/pipelines.ts';
import { SignalError } from '../errors.ts';
import type { LoggedExchange } from './delivery-log.ts';

/** What became of one event for one integration, as far as Signal still knows. */
export type TraceStatus = 'waiting' | 'queued' | 'delivering' | 'retrying' | 'delivered' | 'dead_lettered' | 'dropped' | 'not_sent' | 'unknown';

export interface StoredCopy {
  id: number;
  receivedAt: string;
  /** Held back by deduplication as a repeat of an event already fanned out. */
  duplicate: boolean;
  /** Handed to the pipeline stage (false: still waiting for the ingest dispatcher). */
  dispatched: boolean;
}

export interface IntegrationTrace {
  integrationId: string;
  name: string;
  vendor: string;
  enabled: boolean;
  status: TraceStatus;
  /** Why, in words: the exchange's outcome, the dead letter's reason, the skip's cause. */
  reason: string;
  /** The delivery log's exchanges that carried the event (newest first; the log keeps 1,000 an integration). */
  exchanges: LoggedExchange[];
  deadLetters: Array<{ id: string; reason: string; attempts: number; createdAt: string }>;
  /** Delivery jobs holding the event now: `created` (waiting, maybe for a retry's time), `retry`, `active`. */
  jobs: Array<{ state: string; attempt: number; startAfter: string }>;
}

export interface EventTrace {
  pipelineId: string;
  messageId: string;
  /** Stored copies received in the window searched, newest first (a repeat sent twice has two). */
  stored: StoredCopy[];
  /** The pipeline's tracking plan's latest finding on it (none: it fitted, or no plan). */
  trackingPlan: { kind: string; blocked: boolean; planVersion: number; seenAt: string } | null;
  integrations: IntegrationTrace[];
}

/** The event's keys in a delivery: its messageId, or `<messageId>#<n>` for a repeat in the same job. */
const KEY_MATCH = `(k = $2 OR left(k, length($2) + 1) = $2 || '#')`;

/**
 * The stored copies of a message in a pipeline from row `sinceId` on, newest first, with
 * whether the ingest dispatcher has passed them (they are below its cursor).
 *
 * @example
 * const { text, values } = storedCopiesStatement(pipelineId, 'msg-1', 0);
 */
export function storedCopiesStatement(pipelineId: string, messageId: string, sinceId: number) {
  return {
    text: `SELECT e.id, e.received_at, e.payload, COALESCE(e.duplicate, false) AS duplicate,
                  (e.xid IS NULL OR (e.xid, e.id) <= (c.last_xid, c.last_id)) AS dispatched
             FROM signal.events e, signal.ingest_cursor c
            WHERE e.pipeline_id = $1 AND e.message_id = $2 AND e.id >= $3
            ORDER BY e.id DESC LIMIT 10`,
    values: [pipelineId, messageId, sinceId],
  };
}

/** The latest tracking-plan finding on a message of a pipeline since `since`. */
export function trackingPlanFindingStatement(pipelineId: string, messageId: string, since: Date) {
  return {
    text: `SELECT kind, blocked, plan_version, seen_at FROM signal.tracking_plan_violations
            WHERE pipeline_id = $1 AND message_id = $2 AND seen_at >= $3 ORDER BY id DESC LIMIT 1`,
    values: [pipelineId, messageId, since],
  };
}

/** The pipeline's integrations (enabled or not), with what routing and consent need. */
export function pipelineAssignmentsStatement(pipelineId: string) {
  return {
    text: `SELECT a.id, a.enabled, t.vendor, t.name, r.consent_categories
             FROM signal.pipeline_integrations a
             JOIN signal.integration_revisions r ON r.id = a.revision_id
             JOIN signal.integration_templates t ON t.id = a.template_id
            WHERE a.pipeline_id = $1 ORDER BY t.name, a.id`,
    values: [pipelineId],
  };
}

/** Delivery-log entries of these integrations that carried the message, newest first. */
export function exchangesOfStatement(integrationIds: string[], messageId: string) {
  return {
    text: `SELECT * FROM signal.delivery_log
            WHERE pipeline_integration_id = ANY($1::uuid[])
              AND EXISTS (SELECT 1 FROM unnest(event_ids) AS k WHERE ${KEY_MATCH})
            ORDER BY id DESC LIMIT 200`,
    values: [integrationIds, messageId],
  };
}

/** Dead letters of these integrations for the message, newest first. */
export function deadLettersOfStatement(integrationIds: string[], messageId: string) {
  return {
    text: `SELECT id, pipeline_integration_id, reason, attempts, created_at FROM signal.dead_letters
            WHERE pipeline_integration_id = ANY($1::uuid[]) AND message_id = $2 ORDER BY id DESC LIMIT 50`,
    values: [integrationIds, messageId],
  };
}

/**
 * Unfinished jobs of `queues` that hold the message: as an event (retries, transformed events)
 * or as one of the stored rows `rowIds` (events that travel by id).
 */
export function jobsHoldingStatement(bossSchema: string, queues: string[], messageId: string, rowIds: number[]) {
  return {
    text: `SELECT name, state, start_after, COALESCE((data->>'attempt')::int, 1) AS attempt FROM ${jobTable(bossSchema)}
            WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active')
              AND (data->'events' @> jsonb_build_array(jsonb_build_object('messageId', $2::text))
                   OR EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(data->'ids') = 'array' THEN data->'ids' ELSE '[]'::jsonb END) AS i
                               WHERE i = ANY(SELECT to_jsonb(x) FROM unnest($3::bigint[]) AS x)))
            ORDER BY created_on DESC LIMIT 50`,
    values: [queues, messageId, rowIds],
  };
}

/** Hours of stored events a trace searches by default, and at most (the retention bounds it anyway). */
export const TRACE_DEFAULT_HOURS = 24;
export const TRACE_MAX_HOURS = 24 * 31;

/**
 * "Where did my event go?": one message of a pipeline, followed through what Signal keeps — its
 * stored copies (received, dispatched, a repeat), the tracking plan's finding, and for each of
 * the pipeline's integrations the delivery jobs holding it, the exchanges that carried it
 * (delivery log), its dead letters, and when none of these has it, what routing, consent and
 * the integration's state would decide for it now. Reads only; searches the stored events of
 * the last `hours` (ids found by a binary search on the primary key, since `received_at` has no
 * index: only that window of the pipeline's rows is read).
 *
 * @example
 * const trace = createEventTrace({ pool, bossSchema: 'pgboss', plugins, log: deliveryLog });
 * const { integrations } = await trace.find(pipelineId, 'msg-1');
 * integrations.map((i) => `${i.name}: ${i.status} (${i.reason})`);
 */
export function createEventTrace(options: {
  pool: Pool;
  bossSchema: string;
  plugins: Pick<PluginCatalog, 'get'>;
  log?: { flush(): Promise<void> };
  /** Why an integration's plugin never sends the event with its config (its `neverSends`), else undefined. */
  neverSends?: (integrationId: string, event: CanonicalEvent) => Promise<string | undefined>;
}) {
  const { pool } = options;

  /** The first row id received at or after `since` (ids grow with time), or one past the last. */
  async function firstIdSince(since: Date): Promise<number> {
    const { rows: [bounds] } = await pool.query<{ lo: string | null; hi: string | null }>('SELECT min(id) AS lo, max(id) AS hi FROM signal.events');
    if (!bounds?.lo || !bounds.hi) return 0;
    let lo = Number(bounds.lo);
    let hi = Number(bounds.hi) + 1;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      const { rows: [row] } = await pool.query<{ id: string; received_at: Date }>('SELECT id, received_at FROM signal.events WHERE id >= $1 ORDER BY id LIMIT 1', [mid]);
      if (!row) hi = mid;
      else if (row.received_at < since) lo = Number(row.id) + 1;
      else hi = mid;
    }
    return lo;
  }

  return {
    async find(pipelineId: string, messageIdGiven: string, hours = TRACE_DEFAULT_HOURS): Promise<EventTrace> {
      assertUuid(pipelineId, 'pipelineId');
      if (typeof messageIdGiven !== 'string' || messageIdGiven.length === 0 || messageIdGiven.length > 100) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', 'messageId must be 1 to 100 characters, as collect takes it', [{ field: 'messageId', message: 'must be a messageId of 1 to 100 characters' }]);
      }
      // Collect stores a NUL or a lone surrogate as U+FFFD: the id as the client sent it finds it.
      const messageId = storableText(messageIdGiven);
      if (!Number.isInteger(hours) || hours < 1 || hours > TRACE_MAX_HOURS) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `hours must be a whole number from 1 to ${TRACE_MAX_HOURS}`, [{ field: 'hours', message: `must be a whole number of hours from 1 to ${TRACE_MAX_HOURS}` }]);
      }
      const { rows: [pipeline] } = await pool.query('SELECT 1 FROM signal.pipelines WHERE id = $1', [pipelineId]);
      if (!pipeline) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline ${pipelineId}`, [{ field: 'pipelineId', message: 'no such pipeline' }]);
      const since = new Date(Date.now() - hours * 3_600_000);
      // This node's exchanges of the last second are still gathered in memory: written first.
      await options.log?.flush();

      const copies = await pool.query<{ id: string; received_at: Date; payload: CanonicalEvent; duplicate: boolean; dispatched: boolean }>(
        storedCopiesStatement(pipelineId, messageId, await firstIdSince(since)),
      );
      const stored: StoredCopy[] = copies.rows.map((r) => ({ id: Number(r.id), receivedAt: r.received_at.toISOString(), duplicate: r.duplicate, dispatched: r.dispatched }));
      const { rows: [finding] } = await pool.query<{ kind: string; blocked: boolean; plan_version: number; seen_at: Date }>(trackingPlanFindingStatement(pipelineId, messageId, since));
      const trackingPlan = finding ? { kind: finding.kind, blocked: finding.blocked, planVersion: finding.plan_version, seenAt: finding.seen_at.toISOString() } : null;

      const { rows: assignments } = await pool.query<{ id: string; enabled: boolean; vendor: string; name: string; consent_categories: string[] }>(pipelineAssignmentsStatement(pipelineId));
      const ids = assignments.map((a) => a.id);
      const rowIds = stored.map((s) => s.id);
      const [exchanges, letters, jobs, ingest] = await Promise.all([
        pool.query<LogRow>(exchangesOfStatement(ids, messageId)),
        pool.query<{ id: string; pipeline_integration_id: string; reason: string; attempts: number; created_at: Date }>(deadLettersOfStatement(ids, messageId)),
        pool.query<{ name: string; state: string; start_after: Date; attempt: number }>(jobsHoldingStatement(options.bossSchema, ids.map(delivery), messageId, rowIds)),
        pool.query<{ name: string }>(jobsHoldingStatement(options.bossSchema, [INGEST_QUEUE], messageId, rowIds)),
      ]);
      const latest = copies.rows[0];
      const inIngest = ingest.rows.length > 0 || stored.some((s) => !s.dispatched);

      // Asked only where nothing recorded names the event: such an event is not queued at all.
      const neverSent = new Map<string, string | undefined>();
      if (latest && options.neverSends) {
        for (const a of assignments) neverSent.set(a.id, await options.neverSends(a.id, latest.payload).catch(() => undefined));
      }
      const integrations = assignments.map((a): IntegrationTrace => {
        const mine = exchanges.rows.filter((r) => r.pipeline_integration_id === a.id).map(toExchange);
        const deadLetters = letters.rows.filter((r) => r.pipeline_integration_id === a.id)
          .map((r) => ({ id: String(r.id), reason: r.reason, attempts: r.attempts, createdAt: r.created_at.toISOString() }));
        const held = jobs.rows.filter((r) => r.name === delivery(a.id)).map((r) => ({ state: r.state, attempt: r.attempt, startAfter: r.start_after.toISOString() }));
        const routingNames = [a.name, ...(options.plugins.get(a.vendor) ? [options.plugins.get(a.vendor)!.name] : []), a.vendor];
        const neverSends = neverSent.get(a.id);
        const verdict = statusOf({ exchanges: mine, deadLetters, jobs: held, enabled: a.enabled, event: latest?.payload, routingNames, consentCategories: a.consent_categories, stored, trackingPlan, inIngest, messageId, ...(neverSends !== undefined ? { neverSends } : {}) });
        return { integrationId: a.id, name: a.name, vendor: a.vendor, enabled: a.enabled, ...verdict, exchanges: mine, deadLetters, jobs: held };
      });
      return { pipelineId, messageId, stored, trackingPlan, integrations };
    },
  };
}

export type EventTraceService = ReturnType<typeof createEventTrace>;

/**
 * The vendor's words declining the event in an exchange (`declined: …`, see `EventOutcome`), or
 * undefined when the exchange declined none of its copies.
 */
function declinedIn(exchange: LoggedExchange, messageId: string | undefined): string | undefined {
  if (exchange.outcome !== 'declined' && !exchange.outcome.endsWith(' declined')) return undefined;
  const keys = exchange.eventIds.filter((k) => messageId === undefined || k === messageId || k.startsWith(`${messageId}#`));
  for (const key of keys) {
    const words = exchange.warnings?.[key]?.find((w) => w.startsWith('declined: '));
    if (words !== undefined) return words;
  }
  return exchange.outcome === 'declined' ? 'declined by the vendor' : undefined;
}

interface LogRow {
  id: number; pipeline_integration_id: string; revision_id: string | null; event_ids: string[]; attempt: number; request: LoggedExchange['request'];
  response_status: number | null; response_body: string | null; error: string | null; outcome: string; duration_ms: number; created_at: Date;
  warnings: Record<string, string[]> | null;
}

function toExchange(r: LogRow): LoggedExchange {
  return {
    id: r.id, pipelineIntegrationId: r.pipeline_integration_id, revisionId: r.revision_id, eventIds: r.event_ids, attempt: r.attempt,
    request: r.request, responseStatus: r.response_status, responseBody: r.response_body, error: r.error, outcome: r.outcome,
    durationMs: r.duration_ms, createdAt: r.created_at.toISOString(), ...(r.warnings ? { warnings: r.warnings } : {}),
  };
}

/**
 * One integration's verdict on the event from what is kept, newest evidence first: a job
 * holding it, else its last settling exchange (with its dead letter's reason), else its dead
 * letter, else why it would not have been sent (decided again now, on the stored event), else
 * unknown.
 */
export function statusOf(facts: {
  exchanges: LoggedExchange[];
  deadLetters: Array<{ reason: string; createdAt: string }>;
  jobs: Array<{ state: string; attempt: number; startAfter: string }>;
  enabled: boolean;
  event: CanonicalEvent | undefined;
  routingNames: string[];
  consentCategories: string[];
  stored: StoredCopy[];
  trackingPlan: EventTrace['trackingPlan'];
  inIngest: boolean;
  /** Why the integration's plugin never sends this event (its `neverSends`, with today's config). */
  neverSends?: string;
  /** The event's messageId: picks its own words out of an exchange that carried others. */
  messageId?: string;
}): { status: TraceStatus; reason: string } {
  const job = facts.jobs[0];
  if (job) {
    if (job.state === 'active') return { status: 'delivering', reason: `a delivery job is sending it now (try ${job.attempt})` };
    if (job.attempt > 1 || job.state === 'retry') return { status: 'retrying', reason: `waiting for try ${job.attempt}, not before ${job.startAfter}` };
    return { status: 'queued', reason: `in the integration's queue, not before ${job.startAfter}` };
  }
  // The newest exchange that settled something (a split or a follow-up's answer only led on);
  // exchanges are written after their dead letters, so their order, not their times, decides.
  const exchange = facts.exchanges.find((e) => e.outcome !== 'split' && !e.outcome.endsWith('next'));
  const letter = facts.deadLetters[0];
  if (exchange) {
    const declined = declinedIn(exchange, facts.messageId);
    if (declined !== undefined) return { status: 'dropped', reason: declined };
    if (exchange.outcome === 'dropped') {
      const key = exchange.eventIds.find((k) => exchange.warnings?.[k]);
      return { status: 'dropped', reason: (key && exchange.warnings?.[key]?.[0]) || exchange.error || 'the mapping dropped it' };
    }
    if (exchange.outcome === 'delivered' || (exchange.outcome.startsWith('partial') && !letter)) {
      return { status: 'delivered', reason: `answered ${exchange.responseStatus ?? 'without a status'} at ${exchange.createdAt}` };
    }
    if (letter) return { status: 'dead_lettered', reason: letter.reason };
    return { status: 'unknown', reason: `its last exchange reads ${exchange.outcome}${exchange.error ? `: ${exchange.error}` : ''}, and no job or dead letter holds it` };
  }
  // A replay of dead letters deletes them: one still here is the event's last word.
  if (letter) return { status: 'dead_lettered', reason: letter.reason };
  if (facts.stored.length === 0) return { status: 'unknown', reason: 'not among the stored events searched (another window, another pipeline, or past the retention), and no exchange or dead letter names it' };
  if (facts.inIngest) return { status: 'waiting', reason: 'stored, not yet through the pipeline stage' };
  if (facts.stored.every((s) => s.duplicate)) return { status: 'not_sent', reason: 'held back as a repeat of an event already fanned out (deduplication)' };
  if (facts.trackingPlan?.blocked) return { status: 'not_sent', reason: `blocked by the pipeline's tracking plan (v${facts.trackingPlan.planVersion}, ${facts.trackingPlan.kind})` };
  // Decided again on the event as stored, with today's configuration: a transformation or a
  // change since may have decided otherwise at the time.
  if (facts.event && !isRoutedTo(facts.event, facts.routingNames)) return { status: 'not_sent', reason: "the event's integrations object turns this integration off" };
  if (facts.event && !isConsentGranted(facts.event, facts.consentCategories)) {
    // Granted but for the visitor's Global Privacy Control: say so, or the consent looks given.
    const gpc = isConsentGranted(facts.event, facts.consentCategories, 'ignore') ? ' (granted, but the visitor sent Global Privacy Control, a refusal of advertising under SIGNAL_GPC=opt_out)' : '';
    return { status: 'not_sent', reason: `no consent: the integration requires ${facts.consentCategories.join(', ')}${gpc}` };
  }
  if (!facts.enabled) return { status: 'not_sent', reason: 'the integration is disabled' };
  if (facts.neverSends !== undefined) return { status: 'dropped', reason: `not queued: the integration never sends it (${facts.neverSends})` };
  return { status: 'unknown', reason: "no job, exchange or dead letter names it: its exchange may be older than the delivery log keeps, or the pipeline's transformations dropped it" };
}
