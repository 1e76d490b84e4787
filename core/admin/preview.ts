import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileBlueprint } from '../blueprint/compile-blueprint.ts';
import { blueprintCoverage, type Coverage } from '../blueprint/coverage.ts';
import { SAMPLE_EVENTS } from '../blueprint/sample-events.ts';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { createEventMapper } from '../delivery/mapper.ts';
import { redactRequest } from '../delivery/redact.ts';
import { SignalError } from '../errors.ts';
import type { JsonObject, JsonValue, MappedEvent, PluginContext, PluginDefinition } from '../sdk/types.ts';
import type { IntegrationService, PluginCatalog } from '../services/integrations.ts';
import type { TransformationService } from '../services/transformations.ts';

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
  vendorEvent: JsonObject | null;
  dropped: string | null;
  warnings: string[];
  errors: string[];
  /** The requests the plugin would send for this event alone, secrets masked. */
  requests: JsonValue[];
}

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
export function createPreviewService(deps: { plugins: PluginCatalog; integrations: IntegrationService; transformations: TransformationService; blueprintsDir: string }) {
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
        const file = def.variants[variant]?.blueprint;
        let coverage: Coverage | null = null;
        if (file) {
          try {
            coverage = blueprintCoverage(compileBlueprint(readFileSync(path.join(deps.blueprintsDir, file), 'utf8'), { file }).mappedTargets, def.vendorFields);
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
      let secrets: string[] = [];
      if (target.revisionId) {
        const revision = await deps.integrations.resolveRevision(target.revisionId);
        def = plugin(revision.vendor);
        variant = revision.variant;
        blueprint = target.blueprint ?? revision.blueprint;
        config = revision.config;
        secrets = deps.integrations.secretFields(revision.vendor).map((f) => config[f]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
      } else {
        if (!target.vendor) throw new SignalError('SIGNAL_VALIDATION_FAILED', 'Give target.revisionId, or target.vendor with a config', [{ field: 'target.vendor', message: 'is required without revisionId' }]);
        def = plugin(target.vendor);
        variant = target.variant ?? (def.variants.default ? 'default' : Object.keys(def.variants)[0]!);
        if (!def.variants[variant]) throw new SignalError('SIGNAL_UNKNOWN_VARIANT', `Vendor "${def.id}" has no variant "${variant}"`, [{ field: 'target.variant', message: `must be one of: ${Object.keys(def.variants).join(', ')}` }]);
        config = deps.integrations.validateConfig(def.id, target.config ?? {});
        secrets = deps.integrations.secretFields(def.id).map((f) => config[f]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
        const file = def.variants[variant]!.blueprint;
        blueprint = target.blueprint ?? (file ? readFileSync(path.join(deps.blueprintsDir, file), 'utf8') : null);
      }
      const ctx: PluginContext = { config, variant, integrationId: 'preview', revisionId: target.revisionId ?? 'preview', options: {}, now: Date.now() };
      let compiled;
      try {
        // An empty string is a blueprint too (an empty one, refused), not "none".
        compiled = blueprint !== null ? compileBlueprint(blueprint, { file: `${def.id}/${variant}.yaml`, config }) : null;
      } catch (error) {
        throw new SignalError('SIGNAL_VALIDATION_FAILED', `The blueprint does not compile: ${(error as Error).message}`, [{ field: 'target.blueprint', message: (error as Error).message }]);
      }
      const map = createEventMapper(def, { variant, blueprint }, ctx);
      const transform = (target.pipelineId ? await deps.transformations.transformFor(target.pipelineId) : undefined) ?? ((event: CanonicalEvent) => event);
      const inputs = (events ?? (SAMPLE_EVENTS as unknown as Array<Record<string, unknown>>)).map(asCanonical);
      const results: PreviewResult[] = inputs.map((input) => {
        const transformed = transform(input);
        const result: PreviewResult = { messageId: input.messageId, input, transformed, vendorEvent: null, dropped: null, warnings: [], errors: [], requests: [] };
        if (transformed === null) {
          result.dropped = 'pipeline transformation';
          return result;
        }
        const outcome = compiled?.mapEvent(transformed);
        const mapped = map(transformed);
        result.warnings = mapped.warnings ?? [];
        if (mapped.error) result.errors = [mapped.error];
        result.vendorEvent = mapped.payload;
        if (mapped.payload === null && !mapped.error) result.dropped = outcome?.dropped ?? 'mapper';
        if (mapped.payload) {
          const batch: MappedEvent[] = [{ id: transformed.messageId, event: transformed, payload: mapped.payload }];
          result.requests = def.send(batch, ctx).map((request) => redactRequest(request, secrets));
        }
        return result;
      });
      return { results, coverage: compiled ? blueprintCoverage(compiled.mappedTargets, def.vendorFields) : null };
    },
  };
}

export type PreviewService = ReturnType<typeof createPreviewService>;
