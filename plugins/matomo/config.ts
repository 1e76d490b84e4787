// The integration's config: where Matomo is (a self-hosted instance, perhaps under a path, or
// Matomo Cloud's https://<account>.matomo.cloud), the website's id, an optional token_auth and
// what it unlocks, what is sent (IP, User ID, event fields, custom dimensions, ecommerce event
// names), person deletions, and the private networks a self-hosted Matomo may be reached on.
// The schema the catalog shows, the readings the plugin uses, and the checks the schema cannot
// make, each naming its field.
import {
  allowedPrivateTargets, compileGetter, configText, pastedSecretProblem, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText,
  type ConfigProblem, type ConfigSchema, type JsonValue,
} from '../../core/sdk/index.ts';

type Config = Record<string, JsonValue>;

/** The Tracking HTTP API's endpoint, below the Matomo URL. */
export const TRACKER_PATH = '/matomo.php';
/** The Reporting API's endpoint, below the Matomo URL (the GDPR tools' methods). */
export const API_PATH = '/index.php';
/** Matomo's own files a URL may be pasted with (the tracker, its old name, the API, the UI): Signal adds the one it calls. */
const MATOMO_FILE = /\/(?:matomo|piwik|index)\.php$/i;

/** Segment's Google Analytics convention for a track event without a category. */
export const DEFAULT_EVENT_CATEGORY = 'All';
export const DEFAULT_CATEGORY_PATH = 'properties.category';
export const DEFAULT_NAME_PATH = 'properties.label';
export const DEFAULT_VALUE_PATH = 'properties.value';
export const DEFAULT_ORDER_EVENTS = ['Order Completed'];
/** Segment's ecommerce events that carry the whole cart (`products`): Matomo's cart update replaces the cart with what it is given. */
export const DEFAULT_CART_EVENTS = ['Cart Viewed', 'Checkout Started'];
export const DEFAULT_PRODUCT_VIEW_EVENTS = ['Product Viewed'];
export const DEFAULT_SEARCH_EVENTS = ['Products Searched'];
/** Matomo's custom dimension ids: `dimension[0-999]` in the Tracking API reference; Matomo numbers them from 1. */
export const MAX_DIMENSION_ID = 999;

/**
 * The Matomo URL the requests go below: the configured URL's origin and path, without a
 * trailing slash or a pasted `matomo.php`, `piwik.php` or `index.php`.
 *
 * @example
 * matomoBaseOf({ url: 'https://analytics.example.com/matomo/matomo.php' }); // 'https://analytics.example.com/matomo'
 * matomoBaseOf({ url: 'https://acme.matomo.cloud/' });                     // 'https://acme.matomo.cloud'
 */
export function matomoBaseOf(config: Config): string {
  const url = new URL(configText(config, 'url') ?? '');
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(MATOMO_FILE, '').replace(/\/+$/, '')}`;
}

/** The Tracking API's URL: `{matomo}/matomo.php`. */
export const trackerUrlOf = (config: Config): string => `${matomoBaseOf(config)}${TRACKER_PATH}`;
/** The Reporting API's URL: `{matomo}/index.php`. */
export const apiUrlOf = (config: Config): string => `${matomoBaseOf(config)}${API_PATH}`;

/**
 * The website's id as sent (`idsite`), from a number or digits.
 *
 * @example
 * siteIdOf({ site_id: 3 });     // '3'
 * siteIdOf({ site_id: ' 3 ' }); // '3'
 */
export function siteIdOf(config: Config): string {
  const value = config.site_id;
  return typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
}

/** The token_auth, trimmed; undefined when not set. */
export const tokenOf = (config: Config): string | undefined => configText(config, 'token_auth');
/** Whether the visitor's IP goes as `cip`: only with a token_auth (Matomo refuses `cip` without one), and unless turned off. */
export const sendsIp = (config: Config): boolean => tokenOf(config) !== undefined && config.send_ip !== false;
/** Whether the userId goes as `uid` (Matomo's User ID), unless turned off. */
export const sendsUserId = (config: Config): boolean => config.send_user_id !== false;
/** Whether identify calls go as an event (off: the User ID goes with the person's next requests). */
export const sendsIdentifyEvents = (config: Config): boolean => config.identify_as_event === true;

/** A config list of event names, trimmed, or its default when not set. */
function namesOf(value: JsonValue | undefined, fallback: readonly string[]): string[] {
  if (!Array.isArray(value)) return [...fallback];
  return value.flatMap((name) => trimmedText(name) ?? []);
}

/** The track events sent as Matomo ecommerce orders, cart updates, product views and site searches. */
export function ecommerceEventsOf(config: Config): { orders: string[]; carts: string[]; productViews: string[]; searches: string[] } {
  return {
    orders: namesOf(config.order_events, DEFAULT_ORDER_EVENTS),
    carts: namesOf(config.cart_events, DEFAULT_CART_EVENTS),
    productViews: namesOf(config.product_view_events, DEFAULT_PRODUCT_VIEW_EVENTS),
    searches: namesOf(config.search_events, DEFAULT_SEARCH_EVENTS),
  };
}

/** Where a track event's Matomo category, name and value are read, and the category when it has none. */
export function eventFieldsOf(config: Config): { categoryPath: string; defaultCategory: string; namePath: string; valuePath: string } {
  return {
    categoryPath: configText(config, 'event_category_path') ?? DEFAULT_CATEGORY_PATH,
    defaultCategory: configText(config, 'event_category_default') ?? DEFAULT_EVENT_CATEGORY,
    namePath: configText(config, 'event_name_path') ?? DEFAULT_NAME_PATH,
    valuePath: configText(config, 'event_value_path') ?? DEFAULT_VALUE_PATH,
  };
}

/**
 * The configured custom dimensions: Matomo's dimension id → the event path its value is read
 * from, in the order of the ids; entries that are no id or no path are left out (validateConfig
 * names them).
 *
 * @example
 * customDimensionsOf({ custom_dimensions: { '3': 'properties.plan', '1': 'context.campaign.name' } });
 * // [[1, 'context.campaign.name'], [3, 'properties.plan']]
 */
export function customDimensionsOf(config: Config): Array<[number, string]> {
  const map = config.custom_dimensions;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return [];
  const entries: Array<[number, string]> = [];
  for (const [key, path] of Object.entries(map)) {
    const id = /^\d{1,3}$/.test(key.trim()) ? Number(key.trim()) : NaN;
    if (Number.isInteger(id) && id >= 1 && id <= MAX_DIMENSION_ID && typeof path === 'string' && path.trim() !== '') entries.push([id, path.trim()]);
  }
  return entries.sort((a, b) => a[0] - b[0]);
}

/** The website's currency as configured (upper case), for the warning about orders in another. */
export const siteCurrencyOf = (config: Config): string | undefined => configText(config, 'currency')?.toUpperCase();

/** Whether person deletions are forwarded: turned on, with a token_auth (an Admin's, which the GDPR tools require). */
export const forwardsDeletions = (config: Config): boolean => config.forward_deletions === true && tokenOf(config) !== undefined;

const eventList = (title: string, description: string, fallback: string[]): ConfigSchema['properties'][string] => ({
  type: 'array', title, description, items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 50, default: fallback, examples: [fallback],
});

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['url', 'site_id'],
  properties: {
    url: {
      type: 'string', title: 'Matomo URL',
      description: 'Where your Matomo is: Matomo Cloud\'s https://<account>.matomo.cloud, or your own instance\'s address, with its path when Matomo is installed under one (https://www.example.com/matomo). Signal sends tracking requests to <URL>/matomo.php and GDPR tool calls to <URL>/index.php (a URL pasted with either is fine). Plain http only to a host listed in allow_private_targets.',
      minLength: 1, maxLength: 2048, examples: ['https://analytics.example.com'],
    },
    site_id: {
      type: 'integer', title: 'Website ID (idsite)',
      description: 'The ID of the website in Matomo (Administration > Websites > Manage, the ID column; also the idsite of its tracking code).',
      minimum: 1, examples: [1],
    },
    token_auth: {
      type: 'string', title: 'Auth Token (token_auth)', secret: true,
      description: 'Optional. A token of a Matomo user with Write access to the website (Administration > Personal > Security > Auth tokens > Create new token). Matomo requires it to set the visitor\'s IP (cip) and to record events more than 24 hours old (cdt; Matomo\'s default window), and it is needed by the other token-only parameters (country, region, city, lat, long). With a Super User\'s token Matomo also names each tracking request it refuses, so only those events are dead-lettered. Person deletions need a user with Admin access. Without a token, events more than 24 hours old are not sent (Matomo would refuse them) and Matomo locates visitors by its own view of the request.',
      maxLength: 256, examples: ['0123456789abcdef0123456789abcdef'],
    },
    send_ip: {
      type: 'boolean', title: 'Send Visitor IP (cip)',
      description: 'With a token_auth: send the visitor\'s IP as cip, for Matomo\'s geolocation and its IP anonymization settings (Administration > Privacy). Off, or without a token: Matomo sees Signal\'s server address, and locates visitors by their browser language only.',
      default: true,
    },
    send_user_id: {
      type: 'boolean', title: 'Send User ID (uid)',
      description: 'Send the userId as Matomo\'s User ID (uid), shown in the Visits Log and the Visitor Profile, and used by Matomo to recognize the person across devices. Off: people are told apart by the visitor id only.',
      default: true,
    },
    identify_as_event: {
      type: 'boolean', title: 'Send Identify Calls as Events',
      description: 'Matomo has no request that only names a user: its User ID (uid) goes with tracking requests, and Signal puts it on every later event of the person. Turn on to send each identify call with a userId as an event too (category "User", action "Identify"), so a sign-in that no other event follows still records the User ID.',
      default: false,
    },
    event_category_path: {
      type: 'string', title: 'Event Category Path',
      description: 'Where a track event\'s Matomo event category (e_c) is read, as a path into the event. Default properties.category; an event without one gets the Default Event Category.',
      maxLength: 200, default: DEFAULT_CATEGORY_PATH, examples: [DEFAULT_CATEGORY_PATH],
    },
    event_category_default: {
      type: 'string', title: 'Default Event Category',
      description: 'The event category (e_c) of a track event without one (Matomo requires a category). Default All, as Segment\'s Google Analytics mapping names it.',
      maxLength: 200, default: DEFAULT_EVENT_CATEGORY, examples: [DEFAULT_EVENT_CATEGORY],
    },
    event_name_path: {
      type: 'string', title: 'Event Name Path',
      description: 'Where a track event\'s Matomo event name (e_n) is read. Default properties.label. The event action (e_a) is always the track event\'s own name.',
      maxLength: 200, default: DEFAULT_NAME_PATH, examples: [DEFAULT_NAME_PATH],
    },
    event_value_path: {
      type: 'string', title: 'Event Value Path',
      description: 'Where a track event\'s Matomo event value (e_v, a number) is read. Default properties.value; a value that is no number is left out, with a warning.',
      maxLength: 200, default: DEFAULT_VALUE_PATH, examples: [DEFAULT_VALUE_PATH],
    },
    custom_dimensions: {
      type: 'object', title: 'Custom Dimensions',
      description: 'Matomo custom dimension ID → the event path its value is read from, e.g. {"1": "properties.plan", "2": "context.campaign.name"} (Administration > Websites > Custom Dimensions shows the IDs). Sent as dimension<ID> on every request of an event that has the value; a Visit-scope dimension keeps its visit\'s value, an Action-scope one each action\'s.',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 200 }, examples: [{ 1: 'properties.plan' }],
    },
    order_events: eventList('Order Events', 'Track events sent as Matomo ecommerce orders (idgoal=0 with ec_id, revenue, ec_st, ec_tx, ec_sh, ec_dt and ec_items). Default: Order Completed.', DEFAULT_ORDER_EVENTS),
    cart_events: eventList('Cart Update Events', 'Track events sent as Matomo cart updates (idgoal=0, the cart\'s total as revenue and every product as ec_items, no ec_id): events carrying the whole cart, as Matomo replaces the cart with what it is given. Default: Cart Viewed, Checkout Started. Product Added and Product Removed name one product, so they go as events.', DEFAULT_CART_EVENTS),
    product_view_events: eventList('Product View Events', 'Track events sent as Matomo product views: a page view with the product\'s SKU, name, category and price (_pks, _pkn, _pkc, _pkp), as Matomo\'s JavaScript tracker sends one. Default: Product Viewed. A site that also sends a page call for the product page counts two page views: empty this list to send Product Viewed as an event instead.', DEFAULT_PRODUCT_VIEW_EVENTS),
    search_events: eventList('Site Search Events', 'Track events sent as Matomo site searches (search with properties.query, search_cat with properties.category, search_count with properties.count). Default: Products Searched.', DEFAULT_SEARCH_EVENTS),
    currency: {
      type: 'string', title: 'Website Currency',
      description: 'Optional: the currency of the website in Matomo (Administration > Websites > Manage). Matomo takes amounts in the website\'s currency and converts none: an order or cart in another currency is sent as it is, with a warning.',
      pattern: '^[A-Za-z]{3}$', examples: ['EUR'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Delete the person\'s visits in Matomo when Signal deletes a person, through the GDPR tools API (PrivacyManager.findDataSubjects by User ID and visitor id, then PrivacyManager.deleteDataSubjects). Needs a token_auth of a user with Admin access to the website, and the visits log (Live plugin) enabled. Off by default.',
      default: false,
    },
    allow_private_targets: privateTargetsField('a self-hosted Matomo'),
  },
};

function urlProblem(config: Config): string | undefined {
  const raw = configText(config, 'url');
  if (raw === undefined) return 'is required: your Matomo\'s address, e.g. https://<account>.matomo.cloud or https://analytics.example.com';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is ${JSON.stringify(raw.slice(0, 200))}: give an absolute https URL, e.g. https://<account>.matomo.cloud or https://analytics.example.com/matomo`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')})`;
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: give the token in token_auth';
  if (url.search !== '' || url.hash !== '') return `must be Matomo's address without a query or fragment (the website goes in site_id, the token in token_auth): ${url.origin}${url.pathname}`;
  if (/\.js$/i.test(url.pathname)) return 'names Matomo\'s JavaScript tracker: give Matomo\'s address, e.g. https://analytics.example.com';
  return privateTargetProblem(url, allowedPrivateTargets(config), 'a self-hosted Matomo');
}

function siteIdProblem(value: JsonValue | undefined): string | undefined {
  const id = typeof value === 'number' ? value : typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (value === undefined || value === null || value === '') return 'is required: the website\'s ID in Matomo (Administration > Websites > Manage, the ID column)';
  if (!Number.isInteger(id) || id < 1) return `is ${JSON.stringify(value)}: give the website's ID, a whole number from 1 (Administration > Websites > Manage)`;
  return undefined;
}

function tokenProblem(config: Config): ConfigProblem | undefined {
  const token = tokenOf(config);
  if (token === undefined) return undefined;
  if (/^token_auth=/i.test(token)) return { field: 'token_auth', message: 'starts with "token_auth=": give the token alone, as Matomo showed it when it was created' };
  const pasted = pastedSecretProblem('token_auth', token, 'token', { spaceHint: 'as Matomo showed it when it was created' });
  if (pasted !== undefined) return pasted;
  if (/[^\x21-\x7e]/.test(token)) return { field: 'token_auth', message: 'holds characters other than ASCII: give the token alone, as Matomo showed it when it was created (32 characters such as 0123456789abcdef0123456789abcdef)' };
  return undefined;
}

function pathProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return 'must be a path into the event, e.g. properties.category';
  const path = value.trim();
  if (!/^[A-Za-z_$][\w$-]*(?:\.[\w$-]+)*$/.test(path)) return `is ${JSON.stringify(value.slice(0, 80))}: give a path into the event, names joined by dots, e.g. properties.category or context.campaign.name`;
  // Compiled as the reader (valueAtEventPath) compiles it: a path it refuses, one through
  // `constructor`, `prototype` or `__proto__`, would read nothing on every event.
  try {
    compileGetter(path);
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}: give a path into the event's data, e.g. properties.category`;
  }
  return undefined;
}

function listProblems(config: Config, field: string): ConfigProblem[] {
  const value = config[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ field, message: 'must be a list of track event names, e.g. ["Order Completed"]' }];
  return value.flatMap((name, i) => (typeof name === 'string' && name.trim() !== '' ? [] : [{ field: `${field}[${i}]`, message: 'must be a track event name (text)' }]));
}

function dimensionProblems(config: Config): ConfigProblem[] {
  const map = config.custom_dimensions;
  if (map === undefined || map === null) return [];
  if (typeof map !== 'object' || Array.isArray(map)) return [{ field: 'custom_dimensions', message: 'must map custom dimension IDs to event paths, e.g. {"1": "properties.plan"}' }];
  const problems: ConfigProblem[] = [];
  for (const [key, path] of Object.entries(map)) {
    const id = /^\d{1,3}$/.test(key) ? Number(key) : NaN;
    if (!(id >= 1 && id <= MAX_DIMENSION_ID)) problems.push({ field: 'custom_dimensions', message: `has ${JSON.stringify(key.slice(0, 40))}: a key is a custom dimension's ID, a whole number from 1 to ${MAX_DIMENSION_ID} (Administration > Websites > Custom Dimensions)` });
    const problem = typeof path === 'string' && path.trim() !== '' ? pathProblem(path) : 'must be a path into the event, e.g. properties.plan';
    if (problem !== undefined) problems.push({ field: `custom_dimensions.${key}`, message: problem });
  }
  return problems;
}

function switchProblems(config: Config): ConfigProblem[] {
  return ['send_ip', 'send_user_id', 'identify_as_event', 'forward_deletions']
    .filter((field) => config[field] !== undefined && typeof config[field] !== 'boolean')
    .map((field) => ({ field, message: 'must be true or false' }));
}

/**
 * Config problems the schema cannot say in words, each naming its field: a URL that is not
 * http(s), carries credentials, a query or the JavaScript tracker, or is a private address not
 * allow-listed (plain http only to one); a website ID that is no whole number; a token pasted
 * with more than itself; event paths that are none; custom dimensions whose keys are no IDs;
 * event lists that hold no names; a currency that is no code; deletions without a token.
 *
 * @example
 * validateMatomoConfig({ url: 'https://acme.matomo.cloud', site_id: 0 });
 * // [{ field: 'site_id', message: 'is 0: give the website\'s ID, a whole number from 1 (Administration > Websites > Manage)' }]
 */
export function validateMatomoConfig(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [...privateTargetsProblems(config, 'matomo.internal')];
  const url = urlProblem(config);
  if (url !== undefined) problems.push({ field: 'url', message: url });
  const site = siteIdProblem(config.site_id);
  if (site !== undefined) problems.push({ field: 'site_id', message: site });
  const token = tokenProblem(config);
  if (token !== undefined) problems.push(token);
  for (const field of ['event_category_path', 'event_name_path', 'event_value_path']) {
    const problem = pathProblem(config[field]);
    if (problem !== undefined) problems.push({ field, message: problem });
  }
  problems.push(...dimensionProblems(config));
  for (const field of ['order_events', 'cart_events', 'product_view_events', 'search_events']) problems.push(...listProblems(config, field));
  const currency = config.currency;
  if (currency !== undefined && currency !== null && currency !== '' && (typeof currency !== 'string' || !/^[A-Za-z]{3}$/.test(currency.trim()))) {
    problems.push({ field: 'currency', message: `is ${JSON.stringify(currency)}: give the website's ISO 4217 currency code, e.g. EUR` });
  }
  problems.push(...switchProblems(config));
  if (config.forward_deletions === true && tokenOf(config) === undefined) {
    problems.push({ field: 'forward_deletions', message: 'needs a token_auth: Matomo\'s GDPR tools API takes the token of a user with Admin access to the website' });
  }
  return problems;
}
