import { definePlugin } from '../../core/sdk/index.ts';
import { classifyActiveCampaign } from './classify.ts';
import { activeCampaignConfigWarnings, CONFIG_SCHEMA, validateActiveCampaignConfig } from './config.ts';
import { fitRecord } from './fit-to-activecampaign.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

export { TRACK_EVENT_URL, TRACKCMP_ORIGIN } from './requests.ts';

/**
 * ActiveCampaign: identify traits to contacts synced through API v3 (POST /api/3/contact/sync on
 * the account's API URL, the Api-Token header: email, first and last name, phone in E.164,
 * custom field values by the config's trait → field id map), optionally a list status through
 * POST /api/3/contactLists as delivery follow-ups; track calls to Event Tracking (POST
 * https://trackcmp.net/event, form-encoded, by the person's email); person deletions by a
 * lookup by email, then DELETE /api/3/contacts/{id}.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/activecampaign' }
 * // an install's config
 * { api_url: 'https://acme.api-us1.com', api_key: '…', actid: '1111111', event_key: '…', custom_fields: { plan: '3' }, list_id: 2 }
 */
export default definePlugin({
  id: 'activecampaign',
  name: 'ActiveCampaign',
  category: 'cdp',
  description: 'Server-side contacts and events to ActiveCampaign: identify traits to contacts synced by email through API v3 (POST /api/3/contact/sync: email, first and last name, phone in E.164, custom field values the config maps from traits), optionally a list status (subscribed only with marketing consent and never over an existing membership, or unsubscribed) through POST /api/3/contactLists as delivery follow-ups; track calls (and page calls the config names) to Event Tracking (POST https://trackcmp.net/event with the account\'s actid and Event Key, the contact by email, the properties as eventdata); person deletions by email: a contact lookup, then DELETE /api/3/contacts/{id}.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateActiveCampaignConfig,
  configWarnings: (config) => activeCampaignConfigWarnings(config),
  variants: {
    default: { description: 'Identify traits to contacts (and the config\'s list), track events to Event Tracking under their own name (or config.event_names\') with their properties as eventdata; page calls only when config.event_names names them. Screen, alias and group calls are not sent.', blueprint: 'activecampaign/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'contact (an identify: POST /api/3/contact/sync) or event (a track or page call: POST https://trackcmp.net/event), set by each handler.' },
    email: { required: true, description: 'The person\'s email (traits.email, else context.traits.email; else a userId that is an email address): the contact sync\'s key and an event\'s visit. Without one nothing is sent.' },
    user_id: { required: false, description: 'The userId: the contact\'s email when it is one and no email trait is given; config.user_id_field\'s value.' },
    firstName: { required: false, description: 'The contact\'s first name.' },
    lastName: { required: false, description: 'The contact\'s last name.' },
    phone: { required: false, description: 'The contact\'s phone, sent in E.164 (config.default_country_code reads numbers written without one).' },
    event: { required: true, description: 'The event\'s name (at most 32 characters): config.event_names for the event, else its own name.' },
    eventdata: { required: false, description: 'The event\'s value: text as given, or an object (the properties) as JSON without contact information.' },
  },
  // ActiveCampaign is email marketing automation: contacts receive its campaigns, and tracked
  // events are there to "trigger automations, create segment conditions, and personalize
  // campaigns" (Contact Event Tracking API Guide) — marketing, for track events as for identify.
  consent: ['marketing'],
  // ActiveCampaign: "Our API has a rate limit of 5 requests per second per account" (a 429 with
  // Retry-After over it). The API v3 (contact syncs, list steps) gets a bucket of 5 a second,
  // burst 5; Event Tracking's trackcmp.net, which ActiveCampaign does not say the limit covers,
  // a bucket of its own of 5 a second; a 429 slows that endpoint alone. Person deletions are
  // made outside the limiter and may meet a 429, which retries them.
  rateLimit: { rps: 10, burst: 10, endpoints: { api: { rps: 5, burst: 5 }, events: { rps: 5, burst: 5 } } },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyActiveCampaign,
  // Event Tracking's documented answer (Track event, 200); a contact sync's 201 { contact, fieldValues } is in the unit tests.
  successAnswer: { status: 200, body: { success: 1, message: 'Event spawned' } },
  forgetPerson,
});
