// The message templates of the Slack plugin: text with `{{path}}` placeholders that read the
// event (`{{properties.revenue}}`, `{{traits.email}}`, `{{event}}`). Templates are data, never
// code: a placeholder is a path on the canonical event, read with the core's blueprint path
// getter (`compileGetter`), and nothing else — no expressions, no helpers, no loops.
import { compileGetter, type CanonicalEvent, type JsonValue } from '../../core/sdk/index.ts';

/** What a placeholder whose value the event lacks (absent, null or empty text) renders as. */
export const MISSING_VALUE = '(none)';
/** Characters of one value at most: an event's long text cannot flood the channel. */
export const MAX_VALUE_CHARS = 1000;

/**
 * The fields of the canonical event a placeholder may start with: a typo (`{{propreties.x}}`)
 * is a config error rather than a message that always says (none).
 */
export const TEMPLATE_ROOTS = [
  'type', 'event', 'name', 'category', 'userId', 'anonymousId', 'groupId', 'previousId', 'messageId',
  'timestamp', 'receivedAt', 'originalTimestamp', 'sentAt', 'properties', 'traits', 'context',
] as const;
const ROOTS: ReadonlySet<string> = new Set(TEMPLATE_ROOTS);

type Getter = ReturnType<typeof compileGetter>;

/** A template, parsed: literal text (the admin's own, Slack markup kept) and placeholders. */
export type TemplatePart = { text: string } | { path: string; read: Getter; fallback?: Getter };

export interface ParsedTemplate {
  parts: TemplatePart[];
}

/** A placeholder Slack's reader could not take, and why: config validation words it with the rule's index. */
export interface TemplateProblem {
  placeholder: string;
  message: string;
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/**
 * Parses a template, or says what is wrong with it: an unclosed `{{`, an empty placeholder, a
 * path that is not one (`properties..x`, `properties.__proto__`), or one that does not start
 * with a field of the event (`TEMPLATE_ROOTS`).
 *
 * @example
 * parseTemplate('Order {{properties.order_id}}: {{properties.revenue}}'); // { parts: [...] }
 * parseTemplate('Hi {{ }}'); // { problem: { placeholder: '{{ }}', message: 'is empty: …' } }
 */
export function parseTemplate(template: string): ParsedTemplate | { problem: TemplateProblem } {
  const parts: TemplatePart[] = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    const before = template.slice(last, match.index);
    const open = before.indexOf('{{');
    if (open >= 0) return { problem: { placeholder: excerpt(template.slice(last + open)), message: 'is not closed: write a placeholder as {{properties.name}}' } };
    if (before !== '') parts.push({ text: before });
    const placeholder = match[0];
    const path = match[1]!.trim();
    if (path === '') return { problem: { placeholder, message: 'is empty: name an event field, e.g. {{properties.revenue}}' } };
    const root = path.split('.')[0]!.replace(/\[\]$/, '');
    if (!ROOTS.has(root)) return { problem: { placeholder, message: `does not start with a field of the event: use one of ${TEMPLATE_ROOTS.join(', ')} (e.g. {{properties.${root}}})` } };
    let read: Getter;
    try {
      read = compileGetter(path);
    } catch (error) {
      return { problem: { placeholder, message: `is not a path: ${(error as Error).message}` } };
    }
    // `traits.x` falls back to `context.traits.x`: Segment's SDKs put a track event's traits there.
    parts.push(root === 'traits' && path !== 'traits' ? { path, read, fallback: compileGetter(`context.${path}`) } : { path, read });
    last = match.index + placeholder.length;
  }
  const rest = template.slice(last);
  const open = rest.indexOf('{{');
  if (open >= 0) return { problem: { placeholder: excerpt(rest.slice(open)), message: 'is not closed: write a placeholder as {{properties.name}}' } };
  if (rest !== '') parts.push({ text: rest });
  return { parts };
}

function excerpt(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/**
 * Slack's escaping of text it parses for markup (its "Escaping text" rule): `&`, `<` and `>`
 * as entities, so an event's value cannot write a mention (`<!channel>`, `<@U123>`) or a link.
 *
 * @example
 * escapeSlackText('<!channel> & co'); // '&lt;!channel&gt; &amp; co'
 */
export function escapeSlackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A value as text: numbers and booleans as written, lists joined with ", ", objects as JSON. */
function valueText(value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  // A lone surrogate (half an emoji an SDK cut) would make the message JSON Slack cannot read.
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.toWellFormed();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    const items = value.map((item) => (item !== null && typeof item === 'object' ? JSON.stringify(item) : valueText(item))).filter((item): item is string => item !== undefined);
    return items.length === 0 ? undefined : items.join(', ');
  }
  if (typeof value === 'object') return JSON.stringify(value);
  return undefined;
}

function cut(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text;
}

/** The value a placeholder reads on the event (`traits.x` also in `context.traits`). */
export function placeholderValue(part: Extract<TemplatePart, { path: string }>, event: CanonicalEvent): JsonValue | undefined {
  const value = part.read(event) as JsonValue | undefined;
  if (part.fallback !== undefined && valueText(value) === undefined) {
    const fallback = part.fallback(event) as JsonValue | undefined;
    if (fallback !== undefined) return fallback;
  }
  return value;
}

/**
 * Renders a parsed template for an event. The admin's literal text is kept as written (their
 * own `<!here>` or `<https://…|link>` works); each value is cut to `MAX_VALUE_CHARS` and, when
 * `escape` is on (text Slack parses for markup), escaped. A value the event lacks renders as
 * `MISSING_VALUE`; the paths of those are returned, for the delivery log's warnings.
 *
 * @example
 * renderTemplate(parsed, { properties: { revenue: 600 } }, true); // { text: 'Order …: 600', missing: [] }
 */
export function renderTemplate(template: ParsedTemplate, event: CanonicalEvent, escape: boolean): { text: string; missing: string[] } {
  const missing: string[] = [];
  let text = '';
  for (const part of template.parts) {
    if ('text' in part) {
      text += part.text;
      continue;
    }
    const value = valueText(placeholderValue(part, event));
    if (value === undefined) {
      missing.push(part.path);
      text += MISSING_VALUE;
      continue;
    }
    const short = cut(value, MAX_VALUE_CHARS);
    text += escape ? escapeSlackText(short) : short;
  }
  return { text, missing };
}
