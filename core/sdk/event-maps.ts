// Ad plugins let the config map Signal events to the vendor's (Taboola's and Outbrain's event
// names, X's event ids, LinkedIn's conversion rules): one convention for all of them, so a
// marketer writes such a map the same way whichever vendor it is for.
import { trimmedText } from './config-text.ts';
import type { CanonicalEvent, ConfigProblem, JsonObject, JsonValue } from './types.ts';

/**
 * The keys an event is looked up by in such a map, most precise first: a track event's name
 * (`Order Completed`); `page:<name>` then `page` for a page call; none for other calls.
 *
 * @example
 * eventMapKeys({ type: 'page', name: 'Pricing' } as CanonicalEvent); // ['page:Pricing', 'page']
 * eventMapKeys({ type: 'track', event: 'Order Completed' } as CanonicalEvent); // ['Order Completed']
 */
export function eventMapKeys(event: CanonicalEvent): string[] {
  if (event.type === 'track') return event.event ? [event.event] : [];
  if (event.type === 'page') return [...(event.name ? [`page:${event.name}`] : []), 'page'];
  return [];
}

/**
 * A config field holding such a map, as an object: empty when the field is no object.
 *
 * @example
 * eventMapOf({ 'Order Completed': 'make_purchase' }); // { 'Order Completed': 'make_purchase' }
 * eventMapOf(undefined);                              // {}
 */
export function eventMapOf(value: JsonValue | undefined): JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/**
 * The name such a map gives an event: the most precise key's text, trimmed (a key holding no
 * text or only white space gives way to the next); undefined when none does. Own keys only.
 *
 * @example
 * eventMapName({ type: 'page', name: 'Home' } as CanonicalEvent, { 'page:Pricing': 'view_pricing', page: 'page_view' }); // 'page_view'
 */
export function eventMapName(event: CanonicalEvent, map: JsonValue | undefined): string | undefined {
  const names = eventMapOf(map);
  for (const key of eventMapKeys(event)) {
    const value = Object.hasOwn(names, key) ? trimmedText(names[key]) : undefined;
    if (value !== undefined) return value;
  }
  return undefined;
}

/**
 * What is wrong with the keys of such a map in a config (for a plugin's `validateConfig`): an
 * empty key, one with white space around it (keys are matched exactly), a page key not written
 * `page:<name>` (`Page:Pricing`, `page: Pricing`, `page:`). The values are the vendor's to
 * check, in its own words.
 *
 * @example
 * eventMapKeyProblems({ ' Order Completed': 'purchase', 'Page:Pricing': 'view' }, 'event_names');
 * // [{ field: 'event_names', message: 'has " Order Completed" with white space around it: Signal event names are matched exactly' },
 * //  { field: 'event_names', message: 'has "Page:Pricing": a page call of a name is page:<its name>, in lower case, …' }]
 */
export function eventMapKeyProblems(map: JsonValue | undefined, field: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const key of Object.keys(eventMapOf(map))) {
    if (key.trim() === '') problems.push({ field, message: 'has an empty Signal event name: name the track event (e.g. "Order Completed"), or page / page:<name> for page calls' });
    else if (key !== key.trim()) problems.push({ field, message: `has "${key}" with white space around it: Signal event names are matched exactly` });
    else if (/^page\s*:/i.test(key) && !/^page:\S/.test(key)) problems.push({ field, message: `has "${key}": a page call of a name is page:<its name>, in lower case, with nothing between the colon and the name (e.g. page:Pricing); page alone counts every page call` });
  }
  return problems;
}
