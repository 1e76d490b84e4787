import { definePlugin, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';
import { classifyMatomo } from './classify.ts';
import { CONFIG_SCHEMA, tokenOf, validateMatomoConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { bulkRequests, MAX_BYTES, MAX_REQUESTS } from './requests.ts';
import { matomoParams } from './tracking-params.ts';

export { validateMatomoConfig };

/**
 * Advice about a valid config: without a token_auth, the visitor's IP is not sent and events
 * more than 23 hours old are not sent (Matomo would refuse them).
 *
 * @example
 * matomoConfigWarnings({ url: 'https://acme.matomo.cloud', site_id: 1 });
 * // [{ field: 'token_auth', message: 'is not set: Matomo sees Signal\'s address instead of the visitor\'s IP …' }]
 */
export function matomoConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  if (tokenOf(config) !== undefined) return [];
  return [{ field: 'token_auth', message: 'is not set: Matomo sees Signal\'s address instead of the visitor\'s IP (cip needs a token), locates visitors by their language only, and events more than 23 hours old (replays, long retries) are not sent, as Matomo refuses them without a token' }];
}

export default definePlugin({
  id: 'matomo',
  name: 'Matomo',
  category: 'analytics',
  description: 'Server-side events to Matomo (self-hosted or Matomo Cloud) through the Tracking HTTP API\'s bulk tracking: page and screen calls as page views, track events as Matomo events (category, action, name, value), Segment\'s ecommerce events as orders, cart updates and product views, Products Searched as site searches; the anonymousId as the 16-hex-digit visitor id, the userId as the User ID, the event\'s time as cdt, the visitor\'s IP as cip with a token_auth, custom dimensions from event paths; per-request outcomes with a Super User\'s token; opt-in person deletions through the GDPR tools API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateMatomoConfig,
  configWarnings: (config) => matomoConfigWarnings(config),
  variants: {
    default: {
      description: 'Page and screen calls as page views (url, action_name from the title, urlref); track events as events (e_c from properties.category, else All; e_a the event\'s name; e_n from properties.label; e_v from properties.value — paths configurable); Order Completed as an ecommerce order, Cart Viewed and Checkout Started as cart updates, Product Viewed as a product page view, Products Searched as a site search; identify calls as events only when config.identify_as_event is on.',
      map: (event, ctx) => matomoParams(event, ctx),
    },
  },
  vendorFields: {
    idsite: { required: true, description: 'The website (config.site_id).' },
    rec: { required: true, description: 'Always 1.' },
    _id: { required: false, description: 'The visitor id, 16 hex digits: the first 16 of the anonymousId\'s SHA-1 (the anonymousId itself when it is 16 hex digits).' },
    uid: { required: false, description: 'The User ID: the userId.' },
    cdt: { required: false, description: 'The event\'s time, UNIX seconds (UTC).' },
    url: { required: false, description: 'The page\'s URL.' },
    action_name: { required: false, description: 'The page\'s title (page views).' },
    urlref: { required: false, description: 'The page\'s referrer.' },
    ua: { required: false, description: 'The visitor\'s user agent.' },
    lang: { required: false, description: 'The visitor\'s language (context.locale).' },
    cip: { required: false, description: 'The visitor\'s IP (with a token_auth).' },
    e_c: { required: false, description: 'Event category.' },
    e_a: { required: false, description: 'Event action: the track event\'s name.' },
    e_n: { required: false, description: 'Event name.' },
    e_v: { required: false, description: 'Event value (a number).' },
    idgoal: { required: false, description: '0 for an ecommerce order or cart update.' },
    ec_id: { required: false, description: 'The order id.' },
    revenue: { required: false, description: 'The order\'s grand total, or the cart\'s value.' },
    ec_items: { required: false, description: 'The products: [sku, name, category, price, quantity] each.' },
    search: { required: false, description: 'A site search\'s keyword.' },
  },
  // Web analytics: Matomo's own consent guidance treats its tracking as analytics.
  consent: ['analytics'],
  // Matomo documents no rate limit (a self-hosted instance is limited by its own servers): five
  // bulks a second of up to 100 requests; raise it per integration for a larger Matomo.
  rateLimit: { rps: 5, burst: 10 },
  batch: { maxEvents: MAX_REQUESTS, maxBytes: MAX_BYTES },
  send: bulkRequests,
  classify: (response, request) => classifyMatomo(response, request),
  // BulkTracking's answer to a bulk it processed (plugins/BulkTracking/Tracker/Response.php).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'success', tracked: 1, invalid: 0 } },
  forgetPerson,
});
