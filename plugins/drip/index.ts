import { definePlugin } from '../../core/sdk/index.ts';
import { classifyDrip } from './classify.ts';
import { CONFIG_SCHEMA, validateDripConfig } from './config.ts';
import { fitRecord, neverSentReason } from './fit-to-drip.ts';
import { forgetPerson } from './forget-person.ts';
import { BATCH_ENDPOINT, buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Drip (drip.com, email marketing for e-commerce): identify traits to subscribers created or
 * updated by email (user_id, standard fields, the custom fields and tags the config names; a
 * new person's status from their marketing consent, nobody ever unsubscribed), track calls to
 * Drip events (action, flat properties, occurred_at) — in batch requests of up to 1,000 when a
 * delivery holds at least 100 records of a kind, else one record a request — and person
 * deletions forwarded to DELETE /v2/<account>/subscribers/<email>. Page, screen, group and
 * alias calls are not sent.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/drip' }
 * // an install's config
 * { api_token: '7b2c9d0e4f5a6b7c8d9e0f1a2b3c4d5e', account_id: '9999999', custom_fields: { plan: 'plan_name' }, tags: ['Signal'] }
 */
export default definePlugin({
  id: 'drip',
  name: 'Drip',
  category: 'cdp',
  description: 'Server-side subscribers and events to Drip (drip.com), its REST API v2 with the API token as HTTP Basic username: identify traits to subscribers created or updated by email (POST /v2/<account>/subscribers: user_id, name, phone, address, time zone, the traits config.custom_fields names as custom fields, the config\'s tags and traits.tags, only ever added; a person new to Drip created active with marketing consent and unsubscribed without, an existing subscriber\'s status left alone unless config.resubscribe_with_consent; nobody ever unsubscribed), track calls to Drip events that trigger its workflows (POST /v2/<account>/events: action, flat properties without contact data, occurred_at). A delivery with 100 or more records of a kind sends them in batch requests of up to 1,000 (/subscribers/batches, /events/batches: 50 an hour), fewer go one a request (3,600 an hour). Person deletions forwarded to DELETE /v2/<account>/subscribers/<email> for each email Signal knew. Page, screen, group and alias calls are not sent.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateDripConfig,
  variants: {
    default: { description: 'Identify traits to subscribers (the traits config.custom_fields names as custom fields), track events to Drip events with their properties. Page, screen, group and alias calls are not sent.', blueprint: 'drip/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'subscriber (an identify: Create or update a subscriber) or event (a track call: Record an event), set by each handler.' },
    email: { required: false, description: 'The person\'s email (traits.email, else context.traits.email): Drip\'s key for a subscriber. A record needs it or the Drip id.' },
    id: { required: false, description: 'Drip\'s own subscriber id (traits.drip_id), used only when there is no email.' },
    userId: { required: false, description: 'The site\'s userId: the subscriber\'s user_id in Drip (a field: Drip finds no one by it).' },
    first_name: { required: false, description: 'A subscriber\'s first name.' },
    last_name: { required: false, description: 'A subscriber\'s last name.' },
    phone: { required: false, description: 'A subscriber\'s phone number (text; never Drip\'s sms_number, which needs SMS consent).' },
    address1: { required: false, description: 'A subscriber\'s street address.' },
    address2: { required: false, description: 'A subscriber\'s address, second line.' },
    city: { required: false, description: 'A subscriber\'s city.' },
    state: { required: false, description: 'A subscriber\'s region or state.' },
    zip: { required: false, description: 'A subscriber\'s postal code.' },
    country: { required: false, description: 'A subscriber\'s country.' },
    time_zone: { required: false, description: 'A subscriber\'s time zone, an IANA name (America/New_York); another value is left out.' },
    traits: { required: false, description: 'The identify\'s traits, from which the plugin takes those config.custom_fields names (as text).' },
    tags: { required: false, description: 'Tags to add to a subscriber (a list, or text with commas), besides the config\'s.' },
    action: { required: true, description: 'An event\'s action, exactly as the workflows it triggers name it.' },
    properties: { required: false, description: 'An event\'s properties (flat: text, numbers, booleans; nested objects flattened to snake_case names; contact data left out).' },
    occurred_at: { required: false, description: 'When the event happened (the call\'s timestamp), sent as ISO 8601 UTC.' },
  },
  // Drip sends these people marketing email (workflows, campaigns and broadcasts).
  consent: ['marketing'],
  // Drip: 3,600 requests an hour for the API, 50 an hour for the batch endpoints (Drip: "Rate
  // Limiting"). One request a second with a short burst stays under the first; the batch
  // endpoints get one every 72 s, two at most at once.
  rateLimit: { rps: 1, burst: 10, endpoints: { [BATCH_ENDPOINT]: { rps: 50 / 3600, burst: 2 } } },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  neverSends: (event) => neverSentReason(event),
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyDrip,
  // Drip's Create or update a subscriber: 200 with the subscriber as Drip now holds it.
  successAnswer: { status: 200, body: { links: { 'subscribers.account': 'https://api.getdrip.com/v2/accounts/{subscribers.account}' }, subscribers: [{ id: 'z1togz2hcjrkpp5treip', status: 'active', email: 'john@acme.com' }] } },
  forgetPerson,
});
