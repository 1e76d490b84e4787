// The delivery requests of Drip's REST API v2 (HTTP Basic with the API token as the username,
// JSON bodies, a User-Agent naming the caller as Drip asks), built here, performed by the core.
//
// Drip has two budgets (Drip: "Rate Limiting", "Batch API"): 3,600 requests an hour for the
// API, and 50 an hour for its batch endpoints, which carry up to 1,000 records each. So:
// - a send's subscribers (and, apart, its events) go in one batch request per 1,000 when there
//   are at least BATCH_FROM_RECORDS of them: a batch slot comes every 72 s, in which single
//   calls at 1 a second carry 72 records, so a batch is only worth its slot when it carries more;
// - fewer go one record a request to the single endpoints (POST /subscribers, POST /events),
//   which also answer each record's refusal on its own.
// Batch requests name the `batches` rate-limit endpoint (50 an hour); every request counts
// against the integration's 1 a second.
import { configText, MAX_REQUEST_DELAY_MS, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { apiTokenOf } from './config.ts';
import { recordOf, type Kind } from './fit-to-drip.ts';

export const API_BASE = 'https://api.getdrip.com/v2';
/** Drip: "up to 1,000 records" in a batch. */
export const MAX_RECORDS = 1_000;
/** Bytes of one request body (Drip documents none; 1,000 records of a few KB each fit). */
export const MAX_BODY_BYTES = 5_000_000;
/** The fewest records of a kind that go in a batch request rather than one a request (see above). */
export const BATCH_FROM_RECORDS = 100;
/** The rate-limit endpoint of Drip's batch endpoints (`rateLimit.endpoints`). */
export const BATCH_ENDPOINT = 'batches';
/** Drip asks every request to name its caller ("Your App Name (www.yourapp.com)"). */
export const USER_AGENT = 'Signal (drip plugin)';

/**
 * Spacing of single requests for a subscriber already named earlier in the same send: Drip
 * refuses concurrent requests for one subscriber (429 "Too many concurrent requests for the
 * same subscriber"), and a send's requests run concurrently (an identify and a track of the
 * same person, typically).
 */
export const SAME_SUBSCRIBER_SPACING_MS = 1_000;

/** Who a record names, as a key: its email (any case), else Drip's id. */
function subscriberKey(record: JsonObject): string {
  return typeof record.email === 'string' ? `email:${record.email.toLowerCase()}` : `id:${String(record.id)}`;
}

/** The collection of each kind: its path under the account and its key in a body. */
const COLLECTION: Readonly<Record<Kind, 'subscribers' | 'events'>> = { subscriber: 'subscribers', event: 'events' };

/**
 * The headers of every request: the token as the HTTP Basic username with an empty password,
 * JSON both ways, and the User-Agent.
 *
 * @example
 * headersOf({ config: { api_token: 'abc', … }, … });
 * // { authorization: 'Basic YWJjOg==', 'content-type': 'application/json', accept: 'application/json', 'user-agent': 'Signal (drip plugin)' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  const basic = Buffer.from(`${apiTokenOf(ctx.config)}:`).toString('base64');
  return { authorization: `Basic ${basic}`, 'content-type': 'application/json', accept: 'application/json', 'user-agent': USER_AGENT };
}

/**
 * The account's base URL: `https://api.getdrip.com/v2/<account_id>`.
 *
 * @example
 * accountUrl({ config: { account_id: '9999999' }, … }); // 'https://api.getdrip.com/v2/9999999'
 */
export function accountUrl(ctx: PluginContext): string {
  return `${API_BASE}/${encodeURIComponent(configText(ctx.config, 'account_id') ?? '')}`;
}

/**
 * Records in runs of at most MAX_RECORDS and MAX_BODY_BYTES (the batch envelope's bytes aside).
 *
 * @example
 * chunksOf(twoThousandRecords); // [first 1,000, next 1,000]
 */
export function chunksOf<T extends { record: JsonObject }>(items: T[]): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 0;
  for (const item of items) {
    const size = Buffer.byteLength(JSON.stringify(item.record)) + 1;
    if (chunk.length > 0 && (chunk.length >= MAX_RECORDS || bytes + size > MAX_BODY_BYTES - 100)) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(item);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** Whether a request goes to one of Drip's batch endpoints. */
export function isBatchRequest(request: RequestDescriptor): boolean {
  return request.endpoint === BATCH_ENDPOINT;
}

/**
 * The requests for a batch of mapped records (see fitRecord): subscribers first (an event of a
 * person then finds them in Drip), then events; per kind, a batch request per 1,000 records
 * when a run holds at least BATCH_FROM_RECORDS, else one request per record — a record of a
 * subscriber an earlier single request names waits SAME_SUBSCRIBER_SPACING_MS more each time.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://api.getdrip.com/v2/9999999/subscribers', body: { subscribers: [{ email: …, user_id: … }] }, eventIds: ['identify'] },
 * //  { method: 'POST', url: 'https://api.getdrip.com/v2/9999999/events', body: { events: [{ email: …, action: 'Signed Up' }] }, eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const byKind: Record<Kind, Array<{ id: string; record: JsonObject }>> = { subscriber: [], event: [] };
  for (const mapped of batch) {
    const fitted = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names.
    if (!fitted) throw new Error(`event ${mapped.id} holds no Drip record (subscriber or event) to send`);
    byKind[fitted.kind].push({ id: mapped.id, record: fitted.record });
  }
  const base = accountUrl(ctx);
  const headers = headersOf(ctx);
  const requests: RequestDescriptor[] = [];
  const earlier = new Map<string, number>();
  for (const kind of ['subscriber', 'event'] as const) {
    const collection = COLLECTION[kind];
    for (const chunk of chunksOf(byKind[kind])) {
      if (chunk.length >= BATCH_FROM_RECORDS) {
        requests.push({
          method: 'POST', url: `${base}/${collection}/batches`, headers, endpoint: BATCH_ENDPOINT,
          body: { batches: [{ [collection]: chunk.map((item) => item.record) }] }, eventIds: chunk.map((item) => item.id),
        });
      } else {
        for (const item of chunk) {
          const key = subscriberKey(item.record);
          const before = earlier.get(key) ?? 0;
          earlier.set(key, before + 1);
          const delayMs = Math.min(before * SAME_SUBSCRIBER_SPACING_MS, MAX_REQUEST_DELAY_MS);
          requests.push({ method: 'POST', url: `${base}/${collection}`, headers, body: { [collection]: [item.record] }, eventIds: [item.id], ...(delayMs > 0 ? { delayMs } : {}) });
        }
      }
    }
  }
  return requests;
}
