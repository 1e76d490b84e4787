// The integration's config: where Umami runs (Umami Cloud, or a self-hosted instance, reachable
// on a private network only when allow-listed), the website's id as Umami shows it, which calls
// go (page views, screen views, which track events, identify calls), whether events carry their
// properties as event data, and whether the userId goes as Umami's distinct ID. /api/send takes
// no credential: the website id says whose events they are.
import {
  allowedPrivateTargets, configSwitchProblem, configText, privateTargetProblem, privateTargetsField, privateTargetsProblems, trimmedText,
  type ConfigProblem, type ConfigSchema, type JsonValue,
} from '../../core/sdk/index.ts';

type Config = Record<string, JsonValue>;

/** Umami Cloud's collection host ("For Umami Cloud send a POST to https://cloud.umami.is/api/send"). */
export const DEFAULT_BASE_URL = 'https://cloud.umami.is';
/** The collection endpoint's path under the base URL. */
export const SEND_PATH = '/api/send';
/**
 * Umami refuses event names over 50 characters (its /api/send schema: `name: z.string().max(50)`),
 * counted as Zod counts, in UTF-16 units: an emoji counts two.
 */
export const MAX_EVENT_NAME_LENGTH = 50;

/**
 * `text` cut to at most `max` UTF-16 units (what Zod's `.max()` counts), never inside a
 * character; unchanged when it fits.
 *
 * @example
 * cutToUnits('Signed Up 🎉🎉', 11); // 'Signed Up 🎉'
 */
export function cutToUnits(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = '';
  for (const character of text) {
    if (cut.length + character.length > max) break;
    cut += character;
  }
  return cut;
}
/** Umami refuses a hostname over 100 characters (`hostname: z.string().max(100)`). */
export const MAX_HOSTNAME_LENGTH = 100;

export const CUSTOM_EVENT_MODES = ['all', 'listed', 'none'] as const;
export type CustomEventMode = (typeof CUSTOM_EVENT_MODES)[number];

/** A website id: Umami's schema takes a UUID (`website: z.uuid()`). */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A hostname as Umami stores it: letters, digits, dots, hyphens, an optional port. */
const HOSTNAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:\d{1,5})?$/i;

/** The config's JSON Schema. No field is secret: /api/send authenticates nothing. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['website_id'],
  properties: {
    website_id: {
      type: 'string', title: 'Website ID',
      description: 'The website\'s id in Umami (Settings > Websites > Edit: Website ID, the data-website-id of its tracking script), a UUID such as 94db1cb1-74f4-4a40-ad6c-962362670409. Sent as website with every event: it says which website records it.',
      minLength: 36, maxLength: 36, examples: ['94db1cb1-74f4-4a40-ad6c-962362670409'],
    },
    base_url: {
      type: 'string', title: 'Umami URL',
      description: 'Where Umami runs: https://cloud.umami.is (Umami Cloud, the default), or your self-hosted Umami\'s root URL (e.g. https://umami.example.com, or with the path it is served under). Signal adds /api/send. A host on your own network (a private or loopback address, or plain http) must be listed in allow_private_targets.',
      maxLength: 2048, default: DEFAULT_BASE_URL, examples: [DEFAULT_BASE_URL],
    },
    hostname: {
      type: 'string', title: 'Hostname',
      description: 'The hostname sent with every event (e.g. shop.example.com). Empty: Umami takes it from the page\'s URL, and an event without a page URL (a server\'s) has none. Set it for an app or a server that sends events without page URLs.',
      maxLength: MAX_HOSTNAME_LENGTH, examples: ['shop.example.com'],
    },
    send_pageviews: {
      type: 'boolean', title: 'Send Page Views',
      description: 'Page calls as Umami page views (URL, referrer, title). Turn off when Umami\'s own tracking script already counts the site\'s page views, or each page would be counted twice.',
      default: true,
    },
    send_screens: {
      type: 'boolean', title: 'Send Screen Views',
      description: 'Screen calls of mobile apps as page views of /<screen name>, titled with the screen name.',
      default: true,
    },
    custom_events: {
      type: 'string', title: 'Custom Events',
      description: 'Which track events go to Umami as custom events, under their own names (at most 50 characters). All: every track event; Listed: only those named in track_events; None: no track events (page views only).',
      enum: [...CUSTOM_EVENT_MODES], enumLabels: ['All track events', 'Only the events listed in Track Events', 'None'], default: 'all',
    },
    track_events: {
      type: 'array', title: 'Track Events',
      description: 'With Custom Events set to Listed: the track events sent, by their exact names (e.g. Signed Up, Order Completed). The others are not sent (each is shown as dropped in the delivery log, naming this field).',
      items: { type: 'string', minLength: 1, maxLength: 200 }, maxItems: 500, uniqueItems: true, examples: [['Signed Up', 'Order Completed']],
    },
    send_event_data: {
      type: 'boolean', title: 'Send Event Data',
      description: 'A track event\'s properties as Umami event data (its Event Data and Properties reports; revenue with currency feeds the Revenue report). Contact information (emails, phone numbers, names, addresses) is never sent.',
      default: true,
    },
    send_identify: {
      type: 'boolean', title: 'Send Identify Calls',
      description: 'Identify calls as Umami identify calls: the traits (without contact information) become the session\'s data (Sessions > Properties). Off: identify calls are not sent.',
      default: true,
    },
    send_user_ids: {
      type: 'boolean', title: 'Send User IDs',
      description: 'The userId as Umami\'s distinct ID (payload id) on every event and identify call of a known user: Umami then keeps one session per user across devices instead of one per browser and month. Off (the default): no user id leaves Signal, and identify traits label the visitor\'s current session. Umami has no API to delete one person\'s data: turn this on only if you can delete a user\'s sessions in Umami yourself.',
      default: false,
    },
    allow_private_targets: privateTargetsField('a self-hosted Umami'),
  },
};

/** A config list of texts, trimmed, blanks left out. */
function textList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.flatMap((entry) => trimmedText(entry) ?? []) : [];
}

/**
 * The collection URL: the base URL (default cloud.umami.is) without a trailing slash or a pasted
 * `/api/send`, then `/api/send` (a self-hosted Umami may be served under a path).
 *
 * @example
 * sendUrlOf({ website_id: '…' });                                                  // 'https://cloud.umami.is/api/send'
 * sendUrlOf({ website_id: '…', base_url: 'https://example.com/umami/api/send/' }); // 'https://example.com/umami/api/send'
 */
export function sendUrlOf(config: Config): string {
  const url = new URL(configText(config, 'base_url') ?? DEFAULT_BASE_URL);
  const path = url.pathname.replace(/\/+$/, '').replace(/\/api\/send$/, '');
  return `${url.origin}${path}${SEND_PATH}`;
}

/** The website id as sent: trimmed, lower-cased (as Umami shows it). */
export const websiteIdOf = (config: Config): string => (configText(config, 'website_id') ?? '').toLowerCase();
/** The configured hostname; undefined when unset. */
export const hostnameOf = (config: Config): string | undefined => configText(config, 'hostname')?.toLowerCase();
/** Whether page calls go as page views (on unless turned off). */
export const sendsPageviews = (config: Config): boolean => config.send_pageviews !== false;
/** Whether screen calls go as page views (on unless turned off). */
export const sendsScreens = (config: Config): boolean => config.send_screens !== false;
/** Whether track events carry their properties as event data (on unless turned off). */
export const sendsEventData = (config: Config): boolean => config.send_event_data !== false;
/** Whether identify calls go (on unless turned off). */
export const sendsIdentify = (config: Config): boolean => config.send_identify !== false;
/** Whether the userId goes as Umami's distinct ID (off unless turned on). */
export const sendsUserIds = (config: Config): boolean => config.send_user_ids === true;
/** Which track events go as custom events. */
export const customEventMode = (config: Config): CustomEventMode =>
  typeof config.custom_events === 'string' && (CUSTOM_EVENT_MODES as readonly string[]).includes(config.custom_events) ? (config.custom_events as CustomEventMode) : 'all';
/** The track events listed for Listed. */
export const trackEventsOf = (config: Config): string[] => textList(config.track_events);

function websiteIdProblem(value: JsonValue | undefined): string | undefined {
  const raw = typeof value === 'string' ? value.trim() : undefined;
  if (raw === undefined || raw === '') return 'is required: the website\'s id in Umami (Settings > Websites > Edit), a UUID such as 94db1cb1-74f4-4a40-ad6c-962362670409';
  if (!UUID.test(raw)) return `is ${JSON.stringify(raw.slice(0, 200))}: give the Website ID Umami shows (Settings > Websites > Edit), a UUID such as 94db1cb1-74f4-4a40-ad6c-962362670409 — not the site's domain or its share URL`;
  return undefined;
}

function hostnameProblem(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') return 'must be a hostname such as shop.example.com';
  const raw = value.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) return `is ${JSON.stringify(raw.slice(0, 200))}: give the hostname alone, without ${raw.slice(0, raw.indexOf('://') + 3)} or a path (e.g. shop.example.com)`;
  if (raw.length > MAX_HOSTNAME_LENGTH) return `is ${raw.length} characters long: Umami takes at most ${MAX_HOSTNAME_LENGTH}`;
  if (!HOSTNAME.test(raw)) return `is ${JSON.stringify(raw.slice(0, 200))}: a hostname has only letters, digits, dots and hyphens (e.g. shop.example.com)`;
  return undefined;
}

function baseUrlProblem(value: JsonValue | undefined, allow: string[]): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  if (typeof value !== 'string') return 'must be a URL such as https://cloud.umami.is';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `is ${JSON.stringify(value.slice(0, 200))}: give an absolute URL, https://cloud.umami.is or your Umami's root URL (e.g. https://umami.example.com)`;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `must use https (got ${url.protocol.replace(/:$/, '')}): e.g. https://umami.example.com`;
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password: /api/send takes none';
  if (url.search !== '' || url.hash !== '') return `must be Umami's root URL without a query or fragment: ${url.origin}${url.pathname}`;
  return privateTargetProblem(url, allow, 'a self-hosted Umami');
}

/**
 * Config problems the schema cannot say in words, each naming its field: a website id that is no
 * UUID (a domain or a share URL pasted instead); a hostname given as a URL; a base URL that is
 * not http(s), carries credentials or a query, or is a private address not allow-listed; Listed
 * custom events without a list, or list entries blank or padded; switches that are not booleans.
 *
 * @example
 * validateUmamiConfig({ website_id: 'shop.example.com' });
 * // [{ field: 'website_id', message: 'is "shop.example.com": give the Website ID Umami shows (Settings > Websites > Edit), a UUID …' }]
 */
export function validateUmamiConfig(config: Config): ConfigProblem[] {
  const problems: ConfigProblem[] = [...privateTargetsProblems(config, 'umami.internal')];
  const checks: Array<[string, string | undefined]> = [
    ['website_id', websiteIdProblem(config.website_id)],
    ['base_url', baseUrlProblem(config.base_url, allowedPrivateTargets(config))],
    ['hostname', hostnameProblem(config.hostname)],
  ];
  for (const field of ['send_pageviews', 'send_screens', 'send_event_data', 'send_identify', 'send_user_ids']) checks.push([field, configSwitchProblem(config[field])]);
  for (const [field, message] of checks) if (message !== undefined) problems.push({ field, message });
  const listed = config.track_events;
  if (listed !== undefined && listed !== null) {
    if (!Array.isArray(listed)) problems.push({ field: 'track_events', message: 'must be a list of track event names (e.g. Signed Up)' });
    else {
      listed.forEach((entry, i) => {
        if (typeof entry !== 'string' || entry.trim() === '') problems.push({ field: `track_events[${i}]`, message: 'must be a track event name (e.g. Signed Up), not blank' });
        else if (entry !== entry.trim()) problems.push({ field: `track_events[${i}]`, message: `is ${JSON.stringify(entry)}: remove the spaces around it (names are matched exactly)` });
      });
    }
  }
  if (customEventMode(config) === 'listed' && trackEventsOf(config).length === 0) {
    problems.push({ field: 'track_events', message: 'is empty while custom_events is Listed: name the track events to send (e.g. Signed Up, Order Completed), or set custom_events to All or None' });
  }
  return problems;
}

/**
 * Advice about a valid config: track_events set while custom_events does not use it; listed
 * names over Umami's 50 characters (sent cut, so a report filtering on the full name misses them);
 * send_user_ids on while identify calls are off (events carry the id, no traits follow).
 *
 * @example
 * umamiConfigWarnings({ website_id: '…', custom_events: 'all', track_events: ['Signed Up'] });
 * // [{ field: 'track_events', message: 'is used only when custom_events is Listed (it is All: every track event is sent)' }]
 */
export function umamiConfigWarnings(config: Config): ConfigProblem[] {
  const warnings: ConfigProblem[] = [];
  const mode = customEventMode(config);
  if (mode !== 'listed' && trackEventsOf(config).length > 0) warnings.push({ field: 'track_events', message: `is used only when custom_events is Listed (it is ${mode === 'all' ? 'All: every track event is sent' : 'None: no track event is sent'})` });
  trackEventsOf(config).forEach((name, i) => {
    if (name.length > MAX_EVENT_NAME_LENGTH) warnings.push({ field: `track_events[${i}]`, message: `is ${name.length} characters long (an emoji counts two): Umami keeps ${MAX_EVENT_NAME_LENGTH}, so it is sent as "${cutToUnits(name, MAX_EVENT_NAME_LENGTH)}"` });
  });
  return warnings;
}
