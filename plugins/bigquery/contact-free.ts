// The `without_contact_info` variant's promise, kept whatever its (editable) blueprint maps: no
// way to reach a person leaves in a row — the SDK's recordWithoutContactInfo (properties, traits
// and context cleaned at any depth, no IP, URLs without queries), and an id column holding an
// email address or phone number left out.
import { recordWithoutContactInfo, type JsonObject } from '../../core/sdk/index.ts';

/** The variant that sends no contact information. */
export const WITHOUT_CONTACT_INFO = 'without_contact_info';

/** The id columns: kept unless the id itself is contact information (an email address, a phone number). */
const ID_COLUMNS = ['user_id', 'anonymous_id', 'group_id', 'previous_id'];

/**
 * A mapped row without contact information (see the file's comment). Other columns are the
 * blueprint's and stay as mapped. Keys keep their order.
 *
 * @example
 * withoutContactInfo({ user_id: 'jane@example.com', properties: { plan: 'pro', email: 'jane@example.com' }, context: { ip: '203.0.113.9', page: { url: 'https://shop.example.com/?e=jane%40example.com' } } });
 * // { properties: { plan: 'pro' }, context: { page: { url: 'https://shop.example.com/' } } }
 */
export function withoutContactInfo(row: JsonObject): JsonObject {
  return recordWithoutContactInfo(row, { valueChecked: ID_COLUMNS });
}
