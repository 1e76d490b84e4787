// The requests carrying events to LaunchDarkly's events service, as its server-side SDKs send
// them (go-sdk-events `event_sender.go`, js-core `EventSender.ts`): `POST {events origin}/bulk`
// with a JSON array of events, `Authorization: <SDK key>`, `Content-Type: application/json`,
// `X-LaunchDarkly-Event-Schema: 4` and `X-LaunchDarkly-Payload-ID`: a UUID naming the payload,
// the same when it is sent again, so that LaunchDarkly keeps one of a payload it received twice
// (the SDKs generate it once per payload and resend it unchanged on their retry; LaunchDarkly's
// SDK test harness ignores a payload ID it has seen for that reason; the metric import API's page
// documents the header as "a UUID for the payload, which you can use to retry failed requests").
// Here it is derived from the SDK key and the payload's event ids, so a retry from Signal's queue
// sends the same ID for the same events, and the same events sent to another environment (a
// second integration, or a replay after the SDK key was corrected) another ID: whether
// LaunchDarkly keeps the IDs it has seen per environment or across them is not documented.
// The SDKs flush up to their events capacity, 10,000 by default, in one payload; LaunchDarkly
// documents no size limit (a 413 is answered by sending the request again in halves).
import { nameBasedUuid, splitBatch, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';

/** Events a request: the server-side SDKs' default events capacity (`DefaultEventsCapacity`, `capacity: 10000`). */
export const MAX_EVENTS = 10_000;
/** Bytes of JSON a request: the plugin's own bound (LaunchDarkly documents none). */
export const MAX_BYTES = 2_000_000;
/** The event schema the server-side SDKs send (`currentEventSchema`). */
export const EVENT_SCHEMA = '4';
/** The namespace of the payload IDs (a fixed random UUID: changing it changes every ID). */
const NAMESPACE_UUID = '3b0f6c1e-9a5d-4f7e-8c2b-1d0a9e8f7c6b';

/**
 * The payload ID of a request: the name-based UUID (RFC 9562 version 5) of the SDK key and the
 * event ids in order, so the same events to the same environment give the same ID whenever they
 * are sent again, and other events, or the same events to another environment, another.
 *
 * @example
 * payloadId('sdk-…', ['m-1', 'm-2']); // e.g. '9f0c…-…-5…-…-…', always the same for this key and these ids
 */
export function payloadId(sdkKey: string, eventIds: readonly string[]): string {
  return nameBasedUuid([sdkKey, ...eventIds].join('\n'), { version: 5, namespace: NAMESPACE_UUID });
}

/**
 * The bulk request for some events, in order.
 *
 * @example
 * bulkRequest(events, ctx);
 * // { method: 'POST', url: 'https://events.launchdarkly.com/bulk',
 * //   headers: { 'content-type': 'application/json', authorization: 'sdk-…', 'x-launchdarkly-event-schema': '4', 'x-launchdarkly-payload-id': '…' },
 * //   body: [{ kind: 'custom', … }], eventIds: [...] }
 */
export function bulkRequest(events: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  const options = optionsOf(ctx.config);
  const eventIds = events.map((e) => e.id);
  return {
    method: 'POST',
    url: options.eventsUrl,
    headers: {
      'content-type': 'application/json',
      authorization: options.sdkKey,
      'x-launchdarkly-event-schema': EVENT_SCHEMA,
      'x-launchdarkly-payload-id': payloadId(options.sdkKey, eventIds),
    },
    body: events.map((e) => e.payload),
    eventIds,
  };
}

/**
 * Requests for a batch of mapped events: parts of at most 10,000 events and 2,000,000 bytes of
 * JSON (the array's brackets counted), every event in exactly one request, in order.
 *
 * @example
 * buildRequests(twentyThousandAndOne, ctx).map((r) => r.eventIds.length); // [10000, 10000, 1]
 */
export function buildRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  if (batch.length === 0) return [];
  return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES, overheadBytes: 2 }).map((part) => bulkRequest(part, ctx));
}
