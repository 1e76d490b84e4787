// Segment's HTTP Tracking API batch call: `POST https://api.segment.io/v1/batch` (EU workspaces:
// events.eu1.segmentapis.com), body `{ batch: [messages…], sentAt, writeKey }`. The write key goes
// both ways Segment documents, as its own analytics-node sends it: as the HTTP Basic user name
// (empty password) and as the body's `writeKey` ("writeKey authentication", the one Segment's docs
// list first and its mobile libraries moved to), so the batch is taken whichever Segment reads.
// The delivery log redacts it in both places (write_key is a secret field). Segment's limits: "a
// maximum of 500KB per batch request", "up to 2500 events" a request (beyond that Segment answers
// 200 and rejects the events), and each event "less than 32KB" (its libraries stop at 32 << 10
// bytes; a larger event makes the whole request a 400). The request's `sentAt` is the delivery's
// time, on Signal's clock, like the messages' `timestamp`: Segment corrects a timestamp by
// `receivedAt − (sentAt − timestamp)`, which keeps the time of an event whatever the delay of its
// delivery (a retry hours later) and cancels any offset between Signal's clock and Segment's.
import { PermanentError, type JsonObject, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { BATCH_URLS, regionOf, writeKeyOf } from './config.ts';

/** Events a request carries at most: Segment's "up to 2500 events" a batch. */
export const MAX_EVENTS = 2500;
/**
 * Bytes of a request's body at most: Segment's "less than 500KB", with the margin its own
 * libraries keep (analytics-python: 475,000).
 */
export const MAX_BYTES = 475_000;
/** Bytes of one message at most: "less than 32KB", as Segment's libraries read it (32 << 10). */
export const MAX_MESSAGE_BYTES = 32 * 1024;

/**
 * The Basic authorization header of a write key: the key as the user name, an empty password
 * ("Include a colon before encoding").
 *
 * @example
 * basicAuthorization('abc123'); // 'Basic YWJjMTIzOg=='
 */
export function basicAuthorization(writeKey: string): string {
  return `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;
}

/** The body of one request: its messages, the delivery's time and the write key. */
const envelope = (batch: JsonObject[], sentAt: string, writeKey: string): JsonObject => ({ batch, sentAt, writeKey });

/**
 * The batch requests for mapped events: in order, at most `MAX_EVENTS` messages and `MAX_BYTES`
 * of body each, every event once. A message over 32 KB is refused (a PermanentError: the core
 * then dead-letters that event alone and sends the others), since Segment would refuse the whole
 * request for it.
 *
 * @example
 * batchRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://api.segment.io/v1/batch', headers: { authorization: 'Basic …', 'content-type': 'application/json' },
 * //    body: { batch: [{ type: 'track', event: 'Signed Up', messageId: 'm-1', … }], sentAt: '2026-12-01T10:00:00.000Z', writeKey: '…' }, eventIds: ['m-1'] }]
 */
export function batchRequests(events: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = BATCH_URLS[regionOf(ctx.config)];
  const headers = { authorization: basicAuthorization(writeKeyOf(ctx.config)), 'content-type': 'application/json' };
  const sentAt = new Date(ctx.now).toISOString();
  const writeKey = writeKeyOf(ctx.config);
  const emptyBytes = Buffer.byteLength(JSON.stringify(envelope([], sentAt, writeKey)));
  const requests: RequestDescriptor[] = [];
  let messages: JsonObject[] = [];
  let ids: string[] = [];
  let bytes = emptyBytes;
  const flush = () => {
    if (messages.length === 0) return;
    requests.push({ method: 'POST', url, headers, body: envelope(messages, sentAt, writeKey), eventIds: ids });
    messages = [];
    ids = [];
    bytes = emptyBytes;
  };
  for (const event of events) {
    const size = Buffer.byteLength(JSON.stringify(event.payload));
    if (size > MAX_MESSAGE_BYTES) {
      throw new PermanentError(`the message is ${size.toLocaleString('en')} bytes of JSON, more than the 32 KB Segment takes for one event (it would refuse the whole batch): leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
    }
    // + 1: the comma between two messages.
    if (messages.length >= MAX_EVENTS || bytes + size + 1 > MAX_BYTES) flush();
    messages.push(event.payload);
    ids.push(event.id);
    bytes += size + 1;
  }
  flush();
  return requests;
}
