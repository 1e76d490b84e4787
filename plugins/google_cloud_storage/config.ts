// The integration's config: the bucket (Cloud Storage's naming rules), the credential (a service
// account's JSON key), where and how objects are written (prefix, partitions, compression, sizes),
// the schema the catalog shows and the checks the schema cannot make, each naming its field.
import { isIP } from 'node:net';
import { archiveConfigFieldSchemas, ARCHIVE_OBJECT_BOUNDS, archivePrefixOf, parseGoogleServiceAccountKey, trimmedText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Most events in one object (configurable below it: `max_events_per_object`). */
export const MAX_EVENTS = ARCHIVE_OBJECT_BOUNDS.maxEvents;
/**
 * Most bytes of NDJSON in one object (configurable below it: `max_object_bytes`). Cloud Storage
 * takes objects of up to 5 TiB, but a simple upload is one request that is sent again whole when
 * it fails: Google recommends it for files small enough to upload again.
 */
export const MAX_BYTES = ARCHIVE_OBJECT_BOUNDS.maxBytes;
export const DEFAULT_OBJECT_BYTES = ARCHIVE_OBJECT_BOUNDS.defaultBytes;
export const MIN_OBJECT_BYTES = ARCHIVE_OBJECT_BOUNDS.minBytes;
/** The prefix when the config gives none. */
export const DEFAULT_PREFIX = 'signal';
/**
 * Characters of a prefix: letters, digits, `/` and `! _ . ' ( ) -`. Cloud Storage takes any
 * UTF-8 in a name, but Google advises against `#` (gcloud reads `#<digits>` as a version),
 * `[ ] * ?` (wildcards for gcloud and gsutil), control characters and personal data.
 */
export const PREFIX_PATTERN = "^[A-Za-z0-9!_.'()/-]*$";
/**
 * Most characters of a prefix. A bucket with hierarchical namespace takes folder names of at
 * most 512 bytes (the object's base name another 512): the folder of an object is
 * `<prefix>/dt=YYYY-MM-DD/hour=HH/`, 23 bytes more than the prefix.
 */
export const MAX_PREFIX_LENGTH = 480;

/** The configured bucket (trimmed: a pasted name often carries a space or a line break; `gs://` taken off). */
export const bucketOf = (config: Record<string, JsonValue>): string => (trimmedText(config.bucket) ?? '').replace(/^gs:\/\//, '').replace(/\/+$/, '');

/** The prefix as object names use it (see the SDK's archivePrefixOf): `signal` by default. */
export const prefixOf = (config: Record<string, JsonValue>): string => archivePrefixOf(config, DEFAULT_PREFIX);

/** The service account's email (`client_email` of the key), for the reasons that name it. */
export function serviceAccountEmail(config: Record<string, JsonValue>): string | undefined {
  const key = parseGoogleServiceAccountKey(trimmedText(config.service_account_key));
  return typeof key === 'string' ? undefined : key.client_email;
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['bucket', 'service_account_key'],
  properties: {
    bucket: {
      type: 'string', title: 'Bucket',
      description: 'The bucket\'s name (Cloud console > Cloud Storage > Buckets), without gs://: the objects are written in it. Create it first, in the location you want the data in; Signal does not create buckets.',
      // No pattern: validateConfig says what is wrong in words, naming the field.
      minLength: 3, maxLength: 222, examples: ['acme-signal-events'],
    },
    service_account_key: {
      type: 'string', title: 'Service Account Key', secret: true,
      description: 'The JSON key file of a Google Cloud service account, pasted whole (IAM & Admin > Service accounts > the account > Keys > Add key > JSON). Give the account the Storage Object User role (roles/storage.objectUser) on the bucket: it creates objects, and overwrites one when a request is retried (storage.objects.delete). Signal signs its token requests with it; the key never leaves Signal.',
      maxLength: 10_000,
    },
    prefix: {
      type: 'string', title: 'Object Name Prefix',
      description: `Where in the bucket objects go: <prefix>/dt=YYYY-MM-DD/hour=HH/<file>.ndjson.gz (default "${DEFAULT_PREFIX}"; empty for the bucket's root). Letters, digits, / and ! _ . ' ( ) -; at most ${MAX_PREFIX_LENGTH} characters.`,
      pattern: PREFIX_PATTERN, maxLength: MAX_PREFIX_LENGTH, default: DEFAULT_PREFIX, examples: ['signal/events'],
    },
    ...archiveConfigFieldSchemas({ object: 'object', title: 'Object', readers: 'BigQuery external tables and load jobs, Dataproc/Spark and zcat' }),
  },
};

/** One component of a bucket name: lower-case letters, digits, `-` and `_`, from and to a letter or digit (dots separate components). */
const BUCKET_CHARACTERS = /^[a-z0-9][a-z0-9._-]*[a-z0-9]$/;
/** "google" and close misspellings Cloud Storage refuses in bucket names (g00gle, go0gle…). */
const GOOGLE_LIKE = /g[o0][o0]g[l1]e/;

/**
 * Why a bucket name is refused, by Cloud Storage's bucket naming requirements, or undefined:
 * lower-case letters, digits, `-`, `_` and `.`, starting and ending with a letter or digit;
 * 3–63 characters (up to 222 with dots, each dot-separated component at most 63); not an IP
 * address; not starting with `goog`; not containing `google` or close misspellings.
 *
 * @example
 * bucketProblem('gs://acme-events'); // undefined (gs:// is taken off)
 * bucketProblem('Acme_Events');      // 'is "Acme_Events": a bucket name has lower-case letters, …'
 */
export function bucketProblem(value: JsonValue | undefined): string | undefined {
  const raw = trimmedText(value);
  if (raw === undefined) return 'is required: the name of the Cloud Storage bucket the objects are written in (e.g. acme-signal-events)';
  const bucket = raw.replace(/^gs:\/\//, '').replace(/\/+$/, '');
  const shown = JSON.stringify(bucket.slice(0, 230));
  if (bucket.includes('/')) return `is ${shown}: give the bucket's name alone, without a path (the path goes in prefix)`;
  if (!BUCKET_CHARACTERS.test(bucket)) return `is ${shown}: a bucket name has lower-case letters, digits, dashes, underscores and dots only, and starts and ends with a letter or digit`;
  if (bucket.includes('.')) {
    if (bucket.length > 222) return `is ${shown}: a bucket name with dots has at most 222 characters`;
    if (bucket.split('.').some((part) => part === '' || part.length > 63)) return `is ${shown}: each dot-separated part of a bucket name has 1 to 63 characters`;
  } else if (bucket.length < 3 || bucket.length > 63) {
    return `is ${shown}: a bucket name has 3 to 63 characters (up to 222 with dots)`;
  }
  if (isIP(bucket) === 4) return `is ${shown}: a bucket name cannot be an IP address`;
  if (bucket.startsWith('goog')) return `is ${shown}: bucket names cannot begin with "goog"`;
  if (GOOGLE_LIKE.test(bucket)) return `is ${shown}: bucket names cannot contain "google" or close misspellings`;
  return undefined;
}

/**
 * Why a prefix is refused, or undefined: its characters, no empty, `.` or `..` segment, and not
 * under `.well-known/acme-challenge/` (names Cloud Storage refuses).
 *
 * @example
 * prefixProblem('signal//events'); // 'must not have empty, "." or ".." segments …'
 */
export function prefixProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') return 'must be text';
  if (!new RegExp(PREFIX_PATTERN).test(value)) return "may hold letters, digits, / and ! _ . ' ( ) - only (Google advises against # [ ] * ? in object names: gcloud reads them as versions and wildcards)";
  const trimmed = value.replace(/^\/+|\/+$/g, '');
  if (trimmed !== '' && trimmed.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'must not have empty, "." or ".." segments (//, /./, /../): tools that read object names as paths do not keep them';
  }
  if (`${trimmed}/`.startsWith('.well-known/acme-challenge/')) return 'must not be under .well-known/acme-challenge/: Cloud Storage refuses those object names';
  return undefined;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a bucket name Cloud
 * Storage refuses, a prefix with characters or segments object names should not have, and a
 * service account key that cannot be read (the message never quotes it).
 *
 * @example
 * validateGcsConfig({ bucket: 'google-events', service_account_key: '{…}' });
 * // [{ field: 'bucket', message: 'is "google-events": bucket names cannot begin with "goog"' }]
 */
export function validateGcsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const bucket = bucketProblem(config.bucket);
  if (bucket !== undefined) problems.push({ field: 'bucket', message: bucket });
  const prefix = prefixProblem(config.prefix);
  if (prefix !== undefined) problems.push({ field: 'prefix', message: prefix });
  const key = trimmedText(config.service_account_key);
  if (key === undefined) {
    problems.push({ field: 'service_account_key', message: 'is required: the JSON key file of a service account with the Storage Object User role on the bucket (see the plugin README)' });
  } else {
    const parsed = parseGoogleServiceAccountKey(key);
    if (typeof parsed === 'string') problems.push({ field: 'service_account_key', message: parsed });
  }
  return problems;
}
