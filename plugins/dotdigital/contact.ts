// An identify as a Dotdigital contact (Contacts API v3, by its email identifier). Dotdigital
// gives a new contact's email channel the status `subscribed` when the request names none
// ("for new contacts this defaults to subscribed"), and keeps an existing contact's status when
// it names none. So a contact is created only from an identify carrying marketing consent and
// an email of its own (not only the one Signal remembers, context.traits.email): POST
// /contacts/v3 with `channelProperties.email.status: subscribed` and the config's lists, which
// Dotdigital refuses (409) for a contact it has; the lookup and the update follow without
// status or lists (classify.ts). An update never sends a status: `subscribed` would resubscribe someone who
// unsubscribed (Dotdigital resubscribes without a challenge by default), `unsubscribed` would
// unsubscribe a subscriber, and an identify says neither; and never lists, which would put back
// on a list someone who left it. Without consent the contact is looked up first (GET
// /contacts/v3/email/{email}) and only one Dotdigital has is updated (PATCH by its contactId,
// which cannot create one, unlike a PATCH by email: Dotdigital's PATCH is an upsert): an identify
// without consent creates no contact, which Dotdigital would make a subscriber.
import { cutText, isConsentGranted, isJsonObject, isRememberedOnly, mappedEmail, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { DATA_FIELD_NAME, dataFieldsOf, listIdsOf } from './config.ts';

/** The longest text data field value the plugin sends (Dotdigital's String data fields hold 255). */
export const MAX_DATA_FIELD_CHARS = 255;

/** How an identify reaches its contact: a creation (consent), or a lookup then an update (no consent). */
export type ContactStep = 'create' | 'lookup';

/** What the map hook hands the requests for an identify: the step, the email, the creation's and the update's bodies. */
export interface ContactPlan {
  step: ContactStep;
  email: string;
  /** The body of POST /contacts/v3 (step `create` only). */
  create?: JsonObject;
  /** The body of the update, PATCH /contacts/v3/contactId/{id}: data fields only (may be empty). */
  update: JsonObject;
}

/**
 * Whether the event grants `marketing` and denies it nowhere (Signal's consent gate's reading).
 *
 * @example
 * hasMarketingConsent({ context: { consent: { marketing: true } } } as CanonicalEvent); // true
 * hasMarketingConsent({ context: {} } as CanonicalEvent);                               // false
 */
export function hasMarketingConsent(event: CanonicalEvent): boolean {
  return isConsentGranted(event, ['marketing']);
}

/** A data field value as Dotdigital takes one (text, number, boolean), or why it was left out. */
function dataFieldValue(value: JsonValue): { value: JsonValue } | { leftOut: string } | undefined {
  if (value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    return text.length > MAX_DATA_FIELD_CHARS ? { value: cutText(text, MAX_DATA_FIELD_CHARS) } : { value: text };
  }
  if (typeof value === 'number') return Number.isFinite(value) ? { value } : { leftOut: 'not a finite number' };
  if (typeof value === 'boolean') return { value };
  return { leftOut: 'an object or a list: Dotdigital data fields hold text, numbers, dates or yes/no' };
}

/**
 * The contact's data fields: the blueprint's (`dataFields.*`), then the config's trait → data
 * field pairs from the identify's traits; names in capitals. What Dotdigital cannot take is
 * left out, said with ctx.warn.
 *
 * @example
 * dataFieldsFrom({ firstName: 'Jane' }, identify, { config: { data_fields: { plan: 'PLAN' } }, … });
 * // { FIRSTNAME: 'Jane', PLAN: 'pro' }
 */
export function dataFieldsFrom(mapped: JsonValue | undefined, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const fields: JsonObject = {};
  const given: Array<[string, JsonValue]> = isJsonObject(mapped) ? Object.entries(mapped) : [];
  const traits = isJsonObject(event.traits as JsonValue | undefined) ? (event.traits as JsonObject) : {};
  for (const [trait, field] of dataFieldsOf(ctx.config)) {
    // Own traits only: a trait named `constructor` is no function of Object's.
    const value = Object.hasOwn(traits, trait) ? traits[trait] : undefined;
    if (value !== undefined) given.push([field, value]);
  }
  for (const [key, value] of given) {
    const name = key.toUpperCase();
    if (!DATA_FIELD_NAME.test(name)) {
      ctx.warn?.(`dataFields.${key} left out: the plugin sends Dotdigital data field names in capitals, digits and underscores`);
      continue;
    }
    const fitted = dataFieldValue(value);
    if (fitted === undefined) continue;
    if ('leftOut' in fitted) ctx.warn?.(`dataFields.${name} left out: ${fitted.leftOut}`);
    else fields[name] = fitted.value;
  }
  return fields;
}

/**
 * The plan for an identify, or null when it is not sent: no email (Dotdigital's contacts are
 * named by it here), or no consent and nothing to update. A malformed email dead-letters the
 * identify (mappedEmail's PermanentError names the trait).
 *
 * @example
 * contactPlan({ email: 'jane@example.com', dataFields: { FIRSTNAME: 'Jane' } }, identifyWithConsent, { config: { list_ids: [7] }, … });
 * // { step: 'create', email: 'jane@example.com', create: { identifiers: { email: 'jane@example.com' }, dataFields: { FIRSTNAME: 'Jane' }, channelProperties: { email: { status: 'subscribed' } }, lists: [7] }, update: { dataFields: { FIRSTNAME: 'Jane' } } }
 * contactPlan({ email: 'jane@example.com', dataFields: { FIRSTNAME: 'Jane' } }, identifyWithoutConsent, ctx);
 * // { step: 'lookup', email: 'jane@example.com', update: { dataFields: { FIRSTNAME: 'Jane' } } }
 */
export function contactPlan(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): ContactPlan | null {
  const email = mappedEmail(payload.email, 'Dotdigital');
  if (email === undefined) return null;
  const dataFields = dataFieldsFrom(payload.dataFields, event, ctx);
  const update: JsonObject = Object.keys(dataFields).length > 0 ? { dataFields } : {};
  if (hasMarketingConsent(event)) {
    if (!isRememberedOnly(payload.email, 'email', event)) {
      const create: JsonObject = { identifiers: { email }, ...update, channelProperties: { email: { status: 'subscribed' } } };
      const lists = listIdsOf(ctx.config);
      if (lists.length > 0) create.lists = lists;
      return { step: 'create', email, create, update };
    }
    ctx.warn?.('no subscription or lists: the identify gives no email of its own, only the one Signal remembers of the person (context.traits), so only a contact Dotdigital has is updated');
  }
  // Without consent only a contact Dotdigital has is updated: with nothing to update, nothing to send.
  if (Object.keys(update).length === 0) return null;
  return { step: 'lookup', email, update };
}
