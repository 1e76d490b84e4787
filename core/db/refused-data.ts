/**
 * Whether PostgreSQL refused a statement for a value it carried: SQLSTATE class 22, data
 * exception (a NUL character in `text` or `jsonb`, a number out of range, …), rather than
 * because it could not run the statement. The caller's input is at fault: a 400, never a 5xx.
 *
 * @example
 * isDataException(Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), { code: '22021' })); // true
 * isDataException(Object.assign(new Error('canceling statement due to statement timeout'), { code: '57014' })); // false
 */
export function isDataException(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code);
}

/**
 * Whether a write failed for the values it carried: a data exception, or values that could
 * not be encoded for PostgreSQL at all (a TypeError from `binary-array.ts`). Retrying the same
 * values would fail the same way.
 *
 * @example
 * isRefusedData(new TypeError('not a UUID: x')); // true
 */
export function isRefusedData(error: unknown): boolean {
  return error instanceof TypeError || isDataException(error);
}

/** Levels of an input searched for a NUL: the admin's JSON parser refuses deeper ones. */
const NUL_SEARCH_DEPTH = 128;

/**
 * The path (`input.note`, `ids[2]`, `config.headers["X-A"]`) of the first string or key of
 * `value` holding a NUL character, or undefined. PostgreSQL's refusal of a NUL names no
 * parameter; this names the input that carried it.
 *
 * @example
 * nulPath({ input: { name: 'ok', note: 'a\u0000b' } }); // 'input.note'
 */
export function nulPath(value: unknown, path = '', depth = 0): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path : undefined;
  if (value === null || typeof value !== 'object' || depth > NUL_SEARCH_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulPath(value[i], `${path}[${i}]`, depth + 1);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const [key, item] of Object.entries(value)) {
    const keyPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}${path === '' ? '' : '.'}${key}` : `${path}[${JSON.stringify(key)}]`;
    if (key.includes('\u0000')) return keyPath;
    const found = nulPath(item, keyPath, depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}
