// The integration's config: whose events these are (the Criteo partner id, which Criteo's
// OneTag calls the account) and the caller id Criteo gives for its user identification (the
// GUM call that writes the crto_mapped_user_id cookie), and which version of the site a visitor
// saw (site_type). The Events API takes no credential: the partner id in every request says
// whose events they are. Checked by its JSON Schema, and by validateCriteoConfig for what a
// schema cannot say in words.
import { configText, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';

/** The site types Criteo takes: desktop, mobile, tablet; `auto` reads the visitor's user agent. */
export const SITE_TYPES = ['auto', 'd', 'm', 't'] as const;
export type SiteTypeSetting = (typeof SITE_TYPES)[number];

/** Criteo's partner (account) and caller ids are numbers, as its tag templates check them. */
const DIGITS = /^[0-9]{1,20}$/;

/** The config's JSON Schema. No field is secret: the endpoint authenticates nothing. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['partner_id'],
  properties: {
    partner_id: {
      type: 'string', title: 'Partner ID (Account ID)',
      description: 'Your Criteo partner id, the account id of your OneTag (setAccount): Criteo Commerce Growth > Events > Events Tracking shows it in parentheses after the account name, or ask your Criteo contact. Digits only; sent as account.',
      minLength: 1, maxLength: 20, examples: ['12345'],
    },
    caller_id: {
      type: 'string', title: 'Caller ID',
      description: 'The caller id Criteo gives for user identification (the GUM call of Criteo\'s User Identification tag, which writes the crto_mapped_user_id cookie): sent as id.mapping_key, with which Criteo reads the visitor\'s mapped user id. Ask your Criteo contact. Digits only.',
      minLength: 1, maxLength: 20, examples: ['123'],
    },
    site_type: {
      type: 'string', title: 'Site type',
      description: 'The version of the site the visitor saw, as Criteo\'s OneTag sets it: Automatic reads the visitor\'s user agent as Criteo\'s OneTag snippet does (iPad: tablet; a phone: mobile; else desktop); or one type for every event.',
      enum: [...SITE_TYPES], enumLabels: ['Automatic (from the user agent)', 'Desktop (d)', 'Mobile (m)', 'Tablet (t)'], default: 'auto',
    },
  },
};

/** The problem with one id's form, or undefined when it is an id. */
function idProblem(config: Record<string, JsonValue>, field: string, what: string): ConfigProblem | undefined {
  const value = config[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return { field, message: `is ${JSON.stringify(value)}: give ${what} as text of digits (e.g. "12345")` };
  if (value.trim() === '') return { field, message: `is blank: give ${what}, digits only, as Criteo gave it` };
  if (DIGITS.test(value.trim())) return undefined;
  const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
  return { field, message: `is ${JSON.stringify(shown)}: ${what} is digits only (e.g. 12345), as Criteo gives it; give the id alone, without letters, spaces or a URL` };
}

/**
 * Config problems the schema cannot say in words: a partner id or caller id that is no number
 * (blank, letters, a pasted tag or URL).
 *
 * @example
 * validateCriteoConfig({ partner_id: '12345', caller_id: 'abc' });
 * // [{ field: 'caller_id', message: 'is "abc": a caller id is digits only (e.g. 12345), …' }]
 */
export function validateCriteoConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [field, what] of [['partner_id', 'a partner id'], ['caller_id', 'a caller id']] as const) {
    const problem = idProblem(config, field, what);
    if (problem !== undefined) problems.push(problem);
  }
  return problems;
}

/**
 * The site type the config sets: `auto` (read from each event's user agent) unless one of
 * Criteo's types is chosen.
 *
 * @example
 * siteTypeSetting({ partner_id: '1', site_type: 'm' }); // 'm'
 * siteTypeSetting({ partner_id: '1' }); // 'auto'
 */
export function siteTypeSetting(config: Record<string, JsonValue>): SiteTypeSetting {
  const value = config.site_type;
  return typeof value === 'string' && (SITE_TYPES as readonly string[]).includes(value) ? (value as SiteTypeSetting) : 'auto';
}

/**
 * What a valid config still lacks: without a caller id, no `id.mapping_key` goes with the
 * visitor's mapped user id, the key every server-side integration of Criteo (its own among them)
 * sends it with; the GUM id alone may then match no one, leaving the email hashes.
 *
 * @example
 * criteoConfigWarnings({ partner_id: '12345' });
 * // [{ field: 'caller_id', message: 'is not set: the visitor\'s crto_mapped_user_id goes without its mapping_key …' }]
 * criteoConfigWarnings({ partner_id: '12345', caller_id: '123' }); // []
 */
export function criteoConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  if (configText(config, 'caller_id') !== undefined) return [];
  return [{ field: 'caller_id', message: 'is not set: the visitor\'s crto_mapped_user_id (Criteo\'s GUM id) goes without its mapping_key, and Criteo may match the events by email hashes only; ask your Criteo contact for the caller id your User Identification tag uses' }];
}
