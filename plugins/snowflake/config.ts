// The integration's config: the account and user, one credential (a key pair's private key, or a
// programmatic access token), where the rows go (database, schema, table), what runs the
// statements (warehouse, role), the statement timeout and the deletion switch; the schema the
// catalog shows, and the checks the schema cannot make, each naming its field.
import type { ConfigProblem, ConfigSchema, JsonValue } from '../../core/sdk/index.ts';
import { privateKeyProblem } from './key-pair.ts';
import { trimmedText } from '../../core/sdk/index.ts';

/**
 * An identifier Snowflake resolves without quotes: a letter or underscore, then letters, digits,
 * underscores or dollar signs, up to 255 characters. Written unquoted in the SQL text, it reads
 * in any letter case as Snowflake stores it (upper case), and can carry no SQL.
 */
export const UNQUOTED_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,254}$/;

/** Account identifiers: `orgname-accountname` or an account locator (`xy12345`, with its region: `xy12345.us-east-2.aws`). */
const ACCOUNT = /^[A-Za-z0-9][A-Za-z0-9_-]*(?:\.[A-Za-z0-9][A-Za-z0-9_-]*)*$/;

/** Default seconds a statement may run before Snowflake cancels it. */
export const DEFAULT_STATEMENT_TIMEOUT = 60;

/**
 * The account identifier as the URL's host takes it: lower case, without a pasted scheme or
 * `.snowflakecomputing.com`.
 *
 * @example
 * accountHost({ account: 'https://MYORG-SHOP.snowflakecomputing.com/' }); // 'myorg-shop'
 */
export function accountHost(config: Record<string, JsonValue>): string {
  return (trimmedText(config.account) ?? '').toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '').replace(/\.snowflakecomputing\.com$/, '');
}

/**
 * The account as a key-pair JWT names it: upper case, without region or cloud segments (an
 * account locator's `.us-east-2.aws`), Snowflake's rule for the `iss` and `sub` claims.
 *
 * @example
 * jwtAccount({ account: 'xy12345.us-east-2.aws' }); // 'XY12345'
 */
export function jwtAccount(config: Record<string, JsonValue>): string {
  return accountHost(config).split('.')[0]!.toUpperCase();
}

/** The statements' origin: `https://{account}.snowflakecomputing.com`. */
export const apiOrigin = (config: Record<string, JsonValue>): string => `https://${accountHost(config)}.snowflakecomputing.com`;

/** An identifier of the config in upper case (how Snowflake stores an unquoted one), or undefined when blank. */
export const identifier = (value: JsonValue | undefined): string | undefined => trimmedText(value)?.toUpperCase();

/**
 * The table's fully qualified name for the SQL text (`DB.SCHEMA.TABLE`). Each part is re-checked
 * as an unquoted identifier (a hand-edited revision skips validateConfig): a part that is not
 * one throws, so nothing but identifiers ever enters the statement.
 *
 * @example
 * qualifiedTable({ database: 'analytics', schema: 'signal', table: 'events' }); // 'ANALYTICS.SIGNAL.EVENTS'
 */
export function qualifiedTable(config: Record<string, JsonValue>): string {
  const parts = (['database', 'schema', 'table'] as const).map((field) => {
    const value = identifier(config[field]);
    if (value === undefined || !UNQUOTED_IDENTIFIER.test(value)) throw new Error(`config.${field} is not an identifier Snowflake reads unquoted (letters, digits, _ and $, from a letter or _): fix it in a new revision`);
    return value;
  });
  return parts.join('.');
}

/** The statement timeout in seconds the config gives (default 60). */
export function statementTimeout(config: Record<string, JsonValue>): number {
  const value = config.statement_timeout;
  return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 3600 ? value : DEFAULT_STATEMENT_TIMEOUT;
}

/** Whether person deletions are forwarded (on unless turned off). */
export const forwardsDeletions = (config: Record<string, JsonValue>): boolean => config.forward_deletions !== false;

/** Which credential the config carries: the programmatic access token wins when both are set (validateConfig refuses both). */
export const usesAccessToken = (config: Record<string, JsonValue>): boolean => trimmedText(config.programmatic_access_token) !== undefined;

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['account', 'user', 'database', 'schema', 'table', 'warehouse'],
  properties: {
    account: {
      type: 'string', title: 'Account Identifier',
      description: 'Your Snowflake account identifier: the part of the account URL before .snowflakecomputing.com — orgname-accountname (e.g. myorg-shop; Snowsight > your name > Account > View account details), or the account locator with its region (e.g. xy12345.us-east-2.aws).',
      minLength: 1, maxLength: 255, examples: ['myorg-shop'],
    },
    user: {
      type: 'string', title: 'User',
      description: 'The Snowflake user Signal connects as (its login name, e.g. SIGNAL_WRITER): best a service user (TYPE = SERVICE) whose default role may insert into the table, with the public key of the key pair set on it (ALTER USER … SET RSA_PUBLIC_KEY), or a programmatic access token of its own.',
      minLength: 1, maxLength: 255, examples: ['SIGNAL_WRITER'],
    },
    private_key: {
      type: 'string', title: 'Private Key (key-pair authentication)', secret: true,
      description: 'The user\'s RSA private key (2048 bits or more) as a PEM file pasted whole, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY----- (openssl genrsa 2048 | openssl pkcs8 -topk8 -inform PEM -out rsa_key.p8 -nocrypt). An encrypted key (BEGIN ENCRYPTED PRIVATE KEY) needs its passphrase in private_key_passphrase. Signal signs a short-lived JWT with it for every request; the key never leaves Signal. Give this or programmatic_access_token.',
      maxLength: 20_000,
    },
    private_key_passphrase: {
      type: 'string', title: 'Private Key Passphrase', secret: true,
      description: 'The passphrase of an encrypted private key (BEGIN ENCRYPTED PRIVATE KEY); leave empty for an unencrypted one.',
      maxLength: 1000,
    },
    programmatic_access_token: {
      type: 'string', title: 'Programmatic Access Token', secret: true,
      description: 'Instead of a key pair: a programmatic access token of the user (Snowsight > Governance & security > Users & roles > the user > Programmatic access tokens > Generate new token, restricted to a role that may insert into the table). It expires (15 days by default, up to a year): set a reminder to replace it.',
      maxLength: 10_000,
    },
    database: {
      type: 'string', title: 'Database',
      description: 'The database that holds the table (e.g. ANALYTICS), an identifier Snowflake reads unquoted: letters, digits, _ and $, from a letter or _.',
      minLength: 1, maxLength: 255, examples: ['ANALYTICS'],
    },
    schema: {
      type: 'string', title: 'Schema',
      description: 'The schema that holds the table (e.g. SIGNAL).',
      minLength: 1, maxLength: 255, examples: ['SIGNAL'],
    },
    table: {
      type: 'string', title: 'Table',
      description: 'The table the events go to, one row each. Create it first with the CREATE TABLE statement of the plugin README; Signal does not create or change tables.',
      minLength: 1, maxLength: 255, examples: ['EVENTS'],
    },
    warehouse: {
      type: 'string', title: 'Warehouse',
      description: 'The virtual warehouse that runs the INSERT statements (e.g. SIGNAL_WH; an X-Small is plenty). The role needs USAGE on it; with AUTO_RESUME on, a suspended warehouse resumes for the first statement.',
      minLength: 1, maxLength: 255, examples: ['SIGNAL_WH'],
    },
    role: {
      type: 'string', title: 'Role',
      description: 'The role the statements run as (e.g. SIGNAL_WRITER); empty: the user\'s default role. It needs USAGE on the warehouse, database and schema, INSERT on the table, and DELETE on it to forward person deletions (see the README\'s GRANT statements).',
      maxLength: 255, examples: ['SIGNAL_WRITER'],
    },
    statement_timeout: {
      type: 'integer', title: 'Statement Timeout (seconds)',
      description: 'How long Snowflake lets one INSERT or DELETE run before it cancels it (1 to 3,600 seconds). A cancelled statement inserted nothing and is sent again.',
      minimum: 1, maximum: 3600, default: DEFAULT_STATEMENT_TIMEOUT,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Deletes a person\'s rows from the table when Signal is asked to forget them: a DELETE statement with the person\'s ids as bind variables (by user_id, anonymous_id and previous_id), which needs DELETE on the table. On by default.',
      default: true,
    },
  },
};

function identifierProblem(value: JsonValue | undefined, what: string, example: string): string | undefined {
  const id = trimmedText(value);
  if (id === undefined) return `is required: the ${what} (e.g. ${example})`;
  const shown = JSON.stringify(id.slice(0, 200));
  if (id.includes('.')) return `is ${shown}: give the ${what} alone (e.g. ${example}); the database, schema and table each have their own field`;
  if (/^".*"$/.test(id)) return `is ${shown}: give the name without quotes; Signal supports identifiers Snowflake reads unquoted (letters, digits, _ and $, from a letter or _) — rename an object whose name needs quotes`;
  if (!UNQUOTED_IDENTIFIER.test(id)) return `is ${shown}: an identifier Snowflake reads unquoted holds letters, digits, _ and $ only, starts with a letter or _, and is at most 255 characters`;
  return undefined;
}

function accountProblem(value: JsonValue | undefined): string | undefined {
  const raw = trimmedText(value);
  if (raw === undefined) return 'is required: your account identifier, the part of the account URL before .snowflakecomputing.com (e.g. myorg-shop)';
  const host = accountHost({ account: raw });
  if (!ACCOUNT.test(host)) return `is ${JSON.stringify(raw.slice(0, 200))}: give the account identifier alone, orgname-accountname (e.g. myorg-shop) or the account locator with its region (e.g. xy12345.us-east-2.aws)`;
  return undefined;
}

function userProblem(value: JsonValue | undefined): string | undefined {
  const user = trimmedText(value);
  if (user === undefined) return 'is required: the login name of the Snowflake user Signal connects as (e.g. SIGNAL_WRITER)';
  if (/[\s"']/.test(user)) return `is ${JSON.stringify(user.slice(0, 200))}: give the user's login name alone, without quotes or spaces`;
  return undefined;
}

function credentialProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const key = trimmedText(config.private_key);
  const token = trimmedText(config.programmatic_access_token);
  if (key === undefined && token === undefined) {
    return [{ field: 'private_key', message: 'is required (or programmatic_access_token): the PEM private key of the user\'s key pair, from -----BEGIN PRIVATE KEY----- to -----END PRIVATE KEY-----' }];
  }
  if (key !== undefined && token !== undefined) {
    return [{ field: 'programmatic_access_token', message: 'is set with private_key: give one credential, the private key or the programmatic access token, and leave the other empty' }];
  }
  if (key === undefined) {
    if (/^-----BEGIN/.test(token!)) return [{ field: 'programmatic_access_token', message: 'holds a PEM key: paste a private key into private_key, and a programmatic access token (the secret Snowsight shows once) here' }];
    if (/\s/.test(token!)) return [{ field: 'programmatic_access_token', message: 'holds spaces or line breaks: paste the token alone, as Snowsight showed it' }];
    return [];
  }
  const problem = privateKeyProblem(key, trimmedText(config.private_key_passphrase));
  return problem === undefined ? [] : [{ field: problem.field, message: problem.message }];
}

/**
 * Config problems the schema cannot say in words, each naming its field: an account identifier
 * pasted as a URL with a path, a user with spaces, a database, schema, table, warehouse or role
 * that is not an identifier Snowflake reads unquoted (or a pasted `DB.SCHEMA.TABLE`), no
 * credential or two, a private key that cannot be read (not PEM, not RSA, shorter than 2048
 * bits, encrypted without its passphrase or with a wrong one).
 *
 * @example
 * validateSnowflakeConfig({ account: 'myorg-shop', user: 'SIGNAL', database: 'ANALYTICS', schema: 'SIGNAL', table: 'ANALYTICS.SIGNAL.EVENTS', warehouse: 'WH', private_key: '-----BEGIN PRIVATE KEY-----…' });
 * // [{ field: 'table', message: 'is "ANALYTICS.SIGNAL.EVENTS": give the table alone (e.g. EVENTS); the database, schema and table each have their own field' }]
 */
export function validateSnowflakeConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const checks: Array<[string, string | undefined]> = [
    ['account', accountProblem(config.account)],
    ['user', userProblem(config.user)],
    ['database', identifierProblem(config.database, 'database', 'ANALYTICS')],
    ['schema', identifierProblem(config.schema, 'schema', 'SIGNAL')],
    ['table', identifierProblem(config.table, 'table', 'EVENTS')],
    ['warehouse', identifierProblem(config.warehouse, 'warehouse', 'SIGNAL_WH')],
    ['role', trimmedText(config.role) === undefined ? undefined : identifierProblem(config.role, 'role', 'SIGNAL_WRITER')],
    ['statement_timeout', config.statement_timeout === undefined || (typeof config.statement_timeout === 'number' && Number.isInteger(config.statement_timeout) && config.statement_timeout >= 1 && config.statement_timeout <= 3600)
      ? undefined : 'must be a whole number of seconds from 1 to 3,600'],
    ['forward_deletions', config.forward_deletions === undefined || typeof config.forward_deletions === 'boolean' ? undefined : 'must be true or false'],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  problems.push(...credentialProblems(config));
  return problems;
}
