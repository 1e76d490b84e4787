// The plugin's mapping after the blueprint: the record fitted to what Userpilot's real-time API
// takes. A user record (track, identify) needs a user_id — Userpilot knows no anonymous users,
// so a visitor without a userId is not sent; a company record needs a company_id. Metadata
// holds primitives only ("Only primitive types (string, number, boolean, null) are supported in
// metadata"): nested objects are flattened to parent_child names, lists of primitives joined,
// other values left out, each said. Contact information is left out, but for an identify's
// email when config.send_email allows it.
import { isEmailAddress, isJsonObject, readText, removeContactInfo, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { optionsOf } from './config.ts';

/** The kinds of record, by the Userpilot endpoint each goes to. */
export type RecordKind = 'track' | 'identify' | 'company';

/** How deep nested metadata is flattened; deeper values are left out. */
const MAX_DEPTH = 3;

/**
 * The kind of a mapped record, by its fields: a company_id is a company, an event_name an event,
 * anything else a user.
 *
 * @example
 * recordKind({ user_id: 'u-1', event_name: 'Signed Up' }); // 'track'
 */
export function recordKind(payload: JsonObject): RecordKind {
  if (payload.company_id !== undefined) return 'company';
  if (payload.event_name !== undefined) return 'track';
  return 'identify';
}

function flattenInto(out: JsonObject, prefix: string, value: JsonValue, depth: number, warn: (message: string) => void): void {
  // A flattened name never replaces a value of that name given as such (`a_b` beside `a: { b }`).
  if (depth > 1 && Object.hasOwn(out, prefix) && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    warn(`metadata.${prefix} from a nested object left out: the metadata already has a value named ${prefix}`);
    return;
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    out[prefix] = value;
  } else if (typeof value === 'number') {
    if (Number.isFinite(value)) out[prefix] = value;
  } else if (Array.isArray(value)) {
    if (value.every((item) => item === null || ['string', 'number', 'boolean'].includes(typeof item))) {
      out[prefix] = value.filter((item) => item !== null).map(String).join(', ');
    } else {
      warn(`metadata.${prefix} left out: Userpilot takes text, numbers, booleans and null only, not lists of objects`);
    }
  } else if (depth >= MAX_DEPTH) {
    warn(`metadata.${prefix} left out: nested deeper than ${MAX_DEPTH} levels`);
  } else {
    for (const [key, inner] of Object.entries(value)) flattenInto(out, `${prefix}_${key}`, inner, depth + 1, warn);
  }
}

/**
 * Metadata as Userpilot takes it: primitives at the top, nested objects flattened to
 * `parent_child` names, lists of primitives joined with ", ". A flattened name never replaces a
 * value given under that name (said in a warning).
 *
 * @example
 * flatMetadata({ plan: 'pro', seats: 3, billing: { cycle: 'yearly' }, tags: ['a', 'b'] }, () => {});
 * // { plan: 'pro', seats: 3, billing_cycle: 'yearly', tags: 'a, b' }
 */
export function flatMetadata(metadata: JsonObject, warn: (message: string) => void): JsonObject {
  const out: JsonObject = {};
  const entries = Object.entries(metadata).filter(([key]) => key.trim() !== '');
  const nested = ([, value]: [string, JsonValue]): boolean => isJsonObject(value);
  // Values named as such first, then the nested objects, so a flattened name never replaces one.
  for (const [key, value] of entries.filter((entry) => !nested(entry))) flattenInto(out, key, value, 1, warn);
  for (const [key, value] of entries.filter(nested)) flattenInto(out, key, value, 1, warn);
  return out;
}

/** The email of an identify's traits, when it is one address. */
function traitEmail(event: CanonicalEvent): string | undefined {
  const email = readText(event.traits?.email);
  return email !== undefined && isEmailAddress(email) ? email.trim() : undefined;
}

/**
 * Fits a mapped record to Userpilot's API, or drops it (null) saying why: a user record without
 * a user_id, a company record without a company_id.
 *
 * @example
 * fitRecord({ user_id: 'u-1', event_name: 'Signed Up', metadata: { plan: 'pro', email: 'j@x.io' } }, event, ctx);
 * // { user_id: 'u-1', event_name: 'Signed Up', metadata: { plan: 'pro' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string): void => ctx.warn?.(message);
  const kind = recordKind(payload);
  const raw = isJsonObject(payload.metadata ?? null) ? (payload.metadata as JsonObject) : {};
  if (kind === 'company') {
    const companyId = usableId(payload.company_id) ? String(payload.company_id).trim() : undefined;
    if (companyId === undefined) {
      warn('not sent: a group call needs a groupId, Userpilot\'s company_id');
      return null;
    }
    // A company's name is the company's, not a person's: kept past the contact information check.
    const name = readText(raw.name);
    const metadata = flatMetadata(removeContactInfo(raw), warn);
    return { company_id: companyId, metadata: name === undefined ? metadata : { name, ...metadata } };
  }
  const userId = usableId(payload.user_id) ? String(payload.user_id).trim() : undefined;
  if (userId === undefined) {
    warn(`not sent: Userpilot knows users by their user_id, and this ${event.type} call has no userId (anonymous visitors are not sent)`);
    return null;
  }
  const metadata = flatMetadata(removeContactInfo(raw), warn);
  if (kind === 'track') {
    const name = readText(payload.event_name);
    if (name === undefined) {
      warn('not sent: the event has no name (Userpilot requires event_name)');
      return null;
    }
    return { user_id: userId, event_name: name, metadata };
  }
  const email = traitEmail(event);
  if (email !== undefined) {
    if (optionsOf(ctx.config).sendEmail) metadata.email = email;
    else warn('traits.email left out: contact information is sent only when config.send_email is on');
  }
  const record: JsonObject = { user_id: userId, metadata };
  const company = isJsonObject(payload.company ?? null) ? (payload.company as JsonObject) : undefined;
  if (company !== undefined && usableId(company.id)) record.company = { id: String(company.id).trim() };
  return record;
}
