import { definePlugin } from '../../core/sdk/index.ts';
import { classifyKit } from './classify.ts';
import { CONFIG_SCHEMA, validateKitConfig } from './config.ts';
import { fitRecord, neverSentReason } from './fit-to-kit.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Kit (formerly ConvertKit, email marketing for creators), its API v4 with an account's API key
 * (`X-Kit-Api-Key`): identify calls to subscribers created or updated by email through
 * POST /v4/subscribers (first name, the custom fields the config maps from traits; a new
 * subscriber `active` with marketing consent, else `inactive`; an existing one's state never
 * changed, so nobody is re-subscribed), track calls the config maps to tags through
 * POST /v4/tags/{tag_id}/subscribers by email. Other track calls, page, screen, group and alias
 * calls are not sent. Kit cannot delete a subscriber through its API: person deletions can
 * unsubscribe them (opt-in), said as such.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/kit' }
 * // an install's config
 * { api_key: 'kit_0d5f3f526b7e4a539c335a3c1f7e2b41', custom_fields: { last_name: 'last_name' }, event_tags: { 'Signed Up': 4120 } }
 */
export default definePlugin({
  id: 'kit',
  name: 'Kit',
  category: 'cdp',
  description: 'Server-side subscribers and tags to Kit (formerly ConvertKit), its API v4 with an API key, one record a request within Kit\'s 120 requests a minute: identify calls to subscribers created or updated by email (POST /v4/subscribers: first_name, the custom fields the config maps from traits; a new subscriber active with marketing consent, else inactive; an existing subscriber\'s state never changed, so nobody unsubscribed is re-subscribed), track calls the config maps to Kit tags (POST /v4/tags/{tag_id}/subscribers by email), which can start Kit automations. Other track calls, page, screen, group and alias calls are not sent. Kit\'s API cannot delete a subscriber: person deletions can unsubscribe them (opt-in), and say that their data stays in Kit.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateKitConfig,
  variants: {
    default: { description: 'Identify traits to Kit subscribers (first name, and the custom fields the config maps), track events the config maps to Kit tags. Other track calls, page, screen, group and alias calls are not sent.', blueprint: 'kit/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'subscriber (an identify: POST /v4/subscribers) or tagging (a track call: POST /v4/tags/{tag_id}/subscribers), set by each handler.' },
    email: { required: true, description: 'The person\'s email (traits.email, else context.traits.email): Kit knows subscribers by their email address only. A record without one is not sent.' },
    firstName: { required: false, description: 'A subscriber\'s first name (Kit\'s only built-in field besides the email).' },
    traits: { required: false, description: 'The identify\'s traits, of which the plugin sends those config.custom_fields maps, as text, to Kit custom fields (each must exist in Kit).' },
    eventName: { required: true, description: 'A track event\'s name, looked up in config.event_tags for the tag it sets.' },
  },
  // Kit sends its subscribers marketing email (broadcasts, sequences).
  consent: ['marketing'],
  // Kit: "no more than 120 requests over a rolling 60 second period for a given API Key": 1.8 a
  // second after a burst of 10 stays within it (10 + 1.8 × 60 = 118) over any 60 seconds.
  rateLimit: { rps: 1.8, burst: 10 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  neverSends: (event, ctx) => neverSentReason(event, ctx.config),
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyKit,
  // Kit's Create a subscriber: 201 with the subscriber created (200 for one updated).
  successAnswer: { status: 201, body: { subscriber: { id: 288, first_name: 'Alice', email_address: 'alice@example.com', state: 'active', created_at: '2023-02-17T11:43:55Z', fields: {} } } },
  forgetPerson,
});
