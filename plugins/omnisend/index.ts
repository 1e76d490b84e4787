import { definePlugin } from '../../core/sdk/index.ts';
import { classifyOmnisend } from './classify.ts';
import { CONFIG_SCHEMA, validateOmnisendConfig } from './config.ts';
import { fitRecord, neverSentReason } from './fit-to-omnisend.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Omnisend (e-commerce email and SMS marketing): identify traits to contacts created or updated
 * through POST /contacts (email and phone identifiers, names, birthdate, gender, address, tags,
 * the other traits as custom properties; email and sms channels subscribed only with marketing
 * consent, when the config allows it, and never for an identifier Omnisend has unsubscribed:
 * looked up first), track calls to Omnisend customer events through POST /events (Segment's
 * e-commerce events as Omnisend's recommended placed order, order canceled, started checkout,
 * added product to cart and viewed product; any other as a custom event with its properties),
 * on Omnisend's API version 2026-03-15. Page, screen, group and alias calls are not sent.
 * Omnisend's API has no contact deletion, so person deletions are not forwarded (README).
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/omnisend' }
 * // an install's config
 * { api_key: '6571a3c1f5a3d4c2b1e0a9f8-Xy8d0bQ4fA2mL9rT3vZ7wK1pE5sH6nC0', subscribe_email_with_consent: true, tags: ['source: signal'] }
 */
export default definePlugin({
  id: 'omnisend',
  name: 'Omnisend',
  category: 'cdp',
  description: 'Server-side contacts and customer events to Omnisend (e-commerce email and SMS marketing), its REST API version 2026-03-15 (Authorization: Omnisend-API-Key, Omnisend-Version header), one record a request: identify traits to contacts created or updated (POST /contacts: email and phone identifiers, names, birthdate, gender, address, tags, the other traits as custom properties; the email and sms channels subscribed only with marketing consent when the config allows it, from the call\'s own address, and never for one Omnisend has unsubscribed — looked up first with GET /contacts; nobody ever unsubscribed), track calls to customer events (POST /events: eventName, a UUID eventID from the messageId, eventTime, origin api, the contact\'s email and phone; Segment\'s Order Completed, Order Cancelled, Checkout Started, Product Added and Product Viewed as Omnisend\'s recommended placed order, order canceled, started checkout, added product to cart and viewed product with their documented properties and versions; any other event custom, with its properties without contact data). Page, screen, group and alias calls are not sent; Omnisend has no deletion API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateOmnisendConfig,
  variants: {
    default: { description: 'Identify traits to contacts (the other traits as custom properties), track events to Omnisend customer events (e-commerce events as its recommended ones). Page, screen, group and alias calls are not sent.', blueprint: 'omnisend/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'contact (an identify: POST /contacts) or event (a track call: POST /events), set by each handler.' },
    email: { required: false, description: 'The person\'s email (traits.email, else context.traits.email). A record needs it or a phone.' },
    phone: { required: false, description: 'The person\'s phone, sent in E.164 (config.default_country_code for numbers without a country code). A record needs it or an email.' },
    firstName: { required: false, description: 'A contact\'s first name (at most 50 characters).' },
    lastName: { required: false, description: 'A contact\'s last name (at most 50 characters).' },
    birthdate: { required: false, description: 'A contact\'s date of birth, sent as YYYY-MM-DD.' },
    gender: { required: false, description: 'A contact\'s gender: m or f (male and female read as them).' },
    address: { required: false, description: 'A contact\'s street, house number and apartment.' },
    city: { required: false, description: 'A contact\'s city.' },
    state: { required: false, description: 'A contact\'s state or region.' },
    postalCode: { required: false, description: 'A contact\'s postal code.' },
    country: { required: false, description: 'A contact\'s country name.' },
    countryCode: { required: false, description: 'A contact\'s country as an ISO 3166-1 code (or a country name), sent as the alpha-2 code.' },
    tags: { required: false, description: 'A contact\'s tags (text or a list), added to config.tags.' },
    customProperties: { required: false, description: 'A contact\'s custom properties: names of letters, digits and _, values text, numbers, booleans or lists of them.' },
    eventName: { required: true, description: 'An event\'s name: a Segment e-commerce name becomes Omnisend\'s recommended event, any other is a custom event of that name.' },
    properties: { required: false, description: 'An event\'s properties (a Segment e-commerce event\'s are rebuilt as the recommended event\'s), contact data left out.' },
  },
  // Omnisend sends these people marketing email and texts.
  consent: ['marketing'],
  // Omnisend: 400 requests a minute on events and on contacts; 6 a second stays under either.
  rateLimit: { rps: 6, burst: 6 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  neverSends: (event) => neverSentReason(event),
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyOmnisend,
  // Omnisend's Send Customer event: 202 Accepted, no body documented.
  successAnswer: { status: 202, body: {} },
});
