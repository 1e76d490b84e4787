import type { Pool } from '../db/pool.ts';
import { SignalError } from '../errors.ts';
import { isEmailAddress } from '../sdk/email-address.ts';
import { assertUuid } from '../services/pipelines.ts';

/** The ids a pipeline's stored events carrying an email address were sent with, and when. */
export interface PersonIdsFound {
  userId: string | null;
  anonymousId: string | null;
  /** Stored events with this pair of ids that carry the address. */
  events: number;
  firstSeen: string;
  lastSeen: string;
}

/** What one lookup (or one page of it) found. */
export interface PersonLookup {
  /** The address looked for, trimmed and lower-cased. */
  email: string;
  /** Stored events carrying the address, of those scanned. */
  events: number;
  /** Each pair of ids the events were sent with, the most recently seen first (at most `MAX_PEOPLE`). */
  people: PersonIdsFound[];
  /** True when more pairs were found than `people` lists. */
  morePeople: boolean;
  /** Stored events scanned by this call. */
  scanned: number;
  /** True once every stored event of the pipeline (up to the newest when the lookup began) was scanned. */
  complete: boolean;
  /** Where the next call goes on (`after`), when not complete. */
  nextCursor: string | null;
}

/** Events read per statement. */
export const LOOKUP_SLICE = 5000;
/** Pairs of ids listed at most. */
export const MAX_PEOPLE = 100;
/** How long one call scans before it answers with a cursor (ms). */
export const LOOKUP_BUDGET_MS = 10_000;
const MAX_EMAIL_LENGTH = 254;

/**
 * The bounds of one slice of a pipeline's stored events: after `cursor`, up to `toId`, at most
 * `limit` of them (the walk person deletions make, by the same index).
 *
 * @example
 * const { text, values } = lookupSliceStatement(pipelineId, { cursor: 0, toId: 90_000 }, 5000);
 */
export function lookupSliceStatement(pipelineId: string, range: { cursor: number; toId: number }, limit: number) {
  return {
    text: `SELECT max(id)::text AS last, count(*)::int AS scanned
             FROM (SELECT id FROM signal.events WHERE pipeline_id = $1 AND id > $2 AND id <= $3 ORDER BY id LIMIT $4) AS slice`,
    values: [pipelineId, range.cursor, range.toId, limit],
  };
}

/**
 * The pairs of ids of a slice's events that carry `email` (lower-cased) as an identify's
 * `traits.email`, the `context.traits.email` an SDK adds to later calls, or a call's
 * `properties.email` — compared trimmed and whatever their letter case.
 *
 * @example
 * const { text, values } = eventsWithEmailStatement(pipelineId, { after: 0, upTo: 5000 }, 'jane@example.com');
 */
export function eventsWithEmailStatement(pipelineId: string, range: { after: number; upTo: number }, email: string) {
  const lowered = (path: string) => `lower(btrim(e.payload${path}))`;
  return {
    text: `SELECT e.payload->>'userId' AS user_id, e.payload->>'anonymousId' AS anonymous_id, count(*)::int AS events,
                  min(e.received_at) AS first_seen, max(e.received_at) AS last_seen
             FROM signal.events e
            WHERE e.pipeline_id = $1 AND e.id > $2 AND e.id <= $3
              AND $4 IN (${lowered("->'traits'->>'email'")}, ${lowered("->'context'->'traits'->>'email'")}, ${lowered("->'properties'->>'email'")})
            GROUP BY 1, 2`,
    values: [pipelineId, range.after, range.upTo, email],
  };
}

function invalid(field: string, message: string): SignalError {
  return new SignalError('SIGNAL_VALIDATION_FAILED', `${field} ${message}`, [{ field, message }]);
}

/**
 * Finds who an email address belongs to in a pipeline's stored events — the userIds and
 * anonymousIds sent with it — for a privacy request that names a person by email only: the
 * admin then deletes them by those ids (`deletePerson`). Reads only; scans the pipeline's
 * stored events in slices by id (no index on emails: the address is in the payload), for at
 * most `budgetMs` a call, answering with a cursor to go on from when it did not finish.
 *
 * @example
 * const lookup = createPersonLookup({ pool });
 * let page = await lookup.find(pipelineId, 'Jane@Example.com');
 * while (!page.complete) page = await lookup.find(pipelineId, 'jane@example.com', page.nextCursor);
 */
export function createPersonLookup(options: { pool: Pool; budgetMs?: number; sliceSize?: number }) {
  const { pool } = options;
  const budgetMs = options.budgetMs ?? LOOKUP_BUDGET_MS;
  const sliceSize = options.sliceSize ?? LOOKUP_SLICE;
  return {
    async find(pipelineId: string, emailGiven: string, after?: string | null): Promise<PersonLookup> {
      assertUuid(pipelineId, 'pipelineId');
      const email = typeof emailGiven === 'string' ? emailGiven.trim().toLowerCase() : '';
      if (email.length === 0 || email.length > MAX_EMAIL_LENGTH || !isEmailAddress(email, { requireDomainDot: false })) {
        throw invalid('email', `must be an email address of at most ${MAX_EMAIL_LENGTH} characters (got ${JSON.stringify(String(emailGiven).slice(0, 80))})`);
      }
      let cursor = 0;
      if (after !== undefined && after !== null) {
        if (!/^(0|[1-9][0-9]{0,17})$/.test(after)) throw invalid('after', `must be the nextCursor of an earlier answer (got ${JSON.stringify(after.slice(0, 40))})`);
        cursor = Number(after);
      }
      const { rows: [pipeline] } = await pool.query('SELECT 1 FROM signal.pipelines WHERE id = $1', [pipelineId]);
      if (!pipeline) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline ${pipelineId}`, [{ field: 'pipelineId', message: 'no such pipeline' }]);
      // Up to the newest event when the call began: a busy pipeline's new events cannot keep it going.
      const { rows: [newest] } = await pool.query<{ id: string | null }>('SELECT max(id)::text AS id FROM signal.events WHERE pipeline_id = $1', [pipelineId]);
      const toId = Number(newest?.id ?? 0);
      const found = new Map<string, PersonIdsFound>();
      let events = 0;
      let scanned = 0;
      let complete = false;
      const ends = Date.now() + budgetMs;
      for (;;) {
        const bounds = lookupSliceStatement(pipelineId, { cursor, toId }, sliceSize);
        const { rows: [slice] } = await pool.query<{ last: string | null; scanned: number }>(bounds.text, bounds.values);
        if (!slice?.last) {
          complete = true;
          break;
        }
        const upTo = Number(slice.last);
        const hits = eventsWithEmailStatement(pipelineId, { after: cursor, upTo }, email);
        const { rows } = await pool.query<{ user_id: string | null; anonymous_id: string | null; events: number; first_seen: Date; last_seen: Date }>(hits.text, hits.values);
        for (const row of rows) {
          const key = JSON.stringify([row.user_id, row.anonymous_id]);
          const entry = found.get(key);
          events += row.events;
          if (!entry) {
            found.set(key, { userId: row.user_id, anonymousId: row.anonymous_id, events: row.events, firstSeen: row.first_seen.toISOString(), lastSeen: row.last_seen.toISOString() });
            continue;
          }
          entry.events += row.events;
          if (row.first_seen.toISOString() < entry.firstSeen) entry.firstSeen = row.first_seen.toISOString();
          if (row.last_seen.toISOString() > entry.lastSeen) entry.lastSeen = row.last_seen.toISOString();
        }
        scanned += slice.scanned;
        cursor = upTo;
        if (slice.scanned < sliceSize || cursor >= toId) {
          complete = true;
          break;
        }
        if (Date.now() >= ends) break;
      }
      const people = [...found.values()].sort((x, y) => (x.lastSeen < y.lastSeen ? 1 : x.lastSeen > y.lastSeen ? -1 : 0));
      return { email, events, people: people.slice(0, MAX_PEOPLE), morePeople: people.length > MAX_PEOPLE, scanned, complete, nextCursor: complete ? null : String(cursor) };
    },
  };
}

export type PersonLookupService = ReturnType<typeof createPersonLookup>;
