// Braze's REST endpoints: one per instance ("cluster"), as its API and SDK endpoints page lists
// them, or a custom one for an instance that page does not list yet (a dedicated installation,
// a new cluster) — restricted to Braze's REST hosts (`rest.<cluster>.braze.com` or `.eu`), so
// the REST API key never leaves for another server, nor for a Braze host that is no REST API
// (the dashboard, the SDK endpoints, the website).
import type { JsonValue } from '../../core/sdk/index.ts';

/** The documented instances and their REST endpoints (Braze: API and SDK endpoints, in that page's order). */
export const INSTANCES = [
  ['US-01', 'https://rest.iad-01.braze.com'],
  ['US-02', 'https://rest.iad-02.braze.com'],
  ['US-03', 'https://rest.iad-03.braze.com'],
  ['US-04', 'https://rest.iad-04.braze.com'],
  ['US-05', 'https://rest.iad-05.braze.com'],
  ['US-06', 'https://rest.iad-06.braze.com'],
  ['US-07', 'https://rest.iad-07.braze.com'],
  ['US-08', 'https://rest.iad-08.braze.com'],
  ['US-10', 'https://rest.us-10.braze.com'],
  ['EU-01', 'https://rest.fra-01.braze.eu'],
  ['EU-02', 'https://rest.fra-02.braze.eu'],
  ['AU-01', 'https://rest.au-01.braze.com'],
  ['ID-01', 'https://rest.id-01.braze.com'],
  ['JP-01', 'https://rest.jp-01.braze.com'],
  ['KR-01', 'https://rest.kr-01.braze.com'],
] as const;

/** The `rest_endpoint` value that selects `custom_rest_endpoint`. */
export const CUSTOM_ENDPOINT = 'custom';
export const DEFAULT_ENDPOINT = INSTANCES[0][1];

/** Hosts a custom endpoint may name: Braze's REST hosts, `rest.<cluster>.braze.com` or `.braze.eu`, as every instance's is. */
const BRAZE_REST_HOST = /^rest\.[a-z0-9-]+\.braze\.(?:com|eu)$/;

/**
 * Why a custom REST endpoint cannot be used, or undefined when it can: an `https://` URL of a
 * Braze REST host (`rest.<cluster>.braze.com` or `rest.<cluster>.braze.eu`), with no path,
 * query, fragment, port or credentials.
 *
 * @example
 * customEndpointProblem('https://rest.iad-09.braze.com');    // undefined
 * customEndpointProblem('https://dashboard-01.braze.com');   // 'must be a Braze REST host, rest.<cluster>.braze.com or rest.<cluster>.braze.eu …'
 */
export function customEndpointProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not a URL: give the REST endpoint Braze lists for your instance, e.g. https://rest.iad-01.braze.com';
  }
  if (url.protocol !== 'https:') return 'must start with https:// (Braze serves its REST API over HTTPS only)';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: the REST API key goes in config.api_key';
  if (url.port !== '') return 'must not name a port';
  if (!BRAZE_REST_HOST.test(url.hostname)) return `must be a Braze REST host, rest.<cluster>.braze.com or rest.<cluster>.braze.eu (got ${url.hostname}): the REST API key is sent there (the dashboard and sdk.* hosts are no REST API)`;
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '') return 'must be the endpoint alone, without a path or query (Signal adds /users/track and /users/delete)';
  return undefined;
}

/**
 * The REST endpoint of an integration's config, without a trailing slash: the instance chosen,
 * or the custom endpoint when `rest_endpoint` is `custom`.
 *
 * @example
 * restEndpointOf({ rest_endpoint: 'https://rest.fra-01.braze.eu' }); // 'https://rest.fra-01.braze.eu'
 * restEndpointOf({ rest_endpoint: 'custom', custom_rest_endpoint: 'https://rest.iad-09.braze.com/' }); // 'https://rest.iad-09.braze.com'
 */
export function restEndpointOf(config: Record<string, JsonValue>): string {
  const chosen = typeof config.rest_endpoint === 'string' && config.rest_endpoint !== '' ? config.rest_endpoint : DEFAULT_ENDPOINT;
  const endpoint = chosen === CUSTOM_ENDPOINT ? String(config.custom_rest_endpoint ?? '') : chosen;
  return endpoint.replace(/\/+$/, '');
}
