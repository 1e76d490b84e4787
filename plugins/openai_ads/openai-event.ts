// One conversion event as OpenAI's Conversions API takes it, from whatever the blueprint mapped.
// OpenAI validates a request as a whole ("If one event in the batch fails, the full batch
// fails"), so each event is fitted here, and one that cannot be fitted is dead-lettered alone,
// saying why, before it is sent with others.
import { instantText, isJsonObject, PermanentError, readInstantMs, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { opprefFromPage, opprefOf } from './click-id.ts';
import { ACTION_SOURCES } from './config.ts';
import { EVENT_DATA_TYPES, eventData, type EventType } from './event-data.ts';
import { openAiUser } from './user-data.ts';

/** OpenAI takes events of the last 7 days ("Must be within the last 7 days"). */
export const MAX_EVENT_AGE_MS = 7 * 24 * 3600 * 1000;
/** …and "no more than 10 minutes ahead". */
export const MAX_AHEAD_MS = 10 * 60_000;
/** Other spellings of `action_source` read as OpenAI's, in any letter case. */
const ACTION_SOURCE_ALIASES: Readonly<Record<string, string>> = { website: 'web', app: 'mobile_app', mobile: 'mobile_app', store: 'physical_store', phone: 'phone_call' };

/** Custom event names as OpenAI takes them: 1–64 ASCII letters, digits, `_` or `-`, starting and ending with a letter or digit. */
const CUSTOM_EVENT_NAME = /^[a-z0-9](?:[a-z0-9_-]{0,62}[a-z0-9])?$/;

/**
 * An absolute http(s) URL as OpenAI asks for it, its origin and path only: the query and the
 * fragment (campaign parameters, the oppref, whatever a form put there) are cut off. Anything
 * else is no page URL.
 */
function pageUrl(value: string | undefined): string | undefined {
  if (value === undefined || !URL.canParse(value)) return undefined;
  const url = new URL(value);
  return /^https?:$/.test(url.protocol) ? `${url.origin}${url.pathname}` : undefined;
}

/**
 * A custom event's name in the form OpenAI takes (`Newsletter Opened` → `newsletter_opened`):
 * lower case, each run of other characters one `_`, none at either end, at most 64 characters;
 * undefined when nothing is left.
 */
function customEventNameOf(name: string): string | undefined {
  const fitted = name.toLowerCase().replace(/[^a-z0-9-]+/g, '_').slice(0, 64).replace(/^[_-]+|[_-]+$/g, '');
  return CUSTOM_EVENT_NAME.test(fitted) ? fitted : undefined;
}

/** What a blueprint mapped, for a message: JSON, cut short. */
function shown(value: JsonValue | undefined): string {
  const json = JSON.stringify(value) ?? 'nothing';
  return json.length > 60 ? `${json.slice(0, 60)}…` : json;
}

/** An event type in OpenAI's spelling (`order_created`) from it in any letter case, with spaces or dashes; undefined for any other. */
function eventTypeOf(value: string): EventType | undefined {
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, '_');
  return Object.hasOwn(EVENT_DATA_TYPES, key) ? (key as EventType) : undefined;
}

/**
 * The conversion event as OpenAI takes it, from the blueprint's mapping: `id` (the messageId
 * unless mapped; with `type`, what OpenAI deduplicates on), `type` (a standard event, or
 * `custom` with `custom_event_name` in OpenAI's form, `newsletter_opened`), `timestamp_ms`, `action_source` (mapped, else
 * config.action_source), `source_url` (an http(s) URL's origin and path; required by OpenAI for web events),
 * `oppref` (the page URL's, a new ad click, else Signal's or the Pixel's cookie as mapped), `user`
 * (email and external id hashed), `opt_out` when the visitor refused, and `data` shaped for
 * the type. Returns null — the event not sent, the reason in the delivery log — for an event
 * older than 7 days, which OpenAI would refuse with its whole batch and no replay can help.
 * Throws a PermanentError (dead-lettered alone) for what OpenAI would refuse that a user can
 * fix: no or an unknown type, a custom event without a name, no event time, one more than 10
 * minutes ahead, an unknown action_source, a web event mapped without its page URL, an event
 * amount without a currency.
 *
 * @example
 * toOpenAiEvent({ id: 'm-1', type: 'order_created', timestamp_ms: 1796032800000, source_url: 'https://shop.example.com/thanks',
 *   data: { amount: 129.99, currency: 'usd' }, user: { email_sha256: 'Jane@Example.com' } }, event, ctx);
 * // { id: 'm-1', type: 'order_created', timestamp_ms: 1796032800000, action_source: 'web', source_url: 'https://shop.example.com/thanks',
 * //   user: { email_sha256: '<sha256>' }, data: { type: 'contents', amount: 12999, currency: 'USD' } }
 */
export function toOpenAiEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const config = ctx.config;
  const written = readText(payload.type);
  if (written === undefined) throw new PermanentError(`OpenAI needs type (order_created, items_added, page_viewed, …, or custom): the blueprint mapped ${payload.type === undefined ? 'none' : shown(payload.type)}`);
  const type = eventTypeOf(written);
  if (type === undefined) throw new PermanentError(`OpenAI takes type ${Object.keys(EVENT_DATA_TYPES).join(', ')}; the blueprint mapped ${JSON.stringify(written)}`);

  const id = readText(payload.id) ?? event.messageId;
  const out: JsonObject = { id, type };
  if (type === 'custom') {
    const written = readText(payload.custom_event_name);
    if (written === undefined) throw new PermanentError('OpenAI needs custom_event_name for a custom event: the blueprint mapped none');
    // OpenAI refuses (with its whole batch) a name of other characters, or a standard event's.
    const name = customEventNameOf(written);
    if (name === undefined) throw new PermanentError(`OpenAI takes custom_event_name as 1–64 letters, digits, _ or -; nothing of ${shown(written)} is: name the event in ASCII letters or digits`);
    if (Object.hasOwn(EVENT_DATA_TYPES, name)) throw new PermanentError(`OpenAI refuses custom_event_name ${JSON.stringify(name)}: it is a standard event's name; map the event to type ${name} instead`);
    out.custom_event_name = name;
  }

  const at = readInstantMs(payload.timestamp_ms);
  if (at === undefined) {
    const what = payload.timestamp_ms === undefined || payload.timestamp_ms === null || payload.timestamp_ms === '' ? 'none' : `${shown(payload.timestamp_ms)}, which is no time`;
    throw new PermanentError(`OpenAI needs timestamp_ms (epoch milliseconds): the blueprint mapped ${what}; map timestamp with to_unix_ms`);
  }
  if (ctx.now - at > MAX_EVENT_AGE_MS) {
    ctx.warn?.(`not sent: OpenAI takes events of the last 7 days, and this one is from ${instantText(at)} (OpenAI would refuse every event sent with it)`);
    return null;
  }
  if (at - ctx.now > MAX_AHEAD_MS) {
    throw new PermanentError(`This event's time, ${instantText(at)}, is more than 10 minutes ahead (the sender's clock or timestamp is wrong), and OpenAI would refuse every event sent with it: send the time the event happened`);
  }
  out.timestamp_ms = at;

  const mappedSource = readText(payload.action_source)?.toLowerCase();
  const source = mappedSource === undefined ? (typeof config.action_source === 'string' ? config.action_source : 'web') : (ACTION_SOURCE_ALIASES[mappedSource] ?? mappedSource);
  if (!(ACTION_SOURCES as readonly string[]).includes(source)) {
    throw new PermanentError(`OpenAI takes action_source ${ACTION_SOURCES.join(', ')}; the blueprint mapped ${JSON.stringify(payload.action_source)}`);
  }
  const url = pageUrl(readText(payload.source_url));
  if (source === 'web' && url === undefined) {
    // OpenAI requires source_url with action_source web; action_source itself is optional.
    if (mappedSource !== undefined) throw new PermanentError('OpenAI needs source_url (the page\'s http(s) URL) for a web event: map context.page.url or properties.url, or map another action_source');
    ctx.warn?.('action_source left out: a web event needs its page URL (source_url), and this one has none');
  } else {
    out.action_source = source;
  }
  if (url !== undefined) out.source_url = url;

  // A new ad click beats an old one: the page URL's oppref wins over the cookies.
  const oppref = opprefFromPage(event) ?? opprefOf(payload.oppref);
  if (oppref !== undefined) out.oppref = oppref;

  const { user, unusable } = openAiUser(payload.user);
  if (unusable.length > 0) ctx.warn?.(`user.${unusable.join(', user.')} left out: not in a form OpenAI takes`);
  if (Object.keys(user).length > 0) out.user = user;
  if (payload.opt_out === true) out.opt_out = true;

  const defaultCurrency = typeof config.default_currency === 'string' && config.default_currency.trim() !== '' ? config.default_currency.trim() : undefined;
  out.data = eventData(type, isJsonObject(payload.data) ? payload.data : undefined, defaultCurrency, (message) => ctx.warn?.(message));
  return out;
}
