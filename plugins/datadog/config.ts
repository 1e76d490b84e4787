// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateDatadogConfig), and the options the mapping and the requests read from
// it. Sources: Datadog's API reference "Send logs" (POST /api/v2/logs, its per-site endpoints,
// the DD-API-KEY header, the HTTPLogItem fields ddsource, ddtags, hostname, message, service),
// "Getting Started with Datadog Sites" (the site parameters), "Getting started with tags" (what
// a tag may hold) and "Creates a data deletion request" (POST /api/v2/deletion/data/logs).
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { configApiKey, trimmedText } from '../../core/sdk/index.ts';

/** Datadog's sites (the "site parameter" of each), in the catalog's order. */
export const SITES = [
  'datadoghq.com', 'us3.datadoghq.com', 'us5.datadoghq.com', 'datadoghq.eu', 'ap1.datadoghq.com', 'ap2.datadoghq.com', 'uk1.datadoghq.com', 'ddog-gov.com', 'us2.ddog-gov.com',
] as const;
export type Site = (typeof SITES)[number];
/** The sites' names as Datadog's sites page gives them. */
const SITE_LABELS = ['US1 (datadoghq.com)', 'US3', 'US5', 'EU1 (datadoghq.eu)', 'AP1 (Japan)', 'AP2 (Australia)', 'UK1', 'US1-FED (ddog-gov.com)', 'US2-FED'];

/** How the request body is sent: gzip (Datadog: "Datadog recommends sending your logs compressed") or plain JSON. */
export const COMPRESSIONS = ['gzip', 'none'] as const;
export type Compression = (typeof COMPRESSIONS)[number];

/** The source and the service every log gets unless the config says otherwise. */
export const DEFAULT_SOURCE = 'signal';
export const DEFAULT_SERVICE = 'signal';

/**
 * Datadog's tag rules ("Getting started with tags"): a tag starts with a letter, then holds
 * letters, digits, `_`, `-`, `:`, `.` and `/` (other characters become `_`), does not end with
 * a colon, is at most 200 characters long. Unicode letters are supported.
 */
const TAG = /^\p{L}[\p{L}\p{N}_\-:./]*$/u;
export const MAX_TAG_CHARS = 200;
/**
 * Tags a log may carry: Datadog's "A log event should not have more than 100 tags", less the
 * three the log's reserved attributes make (source, service, host).
 */
export const MAX_CONFIG_TAGS = 97;
/** Tag keys the log's reserved attributes set: a config tag of these would contradict them. */
const RESERVED_TAG_KEYS = new Set(['source', 'service', 'host']);
/** A hostname: one word without white space, as the host reserved attribute names one. */
const MAX_HOSTNAME_CHARS = 255;

/** The integration's config as the catalog shows it; `validateDatadogConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    site: {
      type: 'string', title: 'Datadog Site',
      description: 'The site your Datadog organization is on — the part after "app." (or the first label) of the address you log in at: datadoghq.com (US1, app.datadoghq.com), us3.datadoghq.com, us5.datadoghq.com, datadoghq.eu (EU1, app.datadoghq.eu), ap1.datadoghq.com, ap2.datadoghq.com, uk1.datadoghq.com, ddog-gov.com (US1-FED, app.ddog-gov.com) or us2.ddog-gov.com. Logs go to https://http-intake.logs.<site>/api/v2/logs; an API key sent to another site is refused.',
      enum: [...SITES], enumLabels: SITE_LABELS, default: 'datadoghq.com', examples: ['datadoghq.com', 'datadoghq.eu'],
    },
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'An API key of the organization (Organization Settings > API Keys), sent as DD-API-KEY, the credential the Logs intake authenticates with. Application keys and client tokens are other kinds of credential.',
      minLength: 1,
    },
    service: {
      type: 'string', title: 'Service',
      description: `The service of every log (Datadog's reserved service attribute, shown and faceted as service:<name>), ${DEFAULT_SERVICE} by default — e.g. the site's name (shop-web). It becomes the tag service:<name>, so tag characters only: letters, digits, _, -, :, . and /.`,
      default: DEFAULT_SERVICE, minLength: 1, maxLength: MAX_TAG_CHARS, examples: ['shop-web', DEFAULT_SERVICE],
    },
    source: {
      type: 'string', title: 'Source (ddsource)',
      description: `The ddsource of every log (Datadog's source: what pipelines and facets are chosen by), ${DEFAULT_SOURCE} by default. Datadog asks for it in lower case; do not name a Datadog integration (nginx, postgresql…), whose parsers would then run on these logs.`,
      default: DEFAULT_SOURCE, minLength: 1, maxLength: MAX_TAG_CHARS, examples: [DEFAULT_SOURCE, 'website'],
    },
    tags: {
      type: 'array', title: 'Tags (ddtags)',
      description: `Tags for every log, as key:value (env:prod, team:web), sent as its ddtags. Datadog's tag rules: a letter first, then letters, digits, _, -, :, . and /; at most ${MAX_TAG_CHARS} characters; not ending with a colon; at most ${MAX_CONFIG_TAGS}. Never name a visitor in a tag (an id, an email): tags are for bounded values.`,
      items: { type: 'string', minLength: 1, maxLength: MAX_TAG_CHARS },
      maxItems: MAX_CONFIG_TAGS,
      examples: [['env:prod', 'team:web']],
    },
    hostname: {
      type: 'string', title: 'Hostname',
      description: 'Optional: the hostname of every log (Datadog\'s host attribute, which joins logs to the host\'s metrics and tags), e.g. the site\'s domain or the Signal host. Left out by default: the events come from browsers, not from a host Datadog monitors.',
      maxLength: MAX_HOSTNAME_CHARS, examples: ['shop.example.com'],
    },
    compression: {
      type: 'string', title: 'Compression',
      description: 'gzip (default): the JSON body is sent gzipped with Content-Encoding: gzip, as Datadog recommends; the delivery log then shows the body as its size and SHA-256. none: plain JSON, shown in the delivery log as sent.',
      enum: [...COMPRESSIONS], enumLabels: ['gzip', 'None'], default: 'gzip', examples: ['gzip', 'none'],
    },
    send_ids: {
      type: 'boolean', title: 'Send User and Anonymous IDs',
      description: 'Send the userId (as usr.id), the anonymousId (as usr.anonymous_id) and an alias\'s previousId (default on). Off: no identifier of the visitor goes to Datadog.',
      default: true, examples: [true, false],
    },
    send_ip: {
      type: 'boolean', title: 'Send the Visitor\'s IP Address',
      description: 'Send the visitor\'s IP address as network.client.ip (Datadog\'s standard attribute, which its GeoIP parser reads). Off by default: an IP address is personal data.',
      default: false, examples: [false, true],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Off by default. On (with an application key): a person deletion becomes one Datadog data deletion request per id named (POST https://api.<site>/api/v2/deletion/data/logs, a Preview API), for the logs of this service and source whose usr.id or usr.anonymous_id is the id, over the last 15 months; it deletes across indexes, Flex and Online Archives, never derived metrics. Datadog documents the query object by one example only, so a request whose query Datadog does not echo exactly as asked is cancelled at once and the deletion reported failed. Needs Logs Data Deletion enabled for the organization; service and source must hold no ":" or "/".',
      default: false, examples: [false, true],
    },
    application_key: {
      type: 'string', title: 'Application Key (deletions)', secret: true,
      description: 'Only for forward_deletions: an application key (Organization Settings > Application Keys) of a user whose role has the Logs Delete Data permission (logs_delete_data), sent as DD-APPLICATION-KEY with the API key. Never used to send logs.',
    },
  },
};

/**
 * Why Datadog would not keep a tag as written, or undefined when it would: the rules of
 * "Getting started with tags" (its letters, its length, no trailing colon).
 *
 * @example
 * tagProblem('env:prod'); // undefined
 * tagProblem('1env:prod'); // 'does not start with a letter'
 * tagProblem('env:'); // 'ends with a colon'
 */
export function tagProblem(tag: string): string | undefined {
  if (tag === '') return 'is empty';
  if (!/^\p{L}/u.test(tag)) return 'does not start with a letter';
  if (tag.endsWith(':')) return 'ends with a colon';
  if (!TAG.test(tag)) return 'holds characters other than letters, digits, _, -, :, . and / (Datadog would turn them into _)';
  if ([...tag].length > MAX_TAG_CHARS) return `is longer than ${MAX_TAG_CHARS} characters`;
  return undefined;
}

/** A problem with a value that becomes a tag (service, source), as the config message says it. */
function tagValueProblem(field: 'service' | 'source', value: JsonValue | undefined): ConfigProblem | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') return { field, message: `is empty: give a name, e.g. ${field === 'source' ? DEFAULT_SOURCE : 'shop-web'}` };
  // Datadog shows it as the tag <field>:<value>, so the whole tag must follow the tag rules.
  const problem = tagProblem(`${field}:${value.trim()}`);
  if (problem) return { field, message: `"${value.trim()}" makes the tag ${field}:${value.trim()}, which ${problem}: give letters, digits, _, -, :, . and / only` };
  if (field === 'source' && value.trim() !== value.trim().toLowerCase()) return { field, message: `"${value.trim()}" holds capital letters: Datadog asks for the source in lower case (its tags are lower-cased), e.g. ${value.trim().toLowerCase()}` };
  return undefined;
}

/**
 * Checks beyond the JSON Schema, each naming its field: the API key one token, service and
 * source as Datadog's tag rules take them, each tag a key:value tag Datadog keeps as written
 * (and not one the log's reserved attributes set), the hostname one word, and the application
 * key present when deletions are forwarded. Messages never repeat a key.
 *
 * @example
 * validateDatadogConfig({ api_key: 'abc def', tags: ['env prod'] });
 * // [{ field: 'api_key', message: 'holds white space or a line break …' }, { field: 'tags', message: '"env prod" holds characters … ' }]
 */
export function validateDatadogConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.api_key !== undefined) {
    if (trimmedText(config.api_key) === undefined) problems.push({ field: 'api_key', message: 'is empty: give an API key of the organization (Organization Settings > API Keys)' });
    else if (/\s/.test(trimmedText(config.api_key)!)) problems.push({ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone' });
  }
  for (const field of ['service', 'source'] as const) {
    const problem = tagValueProblem(field, config[field]);
    if (problem) problems.push(problem);
  }
  if (config.tags !== undefined) {
    if (!Array.isArray(config.tags)) problems.push({ field: 'tags', message: 'is not a list of key:value tags, e.g. ["env:prod", "team:web"]' });
    else {
      if (config.tags.length > MAX_CONFIG_TAGS) problems.push({ field: 'tags', message: `has ${config.tags.length} tags: Datadog keeps at most 100 a log, ${MAX_CONFIG_TAGS} besides source, service and host` });
      const seen = new Set<string>();
      for (const tag of config.tags) {
        if (typeof tag !== 'string') {
          problems.push({ field: 'tags', message: `holds ${JSON.stringify(tag)}, which is not text: give key:value tags, e.g. env:prod` });
          continue;
        }
        const trimmed = tag.trim();
        const problem = tagProblem(trimmed);
        if (problem) {
          problems.push({ field: 'tags', message: `"${trimmed}" ${problem}; give key:value tags, e.g. env:prod` });
          continue;
        }
        if (!trimmed.includes(':')) problems.push({ field: 'tags', message: `"${trimmed}" is not key:value: give it a key, e.g. env:${trimmed}` });
        const key = trimmed.slice(0, trimmed.indexOf(':')).toLowerCase();
        if (RESERVED_TAG_KEYS.has(key)) problems.push({ field: 'tags', message: `"${trimmed}" sets ${key}, which the log's own ${key === 'host' ? 'hostname' : key} sets: use config.${key === 'host' ? 'hostname' : key} instead` });
        if (seen.has(trimmed.toLowerCase())) problems.push({ field: 'tags', message: `"${trimmed}" is given twice (Datadog lower-cases tags)` });
        seen.add(trimmed.toLowerCase());
      }
    }
  }
  if (config.hostname !== undefined && config.hostname !== '') {
    if (typeof config.hostname !== 'string' || config.hostname.trim() === '') problems.push({ field: 'hostname', message: 'is empty: give a hostname (e.g. shop.example.com), or leave it out' });
    else if (/\s/.test(config.hostname.trim())) problems.push({ field: 'hostname', message: 'holds white space: give one hostname, e.g. shop.example.com' });
  }
  if (config.application_key !== undefined && trimmedText(config.application_key) !== undefined && /\s/.test(trimmedText(config.application_key)!)) {
    problems.push({ field: 'application_key', message: 'holds white space or a line break (copied with the text around it?): give the application key alone' });
  }
  if (config.forward_deletions === true && trimmedText(config.application_key) === undefined) {
    problems.push({ field: 'application_key', message: 'is required to forward person deletions (an application key with the Logs Delete Data permission for Datadog\'s data deletion requests), or turn forward_deletions off' });
  }
  if (config.forward_deletions === true) {
    for (const field of ['service', 'source'] as const) {
      const value = trimmedText(config[field]);
      // A data deletion query scopes to `service:<service> source:<source>`: ":" and "/" are operators there.
      if (value !== undefined && /[:/]/.test(value)) problems.push({ field, message: `"${value}" holds ":" or "/", which Datadog's search syntax reads as operators, so person deletions (forward_deletions) cannot be scoped to it: use letters, digits, _, - and . only, or turn forward_deletions off` });
    }
  }
  if (trimmedText(config.application_key) !== undefined && trimmedText(config.application_key) === trimmedText(config.api_key)) {
    problems.push({ field: 'application_key', message: 'is the API key: give an application key (Organization Settings > Application Keys), which Datadog issues apart from API keys' });
  }
  return problems;
}

/** What the mapping and the requests read from the config. */
export interface DatadogOptions {
  site: Site;
  apiKey: string;
  service: string;
  source: string;
  /** The valid tags, as given (trimmed). */
  tags: string[];
  hostname?: string;
  compression: Compression;
  sendIds: boolean;
  sendIp: boolean;
  forwardDeletions: boolean;
  applicationKey: string;
}

/**
 * The options of an integration's config (defaults in place of what is absent or unusable).
 *
 * @example
 * optionsOf({ api_key: ' k ', tags: ['env:prod', 'bad tag'] });
 * // { site: 'datadoghq.com', apiKey: 'k', service: 'signal', source: 'signal', tags: ['env:prod'], compression: 'gzip', sendIds: true, sendIp: false, forwardDeletions: false, applicationKey: '' }
 */
export function optionsOf(config: Record<string, JsonValue>): DatadogOptions {
  const site = (SITES as readonly string[]).includes(String(config.site)) ? config.site as Site : 'datadoghq.com';
  const service = trimmedText(config.service) !== undefined && !tagValueProblem('service', config.service) ? trimmedText(config.service)! : DEFAULT_SERVICE;
  const source = trimmedText(config.source) !== undefined && !tagValueProblem('source', config.source) ? trimmedText(config.source)! : DEFAULT_SOURCE;
  const tags = Array.isArray(config.tags)
    ? config.tags.filter((tag): tag is string => typeof tag === 'string' && tagProblem(tag.trim()) === undefined).map((tag) => tag.trim()).slice(0, MAX_CONFIG_TAGS)
    : [];
  const hostname = trimmedText(config.hostname);
  return {
    site, apiKey: configApiKey(config), service, source, tags,
    ...(hostname !== undefined && !/\s/.test(hostname) ? { hostname } : {}),
    compression: config.compression === 'none' ? 'none' : 'gzip',
    sendIds: config.send_ids !== false,
    sendIp: config.send_ip === true,
    forwardDeletions: config.forward_deletions === true,
    applicationKey: trimmedText(config.application_key) ?? '',
  };
}

/**
 * The Logs intake's URL for the configured site (the Send logs page's endpoint table).
 *
 * @example
 * logsUrlOf({ site: 'datadoghq.eu' }); // 'https://http-intake.logs.datadoghq.eu/api/v2/logs'
 */
export function logsUrlOf(config: Record<string, JsonValue>): string {
  return `https://http-intake.logs.${optionsOf(config).site}/api/v2/logs`;
}

/**
 * The Data Deletion API's URL for the configured site (its reference's endpoint table: the
 * API's own host, api.<site>, not the intake's).
 *
 * @example
 * deletionUrlOf({ site: 'us3.datadoghq.com' }); // 'https://api.us3.datadoghq.com/api/v2/deletion/data/logs'
 */
export function deletionUrlOf(config: Record<string, JsonValue>): string {
  return `https://api.${optionsOf(config).site}/api/v2/deletion/data/logs`;
}
