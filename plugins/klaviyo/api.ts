// Klaviyo's REST API as its reference documents it (API overview: Authentication, Versioning;
// the OpenAPI spec at github.com/klaviyo/openapi): one host, a private key in the
// Authorization header, the revision header on every request, and JSON:API bodies.
import { configText } from '../../core/sdk/index.ts';
import type { JsonValue, PluginContext } from '../../core/sdk/index.ts';

/** Klaviyo's only API host (the OpenAPI spec's `servers`). */
export const API_HOST = 'https://a.klaviyo.com';

/** The endpoints the plugin calls. */
export const PATHS = {
  /** Bulk Create Events: up to 1,000 events and 5 MB a request (202, processed asynchronously). */
  eventBulkCreate: '/api/event-bulk-create-jobs',
  /** Create or Update Profile: one profile, at most 100 KB (201 created, 200 updated). */
  profileImport: '/api/profile-import',
  /** Request Profile Deletion: one identifier, email, phone_number or profile id (202). */
  deletion: '/api/data-privacy-deletion-jobs',
} as const;

/**
 * The revision sent when the config names none: Klaviyo's latest stable revision as of
 * November 2026 (its revision-changes reference: "Current stable revision: 2026-10-15").
 * Klaviyo supports each revision for two years after its release.
 */
export const DEFAULT_REVISION = '2026-10-15';

/**
 * The oldest revision the plugin takes: Bulk Create Events arrived in revision 2024-05-15
 * (Klaviyo's changelog), and every request's endpoint must exist in the revision named.
 */
export const OLDEST_REVISION = '2024-05-15';

/** A revision as Klaviyo's header takes it: `YYYY-MM-DD`, optionally `.suffix` (`2024-10-15.pre`). */
export const REVISION_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:\.[a-z0-9]+)?$/;

/** The JSON:API media type Klaviyo's request bodies are documented with. */
export const JSON_API = 'application/vnd.api+json';

/**
 * The revision of an integration's config, or the default.
 *
 * @example
 * revisionOf({ revision: '2026-07-15' }); // '2026-07-15'
 * revisionOf({}); // DEFAULT_REVISION
 */
export function revisionOf(config: Record<string, JsonValue>): string {
  return configText(config, 'revision') ?? DEFAULT_REVISION;
}

/**
 * The headers of every request: the private key as `Authorization: Klaviyo-API-Key <key>`, the
 * revision, and JSON:API as content type and accepted type.
 *
 * @example
 * headersOf(ctx); // { authorization: 'Klaviyo-API-Key pk_…', revision: '2026-10-15', 'content-type': 'application/vnd.api+json', accept: 'application/vnd.api+json' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return {
    authorization: `Klaviyo-API-Key ${String(ctx.config.api_key ?? '').trim()}`,
    revision: revisionOf(ctx.config),
    'content-type': JSON_API,
    accept: JSON_API,
  };
}

/**
 * Which endpoint a request went to, from its URL's path; undefined for any other URL.
 *
 * @example
 * endpointOf('https://a.klaviyo.com/api/profile-import'); // 'profileImport'
 * endpointOf('https://a.klaviyo.com/api/events'); // undefined
 */
export function endpointOf(url: string): keyof typeof PATHS | undefined {
  let path: string;
  try {
    path = new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
  return (Object.keys(PATHS) as Array<keyof typeof PATHS>).find((key) => PATHS[key] === path);
}
