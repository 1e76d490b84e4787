import { isIP } from 'node:net';
import { literalHostProblem } from '../../core/sdk/index.ts';

/**
 * SSRF guard for a user-configured target URL. Refused unless allow-listed: loopback
 * (127.0.0.0/8, ::1, `localhost`, `*.localhost`), private (10/8, 172.16/12, 192.168/16,
 * fc00::/7), link-local (169.254/16, fe80::/10), unspecified (0.0.0.0, ::), CGNAT (100.64/10),
 * the same ranges wrapped in IPv6 (IPv4-mapped, IPv4-compatible, NAT64 64:ff9b::/96, 6to4
 * 2002::/16), and cloud metadata host names. The rules are the core's (`literalHostProblem`,
 * `isPrivateAddress`), so config validation and the core's request-time checks agree.
 */

/** Why a target was refused; the core dead-letters (never retries) on it. */
export class TargetRefusedError extends Error {
  readonly code = 'SIGNAL_TARGET_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'TargetRefusedError';
  }
}

/**
 * Why a URL's host is refused, or null when it may be reached — without DNS: literal
 * addresses and known local or metadata names only. For config validation.
 *
 * @example
 * targetProblem('http://169.254.169.254/latest', []); // '"169.254.169.254" is a loopback, private or link-local address'
 * targetProblem('http://10.0.0.5/hook', ['10.0.0.0/8']); // null
 */
export function targetProblem(url: string | URL, allowList: readonly string[] = []): string | null {
  let parsed: URL;
  try {
    parsed = typeof url === 'string' ? new URL(url) : url;
  } catch {
    return 'is not an absolute URL';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return `must use http or https (got ${parsed.protocol.replace(/:$/, '')})`;
  return literalHostProblem(parsed.hostname, allowList);
}

/**
 * Throws `TargetRefusedError` when the URL is not http(s) or its host is a literal loopback,
 * private, link-local or metadata target not on the allow list; returns the parsed URL.
 * No DNS: the core checks the addresses a host name resolves to when it connects.
 *
 * @example
 * assertTargetAllowed('https://hooks.example.com/signal', []);       // URL
 * assertTargetAllowed('http://127.0.0.1:9000/hook', []);             // throws TargetRefusedError
 * assertTargetAllowed('http://127.0.0.1:9000/hook', ['127.0.0.1']);  // URL
 */
export function assertTargetAllowed(url: string | URL, allowList: readonly string[] = []): URL {
  const problem = targetProblem(url, allowList);
  if (problem === null) return typeof url === 'string' ? new URL(url) : url;
  // The message names the host only: a URL's path or query may carry a token.
  throw new TargetRefusedError(problem.startsWith('"') ? `target refused: ${problem}; add it to allow_private_targets to reach it` : `target refused: the URL ${problem}`);
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/i;

/**
 * Why an allow-list entry is unusable (not a hostname, an IP or a CIDR range, or a range that
 * allows everything), or null when it is fine.
 *
 * @example
 * allowListEntryProblem('10.0.0.0/8'); // null
 * allowListEntryProblem('10.0.0.0/33'); // 'must be a hostname, an IP address or a CIDR range …'
 */
export function allowListEntryProblem(entry: unknown): string | null {
  const usage = 'must be a hostname, an IP address or a CIDR range (e.g. erp.internal, 10.0.0.5, 10.20.0.0/16)';
  if (typeof entry !== 'string' || entry.trim() === '') return usage;
  const [network, bits, extra] = entry.split('/');
  if (extra !== undefined) return usage;
  const family = isIP(network!);
  if (bits === undefined) return family !== 0 || HOSTNAME.test(network!) ? null : usage;
  if (family === 0 || !/^\d{1,3}$/.test(bits)) return usage;
  const prefix = Number(bits);
  if (prefix > (family === 4 ? 32 : 128)) return usage;
  if (prefix === 0) return 'must not allow every address (/0): list the ranges you need';
  return null;
}
