// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateBrevoConfig), and the settings the mapping, the requests and the
// deletions read from it. Brevo's API v3 takes one credential, the account's API key, in the
// `api-key` header (Brevo: "Authentication").
import { configApiKey, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/**
 * A contact attribute's name as Brevo's API takes it: upper case ("The attribute's parameter
 * should be passed in capital letter"), letters, digits and underscores.
 */
export const ATTRIBUTE_NAME = /^[A-Z][A-Z0-9_]{0,99}$/;
/** Attributes the plugin sets itself, or that are a contact's identity rather than an attribute to map. */
export const RESERVED_ATTRIBUTES = ['EMAIL', 'EXT_ID', 'SMS'] as const;

/** The integration's config as the catalog shows it; `validateBrevoConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'A Brevo API v3 key (Settings > SMTP & API > API Keys, "xkeysib-…"), sent in the api-key header. Not the SMTP key (xsmtpsib-…) and not the tracker\'s client key. If the account restricts API calls to authorised IP addresses, add Signal\'s egress addresses there.',
      minLength: 8, maxLength: 256, examples: ['xkeysib-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef-AbCdEfGhIjKlMnOp'],
    },
    list_ids: {
      type: 'array', title: 'Lists (with marketing consent)',
      description: 'Ids of the Brevo lists (Contacts > Lists, the number in the list\'s ID column) a contact is added to when their identify carries marketing consent (context.consent.marketing true, and denied nowhere) and gives an email of its own (not only the one Signal remembers from an earlier identify). Without consent the contact is created or updated in no list. The plugin never removes a contact from a list and never changes their email or SMS blocklisting.',
      items: { type: 'integer', minimum: 1 }, maxItems: 50, uniqueItems: true, examples: [[2, 7]],
    },
    attributes: {
      type: 'object', title: 'More Contact Attributes',
      description: 'Identify traits to send as contact attributes besides FIRSTNAME, LASTNAME and SMS: trait name → attribute name in capitals, e.g. {"company": "COMPANY", "plan": "PLAN"}. The attribute must exist in the account (Contacts > Settings > Contact attributes): Brevo refuses an unknown one.',
      additionalProperties: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,99}$' },
      examples: [{ company: 'COMPANY' }],
    },
    default_country_code: {
      type: 'string', title: 'Default Country Calling Code',
      description: 'The country calling code (digits, e.g. 33 for France) of phone numbers written without one (06 12 34 56 78), read by that country\'s numbering plan. Brevo takes SMS numbers with their country code only: without this setting such a number is left out of the contact (with a warning in the delivery log).',
      pattern: '^[1-9][0-9]{0,2}$', examples: ['33'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Brevo\'s contact deletion (DELETE /v3/contacts/{identifier}): the contact whose ext_id is the userId named, and the contact whose email it is when the userId is an email address.',
      default: true,
    },
  },
};

/**
 * The lists a consenting contact joins: whole numbers above 0, each once.
 *
 * @example
 * listIdsOf({ list_ids: [2, 7, 2, 0] }); // [2, 7]
 */
export function listIdsOf(config: Record<string, JsonValue>): number[] {
  if (!Array.isArray(config.list_ids)) return [];
  return [...new Set(config.list_ids.filter((id): id is number => typeof id === 'number' && Number.isInteger(id) && id > 0))];
}

/**
 * The config's extra attributes (trait → attribute), well-formed ones only.
 *
 * @example
 * extraAttributesOf({ attributes: { company: 'COMPANY', x: 'bad name' } }); // [['company', 'COMPANY']]
 */
export function extraAttributesOf(config: Record<string, JsonValue>): Array<[string, string]> {
  const fields = config.attributes;
  if (fields === null || fields === undefined || typeof fields !== 'object' || Array.isArray(fields)) return [];
  return Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && ATTRIBUTE_NAME.test(entry[1]) && !(RESERVED_ATTRIBUTES as readonly string[]).includes(entry[1]));
}

/**
 * The default country calling code, or undefined.
 *
 * @example
 * defaultCountryCodeOf({ default_country_code: ' 33 ' }); // '33'
 */
export function defaultCountryCodeOf(config: Record<string, JsonValue>): string | undefined {
  const code = typeof config.default_country_code === 'string' ? config.default_country_code.trim() : '';
  return /^[1-9][0-9]{0,2}$/.test(code) ? code : undefined;
}

/**
 * Checks beyond the schema, each naming its field: a key with white space in it, an SMTP key
 * given for the API key, and attribute names the plugin sets itself or Brevo cannot have.
 * Messages never repeat the key.
 *
 * @example
 * validateBrevoConfig({ api_key: 'xsmtpsib-0123…' });
 * // [{ field: 'api_key', message: 'is an SMTP key (xsmtpsib-…) …' }]
 */
export function validateBrevoConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = configApiKey(config);
  if (typeof config.api_key === 'string') {
    if (/\s/.test(key)) problems.push({ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone' });
    else if (key.startsWith('xsmtpsib-')) problems.push({ field: 'api_key', message: 'is an SMTP key (xsmtpsib-…), which sends email through SMTP only: create an API key (xkeysib-…) in Settings > SMTP & API > API Keys' });
  }
  const fields = config.attributes;
  if (fields !== undefined && fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
    for (const [trait, attribute] of Object.entries(fields)) {
      if (typeof attribute !== 'string' || !ATTRIBUTE_NAME.test(attribute)) problems.push({ field: 'attributes', message: `maps the trait ${JSON.stringify(trait)} to ${JSON.stringify(attribute)}, which is no Brevo attribute name (capital letters, digits and underscores, starting with a letter)` });
      else if ((RESERVED_ATTRIBUTES as readonly string[]).includes(attribute)) problems.push({ field: 'attributes', message: `maps the trait ${JSON.stringify(trait)} to ${attribute}, which the plugin sets itself (EMAIL from traits.email, EXT_ID from the userId, SMS from traits.phone)` });
    }
  }
  return problems;
}
