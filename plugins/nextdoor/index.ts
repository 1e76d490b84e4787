import { definePlugin } from '../../core/sdk/index.ts';
import { classifyNextdoor } from './classify.ts';
import { NDCLID_COOKIE, NDCLID_DAYS, NDCLID_PARAM, STAPE_NDCLID_COOKIE } from './click-id.ts';
import { CONFIG_SCHEMA, validateNextdoorConfig } from './config.ts';
import { toNextdoorConversion } from './conversion.ts';
import { requestsFor } from './requests.ts';

export { NEXTDOOR_ORIGIN, TRACK_URL } from './requests.ts';

/**
 * Nextdoor Conversions API: server-to-server conversions for Nextdoor Ads, one
 * `POST https://ads.nextdoor.com/v2/api/conversions/track` a conversion.
 *
 * @example
 * import nextdoor from './plugins/nextdoor/index.ts';
 * nextdoor.id; // 'nextdoor'
 */
export default definePlugin({
  id: 'nextdoor',
  name: 'Nextdoor Conversions API',
  category: 'advertising',
  description: 'Server-to-server conversions to Nextdoor Ads through the Conversions API: Segment\'s ecommerce and lifecycle events (and page views) as Nextdoor\'s standard events, any event as one of its ten custom conversions through the config; customer information normalised and SHA-256 hashed by the plugin (E.164 phones), the click id of the Nextdoor ad click (the landing URL\'s ndclid, kept 7 days in a first-party cookie), order value, order id and products, deduplication with the Nextdoor Pixel by event id, test events, restricted data usage.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateNextdoorConfig,
  variants: {
    default: { description: 'Page calls as page_view; Product Viewed as view_content, Products Searched as search, Product Added as add_to_cart, Product Added to Wishlist as add_to_wishlist, Checkout Started as initiate_checkout, Order Completed as purchase (order value, order id, products), Signed Up as sign_up, Lead Generated as lead, Subscription Started as subscribe; other track events only when config.event_names names them.', blueprint: 'nextdoor/default.yaml' },
  },
  vendorFields: {
    event_name: { required: true, description: 'A standard event (purchase, lead, sign_up, add_to_cart, initiate_checkout, page_view, search, view_content, add_to_wishlist, subscribe) or custom_conversion_1 … 10; config.event_names overrides it.' },
    event_id: { required: true, description: 'Deduplicates with the Nextdoor Pixel: the messageId unless mapped (send the same id from the Pixel).' },
    event_time: { required: true, description: 'The event time; sent as event_time_epoch (seconds).' },
    action_source: { required: true, description: 'website unless configured or mapped; website, app, email, phone_call, chat, physical_store, system_generated or other.' },
    action_source_url: { required: false, description: 'The page URL: required for website events.' },
    click_id: { required: false, description: 'The landing URL\'s ndclid, else the _dfndclid cookie Signal keeps, else Stape\'s _ndclid.' },
    customer: { required: true, description: 'Match keys: hashed by the plugin (email, phone_number, first_name, last_name, date_of_birth, gender, street_address, city, state, zip_code, country, external_id); client_ip_address and client_user_agent in clear.' },
    'customer.email': { required: false },
    'customer.phone_number': { required: false },
    'customer.client_ip_address': { required: false },
    'custom.value': { required: false, description: 'The order value, sent with its currency as order_value (USD123.45); required of purchases by Nextdoor.' },
    'custom.currency': { required: false },
    'custom.order_id': { required: false },
    'custom.delivery_category': { required: false, description: 'in_store, curbside or home_delivery.' },
    'custom.product_context': { required: false, description: 'The products: id, content_name, quantity, item_price.' },
    app: { required: false, description: 'App events: app_id, app_tracking_enabled, platform, app_version.' },
  },
  consent: ['advertising'],
  // Signal's own click-id cookie, and Stape's Nextdoor tag's (read, never written).
  cookies: [NDCLID_COOKIE, STAPE_NDCLID_COOKIE],
  // Signal keeps a landing URL's ndclid in _dfndclid for 7 days, Nextdoor's click attribution window.
  clickIds: [{ param: NDCLID_PARAM, cookie: NDCLID_COOKIE, days: NDCLID_DAYS }],
  // Nextdoor's Ads API (ads.nextdoor.com/v2/api, the Conversions API's host and path) allows 100
  // requests a minute per advertiser: 1.6 a second with a burst of 4 stays inside it, one
  // conversion a request; a 429 slows the integration further.
  rateLimit: { rps: 1.6, burst: 4 },
  // One conversion a request (Nextdoor documents no batch); 64 kB (Signal's choice) holds any
  // conversion with a long product list.
  batch: { maxEvents: 1, maxBytes: 64_000 },
  map: (payload, event, ctx) => toNextdoorConversion(payload, event, ctx),
  send: (batch, ctx) => requestsFor(batch, ctx),
  classify: (response) => classifyNextdoor(response),
});
