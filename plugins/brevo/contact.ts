// An identify as a Brevo contact, for POST /v3/contacts (Brevo: "Create a contact"): `email`,
// `ext_id` (the userId), `attributes` in capitals (FIRSTNAME, LASTNAME, SMS in E.164, and the
// config's more). Usually with `updateEnabled: true`, so an existing contact is updated in the
// same request. With marketing consent and an email the identify gives itself (not only the
// remembered context.traits.email), the config's `listIds` instead, and no updateEnabled: a
// creation only, which Brevo refuses (400 duplicate_parameter) for a contact it has, and the
// update without the lists follows (classify.ts). Lists are joined by a contact Brevo creates,
// never by one it has: an update's listIds would put back on a list someone who left it (an
// unsubscription from that list, a removal by the team) at their next identify.
// `emailBlacklisted` and `smsBlacklisted` are never sent: false would resubscribe someone who
// unsubscribed, true would unsubscribe a subscriber, and an identify says neither.
import { isJsonObject, isRememberedOnly, mappedEmailOrLeftOut, mappedUserId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { ATTRIBUTE_NAME, defaultCountryCodeOf, extraAttributesOf, listIdsOf, RESERVED_ATTRIBUTES } from './config.ts';
import { EXT_IDS, smsOf } from './identity.ts';
import { hasMarketingConsent } from './marketing-consent.ts';

/** The longest text attribute value the plugin sends (Brevo documents no limit; its text attributes are meant for short values). */
export const MAX_ATTRIBUTE_CHARS = 2_000;

/**
 * An attribute value as Brevo takes one — text, a number, a boolean, or a list of texts (a
 * multiple-choice attribute) — or undefined with why it was left out.
 */
function attributeValue(value: JsonValue): { value: JsonValue } | { leftOut: string } | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    return text.length > MAX_ATTRIBUTE_CHARS ? { leftOut: `longer than ${MAX_ATTRIBUTE_CHARS} characters` } : { value: text };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { leftOut: 'not a finite number' };
  if (typeof value === 'boolean') return { value };
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return { value };
  return { leftOut: 'an object or a list of other things than texts: Brevo attributes hold text, numbers, dates, booleans or lists of choices' };
}

/**
 * The contact's attributes: the blueprint's (`attributes.*`), then the config's trait →
 * attribute pairs from the identify's traits; names in capitals, SMS in E.164. What Brevo
 * cannot take is left out, said with ctx.warn. Undefined when none is left.
 *
 * @example
 * attributesOf({ FIRSTNAME: 'Jane', SMS: '06 12 34 56 78' }, identify, { config: { default_country_code: '33' }, … });
 * // { FIRSTNAME: 'Jane', SMS: '+33612345678' }
 */
export function attributesOf(mapped: JsonValue | undefined, event: CanonicalEvent, ctx: PluginContext): JsonObject | undefined {
  const attributes: JsonObject = {};
  const given: Array<[string, JsonValue]> = isJsonObject(mapped) ? Object.entries(mapped) : [];
  const traits = isJsonObject(event.traits as JsonValue | undefined) ? (event.traits as JsonObject) : {};
  for (const [trait, attribute] of extraAttributesOf(ctx.config)) {
    // Own traits only: a trait named `constructor` is no function of Object's.
    const value = Object.hasOwn(traits, trait) ? traits[trait] : undefined;
    if (value !== undefined) given.push([attribute, value]);
  }
  for (const [key, value] of given) {
    const name = key.toUpperCase();
    if (!ATTRIBUTE_NAME.test(name)) {
      ctx.warn?.(`attributes.${key} left out: Brevo attribute names are capital letters, digits and underscores`);
      continue;
    }
    if (name === 'SMS') {
      if (value === null || (typeof value === 'string' && value.trim() === '')) continue;
      const sms = smsOf(value, defaultCountryCodeOf(ctx.config));
      if (sms === undefined) ctx.warn?.(`attributes.SMS left out: ${JSON.stringify(value)} is no phone number with its country code${defaultCountryCodeOf(ctx.config) ? '' : ' (set config.default_country_code to read numbers written without one)'}`);
      else attributes.SMS = sms;
      continue;
    }
    if ((RESERVED_ATTRIBUTES as readonly string[]).includes(name)) {
      ctx.warn?.(`attributes.${name} left out: the plugin sets the contact's ${name === 'EMAIL' ? 'email from traits.email' : 'ext_id from the userId'}`);
      continue;
    }
    const fitted = attributeValue(value);
    if (fitted === undefined) continue;
    if ('leftOut' in fitted) ctx.warn?.(`attributes.${name} left out: ${fitted.leftOut}`);
    else attributes[name] = fitted.value;
  }
  return Object.keys(attributes).length > 0 ? attributes : undefined;
}

/**
 * The body of POST /v3/contacts for an identify, or null when it names no contact Brevo can
 * hold: Brevo creates a contact from an email, an SMS number or an ext_id ("email: Mandatory
 * if ext_id & SMS field is not passed"). The userId goes as `ext_id`. An upsert
 * (`updateEnabled: true`), or, with marketing consent and the config's lists, a creation with
 * `listIds` (see above: `updateOf` gives the update that follows when the contact exists). A
 * malformed email dead-letters the identify, unless the userId names the contact: then the
 * email alone is left out, with a warning.
 *
 * @example
 * contactBody({ email: 'jane@example.com', ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane' } }, identifyWithConsent, ctx);
 * // { email: 'jane@example.com', ext_id: 'u-1', attributes: { FIRSTNAME: 'Jane' }, listIds: [2] }
 * contactBody({ email: 'jane@example.com', ext_id: 'u-1' }, identifyWithoutConsent, ctx);
 * // { email: 'jane@example.com', ext_id: 'u-1', updateEnabled: true }
 */
export function contactBody(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const extId = mappedUserId(payload.ext_id, EXT_IDS);
  // With the userId the contact is still named: its other attributes are not lost for the address.
  const email = mappedEmailOrLeftOut(payload.email, 'Brevo', { namedOtherwise: extId !== undefined, warn: ctx.warn });
  const attributes = attributesOf(payload.attributes, event, ctx);
  if (email === undefined && extId === undefined && attributes?.SMS === undefined) return null;
  const body: JsonObject = {};
  if (email !== undefined) body.email = email;
  if (extId !== undefined) body.ext_id = extId;
  if (attributes) body.attributes = attributes;
  const lists = listIdsOf(ctx.config);
  if (lists.length > 0 && hasMarketingConsent(event)) {
    // Joining comes from what the call says: not from the email Signal remembers (context.traits),
    // which would re-add someone who left a list on every later identify.
    if (isRememberedOnly(payload.email, 'email', event)) ctx.warn?.('listIds not sent: the identify gives no email of its own, only the one Signal remembers of the person (context.traits)');
    else {
      // A creation only: Brevo refuses it for a contact it has, and updateOf's update follows.
      body.listIds = lists;
      return body;
    }
  }
  body.updateEnabled = true;
  return body;
}

/**
 * Whether a contact body is a creation that joins lists (contactBody's, with listIds and
 * without updateEnabled), which Brevo refuses for a contact it has.
 *
 * @example
 * isListCreation({ email: 'jane@example.com', listIds: [2] });                      // true
 * isListCreation({ email: 'jane@example.com', updateEnabled: true });               // false
 */
export function isListCreation(body: JsonObject): boolean {
  return Array.isArray(body.listIds) && body.updateEnabled !== true;
}

/**
 * The update of a contact Brevo has, for a list creation it refused as a duplicate: the same
 * body without `listIds`, with `updateEnabled: true` — the contact's attributes are updated,
 * and its lists stay as they are.
 *
 * @example
 * updateOf({ email: 'jane@example.com', ext_id: 'u-1', listIds: [2] });
 * // { email: 'jane@example.com', ext_id: 'u-1', updateEnabled: true }
 */
export function updateOf(body: JsonObject): JsonObject {
  const { listIds: _lists, ...rest } = body;
  return { ...rest, updateEnabled: true };
}
