// An alias call as Vero's Alias, PUT /users/reidentify { id, new_id } ("allows you to update
// this unique identifier": the user whose id is the previousId gets the userId as id), when
// config.reidentify_on_alias is on. Identify calls never re-identify anyone: the plugin sends
// no anonymous visitor to Vero, so there is nobody under an anonymousId to rename, and an
// identify by userId creates the user itself. For the same reason an alias whose previousId is
// the call's own anonymousId (analytics.js fills it so when no previousId is given) is not sent.
import { mappedUserId, PermanentError, usableId, type CanonicalEvent, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { MAX_ID_CHARS } from './config.ts';

/**
 * The body of PUT /users/reidentify for an alias call (without the token), or null — not sent,
 * said with ctx.warn — when it renames nobody Vero could hold.
 *
 * @example
 * aliasBody({ previousId: 'u-old', userId: 'u-new' }, alias, ctx); // { id: 'u-old', new_id: 'u-new' }
 */
export function aliasBody(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const limit = { maxChars: MAX_ID_CHARS, limit: 'Vero takes ids of less than 255 characters' };
  const newId = mappedUserId(payload.userId, limit);
  if (newId === undefined) throw new PermanentError('an alias call needs the userId Vero re-identifies the user by (new_id): the call has none');
  const previous = payload.previousId;
  if (!usableId(previous)) {
    ctx.warn?.('not sent to Vero: the alias call has no previousId, the id Vero knows the user by');
    return null;
  }
  const id = mappedUserId(previous, limit)!;
  if (id === newId) {
    ctx.warn?.('not sent to Vero: the previousId is the userId already');
    return null;
  }
  if (usableId(event.anonymousId) && String(event.anonymousId).trim() === id) {
    ctx.warn?.('not sent to Vero: the previousId is the visitor\'s anonymousId, and the plugin never sends anonymous visitors to Vero, so no user there has it as id');
    return null;
  }
  return { id, new_id: newId };
}
