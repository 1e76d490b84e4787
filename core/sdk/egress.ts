/**
 * The core's egress rules, for plugins whose target URL is user-configured (e.g. the webhook):
 * the same address ranges the core refuses when it connects, so a plugin can refuse a bad
 * target at config time with a field error instead of dead-lettering at delivery.
 *
 * - `isPrivateAddress(address)`: loopback, private, link-local (cloud metadata), unspecified,
 *   CGNAT and IPv6 unique-local addresses (IPv4-mapped IPv6 included).
 * - `allowListMatcher(entries)`: a matcher for hostnames, IPs and CIDR ranges.
 *
 * @example
 * import { isPrivateAddress, allowListMatcher } from '../../core/sdk/index.ts';
 * isPrivateAddress('169.254.169.254'); // true
 * allowListMatcher(['10.0.0.0/8'])('erp.internal', '10.1.2.3'); // true
 */
export { allowListMatcher, isPrivateAddress } from '../delivery/egress-guard.ts';
