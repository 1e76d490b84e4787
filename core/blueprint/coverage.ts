import type { VendorField } from '../sdk/types.ts';

export interface Coverage {
  required: { mapped: string[]; missing: string[] };
  optional: { mapped: string[]; missing: string[] };
  counts: { required: number; requiredMapped: number; optional: number; optionalMapped: number };
}

/** A vendor field is mapped when a row writes it, a part of it, or an object that holds it. */
function covers(target: string, field: string): boolean {
  return target === field || target.startsWith(`${field}.`) || field.startsWith(`${target}.`);
}

/**
 * Which of a plugin's vendor fields a blueprint maps, required and optional. Vendor field
 * names are target paths (`event_type`, `user_properties`, `user_properties.$set.email`); a
 * field counts as mapped when a row (or the event name, or pass-through properties) writes it,
 * a part of it (`user_properties.$set` maps `user_properties`), or an object holding it.
 * Takes the compiled blueprint or its `mappedTargets`.
 *
 * @example
 * blueprintCoverage(compileBlueprint(yamlText), plugin.vendorFields).counts; // { required: 3, requiredMapped: 3, optional: 12, optionalMapped: 8 }
 */
export function blueprintCoverage(compiled: { mappedTargets: readonly string[] } | readonly string[], vendorFields: Record<string, Pick<VendorField, 'required'>>): Coverage {
  const targets = Array.isArray(compiled) ? (compiled as readonly string[]) : (compiled as { mappedTargets: readonly string[] }).mappedTargets;
  const coverage: Coverage = {
    required: { mapped: [], missing: [] },
    optional: { mapped: [], missing: [] },
    counts: { required: 0, requiredMapped: 0, optional: 0, optionalMapped: 0 },
  };
  for (const [name, field] of Object.entries(vendorFields)) {
    const bucket = field.required ? coverage.required : coverage.optional;
    (targets.some((target) => covers(target, name)) ? bucket.mapped : bucket.missing).push(name);
  }
  coverage.counts = {
    required: coverage.required.mapped.length + coverage.required.missing.length,
    requiredMapped: coverage.required.mapped.length,
    optional: coverage.optional.mapped.length + coverage.optional.missing.length,
    optionalMapped: coverage.optional.mapped.length,
  };
  return coverage;
}
