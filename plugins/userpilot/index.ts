import { definePlugin } from '../../core/sdk/index.ts';
import { classifyUserpilot } from './classify.ts';
import { CONFIG_SCHEMA, validateUserpilotConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, ENDPOINTS, MAX_BYTES, MAX_EVENTS } from './requests.ts';
import { fitRecord } from './userpilot-record.ts';

export { classifyUserpilot, said } from './classify.ts';
export { CONFIG_SCHEMA, EU_ENDPOINT, optionsOf, US_ENDPOINT, validateUserpilotConfig } from './config.ts';
export { DELETE_USERS_PATH, forgetPerson, NO_USERPILOT_USER, readDeletion } from './forget-person.ts';
export { API_VERSION, buildRequests, headersOf, PATHS } from './requests.ts';
export { fitRecord, flatMetadata, recordKind } from './userpilot-record.ts';

/**
 * Userpilot through its real-time HTTP API: track, page and screen calls as custom events
 * (`POST /v1/track`), identify calls as users with their metadata and company
 * (`POST /v1/identify`), group calls as companies (`POST /v1/companies/identify`), one record a
 * request with `Authorization: Token <API key>` and `X-API-Version: 2020-09-22`, to the US, EU or
 * dedicated endpoint; visitors without a userId are not sent; person deletions through the
 * Delete API (`DELETE /v1/users`). See README.md.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/userpilot' }
 * // install config
 * { "api_key": "…", "endpoint": "https://analytex-eu.userpilot.io" }
 * // a track call of user u-1 becomes
 * // POST https://analytex-eu.userpilot.io/v1/track  Authorization: Token …  X-API-Version: 2020-09-22
 * // { "user_id": "u-1", "event_name": "Plan Upgraded", "metadata": { "plan": "pro" } }
 */
export default definePlugin({
  id: 'userpilot',
  name: 'Userpilot',
  category: 'analytics',
  description: 'Product growth platform (in-app onboarding, product analytics) through its real-time HTTP API: track events under their own names, page views (Page Viewed) and screens (Screen Viewed) with their properties as event metadata (POST /v1/track); identify traits as user metadata with the user\'s company (POST /v1/identify); group traits as company metadata (POST /v1/companies/identify). One record a request with the API key as "Authorization: Token", to the US, EU or dedicated endpoint, at Userpilot\'s 600 requests a minute. Metadata flattened to text, numbers and booleans, without contact information (an identify\'s email only when config.send_email allows it); visitors without a userId are not sent. Person deletions through the Delete API.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateUserpilotConfig,
  variants: {
    default: { description: 'Track events under their own names, page views (Page Viewed) and screens (Screen Viewed) with their properties; identify traits as user metadata with the company (context.groupId); group traits as company metadata; alias calls and visitors without a userId are not sent.', blueprint: 'userpilot/default.yaml' },
  },
  vendorFields: {
    // Who the record is about is decided from the canonical event, never by a site's properties.
    user_id: { required: true, description: 'Track and identify: your id of the user (the userId). Userpilot has no anonymous users: an event without a userId is not sent.' },
    event_name: { required: true, description: 'Track: the name of the event (absent on identify and group).' },
    metadata: { required: false, description: 'Event, user or company metadata: text, numbers, booleans and null only (nested objects flattened to parent_child names); no contact information, but for an identify\'s email with config.send_email.' },
    'company.id': { required: false, description: 'Identify: the id of the user\'s company (context.groupId).' },
    company_id: { required: true, description: 'Group: the id of the company (the groupId).' },
  },
  // Product analytics and in-app guidance built on how people use the product.
  consent: ['analytics'],
  // Userpilot: "HTTP Identify API: 600 requests per minute per application token; HTTP Track
  // Events API: 600 requests per minute per application token" — 10 a second each. The company
  // identify is counted with the identify API (Userpilot does not say; the safer reading). A
  // request takes a token from its endpoint's bucket and from the integration's, so the
  // integration's is the sum: with 10, events and identifies would share 10 a second.
  rateLimit: { rps: 20, burst: 20, endpoints: { [ENDPOINTS.track]: { rps: 10, burst: 10 }, [ENDPOINTS.identify]: { rps: 10, burst: 10 } } },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  // Userpilot's documented answer: 202 Accepted (its reference shows no body).
  successAnswer: { status: 202, headers: {}, body: '' },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: (response, request) => classifyUserpilot(response, request),
  forgetPerson,
});
