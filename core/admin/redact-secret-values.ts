import { redactText } from '../delivery/redact.ts';
import type { JsonValue } from '../sdk/types.ts';

/**
 * A copy of a JSON value with every occurrence of each secret (4+ characters) replaced by
 * `[REDACTED]`, in texts and keys alike. A preview's vendor event, warnings and errors are
 * redacted with this, as its requests are: a plugin's code mapper or `map` hook sees the
 * config, secrets included.
 *
 * @example
 * redactSecretValues({ auth: 'Bearer whsec_0123456789abcdef' }, ['whsec_0123456789abcdef']);
 * // { auth: 'Bearer [REDACTED]' }
 */
export function redactSecretValues<T extends JsonValue>(value: T, secrets: readonly string[]): T {
  if (secrets.length === 0) return value;
  // The walk keeps each value's kind (text stays text, a list a list), so T holds.
  return redact(value, secrets) as T;
}

function redact(value: JsonValue, secrets: readonly string[]): JsonValue {
  if (typeof value === 'string') return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redact(item, secrets));
  if (value !== null && typeof value === 'object') {
    // fromEntries defines own properties: a `__proto__` key stays a key.
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [redactText(key, secrets), redact(inner, secrets)]));
  }
  return value;
}
