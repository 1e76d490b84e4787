/**
 * Numbers sent as text: one rule for `to_number` and the filters' comparisons, so a filter
 * never treats as a number what the transform refuses (`""`, `"0x10"`, `"1,234"`).
 */

const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/**
 * The finite number decimal text stands for (surrounding white space allowed), or undefined:
 * `Number()` would also take `""` (0), blank text (0), hex, binary and octal literals and
 * `"Infinity"`.
 *
 * @example
 * parseDecimal(' 89.99 '); // 89.99
 * parseDecimal('0x10');    // undefined
 * parseDecimal('');        // undefined
 */
export function parseDecimal(text: string): number | undefined {
  const trimmed = text.trim();
  if (!DECIMAL.test(trimmed)) return undefined;
  const n = Number(trimmed);
  return Number.isFinite(n) ? n : undefined;
}
