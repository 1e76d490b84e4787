// The integration's config: where HEC listens (Splunk Cloud Platform's http-inputs host, or a
// Splunk Enterprise instance's :8088), the HEC token, the metadata each event is stamped with
// (index, source, sourcetype, host, the indexed fields), three switches (indexer
// acknowledgment, gzip, contact information) and the private networks Signal may reach a
// self-hosted Splunk on; the schema the catalog shows, and the checks the schema cannot make,
// each naming its field.
import { createHash } from 'node:crypto';
import { allowedPrivateTargets, configSwitchProblem, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

type Config = Record<string, JsonValue>;

/** HEC's JSON event endpoint, appended to the configured base URL. */
export const EVENT_PATH = '/services/collector/event';
/** HEC's indexer acknowledgment endpoint. */
export const ACK_PATH = '/services/collector/ack';
/**
 * Splunk's pretrained source type for JSON: `INDEXED_EXTRACTIONS = json`, so on the event
 * endpoint every field of the JSON `event` is an indexed field ("Automate indexed field
 * extractions with HTTP Event Collector"), with no props.conf of yours.
 */
export const DEFAULT_SOURCETYPE = '_json';
/** The event record's fields that may be indexed fields (strings, as HEC's `fields` requires). */
export const INDEXABLE_FIELDS = ['type', 'event', 'name', 'message_id', 'user_id', 'anonymous_id', 'group_id'] as const;
export type IndexableField = (typeof INDEXABLE_FIELDS)[number];
/**
 * None unless the config lists some: with `_json` (the default) Splunk already indexes every
 * field of the event, and the same field sent again in HEC's `fields` is indexed twice (a
 * search shows it with two values). For a sourcetype of your own without indexed extractions.
 */
export const DEFAULT_INDEXED_FIELDS: readonly IndexableField[] = [];

/** An HEC path pasted with the endpoint (`…/services/collector/event`, `…/services/collector`, the health check's), which Signal adds itself. */
const HEC_PATH = /\/services\/collector(?:\/event(?:\/1\.0)?|\/raw(?:\/1\.0)?|\/ack|\/health(?:\/1\.0)?)?\/*$/;

/**
 * HEC's base URL, without a trailing slash or a pasted HEC path: the configured URL's origin and
 * any path before `/services/collector` (a proxy serving HEC under a path).
 *
 * @example
 * baseUrlOf({ url: 'https://http-inputs-acme.splunkcloud.com/services/collector/event' }); // 'https://http-inputs-acme.splunkcloud.com'
 * baseUrlOf({ url: 'https://splunk.internal:8088/' });                                     // 'https://splunk.internal:8088'
 */
export function baseUrlOf(config: Config): string {
  const url = new URL(trimmedText(config.url) ?? '');
  return `${url.origin}${url.pathname.replace(HEC_PATH, '').replace(/\/+$/, '')}`;
}

/**
 * The HEC token as sent, after `Splunk `: a token pasted with that word keeps working.
 *
 * @example
 * tokenOf({ token: 'Splunk 12345678-9abc-4def-8123-456789abcdef' }); // '12345678-9abc-4def-8123-456789abcdef'
 */
export const tokenOf = (config: Config): string => (trimmedText(config.token) ?? '').replace(/^Splunk\s+/i, '');

/**
 * The `Authorization` header HEC reads the token from.
 *
 * @example
 * authorizationOf({ token: '12345678-9abc-4def-8123-456789abcdef' }); // 'Splunk 12345678-9abc-4def-8123-456789abcdef'
 */
export const authorizationOf = (config: Config): string => `Splunk ${tokenOf(config)}`;

/**
 * The configured index, source, sourcetype and host: each left out (the token's default
 * applies) when unset, the sourcetype `_json`; in the order HEC's examples give them.
 *
 * @example
 * metadataOf({ index: 'web_events' }); // { sourcetype: '_json', index: 'web_events' }
 */
export function metadataOf(config: Config): { index?: string; source?: string; sourcetype: string; host?: string } {
  const index = trimmedText(config.index);
  const source = trimmedText(config.source);
  const host = trimmedText(config.host);
  return { ...(host === undefined ? {} : { host }), ...(source === undefined ? {} : { source }), sourcetype: trimmedText(config.sourcetype) ?? DEFAULT_SOURCETYPE, ...(index === undefined ? {} : { index }) };
}

/**
 * The record's fields sent again as indexed fields (none unless the config lists some), in the
 * record's order.
 *
 * @example
 * indexedFieldsOf({});                                        // []
 * indexedFieldsOf({ indexed_fields: ['anonymous_id', 'type'] }); // ['type', 'anonymous_id']
 */
export function indexedFieldsOf(config: Config): IndexableField[] {
  const list = config.indexed_fields;
  if (!Array.isArray(list)) return [...DEFAULT_INDEXED_FIELDS];
  return INDEXABLE_FIELDS.filter((field) => list.includes(field));
}

/** Whether requests carry a channel and accepted ones are followed to their indexer acknowledgment (off unless turned on). */
export const usesIndexerAck = (config: Config): boolean => config.indexer_acknowledgment === true;

/** Whether request bodies are gzip-compressed (off unless turned on). */
export const compresses = (config: Config): boolean => config.gzip === true;

/** Whether events keep contact information (off unless turned on). */
export const includesContactInfo = (config: Config): boolean => config.include_contact_info === true;

/**
 * The integration's HEC channel: a GUID derived from the pipeline integration's id, the same on
 * every worker and after a restart (acknowledgments are kept per channel, so the follow-up query
 * must name the channel the events were sent on; Splunk refuses a channel that is no GUID).
 *
 * @example
 * channelOf('int_1'); // 'd94edfb0-0731-4631-a600-fd808056d704' — the same for int_1 every time
 */
export function channelOf(integrationId: string): string {
  const hex = createHash('sha256').update(`splunk-hec-channel\n${integrationId}`).digest('hex');
  // Laid out as a version-4 UUID (version nibble 4, variant bits 10).
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A hostname, an IPv4 or IPv6 address, or a CIDR range: what an allow-list entry may be. */
/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['url', 'token'],
  properties: {
    url: {
      type: 'string', title: 'HEC URL',
      description: 'Where HTTP Event Collector listens. Splunk Cloud Platform: https://http-inputs-<stack>.splunkcloud.com (port 443; the stack is the first part of your Splunk Cloud URL, https://<stack>.splunkcloud.com); Splunk Enterprise: https://<host>:8088 (Settings > Data Inputs > HTTP Event Collector > Global Settings shows the port). Signal adds /services/collector/event (a URL pasted with it is fine); a path before it is kept, for a proxy. Plain http only to a host listed in allow_private_targets.',
      minLength: 1, maxLength: 2048, examples: ['https://http-inputs-acme.splunkcloud.com'],
    },
    token: {
      type: 'string', title: 'HEC Token', secret: true,
      description: 'The HEC token\'s Token Value (Settings > Data Inputs > HTTP Event Collector, the token\'s row): a GUID, sent as Authorization: Splunk <token>. The token must be enabled, and allowed to write to the index you name below.',
      minLength: 1, maxLength: 256, examples: ['12345678-9abc-4def-8123-456789abcdef'],
    },
    index: {
      type: 'string', title: 'Index',
      description: 'The index events go to: it must exist and be in the token\'s Allowed Indexes. Empty: the token\'s Default Index.',
      maxLength: 80, examples: ['web_events'],
    },
    sourcetype: {
      type: 'string', title: 'Source Type',
      description: 'The events\' sourcetype. Default _json, Splunk\'s pretrained JSON source type (INDEXED_EXTRACTIONS = json): every field of the event (properties.revenue, context.page.url…) becomes an indexed field, searchable and countable with tstats, with nothing to configure — at the cost of index space. Give your own (signal:event) to have the fields extracted at search time instead, or to define its props yourself.',
      maxLength: 256, default: DEFAULT_SOURCETYPE, examples: ['_json'],
    },
    source: {
      type: 'string', title: 'Source',
      description: 'The events\' source. Empty: the token\'s default (http:<token name>).',
      maxLength: 256, examples: ['signal'],
    },
    host: {
      type: 'string', title: 'Host',
      description: 'The events\' host field. Empty: the token\'s default host (the HEC server\'s name unless the token sets one).',
      maxLength: 256, examples: ['signal.example.com'],
    },
    indexed_fields: {
      type: 'array', title: 'Indexed Fields',
      description: 'Fields of the event also sent as indexed fields (HEC\'s fields), so tstats can count by them with a sourcetype of your own that has no indexed extractions. None by default: with _json every field of the event is indexed already, and a field sent again here is indexed twice (searches show two values). Indexed fields take index space: keep them few. The event keeps every field either way.',
      items: { type: 'string', enum: [...INDEXABLE_FIELDS] }, maxItems: INDEXABLE_FIELDS.length, default: [...DEFAULT_INDEXED_FIELDS], examples: [['type', 'event', 'anonymous_id']],
    },
    indexer_acknowledgment: {
      type: 'boolean', title: 'Indexer Acknowledgment',
      description: 'Turn on when the token has Enable indexer acknowledgment checked (Splunk Enterprise only: Splunk Cloud Platform offers it for Amazon Data Firehose alone). Signal then sends a channel (X-Splunk-Request-Channel) with each request and asks /services/collector/ack whether the events were indexed, recording the answer in the delivery log. Off (the default): a 200 from HEC means received.',
      default: false,
    },
    gzip: {
      type: 'boolean', title: 'Compress (gzip)',
      description: 'Send request bodies gzip-compressed (Content-Encoding: gzip), for less bandwidth. Off by default: the delivery log then shows each body as sent; compressed bodies appear there as their size and SHA-256 only.',
      default: false,
    },
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off (the default): events carry no contact information — no email, phone, names, addresses or birth dates in properties, traits or context, no IP address, URLs without query strings, and an id that is an email or phone goes as sha256:<hex> of it. On: events keep what the blueprint maps, personal data included (Splunk offers no API to delete it again: see the plugin README).',
      default: false,
    },
    allow_private_targets: privateTargetsField('a Splunk Enterprise instance (or heavy forwarder)'),
  },
};

function urlProblem(value: JsonValue | undefined, allow: string[]): string | undefined {
  const raw = trimmedText(value);
  if (raw === undefined) return 'is required: where HEC listens, e.g. https://http-inputs-<stack>.splunkcloud.com (Splunk Cloud Platform) or https://<host>:8088 (Splunk Enterprise)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is ${JSON.stringify(raw.slice(0, 200))}: give an absolute https URL, e.g. https://http-inputs-<stack>.splunkcloud.com or https://<host>:8088`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')})`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: give the HEC token in token';
  if (url.search !== '' || url.hash !== '') return `must be HEC's URL without a query or fragment (the token goes in token, the index in index): ${url.origin}${url.pathname}`;
  if (/\/services\/collector\/raw/.test(url.pathname)) return 'names HEC\'s raw endpoint: Signal sends JSON events to /services/collector/event; give the URL without the path';
  return privateTargetProblem(url, allow, 'a Splunk instance');
}

function tokenProblem(value: JsonValue | undefined): string | undefined {
  const raw = trimmedText(value);
  if (raw === undefined) return 'is required: the HEC token\'s Token Value (Settings > Data Inputs > HTTP Event Collector), a GUID';
  const token = raw.replace(/^Splunk\s+/i, '');
  // Header values go out as Latin-1 bytes: only printable ASCII reaches Splunk as typed.
  if (token === '' || /[^\x21-\x7e]/.test(token)) return 'must be the token\'s Token Value alone, a GUID such as 12345678-9abc-4def-8123-456789abcdef (no spaces, line breaks or other characters than ASCII)';
  return undefined;
}

/** Splunk index names: lower-case letters, digits, `_` and `-`, not starting with `_` or `-`. */
const INDEX_NAME = /^[a-z0-9][a-z0-9_-]*$/;

function indexProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null) return undefined;
  const index = trimmedText(value);
  if (index === undefined) return typeof value === 'string' && value === '' ? undefined : 'must be an index name such as web_events (or left empty for the token\'s default index)';
  if (!INDEX_NAME.test(index)) return `is ${JSON.stringify(index.slice(0, 80))}: Splunk index names are lower-case letters, digits, underscores and hyphens, not starting with an underscore or hyphen (e.g. web_events)`;
  if (index.includes('kvstore')) return `is ${JSON.stringify(index)}: Splunk refuses index names containing "kvstore"`;
  return undefined;
}

function metadataProblem(value: JsonValue | undefined, field: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return `must be text (the events' ${field})`;
  return /[\x00-\x1f\x7f]/.test(value) ? `holds a line break or control character: give the ${field} on one line` : undefined;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a URL that is not
 * http(s), carries credentials, a query or the raw endpoint, or is a private address not
 * allow-listed (plain http only to one); a token that is not one line of ASCII; an index name
 * Splunk refuses; metadata with line breaks; indexed fields not offered; switches that are not
 * true or false; allow-list entries that are no host or range.
 *
 * @example
 * validateSplunkConfig({ url: 'https://http-inputs-acme.splunkcloud.com', token: '12345678-9abc-4def-8123-456789abcdef', index: 'Web Events' });
 * // [{ field: 'index', message: 'is "Web Events": Splunk index names are lower-case letters, digits, underscores and hyphens, …' }]
 */
export function validateSplunkConfig(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  problems.push(...privateTargetsProblems(config, 'splunk.internal'));
  const fields = config.indexed_fields;
  if (fields !== undefined && !Array.isArray(fields)) problems.push({ field: 'indexed_fields', message: `must be a list of field names, from: ${INDEXABLE_FIELDS.join(', ')}` });
  else (fields ?? []).forEach((entry, i) => {
    if (!(INDEXABLE_FIELDS as readonly JsonValue[]).includes(entry)) problems.push({ field: `indexed_fields[${i}]`, message: `is ${JSON.stringify(entry).slice(0, 80)}: choose from ${INDEXABLE_FIELDS.join(', ')}` });
  });
  const checks: Array<[string, string | undefined]> = [
    ['url', urlProblem(config.url, allowedPrivateTargets(config))],
    ['token', tokenProblem(config.token)],
    ['index', indexProblem(config.index)],
    ['sourcetype', metadataProblem(config.sourcetype, 'sourcetype')],
    ['source', metadataProblem(config.source, 'source')],
    ['host', metadataProblem(config.host, 'host')],
    ['indexer_acknowledgment', configSwitchProblem(config.indexer_acknowledgment)],
    ['gzip', configSwitchProblem(config.gzip)],
    ['include_contact_info', configSwitchProblem(config.include_contact_info)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  return problems;
}

/** A Splunk Cloud Platform host: its web (search head) address, or an HEC one. */
const CLOUD_HOST = /\.splunkcloud(?:gc)?\.com$/i;

/**
 * Advice about a valid config: a Splunk Cloud Platform URL that is the web address rather than
 * HEC's (no `http-inputs-` prefix: those requests never reach HEC); indexer acknowledgment on
 * Splunk Cloud Platform, which offers it for Amazon Data Firehose only; indexed fields with
 * `_json`, which indexes them already; a token that is not a GUID.
 *
 * @example
 * splunkConfigWarnings({ url: 'https://acme.splunkcloud.com', token: '12345678-9abc-4def-8123-456789abcdef' });
 * // [{ field: 'url', message: 'acme.splunkcloud.com is Splunk Cloud Platform\'s web address: HEC listens on https://http-inputs-acme.splunkcloud.com …' }]
 */
export function splunkConfigWarnings(config: Config): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  let host = '';
  let port = '';
  try {
    const url = new URL(trimmedText(config.url) ?? '');
    host = url.hostname;
    port = url.port;
  } catch {
    // validateConfig refuses it.
  }
  const cloud = CLOUD_HOST.test(host);
  // Trials take HEC on <stack>.splunkcloud.com:8088: only the web address on 443 is a mistake.
  if (cloud && !/^http-inputs[-.]/i.test(host) && port !== '8088') {
    const stack = host.replace(CLOUD_HOST, '');
    warnings.push({ field: 'url', message: `${host} is Splunk Cloud Platform's web address: HEC listens on https://http-inputs-${stack}${host.slice(stack.length)} (port 443), or on port 8088 of a trial stack; check the URL if deliveries fail with 404 or a web page` });
  }
  if (cloud && usesIndexerAck(config)) {
    warnings.push({ field: 'indexer_acknowledgment', message: 'Splunk Cloud Platform offers HEC indexer acknowledgment for Amazon Data Firehose only: turn it off unless your token has it (requests are then refused with "ACK is disabled", code 14)' });
  }
  const sourcetype = trimmedText(config.sourcetype) ?? DEFAULT_SOURCETYPE;
  const indexed = indexedFieldsOf(config);
  if (sourcetype === DEFAULT_SOURCETYPE && indexed.length > 0) {
    warnings.push({ field: 'indexed_fields', message: `with sourcetype _json Splunk already indexes every field of the event (INDEXED_EXTRACTIONS = json): ${indexed.join(', ')} would be indexed twice and show two values in searches — leave indexed_fields empty, or set a sourcetype of your own` });
  }
  const token = tokenOf(config);
  if (token !== '' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(token)) {
    warnings.push({ field: 'token', message: 'is not a GUID (12345678-9abc-4def-8123-456789abcdef), which HEC token values are: check that it is the Token Value, not the token\'s name' });
  }
  return warnings;
}
