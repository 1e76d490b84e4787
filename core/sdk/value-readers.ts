/**
 * Readers of what a blueprint mapped, for a plugin that fits an event to a vendor's schema:
 * text (a number as its digits, blank text no value), a decimal number (from a number or
 * decimal text, else a PermanentError naming the vendor and the field, since a value read
 * wrong is worse than none), and a whole number (nothing when it cannot be read).
 */
import { PermanentError } from './errors.ts';
import type { JsonValue } from './types.ts';

/** Decimal text as a blueprint may map it: `72.39`, `-1`, `.5`, `1e3`. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Text from a string (trimmed) or a finite number (its digits); blank text and anything else
 * are nothing.
 *
 * @example
 * readText(' SKU-1 '); // 'SKU-1'
 * readText(42);        // '42'
 * readText('  ');      // undefined
 */
export function readText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value !== 'string') return undefined;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/**
 * A finite number from a number or decimal text; nothing for no value (undefined, null, '');
 * anything else a PermanentError naming the vendor and the field: "`vendor` takes `field` as a
 * number[ (sent as text)]; the blueprint mapped …: map a number (to_number)". `sentAsText` is
 * for a vendor whose schema takes the number as text.
 *
 * @example
 * readDecimal(' 24.99 ', { vendor: 'Reddit', field: 'metadata.value' }); // 24.99
 * readDecimal('', { vendor: 'Reddit', field: 'metadata.value' });        // undefined
 * readDecimal('12,50', { vendor: 'Snap', field: 'custom_data.value' });
 * // throws PermanentError('Snap takes custom_data.value as a number; the blueprint mapped "12,50": map a number (to_number)')
 */
export function readDecimal(value: JsonValue | undefined, about: { vendor: string; field: string; sentAsText?: boolean }): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const written = readText(value);
  const number = written !== undefined && DECIMAL.test(written) ? Number(written) : NaN;
  if (Number.isFinite(number)) return number;
  throw new PermanentError(`${about.vendor} takes ${about.field} as a number${about.sentAsText ? ' (sent as text)' : ''}; the blueprint mapped ${JSON.stringify(value)}: map a number (to_number)`);
}

/**
 * A whole number (truncated) from a finite number or decimal text, or nothing; with `range`,
 * nothing for a number below `min` or above `max` (compared before truncating).
 *
 * @example
 * readWholeNumber('3');                       // 3
 * readWholeNumber(2.7);                       // 2
 * readWholeNumber(-1, { min: 0 });            // undefined
 * readWholeNumber('many');                    // undefined
 */
export function readWholeNumber(value: JsonValue | undefined, range: { min?: number; max?: number } = {}): number | undefined {
  const number = typeof value === 'string' && DECIMAL.test(value.trim()) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) return undefined;
  if ((range.min !== undefined && number < range.min) || (range.max !== undefined && number > range.max)) return undefined;
  return Math.trunc(number);
}

/** An ISO 8601 date-time without an offset (`2026-11-30T10:00:00`, `2026-11-30 10:00`). */
const NO_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/;

/** The range a Date holds: ±8.64e15 ms around 1970. */
const MAX_DATE_MS = 8.64e15;

/**
 * An instant as a blueprint may map it, in ms since the epoch: a number or digits (seconds,
 * or ms when too large to be seconds: from 1e11, March 1973 in ms) or ISO 8601 text (UTC when it
 * names no offset); nothing for anything else, or a time no calendar holds.
 *
 * @example
 * readInstantMs(1796032800);                 // 1796032800000 (seconds)
 * readInstantMs('1796032800000');            // 1796032800000 (ms)
 * readInstantMs('2026-11-30T10:00:00Z');     // 1796032800000
 * readInstantMs('yesterday');                // undefined
 */
export function readInstantMs(value: JsonValue | undefined): number | undefined {
  const digits = typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  let ms: number | undefined;
  if (typeof digits === 'number' && Number.isFinite(digits)) ms = Math.floor(digits < 1e11 ? digits * 1000 : digits);
  else if (typeof digits === 'string' && digits.trim() !== '') {
    // A date-time without an offset is UTC, as the blueprint engine reads it: Date.parse would
    // read it in the server's own time zone, hours off on a server not set to UTC.
    const text = digits.trim();
    ms = Date.parse(NO_OFFSET.test(text) ? `${text.replace(' ', 'T')}Z` : text);
  }
  return ms !== undefined && Number.isFinite(ms) && Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}
