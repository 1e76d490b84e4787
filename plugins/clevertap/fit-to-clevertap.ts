// What the blueprint mapped, fitted to one record of CleverTap's upload API (POST /1/upload,
// `{ "d": [record, …] }`): an event (`type: "event"`, evtName and evtData) or a profile update
// (`type: "profile"`, profileData), each with the user's `identity` and the time `ts` in Unix
// seconds (CleverTap: Upload Events, Upload User Profiles). The identity and the time come from
// the canonical event and the blueprint's top-level fields, never from the site's properties
// or traits; what CleverTap would refuse for good is dead-lettered here, or left out with a
// warning when the rest of the record is still worth sending.
import { birthDateYmd, isEmailAddress, isJsonObject, normalizePhoneNumber, PermanentError, readInstantMs, removeContactInfo, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { defaultCountryCodeOf } from './config.ts';

/** The record types the plugin sends. */
export const RECORD_TYPES = ['event', 'profile'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** CleverTap: "Event keys are limited to 120 characters"; profile attribute keys to 120 bytes. */
export const MAX_KEY_LENGTH = 120;
/** CleverTap: event property values and profile attribute values "are limited to 512 bytes". */
export const MAX_VALUE_BYTES = 512;
/**
 * CleverTap refuses an identity of 120 characters or more: "'identity' or 'fbId' or 'gpId' or
 * 'objectId' is necessary under 120 chars to identify the user" (code 523, as its answers word it).
 */
export const MAX_IDENTITY_LENGTH = 119;

/**
 * Profile keys the site's traits never set: the identity (set from the userId only) and
 * CleverTap's communication preferences (`MSG-email`, `MSG-push`, `MSG-sms`, `MSG-whatsapp`,
 * any `MSG-…`), which turn a channel on or off for the user: a trait on a web page is no
 * subscription (see the README).
 */
const NEVER_FROM_SITE = /^(?:identity|objectid|fbid|gpid|msg-.*)$/i;

function typeOf(payload: JsonObject): RecordType {
  const type = payload.type;
  if (typeof type === 'string' && (RECORD_TYPES as readonly string[]).includes(type)) return type as RecordType;
  throw new PermanentError(`the blueprint mapped ${type === undefined ? 'no type' : `the type ${JSON.stringify(type)}`}: Signal sends CleverTap records of type ${RECORD_TYPES.join(' or ')}`);
}

/**
 * The user's identity: the blueprint's `identity` (the userId), trimmed; a number as its digits.
 * CleverTap finds (or creates) the profile by it. An anonymous visitor has none, and is not sent.
 */
function identityOf(payload: JsonObject, what: string): string {
  const value = payload.identity;
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (text === '' || !usableId(text)) {
    throw new PermanentError(`CleverTap needs the user's identity for every ${what}, and this event has none (userId ${JSON.stringify(value ?? null)}: an anonymous visitor's, or a placeholder). Signal sends CleverTap identified users only; the visitor's later events after an identify are sent`);
  }
  const length = [...text].length;
  if (length > MAX_IDENTITY_LENGTH) throw new PermanentError(`the userId has ${length} characters and CleverTap takes an identity only under 120 (code 523): CleverTap would refuse this ${what}`);
  return text;
}

/** The time as Unix seconds (CleverTap refuses others: code 525): the blueprint's `ts`, else the event's timestamp. */
function tsOf(mapped: JsonValue | undefined, event: CanonicalEvent): number {
  const source = mapped === undefined || mapped === null ? event.timestamp : mapped;
  const ms = readInstantMs(source) ?? Number.NaN;
  if (!Number.isFinite(ms)) throw new PermanentError(`CleverTap needs the time as Unix seconds; ${mapped === undefined || mapped === null ? 'this event has no timestamp' : `the blueprint mapped ${JSON.stringify(mapped)} to ts`}`);
  return Math.floor(ms / 1000);
}

/**
 * Keys of CleverTap's Charged event that hold a space, which blueprint paths cannot: the
 * blueprint writes them with an underscore and the plugin renames them (in evtData, and in each
 * of its Items) — only these, never a site's own property.
 */
const CHARGED_RENAMES: Record<string, string> = { Charged_ID: 'Charged ID' };
const ITEM_RENAMES: Record<string, string> = { Product_ID: 'Product ID', Product_name: 'Product name' };

function renamed(data: JsonObject, renames: Record<string, string>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(data)) out[renames[key] ?? key] = value;
  return out;
}

/**
 * A Charged event's data with CleverTap's key names (see CHARGED_RENAMES).
 *
 * @example
 * chargedData({ Amount: 30, Charged_ID: 'SO-1', Items: [{ Product_ID: 'P-1' }] });
 * // { Amount: 30, 'Charged ID': 'SO-1', Items: [{ 'Product ID': 'P-1' }] }
 */
export function chargedData(data: JsonObject): JsonObject {
  const out = renamed(data, CHARGED_RENAMES);
  if (Array.isArray(out.Items)) out.Items = out.Items.map((item) => (isJsonObject(item) ? renamed(item, ITEM_RENAMES) : item));
  return out;
}

/** Whether a value fits CleverTap's 512 bytes (text; other values as their JSON). */
function tooLong(value: JsonValue): boolean {
  if (typeof value === 'string') return Buffer.byteLength(value) > MAX_VALUE_BYTES;
  return false;
}

/**
 * An object's keys kept when CleverTap takes them: blank keys, keys over 120 characters and
 * text values over 512 bytes left out with a warning naming them; nulls and blank text left out.
 */
function fitted(data: JsonObject, where: string, ctx: PluginContext): JsonObject {
  const kept: JsonObject = {};
  for (const [rawKey, value] of Object.entries(data)) {
    const key = rawKey.trim();
    if (key === '' || value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) continue;
    if (key.length > MAX_KEY_LENGTH) {
      ctx.warn?.(`${where}.${key.slice(0, 40)}… left out: CleverTap limits keys to ${MAX_KEY_LENGTH} characters`);
      continue;
    }
    if (tooLong(value)) {
      ctx.warn?.(`${where}.${key} left out: its ${Buffer.byteLength(String(value))} bytes exceed CleverTap's ${MAX_VALUE_BYTES}-byte limit for a value`);
      continue;
    }
    kept[key] = value;
  }
  return kept;
}

/**
 * CleverTap's Gender: `M` or `F` (its SDK and API docs: "Can be either M or F"); other values
 * left out (CleverTap refuses them: code 514).
 *
 * @example
 * genderOf('female'); // 'F'
 * genderOf('other');  // undefined
 */
export function genderOf(value: JsonValue | undefined): 'M' | 'F' | undefined {
  const text = typeof value === 'string' ? value.trim().toLowerCase() : '';
  if (['m', 'male', 'man'].includes(text)) return 'M';
  if (['f', 'female', 'woman'].includes(text)) return 'F';
  return undefined;
}

/**
 * A date of birth as CleverTap's API takes a date value: `$D_` and the Unix seconds of that day
 * at 00:00 UTC; a date it cannot read, undefined.
 *
 * @example
 * dobOf('1990-05-17'); // '$D_642902400'
 */
export function dobOf(value: JsonValue | undefined): string | undefined {
  const ymd = typeof value === 'string' ? birthDateYmd(value) : undefined;
  if (ymd === undefined) return undefined;
  const seconds = Date.UTC(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)) - 1, Number(ymd.slice(6, 8))) / 1000;
  return `$D_${seconds}`;
}

/**
 * A profile's data: the traits the blueprint mapped, with CleverTap's reserved keys in its
 * formats — Email trimmed and lower-cased, Phone in E.164 (else left out), Gender M/F, DOB as a
 * `$D_` date — and never the identity or a communication preference from the site.
 */
function profileDataOf(mapped: JsonValue | undefined, ctx: PluginContext): JsonObject {
  if (mapped !== undefined && mapped !== null && !isJsonObject(mapped)) throw new PermanentError('CleverTap takes a profile\'s profileData as an object; the blueprint mapped another value to profileData');
  const data: JsonObject = {};
  for (const [key, value] of Object.entries(mapped ?? {})) {
    if (NEVER_FROM_SITE.test(key.trim())) {
      if (/^msg-/i.test(key.trim())) ctx.warn?.(`profileData.${key.trim()} left out: Signal never sets CleverTap's communication preferences from the site`);
      continue;
    }
    data[key] = value;
  }
  if (data.Email !== undefined && data.Email !== null) {
    const email = typeof data.Email === 'string' ? data.Email.trim().toLowerCase() : '';
    if (isEmailAddress(email)) data.Email = email;
    else {
      ctx.warn?.('profileData.Email left out: not an email address (CleverTap refuses the profile for it: code 515)');
      delete data.Email;
    }
  }
  if (data.Phone !== undefined && data.Phone !== null) {
    const raw = data.Phone;
    const e164 = typeof raw === 'string' || typeof raw === 'number' ? normalizePhoneNumber(String(raw), { defaultCountryCode: defaultCountryCodeOf(ctx.config) }) : undefined;
    if (e164 !== undefined) data.Phone = e164;
    else {
      ctx.warn?.(`profileData.Phone left out: cannot be read as a phone number in E.164${defaultCountryCodeOf(ctx.config) ? '' : ' (it has no country code: set config.default_country_code)'}, which CleverTap requires (code 516)`);
      delete data.Phone;
    }
  }
  if (data.Gender !== undefined && data.Gender !== null) {
    const gender = genderOf(data.Gender);
    if (gender !== undefined) data.Gender = gender;
    else {
      ctx.warn?.(`profileData.Gender left out: CleverTap takes M or F, and the trait is ${JSON.stringify(data.Gender)}`);
      delete data.Gender;
    }
  }
  if (data.DOB !== undefined && data.DOB !== null) {
    const dob = dobOf(data.DOB);
    if (dob !== undefined) data.DOB = dob;
    else {
      ctx.warn?.(`profileData.DOB left out: ${JSON.stringify(data.DOB)} is not a date Signal can read (YYYY-MM-DD)`);
      delete data.DOB;
    }
  }
  return fitted(data, 'profileData', ctx);
}

/**
 * The map hook: one record of CleverTap's upload API from what the blueprint mapped.
 *
 * @example
 * fitRecord({ type: 'event', identity: 'u-1', ts: 1711296000, evtName: 'Signed Up', evtData: { plan: 'pro', email: 'a@b.c' } }, event, ctx);
 * // { type: 'event', identity: 'u-1', ts: 1711296000, evtName: 'Signed Up', evtData: { plan: 'pro' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject {
  const type = typeOf(payload);
  const identity = identityOf(payload, type === 'event' ? 'event' : 'profile update');
  const ts = tsOf(payload.ts, event);
  if (type === 'profile') {
    const profileData = profileDataOf(payload.profileData, ctx);
    if (Object.keys(profileData).length === 0) throw new PermanentError('the identify has no trait CleverTap can take, so there is no profile update to send');
    return { type, identity, ts, profileData };
  }
  const evtName = typeof payload.evtName === 'string' ? payload.evtName.trim() : '';
  if (evtName === '') throw new PermanentError('CleverTap requires an event name (evtName; code 509) and this event has none');
  if (evtName.length > MAX_KEY_LENGTH) throw new PermanentError(`the event name has ${evtName.length} characters and CleverTap takes at most ${MAX_KEY_LENGTH}: rename it in the blueprint`);
  const mapped = payload.evtData;
  if (mapped !== undefined && mapped !== null && !isJsonObject(mapped)) throw new PermanentError('CleverTap takes an event\'s evtData as an object; the blueprint mapped another value to evtData');
  // Contact information stays out of event data at any depth: a person's contact details
  // reach CleverTap from their identify only, into the profile's reserved keys.
  const data = removeContactInfo(mapped ?? {});
  const evtData = fitted(evtName === 'Charged' ? chargedData(data) : data, 'evtData', ctx);
  return { type, identity, ts, evtName, evtData };
}
