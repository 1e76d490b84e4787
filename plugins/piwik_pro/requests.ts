// Piwik PRO's bulk tracking request: `POST {account}/ppms.php` with a JSON object whose
// `requests` is a "List of requests to track (bulk processing)", each a tracking request's query
// string ("?idsite=…&url=…&rec=1"). The Tracking API takes no authentication ("No
// authentication."), so the body holds nothing but the requests. They go oldest first, so a
// visit's actions reach Piwik PRO in the order they happened.
import { allowedPrivateTargets, readInstantMs, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { trackerUrlOf } from './config.ts';

/** Tracking requests a bulk carries at most: Piwik PRO publishes no limit (see the README's Unconfirmed). */
export const MAX_REQUESTS = 100;
/** Bytes of a bulk's JSON at most: Piwik PRO publishes no limit; a hundred page views take a few kilobytes. */
export const MAX_BYTES = 1_000_000;

/**
 * A tracking request's query string, `?` then its parameters in order, each value URL-encoded
 * ("All query parameter values inserted into URL must be URL encoded").
 *
 * @example
 * queryStringOf({ idsite: '892d04bd-6e2b-4914-bfb4-bac721b37235', rec: '1', action_name: '#1 Coffee & Cookies' });
 * // '?idsite=892d04bd-6e2b-4914-bfb4-bac721b37235&rec=1&action_name=%231%20Coffee%20%26%20Cookies'
 */
export function queryStringOf(params: JsonObject): string {
  const pairs = Object.entries(params)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `?${pairs.join('&')}`;
}

/** When an event happened, for the bulk's chronological order (its `cdt`, else its timestamp). */
function instantOf(event: MappedEvent): number {
  const cdt = event.payload.cdt;
  return (typeof cdt === 'string' ? Number(cdt) * 1000 : undefined) ?? readInstantMs(event.event.timestamp as JsonValue) ?? 0;
}

/**
 * The bulk requests of a batch: its events oldest first (ties kept in order), at most
 * `MAX_REQUESTS` and `MAX_BYTES` a bulk, every event once; `eventIds` in the order of `requests`.
 *
 * @example
 * bulkRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://acme.piwik.pro/ppms.php', headers: { 'content-type': 'application/json' },
 * //    body: { requests: ['?idsite=…&rec=1&…'] }, eventIds: ['m-1'] }]
 */
export function bulkRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = trackerUrlOf(ctx.config);
  const allow = allowedPrivateTargets(ctx.config);
  const overhead = Buffer.byteLength(JSON.stringify({ requests: [] }));
  const ordered = batch.map((event, i) => ({ event, i, at: instantOf(event) })).sort((a, b) => a.at - b.at || a.i - b.i).map(({ event }) => event);
  const out: RequestDescriptor[] = [];
  let requests: string[] = [];
  let ids: string[] = [];
  let bytes = overhead;
  const flush = (): void => {
    if (ids.length === 0) return;
    out.push({
      method: 'POST', url, headers: { 'content-type': 'application/json' }, body: { requests }, eventIds: ids,
      ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
    });
    requests = [];
    ids = [];
    bytes = overhead;
  };
  for (const event of ordered) {
    const query = queryStringOf(event.payload);
    const size = Buffer.byteLength(JSON.stringify(query)) + 1;
    if (overhead + size > MAX_BYTES) throw new Error(`the event's tracking request is ${size.toLocaleString('en')} bytes, more than a bulk carries (${MAX_BYTES.toLocaleString('en')}): leave its largest values out with a pipeline transformation`);
    if (ids.length >= MAX_REQUESTS || bytes + size > MAX_BYTES) flush();
    requests.push(query);
    ids.push(event.id);
    bytes += size;
  }
  flush();
  return out;
}
