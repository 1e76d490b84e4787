// A track call as a Mailchimp member event (POST /lists/{list_id}/members/{hash}/events):
// `name` of 2–30 characters ("letters, numbers, underscores, and dashes"), `properties` whose
// values are all text, `occurred_at` in ISO 8601, and `is_syncing` (events recorded with it
// start no automation).
import { PermanentError, removeContactInfo, type JsonObject, type JsonValue, readInstantMs } from '../../core/sdk/index.ts';

export const MIN_NAME_CHARS = 2;
export const MAX_NAME_CHARS = 30;

/**
 * An event name fitted to Mailchimp's rules: every run of characters other than letters,
 * digits, underscores and dashes becomes one underscore, underscores at the ends go, and the
 * result is cut to 30 characters. A name with fewer than 2 characters left is a PermanentError.
 *
 * @example
 * eventNameOf('Order Completed');      // 'Order_Completed'
 * eventNameOf('Produkt angesehen (€)'); // 'Produkt_angesehen'
 */
export function eventNameOf(value: JsonValue | undefined): string {
  const raw = typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
  const name = raw.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, MAX_NAME_CHARS).replace(/_+$/, '');
  if (name.length < MIN_NAME_CHARS) {
    throw new PermanentError(`Mailchimp needs an event name of ${MIN_NAME_CHARS}–${MAX_NAME_CHARS} letters, digits, underscores or dashes, and ${JSON.stringify(value ?? null)} leaves ${JSON.stringify(name)}: rename the event, or map another name in the blueprint`);
  }
  return name;
}

/**
 * Event properties as Mailchimp takes them, every value text: contact information removed at
 * any depth (SDK removeContactInfo: a person's contact data goes to merge fields, from
 * identify), text as it is, numbers and booleans as their text, lists and objects as JSON,
 * nulls left out. Undefined when nothing is left.
 *
 * @example
 * eventPropertiesOf({ plan: 'pro', seats: 3, email: 'jane@example.com', tags: ['a'] }); // { plan: 'pro', seats: '3', tags: '["a"]' }
 */
export function eventPropertiesOf(value: JsonValue | undefined): Record<string, string> | undefined {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const properties: Record<string, string> = {};
  for (const [key, item] of Object.entries(removeContactInfo(value as JsonObject))) {
    if (item === null || item === undefined) continue;
    properties[key] = typeof item === 'string' ? item : typeof item === 'object' ? JSON.stringify(item) : String(item);
  }
  return Object.keys(properties).length > 0 ? properties : undefined;
}

/**
 * The time an event occurred as ISO 8601 in UTC without fractions (`2024-03-24T16:00:00Z`, the
 * form of Mailchimp's examples), from the blueprint's value or the event's timestamp.
 *
 * @example
 * occurredAtOf('2024-03-24T17:00:00.250+01:00'); // '2024-03-24T16:00:00Z'
 */
export function occurredAtOf(value: JsonValue | undefined): string {
  const ms = readInstantMs(value) ?? Number.NaN;
  if (!Number.isFinite(ms)) throw new PermanentError(`Mailchimp needs the time an event occurred; the blueprint mapped ${JSON.stringify(value ?? null)} to occurred_at`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
