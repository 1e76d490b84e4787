// The person an Attentive request is about, as its `user` object (Attentive's EventUser):
// `phone` (E.164 required), `email`, and `externalIdentifiers.clientUserId` — Attentive: "Phone,
// email, or an external identifier (clientUserId or another custom identifier) are required".
// The userId goes as clientUserId (Attentive: "Your primary ID for a user"); the email and phone
// come from the person's traits only (the blueprint reads traits and what Signal remembers of
// their identify), never from an event's properties, so a site cannot choose whose profile an
// event lands on.
import { isEmailAddress, normalizePhoneNumber, PermanentError, readText, usableId, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { defaultCountryCodeOf } from './config.ts';

/** Attentive's Identity API: "There is a 100 character limit" for emails and client user ids (taken for every endpoint). */
export const MAX_IDENTIFIER_CHARS = 100;

/** Whether a text is an email address, once trimmed. */
export function isEmail(value: string): boolean {
  return isEmailAddress(value.trim());
}

/** A problem with one identifier: why it was left out. */
interface LeftOut {
  field: string;
  why: string;
}

function emailOf(value: JsonValue | undefined): { email?: string; leftOut?: LeftOut } {
  const email = readText(value);
  if (email === undefined) return {};
  if (!isEmail(email)) return { leftOut: { field: 'email', why: `${JSON.stringify(value)} is not an email address` } };
  if (email.length > MAX_IDENTIFIER_CHARS) return { leftOut: { field: 'email', why: `it is ${email.length} characters long; Attentive takes at most ${MAX_IDENTIFIER_CHARS}` } };
  return { email };
}

function phoneOf(value: JsonValue | undefined, ctx: PluginContext): { phone?: string; leftOut?: LeftOut } {
  const written = readText(value);
  if (written === undefined) return {};
  const countryCode = defaultCountryCodeOf(ctx.config);
  const phone = normalizePhoneNumber(written, { defaultCountryCode: countryCode });
  if (phone === undefined) return { leftOut: { field: 'phone', why: `${JSON.stringify(value)} is no phone number with its country code${countryCode ? '' : ' (set config.default_country_code to read numbers written without one)'}` } };
  return { phone };
}

function clientUserIdOf(value: JsonValue | undefined): { clientUserId?: string; leftOut?: LeftOut } {
  if (!usableId(value)) return {};
  const id = String(value).trim();
  if (id.length > MAX_IDENTIFIER_CHARS) return { leftOut: { field: 'externalIdentifiers.clientUserId', why: `the userId is ${id.length} characters long; Attentive takes a clientUserId of at most ${MAX_IDENTIFIER_CHARS}` } };
  return { clientUserId: id };
}

/**
 * The `user` of an Attentive request from the blueprint's `email`, `phone` and
 * `client_user_id`: each identifier Attentive can take, in its form (E.164 phones). An
 * identifier it cannot take is left out with ctx.warn when another names the person; when none
 * is left because of it, a PermanentError saying which to fix. Null when the event names no one
 * (an anonymous visitor): Attentive has no anonymous profiles, so such an event is not sent.
 *
 * @example
 * userOf({ email: 'jane@example.com', phone: '(212) 555-0100', client_user_id: 'u-1' }, { config: { default_country_code: '1' }, … });
 * // { phone: '+12125550100', email: 'jane@example.com', externalIdentifiers: { clientUserId: 'u-1' } }
 * userOf({}, ctx); // null
 */
export function userOf(payload: JsonObject, ctx: PluginContext): JsonObject | null {
  const email = emailOf(payload.email);
  const phone = phoneOf(payload.phone, ctx);
  const clientUserId = clientUserIdOf(payload.client_user_id);
  const user: JsonObject = {};
  if (phone.phone !== undefined) user.phone = phone.phone;
  if (email.email !== undefined) user.email = email.email;
  if (clientUserId.clientUserId !== undefined) user.externalIdentifiers = { clientUserId: clientUserId.clientUserId };
  const leftOut = [phone.leftOut, email.leftOut, clientUserId.leftOut].filter((problem): problem is LeftOut => problem !== undefined);
  if (Object.keys(user).length === 0) {
    if (leftOut.length === 0) return null;
    throw new PermanentError(`Attentive needs a phone, an email or a clientUserId to know whose event this is, and none could be sent: ${leftOut.map((p) => `user.${p.field} left out, ${p.why}`).join('; ')}`);
  }
  for (const problem of leftOut) ctx.warn?.(`user.${problem.field} left out: ${problem.why}`);
  return user;
}
