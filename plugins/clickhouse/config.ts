// The integration's config: where the rows go (the service's HTTPS endpoint, a database and a
// table), whom ClickHouse knows the requests by (a user and its password), two switches, and the
// private networks Signal may reach a self-hosted server on; the schema the catalog shows, and
// the checks the schema cannot make, each naming its field.
import { allowedPrivateTargets, configSwitchProblem, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The database used when the config names none: every ClickHouse server has `default`. */
export const DEFAULT_DATABASE = 'default';
/** The user used when the config names none: ClickHouse Cloud's and a fresh server's `default`. */
export const DEFAULT_USER = 'default';

/** The table the rows go to, as the config names it. */
export interface TableRef {
  database: string;
  table: string;
}

/**
 * The configured table (trimmed: a pasted name often carries a space or a line break).
 *
 * @example
 * tableOf({ table: 'events' }); // { database: 'default', table: 'events' }
 */
export function tableOf(config: Record<string, JsonValue>): TableRef {
  return { database: trimmedText(config.database) ?? DEFAULT_DATABASE, table: trimmedText(config.table) ?? '' };
}

/** An identifier quoted with backticks, a backtick or backslash inside escaped as ClickHouse reads them. */
function quoted(name: string): string {
  return `\`${name.replace(/[\\`]/g, (c) => `\\${c}`)}\``;
}

/**
 * The table as ClickHouse SQL names it, each part quoted: `` `signal`.`events` ``. The config
 * checks admit only letters, digits, underscores and hyphens; the parts are escaped all the
 * same, so a revision that skipped the checks still cannot end the identifier and add SQL.
 *
 * @example
 * sqlTableName({ database: 'signal', table: 'events' }); // '`signal`.`events`'
 */
export function sqlTableName(ref: TableRef): string {
  return `${quoted(ref.database)}.${quoted(ref.table)}`;
}

/** The table for messages: `signal.events`. */
export const tableName = (config: Record<string, JsonValue>): string => {
  const ref = tableOf(config);
  return `${ref.database}.${ref.table}`;
};

/** The user as configured (default `default`). */
export const userOf = (config: Record<string, JsonValue>): string => trimmedText(config.username) ?? DEFAULT_USER;

/** Whether inserts are asynchronous (on unless turned off). */
export const usesAsyncInsert = (config: Record<string, JsonValue>): boolean => config.async_insert !== false;

/** Whether person deletions are forwarded (on unless turned off). */
export const forwardsDeletions = (config: Record<string, JsonValue>): boolean => config.forward_deletions !== false;

/**
 * The service's origin: `https://host:port` without a trailing slash (the port kept when it is
 * not the scheme's default, as ClickHouse Cloud's 8443 never is).
 *
 * @example
 * endpointOf({ url: 'https://abc123.eu-west-1.aws.clickhouse.cloud:8443/' }); // 'https://abc123.eu-west-1.aws.clickhouse.cloud:8443'
 */
export function endpointOf(config: Record<string, JsonValue>): string {
  return new URL(trimmedText(config.url) ?? '').origin;
}

/** A hostname, an IPv4 or IPv6 address, or a CIDR range: what an allow-list entry may be. */
/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['url', 'table', 'password'],
  properties: {
    url: {
      type: 'string', title: 'HTTPS Endpoint',
      description: 'The service\'s HTTPS interface, scheme, host and port: ClickHouse Cloud > your service > Connect > HTTPS (https://<id>.<region>.<cloud>.clickhouse.cloud:8443); a self-hosted server\'s https_port (8443 by default). Plain http only to a host listed in allow_private_targets.',
      format: 'uri', minLength: 1, maxLength: 2048, examples: ['https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443'],
    },
    database: {
      type: 'string', title: 'Database',
      description: 'The database that holds the table (default: default). Letters, digits, underscores and hyphens.',
      default: DEFAULT_DATABASE, minLength: 1, maxLength: 200, examples: ['signal'],
    },
    table: {
      type: 'string', title: 'Table',
      description: 'The table the events go to, one row each. Create it first with the CREATE TABLE statement of the plugin README; Signal does not create or change tables. Letters, digits, underscores and hyphens.',
      minLength: 1, maxLength: 200, examples: ['events'],
    },
    username: {
      type: 'string', title: 'User',
      description: 'The ClickHouse user Signal connects as (default: default). Create one for Signal with the grants of the plugin README: INSERT on the table, and ALTER DELETE on it to forward person deletions.',
      default: DEFAULT_USER, minLength: 1, maxLength: 200, examples: ['signal_writer'],
    },
    password: {
      type: 'string', title: 'Password', secret: true,
      description: 'The user\'s password, sent in the X-ClickHouse-Key header over HTTPS.',
      minLength: 1, maxLength: 1024, examples: ['conformance-password-1'],
    },
    async_insert: {
      type: 'boolean', title: 'Asynchronous Inserts',
      description: 'Sends each insert with async_insert=1 and wait_for_async_insert=1: ClickHouse buffers the rows of many small inserts into one part and answers once they are written (its recommendation for many small inserts, and ClickHouse Cloud\'s). Off: async_insert=0, each request a part of its own, which suits a server that receives few, large batches. On by default.',
      default: true,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Deletes a person\'s rows when Signal is asked to forget them: a lightweight DELETE by user_id, anonymous_id and previous_id, the ids passed as query parameters, which needs ALTER DELETE on the table. The rows are hidden at once and removed from disk by the next merge of their parts (see the plugin README). On by default.',
      default: true,
    },
    allow_private_targets: privateTargetsField('a self-hosted server'),
  },
};

/** Database and table names Signal writes to: letters, digits, underscores and hyphens. */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]*$/;

function nameProblem(value: JsonValue | undefined, what: string, example: string, required: boolean): string | undefined {
  if (value === undefined || value === null) return required ? `is required: the ${what} (e.g. ${example})` : undefined;
  const name = typeof value === 'string' ? value.trim() : '';
  if (name === '') return `is required: the ${what} (e.g. ${example})`;
  const shown = JSON.stringify(name.slice(0, 200));
  if (name.includes('.')) return `is ${shown}: give the ${what} alone (e.g. ${example}); the database goes in database and the table in table`;
  if (!NAME.test(name)) return `is ${shown}: the ${what} Signal writes to may hold letters, digits, underscores and hyphens only`;
  return undefined;
}

function urlProblem(value: JsonValue | undefined, allow: string[]): string | undefined {
  const raw = trimmedText(value);
  if (raw === undefined) return 'is required: the service\'s HTTPS endpoint (e.g. https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443)';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is ${JSON.stringify(raw.slice(0, 200))}: give an absolute https URL, e.g. https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')})`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: the user goes in username and the password in password';
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') return `must be the service's origin only (scheme, host and port), without a path or query: ${url.origin}`;
  return privateTargetProblem(url, allow, 'a server', 'use the https port (8443)');
}

/**
 * Why a credential cannot travel in its header, or undefined. Header values go out as Latin-1
 * bytes: an `ä` would reach ClickHouse as one byte where it compares the UTF-8 password (two),
 * and be refused as a wrong password; a character past U+00FF would be cut. Only printable ASCII
 * is the same on both sides.
 */
function headerProblem(value: JsonValue | undefined, header: string, what: string): string | undefined {
  const credential = trimmedText(value);
  if (credential === undefined || !/[^\x20-\x7e]/.test(credential)) return undefined;
  return `holds characters other than printable ASCII (letters with accents, other scripts, control characters), which the ${header} header cannot carry as ClickHouse reads them: give the ClickHouse user a ${what} of ASCII characters`;
}

/**
 * Config problems the schema cannot say in words, each naming its field: an endpoint that is
 * not an origin (a path, credentials, http to a public host) or is a private address not
 * allow-listed; a database or table name with a dot (a pasted `db.table`) or characters Signal
 * does not write to; a blank user or password; allow-list entries that are no host or range.
 *
 * @example
 * validateClickHouseConfig({ url: 'https://abc123xyz.eu-west-1.aws.clickhouse.cloud:8443', table: 'signal.events', password: 'p' });
 * // [{ field: 'table', message: 'is "signal.events": give the table alone (e.g. events); the database goes in database and the table in table' }]
 */
export function validateClickHouseConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  problems.push(...privateTargetsProblems(config, 'clickhouse.internal'));
  const checks: Array<[string, string | undefined]> = [
    ['url', urlProblem(config.url, allowedPrivateTargets(config))],
    ['database', nameProblem(config.database, 'database', 'signal', false)],
    ['table', nameProblem(config.table, 'table', 'events', true)],
    ['username', config.username === undefined || trimmedText(config.username) !== undefined ? headerProblem(config.username, 'X-ClickHouse-User', 'user name') : 'must not be blank: the ClickHouse user Signal connects as (e.g. default)'],
    ['password', trimmedText(config.password) !== undefined ? headerProblem(config.password, 'X-ClickHouse-Key', 'password') : 'is required: the password of the ClickHouse user'],
    ['async_insert', configSwitchProblem(config.async_insert)],
    ['forward_deletions', configSwitchProblem(config.forward_deletions)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  return problems;
}
