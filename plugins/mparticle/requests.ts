// The requests carrying a delivery's events to mParticle's Events API: `POST
// https://s2s.<pod>.mparticle.com/v2/bulkevents`, a JSON array of event batches, HTTP Basic with
// the input's key and secret. mParticle wants one batch per user ("Each batch should contain
// data for only one user"), at most 128 KB each and at most 100 a request: the events are
// grouped by the person they name (the same user identities, or the same device ids), in their
// order, into one batch per person — user attributes, device info, IP and consent state merged,
// a later event's winning — and a person whose events pass 128 KB gets a second batch. A job
// holds at most 100 events, so a request holds at most 100 batches. Each batch's
// `source_request_id` (mParticle deduplicates inbound requests by it) is derived from its
// events' ids: a request sent again after a timeout is not counted twice. Events older than 30
// days (a replay of old dead letters, a late retry) go to `/v2/bulkevents/historical`, which
// mParticle asks for them ("this path should not be used to upload historical data older than
// 30 days … please use the historical endpoint"); that endpoint takes only batches with events,
// each with its timestamp, so a person's old events get a batch of their own there and user
// attributes alone stay on /v2/bulkevents.
import { configText, isJsonObject, nameBasedUuid, splitBatch, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { basicAuthorization, environmentOf, EVENTS_API_ORIGINS, podOf } from './config.ts';
import { MAX_BATCH_BYTES, type BatchPart } from './mparticle-event.ts';

/** Most batches in one /v2/bulkevents request ("no more than 100 batches"). */
export const MAX_BATCHES = 100;
/** Most bytes of events in one request: mParticle documents no request limit beyond 100 batches of 128 KB, so requests stay at 1 MB. */
export const MAX_REQUEST_BYTES = 1_000_000;
/** The namespace of the batches' source_request_ids (never changed: a resend must keep its id). */
const SOURCE_REQUEST_NAMESPACE = '5f0c2a9e-7d41-4b8e-9a63-0e5b1c7d2f48';
/** Device ids that tell a person apart when no user identity does. */
const DEVICE_IDS = ['ios_advertising_id', 'ios_idfv', 'android_advertising_id', 'android_uuid'];

/** Age past which mParticle wants events on the historical endpoint ("older than 30 days"). */
export const HISTORICAL_AFTER_MS = 30 * 24 * 60 * 60 * 1000;

/**
 * The Events API's bulk URL on the config's pod (its historical path for events older than 30 days).
 *
 * @example
 * bulkEventsUrl({ pod: 'eu1' });       // 'https://s2s.eu1.mparticle.com/v2/bulkevents'
 * bulkEventsUrl({ pod: 'eu1' }, true); // 'https://s2s.eu1.mparticle.com/v2/bulkevents/historical'
 */
export function bulkEventsUrl(config: Record<string, JsonValue>, historical = false): string {
  return `${EVENTS_API_ORIGINS[podOf(config)]}/v2/bulkevents${historical ? '/historical' : ''}`;
}

/** Whether a mapped event belongs on the historical endpoint: an event (not user attributes alone) whose timestamp is more than 30 days before `now`. */
export function isHistorical(mapped: MappedEvent, now: number): boolean {
  const part = mapped.payload as BatchPart;
  if (part.event === null || !isJsonObject(part.event.data)) return false;
  const at = part.event.data.timestamp_unixtime_ms;
  return typeof at === 'number' && now - at > HISTORICAL_AFTER_MS;
}

/** Who a part is about: its user identities, else its device ids, as one text. */
export function personKey(part: BatchPart): string {
  const identities = Object.entries(part.user_identities).sort(([a], [b]) => a.localeCompare(b));
  if (identities.length > 0) return JSON.stringify(['user', identities]);
  const device = isJsonObject(part.device_info) ? part.device_info : {};
  return JSON.stringify(['device', DEVICE_IDS.map((name) => device[name] ?? null)]);
}

/** A batch under construction: its body and the ids of the events it carries. */
interface Building {
  key: string;
  body: JsonObject;
  events: JsonObject[];
  ids: string[];
}

/** `into` with `from`'s keys merged in (objects one level down too, a later value winning). */
function merged(into: JsonObject | undefined, from: JsonObject | undefined): JsonObject | undefined {
  if (from === undefined) return into;
  const out: JsonObject = { ...(into ?? {}) };
  for (const [name, value] of Object.entries(from)) {
    const before = out[name];
    out[name] = isJsonObject(before) && isJsonObject(value) ? { ...before, ...value } : value;
  }
  return out;
}

/** The batch as sent: identities, the person's fields, its events (none for user attributes only). */
function batchBody(batch: Building, environment: string): JsonObject {
  const body: JsonObject = {
    source_request_id: nameBasedUuid(batch.ids.join('\n'), { version: 5, namespace: SOURCE_REQUEST_NAMESPACE }),
    environment,
    user_identities: batch.body.user_identities ?? {},
  };
  for (const name of ['user_attributes', 'device_info', 'ip', 'consent_state']) {
    const value = batch.body[name];
    if (value !== undefined) body[name] = value;
  }
  if (batch.events.length > 0) body.events = batch.events;
  return body;
}

/**
 * The mapped events as mParticle batches, one per person (two or more when a person's events
 * pass 128 KB), in the order their people first came.
 */
export function personBatches(batch: MappedEvent[], environment: string): Array<{ body: JsonObject; ids: string[] }> {
  const building: Building[] = [];
  const open = new Map<string, Building>();
  for (const mapped of batch) {
    const part = mapped.payload as BatchPart;
    const key = personKey(part);
    let current = open.get(key);
    if (current !== undefined && part.event !== null) {
      const size = Buffer.byteLength(JSON.stringify(batchBody(current, environment))) + Buffer.byteLength(JSON.stringify(part.event)) + 512;
      if (size > MAX_BATCH_BYTES) current = undefined;
    }
    if (current === undefined) {
      current = { key, body: {}, events: [], ids: [] };
      building.push(current);
      open.set(key, current);
    }
    current.body.user_identities = merged(isJsonObject(current.body.user_identities) ? current.body.user_identities : undefined, part.user_identities) ?? {};
    for (const name of ['user_attributes', 'device_info', 'consent_state'] as const) {
      const value = part[name];
      const before = current.body[name];
      const next = merged(isJsonObject(before) ? before : undefined, isJsonObject(value) ? value : undefined);
      if (next !== undefined) current.body[name] = next;
    }
    if (typeof part.ip === 'string') current.body.ip = part.ip;
    if (part.event !== null) current.events.push(part.event);
    current.ids.push(mapped.id);
  }
  return building.map((item) => ({ body: batchBody(item, environment), ids: item.ids }));
}

/**
 * The requests carrying a delivery's events: their person batches to /v2/bulkevents (events
 * older than 30 days to /v2/bulkevents/historical, in requests of their own), at most 100 events
 * (so at most 100 batches) and 1 MB of them a request.
 *
 * @example
 * bulkRequests([{ id: 'm-1', event, payload: { user_identities: { customer_id: 'u-1' }, event: { event_type: 'custom_event', data: { event_name: 'Signed Up', custom_event_type: 'other' } } } }], ctx);
 * // [{ method: 'POST', url: 'https://s2s.mparticle.com/v2/bulkevents', headers: { authorization: 'Basic …', 'content-type': 'application/json' },
 * //    body: [{ source_request_id: '…', environment: 'production', user_identities: { customer_id: 'u-1' }, events: [{ event_type: 'custom_event', data: {…} }] }], eventIds: ['m-1'] }]
 */
export function bulkRequests(batch: MappedEvent[], ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor[] {
  const headers = {
    authorization: basicAuthorization(configText(ctx.config, 'api_key') ?? '', configText(ctx.config, 'api_secret') ?? ''),
    'content-type': 'application/json', accept: 'application/json',
  };
  const historical = batch.filter((mapped) => isHistorical(mapped, ctx.now));
  const recent = batch.filter((mapped) => !isHistorical(mapped, ctx.now));
  // At most 100 events a request, so at most 100 batches (a person's events share one).
  return [[recent, false] as const, [historical, true] as const].flatMap(([events, old]) =>
    events.length === 0 ? [] : splitBatch(events, { maxEvents: MAX_BATCHES, maxBytes: MAX_REQUEST_BYTES }).map((chunk): RequestDescriptor => {
      const batches = personBatches(chunk, environmentOf(ctx.config));
      return { method: 'POST', url: bulkEventsUrl(ctx.config, old), headers, body: batches.map((item) => item.body), eventIds: batches.flatMap((item) => item.ids) };
    }));
}
