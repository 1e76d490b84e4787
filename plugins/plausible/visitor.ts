// The visitor's IP address and User-Agent, as the two headers Plausible counts unique visitors
// by ("Unique visitor tracking": its user_id is a daily-salted hash of the User-Agent, the IP
// address, the domain and the URL's root domain). Both come from the event (context.ip and
// context.userAgent, which collect fills from the visitor's request): the values of Signal's own
// server would make every event one visitor in Signal's data centre, which Plausible's bot
// filtering drops.
import { isIP } from 'node:net';
import type { JsonValue } from '../../core/sdk/index.ts';

/** Header text: no control character (CR, LF, NUL…), which no real browser's header holds. */
const HEADER_TEXT = /^[^\x00-\x1f\x7f]+$/;

/**
 * The `X-Forwarded-For` value for a visitor's IP: one IPv4 or IPv6 address (Plausible takes the
 * first valid address of a list, so a list of proxies is cut to its first entry when that one is
 * an address); undefined for anything else.
 *
 * @example
 * forwardedFor('203.0.113.42');               // '203.0.113.42'
 * forwardedFor('203.0.113.42, 10.0.0.1');     // '203.0.113.42'
 * forwardedFor('unknown');                    // undefined
 */
export function forwardedFor(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const first = value.split(',')[0]!.trim();
  return isIP(first) !== 0 ? first : undefined;
}

/**
 * The `User-Agent` value for a visitor's user agent, byte for byte: Node writes header text as
 * Latin-1, so text beyond it goes as its UTF-8 bytes, one character each (what the browser
 * sent); a value with a control character is no browser's and is undefined, as is blank text.
 *
 * @example
 * userAgentHeader('Mozilla/5.0 (X11; Linux x86_64)'); // 'Mozilla/5.0 (X11; Linux x86_64)'
 * userAgentHeader('UA\r\nX-Evil: 1');                 // undefined
 */
export function userAgentHeader(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = /[^\x00-\xff]/.test(value) ? Buffer.from(value, 'utf8').toString('latin1') : value;
  return HEADER_TEXT.test(text) ? text : undefined;
}
