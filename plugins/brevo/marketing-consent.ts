// Whether an event carries the person's marketing consent, read as Signal's consent gate reads
// a category: `true` in context.consent (its top-level `marketing`, a CMP's `categories`, or
// Segment's `categoryPreferences`) and `false` in none of them — a denial anywhere wins, and
// absent is no consent. Only this lets the plugin add a contact to the config's lists, which
// is how Brevo's campaigns reach people.
import type { CanonicalEvent } from '../../core/sdk/index.ts';

function field(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

/**
 * Whether the event grants `marketing` and denies it nowhere.
 *
 * @example
 * hasMarketingConsent({ context: { consent: { marketing: true } } } as CanonicalEvent);                                         // true
 * hasMarketingConsent({ context: { consent: { marketing: true, categoryPreferences: { marketing: false } } } } as CanonicalEvent); // false
 */
export function hasMarketingConsent(event: CanonicalEvent): boolean {
  const consent = event.context?.consent;
  const answers = [field(consent, 'marketing'), field(field(consent, 'categories'), 'marketing'), field(field(consent, 'categoryPreferences'), 'marketing')];
  return answers.includes(true) && !answers.includes(false);
}
