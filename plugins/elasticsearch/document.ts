// The document one event becomes, from what the blueprint maps: `@timestamp` (what Kibana and
// data streams sort and filter by) and the other times as ISO 8601 in UTC with milliseconds,
// which dynamic mapping reads as dates; ids SDKs write for "no id" ("undefined", "null") left
// out, never stored as someone's id; properties, traits and context as objects, searchable field
// by field. Unless the config keeps contact information, none is sent (the SDK's
// recordWithoutContactInfo). Field names Elasticsearch refuses (empty, or dots alone) are left
// out with a warning rather than costing the whole document.
import { PermanentError, recordWithoutContactInfo, usableId, utcTimeText, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { keepsContactInfo } from './config.ts';

/** The field every document needs: data streams refuse a document without it, and it names the daily index. */
export const TIMESTAMP = '@timestamp';
/** Fields holding an id: left out when the id is a placeholder (or, without contact information, an email or phone). */
export const ID_FIELDS = ['user_id', 'anonymous_id', 'group_id', 'previous_id'] as const;
/** Fields holding a time, besides `@timestamp`. */
export const TIME_FIELDS = ['received_at', 'sent_at'] as const;

/** The dates `strict_date_optional_time` reads: four-digit years. */
const RANGE = { minMs: Date.UTC(1000, 0, 1), maxMs: Date.UTC(9999, 11, 31, 23, 59, 59, 999) };

/** A field name Elasticsearch refuses: empty, blank, or made of dots (`a..b`, `.x` and `x.` too: it splits names on dots). */
const unusableName = (key: string): boolean => key.trim() === '' || key.startsWith('.') || key.endsWith('.') || key.includes('..');

/** A value without the object keys Elasticsearch refuses, at any depth; each one left out is told to `warn` with its path. */
function withUsableNames(value: JsonValue, path: string, warn: (message: string) => void): JsonValue {
  if (Array.isArray(value)) return value.map((item) => withUsableNames(item, path, warn));
  if (value === null || typeof value !== 'object') return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (unusableName(key)) {
      warn(`${path}.${JSON.stringify(key)} left out: Elasticsearch refuses field names that are empty or start, end or repeat with a dot`);
      continue;
    }
    if (item !== undefined) out[key] = withUsableNames(item, `${path}.${key}`, warn);
  }
  return out;
}

/**
 * The document of one mapped event (see the file's comment), its keys in the payload's order.
 * Throws a PermanentError (the event is dead-lettered with it) when `@timestamp` is missing or
 * not a time; an optional time it cannot read is left out.
 *
 * @example
 * eventDocument({ '@timestamp': 1711296000, message_id: 'm-1', type: 'track', user_id: 'undefined', anonymous_id: 'df_1', properties: { plan: 'pro' } }, ctx);
 * // { '@timestamp': '2024-03-24T16:00:00.000Z', message_id: 'm-1', type: 'track', anonymous_id: 'df_1', properties: { plan: 'pro' } }
 */
export function eventDocument(payload: JsonObject, ctx: Pick<PluginContext, 'config' | 'warn'>): JsonObject {
  const warn = ctx.warn ?? (() => undefined);
  const source = keepsContactInfo(ctx.config) ? payload : recordWithoutContactInfo(payload, { valueChecked: ID_FIELDS });
  const document: JsonObject = {};
  for (const [field, value] of Object.entries(source)) {
    if (value === null || value === undefined) continue;
    if (unusableName(field)) {
      warn(`${JSON.stringify(field)} left out: Elasticsearch refuses field names that are empty or start, end or repeat with a dot`);
    } else if ((ID_FIELDS as readonly string[]).includes(field)) {
      if (usableId(value)) document[field] = String(value);
    } else if (field === TIMESTAMP || (TIME_FIELDS as readonly string[]).includes(field)) {
      const time = utcTimeText(value, RANGE);
      if (time !== undefined) document[field] = time;
      else if (field !== TIMESTAMP) warn(`${field} left out: ${JSON.stringify(value).slice(0, 80)} is not a time (ISO 8601 or epoch seconds or milliseconds)`);
    } else {
      document[field] = withUsableNames(value, field, warn);
    }
  }
  if (document[TIMESTAMP] === undefined) {
    const got = payload[TIMESTAMP];
    throw new PermanentError(got === undefined || got === null
      ? 'the document has no @timestamp, which data streams require and the index name\'s date is read from: the blueprint must map it (the shipped blueprint maps it from the event\'s timestamp)'
      : `@timestamp: ${JSON.stringify(got).slice(0, 80)} is not a time (ISO 8601 or epoch seconds or milliseconds, years 1000 to 9999): check what the blueprint maps to @timestamp`);
  }
  return document;
}
