// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateSendGridConfig), and the settings the mapping, the requests and the
// deletions read from it. SendGrid's v3 API takes one credential, an API key, as
// `Authorization: Bearer <key>` (SendGrid: "Authentication").
import { configApiKey, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The v3 API's origins: global users and subusers, and EU regional subusers. */
export const API_ORIGINS = { global: 'https://api.sendgrid.com', eu: 'https://api.eu.sendgrid.com' } as const;
export type Region = keyof typeof API_ORIGINS;

/** A custom field id as SendGrid names them (`e1_T`, `w33`): letters, digits and underscores. */
export const CUSTOM_FIELD_ID = /^[A-Za-z0-9_]{1,100}$/;
/** A Marketing Campaigns list id: a UUID (the Contacts API's `list_ids` items are `format: uuid`). */
export const LIST_ID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** The integration's config as the catalog shows it; `validateSendGridConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'A SendGrid API key (Settings > API Keys, "SG.…") with Marketing access (Restricted Access > Marketing: Full Access), sent as Authorization: Bearer. A key of an EU regional subuser needs config.region "eu".',
      minLength: 8, maxLength: 256,
    },
    region: {
      type: 'string', title: 'Region',
      description: 'Where the account lives: "global" (https://api.sendgrid.com, every account but EU regional subusers) or "eu" (https://api.eu.sendgrid.com, EU regional subusers).',
      enum: ['global', 'eu'], enumLabels: ['Global (api.sendgrid.com)', 'EU regional subuser (api.eu.sendgrid.com)'], default: 'global', examples: ['global'],
    },
    list_ids: {
      type: 'array', title: 'Lists (with marketing consent)',
      description: 'Ids of the Marketing Campaigns lists (Marketing > Contacts > the list: the UUID in its URL) a contact is added to when their identify carries marketing consent (context.consent.marketing true, and denied nowhere) and gives an email of its own (not only the one Signal remembers from an earlier identify). Without consent the contact is added or updated in no list. The plugin never removes a contact from a list.',
      items: { type: 'string', pattern: LIST_ID.source }, maxItems: 100, uniqueItems: true, examples: [['ca7a3796-e8a8-4029-9ccb-df8937940562']],
    },
    custom_fields: {
      type: 'object', title: 'Custom Fields',
      description: 'Identify traits to send as custom fields: trait name → custom field id, e.g. {"plan": "e1_T", "seats": "e2_N"}. The field must exist (Marketing > Custom Fields; its id from GET /v3/marketing/field_definitions): SendGrid sets custom fields by id only, and refuses an unknown one.',
      additionalProperties: { type: 'string', pattern: CUSTOM_FIELD_ID.source },
      examples: [{ plan: 'e1_T' }],
    },
    phone_number_id: {
      type: 'boolean', title: 'Phone Number as Identifier',
      description: 'Send traits.phone (in E.164; numbers written without their country code are left out) as the contact\'s phone_number_id, an identifier of the contact. Off by default: SendGrid updates a contact only when a request carries all of its identifiers, so once a phone is an identifier, an identify without it may no longer update the contact.',
      default: false,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to SendGrid: the contact whose external_id is the userId, and the contact whose email it is when the userId is an email address, are looked up (POST /v3/marketing/contacts/search/identifiers/…) and deleted (DELETE /v3/marketing/contacts?ids=…).',
      default: true,
    },
  },
};

/**
 * The v3 API's origin for the config's region (global unless "eu").
 *
 * @example
 * apiOriginOf({ region: 'eu' }); // 'https://api.eu.sendgrid.com'
 */
export function apiOriginOf(config: Record<string, JsonValue>): string {
  return config.region === 'eu' ? API_ORIGINS.eu : API_ORIGINS.global;
}

/**
 * The lists a consenting contact joins: well-formed ids, each once.
 *
 * @example
 * listIdsOf({ list_ids: ['ca7a3796-e8a8-4029-9ccb-df8937940562', 'nope'] }); // ['ca7a3796-e8a8-4029-9ccb-df8937940562']
 */
export function listIdsOf(config: Record<string, JsonValue>): string[] {
  if (!Array.isArray(config.list_ids)) return [];
  return [...new Set(config.list_ids.filter((id): id is string => typeof id === 'string' && LIST_ID.test(id.trim())).map((id) => id.trim()))];
}

/**
 * The config's custom fields (trait → field id), well-formed ones only.
 *
 * @example
 * customFieldsOf({ custom_fields: { plan: 'e1_T', bad: 'no id' } }); // [['plan', 'e1_T']]
 */
export function customFieldsOf(config: Record<string, JsonValue>): Array<[string, string]> {
  const fields = config.custom_fields;
  if (fields === null || fields === undefined || typeof fields !== 'object' || Array.isArray(fields)) return [];
  return Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && CUSTOM_FIELD_ID.test(entry[1]));
}

/**
 * Checks beyond the schema, each naming its field: a key with white space in it, custom field
 * ids SendGrid cannot have, one field id given for two traits. Messages never repeat the key.
 *
 * @example
 * validateSendGridConfig({ api_key: 'SG.abc def' });
 * // [{ field: 'api_key', message: 'holds white space or a line break …' }]
 */
export function validateSendGridConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const pasted = typeof config.api_key === 'string' ? pastedSecretProblem('api_key', configApiKey(config), 'API key', { schemeHint: 'Signal adds the prefix' }) : undefined;
  if (pasted) problems.push(pasted);
  const fields = config.custom_fields;
  if (fields !== undefined && fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
    const seen = new Map<string, string>();
    for (const [trait, id] of Object.entries(fields)) {
      if (typeof id !== 'string' || !CUSTOM_FIELD_ID.test(id)) {
        problems.push({ field: 'custom_fields', message: `maps the trait ${JSON.stringify(trait)} to ${JSON.stringify(id)}, which is no SendGrid custom field id (letters, digits and underscores, e.g. e1_T): take the id from Marketing > Custom Fields or GET /v3/marketing/field_definitions, not the field's name` });
        continue;
      }
      const other = seen.get(id);
      if (other !== undefined) problems.push({ field: 'custom_fields', message: `maps both ${JSON.stringify(other)} and ${JSON.stringify(trait)} to the custom field ${id}: one trait a field` });
      else seen.set(id, trait);
    }
  }
  return problems;
}
