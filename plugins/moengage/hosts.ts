// Where a MoEngage workspace's Data APIs live. MoEngage serves each workspace from the one data
// center it signed up in, and every Data API of it — Track User, Create Event, Bulk Import and
// Delete User — from that data center's REST API host (MoEngage: API Introduction, Data Centers):
// DC-01 `https://api-01.moengage.com` (US), DC-02 `https://api-02.moengage.com` (EU), DC-03
// `https://api-03.moengage.com` (India), DC-04 `https://api-04.moengage.com` (US), DC-05
// `https://api-05.moengage.com` (Singapore), DC-06 `https://api-06.moengage.com` (Indonesia),
// and DC-101 `https://api-101.moengage.com` (MoEngage's API reference: "Your MoEngage Data Center
// (DC) can be 01, 02, 03, 04, 05, 06, or 101"; RudderStack's MoEngage destination maps DC-101 to
// that host; MoEngage names no region for it). The data center is the number in the dashboard's
// address (dashboard-01.moengage.com is DC-01); a workspace's data cannot move to another one.
import type { JsonValue } from '../../core/sdk/index.ts';

export const DATA_CENTERS = ['01', '02', '03', '04', '05', '06', '101'] as const;
export type DataCenter = (typeof DATA_CENTERS)[number];

export const DATA_CENTER_ORIGINS: Record<DataCenter, string> = {
  '01': 'https://api-01.moengage.com',
  '02': 'https://api-02.moengage.com',
  '03': 'https://api-03.moengage.com',
  '04': 'https://api-04.moengage.com',
  '05': 'https://api-05.moengage.com',
  '06': 'https://api-06.moengage.com',
  '101': 'https://api-101.moengage.com',
};

/** The region each data center keeps data in, as MoEngage's sign-up guidance names it (none for DC-101). */
export const DATA_CENTER_REGIONS: Record<DataCenter, string | undefined> = {
  '01': 'US', '02': 'EU', '03': 'India', '04': 'US', '05': 'Singapore', '06': 'Indonesia', '101': undefined,
};

/**
 * The data center of an integration's config (`01` unless it names another).
 *
 * @example
 * dataCenterOf({ data_center: '02' }); // '02'
 */
export function dataCenterOf(config: Record<string, JsonValue>): DataCenter {
  const dc = config.data_center;
  return typeof dc === 'string' && (DATA_CENTERS as readonly string[]).includes(dc) ? (dc as DataCenter) : '01';
}

/**
 * The origin of the workspace's Data APIs.
 *
 * @example
 * originOf({ data_center: '03' }); // 'https://api-03.moengage.com'
 */
export function originOf(config: Record<string, JsonValue>): string {
  return DATA_CENTER_ORIGINS[dataCenterOf(config)];
}
