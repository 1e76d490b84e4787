// Who a record names in Ortto: a person is found by the request's `merge_by` fields — the email
// (`str::email`) and/or the External ID (`str::ei`, "any ID used to uniquely identify this
// person"), which receives the userId. Ortto requires one of them: the Email field "is mandatory
// if the External ID field is not provided". The email comes from the person's traits
// (traits.email, else context.traits.email — what Signal remembers from their identify), else
// from the userId when the userId is itself an email address; never from event properties, so
// a site's event cannot choose whose person it lands on.
import { isSendableEmail, mappedEmail, PermanentError, usableId, type JsonObject, type JsonValue, type PluginContext, type SendableEmailOptions } from '../../core/sdk/index.ts';
import { mergeKeysOf } from './config.ts';
import { fitString } from './field-values.ts';

/** Ortto keys people by the address: a list of addresses or a bracketed name is none (the SDK's strict check). */
const EMAIL_CHECK: SendableEmailOptions = { strict: true };

/**
 * Whether a value is an email address as far as the plugin checks one.
 *
 * @example
 * isEmail(' jane@example.com '); // true
 * isEmail('user-123');           // false
 */
export function isEmail(value: unknown): value is string {
  return typeof value === 'string' && isSendableEmail(value, EMAIL_CHECK);
}

/**
 * The person's identity fields as Ortto takes them (`str::email`, `str::ei`), or undefined —
 * said with ctx.warn — when none of the config's merge fields has a value: Ortto could not
 * find or create the person. A mapped email that is no address is a PermanentError (Ortto would
 * refuse it for good), saying where it came from.
 *
 * @example
 * identityFieldsOf(' Jane@Example.com ', 'u-1', 'the identify', ctx); // { 'str::email': 'Jane@Example.com', 'str::ei': 'u-1' }
 * identityFieldsOf(undefined, 'jane@example.com', 'the identify', ctx); // { 'str::email': 'jane@example.com', 'str::ei': 'jane@example.com' }
 */
export function identityFieldsOf(email: JsonValue | undefined, userId: JsonValue | undefined, what: string, ctx: PluginContext): JsonObject | undefined {
  const fields: JsonObject = {};
  const mapped = mappedEmail(email, 'Ortto', EMAIL_CHECK);
  if (mapped !== undefined) fields['str::email'] = mapped;
  else if (usableId(userId) && isEmail(String(userId))) {
    fields['str::email'] = String(userId).trim();
  }
  if (usableId(userId)) {
    const id = fitString(String(userId).trim());
    if (id.cut) throw new PermanentError(`the userId is longer than Ortto's 255 characters for the External ID (str::ei): it cannot name the person`);
    fields['str::ei'] = id.text;
  }
  const keys = mergeKeysOf(ctx.config);
  if (!keys.some((key) => fields[key] !== undefined)) {
    const wanted = keys.map((key) => (key === 'str::email' ? 'email (traits.email, one Signal remembers from an identify, or a userId that is an email address)' : 'userId (the External ID)')).join(' and no ');
    ctx.warn?.(`${what} not sent to Ortto: it has no ${wanted}, which config.merge_by finds people by`);
    return undefined;
  }
  return fields;
}

/**
 * The request's location of a record: the visitor's IP as `source_ip`, from which Ortto places
 * the person; undefined when config.send_ip is off or there is no IP.
 *
 * @example
 * locationOf('203.0.113.42', { config: {} , … }); // { source_ip: '203.0.113.42' }
 */
export function locationOf(ip: JsonValue | undefined, ctx: PluginContext): JsonObject | undefined {
  if (ctx.config.send_ip === false || typeof ip !== 'string' || ip.trim() === '') return undefined;
  return { source_ip: ip.trim() };
}
