// The request carrying one mapped event to Singular's S2S EVENT endpoint. Singular takes one
// event a request, its parameters as a form (application/x-www-form-urlencoded) in a POST body:
// the SDK Key (`a`) and the device ids stay out of URLs and access logs. An event naming the
// Singular Device ID goes to version 2 of the endpoint, any other to version 1.
import { configText, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';

/** Singular's S2S EVENT endpoint, version 1 (platform device ids). */
export const EVENT_URL_V1 = 'https://s2s.singular.net/api/v1/evt';
/** Singular's S2S EVENT endpoint, version 2 (the Singular Device ID, sdid). */
export const EVENT_URL_V2 = 'https://s2s.singular.net/api/v2/evt';

/**
 * The request for one event: the SDK Key as `a`, then the event's params, as a form body.
 *
 * @example
 * requestFor({ id: 'm-1', event, payload: { n: 'Level Up', p: 'Android', i: 'com.example.game', aifa: '…', ip: '203.0.113.7' } }, ctx);
 * // { method: 'POST', url: 'https://s2s.singular.net/api/v1/evt', headers: { 'content-type': 'application/x-www-form-urlencoded' },
 * //   body: 'a=<sdk key>&n=Level+Up&p=Android&i=com.example.game&aifa=…&ip=203.0.113.7', eventIds: ['m-1'] }
 */
export function requestFor(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  const form = new URLSearchParams();
  form.append('a', configText(ctx.config, 'sdk_key') ?? '');
  for (const [param, value] of Object.entries(mapped.payload)) {
    if (typeof value === 'string' && param !== 'a') form.append(param, value);
  }
  return {
    method: 'POST',
    url: typeof mapped.payload.sdid === 'string' ? EVENT_URL_V2 : EVENT_URL_V1,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    eventIds: [mapped.id],
  };
}
