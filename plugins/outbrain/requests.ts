// The requests carrying conversions to Outbrain: its S2S conversion endpoint takes one conversion
// a GET, its fields as query parameters (`ob_click_id`, `name`, `orderId`, `orderValue`,
// `currency`), without a credential: the click id attributes it to the advertiser's account.
// Outbrain documents no bulk endpoint.
import type { MappedEvent, RequestDescriptor } from '../../core/sdk/index.ts';
import { queryText } from './conversion.ts';

export const OUTBRAIN_ORIGIN = 'https://tr.outbrain.com';
/** Outbrain's S2S conversion endpoint: one conversion a GET. */
export const UNIFIED_PIXEL_URL = `${OUTBRAIN_ORIGIN}/unifiedPixel`;
/**
 * The conversions one delivery job takes: each is its own GET, so this only bounds how many
 * requests a job makes (Signal's choice; Outbrain has no batch).
 */
export const MAX_JOB_EVENTS = 100;
/** The mapped conversions' bytes one job takes: each is a short query string, so 100 fit well within it. */
export const MAX_JOB_BYTES = 100_000;
/** The query parameters, in the order Outbrain's S2S URL writes them. */
const PARAMS = ['ob_click_id', 'name', 'orderId', 'orderValue', 'currency'] as const;

/**
 * The S2S call of one conversion: a GET with `ob_click_id`, `name` and the optional values as
 * query parameters (numbers written as JavaScript writes them: 74.97, 50).
 *
 * @example
 * conversionRequest({ id: 'm-1', event, payload: { ob_click_id: '00f1…', name: 'Purchase', orderValue: 74.97, currency: 'EUR' } });
 * // { method: 'GET', url: 'https://tr.outbrain.com/unifiedPixel',
 * //   query: [['ob_click_id', '00f1…'], ['name', 'Purchase'], ['orderValue', '74.97'], ['currency', 'EUR']], headers: {}, eventIds: ['m-1'] }
 */
export function conversionRequest(mapped: MappedEvent): RequestDescriptor {
  const query: [string, string][] = [];
  for (const param of PARAMS) {
    const text = queryText(mapped.payload[param]);
    if (text !== undefined) query.push([param, text]);
  }
  return { method: 'GET', url: UNIFIED_PIXEL_URL, query, headers: {}, eventIds: [mapped.id] };
}

/**
 * The requests of a batch: one GET a conversion.
 *
 * @example
 * requestsFor([first, second]); // [{ method: 'GET', …, eventIds: ['m-1'] }, { method: 'GET', …, eventIds: ['m-2'] }]
 */
export function requestsFor(batch: MappedEvent[]): RequestDescriptor[] {
  return batch.map(conversionRequest);
}
