// Microsoft's consent signal for the Conversions API: `adStorageConsent`, `G` (granted) or `D`
// (denied: "will not be used for any advertising purposes, including conversion attribution and
// retargeting"); without it Microsoft processes the event as granted. UET's consent mode has a
// single signal, ad_storage, so it follows what the visitor said about ad storage, advertising
// or marketing, wherever the core's consent gate reads consent — and a denial anywhere wins, as
// at the gate, so a stale or partial copy cannot grant what the visitor refused.
import type { CanonicalEvent, JsonValue } from '../../core/sdk/index.ts';

/** The event's consent state (`context.consent`). */
type ConsentState = NonNullable<NonNullable<CanonicalEvent['context']>['consent']>;

/** The consent categories that speak for ad storage: Google Consent Mode's signal of the same name, advertising, marketing. */
export const AD_STORAGE_CATEGORIES = ['ad_storage', 'advertising', 'marketing'] as const;

/** `G`/`D`, `granted`/`denied` in any case, or a category's `true`/`false` → `G`/`D`; anything else: not said. */
function answer(value: unknown): 'G' | 'D' | undefined {
  if (typeof value === 'boolean') return value ? 'G' : 'D';
  const text = typeof value === 'string' ? value.trim().toLowerCase() : undefined;
  if (text === 'g' || text === 'granted') return 'G';
  if (text === 'd' || text === 'denied') return 'D';
  return undefined;
}

/**
 * The event's `adStorageConsent`: `D` when the blueprint mapped a denial or the event's
 * `context.consent` denies `ad_storage` (top-level, `categories`, `categoryPreferences` or
 * Google's `google.ad_storage`), `advertising` or `marketing`; else `G` when one of them is
 * granted; else undefined (not sent: Microsoft's default is granted, and the integration's
 * consent categories decide which events are sent at all).
 *
 * @example
 * adStorageConsentOf(undefined, { advertising: true, google: { ad_storage: 'denied' } }); // 'D'
 * adStorageConsentOf(undefined, { marketing: true });                                     // 'G'
 */
export function adStorageConsentOf(mapped: JsonValue | undefined, consent: ConsentState | undefined): 'G' | 'D' | undefined {
  const answers = [answer(mapped)];
  for (const category of AD_STORAGE_CATEGORIES) {
    answers.push(answer(consent?.[category]), answer(consent?.categories?.[category]), answer(consent?.categoryPreferences?.[category]));
  }
  answers.push(answer(consent?.google?.ad_storage));
  return answers.includes('D') ? 'D' : answers.includes('G') ? 'G' : undefined;
}
