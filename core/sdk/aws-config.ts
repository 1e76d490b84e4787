// An AWS plugin's config as every AWS plugin reads it: a Region code, and an IAM access key
// (with the session token of temporary credentials) that signs the requests.
import type { Credentials as AwsCredentials } from './aws-signature-v4.ts';
import type { ConfigFieldSchema, ConfigProblem, JsonValue } from './types.ts';
import { trimmedText } from './config-text.ts';

/** An AWS Region code: `eu-west-1`, `us-gov-west-1`, `cn-north-1`. */
export const AWS_REGION_CODE = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

/** The config fields an AWS credential is read from (`access_key_id`, `secret_access_key`, `session_token` by default). */
export interface AwsCredentialFields {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
}

const DEFAULT_FIELDS: AwsCredentialFields = { accessKeyId: 'access_key_id', secretAccessKey: 'secret_access_key', sessionToken: 'session_token' };

/**
 * Why a Region value will not do, or undefined: missing, an isolated (ISO) Region (its endpoints
 * are not on amazonaws.com), or not a code (a Region's name, an availability zone). `whose`
 * names what lives there in the message.
 *
 * @example
 * awsRegionProblem('Europe (Ireland)', "the stream's"); // 'is "Europe (Ireland)": give an AWS Region code such as eu-west-1 (…)'
 */
export function awsRegionProblem(value: JsonValue | undefined, whose: string): string | undefined {
  const region = trimmedText(value);
  if (region === undefined) return `is required: ${whose} AWS Region code (e.g. eu-west-1)`;
  if (/^[a-z]{2}-iso[a-z]*-/.test(region)) return `is ${JSON.stringify(region)}, an isolated (ISO) Region: its endpoints are not on amazonaws.com, and Signal sends only to the commercial, GovCloud and China Regions' endpoints`;
  if (AWS_REGION_CODE.test(region)) return undefined;
  return `is ${JSON.stringify(region.slice(0, 64))}: give an AWS Region code such as eu-west-1 (the console shows it top right; not the Region's name "Europe (Ireland)", nor an availability zone such as eu-west-1a)`;
}

/**
 * The access key that signs the requests, with the session token of temporary credentials.
 *
 * @example
 * awsCredentialsOf({ access_key_id: ' AKIA… ', secret_access_key: 'wJal…' }); // { accessKeyId: 'AKIA…', secretAccessKey: 'wJal…' }
 */
export function awsCredentialsOf(config: Record<string, JsonValue>, fields: AwsCredentialFields = DEFAULT_FIELDS): AwsCredentials {
  const token = trimmedText(config[fields.sessionToken]);
  const secret = config[fields.secretAccessKey];
  return {
    accessKeyId: trimmedText(config[fields.accessKeyId]) ?? '',
    secretAccessKey: typeof secret === 'string' ? secret : '',
    ...(token === undefined ? {} : { sessionToken: token }),
  };
}

/**
 * What is wrong with the access key fields, each naming its field: missing, or pasted with white
 * space (the signature could never match). Never quotes the secret.
 *
 * @example
 * awsCredentialProblems({ access_key_id: 'AKIA… ', secret_access_key: '' });
 * // [{ field: 'access_key_id', message: 'has white space around it …' }, { field: 'secret_access_key', message: 'is required: …' }]
 */
export function awsCredentialProblems(config: Record<string, JsonValue>, fields: AwsCredentialFields = DEFAULT_FIELDS): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const keyId = typeof config[fields.accessKeyId] === 'string' ? (config[fields.accessKeyId] as string) : '';
  if (keyId.trim() === '') problems.push({ field: fields.accessKeyId, message: 'is required: the ID of an IAM access key (AKIA…, or ASIA… for temporary credentials)' });
  else if (keyId !== keyId.trim()) problems.push({ field: fields.accessKeyId, message: 'has white space around it (a paste error): give the key ID alone' });
  const secret = typeof config[fields.secretAccessKey] === 'string' ? (config[fields.secretAccessKey] as string) : '';
  if (secret === '') problems.push({ field: fields.secretAccessKey, message: 'is required: the access key\'s secret, shown once when the key was created' });
  else if (/\s/.test(secret)) problems.push({ field: fields.secretAccessKey, message: 'holds white space or a line break (a paste error): the signature could never match; paste the secret alone' });
  return problems;
}

/**
 * Advice, never a refusal: a session token given with a long-lived key (AKIA…), which AWS refuses
 * (a session token goes only with temporary ASIA… credentials). Reads only whether the token is
 * set (secret fields come masked).
 *
 * @example
 * awsSessionTokenWarnings({ access_key_id: 'AKIAIOSFODNN7EXAMPLE', session_token: '••••' });
 * // [{ field: 'session_token', message: 'is set, but access_key_id is a long-lived key (AKIA…): …' }]
 */
export function awsSessionTokenWarnings(config: Record<string, JsonValue>, fields: AwsCredentialFields = DEFAULT_FIELDS): ConfigProblem[] {
  const keyId = trimmedText(config[fields.accessKeyId]) ?? '';
  if (trimmedText(config[fields.sessionToken]) === undefined || !keyId.startsWith('AKIA')) return [];
  return [{ field: fields.sessionToken, message: `is set, but ${fields.accessKeyId} is a long-lived key (AKIA…): AWS refuses a session token with it (the token goes only with temporary ASIA… credentials); leave it empty` }];
}

/** The schemas of an AWS access key's three config fields. */
export interface AwsCredentialFieldSchemas {
  access_key_id: ConfigFieldSchema;
  secret_access_key: ConfigFieldSchema;
  session_token: ConfigFieldSchema;
}

/** What a store that is not AWS's own (an S3-compatible one) may call an access key. */
export interface AwsCredentialFieldOptions {
  /** The access key ID's pattern (default: AWS's, `^[A-Z0-9]{16,128}$`). */
  keyIdPattern?: string;
  /** The secret's shortest length (default 16, AWS's). */
  secretMinLength?: number;
}

/**
 * The `access_key_id`, `secret_access_key` and `session_token` fields of an AWS plugin's config,
 * worded alike in every plugin; `allowedTo` says what the key's policy must allow (the sentence
 * after "An access key of an IAM user (or role) allowed …"). Spread them into `properties`
 * and list the first two in `required`.
 *
 * @example
 * properties: { region: …, ...awsCredentialFieldSchemas('events:PutEvents on the event bus') }
 */
export function awsCredentialFieldSchemas(allowedTo: string, options: AwsCredentialFieldOptions = {}): AwsCredentialFieldSchemas {
  return {
    access_key_id: {
      type: 'string', title: 'Access Key ID',
      description: `An access key of an IAM user (or role) allowed ${allowedTo}. Not secret by itself: the secret key is.`,
      pattern: options.keyIdPattern ?? '^[A-Z0-9]{16,128}$', examples: ['AKIAIOSFODNN7EXAMPLE'],
    },
    secret_access_key: {
      type: 'string', title: 'Secret Access Key', secret: true,
      description: 'The access key\'s secret, shown once when the key is created. It signs each request (AWS Signature Version 4) and never leaves Signal.',
      minLength: options.secretMinLength ?? 16, maxLength: 256, examples: ['wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'],
    },
    session_token: {
      type: 'string', title: 'Session Token', secret: true,
      description: 'Only for temporary credentials (an access key starting with ASIA, from AWS STS): sent as x-amz-security-token. They expire within hours, after which every request is refused until new ones are stored; prefer a long-lived IAM user key.',
      maxLength: 8192, examples: ['FwoGZXIvYXdzEXAMPLE'],
    },
  };
}
