// The integration's config: where the messages go (project, topic, and the endpoint's location),
// the credential (a service account's JSON key), and the switches (ordering key, contact
// information, deletion notices); the schema the catalog shows, and the checks the schema cannot
// make, each naming its field.
import { configSwitchProblem, parseGoogleServiceAccountKey, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** How messages are given an ordering key: none, or one per person (the visitor's id, else the user's). */
export const ORDERING_MODES = ['none', 'person'] as const;
export type OrderingMode = (typeof ORDERING_MODES)[number];

/** The topic the messages go to, as the config names it. */
export interface TopicRef {
  projectId: string;
  topicId: string;
}

/** The configured events topic (trimmed: a pasted id often carries a space or a line break). */
export function topicOf(config: Record<string, JsonValue>): TopicRef {
  return { projectId: trimmedText(config.project_id) ?? '', topicId: trimmedText(config.topic_id) ?? '' };
}

/** The topic deletion notices go to: `deletion_topic_id` when set, else the events topic. */
export function deletionTopicOf(config: Record<string, JsonValue>): TopicRef {
  const topic = topicOf(config);
  return { ...topic, topicId: trimmedText(config.deletion_topic_id) ?? topic.topicId };
}

/** The locational endpoint's location (`us-east1`), or undefined for the global endpoint. */
export const locationOf = (config: Record<string, JsonValue>): string | undefined => trimmedText(config.endpoint_location)?.toLowerCase();

/** The ordering mode (none unless set to person). */
export const orderingOf = (config: Record<string, JsonValue>): OrderingMode => (config.ordering_key === 'person' ? 'person' : 'none');

/** Whether messages keep contact information (off unless turned on). */
export const includesContactInfo = (config: Record<string, JsonValue>): boolean => config.include_contact_info === true;

/** Whether person deletions are published as notices (off unless turned on). */
export const sendsDeletionNotices = (config: Record<string, JsonValue>): boolean => config.deletion_notices === true;

/**
 * The service account's email in the configured key, for messages saying whom to grant a role
 * (an email is no secret; the key's private part never leaves the token request).
 */
export function serviceAccountEmail(config: Record<string, JsonValue>): string | undefined {
  const key = parseGoogleServiceAccountKey(config.service_account_key);
  return typeof key === 'string' ? undefined : key.client_email;
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['project_id', 'topic_id', 'service_account_key'],
  properties: {
    project_id: {
      type: 'string', title: 'Project ID',
      description: 'The Google Cloud project that holds the topic (Cloud console > project picker: the ID column, e.g. shop-analytics; not the project\'s name or number).',
      // No pattern: validateConfig says what is wrong in words, naming the field.
      minLength: 1, maxLength: 100, examples: ['shop-analytics'],
    },
    topic_id: {
      type: 'string', title: 'Topic ID',
      description: 'The topic the events are published to, one message each (Pub/Sub > Topics: the Topic ID, e.g. signal-events, not the projects/…/topics/… name). Create it first; Signal does not create topics.',
      minLength: 1, maxLength: 255, examples: ['signal-events'],
    },
    service_account_key: {
      type: 'string', title: 'Service Account Key', secret: true,
      description: 'The JSON key file of a Google Cloud service account, pasted whole (IAM & Admin > Service accounts > the account > Keys > Add key > JSON). Give the account the Pub/Sub Publisher role (roles/pubsub.publisher) on the topic (and on the deletion topic, when it is another). Signal signs its token requests with it; the key never leaves Signal.',
      maxLength: 10_000,
    },
    endpoint_location: {
      type: 'string', title: 'Endpoint Location',
      description: 'A Google Cloud region (e.g. europe-west1) to publish through its locational endpoint, <region>-pubsub.googleapis.com, so every message is stored in that region first; blank publishes through the global endpoint, pubsub.googleapis.com, which picks the nearest region. Required with ordering keys: Pub/Sub only orders messages of a key published in the same region. The topic\'s message storage policy must allow the region.',
      maxLength: 40, examples: ['europe-west1'],
    },
    ordering_key: {
      type: 'string', title: 'Ordering Key',
      description: 'none: no ordering key (the highest throughput). person: each message\'s ordering key is its person — the anonymousId (the browser\'s visitor id), else the userId — so a subscription with message ordering enabled delivers a person\'s events in the order Signal published them (at most 1 MB/s per key; needs Endpoint Location).',
      enum: ['none', 'person'], enumLabels: ['None', 'Per person (anonymousId, else userId)'], default: 'none',
    },
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off: the messages carry no contact information — no email, phone, names, addresses or birth dates in properties, traits or context (at any depth), no IP address, URLs without their query strings, no id that is an email address or phone number. On: the events go as Signal stored them; your consumers and the topic\'s retention then hold personal data. Off by default.',
      default: false,
    },
    deletion_notices: {
      type: 'boolean', title: 'Publish Person Deletion Notices',
      description: 'Pub/Sub cannot delete published messages: on, a person deletion in Signal publishes a notice message (attribute kind=person_deletion, the person\'s userId and anonymousId in its data) that your consumers act on, deleting what they stored. Off by default.',
      default: false,
    },
    deletion_topic_id: {
      type: 'string', title: 'Deletion Notice Topic ID',
      description: 'The topic deletion notices go to, in the same project; blank: the events topic (filter on attributes.kind). Only used with Publish Person Deletion Notices.',
      maxLength: 255, examples: ['signal-deletions'],
    },
  },
};

/** Google Cloud project IDs: 6–30 of a–z, 0–9 and -, from a letter, not ending in -; older ones carry a domain (`example.com:shop`). */
const PROJECT_ID = /^(?:[a-z0-9][a-z0-9.-]{0,62}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** Topic IDs: 3–255 of letters, digits and - _ . ~ + %, starting with a letter. */
const TOPIC_ID = /^[A-Za-z][A-Za-z0-9\-_.~+%]{2,254}$/;
/** Region names: `europe-west1`, `us-east1`, `northamerica-northeast2`, `me-central2`. */
const LOCATION = /^[a-z]+-[a-z]+[0-9]{1,2}$/;

function projectProblem(value: JsonValue | undefined): string | undefined {
  const id = trimmedText(value);
  if (id === undefined) return 'is required: the ID of the Google Cloud project that holds the topic (e.g. shop-analytics)';
  if (PROJECT_ID.test(id)) return undefined;
  const shown = JSON.stringify(id.slice(0, 200));
  if (/^\d+$/.test(id)) return `is ${shown}, a project number: give the project ID (Cloud console > project picker, the ID column, e.g. shop-analytics)`;
  if (id.startsWith('projects/')) return `is ${shown}: give the project ID alone (e.g. shop-analytics), and the topic in topic_id`;
  return `is ${shown}: a project ID is 6 to 30 lower-case letters, digits and hyphens, starting with a letter (Cloud console > project picker, the ID column; not the project's name)`;
}

function topicProblem(value: JsonValue | undefined, required: boolean): string | undefined {
  const id = trimmedText(value);
  if (id === undefined) return required ? 'is required: the ID of the topic the events are published to (e.g. signal-events)' : undefined;
  const shown = JSON.stringify(id.slice(0, 200));
  if (/^projects\/[^/]+\/topics\/[^/]+$/.test(id)) return `is ${shown}, a topic's full name: give the topic ID alone (the part after topics/), the project in project_id`;
  if (!TOPIC_ID.test(id)) return `is ${shown}: a topic ID is 3 to 255 letters, digits and - _ . ~ + %, starting with a letter`;
  if (/^goog/i.test(id)) return `is ${shown}: topic IDs starting with "goog" are reserved by Google`;
  return undefined;
}

function locationProblem(config: Record<string, JsonValue>): string | undefined {
  const location = locationOf(config);
  if (location === undefined) {
    return orderingOf(config) === 'person'
      ? 'is required with ordering_key person: Pub/Sub orders a key\'s messages only when they are published in one region, which a locational endpoint ensures (give the region closest to Signal, e.g. europe-west1)'
      : undefined;
  }
  if (LOCATION.test(location)) return undefined;
  return `is ${JSON.stringify(location.slice(0, 60))}: give a Google Cloud region such as europe-west1 or us-east1 (not a zone such as us-east1-b, not a multi-region such as eu, not a host name), or leave it blank for the global endpoint`;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a project ID that is a
 * project number or a name; a topic ID that is a full `projects/…/topics/…` name, has
 * characters Pub/Sub refuses or Google's reserved prefix; an endpoint location that is no region
 * (or missing with ordering keys); a service account key that cannot be read.
 *
 * @example
 * validatePubSubConfig({ project_id: 'shop-analytics', topic_id: 'projects/shop-analytics/topics/events', service_account_key: '{…}' });
 * // [{ field: 'topic_id', message: 'is "projects/shop-analytics/topics/events", a topic\'s full name: give the topic ID alone (…)' }]
 */
export function validatePubSubConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const checks: Array<[string, string | undefined]> = [
    ['project_id', projectProblem(config.project_id)],
    ['topic_id', topicProblem(config.topic_id, true)],
    ['deletion_topic_id', topicProblem(config.deletion_topic_id, false)],
    ['endpoint_location', locationProblem(config)],
    ['ordering_key', config.ordering_key === undefined || (ORDERING_MODES as readonly JsonValue[]).includes(config.ordering_key) ? undefined : 'must be none or person'],
    ['include_contact_info', configSwitchProblem(config.include_contact_info)],
    ['deletion_notices', configSwitchProblem(config.deletion_notices)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  const key = trimmedText(config.service_account_key);
  if (key === undefined) {
    problems.push({ field: 'service_account_key', message: 'is required: the JSON key file of a service account with the Pub/Sub Publisher role on the topic (see the plugin README)' });
  } else {
    // The message never quotes the key: a secret must not reach an error answer.
    const parsed = parseGoogleServiceAccountKey(key);
    if (typeof parsed === 'string') problems.push({ field: 'service_account_key', message: parsed });
  }
  return problems;
}
