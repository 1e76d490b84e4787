// The plugin's map hook: what the blueprint mapped becomes exactly one HubSpot record — an
// identify a contact upsert input, any other event an occurrence of the custom event
// config.event_names names for it (or nothing, when it names none). What HubSpot would refuse
// is refused here, per event and saying why, rather than failing the batch it would travel in.
import type { CanonicalEvent, JsonObject, PluginContext } from '../../core/sdk/index.ts';
import { contactInput } from './contact.ts';
import { occurrenceOf } from './event-occurrence.ts';

/**
 * The HubSpot record of a mapped event: `{ contact }` for an identify, `{ occurrence }` for an
 * event config.event_names names, null for any other (not sent).
 *
 * @example
 * fitRecord({ email: 'jane@example.com', properties: { firstname: 'Jane' } }, identify, ctx); // { contact: { idProperty: 'email', id: 'jane@example.com', properties: { firstname: 'Jane' } } }
 * fitRecord({ event: 'Unmapped Event', email: 'jane@example.com' }, track, ctx); // null
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  if (event.type === 'identify') return contactInput(payload, event, ctx);
  return occurrenceOf(payload, event, ctx);
}
