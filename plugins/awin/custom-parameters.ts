// An order's custom parameters: "Custom parameters allow you to add depth to your reporting and,
// in some cases, control the associated Commission Groups via Commission Flexibility … Awin
// supports up to 255 custom parameters reported on each transaction" (Custom Parameters). The
// config names, for each parameter number, the event field that fills it.
import { compileGetter, isContactInfo, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';
import { customParametersOf } from './config.ts';

/** The longest custom parameter value sent (Awin documents none). */
const MAX_VALUE = 255;

/** The custom parameters of an event, and what was left out, in words. */
export interface CustomParameters {
  custom: JsonObject;
  warnings: string[];
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
      // Read under the field's own name (an `email` key is contact information whatever it holds).
      if (isContactInfo(path.split('.').pop() ?? 'value', text)) warnings.push(`custom parameter ${number} (${path}) left out: it holds contact information, which Signal does not send to Awin`);
      else custom[number] = text.slice(0, MAX_VALUE);
    } else {
      warnings.push(`custom parameter ${number} (${path}) left out: a list or object, not text, a number or a boolean`);
    }
  }
  return { custom, warnings };
}
