// The requests of a batch: its conversions grouped by X event (so an event id X refuses fails
// only its own conversions), at most 500 a request, each authenticated with the pixel's
// Conversion API access token (X's `X-Pixel-Token` header) when the config has one, else signed
// with OAuth 1.0a by `signConversionsRequest` as it goes (the core's `sign`: the time is the
// sending time, after any wait for the rate limit, and a re-send is signed again). The JSON body
// is not signed (RFC 5849 signs form bodies only); the nonce is derived from the request and the
// time, so signing is pure and every send gets a fresh timestamp and nonce.
import { PermanentError, splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiVersionOf, credentialsOf, pixelTokenOf } from './config.ts';
import { deterministicNonce, oauth1Header } from './oauth1.ts';

/** X's Ads API origin. */
export const X_ADS_API = 'https://ads-api.x.com';
/** X's limit: "Up to 500 conversion events may be provided" a request (more: 400 "Conversion count limit is 500"). */
export const MAX_CONVERSIONS = 500;
/**
 * X documents no byte limit; 1 MB keeps a full request of ordinary conversions (about 600 bytes
 * each) in one, and a 413 splits the batch anyway.
 */
export const MAX_BYTES = 1_000_000;

/**
 * The conversions URL of the configured pixel and Ads API version.
 *
 * @example
 * conversionsUrl({ pixel_id: 'o8z6j' }); // 'https://ads-api.x.com/12/measurement/conversions/o8z6j'
 */
export function conversionsUrl(config: PluginContext['config']): string {
  const pixel = typeof config.pixel_id === 'string' ? config.pixel_id.trim() : '';
  return `${X_ADS_API}/${encodeURIComponent(apiVersionOf(config))}/measurement/conversions/${encodeURIComponent(pixel)}`;
}

/**
 * One request carrying `part`: `{ conversions: [...] }` with the pixel's token in X's
 * `X-Pixel-Token` header when `config.pixel_access_token` is set; else unsigned, for
 * `signConversionsRequest` (a config with neither credential fails here, naming the fields).
 *
 * @example
 * conversionsRequest([{ id: 'm-1', event, payload }], ctx);
 * // { method: 'POST', url: 'https://ads-api.x.com/12/measurement/conversions/o8z6j',
 * //   headers: { 'content-type': 'application/json' }, body: { conversions: [payload] }, eventIds: ['m-1'] }
 */
export function conversionsRequest(part: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  const url = conversionsUrl(ctx.config);
  const body = { conversions: part.map((e) => e.payload) };
  const pixelToken = pixelTokenOf(ctx.config);
  if (pixelToken !== undefined) {
    return { method: 'POST', url, headers: { 'x-pixel-token': pixelToken, 'content-type': 'application/json' }, body, eventIds: part.map((e) => e.id) };
  }
  if (credentialsOf(ctx.config) === undefined) {
    throw new PermanentError('X needs a credential: set config.pixel_access_token (the pixel\'s Conversion API access token from Events Manager), or the four OAuth 1.0a ones, config.consumer_key, config.consumer_secret, config.access_token and config.access_token_secret');
  }
  return { method: 'POST', url, headers: { 'content-type': 'application/json' }, body, eventIds: part.map((e) => e.id) };
}

/**
 * The plugin's `sign`: adds the OAuth 1.0a header of the sending time (`ctx.now`, set by the core
 * as the request goes) and a nonce derived from the request and that time, unless the request
 * carries the pixel's token. X refuses a timestamp far from its clock (401 code 135), which a
 * request signed when its delivery began could be after minutes of waiting for the rate limit.
 *
 * @example
 * signConversionsRequest(conversionsRequest(part, ctx), { ...ctx, now: Date.now() });
 * // headers: { 'content-type': 'application/json', authorization: 'OAuth oauth_consumer_key="…", oauth_nonce="…", …' }
 */
export function signConversionsRequest(request: RequestDescriptor, ctx: PluginContext): RequestDescriptor {
  if (request.headers?.['x-pixel-token'] !== undefined) return request;
  const credentials = credentialsOf(ctx.config);
  if (credentials === undefined) throw new PermanentError('X needs a credential: config.pixel_access_token, or the four OAuth 1.0a ones');
  const timestamp = Math.floor(ctx.now / 1000);
  // The time to the millisecond: two sends of the same events within one second (a retry sped
  // up in tests) still sign with different nonces.
  const nonce = deterministicNonce([request.method, request.url, JSON.stringify(request.body), request.eventIds.join('\n'), String(ctx.now), credentials.consumerKey, credentials.token]);
  return { ...request, headers: { ...request.headers, authorization: oauth1Header({ method: request.method, url: request.url }, credentials, { timestamp, nonce }) } };
}

/**
 * The requests of a batch: one group per X event id, each in requests of at most 500
 * conversions and 1 MB (signed as they go, by `signConversionsRequest`).
 *
 * @example
 * sendConversions(batch, ctx); // one request per event id and per 500 conversions
 */
export function sendConversions(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const byEvent = new Map<string, MappedEvent[]>();
  for (const event of batch) {
    const eventId = String(event.payload.event_id);
    const group = byEvent.get(eventId);
    if (group) group.push(event);
    else byEvent.set(eventId, [event]);
  }
  const envelope = JSON.stringify({ conversions: [] }).length;
  return [...byEvent.values()].flatMap((events) => splitBatch(events, { maxEvents: MAX_CONVERSIONS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => conversionsRequest(part, ctx)));
}
