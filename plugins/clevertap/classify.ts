// CleverTap's answers to POST /1/upload, as its docs describe them and recorded answers show
// them: 200 with `{ status: "success", processed, unprocessed: [...] }` — "success" even when no
// record was processed — each unprocessed entry `{ status: "fail", code, error, record }`, the
// error ending "Skipped record number : N" (from 1) and the record echoed as a JSON string; the
// numeric codes (API Errors: 509 event name mandatory, 512 invalid event structure,
// 513 restricted system event, 514–520 invalid profile values, 522 event properties limit,
// 523 missing identity, 524 neither event nor profile, 525 timestamp not epoch, 526 objectId
// invalid, 528 discarded event, 555 miscellaneous server error); 400 bad request; 401 invalid
// credentials or URL; 403 operation not allowed; 429 too many concurrent requests; 500, 503.
import { defaultClassify, excerpt, parseRetryAfter, responseHeader, trimmedText, type Classification, type EventOutcome, type JsonValue, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';

/** What each documented per-record code means, for reasons. */
export const RECORD_CODES: Record<number, string> = {
  509: 'event name mandatory',
  512: 'invalid event structure',
  513: 'raised a restricted system event (CleverTap reserves this event name)',
  514: 'Gender invalid',
  515: 'Email invalid',
  516: 'Phone number invalid (E.164 required)',
  517: 'employment status invalid',
  518: 'education status invalid',
  519: 'marital status invalid',
  520: 'age invalid',
  522: 'event properties limit exceeded (100 properties an event by default, set per account: leave some out with the blueprint\'s exclude)',
  523: 'missing identity',
  524: 'data neither event nor profile',
  525: 'timestamp not in UNIX epoch format',
  526: 'objectId invalid',
  528: 'discarded event raised (the event is discarded in the CleverTap dashboard)',
  555: 'miscellaneous server error',
};
/** Per-record codes of CleverTap's own failure, worth another try. */
const TRANSIENT_RECORD_CODES: ReadonlySet<number> = new Set([555]);

/** The credentials advice: which fields to check. */
const CREDENTIALS = 'check config.account_id and config.passcode (Settings > Project in the CleverTap dashboard) and that config.region is the account\'s region (credentials are refused in another region\'s host)';

interface UploadAnswer {
  status?: unknown;
  processed?: unknown;
  unprocessed?: unknown;
  error?: unknown;
  code?: unknown;
}

function answerOf(response: VendorResponse): UploadAnswer | undefined {
  const json = response.json;
  return json !== null && typeof json === 'object' && !Array.isArray(json) ? (json as UploadAnswer) : undefined;
}

/** CleverTap's own words: `error` of its answer (with its code), else the body. */
function said(response: VendorResponse): string {
  const answer = answerOf(response);
  const error = trimmedText(answer?.error);
  if (error !== undefined) return excerpt(answer?.code !== undefined ? `${error} (code ${String(answer.code)})` : error);
  return excerpt(response.body ?? '');
}

function answered(response: VendorResponse): string {
  const words = said(response);
  return `HTTP ${response.status}${words ? `: ${words}` : ''}`;
}

/** The records of the request's body (`d`), in order. */
function recordsOf(request: RequestDescriptor): JsonValue[] {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body instanceof Uint8Array) return [];
  return Array.isArray(body.d) ? body.d : [];
}

/** JSON with keys sorted, so a record CleverTap echoes back compares equal to the one sent. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/** CleverTap's words for a refused record's position, 1-based: "… Skipped record number : 2". */
const RECORD_NUMBER = /Skipped record number\s*:\s*(\d+)/i;

/** An echoed record: an object, or (as CleverTap answers) the record as a JSON string. */
function echoedRecord(value: unknown): unknown {
  if (typeof value !== 'string') return value !== null && typeof value === 'object' ? value : undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed !== null && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The positions an unprocessed entry names: its `index` when it gives one, else the record
 * number its error states ("Skipped record number : 2", counted from 1), else every record
 * equal to the `record` it echoes (CleverTap echoes it as a JSON string; the same record twice
 * in a request: both).
 */
function positionsOf(entry: Record<string, unknown>, records: JsonValue[]): number[] {
  const index = entry.index;
  if (typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < records.length) return [index];
  const number = typeof entry.error === 'string' ? RECORD_NUMBER.exec(entry.error) : null;
  if (number) {
    const position = Number(number[1]) - 1;
    if (position >= 0 && position < records.length) return [position];
  }
  const echoed = echoedRecord(entry.record);
  if (echoed !== undefined) {
    const wanted = canonical(echoed);
    return records.flatMap((record, i) => (canonical(record) === wanted ? [i] : []));
  }
  return [];
}

/** An unprocessed entry's outcome: 555 tried again, the other codes dead-lettered with CleverTap's words. */
function outcomeOf(entry: Record<string, unknown>): EventOutcome {
  const code = typeof entry.code === 'number' ? entry.code : Number(entry.code);
  // CleverTap's error without its "Skipped record number : N" (the event's own position says it).
  const error = typeof entry.error === 'string' && entry.error.replace(RECORD_NUMBER, '').trim() !== '' ? entry.error.replace(RECORD_NUMBER, '').trim().replace(/[.\s]+$/, '') : undefined;
  const meaning = Number.isFinite(code) ? RECORD_CODES[code] : undefined;
  const words = [Number.isFinite(code) ? `code ${code}` : undefined, error ?? meaning].filter((part) => part !== undefined).join(': ');
  const reason = `CleverTap did not process the record (${words || 'no reason given'})${error !== undefined && meaning !== undefined && !meaning.toLowerCase().startsWith(error.toLowerCase()) ? ` — ${meaning}` : ''}`;
  return Number.isFinite(code) && TRANSIENT_RECORD_CODES.has(code) ? { status: 'retry', reason } : { status: 'dead_letter', reason };
}

/** The outcomes a 200 upload answer gives: the records its unprocessed list names, by event id. */
function uploadOutcomes(answer: UploadAnswer, request: RequestDescriptor, response: VendorResponse): Classification {
  const records = recordsOf(request);
  const entries = Array.isArray(answer.unprocessed) ? answer.unprocessed.filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object' && !Array.isArray(e)) : [];
  const failed = String(answer.status ?? '').toLowerCase() === 'fail';
  // CleverTap's count of the records it processed, when it gives one: records it neither
  // processed nor named as unprocessed are not counted delivered on a guess.
  const processed = typeof answer.processed === 'number' && Number.isInteger(answer.processed) && answer.processed >= 0 ? answer.processed : undefined;
  if (entries.length === 0) {
    // A failure naming no record: CleverTap refused the request itself.
    if (failed) {
      if (request.eventIds.length > 1) return { status: 'split', reason: `CleverTap refused the upload (${answered(response)}) without naming a record: sending it in halves to find it` };
      return { status: 'dead_letter', reason: `CleverTap refused the upload (${answered(response)})` };
    }
    if (processed !== undefined && processed < records.length) {
      if (request.eventIds.length > 1) return { status: 'split', reason: `CleverTap processed ${processed} of ${records.length} records and named none it did not (${answered(response)}): sending the request in halves to find them` };
      return { status: 'dead_letter', reason: `CleverTap did not process the record and gave no reason (${answered(response)})` };
    }
    return { status: 'delivered' };
  }
  const perEvent: Record<string, EventOutcome> = {};
  let unnamed = 0;
  for (const entry of entries) {
    const positions = positionsOf(entry, records);
    if (positions.length === 0) unnamed += 1;
    for (const position of positions) {
      const id = request.eventIds[position];
      if (id !== undefined && perEvent[id] === undefined) perEvent[id] = outcomeOf(entry);
    }
  }
  // Records neither processed (by CleverTap's count) nor named: CleverTap left some out unsaid.
  const unaccounted = processed === undefined ? 0 : records.length - processed - Object.keys(perEvent).length;
  if (unnamed === 0 && unaccounted > 0 && request.eventIds.length > 1) {
    return { status: 'split', reason: `CleverTap processed ${processed} of ${records.length} records and named ${Object.keys(perEvent).length} it did not: sending the request in halves to find the ${unaccounted} it left unsaid` };
  }
  if (unnamed > 0) {
    if (request.eventIds.length > 1) return { status: 'split', reason: `CleverTap did not process ${entries.length} of ${records.length} records and ${unnamed === entries.length ? 'named none of them' : `named ${entries.length - unnamed}`} in a way Signal can match: sending the request in halves to find ${unnamed === 1 ? 'it' : 'them'}` };
    const only = request.eventIds[0];
    if (only !== undefined && perEvent[only] === undefined) perEvent[only] = outcomeOf(entries[0]!);
  }
  return { perEvent };
}

/**
 * CleverTap's answers to an upload:
 * - 2xx with its JSON: the records `unprocessed` names (by the record number its error states,
 *   else by the `record` it echoes) each get their outcome — code 555 tried again, the other codes dead-lettered with
 *   CleverTap's code and error; the rest delivered. `status: "fail"` naming no record, or fewer
 *   records `processed` than sent and not named: several records split to find the ones left
 *   out, one dead-lettered. A 2xx whose body is text but no
 *   JSON object (a proxy's page): sent again;
 * - 429 ("Too many concurrent requests"): retried after Retry-After when given, as a rate limit;
 * - 401, 403: dead-lettered saying which config fields to check;
 * - 413: split (one record alone dead-lettered as too large);
 * - 400, 404 and other 4xx: dead-lettered with CleverTap's words (a record CleverTap refuses
 *   comes back in a 200's unprocessed list, so a 400 is the request's own problem);
 * - 408, 5xx: retried.
 *
 * @example
 * classifyCleverTap({ status: 200, headers: {}, body: '…', json: { status: 'success', processed: 1, unprocessed: [{ status: 'fail', code: 516, error: 'Profile data is incorrect. Phone number is not valid.Skipped record number : 2', record: '{ … }' }] } }, request, ctx);
 * // { perEvent: { 'msg-2': { status: 'dead_letter', reason: 'CleverTap did not process the record (code 516: Profile data is incorrect. Phone number is not valid) — Phone number invalid (E.164 required)' } } }
 */
export function classifyCleverTap(response: VendorResponse, request: RequestDescriptor, ctx: PluginContext): Classification {
  const status = response.status;
  const several = request.eventIds.length > 1;
  if (status >= 200 && status < 300) {
    const answer = answerOf(response);
    if (answer === undefined) {
      if ((response.body ?? '').trim() === '') return { status: 'delivered' };
      return { status: 'retry', reason: `HTTP ${status} without CleverTap's JSON answer: ${excerpt(response.body)} — not CleverTap's answer (a proxy?), so the ${several ? 'records are' : 'record is'} sent again` };
    }
    return uploadOutcomes(answer, request, response);
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(responseHeader(response.headers, 'retry-after'), ctx.now);
    const reason = `CleverTap refused the request for its limit of concurrent requests (${answered(response)})`;
    return retryAfterMs === undefined ? { status: 'retry', reason } : { status: 'retry', reason, retryAfterMs };
  }
  if (status === 401 || status === 403) return { status: 'dead_letter', reason: `CleverTap refused the credentials (${answered(response)}): ${CREDENTIALS}` };
  // A 400 is CleverTap's answer to the request itself ("Invalid parameter passed": a malformed
  // body): a record it refuses comes back in a 200's unprocessed list instead, so no split.
  if (status === 413) {
    if (several) return { status: 'split', reason: `CleverTap refused the upload (${answered(response)}): sending it in halves to find the record it refuses` };
    return { status: 'dead_letter', reason: `CleverTap refused this record alone as too large (${answered(response)}): leave its largest properties out with a pipeline transformation or the blueprint's exclude` };
  }
  if (status === 404) return { status: 'dead_letter', reason: `CleverTap answered ${answered(response)}: the URL is not an endpoint of its API (${request.url}); check config.region` };
  if (status >= 400 && status < 500 && status !== 408) return { status: 'dead_letter', reason: `CleverTap refused the ${several ? 'records' : 'record'} (${answered(response)})` };
  const classified = defaultClassify(response);
  const reason = `CleverTap ${answered(response)}`;
  return 'reason' in classified ? { ...classified, reason } : classified;
}
