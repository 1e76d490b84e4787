import { definePlugin } from '../../core/sdk/index.ts';
import { toAxonEvent } from './axon-event.ts';
import { ALART_COOKIE, ALART_PARAM, ALEID_COOKIE, ALEID_PARAM, CLICK_ID_DAYS, PIXEL_ALART_COOKIE, PIXEL_ALEID_COOKIE, PIXEL_AXWRT_COOKIE, SERVER_AXWRT_COOKIE } from './click-ids.ts';
import { classifyAppLovin } from './classify.ts';
import { CONFIG_SCHEMA, validateAppLovinConfig } from './config.ts';
import { MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';

export { MAX_DEDUPE_ID_CHARS, sourceUrl, toAxonEvent, USER_IDENTIFIERS } from './axon-event.ts';
export { ALART_COOKIE, ALART_PARAM, ALEID_COOKIE, ALEID_PARAM, axonIdOf, axonIds, CLICK_ID_DAYS, PIXEL_ALART_COOKIE, PIXEL_ALEID_COOKIE, PIXEL_AXWRT_COOKIE, SERVER_AXWRT_COOKIE, type AxonIds } from './click-ids.ts';
export { classifyAppLovin, said } from './classify.ts';
export { axonEventName, CONFIG_SCHEMA, EVENT_NAMES, EVENT_SOURCES, validateAppLovinConfig, type EventName } from './config.ts';
export { eventData, MAX_TEXT_CHARS } from './event-data.ts';
export { EVENTS_ENDPOINT, eventsUrl, MAX_BYTES, MAX_EVENTS, requestsFor } from './requests.ts';
export { appLovinUserData, MAX_ID_CHARS, MIN_USER_ID_CHARS } from './user-data.ts';

/**
 * AppLovin (Axon) through its Conversion API, POST https://b.applovin.com/v1/event?pixel_id=<Axon
 * Event Key>: page calls and Segment's ecommerce, lead, sign-up, login and search events as
 * Axon's events (page_view, view_item, add_to_cart, begin_checkout, purchase, generate_lead,
 * sign_up, …), other track events as config.event_names names them; the messageId as dedupe_id
 * for deduplication with the Axon Pixel, email and phone SHA-256 hashed, the IP address, user
 * agent, anonymousId (client_id) and userId, Axon's click ids (aleid, alart: the landing URL's,
 * kept in first-party cookies) and the Pixel's browser id (axwrt) in clear, value, currency,
 * order id and items as data. Batches of up to 100 events; AppLovin refuses a whole batch for
 * one invalid event, so what it requires is checked before sending and a refused batch is
 * halved until that event is alone. No person deletions: AppLovin documents no deletion API
 * for Conversion API data. See README.md.
 *
 * @example
 * // config: { pixel_id: 'evk-1234', api_key: '…' }
 * appLovin.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://b.applovin.com/v1/event?pixel_id=evk-1234',
 * //    headers: { authorization: '…', 'content-type': 'application/json' },
 * //    body: { events: [{ name: 'purchase', event_time: 1796122800000, event_source_url: 'https://shop.example.com/thanks', dedupe_id: 'm-1',
 * //            data: { currency: 'USD', value: 74.97, transaction_id: 'O-1', items: [{ item_id: 'SKU-1', price: 24.99, quantity: 3 }] },
 * //            user_data: { client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0', client_id: 'df_abc', aleid: 'a1', esi: 'web' } }] },
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'applovin',
  name: 'AppLovin Axon Conversion API',
  category: 'advertising',
  description: 'Server-to-server web conversion events for AppLovin\'s Axon ads through its Conversion API: page calls, product views, cart, checkout, payment info, purchases, leads, sign-ups, logins and searches as Axon\'s events, others as the config names them; the email and phone SHA-256 hashed, the IP address and user agent, the visitor and user ids, Axon\'s click ids (aleid, alart, kept in first-party cookies) and browser id (axwrt), value, currency, order id and items, and deduplication with the Axon Pixel by dedupe_id. Batches of up to 100 events; AppLovin refuses a whole batch for one invalid event, so a refused batch is halved until that event is alone. No deletion API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAppLovinConfig,
  variants: {
    default: { description: 'Page calls as page_view; Product Viewed, Cart Viewed, Product Added, Product Removed, Checkout Started, Payment Info Entered and Order Completed as view_item, view_cart, add_to_cart, remove_from_cart, begin_checkout, add_payment_info and purchase with their value, currency, order id and items; Lead Generated, Signed Up, Signed In and Products Searched as generate_lead, sign_up, login and search; other track events only as config.event_names names them.', blueprint: 'applovin/default.yaml' },
  },
  vendorFields: {
    name: { required: true, description: 'An Axon event: page_view, view_item, view_cart, add_to_cart, remove_from_cart, begin_checkout, add_payment_info, purchase, generate_lead, sign_up, login, search, subscribe or app_open (config.event_names first).' },
    event_time: { required: true, description: 'Epoch milliseconds (a time ahead is sent as now).' },
    event_source_url: { required: true, description: 'The complete http(s) URL of the page, with its query (which carries aleid) but without a fragment or query parameters holding an email or phone number.' },
    dedupe_id: { required: false, description: 'Deduplicates with the Axon Pixel: the messageId; send it as the Pixel\'s dedupe_id for the same action.' },
    esi: { required: false, description: 'user_data.esi, web or app: config.event_source, auto by default (app for an app\'s events).' },
    'user_data.email': { required: false, description: 'The email, trimmed, lower-cased and SHA-256 hashed by the plugin.' },
    'user_data.phone': { required: false, description: 'The phone\'s digits with its country code, without +, SHA-256 hashed by the plugin.' },
    'user_data.client_ip_address': { required: false, description: 'The visitor\'s IP address.' },
    'user_data.client_user_agent': { required: false, description: 'The visitor\'s user agent.' },
    'user_data.client_id': { required: false, description: 'A first-party browser id: the anonymousId.' },
    'user_data.user_id': { required: false, description: 'The site\'s user id (at least six characters).' },
    'user_data.aleid': { required: false, description: 'Axon\'s click id: the landing URL\'s aleid, else the _dfaleid cookie Signal keeps, else the Axon Pixel\'s _axeid.' },
    'user_data.alart': { required: false, description: 'The landing URL\'s alart, else the _dfalart cookie Signal keeps, else the Axon Pixel\'s _axart.' },
    'user_data.axwrt': { required: false, description: 'The Axon Pixel\'s browser id: its _axwrt cookie, else the site\'s server-set axwrt copy.' },
    'user_data.country_code': { required: false, description: 'ISO 3166-1 alpha-2.' },
    'user_data.zip': { required: false },
    'user_data.os': { required: false, description: 'ios, android or desktop_os.' },
    'user_data.ifa': { required: false, description: 'An app\'s advertising id (IDFA, GAID), when the device allows ad tracking.' },
    'user_data.idfv': { required: false, description: 'An iOS app\'s vendor id.' },
    'data.currency': { required: false, description: 'ISO 4217; required for purchase, begin_checkout, add_payment_info and generate_lead (config.default_currency otherwise).' },
    'data.value': { required: false, description: 'The value; required for purchase, begin_checkout and generate_lead: revenue, total or value, else the items\' price × quantity.' },
    'data.transaction_id': { required: false, description: 'The order id; required for purchase.' },
    'data.items': { required: false, description: 'Axon items (item_id, item_name, item_brand, item_variant_id, item_category_id, price, quantity); required for view_item, add_to_cart, begin_checkout and purchase.' },
    'data.search_term': { required: false },
  },
  consent: ['advertising'],
  // Signal's cookies for the landing URL's aleid and alart, the Axon Pixel's and the site's server-set axwrt (read, never written).
  cookies: [ALEID_COOKIE, ALART_COOKIE, PIXEL_ALEID_COOKIE, PIXEL_ALART_COOKIE, PIXEL_AXWRT_COOKIE, SERVER_AXWRT_COOKIE],
  clickIds: [{ param: ALEID_PARAM, cookie: ALEID_COOKIE, days: CLICK_ID_DAYS }, { param: ALART_PARAM, cookie: ALART_COOKIE, days: CLICK_ID_DAYS }],
  // AppLovin documents no rate limit for the Conversion API: 10 requests a second (up to 1,000
  // events) is Signal's pace, which an admin can change; a 429 slows the integration down.
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toAxonEvent(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response, request) => classifyAppLovin(response, request),
  // AppLovin documents a 200 ("all events processed successfully") and no body; an empty JSON object stands in for it.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: {} },
});
