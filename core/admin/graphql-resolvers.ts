import { isSignalError } from '../errors.ts';
import { guard } from './graphql-errors.ts';
import { JsonScalar } from './json-scalar.ts';
import type { JsonObject } from '../sdk/types.ts';
import type { Assignment, InstallInput, RevisionInput, Template } from '../services/integrations.ts';
import type { Pipeline } from '../services/pipelines.ts';
import { assertCategory, inCategory, toCatalogEntry } from './catalog.ts';
import type { AdminServices } from './services.ts';

function optional<T>(value: T | null | undefined): T | undefined {
  return value === null ? undefined : value;
}

interface InstallArgs {
  input: {
    vendor: string; variant?: string | null; name: string; config: JsonObject; consentCategories?: string[] | null;
    pipelineId?: string | null; enabled?: boolean | null; deliveryMode?: string | null; settings?: InstallInput['settings'] | null; blueprint?: string | null;
  };
}

/**
 * Resolvers of the admin schema over the admin services.
 *
 * @example
 * app.register(mercurius, { schema: adminTypeDefs, resolvers: createAdminResolvers(services) });
 */
export function createAdminResolvers(services: AdminServices) {
  const { pipelines, integrations, events, plugins } = services;
  return {
    JSON: JsonScalar,
    Query: {
      pipelines: guard(async () => pipelines.list()),
      pipeline: guard(async (_: unknown, args: { id: string }) => pipelines.get(args.id, 'id').catch((error: unknown) => {
        if (isSignalError(error) && error.code === 'SIGNAL_NOT_FOUND') return null;
        throw error;
      })),
      integrations: guard(async (_: unknown, args: { vendor?: string | null; pipelineId?: string | null }) => {
        const filter: { vendor?: string; pipelineId?: string } = {};
        if (args.vendor) filter.vendor = args.vendor;
        if (args.pipelineId) filter.pipelineId = args.pipelineId;
        return integrations.list(filter);
      }),
      integration: guard(async (_: unknown, args: { id: string }) => integrations.getTemplate(args.id, 'id').catch((error: unknown) => {
        if (isSignalError(error) && error.code === 'SIGNAL_NOT_FOUND') return null;
        throw error;
      })),
      catalog: guard(async (_: unknown, args: { category?: string | null }) => {
        assertCategory(args.category);
        return plugins.list().filter((p) => inCategory(p, args.category)).map(toCatalogEntry);
      }),
      recentEvents: guard(async (_: unknown, args: { pipelineId: string; limit: number }) => {
        const found = await events.recent(args.pipelineId, args.limit);
        // Nothing found: a 404 when the pipeline does not exist (a typo is not an empty pipeline).
        if (found.length === 0) await pipelines.get(args.pipelineId);
        return found;
      }),
    },
    Mutation: {
      createPipeline: guard(async (_: unknown, args: { name: string }) => pipelines.create(args.name)),
      rotatePipelineKey: guard(async (_: unknown, args: { id: string; graceSeconds: number }) => pipelines.rotateKey(args.id, args.graceSeconds)),
      setPipelineEnabled: guard(async (_: unknown, args: { id: string; enabled: boolean }) => pipelines.setEnabled(args.id, args.enabled)),
      renamePipeline: guard(async (_: unknown, args: { id: string; name: string }) => pipelines.rename(args.id, args.name)),
      forgetPersonTraits: guard(async (_: unknown, args: { pipelineId: string; userId?: string | null; anonymousId?: string | null }) =>
        pipelines.forgetTraits(args.pipelineId, { userId: args.userId ?? null, anonymousId: args.anonymousId ?? null })),
      setPipelineDeduplication: guard(async (_: unknown, args: { id: string; windowHours?: number | null }) => pipelines.setDedupWindow(args.id, args.windowHours ?? null)),
      deletePipeline: guard(async (_: unknown, args: { id: string }) => {
        await pipelines.remove(args.id);
        return true;
      }),
      installIntegration: guard(async (_: unknown, { input }: InstallArgs) => {
        const install: InstallInput = { vendor: input.vendor, name: input.name, config: input.config };
        const copy = { variant: optional(input.variant), consentCategories: optional(input.consentCategories), pipelineId: optional(input.pipelineId),
          enabled: optional(input.enabled), deliveryMode: optional(input.deliveryMode), settings: optional(input.settings), blueprint: optional(input.blueprint) };
        for (const [key, value] of Object.entries(copy)) if (value !== undefined) Object.assign(install, { [key]: value });
        return integrations.install(install);
      }),
      createRevision: guard(async (_: unknown, { input }: { input: Record<string, unknown> & { templateId: string } }) => {
        const revision: RevisionInput = { templateId: input.templateId };
        for (const key of ['config', 'variant', 'consentCategories', 'blueprint', 'settings', 'note'] as const) {
          if (input[key] !== undefined && input[key] !== null) Object.assign(revision, { [key]: input[key] });
        }
        return integrations.createRevision(revision);
      }),
      assignRevision: guard(async (_: unknown, { input }: { input: { pipelineId: string; templateId: string; revisionId?: string | null; enabled?: boolean | null } }) => {
        const assign: { pipelineId: string; templateId: string; revisionId?: string; enabled?: boolean } = { pipelineId: input.pipelineId, templateId: input.templateId };
        if (input.revisionId) assign.revisionId = input.revisionId;
        if (typeof input.enabled === 'boolean') assign.enabled = input.enabled;
        return integrations.assignRevision(assign);
      }),
      setIntegrationEnabled: guard(async (_: unknown, args: { id: string; enabled: boolean }) => integrations.setEnabled(args.id, args.enabled)),
      unassignIntegration: guard(async (_: unknown, args: { id: string }) => {
        await integrations.unassign(args.id);
        return true;
      }),
      deleteIntegration: guard(async (_: unknown, args: { id: string }) => {
        await integrations.removeTemplate(args.id);
        return true;
      }),
    },
    Pipeline: {
      integrations: guard(async (pipeline: Pipeline) => {
        const templates = await integrations.list({ pipelineId: pipeline.id });
        return templates.flatMap((t) => t.assignments.filter((a) => a.pipelineId === pipeline.id));
      }),
    },
    IntegrationTemplate: {
      latestRevision: (template: Template) => template.revisions.at(-1),
    },
    PipelineIntegration: {
      template: guard(async (assignment: Assignment) => integrations.getTemplate(assignment.templateId)),
    },
  };
}
