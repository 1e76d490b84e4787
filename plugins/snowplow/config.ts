// The integration's config: where the customer's own Snowplow Collector listens (its URL and
// POST path), the application id and tracker namespace every event carries, the platform, how
// self-describing JSON is encoded, which Iglu schema each track event (and optionally identify
// calls) is sent under, what becomes of track events no schema is given for, how the visitor's
// network user id is set, and custom headers for a collector behind an authenticating gateway.
// Collectors take no credential of their own: the app id says whose events they are.
import {
  allowedPrivateTargets, configText, eventNamesSchema, isJsonObject, privateTargetProblem, privateTargetsField, privateTargetsProblems,
  type ConfigProblem, type ConfigSchema, type JsonValue,
} from '../../core/sdk/index.ts';

type Config = Record<string, JsonValue>;

/** The tracker protocol's POST path, which every collector serves unless configured otherwise. */
export const DEFAULT_POST_PATH = '/com.snowplowanalytics.snowplow/tp2';
/** The tracker namespace (`tna`) when the config names none. */
export const DEFAULT_NAMESPACE = 'signal';
/** The structured event category (`se_ca`, required) when the event carries none. */
export const DEFAULT_CATEGORY = 'signal';

/** `p` values the tracker protocol allows, and `auto`: chosen per event (see `platformOf`). */
export const PLATFORMS = ['auto', 'web', 'mob', 'pc', 'srv', 'app', 'tv', 'cnsl', 'iot', 'headset'] as const;
export type Platform = (typeof PLATFORMS)[number];
export const UNMAPPED_MODES = ['structured', 'drop'] as const;
export type UnmappedMode = (typeof UNMAPPED_MODES)[number];
export const NETWORK_USER_ID_MODES = ['anonymous_id', 'collector'] as const;
export type NetworkUserIdMode = (typeof NETWORK_USER_ID_MODES)[number];

/**
 * An Iglu schema URI as Snowplow's self-describing JSON names it (`iglu:vendor/name/jsonschema/x-y-z`,
 * SchemaVer: MODEL-REVISION-ADDITION, the model from 1).
 */
export const IGLU_URI = /^iglu:[a-zA-Z0-9_.-]+\/[a-zA-Z0-9_-]+\/jsonschema\/[1-9][0-9]*-(?:0|[1-9][0-9]*)-(?:0|[1-9][0-9]*)$/;
/** Header names Signal sets itself or HTTP owns: a custom header may not replace them. */
const RESERVED_HEADERS = new Set(['host', 'content-type', 'content-length', 'transfer-encoding', 'connection']);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * A header value HTTP can carry (RFC 9110 field-value: visible ASCII, space, tab and obs-text
 * bytes 0x80–0xFF): a line break, a control character or a character beyond Latin-1 makes the
 * HTTP client refuse the request before sending it.
 */
const HEADER_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/** The config's JSON Schema. `headers` is secret: a gateway's credential may be in it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['collector_url', 'app_id'],
  properties: {
    collector_url: {
      type: 'string', title: 'Collector URL',
      description: 'Your Snowplow Collector\'s address, e.g. https://collector.example.com (the endpoint your trackers send to; Snowplow CDI and BDP give it in the console, Snowplow Micro listens on http://localhost:9090). Signal adds the POST path. A collector on your own network (a private or loopback address, or plain http) must be listed in allow_private_targets.',
      minLength: 1, maxLength: 2048, examples: ['https://collector.example.com'],
    },
    post_path: {
      type: 'string', title: 'POST Path',
      description: `The path events are posted to: ${DEFAULT_POST_PATH}, the tracker protocol's, unless your collector maps a custom POST path (its paths setting, e.g. /com.acme/track).`,
      maxLength: 300, default: DEFAULT_POST_PATH, examples: [DEFAULT_POST_PATH],
    },
    app_id: {
      type: 'string', title: 'Application ID',
      description: 'Sent as aid (app_id) with every event: the id your models tell this site or app apart by, e.g. shop-web. At most 255 characters.',
      minLength: 1, maxLength: 255, examples: ['shop-web'],
    },
    namespace: {
      type: 'string', title: 'Tracker Namespace',
      description: `Sent as tna (name_tracker): tells Signal's events apart from your own trackers'. Default ${DEFAULT_NAMESPACE}; no colon or semicolon, at most 128 characters.`,
      maxLength: 128, default: DEFAULT_NAMESPACE, examples: [DEFAULT_NAMESPACE],
    },
    platform: {
      type: 'string', title: 'Platform',
      description: 'Sent as p (platform). Automatic: mob for events of a mobile app (an iOS or Android context.os), web for events with a page URL (a browser\'s), srv for the rest (a server\'s). Or one value for every event.',
      enum: [...PLATFORMS],
      enumLabels: ['Automatic (mob, web or srv per event)', 'Web (web)', 'Mobile (mob)', 'Desktop (pc)', 'Server-side app (srv)', 'General app (app)', 'Connected TV (tv)', 'Games console (cnsl)', 'Internet of Things (iot)', 'Headset (headset)'],
      default: 'auto',
    },
    encode_base64: {
      type: 'boolean', title: 'Encode Base64',
      description: 'On (the default, as Snowplow\'s Node.js tracker does): self-describing events and context entities go URL-safe Base64-encoded as ue_px and cx. Off: as JSON text in ue_pr and co, easier to read in Signal\'s delivery log and in your collector\'s raw stream.',
      default: true,
    },
    event_schemas: eventNamesSchema('Track events sent as self-describing events (e=ue), by their exact Signal name: event name → the Iglu schema URI of your event schema, e.g. {"Order Completed": "iglu:com.acme/order_completed/jsonschema/1-0-0"}. The event\'s properties are the event\'s data, so the schema must describe them (else your pipeline records a failed event). Events not listed go as set in Unmapped Events.', {
      title: 'Event Schemas', maxLength: 300,
      examples: [{ 'Order Completed': 'iglu:com.acme/order_completed/jsonschema/1-0-0' }],
    }),
    unmapped_events: {
      type: 'string', title: 'Unmapped Events',
      description: 'Track events Event Schemas does not list. Structured: sent as structured events (e=se): se_ac the event name, se_ca properties.category (else Structured Event Category), se_la properties.label, se_pr properties.property, se_va properties.value (else revenue, else total); their other properties are not sent. Drop: not sent.',
      enum: [...UNMAPPED_MODES], enumLabels: ['Structured events (se)', 'Not sent'], default: 'structured',
    },
    structured_category: {
      type: 'string', title: 'Structured Event Category',
      description: `The category (se_ca, which Snowplow requires) of structured events whose properties carry no category. Default ${DEFAULT_CATEGORY}.`,
      maxLength: 1000, default: DEFAULT_CATEGORY, examples: [DEFAULT_CATEGORY],
    },
    identify_schema: {
      type: 'string', title: 'Identify Schema',
      description: 'Snowplow has no identify event: identify calls are not sent unless you name an Iglu schema of your own here (e.g. iglu:com.acme/identify/jsonschema/1-0-0); then each goes as a self-describing event of it with the traits as its data, and the userId as uid.',
      maxLength: 300, examples: ['iglu:com.acme/identify/jsonschema/1-0-0'],
    },
    network_user_id: {
      type: 'string', title: 'Network User ID',
      description: 'What Signal sends as tnuid (network_userid). Anonymous ID (the default): the collector\'s own cookie (sp) when the visitor\'s browser sent it to Signal, else the anonymousId — without tnuid the collector gives every request from Signal a new random network_userid. Collector: no tnuid, the collector sets it.',
      enum: [...NETWORK_USER_ID_MODES], enumLabels: ['The sp cookie, else the anonymousId', 'Left to the collector'], default: 'anonymous_id',
    },
    headers: {
      type: 'object', title: 'Custom Headers',
      description: 'Headers sent with every request, for a collector behind a gateway that authenticates (e.g. {"Authorization": "Bearer …"} or {"x-api-key": "…"}). Encrypted at rest and never shown again. Collectors themselves take no credential.',
      secret: true, additionalProperties: { type: 'string', maxLength: 8192 },
    },
    allow_private_targets: privateTargetsField('a Snowplow Collector', 'a collector in your VPC, Snowplow Micro'),
  },
};

function modeOf<T extends string>(value: JsonValue | undefined, modes: readonly T[], fallback: T): T {
  return typeof value === 'string' && (modes as readonly string[]).includes(value) ? (value as T) : fallback;
}

/**
 * The POST path: the config's, trimmed, with a leading slash; the tracker protocol's by default.
 *
 * @example
 * postPathOf({ post_path: 'com.acme/track' }); // '/com.acme/track'
 * postPathOf({});                              // '/com.snowplowanalytics.snowplow/tp2'
 */
export function postPathOf(config: Config): string {
  const path = configText(config, 'post_path') ?? DEFAULT_POST_PATH;
  return path.startsWith('/') ? path : `/${path}`;
}

/**
 * The URL events are posted to: the collector URL without a trailing slash (a path in it is
 * kept: a gateway's prefix) and without a pasted POST path, then the POST path.
 *
 * @example
 * collectorEndpointOf({ collector_url: 'https://collector.example.com/' });
 * // 'https://collector.example.com/com.snowplowanalytics.snowplow/tp2'
 * collectorEndpointOf({ collector_url: 'https://c.example.com/com.snowplowanalytics.snowplow/tp2', post_path: '/com.acme/track' });
 * // 'https://c.example.com/com.acme/track'
 */
export function collectorEndpointOf(config: Config): string {
  const url = new URL(configText(config, 'collector_url') ?? '');
  const postPath = postPathOf(config);
  let base = url.pathname.replace(/\/+$/, '');
  for (const pasted of [DEFAULT_POST_PATH, postPath]) if (base.endsWith(pasted)) base = base.slice(0, -pasted.length);
  return `${url.origin}${base}${postPath}`;
}

/** The app id (`aid`), trimmed. */
export const appIdOf = (config: Config): string => configText(config, 'app_id') ?? '';
/** The tracker namespace (`tna`). */
export const namespaceOf = (config: Config): string => configText(config, 'namespace') ?? DEFAULT_NAMESPACE;
/** The configured platform, or `auto`. */
export const platformSetting = (config: Config): Platform => modeOf(config.platform, PLATFORMS, 'auto');
/** Whether self-describing JSON goes Base64-encoded (`ue_px`, `cx`): on unless turned off. */
export const encodesBase64 = (config: Config): boolean => config.encode_base64 !== false;
/** What becomes of track events without a schema. */
export const unmappedMode = (config: Config): UnmappedMode => modeOf(config.unmapped_events, UNMAPPED_MODES, 'structured');
/** How `tnuid` is set. */
export const networkUserIdMode = (config: Config): NetworkUserIdMode => modeOf(config.network_user_id, NETWORK_USER_ID_MODES, 'anonymous_id');
/** The fallback structured event category. */
export const structuredCategoryOf = (config: Config): string => configText(config, 'structured_category') ?? DEFAULT_CATEGORY;
/** The identify calls' schema, when one is named (and valid). */
export function identifySchemaOf(config: Config): string | undefined {
  const schema = configText(config, 'identify_schema');
  return schema !== undefined && IGLU_URI.test(schema) ? schema : undefined;
}

/**
 * The Iglu schema a track event of this name is sent under, when Event Schemas maps it (the
 * name matched exactly; an invalid URI counts as none, which validation refuses anyway).
 *
 * @example
 * eventSchemaOf({ event_schemas: { 'Order Completed': 'iglu:com.acme/order/jsonschema/1-0-0' } }, 'Order Completed');
 * // 'iglu:com.acme/order/jsonschema/1-0-0'
 */
export function eventSchemaOf(config: Config, name: string | undefined): string | undefined {
  if (name === undefined || !isJsonObject(config.event_schemas) || !Object.hasOwn(config.event_schemas, name)) return undefined;
  const schema = config.event_schemas[name];
  return typeof schema === 'string' && IGLU_URI.test(schema.trim()) ? schema.trim() : undefined;
}

/**
 * The custom headers to send: valid names (lower-cased) with values on one line, none that
 * Signal or HTTP set itself.
 *
 * @example
 * customHeadersOf({ headers: { 'X-Api-Key': 'k-123' } }); // { 'x-api-key': 'k-123' }
 */
export function customHeadersOf(config: Config): Record<string, string> {
  const headers: Record<string, string> = {};
  if (!isJsonObject(config.headers)) return headers;
  for (const [name, value] of Object.entries(config.headers)) {
    const key = name.toLowerCase();
    if (typeof value === 'string' && HEADER_NAME.test(name) && HEADER_VALUE.test(value) && !RESERVED_HEADERS.has(key)) headers[key] = value;
  }
  return headers;
}

function collectorUrlProblem(value: JsonValue | undefined, allow: readonly string[]): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'is required: your collector\'s address, e.g. https://collector.example.com';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `is ${JSON.stringify(value.slice(0, 200))}: give your collector's absolute URL, e.g. https://collector.example.com`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')}): e.g. https://collector.example.com`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password: a gateway\'s credential goes in headers';
  if (url.search !== '' || url.hash !== '') return `must be the collector's address without a query or fragment: ${url.origin}${url.pathname}`;
  return privateTargetProblem(url, allow, 'a Snowplow Collector');
}

function postPathProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^\/?[A-Za-z0-9._~\-/]+$/.test(value.trim()) || value.includes('//')) {
    return `is ${JSON.stringify(value)}: give a path such as ${DEFAULT_POST_PATH} (letters, digits, . _ ~ - and /; no query)`;
  }
  return undefined;
}

function namespaceProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || /[:;]/.test(value)) return `is ${JSON.stringify(value)}: a tracker namespace may not contain a colon or a semicolon (Snowplow's rule)`;
  return undefined;
}

function schemaProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !IGLU_URI.test(value.trim())) {
    return `is ${JSON.stringify(value)}: give an Iglu schema URI, iglu:<vendor>/<name>/jsonschema/<model>-<revision>-<addition> (e.g. iglu:com.acme/order_completed/jsonschema/1-0-0)`;
  }
  return undefined;
}

function switchProblem(value: JsonValue | undefined): string | undefined {
  return value === undefined || value === null || typeof value === 'boolean' ? undefined : 'must be true or false';
}

/** Problems of Event Schemas, each naming its entry (`event_schemas.Order Completed`). */
function eventSchemasProblems(value: JsonValue | undefined): ConfigProblem[] {
  if (value === undefined || value === null) return [];
  if (!isJsonObject(value)) return [{ field: 'event_schemas', message: 'must be an object of track event names to Iglu schema URIs, e.g. {"Order Completed": "iglu:com.acme/order_completed/jsonschema/1-0-0"}' }];
  const problems: ConfigProblem[] = [];
  for (const [name, schema] of Object.entries(value)) {
    const field = `event_schemas.${name}`;
    if (name.trim() === '') problems.push({ field: 'event_schemas', message: 'has an empty event name: name the track event exactly as Signal receives it (e.g. Order Completed)' });
    else if (name !== name.trim()) problems.push({ field, message: `is keyed ${JSON.stringify(name)}: remove the spaces around the event name (names are matched exactly)` });
    const problem = schemaProblem(schema) ?? (schema === '' || schema === null ? 'is empty: give the Iglu schema URI of this event, or remove the entry' : undefined);
    if (problem !== undefined) problems.push({ field, message: problem });
  }
  return problems;
}

/** Problems of the custom headers: names only, never a value (the field is secret). */
function headersProblems(value: JsonValue | undefined): ConfigProblem[] {
  if (value === undefined || value === null) return [];
  if (!isJsonObject(value)) return [{ field: 'headers', message: 'must be an object of header names to values, e.g. {"x-api-key": "…"}' }];
  const problems: ConfigProblem[] = [];
  for (const [name, headerValue] of Object.entries(value)) {
    if (!HEADER_NAME.test(name)) problems.push({ field: `headers.${name}`, message: 'is not a valid header name (letters, digits and !#$%&\'*+-.^_`|~)' });
    else if (RESERVED_HEADERS.has(name.toLowerCase())) problems.push({ field: `headers.${name}`, message: 'is set by Signal itself (the body is JSON, posted as the tracker protocol says): remove it' });
    else if (typeof headerValue !== 'string' || !HEADER_VALUE.test(headerValue)) problems.push({ field: `headers.${name}`, message: 'must be text on one line, of printable ASCII or Latin-1 characters (no control characters: HTTP cannot carry them in a header)' });
  }
  return problems;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a collector URL that is
 * not http(s), carries credentials or a query, or is a private address not allow-listed (plain
 * http only to one); a POST path that is no path; a namespace with a colon or semicolon; Iglu
 * schema URIs that are none; event names padded with spaces; invalid or reserved header names;
 * switches that are not true or false.
 *
 * @example
 * validateSnowplowConfig({ collector_url: 'collector.example.com', app_id: 'shop' });
 * // [{ field: 'collector_url', message: 'is "collector.example.com": give your collector\'s absolute URL, e.g. https://collector.example.com' }]
 */
export function validateSnowplowConfig(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [...privateTargetsProblems(config, 'collector.internal')];
  const checks: Array<[string, string | undefined]> = [
    ['collector_url', collectorUrlProblem(config.collector_url, allowedPrivateTargets(config))],
    ['post_path', postPathProblem(config.post_path)],
    ['app_id', configText(config, 'app_id') === undefined ? 'is required: the application id (aid) your Snowplow data tells this source by, e.g. shop-web' : undefined],
    ['namespace', namespaceProblem(config.namespace)],
    ['identify_schema', schemaProblem(config.identify_schema)],
    ['encode_base64', switchProblem(config.encode_base64)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  problems.push(...eventSchemasProblems(config.event_schemas), ...headersProblems(config.headers));
  return problems;
}

/**
 * Advice about a valid config: Drop for unmapped events while no schema is mapped (only page and
 * screen views would then be sent); a schema named under Snowplow's own vendor, whose fields
 * Signal's properties rarely match.
 *
 * @example
 * snowplowConfigWarnings({ collector_url: 'https://c.example.com', app_id: 'shop', unmapped_events: 'drop' });
 * // [{ field: 'unmapped_events', message: 'is Drop while event_schemas maps no event: no track event is sent (page and screen views are)' }]
 */
export function snowplowConfigWarnings(config: Config): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  const mapped = isJsonObject(config.event_schemas) ? Object.keys(config.event_schemas).length : 0;
  if (unmappedMode(config) === 'drop' && mapped === 0) warnings.push({ field: 'unmapped_events', message: 'is Drop while event_schemas maps no event: no track event is sent (page and screen views are)' });
  const schemas = [
    ...(isJsonObject(config.event_schemas) ? Object.entries(config.event_schemas).map(([name, schema]) => [`event_schemas.${name}`, schema] as const) : []),
    ['identify_schema', config.identify_schema] as const,
  ];
  for (const [field, schema] of schemas) {
    if (typeof schema === 'string' && schema.trim().startsWith('iglu:com.snowplowanalytics.')) {
      warnings.push({ field, message: `is one of Snowplow's own schemas (${schema.trim()}): the event's properties are sent as its data unchanged, so they must have exactly that schema's fields, else your pipeline records a failed event` });
    }
  }
  return warnings;
}
