import type { CanonicalEvent } from '../collect/canonical-event.ts';

/**
 * The consent gate: with categories configured, an event passes only when every category is
 * `true` in `context.consent` — as a top-level boolean, in `categories` (CMP codes) or in
 * `categoryPreferences` (Segment's consent object). Absent means not granted. With none
 * configured, every event passes.
 *
 * @example
 * isConsentGranted({ context: { consent: { analytics: true, marketing: false } } } as CanonicalEvent, ['analytics', 'marketing']); // false
 */
export function isConsentGranted(event: CanonicalEvent, categories: readonly string[]): boolean {
  if (categories.length === 0) return true;
  const consent = event.context?.consent;
  if (!consent) return false;
  for (const category of categories) {
    if (consent[category] === true) continue;
    if (consent.categories?.[category] === true) continue;
    if (consent.categoryPreferences?.[category] === true) continue;
    return false;
  }
  return true;
}
