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

/**
 * A field that may also be `null`, which collect reads as absent and drops before storage
 * (`present-fields.ts`). SDKs send it for a value they do not have: analytics-python writes
 * `name`, `category`, `anonymousId` and `userId` as null when not given, typed clients serialise
 * an unset optional as null; refusing it would lose the event (and its whole batch) at the client.
 */
function orNull<const S extends { type: string }>(schema: S): Omit<S, 'type'> & { type: [S['type'], 'null'] } {
  return { ...schema, type: [schema.type, 'null'] };
}

const isoDateTime = orNull({ type: 'string', format: 'date-time', maxLength: 64 });
/** Page fields: a landing URL with its click ids and UTM tags passes 2 KB; the event's 32 KB caps the rest. */
const pageString = orNull({ type: 'string', maxLength: 8192 });
const idString = orNull({ type: 'string', maxLength: 255 });
const googleSignal = { type: 'string', enum: ['granted', 'denied'] } as const;

export const consentSchema = {
  type: 'object',
  description: 'Consent state from the consent management platform. A category is granted only when `true`. A field that is `null` counts as absent and is dropped, but for Segment\'s `destinationPreferences` and `defaultDestinationBehavior`, stored as sent.',
  properties: {
    analytics: orNull({ type: 'boolean' }),
    marketing: orNull({ type: 'boolean' }),
    functional: orNull({ type: 'boolean' }),
    advertising: orNull({ type: 'boolean' }),
    gpc: { type: ['boolean', 'null'], description: 'Global Privacy Control: the visitor opted out of the sale and sharing of their data. Collect sets it to `true` when the request carries `Sec-GPC: 1` and the event has no `gpc` of its own (an SDK reading `navigator.globalPrivacyControl`, which wins). What follows is the deployment\'s `SIGNAL_GPC` rule: ad integrations\' restricted-processing flag (`restrict`, the default), no ad integration (`opt_out`), or nothing (`ignore`).' },
    categories: { type: ['object', 'null'], additionalProperties: { type: 'boolean' }, description: 'CMP category codes → granted.' },
    categoryPreferences: { type: ['object', 'null'], additionalProperties: { type: 'boolean' }, description: 'Segment\'s consent object (category → granted), as its consent wrappers send it; the consent gate reads it like `categories`.' },
    destinationPreferences: { type: ['object', 'null'], additionalProperties: { type: 'boolean' }, description: 'Segment\'s per-destination preferences; stored, not used by the gate.' },
    defaultDestinationBehavior: { type: ['string', 'null'], maxLength: 100, description: 'Segment\'s default for unlisted destinations; stored, not used by the gate.' },
    iab: {
      type: ['object', 'null'],
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
      type: ['object', 'null'],
      description: 'Google Consent Mode v2 signals.',
      properties: {
        ad_storage: googleSignal,
        analytics_storage: googleSignal,
        ad_user_data: googleSignal,
        ad_personalization: googleSignal,
      },
    },
  },
  additionalProperties: { type: ['boolean', 'null'] },
} as const;

export const contextSchema = {
  type: ['object', 'null'],
  description: 'Where the event happened. `ip` and `userAgent` are filled in by the server when absent. A field that is `null` (here, in `page`, `campaign`, `library` or `consent`) counts as absent and is dropped; a batch\'s value then applies. A `null` inside `traits` is kept.',
  properties: {
    ip: orNull({ type: 'string', maxLength: 64, format: 'ip' }),
    userAgent: orNull({ type: 'string', maxLength: 1024 }),
    page: {
      type: ['object', 'null'],
      properties: { url: pageString, path: pageString, title: pageString, referrer: pageString, search: pageString },
    },
    campaign: { type: ['object', 'null'] },
    locale: orNull({ type: 'string', maxLength: 64 }),
    library: { type: ['object', 'null'], properties: { name: orNull({ type: 'string' }), version: orNull({ type: 'string' }) } },
    traits: { type: ['object', 'null'] },
    consent: { ...consentSchema, type: ['object', 'null'] },
    cookies: { type: ['object', 'null'], additionalProperties: { type: 'string' } },
  },
} as const;

/** `integrations`: true, false, or an object of a destination's options (analytics.js' `Segment.io`); null counts as absent. */
const integrationValue = { type: ['boolean', 'object', 'null'] } as const;

/**
 * Properties every incoming event may carry, whatever its type. Every optional field may be
 * `null`, read as absent (`userId` and `anonymousId` as no id); a `null` inside `properties` or
 * `traits` is a value and is kept.
 */
const eventProperties = {
  type: { type: 'string', enum: EVENT_TYPES },
  event: { type: ['string', 'null'], minLength: 1, maxLength: 200, description: 'The action (track calls, where it is required and must be text), e.g. "Order Completed".' },
  name: { type: ['string', 'null'], maxLength: 200, description: 'The page or screen name (page and screen calls).' },
  properties: { type: ['object', 'null'], description: 'Free-form properties of the action or page (null: none). A property whose value is null is kept as it is.' },
  traits: { type: ['object', 'null'], description: 'Traits of the user (identify calls) or of the group (group calls); null: none. A trait whose value is null is kept as it is.' },
  // null: classic analytics.js sends `userId: null` for anonymous visitors; it means absent.
  userId: { type: ['string', 'null'], maxLength: 255, description: 'Your id for a known user (null or "" means none).' },
  anonymousId: { type: ['string', 'null'], maxLength: 255, description: 'A pseudonymous id for the visitor; browsers get one from the `_dfdid` cookie (null or "" means none).' },
  groupId: { ...idString, description: 'The account or company (group calls; required there).' },
  previousId: { ...idString, description: 'The id the user had before (alias calls; required there).' },
  messageId: { type: ['string', 'null'], minLength: 1, maxLength: 100, description: 'A unique id; Signal assigns one when absent, null or blank. Used for dedup.' },
  timestamp: { ...isoDateTime, description: 'When the event happened (client clock).' },
  originalTimestamp: isoDateTime,
  sentAt: { ...isoDateTime, description: 'When the client sent the request (client clock); used to correct clock skew.' },
  context: contextSchema,
  integrations: {
    type: ['object', 'null'],
    additionalProperties: integrationValue,
    description: "Segment's destination selection: `{\"All\": false, \"Amplitude\": true}` sends the event to Amplitude only; a key is an integration's name, its plugin's name or id; `false` turns it off.",
  },
  writeKey: { type: ['string', 'null'], maxLength: 200, description: 'The pipeline key, when not sent as the HTTP Basic username.' },
} as const;

/** What each type requires beyond an id, as in Segment's spec. */
const REQUIRED_BY_TYPE = { track: ['event'], group: ['groupId'], alias: ['previousId'] } as const;

/** A required field is text: `null` there is a 400 naming it, not an absent value. */
const requiredText = { type: 'string' } as const;
function requiredFieldsAsText(required: readonly string[]): Record<string, typeof requiredText> {
  return Object.fromEntries(required.map((field) => [field, requiredText]));
}

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
  allOf: Object.entries(REQUIRED_BY_TYPE).map(([type, required]) => ({ if: { required: ['type'], properties: { type: { const: type } } }, then: { required, properties: requiredFieldsAsText(required) } })),
} as const;

/** Schema of the single-event routes; `type` comes from the route. */
export function singleEventSchema(type: EventType) {
  const required: readonly string[] = type in REQUIRED_BY_TYPE ? REQUIRED_BY_TYPE[type as keyof typeof REQUIRED_BY_TYPE] : [];
  // The required fields' own schemas, without `null` (the OpenAPI document shows them so).
  const properties: Record<string, object> = { ...eventProperties };
  for (const field of required) properties[field] = { ...eventProperties[field as keyof typeof eventProperties], type: 'string' };
  return { type: 'object', required: [...required], properties } as const;
}

export const batchSchema = {
  type: 'object',
  required: ['batch'],
  properties: {
    batch: { type: 'array', minItems: 1, maxItems: 2500, items: batchItemSchema },
    context: contextSchema,
    integrations: { type: ['object', 'null'], additionalProperties: integrationValue, description: 'Destination selection for events of the batch that have none of their own.' },
    sentAt: isoDateTime,
    writeKey: { type: ['string', 'null'], maxLength: 200 },
  },
} as const;

/** Events as clients send them (before normalisation): `null` in an optional field means absent. */
export interface IncomingEvent {
  type?: EventType;
  event?: string | null;
  name?: string | null;
  properties?: JsonObject | null;
  traits?: JsonObject | null;
  /** null: classic analytics.js's anonymous visitor; means none. */
  userId?: string | null;
  anonymousId?: string | null;
  groupId?: string | null;
  previousId?: string | null;
  messageId?: string | null;
  timestamp?: string | null;
  originalTimestamp?: string | null;
  sentAt?: string | null;
  /** Its fields (and `page`'s, `campaign`'s, `library`'s, `consent`'s) may be null too. */
  context?: EventContext | null;
  integrations?: Record<string, JsonValue> | null;
  writeKey?: string | null;
}

export interface IncomingBatch {
  batch: IncomingEvent[];
  context?: EventContext | null;
  integrations?: Record<string, JsonValue> | null;
  sentAt?: string | null;
  writeKey?: string | null;
}
