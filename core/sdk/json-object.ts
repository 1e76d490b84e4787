import type { JsonObject, JsonValue } from './types.ts';

/**
 * Whether a value is an object with keys, as a JSON object is: not null, not an array, not a
 * scalar. A mapped value (`JsonValue | undefined`) narrows to `JsonObject`, anything else (a
 * parsed answer, a config, a definition) to `Record<string, unknown>`. Only the shape is
 * looked at: a class instance (a Date, a Buffer) passes too, which a value parsed from JSON
 * never is.
 *
 * @example
 * isJsonObject({ email: 'jane@example.com' }); // true
 * isJsonObject([{ id: 1 }]);                   // false
 * isJsonObject(null);                          // false
 * if (isJsonObject(payload.user)) payload.user.email;        // payload.user: JsonObject
 * const items = (payload.items as JsonValue[]).filter(isJsonObject); // JsonObject[]
 */
export function isJsonObject(value: unknown): value is Record<string, unknown>;
// A call takes the first signature that fits (narrowing a JsonValue to its JsonObject member
// all the same); a callback (`list.filter(isJsonObject)`) takes the last: JsonValue lists.
export function isJsonObject(value: JsonValue | undefined): value is JsonObject;
export function isJsonObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
