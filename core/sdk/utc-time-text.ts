import type { JsonValue } from './types.ts';

/** Epoch numbers from here up are milliseconds; below, seconds (1e11 ms is March 1973). */
const MS_FROM = 1e11;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?))?(?:(Z)|([+-]\d{2})(?::?(\d{2}))?)?$/i;
/** Years 1 to 9999 (UTC), the widest a table's time column takes; `Date.UTC` would read years below 100 as 19xx. */
const YEAR_1_MS = -62_135_596_800_000;
const YEAR_9999_END_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A time as a table's time column takes it: ISO 8601 in UTC with milliseconds, from ISO 8601
 * text (a date alone is its midnight UTC; a date-time without an offset is UTC, as the blueprint
 * engine reads it, never the server's zone; the offsets collect admits, ±hh:mm, ±hhmm and ±hh)
 * or epoch seconds or milliseconds. Undefined for anything else: a day no calendar has (the
 * parser would roll 2024-02-31 over to March 2), or a time outside `range` (years 1 to 9999 by
 * default; ClickHouse's DateTime64 takes 1900 to 2299).
 *
 * @example
 * utcTimeText('2024-03-24T17:00:00+01:00'); // '2024-03-24T16:00:00.000Z'
 * utcTimeText(1711296000);                  // '2024-03-24T16:00:00.000Z'
 * utcTimeText('2024-02-31');                // undefined
 */
export function utcTimeText(value: JsonValue | undefined, range: { minMs: number; maxMs: number } = { minMs: YEAR_1_MS, maxMs: YEAR_9999_END_MS }): string | undefined {
  let ms: number;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    ms = Math.abs(value) >= MS_FROM ? value : value * 1000;
  } else if (typeof value === 'string') {
    const match = ISO.exec(value.trim());
    if (!match) return undefined;
    const [, year, month, day, time, zulu, offsetHours, offsetMinutes] = match;
    // Leap years repeat every 400 years: a year of the same place in the cycle tells the month's length.
    const monthDays = new Date(Date.UTC(2000 + (Number(year) % 400), Number(month), 0)).getUTCDate();
    if (Number(month) < 1 || Number(month) > 12 || Number(day) < 1 || Number(day) > monthDays) return undefined;
    const zone = zulu !== undefined || offsetHours === undefined ? 'Z' : `${offsetHours}:${offsetMinutes ?? '00'}`;
    ms = Date.parse(`${year}-${month}-${day}T${time ?? '00:00:00'}${zone}`);
  } else {
    return undefined;
  }
  if (!Number.isFinite(ms) || ms < range.minMs || ms > range.maxMs) return undefined;
  return new Date(ms).toISOString();
}
