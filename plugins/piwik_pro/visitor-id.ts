// Piwik PRO's visitor ID (`_id`): 16 hexadecimal digits ("format: hexadecimal, minLength: 16,
// maxLength: 16" in the Tracking HTTP API reference), which lets "the application identifier of a
// Visitor" stand in for the one analytics would generate. Signal's visitor id (the anonymousId)
// is no such string, so it is hashed into one: the same visitor gets the same `_id` on every
// event, every worker and every retry.
import { sha256Hex, usableId, type CanonicalEvent } from '../../core/sdk/index.ts';

/** A visitor ID as Piwik PRO takes it: 16 hexadecimal digits. */
const VISITOR_ID = /^[0-9a-f]{16}$/i;

/**
 * The 16-hex-digit visitor ID of an id: itself (lower case) when it is one already (a Piwik PRO
 * JavaScript tracker's visitor ID a site passes on as the anonymousId, so both count one
 * visitor), else the first 16 hex digits of its SHA-256.
 *
 * @example
 * piwikVisitorId('df_pp0visitor01');  // 16 hex digits, the same for this id every time
 * piwikVisitorId('257CC22DF0EC483A'); // '257cc22df0ec483a'
 */
export function piwikVisitorId(id: string): string {
  if (VISITOR_ID.test(id)) return id.toLowerCase();
  return sha256Hex(id).slice(0, 16);
}

/**
 * The visitor ID of an event: from its anonymousId, else its userId; undefined when it has
 * neither usable id (Piwik PRO then tells visitors apart by its own means).
 *
 * @example
 * eventVisitorId({ anonymousId: 'df_pp0visitor01', userId: 'user-1' } as CanonicalEvent); // piwikVisitorId('df_pp0visitor01')
 */
export function eventVisitorId(event: Pick<CanonicalEvent, 'anonymousId' | 'userId'>): string | undefined {
  const id = usableId(event.anonymousId) ? event.anonymousId : usableId(event.userId) ? event.userId : undefined;
  return id === undefined ? undefined : piwikVisitorId(id);
}
