// A JSON body gzipped into bytes, for vendors that take (or recommend) `Content-Encoding: gzip`
// on a JSON request (Datadog's Logs intake, New Relic's Event API). The body is a plain
// Uint8Array (not a Node Buffer) as a RequestDescriptor's bytes are; `gzipSync` writes a bare
// header (no file name, modification time 0), so the same value always gives the same bytes and
// a retried request sends exactly what the first try sent.
import { gzipSync } from 'node:zlib';

/**
 * The value's JSON text (UTF-8), gzipped.
 *
 * @example
 * const body = gzipJson([{ message: 'track Signed Up' }]);
 * gunzipSync(body).toString('utf8'); // '[{"message":"track Signed Up"}]'
 */
export function gzipJson(value: unknown): Uint8Array {
  return new Uint8Array(gzipSync(Buffer.from(JSON.stringify(value), 'utf8')));
}
