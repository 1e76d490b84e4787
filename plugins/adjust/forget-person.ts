// Person deletions through Adjust's data erasure (GDPR forget device) API:
// `POST https://gdpr.adjust.com/gdpr_forget_device?s2s=1&app_token=…&adid=…`. Adjust forgets a
// device of one app: it permanently deletes the device's data and stops recording it. Signal
// names a person by userId and anonymousId, not by device: Adjust's device id can be named only
// when the app sets Segment's anonymousId to the Adjust SDK's adid (config.anonymous_id_is_adid),
// and the anonymousId has its form. Any other person is skipped, saying why: a userId names no
// device, and Signal keeps no device ids of a person to look up (a deletion request is built
// from the ids named, purely).
import { configText, defaultForgetRead, type ForgetOutcome, type JsonValue, type PersonForgetting, type VendorResponse } from '../../core/sdk/index.ts';
import { saidByAdjust } from './classify.ts';
import { ADID } from './device-ids.ts';
import { adjustHeaders } from './requests.ts';

/** Adjust's data erasure endpoint. */
export const FORGET_DEVICE_URL = 'https://gdpr.adjust.com/gdpr_forget_device';

/** Why a deletion is not forwarded when the config does not say the anonymousId is the adid. */
export const NOT_ADID_CONFIG = 'Adjust forgets devices, named by a device id; Signal names people by userId and anonymousId, and config.anonymous_id_is_adid is off (the anonymousId is not the Adjust adid), so no device can be named: forget the device from the app (the Adjust SDK\'s gdprForgetMe) or in Adjust';
/** Why a deletion is not forwarded when the anonymousId named is no adid. */
export const NO_ADID = 'Adjust forgets devices, named by a device id, and no id named is one: the anonymousId is not an Adjust adid (32 hexadecimal digits) and a userId names no device; forget the device from the app (the Adjust SDK\'s gdprForgetMe) or in Adjust';

const on = (value: JsonValue | undefined, byDefault: boolean) => (typeof value === 'boolean' ? value : byDefault);

/**
 * Reads Adjust's answer to a forget request: 200 done; 451 ("Unavailable for legal reasons")
 * done as well, read as a device Adjust already forgot or holds nothing of (unconfirmed: Adjust
 * does not describe it); 429 (10 requests a minute) and 5xx tried again, after Retry-After when
 * given; 400 (invalid formatting or token) and 401/403 (the S2S token) failed with Adjust's words.
 *
 * @example
 * readForgetAnswer({ status: 200, headers: {}, body: 'OK' });
 * // { done: true, message: 'Adjust forgot the device for this app (HTTP 200): its data is deleted and no longer recorded' }
 */
export function readForgetAnswer(response: VendorResponse): ForgetOutcome {
  const said = saidByAdjust(response);
  const { status } = response;
  if (status >= 200 && status < 300) return { done: true, message: `Adjust forgot the device for this app (HTTP ${status}): its data is deleted and no longer recorded` };
  if (status === 451) return { done: true, message: `Adjust answered HTTP 451 (${said}): the device is already forgotten or opted out for this app` };
  if (status === 401 || status === 403) return { failed: `Adjust refused the deletion (HTTP ${status}, ${said}): check config.s2s_token (with GDPR authentication on, a token with the GDPR scope)` };
  if (status === 400) return { failed: `Adjust refused the deletion (HTTP 400, ${said}): check config.app_token` };
  const outcome = defaultForgetRead(response);
  if ('retry' in outcome) return { ...outcome, retry: `Adjust's deletion failed (HTTP ${status}, ${said})` };
  if ('failed' in outcome) return { failed: `Adjust refused the deletion (HTTP ${status}, ${said})` };
  return outcome;
}

/**
 * Forwarding of person deletions: one forget request for the Adjust device the anonymousId is
 * (with config.anonymous_id_is_adid), the S2S Security token as a Bearer token when set. Safe
 * to repeat: a forgotten device is forgotten again.
 */
export const forgetPerson: PersonForgetting = {
  enabled: (config) => on(config.forward_deletions, true) && configText(config, 'app_token') !== undefined,
  request(person, ctx) {
    if (ctx.config.anonymous_id_is_adid !== true) return { skipped: NOT_ADID_CONFIG };
    const anonymousId = typeof person.anonymousId === 'string' ? person.anonymousId.trim() : '';
    if (!ADID.test(anonymousId)) return { skipped: NO_ADID };
    return {
      method: 'POST',
      url: FORGET_DEVICE_URL,
      query: [['s2s', '1'], ['app_token', configText(ctx.config, 'app_token') ?? ''], ['adid', anonymousId.toLowerCase()]],
      headers: adjustHeaders(ctx.config),
      eventIds: [],
    };
  },
  read: (response) => readForgetAnswer(response),
  successAnswer: { status: 200, body: 'OK' },
};
