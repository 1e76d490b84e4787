// The index (or data stream) a document goes to: the config's name, whose `{…}` parts are a date
// pattern filled in from the document's own `@timestamp` in UTC (`signal-events-{yyyy.MM.dd}` →
// `signal-events-2026.11.30`), as Logstash and Beats name daily indices. From the document, not
// from the clock of the delivery: a retry or a replay goes to the index the first try went to,
// where `create` finds the document already there (a 409, read as delivered). Person deletions
// search every index the name can give: each date part becomes `*` (`signal-events-*`).

/** The date tokens a `{…}` part may hold, with separators `.`, `-` and `_` between them. */
const TOKEN = /yyyy|MM|dd|HH/g;
const DATE_PART = /\{([^{}]*)\}/g;
const VALID_PATTERN = /^(?:yyyy|MM|dd|HH)(?:[._-]?(?:yyyy|MM|dd|HH))*$/;

/** The default name: one index a day. */
export const DEFAULT_INDEX = 'signal-events-{yyyy.MM.dd}';

/**
 * The name for a time (ms), each `{…}` date part filled in in UTC.
 *
 * @example
 * indexNameAt('signal-events-{yyyy.MM.dd}', Date.UTC(2026, 10, 30, 23, 59)); // 'signal-events-2026.11.30'
 * indexNameAt('logs-signal-default', 0);                                      // 'logs-signal-default'
 */
export function indexNameAt(pattern: string, ms: number): string {
  const at = new Date(ms);
  const two = (n: number): string => String(n).padStart(2, '0');
  const values: Record<string, string> = {
    yyyy: String(at.getUTCFullYear()).padStart(4, '0'), MM: two(at.getUTCMonth() + 1), dd: two(at.getUTCDate()), HH: two(at.getUTCHours()),
  };
  return pattern.replace(DATE_PART, (_whole, format: string) => format.replace(TOKEN, (token) => values[token] ?? token));
}

/**
 * Every name the pattern gives, as an index pattern: each date part a `*`.
 *
 * @example
 * indexWildcard('signal-events-{yyyy.MM.dd}'); // 'signal-events-*'
 * indexWildcard('logs-signal-default');         // 'logs-signal-default'
 */
export function indexWildcard(pattern: string): string {
  return pattern.replace(DATE_PART, '*').replace(/\*+/g, '*');
}

/** Characters Elasticsearch and OpenSearch refuse in an index name (`:` names a remote cluster). */
const FORBIDDEN = /[\\/*?"<>| ,#:A-Z]/;

/**
 * Why the configured name cannot be an index or data stream name, or undefined: its date parts
 * hold only the tokens yyyy, MM, dd and HH; filled in, it is lower case, without `\ / * ? " < > |`,
 * spaces, commas, `#` or `:`, does not start with `-`, `_`, `+` or `.` (hidden and system
 * indices), and is at most 255 bytes.
 *
 * @example
 * indexNameProblem('Signal-{yyyy}');     // 'is "Signal-{yyyy}": index names are lower case (…)'
 * indexNameProblem('events-{yyyy.ww}');  // 'has the date part {yyyy.ww}: …'
 */
export function indexNameProblem(pattern: string): string | undefined {
  const shown = JSON.stringify(pattern.slice(0, 260));
  for (const [, format] of pattern.matchAll(DATE_PART)) {
    if (!VALID_PATTERN.test(format ?? '')) return `has the date part {${format ?? ''}}: a date part holds yyyy, MM, dd and HH with . - or _ between them, e.g. {yyyy.MM.dd} (filled in from each event's time, in UTC)`;
  }
  // A year of 4 digits and two-digit parts: the longest name the pattern gives.
  const filled = indexNameAt(pattern, Date.UTC(2026, 11, 31, 23));
  if (filled.includes('{') || filled.includes('}')) return `is ${shown}: braces only enclose a date part, e.g. signal-events-{yyyy.MM.dd}`;
  if (filled === '' || filled === '.' || filled === '..') return `is ${shown}: give an index or data stream name, e.g. ${DEFAULT_INDEX}`;
  // Elasticsearch compares the name with its lower-case form: capitals of any script are refused, not only A–Z.
  if (FORBIDDEN.test(filled) || filled !== filled.toLowerCase()) return `is ${shown}: index names are lower case, without \\ / * ? " < > | , # : or spaces (e.g. ${DEFAULT_INDEX})`;
  if (/^[-_+.]/.test(filled)) return `is ${shown}: an index name cannot start with -, _, + or . (names starting with a dot are hidden and system indices)`;
  if (Buffer.byteLength(filled) > 255) return `is ${Buffer.byteLength(filled)} bytes once its date is filled in: an index name has at most 255`;
  return undefined;
}
