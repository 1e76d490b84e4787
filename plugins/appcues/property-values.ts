// Values as Appcues takes them, for profile properties and event attributes alike. Appcues
// ("Supported Data Types"): properties are strings, numbers, booleans and dates; "arrays or
// nested objects — is silently ignored", and it asks to "flatten the object" first; "Do not send
// an empty string (\"\") to represent a missing value … either omit the property entirely or send
// null". So a nested object is flattened into `parent_child` names, a list is left out, an empty
// string and a null are left out (an event's missing value is no request to erase the property),
// each thing left out said with ctx.warn naming its path. Contact information is removed first
// unless the config allows it.
import { removeContactInfo, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';

/** Longest property name sent (Appcues documents none; its Studio shows names as labels). */
export const MAX_NAME_CHARS = 128;

/** Keys of traits that are a person's name or contact even at the top level, beyond what removeContactInfo finds. */
const PERSON_TRAITS = new Set(['name', 'avatar']);

function addFlat(out: Map<string, JsonValue>, value: JsonObject, prefix: string, path: string, warn: PluginContext['warn']): void {
  for (const [rawKey, item] of Object.entries(value)) {
    const key = rawKey.trim();
    const at = `${path}.${rawKey}`;
    if (item === null || item === undefined || item === '') continue;
    if (key === '') {
      warn?.(`${at} left out: Appcues property names cannot be blank`);
      continue;
    }
    const name = prefix === '' ? key : `${prefix}_${key}`;
    if (typeof item === 'object' && !Array.isArray(item)) {
      addFlat(out, item, name, at, warn);
      continue;
    }
    if (Array.isArray(item)) {
      warn?.(`${at} left out: Appcues ignores lists (its properties are strings, numbers, booleans and dates)`);
      continue;
    }
    if (name.length > MAX_NAME_CHARS) {
      warn?.(`${at} left out: its flattened name (${name.slice(0, 40)}…) is longer than ${MAX_NAME_CHARS} characters`);
      continue;
    }
    if (out.has(name)) {
      warn?.(`${at} left out: it is ${name} in Appcues, which an earlier property has`);
      continue;
    }
    out.set(name, item);
  }
}

/** What `appcuesProperties` reads besides the values. */
export interface PropertyOptions {
  /** Where the values came from, for warnings (`traits`, `properties`). */
  path: string;
  /** Keep contact information (config.send_contact_info). */
  contactInfo: boolean;
  /** The values are a person's traits: their `name` and `avatar` are the person's too. */
  traits?: boolean;
}

/**
 * An object's values as flat Appcues properties: contact information removed unless allowed,
 * nested objects flattened into `parent_child` names, lists, nulls and empty strings left out
 * (lists said with ctx.warn). Empty when nothing is left.
 *
 * @example
 * appcuesProperties({ plan: 'pro', company: { size: 12 }, tags: ['a'], email: 'jane@example.com' }, { path: 'traits', contactInfo: false }, ctx.warn);
 * // { plan: 'pro', company_size: 12 }   (warned: traits.tags left out …)
 */
export function appcuesProperties(value: JsonValue | undefined, options: PropertyOptions, warn: PluginContext['warn']): JsonObject {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return {};
  let source: JsonObject = value;
  if (!options.contactInfo) {
    source = removeContactInfo(source);
    if (options.traits) source = Object.fromEntries(Object.entries(source).filter(([key]) => !PERSON_TRAITS.has(key.trim().toLowerCase())));
  }
  const out = new Map<string, JsonValue>();
  addFlat(out, source, '', options.path, warn);
  return Object.fromEntries(out);
}
