import { definePlugin } from '../../core/sdk/index.ts';
import { classifyAttentive } from './classify.ts';
import { CONFIG_SCHEMA, validateAttentiveConfig } from './config.ts';
import { fitRecord } from './fit-to-attentive.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Attentive (SMS and email marketing), REST API v1 with a custom app's API key as the Bearer
 * token: identify traits to custom attributes (POST /v1/attributes/custom), track calls to custom
 * events (POST /v1/events/custom, the messageId as externalEventId), Segment's and GA4's product
 * views, cart additions and orders to Attentive's eCommerce events (product-view, add-to-cart,
 * purchase); the person as phone (E.164), email and the userId as clientUserId; person deletions
 * forwarded to the Privacy Request API. Nobody is subscribed: see the README.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/attentive' }
 * // an install's config
 * { api_key: '…', default_country_code: '1' }
 */
export default definePlugin({
  id: 'attentive',
  name: 'Attentive',
  category: 'cdp',
  description: 'Server-side events and attributes to Attentive (SMS and email marketing), REST API v1 with a custom app\'s API key: identify traits to custom attributes (POST /v1/attributes/custom), track calls to custom events (POST /v1/events/custom, the messageId as externalEventId), Segment\'s and GA4\'s product views, cart additions and orders to Attentive\'s eCommerce events (product-view, add-to-cart, purchase) for its browse, cart and post-purchase journeys; the person as phone in E.164, email and the userId as clientUserId, anonymous visitors not sent; nobody subscribed; person deletions forwarded to the Privacy Request API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAttentiveConfig,
  variants: {
    default: { description: 'Identify traits to custom attributes, track calls to custom events, Segment\'s and GA4\'s product views, cart additions and orders to Attentive\'s eCommerce events. Page and screen views are not sent.', blueprint: 'attentive/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'custom_attributes (an identify), custom_event (a track call), product_view, add_to_cart or purchase (eCommerce events), set by each handler.' },
    email: { required: false, description: 'The person\'s email (traits.email, else what Signal remembers of their identify): user.email. A user needs it, a phone or the userId.' },
    phone: { required: false, description: 'The person\'s phone, sent in E.164 as user.phone (the config\'s default country code reads numbers written without one).' },
    client_user_id: { required: false, description: 'The userId: user.externalIdentifiers.clientUserId.' },
    type: { required: true, description: 'A custom event\'s type: its name without " \' ( ) { } [ ] \\ | or commas (fitted by the plugin).' },
    properties: { required: false, description: 'A custom event\'s properties (contact information left out, keys fitted, 64 KB at most).' },
    external_event_id: { required: false, description: 'The messageId: a custom event\'s externalEventId, for Attentive\'s deduplication.' },
    occurred_at: { required: false, description: 'When the event occurred (RFC 3339 in UTC; else Attentive takes the time it receives it). Over 12 hours old, it triggers no journey.' },
    attributes: { required: false, description: 'An identify\'s custom attributes: text, numbers and booleans (no lists or objects; contact information left out).' },
    first_name: { required: false, description: 'The person\'s first name, as the custom attribute firstName.' },
    last_name: { required: false, description: 'The person\'s last name, as the custom attribute lastName.' },
    items: { required: true, description: 'An eCommerce event\'s products: product_id and price required, variant_id (else the product id), name, currency, quantity, image_url, url.' },
    currency: { required: false, description: 'An eCommerce event\'s ISO 4217 currency, for items without their own (Attentive takes USD when none is given).' },
    order_id: { required: false, description: 'A purchase\'s orderId.' },
  },
  // Attentive uses these people's data to send them marketing texts and email.
  consent: ['marketing'],
  // Attentive: "up to 150 requests per second for most endpoints", each endpoint counted apart:
  // a bucket each, so a 429 to one slows that endpoint alone. The integration's own limit is
  // their sum for the three an ordinary shop uses most (events, attributes, product views).
  rateLimit: {
    rps: 450,
    burst: 450,
    endpoints: {
      custom_event: { rps: 150, burst: 150 },
      custom_attributes: { rps: 150, burst: 150 },
      product_view: { rps: 150, burst: 150 },
      add_to_cart: { rps: 150, burst: 150 },
      purchase: { rps: 150, burst: 150 },
    },
  },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyAttentive,
  // Attentive documents a bare 200 "Ok" for an accepted event: no body.
  successAnswer: { status: 200, body: '' },
  forgetPerson,
});
