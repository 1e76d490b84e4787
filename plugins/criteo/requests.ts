// The requests carrying mapped events to Criteo's Events API: one event a request, as every
// integration of it sends them (Criteo's own server-side tag, Commanders Act's and walkerOS's
// destinations): the body's `events` is a list, but the visitor's fields beside it (id, ip,
// useragent, the page) are one visitor's on one page, and each answer is then its event's own.
import type { MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';

/** Criteo's Events API (server-to-server OneTag events), version s2s_v0. */
export const EVENTS_URL = 'https://widget.criteo.com/m/event';
/** The API version the URL names. */
export const API_VERSION = 's2s_v0';

/**
 * The request carrying one event: the mapped body as JSON, to `/m/event?version=s2s_v0`. No
 * credential: the endpoint takes none (the body's account says whose event it is).
 *
 * @example
 * requestFor({ id: 'm-1', event, payload: { version: 'signal_criteo_1.0.0', account: '12345', events: [{ event: 'viewHome' }] } }, ctx);
 * // { method: 'POST', url: 'https://widget.criteo.com/m/event', query: [['version', 's2s_v0']],
 * //   headers: { 'content-type': 'application/json' }, body: { version: 'signal_criteo_1.0.0', account: '12345', … }, eventIds: ['m-1'] }
 */
export function requestFor(mapped: MappedEvent, _ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: EVENTS_URL,
    query: [['version', API_VERSION]],
    headers: { 'content-type': 'application/json' },
    body: mapped.payload,
    eventIds: [mapped.id],
  };
}
