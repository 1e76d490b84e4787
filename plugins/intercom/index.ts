import { definePlugin } from '../../core/sdk/index.ts';
import { classifyIntercom } from './classify.ts';
import { CONFIG_SCHEMA, validateIntercomConfig } from './config.ts';
import { fitRecord } from './fit-to-intercom.ts';
import { forgetPerson } from './forget-person.ts';
import { buildRequests, MAX_BODY_BYTES, MAX_EVENTS } from './requests.ts';

export default definePlugin({
  id: 'intercom',
  name: 'Intercom',
  category: 'other',
  description: 'Server-side contacts and data events to Intercom (customer messaging): identify traits to the contact found by external_id or email (PUT /contacts/{id}), or created with them (POST /contacts; a creation answering that the contact exists updates it instead) — Intercom has no upsert, so each identify is a lookup, then the update or creation, as delivery follow-ups; track events to data events (POST /events) with metadata fitted to Intercom\'s 10 keys and types (a user Intercom does not have yet is tried again, never created from a data event); US, EU and AU regions; person deletions by an external_id lookup, then DELETE /contacts/{id}.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateIntercomConfig,
  variants: {
    default: { description: 'Identify traits to the contact (name, email, phone, avatar, signed up and last seen times, the custom attributes the config lists), track events to data events with their properties as metadata (orders\' revenue as a monetary price). Page and screen views are not sent.', blueprint: 'intercom/default.yaml' },
    with_page_views: { description: 'As the default, and page and screen calls as data events (viewed-page with the URL, path, title and referrer; viewed-screen), for sites that do not run the Intercom Messenger.', blueprint: 'intercom/with_page_views.yaml' },
  },
  vendorFields: {
    // The record's kind and identity are set by the plugin from these, never from properties.
    kind: { required: true, description: 'contact (an identify: looked up by external_id, else email, then PUT /contacts/{id}, or POST /contacts when there is none) or event (POST /events), set by each handler.' },
    user_id: { required: false, description: 'Your id of the user (the userId): the contact\'s external_id, the data event\'s user_id.' },
    email: { required: false, description: 'The user\'s email (traits.email, else context.traits.email): names the user when there is no userId.' },
    name: { required: false },
    first_name: { required: false, description: 'With last_name, the name when no name is given.' },
    last_name: { required: false },
    phone: { required: false, description: 'E.164 when it reads as a number.' },
    avatar: { required: false, description: 'An http(s) image URL.' },
    signed_up_at: { required: false, description: 'When the user signed up (Unix seconds, ms or ISO 8601).' },
    last_seen_at: { required: false, description: 'When the user was last seen (the identify\'s time).' },
    traits: { required: false, description: 'The traits config.custom_attributes picks the custom attributes from.' },
    event_name: { required: false, description: 'The data event\'s name.' },
    created_at: { required: false, description: 'When the event happened, Unix seconds (Intercom deduplicates by user, name and this second).' },
    metadata: { required: false, description: 'The event\'s metadata: the first 10 usable keys, strings, numbers, dates (keys ending in _date), links, rich links and monetary amounts.' },
    revenue: { required: false, description: 'With currency, sent as the monetary metadata price (in cents).' },
    currency: { required: false },
  },
  // Intercom messages people with what it receives (outbound campaigns targeted by attributes
  // and events); an install used for support only may pass ['functional'] instead.
  consent: ['marketing'],
  // Intercom: 10,000 calls a minute per app (25,000 per workspace for private apps), enforced in
  // 10-second windows. Every request of a chain (lookup, search, update or creation) goes
  // through this limiter, so an identify takes two or three of the 100 a second; the rest of
  // Intercom's limit is room for the person deletions, which the same token makes outside it.
  rateLimit: { rps: 100, burst: 100 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BODY_BYTES },
  map: (payload, event, ctx) => fitRecord(payload, event, ctx),
  send: buildRequests,
  classify: classifyIntercom,
  // Intercom's Submit a data event: 202 Accepted, empty (developers.intercom.com/docs/references/rest-api/api.intercom.io/data-events/createdataevent).
  successAnswer: { status: 202, body: '' },
  forgetPerson,
});
