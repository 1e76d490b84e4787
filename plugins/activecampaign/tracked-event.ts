// A track call (or a page call the config names) as an ActiveCampaign Event Tracking event, for
// `POST https://trackcmp.net/event` (Track event: form fields `key`, `event` — "Max of 32
// Characters" —, `eventdata` — "A value you wish to store for the event" —, `actid` and
// `visit`, "The json-encoded email address of the contact you wish to track this event for").
// The record holds what is the event's own (its name, its data, its contact's email); the
// request builder adds the account's actid and Event Key, which stay out of the mapped event.
import {
  eventMapName, isJsonObject, PermanentError, readText, removeContactInfo, type CanonicalEvent, type JsonObject, type JsonValue, type PluginContext,
} from '../../core/sdk/index.ts';
import { eventTrackingOf, MAX_EVENT_NAME } from './config.ts';
import { contactEmailOf } from './identity.ts';

/**
 * The longest eventdata sent. ActiveCampaign documents no limit for the field; past this the
 * value is left out (with a warning) rather than risk the event being refused or cut.
 */
export const MAX_EVENTDATA_CHARS = 8_000;

/** An event record as the map hook gives it. */
export interface EventRecord {
  kind: 'event';
  event: string;
  email: string;
  eventdata?: string;
}

/**
 * The event's name: the config's (`event_names`, by the track event's name, or `page:<name>`
 * then `page` for a page call), else a track event's own; undefined for a page call the config
 * does not name. Over ActiveCampaign's 32 characters, a PermanentError saying to map a shorter
 * one.
 *
 * @example
 * eventNameOf({ type: 'track', event: 'Order Completed' }, 'Order Completed', { 'Order Completed': 'purchase' }); // 'purchase'
 * eventNameOf({ type: 'page', name: 'Home' }, undefined, {});                                                     // undefined
 */
export function eventNameOf(event: CanonicalEvent, mapped: JsonValue | undefined, names: JsonValue | undefined): string | undefined {
  const configured = eventMapName(event, names);
  const name = configured ?? (event.type === 'track' ? readText(mapped) : undefined);
  if (name === undefined) return undefined;
  // Characters, not UTF-16 units (an emoji is one), as the config schema's maxLength counts them.
  const length = [...name].length;
  if (length > MAX_EVENT_NAME) {
    throw new PermanentError(`the event name ${JSON.stringify(name)} is ${length} characters long; ActiveCampaign takes event names of at most ${MAX_EVENT_NAME}: map a shorter one in config.event_names ({"${event.type === 'track' ? event.event ?? name : 'page'}": "<at most ${MAX_EVENT_NAME} characters>"}), then replay the dead letter`);
  }
  return name;
}

/**
 * The eventdata of a mapped value: text as given (a number as its digits), an object as its
 * JSON without contact information (SDK `removeContactInfo`: the event's properties, which
 * ActiveCampaign keeps as the event's value); undefined when nothing is left, or — over
 * MAX_EVENTDATA_CHARS — left out with ctx.warn.
 *
 * @example
 * eventDataOf({ plan: 'pro', email: 'jane@example.com' }, ctx); // '{"plan":"pro"}'
 * eventDataOf('SKU-1', ctx);                                     // 'SKU-1'
 */
export function eventDataOf(value: JsonValue | undefined, ctx: PluginContext): string | undefined {
  let data: string | undefined;
  if (isJsonObject(value)) {
    const properties = removeContactInfo(value);
    data = Object.keys(properties).length > 0 ? JSON.stringify(properties) : undefined;
  } else {
    data = readText(value);
  }
  if (data !== undefined && data.length > MAX_EVENTDATA_CHARS) {
    ctx.warn?.(`eventdata left out: ${data.length} characters, more than the ${MAX_EVENTDATA_CHARS} the plugin sends (ActiveCampaign documents no limit); map a shorter value to eventdata in the blueprint`);
    return undefined;
  }
  return data;
}

/**
 * The event record of a track call (or a named page call), or null when it is not sent, said
 * with ctx.warn: Event Tracking not configured (config.actid, config.event_key), a page call the
 * config does not name, or no email for the person (ActiveCampaign attributes an event to a
 * contact by email only).
 *
 * @example
 * eventRecord({ event: 'Order Completed', email: 'jane@example.com', eventdata: { order_id: 'A-1' } }, orderCompleted, ctx);
 * // { kind: 'event', event: 'Order Completed', email: 'jane@example.com', eventdata: '{"order_id":"A-1"}' }
 */
export function eventRecord(payload: JsonObject, event: CanonicalEvent, ctx: PluginContext): JsonObject | null {
  const what = event.type === 'track' ? `"${event.event ?? ''}"` : `the ${event.type} call`;
  if (eventTrackingOf(ctx.config) === undefined) {
    ctx.warn?.(`${what} not sent to ActiveCampaign: Event Tracking is not configured (config.actid and config.event_key, from Website > Site Tracking > Event Tracking)`);
    return null;
  }
  const name = eventNameOf(event, payload.event, ctx.config.event_names);
  if (name === undefined) {
    ctx.warn?.(`${what} not sent to ActiveCampaign: no event name for it (name it in config.event_names, e.g. {"${event.type === 'page' ? (event.name ? `page:${event.name}` : 'page') : 'page'}": "page_viewed"})`);
    return null;
  }
  const email = contactEmailOf(payload.email, payload.user_id);
  if (email === undefined) {
    ctx.warn?.(`${what} not sent to ActiveCampaign: no email for the person (traits.email, one Signal remembers from their identify, or a userId that is an email address); Event Tracking attributes an event to a contact by email only`);
    return null;
  }
  const record: EventRecord = { kind: 'event', event: name, email };
  const eventdata = eventDataOf(payload.eventdata, ctx);
  if (eventdata !== undefined) record.eventdata = eventdata;
  return { ...record };
}
