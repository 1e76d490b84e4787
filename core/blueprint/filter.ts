import { parseDecimal } from './decimal-text.ts';
import { compileGetter, parsePath, type Getter } from './paths.ts';

/** A filter that does not parse: the reason and the column (1-based) where it went wrong. */
export class FilterSyntaxError extends Error {
  readonly column: number;
  constructor(message: string, column: number) {
    super(`${message} (column ${column})`);
    this.name = 'FilterSyntaxError';
    this.column = column;
  }
}

type Token =
  | { kind: 'string' | 'path'; value: string; at: number }
  | { kind: 'number'; value: number; at: number }
  | { kind: 'op'; value: string; at: number }
  | { kind: 'end'; at: number };

/** Bounds, so a pasted megabyte or a deep nest cannot exhaust the stack. */
const MAX_DEPTH = 64;
const MAX_LENGTH = 4096;
const NEGATABLE = new Set(['in', 'contains', 'startsWith', 'endsWith', 'exists']);

const KEYWORDS = new Set(['and', 'or', 'not', 'in', 'exists', 'startsWith', 'contains', 'endsWith', 'true', 'false', 'null']);

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i + 1;
    if (c === '"' || c === "'") {
      let value = '';
      i++;
      while (i < source.length && source[i] !== c) {
        if (source[i] === '\\' && i + 1 < source.length) i++;
        value += source[i];
        i++;
      }
      if (i >= source.length) throw new FilterSyntaxError(`unterminated string starting with ${c}`, at);
      i++;
      tokens.push({ kind: 'string', value, at });
      continue;
    }
    const two = source.slice(i, i + 2);
    if (['==', '!=', '>=', '<='].includes(two)) {
      tokens.push({ kind: 'op', value: two, at });
      i += 2;
      continue;
    }
    if ('<>()[],'.includes(c)) {
      tokens.push({ kind: 'op', value: c, at });
      i++;
      continue;
    }
    if (c === '=') throw new FilterSyntaxError('use == to compare', at);
    const number = /^-?\d+(\.\d+)?/.exec(source.slice(i));
    if (number && (c !== '-' || /\d/.test(source[i + 1] ?? ''))) {
      tokens.push({ kind: 'number', value: Number(number[0]), at });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_$@][A-Za-z0-9_$@.\-[\]]*/.exec(source.slice(i));
    if (word) {
      // A path may end in [] but a list literal's bracket must not be swallowed.
      let value = word[0];
      while (value.endsWith('[') || (value.endsWith(']') && !value.endsWith('[]'))) value = value.slice(0, -1);
      tokens.push(KEYWORDS.has(value) ? { kind: 'op', value, at } : { kind: 'path', value, at });
      i += value.length;
      continue;
    }
    throw new FilterSyntaxError(`unexpected character "${c}"`, at);
  }
  tokens.push({ kind: 'end', at: source.length + 1 });
  return tokens;
}

type Value = (event: unknown) => unknown;
export type Predicate = (event: unknown) => boolean;

/**
 * A number and text compare as numbers when the text is decimal (`"10" == 10`: event values
 * often arrive as text), by the rule `to_number` uses: blank text, `"0x10"` or `"1,234"` is no
 * number, so it never equals or orders against one.
 */
function asNumbers(a: unknown, b: unknown): [number, number] | undefined {
  if (typeof a === 'number' && typeof b === 'string') {
    const y = parseDecimal(b);
    return y === undefined ? undefined : [a, y];
  }
  if (typeof a === 'string' && typeof b === 'number') {
    const x = parseDecimal(a);
    return x === undefined ? undefined : [x, b];
  }
  return undefined;
}

function equals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  const numbers = asNumbers(a, b);
  return numbers !== undefined && numbers[0] === numbers[1];
}

function compare(a: unknown, b: unknown, op: string): boolean {
  let x: unknown = a;
  let y: unknown = b;
  if (typeof a !== typeof b) {
    const numbers = asNumbers(a, b);
    if (numbers === undefined) return false;
    [x, y] = numbers;
  }
  if (!((typeof x === 'number' && typeof y === 'number' && !Number.isNaN(x) && !Number.isNaN(y)) || (typeof x === 'string' && typeof y === 'string'))) return false;
  switch (op) {
    case '>': return x > y;
    case '>=': return x >= y;
    case '<': return x < y;
    default: return x <= y;
  }
}

/**
 * Parses a filter once into a predicate: comparisons (== != > >= < <=), `and` / `or` / `not`,
 * parentheses, `in [..]`, `exists`, `startsWith`, `endsWith`, `contains` (each also negated:
 * `not in`, `not exists`…), numbers, strings, booleans, null and event paths. A bare path is
 * true when its value is truthy. No eval; a syntax error names the column (1-based). The
 * predicate never throws.
 *
 * @example
 * const isBigCheckout = parseFilter('properties.total > 100 and context.page.path startsWith "/checkout"');
 * isBigCheckout(event); // true or false
 * parseFilter('event not in ["Internal Test", "QA"]');
 */
export function parseFilter(source: string): Predicate {
  if (typeof source !== 'string' || source.trim() === '') throw new FilterSyntaxError('the filter is empty', 1);
  if (source.length > MAX_LENGTH) throw new FilterSyntaxError(`the filter is longer than ${MAX_LENGTH} characters`, MAX_LENGTH + 1);
  const tokens = tokenize(source);
  let pos = 0;
  const peek = () => tokens[pos]!;
  const isOp = (value: string) => peek().kind === 'op' && (peek() as { value: string }).value === value;
  const expect = (value: string) => {
    if (!isOp(value)) throw new FilterSyntaxError(`expected "${value}"`, peek().at);
    pos++;
  };

  function operand(): Value {
    const token = peek();
    if (token.kind === 'string' || token.kind === 'number') {
      pos++;
      const value = token.value;
      return () => value;
    }
    if (token.kind === 'path') {
      pos++;
      const parsed = parsePath(token.value);
      if ('error' in parsed) throw new FilterSyntaxError(parsed.error, token.at);
      const get: Getter = compileGetter(token.value);
      return get;
    }
    if (token.kind === 'op' && (token.value === 'true' || token.value === 'false' || token.value === 'null')) {
      pos++;
      const value = token.value === 'null' ? null : token.value === 'true';
      return () => value;
    }
    throw new FilterSyntaxError(token.kind === 'end' ? 'the filter ends too early' : `expected a value or a path, got "${(token as { value: unknown }).value}"`, token.at);
  }

  function list(): unknown[] {
    expect('[');
    const values: unknown[] = [];
    while (!isOp(']')) {
      const token = peek();
      if (token.kind === 'string' || token.kind === 'number') values.push(token.value);
      else if (token.kind === 'op' && ['true', 'false', 'null'].includes(token.value)) values.push(token.value === 'null' ? null : token.value === 'true');
      else throw new FilterSyntaxError('a list holds strings, numbers, booleans or null', token.at);
      pos++;
      if (isOp(',')) pos++;
      else if (!isOp(']')) throw new FilterSyntaxError('expected "," or "]"', peek().at);
    }
    pos++;
    return values;
  }

  let depth = 0;
  function comparison(): Predicate {
    if (isOp('(')) {
      const open = peek();
      if (++depth > MAX_DEPTH) throw new FilterSyntaxError(`more than ${MAX_DEPTH} nested parentheses`, open.at);
      pos++;
      const inner = or();
      expect(')');
      depth--;
      return inner;
    }
    const left = operand();
    // `a not in [..]`, `a not contains b`, `a not exists`…: the negated infix form.
    if (isOp('not')) {
      const next = tokens[pos + 1]!;
      if (next.kind === 'op' && NEGATABLE.has(next.value)) {
        pos++;
        const positive = infix(left);
        return (e) => !positive(e);
      }
      throw new FilterSyntaxError('"not" here must be followed by in, contains, startsWith, endsWith or exists', peek().at);
    }
    return infix(left);
  }

  function infix(left: Value): Predicate {
    const token = peek();
    if (token.kind !== 'op') return (e) => Boolean(left(e));
    switch (token.value) {
      case '==': case '!=': {
        pos++;
        const right = operand();
        return token.value === '==' ? (e) => equals(left(e), right(e)) : (e) => !equals(left(e), right(e));
      }
      case '>': case '>=': case '<': case '<=': {
        pos++;
        const right = operand();
        const op = token.value;
        return (e) => compare(left(e), right(e), op);
      }
      case 'in': {
        pos++;
        const values = list();
        // Text-only lists (the common case) answer from a Set; mixed ones compare one by one.
        if (values.every((v) => typeof v === 'string' && parseDecimal(v) === undefined)) {
          const set = new Set(values as string[]);
          return (e) => {
            const v = left(e);
            return typeof v === 'string' && set.has(v);
          };
        }
        return (e) => {
          const v = left(e);
          return values.some((candidate) => equals(v, candidate));
        };
      }
      case 'exists':
        pos++;
        return (e) => {
          const v = left(e);
          return v !== undefined && v !== null;
        };
      case 'startsWith': case 'endsWith': {
        pos++;
        const right = operand();
        const starts = token.value === 'startsWith';
        return (e) => {
          const v = left(e);
          const r = right(e);
          return typeof v === 'string' && typeof r === 'string' && (starts ? v.startsWith(r) : v.endsWith(r));
        };
      }
      case 'contains': {
        pos++;
        const right = operand();
        return (e) => {
          const v = left(e);
          const r = right(e);
          if (typeof v === 'string') return typeof r === 'string' && v.includes(r);
          return Array.isArray(v) && v.some((item) => equals(item, r));
        };
      }
      default:
        return (e) => Boolean(left(e));
    }
  }

  function not(): Predicate {
    if (isOp('not')) {
      const at = peek().at;
      pos++;
      if (++depth > MAX_DEPTH) throw new FilterSyntaxError(`more than ${MAX_DEPTH} nested "not"`, at);
      const inner = not();
      depth--;
      return (e) => !inner(e);
    }
    return comparison();
  }

  function and(): Predicate {
    let left = not();
    while (isOp('and')) {
      pos++;
      const a = left;
      const b = not();
      left = (e) => a(e) && b(e);
    }
    return left;
  }

  function or(): Predicate {
    let left = and();
    while (isOp('or')) {
      pos++;
      const a = left;
      const b = and();
      left = (e) => a(e) || b(e);
    }
    return left;
  }

  const predicate = or();
  if (peek().kind !== 'end') {
    const token = peek() as { value?: unknown; at: number };
    throw new FilterSyntaxError(`unexpected "${String(token.value)}"`, token.at);
  }
  return predicate;
}
