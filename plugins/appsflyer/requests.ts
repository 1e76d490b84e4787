// The requests carrying mapped events to AppsFlyer's S2S events API: one event a request, as
// the API takes them ("make sure to send one event per request"), to /inappevent/<app id> with
// the key in the `authentication` header.
import { configText, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { keyTypeOf } from './config.ts';

/** The current S2S events API (an S2S key). */
export const API3_ORIGIN = 'https://api3.appsflyer.com';
/** The legacy S2S events API (a dev key), deprecated by AppsFlyer in December 2023. */
export const API2_ORIGIN = 'https://api2.appsflyer.com';

/**
 * The URL events of this config go to: the api3 or api2 origin by key type, and the app id,
 * percent-encoded as AppsFlyer asks.
 *
 * @example
 * eventsUrl({ app_id: 'id123456789', platform: 'ios', s2s_key: 'k' }); // 'https://api3.appsflyer.com/inappevent/id123456789'
 */
export function eventsUrl(config: Record<string, JsonValue>): string {
  const origin = keyTypeOf(config) === 'dev_key' ? API2_ORIGIN : API3_ORIGIN;
  return `${origin}/inappevent/${encodeURIComponent(configText(config, 'app_id') ?? '')}`;
}

/**
 * The request carrying one event: the mapped body as JSON, the key in `authentication`.
 *
 * @example
 * requestFor({ id: 'm-1', event, payload: { appsflyer_id: '1715160000000-1234567', eventName: 'af_purchase', eventValue: '' } }, ctx);
 * // { method: 'POST', url: 'https://api3.appsflyer.com/inappevent/id123456789',
 * //   headers: { authentication: '<S2S key>', 'content-type': 'application/json' }, body: { appsflyer_id: …, … }, eventIds: ['m-1'] }
 */
export function requestFor(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: eventsUrl(ctx.config),
    headers: { authentication: configText(ctx.config, 's2s_key') ?? '', 'content-type': 'application/json', accept: 'application/json' },
    body: mapped.payload,
    eventIds: [mapped.id],
  };
}
