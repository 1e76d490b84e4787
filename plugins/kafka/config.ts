// The integration's config: where the records go (a Kafka REST endpoint, the cluster's id and a
// topic), whom the endpoint knows Signal by (an API key and secret, or nothing for a REST Proxy
// without authentication), what a record's key is, two switches (contact information, deletion
// records), how many records a request carries, and the private networks Signal may reach a
// self-managed REST Proxy on; the schema the catalog shows and the checks the schema cannot make,
// each naming its field.
import { allowedPrivateTargets, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

export const RECORD_KEYS = ['person', 'anonymous_id', 'message_id', 'none'] as const;
export type RecordKeyChoice = (typeof RECORD_KEYS)[number];
export const DELETION_RECORDS = ['off', 'notice', 'tombstone'] as const;
export type DeletionRecords = (typeof DELETION_RECORDS)[number];

/** Records in one request unless the config says otherwise. */
export const DEFAULT_RECORDS_PER_REQUEST = 25;
/** Most records in one request: their delivery reports (a few hundred bytes each) stay well within the 1 MiB of an answer the core reads. */
export const MAX_RECORDS_PER_REQUEST = 100;

/** Confluent Cloud's REST endpoints: `pkc-<id>.<region>.<cloud>.confluent.cloud` (and private-network forms under it). */
const CONFLUENT_CLOUD_HOST = /(^|\.)confluent\.cloud$/i;
/** Kafka topic names: 1–249 of letters, digits, `.`, `_` and `-` (Kafka's own rule), not `.` or `..`. */
const TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;
/** Cluster ids: Confluent Cloud's `lkc-…`, a self-managed cluster's base64url id (`xFhUvurESIeeCI87SXWR-Q`). */
const CLUSTER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Whether a host is Confluent Cloud's. */
export const isConfluentCloudHost = (host: string): boolean => CONFLUENT_CLOUD_HOST.test(host);

/** The configured record key: per person unless told. */
export function recordKeyChoiceOf(config: Record<string, JsonValue>): RecordKeyChoice {
  return (RECORD_KEYS as readonly JsonValue[]).includes(config.record_key ?? null) ? (config.record_key as RecordKeyChoice) : 'person';
}

/** What a person deletion writes to the topic: nothing unless turned on. */
export function deletionRecordsOf(config: Record<string, JsonValue>): DeletionRecords {
  return (DELETION_RECORDS as readonly JsonValue[]).includes(config.deletion_records ?? null) ? (config.deletion_records as DeletionRecords) : 'off';
}

/** Whether records keep contact information (off unless turned on). */
export const includesContactInfo = (config: Record<string, JsonValue>): boolean => config.include_contact_info === true;

/** Records in one request: the config's, within 1–100. */
export function recordsPerRequestOf(config: Record<string, JsonValue>): number {
  const value = config.records_per_request;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 ? Math.min(value, MAX_RECORDS_PER_REQUEST) : DEFAULT_RECORDS_PER_REQUEST;
}

/** The configured topic, trimmed. */
export const topicOf = (config: Record<string, JsonValue>): string => trimmedText(config.topic) ?? '';

/** The configured cluster id, trimmed. */
export const clusterIdOf = (config: Record<string, JsonValue>): string => trimmedText(config.cluster_id) ?? '';

/**
 * The base of the Kafka REST v3 API: Confluent Cloud serves it under `/kafka/v3` of its REST
 * endpoint, a self-managed REST Proxy under `/v3` of its URL, which may carry a path prefix
 * (Confluent Server's embedded REST API: `http://broker:8090/kafka`, so `/kafka/v3`).
 *
 * @example
 * apiBaseOf({ rest_endpoint: 'https://pkc-abc12.eu-west-1.aws.confluent.cloud:443' }); // 'https://pkc-abc12.eu-west-1.aws.confluent.cloud/kafka/v3'
 * apiBaseOf({ rest_endpoint: 'http://10.0.3.7:8082' });                                 // 'http://10.0.3.7:8082/v3'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  const raw = trimmedText(config.rest_endpoint) ?? '';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return raw.replace(/\/+$/, '');
  }
  const path = url.pathname.replace(/\/+$/, '');
  const prefix = path === '' && isConfluentCloudHost(url.hostname) ? '/kafka' : path;
  return `${url.origin}${prefix}/v3`;
}

/**
 * The produce URL: `<api base>/clusters/<cluster id>/topics/<topic>/records`.
 *
 * @example
 * recordsUrlOf({ rest_endpoint: 'https://pkc-abc12.eu-west-1.aws.confluent.cloud:443', cluster_id: 'lkc-abc123', topic: 'signal-events' });
 * // 'https://pkc-abc12.eu-west-1.aws.confluent.cloud/kafka/v3/clusters/lkc-abc123/topics/signal-events/records'
 */
export function recordsUrlOf(config: Record<string, JsonValue>): string {
  return `${apiBaseOf(config)}/clusters/${encodeURIComponent(clusterIdOf(config))}/topics/${encodeURIComponent(topicOf(config))}/records`;
}

/** The Authorization header: HTTP Basic with the API key and secret, or none when neither is set. */
export function authorizationOf(config: Record<string, JsonValue>): string | undefined {
  const key = trimmedText(config.api_key);
  const secret = typeof config.api_secret === 'string' && config.api_secret !== '' ? config.api_secret : undefined;
  if (key === undefined && secret === undefined) return undefined;
  return `Basic ${Buffer.from(`${key ?? ''}:${secret ?? ''}`, 'utf8').toString('base64')}`;
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['rest_endpoint', 'cluster_id', 'topic'],
  properties: {
    rest_endpoint: {
      type: 'string', title: 'REST Endpoint',
      description: 'Confluent Cloud: the cluster\'s REST endpoint (Cluster settings > Endpoints > REST endpoint, or confluent kafka cluster describe: https://pkc-<id>.<region>.<cloud>.confluent.cloud:443); records go to its /kafka/v3 API. A self-managed Confluent REST Proxy: its URL (https://kafka-rest.example.com:8082), records going to its /v3 API; a path is kept as a prefix (Confluent Server\'s embedded REST API: http://broker:8090/kafka). Plain http only to a host listed in allow_private_targets.',
      format: 'uri', minLength: 1, maxLength: 2048, examples: ['https://kafka-rest.example.com:8082', 'https://pkc-abc12.eu-west-1.aws.confluent.cloud:443'],
    },
    cluster_id: {
      type: 'string', title: 'Cluster ID',
      description: 'The Kafka cluster\'s id: Confluent Cloud\'s lkc-… (Cluster settings > General), not the pkc-… of the endpoint\'s host; a self-managed cluster\'s id as GET <REST Proxy>/v3/clusters lists it (e.g. xFhUvurESIeeCI87SXWR-Q).',
      minLength: 1, maxLength: 128, examples: ['lkc-abc123'],
    },
    topic: {
      type: 'string', title: 'Topic',
      description: 'The topic every event is produced to, one record each (letters, digits, . _ -). Create it first: Signal does not create topics. For tombstone deletions, a compacted topic (cleanup.policy=compact).',
      minLength: 1, maxLength: 249, examples: ['signal-events'],
    },
    api_key: {
      type: 'string', title: 'API Key',
      description: 'Confluent Cloud: a Kafka API key of the cluster (Cluster > API keys), owned by a service account with a WRITE ACL on the topic (or the DeveloperWrite role). A self-managed REST Proxy with HTTP Basic authentication: the user name. Leave empty, with the secret, for a REST Proxy without authentication.',
      maxLength: 256, examples: ['ABCDEFGH12345678'],
    },
    api_secret: {
      type: 'string', title: 'API Secret', secret: true,
      description: 'The API key\'s secret, shown once when the key is created (or the REST Proxy user\'s password): sent as HTTP Basic authentication over HTTPS.',
      maxLength: 1024, examples: ['conformance-api-secret-0123456789'],
    },
    record_key: {
      type: 'string', title: 'Record Key',
      description: 'What a record\'s key is, which picks its partition. Per person (default): the userId, else the anonymousId, so one person\'s records are read in order. Per browser: the anonymousId, else the userId. Per event: the messageId, spread evenly, in no order. None: no key (the producer spreads records over partitions).',
      enum: [...RECORD_KEYS], enumLabels: ['Per person (userId, else anonymousId)', 'Per browser (anonymousId, else userId)', 'Per event (messageId)', 'None'], default: 'person',
    },
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off (default): records carry no contact information — no email, phone, names, addresses or birth dates in properties, traits or context, no IP address, URLs without query strings, an id that is an email or phone given as sha256:<hex> of it (as its record key gives it). On: the events as Signal stored them, personal data included; turn it on only when your consumers need it and erase people themselves (see Deletion Records).',
      default: false,
    },
    deletion_records: {
      type: 'string', title: 'Deletion Records',
      description: 'What a person deletion writes to the topic (a topic cannot delete records: they stay until its retention ends). Off (default): nothing. Notice: one deletion notice record ({"type":"person_deletion","user_id","anonymous_id","requested_at"}) under the person\'s key, for your consumers to erase what they stored. Tombstone: a record with a null value under each of the person\'s keys (userId, anonymousId), which removes their records from a compacted topic keyed per person or per browser.',
      enum: [...DELETION_RECORDS], enumLabels: ['Off', 'Deletion notice record', 'Tombstones (compacted topics)'],
      // No default: off unless set; the example is a value that turns the feature on.
      examples: ['notice'],
    },
    records_per_request: {
      type: 'integer', title: 'Records per Request',
      description: `How many records one request carries, as a stream of JSON objects that Kafka REST answers with one delivery report each (1 to ${MAX_RECORDS_PER_REQUEST}, default ${DEFAULT_RECORDS_PER_REQUEST}). Set 1 for a REST endpoint that takes one record a request.`,
      minimum: 1, maximum: MAX_RECORDS_PER_REQUEST, default: DEFAULT_RECORDS_PER_REQUEST,
    },
    allow_private_targets: privateTargetsField('a self-managed REST Proxy', 'or of a Confluent Cloud endpoint reached over private networking, whose name resolves to a private address'),
  },
};

function endpointProblem(config: Record<string, JsonValue>, allow: string[]): string | undefined {
  const raw = trimmedText(config.rest_endpoint);
  if (raw === undefined) return 'is required: Confluent Cloud\'s REST endpoint (https://pkc-<id>.<region>.<cloud>.confluent.cloud:443) or your REST Proxy\'s URL';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is ${JSON.stringify(raw.slice(0, 200))}: give an absolute https URL, e.g. https://pkc-abc12.eu-west-1.aws.confluent.cloud:443`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')})`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: the key goes in api_key and the secret in api_secret';
  if (url.search !== '' || url.hash !== '') return `must have no query or fragment: ${url.origin}${url.pathname.replace(/\/+$/, '')}`;
  const path = url.pathname.replace(/\/+$/, '');
  if (/\/v3(\/|$)|\/clusters(\/|$)|\/records$/.test(path)) {
    const base = `${url.origin}${path.replace(/\/v3(?:\/.*)?$|\/clusters(?:\/.*)?$/, '')}`;
    return `must be the endpoint without the API's path (Signal adds ${isConfluentCloudHost(url.hostname) ? '/kafka/v3' : '/v3'}/clusters/<cluster_id>/topics/<topic>/records): ${isConfluentCloudHost(url.hostname) ? url.origin : base}`;
  }
  return privateTargetProblem(url, allow, 'a REST Proxy');
}

/** Whether the config's endpoint is Confluent Cloud's. */
function isConfluentCloudEndpoint(config: Record<string, JsonValue>): boolean {
  const endpoint = trimmedText(config.rest_endpoint);
  if (endpoint === undefined || !URL.canParse(endpoint)) return false;
  return isConfluentCloudHost(new URL(endpoint).hostname);
}

function clusterProblem(config: Record<string, JsonValue>): string | undefined {
  const id = trimmedText(config.cluster_id);
  if (id === undefined) return 'is required: the Kafka cluster\'s id (Confluent Cloud: lkc-…)';
  const shown = JSON.stringify(id.slice(0, 130));
  // Other Confluent Cloud resources' ids, refused on Cloud only: a self-managed cluster's
  // base64url id may well start with "u-" or "sa-".
  if (isConfluentCloudEndpoint(config) && /^(pkc|env|sa|u|lsrc|lcc)-/.test(id)) return `is ${shown}: give the Kafka cluster's id, lkc-… (Cluster settings > General), not the ${id.startsWith('pkc-') ? 'endpoint host\'s pkc-… id' : 'id of another resource'}`;
  if (!CLUSTER_ID.test(id)) return `is ${shown}: a cluster id holds letters, digits, _ and - (Confluent Cloud: lkc-abc123; a self-managed cluster: as GET /v3/clusters lists it)`;
  return undefined;
}

function topicProblem(config: Record<string, JsonValue>): string | undefined {
  const topic = trimmedText(config.topic);
  if (topic === undefined) return 'is required: the topic the events go to (e.g. signal-events)';
  if (topic === '.' || topic === '..' || !TOPIC.test(topic)) return `is ${JSON.stringify(topic.slice(0, 250))}: a Kafka topic name is 1 to 249 letters, digits, periods, underscores and hyphens`;
  return undefined;
}

function credentialProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const key = trimmedText(config.api_key);
  const secret = typeof config.api_secret === 'string' && config.api_secret !== '' ? config.api_secret : undefined;
  const cloud = isConfluentCloudEndpoint(config);
  if (key === undefined && secret === undefined) {
    return cloud ? [{ field: 'api_key', message: 'is required for Confluent Cloud: a Kafka API key of the cluster (with api_secret), owned by a service account allowed to WRITE to the topic' }] : [];
  }
  if (key === undefined) return [{ field: 'api_key', message: 'is required with api_secret: the API key (or REST Proxy user name) the secret belongs to' }];
  if (secret === undefined) return [{ field: 'api_secret', message: 'is required with api_key: the API key\'s secret (or the REST Proxy user\'s password)' }];
  if (key.includes(':')) return [{ field: 'api_key', message: 'must not contain ":": HTTP Basic authentication separates the key from the secret with it (paste the key alone, the secret in api_secret)' }];
  if (secret.trim() !== secret) return [{ field: 'api_secret', message: 'starts or ends with white space: paste the secret alone, as shown when the key was created' }];
  return [];
}

/**
 * Config problems the schema cannot say in words, each naming its field: an endpoint that is no
 * URL, carries the API's path or credentials, uses http to a public host, or is a private
 * address not allow-listed; a pkc-… id as cluster_id; a topic name Kafka refuses; a key without
 * its secret (or Confluent Cloud without a key); tombstones with records keyed per event or
 * unkeyed (a tombstone needs the person's key); allow-list entries that are no host or range.
 *
 * @example
 * validateKafkaConfig({ rest_endpoint: 'https://pkc-abc12.eu-west-1.aws.confluent.cloud:443', cluster_id: 'pkc-abc12', topic: 'signal-events', api_key: 'K', api_secret: 'S' });
 * // [{ field: 'cluster_id', message: 'is "pkc-abc12": give the Kafka cluster\'s id, lkc-… (Cluster settings > General), not the endpoint host\'s pkc-… id' }]
 */
export function validateKafkaConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  problems.push(...privateTargetsProblems(config, 'kafka-rest.internal'));
  const checks: Array<[string, string | undefined]> = [
    ['rest_endpoint', endpointProblem(config, allowedPrivateTargets(config))],
    ['cluster_id', clusterProblem(config)],
    ['topic', topicProblem(config)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  problems.push(...credentialProblems(config));
  const keyChoice = recordKeyChoiceOf(config);
  if (deletionRecordsOf(config) === 'tombstone' && (keyChoice === 'message_id' || keyChoice === 'none')) {
    problems.push({ field: 'deletion_records', message: `is tombstone, but record_key is ${keyChoice}: a tombstone removes the records of its key, so records must be keyed per person or per browser (set record_key to person), or choose notice` });
  }
  return problems;
}
