// The integration's config: the Region and the IAM access key that signs the Data API requests,
// where the statements run (a provisioned cluster or a Redshift Serverless workgroup), how the
// Data API signs in to the database (temporary credentials as a database user, Secrets
// Manager, or the IAM identity itself), where the rows go (database, schema, table) and the
// deletion switch; the schema the catalog shows, and the checks the schema cannot make, each
// naming its field.
import {
  awsCredentialFieldSchemas, awsCredentialProblems, awsCredentialsOf, awsRegionProblem, awsSessionTokenWarnings, trimmedText,
  type AwsCredentials, type ConfigProblem, type ConfigSchema, type JsonValue,
} from '../../core/sdk/index.ts';

/**
 * A name Redshift reads unquoted: a letter or underscore, then letters, digits, underscores or
 * dollar signs, up to 127 bytes. Redshift folds it to lower case; Signal writes it quoted in
 * lower case (the same object), so it can carry no SQL.
 */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,126}$/;
/** A provisioned cluster's identifier: lower-case letters, digits and single hyphens, from a letter, up to 63. */
const CLUSTER_IDENTIFIER = /^[a-z](?:[a-z0-9]|-(?!-)){0,62}$/;
/** A Serverless workgroup's name (the Data API's WorkgroupName pattern): 3–64 of a-z, 0-9 and hyphens; or its ARN. */
const WORKGROUP_NAME = /^[a-z0-9-]{3,64}$/;
const WORKGROUP_ARN = /^arn:aws[a-z-]*:redshift-serverless:([a-z0-9-]+):\d{12}:workgroup\/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** A Secrets Manager secret's ARN (`…:secret:<name>-<6 random characters>`). */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;
/** A Secrets Manager secret's name (the Data API takes "the name or ARN of the secret"): 1–512 of letters, digits and `/_+=.@-`. */
const SECRET_NAME = /^[A-Za-z0-9/_+=.@-]{1,512}$/;
/** A database user's name: 1–128 of letters, digits and `_ $ . - @ +` (no spaces or quotes). */
const DB_USER = /^[A-Za-z0-9_$.@+-]{1,128}$/;

/** Where the statements run: a provisioned cluster or a Serverless workgroup. */
export type Target = { kind: 'cluster'; id: string } | { kind: 'workgroup'; id: string };

/**
 * The configured Region, trimmed.
 *
 * @example
 * regionOf({ region: ' eu-west-1 ' }); // 'eu-west-1'
 */
export const regionOf = (config: Record<string, JsonValue>): string => trimmedText(config.region) ?? '';

/**
 * The access key that signs the requests, with the session token of temporary credentials.
 *
 * @example
 * credentialsOf({ access_key_id: 'ASIA…', secret_access_key: 'wJal…', session_token: 'FwoG…' }); // { accessKeyId: 'ASIA…', secretAccessKey: 'wJal…', sessionToken: 'FwoG…' }
 */
export const credentialsOf = (config: Record<string, JsonValue>): AwsCredentials => awsCredentialsOf(config);

/**
 * Where the statements run: the workgroup when one is named, else the cluster.
 *
 * @example
 * targetOf({ workgroup_name: 'signal' }); // { kind: 'workgroup', id: 'signal' }
 */
export function targetOf(config: Record<string, JsonValue>): Target {
  const workgroup = trimmedText(config.workgroup_name);
  return workgroup !== undefined ? { kind: 'workgroup', id: workgroup } : { kind: 'cluster', id: trimmedText(config.cluster_identifier) ?? '' };
}

/** How the Data API signs in to the database: Secrets Manager, a database user's temporary credentials, or the IAM identity. */
export type DatabaseAuth = 'secret' | 'db_user' | 'iam';

/**
 * The configured database authentication (a secret wins; validateConfig refuses both; a
 * db_user is for provisioned clusters only).
 *
 * @example
 * databaseAuthOf({ cluster_identifier: 'analytics-cluster', db_user: 'signal_writer' }); // 'db_user'
 * databaseAuthOf({ workgroup_name: 'signal-workgroup' });                               // 'iam'
 */
export function databaseAuthOf(config: Record<string, JsonValue>): DatabaseAuth {
  if (trimmedText(config.secret_arn) !== undefined) return 'secret';
  if (trimmedText(config.db_user) !== undefined && targetOf(config).kind === 'cluster') return 'db_user';
  return 'iam';
}

/**
 * The schema of the table (`public` unless set), lower case.
 *
 * @example
 * schemaOf({ schema: 'Signal' }); // 'signal'
 * schemaOf({});                   // 'public'
 */
export const schemaOf = (config: Record<string, JsonValue>): string => (trimmedText(config.schema) ?? 'public').toLowerCase();

/**
 * The table's qualified name for the SQL text: `"schema"."table"`, lower case. Each part is
 * re-checked as a name Redshift reads unquoted (a hand-edited revision skips validateConfig): a
 * part that is not one throws, so nothing but names ever enters the statement.
 *
 * @example
 * qualifiedTable({ schema: 'Signal', table: 'events' }); // '"signal"."events"'
 */
export function qualifiedTable(config: Record<string, JsonValue>): string {
  const schema = schemaOf(config);
  const table = (trimmedText(config.table) ?? '').toLowerCase();
  for (const [field, value] of [['schema', schema], ['table', table]] as const) {
    if (!IDENTIFIER.test(value)) throw new Error(`config.${field} is not a name Redshift reads unquoted (letters, digits, _ and $, from a letter or _): fix it in a new revision`);
  }
  return `"${schema}"."${table}"`;
}

/**
 * Whether person deletions are forwarded (on unless turned off).
 *
 * @example
 * forwardsDeletions({ forward_deletions: false }); // false
 */
export const forwardsDeletions = (config: Record<string, JsonValue>): boolean => config.forward_deletions !== false;

/**
 * The fields of every Data API request naming where and as whom the statement runs:
 * `ClusterIdentifier` or `WorkgroupName`, `Database`, and `SecretArn` or `DbUser`.
 *
 * @example
 * connectionFields({ cluster_identifier: 'analytics', database: 'dev', db_user: 'signal_writer' });
 * // { ClusterIdentifier: 'analytics', Database: 'dev', DbUser: 'signal_writer' }
 */
export function connectionFields(config: Record<string, JsonValue>): Record<string, string> {
  const target = targetOf(config);
  const fields: Record<string, string> = target.kind === 'workgroup' ? { WorkgroupName: target.id } : { ClusterIdentifier: target.id };
  fields.Database = trimmedText(config.database) ?? '';
  const auth = databaseAuthOf(config);
  if (auth === 'secret') fields.SecretArn = trimmedText(config.secret_arn)!;
  if (auth === 'db_user') fields.DbUser = trimmedText(config.db_user)!;
  return fields;
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['region', 'database', 'table', 'access_key_id', 'secret_access_key'],
  properties: {
    region: {
      type: 'string', title: 'Region',
      description: 'The AWS Region code of the cluster or workgroup (Redshift console, top right), e.g. eu-west-1. The Data API of that Region runs the statements.',
      pattern: '^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$', maxLength: 32, examples: ['eu-west-1'],
    },
    cluster_identifier: {
      type: 'string', title: 'Cluster Identifier (provisioned)',
      description: 'For a provisioned cluster: its identifier (Redshift console > Clusters, e.g. analytics-cluster). Give this or workgroup_name.',
      maxLength: 63, examples: ['analytics-cluster'],
    },
    workgroup_name: {
      type: 'string', title: 'Workgroup Name (Serverless)',
      description: 'For Redshift Serverless: the workgroup\'s name (Redshift Serverless > Workgroup configuration, e.g. default-workgroup) or ARN. Give this or cluster_identifier.',
      maxLength: 128, examples: ['signal-workgroup'],
    },
    database: {
      type: 'string', title: 'Database',
      description: 'The database that holds the table (e.g. dev, the default database).',
      minLength: 1, maxLength: 127, examples: ['dev'],
    },
    db_user: {
      type: 'string', title: 'Database User (temporary credentials, provisioned)',
      description: 'Provisioned clusters: the database user the statements run as, with temporary credentials the Data API obtains (the IAM identity needs redshift:GetClusterCredentials for this user and database). Leave empty to use secret_arn, or to run as the IAM identity itself (IAM:<user name>, with redshift:GetClusterCredentialsWithIAM). Serverless derives the user from the IAM identity: leave empty.',
      maxLength: 128, examples: ['signal_writer'],
    },
    secret_arn: {
      type: 'string', title: 'Secret ARN (Secrets Manager)',
      description: 'Instead of db_user: the ARN (or name) of a Secrets Manager secret in the same Region holding the database user\'s username and password (arn:aws:secretsmanager:<region>:<account>:secret:<name>-AbCdEf). The IAM identity needs secretsmanager:GetSecretValue on it.',
      maxLength: 2048, examples: ['arn:aws:secretsmanager:eu-west-1:111122223333:secret:redshift-signal-writer-AbCdEf'],
    },
    schema: {
      type: 'string', title: 'Schema',
      description: 'The schema that holds the table (default public): a name Redshift reads unquoted (letters, digits, _ and $, from a letter or _).',
      maxLength: 127, default: 'public', examples: ['signal'],
    },
    table: {
      type: 'string', title: 'Table',
      description: 'The table the events go to, one row each. Create it first with the CREATE TABLE of the plugin README; Signal does not create or change tables.',
      minLength: 1, maxLength: 127, examples: ['events'],
    },
    ...awsCredentialFieldSchemas('redshift-data:ExecuteStatement and redshift-data:DescribeStatement, and, by how the Data API signs in to the database: redshift:GetClusterCredentials (db_user), redshift:GetClusterCredentialsWithIAM (provisioned, neither), redshift-serverless:GetCredentials (Serverless), or secretsmanager:GetSecretValue on the secret (secret_arn)'),
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'On (default): when Signal is asked to forget a person, a DELETE removes the rows whose user_id or anonymous_id (or an alias\'s previous_id) is one of the person\'s ids. The database user needs DELETE on the table.',
      default: true,
    },
  },
};

function nameProblem(value: JsonValue | undefined, what: string, example: string, required: boolean): string | undefined {
  const name = trimmedText(value);
  if (name === undefined) return required ? `is required: the ${what} (e.g. ${example})` : undefined;
  const shown = JSON.stringify(name.slice(0, 200));
  if (name.includes('.')) return `is ${shown}: give the ${what} alone (e.g. ${example}); the database, schema and table each have their own field`;
  if (/^".*"$/.test(name)) return `is ${shown}: give the name without quotes; Signal supports names Redshift reads unquoted (letters, digits, _ and $, from a letter or _) — rename an object whose name needs quotes`;
  if (!IDENTIFIER.test(name)) return `is ${shown}: a name Redshift reads unquoted holds letters, digits, _ and $ only, starts with a letter or _, and is at most 127 characters`;
  return undefined;
}

function targetProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const cluster = trimmedText(config.cluster_identifier);
  const workgroup = trimmedText(config.workgroup_name);
  if (cluster === undefined && workgroup === undefined) {
    return [{ field: 'cluster_identifier', message: 'is required (or workgroup_name for Redshift Serverless): the provisioned cluster\'s identifier, e.g. analytics-cluster' }];
  }
  if (cluster !== undefined && workgroup !== undefined) {
    return [{ field: 'workgroup_name', message: 'is set with cluster_identifier: give one, the provisioned cluster\'s identifier or the Serverless workgroup\'s name, and leave the other empty' }];
  }
  if (cluster !== undefined) {
    if (/\.redshift\.amazonaws\.com/.test(cluster)) return [{ field: 'cluster_identifier', message: `is ${JSON.stringify(cluster.slice(0, 200))}, an endpoint: give the cluster identifier alone, the endpoint's first part (e.g. analytics-cluster)` }];
    if (!CLUSTER_IDENTIFIER.test(cluster) || cluster.endsWith('-')) return [{ field: 'cluster_identifier', message: `is ${JSON.stringify(cluster.slice(0, 200))}: a cluster identifier is 1 to 63 lower-case letters, digits and single hyphens, starting with a letter and not ending with a hyphen` }];
    return [];
  }
  const arn = WORKGROUP_ARN.exec(workgroup!);
  if (arn) {
    const region = trimmedText(config.region);
    return region !== undefined && arn[1] !== region ? [{ field: 'workgroup_name', message: `is in Region ${arn[1]!}, but region is ${region}: the Data API of the configured Region runs the statements, so set region to ${arn[1]!}` }] : [];
  }
  if (workgroup!.startsWith('arn:')) return [{ field: 'workgroup_name', message: 'is an ARN that is not a workgroup\'s (arn:aws:redshift-serverless:<region>:<account id>:workgroup/<uuid>): give the workgroup\'s name or its ARN' }];
  if (!WORKGROUP_NAME.test(workgroup!)) return [{ field: 'workgroup_name', message: `is ${JSON.stringify(workgroup!.slice(0, 200))}: a workgroup name is 3 to 64 lower-case letters, digits and hyphens (Redshift Serverless > Workgroup configuration)` }];
  return [];
}

function authProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const secret = trimmedText(config.secret_arn);
  const user = trimmedText(config.db_user);
  const problems: ConfigProblem[] = [];
  if (secret !== undefined && user !== undefined) {
    problems.push({ field: 'db_user', message: 'is set with secret_arn: the secret names the database user; give one, and leave the other empty' });
  }
  if (user !== undefined && trimmedText(config.workgroup_name) !== undefined && secret === undefined) {
    problems.push({ field: 'db_user', message: 'is set for a Serverless workgroup: Redshift Serverless derives the database user from the IAM identity (IAM:<user name>); leave it empty, or use secret_arn to sign in as a database user' });
  }
  if (user !== undefined && !DB_USER.test(user)) {
    problems.push({ field: 'db_user', message: `is ${JSON.stringify(user.slice(0, 200))}: give the database user's name alone, without quotes or spaces` });
  }
  if (secret !== undefined) {
    const arn = SECRET_ARN.exec(secret);
    if (!arn && (secret.startsWith('arn:') || !SECRET_NAME.test(secret))) problems.push({ field: 'secret_arn', message: 'is neither a Secrets Manager secret\'s ARN nor its name: copy the ARN from Secrets Manager > Secrets > the secret > Secret ARN (arn:aws:secretsmanager:<region>:<account id>:secret:<name>-AbCdEf)' });
    else if (arn && trimmedText(config.region) !== undefined && arn[1] !== trimmedText(config.region)) {
      problems.push({ field: 'secret_arn', message: `is in Region ${arn[1]!}, but region is ${trimmedText(config.region)!}: the Data API reads the secret in the Region of the cluster or workgroup; store a copy of the secret there` });
    }
  }
  return problems;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a Region that is a
 * name or a zone; no cluster and no workgroup, or both; an endpoint pasted as the cluster
 * identifier; a workgroup ARN of another Region; a database user with a secret, or for
 * Serverless; a secret that is not an ARN, or of another Region; a database, schema or table
 * that is not a name Redshift reads unquoted (or a pasted `schema.table`); an access key pasted
 * with white space.
 *
 * @example
 * validateRedshiftConfig({ region: 'eu-west-1', cluster_identifier: 'analytics', database: 'dev', table: 'signal.events', access_key_id: 'AKIA…', secret_access_key: '…' });
 * // [{ field: 'table', message: 'is "signal.events": give the table alone (e.g. events); the database, schema and table each have their own field' }]
 */
export function validateRedshiftConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const region = awsRegionProblem(config.region, 'the cluster\'s or workgroup\'s');
  if (region !== undefined) problems.push({ field: 'region', message: region });
  problems.push(...targetProblems(config));
  const checks: Array<[string, string | undefined]> = [
    ['database', nameProblem(config.database, 'database', 'dev', true)],
    ['schema', nameProblem(config.schema, 'schema', 'signal', false)],
    ['table', nameProblem(config.table, 'table', 'events', true)],
    ['forward_deletions', config.forward_deletions === undefined || typeof config.forward_deletions === 'boolean' ? undefined : 'must be true or false'],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  problems.push(...authProblems(config));
  problems.push(...awsCredentialProblems(config));
  return problems;
}

/**
 * Advice, never a refusal: a session token with a long-lived key (AKIA…), which AWS refuses.
 *
 * @example
 * redshiftConfigWarnings({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', session_token: '••••' }); // [{ field: 'session_token', message: 'is set, but …' }]
 */
export function redshiftConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  return awsSessionTokenWarnings(config);
}
