// The integration's config: its schema (declarative, shown in the catalog), the checks a
// schema cannot make (validateMailchimpConfig), and the settings the mapping, the requests and
// the deletions read from it. A Mailchimp API key ends with its account's data center
// (`…-us21`), and the Marketing API answers that account only at https://<dc>.api.mailchimp.com
// (Mailchimp: Marketing API Quick Start, "the server prefix").
import { configApiKey, configText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The statuses a person new to the audience may get (Mailchimp's `status_if_new`, as far as Signal sets it). */
export const NEW_MEMBER_STATUSES = ['transactional', 'subscribed'] as const;
export type NewMemberStatus = (typeof NEW_MEMBER_STATUSES)[number];

/** An API key: its secret part, a dash, the data center (`us21`). */
const API_KEY = /^([0-9A-Za-z]+)-([a-z]+[0-9]+)$/;
/** A merge tag as Mailchimp names them: letters, digits and underscores, up to 10 characters. */
const MERGE_TAG = /^[A-Z0-9_]{1,10}$/;

/** The integration's config as the catalog shows it; `validateMailchimpConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key', 'audience_id'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'A Mailchimp Marketing API key (Profile > Extras > API keys), ending with the account\'s data center, e.g. 0123456789abcdef0123456789abcdef-us21: the plugin calls https://us21.api.mailchimp.com/3.0 with it (HTTP Basic).',
      minLength: 8, maxLength: 256, examples: ['0123456789abcdef0123456789abcdef-us21'],
    },
    audience_id: {
      type: 'string', title: 'Audience ID',
      description: 'The audience (list) members are added to and events recorded in: Audience > Settings > Audience name and defaults > Audience ID (e.g. a1b2c3d4e5).',
      minLength: 1, maxLength: 64, pattern: '^[0-9A-Za-z]+$', examples: ['a1b2c3d4e5'],
    },
    new_member_status: {
      type: 'string', title: 'Status of New Members',
      description: 'What a person new to the audience becomes. Transactional (default): a contact who gets transactional and automated messages only, never campaigns. Subscribed: subscribed only when the identify carries marketing consent (context.consent.marketing true, and denied nowhere) and gives an email of its own (not only the one Signal remembers from an earlier identify); otherwise the person is added as transactional. The status of someone already in the audience is never changed (an unsubscribed person is never resubscribed).',
      enum: [...NEW_MEMBER_STATUSES], enumLabels: ['Transactional (no marketing email)', 'Subscribed, with marketing consent'], default: 'transactional',
    },
    double_opt_in: {
      type: 'boolean', title: 'Double Opt-in',
      description: 'With Status of New Members "Subscribed": a person with marketing consent is added as pending, and Mailchimp emails them a confirmation link; they are subscribed once they confirm (recommended: a consent banner\'s "marketing" is often consent to cookies, not to email). Off: subscribed at once.',
      default: true,
    },
    merge_fields: {
      type: 'object', title: 'More Merge Fields',
      description: 'Identify traits to send as merge fields of the audience besides FNAME, LNAME, PHONE and ADDRESS: trait name → merge tag, e.g. {"company": "COMPANY", "birthday": "BIRTHDAY"} (a birthday is sent as MM/DD). The merge field must exist in the audience. Read from the identify\'s own traits only, never the ones Signal remembers from earlier identify calls, so an identify that does not give the trait leaves the field as Mailchimp has it.',
      additionalProperties: { type: 'string', pattern: '^[A-Z0-9_]{1,10}$' },
      examples: [{ company: 'COMPANY' }],
    },
    tags: {
      type: 'array', title: 'Tags',
      description: 'Tags given to every member the integration adds or updates (e.g. "website"); existing tags are kept.',
      items: { type: 'string', minLength: 1, maxLength: 100 }, maxItems: 20, uniqueItems: true, examples: [['website']],
    },
    skip_merge_validation: {
      type: 'boolean', title: 'Skip Merge Validation',
      description: 'Add members although a merge field the audience requires (e.g. a required FNAME) is missing (Mailchimp\'s skip_merge_validation). Off: such a member is refused and dead-lettered with Mailchimp\'s reason.',
      default: false,
    },
    trigger_automations: {
      type: 'boolean', title: 'Events Trigger Automations',
      description: 'Member events may start customer journeys and automations in Mailchimp. Off: events are recorded with is_syncing, which starts none (e.g. while replaying history).',
      default: true,
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Mailchimp\'s permanent delete of the member (GDPR), by the userId named: an email address (its subscriber hash), else taken for Mailchimp\'s contact_id. Mailchimp keys members by email: a deletion by another id fails unless it is a contact_id, and is to be done in Mailchimp.',
      default: true,
    },
  },
};

/**
 * The data center of the config's API key (its suffix), or undefined for a key without one.
 *
 * @example
 * dataCenterOf({ api_key: '0123-us21' }); // 'us21'
 */
export function dataCenterOf(config: Record<string, JsonValue>): string | undefined {
  return API_KEY.exec(configApiKey(config))?.[2];
}

/**
 * The Marketing API's base URL for the config's account, without a trailing slash. A key
 * without a data center (refused by validateMailchimpConfig) gives `us1`'s, where Mailchimp
 * answers 401 naming the key.
 *
 * @example
 * apiBaseOf({ api_key: '0123-us21' }); // 'https://us21.api.mailchimp.com/3.0'
 */
export function apiBaseOf(config: Record<string, JsonValue>): string {
  return `https://${dataCenterOf(config) ?? 'us1'}.api.mailchimp.com/3.0`;
}

/**
 * The audience (list) id, trimmed.
 *
 * @example
 * audienceIdOf({ audience_id: ' a1b2c3d4e5 ' }); // 'a1b2c3d4e5'
 */
export function audienceIdOf(config: Record<string, JsonValue>): string {
  return configText(config, 'audience_id') ?? '';
}

/**
 * The Authorization header: HTTP Basic with any user name and the API key as the password,
 * as Mailchimp documents it ("anystring:<key>").
 *
 * @example
 * authorizationOf({ api_key: 'k-us1' }); // 'Basic c2lnbmFsOmstdXMx'
 */
export function authorizationOf(config: Record<string, JsonValue>): string {
  return `Basic ${Buffer.from(`signal:${configApiKey(config)}`).toString('base64')}`;
}

/**
 * Checks beyond the schema, each naming its field: an API key with white space inside or
 * without its data center suffix (copied without the end, or an OAuth token), and merge tags
 * Mailchimp cannot have. Messages never repeat the key.
 *
 * @example
 * validateMailchimpConfig({ api_key: '0123456789abcdef', audience_id: 'a1' });
 * // [{ field: 'api_key', message: 'does not end with the account\'s data center (…-us21) …' }]
 */
export function validateMailchimpConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const key = configApiKey(config);
  if (typeof config.api_key === 'string') {
    if (/\s/.test(key)) problems.push({ field: 'api_key', message: 'holds white space or a line break (copied with the text around it?): give the API key alone' });
    else if (!API_KEY.test(key)) problems.push({ field: 'api_key', message: 'does not end with the account\'s data center (a dash and e.g. us21, as in 0123…cdef-us21): copy the whole key from Profile > Extras > API keys; the plugin calls that data center\'s API' });
  }
  const fields = config.merge_fields;
  if (fields !== undefined && fields !== null && typeof fields === 'object' && !Array.isArray(fields)) {
    for (const [trait, tag] of Object.entries(fields)) {
      if (typeof tag !== 'string' || !MERGE_TAG.test(tag)) problems.push({ field: 'merge_fields', message: `maps the trait ${JSON.stringify(trait)} to ${JSON.stringify(tag)}, which is no merge tag (capital letters, digits and underscores, at most 10)` });
      else if (tag === 'EMAIL') problems.push({ field: 'merge_fields', message: `maps the trait ${JSON.stringify(trait)} to EMAIL: the member's email is its identity (traits.email), not a merge field to set` });
    }
  }
  return problems;
}

/**
 * The config's setting for new members.
 *
 * @example
 * newMemberStatusOf({ new_member_status: 'subscribed' }); // 'subscribed'
 */
export function newMemberStatusOf(config: Record<string, JsonValue>): NewMemberStatus {
  return config.new_member_status === 'subscribed' ? 'subscribed' : 'transactional';
}

/**
 * The config's extra merge fields (trait → merge tag), well-formed ones only.
 *
 * @example
 * extraMergeFieldsOf({ merge_fields: { company: 'COMPANY' } }); // [['company', 'COMPANY']]
 */
export function extraMergeFieldsOf(config: Record<string, JsonValue>): Array<[string, string]> {
  const fields = config.merge_fields;
  if (fields === null || fields === undefined || typeof fields !== 'object' || Array.isArray(fields)) return [];
  return Object.entries(fields).filter((entry): entry is [string, string] => typeof entry[1] === 'string' && MERGE_TAG.test(entry[1]) && entry[1] !== 'EMAIL');
}

/**
 * The config's tags: trimmed, non-blank text.
 *
 * @example
 * tagsOf({ tags: [' website ', ''] }); // ['website']
 */
export function tagsOf(config: Record<string, JsonValue>): string[] {
  return Array.isArray(config.tags) ? config.tags.filter((t): t is string => typeof t === 'string').map((t) => t.trim()).filter((t) => t !== '') : [];
}
