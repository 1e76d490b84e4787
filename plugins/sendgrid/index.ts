import { definePlugin } from '../../core/sdk/index.ts';
import { classifySendGrid } from './classify.ts';
import { CONFIG_SCHEMA, validateSendGridConfig } from './config.ts';
import { fitContact } from './contact.ts';
import { forgetPerson } from './forget-person.ts';
import { importReport } from './processing-report.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_CONTACTS } from './requests.ts';

/**
 * Twilio SendGrid Marketing Campaigns: identify traits to contacts upserted through the v3
 * Contacts API (PUT /v3/marketing/contacts: email, the userId as external_id, names, address and
 * custom fields by id; the config's lists only with marketing consent), many contacts a request;
 * the import job's report followed (GET /v3/marketing/contacts/imports/{job_id}); person
 * deletions forwarded as a lookup by identifier and a contact deletion. Track, page and screen
 * calls are not sent: Marketing Campaigns has no API for custom events.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/sendgrid' }
 * // an install's config
 * { api_key: 'SG.…', list_ids: ['ca7a3796-e8a8-4029-9ccb-df8937940562'], custom_fields: { plan: 'e1_T' } }
 */
export default definePlugin({
  id: 'sendgrid',
  name: 'Twilio SendGrid Marketing Campaigns',
  category: 'cdp',
  description: 'Server-side contacts to Twilio SendGrid Marketing Campaigns, v3 Contacts API: identify traits to contacts upserted (PUT /v3/marketing/contacts: email, the userId as external_id, names, address, custom fields by id from the config; the config\'s lists only with marketing consent), many a request, the import job\'s report followed (GET /v3/marketing/contacts/imports/{job_id}); track, page and screen calls are not sent (Marketing Campaigns has no custom events API); person deletions forwarded (contacts looked up by external_id and email, then deleted).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSendGridConfig,
  variants: {
    default: { description: 'Identify traits to Marketing Campaigns contacts (names, address, custom fields from the config). Track, page and screen calls are not sent: SendGrid Marketing Campaigns has no custom events API.', blueprint: 'sendgrid/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'contact for an identify (the only call sent); any other call is not sent.' },
    email: { required: false, description: 'The person\'s email (traits.email, else context.traits.email): the contact\'s primary email, an identifier. A contact needs it, the userId or a phone identifier.' },
    external_id: { required: false, description: 'The userId: the contact\'s external_id, an identifier (254 characters at most).' },
    phone: { required: false, description: 'The phone (traits.phone), sent as phone_number_id in E.164 when config.phone_number_id is on.' },
    first_name: { required: false, description: 'First name (50 characters at most).' },
    last_name: { required: false, description: 'Last name (50 characters at most).' },
    address_line_1: { required: false, description: 'Address, first line (100 characters at most).' },
    address_line_2: { required: false, description: 'Address, second line (100 characters at most).' },
    city: { required: false, description: 'City (60 characters at most).' },
    state_province_region: { required: false, description: 'State, province or region (50 characters at most).' },
    postal_code: { required: false, description: 'Postal code.' },
    country: { required: false, description: 'Country, a full name or an abbreviation (50 characters at most).' },
  },
  // SendGrid sends these people marketing email.
  consent: ['marketing'],
  // SendGrid publishes no number for the Contacts API: each endpoint has "a specific number of
  // allowed requests per refresh period", told in X-RateLimit-* headers. One request carries up
  // to 30,000 contacts, so a few requests a second is plenty; a 429 waits for X-RateLimit-Reset.
  rateLimit: { rps: 2, burst: 4 },
  batch: { maxEvents: MAX_CONTACTS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitContact(payload, event, ctx),
  send: buildRequests,
  classify: classifySendGrid,
  // "Add or Update a Contact": 202 { job_id }.
  successAnswer: { status: 202, body: { job_id: '2387e363-4104-4225-8960-4a5758492351' } },
  processingReport: importReport,
  forgetPerson,
});
