import { definePlugin } from '../../core/sdk/index.ts';
import { classifyPiwikPro } from './classify.ts';
import { CONFIG_SCHEMA, validatePiwikProConfig } from './config.ts';
import { bulkRequests, MAX_BYTES, MAX_REQUESTS } from './requests.ts';
import { piwikProParams } from './tracking-params.ts';

export { validatePiwikProConfig };

/**
 * Piwik PRO Analytics: server-side events through the Tracking HTTP API's bulk requests
 * (`POST https://<account>.piwik.pro/ppms.php`).
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/piwik_pro' }
 */
export default definePlugin({
  id: 'piwik_pro',
  name: 'Piwik PRO',
  category: 'analytics',
  description: 'Server-side events to Piwik PRO Analytics (Core, Enterprise or On-Premises) through the Tracking HTTP API\'s bulk requests: page and screen calls as page views, track events as custom events (category, action, name, value from configurable paths), Segment\'s ecommerce events as orders, cart updates, product detail views, add-to-cart and remove-from-cart, Products Searched as site searches; the anonymousId as the 16-hex-digit visitor ID, the userId as the User ID, the event\'s time as cdt, the visitor\'s IP as cip, custom dimensions from event paths, optional anonymous tracking (uia=1). No person deletions: Piwik PRO documents no API for them.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validatePiwikProConfig,
  variants: {
    default: {
      description: 'Page and screen calls as page views (url, action_name from the title, urlref); track events as custom events (e_c from properties.category, else All; e_a the event\'s name; e_n from properties.label; e_v from properties.value — paths in config.event_fields); Order Completed as an order (e_t=order), Cart Viewed and Checkout Started as cart updates, Product Viewed, Product Added and Product Removed as product detail view, add-to-cart and remove-from-cart, Products Searched as a site search; identify calls not sent (the User ID goes with later events).',
      map: (event, ctx) => piwikProParams(event, ctx),
    },
  },
  vendorFields: {
    idsite: { required: true, description: 'The site or app ID (config.app_id), a UUID.' },
    rec: { required: true, description: 'Always 1.' },
    _id: { required: false, description: 'The visitor ID, 16 hex digits: the first 16 of the anonymousId\'s SHA-256 (the anonymousId itself when it is 16 hex digits); not with anonymous tracking.' },
    uid: { required: false, description: 'The User ID: the userId (not with anonymous tracking).' },
    cdt: { required: false, description: 'The event\'s time, UNIX seconds (UTC).' },
    url: { required: false, description: 'The page\'s URL: an absolute URL with a host, or mailto: (others left out, warned).' },
    action_name: { required: false, description: 'The page\'s title (page views).' },
    urlref: { required: false, description: 'The page\'s referrer.' },
    ua: { required: false, description: 'The visitor\'s user agent.' },
    lang: { required: false, description: 'The visitor\'s language (context.locale).' },
    cip: { required: false, description: 'The visitor\'s IP ("Override IP"; with anonymous tracking Piwik PRO masks it).' },
    uia: { required: false, description: '1 with config.anonymous_tracking.' },
    e_c: { required: false, description: 'Custom event category (up to 16,384 characters).' },
    e_a: { required: false, description: 'Custom event action: the track event\'s name by default (up to 16,384 characters).' },
    e_n: { required: false, description: 'Custom event name (up to 16,384 characters).' },
    e_v: { required: false, description: 'Custom event value (a number from 0 to 100,000,000,000).' },
    e_t: { required: false, description: 'The ecommerce interaction: order, cart-update, product-detail-view, add-to-cart or remove-from-cart.' },
    ec_id: { required: false, description: 'The order ID.' },
    revenue: { required: false, description: 'The order\'s grand total, or the cart\'s value.' },
    ec_products: { required: false, description: 'The products: [sku, name, category, price, quantity, brand, variant] each.' },
    search: { required: false, description: 'A site search\'s keyword.' },
  },
  // Web analytics: the events of a visitor who consented to analytics.
  consent: ['analytics'],
  // Piwik PRO publishes no rate limit for the Tracking API: five bulks a second of up to 100
  // requests; raise it per integration for a larger account.
  rateLimit: { rps: 5, burst: 10 },
  batch: { maxEvents: MAX_REQUESTS, maxBytes: MAX_BYTES },
  send: bulkRequests,
  classify: (response, request) => classifyPiwikPro(response, request),
  // The Tracking API's answer: "202 Request accepted and waiting for processing".
  successAnswer: { status: 202, body: '' },
});
