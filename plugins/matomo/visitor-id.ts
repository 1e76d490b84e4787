// Matomo's visitor id (`_id`): "a 16 characters hexadecimal string. Every unique visitor must be
// assigned a different ID and this ID must not change after it is assigned." Signal's visitor id
// (the anonymousId, the `_dfdid` cookie's) is no such string, so it is turned into one the way
// Matomo turns a User ID into its visitor id (`Request::getUserIdHashed`: the first 16 hex digits
// of its SHA-1): the same visitor gets the same id on every event, every worker and every
// retry, and a person deletion finds their visits by it (`visitorId==…`).
import { createHash } from 'node:crypto';
import { usableId, type CanonicalEvent } from '../../core/sdk/index.ts';

/** Matomo's visitor id: 16 hexadecimal digits. */
const MATOMO_VISITOR_ID = /^[0-9a-f]{16}$/i;

/**
 * The 16-hex-digit Matomo visitor id of an id: itself (lower case) when it is one already (a
 * Matomo JavaScript tracker's visitor id a site passes as the anonymousId, so both trackers count
 * one visitor), else the first 16 hex digits of its SHA-1.
 *
 * @example
 * matomoVisitorId('df_ph0visitor01');  // '72233ffaea6d8c51' — the same for this id every time
 * matomoVisitorId('AF344A398DF83874'); // 'af344a398df83874'
 */
export function matomoVisitorId(id: string): string {
  if (MATOMO_VISITOR_ID.test(id)) return id.toLowerCase();
  return createHash('sha1').update(id, 'utf8').digest('hex').slice(0, 16);
}

/**
 * The visitor id of an event: from its anonymousId, else its userId (which then gives the id
 * Matomo itself derives from that User ID); undefined when it has neither usable id (Matomo then
 * tells visitors apart by its own heuristics).
 *
 * @example
 * eventVisitorId({ anonymousId: 'df_ph0visitor01', userId: 'user-1' } as CanonicalEvent); // matomoVisitorId('df_ph0visitor01')
 */
export function eventVisitorId(event: Pick<CanonicalEvent, 'anonymousId' | 'userId'>): string | undefined {
  const id = usableId(event.anonymousId) ? event.anonymousId : usableId(event.userId) ? event.userId : undefined;
  return id === undefined ? undefined : matomoVisitorId(id);
}
