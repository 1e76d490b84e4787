import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { JsonObject } from './canonical-event.ts';
import { parseCookies } from './cookies.ts';
import { basicUser, VISITOR_COOKIE, VISITOR_ID } from './collect-routes.ts';
import { errorResponseSchema } from './error-handler.ts';
import { SignalError } from '../errors.ts';
import type { PipelineService } from '../services/pipelines.ts';
import type { RateLimitHook } from './rate-limits.ts';

export interface EnrichRouteDeps {
  pipelines: PipelineService;
  /** Partners whose plugin exposes browser attributes (plugin ids). */
  browserProviders(): string[];
  /** Whether the pipeline has an enabled integration enriching with `provider`. */
  isEnriching(pipelineId: string, provider: string): Promise<boolean>;
  /** What a browser may read of a visitor, if anything is kept. */
  readBrowserAttributes(pipelineId: string, provider: string, visitorId: string): Promise<JsonObject | undefined>;
  limitByIp?: RateLimitHook;
  limitByKey?: RateLimitHook;
}

/** The pipeline key of a GET: the HTTP Basic username, or `writeKey` in the query. */
function keyOf(request: FastifyRequest): string | undefined {
  const user = basicUser(request.headers.authorization);
  if (user !== undefined) return user;
  const writeKey = (request.query as Record<string, unknown>).writeKey;
  return typeof writeKey === 'string' && writeKey !== '' ? writeKey : undefined;
}

const answerSchema = {
  type: 'object',
  required: ['provider', 'attributes'],
  properties: {
    provider: { type: 'string' },
    attributes: { type: 'object', additionalProperties: true, description: 'The allow-listed profile attributes of this visitor; {} for a visitor not resolved (yet).' },
  },
} as const;

/**
 * `GET /v1/enrich?provider=amperity`: what a page may read of its visitor (identified by the
 * `_dfdid` cookie) from a partner's profile: only the attributes of the integration's
 * browser allow-list, written by the pipeline stage when the visitor's events were enriched.
 * The partner's credentials and raw answer never reach the browser.
 *
 * @example
 * await app.register(enrichRoute, { pipelines, browserProviders, isEnriching, readBrowserAttributes });
 */
export async function enrichRoute(app: FastifyInstance, deps: EnrichRouteDeps): Promise<void> {
  app.route({
    method: 'GET',
    url: '/v1/enrich',
    onRequest: deps.limitByIp ? [deps.limitByIp] : [],
    schema: {
      tags: ['collect'],
      summary: 'Profile attributes a page may read of its visitor',
      description: 'Browser personalization: the attributes of the partner\'s profile of this visitor (the `_dfdid` cookie, sent with `credentials: "include"`) that the integration\'s allow-list exposes, e.g. `browser_attribute_allowlist` of Amperity. Authenticate with the pipeline key as the HTTP Basic username or `?writeKey=`. A visitor without the cookie, or not resolved yet, gets `{}`. Nothing else of the profile, and never the partner\'s token, is sent.',
      security: [{ basicAuth: [] }],
      querystring: {
        type: 'object',
        properties: {
          provider: { type: 'string', description: 'The partner, e.g. `amperity`.', examples: ['amperity'] },
          writeKey: { type: 'string', description: 'The pipeline key, when not sent as the Basic username.' },
        },
      },
      response: {
        200: { description: 'The visitor\'s allow-listed attributes.', ...answerSchema, examples: [{ provider: 'amperity', attributes: { Persona: 'Value Hunter', LifetimeTier: 'Gold' } }] },
        400: { description: '`provider` missing.', ...errorResponseSchema },
        401: { description: 'Unknown or disabled pipeline key.', ...errorResponseSchema },
        404: { description: 'No such partner, or the pipeline has no enabled integration enriching with it.', ...errorResponseSchema },
        429: { description: 'Rate limited; see `Retry-After`.', ...errorResponseSchema },
      },
    },
    handler: async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const providers = deps.browserProviders();
      const provider = typeof query.provider === 'string' ? query.provider.trim().toLowerCase() : '';
      if (provider === '') {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `provider is required: the partner whose profile to read (${providers.length > 0 ? `one of ${providers.join(', ')}` : 'no loaded plugin exposes browser attributes'})`, [{ field: 'provider', message: 'is required' }]);
      }
      const key = keyOf(request);
      if (key === undefined) {
        const bearer = /^bearer /i.test(request.headers.authorization ?? '') ? ' (this request sent a Bearer token: the pipeline key goes as the Basic username, with no password; the admin token is for the admin listener)' : '';
        throw new SignalError('SIGNAL_UNAUTHORIZED', `No pipeline key: send it as the HTTP Basic username or as ?writeKey=${bearer}`, [{ field: 'writeKey', message: 'is required (or HTTP Basic username)' }]);
      }
      const resolved = deps.pipelines.cachedKey(key) ?? (await deps.pipelines.resolveKey(key));
      if (!resolved) throw new SignalError('SIGNAL_UNAUTHORIZED', 'Unknown pipeline key');
      if (!resolved.enabled) throw new SignalError('SIGNAL_UNAUTHORIZED', 'This pipeline is disabled');
      request.pipelineId = resolved.pipelineId;
      if (deps.limitByKey) await deps.limitByKey(request, reply);
      if (!providers.includes(provider)) {
        throw new SignalError('SIGNAL_NOT_FOUND', `No partner "${provider}" exposes browser attributes${providers.length > 0 ? `: the partners are ${providers.join(', ')}` : ''}`, [{ field: 'provider', message: `is not ${providers.length > 0 ? `one of ${providers.join(', ')}` : 'a loaded partner'}` }]);
      }
      if (!(await deps.isEnriching(resolved.pipelineId, provider))) {
        throw new SignalError('SIGNAL_NOT_FOUND', `This pipeline has no enabled ${provider} integration with profile enrichment (for Amperity: profile_api_key, profile_collection_id and linking_keys, and browser_attribute_allowlist for what pages may read)`, [{ field: 'provider', message: 'has no enabled integration on this pipeline' }]);
      }
      // Personal data, different per visitor: no shared cache may keep it.
      reply.header('cache-control', 'private, no-store');
      // Added to what CORS set (Origin): the answer depends on all three.
      const vary = reply.getHeader('vary');
      reply.header('vary', [vary, 'Cookie', 'Authorization'].filter((v) => v !== undefined && v !== '').join(', '));
      const visitor = parseCookies(request.headers.cookie).get(VISITOR_COOKIE);
      const attributes = visitor !== undefined && VISITOR_ID.test(visitor) ? await deps.readBrowserAttributes(resolved.pipelineId, provider, visitor) : undefined;
      return { provider, attributes: attributes ?? {} };
    },
  });
}
