// A track call as a Drip event, for Record an event (one record of `{"events": [...]}`, alone or
// in a batch): the subscriber's email (else Drip's id), `action` (Drip's workflows and rules
// trigger on the action's exact text, so it is sent as the site wrote it, only trimmed),
// `properties` (flat, contact information removed), `occurred_at` (the call's time, ISO 8601
// UTC) and the config's prospect flag. An event names a subscriber: an anonymous visitor's
// names no one in Drip and is not sent.
import { PermanentError, removeContactInfo, utcTimeText, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { identityOf } from './identity.ts';
import { flatProperties } from './property-values.ts';

/** Longest action the plugin sends (Drip documents none; its actions are short names). */
export const MAX_ACTION_CHARS = 255;

/**
 * An event's action as Drip takes it: the name trimmed. A blank one, or one over 255
 * characters, is a PermanentError naming the problem.
 *
 * @example
 * actionOf(' Signed Up '); // 'Signed Up'
 */
export function actionOf(value: JsonValue | undefined): string {
  const action = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (action === '') throw new PermanentError(`Drip needs an event action, and ${JSON.stringify(value ?? null)} is none: name the event, or map another action in the blueprint`);
  if (action.length > MAX_ACTION_CHARS) throw new PermanentError(`the event name is ${action.length} characters long; Signal sends Drip actions of at most ${MAX_ACTION_CHARS}`);
  return action;
}

/**
 * The event record of a track call, or null when it names no subscriber (said with ctx.warn).
 *
 * @example
 * eventRecord({ email: 'jane@example.com', action: 'Signed Up', properties: { plan: 'pro', email: 'x@y.z' }, occurred_at: '2024-03-24T16:00:00Z' }, ctx);
 * // { email: 'jane@example.com', action: 'Signed Up', properties: { plan: 'pro' }, occurred_at: '2024-03-24T16:00:00.000Z' }
 */
export function eventRecord(payload: JsonObject, ctx: PluginContext): JsonObject | null {
  const identity = identityOf(payload, ctx.warn);
  if (identity === undefined) {
    ctx.warn?.('not sent to Drip: the event names no subscriber (no email in traits or remembered from an identify, and no Drip subscriber id)');
    return null;
  }
  const record: JsonObject = { ...identity, action: actionOf(payload.action) };
  const raw = payload.properties;
  if (raw !== null && raw !== undefined && typeof raw === 'object' && !Array.isArray(raw)) {
    const properties = flatProperties(removeContactInfo(raw), 'properties', ctx);
    if (Object.keys(properties).length > 0) record.properties = properties;
  }
  const occurredAt = utcTimeText(payload.occurred_at);
  if (occurredAt !== undefined) record.occurred_at = occurredAt;
  else if (payload.occurred_at !== undefined && payload.occurred_at !== null) ctx.warn?.(`occurred_at left out: ${JSON.stringify(payload.occurred_at)} is no time (Drip then records the time it receives the event)`);
  if (typeof ctx.config.prospect === 'boolean') record.prospect = ctx.config.prospect;
  return record;
}
