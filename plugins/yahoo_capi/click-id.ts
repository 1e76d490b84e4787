// Yahoo's click id: a Yahoo DSP ad's click tracker puts the `${CC}` macro in the landing URL as
// `vmcid` (Yahoo's conversion tracking guide), and a conversion carries it back as
// `clickData.vmcid`. Signal keeps the landing URL's vmcid in its own first-party cookie, so the
// purchase days after the click carries it.
import { clickIdText } from '../../core/sdk/index.ts';

/** The landing URL parameter a Yahoo DSP click tracker fills with `${CC}`. */
export const VMCID_PARAM = 'vmcid';
/** Signal's own first-party cookie for the click id: the vmcid as it came. */
export const VMCID_COOKIE = '_dfvmcid';
/**
 * How long Signal keeps a click id: 30 days, the longest click lookback Signal assumes of a
 * Yahoo DSP conversion rule (Yahoo's rules set their own window; a later click replaces it).
 */
export const VMCID_DAYS = 30;
/** A click id as a URL carries it: URL-safe text (Yahoo does not document its format). */
const CLICK_ID = /^[A-Za-z0-9._~:|=-]{1,500}$/;

/**
 * The click id of a value (a cookie's, the landing URL's, a mapped one), as it came: URL-safe
 * text, not a placeholder (`undefined`, `null`), not the macro left unexpanded (`${CC}`, `vmcid`);
 * else undefined.
 *
 * @example
 * clickIdOf(' a1b2c3d4e5 '); // 'a1b2c3d4e5'
 * clickIdOf('${CC}');        // undefined
 */
export const clickIdOf = clickIdText(CLICK_ID, VMCID_PARAM);
