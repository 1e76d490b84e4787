// Whether an event carries the person's marketing consent, read as Signal's consent gate reads
// a category (the SDK's isConsentGranted): `true` in context.consent (its top-level `marketing`,
// a CMP's `categories`, or Segment's `categoryPreferences`) and `false` in none of them — a
// denial anywhere wins, and absent is no consent. Only this lets the plugin add a new member as subscribed.
import { isConsentGranted, type CanonicalEvent } from '../../core/sdk/index.ts';

/**
 * Whether the event grants `marketing` and denies it nowhere.
 *
 * @example
 * hasMarketingConsent({ context: { consent: { marketing: true } } } as CanonicalEvent);                                      // true
 * hasMarketingConsent({ context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } } as CanonicalEvent); // false
 */
export function hasMarketingConsent(event: CanonicalEvent): boolean {
  return isConsentGranted(event, ['marketing']);
}
