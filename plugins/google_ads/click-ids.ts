// Google Ads click ids: auto-tagging appends `gclid` to an ad's landing page URL (`gbraid` or
// `wbraid` instead for some iOS traffic). Signal keeps each in a first-party cookie of its own
// (`_dfgclid`, `_dfgbraid`, `_dfwbraid`, the click id as it is), set by collect from a landing
// URL. It does not write the Google tag's `_gcl_aw`: Google documents neither that cookie's
// value nor its domain as a contract, and Google's own server-side tagging keeps server-set
// click ids in a cookie of its own (`FPGCLAW`, `2.1.k<gclid>$i<seconds>`) beside the tag's
// `_gcl_aw` (`GCL.<seconds>.<gclid>`), rather than writing into it. Both Google cookies are read
// when the visitor's browser sends them. A conversion reads the click id from its page URL first
// (the newest click), then from the cookies.
import { namesNoOne, type CanonicalEvent, type ClickIdCookie, type JsonValue } from '../../core/sdk/index.ts';

/** The click id fields of a ClickConversion, in the order one is chosen (Google takes one). */
export const CLICK_ID_FIELDS = ['gclid', 'gbraid', 'wbraid'] as const;
export type ClickIdField = (typeof CLICK_ID_FIELDS)[number];

/** Signal's own gclid cookie: the gclid as it is. */
export const GCLID_COOKIE = '_dfgclid';
/** Cookies Google's tags keep a gclid in, read (never written) by Signal: the Google tag's, server-side Google Tag Manager's. */
export const GOOGLE_GCLID_COOKIES = ['_gcl_aw', 'FPGCLAW'] as const;
/** Google Ads click ids last 90 days (the longest click-through window), and so do the Google tag's `_gcl_*` cookies. */
const CLICK_ID_DAYS = 90;
/** What a click id may be: Google's ids are URL-safe tokens (base64url). */
const CLICK_ID = /^[A-Za-z0-9_\-.~]{8,500}$/;

/** The click id cookies Signal sets from a landing URL (see `ClickIdCookie`): its own names, the click id as value. */
export const CLICK_ID_COOKIES: ClickIdCookie[] = [
  { param: 'gclid', cookie: GCLID_COOKIE, days: CLICK_ID_DAYS },
  { param: 'gbraid', cookie: '_dfgbraid', days: CLICK_ID_DAYS },
  { param: 'wbraid', cookie: '_dfwbraid', days: CLICK_ID_DAYS },
];

/**
 * A click id's text, trimmed; undefined for a placeholder a site writes when its variable was
 * empty ("undefined", "null": every visitor without a click would share it) or text no click id
 * is (spaces, a mangled URL's characters).
 *
 * @example
 * clickIdOf(' EAIaIQobChMI8e '); // 'EAIaIQobChMI8e'
 * clickIdOf('undefined');        // undefined
 */
export function clickIdOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const id = value.trim();
  return CLICK_ID.test(id) && !namesNoOne(id) ? id : undefined;
}

/**
 * The gclid of a cookie value: Signal's `_dfgclid` (the gclid itself), the Google tag's `_gcl_aw`
 * (the third part of `GCL.<seconds>.<gclid>`; the tag may append more parts) or server-side
 * Google Tag Manager's `FPGCLAW` (the `k` field of `2.1.k<gclid>$i<seconds>`, as browsers show
 * it: Google does not document it). Undefined for anything else.
 *
 * @example
 * gclidOfCookie('EAIaIQobChMI8e');                       // 'EAIaIQobChMI8e'
 * gclidOfCookie('GCL.1796032800.EAIaIQobChMI8e');        // 'EAIaIQobChMI8e'
 * gclidOfCookie('2.1.kEAIaIQobChMI8e$i1796032800');      // 'EAIaIQobChMI8e'
 */
export function gclidOfCookie(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const written = value.trim();
  const fields = /^\d+\.\d+\.(k[^$]*(?:\$.*)?)$/.exec(written)?.[1];
  if (fields !== undefined) return clickIdOf(fields.split('$')[0]!.slice(1));
  const parts = written.split('.');
  if (parts[0] === 'GCL') return parts.length >= 3 && /^\d+$/.test(parts[1]!) ? clickIdOf(parts[2]) : undefined;
  return clickIdOf(written);
}

/**
 * The click id a page URL carries in `param` (`gclid`, `gbraid`, `wbraid`): the event's
 * `context.page.url` or `search`, or a page call's `properties.url`; undefined when none does.
 *
 * @example
 * clickIdFromUrl(event, 'gclid'); // 'EAIaIQobChMI8e' for https://shop.example/?gclid=EAIaIQobChMI8e
 */
export function clickIdFromUrl(event: CanonicalEvent, param: ClickIdField): string | undefined {
  const page = event.context?.page;
  const properties = event.type === 'page' ? event.properties : undefined;
  for (const source of [page?.url, page?.search, properties?.url]) {
    if (typeof source !== 'string' || !source.includes(`${param}=`)) continue;
    const query = source.includes('?') ? source.slice(source.indexOf('?') + 1) : source;
    const id = clickIdOf(new URLSearchParams(query.split('#')[0]).get(param) ?? undefined);
    if (id !== undefined) return id;
  }
  return undefined;
}
