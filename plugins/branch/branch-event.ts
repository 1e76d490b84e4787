// One event as Branch's Events API takes it, fitted from what the blueprint mapped (the map
// hook): `name` (a standard event, or any other name for a custom event), `customer_event_alias`
// (standard events), `user_data`, `custom_data`, `event_data` and `content_items` (standard
// events; Branch's custom events take none). The Branch Key is added by the request builder,
// so the mapped event kept in the delivery log never holds it. An event without a Branch event
// name, or without an identifier Branch requires, is not sent (ctx.warn says why).
import { PermanentError, readText, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { branchContentItems, branchCustomData, branchEventData } from './event-data.ts';
import { branchEventName, isStandardEvent, signalEventName } from './event-names.ts';
import { branchUserData, hasBranchIdentifier } from './user-data.ts';

/**
 * The most bytes one request's body may take (Signal's bound: Branch documents none; an event is
 * at most 32 KB as collect stores it, so a mapped event past this is a mapping mistake).
 */
export const MAX_BODY_BYTES = 64 * 1024;
/** Room kept in MAX_BODY_BYTES for the branch_key the request builder adds. */
const KEY_ROOM = 256;

/**
 * The Branch event of a mapped event (the map hook), or null when it cannot be sent: no Branch
 * event name (config.event_names, else the blueprint's), or no identifier Branch requires
 * (developer_identity, browser_fingerprint_id, an iOS or Android device id).
 *
 * @example
 * toBranchEvent({ name: 'PURCHASE', user_data: { developer_identity: 'u-1' }, event_data: { transaction_id: 'ORD-1', revenue: 74.97, currency: 'eur' } }, orderCompleted, ctx);
 * // { name: 'PURCHASE', user_data: { developer_identity: 'u-1' }, event_data: { transaction_id: 'ORD-1', revenue: 74.97, currency: 'EUR' } }
 */
export function toBranchEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string) => ctx.warn?.(message);
  const what = signalEventName(event);
  const name = branchEventName(payload, event, ctx);
  if (name === undefined) {
    const example = event.type === 'page' ? 'page' : what;
    warn(`"${what}" not sent to Branch: no Branch event name for it (name it in config.event_names, e.g. {"${example}": "${event.type === 'page' ? 'page_viewed' : 'PURCHASE'}"}; page calls are sent only when named there)`);
    return null;
  }
  const standard = isStandardEvent(name);
  const userData = branchUserData(payload, event, warn);
  if (!hasBranchIdentifier(userData)) {
    warn(`"${what}" not sent to Branch: no identifier Branch requires — a userId (developer_identity), a browser fingerprint id (the landing URL's _branch_match_id, kept in the _dfbranchmatchid cookie, or integrations.Branch.browser_fingerprint_id), or an iOS or Android device's advertising or vendor id with context.os.name`);
    return null;
  }

  const body: JsonObject = { name };
  const alias = readText(payload.customer_event_alias) ?? (ctx.config.send_event_alias === true ? what : undefined);
  if (standard && alias !== undefined && alias !== name) body.customer_event_alias = alias;
  else if (!standard && readText(payload.customer_event_alias) !== undefined) warn('customer_event_alias left out: Branch takes an alias with standard events only');
  body.user_data = userData;
  const customData = branchCustomData(payload.custom_data);
  if (customData !== undefined) body.custom_data = customData;
  const eventData = branchEventData(payload.event_data, warn);
  if (eventData !== undefined) body.event_data = eventData;
  const items = branchContentItems(payload.content_items, warn);
  if (items !== undefined && standard) body.content_items = items;
  else if (items !== undefined) warn(`content_items left out: "${name}" is a custom event, and Branch takes content items with standard events only`);

  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > MAX_BODY_BYTES - KEY_ROOM) {
    throw new PermanentError(`the Branch event is ${bytes} bytes, more than the ${MAX_BODY_BYTES - KEY_ROOM} Signal sends in one request: map fewer properties into custom_data`);
  }
  return body;
}
