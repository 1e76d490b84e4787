// The plugin's mapping after the blueprint: the tracker protocol event Signal posts, every value
// as text (payload_data's rule). The config and the event decide the event type — a page view
// (pv); a self-describing event (ue) for a track event with a schema, a screen view or an
// identify call with config.identify_schema; else a structured event (se) or nothing — then the
// common fields are completed: eid, tv, p, aid, tna, tnuid, the self-describing event and the
// context entities, Base64 or JSON as configured. Fields over Snowplow's maximum lengths are cut
// or left out (Enrich would fail the whole event), each said in a warning.
import { isJsonObject, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import {
  appIdOf, encodesBase64, eventSchemaOf, identifySchemaOf, namespaceOf, networkUserIdMode, platformSetting, structuredCategoryOf, unmappedMode,
  type Platform,
} from './config.ts';
import { entitiesOf } from './entities.ts';
import {
  CONTEXTS_SCHEMA, CUT_FIELDS, FIELD_MAX_LENGTH, SCREEN_VIEW_SCHEMA, TRACKER_VERSION, UNSTRUCT_EVENT_SCHEMA,
  encodedJson, eventIdOf, screenViewIdOf,
} from './protocol.ts';

type Config = Record<string, JsonValue>;

/** The collector's own network user id cookie (its default name), captured from the visitor's request. */
export const COLLECTOR_COOKIE = 'sp';
const UUID_TEXT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MOBILE_OS = /^(?:ios|ipados|android)$/i;

/** The mapped fields copied as they are (as text), in the order sent. */
const COMMON_FIELDS = ['uid', 'duid', 'ip', 'ua', 'lang', 'tz', 'res', 'dtm', 'url', 'page', 'refr'] as const;
const STRUCTURED_FIELDS = ['se_la', 'se_pr'] as const;
/** Decimal text as Enrich reads se_va (Java's BigDecimal): a sign, digits, a point, an exponent; no `12,5`, no `0x1f`. */
const DECIMAL_TEXT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * Why a call of this type, or a track event of this name, is never sent with this config;
 * undefined when it may be. The mapping enforces the same rules (`neverSends` asks this).
 *
 * @example
 * notSentReason({ type: 'group' } as CanonicalEvent, {}); // 'group calls are not sent: …'
 */
export function notSentReason(event: Pick<CanonicalEvent, 'type' | 'event'>, config: Config): string | undefined {
  switch (event.type) {
    case 'group': return 'group calls are not sent: Snowplow has no group or account event (attach account data to your own events as an entity instead)';
    case 'alias': return 'alias calls are not sent: Snowplow does not merge user ids (your data models stitch uid and domain_userid)';
    case 'identify':
      return identifySchemaOf(config) === undefined ? 'identify calls are not sent: Snowplow has no identify event; name an Iglu schema of your own in config.identify_schema to send them as self-describing events' : undefined;
    case 'track':
      if (unmappedMode(config) === 'drop' && eventSchemaOf(config, event.event) === undefined) {
        return `not sent: "${event.event ?? ''}" has no schema in config.event_schemas, and config.unmapped_events is Drop`;
      }
      return undefined;
    default: return undefined;
  }
}

/** Text of a mapped value: strings trimmed, finite numbers and booleans as JSON writes them. */
function textOf(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return readText(value);
}

/**
 * A structured event's `se_va` as text Enrich reads as a decimal: a finite number, decimal text
 * (as a number: `' 12.50 '` is `12.5`), a boolean as 1 or 0; anything else left out after a
 * warning, as Enrich fails a structured event whose se_va is no decimal. Asked only for an event
 * sent as `e=se`: a self-describing event's properties.value is its data's, not se_va.
 *
 * @example
 * structuredValueOf('12.50', warn); // '12.5'
 * structuredValueOf('12,5', warn);  // undefined, after 'se_va left out: "12,5" is not a number, …'
 */
export function structuredValueOf(value: JsonValue | undefined, warn: (message: string) => void): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'boolean') return value ? '1' : '0';
  const written = typeof value === 'number' ? value : typeof value === 'string' && DECIMAL_TEXT.test(value.trim()) ? Number(value.trim()) : NaN;
  if (Number.isFinite(written)) return String(written);
  const shown = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : typeof value === 'object' ? 'an object or a list' : JSON.stringify(value);
  warn(`se_va left out: ${shown} (properties.value, else revenue, else total) is not a number, and Snowplow fails a structured event whose se_va is not a decimal`);
  return undefined;
}

/** `res` as Enrich parses it: `<width>x<height>`, each a whole number within a Java int. */
const RESOLUTION = /^(\d+)x(\d+)$/;
const JAVA_INT_MAX = 2_147_483_647;

/**
 * `res` when Enrich can read it, else undefined after a warning: Enrich fails the whole event
 * whose `res` is not `<digits>x<digits>` within a Java int (a fractional or text width from
 * context.screen would do that).
 */
function resolutionOf(value: string, warn: (message: string) => void): string | undefined {
  const match = RESOLUTION.exec(value);
  if (match !== null && Number(match[1]) <= JAVA_INT_MAX && Number(match[2]) <= JAVA_INT_MAX) return value;
  warn(`res left out: ${JSON.stringify(value.slice(0, 60))} is not <width>x<height> in whole pixels, and Snowplow fails an event whose res is not`);
  return undefined;
}

/**
 * `value` as Enrich takes it: `res` only in its pattern; text within its field's maximum length,
 * cut (said) or, for ids and URLs, left out (said).
 */
function fitted(field: string, value: string, warn: (message: string) => void): string | undefined {
  if (field === 'res') return resolutionOf(value, warn);
  const max = FIELD_MAX_LENGTH[field];
  if (max === undefined) return value;
  const chars = [...value];
  if (chars.length <= max) return value;
  if (CUT_FIELDS.has(field)) {
    warn(`${field} cut to ${max} characters, the most Snowplow takes (it was ${chars.length})`);
    return chars.slice(0, max).join('');
  }
  warn(`${field} left out: it is ${chars.length} characters long, and Snowplow fails an event whose ${field} passes ${max}`);
  return undefined;
}

/**
 * The platform (`p`): the configured one, else per event — mob for a mobile app's event (an
 * iOS or Android context.os), web for an event with a page URL, srv for the rest.
 *
 * @example
 * platformOf(event, { url: 'https://shop.example.com/' }, 'auto'); // 'web'
 */
export function platformOf(event: CanonicalEvent, payload: JsonObject, setting: Platform): string {
  if (setting !== 'auto') return setting;
  const context = event.context as JsonValue | undefined;
  const os = isJsonObject(context) && isJsonObject(context.os) ? context.os : {};
  if (typeof os.name === 'string' && MOBILE_OS.test(os.name.trim())) return 'mob';
  return textOf(payload.url) !== undefined ? 'web' : 'srv';
}

/**
 * The network user id (`tnuid`): the collector's `sp` cookie when the visitor's browser sent it
 * to Signal (a collector on the site's own domain) and it is a UUID, else the anonymousId;
 * none when config.network_user_id leaves it to the collector.
 */
function networkUserIdOf(event: CanonicalEvent, config: Config): string | undefined {
  if (networkUserIdMode(config) === 'collector') return undefined;
  const cookie = event.context?.cookies?.[COLLECTOR_COOKIE];
  if (typeof cookie === 'string' && UUID_TEXT.test(cookie.trim())) return cookie.trim();
  return readText(event.anonymousId);
}

/** The self-describing event (schema and data) of an event sent as `e=ue`, or why it cannot go. */
function selfDescribingOf(payload: JsonObject, event: CanonicalEvent, config: Config): { schema: string; data: JsonObject } | { drop: string } | undefined {
  if (event.type === 'screen') {
    const name = textOf(payload.screen_name);
    if (name === undefined) return { drop: 'not sent: the screen call has no name, which Snowplow\'s screen_view event requires' };
    return { schema: SCREEN_VIEW_SCHEMA, data: { name, id: screenViewIdOf(event.messageId) } };
  }
  const schema = event.type === 'identify' ? identifySchemaOf(config) : event.type === 'track' ? eventSchemaOf(config, event.event) : undefined;
  if (schema === undefined) return undefined;
  return { schema, data: isJsonObject(payload.data) ? payload.data : {} };
}

/**
 * The event as the tracker protocol carries it (every value text), without `stm` (the request
 * builder adds the time it is sent); null, after a warning saying why, for an event not sent:
 * a group or alias call, an identify call without config.identify_schema, a track event without
 * a schema when config.unmapped_events is Drop, a screen call without a name.
 *
 * @example
 * toTrackerEvent({ se_ac: 'page', url: 'https://shop.example.com/', page: 'Shop', dtm: 1711296000000 }, pageEvent, ctx);
 * // { e: 'pv', eid: '…', tv: 'signal-1.0.0', p: 'web', aid: 'shop-web', tna: 'signal', duid: 'df_…', tnuid: 'df_…', dtm: '1711296000000', url: 'https://shop.example.com/', page: 'Shop' }
 */
export function toTrackerEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = (message: string): void => ctx.warn?.(message);
  const config = ctx.config;
  const refusal = notSentReason(event, config);
  if (refusal !== undefined) {
    warn(refusal);
    return null;
  }

  const out: Record<string, string> = {};
  const put = (field: string, value: string | undefined): void => {
    const kept = value === undefined ? undefined : fitted(field, value, warn);
    if (kept !== undefined) out[field] = kept;
  };

  let kind: 'pv' | 'ue' | 'se';
  let selfDescribing: { schema: string; data: JsonObject } | undefined;
  if (event.type === 'page') {
    kind = 'pv';
  } else {
    const found = selfDescribingOf(payload, event, config);
    if (found !== undefined && 'drop' in found) {
      warn(found.drop);
      return null;
    }
    selfDescribing = found;
    kind = found !== undefined ? 'ue' : 'se';
  }

  out.e = kind;
  out.eid = eventIdOf(event.messageId);
  out.tv = TRACKER_VERSION;
  out.p = platformOf(event, payload, platformSetting(config));
  out.aid = appIdOf(config);
  out.tna = namespaceOf(config);
  for (const field of COMMON_FIELDS) {
    put(field, textOf(payload[field]));
    // tnuid beside duid, as the tracker protocol lists the user fields.
    if (field === 'duid') put('tnuid', networkUserIdOf(event, config));
  }

  const base64 = encodesBase64(config);
  if (kind === 'se') {
    put('se_ca', textOf(payload.se_ca) ?? structuredCategoryOf(config));
    const action = textOf(payload.se_ac) ?? readText(event.event);
    if (action === undefined) {
      warn('not sent: the event has no name, which a structured event\'s action (se_ac) requires');
      return null;
    }
    put('se_ac', action);
    for (const field of STRUCTURED_FIELDS) put(field, textOf(payload[field]));
    put('se_va', structuredValueOf(payload.se_va, warn));
  } else if (selfDescribing !== undefined) {
    out[base64 ? 'ue_px' : 'ue_pr'] = encodedJson({ schema: UNSTRUCT_EVENT_SCHEMA, data: selfDescribing }, base64);
  }

  const entities = entitiesOf(event);
  if (entities.length > 0) out[base64 ? 'cx' : 'co'] = encodedJson({ schema: CONTEXTS_SCHEMA, data: entities }, base64);
  return out;
}
