// One Signal event as one Matomo tracking request: its query parameters, as the Tracking HTTP API
// reference names them. Every request carries the website (`idsite`), `rec=1`, `apiv=1`, the
// visitor id (`_id`), the User ID (`uid`), the event's time (`cdt`), the visitor's user agent
// (`ua`), language (`lang`), IP (`cip`, only with a token_auth), page (`url`, `urlref`), screen
// (`res`), the configured custom dimensions, and `send_image=0`. Then, per call: a page or screen
// is a page view (`action_name`); a track event an event (`e_c`/`e_a`/`e_n`/`e_v`, `ca=1`), an
// ecommerce order, cart update or product view, or a site search; identify calls go as an event
// only when the config asks; group and alias calls have no Matomo meaning.
import { eventPathValue, readInstantMs, readText, usableId, valueAtEventPath, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { customDimensionsOf, ecommerceEventsOf, eventFieldsOf, sendsIdentifyEvents, sendsIp, sendsUserId, siteCurrencyOf, siteIdOf, tokenOf } from './config.ts';
import { amountOf, cartParams, orderParams, productViewParams } from './ecommerce.ts';
import { eventVisitorId } from './visitor-id.ts';

type Params = Record<string, string>;

/**
 * How old an event may be to go without a token_auth: Matomo refuses a `cdt` older than 24 hours
 * without one (`tracking_requests_require_authentication_when_custom_timestamp_newer_than`,
 * 86,400 s by default); an hour less leaves room for the queue and retries.
 */
export const MAX_AGE_WITHOUT_TOKEN_MS = 23 * 3600 * 1000;
/** Matomo keeps custom dimension values of up to 255 characters. */
const MAX_DIMENSION_CHARS = 255;

/** Text of a value read from the event (a number as its digits, a boolean as true/false). */
function scalarText(value: unknown): string | undefined {
  if (typeof value === 'boolean') return String(value);
  return typeof value === 'string' || typeof value === 'number' ? readText(value) : undefined;
}

/**
 * The text at a configured path of the event (the config check takes names joined by dots only:
 * no `|` alternatives), or undefined.
 */
const textAt = (event: CanonicalEvent, path: string): string | undefined => scalarText(eventPathValue(event as unknown as JsonObject, path));

/**
 * The parameters every request of the event carries: website, `rec`, `apiv`, visitor id, User
 * ID, time, user agent, language, IP, page, screen, custom dimensions. Null,
 * warned, for an event Matomo would refuse: older than 23 hours without a token_auth.
 */
function commonParams(event: CanonicalEvent, ctx: PluginContext, warn: (message: string) => void): Params | null {
  const config = ctx.config;
  const params: Params = { idsite: siteIdOf(config), rec: '1', apiv: '1' };
  const visitorId = eventVisitorId(event);
  if (visitorId !== undefined) params._id = visitorId;
  if (sendsUserId(config) && usableId(event.userId)) params.uid = String(event.userId);
  const at = readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt);
  if (at !== undefined) {
    if (tokenOf(config) === undefined && ctx.now - at > MAX_AGE_WITHOUT_TOKEN_MS) {
      warn(`not sent: the event is ${Math.floor((ctx.now - at) / 3600_000)} hours old, and Matomo records events more than 24 hours old only with a token_auth (set config.token_auth, a token with Write access)`);
      return null;
    }
    // Matomo ignores a cdt in its future (and records the time it receives the request).
    params.cdt = String(Math.floor(Math.min(at, ctx.now) / 1000));
  }
  const context = event.context;
  if (typeof context.userAgent === 'string' && context.userAgent !== '') params.ua = context.userAgent;
  if (typeof context.locale === 'string' && context.locale !== '') params.lang = context.locale;
  if (sendsIp(config) && typeof context.ip === 'string' && context.ip !== '') params.cip = context.ip;
  const page = context.page ?? {};
  if (typeof page.url === 'string' && page.url !== '') params.url = page.url;
  if (typeof page.referrer === 'string' && page.referrer !== '') params.urlref = page.referrer;
  const screen = context.screen as JsonObject | undefined;
  const width = screen && typeof screen === 'object' ? amountOf(screen.width) : undefined;
  const height = screen && typeof screen === 'object' ? amountOf(screen.height) : undefined;
  if (width !== undefined && height !== undefined) params.res = `${Math.round(width)}x${Math.round(height)}`;
  for (const [id, path] of customDimensionsOf(config)) {
    const value = textAt(event, path);
    if (value === undefined) continue;
    if (value.length > MAX_DIMENSION_CHARS) warn(`dimension${id} (${path}) cut to ${MAX_DIMENSION_CHARS} characters, the most Matomo keeps`);
    params[`dimension${id}`] = value.slice(0, MAX_DIMENSION_CHARS);
  }
  return params;
}

/** A page view's own parameters: the title (else the page's name) as `action_name`, the page's URL and referrer. */
function pageParams(event: CanonicalEvent): Params {
  const properties = event.properties ?? {};
  const params: Params = {};
  const title = readText(properties.title) ?? readText(event.context.page?.title) ?? readText(event.name) ?? readText(properties.name);
  if (title !== undefined) params.action_name = title;
  const url = readText(properties.url);
  if (url !== undefined) params.url = url;
  const referrer = readText(properties.referrer);
  if (referrer !== undefined) params.urlref = referrer;
  return params;
}

/** An event's `e_c`, `e_a`, `e_n`, `e_v` and `ca=1`, read where the config says. */
function eventParams(event: CanonicalEvent, action: string, ctx: PluginContext, warn: (message: string) => void): Params {
  const fields = eventFieldsOf(ctx.config);
  const params: Params = { e_c: textAt(event, fields.categoryPath) ?? fields.defaultCategory, e_a: action };
  const name = textAt(event, fields.namePath);
  if (name !== undefined) params.e_n = name;
  // As it is: an empty object or list is warned about, not skipped as eventPathValue would.
  const raw = valueAtEventPath(event as unknown as JsonObject, fields.valuePath);
  if (raw !== undefined && raw !== null && raw !== '') {
    const value = amountOf(raw as JsonValue);
    if (value === undefined) warn(`${fields.valuePath} left out: Matomo's event value (e_v) is a number, not ${JSON.stringify(raw).slice(0, 60)}`);
    else params.e_v = String(value);
  }
  // "The advantage being that should you ever disable the event plugin, then the event tracking
  // requests will be ignored" rather than recorded as page views.
  params.ca = '1';
  return params;
}

/** A site search's parameters: the query as `search`, its category and result count when given; null without a query. */
function searchParams(properties: JsonObject): Params | null {
  const query = readText(properties.query);
  if (query === undefined) return null;
  const params: Params = { search: query };
  const category = readText(properties.search_category) ?? readText(properties.category);
  if (category !== undefined) params.search_cat = category;
  const count = amountOf(properties.count ?? properties.results);
  if (count !== undefined && Number.isInteger(count) && count >= 0) params.search_count = String(count);
  return params;
}

/** The request's own parameters for a track event: ecommerce, site search or an event. */
function trackParams(event: CanonicalEvent, ctx: PluginContext, warn: (message: string) => void): Params | null {
  const name = readText(event.event);
  if (name === undefined) {
    warn('not sent: a track event without a name, which Matomo requires as the event action (e_a)');
    return null;
  }
  const properties = event.properties ?? {};
  const lists = ecommerceEventsOf(ctx.config);
  const currency = siteCurrencyOf(ctx.config);
  if (lists.orders.includes(name)) return orderParams(properties, event.messageId, currency, warn);
  if (lists.carts.includes(name)) return cartParams(properties, currency, warn);
  if (lists.productViews.includes(name)) {
    const page = pageParams({ ...event, properties: { url: properties.url ?? null, referrer: null } });
    return { ...page, action_name: page.action_name ?? readText(properties.name) ?? name, ...productViewParams(properties) };
  }
  if (lists.searches.includes(name)) {
    const search = searchParams(properties);
    if (search !== null) return search;
    warn('properties.query is missing: sent as an event, not a site search');
  }
  return eventParams(event, name, ctx, warn);
}

/**
 * The Matomo tracking request of an event, as its query parameters in the order sent (the
 * variant's mapper): null, warned through `ctx.warn`, for a call Matomo has no request for
 * (group, alias; identify unless config.identify_as_event) or one it would refuse.
 *
 * @example
 * matomoParams({ type: 'page', name: 'Pricing', properties: { title: 'Pricing' }, context: { page: { url: 'https://shop.example.com/pricing' } }, anonymousId: 'v-1', timestamp: '2026-11-30T10:00:00.000Z', … }, ctx);
 * // { idsite: '1', rec: '1', apiv: '1', _id: '…', cdt: '1796032800', url: 'https://shop.example.com/pricing', send_image: '0', action_name: 'Pricing' }
 */
export function matomoParams(event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string): void => ctx.warn?.(message);
  let own: Params | null;
  switch (event.type) {
    case 'page':
    case 'screen':
      own = pageParams(event);
      break;
    case 'track':
      own = trackParams(event, ctx, warn);
      break;
    case 'identify':
      if (!sendsIdentifyEvents(ctx.config) || !usableId(event.userId) || !sendsUserId(ctx.config)) {
        warn('not sent: Matomo has no request that only names a user; the userId goes as its User ID (uid) with this person\'s next events (turn on config.identify_as_event to send identify calls as events)');
        return null;
      }
      own = { e_c: 'User', e_a: 'Identify', ca: '1' };
      break;
    default:
      warn(`not sent: Matomo has no ${event.type} calls (it knows visits, page views, events, ecommerce and site searches)`);
      return null;
  }
  if (own === null) return null;
  const common = commonParams(event, ctx, warn);
  // Server-side there is no image to load: Matomo answers 204 rather than a GIF.
  return common === null ? null : { ...common, ...own, send_image: '0' };
}
