/** The retry schedule of the spec: retries after 1, 4, 16, 64, 256 s (plus up to 25 % jitter), 6 tries in all. */

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** delay = base^retry seconds (the first retry has a 1 s floor). */
  baseSeconds: number;
  /** No delay exceeds this (before jitter). */
  capSeconds: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { attempts: 6, baseSeconds: 4, capSeconds: 256 };
export const JITTER = 0.25;

/**
 * The longest wait a vendor's `Retry-After` can impose: an hour. Longer values are cut to it:
 * an epoch timestamp sent as seconds (`1767225600`) would otherwise pause an integration, on
 * every pipeline and across restarts, for decades, and a value past JavaScript's date range
 * would make the retry unschedulable.
 */
export const MAX_RETRY_AFTER_MS = 3600 * 1000;

/**
 * A vendor's requested wait made safe to schedule: undefined when it is not a finite number
 * of at least 0, else at most `MAX_RETRY_AFTER_MS`.
 *
 * @example
 * boundedRetryAfterMs(1_767_225_600_000); // 3600000
 */
export function boundedRetryAfterMs(ms: number | undefined): number | undefined {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return undefined;
  return Math.min(ms, MAX_RETRY_AFTER_MS);
}

/**
 * Delay before retry number `retry` (1 = the first retry) in milliseconds: `base^(retry-1)`
 * seconds — 1, 4, 16, 64, 256 with the defaults — capped, plus a random jitter of up to 25 %
 * (added, as the spec says, so no retry comes sooner than its step); a longer `Retry-After`
 * wins, up to an hour (`MAX_RETRY_AFTER_MS`); `timeScale` multiplies the result (tests run the
 * schedule fast).
 *
 * @example
 * retryDelayMs(2, DEFAULT_RETRY_POLICY, { random: () => 0.5 }); // 4500
 */
export function retryDelayMs(
  retry: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  options: { random?: () => number; retryAfterMs?: number; timeScale?: number } = {},
): number {
  const random = options.random ?? Math.random;
  const seconds = Math.min(policy.capSeconds, Math.max(1, policy.baseSeconds ** (retry - 1)));
  const jittered = seconds * 1000 * (1 + JITTER * random());
  const delay = Math.max(jittered, boundedRetryAfterMs(options.retryAfterMs) ?? 0);
  return Math.round(delay * (options.timeScale ?? 1));
}

/**
 * How long a vendor may keep answering 429 before its events are dead-lettered: a day, so a
 * daily quota has reset by then. A 429 says "later", not "failed", so it uses up no try.
 */
export const THROTTLE_BUDGET_MS = 24 * 3600 * 1000;

/**
 * Delay before sending again events a vendor answered 429, after `throttledForMs` of such
 * answers (0 at the first): as long as it has lasted so far (doubling the total each time),
 * from 1 s up to the policy's cap, plus up to 25 % jitter; a longer `Retry-After` wins (up to
 * an hour). `timeScale` multiplies the delay — the time it has lasted so far too, not just the
 * floor, the cap and `Retry-After`: in tests that time is mostly real queue latency, and
 * doubling it unscaled made a few 429s cost seconds. Undefined once the throttling has lasted
 * `THROTTLE_BUDGET_MS` (scaled by `timeScale` too).
 *
 * @example
 * throttledRetryDelayMs(0, DEFAULT_RETRY_POLICY, { random: () => 0 }); // 1000
 * throttledRetryDelayMs(10_000, DEFAULT_RETRY_POLICY, { random: () => 0 }); // 10000
 * throttledRetryDelayMs(2_000, DEFAULT_RETRY_POLICY, { random: () => 0, timeScale: 0.01 }); // 20
 */
export function throttledRetryDelayMs(
  throttledForMs: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
  options: { random?: () => number; retryAfterMs?: number; timeScale?: number } = {},
): number | undefined {
  const scale = options.timeScale ?? 1;
  if (throttledForMs >= THROTTLE_BUDGET_MS * scale) return undefined;
  const random = options.random ?? Math.random;
  const step = Math.min(policy.capSeconds * 1000, Math.max(1000, throttledForMs)) * scale;
  return Math.round(Math.max(step * (1 + JITTER * random()), (boundedRetryAfterMs(options.retryAfterMs) ?? 0) * scale));
}

/** True while another try is allowed after `triesSoFar` tries. */
export function shouldRetry(triesSoFar: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): boolean {
  return triesSoFar < policy.attempts;
}

/**
 * Parses a `Retry-After` header: delay-seconds or an HTTP-date. Returns milliseconds, at most
 * `MAX_RETRY_AFTER_MS`, or undefined when absent or unparseable.
 *
 * @example
 * parseRetryAfter('120'); // 120000
 */
export function parseRetryAfter(value: string | undefined | null, now = Date.now()): number | undefined {
  if (value === undefined || value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return boundedRetryAfterMs(Math.round(Number(trimmed) * 1000));
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return boundedRetryAfterMs(Math.max(0, date - now));
}

/** Checks a per-integration override; returns the problems, empty when fine. */
export function validateRetryPolicy(policy: Partial<RetryPolicy>): Array<{ field: string; message: string }> {
  const problems: Array<{ field: string; message: string }> = [];
  if (policy.attempts !== undefined && (!Number.isInteger(policy.attempts) || policy.attempts < 1 || policy.attempts > 20)) {
    problems.push({ field: 'attempts', message: 'must be a whole number from 1 to 20' });
  }
  if (policy.baseSeconds !== undefined && !(policy.baseSeconds >= 1 && policy.baseSeconds <= 60)) {
    problems.push({ field: 'baseSeconds', message: 'must be from 1 to 60' });
  }
  if (policy.capSeconds !== undefined && !(policy.capSeconds >= 1 && policy.capSeconds <= 86_400)) {
    problems.push({ field: 'capSeconds', message: 'must be from 1 to 86400' });
  }
  return problems;
}
