import { EVENT_RECORD_FIELDS, definePlugin } from '../../core/sdk/index.ts';
import { classifySend } from './classify.ts';
import { CONFIG_SCHEMA, includesContactInfo, validateEventHubsConfig } from './config.ts';
import { eventBody } from './event-body.ts';
import { eventHubsForgetPerson } from './forget-person.ts';
import { MAX_BODY_BYTES, MAX_EVENTS, sendRequests } from './send-request.ts';
import { signRequest } from './shared-access-signature.ts';

export { azureError, classifySend, SERVER_BUSY_WAIT_MS } from './classify.ts';
export { CONFIG_SCHEMA, hubTarget, namespaceHost, parseConnectionString, validateEventHubsConfig } from './config.ts';
export { eventBody, hashedId } from './event-body.ts';
export { deletionNoticeRequest, eventHubsForgetPerson, readDeletionNotice } from './forget-person.ts';
export { API_VERSION, BATCH_CONTENT_TYPE, batchMessage, MAX_BODY_BYTES, MAX_EVENTS, messagesUrl, partitionKey, sendRequest, sendRequests } from './send-request.ts';
export { resourceUri, sharedAccessSignature, signRequest, TOKEN_LIFETIME_SECONDS } from './shared-access-signature.ts';

/**
 * Azure Event Hubs: every event sent as one JSON event to the customer's own event hub through
 * the REST API's "Send batch events" (one request per partition key, per person by default, so a
 * person's events stay in order on one partition), authorised by a Shared Access Signature made
 * from a shared access policy's key when each request is sent; contact information left out
 * unless the config includes it; person deletions, when turned on, as deletion notice events.
 * See README.md.
 *
 * @example
 * // config: { namespace: 'shop-events', event_hub: 'signal-events', shared_access_key_name: 'signal-send', shared_access_key: '…' }
 * azureEventHubs.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://shop-events.servicebus.windows.net/signal-events/messages', query: [['api-version', '2014-01']],
 * //    headers: { 'content-type': 'application/vnd.microsoft.servicebus.json' },
 * //    body: [{ Body: '{"message_id":"m-1","type":"track",…}', BrokerProperties: { PartitionKey: 'u-42' }, UserProperties: { kind: 'event', type: 'track', message_id: 'm-1' } }],
 * //    eventIds: ['m-1'] }]
 * azureEventHubs.sign!(request, ctx); // + Authorization: SharedAccessSignature sr=https%3A%2F%2Fshop-events.servicebus.windows.net%2Fsignal-events&sig=…&se=<now + 600>&skn=signal-send
 */
export default definePlugin({
  id: 'azure_event_hubs',
  name: 'Azure Event Hubs',
  category: 'cloud_storage',
  description: 'Sends every event as a JSON event to your own Azure event hub (REST API, Send batch events), partitioned per person so each person\'s events stay in order, signed with a Shared Access Signature from a send-only policy\'s key or connection string; batches within your tier\'s request size, throttling retried as Azure\'s SDKs do, contact information left out unless you include it, and optional deletion notice events for your consumers (Stream Analytics, Functions, Fabric, Databricks…).',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateEventHubsConfig,
  variants: {
    default: { description: 'Every event as one Event Hubs event whose body is the JSON of message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, properties, traits and context — without contact information unless config.include_contact_info is on — with user properties kind, type and message_id.', blueprint: 'azure_event_hubs/default.yaml' },
  },
  vendorFields: {
    ...EVENT_RECORD_FIELDS,
    message_id: { required: true, description: 'The event\'s messageId: deduplicate on it when reading (Event Hubs and Signal\'s retries deliver at least once). Also the user property message_id.' },
    type: { required: true, description: 'track, page, screen, identify, group or alias (also the user property type).' },
    user_id: { required: false, description: 'The partition key with partition_key person (default).' },
    anonymous_id: { required: false, description: 'The partition key when there is no userId, or with partition_key anonymous_id.' },
  },
  // The customer's own event hub, not a third party: no consent category is recommended (gate it
  // by consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not an Azure quota: a throughput unit takes 1 MB or 1,000 events a second of
  // ingress (a request per person in a batch may be small); "server busy" answers slow Signal down.
  rateLimit: { rps: 50, burst: 100 },
  // The largest request of any tier: send packs Basic-tier requests within 256 KB.
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BODY_BYTES.standard },
  map: (payload, _event, ctx) => eventBody(payload, { includeContactInfo: includesContactInfo(ctx.config) }),
  send: sendRequests,
  sign: signRequest,
  classify: (response, request, ctx) => classifySend(response, request, ctx.config, ctx.now),
  // Event Hubs' documented answer to an accepted send: 201 Created, an empty body (no header
  // that Microsoft's reference names; see the README's Unconfirmed).
  successAnswer: { status: 201, body: '' },
  forgetPerson: eventHubsForgetPerson,
});
