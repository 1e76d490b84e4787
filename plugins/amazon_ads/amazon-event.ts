// One event as Amazon's Events API takes it (an item of `events` in
// POST /adsApi/v1/create/events), from whatever the blueprint mapped: `eventDescription` (name,
// conversionType — config.conversion_types first —, eventSource, dataSetName,
// eventIngestionMethod SERVER_TO_SERVER), `eventTime`, `eventId` (the messageId: Amazon keeps
// one event of an id), `countryCode`, `matchKeys` normalised and hashed, `consent`, `value`,
// `currencyCode` and `unitsSold` of purchases, `deviceInfo.userAgent`, `dataProcessingOptions`.
// An event Amazon would refuse is dead-lettered here, saying why; one with no Amazon conversion
// type is not sent.
import { countryCodeOf, eventMapName, gpcRestrictsProcessing, isJsonObject, namesNoOne, PermanentError, readDecimal, readInstantMs, readText, readWholeNumber, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { CONVERSION_TYPE_SET, CONVERSION_TYPES, EVENT_SOURCE_SET, regionOf } from './config.ts';
import { consentOf } from './consent.ts';
import { isAmazonCountry } from './country-code.ts';
import { matchKeysOf } from './match-keys.ts';

/** The name of page calls' conversions when the blueprint maps none. */
export const PAGE_VIEW_NAME = 'Page View';
/** Amazon's user agent limit (deviceInfo.userAgent: "Max 512 characters"). */
const MAX_USER_AGENT = 512;

/** A conversion type in Amazon's spelling (`Add to Shopping Cart` → ADD_TO_SHOPPING_CART), or the text as it came. */
function amazonType(value: string): string {
  const key = value.trim().toUpperCase().replace(/[\s-]+/g, '_');
  return CONVERSION_TYPE_SET.has(key) ? key : value.trim();
}

/** A value with two decimals at most, as Amazon takes it: 74.975 is 74.98 (rounded as written, not as its binary approximation). */
export function twoDecimals(value: number): number {
  return Math.round(Number((value * 100).toPrecision(12))) / 100;
}

/** A time as Amazon's examples write it: ISO 8601 in UTC to the second (`2026-11-12T14:15:22Z`). */
export function eventTimeText(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The event's country Amazon takes: the mapped one, the region of its locale (`en-GB`), else the config's; upper case. */
function countryOf(mapped: JsonValue | undefined, event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  const text = readText(mapped);
  const fromMapped = text === undefined ? undefined : countryCodeOf(text)?.toUpperCase();
  if (fromMapped !== undefined && isAmazonCountry(fromMapped)) return fromMapped;
  const locale = /^[a-z]{2,3}[-_]([a-z]{2})\b/i.exec(event.context?.locale ?? '')?.[1]?.toUpperCase();
  if (locale !== undefined && isAmazonCountry(locale)) return locale;
  const configured = readText(config.country_code)?.toUpperCase();
  return configured !== undefined && isAmazonCountry(configured) ? configured : undefined;
}

/** Where an event happened: the mapped eventSource, else the config's, else (auto) an app's OS or WEBSITE. */
function eventSourceOf(mapped: JsonValue | undefined, event: CanonicalEvent, config: Record<string, JsonValue>): string {
  const text = readText(mapped)?.toUpperCase().replace(/[\s-]+/g, '_');
  if (text !== undefined) return text;
  if (typeof config.event_source === 'string' && config.event_source !== 'auto') return config.event_source;
  const os = isJsonObject(event.context?.os as JsonValue | undefined) ? readText((event.context?.os as JsonObject).name)?.toLowerCase() : undefined;
  if (isJsonObject(event.context?.app as JsonValue | undefined) && os !== undefined) {
    if (/^(ios|ipados)$/.test(os)) return 'IOS';
    if (os === 'android') return 'ANDROID';
  }
  return 'WEBSITE';
}

/** Units sold: the mapped number, else the products' quantities (1 each when unsaid), else none. */
function unitsSoldOf(mapped: JsonValue | undefined, products: JsonValue | undefined): number | undefined {
  const units = readWholeNumber(mapped, { min: 1 });
  if (units !== undefined) return units;
  if (!Array.isArray(products) || products.length === 0) return undefined;
  return products.reduce<number>((sum, product) => sum + ((isJsonObject(product) ? readWholeNumber(product.quantity, { min: 1 }) : undefined) ?? 1), 0);
}

/**
 * The Amazon event of a Signal event (the map hook), or null when it has no Amazon conversion
 * type (config.conversion_types, else the blueprint's): `ctx.warn` says so. Throws a
 * PermanentError (the event is dead-lettered alone) for one Amazon would refuse: a conversion
 * type it does not take, an unknown eventSource, no country, nothing to match on, a purchase's
 * value without a currency or below 0, an event of an EU account with no consent signal.
 *
 * @example
 * toAmazonEvent({ eventDescription: { name: 'Order Completed', conversionType: 'OFF_AMAZON_PURCHASES' }, countryCode: 'US',
 *   matchKeys: { email: 'Jane@Example.com' }, value: 74.97, currencyCode: 'usd', products: [{ quantity: 2 }, {}] }, orderCompleted, ctx);
 * // { eventDescription: { name: 'Order Completed', conversionType: 'OFF_AMAZON_PURCHASES', eventSource: 'WEBSITE', eventIngestionMethod: 'SERVER_TO_SERVER' },
 * //   eventTime: '2026-12-01T11:00:00Z', eventId: orderCompleted.messageId, countryCode: 'US', matchKeys: [{ type: 'EMAIL', values: ['<sha256>'] }],
 * //   value: 74.97, currencyCode: 'USD', unitsSold: 3 }
 */
export function toAmazonEvent(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const { config } = ctx;
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  const warn = (message: string) => ctx.warn?.(message);
  const description = isJsonObject(payload.eventDescription) ? payload.eventDescription : {};

  const configured = eventMapName(event, config.conversion_types);
  const mapped = readText(description.conversionType);
  // The blueprint's catch-all handler names an event by its own name (Feature Used): no Amazon
  // conversion type unless that is one, or the config names it.
  const ownName = event.type === 'track' ? event.event?.trim() : event.type;
  const named = configured ?? (mapped !== undefined && (mapped !== ownName || CONVERSION_TYPE_SET.has(amazonType(mapped))) ? mapped : undefined);
  if (named === undefined) {
    warn(`${what} not sent to Amazon: no Amazon conversion type for it (name one in config.conversion_types, e.g. {"${event.type === 'track' ? event.event ?? 'Demo Requested' : 'page'}": "LEAD"})`);
    return null;
  }
  const conversionType = amazonType(named);
  if (!CONVERSION_TYPE_SET.has(conversionType)) {
    throw new PermanentError(`Amazon has no conversion type ${JSON.stringify(named)}: it takes ${CONVERSION_TYPES.join(', ')} (config.conversion_types, or the blueprint's eventDescription.conversionType)`);
  }
  const eventSource = eventSourceOf(description.eventSource, event, config);
  if (!EVENT_SOURCE_SET.has(eventSource)) {
    throw new PermanentError(`Amazon has no eventSource ${JSON.stringify(description.eventSource)}: it takes ${[...EVENT_SOURCE_SET].join(', ')}`);
  }
  const name = readText(description.name) ?? (event.type === 'track' ? readText(event.event) : undefined) ?? PAGE_VIEW_NAME;
  const dataSetName = readText(description.dataSetName) ?? readText(config.data_set_name);

  const countryCode = countryOf(payload.countryCode, event, config);
  if (countryCode === undefined) {
    const given = readText(payload.countryCode);
    throw new PermanentError(`Amazon requires the country of every event (countryCode, ISO 3166-1 alpha-2), and ${what} says none${given === undefined ? '' : ` it takes (${JSON.stringify(given)} is no ISO 3166-1 country)`}: set config.country_code (e.g. US), or send traits.address.country or context.locale`);
  }

  const defaultCountryCode = readText(config.default_country_calling_code);
  const { matchKeys, unusable } = matchKeysOf(payload.matchKeys, { defaultCountryCode });
  for (const key of unusable) {
    warn(key === 'phone' && defaultCountryCode === undefined
      ? 'matchKeys.phone left out: not a number in E.164 (+14155550123), and without config.default_country_calling_code a number written without its country code is not guessed'
      : `matchKeys.${key} left out: nothing Amazon could match on (or not a match key it takes)`);
  }
  if (matchKeys.length === 0) {
    throw new PermanentError(`Amazon cannot match ${what} to anyone: it needs at least one match key (email, phone, names, address, the device's ad id, RAMP ID or Match ID) and ${what} has none${unusable.length > 0 ? ` (left out as unusable: ${unusable.join(', ')})` : ''}: send an email or phone in traits or properties`);
  }

  const consent = consentOf(payload.consent);
  if (consent === undefined && regionOf(config) === 'EU') {
    throw new PermanentError(`Amazon requires a consent signal of every event an advertiser in Europe sends, and ${what} has none: send it from the browser (Signal adds the visitor's IP address), or with context.consent (advertising, google.ad_user_data, iab.tcString or iab.gppString)`);
  }

  const mappedId = readText(payload.eventId);
  const eventId = mappedId !== undefined && !namesNoOne(mappedId) ? mappedId : event.messageId;
  const mappedMs = readInstantMs(payload.eventTime) ?? readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt) ?? ctx.now;

  const out: JsonObject = {
    eventDescription: { name, conversionType, eventSource, eventIngestionMethod: 'SERVER_TO_SERVER', ...(dataSetName === undefined ? {} : { dataSetName }) },
    eventTime: eventTimeText(Math.min(mappedMs, ctx.now)),
    eventId,
    countryCode,
    matchKeys,
  };
  if (consent !== undefined) out.consent = consent;

  const value = readDecimal(payload.value, { vendor: 'Amazon', field: 'value' });
  if (conversionType === 'OFF_AMAZON_PURCHASES') {
    if (value !== undefined) {
      if (value < 0) throw new PermanentError(`Amazon takes a purchase's value from 0 up, and ${what} has ${value}`);
      const currency = readText(payload.currencyCode)?.toUpperCase() ?? readText(config.default_currency)?.toUpperCase();
      if (currency === undefined || !/^[A-Z]{3}$/.test(currency)) {
        throw new PermanentError(`Amazon requires the currency (ISO 4217) of a purchase's value, and ${what} has ${currency === undefined ? 'none' : JSON.stringify(payload.currencyCode)}: send properties.currency, or set config.default_currency`);
      }
      out.value = twoDecimals(value);
      out.currencyCode = currency;
    }
    const unitsSold = unitsSoldOf(payload.unitsSold, payload.products);
    if (unitsSold !== undefined) out.unitsSold = unitsSold;
  } else if (value !== undefined) {
    // Another type's value is a score on the advertiser's own scale, two decimals at most.
    out.value = twoDecimals(value);
  }

  const userAgent = readText(isJsonObject(payload.deviceInfo) ? payload.deviceInfo.userAgent : undefined);
  if (userAgent !== undefined) out.deviceInfo = { userAgent: userAgent.slice(0, MAX_USER_AGENT) };
  // The config's flag restricts every event; a visitor's Global Privacy Control (SIGNAL_GPC=restrict) theirs.
  if (config.limited_data_use === true || gpcRestrictsProcessing(event)) out.dataProcessingOptions = { options: 'LIMITED_DATA_USE' };
  return out;
}
