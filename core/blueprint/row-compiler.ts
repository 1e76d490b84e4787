/**
 * The shared compiler of mapping rows and operations: blueprints (global, handlers, defaults)
 * and pipeline transformations use the same rows, so they behave the same everywhere.
 */
import type { JsonValue } from '../collect/canonical-event.ts';
import { FilterSyntaxError, parseFilter, type Predicate } from './filter.ts';
import { compileGetter, compileMergingSetter, compileRemover, compileSetter, copyJson, isIndexSegment, parsePath, type Getter } from './paths.ts';
import { compileTransforms, TransformError, type TransformFn, type TransformStep } from './transforms.ts';

/** A position in the YAML document: keys and list indexes from the root. */
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

/** `hash: path`, or with options. */
export type HashDef = string | { path: string; default_country_code?: string | number; kind?: string };

/** One operation (pipeline transformations, handler transforms). */
export interface OperationDef {
  set?: RowDef;
  rename?: { from: string; to: string };
  remove?: string;
  hash?: HashDef;
  drop?: string;
}

export interface Report {
  warnings: string[];
  errors: string[];
}

/** The parameters rows read; `params` is swapped for one call when the caller overrides them. */
export interface ParameterScope {
  params: Record<string, unknown>;
  /** Declared parameter names: `parameters.<name>` must name one. */
  declared: ReadonlySet<string>;
  /** Parameters no row may read, with the reason a read is refused (e.g. bound to a secret). */
  unreadable?: ReadonlyMap<string, string>;
}

/** A compiled row: writes its target on `out`, or reports a warning or an error. */
export type Row = (event: unknown, out: Record<string, unknown>, report: Report) => void;

/** A compiled operation; returns false when the event must be dropped. */
export type Op = (target: Record<string, unknown>, report: Report) => boolean;

type Read = (event: unknown, report: Report) => unknown;

/**
 * "No value" for a row's `default`, its `required` check and the first-of-several sources:
 * undefined, null, blank text (empty or white space only) or an empty list.
 *
 * @example
 * isMissing('');   // true
 * isMissing('  '); // true
 * isMissing(0);    // false
 */
export function isMissing(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (typeof value === 'string') return value.trim() === '';
  return Array.isArray(value) && value.length === 0;
}

/** What a value is, for warnings about shapes (never the value itself: it may be PII). */
function shapeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

export type Fail = (path: Path, reason: string, preferKey?: boolean) => never;

/**
 * Creates the compiler of rows and operations. `fail` reports a problem at a YAML path (and
 * never returns); `scope` holds the blueprint's parameters.
 *
 * @example
 * const { compileRow } = createRowCompiler(fail, { params: { platform: 'Web' }, declared: new Set(['platform']) });
 * const row = compileRow({ source: 'userId', target: 'user_id' }, ['global', 0]);
 */
export function createRowCompiler(fail: Fail, scope: ParameterScope = { params: {}, declared: new Set() }) {
  function getter(path: unknown, at: Path): Getter {
    if (typeof path !== 'string') return fail(at, 'must be a path such as properties.revenue');
    const parsed = parsePath(path);
    if ('error' in parsed) return fail(at, parsed.error);
    if (parsed.segments[0]!.key === 'parameters' && !parsed.segments[0]!.each) {
      const name = parsed.segments[1];
      if (!name) return fail(at, 'name a parameter: parameters.<name>');
      if (!scope.declared.has(name.key)) {
        const known = [...scope.declared];
        return fail(at, `no parameter "${name.key}" is declared${known.length > 0 ? ` (declared: ${known.join(', ')})` : ' in the parameters section'}`);
      }
      const refused = scope.unreadable?.get(name.key);
      if (refused !== undefined) return fail(at, refused);
      const inner = compileGetter(path.slice('parameters.'.length));
      return () => inner(scope.params);
    }
    return compileGetter(path);
  }

  function filter(expression: unknown, at: Path): Predicate {
    if (typeof expression !== 'string') return fail(at, 'a filter is text, e.g. \'properties.total > 100\'');
    try {
      return parseFilter(expression);
    } catch (error) {
      if (error instanceof FilterSyntaxError) return fail(at, `filter: ${error.message}`);
      throw error;
    }
  }

  function templateOf(template: string, at: Path): Read {
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
    if (parts.length === 1 && typeof parts[0] === 'string') {
      const constant = parts[0];
      return () => constant;
    }
    return (event) => {
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i]!;
        if (typeof part === 'string') out += part;
        else {
          const v = part(event);
          if (v !== undefined && v !== null) out += typeof v === 'object' ? JSON.stringify(v) : String(v);
        }
      }
      return out;
    };
  }

  /** Why a required row has no value: `absent` (undefined, null) or empty (blank text, []). */
  function describeSource(row: RowDef, absent: boolean): string {
    if (row.source === undefined) return absent ? 'it has no value' : 'its value is empty';
    if (Array.isArray(row.source)) return `${row.source.join(' / ')} are missing`;
    return `${row.source} is ${absent ? 'missing' : 'empty'}`;
  }

  function compileRow(row: RowDef, at: Path): Row {
    if (row === null || typeof row !== 'object' || Array.isArray(row)) return fail(at, 'a row is a mapping with a target and a source, value or template');
    const kinds = (['source', 'value', 'template'] as const).filter((k) => k in row);
    if (kinds.length !== 1) fail(at, 'a row needs exactly one of source, value or template');
    if (typeof row.target !== 'string') fail([...at, 'target'], 'a target is a vendor path such as event_properties.price');
    const targetCheck = parsePath(row.target);
    if ('error' in targetCheck) fail([...at, 'target'], targetCheck.error);
    else if (targetCheck.segments.some((s) => s.each)) fail([...at, 'target'], 'a target cannot contain []; map lists with a [] source or with each');
    const set = compileMergingSetter(row.target);
    const target = row.target;
    const unwritable = `${target}: there is no list element at that index; the field was left out`;

    let read: Read;
    let fresh = false; // the value is built here, not taken from the event: no copy needed
    if (Array.isArray(row.source)) {
      if (row.source.length === 0) fail([...at, 'source'], 'a list of sources needs at least one path');
      const getters = row.source.map((p, i) => getter(p, [...at, 'source', i]));
      read = (event) => {
        for (let i = 0; i < getters.length; i++) {
          const v = getters[i]!(event);
          if (!isMissing(v)) return v;
        }
        return undefined;
      };
    } else if (row.source !== undefined) {
      read = getter(row.source, [...at, 'source']);
    } else if (row.template !== undefined) {
      if (typeof row.template !== 'string') fail([...at, 'template'], 'a template is text with {{path}} placeholders');
      read = templateOf(row.template, [...at, 'template']);
    } else {
      const value = row.value;
      read = () => value;
    }

    if (row.exclude !== undefined) {
      const excluded = new Set(row.exclude);
      const inner = read;
      read = (event, report) => {
        const v = inner(event, report);
        if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
        const out: Record<string, unknown> = {};
        for (const key in v) if (Object.hasOwn(v, key) && !excluded.has(key)) out[key] = copyJson((v as Record<string, unknown>)[key]);
        return out;
      };
      fresh = true;
    }

    if (row.each !== undefined) {
      if (!Array.isArray(row.each) || row.each.length === 0) fail([...at, 'each'], 'each is a list of rows applied to every element');
      const subRows = row.each.map((sub, i) => compileRow(sub, [...at, 'each', i]));
      const inner = read;
      read = (event, report) => {
        const list = inner(event, report);
        if (list === undefined || list === null) return undefined;
        // Anything but a list would be written unmapped, skipping the sub-rows' hashing and
        // required checks: it fails like a transform (left out, the default, or an error).
        if (!Array.isArray(list)) throw new TransformError(`each needs a list, got ${shapeOf(list)}`);
        const out: Record<string, unknown>[] = [];
        const local: Report = { warnings: [], errors: [] };
        for (let i = 0; i < list.length; i++) {
          const item: unknown = list[i];
          // A hole or a bare value is no element to map: it would become an empty {} element.
          if (item === null || typeof item !== 'object' || Array.isArray(item)) {
            report.warnings.push(`${target}[${i}]: ${shapeOf(item)}, not an object; the element was left out`);
            continue;
          }
          const element: Record<string, unknown> = {};
          for (let r = 0; r < subRows.length; r++) subRows[r]!(item, element, local);
          if (local.warnings.length > 0) {
            for (const warning of local.warnings) report.warnings.push(`${target}[${i}].${warning}`);
            local.warnings.length = 0;
          }
          // A required field missing in one element drops that element, not the event.
          if (local.errors.length > 0) {
            for (const error of local.errors) report.warnings.push(`${target}[${i}].${error}; the element was left out`);
            local.errors.length = 0;
            continue;
          }
          let empty = true;
          for (const key in element) if (Object.hasOwn(element, key)) { empty = false; break; }
          if (empty) {
            report.warnings.push(`${target}[${i}]: no row gave it a value; the element was left out`);
            continue;
          }
          out.push(element);
        }
        return out;
      };
      fresh = true;
    }

    let transform: TransformFn | undefined;
    if (row.transforms !== undefined && row.transforms.length > 0) {
      try {
        transform = compileTransforms(row.transforms);
      } catch (error) {
        fail([...at, 'transforms'], (error as Error).message);
      }
    }
    const when = row.when === undefined ? undefined : filter(row.when, [...at, 'when']);
    if (row.required !== undefined && typeof row.required !== 'boolean') fail([...at, 'required'], 'required is true or false');
    const hasDefault = 'default' in row;
    const fallback = row.default;
    const required = row.required === true;
    const missingReason = `${target} is required but ${describeSource(row, true)}`;
    const emptyReason = `${target} is required but ${describeSource(row, false)}`;
    // Values built here (each, exclude) are already copies, unless a transform swapped in a
    // constant (a lookup table entry, a default object).
    const copyAlways = !fresh || transform !== undefined;

    // The common row (a plain source, nothing else) gets a lean closure: it runs for most
    // fields of most events.
    if (when === undefined && transform === undefined && !hasDefault && !required && !fresh) {
      const get = read;
      return (event, out, report) => {
        const value = get(event, report);
        if (value === undefined || value === null) return;
        if (!set(out, typeof value === 'object' ? copyJson(value) : value)) report.warnings.push(unwritable);
      };
    }

    return (event, out, report) => {
      if (when !== undefined && !when(event)) return;
      let value: unknown;
      try {
        // Reading fails only for `each` over a non-list; then as a failing transform.
        value = read(event, report);
        if (transform !== undefined) value = transform(value);
      } catch (error) {
        if (!(error instanceof TransformError)) throw error;
        if (!hasDefault) {
          if (required) report.errors.push(`${target} is required but ${error.message}`);
          else report.warnings.push(`${target}: ${error.message}; the field was left out`);
          return;
        }
        report.warnings.push(`${target}: ${error.message}; the default was used`);
        value = undefined;
      }
      if (hasDefault && isMissing(value)) value = fallback;
      else if (required && isMissing(value)) {
        // The same "no value" the default fills: "" or [] would reach the vendor as a value.
        report.errors.push(value === undefined || value === null ? missingReason : emptyReason);
        return;
      } else if (value === undefined || value === null) return;
      // Objects are copied so the vendor event shares nothing with the input (or the default).
      if (!set(out, typeof value === 'object' && value !== null && (copyAlways || value === fallback) ? copyJson(value) : value)) report.warnings.push(unwritable);
    };
  }

  function compileRows(rows: RowDef[] | undefined, at: Path): Row[] {
    return (rows ?? []).map((row, i) => compileRow(row, [...at, i]));
  }

  function compileOperation(op: OperationDef, at: Path): Op {
    if (op === null || typeof op !== 'object') return fail(at, 'an operation is one of set, rename, remove, hash or drop');
    if (op.set !== undefined) {
      const row = compileRow(op.set, [...at, 'set']);
      return (target, report) => {
        // A required set that cannot be filled is a warning here: operations never dead-letter.
        const local: Report = { warnings: report.warnings, errors: report.warnings };
        row(target, target, local);
        return true;
      };
    }
    if (op.rename !== undefined) {
      const get = getter(op.rename.from, [...at, 'rename', 'from']);
      getter(op.rename.to, [...at, 'rename', 'to']);
      if (op.rename.from.includes('[]') || op.rename.to.includes('[]')) fail([...at, 'rename'], 'rename works on single paths, not []');
      // The old value is removed before the new one is written: a write that could fail (an
      // index past the end of a list) would lose it. set writes into list elements.
      if (op.rename.to.split('.').some(isIndexSegment)) fail([...at, 'rename', 'to'], 'rename.to names a field, not a list index; to write into a list element use set');
      const remove = compileRemover(op.rename.from);
      const set = compileSetter(op.rename.to);
      return (target) => {
        const v = get(target);
        if (v === undefined) return true;
        remove(target);
        set(target, v);
        return true;
      };
    }
    if (op.remove !== undefined) {
      getter(op.remove, [...at, 'remove']);
      if (op.remove.includes('[]')) fail([...at, 'remove'], 'remove works on single paths, not []');
      const remove = compileRemover(op.remove);
      return (target) => {
        remove(target);
        return true;
      };
    }
    if (op.hash !== undefined) {
      const spec = typeof op.hash === 'string' ? { path: op.hash } : op.hash;
      const pathAt: Path = typeof op.hash === 'string' ? [...at, 'hash'] : [...at, 'hash', 'path'];
      const get = getter(spec.path, pathAt);
      if (spec.path.includes('[]')) fail(pathAt, 'hash works on single paths, not []');
      const options: Record<string, unknown> = {};
      if (typeof op.hash === 'object') {
        if (op.hash.default_country_code !== undefined) options.default_country_code = op.hash.default_country_code;
        if (op.hash.kind !== undefined) options.kind = op.hash.kind;
      }
      let hash: TransformFn = (v) => v;
      try {
        hash = compileTransforms([{ sha256: options }]);
      } catch (error) {
        fail([...at, 'hash'], (error as Error).message);
      }
      const set = compileSetter(spec.path);
      const remove = compileRemover(spec.path);
      const path = spec.path;
      return (target, report) => {
        const v = get(target);
        if (v === undefined || v === null || v === '') return true;
        try {
          set(target, hash(v));
        } catch (error) {
          if (!(error instanceof TransformError)) throw error;
          // Never forward the raw value of a field that was meant to be hashed.
          remove(target);
          report.warnings.push(`${path}: ${error.message}; the field was removed`);
        }
        return true;
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
