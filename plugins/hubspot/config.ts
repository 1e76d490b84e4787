// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateHubSpotConfig), and the readings the mapping and the requests share.
import type { CanonicalEvent, ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { API_VERSION_PATTERN, DEFAULT_API_VERSION, OLDEST_API_VERSION } from './api.ts';
import { eventNamesSchema, isJsonObject, pastedSecretProblem } from '../../core/sdk/index.ts';

/** A custom event's fully qualified name: `pe<HubID>_<name>` (HubSpot: "formatted as pe{HubID}_{name}"). */
export const EVENT_NAME_PATTERN = /^pe(\d+)_[A-Za-z0-9_]+$/;
/** A property's internal name as HubSpot makes them: lower-case letters, digits and underscores, from a letter. */
export const PROPERTY_NAME_PATTERN = /^[a-z][a-z0-9_]{0,99}$/;
/** Object keys that would reach an object's prototype. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** The integration's config as the catalog shows it; `validateHubSpotConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  properties: {
    access_token: {
      type: 'string', title: 'Service Key or Private App Access Token', secret: true,
      description: 'A HubSpot service key (Development > Keys > Service keys) or a legacy private app\'s access token (pat-…), sent as a Bearer token. Scopes: crm.objects.contacts.write (contacts, deletions), analytics.behavioral_events.send (custom events), crm.objects.contacts.read (finding a contact to delete). Not needed with an OAuth refresh token.',
      minLength: 1, maxLength: 2048, examples: ['pat-na1-01234567-89ab-cdef-0123-456789abcdef'],
    },
    client_id: {
      type: 'string', title: 'OAuth Client ID',
      description: 'Instead of a service key: the client ID of your HubSpot app (its Auth settings), the app that issued the refresh token.',
      minLength: 1, maxLength: 200, examples: ['01234567-89ab-cdef-0123-456789abcdef'],
    },
    client_secret: {
      type: 'string', title: 'OAuth Client Secret', secret: true,
      description: 'The app\'s client secret. Needed with a refresh token.',
      minLength: 1, maxLength: 200, examples: ['fedcba98-7654-3210-fedc-ba9876543210'],
    },
    refresh_token: {
      type: 'string', title: 'OAuth Refresh Token', secret: true,
      description: 'The refresh_token HubSpot gave when the account installed your app (with the scopes above). Signal exchanges it for access tokens (30 minutes each) and renews them.',
      minLength: 1, maxLength: 2048, examples: ['na1-0123-4567-89ab-cdef-0123456789ab'],
    },
    api_version: {
      type: 'string', title: 'API Version',
      description: `HubSpot's date-based API version in the request paths (YYYY-03 or YYYY-09). Each version is supported at least 18 months after its release: move to a newer one before yours is retired. Default ${DEFAULT_API_VERSION}.`,
      pattern: API_VERSION_PATTERN.source, default: DEFAULT_API_VERSION, examples: [DEFAULT_API_VERSION],
    },
    // No pattern here: validateConfig says what is wrong with a name, naming the event.
    event_names: eventNamesSchema('Which Signal track events are sent as HubSpot custom events, and as which: the event\'s name → the custom event\'s fully qualified name, pe<HubID>_<name> (Data Management > Custom Events > the event: its internal name). Events named nowhere are not sent.', {
      title: 'Custom Events',
      examples: [{ 'Order Completed': 'pe1234567_order_completed', 'Signed Up': 'pe1234567_signed_up' }],
    }),
    property_map: {
      type: 'object', title: 'Traits to Contact Properties',
      description: 'More identify traits to write on the contact: the trait (a path in traits, e.g. plan or company.size) → the contact property\'s internal name (Settings > Properties > the property: its internal name). Added to the standard ones (firstname, lastname, phone, company, website, address, city, state, country, zip, jobtitle).',
      additionalProperties: { type: 'string' },
      examples: [{ plan: 'plan_tier', 'company.size': 'company_size' }],
    },
    user_id_property: {
      type: 'string', title: 'User ID Property',
      description: 'Optional: the internal name of a contact property that holds the site\'s userId (create it in HubSpot, e.g. signal_user_id). Identify calls write the userId there, and a person deletion finds the contact by it when the userId is no email address.',
      pattern: PROPERTY_NAME_PATTERN.source, examples: ['signal_user_id'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to HubSpot: the contact whose email is the userId (or whose user ID property holds it) is found and permanently deleted with HubSpot\'s GDPR delete. Needs the crm.objects.contacts.read and crm.objects.contacts.write scopes.',
      default: true,
    },
  },
};

function text(value: JsonValue | undefined): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** What is wrong with a pasted token, or undefined. The token itself is never repeated. */
function tokenProblem(field: string, value: string, what: string): ConfigProblem | undefined {
  if (/^\s*hapikey\s*=/i.test(value)) return { field, message: 'is a hapikey= API key parameter: HubSpot retired API keys in November 2022; create a service key (Development > Keys > Service keys) and give it here' };
  return pastedSecretProblem(field, value, what, { schemeHint: 'Signal adds the prefix', spaceHint: 'as HubSpot showed it' });
}

function versionProblem(version: string, now: number): string | undefined {
  const match = API_VERSION_PATTERN.exec(version);
  if (!match) return `is ${JSON.stringify(version)}: a HubSpot API version is YYYY-03 or YYYY-09 (e.g. ${DEFAULT_API_VERSION})`;
  if (version < OLDEST_API_VERSION) return `is ${version}: HubSpot's date-based versions start with ${OLDEST_API_VERSION} (the numbered v1–v3 APIs are not used by this plugin); ${DEFAULT_API_VERSION} is current`;
  const released = Date.UTC(Number(match[1]), Number(match[2]) - 1, 1);
  if (released > now) return `is ${version}, a version HubSpot has not released yet; ${DEFAULT_API_VERSION} is current`;
  return undefined;
}

/** The problems of `event_names`: names that never match, values that are no fully qualified name, two accounts. */
function eventNameProblems(value: JsonValue | undefined): ConfigProblem[] {
  if (value === undefined || value === null) return [];
  if (!isJsonObject(value)) return [{ field: 'event_names', message: 'must be an object: the Signal event\'s name → the custom event\'s fully qualified name (pe<HubID>_<name>)' }];
  const problems: ConfigProblem[] = [];
  const hubIds = new Set<string>();
  for (const [name, target] of Object.entries(value)) {
    if (name.trim() === '') problems.push({ field: 'event_names', message: 'has an empty event name: name the track event (e.g. "Order Completed")' });
    else if (name !== name.trim()) problems.push({ field: 'event_names', message: `has "${name}" with white space around it: event names are matched exactly` });
    const written = typeof target === 'string' ? target.trim() : '';
    const match = EVENT_NAME_PATTERN.exec(written);
    if (!match) {
      problems.push({ field: 'event_names', message: `gives ${JSON.stringify(target)} for "${name.trim()}": a custom event is named by its fully qualified name, pe<HubID>_<name> (e.g. pe1234567_order_completed; Data Management > Custom Events > the event)` });
    } else {
      hubIds.add(match[1]!);
    }
  }
  if (hubIds.size > 1) problems.push({ field: 'event_names', message: `names custom events of ${hubIds.size} HubSpot accounts (HubIDs ${[...hubIds].join(', ')}): one integration sends to one account; each name's pe<HubID> is the account's HubID` });
  return problems;
}

/** The problems of `property_map`: traits that cannot be read, properties that are no internal names. */
function propertyMapProblems(value: JsonValue | undefined): ConfigProblem[] {
  if (value === undefined || value === null) return [];
  if (!isJsonObject(value)) return [{ field: 'property_map', message: 'must be an object: the trait (e.g. plan) → the contact property\'s internal name' }];
  const problems: ConfigProblem[] = [];
  for (const [trait, property] of Object.entries(value)) {
    const path = trait.trim().split('.');
    if (trait.trim() === '' || path.some((part) => part === '' || UNSAFE_KEYS.has(part))) {
      problems.push({ field: 'property_map', message: `has the trait ${JSON.stringify(trait)}: name a trait, or a path inside traits with dots (company.size)` });
    }
    const name = typeof property === 'string' ? property.trim() : '';
    if (!PROPERTY_NAME_PATTERN.test(name)) {
      problems.push({ field: 'property_map', message: `gives ${JSON.stringify(property)} for "${trait}": a contact property is named by its internal name, lower-case letters, digits and underscores (e.g. plan_tier; Settings > Properties > the property)` });
    } else if (name === 'email') {
      problems.push({ field: 'property_map', message: `maps "${trait}" to email, the contact's identifier: the plugin upserts contacts by traits.email; map another trait elsewhere` });
    }
  }
  return problems;
}

/**
 * Checks beyond the JSON Schema, each naming its field: no credential (a service key, or a
 * refresh token with the app's client id and secret), a token pasted with `Bearer `, a
 * `hapikey=` or white space, a version HubSpot has not released or that is not date-based,
 * custom event names that are no fully qualified names (or of two accounts), traits mapped to
 * something that is no property name (or to email), a user ID property that is email or the
 * record id.
 *
 * @example
 * validateHubSpotConfig({ event_names: { 'Order Completed': 'order_completed' } });
 * // [{ field: 'access_token', message: 'give a service key … or an OAuth refresh token …' },
 * //  { field: 'event_names', message: 'gives "order_completed" for "Order Completed": a custom event is named by its fully qualified name, pe<HubID>_<name> …' }]
 */
export function validateHubSpotConfig(config: Record<string, JsonValue>, now: number = Date.now()): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const accessToken = text(config.access_token);
  const refreshToken = text(config.refresh_token);
  if (accessToken === undefined && refreshToken === undefined) {
    problems.push({ field: 'access_token', message: 'give a service key or a private app\'s access token here, or an OAuth refresh_token with the app\'s client_id and client_secret: there is neither' });
  }
  if (accessToken !== undefined) {
    const problem = tokenProblem('access_token', accessToken, 'service key or access token');
    if (problem) problems.push(problem);
  }
  if (refreshToken !== undefined) {
    const problem = tokenProblem('refresh_token', refreshToken, 'refresh token');
    if (problem) problems.push(problem);
    for (const field of ['client_id', 'client_secret'] as const) {
      if (text(config[field]) === undefined) problems.push({ field, message: `is needed with a refresh_token: the ${field === 'client_id' ? 'client ID' : 'client secret'} of the HubSpot app that issued it (the app's Auth settings)` });
    }
    if (accessToken !== undefined && accessToken.trim() === refreshToken.trim()) {
      problems.push({ field: 'refresh_token', message: 'is the access token again: give the refresh_token of HubSpot\'s token answer, or leave it out and use the service key alone' });
    }
  }
  const clientId = text(config.client_id);
  if (clientId !== undefined && /\s/.test(clientId.trim())) problems.push({ field: 'client_id', message: 'holds white space: give the client ID alone' });
  const version = text(config.api_version);
  if (version !== undefined) {
    const problem = versionProblem(version.trim(), now);
    if (problem) problems.push({ field: 'api_version', message: problem });
  }
  problems.push(...eventNameProblems(config.event_names), ...propertyMapProblems(config.property_map));
  const userIdProperty = text(config.user_id_property)?.trim();
  if (userIdProperty !== undefined) {
    if (!PROPERTY_NAME_PATTERN.test(userIdProperty)) {
      problems.push({ field: 'user_id_property', message: `is ${JSON.stringify(config.user_id_property)}: give a contact property's internal name, lower-case letters, digits and underscores (e.g. signal_user_id)` });
    } else if (userIdProperty === 'email' || userIdProperty === 'hs_object_id') {
      problems.push({ field: 'user_id_property', message: `is ${userIdProperty}, which HubSpot keeps itself (${userIdProperty === 'email' ? 'the contact\'s email' : 'the record ID'}): create a property for the userId (e.g. signal_user_id) and give its internal name` });
    }
  }
  return problems;
}

/**
 * The HubSpot custom event a Signal event is sent as, by its name in `config.event_names`;
 * undefined when the config names none (the event is not sent).
 *
 * @example
 * customEventFor('Order Completed', { event_names: { 'Order Completed': 'pe1234567_order_completed' } }); // 'pe1234567_order_completed'
 */
export function customEventFor(name: string | undefined, config: Record<string, JsonValue>): string | undefined {
  const names = config.event_names;
  if (name === undefined || !isJsonObject(names) || !Object.hasOwn(names, name)) return undefined;
  const target = names[name];
  return typeof target === 'string' && EVENT_NAME_PATTERN.test(target.trim()) ? target.trim() : undefined;
}

/**
 * The extra contact properties of an identify, from `config.property_map`: each trait path's
 * value under its property's internal name (traits the event lacks left out).
 *
 * @example
 * mappedTraits({ traits: { plan: 'pro', company: { size: 12 } } }, { property_map: { plan: 'plan_tier', 'company.size': 'company_size' } });
 * // { plan_tier: 'pro', company_size: 12 }
 */
export function mappedTraits(event: Pick<CanonicalEvent, 'traits'>, config: Record<string, JsonValue>): Record<string, JsonValue> {
  const map = config.property_map;
  if (!isJsonObject(map)) return {};
  const out: Record<string, JsonValue> = {};
  for (const [trait, property] of Object.entries(map)) {
    if (typeof property !== 'string' || !PROPERTY_NAME_PATTERN.test(property.trim())) continue;
    let value: JsonValue | undefined = event.traits ?? undefined;
    for (const part of trait.trim().split('.')) {
      value = isJsonObject(value) && !UNSAFE_KEYS.has(part) && Object.hasOwn(value, part) ? value[part] : undefined;
      if (value === undefined) break;
    }
    if (value !== undefined) out[property.trim()] = value;
  }
  return out;
}

/**
 * The contact property holding the userId (`config.user_id_property`), or undefined.
 *
 * @example
 * userIdPropertyOf({ user_id_property: ' signal_user_id ' }); // 'signal_user_id'
 */
export function userIdPropertyOf(config: Record<string, JsonValue>): string | undefined {
  const value = text(config.user_id_property)?.trim();
  return value !== undefined && PROPERTY_NAME_PATTERN.test(value) && value !== 'email' && value !== 'hs_object_id' ? value : undefined;
}

/**
 * Whether the config authorises through an OAuth refresh token (the core then exchanges it).
 *
 * @example
 * usesRefreshToken({ refresh_token: 'na1-…', client_id: 'id', client_secret: 's' }); // true
 */
export function usesRefreshToken(config: Record<string, JsonValue>): boolean {
  return text(config.refresh_token) !== undefined;
}
