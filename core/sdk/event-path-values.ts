// Values read from an event by a configured path (`|` between alternatives, the first with a
// value wins), as the plugins writing an event to a row of the customer's own table write them
// in a cell: text, numbers and booleans as they are, objects and lists as JSON text, cut to the
// vendor's limit of characters a cell.
import { compileGetter } from '../blueprint/paths.ts';
import { EVENT_VALUE_CHECKED_FIELDS, recordWithoutContactInfo } from './contact-free.ts';
import { cutText } from './cut-text.ts';
import { pathAlternatives } from './event-path-mappings.ts';
import type { CanonicalEvent, JsonObject, JsonValue } from './types.ts';

/** Fields of an event read by value alone (the messageId too: a path may read it): an email address or phone number there is left out with the rest. */
const VALUE_CHECKED = [...EVENT_VALUE_CHECKED_FIELDS, 'messageId'];

/**
 * What paths read: the event as it is when contact information is included, else a copy
 * without it (the SDK's recordWithoutContactInfo; ids that are emails or phones left out too).
 *
 * @example
 * const source = eventPathSource(event, includesContactInfo(ctx.config));
 * eventPathValue(source, 'traits.email'); // undefined unless contact information is included
 */
export function eventPathSource(event: CanonicalEvent, includeContactInfo: boolean): JsonObject {
  const whole = event as unknown as JsonObject;
  return includeContactInfo ? whole : recordWithoutContactInfo(whole, { valueChecked: VALUE_CHECKED });
}

const getters = new Map<string, (root: unknown) => unknown>();
/**
 * The value at one path of the event as it is (one path, no `|` alternatives, nothing skipped),
 * compiled once per path; a path that does not compile (one the config check refused) reads
 * nothing.
 *
 * @example
 * valueAtEventPath({ properties: { value: {} } }, 'properties.value'); // {}
 * valueAtEventPath({ properties: {} }, 'properties..value');           // undefined
 */
export function valueAtEventPath(event: JsonObject, path: string): unknown {
  let getter = getters.get(path);
  if (getter === undefined) {
    try {
      getter = compileGetter(path);
    } catch {
      getter = () => undefined;
    }
    getters.set(path, getter);
  }
  return getter(event);
}

/**
 * The value of the first alternative of a path that reads one (not null, not empty text, not an
 * empty list or object), or undefined.
 *
 * @example
 * eventPathValue({ traits: {}, context: { traits: { plan: 'pro' } } }, 'traits.plan|context.traits.plan'); // 'pro'
 */
export function eventPathValue(event: JsonObject, path: string): unknown {
  for (const alternative of pathAlternatives(path)) {
    const value = valueAtEventPath(event, alternative);
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'object' && Object.keys(value).length === 0) continue;
    return value;
  }
  return undefined;
}

/**
 * A value as a table's cell takes it: text, a finite number or a boolean as they are; an object
 * or list as JSON text; undefined for nothing (nor a number that is not finite). Text over
 * `maxCharacters` is cut there, never inside a surrogate pair, and `cut` is told its length.
 *
 * @example
 * cellValueOf({ plan: 'pro' }, 100_000, () => {}); // '{"plan":"pro"}'
 * cellValueOf(74.97, 100_000, () => {});           // 74.97
 * cellValueOf(null, 100_000, () => {});            // undefined
 * cellValueOf('x'.repeat(9), 5, (n) => warn(n));   // 'xxxxx' (warn(9))
 */
export function cellValueOf(value: unknown, maxCharacters: number, cut: (length: number) => void): JsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return value;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length <= maxCharacters) return text;
  cut(text.length);
  return cutText(text, maxCharacters);
}
