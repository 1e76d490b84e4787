// OneSignal names the users this plugin writes by External ID, the "customer set User ID"
// (OneSignal: Users, Aliases): Signal's userId. An anonymous visitor has none, and neither
// has an event whose userId is a placeholder SDKs send for an empty variable ("null", "0").
import { usableId, type JsonValue } from '../../core/sdk/index.ts';

/**
 * The External ID of a mapped value (the userId), trimmed; undefined for none or a placeholder.
 *
 * @example
 * externalIdOf(' u-1 ');     // 'u-1'
 * externalIdOf(42);          // '42'
 * externalIdOf('undefined'); // undefined
 */
export function externalIdOf(value: JsonValue | undefined): string | undefined {
  if (!usableId(value)) return undefined;
  const id = String(value).trim();
  return id === '' ? undefined : id;
}

/**
 * The path of the user an External ID names, as OneSignal's user endpoints take it: the id
 * percent-encoded (OneSignal: "If your external_user_id contains character / you will need to
 * replace this with %2F").
 *
 * @example
 * userPath('a/b c'); // '/users/by/external_id/a%2Fb%20c'
 */
export function userPath(externalId: string): string {
  return `/users/by/external_id/${encodeURIComponent(externalId)}`;
}
