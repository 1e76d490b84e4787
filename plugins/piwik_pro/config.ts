// The integration's config: where Piwik PRO is (the account's address, https://<account>.piwik.pro,
// or an On-Premises instance, perhaps on a private network), the app's ID (a UUID), what is sent
// (IP, User ID, anonymous tracking, custom dimensions), where a track event's custom event fields
// are read, and which track events are Piwik PRO ecommerce interactions or site searches. The
// schema the catalog shows, the readings the plugin uses, and the checks the schema cannot make,
// each naming its field.
import {
  allowedPrivateTargets, compileGetter, configSwitchProblem, configText, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText,
  type ConfigProblem, type ConfigSchema, type JsonValue,
} from '../../core/sdk/index.ts';

type Config = Record<string, JsonValue>;

/** The Tracking HTTP API's endpoint below the account address (`/piwik.php` is its older alias). */
export const TRACKER_PATH = '/ppms.php';
/** Piwik PRO's files a URL may be pasted with: the tracker under either name, the JavaScript tracker. */
const PIWIK_FILE = /\/(?:ppms|piwik)\.php$/i;
/** An app ID: "Requests should contain `idsite` parameter with actual UUID of one of your apps". */
const APP_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Segment's Google Analytics convention for a track event without a category (`e_c` is required by nothing, but reports group by it). */
export const DEFAULT_EVENT_FIELDS = { category: 'properties.category', default_category: 'All', action: 'event', name: 'properties.label', value: 'properties.value' } as const;
export const DEFAULT_ORDER_EVENTS = ['Order Completed'];
/** Segment's events that carry the whole cart (`products`): Piwik PRO's cart update replaces the cart with what it is given. */
export const DEFAULT_CART_EVENTS = ['Cart Viewed', 'Checkout Started'];
export const DEFAULT_PRODUCT_VIEW_EVENTS = ['Product Viewed'];
export const DEFAULT_ADD_TO_CART_EVENTS = ['Product Added'];
export const DEFAULT_REMOVE_FROM_CART_EVENTS = ['Product Removed'];
export const DEFAULT_SEARCH_EVENTS = ['Products Searched'];
/** Custom dimension ids as the reference writes them (`dimension1` … `dimension999`). */
export const MAX_DIMENSION_ID = 999;

/**
 * The address requests go below: the configured URL's origin and path, without a trailing slash
 * or a pasted `ppms.php` / `piwik.php`.
 *
 * @example
 * piwikBaseOf({ url: 'https://acme.piwik.pro/ppms.php' }); // 'https://acme.piwik.pro'
 */
export function piwikBaseOf(config: Config): string {
  const url = new URL(configText(config, 'url') ?? '');
  return `${url.origin}${url.pathname.replace(/\/+$/, '').replace(PIWIK_FILE, '').replace(/\/+$/, '')}`;
}

/** The Tracking HTTP API's URL: `{url}/ppms.php`. */
export const trackerUrlOf = (config: Config): string => `${piwikBaseOf(config)}${TRACKER_PATH}`;
/** The app's ID as sent (`idsite`), lower case. */
export const appIdOf = (config: Config): string => (configText(config, 'app_id') ?? '').toLowerCase();
/** Whether the visitor's IP goes as `cip` (Piwik PRO's "Override IP"), unless turned off. */
export const sendsIp = (config: Config): boolean => config.send_ip !== false;
/** Whether the userId goes as `uid`, unless turned off. */
export const sendsUserId = (config: Config): boolean => config.send_user_id !== false;
/** Whether every request asks for anonymous tracking (`uia=1`): IP masked by Piwik PRO, no User ID nor visitor ID, location below country anonymized. */
export const tracksAnonymously = (config: Config): boolean => config.anonymous_tracking === true;

/** A config list of event names, trimmed, or its default when not set. */
function namesOf(value: JsonValue | undefined, fallback: readonly string[]): string[] {
  if (!Array.isArray(value)) return [...fallback];
  return value.flatMap((name) => trimmedText(name) ?? []);
}

/** The track events sent as Piwik PRO ecommerce interactions and site searches. */
export function ecommerceEventsOf(config: Config): { orders: string[]; carts: string[]; productViews: string[]; adds: string[]; removes: string[]; searches: string[] } {
  return {
    orders: namesOf(config.order_events, DEFAULT_ORDER_EVENTS),
    carts: namesOf(config.cart_events, DEFAULT_CART_EVENTS),
    productViews: namesOf(config.product_view_events, DEFAULT_PRODUCT_VIEW_EVENTS),
    adds: namesOf(config.add_to_cart_events, DEFAULT_ADD_TO_CART_EVENTS),
    removes: namesOf(config.remove_from_cart_events, DEFAULT_REMOVE_FROM_CART_EVENTS),
    searches: namesOf(config.search_events, DEFAULT_SEARCH_EVENTS),
  };
}

export type EventFields = { category: string; default_category: string; action: string; name: string; value: string };

/**
 * Where a track event's custom event category, action, name and value are read, and the
 * category of an event without one: config.event_fields over the defaults.
 *
 * @example
 * eventFieldsOf({ event_fields: { name: 'properties.title' } });
 * // { category: 'properties.category', default_category: 'All', action: 'event', name: 'properties.title', value: 'properties.value' }
 */
export function eventFieldsOf(config: Config): EventFields {
  const map = config.event_fields;
  const fields: EventFields = { ...DEFAULT_EVENT_FIELDS };
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return fields;
  for (const key of Object.keys(DEFAULT_EVENT_FIELDS) as Array<keyof EventFields>) {
    const value = trimmedText(map[key]);
    if (value !== undefined) fields[key] = value;
  }
  return fields;
}

/**
 * The configured custom dimensions: dimension id → the event path its value is read from, in
 * the order of the ids; entries that are no id or no path are left out (validateConfig names them).
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

const eventList = (title: string, description: string, fallback: string[]): ConfigSchema['properties'][string] => ({
  type: 'array', title, description, items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 50, default: fallback, examples: [fallback],
});
const pathField = (title: string, fallback: string): Record<string, unknown> => ({ type: 'string', title, maxLength: 200, default: fallback });

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['url', 'app_id'],
  properties: {
    url: {
      type: 'string', title: 'Account address',
      description: 'Your Piwik PRO account\'s address, https://<account>.piwik.pro (as in your browser when you log in), or your On-Premises instance\'s. Signal sends tracking requests to <address>/ppms.php (a URL pasted with ppms.php or piwik.php is fine). A host on your own network (a private address, or plain http) must be listed in allow_private_targets.',
      minLength: 1, maxLength: 2048, examples: ['https://acme.piwik.pro'],
    },
    app_id: {
      type: 'string', title: 'Site or app ID',
      description: 'The ID of the site or app in Piwik PRO (Administration > Sites & apps > the site > Site/app ID), a UUID such as 892d04bd-6e2b-4914-bfb4-bac721b37235. Requests with any other idsite do not appear in reports.',
      minLength: 36, maxLength: 36, examples: ['892d04bd-6e2b-4914-bfb4-bac721b37235'],
    },
    send_ip: {
      type: 'boolean', title: 'Send Visitor IP (cip)',
      description: 'Send the visitor\'s IP as cip (Piwik PRO\'s "Override IP"), for its geolocation and its IP anonymization settings. Off: Piwik PRO sees Signal\'s server address.',
      default: true,
    },
    send_user_id: {
      type: 'boolean', title: 'Send User ID (uid)',
      description: 'Send the userId as Piwik PRO\'s User ID (uid) with every event of a signed-in person. Off: people are told apart by the visitor ID only.',
      default: true,
    },
    anonymous_tracking: {
      type: 'boolean', title: 'Anonymous tracking (uia=1)',
      description: 'Ask Piwik PRO to track every event anonymously (uia=1): Piwik PRO masks the IP (0.0.0.0) once it has read the country from it, and anonymizes location below country level; neither the User ID nor a visitor ID is sent, so returning visitors are not recognized. For sites that collect analytics without consent. Off by default: events that reach Piwik PRO passed Signal\'s consent gate (analytics).',
      default: false,
    },
    event_fields: {
      type: 'object', title: 'Custom event fields',
      description: 'Where a track event\'s custom event is read, as paths into the event: category (e_c, default properties.category, else default_category "All"), action (e_a, default event: the event\'s name), name (e_n, default properties.label), value (e_v, a number, default properties.value).',
      properties: {
        category: pathField('Category path', DEFAULT_EVENT_FIELDS.category),
        default_category: { type: 'string', title: 'Category when none', maxLength: 200, default: DEFAULT_EVENT_FIELDS.default_category },
        action: pathField('Action path', DEFAULT_EVENT_FIELDS.action),
        name: pathField('Name path', DEFAULT_EVENT_FIELDS.name),
        value: pathField('Value path', DEFAULT_EVENT_FIELDS.value),
      },
      additionalProperties: false,
    },
    custom_dimensions: {
      type: 'object', title: 'Custom dimensions',
      description: 'Custom dimension ID (Administration > Sites & apps > the site > Custom dimensions) → the event path its value is read from, e.g. {"1": "properties.plan"}. Sent as dimension<ID>.',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 200 },
    },
    order_events: eventList('Order events', 'Track events sent as ecommerce orders (e_t=order).', DEFAULT_ORDER_EVENTS),
    cart_events: eventList('Cart update events', 'Track events carrying the whole cart (properties.products), sent as cart updates (e_t=cart-update).', DEFAULT_CART_EVENTS),
    product_view_events: eventList('Product detail view events', 'Track events sent as product detail views (e_t=product-detail-view).', DEFAULT_PRODUCT_VIEW_EVENTS),
    add_to_cart_events: eventList('Add to cart events', 'Track events sent as add-to-cart (e_t=add-to-cart).', DEFAULT_ADD_TO_CART_EVENTS),
    remove_from_cart_events: eventList('Remove from cart events', 'Track events sent as remove-from-cart (e_t=remove-from-cart).', DEFAULT_REMOVE_FROM_CART_EVENTS),
    search_events: eventList('Site search events', 'Track events sent as site searches (search = properties.query).', DEFAULT_SEARCH_EVENTS),
    allow_private_targets: privateTargetsField('an On-Premises Piwik PRO'),
  },
};

function urlProblem(config: Config): string | undefined {
  const raw = configText(config, 'url');
  if (raw === undefined) return 'is required: your Piwik PRO account\'s address, e.g. https://acme.piwik.pro';
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `is ${JSON.stringify(raw.slice(0, 200))}: give an absolute URL, your account's address such as https://acme.piwik.pro`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')}): e.g. https://acme.piwik.pro`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password: the Tracking HTTP API takes none';
  if (url.search !== '' || url.hash !== '') return `must be the account's address without a query or fragment: ${url.origin}${url.pathname}`;
  if (/\.js$/i.test(url.pathname)) return `is the JavaScript tracker's address (${url.pathname}): give the account's address, e.g. ${url.origin}`;
  if (/(^|\.)containers\.piwik\.pro$/i.test(url.hostname)) return `is the Tag Manager's container host (${url.hostname}): give the account's address, e.g. https://<account>.piwik.pro`;
  return privateTargetProblem(url, allowedPrivateTargets(config), 'an On-Premises Piwik PRO');
}

function appIdProblem(value: JsonValue | undefined): string | undefined {
  const raw = typeof value === 'string' ? value.trim() : value === undefined || value === null ? '' : JSON.stringify(value);
  if (raw === '') return 'is required: the site or app ID (Administration > Sites & apps), a UUID such as 892d04bd-6e2b-4914-bfb4-bac721b37235';
  if (/^\d+$/.test(raw)) return `is ${raw}: Piwik PRO's site and app IDs are UUIDs (a number is a Matomo website ID); copy it from Administration > Sites & apps`;
  if (!APP_ID.test(raw)) return `is ${JSON.stringify(raw.slice(0, 80))}: give the site or app ID Piwik PRO shows (Administration > Sites & apps), a UUID such as 892d04bd-6e2b-4914-bfb4-bac721b37235`;
  return undefined;
}

function pathProblem(value: JsonValue | undefined, example: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') return `must be a path into the event, e.g. ${example}`;
  const path = value.trim();
  if (!/^[A-Za-z_$][\w$-]*(?:\.[\w$-]+)*$/.test(path)) return `is ${JSON.stringify(value.slice(0, 80))}: give a path into the event, names joined by dots, e.g. ${example}`;
  // Compiled as the reader compiles it: a path it refuses would read nothing on every event.
  try {
    compileGetter(path);
  } catch (error) {
    return `${error instanceof Error ? error.message : String(error)}: give a path into the event's data, e.g. ${example}`;
  }
  return undefined;
}

function eventFieldProblems(config: Config): ConfigProblem[] {
  const map = config.event_fields;
  if (map === undefined || map === null) return [];
  if (typeof map !== 'object' || Array.isArray(map)) return [{ field: 'event_fields', message: 'must be an object such as {"category": "properties.category", "name": "properties.label"}' }];
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (key === 'default_category') {
      if (value !== undefined && value !== null && typeof value !== 'string') problems.push({ field: 'event_fields.default_category', message: 'must be text, e.g. All' });
      continue;
    }
    if (!(key in DEFAULT_EVENT_FIELDS)) {
      problems.push({ field: `event_fields.${key}`, message: 'is no custom event field: use category, default_category, action, name or value' });
      continue;
    }
    const problem = pathProblem(value, DEFAULT_EVENT_FIELDS[key as keyof typeof DEFAULT_EVENT_FIELDS]);
    if (problem !== undefined) problems.push({ field: `event_fields.${key}`, message: problem });
  }
  return problems;
}

function dimensionProblems(config: Config): ConfigProblem[] {
  const map = config.custom_dimensions;
  if (map === undefined || map === null) return [];
  if (typeof map !== 'object' || Array.isArray(map)) return [{ field: 'custom_dimensions', message: 'must map custom dimension IDs to event paths, e.g. {"1": "properties.plan"}' }];
  const problems: ConfigProblem[] = [];
  for (const [key, path] of Object.entries(map)) {
    const id = /^\d{1,3}$/.test(key) ? Number(key) : NaN;
    if (!(id >= 1 && id <= MAX_DIMENSION_ID)) problems.push({ field: 'custom_dimensions', message: `has ${JSON.stringify(key.slice(0, 40))}: a key is a custom dimension's ID, a whole number from 1 to ${MAX_DIMENSION_ID} (Administration > Sites & apps > Custom dimensions)` });
    const problem = typeof path === 'string' && path.trim() !== '' ? pathProblem(path, 'properties.plan') : 'must be a path into the event, e.g. properties.plan';
    if (problem !== undefined) problems.push({ field: `custom_dimensions.${key}`, message: problem });
  }
  return problems;
}

function listProblems(config: Config, field: string): ConfigProblem[] {
  const value = config[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ field, message: 'must be a list of track event names, e.g. ["Order Completed"]' }];
  return value.flatMap((name, i) => (typeof name === 'string' && name.trim() !== '' ? [] : [{ field: `${field}[${i}]`, message: 'must be a track event name (text)' }]));
}

/** The event lists, for the check that no track event is in two of them. */
const LISTS = ['order_events', 'cart_events', 'product_view_events', 'add_to_cart_events', 'remove_from_cart_events', 'search_events'] as const;

function overlapProblems(config: Config): ConfigProblem[] {
  const lists = ecommerceEventsOf(config);
  const byField: Record<(typeof LISTS)[number], string[]> = {
    order_events: lists.orders, cart_events: lists.carts, product_view_events: lists.productViews,
    add_to_cart_events: lists.adds, remove_from_cart_events: lists.removes, search_events: lists.searches,
  };
  const seen = new Map<string, string>();
  const problems: ConfigProblem[] = [];
  for (const field of LISTS) {
    for (const name of byField[field]) {
      const first = seen.get(name);
      if (first !== undefined && first !== field) problems.push({ field, message: `lists "${name}", which ${first} lists too: a track event is one kind of Piwik PRO interaction` });
      else seen.set(name, field);
    }
  }
  return problems;
}

/**
 * Config problems the schema cannot say in words, each naming its field: an address that is not
 * http(s), carries credentials, a query, the JavaScript tracker or the Tag Manager's host, or is
 * a private address not allow-listed; an app ID that is no UUID (a Matomo-style number); event
 * field paths and custom dimensions that are none; event lists that hold no names or share one;
 * switches that are not booleans.
 *
 * @example
 * validatePiwikProConfig({ url: 'https://acme.piwik.pro', app_id: '3' });
 * // [{ field: 'app_id', message: 'is 3: Piwik PRO\'s site and app IDs are UUIDs (a number is a Matomo website ID); …' }]
 */
export function validatePiwikProConfig(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [...privateTargetsProblems(config, 'piwik.internal')];
  const url = urlProblem(config);
  if (url !== undefined) problems.push({ field: 'url', message: url });
  const app = appIdProblem(config.app_id);
  if (app !== undefined) problems.push({ field: 'app_id', message: app });
  problems.push(...eventFieldProblems(config), ...dimensionProblems(config));
  for (const field of LISTS) problems.push(...listProblems(config, field));
  if (!LISTS.some((field) => config[field] !== undefined && config[field] !== null && !Array.isArray(config[field]))) problems.push(...overlapProblems(config));
  for (const field of ['send_ip', 'send_user_id', 'anonymous_tracking']) {
    const problem = configSwitchProblem(config[field]);
    if (problem !== undefined) problems.push({ field, message: problem });
  }
  return problems;
}
