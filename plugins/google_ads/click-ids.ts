// Google Ads click ids: auto-tagging appends `gclid` to an ad's landing page URL (`gbraid` or
// `wbraid` instead for some iOS traffic). The Google tag keeps a gclid in the first-party
// `_gcl_aw` cookie as `GCL.<unix seconds>.<gclid>`; Signal sets the same cookie, in the same
// form, from a landing URL (so the tag and Signal read one value), and keeps gbraid and wbraid
// in cookies of its own (`_dfgbraid`, `_dfwbraid`: how the Google tag stores them is not
// documented). A conversion reads the click id from its page URL first (the newest click),
// then from the cookie.
import { namesNoOne, type CanonicalEvent, type ClickIdCookie, type JsonValue } from '../../core/sdk/index.ts';

/** The click id fields of a ClickConversion, in the order one is chosen (Google takes one). */
export const CLICK_ID_FIELDS = ['gclid', 'gbraid', 'wbraid'] as const;
export type ClickIdField = (typeof CLICK_ID_FIELDS)[number];

/** The Google tag's gclid cookie. */
export const GCLID_COOKIE = '_gcl_aw';
/** Google Ads click ids last 90 days, and so do the Google tag's `_gcl_*` cookies. */
const CLICK_ID_DAYS = 90;
/** What a click id may be: Google's ids are URL-safe tokens (base64url). */
const CLICK_ID = /^[A-Za-z0-9_\-.~]{8,500}$/;

/**
 * The `_gcl_aw` value for a gclid, as the Google tag writes it: `GCL.<unix seconds>.<gclid>`.
 *
 * @example
 * gclAwValue('EAIaIQobChMI', 1796032800000); // 'GCL.1796032800.EAIaIQobChMI'
 */
export function gclAwValue(gclid: string, now: number): string {
  return `GCL.${Math.floor(now / 1000)}.${gclid}`;
}

/** The click id cookies Signal sets from a landing URL (see `ClickIdCookie`). */
export const CLICK_ID_COOKIES: ClickIdCookie[] = [
  { param: 'gclid', cookie: GCLID_COOKIE, days: CLICK_ID_DAYS, value: gclAwValue },
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
 * The gclid of a `_gcl_aw` cookie value: the third part of `GCL.<seconds>.<gclid>` (the Google
 * tag may append more parts), or the value itself when it is a bare click id.
 *
 * @example
 * gclidOfCookie('GCL.1796032800.EAIaIQobChMI8e'); // 'EAIaIQobChMI8e'
 * gclidOfCookie('EAIaIQobChMI8e');                // 'EAIaIQobChMI8e'
 */
export function gclidOfCookie(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const parts = value.trim().split('.');
  if (parts[0] === 'GCL') return parts.length >= 3 && /^\d+$/.test(parts[1]!) ? clickIdOf(parts[2]) : undefined;
  return clickIdOf(value);
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
