// An order's custom parameters: "Custom parameters allow you to add depth to your reporting and,
// in some cases, control the associated Commission Groups via Commission Flexibility … Awin
// supports up to 255 custom parameters reported on each transaction" (Custom Parameters). The
// config names, for each parameter number, the event field that fills it.
import { compileGetter, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { customParametersOf } from './config.ts';

/** The longest custom parameter value sent (Awin documents none). */
const MAX_VALUE = 255;

/** The custom parameters of an event, and what was left out, in words. */
export interface CustomParameters {
  custom: JsonObject;
  warnings: string[];
}

/**
 * Whether a value is contact information where it stands in the event: read at its path, so
 * that an `email` key, an email address or phone number, and the `name` of a person
 * (`properties.customer.name`) are, and a campaign's name (`context.campaign.name`) is not.
 *
 * @example
 * isContactInfoAt('properties.customer.name', 'Jane Doe'); // true
 * isContactInfoAt('context.campaign.name', 'spring');      // false
 */
export function isContactInfoAt(path: string, value: string): boolean {
  const segments = path.replace(/\[\]/g, '').split('.');
  let nested: JsonValue = value;
  for (const segment of [...segments].reverse()) nested = { [segment]: nested };
  let kept: JsonValue | undefined = removeContactInfo(nested as JsonObject);
  for (const segment of segments) kept = kept !== null && typeof kept === 'object' && !Array.isArray(kept) ? kept[segment] : undefined;
  return kept !== value;
}

/**
 * The `custom` object of an order: parameter number → the configured field's value, for each
 * field the event has. Text (trimmed, up to 255 characters), numbers and booleans are sent as
 * they are; lists and objects are left out, and so is contact information (an email address or
 * phone number), each said in `warnings`.
 *
 * @example
 * customParametersFor(order, { custom_parameters: { 1: 'properties.delivery_method' } });
 * // { custom: { '1': 'Next Day Delivery' }, warnings: [] }
 */
export function customParametersFor(event: CanonicalEvent, config: Record<string, JsonValue>): CustomParameters {
  const custom: JsonObject = {};
  const warnings: string[] = [];
  for (const [number, path] of customParametersOf(config)) {
    const value = compileGetter(path)(event) as JsonValue | undefined;
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'number' || typeof value === 'boolean') {
      if (typeof value === 'number' && !Number.isFinite(value)) continue;
      custom[number] = value;
    } else if (typeof value === 'string') {
      const text = value.trim();
      if (text === '') continue;
      if (isContactInfoAt(path, text)) warnings.push(`custom parameter ${number} (${path}) left out: it holds contact information, which Signal does not send to Awin`);
      else custom[number] = text.slice(0, MAX_VALUE);
    } else {
      warnings.push(`custom parameter ${number} (${path}) left out: a list or object, not text, a number or a boolean`);
    }
  }
  return { custom, warnings };
}
