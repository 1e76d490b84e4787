import type { ConfigProblem, JsonObject, PluginDefinition } from '../sdk/types.ts';

/**
 * A plugin's advice about an installed config as of `now` (its `configWarnings`), never
 * throwing: a plugin that fails here must not hide the revision it is asked about, so its
 * failure becomes the one warning.
 *
 * @example
 * configWarningsOf(linkedin, revision.config, Date.now());
 * // [{ field: 'linkedin_version', message: 'is 202603, which LinkedIn serves until about March 2027 …' }]
 */
export function configWarningsOf(def: PluginDefinition | undefined, config: JsonObject, now: number): ConfigProblem[] {
  if (!def?.configWarnings) return [];
  try {
    const warnings = def.configWarnings(config, now);
    if (!Array.isArray(warnings)) return [{ field: '(plugin)', message: `${def.id}'s configWarnings returned ${typeof warnings}, not a list` }];
    return warnings.filter((w) => typeof w?.field === 'string' && typeof w.message === 'string').map(({ field, message }) => ({ field, message }));
  } catch (error) {
    return [{ field: '(plugin)', message: `${def.id}'s configWarnings failed: ${(error as Error).message}` }];
  }
}
