// An identify as Attentive custom attributes, for POST /v1/attributes/custom (Attentive: "Custom
// Attributes"): `properties` (name → value; "the API does not support arrays", a name at most
// 200 characters, each attribute typed by its first value) and `user`. Attentive creates an
// attribute it does not know and updates one it does. The traits the blueprint maps go without
// contact information (the email and phone are the `user`, an address is nothing Attentive's
// attributes hold), except the first and last name, which messages address people by.
import { isJsonObject, removeContactInfo, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';

/** Attentive: "The maximum length for an attribute name is 200 characters." */
export const MAX_ATTRIBUTE_NAME_CHARS = 200;
/** The longest text value the plugin sends (Attentive documents none; attributes are meant for short values). */
export const MAX_ATTRIBUTE_VALUE_CHARS = 2_000;

/** The most bytes of attributes the plugin sends in one request, within its limit (MAX_BODY_BYTES). */
export const MAX_ATTRIBUTES_BYTES = 64_000;

/** An attribute value as Attentive takes one — text, a number or a boolean — or why it was left out. */
function attributeValue(value: JsonValue): { value: string | number | boolean } | { leftOut: string } | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    return text.length > MAX_ATTRIBUTE_VALUE_CHARS ? { leftOut: `longer than ${MAX_ATTRIBUTE_VALUE_CHARS} characters` } : { value: text };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { leftOut: 'not a finite number' };
  if (typeof value === 'boolean') return { value };
  return { leftOut: Array.isArray(value) ? 'a list: Attentive\'s custom attributes take no arrays (it answers 400)' : 'an object: Attentive\'s custom attributes hold text, numbers and booleans (map its fields one by one in the blueprint)' };
}

/**
 * The `properties` of POST /v1/attributes/custom: the blueprint's `attributes` without contact
 * information, then `firstName` and `lastName` from its `first_name` and `last_name`. What
 * Attentive cannot take, and what is past 64 KB, is left out, said with ctx.warn. Undefined when nothing is left.
 *
 * @example
 * attributesOf({ attributes: { plan: 'pro', vip: true, tags: ['a'] }, first_name: 'Jane' }, ctx);
 * // { plan: 'pro', vip: true, firstName: 'Jane' } (tags left out with a warning)
 */
export function attributesOf(payload: JsonObject, ctx: PluginContext): JsonObject | undefined {
  const given: Array<[string, JsonValue]> = isJsonObject(payload.attributes) ? Object.entries(removeContactInfo(payload.attributes)) : [];
  if (payload.first_name !== undefined) given.push(['firstName', payload.first_name]);
  if (payload.last_name !== undefined) given.push(['lastName', payload.last_name]);
  const attributes = new Map<string, string | number | boolean>();
  let bytes = 0;
  for (const [key, value] of given) {
    const name = key.trim();
    if (name === '' || name.length > MAX_ATTRIBUTE_NAME_CHARS) {
      ctx.warn?.(`attributes.${key.slice(0, 40)} left out: Attentive attribute names are 1 to ${MAX_ATTRIBUTE_NAME_CHARS} characters`);
      continue;
    }
    const fitted = attributeValue(value);
    if (fitted === undefined) continue;
    if ('leftOut' in fitted) {
      ctx.warn?.(`attributes.${name} left out: ${fitted.leftOut}`);
      continue;
    }
    const size = Buffer.byteLength(JSON.stringify([name, fitted.value]));
    if (bytes + size > MAX_ATTRIBUTES_BYTES) {
      ctx.warn?.(`attributes.${name} left out: the plugin sends at most ${MAX_ATTRIBUTES_BYTES} bytes of attributes in one request`);
      continue;
    }
    bytes += size;
    attributes.set(name, fitted.value);
  }
  return attributes.size > 0 ? Object.fromEntries(attributes) : undefined;
}

/**
 * The body of POST /v1/attributes/custom for an identify (the `user` already built), or null
 * when it carries no attribute: an identify naming the person alone changes nothing there.
 *
 * @example
 * customAttributesBody({ attributes: { plan: 'pro' } }, user, ctx); // { properties: { plan: 'pro' }, user }
 */
export function customAttributesBody(payload: JsonObject, user: JsonObject, ctx: PluginContext): JsonObject | null {
  const properties = attributesOf(payload, ctx);
  return properties === undefined ? null : { properties, user };
}
