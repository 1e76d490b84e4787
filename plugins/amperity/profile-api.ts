// Amperity's Profile API, for partner enrichment: the visitor is resolved by the configured
// linking keys (`GET /prof/profiles/{collection}/lookup?{key}={value}`, tried in order), the
// profile read by its Amperity id (`GET /prof/profiles/{collection}/{amperity_id}`), and its
// attributes land on `partner_attrs.amperity` of every event before fan-out. Pure: the core
// performs, caches (15 min found, 5 min not found, 2 min personalized) and pauses a failing API.
import { createHash } from 'node:crypto';
import {
  compileGetter,
  eventPathValue,
  PermanentError,
  RetryableError, trimmedText,
  type CanonicalEvent,
  type ConfigProblem,
  type JsonObject,
  type JsonValue,
  type PartnerAnswer,
  type PartnerEnrichment,
  type PartnerIdentity,
  type PluginContext,
  type RequestDescriptor,
  type VendorResponse,
} from '../../core/sdk/index.ts';

/** Where a linking key's value comes from on Signal's side. */
export const LINKING_SOURCES = ['canonical_id', 'anonymous_id', 'user_id', 'email', 'phone'] as const;
type LinkingSource = (typeof LINKING_SOURCES)[number];

export interface LinkingKey {
  source: LinkingSource;
  key: string;
  hash?: 'sha256';
}

export interface ContextMapping {
  source: string;
  target: string;
}

/** A linking key or context parameter name: what a query parameter can carry unescaped. */
export const PARAMETER_NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/;
const COLLECTION_ID = /^apc-[A-Za-z0-9_-]+$/;

function isObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * A contact trait of the visitor: the identify call's own, then `context.traits` (remembered
 * ones too). Never the event's properties: an invitation's or a gift's `email` is someone else's.
 */
function contactTrait(event: CanonicalEvent, name: 'email' | 'phone'): string | undefined {
  const context = isObject(event.context) ? event.context : {};
  for (const holder of [event.traits, context.traits]) {
    if (isObject(holder)) {
      const value = trimmedText(holder[name]);
      if (value !== undefined) return value;
    }
  }
  return undefined;
}

/**
 * A linking key's value on an event. `canonical_id` is the visitor's canonical id: the
 * `_dfdid` cookie's value, which collect puts in `anonymousId` of browser events;
 * `anonymous_id` is the id the page's SDK kept itself (`context.clientAnonymousId` when the
 * cookie replaced it).
 *
 * @example
 * linkingValue({ type: 'track', anonymousId: 'dfid_1', event: 'x' } as CanonicalEvent, 'canonical_id'); // 'dfid_1'
 */
export function linkingValue(event: CanonicalEvent, source: LinkingSource): string | undefined {
  const context = isObject(event.context) ? event.context : {};
  switch (source) {
    case 'canonical_id':
      return trimmedText(event.anonymousId);
    case 'anonymous_id':
      return trimmedText(context.clientAnonymousId) ?? trimmedText(event.anonymousId);
    case 'user_id':
      return trimmedText(event.userId);
    case 'email':
    case 'phone':
      return contactTrait(event, source);
  }
}

/** `sha256`: lower-cased, trimmed, SHA-256 in hex, as the Amperity page says. */
function hashed(value: string, hash: LinkingKey['hash']): string {
  return hash === 'sha256' ? createHash('sha256').update(value.trim().toLowerCase(), 'utf8').digest('hex') : value;
}

function linkingKeysOf(config: Record<string, JsonValue>): LinkingKey[] {
  return Array.isArray(config.linking_keys) ? (config.linking_keys as unknown as LinkingKey[]) : [];
}

function base(config: Record<string, JsonValue>): string {
  return `https://${String(config.tenant_subdomain)}.amperity.com`;
}

function profileHeaders(config: Record<string, JsonValue>): Record<string, string> {
  return { 'amperity-tenant': String(config.tenant_id), authorization: `Bearer ${String(config.profile_api_key)}`, accept: 'application/json' };
}

/** `GET /prof/profiles/{collection}/{amperity_id}`, with the personalization context as query parameters when given. */
export function profileRequest(config: Record<string, JsonValue>, profileId: string, query: Array<[string, string]> = []): RequestDescriptor {
  return {
    method: 'GET',
    url: `${base(config)}/prof/profiles/${encodeURIComponent(String(config.profile_collection_id))}/${encodeURIComponent(profileId)}`,
    headers: profileHeaders(config),
    ...(query.length > 0 ? { query } : {}),
    eventIds: [],
  };
}

/** The profile id an answer names (`profile_id`, `amperity_id` or `id`). */
function profileIdOf(body: JsonObject): string | undefined {
  for (const name of ['profile_id', 'amperity_id', 'id']) {
    const value = body[name];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}

/** What Amperity said, for messages: its `message` or the start of the body. */
function said(response: VendorResponse): string {
  const message = isObject(response.json) ? (response.json.message ?? response.json.error) : undefined;
  const detail = typeof message === 'string' ? message : response.body.slice(0, 200);
  return detail === '' ? `HTTP ${response.status}` : `HTTP ${response.status}: ${detail}`;
}

/** The request for a `Location` a lookup answered with. */
function followed(location: string, config: Record<string, JsonValue>): RequestDescriptor {
  const target = new URL(location, base(config));
  // The token goes with the request: only to the tenant's own host.
  if (target.origin !== base(config)) throw new PermanentError(`Amperity's lookup answer points to ${target.origin}, not ${base(config)}: not followed`);
  return { method: 'GET', url: `${target.origin}${target.pathname}`, headers: profileHeaders(config), ...([...target.searchParams].length > 0 ? { query: [...target.searchParams] } : {}), eventIds: [] };
}

/** The failures both kinds of answer share: credentials, throttling, outages. */
function failure(response: VendorResponse, config: Record<string, JsonValue>, what: string): Error {
  if (response.status === 401 || response.status === 403) {
    return new PermanentError(`Amperity refused the profile_api_key (${said(response)}): it must be an unexpired Profile API JWT with read access to ${String(config.profile_collection_id)}, not the Streaming Ingest key`);
  }
  if (response.status === 429 || response.status >= 500) return new RetryableError(`Amperity could not answer ${what} now (${said(response)})`);
  return new PermanentError(`Amperity refused ${what} (${said(response)})`);
}

/**
 * Reads a lookup or profile answer: the attributes when it carries them, else the profile it
 * names (its id, or the `Location` Amperity's keychain lookup answers with) to fetch next.
 */
export function readProfileAnswer(response: VendorResponse, request: RequestDescriptor, config: Record<string, JsonValue>): PartnerAnswer {
  const lookup = /\/lookup$/.test(new URL(request.url).pathname);
  const key = request.query?.[0]?.[0];
  if (response.status === 404) return { notFound: true };
  // The keychain lookup may answer with a redirect to the profile (Signal does not follow redirects by itself).
  const location = response.headers.location;
  if (lookup && response.status >= 300 && response.status < 400 && location) return { next: followed(location, config) };
  // A key the collection does not allow: no profile by it, and the next linking key is tried.
  if (response.status === 400 && lookup) {
    return { notFound: true, warning: `Amperity refused the lookup by "${String(key)}" (${said(response)}): it must be one of the collection's linking_keys (ask your Amperity admin to add it, or remove it from linking_keys)` };
  }
  if (response.status < 200 || response.status > 299) throw failure(response, config, lookup ? `the lookup by "${String(key)}"` : 'the profile');
  const body = isObject(response.json) ? response.json : undefined;
  if (body && isObject(body.attributes)) {
    const profileId = profileIdOf(body);
    return { found: { attributes: body.attributes, ...(profileId !== undefined ? { profileId } : {}) } };
  }
  const profileId = body ? profileIdOf(body) : undefined;
  // Cached for 15 minutes, so not taken for an empty profile: an answer cut at 64 KB or not JSON.
  if (!lookup) throw new PermanentError(`Amperity answered the profile without its attributes (${body ? 'no "attributes" object' : 'not JSON, or longer than the 64 KB Signal reads'})`);
  if (profileId !== undefined) return { next: profileRequest(config, profileId) };
  if (location) return { next: followed(location, config) };
  throw new PermanentError('Amperity answered the lookup without a profile (no attributes, amperity_id or Location)');
}

/**
 * The personalization context of an event: each mapping's value, as text, in order (absent ones
 * left out). A source is one path (validateProfileConfig compiles it: no `|` alternatives).
 */
export function personalizationContext(event: CanonicalEvent, mappings: ContextMapping[]): Array<[string, string]> {
  const pairs: Array<[string, string]> = [];
  for (const { source, target } of mappings) {
    const value = eventPathValue(event as unknown as JsonObject, source);
    if (typeof value === 'string' && value !== '') pairs.push([target, value]);
    else if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') pairs.push([target, String(value)]);
  }
  return pairs;
}

/** The allow-list's names (comma-separated; blanks ignored). */
export function allowList(config: Record<string, JsonValue>): string[] {
  return typeof config.browser_attribute_allowlist === 'string'
    ? config.browser_attribute_allowlist.split(',').map((name) => name.trim()).filter((name) => name !== '')
    : [];
}

/**
 * Amperity's partner enrichment (the `enrich` of the plugin). On when `profile_api_key`,
 * `profile_collection_id` and `linking_keys` are set.
 *
 * @example
 * amperityEnrichment.identities(event, ctx); // [{ key: 'email_sha256', value: '…' }, { key: '_dfdid', value: 'dfid_1' }]
 */
export const amperityEnrichment: PartnerEnrichment = {
  enabled: (config) => trimmedText(config.profile_api_key) !== undefined && trimmedText(config.profile_collection_id) !== undefined && linkingKeysOf(config).length > 0,
  identities(event: CanonicalEvent, ctx: PluginContext): PartnerIdentity[] {
    const identities: PartnerIdentity[] = [];
    for (const { source, key, hash } of linkingKeysOf(ctx.config)) {
      const value = linkingValue(event, source);
      if (value !== undefined) identities.push({ key, value: hashed(value, hash) });
    }
    return identities;
  },
  lookup: (identity, ctx) => ({
    method: 'GET',
    url: `${base(ctx.config)}/prof/profiles/${encodeURIComponent(String(ctx.config.profile_collection_id))}/lookup`,
    headers: profileHeaders(ctx.config),
    query: [[identity.key, identity.value]],
    eventIds: [],
  }),
  read: (response, request, ctx) => readProfileAnswer(response, request, ctx.config),
  personalize(event, profile, ctx) {
    const mappings = ctx.config.personalization_context_mappings;
    if (ctx.config.enable_context_personalization !== true || !Array.isArray(mappings) || profile.profileId === undefined) return null;
    const context = personalizationContext(event, mappings as unknown as ContextMapping[]);
    if (context.length === 0) return null;
    return { key: JSON.stringify(context), request: profileRequest(ctx.config, profile.profileId, context) };
  },
  readPersonalized(response, _request, ctx) {
    if (response.status === 404) return {};
    if (response.status < 200 || response.status > 299) throw failure(response, ctx.config, 'the personalized profile');
    // Cached for 2 minutes: an answer cut at 64 KB or not JSON is no "nothing personalized".
    if (!isObject(response.json)) throw new PermanentError('Amperity answered the personalized profile with no JSON object (cut at the 64 KB Signal reads?)');
    return isObject(response.json.attributes) ? response.json.attributes : {};
  },
  browserAttributes(attributes, ctx) {
    const visible: JsonObject = {};
    for (const name of allowList(ctx.config)) if (Object.hasOwn(attributes, name)) visible[name] = attributes[name]!;
    return visible;
  },
};

/** Header-safe: what a JWT can be. */
const PRINTABLE = /^[\x21-\x7e]+$/;

/**
 * Checks of the Profile API fields beyond their JSON Schema: they come together, the two keys
 * differ (Amperity answers a cross-scope key with 403), and the context mappings' paths read.
 */
export function validateProfileConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = config.profile_api_key;
  const hasKey = typeof key === 'string' && key !== '';
  const collection = config.profile_collection_id;
  const linking = linkingKeysOf(config);
  if (hasKey && !PRINTABLE.test(key)) problems.push({ field: 'profile_api_key', message: 'holds white space, a line break or characters a JWT never has: give the JWT alone' });
  if (hasKey && key === config.api_key) {
    problems.push({ field: 'profile_api_key', message: 'is the same key as api_key: the Streaming Ingest key goes in api_key, and the Profile API needs a JWT of its own, with Profile Read Access (Amperity answers a cross-scope key with 403)' });
  }
  if (hasKey && (typeof collection !== 'string' || collection === '')) problems.push({ field: 'profile_collection_id', message: 'is required when profile_api_key is set: the profile collection to query, prefixed apc-' });
  if (typeof collection === 'string' && collection !== '' && !COLLECTION_ID.test(collection)) problems.push({ field: 'profile_collection_id', message: 'must be a profile collection id, prefixed apc- (e.g. apc-vPsQheAm)' });
  if (!hasKey && typeof collection === 'string' && collection !== '') problems.push({ field: 'profile_api_key', message: 'is required when profile_collection_id is set: the Profile API JWT' });
  if (hasKey && linking.length === 0) problems.push({ field: 'linking_keys', message: 'needs at least one entry when profile_api_key is set: without one no visitor can be looked up (e.g. [{"source": "email", "key": "email_sha256", "hash": "sha256"}])' });
  if (!hasKey && linking.length > 0) problems.push({ field: 'linking_keys', message: 'is used only with profile_api_key and profile_collection_id: set those too (or remove linking_keys to turn enrichment off)' });
  if (!hasKey && allowList(config).length > 0) problems.push({ field: 'browser_attribute_allowlist', message: 'exposes attributes of the Profile API: set profile_api_key, profile_collection_id and linking_keys too (or remove the allow-list)' });
  const mappings = Array.isArray(config.personalization_context_mappings) ? (config.personalization_context_mappings as unknown as ContextMapping[]) : [];
  if (config.enable_context_personalization === true) {
    if (!hasKey) problems.push({ field: 'enable_context_personalization', message: 'needs the Profile API: set profile_api_key, profile_collection_id and linking_keys' });
    if (mappings.length === 0) problems.push({ field: 'personalization_context_mappings', message: 'needs at least one {source, target} when enable_context_personalization is true' });
  }
  mappings.forEach((mapping, i) => {
    try {
      compileGetter(mapping.source);
    } catch (error) {
      problems.push({ field: `personalization_context_mappings[${i}].source`, message: (error as Error).message });
    }
  });
  const seen = new Set<string>();
  linking.forEach((entry, i) => {
    const id = `${entry.source}/${entry.key}`;
    if (seen.has(id)) problems.push({ field: `linking_keys[${i}]`, message: `repeats {source: "${entry.source}", key: "${entry.key}"}` });
    seen.add(id);
  });
  return problems;
}
