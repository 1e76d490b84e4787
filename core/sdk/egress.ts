/**
 * The core's egress rules, for plugins whose target URL is user-configured (e.g. the webhook):
 * the same address ranges the core refuses when it connects, so a plugin can refuse a bad
 * target at config time with a field error instead of dead-lettering at delivery.
 *
 * - `isPrivateAddress(address)`: loopback, private, link-local (cloud metadata), unspecified,
 *   CGNAT and IPv6 unique-local addresses (IPv4-mapped IPv6 included).
 * - `allowListMatcher(entries)`: a matcher for hostnames, IPs and CIDR ranges.
 * - `literalHostProblem(host, allowList)`: why a URL host is refused without DNS (a literal
 *   private address, `localhost`, a cloud metadata name), or null.
 * - `embeddedIPv4(address)`: the IPv4 address inside a mapped, NAT64 or 6to4 IPv6 address.
 *
 * @example
 * import { isPrivateAddress, allowListMatcher } from '../../core/sdk/index.ts';
 * isPrivateAddress('169.254.169.254'); // true
 * allowListMatcher(['10.0.0.0/8'])('erp.internal', '10.1.2.3'); // true
 */
export { allowListMatcher, embeddedIPv4, isPrivateAddress, literalHostProblem } from '../delivery/egress-guard.ts';
