import { definePlugin } from '../../core/sdk/index.ts';
import { classifyOneSignal } from './classify.ts';
import { CONFIG_SCHEMA, validateOneSignalConfig } from './config.ts';
import { fitRecord } from './fit-record.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_EVENTS, MAX_REQUEST_BYTES } from './requests.ts';

export { ONESIGNAL_API } from './config.ts';

export default definePlugin({
  id: 'onesignal',
  name: 'OneSignal',
  category: 'cdp',
  description: 'Users and custom events to OneSignal (push, email, SMS and in-app messaging) through its User Model REST API: identify traits to the user\'s data tags, language, time zone, country and location by External ID (Update user, the user created when it does not exist yet), Email and SMS subscriptions (Create subscription) only when the config turns them on and the event grants marketing consent; track calls (and page calls the config names) to custom events that start and steer Journeys, up to 500 a request with idempotency keys from the messageId; App API key (Authorization: Key); person deletions through Delete user.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateOneSignalConfig,
  variants: {
    default: { description: 'Identify traits to data tags (first and last names by name, other traits as sent without contact information), language, time zone, country and location; track calls to custom events with their properties; page calls only when config.event_names names them.', blueprint: 'onesignal/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'user (an identify: a user update), event (a track call: a custom event) or page (a page call: a custom event when config.event_names names it), set by each handler.' },
    external_id: { required: true, description: 'The user\'s External ID: the userId (events without one are skipped).' },
    name: { required: false, description: 'The custom event\'s name (1 to 128 characters); config.event_names overrides it.' },
    timestamp: { required: false, description: 'When the event happened (ISO 8601); else its timestamp.' },
    properties: { required: false, description: 'The custom event\'s properties (contact information left out; the whole event within 2,024 bytes).' },
    traits: { required: false, description: 'Traits sent as data tags under their own names (contact information left out; text, numbers and booleans as text).' },
    tags: { required: false, description: 'Data tags the blueprint names (first_name, last_name), kept before the pass-through traits.' },
    'tags.first_name': { required: false },
    'tags.last_name': { required: false },
    language: { required: false, description: 'The user\'s language, ISO 639-1 (from a language tag or locale: en-US → en).' },
    timezone_id: { required: false, description: 'The user\'s IANA time zone (America/Los_Angeles).' },
    country: { required: false, description: 'The user\'s country, ISO 3166-1 alpha-2 (from a code or an English name).' },
    lat: { required: false, description: 'The user\'s latitude (with long).' },
    long: { required: false, description: 'The user\'s longitude (with lat).' },
    email: { required: false, description: 'The Email subscription\'s address, from the identify\'s own traits.email (never a remembered one): sent only with config.email_subscriptions and marketing consent.' },
    phone: { required: false, description: 'The SMS subscription\'s number (E.164), from the identify\'s own traits.phone (never a remembered one): sent only with config.sms_subscriptions and marketing consent.' },
  },
  // OneSignal messages people (push, email, SMS) with what it receives.
  consent: ['marketing'],
  // OneSignal: Rate limits — users (create, update, delete): 1,000 requests/s per app and 1 per
  // user; custom events: "rate-limited independently", no number published. The app's own
  // SDKs and servers share those limits: a tenth of the users' by default, the custom events
  // endpoint at the same, each paused apart by its own 429.
  rateLimit: { rps: 200, burst: 400, endpoints: { users: { rps: 100, burst: 200 }, custom_events: { rps: 100, burst: 200 } } },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_REQUEST_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyOneSignal,
  // OneSignal: Update user, 202 with the properties set.
  successAnswer: { status: 202, headers: { 'content-type': 'application/json' }, body: { properties: { tags: { plan: 'pro' }, language: 'en' } } },
  forgetPerson,
});
