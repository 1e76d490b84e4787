// The click a Campaign Manager 360 conversion is attributed to. CM360 takes one identifier a
// conversion, and these are mutually exclusive: `dclid`, the display click id CM360 appends to an
// ad's landing page URL when enhanced attribution is on (`dclid=CJKu8LrQxd4CFQ1qwQodmJIElw`, or
// a click tag's `dclid=%edclid!`), and `gclid`, the Google click id of a Search Ads 360 campaign
// or a Display & Video 360 YouTube line item. Signal keeps a landing URL's dclid in its own
// first-party cookie `_dfdclid`, and its gclid in `_dfgclid`, declared as every plugin sending
// Google conversions declares it (the SDK's GOOGLE_CLICK_ID_COOKIES), so they agree on one site.
// The Google tag's cookies are read, never written: `_gcl_aw` (a gclid) and `_gcl_dc` (a
// dclid), both `GCL.<seconds>.<id>`, and server-side GTM's `FPGCLAW`.
import {
  GCLID_COOKIE, GOOGLE_CLICK_ID_COOKIES, GOOGLE_TAG_GCLID_COOKIES, gclidOfCookie, googleClickIdFromUrl, googleClickIdOf, pageUrlParamOf,
  type CanonicalEvent, type ClickIdCookie, type JsonObject, type JsonValue,
} from '../../core/sdk/index.ts';

/** The landing URL parameter of CM360's display click id. */
export const DCLID_PARAM = 'dclid';
/** Signal's own first-party cookie for a landing URL's dclid, as it came. */
export const DCLID_COOKIE = '_dfdclid';
/** The Google tag's cookie of a display click (`GCL.<seconds>.<dclid>`): read, never written. */
export const GOOGLE_TAG_DCLID_COOKIE = '_gcl_dc';
/** CM360 takes conversions of clicks up to 60 days old: a dclid is kept that long. */
export const DCLID_DAYS = 60;

/** The click id cookies Signal sets: the dclid's, and the gclid's as the SDK declares it for every Google plugin. */
export const CLICK_ID_COOKIES: readonly ClickIdCookie[] = Object.freeze([
  Object.freeze({ param: DCLID_PARAM, cookie: DCLID_COOKIE, days: DCLID_DAYS }),
  ...GOOGLE_CLICK_ID_COOKIES.filter((declared) => declared.param === 'gclid'),
]);
/** Every cookie read: Signal's own two and the Google tags'. */
export const COOKIES_READ: readonly string[] = Object.freeze([DCLID_COOKIE, GCLID_COOKIE, ...GOOGLE_TAG_GCLID_COOKIES, GOOGLE_TAG_DCLID_COOKIE]);

/** A click of a conversion: which id CM360 takes it as, and the id. */
export interface Click {
  field: 'dclid' | 'gclid';
  id: string;
}

/**
 * The dclid of a cookie value: Signal's `_dfdclid` (the dclid itself) or the Google tag's
 * `_gcl_dc` (`GCL.<seconds>.<dclid>`, read as the SDK reads `_gcl_aw`); undefined for anything else.
 *
 * @example
 * dclidOfCookie('CJKu8LrQxd4CFQ1qwQodmJIElw');                 // 'CJKu8LrQxd4CFQ1qwQodmJIElw'
 * dclidOfCookie('GCL.1796030000.CJKu8LrQxd4CFQ1qwQodmJIElw');  // 'CJKu8LrQxd4CFQ1qwQodmJIElw'
 */
export function dclidOfCookie(value: JsonValue | undefined): string | undefined {
  // The same two forms as a gclid's cookies: the bare id, or the Google tag's GCL.<seconds>.<id>.
  return typeof value === 'string' && !/^\d+\.\d+\.k/.test(value.trim()) ? gclidOfCookie(value) : undefined;
}

/**
 * The click of a conversion: the landing URL's dclid, else its gclid (the newest click, on the
 * event itself, before any cookie is set); else the dclid the blueprint mapped (Signal's
 * `_dfdclid`, else the Google tag's `_gcl_dc`), else the gclid it mapped (`_dfgclid`, `_gcl_aw`,
 * `FPGCLAW`). A display click comes first: CM360's own; a gclid counts only when it came
 * through Search Ads 360 or a DV360 YouTube line item.
 *
 * @example
 * clickOf(event, { dclid: 'GCL.1796030000.CJKu8LrQxd4CFQ1qwQodmJIElw' }); // { field: 'dclid', id: 'CJKu8LrQxd4CFQ1qwQodmJIElw' }
 */
export function clickOf(event: CanonicalEvent, mapped: JsonObject): Click | undefined {
  const landingDclid = pageUrlParamOf(event, DCLID_PARAM, { accept: googleClickIdOf });
  if (landingDclid !== undefined) return { field: 'dclid', id: landingDclid };
  const landingGclid = googleClickIdFromUrl(event, 'gclid');
  if (landingGclid !== undefined) return { field: 'gclid', id: landingGclid };
  for (const value of Array.isArray(mapped.dclid) ? mapped.dclid : [mapped.dclid]) {
    const id = dclidOfCookie(value);
    if (id !== undefined) return { field: 'dclid', id };
  }
  for (const value of Array.isArray(mapped.gclid) ? mapped.gclid : [mapped.gclid]) {
    const id = gclidOfCookie(value);
    if (id !== undefined) return { field: 'gclid', id };
  }
  return undefined;
}
