/**
 * A pipeline's tracking plan: which track events the site may send and what their properties
 * (and identify's traits, page's properties) must look like, as JSON Schemas in YAML. The
 * pipeline stage checks every event it takes in against it and lets through, flags
 * (`context.violations`) or blocks what does not fit, as the plan says. Pure: compiling and
 * checking do no I/O.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { BlueprintError } from '../blueprint/blueprint-error.ts';
import { parseSource } from '../blueprint/yaml-source.ts';
import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { formatValidationErrors } from '../collect/validation-errors.ts';

// ajv-formats is CommonJS with a default export; under NodeNext its type is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Strict about keywords (a typo such as `requried` is an error, not a rule that never runs),
 * lenient about what plans commonly leave out (`type: object` beside nested `properties`).
 */
function planAjv(): Ajv {
  return addFormats(new Ajv({ allErrors: true, strict: true, strictTypes: false, strictTuples: false, strictRequired: false, coerceTypes: false, useDefaults: false }));
}

/** What happens to an event the plan does not name, or one that does not fit its schema. */
export type PlanAction = 'allow' | 'flag' | 'block';
/** `unplanned`: a track event the plan does not name; `invalid`: one whose fields do not fit. */
export type ViolationKind = 'unplanned' | 'invalid';

export interface Violation {
  /** The event's field, e.g. `properties.total`, or `event` for an unplanned name. */
  field: string;
  message: string;
}

export interface PlanVerdict {
  /** `pass`: fits (or the plan allows it); `flag`: goes on with `context.violations`; `block`: delivered to no integration. */
  action: 'pass' | 'flag' | 'block';
  kind?: ViolationKind;
  violations: Violation[];
}

export interface TrackingPlan {
  unplanned: PlanAction;
  violations: PlanAction;
  /** The planned track event names, in the plan's order. */
  eventNames: string[];
  check(event: CanonicalEvent): PlanVerdict;
}

/** At most this many violations are kept per event: the first ones say what is wrong. */
export const MAX_VIOLATIONS_PER_EVENT = 10;
const PLAN_KEYS = new Set(['description', 'unplanned', 'violations', 'events', 'identify', 'page']);
const ACTIONS: PlanAction[] = ['allow', 'flag', 'block'];

/**
 * Compiles a tracking plan's YAML (or JSON). An empty source is no plan (undefined). Errors
 * are BlueprintErrors with line, column and path, e.g.
 * `tracking plan:7:9: events.Order Completed.properties: unknown keyword "requried"`.
 *
 * @example
 * const plan = compileTrackingPlan(`
 * unplanned: flag
 * violations: block
 * events:
 *   Order Completed:
 *     properties:
 *       type: object
 *       required: [order_id, total]
 *       properties: { order_id: { type: string }, total: { type: number, minimum: 0 } }
 * `);
 * plan?.check(event); // { action: 'block', kind: 'invalid', violations: [{ field: 'properties.total', message: 'must be a number' }] }
 */
export function compileTrackingPlan(source: string, file = 'tracking plan'): TrackingPlan | undefined {
  if (source.trim() === '') return undefined;
  const { value, fail } = parseSource(source, file);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) fail([], 'a tracking plan is a mapping with `events` (and optionally `unplanned`, `violations`, `identify`, `page`)');
  const plan = value as Record<string, unknown>;
  for (const key of Object.keys(plan)) if (!PLAN_KEYS.has(key)) fail([key], `unknown key "${key}": a tracking plan has ${[...PLAN_KEYS].join(', ')}`, true);
  const action = (key: 'unplanned' | 'violations', fallback: PlanAction): PlanAction => {
    const given = plan[key];
    if (given === undefined) return fallback;
    if (typeof given !== 'string' || !ACTIONS.includes(given as PlanAction)) fail([key], `must be one of: ${ACTIONS.join(', ')}`);
    return given as PlanAction;
  };
  const unplanned = action('unplanned', 'flag');
  const violations = action('violations', 'flag');
  if (plan.description !== undefined && typeof plan.description !== 'string') fail(['description'], 'must be text');

  const ajv = planAjv();
  // A schema is compiled where it stands, so an error points at it.
  const compileAt = (path: Array<string | number>, schema: unknown): ValidateFunction => {
    if (schema === null || typeof schema !== 'object' || Array.isArray(schema)) fail(path, 'must be a JSON Schema (a mapping such as { type: object, required: [...], properties: {...} })');
    const type = (schema as { type?: unknown }).type;
    if (type !== undefined && type !== 'object') fail([...path, 'type'], 'must be object: it describes the event\'s properties (or traits) as a whole');
    try {
      return ajv.compile({ type: 'object', ...(schema as object) });
    } catch (error) {
      return fail(path, `is not a valid JSON Schema: ${(error as Error).message.replace(/^strict mode: /, '')}`);
    }
  };
  const fieldsOf = (path: Array<string | number>, entry: unknown, field: 'properties' | 'traits'): ValidateFunction | undefined => {
    if (entry === null || entry === undefined) return undefined;
    if (typeof entry !== 'object' || Array.isArray(entry)) fail(path, `must be a mapping (with \`${field}\`: a JSON Schema, and optionally \`description\`)`);
    for (const key of Object.keys(entry as object)) if (key !== field && key !== 'description') fail([...path, key], `unknown key "${key}": an entry has ${field} and description`, true);
    const schema = (entry as Record<string, unknown>)[field];
    return schema === undefined ? undefined : compileAt([...path, field], schema);
  };

  const events = new Map<string, ValidateFunction | undefined>();
  if (plan.events !== undefined && plan.events !== null) {
    if (typeof plan.events !== 'object' || Array.isArray(plan.events)) fail(['events'], 'must be a mapping from each track event\'s name to its entry');
    for (const [name, entry] of Object.entries(plan.events as Record<string, unknown>)) {
      if (name.trim() === '' || name !== name.trim()) fail(['events', name], 'an event name is matched exactly: no empty name, no white space around it', true);
      events.set(name, fieldsOf(['events', name], entry, 'properties'));
    }
  }
  const identify = fieldsOf(['identify'], plan.identify, 'traits');
  const page = fieldsOf(['page'], plan.page, 'properties');

  const verdict = (kind: ViolationKind, found: Violation[]): PlanVerdict => {
    const what = kind === 'unplanned' ? unplanned : violations;
    return { action: what === 'allow' ? 'pass' : what, kind, violations: found.slice(0, MAX_VIOLATIONS_PER_EVENT) };
  };
  const fit = (validate: ValidateFunction | undefined, value: unknown, prefix: string): PlanVerdict => {
    if (!validate || validate(value ?? {})) return { action: 'pass', violations: [] };
    return verdict('invalid', formatValidationErrors(validate.errors ?? [], prefix).map(({ field, message }) => ({ field, message })));
  };

  return {
    unplanned,
    violations,
    eventNames: [...events.keys()],
    check(event) {
      switch (event.type) {
        case 'track': {
          const name = event.event ?? '';
          if (!events.has(name)) return verdict('unplanned', [{ field: 'event', message: `"${name}" is not in the tracking plan` }]);
          return fit(events.get(name), event.properties, 'properties');
        }
        case 'identify':
          return fit(identify, event.traits, 'traits');
        case 'page':
          return fit(page, event.properties, 'properties');
        default:
          return { action: 'pass', violations: [] };
      }
    },
  };
}

/** A plan error as an admin reads it: where and why. */
export function trackingPlanProblem(error: unknown): { field: string; message: string } | undefined {
  if (!(error instanceof BlueprintError)) return undefined;
  return { field: 'source', message: `line ${error.line}, column ${error.column}: ${error.path ? `${error.path}: ` : ''}${error.reason}` };
}

/**
 * The event as a flagged one goes on: its violations in `context.violations` (replacing any
 * the client sent); a passed event loses a client-sent `context.violations`, which only the
 * plan writes. The event itself is not changed.
 *
 * @example
 * withViolations(event, { action: 'flag', kind: 'invalid', violations: [{ field: 'properties.total', message: 'must be a number' }] });
 */
export function withViolations(event: CanonicalEvent, verdict: PlanVerdict): CanonicalEvent {
  const context = event.context as Record<string, unknown>;
  if (verdict.action !== 'flag') {
    if (!('violations' in context)) return event;
    const { violations: _dropped, ...rest } = context;
    return { ...event, context: rest as CanonicalEvent['context'] };
  }
  return { ...event, context: { ...event.context, violations: verdict.violations.map((v) => ({ type: verdict.kind!, ...v })) } as CanonicalEvent['context'] };
}
