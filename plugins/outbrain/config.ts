// The integration's config: which Outbrain conversion each Signal event counts as (by the name
// of an Event-Based Conversion set up in Outbrain); with the problems a JSON Schema cannot see,
// each naming its field.
import { eventMapKeyProblems, eventMapOf, eventNamesSchema, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The longest conversion name taken from the config: Outbrain documents no limit; past this it is a mistake. */
const MAX_NAME = 100;

/** The config's JSON Schema. No credential: Outbrain's S2S endpoint takes none (the click id attributes the conversion). */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: [],
  properties: {
    event_names: eventNamesSchema('The Outbrain conversion name each Signal event is reported as, overriding the blueprint\'s: the Name of an Event-Based Conversion set up in Outbrain (Conversions > Add Conversion > Event-Based Conversion; matched exactly). Keys are track event names (Order Completed), or page / page:<name> for page calls. A track event the blueprint does not map is sent only when it is named here.', {
      title: 'Outbrain Conversion Names', minLength: 1, maxLength: MAX_NAME,
      examples: [{ 'Order Completed': 'Purchase', 'Demo Requested': 'Lead' }],
    }),
  },
};

/**
 * Config problems the schema cannot see: an event name key or value with white space around it
 * (matched exactly), an empty key.
 *
 * @example
 * validateOutbrainConfig({ event_names: { 'Order Completed': ' Purchase' } });
 * // [{ field: 'event_names', message: 'gives " Purchase" for "Order Completed" with white space around it: Outbrain matches conversion names exactly' }]
 */
export function validateOutbrainConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [key, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value !== 'string') continue;
    if (value !== value.trim()) problems.push({ field: 'event_names', message: `gives ${JSON.stringify(value)} for "${key.trim()}" with white space around it: Outbrain matches conversion names exactly` });
  }
  return problems;
}
