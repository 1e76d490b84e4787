// Trait values as Attio attributes take them. Attio writes an attribute from a plain value of its
// type (text, a number, a boolean for a checkbox, a date or timestamp as ISO text, a select
// option's title) or from a list of them for a multi-select attribute ("Attribute values in
// create/update requests … keyed by attribute slug"), and refuses a value of the wrong type with
// a 400 naming the attribute. So values are sent as the site gave them: text, numbers, booleans,
// and lists of those; a nested object, a list holding objects, and null (which would clear the
// attribute) are left out, each said with ctx.warn naming the trait, and the rest is sent.
import type { JsonObject, JsonValue, PluginContext } from '../../core/sdk/index.ts';

/** Longest text value sent (Attio documents no limit; this keeps a request a reasonable size). */
export const MAX_TEXT_CHARS = 10_000;

function isScalar(value: JsonValue): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * One trait's value as Attio takes it, or undefined when it is left out (said with ctx.warn,
 * except for an absent or null trait: a missing value is no request to clear the attribute).
 *
 * @example
 * attributeValue('pro', 'traits.plan', ctx);            // 'pro'
 * attributeValue(['a', 'b'], 'traits.tags', ctx);       // ['a', 'b']
 * attributeValue({ city: 'Paris' }, 'traits.address', ctx); // undefined, warned
 */
export function attributeValue(value: JsonValue | undefined, at: string, ctx: PluginContext): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (text.length > MAX_TEXT_CHARS) {
      ctx.warn?.(`${at} left out: ${text.length} characters, more than the ${MAX_TEXT_CHARS} Signal sends Attio in one value`);
      return undefined;
    }
    return text;
  }
  if (isScalar(value)) return value;
  if (Array.isArray(value)) {
    if (!value.every((item) => item !== null && isScalar(item))) {
      ctx.warn?.(`${at} left out: Attio attributes take text, numbers, booleans or a list of them, and this list holds other values`);
      return undefined;
    }
    return value;
  }
  ctx.warn?.(`${at} left out: Attio attributes take text, numbers, booleans or a list of them, not an object (map a field of it instead)`);
  return undefined;
}

/**
 * The values of the config's mapped attributes (trait → slug) from an event's traits: each
 * present trait's value under its slug, in the map's order.
 *
 * @example
 * mappedAttributes({ plan: 'pro', seats: 3 }, [['plan', 'plan_tier'], ['tags', 'tags']], ctx); // { plan_tier: 'pro' }
 */
export function mappedAttributes(traits: JsonValue | undefined, map: Array<[string, string]>, ctx: PluginContext): JsonObject {
  const values: JsonObject = {};
  if (traits === null || traits === undefined || typeof traits !== 'object' || Array.isArray(traits)) return values;
  for (const [trait, slug] of map) {
    if (!Object.hasOwn(traits, trait)) continue;
    const value = attributeValue(traits[trait], `traits.${trait}`, ctx);
    if (value !== undefined) values[slug] = value;
  }
  return values;
}
