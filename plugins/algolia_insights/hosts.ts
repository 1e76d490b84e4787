// Where the Insights API lives. Algolia's Insights API reference names three base URLs: one per
// analytics region (`insights.us.algolia.io`, `insights.de.algolia.io`) and
// `insights.algolia.io`, which "routes requests to the closest of the above servers, based on
// your geographical location". `auto` is the host Algolia's own Segment destination calls;
// whether events it routes to the other region than the application's are kept in the
// application's region is not documented (see the README's Unconfirmed), so the admin can fix
// the region to the application's.
import type { JsonValue } from '../../core/sdk/index.ts';

/** The choices of config.region, in the catalog's order. */
export const REGIONS = ['auto', 'us', 'de'] as const;
export type Region = (typeof REGIONS)[number];

/** Each region's base URL, as Algolia's API reference gives it. */
export const REGION_HOSTS: Record<Region, string> = {
  auto: 'https://insights.algolia.io',
  us: 'https://insights.us.algolia.io',
  de: 'https://insights.de.algolia.io',
};

/**
 * The region of a config (`auto` when unset or unknown).
 *
 * @example
 * regionOf({ region: 'de' }); // 'de'
 */
export function regionOf(config: Record<string, JsonValue>): Region {
  const region = config.region;
  return typeof region === 'string' && (REGIONS as readonly string[]).includes(region) ? (region as Region) : 'auto';
}

/**
 * The Insights API's base URL for a config.
 *
 * @example
 * insightsBaseOf({ region: 'us' }); // 'https://insights.us.algolia.io'
 */
export function insightsBaseOf(config: Record<string, JsonValue>): string {
  return REGION_HOSTS[regionOf(config)];
}
