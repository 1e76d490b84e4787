// The authorization headers of a SQL API request, made at the moment it is sent (the core's
// `sign` hook for deliveries; the deletion's request and its follow-up are built when sent).
import { PermanentError, trimmedText, type JsonValue } from '../../core/sdk/index.ts';
import { jwtAccount } from './config.ts';
import { keyPairJwt } from './key-pair.ts';

/**
 * The authorization headers of a request sent at `nowMs`: the programmatic access token when the
 * config has one, else a key-pair JWT signed then. A config with neither throws, naming the fields.
 *
 * @example
 * authorizationHeaders({ account: 'myorg-shop', user: 'SIGNAL_WRITER', private_key: pem }, Date.now());
 * // { authorization: 'Bearer eyJ…', 'x-snowflake-authorization-token-type': 'KEYPAIR_JWT' }
 */
export function authorizationHeaders(config: Record<string, JsonValue>, nowMs: number): Record<string, string> {
  const token = trimmedText(config.programmatic_access_token);
  if (token !== undefined) return { authorization: `Bearer ${token}`, 'x-snowflake-authorization-token-type': 'PROGRAMMATIC_ACCESS_TOKEN' };
  const privateKey = trimmedText(config.private_key);
  if (privateKey === undefined) throw new PermanentError('config.private_key or config.programmatic_access_token is required: store one of them in a new revision');
  const passphrase = trimmedText(config.private_key_passphrase);
  const jwt = keyPairJwt({ account: jwtAccount(config), user: trimmedText(config.user) ?? '', privateKey, ...(passphrase === undefined ? {} : { passphrase }) }, nowMs);
  return { authorization: `Bearer ${jwt}`, 'x-snowflake-authorization-token-type': 'KEYPAIR_JWT' };
}
