import { Ajv } from 'ajv';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import mercurius, { type IResolvers } from 'mercurius';
import { MAX_QUERY_DEPTH, queryDepthLimit } from './graphql-depth-limit.ts';
import { answerClientError } from '../collect/client-error.ts';
import { installErrorHandling, sendError } from '../collect/error-handler.ts';
import { jsonBodyParser, MAX_NESTING_DEPTH } from '../collect/json-body.ts';
import { SignalError } from '../errors.ts';
import { adminAuditTypeDefs, auditMutations, createAdminAuditResolvers } from './admin-audit-graphql.ts';
import { actorOf, createAdminAuth, type AdminAuthFailures } from './admin-auth.ts';
import type { AdminTokens } from './admin-tokens.ts';
import type { AuditLog } from './audit-log.ts';
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
  /** Named admin tokens beside `token`, and the audit log of changes; both or neither. */
  access?: { tokens: AdminTokens; audit: AuditLog };
  /** Counts refused requests (for `/metrics`). */
  authFailures?: AdminAuthFailures;
}

/** REST paths whose calls are not audited: GraphQL is audited per mutation, the rest are public. */
const NOT_AUDITED = /^\/(graphql|graphiql|healthz|readyz)(\/|$)/;

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
  app.addHook('onRequest', createAdminAuth(deps.token, deps.access?.tokens, deps.authFailures));
  const audit = deps.access?.audit;
  if (audit) {
    // Every REST change, recorded as its answer goes out (the answer's error message with it).
    app.addHook('onSend', async (request, reply, payload) => {
      const path = request.url.split('?')[0]!;
      if (['GET', 'HEAD', 'OPTIONS'].includes(request.method) || NOT_AUDITED.test(path) || request.adminActor === undefined) return payload;
      const actor = actorOf(request);
      const status = reply.statusCode;
      const answer = typeof payload === 'string' ? parsedOrUndefined(payload) : undefined;
      const message = (answer as { error?: { message?: unknown } } | undefined)?.error?.message;
      const userAgent = request.headers['user-agent'];
      await audit.record({
        actor, via: 'rest', operation: `${request.method} ${request.routeOptions.url ?? path}`,
        arguments: { params: request.params ?? {}, query: request.query ?? {}, body: request.body ?? null },
        outcome: status === 403 && actor.role !== 'admin' ? 'refused' : status >= 400 ? 'error' : 'ok',
        ...(status < 400 ? { result: answer } : typeof message === 'string' ? { error: message } : { error: `HTTP ${status}` }),
        clientIp: request.ip, ...(userAgent ? { userAgent } : {}),
      });
      return payload;
    });
  }
  // Mercurius answers a body it cannot parse (curl's default form encoding) with a bare 415:
  // say what to send instead, as the collect API does.
  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'POST' || request.url.split('?')[0] !== '/graphql') return done();
    const type = (request.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type === 'application/json' || type === 'application/graphql') return done();
    reply.code(415).type('application/json').send(new SignalError('SIGNAL_UNSUPPORTED_MEDIA_TYPE', `POST /graphql takes Content-Type: application/json with a {"query": …} body (or application/graphql); this request sent ${type === '' ? 'none' : type}`).toJSON());
  });

  const resolvers = createAdminResolvers(deps.services);
  const extra = [...(deps.graphql ?? []), ...(deps.access ? [{ typeDefs: adminAuditTypeDefs, resolvers: createAdminAuditResolvers(deps.access.tokens, deps.access.audit) }] : [])];
  const merged = extra.reduce((all, e) => mergeResolvers(all, e.resolvers), resolvers as IResolvers);
  await app.register(mercurius, {
    schema: [adminTypeDefs, ...extra.map((e) => e.typeDefs)],
    resolvers: audit ? auditMutations(merged, audit, deps.authFailures) : merged,
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

function parsedOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
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
