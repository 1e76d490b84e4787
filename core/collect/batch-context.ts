import type { ConsentState, EventContext } from './canonical-event.ts';

/**
 * An event's context within a batch: the batch's `context` for what the event lacks. Each field
 * the event has wins whole (a `page` or `library` describes one thing and is not mixed), except
 * `consent`, which is the visitor's state rather than one fact: it is merged field by field — the
 * event's own `analytics`, `gpc`, `iab`… win, the batch's fill in the rest — and `categories`,
 * `categoryPreferences` and `google` per key, so an event stating `{analytics: true}` keeps the
 * batch's `gpc: true` or `google.ad_user_data: 'denied'`. Returns a new object; neither input is
 * changed.
 *
 * @example
 * withBatchContext({ consent: { gpc: true, google: { ad_storage: 'denied' } } }, { consent: { analytics: true, google: { analytics_storage: 'granted' } } });
 * // { consent: { gpc: true, analytics: true, google: { ad_storage: 'denied', analytics_storage: 'granted' } } }
 */
export function withBatchContext(batch: EventContext | undefined, own: EventContext | undefined): EventContext {
  const context: EventContext = { ...batch, ...own };
  if (batch?.consent && own?.consent) context.consent = mergeConsent(batch.consent, own.consent);
  return context;
}

/**
 * `categories`, `categoryPreferences` and `google` are maps of independent answers (a CMP code, a
 * Segment category, a Consent Mode signal → granted): an event naming some of them leaves the
 * batch's others standing. `iab` is not: its strings are one CMP snapshot, so an event's own
 * `iab` replaces the batch's whole rather than pairing its `tcString` with the batch's `gdprApplies`.
 */
function mergeConsent(batch: ConsentState, own: ConsentState): ConsentState {
  const consent: ConsentState = { ...batch, ...own };
  // Written out per field: each map has its own value type.
  if (batch.categories && own.categories) consent.categories = { ...batch.categories, ...own.categories };
  if (batch.categoryPreferences && own.categoryPreferences) consent.categoryPreferences = { ...batch.categoryPreferences, ...own.categoryPreferences };
  if (batch.google && own.google) consent.google = { ...batch.google, ...own.google };
  return consent;
}
