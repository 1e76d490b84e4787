import { SignalError, type ErrorField } from '../errors.ts';

/** How a pixel request gave its event: `data` (JSON, base64-encoded or not) or one query parameter per field. */
export type PixelForm = 'data' | 'params';

/** A pixel request's event as a collect body, and how it was given. */
export interface PixelBody {
  body: Record<string, unknown>;
  form: PixelForm;
}

/** Segment's pixel routes and the alias RudderStack's pixel API uses. */
export const PIXEL_TYPES = ['track', 'page', 'identify', 'screen', 'group', 'alias'] as const;

/** Path segments that would reach an object's prototype: refused, like `__proto__` keys in JSON bodies. */
const FORBIDDEN_SEGMENTS = new Set(['__proto__', 'constructor', 'prototype']);
/** Segments of a dotted parameter name, at most (the event schema nests far less). */
const MAX_DEPTH = 16;

function refusedQuery(fields: ErrorField[]): SignalError {
  return new SignalError('SIGNAL_INVALID_EVENT', fields.map((f) => `${f.field} ${f.message}`).join('; '), fields);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The object `data` holds: its JSON as given, or base64 (standard or URL-safe) of it. */
function decodeData(data: string): Record<string, unknown> | undefined {
  const text = data.trimStart().startsWith('{') ? data : Buffer.from(data, 'base64').toString('utf8');
  try {
    const parsed: unknown = JSON.parse(text, (key, value: unknown) => {
      if (key === '__proto__') throw new SyntaxError('"__proto__" is not allowed as a key');
      return value;
    });
    return isPlainObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The event a pixel request (`GET /v1/pixel/track?…`) carries, as the collect body it stands
 * for: `data`, the event's JSON — base64-encoded as Segment's Tracking Pixel API documents it,
 * or as it is — or else one query parameter per field, dotted for nested ones
 * (`properties.subject=Daily`, RudderStack's pixel API and Segment's unencoded form), whose
 * values are all text until the schema reads them (`coerce` booleans and numbers). A `writeKey`
 * parameter beside `data` is the key when `data` has none. Throws a 400 naming the parameter.
 *
 * @example
 * pixelBody({ data: Buffer.from('{"writeKey":"k","userId":"u-1","event":"Email Opened"}').toString('base64') });
 * // { body: { writeKey: 'k', userId: 'u-1', event: 'Email Opened' }, form: 'data' }
 * pixelBody({ writeKey: 'k', userId: 'u-1', event: 'Email Opened', 'properties.subject': 'Daily' });
 * // { body: { writeKey: 'k', userId: 'u-1', event: 'Email Opened', properties: { subject: 'Daily' } }, form: 'params' }
 */
export function pixelBody(query: Record<string, string | string[] | undefined>): PixelBody {
  const fields: ErrorField[] = [];
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) fields.push({ field: name, message: `is given ${value.length} times: give each query parameter once` });
  }
  if (fields.length > 0) throw refusedQuery(fields);
  const data = query.data as string | undefined;
  if (data !== undefined) {
    const body = decodeData(data);
    if (!body) throw refusedQuery([{ field: 'data', message: 'must be the event as a JSON object, base64-encoded (standard or URL-safe) or as it is' }]);
    const writeKey = query.writeKey as string | undefined;
    if (body.writeKey === undefined && writeKey !== undefined) body.writeKey = writeKey;
    return { body, form: 'data' };
  }
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(query) as Array<[string, string]>) {
    const segments = name.split('.');
    if (segments.some((s) => s === '' || FORBIDDEN_SEGMENTS.has(s)) || segments.length > MAX_DEPTH) {
      fields.push({ field: name, message: `is not a field path: dotted names of at most ${MAX_DEPTH} parts, none empty or ${[...FORBIDDEN_SEGMENTS].join('/')}` });
      continue;
    }
    let at = body;
    for (let i = 0; i < segments.length - 1; i++) {
      const next = at[segments[i]!];
      if (next === undefined) at = at[segments[i]!] = {};
      else if (isPlainObject(next)) at = next;
      else {
        fields.push({ field: name, message: `cannot go inside ${segments.slice(0, i + 1).join('.')}, given a value of its own` });
        at = {};
      }
    }
    const last = segments.at(-1)!;
    if (at[last] !== undefined) fields.push({ field: name, message: `cannot be given a value: ${name}.… parameters make it an object` });
    else at[last] = value;
  }
  if (fields.length > 0) throw refusedQuery(fields);
  if (Object.keys(body).length === 0) {
    throw refusedQuery([{ field: 'data', message: 'is required: the event as base64-encoded JSON (or one query parameter per field, e.g. userId=…&event=…)' }]);
  }
  return { body, form: 'params' };
}
