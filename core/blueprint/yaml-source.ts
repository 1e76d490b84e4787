/**
 * YAML with positions: parses a document once, keeps it, and turns a path inside it (from the
 * compiler or from an ajv error) into a BlueprintError with line and column.
 */
import type { ErrorObject } from 'ajv';
import { isMap, isScalar, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { BlueprintError } from './blueprint-error.ts';
import type { Path } from './row-compiler.ts';
import { findNonJson } from './yaml-json-check.ts';

export interface ParsedSource {
  /** The document as plain data. */
  value: unknown;
  /** Throws a BlueprintError at a path; `preferKey` points at the key rather than its value. */
  fail(path: Path, reason: string, preferKey?: boolean): never;
}

/**
 * Formats a YAML path for messages: `events.page.mappings[2].source`.
 *
 * @example
 * pathText(['global', 3, 'transforms']); // 'global[3].transforms'
 */
export function pathText(path: Path): string {
  let out = '';
  for (const part of path) out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  return out;
}

function keyOffset(parent: unknown, key: string | number): number | undefined {
  if (!parent || !isMap(parent)) return undefined;
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
  return isScalar(pair?.key) ? pair.key.range?.[0] : undefined;
}

/** The YAML parser's reason, first line only; a stack overflow from deep nesting said plainly. */
function yamlReason(message: string): string {
  if (/maximum call stack/i.test(message)) return 'YAML: nested too deeply to read (thousands of levels): a blueprint or transformation needs only a few';
  return `YAML: ${message.split('\n')[0]}`;
}

/**
 * Parses YAML text (or takes an already parsed object, whose errors then point at 1:1) and
 * returns the data with a positional `fail`. YAML syntax errors throw at once.
 *
 * @example
 * const { value, fail } = parseSource('global: []\n', 'x.yaml');
 * fail(['global'], 'is wrong'); // throws BlueprintError 'x.yaml:1:9: global: is wrong'
 */
export function parseSource(source: string | object, file: string): ParsedSource {
  if (typeof source !== 'string') {
    return {
      value: source,
      fail(path, reason) {
        throw new BlueprintError(file, 1, 1, pathText(path), reason);
      },
    };
  }
  const lineCounter = new LineCounter();
  const doc: Document = parseDocument(source, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    const error = doc.errors[0]!;
    const pos = lineCounter.linePos(error.pos[0]);
    throw new BlueprintError(file, pos.line, pos.col, '', yamlReason(error.message));
  }
  const nonJson = findNonJson(doc);
  if (nonJson !== undefined) {
    const pos = lineCounter.linePos(nonJson.offset);
    throw new BlueprintError(file, pos.line, pos.col, pathText(nonJson.path), nonJson.reason);
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // An alias bomb or a bad anchor: refused as a whole document.
    throw new BlueprintError(file, 1, 1, '', yamlReason((error as Error).message));
  }

  function locate(path: Path, preferKey: boolean): { line: number; column: number } {
    const at = (offset: number) => {
      const pos = lineCounter.linePos(offset);
      return { line: pos.line, column: pos.col };
    };
    if (preferKey && path.length > 0) {
      const offset = keyOffset(doc.getIn(path.slice(0, -1), true), path.at(-1)!);
      if (offset !== undefined) return at(offset);
    }
    // The deepest node that exists along the path; for a key without a value, the key.
    for (let depth = path.length; depth >= 0; depth--) {
      const node = (depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true)) as Node | null | undefined;
      const offset = node && typeof node === 'object' && 'range' in node ? node.range?.[0] : undefined;
      if (offset !== undefined) return at(offset);
      if (depth > 0) {
        const keyAt = keyOffset(doc.getIn(path.slice(0, depth - 1), true), path[depth - 1]!);
        if (keyAt !== undefined) return at(keyAt);
      }
    }
    return { line: 1, column: 1 };
  }

  return {
    value,
    fail(path, reason, preferKey = false) {
      const { line, column } = locate(path, preferKey);
      throw new BlueprintError(file, line, column, pathText(path), reason);
    },
  };
}

const KEYWORD_RANK: Record<string, number> = { additionalProperties: 4, required: 4, enum: 3, const: 3, minItems: 2, maxProperties: 2, minProperties: 2, type: 1 };

/**
 * Picks the most useful of ajv's errors (the deepest, then the most specific keyword) and
 * fails at its position with a plain-words reason. With `anyOf` branches ajv reports every
 * branch; the deepest error is the one the author meant.
 *
 * @example
 * if (!validate(data)) failWithSchemaErrors(validate.errors!, source.fail);
 */
export function failWithSchemaErrors(errors: readonly ErrorObject[], fail: ParsedSource['fail']): never {
  const pathOf = (error: ErrorObject): Path =>
    error.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
  const depthOf = (error: ErrorObject) => pathOf(error).length + (error.keyword === 'additionalProperties' ? 1 : 0);
  let best = errors[0]!;
  for (const error of errors) {
    const byDepth = depthOf(error) - depthOf(best);
    if (byDepth > 0 || (byDepth === 0 && (KEYWORD_RANK[error.keyword] ?? 0) > (KEYWORD_RANK[best.keyword] ?? 0))) best = error;
  }
  const path = pathOf(best);
  const params = best.params as Record<string, unknown>;
  switch (best.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return fail([...path, key], `unknown key "${key}"`, true);
    }
    case 'required':
      return fail(path, `"${String(params.missingProperty)}" is required`);
    case 'enum':
      return fail(path, `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`);
    case 'type': {
      const expected = new Set<string>();
      for (const error of errors) if (error.keyword === 'type' && error.instancePath === best.instancePath) expected.add(String((error.params as { type: unknown }).type));
      return fail(path, `must be ${[...expected].join(' or ')}`);
    }
    default:
      return fail(path, best.message ?? 'is invalid');
  }
}
