// The web visitor's Branch browser id. Branch's Events API knows a web visitor by
// `user_data.browser_fingerprint_id` (one of the identifiers it requires when an event has no
// developer identity or device id). A site running Branch's Web SDK may pass the id the SDK
// holds (branch.getBrowserFingerprintId(), the id Branch's own web events carry) in the event's
// integrations.Branch.browser_fingerprint_id: that one comes first. Else: when a Branch link
// sends a visitor to the website, Branch appends `_branch_match_id` to the landing URL; Branch
// documents that value as "the current user's browser-fingerprint-id" (the branch_match_id
// option of its Web SDK), and the Web SDK sends it as browser_fingerprint_id when it opens the
// session (src/6_branch.js: `browser_fingerprint_id: link_identifier || …`). That Branch
// attributes an Events API event carrying it is not documented in so many words: the README
// lists it as unconfirmed. Signal keeps the value in its own first-party cookie so that the
// purchase days after the click carries it, and the landing event carries it at once.
import { namesNoOne, pageUrlParamOf, type CanonicalEvent, type JsonValue } from '../../core/sdk/index.ts';

/** The landing URL parameter a Branch link's redirect appends, carrying the visitor's browser fingerprint id. */
export const BRANCH_MATCH_ID_PARAM = '_branch_match_id';
/** Signal's own first-party cookie keeping the landing URL's `_branch_match_id`. */
export const BRANCH_MATCH_ID_COOKIE = '_dfbranchmatchid';
/**
 * How long Signal keeps it: 90 days, the longest attribution window Branch lets an app set
 * ("as long as 90 days"); Branch applies the app's own, shorter windows itself.
 */
export const BRANCH_MATCH_ID_DAYS = 90;
/** A browser fingerprint id as Branch writes it: digits (its Web SDK strips `_branch_match_id=\d+` from URLs). */
const BROWSER_ID = /^[0-9]{6,30}$/;

/**
 * The browser fingerprint id a value holds: digits, 6 to 30 of them, trimmed; anything else (a
 * placeholder, an unexpanded macro, text) is none.
 *
 * @example
 * browserIdOf(' 857675855146829999 '); // '857675855146829999'
 * browserIdOf('undefined');            // undefined
 * browserIdOf(857675855146);           // '857675855146'
 */
export function browserIdOf(value: JsonValue | undefined): string | undefined {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : undefined;
  return text !== undefined && BROWSER_ID.test(text) && !namesNoOne(text) ? text : undefined;
}

/**
 * The value Signal keeps in the cookie for a landing URL's `_branch_match_id`: the id, or ''
 * (no cookie: the `clickIds` contract) for a value that is no browser fingerprint id, so a
 * mangled link does not overwrite the id an earlier Branch link left.
 *
 * @example
 * cookieValue('857675855146829999'); // '857675855146829999'
 * cookieValue('abc');                // ''
 */
export function cookieValue(matchId: string): string {
  return browserIdOf(matchId) ?? '';
}

/**
 * The `_branch_match_id` of the event's landing URL (the page URL, its search, a page call's
 * url): the newest Branch link click there is, before the cookie exists.
 *
 * @example
 * landingBrowserId({ type: 'page', context: { page: { url: 'https://shop.example/?_branch_match_id=857675855146829999' } } } as CanonicalEvent); // '857675855146829999'
 */
export function landingBrowserId(event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, BRANCH_MATCH_ID_PARAM, { accept: browserIdOf });
}
