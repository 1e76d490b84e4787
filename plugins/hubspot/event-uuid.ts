// The `uuid` of a custom event occurrence: HubSpot takes "a universally unique identifier to
// assign a unique ID to the event occurrence … for matching data between HubSpot and other
// external systems". The event's messageId is its id through retries and replays; a messageId
// that is not a UUID (SDKs and servers send any text) gives a name-based UUID (RFC 9562
// version 5) of it, so the same event always carries the same uuid.
import { nameBasedUuid } from '../../core/sdk/index.ts';

/** A UUID in its canonical text form, any version. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The namespace of Signal's name-based event uuids (a fixed, random UUID: changing it changes every uuid). */
const NAMESPACE = '6f1d2b8e-4c3a-4e5f-9b7d-1a2c3e4f5a6b';

/**
 * The occurrence uuid of a messageId: the messageId itself when it is a UUID (lower case),
 * else the version 5 UUID of it in Signal's namespace.
 *
 * @example
 * eventUuid('3F2504E0-4F89-11D3-9A0C-0305E82C3301'); // '3f2504e0-4f89-11d3-9a0c-0305e82c3301'
 * eventUuid('hs-track-1'); // a stable version 5 UUID, e.g. '…-5…-…'
 */
export function eventUuid(messageId: string): string {
  const trimmed = messageId.trim();
  if (UUID.test(trimmed)) return trimmed.toLowerCase();
  return nameBasedUuid(trimmed, { version: 5, namespace: NAMESPACE });
}
