// A track call as Omnisend's "Send Customer event", POST /events: `eventName`, `eventID` (a
// UUID), `eventTime` (the call's time, RFC 3339), `origin` ("api": Omnisend's value for a
// store's own integration), `eventVersion` (recommended events only), `contact` (email and/or
// phone: Omnisend creates or updates the contact from it, so only the identifiers are sent —
// the contact's data comes from identify) and `properties`.
//
// The eventID is a version 5 UUID of the event's messageId: the same on every retry and replay.
// Omnisend: "Events with the same eventID and eventTime are processed only once" — but only for
// historical events, not those that trigger automations, so a retry after an answer lost on the
// way can still reach a real-time automation twice.
import { nameBasedUuid, PermanentError, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { identityOf } from './identity.ts';
import { recommendedEventOf } from './recommended-events.ts';

/** The namespace of the plugin's eventIDs (a fixed, random one): a messageId always gives the same UUID. */
export const EVENT_ID_NAMESPACE = '4f0c2a6e-8d3b-4b7a-9e15-2c7d9a61f3b8';
/** Omnisend's origin for an integration a store runs itself ("api for custom stores"). */
export const ORIGIN = 'api';

/**
 * The eventID of a Signal event: a version 5 UUID of its messageId.
 *
 * @example
 * eventIdOf('m-1'); // the same UUID (version 5) on every call
 */
export function eventIdOf(messageId: string): string {
  return nameBasedUuid(messageId, { version: 5, namespace: EVENT_ID_NAMESPACE });
}

/** The call's time as RFC 3339, as Omnisend's eventTime takes it. */
function eventTimeOf(event: CanonicalEvent): string {
  const ms = Date.parse(event.timestamp);
  return new Date(Number.isFinite(ms) ? ms : Date.now()).toISOString();
}

/** An event name as Omnisend takes it: trimmed; a blank one is a PermanentError. */
function eventNameOf(value: JsonValue | undefined): string {
  const name = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (name === '') throw new PermanentError(`Omnisend needs an event name, and ${JSON.stringify(value ?? null)} is none: name the event, or map another eventName in the blueprint`);
  return name;
}

/**
 * The body of POST /events for a track call, or null when it names no contact (an anonymous
 * visitor's: no email or phone known), said with ctx.warn. A Segment e-commerce event becomes
 * Omnisend's recommended event (config.ecommerce_events, on by default; see
 * recommended-events.ts); any other goes under its own name with its properties, contact
 * information removed.
 *
 * @example
 * eventBody({ eventName: 'Signed Up', email: 'jane@example.com', properties: { plan: 'pro' } }, track, ctx);
 * // { eventName: 'Signed Up', eventID: '…', eventTime: '2024-03-24T16:00:00.000Z', origin: 'api', contact: { email: 'jane@example.com' }, properties: { plan: 'pro' } }
 */
export function eventBody(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const identity = identityOf(payload, ctx);
  if (identity === undefined) {
    ctx.warn?.('not sent to Omnisend: the event names no contact (no email or phone in traits, nor remembered from an identify)');
    return null;
  }
  const name = eventNameOf(payload.eventName);
  const eventTime = eventTimeOf(event);
  const raw = payload.properties !== null && typeof payload.properties === 'object' && !Array.isArray(payload.properties) ? payload.properties : {};
  // A recommended event's builder picks its order and product fields alone (a product's `name`
  // among them, which contact-data removal would take for a person's); a custom event's
  // properties go as given, so contact data is removed from them.
  const recommended = ctx.config.ecommerce_events === false ? undefined : recommendedEventOf(name, raw, eventTime);
  const body: JsonObject = { eventName: recommended?.eventName ?? name, eventID: eventIdOf(event.messageId), eventTime, origin: ORIGIN };
  if (recommended !== undefined && recommended.eventVersion !== '') body.eventVersion = recommended.eventVersion;
  body.contact = { ...identity };
  const properties = recommended?.properties ?? removeContactInfo(raw);
  if (Object.keys(properties).length > 0) body.properties = properties;
  return body;
}
