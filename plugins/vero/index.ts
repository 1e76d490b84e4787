import { definePlugin } from '../../core/sdk/index.ts';
import { classifyVero } from './classify.ts';
import { CONFIG_SCHEMA, validateVeroConfig } from './config.ts';
import { fitRecord, neverSentReason } from './fit-to-vero.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Vero (getvero.com, customer messaging): identify traits to users created or updated by id
 * through the Track API v2.0's POST /users/track (id = the userId, email, phone_number, the
 * other traits as data; opt-in unsubscription on a denial of marketing consent and
 * re-subscription with it, from the identify's own consent only), track calls to POST
 * /events/track (identity, event_name, data without contact information plus the messageId
 * against Vero's five-minute deduplication, extras.created_at), page calls and alias calls
 * (PUT /users/reidentify) only when the config asks, person deletions forwarded to POST
 * /users/delete by the userId.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/vero' }
 * // an install's config
 * { auth_token: 'ZmQwMzM2ZDc4NjI5NTFkODZjMDljNTY5YzNlMTlkZjQ6', source: 'Signal' }
 */
export default definePlugin({
  id: 'vero',
  name: 'Vero',
  category: 'cdp',
  description: 'Server-side users and events to Vero (getvero.com), its Track REST API v2.0 with the account\'s Authentication Token as auth_token, one record a request: identify traits to users created or updated by id (POST /users/track: id from the userId, email, phone_number in E.164, the other traits as custom properties; with the config\'s consent, after it POST /users/unsubscribe on the identify\'s own denial of marketing consent or /users/resubscribe on its grant with an email of its own — never from remembered traits), track calls to Vero events that start its campaigns (POST /events/track: identity, event_name, data without contact data and with the messageId so Vero\'s five-minute deduplication drops retries only, extras.created_at); page calls as events and alias calls as PUT /users/reidentify only when the config asks; person deletions forwarded to POST /users/delete by the userId. Calls without a userId, screen and group calls are not sent.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateVeroConfig,
  variants: {
    default: { description: 'Identify traits to Vero users (the other traits as custom user properties), track events to Vero events with their properties; page views and alias calls only when the config asks. Screen and group calls are not sent.', blueprint: 'vero/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'user (an identify: POST /users/track), event (a track or page call: POST /events/track) or alias (an alias call: PUT /users/reidentify), set by each handler.' },
    userId: { required: true, description: 'The site\'s userId: the user\'s id in Vero, which every Vero endpoint finds the user by. A record without one is not sent.' },
    email: { required: false, description: 'The person\'s email (traits.email, else context.traits.email): the user\'s email channel in Vero.' },
    phone: { required: false, description: 'An identify\'s phone number, sent as phone_number when it is in E.164 form.' },
    traits: { required: false, description: 'An identify\'s traits, sent as the user\'s custom properties (data) as written.' },
    event_name: { required: true, description: 'An event\'s name (less than 255 characters; Vero treats case, spaces and underscores alike). A page call\'s is config.page_event_name.' },
    properties: { required: false, description: 'An event\'s properties, sent as its data without contact information, the messageId added (config.message_id_property).' },
    created_at: { required: false, description: 'When the event happened (the call\'s timestamp), sent as extras.created_at in ISO 8601 UTC.' },
    previousId: { required: false, description: 'An alias call\'s previousId: the id Vero knows the user by, re-identified to the userId.' },
  },
  // Vero sends these people marketing messages (campaigns triggered by events).
  consent: ['marketing'],
  // Vero documents no rate limit for the Track API; ten requests a second is a cautious pace
  // for one account, and a 429 slows the integration down further (see classify.ts).
  rateLimit: { rps: 10, burst: 10 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  neverSends: (event, ctx) => neverSentReason(event, ctx),
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyVero,
  // Vero's Identify and Track: 200 { "status": 200, "message": "Success." }.
  successAnswer: { status: 200, body: { status: 200, message: 'Success.' } },
  forgetPerson,
});
