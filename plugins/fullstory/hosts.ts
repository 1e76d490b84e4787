// Where the plugin's requests go. Fullstory's server API v2 lives at `https://api.fullstory.com`
// (NA1 data center) and `https://api.eu1.fullstory.com` (EU1): the same paths on both. Fullstory's
// own CLI picks the host by the API key's region prefix (`eu1.` → EU1, `na1.` → NA1).

/** Fullstory's data centers, as the config names them. */
export const DATA_CENTERS = ['na1', 'eu1'] as const;
export type DataCenter = (typeof DATA_CENTERS)[number];

/** The API origin of each data center. */
export const API_ORIGINS: Record<DataCenter, string> = {
  na1: 'https://api.fullstory.com',
  eu1: 'https://api.eu1.fullstory.com',
};

export const EVENTS_PATH = '/v2/events';
export const USERS_PATH = '/v2/users';

/**
 * The data center a key's region prefix names, or undefined for a key without one (older keys).
 *
 * @example
 * keyRegion('eu1.abc…/DEMO'); // 'eu1'
 * keyRegion('abc…');          // undefined
 */
export function keyRegion(key: string): DataCenter | undefined {
  const prefix = /^([a-z]+[0-9]+)\./i.exec(key.trim())?.[1]?.toLowerCase();
  return prefix === 'na1' || prefix === 'eu1' ? prefix : undefined;
}
