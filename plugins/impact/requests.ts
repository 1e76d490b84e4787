// The requests carrying conversions to impact.com: "Conversions accepts a POST verb to submit a
// conversion event", one conversion a request, to POST /Advertisers/{AccountSID}/Conversions,
// with HTTP Basic (Account SID : Auth Token), the fields form-encoded ("set the HTTP Content-Type
// header to application/x-www-form-urlencoded if you are form-encoding your request bodies"),
// and `Accept: application/json` ("The default format is XML").
import type { JsonObject, JsonValue, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { accountSidOf, authorizationOf } from './config.ts';

export const IMPACT_ORIGIN = 'https://api.impact.com';
/**
 * The conversions one delivery job takes: each is its own POST, so this only bounds how many
 * requests a job makes (Signal's choice; impact.com documents no batch endpoint for conversions).
 */
export const MAX_JOB_EVENTS = 100;
/** The mapped conversions' bytes one job takes: a conversion with many items is a few kB. */
export const MAX_JOB_BYTES = 1_000_000;

/**
 * The Conversions endpoint of a config's account.
 *
 * @example
 * conversionsUrl({ account_sid: 'IRabc' }); // 'https://api.impact.com/Advertisers/IRabc/Conversions'
 */
export function conversionsUrl(config: Record<string, JsonValue>): string {
  return `${IMPACT_ORIGIN}/Advertisers/${encodeURIComponent(accountSidOf(config) ?? '')}/Conversions`;
}

/**
 * The headers of every request to impact.com's API: HTTP Basic, and JSON answers.
 *
 * @example
 * impactHeaders(ctx); // { authorization: 'Basic …', accept: 'application/json' }
 */
export function impactHeaders(ctx: PluginContext): Record<string, string> {
  return { authorization: authorizationOf(ctx.config), accept: 'application/json' };
}

/**
 * The form body of a conversion: its fields in the order mapped, UTF-8 URL-encoded (a space as
 * `+`, as form encoding writes it).
 *
 * @example
 * formBody({ CampaignId: '1000', EventTypeId: '12345', OrderId: 'ORD 1' }); // 'CampaignId=1000&EventTypeId=12345&OrderId=ORD+1'
 */
export function formBody(conversion: JsonObject): string {
  const form = new URLSearchParams();
  for (const [field, value] of Object.entries(conversion)) {
    if (typeof value === 'string') form.append(field, value);
    else if (typeof value === 'number' && Number.isFinite(value)) form.append(field, String(value));
  }
  return form.toString();
}

/**
 * The request of one conversion.
 *
 * @example
 * conversionRequest({ id: 'm-1', event, payload: { CampaignId: '1000', EventTypeId: '12345', … } }, ctx);
 * // { method: 'POST', url: 'https://api.impact.com/Advertisers/IR…/Conversions',
 * //   headers: { authorization: 'Basic …', accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
 * //   body: 'CampaignId=1000&EventTypeId=12345&…', eventIds: ['m-1'] }
 */
export function conversionRequest(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: conversionsUrl(ctx.config),
    headers: { ...impactHeaders(ctx), 'content-type': 'application/x-www-form-urlencoded' },
    body: formBody(mapped.payload),
    eventIds: [mapped.id],
  };
}

/**
 * The requests of a batch: one POST a conversion.
 *
 * @example
 * requestsFor([first, second], ctx); // [{ method: 'POST', …, eventIds: ['m-1'] }, { method: 'POST', …, eventIds: ['m-2'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return batch.map((mapped) => conversionRequest(mapped, ctx));
}
