import type { CanonicalEvent } from '../collect/canonical-event.ts';

/**
 * What Signal does with an event whose visitor sent Global Privacy Control
 * (`context.consent.gpc: true`), set by `SIGNAL_GPC`:
 * - `restrict` (the default): every integration still receives it; the ad plugins with a
 *   restricted-processing mode (Meta's Limited Data Use, …) flag that event for it.
 * - `opt_out`: GPC is a refusal of `advertising` (and Google's `ad_user_data`,
 *   `ad_personalization`): integrations gated on them do not receive the event.
 * - `ignore`: nothing changes.
 */
export type GpcRule = 'restrict' | 'opt_out' | 'ignore';
export const GPC_RULES: readonly GpcRule[] = ['restrict', 'opt_out', 'ignore'];
export const DEFAULT_GPC_RULE: GpcRule = 'restrict';

/** The consent categories GPC refuses under `opt_out`: selling or sharing data for ads. */
export const GPC_REFUSED_CATEGORIES: ReadonlySet<string> = new Set(['advertising', 'ad_user_data', 'ad_personalization']);

// One rule per process, set at start from the configuration: the consent checks (fan-out,
// delivery, replays, traces, click-id cookies) and the plugins' mappers must all agree on it,
// and it is a deployment's choice, like the consent categories' meaning.
let current: GpcRule = DEFAULT_GPC_RULE;

/**
 * Sets the process's GPC rule (start-up does, from `SIGNAL_GPC`).
 *
 * @example
 * setGpcRule(loadConfig(process.env).gpc);
 */
export function setGpcRule(rule: GpcRule): void {
  current = rule;
}

/** The process's GPC rule. */
export function gpcRule(): GpcRule {
  return current;
}

/** The event's visitor sent Global Privacy Control (`context.consent.gpc` is `true`). */
export function hasGpcOptOut(event: CanonicalEvent): boolean {
  return event.context?.consent?.gpc === true;
}

/**
 * Whether an ad plugin should flag this event for its restricted-processing mode (Meta's and
 * Reddit's Limited Data Use, Nextdoor's restricted data usage, …): the visitor sent GPC and the
 * rule is `restrict`. A plugin's config flag that restricts every event still applies besides.
 *
 * @example
 * if (config.limited_data_use === true || gpcRestrictsProcessing(event)) out.data_processing_options = ['LDU'];
 */
export function gpcRestrictsProcessing(event: CanonicalEvent, rule: GpcRule = current): boolean {
  return rule === 'restrict' && hasGpcOptOut(event);
}
