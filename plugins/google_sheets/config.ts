// The integration's config: the spreadsheet (its id, or its URL pasted whole), the tab rows go to,
// the columns (header and event path, in order), how Sheets reads the values (RAW or
// USER_ENTERED), whether contact information may be written, and the credential (a service
// account's key, or an OAuth client's refresh token); the schema the catalog shows and the checks
// the schema cannot make, each naming its field.
import { configText, googleCredentialProblems, parseGoogleServiceAccountKey, type ConfigProblem, type ConfigSchema, type JsonValue } from '../../core/sdk/index.ts';
import { columnProblems, columnWarnings, DEFAULT_COLUMNS } from './columns.ts';

/** The Sheets API's OAuth scope for reading and writing spreadsheets (values.append takes it, or a Drive scope). */
export const SHEETS_SCOPE = 'https://www.googleapis.com/auth/spreadsheets';

/** How Sheets reads the values: RAW stores them as given; USER_ENTERED parses them as if typed in the UI. */
export const VALUE_INPUT_OPTIONS = ['RAW', 'USER_ENTERED'] as const;
export type ValueInputOption = (typeof VALUE_INPUT_OPTIONS)[number];

/** The longest tab name Google Sheets takes. */
export const MAX_SHEET_NAME_LENGTH = 100;

/**
 * A spreadsheet's id as Google writes it: letters, digits, `-` and `_` ("a unique spreadsheetId
 * value, containing letters, numbers, hyphens, or underscores"). Google does not document a
 * length; the ids it issues have 44 characters, so anything under 20 is taken for a typo.
 */
const SPREADSHEET_ID = /^[A-Za-z0-9_-]{20,200}$/;
/** The id in a spreadsheet's URL: `…/spreadsheets/d/<id>/edit…`, also under a signed-in user's `/u/<n>/`. */
const ID_IN_URL = /\/spreadsheets\/(?:u\/\d+\/)?d\/([^/?#]+)/;

/**
 * The spreadsheet id of the config: the id itself, or the one in a pasted spreadsheet URL
 * (`https://docs.google.com/spreadsheets/d/<id>/edit#gid=0`); undefined when there is none.
 *
 * @example
 * spreadsheetIdOf({ spreadsheet_id: 'https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit#gid=0' });
 * // '1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms'
 */
export function spreadsheetIdOf(config: Record<string, JsonValue>): string | undefined {
  const raw = configText(config, 'spreadsheet_id');
  if (raw === undefined) return undefined;
  const inUrl = ID_IN_URL.exec(raw)?.[1];
  const id = inUrl ?? raw;
  return SPREADSHEET_ID.test(id) ? id : undefined;
}

/**
 * Why the config's spreadsheet is refused, or undefined: blank, a published-to-the-web link
 * (`/d/e/2PACX-…`: a read-only copy's id, which the API does not know), a URL of something else,
 * or an id of other characters.
 *
 * @example
 * spreadsheetProblem('https://docs.google.com/document/d/1abc/edit'); // 'is "https://docs.google.com/document/d/1abc/edit": not a spreadsheet\'s URL …'
 */
export function spreadsheetProblem(value: JsonValue | undefined): string | undefined {
  const raw = typeof value === 'string' ? value.trim() : '';
  if (raw === '') return 'is required: the spreadsheet\'s id, or its URL as the browser shows it (https://docs.google.com/spreadsheets/d/<id>/edit)';
  const shown = JSON.stringify(raw.slice(0, 200));
  if (/\/spreadsheets\/d\/e\//.test(raw)) return `is ${shown}: a "Publish to the web" link, whose id the Sheets API does not know; open the spreadsheet itself and paste the URL of its editor (…/spreadsheets/d/<id>/edit)`;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || raw.includes('/')) {
    const id = ID_IN_URL.exec(raw)?.[1];
    if (id === undefined) return `is ${shown}: not a spreadsheet's URL; paste the URL of the spreadsheet (https://docs.google.com/spreadsheets/d/<id>/edit) or the id alone`;
    if (!SPREADSHEET_ID.test(id)) return `is ${shown}: the id in this URL is not a spreadsheet id (letters, digits, - and _, as Google writes them, usually 44 characters)`;
    return undefined;
  }
  if (!SPREADSHEET_ID.test(raw)) return `is ${shown}: a spreadsheet id has letters, digits, - and _ only, usually 44 of them (the part after /d/ in the spreadsheet's URL)`;
  return undefined;
}

/**
 * The configured tab's name (trimmed), or undefined for the first visible tab.
 *
 * @example
 * sheetNameOf({ sheet_name: ' Web events ' }); // 'Web events'
 */
export const sheetNameOf = (config: Record<string, JsonValue>): string | undefined => configText(config, 'sheet_name');

/** The configured value input option (RAW unless USER_ENTERED is chosen). */
export const valueInputOptionOf = (config: Record<string, JsonValue>): ValueInputOption => (config.value_input_option === 'USER_ENTERED' ? 'USER_ENTERED' : 'RAW');

/** Whether contact information (email, phone, names, IP, URL queries) may be written. */
export const includesContactInfo = (config: Record<string, JsonValue>): boolean => config.include_contact_info === true;

/** The service account's email (`client_email` of the key), for the reasons that name it. */
export function serviceAccountEmail(config: Record<string, JsonValue>): string | undefined {
  const key = parseGoogleServiceAccountKey(configText(config, 'service_account_key'));
  return typeof key === 'string' ? undefined : key.client_email;
}

/** The schema of the config, as the catalog shows it. */
export const CONFIG_SCHEMA: ConfigSchema = {
  type: 'object',
  required: ['spreadsheet_id'],
  properties: {
    spreadsheet_id: {
      type: 'string', title: 'Spreadsheet ID or URL',
      description: 'The spreadsheet rows are appended to: its URL as the browser shows it (https://docs.google.com/spreadsheets/d/<id>/edit…), or the id alone. Share it with the service account\'s email (client_email of the key) as an Editor.',
      maxLength: 2000, examples: ['https://docs.google.com/spreadsheets/d/1BxiMVs0XRA5nFMdKvBdBZjgmUUqptlbs74OgvE2upms/edit#gid=0'],
    },
    sheet_name: {
      type: 'string', title: 'Sheet (tab) Name',
      description: `The tab rows are appended to, as its label at the bottom of the spreadsheet reads (spaces and quotes allowed; at most ${MAX_SHEET_NAME_LENGTH} characters). Empty: the first visible tab. Rows go after the last row of the table that starts in its cell A1: put the header row there.`,
      maxLength: 200, examples: ['Web events'],
    },
    columns: {
      type: 'array', title: 'Columns',
      description: `The row's cells, in order: { "header": the column's name (for the header row you write yourself), "path": where in the Signal event its value is, e.g. properties.revenue, context.page.url, traits.plan, receivedAt; alternatives separated by |, the first present wins: traits.email|context.traits.email }. Objects and lists go as JSON text. Empty: ${DEFAULT_COLUMNS.map((c) => c.header).join(', ')} (and Email, Phone with include_contact_info).`,
      items: {
        type: 'object',
        required: ['header', 'path'],
        properties: {
          header: { type: 'string', minLength: 1, maxLength: 200 },
          path: { type: 'string', minLength: 1, maxLength: 500 },
        },
        additionalProperties: false,
      },
      maxItems: 200,
      examples: [[{ header: 'Time', path: 'timestamp' }, { header: 'Event', path: 'event|name' }, { header: 'User', path: 'userId|anonymousId' }, { header: 'Order', path: 'properties.order_id' }, { header: 'Revenue', path: 'properties.revenue' }, { header: 'Currency', path: 'properties.currency' }, { header: 'Page', path: 'context.page.url' }, { header: 'Campaign', path: 'context.campaign.name' }, { header: 'Message ID', path: 'messageId' }]],
    },
    value_input_option: {
      type: 'string', title: 'Value Input Option',
      description: 'How Sheets reads the values. RAW (default): stored exactly as sent, as text, numbers and booleans — text from visitors is never run as a formula. USER_ENTERED: parsed as if typed into Sheets (dates and times become dates, "12%" a number); Signal still writes text starting with = + - or @ (other than a plain number) after an apostrophe, so it stays text and never runs as a formula, and so are ids of 16 digits or more (as numbers Sheets would keep only 15).',
      enum: [...VALUE_INPUT_OPTIONS], enumLabels: ['RAW (recommended)', 'USER_ENTERED'], default: 'RAW', examples: ['RAW'],
    },
    include_contact_info: {
      type: 'boolean', title: 'Include Contact Information',
      description: 'Off (default): email addresses, phone numbers, people\'s names and addresses, the IP address and URL query strings are left out of every cell (the default columns have no Email or Phone). On: written as the event has them, and the default columns add Email and Phone. Anyone the sheet is shared with sees them.',
      default: false, examples: [false],
    },
    service_account_key: {
      type: 'string', title: 'Service Account Key',
      description: 'One of the two credentials (recommended): the JSON key file of a Google Cloud service account, pasted whole (IAM & Admin > Service accounts > the account > Keys > Add key > JSON), in a project with the Google Sheets API enabled. Share the spreadsheet with its client_email as an Editor. Signal signs its token requests with it; the key never leaves Signal.',
      secret: true, maxLength: 10_000,
    },
    client_id: {
      type: 'string', title: 'OAuth Client ID',
      description: 'With a refresh token: the client id of the OAuth client of your Google Cloud project (with the Google Sheets API enabled). Ends with .apps.googleusercontent.com.',
      examples: ['123456789012-abc123def456.apps.googleusercontent.com'],
    },
    client_secret: {
      type: 'string', title: 'OAuth Client Secret',
      description: 'With a refresh token: the secret of that OAuth client.',
      secret: true,
    },
    refresh_token: {
      type: 'string', title: 'Refresh Token',
      description: `The other credential: the refresh token Google gave when a Google user with edit access to the spreadsheet authorised the OAuth client with the ${SHEETS_SCOPE} scope (see the plugin README). Rows are then written as that user.`,
      secret: true,
    },
  },
};

/**
 * Config problems the schema cannot say in words, each naming its field: a spreadsheet that is
 * no id nor a spreadsheet's URL, a tab name over 100 characters, columns without a header or
 * with a path that reads no part of a Signal event, and the credential's (none, both, a refresh
 * token without its OAuth client, a key that cannot be read — never quoted).
 *
 * @example
 * validateSheetsConfig({ spreadsheet_id: 'https://docs.google.com/spreadsheets/d/e/2PACX-1vQ/pubhtml', service_account_key: '{…}' });
 * // [{ field: 'spreadsheet_id', message: 'is "https://…/pubhtml": a "Publish to the web" link, …' }]
 */
export function validateSheetsConfig(config: Record<string, JsonValue>): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const spreadsheet = spreadsheetProblem(config.spreadsheet_id);
  if (spreadsheet !== undefined) problems.push({ field: 'spreadsheet_id', message: spreadsheet });
  const sheet = sheetNameOf(config);
  if (sheet !== undefined && [...sheet].length > MAX_SHEET_NAME_LENGTH) {
    problems.push({ field: 'sheet_name', message: `has ${[...sheet].length} characters: a Google Sheets tab name has at most ${MAX_SHEET_NAME_LENGTH}` });
  }
  problems.push(...columnProblems(config.columns));
  problems.push(...googleCredentialProblems(config));
  return problems;
}

/**
 * Advice about a valid config: a configured column that reads contact information while
 * include_contact_info is off (its cells stay empty), headers given twice.
 *
 * @example
 * sheetsConfigWarnings({ columns: [{ header: 'Email', path: 'traits.email' }] });
 * // [{ field: 'columns', message: 'columns[0] ("Email") reads traits.email, contact information: its cells stay empty while include_contact_info is off' }]
 */
export function sheetsConfigWarnings(config: Record<string, JsonValue>): ConfigProblem[] {
  return columnWarnings(config.columns, includesContactInfo(config));
}
