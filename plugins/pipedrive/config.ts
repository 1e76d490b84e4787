// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validatePipedriveConfig), and the readings the mapping, the requests and the
// deletions take from it. Pipedrive's API takes a user's personal API token (Personal
// preferences > API) in the `x-api-token` header ("The API token must be provided in the
// x-api-token header for all requests", Authentication), on the company's own host
// (`https://<company>.pipedrive.com`) or on `https://api.pipedrive.com`.
import { configApiKey, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** A custom field's key as Pipedrive shows it: "randomly generated 40-character hashes". */
export const CUSTOM_FIELD_KEY = /^[0-9a-f]{40}$/;
/** A company domain's label: the `acme` of acme.pipedrive.com. */
const COMPANY_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
/** The host used when the config names no company domain. */
export const DEFAULT_API_ORIGIN = 'https://api.pipedrive.com';

/** The integration's config as the catalog shows it; `validatePipedriveConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_token'],
  properties: {
    api_token: {
      type: 'string', title: 'API Token', secret: true,
      description: 'The personal API token of the Pipedrive user Signal writes as (Personal preferences > API), sent in the x-api-token header. People Signal creates are owned by this user.',
      minLength: 20, maxLength: 200, examples: ['659c9fddb16335e48cc67114694b52074e812e03'],
    },
    company_domain: {
      type: 'string', title: 'Company Domain',
      description: 'Your Pipedrive company domain: the acme of https://acme.pipedrive.com (the full host or URL is taken too). Empty: https://api.pipedrive.com, which serves the token\'s company as well.',
      maxLength: 253, examples: ['acme'],
    },
    custom_fields: {
      type: 'object', title: 'Custom Fields',
      description: 'Identify traits written to person custom fields: trait name → the field\'s 40-character key (Company settings > Data fields > Person > the field > API key), e.g. {"plan": "d4de1c1518b4531717c676029a45911c340390a6"}. Traits not listed are not sent; the email, name and phone are sent without being listed.',
      additionalProperties: { type: 'string' },
      examples: [{ plan: 'd4de1c1518b4531717c676029a45911c340390a6' }],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Pipedrive: the persons holding one of the person\'s emails are found and deleted (Pipedrive keeps a deleted person 30 days before it deletes it for good).',
      default: true,
    },
  },
};

/**
 * The API origin of the config: `https://<company>.pipedrive.com` for a company domain given as
 * a label, a host or a URL; `https://api.pipedrive.com` when none is set; undefined when the
 * value names no Pipedrive host (the config check refuses it).
 *
 * @example
 * apiOriginOf({ company_domain: 'Acme' });                           // 'https://acme.pipedrive.com'
 * apiOriginOf({ company_domain: 'https://acme.pipedrive.com/api' }); // 'https://acme.pipedrive.com'
 * apiOriginOf({});                                                   // 'https://api.pipedrive.com'
 * apiOriginOf({ company_domain: 'acme.example.com' });               // undefined
 */
export function apiOriginOf(config: Record<string, JsonValue>): string | undefined {
  const given = typeof config.company_domain === 'string' ? config.company_domain.trim().toLowerCase() : '';
  if (given === '') return DEFAULT_API_ORIGIN;
  const host = given.replace(/^https?:\/\//, '').replace(/[/?#].*$/, '').replace(/\.$/, '');
  const label = host.endsWith('.pipedrive.com') ? host.slice(0, -'.pipedrive.com'.length) : host;
  return COMPANY_LABEL.test(label) ? `https://${label}.pipedrive.com` : undefined;
}

/**
 * The custom fields the config maps: trait → field key, only pairs whose key is one.
 *
 * @example
 * customFieldsOf({ custom_fields: { plan: ' d4de1c1518b4531717c676029a45911c340390a6 ', x: 'Plan' } }); // [['plan', 'd4de1c1518b4531717c676029a45911c340390a6']]
 */
export function customFieldsOf(config: Record<string, JsonValue>): Array<[string, string]> {
  const map = config.custom_fields;
  if (map === null || map === undefined || typeof map !== 'object' || Array.isArray(map)) return [];
  return Object.entries(map)
    .filter((pair): pair is [string, string] => typeof pair[1] === 'string' && CUSTOM_FIELD_KEY.test(pair[1].trim()))
    .map(([trait, key]) => [trait, key.trim()]);
}

/**
 * The API token as the x-api-token header takes it, trimmed, or `''` when not set.
 *
 * @example
 * apiTokenOf({ api_token: ' 659c9fdd… ' }); // '659c9fdd…'
 */
export function apiTokenOf(config: Record<string, JsonValue>): string {
  return configApiKey(config, 'api_token');
}

/**
 * Checks beyond the schema, each naming its field: a token pasted with a scheme or white space,
 * a company domain that names no Pipedrive host, a custom field mapped to a field's name instead
 * of its 40-character key. Messages never repeat the token.
 *
 * @example
 * validatePipedriveConfig({ api_token: '659c9fddb16335e48cc67114694b52074e812e03', custom_fields: { plan: 'Plan' } });
 * // [{ field: 'custom_fields', message: 'maps "plan" to "Plan", which is no Pipedrive custom field key: …' }]
 */
export function validatePipedriveConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_token === 'string') {
    const pasted = pastedSecretProblem('api_token', config.api_token.trim(), 'Pipedrive API token', { schemeHint: 'Signal sends it in the x-api-token header itself', spaceHint: 'as Personal preferences > API shows it' });
    if (pasted) problems.push(pasted);
  }
  if (apiOriginOf(config) === undefined) {
    problems.push({ field: 'company_domain', message: `${JSON.stringify(config.company_domain)} names no Pipedrive company: give the acme of https://acme.pipedrive.com (or leave it empty for https://api.pipedrive.com)` });
  }
  const map = config.custom_fields;
  if (map !== null && map !== undefined && typeof map === 'object' && !Array.isArray(map)) {
    for (const [trait, key] of Object.entries(map)) {
      if (trait.trim() === '') problems.push({ field: 'custom_fields', message: 'has an empty trait name: name the trait (e.g. "plan")' });
      const text = typeof key === 'string' ? key.trim() : '';
      if (!CUSTOM_FIELD_KEY.test(text)) {
        problems.push({ field: 'custom_fields', message: `maps "${trait}" to ${JSON.stringify(key)}, which is no Pipedrive custom field key: give the field's 40-character API key (Company settings > Data fields > Person > the field), not its name` });
      }
    }
  }
  return problems;
}
