// Values as Drip takes them. Custom fields hold text (Drip stores and segments them as text),
// so a trait's number or boolean goes as its text. Event properties are flat: a nested object is
// flattened into snake_case names (`cart.total` → `cart_total`, Drip's own naming), a list is
// left out. Each thing left out is said with ctx.warn, naming its path, and the rest is sent.
import type { JsonObject, JsonValue, PluginContext } from '../../core/sdk/index.ts';

/** Longest text value the plugin sends (Drip documents none; its custom field values are short text). */
export const MAX_VALUE_CHARS = 10_000;
/** Longest property name the plugin sends (Drip documents none). */
export const MAX_NAME_CHARS = 100;

/**
 * A scalar as Drip text, or undefined (said with ctx.warn when it was given but unusable).
 *
 * @example
 * fieldText(42, 'traits.seats', ctx);   // '42'
 * fieldText({ a: 1 }, 'traits.x', ctx); // undefined, warned
 */
export function fieldText(value: JsonValue | undefined, path: string, ctx: PluginContext): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    ctx.warn?.(`${path} left out: Drip takes it as text, not ${Array.isArray(value) ? 'a list' : 'an object'}`);
    return undefined;
  }
  const text = String(value).trim();
  if (text === '') return undefined;
  if (text.length > MAX_VALUE_CHARS) {
    ctx.warn?.(`${path} left out: ${text.length} characters, more than the ${MAX_VALUE_CHARS} Signal sends Drip`);
    return undefined;
  }
  return text;
}

function addFlat(out: Map<string, JsonValue>, value: JsonObject, prefix: string, path: string, ctx: PluginContext): void {
  for (const [rawKey, item] of Object.entries(value)) {
    const key = rawKey.trim();
    const at = `${path}.${rawKey}`;
    // A missing value is no request to record one.
    if (item === null || item === undefined) continue;
    if (key === '') {
      ctx.warn?.(`${at} left out: Drip property names cannot be blank`);
      continue;
    }
    const name = prefix === '' ? key : `${prefix}_${key}`;
    if (typeof item === 'object' && !Array.isArray(item)) {
      addFlat(out, item, name, at, ctx);
      continue;
    }
    if (Array.isArray(item)) {
      ctx.warn?.(`${at} left out: Drip event properties are text, numbers or booleans, not lists`);
      continue;
    }
    if (name.length > MAX_NAME_CHARS) {
      ctx.warn?.(`${at} left out: its name in Drip (${name.slice(0, 40)}…) is longer than ${MAX_NAME_CHARS} characters`);
      continue;
    }
    if (typeof item === 'string' && item.length > MAX_VALUE_CHARS) {
      ctx.warn?.(`${at} left out: ${item.length} characters, more than the ${MAX_VALUE_CHARS} Signal sends Drip`);
      continue;
    }
    if (out.has(name)) {
      ctx.warn?.(`${at} left out: it is ${name} in Drip, which an earlier property has`);
      continue;
    }
    out.set(name, item);
  }
}

/**
 * An object's values as flat Drip event properties: nested objects flattened into snake_case
 * names; lists, nulls and over-long text left out (all but nulls said with ctx.warn).
 *
 * @example
 * flatProperties({ plan: 'pro', cart: { total: 42 }, tags: ['a'] }, 'properties', ctx);
 * // { plan: 'pro', cart_total: 42 }   (warned: properties.tags left out …)
 */
export function flatProperties(value: JsonValue | undefined, path: string, ctx: PluginContext): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return {};
  const out = new Map<string, JsonValue>();
  addFlat(out, value, '', path, ctx);
  return Object.fromEntries(out);
}
