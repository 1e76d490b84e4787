// A value as an Ortto field of a given type takes it. Ortto's field ids start with their type
// (Create or update one or more people, "Person field type abbreviations"): `str` a string of at
// most 255 characters (Rate limits, "Field limits"), `int` an integer (int64; "the Ortto API
// treats decimal values as integers multiplied by 1,000"), `bol` a boolean, `dtz` a date object
// `{ year, month, day, timezone }` (the Birthday field's documented shape).
import { readInstantMs, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Ortto's limit of a string field, in characters ("String: 255 unicode characters"). */
export const MAX_STRING_CHARS = 255;

/** What became of a value: the value to send, nothing to send, or left out with why. */
export type FittedValue = { value: JsonValue; cut?: boolean } | { leftOut: string } | undefined;

/** `YYYY-MM-DD` at the start of a text: a date written as a calendar day, kept as that day whatever its zone. */
const CALENDAR_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:$|T)/;

/**
 * A date as Ortto's date object, in UTC: a calendar day as written (`1990-04-12`), an instant
 * (ISO 8601 text, or seconds or ms since the epoch) as its UTC day; undefined when it reads as neither.
 *
 * @example
 * orttoDate('1990-04-12');            // { year: 1990, month: 4, day: 12, timezone: 'UTC' }
 * orttoDate('2024-03-24T23:30:00-05:00'); // { year: 2024, month: 3, day: 25, timezone: 'UTC' }
 */
export function orttoDate(value: JsonValue | undefined): JsonObject | undefined {
  if (typeof value === 'string') {
    const day = CALENDAR_DAY.exec(value.trim());
    if (day && value.trim().length === 10) {
      const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
      const check = new Date(Date.UTC(year, month - 1, date));
      return check.getUTCMonth() === month - 1 && check.getUTCDate() === date ? { year, month, day: date, timezone: 'UTC' } : undefined;
    }
  }
  const ms = readInstantMs(value);
  if (ms === undefined) return undefined;
  const at = new Date(ms);
  if (Number.isNaN(at.getTime())) return undefined;
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate(), timezone: 'UTC' };
}

/**
 * Text cut to Ortto's 255 characters (code points, so no emoji is split), and whether it was cut.
 *
 * @example
 * fitString('x'.repeat(300)); // { text: 'xxx…' (255), cut: true }
 */
export function fitString(text: string): { text: string; cut: boolean } {
  const chars = [...text];
  return chars.length > MAX_STRING_CHARS ? { text: chars.slice(0, MAX_STRING_CHARS).join(''), cut: true } : { text, cut: false };
}

/**
 * A value fitted to the type of the Ortto field `fieldId` names: text for `str` (numbers and
 * booleans as their text; cut to 255 characters, which the caller warns about through
 * `cut`), a whole number for `int` (a decimal is left out: an integer field holds whole
 * numbers), true/false for `bol` (the texts "true" and "false" too), a date object for `dtz`;
 * undefined for nothing (blank text); null stays null when `nullClears` (a person field
 * cleared, as Ortto's merge documents).
 *
 * @example
 * fitFieldValue('int:cm:seats', '12');     // { value: 12 }
 * fitFieldValue('bol:cm:vip', 'yes');      // { leftOut: 'not true or false: …' }
 * fitFieldValue('str:cm:plan', { a: 1 });  // { leftOut: 'an object: …' }
 */
export function fitFieldValue(fieldId: string, value: JsonValue | undefined, options: { nullClears?: boolean } = {}): FittedValue {
  if (value === undefined) return undefined;
  if (value === null) return options.nullClears ? { value: null } : undefined;
  const type = fieldId.slice(0, 3);
  if (typeof value === 'object') return { leftOut: `${Array.isArray(value) ? 'a list' : 'an object'}: ${fieldId} holds ${typeName(type)}` };
  switch (type) {
    case 'str': {
      const text = typeof value === 'string' ? value.trim() : String(value);
      if (text === '') return undefined;
      const fitted = fitString(text);
      return { value: fitted.text, ...(fitted.cut ? { cut: true } : {}) };
    }
    case 'int': {
      if (typeof value === 'string' && value.trim() === '') return undefined;
      // Decimal text only: Number() would also read "0x1f" or "1e3".
      const number = typeof value === 'number' ? value : typeof value === 'string' && /^[+-]?\d+(\.\d+)?$/.test(value.trim()) ? Number(value.trim()) : Number.NaN;
      if (!Number.isFinite(number)) return { leftOut: `${JSON.stringify(value)} is not a number: ${fieldId} holds whole numbers` };
      if (!Number.isSafeInteger(number)) return { leftOut: `${JSON.stringify(value)} is not a whole number: ${fieldId} holds whole numbers (Ortto stores a decimal as the value × 1,000: send it so scaled)` };
      return { value: number };
    }
    case 'bol': {
      if (typeof value === 'boolean') return { value };
      const text = String(value).trim().toLowerCase();
      if (text === 'true' || text === 'false') return { value: text === 'true' };
      return { leftOut: `${JSON.stringify(value)} is not true or false: ${fieldId} holds a boolean` };
    }
    case 'dtz': {
      const date = orttoDate(value);
      return date === undefined ? { leftOut: `${JSON.stringify(value)} is not a date (YYYY-MM-DD, ISO 8601, or seconds or ms since 1970): ${fieldId} holds a date` } : { value: date };
    }
    default:
      return { leftOut: `${fieldId} is of a type the plugin does not fill` };
  }
}

function typeName(type: string): string {
  return ({ str: 'text', int: 'a whole number', bol: 'a boolean', dtz: 'a date' } as Record<string, string>)[type] ?? 'a value of its type';
}
