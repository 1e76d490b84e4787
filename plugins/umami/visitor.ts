// The visitor's IP address and User-Agent. Umami's session id is a hash of the website, the IP,
// the User-Agent and a monthly salt; it reads the browser, OS and device from the User-Agent,
// the location from the IP, and answers {"beep":"boop"} (recording nothing) for a bot's
// User-Agent. Both come from the event (context.ip and context.userAgent, which collect fills
// from the visitor's request): Signal's own would make every visitor one session in Signal's
// data centre.
import { isIP } from 'node:net';
import type { JsonValue } from '../../core/sdk/index.ts';

/** Header text: no control character (CR, LF, NUL…), which no real browser's header holds. */
const HEADER_TEXT = /^[^\x00-\x1f\x7f]+$/;

/**
 * The visitor's IP as Umami takes it: one IPv4 or IPv6 address (the first of an
 * X-Forwarded-For list, as Umami reads that header); undefined for anything else.
 *
 * @example
 * visitorIp('203.0.113.42, 10.0.0.1'); // '203.0.113.42'
 * visitorIp('unknown');                // undefined
 */
export function visitorIp(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string') return undefined;
  const first = value.split(',')[0]!.trim();
  return isIP(first) !== 0 ? first : undefined;
}

/**
 * The visitor's User-Agent; undefined for blank text or text with a control character (no
 * browser's, and not writable as a header).
 *
 * @example
 * visitorUserAgent('Mozilla/5.0 (X11; Linux x86_64)'); // 'Mozilla/5.0 (X11; Linux x86_64)'
 * visitorUserAgent('UA\r\nX-Evil: 1');                 // undefined
 */
export function visitorUserAgent(value: JsonValue | undefined): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  return HEADER_TEXT.test(value) ? value : undefined;
}

/**
 * The User-Agent as header text: Node writes header values as Latin-1, so text beyond it goes as
 * its UTF-8 bytes, one character each (what the browser sent).
 *
 * @example
 * userAgentHeader('Mozilla/5.0'); // 'Mozilla/5.0'
 */
export function userAgentHeader(userAgent: string): string {
  return /[^\x00-\xff]/.test(userAgent) ? Buffer.from(userAgent, 'utf8').toString('latin1') : userAgent;
}
