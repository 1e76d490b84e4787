// The rows of the warehouse plugins' event table (EVENT_TABLE_COLUMNS) that a person deletion
// removes, one rule for every warehouse: rows whose user_id — or an alias's previous_id — is the
// userId, and rows whose anonymous_id (or previous_id) is the anonymousId. An id that is a
// placeholder SDKs write for "no id" names no one and is left out (the rows never hold it). Each
// warehouse writes the ids as its own parameter markers, so no id ever becomes SQL text.
import { usableId } from './placeholder-ids.ts';
import type { NamedPerson } from './types.ts';

/** The id columns a person deletion reads the person's ids from (each also read in previous_id). */
export type PersonIdColumn = 'user_id' | 'anonymous_id';

/** The person's rows as a DELETE's WHERE condition and the ids its markers stand for. */
export interface EventRowsOfPerson {
  /** `user_id = M OR previous_id = M OR anonymous_id = N OR previous_id = N`, M and N the markers of the ids. */
  condition: string;
  /** Each usable id once, by its column's name: the parameters of named markers (`:user_id`, `@user_id`). */
  ids: Array<{ name: PersonIdColumn; value: string }>;
  /** The ids in the order their markers stand in the condition: the bindings of positional markers (`?`). */
  positional: string[];
}

/** Why a person deletion sends nothing when no id named is usable (a `{ skipped }` reason). */
export const PLACEHOLDER_IDS_SKIPPED = 'the ids named are placeholders SDKs send for "no id": the plugin stores no row under them';

/**
 * The person's rows in the event table (see the file's comment), the ids written as `marker`
 * gives them; null when no id named is usable (every one a placeholder or missing).
 *
 * @example
 * eventRowsOfPerson({ userId: 'u-1', anonymousId: 'df_1' }, (column) => `:${column}`);
 * // { condition: 'user_id = :user_id OR previous_id = :user_id OR anonymous_id = :anonymous_id OR previous_id = :anonymous_id',
 * //   ids: [{ name: 'user_id', value: 'u-1' }, { name: 'anonymous_id', value: 'df_1' }], positional: ['u-1', 'u-1', 'df_1', 'df_1'] }
 * eventRowsOfPerson({ userId: 'undefined', anonymousId: null }, () => '?'); // null
 */
export function eventRowsOfPerson(person: NamedPerson, marker: (column: PersonIdColumn) => string): EventRowsOfPerson | null {
  const named: Array<[PersonIdColumn, unknown]> = [['user_id', person.userId], ['anonymous_id', person.anonymousId]];
  const conditions: string[] = [];
  const ids: EventRowsOfPerson['ids'] = [];
  const positional: string[] = [];
  for (const [column, id] of named) {
    if (!usableId(id)) continue;
    const value = String(id);
    const mark = marker(column);
    conditions.push(`${column} = ${mark} OR previous_id = ${mark}`);
    ids.push({ name: column, value });
    positional.push(value, value);
  }
  return ids.length === 0 ? null : { condition: conditions.join(' OR '), ids, positional };
}
