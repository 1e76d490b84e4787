// A member's merge fields as Mailchimp's audience fields take them: FNAME, LNAME and PHONE
// (text) and ADDRESS (an object of addr1, addr2, city, state, zip and country, of which addr1,
// city, state and zip are required: Mailchimp refuses an address without one of them, so an
// incomplete one is left out) — the four every new audience has — and the traits the config
// maps to the audience's other merge fields (a BIRTHDAY field as `MM/DD`).
import { birthDateYmd, isJsonObject, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** The parts of an ADDRESS merge field, in Mailchimp's order; the first four are required. */
const ADDRESS_PARTS = ['addr1', 'city', 'state', 'zip', 'addr2', 'country'] as const;
const REQUIRED_ADDRESS_PARTS = 4;
/** Text merge fields hold up to 255 characters. */
const MAX_TEXT_CHARS = 255;

/** A scalar as merge field text: trimmed text, a number's digits; undefined for anything else or blank text. */
function textOf(value: JsonValue | undefined): string | undefined {
  const text = typeof value === 'number' && Number.isFinite(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  return text === '' ? undefined : text.slice(0, MAX_TEXT_CHARS);
}

/**
 * A birthday as Mailchimp's birthday merge field takes it, `MM/DD`: from a full date
 * (`1990-05-17`, `05/17/1990`, `17.05.1990`, SDK birthDateYmd) or already `MM/DD`.
 *
 * @example
 * birthdayOf('1990-05-17'); // '05/17'
 * birthdayOf('5/7');        // '05/07'
 */
export function birthdayOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const short = /^\s*(\d{1,2})\/(\d{1,2})\s*$/.exec(value);
  if (short) {
    const [month, day] = [Number(short[1]), Number(short[2])];
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 ? `${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}` : undefined;
  }
  const ymd = birthDateYmd(value);
  return ymd ? `${ymd.slice(4, 6)}/${ymd.slice(6, 8)}` : undefined;
}

/** An ADDRESS merge field from the mapped parts, or undefined when a required part is missing. */
function addressOf(value: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(value)) return undefined;
  const address: JsonObject = {};
  for (const [index, part] of ADDRESS_PARTS.entries()) {
    const text = textOf(value[part]);
    if (text !== undefined) address[part] = text;
    else if (index < REQUIRED_ADDRESS_PARTS) return undefined;
  }
  return address;
}

/**
 * The merge fields of an identify: the blueprint's FNAME, LNAME and PHONE as text, BIRTHDAY as
 * `MM/DD`, ADDRESS when complete; any other merge tag the blueprint mapped, as text or a
 * number; then each `[trait, TAG]` of `extra` from the identify's own traits, never the
 * remembered `context.traits` (text, a number, or a boolean as text). Blank and unreadable values are left out, so they never clear what
 * Mailchimp has. Undefined when none is left.
 *
 * @example
 * mergeFieldsOf({ FNAME: ' Jane ', BIRTHDAY: '1990-05-17', ADDRESS: { addr1: '1 Main St', city: 'Atlanta' } }, event, []);
 * // { FNAME: 'Jane', BIRTHDAY: '05/17' } (the address lacks state and zip)
 */
export function mergeFieldsOf(mapped: JsonValue | undefined, event: CanonicalEvent, extra: Array<[string, string]>): JsonObject | undefined {
  const fields: JsonObject = {};
  for (const [tag, value] of Object.entries(isJsonObject(mapped) ? mapped : {})) {
    if (tag === 'ADDRESS') {
      const address = addressOf(value);
      if (address) fields.ADDRESS = address;
    } else if (tag === 'BIRTHDAY') {
      const birthday = birthdayOf(value);
      if (birthday) fields.BIRTHDAY = birthday;
    } else if (typeof value === 'number' && Number.isFinite(value) && !['FNAME', 'LNAME', 'PHONE'].includes(tag)) {
      fields[tag] = value;
    } else {
      const text = textOf(value);
      if (text !== undefined) fields[tag] = text;
    }
  }
  // The identify's own traits only: the ones Signal remembers (context.traits) would be sent
  // again on every identify, overwriting what the person or the team changed in Mailchimp since.
  const traits: JsonObject = isJsonObject(event.traits) ? event.traits : {};
  for (const [trait, tag] of extra) {
    const value = traits[trait];
    if (tag === 'BIRTHDAY') {
      const birthday = birthdayOf(value);
      if (birthday !== undefined) fields.BIRTHDAY = birthday;
    } else if (typeof value === 'number' && Number.isFinite(value)) fields[tag] = value;
    else if (typeof value === 'boolean') fields[tag] = String(value);
    else {
      const text = textOf(value);
      if (text !== undefined) fields[tag] = text;
    }
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}
