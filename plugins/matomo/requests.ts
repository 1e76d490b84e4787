// Matomo's bulk tracking request: `POST {matomo}/matomo.php` with a JSON object — `requests`, "an
// array of individual tracking requests. Each tracking request should be the query string you'd
// send if you were going to track that action individually", "in chronological order (the oldest
// requests should appear first)" — and `token_auth` when one is configured ("Specify this only
// needed if you use any of the parameters that require token_auth"). `send_image=0` goes inside
// each request, never beside `requests`: there it would make Matomo answer 204 without the
// counts of tracked and invalid requests the plugin reads.
import { allowedPrivateTargets, readInstantMs, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { tokenOf, trackerUrlOf } from './config.ts';

/**
 * Tracking requests a bulk carries at most. Matomo sets no limit; its log importer sends 200 a
 * bulk by default (`--recorder-max-payload-size`). A bulk is one database transaction in Matomo
 * (`bulk_requests_use_transaction`) and one PHP request under its time limit, and a refused
 * bulk is retried whole: 100 keeps each short, as a hundred page views take a few kilobytes.
 */
export const MAX_REQUESTS = 100;
/** Bytes of a bulk's JSON at most: far under PHP's default `post_max_size` (8 MB). */
export const MAX_BYTES = 1_000_000;

/**
 * A tracking request's query string, `?` then its parameters in order, each value URL-encoded
 * as the reference asks ("all parameters values that are strings … must be URL encoded").
 *
 * @example
 * queryStringOf({ idsite: '1', rec: '1', action_name: 'Home / Pricing' }); // '?idsite=1&rec=1&action_name=Home%20%2F%20Pricing'
 */
export function queryStringOf(params: JsonObject): string {
  const pairs = Object.entries(params)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string')
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`);
  return `?${pairs.join('&')}`;
}

/** The bulk's body around its requests: `requests`, then `token_auth` when configured. */
function bulkBody(requests: string[], token: string | undefined): JsonObject {
  return { requests, ...(token === undefined ? {} : { token_auth: token }) };
}

/** When an event happened, for the bulk's chronological order (its `cdt`, else its timestamp). */
function instantOf(event: MappedEvent): number {
  const cdt = event.payload.cdt;
  return (typeof cdt === 'string' ? Number(cdt) * 1000 : undefined) ?? readInstantMs(event.event.timestamp as JsonValue) ?? 0;
}

/**
 * The bulk requests of a batch: its events oldest first (ties kept in order), at most
 * `MAX_REQUESTS` and `MAX_BYTES` a bulk, every event once; `eventIds` in the order of
 * `requests`, which Matomo's `invalid_indices` count by.
 *
 * @example
 * bulkRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://analytics.example.com/matomo.php', headers: { 'content-type': 'application/json' },
 * //    body: { requests: ['?idsite=1&rec=1&…'], token_auth: '…' }, eventIds: ['m-1'] }]
 */
export function bulkRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = trackerUrlOf(ctx.config);
  const token = tokenOf(ctx.config);
  const allow = allowedPrivateTargets(ctx.config);
  const overhead = Buffer.byteLength(JSON.stringify(bulkBody([], token)));
  const ordered = batch.map((event, i) => ({ event, i, at: instantOf(event) })).sort((a, b) => a.at - b.at || a.i - b.i).map(({ event }) => event);
  const out: RequestDescriptor[] = [];
  let requests: string[] = [];
  let ids: string[] = [];
  let bytes = overhead;
  const flush = (): void => {
    if (ids.length === 0) return;
    out.push({
      method: 'POST', url, headers: { 'content-type': 'application/json' }, body: bulkBody(requests, token), eventIds: ids,
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
