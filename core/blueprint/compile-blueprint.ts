import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { CanonicalEvent, JsonObject, JsonValue } from '../collect/canonical-event.ts';
import { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';
import type { Predicate } from './filter.ts';
import { compileSetter } from './paths.ts';
import { createRowCompiler, type Op, type OperationDef, type Path, type Row, type RowDef } from './row-compiler.ts';

/** A blueprint that does not validate or compile: where (file, line, column) and why. */
export class BlueprintError extends Error {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly reason: string;
  readonly path: string;
  constructor(file: string, line: number, column: number, path: string, reason: string) {
    super(`${file}:${line}:${column}: ${path ? `${path}: ` : ''}${reason}`);
    this.name = 'BlueprintError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.reason = reason;
    this.path = path;
  }
}

export interface MapOutcome {
  /** The vendor event, or null when the event is dropped or in error. */
  vendorEvent: JsonObject | null;
  /** The vendor event name, when the blueprint names one. */
  eventName?: string;
  /** Why a null vendorEvent was dropped on purpose. */
  dropped?: 'filter' | 'default_drop';
  /** Which handler took the event (`defaults` for none). */
  handler: string;
  /** Fields dropped because a transform failed on them. */
  warnings: string[];
  /** Required fields that could not be filled: the event is dead-lettered with these. */
  errors: string[];
}

export interface CompiledBlueprint {
  /** Maps one canonical event. Pure: never throws for what an event holds. */
  mapEvent(event: CanonicalEvent): MapOutcome;
  /** Every vendor path a row or the event name writes (for coverage). */
  mappedTargets: string[];
  /** Handler names and the event names each takes. */
  handlers: Array<{ name: string; names: string[] }>;
  defaultAction: 'pass_through' | 'drop' | 'map';
}

interface HandlerDef {
  names?: string[];
  event_name?: string;
  filter?: string;
  mappings?: RowDef[];
  enrichments?: RowDef[];
  transforms?: OperationDef[];
}

interface BlueprintDef {
  version?: number;
  description?: string;
  parameters?: Record<string, { config: string; default?: JsonValue; required?: boolean } | string | number | boolean>;
  event_name_target?: string;
  global?: RowDef[];
  events?: Record<string, HandlerDef>;
  defaults?: { action: 'pass_through' | 'drop' | 'map'; properties_target?: string; mappings?: RowDef[] };
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validateShape = ajv.compile(BLUEPRINT_SCHEMA);

interface Source {
  file: string;
  /** Finds the line and column of a YAML path (1-based); 1:1 when unknown. */
  locate(path: Path, preferKey?: boolean): { line: number; column: number };
}

function sourceOf(text: string | undefined, file: string): Source {
  if (text === undefined) return { file, locate: () => ({ line: 1, column: 1 }) };
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  return {
    file,
    locate(path, preferKey = false) {
      if (preferKey && path.length > 0) {
        const parent = doc.getIn(path.slice(0, -1), true) as Node | undefined;
        if (parent && isMap(parent)) {
          const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === path.at(-1));
          const keyOffset = (pair?.key as { range?: [number] } | null)?.range?.[0];
          if (keyOffset !== undefined) {
            const pos = lineCounter.linePos(keyOffset);
            return { line: pos.line, column: pos.col };
          }
        }
      }
      // The deepest node that exists along the path.
      for (let depth = path.length; depth >= 0; depth--) {
        const node = doc.getIn(path.slice(0, depth), true) as Node | undefined;
        const offset = node && typeof node === 'object' && 'range' in node ? node.range?.[0] : undefined;
        if (offset !== undefined) {
          const pos = lineCounter.linePos(offset);
          return { line: pos.line, column: pos.col };
        }
        if (depth > 0 && depth === path.length) {
          // the key itself, for a missing value
          const parent = doc.getIn(path.slice(0, depth - 1), true) as Node | undefined;
          if (parent && isMap(parent)) {
            const pair = parent.items.find((item) => (item.key as { value?: unknown } | null)?.value === path[depth - 1]);
            const keyOffset = (pair?.key as { range?: [number] } | null)?.range?.[0];
            if (keyOffset !== undefined) {
              const pos = lineCounter.linePos(keyOffset);
              return { line: pos.line, column: pos.col };
            }
          } else if (parent && isSeq(parent)) continue;
        }
      }
      return { line: 1, column: 1 };
    },
  };
}

function pathText(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/**
 * Parses, validates and compiles a blueprint into plain closures (no YAML is walked per event).
 * Parameters are bound once from the integration config. Any problem throws a BlueprintError
 * naming the file, line, column and reason.
 *
 * @example
 * const blueprint = compileBlueprint(yamlText, { file: 'amplitude/default.yaml', config: { api_key: 'k' } });
 * blueprint.mapEvent(event); // { vendorEvent: { event_type: 'Page Viewed', … }, warnings: [], errors: [] }
 */
export function compileBlueprint(source: string | object, options: { file?: string; config?: Record<string, unknown> } = {}): CompiledBlueprint {
  const file = options.file ?? '(blueprint)';
  let def: BlueprintDef;
  let text: string | undefined;
  if (typeof source === 'string') {
    text = source;
    const lineCounter = new LineCounter();
    const doc = parseDocument(source, { lineCounter, prettyErrors: false });
    if (doc.errors.length > 0) {
      const error = doc.errors[0]!;
      const pos = lineCounter.linePos(error.pos[0]);
      throw new BlueprintError(file, pos.line, pos.col, '', `YAML: ${error.message.split('\n')[0]}`);
    }
    def = (doc.toJS() ?? {}) as BlueprintDef;
  } else def = source as BlueprintDef;
  const where = sourceOf(text, file);
  const fail = (path: Path, reason: string, preferKey = false): never => {
    const { line, column } = where.locate(path, preferKey);
    throw new BlueprintError(file, line, column, pathText(path), reason);
  };

  if (typeof def !== 'object' || def === null || Array.isArray(def)) fail([], 'a blueprint is a mapping with parameters, global, events and defaults');
  if (!validateShape(def)) {
    const error = validateShape.errors![0]!;
    const path: Path = error.instancePath.split('/').slice(1).map((p) => (/^\d+$/.test(p) ? Number(p) : p.replace(/~1/g, '/').replace(/~0/g, '~')));
    const params = error.params as Record<string, unknown>;
    const reason = error.keyword === 'additionalProperties' ? `unknown key "${String(params.additionalProperty)}"`
      : error.keyword === 'required' ? `"${String(params.missingProperty)}" is required`
        : error.keyword === 'enum' ? `must be one of: ${(params.allowedValues as unknown[]).join(', ')}`
          : `${error.message ?? 'is invalid'}`;
    if (error.keyword === 'additionalProperties') fail([...path, String(params.additionalProperty)], reason, true);
    fail(path, reason);
  }

  // Parameters, bound once.
  const parameters: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(def.parameters ?? {})) {
    if (typeof spec !== 'object') {
      parameters[name] = spec;
      continue;
    }
    const value = options.config?.[spec.config] ?? spec.default;
    if (value === undefined && spec.required && options.config !== undefined) fail(['parameters', name], `config field "${spec.config}" is required by this blueprint`);
    parameters[name] = value;
  }

  const { compileRow, compileRows, compileOperation, filter } = createRowCompiler(fail, parameters);

  const eventNameTarget = def.event_name_target === undefined ? undefined : compileSetter(def.event_name_target);
  const globalRows = compileRows(def.global, ['global']);
  const targets = new Set<string>([...(def.global ?? []).map((r) => r.target)]);
  if (def.event_name_target) targets.add(def.event_name_target);

  interface Handler {
    name: string;
    names: string[];
    eventName: string | undefined;
    filter: Predicate | undefined;
    rows: Row[];
    ops: Op[];
  }
  const byName = new Map<string, Handler>();
  const handlers: Handler[] = [];
  for (const [name, handlerDef] of Object.entries(def.events ?? {})) {
    const at: Path = ['events', name];
    const handler: Handler = {
      name,
      names: handlerDef.names ?? [name],
      eventName: handlerDef.event_name,
      filter: handlerDef.filter === undefined ? undefined : filter(handlerDef.filter, [...at, 'filter']),
      rows: [...compileRows(handlerDef.mappings, [...at, 'mappings']), ...compileRows(handlerDef.enrichments, [...at, 'enrichments'])],
      ops: (handlerDef.transforms ?? []).map((op, i) => compileOperation(op, [...at, 'transforms', i])),
    };
    for (const row of [...(handlerDef.mappings ?? []), ...(handlerDef.enrichments ?? [])]) targets.add(row.target);
    for (const eventName of handler.names) {
      const taken = byName.get(eventName);
      if (taken) fail([...at, 'names'], `"${eventName}" is already taken by handler "${taken.name}"`);
      byName.set(eventName, handler);
    }
    handlers.push(handler);
  }
  const defaults = def.defaults ?? { action: 'pass_through' as const };
  const defaultRows = compileRows(defaults.mappings, ['defaults', 'mappings']);
  for (const row of defaults.mappings ?? []) targets.add(row.target);
  const propertiesTarget = defaults.properties_target === undefined ? undefined : compileSetter(defaults.properties_target);
  if (defaults.properties_target) targets.add(defaults.properties_target);
  if (defaults.action === 'map' && !defaults.mappings) fail(['defaults'], 'action "map" needs mappings');

  function mapEvent(event: CanonicalEvent): MapOutcome {
    const key = event.type === 'track' ? (event.event ?? 'track') : event.type;
    const handler = byName.get(key);
    const report = { warnings: [] as string[], errors: [] as string[] };
    if (handler) {
      if (handler.filter && !handler.filter(event)) return { vendorEvent: null, dropped: 'filter', handler: handler.name, warnings: [], errors: [] };
    } else if (defaults.action === 'drop') {
      return { vendorEvent: null, dropped: 'default_drop', handler: 'defaults', warnings: [], errors: [] };
    }
    const out: Record<string, unknown> = {};
    const eventName = handler ? (handler.eventName ?? key) : key;
    if (eventNameTarget) eventNameTarget(out, eventName);
    for (const row of globalRows) row(event, out, report);
    if (handler) {
      for (const row of handler.rows) row(event, out, report);
      for (const op of handler.ops) {
        if (op(out, report) === false) return { vendorEvent: null, dropped: 'filter', handler: handler.name, warnings: report.warnings, errors: [] };
      }
    } else {
      if (defaults.action === 'pass_through' && propertiesTarget && event.properties) propertiesTarget(out, structuredClone(event.properties));
      for (const row of defaultRows) row(event, out, report);
    }
    return {
      vendorEvent: report.errors.length > 0 ? null : (out as JsonObject),
      eventName,
      handler: handler?.name ?? 'defaults',
      warnings: report.warnings,
      errors: report.errors,
    };
  }

  return {
    mapEvent,
    mappedTargets: [...targets],
    handlers: handlers.map((h) => ({ name: h.name, names: h.names })),
    defaultAction: defaults.action,
  };
}

/**
 * Reads and compiles a blueprint file.
 *
 * @example
 * const blueprint = loadBlueprintFile('blueprints/amplitude/default.yaml', { api_key: 'k' });
 */
export function loadBlueprintFile(file: string, config?: Record<string, unknown>): CompiledBlueprint {
  return compileBlueprint(readFileSync(file, 'utf8'), config === undefined ? { file } : { file, config });
}
