// Taboola's click id: the advertiser appends Taboola's `{click_id}` macro to the landing URL
// (Taboola's tracking setup names the parameter `tblci`), and reports each conversion with it.
// Signal keeps the landing URL's tblci in its own first-party cookie so the purchase days after
// the click carries it.
import { clickIdText } from '../../core/sdk/index.ts';

/** The landing URL parameter Taboola's `{click_id}` macro is appended as. */
export const TBLCI_PARAM = 'tblci';
/** Signal's own first-party cookie for the click id: the tblci as it came. */
export const TBLCI_COOKIE = '_dftblci';
/**
 * How long Signal keeps a click id: 30 days, Taboola's default click-through conversion window
 * (a later conversion is not attributed to the click). See the README's "Unconfirmed".
 */
export const TBLCI_DAYS = 30;
/** A click id as Taboola writes it: URL-safe base64 text (its sample is 71 characters); anything else is no click id. */
const CLICK_ID = /^[A-Za-z0-9_\-~.]{20,500}$/;

/**
 * The click id of a value (a cookie's, the landing URL's): URL-safe text as Taboola writes it,
 * not a placeholder (`undefined`, `null`) nor the unexpanded macro (`{click_id}`).
 *
 * @example
 * clickIdOf('GiDxLZcEVjwEqkGfKQMQndUYMIeZXFHmZ0DrHIJhGS6kKiDzkGUos9GzkpqG-YHQATCwxlQ'); // the same
 * clickIdOf('{click_id}'); // undefined
 */
export const clickIdOf = clickIdText(CLICK_ID);
