// The plugin's `map` hook: the blueprint's record made into what Fullstory's server API v2
// takes. A record with a `name` is an event for Create Event (`POST /v2/events`): `{ name,
// timestamp, user: { uid }, properties, context: { browser: { url, user_agent,
// initial_referrer } } }`; one without (the identify handler removes it) is a user for Create
// User (`POST /v2/users`, an upsert by uid): `{ uid, display_name, email, properties }`.
// Fullstory's server events need a user (or a Fullstory session id, which a server never has):
// an event without a userId is not sent, with a warning — Fullstory's browser capture records
// anonymous visitors itself.
import { isJsonObject, PermanentError, readInstantMs, usableId, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { fitProperties } from './fullstory-properties.ts';

/** Fullstory's longest uid, display_name and email ("Possible values: <= 256 / 128 characters"). */
export const MAX_UID_CHARS = 256;
export const MAX_DISPLAY_NAME_CHARS = 256;
export const MAX_EMAIL_CHARS = 128;
/** Fullstory's longest event name (its client API's documented limit; the server API names none). */
export const MAX_EVENT_NAME_CHARS = 250;

type Warn = ((message: string) => void) | undefined;

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/** An ISO 8601 UTC time for a mapped time (text, seconds or ms), else the event's own time. */
function timeOf(value: JsonValue | undefined, event: CanonicalEvent): string | undefined {
  const ms = readInstantMs(value) ?? readInstantMs(event.timestamp);
  return ms === undefined ? undefined : new Date(ms).toISOString();
}

function cut(value: string, max: number): { text: string; cut: boolean } {
  const chars = Array.from(value);
  return chars.length > max ? { text: chars.slice(0, max).join(''), cut: true } : { text: value, cut: false };
}

/** The uid of a record, or why there is none Fullstory could take. */
function uidOf(value: JsonValue | undefined): { uid: string } | { why: string } {
  if (!usableId(value)) return { why: 'it has no userId, and Fullstory\'s server API attributes events and properties to a user\'s uid (its browser capture records anonymous visitors itself)' };
  const uid = text(value);
  if (Array.from(uid).length > MAX_UID_CHARS) return { why: `its userId is longer than ${MAX_UID_CHARS} characters, Fullstory's longest uid` };
  return { uid };
}

/** The browser context: url, user_agent, initial_referrer, each kept when it is text. */
function browserOf(context: JsonValue | undefined): JsonObject | undefined {
  const browser = isJsonObject(context) && isJsonObject(context.browser) ? context.browser : undefined;
  if (browser === undefined) return undefined;
  const out: JsonObject = {};
  for (const key of ['url', 'user_agent', 'initial_referrer']) {
    const value = text(browser[key]);
    if (value !== '') out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function fitEvent(payload: JsonObject, event: CanonicalEvent, warn: Warn): JsonObject | null {
  let name = text(payload.name);
  if (name === '') throw new PermanentError('Fullstory: the event has no name, which Create Event requires: map one in the blueprint');
  const fittedName = cut(name, MAX_EVENT_NAME_CHARS);
  if (fittedName.cut) {
    name = fittedName.text;
    warn?.(`event name cut to ${MAX_EVENT_NAME_CHARS} characters, Fullstory's limit`);
  }
  const user = isJsonObject(payload.user) ? payload.user.uid : undefined;
  const who = uidOf(user);
  if ('why' in who) {
    warn?.(`not sent: ${who.why}`);
    return null;
  }
  const fitted = fitProperties(payload.properties);
  for (const warning of fitted.warnings) warn?.(warning);
  const timestamp = timeOf(payload.timestamp, event);
  const browser = browserOf(payload.context);
  return {
    name,
    ...(timestamp === undefined ? {} : { timestamp }),
    user: { uid: who.uid },
    ...(Object.keys(fitted.properties).length > 0 ? { properties: fitted.properties } : {}),
    ...(browser === undefined ? {} : { context: { browser } }),
  };
}

function fitUser(payload: JsonObject, warn: Warn): JsonObject | null {
  const who = uidOf(payload.uid);
  if ('why' in who) {
    warn?.(`not sent: ${who.why}`);
    return null;
  }
  const out: JsonObject = { uid: who.uid };
  const displayName = text(payload.display_name);
  if (displayName !== '') {
    const fitted = cut(displayName, MAX_DISPLAY_NAME_CHARS);
    if (fitted.cut) warn?.(`display_name cut to ${MAX_DISPLAY_NAME_CHARS} characters, Fullstory's limit`);
    out.display_name = fitted.text;
  }
  const email = text(payload.email);
  if (email !== '') {
    if (Array.from(email).length > MAX_EMAIL_CHARS) warn?.(`email left out: longer than ${MAX_EMAIL_CHARS} characters, Fullstory's limit`);
    else out.email = email;
  }
  const fitted = fitProperties(payload.properties);
  for (const warning of fitted.warnings) warn?.(warning);
  if (Object.keys(fitted.properties).length > 0) out.properties = fitted.properties;
  // A uid alone is a valid Create User (every field is optional): it makes the identified user
  // known to Fullstory, as an identify without traits says.
  return out;
}

/**
 * The blueprint's record fitted to Fullstory: an event for Create Event, or a user for Create
 * User; null (not sent, with a warning) when Fullstory could not attribute it to a user.
 *
 * @example
 * fitRecord({ name: 'Signed Up', user: { uid: 'user-1' }, properties: { 'Plan Name': 'pro' } }, event);
 * // { name: 'Signed Up', timestamp: '2024-…Z', user: { uid: 'user-1' }, properties: { Plan_Name: 'pro' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, warn?: Warn): JsonObject | null {
  return 'name' in payload ? fitEvent(payload, event, warn) : fitUser(payload, warn);
}
