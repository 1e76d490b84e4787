// The HEC request: `POST {url}/services/collector/event`, `Authorization: Splunk <token>`, a
// body of JSON event objects one after another (HEC's batch format: no array, no commas), one
// per Signal event — `time` (epoch seconds, milliseconds as decimals), the configured `host`,
// `source`, `sourcetype` and `index`, the event record as `event`, and the indexed fields the
// config chooses, if any, as `fields` (strings only, as HEC requires). With indexer acknowledgment on, the
// integration's channel goes in `X-Splunk-Request-Channel`; with gzip on, the body is
// compressed (`Content-Encoding: gzip`).
import { gzipSync } from 'node:zlib';
import { allowedPrivateTargets, readInstantMs, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { authorizationOf, baseUrlOf, channelOf, compresses, EVENT_PATH, indexedFieldsOf, metadataOf, usesIndexerAck } from './config.ts';

/**
 * Events a request carries at most: Signal's choice — HEC sets no count, and the answer to a
 * refused event names it by its place in the request.
 */
export const MAX_EVENTS = 500;
/**
 * Bytes of a request's body at most, before compression: under Splunk Cloud Platform's HEC
 * limit of 1 MB a request (Splunk Enterprise's `max_content_length` is 800 MB by default, see
 * the README), so one default fits both.
 */
export const MAX_BYTES = 1_000_000;

/**
 * HEC's `time` for an instant: epoch seconds, the milliseconds as decimals (a number, as HEC's
 * examples give it), or undefined when the value is no time (HEC then stamps the time it
 * received the event).
 *
 * @example
 * hecTime('2026-11-30T11:59:58.250Z'); // 1796039998.25
 */
export function hecTime(value: JsonValue | undefined): number | undefined {
  const ms = readInstantMs(value);
  return ms === undefined ? undefined : Math.round(ms) / 1000;
}

/**
 * The JSON event object HEC indexes for one event record: `time` from the record's timestamp
 * (received_at when it has none), the config's metadata, the record as `event`, the chosen
 * indexed fields as `fields` (those the record has, as strings; none unless configured).
 *
 * @example
 * hecEvent({ message_id: 'm-1', type: 'track', event: 'Order Completed', timestamp: '2026-11-30T11:59:58.250Z' }, { index: 'web_events', sourcetype: 'signal:event', indexed_fields: ['type', 'event'] });
 * // { time: 1796039998.25, sourcetype: 'signal:event', index: 'web_events', event: { message_id: 'm-1', … }, fields: { type: 'track', event: 'Order Completed' } }
 */
export function hecEvent(record: JsonObject, config: Record<string, JsonValue>): JsonObject {
  const time = hecTime(record.timestamp) ?? hecTime(record.received_at);
  const fields: JsonObject = {};
  for (const name of indexedFieldsOf(config)) {
    const value = record[name];
    if (typeof value === 'string' && value !== '') fields[name] = value;
    else if (typeof value === 'number' && Number.isFinite(value)) fields[name] = String(value);
  }
  return {
    ...(time === undefined ? {} : { time }),
    ...metadataOf(config),
    event: record,
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
  };
}

/**
 * The request headers: the token, JSON, gzip when compressed, and the channel when indexer
 * acknowledgment is on.
 *
 * @example
 * hecHeaders({ config: { token: '12345678-…', indexer_acknowledgment: true }, integrationId: 'int_1' }, false);
 * // { authorization: 'Splunk 12345678-…', 'content-type': 'application/json', 'x-splunk-request-channel': 'd94edfb0-…' }
 */
export function hecHeaders(ctx: Pick<PluginContext, 'config' | 'integrationId'>, gzip: boolean): Record<string, string> {
  return {
    authorization: authorizationOf(ctx.config),
    'content-type': 'application/json',
    ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    ...(usesIndexerAck(ctx.config) ? { 'x-splunk-request-channel': channelOf(ctx.integrationId) } : {}),
  };
}

/**
 * The HEC requests for a batch: its events in order, at most `MAX_EVENTS` events and
 * `MAX_BYTES` of body each (measured before compression), every event once (`eventIds` in the
 * order of the body, which HEC's `invalid-event-number` counts by). An event larger than
 * `MAX_BYTES` on its own is refused before sending (the core then dead-letters that event
 * alone, and sends the others).
 *
 * @example
 * hecRequests(mapped, ctx);
 * // [{ method: 'POST', url: 'https://http-inputs-acme.splunkcloud.com/services/collector/event',
 * //    headers: { authorization: 'Splunk 12345678-…', 'content-type': 'application/json' },
 * //    body: '{"time":1796039998.25,"sourcetype":"_json","event":{…}}{"time":…}', eventIds: ['m-1', 'm-2'] }]
 */
export function hecRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  const url = `${baseUrlOf(ctx.config)}${EVENT_PATH}`;
  const gzip = compresses(ctx.config);
  const headers = hecHeaders(ctx, gzip);
  const allow = allowedPrivateTargets(ctx.config);
  const requests: RequestDescriptor[] = [];
  let parts: string[] = [];
  let ids: string[] = [];
  let bytes = 0;
  const flush = (): void => {
    if (ids.length === 0) return;
    const text = parts.join('');
    requests.push({
      method: 'POST', url, headers, body: gzip ? new Uint8Array(gzipSync(text)) : text, eventIds: ids,
      ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
    });
    parts = [];
    ids = [];
    bytes = 0;
  };
  for (const event of batch) {
    const part = JSON.stringify(hecEvent(event.payload, ctx.config));
    const size = Buffer.byteLength(part);
    if (size > MAX_BYTES) {
      throw new Error(`the event is ${size.toLocaleString('en')} bytes of JSON, more than an HEC request carries (${MAX_BYTES.toLocaleString('en')}): leave its largest properties out with a pipeline transformation or the blueprint's exclude`);
    }
    if (ids.length >= MAX_EVENTS || bytes + size > MAX_BYTES) flush();
    parts.push(part);
    ids.push(event.id);
    bytes += size;
  }
  flush();
  return requests;
}
