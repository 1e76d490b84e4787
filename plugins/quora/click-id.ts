// Quora's click id: a Quora ad appends `qclid` to the landing URL, and a conversion carries it
// back as `conversion.click_id` ("optional for acceptance, required for attribution"). Signal
// keeps the landing URL's qclid in its own first-party cookie, so the purchase days after the
// click carries it. The Quora Pixel keeps it in `quora_qclid` and Stape's Quora tag in `qclid`:
// Signal reads both (a site running either keeps its clicks) but never writes them.
import { clickIdText } from '../../core/sdk/index.ts';

/** The landing URL parameter Quora's ads append. */
export const QCLID_PARAM = 'qclid';
/** Signal's own first-party cookie for the click id: the qclid as it came. */
export const QCLID_COOKIE = '_dfqclid';
/** The cookie the Quora Pixel keeps the click id in: read as a fallback, never written. */
export const PIXEL_QCLID_COOKIE = 'quora_qclid';
/** The cookie Stape's Quora tag keeps the click id in: read as a fallback, never written. */
export const STAPE_QCLID_COOKIE = 'qclid';
/**
 * How long Signal keeps a click id: 28 days, Quora's default click-through attribution window
 * ("performs a conversion event within 28 days of clicking the ad"); a later conversion is not
 * attributed to the click unless the advertiser changed the window.
 */
export const QCLID_DAYS = 28;
/**
 * A click id as a URL carries it, URL-encoded or not (Quora takes either): URL-safe text with
 * the `|` of ids such as `0|212106239366182|0` and `%` escapes.
 */
const CLICK_ID = /^[A-Za-z0-9._~:|%-]{1,500}$/;

/**
 * The click id of a value (a cookie's, the landing URL's, a mapped one), as it came: URL-safe
 * text, not a placeholder an empty variable left (`undefined`, `null`), not the parameter's own
 * name (an unexpanded macro); else undefined.
 *
 * @example
 * clickIdOf(' 0|212106239366182|0 '); // '0|212106239366182|0'
 * clickIdOf('undefined');             // undefined
 */
export const clickIdOf = clickIdText(CLICK_ID, QCLID_PARAM);
