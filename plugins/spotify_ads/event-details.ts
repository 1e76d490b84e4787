// The event's `event_details` as Spotify's Conversions API documents it: `amount` (a double)
// and `currency` (ISO 4217) — "required for PURCHASE events" —, `content_name` and
// `content_category`, which must be one of Google's Product Taxonomy categories ("free-form
// strings are rejected with a 400 error"). Nothing else is sent: Spotify documents no other
// field, and it refuses a whole request for one event it cannot read.
import { isJsonObject, PermanentError, productsValue, readDecimal, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import type { EventName } from './config.ts';

/** A Google Product Taxonomy category by its id (`35`, `5181`), as Spotify's sample request sends it. */
const TAXONOMY_ID = /^[1-9][0-9]{0,5}$/;
/** Signal's own cap on content_name: Spotify documents none, and a page title or product name is far shorter. */
export const MAX_CONTENT_NAME_CHARS = 500;

/** A value as Spotify takes it: at most 6 decimals, rounded as written rather than as its binary approximation. */
function amountOf(value: number): number {
  return Math.round(Number((value * 1e6).toPrecision(15))) / 1e6;
}

/**
 * `event_details` of an event named `eventName` from what the blueprint mapped: `amount` (the
 * mapped one, else the mapped products' price × quantity) with `currency` (the mapped one, else
 * `defaultCurrency`), `content_name`, and `content_category` when it is a Google Product Taxonomy
 * id; undefined when nothing is left. A value without any currency and a category that is no
 * taxonomy id are left out, said through `warn`. Throws a PermanentError (the event is
 * dead-lettered alone, before Spotify could refuse its whole request) for a purchase without an
 * amount or a currency, an amount below 0, a currency that is no ISO 4217 code.
 *
 * @example
 * eventDetails('PURCHASE', { currency: 'usd', products: [{ price: 24.99, quantity: 3 }], content_category: '187' }, undefined);
 * // { amount: 74.97, currency: 'USD', content_category: '187' }
 */
export function eventDetails(eventName: EventName, mapped: JsonValue | undefined, defaultCurrency: string | undefined, warn: (message: string) => void = () => {}): JsonObject | undefined {
  const raw = isJsonObject(mapped) ? mapped : {};
  const details: JsonObject = {};
  const purchase = eventName === 'PURCHASE';
  const amount = readDecimal(raw.amount, { vendor: 'Spotify', field: 'event_details.amount' })
    ?? productsValue(raw.products, { vendor: 'Spotify', valueField: 'event_details.amount' });
  const code = (readText(raw.currency) ?? defaultCurrency)?.toUpperCase();
  if (code !== undefined && !/^[A-Z]{3}$/.test(code)) throw new PermanentError(`Spotify takes event_details.currency as an ISO 4217 code; ${JSON.stringify(readText(raw.currency) ?? defaultCurrency)} is none`);
  if (amount !== undefined && amount < 0) throw new PermanentError(`Spotify takes event_details.amount as a value of at least 0; the blueprint mapped ${amount}`);
  if (purchase && amount === undefined) throw new PermanentError('Spotify requires event_details.amount for a PURCHASE: map properties.revenue (or total, value, or the products\' price and quantity)');
  if (amount !== undefined) {
    if (code === undefined) {
      if (purchase) throw new PermanentError('Spotify requires event_details.currency for a PURCHASE: map properties.currency, or set config.default_currency');
      warn('event_details.amount left out: no currency (map properties.currency, or set config.default_currency)');
    } else {
      details.amount = amountOf(amount);
      details.currency = code;
    }
  }
  const name = readText(raw.content_name);
  if (name !== undefined) details.content_name = [...name].length > MAX_CONTENT_NAME_CHARS ? [...name].slice(0, MAX_CONTENT_NAME_CHARS).join('') : name;
  const category = readText(raw.content_category);
  if (category !== undefined) {
    if (TAXONOMY_ID.test(category)) details.content_category = category;
    else warn(`event_details.content_category left out: Spotify takes a Google Product Taxonomy id (e.g. 187 for Shoes) and refuses other text; ${JSON.stringify(category.slice(0, 60))} is none`);
  }
  return Object.keys(details).length > 0 ? details : undefined;
}
