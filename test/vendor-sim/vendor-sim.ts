import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** One request as the simulator received it. */
export interface RecordedRequest {
  method: string;
  path: string;
  /** Query pairs in the order sent. */
  queryPairs: Array<[string, string]>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: string;
  /** The body's bytes (after gzip Content-Encoding is undone): a binary body read as sent. */
  bytes: Buffer;
  json?: unknown;
  receivedAt: number;
}

/** A scripted answer: a status with optional body, headers and delay; or a hang; or a reset. */
export type ScriptedResponse =
  | { status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { hang: true }
  | { destroy: true };

/** Ready-made answers. */
export const reply = {
  ok: (body: unknown = { code: 200 }): ScriptedResponse => ({ status: 200, body }),
  badRequest: (body: unknown): ScriptedResponse => ({ status: 400, body }),
  unauthorized: (body: unknown = { error: 'invalid token' }): ScriptedResponse => ({ status: 401, body }),
  tooLarge: (body: unknown = { error: 'payload too large' }): ScriptedResponse => ({ status: 413, body }),
  tooMany: (retryAfterSeconds: number, body: unknown = { error: 'too many requests' }): ScriptedResponse => ({ status: 429, body, headers: { 'retry-after': String(retryAfterSeconds) } }),
  serverError: (body: unknown = { error: 'internal' }): ScriptedResponse => ({ status: 500, body }),
  hang: (): ScriptedResponse => ({ hang: true }),
  reset: (): ScriptedResponse => ({ destroy: true }),
};

export interface VendorSim {
  url: string;
  port: number;
  /** Queues answers for `METHOD /path` (consumed in order, then the default applies). */
  script(method: string, path: string, responses: ScriptedResponse[]): void;
  /** The answer once a route's script is used up (200 `{"code":200}` unless set); path `*`: every path of the method without its own (an object store's keys). */
  setDefault(method: string, path: string, response: ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse)): void;
  requests(filter?: { method?: string; path?: string }): RecordedRequest[];
  count(filter?: { method?: string; path?: string }): number;
  /** Resolves once enough requests (or one matching) arrived; rejects after `timeoutMs` saying what came. */
  waitFor(condition: number | ((requests: RecordedRequest[]) => boolean), timeoutMs?: number, filter?: { method?: string; path?: string }): Promise<RecordedRequest[]>;
  reset(): void;
  close(): Promise<void>;
}

function matches(request: RecordedRequest, filter?: { method?: string; path?: string }): boolean {
  return (!filter?.method || request.method === filter.method) && (!filter?.path || request.path === filter.path);
}

/**
 * A real HTTP server standing in for vendor APIs in tests and benchmarks: records every request
 * and answers scripted responses per route, including 4xx with bodies, 429 with Retry-After,
 * 5xx, hangs and socket resets.
 *
 * @example
 * const sim = await startVendorSim();
 * sim.script('POST', '/2/httpapi', [reply.serverError(), reply.ok()]);
 * // point Signal at it: SIGNAL_VENDOR_REDIRECTS=https://api2.amplitude.com=${sim.url}
 * await sim.waitFor(2);
 */
export async function startVendorSim(options: {
  port?: number;
  record?: 'full' | 'count';
  /** Called with each request and the answer chosen for it (before any delay), e.g. to print them. */
  onAnswer?: (request: RecordedRequest, answer: ScriptedResponse) => void;
} = {}): Promise<VendorSim> {
  const recorded: RecordedRequest[] = [];
  let counted = 0;
  const scripts = new Map<string, ScriptedResponse[]>();
  const defaults = new Map<string, ScriptedResponse | ((request: RecordedRequest) => ScriptedResponse)>();
  const sockets = new Set<Socket>();
  const waiters = new Set<() => void>();

  function answer(request: RecordedRequest, res: ServerResponse, socket: Socket): void {
    const key = `${request.method} ${request.path}`;
    const queued = scripts.get(key);
    const fallback = defaults.get(key) ?? defaults.get(`${request.method} *`);
    const scripted: ScriptedResponse = queued?.shift() ?? (typeof fallback === 'function' ? fallback(request) : fallback) ?? { status: 200, body: { code: 200 } };
    options.onAnswer?.(request, scripted);
    if ('hang' in scripted) return;
    if ('destroy' in scripted) {
      socket.destroy();
      return;
    }
    const send = () => {
      const body = scripted.body === undefined ? '' : typeof scripted.body === 'string' ? scripted.body : JSON.stringify(scripted.body);
      res.writeHead(scripted.status, { 'content-type': typeof scripted.body === 'string' ? 'text/plain' : 'application/json', ...scripted.headers });
      res.end(body);
    };
    if (scripted.delayMs) setTimeout(send, scripted.delayMs);
    else send();
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let raw = Buffer.concat(chunks);
      if (req.headers['content-encoding'] === 'gzip') raw = gunzipSync(raw);
      const url = new URL(req.url ?? '/', 'http://sim');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        queryPairs: [...url.searchParams.entries()],
        query: Object.fromEntries(url.searchParams.entries()),
        headers,
        body: raw.toString('utf8'),
        bytes: raw,
        receivedAt: Date.now(),
      };
      if (/json/.test(headers['content-type'] ?? '') || /^\s*[[{]/.test(request.body)) {
        try {
          request.json = JSON.parse(request.body);
        } catch {
          // kept as text
        }
      }
      counted++;
      if (options.record !== 'count') recorded.push(request);
      for (const wake of waiters) wake();
      answer(request, res, req.socket);
    });
  });
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A busy port rejects (with the error's code, EADDRINUSE) rather than throwing out of an event.
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const sim: VendorSim = {
    url: `http://127.0.0.1:${port}`,
    port,
    script(method, path, responses) {
      const key = `${method.toUpperCase()} ${path}`;
      scripts.set(key, [...(scripts.get(key) ?? []), ...responses]);
    },
    setDefault(method, path, response) {
      defaults.set(`${method.toUpperCase()} ${path}`, response);
    },
    requests: (filter) => recorded.filter((r) => matches(r, filter)),
    count: (filter) => (filter ? recorded.filter((r) => matches(r, filter)).length : Math.max(counted, recorded.length)),
    waitFor(condition, timeoutMs = 15_000, filter) {
      const done = () => {
        const list = recorded.filter((r) => matches(r, filter));
        return typeof condition === 'number' ? (options.record === 'count' && !filter ? counted >= condition : list.length >= condition) : condition(list);
      };
      return new Promise((resolve, reject) => {
        if (done()) return resolve(recorded.filter((r) => matches(r, filter)));
        const wake = () => {
          if (!done()) return;
          clearTimeout(timer);
          waiters.delete(wake);
          resolve(recorded.filter((r) => matches(r, filter)));
        };
        const timer = setTimeout(() => {
          waiters.delete(wake);
          const seen = recorded.filter((r) => matches(r, filter));
          reject(new Error(`vendor sim: waited ${timeoutMs} ms; got ${seen.length} matching request(s): ${seen.slice(-5).map((r) => `${r.method} ${r.path}`).join(', ') || 'none'}`));
        }, timeoutMs);
        waiters.add(wake);
      });
    },
    reset() {
      recorded.length = 0;
      counted = 0;
      scripts.clear();
      defaults.clear();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  return sim;
}
