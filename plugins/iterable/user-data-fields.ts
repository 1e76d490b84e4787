// A user's profile fields as an identify sends them (POST /api/users/bulkUpdate, a user's
// `dataFields`): what the blueprint mapped, without the fields Iterable manages or a page must
// not set, the phone number in E.164, and the identifier the project does not identify by
// (the email of a userId-identified user, the userId of an email-based project's user) set by
// the plugin from the person, never from the site's traits.
import { normalizePhoneNumber, PermanentError, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import type { ProjectType } from './config.ts';
import type { Identity, Person } from './identity.ts';

/**
 * Profile fields the site never sets, whatever the blueprint maps. `email` and `userId` change
 * a user's identity when given in dataFields (Iterable: Updating a User's Email Address or User
 * ID), so only the plugin writes them, from the person. The others are fields Iterable manages,
 * which "should not be included in calls to POST /api/users/update or other endpoints that
 * update user profiles" (Iterable: User Profile Fields Used by Iterable): subscriptions
 * (`emailListIds`, `userListIds`, the message type and channel lists — a page must not
 * subscribe or unsubscribe anyone, and bulkUpdate changes them without subscribe events),
 * devices and tokens, the cart, and Iterable's own fields.
 */
export const NEVER_FROM_SITE: ReadonlySet<string> = new Set([
  'email', 'userId', 'itblUserId', 'itblInternal', 'itblDS',
  'emailListIds', 'userListIds', 'subscribedMessageTypeIds', 'unsubscribedMessageTypeIds', 'unsubscribedChannelIds',
  'devices', 'browserTokens', 'shoppingCartItems', 'phoneNumberDetails', 'receivedSMSDisclaimer',
  'signupDate', 'signupSource', 'profileUpdatedAt',
]);

/** Iterable's SMS field: a phone number in E.164. */
export const PHONE_FIELD = 'phoneNumber';

/** What the dataFields of an identify depend on: the project's type and the default calling code for phone numbers. */
export interface UserFieldOptions {
  projectType: ProjectType;
  defaultCountryCode?: string | undefined;
}

/** Whether a value is text of white space only (an empty form field). */
function blankText(value: JsonValue): boolean {
  return typeof value === 'string' && value.trim() === '';
}

/**
 * The dataFields of an identify: the mapped fields without NEVER_FROM_SITE (names compared
 * trimmed) and without blank text — an empty form field would overwrite what the profile holds
 * (`null` still clears a field on purpose) — `phoneNumber` in E.164 (SDK normalizePhoneNumber,
 * the default country's numbering plan for a number written without `+` or `00`); then, from the
 * person: `email` when the user goes by userId (userID-based and hybrid projects set a user's
 * email this way), `userId` in an email-based project (where it is an ordinary field). A phone
 * number, email or userId Iterable would refuse is an error naming it: Iterable would refuse the
 * whole user update.
 *
 * @example
 * userDataFields({ firstName: 'Jane', email: 'x@example.com', emailListIds: [1], phoneNumber: '07700 900123' }, { userId: 'u-1', email: 'jane@example.com' }, { userId: 'u-1' }, { projectType: 'hybrid', defaultCountryCode: '44' });
 * // { firstName: 'Jane', phoneNumber: '+447700900123', email: 'jane@example.com' }
 */
export function userDataFields(mapped: JsonObject, person: Person, identity: Identity, options: UserFieldOptions): JsonObject {
  const fields: JsonObject = {};
  for (const [rawKey, value] of Object.entries(mapped)) {
    const key = rawKey.trim();
    if (key === '' || NEVER_FROM_SITE.has(key) || value === undefined || blankText(value)) continue;
    if (key === PHONE_FIELD && value !== null) {
      const e164 = typeof value === 'string' || typeof value === 'number' ? normalizePhoneNumber(String(value), { defaultCountryCode: options.defaultCountryCode }) : undefined;
      if (e164 === undefined) {
        throw new PermanentError(`the identify was not sent: ${PHONE_FIELD} ${JSON.stringify(value)} cannot be read as a phone number in E.164${options.defaultCountryCode ? '' : ' (it has no country code: set config.default_country_code)'}, and Iterable refuses the user update for it. Fix the number at the source, or leave it out with a pipeline transformation, then replay`);
      }
      fields[key] = e164;
      continue;
    }
    fields[key] = value;
  }
  if ('userId' in identity) {
    if (person.emailProblem !== undefined) throw new PermanentError(`the identify was not sent: ${person.emailProblem}`);
    if (person.email !== undefined) fields.email = person.email;
  } else if (options.projectType === 'email') {
    if (person.userIdProblem !== undefined) throw new PermanentError(`the identify was not sent: ${person.userIdProblem}`);
    if (person.userId !== undefined) fields.userId = person.userId;
  }
  return fields;
}
