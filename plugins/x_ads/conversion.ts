// One conversion as X's Conversion API takes it (`POST /12/measurement/conversions/:pixel_id`,
// an element of `conversions`), from whatever the blueprint mapped. X takes or refuses a request
// whole ("A single request will only be successful when there are zero errors for all
// conversions contained within it"), so the conversion is fitted here, and one that cannot be
// fitted is dead-lettered alone, saying why, before it is sent with others.
import { configText, instantText, isJsonObject, namesNoOne, PermanentError, readDecimal, readText, readWholeNumber, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { eventIdFor, eventIdOf } from './config.ts';
import { twclidFromUrl, xIdentifiers } from './identifiers.ts';

/** A conversion dated ahead of the delivery by at most this is clock skew: sent as the delivery's time. */
export const MAX_CLOCK_AHEAD_MS = 60 * 60 * 1000;
/**
 * The largest count sent (`number_items`, `num_items`): a 32-bit integer's. A count past it is a
 * mistake (a price or an id mapped as the quantity), and X's integer field could not hold it.
 */
export const MAX_COUNT = 2_147_483_647;
const CURRENCY = /^[A-Za-z]{3}$/;
/** Micro-units, so 24.99 × 3 adds up to 74.97 and not 74.97000000000001. */
const MICRO = 1_000_000;
/**
 * The times X's format can carry (`yyyy-MM-ddTHH:mm:ss.SSSZ`, its 400 says): years 0000 to
 * 9999. Outside them `toISOString` writes `+010000-…` or `-000001-…`, which X refuses with the
 * whole request.
 */
const MIN_TIME_MS = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_TIME_MS = Date.parse('9999-12-31T23:59:59.999Z');
/** Text fields of a `contents` entry, as X names them. */
const CONTENT_TEXT_FIELDS = ['content_id', 'content_group_id', 'content_name', 'content_type'] as const;

/** A number from a number or decimal text, or a PermanentError naming the field: a value read wrong is worse than none. */
const decimal = (value: JsonValue | undefined, field: string) => readDecimal(value, { vendor: 'X', field });

/** The largest amount sent: past it a number is no amount (an id mapped as the value), and its decimal digits are no longer exact. */
export const MAX_AMOUNT = 1e15;

/**
 * An amount as X's own example writes it (`"value": "20.00"`): decimal text, always with a
 * decimal point, to the micro-unit, never in exponent form. X's reference types `value` and
 * `content_price` as doubles, but integrations that sent a whole number (`200`) had X refuse it
 * (RudderStack sends `content_price` as "200.00" since 2025-02, Stape writes "20.00" for whole
 * values); text with a point is what X's example and both of them send. An amount past
 * MAX_AMOUNT throws, naming the field.
 *
 * @example
 * decimalText(20, 'value');    // '20.00'
 * decimalText(24.99, 'value'); // '24.99'
 * decimalText(0.125, 'value'); // '0.125'
 */
export function decimalText(amount: number, field: string): string {
  if (!(Math.abs(amount) < MAX_AMOUNT)) throw new PermanentError(`X takes ${field} as an amount; ${amount} is none (more than ${MAX_AMOUNT}): map the amount, not an id or a sum in micro-units`);
  const [whole, fraction = ''] = amount.toFixed(6).split('.');
  const digits = fraction.replace(/0+$/, '').padEnd(2, '0');
  // -0.000000 (a tiny negative amount rounded) is written 0.00.
  return `${whole === '-0' ? '0' : whole}.${digits}`;
}

/** A whole number from 1 to MAX_COUNT (X: "a positive number greater than zero"), or nothing. */
const count = (value: JsonValue | undefined) => readWholeNumber(value, { min: 1, max: MAX_COUNT });

/** What a blueprint mapped, for a message: JSON, cut short. */
function shown(value: JsonValue | undefined): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/**
 * The time in ms since the epoch of a mapped value — a number or digits (ms; seconds when too
 * small to be ms) or ISO 8601 text — else of the event's timestamp; undefined when neither is a
 * time a calendar holds.
 */
function timeMs(mapped: JsonValue | undefined, event: CanonicalEvent): number | undefined {
  const value = mapped === undefined || mapped === null || mapped === '' ? event.timestamp : mapped;
  const digits = typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : value;
  let ms: number | undefined;
  if (typeof digits === 'number' && Number.isFinite(digits)) ms = Math.floor(digits < 1e11 ? digits * 1000 : digits);
  else if (typeof digits === 'string' && digits.trim() !== '') ms = Date.parse(digits);
  return ms !== undefined && Number.isFinite(ms) && ms >= MIN_TIME_MS && ms <= MAX_TIME_MS ? ms : undefined;
}

/** A list of the value (a single-product blueprint maps one content). */
function asList(value: JsonValue | undefined): JsonValue[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** One `contents` entry as X takes it (its text fields, `content_price`, `num_items`), or undefined when nothing of it is usable. */
function content(raw: JsonValue, index: number): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const entry: JsonObject = {};
  for (const field of CONTENT_TEXT_FIELDS) {
    const value = readText(raw[field]);
    if (value !== undefined) entry[field] = value;
  }
  const price = decimal(raw.content_price, `contents[${index}].content_price`);
  if (price !== undefined) entry.content_price = price;
  const items = count(raw.num_items);
  if (items !== undefined) entry.num_items = items;
  return Object.keys(entry).length > 0 ? entry : undefined;
}

/**
 * The conversion's value and currency: the mapped `value`, else the contents' sum of
 * `content_price × num_items` when every entry has both; the mapped `price_currency`, else
 * `defaultCurrency`. A value without any currency is left out with it: X would count it in USD
 * (`price_currency`'s default in its reference), whatever the shop's currency. A currency that
 * cannot be read throws, rather than counting the value in the wrong one.
 */
function valueAndCurrency(payload: JsonObject, contents: JsonObject[], defaultCurrency: string | undefined): { value?: number; currency?: string } {
  let value = decimal(payload.value, 'value');
  if (value === undefined && contents.length > 0 && contents.every((c) => typeof c.content_price === 'number' && typeof c.num_items === 'number')) {
    const sum = contents.reduce((total, c) => total + Math.round((c.content_price as number) * MICRO) * (c.num_items as number), 0) / MICRO;
    if (Number.isFinite(sum)) value = sum;
  }
  const mapped = payload.price_currency;
  let currency: string | undefined;
  if (mapped !== undefined && mapped !== null && mapped !== '') {
    const written = readText(mapped);
    if (written === undefined || !CURRENCY.test(written)) throw new PermanentError(`X takes price_currency as an ISO 4217 code (USD, EUR); the blueprint mapped ${shown(mapped)}`);
    currency = written.toUpperCase();
  } else if (defaultCurrency !== undefined) {
    currency = defaultCurrency.toUpperCase();
  }
  if (value === undefined || currency === undefined) return {};
  return { value, currency };
}

/**
 * The `conversion_id` X deduplicates on with the X Pixel: the mapped one, else the messageId;
 * a placeholder (`undefined`, `null`) gives way to the messageId, since X would keep one of the
 * unrelated conversions sharing it and drop the others.
 */
function conversionIdOf(mapped: JsonValue | undefined, messageId: string): string {
  const id = readText(mapped);
  return id !== undefined && !namesNoOne(id) ? id : messageId;
}

/**
 * The conversion as X takes it, from the blueprint's mapping, or null when it is no X conversion
 * (not sent, not an error): an event `config.conversion_events` names no X event for (and the
 * blueprint mapped none), or one with nothing X could match it on (no twclid, email or phone:
 * X refuses such a conversion with its whole request).
 *
 * - `conversion_time`: ISO 8601 in UTC (the event's timestamp unless mapped); up to an hour
 *   ahead of the delivery is sent as the delivery's time;
 * - `event_id`: as mapped, else as configured for the event (either of X's two forms);
 * - `identifiers`: see xIdentifiers; the page URL's `twclid` wins over the cookie's;
 * - `number_items` (mapped, else the contents' `num_items` summed), `price_currency` and
 *   `value` (see valueAndCurrency; as decimal text, see decimalText), `conversion_id` (see
 *   conversionIdOf), `description`, `contents` (entries with something usable, their
 *   `content_price` as decimal text).
 *
 * Throws a PermanentError (the event is dead-lettered alone) for what X would refuse with its
 * whole request: an event id that is none, no time a calendar holds, a time more than an hour
 * ahead, a value or price that is no number, a currency that is no ISO 4217 code.
 *
 * @example
 * toXConversion({ conversion_time: '2026-11-30T11:00:00.000Z', conversion_id: 'm-1', user: { email: 'jane@example.com' } }, orderCompleted, ctx);
 * // { conversion_time: '2026-11-30T11:00:00.000Z', event_id: 'tw-o8z6j-o87ne', identifiers: [{ hashed_email: '<sha256>' }], conversion_id: 'm-1' }
 */
export function toXConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const config = ctx.config;
  let eventId: string | undefined;
  if (payload.event_id !== undefined && payload.event_id !== null && payload.event_id !== '') {
    eventId = eventIdOf(payload.event_id);
    if (eventId === undefined) throw new PermanentError(`the blueprint mapped event_id ${shown(payload.event_id)}: an X event id is the event's ID in Events Manager, tw-<pixel id>-<event id> (tw-o8z6j-o87ne) or its last part (o87ne)`);
  } else {
    eventId = eventIdFor(event, config);
  }
  if (eventId === undefined) return null;

  const options = { defaultCountryCode: configText(config, 'default_country_code') };
  const { identifiers } = xIdentifiers(payload.user, twclidFromUrl(event), options);
  if (identifiers.length === 0) return null;

  const time = timeMs(payload.conversion_time, event);
  if (time === undefined) {
    throw new PermanentError(`X needs conversion_time (ISO 8601): the blueprint mapped ${shown(payload.conversion_time)}, which is no time, and the event's timestamp is none either`);
  }
  if (time - ctx.now > MAX_CLOCK_AHEAD_MS) {
    throw new PermanentError(`This conversion's time, ${instantText(time)}, is more than an hour after this delivery (${instantText(ctx.now)}): the sender's clock or timestamp is wrong; send the time the conversion happened`);
  }

  const contents = asList(payload.contents).map(content).filter((entry): entry is JsonObject => entry !== undefined);
  let numberItems = count(payload.number_items);
  if (numberItems === undefined && contents.length > 0 && contents.every((c) => typeof c.num_items === 'number')) {
    const sum = contents.reduce((total, c) => total + (c.num_items as number), 0);
    if (sum <= MAX_COUNT) numberItems = sum;
  }
  const defaultCurrency = typeof config.default_currency === 'string' && CURRENCY.test(config.default_currency.trim()) ? config.default_currency.trim() : undefined;
  const { value, currency } = valueAndCurrency(payload, contents, defaultCurrency);

  // X's reference order: conversion_time, event_id, identifiers, number_items, price_currency, value, conversion_id, description, contents.
  const out: JsonObject = { conversion_time: new Date(Math.min(time, ctx.now)).toISOString(), event_id: eventId, identifiers };
  if (numberItems !== undefined) out.number_items = numberItems;
  if (currency !== undefined && value !== undefined) {
    out.price_currency = currency;
    out.value = decimalText(value, 'value');
  }
  out.conversion_id = conversionIdOf(payload.conversion_id, event.messageId);
  const description = readText(payload.description);
  if (description !== undefined) out.description = description;
  if (contents.length > 0) {
    out.contents = contents.map((c, index) => (typeof c.content_price === 'number' ? { ...c, content_price: decimalText(c.content_price, `contents[${index}].content_price`) } : c));
  }
  return out;
}
