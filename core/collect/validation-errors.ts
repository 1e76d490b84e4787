import type { ErrorObject } from 'ajv';
import type { ErrorField } from '../errors.ts';

/** `/batch/3/context/page/url` → `batch[3].context.page.url` */
export function pointerToField(pointer: string, prefix = ''): string {
  let field = prefix;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    field += /^\d+$/.test(segment) ? `[${segment}]` : field === '' ? segment : `.${segment}`;
  }
  return field;
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'type': {
      // ajv gives "string,null" for a field that may be null.
      const types = String(params.type).split(',').map((t) => (t === 'object' ? 'an object' : t === 'array' ? 'an array' : t === 'null' ? 'null' : t === 'integer' ? 'an integer' : `a ${t}`));
      return `must be ${types.join(' or ')}`;
    }
    case 'enum':
      return `must be one of: ${(params.allowedValues as unknown[]).map(String).join(', ')}`;
    case 'const':
      return `must be ${JSON.stringify(params.allowedValue)}`;
    case 'format':
      if (params.format === 'date-time') return 'must be an ISO 8601 date-time with a time zone, e.g. 2026-03-24T16:00:00.000Z';
      if (params.format === 'ip') return 'must be an IPv4 or IPv6 address, e.g. 203.0.113.42';
      return `must be a valid ${String(params.format)}`;
    case 'maxLength':
      return `must be at most ${String(params.limit)} characters`;
    case 'minLength':
      return params.limit === 1 ? 'must not be empty' : `must be at least ${String(params.limit)} characters`;
    case 'minItems':
      return `must hold at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    case 'maxItems':
      return `must hold at most ${String(params.limit)} items`;
    case 'additionalProperties':
      return `has unknown field "${String(params.additionalProperty)}"`;
    default:
      return error.message ?? 'is invalid';
  }
}

/**
 * Turns ajv errors into fields a person can act on: which field, what was expected, and the
 * batch index when the field belongs to one event of a batch. `if`/`then` wrappers are
 * dropped (their inner error says it all) and duplicates are merged.
 */
export function formatValidationErrors(errors: ErrorObject[], prefix = ''): ErrorField[] {
  const fields: ErrorField[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword === 'if') continue;
    const base = pointerToField(error.instancePath, prefix);
    const missing = error.keyword === 'required' ? String((error.params as { missingProperty: string }).missingProperty) : undefined;
    const field = missing === undefined ? base || '(body)' : base ? `${base}.${missing}` : missing;
    const message = describe(error);
    const key = `${field}\u0000${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const entry: ErrorField = { field, message };
    const index = /^\/batch\/(\d+)/.exec(error.instancePath)?.[1];
    if (index !== undefined) entry.index = Number(index);
    fields.push(entry);
  }
  return fields;
}

/** One sentence naming every failing field, for the `message` of a 400. */
export function summarise(fields: ErrorField[]): string {
  const shown = fields.slice(0, 5).map((f) => `${f.field} ${f.message}`);
  const more = fields.length > 5 ? ` (and ${fields.length - 5} more)` : '';
  return `${shown.join('; ')}${more}`;
}
