import { isIP } from 'node:net';

/** `context.ip`'s cap in the event schema; a server-filled value keeps to it as well. */
export const MAX_IP_LENGTH = 64;

/** `203.0.113.9:52144` and `[2001:db8::1]:443`: entries some proxies write with the port. */
const WITH_PORT = /^(?:(\d{1,3}(?:\.\d{1,3}){3}):\d{1,5}|\[([^\]]+)\](?::\d{1,5})?)$/;

function asAddress(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  const match = WITH_PORT.exec(trimmed);
  const bare = match ? (match[1] ?? match[2] ?? '') : trimmed;
  // isIP accepts an IPv6 zone of any length (`fe80::1%…`): the cap still applies.
  return isIP(bare) !== 0 && bare.length <= MAX_IP_LENGTH ? bare : undefined;
}

/**
 * The client address stored as `context.ip`: the one Fastify derived (a trusted proxy's
 * `X-Forwarded-For` entry, else the socket's) when it is an IP address, else the socket's.
 *
 * A forwarded entry that is no address (a misconfigured or forged header, 3,000 characters of
 * it) is not kept, not even cut to 64 characters: a cut string is no address either, and
 * geo-IP lookups and vendors (Flashtalking forwards it) want an address. The socket's address
 * (the proxy's) is a real one the gateway saw. A port some proxies append is dropped.
 *
 * @example
 * clientIp('203.0.113.9', '10.0.0.2');        // '203.0.113.9'
 * clientIp('203.0.113.9:52144', '10.0.0.2');  // '203.0.113.9'
 * clientIp('x'.repeat(3000), '10.0.0.2');     // '10.0.0.2'
 */
export function clientIp(derived: string | undefined, socketAddress: string | undefined): string {
  // The socket's address is always an IP address; it is gone only with the socket itself.
  return asAddress(derived) ?? socketAddress ?? '';
}
