import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SignalError } from '../errors.ts';

export type RateLimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export interface LimitOptions {
  /** Requests allowed per window. */
  max: number;
  windowMs: number;
  /** The bucket a request counts against, e.g. `ip:203.0.113.9`. */
  keyOf: (request: FastifyRequest) => string;
  /** What the limit is per, for the message: `client IP`, `pipeline key`. */
  per: string;
}

/**
 * A rate-limit hook over `@fastify/rate-limit`'s counter (`createRateLimit`). Its own hooks
 * (`app.rateLimit()`) share one "already limited" mark per request, so with a per-IP hook
 * on a route, a per-key hook on the same route never counted. Each hook made here counts on
 * its own: over the limit, a 429 `SIGNAL_RATE_LIMITED` with `Retry-After`.
 *
 * @example
 * await app.register(fastifyRateLimit, { global: false });
 * const limitByIp = createLimitHook(app, { max: 500, windowMs: 1000, keyOf: (r) => `ip:${r.ip}`, per: 'client IP' });
 */
export function createLimitHook(app: FastifyInstance, options: LimitOptions): RateLimitHook {
  const check = app.createRateLimit({ max: options.max, timeWindow: options.windowMs, keyGenerator: options.keyOf });
  return async (request, reply) => {
    const result = await check(request);
    if (result.isAllowed) return;
    reply.header('x-ratelimit-limit', result.max);
    reply.header('x-ratelimit-remaining', result.remaining);
    reply.header('x-ratelimit-reset', result.ttlInSeconds);
    if (!result.isExceeded) return;
    const retryAfter = Math.max(1, result.ttlInSeconds);
    throw new SignalError('SIGNAL_RATE_LIMITED', `Rate limit of ${options.max} requests per ${options.windowMs / 1000} s per ${options.per} exceeded; retry after ${retryAfter} s`, [], { retryAfter });
  };
}
