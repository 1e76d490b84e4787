// The visitor's privacy signals as The Trade Desk takes them in a conversion:
// `privacy_settings`, a list of `{ privacy_type: GDPR | CCPA | GPP, is_applicable: "1" | "0",
// consent_string }` (an entry only with its string: the TCF string, the US Privacy string or the
// GPP string; every field text, as The Trade Desk's Data API schema types its
// `RealTimeConversionEventsPrivacySetting`), and `data_processing_option`,
// `{ policies: ["LDU"], region: "US-CA" }`, Limited Data Use for a visitor of a US state who
// opted out. The blueprint maps the signals into `privacy` and `data_processing_option`: the
// CMP's strings by name, and the ready-made entries RudderStack's SDKs carry in the event's
// `integrations.THE_TRADE_DESK` (its destination's convention); what could not be read is left
// out, never guessed.
import { isJsonObject, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** The kinds of privacy entry The Trade Desk takes. */
const PRIVACY_TYPES: ReadonlySet<string> = new Set(['GDPR', 'CCPA', 'GPP']);
/** The processing policies The Trade Desk documents: Limited Data Use only. */
const POLICIES: ReadonlySet<string> = new Set(['LDU']);
/** A US Privacy (CCPA) string: version 1 and three flags (`1YNN`, `1---`). */
const US_PRIVACY = /^1[YN-]{3}$/i;
/** A consent string's characters (TCF and GPP strings are URL-safe base64 with `.` and `~` separators). */
const CONSENT_STRING = /^[A-Za-z0-9_.~+/=-]{1,10000}$/;
/** A US state as ISO 3166-2 writes it after `US-`. */
const US_STATE = /^[A-Z]{2}$/;

/** "1" or "0" (text, as The Trade Desk's schema types `is_applicable`) from a boolean, 1/0 or their text; undefined otherwise. */
function flag(value: JsonValue | undefined): '0' | '1' | undefined {
  if (value === true || value === 1 || value === '1' || value === 'true') return '1';
  if (value === false || value === 0 || value === '0' || value === 'false') return '0';
  return undefined;
}

/** A consent string as written (trimmed), or undefined for what no CMP writes. */
function consentString(value: JsonValue | undefined): string | undefined {
  const text = readText(value);
  return text !== undefined && CONSENT_STRING.test(text) ? text : undefined;
}

/**
 * One ready-made entry (RudderStack's `integrations.THE_TRADE_DESK.privacy_settings`) as The
 * Trade Desk takes it, or undefined when it is no entry: an unknown kind, or a string no CMP
 * writes (a CCPA entry needs a US Privacy string).
 */
function readyEntry(raw: JsonValue): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const type = readText(raw.privacy_type)?.toUpperCase();
  if (type === undefined || !PRIVACY_TYPES.has(type)) return undefined;
  const written = readText(raw.consent_string);
  const text = type === 'CCPA' ? (written !== undefined && US_PRIVACY.test(written) ? written.toUpperCase() : undefined) : consentString(written);
  return text === undefined ? undefined : { privacy_type: type, is_applicable: flag(raw.is_applicable) ?? '1', consent_string: text };
}

/**
 * `privacy_settings` from the mapped `privacy` signals: GDPR with the TCF string
 * (`gdpr_consent`; `is_applicable` from `gdpr_applies`, "1" when not said: a CMP writes a TC
 * string where the GDPR applies), GPP with the GPP string (`gpp`), CCPA with the US Privacy
 * string (`us_privacy`, `1YNN`); then the ready-made entries of `settings` (RudderStack's form)
 * of a kind not given so, checked the same way. Undefined when there is none.
 *
 * @example
 * privacySettings({ gdpr_applies: true, gdpr_consent: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' });
 * // [{ privacy_type: 'GDPR', is_applicable: '1', consent_string: 'CPXxRfAPXxRfAAfKABENB-CgAAAAAAAAAAYgAAAAAAAA' }]
 */
export function privacySettings(raw: JsonValue | undefined): JsonObject[] | undefined {
  const input: JsonObject = isJsonObject(raw) ? raw : {};
  const settings: JsonObject[] = [];
  const tcString = consentString(input.gdpr_consent);
  if (tcString !== undefined) settings.push({ privacy_type: 'GDPR', is_applicable: flag(input.gdpr_applies) ?? '1', consent_string: tcString });
  const gpp = consentString(input.gpp);
  if (gpp !== undefined) settings.push({ privacy_type: 'GPP', is_applicable: '1', consent_string: gpp });
  const usPrivacy = readText(input.us_privacy);
  if (usPrivacy !== undefined && US_PRIVACY.test(usPrivacy)) settings.push({ privacy_type: 'CCPA', is_applicable: '1', consent_string: usPrivacy.toUpperCase() });
  const given = new Set(settings.map((entry) => entry.privacy_type));
  for (const entry of Array.isArray(input.settings) ? input.settings.map(readyEntry) : []) {
    if (entry === undefined || given.has(entry.privacy_type)) continue;
    given.add(entry.privacy_type);
    settings.push(entry);
  }
  return settings.length > 0 ? settings : undefined;
}

/** The mapped policies: a list or one text, upper-cased, those The Trade Desk documents. */
function policiesOf(value: JsonValue | undefined): string[] {
  const listed = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return [...new Set(listed.map((p) => readText(p)?.toUpperCase()).filter((p): p is string => p !== undefined && POLICIES.has(p)))];
}

/**
 * The US state of a visitor as ISO 3166-2 (`US-CA`), from a mapped `region` written so (any
 * case) or as the state's two letters with `country` the United States (`US`, `USA`, `United
 * States`); undefined for anywhere else: Limited Data Use is for US states.
 */
function usRegion(region: JsonValue | undefined, country: JsonValue | undefined): string | undefined {
  const written = readText(region)?.toUpperCase();
  if (written === undefined) return undefined;
  const iso = /^US-([A-Z]{2})$/.exec(written);
  if (iso) return `US-${iso[1]!}`;
  const nation = readText(country)?.toUpperCase().replace(/\./g, '');
  const inUs = nation === 'US' || nation === 'USA' || nation === 'UNITED STATES' || nation === 'UNITED STATES OF AMERICA';
  return inUs && US_STATE.test(written) ? `US-${written}` : undefined;
}

/**
 * `data_processing_option` from the mapped one: the policies The Trade Desk documents (`LDU`)
 * and the visitor's US state (`region` as `US-CA`, or `CA` with `country` `US`). Undefined when
 * there is no policy, or no US state to apply it in.
 *
 * @example
 * dataProcessingOption({ policies: 'ldu', region: 'ca', country: 'US' }); // { policies: ['LDU'], region: 'US-CA' }
 * dataProcessingOption({ policies: ['LDU'], region: 'BY', country: 'DE' }); // undefined
 */
export function dataProcessingOption(raw: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const policies = policiesOf(raw.policies);
  const region = usRegion(raw.region, raw.country);
  return policies.length > 0 && region !== undefined ? { policies, region } : undefined;
}
