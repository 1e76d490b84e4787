import { definePlugin, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { classifyTradeDesk } from './classify.ts';
import { accountFields, CONFIG_SCHEMA, validateTradeDeskConfig } from './config.ts';
import { toTradeDeskEvent } from './conversion-event.ts';
import { IMP_COOKIE, IMP_DAYS, IMP_PARAM, TDID_COOKIE } from './identity.ts';

/** The Real-Time Conversions endpoint (one for every region; the request names the account). */
export const REAL_TIME_CONVERSIONS_URL = 'https://insight.adsrvr.org/track/realtimeconversion';
/**
 * One event a request. The body's `data` is a list, but no limit for it is public, and The Trade
 * Desk's own server-side tag template, its Adobe extension and RudderStack each send one event a
 * request: so does Signal, and each answer is then its event's own.
 */
const MAX_EVENTS = 1;
/** A request's body holds one event (at most 32 KB as collect stores it): 100 KB is room enough. */
const MAX_BYTES = 100_000;

/**
 * The request carrying one conversion: `{ data: [event] }`, the account and tag ids of the config
 * first, as The Trade Desk's tag templates write them. No credential: the endpoint takes none.
 *
 * @example
 * requestFor({ id: 'm-1', event, payload: { event_name: 'purchase' } }, ctx);
 * // { method: 'POST', url: REAL_TIME_CONVERSIONS_URL, headers: { 'content-type': 'application/json' },
 * //   body: { data: [{ adv: '4w1ba8e', tracker_id: 'hc7ihke', event_name: 'purchase' }] }, eventIds: ['m-1'] }
 */
export function requestFor(mapped: MappedEvent, ctx: PluginContext): RequestDescriptor {
  const conversion: Record<string, JsonValue> = { ...accountFields(ctx.config), ...mapped.payload };
  return {
    method: 'POST',
    url: REAL_TIME_CONVERSIONS_URL,
    headers: { 'content-type': 'application/json' },
    body: { data: [conversion] },
    eventIds: [mapped.id],
  };
}

export default definePlugin({
  id: 'the_trade_desk',
  name: 'The Trade Desk (Real-Time Conversions)',
  category: 'advertising',
  description: 'Server-to-server conversion events to The Trade Desk through its Real-Time Conversions API: Segment\'s ecommerce events as The Trade Desk\'s standard events (purchase with value, currency, order id and items), page views as sitevisit, by Event Tracker or by a Universal Pixel\'s URL rules; the visitor\'s TDID (first-party ttd_TDID cookie) or device advertising id, the impression id of a click-through (ttd_imp, kept in a first-party cookie), TCF, GPP and US Privacy strings, and Limited Data Use.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateTradeDeskConfig,
  variants: {
    default: { description: 'Page calls as sitevisit; Segment spec events as The Trade Desk\'s standard events (viewitem, searchitem, addtocart, wishlistitem, viewcart, startcheckout, purchase, login, messagebusiness) with value, currency, order id and items; every other track event under its own name (an event name your account manager sets up on the Event Tracker).', blueprint: 'the_trade_desk/default.yaml' },
    retail: { description: 'The ecommerce funnel only: sitevisit, viewitem, searchitem, addtocart, wishlistitem, viewcart, startcheckout and purchase with value, currency, order id and items; other events are not sent.', blueprint: 'the_trade_desk/retail.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'With an Event Tracker: purchase, addtocart, viewitem, searchitem, startcheckout, viewcart, wishlistitem, sitevisit, login, messagebusiness, or a name set up with The Trade Desk. Optional with a Universal Pixel.' },
    value: { required: false, description: 'Revenue as decimal text ("74.97"): as mapped, else price × qty of the items.' },
    currency: { required: false, description: 'ISO 4217 code of the value.' },
    order_id: { required: false },
    items: { required: false, description: 'Products: item_code, name, qty, price, cat (each sent as text, as The Trade Desk\'s schema types them).' },
    referrer_url: { required: false, description: 'The page URL; required with a Universal Pixel (URL mapping).' },
    client_ip: { required: false, description: 'The visitor\'s public IP address.' },
    imp: { required: false, description: 'The impression id of a click-through: the landing URL\'s ttd_imp, else the _dfttdimp cookie.' },
    adid: { required: false, description: 'One advertising id: as mapped with adid_type, else the device\'s (ids.device_id), the TDID (ids.tdid, the ttd_TDID cookie), a UID2, EUID or RampID.' },
    adid_type: { required: false, description: 'TDID, IDFA, AAID, NAID, DAID, UID2, EUID or IDL: the plugin\'s, from what it picked.' },
    td1: { required: false, description: 'td1 to td10: custom dynamic properties, as text.' },
    privacy_settings: { required: false, description: 'From privacy.gdpr_applies, privacy.gdpr_consent (TCF), privacy.gpp and privacy.us_privacy, then the entries of privacy.settings (RudderStack\'s integrations.THE_TRADE_DESK.privacy_settings); is_applicable as text.' },
    data_processing_option: { required: false, description: 'Limited Data Use ({ policies: [LDU], region: US-CA }) for US states: a visitor refusing advertising, or RudderStack\'s integrations.THE_TRADE_DESK.region.' },
  },
  consent: ['advertising'],
  // The site's first-party copy of the TDID, and Signal's own cookie for the impression id.
  cookies: [TDID_COOKIE, IMP_COOKIE],
  // Signal keeps a landing URL's ttd_imp (the creatives' click URL carries
  // %%TTD_IMPRESSIONID%% in it) in _dfttdimp for 30 days, a usual click lookback window.
  clickIds: [{ param: IMP_PARAM, cookie: IMP_COOKIE, days: IMP_DAYS }],
  // The Trade Desk documents no rate limit for this endpoint (its pixels' endpoint, built for
  // browser traffic): 50 requests a second (burst 100) of one event each, and a 429 slows the
  // integration down.
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toTradeDeskEvent(payload, event, ctx),
  send: (batch, ctx) => batch.map((mapped) => requestFor(mapped, ctx)),
  classify: (response) => classifyTradeDesk(response),
  // The Trade Desk's 200 to an accepted conversion, as RudderStack's recorded exchanges show it
  // (rudder-transformer test/integrations/destinations/the_trade_desk/network.ts; the reference is behind a login).
  successAnswer: { status: 200, body: { Message: null, EventResponses: [] } },
});
