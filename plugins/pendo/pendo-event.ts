// The plugin's `map` hook: the blueprint's record made into what Pendo takes. A record with an
// `event` is a track event — Pendo's Track Events body `{ type: 'track', event, visitorId,
// accountId?, timestamp (ms), properties, context: { ip?, userAgent?, url?, title? } }`; one
// without (the identify handler removes it) is a visitor's metadata — `{ visitorId, values }`,
// an item of the Metadata API's bulk update. Whatever the blueprint gives, the plugin decides
// who the event is about (a site's properties never choose it), keeps Pendo's documented
// limits and says what it left out or changed.
import { isJsonObject, PermanentError, usableId, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { optionsOf, type PendoOptions } from './config.ts';

/** Pendo: "The timestamp exceeds seven days" — such a track event is not processed. */
export const MAX_AGE_MS = 7 * 24 * 3600 * 1000;
/** Pendo: property names "Must be 32 characters or fewer". */
export const MAX_PROPERTY_NAME_CHARS = 32;
/** Pendo: "Values with more than 512 bytes appear as event properties JSON too large … This limit applies to the whole properties JSON". */
export const MAX_PROPERTIES_BYTES = 512;

type Warn = ((message: string) => void) | undefined;

function text(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value.trim() : typeof value === 'number' && Number.isFinite(value) ? String(value) : '';
}

/**
 * A name as Pendo takes it for a property or metadata field: letters, digits and underscores,
 * not starting with a digit, not both starting and ending with `__`; other characters become
 * `_`. With `maxChars`, cut to it. Empty when nothing is left.
 *
 * @example
 * pendoName('Plan Tier'); // 'Plan_Tier'
 * pendoName('2fa');       // '_2fa'
 */
export function pendoName(name: string, maxChars?: number): string {
  let fitted = name.trim().replace(/[^A-Za-z0-9_]+/g, '_');
  // Cut first, so that the cut cannot leave a name that begins and ends with `__` or a digit.
  if (maxChars !== undefined) fitted = fitted.slice(0, maxChars);
  if (/^__.*__$/.test(fitted)) fitted = fitted.replace(/^_+/, '');
  if (/^[0-9]/.test(fitted)) fitted = `_${fitted}`;
  if (maxChars !== undefined) fitted = fitted.slice(0, maxChars);
  return /^_*$/.test(fitted) ? '' : fitted;
}

/** Renames keys to Pendo's names, leaving out the ones that cannot be named or collide. */
function renamed(values: JsonObject, what: string, maxChars: number | undefined, warn: Warn): JsonObject {
  const out: JsonObject = {};
  const changed: string[] = [];
  const left: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value === undefined) continue;
    const name = pendoName(key, maxChars);
    if (name === '' || Object.hasOwn(out, name)) {
      left.push(key);
      continue;
    }
    if (name !== key) changed.push(`${key} → ${name}`);
    out[name] = value;
  }
  if (changed.length > 0) warn?.(`${what} renamed to Pendo's names (letters, digits, _${maxChars ? `, up to ${maxChars} characters` : ''}): ${changed.join(', ')}`);
  if (left.length > 0) warn?.(`${what} left out (no Pendo name of their own): ${left.join(', ')}`);
  return out;
}

/** The event's properties under Pendo's names, within its 512 bytes of properties JSON (the largest left out first). */
export function fitProperties(value: JsonValue | undefined, warn: Warn): JsonObject {
  const properties = renamed(isJsonObject(value) ? value : {}, 'properties', MAX_PROPERTY_NAME_CHARS, warn);
  const left: string[] = [];
  let bytes = Buffer.byteLength(JSON.stringify(properties));
  if (bytes > MAX_PROPERTIES_BYTES) {
    // Sizes measured once, the largest values first (a record of thousands of properties must not
    // be sorted again for each one left out): each entry is `"name":value` and a comma.
    const sized = Object.entries(properties)
      .map(([name, item]) => ({ name, value: Buffer.byteLength(JSON.stringify(item)), entry: Buffer.byteLength(JSON.stringify(name)) + 1 + Buffer.byteLength(JSON.stringify(item)) }))
      .sort((a, b) => b.value - a.value);
    let count = sized.length;
    for (const { name, entry } of sized) {
      if (bytes <= MAX_PROPERTIES_BYTES) break;
      delete properties[name];
      left.push(name);
      bytes -= entry + (count > 1 ? 1 : 0);
      count -= 1;
    }
  }
  if (left.length > 0) warn?.(`properties left out to keep the properties JSON within Pendo's ${MAX_PROPERTIES_BYTES} bytes (the largest first): ${left.join(', ')}`);
  return properties;
}

/** The visitor's metadata values: text, numbers and booleans under Pendo's field names. */
export function fitValues(value: JsonValue | undefined, warn: Warn): JsonObject {
  const values = renamed(isJsonObject(value) ? value : {}, 'traits', undefined, warn);
  const left: string[] = [];
  for (const [key, item] of Object.entries(values)) {
    if (item === null || typeof item === 'object') {
      delete values[key];
      left.push(key);
    }
  }
  if (left.length > 0) warn?.(`traits left out: Pendo metadata fields hold text, numbers, booleans or dates, not lists or objects: ${left.join(', ')}`);
  return values;
}

/** The visitorId: the userId the blueprint mapped, else (when the config says so) the anonymousId. */
function visitorIdOf(payload: JsonObject, event: CanonicalEvent, options: PendoOptions): string | undefined {
  if (usableId(payload.visitorId)) return text(payload.visitorId);
  if (options.anonymousVisitors === 'anonymous_id' && usableId(event.anonymousId)) return String(event.anonymousId).trim();
  return undefined;
}

/** A time in ms since the epoch from a mapped time (ms or ISO text), else the event's own. */
function timeOf(value: JsonValue | undefined, event: CanonicalEvent): number {
  for (const candidate of [value, event.timestamp]) {
    if (typeof candidate !== 'string' && typeof candidate !== 'number') continue;
    const ms = typeof candidate === 'number' ? candidate : Date.parse(candidate);
    if (Number.isFinite(ms) && Math.abs(ms) < 8.64e15) return Math.trunc(ms);
  }
  return Date.parse(event.receivedAt);
}

function fitContext(value: JsonValue | undefined): JsonObject {
  const context = isJsonObject(value) ? value : {};
  const out: JsonObject = {};
  for (const key of ['ip', 'userAgent', 'url', 'title']) {
    const item = text(context[key]);
    if (item !== '') out[key] = item;
  }
  return out;
}

function fitTrack(payload: JsonObject, event: CanonicalEvent, options: PendoOptions, ctx: PluginContext, warn: Warn): JsonObject | null {
  const name = text(payload.event);
  if (name === '') throw new PermanentError('Pendo: the event has no name (event), which Pendo requires: map one in the blueprint');
  const visitorId = visitorIdOf(payload, event, options);
  if (visitorId === undefined) {
    warn?.(options.anonymousVisitors === 'skip'
      ? 'not sent: the event has no userId (Pendo\'s visitorId), and config.anonymous_visitors is skip (the default; anonymous_id sends the anonymousId as visitorId)'
      : 'not sent: the event has neither a userId nor an anonymousId for Pendo\'s visitorId');
    return null;
  }
  const timestamp = timeOf(payload.timestamp, event);
  if (ctx.now - timestamp > MAX_AGE_MS) {
    throw new PermanentError(`Pendo does not process track events more than seven days old; this one is from ${new Date(timestamp).toISOString()}`);
  }
  const accountId = text(payload.accountId);
  return {
    type: 'track',
    event: name,
    visitorId,
    ...(accountId === '' ? {} : { accountId }),
    timestamp,
    properties: fitProperties(payload.properties, warn),
    // "Required for a request, but can be left blank".
    context: fitContext(payload.context),
  };
}

function fitMetadata(payload: JsonObject, event: CanonicalEvent, options: PendoOptions, warn: Warn): JsonObject | null {
  if (options.integrationKey === undefined) {
    warn?.('not sent: identify traits go to Pendo\'s Metadata API, which needs config.integration_key (an integration key with write access)');
    return null;
  }
  const visitorId = visitorIdOf(payload, event, { ...options, anonymousVisitors: 'skip' });
  if (visitorId === undefined) {
    warn?.('not sent: Pendo sets metadata on a visitorId, and this identify has no userId');
    return null;
  }
  const values = fitValues(payload.values, warn);
  if (Object.keys(values).length === 0) {
    warn?.('not sent: no trait to set as visitor metadata');
    return null;
  }
  return { visitorId, values };
}

/** Whether a fitted record is a visitor's metadata (else a track event). */
export function isMetadataRecord(payload: JsonObject): boolean {
  return payload.type !== 'track';
}

/**
 * The blueprint's record fitted to Pendo: a track event or a visitor's metadata; null (not
 * sent, with a warning) when Pendo could not attribute it or the config cannot send it.
 *
 * @example
 * fitRecord({ event: 'Signed Up', visitorId: 'user-1', properties: { plan: 'pro' } }, event, ctx);
 * // { type: 'track', event: 'Signed Up', visitorId: 'user-1', timestamp: 1711296000000, properties: { plan: 'pro' }, context: {} }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext, warn?: Warn): JsonObject | null {
  const options = optionsOf(ctx.config);
  return 'event' in payload ? fitTrack(payload, event, options, ctx, warn) : fitMetadata(payload, event, options, warn);
}
