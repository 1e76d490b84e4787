import { definePlugin } from '../../core/sdk/index.ts';
import { classifyPersonalize } from './classify.ts';
import { CONFIG_SCHEMA, personalizeConfigWarnings, validatePersonalizeConfig } from './config.ts';
import { personalizeNeverSends, personalizeRecord } from './personalize-record.ts';
import { MAX_BODY_BYTES, MAX_EVENTS, personalizeRequests, signPersonalizeRequest, USERS_ENDPOINT } from './requests.ts';

export { classifyPersonalize } from './classify.ts';
export { CONFIG_SCHEMA, DEFAULT_EVENT_TYPES, personalizeConfigWarnings, validatePersonalizeConfig } from './config.ts';
export { eventIdOf, metadataJson, metadataValue, personalizeNeverSends, personalizeRecord, sentAtOf } from './personalize-record.ts';
export { endpointOf, MAX_BODY_BYTES, MAX_EVENTS, MAX_USERS, personalizeRequests, signPersonalizeRequest } from './requests.ts';

/**
 * Amazon Personalize: the events the config names recorded as item interactions through the
 * dataset group's event tracker (PutEvents: one interaction per item — an order's products —
 * the anonymousId as the session, the messageId as the event id, the config's metadata fields),
 * and identify traits as user metadata in its Users dataset (PutUsers) when one is configured;
 * signed with AWS Signature Version 4 when sent. No deletion API: see README.md.
 *
 * @example
 * // config: { region: 'eu-west-1', tracking_id: '8b2c…', access_key_id: 'AKIA…', secret_access_key: '…' }
 * amazonPersonalize.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://personalize-events.eu-west-1.amazonaws.com/events', headers: { 'content-type': 'application/json' },
 * //    body: { trackingId: '8b2c…', userId: 'u-1', sessionId: 'a-1', eventList: [{ eventId: 'm-1', eventType: 'View', itemId: 'P-1', sentAt: 1796039998.25 }] }, eventIds: ['m-1'] }]
 * amazonPersonalize.sign!(request, ctx); // + x-amz-date and Authorization: AWS4-HMAC-SHA256 Credential=AKIA…/<day>/eu-west-1/personalize/aws4_request, …
 */
export default definePlugin({
  id: 'amazon_personalize',
  name: 'Amazon Personalize',
  category: 'other',
  description: 'Records your shoppers\' interactions in Amazon Personalize through your dataset group\'s event tracker (PutEvents, signed with AWS Signature Version 4), so its recommendations follow what they do now: Product Viewed, Product Added and each product of Order Completed by default, any event you name, as the event types your recommenders train on, with the metadata fields you choose; identify traits as user metadata in your Users dataset (PutUsers) when you give it.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validatePersonalizeConfig,
  configWarnings: personalizeConfigWarnings,
  variants: {
    default: { description: 'The events config.event_types names as item interactions (the product of Product Viewed and Product Added, each product of Order Completed), with the metadata config.event_properties names; identify traits config.user_properties names to the Users dataset when config.users_dataset_arn is set.', blueprint: 'amazon_personalize/default.yaml' },
  },
  vendorFields: {
    message_id: { required: true, description: 'The event\'s messageId: the interaction\'s eventId (with -2, -3… for an order\'s further products), which Personalize deduplicates on.' },
    type: { required: true, description: 'The call\'s type: track and page calls become interactions, identify calls users.' },
    event: { required: false, description: 'A track event\'s name, looked up in config.event_types.' },
    name: { required: false, description: 'A page call\'s name (page:<name> in config.event_types).' },
    anonymous_id: { required: false, description: 'The sessionId (the userId when there is none): Personalize ties a visitor\'s events before log-in to the user by it.' },
    user_id: { required: false, description: 'The userId of interactions; a user\'s id in the Users dataset.' },
    timestamp: { required: true, description: 'When the event happened: the interaction\'s sentAt.' },
    item_id: { required: false, description: 'The item interacted with (ITEM_ID): a product\'s id.' },
    items: { required: false, description: 'An order\'s products, each { item_id }: one interaction each, at most 10.' },
    event_value: { required: false, description: 'The EVENT_VALUE column (a number).' },
    recommendation_id: { required: false, description: 'The id of the recommendation list the item was shown in (at most 40 characters): records the list as impressions and attributes the event to it.' },
    impression: { required: false, description: 'The item ids shown to the user (at most 25).' },
    properties: { required: false, description: 'The event\'s properties, of which config.event_properties picks the metadata.' },
    traits: { required: false, description: 'An identify call\'s traits, of which config.user_properties picks the user\'s metadata.' },
  },
  // The customer's own AWS account, training their own recommendations: gate it by consent at
  // install when their policy treats personalisation as needing one.
  consent: [],
  // Personalize's quotas, per dataset group: PutEvents 1,000 requests a second (adjustable),
  // PutUsers 10 — limited apart. 50 a second overall is Signal's pace, well under the first.
  rateLimit: { rps: 50, burst: 100, endpoints: { [USERS_ENDPOINT]: { rps: 10, burst: 10 } } },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BODY_BYTES },
  map: personalizeRecord,
  neverSends: personalizeNeverSends,
  send: personalizeRequests,
  sign: signPersonalizeRequest,
  classify: (response, request, ctx) => classifyPersonalize(response, request, ctx.config),
});
