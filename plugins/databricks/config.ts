// The integration's config: the workspace (its host), the SQL warehouse that runs the
// statements, one credential (a personal access token, or a service principal's OAuth client
// id and secret), where the rows go (catalog, schema, table), how the JSON columns are typed,
// how long a request waits for its statement, and the deletion switch; the schema the catalog
// shows, and the checks the schema cannot make, each naming its field.
import { pastedSecretProblem, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/**
 * A name Signal writes between backticks in the SQL text (catalog, schema, table, column): a
 * letter, digit or underscore first, then letters, digits, underscores or hyphens, up to 255
 * characters. No backtick, dot, space or quote can enter the statement's text.
 */
export const NAME = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,254}$/;
/** A column name the blueprint may map to: a letter or underscore, then letters, digits or underscores. */
export const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,254}$/;
/** A host name: labels of letters, digits and hyphens, at least two of them. */
const HOST_NAME = /^(?=.{4,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/;
/** A SQL warehouse's id (the last segment of its HTTP path `/sql/1.0/warehouses/<id>`). */
const WAREHOUSE_ID = /^[A-Za-z0-9]{1,64}$/;

/** Seconds a request waits for its statement by default (the request's own timeout is 5 s more). */
export const DEFAULT_WAIT_SECONDS = 8;
/** How the JSON columns are typed: STRING holding JSON text (any runtime), or VARIANT through PARSE_JSON. */
export const JSON_COLUMN_TYPES = ['STRING', 'VARIANT'] as const;
export type JsonColumnType = (typeof JSON_COLUMN_TYPES)[number];

/**
 * The workspace's host name, lower case, without a pasted scheme, path or port.
 *
 * @example
 * workspaceHost({ host: 'https://DBC-A1B2345C-D6E7.cloud.databricks.com/?o=123' }); // 'dbc-a1b2345c-d6e7.cloud.databricks.com'
 */
export function workspaceHost(config: Record<string, JsonValue>): string {
  return (trimmedText(config.host) ?? '').toLowerCase().replace(/^https?:\/\//, '').replace(/[/?#].*$/, '');
}

/** The workspace's origin, `https://<host>`: the statements' and the token endpoint's. */
export const workspaceOrigin = (config: Record<string, JsonValue>): string => `https://${workspaceHost(config)}`;

/**
 * The SQL warehouse's id, also from a pasted HTTP path (`/sql/1.0/warehouses/1234567890abcdef`).
 *
 * @example
 * warehouseId({ warehouse_id: '/sql/1.0/warehouses/1234567890abcdef' }); // '1234567890abcdef'
 */
export function warehouseId(config: Record<string, JsonValue>): string {
  const raw = trimmedText(config.warehouse_id) ?? '';
  const fromPath = /\/warehouses\/([^/?#]+)/.exec(raw)?.[1];
  return fromPath ?? raw;
}

/** Whether the config authenticates with a service principal's OAuth client credentials (no personal access token given). */
export const usesOAuth = (config: Record<string, JsonValue>): boolean => trimmedText(config.access_token) === undefined && trimmedText(config.client_id) !== undefined && trimmedText(config.client_secret) !== undefined;

/** The JSON columns' type the config gives (STRING by default). */
export const jsonColumnType = (config: Record<string, JsonValue>): JsonColumnType => (config.json_columns === 'VARIANT' ? 'VARIANT' : 'STRING');

/** Seconds a request waits for its statement: config.wait_timeout_seconds (5 to 50), else 8. */
export function waitSeconds(config: Record<string, JsonValue>): number {
  const value = config.wait_timeout_seconds;
  return typeof value === 'number' && Number.isInteger(value) && value >= 5 && value <= 50 ? value : DEFAULT_WAIT_SECONDS;
}

/** Whether person deletions are forwarded (on unless turned off). */
export const forwardsDeletions = (config: Record<string, JsonValue>): boolean => config.forward_deletions !== false;

/**
 * A name between backticks, re-checked (a hand-edited revision skips validateConfig): a name
 * that is not one throws, so nothing but names ever enters the statement.
 *
 * @example
 * quoted('events', 'table'); // '`events`'
 */
export function quoted(name: string | undefined, field: string): string {
  if (name === undefined || !NAME.test(name)) throw new Error(`config.${field} is not a name Signal writes into the statement (letters, digits, _ and -, from a letter, digit or _): fix it in a new revision`);
  return `\`${name}\``;
}

/**
 * The table's three-part name for the SQL text, each part between backticks.
 *
 * @example
 * qualifiedTable({ catalog: 'main', schema: 'signal', table: 'events' }); // '`main`.`signal`.`events`'
 */
export function qualifiedTable(config: Record<string, JsonValue>): string {
  return (['catalog', 'schema', 'table'] as const).map((field) => quoted(trimmedText(config[field]), field)).join('.');
}

/** The table as messages name it: `main.signal.events`. */
export function tableWords(config: Record<string, JsonValue> | undefined): string {
  if (config === undefined) return 'the table';
  return [trimmedText(config.catalog) ?? '?', trimmedText(config.schema) ?? '?', trimmedText(config.table) ?? '?'].join('.');
}

/** Who runs the statements, as messages name them: the token's user or the service principal. */
export const principalWords = (config: Record<string, JsonValue> | undefined): string =>
  config !== undefined && usesOAuth(config) ? `the service principal of config.client_id (${trimmedText(config.client_id)!})` : 'the user or service principal of config.access_token';

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['host', 'warehouse_id', 'catalog', 'schema', 'table'],
  properties: {
    host: {
      type: 'string', title: 'Workspace Host',
      description: 'Your Databricks workspace\'s host name, as in its URL: dbc-a1b2345c-d6e7.cloud.databricks.com (AWS), adb-1234567890123456.7.azuredatabricks.net (Azure) or 1234567890123456.7.gcp.databricks.com (Google Cloud). A pasted URL is read for its host.',
      minLength: 4, maxLength: 300, examples: ['dbc-a1b2345c-d6e7.cloud.databricks.com'],
    },
    warehouse_id: {
      type: 'string', title: 'SQL Warehouse ID',
      description: 'The SQL warehouse that runs the INSERT and DELETE statements (SQL Warehouses > the warehouse > Connection details: the last part of the HTTP path /sql/1.0/warehouses/<id>; the HTTP path pasted whole is read too). A serverless warehouse starts in seconds; a stopped classic one is started by the first statement, which waits meanwhile.',
      minLength: 1, maxLength: 200, examples: ['1234567890abcdef'],
    },
    access_token: {
      type: 'string', title: 'Personal Access Token', secret: true,
      description: 'A personal access token (dapi…) of the user or service principal Signal runs as (Settings > Developer > Access tokens). It expires as set when generated (Databricks recommends 90 days at most): set a reminder to replace it. Give this, or client_id and client_secret.',
      maxLength: 1000,
    },
    client_id: {
      type: 'string', title: 'Service Principal Client ID (OAuth M2M)',
      description: 'Instead of a token: the application (client) ID of a Databricks service principal with an OAuth secret (Settings > Identity and access > Service principals > the principal > Secrets). Signal asks the workspace\'s token endpoint (https://<host>/oidc/v1/token, scope all-apis) for one-hour tokens and renews them.',
      maxLength: 200, examples: ['6f8e4c2a-1b3d-4e5f-9a7b-0c1d2e3f4a5b'],
    },
    client_secret: {
      type: 'string', title: 'Service Principal OAuth Secret', secret: true,
      description: 'The OAuth secret generated for the service principal (shown once, dose…). It expires as set when generated (up to two years): generate a new one and store it in a new revision before then.',
      maxLength: 1000,
    },
    catalog: {
      type: 'string', title: 'Catalog',
      description: 'The Unity Catalog catalog that holds the table (e.g. main; hive_metastore for a workspace without Unity Catalog). Letters, digits, _ and -.',
      minLength: 1, maxLength: 255, examples: ['main'],
    },
    schema: {
      type: 'string', title: 'Schema',
      description: 'The schema that holds the table (e.g. signal). Letters, digits, _ and -.',
      minLength: 1, maxLength: 255, examples: ['signal'],
    },
    table: {
      type: 'string', title: 'Table',
      description: 'The Delta table the events go to, one row each. Create it first with the CREATE TABLE statement of the plugin README; Signal does not create or change tables. Letters, digits, _ and -.',
      minLength: 1, maxLength: 255, examples: ['events'],
    },
    json_columns: {
      type: 'string', title: 'Type of the properties, traits and context columns',
      description: 'STRING: each holds the JSON text (works on every warehouse; read it with the : operator or from_json). VARIANT: sent through PARSE_JSON into VARIANT columns, which need Databricks SQL or Databricks Runtime 15.3 or above. It must match the table (see the README\'s two CREATE TABLE statements).',
      enum: [...JSON_COLUMN_TYPES], enumLabels: ['STRING (JSON text)', 'VARIANT'], default: 'STRING', examples: ['STRING'],
    },
    wait_timeout_seconds: {
      type: 'integer', title: 'Wait for each statement (seconds)',
      description: 'How long Databricks holds the request while the statement runs (5 to 50 seconds; the API\'s wait_timeout). A statement not done by then is followed until it is. Signal waits for the answer that long and 5 seconds more, whatever SIGNAL_HTTP_TIMEOUT_MS says.',
      minimum: 5, maximum: 50, default: DEFAULT_WAIT_SECONDS, examples: [DEFAULT_WAIT_SECONDS],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Deletes a person\'s rows from the table when Signal is asked to forget them: a DELETE statement with the person\'s ids as named parameters (by user_id, anonymous_id and previous_id), which needs MODIFY on the table. On by default.',
      default: true, examples: [true],
    },
  },
};

function hostProblem(value: JsonValue | undefined): string | undefined {
  const raw = trimmedText(value);
  if (raw === undefined) return 'is required: your workspace\'s host name, e.g. dbc-a1b2345c-d6e7.cloud.databricks.com';
  const host = workspaceHost({ host: raw });
  if (/^[0-9.]+$/.test(host) || host.includes(':') || !HOST_NAME.test(host)) {
    return `is ${JSON.stringify(raw.slice(0, 200))}: give the workspace's host name as in its URL (e.g. dbc-a1b2345c-d6e7.cloud.databricks.com or adb-1234567890123456.7.azuredatabricks.net)`;
  }
  return undefined;
}

function nameProblem(value: JsonValue | undefined, what: string, example: string): string | undefined {
  const name = trimmedText(value);
  if (name === undefined) return `is required: the ${what} (e.g. ${example})`;
  const shown = JSON.stringify(name.slice(0, 200));
  if (name.includes('.')) return `is ${shown}: give the ${what} alone (e.g. ${example}); the catalog, schema and table each have their own field`;
  if (/^`.*`$/.test(name)) return `is ${shown}: give the name without backticks; Signal quotes it`;
  if (!NAME.test(name)) return `is ${shown}: Signal supports names of letters, digits, _ and - (from a letter, digit or _), at most 255 characters — rename an object whose name holds other characters`;
  return undefined;
}

function credentialProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const token = trimmedText(config.access_token);
  const clientId = trimmedText(config.client_id);
  const secret = trimmedText(config.client_secret);
  if (token !== undefined && (clientId !== undefined || secret !== undefined)) {
    return [{ field: 'access_token', message: 'is set with client_id or client_secret: give one credential, a personal access token or a service principal\'s OAuth client id and secret, and leave the other empty' }];
  }
  if (token !== undefined) {
    const pasted = pastedSecretProblem('access_token', token, 'personal access token (dapi…)', { schemeHint: 'Signal adds the scheme', spaceHint: 'as Databricks showed it' });
    return pasted ? [pasted] : [];
  }
  if (clientId === undefined && secret === undefined) {
    return [{ field: 'access_token', message: 'is required (or client_id and client_secret): a personal access token (dapi…), or a service principal\'s OAuth client id and secret' }];
  }
  if (clientId === undefined) return [{ field: 'client_id', message: 'is required with client_secret: the service principal\'s application (client) ID' }];
  if (secret === undefined) return [{ field: 'client_secret', message: 'is required with client_id: the OAuth secret generated for the service principal' }];
  if (/\s/.test(clientId)) return [{ field: 'client_id', message: 'holds spaces: paste the application (client) ID alone' }];
  return [];
}

/**
 * Config problems the schema cannot say in words, each naming its field: a host that is not a
 * host name, a warehouse id that is not one, a catalog, schema or table that is not a name Signal
 * writes (or a pasted `catalog.schema.table`), no credential or two, a JSON column type or wait
 * the API does not take.
 *
 * @example
 * validateDatabricksConfig({ host: 'dbc-a1b2345c-d6e7.cloud.databricks.com', warehouse_id: '1234567890abcdef', catalog: 'main', schema: 'signal', table: 'main.signal.events', access_token: 'dapi…' });
 * // [{ field: 'table', message: 'is "main.signal.events": give the table alone (e.g. events); the catalog, schema and table each have their own field' }]
 */
export function validateDatabricksConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const warehouse = warehouseId(config);
  const checks: Array<[string, string | undefined]> = [
    ['host', hostProblem(config.host)],
    ['warehouse_id', trimmedText(config.warehouse_id) === undefined ? 'is required: the SQL warehouse\'s id (SQL Warehouses > the warehouse > Connection details, the end of the HTTP path)'
      : WAREHOUSE_ID.test(warehouse) ? undefined : `is ${JSON.stringify(String(config.warehouse_id).slice(0, 200))}: give the warehouse's id (e.g. 1234567890abcdef) or its HTTP path (/sql/1.0/warehouses/1234567890abcdef)`],
    ['catalog', nameProblem(config.catalog, 'catalog', 'main')],
    ['schema', nameProblem(config.schema, 'schema', 'signal')],
    ['table', nameProblem(config.table, 'table', 'events')],
    ['json_columns', config.json_columns === undefined || (JSON_COLUMN_TYPES as readonly JsonValue[]).includes(config.json_columns) ? undefined : 'must be STRING or VARIANT, as the table\'s properties, traits and context columns are'],
    ['wait_timeout_seconds', config.wait_timeout_seconds === undefined || (typeof config.wait_timeout_seconds === 'number' && Number.isInteger(config.wait_timeout_seconds) && config.wait_timeout_seconds >= 5 && config.wait_timeout_seconds <= 50)
      ? undefined : 'must be a whole number of seconds from 5 to 50 (the API\'s wait_timeout)'],
    ['forward_deletions', config.forward_deletions === undefined || typeof config.forward_deletions === 'boolean' ? undefined : 'must be true or false'],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  problems.push(...credentialProblems(config));
  return problems;
}
