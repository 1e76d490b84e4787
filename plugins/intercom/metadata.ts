// A data event's metadata fitted to what Intercom keeps (Intercom: Submit a data event): at most
// 10 keys ("Once the quota is reached, we ignore any further keys"), no nested JSON, values of
// its types — string, number, date (a key ending in `_date` with Unix seconds), link (an
// http(s) URL as a string), rich link (`{ url, value }`) and monetary amount (`{ amount,
// currency }`, the amount in cents). Anything else would be kept by Intercom as nested data
// no message can use, or ignored: the plugin leaves it out instead of sending it blind.
import { isJsonObject, readInstantMs, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Intercom tracks the first 10 metadata keys of an event and ignores the rest. */
export const MAX_METADATA_KEYS = 10;
/** Intercom's help centre: "String: a plain string of up to 255 characters". */
export const MAX_STRING_CHARS = 255;
/** Characters Intercom's help centre says a metadata key cannot hold; each becomes `_`. */
const KEY_REFUSED = /[.$~`!@#%^&*'{}|\\"\u0000]/g;

/** A string cut to Intercom's length (by code point, so no surrogate is split). */
function cut(text: string): string {
  const points = [...text];
  return points.length > MAX_STRING_CHARS ? points.slice(0, MAX_STRING_CHARS).join('') : text;
}

/**
 * A key Intercom accepts: its refused characters replaced with `_`, trimmed; empty stays empty.
 *
 * @example
 * metadataKey('order.id'); // 'order_id'
 */
export function metadataKey(key: string): string {
  return key.replace(KEY_REFUSED, '_').trim();
}

/**
 * One value as Intercom takes it, or undefined to leave it out: text (cut to 255 characters),
 * a finite number, a boolean as text, a date key's instant in Unix seconds, a rich link or a
 * monetary amount as they are (a whole, non-negative amount in cents and a currency code).
 *
 * @example
 * metadataValue('signup_date', '2026-11-30T10:00:00Z'); // 1796032800
 * metadataValue('price', { amount: 2999, currency: 'eur' }); // { amount: 2999, currency: 'eur' }
 * metadataValue('tags', ['a']); // undefined
 */
export function metadataValue(key: string, value: JsonValue | undefined): JsonValue | undefined {
  if (key.toLowerCase().endsWith('_date') && (typeof value === 'string' || typeof value === 'number')) {
    const ms = readInstantMs(value);
    return ms === undefined ? undefined : Math.floor(ms / 1000);
  }
  if (typeof value === 'string') return value.trim() === '' ? undefined : cut(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'boolean') return String(value);
  if (!isJsonObject(value)) return undefined;
  const keys = Object.keys(value).sort().join(',');
  if (keys === 'url,value' && typeof value.url === 'string' && /^https?:\/\//i.test(value.url) && typeof value.value === 'string') {
    return { url: value.url, value: cut(value.value) };
  }
  if (keys === 'amount,currency' && typeof value.currency === 'string' && /^[A-Za-z]{3}$/.test(value.currency) && typeof value.amount === 'number' && Number.isInteger(value.amount) && value.amount >= 0) {
    return { amount: value.amount, currency: value.currency.toLowerCase() };
  }
  return undefined;
}

/**
 * A monetary amount from a decimal value and a currency, in cents as Intercom documents it
 * (`{ amount: 34999, currency: "eur" }` for €349.99), or undefined when either is unusable.
 *
 * @example
 * monetaryAmount(349.99, 'EUR'); // { amount: 34999, currency: 'eur' }
 */
export function monetaryAmount(value: JsonValue | undefined, currency: JsonValue | undefined): JsonObject | undefined {
  const amount = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
  if (!Number.isFinite(amount) || amount < 0 || typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency.trim())) return undefined;
  return { amount: Math.round(amount * 100), currency: currency.trim().toLowerCase() };
}

/**
 * The metadata Intercom keeps, from a mapped object: keys cleaned, values fitted (see
 * `metadataValue`), in the order given, the first 10 usable keys only (`first` keys, e.g. the
 * monetary `price`, go before the others). Returns the metadata and the keys left out.
 *
 * @example
 * fitMetadata({ plan: 'pro', 'seats.count': 3, tags: ['a'] });
 * // { metadata: { plan: 'pro', seats_count: 3 }, left: ['tags'] }
 */
export function fitMetadata(source: JsonObject, first: JsonObject = {}): { metadata: JsonObject; left: string[] } {
  const metadata: JsonObject = {};
  const left: string[] = [];
  for (const [rawKey, rawValue] of [...Object.entries(first), ...Object.entries(source)]) {
    const key = metadataKey(rawKey);
    if (key === '' || Object.hasOwn(metadata, key)) {
      if (key === '') left.push(rawKey);
      continue;
    }
    const value = metadataValue(key, rawValue);
    if (value === undefined || Object.keys(metadata).length >= MAX_METADATA_KEYS) {
      left.push(rawKey);
      continue;
    }
    metadata[key] = value;
  }
  return { metadata, left };
}
