// One XDM ExperienceEvent as the Edge Network takes it (`{ xdm, data }`), from what the
// blueprint mapped: the eventType (config.event_types first), `_id` (the messageId: Experience
// Platform deduplicates by it), `timestamp`, the identity map, the visitor's IP as ipV4 or ipV6,
// consents, and Adobe Analytics variables in `data.__adobe.analytics` when the config names some.
import { cellValueOf, eventMapName, eventPathValue, isJsonObject, PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { analyticsVariablesOf } from './config.ts';
import { consentsOf } from './consent.ts';
import { identityMapOf } from './identity.ts';

/** Longest text of an Analytics variable Adobe keeps (eVars: 255 bytes; Signal cuts at 255 characters). */
const MAX_VARIABLE_CHARS = 255;

/** The Analytics variables the config names, read from the event; undefined when none has a value. */
function analyticsOf(event: CanonicalEvent, config: Record<string, JsonValue>, warn: (message: string) => void): JsonObject | undefined {
  const analytics: JsonObject = {};
  for (const [name, path] of analyticsVariablesOf(config)) {
    // The canonical event is a JSON object; its type names fields only.
    const value = cellValueOf(eventPathValue(event as unknown as JsonObject, path), MAX_VARIABLE_CHARS, (length) => warn(`data.__adobe.analytics.${name} cut to ${MAX_VARIABLE_CHARS} characters (it had ${length})`));
    if (value === undefined) continue;
    analytics[name] = String(value);
  }
  return Object.keys(analytics).length > 0 ? analytics : undefined;
}

/** The environment with the visitor's IP in the field of its version (ipV4 or ipV6). */
function environmentOf(raw: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const { ipV4, ...rest } = raw;
  const ip = readText(ipV4);
  const environment: JsonObject = { ...rest };
  if (ip !== undefined) environment[ip.includes(':') ? 'ipV6' : 'ipV4'] = ip;
  return Object.keys(environment).length > 0 ? environment : undefined;
}

/**
 * The Edge Network event of a Signal event (the map hook), or null when it has no eventType.
 * Throws a PermanentError (the event is dead-lettered alone) when it has no identity the Edge
 * Network could take as primary.
 *
 * @example
 * toExperienceEvent({ xdm: { eventType: 'web.webpagedetails.pageViews', web: { webPageDetails: { URL: 'https://shop.example.com/', pageViews: { value: 1 } } } }, ecid: '1234…5678' }, pageEvent, ctx);
 * // { xdm: { eventType: 'web.webpagedetails.pageViews', _id: 'm-1', timestamp: '2026-12-01T11:00:00.000Z', identityMap: { ECID: [{ id: '1234…5678', authenticatedState: 'ambiguous', primary: true }] }, web: { … } } }
 */
export function toExperienceEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string) => ctx.warn?.(message);
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const mappedXdm = isJsonObject(payload.xdm) ? payload.xdm : {};
  const eventType = eventMapName(event, ctx.config.event_types) ?? readText(mappedXdm.eventType);
  if (eventType === undefined) {
    warn(`${what} not sent to Adobe: no XDM eventType for it (name one in config.event_types)`);
    return null;
  }
  const identityMap = identityMapOf(event, payload.ecid, ctx.config, warn);
  if (identityMap === undefined) {
    throw new PermanentError(`Adobe's Edge Network requires a primary identity in every event, and ${what} has none it can take: pass the visitor's ECID as context.adobe.ecid, send UUIDv4 anonymousIds (the FPID namespace), or set config.anonymous_id_namespace or config.user_id_namespace`);
  }
  const { eventType: _mappedType, _id: mappedId, timestamp: _mappedTime, identityMap: _mappedMap, environment, consents: _mappedConsents, ...rest } = mappedXdm;
  const at = readInstantMs(mappedXdm.timestamp) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;
  const xdm: JsonObject = {
    eventType,
    _id: readText(mappedId) ?? event.messageId,
    // A time ahead of Signal's clock is sent as now.
    timestamp: new Date(Math.min(at, ctx.now)).toISOString(),
    identityMap,
    ...rest,
  };
  // A one-product event's product (the blueprint maps it apart: its paths take no list index).
  if (isJsonObject(payload.product) && Object.keys(payload.product).length > 0 && xdm.productListItems === undefined) xdm.productListItems = [payload.product];
  const env = environmentOf(environment);
  if (env !== undefined) xdm.environment = env;
  if (ctx.config.send_consent !== false) {
    const consents = consentsOf(event);
    if (consents !== undefined) xdm.consents = consents;
  }
  const out: JsonObject = { xdm };
  const data: JsonObject = isJsonObject(payload.data) ? { ...payload.data } : {};
  const analytics = analyticsOf(event, ctx.config, warn);
  if (analytics !== undefined) data.__adobe = { ...(isJsonObject(data.__adobe) ? data.__adobe : {}), analytics };
  if (Object.keys(data).length > 0) out.data = data;
  return out;
}
