// Where the plugin's requests go. PostHog has two APIs on two hosts: the public ingestion API
// (capture, `/batch/`, authenticated by the project API key in the body) on
// `https://us.i.posthog.com` or `https://eu.i.posthog.com`, and the private API (persons,
// authenticated by a personal API key) on the app hosts `https://us.posthog.com` and
// `https://eu.posthog.com`. A self-hosted instance serves both on its own domain; a reverse
// proxy (often a path of the site, `https://www.example.com/ingest`) usually serves only the
// first, so the private API host is then configured on its own.
import { literalHostProblem, trimmedText, type JsonValue } from '../../core/sdk/index.ts';

/** PostHog Cloud's ingestion hosts and the app (private API) host of each region. */
export const CLOUD_HOSTS = {
  'https://us.i.posthog.com': 'https://us.posthog.com',
  'https://eu.i.posthog.com': 'https://eu.posthog.com',
} as const;

/** The ingestion host when the config names none: US Cloud, PostHog's default. */
export const DEFAULT_HOST = 'https://us.i.posthog.com';

/** PostHog's app hosts, which are not the ingestion host of their region. */
const APP_HOSTS: Record<string, string> = {
  'app.posthog.com': 'https://us.i.posthog.com',
  'us.posthog.com': 'https://us.i.posthog.com',
  'eu.posthog.com': 'https://eu.i.posthog.com',
};

/** A configured base URL without its trailing slashes. */
function base(value: string): string {
  return value.replace(/\/+$/, '');
}

/**
 * Why a base URL (`host`, `api_host`) cannot be used, or undefined: an `https://` URL
 * without credentials, query or fragment, not a loopback or private address (Signal's egress
 * guard refuses those); a path is kept as a prefix (a reverse proxy at `/ingest`). `app` says
 * which API it is for, to name PostHog's right host.
 *
 * @example
 * baseUrlProblem('http://posthog.example.com', 'ingestion'); // 'must start with https:// …'
 * baseUrlProblem('https://us.posthog.com', 'ingestion');    // 'is PostHog\'s app host, not its ingestion host: …'
 */
export function baseUrlProblem(value: string, api: 'ingestion' | 'private'): string | undefined {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return api === 'ingestion'
      ? `is not a URL: give PostHog's ingestion host, ${DEFAULT_HOST} (US Cloud), https://eu.i.posthog.com (EU Cloud) or your instance's https:// address`
      : 'is not a URL: give the https:// address of your PostHog instance\'s app (where you log in)';
  }
  if (url.protocol !== 'https:') return 'must start with https:// (Signal sends PostHog events and keys over HTTPS only)';
  if (url.username !== '' || url.password !== '') return 'must not carry credentials: the keys go in config.api_key and config.personal_api_key';
  if (url.search !== '' || url.hash !== '') return 'must be the host alone (a path prefix is allowed), without a query or fragment: Signal adds /batch/ and /api/…';
  const local = literalHostProblem(url.hostname);
  if (local !== null) return `${local}: Signal does not send events to private networks; PostHog must be reachable on a public address`;
  const host = url.hostname.toLowerCase();
  if (api === 'ingestion' && Object.hasOwn(APP_HOSTS, host)) {
    return `is PostHog's app host, not its ingestion host: events go to ${APP_HOSTS[host]} (PostHog: "make sure to send API requests to the correct domain")`;
  }
  if (api === 'private' && (host === 'us.i.posthog.com' || host === 'eu.i.posthog.com')) {
    return `is PostHog's ingestion host, which has no private API: give ${CLOUD_HOSTS[`https://${host}` as keyof typeof CLOUD_HOSTS]}, or leave api_host out for PostHog Cloud`;
  }
  if (host.endsWith('.posthog.com') && !Object.hasOwn(APP_HOSTS, host) && !Object.hasOwn(CLOUD_HOSTS, `https://${host}`)) {
    return `is not one of PostHog Cloud's API hosts (${host}): use ${api === 'ingestion' ? 'https://us.i.posthog.com or https://eu.i.posthog.com' : 'https://us.posthog.com or https://eu.posthog.com'}`;
  }
  return undefined;
}

/**
 * The ingestion base URL of a config, without a trailing slash: `host`, else US Cloud.
 *
 * @example
 * ingestionBaseOf({ host: 'https://eu.i.posthog.com/' }); // 'https://eu.i.posthog.com'
 * ingestionBaseOf({}); // 'https://us.i.posthog.com'
 */
export function ingestionBaseOf(config: Record<string, JsonValue>): string {
  return base(trimmedText(config.host) ?? DEFAULT_HOST);
}

/** Whether the ingestion host is PostHog Cloud's (US or EU). */
export function isCloud(config: Record<string, JsonValue>): boolean {
  return Object.hasOwn(CLOUD_HOSTS, ingestionBaseOf(config).toLowerCase());
}

/**
 * Whether the ingestion base URL has a path: a reverse proxy (`https://www.example.com/ingest`),
 * which rarely forwards PostHog's private API, so `api_host` is needed for deletions.
 */
export function isProxyPath(config: Record<string, JsonValue>): boolean {
  try {
    return new URL(ingestionBaseOf(config)).pathname.replace(/\/+$/, '') !== '';
  } catch {
    return false;
  }
}

/**
 * The private API base URL of a config, without a trailing slash: `api_host` when given, else
 * the app host of the Cloud region the ingestion host is in (`us.i.posthog.com` →
 * `https://us.posthog.com`), else the ingestion host's origin (a self-hosted instance serves
 * both APIs).
 *
 * @example
 * privateApiBaseOf({ host: 'https://eu.i.posthog.com' }); // 'https://eu.posthog.com'
 * privateApiBaseOf({ host: 'https://posthog.example.com' }); // 'https://posthog.example.com'
 */
export function privateApiBaseOf(config: Record<string, JsonValue>): string {
  const configured = trimmedText(config.api_host);
  if (configured !== undefined) return base(configured);
  const ingestion = ingestionBaseOf(config);
  const cloud = CLOUD_HOSTS[ingestion.toLowerCase() as keyof typeof CLOUD_HOSTS];
  if (cloud !== undefined) return cloud;
  try {
    return new URL(ingestion).origin;
  } catch {
    return ingestion;
  }
}
