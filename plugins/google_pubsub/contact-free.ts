// Messages without contact information, the default (config.include_contact_info off), kept
// whatever the (editable) blueprint maps — the SDK's recordWithoutContactInfo (properties, traits
// and context cleaned at any depth, no IP, URLs without queries); an id — or an event's or page's
// name — that is itself an email address or a phone number is left out (as the `event` and
// `name` attributes are).
import { EVENT_VALUE_CHECKED_FIELDS, recordWithoutContactInfo, type JsonObject } from '../../core/sdk/index.ts';

/**
 * The event's JSON without contact information (see the file's comment). Keys keep their order;
 * fields other than these are left as mapped.
 *
 * @example
 * withoutContactInfo({ type: 'track', userId: 'jane@example.com', anonymousId: 'df_1', properties: { plan: 'pro', email: 'jane@example.com' },
 *                      context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } });
 * // { type: 'track', anonymousId: 'df_1', properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/' } } }
 */
export function withoutContactInfo(message: JsonObject): JsonObject {
  return recordWithoutContactInfo(message, { valueChecked: EVENT_VALUE_CHECKED_FIELDS });
}
