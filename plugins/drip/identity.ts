// Who a record names in Drip: the subscriber's email (Drip's key for a subscriber: "create or
// update … by email"), else Drip's own subscriber id when the blueprint maps one. Taken from the
// blueprint's rows (the person's traits), never from event properties. The site's userId is
// Drip's `user_id`, a field of the subscriber: Drip finds no one by it.
import { mappedEmailOrLeftOut, PermanentError, type JsonValue } from '../../core/sdk/index.ts';

/** A Drip subscriber id as its API shows one (`z1togz2hcjrkpp5treip`): letters and digits. */
export const SUBSCRIBER_ID = /^[A-Za-z0-9]{1,64}$/;

/** A record's identity: its email, else Drip's subscriber id. */
export type DripIdentity = { email: string } | { id: string };

/**
 * Drip's subscriber id of a mapped record, or undefined when none was mapped. One that is no
 * Drip id (white space, punctuation) is a PermanentError: Drip would answer 404 for it.
 *
 * @example
 * subscriberIdOf('z1togz2hcjrkpp5treip'); // 'z1togz2hcjrkpp5treip'
 * subscriberIdOf(undefined);              // undefined
 */
export function subscriberIdOf(value: JsonValue | undefined): string | undefined {
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) return undefined;
  const id = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : '';
  if (!SUBSCRIBER_ID.test(id)) throw new PermanentError(`the Drip subscriber id ${JSON.stringify(value)} (traits.drip_id) is not one Drip gives (letters and digits): fix it at the source, or leave the id row out of the blueprint`);
  return id;
}

/**
 * The identity of a mapped record, or undefined when it names no subscriber. The email wins:
 * with it, Drip's id is not sent (a record naming both could move the email onto that id). A
 * malformed email is a PermanentError unless the id names the subscriber: then it is left
 * out, said with `warn`.
 *
 * @example
 * identityOf({ email: 'jane@example.com', id: 'z1togz2h' }, warn); // { email: 'jane@example.com' }
 * identityOf({ email: 'jane@', id: 'z1togz2h' }, warn);            // { id: 'z1togz2h' }, warned
 * identityOf({}, warn);                                           // undefined
 */
export function identityOf(payload: { email?: JsonValue; id?: JsonValue }, warn: ((message: string) => void) | undefined): DripIdentity | undefined {
  const id = subscriberIdOf(payload.id);
  const email = mappedEmailOrLeftOut(payload.email, 'Drip', { namedOtherwise: id !== undefined, warn });
  if (email !== undefined) return { email };
  return id === undefined ? undefined : { id };
}
