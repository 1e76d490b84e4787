// A track call as Kit's Tag a subscriber by email address, POST /v4/tags/{tag_id}/subscribers
// with `email_address`: the tag config.event_tags gives the event's name. Kit has no custom
// events for an API key (its purchases need OAuth), and a tag is what can start a Kit
// automation. Kit tags existing subscribers only ("The subscriber being tagged must already
// exist"): the person's identify, with their email, creates them. Tagging twice is harmless
// (Kit: "Returns a 200 when the subscriber already has the tag"), so a retry is safe.
import { mappedEmail, type JsonObject, type PluginContext } from '../../core/sdk/index.ts';
import { tagIdOf } from './config.ts';

/** A fitted tagging: the tag's id (in the URL) and the body. */
export interface Tagging {
  tagId: number;
  body: JsonObject;
}

/**
 * The tagging of a track call, or null when it is not sent: no tag configured for its name
 * (neverSends said so before it was queued), or no email to name the subscriber by (said with
 * ctx.warn). A malformed email is a PermanentError naming the trait.
 *
 * @example
 * taggingOf({ eventName: 'Signed Up', email: 'jane@example.com' }, { config: { event_tags: { 'Signed Up': 4120 } }, … });
 * // { tagId: 4120, body: { email_address: 'jane@example.com' } }
 */
export function taggingOf(payload: JsonObject, ctx: PluginContext): Tagging | null {
  const name = typeof payload.eventName === 'string' ? payload.eventName : undefined;
  const tagId = tagIdOf(ctx.config, name);
  if (tagId === undefined) {
    ctx.warn?.(`not sent to Kit: no tag is configured for the event ${JSON.stringify(name ?? null)} (config.event_tags)`);
    return null;
  }
  const email = mappedEmail(payload.email, 'Kit', { strict: true });
  if (email === undefined) {
    ctx.warn?.('not sent to Kit: the event names no subscriber (no email in traits or remembered from an identify), and Kit tags subscribers by their email address only');
    return null;
  }
  return { tagId, body: { email_address: email } };
}
