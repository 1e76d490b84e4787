// The integration's config: which Event Hub (its namespace and name), the shared access policy
// whose key signs the requests — as four fields, or as the policy's connection string copied
// from the Azure portal — the tier (which sets the size of a request), the partition key, and two
// switches (contact information, deletion notices). The schema the catalog shows, the reading of
// a connection string, and the checks the schema cannot make, each naming its field.
import { configSwitchProblem, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

export const TIERS = ['basic', 'standard', 'premium', 'dedicated'] as const;
export type Tier = (typeof TIERS)[number];
export const PARTITION_KEYS = ['person', 'anonymous_id', 'none'] as const;
export type PartitionKeyChoice = (typeof PARTITION_KEYS)[number];

/** The domain of namespaces in Azure's public cloud; the sovereign clouds' are below. */
export const PUBLIC_DOMAIN = 'servicebus.windows.net';
/** Service Bus domains of Azure's clouds: public, China (21Vianet), US Government. */
const DOMAINS = [PUBLIC_DOMAIN, 'servicebus.chinacloudapi.cn', 'servicebus.usgovcloudapi.net'];
/** A namespace's name: 6–50 letters, digits and hyphens, starting with a letter, ending with a letter or digit. */
const NAMESPACE_NAME = /^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$/;
/** An event hub's name: 1–256 letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit. */
const EVENT_HUB_NAME = /^[a-zA-Z0-9](?:[a-zA-Z0-9._-]{0,254}[a-zA-Z0-9])?$/;
/** A shared access policy's name: 1–256 letters, digits, periods, hyphens and underscores. */
const KEY_NAME = /^[a-zA-Z0-9._-]{1,256}$/;

/** The parts of an Event Hubs connection string Signal reads (names matched in any case). */
export interface ConnectionString {
  endpoint?: string;
  keyName?: string;
  key?: string;
  entityPath?: string;
  /** A ready-made token (`SharedAccessSignature=…`): it expires, so Signal refuses it. */
  sharedAccessSignature?: string;
  /** `UseDevelopmentEmulator=true`: the local emulator, which Signal cannot reach. */
  emulator?: boolean;
}

/**
 * Reads a connection string, `Endpoint=sb://<namespace>.servicebus.windows.net/;
 * SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<event hub>]`: `;`-separated
 * `name=value` pairs, a value running to the next `;` (a key's base64 ends in `=`).
 *
 * @example
 * parseConnectionString('Endpoint=sb://shop-events.servicebus.windows.net/;SharedAccessKeyName=signal-send;SharedAccessKey=abc=;EntityPath=signal');
 * // { endpoint: 'sb://shop-events.servicebus.windows.net/', keyName: 'signal-send', key: 'abc=', entityPath: 'signal' }
 */
export function parseConnectionString(value: string): ConnectionString {
  const parts: ConnectionString = {};
  for (const pair of value.split(';')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    const name = pair.slice(0, at).trim().toLowerCase();
    const given = pair.slice(at + 1).trim();
    if (name === 'endpoint') parts.endpoint = given;
    else if (name === 'sharedaccesskeyname') parts.keyName = given;
    else if (name === 'sharedaccesskey') parts.key = given;
    else if (name === 'entitypath') parts.entityPath = given;
    else if (name === 'sharedaccesssignature') parts.sharedAccessSignature = given;
    else if (name === 'usedevelopmentemulator') parts.emulator = given.toLowerCase() === 'true';
  }
  return parts;
}

/**
 * The namespace's host name from a namespace's name (`shop-events` → in Azure's public cloud),
 * its host name, or an `sb://` / `https://` endpoint; undefined when it is none of those.
 *
 * @example
 * namespaceHost('shop-events');                                  // 'shop-events.servicebus.windows.net'
 * namespaceHost('sb://shop-events.servicebus.chinacloudapi.cn/'); // 'shop-events.servicebus.chinacloudapi.cn'
 */
export function namespaceHost(value: string): string | undefined {
  const bare = value.trim().replace(/^(?:sb|https|amqps):\/\//i, '').replace(/\/+$/, '').toLowerCase();
  if (NAMESPACE_NAME.test(bare)) return `${bare}.${PUBLIC_DOMAIN}`;
  const domain = DOMAINS.find((d) => bare.endsWith(`.${d}`));
  if (domain === undefined) return undefined;
  return NAMESPACE_NAME.test(bare.slice(0, -domain.length - 1)) ? bare : undefined;
}

/** Where requests go and what signs them, from the fields or the connection string. */
export interface HubTarget {
  /** The namespace's host, e.g. `shop-events.servicebus.windows.net`. */
  host: string;
  eventHub: string;
  keyName: string;
  key: string;
}

/**
 * The Event Hub and the policy of a config: each field, else the connection string's part
 * (`validateConfig` refuses a config where both are given and differ).
 *
 * @example
 * hubTarget({ connection_string: 'Endpoint=sb://shop-events.servicebus.windows.net/;SharedAccessKeyName=signal-send;SharedAccessKey=k=;EntityPath=signal' });
 * // { host: 'shop-events.servicebus.windows.net', eventHub: 'signal', keyName: 'signal-send', key: 'k=' }
 */
export function hubTarget(config: Record<string, JsonValue>): HubTarget {
  const parts = typeof config.connection_string === 'string' ? parseConnectionString(config.connection_string) : {};
  const namespace = trimmedText(config.namespace) ?? parts.endpoint ?? '';
  return {
    host: namespaceHost(namespace) ?? namespace.toLowerCase(),
    eventHub: trimmedText(config.event_hub) ?? parts.entityPath ?? '',
    keyName: trimmedText(config.shared_access_key_name) ?? parts.keyName ?? '',
    key: (typeof config.shared_access_key === 'string' && config.shared_access_key !== '' ? config.shared_access_key : parts.key) ?? '',
  };
}

/** The configured tier: Standard unless told. */
export const tierOf = (config: Record<string, JsonValue>): Tier => ((TIERS as readonly JsonValue[]).includes(config.tier ?? null) ? (config.tier as Tier) : 'standard');

/** The configured partition key: per person unless told. */
export const partitionKeyChoiceOf = (config: Record<string, JsonValue>): PartitionKeyChoice =>
  ((PARTITION_KEYS as readonly JsonValue[]).includes(config.partition_key ?? null) ? (config.partition_key as PartitionKeyChoice) : 'person');

/** Whether events keep contact information (off unless turned on). */
export const includesContactInfo = (config: Record<string, JsonValue>): boolean => config.include_contact_info === true;

/** Whether person deletions are forwarded as deletion notice events (off unless turned on). */
export const sendsDeletionNotices = (config: Record<string, JsonValue>): boolean => config.deletion_notices === true;

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  // None required by the schema: give namespace, event_hub, shared_access_key_name and
  // shared_access_key, or a connection string holding them (validateConfig says which is missing).
  required: [],
  properties: {
    namespace: {
      type: 'string', title: 'Namespace',
      description: 'The Event Hubs namespace: its name (shop-events) or host name (shop-events.servicebus.windows.net; servicebus.chinacloudapi.cn or servicebus.usgovcloudapi.net in Azure China and Azure Government). Not needed with a connection string, which names it.',
      maxLength: 300, examples: ['shop-events'],
    },
    event_hub: {
      type: 'string', title: 'Event Hub',
      description: 'The event hub\'s name in the namespace (letters, digits, . _ -). Not needed with a connection string that has an EntityPath (one copied from the event hub\'s own policy). Signal does not create event hubs.',
      maxLength: 256, examples: ['signal-events'],
    },
    shared_access_key_name: {
      type: 'string', title: 'Shared Access Policy Name',
      description: 'The name of a shared access policy with the Send claim, on the event hub (Event hub > Settings > Shared access policies: best, it reaches that hub only) or on the namespace (RootManageSharedAccessKey works, but can manage everything). Not needed with a connection string.',
      maxLength: 256, examples: ['signal-send'],
    },
    shared_access_key: {
      type: 'string', title: 'Shared Access Key', secret: true,
      description: 'The policy\'s primary (or secondary) key. Signal signs each request with it (a Shared Access Signature valid 10 minutes) and never sends the key itself. Not needed with a connection string.',
      maxLength: 256, examples: ['dGhpcy1pcy1ub3QtYS1yZWFsLWtleS1qdXN0LWFuLWV4YW1wbGU='],
    },
    connection_string: {
      type: 'string', title: 'Connection String', secret: true,
      description: 'Instead of the four fields above: the policy\'s connection string as the portal shows it (Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>[;EntityPath=<event hub>]). A connection string holding a SharedAccessSignature is refused (the token expires).',
      maxLength: 1024,
      examples: ['Endpoint=sb://shop-events.servicebus.windows.net/;SharedAccessKeyName=signal-send;SharedAccessKey=dGhpcy1pcy1ub3QtYS1yZWFsLWtleS1qdXN0LWFuLWV4YW1wbGU=;EntityPath=signal-events'],
    },
    tier: {
      type: 'string', title: 'Tier',
      description: 'The namespace\'s pricing tier, which sets the largest request Event Hubs takes: 256 KB on Basic, 1 MB on Standard and Premium, 20 MB on Dedicated. Signal packs each request within 256 KB on Basic, else within 1 MB (an event larger goes alone).',
      enum: [...TIERS], enumLabels: ['Basic (256 KB a request)', 'Standard (1 MB)', 'Premium (1 MB)', 'Dedicated (20 MB; packed within 1 MB)'], default: 'standard',
    },
    partition_key: {
      type: 'string', title: 'Partition Key',
      description: 'What an event\'s partition key is. Per person (default): the userId, else the anonymousId, so one person\'s events land on one partition, in order. Per browser: the anonymousId, else the userId. None: Event Hubs spreads the events over the partitions, in no order (and Signal sends fewer, larger requests).',
      enum: [...PARTITION_KEYS], enumLabels: ['Per person (userId, else anonymousId)', 'Per browser (anonymousId, else userId)', 'None (Event Hubs spreads them)'], default: 'person',
    },
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off (default): events carry no contact information — no email, phone, names, addresses or birth dates in properties, traits or context, no IP address, URLs without query strings, an id that is an email or phone given as sha256:<hex> of it (as its partition key and deletion notices give it). On: the events as Signal stored them, personal data included; turn it on only when your consumers need it and erase people themselves (see Deletion Notices).',
      default: false,
    },
    deletion_notices: {
      type: 'boolean', title: 'Deletion Notices',
      description: 'On: when Signal is asked to forget a person, a deletion notice event ({"type":"person_deletion","user_id","anonymous_id","requested_at"}, property kind=person_deletion) is sent to the event hub, for your consumers to erase what they stored of the person. An event hub cannot delete its events: they expire at the end of its retention. Off unless set (it needs consumers that act on the notices).',
      // No default: off unless set; the example is the value that turns the feature on.
      examples: [true],
    },
  },
};

/** Why a namespace value is no namespace, or undefined. */
function namespaceProblem(value: string): string | undefined {
  if (namespaceHost(value) !== undefined) return undefined;
  return `is ${JSON.stringify(value.slice(0, 200))}: give the namespace's name (6 to 50 letters, digits and hyphens, starting with a letter, e.g. shop-events) or its host name (shop-events.servicebus.windows.net), as the namespace's Overview page shows it`;
}

/** The problems of the connection string, when given (never quoting it: it holds the key). */
function connectionStringProblems(value: JsonValue | undefined, add: (field: string, message: string) => void): ConnectionString | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') {
    add('connection_string', 'must be text: Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>');
    return undefined;
  }
  const parts = parseConnectionString(value);
  if (parts.emulator) add('connection_string', 'is the local Event Hubs emulator\'s (UseDevelopmentEmulator=true), which Signal does not send to: give a namespace\'s connection string');
  else if (parts.sharedAccessSignature !== undefined) add('connection_string', 'holds a SharedAccessSignature, a token that expires: give the policy\'s connection string with SharedAccessKeyName and SharedAccessKey (Shared access policies > the policy > Connection string–primary key)');
  else if (parts.endpoint === undefined || parts.keyName === undefined || parts.key === undefined) {
    const missing = [parts.endpoint === undefined ? 'Endpoint' : '', parts.keyName === undefined ? 'SharedAccessKeyName' : '', parts.key === undefined ? 'SharedAccessKey' : ''].filter(Boolean).join(', ');
    add('connection_string', `has no ${missing}: copy the whole "Connection string–primary key" of a shared access policy (Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=<policy>;SharedAccessKey=<key>)`);
  } else if (namespaceHost(parts.endpoint) === undefined) add('connection_string', `has Endpoint ${JSON.stringify(parts.endpoint.slice(0, 200))}: an Event Hubs endpoint reads sb://<namespace>.servicebus.windows.net/`);
  else if (/\s/.test(parts.key)) add('connection_string', 'has white space inside its SharedAccessKey (a paste error): copy the connection string again');
  return parts;
}

/** A field that the connection string names otherwise. */
function disagreement(field: string, given: string | undefined, fromString: string | undefined, same: (a: string, b: string) => boolean = (a, b) => a === b): string | undefined {
  if (given === undefined || fromString === undefined || same(given, fromString)) return undefined;
  return `differs from the connection string's ${field === 'namespace' ? 'Endpoint' : field === 'event_hub' ? 'EntityPath' : field === 'shared_access_key' ? 'SharedAccessKey' : 'SharedAccessKeyName'}: leave ${field} empty to use the connection string's, or give a connection string of this ${field === 'event_hub' ? 'event hub' : 'policy'}`;
}

/**
 * Config problems the schema cannot say in words, each naming its field: the Event Hub and the
 * policy given neither as fields nor in the connection string; a namespace, event hub or policy
 * name Azure would refuse; a key pasted with white space or a whole connection string pasted as
 * the key; a connection string without its parts, holding an expiring token, or naming another
 * hub or policy than the fields. Secrets are never quoted.
 *
 * @example
 * validateEventHubsConfig({ namespace: 'shop', event_hub: 'signal-events', shared_access_key_name: 'signal-send', shared_access_key: 'k=' });
 * // [{ field: 'namespace', message: 'is "shop": give the namespace\'s name (6 to 50 letters, …' }]
 */
export function validateEventHubsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (field: string, message: string | undefined) => {
    if (message !== undefined) problems.push({ field, message });
  };
  const parts = connectionStringProblems(config.connection_string, add) ?? {};
  const namespace = trimmedText(config.namespace);
  if (namespace !== undefined) add('namespace', namespaceProblem(namespace) ?? disagreement('namespace', namespaceHost(namespace), parts.endpoint === undefined ? undefined : namespaceHost(parts.endpoint)));
  else if (parts.endpoint === undefined) add('namespace', 'is required (or a connection string): the Event Hubs namespace\'s name, e.g. shop-events');

  const eventHub = trimmedText(config.event_hub);
  if (eventHub !== undefined) {
    if (!EVENT_HUB_NAME.test(eventHub)) add('event_hub', `is ${JSON.stringify(eventHub.slice(0, 200))}: an event hub's name is 1 to 256 letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit (the namespace's Event Hubs page lists them)`);
    else add('event_hub', disagreement('event_hub', eventHub, parts.entityPath, (a, b) => a.toLowerCase() === b.toLowerCase()));
  } else if (parts.entityPath === undefined) {
    add('event_hub', `is required${parts.endpoint === undefined ? '' : ' (the connection string has no EntityPath: it is the namespace\'s)'}: the event hub's name, e.g. signal-events`);
  } else if (!EVENT_HUB_NAME.test(parts.entityPath)) add('connection_string', `has EntityPath ${JSON.stringify(parts.entityPath.slice(0, 200))}, which is no event hub's name`);

  const keyName = trimmedText(config.shared_access_key_name);
  if (keyName !== undefined) {
    if (!KEY_NAME.test(keyName)) add('shared_access_key_name', `is ${JSON.stringify(keyName.slice(0, 200))}: a shared access policy's name is 1 to 256 letters, digits, periods, hyphens and underscores (e.g. RootManageSharedAccessKey)`);
    else add('shared_access_key_name', disagreement('shared_access_key_name', keyName, parts.keyName));
  } else if (parts.keyName === undefined) add('shared_access_key_name', 'is required (or a connection string): the name of a shared access policy with the Send claim, e.g. signal-send');

  const key = typeof config.shared_access_key === 'string' ? config.shared_access_key : '';
  if (key !== '') {
    if (/SharedAccessKey(Name)?=/i.test(key)) add('shared_access_key', 'holds a whole connection string: put it in connection_string, or give the key alone (the value after SharedAccessKey=)');
    else if (/\s/.test(key)) add('shared_access_key', 'holds white space or a line break (a paste error): the signature could never match; paste the key alone');
    else add('shared_access_key', disagreement('shared_access_key', key, parts.key));
  } else if (parts.key === undefined) add('shared_access_key', 'is required (or a connection string): the shared access policy\'s primary or secondary key');

  if (config.tier !== undefined && !(TIERS as readonly JsonValue[]).includes(config.tier)) add('tier', 'must be basic, standard, premium or dedicated');
  if (config.partition_key !== undefined && !(PARTITION_KEYS as readonly JsonValue[]).includes(config.partition_key)) add('partition_key', 'must be person, anonymous_id or none');
  add('include_contact_info', configSwitchProblem(config.include_contact_info));
  add('deletion_notices', configSwitchProblem(config.deletion_notices));
  return problems;
}
