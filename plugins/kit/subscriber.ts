// An identify as Kit's Create a subscriber, POST /v4/subscribers, which "behaves as an upsert"
// by email address: it creates the subscriber, or updates the first name (and custom fields) of
// the one that exists. Kit: "Updating the subscriber state with this endpoint is not supported",
// so an existing subscriber keeps their state whatever is sent — one who unsubscribed stays
// unsubscribed. The state only applies to a subscriber Kit creates: `active` (Kit's default,
// who receives broadcasts) with marketing consent and an email of the identify's own, else
// `inactive` (kept, not mailed), so no one is made a mailed subscriber without consent, nor by
// the email Signal remembers from an earlier identify.
import { isConsentGranted, isRememberedOnly, mappedEmail, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { customFieldsOf } from './config.ts';

/** Longest first name the plugin sends (Kit documents none; its column is a usual text one). */
export const MAX_FIRST_NAME_CHARS = 255;
/** Longest custom field value the plugin sends (Kit documents none). */
export const MAX_FIELD_VALUE_CHARS = 2_000;

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

/** A value at a dot path of an object (`address.city`), own keys only; a key holding the whole path wins. */
function valueAt(object: JsonValue | undefined, path: string): JsonValue | undefined {
  if (object === null || object === undefined || typeof object !== 'object' || Array.isArray(object)) return undefined;
  if (Object.hasOwn(object, path)) return object[path];
  let value: JsonValue | undefined = object;
  for (const key of path.split('.')) {
    if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, key)) return undefined;
    value = value[key];
  }
  return value;
}

/** A trait as a Kit custom field value (text), or undefined (said with ctx.warn when it was given but unusable). */
function fieldValueOf(trait: string, value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  // null or absent: nothing to say; an empty text would erase the field, which a missing trait does not ask.
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'object') {
    ctx.warn?.(`traits.${trait} left out: Kit custom fields hold text, not ${Array.isArray(value) ? 'a list' : 'an object'} (map a nested trait by its dot path)`);
    return undefined;
  }
  const text = String(value).trim();
  if (text === '') return undefined;
  if (text.length > MAX_FIELD_VALUE_CHARS) {
    ctx.warn?.(`traits.${trait} left out: ${text.length} characters, more than the ${MAX_FIELD_VALUE_CHARS} Signal sends Kit in a custom field`);
    return undefined;
  }
  return text;
}

/**
 * The first name as Kit takes it: text, trimmed, or undefined (said with ctx.warn when given
 * but unusable).
 *
 * @example
 * firstNameOf(' Jane ', ctx); // 'Jane'
 */
export function firstNameOf(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value !== 'string') {
    ctx.warn?.(`first_name left out: Kit takes it as text, not ${Array.isArray(value) ? 'a list' : typeof value}`);
    return undefined;
  }
  const name = value.trim();
  if (name === '') return undefined;
  if (name.length > MAX_FIRST_NAME_CHARS) {
    ctx.warn?.(`first_name left out: ${name.length} characters, more than the ${MAX_FIRST_NAME_CHARS} Signal sends Kit`);
    return undefined;
  }
  return name;
}

/**
 * The custom fields of an identify: the traits config.custom_fields maps, by their Kit keys.
 * Undefined when none has a value.
 *
 * @example
 * customFieldValues({ last_name: 'Doe', seats: 3 }, { config: { custom_fields: { last_name: 'last_name', seats: 'seats' } }, … });
 * // { last_name: 'Doe', seats: '3' }
 */
export function customFieldValues(traits: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  const fields: JsonObject = {};
  for (const [trait, key] of customFieldsOf(ctx.config)) {
    const value = fieldValueOf(trait, valueAt(traits, trait), ctx);
    if (value === undefined) continue;
    if (Object.hasOwn(fields, key)) {
      ctx.warn?.(`traits.${trait} left out: the Kit field ${key} takes an earlier trait's value`);
      continue;
    }
    fields[key] = value;
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/**
 * The body of POST /v4/subscribers for an identify, or null when it names no subscriber (no
 * email: Kit keys subscribers by their email address alone), said with ctx.warn. A malformed
 * email is a PermanentError naming the trait.
 *
 * @example
 * subscriberBody({ email: 'jane@example.com', firstName: 'Jane', traits: { last_name: 'Doe' } }, identifyWithConsent, ctx);
 * // { email_address: 'jane@example.com', first_name: 'Jane', state: 'active', fields: { last_name: 'Doe' } }
 */
export function subscriberBody(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const email = mappedEmail(payload.email, 'Kit', { strict: true });
  if (email === undefined) {
    ctx.warn?.('not sent to Kit: the identify has no email (traits.email, or one Signal remembers), and Kit knows subscribers by their email address only');
    return null;
  }
  const body: JsonObject = { email_address: email };
  const firstName = firstNameOf(payload.firstName, ctx);
  if (firstName !== undefined) body.first_name = firstName;
  // Active only from what the call says: not for the email Signal remembers (context.traits),
  // which every later identify of the person carries — a person Kit no longer has stays unmailed.
  body.state = hasMarketingConsent(event) && !isRememberedOnly(payload.email, 'email', event) ? 'active' : 'inactive';
  const fields = customFieldValues(payload.traits, ctx);
  if (fields) body.fields = fields;
  return body;
}
