// Piwik PRO's bulk tracking request: `POST {account}/ppms.php` with a JSON object whose
// `requests` is a "List of requests to track (bulk processing)", each a tracking request's query
// string ("?idsite=…&url=…&rec=1"). The Tracking API takes no authentication ("No
// authentication."), so the body holds nothing but the requests. They go oldest first, so a
// visit's actions reach Piwik PRO in the order they happened.
import { allowedPrivateTargets, PermanentError, readInstantMs, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { trackerUrlOf } from './config.ts';

/** Tracking requests a bulk carries at most: Piwik PRO publishes no limit (see the README's Unconfirmed). */
export const MAX_REQUESTS = 100;
/** Bytes of a bulk's JSON at most: Piwik PRO publishes no limit; a hundred page views take a few kilobytes. */
export const MAX_BYTES = 1_000_000;
/** The bulk's JSON around its requests: `{"requests":[]}`. */
const BULK_OVERHEAD = Buffer.byteLength(JSON.stringify({ requests: [] }));
/** Bytes one tracking request may take in a bulk: what a bulk of it alone leaves. */
export const MAX_REQUEST_BYTES = MAX_BYTES - BULK_OVERHEAD;

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

/**
 * Bytes a tracking request takes in a bulk's JSON: its query string as a JSON string, and a comma.
 *
 * @example
 * requestBytesOf({ idsite: 'a', rec: '1' }); // 19 ('"?idsite=a&rec=1"' and a comma)
 */
export const requestBytesOf = (params: JsonObject): number => Buffer.byteLength(JSON.stringify(queryStringOf(params))) + 1;

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
  const overhead = BULK_OVERHEAD;
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
    const size = requestBytesOf(event.payload);
    // The mapper refuses such an event first; kept for a payload from elsewhere. The core then
    // dead-letters this event alone (it builds again in halves down to it), the others go.
    if (size > MAX_REQUEST_BYTES) throw new PermanentError(`the event's Piwik PRO tracking request is ${size.toLocaleString('en')} bytes, more than the ${MAX_REQUEST_BYTES.toLocaleString('en')} a request may take in a bulk: leave its largest values out with a pipeline transformation`);
    if (ids.length >= MAX_REQUESTS || bytes + size > MAX_BYTES) flush();
    requests.push(query);
    ids.push(event.id);
    bytes += size;
  }
  flush();
  return out;
}
