// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateAttioConfig), and the readings the mapping, the requests and the
// deletions take from it. Attio's REST API takes an access token of a workspace integration
// (Workspace settings > Developers > the integration > Access token) as `Authorization: Bearer
// <token>`; writing and deleting records needs the scopes `record_permission:read-write` and
// `object_configuration:read` (Attio: "Assert a person record", "Delete a record").
import { configApiKey, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/**
 * An attribute slug as Attio shows one (`job_title`, `plan_tier`): lower-case letters, digits
 * and `_`, starting with a letter. Attio generates slugs this way from attribute names; a name
 * with capitals or spaces is the attribute's title, not its slug.
 */
export const ATTRIBUTE_SLUG = /^[a-z][a-z0-9_]{0,99}$/;

/** Attributes the plugin sets itself on a person, which a config map cannot name. */
export const PERSON_OWN_ATTRIBUTES = ['email_addresses', 'name', 'phone_numbers', 'job_title'] as const;
/** Attributes the plugin sets itself on a company. */
export const COMPANY_OWN_ATTRIBUTES = ['domains', 'name'] as const;

/** The integration's config as the catalog shows it; `validateAttioConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['access_token'],
  properties: {
    access_token: {
      type: 'string', title: 'Access Token', secret: true,
      description: 'The access token of an Attio workspace integration (Workspace settings > Developers > Create a new integration), sent as Authorization: Bearer. Give it the scopes record_permission:read-write and object_configuration:read.',
      minLength: 8, maxLength: 512, examples: ['7f3b9c2e5d1a4e8f9b6c0d2e4f6a8b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f3a'],
    },
    person_attributes: {
      type: 'object', title: 'Person Attributes',
      description: 'Identify traits written to People attributes of your workspace: trait name → the attribute\'s slug (the attribute\'s settings in Attio show it), e.g. {"plan": "plan_tier"}. Each attribute must exist in Attio and take the trait\'s type. Traits not listed are not sent; the email, name, phone and job title are sent without being listed.',
      additionalProperties: { type: 'string' },
      examples: [{ plan: 'plan_tier', signup_source: 'signup_source' }],
    },
    company_attributes: {
      type: 'object', title: 'Company Attributes',
      description: 'Group traits written to Companies attributes: trait name → the attribute\'s slug, e.g. {"employees": "employee_range"}. Traits not listed are not sent; the domain and name are sent without being listed.',
      additionalProperties: { type: 'string' },
      examples: [{ industry: 'categories', plan: 'plan_tier' }],
    },
    user_id_attribute: {
      type: 'string', title: 'User ID Attribute',
      description: 'The slug of a People text attribute that receives the site\'s userId (create it in Attio first, e.g. app_user_id). Empty: the userId is not sent. Person deletions also find people by it when set.',
      maxLength: 100, examples: ['app_user_id'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Attio: the People records holding one of the person\'s emails (or their userId in the User ID Attribute) are found and deleted, with their notes and history.',
      default: true,
    },
  },
};

/** A config map's pairs (trait → slug), each slug trimmed, only those that are slugs. */
function mapOf(value: JsonValue | undefined): Array<[string, string]> {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).filter((pair): pair is [string, string] => typeof pair[1] === 'string' && ATTRIBUTE_SLUG.test(pair[1].trim())).map(([trait, slug]) => [trait, slug.trim()]);
}

/**
 * The person attributes the config maps: trait → slug, the plugin's own attributes left out.
 *
 * @example
 * personAttributesOf({ person_attributes: { plan: 'plan_tier', mail: 'email_addresses' } }); // [['plan', 'plan_tier']]
 */
export function personAttributesOf(config: Record<string, JsonValue>): Array<[string, string]> {
  return mapOf(config.person_attributes).filter(([, slug]) => !(PERSON_OWN_ATTRIBUTES as readonly string[]).includes(slug) && slug !== userIdAttributeOf(config));
}

/**
 * The company attributes the config maps: trait → slug, the plugin's own attributes left out.
 *
 * @example
 * companyAttributesOf({ company_attributes: { industry: 'categories' } }); // [['industry', 'categories']]
 */
export function companyAttributesOf(config: Record<string, JsonValue>): Array<[string, string]> {
  return mapOf(config.company_attributes).filter(([, slug]) => !(COMPANY_OWN_ATTRIBUTES as readonly string[]).includes(slug));
}

/**
 * The slug of the attribute receiving the userId, or undefined when none is set.
 *
 * @example
 * userIdAttributeOf({ user_id_attribute: ' app_user_id ' }); // 'app_user_id'
 * userIdAttributeOf({});                                     // undefined
 */
export function userIdAttributeOf(config: Record<string, JsonValue>): string | undefined {
  const slug = typeof config.user_id_attribute === 'string' ? config.user_id_attribute.trim() : '';
  return ATTRIBUTE_SLUG.test(slug) ? slug : undefined;
}

/** The problems of one attribute map (`field`), each naming the trait and saying what was expected. */
function mapProblems(value: JsonValue | undefined, field: string, own: readonly string[], object: string): ConfigProblem[] {
  if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) return [];
  const problems: ConfigProblem[] = [];
  for (const [trait, slug] of Object.entries(value)) {
    if (trait.trim() === '') problems.push({ field, message: 'has an empty trait name: name the trait (e.g. "plan")' });
    const text = typeof slug === 'string' ? slug.trim() : '';
    if (!ATTRIBUTE_SLUG.test(text)) {
      problems.push({ field, message: `maps "${trait}" to ${JSON.stringify(slug)}, which is no Attio attribute slug: give the slug (lower-case letters, digits and _, e.g. "plan_tier", shown in the attribute's settings), not its title` });
    } else if (own.includes(text)) {
      problems.push({ field, message: `maps "${trait}" to "${text}", which the plugin sets itself on ${object}: map the trait to another attribute` });
    }
  }
  return problems;
}

/**
 * Checks beyond the schema, each naming its field: a token pasted with `Bearer ` or with white
 * space, an attribute map naming a title instead of a slug or an attribute the plugin sets
 * itself, a userId attribute that is no slug. Messages never repeat the token.
 *
 * @example
 * validateAttioConfig({ access_token: 'Bearer 7f3b9c2e5d1a' });
 * // [{ field: 'access_token', message: 'starts with "Bearer ": give the Attio access token alone, Signal sends it as the Bearer token itself' }]
 */
export function validateAttioConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.access_token === 'string') {
    const pasted = pastedSecretProblem('access_token', config.access_token.trim(), 'Attio access token', { schemeHint: 'Signal sends it as the Bearer token itself', spaceHint: 'as Workspace settings > Developers shows it' });
    if (pasted) problems.push(pasted);
  }
  problems.push(...mapProblems(config.person_attributes, 'person_attributes', PERSON_OWN_ATTRIBUTES, 'people'));
  problems.push(...mapProblems(config.company_attributes, 'company_attributes', COMPANY_OWN_ATTRIBUTES, 'companies'));
  if (typeof config.user_id_attribute === 'string' && config.user_id_attribute.trim() !== '') {
    const slug = config.user_id_attribute.trim();
    if (!ATTRIBUTE_SLUG.test(slug)) problems.push({ field: 'user_id_attribute', message: `${JSON.stringify(config.user_id_attribute)} is no Attio attribute slug: give the slug of a People text attribute (lower-case letters, digits and _, e.g. "app_user_id")` });
    else if ((PERSON_OWN_ATTRIBUTES as readonly string[]).includes(slug)) problems.push({ field: 'user_id_attribute', message: `"${slug}" is an attribute the plugin sets itself: create a People text attribute for the userId (e.g. "app_user_id")` });
  }
  return problems;
}

/**
 * The access token as the Authorization header takes it, trimmed, or `''` when not set.
 *
 * @example
 * configApiKeyOf({ access_token: ' 7f3b9c2e ' }); // '7f3b9c2e'
 */
export function configApiKeyOf(config: Record<string, JsonValue>): string {
  return configApiKey(config, 'access_token');
}
