// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateOptimizelyConfig) and the options the mapping and requests read from it.
// Optimizely's Event API takes no credential: what identifies the project is its account and
// project ids, and what makes an event count is its entity id, the id of the event in the
// project's datafile (`events[].id`). Those ids come from the config: `event_ids` (event key →
// id), and/or the datafile itself (`datafile`), whose `events`, `attributes`, `accountId`,
// `projectId` and `anonymizeIP` the plugin reads.
import { eventNamesSchema, isJsonObject, readText, type ConfigProblem, type ConfigSchema, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Where POST /v1/events goes: Optimizely's SDKs name these two regions (logxEndpoint). */
export const REGIONS = ['us', 'eu'] as const;
export type Region = (typeof REGIONS)[number];
export const EVENTS_URLS: Record<Region, string> = {
  us: 'https://logx.optimizely.com/v1/events',
  eu: 'https://eu.logx.optimizely.com/v1/events',
};

/** Which of the event's ids is the Optimizely visitor id (the user id its SDK buckets by). */
export const VISITOR_IDS = ['userId_then_anonymousId', 'anonymousId_then_userId', 'userId', 'anonymousId'] as const;
export type VisitorIdChoice = (typeof VISITOR_IDS)[number];

/** Optimizely's ids (account, project, event, attribute) are digits. */
const ID = /^\d{1,20}$/;
const ID_PATTERN = '^\\s*\\d{1,20}\\s*$';

/** The integration's config as the catalog shows it; `validateOptimizelyConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  properties: {
    account_id: {
      type: 'string', title: 'Account ID',
      description: 'Your Optimizely account id (digits; the datafile\'s accountId, or Account Settings > Plan), sent as account_id. Optional when the datafile below is given.',
      pattern: ID_PATTERN, examples: ['12345678'],
    },
    project_id: {
      type: 'string', title: 'Project ID',
      description: 'The Feature Experimentation project id (digits; the datafile\'s projectId, or the project\'s Settings), sent as project_id. Optional when the datafile below is given.',
      pattern: ID_PATTERN, examples: ['23456789'],
    },
    region: {
      type: 'string', title: 'Data Region',
      description: 'Where events are logged: us (https://logx.optimizely.com/v1/events) or eu (https://eu.logx.optimizely.com/v1/events), as your Optimizely SDKs log them. Unset: the datafile\'s region (US or EU) when a datafile is given, else us.',
      enum: [...REGIONS], enumLabels: ['United States (logx.optimizely.com)', 'European Union (eu.logx.optimizely.com)'], examples: ['us', 'eu'],
    },
    event_ids: {
      type: 'object', title: 'Event Entity IDs',
      description: 'The project\'s events: each Optimizely event key and its entity id (the datafile\'s events[].key and events[].id, or the event\'s id in Flags > Events), e.g. {"purchase": "20286250031"}. An event whose key has no id here nor in the datafile is not sent (the delivery log says so): Optimizely counts a conversion by its entity id.',
      additionalProperties: { type: 'string', pattern: ID_PATTERN },
      examples: [{ purchase: '20286250031', signup: '20286250032' }],
    },
    event_keys: eventNamesSchema('Optional: the Optimizely event key of a Signal track event, by the event\'s name, e.g. {"Order Completed": "purchase"}. A track event not named here is sent under its own name as the key.', {
      title: 'Event Keys of Signal Events', minLength: 1, maxLength: 255,
      examples: [{ 'Order Completed': 'purchase', 'Signed Up': 'signup' }],
    }),
    datafile: {
      type: 'string', title: 'Datafile (JSON)',
      description: 'Optional: the environment\'s datafile as JSON text (https://cdn.optimizely.com/datafiles/<SDK key>.json). Its events[] give entity ids by key, its attributes[] attribute ids by key, and its accountId, projectId, anonymizeIP and region are used when the fields here are empty. Paste it again after adding events in Optimizely.',
      maxLength: 2_000_000,
      examples: ['{"accountId":"12345678","projectId":"23456789","anonymizeIP":true,"events":[{"id":"20286250031","key":"purchase","experimentIds":[]}],"attributes":[{"id":"20286250040","key":"plan"}]}'],
    },
    attribute_ids: {
      type: 'object', title: 'Attribute IDs',
      description: 'Optional: the attributes sent with each visitor, by trait: the trait\'s key (from the person\'s identify traits Signal remembers) and the Optimizely attribute id (the datafile\'s attributes[].id), e.g. {"plan": "20286250040"}. Datafile attributes whose key is a trait are sent too. Only strings, numbers and booleans are sent.',
      additionalProperties: { type: 'string', pattern: ID_PATTERN },
      examples: [{ plan: '20286250040' }],
    },
    visitor_id: {
      type: 'string', title: 'Visitor ID',
      description: 'The id sent as visitor_id: it must be the user id your Optimizely SDK decides (buckets) with, or the conversion is not joined to the visitor\'s variation. userId_then_anonymousId (default): the userId, else the anonymousId; anonymousId_then_userId; userId only; anonymousId only (events without it are not sent).',
      enum: [...VISITOR_IDS], enumLabels: ['userId, else anonymousId', 'anonymousId, else userId', 'userId only', 'anonymousId only'], default: 'userId_then_anonymousId', examples: ['userId_then_anonymousId', 'anonymousId'],
    },
    anonymize_ip: {
      type: 'boolean', title: 'Anonymize IP',
      description: 'Sent as anonymize_ip: Optimizely drops the last octet of the IP it sees. On by default (the datafile\'s anonymizeIP when given and this is not set).',
      examples: [true, false],
    },
    send_user_agent: {
      type: 'boolean', title: 'Send the User Agent (Bot Filtering)',
      description: 'Send the visitor\'s user agent as the reserved attribute $opt_user_agent, which Optimizely\'s bot filtering (Settings > Advanced > Bot Filtering) compares with the IAB/ABC list of bots. On by default.',
      default: true, examples: [true, false],
    },
    api_token: {
      type: 'string', title: 'Personal Access Token', secret: true,
      description: 'Optional, for person deletions only: an Optimizely personal access token (Profile > API Access) of a collaborator on the account, sent as Authorization: Bearer to the REST API\'s subject access requests. The Event API itself takes no credential.',
      examples: ['2:abcdefghijklmnopqrstuvwxyz0123456789'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Send person deletions to Optimizely as subject access requests (POST https://api.optimizely.com/v2/subject-access-requests, data_type visitor, identifier_type fullstack_id, request_type delete), one per id named. Needs the personal access token. Off (default): not forwarded.',
      default: false, examples: [true, false],
    },
  },
};

/** What the plugin reads of a datafile (Optimizely's project config JSON). */
export interface DatafileIds {
  accountId?: string;
  projectId?: string;
  anonymizeIp?: boolean;
  region?: Region;
  events: Record<string, string>;
  attributes: Record<string, string>;
}

/**
 * A datafile's ids, or the problem reading it. Only `events[]`, `attributes[]` (`{id, key}`),
 * `accountId`, `projectId`, `anonymizeIP` and `region` (`US` or `EU`: where Optimizely's SDKs
 * send the project's events) are read.
 *
 * @example
 * readDatafile('{"accountId":"1","projectId":"2","events":[{"id":"3","key":"purchase"}]}');
 * // { ids: { accountId: '1', projectId: '2', events: { purchase: '3' }, attributes: {} } }
 */
export function readDatafile(source: string): { ids: DatafileIds } | { problem: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch (error) {
    return { problem: `is not JSON (${(error as Error).message}): paste the datafile's whole text` };
  }
  if (!isJsonObject(parsed as JsonValue)) return { problem: 'is not a datafile: a JSON object with events[] was expected' };
  const file = parsed as JsonObject;
  const ids: DatafileIds = { events: {}, attributes: {} };
  const account = readText(file.accountId);
  if (account !== undefined) ids.accountId = account;
  const project = readText(file.projectId);
  if (project !== undefined) ids.projectId = project;
  if (typeof file.anonymizeIP === 'boolean') ids.anonymizeIp = file.anonymizeIP;
  const region = readText(file.region)?.toLowerCase();
  if (region !== undefined) {
    if (!(REGIONS as readonly string[]).includes(region)) return { problem: `its region "${String(file.region)}" is not one Optimizely logs events in (US or EU)` };
    ids.region = region as Region;
  }
  for (const [list, into] of [['events', ids.events], ['attributes', ids.attributes]] as const) {
    const entries = file[list];
    if (entries === undefined) continue;
    if (!Array.isArray(entries)) return { problem: `is not a datafile: its ${list} is not a list` };
    for (const entry of entries) {
      if (!isJsonObject(entry)) continue;
      const key = readText(entry.key);
      const id = readText(entry.id);
      if (key === undefined || id === undefined) continue;
      if (!ID.test(id)) return { problem: `its ${list}[] "${key}" has the id ${JSON.stringify(entry.id)}, not an Optimizely entity id (digits): is this a Feature Experimentation datafile?` };
      into[key] = id;
    }
  }
  if (Object.keys(ids.events).length === 0 && file.events === undefined) return { problem: 'is not a datafile: it has no events[] (the project\'s events, {id, key})' };
  return { ids };
}

/**
 * The datafiles last read, by their text: a datafile of megabytes is parsed once, not for every
 * event, even when several integrations (each with its own datafile) deliver in turn.
 */
const datafiles = new Map<string, ReturnType<typeof readDatafile>>();
const DATAFILES_KEPT = 8;

function datafileOf(source: string): ReturnType<typeof readDatafile> {
  let read = datafiles.get(source);
  if (read === undefined) {
    read = readDatafile(source);
    if (datafiles.size >= DATAFILES_KEPT) datafiles.delete(datafiles.keys().next().value!);
    datafiles.set(source, read);
  }
  return read;
}

function idMap(value: JsonValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isJsonObject(value)) return out;
  for (const [key, id] of Object.entries(value)) {
    const trimmed = readText(id);
    if (key.trim() !== '' && trimmed !== undefined && ID.test(trimmed)) out[key.trim()] = trimmed;
  }
  return out;
}

/** What the mapping and the requests read from the config. */
export interface OptimizelyOptions {
  accountId: string;
  projectId: string;
  url: string;
  eventIds: Record<string, string>;
  eventKeys: Record<string, string>;
  attributeIds: Record<string, string>;
  visitorId: VisitorIdChoice;
  anonymizeIp: boolean;
  sendUserAgent: boolean;
  apiToken: string;
  forwardDeletions: boolean;
}

/**
 * The options of an integration's config: the config's own fields first, the datafile's for
 * what they leave out.
 *
 * @example
 * optionsOf({ account_id: '1', project_id: '2', event_ids: { purchase: '3' } });
 * // { accountId: '1', projectId: '2', url: 'https://logx.optimizely.com/v1/events', eventIds: { purchase: '3' }, …, anonymizeIp: true }
 */
export function optionsOf(config: Record<string, JsonValue>): OptimizelyOptions {
  const datafileText = readText(config.datafile);
  const read = datafileText !== undefined ? datafileOf(datafileText) : undefined;
  const datafile: DatafileIds = read && 'ids' in read ? read.ids : { events: {}, attributes: {} };
  const eventKeys: Record<string, string> = {};
  if (isJsonObject(config.event_keys)) {
    for (const [name, key] of Object.entries(config.event_keys)) {
      const trimmed = readText(key);
      if (trimmed !== undefined) eventKeys[name.trim()] = trimmed;
    }
  }
  const region: Region = config.region === 'eu' || config.region === 'us' ? config.region : datafile.region ?? 'us';
  const visitorId = (VISITOR_IDS as readonly string[]).includes(config.visitor_id as string) ? config.visitor_id as VisitorIdChoice : 'userId_then_anonymousId';
  return {
    accountId: readText(config.account_id) ?? datafile.accountId ?? '',
    projectId: readText(config.project_id) ?? datafile.projectId ?? '',
    url: EVENTS_URLS[region],
    eventIds: { ...datafile.events, ...idMap(config.event_ids) },
    eventKeys,
    attributeIds: { ...datafile.attributes, ...idMap(config.attribute_ids) },
    visitorId,
    anonymizeIp: typeof config.anonymize_ip === 'boolean' ? config.anonymize_ip : datafile.anonymizeIp ?? true,
    sendUserAgent: config.send_user_agent !== false,
    apiToken: readText(config.api_token) ?? '',
    forwardDeletions: config.forward_deletions === true,
  };
}

/**
 * Checks beyond the JSON Schema: the account and project ids (here or in the datafile), a
 * datafile that reads, at least one event id, ids that are digits, and the token deletions need.
 *
 * @example
 * validateOptimizelyConfig({ project_id: '2', event_ids: { purchase: '3' } });
 * // [{ field: 'account_id', message: 'is required (or a datafile with its accountId): Optimizely\'s Event API takes account_id with every request' }]
 */
export function validateOptimizelyConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const datafileText = readText(config.datafile);
  let datafile: DatafileIds | undefined;
  if (datafileText !== undefined) {
    const read = readDatafile(datafileText);
    if ('problem' in read) problems.push({ field: 'datafile', message: read.problem });
    else datafile = read.ids;
  }
  for (const [field, fromFile, what] of [['account_id', datafile?.accountId, 'accountId'], ['project_id', datafile?.projectId, 'projectId']] as const) {
    const own = readText(config[field]);
    if (own !== undefined && !ID.test(own)) problems.push({ field, message: 'is not an Optimizely id: digits only (e.g. 12345678)' });
    else if (own === undefined && fromFile === undefined) problems.push({ field, message: `is required (or a datafile with its ${what}): Optimizely's Event API takes ${field} with every request` });
    else if (own === undefined && fromFile !== undefined && !ID.test(fromFile)) problems.push({ field: 'datafile', message: `its ${what} "${fromFile}" is not an Optimizely id (digits)` });
  }
  if (datafile?.region !== undefined && (config.region === 'us' || config.region === 'eu') && config.region !== datafile.region) {
    problems.push({ field: 'region', message: `is ${config.region}, but the datafile's region is ${datafile.region.toUpperCase()}: Optimizely's SDKs log this project's events in ${datafile.region} (${EVENTS_URLS[datafile.region]}); set ${datafile.region} or leave it empty` });
  }
  for (const field of ['event_ids', 'attribute_ids'] as const) {
    const value = config[field];
    if (value === undefined || value === null) continue;
    if (!isJsonObject(value)) {
      problems.push({ field, message: 'is not an object of keys and ids, e.g. {"purchase": "20286250031"}' });
      continue;
    }
    for (const [key, id] of Object.entries(value)) {
      const trimmed = readText(id);
      if (trimmed === undefined || !ID.test(trimmed)) problems.push({ field, message: `"${key}": ${JSON.stringify(id)} is not an Optimizely entity id (digits, e.g. 20286250031)` });
    }
  }
  const eventIds = { ...(datafile?.events ?? {}), ...idMap(config.event_ids) };
  if (Object.keys(eventIds).length === 0 && !problems.some((p) => p.field === 'datafile')) {
    problems.push({ field: 'event_ids', message: 'names no event: give each Optimizely event key\'s entity id here (or the datafile), else no conversion can be sent' });
  }
  if (config.forward_deletions === true && readText(config.api_token) === undefined) {
    problems.push({ field: 'api_token', message: 'is required to forward person deletions (a personal access token for Optimizely\'s subject access requests), or turn forward_deletions off' });
  }
  if (readText(config.api_token)?.match(/\s/)) problems.push({ field: 'api_token', message: 'holds white space or a line break (copied with the text around it?): give the token alone' });
  return problems;
}
