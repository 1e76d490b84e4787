// The admin audit log: every change made through the admin APIs (GraphQL mutations, REST calls
// other than GET), with who made it, from where, with what and how it ended — so that "who
// turned Meta off last night?" has an answer. Arguments are kept without secrets, config values
// or personal data: a config's field names only (the revision the change made keeps the config,
// secrets masked), and a deletion's person ids not at all.
import type { Pool } from '../db/pool.ts';
import { SignalError } from '../errors.ts';
import type { JsonValue } from '../sdk/types.ts';
import { readInstantMs } from '../sdk/value-readers.ts';
import { checkPageSize } from '../services/page-size.ts';
import type { AdminActor } from './admin-tokens.ts';

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  tokenId: string | null;
  role: string;
  via: 'graphql' | 'rest';
  /** The mutation's name (`setIntegrationEnabled`), or the REST route (`POST /v1/admin/integrations`). */
  operation: string;
  arguments: JsonValue;
  /** Ids of what the change made or touched, read from its answer (`id` fields). */
  resultIds: string[];
  /** ok; error (the change failed: `error` says why); refused (the token's role may not make changes). */
  outcome: 'ok' | 'error' | 'refused';
  error: string | null;
  clientIp: string | null;
  userAgent: string | null;
}

export interface AuditRecord {
  actor: AdminActor;
  via: 'graphql' | 'rest';
  operation: string;
  arguments: unknown;
  result?: unknown;
  outcome: 'ok' | 'error' | 'refused';
  error?: string;
  clientIp?: string;
  userAgent?: string;
}

/** Argument names whose values are credentials: never kept. */
const SECRET_KEY = /secret|token|password|passphrase|private_?key|api_?key|authorization|credential/i;
/** Argument names whose values are about a person (a deletion's ids, a preview's events): never kept. */
const PERSONAL_KEYS = new Set(['userId', 'anonymousId', 'email', 'phone', 'traits', 'properties', 'context', 'event', 'events']);
const MAX_TEXT = 500;
const MAX_ITEMS = 20;
const MAX_DEPTH = 5;

/**
 * An admin call's arguments as the audit log keeps them: a `config` object as its field names
 * only, credentials and personal data as placeholders, long texts (a transformation's code, a
 * tracking plan) cut, long lists shortened.
 *
 * @example
 * auditArguments({ input: { vendor: 'meta_capi', config: { pixel_id: '1', access_token: 'EAA…' } } });
 * // { input: { vendor: 'meta_capi', config: '[config: access_token, pixel_id]' } }
 */
export function auditArguments(value: unknown, depth = 0): JsonValue {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}… (${value.length} characters)` : value;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (depth >= MAX_DEPTH) return '[nested too deep]';
  if (Array.isArray(value)) {
    const kept = value.slice(0, MAX_ITEMS).map((item) => auditArguments(item, depth + 1));
    return value.length > MAX_ITEMS ? [...kept, `… ${value.length - MAX_ITEMS} more`] : kept;
  }
  if (typeof value !== 'object') return String(value);
  const out: Record<string, JsonValue> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (inner === undefined) continue;
    if (key === 'config' && typeof inner === 'object' && inner !== null && !Array.isArray(inner)) out[key] = `[config: ${Object.keys(inner).sort().join(', ')}]`;
    else if (SECRET_KEY.test(key)) out[key] = '[secret]';
    else if (PERSONAL_KEYS.has(key)) out[key] = '[personal data]';
    else out[key] = auditArguments(inner, depth + 1);
  }
  return out;
}

/**
 * The ids an answer names (`id` fields, at the top and one level down: a pipeline, or an
 * install's template, revision and assignment) — never other values, which may be credentials
 * (a new pipeline's key, a new admin token).
 *
 * @example
 * resultIdsOf({ template: { id: 't1' }, revision: { id: 'r1' }, assignment: null }); // ['t1', 'r1']
 */
export function resultIdsOf(result: unknown): string[] {
  const ids: string[] = [];
  const take = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string' && !ids.includes(id)) ids.push(id);
  };
  take(result);
  if (typeof result === 'object' && result !== null && !Array.isArray(result)) for (const inner of Object.values(result)) take(inner);
  return ids.slice(0, MAX_ITEMS);
}

/** The statement inserting one audit entry. */
export function insertAuditStatement(record: AuditRecord): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO signal.admin_audit_log (actor, token_id, role, via, operation, arguments, result_ids, outcome, error, client_ip, user_agent)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    values: [
      record.actor.name, record.actor.tokenId ?? null, record.actor.role, record.via, record.operation,
      JSON.stringify(auditArguments(record.arguments)), JSON.stringify(resultIdsOf(record.result)), record.outcome,
      record.error?.slice(0, 2000) ?? null, record.clientIp ?? null, record.userAgent?.slice(0, 300) ?? null,
    ],
  };
}

export interface AuditQuery {
  limit: number;
  /** Entries older than this entry id (the previous page's last id). */
  before?: string;
  operation?: string;
  actor?: string;
  since?: string;
}

/** The statement reading a page of the log, newest first; every filter a parameter. */
export function listAuditStatement(query: AuditQuery): { text: string; values: unknown[] } {
  const where: string[] = [];
  const values: unknown[] = [];
  const add = (clause: string, value: unknown): void => {
    values.push(value);
    where.push(clause.replace('?', `$${values.length}`));
  };
  if (query.before !== undefined) add('id < ?', query.before);
  if (query.operation !== undefined) add('operation = ?', query.operation);
  if (query.actor !== undefined) add('actor = ?', query.actor);
  if (query.since !== undefined) add('at >= ?', query.since);
  values.push(query.limit);
  return {
    // Ordered by the bigint column, not by the text it is shown as ("9" > "10").
    text: `SELECT id::text, at, actor, token_id, role, via, operation, arguments, result_ids, outcome, error, client_ip, user_agent
           FROM signal.admin_audit_log ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY admin_audit_log.id DESC LIMIT $${values.length}`,
    values,
  };
}

interface AuditRow {
  id: string;
  at: Date;
  actor: string;
  token_id: string | null;
  role: string;
  via: 'graphql' | 'rest';
  operation: string;
  arguments: JsonValue;
  result_ids: string[];
  outcome: 'ok' | 'error' | 'refused';
  error: string | null;
  client_ip: string | null;
  user_agent: string | null;
}

export interface AuditLog {
  /** Keeps one entry. Never throws: a change already made must not answer as failed because its entry could not be written (it is logged instead). */
  record(record: AuditRecord): Promise<void>;
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /** Deletes entries older than `days`. */
  prune(days: number): Promise<void>;
}

/**
 * The audit log kept in PostgreSQL.
 *
 * @example
 * const audit = createAuditLog(pool, (message) => app.log.error(message));
 * await audit.record({ actor: ROOT_ACTOR, via: 'graphql', operation: 'setIntegrationEnabled', arguments: { id, enabled: false }, outcome: 'ok' });
 */
export function createAuditLog(pool: Pool, log: (message: string) => void = () => {}): AuditLog {
  return {
    async record(record) {
      try {
        await pool.query(insertAuditStatement(record));
      } catch (error) {
        log(`audit log: the entry for ${record.operation} by ${record.actor.name} could not be written: ${(error as Error).message}`);
      }
    },

    async list(query) {
      checkPageSize(query.limit);
      if (query.before !== undefined && !/^\d{1,18}$/.test(query.before)) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `before must be an entry id (digits), got "${query.before.slice(0, 40)}"`, [{ field: 'before', message: 'must be an entry id' }]);
      }
      // A date-time without an offset is UTC, as everywhere in the admin API.
      const sinceMs = query.since === undefined || /^\s*\d+\s*$/.test(query.since) ? undefined : readInstantMs(query.since);
      if (query.since !== undefined && sinceMs === undefined) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `since must be an ISO 8601 date-time (UTC when it carries no zone), got "${query.since.slice(0, 40)}"`, [{ field: 'since', message: 'must be an ISO 8601 date-time' }]);
      }
      const { rows } = await pool.query<AuditRow>(listAuditStatement({ ...query, ...(sinceMs === undefined ? {} : { since: new Date(sinceMs).toISOString() }) }));
      return rows.map((row) => ({
        id: row.id, at: row.at.toISOString(), actor: row.actor, tokenId: row.token_id, role: row.role, via: row.via, operation: row.operation,
        arguments: row.arguments, resultIds: row.result_ids, outcome: row.outcome, error: row.error, clientIp: row.client_ip, userAgent: row.user_agent,
      }));
    },

    async prune(days) {
      await pool.query(`DELETE FROM signal.admin_audit_log WHERE at < now() - make_interval(days => $1)`, [days]);
    },
  };
}
