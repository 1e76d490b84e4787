// Where an object goes: the bucket's endpoint (AWS's regional S3 endpoint, or a custom one for
// S3-compatible stores), virtual-hosted or path style, and the object's URL with its key
// encoded as SigV4 signs it. Also the checks of those config fields, for validateConfig.
import { isIP } from 'node:net';
import { allowListMatcher, embeddedIPv4, isPrivateAddress, literalHostProblem, trimmedText, uriEncode, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';

export const URL_STYLES = ['virtual_hosted', 'path'] as const;
export type UrlStyle = (typeof URL_STYLES)[number];

/** AWS Regions: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`… */
const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d{1,2}$/;
/** The ISO Regions (`us-iso-east-1`, `us-isob-east-1`): their S3 endpoints are not under amazonaws.com. */
const ISO_REGION = /^[a-z]{2}-iso[a-z]?-/;
/**
 * General purpose bucket names (S3 User Guide, "General purpose bucket naming rules"): 3–63
 * characters, lower-case letters, digits, dots and hyphens, starting and ending with a letter
 * or digit, no two adjacent dots, not shaped like an IP address, without the reserved prefixes
 * and suffixes. S3-compatible stores follow the same rules.
 */
export const BUCKET_PATTERN = '^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$';
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'];

/** The config fields that say where objects go. */
export interface TargetConfig {
  bucket: string;
  region: string;
  urlStyle: UrlStyle;
  /** A custom endpoint's origin (`https://<account>.r2.cloudflarestorage.com`), or undefined for AWS. */
  endpoint: URL | undefined;
}

/**
 * The target fields of a config as `send` reads them (validated at install: bad values are
 * not expected here, and throw).
 *
 * @example
 * targetOf({ bucket: 'acme-events', region: 'eu-west-1' });
 * // { bucket: 'acme-events', region: 'eu-west-1', urlStyle: 'virtual_hosted', endpoint: undefined }
 */
export function targetOf(config: Record<string, JsonValue>): TargetConfig {
  const endpoint = trimmedText(config.endpoint);
  return {
    bucket: String(config.bucket),
    region: String(config.region),
    urlStyle: urlStyleOf(config),
    endpoint: endpoint === undefined ? undefined : new URL(endpoint),
  };
}

/**
 * The URL style: as configured, else virtual-hosted for Amazon S3 (AWS's default) and path
 * style with a custom endpoint — what MinIO, Ceph and most S3-compatible stores answer without
 * a wildcard DNS name for their buckets (Cloudflare R2 takes both).
 *
 * @example
 * urlStyleOf({ endpoint: 'http://minio.internal:9000' }); // 'path'
 */
export function urlStyleOf(config: Record<string, JsonValue>): UrlStyle {
  if (config.url_style === 'path' || config.url_style === 'virtual_hosted') return config.url_style;
  return trimmedText(config.endpoint) === undefined ? 'virtual_hosted' : 'path';
}

/** AWS's regional S3 host: `s3.<region>.amazonaws.com`, `.amazonaws.com.cn` in the China Regions. */
export function awsS3Host(region: string): string {
  return `s3.${region}.amazonaws.${region.startsWith('cn-') ? 'com.cn' : 'com'}`;
}

/**
 * The URL of an object: `https://<bucket>.s3.<region>.amazonaws.com/<key>` (virtual-hosted),
 * `https://s3.<region>.amazonaws.com/<bucket>/<key>` (path style), or the same on a custom
 * endpoint. The key is URI-encoded once, slashes kept, exactly as the signature's canonical
 * path (`canonicalPath`), so what is sent is what was signed.
 *
 * @example
 * objectUrl({ bucket: 'acme-events', region: 'eu-west-1', urlStyle: 'virtual_hosted', endpoint: undefined }, 'signal/dt=2024-03-24/a.ndjson');
 * // { url: 'https://acme-events.s3.eu-west-1.amazonaws.com/signal/dt%3D2024-03-24/a.ndjson', host: 'acme-events.s3.eu-west-1.amazonaws.com', canonicalPath: '/signal/dt%3D2024-03-24/a.ndjson' }
 */
export function objectUrl(target: TargetConfig, key: string): { url: string; host: string; canonicalPath: string } {
  // The URL parser removes "." and ".." segments from a path; S3 signs the path as written, so
  // such a key would be sent to another path than the one signed (and another object).
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) throw new Error('an object key must not have "." or ".." segments: the URL parser would remove them from the path that was signed');
  const protocol = target.endpoint?.protocol ?? 'https:';
  // URL.host: the name, and the port only when it is not the scheme's default — as the Host header goes.
  const serviceHost = target.endpoint?.host ?? awsS3Host(target.region);
  const encodedKey = uriEncode(key, true);
  const host = target.urlStyle === 'virtual_hosted' ? `${target.bucket}.${serviceHost}` : serviceHost;
  const canonicalPath = target.urlStyle === 'virtual_hosted' ? `/${encodedKey}` : `/${target.bucket}/${encodedKey}`;
  return { url: `${protocol}//${host}${canonicalPath}`, host, canonicalPath };
}

/** Why a bucket name is refused, beyond the schema's pattern, or null. */
function bucketProblem(bucket: string): string | null {
  if (!new RegExp(BUCKET_PATTERN).test(bucket)) return 'must be 3 to 63 lower-case letters, digits, dots or hyphens, starting and ending with a letter or digit (S3\'s bucket naming rules)';
  if (bucket.includes('..')) return 'must not have two dots in a row';
  if (isIP(bucket) === 4) return 'must not be formatted as an IP address';
  const prefix = RESERVED_PREFIXES.find((p) => bucket.startsWith(p));
  if (prefix) return `must not start with "${prefix}" (reserved by S3)`;
  const suffix = RESERVED_SUFFIXES.find((s) => bucket.endsWith(s));
  if (suffix) return `must not end with "${suffix}" (reserved by S3)`;
  return null;
}

/**
 * Problems of the target fields: the bucket name, an AWS region (not an ISO Region; any region
 * name with a custom endpoint: R2 uses `auto`), the endpoint (an https origin; a private
 * address, or http, only with `allow_private_endpoint`; never a cloud metadata host or a
 * link-local address), and a virtual-hosted style that cannot work (a bucket with dots over
 * HTTPS, an endpoint given as an IP address).
 *
 * @example
 * targetProblems({ bucket: 'acme.events', region: 'eu-west-1' });
 * // [{ field: 'url_style', message: 'must be path for a bucket whose name has dots: …' }]
 */
export function targetProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const bucket = typeof config.bucket === 'string' ? config.bucket : '';
  const bucketIssue = bucketProblem(bucket);
  if (bucketIssue) problems.push({ field: 'bucket', message: bucketIssue });
  const region = typeof config.region === 'string' ? config.region : '';
  const endpointText = trimmedText(config.endpoint);
  let endpoint: URL | undefined;
  if (endpointText !== undefined) {
    try {
      endpoint = new URL(endpointText);
    } catch {
      problems.push({ field: 'endpoint', message: 'must be an absolute http or https URL, e.g. https://<account_id>.r2.cloudflarestorage.com' });
    }
  }
  if (endpoint) {
    if (endpoint.protocol !== 'https:' && endpoint.protocol !== 'http:') problems.push({ field: 'endpoint', message: `must use http or https (got ${endpoint.protocol.replace(/:$/, '')})` });
    else if (endpoint.username !== '' || endpoint.password !== '') problems.push({ field: 'endpoint', message: 'must not carry credentials: they go in access_key_id and secret_access_key' });
    else if ((endpoint.pathname !== '/' && endpoint.pathname !== '') || endpoint.search !== '' || endpoint.hash !== '') problems.push({ field: 'endpoint', message: `must be the store's origin only (scheme, host and port), without a path or query: ${endpoint.origin}` });
    else {
      const problem = endpointHostProblem(endpoint, config.allow_private_endpoint === true);
      if (problem) problems.push({ field: 'endpoint', message: problem });
    }
    if (urlStyleOf(config) !== 'path' && isIP(endpoint.hostname.replace(/^\[|\]$/g, '')) !== 0) {
      problems.push({ field: 'url_style', message: 'must be path when the endpoint is an IP address (a virtual-hosted URL puts the bucket in the host name)' });
    }
  }
  if (!/^[a-z0-9-]{1,32}$/.test(region)) problems.push({ field: 'region', message: 'must be a region name such as eu-west-1 (lower-case letters, digits and hyphens)' });
  else if (endpointText === undefined && ISO_REGION.test(region)) problems.push({ field: 'region', message: `"${region}" is an AWS ISO Region, whose S3 endpoints are not under amazonaws.com: not supported` });
  else if (endpointText === undefined && !AWS_REGION.test(region)) problems.push({ field: 'region', message: `must be an AWS Region code such as us-east-1 or eu-west-1, the Region of the bucket (got "${region}"); a store other than AWS needs endpoint too` });
  // A bucket named with dots does not match S3's wildcard certificate in a virtual-hosted URL
  // (*.s3.<region>.amazonaws.com covers one label): S3 recommends path style for them over HTTPS.
  if (bucketIssue === null && bucket.includes('.') && urlStyleOf(config) !== 'path' && (endpoint?.protocol ?? 'https:') === 'https:') {
    problems.push({ field: 'url_style', message: 'must be path for a bucket whose name has dots: over HTTPS a virtual-hosted URL (<bucket>.s3.<region>.amazonaws.com) does not match the certificate' });
  }
  return problems;
}

/** Names of cloud metadata services: never a store. */
const METADATA_HOSTS = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** An address as a number (IPv4 or IPv6, `::` expanded). */
function addressBits(address: string): bigint {
  if (isIP(address) === 4) return address.split('.').reduce((n, part) => (n << 8n) | BigInt(part), 0n);
  const [head = '', tail] = address.split('::');
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return all.reduce((n, group) => (n << 16n) | BigInt(Number.parseInt(group, 16)), 0n);
}

function addressText(bits: bigint, family: 4 | 6): string {
  if (family === 4) return [24n, 16n, 8n, 0n].map((shift) => String((bits >> shift) & 255n)).join('.');
  return [112n, 96n, 80n, 64n, 48n, 32n, 16n, 0n].map((shift) => ((bits >> shift) & 0xffffn).toString(16)).join(':');
}

/**
 * The CIDR ranges covering `network/prefix` except one address: at each depth below the
 * prefix, the half that does not hold it (an allow list cannot say "except").
 *
 * @example
 * rangeWithout('10.0.0.0', 30, '10.0.0.1'); // ['10.0.0.2/31', '10.0.0.0/32']
 */
export function rangeWithout(network: string, prefix: number, hole: string): string[] {
  const family = isIP(network) === 4 ? 4 : 6;
  const size = family === 4 ? 32 : 128;
  const address = addressBits(hole);
  const ranges: string[] = [];
  for (let length = prefix + 1; length <= size; length += 1) {
    const shift = BigInt(size - length);
    ranges.push(`${addressText(((address >> shift) ^ 1n) << shift, family)}/${length}`);
  }
  return ranges;
}

/**
 * What `allow_private_endpoint` opens: the private networks a store on your own network lives
 * in — loopback, RFC 1918, CGNAT (Tailscale and other overlays) and IPv6 unique-local — and
 * nothing else: not link-local (169.254.0.0/16, fe80::/10, where cloud metadata answers), not
 * AWS's IPv6 metadata address fd00:ec2::254, not Alibaba Cloud's 100.100.100.200, nor the
 * special-purpose ranges the core refuses. Ranges, not the endpoint's host name: the core's
 * guard checks every address the name resolves to against them when it connects.
 */
export const PRIVATE_NETWORKS: readonly string[] = Object.freeze([
  '127.0.0.0/8', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', ...rangeWithout('100.64.0.0', 10, '100.100.100.200'),
  '::1/128', ...rangeWithout('fc00::', 7, 'fd00:ec2::254'),
]);

/**
 * Why an endpoint's host (and scheme) is refused, or null:
 * - a cloud metadata name or an address outside `PRIVATE_NETWORKS` that the core refuses
 *   (link-local, metadata, special-purpose): always, whatever the flag;
 * - another private address, `localhost`: unless `allow_private_endpoint`;
 * - plain http: only with `allow_private_endpoint` (a store on your own network), never to a
 *   public address — over http the objects and the signed request travel in clear.
 */
function endpointHostProblem(endpoint: URL, allowPrivate: boolean): string | null {
  const bare = endpoint.hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.+$/, '');
  if (METADATA_HOSTS.has(bare)) return `"${endpoint.hostname}" is a cloud metadata host, never a store (even with allow_private_endpoint)`;
  const literal = isIP(bare) !== 0;
  const address = literal ? (embeddedIPv4(bare) ?? bare) : undefined;
  if (address !== undefined && isPrivateAddress(address) && !allowListMatcher(PRIVATE_NETWORKS)(address)) {
    return `"${endpoint.hostname}" is a link-local, cloud metadata or special-purpose address, never a store (even with allow_private_endpoint)`;
  }
  if (!allowPrivate) {
    const problem = literalHostProblem(endpoint.hostname, []);
    if (problem) return `${problem}; set allow_private_endpoint to reach a store on your own network`;
    if (endpoint.protocol === 'http:') return 'must use https: over http the objects and the signed request would cross the internet in clear (http only for a store on your own network, with allow_private_endpoint)';
  } else if (endpoint.protocol === 'http:' && address !== undefined && !isPrivateAddress(address)) {
    return `must use https for the public address "${endpoint.hostname}": over http the objects would cross the internet in clear`;
  }
  return null;
}

/** What a custom endpoint may reach although private, when the config allows it: `PRIVATE_NETWORKS`. */
export function privateTargetsOf(config: Record<string, JsonValue>): string[] {
  return config.allow_private_endpoint === true && trimmedText(config.endpoint) !== undefined ? [...PRIVATE_NETWORKS] : [];
}
