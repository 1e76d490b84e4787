// An identify's traits as OneSignal data tags (`properties.tags`). OneSignal: Data Tags — "All Tag
// values must be strings" (numbers, timestamps and booleans stringified; "Not supported: Arrays,
// objects, nested values"); the keys message, notification, subscription, user, template, app,
// org, dynamic_content, data_feed, journey and custom_data are restricted (used by message
// personalization); white space and periods in a key "cannot be substituted/processed and will
// result in a blank"; a tag is removed by setting it to "" ; a plan limits the tags a user may
// have. Contact information stays out of tags: the pass-through traits lose it
// (removeContactInfo), and only the fields the blueprint maps by name (first and last names)
// are kept.
import { isJsonObject, readInstantMs, removeContactInfo, type JsonValue } from '../../core/sdk/index.ts';

/** Tag keys OneSignal reserves for message personalization (OneSignal: Data Tags, "Restricted keywords"). */
export const RESTRICTED_TAG_KEYS: ReadonlySet<string> = new Set([
  'message', 'notification', 'subscription', 'user', 'template', 'app', 'org', 'dynamic_content', 'data_feed', 'journey', 'custom_data',
]);

/**
 * What a tag key cannot hold: OneSignal (Data Tags) — "Spaces, periods (or "dots"), etc in tag
 * keys cannot be substituted/processed and will result in a blank. Only use alphanumeric
 * characters and an underscore ("_") or hyphen ("-") in your tag keys".
 */
const UNPROCESSED_KEY = /[\s.]/;

/** An ISO 8601 date-time with its time and zone: the text a trait holding an instant is written as. */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

type Warn = ((message: string) => void) | undefined;

export interface TagOptions {
  /** The most tags kept (config.max_tags, or fewer: see `limitReason`). */
  maxTags: number;
  /** Why `maxTags` is below config.max_tags, said in the warning of the tags left out. */
  limitReason?: string;
  /** ISO 8601 date-times as Unix seconds (config.dates_as_timestamps). */
  datesAsTimestamps: boolean;
}

/**
 * One trait's value as a tag's text, or undefined when OneSignal cannot take it (a list, an
 * object); null becomes "" (OneSignal removes the tag).
 *
 * @example
 * tagText(42, true);                      // '42'
 * tagText(true, true);                    // 'true'
 * tagText('2024-03-24T16:00:00Z', true);  // '1711296000'
 * tagText(null, true);                    // ''
 * tagText({ a: 1 }, true);                // undefined
 */
export function tagText(value: JsonValue, datesAsTimestamps: boolean): string | undefined {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    if (datesAsTimestamps && DATE_TIME.test(text)) {
      const ms = readInstantMs(text);
      if (ms !== undefined) return String(Math.floor(ms / 1000));
    }
    return text;
  }
  return undefined;
}

/**
 * The data tags of an identify: the tags the blueprint mapped by name, then the pass-through
 * traits without contact information (a key mapped by name wins), each as text; restricted keys,
 * keys with white space or periods, lists and objects left out, and past `maxTags` the rest,
 * each saying so. Undefined when none is left.
 *
 * @example
 * fitTags({ plan: 'pro', seats: 5, email: 'jane@example.com' }, { first_name: 'Jane' }, { maxTags: 100, datesAsTimestamps: true }, warn);
 * // { first_name: 'Jane', plan: 'pro', seats: '5' }
 */
export function fitTags(traits: JsonValue | undefined, mapped: JsonValue | undefined, options: TagOptions, warn: Warn): Record<string, string> | undefined {
  // The blueprint's named tags first: past max_tags, pass-through traits are left out before them.
  const named = isJsonObject(mapped) ? Object.entries(mapped) : [];
  const namedKeys = new Set(named.map(([key]) => key.trim()));
  const entries: Array<[string, JsonValue]> = [
    ...named,
    ...(isJsonObject(traits) ? Object.entries(removeContactInfo(traits)).filter(([key]) => !namedKeys.has(key.trim())) : []),
  ];
  const tags = new Map<string, string>();
  for (const [rawKey, value] of entries) {
    const key = rawKey.trim();
    if (key === '' || tags.has(key)) continue;
    if (UNPROCESSED_KEY.test(key)) {
      warn?.(`tags.${key} left out: OneSignal cannot process white space or periods in a tag key (the tag would be blank); rename the trait with the blueprint (letters, digits, _ and -)`);
      continue;
    }
    if (RESTRICTED_TAG_KEYS.has(key.toLowerCase())) {
      warn?.(`tags.${key} left out: "${key}" is a tag key OneSignal reserves for message personalization (rename the trait with the blueprint)`);
      continue;
    }
    const text = tagText(value, options.datesAsTimestamps);
    if (text === undefined) {
      warn?.(`tags.${key} left out: OneSignal tags take text, numbers and booleans (${Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : typeof value} given); map its parts to tags of their own with the blueprint`);
      continue;
    }
    tags.set(key, text);
  }
  if (tags.size > options.maxTags) {
    const left = [...tags.keys()].slice(options.maxTags);
    warn?.(`tags: ${left.length} left out (${left.length <= 5 ? left.join(', ') : `${left.slice(0, 5).join(', ')}, …`}): ${options.limitReason ?? `config.max_tags allows ${options.maxTags} a user update`}`);
    for (const key of left) tags.delete(key);
  }
  return tags.size > 0 ? Object.fromEntries(tags) : undefined;
}
