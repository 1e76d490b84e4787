// An identify as a Marketing Campaigns contact, for PUT /v3/marketing/contacts ("Add or Update
// a Contact"): the identifiers (`email`; the userId as `external_id`; `phone_number_id` when the
// config says), the reserved fields the blueprint fills (names, address) cut to SendGrid's
// lengths, and `custom_fields` by id from the config's trait → field id pairs. Whether the
// contact joins the config's lists is decided here too (marketing consent, and an email the
// identify gives itself, not only the remembered context.traits.email), and said with the
// record so `send` can put it in a request with `list_ids` or without. Every other call is not
// sent: Marketing Campaigns has no API for custom events.
import { isConsentGranted, isJsonObject, isRememberedOnly, mappedEmailOrLeftOut, mappedUserId, normalizePhoneNumber, type CanonicalEvent, type JsonObject, type JsonValue, type MappedUserIdOptions, type PluginContext } from '../../core/sdk/index.ts';
import { customFieldsOf, listIdsOf } from './config.ts';

/** The Contacts API's longest email, external_id and anonymous_id (ContactRequest's maxLength). */
export const MAX_IDENTIFIER_CHARS = 254;

/** The reserved fields the plugin sends, with ContactRequest's maxLength (none documented for postal_code). */
export const RESERVED_FIELDS: Record<string, number | undefined> = {
  first_name: 50, last_name: 50, address_line_1: 100, address_line_2: 100, city: 60, state_province_region: 50, postal_code: undefined, country: 50,
};
/** The longest custom field text the plugin sends: its own cap (the Custom Fields API documents none), for the short values fields are meant for. */
export const MAX_CUSTOM_TEXT_CHARS = 1_000;

/** A fitted contact: the contact object SendGrid receives, and whether it joins the config's lists. */
export interface SendGridContact {
  kind: 'contact';
  /** Marketing consent given (and the config has lists): sent in a request with `list_ids`. */
  subscribe: boolean;
  contact: JsonObject;
}

/**
 * Why a call other than identify is not sent, said once per event as a warning.
 *
 * @example
 * notSentReason('track'); // 'track calls are not sent: SendGrid Marketing Campaigns has no API for custom events (…)'
 */
export function notSentReason(type: string): string {
  if (type === 'track') return 'track calls are not sent: SendGrid Marketing Campaigns has no API for custom events (its contacts API takes contact fields only)';
  return `${type} calls are not sent: SendGrid Marketing Campaigns takes contacts (identify) only`;
}

/** A custom field value as SendGrid takes one (text, number, or a date as text), or why not. */
function customValue(value: JsonValue): { value: JsonValue } | { leftOut: string } | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    return text.length > MAX_CUSTOM_TEXT_CHARS ? { leftOut: `longer than ${MAX_CUSTOM_TEXT_CHARS} characters` } : { value: text };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { leftOut: 'not a finite number' };
  if (typeof value === 'boolean') return { value: String(value) };
  return { leftOut: 'an object or a list: SendGrid custom fields hold text, a number or a date' };
}

/**
 * The contact's custom fields from the identify's traits and the config's trait → id pairs;
 * what SendGrid cannot take is left out, said with ctx.warn. Undefined when none is left.
 *
 * @example
 * customFieldValues(identify({ plan: 'pro', seats: 3 }), { config: { custom_fields: { plan: 'e1_T', seats: 'e2_N' } }, … });
 * // { e1_T: 'pro', e2_N: 3 }
 */
export function customFieldValues(event: CanonicalEvent, ctx: PluginContext): JsonObject | undefined {
  const traits = isJsonObject(event.traits as JsonValue | undefined) ? (event.traits as JsonObject) : {};
  const fields: JsonObject = {};
  for (const [trait, id] of customFieldsOf(ctx.config)) {
    // Own traits only: a trait named `constructor` is no function of Object's.
    if (!Object.hasOwn(traits, trait)) continue;
    const fitted = customValue(traits[trait] as JsonValue);
    if (fitted === undefined) continue;
    if ('leftOut' in fitted) ctx.warn?.(`custom_fields.${id} (traits.${trait}) left out: ${fitted.leftOut}`);
    else fields[id] = fitted.value;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** The userId as external_id (the SDK's mappedUserId): placeholders (`"null"`: many visitors share it) left out, at most the Contacts API's length. */
const EXTERNAL_IDS: MappedUserIdOptions = { maxChars: MAX_IDENTIFIER_CHARS, limit: `SendGrid takes an external_id of at most ${MAX_IDENTIFIER_CHARS}` };

/**
 * The map hook: an identify as a SendGrid contact (`{ kind, subscribe, contact }`), or null —
 * not sent — for any other call (with the reason as a warning) and for an identify naming no
 * one (no email, userId or phone identifier). A malformed email dead-letters the identify,
 * unless the userId names the contact: then the email alone is left out, with a warning.
 *
 * @example
 * fitContact({ kind: 'contact', email: 'jane@example.com', external_id: 'u-1', first_name: 'Jane' }, identifyWithConsent, ctx);
 * // { kind: 'contact', subscribe: true, contact: { email: 'jane@example.com', external_id: 'u-1', first_name: 'Jane' } }
 */
export function fitContact(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  if (payload.kind !== 'contact') {
    ctx.warn?.(notSentReason(event.type));
    return null;
  }
  const externalId = mappedUserId(payload.external_id, EXTERNAL_IDS);
  // With the userId the contact is still named: its other fields are not lost for the address.
  const email = mappedEmailOrLeftOut(payload.email, 'SendGrid', { namedOtherwise: externalId !== undefined, warn: ctx.warn });
  let phone: string | undefined;
  if (ctx.config.phone_number_id === true && (typeof payload.phone === 'string' || typeof payload.phone === 'number')) {
    phone = normalizePhoneNumber(String(payload.phone));
    if (phone === undefined) ctx.warn?.(`phone_number_id left out: ${JSON.stringify(payload.phone)} is no phone number with its country code (SendGrid takes a valid phone number; write it as +<country code> <number>)`);
  }
  if (email === undefined && externalId === undefined && phone === undefined) return null;
  const contact: JsonObject = {};
  if (email !== undefined) contact.email = email;
  if (phone !== undefined) contact.phone_number_id = phone;
  if (externalId !== undefined) contact.external_id = externalId;
  for (const [field, max] of Object.entries(RESERVED_FIELDS)) {
    const value = payload[field];
    if (value === undefined || value === null) continue;
    if (typeof value !== 'string' && typeof value !== 'number') {
      ctx.warn?.(`${field} left out: not text`);
      continue;
    }
    const text = String(value).trim();
    if (text === '') continue;
    if (max !== undefined && text.length > max) ctx.warn?.(`${field} left out: longer than SendGrid's ${max} characters`);
    else contact[field] = text;
  }
  const custom = customFieldValues(event, ctx);
  if (custom) contact.custom_fields = custom;
  let subscribe = listIdsOf(ctx.config).length > 0 && isConsentGranted(event, ['marketing']);
  // Joining comes from what the call says: not from the email Signal remembers (context.traits).
  if (subscribe && isRememberedOnly(payload.email, 'email', event)) {
    ctx.warn?.('lists not joined: the identify gives no email of its own, only the one Signal remembers of the person (context.traits)');
    subscribe = false;
  }
  const record: SendGridContact = { kind: 'contact', subscribe, contact };
  return { ...record };
}

/**
 * The contact of a mapped payload (fitContact's), or undefined.
 *
 * @example
 * contactOf({ kind: 'contact', subscribe: false, contact: { email: 'a@b.co' } }); // { kind: 'contact', subscribe: false, contact: { email: 'a@b.co' } }
 * contactOf({ email: 'a@b.co' });                                                  // undefined
 */
export function contactOf(payload: JsonObject): SendGridContact | undefined {
  const { kind, subscribe, contact } = payload;
  if (kind !== 'contact' || !isJsonObject(contact)) return undefined;
  return { kind, subscribe: subscribe === true, contact };
}
