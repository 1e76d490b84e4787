import { definePlugin } from '../../core/sdk/index.ts';
import { classifyLoops } from './classify.ts';
import { CONFIG_SCHEMA, validateLoopsConfig } from './config.ts';
import { fitRecord, neverSentReason } from './fit-to-loops.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_RECORDS } from './requests.ts';

/**
 * Loops (loops.so, email for SaaS): identify traits to contacts updated or created through
 * PUT /api/v1/contacts/update (email, userId, firstName, lastName, userGroup, source, the other
 * traits as custom contact properties; the config's mailing lists (joined by a contact Loops
 * creates through POST /api/v1/contacts/create, never re-joined by one it has), and optionally subscribed,
 * only with marketing consent), track calls to POST /api/v1/events/send (eventName, email and/or
 * userId, flat eventProperties, the messageId as Idempotency-Key), person deletions forwarded to
 * POST /api/v1/contacts/delete. Page, screen, group and alias calls are not sent.
 *
 * @example
 * // plugin.config.ts
 * { plugin: './plugins/loops' }
 * // an install's config
 * { api_key: 'd2d561f5ff80136f69b4b5a31b9fb3c9', mailing_list_ids: ['cm06f5v0e45nf0ml5754o9cix'], source: 'Signal' }
 */
export default definePlugin({
  id: 'loops',
  name: 'Loops',
  category: 'cdp',
  description: 'Server-side contacts and events to Loops (loops.so), its REST API with a Bearer API key, one record a request at 10 a second: identify traits to contacts updated or created (PUT /api/v1/contacts/update: email, userId, firstName, lastName, userGroup, source, the other traits as custom properties, flattened; the config\'s mailing lists, and subscribed when the config allows, only with marketing consent, the lists joined by a contact Loops creates (POST /api/v1/contacts/create) and never re-joined by one it has; nobody ever unsubscribed), track calls to Loops events that trigger its loops (POST /api/v1/events/send: eventName, email and/or userId, flat eventProperties without contact data, the messageId as Idempotency-Key, a 409 already delivered); person deletions forwarded to POST /api/v1/contacts/delete by userId and by email. Page, screen, group and alias calls are not sent.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateLoopsConfig,
  variants: {
    default: { description: 'Identify traits to contacts (the other traits as custom contact properties), track events to Loops events with their properties. Page, screen, group and alias calls are not sent.', blueprint: 'loops/default.yaml' },
  },
  vendorFields: {
    kind: { required: true, description: 'contact (an identify: PUT /api/v1/contacts/update) or event (a track call: POST /api/v1/events/send), set by each handler.' },
    email: { required: false, description: 'The person\'s email (traits.email, else context.traits.email). A record needs it or the userId.' },
    userId: { required: false, description: 'The site\'s userId: the contact\'s userId in Loops. A record needs it or the email.' },
    firstName: { required: false, description: 'A contact\'s first name.' },
    lastName: { required: false, description: 'A contact\'s last name.' },
    userGroup: { required: false, description: 'A contact\'s user group (one per contact), for segments.' },
    source: { required: false, description: 'Where the contact came from (else config.source, else Loops\' "API").' },
    properties: { required: false, description: 'A contact\'s custom properties: text, numbers, booleans or dates; nested objects flattened to camelCase names, lists left out. Each must exist in Loops (Audience > add property).' },
    eventName: { required: true, description: 'An event\'s name, exactly as the loop that it triggers names it.' },
    eventProperties: { required: false, description: 'An event\'s properties (flat: text, numbers, booleans or dates; contact data left out), for the emails it triggers.' },
  },
  // Loops sends these people marketing email (loops and campaigns).
  consent: ['marketing'],
  // Loops: "The baseline rate limit is 10 requests per second per team"; no burst above it.
  rateLimit: { rps: 10, burst: 10 },
  batch: { maxEvents: MAX_RECORDS, maxBytes: MAX_BODY_BYTES },
  neverSends: (event) => neverSentReason(event),
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyLoops,
  // Loops' Send event and Update contact: 200 { "success": true } (Update contact adds the contact's id).
  successAnswer: { status: 200, body: { success: true } },
  forgetPerson,
});
