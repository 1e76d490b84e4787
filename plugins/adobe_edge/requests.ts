// The requests carrying events to the Edge Network's non-interactive endpoint: `POST
// https://{host}/ee[/{location hint}]/v2/collect?datastreamId=…` with `{ events: [...] }` —
// server.adobedc.net with the IMS token, x-api-key and x-gw-ims-org-id when the config holds a
// credential, edge.adobedc.net without them otherwise. Adobe takes at most 64 KB a request.
import { configText, PermanentError, splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { isAuthenticated } from './config.ts';

/** The host of authenticated requests. */
export const SERVER_HOST = 'https://server.adobedc.net';
/** The host of unauthenticated requests. */
export const EDGE_HOST = 'https://edge.adobedc.net';
/** Events a request (Signal's choice: Adobe documents none, only the byte limit). */
export const MAX_EVENTS = 100;
/** Bytes a request: under Adobe's 64 KB, with room for the envelope. */
export const MAX_BYTES = 60_000;

/** The collect URL of the config (its host and location hint). */
export function collectUrlOf(config: PluginContext['config']): string {
  const hint = configText(config, 'location_hint');
  return `${isAuthenticated(config) ? SERVER_HOST : EDGE_HOST}/ee/${hint === undefined ? '' : `${hint}/`}v2/collect`;
}

/**
 * The requests of a batch: its events in requests of at most 100 events and 60 KB, in order.
 *
 * @example
 * requestsFor([{ id: 'm-1', event, payload: { xdm: { … } } }], { ...ctx, config: { datastream_id: 'ds-1' } });
 * // [{ method: 'POST', url: 'https://edge.adobedc.net/ee/v2/collect', query: [['datastreamId', 'ds-1']], body: { events: [{ xdm: { … } }] }, eventIds: ['m-1'], … }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (isAuthenticated(ctx.config)) {
    if (ctx.accessToken === undefined || ctx.accessToken === '') {
      throw new PermanentError('no IMS access token was obtained for config.client_id (this Signal core does not exchange credentials): upgrade Signal');
    }
    headers.authorization = `Bearer ${ctx.accessToken}`;
    headers['x-api-key'] = configText(ctx.config, 'client_id') ?? '';
    headers['x-gw-ims-org-id'] = configText(ctx.config, 'org_id') ?? '';
  }
  const url = collectUrlOf(ctx.config);
  const query: Array<[string, string]> = [['datastreamId', configText(ctx.config, 'datastream_id') ?? '']];
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes: 16 }).map((part) => ({
    method: 'POST',
    url,
    query,
    headers,
    body: { events: part.map((mapped) => mapped.payload) },
    eventIds: part.map((mapped) => mapped.id),
  }));
}
