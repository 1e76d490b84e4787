// Where Statsig's HTTP API lives. Statsig's API reference ("Log Custom Events") names two
// servers for `POST /v1/log_event`: the Events API server `https://events.statsigapi.net` (the
// host its SDKs log to) and the SDK API server `https://api.statsig.com`. Statsig has no
// regional hosts. The user data deletion API is documented at `https://api.statsig.com` only.
import type { JsonValue } from '../../core/sdk/index.ts';

/** The choices of config.host, in the catalog's order. */
export const HOSTS = ['events', 'api'] as const;
export type Host = (typeof HOSTS)[number];

export const HOST_ORIGINS: Record<Host, string> = {
  events: 'https://events.statsigapi.net',
  api: 'https://api.statsig.com',
};

/** The origin of Statsig's user data deletion API. */
export const DELETION_ORIGIN = 'https://api.statsig.com';

/**
 * The origin events are logged to (`events` unless the config names `api`).
 *
 * @example
 * eventsOriginOf({ host: 'api' }); // 'https://api.statsig.com'
 */
export function eventsOriginOf(config: Record<string, JsonValue>): string {
  return config.host === 'api' ? HOST_ORIGINS.api : HOST_ORIGINS.events;
}
