// The requests carrying conversions to Taboola. Two documented ways ("Bulk submit S2S
// conversions"): the postback URL, one GET a conversion, which Taboola validates (400 for a
// missing or unparsable click id or name) and records at the time it arrives; or, with the
// account id configured, the bulk endpoint, one POST of up to 1,000 conversions with their event
// time, which Taboola does not validate ("validation is not performed: Bulk submitting
// conversions"). Neither takes a credential ("No authentication is passed").
import { splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { accountIdOf } from './config.ts';

export const TABOOLA_ORIGIN = 'https://trc.taboola.com';
/** The postback URL ("The S2S postback URL"): one conversion a GET, its fields as query parameters. */
export const POSTBACK_URL = `${TABOOLA_ORIGIN}/actions-handler/log/3/s2s-action`;
/** Taboola's bulk limit: "Limit each JSON object to 1,000 conversions." */
export const MAX_BULK_EVENTS = 1000;
/** Taboola documents no byte limit for the bulk body: 1 MB (Signal's choice) holds 1,000 conversions of ~300 bytes. */
export const MAX_BULK_BYTES = 1_000_000;
/** The postback URL's parameters, in Taboola's order; `timestamp` is the bulk endpoint's only. */
const POSTBACK_PARAMS = ['click-id', 'name', 'revenue', 'currency', 'orderid', 'quantity'] as const;

/**
 * The bulk endpoint of an account: `POST https://trc.taboola.com/{account-id}/log/3/bulk-s2s-action`.
 *
 * @example
 * bulkUrl('1234567'); // 'https://trc.taboola.com/1234567/log/3/bulk-s2s-action'
 */
export function bulkUrl(accountId: string): string {
  return `${TABOOLA_ORIGIN}/${encodeURIComponent(accountId)}/log/3/bulk-s2s-action`;
}

/**
 * The postback call of one conversion: a GET with `click-id`, `name` and the dynamic values as
 * query parameters (numbers written as JavaScript writes them: 74.97, 3).
 *
 * @example
 * postbackRequest({ id: 'm-1', event, payload: { 'click-id': 'GiDx…', name: 'make_purchase', timestamp: 1796122800000, revenue: 74.97, currency: 'EUR' } });
 * // { method: 'GET', url: 'https://trc.taboola.com/actions-handler/log/3/s2s-action',
 * //   query: [['click-id', 'GiDx…'], ['name', 'make_purchase'], ['revenue', '74.97'], ['currency', 'EUR']], headers: {}, eventIds: ['m-1'] }
 */
export function postbackRequest(mapped: MappedEvent): RequestDescriptor {
  const query: [string, string][] = [];
  for (const param of POSTBACK_PARAMS) {
    const value: JsonValue | undefined = mapped.payload[param];
    if (typeof value === 'string' || typeof value === 'number') query.push([param, String(value)]);
  }
  return { method: 'GET', url: POSTBACK_URL, query, headers: {}, eventIds: [mapped.id] };
}

/** The bulk body: `{ "actions": [ … ] }`, the conversions as mapped (with their `timestamp`). */
function bulkBody(actions: JsonObject[]): JsonObject {
  return { actions };
}

/**
 * The requests of a batch: with `config.account_id`, bulk POSTs of up to 1,000 conversions
 * (and 1 MB); without it, one postback GET a conversion.
 *
 * @example
 * requestsFor(batch, { ...ctx, config: { account_id: '1234567' } }); // [{ method: 'POST', url: 'https://trc.taboola.com/1234567/log/3/bulk-s2s-action', body: { actions: [...] }, … }]
 * requestsFor(batch, { ...ctx, config: {} });                        // one { method: 'GET', … } per conversion
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const accountId = accountIdOf(ctx.config);
  if (accountId === undefined) return batch.map(postbackRequest);
  const envelope = JSON.stringify(bulkBody([])).length;
  return splitBatch(batch, { maxEvents: MAX_BULK_EVENTS, maxBytes: MAX_BULK_BYTES - 1, overheadBytes: envelope }).map((part) => ({
    method: 'POST',
    url: bulkUrl(accountId),
    headers: { 'content-type': 'application/json' },
    body: bulkBody(part.map((mapped) => mapped.payload)),
    eventIds: part.map((mapped) => mapped.id),
  }));
}
