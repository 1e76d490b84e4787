// The rows a Sheets 400 blames. An append is all or nothing: a value Google refuses fails the
// whole request, nothing written. Google names the row by its index in the request's `values`:
// in the message, as the value's place (`Invalid values[1][1]: struct_value {…}`, row 1, cell 1)
// or the field's (`Invalid value at 'data.values[1]' (type.googleapis.com/google.protobuf.ListValue)…`,
// the body being the request's `data`), and in a google.rpc.BadRequest detail's
// `fieldViolations[].field` (`data.values[1]`). The request's rows are its events in order
// (append-request.ts), so `values[i]` is `request.eventIds[i]`.
import { googleErrorDetails, readGoogleErrorAnswer, type JsonValue } from '../../core/sdk/index.ts';
import { columnsOf } from './columns.ts';

/** A row blamed by index, and the cell in it when Google says which (`values[i][j]`). */
export interface RefusedRow {
  row: number;
  cell?: number;
}

/** `values[i]` or `values[i][j]`, also inside `data.values[i]`; the global flag finds each place named. */
const VALUE_PLACE = /\bvalues\[(\d+)\](?:\[(\d+)\])?/g;

/** The places a text names, in order. */
function placesIn(text: string): RefusedRow[] {
  return [...text.matchAll(VALUE_PLACE)].map((match) => ({ row: Number(match[1]), ...(match[2] === undefined ? {} : { cell: Number(match[2]) }) }));
}

/**
 * The rows of a request of `rows` rows that a Sheets error answer names, each once (its first
 * cell named kept), in row order; none when it names no row or only rows the request has not.
 *
 * @example
 * refusedRows({ error: { code: 400, message: 'Invalid values[1][1]: struct_value {\n}\n', status: 'INVALID_ARGUMENT' } }, 2);
 * // [{ row: 1, cell: 1 }]
 * refusedRows({ error: { code: 400, message: "Invalid value at 'data.values[0]' (type.googleapis.com/google.protobuf.ListValue)", status: 'INVALID_ARGUMENT',
 *   details: [{ '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: 'data.values[0]', description: '…' }] }] } }, 2);
 * // [{ row: 0 }]
 */
export function refusedRows(json: unknown, rows: number): RefusedRow[] {
  const answer = readGoogleErrorAnswer(json);
  if (answer === undefined) return [];
  const texts: string[] = [answer.message ?? ''];
  for (const detail of googleErrorDetails(answer, 'BadRequest')) {
    const violations = Array.isArray(detail.fieldViolations) ? detail.fieldViolations : [];
    for (const violation of violations) {
      if (violation === null || typeof violation !== 'object' || Array.isArray(violation)) continue;
      for (const text of [violation.field, violation.description]) if (typeof text === 'string') texts.push(text);
    }
  }
  const byRow = new Map<number, RefusedRow>();
  for (const place of texts.flatMap(placesIn)) {
    if (!Number.isSafeInteger(place.row) || place.row >= rows) continue;
    const known = byRow.get(place.row);
    if (known === undefined || (known.cell === undefined && place.cell !== undefined)) byRow.set(place.row, place);
  }
  return [...byRow.values()].sort((a, b) => a.row - b.row);
}

/**
 * The column a refused cell is in, by its configured header, for the reason: `column 8
 * ("Properties")`; none when Google named no cell or one beyond the columns.
 *
 * @example
 * refusedColumn({ row: 1, cell: 7 }, {}); // ' in column 8 ("Properties")'
 * refusedColumn({ row: 1 }, {});          // ''
 */
export function refusedColumn(place: RefusedRow, config: Record<string, JsonValue>): string {
  if (place.cell === undefined) return '';
  const column = columnsOf(config)[place.cell];
  return column === undefined ? '' : ` in column ${place.cell + 1} (${JSON.stringify(column.header)})`;
}
