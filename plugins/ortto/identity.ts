// Who a record names in Ortto: a person is found by the request's `merge_by` fields — the email
// (`str::email`) and/or the External ID (`str::ei`, "any ID used to uniquely identify this
// person"), which receives the userId. Ortto requires one of them: the Email field "is mandatory
// if the External ID field is not provided". The email comes from the person's traits
// (traits.email, else context.traits.email — what Signal remembers from their identify), else
// from the userId when the userId is itself an email address; never from event properties, so
// a site's event cannot choose whose person it lands on.
import { isSendableEmail, mappedEmailOrLeftOut, PermanentError, usableId, type JsonObject, type JsonValue, type PluginContext, type SendableEmailOptions } from '../../core/sdk/index.ts';
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
 * find or create the person. A mapped email that is no address is left out, said with ctx.warn,
 * when another of config.merge_by's fields still names the person (the userId as the External
 * ID, or a userId that is itself an email address); else it is a PermanentError (Ortto would
 * refuse it for good), saying where it came from.
 *
 * @example
 * identityFieldsOf(' Jane@Example.com ', 'u-1', 'the identify', ctx); // { 'str::email': 'Jane@Example.com', 'str::ei': 'u-1' }
 * identityFieldsOf(undefined, 'jane@example.com', 'the identify', ctx); // { 'str::email': 'jane@example.com', 'str::ei': 'jane@example.com' }
 * identityFieldsOf('jane@', 'u-1', 'the identify', ctxMergingByExternalId); // { 'str::ei': 'u-1' }, warned 'email left out: "jane@" …'
 */
export function identityFieldsOf(email: JsonValue | undefined, userId: JsonValue | undefined, what: string, ctx: PluginContext): JsonObject | undefined {
  const fields: JsonObject = {};
  const keys = mergeKeysOf(ctx.config);
  let externalId: string | undefined;
  if (usableId(userId)) {
    const id = fitString(String(userId).trim());
    if (id.cut) throw new PermanentError(`the userId is longer than Ortto's 255 characters for the External ID (str::ei): it cannot name the person`);
    externalId = id.text;
  }
  const userIdEmail = usableId(userId) && isEmail(String(userId)) ? String(userId).trim() : undefined;
  // Named otherwise: a merge field other than the mapped email has a value, so Ortto still
  // finds the right person when that email is left out.
  const namedOtherwise = (keys.includes('str::ei') && externalId !== undefined) || (keys.includes('str::email') && userIdEmail !== undefined);
  const mapped = mappedEmailOrLeftOut(email, 'Ortto', { ...EMAIL_CHECK, namedOtherwise, warn: ctx.warn });
  const address = mapped ?? userIdEmail;
  if (address !== undefined) fields['str::email'] = address;
  if (externalId !== undefined) fields['str::ei'] = externalId;
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
