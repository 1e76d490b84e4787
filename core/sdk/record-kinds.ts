import { PermanentError } from './errors.ts';
import type { JsonObject } from './types.ts';

/** A plugin's kinds of record, as its blueprint maps them in `kind` and its map hook fits them. */
export interface RecordKinds<K extends string> {
  /** The kinds, in order. */
  readonly list: readonly K[];
  /** Whether a value names one of the kinds (a fitted payload read back by `send`). */
  is(value: unknown): value is K;
  /** The kind a mapped payload names, else a PermanentError naming the vendor and its kinds (the blueprint mapped none, or another). */
  of(payload: JsonObject): K;
}

/**
 * The kinds of record a plugin sends (`subscriber`, `event`, …): their check in the map hook,
 * whose refusal names the vendor and the kinds, and their reading in `send`.
 *
 * @example
 * const KINDS = recordKinds('Drip', ['subscriber', 'event'] as const);
 * KINDS.of({ kind: 'event', action: 'Signed Up' }); // 'event'
 * KINDS.of({ action: 'Signed Up' });                // throws PermanentError('the blueprint mapped no kind: Signal sends Drip the kinds subscriber, event')
 * KINDS.is('page');                                 // false
 */
export function recordKinds<const K extends string>(vendor: string, kinds: readonly K[]): RecordKinds<K> {
  const list = Object.freeze([...kinds]);
  const is = (value: unknown): value is K => typeof value === 'string' && (list as readonly string[]).includes(value);
  return {
    list,
    is,
    of(payload) {
      const kind = payload.kind;
      if (is(kind)) return kind;
      throw new PermanentError(`the blueprint mapped ${kind === undefined ? 'no kind' : `the kind ${JSON.stringify(kind)}`}: Signal sends ${vendor} the kinds ${list.join(', ')}`);
    },
  };
}
