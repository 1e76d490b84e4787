import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/pool.ts';
import { storableText } from '../db/storable-strings.ts';
import { SignalError } from '../errors.ts';
import { MAX_DEDUP_WINDOW_HOURS } from '../pipeline/deduplication.ts';
import { forgetTraitsStatement, identityDigest } from '../pipeline/remembered-traits.ts';
import { BROWSER_ATTRIBUTES_DAYS, forgetVisitorStatement, visitorDigest } from '../pipeline/partner-enrichment.ts';

export interface Pipeline {
  id: string;
  name: string;
  enabled: boolean;
  /** Its own deduplication window in hours (0: off), or null for `SIGNAL_DEDUP_WINDOW_HOURS`. */
  dedupWindowHours: number | null;
  createdAt: string;
  keys: Array<{ id: string; prefix: string; createdAt: string; expiresAt: string | null }>;
}

export function hashKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** A new pipeline key: `sig_` and 32 random url-safe characters (192 bits). */
export function generateKey(): string {
  return `sig_${randomBytes(24).toString('base64url')}`;
}

/** A pipeline's or an integration's name, trimmed: 1 to 200 characters, no NUL; else a 400 naming `field`. */
export function validateName(name: string, field = 'name'): string {
  const trimmed = name.trim();
  if (trimmed.length === 0 || trimmed.length > 200) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be 1 to 200 characters`, [{ field, message: 'must be 1 to 200 characters' }]);
  }
  // Checked here, so the 400 names the field (PostgreSQL's refusal would not).
  if (trimmed.includes('\u0000')) throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} holds a NUL character (\\u0000), which text cannot hold`, [{ field, message: 'must not hold a NUL character (\\u0000)' }]);
  return trimmed;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Refuses a malformed id with a 400 naming the field, rather than a database error. */
export function assertUuid(value: string, field: string, expected = 'a UUID'): string {
  if (!UUID.test(value) && value.startsWith('sig_')) {
    // Not echoed: a key is a credential, and error messages end up in logs.
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be ${expected}, got a pipeline key (sig_…, what sites send), not an id: the ids are in { pipelines { id name } }`, [{ field, message: `must be ${expected}, not a pipeline key` }]);
  }
  if (!UUID.test(value)) {
    throw new SignalError('SIGNAL_VALIDATION_FAILED', `${field} must be ${expected}, got "${value.slice(0, 60)}"`, [{ field, message: `must be ${expected}` }]);
  }
  return value;
}

interface PipelineRow {
  id: string;
  name: string;
  enabled: boolean;
  dedup_window_hours: number | null;
  created_at: Date;
  keys: Array<{ id: string; prefix: string; created_at: string; expires_at: string | null }> | null;
}

const SELECT_PIPELINES = `
  SELECT p.id, p.name, p.enabled, p.dedup_window_hours, p.created_at,
         (SELECT json_agg(json_build_object('id', k.id, 'prefix', k.key_prefix, 'created_at', k.created_at, 'expires_at', k.expires_at) ORDER BY k.created_at)
            FROM signal.pipeline_keys k
           WHERE k.pipeline_id = p.id AND (k.expires_at IS NULL OR k.expires_at > now())) AS keys
    FROM signal.pipelines p`;

function toPipeline(row: PipelineRow): Pipeline {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    dedupWindowHours: row.dedup_window_hours,
    createdAt: row.created_at.toISOString(),
    keys: (row.keys ?? []).map((k) => ({ id: k.id, prefix: k.prefix, createdAt: new Date(k.created_at).toISOString(), expiresAt: k.expires_at ? new Date(k.expires_at).toISOString() : null })),
  };
}

export interface ResolvedKey {
  pipelineId: string;
  enabled: boolean;
}

/** How long a key lookup may go unanswered before the collect request gets a 503. */
const KEY_QUERY_TIMEOUT_MS = 5000;

/**
 * Pipelines (the spec also calls them sources) and their keys. Keys are stored hashed; the
 * clear key is returned once, by `create` and `rotateKey`. Key look-ups on the collect path
 * are cached for a few seconds, so a revoked or disabled key stops working within that time.
 *
 * @example
 * const pipelines = createPipelineService(pool);
 * const { pipeline, key } = await pipelines.create('Marketing Website');
 */
export function createPipelineService(pool: Pool, options: { cacheTtlMs?: number; onDeleted?: () => Promise<void> | void } = {}) {
  const cacheTtlMs = options.cacheTtlMs ?? 5000;
  const cache = new Map<string, { value: ResolvedKey | null; expires: number }>();

  /**
   * What `resolveKey` would answer from its cache without a query, or undefined when the key
   * is not cached (or its entry expired). Lets the collect route skip a promise per request.
   */
  function cachedKey(key: string): ResolvedKey | null | undefined {
    const hit = cache.get(key);
    return hit && hit.expires > Date.now() ? hit.value : undefined;
  }

  /** `field`: what the caller's API calls the id, for the 400 or 404 (the mutations on a pipeline take `id`). */
  async function get(id: string, field = 'pipelineId'): Promise<Pipeline> {
    assertUuid(id, field);
    const { rows } = await pool.query<PipelineRow>(`${SELECT_PIPELINES} WHERE p.id = $1`, [id]);
    if (!rows[0]) throw new SignalError('SIGNAL_NOT_FOUND', `No pipeline with id ${id}`, [{ field, message: 'no such pipeline' }]);
    return toPipeline(rows[0]);
  }

  return {
    get,
    async list(): Promise<Pipeline[]> {
      const { rows } = await pool.query<PipelineRow>(`${SELECT_PIPELINES} ORDER BY p.created_at, p.id`);
      return rows.map(toPipeline);
    },

    async create(name: string): Promise<{ pipeline: Pipeline; key: string }> {
      const id = randomUUID();
      const key = generateKey();
      const clean = validateName(name);
      await withTransaction(pool, async (client) => {
        await client.query('INSERT INTO signal.pipelines (id, name) VALUES ($1, $2)', [id, clean]);
        await client.query('INSERT INTO signal.pipeline_keys (id, pipeline_id, key_hash, key_prefix) VALUES ($1, $2, $3, $4)', [randomUUID(), id, hashKey(key), key.slice(0, 8)]);
      });
      return { pipeline: await get(id), key };
    },

    /**
     * Issues a new key. Old keys stop working after `graceSeconds` (0: at once), so clients
     * can be moved over without dropping events.
     */
    async rotateKey(id: string, graceSeconds = 0): Promise<{ pipeline: Pipeline; key: string }> {
      await get(id, 'id');
      if (!Number.isInteger(graceSeconds) || graceSeconds < 0 || graceSeconds > 30 * 86400) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', 'graceSeconds must be a whole number from 0 to 2592000 (30 days)', [{ field: 'graceSeconds', message: 'must be 0 to 2592000' }]);
      }
      const key = generateKey();
      await withTransaction(pool, async (client) => {
        // Rotations of one pipeline take turns: without the row lock, each one's UPDATE misses
        // the keys the others are inserting (READ COMMITTED), and several stay active.
        await client.query('SELECT 1 FROM signal.pipelines WHERE id = $1 FOR UPDATE', [id]);
        await client.query(
          `UPDATE signal.pipeline_keys SET expires_at = now() + make_interval(secs => $2)
            WHERE pipeline_id = $1 AND (expires_at IS NULL OR expires_at > now() + make_interval(secs => $2))`,
          [id, graceSeconds],
        );
        await client.query('INSERT INTO signal.pipeline_keys (id, pipeline_id, key_hash, key_prefix) VALUES ($1, $2, $3, $4)', [randomUUID(), id, hashKey(key), key.slice(0, 8)]);
      });
      cache.clear();
      return { pipeline: await get(id), key };
    },

    async setEnabled(id: string, enabled: boolean): Promise<Pipeline> {
      await get(id, 'id');
      await pool.query('UPDATE signal.pipelines SET enabled = $2, updated_at = now() WHERE id = $1', [id, enabled]);
      cache.clear();
      return get(id);
    },

    /**
     * Deletes a disabled pipeline with its keys, its integration assignments (their queues go,
     * with any events still waiting in them, as with unassigning), their replays and the
     * pipeline's transformations. Refused while it is enabled: disabling first makes its key
     * answer 401, so a client still sending to it finds out. Its stored events and dead letters
     * stay until their retention prunes them.
     */
    async remove(id: string): Promise<void> {
      const pipeline = await get(id, 'id');
      const enabledError = () => new SignalError('SIGNAL_CONFLICT', `Pipeline "${pipeline.name}" (${id}) is enabled: disable it first (setPipelineEnabled), so its key answers 401 to any client still sending to it, then delete it`, [
        { field: 'id', message: 'the pipeline is enabled' },
      ]);
      if (pipeline.enabled) throw enabledError();
      await withTransaction(pool, async (client) => {
        // Not enabled again meanwhile.
        const { rowCount } = await client.query('DELETE FROM signal.pipelines WHERE id = $1 AND NOT enabled', [id]);
        if (!rowCount) throw enabledError();
        await client.query('DELETE FROM signal.transformation_revisions WHERE scope = $1', [id]);
      });
      cache.clear();
      await options.onDeleted?.();
    },

    /**
     * Sets the pipeline's own deduplication window in whole hours (0 to 720; 0: off), or
     * `null` for `SIGNAL_DEDUP_WINDOW_HOURS`. Worker nodes see it within 2 s.
     */
    async setDedupWindow(id: string, hours: number | null): Promise<Pipeline> {
      await get(id, 'id');
      if (hours !== null && (!Number.isInteger(hours) || hours < 0 || hours > MAX_DEDUP_WINDOW_HOURS)) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `windowHours must be a whole number of hours from 0 to ${MAX_DEDUP_WINDOW_HOURS} (0: off), or null for the default, got ${hours}`, [{ field: 'windowHours', message: `must be 0 to ${MAX_DEDUP_WINDOW_HOURS}, or null` }]);
      }
      await pool.query('UPDATE signal.pipelines SET dedup_window_hours = $2, updated_at = now() WHERE id = $1', [id, hours]);
      return get(id, 'id');
    },

    /**
     * Erases what the memory of identify traits holds for a person of the pipeline, by userId
     * and/or anonymousId (a privacy request), and with an anonymousId what pages could read of
     * the visitor from partner profiles; returns how many traits entries were erased. Stored events,
     * dead letters and the delivery log keep theirs until their retention.
     */
    async forgetTraits(id: string, person: { userId?: string | null; anonymousId?: string | null }): Promise<number> {
      await get(id, 'pipelineId');
      // Collect stores a NUL or a lone surrogate as U+FFFD: the id as the client sent it finds
      // what was remembered under the id Signal stored.
      const userId = person.userId ? storableText(person.userId) : null;
      const anonymousId = person.anonymousId ? storableText(person.anonymousId) : null;
      const digests = [
        ...(userId ? [identityDigest('user', userId)] : []),
        ...(anonymousId ? [identityDigest('anonymous', anonymousId)] : []),
      ];
      if (digests.length === 0) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', 'Name the person: userId, anonymousId or both', [{ field: 'userId', message: 'is required when there is no anonymousId' }]);
      }
      const statement = forgetTraitsStatement(id, digests);
      const { rows } = await pool.query<{ erased: number }>(statement.text, statement.values);
      // What pages could read of the visitor from partners' profiles (GET /v1/enrich) goes too.
      if (anonymousId) {
        const forget = forgetVisitorStatement(id, visitorDigest(anonymousId), BROWSER_ATTRIBUTES_DAYS);
        await pool.query(forget.text, forget.values);
      }
      return rows[0]?.erased ?? 0;
    },

    async rename(id: string, name: string): Promise<Pipeline> {
      await get(id, 'id');
      await pool.query('UPDATE signal.pipelines SET name = $2, updated_at = now() WHERE id = $1', [id, validateName(name)]);
      return get(id);
    },

    /** See `cachedKey` above: the cache's answer, or undefined when a query is needed. */
    cachedKey,

    /** The pipeline a key belongs to, or null for an unknown or expired key (cached briefly). */
    async resolveKey(key: string): Promise<ResolvedKey | null> {
      const hit = cachedKey(key);
      if (hit !== undefined) return hit;
      const now = Date.now();
      // A read timeout (pg drops the connection then): a silent server must not hold the
      // collect requests waiting on this key forever.
      const query = {
        text: `SELECT p.id, p.enabled FROM signal.pipeline_keys k JOIN signal.pipelines p ON p.id = k.pipeline_id
                WHERE k.key_hash = $1 AND (k.expires_at IS NULL OR k.expires_at > now())`,
        values: [hashKey(key)],
        query_timeout: KEY_QUERY_TIMEOUT_MS,
      };
      const { rows } = await pool.query<{ id: string; enabled: boolean }>(query);
      const value = rows[0] ? { pipelineId: rows[0].id, enabled: rows[0].enabled } : null;
      if (cache.size > 10_000) cache.clear();
      cache.set(key, { value, expires: now + cacheTtlMs });
      return value;
    },
  };
}

export type PipelineService = ReturnType<typeof createPipelineService>;
