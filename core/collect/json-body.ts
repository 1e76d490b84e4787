// The JSON body parser of both listeners (collect: application/json and sendBeacon's
// text/plain; admin: application/json).
//
// Fastify's own parser answers every parse failure with one fixed sentence, so a client could
// not tell where its JSON broke or that it was refused for a `__proto__` key. This one keeps
// V8's message (which names the position), refuses the keys that pollute prototypes, as
// Fastify does, and refuses bodies nested too deep to handle: JSON.stringify overflows the
// stack at about 5,000 levels, and a mapper walking an event would fail in the worker instead.

import { SignalError, type ErrorCode } from '../errors.ts';

/** Most levels of objects and arrays in a collect body, the body itself being level 1. */
export const MAX_NESTING_DEPTH = 64;

export interface JsonBodyOptions {
  /** The code of a refused key or nesting (default `SIGNAL_INVALID_EVENT`). */
  refusalCode?: ErrorCode;
  /** Default `MAX_NESTING_DEPTH`. */
  maxDepth?: number;
}

interface Refusal {
  message: string;
  /** Keys from the offending value up to the body, filled while the walk unwinds. */
  keys: Array<string | number>;
}

const PROTO_MESSAGE = 'is not accepted: a "__proto__" key could alter objects of the server (prototype pollution)';
const NUMBER_MESSAGE = 'is a number too large for a double (e.g. 1e400): send it as a string';
const CONSTRUCTOR_MESSAGE = 'is not accepted: a "constructor" object with a "prototype" key could alter objects of the server (prototype pollution)';

/**
 * Depth-first check of the keys and the nesting, bounded by `maxDepth`. No path is built on the
 * way down: that would cost a string per value on every request.
 */
function check(value: unknown, depth: number, maxDepth: number): Refusal | undefined {
  // JSON.parse reads 1e400 as Infinity, which JSON.stringify would then store as null.
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : { message: NUMBER_MESSAGE, keys: [] };
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > maxDepth) return { message: `nests objects and arrays more than ${maxDepth} levels deep; flatten it`, keys: [] };
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const refusal = check(value[i], depth + 1, maxDepth);
      if (refusal) return (refusal.keys.push(i), refusal);
    }
    return undefined;
  }
  for (const key in value) {
    if (key === '__proto__') return { message: PROTO_MESSAGE, keys: [key] };
    const item = (value as Record<string, unknown>)[key];
    if (key === 'constructor' && item !== null && typeof item === 'object' && Object.hasOwn(item, 'prototype')) return { message: CONSTRUCTOR_MESSAGE, keys: [key] };
    const refusal = check(item, depth + 1, maxDepth);
    if (refusal) return (refusal.keys.push(key), refusal);
  }
  return undefined;
}

/** Segments of a path shown in an error; a deeper path ends in `…`. */
const SHOWN_SEGMENTS = 8;

/** `batch[2].properties.items[0]` from keys collected innermost first. */
function pathOf(keys: Array<string | number>): string {
  let path = '';
  const shown = Math.max(0, keys.length - SHOWN_SEGMENTS);
  for (let i = keys.length - 1; i >= shown; i--) {
    const key = keys[i]!;
    if (typeof key === 'number') path += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) path += `${path === '' ? '' : '.'}${key}`;
    else path += `[${JSON.stringify(key)}]`;
  }
  return shown > 0 ? `${path}…` : path;
}

/**
 * Parses a JSON body: 400 `SIGNAL_INVALID_JSON` with V8's reason when it is not JSON, and 400
 * (`options.refusalCode`) naming the field for a prototype-polluting key or nesting deeper than
 * `options.maxDepth`.
 *
 * @example
 * parseJsonBody('{"event":"Signed Up"}'); // { event: 'Signed Up' }
 */
export function parseJsonBody(text: string, options: JsonBodyOptions = {}): unknown {
  if (text.length === 0) throw new SignalError('SIGNAL_INVALID_JSON', 'The request body is empty; expected a JSON object');
  let value: unknown;
  try {
    // A UTF-8 byte order mark, which .NET and PowerShell clients send, is not JSON: skip it.
    value = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new SignalError('SIGNAL_INVALID_JSON', `The request body is not valid JSON: ${(error as Error).message}`);
  }
  const refusal = check(value, 1, options.maxDepth ?? MAX_NESTING_DEPTH);
  if (refusal) {
    const field = refusal.keys.length === 0 ? '(body)' : pathOf(refusal.keys);
    const index = refusal.keys.at(-1) === 'batch' && typeof refusal.keys.at(-2) === 'number' ? refusal.keys.at(-2) as number : undefined;
    throw new SignalError(options.refusalCode ?? 'SIGNAL_INVALID_EVENT', `${field} ${refusal.message}`, [{ field, message: refusal.message, ...(index === undefined ? {} : { index }) }]);
  }
  return value;
}

/**
 * A Fastify content-type parser (`parseAs: 'string'`) that parses with `parseJsonBody`.
 *
 * @example
 * app.removeContentTypeParser('application/json');
 * app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonBodyParser({ refusalCode: 'SIGNAL_VALIDATION_FAILED' }));
 */
export function jsonBodyParser(options: JsonBodyOptions = {}) {
  return (_request: unknown, body: string | Buffer, done: (error: Error | null, value?: unknown) => void): void => {
    try {
      done(null, parseJsonBody(typeof body === 'string' ? body : body.toString('utf8'), options));
    } catch (error) {
      done(error as Error);
    }
  };
}
