/**
 * Errors a plugin's classifier (or request builder) may throw to say what should happen to
 * the events of the request. The core catches them:
 *
 * - `RetryableError` → the events are retried on the core's schedule (1, 4, 16, 64, 256 s with
 *   jitter; 6 tries in all), not before `retryAfterMs` when given;
 * - `PermanentError` → the events are dead-lettered at once, the message kept as the reason;
 * - any other error → dead-lettered as `classifier failed: …` (a bug must not retry forever).
 *
 * The core recognises them by `name`, so a plugin bundling its own copy of the SDK still works.
 */

/**
 * The vendor failed in a way that may pass on another try (throttling, an outage).
 * `retryAfterMs` (a finite number ≥ 0, else ignored) is the least wait before the next try.
 *
 * @example
 * classify(response) {
 *   if (response.json?.error === 'too_many_requests_for_device') throw new RetryableError('Amplitude throttled the device', 30_000);
 *   return defaultClassify(response);
 * }
 */
export class RetryableError extends Error {
  readonly retryAfterMs?: number;

  constructor(message: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RetryableError';
    if (typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs >= 0) this.retryAfterMs = Math.round(retryAfterMs);
  }
}

/**
 * The vendor refused the events for good (bad credentials, invalid payload): retrying cannot
 * help. The message becomes the dead letter's reason: say what to fix.
 *
 * @example
 * classify(response) {
 *   if (response.status === 401) throw new PermanentError('Invalid API key: check config.api_key');
 *   return defaultClassify(response);
 * }
 */
export class PermanentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'PermanentError';
  }
}
