// The credential of each request, added by the `sign` hook when it is sent (after any rate-limit
// wait, anew for each retry): `x-ms-date`, then either the SAS token as the URL's query, or
// Shared Key as Azure's "Authorize with Shared Key" documents it for the Blob service (versions
// 2009-09-19 and later):
//   Authorization: SharedKey <account>:<base64 HMAC-SHA256(base64-decoded key, UTF-8 StringToSign)>
//   StringToSign = VERB \n Content-Encoding \n Content-Language \n Content-Length (empty when 0,
//     versions 2015-02-21 on) \n Content-MD5 \n Content-Type \n Date \n If-Modified-Since \n
//     If-Match \n If-None-Match \n If-Unmodified-Since \n Range \n CanonicalizedHeaders
//     CanonicalizedResource
//   CanonicalizedHeaders: every x-ms- header, name lower-cased, sorted, `name:value\n`, runs of
//     white space in the value folded to one space (none inside quotes here), no space around ':'
//   CanonicalizedResource: `/<account><encoded URI path>`, then `\n<name>:<value>` per query
//     parameter, names lower-cased and sorted, values comma-joined (none in a Put Blob here).
// Azure refuses a request whose x-ms-date is more than 15 minutes from its clock: hence signing
// at send time, with ctx.now.
import { createHmac } from 'node:crypto';
import type { JsonValue, PluginContext, RequestDescriptor } from '../../core/sdk/index.ts';
import { accountOf, credentialOf } from './config.ts';

/** The standard headers StringToSign holds, in its order (Date is empty: x-ms-date is signed instead). */
const STANDARD_HEADERS = ['content-encoding', 'content-language', 'content-length', 'content-md5', 'content-type', 'date', 'if-modified-since', 'if-match', 'if-none-match', 'if-unmodified-since', 'range'] as const;

/** A request's header by name in any case, or ''. */
function header(headers: Record<string, string>, name: string): string {
  const found = Object.keys(headers).find((key) => key.toLowerCase() === name);
  return found === undefined ? '' : headers[found]!;
}

/**
 * The body's length in bytes as it is sent (text as UTF-8).
 *
 * @example
 * bodyLength('é\n'); // 3
 */
export function bodyLength(body: RequestDescriptor['body']): number {
  if (body === undefined || body === null) return 0;
  if (body instanceof Uint8Array) return body.byteLength;
  return Buffer.byteLength(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
}

/**
 * The CanonicalizedHeaders string: the `x-ms-` headers, lower-cased, sorted by name, each
 * `name:value\n` with its value trimmed and runs of white space folded to one space.
 *
 * @example
 * canonicalizedHeaders({ 'x-ms-version': '2025-01-05', 'X-MS-Date': 'Sun, 24 Mar 2024 16:05:09 GMT', 'content-type': 'application/gzip' });
 * // 'x-ms-date:Sun, 24 Mar 2024 16:05:09 GMT\nx-ms-version:2025-01-05\n'
 */
export function canonicalizedHeaders(headers: Record<string, string>): string {
  return Object.entries(headers)
    .map(([name, value]) => [name.toLowerCase(), value.replace(/\s+/g, ' ').trim()] as const)
    .filter(([name]) => name.startsWith('x-ms-'))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}:${value}\n`)
    .join('');
}

/**
 * The CanonicalizedResource string: `/<account><path as sent>`, then each query parameter
 * `\n<name>:<value>` (names lower-cased and sorted, values decoded and comma-joined in order).
 *
 * @example
 * canonicalizedResource('acmeevents', 'https://acmeevents.blob.core.windows.net/signal-events/signal/dt%3D2024-03-24/a.ndjson');
 * // '/acmeevents/signal-events/signal/dt%3D2024-03-24/a.ndjson'
 */
export function canonicalizedResource(account: string, url: string): string {
  const parsed = new URL(url);
  const params = new Map<string, string[]>();
  for (const [name, value] of parsed.searchParams) {
    const key = name.toLowerCase();
    params.set(key, [...(params.get(key) ?? []), value]);
  }
  const query = [...params.keys()].sort().map((name) => `\n${name}:${params.get(name)!.sort().join(',')}`).join('');
  return `/${account}${parsed.pathname}${query}`;
}

/**
 * The StringToSign of a request for Shared Key (Blob service, version 2009-09-19 and later).
 *
 * @example
 * stringToSign({ method: 'PUT', url: 'https://acmeevents.blob.core.windows.net/c/a.ndjson', headers: { 'content-type': 'application/x-ndjson', 'x-ms-date': '…', 'x-ms-version': '2025-01-05', 'x-ms-blob-type': 'BlockBlob' }, body: 'x\n', eventIds: [] }, 'acmeevents');
 * // 'PUT\n\n\n2\n\napplication/x-ndjson\n\n\n\n\n\n\nx-ms-blob-type:BlockBlob\nx-ms-date:…\nx-ms-version:2025-01-05\n/acmeevents/c/a.ndjson'
 */
export function stringToSign(request: RequestDescriptor, account: string): string {
  const headers = request.headers ?? {};
  const length = bodyLength(request.body);
  const standard = STANDARD_HEADERS.map((name) => {
    if (name === 'content-length') return length === 0 ? '' : String(length);
    return header(headers, name);
  });
  return `${request.method}\n${standard.join('\n')}\n${canonicalizedHeaders(headers)}${canonicalizedResource(account, request.url)}`;
}

/**
 * The Shared Key signature: base64 of the HMAC-SHA256 of the StringToSign (UTF-8), keyed with
 * the account key's decoded bytes.
 *
 * @example
 * sharedKeySignature('PUT\n…', 'bXkta2V5'); // 'base64…='
 */
export function sharedKeySignature(toSign: string, accountKey: string): string {
  return createHmac('sha256', Buffer.from(accountKey, 'base64')).update(toSign, 'utf8').digest('base64');
}

/**
 * The date as `x-ms-date` carries it (RFC 1123, GMT).
 *
 * @example
 * msDate(Date.parse('2024-03-24T16:05:09Z')); // 'Sun, 24 Mar 2024 16:05:09 GMT'
 */
export const msDate = (now: number): string => new Date(now).toUTCString();

/**
 * The `sign` hook: `x-ms-date` at the sending time, then the SAS token appended as the query, or
 * the `Authorization: SharedKey <account>:<signature>` header over the request as it goes.
 *
 * @example
 * signBlobRequest(request, { config: { account: 'acmeevents', container: 'c', account_key: '…' }, now });
 * // { …request, headers: { …, 'x-ms-date': 'Sun, 24 Mar 2024 16:05:09 GMT', authorization: 'SharedKey acmeevents:…' } }
 */
export function signBlobRequest(request: RequestDescriptor, ctx: { config: Record<string, JsonValue>; now: PluginContext['now'] }): RequestDescriptor {
  const dated: RequestDescriptor = { ...request, headers: { ...request.headers, 'x-ms-date': msDate(ctx.now) } };
  const credential = credentialOf(ctx.config);
  if (credential.kind === 'sas') return { ...dated, url: `${dated.url}${dated.url.includes('?') ? '&' : '?'}${credential.token}` };
  const account = accountOf(ctx.config);
  const signature = sharedKeySignature(stringToSign(dated, account), credential.key);
  return { ...dated, headers: { ...dated.headers, authorization: `SharedKey ${account}:${signature}` } };
}
