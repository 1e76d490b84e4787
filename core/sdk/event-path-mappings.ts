// A configured list of named paths into the event — `{ <name>: 'Revenue', path: 'properties.revenue' }`,
// in order — as the plugins writing one event to a row of the customer's own table take it
// (Google Sheets' columns, Airtable's fields): the defaults, with contact fields after Anonymous
// ID when they are included, and the checks of a configured list, each naming the entry at
// fault in the vendor's words.
import { compileGetter } from '../blueprint/paths.ts';
import { isContactInfo } from './contact-free.ts';
import { isJsonObject } from './json-object.ts';
import type { ConfigProblem, JsonValue } from './types.ts';

/** One mapped entry: its name under the vendor's key (`header`, `field`) and its path into the event. */
export type EventPathMapping<K extends string> = { [key in K]: string } & { path: string };

/** The default entries' names and paths: when, what, who, where, and the event's properties and traits as JSON text. */
const DEFAULTS: readonly (readonly [string, string])[] = [
  ['Timestamp', 'timestamp'],
  ['Type', 'type'],
  ['Event', 'event|name'],
  ['User ID', 'userId'],
  ['Anonymous ID', 'anonymousId'],
  ['Page URL', 'context.page.url'],
  ['Referrer', 'context.page.referrer'],
  ['Properties', 'properties'],
  ['Traits', 'traits|context.traits'],
  ['Message ID', 'messageId'],
  ['Received At', 'receivedAt'],
];

/** The contact entries the defaults add after Anonymous ID when include_contact_info is on. */
const CONTACT_DEFAULTS: readonly (readonly [string, string])[] = [
  ['Email', 'traits.email|context.traits.email|properties.email'],
  ['Phone', 'traits.phone|context.traits.phone|properties.phone'],
];

/** The top-level fields of a Signal event a path may start with. */
export const EVENT_PATH_ROOTS: readonly string[] = Object.freeze([
  'type', 'messageId', 'timestamp', 'receivedAt', 'originalTimestamp', 'sentAt', 'event', 'name', 'userId', 'anonymousId',
  'groupId', 'previousId', 'properties', 'traits', 'context', 'integrations', 'partner_attrs',
]);

/**
 * A path's alternatives, trimmed.
 *
 * @example
 * pathAlternatives('traits.email | context.traits.email'); // ['traits.email', 'context.traits.email']
 */
export const pathAlternatives = (path: string): string[] => path.split('|').map((part) => part.trim());

/** Why one path (an alternative) is refused, or undefined. */
function pathProblem(path: string): string | undefined {
  if (path === '') return 'it has an empty alternative (write paths separated by |, e.g. traits.email|context.traits.email)';
  try {
    compileGetter(path);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  const root = path.split('.')[0]!.replace(/\[\]$/, '');
  if (!EVENT_PATH_ROOTS.includes(root)) {
    const near = EVENT_PATH_ROOTS.find((field) => field.toLowerCase() === root.toLowerCase());
    const hint = near !== undefined ? `"${near}" (names are case-sensitive)` : `properties.${path}, traits.${path} or context.${path}`;
    return `it starts with "${root}", which is no field of a Signal event (${EVENT_PATH_ROOTS.join(', ')}): did you mean ${hint}?`;
  }
  return undefined;
}

/** Whether a path reads contact information by its last key (`traits.email`, `context.ip`, `traits.first_name`). */
function readsContactInfo(path: string): boolean {
  const last = path.split('.').pop()!.replace(/\[\]$/, '');
  return last === 'ip' || isContactInfo(last, 'x');
}

/** The vendor's words for its list of mappings. */
export interface EventPathMappingsOptions<K extends string> {
  /** The config field holding the list, e.g. `columns`. */
  field: string;
  /** The key naming an entry, e.g. `header`. */
  nameKey: K;
  /** One entry, for "each … is { … }", e.g. `column`. */
  entryWord: string;
  /** What to give as an entry's name, said when it has none, e.g. `give the column's name, as the sheet's header row shows it`. */
  nameHint: string;
  /** What an entry reading contact information leaves while it is off, e.g. `its cells stay empty`. */
  leftEmpty: string;
  /**
   * Two entries of the same name: a `problem` (the vendor would refuse the list) or a
   * `warning`, its message after the entry's name, and whether names differing in case only
   * count as the same.
   */
  sameName: { as: 'problem' | 'warning'; message: string; anyCase: boolean };
}

/** A plugin's list of mappings: its defaults, the list a config gives, and its checks. */
export interface EventPathMappings<K extends string> {
  /** The default entries. */
  defaults: readonly EventPathMapping<K>[];
  /** The contact entries added after Anonymous ID when include_contact_info is on. */
  contactDefaults: readonly EventPathMapping<K>[];
  /** The mappings of a config: the configured list, else the defaults (with the contact ones when `include_contact_info` is true). */
  of(config: Record<string, JsonValue>): EventPathMapping<K>[];
  /** The problems of a configured list, each naming the entry. */
  problems(value: JsonValue | undefined): ConfigProblem[];
  /** Warnings about a valid list: an entry reading contact information while it is left out, (with `sameName.as: 'warning'`) a name given twice. */
  warnings(value: JsonValue | undefined, contactInfo: boolean): ConfigProblem[];
}

/**
 * The list of `{ <nameKey>, path }` mappings a config gives (paths into the event, `|` between
 * alternatives), its defaults and checks, worded as the vendor's.
 *
 * @example
 * const columns = eventPathMappings({
 *   field: 'columns', nameKey: 'header', entryWord: 'column', nameHint: 'give the column\'s name, as the sheet\'s header row shows it',
 *   leftEmpty: 'its cells stay empty', sameName: { as: 'warning', message: 'another column has the same header', anyCase: true },
 * });
 * columns.of({}).map((c) => c.header); // ['Timestamp', 'Type', 'Event', 'User ID', 'Anonymous ID', 'Page URL', …]
 * columns.problems([{ header: 'Revenue', path: 'revenue' }]);
 * // [{ field: 'columns', message: 'columns[0] ("Revenue") path "revenue": it starts with "revenue", which is no field of a Signal event (…): did you mean properties.revenue, …?' }]
 */
export function eventPathMappings<K extends string>(options: EventPathMappingsOptions<K>): EventPathMappings<K> {
  const { field, nameKey } = options;
  const entry = (name: string, path: string): EventPathMapping<K> => ({ [nameKey]: name, path }) as EventPathMapping<K>;
  const defaults = Object.freeze(DEFAULTS.map(([name, path]) => Object.freeze(entry(name, path))));
  const contactDefaults = Object.freeze(CONTACT_DEFAULTS.map(([name, path]) => Object.freeze(entry(name, path))));
  const example = `{ "${nameKey}": "Revenue", "path": "properties.revenue" }`;
  const text = (value: JsonValue | undefined): string => (typeof value === 'string' ? value.trim() : '');
  const nameOf = (mapping: EventPathMapping<K>): string => mapping[nameKey];
  const sameKey = (name: string): string => (options.sameName.anyCase ? name.toLowerCase() : name);

  /** The configured entries as given (objects with text name and path), or undefined when none are configured. */
  const configured = (value: JsonValue | undefined): EventPathMapping<K>[] | undefined => {
    if (!Array.isArray(value) || value.length === 0) return undefined;
    return value.filter(isJsonObject).map((item) => entry(text(item[nameKey]), text(item.path)));
  };

  return {
    defaults,
    contactDefaults,
    of(config) {
      const given = configured(config[field]);
      if (given !== undefined) return given;
      if (config.include_contact_info !== true) return [...defaults];
      const at = defaults.findIndex((mapping) => mapping.path === 'anonymousId') + 1;
      return [...defaults.slice(0, at), ...contactDefaults, ...defaults.slice(at)];
    },
    problems(value) {
      if (value === undefined || value === null) return [];
      if (!Array.isArray(value)) return [{ field, message: `must be a list of ${field}, each ${example}` }];
      const problems: ConfigProblem[] = [];
      const seen = new Set<string>();
      value.forEach((item, index) => {
        const at = `${field}[${index}]`;
        if (!isJsonObject(item)) {
          problems.push({ field, message: `${at} is ${JSON.stringify(item)}: each ${options.entryWord} is ${example}` });
          return;
        }
        const name = text(item[nameKey]);
        const named = name === '' ? at : `${at} ("${name.slice(0, 60)}")`;
        if (name === '') problems.push({ field, message: `${at} has no ${nameKey}: ${options.nameHint}` });
        else if (options.sameName.as === 'problem' && seen.has(sameKey(name))) problems.push({ field, message: `${named}: ${options.sameName.message}` });
        seen.add(sameKey(name));
        const path = text(item.path);
        if (path === '') {
          problems.push({ field, message: `${named} has no path: say where in the event its value is, e.g. properties.revenue or context.page.url` });
          return;
        }
        for (const alternative of pathAlternatives(path)) {
          const problem = pathProblem(alternative);
          if (problem !== undefined) {
            problems.push({ field, message: `${named} path "${path}": ${problem}` });
            break;
          }
        }
      });
      return problems;
    },
    warnings(value, contactInfo) {
      const given = configured(value);
      if (given === undefined) return [];
      const warnings: ConfigProblem[] = [];
      const seen = new Set<string>();
      given.forEach((mapping, index) => {
        const named = `${field}[${index}] ("${nameOf(mapping).slice(0, 60)}")`;
        if (!contactInfo && pathAlternatives(mapping.path).some(readsContactInfo)) {
          warnings.push({ field, message: `${named} reads ${mapping.path}, contact information: ${options.leftEmpty} while include_contact_info is off` });
        }
        if (options.sameName.as !== 'warning') return;
        const key = sameKey(nameOf(mapping));
        if (key !== '' && seen.has(key)) warnings.push({ field, message: `${named}: ${options.sameName.message}` });
        seen.add(key);
      });
      return warnings;
    },
  };
}
