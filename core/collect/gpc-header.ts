/**
 * Global Privacy Control's request header. The GPC specification (w3c/gpc) defines one value,
 * `Sec-GPC: 1`: the visitor opted out of the sale and sharing of their data; no header (or any
 * other value) states no preference. Node joins a repeated header with `, `, so `1, 1` counts.
 *
 * @example
 * hasGpcHeader('1'); // true
 * hasGpcHeader('0'); // false
 * hasGpcHeader(undefined); // false
 */
export function hasGpcHeader(value: string | string[] | undefined): boolean {
  if (value === undefined) return false;
  const parts = (Array.isArray(value) ? value.join(',') : value).split(',').map((part) => part.trim());
  return parts.length > 0 && parts.every((part) => part === '1');
}
