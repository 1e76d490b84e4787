// The plugin's mapping after the blueprint: the config applied (which calls and track events are
// sent, event data on or off, the userId as distinct ID or not), and the event fitted to what
// Umami's POST /api/send takes — `{ type: "event" | "identify", payload }` with a name of at most
// 50 characters, a language of at most 35 and a screen of at most 11, URLs it can parse and
// store (UTM tags and click ids of at most 255 characters), data it
// can store, a distinct ID of at most 50 characters, the event's own time, and the visitor's IP
// and User-Agent, without which Umami would take Signal's server for the visitor. An event that
// cannot be sent is dropped saying why.
import { readText, readWholeNumber, visitorIp, visitorUserAgent, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import {
  MAX_EVENT_NAME_LENGTH, customEventMode, cutToUnits, hostnameOf, sendsEventData, sendsIdentify, sendsPageviews, sendsScreens, sendsUserIds, trackEventsOf, websiteIdOf,
} from './config.ts';
import { dataFor } from './event-data.ts';
import { fittedPageUrl } from './page-url.ts';

/** Umami's /api/send schema: `language: z.string().max(35)`, `screen: z.string().max(11)` (UTF-16 units, as Zod counts). */
export const MAX_LANGUAGE_LENGTH = 35;
export const MAX_SCREEN_LENGTH = 11;
/** Umami's session.distinct_id is varchar(50), counted in characters: a longer id fails in its database (HTTP 500). */
export const MAX_DISTINCT_ID_LENGTH = 50;

/** Why calls of a type are not sent. */
const NOT_SENT: Record<string, string> = {
  group: 'group calls are not sent: Umami has no accounts or groups',
  alias: 'alias calls are not sent: Umami has no users to merge',
};

const text = (value: JsonValue | undefined): string | undefined => readText(value);
const length = (value: string): number => [...value].length;

/** A URL or path Umami can read (it parses it against https://localhost); undefined, said, otherwise. */
function readableUrl(value: JsonValue | undefined, field: string, warn: (message: string) => void): string | undefined {
  const url = text(value);
  if (url === undefined) return undefined;
  try {
    new URL(url, 'https://localhost');
    return url;
  } catch {
    warn(`${field} left out: ${JSON.stringify(url.slice(0, 100))} is no URL or path, and Umami refuses the event for it ("Invalid URL.")`);
    return undefined;
  }
}

/** Whether the config sends a track event named `name`, or why not. */
function trackEventRefusal(name: string, config: Record<string, JsonValue>): string | undefined {
  const mode = customEventMode(config);
  if (mode === 'none') return `not sent: config.custom_events is None (page views only), so track events such as "${name}" are not sent`;
  if (mode === 'listed' && !trackEventsOf(config).includes(name)) return `not sent: "${name}" is not in config.track_events (custom_events is Listed)`;
  return undefined;
}

/** The userId as Umami's distinct ID: only with config.send_user_ids, and only when it fits (at most 50 characters). */
function distinctIdOf(payload: JsonObject, config: Record<string, JsonValue>): string | undefined {
  if (!sendsUserIds(config)) return undefined;
  const userId = text(payload.user_id);
  return userId !== undefined && length(userId) <= MAX_DISTINCT_ID_LENGTH ? userId : undefined;
}

/** The session fields every call carries: hostname, language, screen, the distinct ID, the time. */
function sessionFields(payload: JsonObject, event: CanonicalEvent, config: Record<string, JsonValue>, warn: (message: string) => void): JsonObject {
  const fields: JsonObject = {};
  const hostname = hostnameOf(config);
  if (hostname !== undefined) fields.hostname = hostname;
  const language = text(payload.language);
  if (language !== undefined) {
    if (language.length <= MAX_LANGUAGE_LENGTH) fields.language = language;
    else warn(`language left out: Umami takes at most ${MAX_LANGUAGE_LENGTH} characters (e.g. en-US)`);
  }
  const width = readWholeNumber(payload.screen_width, { min: 1 });
  const height = readWholeNumber(payload.screen_height, { min: 1 });
  if (width !== undefined && height !== undefined) {
    const screen = `${width}x${height}`;
    if (screen.length <= MAX_SCREEN_LENGTH) fields.screen = screen;
  }
  const distinctId = distinctIdOf(payload, config);
  if (distinctId !== undefined) fields.id = distinctId;
  else if (sendsUserIds(config) && text(payload.user_id) !== undefined) {
    warn(`id left out: the userId is ${length(text(payload.user_id)!)} characters long, and Umami stores distinct IDs of at most ${MAX_DISTINCT_ID_LENGTH}`);
  }
  const happened = Date.parse(event.timestamp);
  if (Number.isFinite(happened)) fields.timestamp = Math.floor(happened / 1000);
  return fields;
}

/**
 * The request body Umami's /api/send takes — `{ type, payload }` — for a page call (a page view:
 * url, referrer, title), a screen call (a page view of /<screen>), a track event (a custom event:
 * name and data) or an identify call (`type: "identify"` with the traits as data), each with the
 * website id, the session fields, the event's time in seconds and the visitor's `ip` and
 * `userAgent`; null, after a warning saying why, for a call not sent: a group or alias call; a
 * call type or track event the config does not send; an identify call with neither traits to
 * send nor a distinct ID (config.send_user_ids); no visitor IP or User-Agent.
 *
 * @example
 * toUmamiEvent({ website: '94db1cb1-…', name: 'Signed Up', url: 'https://shop.example.com/join', data: { plan: 'pro' }, ip: '203.0.113.42', user_agent: 'Mozilla/5.0 …' }, event, ctx);
 * // { type: 'event', payload: { website: '94db1cb1-…', url: 'https://shop.example.com/join', name: 'Signed Up', data: { plan: 'pro' },
 * //   timestamp: 1711295940, ip: '203.0.113.42', userAgent: 'Mozilla/5.0 …' } }
 */
export function toUmamiEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string): void => ctx.warn?.(message);
  const drop = (message: string): null => {
    warn(message);
    return null;
  };
  const config = ctx.config;
  const notSent = NOT_SENT[event.type];
  if (notSent !== undefined) return drop(notSent);
  if (event.type === 'page' && !sendsPageviews(config)) return drop('not sent: config.send_pageviews is off (Umami\'s own tracking script counts the page views)');
  if (event.type === 'screen' && !sendsScreens(config)) return drop('not sent: config.send_screens is off');
  if (event.type === 'identify' && !sendsIdentify(config)) return drop('not sent: config.send_identify is off');

  let name: string | undefined;
  if (event.type === 'track') {
    name = text(payload.name) ?? text(event.event);
    if (name === undefined) return drop('not sent: the track event has no name, which a custom event in Umami needs');
    const refusal = trackEventRefusal(text(event.event) ?? name, config);
    if (refusal !== undefined) return drop(refusal);
    // Zod counts UTF-16 units: an emoji is two of the 50.
    if (name.length > MAX_EVENT_NAME_LENGTH) {
      name = cutToUnits(name, MAX_EVENT_NAME_LENGTH);
      warn(`name cut to ${MAX_EVENT_NAME_LENGTH} characters (an emoji counts two), the most Umami takes: "${name}"`);
    }
  }

  let data: JsonObject | undefined;
  if (event.type === 'identify') {
    data = dataFor(payload.data, 'data', warn);
    // Umami's identify with a distinct ID and no data still does its work — it links the session
    // to the user (its tracker's umami.identify(id)) — so only an identify with neither is dropped.
    if (data === undefined && distinctIdOf(payload, config) === undefined) {
      return drop(`not sent: the identify call has no traits left to send (contact information is never sent)${sendsUserIds(config) ? ' and no userId of at most 50 characters' : ' and config.send_user_ids is off'}, so Umami would record nothing`);
    }
  } else if (event.type === 'track' && sendsEventData(config)) {
    data = dataFor(payload.data, 'data', warn);
  }

  // Without the visitor's own IP and User-Agent, Umami would take Signal's server for the visitor
  // (its session hash, location and browser), and its bot check reads the User-Agent.
  const ip = visitorIp(payload.ip);
  if (ip === undefined) {
    return drop(`not sent: no visitor IP address (context.ip${payload.ip === undefined ? '' : ` is ${JSON.stringify(payload.ip)}`}): Umami counts sessions and locates visitors by it and would take Signal's server for the visitor; a server-side call must pass its visitor's IP as context.ip`);
  }
  const userAgent = visitorUserAgent(payload.user_agent);
  if (userAgent === undefined) {
    return drop('not sent: no visitor User-Agent (context.userAgent), which Umami requires to count sessions and tell browsers from bots; a server-side call must pass its visitor\'s user agent as context.userAgent');
  }

  const body: JsonObject = { website: text(payload.website) ?? websiteIdOf(config) };
  if (event.type !== 'identify') {
    const readable = readableUrl(payload.url, 'url', warn);
    const url = readable === undefined ? undefined : fittedPageUrl(readable, hostnameOf(config) === undefined, warn);
    if (url !== undefined) body.url = url;
    // Umami reads the hostname from an absolute URL, else records "localhost".
    if (hostnameOf(config) === undefined && (url === undefined || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url))) {
      warn(`url: ${url === undefined ? 'the event has no page URL (context.page.url)' : `${JSON.stringify(url.slice(0, 100))} names no host`} and config.hostname is empty: Umami records it under the hostname localhost`);
    }
    const referrer = readableUrl(payload.referrer, 'referrer', warn);
    if (referrer !== undefined) body.referrer = referrer;
    const title = text(payload.title);
    if (title !== undefined) body.title = title;
  }
  Object.assign(body, sessionFields(payload, event, config, warn));
  if (name !== undefined) body.name = name;
  if (data !== undefined) body.data = data;
  return { type: event.type === 'identify' ? 'identify' : 'event', payload: { ...body, ip, userAgent } };
}
