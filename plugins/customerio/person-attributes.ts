// A person's attributes as an identify sends them (Track API v2, `person` `identify`): what the
// blueprint mapped, without what the site must not set, and within Customer.io's documented
// limits (Invalid API requests: at most 300 attributes a request, names of at most 150 bytes,
// values of at most 1000 bytes). What Customer.io would refuse is named, so the profile update
// is dead-lettered saying which attribute, rather than lost without a trace.
import { normalizePhoneNumber, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

export const MAX_ATTRIBUTES = 300;
export const MAX_ATTRIBUTE_NAME_BYTES = 150;
export const MAX_ATTRIBUTE_VALUE_BYTES = 1000;

/**
 * Attributes the site never sets, whatever the blueprint maps: identifiers (the plugin sets
 * the person's `id` and the `anonymous_id` that merges the visitor's events), relationships,
 * and subscription state — `unsubscribed` and `cio_subscription_preferences` opt a person in or
 * out of messages, consent a page cannot vouch for (a browser could resubscribe someone).
 * Customer.io also takes a part of an attribute in JSON dot notation
 * (`cio_subscription_preferences.topics.topic_1`: "set preferences for some subscription topics
 * or channels, while preserving those set for others, using JSON dot notation"), so a key is
 * judged by its first segment.
 */
const NEVER_FROM_SITE: ReadonlySet<string> = new Set(['id', 'cio_id', 'anonymous_id', 'cio_relationships', 'unsubscribed', 'cio_subscription_preferences']);

/**
 * Whether the site may set an attribute of this name: not one of NEVER_FROM_SITE, nor a part of
 * one in dot notation, nor a name starting with `_` (Customer.io reserves those: `_update`,
 * `_created_in_customerio_at`, …), nor a blank one. Compared trimmed.
 *
 * @example
 * siteMaySet('plan');                                         // true
 * siteMaySet('cio_subscription_preferences.topics.topic_1');  // false
 * siteMaySet(' unsubscribed');                                // false
 */
export function siteMaySet(key: string): boolean {
  const name = key.trim();
  return name !== '' && !name.startsWith('_') && !NEVER_FROM_SITE.has(name.split('.')[0]!.trim());
}

export interface AttributeOptions {
  defaultCountryCode?: string | undefined;
}

/** An attribute Customer.io would refuse, and why. */
export interface AttributeProblem {
  key: string;
  reason: string;
}

/** A value's size as Customer.io receives it: text as its UTF-8 bytes, anything else as JSON. */
function valueBytes(value: JsonValue): number {
  return Buffer.byteLength(typeof value === 'string' ? value : JSON.stringify(value));
}

/**
 * The attributes of an identify: the keys the site must not set left out (siteMaySet), blank
 * text left out (an empty string removes an attribute, as Customer.io documents for objects and
 * relationships: a form's empty email field would erase the person's address; `null` still
 * removes one on purpose), `email` trimmed, `phone` in
 * E.164 (SDK normalizePhoneNumber; Customer.io sends SMS to E.164 numbers). `problems` names
 * what Customer.io would refuse: a name over 150 bytes, a value over 1000 bytes, a phone number
 * that cannot be read, more than 300 attributes. The visitor's `anonymousId`, when given, is
 * added as the `anonymous_id` attribute: Customer.io then merges the visitor's anonymous events
 * into the person (those received up to five minutes after the identify; Anonymous events).
 *
 * @example
 * personAttributes({ email: ' jane@example.com ', phone: '', plan: 'pro', unsubscribed: false, _x: 1 }, {}, 'df_abc');
 * // { attributes: { email: 'jane@example.com', plan: 'pro', anonymous_id: 'df_abc' }, problems: [] }
 */
export function personAttributes(raw: JsonObject, options: AttributeOptions, anonymousId?: string): { attributes: JsonObject; problems: AttributeProblem[] } {
  const attributes: JsonObject = {};
  const problems: AttributeProblem[] = [];
  for (const [key, value] of Object.entries(raw)) {
    if (!siteMaySet(key) || value === undefined || (typeof value === 'string' && value.trim() === '')) continue;
    if (Buffer.byteLength(key) > MAX_ATTRIBUTE_NAME_BYTES) {
      problems.push({ key: `${key.slice(0, 40)}…`, reason: `is a name of ${Buffer.byteLength(key)} bytes (Customer.io takes at most ${MAX_ATTRIBUTE_NAME_BYTES})` });
      continue;
    }
    let kept: JsonValue = value;
    if (key === 'email' && typeof value === 'string') kept = value.trim();
    if (key === 'phone' && (typeof value === 'string' || typeof value === 'number') && String(value).trim() !== '') {
      const e164 = normalizePhoneNumber(String(value), { defaultCountryCode: options.defaultCountryCode });
      if (e164 === undefined) {
        problems.push({ key, reason: `${JSON.stringify(value)} cannot be read as a phone number in E.164${options.defaultCountryCode ? '' : ' (it has no country code: set config.default_country_code)'}` });
        continue;
      }
      kept = e164;
    }
    if (kept !== null && valueBytes(kept) > MAX_ATTRIBUTE_VALUE_BYTES) {
      problems.push({ key, reason: `has ${valueBytes(kept)} bytes (Customer.io takes values of at most ${MAX_ATTRIBUTE_VALUE_BYTES})` });
      continue;
    }
    attributes[key] = kept;
  }
  if (anonymousId !== undefined) attributes.anonymous_id = anonymousId;
  const count = Object.keys(attributes).length;
  if (count > MAX_ATTRIBUTES) problems.push({ key: '(all)', reason: `${count} attributes${anonymousId === undefined ? '' : ', the anonymous_id included'}: Customer.io takes at most ${MAX_ATTRIBUTES} in one identify` });
  return { attributes, problems };
}
