// Property values as HubSpot's APIs take them: text. A CRM property's value is a string (its
// number, date or checkbox written as text; several checkbox options joined by `;`), and a
// custom event's properties are documented as "key-value pairs (property internal name and
// property value)" of strings. What has no text form (an object) is left out.
import type { JsonValue } from '../../core/sdk/index.ts';

/**
 * A value as HubSpot property text: strings as they are, finite numbers in their shortest form,
 * booleans as `true`/`false`, a list of such values joined by `;` (HubSpot's separator of a
 * multiple-checkbox property's options); undefined for null, blank text, an empty list, objects
 * and lists holding objects (no property takes them).
 *
 * @example
 * propertyText(12.5); // '12.5'
 * propertyText(['gift', 'summer']); // 'gift;summer'
 * propertyText({ name: 'x' }); // undefined
 */
export function propertyText(value: JsonValue | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : undefined;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) {
    const parts = value.map((item) => (Array.isArray(item) ? undefined : propertyText(item)));
    if (parts.length === 0 || parts.some((part) => part === undefined)) return undefined;
    return parts.join(';');
  }
  return undefined;
}
