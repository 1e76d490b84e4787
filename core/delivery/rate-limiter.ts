import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from '../db/pool.ts';
import type { RateLimitDefaults } from '../sdk/types.ts';
import type { RateLimitSettings } from '../services/integrations.ts';

/**
 * A rate-limit bucket: an integration's (template's) own, or one of its endpoints' (`endpoint`:
 * a name of the plugin's `rateLimit.endpoints`; '' for the integration's own).
 */
export interface Bucket {
  templateId: string;
  endpoint: string;
}

/** Creates a bucket, full, unless it exists. */
export function ensureBucketStatement(bucket: Bucket, burst: number) {
  return {
    text: `INSERT INTO signal.rate_limits (template_id, endpoint, tokens) VALUES ($1, $2, $3)
           ON CONFLICT (template_id, endpoint) DO NOTHING`,
    values: [bucket.templateId, bucket.endpoint, burst],
  };
}

/**
 * Takes up to `wanted` tokens in one statement, under the row lock, refilling the bucket for
 * the time elapsed (at `rps × slowdown`), resetting the daily count at UTC midnight, and
 * granting nothing while a vendor-requested pause runs.
 */
export function acquireStatement(bucket: Bucket, limit: RateLimitSettings, wanted: number) {
  return {
    text: `WITH cur AS (
             SELECT template_id, paused_until, slowdown,
                    CASE WHEN $2::float8 <= 0 THEN $4::float8
                         ELSE LEAST($3::float8, tokens + GREATEST(0, EXTRACT(EPOCH FROM clock_timestamp() - refilled_at)) * $2::float8 * slowdown) END AS avail,
                    CASE WHEN day = (clock_timestamp() AT TIME ZONE 'UTC')::date THEN day_count ELSE 0 END AS today
               FROM signal.rate_limits WHERE template_id = $1 AND endpoint = $6 FOR UPDATE
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
            WHERE r.template_id = d.template_id AND r.endpoint = $6
        RETURNING d.granted, d.avail, d.today, d.slowdown,
                  GREATEST(0, EXTRACT(EPOCH FROM (d.paused_until - clock_timestamp())) * 1000)::float8 AS paused_ms,
                  EXTRACT(EPOCH FROM (date_trunc('day', clock_timestamp() AT TIME ZONE 'UTC') + interval '1 day' - clock_timestamp() AT TIME ZONE 'UTC')) * 1000 AS ms_to_midnight`,
    values: [bucket.templateId, limit.rps, Math.max(limit.burst, 1), wanted, limit.daily, bucket.endpoint],
  };
}

/** A vendor 429: pause for `pauseMs` and halve the rate (down to a tenth). */
export function throttleStatement(bucket: Bucket, pauseMs: number) {
  return {
    text: `UPDATE signal.rate_limits
              SET paused_until = GREATEST(COALESCE(paused_until, clock_timestamp()), clock_timestamp() + make_interval(secs => $2::float8 / 1000)),
                  slowdown = GREATEST(0.1, slowdown * 0.5)
            WHERE template_id = $1 AND endpoint = $3
        RETURNING slowdown`,
    values: [bucket.templateId, pauseMs, bucket.endpoint],
  };
}

/** Success after a slow-down: recover the rate by 10 % a time. A no-op at full rate. */
export function recoverStatement(bucket: Bucket) {
  return {
    text: `UPDATE signal.rate_limits SET slowdown = LEAST(1, slowdown * 1.1)
            WHERE template_id = $1 AND endpoint = $2 AND slowdown < 1
        RETURNING slowdown`,
    values: [bucket.templateId, bucket.endpoint],
  };
}

export interface Grant {
  /** Tokens granted now (0 … wanted). */
  granted: number;
  /** When nothing was granted: how long to wait before asking again. */
  waitMs: number;
}

/**
 * The limit of one of a plugin's `rateLimit.endpoints` for an integration: the plugin's figures,
 * scaled as the admin scaled the integration's rate (twice the plugin's `rps`, twice each
 * endpoint's; 0 — unlimited — lifts them too). Undefined for an endpoint the plugin does not declare.
 *
 * @example
 * endpointLimit({ rps: 10, endpoints: { users: { rps: 5 } } }, { rps: 20, burst: 40, daily: 0 }, 'users'); // { rps: 10, burst: 20, daily: 0 }
 */
export function endpointLimit(defaults: RateLimitDefaults, settings: RateLimitSettings, endpoint: string): RateLimitSettings | undefined {
  const declared = Object.hasOwn(defaults.endpoints ?? {}, endpoint) ? defaults.endpoints![endpoint] : undefined;
  if (declared === undefined) return undefined;
  if (settings.rps <= 0) return { rps: 0, burst: 0, daily: 0 };
  const scale = settings.rps / defaults.rps;
  return { rps: declared.rps * scale, burst: Math.max(1, (declared.burst ?? declared.rps * 2) * scale), daily: 0 };
}

/** A bucket named by its integration alone is the integration's own. */
function bucketOf(target: string | Bucket): Bucket {
  return typeof target === 'string' ? { templateId: target, endpoint: '' } : target;
}

/**
 * Rate limits per integration (template), shared by every pipeline it is assigned to, and
 * enforced across every worker process: the bucket lives in Postgres. Over the limit,
 * delivery waits; nothing is dropped. An integration's endpoints with limits of their own
 * (`{ templateId, endpoint }`) have buckets of their own.
 *
 * @example
 * const limiter = createRateLimiter(pool);
 * await limiter.take(templateId, { rps: 10, burst: 20, daily: 0 }, 3); // resolves when 3 tokens are had
 * await limiter.take({ templateId, endpoint: 'users' }, { rps: 5, burst: 5, daily: 0 }, 1);
 */
export function createRateLimiter(pool: Pool, options: { maxWaitMs?: number } = {}) {
  const maxWaitMs = options.maxWaitMs ?? 1000;
  const keyOf = (bucket: Bucket): string => `${bucket.templateId}/${bucket.endpoint}`;
  const ensured = new Set<string>();
  // The slow-down last seen per bucket: a success at full rate (the usual case) then
  // costs no write. Another process's 429 is seen at its next acquire.
  const slowdowns = new Map<string, number>();

  async function ensure(bucket: Bucket, limit: RateLimitSettings): Promise<void> {
    if (ensured.has(keyOf(bucket))) return;
    const statement = ensureBucketStatement(bucket, Math.max(limit.burst, 1));
    await pool.query(statement.text, statement.values);
    ensured.add(keyOf(bucket));
  }

  // Unlimited buckets are skipped; only a vendor's pause can hold them, read at most
  // once a second per bucket.
  const pauses = new Map<string, { until: number; checked: number }>();
  async function pausedFor(bucket: Bucket): Promise<number> {
    const now = Date.now();
    let entry = pauses.get(keyOf(bucket));
    if (!entry || now - entry.checked > 1000) {
      const { rows } = await pool.query<{ until: Date | null }>('SELECT paused_until AS until FROM signal.rate_limits WHERE template_id = $1 AND endpoint = $2', [bucket.templateId, bucket.endpoint]);
      entry = { until: rows[0]?.until?.getTime() ?? 0, checked: now };
      pauses.set(keyOf(bucket), entry);
    }
    return Math.max(0, entry.until - now);
  }

  async function tryAcquire(target: string | Bucket, limit: RateLimitSettings, wanted: number): Promise<Grant> {
    const bucket = bucketOf(target);
    if (limit.rps <= 0 && limit.daily <= 0) {
      const paused = await pausedFor(bucket);
      return paused > 0 ? { granted: 0, waitMs: paused } : { granted: wanted, waitMs: 0 };
    }
    await ensure(bucket, limit);
    const statement = acquireStatement(bucket, limit, wanted);
    const { rows } = await pool.query<{ granted: number; avail: number; today: number; slowdown: number; paused_ms: number | null; ms_to_midnight: number }>(statement.text, statement.values);
    const row = rows[0];
    if (!row) {
      ensured.delete(keyOf(bucket));
      return { granted: 0, waitMs: 10 };
    }
    slowdowns.set(keyOf(bucket), row.slowdown);
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
    async take(target: string | Bucket, limit: RateLimitSettings, wanted: number, deadline = Number.POSITIVE_INFINITY, signal?: AbortSignal): Promise<number> {
      for (;;) {
        if (signal?.aborted) return 0;
        const grant = await tryAcquire(target, limit, wanted);
        if (grant.granted > 0) return grant.granted;
        if (Date.now() + grant.waitMs > deadline) return 0;
        try {
          await sleep(Math.min(Math.max(grant.waitMs, 5), maxWaitMs), undefined, signal ? { signal } : {});
        } catch {
          return 0; // aborted: the process is stopping
        }
      }
    },
    async throttle(target: string | Bucket, pauseMs: number): Promise<void> {
      const bucket = bucketOf(target);
      const ensureIt = ensureBucketStatement(bucket, 1);
      await pool.query(ensureIt.text, ensureIt.values);
      const statement = throttleStatement(bucket, pauseMs);
      const { rows } = await pool.query<{ slowdown: number }>(statement.text, statement.values);
      pauses.delete(keyOf(bucket));
      slowdowns.set(keyOf(bucket), rows[0]?.slowdown ?? 1);
    },
    /** A vendor success: a slowed-down bucket gets 10 % of its rate back (none needed at full rate). */
    async recover(target: string | Bucket): Promise<void> {
      const bucket = bucketOf(target);
      if ((slowdowns.get(keyOf(bucket)) ?? 1) >= 1) return;
      const statement = recoverStatement(bucket);
      const { rows } = await pool.query<{ slowdown: number }>(statement.text, statement.values);
      slowdowns.set(keyOf(bucket), rows[0]?.slowdown ?? 1);
    },
  };
}

export type RateLimiter = ReturnType<typeof createRateLimiter>;
