import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { BlueprintError, compileBlueprint } from '../blueprint/compile-blueprint.ts';
import { blueprintCoverage, type Coverage } from '../blueprint/coverage.ts';
import { SAMPLE_EVENTS } from '../blueprint/sample-events.ts';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { createEventMapper } from '../delivery/mapper.ts';
import { redactRequest, redactSecretValues, secretValuesOf } from '../delivery/redact.ts';
import { signedNow } from '../delivery/sign-request.ts';
import { SignalError } from '../errors.ts';
import type { JsonObject, JsonValue, MappedEvent, PluginContext, PluginDefinition } from '../sdk/types.ts';
import { ownVariant, type IntegrationService, type PluginCatalog } from '../services/integrations.ts';
import { assertUuid } from '../services/pipelines.ts';
import type { TransformationService } from '../services/transformations.ts';
import type { TrackingPlanService } from '../services/tracking-plans.ts';
import { withViolations, type PlanVerdict } from '../pipeline/tracking-plan.ts';

export interface PreviewTarget {
  /** Preview an existing revision (its blueprint and config). */
  revisionId?: string;
  /** Or an ad-hoc integration: a vendor with a variant or a blueprint, and a config. */
  vendor?: string;
  variant?: string;
  blueprint?: string;
  config?: JsonObject;
  /** Apply this pipeline's transformations (and the org data layer) first. */
  pipelineId?: string;
}

export interface PreviewResult {
  messageId: string;
  input: CanonicalEvent;
  transformed: CanonicalEvent | null;
  /** The pipeline's tracking plan's verdict (with `pipelineId`, when it has a plan). */
  trackingPlan: PlanVerdict | null;
  vendorEvent: JsonObject | null;
  dropped: string | null;
  /** With `dropped`: why, as the delivery log says it (a blueprint filter and its text). */
  dropReason: string | null;
  warnings: string[];
  errors: string[];
  /** The requests the plugin would send for this event alone, secrets masked. */
  requests: JsonValue[];
}

/** What previews show in place of an access token (`ctx.accessToken`). */
export const PREVIEW_ACCESS_TOKEN = '[access token]';

/** Fills what the collect endpoint would have stamped, so hand-written sample events preview. */
function asCanonical(raw: Record<string, unknown>): CanonicalEvent {
  const now = new Date().toISOString();
  return {
    type: 'track',
    messageId: randomUUID(),
    timestamp: now,
    receivedAt: now,
    ...raw,
    context: (raw.context as CanonicalEvent['context'] | undefined) ?? {},
  } as CanonicalEvent;
}

/**
 * Dry runs: what an integration would send for sample events — the transformed event, the
 * vendor event and the exact requests (secrets masked) — sending nothing. Also coverage.
 *
 * @example
 * const preview = createPreviewService({ plugins, integrations, transformations, blueprintsDir });
 * await preview.run({ vendor: 'webhook', config: { url: 'https://x.test' } });
 */
export function createPreviewService(deps: { plugins: PluginCatalog; integrations: IntegrationService; transformations: TransformationService; trackingPlans?: Pick<TrackingPlanService, 'activeFor'>; blueprintsDir: string }) {
  function plugin(vendor: string): PluginDefinition {
    const found = deps.plugins.get(vendor);
    if (!found) throw new SignalError('SIGNAL_UNKNOWN_VENDOR', `No vendor "${vendor}" in the catalog`, [{ field: 'target.vendor', message: 'is not in the catalog' }]);
    return found;
  }

  const variantCoverage = new Map<string, Coverage | null>();

  return {
    /** Coverage of a variant's shipped blueprint (null for code-mapped variants). */
    variantCoverage(def: PluginDefinition, variant: string): Coverage | null {
      const key = `${def.id}/${variant}`;
      if (!variantCoverage.has(key)) {
        const file = ownVariant(def, variant)?.blueprint;
        let coverage: Coverage | null = null;
        if (file) {
          try {
            coverage = blueprintCoverage(compileBlueprint(readFileSync(path.resolve(deps.blueprintsDir, file), 'utf8'), { file }).mappedTargets, def.vendorFields);
          } catch {
            coverage = null;
          }
        }
        variantCoverage.set(key, coverage);
      }
      return variantCoverage.get(key)!;
    },

    async run(target: PreviewTarget, events?: Array<Record<string, unknown>>): Promise<{ results: PreviewResult[]; coverage: Coverage | null }> {
      let def: PluginDefinition;
      let variant: string;
      let blueprint: string | null;
      let config: Record<string, JsonValue>;
      if (target.revisionId !== undefined) assertUuid(target.revisionId, 'target.revisionId');
      // Checked before anything runs: a typo must not preview without the transformations.
      const pipelineTransform = target.pipelineId === undefined ? undefined : await deps.transformations.checkedTransformFor(target.pipelineId, 'target.pipelineId');
      const plan = target.pipelineId === undefined ? undefined : await deps.trackingPlans?.activeFor(target.pipelineId);
      if (target.revisionId) {
        const revision = await deps.integrations.resolveRevision(target.revisionId);
        def = plugin(revision.vendor);
        // A revision stored before variant names were checked as own keys may name `constructor`.
        variant = deps.integrations.variantOf(def.id, revision.variant, 'target.revisionId');
        blueprint = target.blueprint ?? revision.blueprint;
        config = revision.config;
      } else {
        if (!target.vendor) throw new SignalError('SIGNAL_VALIDATION_FAILED', 'Give target.revisionId, or target.vendor with a config', [{ field: 'target.vendor', message: 'is required without revisionId' }]);
        def = plugin(target.vendor);
        variant = deps.integrations.variantOf(def.id, target.variant, 'target.variant');
        config = deps.integrations.validateConfig(def.id, target.config ?? {});
        const file = ownVariant(def, variant)?.blueprint;
        blueprint = target.blueprint ?? (file ? readFileSync(path.resolve(deps.blueprintsDir, file), 'utf8') : null);
      }
      const secretFields = deps.integrations.secretFields(def.id);
      // Every string of a secret field, an object one (a webhook's secret_headers) included.
      const secrets = secretValuesOf(secretFields.map((f) => config[f]));
      // A dry run asks no vendor for a token: the requests show where it goes.
      const exchange = def.accessToken;
      const withToken = exchange !== undefined && exchange.usedBy.includes('delivery') && exchange.enabled(config) ? { accessToken: PREVIEW_ACCESS_TOKEN } : {};
      const ctx: PluginContext = { config, variant, integrationId: 'preview', revisionId: target.revisionId ?? 'preview', options: {}, now: Date.now(), ...withToken };
      let compiled;
      try {
        // An empty string is a blueprint too (an empty one, refused), not "none". Rows may not
        // read a secret parameter, as at install: with a stored revision, the blueprint
        // (possibly the caller's own) runs against the stored secrets.
        compiled = blueprint !== null ? compileBlueprint(blueprint, { file: target.blueprint !== undefined ? 'target.blueprint' : `${def.id}/${variant}.yaml`, config, secretConfigFields: secretFields }) : null;
      } catch (error) {
        if (!(error instanceof BlueprintError)) throw error;
        const field = target.blueprint !== undefined || !target.revisionId ? 'target.blueprint' : 'target.revisionId';
        // Worded as install and createRevision word it: the same blueprint, the same answer.
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `The blueprint does not compile: ${error.message}`, [
          { field, message: `line ${error.line}, column ${error.column}: ${error.path ? `${error.path}: ` : ''}${error.reason}` },
        ]);
      }
      const map = createEventMapper(def, { variant, blueprint }, ctx);
      (events ?? []).forEach((event, i) => {
        if (event === null || typeof event !== 'object' || Array.isArray(event)) {
          throw new SignalError('SIGNAL_VALIDATION_FAILED', `events[${i}] must be an event object, got ${JSON.stringify(event)?.slice(0, 40)}`, [{ field: `events[${i}]`, message: 'must be an event object' }]);
        }
      });
      const inputs = (events ?? (SAMPLE_EVENTS as unknown as Array<Record<string, unknown>>)).map(asCanonical);
      const results: PreviewResult[] = inputs.map((input) => {
        // The transformations' warnings come first, named as theirs: a field the org data layer
        // could not write explains a field the vendor event then lacks.
        // The tracking plan first, as the pipeline stage checks it: on the event as sent.
        const verdict = plan ? plan.plan.check(input) : null;
        if (verdict?.action === 'block') {
          return { messageId: input.messageId, input, transformed: null, trackingPlan: verdict, vendorEvent: null, dropped: 'tracking plan', dropReason: "the pipeline's tracking plan blocks it (see trackingPlan)", warnings: [], errors: [], requests: [] };
        }
        const checked = verdict ? withViolations(input, verdict) : input;
        const transformation = pipelineTransform ? pipelineTransform(checked) : { event: checked, warnings: [] };
        const transformed = transformation.event;
        const transformationWarnings = transformation.warnings.map((warning) => `transformation: ${warning}`);
        const result: PreviewResult = { messageId: input.messageId, input, transformed, trackingPlan: verdict, vendorEvent: null, dropped: null, dropReason: null, warnings: transformationWarnings, errors: [], requests: [] };
        if (transformed === null) {
          result.dropped = 'pipeline transformation';
          result.dropReason = "the pipeline's transformations dropped it";
          return result;
        }
        const outcome = compiled?.mapEvent(transformed);
        const mapped = map(transformed);
        // Redacted like the requests: a plugin's code mapper or map hook sees the config too.
        result.warnings = [...transformationWarnings, ...(mapped.warnings ?? [])].map((warning) => redactSecretValues(warning, secrets));
        if (mapped.error) result.errors = [redactSecretValues(mapped.error, secrets)];
        result.vendorEvent = mapped.payload === null ? null : redactSecretValues(mapped.payload, secrets);
        if (mapped.payload === null && !mapped.error) {
          result.dropped = outcome?.dropped ?? 'mapper';
          result.dropReason = mapped.dropReason ?? null;
        }
        if (mapped.payload) {
          const batch: MappedEvent[] = [{ id: transformed.messageId, event: transformed, payload: mapped.payload }];
          // Signed as the core signs them when they go (the preview's time), secrets masked.
          const built = def.send(batch, ctx);
          try {
            const sent = built.map((request) => signedNow(def.sign, request, ctx));
            result.requests = sent.map((request) => redactRequest(request, secrets));
          } catch (error) {
            result.errors = [...result.errors, redactSecretValues(`request signing failed: ${(error as Error).message}`, secrets)];
            result.requests = built.map((request) => redactRequest(request, secrets));
          }
        }
        return result;
      });
      return { results, coverage: compiled ? blueprintCoverage(compiled.mappedTargets, def.vendorFields) : null };
    },
  };
}

export type PreviewService = ReturnType<typeof createPreviewService>;
