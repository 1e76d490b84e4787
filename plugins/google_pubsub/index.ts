import { definePlugin } from '../../core/sdk/index.ts';
import { pubSubAccessToken } from './access-token.ts';
import { classifyPublish } from './classify.ts';
import { CONFIG_SCHEMA, topicOf, validatePubSubConfig } from './config.ts';
import { pubSubDeletionNotices } from './deletion-notice.ts';
import { MAX_BYTES, MAX_MESSAGES, publishRequests } from './publish-request.ts';
import { pubSubMessage } from './pubsub-message.ts';

export { validatePubSubConfig } from './config.ts';
export { classifyPublish } from './classify.ts';
export { publishRequests, publishUrl, wireMessage } from './publish-request.ts';
export { pubSubMessage } from './pubsub-message.ts';
export { deletionNotice } from './deletion-notice.ts';

/**
 * Google Cloud Pub/Sub: every event (or those the blueprint keeps) published as one message to
 * a topic of the customer's own Google Cloud project (projects.topics.publish, authorised by a
 * service account's key through the core's access tokens), so that their own consumers —
 * Dataflow, Cloud Run functions, BigQuery subscriptions — read Signal's stream. The data is the
 * event's JSON; attributes to filter on; an optional ordering key per person; opt-in person
 * deletion notices. See README.md.
 *
 * @example
 * // config: { project_id: 'shop-analytics', topic_id: 'signal-events', service_account_key: '{"type":"service_account",…}' }
 * googlePubSub.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://pubsub.googleapis.com/v1/projects/shop-analytics/topics/signal-events:publish',
 * //    headers: { authorization: 'Bearer ya29…', 'content-type': 'application/json' },
 * //    body: { messages: [{ data: 'eyJ0eXBlIjoidHJhY2si…', attributes: { kind: 'event', type: 'track', event: 'Order Completed', message_id: 'm-1', integration_id: '…' } }] }, eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'google_pubsub',
  name: 'Google Cloud Pub/Sub',
  category: 'other',
  description: 'Publishes every event as a message to a Pub/Sub topic of your own Google Cloud project (topics.publish with a service account\'s key, global or locational endpoint), so your own consumers — Dataflow, Cloud Run functions, BigQuery subscriptions — read the stream: the event\'s JSON as data, attributes to filter on (kind, type, event, name, message_id, integration_id and your blueprint\'s), an optional ordering key per person, no contact information unless turned on, and opt-in person deletion notices for your consumers to act on.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validatePubSubConfig,
  variants: {
    default: { description: 'Every call (track, page, screen, identify, group, alias) as its event JSON — type, messageId, timestamp, receivedAt, sentAt, event or name, userId, anonymousId, groupId, previousId, properties, traits, context — with attributes kind, type, event, name, message_id and integration_id; contact information removed unless config.include_contact_info is on.', blueprint: 'google_pubsub/default.yaml' },
  },
  vendorFields: {
    type: { required: true, description: 'track, page, screen, identify, group or alias (also the attribute type).' },
    messageId: { required: true, description: 'The event\'s id: consumers deduplicate on it (Pub/Sub and Signal\'s retries deliver at least once); also the attribute message_id.' },
    timestamp: { required: true, description: 'When it happened, ISO 8601 (corrected for the client\'s clock).' },
    receivedAt: { required: false, description: 'When Signal received it, ISO 8601.' },
    sentAt: { required: false, description: 'When the client sent it, ISO 8601.' },
    event: { required: false, description: 'Track: the event\'s name (also the attribute event).' },
    name: { required: false, description: 'Page and screen: the name (also the attribute name).' },
    userId: { required: false, description: 'The known user\'s id (placeholders such as "undefined" left out).' },
    anonymousId: { required: false, description: 'The visitor\'s id (Signal\'s _dfdid from browsers); the ordering key with ordering_key person.' },
    groupId: { required: false, description: 'Group: the account\'s id.' },
    previousId: { required: false, description: 'Alias: the id the user had before.' },
    properties: { required: false, description: 'Track, page and screen properties.' },
    traits: { required: false, description: 'Identify and group traits.' },
    context: { required: false, description: 'page, campaign, userAgent, ip, locale, library, consent, cookies…' },
    attributes: { required: false, description: 'Not part of the data: an object whose entries become message attributes (text, at most 1,024 bytes each) for subscriptions to filter on.' },
  },
  // The topic is the customer's own infrastructure, like a database of theirs: no third party
  // receives the events, so no consent category is recommended (see the README: gate it by
  // consent at install when your policy treats the stream as needing one).
  consent: [],
  // Signal's pace, not a Google limit: Pub/Sub's publish quota is in bytes a minute per region
  // (hundreds of MB/s), far above 50 requests a second of up to 1,000 messages.
  rateLimit: { rps: 50, burst: 100 },
  batch: { maxEvents: MAX_MESSAGES, maxBytes: MAX_BYTES },
  accessToken: pubSubAccessToken,
  map: (payload, event, ctx) => pubSubMessage(payload, event, ctx),
  send: (batch, ctx) => publishRequests(batch, ctx, topicOf(ctx.config)),
  classify: (response, request, ctx) => classifyPublish(response, request, ctx, topicOf(ctx.config)),
  // Pub/Sub's answer to a publish: a 2xx without its messageIds is not counted as published.
  successAnswer: { status: 200, body: { messageIds: ['2109263418427352'] } },
  forgetPerson: pubSubDeletionNotices,
});
