import { ARCHIVE_RAW_VARIANT, ARCHIVE_VENDOR_FIELDS, archiveRecord, definePlugin, type JsonObject, trimmedText } from '../../core/sdk/index.ts';
import { blobRequests } from './blob-request.ts';
import { classifyPutBlob } from './classify.ts';
import { azureBlobConfigWarnings, CONFIG_SCHEMA, MAX_BYTES, MAX_EVENTS, validateAzureBlobConfig } from './config.ts';
import { signBlobRequest } from './shared-key.ts';

export { azureBlobConfigWarnings, credentialOf, sasProblem, serviceUrl, validateAzureBlobConfig, MAX_BYTES, MAX_EVENTS } from './config.ts';
export { classifyPutBlob } from './classify.ts';
export { storageError } from './azure-error.ts';
export { BLOB_SERVICE_VERSION, blobNameOf, blobRequests, blobUrl } from './blob-request.ts';
export { canonicalizedHeaders, canonicalizedResource, msDate, sharedKeySignature, signBlobRequest, stringToSign } from './shared-key.ts';

/**
 * Azure Blob Storage: each delivery batch archived as NDJSON block blobs in the customer's own
 * container (Put Blob), gzipped unless `compression` is `none`, one per hour partition and size
 * limit, names fixed by the blobs' events so a retry overwrites instead of duplicating;
 * authorised by a container SAS token or the account's Shared Key, signed when sent. The Azure
 * counterpart of Amazon S3 and Google Cloud Storage (the SDK's archive-objects). See README.md.
 *
 * @example
 * // config: { account: 'acmeevents', container: 'signal-events', sas_token: 'sv=…&sr=c&sp=cw&se=…&sig=…' }
 * azureBlobStorage.send(mapped, ctx);
 * // [{ method: 'PUT', url: 'https://acmeevents.blob.core.windows.net/signal-events/signal/dt%3D2024-03-24/hour%3D16/<integration>-<first messageId>-2-<digest>.ndjson.gz',
 * //    headers: { 'content-type': 'application/gzip', 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2025-01-05' }, body: <gzip of '{…}\n{…}\n'>, eventIds }]
 */
export default definePlugin({
  id: 'azure_blob_storage',
  name: 'Azure Blob Storage',
  category: 'cloud_storage',
  description: 'Archive every event to your own Azure Blob Storage container as newline-delimited JSON block blobs (gzipped by default) under hourly dt=/hour= partitions, written with Put Blob and authorised by a container SAS token or the account\'s Shared Key; blob names fixed by their events, so a retried write replaces its blob rather than adding a copy. Ready for Synapse, Fabric, Databricks and Data Factory.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: (config) => validateAzureBlobConfig(config),
  configWarnings: azureBlobConfigWarnings,
  variants: {
    default: { description: 'Every event as one flat record (ids, times, page, campaign, device, consent, properties): email and phone as SHA-256, no other contact information.', blueprint: 'azure_blob_storage/default.yaml' },
    retail: { description: 'The default record, and for Segment\'s and GA4\'s ecommerce events typed commerce columns (order_id, revenue, value, currency, products, query) under the ecommerce spec\'s names.', blueprint: 'azure_blob_storage/retail.yaml' },
    [ARCHIVE_RAW_VARIANT]: {
      description: 'The canonical event exactly as Signal stored it, personal data included (email, names, IP, traits, other vendors\' cookie ids, partner attributes): a complete copy in your own container. Person deletions are not forwarded to it: gate it by consent and erase people yourself.',
      // The canonical event is JSON already; its TypeScript type is just wider than JsonObject.
      map: (event) => event as unknown as JsonObject,
    },
  },
  vendorFields: { ...ARCHIVE_VENDOR_FIELDS },
  // The customer's own storage, not a third party: nothing to gate by default for the default and
  // retail records (hashed contact data, URLs without queries). The raw variant copies personal
  // data, and person deletions are not forwarded to the container: the README recommends
  // consent_categories at install, or a pipeline of its own.
  consent: [],
  // Signal's pace, not Azure's limit: a storage account takes up to 20,000 requests a second,
  // and each request here carries a whole blob.
  rateLimit: { rps: 10, burst: 20 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, _event, ctx) => (ctx.variant === ARCHIVE_RAW_VARIANT
    ? payload
    : archiveRecord(payload, { defaultCountryCode: trimmedText(ctx.config.default_country_code) })),
  send: blobRequests,
  sign: signBlobRequest,
  classify: (response, request, ctx) => classifyPutBlob(response, request, ctx),
  // Put Blob's documented answer: 201 Created, an empty body, the blob's ETag in the headers.
  successAnswer: {
    status: 201,
    headers: { etag: '"0x8DC4C1A2B3C4D5E"', 'last-modified': 'Sun, 24 Mar 2024 16:05:09 GMT', 'content-md5': 'sQqNsWTgdUEFt6mb5y4/5Q==', 'x-ms-request-id': '5f2a6c1e-801e-0047-1a2b-9b1c3d000000', 'x-ms-version': '2025-01-05', 'x-ms-request-server-encrypted': 'true', 'content-length': '0' },
    body: '',
  },
});
