// Properties as Bloomreach keeps them. Objects inside properties are flattened into names
// joined by `_`, as Bloomreach's own Segment destination documents ("Values that contain nested
// objects will be flattened using underscore": `address: { city }` → `address_city`); lists are
// kept as lists (a purchase's `product_list` is a list of objects). Customer properties meet
// the Tracking documentation's limits too: ASCII names ("Only use ASCII characters for
// attributes naming"), each value under 16 KB ("The value of every customer property must be
// less than 16 KBytes"), and nothing left to update is no update ("One or more customer
// properties … are required").
import { isJsonObject, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Bloomreach: a customer property's value "must be less than 16 KBytes" (kept under both readings of KB). */
export const MAX_CUSTOMER_VALUE_BYTES = 16_000;
/** Printable ASCII, the characters Bloomreach asks attribute names to use. */
const ASCII_NAME = /^[\x20-\x7e]+$/;

/**
 * Properties with nested objects flattened into `_`-joined names, at any depth; lists (and the
 * objects in them) as they are; an empty object left out. When two properties flatten to one
 * name the first keeps it and the other is left out, said through `warn`.
 *
 * @example
 * flattenProperties({ plan: 'pro', address: { city: 'Leeds', geo: { lat: 53.8 } }, tags: ['a'] });
 * // { plan: 'pro', address_city: 'Leeds', address_geo_lat: 53.8, tags: ['a'] }
 */
export function flattenProperties(properties: JsonObject, warn?: (message: string) => void, prefix = '', into: JsonObject = {}): JsonObject {
  for (const [key, value] of Object.entries(properties)) {
    const name = `${prefix}${key}`;
    // `__proto__` as a plain assignment would replace the object's prototype, not add a property.
    if (value === undefined || name === '__proto__') continue;
    if (isJsonObject(value)) {
      flattenProperties(value, warn, `${name}_`, into);
      continue;
    }
    if (Object.hasOwn(into, name)) {
      warn?.(`properties.${name}: two properties flatten to this name (objects are sent as _-joined names); the later one was left out`);
      continue;
    }
    into[name] = value;
  }
  return into;
}

/** The size of a value as Bloomreach stores it: its UTF-8 text, or its JSON for anything else. */
function valueBytes(value: JsonValue): number {
  return Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
}

/**
 * Flattened customer properties Bloomreach takes: nulls left out (nothing to set), names that
 * are not printable ASCII and values of 16 KB or more left out, each said through `warn`.
 *
 * @example
 * customerProperties({ plan: 'pro', 'café': 1, gone: null }, warn); // { plan: 'pro' } — warns about café
 */
export function customerProperties(flattened: JsonObject, warn?: (message: string) => void): JsonObject {
  const kept: JsonObject = {};
  for (const [name, value] of Object.entries(flattened)) {
    if (value === null || value === undefined) continue;
    if (!ASCII_NAME.test(name)) {
      warn?.(`properties.${name} left out: Bloomreach asks customer property names to use ASCII characters only`);
      continue;
    }
    const bytes = valueBytes(value);
    if (bytes >= MAX_CUSTOMER_VALUE_BYTES) {
      warn?.(`properties.${name} left out: its value is ${bytes} bytes and Bloomreach takes customer property values under 16 KB`);
      continue;
    }
    kept[name] = value;
  }
  return kept;
}
