// The integration's config: the server-to-server credentials of one mParticle input (the Events
// API's Basic user and password), the pod the account lives on (each has its own Events API
// host), the environment batches are marked with, the custom event type of track events, how
// Signal's consent reaches mParticle's consent state (GDPR purposes from a map of Signal's
// consent categories, a CCPA data-sale opt-out from GPC and advertising refusals), which user
// identity carries Signal's visitor id, and the optional workspace credentials that forward person
// deletions to mParticle's Data Subject Request API (OpenDSR v3). The schema says what it can;
// validateMParticleConfig says the rest in words naming each field.
import { configText, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** mParticle's pods, as its docs name them ("US1, US2, EU1, AU1"). */
export const PODS = ['us1', 'us2', 'eu1', 'au1'] as const;
export type Pod = (typeof PODS)[number];

/** The Events API origin of each pod (docs.mparticle.com/developers/server/http/: US1 also answers at s2s.us1.mparticle.com). */
export const EVENTS_API_ORIGINS: Record<Pod, string> = {
  us1: 'https://s2s.mparticle.com',
  us2: 'https://s2s.us2.mparticle.com',
  eu1: 'https://s2s.eu1.mparticle.com',
  au1: 'https://s2s.au1.mparticle.com',
};

/** The batch's `environment`, required by the Events API. */
export const ENVIRONMENTS = ['production', 'development'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** The `custom_event_type` values mParticle's JSON reference allows. */
export const CUSTOM_EVENT_TYPES = ['attribution', 'location', 'media', 'navigation', 'search', 'social', 'transaction', 'user_content', 'user_preference', 'other'] as const;
export type CustomEventType = (typeof CUSTOM_EVENT_TYPES)[number];

/** The user identities Signal's visitor id (anonymousId) may be sent as, or `none`. */
export const ANONYMOUS_ID_IDENTITIES = ['other', 'other2', 'other3', 'other4', 'none'] as const;
export type AnonymousIdIdentity = (typeof ANONYMOUS_ID_IDENTITIES)[number];

/** The regulations a Data Subject Request names (OpenDSR v3's `regulation`). */
export const REGULATIONS = ['gdpr', 'ccpa'] as const;
export type Regulation = (typeof REGULATIONS)[number];

/** A consent purpose as mParticle's consent state keys it: lower case, letters, digits, _ and -. */
const PURPOSE = /^[a-z0-9][a-z0-9_-]{0,99}$/;
/** A Signal consent category (context.consent's keys). */
const CATEGORY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

/** The integration's config as the catalog shows it; `validateMParticleConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key', 'api_secret'],
  properties: {
    api_key: {
      type: 'string', title: 'Input API Key', secret: true,
      description: 'The server-to-server key of the mParticle input the events go to (mParticle: Setup > Inputs > Feeds or Platforms > Custom Feed / your server input > Issue Keys). Sent as the HTTP Basic user name.',
      minLength: 1, maxLength: 200, examples: ['us1-0123456789abcdef0123456789abcdef'],
    },
    api_secret: {
      type: 'string', title: 'Input API Secret', secret: true,
      description: 'The secret issued with the input\'s key, sent as the HTTP Basic password.',
      minLength: 1, maxLength: 500, examples: ['AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-secret'],
    },
    pod: {
      type: 'string', title: 'Pod (data region)',
      description: 'The pod your mParticle account is hosted on: US1 (s2s.mparticle.com, default), US2 (s2s.us2.mparticle.com), EU1 (s2s.eu1.mparticle.com) or AU1 (s2s.au1.mparticle.com). Keys issued on one pod are refused on another. The key\'s prefix often names it (us2-…).',
      enum: [...PODS], enumLabels: ['US1 (s2s.mparticle.com)', 'US2 (s2s.us2.mparticle.com)', 'EU1 (s2s.eu1.mparticle.com)', 'AU1 (s2s.au1.mparticle.com)'], default: 'us1',
    },
    environment: {
      type: 'string', title: 'Environment',
      description: 'The environment every batch is marked with: production (default) or development (mParticle\'s Live Stream shows development data, and keeps it out of production outputs and audiences).',
      enum: [...ENVIRONMENTS], enumLabels: ['Production', 'Development'], default: 'production',
    },
    custom_event_type: {
      type: 'string', title: 'Custom Event Type',
      description: 'The custom_event_type of track events the blueprint sends as custom events without one of their own: other (default), navigation, transaction, user_preference …',
      enum: [...CUSTOM_EVENT_TYPES], default: 'other',
    },
    anonymous_id_identity: {
      type: 'string', title: 'Visitor ID as identity',
      description: 'The user identity Signal\'s visitor id (the anonymousId) is sent as, so mParticle can tell anonymous visitors apart and merge their profile when they log in: other (default), other2, other3 or other4 — pick one your identity strategy does not use for anything else — or none (then events of visitors with no userId, email or device id are not sent: mParticle needs an identity).',
      enum: [...ANONYMOUS_ID_IDENTITIES], default: 'other',
    },
    gdpr_purposes: {
      type: 'object', title: 'GDPR consent purposes',
      description: 'Which of Signal\'s consent categories (context.consent.<category>) are sent as which GDPR consent purpose of mParticle\'s consent state, e.g. { "analytics": "analytics", "advertising": "marketing" }. The purposes must be defined in mParticle (Privacy > Privacy Settings); they are sent in lower case. An event whose consent does not say the category sends no state for its purpose. Empty: no GDPR consent state is sent.',
      additionalProperties: { type: 'string', minLength: 1, maxLength: 100 },
      examples: [{ analytics: 'analytics', advertising: 'marketing' }],
    },
    ccpa_data_sale_opt_out: {
      type: 'boolean', title: 'CCPA data sale opt-out',
      description: 'On (default): a visitor who sent Global Privacy Control or refused advertising consent is sent as a CCPA data_sale_opt_out (consented: true, the opt-out), and one who granted advertising without GPC as not opted out; an event whose consent says neither sends none. Off: no CCPA state is sent.',
      default: true,
    },
    dsr_api_key: {
      type: 'string', title: 'Workspace API Key (deletions only)', secret: true,
      description: 'Only to forward person deletions to mParticle\'s Data Subject Request API (OpenDSR v3) as erasure requests: the workspace\'s key (mParticle: Settings > Workspace Settings > your workspace > key and secret, the GDPR/DSR credentials) — not the input\'s key. Leave it out and deletions are not forwarded.',
      maxLength: 200,
    },
    dsr_api_secret: {
      type: 'string', title: 'Workspace API Secret (deletions only)', secret: true,
      description: 'With dsr_api_key: the secret issued with the workspace key.',
      maxLength: 500,
    },
    regulation: {
      type: 'string', title: 'Deletion regulation (deletions only)',
      description: 'The regulation forwarded erasure requests name: gdpr (default) or ccpa.',
      enum: [...REGULATIONS], enumLabels: ['GDPR', 'CCPA'], default: 'gdpr',
    },
  },
};

/** The config's pod (US1 unless another is named). */
export function podOf(config: Record<string, JsonValue>): Pod {
  return (PODS as readonly unknown[]).includes(config.pod) ? (config.pod as Pod) : 'us1';
}

/** The batches' environment (production unless development). */
export function environmentOf(config: Record<string, JsonValue>): Environment {
  return config.environment === 'development' ? 'development' : 'production';
}

/** The custom_event_type of custom events without their own (other unless configured). */
export function customEventTypeOf(config: Record<string, JsonValue>): CustomEventType {
  return (CUSTOM_EVENT_TYPES as readonly unknown[]).includes(config.custom_event_type) ? (config.custom_event_type as CustomEventType) : 'other';
}

/** The identity the anonymousId is sent as, or undefined for none. */
export function anonymousIdIdentityOf(config: Record<string, JsonValue>): Exclude<AnonymousIdIdentity, 'none'> | undefined {
  const value = config.anonymous_id_identity;
  if (value === 'none') return undefined;
  return (ANONYMOUS_ID_IDENTITIES as readonly unknown[]).includes(value) ? (value as Exclude<AnonymousIdIdentity, 'none'>) : 'other';
}

/** Signal's consent categories and the mParticle GDPR purpose each is sent as (purposes lower-cased). */
export function gdprPurposesOf(config: Record<string, JsonValue>): Array<[category: string, purpose: string]> {
  const map = config.gdpr_purposes;
  if (map === null || typeof map !== 'object' || Array.isArray(map)) return [];
  return Object.entries(map).flatMap(([category, purpose]) => (typeof purpose === 'string' && purpose.trim() !== '' ? [[category, purpose.trim().toLowerCase()] as [string, string]] : []));
}

/** Whether the CCPA data-sale opt-out is sent (on unless switched off). */
export function sendsCcpa(config: Record<string, JsonValue>): boolean {
  return config.ccpa_data_sale_opt_out !== false;
}

/** The regulation of forwarded deletions (gdpr unless ccpa). */
export function regulationOf(config: Record<string, JsonValue>): Regulation {
  return config.regulation === 'ccpa' ? 'ccpa' : 'gdpr';
}

/** Whether deletions are forwarded: the workspace key and secret are both given. */
export function forwardsDeletions(config: Record<string, JsonValue>): boolean {
  return configText(config, 'dsr_api_key') !== undefined && configText(config, 'dsr_api_secret') !== undefined;
}

/**
 * The `Authorization` header of HTTP Basic with a key and a secret, as mParticle documents it
 * (key:secret, UTF-8, Base64).
 *
 * @example
 * basicAuthorization('example-api-key', 'example-api-secret'); // 'Basic ZXhhbXBsZS1hcGkta2V5OmV4YW1wbGUtYXBpLXNlY3JldA=='
 */
export function basicAuthorization(key: string, secret: string): string {
  return `Basic ${Buffer.from(`${key}:${secret}`, 'utf8').toString('base64')}`;
}

/** A credential's problems: pasted with a scheme or white space, or (a key) holding the colon that ends a Basic user name. */
function credentialProblems(config: Record<string, JsonValue>, field: string, what: string, isKey: boolean): ConfigProblem[] {
  const raw = config[field];
  if (typeof raw !== 'string') return [];
  const value = raw.trim();
  if (value === '') return [{ field, message: `${field} is blank: give the ${what}${field.startsWith('dsr_') ? ', or leave the field out to not forward deletions' : ''}` }];
  const pasted = pastedSecretProblem(field, value, what, { schemes: ['Basic', 'Bearer'], schemeHint: 'Signal builds the Basic header from the key and the secret' });
  if (pasted !== undefined) return [{ field, message: `${field} ${pasted.message}` }];
  if (isKey && value.includes(':')) return [{ field, message: `${field} holds a colon, which cannot be in an HTTP Basic user name: give the ${what} alone (the secret goes in its own field)` }];
  return [];
}

/**
 * The checks beyond the schema, each naming its field: the credentials' form, a pod other than
 * the one a key's prefix names (us2-… on US1), a workspace key given without its secret (or the
 * input's key given as it), and GDPR purposes that are no purpose names.
 *
 * @example
 * validateMParticleConfig({ api_key: 'us2-abc', api_secret: 's', pod: 'us1' });
 * // [{ field: 'pod', message: 'pod is us1, but api_key starts with "us2-", a key of the US2 pod: set pod to us2 …' }]
 */
export function validateMParticleConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [
    ...credentialProblems(config, 'api_key', 'input\'s API key', true),
    ...credentialProblems(config, 'api_secret', 'input\'s API secret', false),
    ...credentialProblems(config, 'dsr_api_key', 'workspace API key', true),
    ...credentialProblems(config, 'dsr_api_secret', 'workspace API secret', false),
  ];
  const key = configText(config, 'api_key') ?? '';
  const keyPod = /^(us1|us2|eu1|au1)-/i.exec(key)?.[1]?.toLowerCase() as Pod | undefined;
  if (keyPod !== undefined && keyPod !== podOf(config)) {
    problems.push({ field: 'pod', message: `pod is ${podOf(config)}, but api_key starts with "${keyPod}-", a key of the ${keyPod.toUpperCase()} pod: set pod to ${keyPod} (keys are refused on another pod's host)` });
  }
  const dsrKey = configText(config, 'dsr_api_key');
  const dsrSecret = configText(config, 'dsr_api_secret');
  if (dsrKey !== undefined && dsrSecret === undefined) problems.push({ field: 'dsr_api_secret', message: 'dsr_api_secret is missing: deletions need the workspace key and its secret (or leave dsr_api_key out to not forward deletions)' });
  if (dsrKey === undefined && dsrSecret !== undefined) problems.push({ field: 'dsr_api_key', message: 'dsr_api_key is missing: deletions need the workspace key with the secret (or leave dsr_api_secret out to not forward deletions)' });
  if (dsrKey !== undefined && dsrKey === key) problems.push({ field: 'dsr_api_key', message: 'dsr_api_key is the input\'s api_key: the Data Subject Request API takes the workspace\'s key and secret (Settings > Workspace Settings), not an input\'s' });
  const purposes = config.gdpr_purposes;
  if (purposes !== undefined && purposes !== null && typeof purposes === 'object' && !Array.isArray(purposes)) {
    for (const [category, purpose] of Object.entries(purposes)) {
      if (!CATEGORY.test(category)) problems.push({ field: 'gdpr_purposes', message: `gdpr_purposes has the key ${JSON.stringify(category)}, which is no consent category (letters, digits and _, as in context.consent.analytics)` });
      else if (typeof purpose !== 'string' || !PURPOSE.test(purpose.trim().toLowerCase())) problems.push({ field: 'gdpr_purposes', message: `gdpr_purposes.${category} must be the name of an mParticle consent purpose (letters, digits, _ and -, e.g. "marketing"), not ${JSON.stringify(purpose)}` });
    }
  }
  return problems;
}
