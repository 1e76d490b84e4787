import type { EventContext } from './canonical-event.ts';

/**
 * `null` in an optional field of the event's envelope means "no value", as SDKs send it
 * (analytics-python's `name: null` and `category: null`, a typed client's unset `properties`,
 * `context.page.referrer: null`): collect drops such fields before storage, so the pipeline,
 * blueprints and plugins see them absent, never `null`. Only the envelope's levels are read —
 * the event, its `context` and the context's `page`, `campaign`, `library` and `consent` —:
 * a `null` inside `properties`, `traits` or `context.traits` is data (a trait being unset) and
 * stays, and so do Segment's consent fields `destinationPreferences` and
 * `defaultDestinationBehavior`, whose `null` is Segment's own value ("none set") and is stored as
 * sent. Each level is read once and copied only when it holds a `null`, so an event without
 * one costs a loop over its keys and no allocation.
 */

/** The context's objects whose fields are the envelope's, not free-form data. */
const CONTEXT_OBJECTS = new Set(['page', 'campaign', 'library', 'consent']);
/** Segment's consent object writes these as null when unset: kept as sent (`ConsentState`). */
const CONSENT_NULLS_KEPT: ReadonlySet<string> = new Set(['destinationPreferences', 'defaultDestinationBehavior']);

/**
 * The object without its `null`-valued fields (but those named in `kept`): the same object when
 * it has none, else a copy.
 *
 * @example
 * withoutNullFields({ url: 'https://a.example/', referrer: null }); // { url: 'https://a.example/' }
 */
export function withoutNullFields<T extends object>(value: T, kept?: ReadonlySet<string>): T {
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    if ((value as Record<string, unknown>)[key] !== null || kept?.has(key)) continue;
    copy ??= { ...value } as Record<string, unknown>;
    delete copy[key];
  }
  return (copy ?? value) as T;
}

/**
 * An event's (or a batch's) `context` without the `null`s of its envelope: its own fields and
 * those of `page`, `campaign`, `library` and `consent` (`context.traits` is left as sent but
 * for being `null` itself). Undefined for a `null` context; the same object when nothing is
 * `null`, else a copy (a batch's context is shared by its events and never changed).
 *
 * @example
 * presentContext({ ip: null, page: { url: 'https://a.example/', referrer: null }, traits: { plan: null } });
 * // { page: { url: 'https://a.example/' }, traits: { plan: null } }
 */
export function presentContext(context: EventContext | null | undefined): EventContext | undefined {
  if (context === null || context === undefined) return undefined;
  let copy: EventContext | undefined;
  for (const key in context) {
    const value = context[key];
    let present: unknown = value;
    if (value === null) present = undefined;
    else if (CONTEXT_OBJECTS.has(key) && typeof value === 'object' && !Array.isArray(value)) present = withoutNullFields(value, key === 'consent' ? CONSENT_NULLS_KEPT : undefined);
    if (present === value) continue;
    copy ??= { ...context };
    if (present === undefined) delete copy[key];
    else copy[key] = present as EventContext[string];
  }
  return copy ?? context;
}
