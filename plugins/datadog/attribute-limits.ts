// Keeps a log within what Datadog says a log event should be ("Log Collection and
// Integrations", its notes on custom log forwarding): "A log event converted to JSON format
// should contain less than 256 attributes. Each of those attribute's keys should be less than
// 50 characters, nested in less than 10 successive levels", and the Send logs page's "Maximum
// size for a single log: 1MB" (past which Datadog truncates it). Here:
// - keys of 50 characters or more, and empty keys, are left out (a key cut short could take
//   another's name);
// - an object (or a list of objects) under a key of the 9th level is sent as its JSON text, so
//   no key sits 10 levels deep;
// - null values (and numbers JSON cannot write) are left out: they carry nothing;
// - at most 255 attributes (leaf values; a list counts as one): the last ones are left out;
// - a log over 1,000,000 bytes of JSON is refused with a PermanentError naming its largest
//   attributes, rather than sent for Datadog to truncate.
// Each change is told through `warn`. Lists stay lists ("While it's possible to send array data
// in your logs, Datadog recommends avoiding arrays as they cannot be faceted": a product list is
// still searchable, and kept whole).
import { isJsonObject, PermanentError, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export type Warn = ((message: string) => void) | undefined;

/** Attributes of one log: "less than 256". */
export const MAX_ATTRIBUTES = 255;
/** Characters of a key: "less than 50". */
export const MAX_KEY_CHARS = 49;
/** Levels of keys: "nested in less than 10 successive levels". */
export const MAX_DEPTH = 9;
/** Bytes of JSON of one log: the Send logs page's "Maximum size for a single log: 1MB". */
export const MAX_LOG_BYTES = 1_000_000;

/** Whether a value would put keys one level below its own: an object with keys, a list holding an object. */
function holdsKeys(value: JsonValue): boolean {
  if (Array.isArray(value)) return value.some((item) => item !== null && typeof item === 'object' && (Array.isArray(item) ? holdsKeys(item) : Object.keys(item).length > 0));
  return isJsonObject(value) && Object.keys(value).length > 0;
}

/** What fitting found to change, for the warnings. */
interface Changes {
  longKeys: string[];
  emptyKeys: string[];
  flattened: string[];
}

function shortName(path: string): string {
  const chars = [...path];
  return chars.length > 60 ? `${chars.slice(0, 60).join('')}…` : path;
}

/** A value without null members, long or empty keys, and nothing 10 levels deep; `depth` is its key's level. */
function fitValue(value: JsonValue, path: string, depth: number, changes: Changes): JsonValue | undefined {
  if (value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH && holdsKeys(value)) {
    changes.flattened.push(shortName(path));
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    // A list's objects' keys sit one level below the list's own key.
    return value.map((item) => (isJsonObject(item) ? fitObject(item, path, depth, changes) : fitValue(item, path, depth, changes) ?? null));
  }
  return fitObject(value, path, depth, changes);
}

function fitObject(value: JsonObject, path: string, depth: number, changes: Changes): JsonObject {
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    const name = path === '' ? key : `${path}.${key}`;
    if (key.trim() === '') {
      changes.emptyKeys.push(shortName(path === '' ? '(top level)' : path));
      continue;
    }
    if ([...key].length > MAX_KEY_CHARS) {
      changes.longKeys.push(shortName(name));
      continue;
    }
    const fitted = fitValue(item, name, depth + 1, changes);
    if (fitted === undefined) continue;
    if (isJsonObject(fitted) && Object.keys(fitted).length === 0) continue;
    out[key] = fitted;
  }
  return out;
}

/**
 * The attributes of a log in order, as dotted paths of its leaf values (a list is one
 * attribute).
 *
 * @example
 * attributePaths({ a: { b: 1, c: [1, 2] }, d: 'x' }); // ['a.b', 'a.c', 'd']
 */
export function attributePaths(value: JsonObject, prefix: string[] = []): string[][] {
  const out: string[][] = [];
  for (const [key, item] of Object.entries(value)) {
    if (isJsonObject(item)) out.push(...attributePaths(item, [...prefix, key]));
    else out.push([...prefix, key]);
  }
  return out;
}

/** Removes the attribute at `path`, and the objects it leaves empty. */
function removePath(record: JsonObject, path: string[]): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    delete record[head];
    return;
  }
  const child = record[head];
  if (!isJsonObject(child)) return;
  removePath(child, rest);
  if (Object.keys(child).length === 0) delete record[head];
}

/**
 * A log within Datadog's attribute limits (see the file's comment), with a warning for each
 * kind of change. The log's first attributes (the plugin's reserved ones come first) are kept
 * when there are too many.
 *
 * @example
 * fitAttributes({ message: 'track A', properties: { note: null, ['k'.repeat(60)]: 1, plan: 'pro' } }, warn);
 * // { message: 'track A', properties: { plan: 'pro' } } (warned: a key of 50 characters or more left out)
 */
export function fitAttributes(log: JsonObject, warn: Warn): JsonObject {
  const changes: Changes = { longKeys: [], emptyKeys: [], flattened: [] };
  const fitted = fitObject(log, '', 0, changes);
  const paths = attributePaths(fitted);
  if (paths.length > MAX_ATTRIBUTES) {
    const over = paths.slice(MAX_ATTRIBUTES);
    for (const path of over) removePath(fitted, path);
    const names = over.map((path) => path.join('.'));
    warn?.(`${over.length} attribute(s) left out (${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}): Datadog takes less than 256 attributes a log`);
  }
  if (changes.longKeys.length > 0) warn?.(`attribute(s) left out, their key being 50 characters or more (Datadog takes keys of less than 50): ${changes.longKeys.join(', ')}`);
  if (changes.emptyKeys.length > 0) warn?.(`attribute(s) with an empty key left out, in: ${changes.emptyKeys.join(', ')}`);
  if (changes.flattened.length > 0) warn?.(`attribute(s) sent as JSON text, their content nested ${MAX_DEPTH + 1} levels deep or more (Datadog takes less than 10): ${changes.flattened.join(', ')}`);
  return fitted;
}

/**
 * Dead-letters a log whose JSON is over 1 MB: Datadog would accept it and truncate it, keeping
 * a log that is not the event; the reason names its largest attributes.
 *
 * @example
 * refuseOversize({ message: 'track A' }); // (nothing: it fits)
 */
export function refuseOversize(log: JsonObject): void {
  const bytes = Buffer.byteLength(JSON.stringify(log));
  if (bytes <= MAX_LOG_BYTES) return;
  const largest = attributePaths(log)
    .map((path) => {
      let value: JsonValue | undefined = log;
      for (const key of path) value = isJsonObject(value) ? value[key] : undefined;
      return [path.join('.'), Buffer.byteLength(JSON.stringify(value ?? null))] as const;
    })
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, size]) => `${name} (${size} bytes)`);
  throw new PermanentError(`the log is ${bytes} bytes of JSON, over the 1 MB Datadog's Logs intake keeps of a log (it would truncate it); its largest attributes: ${largest.join(', ')}`);
}
