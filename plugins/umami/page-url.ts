// The page URL as Umami stores it. Umami reads the UTM tags and click ids from the URL's query
// (`searchParams.get('utm_source')`, …) into columns of 255 characters, and the hostname into one
// of 100, without cutting them (it cuts the path and query, at 500): a longer value fails in its
// database, which it answers with HTTP 500 — retried, never recorded. So those values are cut to
// what Umami stores, and a host it cannot store is left out, each said.

/** Umami's website_event utm_* and click id columns: varchar(255). */
export const MAX_URL_PARAM_LENGTH = 255;
/** Umami's website_event.hostname: varchar(100). */
export const MAX_URL_HOST_LENGTH = 100;
/** The query parameters Umami stores in their own columns (src/app/api/send/route.ts). */
export const STORED_URL_PARAMS: ReadonlySet<string> = new Set([
  'utm_source', 'utm_medium', 'utm_campaign', 'utm_content', 'utm_term', 'gclid', 'fbclid', 'msclkid', 'ttclid', 'li_fat_id', 'twclid',
]);

const characters = (text: string): number => [...text].length;

/** The stored parameters of `url` (read as Umami reads it) whose value passes 255 characters. */
function longParams(url: string): string[] {
  const long = new Set<string>();
  for (const [key, value] of new URL(url, 'https://localhost').searchParams) {
    if (STORED_URL_PARAMS.has(key) && characters(value) > MAX_URL_PARAM_LENGTH) long.add(key);
  }
  return [...long];
}

/** `url` with each `part` of its query (between `?` and `#`) replaced by `rewrite(part)` (null: left out). */
function withQueryParts(url: string, rewrite: (part: string) => string | null): string {
  const hash = url.indexOf('#');
  const start = url.indexOf('?');
  if (start === -1 || (hash !== -1 && hash < start)) return url;
  const end = hash === -1 ? url.length : hash;
  const parts = url.slice(start + 1, end).split('&').map(rewrite).filter((part): part is string => part !== null);
  return `${url.slice(0, start)}${parts.length > 0 ? `?${parts.join('&')}` : ''}${url.slice(end)}`;
}

/**
 * The page URL (one `new URL(url, 'https://localhost')` reads) fitted to what Umami stores: the
 * values of utm_source, utm_medium, utm_campaign, utm_content, utm_term and the click ids (gclid,
 * fbclid, msclkid, ttclid, li_fat_id, twclid) cut to 255 characters, the rest of the URL as it
 * was; and, when `withHost` (no config.hostname), a host over 100 characters left out (the path,
 * query and fragment sent). Each said through `warn`.
 *
 * @example
 * fittedPageUrl(`https://shop.example.com/?utm_campaign=${'x'.repeat(300)}&a=1`, true, warn);
 * // `https://shop.example.com/?utm_campaign=${'x'.repeat(255)}&a=1`, warned: 'url: utm_campaign cut to 255 characters, …'
 */
export function fittedPageUrl(url: string, withHost: boolean, warn: (message: string) => void): string {
  let fitted = url;
  const long = longParams(fitted);
  if (long.length > 0) {
    fitted = withQueryParts(fitted, (part) => {
      const [entry] = new URLSearchParams(part);
      if (entry === undefined || !long.includes(entry[0]) || characters(entry[1]) <= MAX_URL_PARAM_LENGTH) return part;
      const cut = [...entry[1]].slice(0, MAX_URL_PARAM_LENGTH).join('');
      return `${part.slice(0, part.indexOf('='))}=${encodeURIComponent(cut)}`;
    });
    // Whatever the URL parser reads differently from a part alone (a tab in the query…): left out.
    const still = longParams(fitted);
    if (still.length > 0) fitted = withQueryParts(fitted, (part) => (still.includes([...new URLSearchParams(part)][0]?.[0] ?? '') ? null : part));
    warn(`url: ${long.join(', ')} cut to ${MAX_URL_PARAM_LENGTH} characters, the most Umami stores for a UTM tag or click id (a longer one fails in its database, HTTP 500)`);
  }
  if (withHost && /^[a-z][a-z0-9+.-]*:\/\//i.test(fitted)) {
    const parsed = new URL(fitted);
    // Umami stores the hostname without its `www.` (its pattern /^www./).
    const host = parsed.hostname.replace(/^www./, '');
    if (host.length > MAX_URL_HOST_LENGTH) {
      warn(`url: the host ${JSON.stringify(`${host.slice(0, 40)}…`)} is ${host.length} characters long and Umami stores at most ${MAX_URL_HOST_LENGTH}: the URL is sent without it (set config.hostname to record a hostname)`);
      fitted = `${parsed.pathname}${parsed.search}${parsed.hash}`;
    }
  }
  return fitted;
}
