// Where a Pendo subscription's APIs live. Pendo serves each subscription from one data center,
// and every API of it — the Track Events endpoint (`/data/track`), the Metadata API and the
// bulk deletion API (`/api/v1/...`) — from that data center's app host: `https://app.pendo.io`
// (US), `https://us1.app.pendo.io` (US1), `https://app.eu.pendo.io` (EU), `https://app.jpn.pendo.io`
// (Japan) and `https://app.au.pendo.io` (Australia). A request to another data center's host is
// refused or lands in no subscription.
import type { JsonValue } from '../../core/sdk/index.ts';

export const REGIONS = ['us', 'us1', 'eu', 'jpn', 'au'] as const;
export type Region = (typeof REGIONS)[number];

export const REGION_ORIGINS: Record<Region, string> = {
  us: 'https://app.pendo.io',
  us1: 'https://us1.app.pendo.io',
  eu: 'https://app.eu.pendo.io',
  jpn: 'https://app.jpn.pendo.io',
  au: 'https://app.au.pendo.io',
};

/**
 * The data center of an integration's config (`us` unless it names another).
 *
 * @example
 * regionOf({ region: 'eu' }); // 'eu'
 */
export function regionOf(config: Record<string, JsonValue>): Region {
  const region = config.region;
  return typeof region === 'string' && (REGIONS as readonly string[]).includes(region) ? (region as Region) : 'us';
}

/**
 * The origin of the subscription's APIs.
 *
 * @example
 * originOf({ region: 'jpn' }); // 'https://app.jpn.pendo.io'
 */
export function originOf(config: Record<string, JsonValue>): string {
  return REGION_ORIGINS[regionOf(config)];
}
