// The config field mapping Signal events to the vendor's names for them (event names, event
// types, tokens, activity ids…): many plugins declare the same JSON Schema object, with only
// the vendor's words and limits differing, so they declare it through one factory.
import type { ConfigFieldSchema, JsonObject } from './types.ts';

/** What differs between plugins in such a field, besides its description. */
export interface EventNamesSchemaOptions {
  /** The field's title, in the vendor's words. */
  title: string;
  /** Valid sample maps (JSON Schema `examples`): shown to admins, used by the conformance suite. */
  examples: JsonObject[];
  /** The shortest and longest name the vendor takes (each value's `minLength`, `maxLength`). */
  minLength?: number;
  maxLength?: number;
  /** The map used when the config has none. */
  default?: JsonObject;
}

/**
 * The JSON Schema of a config field mapping Signal events (a track event's name; `page`,
 * `page:<name>` and the like for other calls) to the vendor's name for each: an object whose
 * values are text. `description` says, in the vendor's words, what a value names and what
 * becomes of events not named; what the schema cannot check (white space, case, a vendor's
 * list of names) is the plugin's `validateConfig`'s to say, naming the event.
 *
 * @example
 * properties: {
 *   event_names: eventNamesSchema('The Taboola event name each Signal event is reported as …', {
 *     title: 'Taboola Event Names', minLength: 1, maxLength: 100,
 *     examples: [{ 'Order Completed': 'make_purchase' }],
 *   }),
 * }
 * // { type: 'object', title: 'Taboola Event Names', description: 'The Taboola event name …',
 * //   additionalProperties: { type: 'string', minLength: 1, maxLength: 100 }, examples: [{ 'Order Completed': 'make_purchase' }] }
 */
export function eventNamesSchema(description: string, options: EventNamesSchemaOptions): ConfigFieldSchema {
  const { title, examples, minLength, maxLength } = options;
  return {
    type: 'object', title, description,
    additionalProperties: {
      type: 'string',
      ...(minLength !== undefined ? { minLength } : {}),
      ...(maxLength !== undefined ? { maxLength } : {}),
    },
    ...(options.default !== undefined ? { default: options.default } : {}),
    examples,
  };
}
