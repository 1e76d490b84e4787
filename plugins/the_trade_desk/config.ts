// The integration's config: whose conversions these are (an advertiser, or a retail merchant)
// and which tracking tag counts them (an Event Tracker, or a Universal Pixel mapping page URLs).
// The Real-Time Conversions endpoint takes no credential: these ids, in every event, say where
// it goes. Checked by its JSON Schema, and by validateTradeDeskConfig for the pairs a schema
// cannot say ("a Merchant ID or Advertiser ID, not both"; "an Event Tracker ID or Universal
// Pixel ID, not both", as The Trade Desk's own server-side tag template words it).
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';

/**
 * An id as The Trade Desk's platform shows it (`4w1ba8e`, `hc7ihke`): letters, digits, `-` and
 * `_`. Checked by validateTradeDeskConfig, not by a schema pattern, so a wrong value is told in
 * words (an id copied with a space or the tag's whole URL).
 */
const PLATFORM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The config's JSON Schema. No field is secret: the endpoint authenticates nothing. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  properties: {
    advertiser_id: {
      type: 'string', title: 'Advertiser ID',
      description: 'The platform ID of the advertiser the conversions belong to (The Trade Desk > Advertiser Preferences): sent as adv. Give it, or a Merchant ID, not both.',
      minLength: 1, maxLength: 64, examples: ['4w1ba8e'],
    },
    merchant_id: {
      type: 'string', title: 'Merchant ID',
      description: 'For retailers onboarded as merchants: the merchant ID The Trade Desk assigned during onboarding, sent instead of the Advertiser ID (not both), with an Event Tracker.',
      minLength: 1, maxLength: 64,
    },
    tracker_id: {
      type: 'string', title: 'Event Tracker ID',
      description: 'Event mapping: the platform ID of the Event Tracker (tracking tag) that counts the conversions by event name (purchase, addtocart, …). Give it, or a Universal Pixel ID, not both. Your account manager can create one.',
      minLength: 1, maxLength: 64, examples: ['hc7ihke'],
    },
    upixel_id: {
      type: 'string', title: 'Universal Pixel ID',
      description: 'URL mapping: the platform ID of the advertiser\'s Universal Pixel, which counts conversions by the page URL (sent as referrer_url, required then) as the pixel\'s URL rules say. Instead of an Event Tracker ID, with an Advertiser ID.',
      minLength: 1, maxLength: 64,
    },
  },
};

/** The config's text value of `field`, trimmed; undefined when absent or blank. */
function text(config: Record<string, JsonValue>, field: string): string | undefined {
  const value = config[field];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

/** The problem with one id's form, or undefined when it is an id. */
function idProblem(config: Record<string, JsonValue>, field: string, what: string): ConfigProblem | undefined {
  const value = config[field];
  // A blank id is told as missing (validateTradeDeskConfig), not as one of the wrong form.
  if (typeof value !== 'string' || value.trim() === '' || PLATFORM_ID.test(value)) return undefined;
  return { field, message: `is ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}: ${what} is letters and digits (e.g. 4w1ba8e), as The Trade Desk shows it; give the id alone, without spaces or a URL` };
}

/**
 * Config problems the schema cannot see: neither or both of the account ids (advertiser_id,
 * merchant_id), neither or both of the tags (tracker_id, upixel_id), a Universal Pixel with a
 * merchant (a pixel belongs to an advertiser), an id that is no id (white space, a URL).
 *
 * @example
 * validateTradeDeskConfig({ advertiser_id: '4w1ba8e' });
 * // [{ field: 'tracker_id', message: 'is missing: give the Event Tracker ID (event mapping) or the Universal Pixel ID (URL mapping, as upixel_id)' }]
 */
export function validateTradeDeskConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const advertiser = text(config, 'advertiser_id');
  const merchant = text(config, 'merchant_id');
  const tracker = text(config, 'tracker_id');
  const pixel = text(config, 'upixel_id');
  if (advertiser === undefined && merchant === undefined) {
    problems.push({ field: 'advertiser_id', message: 'is missing: give the Advertiser ID (The Trade Desk > Advertiser Preferences), or the Merchant ID of a retailer onboarded as a merchant (as merchant_id)' });
  } else if (advertiser !== undefined && merchant !== undefined) {
    problems.push({ field: 'merchant_id', message: 'is set with advertiser_id: The Trade Desk takes an Advertiser ID or a Merchant ID in a conversion, not both; remove one' });
  }
  if (tracker === undefined && pixel === undefined) {
    problems.push({ field: 'tracker_id', message: 'is missing: give the Event Tracker ID (event mapping) or the Universal Pixel ID (URL mapping, as upixel_id)' });
  } else if (tracker !== undefined && pixel !== undefined) {
    problems.push({ field: 'upixel_id', message: 'is set with tracker_id: The Trade Desk takes an Event Tracker ID or a Universal Pixel ID in a conversion, not both; remove one' });
  } else if (pixel !== undefined && merchant !== undefined) {
    problems.push({ field: 'upixel_id', message: 'is set with merchant_id: a Universal Pixel belongs to an advertiser; give advertiser_id instead of merchant_id, or use the merchant\'s Event Tracker (tracker_id)' });
  }
  for (const [field, what] of [['advertiser_id', 'an Advertiser ID'], ['merchant_id', 'a Merchant ID'], ['tracker_id', 'an Event Tracker ID'], ['upixel_id', 'a Universal Pixel ID']] as const) {
    const problem = idProblem(config, field, what);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/**
 * Whether the config counts conversions through a Universal Pixel's URL rules (URL mapping), where
 * every event needs its page URL, rather than by event name through an Event Tracker.
 */
export function usesUrlMapping(config: Record<string, JsonValue>): boolean {
  return text(config, 'upixel_id') !== undefined && text(config, 'tracker_id') === undefined;
}

/**
 * The account and tag fields every conversion carries, in the order The Trade Desk's tag
 * templates write them: `adv` or `merchant_id`, then `tracker_id` or `upixel_id`.
 *
 * @example
 * accountFields({ advertiser_id: ' 4w1ba8e ', tracker_id: 'hc7ihke' }); // { adv: '4w1ba8e', tracker_id: 'hc7ihke' }
 */
export function accountFields(config: Record<string, JsonValue>): Record<string, string> {
  const fields: Record<string, string> = {};
  const merchant = text(config, 'merchant_id');
  const advertiser = text(config, 'advertiser_id');
  if (advertiser !== undefined) fields.adv = advertiser;
  else if (merchant !== undefined) fields.merchant_id = merchant;
  const tracker = text(config, 'tracker_id');
  const pixel = text(config, 'upixel_id');
  if (tracker !== undefined) fields.tracker_id = tracker;
  else if (pixel !== undefined) fields.upixel_id = pixel;
  return fields;
}
