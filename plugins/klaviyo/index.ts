import { definePlugin } from '../../core/sdk/index.ts';
import { classifyKlaviyo } from './classify.ts';
import { CONFIG_SCHEMA, validateKlaviyoConfig } from './config.ts';
import { fitRecord, MAX_EVENTS_PER_REQUEST } from './fit-to-klaviyo.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BYTES } from './requests.ts';

export { validateKlaviyoConfig };

export default definePlugin({
  id: 'klaviyo',
  name: 'Klaviyo',
  category: 'cdp',
  description: 'Server-side events and profiles to Klaviyo through its REST API: track events to Bulk Create Events jobs (up to 1,000 events a request, unique_id for deduplication), Segment\'s ecommerce events as Klaviyo\'s recommended metrics (Viewed Product, Added to Cart, Started Checkout, Placed Order with an Ordered Product per product), identify traits to Create or Update Profile; per-event outcomes from Klaviyo\'s JSON:API errors; person deletions through the Data Privacy API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateKlaviyoConfig,
  variants: {
    default: { description: 'Identify traits to profiles (email, phone in E.164, names, location, custom properties); track events to metrics of their name; Segment\'s and GA4\'s ecommerce events to Klaviyo\'s recommended metrics, Order Completed as Placed Order (value, $value, Items) with an Ordered Product per product. Page views are not sent.', blueprint: 'klaviyo/default.yaml' },
    retail: { description: 'As the default, and Products Searched (SearchTerm) and Product List Viewed (ListID, Category, ItemNames, Items) as metrics with typed fields.', blueprint: 'klaviyo/retail.yaml' },
  },
  vendorFields: {
    metric: { required: true, description: 'The metric (event) name; absent for a profile update (identify).' },
    properties: { required: false, description: 'The event\'s properties (at most 400; contact information left out).' },
    time: { required: false, description: 'When it happened, ISO 8601 (else the event\'s timestamp).' },
    unique_id: { required: false, description: 'Klaviyo\'s deduplication key per profile and metric (else, or when a placeholder such as "undefined", the messageId).' },
    value: { required: false, description: 'The monetary value (revenue of a Placed Order).' },
    value_currency: { required: false, description: 'The ISO 4217 currency of value.' },
    'profile.external_id': { required: false, description: 'The known user\'s id (else the userId).' },
    'profile.anonymous_id': { required: false, description: 'The visitor\'s id, on events only (else the anonymousId).' },
    'profile.email': { required: false },
    'profile.phone_number': { required: false, description: 'E.164; normalised by the plugin.' },
    'profile.first_name': { required: false },
    'profile.last_name': { required: false },
    'profile.organization': { required: false },
    'profile.title': { required: false },
    'profile.image': { required: false },
    'profile.locale': { required: false },
    'profile.location': { required: false, description: 'address1, address2, city, region, zip, country, timezone, ip, latitude, longitude.' },
    'profile.properties': { required: false, description: 'Custom profile properties (keys starting with $, Klaviyo\'s own, left out).' },
  },
  // Klaviyo is a marketing platform: the profile and events feed its email and SMS messaging.
  consent: ['marketing'],
  // Klaviyo's limits are per account and endpoint, shared with every private-key integration:
  // Bulk Create Events 10/s burst, 150/m steady; Create or Update Profile 75/s, 700/m
  // (750/m in revision 2026-07-15's spec). The integration's limit covers both: 2 requests a
  // second and a burst of 10 keep the bulk endpoint under 150 a minute.
  rateLimit: { rps: 2, burst: 10 },
  batch: { maxEvents: MAX_EVENTS_PER_REQUEST, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyKlaviyo,
  // Klaviyo's Bulk Create Events: 202 Accepted, no body (developers.klaviyo.com/en/reference/bulk_create_events); Create or Update Profile's 200/201 JSON:API answer is in the unit tests.
  successAnswer: { status: 202, body: '' },
  forgetPerson,
});
