import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { definePlugin, isJsonObject, userAgentHeaderText, type CanonicalEvent, type JsonObject, type RequestDescriptor } from '../../core/sdk/index.ts';

export const CONTAINER_ORIGIN = 'https://servedby.flashtalking.com';
/** The parameters a Spotlight takes, in the order they are sent after the cachebuster. */
export const SPOTLIGHT_PARAMETERS = ['ftXRef', 'ftXValue', 'ftXCurrency', 'ftXType', ...Array.from({ length: 20 }, (_, i) => `U${i + 1}`)];

/**
 * A fresh cachebuster per request, derived from the event and the delivery time so the request
 * builder stays pure: a retry gets a new one, a preview shows the one that would be sent.
 */
export function cachebuster(eventId: string, now: number): string {
  const digest = createHash('sha256').update(`${eventId}:${now}`).digest();
  return String(digest.readUInt32BE(0) % 10_000_000).padStart(7, '0');
}

/** What an HTTP header value can carry (RFC 9110: visible ASCII, space, tab, obs-text), as undici checks it. */
const HEADER_TEXT = /^[\t\x20-\x7e\x80-\xff]*$/;
/** An RFC 6265 cookie-octet run: what a cookie value holds unquoted, with no `;` to start another cookie. */
const COOKIE_VALUE = /^[\x21\x23-\x2b\x2d-\x3a\x3c-\x5b\x5d-\x7e]+$/;

/**
 * The visitor's User-Agent as a header value, or undefined when it cannot be one.
 *
 * Flashtalking attributes the conversion by matching the User-Agent (with the IP and FTrack)
 * to the one the visitor's browser sent on its own Spotlight hits, so the header must carry
 * the bytes that browser put on the wire, not a readable variant. A browser sends a UA with
 * characters beyond Latin-1 (an in-app WebView's emoji, a smart TV's ™) as UTF-8, while undici
 * writes header text as Latin-1 and refuses anything above U+00FF: so such a UA goes as its
 * UTF-8 bytes, one character each, which puts exactly those bytes on the wire. Latin-1 text is
 * sent as it is: that is how collect read a UA from the request's own header. A control
 * character (CR, LF, NUL…) is never in a real browser's header: the header is left out. (Not
 * `visitorUserAgent` from the SDK: that one also refuses a tab, which this header has always kept.)
 *
 * @example
 * userAgentHeader('SmartTV™/2'); // 'SmartTVâ\u0084¢/2' (the bytes E2 84 A2 of ™)
 * userAgentHeader('UA\r\nX-Evil: 1'); // undefined
 */
export function userAgentHeader(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = userAgentHeaderText(value);
  return HEADER_TEXT.test(text) ? text : undefined;
}

/** `X-Forwarded-For`: only a single IP address; anything else could not locate the visitor. */
export function forwardedForHeader(value: unknown): string | undefined {
  return typeof value === 'string' && isIP(value) !== 0 && HEADER_TEXT.test(value) ? value : undefined;
}

/** `Cookie: FTrack=…`, only for a value a cookie can carry as it is (no `;`, space, quote or control character). */
export function ftrackCookieHeader(value: unknown): string | undefined {
  return typeof value === 'string' && COOKIE_VALUE.test(value) ? `FTrack=${value}` : undefined;
}

/**
 * The visitor's IP, User-Agent and FTrack cookie, so Flashtalking attributes the conversion to
 * the visitor, not to Signal's server. Each comes from the event (a visitor or an SDK chose
 * it): a value a header cannot carry is left out rather than making the request unbuildable,
 * and every field is read null-safely, as a pipeline transformation may remove `context`
 * (only messageId, type and receivedAt are protected) and one event's gap must not fail the
 * others `send` builds with it.
 */
export function visitorHeaders(event: CanonicalEvent): Record<string, string> {
  const headers: Record<string, string> = {};
  const context: unknown = event.context;
  if (!isJsonObject(context)) return headers;
  const ip = forwardedForHeader(context.ip);
  if (ip !== undefined) headers['x-forwarded-for'] = ip;
  const userAgent = userAgentHeader(context.userAgent);
  if (userAgent !== undefined) headers['user-agent'] = userAgent;
  const cookie = ftrackCookieHeader(isJsonObject(context.cookies) ? context.cookies.FTrack : undefined);
  if (cookie !== undefined) headers.cookie = cookie;
  return headers;
}

function queryOf(payload: JsonObject): Array<[string, string]> {
  const query: Array<[string, string]> = [];
  for (const name of SPOTLIGHT_PARAMETERS) {
    const value = payload[name];
    if (value !== undefined && value !== null && value !== '') query.push([name, typeof value === 'object' ? JSON.stringify(value) : String(value)]);
  }
  return query;
}

export default definePlugin({
  id: 'flashtalking',
  name: 'Flashtalking',
  category: 'advertising',
  description: 'Server-side Spotlight conversion tags for Flashtalking (Mediaocean / Innovid), unaffected by ad blockers and browser tracking prevention.',
  logo: 'logo.svg',
  version: '1.0.0',
  signal: '^0.1.0',
  config: {
    type: 'object',
    required: ['advertiser_id', 'spotlight_id', 'spotlight_group_id'],
    properties: {
      advertiser_id: { type: 'string', title: 'Advertiser ID', description: 'The numeric Advertiser ID — the number immediately after /container/.', pattern: '^[0-9]+$', examples: ['1234567'] },
      spotlight_id: { type: 'string', title: 'Spotlight ID', description: 'The numeric Spotlight ID — the number after the Advertiser ID.', pattern: '^[0-9]+$', examples: ['987654'] },
      spotlight_group_id: { type: 'string', title: 'Spotlight Group ID', description: 'The numeric Spotlight Group ID — the number after the Spotlight ID.', pattern: '^[0-9]+$', examples: ['5'] },
    },
  },
  variants: {
    default: { description: 'page → Counter (U1 = path); Order Completed → Sales; Signed Up → Counter (U1 = method); Lead Generated → Counter.', blueprint: 'flashtalking/default.yaml' },
  },
  vendorFields: {
    spotlight_type: { required: true, description: 'Counter or Sales.' },
    ftXRef: { required: false, description: 'Order / transaction reference.' },
    ftXValue: { required: false, description: 'Transaction amount / conversion value.' },
    ftXCurrency: { required: false, description: 'ISO currency code.' },
    ftXType: { required: false, description: 'Conversion / order type classification.' },
    ...Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`U${i + 1}`, { required: false, description: 'Advertiser-defined custom variable.' }])),
  },
  consent: ['advertising'],
  rateLimit: { rps: 50 },
  batch: { maxEvents: 1, maxBytes: 8_000 },
  cookies: ['FTrack'],
  send: (batch, ctx) =>
    batch.map((mapped): RequestDescriptor => {
      const { advertiser_id: advertiser, spotlight_id: spotlight, spotlight_group_id: group } = ctx.config;
      return {
        method: 'GET',
        url: `${CONTAINER_ORIGIN}/container/${String(advertiser)};${String(spotlight)};${String(group)};num/`,
        query: [['cachebuster', cachebuster(mapped.id, ctx.now)], ...queryOf(mapped.payload)],
        headers: visitorHeaders(mapped.event),
        eventIds: [mapped.id],
      };
    }),
});
