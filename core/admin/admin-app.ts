import { Ajv } from 'ajv';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import mercurius, { type IResolvers } from 'mercurius';
import { MAX_QUERY_DEPTH, queryDepthLimit } from './graphql-depth-limit.ts';
import { answerClientError } from '../collect/client-error.ts';
import { installErrorHandling, sendError } from '../collect/error-handler.ts';
import { jsonBodyParser, MAX_NESTING_DEPTH } from '../collect/json-body.ts';
import { SignalError } from '../errors.ts';
import { createAdminAuth } from './admin-auth.ts';
import { adminRestRoutes } from './admin-rest-routes.ts';
import { formatGraphqlErrors } from './graphql-errors.ts';
import { createAdminResolvers } from './graphql-resolvers.ts';
import { adminTypeDefs } from './graphql-schema.ts';
import type { AdminServices } from './services.ts';

export interface AdminAppDeps {
  services: AdminServices;
  token: string;
  logger: boolean | { level: string };
  /** Registers extra admin routes (the IDE, metrics, the delivery engine's API). */
  extend?: (app: FastifyInstance) => Promise<void>;
  /** Extra GraphQL type definitions and resolvers (e.g. the delivery engine's). */
  graphql?: Array<{ typeDefs: string; resolvers: IResolvers }>;
}

/**
 * Builds the admin listener: GraphQL at /graphql, the spec's REST admin calls, all behind the
 * bearer token.
 *
 * @example
 * const admin = await buildAdminApp({ services, token: config.adminToken, logger: false });
 * await admin.listen({ host: '127.0.0.1', port: 8084 });
 */
export async function buildAdminApp(deps: AdminAppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: deps.logger, logController: new LogController({ disableRequestLogging: true }), bodyLimit: 5 * 1024 * 1024, clientErrorHandler: answerClientError,
    frameworkErrors: (error, request, reply) => sendError(error, request, reply, 'SIGNAL_VALIDATION_FAILED'),
  });
  // Query strings arrive as text, so they are coerced (`?first=10`); JSON bodies carry their
  // own types, and `"name": 5` or `"enabled": 0` are mistakes to name, not to convert.
  const queryAjv = new Ajv({ allErrors: true, coerceTypes: 'array', useDefaults: true, strict: false });
  const bodyAjv = new Ajv({ allErrors: true, coerceTypes: false, useDefaults: true, strict: false });
  app.setValidatorCompiler(({ schema, httpPart }) => (httpPart === 'body' ? bodyAjv : queryAjv).compile(schema));
  installErrorHandling(app, 'SIGNAL_VALIDATION_FAILED');
  // Config, settings and preview events nest below the GraphQL envelope: twice the collect limit.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser({ refusalCode: 'SIGNAL_VALIDATION_FAILED', maxDepth: 2 * MAX_NESTING_DEPTH }));
  app.addHook('onRequest', createAdminAuth(deps.token));
  // Mercurius answers a body it cannot parse (curl's default form encoding) with a bare 415:
  // say what to send instead, as the collect API does.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== '/graphql') return done();
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || type === 'application/graphql') return done();
    reply.code(415).type('application/json').send(new SignalError('SIGNAL_UNSUPPORTED_MEDIA_TYPE', `POST /graphql takes Content-Type: application/json with a {"query": …} body (or application/graphql); this request sent ${type === '' ? 'none' : type}`).toJSON());
  });

  const resolvers = createAdminResolvers(deps.services);
  const extra = deps.graphql ?? [];
  await app.register(mercurius, {
    schema: [adminTypeDefs, ...extra.map((e) => e.typeDefs)],
    resolvers: extra.reduce((merged, e) => mergeResolvers(merged, e.resolvers), resolvers as IResolvers),
    graphiql: false,
    path: '/graphql',
    validationRules: [queryDepthLimit(MAX_QUERY_DEPTH)],
    errorFormatter: formatGraphqlErrors,
  });
  await app.register(adminRestRoutes, deps.services);
  app.get('/healthz', async () => ({ status: 'ok' }));
  if (deps.extend) await deps.extend(app);
  return app;
}

/** Merges resolver maps type by type (Query and Mutation fields from both). */
function mergeResolvers(base: IResolvers, extra: IResolvers): IResolvers {
  const merged: IResolvers = { ...base };
  for (const [type, fields] of Object.entries(extra)) {
    const current = merged[type];
    merged[type] = typeof current === 'object' && typeof fields === 'object' && !('serialize' in fields)
      ? { ...current, ...fields } as IResolvers[string]
      : fields;
  }
  return merged;
}
