// Ids SDKs and sites write when a variable was empty ("null", "undefined", "anonymous", …):
// many unrelated visitors share them, so none names a person. One list for the core (what a
// person deletion refuses, whose traits are remembered) and for plugins (which ids they send).

/** Placeholders, compared trimmed and without case. */
const PLACEHOLDERS: ReadonlySet<string> = new Set(['null', 'undefined', 'none', 'nil', 'anonymous', 'unknown', 'n/a', 'na', '0', '-1', '[object object]']);

/**
 * Whether an id is one written when a variable was empty: shared by unrelated visitors, it
 * names no one.
 *
 * @example
 * namesNoOne(' NULL '); // true
 * namesNoOne('user-123'); // false
 */
export function namesNoOne(id: string): boolean {
  return PLACEHOLDERS.has(id.trim().toLowerCase());
}

/**
 * An id a person can be told by: non-blank text, or a finite number, that names someone —
 * neither a placeholder (namesNoOne) nor one of `vendorPlaceholders` (lower case), the values a
 * vendor refuses besides (Mixpanel's `true`, `[]`, the zero UUID…).
 *
 * @example
 * usableId('user-123'); // true
 * usableId('undefined'); // false
 * usableId('[]', new Set(['[]'])); // false
 */
export function usableId(value: unknown, vendorPlaceholders: ReadonlySet<string> = new Set()): value is string | number {
  if (typeof value === 'number') return Number.isFinite(value) && !namesNoOne(String(value)) && !vendorPlaceholders.has(String(value));
  if (typeof value !== 'string' || value.trim() === '') return false;
  return !namesNoOne(value) && !vendorPlaceholders.has(value.trim().toLowerCase());
}
