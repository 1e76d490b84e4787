// The event's consent as Adobe's Consent standard writes it in XDM (the Consent for Privacy,
// Personalization and Marketing Preferences data type, `consents`): `collect.val` from Signal's
// analytics category, `adID.val` from advertising, `personalize.content.val` from functional,
// each "y" or "n" — a category the event neither grants nor refuses is left out, never guessed.
// Global Privacy Control under SIGNAL_GPC=opt_out refuses advertising.
import { isConsentGranted, readInstantMs, type CanonicalEvent, type JsonObject } from '../../core/sdk/index.ts';

/** Signal's category behind each Adobe consent. */
export const CONSENT_CATEGORIES = { collect: 'analytics', adID: 'advertising', personalize: 'functional' } as const;

/** A category as granted (true), refused (false) or not said (undefined): a refusal anywhere wins. */
function categoryAnswer(event: CanonicalEvent, category: string): boolean | undefined {
  const consent = event.context?.consent;
  if (!consent) return undefined;
  const answers = [consent[category], consent.categories?.[category], consent.categoryPreferences?.[category]];
  if (answers.includes(false)) return false;
  if (!answers.includes(true)) return undefined;
  // The consent gate's own reading adds Global Privacy Control's refusal (SIGNAL_GPC=opt_out).
  return isConsentGranted(event, [category]);
}

const yn = (granted: boolean) => ({ val: granted ? 'y' : 'n' });

/**
 * `consents` for the event, or undefined when it says nothing of the three categories.
 *
 * @example
 * consentsOf({ …, timestamp: '2026-12-01T11:00:00Z', context: { consent: { analytics: true, advertising: false } } });
 * // { collect: { val: 'y' }, adID: { val: 'n' }, metadata: { time: '2026-12-01T11:00:00.000Z' } }
 */
export function consentsOf(event: CanonicalEvent): JsonObject | undefined {
  const consents: JsonObject = {};
  const collect = categoryAnswer(event, CONSENT_CATEGORIES.collect);
  if (collect !== undefined) consents.collect = yn(collect);
  const adID = categoryAnswer(event, CONSENT_CATEGORIES.adID);
  if (adID !== undefined) consents.adID = yn(adID);
  const personalize = categoryAnswer(event, CONSENT_CATEGORIES.personalize);
  if (personalize !== undefined) consents.personalize = { content: yn(personalize) };
  if (Object.keys(consents).length === 0) return undefined;
  const at = readInstantMs(event.timestamp) ?? readInstantMs(event.receivedAt);
  if (at !== undefined) consents.metadata = { time: new Date(at).toISOString() };
  return consents;
}
