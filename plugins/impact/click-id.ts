// impact.com's click id: its tracking links send the visitor to the landing page with
// `irclickid=<click id>` ("The query string parameter name is irclickid"), and the brand is to
// keep it "in a first-party cookie" so the conversion days later can be reported with it as
// `ClickId`. Signal keeps it in its own first-party cookie, `_dfirclickid`.
import { clickIdText, pageUrlParamOf, type CanonicalEvent, type JsonValue } from '../../core/sdk/index.ts';

/** The landing URL parameter impact.com's tracking links fill in. */
export const CLICK_ID_PARAM = 'irclickid';
/** Signal's own first-party cookie for it (impact.com's Universal Tracking Tag keeps its own cookies: never written here). */
export const CLICK_ID_COOKIE = '_dfirclickid';
/**
 * How long Signal keeps a click id: 30 days. impact.com: "The effective life time of the cookie
 * should match how long your contracts' Referral Window is set to — typically 30 days" (API
 * tracking integration); a contract with another window is not followed (see the README).
 */
export const CLICK_ID_DAYS = 30;
/** The longest ClickId impact.com takes: "ClickId string (64)". */
export const MAX_CLICK_ID = 64;
/**
 * A click id as impact.com writes it: case-sensitive URL-safe text (its own example,
 * `SKhRQaSXwxyOUQ:wUx0Mo36FUkiXxtxVUQTEzY0`, holds a colon) of up to 64 characters — no shortest
 * length is documented, and the implementation guide's own landing URL carries
 * `irclickid=1234567`; anything else — an unexpanded macro, a placeholder — is no click id.
 */
const CLICK_ID = new RegExp(`^[A-Za-z0-9._~:|\\-]{1,${MAX_CLICK_ID}}$`);

/**
 * The click id of a value (a cookie's, the landing URL's, a mapped one), as it came (case kept):
 * URL-safe text of up to 64 characters, not a placeholder (`undefined`) nor the parameter's name.
 *
 * @example
 * clickIdOf('SKhRQaSXwxyOUQ:wUx0Mo36FUkiXxtxVUQTEzY0'); // the same
 * clickIdOf('{irclickid}');                              // undefined
 */
export const clickIdOf = clickIdText(CLICK_ID, CLICK_ID_PARAM);

/**
 * The value Signal keeps in the cookie for a landing URL's `irclickid`: the click id, or '' (no
 * cookie: the `clickIds` contract) for one the core keeps as a token but impact.com would not
 * take (longer than 64 characters), so that it does not replace the click id
 * an earlier real click left.
 *
 * @example
 * cookieValue('SKhRQaSXwxyOUQ:wUx0Mo36FUkiXxtxVUQTEzY0'); // the same
 * cookieValue('x'.repeat(65));                            // ''
 */
export function cookieValue(clickId: string): string {
  return clickIdOf(clickId) ?? '';
}

/**
 * The click id of the event's landing URL (`context.page.url`, its search, a page call's url):
 * the newest click there is; undefined when it carries none.
 *
 * @example
 * landingClickId({ type: 'page', context: { page: { url: 'https://shop.example/?irclickid=SKhRQaSXwxyOUQ:wUx0Mo36' } } } as CanonicalEvent); // 'SKhRQaSXwxyOUQ:wUx0Mo36'
 */
export function landingClickId(event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, CLICK_ID_PARAM, { accept: clickIdOf });
}

/**
 * The click id an event carries: its landing URL's, else the `_dfirclickid` cookie's, else one
 * a blueprint mapped.
 *
 * @example
 * eventClickId(purchase, 'SKhRQaSXwxyOUQ:wUx0Mo36'); // the cookie's, when the purchase page has none in its URL
 */
export function eventClickId(event: CanonicalEvent, mapped: JsonValue | undefined): string | undefined {
  return landingClickId(event) ?? clickIdOf(event.context?.cookies?.[CLICK_ID_COOKIE]) ?? clickIdOf(mapped);
}
