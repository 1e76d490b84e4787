// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateNewRelicConfig), and the options the mapping and the requests
// read from it. New Relic's Event API: "Send custom events with our Event API"
// (docs.newrelic.com/docs/data-apis/ingest-apis/event-api/introduction-event-api).
import { configApiKey, configText, eventNamesSchema, isJsonObject, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The data centers of New Relic's Event API, in the catalog's order. */
export const REGIONS = ['us', 'eu'] as const;
export type Region = (typeof REGIONS)[number];

/** The Event API's origin per region (the Event API page's DNS names). */
export const REGION_ORIGINS: Record<Region, string> = {
  us: 'https://insights-collector.newrelic.com',
  eu: 'https://insights-collector.eu01.nr-data.net',
};

/** The kinds of key the Event API takes, in the catalog's order. */
export const KEY_TYPES = ['license', 'insert'] as const;
export type KeyType = (typeof KEY_TYPES)[number];

/** How the request body is sent: gzip (New Relic: "Always use compression") or plain JSON. */
export const COMPRESSIONS = ['gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** The eventType every event gets unless config.event_types names another. */
export const DEFAULT_EVENT_TYPE = 'SignalEvent';

/** Characters of an eventType: "alphanumeric characters, colons (:), and underscores (_)". */
const EVENT_TYPE_CHARS = /^[A-Za-z0-9_:]+$/;
/** Longest eventType the plugin accepts: the Event API's attribute name limit (255). */
export const MAX_EVENT_TYPE_CHARS = 255;
/** New Relic account ids are whole numbers. */
const ACCOUNT_ID = /^[1-9][0-9]{0,18}$/;

/** The call types config.event_types may name besides track event names. */
export const CALL_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;

/** The integration's config as the catalog shows it; `validateNewRelicConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['account_id', 'api_key'],
  properties: {
    account_id: {
      type: 'string', title: 'Account ID',
      description: 'The New Relic account the events go to (its number, shown in the account picker and in one.newrelic.com URLs): the {accountId} of POST /v1/accounts/{accountId}/events.',
      minLength: 1, maxLength: 40, examples: ['1234567'],
    },
    api_key: {
      type: 'string', title: 'License Key', secret: true,
      description: 'An ingest key of that account: a License key (API keys > Create a key > Ingest - License; New Relic\'s recommended key, sent as the Api-Key header), or with Key Type "Insights insert key" an older Insights insert key (sent as X-Insert-Key). User keys (NRAK-…) and browser keys (NRJS-…) are refused by the Event API.',
      minLength: 1,
    },
    key_type: {
      type: 'string', title: 'Key Type',
      description: 'license (default): the key is a License key, sent as Api-Key, as the Event API page documents. insert: an Insights insert key (NRII-…), sent as X-Insert-Key; New Relic still accepts these older keys but recommends the License key.',
      enum: [...KEY_TYPES], enumLabels: ['License key (Api-Key)', 'Insights insert key (X-Insert-Key)'], default: 'license', examples: ['license', 'insert'],
    },
    region: {
      type: 'string', title: 'Data Center',
      description: `The account's data center: us (${REGION_ORIGINS.us}) or eu (${REGION_ORIGINS.eu}). A key sent to the other data center is refused.`,
      enum: [...REGIONS], enumLabels: ['US', 'EU'], default: 'us', examples: ['us', 'eu'],
    },
    event_type: {
      type: 'string', title: 'Event Type',
      description: `The eventType of the events (what NRQL queries FROM), ${DEFAULT_EVENT_TYPE} by default: letters, digits, _ and : only; not Metric…, MetricRaw or Public_…, which New Relic reserves. The call's type is in the attribute type, a track event's name in eventName.`,
      default: DEFAULT_EVENT_TYPE, minLength: 1, maxLength: MAX_EVENT_TYPE_CHARS, examples: [DEFAULT_EVENT_TYPE, 'SitePageView'],
    },
    event_types: eventNamesSchema('Optional: another eventType for some events, by track event name ("Order Completed") or call type (page, screen, identify, group, alias, track), e.g. {"page": "SignalPageView", "Order Completed": "SignalPurchase"}; an event name wins over its call type. New Relic counts at most 250 event types per account a day: keep the list short.', {
      title: 'Event Types by Event',
      examples: [{ page: 'SignalPageView', 'Order Completed': 'SignalPurchase' }],
    }),
    compression: {
      type: 'string', title: 'Compression',
      description: 'gzip (default): the JSON body is sent gzipped with Content-Encoding: gzip, as New Relic recommends for every payload; the delivery log then shows the body as its size and SHA-256. none: plain JSON, shown in the delivery log as sent.',
      enum: [...COMPRESSIONS], enumLabels: ['gzip', 'None'], default: 'gzip', examples: ['gzip', 'none'],
    },
    send_ids: {
      type: 'boolean', title: 'Send User and Anonymous IDs',
      description: 'Send the userId and the anonymousId as attributes (default). Events sent to New Relic cannot be deleted, person by person or otherwise, until its retention ends: turn this off to send no identifier of the visitor.',
      default: true, examples: [true, false],
    },
  },
};

/**
 * Why New Relic would not take an eventType, or undefined when it would: the characters of the
 * data requirements page, its length, and the names New Relic reserves (whose events it drops).
 *
 * @example
 * eventTypeProblem('Signal Event'); // 'holds characters other than letters, digits, _ and :'
 * eventTypeProblem('MetricRaw'); // 'is reserved by New Relic (Metric, MetricRaw, Metric<digit>…, Public_…): its events would be dropped'
 * eventTypeProblem('SignalEvent'); // undefined
 */
export function eventTypeProblem(eventType: string): string | undefined {
  if (eventType === '') return 'is empty';
  if (!EVENT_TYPE_CHARS.test(eventType)) return 'holds characters other than letters, digits, _ and :';
  if (eventType.length > MAX_EVENT_TYPE_CHARS) return `is longer than ${MAX_EVENT_TYPE_CHARS} characters`;
  if (/^(Metric|MetricRaw|Metric[0-9].*|Public_.*)$/.test(eventType)) return 'is reserved by New Relic (Metric, MetricRaw, Metric<digit>…, Public_…): its events would be dropped';
  return undefined;
}

/** The key config.key_type asks for, as a config message names it. */
function wantedKey(keyType: KeyType): string {
  return keyType === 'insert'
    ? 'an Insights insert key of the account ("NRII-…"), as key_type is insert'
    : 'a License key of the account (API keys > Create a key > Ingest - License)';
}

/**
 * Checks beyond the JSON Schema: the account id is a number, the key one token of a kind the
 * Event API takes (not a User or browser key) and sent the way its kind needs, the event types
 * names New Relic can take. Messages never repeat a key.
 *
 * @example
 * validateNewRelicConfig({ account_id: 'acme', api_key: 'NRAK-0123' });
 * // [{ field: 'account_id', message: 'is not a New Relic account ID: give the account\'s number, e.g. 1234567' },
 * //  { field: 'api_key', message: 'is a User key ("NRAK-…"), which the Event API refuses: …' }]
 */
export function validateNewRelicConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const accountId = configText(config, 'account_id');
  if (accountId !== undefined && !ACCOUNT_ID.test(accountId)) {
    problems.push({ field: 'account_id', message: 'is not a New Relic account ID: give the account\'s number, e.g. 1234567' });
  }
  const key = configText(config, 'api_key');
  if (key !== undefined) {
    const keyType = config.key_type === 'insert' ? 'insert' : 'license';
    if (/\s/.test(key)) problems.push({ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the key alone' });
    else if (/^NRAK-/i.test(key)) problems.push({ field: 'api_key', message: `is a User key ("NRAK-…"), which the Event API refuses: give ${wantedKey(keyType)}` });
    else if (/^NRJS-/i.test(key)) problems.push({ field: 'api_key', message: `is a browser key ("NRJS-…"), which the Event API refuses: give ${wantedKey(keyType)}` });
    else if (/^NRII-/i.test(key) && keyType === 'license') problems.push({ field: 'key_type', message: 'is license (the key sent as Api-Key), but the key is an Insights insert key ("NRII-…"), which goes as X-Insert-Key: set key_type to insert, or give a License key' });
    else if (/NRAL$/.test(key) && keyType === 'insert') problems.push({ field: 'key_type', message: 'is insert (the key sent as X-Insert-Key), but the key is a License key ("…NRAL"), which goes as Api-Key: set key_type to license' });
  } else if (config.api_key !== undefined) {
    problems.push({ field: 'api_key', message: `is empty: give ${wantedKey(config.key_type === 'insert' ? 'insert' : 'license')}` });
  }
  if (config.event_type !== undefined) {
    const problem = typeof config.event_type === 'string' ? eventTypeProblem(config.event_type.trim()) : 'is not text';
    if (problem) problems.push({ field: 'event_type', message: `${problem}; give another event type, e.g. ${DEFAULT_EVENT_TYPE}` });
  }
  if (config.event_types !== undefined) {
    if (!isJsonObject(config.event_types)) problems.push({ field: 'event_types', message: 'is not an object of event names or call types to event types' });
    else {
      for (const [name, type] of Object.entries(config.event_types)) {
        if (name.trim() === '') problems.push({ field: 'event_types', message: 'names an empty event: give a track event\'s name or a call type' });
        const problem = typeof type === 'string' ? eventTypeProblem(type.trim()) : 'is not text';
        if (problem) problems.push({ field: 'event_types', message: `"${name}": the event type ${problem}` });
      }
    }
  }
  return problems;
}

/** What the mapping and the requests read from the config. */
export interface NewRelicOptions {
  accountId: string;
  apiKey: string;
  keyType: KeyType;
  region: Region;
  eventType: string;
  /** Event names and call types to event types, the valid ones only. */
  eventTypes: Record<string, string>;
  compression: Compression;
  sendIds: boolean;
}

/**
 * The options of an integration's config (defaults in place of what is absent or unusable).
 *
 * @example
 * optionsOf({ account_id: ' 123 ', api_key: ' abc ' });
 * // { accountId: '123', apiKey: 'abc', keyType: 'license', region: 'us', eventType: 'SignalEvent', eventTypes: {}, compression: 'gzip', sendIds: true }
 */
export function optionsOf(config: Record<string, JsonValue>): NewRelicOptions {
  const configuredType = configText(config, 'event_type');
  const eventType = configuredType !== undefined && !eventTypeProblem(configuredType) ? configuredType : DEFAULT_EVENT_TYPE;
  const eventTypes: Record<string, string> = {};
  if (isJsonObject(config.event_types)) {
    for (const [name, type] of Object.entries(config.event_types)) {
      if (typeof type === 'string' && name.trim() !== '' && !eventTypeProblem(type.trim())) eventTypes[name.trim()] = type.trim();
    }
  }
  return {
    accountId: configText(config, 'account_id') ?? '',
    apiKey: configApiKey(config),
    keyType: config.key_type === 'insert' ? 'insert' : 'license',
    region: config.region === 'eu' ? 'eu' : 'us',
    eventType,
    eventTypes,
    compression: config.compression === 'none' ? 'none' : 'gzip',
    sendIds: config.send_ids !== false,
  };
}

/**
 * The header carrying the key: Api-Key for a License key (the Event API page), X-Insert-Key for
 * an Insights insert key.
 *
 * @example
 * authHeaders({ api_key: 'abc' }); // { 'api-key': 'abc' }
 * authHeaders({ api_key: 'NRII-abc', key_type: 'insert' }); // { 'x-insert-key': 'NRII-abc' }
 */
export function authHeaders(config: Record<string, JsonValue>): Record<string, string> {
  const options = optionsOf(config);
  return options.keyType === 'insert' ? { 'x-insert-key': options.apiKey } : { 'api-key': options.apiKey };
}

/**
 * The Event API's URL for the configured account and data center.
 *
 * @example
 * eventsUrlOf({ account_id: '123', region: 'eu' }); // 'https://insights-collector.eu01.nr-data.net/v1/accounts/123/events'
 */
export function eventsUrlOf(config: Record<string, JsonValue>): string {
  const options = optionsOf(config);
  return `${REGION_ORIGINS[options.region]}/v1/accounts/${encodeURIComponent(options.accountId)}/events`;
}
