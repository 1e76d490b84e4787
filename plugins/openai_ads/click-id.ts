// OpenAI's click reference (`oppref`): a ChatGPT ad appends `oppref` to its landing page's URL,
// and a conversion carries it back as the event's `oppref`. OpenAI's Pixel keeps it in its own
// `__oppref` cookie; the Conversions API does not read cookies, so the sender must. Signal
// keeps the landing URL's oppref in its own first-party cookie, so the purchase days after the
// click carries it, and reads the Pixel's cookie as a fallback but never writes it: its format
// is the Pixel's, which OpenAI does not document.
import { namesNoOne, pageUrlParamOf, type CanonicalEvent, type JsonValue } from '../../core/sdk/index.ts';

/** The landing URL parameter OpenAI's ads append. */
export const OPPREF_PARAM = 'oppref';
/** Signal's own first-party cookie for the click reference: the oppref as it came. */
export const OPPREF_COOKIE = '_dfoppref';
/** The OpenAI Pixel's cookie for it: read as a fallback, never written. */
export const PIXEL_OPPREF_COOKIE = '__oppref';
/**
 * How long Signal keeps an oppref: 30 days, the lifetime integrators report for the Pixel's
 * `__oppref` cookie (OpenAI documents neither it nor an attribution window).
 */
export const OPPREF_DAYS = 30;
/** An oppref as a URL carries it: URL-safe text (OpenAI's are opaque tokens; it documents no format). */
const OPPREF = /^[A-Za-z0-9._~=:|-]{1,2048}$/;

/**
 * The oppref of a value (the landing URL's, a cookie's), as it came: URL-safe text, not a
 * placeholder an empty variable left (`undefined`, `null`), not the parameter's own name (an
 * unexpanded macro); else undefined.
 *
 * @example
 * opprefOf(' gAAAAABn3kZ1x0_Q-abc= '); // 'gAAAAABn3kZ1x0_Q-abc='
 * opprefOf('undefined');               // undefined
 * opprefOf('{"v":1}');                 // undefined (not a token as OpenAI appends it)
 */
export function opprefOf(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  return OPPREF.test(text) && !namesNoOne(text) && text.toLowerCase() !== OPPREF_PARAM ? text : undefined;
}

/**
 * The oppref of the event's page URL (`context.page.url`, `context.page.search`, or a page
 * call's `properties.url`): the landing page of an ad click, the newest click there is.
 *
 * @example
 * opprefFromPage({ context: { page: { url: 'https://shop.example/?oppref=gAAAAABn3kZ1' } } } as CanonicalEvent); // 'gAAAAABn3kZ1'
 */
export function opprefFromPage(event: CanonicalEvent): string | undefined {
  return pageUrlParamOf(event, OPPREF_PARAM, { accept: opprefOf });
}
