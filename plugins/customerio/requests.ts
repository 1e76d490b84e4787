// The requests of Customer.io's Track API v2 (HTTP Basic auth, `site_id:api_key`): items in
// batches to POST /api/v2/batch within its limits, and person deletions as one `delete` (or
// `suppress`) item to POST /api/v2/entity. Built here, performed by the core.
import { splitBatch, usableId, type MappedEvent, type PersonForgetting, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { MAX_ID_BYTES } from './identity.ts';
import { trackHostOf } from './regions.ts';

/**
 * Customer.io: "Your request must be smaller than 500kb" (v2 batch): kept under both readings
 * of KB.
 */
export const MAX_BYTES = 500_000;
/**
 * Items per request. Customer.io documents bytes only; 1,000 is Signal's bound (RudderStack's
 * too), which 500 KB allows for items of 500 bytes, so bytes decide for most batches.
 */
export const MAX_ITEMS = 1000;
/** The JSON around the items: `{"batch":[]}`. */
const ENVELOPE_BYTES = 12;

/**
 * The Authorization header: HTTP Basic with the site ID as the user and the Track API key as the password.
 *
 * @example
 * basicAuth({ config: { site_id: 'site', api_key: 'key' }, … }); // 'Basic c2l0ZTprZXk='
 */
export function basicAuth(ctx: PluginContext): string {
  return `Basic ${Buffer.from(`${String(ctx.config.site_id ?? '')}:${String(ctx.config.api_key ?? '')}`).toString('base64')}`;
}

/**
 * The /api/v2/batch requests for a batch of mapped items (see fitItem): each of at most 1,000
 * items and 500,000 bytes, every event in exactly one request, in order; `eventIds` list the
 * events in the order of their items, which is how classify tells which event a `batch_index`
 * names.
 *
 * @example
 * buildBatchRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://track.customer.io/api/v2/batch', body: { batch: [item1, item2] }, eventIds: ['identify', 'signed-up'] }]
 */
export function buildBatchRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = `${trackHostOf(ctx.config)}/api/v2/batch`;
  const headers = { 'content-type': 'application/json', authorization: basicAuth(ctx) };
  return splitBatch(batch, { maxEvents: MAX_ITEMS, maxBytes: MAX_BYTES, overheadBytes: ENVELOPE_BYTES }).map((part) => ({
    method: 'POST',
    url,
    headers,
    body: { batch: part.map((e) => e.payload) },
    eventIds: part.map((e) => e.id),
  }));
}

/** What a deletion by id leaves, said with every deletion Customer.io accepted (`read` is handed the answer alone). */
export const ANONYMOUS_EVENTS_REMAIN = 'Anonymous events of the visitor that Customer.io never merged into the person (no identify carried their anonymous_id) are not the person\'s: Customer.io keeps them up to 30 days, and its API deletes none by anonymous_id';

/**
 * Person deletions through Customer.io's Track API v2 (POST /api/v2/entity, one `person` item
 * naming the person by `id` — the userId, as the plugin sends it). The action is
 * config.deletion_action: `delete` (default) deletes the profile and everything recorded of it;
 * `suppress` deletes it too and blocks its identifiers, so later data naming them is ignored
 * (Customer.io: "Delete people and suppress profile IDs"). A person named only by an
 * anonymousId has no profile at Customer.io (anonymous events belong to none): skipped.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => typeof config.site_id === 'string' && config.site_id !== '' && typeof config.api_key === 'string' && config.api_key !== '' && config.forward_deletions !== false,
  request(person, ctx) {
    if (!usableId(person.userId)) {
      return { skipped: usableId(person.anonymousId)
        ? 'Customer.io deletes people by id, and this deletion names an anonymousId only: a visitor has no profile there (anonymous events are kept up to 30 days, merged into a person only by an identify), and its API deletes no events by anonymous_id'
        : 'the ids named are placeholders the plugin never sends to Customer.io, so no profile of theirs can exist there' };
    }
    const id = person.userId.trim();
    if (Buffer.byteLength(id) > MAX_ID_BYTES) return { skipped: `the userId has ${Buffer.byteLength(id)} bytes: Customer.io takes ids of at most ${MAX_ID_BYTES}, so the plugin never sent it and no profile of it exists there` };
    return {
      method: 'POST',
      url: `${trackHostOf(ctx.config)}/api/v2/entity`,
      headers: { 'content-type': 'application/json', authorization: basicAuth(ctx) },
      body: { type: 'person', action: ctx.config.deletion_action === 'suppress' ? 'suppress' : 'delete', identifiers: { id } },
      eventIds: [],
    };
  },
  read(response) {
    const said = response.body.trim().slice(0, 300);
    const status = response.status;
    if (status >= 200 && status < 300) return { done: true, message: `accepted (HTTP ${status}): Customer.io deletes the person's profile and what it recorded of them. ${ANONYMOUS_EVENTS_REMAIN}` };
    if (status >= 300 && status < 400) return { failed: `HTTP ${status}: Customer.io redirected the deletion: the workspace is in the other region; set config.region to its region (Settings > Account Settings > Privacy)${said ? ` (Customer.io: ${said})` : ''}` };
    if (status === 401 || status === 403) return { failed: `HTTP ${status}: Customer.io refused the credentials: check config.site_id and config.api_key (a Track API key: Account Settings > API Credentials > Track API Keys) and that config.region is the workspace's${said ? ` (Customer.io: ${said})` : ''}` };
    if (status === 408 || status === 429 || status >= 500) return { retry: `HTTP ${status}${said ? `: ${said}` : ''}` };
    return { failed: `HTTP ${status}${said ? `: ${said}` : ''}` };
  },
};
