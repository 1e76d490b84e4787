import type { CanonicalEvent } from '../collect/canonical-event.ts';

/** Google Consent Mode v2's signals: as categories, read from `context.consent.google` too. */
const GOOGLE_SIGNALS = new Set(['ad_storage', 'analytics_storage', 'ad_user_data', 'ad_personalization']);

/**
 * The consent gate: with categories configured, an event passes only when every category is
 * `true` in `context.consent` — as a top-level boolean, in `categories` (CMP codes) or in
 * `categoryPreferences` (Segment's consent object), or, for the four Google Consent Mode
 * signals, `granted` in `google` — and refused in none of them: a denial anywhere wins, so a
 * stale or partial copy cannot grant what the visitor refused. Absent means not granted. With
 * none configured, every event passes.
 *
 * @example
 * isConsentGranted({ context: { consent: { analytics: true, marketing: false } } } as CanonicalEvent, ['analytics', 'marketing']); // false
 * isConsentGranted({ context: { consent: { google: { ad_user_data: 'granted' } } } } as CanonicalEvent, ['ad_user_data']); // true
 */
export function isConsentGranted(event: CanonicalEvent, categories: readonly string[]): boolean {
  if (categories.length === 0) return true;
  const consent = event.context?.consent;
  if (!consent) return false;
  for (const category of categories) {
    const answers = [consent[category], consent.categories?.[category], consent.categoryPreferences?.[category]];
    if (GOOGLE_SIGNALS.has(category)) {
      const signal = (consent.google as Record<string, unknown> | undefined)?.[category];
      answers.push(signal === 'granted' ? true : signal === 'denied' ? false : undefined);
    }
    if (answers.includes(false) || !answers.includes(true)) return false;
  }
  return true;
}
