// The delivery requests of Mailchimp's Marketing API (HTTP Basic with the API key, JSON
// bodies): members to the batch subscribe/update of POST /lists/{list_id} (up to 500 a
// request), member events to POST /lists/{list_id}/members/{subscriber_hash}/events (one a
// request: the endpoint takes one). Built here, performed by the core.
import type { JsonObject, MappedEvent, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { apiBaseOf, audienceIdOf, authorizationOf } from './config.ts';
import { recordOf } from './fit-to-mailchimp.ts';
import { subscriberHash } from './subscriber-hash.ts';

/** Mailchimp: "Up to 500 members may be added or updated with each API call." */
export const MAX_MEMBERS = 500;
/**
 * Bytes of one request body. Mailchimp documents no size for the batch endpoint; 2 MB holds
 * 500 members of 4 KB each, far more than a member's merge fields take.
 */
export const MAX_BODY_BYTES = 2_000_000;
/** The JSON around the members (`{"members":[…],"update_existing":true,"sync_tags":false}`), with room to spare. */
export const ENVELOPE_BYTES = 96;

/**
 * The headers of every request: JSON, and the API key as HTTP Basic's password.
 *
 * @example
 * headersOf({ config: { api_key: 'k-us1' }, … }); // { 'content-type': 'application/json', authorization: 'Basic …' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { 'content-type': 'application/json', authorization: authorizationOf(ctx.config) };
}

/** The URL of the audience: the batch endpoint, and the base of its members' URLs. */
export function audienceUrlOf(ctx: PluginContext): string {
  return `${apiBaseOf(ctx.config)}/lists/${encodeURIComponent(audienceIdOf(ctx.config))}`;
}

type Part = Array<{ id: string; email: string; body: JsonObject }>;

/**
 * Batch parts of members: at most MAX_MEMBERS and MAX_BODY_BYTES each, in order; an email's
 * second update starts a new part, since Mailchimp's answer names a refused member by email
 * only (and takes one update of an address per request).
 */
function memberParts(members: Part): Part[] {
  const parts: Part[] = [];
  let current: Part = [];
  let bytes = ENVELOPE_BYTES;
  let emails = new Set<string>();
  for (const member of members) {
    const size = Buffer.byteLength(JSON.stringify(member.body)) + 1;
    const email = member.email.toLowerCase();
    if (current.length > 0 && (current.length >= MAX_MEMBERS || bytes + size > MAX_BODY_BYTES || emails.has(email))) {
      parts.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
      emails = new Set();
    }
    current.push(member);
    bytes += size;
    emails.add(email);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/**
 * The requests for a batch of mapped records (see fitRecord): members first, in batch
 * subscribe/update requests of at most 500 (`update_existing: true`, so existing members'
 * merge fields are updated; `sync_tags: false`, so their other tags stay), one update of an
 * email a request; then each event in a request of its own to its member's URL (the subscriber
 * hash of the email). Every event in exactly one request; `eventIds` in the order of the
 * members, which is how classify tells which event a refusal names.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://us21.api.mailchimp.com/3.0/lists/a1b2c3d4e5', body: { members: [...], update_existing: true, sync_tags: false }, eventIds: ['identify'] },
 * //  { method: 'POST', url: '…/lists/a1b2c3d4e5/members/<md5>/events', body: { name: 'Signed_Up', … }, eventIds: ['signed-up'] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const audience = audienceUrlOf(ctx);
  const headers = headersOf(ctx);
  const members: Part = [];
  const events: Part = [];
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    // The map hook gives every sent event one record; without one there is nothing to send, and
    // the core dead-letters the event this names (it builds halves until one event is left).
    if (!record) throw new Error(`event ${mapped.id} holds no Mailchimp record (member or event) to send`);
    (record.kind === 'member' ? members : events).push({ id: mapped.id, email: record.email, body: record.body });
  }
  const query: Array<[string, string]> | undefined = ctx.config.skip_merge_validation === true ? [['skip_merge_validation', 'true']] : undefined;
  const requests: RequestDescriptor[] = memberParts(members).map((part) => ({
    method: 'POST', url: audience, headers, ...(query ? { query } : {}),
    body: { members: part.map((m) => m.body), update_existing: true, sync_tags: false },
    eventIds: part.map((m) => m.id),
  }));
  for (const { id, email, body } of events) {
    requests.push({ method: 'POST', url: `${audience}/members/${subscriberHash(email)}/events`, headers, body, eventIds: [id] });
  }
  return requests;
}
