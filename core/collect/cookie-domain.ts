/**
 * Which `Domain` the collect endpoint's cookies get. Host-only cookies (no `Domain`) belong to
 * the host that set them: Signal on `collect.example.com` would keep the visitor and click-id
 * cookies to itself, out of reach of the vendor tags on `www.example.com` that should read
 * them. With `SIGNAL_COOKIE_DOMAIN=example.com` they are set for the whole site instead.
 */

/** A domain name as `SIGNAL_COOKIE_DOMAIN` takes it: labels of letters, digits and hyphens, at least two. */
const DOMAIN_NAME = /^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Reads `SIGNAL_COOKIE_DOMAIN`'s comma-separated domains (a leading dot is dropped, as
 * browsers do), or says what is wrong with one: undefined when all are valid.
 *
 * @example
 * parseCookieDomains('example.com, .example.de'); // { domains: ['example.com', 'example.de'] }
 * parseCookieDomains('https://example.com');      // { problem: 'has "https://example.com"; expected …' }
 */
export function parseCookieDomains(raw: string): { domains: string[] } | { problem: string } {
  const domains: string[] = [];
  for (const entry of raw.split(',').map((part) => part.trim()).filter((part) => part !== '')) {
    const domain = entry.toLowerCase().replace(/^\./, '');
    if (!DOMAIN_NAME.test(domain) || /^[\d.]+$/.test(domain)) {
      return { problem: `has "${entry}"; expected a domain name such as example.com (no scheme, port or path; not an IP address)` };
    }
    domains.push(domain);
  }
  return { domains };
}

/**
 * The configured domain a request's host belongs to (the host itself or one of its parents), or
 * undefined: then the cookie stays host-only, since a browser drops a cookie whose `Domain`
 * does not cover the host that set it. The longest match wins (`shop.example.com` before
 * `example.com`).
 *
 * @example
 * cookieDomainFor('collect.example.com', ['example.com']); // 'example.com'
 * cookieDomainFor('collect.other.org', ['example.com']);   // undefined
 */
export function cookieDomainFor(host: string | undefined, domains: readonly string[]): string | undefined {
  if (host === undefined || domains.length === 0) return undefined;
  const hostname = host.toLowerCase().replace(/\.$/, '');
  let match: string | undefined;
  for (const domain of domains) {
    if ((hostname === domain || hostname.endsWith(`.${domain}`)) && (match === undefined || domain.length > match.length)) match = domain;
  }
  return match;
}
