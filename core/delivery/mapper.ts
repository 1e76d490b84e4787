import type { CanonicalEvent } from '../collect/canonical-event.ts';
import type { JsonObject, PluginContext, PluginDefinition } from '../sdk/types.ts';
import { compileBlueprint } from '../blueprint/compile-blueprint.ts';
import { thrownMessage, type MapResult } from './deliver-batch.ts';

/**
 * A compiled mapping: the per-event function, and optionally why it maps no event of a call
 * whatever the event holds (a blueprint's unhandled calls that its defaults drop).
 */
export type BlueprintMapping = ((event: CanonicalEvent) => MapResult) & { neverMaps?: (event: CanonicalEvent) => string | undefined };

/** Compiles a revision's blueprint YAML into a per-event mapping function. */
export type BlueprintCompiler = (yaml: string, file: string, parameters: Record<string, unknown>) => BlueprintMapping;

/** An integration revision's mapping (see `createEventMapper`). */
export type EventMapper = ((event: CanonicalEvent, now?: number) => MapResult) & {
  /**
   * Why the mapping sends no event of this call whatever it holds (its blueprint has no handler
   * for it and drops what none takes), else undefined; absent for a variant mapped by code.
   */
  neverMaps?: (event: CanonicalEvent) => string | undefined;
};

/**
 * The blueprint engine as delivery uses it: a dropped event maps to no payload; unfilled
 * required fields become the mapping error that dead-letters the event.
 */
export const blueprintMapper: BlueprintCompiler = (yaml, file, config) => {
  const blueprint = compileBlueprint(yaml, { file, config });
  const map = (event: CanonicalEvent): MapResult => {
    const outcome = blueprint.mapEvent(event);
    if (outcome.errors.length > 0) return { payload: null, error: `mapping: ${outcome.errors.join('; ')}`, warnings: outcome.warnings };
    if (outcome.vendorEvent === null) return { payload: null, dropReason: `blueprint: ${outcome.dropReason ?? 'the event was dropped'}`, warnings: outcome.warnings };
    return { payload: outcome.vendorEvent, warnings: outcome.warnings };
  };
  return Object.assign(map, {
    neverMaps: (event: CanonicalEvent) => {
      const reason = blueprint.neverMaps(event);
      return reason === undefined ? undefined : `blueprint: ${reason}`;
    },
  });
};

/**
 * The context a code mapper or `map` hook gets: `ctx.warn` records, for this event, what the
 * plugin left out (shown with the exchange in the delivery log, and in previews).
 */
function withWarn(ctx: PluginContext, warnings: string[]): PluginContext {
  return { ...ctx, warn: (message: string) => void warnings.push(String(message).slice(0, 500)) };
}

/**
 * The mapping of one integration revision: its blueprint (compiled once) or its variant's code
 * mapper, then the plugin's optional `map` hook. Mapping is pure: same event and time, same
 * payload. `now` is the delivery's time (default `ctx.now`): a code mapper or hook reads it as
 * `ctx.now` (e.g. to refuse an event older than the vendor accepts).
 *
 * @example
 * const map = createEventMapper(plugin, { variant: 'default', blueprint: null }, ctx);
 * map(event, Date.now()); // { payload: { … } }
 */
export function createEventMapper(
  plugin: PluginDefinition,
  revision: { variant: string; blueprint: string | null },
  ctx: PluginContext,
  compileBlueprint: BlueprintCompiler = blueprintMapper,
): EventMapper {
  // Own keys only: a variant named `constructor` must not find Object's.
  const variant = Object.hasOwn(plugin.variants, revision.variant) ? plugin.variants[revision.variant] : undefined;
  if (!variant) throw new Error(`Plugin "${plugin.id}" has no variant "${revision.variant}"`);
  let base: (event: CanonicalEvent, at: PluginContext) => MapResult;
  let neverMaps: EventMapper['neverMaps'];
  // A plugin that skips an event says why with ctx.warn (Outbrain: "not sent: no click id");
  // its warnings go with the reason, which names who dropped it.
  const droppedBy = (warnings: string[]): string => `the ${plugin.id} plugin's mapping sent nothing for this event${warnings.length > 0 ? ' (see its warnings)' : ''}`;
  if (revision.blueprint) {
    const blueprint = compileBlueprint(revision.blueprint, `${plugin.id}/${revision.variant}.yaml (revision)`, ctx.config);
    base = (event) => blueprint(event);
    // A blueprint's drop comes before the `map` hook, which never sees such an event.
    neverMaps = blueprint.neverMaps;
  } else if (variant.map) {
    const code = variant.map;
    base = (event, at) => {
      const warnings: string[] = [];
      const payload = code(event, withWarn(at, warnings));
      const dropped = payload === null ? { dropReason: droppedBy(warnings) } : {};
      return warnings.length > 0 ? { payload, ...dropped, warnings } : { payload, ...dropped };
    };
  } else {
    throw new Error(`Plugin "${plugin.id}" variant "${revision.variant}" has neither a blueprint in the revision nor a code mapper`);
  }
  const hook = plugin.map;
  const at = (now: number | undefined): PluginContext => (now === undefined || now === ctx.now ? ctx : { ...ctx, now });
  const withNeverMaps = (mapper: (event: CanonicalEvent, now?: number) => MapResult): EventMapper => (neverMaps ? Object.assign(mapper, { neverMaps }) : mapper);
  if (!hook) return withNeverMaps((event, now) => base(event, at(now)));
  return withNeverMaps((event, now) => {
    const context = at(now);
    const result = base(event, context);
    if (result.payload === null || result.error !== undefined) return result;
    const warnings: string[] = [];
    try {
      const payload: JsonObject | null = hook(result.payload, event, withWarn(context, warnings));
      const dropped = payload === null ? { dropReason: droppedBy(warnings) } : {};
      return warnings.length > 0 ? { ...result, payload, ...dropped, warnings: [...(result.warnings ?? []), ...warnings] } : { ...result, payload, ...dropped };
    } catch (error) {
      // A plugin refusing an event (PermanentError) dead-letters it with its reason.
      return { payload: null, error: thrownMessage(error), ...(result.warnings ? { warnings: result.warnings } : {}) };
    }
  });
}
