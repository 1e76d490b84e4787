import { ARCHIVE_RAW_VARIANT, ARCHIVE_VENDOR_FIELDS, archiveRecord, definePlugin, type JsonObject, trimmedText } from '../../core/sdk/index.ts';
import { gcsAccessToken } from './access-token.ts';
import { classifyUpload } from './classify.ts';
import { CONFIG_SCHEMA, MAX_BYTES, MAX_EVENTS, validateGcsConfig } from './config.ts';
import { uploadRequests } from './upload-request.ts';

export { bucketProblem, prefixProblem, validateGcsConfig, MAX_BYTES, MAX_EVENTS } from './config.ts';
export { classifyUpload } from './classify.ts';
export { storageError } from './google-error.ts';
export { gcsTokenRequest, readGcsTokenAnswer, STORAGE_SCOPE } from './access-token.ts';
export { objectNameOf, uploadRequests, uploadUrl } from './upload-request.ts';

/**
 * Google Cloud Storage: each delivery batch archived as NDJSON objects in the customer's own
 * bucket (the JSON API's simple upload, objects.insert with uploadType=media), gzipped unless
 * `compression` is `none`, one per hour partition and size limit, names fixed by the objects'
 * events so a retry overwrites instead of duplicating; authorised by a service account's key
 * through the core's access tokens. The GCS counterpart of Amazon S3. See README.md.
 *
 * @example
 * // config: { bucket: 'acme-signal-events', service_account_key: '{"type":"service_account",…}', prefix: 'signal' }
 * googleCloudStorage.send(mapped, ctx);
 * // [{ method: 'POST', url: 'https://storage.googleapis.com/upload/storage/v1/b/acme-signal-events/o?uploadType=media&name=signal%2Fdt%3D2024-03-24%2Fhour%3D16%2F<integration>-<first messageId>-2-<digest>.ndjson.gz',
 * //    headers: { authorization: 'Bearer ya29…', 'content-type': 'application/gzip' }, body: <gzip of '{…}\n{…}\n'>, eventIds }]
 */
export default definePlugin({
  id: 'google_cloud_storage',
  name: 'Google Cloud Storage',
  category: 'cloud_storage',
  description: 'Archive every event to your own Google Cloud Storage bucket as newline-delimited JSON objects (gzipped by default) under hourly dt=/hour= partitions, uploaded with the JSON API (objects.insert) by a service account\'s key; object names fixed by their events, so a retried upload replaces its object rather than adding a copy. Ready for BigQuery external tables and load jobs.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateGcsConfig,
  variants: {
    default: { description: 'Every event as one flat record (ids, times, page, campaign, device, consent, properties): email and phone as SHA-256, no other contact information.', blueprint: 'google_cloud_storage/default.yaml' },
    retail: { description: 'The default record, and for Segment\'s and GA4\'s ecommerce events typed commerce columns (order_id, revenue, value, currency, products, query) under the ecommerce spec\'s names.', blueprint: 'google_cloud_storage/retail.yaml' },
    [ARCHIVE_RAW_VARIANT]: {
      description: 'The canonical event exactly as Signal stored it, personal data included (email, names, IP, traits, other vendors\' cookie ids, partner attributes): a complete copy in your own bucket. Person deletions are not forwarded to it: gate it by consent and erase people yourself.',
      // The canonical event is JSON already; its TypeScript type is just wider than JsonObject.
      map: (event) => event as unknown as JsonObject,
    },
  },
  vendorFields: { ...ARCHIVE_VENDOR_FIELDS },
  // The customer's own storage, not a third party: nothing to gate by default for the default and
  // retail records (hashed contact data, URLs without queries). The raw variant copies personal
  // data, and person deletions are not forwarded to the bucket: the README recommends
  // consent_categories at install, or a pipeline of its own.
  consent: [],
  // Signal's pace, not Google's limit: a bucket starts at about 1,000 object writes a second
  // (and scales), each request here carries a whole object.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  accessToken: gcsAccessToken,
  map: (payload, _event, ctx) => (ctx.variant === ARCHIVE_RAW_VARIANT
    ? payload
    : archiveRecord(payload, { defaultCountryCode: trimmedText(ctx.config.default_country_code) })),
  send: uploadRequests,
  classify: (response, request, ctx) => classifyUpload(response, request, ctx),
  // Cloud Storage's answer to objects.insert: 200 with the object's resource. The conformance
  // suite's requests name other objects, so this answer is read by the suite's own check.
  successAnswer: {
    status: 200,
    body: { kind: 'storage#object', id: 'acme-signal-events/signal/x.ndjson.gz/1711296309123456', name: 'signal/x.ndjson.gz', bucket: 'acme-signal-events', generation: '1711296309123456', metageneration: '1', contentType: 'application/gzip', size: '1024', md5Hash: 'aGVsbG8gd29ybGQhIQ==', crc32c: 'yZRlqg==' },
  },
});
