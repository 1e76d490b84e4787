// The event's consent as Amazon's Events API takes it (`consent`): Amazon's own consent format
// (`amazonConsent`: amznUserData, required in it, and amznAdStorage, each GRANTED or DENIED), the
// IAB strings (`tcf`, `gpp`) and the visitor's IP address (`geo.ipAddress`, which Amazon reads
// the consent rules of the visitor's place by). Amazon requires one of them of every event
// advertisers in Europe send.
import { isJsonObject, readText, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** How consent values are written (booleans, Consent Mode's granted/denied, CMPs' yes/no, 1/0). */
const GRANTED = new Set(['true', 'granted', 'yes', '1', 'on', 'enabled', 'opted_in', 'optin', 'allow', 'allowed']);
const DENIED = new Set(['false', 'denied', 'no', '0', 'off', 'disabled', 'opted_out', 'optout', 'deny', 'refused']);

/**
 * A consent value as GRANTED or DENIED, or undefined when it says neither.
 *
 * @example
 * consentStatus(true);      // 'GRANTED'
 * consentStatus('denied');  // 'DENIED'
 * consentStatus('maybe');   // undefined
 */
export function consentStatus(value: JsonValue | undefined): 'GRANTED' | 'DENIED' | undefined {
  const text = typeof value === 'boolean' || typeof value === 'number' ? String(value) : readText(value)?.toLowerCase();
  if (text === undefined) return undefined;
  if (GRANTED.has(text)) return 'GRANTED';
  if (DENIED.has(text)) return 'DENIED';
  return undefined;
}

/**
 * `consent` from what the blueprint mapped (`amazonConsent.amznUserData`, `amazonConsent.amznAdStorage`,
 * `tcf`, `gpp`, `geo.ipAddress`): values read as GRANTED/DENIED, strings trimmed, anything else
 * left out; amznAdStorage alone is no amazonConsent (Amazon requires amznUserData in it).
 * Undefined when nothing is left.
 *
 * @example
 * consentOf({ amazonConsent: { amznUserData: true, amznAdStorage: 'granted' }, geo: { ipAddress: '203.0.113.42' } });
 * // { amazonConsent: { amznUserData: 'GRANTED', amznAdStorage: 'GRANTED' }, geo: { ipAddress: '203.0.113.42' } }
 */
export function consentOf(raw: JsonValue | undefined): JsonObject | undefined {
  if (!isJsonObject(raw)) return undefined;
  const consent: JsonObject = {};
  const amazon = isJsonObject(raw.amazonConsent) ? raw.amazonConsent : {};
  const userData = consentStatus(amazon.amznUserData);
  if (userData !== undefined) {
    const adStorage = consentStatus(amazon.amznAdStorage);
    consent.amazonConsent = { amznUserData: userData, ...(adStorage === undefined ? {} : { amznAdStorage: adStorage }) };
  }
  const ip = readText(isJsonObject(raw.geo) ? raw.geo.ipAddress : undefined);
  if (ip !== undefined) consent.geo = { ipAddress: ip };
  for (const key of ['tcf', 'gpp'] as const) {
    const text = readText(raw[key]);
    if (text !== undefined) consent[key] = text;
  }
  return Object.keys(consent).length > 0 ? consent : undefined;
}
