/**
 * MoEngage: identify traits as user attributes and track, page and screen calls as events,
 * together through the Data API's Bulk Import; person deletions through its Delete User API.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/moengage' }
 * // install config
 * { "workspace_id": "VJ0GSMESHMQA3L7WV1EEK3UR", "data_api_key": "…", "data_center": "02" }
 */
import { definePlugin } from '../../core/sdk/index.ts';
import { classifyMoengage } from './classify.ts';
import { CONFIG_SCHEMA, validateMoengageConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { fitRecord } from './moengage-element.ts';
import { buildRequests, MAX_BYTES, MAX_ELEMENTS } from './requests.ts';

export { validateMoengageConfig };

export default definePlugin({
  id: 'moengage',
  name: 'MoEngage',
  category: 'cdp',
  description: 'Server-side users and events to MoEngage (customer engagement) through its Data API\'s Bulk Import (POST /v1/transition/{Workspace ID}, users and events together, up to 100 KB a request, HTTP Basic with the Workspace ID and the Data API key): identify traits as user attributes under MoEngage\'s standard names (name, first_name, last_name, email, mobile, gender, birthday) on the userId as MoEngage\'s ID (customer_id); track, page and screen calls as events (actions) with their attributes, platform, UTC time and the visitor\'s time zone offset; visitors without a userId are not sent; data centers DC-01 to DC-06 and DC-101; person deletions through the Delete User API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateMoengageConfig,
  variants: {
    default: { description: 'Identify traits to user attributes (standard ones under MoEngage\'s names), track events to events with their properties as attributes, page calls as Page Viewed and screen calls as Screen Viewed, all on the userId as MoEngage\'s ID.', blueprint: 'moengage/default.yaml' },
  },
  vendorFields: {
    // Who the element is about is decided by the plugin from the userId, never by a site's properties.
    customer_id: { required: true, description: 'MoEngage\'s ID of the user (the userId). Calls without one, or with an ID MoEngage refuses (guest, unknown, 0, 1, true, id…), are not sent.' },
    action: { required: false, description: 'An event\'s name (absent on identify, whose element sets user attributes). Names starting with moe_ are MoEngage\'s own and refused.' },
    attributes: { required: false, description: 'The event\'s attributes, or the user\'s (identify). Names starting with moe_ are left out.' },
    'attributes.name': { required: false },
    'attributes.first_name': { required: false },
    'attributes.last_name': { required: false },
    'attributes.email': { required: false },
    'attributes.mobile': { required: false },
    'attributes.gender': { required: false },
    'attributes.birthday': { required: false },
    platform: { required: false, description: 'Where the event happened: ANDROID, iOS, web or unknown (else iOS/ANDROID for an app\'s events, web for a browser\'s; left out when not known).' },
    app_version: { required: false, description: 'The app\'s version the event came from.' },
    current_time: { required: false, description: 'When the event happened, UTC (ISO 8601; else the event\'s timestamp).' },
    user_timezone_offset: { required: false, description: 'The user\'s offset from UTC in seconds, −54,000 to 54,000 (else computed from timezone).' },
    timezone: { required: false, description: 'The visitor\'s IANA time zone (context.timezone), from which user_timezone_offset is computed; not sent itself.' },
  },
  // MoEngage messages people (push, email, SMS, in-app) with what it receives.
  consent: ['marketing'],
  // MoEngage: "Send a maximum of 10,000 users and 30,000 events per minute across all API
  // requests" (Bulk Import; its newer reference says 60,000 and 60,000), 10,000 user updates a
  // minute (Track User), 5,000 Delete User requests a minute. With up to 100 elements a request, 1.5 requests a second keeps even a
  // stream of users only under 10,000 a minute (9,000); the limits count elements, not requests.
  rateLimit: { rps: 1.5, burst: 3 },
  batch: { maxEvents: MAX_ELEMENTS, maxBytes: MAX_BYTES },
  // MoEngage's documented answer to an accepted request (Track User, Create Event, Bulk Import).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { status: 'success', message: 'Your request has been accepted and will be processed soon.' } },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx.warn),
  send: buildRequests,
  classify: classifyMoengage,
  forgetPerson,
});
