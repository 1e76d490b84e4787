// The requests of Marketing Cloud's REST API for what the plugin sends, on the tenant's REST
// host with the access token as the Bearer credential:
// - rows upserted through the synchronous Data Extension Rows API,
//   `POST /hub/v1/dataevents/key:{externalKey}/rowset` — an array of `{ keys, values }`, "As a
//   best practice, update or insert a maximum of 50 columns and 50 records at a time". Chosen
//   over the asynchronous `/data/v1/async/dataextensions/key:{key}/rows` because its answer
//   comes with the request: a refusal (400 with `message`, `errorcode` and `additionalErrors`
//   naming the column) belongs to this request's events, so halves find the refused row and it
//   alone is dead-lettered. The asynchronous API answers 202 at once and reports each item's
//   outcome later through another call, which names items by position only: Signal could count
//   such failures but no longer retry or dead-letter the events they belong to.
// - journey entry events, `POST /interaction/v1/events` `{ ContactKey, EventDefinitionKey, Data }`
//   ("Insert subscribers into a journey synchronously"), one event a request: the API takes one.
import { isJsonObject, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { restBaseOf } from './config.ts';
import { JOURNEY, ROW } from './records.ts';

/** Salesforce's best practice for a rowset: "a maximum of … 50 records at a time". */
export const MAX_ROWS_PER_REQUEST = 50;
/** Salesforce: "The maximum payload size is 5 MB" (read as 5,000,000 bytes, the smaller reading); 50 ordinary rows are far below it. */
export const MAX_BYTES = 5_000_000;
/** The JSON array's brackets and slack. */
const ENVELOPE_BYTES = 16;

/** The paths of the plugin's endpoints, for the classifier to tell which answered. */
export type Endpoint = 'rowset' | 'journey';

/**
 * The headers of every API request: JSON both ways (UTF-8, as Salesforce asks for payloads
 * with such characters) and the access token.
 *
 * @example
 * headersOf(ctx); // { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json', authorization: 'Bearer eyJhbGci…' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { 'content-type': 'application/json; charset=UTF-8', accept: 'application/json', authorization: `Bearer ${ctx.accessToken ?? ''}` };
}

/**
 * The rowset URL of a data extension, by its External Key.
 *
 * @example
 * rowsetUrl('Signal_Profiles', ctx); // 'https://mc563885gzs27c5t9-63k636ttgm.rest.marketingcloudapis.com/hub/v1/dataevents/key:Signal_Profiles/rowset'
 */
export function rowsetUrl(externalKey: string, ctx: PluginContext): string {
  return `${restBaseOf(ctx.config)}/hub/v1/dataevents/key:${encodeURIComponent(externalKey)}/rowset`;
}

/**
 * Which of the plugin's endpoints a URL is, and the data extension's key for a rowset.
 *
 * @example
 * endpointOf('https://mc….rest.marketingcloudapis.com/hub/v1/dataevents/key:Signal_Orders/rowset'); // { endpoint: 'rowset', dataExtension: 'Signal_Orders' }
 */
export function endpointOf(url: string): { endpoint: Endpoint; dataExtension?: string } | undefined {
  const path = (() => {
    try {
      return new URL(url).pathname;
    } catch {
      return '';
    }
  })();
  const rowset = /^\/hub\/v1\/dataevents\/key:([^/]+)\/rowset$/.exec(path);
  if (rowset) return { endpoint: 'rowset', dataExtension: decodeURIComponent(rowset[1]!) };
  if (path === '/interaction/v1/events') return { endpoint: 'journey' };
  return undefined;
}

interface Draft {
  rows: JsonObject[];
  ids: string[];
  bytes: number;
}

/**
 * The rowset requests of rows, per data extension in order: at most 50 rows and MAX_BYTES a
 * request. A row too large for a request of its own still gets one (Marketing Cloud says why
 * it refuses it).
 */
function rowRequests(rows: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const byKey = new Map<string, Draft[]>();
  for (const mapped of rows) {
    const row = mapped.payload[ROW] as JsonObject;
    const key = String(row.dataExtension);
    const item: JsonObject = { keys: row.keys ?? {}, values: row.values ?? {} };
    const bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    const drafts = byKey.get(key) ?? [];
    byKey.set(key, drafts);
    let draft = drafts.at(-1);
    if (!draft || draft.rows.length >= MAX_ROWS_PER_REQUEST || draft.bytes + bytes > MAX_BYTES) {
      draft = { rows: [], ids: [], bytes: ENVELOPE_BYTES };
      drafts.push(draft);
    }
    draft.rows.push(item);
    draft.ids.push(mapped.id);
    draft.bytes += bytes;
  }
  const headers = headersOf(ctx);
  return [...byKey.entries()].flatMap(([key, drafts]) => drafts.map((d): RequestDescriptor => ({ method: 'POST', url: rowsetUrl(key, ctx), headers, body: d.rows, eventIds: d.ids })));
}

/**
 * The requests for a batch of mapped records (see fitRecord): the rowsets first (an identify's
 * row before the entry events of the same batch, which a journey's filters may read), then one
 * entry event a request, in order; every event in exactly one request.
 *
 * @example
 * buildRequests([identify, orderCompleted, signedUp], ctx);
 * // [POST …/hub/v1/dataevents/key:Signal_Profiles/rowset [{ keys: { ContactKey: 'user-123' }, values: { FirstName: 'Jane' } }],
 * //  POST …/hub/v1/dataevents/key:Signal_Orders/rowset [{ keys: { ContactKey: 'user-123', EventId: 'm-2' }, values: { OrderId: 'O-1', … } }],
 * //  POST …/interaction/v1/events { ContactKey: 'user-123', EventDefinitionKey: 'APIEvent-…', Data: { … } }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const rows: MappedEvent[] = [];
  const journeys: RequestDescriptor[] = [];
  const headers = headersOf(ctx);
  for (const mapped of batch) {
    if (isJsonObject(mapped.payload[ROW])) rows.push(mapped);
    else if (isJsonObject(mapped.payload[JOURNEY])) journeys.push({ method: 'POST', url: `${restBaseOf(ctx.config)}/interaction/v1/events`, headers, body: mapped.payload[JOURNEY], eventIds: [mapped.id] });
    // The map hook gives every sent event one record; without one the core dead-letters the event this names.
    else throw new Error(`event ${mapped.id} holds no Marketing Cloud record (row or journey entry event) to send`);
  }
  return [...rowRequests(rows, ctx), ...journeys];
}
