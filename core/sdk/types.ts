/**
 * Types of the plugin contract: what a vendor plugin declares and what the core hands it.
 * Plugins import these through `core/sdk` only.
 */
import type { CanonicalEvent, JsonObject, JsonValue } from '../collect/canonical-event.ts';

export type { CanonicalEvent, JsonObject, JsonValue };

export const PLUGIN_CATEGORIES = ['advertising', 'analytics', 'attribution', 'cdp', 'cloud_storage', 'other'] as const;
export type PluginCategory = (typeof PLUGIN_CATEGORIES)[number];

/**
 * One config field, as JSON Schema plus UI hints. `secret` fields are encrypted at rest and
 * masked in every API answer; `enum` with `enumLabels` renders as a select.
 */
export interface ConfigFieldSchema {
  type: 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array';
  title: string;
  description?: string;
  secret?: boolean;
  enum?: JsonValue[];
  enumLabels?: string[];
  default?: JsonValue;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  items?: Record<string, unknown>;
  properties?: Record<string, unknown>;
  additionalProperties?: boolean | Record<string, unknown>;
}

export interface ConfigSchema {
  type: 'object';
  properties: Record<string, ConfigFieldSchema>;
  required?: string[];
  additionalProperties?: boolean;
}

/** Everything a pure plugin function may read about the integration it serves. */
export interface PluginContext {
  /** The integration's config with secrets decrypted. */
  config: Record<string, JsonValue>;
  /** The variant of the integration (e.g. `retail`). */
  variant: string;
  /** Pipeline integration id (queue `delivery.<id>`); `preview` in dry runs. */
  integrationId: string;
  revisionId: string;
  /** Options given to the plugin in plugin.config.ts. */
  options: Record<string, JsonValue>;
  /** The time of this delivery (ms since epoch), so builders that sign requests stay pure. */
  now: number;
}

/** One event after mapping: the vendor's shape of it, with the canonical event kept beside. */
export interface MappedEvent {
  /** The canonical event's messageId: the event's id through retries and dead letters. */
  id: string;
  event: CanonicalEvent;
  payload: JsonObject;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** A request the core will perform; the plugin never performs I/O itself. */
export interface RequestDescriptor {
  method: HttpMethod;
  url: string;
  headers?: Record<string, string>;
  /** Query parameters in order (order is kept: some vendors document it). */
  query?: Array<[string, string]>;
  /** JSON value (sent as application/json unless a content-type header says otherwise) or raw text. */
  body?: JsonValue | string;
  /** Ids (`MappedEvent.id`) of the events this request carries. */
  eventIds: string[];
  /**
   * Hosts, IPs or CIDR ranges this request may reach although they are loopback, private or
   * link-local (the core refuses those otherwise). Only user-configured targets set it.
   */
  allowPrivateTargets?: string[];
}

export interface VendorResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

export type EventOutcome =
  | { status: 'delivered' }
  | { status: 'retry'; reason: string; retryAfterMs?: number }
  | { status: 'dead_letter'; reason: string };

/**
 * A classifier's answer: one outcome for the whole request, or outcomes per event id (events
 * not named count as delivered), or `split` to re-send the request's events in two halves
 * (e.g. a vendor's 413).
 */
export type Classification =
  | EventOutcome
  | { status: 'split'; reason: string }
  | { perEvent: Record<string, EventOutcome> };

/** Maps one canonical event to the vendor's event; `null` drops it (not sent, not an error). */
export type Mapper = (event: CanonicalEvent, ctx: PluginContext) => JsonObject | null;

export interface Variant {
  description: string;
  /** Blueprint path under `blueprints/`, e.g. `amplitude/retail.yaml`. */
  blueprint?: string;
  /** Code mapper for variants without a blueprint. */
  map?: Mapper;
}

export interface VendorField {
  required: boolean;
  description?: string;
}

export interface RateLimitDefaults {
  rps: number;
  burst?: number;
  daily?: number;
}

export interface BatchLimits {
  maxEvents: number;
  maxBytes: number;
}

export interface PluginDefinition {
  /** Slug: catalog id and part of queue names (`[a-z][a-z0-9_]*`). */
  id: string;
  name: string;
  category: PluginCategory;
  description: string;
  /** Path of the logo file relative to the plugin folder, or a URL. */
  logo: string;
  version: string;
  /** Semver range of the Signal core this plugin works with, e.g. `^0.1.0`. */
  signal: string;
  config: ConfigSchema;
  variants: Record<string, Variant>;
  vendorFields: Record<string, VendorField>;
  /** Default consent categories an installed integration requires. */
  consent: string[];
  rateLimit: RateLimitDefaults;
  batch: BatchLimits;
  /** Vendor cookies to capture from the visitor's request into `context.cookies`. */
  cookies?: string[];
  /** Optional code applied after the variant's mapping (pure). */
  map?: (payload: JsonObject, event: CanonicalEvent, ctx: PluginContext) => JsonObject | null;
  /** Builds the vendor requests for a batch of mapped events (pure). */
  send: (batch: MappedEvent[], ctx: PluginContext) => RequestDescriptor[];
  /** Turns a vendor response into outcomes; the core's default applies when absent. */
  classify?: (response: VendorResponse, request: RequestDescriptor, ctx: PluginContext) => Classification;
  /** Checks beyond the config's JSON Schema (e.g. a URL that must not be private); problems name the field. */
  validateConfig?: (config: Record<string, JsonValue>) => Array<{ field: string; message: string }>;
  /** Extra HTTP routes the plugin serves on the collect listener, under `/v1/plugins/<id>/`. */
  routes?: PluginRoute[];
}

export interface PluginRoute {
  method: HttpMethod;
  /** Path below `/v1/plugins/<id>`, starting with `/`. */
  path: string;
  handler: (request: { body: unknown; query: Record<string, string>; headers: Record<string, string | string[] | undefined> }) => Promise<{ status: number; body: JsonValue }> | { status: number; body: JsonValue };
}
