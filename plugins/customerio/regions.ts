// Customer.io's data centers and the Track API host of each (Track API reference: "The only
// difference in our US and European Union (EU) regions is the subdomain — track-eu for the EU
// region rather than just track"). A workspace's data lives in one region: the US host
// redirects an EU workspace's requests (they still pass through US servers, so Signal sends to
// the EU host itself), and the EU host refuses a US workspace's.
import type { JsonValue } from '../../core/sdk/index.ts';

/** The regions as the config names them, with their Track API hosts. */
export const REGIONS = {
  us: 'https://track.customer.io',
  eu: 'https://track-eu.customer.io',
} as const;
export type Region = keyof typeof REGIONS;

/**
 * The config's region: `eu`, else the US (the schema accepts nothing else; absent is the default).
 *
 * @example
 * regionOf({ region: 'eu' }); // 'eu'
 * regionOf({});               // 'us'
 */
export function regionOf(config: Record<string, JsonValue>): Region {
  return config.region === 'eu' ? 'eu' : 'us';
}

/**
 * The Track API host of an integration's config, without a trailing slash.
 *
 * @example
 * trackHostOf({ region: 'eu' }); // 'https://track-eu.customer.io'
 * trackHostOf({});               // 'https://track.customer.io'
 */
export function trackHostOf(config: Record<string, JsonValue>): string {
  return REGIONS[regionOf(config)];
}
