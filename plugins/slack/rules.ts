// The rules of a Slack integration: which events post a message (by type, by name or simple
// pattern, and by conditions on their fields) and the message each posts. Read from the
// config once per config object; the first rule an event matches is its message.
import { compileGetter, isJsonObject, type CanonicalEvent, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';
import { parseTemplate, placeholderValue, TEMPLATE_ROOTS, type ParsedTemplate } from './template.ts';

export const EVENT_TYPES = ['track', 'page', 'screen', 'identify', 'group', 'alias'] as const;
export type RuleEventType = (typeof EVENT_TYPES)[number];
/** Types whose events have a name a rule can match (`event` for track, `name` for page and screen). */
const NAMED_TYPES: ReadonlySet<string> = new Set(['track', 'page', 'screen']);

export const OPERATORS = ['=', '!=', '>', '>=', '<', '<=', 'exists', 'not_exists'] as const;
export type Operator = (typeof OPERATORS)[number];
const NUMERIC: ReadonlySet<string> = new Set(['>', '>=', '<', '<=']);

/** A rule, compiled: what it matches and its message's templates. */
export interface CompiledRule {
  index: number;
  type: RuleEventType;
  /** Names or patterns; empty: every event of the type. */
  names: NameMatcher[];
  conditions: Array<{ field: string; op: Operator; value?: string; read: ReturnType<typeof compileGetter>; fallback?: ReturnType<typeof compileGetter> }>;
  template: ParsedTemplate;
  title?: ParsedTemplate;
}

/** Whether an event's name is one a rule takes. */
export interface NameMatcher {
  test(name: string): boolean;
}

/**
 * A name or a simple pattern: `*` stands for any characters (none included), everything else
 * is literal and case-sensitive, as event names are. Matched piece by piece with `indexOf`
 * rather than as a regular expression: `.*` repeated (`*a*a*a*b`) backtracks exponentially on
 * a long event name a visitor can send, which would stall delivery for seconds per event.
 *
 * @example
 * namePattern('Order *').test('Order Completed'); // true
 * namePattern('Order Completed').test('order completed'); // false
 */
export function namePattern(pattern: string): NameMatcher {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return { test: (name) => name === pattern };
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  return {
    test(name) {
      if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
      // The leftmost place of each piece in turn is enough: any later one leaves less room.
      const end = name.length - last.length;
      let at = first.length;
      for (const piece of middle) {
        const found = name.indexOf(piece, at);
        if (found < 0 || found + piece.length > end) return false;
        at = found + piece.length;
      }
      return true;
    },
  };
}

/**
 * The rules of a config, compiled, with every problem found (each naming `rules[i].<field>`
 * and what was expected). A rule with a problem is left out of `rules`.
 *
 * @example
 * readRules([{ events: ['Order Completed'], template: 'New order: {{properties.revenue}}' }]);
 * // { rules: [{ index: 0, type: 'track', … }], problems: [] }
 */
export function readRules(value: JsonValue | undefined): { rules: CompiledRule[]; problems: ConfigProblem[] } {
  const rules: CompiledRule[] = [];
  const problems: ConfigProblem[] = [];
  if (!Array.isArray(value) || value.length === 0) {
    return { rules, problems: [{ field: 'rules', message: 'must be a list of at least one rule: { "events": ["Order Completed"], "template": "New order: {{properties.revenue}}" }' }] };
  }
  value.forEach((raw, index) => {
    const at = `rules[${index}]`;
    const before = problems.length;
    if (!isJsonObject(raw)) {
      problems.push({ field: at, message: 'must be an object with a template (and optionally type, events, where, title)' });
      return;
    }
    const type = raw.type === undefined ? 'track' : raw.type;
    if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
      problems.push({ field: `${at}.type`, message: `must be one of ${EVENT_TYPES.join(', ')} (got ${JSON.stringify(type)})` });
      return;
    }
    const names: NameMatcher[] = [];
    if (raw.events !== undefined) {
      if (!Array.isArray(raw.events) || raw.events.some((name) => typeof name !== 'string' || name.trim() === '')) {
        problems.push({ field: `${at}.events`, message: 'must be a list of event names or patterns (text, * for any characters), e.g. ["Order Completed", "Checkout *"]' });
      } else if (raw.events.length > 0 && !NAMED_TYPES.has(type)) {
        problems.push({ field: `${at}.events`, message: `must be left out for ${type} rules: only track (event), page and screen (name) events have names` });
      } else {
        for (const name of raw.events as string[]) names.push(namePattern(name));
      }
    }
    const conditions: CompiledRule['conditions'] = [];
    if (raw.where !== undefined) {
      if (!Array.isArray(raw.where)) problems.push({ field: `${at}.where`, message: 'must be a list of conditions such as { "field": "properties.revenue", "op": ">=", "value": "500" }' });
      else raw.where.forEach((condition, i) => {
        const where = `${at}.where[${i}]`;
        if (!isJsonObject(condition)) {
          problems.push({ field: where, message: 'must be an object { field, op, value }' });
          return;
        }
        const { field, op, value: expected } = condition;
        if (typeof field !== 'string' || field.trim() === '') {
          problems.push({ field: `${where}.field`, message: 'must be a path on the event, e.g. properties.revenue' });
          return;
        }
        const root = field.split('.')[0]!;
        if (!(TEMPLATE_ROOTS as readonly string[]).includes(root)) {
          problems.push({ field: `${where}.field`, message: `must start with a field of the event: one of ${TEMPLATE_ROOTS.join(', ')} (got "${field}")` });
          return;
        }
        let read: ReturnType<typeof compileGetter>;
        try {
          read = compileGetter(field.trim());
        } catch (error) {
          problems.push({ field: `${where}.field`, message: `is not a path: ${(error as Error).message}` });
          return;
        }
        if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
          problems.push({ field: `${where}.op`, message: `must be one of ${OPERATORS.join(', ')} (got ${JSON.stringify(op)})` });
          return;
        }
        const operator = op as Operator;
        // `traits.x` also reads `context.traits.x`, as placeholders do.
        const fallback = root === 'traits' && field.trim() !== 'traits' ? compileGetter(`context.${field.trim()}`) : undefined;
        const compiled = { field: field.trim(), op: operator, read, ...(fallback ? { fallback } : {}) };
        if (operator === 'exists' || operator === 'not_exists') {
          if (expected !== undefined) problems.push({ field: `${where}.value`, message: `must be left out with ${operator}` });
          else conditions.push(compiled);
          return;
        }
        if (typeof expected !== 'string') {
          problems.push({ field: `${where}.value`, message: `must be given as text with ${operator} (e.g. "500")` });
          return;
        }
        if (NUMERIC.has(operator) && (expected.trim() === '' || !Number.isFinite(Number(expected.trim())))) {
          problems.push({ field: `${where}.value`, message: `must be a number with ${operator} (got "${expected}")` });
          return;
        }
        conditions.push({ ...compiled, value: expected });
      });
    }
    let template: ParsedTemplate | undefined;
    if (typeof raw.template !== 'string' || raw.template.trim() === '') {
      problems.push({ field: `${at}.template`, message: 'must be the message\'s text, e.g. "New order {{properties.order_id}}: ${{properties.revenue}}"' });
    } else {
      const parsed = parseTemplate(raw.template);
      if ('problem' in parsed) problems.push({ field: `${at}.template`, message: `placeholder ${parsed.problem.placeholder} ${parsed.problem.message}` });
      else template = parsed;
    }
    let title: ParsedTemplate | undefined;
    if (raw.title !== undefined) {
      if (typeof raw.title !== 'string' || raw.title.trim() === '') {
        problems.push({ field: `${at}.title`, message: 'must be the header\'s text (plain text, up to 150 characters), or be left out' });
      } else {
        const parsed = parseTemplate(raw.title);
        if ('problem' in parsed) problems.push({ field: `${at}.title`, message: `placeholder ${parsed.problem.placeholder} ${parsed.problem.message}` });
        else title = parsed;
      }
    }
    if (problems.length === before && template) rules.push({ index, type: type as RuleEventType, names, conditions, template, ...(title ? { title } : {}) });
  });
  return { rules, problems };
}

/** The event's name a rule's names match: track's `event`, page's and screen's `name`. */
function nameOf(event: CanonicalEvent): string | undefined {
  const name = event.type === 'track' ? event.event : (event as { name?: unknown }).name;
  return typeof name === 'string' ? name : undefined;
}

/** A value as a condition compares it: text as it is, numbers and booleans as written. */
function comparable(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return undefined;
}

function holds(condition: CompiledRule['conditions'][number], event: CanonicalEvent): boolean {
  const raw = placeholderValue({ path: condition.field, read: condition.read, ...(condition.fallback ? { fallback: condition.fallback } : {}) }, event);
  const present = raw !== undefined && raw !== null && !(typeof raw === 'string' && raw.trim() === '');
  if (condition.op === 'exists') return present;
  if (condition.op === 'not_exists') return !present;
  const actual = comparable(raw);
  if (actual === undefined) return false;
  if (condition.op === '=') return actual === condition.value;
  if (condition.op === '!=') return actual !== condition.value;
  // Numbers as Segment's SDKs send them, or as numeric text ("600.00"): anything else fails.
  const number = Number(actual.trim());
  const bound = Number(condition.value!.trim());
  if (actual.trim() === '' || !Number.isFinite(number)) return false;
  if (condition.op === '>') return number > bound;
  if (condition.op === '>=') return number >= bound;
  if (condition.op === '<') return number < bound;
  return number <= bound;
}

/** Whether a rule takes events of this type and name (before its conditions). */
function takesTypeAndName(rule: CompiledRule, event: CanonicalEvent, name: string | undefined): boolean {
  return rule.type === event.type && (rule.names.length === 0 || (name !== undefined && rule.names.some((pattern) => pattern.test(name))));
}

/**
 * The first rule the event matches (its type, one of its names if it has some, every
 * condition), or undefined: the event posts nothing.
 *
 * @example
 * matchingRule(rules, { type: 'track', event: 'Order Completed', properties: { revenue: 600 }, … }); // rules[0]
 */
export function matchingRule(rules: readonly CompiledRule[], event: CanonicalEvent): CompiledRule | undefined {
  const name = nameOf(event);
  return rules.find((rule) => takesTypeAndName(rule, event, name) && rule.conditions.every((condition) => holds(condition, event)));
}

/** Why an event no rule takes by its type and name posts nothing (the plugin's `neverSends`). */
export const NO_RULE_TAKES_IT = 'no rule in config.rules takes its type and name';

/**
 * Why the event never posts a message, whatever its fields: no rule takes its type and name
 * (so no condition could make one match); undefined when some rule may. matchingRule's first
 * test, asked alone so such events are not queued (the plugin's `neverSends`).
 *
 * @example
 * noRuleTakes(rules, { type: 'page', name: 'Home', … });              // 'no rule in config.rules takes its type and name'
 * noRuleTakes(rules, { type: 'track', event: 'Order Completed', … }); // undefined (its conditions decide)
 */
export function noRuleTakes(rules: readonly CompiledRule[], event: CanonicalEvent): string | undefined {
  const name = nameOf(event);
  return rules.some((rule) => takesTypeAndName(rule, event, name)) ? undefined : NO_RULE_TAKES_IT;
}
