import { Ajv } from 'ajv';
import { LineCounter, parseDocument } from 'yaml';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';
import { BlueprintError } from './compile-blueprint.ts';
import { createRowCompiler, type OperationDef, type Path } from './row-compiler.ts';

export interface TransformResult {
  /** The transformed event, or null when a drop rule matched. */
  event: CanonicalEvent | null;
  warnings: string[];
}

export type EventTransformation = (event: CanonicalEvent) => TransformResult;

const validate = new Ajv({ allErrors: false, strict: false }).compile({
  definitions: BLUEPRINT_SCHEMA.definitions,
  type: 'array',
  items: { $ref: '#/definitions/operation' },
});

/**
 * Compiles an ordered list of operations on canonical events — the org data layer and each
 * pipeline's transformations: `set` (a row: source, value or template with transforms),
 * `rename` {from, to}, `remove` path, `hash` path (normalised SHA-256), `drop` filter. Each
 * event is copied before the first operation, so the caller's event is never changed.
 *
 * @example
 * const transform = compileTransformations(`
 * - set: { target: context.app.name, value: shop }
 * - hash: traits.email
 * - drop: 'event == "Internal Test"'
 * `, { file: 'pipeline:web' });
 * transform(event); // { event: {…}, warnings: [] }
 */
export function compileTransformations(source: string | OperationDef[], options: { file?: string } = {}): EventTransformation {
  const file = options.file ?? '(transformations)';
  let list: unknown = source;
  let lineCounter: LineCounter | undefined;
  let doc: ReturnType<typeof parseDocument> | undefined;
  if (typeof source === 'string') {
    lineCounter = new LineCounter();
    doc = parseDocument(source, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      const pos = lineCounter.linePos(doc.errors[0]!.pos[0]);
      throw new BlueprintError(file, pos.line, pos.col, '', `YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
    }
    list = doc.toJS() ?? [];
  }
  const fail = (path: Path, reason: string): never => {
    let line = 1;
    let column = 1;
    const node = doc?.getIn(path, true) as { range?: [number] } | undefined;
    if (node?.range && lineCounter) ({ line, col: column } = lineCounter.linePos(node.range[0]));
    throw new BlueprintError(file, line, column, path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').replace(/^\./, ''), reason);
  };
  if (!validate(list)) {
    const error = validate.errors![0]!;
    const path: Path = error.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
    fail(path, error.keyword === 'additionalProperties' ? `unknown operation "${String((error.params as { additionalProperty: string }).additionalProperty)}"; use set, rename, remove, hash or drop` : (error.message ?? 'is invalid'));
  }
  const { compileOperation } = createRowCompiler(fail);
  const ops = (list as OperationDef[]).map((op, i) => compileOperation(op, [i]));
  return (event) => {
    if (ops.length === 0) return { event, warnings: [] };
    const copy = structuredClone(event) as unknown as Record<string, unknown>;
    const report = { warnings: [] as string[] };
    for (const op of ops) if (op(copy, report) === false) return { event: null, warnings: report.warnings };
    return { event: copy as unknown as CanonicalEvent, warnings: report.warnings };
  };
}

/**
 * Applies transformation lists in order (the org data layer first, then the pipeline's); a
 * drop anywhere stops the event.
 *
 * @example
 * const transform = composeTransformations(orgDataLayer, pipelineTransformations);
 */
export function composeTransformations(...steps: EventTransformation[]): EventTransformation {
  return (event) => {
    let current: CanonicalEvent | null = event;
    const warnings: string[] = [];
    for (const step of steps) {
      const result = step(current);
      warnings.push(...result.warnings);
      current = result.event;
      if (current === null) break;
    }
    return { event: current, warnings };
  };
}
