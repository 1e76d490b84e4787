import { isEmailAddress } from './email-address.ts';
import { isJsonObject } from './json-object.ts';
import type { JsonObject, JsonValue } from './types.ts';

// Contact information in an event's properties: what a plugin sending a pass-through event's
// properties to an ad platform must not send in clear. Conservative on both sides: what names
// or looks like a way to reach a person goes, ordinary ecommerce data (product names, ids,
// prices, dates) stays.

/** Keys that name contact information wherever they are (`email`, `billing_phone`, `shippingAddress`, `date_of_birth`, …). */
const CONTACT_KEY = /email|(?:^|_)e_mail|phone|msisdn|fax|first_?name|last_?name|full_?name|given_?name|family_?name|middle_?name|maiden_?name|sur_?name|user_?name|nick_?name|birth|(?:^|_)dob(?:_|$)|address|street|(?:^|_)zip(?:_|$)|zip_?code|postal|post_?code|(?:^|_)ssn(?:_|$)|(?:mobile|contact|cell)_?(?:number|no)(?:_|$)|(?:^|_)tel(?:_|$)/;
/** Words that make a key about a person: its object's `name` is the person's (`customer`, `shipping`, `buyers`, …). */
const PERSON_WORDS = new Set([
  'customer', 'user', 'buyer', 'contact', 'person', 'people', 'recipient', 'sender', 'billing', 'shipping', 'member', 'owner', 'guest',
  'passenger', 'traveler', 'traveller', 'attendee', 'patient', 'client', 'shopper', 'subscriber', 'holder', 'cardholder', 'consignee',
]);
/** Keys whose values are identifiers (`order_id`, `content_ids`, `sku`, `ean`): digits in groups there are an id, not a phone number. (Not `…_number`: `contact_number` is one.) */
const ID_WORDS = new Set(['id', 'ids', 'sku', 'ean', 'upc', 'gtin', 'isbn', 'mpn']);
/** Dates (2026-11-30, 30/11/2026), decimals and IPv4 addresses are digits and separators too, but no phone number. */
const NOT_A_PHONE = /^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{2,4}$|^\d+\.\d+$|^\d{1,3}(?:\.\d{1,3}){3}$/;

/** `shippingAddress` → `shipping_address`: the key's words, lower case, joined by `_`. */
function snake(key: string): string {
  return key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

/** What `clean` asks of a key, worked out once per key name. */
interface KeyFacts {
  /** The key names contact information (`CONTACT_KEY`), or is some: an email address or a phone number. */
  contact: boolean;
  /** Its words, lower case, a plural `s` dropped from words over three letters. */
  words: string[];
  /** A word of it is about a person (`customer`, `billing`, …). */
  person: boolean;
  /** A word of it names an identifier (`id`, `sku`, …). */
  id: boolean;
}

/**
 * Keys' facts, remembered: a batch's events repeat the same keys, and splitting them into
 * words again for each was most of the time a plugin spent removing contact information.
 * Keys come from events, so the memory is bounded: cleared when full.
 */
const keyFacts = new Map<string, KeyFacts>();
const KEY_FACTS_LIMIT = 10_000;

function factsOf(key: string): KeyFacts {
  let facts = keyFacts.get(key);
  if (!facts) {
    const snaked = snake(key);
    const words = snaked.split('_').map((w) => (w.length > 3 && w.endsWith('s') ? w.slice(0, -1) : w));
    // A key may itself be contact information (`{ "jane@example.com": "sent" }`): flattened or
    // sent as is, it would reach the vendor as a name.
    const contact = CONTACT_KEY.test(snaked) || isEmailAddress(key.trim()) || looksLikePhone(key);
    facts = { contact, words, person: words.some((w) => PERSON_WORDS.has(w)), id: words.some((w) => ID_WORDS.has(w)) };
    if (keyFacts.size >= KEY_FACTS_LIMIT) keyFacts.clear();
    keyFacts.set(key, facts);
  }
  return facts;
}

/**
 * A phone number written as one: a leading `+` and 7–15 digits, or 7–15 digits in groups
 * (`07700 900123`, `(55) 99123-4567`, `650-555-1212`). A bare run of digits is not taken for
 * one: order numbers and product ids are written that way.
 */
function looksLikePhone(text: string): boolean {
  const value = text.trim();
  if (!/^[+(\d][\d\s().-]*$/.test(value) || NOT_A_PHONE.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return false;
  return value.startsWith('+') || /[\s().-]/.test(value);
}

function isContactValue(value: JsonValue, idValue: boolean): boolean {
  return typeof value === 'string' && (isEmailAddress(value.trim()) || (!idValue && looksLikePhone(value)));
}

/** Where a value sits: the top of the properties, inside an object about a person, or inside anything else (a product). */
type Position = 'top' | 'person' | 'other';

/** A key a person's name goes under here: `name` at the top or in a person's object, `customer_name` anywhere. */
function isPersonName(facts: KeyFacts, position: Position): boolean {
  const w = facts.words;
  if (!w.includes('name')) return false;
  if (facts.person) return true;
  return position !== 'other' && (w.length === 1 || (w.length === 2 && w[0] === 'display'));
}

function clean(value: JsonValue, position: Position, idValue = false): JsonValue | undefined {
  if (isContactValue(value, idValue)) return undefined;
  if (Array.isArray(value)) {
    const kept = value.map((item) => clean(item, position, idValue)).filter((item): item is JsonValue => item !== undefined);
    return kept.length === 0 && value.length > 0 ? undefined : kept;
  }
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      const facts = factsOf(key);
      if (facts.contact || isPersonName(facts, position)) continue;
      const inner: Position = position === 'person' || facts.person ? 'person' : 'other';
      const kept = clean(item, inner, facts.id);
      if (kept !== undefined) out[key] = kept;
    }
    return Object.keys(out).length === 0 && Object.keys(value).length > 0 ? undefined : out;
  }
  return value;
}

/**
 * A copy of an event's properties without contact information, at any depth: keys naming it
 * (`email`, `billing_phone`, `first_name`, `shipping_address`, `zip`, `birthday`, …) or being
 * some (a key that is an email address or a phone number, `{ "jane@example.com": "sent" }`), a
 * person's name (`name` at the top of the properties or inside an object about a person —
 * `customer`, `user`, `buyer`, `contact`, `billing`, `shipping`, … — and `customer_name`
 * anywhere), email addresses and phone numbers as values (a `+` and 7–15 digits, or 7–15 digits
 * in groups; ids are written that way, so a bare run of digits is kept, and so are digits in
 * groups under a key naming an id: `order_id`, `content_ids`, `sku`). A value is looked at
 * whole: a number inside free text is not searched for. A `name` inside any other object or
 * list (`products`, `contents`, `items`, `plan`) is a product's or a thing's and is kept. An object or list left empty by the removal is left out. For a plugin that passes a
 * pass-through event's properties to a vendor that must not receive them in clear.
 *
 * @example
 * removeContactInfo({
 *   plan: 'pro', name: 'Jane Doe', contact: '+44 7700 900123',
 *   customer: { id: 'c-1', email: 'jane@example.com', name: 'Jane Doe' },
 *   products: [{ product_id: 'SKU-1', name: 'Trail Shoe', buyer_email: 'jane@example.com' }],
 * });
 * // { plan: 'pro', customer: { id: 'c-1' }, products: [{ product_id: 'SKU-1', name: 'Trail Shoe' }] }
 */
export function removeContactInfo(properties: JsonObject): JsonObject {
  const cleaned = clean(properties, 'top');
  return isJsonObject(cleaned ?? null) ? (cleaned as JsonObject) : {};
}
