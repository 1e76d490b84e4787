// What Iterable's 200 answer to a bulk request says of each record. bulkUpdate and trackBulk
// answer `{ successCount, failCount, failedUpdates: { invalidEmails, invalidUserIds,
// notFoundEmails, notFoundUserIds, forgottenEmails, forgottenUserIds, conflictEmails,
// conflictUserIds, invalidDataEmails, invalidDataUserIds }, disallowedEventNames, … }` (the API
// reference's UserBulkUpdateListResponse and BulkTrackResponse; the top-level invalidEmails
// and invalidUserIds are deprecated for failedUpdates). Failures name users by email or userId,
// not by position: a record fails when a list names the identifier it carries, an event also
// when its name is disallowed. An event is never counted delivered when Iterable counted more
// failures than it named: the request is sent again in halves, down to the record that fails.
import { isJsonObject, type Classification, type EventOutcome, type JsonObject, type JsonValue, type RequestDescriptor } from '../../core/sdk/index.ts';

/** The parts of a bulk answer the plugin reads. */
export interface BulkAnswer {
  successCount?: unknown;
  failCount?: unknown;
  failedUpdates?: unknown;
  invalidEmails?: unknown;
  invalidUserIds?: unknown;
  disallowedEventNames?: unknown;
}

/** What each of Iterable's lists means, in words, for the reasons. */
const MEANINGS: Record<string, string> = {
  invalidEmails: 'Iterable found the email address malformed',
  invalidUserIds: 'Iterable found the userId malformed (empty, too long, non-ASCII or non-printable characters, or a trailing space)',
  notFoundEmails: 'Iterable has no user with this email',
  notFoundUserIds: 'Iterable has no user with this userId',
  forgottenEmails: 'Iterable has forgotten this user (a GDPR forget): it records nothing more about them unless they are unforgotten in Iterable',
  forgottenUserIds: 'Iterable has forgotten this user (a GDPR forget): it records nothing more about them unless they are unforgotten in Iterable',
  conflictEmails: 'the email given in dataFields belongs to another Iterable user, so Iterable did not change this user\'s email (merge the two users in Iterable, or fix the email at the source)',
  conflictUserIds: 'the userId given in dataFields belongs to another Iterable user, so Iterable did not change this user\'s userId',
  invalidDataEmails: 'Iterable refused the user\'s data fields (a value whose type differs from the project\'s field of that name, or another invalid value)',
  invalidDataUserIds: 'Iterable refused the user\'s data fields (a value whose type differs from the project\'s field of that name, or another invalid value)',
};

/** Why an event Iterable counted failed without naming it most often fails, as its reference says. */
const UNNAMED_EVENT_CAUSE = 'one documented cause: Iterable requires identically named data fields of events of the same name to be of the same type, so compare this event\'s dataFields with earlier ones of its name';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/**
 * A failure list of an answer: its name as the answer spells it (for reasons), the kind of
 * failure it reports (a key of MEANINGS), and the identifiers it names.
 */
interface FailureList {
  name: string;
  key: string;
  values: string[];
}

/**
 * The failure lists of an answer: `failedUpdates`' (current), else the deprecated top-level
 * ones. The deprecated top-level `invalidUserIds` means two things: malformed userIds in
 * bulkUpdate's answer, but "userId values that were not found" in trackBulk's (the API
 * reference's BulkTrackResponse), so an event it names is read as one of a user not found.
 */
function failureLists(answer: BulkAnswer, word: 'event' | 'user update'): FailureList[] {
  const lists: FailureList[] = [];
  if (isJsonObject(answer.failedUpdates)) {
    for (const [key, value] of Object.entries(answer.failedUpdates)) lists.push({ name: `failedUpdates.${key}`, key, values: strings(value) });
  } else {
    lists.push(
      { name: 'invalidEmails', key: 'invalidEmails', values: strings(answer.invalidEmails) },
      { name: 'invalidUserIds', key: word === 'event' ? 'notFoundUserIds' : 'invalidUserIds', values: strings(answer.invalidUserIds) },
    );
  }
  return lists.filter((list) => list.values.length > 0 && /(?:Emails|UserIds)$/.test(list.key));
}

/**
 * The values of a record a list may name: conflicts name the identifier given in dataFields
 * (the identity update refused); malformed values may be found "either at the top level of a
 * passed-in user object, or in dataFields"; other lists name the user the record goes under.
 */
function candidates(key: string, record: JsonObject, field: 'email' | 'userId'): string[] {
  const dataFields = isJsonObject(record.dataFields) ? (record.dataFields as JsonObject) : {};
  const top = record[field];
  const inData = dataFields[field];
  const values = key.startsWith('conflict') ? [inData] : /^invalid(?:Emails|UserIds)$/.test(key) ? [top, inData] : [top];
  return values.filter((v): v is string => typeof v === 'string');
}

/** Whether a list names a value: emails without regard to case, userIds exactly (Iterable: case-sensitive). */
function names(values: string[], value: string, field: 'email' | 'userId'): boolean {
  return field === 'email' ? values.some((v) => v.trim().toLowerCase() === value.trim().toLowerCase()) : values.includes(value);
}

/**
 * The outcome of each record of a bulk request that a 2xx answer tells failed, by event id:
 * dead-lettered with what Iterable's lists mean; an event of a user Iterable does not have yet
 * (notFound…, trackBulk) tried again, since the bulkUpdate creating the user may still be in
 * progress, and dead-lettered with the same reason after the last try. When Iterable counted
 * more failures (`failCount`) than its lists name, the request is split to find them (one
 * record alone is dead-lettered saying Iterable gave no reason). Records not named are delivered.
 *
 * @example
 * bulkOutcomes({ successCount: 1, failCount: 1, failedUpdates: { forgottenUserIds: ['u-2'] } }, request, [{ userId: 'u-1', … }, { userId: 'u-2', … }], 'event');
 * // { perEvent: { e2: { status: 'dead_letter', reason: 'Iterable did not record the event: Iterable has forgotten this user … (failedUpdates.forgottenUserIds)' } } }
 */
export function bulkOutcomes(answer: BulkAnswer, request: RequestDescriptor, records: JsonValue[], word: 'event' | 'user update'): Classification {
  const lists = failureLists(answer, word);
  const disallowed = new Set(strings(answer.disallowedEventNames));
  const perEvent: Record<string, EventOutcome> = {};
  records.forEach((raw, index) => {
    const id = request.eventIds[index];
    if (id === undefined || !isJsonObject(raw)) return;
    const record = raw as JsonObject;
    const found: Array<{ list: string; meaning: string; retry: boolean }> = [];
    for (const list of lists) {
      const field = list.key.endsWith('Emails') ? 'email' : 'userId';
      if (!candidates(list.key, record, field).some((value) => names(list.values, value, field))) continue;
      found.push({ list: list.name, meaning: MEANINGS[list.key] ?? `Iterable listed its ${field} in ${list.name}`, retry: word === 'event' && list.key.startsWith('notFound') });
    }
    if (typeof record.eventName === 'string' && disallowed.has(record.eventName)) {
      found.push({ list: 'disallowedEventNames', meaning: 'the project does not accept events of this name', retry: false });
    }
    if (found.length === 0) return;
    const said = `${[...new Set(found.map((f) => f.meaning))].join('; ')} (${found.map((f) => f.list).join(', ')})`;
    perEvent[id] = found.every((f) => f.retry)
      ? { status: 'retry', reason: `Iterable did not record the event: ${said}. It records events of existing users only: sent again in case the identify creating the user is still being processed; send the user's identify first` }
      : { status: 'dead_letter', reason: `Iterable did not record the ${word}: ${said}` };
  });
  const named = Object.keys(perEvent).length;
  const failCount = typeof answer.failCount === 'number' && Number.isFinite(answer.failCount) ? answer.failCount : 0;
  if (failCount > named) {
    if (records.length > 1) {
      return { status: 'split', reason: `Iterable reported ${failCount} of ${records.length} ${word}s failed and named ${named} in its answer: sending the request in halves to find ${failCount - named === 1 ? 'the other' : 'the others'}` };
    }
    const only = request.eventIds[0];
    if (only !== undefined && perEvent[only] === undefined) {
      perEvent[only] = { status: 'dead_letter', reason: `Iterable did not record the ${word} (failCount ${failCount}) and named no reason in failedUpdates${word === 'event' ? ` (${UNNAMED_EVENT_CAUSE})` : ''}` };
    }
  }
  return Object.keys(perEvent).length === 0 ? { status: 'delivered' } : { perEvent };
}
