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
