// One conversion as Nextdoor's Conversions API takes it (POST /v2/api/conversions/track), from
// whatever the blueprint mapped: `event_name` (config.event_names first), `event_id`,
// `event_time_epoch`, `action_source` with `action_source_url`, `customer` normalised and hashed,
// the click id, `custom` and `app`. Nextdoor takes one event a request; one it would refuse is
// dead-lettered here, saying why, and one with no Nextdoor event name is not sent.
import { configText, eventMapName, isJsonObject, namesNoOne, pageUrlParamOf, PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { clickIdOf, NDCLID_COOKIE, NDCLID_PARAM, STAPE_NDCLID_COOKIE } from './click-id.ts';
import { ACTION_SOURCES, EVENT_NAMES } from './config.ts';
import { normalizeCustomer } from './customer.ts';
import { fitCustomData } from './custom-data.ts';

/** Nextdoor's app platforms (`app.platform`). */
const PLATFORMS: Record<string, string> = { ios: 'ios', android: 'android' };

/** An event name in Nextdoor's spelling (`Add to Cart` → add_to_cart), or the text as it came. */
function nextdoorName(value: string): string {
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return EVENT_NAMES.has(key) ? key : value.trim();
}

/** An absolute http(s) URL, as Nextdoor takes `action_source_url`; anything else is none. */
function pageUrl(value: string | undefined): string | undefined {
  if (value === undefined || !URL.canParse(value)) return undefined;
  return /^https?:$/.test(new URL(value).protocol) ? value : undefined;
}

/** The mapped app fields Nextdoor documents, for app events. */
function appOf(raw: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const input = raw;
  const app: JsonObject = {};
  const appId = readText(input.app_id);
  if (appId !== undefined) app.app_id = appId;
  if (typeof input.app_tracking_enabled === 'boolean') app.app_tracking_enabled = input.app_tracking_enabled;
  const platform = PLATFORMS[readText(input.platform)?.toLowerCase() ?? ''];
  if (platform !== undefined) app.platform = platform;
  const version = readText(input.app_version);
  if (version !== undefined) app.app_version = version;
  return Object.keys(app).length > 0 ? app : undefined;
}

/**
 * The Nextdoor conversion of an event (the map hook), or null when it has no Nextdoor event name
 * (config.event_names, else the blueprint's): `ctx.warn` says so. The click id is the landing
 * URL's ndclid, else Signal's `_dfndclid` cookie, else Stape's `_ndclid`, else a mapped
 * `click_id` (or `customer.click_id`); the event time in epoch seconds (a time ahead of
 * Signal's clock as now). Throws a PermanentError (the event is dead-lettered alone) for one
 * Nextdoor would refuse: an event name it does not take, an unknown action_source, a website
 * event without its page URL, nothing in `customer` to match on, an order value it cannot take
 * (see fitCustomData).
 *
 * @example
 * toNextdoorConversion({ event_name: 'purchase', event_time: '2026-12-01T11:00:00Z', customer: { email: 'Jane@Example.com' },
 *   action_source_url: 'https://shop.example.com/thanks', custom: { value: 74.97, currency: 'usd' } }, orderCompleted, ctx);
 * // { event_name: 'purchase', event_id: orderCompleted.messageId, event_time_epoch: 1796122800, action_source: 'website',
 * //   action_source_url: 'https://shop.example.com/thanks', customer: { email: '<sha256>' }, custom: { order_value: 'USD74.97' } }
 */
export function toNextdoorConversion(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const warn = (message: string) => ctx.warn?.(message);
  const configured = eventMapName(event, ctx.config.event_names);
  const mapped = readText(payload.event_name);
  // The blueprint's catch-all handler names an event by its own name (Feature Used): no
  // Nextdoor event unless that is one, or the config names it.
  const ownName = event.type === 'track' ? event.event?.trim() : event.type;
  const named = configured ?? (mapped !== undefined && (mapped !== ownName || EVENT_NAMES.has(nextdoorName(mapped))) ? mapped : undefined);
  if (named === undefined) {
    warn(`${what} not sent to Nextdoor: no Nextdoor event for it (name one in config.event_names, e.g. {"${event.type === 'track' ? event.event ?? 'Demo Requested' : 'page'}": "lead"})`);
    return null;
  }
  const eventName = nextdoorName(named);
  if (!EVENT_NAMES.has(eventName)) {
    throw new PermanentError(`Nextdoor has no event ${JSON.stringify(named)}: it takes purchase, lead, sign_up, add_to_cart, initiate_checkout, page_view, search, view_content, add_to_wishlist, subscribe or custom_conversion_1 … custom_conversion_10 (config.event_names, or the blueprint's event_name)`);
  }

  const mappedSource = readText(payload.action_source)?.toLowerCase();
  const actionSource = mappedSource ?? (typeof ctx.config.action_source === 'string' ? ctx.config.action_source : 'website');
  if (!(ACTION_SOURCES as readonly string[]).includes(actionSource)) {
    throw new PermanentError(`Nextdoor has no action_source ${JSON.stringify(payload.action_source)}: it takes ${ACTION_SOURCES.join(', ')}`);
  }
  const url = pageUrl(readText(payload.action_source_url));
  if (actionSource === 'website' && url === undefined) {
    throw new PermanentError(`Nextdoor requires the page URL (action_source_url, http or https) of a website event, and ${what} has none: send it from the browser (context.page.url), map properties.url, or set config.action_source to where it happens (e.g. system_generated, physical_store)`);
  }

  const mappedId = readText(payload.event_id);
  const eventId = mappedId !== undefined && !namesNoOne(mappedId) ? mappedId : event.messageId;
  const mappedMs = readInstantMs(payload.event_time) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;
  const eventTime = Math.floor(Math.min(mappedMs, ctx.now) / 1000);

  const defaultCountryCode = typeof ctx.config.default_country_code === 'string' ? ctx.config.default_country_code : undefined;
  // A blueprint revision may map Nextdoor's own customer.click_id: it is a click id, read with the
  // others below, not a field to normalise (nor one to warn about as unusable).
  const { click_id: customerClickId, ...mappedCustomer } = isJsonObject(payload.customer) ? payload.customer : {};
  const { fields: customer, unusable } = normalizeCustomer(isJsonObject(payload.customer) ? mappedCustomer : payload.customer, { defaultCountryCode });
  for (const key of unusable) {
    warn(key === 'phone_number' && defaultCountryCode === undefined
      ? 'customer.phone_number left out: not a number in E.164 (+14155550123), and without config.default_country_code a number written without its country code is not guessed'
      : `customer.${key} left out: nothing Nextdoor could match on (or not a field it takes)`);
  }
  const cookies = event.context?.cookies;
  const clickId = pageUrlParamOf(event, NDCLID_PARAM, { accept: clickIdOf }) ?? clickIdOf(cookies?.[NDCLID_COOKIE]) ?? clickIdOf(cookies?.[STAPE_NDCLID_COOKIE]) ?? clickIdOf(payload.click_id) ?? clickIdOf(customerClickId);
  if (clickId !== undefined) customer.click_id = clickId;
  if (Object.keys(customer).length === 0) {
    throw new PermanentError(`Nextdoor cannot match ${what} to anyone: its customer needs at least one of email, phone_number, names, address, click_id, client_ip_address — it has none${unusable.length > 0 ? ` (left out as unusable: ${unusable.join(', ')})` : ''}. Send events from the browser (Signal reads the visitor's IP and user agent), or an email or phone in traits`);
  }

  const defaultCurrency = configText(ctx.config, 'default_currency')?.toUpperCase();
  const custom = fitCustomData(payload.custom, { eventName, defaultCurrency, warn });

  const conversion: JsonObject = { event_name: eventName, event_id: eventId, event_time_epoch: eventTime, action_source: actionSource };
  if (url !== undefined) conversion.action_source_url = url;
  conversion.customer = customer;
  if (custom !== undefined) conversion.custom = custom;
  const app = actionSource === 'app' ? appOf(payload.app) : undefined;
  if (app !== undefined) conversion.app = app;
  return conversion;
}
