// The integration's config: the Region and event tracker events are recorded with, which Signal
// events become which Personalize event types, which of their properties go as the Item
// interactions dataset's metadata, the optional Users dataset identify traits go to, and the
// access key that signs the requests; the schema the catalog shows and the checks the schema
// cannot make, each naming its field.
import {
  awsCredentialFieldSchemas, awsCredentialProblems, awsCredentialsOf, awsRegionProblem, awsSessionTokenWarnings, configText, eventMapKeyProblems, eventMapOf,
  eventNamesSchema, type AwsCredentials, type ConfigProblem, type ConfigSchema, type JsonObject, type JsonValue,
} from '../../core/sdk/index.ts';

/** Property keys Personalize refuses in an event's `properties` (case-insensitive), as its API reference lists them. */
export const RESERVED_EVENT_PROPERTY_KEYS = ['userid', 'sessionid', 'eventtype', 'timestamp', 'recommendationid', 'impression'] as const;
/** Most metadata columns (reserved fields aside) of an Item interactions dataset (Personalize's quota). */
export const MAX_EVENT_PROPERTIES = 5;
/** A Personalize schema field as the events API names it: camelCase (`numberOfRatings` for NUMBER_OF_RATINGS). */
const CAMEL_CASE_FIELD = /^[a-z][A-Za-z0-9]*$/;
/** A Users dataset's ARN: `arn:<partition>:personalize:<region>:<account>:dataset/<group>/USERS`. */
const USERS_DATASET_ARN = /^arn:aws[\w-]*:personalize:([a-z]{2}(?:-[a-z]+)+-\d{1,2}):(\d{12}):dataset\/[^/\s]+\/USERS$/;

/** The default event types: Segment's ecommerce events as the ECOMMERCE domain's event types. */
export const DEFAULT_EVENT_TYPES: JsonObject = { 'Product Viewed': 'View', 'Product Added': 'AddToCart', 'Order Completed': 'Purchase' };

/** The configured Region, trimmed. */
export const regionOf = (config: Record<string, JsonValue>): string => configText(config, 'region') ?? '';
/** The event tracker's tracking ID, trimmed. */
export const trackingIdOf = (config: Record<string, JsonValue>): string => configText(config, 'tracking_id') ?? '';
/** The Users dataset's ARN, undefined when identify calls are not sent. */
export const usersDatasetArnOf = (config: Record<string, JsonValue>): string | undefined => configText(config, 'users_dataset_arn');
/** The map from Signal events to Personalize event types (the default map when the field is absent). */
export const eventTypesOf = (config: Record<string, JsonValue>): JsonObject => (config.event_types === undefined ? DEFAULT_EVENT_TYPES : eventMapOf(config.event_types));
/** Signal property name → Personalize field, for events' `properties`. */
export const eventPropertiesOf = (config: Record<string, JsonValue>): JsonObject => eventMapOf(config.event_properties);
/** Signal trait name → Personalize field, for users' `properties`. */
export const userPropertiesOf = (config: Record<string, JsonValue>): JsonObject => eventMapOf(config.user_properties);
/** Whether an identify call missing any trait config.user_properties names is held back (PutUsers replaces the whole user). */
export const requiresAllUserPropertiesOf = (config: Record<string, JsonValue>): boolean => config.require_all_user_properties === true;
/** The access key that signs the requests, with the session token of temporary credentials. */
export const credentialsOf = (config: Record<string, JsonValue>): AwsCredentials => awsCredentialsOf(config);

const FIELD_MAP_ITEMS = { type: 'string', pattern: '^[a-z][A-Za-z0-9]*$', minLength: 1, maxLength: 128 };

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['region', 'tracking_id', 'access_key_id', 'secret_access_key'],
  properties: {
    region: {
      type: 'string', title: 'Region',
      description: 'The dataset group\'s AWS Region code (Personalize console, top right), e.g. eu-west-1.',
      pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$', maxLength: 32, examples: ['eu-west-1'],
    },
    tracking_id: {
      type: 'string', title: 'Tracking ID',
      description: 'The tracking ID of the dataset group\'s event tracker (Personalize console: the dataset group, Event trackers; or CreateEventTracker\'s answer). Events are recorded in that dataset group\'s Item interactions dataset.',
      minLength: 1, maxLength: 256, examples: ['8b2c3e6d-1f4a-4b7e-9c2d-5e6f7a8b9c0d'],
    },
    event_types: eventNamesSchema('Which Signal events are recorded, and as which Personalize event type (the EVENT_TYPE your recommenders or solutions train on): a track event\'s name, or page / page:<name> for page calls → the event type. Other events are not sent. Default: Product Viewed → View, Product Added → AddToCart, Order Completed → Purchase (one interaction per product of the order, at most 10).', {
      title: 'Event Types', minLength: 1, maxLength: 256, default: DEFAULT_EVENT_TYPES,
      examples: [DEFAULT_EVENT_TYPES],
    }),
    event_properties: {
      type: 'object', title: 'Event Properties',
      description: `Optional: the event properties sent as the interaction's metadata — a Signal property name → the Item interactions schema's field in camelCase (e.g. "discount": "discount" for a DISCOUNT column). At most ${MAX_EVENT_PROPERTIES} (Personalize's limit of metadata columns); not userId, sessionId, eventType, timestamp, recommendationId or impression, which Personalize reserves. Lists of text go as one categorical value, joined with |.`,
      additionalProperties: FIELD_MAP_ITEMS, examples: [{ discount: 'discount' }],
    },
    users_dataset_arn: {
      type: 'string', title: 'Users Dataset ARN',
      description: 'Optional: the ARN of the dataset group\'s Users dataset (arn:aws:personalize:<region>:<account>:dataset/<dataset group>/USERS). When set, identify calls with a userId add or update the user there (PutUsers) with the traits User Properties names; when empty, identify calls are not sent.',
      maxLength: 256, examples: ['arn:aws:personalize:eu-west-1:123456789012:dataset/shop/USERS'],
    },
    user_properties: {
      type: 'object', title: 'User Properties',
      description: 'The identify traits sent as the user\'s metadata — a trait name → the Users schema\'s field in camelCase (e.g. "membership": "membershipType" for MEMBERSHIP_TYPE). Lists of text go as one categorical value, joined with |. Only these traits are sent.',
      additionalProperties: FIELD_MAP_ITEMS, examples: [{ plan: 'plan' }],
    },
    require_all_user_properties: {
      type: 'boolean', title: 'Require All User Properties',
      description: 'PutUsers replaces a user already in the dataset, so a field User Properties names but an identify call lacks is emptied. Off (the default): each identify call is sent with the traits it has. On: an identify call missing any of those traits is not sent (with a warning), so a partial identify never empties a field — choose it when your identify calls do not always carry every trait; users whose identify calls never carry them all are then never updated.',
      default: false,
    },
    ...awsCredentialFieldSchemas('personalize:PutEvents (and personalize:PutUsers on the Users dataset when identify calls are sent)'),
  },
};

function trackingIdProblem(config: Record<string, JsonValue>): string | undefined {
  const id = configText(config, 'tracking_id');
  if (id === undefined) return 'is required: the tracking ID of the dataset group\'s event tracker (Personalize console: the dataset group, Event trackers)';
  if (id.length > 256) return `is ${id.length} characters long: a tracking ID has at most 256`;
  if (/\s/.test(id)) return 'holds white space: give the tracking ID alone, as the console shows it';
  if (id.startsWith('arn:')) return 'is an ARN: give the event tracker\'s tracking ID (the console shows it beside the tracker\'s ARN), not its ARN';
  return undefined;
}

function usersDatasetProblem(config: Record<string, JsonValue>): string | undefined {
  if (config.users_dataset_arn === undefined || config.users_dataset_arn === '') return undefined;
  const arn = configText(config, 'users_dataset_arn');
  if (arn === undefined) return 'must be the Users dataset\'s ARN, or empty';
  const match = USERS_DATASET_ARN.exec(arn);
  if (!match) return `is ${JSON.stringify(arn.slice(0, 120))}: a Users dataset's ARN reads arn:aws:personalize:<region>:<account id>:dataset/<dataset group>/USERS (the dataset group's Users dataset, Dataset ARN)`;
  const region = regionOf(config);
  if (region !== '' && match[1] !== region) return `is in Region ${match[1]!}, but region is ${region}: the event tracker and the Users dataset are one dataset group's, in one Region`;
  return undefined;
}

/** Problems of a Signal name → Personalize field map: fields not camelCase, reserved, too many. */
function fieldMapProblems(value: JsonValue | undefined, field: string, options: { reserved: readonly string[]; max?: number }): ConfigProblem[] {
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ field, message: 'must be an object: a Signal name → the Personalize schema field in camelCase' }];
  const problems: ConfigProblem[] = [];
  const entries = Object.entries(value);
  if (options.max !== undefined && entries.length > options.max) problems.push({ field, message: `names ${entries.length} fields: an Item interactions dataset has at most ${options.max} metadata columns` });
  for (const [name, target] of entries) {
    if (name.trim() === '' || name !== name.trim()) problems.push({ field, message: `has ${JSON.stringify(name)}: give the Signal name exactly, without white space around it` });
    if (typeof target !== 'string' || !CAMEL_CASE_FIELD.test(target)) problems.push({ field, message: `maps ${JSON.stringify(name)} to ${JSON.stringify(target)}: give the schema field in camelCase, as the events API names it (numberOfRatings for NUMBER_OF_RATINGS)` });
    else if (options.reserved.includes(target.toLowerCase())) problems.push({ field, message: `maps ${JSON.stringify(name)} to ${target}, which Personalize reserves (userId, sessionId, eventType, timestamp, recommendationId, impression): give another field` });
  }
  return problems;
}

function eventTypesProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const value = config.event_types;
  if (value === undefined) return [];
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [{ field: 'event_types', message: 'must be an object: a Signal event name → the Personalize event type' }];
  const problems = eventMapKeyProblems(value, 'event_types');
  if (Object.keys(value).length === 0) problems.push({ field: 'event_types', message: 'names no event: with none, nothing is recorded; name at least one (e.g. "Product Viewed": "View")' });
  for (const [name, type] of Object.entries(value)) {
    if (typeof type !== 'string' || type.trim() === '' || type.length > 256) problems.push({ field: 'event_types', message: `maps ${JSON.stringify(name)} to ${JSON.stringify(type)}: give the event type as text of 1 to 256 characters (e.g. "View", "Purchase")` });
  }
  return problems;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a Region that is a
 * name or a zone; a tracking ID that is an ARN or holds white space; a Users dataset ARN of
 * another kind or Region; property fields not in camelCase, reserved, or too many; an access
 * key pasted with white space.
 *
 * @example
 * validatePersonalizeConfig({ region: 'eu-west-1', tracking_id: 'arn:aws:personalize:…', access_key_id: 'AKIA…', secret_access_key: '…' });
 * // [{ field: 'tracking_id', message: 'is an ARN: give the event tracker\'s tracking ID …' }]
 */
export function validatePersonalizeConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (field: string, message: string | undefined) => {
    if (message !== undefined) problems.push({ field, message });
  };
  add('region', awsRegionProblem(config.region, "the dataset group's"));
  add('tracking_id', trackingIdProblem(config));
  problems.push(...eventTypesProblems(config));
  problems.push(...fieldMapProblems(config.event_properties, 'event_properties', { reserved: RESERVED_EVENT_PROPERTY_KEYS, max: MAX_EVENT_PROPERTIES }));
  add('users_dataset_arn', usersDatasetProblem(config));
  problems.push(...fieldMapProblems(config.user_properties, 'user_properties', { reserved: ['userid'] }));
  problems.push(...awsCredentialProblems(config));
  return problems;
}

/**
 * Advice, never a refusal: a session token with a long-lived key (AKIA…), which AWS refuses;
 * user properties named while no Users dataset is set (they would never be sent).
 *
 * @example
 * personalizeConfigWarnings({ user_properties: { plan: 'plan' } });
 * // [{ field: 'user_properties', message: 'names traits, but users_dataset_arn is empty: …' }]
 */
export function personalizeConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  const warnings = awsSessionTokenWarnings(config);
  if (Object.keys(userPropertiesOf(config)).length > 0 && usersDatasetArnOf(config) === undefined) {
    warnings.push({ field: 'user_properties', message: 'names traits, but users_dataset_arn is empty: identify calls are not sent, so these traits never are; set the Users dataset\'s ARN' });
  }
  return warnings;
}
