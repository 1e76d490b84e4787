// An identify as one input of HubSpot's contact batch upsert (POST
// /crm/objects/<version>/contacts/batch/upsert): `{ idProperty: 'email', id: <email>,
// properties }` — the contact with that email updated, or created with it. HubSpot tells
// contacts apart by email ("email address is the primary unique identifier to avoid duplicate
// contacts"), so an identify without one cannot be upserted and is refused here, saying so.
import { isJsonObject, isStrictEmailAddress, PermanentError, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { mappedTraits, userIdPropertyOf } from './config.ts';
import { propertyText } from './property-values.ts';

/** The key of a contact upsert input in a mapped payload. */
export const CONTACT = 'contact';
/** Properties the upsert must not set from traits: the id it upserts by, and HubSpot's record id. */
const RESERVED: ReadonlySet<string> = new Set(['email', 'hs_object_id']);

/**
 * An email address as the plugin sends it to HubSpot: trimmed and lower-cased (HubSpot
 * matches contacts' emails without case); undefined when the value is not one address.
 *
 * @example
 * normalizeEmail(' Jane.Doe@Example.com '); // 'jane.doe@example.com'
 * normalizeEmail('jane@example.com, joe@example.com'); // undefined
 */
export function normalizeEmail(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const email = value.trim().normalize('NFC').toLowerCase();
  return isStrictEmailAddress(email) ? email : undefined;
}

/**
 * The contact's properties as text: what the blueprint mapped under `properties`, the traits
 * `config.property_map` names (they win: the admin chose them), and the userId under
 * `config.user_id_property`. Values without a text form (objects, null, blank text) are left
 * out: blank text would clear the property in HubSpot ("Properties values can be cleared by
 * passing an empty string"), which an empty form field must not do.
 */
function contactProperties(mapped: JsonValue | undefined, event: CanonicalEvent, ctx: PluginContext): Record<string, string> {
  const properties: Record<string, string> = {};
  const entries: Array<[string, JsonValue]> = [...Object.entries(isJsonObject(mapped) ? mapped : {}), ...Object.entries(mappedTraits(event, ctx.config))];
  for (const [name, value] of entries) {
    if (RESERVED.has(name)) continue;
    const textValue = propertyText(value);
    if (textValue !== undefined) properties[name] = textValue;
  }
  const userIdProperty = userIdPropertyOf(ctx.config);
  if (userIdProperty !== undefined && usableId(event.userId)) properties[userIdProperty] = String(event.userId).trim();
  return properties;
}

/**
 * The upsert input of an identify: by the email the blueprint mapped (else `traits.email`),
 * with the contact's properties. An identify without a usable email is refused (a per-event
 * permanent outcome: dead-lettered, saying why), as is one whose email is no single address.
 *
 * @example
 * contactInput({ email: 'Jane@Example.com', properties: { firstname: 'Jane' } }, identify, ctx);
 * // { contact: { idProperty: 'email', id: 'jane@example.com', properties: { firstname: 'Jane' } } }
 */
export function contactInput(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const raw = payload.email !== undefined && payload.email !== null ? payload.email : event.traits?.email;
  if (raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '')) {
    throw new PermanentError('HubSpot creates or updates a contact by its email, and this identify has none (no traits.email): it cannot be upserted. Send the email in the identify\'s traits (HubSpot makes no contact of traits alone)');
  }
  const email = normalizeEmail(raw);
  if (email === undefined) {
    throw new PermanentError(`HubSpot creates or updates a contact by its email, and this identify's email is ${typeof raw === 'string' ? 'not one email address' : `a ${Array.isArray(raw) ? 'list' : typeof raw}, not an email address`}: fix traits.email at the source, then replay`);
  }
  return { [CONTACT]: { idProperty: 'email', id: email, properties: contactProperties(payload.properties, event, ctx) } };
}
