// Airtable formulas for filterByFormula: a field reference in braces and a text literal in
// double quotes, escaped so a userId can never end the literal and become formula code.

/** Characters a formula text literal cannot hold as such (line breaks, NUL, other controls). */
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * A text literal of Airtable's formula language: in double quotes, a backslash and a double
 * quote each escaped with a backslash; undefined for text holding a control character (a line
 * break), which is never looked up.
 *
 * @example
 * formulaText('u-1');          // '"u-1"'
 * formulaText('a"b\\c');       // '"a\\"b\\\\c"'
 * formulaText('line\nbreak');  // undefined
 */
export function formulaText(value: string): string | undefined {
  if (CONTROL.test(value)) return undefined;
  return `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/**
 * The formula matching records whose field equals the value exactly, or undefined when it cannot
 * be written safely (a field name with a brace, a value with a control character).
 *
 * @example
 * equalsFormula('User ID', 'u-1'); // '{User ID}="u-1"'
 */
export function equalsFormula(field: string, value: string): string | undefined {
  const literal = formulaText(value);
  if (literal === undefined || /[{}]/.test(field) || CONTROL.test(field)) return undefined;
  return `{${field}}=${literal}`;
}
