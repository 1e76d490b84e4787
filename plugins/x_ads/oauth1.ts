// OAuth 1.0a request signing (RFC 5849, HMAC-SHA1), as X's Ads API takes it: a user-context
// Authorization header computed per request from the app's consumer key and secret and a user's
// access token and secret. Pure: the timestamp and the nonce are given by the caller (derived
// from the delivery's clock and the request), so a preview shows the exact header and a second
// build of the same request signs it the same way.
import { createHash, createHmac } from 'node:crypto';

/** The four credentials of a user-context request: the app's (consumer) and the user's (token). */
export interface OAuth1Credentials {
  consumerKey: string;
  consumerSecret: string;
  token: string;
  tokenSecret: string;
}

/** What is signed of a request: its method, URL (its query included) and form parameters. */
export interface OAuth1Request {
  method: string;
  /** The absolute URL; a query in it is signed (RFC 5849 §3.4.1.3.1). */
  url: string;
  /** Query parameters sent besides the URL's own (a RequestDescriptor's `query`), in order. */
  query?: ReadonlyArray<readonly [string, string]>;
  /**
   * Parameters of an `application/x-www-form-urlencoded` body, which are signed too. A JSON
   * body is not signed (RFC 5849 §3.4.1.3.1 signs form bodies only), so none is given for one.
   */
  form?: ReadonlyArray<readonly [string, string]>;
}

/** The per-request values of the signature: when (seconds since the epoch) and a nonce unique for that second. */
export interface OAuth1Stamp {
  timestamp: number;
  nonce: string;
}

/** Characters RFC 3986 §2.3 leaves unreserved: every other byte is percent-encoded. */
const UNRESERVED = /[A-Za-z0-9\-._~]/;

/**
 * Percent-encoding as RFC 5849 §3.6 defines it: the UTF-8 bytes of every character but the
 * unreserved ones (`A–Z a–z 0–9 - . _ ~`) as `%XX` in upper-case hex. Unlike
 * `encodeURIComponent`, it encodes `! * ' ( )` too.
 *
 * @example
 * percentEncode('Hello Ladies + Gentlemen, a signed OAuth request!');
 * // 'Hello%20Ladies%20%2B%20Gentlemen%2C%20a%20signed%20OAuth%20request%21'
 */
export function percentEncode(value: string): string {
  let out = '';
  for (const char of value) {
    if (UNRESERVED.test(char)) {
      out += char;
      continue;
    }
    for (const byte of Buffer.from(char, 'utf8')) out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The base string URI (RFC 5849 §3.4.1.2): scheme and host in lower case, the port only when it
 * is not the scheme's default, the path; no query, no fragment.
 *
 * @example
 * baseStringUri('HTTP://Example.COM:80/r%20v/X?id=123'); // 'http://example.com/r%20v/X'
 */
export function baseStringUri(url: string): string {
  const parsed = new URL(url);
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  // URL drops the scheme's default port already; any other stays in `host`.
  return `${scheme}://${parsed.host.toLowerCase()}${parsed.pathname}`;
}

/**
 * The normalised parameters (RFC 5849 §3.4.1.3.2): each name and value percent-encoded, sorted
 * by name and then by value (byte order of the encoded text), joined as `name=value` with `&`.
 *
 * @example
 * normalizedParameters([['b', '2'], ['a', '1 2'], ['a', '1']]); // 'a=1&a=1%202&b=2'
 */
export function normalizedParameters(params: ReadonlyArray<readonly [string, string]>): string {
  const encoded = params.map(([name, value]) => [percentEncode(name), percentEncode(value)] as const);
  encoded.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return encoded.map(([name, value]) => `${name}=${value}`).join('&');
}

/** The query parameters of a URL, decoded as a form is (`+` a space), in order. */
function urlQuery(url: string): Array<[string, string]> {
  return [...new URL(url).searchParams.entries()];
}

/** The `oauth_*` protocol parameters of a request, without the signature, sorted by name. */
function protocolParameters(credentials: OAuth1Credentials, stamp: OAuth1Stamp): Array<[string, string]> {
  return [
    ['oauth_consumer_key', credentials.consumerKey],
    ['oauth_nonce', stamp.nonce],
    ['oauth_signature_method', 'HMAC-SHA1'],
    ['oauth_timestamp', String(stamp.timestamp)],
    ['oauth_token', credentials.token],
    ['oauth_version', '1.0'],
  ];
}

/**
 * The signature base string (RFC 5849 §3.4.1.1): the method in upper case, the base string URI
 * and the normalised parameters — the URL's query, `query`, the form's and the protocol
 * parameters given — each percent-encoded, joined with `&`.
 *
 * @example
 * signatureBaseString({ method: 'post', url: 'https://ads-api.x.com/12/measurement/conversions/o8z6j' }, [['oauth_nonce', 'n'], …]);
 * // 'POST&https%3A%2F%2Fads-api.x.com%2F12%2Fmeasurement%2Fconversions%2Fo8z6j&oauth_nonce%3Dn%26…'
 */
export function signatureBaseString(request: OAuth1Request, oauthParams: ReadonlyArray<readonly [string, string]>): string {
  const params = [...urlQuery(request.url), ...(request.query ?? []), ...(request.form ?? []), ...oauthParams];
  return [request.method.toUpperCase(), percentEncode(baseStringUri(request.url)), percentEncode(normalizedParameters(params))].join('&');
}

/**
 * HMAC-SHA1 of a base string (RFC 5849 §3.4.2), base64: the key is the encoded consumer secret
 * and the encoded token secret joined by `&`.
 *
 * @example
 * hmacSha1Signature(base, 'kd94hf93k423kf44', 'pfkkdhi9sl3r4s00'); // 'MdpQcU8iPSUjWoN/UDMsK2sui9I='
 */
export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret: string): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString, 'utf8').digest('base64');
}

/**
 * The `oauth_signature` of a request signed with `credentials` at `stamp`.
 *
 * @example
 * oauth1Signature({ method: 'POST', url }, credentials, { timestamp: 1796032800, nonce: 'a1b2…' }); // base64 HMAC-SHA1
 */
export function oauth1Signature(request: OAuth1Request, credentials: OAuth1Credentials, stamp: OAuth1Stamp): string {
  const base = signatureBaseString(request, protocolParameters(credentials, stamp));
  return hmacSha1Signature(base, credentials.consumerSecret, credentials.tokenSecret);
}

/**
 * The Authorization header of a user-context request (RFC 5849 §3.5.1), as X documents it:
 * `OAuth ` and the seven `oauth_*` parameters in alphabetical order, each value percent-encoded
 * and quoted, separated by `, `.
 *
 * @example
 * oauth1Header({ method: 'POST', url: 'https://ads-api.x.com/12/measurement/conversions/o8z6j' }, credentials, { timestamp: 1796032800, nonce: 'a1b2' });
 * // 'OAuth oauth_consumer_key="…", oauth_nonce="a1b2", oauth_signature="…%3D", oauth_signature_method="HMAC-SHA1", oauth_timestamp="1796032800", oauth_token="…", oauth_version="1.0"'
 */
export function oauth1Header(request: OAuth1Request, credentials: OAuth1Credentials, stamp: OAuth1Stamp): string {
  const params = protocolParameters(credentials, stamp);
  const signature = oauth1Signature(request, credentials, stamp);
  const all: Array<[string, string]> = [...params, ['oauth_signature', signature]];
  all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `OAuth ${all.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`).join(', ')}`;
}

/**
 * A nonce derived from what makes a request unique (its URL, body, events and time), so that
 * signing stays deterministic: 32 lower-case hex characters of a SHA-256, unreserved characters
 * only. Two requests differing in any part get different nonces; the same request built twice at
 * the same time gets the same one (the server sees it once).
 *
 * @example
 * deterministicNonce(['POST', url, body, '1796032800']); // 'f3a9…' (32 characters)
 */
export function deterministicNonce(parts: readonly string[]): string {
  const hash = createHash('sha256');
  // Each part's length before it: ['ab', 'c'] and ['a', 'bc'] give different nonces.
  for (const part of parts) hash.update(`${Buffer.byteLength(part)}:`).update(part);
  return hash.digest('hex').slice(0, 32);
}
