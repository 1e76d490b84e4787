// The requests of a delivery batch: one block blob per hour partition and size limit, each
// written whole with Put Blob (`PUT <service>/<container>/<blob name>`, `x-ms-blob-type:
// BlockBlob`), its bytes the gzipped NDJSON the SDK's archive helpers make, its name fixed by its
// events. Unsigned here: `sign` adds `x-ms-date` and the credential when the request goes.
import { allowedPrivateTargets, archiveBody, archiveCompressionOf, archiveObjectKey, archiveObjectsOf, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor, trimmedText } from '../../core/sdk/index.ts';
import { containerOf, prefixOf, serviceUrl } from './config.ts';

/**
 * The Blob service version the requests name (`x-ms-version`): an established one, not the
 * newest. Put Blob needs nothing later than 2019-12-12 (5,000 MiB in one request), and Azure
 * refuses a version not yet deployed where the account lives (sovereign clouds follow the public
 * one) as Azurite refuses one newer than its release: `2025-01-05` is long deployed and known to
 * current Azurite releases.
 */
export const BLOB_SERVICE_VERSION = '2025-01-05';

/**
 * A blob's URL: the service URL, the container, then the name with each `/`-separated segment
 * percent-encoded (`dt=2024-03-24` → `dt%3D2024-03-24`), slashes kept as the virtual directories
 * Azure shows. The URL parser leaves percent escapes as they are, so the path sent is the path
 * Shared Key signs.
 *
 * @example
 * blobUrl('https://acmeevents.blob.core.windows.net', 'signal-events', 'signal/dt=2024-03-24/hour=16/a.ndjson.gz');
 * // 'https://acmeevents.blob.core.windows.net/signal-events/signal/dt%3D2024-03-24/hour%3D16/a.ndjson.gz'
 */
export function blobUrl(service: string, container: string, name: string): string {
  return `${service}/${encodeURIComponent(container)}/${name.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * The blob's name of a Put Blob request (the path after the container, decoded), or undefined.
 *
 * @example
 * blobNameOf({ url: 'https://acmeevents.blob.core.windows.net/signal-events/signal/dt%3D2024-03-24/a.ndjson' }, { account: 'acmeevents', container: 'signal-events' });
 * // 'signal/dt=2024-03-24/a.ndjson'
 */
export function blobNameOf(request: Pick<RequestDescriptor, 'url'>, config: Record<string, JsonValue>): string | undefined {
  const base = `${serviceUrl(config)}/${encodeURIComponent(containerOf(config))}/`;
  const url = request.url.split('?')[0] ?? '';
  if (!url.startsWith(base)) return undefined;
  try {
    return decodeURIComponent(url.slice(base.length));
  } catch {
    return undefined;
  }
}

/**
 * One Put Blob: the blob's bytes (NDJSON, gzipped by default: `Content-Type: application/gzip`,
 * no `Content-Encoding`, so the blob is stored and downloaded as the .ndjson.gz file it is
 * named, as the S3 and Cloud Storage plugins write theirs), under the name fixed by its events.
 */
function putBlob(events: MappedEvent[], partition: string, ctx: PluginContext): RequestDescriptor {
  const { config } = ctx;
  const { body, contentType, extension } = archiveBody(events, archiveCompressionOf(config));
  const name = archiveObjectKey(prefixOf(config), partition, ctx.integrationId, events.map((e) => e.event), extension);
  const allow = trimmedText(config.endpoint) === undefined ? [] : allowedPrivateTargets(config);
  return {
    method: 'PUT',
    url: blobUrl(serviceUrl(config), containerOf(config), name),
    headers: { 'content-type': contentType, 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': BLOB_SERVICE_VERSION },
    body,
    eventIds: events.map((e) => e.id),
    ...(allow.length > 0 ? { allowPrivateTargets: allow } : {}),
  };
}

/**
 * A batch as Put Blob requests: grouped by hour partition (`partition_by`), each group cut to
 * `max_events_per_object` and `max_object_bytes` of NDJSON (the SDK's archiveObjectsOf).
 *
 * @example
 * blobRequests(batch, ctx);
 * // [{ method: 'PUT', url: 'https://acmeevents.blob.core.windows.net/signal-events/signal/dt%3D2024-03-24/hour%3D16/<integration>-<first messageId>-2-<digest>.ndjson.gz',
 * //    headers: { 'content-type': 'application/gzip', 'x-ms-blob-type': 'BlockBlob', 'x-ms-version': '2025-01-05' }, body: <gzip>, eventIds }]
 */
export function blobRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return archiveObjectsOf(batch, ctx.config).map(({ partition, events }) => putBlob(events, partition, ctx));
}
