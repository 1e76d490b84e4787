// What the blueprint mapped, fitted to one record of Brevo's API v3: a contact (an identify,
// for POST /v3/contacts) or an event (a track call, for POST /v3/events). What Brevo would
// refuse for good is dead-lettered here, each event on its own, saying why; what names no one
// in Brevo (an anonymous visitor) is not sent.
import { recordKinds, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { eventBody } from './brevo-event.ts';
import { contactBody } from './contact.ts';

/** The records the plugin sends, each to its endpoint. */
export const KINDS = ['contact', 'event'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Brevo', KINDS);

/** A fitted record: its kind and the body Brevo receives. */
export interface BrevoRecord {
  kind: Kind;
  body: JsonObject;
}

/**
 * The map hook: the blueprint's payload as a Brevo record (`{ kind, body }`), or null — not
 * sent — for an event that names no contact.
 *
 * @example
 * fitRecord({ kind: 'contact', email: 'jane@example.com', ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane' } }, identify, ctx);
 * // { kind: 'contact', body: { email: 'jane@example.com', ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane' }, updateEnabled: true } }
 * // (with marketing consent and config.list_ids: { …, listIds: [2] } without updateEnabled, a creation: see contact.ts)
 * fitRecord({ kind: 'event', event_name: 'Signed Up', ext_id: 'u-1', event_date: '2024-03-24T16:00:00.000Z' }, track, ctx);
 * // { kind: 'event', body: { event_name: 'Signed_Up', event_date: '2024-03-24T16:00:00.000Z', identifiers: { ext_id: 'u-1' } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const kind = RECORD_KINDS.of(payload);
  const body = kind === 'contact' ? contactBody(payload, event, ctx) : eventBody(payload, ctx);
  if (body === null) return null;
  const record: BrevoRecord = { kind, body };
  return { ...record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', body: { event_name: 'Viewed' } }); // { kind: 'event', body: { event_name: 'Viewed' } }
 * recordOf({ event_name: 'Viewed' });                          // undefined
 */
export function recordOf(payload: JsonObject): BrevoRecord | undefined {
  const { kind, body } = payload;
  if (!RECORD_KINDS.is(kind)) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return { kind, body };
}
