import { definePlugin } from '../../core/sdk/index.ts';
import { classifyDotdigital } from './classify.ts';
import { CONFIG_SCHEMA, validateDotdigitalConfig } from './config.ts';
import { fitRecord } from './fit-to-dotdigital.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Dotdigital (customer engagement, email marketing): identify traits to contacts by email
 * through the Contacts API v3 — created (POST /contacts/v3, email channel subscribed, the
 * config's lists) only from an identify carrying marketing consent and its own email, else only
 * a contact Dotdigital has updated (looked up, then PATCH by contactId, data fields only) — track calls to the Events API v3
 * (POST /events/v3/import, batched), person deletions to DELETE /contacts/v3/email/{email}.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/dotdigital' }
 * // an install's config
 * { username: 'apiuser-0a1b2c3d4e5f@apiconnector.com', password: '…', region: 'r1', list_ids: [345579], data_fields: { company: 'COMPANY' } }
 */
export default definePlugin({
  id: 'dotdigital',
  name: 'Dotdigital',
  category: 'cdp',
  description: 'Server-side contacts and events to Dotdigital (customer engagement and email marketing), v3 APIs at the account\'s regional host (r1/r2/r3-api.dotdigital.com, HTTP Basic with an API user): identify traits to contacts by email — created (POST /contacts/v3: email channel subscribed and the config\'s lists) only from an identify carrying marketing consent and an email of its own, a contact Dotdigital has (looked up by email: GET /contacts/v3/email/{email}) updated with data fields only by its contactId (PATCH /contacts/v3/contactId/{id}, which cannot create a contact: never its subscription status or lists, never a deleted contact restored), and without consent only a contact Dotdigital has (looked up first); track calls to Dotdigital events (POST /events/v3/import, batched; CXDP accounts) on the contact of the person\'s email; person deletions forwarded to the contact deletion by email.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateDotdigitalConfig,
  variants: {
    default: { description: 'Identify traits to contacts (FIRSTNAME, LASTNAME, FULLNAME and the config\'s data fields), track events to Dotdigital events with their properties. Page and screen views are not sent.', blueprint: 'dotdigital/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'contact (an identify) or event (a track call), set by each handler.' },
    email: { required: true, description: 'The person\'s email (traits.email, else context.traits.email): the contact\'s identifier, an event\'s contactIdentity. Without one nothing is sent.' },
    'dataFields.FIRSTNAME': { required: false, description: 'First name.' },
    'dataFields.LASTNAME': { required: false, description: 'Last name.' },
    'dataFields.FULLNAME': { required: false, description: 'Full name.' },
    event_type: { required: true, description: 'An event\'s type (its name, 1 to 80 characters): Dotdigital\'s contact-scoped Insight data collection of that name.' },
    event_id: { required: false, description: 'The event\'s unique id (the messageId).' },
    event_timestamp: { required: false, description: 'When the event occurred (ISO 8601 UTC; else Dotdigital takes the time it processes it).' },
    event_data: { required: false, description: 'An event\'s properties (contact data left out).' },
  },
  // Dotdigital sends these people marketing email and SMS.
  consent: ['marketing'],
  // Dotdigital's tiered limits are calls a minute per account and tier, by package (Low: 35 a
  // minute on Basic); contact calls count against a higher tier than imports. Conservative
  // buckets; an admin's rps scales both, and a 429 slows the integration down.
  rateLimit: { rps: 2, burst: 10, endpoints: { contacts: { rps: 2, burst: 10 }, events: { rps: 0.5, burst: 2 } } },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyDotdigital,
  // Dotdigital's Import a collection of events: 202 "Import processing".
  successAnswer: { status: 202, body: '' },
  forgetPerson,
});
