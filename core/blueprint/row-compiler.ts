import type { JsonValue } from '../collect/canonical-event.ts';
import { parseFilter, type Predicate } from './filter.ts';
import { compileGetter, compileRemover, compileSetter, parsePath, type Getter } from './paths.ts';
import { compileTransforms, hashIdentifier, TransformError, type TransformFn, type TransformStep } from './transforms.ts';

export type Path = Array<string | number>;

/** One mapping row as written in YAML. */
export interface RowDef {
  target: string;
  /** A path, or paths tried in order (the first with a value wins). */
  source?: string | string[];
  value?: JsonValue;
  template?: string;
  transforms?: TransformStep[];
  default?: JsonValue;
  required?: boolean;
  when?: string;
  exclude?: string[];
  each?: RowDef[];
}

/** One operation (pipeline transformations, handler transforms). */
export type OperationDef = { set?: RowDef; rename?: { from: string; to: string }; remove?: string; hash?: string; drop?: string };

export interface Report {
  warnings: string[];
  errors: string[];
}

/** A compiled row: writes its target on `out`, or reports a warning or an error. */
export type Row = (event: unknown, out: Record<string, unknown>, report: Report) => void;

/** A compiled operation; returns false when the event must be dropped. */
export type Op = (target: Record<string, unknown>, report: { warnings: string[] }) => boolean | void;

export function isMissing(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

/**
 * Compiles mapping rows and operations into closures; `fail` reports a problem at a YAML path
 * (and never returns), `parameters` are the blueprint's bound parameters.
 */
export function createRowCompiler(fail: (path: Path, reason: string) => never, parameters: Record<string, unknown> = {}) {
  function getter(path: string, at: Path): Getter {
    const parsed = parsePath(path);
    if ('error' in parsed) fail(at, parsed.error);
    if (path.startsWith('parameters.')) {
      const value = compileGetter(path.slice('parameters.'.length))(parameters);
      return () => value;
    }
    return compileGetter(path);
  }

  function filter(expression: string, at: Path): Predicate {
    try {
      return parseFilter(expression);
    } catch (error) {
      return fail(at, `filter: ${(error as Error).message}`);
    }
  }

  function templateOf(template: string, at: Path): (event: unknown) => string {
    const parts: Array<string | Getter> = [];
    let rest = template;
    for (;;) {
      const start = rest.indexOf('{{');
      if (start < 0) break;
      const end = rest.indexOf('}}', start);
      if (end < 0) fail(at, 'a "{{" has no closing "}}"');
      if (start > 0) parts.push(rest.slice(0, start));
      parts.push(getter(rest.slice(start + 2, end).trim(), at));
      rest = rest.slice(end + 2);
    }
    if (rest) parts.push(rest);
    return (event) => {
      let out = '';
      for (const part of parts) {
        if (typeof part === 'string') out += part;
        else {
          const v = part(event);
          if (v !== undefined && v !== null) out += typeof v === 'object' ? JSON.stringify(v) : String(v);
        }
      }
      return out;
    };
  }

  function compileRow(row: RowDef, at: Path): Row {
    const sources = ['source', 'value', 'template'].filter((k) => k in row);
    if (sources.length !== 1) fail(at, 'a row needs exactly one of source, value or template');
    const targetCheck = parsePath(row.target);
    if ('error' in targetCheck) fail([...at, 'target'], targetCheck.error);
    if (targetCheck && 'segments' in targetCheck && targetCheck.segments.some((s) => s.each)) fail([...at, 'target'], 'a target cannot contain []');
    const set = compileSetter(row.target);
    let read: (event: unknown) => unknown;
    if (Array.isArray(row.source)) {
      const getters = row.source.map((p, i) => getter(p, [...at, 'source', i]));
      read = (event) => {
        for (const get of getters) {
          const v = get(event);
          if (!isMissing(v)) return v;
        }
        return undefined;
      };
    } else if (row.source !== undefined) read = getter(row.source, [...at, 'source']);
    else if (row.template !== undefined) read = templateOf(row.template, [...at, 'template']);
    else {
      const value = row.value;
      read = () => (typeof value === 'object' && value !== null ? structuredClone(value) : value);
    }
    if (row.exclude) {
      const excluded = new Set(row.exclude);
      const inner = read;
      read = (event) => {
        const v = inner(event);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
        return Object.fromEntries(Object.entries(v).filter(([k]) => !excluded.has(k)));
      };
    }
    if (row.each) {
      const subRows = row.each.map((sub, i) => compileRow(sub, [...at, 'each', i]));
      const inner = read;
      read = (event) => {
        const list = inner(event);
        if (!Array.isArray(list)) return undefined;
        return list.map((item) => {
          const element: Record<string, unknown> = {};
          const report = { warnings: [] as string[], errors: [] as string[] };
          for (const sub of subRows) sub(item, element, report);
          return element;
        });
      };
    }
    let transform: TransformFn = (v) => v;
    try {
      transform = compileTransforms(row.transforms ?? []);
    } catch (error) {
      fail([...at, 'transforms'], (error as Error).message);
    }
    const when = row.when === undefined ? undefined : filter(row.when, [...at, 'when']);
    const hasDefault = 'default' in row;
    const fallback = row.default;
    const required = row.required === true;
    const target = row.target;
    return (event, out, report) => {
      if (when && !when(event)) return;
      let value: unknown;
      try {
        value = transform(read(event));
      } catch (error) {
        if (!(error instanceof TransformError)) throw error;
        value = undefined;
        report.warnings.push(`${target}: ${error.message}; the field was left out`);
      }
      if (isMissing(value) && hasDefault) value = fallback;
      if (value === undefined || (value === null && !hasDefault)) {
        if (required) report.errors.push(`${target} is required but ${row.source ? `${[row.source].flat().join(' / ')} ${Array.isArray(row.source) ? 'are' : 'is'} missing` : 'has no value'}`);
        return;
      }
      set(out, value);
    };
  }

  function compileRows(rows: RowDef[] | undefined, at: Path): Row[] {
    return (rows ?? []).map((row, i) => compileRow(row, [...at, i]));
  }

  function compileOperation(op: OperationDef, at: Path): Op {
    if (op.set) {
      const row = compileRow(op.set, [...at, 'set']);
      return (target, report) => row(target, target, { warnings: report.warnings, errors: report.warnings });
    }
    if (op.rename) {
      const get = getter(op.rename.from, [...at, 'rename', 'from']);
      const remove = compileRemover(op.rename.from);
      const set = compileSetter(op.rename.to);
      return (target) => {
        const v = get(target);
        if (v === undefined) return;
        remove(target);
        set(target, v);
      };
    }
    if (op.remove) {
      getter(op.remove, [...at, 'remove']);
      const remove = compileRemover(op.remove);
      return (target) => remove(target);
    }
    if (op.hash) {
      const get = getter(op.hash, [...at, 'hash']);
      const set = compileSetter(op.hash);
      const path = op.hash;
      return (target, report) => {
        const v = get(target);
        if (v === undefined || v === null) return;
        try {
          set(target, hashIdentifier(v));
        } catch (error) {
          compileRemover(path)(target);
          report.warnings.push(`${path}: ${(error as Error).message}; the field was removed`);
        }
      };
    }
    if (op.drop !== undefined) {
      const matches = filter(op.drop, [...at, 'drop']);
      return (target) => !matches(target);
    }
    return fail(at, 'an operation is one of set, rename, remove, hash or drop');
  }

  return { getter, filter, compileRow, compileRows, compileOperation };
}
