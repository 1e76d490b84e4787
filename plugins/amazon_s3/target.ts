// Where an object goes: the bucket's endpoint (AWS's regional S3 endpoint, or a custom one for
// S3-compatible stores), virtual-hosted or path style, and the object's URL with its key
// encoded as SigV4 signs it. Also the checks of those config fields, for validateConfig.
import { isIP } from 'node:net';
import { literalHostProblem, type ConfigProblem, type JsonValue } from '../../core/sdk/index.ts';
import { uriEncode } from './sigv4.ts';

export const URL_STYLES = ['virtual_hosted', 'path'] as const;
export type UrlStyle = (typeof URL_STYLES)[number];

/** AWS Regions: `us-east-1`, `eu-central-2`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-5`… */
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
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

const text = (value: JsonValue | undefined): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

/**
 * The target fields of a config as `send` reads them (validated at install: bad values are
 * not expected here, and throw).
 *
 * @example
 * targetOf({ bucket: 'acme-events', region: 'eu-west-1' });
 * // { bucket: 'acme-events', region: 'eu-west-1', urlStyle: 'virtual_hosted', endpoint: undefined }
 */
export function targetOf(config: Record<string, JsonValue>): TargetConfig {
  const endpoint = text(config.endpoint);
  return {
    bucket: String(config.bucket),
    region: String(config.region),
    urlStyle: config.url_style === 'path' ? 'path' : 'virtual_hosted',
    endpoint: endpoint === undefined ? undefined : new URL(endpoint),
  };
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
 * Problems of the target fields: the bucket name, an AWS region (or any region name with a
 * custom endpoint: R2 uses `auto`), the endpoint (an http(s) origin, not a private address
 * unless `allow_private_endpoint`), and a virtual-hosted style that cannot work (a bucket with
 * dots over HTTPS, an endpoint given as an IP address).
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
  const endpointText = text(config.endpoint);
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
      const hostProblem = config.allow_private_endpoint === true ? null : literalHostProblem(endpoint.hostname, []);
      if (hostProblem) problems.push({ field: 'endpoint', message: `${hostProblem}; set allow_private_endpoint to reach a store on your own network` });
    }
    if (config.url_style !== 'path' && isIP(endpoint.hostname.replace(/^\[|\]$/g, '')) !== 0) {
      problems.push({ field: 'url_style', message: 'must be path when the endpoint is an IP address (a virtual-hosted URL puts the bucket in the host name)' });
    }
  }
  if (!/^[a-z0-9-]{1,32}$/.test(region)) problems.push({ field: 'region', message: 'must be a region name such as eu-west-1 (lower-case letters, digits and hyphens)' });
  else if (endpointText === undefined && !AWS_REGION.test(region)) problems.push({ field: 'region', message: `must be an AWS Region code such as us-east-1 or eu-west-1, the Region of the bucket (got "${region}"); a store other than AWS needs endpoint too` });
  // A bucket named with dots does not match S3's wildcard certificate in a virtual-hosted URL
  // (*.s3.<region>.amazonaws.com covers one label): S3 recommends path style for them over HTTPS.
  if (bucketIssue === null && bucket.includes('.') && config.url_style !== 'path' && (endpoint?.protocol ?? 'https:') === 'https:') {
    problems.push({ field: 'url_style', message: 'must be path for a bucket whose name has dots: over HTTPS a virtual-hosted URL (<bucket>.s3.<region>.amazonaws.com) does not match the certificate' });
  }
  return problems;
}

/** Hosts a custom endpoint may reach although private (its own host), when the config allows it. */
export function privateTargetsOf(config: Record<string, JsonValue>): string[] {
  const endpoint = text(config.endpoint);
  if (config.allow_private_endpoint !== true || endpoint === undefined) return [];
  try {
    const host = new URL(endpoint).hostname.replace(/^\[|\]$/g, '');
    // Virtual-hosted: the bucket's name goes in front of the endpoint's host.
    return config.url_style === 'path' || isIP(host) !== 0 ? [host] : [host, `${String(config.bucket)}.${host}`];
  } catch {
    return [];
  }
}
