// Google Ads click ids, read the same way by every plugin that sends Google conversions:
// auto-tagging appends `gclid` to an ad's landing page URL (`gbraid` or `wbraid` instead for
// some iOS traffic). Signal keeps each in a first-party cookie of its own (`_dfgclid`,
// `_dfgbraid`, `_dfwbraid`: the click id as it is), set by collect from a landing URL. It never
// writes the cookies Google's tags keep a gclid in — the Google tag's `_gcl_aw`
// (`GCL.<seconds>.<gclid>`) and server-side Google Tag Manager's `FPGCLAW`
// (`2.1.k<gclid>$i<seconds>`) — but reads them when the visitor's browser sends them. Two plugins
// that declare these cookies must declare them alike, so whichever sets a cookie, the other
// reads the same value: they declare this list.
import { namesNoOne } from './placeholder-ids.ts';
import { pageUrlParamOf } from './url-params.ts';
import type { CanonicalEvent, ClickIdCookie, JsonValue } from './types.ts';

/** Google's click id parameters, in the order one is chosen when a conversion takes one. */
export const GOOGLE_CLICK_ID_PARAMS = ['gclid', 'gbraid', 'wbraid'] as const;
export type GoogleClickIdParam = (typeof GOOGLE_CLICK_ID_PARAMS)[number];

/** Signal's own gclid cookie: the gclid as it is. */
export const GCLID_COOKIE = '_dfgclid';
/** Cookies Google's tags keep a gclid in, read (never written) by Signal: the Google tag's, server-side Google Tag Manager's. */
export const GOOGLE_TAG_GCLID_COOKIES: readonly string[] = Object.freeze(['_gcl_aw', 'FPGCLAW']);
/** Google Ads click ids last 90 days (the longest click-through window), and so do the Google tag's `_gcl_*` cookies. */
const CLICK_ID_DAYS = 90;
/** What a Google click id may be: URL-safe tokens (base64url). */
const CLICK_ID = /^[A-Za-z0-9_\-.~]{8,500}$/;

/**
 * The click id cookies Signal sets from a Google Ads landing URL (see `ClickIdCookie`): its own
 * names, the click id as value — the declaration every plugin sending Google conversions uses,
 * so two of them on one site agree. Capture `GOOGLE_TAG_GCLID_COOKIES` beside them.
 *
 * @example
 * definePlugin({ …, cookies: [...GOOGLE_CLICK_ID_COOKIES.map((c) => c.cookie), ...GOOGLE_TAG_GCLID_COOKIES], clickIds: [...GOOGLE_CLICK_ID_COOKIES] });
 */
export const GOOGLE_CLICK_ID_COOKIES: readonly ClickIdCookie[] = Object.freeze([
  Object.freeze({ param: 'gclid', cookie: GCLID_COOKIE, days: CLICK_ID_DAYS }),
  Object.freeze({ param: 'gbraid', cookie: '_dfgbraid', days: CLICK_ID_DAYS }),
  Object.freeze({ param: 'wbraid', cookie: '_dfwbraid', days: CLICK_ID_DAYS }),
]);

/**
 * A Google click id's text, trimmed; undefined for a placeholder a site writes when its
 * variable was empty ("undefined", "null": every visitor without a click would share it) or
 * text no click id is (spaces, a mangled URL's characters).
 *
 * @example
 * googleClickIdOf(' EAIaIQobChMI8e '); // 'EAIaIQobChMI8e'
 * googleClickIdOf('undefined');        // undefined
 */
export function googleClickIdOf(value: JsonValue | undefined): string | undefined {
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
 * gclidOfCookie('EAIaIQobChMI8e');                  // 'EAIaIQobChMI8e'
 * gclidOfCookie('GCL.1796032800.EAIaIQobChMI8e');   // 'EAIaIQobChMI8e'
 * gclidOfCookie('2.1.kEAIaIQobChMI8e$i1796032800'); // 'EAIaIQobChMI8e'
 */
export function gclidOfCookie(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const written = value.trim();
  const fields = /^\d+\.\d+\.(k[^$]*(?:\$.*)?)$/.exec(written)?.[1];
  if (fields !== undefined) return googleClickIdOf(fields.split('$')[0]!.slice(1));
  const parts = written.split('.');
  if (parts[0] === 'GCL') return parts.length >= 3 && /^\d+$/.test(parts[1]!) ? googleClickIdOf(parts[2]) : undefined;
  return googleClickIdOf(written);
}

/**
 * The click id a page URL carries in `param`: the event's `context.page.url` or `search`, or a
 * page call's `properties.url`; undefined when none does.
 *
 * @example
 * googleClickIdFromUrl(event, 'gclid'); // 'EAIaIQobChMI8e' for https://shop.example/?gclid=EAIaIQobChMI8e
 */
export function googleClickIdFromUrl(event: CanonicalEvent, param: GoogleClickIdParam): string | undefined {
  return pageUrlParamOf(event, param, { accept: googleClickIdOf });
}

/**
 * The click id of a conversion and its parameter: the page URL's first (the newest click),
 * then the one mapped (`mapped.gclid` read by gclidOfCookie — a bare gclid, a `_gcl_aw` or an
 * `FPGCLAW` value — `gbraid`, `wbraid`); gclid, else gbraid, else wbraid.
 *
 * @example
 * googleClickId(event, { gclid: 'GCL.1796030000.EAIaIQobChMI8e' }); // { param: 'gclid', id: 'EAIaIQobChMI8e' }
 */
export function googleClickId(event: CanonicalEvent, mapped: Partial<Record<GoogleClickIdParam, JsonValue>>): { param: GoogleClickIdParam; id: string } | undefined {
  for (const param of GOOGLE_CLICK_ID_PARAMS) {
    const id = googleClickIdFromUrl(event, param) ?? (param === 'gclid' ? gclidOfCookie(mapped.gclid) : googleClickIdOf(mapped[param]));
    if (id !== undefined) return { param, id };
  }
  return undefined;
}
