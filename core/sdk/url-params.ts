// Ad platforms append a click id to the landing page's URL (`?ttclid=…`, `?fbclid=…`); a
// conversion sent from the landing event itself must read it there, since the cookie that
// keeps it (collect's click-id cookies, the vendor's tag) only comes with the next request.
import type { CanonicalEvent, JsonValue } from './types.ts';

/**
 * The first non-empty value of `param` in a URL, a query string or a search string
 * (`https://shop.example/?a=1#top`, `?a=1`, `a=1`); `anyCase` matches the name in any letter
 * case (Snap's `ScCid`). Undefined for anything else: no such parameter, only empty ones, not
 * text. A fragment is never read as part of the query.
 *
 * @example
 * urlParamOf('https://shop.example/p?ttclid=E.C.P.abc#reviews', 'ttclid'); // 'E.C.P.abc'
 * urlParamOf('?SCCID=5e2b', 'ScCid', { anyCase: true });                     // '5e2b'
 * urlParamOf('https://shop.example/p?ttclid=', 'ttclid');                   // undefined
 */
export function urlParamOf(source: JsonValue | undefined, param: string, options: { anyCase?: boolean } = {}): string | undefined {
  if (typeof source !== 'string') return undefined;
  const name = options.anyCase ? param.toLowerCase() : param;
  // Most URLs carry none: a plain search first, parsing only when the name appears.
  if (!(options.anyCase ? source.toLowerCase() : source).includes(`${name}=`)) return undefined;
  const query = (source.includes('?') ? source.slice(source.indexOf('?') + 1) : source).split('#')[0]!;
  for (const [key, value] of new URLSearchParams(query)) {
    if ((options.anyCase ? key.toLowerCase() : key) === name && value !== '') return value;
  }
  return undefined;
}

export interface PageUrlParamOptions {
  /** Turns the raw value into the id sent, or undefined when it is none (the vendor's format). */
  accept?: (raw: string) => string | undefined;
  /**
   * Whether `properties.url` is read too, after the page's URL and search: of a page call
   * (`'page'`, the default: analytics.js puts the page's URL there), of any event (`'any'`),
   * or never (`'never'`).
   */
  propertiesUrl?: 'page' | 'any' | 'never';
  anyCase?: boolean;
}

/**
 * The click id the landing page's URL carries in `param`: `context.page.url`, then
 * `context.page.search`, then (see `propertiesUrl`) `properties.url` — the first value `accept`
 * keeps. The URL's is the newest click there is, so plugins read it before the cookie.
 *
 * @example
 * pageUrlParamOf(event, 'msclkid', { accept: msclkidOf }); // 'b1240587-f865-…' for https://shop.example/?msclkid=b1240587f865…
 */
export function pageUrlParamOf(event: CanonicalEvent, param: string, options: PageUrlParamOptions = {}): string | undefined {
  const page = event.context?.page;
  const propertiesUrl = options.propertiesUrl ?? 'page';
  const fromProperties = propertiesUrl === 'any' || (propertiesUrl === 'page' && event.type === 'page') ? event.properties?.url : undefined;
  for (const source of [page?.url, page?.search, fromProperties]) {
    const raw = urlParamOf(source, param, options);
    const id = raw === undefined ? undefined : options.accept ? options.accept(raw) : raw;
    if (id !== undefined) return id;
  }
  return undefined;
}
