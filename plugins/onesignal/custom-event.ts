// A track call (or a page call the config names) as a OneSignal custom event, which Journeys
// start, continue and exit on (OneSignal: Custom events): `{ name, external_id, timestamp,
// idempotency_key, properties }` — name at most 128 characters, the whole event at most 2,024
// bytes (OneSignal: Create custom events, "Maximum size for each event is 2024 bytes"). The
// user is named by External ID (the userId): an anonymous visitor's event is not sent. The
// properties go without contact information (removeContactInfo): OneSignal needs none of it to
// trigger a Journey.
import {
  eventMapName, isJsonObject, PermanentError, readInstantMs, readText, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { MAX_EVENT_NAME_CHARS } from './config.ts';
import { externalIdOf } from './external-id.ts';
import { idempotencyKeyOf } from './idempotency-key.ts';

/** The most bytes of one custom event, serialised (OneSignal: Create custom events). */
export const MAX_EVENT_BYTES = 2024;

type Warn = ((message: string) => void) | undefined;

const bytesOf = (value: JsonValue): number => Buffer.byteLength(JSON.stringify(value));

/**
 * The event within 2,024 bytes: its largest properties left out until it fits, saying which.
 * An event too large without any property (a long external id) is refused.
 *
 * @example
 * withinEventBytes({ name: 'x', external_id: 'u', properties: { note: 'a'.repeat(3000), plan: 'pro' } }, warn);
 * // { name: 'x', external_id: 'u', properties: { plan: 'pro' } } (warned: properties.note left out)
 */
export function withinEventBytes(event: JsonObject, warn: Warn): JsonObject {
  if (bytesOf(event) <= MAX_EVENT_BYTES) return event;
  const properties = isJsonObject(event.properties) ? { ...event.properties } : {};
  const bySize = Object.keys(properties).sort((a, b) => bytesOf(properties[b]!) - bytesOf(properties[a]!) || a.localeCompare(b));
  const left: string[] = [];
  let fitted: JsonObject = event;
  for (const key of bySize) {
    delete properties[key];
    left.push(key);
    fitted = { ...event, properties: { ...properties } };
    if (Object.keys(properties).length === 0) delete fitted.properties;
    if (bytesOf(fitted) <= MAX_EVENT_BYTES) break;
  }
  if (bytesOf(fitted) > MAX_EVENT_BYTES) {
    throw new PermanentError(`the custom event is ${bytesOf(fitted)} bytes without any property, over the ${MAX_EVENT_BYTES} bytes OneSignal takes for one event`);
  }
  warn?.(`properties left out (${left.map((key) => `properties.${key}`).join(', ')}): OneSignal takes at most ${MAX_EVENT_BYTES} bytes for one custom event`);
  return fitted;
}

/**
 * The map hook for a track call (`kind: 'event'`) or a page call (`kind: 'page'`):
 * `{ kind: 'event', external_id, event: { name, external_id, timestamp, idempotency_key, properties? } }`,
 * or null (with a warning) for an anonymous visitor's event, or a page call the config does not
 * name. The name: config.event_names for the event, else (track calls) the blueprint's.
 *
 * @example
 * toCustomEvent({ kind: 'event', external_id: 'u-1', name: 'Signed Up', properties: { plan: 'pro' } }, event, ctx);
 * // { kind: 'event', external_id: 'u-1', event: { name: 'Signed Up', external_id: 'u-1', timestamp: '2026-12-01T11:00:00.000Z', idempotency_key: '…', properties: { plan: 'pro' } } }
 */
export function toCustomEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = ctx.warn;
  const page = payload.kind === 'page';
  const what = page ? 'the page call' : `"${event.event ?? readText(payload.name) ?? ''}"`;
  const name = eventMapName(event, ctx.config.event_names) ?? (page ? undefined : readText(payload.name));
  if (name === undefined) {
    warn?.(page
      ? `${what} not sent to OneSignal: page calls are sent only as the custom event config.event_names names for them (e.g. {"page": "page_viewed"} or {"page:${event.name ?? 'Pricing'}": "viewed_pricing"})`
      : `${what} not sent to OneSignal: the blueprint mapped no custom event name`);
    return null;
  }
  const externalId = externalIdOf(payload.external_id);
  if (externalId === undefined) {
    warn?.(`${what} not sent to OneSignal: custom events need the user's External ID (the userId) and this event has none (an anonymous visitor's)`);
    return null;
  }
  const chars = Array.from(name).length;
  if (chars > MAX_EVENT_NAME_CHARS) {
    throw new PermanentError(`the custom event name has ${chars} characters and OneSignal takes at most ${MAX_EVENT_NAME_CHARS}: name a shorter one in config.event_names`);
  }
  const ms = readInstantMs(payload.timestamp ?? event.timestamp);
  const custom: JsonObject = {
    name,
    external_id: externalId,
    ...(ms !== undefined ? { timestamp: new Date(ms).toISOString() } : {}),
    idempotency_key: idempotencyKeyOf(event.messageId),
  };
  if (isJsonObject(payload.properties)) {
    const properties = removeContactInfo(payload.properties);
    if (Object.keys(properties).length > 0) custom.properties = properties;
  }
  return { kind: 'event', external_id: externalId, event: withinEventBytes(custom, warn) };
}
