/**
 * Errors a plugin's classifier may throw to say what should happen to the request's events.
 * The core catches them: `RetryableError` → retried on the schedule (after at least
 * `retryAfterMs`), `PermanentError` → dead-lettered at once with the message as the reason.
 */

/**
 * The vendor failed in a way that may pass on another try.
 *
 * @example
 * throw new RetryableError('Amplitude throttled the device', 30_000);
 */
export class RetryableError extends Error {
  readonly retryAfterMs?: number;
  constructor(message: string, retryAfterMs?: number) {
    super(message);
    this.name = 'RetryableError';
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}

/**
 * The vendor refused the events for good; retrying cannot help.
 *
 * @example
 * throw new PermanentError('Invalid API key: check config.api_key');
 */
export class PermanentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentError';
  }
}
