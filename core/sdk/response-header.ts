/**
 * A header of a vendor's answer by name, whatever its case (HTTP header names are
 * case-insensitive; the core hands them over lower-cased, a plugin's own tests may not).
 *
 * @example
 * responseHeader({ 'Retry-After': '30' }, 'retry-after'); // '30'
 * responseHeader(undefined, 'retry-after');               // undefined
 */
export function responseHeader(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (headers[name] !== undefined) return headers[name];
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === wanted) return value;
  return undefined;
}
