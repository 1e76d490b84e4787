// Fits a mapped event to the entry of `events` that Statsig's `POST /v1/log_event` takes:
// { eventName, user, value, metadata, time }. What the blueprint cannot say is done here:
// the anonymousId goes into user.customIDs under the configured ID type; an event that names
// no user is not sent (Statsig counts events per unit id: userID or a customID); metadata
// values become strings, as Statsig's SDKs type them (Record<string, string>), and are kept
// within 2,048 characters of JSON, the size Statsig's server SDKs let through; the event name
// and a string value are cut to 64 characters, as those SDKs do.
import type { CanonicalEvent, JsonObject, JsonValue, PluginContext } from '../../core/sdk/index.ts';
import { namesNoOne } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';

/** Characters of an event name and of a string value, as Statsig's server SDKs cut them. */
export const MAX_NAME_CHARS = 64;
/** Characters of the metadata's JSON, as Statsig's server SDKs take it. */
export const MAX_METADATA_CHARS = 2048;
/** The StatsigUser fields the plugin sends as text. */
const USER_TEXT_FIELDS = ['userID', 'email', 'ip', 'userAgent', 'country', 'locale', 'appVersion'] as const;

type Warn = ((message: string) => void) | undefined;

function isObject(value: JsonValue | undefined): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function usable(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string' && typeof value !== 'number') return undefined;
  const text = String(value).trim();
  return text === '' || namesNoOne(text) ? undefined : text;
}

/**
 * A metadata value as Statsig's metadata holds it: a string (numbers and booleans as their
 * text, objects and arrays as their JSON); null and absent values are left out.
 *
 * @example
 * metadataText(3.5); // '3.5'
 * metadataText({ a: 1 }); // '{"a":1}'
 */
export function metadataText(value: JsonValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function fitMetadata(metadata: JsonValue | undefined, warn: Warn): JsonObject | undefined {
  if (!isObject(metadata)) return undefined;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(metadata)) {
    const text = metadataText(value);
    if (text !== undefined) out[key] = text;
  }
  // Statsig's server SDKs drop metadata over 2,048 characters whole; here the last keys go.
  const keys = Object.keys(out);
  const dropped: string[] = [];
  while (keys.length > 0 && JSON.stringify(out).length > MAX_METADATA_CHARS) {
    const key = keys.pop()!;
    delete out[key];
    dropped.push(key);
  }
  if (dropped.length > 0) warn?.(`metadata ${dropped.reverse().map((k) => `"${k}"`).join(', ')} left out: Statsig takes metadata within ${MAX_METADATA_CHARS} characters of JSON`);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** user.custom: the person's scalar traits (and lists of strings), as the StatsigUser takes them. */
function fitCustom(custom: JsonValue | undefined): JsonObject | undefined {
  if (!isObject(custom)) return undefined;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(custom)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function cut(text: string, what: string, warn: Warn): string {
  if (text.length <= MAX_NAME_CHARS) return text;
  warn?.(`${what} cut to ${MAX_NAME_CHARS} characters, as Statsig's SDKs cut it`);
  return text.slice(0, MAX_NAME_CHARS);
}

/**
 * The log_event entry of a mapped event, or null (with a warning) when it names no user.
 *
 * @example
 * fitEvent({ eventName: 'Signed Up', user: { userID: 'u-1' }, anonymousId: 'a-1', metadata: { plan: 2 }, time: 1 }, event, ctx);
 * // { eventName: 'Signed Up', user: { userID: 'u-1', customIDs: { stableID: 'a-1' } }, metadata: { plan: '2' }, time: 1 }
 */
export function fitEvent(payload: JsonObject, _event: CanonicalEvent, ctx: PluginContext, warn: Warn): JsonObject | null {
  const options = optionsOf(ctx.config);
  const name = typeof payload.eventName === 'string' ? payload.eventName.trim() : '';
  if (name === '') {
    warn?.('not sent: the event has no name, which Statsig requires (eventName)');
    return null;
  }
  const mappedUser = isObject(payload.user) ? payload.user : {};
  const user: JsonObject = {};
  for (const field of USER_TEXT_FIELDS) {
    const text = usable(mappedUser[field]);
    if (text !== undefined) user[field] = text;
  }
  const anonymousId = usable(payload.anonymousId);
  if (anonymousId !== undefined) user.customIDs = { [options.stableIdName]: anonymousId };
  if (user.userID === undefined && anonymousId === undefined) {
    warn?.('not sent: the event names no user (no userId nor anonymousId), and Statsig counts events per user');
    return null;
  }
  const custom = fitCustom(mappedUser.custom);
  if (custom) user.custom = custom;
  if (options.tier) user.statsigEnvironment = { tier: options.tier };

  const entry: JsonObject = { eventName: cut(name, `eventName "${name}"`, warn), user };
  const value = payload.value;
  if (typeof value === 'number' && Number.isFinite(value)) entry.value = value;
  else if (typeof value === 'string' && value.trim() !== '') entry.value = cut(value, 'value', warn);
  const metadata = fitMetadata(payload.metadata, warn);
  if (metadata) entry.metadata = metadata;
  if (typeof payload.time === 'number' && Number.isFinite(payload.time)) entry.time = Math.trunc(payload.time);
  else entry.time = ctx.now;
  return entry;
}
