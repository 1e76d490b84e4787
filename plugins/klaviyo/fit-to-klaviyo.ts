// What the blueprint mapped, fitted to Klaviyo's JSON:API documents: a mapped event becomes
// exactly one record — a profile import (Create or Update Profile: an identify) or one item of
// a Bulk Create Events job (a profile and its events: a track call; a Placed Order with its
// Ordered Products). What Klaviyo documents it would refuse is dead-lettered here, each event
// on its own and saying why, rather than failing the whole bulk request it would travel in.
import { isJsonObject, PermanentError, removeContactInfo, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext, readInstantMs } from '../../core/sdk/index.ts';
import { optionsOf, type KlaviyoOptions } from './config.ts';
import { ORDERED_PRODUCT, PLACED_ORDER, orderedProducts, withRowTotals } from './ordered-products.ts';
import { identifies, normalizeProfile, type LeftOut } from './profile.ts';

/** Klaviyo: a metric name "must be less than 128 characters". */
export const MAX_METRIC_CHARS = 127;
/** Klaviyo: an event's properties "must not exceed 400 properties". */
export const MAX_PROPERTIES = 400;
/** Klaviyo: Bulk Create Events "accepts up to 1,000 events per request" — an order and its products included. */
export const MAX_EVENTS_PER_REQUEST = 1000;
/** Klaviyo: Create or Update Profile's "maximum allowed payload size is 100KB" (kept under both readings of KB). */
export const MAX_PROFILE_BYTES = 100_000;
/** Klaviyo: an event's time "must be after the year 1990 and can only be up to 1 year in the future". */
const EARLIEST_TIME = Date.UTC(1990, 0, 1);
const YEAR_MS = 365 * 24 * 3_600_000;

/** The key of a profile import record in a mapped payload. */
export const PROFILE_IMPORT = 'profile_import';
/** The key of a Bulk Create Events item in a mapped payload. */
export const EVENT_ITEM = 'event_bulk_create';

function named(leftOut: LeftOut[]): string {
  return leftOut.map((p) => `profile.${p.key} ${p.reason}`).join('; ');
}

/** The time as Klaviyo takes it, ISO 8601 in UTC, within the range it documents. */
function timeOf(mapped: JsonValue | undefined, event: CanonicalEvent, now: number): string {
  const source = mapped === undefined || mapped === null ? event.timestamp : mapped;
  // A number past what a Date holds (1e20) is a time, just out of range: said as such below.
  const ms = readInstantMs(source) ?? (typeof source === 'number' && Number.isFinite(source) ? source : Number.NaN);
  if (!Number.isFinite(ms)) throw new PermanentError(`Klaviyo needs the event's time as an ISO 8601 date-time; ${mapped === undefined || mapped === null ? 'this event has no timestamp' : `the blueprint mapped ${JSON.stringify(mapped)} to time`}`);
  if (ms < EARLIEST_TIME || ms > now + YEAR_MS) {
    // A time past what a Date holds (1e20) has no ISO form to quote: the value itself is.
    const when = Number.isNaN(new Date(ms).getTime()) ? JSON.stringify(source) : new Date(ms).toISOString();
    throw new PermanentError(`Klaviyo takes event times after 1990 and at most a year ahead; this event's is ${when}`);
  }
  return new Date(ms).toISOString();
}

/** The profile import of an identify: `{ profile_import: { data: { type: 'profile', attributes } } }`. */
function profileImport(payload: JsonObject, event: CanonicalEvent, options: KlaviyoOptions): JsonObject {
  const { attributes, leftOut } = normalizeProfile(payload.profile, event, { defaultCountryCode: options.defaultCountryCode, forImport: true });
  if (leftOut.length > 0) {
    throw new PermanentError(`the profile update was not sent: ${named(leftOut)}. Fix the value at the source${leftOut.some((p) => p.reason.includes('default_country_code')) ? ' (or set config.default_country_code)' : ''}, or leave it out with a pipeline transformation, then replay`);
  }
  if (!identifies(attributes, true)) {
    throw new PermanentError('Klaviyo creates or updates a profile by its email, phone_number or external_id, and this identify has none (no usable userId, no traits.email or traits.phone): an anonymousId alone cannot be imported');
  }
  const body: JsonObject = { data: { type: 'profile', attributes } };
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > MAX_PROFILE_BYTES) throw new PermanentError(`this profile update is ${bytes} bytes and Klaviyo takes at most 100 KB: leave its largest traits out with a pipeline transformation or the blueprint's exclude`);
  return { [PROFILE_IMPORT]: body };
}

/** A number for `value`: a finite number, or undefined when none was mapped. */
function valueOf(mapped: JsonValue | undefined): number | undefined {
  if (mapped === undefined || mapped === null) return undefined;
  if (typeof mapped === 'number' && Number.isFinite(mapped)) return mapped;
  throw new PermanentError(`Klaviyo takes value as a number; the blueprint mapped ${JSON.stringify(mapped)} to value (map it with the to_number transform)`);
}

/** The event's attributes: properties, time, value, value_currency, unique_id, metric, backfill. */
function eventAttributes(payload: JsonObject, event: CanonicalEvent, metric: string, ctx: PluginContext, options: KlaviyoOptions): JsonObject {
  if (payload.properties !== undefined && payload.properties !== null && !isJsonObject(payload.properties)) {
    throw new PermanentError('Klaviyo takes properties as an object; the blueprint mapped another value to properties');
  }
  // Contact information stays out of event properties at any depth (the profile carries the
  // identifiers Klaviyo messages people by).
  const properties = removeContactInfo(isJsonObject(payload.properties) ? payload.properties : {});
  if (metric === PLACED_ORDER && Array.isArray(properties.Items)) properties.Items = withRowTotals(properties.Items);
  const count = Object.keys(properties).length;
  if (count > MAX_PROPERTIES) throw new PermanentError(`this event has ${count} properties and Klaviyo takes at most ${MAX_PROPERTIES}: leave some out with the blueprint's exclude`);
  const attributes: JsonObject = { properties, time: timeOf(payload.time, event, ctx.now) };
  const value = valueOf(payload.value);
  if (value !== undefined) attributes.value = value;
  const currency = typeof payload.value_currency === 'string' ? payload.value_currency.trim().toUpperCase() : undefined;
  if (currency !== undefined && currency !== '') {
    if (!/^[A-Z]{3}$/.test(currency)) throw new PermanentError(`value_currency ${JSON.stringify(payload.value_currency)} is not an ISO 4217 code (e.g. USD)`);
    attributes.value_currency = currency;
  }
  // Klaviyo records only the first event of a profile and metric with a given unique_id: a
  // placeholder order id ("undefined", "null", 0) would make every later order of the person a
  // duplicate, so it gives way to the messageId.
  attributes.unique_id = usableId(payload.unique_id) ? String(payload.unique_id).trim() : event.messageId;
  attributes.metric = { data: { type: 'metric', attributes: { name: metric } } };
  if (options.backfillOlderThanMs !== undefined && ctx.now - Date.parse(String(attributes.time)) > options.backfillOlderThanMs) attributes.backfill = true;
  return attributes;
}

/** The Bulk Create Events item of a track call: its profile and its event (an order: and its products). */
function eventItem(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext, options: KlaviyoOptions): JsonObject {
  const name = typeof payload.metric === 'number' ? String(payload.metric) : payload.metric;
  if (typeof name !== 'string' || name.trim() === '') throw new PermanentError('Klaviyo needs a metric name and the blueprint mapped none (event_name_target: metric)');
  const metric = name.trim();
  if (metric.length > MAX_METRIC_CHARS) throw new PermanentError(`Klaviyo takes metric names of less than 128 characters; this one has ${metric.length}`);
  const { attributes: profile, leftOut } = normalizeProfile(payload.profile, event, { defaultCountryCode: options.defaultCountryCode, forImport: false });
  if (!identifies(profile, false)) {
    const why = leftOut.length > 0 ? ` (${named(leftOut)})` : '';
    throw new PermanentError(`Klaviyo needs an email, phone_number, external_id or anonymous_id for the event's profile and this event has none usable${why}: placeholders such as "null" or "anonymous" identify nobody`);
  }
  const order = eventAttributes(payload, event, metric, ctx, options);
  const events = [order];
  if (metric === PLACED_ORDER && options.orderedProductEvents) events.push(...orderedProducts(order));
  if (events.length > MAX_EVENTS_PER_REQUEST) {
    throw new PermanentError(`this order makes ${events.length} events (the Placed Order and ${events.length - 1} ${ORDERED_PRODUCT} events) and one Klaviyo request takes at most ${MAX_EVENTS_PER_REQUEST}: turn off config.ordered_product_events for such orders`);
  }
  return {
    [EVENT_ITEM]: {
      type: 'event-bulk-create',
      attributes: {
        profile: { data: { type: 'profile', attributes: profile } },
        events: { data: events.map((attributes) => ({ type: 'event', attributes })) },
      },
    },
  };
}

/**
 * The plugin's `map` hook: the blueprint's vendor event as one Klaviyo record — an item of a
 * Bulk Create Events job when it mapped a `metric` (a track call), else a profile import (an
 * identify) of what it mapped under `profile`.
 *
 * @example
 * fitRecord({ metric: 'Signed Up', properties: { plan: 'pro' }, unique_id: 'm-1', profile: { external_id: 'u-1' } }, event, ctx);
 * // { event_bulk_create: { type: 'event-bulk-create', attributes: { profile: { data: { type: 'profile', attributes: { external_id: 'u-1', anonymous_id: 'df_…' } } }, events: { data: [{ type: 'event', attributes: { properties: { plan: 'pro' }, time: '…', unique_id: 'm-1', metric: … } }] } } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const options = optionsOf(ctx.config);
  const hasMetric = payload.metric !== undefined && payload.metric !== null;
  if (hasMetric) return eventItem(payload, event, ctx, options);
  if (payload.profile === undefined || payload.profile === null) {
    throw new PermanentError('the blueprint mapped nothing Klaviyo records: map metric (an event) or profile (a profile update)');
  }
  return profileImport(payload, event, options);
}

/**
 * The events an event item carries (Bulk Create Events counts events, not items).
 *
 * @example
 * eventsOfItem(fitRecord(placedOrderWithTwoLines, event, ctx).event_bulk_create); // [Placed Order, Ordered Product, Ordered Product]
 * eventsOfItem('junk'); // []
 */
export function eventsOfItem(item: JsonValue | undefined): JsonObject[] {
  if (!isJsonObject(item) || !isJsonObject(item.attributes) || !isJsonObject(item.attributes.events)) return [];
  const data = item.attributes.events.data;
  return Array.isArray(data) ? data.filter(isJsonObject) : [];
}
