// What the blueprint mapped, fitted to one request of Kit's API v4: a subscriber (an identify,
// for POST /v4/subscribers) or a tagging (a track call the config maps to a tag, for POST
// /v4/tags/{tag_id}/subscribers). What Kit would refuse for good is dead-lettered here, each
// event on its own, saying why; what names no subscriber (no email) is not sent. Page, screen,
// group and alias calls are never sent, nor track calls without a configured tag.
import { neverSentTypes, PermanentError, recordKinds, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { tagIdOf } from './config.ts';
import { subscriberBody } from './subscriber.ts';
import { taggingOf } from './tagging.ts';

/** The records the plugin sends, each to its endpoint. */
export const KINDS = ['subscriber', 'tagging'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Kit', KINDS);

/** Bytes of one request body (Kit documents no limit; 140 custom fields of text fit well within). */
export const MAX_BODY_BYTES = 256_000;

/** A fitted record: its kind, the tag of a tagging, and the body Kit receives. */
export interface KitRecord {
  kind: Kind;
  tagId?: number;
  body: JsonObject;
}

/** Event types the plugin never sends, with why. */
const notSentType = neverSentTypes('Kit', {
  page: 'Kit has no page views',
  screen: 'Kit has no screen views',
  group: 'Kit has no accounts or groups',
  alias: 'Kit knows subscribers by their email address only, so there is nothing to alias',
});

/**
 * Why the plugin never sends an event, or undefined when it may: page, screen, group and alias
 * calls, and track calls whose name config.event_tags does not map to a tag. (The map hook
 * drops such events itself too, so this holds whatever the blueprint.)
 *
 * @example
 * neverSentReason({ type: 'page' } as CanonicalEvent, {});                                          // 'not sent to Kit: Kit has no page views'
 * neverSentReason({ type: 'track', event: 'Signed Up' } as CanonicalEvent, { event_tags: { 'Signed Up': 4120 } }); // undefined
 */
export function neverSentReason(event: CanonicalEvent, config: Record<string, JsonValue>): string | undefined {
  const never = notSentType(event);
  if (never !== undefined) return never;
  if (event.type === 'track' && tagIdOf(config, event.event) === undefined) {
    return `not sent to Kit: no tag is configured for the event ${JSON.stringify(event.event ?? null)} (config.event_tags), and Kit has no custom events for an API key`;
  }
  return undefined;
}

/**
 * The map hook: the blueprint's payload as a Kit record (`{ kind, tagId?, body }`), or null —
 * not sent — for an event Kit has no use for, or one that names no subscriber.
 *
 * @example
 * fitRecord({ kind: 'subscriber', email: 'jane@example.com', firstName: 'Jane' }, identify, ctx);
 * // { kind: 'subscriber', body: { email_address: 'jane@example.com', first_name: 'Jane', state: 'inactive' } }
 * fitRecord({ kind: 'tagging', eventName: 'Signed Up', email: 'jane@example.com' }, track, ctx);
 * // { kind: 'tagging', tagId: 4120, body: { email_address: 'jane@example.com' } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const never = neverSentReason(event, ctx.config);
  if (never !== undefined) {
    ctx.warn?.(never);
    return null;
  }
  const kind = RECORD_KINDS.of(payload);
  let record: KitRecord;
  if (kind === 'subscriber') {
    const body = subscriberBody(payload, event, ctx);
    if (body === null) return null;
    record = { kind, body };
  } else {
    const tagging = taggingOf(payload, ctx);
    if (tagging === null) return null;
    record = { kind, tagId: tagging.tagId, body: tagging.body };
  }
  const bytes = Buffer.byteLength(JSON.stringify(record.body));
  if (bytes > MAX_BODY_BYTES) throw new PermanentError(`the ${kind} takes ${bytes} bytes of JSON, more than the ${MAX_BODY_BYTES} Signal sends Kit in one request: map fewer or shorter traits in config.custom_fields`);
  return { ...record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'tagging', tagId: 4120, body: { email_address: 'jane@example.com' } }); // that record
 * recordOf({ eventName: 'Viewed' });                                                       // undefined
 */
export function recordOf(payload: JsonObject): KitRecord | undefined {
  const { kind, tagId, body } = payload;
  if (!RECORD_KINDS.is(kind)) return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  if (kind === 'tagging') return typeof tagId === 'number' && Number.isSafeInteger(tagId) && tagId > 0 ? { kind, tagId, body } : undefined;
  return { kind, body };
}
