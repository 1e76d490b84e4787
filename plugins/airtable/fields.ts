// The fields of the table a record fills: an ordered list of { field, path } — the field is the
// Airtable field's name as the table's header shows it (or its id, fld…), the path says where in
// the canonical event the value is, with `|` between alternatives. The defaults, and the checks
// of a configured list, each naming the entry at fault.
import { compileGetter, isContactInfo, isJsonObject, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';

/** One mapped field of the table. */
export interface FieldMapping {
  field: string;
  path: string;
}

/** The default fields: when, what, who, where, and the event's properties and traits as JSON text. */
export const DEFAULT_FIELDS: readonly FieldMapping[] = Object.freeze([
  { field: 'Timestamp', path: 'timestamp' },
  { field: 'Type', path: 'type' },
  { field: 'Event', path: 'event|name' },
  { field: 'User ID', path: 'userId' },
  { field: 'Anonymous ID', path: 'anonymousId' },
  { field: 'Page URL', path: 'context.page.url' },
  { field: 'Referrer', path: 'context.page.referrer' },
  { field: 'Properties', path: 'properties' },
  { field: 'Traits', path: 'traits|context.traits' },
  { field: 'Message ID', path: 'messageId' },
  { field: 'Received At', path: 'receivedAt' },
].map((entry) => Object.freeze(entry)));

/** The default fields' contact information, added after Anonymous ID when include_contact_info is on. */
export const CONTACT_FIELDS: readonly FieldMapping[] = Object.freeze([
  { field: 'Email', path: 'traits.email|context.traits.email|properties.email' },
  { field: 'Phone', path: 'traits.phone|context.traits.phone|properties.phone' },
].map((entry) => Object.freeze(entry)));

/** The top-level fields of a Signal event a path may start with. */
export const EVENT_FIELDS: readonly string[] = Object.freeze([
  'type', 'messageId', 'timestamp', 'receivedAt', 'originalTimestamp', 'sentAt', 'event', 'name', 'userId', 'anonymousId',
  'groupId', 'previousId', 'properties', 'traits', 'context', 'integrations', 'partner_attrs',
]);

/** The most fields a config maps (Airtable tables hold at most 500 fields). */
export const MAX_FIELDS = 500;

/** A path's alternatives, trimmed: `traits.email | context.traits.email` → two paths. */
export const alternativesOf = (path: string): string[] => path.split('|').map((part) => part.trim());

/** The configured fields as given (objects with text field and path), or undefined when none are configured. */
function configuredFields(value: JsonValue | undefined): FieldMapping[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.filter(isJsonObject).map((item) => ({ field: typeof item.field === 'string' ? item.field.trim() : '', path: typeof item.path === 'string' ? item.path.trim() : '' }));
}

/**
 * The mapped fields of a config: the configured list, else the defaults (with Email and Phone
 * after Anonymous ID when contact information is included).
 *
 * @example
 * fieldsOf({}).map((f) => f.field);
 * // ['Timestamp', 'Type', 'Event', 'User ID', 'Anonymous ID', 'Page URL', 'Referrer', 'Properties', 'Traits', 'Message ID', 'Received At']
 */
export function fieldsOf(config: Record<string, JsonValue>): FieldMapping[] {
  const configured = configuredFields(config.fields);
  if (configured !== undefined) return configured;
  if (config.include_contact_info !== true) return [...DEFAULT_FIELDS];
  const at = DEFAULT_FIELDS.findIndex((entry) => entry.path === 'anonymousId') + 1;
  return [...DEFAULT_FIELDS.slice(0, at), ...CONTACT_FIELDS, ...DEFAULT_FIELDS.slice(at)];
}

/** Why one path (an alternative) is refused, or undefined. */
function pathProblem(path: string): string | undefined {
  if (path === '') return 'it has an empty alternative (write paths separated by |, e.g. traits.email|context.traits.email)';
  try {
    compileGetter(path);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const root = path.split('.')[0]!.replace(/\[\]$/, '');
  if (!EVENT_FIELDS.includes(root)) {
    const near = EVENT_FIELDS.find((field) => field.toLowerCase() === root.toLowerCase());
    const hint = near !== undefined ? `"${near}" (names are case-sensitive)` : `properties.${path}, traits.${path} or context.${path}`;
    return `it starts with "${root}", which is no field of a Signal event (${EVENT_FIELDS.join(', ')}): did you mean ${hint}?`;
  }
  return undefined;
}

/**
 * The problems of configured fields, each naming the entry: not an object, no field name, a
 * field named twice, no path, a path that is malformed or reads no field of a Signal event.
 *
 * @example
 * fieldProblems([{ field: 'Revenue', path: 'revenue' }]);
 * // [{ field: 'fields', message: 'fields[0] ("Revenue") path "revenue": it starts with "revenue", which is no field of a Signal event (…): did you mean properties.revenue, …?' }]
 */
export function fieldProblems(value: JsonValue | undefined): ConfigProblem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ field: 'fields', message: 'must be a list of fields, each { "field": "Revenue", "path": "properties.revenue" }' }];
  const problems: ConfigProblem[] = [];
  const seen = new Set<string>();
  value.forEach((item, index) => {
    const at = `fields[${index}]`;
    if (!isJsonObject(item)) {
      problems.push({ field: 'fields', message: `${at} is ${JSON.stringify(item)}: each entry is { "field": "Revenue", "path": "properties.revenue" }` });
      return;
    }
    const name = typeof item.field === 'string' ? item.field.trim() : '';
    const named = name === '' ? at : `${at} ("${name.slice(0, 60)}")`;
    if (name === '') problems.push({ field: 'fields', message: `${at} has no field: give the Airtable field's name as the table's header shows it (or its id, fld…)` });
    else if (seen.has(name)) problems.push({ field: 'fields', message: `${named}: another entry fills the same field; a record holds one value a field` });
    seen.add(name);
    const path = typeof item.path === 'string' ? item.path.trim() : '';
    if (path === '') {
      problems.push({ field: 'fields', message: `${named} has no path: say where in the event its value is, e.g. properties.revenue or context.page.url` });
      return;
    }
    for (const alternative of alternativesOf(path)) {
      const problem = pathProblem(alternative);
      if (problem !== undefined) {
        problems.push({ field: 'fields', message: `${named} path "${path}": ${problem}` });
        break;
      }
    }
  });
  return problems;
}

/** Whether a path reads contact information by its last key (`traits.email`, `context.ip`, `traits.first_name`). */
function readsContactInfo(path: string): boolean {
  const last = path.split('.').pop()!.replace(/\[\]$/, '');
  return last === 'ip' || isContactInfo(last, 'x');
}

/**
 * Warnings about a valid fields list: an entry reading contact information while it is left
 * out (its field stays empty).
 *
 * @example
 * fieldWarnings([{ field: 'Email', path: 'traits.email' }], false);
 * // [{ field: 'fields', message: 'fields[0] ("Email") reads traits.email, contact information: it stays empty while include_contact_info is off' }]
 */
export function fieldWarnings(value: JsonValue | undefined, contactInfo: boolean): ConfigProblem[] {
  const fields = configuredFields(value);
  if (fields === undefined || contactInfo) return [];
  return fields.flatMap((entry, index) => (alternativesOf(entry.path).some(readsContactInfo)
    ? [{ field: 'fields', message: `fields[${index}] ("${entry.field.slice(0, 60)}") reads ${entry.path}, contact information: it stays empty while include_contact_info is off` }]
    : []));
}
