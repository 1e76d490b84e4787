// The delivery requests of Dotdigital's v3 APIs (HTTP Basic with the API user, JSON bodies) at
// the host of the account's region: an identify's contact request (POST /contacts/v3, or GET
// /contacts/v3/email/{email} before an update: see contact.ts), and the batch's track calls
// together in one POST /events/v3/import (Dotdigital: "we strongly recommend batching and
// importing your events in bulk", up to 5,000 events and 50 MB a request). Built here,
// performed by the core; the follow-ups (the lookup after a 409, the update by contactId) come
// from classify.ts.
import { configText, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { regionOf } from './config.ts';
import { recordOf } from './fit-to-dotdigital.ts';

/** Most events in one request: the events of one import (Dotdigital takes 5,000; a smaller batch keeps a refusal's split short). */
export const MAX_RECORDS = 100;
/** Bytes of one request body: 100 events of at most 100 KB of data each, with room to spare (Dotdigital takes 50 MB). */
export const MAX_BODY_BYTES = 12_000_000;

/**
 * The API host of the config's region.
 *
 * @example
 * apiBaseOf({ config: { region: 'r2' }, … }); // 'https://r2-api.dotdigital.com'
 */
export function apiBaseOf(ctx: PluginContext): string {
  return `https://${regionOf(ctx.config)}-api.dotdigital.com`;
}

/**
 * The headers of every request: JSON both ways, and the API user in HTTP Basic.
 *
 * @example
 * headersOf({ config: { username: 'apiuser-1@apiconnector.com', password: 'pw' }, … });
 * // { 'content-type': 'application/json', accept: 'application/json', authorization: 'Basic YXBp…' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  const username = configText(ctx.config, 'username') ?? '';
  // The password as given: a password may begin or end with a space.
  const password = typeof ctx.config.password === 'string' ? ctx.config.password : '';
  return { 'content-type': 'application/json', accept: 'application/json', authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` };
}

/** The URL of one contact, by its email identifier. */
export function contactUrl(ctx: PluginContext, email: string): string {
  return `${apiBaseOf(ctx)}/contacts/v3/email/${encodeURIComponent(email)}`;
}

/**
 * The lookup of a contact by its email (GET), noted with the step `lookup`, the email and the
 * update that follows when Dotdigital has the contact: the first request of an identify without
 * consent, and the follow-up of a creation refused as a duplicate (409).
 */
export function lookupRequest(ctx: PluginContext, email: string, update: JsonObject, eventIds: string[], afterDuplicate = false): RequestDescriptor {
  const memo: JsonObject = afterDuplicate ? { step: 'lookup', email, update, afterDuplicate: true } : { step: 'lookup', email, update };
  return { method: 'GET', url: contactUrl(ctx, email), headers: { accept: 'application/json', authorization: headersOf(ctx).authorization! }, eventIds, endpoint: 'contacts', memo };
}

/**
 * The update of a contact Dotdigital has (PATCH, data fields only), by the contactId its lookup
 * answered. Dotdigital's PATCH is an upsert ("Import a single contact": an unknown identifier is
 * created, one in the recycle bin undeleted); by contactId, with no identifiers in the body, it
 * has nothing to create a contact from (a contactId cannot be given to a new contact, and a
 * creation needs an email or mobile number in the body's identifiers).
 */
export function updateRequest(ctx: PluginContext, contactId: number, update: JsonObject, eventIds: string[]): RequestDescriptor {
  return { method: 'PATCH', url: `${apiBaseOf(ctx)}/contacts/v3/contactId/${contactId}`, headers: headersOf(ctx), body: update, eventIds, endpoint: 'contacts', memo: { step: 'update' } };
}

/**
 * The requests for a batch of mapped records (fitRecord's): each contact in a request of its
 * own, in order, then the events together in one import.
 *
 * @example
 * buildRequests([identify, signedUp], ctx);
 * // [{ method: 'POST', url: 'https://r1-api.dotdigital.com/contacts/v3', body: { identifiers: …, channelProperties: … }, memo: { step: 'create', … } },
 * //  { method: 'POST', url: 'https://r1-api.dotdigital.com/events/v3/import', body: [{ contactIdentity: …, type: 'Signed Up' }] }]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const headers = headersOf(ctx);
  const requests: RequestDescriptor[] = [];
  const events: JsonObject[] = [];
  const eventIds: string[] = [];
  for (const mapped of batch) {
    const record = recordOf(mapped.payload);
    if (!record) throw new Error(`event ${mapped.id} holds no Dotdigital record (contact or event) to send`);
    if (record.kind === 'event') {
      events.push(record.event);
      eventIds.push(mapped.id);
      continue;
    }
    const { plan } = record;
    const memo = { step: plan.step, email: plan.email, update: plan.update };
    if (plan.step === 'create') requests.push({ method: 'POST', url: `${apiBaseOf(ctx)}/contacts/v3`, headers, body: plan.create ?? { identifiers: { email: plan.email } }, eventIds: [mapped.id], endpoint: 'contacts', memo });
    else requests.push(lookupRequest(ctx, plan.email, plan.update, [mapped.id]));
  }
  if (events.length > 0) requests.push({ method: 'POST', url: `${apiBaseOf(ctx)}/events/v3/import`, headers, body: events, eventIds, endpoint: 'events' });
  return requests;
}
