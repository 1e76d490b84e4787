// The integration's config: the advertiser account orders go to and the API key the Conversion
// API authenticates with (`x-api-key`), which Signal events are orders or leads, how the channel
// (Awin's deduplication parameter) is decided, the commission groups, the custom parameters,
// test mode; with the problems a JSON Schema cannot see, each naming its field.
import { compileGetter, configText, pastedSecretProblem, type CanonicalEvent, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Segment's order event, the default order event. */
export const DEFAULT_ORDER_EVENT = 'Order Completed';
/** Awin's commission group when no other is named: "If no commission group code is defined, this should be set to “DEFAULT”". */
export const DEFAULT_COMMISSION_GROUP = 'DEFAULT';
/** The channel sent for an order whose last paid click was not Awin's, unless the config names another. */
export const DEFAULT_OTHER_CHANNEL = 'other';
/** How the channel is decided: from the last paid click Signal saw, or always `aw`. */
export const CHANNEL_MODES = ['last_paid_click', 'aw'] as const;
export type ChannelMode = (typeof CHANNEL_MODES)[number];
/** Awin's custom parameters: "Awin supports up to 255 custom parameters reported on each transaction". */
export const MAX_CUSTOM_PARAMETER = 255;
/** A commission group code as Awin's UI makes them: letters, digits, `_`, `.`, `-` (no `|` or `:`, its pixel's separators). */
const COMMISSION_GROUP_CODE = /^[A-Za-z0-9_.-]{1,50}$/;
/** A channel value: text without white space (Awin's are `aw`, `display`, `ppc`…). */
const CHANNEL_VALUE = /^[A-Za-z0-9_.-]{1,50}$/;

/** The config's JSON Schema. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['advertiser_id', 'api_key'],
  properties: {
    advertiser_id: {
      type: 'integer', title: 'Advertiser ID',
      description: 'Your Awin advertiser (program) ID: the number in the top right corner of the Awin UI and in its URLs. Part of the endpoint\'s path (/s2s/advertiser/{advertiser_id}/orders).',
      minimum: 1, maximum: 9_999_999_999, examples: [1001],
    },
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'The token of Awin\'s API Credentials page (ui.awin.com/awin-api), sent alone in the x-api-key header (not "Bearer …"). It belongs to an Awin user who must have access to the advertiser account; Advertiser APIs come with Awin\'s Accelerate and Advanced plans.',
      minLength: 8, maxLength: 500, examples: ['1a2b3c4d-5e6f-7a8b-9c0d-1e2f3a4b5c6d'],
    },
    order_events: {
      type: 'array', title: 'Order Events',
      description: 'The track events reported as sales, by name (matched exactly). Their amount is the order\'s subtotal after discounts, before tax and shipping.',
      items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 50, uniqueItems: true,
      default: [DEFAULT_ORDER_EVENT], examples: [[DEFAULT_ORDER_EVENT]],
    },
    lead_events: {
      type: 'array', title: 'Lead Events',
      description: 'The track events reported as leads, by name: Awin takes a lead\'s amount as the number of leads, so each is sent with amount 1, under the same commission group rules, with its properties.currency or the Default Currency (a lead with neither is not sent). None by default.',
      items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 50, uniqueItems: true,
      default: [], examples: [['Signed Up']],
    },
    channel_mode: {
      type: 'string', title: 'Channel (Deduplication)',
      description: 'How the channel of each order is decided, which Awin\'s deduplication rules read ("aw" when Awin is the last-click referrer). last_paid_click: "aw" when the newest paid click Signal saw for the visitor (on their landing pages, or the order\'s own URL) is an Awin click (awc, awaid, or Awin\'s source=aw click append), the value of "Other Channel" when it is another network\'s ad click (gclid, msclkid, ttclid, …; not fbclid, which Meta adds to organic links too), "aw" when Signal saw none (Awin\'s fallback). aw: always "aw", leaving deduplication to Awin\'s own cookies.',
      enum: [...CHANNEL_MODES], enumLabels: ['Last paid click Signal saw', 'Always aw'], default: 'last_paid_click', examples: ['last_paid_click'],
    },
    other_channel: {
      type: 'string', title: 'Other Channel',
      description: 'The channel sent when the last paid click was another network\'s (channel_mode last_paid_click). Ask your Awin contact which value your program\'s deduplication settings expect; "other" by default.',
      minLength: 1, maxLength: 50, default: DEFAULT_OTHER_CHANNEL, examples: ['other'],
    },
    commission_group: {
      type: 'string', title: 'Commission Group',
      description: 'The commission group code (Awin UI: Commission Management) an order is commissioned under when nothing names another: the order\'s properties.commission_group, or a product category below. Case-sensitive; Awin uses its DEFAULT rate for a code it does not know.',
      minLength: 1, maxLength: 50, default: DEFAULT_COMMISSION_GROUP, examples: ['DEFAULT'],
    },
    category_commission_groups: {
      type: 'object', title: 'Commission Groups by Product Category',
      description: 'Product category → commission group code: an order\'s products of these categories are commissioned under their group (the order\'s amount shared out in proportion to their price × quantity), the others under the order\'s group. A product\'s own commission_group property wins.',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 50 },
      examples: [{ Electronics: 'ELEC', Books: 'BOOKS' }],
    },
    default_currency: {
      type: 'string', title: 'Default Currency',
      description: 'ISO 4217 code sent for an order or lead that gives no currency (properties.currency). Without it such an order or lead is not sent. Set it when lead events carry no currency.',
      pattern: '^[A-Za-z]{3}$', examples: ['GBP'],
    },
    send_voucher_orders: {
      type: 'boolean', title: 'Send Orders With a Voucher Code Only',
      description: 'Send an order without an Awin click (no awc) when it has a voucher code (properties.coupon): Awin\'s voucher attribution credits the publisher a code is assigned to. Off: only orders with an awc are sent.',
      default: true, examples: [true],
    },
    custom_parameters: {
      type: 'object', title: 'Custom Parameters',
      description: 'Awin custom parameter number (1 to 255) → the Signal event field sent as its value, a path such as properties.delivery_method or context.campaign.name. Text, numbers and booleans are sent; an order without the field goes without that parameter.',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 200 },
      examples: [{ 1: 'properties.delivery_method', 2: 'context.campaign.name' }],
    },
    send_transaction_time: {
      type: 'boolean', title: 'Send Transaction Time',
      description: 'Send each order\'s event time as transactionTime (Unix seconds), so an order sent late (a retry, a replay) keeps its time. Awin must enable this field for your account first; off by default.',
      default: false, examples: [false],
    },
    test_mode: {
      type: 'boolean', title: 'Test Mode',
      description: 'Send every order with isTest true: Awin records it as a test and commissions nothing. Use while your integration is checked; off for live orders.',
      default: false, examples: [false],
    },
  },
};

/** The names of a config list field, trimmed, blanks left out. */
function namesOf(value: JsonValue | undefined): string[] {
  if (!Array.isArray(value)) return [];
  return value.filter((name): name is string => typeof name === 'string' && name.trim() !== '');
}

/**
 * The track events the config reports as orders: `order_events`, or Segment's "Order Completed"
 * when the field is absent (an empty list names none).
 *
 * @example
 * orderEventsOf({});                                  // ['Order Completed']
 * orderEventsOf({ order_events: ['Checkout Done'] }); // ['Checkout Done']
 */
export function orderEventsOf(config: Record<string, JsonValue>): string[] {
  return config.order_events === undefined ? [DEFAULT_ORDER_EVENT] : namesOf(config.order_events);
}

/**
 * The track events the config reports as leads.
 *
 * @example
 * leadEventsOf({ lead_events: ['Signed Up'] }); // ['Signed Up']
 */
export function leadEventsOf(config: Record<string, JsonValue>): string[] {
  return namesOf(config.lead_events);
}

/** What an event is to Awin: a sale (an order event), a lead, or nothing. */
export type TransactionKind = 'sale' | 'lead';

/**
 * Whether the config reports an event as a sale or a lead (track events, by exact name); an
 * order event named as a lead too is a sale.
 *
 * @example
 * transactionKindOf({ type: 'track', event: 'Order Completed' } as CanonicalEvent, {}); // 'sale'
 * transactionKindOf({ type: 'page' } as CanonicalEvent, {});                            // undefined
 */
export function transactionKindOf(event: CanonicalEvent, config: Record<string, JsonValue>): TransactionKind | undefined {
  if (event.type !== 'track' || typeof event.event !== 'string') return undefined;
  if (orderEventsOf(config).includes(event.event)) return 'sale';
  if (leadEventsOf(config).includes(event.event)) return 'lead';
  return undefined;
}

/**
 * The advertiser id of a config, as the path writes it (undefined when missing).
 *
 * @example
 * advertiserIdOf({ advertiser_id: 1001 }); // '1001'
 */
export function advertiserIdOf(config: Record<string, JsonValue>): string | undefined {
  const id = config.advertiser_id;
  if (typeof id === 'number' && Number.isSafeInteger(id) && id > 0) return String(id);
  const written = configText(config, 'advertiser_id');
  return written !== undefined && /^[1-9][0-9]*$/.test(written) ? written : undefined;
}

/**
 * The channel mode of a config (`last_paid_click` unless it says `aw`).
 *
 * @example
 * channelModeOf({ channel_mode: 'aw' }); // 'aw'
 */
export function channelModeOf(config: Record<string, JsonValue>): ChannelMode {
  return config.channel_mode === 'aw' ? 'aw' : 'last_paid_click';
}

/**
 * The channel sent when the last paid click was another network's.
 *
 * @example
 * otherChannelOf({}); // 'other'
 */
export function otherChannelOf(config: Record<string, JsonValue>): string {
  return configText(config, 'other_channel') ?? DEFAULT_OTHER_CHANNEL;
}

/**
 * The order-level commission group of a config (`DEFAULT` unless it names another).
 *
 * @example
 * commissionGroupOf({ commission_group: 'SALE' }); // 'SALE'
 */
export function commissionGroupOf(config: Record<string, JsonValue>): string {
  return configText(config, 'commission_group') ?? DEFAULT_COMMISSION_GROUP;
}

/**
 * The config's product category → commission group map, keys lower-cased and trimmed (a
 * category is matched without regard to case or surrounding white space).
 *
 * @example
 * categoryGroupsOf({ category_commission_groups: { ' Books ': 'BOOKS' } }); // Map { 'books' => 'BOOKS' }
 */
export function categoryGroupsOf(config: Record<string, JsonValue>): Map<string, string> {
  const map = new Map<string, string>();
  const value = config.category_commission_groups;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return map;
  for (const [category, code] of Object.entries(value)) {
    if (typeof code === 'string' && code.trim() !== '' && category.trim() !== '') map.set(category.trim().toLowerCase(), code.trim());
  }
  return map;
}

/**
 * The default currency of a config, upper-cased (undefined when none).
 *
 * @example
 * defaultCurrencyOf({ default_currency: 'gbp' }); // 'GBP'
 */
export function defaultCurrencyOf(config: Record<string, JsonValue>): string | undefined {
  const code = configText(config, 'default_currency')?.toUpperCase();
  return code !== undefined && /^[A-Z]{3}$/.test(code) ? code : undefined;
}

/**
 * Whether orders with a voucher code but no Awin click are sent (on unless the config says false).
 *
 * @example
 * sendsVoucherOrders({}); // true
 */
export function sendsVoucherOrders(config: Record<string, JsonValue>): boolean {
  return config.send_voucher_orders !== false;
}

/**
 * The config's custom parameters: parameter number → event path, in number order; entries
 * that are no parameter number or no path are left out (validateConfig names them).
 *
 * @example
 * customParametersOf({ custom_parameters: { 2: 'context.campaign.name', 1: 'properties.delivery_method' } });
 * // [['1', 'properties.delivery_method'], ['2', 'context.campaign.name']]
 */
export function customParametersOf(config: Record<string, JsonValue>): Array<[string, string]> {
  const value = config.custom_parameters;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value)
    .filter((entry): entry is [string, string] => customParameterNumber(entry[0]) !== undefined && typeof entry[1] === 'string' && pathProblem(entry[1]) === undefined)
    .map(([key, path]): [string, string] => [String(customParameterNumber(key)), path.trim()])
    .sort((a, b) => Number(a[0]) - Number(b[0]));
}

/** A custom parameter's number (1–255) of a config key, or undefined. */
function customParameterNumber(key: string): number | undefined {
  const written = key.trim();
  if (!/^[1-9][0-9]{0,2}$/.test(written)) return undefined;
  const number = Number(written);
  return number <= MAX_CUSTOM_PARAMETER ? number : undefined;
}

/** What is wrong with an event path, or undefined when it reads a field. */
function pathProblem(path: string): string | undefined {
  if (path.trim() === '') return 'is empty';
  try {
    compileGetter(path.trim());
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Whether orders are sent with their event time as transactionTime.
 *
 * @example
 * sendsTransactionTime({ send_transaction_time: true }); // true
 */
export function sendsTransactionTime(config: Record<string, JsonValue>): boolean {
  return config.send_transaction_time === true;
}

/**
 * Whether orders are sent as tests (`isTest`).
 *
 * @example
 * isTestMode({ test_mode: true }); // true
 */
export function isTestMode(config: Record<string, JsonValue>): boolean {
  return config.test_mode === true;
}

/** Problems of a list of event names: blank ones, padded ones (names are matched exactly). */
function eventNameProblems(value: JsonValue | undefined, field: string): ConfigProblem[] {
  if (!Array.isArray(value)) return [];
  const problems: ConfigProblem[] = [];
  for (const name of value) {
    if (typeof name !== 'string') continue;
    if (name.trim() === '') problems.push({ field, message: 'has an empty event name: name the track event, e.g. "Order Completed"' });
    else if (name !== name.trim()) problems.push({ field, message: `has "${name}" with white space around it: Signal event names are matched exactly` });
  }
  return problems;
}

/**
 * Config problems the schema cannot see, each naming its field: an API key pasted with
 * `Bearer ` or white space; no order or lead event; an event name that can never match; an
 * event named both an order and a lead; an "Other Channel" that is `aw` or holds white space;
 * commission group codes Awin's UI would not make; custom parameter numbers outside 1–255 and
 * paths that read nothing.
 *
 * @example
 * validateAwinConfig({ advertiser_id: 1001, api_key: 'Bearer abc123def', order_events: [] });
 * // [{ field: 'api_key', message: 'starts with "Bearer ": give the API key alone' }, { field: 'order_events', message: 'name at least one order event …' }]
 */
export function validateAwinConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = typeof config.api_key === 'string' ? config.api_key.trim() : '';
  if (key !== '') {
    const pasted = pastedSecretProblem('api_key', key, 'API key (Awin sends it alone in x-api-key)');
    if (pasted !== undefined) problems.push(pasted);
  }
  problems.push(...eventNameProblems(config.order_events, 'order_events'), ...eventNameProblems(config.lead_events, 'lead_events'));
  const orders = orderEventsOf(config);
  const leads = leadEventsOf(config);
  if (orders.length === 0 && leads.length === 0) {
    problems.push({ field: 'order_events', message: 'name at least one order event (e.g. "Order Completed"), or a lead event in lead_events: no other event is sent to Awin' });
  }
  for (const name of leads) {
    if (orders.includes(name)) problems.push({ field: 'lead_events', message: `has "${name}", an order event too: an event is reported as a sale or as a lead, not both` });
  }
  const other = config.other_channel;
  if (typeof other === 'string' && other.trim() !== '') {
    if (other.trim().toLowerCase() === 'aw') problems.push({ field: 'other_channel', message: 'is "aw", Awin\'s own channel: the other channel names the clicks of other networks (e.g. "other")' });
    else if (!CHANNEL_VALUE.test(other.trim())) problems.push({ field: 'other_channel', message: `is ${JSON.stringify(other)}: a channel is one word of letters, digits, _ . - (e.g. "other", "ppc", "display")` });
  }
  const group = config.commission_group;
  if (typeof group === 'string' && group.trim() !== '' && !COMMISSION_GROUP_CODE.test(group.trim())) {
    problems.push({ field: 'commission_group', message: `is ${JSON.stringify(group)}: a commission group code is letters, digits, _ . - as Awin's Commission Management shows it (e.g. DEFAULT)` });
  }
  const categories = config.category_commission_groups;
  if (categories !== null && typeof categories === 'object' && !Array.isArray(categories)) {
    for (const [category, code] of Object.entries(categories)) {
      if (category.trim() === '') problems.push({ field: 'category_commission_groups', message: 'has an empty product category' });
      if (typeof code === 'string' && code.trim() !== '' && !COMMISSION_GROUP_CODE.test(code.trim())) {
        problems.push({ field: 'category_commission_groups', message: `gives ${JSON.stringify(code)} for "${category}": a commission group code is letters, digits, _ . - (e.g. BOOKS)` });
      }
    }
  }
  const custom = config.custom_parameters;
  if (custom !== null && typeof custom === 'object' && !Array.isArray(custom)) {
    for (const [number, path] of Object.entries(custom)) {
      if (customParameterNumber(number) === undefined) {
        problems.push({ field: 'custom_parameters', message: `has "${number}": Awin's custom parameters are numbered 1 to ${MAX_CUSTOM_PARAMETER}` });
      }
      if (typeof path === 'string') {
        const wrong = pathProblem(path);
        if (wrong !== undefined) problems.push({ field: 'custom_parameters', message: `gives ${JSON.stringify(path)} for ${number}: not an event field path (${wrong}); write one such as properties.delivery_method` });
      }
    }
  }
  return problems;
}
