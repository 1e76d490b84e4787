// Property values as Loops takes them, for contact properties and event properties alike:
// "Values can be of type string, number, boolean or date" (dates as text Loops reads, or unix
// milliseconds), and "Request body string values are limited to 500 characters". Loops has no
// nested or list values, so a nested object is flattened into camelCase names (`address.city`
// → `addressCity`, Loops' own naming of properties) and a list is left out; each thing left out
// is said with ctx.warn, naming its path, and the rest is sent.
import type { JsonObject, JsonValue, PluginContext } from '../../core/sdk/index.ts';
import { MAX_TEXT_CHARS } from './config.ts';

/** Longest property name the plugin sends (Loops documents none; its own names are short camelCase words). */
export const MAX_NAME_CHARS = 100;

/** `address` + `city` → `addressCity`. */
function joined(prefix: string, key: string): string {
  return prefix === '' ? key : `${prefix}${key.charAt(0).toUpperCase()}${key.slice(1)}`;
}

interface FlatOptions {
  /** Names the plugin sets itself or Loops reserves: left out, said why. */
  reserved: ReadonlyMap<string, string>;
  /** Where the values came from, for warnings (`traits`, `properties`). */
  path: string;
}

function addFlat(out: Map<string, JsonValue>, value: JsonObject, prefix: string, path: string, options: FlatOptions, ctx: PluginContext): void {
  for (const [rawKey, item] of Object.entries(value)) {
    const key = rawKey.trim();
    const at = `${path}.${rawKey}`;
    // null would empty the property in Loops ("To empty or reset the value … send a null value"): an event's missing value is no request to erase.
    if (item === null || item === undefined) continue;
    if (key === '') {
      ctx.warn?.(`${at} left out: Loops property names cannot be blank`);
      continue;
    }
    const name = joined(prefix, key);
    if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
      addFlat(out, item, name, at, options, ctx);
      continue;
    }
    if (Array.isArray(item)) {
      ctx.warn?.(`${at} left out: Loops property values are text, numbers, booleans or dates, not lists`);
      continue;
    }
    const why = options.reserved.get(name);
    if (why !== undefined) {
      ctx.warn?.(`${at} left out: ${why}`);
      continue;
    }
    if (name.length > MAX_NAME_CHARS) {
      ctx.warn?.(`${at} left out: its name in Loops (${name.slice(0, 40)}…) is longer than ${MAX_NAME_CHARS} characters`);
      continue;
    }
    if (typeof item === 'string' && item.length > MAX_TEXT_CHARS) {
      ctx.warn?.(`${at} left out: ${item.length} characters, and Loops takes text of at most ${MAX_TEXT_CHARS}`);
      continue;
    }
    if (out.has(name)) {
      ctx.warn?.(`${at} left out: it is ${name} in Loops, which an earlier property has`);
      continue;
    }
    out.set(name, item);
  }
}

/**
 * An object's values as flat Loops properties: nested objects flattened into camelCase names,
 * lists, nulls, over-long text and reserved names left out (all but nulls said with ctx.warn).
 * Empty when nothing is left.
 *
 * @example
 * flatProperties({ plan: 'pro', seats: 3, address: { city: 'Paris' }, tags: ['a'] }, { reserved: new Map(), path: 'traits' }, ctx);
 * // { plan: 'pro', seats: 3, addressCity: 'Paris' }   (warned: traits.tags left out …)
 */
export function flatProperties(value: JsonValue | undefined, options: FlatOptions, ctx: PluginContext): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return {};
  const out = new Map<string, JsonValue>();
  addFlat(out, value, '', options.path, options, ctx);
  return Object.fromEntries(out);
}
