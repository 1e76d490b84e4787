import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a vendor request must not reach unless allow-listed (SSRF): loopback, private,
 * link-local (cloud metadata lives there), unspecified, CGNAT and IPv6 unique-local.
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
// No ::ffff:0:0/96 rule: BlockList would then match every IPv4 address; mapped addresses are unwrapped below.
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10]] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return false;
  if (family === 6 && address.toLowerCase().startsWith('::ffff:')) {
    const v4 = address.slice(7);
    if (isIP(v4) === 4) return BLOCKED.check(v4, 'ipv4');
  }
  return BLOCKED.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

/** Builds a matcher for an allow list of hostnames, IPs and CIDR ranges. */
export function allowListMatcher(entries: readonly string[]): (host: string, address?: string) => boolean {
  const list = new BlockList();
  const names = new Set<string>();
  for (const entry of entries) {
    const [network, bits] = entry.split('/');
    const family = isIP(network ?? '');
    if (family === 0) names.add(entry.toLowerCase());
    else if (bits === undefined) list.addAddress(network!, family === 4 ? 'ipv4' : 'ipv6');
    else list.addSubnet(network!, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  return (host, address) => {
    if (names.has(host.toLowerCase().replace(/^\[|\]$/g, ''))) return true;
    const candidate = address ?? host.replace(/^\[|\]$/g, '');
    const family = isIP(candidate);
    return family !== 0 && list.check(candidate, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/** Why a literal host is refused, or null when it is fine (no DNS: for config validation). */
export function literalHostProblem(host: string, allowList: readonly string[] = []): string | null {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (allowListMatcher(allowList)(bare)) return null;
  if (bare === 'localhost' || bare.endsWith('.localhost') || bare === 'metadata.google.internal') return `"${host}" is a local or metadata host`;
  if (isPrivateAddress(bare)) return `"${host}" is a loopback, private or link-local address`;
  return null;
}

export class EgressRefusedError extends Error {
  constructor(host: string, address: string) {
    super(`refused to connect to ${host} (${address}): loopback, private and link-local targets must be allow-listed`);
    this.name = 'EgressRefusedError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `dns.lookup` replacement for the HTTP agent: resolves, then refuses private addresses that
 * are not allow-listed. Checking at connect time (not before the request) closes the DNS
 * rebinding gap.
 */
export function guardedLookup(allowList: readonly string[] = []) {
  const allowed = allowListMatcher(allowList);
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, []);
      const list = addresses as LookupAddress[];
      for (const entry of list) {
        if (isPrivateAddress(entry.address) && !allowed(hostname, entry.address)) {
          return callback(Object.assign(new EgressRefusedError(hostname, entry.address), { code: 'EGRESS_REFUSED' }), []);
        }
      }
      if (options.all) callback(null, list);
      else callback(null, list[0]!.address, list[0]!.family);
    });
  };
}
