import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/**
 * Addresses a vendor request must not reach unless allow-listed (SSRF): loopback, private,
 * link-local (cloud metadata lives there), unspecified, CGNAT, IPv6 unique-local and site-local,
 * and the special-purpose ranges that lead somewhere internal in some deployments (IETF
 * protocol assignments 192.0.0.0/24 — an older cloud metadata address lives there —, the
 * benchmarking range 198.18.0.0/15 that DNS proxies hand out as fake addresses, multicast,
 * reserved, broadcast) — and the same IPv4 ranges wrapped in IPv6 (mapped, compatible, NAT64
 * both well-known and local-use, 6to4), unwrapped below. No vendor API lives in any of them.
 */
const BLOCKED = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16],
  ['192.0.0.0', 24], ['198.18.0.0', 15], ['224.0.0.0', 3],
] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv4');
}
// No ::ffff:0:0/96 rule: BlockList would then match every IPv4 address.
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8]] as const) {
  BLOCKED.addSubnet(network, prefix, 'ipv6');
}

/** Names of local and cloud metadata services (their addresses, e.g. 169.254.169.254, are link-local). */
const LOCAL_HOSTS = new Set(['localhost', 'metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** A host as the URL parser gives it, made comparable: lowercase, no brackets, no zone, no trailing dot. */
function bareHost(host: string): string {
  return host.toLowerCase().replace(/^\[|\]$/g, '').replace(/%.*$/, '').replace(/\.+$/, '');
}

/** The 8 groups of an IPv6 address (with an embedded dotted quad expanded), or null. */
function ipv6Groups(address: string): number[] | null {
  if (isIP(address) !== 6) return null;
  let text = address.split('%')[0]!;
  const quad = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad[1]!.split('.').map(Number) as [number, number, number, number];
    text = `${text.slice(0, -quad[1]!.length)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.split('::') as [string, string | undefined];
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((g) => Number.parseInt(g, 16)));
  const left = parse(head);
  const right = tail === undefined ? [] : parse(tail);
  const groups = tail === undefined ? left : [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 ? groups : null;
}

/**
 * The IPv4 address an IPv6 address carries (mapped, compatible, NAT64 64:ff9b::/96 and
 * 64:ff9b:1::/48, 6to4 2002::/16), if any.
 *
 * @example
 * embeddedIPv4('64:ff9b::a9fe:a9fe'); // '169.254.169.254'
 * embeddedIPv4('2606:4700::1111');    // null
 */
export function embeddedIPv4(address: string): string | null {
  const g = ipv6Groups(address);
  if (!g) return null;
  const v4 = (hi: number, lo: number) => `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return v4(g[6]!, g[7]!); // ::ffff:a.b.c.d, ::a.b.c.d
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6]!, g[7]!); // NAT64
  if (g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1) return v4(g[6]!, g[7]!); // local-use NAT64 64:ff9b:1::/48 (RFC 8215)
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!); // 6to4
  return null;
}

/**
 * True for a loopback, private, link-local, unspecified, CGNAT or unique-local address, also
 * when wrapped in IPv6 or written in brackets. Not an address: false.
 *
 * @example
 * isPrivateAddress('169.254.169.254');    // true
 * isPrivateAddress('[::ffff:127.0.0.1]'); // true
 * isPrivateAddress('93.184.215.14');      // false
 */
export function isPrivateAddress(address: string): boolean {
  const bare = bareHost(address);
  const family = isIP(bare);
  if (family === 0) return false;
  if (family === 4) return BLOCKED.check(bare, 'ipv4');
  if (BLOCKED.check(bare, 'ipv6')) return true;
  const v4 = embeddedIPv4(bare);
  return v4 !== null && BLOCKED.check(v4, 'ipv4');
}

/**
 * Builds a matcher for an allow list of hostnames, IPs and CIDR ranges.
 *
 * @example
 * allowListMatcher(['10.0.0.0/8', 'erp.internal'])('erp.internal'); // true
 */
export function allowListMatcher(entries: readonly string[]): (host: string, address?: string) => boolean {
  // Called per request with the integration's list: building a BlockList each time costs more
  // than the request's own bookkeeping, so matchers are kept per list (a few per deployment).
  const key = entries.join('\n');
  let matcher = matchers.get(key);
  if (!matcher) {
    if (matchers.size >= 256) matchers.clear();
    matcher = buildAllowListMatcher(entries);
    matchers.set(key, matcher);
  }
  return matcher;
}

const matchers = new Map<string, (host: string, address?: string) => boolean>();

function buildAllowListMatcher(entries: readonly string[]): (host: string, address?: string) => boolean {
  const list = new BlockList();
  const names = new Set<string>();
  for (const entry of entries) {
    const [network, bits] = entry.split('/');
    const family = isIP(network ?? '');
    if (family === 0) names.add(bareHost(entry));
    else if (bits === undefined) list.addAddress(network!, family === 4 ? 'ipv4' : 'ipv6');
    else list.addSubnet(network!, Number(bits), family === 4 ? 'ipv4' : 'ipv6');
  }
  return (host, address) => {
    if (names.has(bareHost(host))) return true;
    const candidate = address ?? bareHost(host);
    const family = isIP(candidate);
    return family !== 0 && list.check(candidate, family === 4 ? 'ipv4' : 'ipv6');
  };
}

/**
 * Why a URL host is refused without DNS — a literal private address, `localhost`, `*.localhost`
 * or a cloud metadata name, not allow-listed — or null when it may be tried. The HTTP performer
 * runs it before every guarded request (undici does no lookup for a literal address, so the
 * connect-time guard alone would miss one); plugins run it at config time.
 *
 * @example
 * literalHostProblem('[::ffff:127.0.0.1]');           // '"[::ffff:127.0.0.1]" is a loopback, private or link-local address'
 * literalHostProblem('127.0.0.1', ['127.0.0.0/8']);   // null
 */
export function literalHostProblem(host: string, allowList: readonly string[] = []): string | null {
  const bare = bareHost(host);
  const problem = LOCAL_HOSTS.has(bare) || bare.endsWith('.localhost') ? `"${host}" is a local or cloud metadata host`
    : isPrivateAddress(bare) ? `"${host}" is a loopback, private or link-local address`
    : null;
  return problem !== null && allowListMatcher(allowList)(bare) ? null : problem;
}

export class EgressRefusedError extends Error {
  constructor(host: string, address: string) {
    super(`refused to connect to ${host} (${address}): loopback, private and link-local targets must be allow-listed`);
    this.name = 'EgressRefusedError';
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/** Resolves a host name to all its addresses (`dns.lookup` with `all: true` by default). */
export type Resolver = (hostname: string, options: LookupOptions, callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void) => void;

const systemResolver: Resolver = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => callback(error, addresses ?? []));
};

/**
 * A `dns.lookup` replacement for the HTTP agent: resolves, then refuses the host when any of
 * its addresses is private (wrapped IPv4 included) and not allow-listed by name, address or
 * range. Checking at connect time (not before the request) closes the DNS rebinding gap.
 *
 * @example
 * new Agent({ connect: { lookup: guardedLookup(['10.20.0.0/16']) } });
 */
export function guardedLookup(allowList: readonly string[] = [], resolve: Resolver = systemResolver) {
  const allowed = allowListMatcher(allowList);
  return (hostname: string, options: LookupOptions, callback: LookupCallback): void => {
    resolve(hostname, options, (error, list) => {
      if (error) return callback(error, []);
      if (list.length === 0) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), []);
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
