import { createHash } from 'node:crypto';
import { ARCHIVE_COMPRESSIONS, ARCHIVE_OBJECT_BOUNDS, ARCHIVE_VENDOR_FIELDS, archiveConfigFieldSchemas, archiveBody, archiveCompressionOf, archiveObjectsOf, awsCredentialFieldSchemas, definePlugin, GZIP_CONTENT_TYPE as GZIP_TYPE, NDJSON_CONTENT_TYPE, sha256Hex, signAwsRequest, type ArchiveCompression, type ConfigProblem, type JsonObject, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { archiveRecord, RAW_VARIANT } from './archive-record.ts';
import { classifyS3 } from './classify.ts';
import { DEFAULT_PREFIX, objectKey, prefixOf, prefixProblem, PREFIX_PATTERN } from './object-key.ts';
import { BUCKET_PATTERN, objectUrl, privateTargetsOf, targetOf, targetProblems, URL_STYLES } from './target.ts';

export { archiveRecord, hashCustomerField } from './archive-record.ts';
export { classifyS3, parseS3Error } from './classify.ts';
export { DEFAULT_PREFIX, objectKey, partitionOf } from './object-key.ts';
export { objectUrl, PRIVATE_NETWORKS } from './target.ts';

/** Most events in one object (configurable below it: `max_events_per_object`). */
export const MAX_EVENTS = ARCHIVE_OBJECT_BOUNDS.maxEvents;
/** Most bytes of one object's body (configurable below it: `max_object_bytes`); S3 takes up to 5 GB in one PUT. */
export const MAX_BYTES = ARCHIVE_OBJECT_BOUNDS.maxBytes;
export const DEFAULT_OBJECT_BYTES = ARCHIVE_OBJECT_BOUNDS.defaultBytes;
/** The archive fields shared with the other object stores, worded for S3. */
const archiveFields = archiveConfigFieldSchemas({ object: 'object', title: 'Object', readers: 'Athena, Glue, Spark and zcat' });
/** S3's `Content-Type` for the objects: newline-delimited JSON, one event a line. */
export const CONTENT_TYPE = NDJSON_CONTENT_TYPE;
/** The `Content-Type` of gzip-compressed objects: a .gz file, as tools download and read it. */
export const GZIP_CONTENT_TYPE = GZIP_TYPE;
export const COMPRESSIONS = ARCHIVE_COMPRESSIONS;
export type Compression = ArchiveCompression;
export const STORAGE_CLASSES = ['STANDARD', 'INTELLIGENT_TIERING', 'STANDARD_IA', 'ONEZONE_IA', 'GLACIER_IR', 'GLACIER', 'DEEP_ARCHIVE'] as const;
export const SERVER_SIDE_ENCRYPTION = ['AES256', 'aws:kms', 'aws:kms:dsse'] as const;

const given = (value: JsonValue | undefined): value is string => typeof value === 'string' && value !== '';

/**
 * Checks across fields and beyond the schema: the bucket's name, the Region (an AWS Region
 * code, not an ISO Region, unless a custom endpoint is set), the endpoint (an https origin;
 * private hosts and http only with `allow_private_endpoint`; never cloud metadata or
 * link-local), a URL style that can work for the bucket and endpoint, the prefix's segments,
 * credentials and KMS key without white space (a paste error: the signature would never
 * match), and a KMS key only with KMS encryption.
 *
 * @example
 * validateS3Config({ bucket: 'acme.events', region: 'eu-west-1', access_key_id: 'AKIA…', secret_access_key: '…' });
 * // [{ field: 'url_style', message: 'must be path for a bucket whose name has dots: …' }]
 */
export function validateS3Config(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems = targetProblems(config);
  for (const field of ['access_key_id', 'secret_access_key', 'session_token', 'kms_key_id'] as const) {
    const value = config[field];
    // The message never quotes the value: a secret must not reach an error answer.
    if (given(value) && /\s/.test(value)) problems.push({ field, message: 'holds white space or a line break (copied with the text around it?): give the value alone' });
  }
  if (given(config.access_key_id) && /[/,=]/.test(config.access_key_id)) {
    problems.push({ field: 'access_key_id', message: 'holds "/", "," or "=", which the Authorization header\'s Credential cannot carry: give the access key ID alone (AKIA…)' });
  }
  if (typeof config.prefix === 'string') {
    const problem = prefixProblem(config.prefix);
    if (problem) problems.push({ field: 'prefix', message: problem });
  }
  if (given(config.kms_key_id) && !(typeof config.server_side_encryption === 'string' && config.server_side_encryption.startsWith('aws:kms'))) {
    problems.push({ field: 'kms_key_id', message: 'is only used with server_side_encryption aws:kms or aws:kms:dsse: set one of them, or leave kms_key_id out' });
  }
  return problems;
}

/** The storage and encryption headers the config asks for (none by default: the bucket's own settings apply). */
function objectHeaders(config: Record<string, JsonValue>): Record<string, string> {
  const headers: Record<string, string> = {};
  if (given(config.storage_class)) headers['x-amz-storage-class'] = config.storage_class;
  if (given(config.server_side_encryption)) {
    headers['x-amz-server-side-encryption'] = config.server_side_encryption;
    if (config.server_side_encryption.startsWith('aws:kms') && given(config.kms_key_id)) headers['x-amz-server-side-encryption-aws-kms-key-id'] = config.kms_key_id;
  }
  return headers;
}

/** The configured compression: gzip unless `none`. */
export const compressionOf = archiveCompressionOf;

/**
 * One PutObject request: the object's URL, its body (NDJSON, gzipped by default), and the
 * hashes S3 checks (`x-amz-content-sha256`, and `Content-MD5` for buckets with Object Lock: both
 * of the compressed bytes when gzipped). Signed by `signObjectPut` when it is sent.
 */
function putObject(events: MappedEvent[], partition: string, ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  const target = targetOf(config);
  // The SDK's archive body: NDJSON, gzipped into a deterministic .ndjson.gz file (no
  // Content-Encoding: the object is a .gz file for every tool that downloads it).
  const { body, contentType, extension } = archiveBody(events, compressionOf(config));
  const key = objectKey(prefixOf(config), partition, ctx.integrationId, events.map((e) => e.event), extension);
  const { url } = objectUrl(target, key);
  const headers: Record<string, string> = {
    'content-type': contentType,
    'content-md5': createHash('md5').update(body).digest('base64'),
    'x-amz-content-sha256': sha256Hex(body),
    ...objectHeaders(config),
  };
  const allow = privateTargetsOf(config);
  return { method: 'PUT', url, headers, body, eventIds: events.map((e) => e.id), ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}) };
}

/**
 * A PutObject request signed with AWS Signature Version 4 at the moment it is sent (the core's
 * `sign` hook, after any rate-limit wait): S3 refuses a signature more than 15 minutes from its
 * own clock (RequestTimeTooSkewed). The session token of temporary credentials is signed too.
 */
export function signObjectPut(request: RequestDescriptor, ctx: Pick<PluginContext, 'config' | 'now'>): RequestDescriptor {
  const { config } = ctx;
  return signAwsRequest(request, {
    region: targetOf(config).region, service: 's3', now: ctx.now,
    credentials: {
      accessKeyId: String(config.access_key_id), secretAccessKey: String(config.secret_access_key),
      ...(given(config.session_token) ? { sessionToken: config.session_token } : {}),
    },
  });
}

/**
 * Amazon S3: each delivery batch archived as NDJSON objects (PUT Object), gzipped unless
 * `compression` is `none`, one per hour partition and size limit, signed with AWS Signature
 * Version 4. See README.md.
 *
 * @example
 * // config: { bucket: 'acme-signal-events', region: 'eu-west-1', access_key_id: 'AKIA…', secret_access_key: '…', prefix: 'signal' }
 * amazonS3.send(mapped, ctx);
 * // [{ method: 'PUT', url: 'https://acme-signal-events.s3.eu-west-1.amazonaws.com/signal/dt%3D2024-03-24/hour%3D16/<integration>-<first messageId>-2-<digest>.ndjson.gz', headers: { 'content-type': 'application/gzip', authorization: 'AWS4-HMAC-SHA256 Credential=…', … }, body: <gzip of '{…}\n{…}\n'>, eventIds }]
 */
export default definePlugin({
  id: 'amazon_s3',
  name: 'Amazon S3',
  category: 'cloud_storage',
  description: 'Archive every event to your own S3 bucket (or an S3-compatible store: Cloudflare R2, MinIO…) as newline-delimited JSON objects (gzipped by default) under hourly date partitions, written with PUT Object and signed with AWS Signature Version 4.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['bucket', 'region', 'access_key_id', 'secret_access_key'],
    properties: {
      bucket: {
        type: 'string', title: 'Bucket', description: 'The bucket\'s name (S3 console > Buckets): the objects are written in it.',
        pattern: BUCKET_PATTERN, minLength: 3, maxLength: 63, examples: ['acme-signal-events'],
      },
      region: {
        type: 'string', title: 'Region', description: 'The bucket\'s AWS Region code (S3 console > bucket > Properties > AWS Region), e.g. eu-west-1. For another store, the region it expects (Cloudflare R2: auto; MinIO: us-east-1 unless configured).',
        pattern: '^[a-z0-9-]{1,32}$', examples: ['eu-west-1'],
      },
      ...awsCredentialFieldSchemas('s3:PutObject on the bucket and prefix (IAM > Users > Security credentials > Create access key)', { keyIdPattern: '^[^\\s/,]{3,128}$', secretMinLength: 8 }),
      prefix: {
        type: 'string', title: 'Key Prefix', description: `Where in the bucket objects go: <prefix>/dt=YYYY-MM-DD/hour=HH/<file>.ndjson.gz (default "${DEFAULT_PREFIX}"; empty for the bucket's root).`,
        pattern: PREFIX_PATTERN, maxLength: 512, default: DEFAULT_PREFIX, examples: ['signal/events'],
      },
      partition_by: archiveFields.partition_by,
      url_style: {
        type: 'string', title: 'URL Style', description: 'Virtual-hosted (https://<bucket>.s3.<region>.amazonaws.com/<key>) or path style (https://s3.<region>.amazonaws.com/<bucket>/<key>: for bucket names with dots, and stores such as MinIO). Empty: virtual-hosted for Amazon S3, path style with a custom endpoint.',
        enum: [...URL_STYLES], enumLabels: ['Virtual-hosted', 'Path style'],
      },
      endpoint: {
        type: 'string', title: 'Custom Endpoint', description: 'Only for an S3-compatible store: its origin, e.g. https://<account_id>.r2.cloudflarestorage.com, or http://minio.internal:9000 on your own network (http needs Allow Private Endpoint). Leave empty for Amazon S3.',
        pattern: '^https?://', maxLength: 2048, examples: ['https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com'],
      },
      allow_private_endpoint: {
        type: 'boolean', title: 'Allow Private Endpoint', description: 'Let Signal reach the custom endpoint at a loopback or private-network address (a MinIO on your own network: 10/8, 172.16/12, 192.168/16, 100.64/10, 127/8, fc00::/7), and over plain http. Link-local and cloud metadata addresses stay refused. Off, private addresses and http are refused.',
        default: false,
      },
      compression: archiveFields.compression,
      storage_class: {
        type: 'string', title: 'Storage Class', description: 'The objects\' storage class (x-amz-storage-class). Leave empty for STANDARD, or let a lifecycle rule move old objects to cheaper classes. Athena cannot read GLACIER or DEEP_ARCHIVE objects (they must be restored first).',
        enum: [...STORAGE_CLASSES], enumLabels: ['Standard', 'Intelligent-Tiering', 'Standard-IA', 'One Zone-IA', 'Glacier Instant Retrieval', 'Glacier Flexible Retrieval', 'Glacier Deep Archive'],
      },
      server_side_encryption: {
        type: 'string', title: 'Server-Side Encryption', description: 'Encryption S3 applies to each object (x-amz-server-side-encryption). Leave empty for the bucket\'s default encryption (SSE-S3 on every new bucket).',
        enum: [...SERVER_SIDE_ENCRYPTION], enumLabels: ['SSE-S3 (AES256)', 'SSE-KMS (aws:kms)', 'DSSE-KMS (aws:kms:dsse)'],
      },
      kms_key_id: {
        type: 'string', title: 'KMS Key ID', description: 'With SSE-KMS or DSSE-KMS: the KMS key\'s ARN or ID (the credentials need kms:GenerateDataKey on it). Empty: the bucket\'s default key, or aws/s3.',
        minLength: 1, maxLength: 2048, examples: ['arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
      },
      max_events_per_object: archiveFields.max_events_per_object,
      max_object_bytes: archiveFields.max_object_bytes,
      default_country_code: archiveFields.default_country_code,
    },
  },
  variants: {
    default: { description: 'Every event as one flat record (ids, times, page, campaign, device, consent, properties): email and phone as SHA-256, no other contact information.', blueprint: 'amazon_s3/default.yaml' },
    retail: { description: 'The default record, and for Segment\'s and GA4\'s ecommerce events typed commerce columns (order_id, revenue, value, currency, products, query) under the ecommerce spec\'s names.', blueprint: 'amazon_s3/retail.yaml' },
    [RAW_VARIANT]: {
      description: 'The canonical event exactly as Signal stored it, personal data included (email, names, IP, traits, other vendors\' cookie ids, partner attributes): a complete copy in your own bucket. Person deletions are not forwarded to it: gate it by consent and erase people yourself.',
      // The canonical event is JSON already; its TypeScript type is just wider than JsonObject.
      map: (event) => event as unknown as JsonObject,
    },
  },
  vendorFields: { ...ARCHIVE_VENDOR_FIELDS },
  // The customer's own storage, not a third party: nothing to gate by default for the default and
  // retail records (hashed contact data, URLs without queries). The raw variant copies personal
  // data, and person deletions are not forwarded to the bucket: its README section recommends
  // consent_categories at install, or a pipeline of its own.
  consent: [],
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  validateConfig: validateS3Config,
  map: (payload, _event, ctx) => (ctx.variant === RAW_VARIANT
    ? payload
    : archiveRecord(payload, { defaultCountryCode: given(ctx.config.default_country_code) ? ctx.config.default_country_code : undefined })),
  send(batch, ctx) {
    // One object per hour partition and size limit (the SDK's archiveObjectsOf).
    return archiveObjectsOf(batch, ctx.config).map(({ partition, events }) => putObject(events, partition, ctx));
  },
  sign: signObjectPut,
  classify: (response, request, ctx) => classifyS3(response, request, ctx.config),
  // S3 PutObject (docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html): 200, empty body, the object's ETag in the headers.
  successAnswer: { status: 200, headers: { etag: '"6805f2cfc46c0f04559748bb039d69ae"', 'x-amz-request-id': '0A49CE4060975EAC', 'x-amz-server-side-encryption': 'AES256', 'content-length': '0' }, body: '' },
});
