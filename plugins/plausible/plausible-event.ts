// The plugin's mapping after the blueprint: the config applied (which calls and track events are
// sent), and the event fitted to what Plausible's Events API takes — a name of at most 120
// characters (not its reserved `engagement`), a URL of at most 2,000 bytes that is not a data:
// URL, the props and revenue it reads, and the visitor's IP and User-Agent without which
// Plausible cannot count the visitor. An event that cannot be sent is dropped saying why.
import { isJsonObject, readText, userAgentHeaderText, visitorIp, visitorUserAgent, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import {
  MAX_EVENT_NAME_LENGTH, customEventMode, defaultCurrencyOf, domainOf, nonInteractiveEventsOf, propNamesOf, propsMode,
  sendsPageviews, sendsRevenue, sendsScreens, trackEventsOf,
} from './config.ts';
import { propsFor } from './props.ts';

/** Plausible refuses URLs over 2,000 bytes ("must be a valid url"). */
export const MAX_URL_BYTES = 2000;
/** Plausible's own event for engagement (scroll depth, time on page): refused without its fields. */
const RESERVED_NAMES = new Set(['engagement']);
/** Past this age a warning says Plausible records the event as of its delivery (it takes no time). */
const STALE_MS = 60 * 60 * 1000;

/** Why calls of a type are not sent. */
const NOT_SENT: Record<string, string> = {
  identify: 'identify calls are not sent: Plausible has no users or profiles (it counts visitors without identifying them)',
  group: 'group calls are not sent: Plausible has no accounts or groups',
  alias: 'alias calls are not sent: Plausible has no users to merge',
};

/**
 * A URL within Plausible's 2,000 bytes: as given, else without its fragment, else without its
 * query too (UTM tags are then lost, said); undefined when even that is too long.
 */
function fittedUrl(url: string, warn: (message: string) => void): string | undefined {
  if (Buffer.byteLength(url, 'utf8') <= MAX_URL_BYTES) return url;
  const withoutFragment = url.replace(/#.*$/s, '');
  if (Buffer.byteLength(withoutFragment, 'utf8') <= MAX_URL_BYTES) {
    warn(`url: its fragment left out: Plausible takes URLs of at most ${MAX_URL_BYTES} bytes`);
    return withoutFragment;
  }
  const withoutQuery = withoutFragment.replace(/\?.*$/s, '');
  if (Buffer.byteLength(withoutQuery, 'utf8') <= MAX_URL_BYTES) {
    warn(`url: its query (UTM tags included) left out: Plausible takes URLs of at most ${MAX_URL_BYTES} bytes`);
    return withoutQuery;
  }
  return undefined;
}

/**
 * A URL as a browser writes it (spaces and characters beyond ASCII percent-encoded: a screen's
 * name in app://localhost/<name>); text no URL parser reads (a relative /blog, which Plausible
 * records under the hostname "(none)") as it is.
 */
function normalized(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    return new URL(url).href;
  } catch {
    return url;
  }
}

/** The page's path of a call that carries no URL (a server's page call), for the fallback URL. */
function pathOf(event: CanonicalEvent): string {
  // Read null-safely: a pipeline transformation may have removed context.
  const context = event.context as JsonValue | undefined;
  const page = isJsonObject(context) && isJsonObject(context.page) ? context.page : {};
  const path = readText(page.path) ?? readText(isJsonObject(event.properties) ? event.properties.path : undefined);
  return path !== undefined && path.startsWith('/') ? path : '/';
}

/**
 * The URL sent: the mapped one, else (a server's event, with no page) the site's own address
 * `https://<domain><path>`, so the event joins the visitor's session (Plausible's visitor hash
 * covers the URL's root domain), said in a warning; undefined when there is none to send.
 */
function urlFor(payload: JsonObject, event: CanonicalEvent, domain: string, warn: (message: string) => void): string | undefined {
  const mapped = normalized(readText(payload.url));
  if (mapped !== undefined) {
    if (/^data:/i.test(mapped)) {
      warn('not sent: the page URL is a data: URL, which Plausible refuses');
      return undefined;
    }
    const fitted = fittedUrl(mapped, warn);
    if (fitted === undefined) warn(`not sent: the page URL is longer than ${MAX_URL_BYTES} bytes even without its query, and Plausible refuses such URLs`);
    return fitted;
  }
  const host = domain.split(',')[0]!;
  let fallback: string;
  try {
    fallback = new URL(`https://${host}${pathOf(event)}`).href;
  } catch {
    warn(`not sent: the event has no page URL (context.page.url), which Plausible requires, and the domain ${JSON.stringify(host)} makes none`);
    return undefined;
  }
  warn(`url: the event has no page URL (context.page.url): sent with ${fallback}, the site's domain, which Plausible counts in the visitor's session`);
  return fittedUrl(fallback, warn);
}

/** Plausible's revenue `{ currency, amount }` from the mapped one, or undefined (said when an amount could not go). */
function revenueFor(payload: JsonObject, config: Record<string, JsonValue>, warn: (message: string) => void): JsonObject | undefined {
  const revenue = payload.revenue;
  if (!isJsonObject(revenue) || revenue.amount === undefined || revenue.amount === null) return undefined;
  const amount = typeof revenue.amount === 'number' ? revenue.amount : Number(readText(revenue.amount) ?? NaN);
  if (!Number.isFinite(amount)) {
    warn(`revenue left out: the amount ${JSON.stringify(revenue.amount)} is not a number`);
    return undefined;
  }
  const currency = readText(revenue.currency)?.toUpperCase() ?? defaultCurrencyOf(config);
  if (currency === undefined || !/^[A-Z]{3}$/.test(currency)) {
    warn(`revenue left out: the amount ${amount} has no currency (properties.currency), and config.default_currency is not set`);
    return undefined;
  }
  return { currency, amount };
}

/** Whether the config sends a track event named `name`, or why not. */
function trackEventRefusal(name: string, config: Record<string, JsonValue>): string | undefined {
  const mode = customEventMode(config);
  if (mode === 'none') return `not sent: config.custom_events is None (pageviews only), so track events such as "${name}" are not sent`;
  if (mode === 'listed' && !trackEventsOf(config).includes(name)) return `not sent: "${name}" is not in config.track_events (custom_events is Listed)`;
  return undefined;
}

/**
 * The event as Plausible's Events API takes it, with the visitor's `ip` and `user_agent` beside
 * the body's fields (the request builder sends those two as headers); null, after a warning
 * saying why, for an event not sent: an identify, group or alias call; a call type or track
 * event the config does not send; no visitor IP or User-Agent; no URL to send; a reserved name.
 *
 * @example
 * toPlausibleEvent({ name: 'Signed Up', url: 'https://shop.example.com/join', domain: 'shop.example.com', props: { plan: 'pro' }, ip: '203.0.113.42', user_agent: 'Mozilla/5.0 …' }, event, ctx);
 * // { name: 'Signed Up', url: 'https://shop.example.com/join', domain: 'shop.example.com', props: { plan: 'pro' }, ip: '203.0.113.42', user_agent: 'Mozilla/5.0 …' }
 */
export function toPlausibleEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string): void => ctx.warn?.(message);
  const drop = (message: string): null => {
    warn(message);
    return null;
  };
  const config = ctx.config;
  const notSent = NOT_SENT[event.type];
  if (notSent !== undefined) return drop(notSent);
  if (event.type === 'page' && !sendsPageviews(config)) return drop('not sent: config.send_pageviews is off (Plausible\'s own script counts the pageviews)');
  if (event.type === 'screen' && !sendsScreens(config)) return drop('not sent: config.send_screens is off');

  let name = readText(payload.name);
  if (name === undefined) return drop('not sent: the event has no name, which Plausible requires');
  if (event.type === 'track') {
    const refusal = trackEventRefusal(readText(event.event) ?? name, config);
    if (refusal !== undefined) return drop(refusal);
  }
  if (RESERVED_NAMES.has(name)) return drop(`not sent: "${name}" is an event name Plausible reserves for its own script`);
  if ([...name].length > MAX_EVENT_NAME_LENGTH) {
    name = [...name].slice(0, MAX_EVENT_NAME_LENGTH).join('');
    warn(`name cut to ${MAX_EVENT_NAME_LENGTH} characters, the most Plausible takes: "${name}" (its goal must have this name)`);
  }

  // Without the visitor's own IP and User-Agent, Plausible would count Signal's server as the
  // visitor (every such event one visitor in Signal's data centre, which its bot filtering drops).
  const ip = visitorIp(payload.ip);
  if (ip === undefined) {
    return drop(`not sent: no visitor IP address (context.ip${payload.ip === undefined ? '' : ` is ${JSON.stringify(payload.ip)}`}): Plausible counts unique visitors by it (X-Forwarded-For) and would take Signal's server for the visitor; a server-side call must pass its visitor's IP as context.ip`);
  }
  const visitorAgent = visitorUserAgent(payload.user_agent);
  const userAgent = visitorAgent === undefined ? undefined : userAgentHeaderText(visitorAgent);
  if (userAgent === undefined) {
    return drop('not sent: no visitor User-Agent (context.userAgent), which Plausible requires to count unique visitors; a server-side call must pass its visitor\'s user agent as context.userAgent');
  }

  const domain = readText(payload.domain) ?? domainOf(config);
  const url = urlFor(payload, event, domain, warn);
  if (url === undefined) return null;

  const body: JsonObject = { name, url, domain };
  const referrer = readText(payload.referrer);
  if (referrer !== undefined) body.referrer = referrer;
  const props = propsFor(payload.props, propsMode(config), propNamesOf(config), warn);
  if (props !== undefined) body.props = props;
  if (event.type === 'track' && sendsRevenue(config)) {
    const revenue = revenueFor(payload, config, warn);
    if (revenue !== undefined) body.revenue = revenue;
  }
  if (event.type === 'track' && nonInteractiveEventsOf(config).includes(readText(event.event) ?? name)) body.interactive = false;

  const happened = Date.parse(event.timestamp);
  if (Number.isFinite(happened) && ctx.now - happened > STALE_MS) {
    warn(`Plausible records events when it receives them (its Events API takes no time): this event of ${event.timestamp} counts as of its delivery`);
  }
  return { ...body, ip, user_agent: userAgent };
}
