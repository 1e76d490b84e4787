// Fullstory's rules for custom properties (server API v2, Create User and Create Event):
// "Up to 500 unique properties are allowed"; names are letters, digits and "_", starting with
// a letter, at most 512 characters — in nested objects the dotted name with its parents'; a
// value of more than 8192 bytes is rejected. Types are inferred (no suffixes in v2). A
// property breaking a rule is renamed or left out here, with a warning, rather than letting
// Fullstory refuse or drop it.
import type { JsonObject, JsonValue } from '../../core/sdk/index.ts';

export const MAX_PROPERTIES = 500;
export const MAX_NAME_CHARS = 512;
export const MAX_VALUE_BYTES = 8192;

const VALID_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

/**
 * A name Fullstory takes for a property name it does not: other characters as "_", leading
 * characters that are not letters removed; '' when nothing is left.
 *
 * @example
 * propertyName('Order ID'); // 'Order_ID'
 * propertyName('$revenue'); // 'revenue'
 */
export function propertyName(name: string): string {
  if (VALID_NAME.test(name)) return name;
  return name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^[^A-Za-z]+/, '');
}

/** A value cut to `maxBytes` of UTF-8 without splitting a character. */
function cutToBytes(text: string, maxBytes: number): string {
  let out = '';
  let bytes = 0;
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    out += char;
    bytes += size;
  }
  return out;
}

interface Fitting {
  count: number;
  warnings: string[];
}

function fitValue(value: JsonValue, path: string, state: Fitting): JsonValue | undefined {
  if (value === null) return undefined;
  if (typeof value === 'object' && !Array.isArray(value)) return fitObject(value, `${path}.`, state);
  if (typeof value === 'string' && Buffer.byteLength(value) > MAX_VALUE_BYTES) {
    state.warnings.push(`properties.${path} cut to ${MAX_VALUE_BYTES} bytes, Fullstory's largest value`);
    return cutToBytes(value, MAX_VALUE_BYTES);
  }
  if (Buffer.byteLength(JSON.stringify(value)) > MAX_VALUE_BYTES) {
    state.warnings.push(`properties.${path} left out: larger than ${MAX_VALUE_BYTES} bytes, which Fullstory rejects`);
    return undefined;
  }
  return value;
}

function fitObject(source: JsonObject, prefix: string, state: Fitting): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(source)) {
    const name = propertyName(key);
    if (name === '') {
      state.warnings.push(`properties.${prefix}${key} left out: Fullstory property names start with a letter and hold letters, digits and _`);
      continue;
    }
    if (Object.hasOwn(out, name)) {
      state.warnings.push(`properties.${prefix}${key} left out: its Fullstory name ${name} is another property's`);
      continue;
    }
    if (`${prefix}${name}`.length > MAX_NAME_CHARS) {
      state.warnings.push(`properties.${prefix}${key} left out: longer than ${MAX_NAME_CHARS} characters with its parents' names, Fullstory's limit`);
      continue;
    }
    if (state.count >= MAX_PROPERTIES) {
      state.warnings.push(`properties.${prefix}${key} left out: over ${MAX_PROPERTIES} properties, Fullstory's limit`);
      continue;
    }
    const fitted = fitValue(value, `${prefix}${name}`, state);
    if (fitted === undefined) continue;
    if (name !== key) state.warnings.push(`properties.${prefix}${key} sent as ${name}: Fullstory property names start with a letter and hold letters, digits and _`);
    if (typeof fitted !== 'object' || fitted === null || Array.isArray(fitted)) state.count += 1;
    out[name] = fitted;
  }
  return out;
}

/**
 * A mapped properties object fitted to Fullstory's rules, and what was changed.
 *
 * @example
 * fitProperties({ 'Order ID': 'o-1', plan: null });
 * // { properties: { Order_ID: 'o-1' }, warnings: ['properties.Order ID sent as Order_ID: …'] }
 */
export function fitProperties(value: JsonValue | undefined): { properties: JsonObject; warnings: string[] } {
  const state: Fitting = { count: 0, warnings: [] };
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return { properties: {}, warnings: [] };
  return { properties: fitObject(value, '', state), warnings: state.warnings };
}
