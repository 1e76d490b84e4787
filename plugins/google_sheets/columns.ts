// The columns of the sheet: an ordered list of { header, path } — the header only names the
// column (for the header row the user writes, the preview and the README), the path says where
// in the canonical event the cell's value is, with `|` between alternatives. The defaults, and
// the checks of a configured list, each naming the column at fault.
import { compileGetter, isContactInfo, isJsonObject, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';

/** One column of the sheet. */
export interface Column {
  header: string;
  path: string;
}

/** The default columns: when, what, who, where, and the event's properties and traits as JSON. */
export const DEFAULT_COLUMNS: readonly Column[] = Object.freeze([
  { header: 'Timestamp', path: 'timestamp' },
  { header: 'Type', path: 'type' },
  { header: 'Event', path: 'event|name' },
  { header: 'User ID', path: 'userId' },
  { header: 'Anonymous ID', path: 'anonymousId' },
  { header: 'Page URL', path: 'context.page.url' },
  { header: 'Referrer', path: 'context.page.referrer' },
  { header: 'Properties', path: 'properties' },
  { header: 'Traits', path: 'traits|context.traits' },
  { header: 'Message ID', path: 'messageId' },
  { header: 'Received At', path: 'receivedAt' },
].map((column) => Object.freeze(column)));

/** The default columns' contact information, added after Anonymous ID when include_contact_info is on. */
export const CONTACT_COLUMNS: readonly Column[] = Object.freeze([
  { header: 'Email', path: 'traits.email|context.traits.email|properties.email' },
  { header: 'Phone', path: 'traits.phone|context.traits.phone|properties.phone' },
].map((column) => Object.freeze(column)));

/** The top-level fields of a Signal event a path may start with. */
export const EVENT_FIELDS: readonly string[] = Object.freeze([
  'type', 'messageId', 'timestamp', 'receivedAt', 'originalTimestamp', 'sentAt', 'event', 'name', 'userId', 'anonymousId',
  'groupId', 'previousId', 'properties', 'traits', 'context', 'integrations', 'partner_attrs',
]);

/** A path's alternatives, trimmed: `traits.email | context.traits.email` → two paths. */
export const alternativesOf = (path: string): string[] => path.split('|').map((part) => part.trim());

/** The configured columns as given (objects with text header and path), or undefined when none are configured. */
function configuredColumns(value: JsonValue | undefined): Column[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  return value.filter(isJsonObject).map((item) => ({ header: typeof item.header === 'string' ? item.header.trim() : '', path: typeof item.path === 'string' ? item.path.trim() : '' }));
}

/**
 * The columns of a config: the configured list, else the defaults (with Email and Phone after
 * Anonymous ID when contact information is included).
 *
 * @example
 * columnsOf({}).map((c) => c.header);
 * // ['Timestamp', 'Type', 'Event', 'User ID', 'Anonymous ID', 'Page URL', 'Referrer', 'Properties', 'Traits', 'Message ID', 'Received At']
 */
export function columnsOf(config: Record<string, JsonValue>): Column[] {
  const configured = configuredColumns(config.columns);
  if (configured !== undefined) return configured;
  if (config.include_contact_info !== true) return [...DEFAULT_COLUMNS];
  const at = DEFAULT_COLUMNS.findIndex((c) => c.path === 'anonymousId') + 1;
  return [...DEFAULT_COLUMNS.slice(0, at), ...CONTACT_COLUMNS, ...DEFAULT_COLUMNS.slice(at)];
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
 * The problems of configured columns, each naming the column: not an object, no header, no
 * path, a path that is malformed or reads no field of a Signal event.
 *
 * @example
 * columnProblems([{ header: 'Revenue', path: 'revenue' }]);
 * // [{ field: 'columns', message: 'columns[0] ("Revenue") path "revenue": it starts with "revenue", which is no field of a Signal event (…): did you mean properties.revenue, …?' }]
 */
export function columnProblems(value: JsonValue | undefined): ConfigProblem[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ field: 'columns', message: 'must be a list of columns, each { "header": "Revenue", "path": "properties.revenue" }' }];
  const problems: ConfigProblem[] = [];
  value.forEach((item, index) => {
    const at = `columns[${index}]`;
    if (!isJsonObject(item)) {
      problems.push({ field: 'columns', message: `${at} is ${JSON.stringify(item)}: each column is { "header": "Revenue", "path": "properties.revenue" }` });
      return;
    }
    const header = typeof item.header === 'string' ? item.header.trim() : '';
    const named = header === '' ? at : `${at} ("${header.slice(0, 60)}")`;
    if (header === '') problems.push({ field: 'columns', message: `${at} has no header: give the column's name, as the sheet's header row shows it` });
    const path = typeof item.path === 'string' ? item.path.trim() : '';
    if (path === '') {
      problems.push({ field: 'columns', message: `${named} has no path: say where in the event its value is, e.g. properties.revenue or context.page.url` });
      return;
    }
    for (const alternative of alternativesOf(path)) {
      const problem = pathProblem(alternative);
      if (problem !== undefined) {
        problems.push({ field: 'columns', message: `${named} path "${path}": ${problem}` });
        break;
      }
    }
  });
  return problems;
}

/** Whether a path reads contact information by its last key (`traits.email`, `context.ip`, `traits.phone`, `traits.first_name`). */
function readsContactInfo(path: string): boolean {
  const last = path.split('.').pop()!.replace(/\[\]$/, '');
  return last === 'ip' || isContactInfo(last, 'x');
}

/**
 * Warnings about a valid columns list: a column reading contact information while it is left
 * out (its cells stay empty), a header given twice.
 *
 * @example
 * columnWarnings([{ header: 'Email', path: 'traits.email' }], false);
 * // [{ field: 'columns', message: 'columns[0] ("Email") reads traits.email, contact information: its cells stay empty while include_contact_info is off' }]
 */
export function columnWarnings(value: JsonValue | undefined, contactInfo: boolean): ConfigProblem[] {
  const columns = configuredColumns(value);
  if (columns === undefined) return [];
  const warnings: ConfigProblem[] = [];
  const seen = new Set<string>();
  columns.forEach((column, index) => {
    const named = `columns[${index}] ("${column.header.slice(0, 60)}")`;
    if (!contactInfo && alternativesOf(column.path).some(readsContactInfo)) {
      warnings.push({ field: 'columns', message: `${named} reads ${column.path}, contact information: its cells stay empty while include_contact_info is off` });
    }
    const key = column.header.toLowerCase();
    if (key !== '' && seen.has(key)) warnings.push({ field: 'columns', message: `${named}: another column has the same header; the sheet's columns are told apart by position only` });
    seen.add(key);
  });
  return warnings;
}
