// The map hook: what the blueprint mapped, made into the one Intercom record each event
// becomes. An identify becomes a contact — its fields, sent to the contact its lookup finds
// (`PUT /contacts/{id}`) or with its creation (`POST /contacts`): see requests.ts — and a track
// (or, in with_page_views, a page) a data event (`POST /events`). Identity comes from the mapped
// `user_id` and `email` only (never from properties), placeholders never count, and an event
// naming nobody is dropped: Intercom's server-side API names a lead only by its Intercom id,
// which a site's events do not carry.
import { isEmailAddress, isJsonObject, normalizePhoneNumber, readInstantMs, readText, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { customAttributesOf } from './config.ts';
import { fitMetadata, monetaryAmount, MAX_STRING_CHARS } from './metadata.ts';

/** The two kinds of records: a contact (identify) or a data event. */
export type Kind = 'contact' | 'event';

/** A record the request builder sends: its kind and the body. */
export interface IntercomRecord {
  kind: Kind;
  body: JsonObject;
}

/** Unix seconds of a mapped time (seconds, ms or ISO text), or undefined. */
function seconds(value: JsonValue | undefined): number | undefined {
  const ms = readInstantMs(value);
  return ms === undefined ? undefined : Math.floor(ms / 1000);
}

/**
 * The person an event names, as Intercom takes them: the userId as `external_id`/`user_id`
 * (not a placeholder), and an email that looks like one.
 *
 * @example
 * identityOf({ user_id: 'u-1', email: ' Ann@Example.com ' }); // { userId: 'u-1', email: 'Ann@Example.com' }
 * identityOf({ user_id: 'null' });                           // {}
 */
export function identityOf(payload: JsonObject): { userId?: string; email?: string } {
  const userId = usableId(payload.user_id) ? String(payload.user_id).trim() : undefined;
  const email = readText(payload.email);
  return { ...(userId ? { userId } : {}), ...(email && isEmailAddress(email, { requireDomainDot: false }) ? { email } : {}) };
}

/** The custom attributes config.custom_attributes names, from the mapped traits: scalars only (Intercom's attribute types). */
function customAttributes(traits: JsonValue | undefined, names: string[]): JsonObject | undefined {
  if (!isJsonObject(traits) || names.length === 0) return undefined;
  const out: JsonObject = {};
  for (const name of names) {
    const value = traits[name];
    if (typeof value === 'string') out[name] = [...value].slice(0, MAX_STRING_CHARS).join('');
    else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') out[name] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * A contact record from an identify's mapping: `external_id`, `email`, `name` (else first and
 * last name), `phone` (E.164 when it reads as a number), `avatar` (an http(s) URL),
 * `signed_up_at` and `last_seen_at` in Unix seconds, and the custom attributes the config
 * lists. No `role`: the creation adds `role: "user"`, an update leaves a lead a lead. Null
 * when the identify names nobody.
 *
 * @example
 * contactRecord({ user_id: 'u-1', email: 'ann@example.com', first_name: 'Ann', last_name: 'Lee' }, {});
 * // { kind: 'contact', body: { external_id: 'u-1', email: 'ann@example.com', name: 'Ann Lee' } }
 */
export function contactRecord(payload: JsonObject, config: Record<string, JsonValue>): IntercomRecord | null {
  const { userId, email } = identityOf(payload);
  if (!userId && !email) return null;
  const body: JsonObject = {};
  if (userId) body.external_id = userId;
  if (email) body.email = email;
  const name = readText(payload.name) ?? ([readText(payload.first_name), readText(payload.last_name)].filter(Boolean).join(' ') || undefined);
  if (name) body.name = name;
  const phone = readText(payload.phone);
  if (phone) {
    const code = typeof config.default_country_code === 'string' ? config.default_country_code : undefined;
    body.phone = normalizePhoneNumber(phone, { defaultCountryCode: code }) ?? phone;
  }
  const avatar = readText(payload.avatar);
  if (avatar && /^https?:\/\//i.test(avatar)) body.avatar = avatar;
  const signedUp = seconds(payload.signed_up_at);
  if (signedUp !== undefined) body.signed_up_at = signedUp;
  const lastSeen = seconds(payload.last_seen_at);
  if (lastSeen !== undefined) body.last_seen_at = lastSeen;
  const custom = customAttributes(payload.traits, customAttributesOf(config));
  if (custom) body.custom_attributes = custom;
  return { kind: 'contact', body };
}

/**
 * A data event record: `event_name` (cut to 255 characters), `created_at` in Unix seconds (the
 * mapped time, else the event's), `user_id` (else `email`), and the metadata Intercom keeps
 * (metadata.ts), a monetary `price` first when the mapping gave a revenue and a currency.
 * Null when the event names nobody or has no name.
 *
 * @example
 * eventRecord({ user_id: 'u-1', event_name: 'Signed Up', created_at: 1711296000, metadata: { plan: 'pro' } }, event);
 * // { kind: 'event', body: { event_name: 'Signed Up', created_at: 1711296000, user_id: 'u-1', metadata: { plan: 'pro' } } }
 */
export function eventRecord(payload: JsonObject, event: CanonicalEvent): IntercomRecord | null {
  const { userId, email } = identityOf(payload);
  const name = readText(payload.event_name);
  if ((!userId && !email) || !name) return null;
  const createdAt = seconds(payload.created_at) ?? seconds(event.timestamp) ?? seconds(event.receivedAt);
  const body: JsonObject = { event_name: [...name].slice(0, MAX_STRING_CHARS).join(''), created_at: createdAt ?? 0 };
  if (userId) body.user_id = userId;
  else if (email) body.email = email;
  const price = monetaryAmount(payload.revenue, payload.currency);
  const { metadata } = fitMetadata(isJsonObject(payload.metadata) ? payload.metadata : {}, price ? { price } : {});
  if (Object.keys(metadata).length > 0) body.metadata = metadata;
  return { kind: 'event', body };
}

/**
 * The map hook: the blueprint's mapping as the record the request builder sends
 * (`{ kind, body }`), or null for an event Intercom cannot be told about.
 *
 * @example
 * fitRecord({ kind: 'event', user_id: 'u-1', event_name: 'Signed Up', created_at: 1711296000 }, event, ctx);
 * // { kind: 'event', body: { event_name: 'Signed Up', created_at: 1711296000, user_id: 'u-1' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const record = payload.kind === 'contact' ? contactRecord(payload, ctx.config) : eventRecord(payload, event);
  if (!record) return null;
  return { kind: record.kind, body: record.body };
}
