// What the blueprint mapped, fitted to one Pipedrive person write: the email the person is found
// by, whether a person may be created for it, and the values written (name, phone, the custom
// fields the config maps). What Pipedrive would refuse for good is dead-lettered here, each event
// on its own; an identify naming no email is not sent. Track, page, screen, alias and group
// calls are never sent: Pipedrive keeps no stream of a person's events (its activities and notes
// are a salesperson's tasks and words), and each would cost a person search of its own.
import { isJsonObject, isRememberedOnly, mappedEmail, neverSentTypes, PermanentError, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { customFieldsOf } from './config.ts';

/** Longest name Pipedrive takes is not documented; this keeps a person's name a name. */
export const MAX_NAME_CHARS = 255;
/** Longest text value sent to a custom field (Pipedrive's large text fields hold 65,535). */
export const MAX_TEXT_CHARS = 65_000;
/** Bytes of one request body: a person with its custom fields, with room to spare. */
export const MAX_BODY_BYTES = 256_000;

/** A person write, as the map hook fits it and the requests carry it (in their memo). */
export interface PersonWrite {
  /** The email the person is found by (and created with). */
  email: string;
  /** Whether a person may be created when none holds the email: not for an email only remembered. */
  create: boolean;
  name?: string;
  phone?: string;
  custom_fields?: JsonObject;
}

/**
 * Why the plugin never sends an event of this type, or undefined when it may.
 *
 * @example
 * neverSentReason({ type: 'track' } as CanonicalEvent);    // 'not sent to Pipedrive: …'
 * neverSentReason({ type: 'identify' } as CanonicalEvent); // undefined
 */
export const neverSentReason = neverSentTypes('Pipedrive', {
  track: 'Pipedrive keeps no events of a person (its activities and notes are a salesperson\'s)',
  page: 'Pipedrive has no page views',
  screen: 'Pipedrive has no screen views',
  alias: 'Pipedrive has no alias call (persons are found by email)',
  group: 'the plugin writes persons only',
});

/**
 * One custom field's value as Pipedrive takes it: text (trimmed) and numbers as given, a boolean
 * as the text `true` or `false` — Pipedrive has no yes/no field type, and API v2 coerces no
 * value to a field's type, so a JSON boolean fits none of its fields; an object with a `value`
 * and only text, numbers or nulls beside it as given — the shape API v2 takes for its composite
 * fields (monetary `{ value, currency }`, address `{ value, … }`, date and time ranges `{ value,
 * until }`); undefined — said with ctx.warn — for a list, another object or text too long. An
 * absent or null trait is no request to clear the field, and is left out without a word.
 *
 * @example
 * customFieldValue(' pro ', 'traits.plan', ctx);                          // 'pro'
 * customFieldValue(true, 'traits.beta', ctx);                             // 'true'
 * customFieldValue({ value: 2300, currency: 'EUR' }, 'traits.ltv', ctx);  // { value: 2300, currency: 'EUR' }
 * customFieldValue({ a: 1 }, 'traits.x', ctx);                            // undefined, warned
 */
export function customFieldValue(value: JsonValue | undefined, at: string, ctx: PluginContext): string | number | JsonObject | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return undefined;
    if (text.length > MAX_TEXT_CHARS) {
      ctx.warn?.(`${at} left out: ${text.length} characters, more than the ${MAX_TEXT_CHARS} Signal sends a Pipedrive custom field`);
      return undefined;
    }
    return text;
  }
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return String(value);
  if (isJsonObject(value) && value.value !== undefined && value.value !== null
    && Object.values(value).every((part) => part === null || typeof part === 'string' || typeof part === 'number')) return { ...value };
  ctx.warn?.(`${at} left out: Signal sends Pipedrive custom fields text, numbers, or an object of a composite field (monetary, address, range) with its value: { value, … } of text and numbers, not ${Array.isArray(value) ? 'a list' : 'another object'} (map a field of it instead)`);
  return undefined;
}

/** The person's name: the full name given, else first and last joined. */
function nameOf(payload: JsonObject): string | undefined {
  const full = readText(payload.name);
  const joined = [readText(payload.firstName), readText(payload.lastName)].filter((part) => part !== undefined).join(' ');
  const name = full ?? (joined === '' ? undefined : joined);
  return name === undefined ? undefined : name.slice(0, MAX_NAME_CHARS);
}

/**
 * The map hook: the blueprint's payload as a person write (`PersonWrite`), or null — not sent —
 * for an event of a type the plugin never sends, or an identify carrying no email. An email the
 * call itself does not give (only remembered in context.traits) finds and updates the person,
 * and never creates one. A malformed email is a PermanentError naming it.
 *
 * @example
 * fitPerson({ email: 'jane@example.com', firstName: 'Jane', traits: { plan: 'pro' } }, identify, ctx({ custom_fields: { plan: 'd4de…' } }));
 * // { email: 'jane@example.com', create: true, name: 'Jane', custom_fields: { 'd4de…': 'pro' } }
 */
export function fitPerson(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const never = neverSentReason(event);
  if (never !== undefined) {
    ctx.warn?.(never);
    return null;
  }
  const email = mappedEmail(payload.email, 'Pipedrive', { strict: true });
  if (email === undefined) {
    ctx.warn?.('not sent to Pipedrive: the identify carries no email (traits.email, or one Signal remembers), and the plugin finds persons by their email');
    return null;
  }
  const write: PersonWrite = { email, create: !isRememberedOnly(payload.email, 'email', event) };
  const name = nameOf(payload);
  if (name !== undefined) write.name = name;
  const phone = readText(payload.phone);
  if (phone !== undefined) write.phone = phone.slice(0, 255);
  const fields: JsonObject = {};
  const traits = isJsonObject(payload.traits) ? payload.traits : {};
  for (const [trait, key] of customFieldsOf(ctx.config)) {
    if (!Object.hasOwn(traits, trait)) continue;
    const value = customFieldValue(traits[trait], `traits.${trait}`, ctx);
    if (value !== undefined) fields[key] = value;
  }
  if (Object.keys(fields).length > 0) write.custom_fields = fields;
  const bytes = Buffer.byteLength(JSON.stringify(write));
  if (bytes > MAX_BODY_BYTES) throw new PermanentError(`the person takes ${bytes} bytes of JSON, more than the ${MAX_BODY_BYTES} Signal sends Pipedrive in one request: map fewer or shorter traits (config.custom_fields)`);
  return { ...write };
}

/**
 * The person write of a mapped payload (fitPerson's, or a memo's), or undefined.
 *
 * @example
 * personWriteOf({ email: 'jane@example.com', create: true }); // { email: 'jane@example.com', create: true }
 * personWriteOf({ kind: 'event' });                           // undefined
 */
export function personWriteOf(value: JsonValue | undefined): PersonWrite | undefined {
  if (!isJsonObject(value) || typeof value.email !== 'string' || typeof value.create !== 'boolean') return undefined;
  const write: PersonWrite = { email: value.email, create: value.create };
  if (typeof value.name === 'string') write.name = value.name;
  if (typeof value.phone === 'string') write.phone = value.phone;
  if (isJsonObject(value.custom_fields)) write.custom_fields = value.custom_fields;
  return write;
}
