// The integration's config: the instance (its Munchkin id, or its REST endpoint URL), the
// LaunchPoint custom service's client id and secret, how leads are keyed (the lookup field:
// email, or a custom field holding the userId), the traits → lead fields mapping and the track
// events → custom activity types mapping.
import { configText, isJsonObject, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** A Munchkin account id, as Marketo shows it in Admin > Integration > Munchkin: `123-ABC-456`. */
export const MUNCHKIN_ID = /^[0-9]{3}-[A-Za-z]{3}-[0-9]{3}$/;
/** A REST endpoint URL as Admin > Integration > Web Services shows it: `https://123-ABC-456.mktorest.com/rest` (the /rest part optional). */
const REST_URL = /^https:\/\/([0-9]{3}-[A-Za-z]{3}-[0-9]{3})\.mktorest\.com(?:\/rest|\/identity)?\/?$/;
/** A Marketo field's REST API name: letters, digits and underscores, a letter first (`firstName`, `signalUserId__c` style names included). */
export const FIELD_NAME = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
/** Standard lead fields that cannot identify a lead in Sync Leads (Marketo: 1011 "Field not supported" for firstName, lastName). */
const NOT_LOOKUP = new Set(['firstName', 'lastName', 'id']);

export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['munchkin_id', 'client_id', 'client_secret'],
  additionalProperties: false,
  properties: {
    munchkin_id: {
      type: 'string',
      title: 'Munchkin account id',
      description: 'The instance\'s Munchkin id (Admin > Integration > Munchkin), e.g. 123-ABC-456, or its REST API endpoint URL (Admin > Integration > Web Services), e.g. https://123-ABC-456.mktorest.com/rest. Every call goes to https://<munchkin-id>.mktorest.com.',
      examples: ['123-ABC-456', 'https://123-ABC-456.mktorest.com/rest'],
      minLength: 11,
      maxLength: 60,
    },
    client_id: {
      type: 'string',
      title: 'Client id',
      description: 'The Client ID of the LaunchPoint custom service (Admin > Integration > LaunchPoint > View Details). Its API-only user\'s role needs Read-Write Lead (Read-Write Person) and, for track events, Read-Write Activity; for deletions, Read-Write Lead too.',
      examples: ['b417d98f-9289-47d1-a61f-db141bf0267f'],
      minLength: 1,
      maxLength: 200,
    },
    client_secret: {
      type: 'string',
      title: 'Client secret',
      description: 'The Client Secret of the same custom service. Signal exchanges the id and secret for access tokens (an hour each) and renews them.',
      secret: true,
      examples: ['0DipOvz4h2wP1ANeVjlfwMvECJpo0ZYc'],
      minLength: 1,
      maxLength: 200,
    },
    lookup_field: {
      type: 'string',
      title: 'Lookup field',
      description: 'The lead field that identifies a person (Sync Leads\' lookupField, and the field track events and deletions look leads up by): email (the default: leads keyed by the email address; events without one are not sent), or the REST API name of a custom string field holding your userId (leads keyed by userId; the identify writes the userId into it).',
      default: 'email',
      examples: ['email', 'signalUserId'],
      pattern: FIELD_NAME.source,
    },
    user_id_field: {
      type: 'string',
      title: 'User id field',
      description: 'With lookup_field email: the REST API name of a custom string field that receives the userId on every identify, so that person deletions (by userId) can find the leads. Leave out when lookup_field already names the userId field.',
      examples: ['signalUserId'],
      pattern: FIELD_NAME.source,
    },
    field_map: {
      type: 'object',
      title: 'Trait to lead field map',
      description: 'Traits (paths, e.g. plan or address.city) → the REST API name of the lead field that receives them, on top of the standard fields the blueprint fills (email, firstName, lastName, phone, mobilePhone, company, title, website, address, city, state, postalCode, country). A field Marketo does not have skips the lead (1006 "Field not found").',
      examples: [{ plan: 'signalPlan', 'address.city': 'city' }],
      additionalProperties: { type: 'string', pattern: FIELD_NAME.source },
    },
    activity_types: {
      type: 'object',
      title: 'Track events to custom activities',
      description: 'Track event names → the custom activity type to add for them (Admin > Marketo Custom Activities; approved types only): its id (activityTypeId), or { id, primary_attribute, attributes } where primary_attribute is the property path holding the primary attribute\'s value (the event name when left out) and attributes maps property paths → attribute API names. Track events not named here are not sent.',
      examples: [{ 'Order Completed': { id: 100001, primary_attribute: 'order_id', attributes: { total: 'orderTotal', currency: 'currency' } }, 'Signed Up': 100002 }],
      additionalProperties: {
        anyOf: [
          { type: 'integer', minimum: 1 },
          {
            type: 'object',
            required: ['id'],
            additionalProperties: false,
            properties: {
              id: { type: 'integer', minimum: 1 },
              primary_attribute: { type: 'string', minLength: 1 },
              attributes: { type: 'object', additionalProperties: { type: 'string', pattern: FIELD_NAME.source } },
            },
          },
        ],
      },
    },
    partition_name: {
      type: 'string',
      title: 'Lead partition',
      description: 'The lead partition new leads are created in (Sync Leads\' partitionName); the default partition when left out. The API-only user needs access to its workspace.',
      examples: ['Europe'],
      minLength: 1,
      maxLength: 100,
    },
    forward_deletions: {
      type: 'boolean',
      title: 'Forward person deletions',
      description: 'Whether Signal\'s person deletions delete the person\'s leads in Marketo (looked up by the userId in the userId field, or by email when the userId is an email address; then Delete Leads). On by default.',
      default: true,
      examples: [true],
    },
  },
};

/** How one track event becomes a custom activity. */
export interface ActivityType {
  id: number;
  /** The property path holding the primary attribute's value; the event name when absent. */
  primaryAttribute?: string;
  /** Property paths → attribute API names. */
  attributes: Array<[string, string]>;
}

/**
 * The Munchkin id the config names (its id, or its REST endpoint URL), upper-cased as
 * Marketo shows it; undefined when it names none.
 *
 * @example
 * munchkinIdOf({ munchkin_id: 'https://123-abc-456.mktorest.com/rest' }); // '123-ABC-456'
 */
export function munchkinIdOf(config: Record<string, JsonValue>): string | undefined {
  const raw = typeof config.munchkin_id === 'string' ? config.munchkin_id.trim() : '';
  if (MUNCHKIN_ID.test(raw)) return raw.toUpperCase();
  const url = REST_URL.exec(raw);
  return url ? url[1]!.toUpperCase() : undefined;
}

/**
 * The instance's origin, `https://<munchkin-id>.mktorest.com` (REST calls go to `/rest/v1/…`,
 * the token to `/identity/oauth/token`).
 *
 * @example
 * instanceOrigin({ munchkin_id: '123-ABC-456' }); // 'https://123-ABC-456.mktorest.com'
 */
export function instanceOrigin(config: Record<string, JsonValue>): string {
  const id = munchkinIdOf(config);
  if (id === undefined) throw new Error('config.munchkin_id names no Marketo instance (123-ABC-456, or https://123-ABC-456.mktorest.com/rest)');
  return `https://${id}.mktorest.com`;
}

/** The lookup field (`email` unless the config names another). */
export function lookupFieldOf(config: Record<string, JsonValue>): string {
  return configText(config, 'lookup_field') ?? 'email';
}

/** Whether leads are keyed by email (else by the userId, in the lookup field). */
export function keyedByEmail(config: Record<string, JsonValue>): boolean {
  return lookupFieldOf(config) === 'email';
}

/**
 * The field holding the userId: the lookup field when leads are keyed by userId, else
 * `user_id_field` (undefined when none).
 *
 * @example
 * userIdFieldOf({ lookup_field: 'email', user_id_field: 'signalUserId' }); // 'signalUserId'
 */
export function userIdFieldOf(config: Record<string, JsonValue>): string | undefined {
  if (!keyedByEmail(config)) return lookupFieldOf(config);
  return configText(config, 'user_id_field');
}

/** The config's trait path → lead field pairs, in the config's order. */
export function fieldMapOf(config: Record<string, JsonValue>): Array<[string, string]> {
  const map = config.field_map;
  if (!isJsonObject(map)) return [];
  return Object.entries(map).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && FIELD_NAME.test(entry[1]));
}

/**
 * The custom activity type a track event named `event` becomes, or undefined when the config
 * names none for it.
 *
 * @example
 * activityTypeFor({ activity_types: { 'Signed Up': 100002 } }, 'Signed Up'); // { id: 100002, attributes: [] }
 */
export function activityTypeFor(config: Record<string, JsonValue>, event: string): ActivityType | undefined {
  const types = config.activity_types;
  if (!isJsonObject(types) || !Object.hasOwn(types, event)) return undefined;
  const entry = types[event];
  if (typeof entry === 'number' && Number.isInteger(entry) && entry > 0) return { id: entry, attributes: [] };
  if (!isJsonObject(entry) || typeof entry.id !== 'number' || !Number.isInteger(entry.id) || entry.id <= 0) return undefined;
  const attributes = isJsonObject(entry.attributes)
    ? Object.entries(entry.attributes).filter((pair): pair is [string, string] => typeof pair[1] === 'string' && FIELD_NAME.test(pair[1]))
    : [];
  const primaryAttribute = trimmedText(entry.primary_attribute);
  return { id: entry.id, attributes, ...(primaryAttribute !== undefined ? { primaryAttribute } : {}) };
}

/**
 * The value at a dotted path of `source` (`address.city`), or undefined.
 *
 * @example
 * valueAt({ address: { city: 'Paris' } }, 'address.city'); // 'Paris'
 */
export function valueAt(source: JsonValue | undefined, path: string): JsonValue | undefined {
  let at: JsonValue | undefined = source;
  for (const key of path.split('.')) {
    if (!isJsonObject(at) || !Object.hasOwn(at, key)) return undefined;
    at = at[key];
  }
  return at;
}

/** Whether the config carries the credentials the token exchange needs. */
export function hasCredentials(config: Record<string, JsonValue>): boolean {
  return munchkinIdOf(config) !== undefined
    && configText(config, 'client_id') !== undefined
    && typeof config.client_secret === 'string' && config.client_secret !== '';
}

/**
 * Cross-field rules the schema cannot say, each naming its field.
 *
 * @example
 * validateMarketoConfig({ munchkin_id: 'ABC', client_id: 'x', client_secret: 'y' });
 * // [{ field: 'munchkin_id', message: 'must be the instance\'s Munchkin id (123-ABC-456) or its REST endpoint URL (https://123-ABC-456.mktorest.com/rest), got "ABC"' }]
 */
export function validateMarketoConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.munchkin_id === 'string' && munchkinIdOf(config) === undefined) {
    problems.push({ field: 'munchkin_id', message: `must be the instance's Munchkin id (123-ABC-456) or its REST endpoint URL (https://123-ABC-456.mktorest.com/rest), got ${JSON.stringify(config.munchkin_id.slice(0, 80))}` });
  }
  const lookup = lookupFieldOf(config);
  if (NOT_LOOKUP.has(lookup)) problems.push({ field: 'lookup_field', message: `cannot be ${lookup}: Marketo looks leads up by email, or by a custom field holding your userId` });
  const userIdField = typeof config.user_id_field === 'string' ? config.user_id_field.trim() : '';
  if (userIdField !== '' && !keyedByEmail(config) && userIdField !== lookup) {
    problems.push({ field: 'user_id_field', message: `must be left out when lookup_field (${lookup}) already holds the userId` });
  }
  if (userIdField === 'email') problems.push({ field: 'user_id_field', message: 'cannot be email: name a custom string field that receives the userId' });
  if (isJsonObject(config.field_map)) {
    const targets = new Map<string, string>();
    for (const [path, field] of Object.entries(config.field_map)) {
      if (path.trim() === '' || path.split('.').some((part) => part === '')) problems.push({ field: 'field_map', message: `trait path ${JSON.stringify(path)} is not a path (names joined by dots)` });
      if (typeof field !== 'string') continue;
      const seen = targets.get(field);
      if (seen !== undefined) problems.push({ field: 'field_map', message: `traits ${seen} and ${path} both map to the lead field ${field}` });
      targets.set(field, path);
      if (field === lookup) problems.push({ field: 'field_map', message: `trait ${path} maps to ${field}, the lookup field: the plugin sets it from the ${keyedByEmail(config) ? 'email' : 'userId'}` });
    }
  }
  if (isJsonObject(config.activity_types)) {
    for (const [event, entry] of Object.entries(config.activity_types)) {
      if (event.trim() === '') problems.push({ field: 'activity_types', message: 'an event name is empty' });
      if (isJsonObject(entry) && isJsonObject(entry.attributes) && typeof entry.primary_attribute === 'string' && Object.hasOwn(entry.attributes, entry.primary_attribute)) {
        problems.push({ field: 'activity_types', message: `${event}: property ${entry.primary_attribute} is the primary attribute, so it cannot be a secondary attribute too` });
      }
      if (isJsonObject(entry) && isJsonObject(entry.attributes) && Object.keys(entry.attributes).length > 20) {
        problems.push({ field: 'activity_types', message: `${event}: a custom activity type has at most 20 secondary attributes (Marketo's limit), got ${Object.keys(entry.attributes).length}` });
      }
    }
  }
  return problems;
}
