// The plugin's map hook: what the blueprint mapped becomes exactly one Marketo record, or
// nothing. An identify becomes a lead for Sync Leads (keyed by the lookup field: the email, or
// the userId in a custom field); a track event named in config.activity_types a custom activity
// (which Marketo attaches to a lead by its id: the plugin looks the lead up by the same key when
// sending, see requests.ts). A person without a key (an anonymous visitor, a placeholder id, no
// email when leads are keyed by email) is not sent: Marketo would make a lead of nobody.
import { isJsonObject, isStrictEmailAddress, readInstantMs, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { activityTypeFor, fieldMapOf, keyedByEmail, lookupFieldOf, userIdFieldOf, valueAt } from './config.ts';

/** Marketo's lead string fields hold 255 characters; a longer key could match no lead. */
export const MAX_KEY_CHARS = 255;
/** The standard lead fields the blueprint may fill (`lead.*`): Marketo's REST API names. */
export const STANDARD_FIELDS = ['firstName', 'lastName', 'middleName', 'salutation', 'phone', 'mobilePhone', 'company', 'title', 'department', 'industry', 'website', 'address', 'city', 'state', 'postalCode', 'country', 'dateOfBirth', 'leadSource'] as const;

/** A Sync Leads record: `{ kind: 'lead', key, lead }`. */
export const LEAD = 'lead';
/** An Add Custom Activities record (without its leadId): `{ kind: 'activity', key, activity }`. */
export const ACTIVITY = 'activity';

/**
 * The person's key, the lookup field's value: their email (config.lookup_field email, the
 * default) or their userId; undefined for an anonymous visitor, a placeholder id, no single
 * address, or a value longer than Marketo's string fields.
 *
 * @example
 * keyOf({ email: ' jane@example.com ' }, { config: {} } as PluginContext); // 'jane@example.com'
 * keyOf({ userId: 'user-123' }, { config: { lookup_field: 'signalUserId' } } as PluginContext); // 'user-123'
 */
export function keyOf(payload: JsonObject, ctx: PluginContext): string | undefined {
  if (keyedByEmail(ctx.config)) {
    const email = typeof payload.email === 'string' ? payload.email.trim() : '';
    return isStrictEmailAddress(email) && email.length <= MAX_KEY_CHARS ? email : undefined;
  }
  if (!usableId(payload.userId)) return undefined;
  const userId = String(payload.userId).trim();
  return userId.length <= MAX_KEY_CHARS ? userId : undefined;
}

/** A value a lead field or an activity attribute takes (text, a number, a boolean), else undefined. */
function scalar(value: JsonValue | undefined): string | number | boolean | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  return undefined;
}

/**
 * The lead fields of an identify: the key in the lookup field, the standard fields the
 * blueprint filled, the traits config.field_map maps, the email (when leads are keyed by
 * userId) and the userId in config.user_id_field. Objects and lists are left out with a warning.
 *
 * @example
 * leadOf({ email: 'jane@example.com', userId: 'u-1', lead: { firstName: 'Jane' }, traits: { plan: 'pro' } }, 'jane@example.com', ctx);
 * // { email: 'jane@example.com', firstName: 'Jane', signalPlan: 'pro', signalUserId: 'u-1' }
 */
export function leadOf(payload: JsonObject, key: string, ctx: PluginContext): JsonObject {
  const { config } = ctx;
  const lookup = lookupFieldOf(config);
  const lead: JsonObject = { [lookup]: key };
  const standard = isJsonObject(payload.lead) ? payload.lead : {};
  for (const field of STANDARD_FIELDS) {
    const value = standard[field];
    if (value === undefined || value === null) continue;
    const usable = scalar(value);
    if (usable === undefined) {
      if (typeof value === 'object') ctx.warn?.(`lead.${field} left out: Marketo's ${field} takes text, a number or a boolean`);
      continue;
    }
    lead[field] = usable;
  }
  for (const [path, field] of fieldMapOf(config)) {
    if (field === lookup) continue;
    const value = valueAt(payload.traits, path);
    if (value === undefined || value === null) continue;
    const usable = scalar(value);
    if (usable === undefined) {
      if (typeof value === 'object') ctx.warn?.(`traits.${path} left out: the lead field ${field} takes text, a number or a boolean, not ${Array.isArray(value) ? 'a list' : 'an object'}`);
      continue;
    }
    lead[field] = usable;
  }
  if (lookup !== 'email' && typeof payload.email === 'string' && isStrictEmailAddress(payload.email.trim())) lead.email = payload.email.trim();
  const userIdField = userIdFieldOf(config);
  if (userIdField !== undefined && userIdField !== lookup && usableId(payload.userId)) lead[userIdField] = String(payload.userId).trim();
  return lead;
}

/**
 * A track event's custom activity (its leadId is added when the lead is found): the activity
 * type the config names for the event, its date (ISO 8601), the primary attribute's value (the
 * property the config names, else the event's name) and the secondary attributes the config
 * maps. Undefined when the config names no activity type for the event.
 *
 * @example
 * activityOf({ event: 'Order Completed', timestamp: '2026-11-30T16:00:00.000Z', properties: { order_id: 'O-1', total: 27.5 } }, event, ctx);
 * // { activityTypeId: 100001, activityDate: '2026-11-30T16:00:00Z', primaryAttributeValue: 'O-1', attributes: [{ apiName: 'orderTotal', value: 27.5 }] }
 */
export function activityOf(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | undefined {
  const name = typeof payload.event === 'string' && payload.event !== '' ? payload.event : event.event;
  if (typeof name !== 'string' || name === '') return undefined;
  const type = activityTypeFor(ctx.config, name);
  if (type === undefined) return undefined;
  const ms = readInstantMs(payload.timestamp) ?? readInstantMs(event.timestamp) ?? ctx.now;
  const primary = type.primaryAttribute !== undefined ? scalar(valueAt(payload.properties, type.primaryAttribute)) : name;
  if (primary === undefined) {
    throw new Error(`properties.${type.primaryAttribute} is missing: it holds the primary attribute of the custom activity type ${type.id} (config.activity_types["${name}"].primary_attribute), which Marketo requires`);
  }
  const attributes: JsonValue[] = [];
  for (const [path, apiName] of type.attributes) {
    const value = valueAt(payload.properties, path);
    if (value === undefined || value === null) continue;
    const usable = scalar(value);
    if (usable === undefined) {
      if (typeof value === 'object') ctx.warn?.(`properties.${path} left out: the attribute ${apiName} takes text, a number or a boolean`);
      continue;
    }
    attributes.push({ apiName, value: usable });
  }
  return { activityTypeId: type.id, activityDate: new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z'), primaryAttributeValue: String(primary), attributes };
}

/**
 * The record one event becomes: a lead (identify), a custom activity (a track event the config
 * names), or null (not sent: no key, or a call Marketo gets nothing of).
 *
 * @example
 * fitRecord({ email: 'jane@example.com', lead: { firstName: 'Jane' } }, identify, ctx);
 * // { kind: 'lead', key: 'jane@example.com', lead: { email: 'jane@example.com', firstName: 'Jane' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const key = keyOf(payload, ctx);
  if (key === undefined) return null;
  if (keyedByEmail(ctx.config) && !/^[\x21-\x7e]+$/.test(key)) {
    // Marketo's Leads page: "only ASCII characters are supported in the email address field".
    throw new Error(`the email address holds characters other than ASCII, which Marketo's email field does not take (a lead cannot be created or found by it): send its ASCII (punycode) form`);
  }
  if (event.type === 'identify') return { kind: LEAD, key, lead: leadOf(payload, key, ctx) };
  if (event.type !== 'track') return null;
  const activity = activityOf(payload, event, ctx);
  if (activity === undefined) return null;
  if (key.includes(',')) {
    // Get Leads by Filter Type takes values separated by commas: this one cannot be looked up.
    throw new Error(`the ${lookupFieldOf(ctx.config)} value holds a comma, which Marketo's lead lookup (filterValues) cannot carry, so the lead of this custom activity cannot be found`);
  }
  return { kind: ACTIVITY, key, activity };
}
