import { definePlugin } from '../../core/sdk/index.ts';
import { notAnActivity } from './activity.ts';
import { classifyOrtto } from './classify.ts';
import { CONFIG_SCHEMA, orttoConfigWarnings, validateOrttoConfig } from './config.ts';
import { fitRecord } from './fit-to-ortto.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

export { ACTIVITIES_CREATE_PATH, PERSON_MERGE_PATH } from './requests.ts';
export { REGION_ORIGINS } from './config.ts';

/**
 * Ortto (formerly Autopilot): identify traits to people merged through
 * `POST /v1/person/merge` (up to 100 a request, by email and/or External ID as config.merge_by
 * says, custom fields the config maps from traits, the email permission only from marketing
 * consent when the config asks), track and page calls the config names to custom activities
 * through `POST /v1/activities/create` (up to 100 a request, attributes the config maps from
 * properties, the conversion value); the region's host (`https://api.ap3api.com`,
 * `https://api.au.ap3api.com`, `https://api.eu.ap3api.com`) and the Custom API data source's
 * key as `X-Api-Key`; per-record outcomes from Ortto's answer; person deletions as a lookup,
 * an archive, then a deletion.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/ortto' }
 * // an install's config
 * { api_key: '…', region: 'eu', merge_by: 'email_then_external_id', trait_fields: { plan: 'str:cm:plan' }, activities: { 'Order Completed': 'act:cm:order-completed' }, attribute_fields: { order_id: 'str:cm:order-id' } }
 */
export default definePlugin({
  id: 'ortto',
  name: 'Ortto',
  category: 'cdp',
  description: 'Server-side people and activities to Ortto (customer data and marketing automation, formerly Autopilot): identify traits to people through POST /v1/person/merge (up to 100 a request, merged by email and/or External ID — the userId —, names, phone, address, birthday, the custom fields the config maps from traits, the email permission only from marketing consent when asked), track and page calls the config names to custom activities through POST /v1/activities/create (up to 100 a request, the attributes the config maps from properties, the conversion value); the instance region\'s host and a Custom API data source\'s X-Api-Key; each record settled by Ortto\'s answer (a suppressed email dead-lettered); person deletions as a lookup, an archive, then a deletion.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateOrttoConfig,
  configWarnings: (config) => orttoConfigWarnings(config),
  variants: {
    default: { description: 'Identify traits to people (names, phone, address, birthday, GDPR flag, config.trait_fields\' custom fields), track and page calls named in config.activities to custom activities with config.attribute_fields\' attributes and the revenue as conversion value. Screen, alias and group calls are not sent.', blueprint: 'ortto/default.yaml' },
  },
  vendorFields: {
    email: { required: false, description: 'The person\'s email (str::email): traits.email, else context.traits.email; else a userId that is an email address. A merge key when config.merge_by names it. One that is no address is left out with a warning when another merge field still names the person (the External ID, or a userId that is an address), else the record is dead-lettered.' },
    user_id: { required: false, description: 'The userId, sent as the External ID (str::ei). A merge key when config.merge_by names it; an event with neither merge key is not sent.' },
    ip: { required: false, description: 'The visitor\'s IP, sent as location.source_ip (Ortto places the person by it) unless config.send_ip is off.' },
    first_name: { required: false, description: 'str::first (identify).' },
    last_name: { required: false, description: 'str::last (identify).' },
    phone: { required: false, description: 'phn::phone, sent in E.164 (config.default_country_code reads numbers written without one) (identify).' },
    city: { required: false, description: 'geo::city (identify).' },
    region: { required: false, description: 'geo::region: a state or province (identify).' },
    country: { required: false, description: 'geo::country (identify).' },
    postal_code: { required: false, description: 'str::postal (identify).' },
    birthday: { required: false, description: 'dtz::b, from YYYY-MM-DD (identify).' },
    gdpr: { required: false, description: 'bol::gdpr, a boolean (identify).' },
    traits: { required: false, description: 'The identify\'s traits, for the custom person fields config.trait_fields maps.' },
    properties: { required: false, description: 'The event\'s properties, for the activity attributes config.attribute_fields maps.' },
    value: { required: false, description: 'The activity\'s conversion value (revenue), sent as int::v × 1,000.' },
  },
  // Ortto is marketing automation: the people and activities it receives drive its journeys,
  // campaigns and audiences.
  consent: ['marketing'],
  // Ortto's default rate limits by plan (Rate limits): Free 20 requests in 10 s and 60 in 60 s,
  // Campaigns 100 / 10 s and 300 / 60 s, Pro 200 / 10 s and 600 / 60 s, Business and
  // Enterprise 600 / 10 s and 1,800 / 60 s. 5 a second (burst 10) keeps within the Campaigns
  // plan's 300 a minute; an admin on another plan sets the integration's rps (1 for Free). A
  // 429 is retried after its try-in-seconds.
  rateLimit: { rps: 5, burst: 10 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  neverSends: (event, ctx) => notAnActivity(event, ctx.config),
  send: buildRequests,
  classify: classifyOrtto,
  // Ortto's answer to a synchronous merge (Create or update one or more people, 200).
  successAnswer: { status: 200, body: { people: [{ person_id: '0069061df82dad244f13a400', status: 'created' }] } },
  forgetPerson,
});
