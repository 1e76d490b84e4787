// The integration's config: its schema (declarative, shown in the catalog), the checks a schema
// cannot make (validateLoopsConfig), and the settings the mapping, the requests and the
// deletions read from it. Loops' API takes one credential, an API key of the team (Settings >
// API), as `Authorization: Bearer <key>` (Loops: "API Introduction").
import { pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** A Loops mailing list id as its API names one (`cm06f5v0e45nf0ml5754o9cix`): letters, digits, `_` and `-`. */
export const MAILING_LIST_ID = /^[A-Za-z0-9_-]{1,64}$/;
/** Loops: "Request body string values are limited to 500 characters" (its API skill reference). */
export const MAX_TEXT_CHARS = 500;

/** The integration's config as the catalog shows it; `validateLoopsConfig` checks the rest. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['api_key'],
  properties: {
    api_key: {
      type: 'string', title: 'API Key', secret: true,
      description: 'An API key of your Loops team (Settings > API > Generate key), sent as Authorization: Bearer. Loops suggests one key per purpose: give Signal its own, which you can revoke alone.',
      minLength: 8, maxLength: 256, examples: ['d2d561f5ff80136f69b4b5a31b9fb3c9'],
    },
    mailing_list_ids: {
      type: 'array', title: 'Mailing Lists (with marketing consent)',
      description: 'Ids of Loops mailing lists (Audience > Lists, or GET /api/v1/lists) a contact is added to when their identify carries marketing consent (context.consent.marketing true, and denied nowhere) and gives an email of its own (not only the one Signal remembers from an earlier identify) — and only when Loops creates the contact: a contact Loops has keeps its lists, so nobody who left a list is put back on it. Without consent the contact\'s lists are left as they are: the plugin never removes anyone from a list.',
      // No pattern: validateLoopsConfig says what is wrong with an id (a list's name given for
      // its id), naming the field; a pattern's error would stop it with the bare expression.
      items: { type: 'string' }, maxItems: 50, uniqueItems: true, examples: [['cm06f5v0e45nf0ml5754o9cix']],
    },
    subscribe_with_consent: {
      type: 'boolean', title: 'Subscribe With Marketing Consent',
      description: 'Send subscribed: true on an identify carrying marketing consent (not one whose only email is the one Signal remembers from an earlier identify). Loops then re-subscribes a contact who unsubscribed (through the link in its emails): turn this on only when the site\'s consent is the authority over Loops\' unsubscribes. Off (the default), subscribed is never sent and Loops keeps each contact\'s own state. Without consent it is never sent either way: the plugin never unsubscribes anyone.',
      default: false,
    },
    source: {
      type: 'string', title: 'Contact Source',
      description: 'The contact\'s Source in Loops ("where the contact originated from"; Loops writes "API" when none is given), sent with every identify. Leave empty to keep Loops\' own.',
      maxLength: MAX_TEXT_CHARS, examples: ['Signal'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Forward person deletions (deletePerson) to Loops\' Delete contact (POST /api/v1/contacts/delete): the contact whose userId is the userId named, and the contact of each email Signal knew the person by.',
      default: true,
    },
  },
};

/**
 * The mailing lists a consenting contact joins: well-formed ids, each once.
 *
 * @example
 * mailingListIdsOf({ mailing_list_ids: ['cm06', 'cm06', 'bad id'] }); // ['cm06']
 */
export function mailingListIdsOf(config: Record<string, JsonValue>): string[] {
  if (!Array.isArray(config.mailing_list_ids)) return [];
  return [...new Set(config.mailing_list_ids.filter((id): id is string => typeof id === 'string' && MAILING_LIST_ID.test(id.trim())).map((id) => id.trim()))];
}

/**
 * The configured contact source, trimmed, or undefined when blank.
 *
 * @example
 * sourceOf({ source: ' Signal ' }); // 'Signal'
 * sourceOf({});                     // undefined
 */
export function sourceOf(config: Record<string, JsonValue>): string | undefined {
  const source = typeof config.source === 'string' ? config.source.trim() : '';
  return source === '' ? undefined : source;
}

/**
 * Checks beyond the schema, each naming its field: a key pasted with `Bearer ` or with white
 * space, a mailing list id that is no Loops id (one written with spaces, or a list's name).
 * Messages never repeat the key.
 *
 * @example
 * validateLoopsConfig({ api_key: 'Bearer d2d561f5ff80' });
 * // [{ field: 'api_key', message: 'starts with "Bearer ": give the Loops API key alone, Signal sends it as the Bearer token itself' }]
 */
export function validateLoopsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.api_key === 'string') {
    const pasted = pastedSecretProblem('api_key', config.api_key.trim(), 'Loops API key', { schemeHint: 'Signal sends it as the Bearer token itself', spaceHint: 'as Settings > API shows it' });
    if (pasted) problems.push(pasted);
  }
  if (Array.isArray(config.mailing_list_ids)) {
    for (const id of config.mailing_list_ids) {
      if (typeof id !== 'string' || !MAILING_LIST_ID.test(id.trim())) {
        problems.push({ field: 'mailing_list_ids', message: `${JSON.stringify(id)} is no Loops mailing list id: give the list's id (letters and digits, e.g. "cm06f5v0e45nf0ml5754o9cix", shown in Audience > Lists), not its name` });
      }
    }
  }
  return problems;
}
