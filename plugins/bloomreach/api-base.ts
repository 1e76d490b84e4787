// Where a Bloomreach Engagement project's API answers: its "API Base URL" (Project settings >
// Access management > API). Bloomreach: "The API Base URL can be https://api.exponea.com/ or a
// custom URL for your project" (documentation.bloomreach.com/engagement/docs/mobile-sdks-api-access-management);
// its SDKs default to https://api.exponea.com and name no other. https://api.eu1.exponea.com is
// not in Bloomreach's pages: it is the base EU-hosted projects' own public code calls (tracking,
// analyses, GDPR anonymization), listed for convenience; third parties' guides name other EU
// hosts (api-eu1.exponea.com, api-eu.exponea.com) that are not confirmed, so anything else is
// "Custom", as the project's API settings show it. Instances or custom tracking domains have
// their own (Bloomreach's error pages show https://api-cis.exponea.com). The Tracking API and
// the GDPR API share it: /track/v2/projects/{token}/… and /data/v2/projects/{token}/….
import { configText, literalHostProblem, type JsonValue } from '../../core/sdk/index.ts';

/** The API bases the catalog lists, with their labels. */
export const API_BASES = [
  ['https://api.exponea.com', 'api.exponea.com (default)'],
  ['https://api.eu1.exponea.com', 'api.eu1.exponea.com (EU)'],
] as const;

/** The `api_base` value that selects `custom_api_base`. */
export const CUSTOM_API_BASE = 'custom';
export const DEFAULT_API_BASE = API_BASES[0][0];

/**
 * Why a custom API base URL cannot be used, or undefined when it can: an `https://` URL without
 * credentials, a query, a fragment or a path, on a public host (the core's egress guard would
 * refuse a private one at every send).
 *
 * @example
 * customApiBaseProblem('https://api-cis.exponea.com'); // undefined
 * customApiBaseProblem('http://api.exponea.com');      // 'must start with https:// …'
 */
export function customApiBaseProblem(value: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return `${JSON.stringify(value)} is no URL: give the API Base URL of Project settings > Access management > API, e.g. https://api.exponea.com`;
  }
  if (url.protocol !== 'https:') return 'must start with https:// (Bloomreach serves its API over HTTPS): give the API Base URL of Project settings > Access management > API';
  if (url.username !== '' || url.password !== '') return 'must not carry a user name or password: the API key ID and secret go in api_key_id and api_secret';
  if (url.search !== '' || url.hash !== '') return 'holds a query or a fragment: give the API Base URL alone, e.g. https://api.exponea.com';
  const local = literalHostProblem(url.hostname);
  if (local !== null) return `${local}: Bloomreach's API is on a public host (https://api.exponea.com, or your project's own)`;
  if (url.pathname !== '/') return `has the path ${url.pathname}: give the API Base URL without a path (the plugin adds /track/v2/projects/… and /data/v2/projects/…)`;
  return undefined;
}

/**
 * The API base URL of an integration's config, without a trailing slash: the one chosen, or the
 * custom one when `api_base` is `custom` (undefined when that is not a usable URL).
 *
 * @example
 * apiBaseOf({ api_base: 'https://api.eu1.exponea.com' });                              // 'https://api.eu1.exponea.com'
 * apiBaseOf({ api_base: 'custom', custom_api_base: 'https://api-cis.exponea.com/' }); // 'https://api-cis.exponea.com'
 * apiBaseOf({});                                                                      // 'https://api.exponea.com'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string | undefined {
  const chosen = configText(config, 'api_base') ?? DEFAULT_API_BASE;
  if (chosen !== CUSTOM_API_BASE) return chosen.replace(/\/+$/, '');
  const custom = configText(config, 'custom_api_base');
  if (custom === undefined || customApiBaseProblem(custom) !== undefined) return undefined;
  return new URL(custom).origin;
}
