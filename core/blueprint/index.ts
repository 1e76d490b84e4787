/**
 * The blueprint engine: YAML schema mappings compiled once into closures, the transforms,
 * the filter language, pipeline transformations and coverage.
 *
 * @example
 * import { compileBlueprint } from './core/blueprint/index.ts';
 */
export { compileBlueprint, loadBlueprintFile, BlueprintError, type CompiledBlueprint, type MapOutcome } from './compile-blueprint.ts';
export { compileTransformations, composeTransformations, type EventTransformation, type TransformResult } from './transformations.ts';
export { parseFilter, FilterSyntaxError, type Predicate } from './filter.ts';
export { blueprintCoverage, type Coverage } from './coverage.ts';
export { TRANSFORMS, compileTransforms, hashIdentifier, normalizePhone } from './transforms.ts';
export { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';
export { SAMPLE_EVENTS, sampleEvent } from './sample-events.ts';
