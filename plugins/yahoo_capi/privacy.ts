// The event's `privacy` as Yahoo's CAPI takes it: one privacy signal, `privacy_type` GPP (with
// the GPP string as `consent_string` and the sections that apply as `gpp_sid`), GDPR (the TCF
// v2 string as `consent_string`) or OPTOUT (the person opted out of the sale or sharing of
// their data). A visitor who sent Global Privacy Control is sent as OPTOUT under
// SIGNAL_GPC=restrict (the default): Yahoo then measures the conversion without using it to
// target the person. The IAB strings come from the blueprint (context.consent.iab).
import { gpcRestrictsProcessing, isJsonObject, readText, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** Signal's cap on a consent string: TCF and GPP strings are far shorter. */
export const MAX_CONSENT_STRING_CHARS = 10_000;

/** The GPP section ids: whole numbers 0–1000 (a list or a text such as `7_8` or `7,8`). */
function sectionIds(value: JsonValue | undefined): number[] {
  const items = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[_,\s]+/) : typeof value === 'number' ? [value] : [];
  const ids = items.map((item) => (typeof item === 'number' ? item : typeof item === 'string' && /^\d{1,4}$/.test(item.trim()) ? Number(item) : NaN))
    .filter((id) => Number.isInteger(id) && id >= 0 && id <= 1000);
  return [...new Set(ids)];
}

/** A consent string as sent: trimmed, not blank, not absurdly long. */
function consentString(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  return text === undefined || text.length > MAX_CONSENT_STRING_CHARS || /\s/.test(text) ? undefined : text;
}

/**
 * `privacy` from what the blueprint mapped (`privacy.opt_out`, `privacy.gpp`, `privacy.gpp_sid`,
 * `privacy.tcf`) and the event's GPC: OPTOUT first (GPC under SIGNAL_GPC=restrict, or a mapped
 * opt-out), else GPP, else GDPR; undefined when there is none.
 *
 * @example
 * yahooPrivacy({ gpp: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA', gpp_sid: [2] }, event);
 * // { privacy_type: 'GPP', consent_string: 'DBABMA~CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA', gpp_sid: [2] }
 */
export function yahooPrivacy(mapped: JsonValue | undefined, event: CanonicalEvent): JsonObject | undefined {
  const raw = isJsonObject(mapped) ? mapped : {};
  if (gpcRestrictsProcessing(event) || raw.opt_out === true) return { privacy_type: 'OPTOUT' };
  const gpp = consentString(raw.gpp);
  if (gpp !== undefined) {
    const sids = sectionIds(raw.gpp_sid);
    return { privacy_type: 'GPP', consent_string: gpp, ...(sids.length > 0 ? { gpp_sid: sids } : {}) };
  }
  const tcf = consentString(raw.tcf);
  if (tcf !== undefined) return { privacy_type: 'GDPR', consent_string: tcf };
  return undefined;
}
