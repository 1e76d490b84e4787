// The integration's config: where the documents go (the cluster's endpoint, or an Elastic Cloud
// ID, and an index or data stream name with an optional date pattern), whom the cluster knows
// the requests by (an API key, a user and password, or an IAM access key that signs them for
// Amazon OpenSearch Service; none for a cluster without security on your own network), two switches, and the private networks Signal may reach a self-managed
// cluster on; the schema the catalog shows, and the checks the schema cannot make, each naming
// its field.
import { allowedPrivateTargets, configSwitchProblem, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText, type AwsCredentials, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';
import { cloudIdEndpoint } from './cloud-id.ts';
import { DEFAULT_INDEX, indexNameProblem } from './index-name.ts';

/** The index or data stream name as configured (default one index a day). */
export const indexPatternOf = (config: Record<string, JsonValue>): string => trimmedText(config.index) ?? DEFAULT_INDEX;

/** Whether documents keep contact information (off unless turned on). */
export const keepsContactInfo = (config: Record<string, JsonValue>): boolean => config.contact_info === true;

/** Whether person deletions are forwarded (on unless turned off). */
export const forwardsDeletions = (config: Record<string, JsonValue>): boolean => config.forward_deletions !== false;

/**
 * The cluster's base URL, without a trailing slash: the configured URL (a path kept, for a
 * cluster behind a proxy under a path), or the endpoint of an Elastic Cloud ID.
 *
 * @example
 * baseUrlOf({ url: 'https://my-deployment.es.us-central1.gcp.cloud.es.io/' }); // 'https://my-deployment.es.us-central1.gcp.cloud.es.io'
 * baseUrlOf({ url: 'https://proxy.example.com/elasticsearch/' });             // 'https://proxy.example.com/elasticsearch'
 */
export function baseUrlOf(config: Record<string, JsonValue>): string {
  const raw = trimmedText(config.url) ?? '';
  const url = new URL(cloudIdEndpoint(raw) ?? raw);
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** An AWS Region code (`eu-west-1`, `us-gov-west-1`). */
export const AWS_REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;
/** An Amazon OpenSearch Service domain's or Serverless collection's host, with its Region and kind. */
const AWS_HOST = /\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.(es|aoss)\.amazonaws\.com(?:\.cn)?$/;

/** Whether the config signs requests with an IAM access key. */
export const signsWithAws = (config: Record<string, JsonValue>): boolean => trimmedText(config.aws_access_key_id) !== undefined;

/**
 * The Region and signing name for the configured endpoint: from its host, the Region overridden
 * by aws_region; `es` unless the host is a Serverless collection's.
 *
 * @example
 * awsScopeOf({ url: 'https://search-shop-abc123.eu-west-1.es.amazonaws.com' }); // { region: 'eu-west-1', service: 'es' }
 * awsScopeOf({ url: 'https://abc123.us-east-1.aoss.amazonaws.com' });         // { region: 'us-east-1', service: 'aoss' }
 */
export function awsScopeOf(config: Record<string, JsonValue>): { region: string | undefined; service: 'es' | 'aoss' } {
  let host = '';
  try {
    host = new URL(baseUrlOf(config)).hostname;
  } catch {
    // An endpoint validateConfig refuses: no Region from it.
  }
  const found = AWS_HOST.exec(host);
  return { region: trimmedText(config.aws_region) ?? found?.[1], service: found?.[2] === 'aoss' ? 'aoss' : 'es' };
}

/** The IAM access key the config gives. */
export function awsCredentialsOf(config: Record<string, JsonValue>): AwsCredentials {
  return { accessKeyId: trimmedText(config.aws_access_key_id) ?? '', secretAccessKey: typeof config.aws_secret_access_key === 'string' ? config.aws_secret_access_key : '' };
}

/** Which credential the config gives: an IAM access key, an API key, a user and password, or none. */
export type Credential = { kind: 'aws' } | { kind: 'api_key'; header: string } | { kind: 'basic'; header: string } | { kind: 'none' };

/**
 * The config's credential, the first of: an IAM access key (requests signed when sent, see
 * aws-signing.ts), an API key, a user and password. An API key is sent as Kibana shows it
 * encoded (base64 of `id:api_key`); one pasted as `id:api_key` is encoded here.
 *
 * @example
 * credentialOf({ api_key: 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==' }); // { kind: 'api_key', header: 'ApiKey VnVhQ2ZHY0JD…' }
 * credentialOf({ username: 'signal_writer', password: 'p' });                                  // { kind: 'basic', header: 'Basic c2lnbmFsX3dyaXRlcjpw' }
 */
export function credentialOf(config: Record<string, JsonValue>): Credential {
  if (signsWithAws(config)) return { kind: 'aws' };
  const apiKey = trimmedText(config.api_key);
  if (apiKey !== undefined) return { kind: 'api_key', header: `ApiKey ${apiKey.includes(':') ? Buffer.from(apiKey).toString('base64') : apiKey}` };
  const user = trimmedText(config.username);
  if (user !== undefined) return { kind: 'basic', header: `Basic ${Buffer.from(`${user}:${typeof config.password === 'string' ? config.password : ''}`).toString('base64')}` };
  return { kind: 'none' };
}

/** The request headers that say who Signal is (none for a cluster without security). */
export function authHeaders(config: Record<string, JsonValue>): Record<string, string> {
  const credential = credentialOf(config);
  return credential.kind === 'api_key' || credential.kind === 'basic' ? { authorization: credential.header } : {};
}

/** The config fields to check when the cluster refuses the credential, for messages. */
export function credentialFields(config: Record<string, JsonValue>): string {
  const kind = credentialOf(config).kind;
  if (kind === 'aws') return 'config.aws_access_key_id and config.aws_secret_access_key (the IAM identity, and the domain\'s access policy or role mapping)';
  return kind === 'api_key' ? 'config.api_key' : kind === 'basic' ? 'config.username and config.password' : 'config.api_key (none is set: the cluster requires a credential)';
}

/** A hostname, an IPv4 or IPv6 address, or a CIDR range: what an allow-list entry may be. */
/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['url'],
  properties: {
    url: {
      type: 'string', title: 'Elasticsearch Endpoint or Cloud ID',
      description: 'The cluster\'s HTTPS endpoint: Elastic Cloud > your deployment > Manage > Elasticsearch "Copy endpoint" (https://<deployment>.es.<region>.<cloud>.cloud.es.io), or its Cloud ID pasted as it is; Amazon OpenSearch Service: the domain endpoint (https://search-<domain>-<id>.<region>.es.amazonaws.com); self-managed: https://<host>:9200. A path is kept (a cluster behind a proxy under a path). Plain http only to a host listed in allow_private_targets.',
      minLength: 1, maxLength: 2048, examples: ['https://my-deployment.es.us-central1.gcp.cloud.es.io'],
    },
    index: {
      type: 'string', title: 'Index or Data Stream',
      description: 'Where the documents go: an index name, with an optional date part in braces filled in from each event\'s time in UTC (signal-events-{yyyy.MM.dd}: one index a day; tokens yyyy, MM, dd, HH), or a data stream\'s name (logs-signal-default). The cluster creates it on the first document unless action.auto_create_index forbids it. Lower case, no spaces.',
      default: DEFAULT_INDEX, minLength: 1, maxLength: 255, examples: [DEFAULT_INDEX],
    },
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'An API key with the create_doc and auto_configure privileges on the index (and delete and read for person deletions): Kibana > Stack Management > API keys > Create, the "Encoded" value (or id:api_key). Sent as Authorization: ApiKey. Give this or username and password.',
      minLength: 1, maxLength: 2048, examples: ['VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=='],
    },
    username: {
      type: 'string', title: 'User',
      description: 'A user for basic authentication instead of an API key (Elasticsearch native realm, or an OpenSearch internal user with fine-grained access control), with the same privileges.',
      minLength: 1, maxLength: 1024, examples: ['signal_writer'],
    },
    password: {
      type: 'string', title: 'Password', secret: true,
      description: 'The user\'s password, sent with it as Authorization: Basic over HTTPS.',
      minLength: 1, maxLength: 1024, examples: ['conformance-password-1'],
    },
    aws_access_key_id: {
      type: 'string', title: 'AWS Access Key ID',
      description: 'Amazon OpenSearch Service with IAM authentication: the ID of an IAM user\'s access key whose policy allows es:ESHttpPost (and the domain\'s access policy or role mapping lets it write and delete). Requests are then signed with AWS Signature Version 4 (signing name es, or aoss for an OpenSearch Serverless endpoint) instead of carrying api_key or username.',
      minLength: 16, maxLength: 128, examples: ['AKIAIOSFODNN7EXAMPLE'],
    },
    aws_secret_access_key: {
      type: 'string', title: 'AWS Secret Access Key', secret: true,
      description: 'The access key\'s secret, used to sign each request; never sent.',
      minLength: 1, maxLength: 128, examples: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    },
    aws_region: {
      type: 'string', title: 'AWS Region',
      description: 'The domain\'s Region (eu-west-1), read from the endpoint\'s host (<domain>.<region>.es.amazonaws.com) when empty: give it for a custom domain name.',
      minLength: 1, maxLength: 32, examples: ['eu-west-1'],
    },
    contact_info: {
      type: 'boolean', title: 'Keep Contact Information',
      description: 'Off (the default): documents carry no contact information — no email, phone, names, addresses or birth dates in properties, traits or context, no IP address, URLs without query strings, no id that is an email or phone. On: documents keep what the blueprint maps, personal data included (person deletions reach them).',
      default: false,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Deletes a person\'s documents when Signal is asked to forget them: a _delete_by_query on every index the index name gives (its date part as *), by user_id, anonymous_id and previous_id, the ids in the request body. Needs the read and delete privileges on those indices. On by default.',
      default: true,
    },
    allow_private_targets: privateTargetsField('a self-managed cluster'),
  },
};

function urlProblem(value: JsonValue | undefined, allow: string[]): string | undefined {
  const raw = trimmedText(value);
  if (raw === undefined) return 'is required: the cluster\'s HTTPS endpoint (e.g. https://my-deployment.es.us-central1.gcp.cloud.es.io) or its Elastic Cloud ID';
  let url: URL;
  try {
    url = new URL(cloudIdEndpoint(raw) ?? raw);
  } catch {
    return `is ${JSON.stringify(raw.slice(0, 200))}: give an absolute https URL (e.g. https://my-deployment.es.us-central1.gcp.cloud.es.io) or the deployment's Cloud ID (name:base64…)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')})`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: give an API key in api_key, or the user in username and the password in password';
  if (url.search !== '' || url.hash !== '') return `must be the cluster's endpoint without a query or fragment: ${url.origin}${url.pathname}`;
  if (/\/_/.test(url.pathname)) return `must be the cluster's endpoint, not an API's (${url.pathname}): Signal adds /_bulk and /_delete_by_query itself`;
  return privateTargetProblem(url, allow, 'a cluster');
}

/** Header values go out as Latin-1 bytes: only printable ASCII reaches the cluster as typed. */
function asciiProblem(value: JsonValue | undefined, what: string): string | undefined {
  const credential = trimmedText(value);
  if (credential === undefined || !/[^\x20-\x7e]/.test(credential)) return undefined;
  return `holds characters other than printable ASCII (letters with accents, other scripts, line breaks), which the Authorization header cannot carry: give ${what}`;
}

/** Why the Region cannot be had or is no Region code, when the config signs for AWS (or names one). */
function awsRegionProblem(config: Record<string, JsonValue>): string | undefined {
  const given = trimmedText(config.aws_region);
  if (given !== undefined) return AWS_REGION.test(given) ? undefined : `is ${JSON.stringify(given.slice(0, 40))}: give an AWS Region code such as eu-west-1`;
  if (!signsWithAws(config)) return undefined;
  return awsScopeOf(config).region === undefined ? 'is required to sign for AWS when the endpoint is not <domain>.<region>.es.amazonaws.com (a custom domain name): the domain\'s Region, e.g. eu-west-1' : undefined;
}

/**
 * Config problems the schema cannot say in words, each naming its field: an endpoint that is
 * neither an https URL nor a Cloud ID, carries credentials, a query or an API path, or is a
 * private address not allow-listed; an index name Elasticsearch refuses or a date part it
 * cannot fill in; a user without a password or a password without a user; credentials the Authorization header cannot carry; allow-list entries that are no
 * host or range.
 *
 * @example
 * validateElasticsearchConfig({ url: 'https://my-deployment.es.us-central1.gcp.cloud.es.io', index: 'Signal Events' });
 * // [{ field: 'index', message: 'is "Signal Events": index names are lower case, without … or spaces (e.g. signal-events-{yyyy.MM.dd})' }]
 */
export function validateElasticsearchConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  problems.push(...privateTargetsProblems(config, 'es.internal'));
  const user = trimmedText(config.username);
  const password = trimmedText(config.password);
  const awsKeyId = trimmedText(config.aws_access_key_id);
  const index = config.index === undefined ? undefined : trimmedText(config.index) === undefined ? 'must not be blank: the index or data stream name (e.g. signal-events-{yyyy.MM.dd})' : indexNameProblem(trimmedText(config.index)!);
  const checks: Array<[string, string | undefined]> = [
    ['url', urlProblem(config.url, allowedPrivateTargets(config))],
    ['index', index],
    ['api_key', asciiProblem(config.api_key, 'the Encoded value Kibana shows for the key')],
    ['username', user === undefined && password !== undefined ? 'is required with a password: the user the password belongs to' : asciiProblem(config.username, 'a user name of ASCII characters')],
    ['password', user !== undefined && password === undefined ? 'is required with a user: the user\'s password' : asciiProblem(config.password, 'a password of ASCII characters')],
    ['aws_access_key_id', awsKeyId !== undefined && !/^[A-Z0-9]{16,128}$/.test(awsKeyId) ? `is ${JSON.stringify(awsKeyId.slice(0, 40))}: an access key ID is 16 or more capital letters and digits (AKIA…)` : awsKeyId === undefined && trimmedText(config.aws_secret_access_key) !== undefined ? 'is required with a secret access key: the ID of the same access key (AKIA…)' : undefined],
    ['aws_secret_access_key', awsKeyId !== undefined && trimmedText(config.aws_secret_access_key) === undefined ? 'is required with an access key ID: the secret of the same access key' : asciiProblem(config.aws_secret_access_key, 'the secret as IAM showed it')],
    ['aws_region', awsRegionProblem(config)],
    ['contact_info', configSwitchProblem(config.contact_info)],
    ['forward_deletions', configSwitchProblem(config.forward_deletions)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  return problems;
}

/**
 * Advice about a valid config: without a credential, every request goes unauthenticated — right
 * only for a cluster without security on your own network; with an API key and a user both,
 * the API key is used and the user is not.
 *
 * @example
 * elasticsearchConfigWarnings({ url: 'https://es.example.com' });
 * // [{ field: 'api_key', message: 'no credential is set: … ' }]
 */
export function elasticsearchConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  const kind = credentialOf(config).kind;
  if (kind === 'aws' && (trimmedText(config.api_key) !== undefined || trimmedText(config.username) !== undefined)) {
    return [{ field: 'aws_access_key_id', message: 'an API key or user is set as well: Signal signs its requests with the AWS access key and sends neither; clear the ones not used' }];
  }
  if (kind === 'none') return [{ field: 'api_key', message: 'no credential is set: Signal sends its requests without one, which only a cluster with security turned off accepts (a 401 otherwise): give an API key, or a user and password' }];
  if (kind === 'api_key' && trimmedText(config.username) !== undefined) return [{ field: 'username', message: 'an API key is set as well: Signal authenticates with the API key and sends no user or password; clear username and password to avoid the doubt' }];
  return [];
}
