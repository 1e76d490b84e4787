// Outbrain's click id: the advertiser adds a tracking parameter carrying Outbrain's
// `{{ob_click_id}}` macro to the campaign's tracking code, and reports each conversion with it.
// The parameter is named by the advertiser: Outbrain's S2S guide writes it
// `OutbrainClickId={{ob_click_id}}` (Stape's server tag and Cloudflare's managed component read
// that name too), and many set-ups name it after the macro, `ob_click_id`. Signal reads both,
// each kept in its own first-party cookie (one cookie is declared by one parameter) so the
// purchase days after the click carries it.
import { namesNoOne, pageUrlParamOf, type CanonicalEvent, type JsonValue } from '../../core/sdk/index.ts';

/** The landing URL parameter Outbrain's S2S guide carries the `{{ob_click_id}}` macro as (matched in any letter case). */
export const OUTBRAIN_CLICK_ID_PARAM = 'OutbrainClickId';
/** Signal's own first-party cookie for the `OutbrainClickId` of a landing URL, as it came. */
export const OUTBRAIN_CLICK_ID_COOKIE = '_dfobclickid';
/** The other landing URL parameter in common use for the macro, named after it. */
export const OB_CLICK_ID_PARAM = 'ob_click_id';
/** Signal's own first-party cookie for the `ob_click_id` of a landing URL, as it came. */
export const OB_CLICK_ID_COOKIE = '_dfobclid';
/** Both cookies, in the order they are read. */
export const CLICK_ID_COOKIES = [OUTBRAIN_CLICK_ID_COOKIE, OB_CLICK_ID_COOKIE] as const;
/**
 * How long Signal keeps a click id: 30 days, the longest click-to-conversion window commonly set
 * on an Outbrain conversion (a later conversion is not attributed). See the README's "Unconfirmed".
 */
export const OB_CLICK_ID_DAYS = 30;
/**
 * A click id as Outbrain writes it: URL-safe text without white space, braces, brackets or `$`
 * (Outbrain does not document its format); anything else, like an unexpanded macro, is no click id.
 */
const CLICK_ID = /^[A-Za-z0-9_\-~.]{8,500}$/;
/** The macro's own name, written where the macro was meant (`ob_click_id=ob_click_id`): no click id. */
const MACRO_NAME = /ob_?click_?id/i;

/**
 * The click id of a value (a cookie's, the landing URL's): URL-safe text, not a placeholder
 * (`undefined`, `null`) nor an unexpanded macro (`{{ob_click_id}}`, `$ob_click_id$`,
 * `[ob_click_id]`, the bare name `ob_click_id`).
 *
 * @example
 * clickIdOf('00f1e2d3c4b5a6978812345678abcdef0a'); // the same
 * clickIdOf('{{ob_click_id}}');                     // undefined
 * clickIdOf('ob_click_id');                         // undefined
 */
export function clickIdOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return CLICK_ID.test(text) && !MACRO_NAME.test(text) && !namesNoOne(text) ? text : undefined;
}

/**
 * The value Signal keeps in a click-id cookie for a landing URL's parameter: the click id, or ''
 * (no cookie: the `clickIds` contract) for a value the core keeps as a token but that is no
 * Outbrain click id by `clickIdOf` (shorter than 8 characters, holding `:` or `|`, a spelling of
 * the macro's name under the other parameter: `OutbrainClickId=ob_click_id`), so that a
 * misconfigured campaign's landing does not overwrite the click id an earlier Outbrain click left.
 *
 * @example
 * cookieValue('00f1e2d3c4b5a697'); // '00f1e2d3c4b5a697'
 * cookieValue('undefined');        // ''
 */
export function cookieValue(clickId: string): string {
  return clickIdOf(clickId) ?? '';
}

/**
 * The click id of an event's landing URL (the page URL, its search, a page call's url): its
 * `OutbrainClickId` (any letter case), else its `ob_click_id`; undefined when it carries neither.
 *
 * @example
 * landingClickId({ type: 'page', context: { page: { url: 'https://shop.example/?OutbrainClickId=00f1e2d3c4b5a697' } } } as CanonicalEvent); // '00f1e2d3c4b5a697'
 */
export function landingClickId(event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, OUTBRAIN_CLICK_ID_PARAM, { accept: clickIdOf, anyCase: true }) ?? pageUrlParamOf(event, OB_CLICK_ID_PARAM, { accept: clickIdOf });
}

/**
 * The click id Signal keeps for the visitor: its `_dfobclickid` cookie's, else its `_dfobclid`'s.
 *
 * @example
 * keptClickId({ _dfobclid: '00f1e2d3c4b5a697' }); // '00f1e2d3c4b5a697'
 */
export function keptClickId(cookies: Record<string, JsonValue> | undefined): string | undefined {
  for (const cookie of CLICK_ID_COOKIES) {
    const id = clickIdOf(cookies?.[cookie]);
    if (id !== undefined) return id;
  }
  return undefined;
}
