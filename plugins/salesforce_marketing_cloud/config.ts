// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateMarketingCloudConfig) and the settings the mapping, the requests and the
// deletions read from it. Marketing Cloud Engagement's REST API is reached through an installed
// package's server-to-server API integration: its client id and secret are exchanged for access
// tokens at the tenant's own authentication host, and every API call goes to the tenant's REST
// host, both named by the tenant-specific subdomain (Salesforce: "Your Subdomain").
import { eventNamesSchema, isJsonObject, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/**
 * A subdomain as it may be used in a host name: one DNS label (letters, digits, hyphens), so
 * no configuration can point the token request (which carries the client secret) at another
 * host — `mc123.attacker.example` or `x@attacker.example` are no label.
 */
export const SUBDOMAIN_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** The tenant-specific subdomain's documented form: 28 characters starting with `mc` (e.g. mc563885gzs27c5t9-63k636ttgm). */
export const TENANT_SUBDOMAIN = /^mc[a-z0-9-]{26}$/;
/** A base URL of the tenant's (auth, rest or soap), as Installed Packages shows it. */
const TENANT_URL = /^https?:\/\/([^/?#]+)\.(auth|rest|soap)\.marketingcloudapis\.com(?:\/[^?#]*)?$/i;
/** A data extension's external key: what Marketing Cloud generates (a GUID) or an admin types; no path characters. */
export const EXTERNAL_KEY = /^[^/\\?#%\s][^/\\?#%]{0,199}$/;
/** A data extension column name as Marketing Cloud allows them: letters, digits, spaces, underscores, hyphens (128 at most). */
export const COLUMN_NAME = /^[A-Za-z0-9_][A-Za-z0-9 _-]{0,127}$/;
/** An entry event's definition key (Event Administration): "Don't include a period in the EventDefinitionKey." */
export const EVENT_DEFINITION_KEY = /^[^.\s/\\?#%]{1,200}$/;
/** Keys that would reach an object's prototype when a path is read. */
const UNSAFE_KEYS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

/** The integration's config as the catalog shows it; `validateMarketingCloudConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['subdomain', 'client_id', 'client_secret'],
  properties: {
    subdomain: {
      type: 'string', title: 'Subdomain',
      description: 'Your tenant-specific subdomain, the 28 characters starting with "mc" in the Authentication Base URI of the API integration (Setup > Platform Tools > Apps > Installed Packages > the package > API Integration), e.g. mc563885gzs27c5t9-63k636ttgm. The whole Authentication Base URI (https://mc….auth.marketingcloudapis.com/) is accepted too.',
      minLength: 1, maxLength: 200, examples: ['mc563885gzs27c5t9-63k636ttgm'],
    },
    client_id: {
      type: 'string', title: 'Client ID',
      description: 'The Client Id of the installed package\'s Server-to-Server API integration (Installed Packages > the package > API Integration).',
      minLength: 1, maxLength: 200, examples: ['qwertyuiop1234567890asdf'],
    },
    client_secret: {
      type: 'string', title: 'Client Secret', secret: true,
      description: 'The Client Secret of the same API integration. Signal exchanges the id and secret for access tokens (20 minutes each) and renews them.',
      minLength: 1, maxLength: 200, examples: ['AbCdEfGhIjKlMnOpQrStUvWx'],
    },
    account_id: {
      type: 'string', title: 'Business Unit MID',
      description: 'Optional: the MID (account id, digits) of the business unit to write to, when it is not the one that created the package (Setup > Business Units, or the MID shown under your account name). Sent as the token request\'s account_id.',
      pattern: '^[0-9]{1,12}$', examples: ['514009876'],
    },
    contact_key_source: {
      type: 'string', title: 'Contact Key',
      description: 'What identifies a person in Marketing Cloud (their Contact Key, Subscriber Key): the site\'s userId (recommended: Salesforce advises a key that does not change) or their email address (traits.email, else the email Signal remembers from their identify). Events without it — anonymous visitors — are not sent.',
      enum: ['userId', 'email'], enumLabels: ['The userId', 'The email address'], default: 'userId',
    },
    contact_key_column: {
      type: 'string', title: 'Contact Key Column',
      description: 'The name of the primary key column holding the Contact Key in every data extension the plugin writes to (e.g. ContactKey or SubscriberKey).',
      pattern: COLUMN_NAME.source, default: 'ContactKey',
    },
    traits_data_extension: {
      type: 'string', title: 'Identify Data Extension (External Key)',
      description: 'The External Key of the data extension identify calls upsert a row into, one row per person (Email Studio or Contact Builder > Data Extensions > the data extension > Properties: External Key). Its primary key is the Contact Key column alone. Leave empty to send no identify calls.',
      minLength: 1, maxLength: 200, examples: ['Signal_Profiles'],
    },
    trait_columns: {
      type: 'object', title: 'Traits to Columns',
      description: 'Which identify traits go to which columns of the identify data extension: the trait (a path in traits, e.g. firstName or address.city) → the column name, e.g. {"email": "EmailAddress", "firstName": "FirstName"}. Traits named nowhere are not sent. Each column must exist in the data extension.',
      additionalProperties: { type: 'string' },
      examples: [{ email: 'EmailAddress', firstName: 'FirstName', lastName: 'LastName', plan: 'Plan' }],
    },
    event_data_extensions: eventNamesSchema('Which track events are upserted as rows, and into which data extension: the event\'s name → the data extension\'s External Key, e.g. {"Order Completed": "Signal_Orders"}. Such a data extension\'s primary key is the Contact Key column and the Event ID column. Events named nowhere (here or in Journey Entry Events) are not sent.', {
      title: 'Track Events to Data Extensions',
      examples: [{ 'Order Completed': 'Signal_Orders', 'Product Viewed': 'Signal_Product_Views' }],
    }),
    journey_events: eventNamesSchema('Which track events fire a Journey Builder API entry event, and which: the event\'s name → the entry event\'s Event Definition Key (Journey Builder > Events, or the journey\'s entry source: "APIEvent-…"), e.g. {"Signed Up": "APIEvent-2b2e7f1c-…"}. An event named here is not also written as a row (the entry event writes its own data extension).', {
      title: 'Journey Entry Events',
      examples: [{ 'Signed Up': 'APIEvent-2b2e7f1c-5a2d-4a6e-9d7b-0c1e2f3a4b5c' }],
    }),
    property_columns: {
      type: 'object', title: 'Properties to Columns',
      description: 'Which track properties go to which columns (of the event data extensions) or Data fields (of the entry events): the property (a path in properties, e.g. order_id or total) → the column name, e.g. {"order_id": "OrderId", "total": "Revenue"}. Properties named nowhere are not sent.',
      additionalProperties: { type: 'string' },
      examples: [{ order_id: 'OrderId', total: 'Revenue', currency: 'Currency', plan: 'Plan' }],
    },
    event_id_column: {
      type: 'string', title: 'Event ID Column',
      description: 'The second primary key column of the event data extensions, holding the event\'s messageId: a retried or replayed event updates its own row instead of adding another.',
      pattern: COLUMN_NAME.source, default: 'EventId',
    },
    event_time_column: {
      type: 'string', title: 'Event Time Column',
      description: 'The Date column of the event data extensions that receives when the event happened (ISO 8601 in UTC), and the same Data field of the entry events.',
      pattern: COLUMN_NAME.source, default: 'EventDate',
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Marketing Cloud\'s contact deletion (Contacts API, delete by contact key, ContactAndAttributes): the contact is suppressed at once and deleted, with its data extension rows, after the account\'s restorable period. Needs the package\'s Contacts permission (List and Subscribers: Write).',
      default: true,
    },
  },
};

/**
 * The tenant subdomain of `config.subdomain`: the subdomain itself, or read from a pasted
 * Authentication (or REST, SOAP) Base URI, lower-cased; undefined when it is neither or would
 * not be a single host label.
 *
 * @example
 * subdomainOf({ subdomain: 'https://mc563885gzs27c5t9-63k636ttgm.auth.marketingcloudapis.com/' }); // 'mc563885gzs27c5t9-63k636ttgm'
 * subdomainOf({ subdomain: 'mc123.attacker.example' }); // undefined
 */
export function subdomainOf(config: Record<string, JsonValue>): string | undefined {
  const raw = trimmedText(config.subdomain);
  if (raw === undefined) return undefined;
  const fromUrl = TENANT_URL.exec(raw);
  const label = (fromUrl ? fromUrl[1]! : raw).toLowerCase();
  return SUBDOMAIN_LABEL.test(label) ? label : undefined;
}

/**
 * The tenant's REST base URL (Salesforce: the REST Base URI, `https://<subdomain>.rest.marketingcloudapis.com`).
 *
 * @example
 * restBaseOf({ subdomain: 'mc563885gzs27c5t9-63k636ttgm' }); // 'https://mc563885gzs27c5t9-63k636ttgm.rest.marketingcloudapis.com'
 */
export function restBaseOf(config: Record<string, JsonValue>): string {
  const subdomain = subdomainOf(config);
  // validateConfig refuses such a config; a request to this host fails to resolve, naming the field.
  return `https://${subdomain ?? 'invalid-subdomain'}.rest.marketingcloudapis.com`;
}

/**
 * The tenant's token endpoint: the Authentication Base URI and `v2/token`.
 *
 * @example
 * tokenUrlOf({ subdomain: 'mc563885gzs27c5t9-63k636ttgm' }); // 'https://mc563885gzs27c5t9-63k636ttgm.auth.marketingcloudapis.com/v2/token'
 */
export function tokenUrlOf(config: Record<string, JsonValue>): string {
  return `https://${subdomainOf(config) ?? 'invalid-subdomain'}.auth.marketingcloudapis.com/v2/token`;
}

/**
 * Whether the Contact Key is the email address (else the userId).
 *
 * @example
 * keyedByEmail({ contact_key_source: 'email' }); // true
 */
export function keyedByEmail(config: Record<string, JsonValue>): boolean {
  return config.contact_key_source === 'email';
}

/**
 * A column name setting, or its default.
 *
 * @example
 * columnOf({}, 'contact_key_column'); // 'ContactKey'
 */
export function columnOf(config: Record<string, JsonValue>, field: 'contact_key_column' | 'event_id_column' | 'event_time_column'): string {
  const value = trimmedText(config[field]);
  if (value !== undefined && COLUMN_NAME.test(value)) return value;
  return String(CONFIG_SCHEMA.properties[field]!.default);
}

/**
 * The identify data extension's External Key, or undefined (identify calls not sent).
 *
 * @example
 * traitsDataExtensionOf({ traits_data_extension: ' Signal_Profiles ' }); // 'Signal_Profiles'
 */
export function traitsDataExtensionOf(config: Record<string, JsonValue>): string | undefined {
  const key = trimmedText(config.traits_data_extension);
  return key !== undefined && EXTERNAL_KEY.test(key) ? key : undefined;
}

/** The value of an event's name in a name → target object setting, when well-formed. */
function targetFor(name: string | undefined, value: JsonValue | undefined, pattern: RegExp): string | undefined {
  if (name === undefined || !isJsonObject(value) || !Object.hasOwn(value, name)) return undefined;
  const target = trimmedText(value[name]);
  return target !== undefined && pattern.test(target) ? target : undefined;
}

/**
 * The data extension a track event's rows go to, by its name in `config.event_data_extensions`
 * (none when `config.journey_events` names it).
 *
 * @example
 * eventDataExtensionFor('Order Completed', { event_data_extensions: { 'Order Completed': 'Signal_Orders' } }); // 'Signal_Orders'
 */
export function eventDataExtensionFor(name: string | undefined, config: Record<string, JsonValue>): string | undefined {
  if (journeyEventFor(name, config) !== undefined) return undefined;
  return targetFor(name, config.event_data_extensions, EXTERNAL_KEY);
}

/**
 * The entry event's Event Definition Key a track event fires, by its name in `config.journey_events`.
 *
 * @example
 * journeyEventFor('Signed Up', { journey_events: { 'Signed Up': 'APIEvent-2b2e…' } }); // 'APIEvent-2b2e…'
 */
export function journeyEventFor(name: string | undefined, config: Record<string, JsonValue>): string | undefined {
  return targetFor(name, config.journey_events, EVENT_DEFINITION_KEY);
}

/**
 * The value at a dotted path of an object (own keys only), or undefined.
 *
 * @example
 * valueAt({ address: { city: 'Paris' } }, 'address.city'); // 'Paris'
 */
export function valueAt(source: JsonValue | undefined, path: string): JsonValue | undefined {
  let value: JsonValue | undefined = source;
  for (const part of path.trim().split('.')) {
    value = isJsonObject(value) && !UNSAFE_KEYS.has(part) && Object.hasOwn(value, part) ? value[part] : undefined;
    if (value === undefined) return undefined;
  }
  return value;
}

/**
 * A path → column setting (`trait_columns`, `property_columns`), well-formed entries only.
 *
 * @example
 * columnMapOf({ trait_columns: { firstName: 'FirstName', x: 'bad/name' } }, 'trait_columns'); // [['firstName', 'FirstName']]
 */
export function columnMapOf(config: Record<string, JsonValue>, field: 'trait_columns' | 'property_columns'): Array<[string, string]> {
  const map = config[field];
  if (!isJsonObject(map)) return [];
  return Object.entries(map)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && COLUMN_NAME.test(entry[1].trim()) && pathProblem(entry[0]) === undefined)
    .map(([path, column]) => [path.trim(), column.trim()]);
}

function pathProblem(path: string): string | undefined {
  const parts = path.trim().split('.');
  if (path.trim() === '' || parts.some((part) => part === '' || UNSAFE_KEYS.has(part))) return 'name a field, or a path inside it with dots (address.city)';
  return undefined;
}

/** The problems of a name → target object setting (event_data_extensions, journey_events). */
function eventMapProblems(field: string, value: JsonValue | undefined, pattern: RegExp, what: string): ConfigProblem[] {
  if (value === undefined || value === null) return [];
  if (!isJsonObject(value)) return [{ field, message: `must be an object: the track event's name → ${what}` }];
  const problems: ConfigProblem[] = [];
  for (const [name, target] of Object.entries(value)) {
    if (name.trim() === '') problems.push({ field, message: 'has an empty event name: name the track event (e.g. "Order Completed")' });
    else if (name !== name.trim()) problems.push({ field, message: `has "${name}" with white space around it: event names are matched exactly` });
    const written = typeof target === 'string' ? target.trim() : '';
    if (!pattern.test(written)) problems.push({ field, message: `gives ${JSON.stringify(target)} for "${name.trim()}": expected ${what}` });
  }
  return problems;
}

/** The problems of a path → column object setting (trait_columns, property_columns). */
function columnMapProblems(field: 'trait_columns' | 'property_columns', value: JsonValue | undefined, reserved: string[]): ConfigProblem[] {
  if (value === undefined || value === null) return [];
  const what = field === 'trait_columns' ? 'trait' : 'property';
  if (!isJsonObject(value)) return [{ field, message: `must be an object: the ${what} (e.g. ${field === 'trait_columns' ? 'firstName' : 'order_id'}) → the column name` }];
  const problems: ConfigProblem[] = [];
  const columns = new Map<string, string>();
  for (const [path, column] of Object.entries(value)) {
    const problem = pathProblem(path);
    if (problem) problems.push({ field, message: `has the ${what} ${JSON.stringify(path)}: ${problem}` });
    const name = typeof column === 'string' ? column.trim() : '';
    if (!COLUMN_NAME.test(name)) {
      problems.push({ field, message: `gives ${JSON.stringify(column)} for "${path}": a column name is letters, digits, spaces, _ and - (128 at most), as the data extension names it` });
      continue;
    }
    const clash = reserved.find((r) => r.toLowerCase() === name.toLowerCase());
    if (clash !== undefined) problems.push({ field, message: `maps "${path}" to ${name}, a column the plugin fills itself (${clash}): choose another column` });
    const earlier = columns.get(name.toLowerCase());
    if (earlier !== undefined) problems.push({ field, message: `maps both "${earlier}" and "${path}" to the column ${name}: one ${what} a column` });
    columns.set(name.toLowerCase(), path);
  }
  return problems;
}

/**
 * Checks beyond the JSON Schema, each naming its field: a subdomain that is no tenant
 * subdomain (nor a pasted Base URI of one), credentials pasted with white space, a MID that is
 * no number, external keys and definition keys Marketing Cloud cannot have, column mappings to
 * malformed columns or to the key columns the plugin fills, an event both written and fired, a
 * config that sends nothing. Messages never repeat the secret.
 *
 * @example
 * validateMarketingCloudConfig({ subdomain: 'https://example.com/', client_id: 'id', client_secret: 's' });
 * // [{ field: 'subdomain', message: 'is "https://example.com/": give the tenant-specific subdomain …' }, …]
 */
export function validateMarketingCloudConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const raw = trimmedText(config.subdomain);
  if (raw !== undefined && subdomainOf(config) === undefined) {
    problems.push({ field: 'subdomain', message: `is ${JSON.stringify(raw)}: give the tenant-specific subdomain (28 characters starting with "mc", e.g. mc563885gzs27c5t9-63k636ttgm) or the whole Authentication Base URI of the API integration (https://<subdomain>.auth.marketingcloudapis.com/), as Installed Packages shows it` });
  }
  for (const field of ['client_id', 'client_secret'] as const) {
    const value = config[field];
    if (typeof value === 'string' && /\s/.test(value.trim())) problems.push({ field, message: `holds white space or a line break (copied with the text around it?): give the ${field === 'client_id' ? 'Client Id' : 'Client Secret'} alone, as Installed Packages shows it` });
  }
  const mid = config.account_id;
  if (mid !== undefined && mid !== null && mid !== '' && !(typeof mid === 'string' && /^[0-9]{1,12}$/.test(mid.trim()))) {
    problems.push({ field: 'account_id', message: `is ${JSON.stringify(mid)}: a business unit's MID is its number (digits, e.g. 514009876)` });
  }
  for (const field of ['contact_key_column', 'event_id_column', 'event_time_column'] as const) {
    const value = config[field];
    if (typeof value === 'string' && !COLUMN_NAME.test(value.trim())) problems.push({ field, message: `is ${JSON.stringify(value)}: a column name is letters, digits, spaces, _ and - (128 at most), as the data extension names it` });
  }
  const traitsKey = trimmedText(config.traits_data_extension);
  if (traitsKey !== undefined && !EXTERNAL_KEY.test(traitsKey)) {
    problems.push({ field: 'traits_data_extension', message: `is ${JSON.stringify(config.traits_data_extension)}: give the data extension's External Key (its Properties), without / \\ ? # or %` });
  }
  problems.push(
    ...eventMapProblems('event_data_extensions', config.event_data_extensions, EXTERNAL_KEY, 'a data extension\'s External Key (its Properties), without / \\ ? # or %'),
    ...eventMapProblems('journey_events', config.journey_events, EVENT_DEFINITION_KEY, 'an entry event\'s Event Definition Key (Journey Builder > Events), without a period or white space'),
  );
  const keyColumn = columnOf(config, 'contact_key_column');
  problems.push(
    ...columnMapProblems('trait_columns', config.trait_columns, [keyColumn]),
    ...columnMapProblems('property_columns', config.property_columns, [keyColumn, columnOf(config, 'event_id_column'), columnOf(config, 'event_time_column')]),
  );
  if (isJsonObject(config.event_data_extensions) && isJsonObject(config.journey_events)) {
    for (const name of Object.keys(config.event_data_extensions)) {
      if (Object.hasOwn(config.journey_events, name)) problems.push({ field: 'journey_events', message: `names "${name}", which event_data_extensions names too: an event either fires the entry event (which writes its own data extension) or is written as a row; remove it from one` });
    }
  }
  if (traitsKey !== undefined && (!isJsonObject(config.trait_columns) || Object.keys(config.trait_columns).length === 0)) {
    problems.push({ field: 'trait_columns', message: 'is needed with traits_data_extension: map at least one trait to a column (e.g. {"email": "EmailAddress"}); Marketing Cloud refuses a row with no values' });
  }
  const sends = traitsKey !== undefined
    || (isJsonObject(config.event_data_extensions) && Object.keys(config.event_data_extensions).length > 0)
    || (isJsonObject(config.journey_events) && Object.keys(config.journey_events).length > 0);
  if (!sends) problems.push({ field: 'traits_data_extension', message: 'nothing would be sent: give the identify data extension here, or name track events in event_data_extensions or journey_events' });
  return problems;
}

/**
 * Advice about a valid config: a subdomain that is not of the tenant-specific form (an old
 * stack's, or a typo that still makes a host name).
 *
 * @example
 * marketingCloudConfigWarnings({ subdomain: 'test123' });
 * // [{ field: 'subdomain', message: 'is not of the tenant-specific form …' }]
 */
export function marketingCloudConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  const subdomain = subdomainOf(config);
  if (subdomain === undefined || TENANT_SUBDOMAIN.test(subdomain)) return [];
  return [{ field: 'subdomain', message: `is "${subdomain}", not of the tenant-specific form Installed Packages shows (28 characters starting with "mc"): check it against the API integration's Authentication Base URI, or the token requests will fail` }];
}
