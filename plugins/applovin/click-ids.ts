// Axon's click and browser ids, which its Conversion API matches on (user_data.aleid, alart,
// axwrt): an Axon ad appends `aleid` (and, for some campaigns, `alart`) to its landing page's
// URL; the Axon Pixel keeps them in its first-party cookies `_axeid` and `_axart`, and keeps its
// own browser id in `_axwrt`. The Conversion API reads no cookie, so the sender must. Signal
// keeps the landing URL's aleid and alart in its own first-party cookies, so a purchase days
// after the click carries them, and reads the Pixel's cookies as a fallback, never writing
// them: their format is the Pixel's, which AppLovin does not document.
import { namesNoOne, pageUrlParamOf, type CanonicalEvent, type JsonValue } from '../../core/sdk/index.ts';

/** The landing URL parameter carrying Axon's click id. */
export const ALEID_PARAM = 'aleid';
/** The landing URL parameter carrying Axon's second click reference (alart). */
export const ALART_PARAM = 'alart';
/** Signal's own first-party cookies for them: the values as they came. */
export const ALEID_COOKIE = '_dfaleid';
export const ALART_COOKIE = '_dfalart';
/** The Axon Pixel's cookies: read as a fallback, never written. */
export const PIXEL_ALEID_COOKIE = '_axeid';
export const PIXEL_ALART_COOKIE = '_axart';
/** The Axon Pixel's browser id cookie (user_data.axwrt): read, never written. */
export const PIXEL_AXWRT_COOKIE = '_axwrt';
/**
 * The same browser id as the site's server keeps it (AppLovin's "enhanced user identification":
 * `_axwrt` copied into an HTTP-only `axwrt` cookie, which Safari does not cut to 7 days as it
 * does script-set ones): read when `_axwrt` is gone, never written.
 */
export const SERVER_AXWRT_COOKIE = 'axwrt';
/**
 * How long Signal keeps a click id: 30 days. AppLovin documents neither its attribution window
 * for web campaigns nor its cookies' lifetime; 30 days is the window integrators keep click ids
 * for.
 */
export const CLICK_ID_DAYS = 30;
/** An id as a URL or cookie carries it: URL-safe text (AppLovin documents no format). */
const ID = /^[A-Za-z0-9._~:|=-]{1,1024}$/;

/**
 * The id of a value (the landing URL's, a cookie's, a mapped one), as it came: URL-safe text,
 * not a placeholder an empty variable left (`undefined`, `null`), not a parameter's own name
 * (an unexpanded macro); else undefined.
 *
 * @example
 * axonIdOf(' 1f0a2b3c4d '); // '1f0a2b3c4d'
 * axonIdOf('undefined');    // undefined
 * axonIdOf('{aleid}');      // undefined
 */
export function axonIdOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const lower = text.toLowerCase();
  return ID.test(text) && !namesNoOne(text) && lower !== ALEID_PARAM && lower !== ALART_PARAM && lower !== 'axwrt' ? text : undefined;
}

/** Axon's ids of an event: aleid, alart and axwrt, each only when there is one. */
export interface AxonIds {
  aleid?: string;
  alart?: string;
  axwrt?: string;
}

/**
 * The Axon ids of an event: aleid and alart from its page URL (the landing page of an ad click,
 * the newest click there is), else Signal's cookie, else the Axon Pixel's, else what the
 * blueprint mapped; axwrt from the Pixel's cookie, else the site's server-set copy, else the
 * mapped one.
 *
 * @example
 * axonIds({ context: { page: { url: 'https://shop.example/?aleid=abc123' }, cookies: { _axwrt: 'w-1' } } } as CanonicalEvent, {});
 * // { aleid: 'abc123', axwrt: 'w-1' }
 */
export function axonIds(event: CanonicalEvent, mapped: { aleid?: JsonValue | undefined; alart?: JsonValue | undefined; axwrt?: JsonValue | undefined }): AxonIds {
  const cookies = (event.context?.cookies ?? {}) as Record<string, JsonValue | undefined>;
  const ids: AxonIds = {};
  const aleid = pageUrlParamOf(event, ALEID_PARAM, { accept: axonIdOf }) ?? axonIdOf(cookies[ALEID_COOKIE]) ?? axonIdOf(cookies[PIXEL_ALEID_COOKIE]) ?? axonIdOf(mapped.aleid);
  if (aleid !== undefined) ids.aleid = aleid;
  const alart = pageUrlParamOf(event, ALART_PARAM, { accept: axonIdOf }) ?? axonIdOf(cookies[ALART_COOKIE]) ?? axonIdOf(cookies[PIXEL_ALART_COOKIE]) ?? axonIdOf(mapped.alart);
  if (alart !== undefined) ids.alart = alart;
  const axwrt = axonIdOf(cookies[PIXEL_AXWRT_COOKIE]) ?? axonIdOf(cookies[SERVER_AXWRT_COOKIE]) ?? axonIdOf(mapped.axwrt);
  if (axwrt !== undefined) ids.axwrt = axwrt;
  return ids;
}
