/**
 * Fullstory: server-side events and user properties through Fullstory's server API v2, and
 * person deletions through its Delete User API.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/fullstory' }
 * // install config
 * { "api_key": "na1.…", "data_center": "na1" }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyFullstory } from './classify.ts';
import { CONFIG_SCHEMA, validateFullstoryConfig } from './config.ts';
import { fitRecord } from './fit-to-fullstory.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, ENDPOINTS, MAX_BYTES, MAX_EVENTS } from './requests.ts';

export { validateFullstoryConfig };

export default definePlugin({
  id: 'fullstory',
  name: 'Fullstory',
  category: 'analytics',
  description: 'Server-side events to Fullstory through its server API v2: track events, page views (Page Viewed) and screens (Screen Viewed) as Create Event per event on the userId as uid, attached to the user\'s session of the last 30 minutes, with the page\'s URL, user agent and referrer as browser context; identify traits as Create User (an upsert by uid: display name, email, properties); events without a userId skipped; properties renamed to Fullstory\'s rules; NA1 or EU1 data center; person deletions through Delete User with an Architect or Admin API key.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateFullstoryConfig,
  variants: {
    default: { description: 'Page views (Page Viewed with url, path, title, referrer), screens (Screen Viewed) and every track event with its properties, on the userId as uid; identify traits as the user\'s display name, email and properties.', blueprint: 'fullstory/default.yaml' },
    retail: { description: 'Ecommerce: Segment\'s and GA4\'s ecommerce events as the ecommerce spec\'s names (Product Viewed, Product Added, Checkout Started, Order Completed with revenue and currency, …) with the products\' ids, names and prices; the rest as the default.', blueprint: 'fullstory/retail.yaml' },
  },
  vendorFields: {
    name: { required: true, description: 'Events: the event\'s name, up to 250 characters (absent on identify, whose record is a user).' },
    'user.uid': { required: false, description: 'Events: the user\'s uid (the userId), up to 256 characters; without one the event is not sent.' },
    timestamp: { required: false, description: 'Events: when it happened, ISO 8601 (else the event\'s timestamp).' },
    properties: { required: false, description: 'The event\'s or user\'s properties: names of letters, digits and _ starting with a letter (others renamed), values up to 8192 bytes, at most 500; types inferred.' },
    'context.browser.url': { required: false, description: 'Events: the page\'s URL.' },
    'context.browser.user_agent': { required: false, description: 'Events: the browser\'s user agent.' },
    'context.browser.initial_referrer': { required: false, description: 'Events: the referrer.' },
    uid: { required: false, description: 'Identify: the user\'s uid (the userId), up to 256 characters.' },
    display_name: { required: false, description: 'Identify: the user\'s name as Fullstory shows it, up to 256 characters.' },
    email: { required: false, description: 'Identify: the user\'s email, up to 128 characters.' },
    'properties.revenue': { required: false, description: 'The order\'s revenue (retail variant).' },
    'properties.currency': { required: false, description: 'ISO 4217 code of revenue (retail variant).' },
  },
  // Product analytics and session insight: the events describe how people use the site.
  consent: ['analytics'],
  // Fullstory documents per-second and burst limiters without numbers ("for most APIs this
  // limit is set such that it should not be hit under realistic load"), answering 429 with
  // Retry-After. One event a request: 20 a second, bursts of 40; raise it per integration.
  rateLimit: { rps: 20, burst: 40, endpoints: { [ENDPOINTS.events]: { rps: 20, burst: 40 }, [ENDPOINTS.users]: { rps: 10, burst: 20 } } },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // Create Event answers a created event 200; Create User answers { id }.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: {} },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx.warn),
  send: buildRequests,
  classify: (response, request) => classifyFullstory(response, request),
  forgetPerson,
});
