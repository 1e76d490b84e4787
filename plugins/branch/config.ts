// The integration's config: the app's Branch Key (sent in every event's body), the map from
// Signal events to Branch event names, two switches (the event alias, the X-IP-Override header)
// and the optional credentials of Branch's Data Subject Request API, which forward person
// deletions. Checked by its JSON Schema, and by validateBranchConfig for what a schema cannot
// say in words.
import { configText, eventMapKeyProblems, eventMapOf, eventNamesSchema, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';
import { STANDARD_EVENTS } from './event-names.ts';

/** The longest event name taken from the config: Branch documents no limit; past this it is a mistake. */
const MAX_NAME = 200;
/** A Branch Key as Branch's Account Settings show it: `key_live_…` or `key_test_…`. */
const BRANCH_KEY = /^key_(live|test)_[A-Za-z0-9]+$/;
/** What a Branch Secret and an Access Token look like: credentials people paste into the wrong field. */
const OTHER_BRANCH_CREDENTIAL = /^(secret_(live|test)_|api_app_)/;

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['branch_key'],
  properties: {
    branch_key: {
      type: 'string', title: 'Branch Key', secret: true,
      description: 'The app\'s Branch Key (key_live_… for the Live app, key_test_… for its Test environment), from Branch\'s Account Settings > Profile (new Branch: Configuration > Security & Access > Credentials). Sent as branch_key in every event\'s body. Branch calls it public (its SDKs carry it), but it lets anyone write events into the app: it is kept as a secret.',
      minLength: 1, maxLength: 200, examples: ['key_live_hcnegAumkH7Kv18M8AOHhfgiohpXq5tB'],
    },
    event_names: eventNamesSchema('The Branch event each Signal event is sent as, overriding the blueprint\'s: keys are track event names (Order Completed), or page / page:<name> for page calls; values a standard Branch event (PURCHASE, ADD_TO_CART, VIEW_ITEM, COMPLETE_REGISTRATION … in upper case: sent to /v2/event/standard) or any other name (a custom event: /v2/event/custom). Page calls are sent only when named here.', {
      title: 'Branch event names', minLength: 1, maxLength: MAX_NAME,
      examples: [{ 'Demo Requested': 'demo_requested', 'Subscription Started': 'SUBSCRIBE', 'page:Pricing': 'pricing_viewed' }],
    }),
    send_event_alias: {
      type: 'boolean', title: 'Signal event name as event alias',
      description: 'When on, a standard event carries the Signal event name as customer_event_alias (Branch: "used in addition to the event name"), so Signed Up and Account Created, both COMPLETE_REGISTRATION, stay apart in Branch. Off by default.',
      default: false, examples: [true],
    },
    ip_override: {
      type: 'boolean', title: 'Send X-IP-Override',
      description: 'When on, each event with an IP address also carries it in the X-IP-Override header, so Branch uses the visitor\'s IP rather than Signal\'s. Branch honours the header only for app ids it has allowlisted (open a Branch support request first); user_data.ip is sent either way. Off by default.',
      default: false, examples: [true],
    },
    app_id: {
      type: 'string', title: 'Branch app ID (deletions)',
      description: 'Optional, with the access token: the app\'s Branch app ID, sent as the app_id query parameter of Data Subject Request API erasures. Leave empty to forward no deletions.',
      maxLength: 100, examples: ['736583253452335134'],
    },
    access_token: {
      type: 'string', title: 'Access Token (deletions)', secret: true,
      description: 'Optional, with the app ID: a Branch user\'s Access Token (new Branch: Configuration > Security & Access > Credentials; legacy Branch: the user\'s account settings) with Sensitive Data access and app-level read/edit, for Branch\'s Data Subject Request API (by request only: ask Branch support to enable it). With both, person deletions are forwarded as erasure requests by developer identity (the userId).',
      maxLength: 500, examples: ['api_app_0123456789abcdef0123456789abcdef'],
    },
  },
};

/**
 * Problems of the Branch Key: not a key_live_ / key_test_ key (a Branch Secret, an Access
 * Token, white space inside).
 */
function branchKeyProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const key = configText(config, 'branch_key');
  if (key === undefined || BRANCH_KEY.test(key)) return [];
  if (OTHER_BRANCH_CREDENTIAL.test(key)) {
    return [{ field: 'branch_key', message: 'holds a Branch Secret or an Access Token: the Events API takes the app\'s Branch Key (key_live_… or key_test_…), from Account Settings > Profile' }];
  }
  return [{ field: 'branch_key', message: 'must be the app\'s Branch Key: key_live_ or key_test_ followed by letters and digits, without white space (Account Settings > Profile)' }];
}

/**
 * Problems of the event-name map: its keys as the SDK checks every event map's (empty, white
 * space around, a page key not written page:<name>), then white space around names and a
 * standard name in the wrong case.
 */
function eventNameProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems = eventMapKeyProblems(config.event_names, 'event_names');
  for (const [key, value] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof value !== 'string') continue;
    const name = value.trim();
    if (value !== name) problems.push({ field: 'event_names', message: `gives ${JSON.stringify(value)} for "${key.trim()}" with white space around it: Branch takes event names as sent` });
    const standard = STANDARD_EVENTS.find((known) => known.toLowerCase() === name.toLowerCase());
    if (standard !== undefined && standard !== name) {
      problems.push({ field: 'event_names', message: `gives "${name}" for "${key.trim()}": write ${standard}, Branch's standard event names are upper case (as written it would be a custom event)` });
    }
  }
  return problems;
}

/** Problems of the deletion credentials: one without the other, white space inside. */
function deletionProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const appId = configText(config, 'app_id');
  const token = configText(config, 'access_token');
  const problems: ConfigProblem[] = [];
  if (appId !== undefined && /\s/.test(appId)) problems.push({ field: 'app_id', message: 'has white space inside: the Branch app ID is one word of digits (Account Settings > Profile)' });
  if (token !== undefined && /\s/.test(token)) problems.push({ field: 'access_token', message: 'has white space inside: paste the Access Token alone' });
  if (token !== undefined && appId === undefined) problems.push({ field: 'app_id', message: 'is required with access_token: Branch\'s Data Subject Request API names the app by its app ID (Account Settings > Profile)' });
  if (appId !== undefined && token === undefined) problems.push({ field: 'access_token', message: 'is required with app_id: Branch\'s Data Subject Request API authenticates with a user\'s Access Token (leave app_id empty to forward no deletions)' });
  return problems;
}

/**
 * Config problems the schema cannot see, each naming its field.
 *
 * @example
 * validateBranchConfig({ branch_key: 'secret_live_abc' });
 * // [{ field: 'branch_key', message: 'holds a Branch Secret or an Access Token: the Events API takes the app\'s Branch Key (key_live_… or key_test_…), …' }]
 * validateBranchConfig({ branch_key: 'key_live_abc', event_names: { 'Order Completed': 'purchase' } });
 * // [{ field: 'event_names', message: 'gives "purchase" for "Order Completed": write PURCHASE, …' }]
 */
export function validateBranchConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  return [...branchKeyProblems(config), ...eventNameProblems(config), ...deletionProblems(config)];
}
