// An identify as Loops' Update contact, PUT /api/v1/contacts/update ("This endpoint will create a
// contact if a matching contact does not already exist in your audience"): the person's email
// and userId, firstName, lastName, userGroup, source, and the other traits as custom contact
// properties at the top level of the body. With marketing consent, `subscribed: true` when
// config.subscribe_with_consent is on, and the config's mailing lists (`mailingLists: { <id>:
// true }`) for a contact Loops creates only: the body then goes to Create contact (POST
// /api/v1/contacts/create), which Loops answers 409 for a contact it has, and the update
// without the lists follows (classify.ts). A list set true on an update re-subscribes someone
// who left it (Loops' Preference Center lets contacts leave each list) at their next identify.
// Without consent neither is sent: `subscribed: false` or a list set to false would
// unsubscribe someone, and an identify without consent says no such thing. Nor when the email
// is only the one Signal remembers from an earlier identify (context.traits): a list or a
// subscription comes from a call that gives the address, not from every later identify.
import { isConsentGranted, isRememberedOnly, PermanentError, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { mailingListIdsOf, MAX_TEXT_CHARS, sourceOf } from './config.ts';
import { identityOf } from './identity.ts';
import { flatProperties } from './property-values.ts';

/** Contact properties Loops reserves ("Loops does not allow properties with the following reserved names"). */
export const RESERVED_CONTACT_PROPERTIES = ['id', 'listId', 'softDeleteAt', 'teamId', 'updatedAt'] as const;

/** The default properties the plugin sets from their own rows, in the order they are sent. */
export const DEFAULT_CONTACT_FIELDS = ['firstName', 'lastName', 'userGroup', 'source'] as const;

/** Custom property names the plugin never takes from traits, each with why. */
const RESERVED = new Map<string, string>([
  ...RESERVED_CONTACT_PROPERTIES.map((name): [string, string] => [name, `Loops reserves the contact property name ${name}`]),
  ['email', 'the plugin sets the contact\'s email from traits.email'],
  ['userId', 'the plugin sets the contact\'s userId from the event\'s userId'],
  ['subscribed', 'the plugin sets subscribed from marketing consent only (config.subscribe_with_consent)'],
  ['mailingLists', 'the plugin sets mailing lists from marketing consent only (config.mailing_list_ids)'],
  ['optInStatus', 'Loops sets a contact\'s double opt-in status itself'],
  ...DEFAULT_CONTACT_FIELDS.map((name): [string, string] => [name, `the plugin sets ${name} from the blueprint's ${name} row`]),
]);

/**
 * Whether the event grants `marketing` and denies it nowhere (Signal's consent gate's reading).
 *
 * @example
 * hasMarketingConsent({ context: { consent: { marketing: true } } } as CanonicalEvent); // true
 * hasMarketingConsent({ context: {} } as CanonicalEvent);                               // false
 */
export function hasMarketingConsent(event: CanonicalEvent): boolean {
  return isConsentGranted(event, ['marketing']);
}

/** A default property's value as text Loops takes, or undefined (said with ctx.warn when it was given but unusable). */
function defaultFieldOf(name: string, value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') {
    ctx.warn?.(`${name} left out: Loops takes it as text, not ${Array.isArray(value) ? 'a list' : typeof value}`);
    return undefined;
  }
  const text = String(value).trim();
  if (text === '') return undefined;
  if (text.length > MAX_TEXT_CHARS) {
    ctx.warn?.(`${name} left out: ${text.length} characters, and Loops takes text of at most ${MAX_TEXT_CHARS}`);
    return undefined;
  }
  return text;
}

/**
 * The body of a contact for an identify, or null when it names no contact (no email, no
 * userId: Loops needs one of them): Update contact's, or — with the mailing lists to join —
 * Create contact's (see above; `isListCreation` tells which). The config's source applies when
 * the blueprint mapped none.
 *
 * @example
 * contactBody({ email: 'jane@example.com', userId: 'u-1', firstName: 'Jane', properties: { plan: 'pro' } }, identifyWithConsent, ctx);
 * // { email: 'jane@example.com', userId: 'u-1', firstName: 'Jane', mailingLists: { cm06f5v0e45nf0ml5754o9cix: true }, plan: 'pro' }
 */
export function contactBody(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const identity = identityOf(payload, ctx.warn);
  if (identity === undefined) return null;
  const body: JsonObject = { ...identity };
  for (const name of DEFAULT_CONTACT_FIELDS) {
    const value = defaultFieldOf(name, payload[name], ctx) ?? (name === 'source' ? sourceOf(ctx.config) : undefined);
    if (value !== undefined) body[name] = value;
  }
  const lists = mailingListIdsOf(ctx.config);
  const subscribing = ctx.config.subscribe_with_consent === true || lists.length > 0;
  if (subscribing && hasMarketingConsent(event)) {
    if (isRememberedOnly(payload.email, 'email', event)) {
      ctx.warn?.('mailing lists and subscribed not sent: the identify gives no email of its own, only the one Signal remembers of the person (context.traits), and a subscription comes from a call that gives the address');
    } else {
      if (ctx.config.subscribe_with_consent === true) body.subscribed = true;
      // Create contact takes an email: a contact named by its userId alone is one Loops has.
      if (lists.length > 0 && body.email === undefined) ctx.warn?.('mailing lists not sent: the identify names the contact by its userId alone, and lists are joined only by a contact Loops creates, which takes an email');
      else if (lists.length > 0) body.mailingLists = Object.fromEntries(lists.map((id) => [id, true]));
    }
  }
  const custom = flatProperties(payload.properties, { reserved: RESERVED, path: 'traits' }, ctx);
  for (const [name, value] of Object.entries(custom)) body[name] = value;
  return body;
}

/**
 * Whether a contact body is a creation that joins mailing lists (contactBody's, with
 * `mailingLists`), for Create contact, which Loops refuses (409) for a contact it has.
 *
 * @example
 * isListCreation({ email: 'jane@example.com', mailingLists: { cm06f5v0e45nf0ml5754o9cix: true } }); // true
 * isListCreation({ email: 'jane@example.com' });                                                   // false
 */
export function isListCreation(body: JsonObject): boolean {
  return body.mailingLists !== undefined;
}

/**
 * The update of a contact Loops has, for a list creation it refused (409): the same body
 * without `mailingLists` — the contact's properties updated, its lists as they are.
 *
 * @example
 * updateOf({ email: 'jane@example.com', firstName: 'Jane', mailingLists: { cm06f5v0e45nf0ml5754o9cix: true } });
 * // { email: 'jane@example.com', firstName: 'Jane' }
 */
export function updateOf(body: JsonObject): JsonObject {
  const { mailingLists: _lists, ...rest } = body;
  return rest;
}

/**
 * A PermanentError for a mapped contact whose body is over the bytes one request may carry.
 *
 * @example
 * assertFits({ email: 'jane@example.com' }, 64_000); // nothing
 */
export function assertFits(body: JsonObject, maxBytes: number, what: string): void {
  const bytes = Buffer.byteLength(JSON.stringify(body));
  if (bytes > maxBytes) throw new PermanentError(`the ${what} takes ${bytes} bytes of JSON, more than the ${maxBytes} Signal sends Loops in one request: leave large traits or properties out in the blueprint`);
}
