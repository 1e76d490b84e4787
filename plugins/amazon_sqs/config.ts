// The integration's config: which queue in which Region (its URL, a standard or a FIFO queue),
// the access key that signs the requests, what each message carries besides its body (message
// attributes, a delay), how a FIFO queue's messages are grouped, and two switches (contact
// information, deletion notices); the schema the catalog shows and the checks the schema cannot
// make, each naming its field.
import { awsCredentialFieldSchemas, awsCredentialProblems, awsCredentialsOf, awsRegionProblem, awsSessionTokenWarnings, configSwitchProblem, trimmedText, type AwsCredentials, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** What a FIFO queue's MessageGroupId is: the person, the call type, or one fixed group. */
export const MESSAGE_GROUPS = ['person', 'event_type', 'fixed'] as const;
export type MessageGroupChoice = (typeof MESSAGE_GROUPS)[number];

/** Most seconds a standard queue's message may be delayed (15 minutes). */
export const MAX_DELAY_SECONDS = 900;
/** A queue name: 1–80 letters, digits, hyphens and underscores, a FIFO queue's ending in `.fifo` (counted in the 80). */
const QUEUE_NAME = /^(?=.{1,80}$)[A-Za-z0-9_-]+(?:\.fifo)?$/;
/**
 * A queue URL: `https://sqs.<region>.amazonaws.com/<account>/<name>` (`.amazonaws.com.cn` in
 * China), or the legacy `https://<region>.queue.amazonaws.com/<account>/<name>` and
 * `https://queue.amazonaws.com/<account>/<name>` (us-east-1) that older queues still show.
 */
const QUEUE_URL = /^https:\/\/(?:sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?|([a-z0-9-]+)\.queue\.amazonaws\.com(?:\.cn)?|(queue)\.amazonaws\.com)\/(\d{12})\/([^/?#\s]+)$/;
/** MessageGroupId and MessageDeduplicationId: 1–128 letters, digits and ASCII punctuation. */
export const GROUP_OR_DEDUP_ID = /^[A-Za-z0-9!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]{1,128}$/;

/** The configured Region, trimmed. */
export const regionOf = (config: Record<string, JsonValue>): string => trimmedText(config.region) ?? '';

/** The configured queue URL, trimmed (SQS takes it as `QueueUrl`). */
export const queueUrlOf = (config: Record<string, JsonValue>): string => trimmedText(config.queue_url) ?? '';

/** What a queue URL says: its Region, account and name. */
export interface QueueRef {
  region: string;
  account: string;
  name: string;
  fifo: boolean;
}

/**
 * The queue a URL names, or undefined when it is no SQS queue URL.
 *
 * @example
 * queueOf('https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events.fifo');
 * // { region: 'eu-west-1', account: '111122223333', name: 'signal-events.fifo', fifo: true }
 * queueOf('https://eu-west-1.queue.amazonaws.com/111122223333/signal-events');
 * // { region: 'eu-west-1', account: '111122223333', name: 'signal-events', fifo: false }
 */
export function queueOf(url: string): QueueRef | undefined {
  const match = QUEUE_URL.exec(url);
  if (!match) return undefined;
  const region = match[1] ?? match[2] ?? 'us-east-1';
  const name = match[5]!;
  return { region, account: match[4]!, name, fifo: name.endsWith('.fifo') };
}

/** The configured queue's name, for messages (the URL's last segment when it is no queue URL). */
export const queueNameOf = (config: Record<string, JsonValue>): string => queueOf(queueUrlOf(config))?.name ?? (queueUrlOf(config).split('/').pop() ?? '');

/** Whether the configured queue is a FIFO queue (its name ends in `.fifo`). */
export const isFifo = (config: Record<string, JsonValue>): boolean => queueOf(queueUrlOf(config))?.fifo ?? queueUrlOf(config).endsWith('.fifo');

/** The configured FIFO grouping: per person unless told. */
export function messageGroupChoiceOf(config: Record<string, JsonValue>): MessageGroupChoice {
  return (MESSAGE_GROUPS as readonly JsonValue[]).includes(config.message_group ?? null) ? (config.message_group as MessageGroupChoice) : 'person';
}

/** The fixed MessageGroupId (`message_group: fixed`), trimmed. */
export const fixedGroupOf = (config: Record<string, JsonValue>): string => trimmedText(config.message_group_id) ?? '';

/** Whether messages carry the event_type and event_name attributes (on unless turned off). */
export const sendsMessageAttributes = (config: Record<string, JsonValue>): boolean => config.message_attributes !== false;

/** A standard queue's per-message delay in seconds, when set. */
export const delaySecondsOf = (config: Record<string, JsonValue>): number | undefined => (typeof config.delay_seconds === 'number' && Number.isInteger(config.delay_seconds) ? config.delay_seconds : undefined);

/** Whether messages keep contact information (off unless turned on). */
export const includesContactInfo = (config: Record<string, JsonValue>): boolean => config.include_contact_info === true;

/** Whether person deletions are forwarded as deletion notice messages (off unless turned on). */
export const sendsDeletionNotices = (config: Record<string, JsonValue>): boolean => config.deletion_notices === true;

/** The access key that signs the requests, with the session token of temporary credentials. */
export function credentialsOf(config: Record<string, JsonValue>): AwsCredentials {
  return awsCredentialsOf(config);
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['region', 'queue_url', 'access_key_id', 'secret_access_key'],
  properties: {
    region: {
      type: 'string', title: 'Region',
      description: 'The queue\'s AWS Region code (SQS console, top right; also in the queue URL), e.g. eu-west-1.',
      pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$', maxLength: 32, examples: ['eu-west-1'],
    },
    queue_url: {
      type: 'string', title: 'Queue URL',
      description: 'The queue\'s URL, as the SQS console shows it under Details: https://sqs.<region>.amazonaws.com/<account id>/<queue name> (older queues: https://<region>.queue.amazonaws.com/…). A name ending in .fifo is a FIFO queue: messages then carry a MessageGroupId (see Message Group) and the event\'s messageId as MessageDeduplicationId. Signal does not create queues.',
      minLength: 1, maxLength: 256, format: 'uri', examples: ['https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events'],
    },
    ...awsCredentialFieldSchemas('sqs:SendMessage on the queue (which allows SendMessageBatch; and kms:GenerateDataKey and kms:Decrypt on its key when the queue is encrypted with a customer managed KMS key)'),
    message_attributes: {
      type: 'boolean', title: 'Message Attributes',
      description: 'On (default): each message carries two String message attributes, event_type (track, page, screen, identify, group, alias) and event_name (a track event\'s name), for SNS-style filtering and for consumers that route without parsing the body. Off: the body alone.',
      default: true,
    },
    message_group: {
      type: 'string', title: 'Message Group (FIFO queues)',
      description: 'FIFO queues only: what a message\'s MessageGroupId is — messages of one group are received in order, one group at a time. Per person (default): the userId, else the anonymousId, so each person\'s events stay in order while people are processed in parallel. Per event type: the call type (track, page…). Fixed: one group for every message (strict order, no parallelism), named in Message Group ID.',
      enum: [...MESSAGE_GROUPS], enumLabels: ['Per person (userId, else anonymousId)', 'Per event type (track, page, identify…)', 'Fixed (one group)'], default: 'person',
    },
    message_group_id: {
      type: 'string', title: 'Message Group ID',
      description: 'With Message Group "Fixed": the MessageGroupId of every message, 1 to 128 letters, digits and punctuation, e.g. signal.',
      minLength: 1, maxLength: 128, examples: ['signal'],
    },
    delay_seconds: {
      type: 'integer', title: 'Delay Seconds',
      description: 'Standard queues only: how long each message stays invisible after it is sent, 0 to 900 seconds. Empty: the queue\'s own delay. (A FIFO queue takes a delay on the queue only.)',
      minimum: 0, maximum: MAX_DELAY_SECONDS, examples: [0],
    },
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off (default): messages carry no contact information — no email, phone, names, addresses or birth dates in properties, traits or context, no IP address, URLs without query strings, an id that is an email or phone given as sha256:<hex> of it (as message groups and deletion notices give it). On: the events as Signal stored them, personal data included; turn it on only when your consumers need it and erase people themselves (see Deletion Notices).',
      default: false,
    },
    deletion_notices: {
      type: 'boolean', title: 'Deletion Notices',
      description: 'On: when Signal is asked to forget a person, a deletion notice message ({"type":"person_deletion","user_id","anonymous_id","requested_at"}, attribute event_type person_deletion) is sent to the queue, for your consumers to erase what they stored of the person. A queue cannot delete a person\'s messages: they are deleted as your consumers process them, or when the queue\'s retention ends. Off unless set (it needs consumers that act on the notices).',
      // No default: off unless set; the example is the value that turns the feature on.
      examples: [true],
    },
  },
};

function regionProblem(value: JsonValue | undefined): string | undefined {
  return awsRegionProblem(value, "the queue's");
}

function queueUrlProblem(config: Record<string, JsonValue>): string | undefined {
  const given = trimmedText(config.queue_url);
  if (given === undefined) return 'is required: the queue\'s URL, e.g. https://sqs.eu-west-1.amazonaws.com/111122223333/signal-events';
  const shown = JSON.stringify(given.slice(0, 200));
  if (given.startsWith('arn:')) return `is ${shown}, a queue ARN: give the queue's URL (SQS console, the queue's Details), https://sqs.<region>.amazonaws.com/<account id>/<queue name>`;
  const queue = queueOf(given);
  if (queue === undefined) {
    if (/^https?:\/\/[^/]*amazonaws\.com(?:\.cn)?\/\d{12}\/[^/]+\/+$/.test(given)) return `is ${shown}, with a slash at the end: give the URL as SQS shows it, without the trailing slash`;
    return `is ${shown}: a queue URL reads https://sqs.<region>.amazonaws.com/<12-digit account id>/<queue name> (copy it from the SQS console, the queue's Details)`;
  }
  if (!QUEUE_NAME.test(queue.name)) return `names the queue ${JSON.stringify(queue.name.slice(0, 100))}: a queue name is 1 to 80 letters, digits, hyphens and underscores, a FIFO queue's ending in .fifo`;
  const cn = new URL(given).hostname.endsWith('.cn');
  if (cn !== queue.region.startsWith('cn-')) return `is ${shown}: the China Regions' queues are on amazonaws.com.cn, the others' on amazonaws.com`;
  const region = trimmedText(config.region);
  if (region !== undefined && queue.region !== region) return `is in Region ${queue.region}, but region is ${region}: requests are signed for and sent to the configured Region's endpoint, so set region to ${queue.region}`;
  return undefined;
}

function messageGroupProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (config.message_group !== undefined && !(MESSAGE_GROUPS as readonly JsonValue[]).includes(config.message_group)) {
    problems.push({ field: 'message_group', message: 'must be person (the userId, else the anonymousId), event_type (the call type) or fixed (message_group_id)' });
  }
  const fixed = trimmedText(config.message_group_id);
  if (config.message_group_id !== undefined && typeof config.message_group_id !== 'string') problems.push({ field: 'message_group_id', message: 'must be text: 1 to 128 letters, digits and punctuation' });
  else if (fixed !== undefined && !GROUP_OR_DEDUP_ID.test(fixed)) problems.push({ field: 'message_group_id', message: `is ${JSON.stringify(fixed.slice(0, 140))}: a MessageGroupId is 1 to 128 letters, digits and punctuation (no spaces, no other characters), e.g. signal` });
  else if (config.message_group === 'fixed' && fixed === undefined && isFifo(config)) problems.push({ field: 'message_group_id', message: 'is required with message_group fixed: the one MessageGroupId of every message, e.g. signal' });
  return problems;
}

function delayProblem(config: Record<string, JsonValue>): string | undefined {
  const delay = config.delay_seconds;
  if (delay === undefined || delay === null) return undefined;
  if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) return `must be a whole number of seconds from 0 to ${MAX_DELAY_SECONDS} (15 minutes)`;
  if (isFifo(config)) return 'is set, but the queue is a FIFO queue (its URL ends in .fifo): SQS refuses a per-message delay there; set the delay on the queue (Delivery delay) and leave this empty';
  return undefined;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a Region that is a
 * name or a zone; a queue URL that is an ARN, has no account id, ends in a slash, or is in
 * another Region than `region`; a MessageGroupId SQS would refuse; a delay on a FIFO queue;
 * an access key ID or secret pasted with white space.
 *
 * @example
 * validateSqsConfig({ region: 'eu-west-1', queue_url: 'https://sqs.us-east-1.amazonaws.com/111122223333/signal-events', access_key_id: 'AKIA…', secret_access_key: '…' });
 * // [{ field: 'queue_url', message: 'is in Region us-east-1, but region is eu-west-1: … so set region to us-east-1' }]
 */
export function validateSqsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (field: string, message: string | undefined) => {
    if (message !== undefined) problems.push({ field, message });
  };
  add('region', regionProblem(config.region));
  add('queue_url', queueUrlProblem(config));
  problems.push(...awsCredentialProblems(config));
  add('message_attributes', configSwitchProblem(config.message_attributes));
  problems.push(...messageGroupProblems(config));
  add('delay_seconds', delayProblem(config));
  add('include_contact_info', configSwitchProblem(config.include_contact_info));
  add('deletion_notices', configSwitchProblem(config.deletion_notices));
  return problems;
}

/**
 * Advice about a valid config, never refusing it: a session token with a long-lived key (AKIA…),
 * which AWS refuses; message-group settings on a standard queue, where they do nothing.
 * Secret fields come masked: only whether the token is set is read.
 *
 * @example
 * sqsConfigWarnings({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', session_token: '••••', queue_url: 'https://sqs.eu-west-1.amazonaws.com/111122223333/q' });
 * // [{ field: 'session_token', message: 'is set, but access_key_id is a long-lived key (AKIA…): …' }]
 */
export function sqsConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  const warnings = awsSessionTokenWarnings(config);
  if (!isFifo(config) && queueOf(queueUrlOf(config)) !== undefined && (config.message_group === 'fixed' || config.message_group === 'event_type')) {
    warnings.push({ field: 'message_group', message: `is ${config.message_group}, but the queue is a standard queue (its URL does not end in .fifo): messages carry no MessageGroupId there, so this does nothing` });
  }
  return warnings;
}
