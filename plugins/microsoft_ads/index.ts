import { definePlugin, splitBatch, type JsonValue, type MappedEvent, type PluginContext, type RequestDescriptor } from '../../core/sdk/index.ts';
import { classifyMicrosoftAds } from './classify.ts';
import { MSCLKID_COOKIE, MSCLKID_DAYS, MSCLKID_PARAM, UET_MSCLKID_COOKIE } from './click-id.ts';
import { UET_VISITOR_COOKIE } from './user-data.ts';
import { CONFIG_SCHEMA, validateMicrosoftAdsConfig } from './config.ts';
import { toUetEvent } from './uet-event.ts';

export const CAPI_ORIGIN = 'https://capi.uet.microsoft.com';
/** Microsoft's limit: "The maximum number of events per batch upload is 1,000." */
const MAX_EVENTS = 1000;
/**
 * Microsoft documents no byte limit; 1 MB (Signal's choice, as Tealium's connector batches)
 * keeps a full batch of ordinary events in one request, and a 413 splits the batch anyway.
 */
const MAX_BYTES = 1_000_000;
/**
 * `dataProvider`, "Required for third-party senders": a name Microsoft uses to analyse, debug
 * and monitor a partner integration's traffic.
 */
export const DATA_PROVIDER = 'signal';

/**
 * The Conversions API endpoint of the configured UET tag.
 *
 * @example
 * eventsUrl({ tag_id: '187012345' }); // 'https://capi.uet.microsoft.com/v1/187012345/events'
 */
export function eventsUrl(config: Record<string, JsonValue>): string {
  return `${CAPI_ORIGIN}/v1/${encodeURIComponent(String(config.tag_id))}/events`;
}

/** The request body's envelope around the events, in Microsoft's order: data first. */
function body(events: JsonValue[]): JsonValue {
  // continueOnValidationError: Microsoft skips an invalid event and records the others (and
  // says which it skipped), instead of refusing the whole batch for one.
  return { data: events, continueOnValidationError: true, dataProvider: DATA_PROVIDER };
}

function requestFor(part: MappedEvent[], ctx: PluginContext): RequestDescriptor {
  return {
    method: 'POST',
    url: eventsUrl(ctx.config),
    headers: { authorization: `Bearer ${String(ctx.config.api_token)}`, 'content-type': 'application/json' },
    body: body(part.map((e) => e.payload)),
    eventIds: part.map((e) => e.id),
  };
}

export default definePlugin({
  id: 'microsoft_ads',
  name: 'Microsoft Advertising (UET Conversions API)',
  category: 'advertising',
  description: 'Server-to-server UET events to Microsoft Advertising through the Conversions API (CAPI): page loads and custom events for conversion goals, revenue and dynamic remarketing (items, page types), the Microsoft click id (msclkid) kept in a first-party cookie, hashed email and phone for enhanced conversions, ad storage consent, and deduplication with the UET tag by eventId.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: CONFIG_SCHEMA,
  validateConfig: validateMicrosoftAdsConfig,
  variants: {
    default: { description: 'Page calls as pageLoad events; Segment spec events as UET custom events with the recommended event actions (view_item, view_item_list, search, add_to_cart, add_to_wishlist, view_cart, begin_checkout, purchase, sign_up, generate_lead) and their retail data; every other track event as a custom event named after it.', blueprint: 'microsoft_ads/default.yaml' },
    with_uet_tag: { description: 'For sites that also run the UET JavaScript tag: no page loads (the tag sends them, and Microsoft cannot deduplicate a page load), the same custom events with eventId for deduplication with the tag.', blueprint: 'microsoft_ads/with_uet_tag.yaml' },
  },
  vendorFields: {
    eventType: { required: true, description: 'pageLoad or custom.' },
    eventTime: { required: true, description: 'UNIX seconds; within the last 7 days (up to 5 minutes ahead is sent as now).' },
    eventId: { required: false, description: 'Deduplicates with the UET tag: send the same id as the tag\'s event_id (the messageId unless mapped).' },
    eventName: { required: false, description: 'The event action of custom conversion goals (custom events only).' },
    eventSourceUrl: { required: false, description: 'The page URL; required for pageLoad events.' },
    pageLoadId: { required: false, description: 'A UUID linking custom events to their page load.' },
    referrerUrl: { required: false },
    pageTitle: { required: false },
    keywords: { required: false },
    adStorageConsent: { required: false, description: 'G or D: the plugin\'s, from the event\'s consent (ad_storage, advertising, marketing; a denial wins).' },
    userData: { required: true, description: 'At least one identifier: anonymousId, externalId, em, ph, msclkid, idfa or gaid.' },
    'userData.anonymousId': { required: false, description: 'The visitor id (the UET tag\'s _uetvid, else Signal\'s): the vid of the ID sync pixel.' },
    'userData.externalId': { required: false, description: 'The signed-in user\'s id: hashed by the plugin.' },
    'userData.em': { required: false, description: 'Email: normalised and hashed by the plugin.' },
    'userData.ph': { required: false, description: 'Phone: E.164, hashed by the plugin.' },
    'userData.msclkid': { required: false, description: 'The landing URL\'s msclkid, else the _dfmsclkid or _uetmsclkid cookie.' },
    'userData.clientIpAddress': { required: false },
    'userData.clientUserAgent': { required: false },
    'userData.idfa': { required: false },
    'userData.gaid': { required: false },
    customData: { required: false, description: 'Custom events only.' },
    'customData.eventCategory': { required: false },
    'customData.eventLabel': { required: false },
    'customData.eventValue': { required: false },
    'customData.value': { required: false, description: 'Revenue, for variable revenue goals.' },
    'customData.currency': { required: false, description: 'ISO 4217 code of the revenue.' },
    'customData.transactionId': { required: false },
    'customData.searchTerm': { required: false },
    'customData.items': { required: false, description: 'Products: id, quantity, price, name.' },
    'customData.itemIds': { required: false, description: 'Product ids of the Microsoft Merchant Center feed (the items\' ids unless mapped).' },
    'customData.pageType': { required: false, description: 'home, category, product, searchresults, cart, purchase or other.' },
    'customData.ecommTotalValue': { required: false },
    'customData.ecommCategory': { required: false },
    'customData.hotelData': { required: false },
  },
  consent: ['advertising'],
  // Signal's msclkid cookie, the UET tag's (`_uet` + the msclkid), and the tag's visitor id.
  cookies: [MSCLKID_COOKIE, UET_MSCLKID_COOKIE, UET_VISITOR_COOKIE],
  // Signal keeps a landing URL's msclkid in its own _dfmsclkid for 90 days, Microsoft's
  // "suggested retention" of a click id; the UET tag's _uetmsclkid is read, never written.
  clickIds: [{ param: MSCLKID_PARAM, cookie: MSCLKID_COOKIE, days: MSCLKID_DAYS }],
  // Microsoft documents no rate limit: 10 requests a second (burst 20) of up to 1,000 events,
  // and a 429 slows the integration down.
  rateLimit: { rps: 10 },
  batch: { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES },
  map: (payload, event, ctx) => toUetEvent(payload, event, ctx),
  send(batch, ctx) {
    const envelope = JSON.stringify(body([])).length;
    return splitBatch(batch, { maxEvents: MAX_EVENTS, maxBytes: MAX_BYTES - 1, overheadBytes: envelope }).map((part) => requestFor(part, ctx));
  },
  classify: (response, request, ctx) => classifyMicrosoftAds(response, request, String(ctx.config.tag_id)),
  // Microsoft's Conversions API guide, Troubleshooting, validation, and launch (learn.microsoft.com/en-us/advertising/guides/uet-conversion-api-integration): eventsReceived.
  successAnswer: { status: 200, headers: { 'content-type': 'application/json; charset=utf-8' }, body: { eventsReceived: 2 } },
});
