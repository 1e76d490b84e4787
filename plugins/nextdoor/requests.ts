// The requests carrying conversions to Nextdoor: one POST to the Conversions API a conversion
// (Nextdoor documents no batch), `Authorization: Bearer <access token>`, the conversion with the
// config's Data Source ID, Signal's partner name, and test and restricted-data-usage flags.
import { gpcRestrictsProcessing, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';

export const NEXTDOOR_ORIGIN = 'https://ads.nextdoor.com';
/** The Conversions API endpoint ("conversions/track"). */
export const TRACK_URL = `${NEXTDOOR_ORIGIN}/v2/api/conversions/track`;
/** Who sent the conversion (`partner_id`: "the name of integration vendor", for Nextdoor's troubleshooting). */
export const PARTNER_ID = 'signal';

/**
 * The body of one conversion: the mapped conversion with the config's fields; restricted data
 * usage for every conversion when the config says, or for this one when `restricted` (its
 * visitor sent Global Privacy Control, under SIGNAL_GPC=restrict).
 */
export function conversionBody(payload: JsonObject, config: Record<string, JsonValue>, restricted = false): JsonObject {
  const body: JsonObject = { ...payload, data_source_id: String(config.data_source_id ?? '').trim(), partner_id: PARTNER_ID };
  // Nextdoor documents test_event as a string flag ("If its not present we'll default to False").
  if (config.test_event === true) body.test_event = 'true';
  if (config.restricted_data_usage === true || restricted) {
    body.restricted_data_usage = 1;
    body.restricted_data_usage_country = 1;
  }
  return body;
}

/**
 * The requests of a batch: one POST a conversion.
 *
 * @example
 * requestsFor([{ id: 'm-1', event, payload: { event_name: 'purchase', … } }], { ...ctx, config: { access_token: 'tok', data_source_id: 'ds-1' } });
 * // [{ method: 'POST', url: 'https://ads.nextdoor.com/v2/api/conversions/track', headers: { authorization: 'Bearer tok', … },
 * //    body: { event_name: 'purchase', …, data_source_id: 'ds-1', partner_id: 'signal' }, eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => ({
    method: 'POST',
    url: TRACK_URL,
    headers: { authorization: `Bearer ${String(ctx.config.access_token ?? '').trim()}`, 'content-type': 'application/json', accept: 'application/json' },
    body: conversionBody(mapped.payload, ctx.config, gpcRestrictsProcessing(mapped.event)),
    eventIds: [mapped.id],
  }));
}
