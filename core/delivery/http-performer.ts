import { isIP } from 'node:net';
import { Agent, request } from 'undici';
import { MAX_REQUEST_TIMEOUT_MS, type RequestDescriptor, type VendorResponse } from '../sdk/types.ts';
import type { PerformResult } from './deliver-batch.ts';
import { allowListMatcher, guardedLookup, isPrivateAddress } from './egress-guard.ts';

/**
 * How much of an answer is read: 1 MiB. A vendor's per-record answer to a large batch is long
 * (Firehose's 500 RecordIds, a bulk API's failure list for 1,000 records: 100–300 KB), and an
 * answer cut short is no JSON, so every record of it would be sent again. The delivery log
 * keeps 4 KB of it.
 */
export const MAX_RESPONSE_BODY_BYTES = 1024 * 1024;
const MAX_BODY = MAX_RESPONSE_BODY_BYTES;

/**
 * The first MiB of an answer's body, decoded once at the end (a character split between two
 * chunks stays whole). Reading stops there: the rest is never read (the connection is dropped),
 * so a vendor streaming a long report cannot hold a worker. The status line has come by now,
 * so a body cut short by the deadline or a reset still leaves the answer standing: calling an
 * accepted request a timeout would send its events again, on every try.
 */
async function readBodyStart(body: AsyncIterable<unknown>): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of body) {
      const part = chunk as Buffer;
      parts.push(part.subarray(0, MAX_BODY - size));
      size += part.length;
      if (size >= MAX_BODY) break; // leaving the loop destroys the stream
    }
  } catch {
    // cut short: classified on the status and what arrived
  }
  return Buffer.concat(parts).toString('utf8');
}

/**
 * Whether a URL's path, as written, has a `.` or `..` segment (`%2e` counts as a dot): URL
 * parsers drop such segments, so an id like `..` put in a path (`/users/../profile`) would send
 * the request to another endpoint — a deletion to the parent resource.
 *
 * @example
 * hasDotSegment('https://api.example.com/v2/users/../profile'); // true
 * hasDotSegment('https://api.example.com/v2/users/a..b/profile'); // false
 */
export function hasDotSegment(rawUrl: string): boolean {
  const path = (rawUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i, '').split(/[?#]/)[0]) ?? '';
  return path.split('/').some((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
}

/** The full URL of a descriptor: `url` plus its ordered query pairs. */
export function buildUrl(descriptor: Pick<RequestDescriptor, 'url' | 'query'>): URL {
  const url = new URL(descriptor.url);
  for (const [key, value] of descriptor.query ?? []) url.searchParams.append(key, value);
  return url;
}

/**
 * Applies `SIGNAL_VENDOR_REDIRECTS`: a vendor origin is sent to another base URL, keeping path
 * and query (a base with a path prefixes it). Returns null when no redirect applies.
 */
export function redirectUrl(url: URL, redirects: ReadonlyMap<string, string>): URL | null {
  const base = redirects.get(url.origin);
  if (base === undefined) return null;
  const target = new URL(base);
  const prefix = target.pathname.replace(/\/$/, '');
  target.pathname = `${prefix}${url.pathname}`;
  target.search = url.search;
  return target;
}

/** A literal IP host (brackets allowed) that is private and not allow-listed. */
function literalAddressRefused(hostname: string, allowList: readonly string[]): boolean {
  const address = hostname.replace(/^\[|\]$/g, '');
  return isIP(address) !== 0 && isPrivateAddress(address) && !allowListMatcher(allowList)(address);
}

/**
 * The request's own timeout (`RequestDescriptor.timeoutMs`, clamped to 1 s – 120 s), else the
 * core's.
 *
 * @example
 * requestTimeoutMs({ method: 'POST', url: 'https://x.test/', eventIds: [], timeoutMs: 60_000 }, 10_000); // 60000
 */
export function requestTimeoutMs(descriptor: RequestDescriptor, coreTimeoutMs: number): number {
  const own = descriptor.timeoutMs;
  if (typeof own !== 'number' || !Number.isFinite(own)) return coreTimeoutMs;
  return Math.round(Math.min(Math.max(own, 1_000), MAX_REQUEST_TIMEOUT_MS));
}

export interface PerformerOptions {
  timeoutMs: number;
  redirects?: ReadonlyMap<string, string>;
  /** Connections per vendor origin. */
  connections?: number;
}

export interface HttpPerformer {
  perform(descriptor: RequestDescriptor): Promise<PerformResult & { url: string }>;
  close(): Promise<void>;
}

/**
 * Performs vendor requests for the core: keep-alive connection pools (undici), a timeout per
 * request, vendor redirects, at most 1 MiB of response body read, and an egress guard that
 * refuses loopback, private and link-local destinations unless allow-listed: a literal address
 * is checked before the request (undici does no lookup for one), a name at connect time after
 * it resolves (so DNS rebinding cannot slip in). Redirect targets are the operator's choice and
 * are not guarded.
 *
 * @example
 * const http = createHttpPerformer({ timeoutMs: 10_000 });
 * const { response } = await http.perform({ method: 'POST', url: 'https://api2.amplitude.com/2/httpapi', body: {}, eventIds: [] });
 */
export function createHttpPerformer(options: PerformerOptions): HttpPerformer {
  const agentOptions = { connections: options.connections ?? 32, keepAliveTimeout: 30_000, keepAliveMaxTimeout: 120_000, pipelining: 1 };
  const open = new Agent({ ...agentOptions, connect: { timeout: options.timeoutMs } });
  const guarded = new Map<string, Agent>();
  function guardedAgent(allowList: readonly string[]): Agent {
    const key = [...allowList].sort().join(',');
    let agent = guarded.get(key);
    if (!agent) {
      agent = new Agent({ ...agentOptions, connect: { timeout: options.timeoutMs, lookup: guardedLookup(allowList) } });
      guarded.set(key, agent);
    }
    return agent;
  }

  return {
    async perform(descriptor) {
      let original: URL;
      try {
        original = buildUrl(descriptor);
      } catch {
        // Not the error's text: URL errors carry the input, which may hold a person's id.
        return { error: { kind: 'invalid', message: 'the request\'s URL is not a valid absolute URL' }, durationMs: 0, url: '' };
      }
      if (hasDotSegment(descriptor.url)) {
        // Not the URL itself: the segment came from an id, which may be a person's.
        return { error: { kind: 'invalid', message: 'the request\'s URL has a "." or ".." path segment (an id such as ".." put in the path), which URL parsers drop, so it would reach another endpoint; the plugin must refuse such an id' }, durationMs: 0, url: '' };
      }
      const redirected = options.redirects ? redirectUrl(original, options.redirects) : null;
      const url = redirected ?? original;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(descriptor.headers ?? {})) headers[name.toLowerCase()] = value;
      let body: string | Uint8Array | undefined;
      if (descriptor.body !== undefined && descriptor.method !== 'GET') {
        if (typeof descriptor.body === 'string' || descriptor.body instanceof Uint8Array) body = descriptor.body;
        else {
          body = JSON.stringify(descriptor.body);
          headers['content-type'] ??= 'application/json';
        }
      }
      const started = performance.now();
      const allowList = descriptor.allowPrivateTargets ?? [];
      if (!redirected && literalAddressRefused(url.hostname, allowList)) {
        return {
          error: { kind: 'refused', message: `refused to connect to ${url.hostname}: loopback, private and link-local targets must be allow-listed` },
          durationMs: 0,
          url: url.href,
        };
      }
      // One deadline for the whole exchange (a vendor dripping its body must not hold a worker;
      // what of the body came by then is kept, see readBodyStart).
      // A cleared timer, not AbortSignal.timeout: that keeps a timer and a WeakRef alive for the
      // full timeout after every request, which at thousands of requests/s is real memory.
      const timeoutMs = requestTimeoutMs(descriptor, options.timeoutMs);
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), timeoutMs);
      try {
        const response = await request(url, {
          method: descriptor.method,
          headers,
          ...(body === undefined ? {} : { body }),
          dispatcher: redirected ? open : guardedAgent(allowList),
          headersTimeout: timeoutMs,
          bodyTimeout: timeoutMs,
          signal: deadline.signal,
        });
        const text = await readBodyStart(response.body);
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(response.headers)) {
          if (value !== undefined) responseHeaders[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
        }
        const vendor: VendorResponse = { status: response.statusCode, headers: responseHeaders, body: text };
        if ((responseHeaders['content-type'] ?? '').includes('json') || /^\s*[[{]/.test(text)) {
          try {
            vendor.json = JSON.parse(text);
          } catch {
            // not JSON after all: the classifier reads the text
          }
        }
        return { response: vendor, durationMs: performance.now() - started, url: url.href };
      } catch (error) {
        const e = error as Error & { code?: string; cause?: { code?: string; message?: string } };
        const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT';
        const refused = e.code === 'EGRESS_REFUSED' || e.cause?.code === 'EGRESS_REFUSED';
        // undici refuses to build the request (a header value with a line break, typically a
        // token pasted with its newline) before any byte is sent: resending cannot help.
        const invalid = e.code === 'UND_ERR_INVALID_ARG';
        return {
          error: {
            kind: timedOut ? 'timeout' : refused ? 'refused' : invalid ? 'invalid' : 'network',
            message: timedOut ? `no answer within ${timeoutMs} ms` : (e.cause?.message ?? e.message),
          },
          durationMs: performance.now() - started,
          url: url.href,
        };
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await Promise.all([open.close(), ...[...guarded.values()].map((agent) => agent.close())]);
    },
  };
}
