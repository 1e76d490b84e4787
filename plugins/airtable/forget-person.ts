// Person deletions (config.forward_deletions, off by default, with config.user_id_field). Airtable
// deletes records by id (`DELETE /v0/{baseId}/{table}?records[]=rec…`, 10 a request), so each
// round is a chain of two requests:
//
// 1. `GET /v0/{baseId}/{table}?filterByFormula={User ID}="<userId>"&pageSize=10&fields[]=User ID`
//    — the first 10 records whose user id field equals the userId (an `offset` in the answer
//    says more follow);
// 2. `DELETE` of those records, each checked first to hold the userId (a formula Airtable read
//    otherwise must not delete others).
//
// The core sends at most 3 requests in a row from one request, so a deletion is up to ROUNDS
// such rounds: up to 50 records. Each finds what the rounds before left; a lookup that finds
// none of the person's records, or a deletion of all a lookup answered (no page after it),
// ends the deletion (`last`: the rounds left are not sent), so a person with no record costs one
// lookup. More than 50 records fail the deletion saying so (asking again deletes the next 50).
// Each step is safe to repeat: a record deleted is no longer found.
import { isJsonObject, transientRetry, usableId, type ForgetOutcome, type JsonObject, type JsonValue, type PersonForgetting, type PluginContext, type RequestDescriptor, type VendorResponse } from '../../core/sdk/index.ts';
import { airtableSaid, TOKEN_ADVICE } from './classify.ts';
import { accessTokenOf, forwardsDeletions, tableOf, userIdFieldOf } from './config.ts';
import { equalsFormula } from './formula.ts';
import { headersOf, MAX_RECORDS, tableUrl } from './requests.ts';

/** Lookup-and-delete rounds a deletion makes. */
export const ROUNDS = 5;
/** The most records one deletion deletes: ROUNDS rounds of 10. */
export const MAX_DELETED = ROUNDS * MAX_RECORDS;
/** What the core puts in place of the person's ids in the answers `read` gets. */
const HIDDEN = '[…]';
/** A record id as Airtable gives one: `rec` and 14 letters or digits (the only text put in the DELETE's query). */
const RECORD_ID = /^rec[A-Za-z0-9]{14}$/;

/**
 * The plugin's note on a deletion request: its round, the userId and the field, and after a
 * lookup whether more records follow and how many it answered that it keeps (`others`).
 */
interface Memo {
  round: number;
  userId: string;
  field: string;
  more?: boolean;
  others?: number;
}

function memoOf(request: RequestDescriptor | undefined): Memo | undefined {
  const memo = request?.memo as JsonValue | undefined;
  if (!isJsonObject(memo) || typeof memo.round !== 'number' || typeof memo.userId !== 'string' || typeof memo.field !== 'string') return undefined;
  return { round: memo.round, userId: memo.userId, field: memo.field, more: memo.more === true, others: typeof memo.others === 'number' ? memo.others : 0 };
}

/** What the outcome says of the records a lookup answered that do not hold the userId exactly: kept. */
function keptOf(others: number, field: string): string {
  return others === 0 ? '' : `; ${others} record${others === 1 ? '' : 's'} Airtable's formula matched, whose ${field} is not exactly the userId (another letter case?), kept`;
}

/** An answer that is no success: retried (429 after Airtable's 30 seconds, 408, 5xx) or failed naming what to check. */
function unsuccessful(response: VendorResponse, what: string, config: Record<string, JsonValue> | undefined): ForgetOutcome {
  const said = airtableSaid(response);
  if (response.status === 429) return { retry: `Airtable rate limit reached (${said})`, afterSeconds: 30 };
  const transient = transientRetry(response, 'Airtable', said.replace(/^HTTP \d+:? ?/, '') || '(no body)');
  if (transient?.status === 'retry') return transient.retryAfterMs === undefined ? { retry: transient.reason } : { retry: transient.reason, afterSeconds: Math.ceil(transient.retryAfterMs / 1000) };
  if (response.status === 401 || response.status === 403) return { failed: `${said}: Airtable refused the ${what}: ${TOKEN_ADVICE.replace('data.records:write', 'data.records:read and data.records:write')}; check config.base_id and config.table too` };
  if (response.status === 404) return { failed: `${said}: Airtable has no such base or table for the ${what}: check config.base_id and config.table (${JSON.stringify(config ? tableOf(config) ?? '' : '')})` };
  if (response.status === 422) return { failed: `${said}: Airtable refused the ${what}: check config.user_id_field (a field of the table, by its name)` };
  return { failed: `${said}: Airtable refused the ${what}` };
}

/** What a lookup found: the records to delete, and those it answered but may not delete. */
export interface LookupMatch {
  /** Records whose field holds the userId exactly (or its hidden form), by their ids. */
  ids: string[];
  /** Records whose field holds something else (a formula read otherwise, e.g. another letter case): kept. */
  others: number;
  /**
   * Records Signal cannot read back: an id that is no record id, or no value of the field — the
   * core hides the userId wherever it appears in the answer, so a short userId (`7`) can hide
   * part of a record's id or of the field's name.
   */
  unreadable: number;
  /** Whether more records follow (`offset`). */
  more: boolean;
}

/**
 * The records of a lookup's answer, as `LookupMatch`; undefined when the answer is not
 * Airtable's `{ records: [{ id, fields }] }`.
 *
 * @example
 * matchedRecordIds({ records: [{ id: 'recA1b2C3d4E5f6G7', fields: { 'User ID': '[…]' } }] }, memo);
 * // { ids: ['recA1b2C3d4E5f6G7'], others: 0, unreadable: 0, more: false }
 */
export function matchedRecordIds(json: unknown, memo: Memo): LookupMatch | undefined {
  if (!isJsonObject(json as JsonValue | undefined) || !Array.isArray((json as JsonObject).records)) return undefined;
  const { records, offset } = json as JsonObject;
  const ids: string[] = [];
  let others = 0;
  let unreadable = 0;
  for (const record of records as JsonValue[]) {
    const held = isJsonObject(record) && isJsonObject(record.fields) ? record.fields[memo.field] : undefined;
    if (!isJsonObject(record) || typeof record.id !== 'string' || !RECORD_ID.test(record.id) || held === undefined) unreadable++;
    else if (held === HIDDEN || held === memo.userId) ids.push(record.id);
    else others++;
  }
  return { ids: [...new Set(ids)], others, unreadable, more: typeof offset === 'string' && offset !== '' };
}

function readLookup(response: VendorResponse, request: RequestDescriptor, memo: Memo, config: Record<string, JsonValue> | undefined): ForgetOutcome {
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'lookup of the person\'s records', config);
  const matched = matchedRecordIds(response.json, memo);
  if (matched === undefined) return { retry: `${airtableSaid(response)}: not Airtable's answer to a records lookup (its { records: […] }): a proxy or firewall in between?` };
  const { ids, others, unreadable } = matched;
  const kept = keptOf(others, memo.field);
  if (ids.length === 0 && unreadable > 0) {
    return { failed: `Airtable's lookup by ${memo.field} answered ${unreadable} record${unreadable === 1 ? '' : 's'} Signal cannot name (the userId is part of the record ids or of the field's name, and Signal hides it in every answer): nothing was deleted — delete them in Airtable` };
  }
  if (ids.length === 0 && others > 0 && matched.more) {
    return { failed: `Airtable's lookup by ${memo.field} answered ${others} records, none holding the userId exactly, and more follow: nothing was deleted — delete them in Airtable` };
  }
  // None of theirs left: the rounds after this one would find none either.
  if (ids.length === 0) return { done: true, last: true, message: `${memo.round === 1 ? `Airtable has no record whose ${memo.field} is the userId: nothing to delete` : 'no more records'}${kept}` };
  // More after this round: a next page, or records of theirs this one could not name.
  const more = matched.more || unreadable > 0;
  return {
    next: {
      method: 'DELETE', url: request.url, headers: { ...(request.headers ?? {}) }, eventIds: [],
      query: ids.map((id): [string, string] => ['records[]', id]),
      memo: { ...memo, more, others },
    },
  };
}

function readDelete(response: VendorResponse, request: RequestDescriptor, memo: Memo, config: Record<string, JsonValue> | undefined): ForgetOutcome {
  // A record gone between the lookup and the deletion: looked up again.
  if (response.status === 404) return { retry: `${airtableSaid(response)}: a record was gone before its deletion: looked up again` };
  if (response.status < 200 || response.status >= 300) return unsuccessful(response, 'deletion of the person\'s records', config);
  const json = response.json as JsonValue | undefined;
  if (!isJsonObject(json) || !Array.isArray(json.records)) return { retry: `${airtableSaid(response)}: not Airtable's answer to a deletion (its { records: […] })` };
  const deleted = json.records.filter((record) => isJsonObject(record) && record.deleted === true).length;
  const asked = (request.query ?? []).length;
  const said = `Airtable deleted ${deleted} record${deleted === 1 ? '' : 's'}${deleted < asked ? ` of the ${asked} asked` : ''}`;
  if (memo.round >= ROUNDS && memo.more === true) {
    return { failed: `${said}; more records hold the userId than the ${MAX_DELETED} one deletion deletes: run the deletion again for the next ${MAX_DELETED}` };
  }
  // Every record the lookup answered was the whole match (no page after it) and is gone: a next
  // round would find none of theirs, so it is not sent.
  if (memo.more !== true && deleted === asked) return { done: true, last: true, message: said + keptOf(memo.others ?? 0, memo.field) };
  return { done: true, message: said };
}

/**
 * Forwarding of person deletions: up to ROUNDS lookups of the records whose config.user_id_field
 * equals the userId, each followed by the deletion of those it found, the first that leaves none
 * ending the list (see the file's comment).
 *
 * @example
 * forgetPerson.request({ userId: 'u-1', anonymousId: null, emails: [] }, ctx);
 * // 5 × { method: 'GET', url: 'https://api.airtable.com/v0/appA1b2C3d4E5f6G7/Web%20events',
 * //       query: [['filterByFormula', '{User ID}="u-1"'], ['pageSize', '10'], ['fields[]', 'User ID']], … }
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => accessTokenOf(config) !== '' && forwardsDeletions(config),
  request(person, ctx) {
    const field = userIdFieldOf(ctx.config);
    if (field === undefined) return { skipped: 'config.user_id_field is not set: the records holding the userId cannot be found' };
    if (!usableId(person.userId)) {
      return { skipped: usableId(person.anonymousId) ? 'records are found by the userId in config.user_id_field only, and the deletion names only an anonymousId: run deletePerson with the person\'s userId' : 'the ids named are placeholders no record is looked up by' };
    }
    const userId = String(person.userId);
    const formula = equalsFormula(field, userId);
    if (formula === undefined) return { skipped: 'the userId holds a line break or other control character, or config.user_id_field a brace, which an Airtable formula cannot look up: delete the records in Airtable' };
    const url = tableUrl(ctx.config);
    const query: Array<[string, string]> = [['filterByFormula', formula], ['pageSize', String(MAX_RECORDS)], ['fields[]', field]];
    return Array.from({ length: ROUNDS }, (_, index): RequestDescriptor => ({
      method: 'GET', url, query, headers: headersOf(ctx.config), eventIds: [], memo: { round: index + 1, userId, field },
    }));
  },
  read(response, request, ctx?: PluginContext) {
    const memo = memoOf(request);
    if (request === undefined || memo === undefined) return { failed: 'the plugin lost its note on the request (a core change?)' };
    return request.method === 'DELETE' ? readDelete(response, request, memo, ctx?.config) : readLookup(response, request, memo, ctx?.config);
  },
  // The lookup's documented answer (List records), here for nobody found.
  successAnswer: { status: 200, body: { records: [] } },
};
