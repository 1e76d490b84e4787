// An identify as a Drip subscriber, for Create or update a subscriber (one record of
// `{"subscribers": [...]}`, alone or in a batch): the person's email (else Drip's id), the site's
// userId as `user_id`, the standard fields the blueprint maps (first_name, last_name, phone,
// address, time_zone), the traits the config maps to custom fields, the config's tags and
// traits.tags (only ever added), the config's prospect flag, and the status the person's
// marketing consent allows:
// - with consent: `initial_status: "active"` (Drip: the status of a subscriber it creates; an
//   existing one keeps theirs), or `status: "active"` when config.resubscribe_with_consent is on,
//   which re-subscribes someone who unsubscribed;
// - without consent, or named only by what Signal remembers of the person (context.traits: an
//   email the identify does not give itself): `initial_status: "unsubscribed"`: a person new to Drip is created
//   unsubscribed, and an existing subscriber's status is left alone. `status` is never sent
//   then: "unsubscribed" would unsubscribe someone, and an identify without consent says no such thing.
import { isConsentGranted, isRememberedOnly, PermanentError, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { configTagsOf, customFieldMapOf, MAX_TAG_CHARS } from './config.ts';
import { identityOf } from './identity.ts';
import { fieldText } from './property-values.ts';

/** Drip's standard subscriber fields the blueprint may map, each sent as text. */
export const STANDARD_FIELDS = ['first_name', 'last_name', 'phone', 'address1', 'address2', 'city', 'state', 'zip', 'country', 'time_zone'] as const;
/** Longest text of a standard field or user_id the plugin sends (Drip documents none). */
export const MAX_FIELD_CHARS = 255;

/**
 * Whether the event grants `marketing` and denies it nowhere (Signal's consent gate's reading).
 *
 * @example
 * hasMarketingConsent({ context: { consent: { marketing: true } } } as CanonicalEvent); // true
 * hasMarketingConsent({ context: {} } as CanonicalEvent);                               // false
 */
export function hasMarketingConsent(event: CanonicalEvent): boolean {
  return isConsentGranted(event, ['marketing']);
}

/** Whether a time zone is one Drip can read (an IANA name: Drip answers 422 to anything else). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** A standard field's text, or undefined (said with ctx.warn when it was given but unusable). */
function standardFieldOf(name: string, value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  const text = fieldText(value, name, ctx);
  if (text === undefined) return undefined;
  if (text.length > MAX_FIELD_CHARS) {
    ctx.warn?.(`${name} left out: ${text.length} characters, more than the ${MAX_FIELD_CHARS} Signal sends Drip`);
    return undefined;
  }
  if (name === 'time_zone' && !isTimeZone(text)) {
    ctx.warn?.(`time_zone left out: ${JSON.stringify(text)} is no IANA time zone (e.g. America/New_York), which Drip requires`);
    return undefined;
  }
  return text;
}

/**
 * The tags of a subscriber: the config's, then those the blueprint mapped (a list, or text
 * with commas), trimmed, each once.
 *
 * @example
 * tagsOf(['Signal'], 'Customer, VIP', ctx); // ['Signal', 'Customer', 'VIP']
 */
export function tagsOf(configTags: string[], mapped: JsonValue | undefined, ctx: PluginContext): string[] {
  const given = Array.isArray(mapped) ? mapped : typeof mapped === 'string' ? mapped.split(',') : [];
  if (mapped !== undefined && mapped !== null && given.length === 0 && typeof mapped !== 'string') ctx.warn?.('tags left out: give traits.tags as a list of text or as text with commas');
  const tags = [...configTags];
  for (const tag of given) {
    if (typeof tag !== 'string' && typeof tag !== 'number') continue;
    const text = String(tag).trim();
    if (text === '') continue;
    if (text.length > MAX_TAG_CHARS) {
      ctx.warn?.(`a tag of ${text.length} characters left out: more than the ${MAX_TAG_CHARS} Signal sends Drip`);
      continue;
    }
    tags.push(text);
  }
  return [...new Set(tags)];
}

/**
 * The custom fields of a subscriber: each trait the config maps, as text, under its Drip
 * identifier. Traits the config does not name are not sent.
 *
 * @example
 * customFieldsOf({ plan: 'pro', seats: 3, secret: 'x' }, { custom_fields: { plan: 'plan_name', seats: 'seats' } }, ctx);
 * // { plan_name: 'pro', seats: '3' }
 */
export function customFieldsOf(traits: JsonValue | undefined, config: PluginContext['config'], ctx: PluginContext): JsonObject {
  const fields: JsonObject = {};
  if (traits === null || traits === undefined || typeof traits !== 'object' || Array.isArray(traits)) return fields;
  for (const [trait, field] of Object.entries(customFieldMapOf(config))) {
    if (!Object.hasOwn(traits, trait)) continue;
    const text = fieldText(traits[trait], `traits.${trait}`, ctx);
    if (text !== undefined) fields[field] = text;
  }
  return fields;
}

/**
 * The subscriber record of an identify, or null when it names no subscriber (no email, no Drip
 * id: Drip creates and finds subscribers by email), said with ctx.warn.
 *
 * @example
 * subscriberRecord({ email: 'jane@example.com', userId: 'u-1', first_name: 'Jane', traits: { plan: 'pro' } }, identifyWithConsent, ctx);
 * // { email: 'jane@example.com', user_id: 'u-1', first_name: 'Jane', custom_fields: { plan_name: 'pro' }, tags: ['Signal'], initial_status: 'active' }
 */
export function subscriberRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const identity = identityOf(payload, ctx.warn);
  if (identity === undefined) {
    ctx.warn?.('not sent to Drip: the identify names no subscriber (no traits.email, and no Drip subscriber id): Drip creates and finds subscribers by email');
    return null;
  }
  const record: JsonObject = { ...identity };
  if (usableId(payload.userId)) {
    const userId = String(payload.userId).trim();
    if (userId.length > MAX_FIELD_CHARS) throw new PermanentError(`the userId is ${userId.length} characters long; Signal sends Drip a user_id of at most ${MAX_FIELD_CHARS}: shorten it at the source`);
    record.user_id = userId;
  }
  for (const name of STANDARD_FIELDS) {
    const value = standardFieldOf(name, payload[name], ctx);
    if (value !== undefined) record[name] = value;
  }
  const fields = customFieldsOf(payload.traits, ctx.config, ctx);
  if (Object.keys(fields).length > 0) record.custom_fields = fields;
  const tags = tagsOf(configTagsOf(ctx.config), payload.tags, ctx);
  if (tags.length > 0) record.tags = tags;
  if (typeof ctx.config.prospect === 'boolean') record.prospect = ctx.config.prospect;
  // A subscription must come from what the call itself says: not from an email (or Drip id)
  // remembered from an earlier identify, which every later identify of the person carries.
  const remembered = record.email !== undefined ? isRememberedOnly(payload.email, 'email', event) : isRememberedOnly(payload.id, 'drip_id', event);
  if (hasMarketingConsent(event) && !remembered) {
    if (ctx.config.resubscribe_with_consent === true) record.status = 'active';
    else record.initial_status = 'active';
  } else {
    record.initial_status = 'unsubscribed';
  }
  return record;
}
