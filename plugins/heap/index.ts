/**
 * Heap (Contentsquare): server-side events and user properties through Heap's server-side
 * APIs, and person deletions through its User Deletion API.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/heap' }
 * // install config
 * { "app_id": "1234567890", "data_center": "us", "api_key": "…" }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { deletionToken } from './access-token.ts';
import { classifyHeap } from './classify.ts';
import { CONFIG_SCHEMA, optionsOf, validateHeapConfig } from './config.ts';
import { fitRecord } from './fit-to-heap.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, ENDPOINTS, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validateHeapConfig };

export default definePlugin({
  id: 'heap',
  name: 'Heap',
  category: 'analytics',
  description: 'Server-side events to Heap (Contentsquare) through its track API in bulk: page views, screens and track events under their names with flat properties and an idempotency key per event; identify traits as user properties (add_user_properties) on the userId as identity; visitors without a userId skipped unless config.anonymous_visitors opts in to an anonymous Heap user per visitor (a derived user_id), merged into the user by the identify API; US or EU data center; person deletions through the User Deletion API with the account\'s API key.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateHeapConfig,
  variants: {
    default: { description: 'Page views (Page Viewed with url, path, title, referrer), screens (Screen Viewed) and every track event with its properties; identify traits as user properties (email into Heap\'s built-in Email), merging the visitor\'s Heap user (its SDK\'s, or the derived one when opted in) into the identified one.', blueprint: 'heap/default.yaml' },
    retail: { description: 'Ecommerce: Segment\'s and GA4\'s ecommerce events as the ecommerce spec\'s names (Product Viewed, Product Added, Checkout Started, Order Completed with revenue, currency and the products\' ids, names and categories as lists); the rest as the default.', blueprint: 'heap/retail.yaml' },
  },
  vendorFields: {
    event: { required: true, description: 'Track: the event\'s name, up to 1024 characters (absent on identify, whose record sets user properties).' },
    // Who the event is about is decided by the plugin from these, never by a site's properties.
    identity: { required: false, description: 'The identified user (the userId), up to 255 characters; without one, the visitor\'s Heap user (user_id), or the event is not sent.' },
    user_id: { required: false, description: 'Heap\'s own user id of the visitor (a number below 2^53), when the site passes its Heap SDK\'s; else, with config.anonymous_visitors heap_user_id, one Signal derives from the anonymousId.' },
    timestamp: { required: false, description: 'When it happened, ISO 8601 (else the event\'s timestamp).' },
    idempotency_key: { required: false, description: 'Heap\'s deduplication key (else the messageId): a retried event is kept once.' },
    session_id: { required: false, description: 'An identifier of the user\'s session.' },
    properties: { required: false, description: 'The event\'s properties, or on identify the user\'s: numbers and text of fewer than 1024 characters, nested objects as dotted keys.' },
    'properties.url': { required: false },
    'properties.path': { required: false },
    'properties.title': { required: false },
    'properties.referrer': { required: false },
    'properties.utm_source': { required: false },
    'properties.utm_medium': { required: false },
    'properties.utm_campaign': { required: false },
    'properties.email': { required: false, description: 'Identify: the user\'s email, into Heap\'s built-in Email property (the key must be lower case).' },
    'properties.revenue': { required: false, description: 'The order\'s revenue (retail variant).' },
    'properties.currency': { required: false, description: 'ISO 4217 code of revenue (retail variant).' },
  },
  // Product analytics: the events describe how people use the site.
  consent: ['analytics'],
  // Heap: "15,000 events per minute per app_id" (bulk track), "30 requests per 30 seconds per
  // identity per app_id" (track, add_user_properties). Requests of 250 events at one a second
  // to the track endpoint are 15,000 a minute; user properties likewise; identify requests
  // (one user each) may go faster, Heap limiting them per identity only.
  rateLimit: {
    rps: 5, burst: 10,
    endpoints: { [ENDPOINTS.track]: { rps: 1, burst: 2 }, [ENDPOINTS.userProperties]: { rps: 1, burst: 2 }, [ENDPOINTS.identify]: { rps: 3, burst: 6 } },
  },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // Heap answers a taken request 200 with an empty JSON body.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: {} },
  map: (payload, event, ctx) => fitRecord(payload, event, optionsOf(ctx.config), ctx.warn),
  send: buildRequests,
  classify: classifyHeap,
  accessToken: deletionToken,
  forgetPerson,
});
