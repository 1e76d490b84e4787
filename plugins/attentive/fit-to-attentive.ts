// What the blueprint mapped, fitted to one request body of Attentive's REST API: custom
// attributes (an identify), a custom event (a track call) or an eCommerce event (Segment's and
// GA4's product views, cart additions and orders). What Attentive would refuse for good is
// dead-lettered here, each event on its own, saying why; an event that names no one (an
// anonymous visitor) is not sent: Attentive keeps no anonymous profiles.
import { PermanentError, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { customAttributesBody } from './custom-attributes.ts';
import { customEventBody } from './custom-event.ts';
import { ECOMMERCE_PATHS, ecommerceBody, type EcommerceKind } from './ecommerce.ts';
import { userOf } from './identity.ts';

/** The kinds of record the plugin sends, each to its endpoint. */
export const KINDS = ['custom_attributes', 'custom_event', 'product_view', 'add_to_cart', 'purchase'] as const;
export type Kind = (typeof KINDS)[number];

/** A fitted record: its kind and the body Attentive receives. */
export interface AttentiveRecord {
  kind: Kind;
  body: JsonObject;
}

function isKind(value: unknown): value is Kind {
  return typeof value === 'string' && (KINDS as readonly string[]).includes(value);
}

function isEcommerce(kind: Kind): kind is EcommerceKind {
  return Object.hasOwn(ECOMMERCE_PATHS, kind);
}

/**
 * The map hook: the blueprint's payload as an Attentive record (`{ kind, body }`), or null —
 * not sent — for an event naming no one, or an identify with no attribute to set. An eCommerce
 * event none of whose items Attentive can take (no product id or price) goes as a custom event
 * of its name instead, said with ctx.warn.
 *
 * @example
 * fitRecord({ kind: 'custom_event', type: 'Signed Up', client_user_id: 'u-1', external_event_id: 'm-1' }, track, ctx);
 * // { kind: 'custom_event', body: { type: 'Signed Up', externalEventId: 'm-1', user: { externalIdentifiers: { clientUserId: 'u-1' } } } }
 */
export function fitRecord(payload: JsonObject, _event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const kind = payload.kind;
  if (!isKind(kind)) throw new PermanentError(`the blueprint mapped ${kind === undefined ? 'no kind' : `the kind ${JSON.stringify(kind)}`}: Signal sends Attentive the kinds ${KINDS.join(', ')}`);
  const user = userOf(payload, ctx);
  if (user === null) return null;
  let record: AttentiveRecord | null;
  if (kind === 'custom_attributes') {
    const body = customAttributesBody(payload, user, ctx);
    record = body === null ? null : { kind, body };
  } else if (isEcommerce(kind)) {
    const body = ecommerceBody(kind, payload, user, ctx);
    if (body === null) ctx.warn?.(`sent as a custom event: none of its items has the product id and price Attentive's ${ECOMMERCE_PATHS[kind]} event needs`);
    record = body === null ? { kind: 'custom_event', body: customEventBody(payload, user, ctx) } : { kind, body };
  } else {
    record = { kind, body: customEventBody(payload, user, ctx) };
  }
  return record === null ? null : { ...record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'purchase', body: { items: [] } }); // { kind: 'purchase', body: { items: [] } }
 * recordOf({ type: 'Viewed' });                       // undefined
 */
export function recordOf(payload: JsonObject): AttentiveRecord | undefined {
  const { kind, body } = payload;
  if (!isKind(kind)) return undefined;
  if (body === null || body === undefined || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return { kind, body };
}
