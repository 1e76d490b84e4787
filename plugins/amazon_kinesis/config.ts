// The integration's config: which service (a Kinesis data stream or an Amazon Data Firehose
// stream), which stream in which Region, the access key that signs the requests, how records
// are partitioned, and two switches (contact information, deletion notices); the schema the
// catalog shows and the checks the schema cannot make, each naming its field.
import { awsCredentialFieldSchemas, awsCredentialProblems, awsCredentialsOf, awsRegionProblem, awsSessionTokenWarnings, configSwitchProblem, trimmedText, type AwsCredentials, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

export const SERVICES = ['data_streams', 'firehose'] as const;
export type Service = (typeof SERVICES)[number];
export const PARTITION_KEYS = ['person', 'anonymous_id', 'message_id'] as const;
export type PartitionKeyChoice = (typeof PARTITION_KEYS)[number];

/** Stream names, both services: 1–128 of letters, digits, `_`, `.` and `-`. */
const STREAM_NAME = /^[a-zA-Z0-9_.-]{1,128}$/;
/** A stream's ARN: `arn:<partition>:kinesis:<region>:<account>:stream/<name>` (`firehose` … `deliverystream/<name>`). */
const STREAM_ARN = /^arn:(aws[a-z-]*):(kinesis|firehose):([a-z0-9-]+):(\d{12}):(stream|deliverystream)\/([a-zA-Z0-9_.-]{1,128})$/;

/** The configured service: Kinesis Data Streams unless `firehose`. */
export const serviceOf = (config: Record<string, JsonValue>): Service => (config.service === 'firehose' ? 'firehose' : 'data_streams');

/** The configured partition key: per person unless told. */
export function partitionKeyChoiceOf(config: Record<string, JsonValue>): PartitionKeyChoice {
  return (PARTITION_KEYS as readonly JsonValue[]).includes(config.partition_key ?? null) ? (config.partition_key as PartitionKeyChoice) : 'person';
}

/** Whether records keep contact information (off unless turned on). */
export const includesContactInfo = (config: Record<string, JsonValue>): boolean => config.include_contact_info === true;

/** Whether person deletions are forwarded as deletion notice records (off unless turned on). */
export const sendsDeletionNotices = (config: Record<string, JsonValue>): boolean => config.deletion_notices === true;

/** The configured Region, trimmed. */
export const regionOf = (config: Record<string, JsonValue>): string => trimmedText(config.region) ?? '';

/** The stream as the request names it: by name, or (data streams) by ARN. */
export type StreamRef = { name: string; arn?: string };

/**
 * The configured stream: a name, or an ARN — kept whole for a data stream (PutRecords takes
 * `StreamARN`, which AWS recommends), its name for a Firehose stream (PutRecordBatch takes
 * the name only).
 *
 * @example
 * streamOf({ stream_name: 'arn:aws:kinesis:eu-west-1:111122223333:stream/signal-events' });
 * // { name: 'signal-events', arn: 'arn:aws:kinesis:eu-west-1:111122223333:stream/signal-events' }
 */
export function streamOf(config: Record<string, JsonValue>): StreamRef {
  const given = trimmedText(config.stream_name) ?? '';
  const arn = STREAM_ARN.exec(given);
  if (!arn) return { name: given };
  return serviceOf(config) === 'data_streams' ? { name: arn[6]!, arn: given } : { name: arn[6]! };
}

/** The access key that signs the requests, with the session token of temporary credentials. */
export function credentialsOf(config: Record<string, JsonValue>): AwsCredentials {
  return awsCredentialsOf(config);
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['service', 'region', 'stream_name', 'access_key_id', 'secret_access_key'],
  properties: {
    service: {
      type: 'string', title: 'Service',
      description: 'Kinesis Data Streams (PutRecords: your consumers read the stream, ordered per partition key) or Amazon Data Firehose (PutRecordBatch: Firehose delivers the records to S3, Redshift, OpenSearch, Snowflake… one JSON record a line).',
      enum: [...SERVICES], enumLabels: ['Kinesis Data Streams', 'Amazon Data Firehose'], default: 'data_streams', examples: ['data_streams'],
    },
    region: {
      type: 'string', title: 'Region',
      description: 'The stream\'s AWS Region code (Kinesis or Firehose console, top right), e.g. eu-west-1.',
      pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$', maxLength: 32, examples: ['eu-west-1'],
    },
    stream_name: {
      type: 'string', title: 'Stream Name',
      description: 'The data stream\'s or Firehose stream\'s name (letters, digits, _ . -), or its ARN (arn:aws:kinesis:<region>:<account>:stream/<name>, or arn:aws:firehose:…:deliverystream/<name>). Signal does not create streams.',
      minLength: 1, maxLength: 2048, examples: ['signal-events'],
    },
    ...awsCredentialFieldSchemas('kinesis:PutRecords on the data stream, or firehose:PutRecordBatch on the Firehose stream (and kms:GenerateDataKey on its key when the stream is encrypted with a customer managed key)'),
    partition_key: {
      type: 'string', title: 'Partition Key',
      description: 'Data streams only: what a record\'s partition key (its shard) is. Per person (default): the userId, else the anonymousId, so one person\'s records are read in order. Per browser: the anonymousId, else the userId. Per event: the messageId, spreading records evenly over the shards, in no order.',
      enum: [...PARTITION_KEYS], enumLabels: ['Per person (userId, else anonymousId)', 'Per browser (anonymousId, else userId)', 'Per event (messageId)'], default: 'person',
    },
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off (default): records carry no contact information — no email, phone, names, addresses or birth dates in properties, traits or context, no IP address, URLs without query strings, an id that is an email or phone given as sha256:<hex> of it (as its partition key and deletion notices give it). On: the events as Signal stored them, personal data included; turn it on only when your consumers need it and erase people themselves (see Deletion Notices).',
      default: false,
    },
    deletion_notices: {
      type: 'boolean', title: 'Deletion Notices',
      description: 'On: when Signal is asked to forget a person, a deletion notice record ({"type":"person_deletion","user_id","anonymous_id","requested_at"}) is written to the stream, for your consumers to erase what they stored of the person. A stream cannot delete its records: they expire at the end of its retention (Firehose keeps none once delivered). Off unless set (it needs consumers that act on the notices).',
      // No default: off unless set; the example is the value that turns the feature on.
      examples: [true],
    },
  },
};

function regionProblem(value: JsonValue | undefined): string | undefined {
  return awsRegionProblem(value, "the stream's");
}

function streamProblem(config: Record<string, JsonValue>): string | undefined {
  const given = trimmedText(config.stream_name);
  if (given === undefined) return 'is required: the stream\'s name (e.g. signal-events) or ARN';
  const shown = JSON.stringify(given.slice(0, 200));
  if (given.startsWith('arn:')) {
    const arn = STREAM_ARN.exec(given);
    if (!arn) return `is ${shown}: a stream ARN reads arn:aws:kinesis:<region>:<account id>:stream/<name> (a data stream) or arn:aws:firehose:<region>:<account id>:deliverystream/<name> (a Firehose stream)`;
    const service = serviceOf(config);
    if (arn[2] === 'kinesis' && service === 'firehose') return `is ${shown}, a Kinesis data stream's ARN, while service is firehose: set service to data_streams, or give the Firehose stream's name`;
    if (arn[2] === 'firehose' && service === 'data_streams') return `is ${shown}, a Firehose stream's ARN, while service is data_streams: set service to firehose, or give the data stream's name`;
    const region = trimmedText(config.region);
    if (region !== undefined && arn[3] !== region) return `is in Region ${arn[3]}, but region is ${region}: requests go to the configured region's endpoint, so set region to ${arn[3]!}`;
    return undefined;
  }
  if (!STREAM_NAME.test(given)) return `is ${shown}: a stream name is 1 to 128 letters, digits, underscores, periods and hyphens (copy it from the Kinesis or Firehose console)`;
  return undefined;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a Region that is a
 * name or a zone; a stream name with characters AWS refuses, or an ARN of the other service or
 * of another Region; an access key ID or secret pasted with white space. (A session token
 * given with a long-lived AKIA… key is a warning, `kinesisConfigWarnings`: key IDs are not
 * documented to keep that prefix.)
 *
 * @example
 * validateKinesisConfig({ service: 'data_streams', region: 'Europe (Ireland)', stream_name: 'signal-events', access_key_id: 'AKIA…', secret_access_key: '…' });
 * // [{ field: 'region', message: 'is "Europe (Ireland)": give an AWS Region code such as eu-west-1 (…)' }]
 */
export function validateKinesisConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (field: string, message: string | undefined) => {
    if (message !== undefined) problems.push({ field, message });
  };
  if (config.service !== undefined && !(SERVICES as readonly JsonValue[]).includes(config.service)) add('service', 'must be data_streams (Kinesis Data Streams) or firehose (Amazon Data Firehose)');
  add('region', regionProblem(config.region));
  add('stream_name', streamProblem(config));
  problems.push(...awsCredentialProblems(config));
  if (config.partition_key !== undefined && !(PARTITION_KEYS as readonly JsonValue[]).includes(config.partition_key)) add('partition_key', 'must be person, anonymous_id or message_id');
  add('include_contact_info', configSwitchProblem(config.include_contact_info));
  add('deletion_notices', configSwitchProblem(config.deletion_notices));
  return problems;
}

/**
 * Advice about a valid config, never refusing it: a session token with a long-lived key
 * (AKIA…), which AWS refuses (a session token goes only with temporary ASIA… credentials).
 * Secret fields come masked: only whether the token is set is read.
 *
 * @example
 * kinesisConfigWarnings({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', session_token: '••••' });
 * // [{ field: 'session_token', message: 'is set, but access_key_id is a long-lived key (AKIA…): …' }]
 */
export function kinesisConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  return awsSessionTokenWarnings(config);
}
