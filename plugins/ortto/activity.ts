// A track call (or a page call the config names) as one custom activity of
// `POST /v1/activities/create` (Create a custom activity event):
// `{ activity_id: "act:cm:…", attributes: { … }, fields: { str::email / str::ei }, location?: { source_ip } }`.
// The activity must exist in Ortto: config.activities maps Signal event names onto activity
// ids, and an event it does not name is not sent. Attributes are the event properties
// config.attribute_fields maps onto attribute ids, and the conversion value `int::v` — at most
// 15 an activity ("Number of attributes per activity: 15", Rate limits).
import { eventMapName, isJsonObject, PermanentError, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { fieldMapOf } from './config.ts';
import { fitFieldValue } from './field-values.ts';
import { identityFieldsOf, locationOf } from './identity.ts';

/** Ortto's limit of attributes an activity. */
export const MAX_ATTRIBUTES = 15;

/** An activity record as the map hook gives it, for the request's `activities` array. */
export interface ActivityRecord {
  kind: 'activity';
  activity: { activity_id: string; attributes: JsonObject; fields: JsonObject; location?: JsonObject };
}

/**
 * The activity id config.activities gives an event (a track event by its name, a page call by
 * `page:<name>` then `page`), or undefined.
 *
 * @example
 * activityIdOf({ type: 'track', event: 'Order Completed' }, { activities: { 'Order Completed': 'act:cm:order-completed' } }); // 'act:cm:order-completed'
 */
export function activityIdOf(event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  return eventMapName(event, config.activities);
}

/**
 * Why the plugin never sends an event with this config (its `neverSends`): any call but an
 * identify that config.activities does not name — the map hook sends no other.
 *
 * @example
 * notAnActivity({ type: 'track', event: 'Clicked' }, { activities: {} }); // 'config.activities names no Ortto custom activity for "Clicked"'
 */
export function notAnActivity(event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  if (event.type === 'identify' || activityIdOf(event, config) !== undefined) return undefined;
  if (event.type === 'track') return `config.activities names no Ortto custom activity for "${event.event ?? ''}"`;
  if (event.type === 'page') return `config.activities names no Ortto custom activity for page calls (page or page:${event.name ?? '<name>'})`;
  return `Ortto takes identify calls as people and track or page calls as custom activities, not ${event.type} calls`;
}

/**
 * The conversion value `int::v` of an amount: Ortto stores decimals as whole numbers × 1,000
 * ("the Ortto API treats decimal values as integers multiplied by 1,000").
 *
 * @example
 * conversionValueOf(74.97); // 74970
 */
export function conversionValueOf(amount: JsonValue | undefined): number | undefined {
  if (typeof amount !== 'number' || !Number.isFinite(amount)) return undefined;
  const value = Math.round(amount * 1000);
  return Number.isSafeInteger(value) ? value : undefined;
}

/**
 * The attributes of an activity: `int::v` (when config.send_value is not off and the event has
 * an amount), then the properties config.attribute_fields maps, in the config's order, at most
 * 15 in all; what an attribute cannot hold, and what is over the limit, left out with ctx.warn.
 *
 * @example
 * attributesOf({ order_id: 'A-1' }, 74.97, { config: { attribute_fields: { order_id: 'str:cm:order-id' } }, … });
 * // { 'int::v': 74970, 'str:cm:order-id': 'A-1' }
 */
export function attributesOf(properties: JsonValue | undefined, amount: JsonValue | undefined, ctx: PluginContext): JsonObject {
  const attributes: JsonObject = {};
  const value = ctx.config.send_value === false ? undefined : conversionValueOf(amount);
  if (value !== undefined) attributes['int::v'] = value;
  const given = isJsonObject(properties) ? properties : {};
  const overLimit: string[] = [];
  for (const [property, attributeId] of fieldMapOf(ctx.config.attribute_fields)) {
    if (!Object.hasOwn(given, property) || Object.hasOwn(attributes, attributeId)) continue;
    const fitted = fitFieldValue(attributeId, given[property]);
    if (fitted === undefined) continue;
    if ('leftOut' in fitted) {
      ctx.warn?.(`properties.${property} left out of ${attributeId}: ${fitted.leftOut}`);
      continue;
    }
    if (Object.keys(attributes).length >= MAX_ATTRIBUTES) {
      overLimit.push(property);
      continue;
    }
    if (fitted.cut) ctx.warn?.(`properties.${property} cut to Ortto's 255 characters for ${attributeId}`);
    attributes[attributeId] = fitted.value;
  }
  if (overLimit.length > 0) ctx.warn?.(`properties ${overLimit.join(', ')} left out: Ortto takes at most ${MAX_ATTRIBUTES} attributes an activity`);
  return attributes;
}

/**
 * The activity record of a track or page call, or null when it is not sent, said with ctx.warn:
 * no activity for it in config.activities, or no person Ortto can merge by.
 *
 * @example
 * activityRecord({ email: 'jane@example.com', properties: { order_id: 'A-1' }, value: 74.97 }, orderCompleted, ctx);
 * // { kind: 'activity', activity: { activity_id: 'act:cm:order-completed', attributes: { 'int::v': 74970, 'str:cm:order-id': 'A-1' }, fields: { 'str::email': 'jane@example.com' } } }
 */
export function activityRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const why = notAnActivity(event, ctx.config);
  if (why !== undefined) {
    ctx.warn?.(`not sent to Ortto: ${why}`);
    return null;
  }
  const activityId = activityIdOf(event, ctx.config)!;
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : 'the page call';
  const fields = identityFieldsOf(payload.email, payload.user_id, what, ctx);
  if (fields === undefined) return null;
  if (payload.value !== undefined && payload.value !== null && typeof payload.value !== 'number') {
    throw new PermanentError(`Ortto takes the conversion value int::v as a number; the blueprint mapped ${JSON.stringify(payload.value)}: map a number (to_number)`);
  }
  const location = locationOf(payload.ip, ctx);
  const record: ActivityRecord = {
    kind: 'activity',
    activity: { activity_id: activityId, attributes: attributesOf(payload.properties, payload.value, ctx), fields, ...(location ? { location } : {}) },
  };
  return { ...record } as unknown as JsonObject;
}
