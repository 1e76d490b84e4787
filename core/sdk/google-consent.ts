// Google Consent Mode's two signals about a person's data in Google's ads (`ad_user_data`,
// `ad_personalization`) as every plugin sending Google conversions reads an event's answer:
// from what its blueprint mapped and from everywhere the core's consent gate reads consent in
// `context.consent` (a top-level boolean, `categories`, `categoryPreferences`, `google`). A
// denial anywhere wins, as at the gate, so a partial copy cannot send what the visitor refused.
import type { CanonicalEvent } from './types.ts';

/** The Consent Mode signals a Google conversion carries. */
export type GoogleConsentSignal = 'ad_user_data' | 'ad_personalization';
/** A signal's answer, as Google's APIs name it (the Data Manager API prefixes it with `CONSENT_`). */
export type GoogleConsentAnswer = 'GRANTED' | 'DENIED';

/** The event's consent state (`context.consent`). */
type ConsentState = NonNullable<NonNullable<CanonicalEvent['context']>['consent']>;

/**
 * One answer: `granted` / `denied` in any case (or Google's `CONSENT_GRANTED` /
 * `CONSENT_DENIED`), or a category's `true` / `false`; anything else is no answer.
 *
 * @example
 * googleConsentAnswer(' Denied ');        // 'DENIED'
 * googleConsentAnswer('CONSENT_GRANTED'); // 'GRANTED'
 * googleConsentAnswer(false);             // 'DENIED'
 * googleConsentAnswer('yes');             // undefined
 */
export function googleConsentAnswer(value: unknown): GoogleConsentAnswer | undefined {
  if (typeof value === 'boolean') return value ? 'GRANTED' : 'DENIED';
  const upper = typeof value === 'string' ? value.trim().toUpperCase().replace(/^CONSENT_/, '') : undefined;
  return upper === 'GRANTED' || upper === 'DENIED' ? upper : undefined;
}

/**
 * An event's answer to a Consent Mode signal: the blueprint's mapped value and the event's
 * `context.consent` (the signal as a top-level boolean, in `categories`, in
 * `categoryPreferences`, in `google`); `DENIED` when any says denied, else `GRANTED` when any
 * says granted, else undefined (not said).
 *
 * @example
 * googleConsentStatus('granted', { categories: { ad_user_data: false } }, 'ad_user_data'); // 'DENIED'
 * googleConsentStatus(undefined, { google: { ad_personalization: 'granted' } }, 'ad_personalization'); // 'GRANTED'
 */
export function googleConsentStatus(mapped: unknown, consent: ConsentState | undefined, signal: GoogleConsentSignal): GoogleConsentAnswer | undefined {
  const answers = [mapped, consent?.[signal], consent?.categories?.[signal], consent?.categoryPreferences?.[signal], consent?.google?.[signal]].map(googleConsentAnswer);
  return answers.includes('DENIED') ? 'DENIED' : answers.includes('GRANTED') ? 'GRANTED' : undefined;
}
