// The integration's config: where the rows go (project, dataset, table), the credential (a
// service account's JSON key), and two switches; the schema the catalog shows, and the checks
// the schema cannot make, each naming its field.
import { configSwitchProblem, parseGoogleServiceAccountKey, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The table the rows go to, as the config names it. */
export interface TableRef {
  projectId: string;
  datasetId: string;
  tableId: string;
}

/**
 * The configured table (trimmed: a pasted id often carries a space or a line break).
 *
 * @example
 * tableOf({ project_id: 'shop-analytics', dataset_id: 'signal', table_id: 'events' });
 * // { projectId: 'shop-analytics', datasetId: 'signal', tableId: 'events' }
 */
export function tableOf(config: Record<string, JsonValue>): TableRef {
  return { projectId: trimmedText(config.project_id) ?? '', datasetId: trimmedText(config.dataset_id) ?? '', tableId: trimmedText(config.table_id) ?? '' };
}

/**
 * The table as GoogleSQL names it, quoted with backticks: `project.dataset.table`.
 * `validateBigQueryConfig` admits no backtick, backslash or line break in any of the three ids
 * (BigQuery's own naming rules admit none either); the name is escaped all the same, as
 * GoogleSQL escapes inside a quoted identifier, so a revision that skipped the checks (written
 * to the database by hand) still cannot end the identifier and add SQL to the DELETE.
 *
 * @example
 * sqlTableName({ projectId: 'shop-analytics', datasetId: 'signal', tableId: 'events' }); // '`shop-analytics.signal.events`'
 */
export function sqlTableName(table: TableRef): string {
  const escaped = `${table.projectId}.${table.datasetId}.${table.tableId}`.replace(/[\\`]/g, (c) => `\\${c}`).replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  return `\`${escaped}\``;
}

/** Whether person deletions are forwarded (on unless turned off). */
export const forwardsDeletions = (config: Record<string, JsonValue>): boolean => config.forward_deletions !== false;

/** Whether each row carries the event's messageId as its insertId (on unless turned off). */
export const sendsInsertId = (config: Record<string, JsonValue>): boolean => config.insert_id !== false;

/**
 * The service account's email in the configured key, for messages saying whom to grant a role
 * (an email is no secret; the key's private part never leaves the token request).
 */
export function serviceAccountEmail(config: Record<string, JsonValue>): string | undefined {
  const key = parseGoogleServiceAccountKey(config.service_account_key);
  return typeof key === 'string' ? undefined : key.client_email;
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['project_id', 'dataset_id', 'table_id', 'service_account_key'],
  properties: {
    project_id: {
      type: 'string', title: 'Project ID',
      description: 'The Google Cloud project that holds the dataset (Cloud console > project picker: the ID column, e.g. shop-analytics; not the project\'s name or number). Streaming is billed to this project, and needs billing enabled on it.',
      // No pattern: validateConfig says what is wrong in words, naming the field.
      minLength: 1, maxLength: 100, examples: ['shop-analytics'],
    },
    dataset_id: {
      type: 'string', title: 'Dataset ID',
      description: 'The dataset that holds the table (letters, digits and underscores, e.g. signal).',
      minLength: 1, maxLength: 1024, examples: ['signal'],
    },
    table_id: {
      type: 'string', title: 'Table ID',
      description: 'The table the events go to, one row each. Create it first with the CREATE TABLE statement of the plugin README (partitioned by DATE(received_at)); Signal does not create or change tables.',
      minLength: 1, maxLength: 1024, examples: ['events'],
    },
    service_account_key: {
      type: 'string', title: 'Service Account Key', secret: true,
      description: 'The JSON key file of a Google Cloud service account, pasted whole (IAM & Admin > Service accounts > the account > Keys > Add key > JSON). Give the account the BigQuery Data Editor role on the dataset (or the table), and to forward person deletions, BigQuery Job User on the project too. Signal signs its token requests with it; the key never leaves Signal.',
      maxLength: 10_000,
    },
    insert_id: {
      type: 'boolean', title: 'Send insertId (best-effort deduplication)',
      description: 'Sends each event\'s messageId as the row\'s insertId, so BigQuery drops, on a best-effort basis, a row sent again while it remembers the id (at least a minute: a retry after a lost answer). Turning it off raises BigQuery\'s streaming quotas; deduplicate on message_id when reading either way. On by default.',
      default: true,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Deletes a person\'s rows when Signal is asked to forget them: a DELETE statement run as a query job (by user_id and anonymous_id, passed as query parameters), which needs the BigQuery Job User role on the project and is billed as a query. Rows streamed in the last 30 to 90 minutes cannot be deleted yet (see the plugin README). On by default.',
      default: true,
    },
  },
};

/** Google Cloud project IDs: 6–30 of a–z, 0–9 and -, from a letter, not ending in -; older ones carry a domain (`example.com:shop`). */
const PROJECT_ID = /^(?:[a-z0-9][a-z0-9.-]{0,62}[a-z0-9]:)?[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** Dataset IDs: letters, digits and underscores, up to 1,024 characters. */
const DATASET_ID = /^[A-Za-z0-9_]{1,1024}$/;
/** Table IDs: Unicode letters, marks, digits, connectors, dashes and spaces (BigQuery's categories L, M, N, Pc, Pd, Zs). */
const TABLE_ID = /^[\p{L}\p{M}\p{N}\p{Pc}\p{Pd}\p{Zs}]+$/u;

function projectProblem(value: JsonValue | undefined): string | undefined {
  const id = typeof value === 'string' ? value.trim() : undefined;
  if (id === undefined || id === '') return 'is required: the ID of the Google Cloud project that holds the dataset (e.g. shop-analytics)';
  if (PROJECT_ID.test(id)) return undefined;
  const shown = JSON.stringify(id);
  if (/^\d+$/.test(id)) return `is ${shown}, a project number: give the project ID (Cloud console > project picker, the ID column, e.g. shop-analytics)`;
  if (/^[a-z][a-z0-9-]*[.][A-Za-z0-9_]+/.test(id)) return `is ${shown}: give the project ID alone, and the dataset and table in dataset_id and table_id`;
  return `is ${shown}: a project ID is 6 to 30 lower-case letters, digits and hyphens, starting with a letter (Cloud console > project picker, the ID column; not the project's name)`;
}

function datasetProblem(value: JsonValue | undefined): string | undefined {
  const id = typeof value === 'string' ? value.trim() : undefined;
  if (id === undefined || id === '') return 'is required: the dataset that holds the table (e.g. signal)';
  if (DATASET_ID.test(id)) return undefined;
  const shown = JSON.stringify(id.slice(0, 200));
  if (/[.:]/.test(id)) return `is ${shown}: give the dataset ID alone (e.g. signal), the project in project_id and the table in table_id`;
  return `is ${shown}: a dataset ID holds only letters, digits and underscores (a hyphen is refused by BigQuery)`;
}

function tableProblem(value: JsonValue | undefined): string | undefined {
  const id = typeof value === 'string' ? value.trim() : undefined;
  if (id === undefined || id === '') return 'is required: the table the events go to (e.g. events)';
  const shown = JSON.stringify(id.slice(0, 200));
  if (/[$@]/.test(id)) return `is ${shown}: give the table ID alone, without a partition or snapshot decorator ($… or @…): rows go to their partitions by received_at`;
  if (id.includes('.')) return `is ${shown}: give the table ID alone (e.g. events), the project in project_id and the dataset in dataset_id`;
  if (!TABLE_ID.test(id)) return `is ${shown}: a table ID holds letters, marks, digits, underscores, dashes and spaces only`;
  if (Buffer.byteLength(id, 'utf8') > 1024) return 'is longer than BigQuery\'s 1,024 bytes for a table ID';
  return undefined;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a project ID that is a
 * project number, a name or `project.dataset`; a dataset or table ID with characters BigQuery
 * refuses, a pasted `project.dataset.table`, a partition decorator; a service account key that
 * cannot be read (not JSON, not a service account's, no private key).
 *
 * @example
 * validateBigQueryConfig({ project_id: '123456789012', dataset_id: 'signal', table_id: 'events', service_account_key: '{…}' });
 * // [{ field: 'project_id', message: 'is "123456789012", a project number: give the project ID (…)' }]
 */
export function validateBigQueryConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const checks: Array<[string, string | undefined]> = [
    ['project_id', projectProblem(config.project_id)],
    ['dataset_id', datasetProblem(config.dataset_id)],
    ['table_id', tableProblem(config.table_id)],
    ['insert_id', configSwitchProblem(config.insert_id)],
    ['forward_deletions', configSwitchProblem(config.forward_deletions)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  const key = trimmedText(config.service_account_key);
  if (key === undefined) {
    problems.push({ field: 'service_account_key', message: 'is required: the JSON key file of a service account with the BigQuery Data Editor role on the dataset (see the plugin README)' });
  } else {
    // The message never quotes the key: a secret must not reach an error answer.
    const parsed = parseGoogleServiceAccountKey(key);
    if (typeof parsed === 'string') problems.push({ field: 'service_account_key', message: parsed });
  }
  return problems;
}
