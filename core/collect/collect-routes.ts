import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Ajv, ValidateFunction } from 'ajv';
import { SignalError, type ErrorField } from '../errors.ts';
import type { PipelineService, ResolvedKey } from '../services/pipelines.ts';
import {
  batchSchema,
  singleEventSchema,
  type EventType,
  type IncomingBatch,
  type IncomingEvent,
} from './canonical-event.ts';
import { cookieDomainFor } from './cookie-domain.ts';
import { parseCookies, serializeCookie } from './cookies.ts';
import type { ClickIdKeeper } from './click-id-cookies.ts';
import { isRefusedData } from '../db/refused-data.ts';
import { CommitTimeoutError, type AcceptedEvent, type GroupCommitter } from './group-commit.ts';
import { hasUnstorableCharacters, storableCopy } from '../db/storable-strings.ts';
import { normalizeEvent, type RequestFacts } from './normalize-event.ts';
import { clientIp } from './client-ip.ts';
import { hasGpcHeader } from './gpc-header.ts';
import { unreadableTimes } from './event-time.ts';
import type { RateLimitHook } from './rate-limits.ts';
import { createCollectAjv } from './collect-ajv.ts';
import { PIXEL_TYPES, pixelBody, type PixelForm } from './pixel-query.ts';
import { formatValidationErrors, summarise } from './validation-errors.ts';
import { errorAnswer, errorResponseSchema, sendError } from './error-handler.ts';

export const VISITOR_COOKIE = '_dfdid';
/** Browsers cap cookie lifetime at 400 days. */
const VISITOR_COOKIE_MAX_AGE = 400 * 24 * 3600;
export const VISITOR_ID = /^[A-Za-z0-9._:-]{8,100}$/;
export const MAX_EVENT_BYTES = 32 * 1024;
/** What the collect routes parse (documented in OpenAPI): JSON, and sendBeacon's text/plain JSON. */
const COLLECT_CONTENT_TYPES = ['application/json', 'text/plain'];
export const MAX_BODY_BYTES = 500 * 1024;
/**
 * Most bytes a batch's shared `context` and `integrations` may add to its events, counted once
 * per event: each event stores its own copy. A 115 KB batch of 2,500 events under a 13 KB
 * context stored 33 MB and held the process for most of a second; twelve at once took 1.1 GB.
 */
export const MAX_BATCH_SHARED_BYTES = 5 * 1024 * 1024;
/** `context.userAgent`'s cap in the event schema; the header-filled value keeps to it too. */
export const MAX_USER_AGENT_LENGTH = 1024;

/**
 * The request headers OpenAPI documents: Global Privacy Control's. Any value is accepted (only
 * `1` means an opt-out, as the GPC specification defines it); it is never a reason to refuse.
 */
export const collectHeadersSchema = {
  type: 'object',
  properties: {
    'sec-gpc': { type: 'string', description: 'Global Privacy Control, sent by the browser (`1`: the visitor opted out of the sale and sharing of their data). Each event the request carries gets `context.consent.gpc: true` unless it has its own `gpc`; the deployment\'s `SIGNAL_GPC` rule says what follows.' },
  },
} as const;

export interface CollectDeps {
  pipelines: PipelineService;
  committer: GroupCommitter;
  /** Vendor cookie names declared by the loaded plugins (e.g. Flashtalking's FTrack). */
  cookieNames: () => readonly string[];
  /** `SIGNAL_COOKIE_DOMAIN`: the site domains Signal's cookies are set for (empty: host-only). */
  cookieDomains?: readonly string[];
  /** Ad click ids of landing page URLs kept in first-party cookies (the plugins' `clickIds`). */
  clickIds?: ClickIdKeeper;
  /** Rate-limit hooks (per IP on request, per key right after auth); absent when disabled. */
  limitByIp?: RateLimitHook;
  limitByKey?: RateLimitHook;
}

declare module 'fastify' {
  interface FastifyRequest {
    pipelineId?: string;
  }
}

function storageUnavailable(cause: unknown): SignalError {
  if (cause instanceof CommitTimeoutError) {
    // The INSERT may still commit: the client's retry, with the same messageId, is the way on.
    return new SignalError('SIGNAL_STORAGE_UNAVAILABLE', `${cause.message}; the events may still be stored. Retry later with the same messageId.`, [], { retryAfter: 5, cause });
  }
  return new SignalError('SIGNAL_STORAGE_UNAVAILABLE', 'Events could not be stored right now; nothing was accepted. Retry later.', [], { retryAfter: 5, cause });
}

/**
 * The user name of HTTP Basic credentials (the pipeline key, as Segment and RudderStack SDKs
 * send it), or undefined.
 *
 * @example
 * basicUser(`Basic ${Buffer.from('key-1:').toString('base64')}`); // 'key-1'
 */
export function basicUser(header: string | undefined): string | undefined {
  // The scheme name is case-insensitive (RFC 9110): `basic` and `BASIC` are Basic too.
  if (header === undefined || !/^basic /i.test(header)) return undefined;
  const user = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8').split(':')[0];
  return user ? user : undefined;
}

/** The pipeline key: HTTP Basic username (Segment, RudderStack SDKs) or `writeKey` in the body. */
function keyFrom(request: FastifyRequest): string | undefined {
  const user = basicUser(request.headers.authorization);
  if (user !== undefined) return user;
  const body = request.body as { writeKey?: unknown } | undefined;
  return typeof body?.writeKey === 'string' && body.writeKey !== '' ? body.writeKey : undefined;
}

/** What the request did instead of sending a key, for the 401's message ('' when nothing). */
function missingKeyHint(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const writeKey = (request.body as { writeKey?: unknown } | undefined)?.writeKey;
  if (header !== undefined && /^bearer /i.test(header)) return ' (this request sent it as a Bearer token: use Basic, with the key as the user name and no password)';
  // `Basic` with nothing after it arrives as `Basic` alone: HTTP trims a header's trailing space.
  if (header !== undefined && /^basic(\s|$)/i.test(header)) return ' (the Basic credentials carry no user name: encode "<key>:" in base64)';
  if (header) return ' (the Authorization header is neither Basic nor Bearer)';
  if (writeKey !== undefined && typeof writeKey !== 'string') return ` ("writeKey" is ${writeKey === null ? 'null' : `a ${Array.isArray(writeKey) ? 'list' : typeof writeKey}`}; it must be the key as text)`;
  return '';
}

/**
 * Browsers send `Origin` on every POST (fetch, XHR, sendBeacon); server SDKs do not. A request
 * already carrying our cookie is a browser too. (Sec-Fetch-* is no signal: Node's fetch sends it.)
 */
function isBrowser(request: FastifyRequest, cookies: Map<string, string>): boolean {
  return request.headers.origin !== undefined || cookies.has(VISITOR_COOKIE);
}

const exampleTrack = {
  userId: 'user-123',
  event: 'Order Completed',
  properties: { order_id: 'ORD-5521', total: 89.99, currency: 'GBP' },
  context: { page: { url: 'https://shop.example.com/checkout', path: '/checkout' }, consent: { analytics: true, marketing: true } },
  timestamp: '2026-03-24T16:00:00.000Z',
};

const examples: Record<EventType | 'batch', unknown> = {
  track: exampleTrack,
  page: { anonymousId: 'df_abc123def456', name: 'Pricing', properties: { title: 'Pricing', url: 'https://www.example.com/pricing' } },
  identify: { userId: 'user-123', traits: { email: 'jane@example.com', plan: 'premium' } },
  screen: { userId: 'user-123', name: 'Home' },
  group: { userId: 'user-123', groupId: 'acme' },
  alias: { userId: 'user-123', previousId: 'df_abc123def456' },
  batch: { batch: [{ type: 'track', ...exampleTrack }, { type: 'page', anonymousId: 'df_abc123def456', name: 'Home' }] },
};

const successSchema = {
  type: 'object',
  properties: { success: { type: 'boolean' } },
  required: ['success'],
} as const;

/**
 * The body schema of each event type's routes, made once: the canonical path and its alias
 * share it, and so do the Signals a process starts, so ajv (which caches by schema object)
 * compiles each once. Fifteen compiles of the event schema were a tenth of a start's CPU.
 */
const bodySchemas = new Map<EventType | 'batch', object>();
function bodySchemaOf(type: EventType | 'batch'): object {
  let schema = bodySchemas.get(type);
  if (!schema) {
    schema = type === 'batch' ? { ...batchSchema, examples: [examples.batch] } : { ...singleEventSchema(type), examples: [examples[type]] };
    bodySchemas.set(type, schema);
  }
  return schema;
}

function responses() {
  return {
    200: { description: 'Every event was committed to storage.', ...successSchema },
    400: { description: 'Invalid JSON or event (`error.fields` names each field and batch index), nesting deeper than 64 levels, a `__proto__` key, or values PostgreSQL refused (`SIGNAL_UNSTORABLE_EVENT`).', ...errorResponseSchema },
    401: { description: 'Unknown or disabled pipeline key.', ...errorResponseSchema },
    413: { description: 'The body is larger than 500 KB, or a batch\'s `context` copied into each of its events would add more than 5 MB.', ...errorResponseSchema },
    415: { description: 'Unsupported content type or encoding.', ...errorResponseSchema },
    429: { description: 'Rate limited; see `Retry-After`.', ...errorResponseSchema },
    503: { description: 'Storage unavailable; nothing was accepted. Retry after `Retry-After` seconds.', ...errorResponseSchema },
  };
}

/** One 400 for every problem found in a request's events; a batch is refused whole. */
function refused(fields: ErrorField[], batch: boolean, tooLarge: boolean): SignalError {
  const indices = [...new Set(fields.map((f) => f.index).filter((i) => i !== undefined))];
  const message = batch
    ? `The batch was refused whole: ${fields.length} problem${fields.length > 1 ? 's' : ''}${indices.length > 0 ? ` in event${indices.length > 1 ? 's' : ''} ${indices.join(', ')}` : ''}: ${fields.map((f) => `${f.field} ${f.message}`).slice(0, 5).join('; ')}`
    : fields.map((f) => `${f.field} ${f.message}`).join('; ');
  return new SignalError(tooLarge ? 'SIGNAL_EVENT_TOO_LARGE' : 'SIGNAL_INVALID_EVENT', message, fields);
}

/**
 * Refuses, before any copy is made, a batch whose shared `context` and `integrations` copied
 * into each of its events pass `MAX_BATCH_SHARED_BYTES`: a 413 naming `context`.
 */
function checkSharedSize(body: IncomingBatch): void {
  if (body.context === undefined && body.integrations === undefined) return;
  const shared = Buffer.byteLength(JSON.stringify(body.context ?? {})) + Buffer.byteLength(JSON.stringify(body.integrations ?? {}));
  const total = shared * body.batch.length;
  if (total <= MAX_BATCH_SHARED_BYTES) return;
  const message = `is ${shared} bytes (with the batch's integrations) and each of the ${body.batch.length} events stores a copy: ${total} bytes, more than the ${MAX_BATCH_SHARED_BYTES / (1024 * 1024)} MB a batch's shared context may add; send fewer events per batch or a smaller context`;
  throw new SignalError('SIGNAL_BODY_TOO_LARGE', `The batch was refused whole: context ${message}`, [{ field: 'context', message }]);
}

/**
 * The Segment-compatible collect API: `/v1/track|page|identify|batch` and their short
 * aliases. Answers 200 only after every event of the request is committed.
 *
 * @example
 * await app.register(collectRoutes, { pipelines, committer, cookieNames: () => registry.cookieNames() });
 */
export async function collectRoutes(app: FastifyInstance, deps: CollectDeps): Promise<void> {
  /** Why a resolved key may not send events, if it may not. */
  function refusal(resolved: ResolvedKey | null): SignalError | undefined {
    if (!resolved) return new SignalError('SIGNAL_UNAUTHORIZED', 'Unknown pipeline key');
    if (!resolved.enabled) return new SignalError('SIGNAL_UNAUTHORIZED', 'This pipeline is disabled');
    return undefined;
  }

  /**
   * The preValidation hook. A callback hook, not an async one: a key seen in the last seconds
   * is answered from the cache in the same turn, without the promise an async hook costs.
   */
  function authenticate(request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void {
    const key = keyFrom(request);
    if (key === undefined) {
      return done(new SignalError('SIGNAL_UNAUTHORIZED', `No pipeline key: send it as the HTTP Basic username or as "writeKey" in the body${missingKeyHint(request)}`, [
        { field: 'writeKey', message: 'is required (or HTTP Basic username)' },
      ]));
    }
    const admit = (resolved: ResolvedKey | null): void => {
      const refused = refusal(resolved);
      if (refused === undefined) request.pipelineId = resolved!.pipelineId;
      done(refused);
    };
    const cached = deps.pipelines.cachedKey(key);
    if (cached !== undefined) return admit(cached);
    deps.pipelines.resolveKey(key).then(admit, (error: unknown) => done(storageUnavailable(error)));
  }

  function requestFacts(request: FastifyRequest, reply: FastifyReply, seedId: string | undefined): RequestFacts {
    const cookieHeader = request.headers.cookie;
    const cookies = parseCookies(cookieHeader);
    const captured: Record<string, string> = {};
    for (const name of deps.cookieNames()) {
      const value = cookies.get(name);
      if (value !== undefined) captured[name] = value;
    }
    const browser = isBrowser(request, cookies);
    const facts: RequestFacts = { receivedAt: new Date(), ip: clientIp(request.ip, request.socket.remoteAddress), browser, cookies: captured };
    const userAgent = request.headers['user-agent'];
    // Cut, not refused: the header is not the client's event, and the rest of the UA is noise.
    // Node reads header bytes as Latin-1, so slicing cannot split a surrogate pair.
    if (userAgent !== undefined) facts.userAgent = userAgent.length > MAX_USER_AGENT_LENGTH ? userAgent.slice(0, MAX_USER_AGENT_LENGTH) : userAgent;
    if (hasGpcHeader(request.headers['sec-gpc'])) facts.gpc = true;
    if (browser) {
      const existing = cookies.get(VISITOR_COOKIE);
      if (existing !== undefined && VISITOR_ID.test(existing)) {
        facts.visitorId = existing;
      } else {
        // A new visitor keeps the id its SDK already uses, so the two never diverge.
        facts.visitorId = seedId !== undefined && VISITOR_ID.test(seedId) ? seedId : randomUUID();
        const domain = cookieDomainFor(request.hostname, deps.cookieDomains ?? []);
        reply.header('set-cookie', serializeCookie(VISITOR_COOKIE, facts.visitorId, {
          maxAgeSeconds: VISITOR_COOKIE_MAX_AGE,
          // A proxy's X-Forwarded-Proto may read `HTTPS`: the scheme name is case-insensitive.
          secure: request.protocol?.toLowerCase() === 'https',
          ...(domain ? { domain } : {}),
        }));
      }
    }
    return facts;
  }

  /** A browser's landing on an ad's link: the click ids its URL carries kept in cookies (undefined when there are none). */
  function keepClickIds(request: FastifyRequest, reply: FastifyReply, facts: RequestFacts, events: AcceptedEvent[]): Promise<void> | undefined {
    if (!facts.browser || !deps.clickIds) return undefined;
    const domain = cookieDomainFor(request.hostname, deps.cookieDomains ?? []);
    return deps.clickIds.keep(request.pipelineId!, events.map((accepted) => accepted.event), {
      secure: request.protocol?.toLowerCase() === 'https',
      ...(domain ? { domain } : {}),
      setCookie: (header) => void reply.header('set-cookie', header),
    });
  }

  /**
   * Checks size and identity of normalised events, serialising each once for the insert, and
   * replaces characters PostgreSQL cannot store (`storable-strings.ts`).
   */
  function checkEvents(events: AcceptedEvent[], batch: boolean): void {
    const fields = [];
    for (let i = 0; i < events.length; i++) {
      const prefix = batch ? `batch[${i}].` : '';
      let json = JSON.stringify(events[i]!.event);
      if (hasUnstorableCharacters(json)) {
        events[i]!.event = storableCopy(events[i]!.event);
        json = JSON.stringify(events[i]!.event);
      }
      events[i]!.json = json;
      // A UTF-8 byte is at most three per UTF-16 unit: short events need no byte count.
      const size = json.length * 3 <= MAX_EVENT_BYTES ? json.length : Buffer.byteLength(json);
      if (size > MAX_EVENT_BYTES) {
        // Counted as stored: what the client sent may be a little smaller, so say what is added.
        fields.push({ field: batch ? `batch[${i}]` : '(body)', message: `is ${size} bytes as stored (with what Signal adds: messageId, timestamps, context.ip and userAgent); an event may be at most ${MAX_EVENT_BYTES} bytes (32 KB)`, ...(batch ? { index: i } : {}) });
      }
      const event = events[i]!.event;
      if (event.userId === undefined && event.anonymousId === undefined) {
        fields.push({ field: `${prefix}userId`, message: 'is required when there is no anonymousId', ...(batch ? { index: i } : {}) });
      }
    }
    if (fields.length > 0) throw refused(fields, batch, fields.some((f) => f.message.includes('bytes')));
  }

  /**
   * Normalises a batch's events; an event whose date-times cannot be read fails the whole batch,
   * naming every such field with its index (`batch[i].timestamp`), as schema errors do.
   */
  function normalizeBatch(body: IncomingBatch, pipelineId: string, facts: RequestFacts): AcceptedEvent[] {
    checkSharedSize(body);
    const fields = unreadableTimes({ sentAt: body.sentAt });
    const defaults = { context: body.context, integrations: body.integrations, sentAt: body.sentAt };
    const events: AcceptedEvent[] = [];
    for (let i = 0; i < body.batch.length; i++) {
      const item = body.batch[i]!;
      try {
        events.push({ pipelineId, event: normalizeEvent(item, item.type!, facts, defaults) });
      } catch (error) {
        if (!(error instanceof SignalError) || error.code !== 'SIGNAL_INVALID_EVENT') throw error;
        for (const f of error.fields) fields.push({ field: `batch[${i}].${f.field}`, message: f.message, index: i });
      }
    }
    if (fields.length > 0) throw refused(fields, true, false);
    return events;
  }

  async function commit(events: AcceptedEvent[]): Promise<void> {
    try {
      await deps.committer.submit(events);
    } catch (error) {
      // Retrying would fail the same way: a 400 stops an SDK's retries, a 503 would not.
      if (isRefusedData(error)) throw new SignalError('SIGNAL_UNSTORABLE_EVENT', `PostgreSQL refused ${events.length > 1 ? 'an event of this batch' : 'this event'}: ${(error as Error).message}. Nothing was accepted.`, [], { cause: error });
      throw storageUnavailable(error);
    }
  }

  // Every collect route: the body limit, the rate limit per IP, authentication, then the limit
  // per key. The key's limit runs before validation so that it counts every authenticated
  // request, invalid ones too: a misbehaving SDK is slowed by its key's limit like any other.
  const common = {
    method: 'POST' as const,
    bodyLimit: MAX_BODY_BYTES,
    onRequest: deps.limitByIp ? [deps.limitByIp] : [],
    preValidation: deps.limitByKey ? [authenticate, deps.limitByKey] : [authenticate],
  };

  // Segment's analytics.js posts to the short paths, RudderStack's SDKs to the long ones.
  const singleRoutes = [
    ['track', ['/v1/track', '/v1/t']], ['page', ['/v1/page', '/v1/p']], ['identify', ['/v1/identify', '/v1/i']],
    ['screen', ['/v1/screen', '/v1/s']], ['group', ['/v1/group', '/v1/g']], ['alias', ['/v1/alias', '/v1/a']],
  ] as const;
  for (const [type, aliases] of singleRoutes) {
    for (const url of aliases) {
      const canonical = url === aliases[0];
      app.route({
        ...common,
        url,
        schema: {
          tags: ['collect'],
          summary: canonical ? `Record a ${type} event` : `Alias of ${aliases[0]}`,
          description: canonical
            ? `Segment-compatible \`${type}\` call (short alias \`${aliases[1]}\`). Authenticate with the pipeline key as the HTTP Basic username or \`writeKey\` in the body. JSON, \`text/plain\` (sendBeacon) and gzip bodies are accepted. 200 means the event is committed.`
            : `Same as \`${aliases[0]}\`.`,
          hide: !canonical,
          security: [{ basicAuth: [] }, {}],
          consumes: COLLECT_CONTENT_TYPES,
          headers: collectHeadersSchema,
          body: bodySchemaOf(type),
          response: responses(),
        },
        handler: async (request, reply) => {
          const body = request.body as IncomingEvent;
          const facts = requestFacts(request, reply, body.anonymousId ?? undefined);
          const events: AcceptedEvent[] = [{ pipelineId: request.pipelineId!, event: normalizeEvent(body, type, facts) }];
          const kept = keepClickIds(request, reply, facts, events);
          if (kept) await kept;
          checkEvents(events, false);
          await commit(events);
          return { success: true };
        },
      });
    }
  }

  registerPixelRoutes(app, deps, { authenticate, requestFacts, keepClickIds, checkEvents, commit });

  // `/v1/import` is the batch path of Segment's import tools and older mobile SDKs.
  for (const url of ['/v1/batch', '/v1/b', '/v1/import']) {
    app.route({
      ...common,
      url,
      schema: {
        tags: ['collect'],
        summary: url === '/v1/batch' ? 'Record several events at once' : 'Alias of /v1/batch',
        description: url === '/v1/batch'
          ? 'Segment-compatible batch (short alias `/v1/b`): up to 500 KB, each event at most 32 KB, each with a `type`. Batch-level `context` and `sentAt` apply to events that lack them; an event\'s own `context.consent` is merged with the batch\'s field by field (the event\'s values win; `categories`, `categoryPreferences` and `google` per key). A batch with any invalid event is refused whole, naming every failing index.'
          : 'Same as `/v1/batch`.',
        hide: url !== '/v1/batch',
        security: [{ basicAuth: [] }, {}],
        consumes: COLLECT_CONTENT_TYPES,
        headers: collectHeadersSchema,
        body: bodySchemaOf('batch'),
        response: responses(),
      },
      handler: async (request, reply) => {
        const body = request.body as IncomingBatch;
        // The first anonymousId the SDK sent seeds a new visitor cookie, wherever it sits.
        const facts = requestFacts(request, reply, body.batch.find((item) => typeof item.anonymousId === 'string' && item.anonymousId !== '')?.anonymousId ?? undefined);
        const events = normalizeBatch(body, request.pipelineId!, facts);
        const kept = keepClickIds(request, reply, facts, events);
        if (kept) await kept;
        checkEvents(events, true);
        await commit(events);
        return { success: true };
      },
    });
  }
}

/** A 1×1 transparent GIF: what a pixel route answers. */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** What the pixel routes share with the collect routes (closures of `collectRoutes`). */
interface CollectSteps {
  authenticate(request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void;
  requestFacts(request: FastifyRequest, reply: FastifyReply, seedId: string | undefined): RequestFacts;
  keepClickIds(request: FastifyRequest, reply: FastifyReply, facts: RequestFacts, events: AcceptedEvent[]): Promise<void> | undefined;
  checkEvents(events: AcceptedEvent[], batch: boolean): void;
  commit(events: AcceptedEvent[]): Promise<void>;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** How a pixel request gave its event (see pixel-query.ts). */
    pixelForm?: PixelForm;
  }
}

/** An answer no cache keeps: every email open or impression reaches Signal. */
function noStore(reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store, no-cache, must-revalidate, private').header('pragma', 'no-cache').header('expires', '0');
}

/**
 * The header form of an error for an image request: printable ASCII only (header values are
 * Latin-1 and a line break would end them), at most 500 characters.
 */
function errorHeader(code: string, message: string): string {
  const text = `${code}: ${message}`.replace(/[^\x20-\x7e]/g, '?');
  return text.length > 500 ? `${text.slice(0, 499)}…`.replace(/…$/, '...') : text;
}

/**
 * The tracking pixel routes (Segment's Tracking Pixel API; RudderStack's `/pixel/v1/*`): a GET
 * whose query carries the event, answered with a 1×1 transparent GIF once it is committed —
 * email opens, ad impressions, pages where only an image can load. Errors keep their status and
 * JSON body, except for a client that asked for an image (an `<img>`'s `Accept: image/…`): it
 * gets the GIF with the status, and the message in `X-Signal-Error`, so a page or an email shows
 * no broken image.
 */
function registerPixelRoutes(app: FastifyInstance, deps: CollectDeps, steps: CollectSteps): void {
  // Made at a pixel route's first request, not at start: compiling the six types' schemas
  // twice cost every Signal start a third of a second of CPU, most of them for no pixel at all.
  let ajvs: { exact: Ajv; coercing: Ajv } | undefined;
  const pixelAjvs = () => (ajvs ??= { exact: createCollectAjv(), coercing: createCollectAjv({ coerceTypes: true }) });
  const decode = (request: FastifyRequest, _reply: FastifyReply, done: (error?: Error) => void): void => {
    try {
      const { body, form } = pixelBody(request.query as Record<string, string | string[] | undefined>);
      request.body = body;
      request.pixelForm = form;
      done();
    } catch (error) {
      done(error as Error);
    }
  };
  const wantsImage = (request: FastifyRequest): boolean => /image\//i.test(request.headers.accept ?? '') && !/application\/json/i.test(request.headers.accept ?? '');
  for (const type of PIXEL_TYPES) {
    const schema = singleEventSchema(type);
    let validators: { data: ValidateFunction; params: ValidateFunction } | undefined;
    const validate = () => (validators ??= { data: pixelAjvs().exact.compile(schema), params: pixelAjvs().coercing.compile(schema) });
    const urls = [`/v1/pixel/${type}`, ...(type === 'track' || type === 'page' ? [`/pixel/v1/${type}`] : [])];
    for (const url of urls) {
      const canonical = url.startsWith('/v1/');
      app.route({
        method: 'GET',
        url,
        // A HEAD (a link checker, a mail scanner) must not record an open.
        exposeHeadRoute: false,
        onRequest: deps.limitByIp ? [deps.limitByIp] : [],
        preValidation: deps.limitByKey ? [decode, steps.authenticate, deps.limitByKey] : [decode, steps.authenticate],
        errorHandler: (error, request, reply) => {
          noStore(reply);
          if (!wantsImage(request)) return sendError(error, request, reply);
          // The status and message sendError would give, with the GIF as the body.
          const answer = errorAnswer(error, request);
          if (answer.retryAfter !== undefined) reply.header('retry-after', String(answer.retryAfter));
          // The status is one of the error codes' (4xx/5xx), which the 200-only response schema does not list.
          return reply.code(answer.statusCode as 200).header('x-signal-error', errorHeader(answer.code, answer.message)).type('image/gif').send(PIXEL_GIF);
        },
        schema: {
          tags: ['collect'],
          summary: canonical ? `Record a ${type} event from a tracking pixel` : `Alias of /v1/pixel/${type} (RudderStack's pixel API)`,
          description: canonical
            ? `Segment's Tracking Pixel API for \`${type}\`: for an \`<img>\` in an email, an ad or a page without JavaScript. The event goes in \`data\`, as base64-encoded JSON (or the JSON as it is), with the pipeline key as \`writeKey\`; or one query parameter per field, dotted for nested ones (\`writeKey=…&userId=…&event=Email%20Opened&properties.subject=Daily\`), read as the booleans and numbers the event schema asks for. Answers a 1×1 transparent GIF once the event is committed, never cached. An error keeps its status (400, 401, 429, 503) and JSON body, or for a client asking for an image, the GIF with the message in \`X-Signal-Error\`.`
            : `Same as \`/v1/pixel/${type}\`.`,
          hide: !canonical,
          headers: collectHeadersSchema,
          querystring: {
            type: 'object',
            properties: {
              data: { type: 'string', description: 'The event as base64-encoded JSON (standard or URL-safe alphabet), with `writeKey`; or the JSON as it is.' },
              writeKey: { type: 'string', description: 'The pipeline key, when `data` has none or the event is given as parameters.' },
            },
            additionalProperties: { type: 'string' },
          },
          response: {
            200: { description: 'The event was committed: a 1×1 transparent GIF.', content: { 'image/gif': { schema: { type: 'string', format: 'binary' } } } },
          },
        },
        handler: async (request, reply) => {
          const body = request.body as IncomingEvent;
          const check = request.pixelForm === 'params' ? validate().params : validate().data;
          // Checked on request.body: ajv's type guard would narrow `body` to the schema's own type.
          if (!check(request.body)) {
            const fields = formatValidationErrors(check.errors ?? [], '');
            throw new SignalError('SIGNAL_INVALID_EVENT', summarise(fields), fields);
          }
          const facts = steps.requestFacts(request, reply, body.anonymousId ?? undefined);
          const events: AcceptedEvent[] = [{ pipelineId: request.pipelineId!, event: normalizeEvent(body, type, facts) }];
          const kept = steps.keepClickIds(request, reply, facts, events);
          if (kept) await kept;
          steps.checkEvents(events, false);
          await steps.commit(events);
          return noStore(reply).type('image/gif').send(PIXEL_GIF);
        },
      });
    }
  }
}
