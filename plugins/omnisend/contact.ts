// An identify as Omnisend's "Create or update existing contact", POST /contacts ("If a contact
// with the provided email identifier already exists, it will be updated instead"): the person's
// identifiers (email and/or phone), their default properties (first and last name, birthdate,
// gender, address), tags (config.tags and the blueprint's) and the other traits as custom
// properties.
//
// Subscription: an identifier's channel (`email` for an email, `sms` for a phone) is set to
// `subscribed` only when the config asks for it (subscribe_email_with_consent,
// subscribe_sms_with_consent), the identify carries marketing consent, and the identifier is the
// call's own — not only the one Signal remembers from an earlier identify (context.traits): a
// subscription comes from a call that gives the address. Even then the contact is looked up
// first (GET /contacts?email= or ?phone=, classify.ts): an identifier Omnisend has unsubscribed
// is never subscribed again, and one already subscribed is left as it is. The plugin never sends
// `unsubscribed` or `nonSubscribed`: an identify without consent says nothing of that, and the
// contact's channels are then not sent at all.
import {
  birthDateYmd, countryCodeOf, isConsentGranted, isRememberedOnly, readText, visitorIp, visitorUserAgent,
  type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { configTagsOf, MAX_TAGS } from './config.ts';
import { identityOf } from './identity.ts';

/** Omnisend's limits on the default contact properties (its Contacts API schema). */
const TEXT_LIMITS: Readonly<Record<string, number>> = { firstName: 50, lastName: 50, address: 500, city: 100, state: 100, country: 100, postalCode: 20 };
/** Longest tag the plugin sends (Omnisend documents none; tags are short labels). */
const MAX_TAG_CHARS = 100;
/** Omnisend's custom property names (its contacts reference): latin letters, digits and `_`, at most 128. */
const CUSTOM_PROPERTY_NAME = /^[A-Za-z0-9_]{1,128}$/;
/** Omnisend: "Maximum 200 properties could be specified for one contact". */
const MAX_CUSTOM_PROPERTIES = 200;

/** An identifier whose channel the identify asks to subscribe, and how: its type, value and channel. */
export interface Subscription {
  type: 'email' | 'phone';
  id: string;
  channel: 'email' | 'sms';
}

/** A contact record: the body of POST /contacts without channels, and the subscriptions to check first. */
export interface ContactRecord {
  body: JsonObject;
  subscriptions: Subscription[];
  /** The consent evidence sent with each subscribed identifier (Omnisend's identifier `consent`). */
  consent: JsonObject;
}

/**
 * Whether the event grants `marketing` and denies it nowhere (Signal's consent gate's reading).
 *
 * @example
 * hasMarketingConsent({ context: { consent: { marketing: true } } } as CanonicalEvent); // true
 */
export function hasMarketingConsent(event: CanonicalEvent): boolean {
  return isConsentGranted(event, ['marketing']);
}

/** A default text property as Omnisend takes it, or undefined (said with ctx.warn when unusable). */
function textOf(name: string, value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  if (value === undefined || value === null) return undefined;
  const text = readText(value);
  if (text === undefined) {
    if (typeof value === 'object') ctx.warn?.(`${name} left out: Omnisend takes it as text, not ${Array.isArray(value) ? 'a list' : 'an object'}`);
    return undefined;
  }
  const limit = TEXT_LIMITS[name];
  if (limit !== undefined && text.length > limit) {
    ctx.warn?.(`${name} left out: ${text.length} characters, and Omnisend takes at most ${limit}`);
    return undefined;
  }
  return text;
}

/** A gender as Omnisend takes it (`m` or `f`), or undefined. */
function genderOf(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  const text = readText(value)?.toLowerCase();
  if (text === undefined) return undefined;
  if (text === 'm' || text === 'male') return 'm';
  if (text === 'f' || text === 'female') return 'f';
  ctx.warn?.(`gender left out: Omnisend takes m or f, and ${JSON.stringify(text)} is neither`);
  return undefined;
}

/** The contact's tags: config.tags, then the blueprint's (text or a list of text), each once, at most 100. */
function tagsOf(value: JsonValue | undefined, ctx: PluginContext): string[] {
  const mapped = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  const tags = new Set(configTagsOf(ctx.config));
  for (const tag of mapped) {
    const text = readText(tag);
    if (text === undefined) continue;
    if (text.length > MAX_TAG_CHARS) ctx.warn?.(`tag left out: ${text.length} characters, longer than the ${MAX_TAG_CHARS} the plugin sends`);
    else tags.add(text);
  }
  const list = [...tags];
  if (list.length > MAX_TAGS) ctx.warn?.(`${list.length - MAX_TAGS} tags left out: Omnisend takes at most ${MAX_TAGS} a contact`);
  return list.slice(0, MAX_TAGS);
}

/** A custom property value Omnisend takes: text, a number, a boolean, or a list of text and numbers. */
function isCustomValue(value: JsonValue): boolean {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return true;
  return Array.isArray(value) && value.every((item) => typeof item === 'string' || typeof item === 'number');
}

/**
 * The traits as Omnisend custom properties: names of letters, digits and `_`, values text,
 * numbers, booleans or lists of them, at most 200; the rest (nested objects, other names, nulls, the 201st on) left out,
 * all but nulls said with ctx.warn. Undefined when nothing is left.
 *
 * @example
 * customPropertiesOf({ plan: 'pro', favoriteColors: ['red'], address: { city: 'Paris' } }, ctx);
 * // { plan: 'pro', favoriteColors: ['red'] }   (warned: traits.address left out …)
 */
export function customPropertiesOf(value: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const out: JsonObject = {};
  for (const [name, item] of Object.entries(value)) {
    // null would be no value to set: a missing trait is no request to erase the property.
    if (item === null || item === undefined) continue;
    if (!CUSTOM_PROPERTY_NAME.test(name)) {
      ctx.warn?.(`traits.${name} left out: Omnisend custom property names are letters, digits and _ (at most 128)`);
      continue;
    }
    if (!isCustomValue(item)) {
      ctx.warn?.(`traits.${name} left out: Omnisend custom properties are text, numbers, booleans or lists of text, not ${Array.isArray(item) ? 'a list of objects' : 'an object'}`);
      continue;
    }
    if (Object.keys(out).length >= MAX_CUSTOM_PROPERTIES) {
      ctx.warn?.(`traits.${name} left out: Omnisend takes at most ${MAX_CUSTOM_PROPERTIES} custom properties a contact`);
      continue;
    }
    out[name] = item;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The identifier's own consent evidence: when (the call's time), where from, and the visitor's IP and browser. */
function consentOf(event: CanonicalEvent): JsonObject {
  const ip = visitorIp(event.context?.ip);
  const userAgent = visitorUserAgent(event.context?.userAgent);
  return {
    createdAt: new Date(Date.parse(event.timestamp) || Date.now()).toISOString(),
    source: 'signal',
    ...(ip === undefined ? {} : { ip }),
    ...(userAgent === undefined ? {} : { userAgent: userAgent.slice(0, 200) }),
  };
}

/**
 * The contact record of an identify, or null when it names no contact (no email, no phone:
 * Omnisend keys contacts by them), said with ctx.warn.
 *
 * @example
 * contactRecord({ email: 'jane@example.com', firstName: 'Jane', customProperties: { plan: 'pro' } }, identifyWithConsent, ctx);
 * // { body: { identifiers: [{ type: 'email', id: 'jane@example.com' }], firstName: 'Jane', customProperties: { plan: 'pro' } },
 * //   subscriptions: [{ type: 'email', id: 'jane@example.com', channel: 'email' }] (with config.subscribe_email_with_consent), consent: { … } }
 */
export function contactRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): ContactRecord | null {
  const identity = identityOf(payload, ctx);
  if (identity === undefined) {
    ctx.warn?.('not sent to Omnisend: the identify names no contact (no email or phone in traits, nor remembered from an earlier identify)');
    return null;
  }
  const identifiers: JsonObject[] = [];
  if (identity.email !== undefined) identifiers.push({ type: 'email', id: identity.email });
  if (identity.phone !== undefined) identifiers.push({ type: 'phone', id: identity.phone });
  const body: JsonObject = { identifiers };
  for (const name of ['firstName', 'lastName', 'address', 'city', 'state', 'postalCode', 'country'] as const) {
    const text = textOf(name, payload[name], ctx);
    if (text !== undefined) body[name] = text;
  }
  const countryCode = readText(payload.countryCode);
  if (countryCode !== undefined) {
    const code = countryCodeOf(countryCode);
    if (code === undefined) ctx.warn?.(`countryCode left out: ${JSON.stringify(countryCode)} is no ISO 3166-1 country code`);
    else body.countryCode = code.toUpperCase();
  }
  const birthdate = readText(payload.birthdate);
  if (birthdate !== undefined) {
    const ymd = birthDateYmd(birthdate);
    if (ymd === undefined) ctx.warn?.(`birthdate left out: ${JSON.stringify(birthdate)} is no date Omnisend takes (YYYY-MM-DD)`);
    else body.birthdate = `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`;
  }
  const gender = genderOf(payload.gender, ctx);
  if (gender !== undefined) body.gender = gender;
  const tags = tagsOf(payload.tags, ctx);
  if (tags.length > 0) body.tags = tags;
  const custom = customPropertiesOf(payload.customProperties, ctx);
  if (custom !== undefined) body.customProperties = custom;
  return { body, subscriptions: subscriptionsOf(payload, identity, event, ctx), consent: consentOf(event) };
}

/** The identifiers whose channel the identify asks to subscribe (see the header). */
function subscriptionsOf(payload: JsonObject, identity: { email?: string; phone?: string }, event: CanonicalEvent, ctx: PluginContext): Subscription[] {
  const wantsEmail = ctx.config.subscribe_email_with_consent === true && identity.email !== undefined;
  const wantsSms = ctx.config.subscribe_sms_with_consent === true && identity.phone !== undefined;
  if (!wantsEmail && !wantsSms) return [];
  if (!hasMarketingConsent(event)) return [];
  const subscriptions: Subscription[] = [];
  if (wantsEmail) {
    if (isRememberedOnly(payload.email, 'email', event)) ctx.warn?.('email channel not subscribed: the identify gives no email of its own, only the one Signal remembers of the person (context.traits), and a subscription comes from a call that gives the address');
    else subscriptions.push({ type: 'email', id: identity.email!, channel: 'email' });
  }
  if (wantsSms) {
    if (isRememberedOnly(payload.phone, 'phone', event)) ctx.warn?.('sms channel not subscribed: the identify gives no phone of its own, only the one Signal remembers of the person (context.traits)');
    else subscriptions.push({ type: 'phone', id: identity.phone!, channel: 'sms' });
  }
  return subscriptions;
}

/**
 * The body of POST /contacts with the subscriptions the lookups allowed: each such identifier
 * with its channel `subscribed` and the consent evidence.
 *
 * @example
 * bodyWithSubscriptions({ identifiers: [{ type: 'email', id: 'jane@example.com' }] }, [{ type: 'email', id: 'jane@example.com', channel: 'email' }], { createdAt: '2024-03-24T16:00:00.000Z', source: 'signal' });
 * // { identifiers: [{ type: 'email', id: 'jane@example.com', channels: { email: { status: 'subscribed', statusChangedAt: '2024-03-24T16:00:00.000Z' } }, consent: { … } }] }
 */
export function bodyWithSubscriptions(body: JsonObject, allowed: Subscription[], consent: JsonObject): JsonObject {
  if (allowed.length === 0 || !Array.isArray(body.identifiers)) return body;
  const identifiers = body.identifiers.map((identifier) => {
    if (identifier === null || typeof identifier !== 'object' || Array.isArray(identifier)) return identifier;
    const subscription = allowed.find((s) => s.type === identifier.type && s.id === identifier.id);
    if (subscription === undefined) return identifier;
    return { ...identifier, channels: { [subscription.channel]: { status: 'subscribed', statusChangedAt: consent.createdAt ?? null } }, consent };
  });
  return { ...body, identifiers };
}
