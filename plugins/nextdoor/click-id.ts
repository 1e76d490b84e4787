// Nextdoor's click id: a Nextdoor ad appends `ndclid` to the landing URL, and a conversion
// carries it back as `customer.click_id`. Signal keeps the landing URL's ndclid in its own
// first-party cookie, so the purchase days after the click carries it; Stape's Nextdoor tag
// keeps it in `_ndclid`, which Signal reads (a site moving from Stape keeps its clicks) but never
// writes: that cookie is Stape's.
import { clickIdText } from '../../core/sdk/index.ts';

/** The landing URL parameter Nextdoor's ads append. */
export const NDCLID_PARAM = 'ndclid';
/** Signal's own first-party cookie for the click id: the ndclid as it came. */
export const NDCLID_COOKIE = '_dfndclid';
/** The cookie Stape's Nextdoor tag keeps the click id in: read as a fallback, never written. */
export const STAPE_NDCLID_COOKIE = '_ndclid';
/**
 * How long Signal keeps a click id: 7 days, Nextdoor's click attribution window ("when a user
 * clicks on your ad and completes a conversion within the next 7 days"); a later conversion is
 * not attributed to the click.
 */
export const NDCLID_DAYS = 7;
/** A click id as a URL carries it: URL-safe text (Nextdoor does not document its format). */
const CLICK_ID = /^[A-Za-z0-9._~:|-]{1,500}$/;

/**
 * The click id of a value (a cookie's, the landing URL's, a mapped one), as it came: URL-safe
 * text, not a placeholder an empty variable left (`undefined`, `null`), not the parameter's own
 * name (an unexpanded macro); else undefined.
 *
 * @example
 * clickIdOf(' 0f8d2c1e-7b4a-4c3e-9d2f-1a2b3c4d5e6f '); // '0f8d2c1e-7b4a-4c3e-9d2f-1a2b3c4d5e6f'
 * clickIdOf('undefined');                              // undefined
 */
export const clickIdOf = clickIdText(CLICK_ID, NDCLID_PARAM);
