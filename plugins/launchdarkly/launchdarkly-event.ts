// Fits a mapped event to an event of LaunchDarkly's events service, as its server-side SDKs
// write them (go-sdk-events `events_output.go`; js-core `EventProcessor.ts`):
// - a custom event, `{ kind: 'custom', creationDate, key, contextKeys, data?, metricValue? }`,
//   for a track event (under config.event_keys' key, else its own name) or a page call that
//   config.event_keys names: what custom metrics (conversion and numeric) and experiments count;
// - an identify event, `{ kind: 'identify', creationDate, context }`, for an identify call
//   (unless config.send_identify is off) whose context is not anonymous only: the context with
//   its attributes, for the Contexts list and targeting.
// Screen, group and alias calls are not sent (LaunchDarkly's context-aware SDKs send no alias
// events), nor events without the id config.context_key asks for; each says why.
import { isJsonObject, readDecimal, removeContactInfo, withoutQueries, eventMapName, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { optionsOf, type LaunchDarklyOptions } from './config.ts';
import { contextAttributesOf, contextKeysOf, contextsOf, identifyContextOf } from './context.ts';

type Warn = ((message: string) => void) | undefined;

/** Why a call is not sent, by its type (the words after "not sent: "). */
const NOT_SENT: Record<string, string> = {
  screen: 'LaunchDarkly counts custom events by key, and a screen call has none; send a track event to count a screen',
  group: 'a group call is no LaunchDarkly event (set an organization context kind in your SDKs to target groups)',
  alias: 'LaunchDarkly\'s context-aware SDKs send no alias events; keys are joined by the context kinds sent with each event (config.anonymous_context_kind)',
};
/** Why a page call config.event_keys does not name is not sent. */
const PAGE_NOT_NAMED = 'page calls go to LaunchDarkly only when config.event_keys names them (page, or page:<name>) with the event key of a metric';
/** Why a track event config.event_keys does not name is not sent when unmapped events are off. */
const notNamed = (name: string): string => `config.event_keys does not name "${name}" and config.send_unmapped_events is off`;

/**
 * Why an event of this type and name is never sent with these options, whatever else it
 * carries, or undefined when it may be: screen, group and alias calls; identify calls with
 * config.send_identify off; page calls config.event_keys does not name; track events it does not
 * name with config.send_unmapped_events off. The map hook's own first checks, and the plugin's
 * `neverSends` (so such events are not queued).
 *
 * @example
 * neverSentReason({ type: 'page', name: 'Home' }, { eventKeys: {}, sendUnmapped: true, sendIdentify: true }); // 'page calls go to LaunchDarkly only when config.event_keys names them …'
 * neverSentReason({ type: 'track', event: 'Order Completed' }, { eventKeys: {}, sendUnmapped: true, sendIdentify: true }); // undefined
 */
export function neverSentReason(event: CanonicalEvent, options: Pick<LaunchDarklyOptions, 'eventKeys' | 'sendUnmapped' | 'sendIdentify'>): string | undefined {
  const notSent = NOT_SENT[event.type];
  if (notSent !== undefined) return notSent;
  if (event.type === 'identify') return options.sendIdentify ? undefined : 'config.send_identify is off';
  if (eventMapName(event, options.eventKeys) !== undefined) return undefined;
  if (event.type === 'page') return PAGE_NOT_NAMED;
  if (event.type === 'track' && !options.sendUnmapped) return notNamed(event.event ?? '');
  return undefined;
}

/** The event's time in ms since the epoch (the blueprint's `timestamp`), else now. */
function creationDateOf(payload: JsonObject, now: number): number {
  return typeof payload.timestamp === 'number' && Number.isFinite(payload.timestamp) ? Math.trunc(payload.timestamp) : now;
}

/**
 * The LaunchDarkly event key of an event: config.event_keys' (a track event by name, a page call
 * by page:<name> then page), else a track event's own name unless config.send_unmapped_events is
 * off; undefined when the event is not sent, with the reason.
 *
 * @example
 * eventKeyOf({ type: 'track', event: 'Order Completed' }, 'Order Completed', { eventKeys: { 'Order Completed': 'purchase' }, sendUnmapped: true }); // { key: 'purchase' }
 * eventKeyOf({ type: 'page', name: 'Home' }, 'page', { eventKeys: {}, sendUnmapped: true }); // { skipped: 'not sent: … page calls …' }
 */
export function eventKeyOf(event: CanonicalEvent, name: string, options: Pick<LaunchDarklyOptions, 'eventKeys' | 'sendUnmapped'>): { key: string } | { skipped: string } {
  const mapped = eventMapName(event, options.eventKeys);
  if (mapped !== undefined) return { key: mapped };
  if (event.type === 'page') return { skipped: `not sent: ${PAGE_NOT_NAMED}` };
  if (name === '') return { skipped: 'not sent: the event has no name, so no LaunchDarkly event key' };
  if (!options.sendUnmapped) return { skipped: `not sent: ${notNamed(name)}` };
  return { key: name };
}

/**
 * A custom event's data: the event's properties without contact information or URL queries
 * (LaunchDarkly passes data on through Data Export); undefined when nothing is left.
 *
 * @example
 * eventData({ order_id: 'o-1', email: 'jane@example.com', url: 'https://shop.example/?e=1' }); // { order_id: 'o-1', url: 'https://shop.example/' }
 */
export function eventData(properties: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(properties)) return undefined;
  const unqueried = withoutQueries(properties);
  const data = isJsonObject(unqueried) ? removeContactInfo(unqueried) : {};
  return Object.keys(data).length > 0 ? data : undefined;
}

/**
 * The LaunchDarkly event of a mapped event, or null (with a warning saying why) when it is not
 * sent.
 *
 * @example
 * fitEvent({ event_name: 'Order Completed', user_id: 'u-1', timestamp: 1711296000000, metric_value: 42.5, data: { order_id: 'o-1' } }, event, ctx, ctx.warn);
 * // { kind: 'custom', creationDate: 1711296000000, key: 'purchase', contextKeys: { user: 'u-1' }, data: { order_id: 'o-1' }, metricValue: 42.5 }
 */
export function fitEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext, warn: Warn): JsonObject | null {
  const options = optionsOf(ctx.config);
  // First what no event of this type and name gets past (the plugin's neverSends too).
  const notSent = neverSentReason(event, options);
  if (notSent !== undefined) {
    warn?.(`not sent: ${notSent}`);
    return null;
  }
  const parts = contextsOf(payload, options);
  if (parts.length === 0) {
    const which = options.contextKey === 'userId' ? 'no userId' : options.contextKey === 'anonymousId' ? 'no anonymousId' : 'neither a userId nor an anonymousId';
    warn?.(`not sent: the event has ${which} (config.context_key ${options.contextKey}), and LaunchDarkly counts events per context key`);
    return null;
  }
  const creationDate = creationDateOf(payload, ctx.now);

  if (event.type === 'identify') {
    // LaunchDarkly keeps no anonymous context in its Contexts list ("If true, the context will not
    // appear on the Contexts page", the SDKs' LDContextCommon.anonymous): an identify event whose
    // contexts are all anonymous would show nothing and only hand LaunchDarkly the traits.
    if (parts.every((part) => part.anonymous)) {
      warn?.('not sent: the identify call\'s context is keyed by the anonymousId only (anonymous), and LaunchDarkly shows no anonymous context in its Contexts list');
      return null;
    }
    const { attributes, redacted } = contextAttributesOf(payload.traits, options, warn);
    return { kind: 'identify', creationDate, context: identifyContextOf(parts, attributes, redacted) };
  }

  const name = typeof payload.event_name === 'string' ? payload.event_name.trim() : '';
  const keyed = eventKeyOf(event, name, options);
  if ('skipped' in keyed) {
    warn?.(keyed.skipped);
    return null;
  }
  const custom: JsonObject = { kind: 'custom', creationDate, key: keyed.key, contextKeys: contextKeysOf(parts) };
  if (options.sendData) {
    const data = eventData(payload.data);
    if (data !== undefined) custom.data = data;
  }
  const metricValue = readDecimal(payload.metric_value, { vendor: 'LaunchDarkly', field: 'metricValue' });
  if (metricValue !== undefined) custom.metricValue = metricValue;
  return custom;
}
