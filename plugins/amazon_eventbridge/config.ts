// The integration's config: which event bus in which Region, the `source` every event carries,
// how each event's `detail-type` is chosen, the access key that signs the requests, and two
// switches (contact information, deletion notices); the schema the catalog shows and the checks
// the schema cannot make, each naming its field.
import { awsCredentialFieldSchemas, awsCredentialProblems, awsCredentialsOf, awsRegionProblem, awsSessionTokenWarnings, configSwitchProblem, trimmedText, type AwsCredentials, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** How an event's DetailType is chosen: the track event's name (else the call's type), or always the call's type. */
export const DETAIL_TYPES = ['event_name', 'call_type'] as const;
export type DetailTypeChoice = (typeof DETAIL_TYPES)[number];

/** An event bus's name, as PutEvents takes it: letters, digits, `.`, `-`, `_` (partner buses' `/` excluded: they take no PutEvents). */
const BUS_NAME = /^[.\-_A-Za-z0-9]{1,256}$/;
/** An event bus's ARN: `arn:<partition>:events:<region>:<account>:event-bus/<name>`. */
const BUS_ARN = /^arn:(aws[\w-]*):events:([a-z]{2}-[a-z]+-[\w-]+):(\d{12}):event-bus\/([.\-_A-Za-z0-9]{1,256})$/;
/** Most characters of `source` (AWS documents none for PutEvents; a partner source takes 256). */
export const MAX_SOURCE_CHARS = 256;

/** The configured Region, trimmed. */
export const regionOf = (config: Record<string, JsonValue>): string => trimmedText(config.region) ?? '';

/** The event bus as entries name it: its name or ARN as given (`default` when blank). */
export const eventBusOf = (config: Record<string, JsonValue>): string => trimmedText(config.event_bus_name) ?? 'default';

/** The event bus's name alone, for messages: `signal-events` of `arn:aws:events:…:event-bus/signal-events`. */
export function eventBusNameOf(config: Record<string, JsonValue>): string {
  const bus = eventBusOf(config);
  return BUS_ARN.exec(bus)?.[4] ?? bus;
}

/** The `source` every entry carries. */
export const sourceOf = (config: Record<string, JsonValue>): string => trimmedText(config.source) ?? '';

/** How DetailType is chosen: the event's name unless `call_type`. */
export const detailTypeChoiceOf = (config: Record<string, JsonValue>): DetailTypeChoice => (config.detail_type === 'call_type' ? 'call_type' : 'event_name');

/** Whether events keep contact information (off unless turned on). */
export const includesContactInfo = (config: Record<string, JsonValue>): boolean => config.include_contact_info === true;

/** Whether person deletions are forwarded as deletion notice events (off unless turned on). */
export const sendsDeletionNotices = (config: Record<string, JsonValue>): boolean => config.deletion_notices === true;

/** The access key that signs the requests, with the session token of temporary credentials. */
export function credentialsOf(config: Record<string, JsonValue>): AwsCredentials {
  return awsCredentialsOf(config);
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['region', 'event_bus_name', 'source', 'access_key_id', 'secret_access_key'],
  properties: {
    region: {
      type: 'string', title: 'Region',
      description: 'The event bus\'s AWS Region code (EventBridge console, top right), e.g. eu-west-1.',
      pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$', maxLength: 32, examples: ['eu-west-1'],
    },
    event_bus_name: {
      type: 'string', title: 'Event Bus',
      description: 'The event bus\'s name (letters, digits, . - _), "default" for the account\'s default bus, or its ARN (arn:aws:events:<region>:<account>:event-bus/<name>; another account\'s bus when its resource policy allows you events:PutEvents). Signal does not create buses, and EventBridge does not say when a bus does not exist: check the name (an IAM policy naming only your bus refuses a mistyped one, which then shows as access denied).',
      minLength: 1, maxLength: 1600, default: 'default', examples: ['signal-events'],
    },
    source: {
      type: 'string', title: 'Source',
      description: 'The source every event carries (the event\'s "source" field, which rules match on), in reverse domain notation by convention, e.g. com.acme.signal. Not starting with "aws.", which AWS keeps for its own services.',
      minLength: 1, maxLength: MAX_SOURCE_CHARS, examples: ['com.acme.signal'],
    },
    detail_type: {
      type: 'string', title: 'Detail Type',
      description: 'What each event\'s "detail-type" (which rules match on) is. Event name (default): a track event\'s name (Order Completed), and page, screen, identify, group or alias for the other calls. Call type: always the call\'s type (track, page, …), the event\'s name then read from detail.event. Cut to 128 characters, AWS\'s limit.',
      enum: [...DETAIL_TYPES], enumLabels: ['Event name (track), else the call type', 'Call type (track, page, identify…)'], default: 'event_name',
    },
    ...awsCredentialFieldSchemas('events:PutEvents on the event bus'),
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off (default): events carry no contact information — no email, phone, names, addresses or birth dates in properties, traits or context, no IP address, URLs without query strings, an id that is an email or phone given as sha256:<hex> of it (as deletion notices give it). On: the events as Signal stored them, personal data included; turn it on only when your rules\' targets need it and erase people themselves (see Deletion Notices).',
      default: false,
    },
    deletion_notices: {
      type: 'boolean', title: 'Deletion Notices',
      description: 'On: when Signal is asked to forget a person, a deletion notice event (detail-type signal.person_deletion, detail {"type":"person_deletion","user_id","anonymous_id","requested_at"}) is put on the bus, for a rule to route to what erases the person from your stores. A bus keeps no events (an archive does, until its retention ends). Off unless set (it needs a rule and a target that act on the notices).',
      // No default: off unless set; the example is the value that turns the feature on.
      examples: [true],
    },
  },
};

function regionProblem(value: JsonValue | undefined): string | undefined {
  return awsRegionProblem(value, "the event bus's");
}

function busProblem(config: Record<string, JsonValue>): string | undefined {
  const given = trimmedText(config.event_bus_name);
  if (given === undefined) return 'is required: the event bus\'s name ("default" for the account\'s default bus) or ARN';
  const shown = JSON.stringify(given.slice(0, 200));
  if (given.startsWith('arn:')) {
    const arn = BUS_ARN.exec(given);
    if (!arn) return `is ${shown}: an event bus ARN reads arn:aws:events:<region>:<account id>:event-bus/<name>`;
    const region = trimmedText(config.region);
    if (region !== undefined && arn[2] !== region) return `is in Region ${arn[2]}, but region is ${region}: requests go to the configured region's endpoint, so set region to ${arn[2]!}`;
    return undefined;
  }
  if (given.startsWith('aws.partner/')) return `is ${shown}, a partner event bus: it receives events from its SaaS partner only, PutEvents cannot write to it; give a custom event bus (or "default")`;
  if (!BUS_NAME.test(given)) return `is ${shown}: an event bus name is 1 to 256 letters, digits, periods, hyphens and underscores (copy it from the EventBridge console, Event buses)`;
  return undefined;
}

function sourceProblem(value: JsonValue | undefined): string | undefined {
  const source = trimmedText(value);
  if (source === undefined) return 'is required: the source your events carry, e.g. com.acme.signal';
  const shown = JSON.stringify(source.slice(0, 64));
  if (/^aws\./i.test(source)) return `is ${shown}: sources starting with "aws." are AWS's own, and EventBridge refuses them from PutEvents (NotAuthorizedForSourceException); use your own, e.g. com.acme.signal`;
  if (source.length > MAX_SOURCE_CHARS) return `is ${source.length} characters long: give at most ${MAX_SOURCE_CHARS}`;
  // Control characters (a pasted line break) would make rules match nothing.
  if (/[\u0000-\u001f\u007f]/.test(source)) return `is ${shown}, with a line break or control character: give the source alone, e.g. com.acme.signal`;
  return undefined;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a Region that is a
 * name or a zone; a bus name with characters AWS refuses, a partner bus, or an ARN of another
 * Region; a source AWS keeps for itself; an access key ID or secret pasted with white space.
 *
 * @example
 * validateEventBridgeConfig({ region: 'eu-west-1', event_bus_name: 'signal-events', source: 'aws.signal', access_key_id: 'AKIA…', secret_access_key: '…' });
 * // [{ field: 'source', message: 'is "aws.signal": sources starting with "aws." are AWS\'s own, … use your own, e.g. com.acme.signal' }]
 */
export function validateEventBridgeConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const add = (field: string, message: string | undefined) => {
    if (message !== undefined) problems.push({ field, message });
  };
  add('region', regionProblem(config.region));
  add('event_bus_name', busProblem(config));
  add('source', sourceProblem(config.source));
  if (config.detail_type !== undefined && !(DETAIL_TYPES as readonly JsonValue[]).includes(config.detail_type)) add('detail_type', 'must be event_name (a track event\'s name, else the call type) or call_type (always the call type)');
  problems.push(...awsCredentialProblems(config));
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
 * eventBridgeConfigWarnings({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', session_token: '••••' });
 * // [{ field: 'session_token', message: 'is set, but access_key_id is a long-lived key (AKIA…): …' }]
 */
export function eventBridgeConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  return awsSessionTokenWarnings(config);
}
