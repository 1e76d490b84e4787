// HubSpot's REST API as the plugin calls it: one host, a Bearer token (a service key, a legacy
// private app's access token, or an OAuth access token the core obtained), and the date-based
// version in the path (HubSpot's versioning since March 30, 2026: `/crm/objects/2026-09/…`,
// `/events/2026-09/…`; the numbered v1–v3 paths are unsupported from September 2027, v4 from
// March 30, 2027).
import { configText, PermanentError, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';

/** HubSpot's API host (every API, legacy or date-based). */
export const API_HOST = 'https://api.hubapi.com';

/**
 * The API version sent when the config names none: 2026-09, HubSpot's latest date-based
 * version in December 2026 (released September 8, 2026; a version is supported at least 18
 * months after its release).
 */
export const DEFAULT_API_VERSION = '2026-09';
/** The first date-based version (March 30, 2026): the plugin's paths exist from it on. */
export const OLDEST_API_VERSION = '2026-03';
/** `YYYY-03` or `YYYY-09`: HubSpot releases a version each March and September. */
export const API_VERSION_PATTERN = /^(20\d\d)-(03|09)$/;

/** The endpoints the plugin calls, by what they do. */
export type Endpoint = 'contactsUpsert' | 'eventsBatch' | 'contactsSearch' | 'gdprDelete' | 'token';

/**
 * The API version of an integration's config, or the default.
 *
 * @example
 * apiVersionOf({ api_version: ' 2026-03 ' }); // '2026-03'
 * apiVersionOf({}); // '2026-09'
 */
export function apiVersionOf(config: Record<string, JsonValue>): string {
  return configText(config, 'api_version') ?? DEFAULT_API_VERSION;
}

/**
 * The URL of an endpoint for an API version: every endpoint the plugin calls is date-based
 * (HubSpot's OpenAPI specifications and SDKs give the GDPR delete as
 * `/crm/objects/<version>/contacts/gdpr-delete`, the custom event send as
 * `/events/<version>/send/batch`).
 *
 * @example
 * urlOf('contactsUpsert', '2026-09'); // 'https://api.hubapi.com/crm/objects/2026-09/contacts/batch/upsert'
 * urlOf('eventsBatch', '2026-09'); // 'https://api.hubapi.com/events/2026-09/send/batch'
 * urlOf('gdprDelete', '2026-09'); // 'https://api.hubapi.com/crm/objects/2026-09/contacts/gdpr-delete'
 */
export function urlOf(endpoint: Endpoint, version: string): string {
  switch (endpoint) {
    case 'contactsUpsert': return `${API_HOST}/crm/objects/${version}/contacts/batch/upsert`;
    case 'contactsSearch': return `${API_HOST}/crm/objects/${version}/contacts/search`;
    case 'eventsBatch': return `${API_HOST}/events/${version}/send/batch`;
    case 'gdprDelete': return `${API_HOST}/crm/objects/${version}/contacts/gdpr-delete`;
    case 'token': return `${API_HOST}/oauth/${version}/token`;
  }
}

/**
 * Which endpoint a request went to, from its URL's path; undefined for any other URL.
 *
 * @example
 * endpointOf('https://api.hubapi.com/events/2026-03/send/batch'); // 'eventsBatch'
 */
export function endpointOf(url: string): Endpoint | undefined {
  let path: string;
  try {
    path = new URL(url).pathname.replace(/\/+$/, '');
  } catch {
    return undefined;
  }
  if (/^\/crm\/objects\/[^/]+\/contacts\/batch\/upsert$/.test(path)) return 'contactsUpsert';
  if (/^\/crm\/objects\/[^/]+\/contacts\/search$/.test(path)) return 'contactsSearch';
  if (/^\/events\/[^/]+\/send\/batch$/.test(path)) return 'eventsBatch';
  if (/^\/crm\/objects\/[^/]+\/contacts\/gdpr-delete$/.test(path)) return 'gdprDelete';
  if (/^\/oauth\/[^/]+\/token$/.test(path)) return 'token';
  return undefined;
}

/**
 * The API version in a URL of the plugin's (its date-based path segment), or undefined.
 *
 * @example
 * versionOfUrl('https://api.hubapi.com/crm/objects/2026-03/contacts/search'); // '2026-03'
 */
export function versionOfUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    return undefined;
  }
  return /^\/(?:crm\/objects|events|oauth)\/(\d{4}-\d{2})\//.exec(path)?.[1];
}

/** The scope each endpoint needs (HubSpot's reference: the endpoint's "Required Scopes"). */
export const SCOPES: Record<Endpoint, string> = {
  contactsUpsert: 'crm.objects.contacts.write',
  contactsSearch: 'crm.objects.contacts.read',
  eventsBatch: 'analytics.behavioral_events.send',
  gdprDelete: 'crm.objects.contacts.write',
  token: '',
};

/**
 * The access token a request is sent with: the one the core obtained with the refresh token
 * (`ctx.accessToken`; `[access token]` in previews), else the config's service key or private
 * app token.
 *
 * @example
 * accessTokenOf({ ...ctx, config: { access_token: 'pat-na1-…' } }); // 'pat-na1-…'
 */
export function accessTokenOf(ctx: PluginContext): string {
  if (typeof ctx.accessToken === 'string' && ctx.accessToken !== '') return ctx.accessToken;
  const accessToken = configText(ctx.config, 'access_token');
  if (accessToken !== undefined) return accessToken;
  throw new PermanentError(configText(ctx.config, 'refresh_token') !== undefined
    ? 'no access token was obtained for config.refresh_token: set config.access_token (a service key) instead, or upgrade Signal'
    : 'HubSpot needs a credential: set config.access_token (a service key or a private app\'s access token) or config.refresh_token with the app\'s client_id and client_secret');
}

/**
 * The headers of every API request: the token as a Bearer credential, and JSON.
 *
 * @example
 * headersOf(ctx); // { authorization: 'Bearer pat-na1-…', 'content-type': 'application/json', accept: 'application/json' }
 */
export function headersOf(ctx: PluginContext): Record<string, string> {
  return { authorization: `Bearer ${accessTokenOf(ctx)}`, 'content-type': 'application/json', accept: 'application/json' };
}
