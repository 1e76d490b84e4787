import { EVENT_RECORD_FIELDS, definePlugin } from '../../core/sdk/index.ts';
import { classifyPutEvents, PUT_EVENTS_ANSWER } from './classify.ts';
import { CONFIG_SCHEMA, eventBridgeConfigWarnings, includesContactInfo, validateEventBridgeConfig } from './config.ts';
import { eventDetail } from './event-detail.ts';
import { eventBridgeForgetPerson } from './forget-person.ts';
import { MAX_BODY_BYTES, MAX_ENTRIES, putEventsRequests, signPutEvents } from './put-events-request.ts';

export { awsError, classifyPutEvents, entryOutcome, PUT_EVENTS_ANSWER } from './classify.ts';
export { CONFIG_SCHEMA, eventBridgeConfigWarnings, eventBusNameOf, validateEventBridgeConfig } from './config.ts';
export { eventDetail, withoutContactInfo } from './event-detail.ts';
export { DELETION_DETAIL_TYPE, DELETION_NOTICE_ANSWER, deletionNoticeRequest, eventBridgeForgetPerson, readDeletionNotice } from './forget-person.ts';
export { detailTypeOf, endpointOf, entrySize, eventTime, MAX_BODY_BYTES, MAX_ENTRIES, MAX_ENTRIES_BYTES, putEventsEntry, putEventsRequests, signPutEvents } from './put-events-request.ts';

/**
 * Amazon EventBridge: every event put on the customer's own event bus (PutEvents, up to 10
 * entries a request), the config's source, a detail-type per event (a track event's name, or
 * the call's type) and the event's JSON as detail, so that their rules route it to Lambda, Step
 * Functions, SQS, API destinations…; signed with AWS Signature Version 4 when sent; per-entry
 * outcomes from AWS's per-entry results; contact information left out unless the config
 * includes it; person deletions, when turned on, as deletion notice events. See README.md.
 *
 * @example
 * // config: { region: 'eu-west-1', event_bus_name: 'signal-events', source: 'com.acme.signal', access_key_id: 'AKIA…', secret_access_key: '…' }
 * amazonEventBridge.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://events.eu-west-1.amazonaws.com/',
 * //    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSEvents.PutEvents' },
 * //    body: { Entries: [{ Source: 'com.acme.signal', DetailType: 'Order Completed', Detail: '{"message_id":"m-1","type":"track",…}',
 * //                        EventBusName: 'signal-events', Time: 1796039998.25 }] }, eventIds: ['m-1'] }]
 * amazonEventBridge.sign!(request, ctx); // + x-amz-date and Authorization: AWS4-HMAC-SHA256 Credential=AKIA…/<day>/eu-west-1/events/aws4_request, …
 */
export default definePlugin({
  id: 'amazon_eventbridge',
  name: 'Amazon EventBridge',
  category: 'cloud_storage',
  description: 'Puts every event on your own Amazon EventBridge event bus (PutEvents, signed with AWS Signature Version 4), with your source, a detail-type per event (the track event\'s name, or the call type) and the event\'s JSON as detail, so your rules route it to Lambda, Step Functions, SQS, API destinations…; per-event outcomes from AWS\'s per-entry results, contact information left out unless you include it, and optional deletion notice events for your targets.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateEventBridgeConfig,
  configWarnings: eventBridgeConfigWarnings,
  variants: {
    default: { description: 'Every event as one EventBridge event whose detail is message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, properties, traits and context — without contact information unless config.include_contact_info is on.', blueprint: 'amazon_eventbridge/default.yaml' },
  },
  vendorFields: {
    ...EVENT_RECORD_FIELDS,
    message_id: { required: true, description: 'The event\'s messageId: deduplicate on it in your targets (a retried event may come twice; EventBridge\'s own id differs on each put).' },
    event: { required: false, description: 'A track event\'s name (also its detail-type by default).' },
    timestamp: { required: true, description: 'When the event happened (ISO 8601, UTC); also the EventBridge event\'s time.' },
  },
  // The customer's own event bus, not a third party: no consent category is recommended (gate
  // it by consent at install when your policy treats what the rules' targets do as needing one).
  consent: [],
  // Signal's pace, not an AWS quota: PutEvents takes from hundreds to 10,000 requests a second
  // by Region (an adjustable quota); a throttled entry is retried on its own as a rate limit.
  rateLimit: { rps: 50, burst: 100 },
  batch: { maxEvents: MAX_ENTRIES, maxBytes: MAX_BODY_BYTES },
  map: (payload, _event, ctx) => eventDetail(payload, { includeContactInfo: includesContactInfo(ctx.config) }),
  send: putEventsRequests,
  sign: signPutEvents,
  classify: (response, request, ctx) => classifyPutEvents(response, request, ctx.config),
  // PutEvents's documented answer: a 2xx without FailedEntryCount and an Entries list of the
  // request's length is not counted as put.
  successAnswer: PUT_EVENTS_ANSWER,
  forgetPerson: eventBridgeForgetPerson,
});
