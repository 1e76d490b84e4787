// What the blueprint mapped, fitted to one record of Mailchimp's Marketing API: a member (an
// identify, for the batch subscribe/update of POST /lists/{list_id}) or a member event (a
// track call, for POST /lists/{list_id}/members/{hash}/events). The member's email is its only
// identity (the blueprint's `email`: traits.email, else the context.traits.email Signal remembers
// from the person's identify, never event properties); what Mailchimp would refuse for good is
// dead-lettered here, each event on its own, saying why.
import { isRememberedOnly, mappedEmail, PermanentError, recordKinds, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext } from '../../core/sdk/index.ts';
import { extraMergeFieldsOf, newMemberStatusOf, tagsOf } from './config.ts';
import { hasMarketingConsent } from './marketing-consent.ts';
import { eventNameOf, eventPropertiesOf, occurredAtOf } from './member-event.ts';
import { mergeFieldsOf } from './merge-fields.ts';

/** The records the plugin sends, each to its endpoint. */
export const KINDS = ['member', 'event'] as const;
export type Kind = (typeof KINDS)[number];
const RECORD_KINDS = recordKinds('Mailchimp', KINDS);

/** A fitted record: its kind, the member's email (as sent), and the body Mailchimp receives (a batch member, or an event). */
export interface MailchimpRecord {
  kind: Kind;
  email: string;
  body: JsonObject;
}

/**
 * The status a person new to the audience gets (`status_if_new`): `transactional` unless the
 * config adds new members as subscribed and the event carries marketing consent, then
 * `pending` with double opt-in (Mailchimp emails a confirmation link) or `subscribed` — but
 * `transactional` for an email only Signal remembers of the person (`rememberedOnly`): a
 * subscription comes from a call that gives the address, not from every later identify.
 *
 * @example
 * statusIfNew({ new_member_status: 'subscribed' }, eventWithMarketingConsent); // 'pending' (double_opt_in defaults to on)
 * statusIfNew({}, eventWithMarketingConsent);                                  // 'transactional'
 */
export function statusIfNew(config: PluginContext['config'], event: CanonicalEvent, rememberedOnly = false): 'transactional' | 'pending' | 'subscribed' {
  if (newMemberStatusOf(config) !== 'subscribed' || !hasMarketingConsent(event) || rememberedOnly) return 'transactional';
  return config.double_opt_in === false ? 'subscribed' : 'pending';
}

/**
 * The map hook: the blueprint's payload as a Mailchimp record (`{ kind, email, body }`), or
 * null — not sent — for an event without an email (Mailchimp has members by email only: an
 * anonymous visitor's event names no one there). A malformed email or an unusable event name
 * is a PermanentError (dead-lettered with why).
 *
 * @example
 * fitRecord({ kind: 'member', email: 'jane@example.com', merge_fields: { FNAME: 'Jane' } }, identify, ctx);
 * // { kind: 'member', email: 'jane@example.com', body: { email_address: 'jane@example.com', status_if_new: 'transactional', merge_fields: { FNAME: 'Jane' } } }
 * fitRecord({ kind: 'event', email: 'jane@example.com', name: 'Signed Up', occurred_at: '2024-03-24T16:00:00.000Z' }, track, ctx);
 * // { kind: 'event', email: 'jane@example.com', body: { name: 'Signed_Up', occurred_at: '2024-03-24T16:00:00Z', is_syncing: false } }
 */
export function fitRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const kind = RECORD_KINDS.of(payload);
  // The SDK's check is Mailchimp's: one address (isEmailAddress) of at most 254 characters.
  const email = mappedEmail(payload.email, 'Mailchimp');
  if (email === undefined) return null;
  let body: JsonObject;
  if (kind === 'member') {
    body = { email_address: email, status_if_new: statusIfNew(ctx.config, event, isRememberedOnly(payload.email, 'email', event)) };
    const mergeFields = mergeFieldsOf(payload.merge_fields, event, extraMergeFieldsOf(ctx.config));
    if (mergeFields) body.merge_fields = mergeFields;
    const tags = tagsOf(ctx.config);
    if (tags.length > 0) body.tags = tags;
  } else {
    body = { name: eventNameOf(payload.name) };
    const properties = eventPropertiesOf(payload.properties);
    if (properties) body.properties = properties;
    body.occurred_at = occurredAtOf(payload.occurred_at ?? (event.timestamp as JsonValue));
    body.is_syncing = ctx.config.trigger_automations === false;
  }
  const record: MailchimpRecord = { kind, email, body };
  return { ...record };
}

/**
 * The record of a mapped payload (fitRecord's), or undefined.
 *
 * @example
 * recordOf({ kind: 'event', email: 'j@example.com', body: { name: 'Viewed' } }); // { kind: 'event', email: 'j@example.com', body: { name: 'Viewed' } }
 * recordOf({ name: 'Viewed' });                                                 // undefined
 */
export function recordOf(payload: JsonObject): MailchimpRecord | undefined {
  const { kind, email, body } = payload;
  if (!RECORD_KINDS.is(kind) || typeof email !== 'string') return undefined;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  return { kind, email, body };
}
