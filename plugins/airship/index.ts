import { definePlugin } from '../../core/sdk/index.ts';
import { classifyAirship } from './classify.ts';
import { CONFIG_SCHEMA, validateAirshipConfig } from './config.ts';
import { fitRecord, MAX_BODY_BYTES } from './fit-to-airship.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_EVENTS } from './requests.ts';

export default definePlugin({
  id: 'airship',
  name: 'Airship',
  category: 'cdp',
  description: 'Server-side events and user attributes to Airship (customer engagement): track calls to Custom Events (POST /api/custom-events, up to 100 a request, names lower-cased), identify traits to named user attributes (POST /api/named_users/{id}/attributes, Airship\'s predefined keys for names, email, gender, birthdate, city and country); users named by the userId as Airship\'s named user id; bearer token, North America and Europe cloud sites; person deletions through the Named Users uninstall.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAirshipConfig,
  variants: {
    default: { description: 'Identify traits to named user attributes (predefined keys for names, email, gender, birthdate and address; other traits under their own names), track calls to custom events with their properties, the page\'s path as interaction_id. Page and screen views are not sent.', blueprint: 'airship/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'event (a custom event) or attributes (an identify), set by each handler.' },
    named_user_id: { required: true, description: 'The named user id: the userId (events without one are skipped).' },
    occurred: { required: false, description: 'When the event happened (else its timestamp): ISO 8601 UTC, within the past 90 days.' },
    name: { required: false, description: 'The custom event\'s name (lower-cased by the plugin).' },
    value: { required: false, description: 'The custom event\'s numeric value (revenue, a count).' },
    transaction: { required: false, description: 'Ties events of one transaction together (an order id).' },
    interaction_id: { required: false, description: 'Where the event occurred: for web events, the page\'s path.' },
    interaction_type: { required: false, description: 'The kind of interaction: url for web events.' },
    session_id: { required: false, description: 'The user session during which the event occurred.' },
    unique_id: { required: false, description: 'A unique id that tells apart events with the same properties triggering a Sequence.' },
    properties: { required: false, description: 'The custom event\'s properties (strings at most 255 characters).' },
    attributes: { required: false, description: 'The named user\'s attributes (an identify), key to value.' },
    'attributes.first_name': { required: false },
    'attributes.last_name': { required: false },
    'attributes.full_name': { required: false },
    'attributes.email': { required: false },
    'attributes.gender': { required: false },
    'attributes.birthdate': { required: false },
    'attributes.city': { required: false },
    'attributes.region': { required: false },
    'attributes.country': { required: false },
    'attributes.company': { required: false },
  },
  // Airship messages people (push, email, SMS) with what it receives.
  consent: ['marketing'],
  // Airship publishes no numeric rate limit for these endpoints (README "Unconfirmed"): a
  // moderate default an admin can raise; a 429 is retried after its Retry-After.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyAirship,
  // Airship's POST /api/custom-events, 200 (Airship API reference: Custom Events).
  successAnswer: { status: 200, headers: { 'content-type': 'application/vnd.urbanairship+json; version=3' }, body: { ok: true, operation_id: 'ef625038-70a3-41f1-826f-57bc11dd625a' } },
  forgetPerson,
});
