// Where Heap's APIs live. The server-side APIs (track, add_user_properties, identify) are
// served per data center: `https://heapanalytics.com` for the US, `https://c.eu.heap-api.com`
// for an account whose data is in the EU ("the correct endpoint is https://c.eu.heap-api.com/api/track
// (NOT heapanalytics.com)"). The User Deletion API and its token endpoint are documented on
// heapanalytics.com only, with "These instructions apply to Heap data in both US and EU data
// centers": they go there whatever the data center.
import type { JsonValue } from '../../core/sdk/index.ts';

export const DATA_CENTERS = ['us', 'eu'] as const;
export type DataCenter = (typeof DATA_CENTERS)[number];

const INGESTION_BASE: Record<DataCenter, string> = {
  us: 'https://heapanalytics.com',
  eu: 'https://c.eu.heap-api.com',
};

/** The User Deletion API's origin, for both data centers. */
export const PRIVACY_API_BASE = 'https://heapanalytics.com';

/**
 * The data center of an integration's config (`us` unless it says `eu`).
 *
 * @example
 * dataCenterOf({ data_center: 'eu' }); // 'eu'
 */
export function dataCenterOf(config: Record<string, JsonValue>): DataCenter {
  return config.data_center === 'eu' ? 'eu' : 'us';
}

/**
 * The origin of the server-side APIs for the config's data center.
 *
 * @example
 * ingestionBaseOf({ data_center: 'eu' }); // 'https://c.eu.heap-api.com'
 */
export function ingestionBaseOf(config: Record<string, JsonValue>): string {
  return INGESTION_BASE[dataCenterOf(config)];
}
