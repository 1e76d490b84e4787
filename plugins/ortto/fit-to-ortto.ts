// The map hook: a mapped event (the blueprint's flat payload) as the Ortto record its request
// carries — an identify as a person of the merge, a track or page call the config names as a
// custom activity. The event's type decides which, whatever the blueprint gives, so the
// plugin's `neverSends` (notAnActivity) holds for any blueprint a revision carries.
import { isJsonObject, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { activityRecord, type ActivityRecord } from './activity.ts';
import { personRecord, type PersonRecord } from './person.ts';

/** A record as requests.ts reads it back from a mapped payload. */
export type OrttoRecord = PersonRecord | ActivityRecord;

/**
 * The Ortto record of a mapped event, or null when it is not sent (said with ctx.warn).
 *
 * @example
 * fitRecord({ email: 'jane@example.com', first_name: 'Jane' }, identify, ctx); // { kind: 'person', person: { fields: { … } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  return event.type === 'identify' ? personRecord(payload, event, ctx) : activityRecord(payload, event, ctx);
}

/**
 * The record a mapped payload holds, or undefined when it holds none of the plugin's.
 *
 * @example
 * recordOf({ kind: 'person', person: { fields: { 'str::email': 'jane@example.com' } } }); // the person record
 */
export function recordOf(payload: JsonObject): OrttoRecord | undefined {
  if (payload.kind === 'person' && isJsonObject(payload.person) && isJsonObject(payload.person.fields)) return payload as unknown as PersonRecord;
  if (payload.kind === 'activity' && isJsonObject(payload.activity) && typeof payload.activity.activity_id === 'string') return payload as unknown as ActivityRecord;
  return undefined;
}
