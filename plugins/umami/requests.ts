// The requests carrying events to Umami's collection endpoint: "To register an event, you need to
// send a POST to /api/send", one event a request, JSON, no authentication token ("you do not
// need to send an authentication token"), "a proper User-Agent HTTP header or your request won't
// be registered". The visitor's IP and User-Agent go both in the payload (read first by Umami
// since v2.16) and as the User-Agent and X-Forwarded-For headers (what older versions read).
import { allowedPrivateTargets, isJsonObject, userAgentHeaderText, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { sendUrlOf } from './config.ts';

/** One event a request: /api/send records one event a call. */
export const MAX_EVENTS = 1;
/**
 * A body holds a name (50 characters), URLs, a title and data of at most 500 characters a value:
 * well under 100 KB for any event worth recording; larger data is Signal's to refuse.
 */
export const MAX_BYTES = 100_000;

/**
 * The headers of one event's request: JSON, and the visitor's User-Agent and X-Forwarded-For
 * from the payload (as the mapping checked them).
 *
 * @example
 * headersOf({ type: 'event', payload: { ip: '203.0.113.42', userAgent: 'Mozilla/5.0 …' } });
 * // { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 …', 'x-forwarded-for': '203.0.113.42' }
 */
export function headersOf(body: JsonObject): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const payload = isJsonObject(body.payload) ? body.payload : {};
  if (typeof payload.userAgent === 'string') headers['user-agent'] = userAgentHeaderText(payload.userAgent);
  if (typeof payload.ip === 'string') headers['x-forwarded-for'] = payload.ip;
  return headers;
}

/**
 * One POST to `<base URL>/api/send` per event, its body the mapped `{ type, payload }`, with the
 * visitor's headers (and the private hosts the config allows, for a self-hosted Umami on the
 * customer's network).
 *
 * @example
 * requestsFor([mapped], ctx);
 * // [{ method: 'POST', url: 'https://cloud.umami.is/api/send',
 * //    headers: { 'content-type': 'application/json', 'user-agent': 'Mozilla/5.0 …', 'x-forwarded-for': '203.0.113.42' },
 * //    body: { type: 'event', payload: { website: '94db1cb1-…', url: 'https://shop.example.com/', … } }, eventIds: ['m-1'] }]
 */
export function requestsFor(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = sendUrlOf(ctx.config);
  const allow = allowedPrivateTargets(ctx.config);
  return batch.map((mapped) => ({
    method: 'POST',
    url,
    headers: headersOf(mapped.payload),
    body: mapped.payload,
    eventIds: [mapped.id],
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  }));
}
