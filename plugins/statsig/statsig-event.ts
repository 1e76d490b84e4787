// Fits a mapped event to the entry of `events` that Statsig's `POST /v1/log_event` takes:
// { eventName, user, value, metadata, time }. What the blueprint cannot say is done here:
// the anonymousId goes into user.customIDs under the configured ID type; an event that names
// no user is not sent (Statsig counts events per unit id: userID or a customID); metadata
// values become strings, as Statsig's API reference types them (`additionalProperties:
// string`); the event name and a string value are kept within 128 characters, the metadata and
// user.custom within 4,096 — the sizes past which Statsig's Node server SDK warns that Statsig
// may trim or strip them (`LogEventValidator`: MAX_VALUE_SIZE, MAX_OBJ_SIZE, MAX_USER_SIZE,
// measured as the characters of the keys and of the values as text).
import type { CanonicalEvent, JsonObject, JsonValue, PluginContext } from '../../core/sdk/index.ts';
import { isJsonObject, namesNoOne } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';

/** Characters of an event name and of a string value Statsig takes whole (its SDKs: 128). */
export const MAX_NAME_CHARS = 128;
/** Size of the metadata, and of the user, Statsig takes whole (its SDKs: 4,096), as sizeOf counts. */
export const MAX_OBJECT_SIZE = 4096;
/** The StatsigUser fields the plugin sends as text. */
const USER_TEXT_FIELDS = ['userID', 'email', 'ip', 'userAgent', 'country', 'locale', 'appVersion'] as const;

type Warn = ((message: string) => void) | undefined;

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

/**
 * An object's size as Statsig's Node server SDK measures it (`approximateObjectSize`): the
 * characters of every key and of every scalar value as text, nested objects counted alike.
 *
 * @example
 * sizeOf({ plan: 'pro', seats: 3 }); // 4 + 3 + 5 + 1 = 13
 */
export function sizeOf(value: JsonObject): number {
  let size = 0;
  for (const [key, item] of Object.entries(value)) {
    size += key.length;
    size += item !== null && typeof item === 'object' ? sizeOf(item as JsonObject) : String(item).length;
  }
  return size;
}

/** Leaves out an object's last keys until it is within `max` (sizeOf), naming them in a warning. */
function keepWithin(out: JsonObject, max: number, what: string, warn: Warn): void {
  const keys = Object.keys(out);
  const dropped: string[] = [];
  while (keys.length > 0 && sizeOf(out) > max) {
    const key = keys.pop()!;
    delete out[key];
    dropped.push(key);
  }
  if (dropped.length > 0) warn?.(`${what} ${dropped.reverse().map((k) => `"${k}"`).join(', ')} left out: Statsig may strip ${what} over ${max} characters of keys and values`);
}

function fitMetadata(metadata: JsonValue | undefined, warn: Warn): JsonObject | undefined {
  if (!isJsonObject(metadata)) return undefined;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(metadata)) {
    const text = metadataText(value);
    if (text !== undefined) out[key] = text;
  }
  // Statsig says only that it "may strip some attributes" past the size: the last keys go here,
  // so that what is sent arrives whole.
  keepWithin(out, MAX_OBJECT_SIZE, 'metadata', warn);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** user.custom: the person's scalar traits (and lists of strings), as the StatsigUser takes them. */
function fitCustom(custom: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(custom)) return undefined;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(custom)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out[key] = value;
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function cut(text: string, what: string, warn: Warn): string {
  if (text.length <= MAX_NAME_CHARS) return text;
  warn?.(`${what} cut to ${MAX_NAME_CHARS} characters: Statsig may trim a longer one`);
  // By code points, so that an emoji is never split into half a surrogate pair.
  let kept = '';
  for (const char of text) {
    if (kept.length + char.length > MAX_NAME_CHARS) break;
    kept += char;
  }
  return kept;
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
  const mappedUser = isJsonObject(payload.user) ? payload.user : {};
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
  // Statsig may strip attributes of a user over 4,096: the remembered traits give way first.
  if (custom && sizeOf(user) > MAX_OBJECT_SIZE) {
    keepWithin(custom, MAX_OBJECT_SIZE - (sizeOf(user) - sizeOf(custom)), 'user.custom', warn);
    if (Object.keys(custom).length === 0) delete user.custom;
  }

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
