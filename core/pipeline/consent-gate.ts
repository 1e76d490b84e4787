import type { CanonicalEvent } from '../collect/canonical-event.ts';
import { GPC_REFUSED_CATEGORIES, gpcRule, hasGpcOptOut, type GpcRule } from './gpc-rule.ts';

/** Google Consent Mode v2's signals: as categories, read from `context.consent.google` too. */
const GOOGLE_SIGNALS = new Set(['ad_storage', 'analytics_storage', 'ad_user_data', 'ad_personalization']);

/** The categories the canonical event names: its top-level booleans and Google's signals. */
export const COMMON_CONSENT_CATEGORIES: readonly string[] = ['analytics', 'marketing', 'functional', 'advertising', ...GOOGLE_SIGNALS];

/**
 * The consent gate: with categories configured, an event passes only when every category is
 * `true` in `context.consent` — as a top-level boolean, in `categories` (CMP codes) or in
 * `categoryPreferences` (Segment's consent object), or, for the four Google Consent Mode
 * signals, `granted` in `google` — and refused in none of them: a denial anywhere wins, so a
 * stale or partial copy cannot grant what the visitor refused. Absent means not granted. With
 * none configured, every event passes. Under the GPC rule `opt_out` (`SIGNAL_GPC`), a visitor's
 * Global Privacy Control (`gpc: true`) is one more denial of `advertising`, `ad_user_data` and
 * `ad_personalization`; other categories are not affected.
 *
 * @example
 * isConsentGranted({ context: { consent: { analytics: true, marketing: false } } } as CanonicalEvent, ['analytics', 'marketing']); // false
 * isConsentGranted({ context: { consent: { google: { ad_user_data: 'granted' } } } } as CanonicalEvent, ['ad_user_data']); // true
 * isConsentGranted({ context: { consent: { advertising: true, gpc: true } } } as CanonicalEvent, ['advertising'], 'opt_out'); // false
 */
export function isConsentGranted(event: CanonicalEvent, categories: readonly string[], gpc: GpcRule = gpcRule()): boolean {
  if (categories.length === 0) return true;
  const consent = event.context?.consent;
  if (!consent) return false;
  const gpcRefuses = gpc === 'opt_out' && hasGpcOptOut(event);
  for (const category of categories) {
    const answers = [consent[category], consent.categories?.[category], consent.categoryPreferences?.[category]];
    if (gpcRefuses && GPC_REFUSED_CATEGORIES.has(category)) answers.push(false);
    if (GOOGLE_SIGNALS.has(category)) {
      const signal = (consent.google as Record<string, unknown> | undefined)?.[category];
      answers.push(signal === 'granted' ? true : signal === 'denied' ? false : undefined);
    }
    if (answers.includes(false) || !answers.includes(true)) return false;
  }
  return true;
}

/** Edits (insert, delete, replace one character) from `a` to `b`, up to `limit` + 1. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/**
 * What looks wrong in an integration's consent categories: one that differs from a known
 * category only in case (the gate matches names exactly, so `Analytics` is never granted by
 * `analytics: true`), or by one or two letters (`analytcs`). Such an integration would skip
 * every event as `skippedConsent`. A name far from every known one (a CMP's `C0004`) is no
 * warning: sites define their own.
 *
 * @example
 * consentCategoryWarnings(['analytcs', 'C0004'], COMMON_CONSENT_CATEGORIES);
 * // ['"analytcs" is not a category events usually carry: did you mean "analytics"? …']
 */
export function consentCategoryWarnings(categories: readonly string[], known: Iterable<string>): string[] {
  const names = [...new Set(known)];
  const warnings: string[] = [];
  for (const category of categories) {
    if (names.includes(category)) continue;
    const sameLetters = names.find((name) => name.toLowerCase() === category.toLowerCase());
    if (sameLetters !== undefined) {
      warnings.push(`"${category}" differs from the usual "${sameLetters}" only in case: categories are matched exactly, so events granting "${sameLetters}" will not reach this integration`);
      continue;
    }
    if (category.length < 5) continue;
    const near = names.find((name) => editDistance(category.toLowerCase(), name.toLowerCase(), 2) <= 2);
    if (near !== undefined) warnings.push(`"${category}" is not a category events usually carry: did you mean "${near}"? Until an event grants "${category}", this integration receives nothing`);
  }
  return warnings;
}
