import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { Pool, PoolClient } from '../db/pool.ts';
import { storableJson } from '../db/storable-strings.ts';
import { SignalError } from '../errors.ts';
import type { JsonValue } from '../sdk/types.ts';
import { assertUuid } from '../services/pipelines.ts';
import { checkPageSize } from '../services/page-size.ts';

export const DEAD_LETTER_RETENTION_DAYS = 7;

export interface NewDeadLetter {
  pipelineIntegrationId: string;
  pipelineId: string;
  revisionId: string | null;
  event: CanonicalEvent;
  reason: string;
  attempts: number;
  lastRequest: JsonValue | null;
  lastResponse: JsonValue | null;
}

export interface DeadLetter extends Omit<NewDeadLetter, 'event'> {
  id: number;
  messageId: string;
  event: CanonicalEvent;
  createdAt: string;
}

export interface DeadLetterFilter {
  /** Only these dead letter ids. */
  ids?: number[];
  messageId?: string;
  /** Case-insensitive substring of the reason. */
  reasonContains?: string;
  /** ISO 8601 bounds on when the event was dead-lettered. */
  since?: string;
  until?: string;
}

interface Row {
  id: number;
  pipeline_integration_id: string;
  pipeline_id: string;
  revision_id: string | null;
  message_id: string;
  event: CanonicalEvent;
  reason: string;
  attempts: number;
  last_request: JsonValue | null;
  last_response: JsonValue | null;
  created_at: Date;
}

function toDeadLetter(row: Row): DeadLetter {
  return {
    id: row.id,
    pipelineIntegrationId: row.pipeline_integration_id,
    pipelineId: row.pipeline_id,
    revisionId: row.revision_id,
    messageId: row.message_id,
    event: row.event,
    reason: row.reason,
    attempts: row.attempts,
    lastRequest: row.last_request,
    lastResponse: row.last_response,
    createdAt: row.created_at.toISOString(),
  };
}

/** `2026-03-24`, `2026-03-24T16:00`, `…:00.123Z`, `…+02:00`: what PostgreSQL reads the same way. */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/**
 * Date.parse alone takes `"1"` and `"March 7"`, and rolls `2024-02-31` over to March: an
 * ISO 8601 shape, and a day that exists in its month, are checked here.
 */
export function checkDate(value: string | undefined, field: string): void {
  if (value === undefined) return;
  const parts = ISO_DATE_TIME.exec(value.trim());
  const [year, month, day, hour, minute, second] = parts ? parts.slice(1, 7).map((p) => (p === undefined ? 0 : Number(p))) : [];
  const valid = parts !== null && year! >= 1 && month! >= 1 && month! <= 12 && day! >= 1 && day! <= new Date(Date.UTC(year!, month!, 0)).getUTCDate() && hour! <= 23 && minute! <= 59 && second! <= 59;
  if (!valid) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be an ISO 8601 date-time, e.g. 2026-03-24T16:00:00Z (got ${JSON.stringify(value)})`, [{ field, message: 'must be an ISO 8601 date-time, e.g. 2026-03-24T16:00:00Z' }]);
  }
}

/**
 * A checked date-time with its zone made explicit: one given without a zone (`2026-03-24`,
 * `2026-03-24T16:00`) is UTC, rather than whatever time zone the database session has.
 *
 * @example
 * utcDateTime('2026-03-24', 'since'); // '2026-03-24T00:00:00Z'
 * utcDateTime('2026-03-24 16:00+02', 'since'); // '2026-03-24T16:00+02:00'
 */
export function utcDateTime(value: string, field: string): string {
  checkDate(value, field);
  const text = value.trim().toUpperCase().replace(' ', 'T');
  if (!text.includes('T')) return `${text}T00:00:00Z`;
  // An offset as `+02` or `-0530` is written `+02:00`, `-05:30`: JavaScript's Date reads only that form.
  const offset = /([+-])(\d{2}):?(\d{2})?$/.exec(text.slice(text.indexOf('T')));
  if (offset) return `${text.slice(0, text.length - offset[0].length)}${offset[1]}${offset[2]}:${offset[3] ?? '00'}`;
  return text.endsWith('Z') ? text : `${text}Z`;
}

/**
 * A dead letter id given as text (GraphQL's `ID`, a query string): a positive whole number,
 * else a 400 naming the field. A typo must not make a replay or purge quietly match nothing.
 */
export function parseDeadLetterId(value: string, field: string): number {
  const id = /^[1-9][0-9]*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(id)) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be a dead letter id (a positive whole number), got ${JSON.stringify(value)}`, [
      { field, message: 'must be a dead letter id (a positive whole number)' },
    ]);
  }
  return id;
}

/** Filter criteria as an API received them: ids as text, absent as undefined or null. */
export interface FilterCriteria {
  ids?: readonly string[] | null;
  messageId?: string | null;
  reasonContains?: string | null;
  since?: string | null;
  until?: string | null;
}

/**
 * Checks criteria from GraphQL or REST and returns the filter; `fieldName` says what the API
 * calls each (`filter.messageId`, `message_id`) for the 400s. An empty criterion is refused:
 * it would match every dead letter, and a purge would delete them all.
 *
 * @example
 * parseDeadLetterFilter({ reasonContains: '401' }, (key) => `filter.${key}`); // { reasonContains: '401' }
 */
export function parseDeadLetterFilter(criteria: FilterCriteria, fieldName: (key: keyof FilterCriteria) => string): DeadLetterFilter {
  const filter: DeadLetterFilter = {};
  if (criteria.ids) filter.ids = criteria.ids.map((id, i) => parseDeadLetterId(id, `${fieldName('ids')}[${i}]`));
  for (const key of ['messageId', 'reasonContains', 'since', 'until'] as const) {
    const value = criteria[key];
    if (value === undefined || value === null) continue;
    const field = fieldName(key);
    if (value.trim() === '') throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} is empty: leave it out to match every dead letter`, [{ field, message: 'must not be empty (leave it out to match all)' }]);
    filter[key] = key === 'since' || key === 'until' ? utcDateTime(value, field) : value;
  }
  // An empty range would match nothing, quietly: most likely the two were swapped.
  if (filter.since !== undefined && filter.until !== undefined && Date.parse(filter.since) >= Date.parse(filter.until)) {
    const field = fieldName('until');
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} (${filter.until}) must be later than ${fieldName('since')} (${filter.since}): the range [since, until) is empty`, [{ field, message: `must be later than ${fieldName('since')}` }]);
  }
  return filter;
}

/** The WHERE clause of a filter, with its values as parameters after `first`. */
export function filterClause(integrationId: string, filter: DeadLetterFilter = {}): { where: string; values: unknown[] } {
  checkDate(filter.since, 'filter.since');
  checkDate(filter.until, 'filter.until');
  const values: unknown[] = [integrationId];
  const conditions = ['pipeline_integration_id = $1'];
  if (filter.ids !== undefined) {
    values.push(filter.ids);
    conditions.push(`id = ANY($${values.length}::bigint[])`);
  }
  if (filter.messageId !== undefined) {
    values.push(filter.messageId);
    conditions.push(`message_id = $${values.length}`);
  }
  if (filter.reasonContains !== undefined) {
    values.push(`%${filter.reasonContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
    conditions.push(`reason ILIKE $${values.length}`);
  }
  if (filter.since !== undefined) {
    values.push(filter.since);
    conditions.push(`created_at >= $${values.length}`);
  }
  if (filter.until !== undefined) {
    values.push(filter.until);
    conditions.push(`created_at < $${values.length}`);
  }
  return { where: conditions.join(' AND '), values };
}

/** Rows per export page: each row holds the event and the last request, so a page is a few MB at most. */
export const EXPORT_PAGE_SIZE = 100;

/** A filter's clause, limited to ids up to `throughId` when given (replay's upper bound). */
function boundedClause(integrationId: string, filter: DeadLetterFilter, throughId: number | undefined): { where: string; values: unknown[] } {
  const { where, values } = filterClause(integrationId, filter);
  if (throughId === undefined) return { where, values };
  return { where: `${where} AND id <= $${values.length + 1}`, values: [...values, throughId] };
}

/** Deletes and returns the oldest `limit` matching rows, skipping those another replay holds. */
export function takeQuery(integrationId: string, filter: DeadLetterFilter, limit: number, throughId?: number): { text: string; values: unknown[] } {
  const { where, values } = boundedClause(integrationId, filter, throughId);
  return {
    text: `DELETE FROM signal.dead_letters WHERE id IN (
             SELECT id FROM signal.dead_letters WHERE ${where} ORDER BY id LIMIT $${values.length + 1} FOR UPDATE SKIP LOCKED)
           RETURNING *`,
    values: [...values, limit],
  };
}

/** The count and the newest id of the matching rows. */
export function extentQuery(integrationId: string, filter: DeadLetterFilter, throughId?: number): { text: string; values: unknown[] } {
  const { where, values } = boundedClause(integrationId, filter, throughId);
  return { text: `SELECT count(*)::int AS count, max(id) AS last_id FROM signal.dead_letters WHERE ${where}`, values };
}

/** One export page: the matching rows after id `after`, keyset-paged on the (integration, id) index. */
export function exportPageQuery(integrationId: string, filter: DeadLetterFilter, after: number, pageSize: number): { text: string; values: unknown[] } {
  const { where, values } = filterClause(integrationId, filter);
  return {
    text: `SELECT * FROM signal.dead_letters WHERE ${where} AND id > $${values.length + 1} ORDER BY id LIMIT $${values.length + 2}`,
    values: [...values, after, pageSize],
  };
}

/**
 * The dead-letter store: events that could not be delivered, kept 7 days with the last request
 * and response, the attempt count and the reason.
 *
 * @example
 * const deadLetters = createDeadLetterStore(pool);
 * const page = await deadLetters.list(integrationId, { reasonContains: '401' }, 50);
 */
export function createDeadLetterStore(pool: Pool) {
  return {
    async add(letters: NewDeadLetter[], client?: PoolClient): Promise<void> {
      if (letters.length === 0) return;
      // A garbled vendor answer may hold a NUL: replaced, or the dead letter could not be written.
      const rows = storableJson(letters.map((l) => ({
        i: l.pipelineIntegrationId, p: l.pipelineId, r: l.revisionId, m: l.event.messageId, e: l.event,
        reason: l.reason, a: l.attempts, rq: l.lastRequest, rs: l.lastResponse,
      })));
      await (client ?? pool).query(
        `INSERT INTO signal.dead_letters (pipeline_integration_id, pipeline_id, revision_id, message_id, event, reason, attempts, last_request, last_response)
         SELECT (x->>'i')::uuid, (x->>'p')::uuid, (x->>'r')::uuid, x->>'m', x->'e', x->>'reason', (x->>'a')::int, x->'rq', x->'rs'
           FROM json_array_elements($1::json) AS t(x)`,
        [rows],
      );
    },

    /** A page of dead letters, oldest first; `after` is the last id of the previous page. */
    async list(integrationId: string, filter: DeadLetterFilter = {}, first = 50, after?: number): Promise<{ items: DeadLetter[]; total: number; hasMore: boolean }> {
      assertUuid(integrationId, 'integrationId');
      checkPageSize(first, 'first');
      const { where, values } = filterClause(integrationId, filter);
      const total = await pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM signal.dead_letters WHERE ${where}`, values);
      const pageValues = [...values, after ?? 0, first + 1];
      const { rows } = await pool.query<Row>(
        `SELECT * FROM signal.dead_letters WHERE ${where} AND id > $${values.length + 1} ORDER BY id LIMIT $${values.length + 2}`,
        pageValues,
      );
      return { items: rows.slice(0, first).map(toDeadLetter), total: total.rows[0]!.n, hasMore: rows.length > first };
    },

    /**
     * Removes and returns up to `limit` matching dead letters, oldest first, inside `client`'s
     * transaction (replay). `throughId` leaves out those dead-lettered after it.
     */
    async take(client: PoolClient, integrationId: string, filter: DeadLetterFilter, limit: number, throughId?: number): Promise<DeadLetter[]> {
      const { text, values } = takeQuery(integrationId, filter, limit, throughId);
      const { rows } = await client.query<Row>(text, values);
      return rows.map(toDeadLetter).sort((a, b) => a.id - b.id);
    },

    /** How many match (up to `throughId`), and the newest of them (null when none). */
    async extent(integrationId: string, filter: DeadLetterFilter = {}, throughId?: number): Promise<{ count: number; lastId: number | null }> {
      assertUuid(integrationId, 'integrationId');
      const { text, values } = extentQuery(integrationId, filter, throughId);
      const { rows } = await pool.query<{ count: number; last_id: number | null }>(text, values);
      return { count: rows[0]!.count, lastId: rows[0]!.last_id };
    },

    /**
     * NDJSON, oldest first: one string per page of dead letters, one dead letter a line. A page
     * is read only when the previous one was consumed, so a slow reader keeps one page in
     * memory whatever the total. The filter is checked at the call, before any page is read.
     */
    exportPages(integrationId: string, filter: DeadLetterFilter = {}, pageSize = EXPORT_PAGE_SIZE): AsyncGenerator<string> {
      assertUuid(integrationId, 'integrationId');
      filterClause(integrationId, filter);
      return (async function* pages() {
        let after = 0;
        for (;;) {
          const { text, values } = exportPageQuery(integrationId, filter, after, pageSize);
          const { rows } = await pool.query<Row>(text, values);
          if (rows.length > 0) yield rows.map((row) => `${JSON.stringify(toDeadLetter(row))}\n`).join('');
          if (rows.length < pageSize) return;
          after = rows.at(-1)!.id;
        }
      })();
    },

    async purge(integrationId: string, filter: DeadLetterFilter = {}): Promise<number> {
      assertUuid(integrationId, 'integrationId');
      const { where, values } = filterClause(integrationId, filter);
      const { rowCount } = await pool.query(`DELETE FROM signal.dead_letters WHERE ${where}`, values);
      return rowCount ?? 0;
    },

    async count(integrationId: string): Promise<number> {
      const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM signal.dead_letters WHERE pipeline_integration_id = $1', [integrationId]);
      return rows[0]!.n;
    },

    /** Deletes dead letters older than the retention (7 days). */
    async prune(days = DEAD_LETTER_RETENTION_DAYS): Promise<number> {
      const { rowCount } = await pool.query(`DELETE FROM signal.dead_letters WHERE created_at < now() - make_interval(days => $1)`, [days]);
      return rowCount ?? 0;
    },
  };
}

export type DeadLetterStore = ReturnType<typeof createDeadLetterStore>;
