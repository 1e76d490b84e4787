// A visitor's IP address and User-Agent as an analytics vendor counts visitors by them: both come
// from the event (context.ip and context.userAgent, which collect fills from the visitor's own
// request), and go as headers (X-Forwarded-For, User-Agent) or payload fields. Signal's own would
// make every visitor one visitor in Signal's data centre, so a value that is none is undefined
// and the caller drops the event saying why.
import { isIP } from 'node:net';

/** Header text: no control character (CR, LF, NUL…), which no real browser's header holds. */
const HEADER_TEXT = /^[^\x00-\x1f\x7f]+$/;

/**
 * The visitor's IP: one IPv4 or IPv6 address — the first of an X-Forwarded-For list (the
 * visitor's, as vendors read that header) when that one is an address; undefined for anything
 * else (`unknown`, blank, not text).
 *
 * @example
 * visitorIp('203.0.113.42, 10.0.0.1'); // '203.0.113.42'
 * visitorIp('2001:db8::1');            // '2001:db8::1'
 * visitorIp('unknown');                // undefined
 */
export function visitorIp(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const first = value.split(',')[0]!.trim();
  return isIP(first) !== 0 ? first : undefined;
}

/**
 * The visitor's User-Agent as given; undefined for blank text, text with a control character (no
 * browser's, and not writable as a header) or anything not text.
 *
 * @example
 * visitorUserAgent('Mozilla/5.0 (X11; Linux x86_64)'); // 'Mozilla/5.0 (X11; Linux x86_64)'
 * visitorUserAgent('UA\r\nX-Evil: 1');                 // undefined
 */
export function visitorUserAgent(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return HEADER_TEXT.test(value) ? value : undefined;
}

/**
 * A User-Agent as header text, byte for byte what the browser sent: Node writes header values as
 * Latin-1, so text beyond it goes as its UTF-8 bytes, one character each.
 *
 * @example
 * userAgentHeaderText('Mozilla/5.0'); // 'Mozilla/5.0'
 * userAgentHeaderText('SmartTV™/2');  // 'SmartTVâ\u0084¢/2' (the bytes E2 84 A2 of ™)
 */
export function userAgentHeaderText(userAgent: string): string {
  return /[^\x00-\xff]/.test(userAgent) ? Buffer.from(userAgent, 'utf8').toString('latin1') : userAgent;
}
