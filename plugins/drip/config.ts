// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateDripConfig), and the settings the mapping, the requests and the deletions
// read from it. Drip's REST API v2 takes a personal API token as the username of HTTP Basic
// authentication with an empty password, and the account's id in every path (Drip: "Authentication").
import { configApiKey, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** A Drip account id as its settings show it (Settings > General > Account ID): digits. */
export const ACCOUNT_ID = /^[0-9]{1,20}$/;
/** A custom field identifier as Drip names them: a letter, then letters, digits and underscores. */
export const CUSTOM_FIELD_ID = /^[A-Za-z][A-Za-z0-9_]{0,99}$/;
/** Drip reserves custom field identifiers starting with this for itself (Drip: "Identifying Visitors"). */
export const RESERVED_FIELD_PREFIX = 'drip_';

/** Whether an identifier is one Drip takes as a custom field of the site's: well formed, not reserved. */
export function isCustomFieldId(field: string): boolean {
  return CUSTOM_FIELD_ID.test(field) && !field.toLowerCase().startsWith(RESERVED_FIELD_PREFIX);
}

/** Longest tag the plugin sends (Drip documents none; its tags are short labels). */
export const MAX_TAG_CHARS = 255;

/** The integration's config as the catalog shows it; `validateDripConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_token', 'account_id'],
  properties: {
    api_token: {
      type: 'string', title: 'API Token', secret: true,
      description: 'Your personal Drip API token (Drip: User Settings > API token), sent as the username of HTTP Basic authentication with an empty password. It acts as you in every account you can reach: the account id below picks the one Signal writes to.',
      minLength: 8, maxLength: 256, examples: ['7b2c9d0e4f5a6b7c8d9e0f1a2b3c4d5e'],
    },
    account_id: {
      type: 'string', title: 'Account ID',
      description: 'The id of the Drip account to write to (Settings > General > Account ID, also the number in your Drip URLs): digits, e.g. 9999999.',
      // No pattern: validateDripConfig says what is wrong (a URL pasted whole), naming the field.
      minLength: 1, maxLength: 64, examples: ['9999999'],
    },
    custom_fields: {
      type: 'object', title: 'Custom Fields',
      description: 'Identify traits to send as Drip custom fields: trait name → custom field identifier, e.g. {"plan": "plan_name", "company": "company"}. Only the traits named here are sent (Drip creates an unknown identifier silently, so nothing is sent by guess); values go as text.',
      additionalProperties: { type: 'string' }, examples: [{ plan: 'plan_name' }],
    },
    tags: {
      type: 'array', title: 'Tags',
      description: 'Tags applied to every subscriber an identify creates or updates (besides the traits.tags the blueprint maps), e.g. ["Signal"]. Tags are only ever added: the plugin never removes one.',
      items: { type: 'string' }, maxItems: 20, uniqueItems: true, examples: [['Signal']],
    },
    resubscribe_with_consent: {
      type: 'boolean', title: 'Re-subscribe With Marketing Consent',
      description: 'Send status "active" on an identify carrying marketing consent. Drip then re-subscribes a subscriber who had unsubscribed: turn this on only when the site\'s consent is the authority over Drip\'s unsubscribes. Only an identify whose own traits give the email (or Drip id) subscribes or re-subscribes; one naming the person only by the email Signal remembers from an earlier identify is treated as one without consent. Off (the default), a consenting person new to Drip is created active, and an existing subscriber\'s status is left as it is. Without consent the plugin never sets status either way: a person new to Drip is created unsubscribed, and nobody is ever unsubscribed.',
      default: false,
    },
    prospect: {
      type: 'boolean', title: 'Prospect (Lead Scoring)',
      description: 'Drip\'s prospect flag, sent with every subscriber and event when set: true attaches a lead score to the person (when lead scoring is on in Drip), false does not. Leave unset to keep Drip\'s own default.',
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Drip\'s Delete a subscriber (DELETE /v2/<account>/subscribers/<email>): the subscriber of each email Signal knew the person by.',
      default: true,
    },
  },
};

/**
 * The configured API token, trimmed ('' when none).
 *
 * @example
 * apiTokenOf({ api_token: ' 7b2c… ' }); // '7b2c…'
 */
export function apiTokenOf(config: Record<string, JsonValue>): string {
  return configApiKey(config, 'api_token');
}

/**
 * The trait → custom field map of the config, its well-formed entries only.
 *
 * @example
 * customFieldMapOf({ custom_fields: { plan: 'plan_name', bad: 'has space' } }); // { plan: 'plan_name' }
 */
export function customFieldMapOf(config: Record<string, JsonValue>): Record<string, string> {
  const map = config.custom_fields;
  if (map === null || map === undefined || typeof map !== 'object' || Array.isArray(map)) return {};
  const out: Record<string, string> = {};
  for (const [trait, field] of Object.entries(map as JsonObject)) {
    if (trait.trim() !== '' && typeof field === 'string' && isCustomFieldId(field.trim())) out[trait.trim()] = field.trim();
  }
  return out;
}

/**
 * The config's tags, trimmed, blank ones left out, each once.
 *
 * @example
 * configTagsOf({ tags: [' Signal ', 'Signal', ''] }); // ['Signal']
 */
export function configTagsOf(config: Record<string, JsonValue>): string[] {
  if (!Array.isArray(config.tags)) return [];
  const tags = config.tags.filter((tag): tag is string => typeof tag === 'string').map((tag) => tag.trim()).filter((tag) => tag !== '' && tag.length <= MAX_TAG_CHARS);
  return [...new Set(tags)];
}

/**
 * Checks beyond the schema, each naming its field: a token pasted with `Basic ` or `Bearer `
 * or with white space, an account id that is not digits (a URL pasted whole), a custom field
 * identifier Drip would not take (or reserves: `drip_…`), a blank or over-long tag. Messages never repeat the token.
 *
 * @example
 * validateDripConfig({ api_token: '7b2c9d0e4f5a', account_id: 'https://www.getdrip.com/9999999/' });
 * // [{ field: 'account_id', message: '"https://www.getdrip.com/9999999/" is no Drip account id: give the digits alone (Settings > General > Account ID), e.g. 9999999' }]
 */
export function validateDripConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_token === 'string') {
    const pasted = pastedSecretProblem('api_token', config.api_token.trim(), 'Drip API token', {
      schemes: ['Basic', 'Bearer'], schemeHint: 'Signal sends it as the Basic username itself', spaceHint: 'as User Settings shows it',
    });
    if (pasted) problems.push(pasted);
  }
  if (typeof config.account_id === 'string' && !ACCOUNT_ID.test(config.account_id.trim())) {
    problems.push({ field: 'account_id', message: `${JSON.stringify(config.account_id)} is no Drip account id: give the digits alone (Settings > General > Account ID), e.g. 9999999` });
  }
  const map = config.custom_fields;
  if (map !== null && map !== undefined && typeof map === 'object' && !Array.isArray(map)) {
    for (const [trait, field] of Object.entries(map)) {
      if (trait.trim() === '') problems.push({ field: 'custom_fields', message: 'has an empty trait name: name the identify trait to send (e.g. "plan")' });
      if (typeof field === 'string' && CUSTOM_FIELD_ID.test(field.trim()) && !isCustomFieldId(field.trim())) {
        problems.push({ field: 'custom_fields', message: `maps "${trait}" to "${field.trim()}": Drip reserves identifiers starting with "${RESERVED_FIELD_PREFIX}" for itself; pick another (e.g. "${field.trim().slice(RESERVED_FIELD_PREFIX.length) || 'plan_name'}")` });
      } else if (typeof field !== 'string' || !CUSTOM_FIELD_ID.test(field.trim())) {
        problems.push({ field: 'custom_fields', message: `maps "${trait}" to ${JSON.stringify(field)}, which is no Drip custom field identifier: a letter, then letters, digits or underscores (e.g. "plan_name")` });
      }
    }
  }
  if (Array.isArray(config.tags)) {
    for (const tag of config.tags) {
      if (typeof tag !== 'string' || tag.trim() === '') problems.push({ field: 'tags', message: `${JSON.stringify(tag)} is no tag: give each tag as text (e.g. "Signal")` });
      else if (tag.trim().length > MAX_TAG_CHARS) problems.push({ field: 'tags', message: `a tag of ${tag.trim().length} characters is longer than the ${MAX_TAG_CHARS} Signal sends Drip` });
    }
  }
  return problems;
}
