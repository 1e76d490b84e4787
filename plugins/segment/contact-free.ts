// The `without_contact_info` variant's promise, kept whatever its (editable) blueprint maps: no
// way to reach a person leaves for Segment — the SDK's recordWithoutContactInfo (properties,
// traits and context cleaned at any depth, no IP, URLs without queries), and an id that is
// itself an email address or a phone number left out.
import { recordWithoutContactInfo, type JsonObject } from '../../core/sdk/index.ts';

/** The variant that sends no contact information. */
export const WITHOUT_CONTACT_INFO = 'without_contact_info';

/** The message's ids, kept unless the id is contact information itself. */
const ID_FIELDS = ['userId', 'anonymousId', 'groupId', 'previousId'];

/**
 * A Segment message without contact information (see the file's comment). Keys keep their
 * order; fields other than these are left as mapped.
 *
 * @example
 * withoutContactInfo({ type: 'track', userId: 'jane@example.com', anonymousId: 'df_1', properties: { plan: 'pro', email: 'jane@example.com' },
 *                      context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } });
 * // { type: 'track', anonymousId: 'df_1', properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/' } } }
 */
export function withoutContactInfo(message: JsonObject): JsonObject {
  return recordWithoutContactInfo(message, { valueChecked: ID_FIELDS });
}
