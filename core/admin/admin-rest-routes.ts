import type { ErrorObject } from 'ajv';
import type { FastifyInstance } from 'fastify';
import { formatValidationErrors, summarise } from '../collect/validation-errors.ts';
import { SignalError } from '../errors.ts';
import type { JsonObject } from '../sdk/types.ts';
import type { InstallInput } from '../services/integrations.ts';
import { assertCategory, inCategory, toCatalogEntry } from './catalog.ts';
import type { AdminServices } from './services.ts';

const stringArray = { type: 'array', items: { type: 'string' } } as const;

/** The spec's rate-limit settings, by its names: REST bodies take them beside `settings`. */
const rateLimitFields = {
  rate_limit_rps: { type: 'number', description: 'Most requests per second (the vendor default when absent; 0 = unlimited). Same as settings.rateLimit.rps.' },
  rate_limit_burst: { type: 'number', description: 'Burst capacity for short spikes (rate_limit_rps × 2 by default). Same as settings.rateLimit.burst.' },
  rate_limit_daily: { type: 'number', description: 'Daily request cap (0 = unlimited). Same as settings.rateLimit.daily.' },
} as const;

interface RateLimitFields { rate_limit_rps?: number; rate_limit_burst?: number; rate_limit_daily?: number }

/** The REST names of a body's errors: REST_NAMES, and the `rate_limit_*` fields it used. */
function restNamesOf(body: RateLimitFields, names: Readonly<Record<string, string>> = REST_NAMES): Record<string, string> {
  const out: Record<string, string> = { ...names };
  for (const key of ['rps', 'burst', 'daily'] as const) if (body[`rate_limit_${key}`] !== undefined) out[`settings.rateLimit.${key}`] = `rate_limit_${key}`;
  return out;
}

/** `settings` with the spec's `rate_limit_*` fields folded in; naming one twice is a 400. */
function settingsOf(body: RateLimitFields & { settings?: InstallInput['settings'] }): InstallInput['settings'] {
  const given = { rps: body.rate_limit_rps, burst: body.rate_limit_burst, daily: body.rate_limit_daily };
  if (Object.values(given).every((v) => v === undefined)) return body.settings;
  const settings = (body.settings ?? {}) as NonNullable<InstallInput['settings']>;
  // A rateLimit that is not an object is the service's 400 to name; nothing to fold into.
  if (settings.rateLimit !== undefined && (typeof settings.rateLimit !== 'object' || settings.rateLimit === null || Array.isArray(settings.rateLimit))) return body.settings;
  const rateLimit = { ...(settings.rateLimit ?? {}) };
  for (const [key, value] of Object.entries(given) as Array<[keyof typeof given, number | undefined]>) {
    if (value === undefined) continue;
    if (rateLimit[key] !== undefined) {
      throw new SignalError('SIGNAL_VALIDATION_FAILED', `rate_limit_${key} and settings.rateLimit.${key} are the same setting: give one`, [{ field: `rate_limit_${key}`, message: `is also given as settings.rateLimit.${key}` }]);
    }
    rateLimit[key] = value;
  }
  return { ...settings, rateLimit };
}

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
    ...rateLimitFields,
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
    ...rateLimitFields,
  },
} as const;

interface InstallBody extends RateLimitFields {
  name: string; variant?: string; config: JsonObject; delivery_mode?: string; consent_categories?: string[];
  pipeline_id?: string; enabled?: boolean; settings?: InstallInput['settings']; blueprint?: string;
}

interface IntegrationBody extends RateLimitFields {
  source_id: string; vendor: string; name: string; enabled?: boolean; variant?: string; config: JsonObject;
  consent_categories?: string[]; delivery_mode?: string; settings?: InstallInput['settings'];
}

function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** The services' field names and the REST bodies' (the spec's), where they differ. */
const REST_NAMES: Readonly<Record<string, string>> = {
  pipelineId: 'pipeline_id',
  consentCategories: 'consent_categories',
  deliveryMode: 'delivery_mode',
};

/**
 * Runs a service call for a REST route, naming fields in its errors as the REST body does: a
 * bad `source_id` must not come back as `pipelineId`, a field the caller never sent.
 *
 * @example
 * await withRestNames(() => integrations.list({ pipelineId }), { pipelineId: 'source_id' });
 */
async function withRestNames<T>(call: () => Promise<T>, names: Readonly<Record<string, string>> = REST_NAMES): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!(error instanceof SignalError)) throw error;
    // Longest first: `settings.rateLimit.rps` before any shorter name inside it.
    const pattern = new RegExp(`(?<![\\w.])(${Object.keys(names).sort((a, b) => b.length - a.length).map((n) => n.replace(/[.$]/g, '\\$&')).join('|')})(?![\\w])`, 'g');
    const rename = (text: string) => text.replace(pattern, (name) => names[name] ?? name);
    throw new SignalError(error.code, rename(error.message), error.fields.map((f) => ({ ...f, field: rename(f.field) })), {
      ...(error.retryAfter === undefined ? {} : { retryAfter: error.retryAfter }),
      cause: error,
    });
  }
}

/**
 * The 400 of an install body that fails its schema, as the error handler words it, with a
 * hint where a top-level field is one of the vendor's config fields (`validate_only` beside
 * `config` instead of inside it).
 *
 * @example
 * if (request.validationError) throw installBodyRefusal(request.validationError, plugins.get('ga4'));
 */
function installBodyRefusal(error: Error & { validation?: unknown }, plugin: { name: string; config: { properties: Record<string, unknown> } } | undefined): SignalError {
  const fields = formatValidationErrors((error.validation ?? []) as ErrorObject[], '').map((field) => {
    const name = /^has unknown field "(.+)"$/.exec(field.message)?.[1];
    return name !== undefined && plugin && Object.hasOwn(plugin.config.properties, name)
      ? { ...field, message: `${field.message}: it is a config field of ${plugin.name}, so it goes inside "config"` }
      : field;
  });
  return new SignalError('SIGNAL_VALIDATION_FAILED', fields.length > 0 ? summarise(fields) : error.message, fields);
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
    schema: { querystring: { type: 'object', properties: { category: { type: 'string' } }, additionalProperties: false } },
  }, async (request) => {
    assertCategory(request.query.category);
    const entries = plugins.list().filter((p) => inCategory(p, request.query.category)).map(toCatalogEntry);
    return { integrations: entries, total: entries.length };
  });

  app.get<{ Params: { vendor: string } }>('/v1/admin/integration-catalog/:vendor', async (request) => {
    const plugin = plugins.get(request.params.vendor);
    if (!plugin) throw new SignalError('SIGNAL_UNKNOWN_VENDOR', `No vendor "${request.params.vendor}" in the catalog`, [{ field: 'vendor', message: 'is not in the catalog' }]);
    return toCatalogEntry(plugin);
  });

  app.post<{ Params: { vendor: string }; Body: InstallBody }>('/v1/admin/integration-catalog/:vendor/install', { schema: { body: installBody }, attachValidation: true }, async (request, reply) => {
    if (request.validationError) throw installBodyRefusal(request.validationError, plugins.get(request.params.vendor));
    const body = request.body;
    const result = await withRestNames(() => integrations.install(defined({
      vendor: request.params.vendor,
      name: body.name,
      variant: body.variant,
      config: body.config,
      deliveryMode: body.delivery_mode,
      consentCategories: body.consent_categories,
      pipelineId: body.pipeline_id,
      enabled: body.enabled,
      settings: settingsOf(body),
      blueprint: body.blueprint,
    })), restNamesOf(body));
    return reply.code(201).send(result);
  });

  // `pipeline_id` too, as the install route names it; an unknown parameter is refused, not ignored
  // (ignored, a misspelt filter would list every pipeline's integrations).
  app.get<{ Querystring: { source_id?: string; pipeline_id?: string; vendor?: string } }>('/v1/admin/integrations', {
    schema: { querystring: { type: 'object', properties: { source_id: { type: 'string' }, pipeline_id: { type: 'string' }, vendor: { type: 'string' } }, additionalProperties: false } },
  }, async (request) => {
    const { source_id: sourceId, pipeline_id: pipelineId } = request.query;
    if (sourceId !== undefined && pipelineId !== undefined && sourceId !== pipelineId) {
      throw new SignalError('SIGNAL_VALIDATION_FAILED', 'source_id and pipeline_id name the same filter (the pipeline) and differ: give one', [{ field: 'pipeline_id', message: 'differs from source_id: give one of the two' }]);
    }
    const list = await withRestNames(() => integrations.list(defined({ pipelineId: sourceId ?? pipelineId, vendor: request.query.vendor })), { ...REST_NAMES, pipelineId: sourceId !== undefined ? 'source_id' : 'pipeline_id' });
    return { integrations: list, total: list.length };
  });

  app.post<{ Body: IntegrationBody }>('/v1/admin/integrations', { schema: { body: integrationBody }, attachValidation: true }, async (request, reply) => {
    if (request.validationError) {
      const vendor = (request.body as { vendor?: unknown } | undefined)?.vendor;
      throw installBodyRefusal(request.validationError, typeof vendor === 'string' ? plugins.get(vendor) : undefined);
    }
    const body = request.body;
    const result = await withRestNames(() => integrations.install(defined({
      vendor: body.vendor,
      name: body.name,
      variant: body.variant,
      config: body.config,
      consentCategories: body.consent_categories,
      pipelineId: body.source_id,
      enabled: body.enabled ?? true,
      deliveryMode: body.delivery_mode,
      settings: settingsOf(body),
    })), restNamesOf(body, { ...REST_NAMES, pipelineId: 'source_id' }));
    return reply.code(201).send({ ...result.assignment, template: result.template, revision: result.revision });
  });
}
