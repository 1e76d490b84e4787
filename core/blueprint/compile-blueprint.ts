import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import type { CanonicalEvent, JsonObject, JsonValue } from '../collect/canonical-event.ts';
import { BlueprintError } from './blueprint-error.ts';
import { BLUEPRINT_SCHEMA } from './blueprint-schema.ts';
import type { Predicate } from './filter.ts';
import { compileSetter, copyJson } from './paths.ts';
import { createRowCompiler, type Op, type OperationDef, type ParameterScope, type Path, type Report, type Row, type RowDef } from './row-compiler.ts';
import { failWithSchemaErrors, parseSource } from './yaml-source.ts';

export { BlueprintError } from './blueprint-error.ts';

/** What mapping one event gives. Never thrown: a bad event is an outcome, not an exception. */
export interface MapOutcome {
  /** The vendor event, or null when the event is dropped or in error. */
  vendorEvent: JsonObject | null;
  /** The vendor event name (a handler's `event_name`, else the canonical name). */
  eventName?: string;
  /** Why a null vendorEvent was dropped on purpose: a handler filter (or a `drop` in its transforms), or `defaults: drop`. */
  dropped?: 'filter' | 'default_drop';
  /**
   * With `dropped`: why, in words a reader of the delivery log understands without the YAML
   * at hand — which handler, which filter or drop rule (its text), e.g. `the "Order Completed"
   * handler's filter did not match: userId exists`.
   */
  dropReason?: string;
  /** Which handler took the event (`defaults` for none). */
  handler: string;
  /** Fields left out because a transform failed on them. */
  warnings: string[];
  /** Required fields that could not be filled: the caller dead-letters the event with these. */
  errors: string[];
}

export interface CompiledBlueprint {
  /**
   * Maps one canonical event. Pure and synchronous; never throws. `params` overrides parameter
   * values by parameter name for this call (e.g. another integration's credentials).
   */
  mapEvent(event: CanonicalEvent, params?: Record<string, JsonValue>): MapOutcome;
  /**
   * Why this blueprint maps no event of this call — its type, and a track event's name —
   * whatever the event holds: no handler takes it and the defaults drop such events (the drop
   * reason `mapEvent` would give); undefined when some event of this call may be mapped. Lets
   * the pipeline stage leave such events unqueued.
   */
  neverMaps(event: CanonicalEvent): string | undefined;
  /** Every vendor path a row, the event name or pass-through properties write (for coverage). */
  mappedTargets: string[];
  /** Handler names, the canonical names each takes and the vendor event name it gives. */
  handlers: Array<{ name: string; names: string[]; eventName?: string }>;
  defaultAction: 'pass_through' | 'drop' | 'map';
  /** Declared parameter names. */
  parameterNames: string[];
  /** Resolves parameter values from an integration config, as `options.config` does at compile time. */
  parametersFromConfig(config: Record<string, unknown>): Record<string, JsonValue>;
}

export interface CompileOptions {
  /** Named in errors (default `(blueprint)`). */
  file?: string;
  /** The integration config: `parameters: {api_key: {config: api_key}}` reads `config.api_key`. */
  config?: Record<string, unknown>;
  /** Parameter values by parameter name; they win over `config`. */
  parameters?: Record<string, JsonValue>;
  /**
   * Config fields holding secrets. A parameter bound to one may be declared (its `required`
   * check still applies) but no row may read it: a secret a row reads ends up in the vendor
   * event, previews, the delivery log and dead letters, in forms (`uppercase`, a template) no
   * redaction by value can find. Plugins add credentials to their requests from the config.
   */
  secretConfigFields?: readonly string[];
}

type ParameterDef = { config: string; default?: JsonValue; required?: boolean } | string | number | boolean;

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
  parameters?: Record<string, ParameterDef>;
  event_name_target?: string;
  global?: RowDef[] | { mappings: RowDef[] };
  events?: Record<string, HandlerDef>;
  defaults?: { action: 'pass_through' | 'drop' | 'map'; filter?: string; properties_target?: string; mappings?: RowDef[] };
}

interface Handler {
  name: string;
  names: string[];
  eventName: string | undefined;
  filter: Predicate | undefined;
  rows: Row[];
  ops: Op[];
  /** The filter's and each operation's drop rule's text, for the reason a drop gives. */
  filterText: string | undefined;
  dropTexts: Array<string | undefined>;
}

const validateShape = new Ajv({ allErrors: true, strict: false }).compile(BLUEPRINT_SCHEMA);

/**
 * The name handlers are matched on: a track event's `event`, any other call's type (`page`,
 * `identify`, `screen`, `group`, `alias`).
 *
 * @example
 * handlerKey({ type: 'track', event: 'Order Completed', … }); // 'Order Completed'
 * handlerKey({ type: 'page', … }); // 'page'
 */
export function handlerKey(event: CanonicalEvent): string {
  return event.type === 'track' ? (event.event ?? 'track') : event.type;
}

/** What a drop reason calls an event: `track events named "Order Completed"`, `page calls`. */
function describeCall(event: CanonicalEvent): string {
  return event.type === 'track' ? `track events named ${JSON.stringify(event.event ?? '')}` : `${event.type} calls`;
}

/** The call types a handler's `names` may list besides track event names. */
const CALL_TYPES: ReadonlySet<string> = new Set(['page', 'identify', 'screen', 'group', 'alias']);

/**
 * Whether a handler listing `key` takes `event`. A track event named like a call type (a
 * `track("identify")`) is not that call: it is left to the defaults, under its own name.
 */
function takesCallType(event: CanonicalEvent, key: string): boolean {
  return event.type !== 'track' || !CALL_TYPES.has(key);
}

/** The parameters bound to a secret config field, each with why a row may not read it. */
function secretParameters(parameterDefs: Array<[string, ParameterDef]>, secretConfigFields: readonly string[]): Map<string, string> {
  const secret = new Set(secretConfigFields);
  const refused = new Map<string, string>();
  for (const [name, spec] of parameterDefs) {
    if (typeof spec !== 'object' || !secret.has(spec.config)) continue;
    refused.set(name, `parameters.${name} is bound to the secret config field "${spec.config}", which a blueprint may not read: it would reach the vendor event, previews and the delivery log (the plugin adds credentials to its requests itself)`);
  }
  return refused;
}

function collectTargets(rows: RowDef[] | undefined, into: Set<string>): void {
  for (const row of rows ?? []) if (typeof row?.target === 'string') into.add(row.target);
}

/**
 * Parses, validates and compiles a blueprint into plain closures (no YAML is walked per event).
 * Parameters are bound once from `options.config` / `options.parameters`; `mapEvent` may
 * override them per call. Any problem throws a BlueprintError naming the file, line, column
 * and reason.
 *
 * @example
 * const blueprint = compileBlueprint(yamlText, { file: 'amplitude/default.yaml', config: { api_key: 'k' } });
 * blueprint.mapEvent(event); // { vendorEvent: { event_type: 'Page Viewed', … }, eventName: 'Page Viewed', handler: 'page', warnings: [], errors: [] }
 */
export function compileBlueprint(source: string | object, options: CompileOptions = {}): CompiledBlueprint {
  const file = options.file ?? '(blueprint)';
  const parsed = parseSource(source, file);
  const fail = parsed.fail;
  const raw = parsed.value;
  // An empty document (blank, comments only, `---`, `null`) maps nothing: almost surely a mistake.
  if (raw === null || raw === undefined) return fail([], 'the blueprint is empty: give a mapping with parameters, global, events and defaults (or leave the blueprint out to use the variant\'s)');
  if (typeof raw !== 'object' || Array.isArray(raw)) return fail([], 'a blueprint is a mapping with parameters, global, events and defaults');
  if (!validateShape(raw)) failWithSchemaErrors(validateShape.errors ?? [], fail);
  const def = raw as BlueprintDef;

  // Parameters, bound once.
  const parameterDefs = Object.entries(def.parameters ?? {});
  const required = parameterDefs.filter(([, spec]) => typeof spec === 'object' && spec.required === true).map(([name]) => name);
  const parametersFromConfig = (config: Record<string, unknown>): Record<string, JsonValue> => {
    const values: Record<string, JsonValue> = {};
    for (const [name, spec] of parameterDefs) {
      const value = typeof spec === 'object' ? ((Object.hasOwn(config, spec.config) ? config[spec.config] : undefined) ?? spec.default) : spec;
      if (value !== undefined) values[name] = value as JsonValue;
    }
    return values;
  };
  const bound: Record<string, unknown> = { ...parametersFromConfig(options.config ?? {}), ...options.parameters };
  if (options.config !== undefined || options.parameters !== undefined) {
    for (const name of required) {
      if (bound[name] !== undefined) continue;
      const spec = def.parameters![name] as { config: string };
      fail(['parameters', name], `config field "${spec.config}" is required by this blueprint`);
    }
  }
  const scope: ParameterScope = { params: bound, declared: new Set(parameterDefs.map(([name]) => name)), unreadable: secretParameters(parameterDefs, options.secretConfigFields ?? []) };
  const { compileRows, compileOperation, filter } = createRowCompiler(fail, scope);

  const targets = new Set<string>();
  const eventNameTarget = def.event_name_target === undefined ? undefined : compileTargetSetter(def.event_name_target, ['event_name_target']);
  if (def.event_name_target !== undefined) targets.add(def.event_name_target);

  const globalAt: Path = Array.isArray(def.global) ? ['global'] : ['global', 'mappings'];
  const globalDefs = Array.isArray(def.global) ? def.global : def.global?.mappings;
  const globalRows = compileRows(globalDefs, globalAt);
  collectTargets(globalDefs, targets);

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
      filterText: handlerDef.filter,
      dropTexts: (handlerDef.transforms ?? []).map((op) => op.drop),
    };
    collectTargets(handlerDef.mappings, targets);
    collectTargets(handlerDef.enrichments, targets);
    for (const op of handlerDef.transforms ?? []) {
      if (op.set) targets.add(op.set.target);
      if (op.rename) targets.add(op.rename.to);
    }
    handler.names.forEach((eventName, i) => {
      const taken = byName.get(eventName);
      if (taken === handler) fail([...at, 'names', i], `"${eventName}" is listed twice`);
      if (taken) fail(handlerDef.names ? [...at, 'names', i] : at, `"${eventName}" is already taken by handler "${taken.name}"`, !handlerDef.names);
      byName.set(eventName, handler);
    });
    handlers.push(handler);
  }

  const defaults = def.defaults ?? { action: 'pass_through' as const };
  if (defaults.action === 'map' && !defaults.mappings) fail(['defaults'], 'action "map" needs mappings');
  if (defaults.action === 'drop' && (defaults.mappings || defaults.properties_target || defaults.filter)) fail(['defaults'], 'action "drop" takes no mappings, properties_target or filter');
  const defaultFilter = defaults.filter === undefined ? undefined : filter(defaults.filter, ['defaults', 'filter']);
  const defaultRows = compileRows(defaults.mappings, ['defaults', 'mappings']);
  collectTargets(defaults.mappings, targets);
  const propertiesTarget = defaults.properties_target === undefined ? undefined : compileTargetSetter(defaults.properties_target, ['defaults', 'properties_target']);
  if (defaults.properties_target !== undefined) targets.add(defaults.properties_target);
  const dropUnhandled = defaults.action === 'drop';
  const passProperties = defaults.action === 'pass_through' ? propertiesTarget : undefined;

  function compileTargetSetter(path: string, at: Path) {
    try {
      return compileSetter(path);
    } catch (error) {
      return fail(at, (error as Error).message);
    }
  }

  function handlerOf(event: CanonicalEvent, key = handlerKey(event)): Handler | undefined {
    return takesCallType(event, key) ? byName.get(key) : undefined;
  }

  function unhandledDropReason(event: CanonicalEvent): string {
    return `no handler takes ${describeCall(event)}, and the blueprint's defaults drop such events`;
  }

  // The first test `run` makes, before anything reads the event's content.
  function neverMaps(event: CanonicalEvent): string | undefined {
    return dropUnhandled && handlerOf(event) === undefined ? unhandledDropReason(event) : undefined;
  }

  function run(event: CanonicalEvent): MapOutcome {
    const key = handlerKey(event);
    const handler = handlerOf(event, key);
    if (handler === undefined && dropUnhandled) return { vendorEvent: null, dropped: 'default_drop', dropReason: unhandledDropReason(event), handler: 'defaults', warnings: [], errors: [] };
    if (handler === undefined && defaultFilter !== undefined && !defaultFilter(event)) return { vendorEvent: null, dropped: 'filter', dropReason: `the defaults' filter did not match: ${defaults.filter}`, handler: 'defaults', warnings: [], errors: [] };
    if (handler?.filter !== undefined && !handler.filter(event)) return { vendorEvent: null, dropped: 'filter', dropReason: `the "${handler.name}" handler's filter did not match: ${handler.filterText}`, handler: handler.name, warnings: [], errors: [] };
    const out: Record<string, unknown> = {};
    const report: Report = { warnings: [], errors: [] };
    const eventName = handler?.eventName ?? key;
    if (eventNameTarget !== undefined) eventNameTarget(out, eventName);
    // Pass-through properties go first so global rows writing under the same object (e.g.
    // event_properties.page_url) add to them instead of being replaced.
    if (handler === undefined && passProperties !== undefined && event.properties !== undefined && event.properties !== null) passProperties(out, copyJson(event.properties));
    for (let i = 0; i < globalRows.length; i++) globalRows[i]!(event, out, report);
    if (handler !== undefined) {
      for (let i = 0; i < handler.rows.length; i++) handler.rows[i]!(event, out, report);
      for (let i = 0; i < handler.ops.length; i++) {
        if (!handler.ops[i]!(out, report)) return { vendorEvent: null, eventName, dropped: 'filter', dropReason: `a drop rule of the "${handler.name}" handler matched: ${handler.dropTexts[i]}`, handler: handler.name, warnings: report.warnings, errors: [] };
      }
    } else {
      for (let i = 0; i < defaultRows.length; i++) defaultRows[i]!(event, out, report);
    }
    return {
      vendorEvent: report.errors.length > 0 ? null : (out as JsonObject),
      eventName,
      handler: handler?.name ?? 'defaults',
      warnings: report.warnings,
      errors: report.errors,
    };
  }

  /** Rows are written not to throw; the catch keeps the promise should one ever do. */
  function internalError(event: CanonicalEvent, error: unknown): MapOutcome {
    return { vendorEvent: null, handler: handlerOf(event)?.name ?? 'defaults', warnings: [], errors: [`mapping failed: ${(error as Error)?.message ?? String(error)}`] };
  }

  function mapEvent(event: CanonicalEvent, params?: Record<string, JsonValue>): MapOutcome {
    if (params === undefined) {
      try {
        return run(event);
      } catch (error) {
        return internalError(event, error);
      }
    }
    const merged: Record<string, unknown> = { ...bound, ...params };
    const absent = required.filter((name) => merged[name] === undefined);
    if (absent.length > 0) return { vendorEvent: null, handler: handlerOf(event)?.name ?? 'defaults', warnings: [], errors: absent.map((name) => `parameter "${name}" is required but has no value`) };
    const previous = scope.params;
    scope.params = merged;
    try {
      return run(event);
    } catch (error) {
      return internalError(event, error);
    } finally {
      scope.params = previous;
    }
  }

  return {
    mapEvent,
    neverMaps,
    mappedTargets: [...targets],
    handlers: handlers.map((h) => (h.eventName === undefined ? { name: h.name, names: h.names } : { name: h.name, names: h.names, eventName: h.eventName })),
    defaultAction: defaults.action,
    parameterNames: parameterDefs.map(([name]) => name),
    parametersFromConfig,
  };
}

/**
 * Reads and compiles a blueprint file; errors name the file.
 *
 * @example
 * const blueprint = loadBlueprintFile('blueprints/amplitude/default.yaml', { config: { api_key: 'k' } });
 */
export function loadBlueprintFile(file: string, options: Omit<CompileOptions, 'file'> = {}): CompiledBlueprint {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new BlueprintError(file, 1, 1, '', `cannot read the file: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return compileBlueprint(text, { ...options, file });
}
