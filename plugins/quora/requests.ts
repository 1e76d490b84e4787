// The requests carrying conversions to Quora: one POST to the Conversion API a conversion,
// `Authorization: Bearer <access token>`, the conversion with the config's account_id. Quora's
// batch endpoint (/ads/v0/conversions) is not used: its limit of 1,000 events a minute counts
// events, not requests, so batching would not send more, and one event a request keeps each
// answer that event's.
import type { JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';

export const QUORA_ORIGIN = 'https://api.quora.com';
/** The Conversion API endpoint for one event. */
export const CONVERSION_URL = `${QUORA_ORIGIN}/ads/v0/conversion`;

/**
 * The body of one conversion: `account_id` (a JSON number, as Quora's schema has it) with the
 * mapped conversion, user and device.
 *
 * @example
 * conversionBody({ conversion: { event_name: 'Purchase', … }, user: {}, device: {} }, { account_id: '527745581653587' });
 * // { account_id: 527745581653587, conversion: { event_name: 'Purchase', … }, user: {}, device: {} }
 */
export function conversionBody(payload: JsonObject, config: Record<string, JsonValue>): JsonObject {
  return { account_id: Number(String(config.account_id ?? '').trim()), ...payload };
}

/**
 * The requests of a batch: one POST a conversion.
 *
 * @example
 * requestsFor([{ id: 'm-1', event, payload: { conversion: { event_name: 'Purchase', … }, … } }], { ...ctx, config: { access_token: 'tok', account_id: '42' } });
 * // [{ method: 'POST', url: 'https://api.quora.com/ads/v0/conversion', headers: { authorization: 'Bearer tok', … },
 * //    body: { account_id: 42, conversion: { … }, user: { … }, device: { … } }, eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => ({
    method: 'POST',
    url: CONVERSION_URL,
    headers: { authorization: `Bearer ${String(ctx.config.access_token ?? '').trim()}`, 'content-type': 'application/json' },
    body: conversionBody(mapped.payload, ctx.config),
    eventIds: [mapped.id],
  }));
}
