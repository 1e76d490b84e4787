// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateBloomreachConfig), advice about a valid config (bloomreachConfigWarnings)
// and the settings the mapping, the requests and the deletions read from it.
//
// Bloomreach Engagement's private API access is HTTP Basic with an API key ID and its secret
// (Authorization: Basic base64(API Key ID:API Secret); documentation.bloomreach.com/engagement/reference/authentication),
// both created in an API group of the project (Project settings > Access management > API),
// whose permissions say what the key may set: Customer properties > Set, Events > Set, and
// GDPR > Anonymize customer for deletions. The project token names the project in every path.
import { configText, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';
import { API_BASES, apiBaseOf, CUSTOM_API_BASE, customApiBaseProblem, DEFAULT_API_BASE } from './api-base.ts';

/** A customer ID's name as a project defines it (registered, cookie, email_id…). */
const ID_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** A project token as Bloomreach shows it: a UUID (c178a8c8-5cea-11e8-aa8c-ac1f6b000000). */
const PROJECT_TOKEN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The integration's config as the catalog shows it; `validateBloomreachConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['project_token', 'api_key_id', 'api_secret'],
  properties: {
    api_base: {
      type: 'string', title: 'API Base URL',
      description: 'The project\'s API Base URL, as Project settings > Access management > API shows it: api.exponea.com, api.eu1.exponea.com, or "Custom" for another (your instance\'s or your custom tracking domain\'s), given in Custom API Base URL.',
      enum: [...API_BASES.map(([url]) => url), CUSTOM_API_BASE],
      enumLabels: [...API_BASES.map(([, label]) => label), 'Custom (give it in Custom API Base URL)'],
      default: DEFAULT_API_BASE,
    },
    custom_api_base: {
      type: 'string', title: 'Custom API Base URL',
      description: 'Used only with API Base URL "Custom": the https:// API Base URL of Project settings > Access management > API, without a path.',
      maxLength: 255, examples: ['https://api-cis.exponea.com'],
    },
    project_token: {
      type: 'string', title: 'Project Token',
      description: 'The project\'s token (Project settings > Access management > API, or Project settings > General), a UUID. It names the project in every request\'s path.',
      minLength: 1, maxLength: 100, examples: ['c178a8c8-5cea-11e8-aa8c-ac1f6b000000'],
    },
    api_key_id: {
      type: 'string', title: 'API Key ID',
      description: 'The ID of an API key of a Private access API group (Project settings > Access management > API > API groups): the user name of HTTP Basic auth. The group needs Customer properties > Set and Events > Set for what is sent (allow New properties and New events too), and GDPR > Anonymize customer to forward deletions.',
      minLength: 1, maxLength: 200, examples: ['qgxmkbkmg5vb1k5uf7kmahoiu6kvu94w35fr3xxplvvsmixex24ghbtjmqz6gpkx'],
    },
    api_secret: {
      type: 'string', title: 'API Secret', secret: true,
      description: 'The API key\'s secret, shown once when the key is created (the password of HTTP Basic auth).',
      minLength: 1, maxLength: 200, examples: ['s3cr3t0123456789abcdef0123456789abcdef0123456789abcdef0123456789'],
    },
    hard_id: {
      type: 'string', title: 'Hard ID (userId)',
      description: 'The name of the project\'s hard customer ID that receives the userId (Bloomreach\'s default: registered). Hard IDs are case-sensitive: the userId is sent as it is.',
      pattern: '^\\s*[A-Za-z0-9_-]{1,64}\\s*$', default: 'registered', examples: ['registered'],
    },
    soft_id: {
      type: 'string', title: 'Soft ID (anonymousId)',
      description: 'The name of the project\'s soft customer ID that receives the anonymousId (Bloomreach\'s default: cookie). Leave it blank to send no anonymousId: anonymous visitors are then not sent.',
      pattern: '^\\s*([A-Za-z0-9_-]{1,64})?\\s*$', default: 'cookie', examples: ['cookie'],
    },
    email_id: {
      type: 'string', title: 'Email ID',
      description: 'Optional: the name of a hard customer ID the project keys customers by email (e.g. email_id). The person\'s email (traits.email, or the identify traits Signal remembers) is then sent lower-cased under it with every command, and person deletions anonymize the customer by each email Signal found for them too.',
      pattern: '^\\s*([A-Za-z0-9_-]{1,64})?\\s*$', examples: ['email_id'],
    },
    reference_currency: {
      type: 'string', title: 'Reference Currency',
      description: 'Optional: the ISO 4217 code of the project\'s reference currency, the one Bloomreach\'s total_price and price are in ("Total price paid by the customer in the reference currency"). Blank: every event\'s amounts are taken to be in it. Set for a shop selling in several currencies: an event in another currency then carries its amounts as total_price_local_currency and price_local_currency (with local_currency) only, since Signal does not convert (a site may send its own reference-currency total as properties.total_price).',
      pattern: '^\\s*([A-Za-z]{3})?\\s*$', examples: ['EUR'],
    },
    purchase_item_events: {
      type: 'boolean', title: 'Purchase Item Events',
      description: 'With each purchase (Order Completed, Order Refunded), one purchase_item event per product, as Bloomreach\'s transactional data expects (purchase and purchase_item events).',
      default: true,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Bloomreach\'s GDPR API (Anonymize a customer) with the same key, whose API group then needs GDPR > Anonymize customer: the customer found by the userId (hard ID), by each email (with Email ID) and by the anonymousId (soft ID) is anonymized.',
      default: true,
    },
  },
};

/** What the mapping, the requests and the deletions read from the config. */
export interface BloomreachOptions {
  /** The API base URL without a trailing slash; undefined when the custom one is unusable. */
  apiBase: string | undefined;
  projectToken: string;
  apiKeyId: string;
  apiSecret: string;
  /** The hard ID the userId goes to. */
  hardId: string;
  /** The soft ID the anonymousId goes to; undefined: none sent. */
  softId: string | undefined;
  /** The hard ID the email goes to; undefined: none sent. */
  emailId: string | undefined;
  /** The project's reference currency, upper-cased; undefined: every event's currency is taken to be it. */
  referenceCurrency: string | undefined;
  purchaseItemEvents: boolean;
  forwardDeletions: boolean;
}

/**
 * The options of an integration's config, trimmed; the documented defaults for what it leaves
 * out (hard ID registered, soft ID cookie — a blank soft ID sends none).
 *
 * @example
 * optionsOf({ project_token: ' c178a8c8-5cea-11e8-aa8c-ac1f6b000000 ', api_key_id: 'k', api_secret: 's', email_id: 'email_id' });
 * // { apiBase: 'https://api.exponea.com', projectToken: 'c178a8c8-…', apiKeyId: 'k', apiSecret: 's', hardId: 'registered', softId: 'cookie', emailId: 'email_id', referenceCurrency: undefined, purchaseItemEvents: true, forwardDeletions: true }
 */
export function optionsOf(config: Record<string, JsonValue>): BloomreachOptions {
  return {
    apiBase: apiBaseOf(config),
    projectToken: configText(config, 'project_token') ?? '',
    apiKeyId: configText(config, 'api_key_id') ?? '',
    apiSecret: configText(config, 'api_secret') ?? '',
    hardId: configText(config, 'hard_id') ?? 'registered',
    softId: config.soft_id === undefined || config.soft_id === null ? 'cookie' : configText(config, 'soft_id'),
    emailId: configText(config, 'email_id'),
    referenceCurrency: configText(config, 'reference_currency')?.toUpperCase(),
    purchaseItemEvents: config.purchase_item_events !== false,
    forwardDeletions: config.forward_deletions !== false,
  };
}

/**
 * The Authorization header's value: HTTP Basic with the API key ID and its secret.
 *
 * @example
 * basicAuthOf({ api_key_id: 'key', api_secret: 'secret' }); // 'Basic a2V5OnNlY3JldA=='
 */
export function basicAuthOf(config: Record<string, JsonValue>): string {
  const { apiKeyId, apiSecret } = optionsOf(config);
  return `Basic ${Buffer.from(`${apiKeyId}:${apiSecret}`).toString('base64')}`;
}

/**
 * The headers of every request: JSON and HTTP Basic.
 *
 * @example
 * headersOf({ api_key_id: 'key', api_secret: 'secret' }); // { 'content-type': 'application/json', authorization: 'Basic a2V5OnNlY3JldA==' }
 */
export function headersOf(config: Record<string, JsonValue>): Record<string, string> {
  return { 'content-type': 'application/json', authorization: basicAuthOf(config) };
}

/** The problems of the customer ID names (the defaults included): each a name a project can define, no two the same. */
function idNameProblems(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const named: Array<[string, string]> = [];
  const { hardId, softId, emailId } = optionsOf(config);
  for (const [field, name] of [['hard_id', hardId], ['soft_id', softId], ['email_id', emailId]] as const) {
    if (name === undefined) continue;
    if (!ID_NAME.test(name)) {
      problems.push({ field, message: `${JSON.stringify(name)} is not a customer ID's name: give the customer ID's name as your project defines it (letters, digits, _ and -, e.g. registered, cookie, email_id)` });
      continue;
    }
    const same = named.find(([, other]) => other === name);
    if (same) problems.push({ field, message: `is ${JSON.stringify(name)}, the name config.${same[0]} already gives: each id of the person goes to a customer ID of its own` });
    named.push([field, name]);
  }
  return problems;
}

/**
 * Checks beyond the schema, each naming its field: the custom API base URL given when
 * `api_base` is `custom`, and an https URL of a public host without a path; the project token,
 * API key ID and secret one token each (they travel in a path and an HTTP Basic header: a paste
 * error), the key ID without a colon (Basic auth cannot carry one in a user name), the secret
 * not the key ID again; the customer ID names valid and distinct. Messages never repeat the secret.
 *
 * @example
 * validateBloomreachConfig({ project_token: 't', api_key_id: 'key:secret', api_secret: 'x', api_base: 'custom' });
 * // [{ field: 'custom_api_base', message: 'is required when api_base is "custom": …' }, { field: 'api_key_id', message: 'holds a colon …' }]
 */
export function validateBloomreachConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const custom = configText(config, 'custom_api_base');
  if (configText(config, 'api_base') === CUSTOM_API_BASE && custom === undefined) {
    problems.push({ field: 'custom_api_base', message: 'is required when api_base is "custom": give the API Base URL of Project settings > Access management > API, e.g. https://api-cis.exponea.com' });
  }
  // Checked even when another base is chosen: the credentials would go there once "Custom" is.
  if (custom !== undefined) {
    const problem = customApiBaseProblem(custom);
    if (problem) problems.push({ field: 'custom_api_base', message: problem });
  }
  const token = configText(config, 'project_token');
  if (token !== undefined && /[\s/?#]/.test(token)) {
    problems.push({ field: 'project_token', message: 'holds white space, a slash or a URL\'s part: give the project token alone, as Project settings > Access management > API shows it (a UUID)' });
  }
  const keyId = configText(config, 'api_key_id');
  if (keyId !== undefined) {
    if (/\s/.test(keyId)) problems.push({ field: 'api_key_id', message: 'holds white space or a line break (copied with the text around it?): give the API key ID alone' });
    else if (keyId.includes(':')) problems.push({ field: 'api_key_id', message: 'holds a colon, which HTTP Basic auth cannot carry in the key ID: give the API key ID alone and its secret in api_secret' });
  }
  const secret = configText(config, 'api_secret');
  if (secret !== undefined) {
    const pasted = pastedSecretProblem('api_secret', secret, 'API secret');
    if (pasted) problems.push(pasted);
    else if (secret === keyId) problems.push({ field: 'api_secret', message: 'is the API key ID again: give the secret shown once when the API key was created (Project settings > Access management > API)' });
  }
  problems.push(...idNameProblems(config));
  return problems;
}

/**
 * Advice about a valid config: a project token that is no UUID, as every project token
 * Bloomreach shows is (a token missing characters is answered "Invalid project id").
 *
 * @example
 * bloomreachConfigWarnings({ project_token: 'c178a8c8-5cea-11e8-aa8c-ac1f6b0' });
 * // [{ field: 'project_token', message: 'is not a UUID, the form of Bloomreach\'s project tokens: …' }]
 */
export function bloomreachConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  const token = configText(config, 'project_token');
  if (token === undefined || PROJECT_TOKEN.test(token) || /[\s/?#]/.test(token)) return [];
  return [{ field: 'project_token', message: 'is not a UUID, the form of Bloomreach\'s project tokens (c178a8c8-5cea-11e8-aa8c-ac1f6b000000): copied whole? Bloomreach answers a token missing characters "Invalid project id"' }];
}
