// Outbrain's click id: the advertiser adds a tracking parameter carrying Outbrain's
// `{{ob_click_id}}` macro to the campaign's URL, and reports each conversion with it. The
// parameter is named by the advertiser; `ob_click_id` is the name in use (see the README's
// "Unconfirmed"). Signal keeps the landing URL's ob_click_id in its own first-party cookie so the
// purchase days after the click carries it.
import { namesNoOne, type JsonValue } from '../../core/sdk/index.ts';

/** The landing URL parameter the campaign URL carries Outbrain's `{{ob_click_id}}` macro as. */
export const OB_CLICK_ID_PARAM = 'ob_click_id';
/** Signal's own first-party cookie for the click id: the ob_click_id as it came. */
export const OB_CLICK_ID_COOKIE = '_dfobclid';
/**
 * How long Signal keeps a click id: 30 days, the longest click-to-conversion window commonly set
 * on an Outbrain conversion (a later conversion is not attributed). See the README's "Unconfirmed".
 */
export const OB_CLICK_ID_DAYS = 30;
/**
 * A click id as Outbrain writes it: URL-safe text without white space or braces (Outbrain does not
 * document its format); anything else, like the unexpanded macro, is no click id.
 */
const CLICK_ID = /^[A-Za-z0-9_\-~.]{8,500}$/;

/**
 * The click id of a value (a cookie's, the landing URL's): URL-safe text, not a placeholder
 * (`undefined`, `null`) nor the unexpanded macro (`{{ob_click_id}}`).
 *
 * @example
 * clickIdOf('00f1e2d3c4b5a6978812345678abcdef0a'); // the same
 * clickIdOf('{{ob_click_id}}');                     // undefined
 */
export function clickIdOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return CLICK_ID.test(text) && !namesNoOne(text) ? text : undefined;
}
