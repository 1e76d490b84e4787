// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateLaunchDarklyConfig, launchDarklyConfigWarnings) and the options the
// mapping, the requests and the deletions read from it.
//
// Sources: LaunchDarkly's server-side SDKs' event processors (go-sdk-events `event_sender.go`,
// js-core `EventSender.ts`: POST {events base URI}/bulk, the SDK key as Authorization,
// X-LaunchDarkly-Event-Schema 4, X-LaunchDarkly-Payload-ID); LaunchDarkly's service endpoint
// configuration examples (events.eu.launchdarkly.com for the EU instance, events.launchdarkly.us
// for the federal one); its REST API reference (app.launchdarkly.com, app.eu.launchdarkly.com,
// app.launchdarkly.us; the Contexts API); go-sdk-common's context rules (kinds, reserved names).
import { configText, eventMapKeyProblems, eventMapOf, eventNamesSchema, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** LaunchDarkly's instances, in the catalog's order. */
export const INSTANCES = ['commercial', 'eu', 'federal'] as const;
export type Instance = (typeof INSTANCES)[number];

/** The events service of each instance (the SDKs' events base URI). */
export const EVENTS_ORIGINS: Record<Instance, string> = {
  commercial: 'https://events.launchdarkly.com',
  eu: 'https://events.eu.launchdarkly.com',
  federal: 'https://events.launchdarkly.us',
};

/** The REST API of each instance (the Contexts API the deletions use). */
export const API_ORIGINS: Record<Instance, string> = {
  commercial: 'https://app.launchdarkly.com',
  eu: 'https://app.eu.launchdarkly.com',
  federal: 'https://app.launchdarkly.us',
};

/** Which of the event's ids is the context key. */
export const CONTEXT_KEYS = ['userId_then_anonymousId', 'userId', 'anonymousId', 'anonymousId_then_userId'] as const;
export type ContextKeyChoice = (typeof CONTEXT_KEYS)[number];

/** The kind LaunchDarkly's SDKs give a context that names none. */
export const DEFAULT_CONTEXT_KIND = 'user';

/** Attribute names a context's JSON gives a meaning of its own: never a trait's. */
export const RESERVED_ATTRIBUTES = new Set(['kind', 'key', 'anonymous', '_meta']);

/** The integration's config as the catalog shows it; `validateLaunchDarklyConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['sdk_key'],
  properties: {
    sdk_key: {
      type: 'string', title: 'SDK Key', secret: true,
      description: 'The server-side SDK key of the LaunchDarkly environment the events are for (Project settings > Environments > the environment > SDK key, "sdk-…"), sent as Authorization as LaunchDarkly\'s server-side SDKs send it. Not the mobile key (mob-…), the client-side ID, nor an API access token (api-…).',
      minLength: 1,
    },
    instance: {
      type: 'string', title: 'LaunchDarkly Instance',
      description: `Where your LaunchDarkly account lives: commercial (${EVENTS_ORIGINS.commercial}, default), eu (the EU instance, ${EVENTS_ORIGINS.eu}) or federal (the FedRAMP instance, ${EVENTS_ORIGINS.federal}). Deletions go to the same instance's REST API.`,
      enum: [...INSTANCES], enumLabels: ['Commercial (launchdarkly.com)', 'European Union (eu.launchdarkly.com)', 'Federal (launchdarkly.us)'], default: 'commercial', examples: ['commercial', 'eu'],
    },
    event_keys: eventNamesSchema('Optional: the LaunchDarkly event key (the "event key" of a custom metric) of a Signal event, by the track event\'s name, or page / page:<name> for page calls, e.g. {"Order Completed": "purchase", "page:Pricing": "pricing-viewed"}. A track event not named here is sent under its own name (unless Send Unmapped Track Events is off); page calls are sent only when named here.', {
      title: 'Event Keys of Signal Events', minLength: 1,
      examples: [{ 'Order Completed': 'purchase', 'Signed Up': 'signup', 'page:Pricing': 'pricing-viewed' }],
    }),
    send_unmapped_events: {
      type: 'boolean', title: 'Send Unmapped Track Events',
      description: 'On (default): a track event Event Keys does not name is sent under its own name as the event key (LaunchDarkly counts it only for a metric with that event key). Off: only the events Event Keys names are sent.',
      default: true, examples: [true, false],
    },
    context_kind: {
      type: 'string', title: 'Context Kind',
      description: `The kind of the context the events are counted for (${DEFAULT_CONTEXT_KIND} by default): the kind your flags and experiments are randomized by, as your SDKs evaluate them (letters, digits, ".", "_" and "-"; not "kind" or "multi").`,
      default: DEFAULT_CONTEXT_KIND, minLength: 1, examples: [DEFAULT_CONTEXT_KIND, 'account'],
    },
    context_key: {
      type: 'string', title: 'Context Key',
      description: 'The id sent as that context\'s key: it must be the key your SDKs evaluate flags with, or LaunchDarkly cannot join the events to the context\'s variations. userId_then_anonymousId (default): the userId, else the anonymousId; userId only; anonymousId only; anonymousId_then_userId. Events without the id chosen are not sent.',
      enum: [...CONTEXT_KEYS], enumLabels: ['userId, else anonymousId', 'userId only', 'anonymousId only', 'anonymousId, else userId'], default: 'userId_then_anonymousId', examples: ['userId_then_anonymousId', 'userId'],
    },
    anonymous_context_kind: {
      type: 'string', title: 'Anonymous Context Kind',
      description: 'Optional: another context kind (e.g. device) keyed by the anonymousId, sent with every event that has one, beside the context above: for experiments randomized by device or visitor. Empty (default): none.',
      examples: ['device'],
    },
    send_identify: {
      type: 'boolean', title: 'Send Identify Calls',
      description: 'On (default): an identify call is sent as an identify event with its context (kind, key, attributes), so the context appears in LaunchDarkly\'s Contexts list with its attributes, for targeting. Off: identify calls are not sent.',
      default: true, examples: [true, false],
    },
    context_attributes: {
      type: 'array', title: 'Context Attributes',
      description: 'Optional: the traits sent as the context\'s attributes on identify events, by name (e.g. plan, company, name). Empty (default): every trait except contact information (emails, phone numbers, names, addresses). Named here, a trait is sent even when it is contact information (e.g. email for targeting by address): name only what LaunchDarkly may hold.',
      items: { type: 'string', minLength: 1 },
      examples: [['plan', 'company', 'country']],
    },
    private_attributes: {
      type: 'array', title: 'Private Attributes',
      description: 'Optional: attributes never sent, as the SDKs\' private attributes: their values are left out and their names listed in the context\'s _meta.redactedAttributes, so LaunchDarkly shows them as private.',
      items: { type: 'string', minLength: 1 },
      examples: [['company']],
    },
    send_event_data: {
      type: 'boolean', title: 'Send Event Properties',
      description: 'On (default): a custom event carries the event\'s properties as its data (without contact information or URL queries), which LaunchDarkly\'s Data Export passes on. Off: only the key, the context and the metric value.',
      default: true, examples: [true, false],
    },
    api_access_token: {
      type: 'string', title: 'API Access Token (Deletions)', secret: true,
      description: 'Optional, for person deletions only: a LaunchDarkly personal or service access token (Organization settings > Authorizations, "api-…") whose role may view and delete contexts in the environment below. With it, the project key and the environment key, a person deletion deletes their context instances through the Contexts API.',
      examples: ['api-00000000-0000-0000-0000-000000000000'],
    },
    project_key: {
      type: 'string', title: 'Project Key (Deletions)',
      description: 'The key of the LaunchDarkly project the SDK key\'s environment belongs to (Project settings), for deletions.',
      examples: ['default'],
    },
    environment_key: {
      type: 'string', title: 'Environment Key (Deletions)',
      description: 'The key of that environment (Project settings > Environments, e.g. production), for deletions.',
      examples: ['production'],
    },
  },
};

/** The list's names, trimmed, without blanks, non-text items or repeats. */
function names(value: JsonValue | undefined): string[] {
  if (!Array.isArray(value)) return [];
  return [...new Set(value.filter((item): item is string => typeof item === 'string').map((item) => item.trim()).filter((item) => item !== ''))];
}

/** What the mapping, the requests and the deletions read from the config. */
export interface LaunchDarklyOptions {
  sdkKey: string;
  instance: Instance;
  eventsUrl: string;
  apiOrigin: string;
  eventKeys: Record<string, JsonValue>;
  sendUnmapped: boolean;
  contextKind: string;
  contextKey: ContextKeyChoice;
  /** The anonymousId's own kind, or undefined. */
  anonymousKind: string | undefined;
  sendIdentify: boolean;
  /** The traits sent as attributes, or undefined: every trait without contact information. */
  contextAttributes: string[] | undefined;
  privateAttributes: string[];
  sendData: boolean;
  apiToken: string;
  projectKey: string;
  environmentKey: string;
}

/**
 * The options of an integration's config (defaults in place of what is absent or unusable).
 *
 * @example
 * optionsOf({ sdk_key: ' sdk-1 ', instance: 'eu' });
 * // { sdkKey: 'sdk-1', instance: 'eu', eventsUrl: 'https://events.eu.launchdarkly.com/bulk', contextKind: 'user', … }
 */
export function optionsOf(config: Record<string, JsonValue>): LaunchDarklyOptions {
  const instance: Instance = (INSTANCES as readonly string[]).includes(config.instance as string) ? config.instance as Instance : 'commercial';
  const contextKey = (CONTEXT_KEYS as readonly string[]).includes(config.context_key as string) ? config.context_key as ContextKeyChoice : 'userId_then_anonymousId';
  const attributes = names(config.context_attributes);
  return {
    sdkKey: configText(config, 'sdk_key') ?? '',
    instance,
    eventsUrl: `${EVENTS_ORIGINS[instance]}/bulk`,
    apiOrigin: API_ORIGINS[instance],
    eventKeys: eventMapOf(config.event_keys),
    sendUnmapped: config.send_unmapped_events !== false,
    contextKind: configText(config, 'context_kind') ?? DEFAULT_CONTEXT_KIND,
    contextKey,
    anonymousKind: configText(config, 'anonymous_context_kind'),
    sendIdentify: config.send_identify !== false,
    contextAttributes: attributes.length > 0 ? attributes : undefined,
    privateAttributes: names(config.private_attributes),
    sendData: config.send_event_data !== false,
    apiToken: configText(config, 'api_access_token') ?? '',
    projectKey: configText(config, 'project_key') ?? '',
    environmentKey: configText(config, 'environment_key') ?? '',
  };
}

/** Whether the config forwards person deletions: the access token, the project and the environment are set. */
export function deletionsEnabled(config: Record<string, JsonValue>): boolean {
  const options = optionsOf(config);
  return options.apiToken !== '' && options.projectKey !== '' && options.environmentKey !== '';
}

/**
 * Why LaunchDarkly would not take a context kind, or undefined when it would: letters, digits,
 * ".", "_" and "-" only, and neither "kind" nor "multi" (go-sdk-common's validateSingleKind).
 *
 * @example
 * contextKindProblem('device'); // undefined
 * contextKindProblem('my kind'); // 'holds characters other than letters, digits, ".", "_" and "-"'
 */
export function contextKindProblem(kind: string): string | undefined {
  if (kind === 'kind' || kind === 'multi') return `is "${kind}", which LaunchDarkly reserves`;
  if (!/^[A-Za-z0-9._-]+$/.test(kind)) return 'holds characters other than letters, digits, ".", "_" and "-"';
  return undefined;
}

/** What kind of LaunchDarkly credential a text looks like, when it is not a server-side SDK key. */
function otherCredential(key: string): string | undefined {
  if (/^mob-/i.test(key)) return 'a mobile key ("mob-…"), which the server-side events endpoint refuses';
  if (/^api-/i.test(key)) return 'an API access token ("api-…"), which is for the REST API (api_access_token), not for events';
  if (/^[0-9a-f]{24}$/i.test(key)) return 'a client-side ID, which is no credential for the server-side events endpoint';
  return undefined;
}

/**
 * Checks beyond the JSON Schema, each naming its field: the SDK key is a server-side one and one
 * token, the context kinds are kinds LaunchDarkly takes (and not the same twice), the event
 * keys' map is written as Signal's maps are, the attribute lists name no reserved attribute, and
 * deletions have all three of their fields. Messages never repeat a secret.
 *
 * @example
 * validateLaunchDarklyConfig({ sdk_key: 'mob-1234', context_kind: 'multi' });
 * // [{ field: 'sdk_key', message: 'is a mobile key ("mob-…"), …' }, { field: 'context_kind', message: 'is "multi", which LaunchDarkly reserves; …' }]
 */
export function validateLaunchDarklyConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const sdkKey = configText(config, 'sdk_key');
  if (sdkKey === undefined) {
    if (config.sdk_key !== undefined) problems.push({ field: 'sdk_key', message: 'is empty: give the server-side SDK key of the environment ("sdk-…")' });
  } else if (/\s/.test(sdkKey)) problems.push({ field: 'sdk_key', message: 'holds white space or a line break (copied with the text around it?): give the key alone' });
  else {
    const other = otherCredential(sdkKey);
    if (other) problems.push({ field: 'sdk_key', message: `is ${other}: give the environment's server-side SDK key ("sdk-…")` });
  }

  for (const field of ['context_kind', 'anonymous_context_kind'] as const) {
    if (config[field] === undefined || config[field] === null) continue;
    const kind = typeof config[field] === 'string' ? (config[field] as string).trim() : undefined;
    if (kind === undefined) problems.push({ field, message: 'is not text: give a context kind, e.g. device' });
    else if (kind === '' && field === 'context_kind') problems.push({ field, message: `is empty: give a context kind, e.g. ${DEFAULT_CONTEXT_KIND}` });
    else if (kind !== '') {
      const problem = contextKindProblem(kind);
      if (problem) problems.push({ field, message: `${problem}; give a context kind such as ${field === 'context_kind' ? DEFAULT_CONTEXT_KIND : 'device'}` });
    }
  }
  const options = optionsOf(config);
  if (options.anonymousKind !== undefined && options.anonymousKind === options.contextKind) {
    problems.push({ field: 'anonymous_context_kind', message: `is the same kind as context_kind (${options.contextKind}): a context holds one key per kind; give another kind (e.g. device), or leave it empty` });
  }

  if (config.event_keys !== undefined && config.event_keys !== null) {
    if (typeof config.event_keys !== 'object' || Array.isArray(config.event_keys)) problems.push({ field: 'event_keys', message: 'is not an object of Signal event names to LaunchDarkly event keys, e.g. {"Order Completed": "purchase"}' });
    else {
      problems.push(...eventMapKeyProblems(config.event_keys, 'event_keys'));
      for (const [name, key] of Object.entries(config.event_keys)) {
        if (typeof key !== 'string' || key.trim() === '') problems.push({ field: 'event_keys', message: `"${name}": the event key is empty or not text; give the event key of a LaunchDarkly metric` });
      }
    }
  }
  if (config.send_unmapped_events === false && Object.keys(options.eventKeys).length === 0) {
    problems.push({ field: 'send_unmapped_events', message: 'is off and event_keys names no event: nothing would be sent; name the events in event_keys, or turn send_unmapped_events on' });
  }

  for (const field of ['context_attributes', 'private_attributes'] as const) {
    const value = config[field];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) {
      problems.push({ field, message: 'is not a list of attribute names, e.g. ["plan", "company"]' });
      continue;
    }
    for (const item of value) {
      if (typeof item !== 'string' || item.trim() === '') problems.push({ field, message: 'holds an empty name or one that is not text' });
      else if (RESERVED_ATTRIBUTES.has(item.trim())) problems.push({ field, message: `names "${item.trim()}", which a context sets itself (kind, key, anonymous, _meta): ${field === 'private_attributes' ? 'it cannot be made private' : 'it is never taken from traits'}` });
    }
  }

  const token = configText(config, 'api_access_token');
  if (token !== undefined) {
    if (/\s/.test(token)) problems.push({ field: 'api_access_token', message: 'holds white space or a line break (copied with the text around it?): give the token alone' });
    else if (/^(sdk|mob)-/i.test(token)) problems.push({ field: 'api_access_token', message: 'is an SDK or mobile key, which the REST API refuses: give a personal or service access token ("api-…")' });
  }
  const deletionFields = [['api_access_token', token], ['project_key', configText(config, 'project_key')], ['environment_key', configText(config, 'environment_key')]] as const;
  if (deletionFields.some(([, value]) => value !== undefined)) {
    for (const [field, value] of deletionFields) {
      if (value === undefined) problems.push({ field, message: 'is required to forward person deletions, with api_access_token, project_key and environment_key; give it, or clear the other two' });
    }
  }
  for (const field of ['project_key', 'environment_key'] as const) {
    const value = configText(config, field);
    if (value !== undefined && /[\s/?#%]/.test(value)) problems.push({ field, message: 'holds white space, "/", "?", "#" or "%", which no LaunchDarkly key has: give the key (not the name or a URL)' });
  }
  return problems;
}

