// The integration's config as the plugin reads it: the Google Ads account (customer id, and the
// manager account it is reached through), the OAuth 2.0 credential, the conversion action of each
// Signal event, the API version; and the problems of a config the JSON Schema cannot see.
import type { CanonicalEvent, ConfigProblem, JsonValue } from '../../core/sdk/index.ts';

/**
 * The Google Ads API version the plugin calls unless configured: v26, released October 2026,
 * projected to be served until about November 2027 (Google's release schedule for 2026).
 */
export const DEFAULT_API_VERSION = 'v26';
/** The oldest version Google still served when this plugin was written: v22 was sunset on October 7, 2026. */
export const OLDEST_SERVED_VERSION = 23;
/** `vNN`: a major version (minor versions are not called separately: a call to v25 reaches v25's latest minor). */
export const VERSION_PATTERN = '^v[1-9][0-9]?$';
/** A customer id as Google Ads shows it (`123-456-7890`) or as the API takes it (`1234567890`). */
const CUSTOMER_ID = /^(\d{3})-?(\d{3})-?(\d{4})$/;
/** A conversion action's id, or its resource name (`customers/1234567890/conversionActions/555`). */
const ACTION = /^(?:customers\/\d{10}\/conversionActions\/)?([1-9]\d{0,18})$/;

const text = (value: JsonValue | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/**
 * A customer id as the API takes it — ten digits, without dashes — from the way Google Ads shows
 * it (`123-456-7890`) or the API's (`1234567890`); undefined for anything else.
 *
 * @example
 * customerIdOf(' 123-456-7890 '); // '1234567890'
 * customerIdOf('123-4567-890');   // undefined
 */
export function customerIdOf(value: JsonValue | undefined): string | undefined {
  const match = CUSTOMER_ID.exec(text(value) ?? '');
  return match ? `${match[1]}${match[2]}${match[3]}` : undefined;
}

/**
 * The conversion action id of a config value: its digits, or the id of its resource name
 * (Google ignores the resource name's customer id and reads the action id alone); undefined
 * for anything else.
 *
 * @example
 * conversionActionId('customers/1234567890/conversionActions/6543210'); // '6543210'
 * conversionActionId(6543210);                                           // '6543210'
 */
export function conversionActionId(value: JsonValue | undefined): string | undefined {
  const written = typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? String(value) : text(value) ?? '';
  return ACTION.exec(written)?.[1];
}

/** `config.conversion_actions` as an object (empty when it is not one). */
function actionsOf(config: Record<string, JsonValue>): Record<string, JsonValue> {
  const actions = config.conversion_actions;
  return actions !== null && typeof actions === 'object' && !Array.isArray(actions) ? actions : {};
}

/**
 * The names an event is looked up by in `config.conversion_actions`, most precise first: a
 * track event's name (`Order Completed`); `page:<name>` then `page` for a page call.
 *
 * @example
 * actionKeys({ type: 'page', name: 'Pricing', … }); // ['page:Pricing', 'page']
 */
export function actionKeys(event: CanonicalEvent): string[] {
  if (event.type === 'track') return event.event ? [event.event] : [];
  if (event.type === 'page') return [...(event.name ? [`page:${event.name}`] : []), 'page'];
  return [];
}

/**
 * The conversion action id configured for an event, or undefined when none is: such an event is
 * not a Google Ads conversion.
 *
 * @example
 * conversionActionFor(orderCompleted, { conversion_actions: { 'Order Completed': '6543210' } }); // '6543210'
 */
export function conversionActionFor(event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  const actions = actionsOf(config);
  for (const key of actionKeys(event)) {
    if (Object.hasOwn(actions, key)) return conversionActionId(actions[key]);
  }
  return undefined;
}

/**
 * The API version of a config (`vNN`): its `api_version`, else the default.
 *
 * @example
 * apiVersionOf({ api_version: ' v25 ' }); // 'v25'
 * apiVersionOf({});                       // 'v26'
 */
export function apiVersionOf(config: Record<string, JsonValue>): string {
  return text(config.api_version) ?? DEFAULT_API_VERSION;
}

function credentialProblem(field: string, value: string, what: string): ConfigProblem | undefined {
  if (/^bearer\s/i.test(value)) return { field, message: `starts with "Bearer ": give the ${what} alone` };
  if (/\s/.test(value)) return { field, message: `holds white space (copied with a line break or a space?): give the ${what} alone` };
  return undefined;
}

/**
 * Config problems the schema cannot see, each naming its field: a customer id that is not ten
 * digits (dashes allowed, as Google Ads shows it), a manager account id the same as none, a
 * credential pasted with `Bearer ` or white space, a client id that is no OAuth client id, no
 * conversion action, an event name that can never match, an action that is not an action id, a
 * version Google no longer serves.
 *
 * @example
 * validateGoogleAdsConfig({ customer_id: '123-456-789', … });
 * // [{ field: 'customer_id', message: 'is "123-456-789": a Google Ads customer id is ten digits, …' }]
 */
export function validateGoogleAdsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [field, what] of [['customer_id', 'the Google Ads account the conversion actions belong to'], ['login_customer_id', 'the manager account Signal reaches that account through']] as const) {
    const value = config[field];
    if (value === undefined || value === null || (field === 'login_customer_id' && text(value) === undefined)) continue;
    if (customerIdOf(value) === undefined) {
      problems.push({ field, message: `is ${JSON.stringify(value)}: a Google Ads customer id is ten digits, written 1234567890 or as Google Ads shows it, 123-456-7890 (${what}; top right of Google Ads, next to the account's name)` });
    }
  }
  for (const [field, what] of [['refresh_token', 'refresh token'], ['client_secret', 'client secret'], ['developer_token', 'developer token']] as const) {
    const value = text(config[field]);
    if (value === undefined) continue;
    const problem = credentialProblem(field, value, what);
    if (problem) problems.push(problem);
  }
  const clientId = text(config.client_id);
  if (clientId !== undefined && (/\s/.test(clientId) || !clientId.endsWith('.apps.googleusercontent.com'))) {
    problems.push({ field: 'client_id', message: `is ${JSON.stringify(clientId)}: an OAuth client id of Google Cloud ends with .apps.googleusercontent.com (Google Cloud console > APIs & Services > Credentials > OAuth 2.0 Client IDs)` });
  }
  if (text(config.refresh_token) !== undefined && text(config.refresh_token) === text(config.client_secret)) {
    problems.push({ field: 'refresh_token', message: 'is the client secret again: the refresh token is the refresh_token of the token answer you got when authorising Signal (see the plugin README)' });
  }

  const actions = config.conversion_actions;
  if (actions === null || typeof actions !== 'object' || Array.isArray(actions) || Object.keys(actions).length === 0) {
    problems.push({ field: 'conversion_actions', message: 'name at least one Signal event and the Google Ads conversion action it counts for, e.g. {"Order Completed": "6543210"} (Goals > Conversions > Summary: the action, then the ctId in its address)' });
  } else {
    for (const [name, id] of Object.entries(actions)) {
      if (name.trim() === '') problems.push({ field: 'conversion_actions', message: 'has an empty event name: name the track event (e.g. "Order Completed"), or page / page:<name> for page calls' });
      else if (name !== name.trim()) problems.push({ field: 'conversion_actions', message: `has "${name}" with white space around it: event names are matched exactly` });
      else if (/^page\s*:/i.test(name) && !/^page:\S/.test(name)) problems.push({ field: 'conversion_actions', message: `has "${name}": a page call of a name is page:<its name>, in lower case, with nothing between the colon and the name (e.g. page:Pricing); page alone counts every page call` });
      if (conversionActionId(id) === undefined) problems.push({ field: 'conversion_actions', message: `gives ${JSON.stringify(id)} for "${name.trim()}": a conversion action is its id (digits, e.g. "6543210") or its resource name customers/<customer id>/conversionActions/<id>` });
    }
  }

  const version = text(config.api_version);
  if (version !== undefined) {
    const major = /^v([1-9][0-9]?)$/.exec(version)?.[1];
    if (major === undefined) {
      problems.push({ field: 'api_version', message: `is ${JSON.stringify(version)}: a Google Ads API version is v and its major number, e.g. ${DEFAULT_API_VERSION}` });
    } else if (Number(major) < OLDEST_SERVED_VERSION) {
      problems.push({ field: 'api_version', message: `is ${version}, which Google no longer serves (v22 was sunset on October 7, 2026; each major version is served about a year): use ${DEFAULT_API_VERSION} or a newer one` });
    }
  }
  return problems;
}
