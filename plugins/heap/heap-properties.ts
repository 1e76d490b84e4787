// Properties as Heap takes them: "Each key and property must either be a number or string with
// fewer than 1024 characters" (events and users alike). Heap also takes arrays on events ("array
// values are converted to strings with a || delimiter … up to 1024 characters, any characters
// beyond this limit will be truncated"). Heap's properties are flat, so nested objects become
// dotted keys (`address.city`); booleans become "true" / "false"; what Heap cannot keep
// (null, arrays of objects, a key of 1,024 characters or more) is left out, each with a warning
// shown beside the exchange. User properties cannot be named "id" in any casing ("it clashes
// with internal variables") nor "user_id".
import { cutText, isJsonObject, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** "fewer than 1024 characters": the longest key or text value Heap keeps whole. */
export const MAX_PROPERTY_CHARS = 1023;

/** Which properties: an event's, or a user's (which refuse more keys). */
export type PropertyKind = 'event' | 'user';

/** User property keys Heap refuses: "id" in any casing, and "user_id". */
const RESERVED_USER_KEY = /^(?:id|user_id)$/i;

export interface FittedProperties {
  properties: JsonObject;
  /** What was left out or changed, in words, naming the property. */
  warnings: string[];
}

/**
 * A value as Heap keeps it, or undefined (left out): text cut to 1,023 characters, finite
 * numbers, booleans as text, arrays of such values (events only: Heap joins them with ||).
 */
function scalarOf(value: JsonValue, name: string, warnings: string[]): string | number | undefined {
  if (typeof value === 'number') {
    if (Number.isFinite(value)) return value;
    warnings.push(`properties.${name} left out: not a finite number`);
    return undefined;
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string') {
    // Cut in UTF-16 units (the SDK's cutText): Heap does not say whether its "characters" are
    // code units or code points; counting units keeps within either.
    if (value.length > MAX_PROPERTY_CHARS) warnings.push(`properties.${name} cut to ${MAX_PROPERTY_CHARS} characters: Heap keeps values of fewer than 1024`);
    return cutText(value, MAX_PROPERTY_CHARS);
  }
  return undefined;
}

function add(out: JsonObject, name: string, value: JsonValue, kind: PropertyKind, warnings: string[], depth: number): void {
  if (name === '') return;
  if (name.length > MAX_PROPERTY_CHARS) {
    warnings.push(`a property named ${name.slice(0, 40)}… left out: Heap takes names of fewer than 1024 characters`);
    return;
  }
  if (value === null) return;
  if (isJsonObject(value)) {
    if (depth >= 5) {
      warnings.push(`properties.${name} left out: nested more than 5 levels deep`);
      return;
    }
    for (const [key, inner] of Object.entries(value)) add(out, `${name}.${key}`, inner, kind, warnings, depth + 1);
    return;
  }
  if (kind === 'user' && RESERVED_USER_KEY.test(name)) {
    warnings.push(`properties.${name} left out: Heap refuses a user property named id (any casing) or user_id`);
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return;
    if (kind === 'user' || value.some((item) => item !== null && typeof item === 'object')) {
      warnings.push(`properties.${name} left out: Heap takes ${kind === 'user' ? 'numbers and text as user properties' : 'arrays of numbers and text only'} (map the values you need to properties of their own)`);
      return;
    }
    const items = value.map((item) => scalarOf(item, name, warnings)).filter((item): item is string | number => item !== undefined);
    if (items.length > 0) out[name] = items;
    return;
  }
  const scalar = scalarOf(value, name, warnings);
  if (scalar !== undefined) out[name] = scalar;
}

/**
 * The properties of an event or a user as Heap takes them, with what was left out or changed.
 *
 * @example
 * fitProperties({ plan: 'pro', trial: true, address: { city: 'Lyon' }, Id: 7 }, 'user');
 * // { properties: { plan: 'pro', trial: 'true', 'address.city': 'Lyon' },
 * //   warnings: ['properties.Id left out: Heap refuses a user property named id (any casing) or user_id'] }
 */
export function fitProperties(input: JsonValue | undefined, kind: PropertyKind): FittedProperties {
  const warnings: string[] = [];
  const properties: JsonObject = {};
  if (input === undefined || input === null) return { properties, warnings };
  if (!isJsonObject(input)) return { properties, warnings: ['properties left out: not an object of key-value pairs'] };
  for (const [key, value] of Object.entries(input)) add(properties, key, value, kind, warnings, 0);
  return { properties, warnings };
}
