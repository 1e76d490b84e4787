// An identify as a OneSignal user update (the map hook's `user` record): the user named by its
// External ID (the userId), the user properties OneSignal's Update user takes — `tags`,
// `language`, `timezone_id`, `country`, `lat`, `long` (OneSignal: Update user, properties) —
// and, when the config turns them on and the event grants marketing consent, the Email and SMS
// subscriptions to add (`{ type: 'Email' | 'SMS', token, enabled }`; OneSignal: Create
// subscription (by alias)). The visitor's IP is not sent (OneSignal's `ip` property).
import { countryCodeOf, isConsentGranted, isEmailAddress, isJsonObject, isRememberedOnly, normalizePhoneNumber, readText, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { MAX_PROPERTY_UPDATES, maxTagsOf } from './config.ts';
import { externalIdOf } from './external-id.ts';
import { fitTags } from './tags.ts';

/** An IANA time zone name (America/Los_Angeles, Etc/GMT+5) or UTC, as OneSignal's `timezone_id` takes it. */
const TIME_ZONE = /^(?:UTC|GMT|[A-Z][A-Za-z_]*(?:\/[A-Za-z0-9_+-]+)+)$/;
/** A language tag or locale: a two-letter primary subtag, then subtags (en-US, pt_BR, zh-Hant-TW, fr). */
const LANGUAGE = /^([a-z]{2})((?:[-_][a-z0-9]+)*)$/i;
/**
 * Codes Java still gives for three languages, as OneSignal's Android SDK corrects them
 * (LanguageProviderDevice: iw → he, in → id, ji → yi).
 */
const LEGACY_CODES: Readonly<Record<string, string>> = { iw: 'he', in: 'id', ji: 'yi' };

type Warn = ((message: string) => void) | undefined;

/**
 * `language`: the two-letter code (ISO 639-1) of a language tag or locale, lower case, as
 * OneSignal's SDKs set it — Chinese keeps its region (`zh-TW`, `zh-CN`: OneSignal's Android SDK
 * sends `zh-<country>`, Traditional and Simplified being told apart by it), else its script
 * (`zh-Hant`, `zh-Hans`, OneSignal's codes for them); Java's old codes corrected as that SDK does.
 *
 * @example
 * languageOf('en-US');      // 'en'
 * languageOf('pt_BR');      // 'pt'
 * languageOf('zh-Hant-TW'); // 'zh-TW'
 * languageOf('zh-hans');    // 'zh-Hans'
 * languageOf('iw');         // 'he'
 * languageOf('English');    // undefined
 */
export function languageOf(value: JsonValue | undefined): string | undefined {
  const match = LANGUAGE.exec(readText(value) ?? '');
  if (!match) return undefined;
  const primary = match[1]!.toLowerCase();
  if (primary !== 'zh') return LEGACY_CODES[primary] ?? primary;
  const subtags = match[2]!.split(/[-_]/).filter((subtag) => subtag !== '');
  const region = subtags.find((subtag) => /^[a-z]{2}$/i.test(subtag));
  if (region) return `zh-${region.toUpperCase()}`;
  const script = subtags.find((subtag) => /^han[st]$/i.test(subtag));
  return script ? `zh-Han${script.slice(3).toLowerCase()}` : 'zh';
}

function coordinate(value: JsonValue | undefined, limit: number): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) && Math.abs(number) <= limit ? number : undefined;
}

/**
 * The user properties of an identify: tags, language, timezone_id, country, lat and long; those
 * it cannot read left out, saying so. With the other properties, the tags make at most 100
 * property updates (OneSignal: Rate limits, "Up to 100 property updates per request").
 */
function propertiesOf(payload: JsonObject, ctx: PluginContext, warn: Warn): JsonObject {
  const others = otherPropertiesOf(payload, warn);
  const configured = maxTagsOf(ctx.config);
  const room = MAX_PROPERTY_UPDATES - Object.keys(others).length;
  const tags = fitTags(payload.traits, payload.tags, {
    maxTags: Math.min(configured, room), datesAsTimestamps: ctx.config.dates_as_timestamps !== false,
    ...(room < configured ? { limitReason: `OneSignal takes ${MAX_PROPERTY_UPDATES} property updates a request, ${Object.keys(others).length} of them this update's ${Object.keys(others).join(', ')}` } : {}),
  }, warn);
  return tags ? { tags, ...others } : others;
}

/** The user properties beside the tags: language, timezone_id, country, lat and long. */
function otherPropertiesOf(payload: JsonObject, warn: Warn): JsonObject {
  const properties: JsonObject = {};
  if (payload.language !== undefined && payload.language !== null) {
    const language = languageOf(payload.language);
    if (language) properties.language = language;
    else warn?.(`language left out: ${JSON.stringify(payload.language)} is no language code (OneSignal takes ISO 639-1, such as en)`);
  }
  const timeZone = readText(payload.timezone_id);
  if (timeZone !== undefined) {
    if (TIME_ZONE.test(timeZone)) properties.timezone_id = timeZone;
    else warn?.(`timezone_id left out: ${JSON.stringify(timeZone)} is no IANA time zone name (such as America/Los_Angeles)`);
  }
  const countryText = readText(payload.country);
  if (countryText !== undefined) {
    const country = countryCodeOf(countryText);
    if (country) properties.country = country.toUpperCase();
    else warn?.(`country left out: ${JSON.stringify(countryText)} is no country (OneSignal takes ISO 3166-1 alpha-2 codes, such as US)`);
  }
  const lat = coordinate(payload.lat, 90);
  const long = coordinate(payload.long, 180);
  if (lat !== undefined && long !== undefined) {
    properties.lat = lat;
    properties.long = long;
  } else if (payload.lat !== undefined || payload.long !== undefined) {
    warn?.('lat and long left out: OneSignal takes a location as both, latitude -90 to 90 and longitude -180 to 180');
  }
  return properties;
}

/**
 * The Email and SMS subscriptions an identify adds: only those the config turns on, only with
 * marketing consent, only from the identify's own traits. A remembered email or phone would add
 * the subscription again on every identify of the person, although they said nothing of it.
 */
function subscriptionsOf(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext, warn: Warn): JsonObject[] {
  const wanted: Array<{ type: 'Email' | 'SMS'; value: string }> = [];
  // isRememberedOnly: a revision installed before the blueprint stopped reading context.traits
  // for these still maps the remembered ones.
  const email = isRememberedOnly(payload.email, 'email', event) ? undefined : readText(payload.email);
  const phone = isRememberedOnly(payload.phone, 'phone', event) ? undefined : readText(payload.phone);
  if (ctx.config.email_subscriptions === true && email !== undefined) wanted.push({ type: 'Email', value: email });
  if (ctx.config.sms_subscriptions === true && phone !== undefined) wanted.push({ type: 'SMS', value: phone });
  if (wanted.length === 0) return [];
  if (!isConsentGranted(event, ['marketing'])) {
    warn?.(`${wanted.map((w) => `${w.type} subscription`).join(' and ')} not added: the event does not grant marketing consent (context.consent.marketing), and a subscription lets OneSignal message them`);
    return [];
  }
  const subscriptions: JsonObject[] = [];
  for (const { type, value } of wanted) {
    if (type === 'Email') {
      if (isEmailAddress(value)) subscriptions.push({ type, token: value.toLowerCase(), enabled: true });
      else warn?.('Email subscription not added: traits.email is no email address');
    } else {
      const number = normalizePhoneNumber(value);
      if (number !== undefined) subscriptions.push({ type, token: number, enabled: true });
      else warn?.('SMS subscription not added: traits.phone is no phone number with its country code (write it as +<country code> <number>, OneSignal takes E.164)');
    }
  }
  return subscriptions;
}

/**
 * The map hook for an identify: `{ kind: 'user', external_id, properties?, subscriptions? }`, or
 * null (with a warning) when it names no user (no userId) or leaves nothing to send.
 *
 * @example
 * toUserUpdate({ kind: 'user', external_id: 'u-1', traits: { plan: 'pro' }, tags: { first_name: 'Jane' }, language: 'en-US' }, event, ctx);
 * // { kind: 'user', external_id: 'u-1', properties: { tags: { first_name: 'Jane', plan: 'pro' }, language: 'en' } }
 */
export function toUserUpdate(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const warn = ctx.warn;
  const externalId = externalIdOf(payload.external_id);
  if (externalId === undefined) {
    warn?.('not sent to OneSignal: OneSignal users are named by External ID (the userId) and this identify has none (an anonymous visitor\'s)');
    return null;
  }
  const properties = propertiesOf(payload, ctx, warn);
  const subscriptions = subscriptionsOf(payload, event, ctx, warn);
  if (Object.keys(properties).length === 0 && subscriptions.length === 0) {
    warn?.('not sent to OneSignal: the identify has no trait OneSignal keeps (tags, language, time zone, country, location) and adds no subscription');
    return null;
  }
  return {
    kind: 'user', external_id: externalId,
    ...(Object.keys(properties).length > 0 ? { properties } : {}),
    ...(subscriptions.length > 0 ? { subscriptions } : {}),
  };
}

/**
 * Whether a mapped payload is a user record with properties (an object) or subscriptions (a list).
 *
 * @example
 * isUserRecord({ kind: 'user', external_id: 'u-1', properties: { language: 'en' } }); // true
 */
export function isUserRecord(payload: JsonObject): boolean {
  return payload.kind === 'user' && typeof payload.external_id === 'string' && (isJsonObject(payload.properties) || Array.isArray(payload.subscriptions));
}
