// The requests Braze's REST API documents: records to POST /users/track (Bearer REST API key)
// in requests within its limits, and person deletions to POST /users/delete. Built here,
// performed by the core.
import type { JsonObject, JsonValue, MappedEvent, PersonForgetting, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { restEndpointOf } from './endpoints.ts';
import { fitOptionsOf, recordOf, RECORD_KINDS, usableId, type RecordKind } from './fit-to-braze.ts';

/**
 * Braze's data payload limit for its user data endpoints, "4 MB" (more is a 413): kept under
 * both readings of MB.
 */
export const MAX_BYTES = 4_000_000;
/** The JSON around the arrays: `{"attributes":[],"events":[],"purchases":[]}` and some slack. */
const ENVELOPE_BYTES = 64;

/** What one /users/track request may carry. */
export interface TrackLimits {
  /** Objects per array (attributes, events, purchases). */
  perArray: number;
  /** Objects in all three arrays together. */
  total: number;
}

/**
 * The limits of the config's `request_limits`, as Braze's rate-limit page has them: 75 objects
 * combined across attributes, events and purchases (most customers, the default); 75 per array,
 * 225 in all (customers on legacy rate limits: each array may update 75 users, 225 in all); or
 * the 50 updates combined it documents for contracts on Monthly Active Users (CY 24-25). More
 * is "400 Max Input Length Exceeded", which classify answers by sending the request in halves.
 *
 * @example
 * trackLimitsOf({}); // { perArray: 75, total: 75 }
 * trackLimitsOf({ request_limits: 'per_array_75' }); // { perArray: 75, total: 225 }
 */
export function trackLimitsOf(config: PluginContext['config']): TrackLimits {
  if (config.request_limits === 'combined_50') return { perArray: 50, total: 50 };
  if (config.request_limits === 'per_array_75') return { perArray: 75, total: 225 };
  return { perArray: 75, total: 75 };
}

/** The user an object updates: its external_id, else its alias. */
export function userKeyOf(object: JsonValue): string {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return '';
  if (typeof object.external_id === 'string') return `external_id:${object.external_id}`;
  const alias = object.user_alias;
  if (alias !== null && typeof alias === 'object' && !Array.isArray(alias)) return `alias:${JSON.stringify([alias.alias_label, alias.alias_name])}`;
  return '';
}

/**
 * What tells the purchases of one order from the next order's in a request: the user and the
 * time. `send` never puts two orders with the same key side by side, so the classifier finds
 * each order's purchases again as a run of equal keys.
 */
export function orderKeyOf(purchase: JsonValue): string {
  const time = purchase !== null && typeof purchase === 'object' && !Array.isArray(purchase) ? purchase.time : undefined;
  return `${userKeyOf(purchase)}@${String(time)}`;
}

interface Draft {
  arrays: Record<RecordKind, JsonObject[]>;
  owners: Record<RecordKind, string[]>;
  bytes: number;
  lastOrderKey?: string;
}

const emptyDraft = (): Draft => ({ arrays: { attributes: [], events: [], purchases: [] }, owners: { attributes: [], events: [], purchases: [] }, bytes: ENVELOPE_BYTES });

function bearer(ctx: PluginContext): string {
  return `Bearer ${String(ctx.config.api_key ?? '')}`;
}

/**
 * The /users/track request of a draft. Its `eventIds` list the events owning the attributes
 * objects first, then those owning the event objects, then the orders — each array in the
 * order of its objects — which is how `ownersOf` (classify.ts) tells which event an error's
 * index names.
 */
function trackRequest(draft: Draft, ctx: PluginContext): RequestDescriptor {
  const body: JsonObject = {};
  for (const kind of RECORD_KINDS) if (draft.arrays[kind].length > 0) body[kind] = draft.arrays[kind];
  return {
    method: 'POST',
    url: `${restEndpointOf(ctx.config)}/users/track`,
    headers: { 'content-type': 'application/json', authorization: bearer(ctx) },
    body,
    eventIds: [...draft.owners.attributes, ...draft.owners.events, ...draft.owners.purchases],
  };
}

/**
 * The /users/track requests for a batch of mapped records (see fitRecord): each within the
 * config's limits (objects per array, objects in all) and 4 MB, every event in
 * exactly one request, the events' order kept within each array. A record too large for a
 * request of its own still gets one (Braze's answer then decides its fate).
 *
 * @example
 * buildTrackRequests([identify, signedUp, order], ctx);
 * // [{ url: 'https://rest.iad-01.braze.com/users/track', body: { attributes: [...], events: [...], purchases: [...] }, eventIds: ['identify', 'signed-up', 'order'] }]
 */
export function buildTrackRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const limits = trackLimitsOf(ctx.config);
  const requests: RequestDescriptor[] = [];
  let draft = emptyDraft();
  const flush = () => {
    if (draft.owners.attributes.length + draft.owners.events.length + draft.owners.purchases.length > 0) requests.push(trackRequest(draft, ctx));
    draft = emptyDraft();
  };
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    // The map hook gives every event one record; without one there is nothing to send, and the
    // core dead-letters the event this names (it builds halves until one event is left).
    if (!record || record.objects.length === 0) throw new Error(`event ${mapped.id} holds no Braze record (attributes, events or purchases) to send`);
    const { kind, objects } = record;
    const bytes = objects.reduce((sum, object) => sum + Buffer.byteLength(JSON.stringify(object)) + 1, 0);
    const fits = (d: Draft) => {
      const count = d.arrays.attributes.length + d.arrays.events.length + d.arrays.purchases.length;
      return d.arrays[kind].length + objects.length <= limits.perArray
        && count + objects.length <= limits.total
        && d.bytes + bytes <= MAX_BYTES
        && !(kind === 'purchases' && d.lastOrderKey !== undefined && orderKeyOf(objects[0]!) === d.lastOrderKey);
    };
    if (!fits(draft)) flush();
    draft.arrays[kind].push(...objects);
    draft.owners[kind].push(mapped.id);
    draft.bytes += bytes;
    if (kind === 'purchases') draft.lastOrderKey = orderKeyOf(objects[0]!);
  }
  flush();
  return requests;
}

/**
 * Person deletions through Braze's POST /users/delete, with the integration's REST API key
 * (it needs the users.delete permission). Braze takes one kind of identifier a request, so a
 * person named by both ids gets two: the userId as an external_id (the identified profile),
 * then the anonymousId as the user alias anonymous visitors were sent under (the alias-only
 * profile from before login, if Braze never merged it). Braze answers `{"deleted": n}`, the
 * number of profiles queued for deletion.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => typeof config.api_key === 'string' && config.api_key !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    const options = fitOptionsOf(ctx.config);
    // Braze deletes by one kind of id a request: the user's profile, then the visitor's
    // alias-only profile (from before login, if Braze never merged it).
    const bodies: JsonObject[] = [];
    if (usableId(person.userId)) bodies.push({ external_ids: [person.userId.trim()] });
    if (usableId(person.anonymousId)) bodies.push({ user_aliases: [{ alias_name: person.anonymousId.trim(), alias_label: options.aliasLabel }] });
    if (bodies.length === 0) return { skipped: 'the ids named are placeholders the plugin never sends to Braze, so no profile of theirs can exist there' };
    return bodies.map((body) => ({
      method: 'POST' as const,
      url: `${restEndpointOf(ctx.config)}/users/delete`,
      headers: { 'content-type': 'application/json', authorization: bearer(ctx) },
      body,
      eventIds: [],
    }));
  },
  read(response, request) {
    const said = response.body.trim().slice(0, 300);
    const byAlias = typeof request?.body === 'object' && request.body !== null && 'user_aliases' in request.body;
    const answer = (response.json !== null && typeof response.json === 'object' && !Array.isArray(response.json) ? response.json : {}) as { deleted?: unknown; message?: unknown };
    if (response.status >= 200 && response.status < 300) {
      const deleted = typeof answer.deleted === 'number' ? answer.deleted : undefined;
      const which = byAlias ? 'the visitor\'s alias-only profile (anonymousId)' : 'the user\'s profile (external_id)';
      const queued = deleted === undefined ? `accepted (HTTP ${response.status}): Braze queued ${which} for deletion` : `Braze queued ${deleted} profile${deleted === 1 ? '' : 's'} for deletion: ${which}`;
      return { done: true, message: queued };
    }
    if (response.status === 403) {
      return { failed: `HTTP 403: Braze refused the deletion. The REST API key needs the users.delete permission: add it to the key (Braze: Settings > APIs and Identifiers > API Keys) or set config.forward_deletions to false${said ? ` (Braze: ${said})` : ''}` };
    }
    if (response.status === 401) return { failed: `HTTP 401: Braze refused the REST API key: check config.api_key and that config.rest_endpoint is your instance's${said ? ` (Braze: ${said})` : ''}` };
    if (response.status === 404) return { failed: `HTTP 404: no such Braze endpoint: check config.rest_endpoint${said ? ` (Braze: ${said})` : ''}` };
    if (response.status === 408 || response.status === 429 || response.status >= 500) return { retry: `HTTP ${response.status}${said ? `: ${said}` : ''}` };
    return { failed: `HTTP ${response.status}${said ? `: ${said}` : ''}` };
  },
};
