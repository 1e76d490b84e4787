import { Ajv, type ValidateFunction } from 'ajv';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';
import { copyJson } from './paths.ts';
import { createRowCompiler, type OperationDef, type Report } from './row-compiler.ts';
import { failWithSchemaErrors, parseSource } from './yaml-source.ts';

export interface TransformResult {
  /** The transformed event (a copy), or null when a drop rule matched. */
  event: CanonicalEvent | null;
  /** Fields a transform could not produce (left out) or hash (removed). */
  warnings: string[];
}

/** A compiled list of operations. Pure: never changes its input, never throws. */
export type EventTransformation = (event: CanonicalEvent) => TransformResult;

// Compiled at the first transformation checked, not at import: some 60 ms of CPU that every
// process starting a Signal paid, most of them (test files) never setting a transformation.
let validateOperations: ValidateFunction | undefined;
const operationsValidator = (): ValidateFunction => (validateOperations ??= new Ajv({ allErrors: true, strict: false }).compile({
  definitions: BLUEPRINT_SCHEMA.definitions,
  type: 'array',
  items: { $ref: '#/definitions/operation' },
}));

/**
 * Top-level fields of the canonical event that no transformation may write, rename or remove:
 * the delivery engine settles, retries and dead-letters events by them.
 */
const PROTECTED_FIELDS: ReadonlyMap<string, string> = new Map([
  ['messageId', 'is the event\'s identity through retries, dead letters and vendors\' deduplication'],
  ['type', 'says which call the event is (track, page, identify, …) and which handler maps it'],
  ['receivedAt', 'is when Signal received the event, stamped by the server'],
]);

/** The paths an operation writes or removes, with where each sits in the operation. */
function writtenPaths(op: OperationDef): Array<[Array<string | number>, string]> {
  const paths: Array<[Array<string | number>, string]> = [];
  if (typeof op.set?.target === 'string') paths.push([['set', 'target'], op.set.target]);
  if (typeof op.rename?.from === 'string') paths.push([['rename', 'from'], op.rename.from]);
  if (typeof op.rename?.to === 'string') paths.push([['rename', 'to'], op.rename.to]);
  if (typeof op.remove === 'string') paths.push([['remove'], op.remove]);
  if (typeof op.hash === 'string') paths.push([['hash'], op.hash]);
  else if (typeof op.hash?.path === 'string') paths.push([['hash', 'path'], op.hash.path]);
  return paths;
}

/**
 * Compiles an ordered list of operations on canonical events — the org data layer and each
 * pipeline's transformations: `set` (a row: source, value or template, with transforms),
 * `rename` {from, to}, `remove` path, `hash` path or {path, default_country_code, kind}
 * (normalised SHA-256 in place; removed when it cannot be hashed), `drop` filter (matching
 * events stop here). The event is copied before the first operation, so the caller's event is
 * never changed. An invalid list throws a BlueprintError with line and column.
 *
 * @example
 * const transform = compileTransformations(`
 * - set: { target: context.app.name, value: shop }
 * - hash: traits.email
 * - drop: 'event == "Internal Test"'
 * `, { file: 'pipeline web' });
 * transform(event); // { event: {…, traits: {email: '5e88…'}}, warnings: [] }
 */
export function compileTransformations(source: string | OperationDef[], options: { file?: string } = {}): EventTransformation {
  const parsed = parseSource(source, options.file ?? '(transformations)');
  const list = parsed.value ?? [];
  const validate = operationsValidator();
  if (!validate(list)) {
    const errors = validate.errors ?? [];
    const unknown = errors.find((e) => e.keyword === 'additionalProperties' && e.instancePath.split('/').length === 2);
    if (unknown) {
      const index = Number(unknown.instancePath.slice(1));
      const name = String((unknown.params as { additionalProperty: string }).additionalProperty);
      parsed.fail([index], `unknown operation "${name}"; use set, rename, remove, hash or drop`);
    }
    failWithSchemaErrors(errors, parsed.fail);
  }
  (list as OperationDef[]).forEach((op, i) => {
    for (const [at, path] of writtenPaths(op)) {
      const field = path.split('.')[0]!.replace(/\[\]$/, '');
      if (PROTECTED_FIELDS.has(field)) parsed.fail([i, ...at], `${field} ${PROTECTED_FIELDS.get(field)}: a transformation may not change it`);
    }
  });
  const { compileOperation } = createRowCompiler(parsed.fail);
  const ops = (list as OperationDef[]).map((op, i) => compileOperation(op, [i]));
  if (ops.length === 0) return (event) => ({ event, warnings: [] });
  return (event) => {
    const copy = copyJson(event) as unknown as Record<string, unknown>;
    const report: Report = { warnings: [], errors: [] };
    try {
      for (let i = 0; i < ops.length; i++) if (!ops[i]!(copy, report)) return { event: null, warnings: report.warnings };
    } catch (error) {
      // Operations are written not to throw; should one, the event goes on unchanged.
      return { event, warnings: [...report.warnings, `transformations failed: ${(error as Error)?.message ?? String(error)}; the event was left unchanged`] };
    }
    return { event: copy as unknown as CanonicalEvent, warnings: report.warnings };
  };
}

/**
 * Applies transformation lists in order — the org data layer first, then the pipeline's; a
 * drop anywhere stops the event. Takes compiled lists or their sources (YAML text or arrays,
 * compiled here once).
 *
 * @example
 * const transform = composeTransformations(orgDataLayer, pipelineTransformations);
 * const { event, warnings } = transform(canonicalEvent); // event null: dropped
 */
export function composeTransformations(...steps: Array<EventTransformation | string | OperationDef[]>): EventTransformation {
  const compiled = steps.map((step, i) => (typeof step === 'function' ? step : compileTransformations(step, { file: i === 0 && steps.length > 1 ? '(org data layer)' : `(transformations ${i + 1})` })));
  if (compiled.length === 1) return compiled[0]!;
  return (event) => {
    let current: CanonicalEvent | null = event;
    const warnings: string[] = [];
    for (const step of compiled) {
      const result = step(current);
      for (const warning of result.warnings) warnings.push(warning);
      current = result.event;
      if (current === null) break;
    }
    return { event: current, warnings };
  };
}
