// The requests Klaviyo's API documents for what the plugin sends: profile updates one by one
// to Create or Update Profile (POST /api/profile-import), events in jobs of Bulk Create Events
// (POST /api/event-bulk-create-jobs; up to 1,000 events and 5 MB). Built here, performed by
// the core.
import { isJsonObject, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { API_HOST, headersOf, PATHS } from './api.ts';
import { EVENT_ITEM, eventsOfItem, MAX_EVENTS_PER_REQUEST, PROFILE_IMPORT } from './fit-to-klaviyo.ts';

/** Klaviyo: Bulk Create Events' "maximum allowed payload size is 5MB" (kept under both readings of MB). */
export const MAX_BYTES = 5_000_000;
/** The JSON around the items: `{"data":{"type":"event-bulk-create-job","attributes":{"events-bulk-create":{"data":[]}}}}` and slack. */
const ENVELOPE_BYTES = 128;

interface Draft {
  items: JsonObject[];
  ids: string[];
  events: number;
  bytes: number;
  /** `metric` and `unique_id` of every event in the draft (see `dedupKeysOf`). */
  keys: Set<string>;
}

/**
 * The keys under which Klaviyo refuses a repeat inside one bulk request: "If a unique_id is
 * repeated for the same profile and metric, the request will fail and no events will be
 * processed" (Bulk Create Events). Keyed by metric and unique_id alone, more cautious than
 * Klaviyo (the same messageId twice in a batch, an order sent twice under its order id).
 *
 * @example
 * dedupKeysOf(placedOrderItem); // ['Placed Order\u0000O-1', 'Ordered Product\u0000O-1:1']
 */
export function dedupKeysOf(item: JsonValue | undefined): string[] {
  return eventsOfItem(item).map((event) => {
    const attributes = isJsonObject(event.attributes) ? event.attributes : {};
    const metric = isJsonObject(attributes.metric) && isJsonObject(attributes.metric.data) && isJsonObject(attributes.metric.data.attributes) ? attributes.metric.data.attributes.name : undefined;
    return `${String(metric)}\u0000${String(attributes.unique_id)}`;
  });
}

/**
 * The Bulk Create Events request of some items, one item per mapped event in `eventIds`'
 * order, so an error's `source.pointer` (`/data/attributes/events-bulk-create/data/<n>/…`)
 * names the event it came from.
 *
 * @example
 * bulkRequest([item], ['m-1'], ctx); // { method: 'POST', url: 'https://a.klaviyo.com/api/event-bulk-create-jobs', body: { data: { type: 'event-bulk-create-job', … } }, eventIds: ['m-1'] }
 */
export function bulkRequest(items: JsonObject[], eventIds: string[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: `${API_HOST}${PATHS.eventBulkCreate}`,
    headers: headersOf(ctx),
    body: { data: { type: 'event-bulk-create-job', attributes: { 'events-bulk-create': { data: items } } } },
    eventIds,
  };
}

/** The Create or Update Profile request of one identify. */
function profileRequest(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  return { method: 'POST', url: `${API_HOST}${PATHS.profileImport}`, headers: headersOf(ctx), body: mapped.payload[PROFILE_IMPORT]!, eventIds: [mapped.id] };
}

const emptyDraft = (): Draft => ({ items: [], ids: [], events: 0, bytes: ENVELOPE_BYTES, keys: new Set() });

/**
 * The requests for a batch of mapped records (see fitRecord): each profile import on its own
 * (first, so a batch's traits reach a profile before its events), then the event items in
 * Bulk Create Events jobs of at most 1,000 events and 5 MB, none repeating a metric and
 * unique_id (a repeat goes to a later job), every event in exactly one request, in order
 * otherwise. An item too large for a request of its own still gets one (Klaviyo's answer then
 * decides its fate).
 *
 * @example
 * buildRequests([identify, signedUp, order], ctx);
 * // [profile-import of identify, event-bulk-create-jobs of [signedUp, order]]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const profiles: RequestDescriptor[] = [];
  const drafts: Draft[] = [];
  for (const mapped of batch) {
    if (isJsonObject(mapped.payload[PROFILE_IMPORT])) {
      profiles.push(profileRequest(mapped, ctx));
      continue;
    }
    const item = mapped.payload[EVENT_ITEM];
    const events = eventsOfItem(item).length;
    // The map hook gives every event one record; without one there is nothing to send, and the
    // core dead-letters the event this names (it builds halves until one event is left).
    if (!isJsonObject(item) || events === 0) throw new Error(`event ${mapped.id} holds no Klaviyo record (event_bulk_create or profile_import) to send`);
    const bytes = Buffer.byteLength(JSON.stringify(item)) + 1;
    const keys = dedupKeysOf(item);
    const fits = (d: Draft) => d.ids.length === 0
      || (d.events + events <= MAX_EVENTS_PER_REQUEST && d.bytes + bytes <= MAX_BYTES && !keys.some((key) => d.keys.has(key)));
    let draft = drafts.find(fits);
    if (!draft) {
      draft = emptyDraft();
      drafts.push(draft);
    }
    draft.items.push(item);
    draft.ids.push(mapped.id);
    draft.events += events;
    draft.bytes += bytes;
    for (const key of keys) draft.keys.add(key);
  }
  return [...profiles, ...drafts.map((d) => bulkRequest(d.items, d.ids, ctx))];
}
