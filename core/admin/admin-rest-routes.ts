import type { FastifyInstance } from 'fastify';
import { SignalError } from '../errors.ts';
import type { JsonObject } from '../sdk/types.ts';
import type { InstallInput } from '../services/integrations.ts';
import { toCatalogEntry } from './catalog.ts';
import type { AdminServices } from './services.ts';

const stringArray = { type: 'array', items: { type: 'string' } } as const;

const installBody = {
  type: 'object',
  required: ['name', 'config'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    variant: { type: 'string' },
    config: { type: 'object' },
    delivery_mode: { type: 'string' },
    consent_categories: stringArray,
    pipeline_id: { type: 'string' },
    enabled: { type: 'boolean' },
    settings: { type: 'object' },
    blueprint: { type: 'string' },
  },
} as const;

const integrationBody = {
  type: 'object',
  required: ['source_id', 'vendor', 'name', 'config'],
  additionalProperties: false,
  properties: {
    source_id: { type: 'string', description: 'The pipeline id.' },
    vendor: { type: 'string' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    enabled: { type: 'boolean' },
    variant: { type: 'string' },
    config: { type: 'object' },
    consent_categories: stringArray,
    delivery_mode: { type: 'string' },
    settings: { type: 'object' },
  },
} as const;

interface InstallBody {
  name: string; variant?: string; config: JsonObject; delivery_mode?: string; consent_categories?: string[];
  pipeline_id?: string; enabled?: boolean; settings?: InstallInput['settings']; blueprint?: string;
}

interface IntegrationBody {
  source_id: string; vendor: string; name: string; enabled?: boolean; variant?: string; config: JsonObject;
  consent_categories?: string[]; delivery_mode?: string; settings?: InstallInput['settings'];
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/**
 * The spec's REST calls, as thin routes over the admin services: the integration catalog,
 * one-click install, and creating a pipeline integration.
 *
 * @example
 * await app.register(adminRestRoutes, services);
 */
export async function adminRestRoutes(app: FastifyInstance, services: AdminServices): Promise<void> {
  const { integrations, plugins } = services;

  app.get<{ Querystring: { category?: string } }>('/v1/admin/integration-catalog', {
    schema: { querystring: { type: 'object', properties: { category: { type: 'string' } } } },
  }, async (request) => {
    const entries = plugins.list().filter((p) => !request.query.category || p.category === request.query.category).map(toCatalogEntry);
    return { integrations: entries, total: entries.length };
  });

  app.get<{ Params: { vendor: string } }>('/v1/admin/integration-catalog/:vendor', async (request) => {
    const plugin = plugins.get(request.params.vendor);
    if (!plugin) throw new SignalError('SIGNAL_UNKNOWN_VENDOR', `No vendor "${request.params.vendor}" in the catalog`, [{ field: 'vendor', message: 'is not in the catalog' }]);
    return toCatalogEntry(plugin);
  });

  app.post<{ Params: { vendor: string }; Body: InstallBody }>('/v1/admin/integration-catalog/:vendor/install', { schema: { body: installBody } }, async (request, reply) => {
    const body = request.body;
    const result = await integrations.install(defined({
      vendor: request.params.vendor,
      name: body.name,
      variant: body.variant,
      config: body.config,
      deliveryMode: body.delivery_mode,
      consentCategories: body.consent_categories,
      pipelineId: body.pipeline_id,
      enabled: body.enabled,
      settings: body.settings,
      blueprint: body.blueprint,
    }));
    return reply.code(201).send(result);
  });

  app.get<{ Querystring: { source_id?: string; vendor?: string } }>('/v1/admin/integrations', {
    schema: { querystring: { type: 'object', properties: { source_id: { type: 'string' }, vendor: { type: 'string' } } } },
  }, async (request) => {
    const list = await integrations.list(defined({ pipelineId: request.query.source_id, vendor: request.query.vendor }));
    return { integrations: list, total: list.length };
  });

  app.post<{ Body: IntegrationBody }>('/v1/admin/integrations', { schema: { body: integrationBody } }, async (request, reply) => {
    const body = request.body;
    const result = await integrations.install(defined({
      vendor: body.vendor,
      name: body.name,
      variant: body.variant,
      config: body.config,
      consentCategories: body.consent_categories,
      pipelineId: body.source_id,
      enabled: body.enabled ?? true,
      deliveryMode: body.delivery_mode,
      settings: body.settings,
    }));
    return reply.code(201).send({ ...result.assignment, template: result.template, revision: result.revision });
  });
}
