// What the blueprint mapped, fitted to one Dotdigital record: a contact (an identify, see
// contact.ts) or an event (a track call, see dotdigital-event.ts). What Dotdigital would refuse
// for good is dead-lettered here, each event on its own; what names no contact is not sent.
import { isJsonObject, recordKinds, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { contactPlan, type ContactPlan } from './contact.ts';
import { eventRecord } from './dotdigital-event.ts';

export const KINDS = ['contact', 'event'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Dotdigital', KINDS);

/** A fitted record: a contact's plan, or an event of the import. */
export type DotdigitalRecord = { kind: 'contact'; plan: ContactPlan } | { kind: 'event'; event: JsonObject };

/**
 * The map hook: the blueprint's payload as a Dotdigital record, or null (not sent).
 *
 * @example
 * fitRecord({ kind: 'event', email: 'jane@example.com', event_type: 'Signed Up' }, track, ctx);
 * // { kind: 'event', event: { contactIdentity: { identifier: 'email', value: 'jane@example.com' }, type: 'Signed Up', timelineDetails: { summary: 'Signed Up' } } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  if (RECORD_KINDS.of(payload) === 'contact') {
    const plan = contactPlan(payload, event, ctx);
    return plan === null ? null : { kind: 'contact', plan: { ...plan } };
  }
  const record = eventRecord(payload, ctx);
  return record === null ? null : { kind: 'event', event: record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', event: { type: 'Viewed' } }); // { kind: 'event', event: { type: 'Viewed' } }
 * recordOf({ type: 'Viewed' });                          // undefined
 */
export function recordOf(payload: JsonObject): DotdigitalRecord | undefined {
  if (payload.kind === 'event' && isJsonObject(payload.event)) return { kind: 'event', event: payload.event };
  const plan = payload.plan;
  if (payload.kind !== 'contact' || !isJsonObject(plan)) return undefined;
  if ((plan.step !== 'create' && plan.step !== 'lookup') || typeof plan.email !== 'string' || !isJsonObject(plan.update)) return undefined;
  const create = isJsonObject(plan.create) ? plan.create : undefined;
  return { kind: 'contact', plan: { step: plan.step, email: plan.email, update: plan.update, ...(create ? { create } : {}) } };
}
