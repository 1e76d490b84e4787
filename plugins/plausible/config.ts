// The integration's config: where Plausible runs (plausible.io, or a self-hosted Community
// Edition, reachable on a private network only when allow-listed), the site's domain as set up
// in Plausible, which calls go as pageviews, which track events as custom events, which of their
// properties go as custom properties, revenue on or off, and the events counted as
// non-interactive. The Events API takes no credential: the domain says whose events they are.
import {
  allowedPrivateTargets, configText, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText,
  type ConfigProblem, type ConfigSchema, type JsonValue,
} from '../../core/sdk/index.ts';

type Config = Record<string, JsonValue>;

/** Plausible's cloud. */
export const DEFAULT_BASE_URL = 'https://plausible.io';
/** The Events API's path under the base URL. */
export const EVENT_PATH = '/api/event';
/** Plausible refuses event names over 120 characters (its ingestion's `validate_length`). */
export const MAX_EVENT_NAME_LENGTH = 120;

export const CUSTOM_EVENT_MODES = ['all', 'listed', 'none'] as const;
export type CustomEventMode = (typeof CUSTOM_EVENT_MODES)[number];
export const PROPS_MODES = ['all', 'listed', 'none'] as const;
export type PropsMode = (typeof PROPS_MODES)[number];

/** The config's JSON Schema. No field is secret: the Events API authenticates nothing. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['domain'],
  properties: {
    domain: {
      type: 'string', title: 'Site Domain',
      description: 'The site\'s domain exactly as you added it to Plausible (Site Settings > General), e.g. shop.example.com, without https:// or a path: sent as domain with every event, it says which Plausible site records it. An app\'s site may have any name. Several sites, comma-separated (a roll-up site as well), record each event in each.',
      minLength: 1, maxLength: 1000, examples: ['shop.example.com'],
    },
    base_url: {
      type: 'string', title: 'Plausible URL',
      description: 'Where Plausible runs: https://plausible.io (Plausible Cloud, the default), or your self-hosted Community Edition\'s root URL (its BASE_URL, e.g. https://plausible.example.com). Signal adds /api/event. A host on your own network (a private or loopback address, or plain http) must be listed in allow_private_targets.',
      maxLength: 2048, default: DEFAULT_BASE_URL, examples: [DEFAULT_BASE_URL],
    },
    send_pageviews: {
      type: 'boolean', title: 'Send Page Views',
      description: 'Page calls as Plausible pageviews (with the page\'s URL and referrer). Turn off when Plausible\'s own script already counts the site\'s pageviews, or each page would be counted twice.',
      default: true,
    },
    send_screens: {
      type: 'boolean', title: 'Send Screen Views',
      description: 'Screen calls of mobile apps as pageviews of app://localhost/<screen name>, as Plausible\'s Events API reference suggests for apps: the screen name is the page in the dashboard.',
      default: true,
    },
    custom_events: {
      type: 'string', title: 'Custom Events',
      description: 'Which track events go to Plausible as custom events, under their own names (to count them, add a goal of the same name in Plausible: Site Settings > Goals). All: every track event; Listed: only those named in track_events; None: no track events (pageviews only).',
      enum: [...CUSTOM_EVENT_MODES], enumLabels: ['All track events', 'Only the events listed in Track Events', 'None'], default: 'all',
    },
    track_events: {
      type: 'array', title: 'Track Events',
      description: 'With Custom Events set to Listed: the track events sent, by their exact names (e.g. Signed Up, Order Completed). The others are not sent (each is shown as dropped in the delivery log, naming this field).',
      items: { type: 'string', minLength: 1, maxLength: MAX_EVENT_NAME_LENGTH }, maxItems: 500, uniqueItems: true, examples: [['Signed Up', 'Order Completed']],
    },
    props: {
      type: 'string', title: 'Custom Properties',
      description: 'Which of an event\'s properties go as Plausible custom properties (props). All: every property, nested objects flattened to dotted names (product.sku), values as text, lists left out; Listed: only the properties named in prop_names; None: no props. Contact information (emails, phone numbers, names, addresses) is never sent: Plausible forbids personal data in props. Plausible keeps 30 props an event, names up to 300 bytes and values up to 2,000 bytes: longer values are cut, further props left out, each with a warning. Custom properties need a Plausible Business plan (Cloud).',
      enum: [...PROPS_MODES], enumLabels: ['All properties', 'Only the properties listed in Property Names', 'None'], default: 'all',
    },
    prop_names: {
      type: 'array', title: 'Property Names',
      description: 'With Custom Properties set to Listed: the properties sent as props, by name (a nested one by its dotted path, e.g. plan or product.category), in this order.',
      items: { type: 'string', minLength: 1, maxLength: 300 }, maxItems: 30, uniqueItems: true, examples: [['plan', 'method']],
    },
    send_revenue: {
      type: 'boolean', title: 'Send Revenue',
      description: 'Track events carrying an amount (properties.revenue, else total, else value) and a currency (properties.currency, else Default Currency) go with Plausible\'s revenue { currency, amount }, for goals with revenue tracking (e.g. an Order Completed goal with Enable Revenue Tracking on). Revenue needs a Plausible Business plan (Cloud); Community Edition ignores it.',
      default: true,
    },
    default_currency: {
      type: 'string', title: 'Default Currency',
      description: 'The ISO 4217 code of amounts sent without a currency (e.g. USD). Empty: an amount without a currency is sent without revenue (with a warning).',
      maxLength: 3, examples: ['USD'],
    },
    non_interactive_events: {
      type: 'array', title: 'Non-Interactive Events',
      description: 'Track events sent with interactive: false, by name: Plausible does not count them towards bounce rate (e.g. a scroll or a video progress event, which a visitor who leaves at once also sends).',
      items: { type: 'string', minLength: 1, maxLength: MAX_EVENT_NAME_LENGTH }, maxItems: 100, uniqueItems: true, examples: [['Video Progress']],
    },
    allow_private_targets: privateTargetsField('a self-hosted Plausible Community Edition'),
  },
};

/** A config list of texts, trimmed, blanks left out. */
function textList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.flatMap((entry) => trimmedText(entry) ?? []) : [];
}

function modeOf<T extends string>(value: JsonValue | undefined, modes: readonly T[], fallback: T): T {
  return typeof value === 'string' && (modes as readonly string[]).includes(value) ? (value as T) : fallback;
}

/**
 * The Events API's URL: the base URL (default plausible.io) without a trailing slash or a pasted
 * `/api/event`, then `/api/event`.
 *
 * @example
 * eventUrlOf({ domain: 'shop.example.com' });                                          // 'https://plausible.io/api/event'
 * eventUrlOf({ domain: 'x', base_url: 'https://stats.example.com/api/event/' });      // 'https://stats.example.com/api/event'
 */
export function eventUrlOf(config: Config): string {
  const base = configText(config, 'base_url') ?? DEFAULT_BASE_URL;
  const url = new URL(base);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/event$/, '');
  return `${url.origin}${path}${EVENT_PATH}`;
}

/**
 * The configured domain as sent: trimmed, each of several comma-separated ones trimmed.
 *
 * @example
 * domainOf({ domain: ' shop.example.com , rollup.example ' }); // 'shop.example.com,rollup.example'
 */
export function domainOf(config: Config): string {
  return (configText(config, 'domain') ?? '').split(',').map((part) => part.trim()).filter((part) => part !== '').join(',');
}

/** Whether page calls go as pageviews (on unless turned off). */
export const sendsPageviews = (config: Config): boolean => config.send_pageviews !== false;
/** Whether screen calls go as pageviews (on unless turned off). */
export const sendsScreens = (config: Config): boolean => config.send_screens !== false;
/** Whether track events' amounts go as revenue (on unless turned off). */
export const sendsRevenue = (config: Config): boolean => config.send_revenue !== false;
/** Which track events go as custom events. */
export const customEventMode = (config: Config): CustomEventMode => modeOf(config.custom_events, CUSTOM_EVENT_MODES, 'all');
/** The track events listed for Listed. */
export const trackEventsOf = (config: Config): string[] => textList(config.track_events);
/** Which properties go as props. */
export const propsMode = (config: Config): PropsMode => modeOf(config.props, PROPS_MODES, 'all');
/** The properties listed for Listed. */
export const propNamesOf = (config: Config): string[] => textList(config.prop_names);
/** The events sent as non-interactive. */
export const nonInteractiveEventsOf = (config: Config): string[] => textList(config.non_interactive_events);
/** The default currency, upper-cased; undefined when unset. */
export const defaultCurrencyOf = (config: Config): string | undefined => configText(config, 'default_currency')?.toUpperCase();

/** What a domain in Plausible may hold: no scheme, path, query, spaces or control characters. */
function domainProblem(value: JsonValue | undefined): string | undefined {
  const raw = typeof value === 'string' ? value.trim() : undefined;
  if (raw === undefined || raw === '') return 'is required: the site\'s domain as you added it to Plausible, e.g. shop.example.com';
  for (const part of raw.split(',').map((p) => p.trim())) {
    if (part === '') return `is ${JSON.stringify(raw.slice(0, 200))}: an empty name between commas; give one domain, or several separated by commas`;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(part)) {
      const host = part.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/[/?#].*$/, '');
      return `is ${JSON.stringify(part.slice(0, 200))}: give the domain alone, without ${part.slice(0, part.indexOf('://') + 3)} (e.g. ${host || 'shop.example.com'}), as Plausible's site settings show it`;
    }
    if (/[\s\x00-\x1f\x7f]/.test(part)) return `is ${JSON.stringify(part.slice(0, 200))}: a domain has no spaces or line breaks; give it as Plausible's site settings show it (e.g. shop.example.com)`;
    if (/[?#]/.test(part)) return `is ${JSON.stringify(part.slice(0, 200))}: give the domain alone, without a query or fragment`;
  }
  return undefined;
}

function baseUrlProblem(value: JsonValue | undefined, allow: string[]): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') return 'must be a URL such as https://plausible.io';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `is ${JSON.stringify(value.slice(0, 200))}: give an absolute URL, https://plausible.io or your Plausible instance's root URL (e.g. https://plausible.example.com)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')}): e.g. https://plausible.example.com`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password: the Events API takes none';
  if (url.search !== '' || url.hash !== '') return `must be Plausible's root URL without a query or fragment: ${url.origin}${url.pathname}`;
  return privateTargetProblem(url, allow, 'a self-hosted Plausible');
}

function currencyProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z]{3}$/.test(value.trim())) return `is ${JSON.stringify(value)}: give an ISO 4217 currency code of three letters, e.g. USD or EUR`;
  return undefined;
}

function switchProblem(value: JsonValue | undefined): string | undefined {
  return value === undefined || value === null || typeof value === 'boolean' ? undefined : 'must be true or false';
}

/** Problems of a list of names, each naming its entry (`track_events[2]`). */
function namesProblems(config: Config, field: string, what: string, maxLength: number): ConfigProblem[] {
  const value = config[field];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return [{ field, message: `must be a list of ${what}` }];
  const problems: ConfigProblem[] = [];
  value.forEach((entry, i) => {
    if (typeof entry !== 'string' || entry.trim() === '') problems.push({ field: `${field}[${i}]`, message: `must be one of the ${what}, not blank` });
    else if (entry !== entry.trim()) problems.push({ field: `${field}[${i}]`, message: `is ${JSON.stringify(entry)}: remove the spaces around it (names are matched exactly)` });
    else if (entry.length > maxLength) problems.push({ field: `${field}[${i}]`, message: `is ${entry.length} characters long: Plausible takes at most ${maxLength}` });
  });
  return problems;
}

/**
 * Config problems the schema cannot say in words, each naming its field: a domain pasted as a
 * URL, with a path or spaces; a base URL that is not http(s), carries credentials or a query, or
 * is a private address not allow-listed (plain http only to one); Listed custom events or props
 * without a list; a default currency that is no ISO 4217 code; list entries that are blank or
 * padded; switches that are not true or false.
 *
 * @example
 * validatePlausibleConfig({ domain: 'https://shop.example.com/' });
 * // [{ field: 'domain', message: 'is "https://shop.example.com/": give the domain alone, without https:// (e.g. shop.example.com), …' }]
 */
export function validatePlausibleConfig(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [...privateTargetsProblems(config, 'plausible.internal')];
  const checks: Array<[string, string | undefined]> = [
    ['domain', domainProblem(config.domain)],
    ['base_url', baseUrlProblem(config.base_url, allowedPrivateTargets(config))],
    ['default_currency', currencyProblem(config.default_currency)],
    ['send_pageviews', switchProblem(config.send_pageviews)],
    ['send_screens', switchProblem(config.send_screens)],
    ['send_revenue', switchProblem(config.send_revenue)],
  ];
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  problems.push(...namesProblems(config, 'track_events', 'track event names (e.g. Signed Up)', MAX_EVENT_NAME_LENGTH));
  problems.push(...namesProblems(config, 'prop_names', 'property names (e.g. plan or product.category)', 300));
  problems.push(...namesProblems(config, 'non_interactive_events', 'track event names (e.g. Video Progress)', MAX_EVENT_NAME_LENGTH));
  if (customEventMode(config) === 'listed' && trackEventsOf(config).length === 0) {
    problems.push({ field: 'track_events', message: 'is empty while custom_events is Listed: name the track events to send (e.g. Signed Up, Order Completed), or set custom_events to All or None' });
  }
  if (propsMode(config) === 'listed' && propNamesOf(config).length === 0) {
    problems.push({ field: 'prop_names', message: 'is empty while props is Listed: name the properties to send (e.g. plan), or set props to All or None' });
  }
  return problems;
}

/**
 * Advice about a valid config: a domain starting with www. (Plausible strips it from the site's
 * domain, so events for www.example.com are recorded by no site named so); lists that only
 * apply under another mode.
 *
 * @example
 * plausibleConfigWarnings({ domain: 'www.shop.example.com' });
 * // [{ field: 'domain', message: 'starts with www.: Plausible drops www. from domains, … give shop.example.com' }]
 */
export function plausibleConfigWarnings(config: Config): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  const www = domainOf(config).split(',').find((part) => /^www\./i.test(part));
  if (www !== undefined) warnings.push({ field: 'domain', message: `${www} starts with www.: Plausible drops www. from the domains it records events for, so a site added as ${www.slice(4)} receives them; give the domain as Plausible's site settings show it` });
  if (customEventMode(config) !== 'listed' && trackEventsOf(config).length > 0) warnings.push({ field: 'track_events', message: `is used only when custom_events is Listed (it is ${customEventMode(config) === 'all' ? 'All: every track event is sent' : 'None: no track event is sent'})` });
  if (propsMode(config) !== 'listed' && propNamesOf(config).length > 0) warnings.push({ field: 'prop_names', message: `is used only when props is Listed (it is ${propsMode(config) === 'all' ? 'All: every property is sent' : 'None: no props are sent'})` });
  return warnings;
}
