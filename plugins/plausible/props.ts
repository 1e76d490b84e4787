// Plausible's custom properties (props): "Custom properties only accept scalar values such as
// strings, numbers and booleans. Data structures such as objects, arrays etc. aren't accepted",
// at most 30 an event (Plausible keeps some 30 of more, not saying which), names up to 300 bytes
// and values up to 2,000 bytes — a longer one makes Plausible refuse the whole event (HTTP 400
// "keys should have at most 300 bytes and values 2000 bytes"). And no personal data: "you must
// ensure that no personally identifiable information (PII) is sent to Plausible with custom
// properties". So props are text, flattened, contact-free and within those limits, and what is
// left out is said.
import { isJsonObject, removeContactInfo, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import type { PropsMode } from './config.ts';

export const MAX_PROPS = 30;
export const MAX_PROP_NAME_BYTES = 300;
export const MAX_PROP_VALUE_BYTES = 2000;

/** How many bytes `text` takes in UTF-8. */
const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8');

/**
 * `text` cut to at most `max` UTF-8 bytes, never inside a character.
 *
 * @example
 * cutToBytes('ééé', 5); // 'éé'
 */
export function cutToBytes(text: string, max: number): string {
  if (bytesOf(text) <= max) return text;
  let out = '';
  let size = 0;
  for (const char of text) {
    const charBytes = bytesOf(char);
    if (size + charBytes > max) break;
    out += char;
    size += charBytes;
  }
  return out;
}

/** A scalar as Plausible stores it (text); undefined for null and blank text, which it ignores. */
function scalarText(value: JsonValue): string | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return String(value);
  return undefined;
}

/** Scalars of `object` under dotted names (`product.sku`), in order; the names of lists left out. */
function flatten(object: JsonObject, prefix: string, into: Array<[string, string]>, lists: string[]): void {
  for (const [key, value] of Object.entries(object)) {
    const name = `${prefix}${key}`;
    if (Array.isArray(value)) {
      if (value.length > 0) lists.push(name);
    } else if (isJsonObject(value)) {
      flatten(value, `${name}.`, into, lists);
    } else {
      const text = scalarText(value);
      if (text !== undefined) into.push([name, text]);
    }
  }
}

/** The value at a property name: the key itself (`product.sku` as one key), else the dotted path. */
function valueAt(properties: JsonObject, name: string): JsonValue | undefined {
  if (Object.hasOwn(properties, name)) return properties[name];
  let current: JsonValue | undefined = properties;
  for (const segment of name.split('.')) {
    if (!isJsonObject(current) || !Object.hasOwn(current, segment)) return undefined;
    current = current[segment];
  }
  return current;
}

/** The listed properties that are scalars, in the list's order; what could not go, said. */
function listed(properties: JsonObject, cleaned: JsonObject, names: string[], warn: (message: string) => void): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  const contact: string[] = [];
  const structured: string[] = [];
  for (const name of names) {
    const raw = valueAt(properties, name);
    if (raw === undefined) continue;
    const value = valueAt(cleaned, name);
    if (value === undefined) {
      contact.push(name);
      continue;
    }
    if (Array.isArray(value) || isJsonObject(value)) {
      structured.push(name);
      continue;
    }
    const text = scalarText(value);
    if (text !== undefined) out.push([name, text]);
  }
  if (contact.length > 0) warn(`props: ${contact.join(', ')} left out: contact information, which Plausible forbids in custom properties`);
  if (structured.length > 0) warn(`props: ${structured.join(', ')} left out: Plausible takes text, numbers and booleans only (name a field inside, e.g. ${structured[0]}.id)`);
  return out;
}

/**
 * The props of an event: its properties (as the blueprint mapped them to `props`) without
 * contact information — every scalar flattened to dotted names (`all`), or the names the config
 * lists (`listed`), or none — as text, names over 300 bytes left out, values cut to 2,000 bytes,
 * the first 30 kept; each thing left out or cut said through `warn`. Undefined when none remain.
 *
 * @example
 * propsFor({ plan: 'pro', seats: 3, email: 'jane@example.com', product: { sku: 'S-1' }, tags: ['a'] }, 'all', [], warn);
 * // { plan: 'pro', seats: '3', 'product.sku': 'S-1' } — and a warning that tags (a list) was left out
 */
export function propsFor(properties: JsonValue | undefined, mode: PropsMode, names: string[], warn: (message: string) => void): Record<string, string> | undefined {
  if (mode === 'none' || !isJsonObject(properties)) return undefined;
  const cleaned = removeContactInfo(properties);
  let pairs: Array<[string, string]>;
  if (mode === 'listed') {
    pairs = listed(properties, cleaned, names, warn);
  } else {
    pairs = [];
    const lists: string[] = [];
    flatten(cleaned, '', pairs, lists);
    if (lists.length > 0) warn(`props: ${lists.join(', ')} left out: lists are not custom properties in Plausible (text, numbers and booleans only)`);
  }
  const props: Record<string, string> = {};
  const longNames: string[] = [];
  const cut: string[] = [];
  const beyond: string[] = [];
  for (const [name, value] of pairs) {
    if (bytesOf(name) > MAX_PROP_NAME_BYTES) {
      longNames.push(`${name.slice(0, 40)}…`);
      continue;
    }
    if (Object.keys(props).length >= MAX_PROPS) {
      beyond.push(name);
      continue;
    }
    const fitted = cutToBytes(value, MAX_PROP_VALUE_BYTES);
    if (fitted !== value) cut.push(name);
    props[name] = fitted;
  }
  if (longNames.length > 0) warn(`props: ${longNames.join(', ')} left out: Plausible takes property names of at most ${MAX_PROP_NAME_BYTES} bytes`);
  if (cut.length > 0) warn(`props: ${cut.join(', ')} cut to ${MAX_PROP_VALUE_BYTES} bytes, the most Plausible takes for a value`);
  if (beyond.length > 0) warn(`props: ${beyond.join(', ')} left out: Plausible takes at most ${MAX_PROPS} custom properties an event (choose them with props Listed)`);
  return Object.keys(props).length > 0 ? props : undefined;
}
