// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateActiveCampaignConfig), advice about a valid config (configWarnings), and
// the settings the mapping, the requests and the deletions read from it.
//
// ActiveCampaign's API v3 lives on the account's own host — "https://<your-account>.api-us1.com/api/3/"
// (developers.activecampaign.com, Authentication: `curl -H "Api-Token: …" https://123456demo.api-us1.com/api/3/users/me`
// for the account 123456demo.activehosted.com) — and takes a user's API key in the `Api-Token`
// header. Event Tracking is a second API (`POST https://trackcmp.net/event`) with two values of
// its own: the account's `actid` and its Event Key.
import { configText, eventMapKeyProblems, eventMapOf, eventNamesSchema, literalHostProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** ActiveCampaign: an event's name is "Max of 32 Characters" (Track event). */
export const MAX_EVENT_NAME = 32;
/** A custom field's id as the API writes it: a whole number above 0, as text ("1", "6"). */
export const FIELD_ID = /^[1-9][0-9]{0,9}$/;
/** The API path the config's URL may end with (the plugin adds it itself). */
const API_PATH = /^\/(api\/3\/?)?$/;
/** The API host form ActiveCampaign documents: `<account>.api-us1.com`. */
const DOCUMENTED_HOST = /^[a-z0-9][a-z0-9-]*\.api-us1\.com$/i;
/** The account's web app address (`<account>.activehosted.com`), which the Developer page's API URL is not. */
const APP_HOST = /^[a-z0-9][a-z0-9-]*\.activehosted\.com$/i;

/** The integration's config as the catalog shows it; `validateActiveCampaignConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_url', 'api_key'],
  properties: {
    api_url: {
      type: 'string', title: 'API URL',
      description: 'The account\'s API URL, as Settings > Developer > API Access shows it: https://<your-account>.api-us1.com. The plugin adds /api/3 itself (a URL already ending in /api/3 is taken too).',
      minLength: 12, maxLength: 255, examples: ['https://acme.api-us1.com'],
    },
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'The API key shown next to the API URL (Settings > Developer), sent as the Api-Token header. Each user has their own key: a key of a user who is later deleted stops working, so use a user meant for integrations.',
      minLength: 8, maxLength: 256, examples: ['0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef01234567'],
    },
    actid: {
      type: 'string', title: 'Event Tracking Account ID (actid)',
      description: 'For track events: the account\'s actid (Website > Site Tracking > Event Tracking, "Event Tracking API"; digits). With the Event Key below, track calls go to ActiveCampaign\'s Event Tracking; without them track calls are not sent. Event Tracking must be switched on in the account.',
      pattern: '^[0-9]{1,20}$', examples: ['1111111'],
    },
    event_key: {
      type: 'string', title: 'Event Key', secret: true,
      description: 'For track events: the Event Key of Website > Site Tracking > Event Tracking, sent as the key field of each event. A second secret, apart from the API key.',
      minLength: 8, maxLength: 256, examples: ['baf2815c4c1d1cc1fa4fbf2b715005282bb3b2e7'],
    },
    event_names: eventNamesSchema('The ActiveCampaign event name (at most 32 characters) each Signal event is tracked as, overriding its own name: keys are track event names (Order Completed), or page / page:<name> for page calls, which are sent only when named here. A track event not named here is tracked under its own name.', {
      title: 'Event Names', minLength: 1, maxLength: MAX_EVENT_NAME,
      examples: [{ 'Order Completed': 'purchase', 'page:Pricing': 'viewed_pricing' }],
    }),
    custom_fields: {
      type: 'object', title: 'Custom Fields',
      description: 'Identify traits sent as the contact\'s custom field values: trait name → the custom field\'s id (Contacts > Fields, or GET /api/3/fields), e.g. {"plan": "3"}. A list trait goes as a multi-value field (||a||b||); a date as written (ActiveCampaign\'s date fields take YYYY-MM-DD). Traits not listed are not sent.',
      additionalProperties: { type: 'string', pattern: '^[1-9][0-9]{0,9}$' },
      examples: [{ plan: '3', company_size: '6' }],
    },
    user_id_field: {
      type: 'string', title: 'User ID Custom Field',
      description: 'Optional: the id of a custom text field (Contacts > Fields) that receives the userId with each identify, so a contact can be matched to your own user id in ActiveCampaign. ActiveCampaign has no field of its own for it.',
      pattern: '^[1-9][0-9]{0,9}$', examples: ['12'],
    },
    list_id: {
      type: 'integer', title: 'List ID',
      description: 'Optional: the id of a list (Contacts > Lists, the list\'s id in its URL) the identified contact is put on, through POST /api/3/contactLists after the contact sync, with the status below.',
      minimum: 1, examples: [2],
    },
    list_status: {
      type: 'string', title: 'List Status',
      description: 'What the identify does on the list: subscribed — only when the identify carries marketing consent and gives an email of its own (not only the one Signal remembers from an earlier identify), and only for a contact the list does not have yet (a contact who unsubscribed, bounced or is unconfirmed keeps their status: ActiveCampaign warns that setting it active re-subscribes someone who unsubscribed); unsubscribed — the contact is unsubscribed from it with every identify, with or without consent, even after subscribing again themselves (an ActiveCampaign form): for a list identified people should leave for good.',
      enum: ['subscribed', 'unsubscribed'], enumLabels: ['Subscribed (with marketing consent)', 'Unsubscribed'], default: 'subscribed',
    },
    default_country_code: {
      type: 'string', title: 'Default Country Calling Code',
      description: 'The country calling code (digits, e.g. 1 or 44) of phone traits written without one (07700 900123), read by that country\'s numbering plan, so the contact\'s phone goes in E.164. Without it such a number is left out of the contact, with a warning.',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['1'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to ActiveCampaign: when the userId named is an email address, the contact with that email is looked up (GET /api/3/contacts?email=…) and deleted (DELETE /api/3/contacts/{id}).',
      default: true,
    },
  },
};

/** A list subscription the config asks for: the list's id and the status ActiveCampaign takes ("1" subscribe, "2" unsubscribe). */
export interface ListSetting {
  list: number;
  status: 1 | 2;
}


/**
 * The API v3 base URL of the config's API URL (its origin, then `/api/3`), or undefined when it
 * is no https URL.
 *
 * @example
 * apiBaseOf({ api_url: 'https://acme.api-us1.com/' });       // 'https://acme.api-us1.com/api/3'
 * apiBaseOf({ api_url: 'https://acme.api-us1.com/api/3/' }); // 'https://acme.api-us1.com/api/3'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string | undefined {
  const url = apiUrlOf(configText(config, 'api_url'));
  return url === undefined ? undefined : `${url.origin}/api/3`;
}

function apiUrlOf(value: string | undefined): URL | undefined {
  if (value === undefined) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The Event Tracking values (actid and Event Key), or undefined unless both are set.
 *
 * @example
 * eventTrackingOf({ actid: '1111111', event_key: 'baf28…' }); // { actid: '1111111', key: 'baf28…' }
 * eventTrackingOf({ actid: '1111111' });                       // undefined
 */
export function eventTrackingOf(config: Record<string, JsonValue>): { actid: string; key: string } | undefined {
  const actid = configText(config, 'actid');
  const key = configText(config, 'event_key');
  return actid !== undefined && key !== undefined ? { actid, key } : undefined;
}

/**
 * The config's trait → custom field id pairs, well-formed ones only.
 *
 * @example
 * customFieldsOf({ custom_fields: { plan: '3', bad: 'x' } }); // [['plan', '3']]
 */
export function customFieldsOf(config: Record<string, JsonValue>): Array<[string, string]> {
  return Object.entries(eventMapOf(config.custom_fields))
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && FIELD_ID.test(entry[1].trim()))
    .map(([trait, id]) => [trait, id.trim()]);
}

/**
 * The custom field receiving the userId, or undefined.
 *
 * @example
 * userIdFieldOf({ user_id_field: '12' }); // '12'
 */
export function userIdFieldOf(config: Record<string, JsonValue>): string | undefined {
  const id = configText(config, 'user_id_field');
  return id !== undefined && FIELD_ID.test(id) ? id : undefined;
}

/**
 * The list subscription the config asks for, or undefined without a list.
 *
 * @example
 * listOf({ list_id: 2 });                                 // { list: 2, status: 1 }
 * listOf({ list_id: 2, list_status: 'unsubscribed' });    // { list: 2, status: 2 }
 */
export function listOf(config: Record<string, JsonValue>): ListSetting | undefined {
  const id = config.list_id;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1) return undefined;
  return { list: id, status: config.list_status === 'unsubscribed' ? 2 : 1 };
}

/**
 * The default country calling code, or undefined.
 *
 * @example
 * defaultCountryCodeOf({ default_country_code: ' 44 ' }); // '44'
 */
export function defaultCountryCodeOf(config: Record<string, JsonValue>): string | undefined {
  const code = configText(config, 'default_country_code');
  return code !== undefined && /^[1-9][0-9]{0,2}$/.test(code) ? code : undefined;
}

/** Problems of the API URL: no https URL, credentials, a query, a fragment, a private or loopback address, a path other than /api/3. */
function apiUrlProblems(value: JsonValue | undefined): ConfigProblem[] {
  if (typeof value !== 'string') return [];
  const field = 'api_url';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return [{ field, message: `${JSON.stringify(value)} is no URL: give the API URL of Settings > Developer, e.g. https://acme.api-us1.com` }];
  }
  if (url.protocol !== 'https:') return [{ field, message: 'must be an https:// URL (ActiveCampaign\'s API answers over HTTPS only), e.g. https://acme.api-us1.com' }];
  if (url.username !== '' || url.password !== '') return [{ field, message: 'holds a user name or password: give the API URL alone (the API key goes in api_key)' }];
  if (url.search !== '' || url.hash !== '') return [{ field, message: 'holds a query or a fragment: give the API URL alone, e.g. https://acme.api-us1.com' }];
  // The core's egress guard would refuse it at every send: said here, naming the field.
  const local = literalHostProblem(url.hostname);
  if (local !== null) return [{ field, message: `${local}: ActiveCampaign's API is on a public host (https://<your-account>.api-us1.com)` }];
  if (!API_PATH.test(url.pathname)) return [{ field, message: `has the path ${url.pathname}: give the API URL without a path (the plugin adds /api/3 and each endpoint\'s path), e.g. https://acme.api-us1.com` }];
  return [];
}

/** A secret or an id with white space inside (a paste with the text around it); the message never repeats the value. */
function whiteSpaceProblem(config: Record<string, JsonValue>, field: string, what: string): ConfigProblem[] {
  const value = configText(config, field) ?? '';
  return /\s/.test(value) ? [{ field, message: `holds white space or a line break (copied with the text around it?): give the ${what} alone` }] : [];
}

/**
 * Checks beyond the schema, each naming its field: the API URL's form, white space inside the
 * keys, Event Tracking half configured (an actid without its Event Key or the other way round),
 * event names with white space around them (ActiveCampaign matches them exactly) and the
 * event map's keys, custom field maps naming a field id that is no number, and the userId's
 * field given again in custom_fields. Messages never repeat a secret.
 *
 * @example
 * validateActiveCampaignConfig({ api_url: 'http://acme.api-us1.com', api_key: 'k', actid: '1' });
 * // [{ field: 'api_url', message: 'must be an https:// URL …' }, { field: 'event_key', message: 'is needed with actid …' }]
 */
export function validateActiveCampaignConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [...apiUrlProblems(config.api_url)];
  problems.push(...whiteSpaceProblem(config, 'api_key', 'API key'));
  problems.push(...whiteSpaceProblem(config, 'event_key', 'Event Key'));
  const actid = configText(config, 'actid');
  const key = configText(config, 'event_key');
  if (actid !== undefined && key === undefined) problems.push({ field: 'event_key', message: 'is needed with actid: Event Tracking takes both (Website > Site Tracking > Event Tracking); set both, or neither to send no track events' });
  if (key !== undefined && actid === undefined) problems.push({ field: 'actid', message: 'is needed with event_key: Event Tracking takes both (Website > Site Tracking > Event Tracking, the "actid" of the Event Tracking API); set both, or neither to send no track events' });
  problems.push(...eventMapKeyProblems(config.event_names, 'event_names'));
  for (const [event, name] of Object.entries(eventMapOf(config.event_names))) {
    if (typeof name === 'string' && name !== name.trim()) problems.push({ field: 'event_names', message: `gives ${JSON.stringify(name)} for "${event.trim()}" with white space around it: ActiveCampaign matches event names exactly` });
  }
  const fields = eventMapOf(config.custom_fields);
  for (const [trait, id] of Object.entries(fields)) {
    if (trait.trim() === '') problems.push({ field: 'custom_fields', message: 'has an empty trait name: name the identify trait (e.g. "plan")' });
    else if (typeof id !== 'string' || !FIELD_ID.test(id.trim())) problems.push({ field: 'custom_fields', message: `maps the trait ${JSON.stringify(trait)} to ${JSON.stringify(id)}, which is no custom field id (a whole number such as "3": Contacts > Fields, or GET /api/3/fields)` });
  }
  const userIdField = userIdFieldOf(config);
  if (userIdField !== undefined) {
    const taken = Object.entries(fields).find(([, id]) => typeof id === 'string' && id.trim() === userIdField);
    if (taken) problems.push({ field: 'user_id_field', message: `is field ${userIdField}, which custom_fields already fills from the trait ${JSON.stringify(taken[0])}: one field takes one value` });
  }
  return problems;
}

/**
 * Advice about a valid config: an API URL on a host ActiveCampaign does not document for its API
 * (its web app's `…activehosted.com`, a custom domain) — it may work, the Developer page's URL
 * is the one known to.
 *
 * @example
 * activeCampaignConfigWarnings({ api_url: 'https://acme.activehosted.com' });
 * // [{ field: 'api_url', message: 'is the account\'s web app address (….activehosted.com) …' }]
 */
export function activeCampaignConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  const url = apiUrlOf(configText(config, 'api_url'));
  if (url === undefined || DOCUMENTED_HOST.test(url.hostname)) return [];
  if (APP_HOST.test(url.hostname)) {
    return [{ field: 'api_url', message: `is the account's web app address (${url.hostname}), not the API URL ActiveCampaign documents: use the API URL of Settings > Developer (https://<your-account>.api-us1.com)` }];
  }
  return [{ field: 'api_url', message: `is on ${url.hostname}, not ActiveCampaign's documented API host (https://<your-account>.api-us1.com): check it against the API URL of Settings > Developer` }];
}
