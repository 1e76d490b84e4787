import { definePlugin } from '../../core/sdk/index.ts';
import { fitRecord, neverSentReason } from './appcues-record.ts';
import { classifyAppcues } from './classify.ts';
import { CONFIG_SCHEMA, validateAppcuesConfig } from './config.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Appcues (in-app onboarding and product adoption): identify traits update the user's profile
 * through the Public API v2 (PATCH /v2/accounts/{account}/users/{userId}/profile), track calls —
 * and page calls when config.send_page_views is on — become the user's events (POST
 * /v2/accounts/{account}/users/{userId}/events: name, timestamp, attributes), with the API key
 * and secret as HTTP Basic, in the account's region (US or EU). Users are known by the userId:
 * anonymous visitors are not sent. Person deletions go to Delete user profile.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/appcues' }
 * // an install's config
 * { account_id: '12345', api_key: 'ecf7f10a-…', api_secret: 'f7c6d033-…', region: 'us' }
 */
export default definePlugin({
  id: 'appcues',
  name: 'Appcues',
  category: 'analytics',
  description: 'Server-side user profiles and events to Appcues through its Public API v2, HTTP Basic with an API key and secret, US or EU region, one request per event within the account\'s 60 requests a second: identify traits update the user\'s profile (PATCH /v2/accounts/{account}/users/{userId}/profile; flat properties, nested objects flattened, lists left out), track calls — and page calls when config.send_page_views is on — become the user\'s events (POST …/users/{userId}/events: name of at most 127 characters, ISO 8601 timestamp, flat attributes); contact information left out unless config.send_contact_info; anonymous visitors (no userId) not sent; person deletions forwarded to Delete user profile.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateAppcuesConfig,
  variants: {
    default: { description: 'Identify traits to the user\'s profile properties; track events (and page views, when config.send_page_views is on) to the user\'s events with their properties as attributes. Screen, group and alias calls are not sent.', blueprint: 'appcues/default.yaml' },
  },
  vendorFields: {
    name: { required: true, description: 'An event\'s name (at most 127 characters): the main way Appcues groups and targets events. Absent on identify.' },
    timestamp: { required: true, description: 'When the event happened (sent as ISO 8601; else the event\'s own time).' },
    attributes: { required: false, description: 'An event\'s attributes: strings, numbers, booleans or dates (nested objects flattened to parent_child names, lists left out).' },
    profile: { required: false, description: 'Identify: the profile properties to update — strings, numbers, booleans or dates (nested objects flattened, lists left out).' },
  },
  // Product adoption: the data describes how people use the product and targets in-app content.
  consent: ['analytics'],
  // Appcues' CLI: "the account-wide 60 req/s API limit"; it paces itself at 50 a second.
  rateLimit: { rps: 50, burst: 50 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  neverSends: (event, ctx) => neverSentReason(event, ctx),
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: (response, request) => classifyAppcues(response, request),
  // The answer to a profile update: the user's profile (the events endpoint answers 202 or 204 with no body).
  successAnswer: { status: 200, headers: { 'content-type': 'application/json' }, body: { user_id: 'user-123' } },
  forgetPerson,
});
