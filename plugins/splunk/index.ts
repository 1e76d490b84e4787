import { EVENT_RECORD_FIELDS, definePlugin } from '../../core/sdk/index.ts';
import { classifyHec } from './classify.ts';
import { CONFIG_SCHEMA, includesContactInfo, splunkConfigWarnings, validateSplunkConfig } from './config.ts';
import { eventRecord } from './event-record.ts';
import { hecRequests, MAX_BYTES, MAX_EVENTS } from './hec-request.ts';
import { INDEXER_ACK } from './indexer-ack.ts';

export { classifyHec } from './classify.ts';
export { baseUrlOf, channelOf, CONFIG_SCHEMA, splunkConfigWarnings, validateSplunkConfig } from './config.ts';
export { eventRecord, hashedId } from './event-record.ts';
export { hecAnswer, said } from './hec-answer.ts';
export { hecEvent, hecRequests, hecTime, MAX_BYTES, MAX_EVENTS } from './hec-request.ts';
export { ackReceipt, ackRequest, INDEXER_ACK, readAck } from './indexer-ack.ts';

/**
 * Splunk HTTP Event Collector (Splunk Cloud Platform and Splunk Enterprise): every event
 * indexed as one JSON event through HEC's event endpoint — a batch of event objects a request,
 * each with `time` in epoch seconds, the configured index, source, sourcetype (`_json` by
 * default: every field indexed) and host, the event record as `event`, and the indexed `fields`
 * the config chooses (none by default); the answer read by
 * HEC's status code (a refused token or index dead-lettered naming the config field, one
 * unreadable event dead-lettered alone, a busy HEC retried as a rate limit); optional indexer
 * acknowledgment followed up through the processing report; contact information left out
 * unless the config includes it. No person deletions: Splunk has no API for them. See README.md.
 *
 * @example
 * // config: { url: 'https://http-inputs-acme.splunkcloud.com', token: '12345678-9abc-4def-8123-456789abcdef', index: 'web_events' }
 * splunk.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://http-inputs-acme.splunkcloud.com/services/collector/event',
 * //    headers: { authorization: 'Splunk 12345678-9abc-4def-8123-456789abcdef', 'content-type': 'application/json' },
 * //    body: '{"time":1796039998.25,"sourcetype":"_json","index":"web_events","event":{"message_id":"m-1","type":"track",…}}',
 * //    eventIds: ['m-1'] }]
 */
export default definePlugin({
  id: 'splunk',
  name: 'Splunk (HTTP Event Collector)',
  category: 'other',
  description: 'Sends every event to Splunk Cloud Platform or Splunk Enterprise through the HTTP Event Collector, as a JSON event with its time, your index, source, sourcetype (_json by default: every field indexed, searchable and countable with tstats) and host: batched, the answer read by HEC\'s status codes (a refused token or index named, one unreadable event dead-lettered alone, a busy HEC slowed down for), optional indexer acknowledgment confirmed afterwards, contact information left out unless you include it.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateSplunkConfig,
  configWarnings: splunkConfigWarnings,
  variants: {
    default: { description: 'Every event as one HEC event whose event is the record: message_id, type, event, name, user_id, anonymous_id, group_id, previous_id, timestamp, received_at, sent_at, properties, traits and context — without contact information unless config.include_contact_info is on; time from the timestamp.', blueprint: 'splunk/default.yaml' },
  },
  vendorFields: { ...EVENT_RECORD_FIELDS, timestamp: { required: true, description: 'When the event happened (ISO 8601, UTC); also HEC\'s time, as epoch seconds with milliseconds.' } },
  // The customer's own Splunk, not a third party: no consent category is recommended (gate it
  // by consent at install when your policy treats analytics storage as needing one).
  consent: [],
  // Signal's pace, not a Splunk limit: HEC sets none, and answers 503 (code 9, server busy) when
  // its queues are full, which slows the integration down.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, _event, ctx) => eventRecord(payload, { includeContactInfo: includesContactInfo(ctx.config) }),
  send: hecRequests,
  // HEC's documented answer to an accepted request ("Format events for HTTP Event Collector").
  successAnswer: { status: 200, headers: { 'content-type': 'application/json; charset=UTF-8' }, body: { text: 'Success', code: 0 } },
  classify: (response, request, ctx) => classifyHec(response, request, ctx),
  // With indexer acknowledgment on: whether HEC's accepted requests were indexed, asked afterwards.
  processingReport: INDEXER_ACK,
});
