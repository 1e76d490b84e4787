// What the blueprint mapped, fitted to one record of Attio's API: a person (an identify, for
// Assert a person record) or a company (a group call, for Assert a company record). What Attio
// would refuse for good is dead-lettered here, each event on its own, saying why; what names no
// record in Attio (no email, no domain) is not sent. Track, page, screen and alias calls are
// never sent: Attio's REST API has no endpoint for a person's events or page views (its records
// hold attributes, and its notes and tasks are written by people, not by a site).
import { isJsonObject, neverSentTypes, PermanentError, recordKinds, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { companyValues } from './company.ts';
import { nameParts, personValues } from './person.ts';

/** The records the plugin sends, each to its object's Assert endpoint. */
export const KINDS = ['person', 'company'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Attio', KINDS);

/** Bytes of one request body (Attio documents no limit; this is room for hundreds of attributes). */
export const MAX_BODY_BYTES = 256_000;

/** A fitted record: its kind, the attribute values Attio receives, and a person's partial name merged after the assert. */
export interface AttioRecord {
  kind: Kind;
  values: JsonObject;
  partial_name?: JsonObject;
}

/**
 * Why the plugin never sends an event of this type, or undefined when it may (the map hook
 * drops such events itself, so this holds whatever the blueprint).
 *
 * @example
 * neverSentReason({ type: 'track' } as CanonicalEvent);    // 'not sent to Attio: Attio\'s API has no events of a person (its records hold attributes)'
 * neverSentReason({ type: 'identify' } as CanonicalEvent); // undefined
 */
export const neverSentReason = neverSentTypes('Attio', {
  track: 'Attio\'s API has no events of a person (its records hold attributes)',
  page: 'Attio has no page views',
  screen: 'Attio has no screen views',
  alias: 'Attio has no alias call (people are matched by email)',
});

/**
 * The map hook: the blueprint's payload as an Attio record (`{ kind, values }`), or null — not
 * sent — for an event of a type Attio has no use for, or one naming no person or company.
 *
 * @example
 * fitRecord({ kind: 'person', email: 'jane@example.com', firstName: 'Jane' }, identify, ctx);
 * // { kind: 'person', values: { email_addresses: ['jane@example.com'] }, partial_name: { first_name: 'Jane' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const never = neverSentReason(event);
  if (never !== undefined) {
    ctx.warn?.(never);
    return null;
  }
  const kind = RECORD_KINDS.of(payload);
  const values = kind === 'person' ? personValues(payload, ctx) : companyValues(payload, ctx);
  if (values === null) return null;
  const bytes = Buffer.byteLength(JSON.stringify({ data: { values } }));
  if (bytes > MAX_BODY_BYTES) throw new PermanentError(`the ${kind} takes ${bytes} bytes of JSON, more than the ${MAX_BODY_BYTES} Signal sends Attio in one request: map fewer or shorter traits (config.${kind}_attributes)`);
  const partialName = kind === 'person' && values.name === undefined ? nameParts(payload) : undefined;
  const record: AttioRecord = { kind, values, ...(partialName === undefined ? {} : { partial_name: { ...partialName } }) };
  return { ...record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'company', values: { domains: ['acme.com'] } }); // { kind: 'company', values: { domains: ['acme.com'] } }
 * recordOf({ domain: 'acme.com' });                                 // undefined
 */
export function recordOf(payload: JsonObject): AttioRecord | undefined {
  const { kind, values } = payload;
  if (!RECORD_KINDS.is(kind)) return undefined;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) return undefined;
  const partialName = payload.partial_name;
  return { kind, values, ...(isJsonObject(partialName) ? { partial_name: partialName } : {}) };
}
