// The requests carrying orders to Awin's Conversion API: "This service accepts batches of orders
// and registers them in the Awin system" — POST https://api.awin.com/s2s/advertiser/
// {advertiser_id}/orders, `{ "orders": [ … ] }`, "Each batch of requests can have a maximum of
// 1000 orders", authenticated by the API key in the `x-api-key` header ("different to the rest of
// the Awin APIs where the Bearer followed by the token is parsed in the header").
import { configApiKey, splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { advertiserIdOf } from './config.ts';

export const AWIN_ORIGIN = 'https://api.awin.com';
/** Awin's batch limit: "Each batch of requests can have a maximum of 1000 orders". */
export const MAX_ORDERS = 1000;
/** Awin documents no byte limit: 2 MB (Signal's choice) holds 1,000 orders with baskets; a 413 splits the request. */
export const MAX_BATCH_BYTES = 2_000_000;

/**
 * The orders endpoint of a config's advertiser.
 *
 * @example
 * ordersUrl({ advertiser_id: 1001 }); // 'https://api.awin.com/s2s/advertiser/1001/orders'
 */
export function ordersUrl(config: Record<string, JsonValue>): string {
  return `${AWIN_ORIGIN}/s2s/advertiser/${encodeURIComponent(advertiserIdOf(config) ?? '')}/orders`;
}

/** The request body: `{ "orders": [ … ] }`. */
function ordersBody(orders: JsonObject[]): JsonObject {
  return { orders };
}

/**
 * The requests of a batch: POSTs of up to 1,000 orders (and 2 MB) each, with the API key.
 *
 * @example
 * requestsFor([first, second], ctx);
 * // [{ method: 'POST', url: 'https://api.awin.com/s2s/advertiser/1001/orders',
 * //    headers: { 'x-api-key': '…', 'content-type': 'application/json', accept: 'application/json' },
 * //    body: { orders: [{ orderReference: 'ORD-1', … }, { orderReference: 'ORD-2', … }] }, eventIds: ['m-1', 'm-2'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = ordersUrl(ctx.config);
  const headers = { 'x-api-key': configApiKey(ctx.config), 'content-type': 'application/json', accept: 'application/json' };
  const envelope = JSON.stringify(ordersBody([])).length;
  return splitBatch(batch, { maxEvents: MAX_ORDERS, maxBytes: MAX_BATCH_BYTES, overheadBytes: envelope }).map((part) => ({
    method: 'POST',
    url,
    headers: { ...headers },
    body: ordersBody(part.map((mapped) => mapped.payload)),
    eventIds: part.map((mapped) => mapped.id),
  }));
}
