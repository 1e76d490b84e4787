// Umami's event data and session data: any JSON object, which Umami flattens to dotted keys
// (`product.sku`) and stores one row a key — key and text value in columns of 500 characters,
// numbers as decimals of 19 digits with 4 after the point, lists as their JSON text. Its /api/send
// checks none of that: a longer key or value, or a larger number, fails in the database, which
// Umami answers with HTTP 500 (retried, never recorded); so does text shaped as a date that is no
// date (month 13), which Umami stores as a date through `new Date(value).toISOString()`. So the
// data is fitted first, without
// contact information (Umami stores no personal data), and what is cut or left out is said.
import { isJsonObject, removeContactInfo, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Umami's event_data / session_data columns: data_key and string_value are varchar(500). */
export const MAX_DATA_KEY_LENGTH = 500;
export const MAX_DATA_TEXT_LENGTH = 500;
/** number_value is decimal(19,4): 15 digits before the point. */
export const MAX_DATA_NUMBER = 1e15;

/**
 * Text Umami stores as a date (its DATETIME_REGEX, src/lib/constants.ts), e.g.
 * 2024-03-24T15:59:00.000Z: the parts are year, month, day, hours, minutes, seconds and the
 * offset's hours and minutes.
 */
const UMAMI_DATE_TEXT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]{3}(?:Z|\+([0-9]{2}):([0-9]{2}))?)?$/;

/**
 * Whether Umami would store `text` as a date it cannot make: shaped as its dates but no real
 * instant (month 13, February 30, 24:00, an offset of +99:00). Umami's `new Date(…)` throws on
 * some (HTTP 500) and silently moves others to another day; neither is what was sent.
 */
function isImpossibleDate(text: string): boolean {
  const parts = UMAMI_DATE_TEXT.exec(text);
  if (parts === null) return false;
  const [year, month, day, hours, minutes, seconds, offsetHours = 0, offsetMinutes = 0] = parts.slice(1).map((part) => Number(part ?? 0));
  const daysInMonth = month! >= 1 && month! <= 12 ? new Date(Date.UTC(year!, month!, 0)).getUTCDate() : 0;
  const real = day! >= 1 && day! <= daysInMonth && hours! <= 23 && minutes! <= 59 && seconds! <= 59 && offsetHours <= 23 && offsetMinutes <= 59;
  return !real || !Number.isFinite(Date.parse(text));
}

/** What was cut or left out, by kind, for one warning each. */
interface Fitting {
  longKeys: string[];
  cut: string[];
  longLists: string[];
  bigNumbers: string[];
  impossibleDates: string[];
}

/** `value` fitted under its dotted key; undefined when it cannot go (recorded in `fitting`). */
function fitted(value: JsonValue, key: string, fitting: Fitting): JsonValue | undefined {
  if (value === null) return undefined;
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [child, childValue] of Object.entries(value)) {
      const childKey = `${key}.${child}`;
      if ([...childKey].length > MAX_DATA_KEY_LENGTH) {
        fitting.longKeys.push(`${childKey.slice(0, 40)}…`);
        continue;
      }
      const kept = fitted(childValue, childKey, fitting);
      if (kept !== undefined) out[child] = kept;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return undefined;
    if ([...JSON.stringify(value)].length > MAX_DATA_TEXT_LENGTH) {
      fitting.longLists.push(key);
      return undefined;
    }
    return value;
  }
  if (typeof value === 'string') {
    if (value.trim() === '') return undefined;
    if (isImpossibleDate(value)) {
      // Without the T Umami's date pattern no longer matches: it keeps the text as it reads.
      fitting.impossibleDates.push(`${key} ${JSON.stringify(value)}`);
      return value.replace('T', ' ');
    }
    const chars = [...value];
    if (chars.length <= MAX_DATA_TEXT_LENGTH) return value;
    fitting.cut.push(key);
    return chars.slice(0, MAX_DATA_TEXT_LENGTH).join('');
  }
  if (typeof value === 'number' && Math.abs(value) >= MAX_DATA_NUMBER) {
    fitting.bigNumbers.push(key);
    return undefined;
  }
  return value;
}

/**
 * Event or session data as Umami can store it: the object without contact information, nulls,
 * blanks and empty lists; keys whose dotted name passes 500 characters left out; text cut to 500
 * characters; lists whose JSON text passes 500 characters and numbers of 10^15 or more left out;
 * text shaped as a date but no real one (2024-13-01T00:00:00) sent with a space for the T, as text;
 * each said through `warn` (`what` names the data: "data"). Undefined when nothing remains.
 *
 * @example
 * dataFor({ plan: 'pro', email: 'jane@example.com', product: { sku: 'S-1' }, note: null, due: '2024-13-01T00:00:00' }, 'data', warn);
 * // { plan: 'pro', product: { sku: 'S-1' }, due: '2024-13-01 00:00:00' }
 */
export function dataFor(properties: JsonValue | undefined, what: string, warn: (message: string) => void): JsonObject | undefined {
  if (!isJsonObject(properties)) return undefined;
  const fitting: Fitting = { longKeys: [], cut: [], longLists: [], bigNumbers: [], impossibleDates: [] };
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(removeContactInfo(properties))) {
    if ([...key].length > MAX_DATA_KEY_LENGTH) {
      fitting.longKeys.push(`${key.slice(0, 40)}…`);
      continue;
    }
    const kept = fitted(value, key, fitting);
    if (kept !== undefined) out[key] = kept;
  }
  if (fitting.longKeys.length > 0) warn(`${what}: ${fitting.longKeys.join(', ')} left out: Umami stores keys (dotted, as it flattens objects) of at most ${MAX_DATA_KEY_LENGTH} characters`);
  if (fitting.cut.length > 0) warn(`${what}: ${fitting.cut.join(', ')} cut to ${MAX_DATA_TEXT_LENGTH} characters, the most Umami stores for a value`);
  if (fitting.longLists.length > 0) warn(`${what}: ${fitting.longLists.join(', ')} left out: Umami stores a list as its JSON text, at most ${MAX_DATA_TEXT_LENGTH} characters`);
  if (fitting.impossibleDates.length > 0) warn(`${what}: ${fitting.impossibleDates.join(', ')} sent as text with a space for the T: shaped as a date but no real one, which Umami fails on (HTTP 500) or moves to another day`);
  if (fitting.bigNumbers.length > 0) warn(`${what}: ${fitting.bigNumbers.join(', ')} left out: Umami stores numbers below 10^15 (with 4 decimals)`);
  return Object.keys(out).length > 0 ? out : undefined;
}
