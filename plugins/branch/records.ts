// The one reading of JSON values every file of the plugin shares.
import type { JsonObject, JsonValue } from '../../core/sdk/index.ts';

/**
 * Whether a JSON value is an object (not null, not a list).
 *
 * @example
 * isRecord({ a: 1 }); // true
 * isRecord([1]);      // false
 */
export function isRecord(value: JsonValue | undefined): value is JsonObject {
  return value !== null && value !== undefined && typeof value === 'object' && !Array.isArray(value);
}
