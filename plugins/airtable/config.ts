// The integration's config: the base and table records go to (ids, a name, or the table's URL
// pasted whole), the fields (Airtable field and event path, in order), the fields to merge on
// (an upsert instead of a create), typecast, whether contact information may be written, the
// personal access token, and the deletion settings; the schema the catalog shows and the checks
// the schema cannot make, each naming its field.
import { configApiKey, configText, pastedSecretProblem, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';
import { DEFAULT_FIELDS, fieldProblems, fieldsOf, fieldWarnings, MAX_FIELDS } from './fields.ts';

/** A base id as Airtable writes one: `app` and 14 letters or digits. */
export const BASE_ID = /^app[A-Za-z0-9]{14}$/;
/** A table id: `tbl` and 14 letters or digits. */
export const TABLE_ID = /^tbl[A-Za-z0-9]{14}$/;
/** Airtable's limit of fields an upsert merges on ("at least one and at most three"). */
export const MAX_MERGE_FIELDS = 3;
/** The ids in a pasted Airtable URL: `https://airtable.com/appXXXXXXXXXXXXXX/tblXXXXXXXXXXXXXX/viw…`. */
const BASE_IN_URL = /(?:^|\/)(app[A-Za-z0-9]{14})(?=[/?#]|$)/;
const TABLE_IN_URL = /\/(tbl[A-Za-z0-9]{14})(?=[/?#]|$)/;

/**
 * The base id of the config: the id itself, or the one in a pasted Airtable URL; undefined when none.
 *
 * @example
 * baseIdOf({ base_id: 'https://airtable.com/appA1b2C3d4E5f6G7/tblZ9y8X7w6V5u4T3/viwQ1' }); // 'appA1b2C3d4E5f6G7'
 */
export function baseIdOf(config: Record<string, JsonValue>): string | undefined {
  const raw = configText(config, 'base_id');
  if (raw === undefined) return undefined;
  if (BASE_ID.test(raw)) return raw;
  return BASE_IN_URL.exec(raw)?.[1];
}

/**
 * The table of the config: `table` (its id or its name, as the tab shows it), else the table id
 * in a URL pasted into base_id; undefined when neither is there.
 *
 * @example
 * tableOf({ base_id: 'appA1b2C3d4E5f6G7', table: ' Web events ' }); // 'Web events'
 * tableOf({ base_id: 'https://airtable.com/appA1b2C3d4E5f6G7/tblZ9y8X7w6V5u4T3/viwQ1' }); // 'tblZ9y8X7w6V5u4T3'
 */
export function tableOf(config: Record<string, JsonValue>): string | undefined {
  const table = configText(config, 'table');
  if (table !== undefined) return TABLE_IN_URL.exec(table)?.[1] ?? table;
  const raw = configText(config, 'base_id');
  return raw === undefined ? undefined : TABLE_IN_URL.exec(raw)?.[1];
}

/** The personal access token, trimmed, or `''`. */
export const accessTokenOf = (config: Record<string, JsonValue>): string => configApiKey(config, 'access_token');

/** Whether Airtable converts text values to the fields' types (select options created, numbers parsed). */
export const typecastOf = (config: Record<string, JsonValue>): boolean => config.typecast === true;

/** Whether contact information (email, phone, names, IP, URL queries) may be written. */
export const includesContactInfo = (config: Record<string, JsonValue>): boolean => config.include_contact_info === true;

/**
 * The fields an upsert merges on (trimmed, each once), empty for a create.
 *
 * @example
 * mergeOnOf({ merge_on: [' Message ID '] }); // ['Message ID']
 */
export function mergeOnOf(config: Record<string, JsonValue>): string[] {
  if (!Array.isArray(config.merge_on)) return [];
  const names = config.merge_on.filter((name): name is string => typeof name === 'string').map((name) => name.trim()).filter((name) => name !== '');
  return [...new Set(names)];
}

/** The field holding the userId that deletions look records up by, or undefined. */
export const userIdFieldOf = (config: Record<string, JsonValue>): string | undefined => configText(config, 'user_id_field');

/** Whether person deletions are forwarded (off unless turned on, and only with a user id field). */
export const forwardsDeletions = (config: Record<string, JsonValue>): boolean => config.forward_deletions === true && userIdFieldOf(config) !== undefined;

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['access_token', 'base_id'],
  properties: {
    access_token: {
      type: 'string', title: 'Personal Access Token', secret: true,
      description: 'An Airtable personal access token (Builder hub > Personal access tokens > Create token), sent as Authorization: Bearer. Give it the scope data.records:write (and data.records:read with forward_deletions) and add the base to its access list.',
      minLength: 8, maxLength: 512, examples: ['patAbC123dEf456gH.0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef'],
    },
    base_id: {
      type: 'string', title: 'Base ID or URL',
      description: 'The base records go to: its id (app followed by 14 letters and digits) or the URL of the table as the browser shows it (https://airtable.com/app…/tbl…/viw…), whose table id is then used when Table is empty.',
      maxLength: 2000, examples: ['https://airtable.com/appA1b2C3d4E5f6G7/tblZ9y8X7w6V5u4T3/viwQ1w2E3r4T5y6U7'],
    },
    table: {
      type: 'string', title: 'Table',
      description: 'The table records go to: its id (tbl…, which survives a rename) or its name as its tab reads. Empty: the table id in the Base ID URL.',
      maxLength: 255, examples: ['Web events'],
    },
    fields: {
      type: 'array', title: 'Fields',
      description: `The record's fields: { "field": the Airtable field's name as the table's header shows it (or its id, fld…), "path": where in the Signal event its value is, e.g. properties.revenue, context.page.url, traits.plan, receivedAt; alternatives separated by |, the first present wins: traits.email|context.traits.email }. Create the fields in the table first. Objects and lists go as JSON text; a field with no value is left out of the record. Empty: ${DEFAULT_FIELDS.map((entry) => entry.field).join(', ')} (and Email, Phone with include_contact_info).`,
      items: {
        type: 'object',
        required: ['field', 'path'],
        properties: {
          field: { type: 'string', minLength: 1, maxLength: 255 },
          path: { type: 'string', minLength: 1, maxLength: 500 },
        },
        additionalProperties: false,
      },
      maxItems: MAX_FIELDS,
      examples: [[{ field: 'Time', path: 'timestamp' }, { field: 'Event', path: 'event|name' }, { field: 'User', path: 'userId|anonymousId' }, { field: 'Order', path: 'properties.order_id' }, { field: 'Revenue', path: 'properties.revenue' }, { field: 'Message ID', path: 'messageId' }]],
    },
    merge_on: {
      type: 'array', title: 'Merge On (upsert)',
      description: `Fields (of Fields, by the same name) whose values identify a record: with them, each event updates the record holding the same values, or creates one (Airtable's performUpsert with fieldsToMergeOn); at most ${MAX_MERGE_FIELDS}. An event without a value for one of them is not sent. Empty: every event creates a record.`,
      items: { type: 'string', minLength: 1, maxLength: 255 },
      maxItems: MAX_MERGE_FIELDS, examples: [['Message ID']],
    },
    typecast: {
      type: 'boolean', title: 'Typecast',
      description: 'Off (default): each value must already be of its field\'s type (a number for a number field, an existing option for a select), else Airtable refuses the record. On: Airtable converts text values itself, e.g. creating a select\'s missing options.',
      default: false, examples: [false],
    },
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off (default): email addresses, phone numbers, people\'s names and addresses, the IP address and URL query strings are left out of every field (the default fields have no Email or Phone). On: written as the event has them, and the default fields add Email and Phone. Anyone the base is shared with sees them.',
      default: false, examples: [false],
    },
    user_id_field: {
      type: 'string', title: 'User ID Field',
      description: 'With forward_deletions: the field (a single line text field, by name) holding the userId — one of Fields, whose path reads userId. A person deletion deletes the records whose field equals the userId, up to 50 a deletion.',
      maxLength: 255, examples: ['User ID'],
    },
    forward_deletions: {
      type: 'boolean', title: 'Forward Person Deletions',
      description: 'Off (default): deletions are not forwarded — the records are in your own base. On, with user_id_field: a person deletion (deletePerson) finds the records whose User ID Field equals their userId and deletes them, 10 a request, up to 50 a deletion (run it again for more).',
      default: false,
    },
  },
};

/** Why a base id is refused, or undefined. */
function baseProblem(value: JsonValue | undefined): string | undefined {
  const raw = typeof value === 'string' ? value.trim() : '';
  if (raw === '') return 'is required: the base\'s id (app followed by 14 letters and digits) or the table\'s URL (https://airtable.com/app…/tbl…)';
  if (BASE_ID.test(raw) || BASE_IN_URL.test(raw)) return undefined;
  const shown = JSON.stringify(raw.slice(0, 200));
  if (/^(tbl|viw|fld|rec)[A-Za-z0-9]{14}$/.test(raw)) return `is ${shown}: the id of a ${{ tbl: 'table', viw: 'view', fld: 'field', rec: 'record' }[raw.slice(0, 3)]}, not of a base; a base's id starts with app (the part after airtable.com/ in the URL)`;
  if (raw.includes('/')) return `is ${shown}: no base id (app…) in this URL; paste the URL of the table as the browser shows it (https://airtable.com/app…/tbl…/viw…) or the base id alone`;
  return `is ${shown}: a base id is app followed by 14 letters and digits (the part after airtable.com/ in the table's URL)`;
}

/**
 * Checks beyond the schema, each naming its field: the token pasted with `Bearer ` or white
 * space, or a retired API key; the base; the table; the fields; merge_on naming fields not
 * mapped; the deletion settings. Messages never repeat the token.
 *
 * @example
 * validateAirtableConfig({ access_token: 'pat…', base_id: 'tblZ9y8X7w6V5u4T3', table: 'Events' });
 * // [{ field: 'base_id', message: 'is "tblZ9y8X7w6V5u4T3": the id of a table, not of a base; …' }]
 */
export function validateAirtableConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (typeof config.access_token === 'string') {
    const token = config.access_token.trim();
    const pasted = pastedSecretProblem('access_token', token, 'Airtable personal access token', { schemeHint: 'Signal sends it as the Bearer token itself', spaceHint: 'as Airtable showed it when it was created' });
    if (pasted) problems.push(pasted);
    else if (/^key[A-Za-z0-9]{14}$/.test(token)) problems.push({ field: 'access_token', message: 'is an Airtable API key (key…), which Airtable no longer accepts: create a personal access token (pat…) in the Builder hub' });
  }
  const base = baseProblem(config.base_id);
  if (base) problems.push({ field: 'base_id', message: base });
  else if (tableOf(config) === undefined) problems.push({ field: 'table', message: 'is required: the table\'s id (tbl…) or its name as its tab reads (or paste the table\'s URL into base_id)' });
  problems.push(...fieldProblems(config.fields));
  const mapped = new Set(fieldsOf(config).map((entry) => entry.field));
  mergeOnOf(config).forEach((name) => {
    if (!mapped.has(name)) problems.push({ field: 'merge_on', message: `names "${name.slice(0, 60)}", which is none of the fields mapped (${[...mapped].slice(0, 20).join(', ')}): merge on fields the records are given` });
  });
  if (mergeOnOf(config).length > MAX_MERGE_FIELDS) problems.push({ field: 'merge_on', message: `names ${mergeOnOf(config).length} fields: Airtable merges on ${MAX_MERGE_FIELDS} at most` });
  const userIdField = userIdFieldOf(config);
  if (userIdField !== undefined && /[{}]/.test(userIdField)) {
    problems.push({ field: 'user_id_field', message: `"${userIdField.slice(0, 60)}" holds a { or }, which an Airtable formula cannot name a field with: rename the field in Airtable (and in fields)` });
  }
  if (config.forward_deletions === true && userIdField === undefined) {
    problems.push({ field: 'user_id_field', message: 'is required with forward_deletions: the field holding the userId (e.g. "User ID"), by which records are found and deleted' });
  }
  return problems;
}

/**
 * Advice about a valid config: a mapped field reading contact information while it is left out;
 * a user_id_field that no mapped field fills with the userId (deletions would find nothing).
 *
 * @example
 * airtableConfigWarnings({ forward_deletions: true, user_id_field: 'User' });
 * // [{ field: 'user_id_field', message: '"User" is not filled with the userId by any of fields: …' }]
 */
export function airtableConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  const warnings = fieldWarnings(config.fields, includesContactInfo(config));
  const userIdField = userIdFieldOf(config);
  if (userIdField !== undefined) {
    const entry = fieldsOf(config).find((mapped) => mapped.field === userIdField);
    if (entry === undefined || !entry.path.split('|').map((part) => part.trim()).includes('userId')) {
      warnings.push({ field: 'user_id_field', message: `"${userIdField.slice(0, 60)}" is not filled with the userId by any of fields: map it ({ "field": "${userIdField.slice(0, 60)}", "path": "userId" }), or deletions find nothing` });
    }
  }
  return warnings;
}
