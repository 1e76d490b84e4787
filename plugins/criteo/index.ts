import { definePlugin } from '../../core/sdk/index.ts';
import { classifyCriteo } from './classify.ts';
import { CONFIG_SCHEMA, criteoConfigWarnings, validateCriteoConfig } from './config.ts';
import { MAPPED_USER_ID_COOKIE, OPTOUT_COOKIE, toCriteoBody } from './criteo-event.ts';
import { requestFor } from './requests.ts';

export { EVENTS_URL, API_VERSION } from './requests.ts';

/**
 * One event a request: the body's `events` is a list, but the visitor's fields beside it are one
 * visitor's on one page, and every integration of Criteo's Events API (Criteo's own server-side
 * tag among them) sends one event a request; each answer is then its event's own.
 */
const MAX_EVENTS = 1;
/** A request's body holds one event (at most 32 KB as collect stores it): 100 KB is room enough. */
const MAX_BYTES = 100_000;

export default definePlugin({
  id: 'criteo',
  name: 'Criteo (Events API)',
  category: 'advertising',
  description: 'Server-to-server OneTag events to Criteo\'s Events API (widget.criteo.com/m/event, version s2s_v0): page views as viewHome or viewPage, Segment\'s ecommerce events as viewList, viewItem, addToCart, viewBasket, beginCheckout, addPaymentInfo and trackTransaction (transaction id, products with price and quantity), Signed In as login; the visitor\'s Criteo mapped user id (crto_mapped_user_id cookie) with the caller id, the email as MD5, SHA-256 and SHA-256 of the MD5 (never in clear), the site type, IP, user agent and page; a visitor who opted out of Criteo sent without identifiers.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateCriteoConfig,
  configWarnings: (config) => criteoConfigWarnings(config),
  variants: {
    default: { description: 'Page calls as viewHome (the home page) or viewPage; Segment\'s ecommerce events as Criteo\'s standard events (viewList, viewItem, addToCart, viewBasket, beginCheckout, addPaymentInfo, trackTransaction) and Signed In as login. Other track events are not sent: Criteo\'s events are its OneTag\'s standard events.', blueprint: 'criteo/default.yaml' },
    retail: { description: 'The retargeting funnel only, as Criteo\'s OneTag tags it: viewHome, viewList, viewItem, viewBasket and trackTransaction; other pages and events are not sent.', blueprint: 'criteo/retail.yaml' },
  },
  vendorFields: {
    event: { required: true, description: 'events[0].event: viewHome, viewPage, viewList, viewItem, addToCart, viewBasket, beginCheckout, addPaymentInfo, trackTransaction or login, or another Criteo event name in letters and digits (viewPage on the home page, page_type home, is sent as viewHome).' },
    timestamp: { required: false, description: 'events[0].timestamp, ISO 8601 in UTC: the call\'s timestamp.' },
    items: { required: false, description: 'events[0].item: the products, { id, price, quantity }; required for viewList, viewItem, addToCart, viewBasket and trackTransaction.' },
    transaction_id: { required: false, description: 'events[0].id: the order id; required for trackTransaction.' },
    currency: { required: false, description: 'events[0].currency: ISO 4217 code of the prices.' },
    email: { required: false, description: 'id.email: the address is sent as its md5, sha256 and sha256_md5 hashes only (trimmed, lower-cased first).' },
    'ids.mapped_user_id': { required: false, description: 'id.mapped_user_id: the visitor\'s Criteo user id (GUM id), from the crto_mapped_user_id cookie Criteo\'s User Identification tag writes.' },
    'ids.retailer_visitor_id': { required: false, description: 'retailer_visitor_id: the site\'s own unauthenticated visitor id (the anonymous id; no placeholder, no email). Never the user id: Criteo takes a customer id hashed only.' },
    'ids.optout': { required: false, description: 'The crto_is_user_optout cookie: "true" sends the event without identifiers.' },
    ip: { required: false, description: 'The visitor\'s public IP address.' },
    useragent: { required: false, description: 'The visitor\'s user agent; also decides site_type when the config says Automatic.' },
    full_url: { required: false, description: 'The page\'s URL (http or https).' },
    previous_url: { required: false, description: 'The referring page\'s URL (http or https).' },
  },
  consent: ['advertising'],
  // Criteo's User Identification tag keeps the visitor's mapped user id and opt-out flag in
  // these first-party cookies (3 days); the OneTag's own cto_bundle is not what the Events API reads.
  cookies: [MAPPED_USER_ID_COOKIE, OPTOUT_COOKIE],
  // Criteo documents no rate limit for this endpoint (its OneTag's, built for browser traffic):
  // 50 requests a second (burst 100) of one event each, and a 429 slows the integration down.
  rateLimit: { rps: 50 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toCriteoBody(payload, event, ctx),
  send: (batch, ctx) => batch.map((mapped) => requestFor(mapped, ctx)),
  classify: (response, request) => classifyCriteo(response, request),
});
