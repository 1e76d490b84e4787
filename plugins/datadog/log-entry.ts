// Builds one Datadog log (an HTTPLogItem of POST /api/v2/logs) from a mapped event. The
// blueprint gives the event in Segment's shape (type, event, name, ids, properties, traits, a
// slice of the context, the page URL, referrer and user agent under http); the plugin adds what
// the blueprint cannot say:
// - Datadog's reserved attributes: message (a readable line, "track Order Completed", indexed
//   for full-text search), ddsource, ddtags, service, hostname (when configured), status (info);
// - the date attribute (Datadog's "official date", ISO 8601) from the event's time, sent only
//   within what Datadog keeps: "Datadog rejects a log entry if its official date is older than
//   18 hours in the past". An older one (a replay) is sent without `date` — Datadog dates it on
//   arrival — and with its real time as originalTimestamp, with a warning;
// - Datadog's standard attributes where one exists: evt.name (the event's or page's name),
//   usr.id (the userId), usr.anonymous_id (the anonymousId), network.client.ip (only with
//   config.send_ip);
// - no contact information wherever the (editable) blueprint puts it (the SDK's
//   recordWithoutContactInfo: emails, phones, names, addresses, URL query strings, ids that are
//   an email or a phone), and no IP address unless config.send_ip;
// - top-level names Datadog reads in its own way (host, status, level, timestamp, source…)
//   left out of what an edited blueprint adds, with a warning, so that no event field changes
//   a log's date, status, host or service.
// The attributes are then fitted to Datadog's limits (attribute-limits.ts).
import { EVENT_VALUE_CHECKED_FIELDS, isJsonObject, readText, recordWithoutContactInfo, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { fitAttributes, refuseOversize, type Warn } from './attribute-limits.ts';
import { optionsOf } from './config.ts';

/** How far back Datadog takes a log's date: 18 hours, less 5 minutes of clock skew and queueing. */
export const PAST_WINDOW_MS = 18 * 3_600_000 - 5 * 60_000;
/** How far ahead: 2 hours (Datadog's earlier "and 2 hours in the future"), less 5 minutes. */
export const FUTURE_WINDOW_MS = 2 * 3_600_000 - 5 * 60_000;
/** The status of every log: these are events, not errors ("All others map to info"). */
export const LOG_STATUS = 'info';
/** Characters of the name in a log's message. */
const MAX_LABEL_CHARS = 200;

/**
 * Top-level attribute names Datadog's JSON preprocessing reads as the log's date, host,
 * status, service, source, message or trace id (its Pipelines page), and the HTTPLogItem
 * fields: set by the plugin only.
 */
const RESERVED_NAMES = new Set([
  'message', 'ddsource', 'ddtags', 'service', 'hostname', 'host', 'status', 'severity', 'level', 'source', 'trace_id', 'dd', 'syslog', 'contextMap',
  'date', 'timestamp', '@timestamp', '_timestamp', 'Timestamp', 'eventTime', 'published_date', 'originalTimestamp',
]);
/** The visitor's ids, left out unless config.send_ids (and when an SDK's placeholder). */
const ID_FIELDS = new Set(['userId', 'anonymousId', 'previousId']);

/**
 * The event's time in ms since the epoch: the mapped `date` (ISO text, or ms — seconds taken
 * for ms too), else the event's timestamp, else its receipt.
 */
function eventTimeMs(payload: JsonObject, event: CanonicalEvent): number | undefined {
  const given = payload.date;
  let ms = typeof given === 'number' && Number.isFinite(given) ? Math.trunc(given) : typeof given === 'string' ? Date.parse(given) : Number.NaN;
  if (!Number.isFinite(ms)) ms = Date.parse(event.timestamp ?? event.receivedAt ?? '');
  if (!Number.isFinite(ms)) return undefined;
  return ms < 100_000_000_000 ? ms * 1000 : ms;
}

/**
 * The date attribute, or originalTimestamp with a warning when Datadog would reject the date.
 *
 * @example
 * dateOf(Date.parse('2024-03-24T15:59:00Z'), Date.parse('2024-03-24T16:00:00Z'), warn); // { date: '2024-03-24T15:59:00.000Z' }
 */
export function dateOf(ms: number | undefined, now: number, warn: Warn): JsonObject {
  if (ms === undefined) return {};
  const iso = new Date(ms).toISOString();
  if (now - ms <= PAST_WINDOW_MS && ms - now <= FUTURE_WINDOW_MS) return { date: iso };
  warn?.(`date left out, the event's time sent as originalTimestamp: ${iso} is ${ms < now ? 'more than 18 hours ago, and Datadog rejects a log dated so far back' : 'more than 2 hours ahead'}; Datadog dates the log when it receives it`);
  return { originalTimestamp: iso };
}

/**
 * The log's message: the call's type and its name — a track event's name, a page's or screen's
 * name (else a page's path), a group's id — e.g. "track Order Completed", "page /pricing".
 *
 * @example
 * messageOf('track', 'Order Completed', {}); // 'track Order Completed'
 * messageOf('identify', undefined, {}); // 'identify'
 */
export function messageOf(type: string, name: string | undefined, cleaned: JsonObject): string {
  const context = isJsonObject(cleaned.context) ? cleaned.context : {};
  const page = isJsonObject(context.page) ? context.page : {};
  const label = name
    ?? (type === 'page' ? readText(page.path) : undefined)
    ?? (type === 'group' ? readText(cleaned.groupId) : undefined);
  if (label === undefined) return type;
  const chars = [...label];
  return `${type} ${chars.length > MAX_LABEL_CHARS ? `${chars.slice(0, MAX_LABEL_CHARS).join('')}…` : label}`;
}

/**
 * A mapped event without contact information wherever the (editable) blueprint puts it: the
 * SDK's recordWithoutContactInfo cleans properties, traits and context (the IP address too),
 * strips URLs of their query strings (http.url, http.referer) and leaves out ids, group ids and
 * names that are an email address or a phone number.
 *
 * @example
 * withoutContactInfo({ type: 'identify', userId: 'jane@example.com', traits: { email: 'jane@example.com', plan: 'pro' } });
 * // { type: 'identify', traits: { plan: 'pro' } }
 */
export function withoutContactInfo(record: JsonObject): JsonObject {
  return recordWithoutContactInfo(record, { valueChecked: EVENT_VALUE_CHECKED_FIELDS });
}

/** The IP address config.send_ip lets through: the blueprint's network.client.ip, else the context's. */
function clientIp(payload: JsonObject, event: CanonicalEvent): string | undefined {
  const network = isJsonObject(payload.network) ? payload.network : {};
  const client = isJsonObject(network.client) ? network.client : {};
  return readText(client.ip) ?? readText(event.context?.ip as JsonValue | undefined);
}

/**
 * An edited blueprint's usr object, read as a person's (its name is the person's: Datadog's
 * usr.name is "the user friendly name"), without contact information, and without the ids when
 * config.send_ids is off.
 */
function usrOf(value: JsonValue | undefined, sendIds: boolean): JsonObject {
  if (!isJsonObject(value)) return {};
  const person = recordWithoutContactInfo({ traits: value }, { valueChecked: [] }).traits;
  if (!isJsonObject(person)) return {};
  const { id, anonymous_id: anonymousId, ...rest } = person;
  return sendIds ? { ...rest, ...(id !== undefined ? { id } : {}), ...(anonymousId !== undefined ? { anonymous_id: anonymousId } : {}) } : rest;
}

/** The order of the attributes after the plugin's own (see fitLog). */
const ORDER = ['messageId', 'groupId', 'previousId', 'http', 'network', 'properties', 'traits', 'context'];

/**
 * The network attributes: an edited blueprint's, cleaned, without the client's IP; the IP
 * (the blueprint's network.client.ip, else the context's) only with config.send_ip.
 */
function networkOf(payload: JsonObject, event: CanonicalEvent, sendIp: boolean): JsonObject | undefined {
  let network: JsonObject = {};
  if (isJsonObject(payload.network)) {
    const client = isJsonObject(payload.network.client) ? without(payload.network.client, 'ip') : undefined;
    const kept = { ...(without(payload.network, 'client') ?? {}), ...(client ? { client } : {}) };
    const cleaned = withoutContactInfo({ network: kept }).network;
    if (isJsonObject(cleaned)) network = cleaned;
  }
  const ip = sendIp ? clientIp(payload, event) : undefined;
  if (ip !== undefined) network = { ...network, client: { ...(isJsonObject(network.client) ? network.client : {}), ip } };
  return Object.keys(network).length > 0 ? network : undefined;
}

/** An object without the key, and without the object when nothing is left. */
function without(record: JsonObject, key: string): JsonObject | undefined {
  const { [key]: _left, ...rest } = record;
  return Object.keys(rest).length > 0 ? rest : undefined;
}

/**
 * The Datadog log of a mapped event: reserved attributes first (message, ddsource, ddtags,
 * service, hostname, status, date), then type, evt, usr, the other ids, http, network,
 * properties, traits, context and what else the blueprint mapped — within Datadog's limits,
 * with warnings for what was changed or left out. Throws a PermanentError for a log over 1 MB.
 *
 * @example
 * fitLog({ type: 'track', event: 'Signed Up', userId: 'u-1', properties: { plan: 'pro' } }, event, ctx, warn);
 * // { message: 'track Signed Up', ddsource: 'signal', service: 'signal', status: 'info', date: '…', type: 'track',
 * //   evt: { name: 'Signed Up' }, usr: { id: 'u-1' }, properties: { plan: 'pro' } }
 */
export function fitLog(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext, warn: Warn): JsonObject {
  const options = optionsOf(ctx.config);
  const type = readText(payload.type) ?? event.type;

  const kept: JsonObject = {};
  for (const [key, value] of Object.entries(payload)) {
    if (key === 'date' || key === 'type' || key === 'network') continue;
    if (ID_FIELDS.has(key) && (!options.sendIds || !usableId(value))) continue;
    kept[key] = value;
  }
  const cleaned = withoutContactInfo(kept);
  const name = type === 'track' ? readText(cleaned.event) : readText(cleaned.name) ?? readText(cleaned.event);

  const log: JsonObject = {
    message: messageOf(type, name, cleaned),
    ddsource: options.source,
    ...(options.tags.length > 0 ? { ddtags: options.tags.join(',') } : {}),
    service: options.service,
    ...(options.hostname !== undefined ? { hostname: options.hostname } : {}),
    status: LOG_STATUS,
    ...dateOf(eventTimeMs(payload, event), ctx.now, warn),
    type,
  };
  if (name !== undefined) log.evt = { ...(isJsonObject(cleaned.evt) ? cleaned.evt : {}), name };
  else if (isJsonObject(cleaned.evt)) log.evt = cleaned.evt;
  const userId = readText(cleaned.userId);
  const anonymousId = readText(cleaned.anonymousId);
  const usr = { ...usrOf(cleaned.usr, options.sendIds), ...(userId !== undefined ? { id: userId } : {}), ...(anonymousId !== undefined ? { anonymous_id: anonymousId } : {}) };
  if (Object.keys(usr).length > 0) log.usr = usr;

  // The rest in a fixed order, so that the attributes left out past Datadog's 255 are the
  // context's before the properties': ids, http, network, properties, traits, context, others.
  const rest: JsonObject = {};
  const leftOut: string[] = [];
  for (const [key, value] of Object.entries(cleaned)) {
    if (key === 'event' || key === 'name' || key === 'userId' || key === 'anonymousId' || key === 'evt' || key === 'usr') continue;
    if (RESERVED_NAMES.has(key)) leftOut.push(key);
    else rest[key] = value;
  }
  const network = networkOf(payload, event, options.sendIp);
  if (network !== undefined) rest.network = network;
  for (const key of ORDER) if (rest[key] !== undefined) log[key] = rest[key]!;
  for (const [key, value] of Object.entries(rest)) if (!(key in log)) log[key] = value;
  if (leftOut.length > 0) warn?.(`attribute(s) left out: ${leftOut.join(', ')} — Datadog reads these top-level names as the log's own date, status, host, service or source, which the plugin sets`);

  const fitted = fitAttributes(log, warn);
  refuseOversize(fitted);
  return fitted;
}
