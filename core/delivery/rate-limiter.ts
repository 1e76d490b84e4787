import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '../db/pool.ts';
import type { RateLimitSettings } from '../services/integrations.ts';

/** Creates the bucket of an integration (template), full, unless it exists. */
export function ensureBucketStatement(templateId: string, burst: number) {
  return {
    text: `INSERT INTO signal.rate_limits (template_id, tokens) VALUES ($1, $2)
           ON CONFLICT (template_id) DO NOTHING`,
    values: [templateId, burst],
  };
}

/**
 * Takes up to `wanted` tokens in one statement, under the row lock, refilling the bucket for
 * the time elapsed (at `rps × slowdown`), resetting the daily count at UTC midnight, and
 * granting nothing while a vendor-requested pause runs.
 */
export function acquireStatement(templateId: string, limit: RateLimitSettings, wanted: number) {
  return {
    text: `WITH cur AS (
             SELECT template_id, paused_until, slowdown,
                    CASE WHEN $2::float8 <= 0 THEN $4::float8
                         ELSE LEAST($3::float8, tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - refilled_at)) * $2::float8 * slowdown) END AS avail,
                    CASE WHEN day = (clock_timestamp() AT TIME ZONE 'UTC')::date THEN day_count ELSE 0 END AS today
               FROM signal.rate_limits WHERE template_id = $1 FOR UPDATE
           ), decision AS (
             SELECT *, CASE
                 WHEN paused_until IS NOT NULL AND paused_until > clock_timestamp() THEN 0
                 ELSE GREATEST(0, LEAST($4::int, FLOOR(avail)::int, CASE WHEN $5::int > 0 THEN $5::int - today ELSE $4::int END))
               END AS granted
               FROM cur
           )
           UPDATE signal.rate_limits r
              SET tokens = CASE WHEN $2::float8 <= 0 THEN r.tokens ELSE d.avail - d.granted END,
                  refilled_at = clock_timestamp(),
                  day = (clock_timestamp() AT TIME ZONE 'UTC')::date,
                  day_count = d.today + d.granted
             FROM decision d
            WHERE r.template_id = d.template_id
        RETURNING d.granted, d.avail, d.today, d.slowdown,
                  GREATEST(0, EXTRACT(EPOCH FROM (d.paused_until - clock_timestamp())) * 1000)::float8 AS paused_ms,
                  EXTRACT(EPOCH FROM (date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC') + interval '1 day' - clock_timestamp() AT TIME ZONE 'UTC')) * 1000 AS ms_to_midnight`,
    values: [templateId, limit.rps, Math.max(limit.burst, 1), wanted, limit.daily],
  };
}

/** A vendor 429: pause for `pauseMs` and halve the rate (down to a tenth). */
export function throttleStatement(templateId: string, pauseMs: number) {
  return {
    text: `UPDATE signal.rate_limits
              SET paused_until = GREATEST(COALESCE(paused_until, clock_timestamp()), clock_timestamp() + make_interval(secs => $2::float8 / 1000)),
                  slowdown = GREATEST(0.1, slowdown * 0.5)
            WHERE template_id = $1
        RETURNING slowdown`,
    values: [templateId, pauseMs],
  };
}

/** Success after a slow-down: recover the rate by 10 % a time. A no-op at full rate. */
export function recoverStatement(templateId: string) {
  return {
    text: `UPDATE signal.rate_limits SET slowdown = LEAST(1, slowdown * 1.1)
            WHERE template_id = $1 AND slowdown < 1
        RETURNING slowdown`,
    values: [templateId],
  };
}

export interface Grant {
  /** Tokens granted now (0 … wanted). */
  granted: number;
  /** When nothing was granted: how long to wait before asking again. */
  waitMs: number;
}

/**
 * Rate limits per integration (template), shared by every pipeline it is assigned to, and
 * enforced across every worker process: the bucket lives in Postgres. Over the limit,
 * delivery waits; nothing is dropped.
 *
 * @example
 * const limiter = createRateLimiter(pool);
 * await limiter.take(templateId, { rps: 10, burst: 20, daily: 0 }, 3); // resolves when 3 tokens are had
 */
export function createRateLimiter(pool: Pool, options: { maxWaitMs?: number } = {}) {
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const ensured = new Set<string>();
  // The slow-down last seen per integration: a success at full rate (the usual case) then
  // costs no write. Another process's 429 is seen at its next acquire.
  const slowdowns = new Map<string, number>();

  async function ensure(templateId: string, limit: RateLimitSettings): Promise<void> {
    if (ensured.has(templateId)) return;
    const statement = ensureBucketStatement(templateId, Math.max(limit.burst, 1));
    await pool.query(statement.text, statement.values);
    ensured.add(templateId);
  }

  // Unlimited integrations skip the bucket; only a vendor's pause can hold them, read at most
  // once a second per integration.
  const pauses = new Map<string, { until: number; checked: number }>();
  async function pausedFor(templateId: string): Promise<number> {
    const now = Date.now();
    let entry = pauses.get(templateId);
    if (!entry || now - entry.checked > 1000) {
      const { rows } = await pool.query<{ until: Date | null }>('SELECT paused_until AS until FROM signal.rate_limits WHERE template_id = $1', [templateId]);
      entry = { until: rows[0]?.until?.getTime() ?? 0, checked: now };
      pauses.set(templateId, entry);
    }
    return Math.max(0, entry.until - now);
  }

  async function tryAcquire(templateId: string, limit: RateLimitSettings, wanted: number): Promise<Grant> {
    if (limit.rps <= 0 && limit.daily <= 0) {
      const paused = await pausedFor(templateId);
      return paused > 0 ? { granted: 0, waitMs: paused } : { granted: wanted, waitMs: 0 };
    }
    await ensure(templateId, limit);
    const statement = acquireStatement(templateId, limit, wanted);
    const { rows } = await pool.query<{ granted: number; avail: number; today: number; slowdown: number; paused_ms: number | null; ms_to_midnight: number }>(statement.text, statement.values);
    const row = rows[0];
    if (!row) {
      ensured.delete(templateId);
      return { granted: 0, waitMs: 10 };
    }
    slowdowns.set(templateId, row.slowdown);
    if (row.granted > 0) return { granted: row.granted, waitMs: 0 };
    if ((row.paused_ms ?? 0) > 0) return { granted: 0, waitMs: row.paused_ms! };
    if (limit.daily > 0 && row.today >= limit.daily) return { granted: 0, waitMs: Number(row.ms_to_midnight) };
    const rate = Math.max(limit.rps * row.slowdown, 0.001);
    return { granted: 0, waitMs: Math.ceil(((1 - row.avail) / rate) * 1000) };
  }

  return {
    tryAcquire,
    /**
     * Waits until it may send one more request and returns how many it may send now
     * (1 … wanted). Returns 0 only when the wait would pass `deadline` (the caller then
     * re-queues its work for later instead of holding a worker slot for hours), or once
     * `signal` aborts (shutdown: the batch puts back what it has not sent).
     */
    async take(templateId: string, limit: RateLimitSettings, wanted: number, deadline = Number.POSITIVE_INFINITY, signal?: AbortSignal): Promise<number> {
      for (;;) {
        if (signal?.aborted) return 0;
        const grant = await tryAcquire(templateId, limit, wanted);
        if (grant.granted > 0) return grant.granted;
        if (Date.now() + grant.waitMs > deadline) return 0;
        try {
          await sleep(Math.min(Math.max(grant.waitMs, 5), maxWaitMs), undefined, signal ? { signal } : {});
        } catch {
          return 0; // aborted: the process is stopping
        }
      }
    },
    async throttle(templateId: string, pauseMs: number): Promise<void> {
      const bucket = ensureBucketStatement(templateId, 1);
      await pool.query(bucket.text, bucket.values);
      const statement = throttleStatement(templateId, pauseMs);
      const { rows } = await pool.query<{ slowdown: number }>(statement.text, statement.values);
      pauses.delete(templateId);
      slowdowns.set(templateId, rows[0]?.slowdown ?? 1);
    },
    /** A vendor success: a slowed-down integration gets 10 % of its rate back (none needed at full rate). */
    async recover(templateId: string): Promise<void> {
      if ((slowdowns.get(templateId) ?? 1) >= 1) return;
      const statement = recoverStatement(templateId);
      const { rows } = await pool.query<{ slowdown: number }>(statement.text, statement.values);
      slowdowns.set(templateId, rows[0]?.slowdown ?? 1);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
