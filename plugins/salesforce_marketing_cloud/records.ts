// The plugin's map hook: what the blueprint mapped becomes exactly one Marketing Cloud record, or
// nothing. An identify becomes a row of the identify data extension (keyed by the Contact Key);
// a track event named in config.event_data_extensions a row of that data extension (keyed by the
// Contact Key and the messageId), one named in config.journey_events a Journey Builder entry
// event. Columns come from the config's mappings only: Marketing Cloud refuses a row naming a
// column its data extension lacks, so nothing else is sent. A person without a Contact Key (an
// anonymous visitor, a placeholder id) is not sent: Marketing Cloud would make a contact of it.
import { isJsonObject, isStrictEmailAddress, readInstantMs, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { columnMapOf, columnOf, eventDataExtensionFor, journeyEventFor, keyedByEmail, traitsDataExtensionOf, valueAt } from './config.ts';

/** The key of a data extension row in a mapped payload: `{ dataExtension, keys, values }`. */
export const ROW = 'row';
/** The key of a journey entry event in a mapped payload: `{ ContactKey, EventDefinitionKey, Data }`. */
export const JOURNEY = 'journey';
/** Marketing Cloud: a Contact Key is text of 254 characters at most (the Subscriber Key's limit). */
export const MAX_CONTACT_KEY_CHARS = 254;

/**
 * The person's Contact Key: the userId, or with `contact_key_source: email` their email
 * address (the blueprint's `email`); undefined for an anonymous visitor, a placeholder id, a
 * value that is no single address or longer than a Contact Key may be.
 *
 * @example
 * contactKeyOf({ userId: 'user-123' }, { config: {} } as PluginContext); // 'user-123'
 * contactKeyOf({ userId: 'undefined' }, { config: {} } as PluginContext); // undefined
 */
export function contactKeyOf(payload: JsonObject, ctx: PluginContext): string | undefined {
  if (keyedByEmail(ctx.config)) {
    const email = typeof payload.email === 'string' ? payload.email.trim() : '';
    return isStrictEmailAddress(email) && email.length <= MAX_CONTACT_KEY_CHARS ? email : undefined;
  }
  if (!usableId(payload.userId)) return undefined;
  const userId = String(payload.userId).trim();
  return userId.length <= MAX_CONTACT_KEY_CHARS ? userId : undefined;
}

/**
 * The columns a path → column mapping gives from `source`: text, numbers and booleans as they
 * are (a data extension's Text, Number, Decimal and Boolean columns take them); absent and
 * null values left out (a row's other columns keep theirs); objects and lists left out with a
 * warning (no column type holds them).
 *
 * @example
 * columnsOf({ firstName: 'Jane', address: { city: 'Paris' } }, [['firstName', 'FirstName'], ['address.city', 'City']]);
 * // { FirstName: 'Jane', City: 'Paris' }
 */
export function columnsOf(source: JsonValue | undefined, mapping: Array<[string, string]>, what: string, warn?: (message: string) => void): JsonObject {
  const columns: JsonObject = {};
  for (const [path, column] of mapping) {
    const value = valueAt(source, path);
    if (value === undefined || value === null) continue;
    if (typeof value === 'object') {
      warn?.(`${what}.${path} left out: the column ${column} takes text, a number or a boolean, not ${Array.isArray(value) ? 'a list' : 'an object'}`);
      continue;
    }
    columns[column] = value;
  }
  return columns;
}

/** When the event happened, ISO 8601 in UTC: what the blueprint mapped, else the event's timestamp. */
function timeOf(payload: JsonObject, event: CanonicalEvent): string | undefined {
  const ms = readInstantMs(payload.timestamp ?? event.timestamp);
  return ms === undefined || Number.isNaN(new Date(ms).getTime()) ? undefined : new Date(ms).toISOString();
}

/** The identify's row of the identify data extension, or null (not configured, no key, no column). */
function identifyRow(payload: JsonObject, event: CanonicalEvent, contactKey: string, ctx: PluginContext): JsonObject | null {
  const dataExtension = traitsDataExtensionOf(ctx.config);
  if (dataExtension === undefined) return null;
  const traits = isJsonObject(payload.traits) ? payload.traits : event.traits;
  const values = columnsOf(traits, columnMapOf(ctx.config, 'trait_columns'), 'traits', ctx.warn);
  if (Object.keys(values).length === 0) {
    // Marketing Cloud refuses a row without values ("At least one existing field is required in the values property").
    ctx.warn?.('not sent: the identify carries none of the traits config.trait_columns maps, and Marketing Cloud takes no row without values');
    return null;
  }
  return { [ROW]: { dataExtension, keys: { [columnOf(ctx.config, 'contact_key_column')]: contactKey }, values } };
}

/** The track event's row, or its entry event, or null (named nowhere). */
function trackRecord(payload: JsonObject, event: CanonicalEvent, contactKey: string, ctx: PluginContext): JsonObject | null {
  const name = typeof payload.event === 'string' ? payload.event : event.event;
  const properties = isJsonObject(payload.properties) ? payload.properties : event.properties;
  const mapped = columnsOf(properties, columnMapOf(ctx.config, 'property_columns'), 'properties', ctx.warn);
  const time = timeOf(payload, event);
  const timeColumn = columnOf(ctx.config, 'event_time_column');
  const definitionKey = journeyEventFor(name, ctx.config);
  if (definitionKey !== undefined) {
    return { [JOURNEY]: { ContactKey: contactKey, EventDefinitionKey: definitionKey, Data: { ...mapped, ...(time === undefined ? {} : { [timeColumn]: time }) } } };
  }
  const dataExtension = eventDataExtensionFor(name, ctx.config);
  if (dataExtension === undefined) return null;
  const keys = { [columnOf(ctx.config, 'contact_key_column')]: contactKey, [columnOf(ctx.config, 'event_id_column')]: event.messageId };
  return { [ROW]: { dataExtension, keys, values: { ...mapped, ...(time === undefined ? {} : { [timeColumn]: time }) } } };
}

/**
 * The Marketing Cloud record of a mapped event: `{ row }` for an identify (when the config
 * names the identify data extension) or a track event config.event_data_extensions names,
 * `{ journey }` for one config.journey_events names; null for any other, and for a person with
 * no Contact Key (not sent, not an error: there is no one to write to).
 *
 * @example
 * fitRecord({ userId: 'user-123', traits: { firstName: 'Jane' } }, identify, ctx);
 * // { row: { dataExtension: 'Signal_Profiles', keys: { ContactKey: 'user-123' }, values: { FirstName: 'Jane' } } }
 * fitRecord({ userId: 'user-123', event: 'Signed Up', properties: { plan: 'pro' } }, track, ctx);
 * // { journey: { ContactKey: 'user-123', EventDefinitionKey: 'APIEvent-2b2e…', Data: { Plan: 'pro', EventDate: '2024-03-24T16:00:00.000Z' } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  if (event.type !== 'identify' && event.type !== 'track') return null;
  const contactKey = contactKeyOf(payload, ctx);
  if (contactKey === undefined) {
    ctx.warn?.(keyedByEmail(ctx.config)
      ? 'not sent: no email address to use as the Contact Key (traits.email, or the email Signal remembers from the person\'s identify)'
      : 'not sent: no userId to use as the Contact Key (an anonymous visitor, or a placeholder id such as "undefined")');
    return null;
  }
  return event.type === 'identify' ? identifyRow(payload, event, contactKey, ctx) : trackRecord(payload, event, contactKey, ctx);
}
