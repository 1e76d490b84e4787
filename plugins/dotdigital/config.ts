// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateDotdigitalConfig), and the settings the mapping, the requests and the
// deletions read from it. Dotdigital's APIs take an API user's email and password in HTTP Basic
// authentication (Settings > Access > API users), at the API host of the account's region:
// r1-api (Europe), r2-api (North America) or r3-api (Asia Pacific) .dotdigital.com. Another
// region's host answers 403 (Dotdigital: "API end points").
import { configText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** Dotdigital's region ids, each with its API host. */
export const REGIONS = ['r1', 'r2', 'r3'] as const;
export type Region = (typeof REGIONS)[number];

/**
 * A contact data field name as the plugin sends it: upper case (Dotdigital's own fields are
 * FIRSTNAME, LASTNAME, FULLNAME, GENDER, POSTCODE), letters, digits and underscores.
 */
export const DATA_FIELD_NAME = /^[A-Z][A-Z0-9_]{0,99}$/;

/** The integration's config as the catalog shows it; `validateDotdigitalConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['username', 'password'],
  properties: {
    username: {
      type: 'string', title: 'API User (email)',
      description: 'The username of a Dotdigital API user (Settings > Access > API users > New user): an email address Dotdigital gives the user, e.g. apiuser-0a1b2c3d4e5f@apiconnector.com. Not a login of the Dotdigital app.',
      minLength: 3, maxLength: 256, examples: ['apiuser-0a1b2c3d4e5f@apiconnector.com'],
    },
    password: {
      type: 'string', title: 'API User Password', secret: true,
      description: 'The API user\'s password, chosen when the user was created.',
      minLength: 1, maxLength: 256,
    },
    region: {
      type: 'string', title: 'Region', enum: [...REGIONS], default: 'r1',
      description: 'The account\'s region, shown at the top of Settings > Access > API users as its API endpoint: r1 (Europe, r1-api.dotdigital.com), r2 (North America, r2-api.dotdigital.com) or r3 (Asia Pacific, r3-api.dotdigital.com). Another region\'s host refuses every call with 403 Forbidden.',
    },
    list_ids: {
      type: 'array', title: 'Lists (with marketing consent)',
      description: 'Ids of the Dotdigital lists (address books: Audience > Lists, the list\'s ID) a contact is added to when Dotdigital creates it from an identify carrying marketing consent (context.consent.marketing true, denied nowhere) and an email of its own (not only the one Signal remembers). A contact Dotdigital has keeps its lists: nobody who left a list is put back on it. The plugin never removes a contact from a list.',
      items: { type: 'integer', minimum: 1 }, maxItems: 100, uniqueItems: true, examples: [[345579]],
    },
    data_fields: {
      type: 'object', title: 'More Contact Data Fields',
      description: 'Identify traits to send as contact data fields besides FIRSTNAME, LASTNAME and FULLNAME: trait name → data field name in capitals, e.g. {"company": "COMPANY", "plan": "PLAN"}. The data field must exist in the account (Audience > Data fields): Dotdigital refuses an unknown one.',
      additionalProperties: { type: 'string', pattern: '^[A-Z][A-Z0-9_]{0,99}$' },
      examples: [{ company: 'COMPANY' }],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Dotdigital\'s contact deletion (DELETE /contacts/v3/email/{email}) for each email Signal knows the person by.',
      default: true,
    },
  },
};

/**
 * The account's region, r1 when none is set.
 *
 * @example
 * regionOf({ region: 'r2' }); // 'r2'
 * regionOf({});               // 'r1'
 */
export function regionOf(config: Record<string, JsonValue>): Region {
  const region = (configText(config, 'region') ?? '').toLowerCase();
  return (REGIONS as readonly string[]).includes(region) ? (region as Region) : 'r1';
}

/**
 * The lists a consenting contact joins when Dotdigital creates it: whole numbers above 0, each once.
 *
 * @example
 * listIdsOf({ list_ids: [2, 7, 2, 0] }); // [2, 7]
 */
export function listIdsOf(config: Record<string, JsonValue>): number[] {
  if (!Array.isArray(config.list_ids)) return [];
  return [...new Set(config.list_ids.filter((id): id is number => typeof id === 'number' && Number.isInteger(id) && id > 0))];
}

/**
 * The config's extra data fields (trait → data field), well-formed ones only.
 *
 * @example
 * dataFieldsOf({ data_fields: { company: 'COMPANY', x: 'bad name' } }); // [['company', 'COMPANY']]
 */
export function dataFieldsOf(config: Record<string, JsonValue>): Array<[string, string]> {
  const fields = config.data_fields;
  if (fields === null || fields === undefined || typeof fields !== 'object' || Array.isArray(fields)) return [];
  return Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && DATA_FIELD_NAME.test(entry[1]));
}

/**
 * Checks beyond the schema, each naming its field: a username that is no email address (an API
 * user's is one), white space in the password, data field names Dotdigital cannot have.
 * Messages never repeat the password.
 *
 * @example
 * validateDotdigitalConfig({ username: 'apiuser', password: 'x' });
 * // [{ field: 'username', message: 'is no email address: …' }]
 */
export function validateDotdigitalConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const username = configText(config, 'username') ?? '';
  if (typeof config.username === 'string' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(username)) {
    problems.push({ field: 'username', message: 'is no email address: a Dotdigital API user\'s username is the email Dotdigital gives it (apiuser-…@apiconnector.com, Settings > Access > API users)' });
  }
  if (typeof config.password === 'string' && /[\r\n]/.test(config.password)) {
    problems.push({ field: 'password', message: 'holds a line break (copied with the text around it?): give the API user\'s password alone' });
  }
  const fields = config.data_fields;
  if (fields !== undefined && fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
    for (const [trait, field] of Object.entries(fields)) {
      if (typeof field !== 'string' || !DATA_FIELD_NAME.test(field)) problems.push({ field: 'data_fields', message: `maps the trait ${JSON.stringify(trait)} to ${JSON.stringify(field)}, which is no Dotdigital data field name as the plugin sends them (capital letters, digits and underscores, starting with a letter)` });
    }
  }
  return problems;
}
