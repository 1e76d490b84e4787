import { definePlugin } from '../../core/sdk/index.ts';
import { classifyBrevo } from './classify.ts';
import { CONFIG_SCHEMA, validateBrevoConfig } from './config.ts';
import { fitRecord } from './fit-to-brevo.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Brevo (formerly Sendinblue): identify traits to contacts created or updated through API v3
 * (POST /v3/contacts with updateEnabled: email, the userId as ext_id, FIRSTNAME, LASTNAME, SMS
 * in E.164 and attributes mapped in the config; the config's lists only with marketing
 * consent, joined by a contact Brevo creates, never by one it has), track calls to Brevo events (POST /v3/events: ext_id and email_id identifiers,
 * properties without contact data), person deletions forwarded as contact deletions.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/brevo' }
 * // an install's config
 * { api_key: 'xkeysib-…', list_ids: [2], attributes: { company: 'COMPANY' }, default_country_code: '33' }
 */
export default definePlugin({
  id: 'brevo',
  name: 'Brevo',
  category: 'cdp',
  description: 'Server-side contacts and events to Brevo (formerly Sendinblue), API v3: identify traits to contacts created or updated (POST /v3/contacts with updateEnabled: email, the userId as ext_id, FIRSTNAME, LASTNAME, SMS in E.164 and attributes mapped in the config; the config\'s lists only with marketing consent, joined when Brevo creates the contact and never re-joined by one it has; blocklisting never changed), track calls to Brevo events (POST /v3/events: ext_id and email_id identifiers, properties without contact data); person deletions forwarded to the contact deletion (by ext_id, and by email for an email userId).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateBrevoConfig,
  variants: {
    default: { description: 'Identify traits to contacts, track events to Brevo events with their properties. Page and screen views are not sent.', blueprint: 'brevo/default.yaml' },
    retail: { description: 'As the default, with Segment\'s and GA4\'s ecommerce events as Brevo events named in snake case (product_viewed, cart_updated, order_completed, …) with typed order, cart and product data for Brevo\'s automations.', blueprint: 'brevo/retail.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'contact (an identify: POST /v3/contacts) or event (a track call: POST /v3/events), set by each handler.' },
    email: { required: false, description: 'The person\'s email (traits.email, else context.traits.email): the contact\'s email, an event\'s email_id. A contact needs it, an SMS number or the userId.' },
    ext_id: { required: false, description: 'The userId: the contact\'s ext_id, an event\'s ext_id identifier. An event needs it or an email.' },
    'attributes.FIRSTNAME': { required: false, description: 'First name.' },
    'attributes.LASTNAME': { required: false, description: 'Last name.' },
    'attributes.SMS': { required: false, description: 'Mobile number, sent in E.164 (the config\'s default country code reads numbers written without one).' },
    event_name: { required: true, description: 'An event\'s name: letters, digits, hyphens and underscores, up to 255 (fitted by the plugin).' },
    event_date: { required: false, description: 'When the event occurred (ISO 8601; else Brevo takes the time it receives it).' },
    event_properties: { required: false, description: 'An event\'s properties (50 KB at most; contact data left out).' },
  },
  // Brevo sends these people marketing email, SMS and WhatsApp messages.
  consent: ['marketing'],
  // Brevo: POST /v3/events and /v3/contacts/… take 10 requests a second each on the general
  // plans (20 on Professional and Enterprise): a bucket each, the integration's their sum (an
  // admin's rps of 40 doubles both, for those plans); a 429 slows that endpoint alone.
  rateLimit: { rps: 20, burst: 20, endpoints: { contacts: { rps: 10, burst: 10 }, events: { rps: 10, burst: 10 } } },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyBrevo,
  // Brevo's Create an event: 204 No Content (developers.brevo.com/reference/create-event); a contact's 201 { id } is in the unit tests.
  successAnswer: { status: 204, body: '' },
  forgetPerson,
});
