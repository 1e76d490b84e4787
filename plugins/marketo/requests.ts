// The delivery requests (Bearer token, JSON). Identifies go to Sync Leads
// (`POST /rest/v1/leads.json`, action createOrUpdate, up to 300 leads a request), keyed by the
// lookup field. Custom activities (`POST /rest/v1/activities/external.json`, up to 300 a request)
// need each lead's Marketo id (`leadId`), which events do not carry: the plugin first looks the
// leads up by the same key (`GET /rest/v1/leads.json?filterType=<lookup field>&filterValues=…`,
// up to 300 values), and classify.ts answers that lookup with the activities request for the
// leads found, as a follow-up (the core's `{ next }`). The activities ride along in the lookup's
// `memo`, never sent or logged.
import { configText, isJsonObject, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { instanceOrigin, keyedByEmail, lookupFieldOf } from './config.ts';
import { ACTIVITY, LEAD } from './records.ts';

/** Sync Leads and Add Custom Activities take up to 300 records a request; Get Leads by Filter Type up to 300 values. */
export const MAX_RECORDS = 300;
/** Marketo refuses bodies over 1 MB (HTTP 413); the batches stay under with room for the envelope. */
export const MAX_BODY_BYTES = 900_000;
/** Marketo refuses a GET whose URI passes 8 KB (HTTP 414): the filterValues of one lookup stay under this many characters, encoded. */
export const MAX_FILTER_CHARS = 6_000;

export const SYNC_LEADS = '/rest/v1/leads.json';
export const ADD_ACTIVITIES = '/rest/v1/activities/external.json';
export const DELETE_LEADS = '/rest/v1/leads/delete.json';

/** One custom activity waiting for its lead's id: the event, its key, the activity. */
export interface PendingActivity {
  id: string;
  key: string;
  activity: JsonObject;
}

/** The lookup's note: the activities its answer completes (see classify.ts). */
export interface LookupMemo {
  marketo: 'lookup';
  field: string;
  activities: PendingActivity[];
}

/**
 * The lookup's note on a request the plugin built, or undefined for any other request.
 *
 * @example
 * lookupMemoOf({ method: 'GET', url: '…/rest/v1/leads.json', eventIds: ['m-1'], memo: { marketo: 'lookup', field: 'email', activities: [] } }); // { marketo: 'lookup', field: 'email', activities: [] }
 */
export function lookupMemoOf(request: RequestDescriptor): LookupMemo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo) || memo.marketo !== 'lookup' || typeof memo.field !== 'string' || !Array.isArray(memo.activities)) return undefined;
  return memo as unknown as LookupMemo;
}

/**
 * The headers of a REST call: the access token as a Bearer token (never the access_token query
 * parameter, which Marketo removes in 2026).
 *
 * @example
 * headersOf(ctx, true); // { authorization: 'Bearer cdf01657-…:int', accept: 'application/json', 'content-type': 'application/json' }
 */
export function headersOf(ctx: PluginContext, json: boolean): Record<string, string> {
  return { authorization: `Bearer ${ctx.accessToken ?? ''}`, accept: 'application/json', ...(json ? { 'content-type': 'application/json' } : {}) };
}

/** Keys compared as Marketo matches them: emails without regard to case. */
export function sameKey(a: string, b: string, byEmail: boolean): boolean {
  return byEmail ? a.toLowerCase() === b.toLowerCase() : a === b;
}

/** The note on a Sync Leads request: the events of each record of `input`, in order (identifies of one person merged into one record). */
export interface SyncMemo {
  marketo: 'sync';
  records: string[][];
}

/**
 * The Sync Leads note on a request the plugin built, or undefined for any other request.
 *
 * @example
 * syncMemoOf({ method: 'POST', url: '…/rest/v1/leads.json', eventIds: ['m-1', 'm-2'], memo: { marketo: 'sync', records: [['m-1', 'm-2']] } }); // { marketo: 'sync', records: [['m-1', 'm-2']] }
 */
export function syncMemoOf(request: RequestDescriptor): SyncMemo | undefined {
  const memo = request.memo;
  if (!isJsonObject(memo) || memo.marketo !== 'sync' || !Array.isArray(memo.records)) return undefined;
  if (!memo.records.every((ids) => Array.isArray(ids) && ids.every((id) => typeof id === 'string'))) return undefined;
  return memo as unknown as SyncMemo;
}

/**
 * The Sync Leads request for leads (at most 300, each key once: `ids` are the events a record
 * stands for).
 *
 * @example
 * syncLeadsRequest([{ ids: ['m-1'], lead: { email: 'jane@example.com', firstName: 'Jane' } }], ctx);
 * // { method: 'POST', url: 'https://123-ABC-456.mktorest.com/rest/v1/leads.json', body: { action: 'createOrUpdate', lookupField: 'email', input: [{ email: 'jane@example.com', firstName: 'Jane' }] }, eventIds: ['m-1'], memo: { marketo: 'sync', records: [['m-1']] } }
 */
export function syncLeadsRequest(leads: Array<{ ids: string[]; lead: JsonObject }>, ctx: PluginContext): RequestDescriptor {
  const partition = configText(ctx.config, 'partition_name');
  const memo: SyncMemo = { marketo: 'sync', records: leads.map((l) => l.ids) };
  return {
    method: 'POST',
    url: `${instanceOrigin(ctx.config)}${SYNC_LEADS}`,
    headers: headersOf(ctx, true),
    body: { action: 'createOrUpdate', lookupField: lookupFieldOf(ctx.config), ...(partition ? { partitionName: partition } : {}), input: leads.map((l) => l.lead) },
    eventIds: leads.flatMap((l) => l.ids),
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The lookup of the leads of pending activities (Get Leads by Filter Type: their distinct keys
 * in `filterValues`, the id and the lookup field asked for), with the activities in its memo.
 *
 * @example
 * lookupRequest([{ id: 'm-2', key: 'jane@example.com', activity }], ctx);
 * // { method: 'GET', url: '…/rest/v1/leads.json', query: [['filterType', 'email'], ['filterValues', 'jane@example.com'], ['fields', 'id,email']], eventIds: ['m-2'], memo: { marketo: 'lookup', … } }
 */
export function lookupRequest(activities: PendingActivity[], ctx: PluginContext): RequestDescriptor {
  const field = lookupFieldOf(ctx.config);
  const byEmail = keyedByEmail(ctx.config);
  const values: string[] = [];
  for (const { key } of activities) if (!values.some((v) => sameKey(v, key, byEmail))) values.push(key);
  const memo: LookupMemo = { marketo: 'lookup', field, activities };
  return {
    method: 'GET',
    url: `${instanceOrigin(ctx.config)}${SYNC_LEADS}`,
    headers: headersOf(ctx, false),
    query: [['filterType', field], ['filterValues', values.join(',')], ['fields', field === 'id' ? 'id' : `id,${field}`]],
    eventIds: activities.map((a) => a.id),
    memo: memo as unknown as JsonObject,
  };
}

/**
 * The Add Custom Activities request for activities whose leads were found.
 *
 * @example
 * activitiesRequest([{ id: 'm-2', leadId: 318581, activity: { activityTypeId: 100001, … } }], ctx);
 * // { method: 'POST', url: '…/rest/v1/activities/external.json', body: { input: [{ leadId: 318581, activityTypeId: 100001, … }] }, eventIds: ['m-2'] }
 */
export function activitiesRequest(found: Array<{ id: string; leadId: number; activity: JsonObject }>, ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: `${instanceOrigin(ctx.config)}${ADD_ACTIVITIES}`,
    headers: headersOf(ctx, true),
    body: { input: found.map((f) => ({ leadId: f.leadId, ...f.activity })) },
    eventIds: found.map((f) => f.id),
  };
}

/** Bytes of a value as JSON. */
function bytesOf(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

/**
 * Leads in requests of at most 300 and MAX_BODY_BYTES. The identifies of one person in a batch
 * become one record (the later identify's fields over the earlier's), whose outcome is each of
 * theirs: two records of one key, in one request or in two sent at once, are the closely timed
 * upserts Marketo warns may create duplicate leads.
 */
function leadRequests(leads: Array<{ id: string; key: string; lead: JsonObject }>, ctx: PluginContext): RequestDescriptor[] {
  const byEmail = keyedByEmail(ctx.config);
  const merged: Array<{ ids: string[]; key: string; lead: JsonObject }> = [];
  for (const item of leads) {
    const same = merged.find((m) => sameKey(m.key, item.key, byEmail));
    if (same) {
      same.ids.push(item.id);
      same.lead = { ...same.lead, ...item.lead };
    } else {
      merged.push({ ids: [item.id], key: item.key, lead: item.lead });
    }
  }
  const chunks: Array<{ items: typeof merged; bytes: number }> = [];
  for (const item of merged) {
    const size = bytesOf(item.lead) + 1;
    const chunk = chunks.find((c) => c.items.length < MAX_RECORDS && c.bytes + size <= MAX_BODY_BYTES);
    if (chunk) {
      chunk.items.push(item);
      chunk.bytes += size;
    } else {
      chunks.push({ items: [item], bytes: 200 + size });
    }
  }
  return chunks.map((c) => syncLeadsRequest(c.items, ctx));
}

/** Activities in lookups of at most 300 distinct keys whose filterValues stay under MAX_FILTER_CHARS (their activities under MAX_BODY_BYTES). */
function activityLookups(activities: PendingActivity[], ctx: PluginContext): RequestDescriptor[] {
  const byEmail = keyedByEmail(ctx.config);
  const chunks: Array<{ items: PendingActivity[]; keys: string[]; chars: number; bytes: number }> = [];
  let current: (typeof chunks)[number] | undefined;
  for (const item of activities) {
    const known = current?.keys.some((k) => sameKey(k, item.key, byEmail)) ?? false;
    const chars = known ? 0 : encodeURIComponent(item.key).length + 3;
    const bytes = bytesOf(item.activity) + 20;
    if (!current || current.items.length >= MAX_RECORDS || current.chars + chars > MAX_FILTER_CHARS || current.bytes + bytes > MAX_BODY_BYTES) {
      current = { items: [], keys: [], chars: 0, bytes: 20 };
      chunks.push(current);
    }
    current.items.push(item);
    if (!current.keys.some((k) => sameKey(k, item.key, byEmail))) {
      current.keys.push(item.key);
      current.chars += encodeURIComponent(item.key).length + 3;
    }
    current.bytes += bytes;
  }
  return chunks.map((c) => lookupRequest(c.items, ctx));
}

/**
 * The requests for a batch: Sync Leads for the identifies, then a lead lookup for the track
 * events (whose answer sends their custom activities).
 *
 * @example
 * buildRequests([identify, orderCompleted], ctx); // [POST /rest/v1/leads.json, GET /rest/v1/leads.json?filterType=email&…]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const leads: Array<{ id: string; key: string; lead: JsonObject }> = [];
  const activities: PendingActivity[] = [];
  for (const mapped of batch) {
    const { kind, key } = mapped.payload;
    if (typeof key !== 'string' || key === '') throw new Error(`event ${mapped.id} names no Marketo lead (no lookup value)`);
    if (kind === LEAD && isJsonObject(mapped.payload.lead)) leads.push({ id: mapped.id, key, lead: mapped.payload.lead });
    else if (kind === ACTIVITY && isJsonObject(mapped.payload.activity)) activities.push({ id: mapped.id, key, activity: mapped.payload.activity });
    else throw new Error(`event ${mapped.id} holds no Marketo record (lead or custom activity) to send`);
  }
  return [...leadRequests(leads, ctx), ...activityLookups(activities, ctx)];
}
