// The requests of a delivery batch: one object per hour partition and size limit, each written
// with the JSON API's simple upload (objects.insert, `uploadType=media`): the object's bytes as
// the body, its name in the `name` query parameter, the service account's access token.
import { archiveBody, archiveCompressionOf, archiveObjectKey, archiveObjectsOf, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { bucketOf, prefixOf } from './config.ts';

/** Cloud Storage's upload origin: objects.insert is sent under /upload, unlike the JSON API's other methods. */
export const UPLOAD_ORIGIN = 'https://storage.googleapis.com';

/**
 * The simple upload URL of an object: the bucket in the path, `uploadType=media` and the object's
 * name in the query, percent-encoded whole (its slashes too: `signal%2Fdt%3D2024-03-24%2F…`).
 * No `ifGenerationMatch`: a retry of the same request must replace the object it may already have
 * written (`ifGenerationMatch=0` would refuse it with 412), so the archive holds one copy.
 *
 * @example
 * uploadUrl('acme-events', 'signal/dt=2024-03-24/hour=16/a.ndjson.gz');
 * // 'https://storage.googleapis.com/upload/storage/v1/b/acme-events/o?uploadType=media&name=signal%2Fdt%3D2024-03-24%2Fhour%3D16%2Fa.ndjson.gz'
 */
export function uploadUrl(bucket: string, name: string): string {
  return `${UPLOAD_ORIGIN}/upload/storage/v1/b/${encodeURIComponent(bucket)}/o?uploadType=media&name=${encodeURIComponent(name)}`;
}

/**
 * The object's name of an upload request (its `name` query parameter), or undefined.
 *
 * @example
 * objectNameOf({ url: uploadUrl('b', 'signal/a.ndjson') }); // 'signal/a.ndjson'
 */
export function objectNameOf(request: Pick<RequestDescriptor, 'url'>): string | undefined {
  try {
    return new URL(request.url).searchParams.get('name') ?? undefined;
  } catch {
    return undefined;
  }
}

/**
 * One upload: the object's bytes (NDJSON, gzipped by default: `Content-Type: application/gzip`,
 * no `Content-Encoding`, so the object is stored and downloaded as the .ndjson.gz file it is
 * named), under the name fixed by its events (the SDK's archiveObjectKey).
 */
function upload(events: MappedEvent[], partition: string, ctx: PluginContext): RequestDescriptor {
  const { body, contentType, extension } = archiveBody(events, archiveCompressionOf(ctx.config));
  const name = archiveObjectKey(prefixOf(ctx.config), partition, ctx.integrationId, events.map((e) => e.event), extension);
  return {
    method: 'POST',
    url: uploadUrl(bucketOf(ctx.config), name),
    headers: { authorization: `Bearer ${ctx.accessToken ?? ''}`, 'content-type': contentType },
    body,
    eventIds: events.map((e) => e.id),
  };
}

/**
 * A batch as upload requests: grouped by hour partition (`partition_by`), each group cut to
 * `max_events_per_object` and `max_object_bytes` of NDJSON.
 *
 * @example
 * uploadRequests(batch, ctx);
 * // [{ method: 'POST', url: 'https://storage.googleapis.com/upload/storage/v1/b/acme-events/o?uploadType=media&name=signal%2Fdt%3D…ndjson.gz', headers: { authorization: 'Bearer ya29…', 'content-type': 'application/gzip' }, body: <gzip>, eventIds }]
 */
export function uploadRequests(batch: MappedEvent[], ctx: PluginContext): RequestDescriptor[] {
  return archiveObjectsOf(batch, ctx.config).map(({ partition, events }) => upload(events, partition, ctx));
}
