import type { CanonicalEvent } from '../collect/canonical-event.ts';

/**
 * The consent gate: with categories configured, an event passes only when every category is
 * `true` in `context.consent` — as a top-level boolean, in `categories` (CMP codes) or in
 * `categoryPreferences` (Segment's consent object) — and `false` in none of them: a denial
 * anywhere wins, so a stale or partial copy cannot grant what the visitor refused. Absent
 * means not granted. With none configured, every event passes.
 *
 * @example
 * isConsentGranted({ context: { consent: { analytics: true, marketing: false } } } as CanonicalEvent, ['analytics', 'marketing']); // false
 */
export function isConsentGranted(event: CanonicalEvent, categories: readonly string[]): boolean {
  if (categories.length === 0) return true;
  const consent = event.context?.consent;
  if (!consent) return false;
  for (const category of categories) {
    const answers = [consent[category], consent.categories?.[category], consent.categoryPreferences?.[category]];
    if (answers.includes(false) || !answers.includes(true)) return false;
  }
  return true;
}
