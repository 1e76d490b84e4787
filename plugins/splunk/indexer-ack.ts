// Indexer acknowledgment (Splunk Enterprise; on Splunk Cloud Platform only for Amazon Data
// Firehose). With it on for the token, HEC's 200 means received, not indexed: the answer
// carries an `ackId`, and `POST /services/collector/ack` on the same channel with
// `{"acks": [ackId]}` answers `{"acks": {"<ackId>": true}}` once the events are indexed
// (false until then). The core's processing report asks for it: a while after the request was
// accepted, again while it is false (each wait twice the last), and records the answer in the
// delivery log; still false after the last check, the report says so as the integration's last
// error. Events are not sent again then: HEC has no idempotency key, and an ack still false
// does not say the events were lost (an indexer may be slow, or the query may have reached
// another indexer behind a load balancer), so a re-send could index them twice — replay the
// period from Signal's stored events if a search shows Splunk lost them.
import type { JsonValue, PluginContext, ProcessingReport, ProcessingReportReading, RequestDescriptor, VendorResponse } from '../../core/sdk/index.ts';
import { allowedPrivateTargets, isJsonObject } from '../../core/sdk/index.ts';
import { ACK_PATH, authorizationOf, baseUrlOf, channelOf, usesIndexerAck } from './config.ts';
import { hecAnswer } from './hec-answer.ts';

/** What the processing report follows: the ackId HEC answered and the channel it was sent on. */
export interface AckReceipt {
  ackId: number;
  channel: string;
}

/**
 * The receipt of an accepted event request: its ackId and channel, when indexer
 * acknowledgment is on and HEC answered one.
 *
 * @example
 * ackReceipt({ status: 200, headers: {}, body: '…', json: { text: 'Success', code: 0, ackId: 7 } }, request, ctx);
 * // { ackId: 7, channel: 'd94edfb0-0731-4631-a600-fd808056d704' }
 */
export function ackReceipt(response: VendorResponse, request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'integrationId'>): JsonValue | undefined {
  if (!usesIndexerAck(ctx.config)) return undefined;
  const ackId = hecAnswer(response)?.ackId;
  if (ackId === undefined) return undefined;
  // The channel the request carried (the integration's), which the ack query must name.
  const channel = Object.entries(request.headers ?? {}).find(([name]) => name.toLowerCase() === 'x-splunk-request-channel')?.[1] ?? channelOf(ctx.integrationId);
  return { ackId, channel };
}

/** A receipt read back, or undefined when it is not one of ours. */
function receiptOf(receipt: JsonValue): AckReceipt | undefined {
  return isJsonObject(receipt) && typeof receipt.ackId === 'number' && typeof receipt.channel === 'string' ? { ackId: receipt.ackId, channel: receipt.channel } : undefined;
}

/**
 * The acknowledgment query for a receipt: `POST {url}/services/collector/ack?channel=<GUID>`,
 * the channel in `X-Splunk-Request-Channel` too, the token, `{"acks": [ackId]}`.
 *
 * @example
 * ackRequest({ ackId: 7, channel: 'd94edfb0-…' }, ctx);
 * // { method: 'POST', url: 'https://splunk.example.com:8088/services/collector/ack', query: [['channel', 'd94edfb0-…']],
 * //   headers: { authorization: 'Splunk …', 'content-type': 'application/json', 'x-splunk-request-channel': 'd94edfb0-…' }, body: { acks: [7] }, eventIds: [] }
 */
export function ackRequest(receipt: JsonValue, ctx: PluginContext): RequestDescriptor {
  const read = receiptOf(receipt);
  // A receipt Signal did not write cannot happen; an empty query is answered, not thrown.
  const ackId = read?.ackId ?? -1;
  const channel = read?.channel ?? channelOf(ctx.integrationId);
  const allow = allowedPrivateTargets(ctx.config);
  return {
    method: 'POST', url: `${baseUrlOf(ctx.config)}${ACK_PATH}`, query: [['channel', channel]],
    headers: { authorization: authorizationOf(ctx.config), 'content-type': 'application/json', 'x-splunk-request-channel': channel },
    body: { acks: [ackId] }, eventIds: [],
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  };
}

/**
 * HEC's acknowledgment answer: true — indexed; false — not yet (asked again); anything else is
 * not the ack endpoint's answer, asked again too.
 *
 * @example
 * readAck({ status: 200, headers: {}, body: '…', json: { acks: { '7': true } } }, { ackId: 7, channel: '…' });
 * // { done: true, failed: 0, message: 'Splunk indexed the request\'s events (ackId 7)' }
 */
export function readAck(response: VendorResponse, receipt: JsonValue): ProcessingReportReading {
  const read = receiptOf(receipt);
  const acks = isJsonObject(response.json) ? response.json.acks : undefined;
  const state = read !== undefined && isJsonObject(acks) ? acks[String(read.ackId)] : undefined;
  if (state === true) return { done: true, failed: 0, message: `Splunk indexed the request's events (ackId ${read!.ackId})` };
  return { pending: true, message: state === false ? `not indexed yet (ackId ${read?.ackId})` : `the ack endpoint's answer names no ackId ${read?.ackId ?? ''}`.trim() };
}

/**
 * The processing report: first asked 10 s after HEC accepted the request (Splunk indexes in
 * seconds), up to 8 checks, the waits doubling up to 80 s — about 7 minutes in all.
 */
export const INDEXER_ACK: ProcessingReport = {
  afterSeconds: 10,
  maxChecks: 8,
  receipt: ackReceipt,
  request: ackRequest,
  read: readAck,
};
