import type { IResolvers } from 'mercurius';
import type { JsonObject } from '../sdk/types.ts';
import { ORG_SCOPE, type TransformationService } from '../services/transformations.ts';
import type { PluginCatalog } from '../services/integrations.ts';
import { guard } from './graphql-errors.ts';
import type { PreviewService } from './preview.ts';

export const blueprintTypeDefs = /* GraphQL */ `
  "An immutable revision of the org data layer (scope 'org') or of a pipeline's transformations (scope = pipeline id)."
  type TransformationRevision {
    id: ID!
    scope: String!
    version: Int!
    "The operations as YAML: set, rename, remove, hash, drop."
    source: String!
    note: String
    createdAt: String!
  }

  "Which vendor fields a blueprint maps."
  type Coverage {
    requiredMapped: [String!]!
    requiredMissing: [String!]!
    optionalMapped: [String!]!
    optionalMissing: [String!]!
    "{ required, requiredMapped, optional, optionalMapped }"
    counts: JSON!
  }

  extend type CatalogVariant {
    "Coverage of the variant's shipped blueprint; null for code-mapped variants."
    coverage: Coverage
  }

  "What to preview: an existing revision, or a vendor with a variant or blueprint and a config."
  input PreviewTarget {
    revisionId: ID
    vendor: String
    variant: String
    "Blueprint YAML to try instead of the revision's or variant's. As at install, no row may read a parameter bound to a secret config field."
    blueprint: String
    config: JSON
    "Apply the org data layer and this pipeline's transformations first (a malformed id is a 400, an unknown pipeline a 404)."
    pipelineId: ID
  }

  type PreviewResult {
    messageId: String!
    input: JSON!
    "After the org data layer and pipeline transformations; null when they dropped it (or the tracking plan blocked it)."
    transformed: JSON
    "With target.pipelineId, the pipeline's tracking plan's verdict on the event as sent (null without a plan): a flagged event goes on with context.violations, a blocked one no further."
    trackingPlan: TrackingPlanVerdict
    vendorEvent: JSON
    "Why nothing would be sent: tracking plan, pipeline transformation, filter, default_drop, mapper."
    dropped: String
    "With dropped: why, as the delivery log says it: which handler, which filter or drop rule (its text), or the plugin's mapping (its warnings say more)."
    dropReason: String
    warnings: [String!]!
    errors: [String!]!
    "The exact requests the plugin would send for this event (secrets masked)."
    requests: [JSON!]!
  }

  type Preview {
    results: [PreviewResult!]!
    coverage: Coverage
  }

  extend type Query {
    orgDataLayer: TransformationRevision
    pipelineTransformations(pipelineId: ID!): TransformationRevision
    "Every revision of a scope ('org' or a pipeline id), oldest first."
    transformationHistory(scope: String!): [TransformationRevision!]!
    "A dry run sending nothing; without events, the sample events of the common canonical events."
    previewIntegration(target: PreviewTarget!, events: [JSON!]): Preview!
  }

  extend type Mutation {
    "A new revision of the org data layer, applied to every pipeline before its own transformations."
    setOrgDataLayer(source: String!, note: String): TransformationRevision!
    "A new revision of a pipeline's transformations."
    setPipelineTransformations(pipelineId: ID!, source: String!, note: String): TransformationRevision!
  }
`;

function coverageView(coverage: ReturnType<PreviewService['variantCoverage']>) {
  if (!coverage) return null;
  return {
    requiredMapped: coverage.required.mapped, requiredMissing: coverage.required.missing,
    optionalMapped: coverage.optional.mapped, optionalMissing: coverage.optional.missing,
    counts: coverage.counts,
  };
}

/**
 * Resolvers for transformations, previews and blueprint coverage.
 *
 * @example
 * buildAdminApp({ …, graphql: [{ typeDefs: blueprintTypeDefs, resolvers: createBlueprintResolvers(deps) }] });
 */
export function createBlueprintResolvers(deps: { transformations: TransformationService; preview: PreviewService; plugins: PluginCatalog }): IResolvers {
  return {
    Query: {
      orgDataLayer: guard(async () => deps.transformations.current(ORG_SCOPE)),
      pipelineTransformations: guard(async (_: unknown, args: { pipelineId: string }) => deps.transformations.current(args.pipelineId)),
      transformationHistory: guard(async (_: unknown, args: { scope: string }) => deps.transformations.history(args.scope)),
      previewIntegration: guard(async (_: unknown, args: { target: Record<string, unknown>; events?: Array<Record<string, unknown>> | null }) => {
        const target = Object.fromEntries(Object.entries(args.target).filter(([, v]) => v !== null && v !== undefined));
        const result = await deps.preview.run(target as { config?: JsonObject }, args.events ?? undefined);
        return { results: result.results, coverage: result.coverage ? coverageView(result.coverage) : null };
      }),
    },
    Mutation: {
      setOrgDataLayer: guard(async (_: unknown, args: { source: string; note?: string | null }) => deps.transformations.set(ORG_SCOPE, args.source, args.note ?? undefined)),
      setPipelineTransformations: guard(async (_: unknown, args: { pipelineId: string; source: string; note?: string | null }) =>
        deps.transformations.set(args.pipelineId, args.source, args.note ?? undefined)),
    },
    CatalogVariant: {
      coverage: (variant: { key: string; pluginId?: string }) => {
        const def = variant.pluginId ? deps.plugins.get(variant.pluginId) : undefined;
        return def ? coverageView(deps.preview.variantCoverage(def, variant.key)) : null;
      },
    },
  } as IResolvers;
}
