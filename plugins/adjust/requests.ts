// The request carrying one mapped event to Adjust's S2S event endpoint. Adjust takes one event a
// request (GET or POST with URL parameters, or POST with body parameters): this sends a POST
// with the parameters in a form body (application/x-www-form-urlencoded), so device ids stay
// out of URLs, and the S2S Security token, when set, as `Authorization: Bearer <token>`.
import { configText, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { environmentOf } from './config.ts';

/** Adjust's S2S event endpoint. */
export const EVENT_URL = 'https://s2s.adjust.com/event';

/**
 * The headers of a request to Adjust: the S2S Security token when the config has one.
 *
 * @example
 * adjustHeaders({ s2s_token: 'v8s5…' }); // { authorization: 'Bearer v8s5…' }
 */
export function adjustHeaders(config: Record<string, JsonValue>): Record<string, string> {
  const token = configText(config, 's2s_token');
  return token === undefined ? {} : { authorization: `Bearer ${token}` };
}

/**
 * The request for one event: `s2s=1`, `app_token`, the event's params (event_token, device
 * ids, created_at_unix, ip_address, revenue, currency, callback_params, partner_params) and
 * `environment`, as a form body.
 *
 * @example
 * requestFor({ id: 'm-1', event, payload: { event_token: 'f0ob4r', idfa: '6D92…' } }, ctx);
 * // { method: 'POST', url: 'https://s2s.adjust.com/event', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Bearer …' },
 * //   body: 's2s=1&app_token=4w565xzmb54d&event_token=f0ob4r&idfa=6D92…&environment=production', eventIds: ['m-1'] }
 */
export function requestFor(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  const form = new URLSearchParams();
  form.append('s2s', '1');
  form.append('app_token', configText(ctx.config, 'app_token') ?? '');
  for (const [param, value] of Object.entries(mapped.payload)) {
    if (typeof value === 'string' && param !== 's2s' && param !== 'app_token' && param !== 'environment') form.append(param, value);
  }
  form.append('environment', environmentOf(ctx.config));
  return {
    method: 'POST',
    url: EVENT_URL,
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...adjustHeaders(ctx.config) },
    body: form.toString(),
    eventIds: [mapped.id],
  };
}
