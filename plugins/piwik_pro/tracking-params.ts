// One Signal event as one Piwik PRO tracking request: its query parameters, as the Tracking HTTP
// API reference names them. Every request carries the app (`idsite`), `rec=1`, the visitor ID
// (`_id`), the User ID (`uid`), the event's time (`cdt`), the visitor's user agent (`ua`),
// language (`lang`), IP (`cip`), page (`url`, `urlref`), screen (`res`), the configured custom
// dimensions, and `send_image=0`. Then, per call: a page or screen is a page view
// (`action_name`); a track event a custom event (`e_c`/`e_a`/`e_n`/`e_v`), an ecommerce
// interaction (`e_t`) or a site search. Identify calls have no request of their own (the User ID
// goes with later events); group and alias calls have no Piwik PRO meaning.
import { cutText, eventPathValue, PermanentError, readDecimal, readInstantMs, readText, usableId, valueAtEventPath, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { appIdOf, customDimensionsOf, ecommerceEventsOf, eventFieldsOf, sendsIp, sendsUserId, tracksAnonymously } from './config.ts';
import { cartParams, orderParams, productParams } from './ecommerce.ts';
import { MAX_REQUEST_BYTES, requestBytesOf } from './requests.ts';
import { eventVisitorId } from './visitor-id.ts';

type Params = Record<string, string>;
type Warn = (message: string) => void;

/** Piwik PRO's custom event value: "minimum: 0, maximum: 100000000000". */
const MAX_EVENT_VALUE = 100_000_000_000;
/** Custom dimension values kept at most (the SDKs cut them at 1024 characters). */
const MAX_DIMENSION_CHARS = 1024;
/** Custom event category, action and name: "maxLength: 16384" each in the reference. */
const MAX_EVENT_TEXT_CHARS = 16_384;
/** A site search's result count: "maximum: 4294967295" in the reference. */
const MAX_SEARCH_COUNT = 4_294_967_295;

/**
 * Whether Piwik PRO takes a text as `url` / `urlref`: "URL/URI has to have authority or `mailto`
 * scheme" (an absolute URL with a host, or mailto:) — a path such as "/pricing" is none.
 *
 * @example
 * isTrackableUrl('https://shop.example.com/pricing'); // true
 * isTrackableUrl('/pricing');                         // false
 */
export function isTrackableUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.host !== '' || url.protocol === 'mailto:';
  } catch {
    return false;
  }
}

/** A URL Piwik PRO takes, else undefined with a warning naming the field it was read from. */
function trackableUrl(value: unknown, field: string, param: 'url' | 'urlref', warn: Warn): string | undefined {
  const text = typeof value === 'string' && value !== '' ? value : undefined;
  if (text === undefined) return undefined;
  if (isTrackableUrl(text)) return text;
  warn(`${field} left out of ${param}: Piwik PRO takes an absolute URL with a host (or mailto:), not ${JSON.stringify(text.slice(0, 80))}`);
  return undefined;
}

/** A custom event text (e_c, e_a, e_n) within the reference's 16,384 characters, warned when cut. */
function eventText(value: string, param: string, field: string, warn: Warn): string {
  if (value.length <= MAX_EVENT_TEXT_CHARS) return value;
  warn(`${field} cut to ${MAX_EVENT_TEXT_CHARS.toLocaleString('en')} characters: Piwik PRO's ${param} takes no more`);
  return cutText(value, MAX_EVENT_TEXT_CHARS);
}

/** Text of a value read from the event (a number as its digits, a boolean as true/false). */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'boolean') return String(value);
  return typeof value === 'string' || typeof value === 'number' ? readText(value) : undefined;
}

/** A number from a number or decimal text, else undefined (a custom event's value is optional: one that is no number is left out, warned). */
function numberOrNothing(raw: number | string): number | undefined {
  try {
    return readDecimal(raw, { vendor: 'Piwik PRO', field: 'e_v' });
  } catch {
    return undefined;
  }
}

/** The text at a configured path of the event, or undefined. */
const textAt = (event: CanonicalEvent, path: string): string | undefined => scalarText(eventPathValue(event as unknown as JsonObject, path));

/** The parameters every request of the event carries. */
function commonParams(event: CanonicalEvent, ctx: PluginContext, warn: Warn): Params {
  const config = ctx.config;
  const anonymous = tracksAnonymously(config);
  const params: Params = { idsite: appIdOf(config), rec: '1' };
  // Anonymous tracking recognizes no returning visitor (Piwik PRO's own anonymous mode keeps no
  // visitor ID past a session): a visitor ID that stays the same for ever would undo that.
  const visitorId = anonymous ? undefined : eventVisitorId(event);
  if (visitorId !== undefined) params._id = visitorId;
  if (!anonymous && sendsUserId(config) && usableId(event.userId)) params.uid = String(event.userId);
  const at = readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt);
  // The event's own time, never in the future; the reference takes UNIX seconds.
  if (at !== undefined) params.cdt = String(Math.floor(Math.min(at, ctx.now) / 1000));
  const context = event.context;
  if (typeof context.userAgent === 'string' && context.userAgent !== '') params.ua = context.userAgent;
  if (typeof context.locale === 'string' && context.locale !== '') params.lang = context.locale;
  // With uia=1 Piwik PRO masks every byte of the IP after reading the country from it, as for a
  // browser's request in its anonymous mode; without cip it would see Signal's own address.
  if (sendsIp(config) && typeof context.ip === 'string' && context.ip !== '') params.cip = context.ip;
  const page = context.page ?? {};
  const url = trackableUrl(page.url, 'context.page.url', 'url', warn);
  if (url !== undefined) params.url = url;
  const referrer = trackableUrl(page.referrer, 'context.page.referrer', 'urlref', warn);
  if (referrer !== undefined) params.urlref = referrer;
  const screen = context.screen as JsonObject | undefined;
  const width = screen && typeof screen === 'object' && typeof screen.width === 'number' ? screen.width : undefined;
  const height = screen && typeof screen === 'object' && typeof screen.height === 'number' ? screen.height : undefined;
  if (width !== undefined && height !== undefined) params.res = `${Math.round(width)}x${Math.round(height)}`;
  for (const [id, path] of customDimensionsOf(config)) {
    const value = textAt(event, path);
    if (value === undefined) continue;
    if (value.length > MAX_DIMENSION_CHARS) warn(`dimension${id} (${path}) cut to ${MAX_DIMENSION_CHARS} characters`);
    params[`dimension${id}`] = value.slice(0, MAX_DIMENSION_CHARS);
  }
  if (anonymous) params.uia = '1';
  return params;
}

/** A page view's own parameters: the title (else the page's name) as `action_name`, the page's URL and referrer. */
function pageParams(event: CanonicalEvent, warn: Warn): Params {
  const properties = event.properties ?? {};
  const params: Params = {};
  const title = readText(properties.title) ?? readText(event.context.page?.title) ?? readText(event.name) ?? readText(properties.name);
  if (title !== undefined) params.action_name = title;
  const url = trackableUrl(readText(properties.url), 'properties.url', 'url', warn);
  if (url !== undefined) params.url = url;
  const referrer = trackableUrl(readText(properties.referrer), 'properties.referrer', 'urlref', warn);
  if (referrer !== undefined) params.urlref = referrer;
  return params;
}

/** A custom event's `e_c`, `e_a`, `e_n`, `e_v`, read where config.event_fields says; null, warned, without an action. */
function customEventParams(event: CanonicalEvent, ctx: PluginContext, warn: Warn): Params | null {
  const fields = eventFieldsOf(ctx.config);
  const action = textAt(event, fields.action);
  if (action === undefined) {
    warn(`not sent: ${fields.action} is empty, and it is the custom event's action (e_a)`);
    return null;
  }
  const category = textAt(event, fields.category);
  const params: Params = {
    e_c: category === undefined ? eventText(fields.default_category, 'e_c', 'event_fields.default_category', warn) : eventText(category, 'e_c', fields.category, warn),
    e_a: eventText(action, 'e_a', fields.action, warn),
  };
  const name = textAt(event, fields.name);
  if (name !== undefined) params.e_n = eventText(name, 'e_n', fields.name, warn);
  const raw = valueAtEventPath(event as unknown as JsonObject, fields.value);
  if (raw !== undefined && raw !== null && raw !== '') {
    const value = typeof raw === 'number' || typeof raw === 'string' ? numberOrNothing(raw) : undefined;
    if (value === undefined) warn(`${fields.value} left out: Piwik PRO's custom event value (e_v) is a number, not ${JSON.stringify(raw).slice(0, 60)}`);
    else if (value < 0 || value > MAX_EVENT_VALUE) warn(`${fields.value} left out: Piwik PRO takes a custom event value (e_v) from 0 to 100,000,000,000, not ${value}`);
    else params.e_v = String(value);
  }
  return params;
}

/** A site search: the query as `search`, its result count when given; null without a query. */
function searchParams(properties: JsonObject): Params | null {
  const query = readText(properties.query);
  if (query === undefined) return null;
  const params: Params = { search: query };
  const category = readText(properties.search_category) ?? readText(properties.category);
  if (category !== undefined) params.search_cats = JSON.stringify([category]);
  const count = properties.count ?? properties.results;
  if (typeof count === 'number' && Number.isInteger(count) && count >= 0 && count <= MAX_SEARCH_COUNT) params.search_count = String(count);
  return params;
}

/** A track event's own parameters: an ecommerce interaction, a site search or a custom event. */
function trackParams(event: CanonicalEvent, ctx: PluginContext, warn: Warn): Params | null {
  const name = readText(event.event);
  const properties = event.properties ?? {};
  const lists = ecommerceEventsOf(ctx.config);
  if (name !== undefined) {
    if (lists.orders.includes(name)) return orderParams(properties, event.messageId, warn);
    if (lists.carts.includes(name)) return cartParams(properties, warn);
    const single = lists.productViews.includes(name) ? 'product-detail-view' : lists.adds.includes(name) ? 'add-to-cart' : lists.removes.includes(name) ? 'remove-from-cart' : undefined;
    if (single !== undefined) {
      const params = productParams(single, properties, warn);
      if (params === null) warn(`not sent: ${name} names no product SKU (properties.sku, product_id or id), which Piwik PRO's ${single} requires`);
      return params;
    }
    if (lists.searches.includes(name)) {
      const search = searchParams(properties);
      if (search !== null) return search;
      warn('properties.query is missing: sent as a custom event, not a site search');
    }
  }
  return customEventParams(event, ctx, warn);
}

/**
 * The Piwik PRO tracking request of an event, as its query parameters in the order sent (the
 * variant's mapper): null, warned through `ctx.warn`, for a call Piwik PRO has no request for
 * (identify, group, alias) or one it could not take.
 *
 * @example
 * piwikProParams({ type: 'page', name: 'Pricing', context: { page: { url: 'https://shop.example.com/pricing' } }, anonymousId: 'v-1', timestamp: '2026-11-30T10:00:00.000Z', … }, ctx);
 * // { idsite: '892d04bd-…', rec: '1', _id: '…', cdt: '1796032800', url: 'https://shop.example.com/pricing', action_name: 'Pricing', send_image: '0' }
 */
export function piwikProParams(event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn: Warn = (message) => ctx.warn?.(message);
  let own: Params | null;
  switch (event.type) {
    case 'page':
    case 'screen':
      own = pageParams(event, warn);
      break;
    case 'track':
      own = trackParams(event, ctx, warn);
      break;
    case 'identify':
      warn('not sent: Piwik PRO has no request that only names a user; the userId goes as its User ID (uid) with this person\'s next events');
      return null;
    default:
      warn(`not sent: Piwik PRO has no ${event.type} calls (it knows page views, custom events, ecommerce and site searches)`);
      return null;
  }
  if (own === null) return null;
  // Server-side there is no image to load: "0 - return text/html [No content]".
  const params = { ...commonParams(event, ctx, warn), ...own, send_image: '0' };
  // Refused here, naming the limit and the largest values: this event alone is dead-lettered,
  // never the bulk it would have gone in.
  const bytes = requestBytesOf(params);
  if (bytes > MAX_REQUEST_BYTES) {
    const largest = Object.entries(params).sort((a, b) => b[1].length - a[1].length).slice(0, 3).map(([name, value]) => `${name} (${value.length.toLocaleString('en')} characters)`);
    throw new PermanentError(`the event's Piwik PRO tracking request is ${bytes.toLocaleString('en')} bytes, more than the ${MAX_REQUEST_BYTES.toLocaleString('en')} a request may take in a bulk; its largest values: ${largest.join(', ')}: leave them out or shorten them with a pipeline transformation`);
  }
  return params;
}
