import { isIP } from 'node:net';
import fastifyCors from '@fastify/cors';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { Ajv } from 'ajv';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { SignalConfig } from '../config.ts';
import type { Pool } from '../db/pool.ts';
import { readinessHandler } from '../db/readiness.ts';
import { SignalError } from '../errors.ts';
import type { PipelineService } from '../services/pipelines.ts';
import { registerBodyDecoding } from './body-decoding.ts';
import { answerClientError } from './client-error.ts';
import { clientIp } from './client-ip.ts';
import { createCollectAjv } from './collect-ajv.ts';
import { validatorOnFirstUse } from './validator-on-first-use.ts';
import { collectRoutes } from './collect-routes.ts';

export { createCollectAjv };
import type { ClickIdKeeper } from './click-id-cookies.ts';
import { enrichRoute, type EnrichRouteDeps } from './enrich-route.ts';
import { installErrorHandling, sendError } from './error-handler.ts';
import { createLimitHook, type RateLimitHook } from './rate-limits.ts';
import type { GroupCommitter } from './group-commit.ts';

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.

export interface CollectAppDeps {
  config: SignalConfig;
  pool: Pool;
  pipelines: PipelineService;
  committer: GroupCommitter;
  cookieNames: () => readonly string[];
  /** Ad click ids kept in first-party cookies (see `createClickIdKeeper`). */
  clickIds?: ClickIdKeeper;
  version: string;
  logger: boolean | { level: string };
  /** Registers more routes on the collect listener (the plugins' own routes). */
  extend?: (app: FastifyInstance) => Promise<void>;
  /** Browser personalization (`GET /v1/enrich`): the partners and what the pipeline stage kept for browsers. */
  browserEnrichment?: Pick<EnrichRouteDeps, 'browserProviders' | 'isEnriching' | 'readBrowserAttributes'>;
}

/** Trust the nearest `hops` proxies' X-Forwarded-For entries. */
function trustHops(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

let collectAjv: Ajv | undefined;


/**
 * Builds the public collect listener: the collect API, its OpenAPI document and Swagger UI,
 * CORS, rate limits, and the health probes.
 *
 * @example
 * const app = await buildCollectApp({ config, pool, pipelines, committer, cookieNames, version: '0.1.0', logger: false });
 * await app.listen({ port: 8080 });
 */
export async function buildCollectApp(deps: CollectAppDeps): Promise<FastifyInstance> {
  const { config } = deps;
  const app = Fastify({
    logger: deps.logger,
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    bodyLimit: 500 * 1024,
    // Per-request log lines would cost more than the collect route itself at thousands of req/s.
    logController: new LogController({ disableRequestLogging: true }),
    return503OnClosing: true,
    clientErrorHandler: answerClientError,
    // A URL Fastify cannot decode (`/v1/%zz`) is answered before any route, in Signal's shape.
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
  });
  // One per process: Signals started in one process (tests, a worker beside collect) share
  // its cache of compiled schemas.
  collectAjv ??= createCollectAjv();
  const ajv = collectAjv;
  app.setValidatorCompiler(({ schema }) => validatorOnFirstUse(() => ajv.compile(schema)));
  installErrorHandling(app);

  await app.register(fastifyCors, {
    origin: config.corsOrigins === '*' ? true : config.corsOrigins,
    credentials: true,
    methods: ['POST', 'GET', 'OPTIONS'],
    maxAge: 86400,
  });

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Signal collect API',
        version: deps.version,
        description: 'Segment-compatible event collection. Existing Segment and RudderStack SDKs work unchanged: point them at this host with your pipeline key as the write key.',
      },
      tags: [{ name: 'collect', description: 'Send events' }, { name: 'health', description: 'Probes' }],
      components: {
        securitySchemes: {
          // The other way, `writeKey` in the body, is no security scheme OpenAPI can describe:
          // it is a body property (documented there), so "Authorize" offers only this one.
          basicAuth: { type: 'http', scheme: 'basic', description: 'The pipeline key as the username, empty password. Or, without this, send the key as `writeKey` in the JSON body.' },
        },
      },
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', staticCSP: true });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  let limitByIp: RateLimitHook | undefined;
  let limitByKey: RateLimitHook | undefined;
  if (config.rateLimitIpMax > 0 || config.rateLimitKeyMax > 0) {
    // Only the counter store is used: the hooks are Signal's own (rate-limits.ts).
    await app.register(fastifyRateLimit, { global: false });
    if (config.rateLimitIpMax > 0) {
      // The address stored as context.ip: a junk X-Forwarded-For entry is no bucket of its own.
      limitByIp = createLimitHook(app, { max: config.rateLimitIpMax, windowMs: config.rateLimitWindowMs, keyOf: (request) => `ip:${clientIp(request.ip, request.socket.remoteAddress)}`, per: 'client IP' });
    }
    if (config.rateLimitKeyMax > 0) {
      limitByKey = createLimitHook(app, { max: config.rateLimitKeyMax, windowMs: config.rateLimitWindowMs, keyOf: (request) => `pipeline:${request.pipelineId ?? 'none'}`, per: 'pipeline key' });
    }
  }

  registerBodyDecoding(app);
  await app.register(collectRoutes, {
    pipelines: deps.pipelines,
    committer: deps.committer,
    cookieNames: deps.cookieNames,
    cookieDomains: config.cookieDomains,
    ...(deps.clickIds ? { clickIds: deps.clickIds } : {}),
    ...(limitByIp ? { limitByIp } : {}),
    ...(limitByKey ? { limitByKey } : {}),
  });

  if (deps.browserEnrichment) {
    await app.register(enrichRoute, {
      pipelines: deps.pipelines,
      ...deps.browserEnrichment,
      ...(limitByIp ? { limitByIp } : {}),
      ...(limitByKey ? { limitByKey } : {}),
    });
  }

  if (deps.extend) await deps.extend(app);

  app.get('/healthz', { schema: { tags: ['health'], summary: 'Liveness: the process answers' } }, async () => ({ status: 'ok' }));
  app.get('/readyz', {
    schema: {
      tags: ['health'],
      summary: 'Readiness: PostgreSQL reachable and migrated',
      response: {
        200: { description: 'Ready.', type: 'object', properties: { status: { type: 'string', enum: ['ready'] } } },
        503: { description: 'Not ready: `migrating`, or `database unreachable` (with Retry-After).', type: 'object', properties: { status: { type: 'string' } } },
      },
    },
  }, readinessHandler(deps.pool));
  return app;
}
