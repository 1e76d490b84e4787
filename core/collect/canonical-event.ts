/**
 * The canonical event: the one shape every event has inside Signal, whatever sent it.
 * The wire format is Segment's (so Segment and RudderStack SDKs work unchanged); the server
 * adds `receivedAt`, a `messageId` when missing, `context.ip`, `context.userAgent`,
 * `context.consent.gpc` (from `Sec-GPC: 1`) and `context.cookies`, and corrects the client's
 * clock skew into `timestamp`.
 *
 * `eventSchema` (JSON Schema) validates what clients send and documents it in OpenAPI;
 * `CanonicalEvent` is the TypeScript type of an accepted, normalised event.
 */

export const EVENT_TYPES = ['track', 'page', 'identify', 'screen', 'group', 'alias'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** IAB consent strings: TCF v2 (`tcString`, `gdprApplies`), GPP (`gppString`, `gppSid`), US Privacy. */
export interface IabConsent {
  gdprApplies?: boolean;
  tcString?: string;
  gppString?: string;
  /** The GPP section ids that apply (e.g. [7] for the US national section). */
  gppSid?: number[];
  /** The IAB US Privacy (CCPA) string, e.g. `1YNN`. */
  usPrivacy?: string;
}

export interface ConsentState {
  analytics?: boolean;
  marketing?: boolean;
  functional?: boolean;
  advertising?: boolean;
  /**
   * Global Privacy Control: `true` when the visitor opted out of the sale and sharing of their
   * data — the request's `Sec-GPC: 1` header, stamped by collect, or the SDK's own reading of
   * `navigator.globalPrivacyControl` (which wins). What it does is `SIGNAL_GPC`'s rule.
   */
  gpc?: boolean;
  /** CMP category codes, e.g. OneTrust's `C0004`. */
  categories?: Record<string, boolean>;
  /** Segment's consent object: category → granted, as Segment's consent wrappers send it. */
  categoryPreferences?: Record<string, boolean>;
  /** Segment's per-destination preferences and default; kept, not used by the gate. */
  destinationPreferences?: Record<string, boolean> | null;
  defaultDestinationBehavior?: string | null;
  /** Google Consent Mode v2 signals. */
  google?: {
    ad_storage?: 'granted' | 'denied';
    analytics_storage?: 'granted' | 'denied';
    ad_user_data?: 'granted' | 'denied';
    ad_personalization?: 'granted' | 'denied';
  };
  /**
   * The IAB frameworks' consent strings, as the site's CMP gives them (`__tcfapi`,
   * `__gpp`, `__uspapi`): forwarded to ad vendors that take them; not read by the gate.
   */
  iab?: IabConsent;
  [category: string]: boolean | Record<string, boolean> | Record<string, string> | IabConsent | string | null | undefined;
}

export interface EventContext {
  ip?: string;
  userAgent?: string;
  page?: { url?: string; path?: string; title?: string; referrer?: string; search?: string; [key: string]: JsonValue | undefined };
  campaign?: { name?: string; source?: string; medium?: string; term?: string; content?: string; [key: string]: JsonValue | undefined };
  locale?: string;
  library?: { name?: string; version?: string };
  traits?: JsonObject;
  consent?: ConsentState;
  /** Vendor cookies captured from the visitor's request (those a loaded plugin declares). */
  cookies?: Record<string, string>;
  /** The anonymousId the client sent when the first-party cookie's id replaced it. */
  clientAnonymousId?: string;
  [key: string]: JsonValue | undefined | object;
}

/** An accepted event after normalisation: what the pipeline, blueprints and plugins see. */
export interface CanonicalEvent {
  type: EventType;
  messageId: string;
  /** Event time, corrected for client clock skew (ISO 8601). */
  timestamp: string;
  /** When Signal received the event (ISO 8601). */
  receivedAt: string;
  /** The timestamp as the client sent it, when it sent one. */
  originalTimestamp?: string;
  sentAt?: string;
  event?: string;
  name?: string;
  userId?: string;
  anonymousId?: string;
  groupId?: string;
  previousId?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  context: EventContext;
  integrations?: Record<string, JsonValue>;
  /** Partner enrichment results keyed by partner (e.g. `partner_attrs.amperity.Persona`). */
  partner_attrs?: Record<string, JsonObject>;
}

const isoDateTime = { type: 'string', format: 'date-time', maxLength: 64 } as const;
/** Page fields: a landing URL with its click ids and UTM tags passes 2 KB; the event's 32 KB caps the rest. */
const pageString = { type: 'string', maxLength: 8192 } as const;
const idString = { type: 'string', maxLength: 255 } as const;
const googleSignal = { type: 'string', enum: ['granted', 'denied'] } as const;

export const consentSchema = {
  type: 'object',
  description: 'Consent state from the consent management platform. A category is granted only when `true`.',
  properties: {
    analytics: { type: 'boolean' },
    marketing: { type: 'boolean' },
    functional: { type: 'boolean' },
    advertising: { type: 'boolean' },
    gpc: { type: 'boolean', description: 'Global Privacy Control: the visitor opted out of the sale and sharing of their data. Collect sets it to `true` when the request carries `Sec-GPC: 1` and the event has no `gpc` of its own (an SDK reading `navigator.globalPrivacyControl`, which wins). What follows is the deployment\'s `SIGNAL_GPC` rule: ad integrations\' restricted-processing flag (`restrict`, the default), no ad integration (`opt_out`), or nothing (`ignore`).' },
    categories: { type: 'object', additionalProperties: { type: 'boolean' }, description: 'CMP category codes → granted.' },
    categoryPreferences: { type: 'object', additionalProperties: { type: 'boolean' }, description: 'Segment\'s consent object (category → granted), as its consent wrappers send it; the consent gate reads it like `categories`.' },
    destinationPreferences: { type: ['object', 'null'], additionalProperties: { type: 'boolean' }, description: 'Segment\'s per-destination preferences; stored, not used by the gate.' },
    defaultDestinationBehavior: { type: ['string', 'null'], maxLength: 100, description: 'Segment\'s default for unlisted destinations; stored, not used by the gate.' },
    iab: {
      type: 'object',
      additionalProperties: false,
      description: 'The IAB frameworks\' consent strings as the site\'s CMP gives them, forwarded to the ad vendors that take them (The Trade Desk); not read by the consent gate.',
      properties: {
        gdprApplies: { type: 'boolean', description: 'TCF: whether the GDPR applies to this visitor (`__tcfapi` gdprApplies).' },
        tcString: { type: 'string', maxLength: 4096, description: 'TCF v2 consent string.' },
        gppString: { type: 'string', maxLength: 4096, description: 'Global Privacy Platform string.' },
        gppSid: { type: 'array', maxItems: 64, items: { type: 'integer', minimum: 0, maximum: 1000 }, description: 'GPP section ids that apply.' },
        usPrivacy: { type: 'string', maxLength: 16, description: 'IAB US Privacy (CCPA) string, e.g. 1YNN.' },
      },
    },
    google: {
      type: 'object',
      description: 'Google Consent Mode v2 signals.',
      properties: {
        ad_storage: googleSignal,
        analytics_storage: googleSignal,
        ad_user_data: googleSignal,
        ad_personalization: googleSignal,
      },
    },
  },
  additionalProperties: { type: 'boolean' },
} as const;

export const contextSchema = {
  type: 'object',
  description: 'Where the event happened. `ip` and `userAgent` are filled in by the server when absent.',
  properties: {
    ip: { type: 'string', maxLength: 64, format: 'ip' },
    userAgent: { type: 'string', maxLength: 1024 },
    page: {
      type: 'object',
      properties: { url: pageString, path: pageString, title: pageString, referrer: pageString, search: pageString },
    },
    campaign: { type: 'object' },
    locale: { type: 'string', maxLength: 64 },
    library: { type: 'object', properties: { name: { type: 'string' }, version: { type: 'string' } } },
    traits: { type: 'object' },
    consent: consentSchema,
    cookies: { type: 'object', additionalProperties: { type: 'string' } },
  },
} as const;

/** Properties every incoming event may carry, whatever its type. */
const eventProperties = {
  type: { type: 'string', enum: EVENT_TYPES },
  event: { type: 'string', minLength: 1, maxLength: 200, description: 'The action (track calls), e.g. "Order Completed".' },
  name: { type: 'string', maxLength: 200, description: 'The page or screen name (page and screen calls).' },
  properties: { type: 'object', description: 'Free-form properties of the action or page.' },
  traits: { type: 'object', description: 'Traits of the user (identify calls) or of the group (group calls).' },
  // null: classic analytics.js sends `userId: null` for anonymous visitors; it means absent.
  userId: { type: ['string', 'null'], maxLength: 255, description: 'Your id for a known user (null or "" means none).' },
  anonymousId: { type: ['string', 'null'], maxLength: 255, description: 'A pseudonymous id for the visitor; browsers get one from the `_dfdid` cookie (null or "" means none).' },
  groupId: { ...idString, description: 'The account or company (group calls; required there).' },
  previousId: { ...idString, description: 'The id the user had before (alias calls; required there).' },
  messageId: { type: 'string', minLength: 1, maxLength: 100, description: 'A unique id; Signal assigns one when absent or blank. Used for dedup.' },
  timestamp: { ...isoDateTime, description: 'When the event happened (client clock).' },
  originalTimestamp: isoDateTime,
  sentAt: { ...isoDateTime, description: 'When the client sent the request (client clock); used to correct clock skew.' },
  context: contextSchema,
  integrations: {
    type: 'object',
    // true, false, or an object of a destination's options (analytics.js' `Segment.io`).
    additionalProperties: { type: ['boolean', 'object'] },
    description: "Segment's destination selection: `{\"All\": false, \"Amplitude\": true}` sends the event to Amplitude only; a key is an integration's name, its plugin's name or id; `false` turns it off.",
  },
  writeKey: { type: 'string', maxLength: 200, description: 'The pipeline key, when not sent as the HTTP Basic username.' },
} as const;

/** What each type requires beyond an id, as in Segment's spec. */
const REQUIRED_BY_TYPE = { track: ['event'], group: ['groupId'], alias: ['previousId'] } as const;

/**
 * Schema of one event inside a batch: `type` is required, and `track` needs `event`, `group`
 * a `groupId`, `alias` a `previousId`.
 */
export const batchItemSchema = {
  type: 'object',
  required: ['type'],
  properties: eventProperties,
  // `required` in the condition: without it an event lacking `type` would match every branch
  // and be told it needs a groupId and a previousId, not a type.
  allOf: Object.entries(REQUIRED_BY_TYPE).map(([type, required]) => ({ if: { required: ['type'], properties: { type: { const: type } } }, then: { required } })),
} as const;

/** Schema of the single-event routes; `type` comes from the route. */
export function singleEventSchema(type: EventType) {
  return {
    type: 'object',
    required: type in REQUIRED_BY_TYPE ? [...REQUIRED_BY_TYPE[type as keyof typeof REQUIRED_BY_TYPE]] : [],
    properties: eventProperties,
  } as const;
}

export const batchSchema = {
  type: 'object',
  required: ['batch'],
  properties: {
    batch: { type: 'array', minItems: 1, maxItems: 2500, items: batchItemSchema },
    context: contextSchema,
    integrations: { type: 'object', additionalProperties: { type: ['boolean', 'object'] }, description: 'Destination selection for events of the batch that have none of their own.' },
    sentAt: isoDateTime,
    writeKey: { type: 'string', maxLength: 200 },
  },
} as const;

/** Events as clients send them (before normalisation). */
export interface IncomingEvent {
  type?: EventType;
  event?: string;
  name?: string;
  properties?: JsonObject;
  traits?: JsonObject;
  /** null: classic analytics.js's anonymous visitor; means none. */
  userId?: string | null;
  anonymousId?: string | null;
  groupId?: string;
  previousId?: string;
  messageId?: string;
  timestamp?: string;
  originalTimestamp?: string;
  sentAt?: string;
  context?: EventContext;
  integrations?: Record<string, JsonValue>;
  writeKey?: string;
}

export interface IncomingBatch {
  batch: IncomingEvent[];
  context?: EventContext;
  integrations?: Record<string, JsonValue>;
  sentAt?: string;
  writeKey?: string;
}
