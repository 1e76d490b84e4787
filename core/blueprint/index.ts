/**
 * The blueprint engine: YAML schema mappings compiled once into closures, the transforms, the
 * filter language, pipeline transformations (and the org data layer), coverage and previews.
 * Reference: docs/blueprints.md.
 *
 * @example
 * import { compileBlueprint, previewBlueprint, blueprintCoverage } from './core/blueprint/index.ts';
 * const blueprint = compileBlueprint(yamlText, { file: 'amplitude/default.yaml', config });
 * blueprint.mapEvent(event); // { vendorEvent, eventName, handler, warnings, errors }
 */
export { BlueprintError } from './blueprint-error.ts';
export { compileBlueprint, loadBlueprintFile, handlerKey, type CompiledBlueprint, type CompileOptions, type MapOutcome } from './compile-blueprint.ts';
export { compileTransformations, composeTransformations, type EventTransformation, type TransformResult } from './transformations.ts';
export { parseFilter, FilterSyntaxError, type Predicate } from './filter.ts';
export { blueprintCoverage, type Coverage } from './coverage.ts';
export { previewBlueprint, type PreviewEntry, type PreviewOptions } from './preview-blueprint.ts';
export { TRANSFORMS, TransformError, compileTransforms, hashIdentifier, normalizePhone, type HashKind, type TransformStep } from './transforms.ts';
export { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';
export { SAMPLE_EVENTS, sampleEvent } from './sample-events.ts';
