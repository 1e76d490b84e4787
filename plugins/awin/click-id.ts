// Awin's click: its tracking links send the visitor to the landing page with `awc=<click
// checksum>` ("The parameter Awin adds to the landing page URL to identify the source of the
// click"), which the advertiser keeps in a first-party cookie and sends with the order as `awc`.
// Signal keeps it in its own `_dfawc` for 365 days (the lifetime of Awin's own cookie example).
//
// The channel: Awin asks for `aw` "if Awin is deemed as the last-click referrer", another value
// when another paid channel won. Signal knows the ad clicks it sees on landing pages, so it keeps
// the last one's network in `_dfawchannel`: `aw` after an Awin click (awc, `awaid` — an Awin
// publisher's search ad, which lands with a gclid too — or Awin's `source=aw` click append),
// `other` after another network's ad click id (gclid, msclkid, ttclid, …). Several parameters
// feed that one cookie, each landing replacing it: it holds the newest paid click's network.
import { namesNoOne, pageUrlParamOf, type CanonicalEvent, type ClickIdCookie, type JsonValue } from '../../core/sdk/index.ts';

/** The landing URL parameter Awin's tracking links carry the click checksum in. */
export const AWC_PARAM = 'awc';
/** Signal's own first-party cookie for it (Awin's MasterTag keeps its own cookies: never written here). */
export const AWC_COOKIE = '_dfawc';
/** Signal's own first-party cookie for the network of the visitor's last paid click: `aw` or `other`. */
export const CHANNEL_COOKIE = '_dfawchannel';
/**
 * How long Signal keeps an awc and the last click's network: 365 days, as Awin's own example of
 * the first-party cookie sets it (`time()+ 60 * 60 * 24 * 365`, Conversion API guide); a
 * program's cookie period is at most that (see the README's "Unconfirmed").
 */
export const AWC_DAYS = 365;
/** Awin's click append naming the referrer (`source=aw` for a click "referred via an Awin URL"). */
export const SOURCE_PARAM = 'source';
/**
 * The landing parameter of an Awin publisher's paid search ad (`awaid`, beside Google's gclid):
 * Awin's click, though it carries another network's click id (Stape's Awin tags take `awaid` with
 * `gclid` as an Awin click; Awin's own pages we read do not describe it).
 */
export const AWAID_PARAM = 'awaid';
/** The channel cookie's values. */
export const AWIN_CLICK = 'aw';
export const OTHER_CLICK = 'other';
/**
 * Other networks' ad click ids, as their landing URLs carry them (those Signal's advertising
 * plugins read): a landing with one of them is a paid click that is not Awin's. `anyCase` as
 * the networks write them (Snapchat's ScCid, Outbrain's OutbrainClickId). Not Meta's `fbclid`:
 * Facebook and Instagram add it to every outbound link, a shared post's as much as an ad's, and
 * an organic visit must not take the order from the Awin publisher whose click came before
 * (Awin: "Typically only paid channels concur in deduplication logic").
 */
export const OTHER_CLICK_PARAMS: ReadonlyArray<{ param: string; anyCase?: boolean; padded?: boolean }> = [
  { param: 'gclid' }, { param: 'gbraid' }, { param: 'wbraid' }, { param: 'dclid' }, { param: 'msclkid' },
  { param: 'ttclid' }, { param: 'ScCid', anyCase: true }, { param: 'li_fat_id' }, { param: 'rdt_cid' }, { param: 'twclid' }, { param: 'epik' },
  { param: 'ttd_imp' }, { param: 'tblci' }, { param: 'OutbrainClickId', anyCase: true }, { param: 'ob_click_id' }, { param: 'irclickid' },
  { param: 'ndclid' },
  // OpenAI's (ChatGPT ads) click reference: an opaque token that may end in base64 padding (`=`).
  { param: 'oppref', padded: true },
  { param: 'vmcid' }, { param: 'aleid' }, { param: 'alart' }, { param: 'qclid' },
];
/**
 * An awc as Awin writes it: URL-safe text (Awin does not document its format; its click
 * checksums read like `1001_1700000000_3c0a8eb6…`); anything else — a placeholder, an
 * unexpanded macro, the bare name — is no click.
 */
const AWC = /^[A-Za-z0-9._~:|-]{1,500}$/;

/**
 * The awc of a value (a cookie's, the landing URL's, a mapped one), as it came, or undefined.
 *
 * @example
 * awcOf('1001_1700000000_3c0a8eb6c2b73b1c'); // the same
 * awcOf('{awc}');                             // undefined
 */
export function awcOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return AWC.test(text) && !namesNoOne(text) && text.toLowerCase() !== AWC_PARAM ? text : undefined;
}

/**
 * The value Signal keeps in `_dfawc` for a landing URL's awc: the awc, or '' (no cookie) for one
 * that is none, so a misconfigured link does not replace an earlier real click.
 *
 * @example
 * awcCookieValue('1001_1700000000_3c0a8eb6'); // '1001_1700000000_3c0a8eb6'
 */
export function awcCookieValue(awc: string): string {
  return awcOf(awc) ?? '';
}

/**
 * The channel cookie's value for Awin's `source` click append: `aw` when it says `aw` (any
 * case), else '' (no cookie: another value of a `source` parameter names no paid click).
 *
 * @example
 * sourceChannelValue('aw');     // 'aw'
 * sourceChannelValue('google'); // ''
 */
export function sourceChannelValue(source: string): string {
  return source.trim().toLowerCase() === AWIN_CLICK ? AWIN_CLICK : '';
}

/**
 * The click ids the plugin declares: the awc into `_dfawc`; then, into `_dfawchannel`, the awc
 * and `awaid` (first: a landing URL carrying one of them and another network's id, as Awin's
 * links through a search ad do, is Awin's click — collect sets a cookie once a response, by the
 * first declaration found), `source=aw`, and the other networks' click ids.
 *
 * @example
 * CLICK_IDS[0]; // { param: 'awc', cookie: '_dfawc', days: 365, value: awcCookieValue }
 */
export const CLICK_IDS: ClickIdCookie[] = [
  { param: AWC_PARAM, cookie: AWC_COOKIE, days: AWC_DAYS, value: awcCookieValue },
  { param: AWC_PARAM, cookie: CHANNEL_COOKIE, days: AWC_DAYS, value: (awc) => (awcOf(awc) === undefined ? '' : AWIN_CLICK) },
  { param: AWAID_PARAM, cookie: CHANNEL_COOKIE, days: AWC_DAYS, value: () => AWIN_CLICK },
  { param: SOURCE_PARAM, cookie: CHANNEL_COOKIE, days: AWC_DAYS, value: sourceChannelValue },
  ...OTHER_CLICK_PARAMS.map(({ param, anyCase, padded }): ClickIdCookie => ({ param, ...(anyCase ? { anyCase } : {}), ...(padded ? { padded } : {}), cookie: CHANNEL_COOKIE, days: AWC_DAYS, value: () => OTHER_CLICK })),
];

/**
 * The awc of the event's own landing URL (`context.page.url`, its search, a page call's url):
 * the newest click there is; undefined when it carries none.
 *
 * @example
 * landingAwc({ type: 'page', context: { page: { url: 'https://shop.example/?awc=1001_1700000000_3c0a' } } } as CanonicalEvent); // '1001_1700000000_3c0a'
 */
export function landingAwc(event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, AWC_PARAM, { accept: awcOf });
}

/**
 * The awc an event carries: its landing URL's, else the `_dfawc` cookie's, else one a blueprint
 * mapped.
 *
 * @example
 * eventAwc(order, undefined); // the cookie's, when the order page's URL has none
 */
export function eventAwc(event: CanonicalEvent, mapped: JsonValue | undefined): string | undefined {
  return landingAwc(event) ?? awcOf(event.context?.cookies?.[AWC_COOKIE]) ?? awcOf(mapped);
}

/**
 * The network of the newest paid click Signal knows for the event's visitor: the event's own
 * landing URL first (an awc, `awaid` or `source=aw`: `aw`; another network's click id:
 * `other`), else the `_dfawchannel` cookie; undefined when Signal saw none.
 *
 * @example
 * lastPaidClick({ type: 'track', context: { cookies: { _dfawchannel: 'other' } } } as CanonicalEvent); // 'other'
 */
export function lastPaidClick(event: CanonicalEvent): typeof AWIN_CLICK | typeof OTHER_CLICK | undefined {
  if (landingAwc(event) !== undefined) return AWIN_CLICK;
  const accept = (raw: string) => (namesNoOne(raw) ? undefined : raw);
  if (pageUrlParamOf(event, AWAID_PARAM, { accept }) !== undefined) return AWIN_CLICK;
  if (pageUrlParamOf(event, SOURCE_PARAM, { accept: (raw) => sourceChannelValue(raw) || undefined }) !== undefined) return AWIN_CLICK;
  if (OTHER_CLICK_PARAMS.some(({ param, anyCase }) => pageUrlParamOf(event, param, { accept, ...(anyCase ? { anyCase } : {}) }) !== undefined)) return OTHER_CLICK;
  const kept = event.context?.cookies?.[CHANNEL_COOKIE];
  if (kept === AWIN_CLICK || kept === OTHER_CLICK) return kept;
  return undefined;
}
