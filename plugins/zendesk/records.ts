// The map hook: what the blueprint mapped, made into the one Zendesk record each event becomes.
// An identify becomes an end user for Create Or Update Many Users (`POST
// /api/v2/users/create_or_update_many`): external_id (the userId), email, name, phone and the
// user fields the config lists. A track becomes an Events API event (`POST
// /api/v2/user_profiles/events`): the profile naming the person (source, type, identifiers
// external_id and email: Zendesk attaches the profile, so the event, to the Zendesk user they
// name) and the event (source, type, properties, created_at). Identity comes from the mapped
// `user_id` and `email` only (never from properties), placeholders never count, and an event
// naming nobody is dropped: Zendesk cannot attach it to anyone.
import { isEmailAddress, isJsonObject, readInstantMs, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { eventSourceOf, MAX_SOURCE_CHARS, userFieldsOf } from './config.ts';

/** A user's name: Zendesk's users hold up to 255 characters (the plugin's bound, like its text fields). */
const MAX_TEXT_CHARS = 255;

function text(value: JsonValue | undefined, max = MAX_TEXT_CHARS): string | undefined {
  const raw = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  return raw === '' ? undefined : [...raw].slice(0, max).join('');
}

/**
 * The person an event names: the userId (not a placeholder) and an email that looks like one.
 *
 * @example
 * identityOf({ user_id: 'u-1', email: ' ann@example.com ' }); // { userId: 'u-1', email: 'ann@example.com' }
 * identityOf({ user_id: 'undefined' });                      // {}
 */
export function identityOf(payload: JsonObject): { userId?: string; email?: string } {
  const userId = usableId(payload.user_id) ? String(payload.user_id).trim() : undefined;
  const email = text(payload.email);
  return { ...(userId ? { userId } : {}), ...(email && isEmailAddress(email) ? { email } : {}) };
}

/** The user fields config.user_fields names, from the mapped traits: text, numbers, booleans (the kinds Zendesk's user fields hold). */
function userFields(traits: JsonValue | undefined, keys: string[]): JsonObject | undefined {
  if (!isJsonObject(traits) || keys.length === 0) return undefined;
  const out: JsonObject = {};
  for (const key of keys) {
    const value = traits[key];
    if (typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * An identify's end user, as Create Or Update Many Users takes one: identified by external_id
 * (the userId), else by email. No `role`: an existing agent matched by email keeps theirs, and
 * Zendesk creates end users by default. Null when the identify names nobody.
 *
 * @example
 * userRecord({ user_id: 'u-1', email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee', traits: { plan: 'pro' } }, { user_fields: ['plan'] });
 * // { external_id: 'u-1', email: 'ann@example.com', name: 'Ann Lee', user_fields: { plan: 'pro' } }
 */
export function userRecord(payload: JsonObject, config: Record<string, JsonValue>, ctx?: Pick<PluginContext, 'warn'>): JsonObject | null {
  const { userId, email } = identityOf(payload);
  if (!userId && !email) return null;
  const user: JsonObject = {};
  if (userId) user.external_id = userId;
  if (email) user.email = email;
  const first = text(payload.first_name);
  const last = text(payload.last_name);
  const name = text(payload.name) ?? text([first, last].filter(Boolean).join(' '));
  if (name) user.name = name;
  else ctx?.warn?.('no name in the traits: Zendesk needs one to create a user (an existing user is updated without it)');
  const phone = text(payload.phone, 64);
  if (phone) user.phone = phone;
  const fields = userFields(payload.traits, userFieldsOf(config));
  if (fields) user.user_fields = fields;
  return user;
}

/** Properties as the Events API stores them: a JSON object, absent values left out. */
function propertiesOf(value: JsonValue | undefined): JsonObject {
  if (!isJsonObject(value)) return {};
  const out: JsonObject = {};
  for (const [key, v] of Object.entries(value)) if (v !== null && v !== undefined) out[key] = v;
  return out;
}

/**
 * A track's Events API body: the profile naming the person by external_id (and email) in the
 * config's source and type, and the event of that source with the event's name as type.
 * Null when it names nobody or has no name.
 *
 * @example
 * eventBody({ user_id: 'u-1', event_type: 'Signed Up', created_at: '2024-03-24T16:00:00.000Z', properties: { plan: 'pro' } }, event, {});
 * // { profile: { source: 'signal', type: 'customer', identifiers: [{ type: 'external_id', value: 'u-1' }] },
 * //   event: { source: 'signal', type: 'Signed Up', properties: { plan: 'pro' }, created_at: '2024-03-24T16:00:00.000Z' } }
 */
export function eventBody(payload: JsonObject, event: CanonicalEvent, config: Record<string, JsonValue>, ctx?: Pick<PluginContext, 'warn'>): JsonObject | null {
  const { userId, email } = identityOf(payload);
  const type = text(payload.event_type, MAX_SOURCE_CHARS);
  if ((!userId && !email) || !type) return null;
  const full = text(payload.event_type, 1000) ?? '';
  if (full.length > type.length) ctx?.warn?.(`event type cut to ${MAX_SOURCE_CHARS} characters (the Events API's limit)`);
  const { source, type: profileType } = eventSourceOf(config);
  const identifiers: JsonValue[] = [];
  if (userId) identifiers.push({ type: 'external_id', value: userId });
  if (email) identifiers.push({ type: 'email', value: email });
  const profile: JsonObject = { source, type: profileType, identifiers };
  const name = text(payload.name);
  if (name) profile.name = name;
  const ms = readInstantMs(payload.created_at) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt);
  const body: JsonObject = { source, type, properties: propertiesOf(payload.properties) };
  if (ms !== undefined) body.created_at = new Date(ms).toISOString();
  return { profile, event: body };
}

/**
 * The map hook: the blueprint's mapping as `{ kind: 'user', user }` or `{ kind: 'event', body }`,
 * or null for an event Zendesk cannot be told about (nobody named, or events turned off).
 *
 * @example
 * fitRecord({ kind: 'user', user_id: 'u-1', name: 'Ann' }, event, ctx); // { kind: 'user', user: { external_id: 'u-1', name: 'Ann' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  if (payload.kind === 'user') {
    const user = userRecord(payload, ctx.config, ctx);
    return user ? { kind: 'user', user } : null;
  }
  if (ctx.config.send_events === false) return null;
  const body = eventBody(payload, event, ctx.config, ctx);
  return body ? { kind: 'event', body } : null;
}
