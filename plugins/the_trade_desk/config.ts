// The integration's config: whose conversions these are (an advertiser, and optionally the retail
// merchant that sends for it) and which tracking tag counts them (an Event Tracker by event name,
// or the advertiser's Universal Pixel by page URL). The Real-Time Conversions endpoint takes no
// credential: these ids, in every event, say where it goes. Checked by its JSON Schema, and by
// validateTradeDeskConfig for what a schema cannot say.
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { configText } from '../../core/sdk/index.ts';

/** The kinds of tracking tag: an Event Tracker (event mapping) or a Universal Pixel (URL mapping). */
export const TAG_TYPES = ['event_tracker', 'universal_pixel'] as const;

/**
 * An id as The Trade Desk's platform shows it (`4w1ba8e`, `hc7ihke`): letters, digits, `-` and
 * `_`. Checked by validateTradeDeskConfig, not by a schema pattern, so a wrong value is told in
 * words (an id copied with a space or the tag's whole URL).
 */
const PLATFORM_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The config's JSON Schema. No field is secret: the endpoint authenticates nothing. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['advertiser_id', 'tag_id'],
  properties: {
    advertiser_id: {
      type: 'string', title: 'Advertiser ID',
      description: 'The platform ID of the advertiser the conversions belong to (The Trade Desk > Advertiser Preferences): sent as adv, unless a Merchant ID is given.',
      minLength: 1, maxLength: 64, examples: ['4w1ba8e'],
    },
    merchant_id: {
      type: 'string', title: 'Merchant ID',
      description: 'For a retailer onboarded as a merchant: the merchant ID The Trade Desk assigned during onboarding. Sent instead of the Advertiser ID (The Trade Desk takes one of the two, not both), with an Event Tracker.',
      minLength: 1, maxLength: 64,
    },
    tag_type: {
      type: 'string', title: 'Tracking Tag Type',
      description: 'Event Tracker: the tag counts conversions by event name (purchase, addtocart, …). Universal Pixel: the advertiser\'s pixel counts them by the page URL, as its URL rules say; every event then needs its page URL.',
      enum: [...TAG_TYPES], enumLabels: ['Event Tracker (event mapping)', 'Universal Pixel (URL mapping)'], default: 'event_tracker',
    },
    tag_id: {
      type: 'string', title: 'Tracking Tag ID',
      description: 'The platform ID of the Event Tracker (sent as tracker_id), or of the Universal Pixel (sent as upixel_id), as Tracking Tag Type says. Your account manager can create an Event Tracker.',
      minLength: 1, maxLength: 64, examples: ['hc7ihke'],
    },
  },
};

/** The problem with one id's form, or undefined when it is an id. */
function idProblem(config: Record<string, JsonValue>, field: string, what: string): ConfigProblem | undefined {
  const value = config[field];
  if (typeof value !== 'string') return undefined;
  if (value.trim() === '') return { field, message: `is blank: give ${what}, as The Trade Desk shows it` };
  if (PLATFORM_ID.test(value)) return undefined;
  return { field, message: `is ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}: ${what} is letters and digits (e.g. 4w1ba8e), as The Trade Desk shows it; give the id alone, without spaces or a URL` };
}

/**
 * Whether the config counts conversions through a Universal Pixel's URL rules (URL mapping), where
 * every event needs its page URL, rather than by event name through an Event Tracker.
 */
export function usesUrlMapping(config: Record<string, JsonValue>): boolean {
  return config.tag_type === 'universal_pixel';
}

/**
 * Config problems the schema cannot see: an id that is no id (blank, white space, a URL), and a
 * merchant with a Universal Pixel (a pixel belongs to an advertiser; a merchant sends through an
 * Event Tracker).
 *
 * @example
 * validateTradeDeskConfig({ advertiser_id: '4w1ba8e', merchant_id: '12345', tag_type: 'universal_pixel', tag_id: 'p0x1abc' });
 * // [{ field: 'merchant_id', message: 'is set with a Universal Pixel: …' }]
 */
export function validateTradeDeskConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const tag = usesUrlMapping(config) ? 'a Universal Pixel ID' : 'an Event Tracker ID';
  for (const [field, what] of [['advertiser_id', 'an Advertiser ID'], ['merchant_id', 'a Merchant ID'], ['tag_id', tag]] as const) {
    const problem = idProblem(config, field, what);
    if (problem !== undefined) problems.push(problem);
  }
  if (usesUrlMapping(config) && configText(config, 'merchant_id') !== undefined) {
    problems.push({ field: 'merchant_id', message: 'is set with a Universal Pixel: a Universal Pixel belongs to an advertiser and counts its conversions as adv; remove merchant_id, or use the merchant\'s Event Tracker (tag_type event_tracker)' });
  }
  return problems;
}

/**
 * The account and tag fields every conversion carries, in the order The Trade Desk's tag
 * templates write them: `merchant_id` when given, else `adv`; then `tracker_id` or `upixel_id`.
 *
 * @example
 * accountFields({ advertiser_id: ' 4w1ba8e ', tag_id: 'hc7ihke' }); // { adv: '4w1ba8e', tracker_id: 'hc7ihke' }
 */
export function accountFields(config: Record<string, JsonValue>): Record<string, string> {
  const fields: Record<string, string> = {};
  const merchant = configText(config, 'merchant_id');
  if (merchant !== undefined) fields.merchant_id = merchant;
  else fields.adv = configText(config, 'advertiser_id') ?? '';
  fields[usesUrlMapping(config) ? 'upixel_id' : 'tracker_id'] = configText(config, 'tag_id') ?? '';
  return fields;
}
