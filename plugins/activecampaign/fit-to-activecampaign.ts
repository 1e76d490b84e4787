// What the blueprint mapped, fitted to one record of ActiveCampaign's APIs: a contact (an
// identify, for the contact sync) or an event (a track call, or a page call the config names,
// for Event Tracking). What ActiveCampaign would refuse for good is dead-lettered here, each
// event on its own, saying why; what names no contact (no email) is not sent, saying why.
import { PermanentError, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { contactRecord, type ContactRecord } from './contact.ts';
import { eventRecord, type EventRecord } from './tracked-event.ts';

/** The records the plugin sends, each to its API. */
export const KINDS = ['contact', 'event'] as const;

/** A fitted record. */
export type ActiveCampaignRecord = ContactRecord | EventRecord;

/**
 * The map hook: the blueprint's payload as a record (`kind` says which), or null — not sent.
 *
 * @example
 * fitRecord({ kind: 'contact', email: 'jane@example.com', firstName: 'Jane' }, identify, ctx);
 * // { kind: 'contact', body: { contact: { email: 'jane@example.com', firstName: 'Jane' } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const kind = payload.kind;
  if (kind === 'contact') return contactRecord(payload, event, ctx);
  if (kind === 'event') return eventRecord(payload, event, ctx);
  throw new PermanentError(`the blueprint mapped ${kind === undefined ? 'no kind' : `the kind ${JSON.stringify(kind)}`}: Signal sends ActiveCampaign the kinds ${KINDS.join(', ')}`);
}

/**
 * The record of a mapped payload (fitRecord's), or undefined when it is none.
 *
 * @example
 * recordOf({ kind: 'event', event: 'Signed Up', email: 'jane@example.com' }); // { kind: 'event', event: 'Signed Up', email: 'jane@example.com' }
 * recordOf({ event: 'Signed Up' });                                           // undefined
 */
export function recordOf(payload: JsonObject): ActiveCampaignRecord | undefined {
  if (payload.kind === 'contact') {
    const body = payload.body as { contact?: unknown } | undefined;
    const contact = body?.contact as { email?: unknown } | undefined;
    return contact !== null && typeof contact === 'object' && typeof contact.email === 'string' ? (payload as unknown as ContactRecord) : undefined;
  }
  if (payload.kind === 'event') return typeof payload.event === 'string' && typeof payload.email === 'string' ? (payload as unknown as EventRecord) : undefined;
  return undefined;
}
