// Who a record names in Omnisend: its email and phone, the two identifiers Omnisend keys
// contacts by (a contact's `identifiers`, each of type email or phone; an event's `contact`).
// The site's userId is no Omnisend identifier (Omnisend's contact id is its own), so it names
// no one there. Taken from the blueprint's rows (the person's traits, and what Signal remembers
// of them), never from event properties.
import { mappedEmailOrLeftOut, normalizePhoneNumber, readText, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { defaultCountryCodeOf } from './config.ts';

/** A record's identity: its email and phone (E.164), at least one of them set. */
export interface OmnisendIdentity {
  email?: string;
  phone?: string;
}

/**
 * The phone of a mapped record in E.164 (Omnisend: "full phone number in E.164 format with
 * country code prefix"), or undefined: one that is no number, or has no country code and no
 * default one is configured, is left out, said with ctx.warn.
 *
 * @example
 * phoneOf('+44 7700 900123', ctx);                        // '+447700900123'
 * phoneOf('07700 900123', ctxWithDefaultCountryCode44);    // '+447700900123'
 */
export function phoneOf(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  const text = readText(value);
  if (text === undefined) return undefined;
  const phone = normalizePhoneNumber(text, { defaultCountryCode: defaultCountryCodeOf(ctx.config) });
  if (phone === undefined) ctx.warn?.(`phone left out: ${JSON.stringify(text)} is no phone number Omnisend takes (E.164, with its country code; set config.default_country_code for numbers written without one)`);
  return phone;
}

/**
 * The identity of a mapped record, or undefined when it names no contact. A malformed email is
 * a PermanentError unless a phone names the contact: then the email alone is left out, said
 * with ctx.warn.
 *
 * @example
 * identityOf({ email: 'jane@example.com', phone: '+447700900123' }, ctx); // { email: 'jane@example.com', phone: '+447700900123' }
 * identityOf({}, ctx);                                                   // undefined
 */
export function identityOf(payload: { email?: JsonValue; phone?: JsonValue }, ctx: PluginContext): OmnisendIdentity | undefined {
  const phone = phoneOf(payload.phone, ctx);
  const email = mappedEmailOrLeftOut(payload.email, 'Omnisend', { namedOtherwise: phone !== undefined, warn: ctx.warn });
  if (email === undefined && phone === undefined) return undefined;
  return { ...(email === undefined ? {} : { email }), ...(phone === undefined ? {} : { phone }) };
}
