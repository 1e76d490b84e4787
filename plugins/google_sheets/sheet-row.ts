// An event as one row of the sheet: one cell per configured column, read from the event (from a
// copy without contact information unless include_contact_info is on), as Sheets takes cell
// values — text, numbers, booleans; objects and lists as JSON text; nothing as an empty cell —
// within Sheets' 50,000-character cell limit, and never a formula.
import { cellValueOf, eventPathSource, eventPathValue, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { columnsOf } from './columns.ts';
import { includesContactInfo, valueInputOptionOf, type ValueInputOption } from './config.ts';

/** The most characters a Google Sheets cell holds. */
export const MAX_CELL_CHARACTERS = 50_000;

/** Text Sheets would run as a formula when typed (USER_ENTERED): `=`, and `+ - @` before anything but a plain number. */
const FORMULA_START = /^[=+\-@]/;
const PLAIN_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/**
 * A whole number of more digits than Sheets keeps: typed (USER_ENTERED), text of digits becomes a
 * number, which Sheets holds to 15 significant digits, so an order, account or social-network id
 * of 16 digits or more would lose its last ones.
 */
const LONG_DIGITS = /^[+-]?\d{16,}$/;

/**
 * Whether typed text must be kept as text (a leading apostrophe): a formula, a whole number
 * Sheets would round, or text that itself starts with an apostrophe (which Sheets would take as
 * the marker and drop).
 */
function keptAsText(text: string): boolean {
  if (text.startsWith("'")) return true;
  if (FORMULA_START.test(text) && !PLAIN_NUMBER.test(text.trim())) return true;
  return LONG_DIGITS.test(text.trim());
}

/**
 * One cell's value as Sheets takes it: text, a finite number or a boolean as they are; an object
 * or list as JSON text; nothing as an empty cell. Text over 50,000 characters is cut (`warn`
 * says so). With USER_ENTERED, text Sheets would run as a formula, a whole number of 16 digits or
 * more (which Sheets would round to 15) and text starting with an apostrophe get a leading
 * apostrophe, which Sheets reads as "this is text" and does not show.
 *
 * @example
 * cellValue({ plan: 'pro' }, 'RAW', () => {});       // '{"plan":"pro"}'
 * cellValue('=IMPORTXML(…)', 'USER_ENTERED', () => {}); // "'=IMPORTXML(…)"
 * cellValue('-5', 'USER_ENTERED', () => {});           // '-5'
 * cellValue('12345678901234567890', 'USER_ENTERED', () => {}); // "'12345678901234567890"
 */
export function cellValue(value: unknown, option: ValueInputOption, warn: (length: number) => void): JsonValue {
  const cell = cellValueOf(value, MAX_CELL_CHARACTERS, warn);
  if (cell === undefined) return '';
  if (typeof cell === 'string' && option === 'USER_ENTERED' && keptAsText(cell)) return `'${cell}`;
  return cell;
}

/**
 * The event as the sheet's row: `{ values: [cell, …] }`, one cell per column of the config, read
 * from the event without contact information (SDK's recordWithoutContactInfo: emails, phones,
 * names, addresses, the IP, URL queries) unless include_contact_info is on. A cell cut to the
 * 50,000-character limit is said with `ctx.warn`; an event all of whose cells are empty is not
 * sent (null), with a warning.
 *
 * @example
 * sheetRow(event, { ...ctx, config: { spreadsheet_id: '…', columns: [{ header: 'Event', path: 'event' }, { header: 'Revenue', path: 'properties.revenue' }] } });
 * // { values: ['Order Completed', 74.97] }
 */
export function sheetRow(event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const config = ctx.config;
  const source = eventPathSource(event, includesContactInfo(config));
  const option = valueInputOptionOf(config);
  const values = columnsOf(config).map((column, index) => cellValue(eventPathValue(source, column.path), option, (length) => {
    ctx.warn?.(`columns[${index}] ("${column.header.slice(0, 60)}"): ${length.toLocaleString('en-US')} characters, cut to Google Sheets' ${MAX_CELL_CHARACTERS.toLocaleString('en-US')}-character cell limit`);
  }));
  if (values.every((cell) => cell === '')) {
    ctx.warn?.('every column is empty for this event (none of the columns\' paths has a value): no row appended');
    return null;
  }
  return { values };
}

/**
 * The row's cells of a mapped payload (an empty row when the payload has none).
 *
 * @example
 * cellsOf({ values: ['Order Completed', 74.97] }); // ['Order Completed', 74.97]
 */
export function cellsOf(payload: JsonObject): JsonValue[] {
  return Array.isArray(payload.values) ? payload.values : [];
}
