// The integration's config: which Taboola event name each Signal event counts as, and the
// account whose bulk endpoint to use (optional); with the problems a JSON Schema cannot see,
// each naming its field.
import { configText, eventMapKeyProblems, eventMapOf, eventNamesSchema, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** A Taboola account id as its bulk endpoint's path takes it: "Your numeric Taboola Account ID - e.g. 123456". */
export const ACCOUNT_ID = /^[0-9]{1,20}$/;
/** The longest event name taken from the config: Taboola documents no limit; past this it is a mistake. */
const MAX_NAME = 100;

/** The config's JSON Schema. No credential: Taboola's S2S endpoints take none ("No authentication is passed"). */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: [],
  properties: {
    event_names: eventNamesSchema('The Taboola event name each Signal event is reported as, overriding the blueprint\'s: the Event Name of the conversion in Taboola Ads (Tracking > Conversions, the conversion\'s Event Name, not its Conversion Name; case-sensitive). Keys are track event names (Order Completed), or page / page:<name> for page calls. A track event the blueprint does not map is sent only when it is named here.', {
      title: 'Taboola Event Names', minLength: 1, maxLength: MAX_NAME,
      examples: [{ 'Order Completed': 'make_purchase', 'Demo Requested': 'lead' }],
    }),
    account_id: {
      type: 'string', title: 'Account ID (bulk submission)',
      description: 'Your numeric Taboola Account ID (or the network account\'s). When given, conversions are sent in batches of up to 1,000 to Taboola\'s bulk endpoint (POST trc.taboola.com/{account-id}/log/3/bulk-s2s-action) with their event time (Taboola then merges two conversions of one click and event name in the same minute even when their order ids differ); when empty, each conversion is its own postback call (GET …/actions-handler/log/3/s2s-action), which Taboola validates and records at the time it receives it.',
      pattern: '^[0-9]{1,20}$', examples: ['1234567'],
    },
  },
};

/**
 * The account id of a config, trimmed, or undefined (then each conversion is a postback call).
 *
 * @example
 * accountIdOf({ account_id: ' 1234567 ' }); // '1234567'
 * accountIdOf({ account_id: '' });          // undefined
 */
export function accountIdOf(config: Record<string, JsonValue>): string | undefined {
  return configText(config, 'account_id');
}

/**
 * Config problems the schema cannot see: an account id pasted with text around it, an event
 * name key or value with white space around it (matched exactly, and Taboola's names are
 * case-sensitive).
 *
 * @example
 * validateTaboolaConfig({ account_id: 'id=1234567' });
 * // [{ field: 'account_id', message: 'is "id=1234567": a Taboola account id is digits only, e.g. 1234567 (give 1234567 alone)' }]
 * validateTaboolaConfig({ event_names: { 'Order Completed': ' make_purchase' } });
 * // [{ field: 'event_names', message: 'gives " make_purchase" for "Order Completed" with white space around it: Taboola matches event names exactly' }]
 */
export function validateTaboolaConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.account_id === 'string' && config.account_id.trim() !== '' && !ACCOUNT_ID.test(config.account_id.trim())) {
    const digits = /^\D*?(\d{1,20})\D*$/.exec(config.account_id)?.[1];
    const hint = digits !== undefined ? ` (give ${digits} alone)` : '';
    problems.push({ field: 'account_id', message: `is ${JSON.stringify(config.account_id)}: a Taboola account id is digits only, e.g. 1234567${hint}` });
  }
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [key, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value !== 'string') continue;
    if (value !== value.trim()) problems.push({ field: 'event_names', message: `gives ${JSON.stringify(value)} for "${key.trim()}" with white space around it: Taboola matches event names exactly` });
  }
  return problems;
}
