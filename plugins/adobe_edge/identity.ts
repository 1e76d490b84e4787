// The event's `identityMap`: the ECID the site passed (the Web SDK's or visitor.js's), the
// anonymousId and the userId in the config's namespaces, one of them marked primary — the Edge
// Network refuses an event of a server datastream without an explicit primary identity.
import { configText, readText, usableId, type CanonicalEvent, type JsonObject, type JsonValue } from '../../core/sdk/index.ts';

/** An ECID: 38 digits. */
const ECID = /^\d{38}$/;
/** A UUID version 4, the only FPID the Edge Network takes. */
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;

/** An identity in the map. */
interface Identity { namespace: string; id: string; authenticatedState: 'ambiguous' | 'authenticated' }

/**
 * The identity map of an event, or why it has none. `ecid` is what the blueprint mapped (the
 * site's `context.adobe.ecid`); an ECID that is not 38 digits is left out, as is an
 * anonymousId the FPID namespace cannot take (not UUIDv4), each said through `warn`.
 *
 * @example
 * identityMapOf(event, '12345678901234567890123456789012345678', { user_id_namespace: 'CRMID' }, warn);
 * // { ECID: [{ id: '1234…5678', authenticatedState: 'ambiguous', primary: true }], CRMID: [{ id: 'user-7', authenticatedState: 'authenticated', primary: false }] }
 */
export function identityMapOf(event: CanonicalEvent, ecid: JsonValue | undefined, config: Record<string, JsonValue>, warn: (message: string) => void): JsonObject | undefined {
  const identities: Identity[] = [];
  const ecidText = readText(ecid);
  if (ecidText !== undefined) {
    if (ECID.test(ecidText)) identities.push({ namespace: 'ECID', id: ecidText, authenticatedState: 'ambiguous' });
    else warn('the ECID left out: an ECID is 38 digits (pass the Web SDK\'s identity.ECID, or visitor.js\'s getMarketingCloudVisitorID(), as context.adobe.ecid)');
  }
  const anonymousNamespace = configText(config, 'anonymous_id_namespace') ?? 'FPID';
  const anonymousId = usableId(event.anonymousId) ? String(event.anonymousId).trim() : undefined;
  if (anonymousId !== undefined) {
    if (anonymousNamespace.toUpperCase() === 'FPID' && !UUID_V4.test(anonymousId)) {
      warn('the anonymousId left out: the FPID namespace takes UUIDv4 ids only (set config.anonymous_id_namespace to a custom namespace to send it)');
    } else {
      identities.push({ namespace: anonymousNamespace, id: anonymousId, authenticatedState: 'ambiguous' });
    }
  }
  const userNamespace = configText(config, 'user_id_namespace');
  const userId = usableId(event.userId) ? String(event.userId).trim() : undefined;
  const user = userNamespace !== undefined && userId !== undefined ? { namespace: userNamespace, id: userId, authenticatedState: 'authenticated' as const } : undefined;
  if (user !== undefined) identities.push(user);
  if (identities.length === 0) return undefined;
  const primary = config.primary_identity === 'user' && user !== undefined ? user : identities[0]!;
  const map: Record<string, JsonObject[]> = {};
  for (const identity of identities) {
    (map[identity.namespace] ??= []).push({ id: identity.id, authenticatedState: identity.authenticatedState, primary: identity === primary });
  }
  return map;
}
